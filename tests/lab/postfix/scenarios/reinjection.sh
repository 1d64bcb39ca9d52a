# reinjection - amavisd-new's return port on loopback inherits AUTH from main.cf
# sasl-root's Cyrus SASL (smtpd_sasl_auth_enable = yes in main.cf), plus
# the content filter's return service of Debian's amavisd-new
# README.Postfix on 127.0.0.1:PORT2 (DIR/reinject_port) with its -o
# overrides (smtpd_*_restrictions=permit_mynetworks,reject,
# mynetworks=127.0.0.0/8).  EHLO there offers AUTH (inherited).  A test
# should see it named as no submission port, AUTH findings at most low,
# and no fix that gives it AUTH; 127.0.0.1 relays through it, XCLIENT
# ADDR=198.51.100.9 is refused (554).
# shellcheck source=/dev/null
. "$LAB/scenarios/sasl-root.sh"
return_port=$(rand_port "$PORT")
echo "$return_port" >"$DIR/reinject_port"
cat >>"$ETC/master.cf" <<-EOM
	# amavisd-new (Debian README.Postfix): filtered mail comes back here
	127.0.0.1:$return_port inet n  -       n       -       -       smtpd
	  -o content_filter=
	  -o local_recipient_maps=
	  -o smtpd_restriction_classes=
	  -o smtpd_client_restrictions=
	  -o smtpd_helo_restrictions=
	  -o smtpd_sender_restrictions=
	  -o smtpd_recipient_restrictions=permit_mynetworks,reject
	  -o smtpd_relay_restrictions=permit_mynetworks,reject
	  -o mynetworks=127.0.0.0/8
	  -o receive_override_options=no_unknown_recipient_checks,no_header_body_checks
	EOM
settle
