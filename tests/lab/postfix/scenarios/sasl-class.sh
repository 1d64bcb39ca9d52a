# sasl-class - issue 19 item 1, ownership enforced by a shape written by
# hand: sasl-spoof's logins alice and bob, an owner table
# (smtpd_sender_login_maps = hash:DIR/etc/sender_owners) and the
# mismatch reject inside a restriction class named in
# smtpd_sender_restrictions before the permit.  Postfix refuses alice's
# MAIL FROM:<bob@mail.example.com> (553): no hole, and no finding.
# shellcheck source=tests/lab/postfix/scenarios/sasl-spoof.sh
. "$LAB/scenarios/sasl-spoof.sh"
map "$ETC/sender_owners" <<-EOM
	alice@mail.example.com	alice
	bob@mail.example.com	bob
	EOM
set_param "smtpd_sender_login_maps = hash:$ETC/sender_owners" \
    "smtpd_restriction_classes = owners" \
    "owners = reject_authenticated_sender_login_mismatch" \
    "smtpd_sender_restrictions = owners, permit_sasl_authenticated"
