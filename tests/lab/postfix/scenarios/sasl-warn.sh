# sasl-warn - issue 19 item 1 on a shape written by hand: sasl-spoof's
# logins alice and bob, the postmaster's own owner table
# (smtpd_sender_login_maps = hash:DIR/etc/sender_owners: alice, bob and
# sales@ shared by both), and the mismatch reject put "on trial" with
# warn_if_reject in smtpd_sender_restrictions, written over several lines
# with commas.  Postfix only logs "reject_warning" for it: logged in as
# alice, MAIL FROM:<bob@mail.example.com> is accepted.
# shellcheck source=tests/lab/postfix/scenarios/sasl-spoof.sh
. "$LAB/scenarios/sasl-spoof.sh"
map "$ETC/sender_owners" <<-EOM
	alice@mail.example.com	alice
	bob@mail.example.com	bob
	sales@mail.example.com	alice, bob
	EOM
set_param "smtpd_sender_login_maps = hash:$ETC/sender_owners"
cat >>"$ETC/main.cf" <<-EOM
	smtpd_sender_restrictions =
	    warn_if_reject reject_sender_login_mismatch,
	    reject_non_fqdn_sender
	EOM
settle
