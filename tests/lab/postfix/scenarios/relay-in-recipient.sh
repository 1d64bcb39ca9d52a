# relay-in-recipient - incident 5: pre-2.10 relay policy with a sender whitelist
# smtpd_relay_restrictions is empty and smtpd_recipient_restrictions holds
# the relay control, with check_sender_access (example.com OK) before
# reject_unauth_destination: anyone forging an @example.com sender relays.
# A test should see it flagged; XCLIENT ADDR=198.51.100.9 MAIL FROM
# x@example.com RCPT victim@remote.test -> 250, MAIL FROM x@other.test -> 554.
map "$ETC/sender_access" <<-EOM
	# our own domain may send anywhere
	example.com     OK
	EOM
set_param "smtpd_relay_restrictions =" \
    "smtpd_recipient_restrictions = permit_mynetworks, permit_sasl_authenticated, check_sender_access hash:$ETC/sender_access, reject_unauth_destination"
