# relay-level0 - no compatibility_level: relay control only in the recipient list
# A main.cf carried over from before Postfix 2.10 (or written by hand):
# no compatibility_level, so Postfix runs at level 0, where the default
# smtpd_relay_restrictions is empty; smtpd_recipient_restrictions alone
# holds permit_mynetworks, permit_sasl_authenticated,
# reject_unauth_destination.  Closed today (XCLIENT ADDR=198.51.100.9 RCPT
# victim@remote.test -> 554), but any permit later put in front of the
# recipient list opens the relay.  A test should see
# postfix.relay.recipient-only with "default at compatibility_level 0".
postconf -c "$ETC" -X compatibility_level smtpd_relay_restrictions
set_param "smtpd_recipient_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination"
map "$ETC/sender_access" <<-EOM
	# our own domain may send anywhere (for the test's "later edit")
	example.com     OK
	EOM
