# relay-default36 - Debian's level 3.6 with no relay list written: nothing to report
# As relay-level0, but compatibility_level = 3.6 stays (Debian's
# main.cf): the smtpd_relay_restrictions line is removed and Postfix's
# default at 3.6 (permit_mynetworks, permit_sasl_authenticated,
# defer_unauth_destination) guards relaying before the recipient list.
# A test should see no postfix.relay.recipient-only finding, and a sender
# whitelist put first in smtpd_recipient_restrictions should not open
# the relay (XCLIENT ADDR=198.51.100.9 MAIL FROM x@example.com -> 454).
postconf -c "$ETC" -X smtpd_relay_restrictions
set_param "smtpd_recipient_restrictions = permit_mynetworks, permit_sasl_authenticated, reject_unauth_destination"
map "$ETC/sender_access" <<-EOM
	# our own domain may send anywhere (for the test's "later edit")
	example.com     OK
	EOM
