# sasl-service-emptied - sasl-service-owners with the owner table and the
# mismatch reject in main.cf too (smtpd_sender_login_maps =
# hash:DIR/etc/sender_owners, smtpd_sender_restrictions =
# reject_authenticated_sender_login_mismatch), but smtps empties the
# table with -o smtpd_sender_login_maps= (written by postconf -P).  The
# reject there finds no owner for any address: logged in as bob on smtps
# every MAIL FROM is refused (553 "not owned"), bob's own too.  The lab
# test then takes main.cf's reject out: smtps has the hole, and no table
# set in main.cf reaches it.
# shellcheck source=tests/lab/postfix/scenarios/sasl-service-owners.sh
. "$LAB/scenarios/sasl-service-owners.sh"
set_param "smtpd_sender_login_maps = hash:$ETC/sender_owners" \
    "smtpd_sender_restrictions = reject_authenticated_sender_login_mismatch"
postconf -c "$ETC" -P \
    "127.0.0.1:$smtps_port/inet/smtpd_sender_login_maps="
settle
