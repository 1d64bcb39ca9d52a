# backscatter-override - port 25's smtpd with a content filter's return-port overrides
# The lab's listener (standing for port 25) got the lines of amavisd-new's
# return service by a copy-paste: -o local_recipient_maps= and -o
# receive_override_options=no_unknown_recipient_checks,no_header_body_checks,
# each on its own line; main.cf keeps Postfix's default
# local_recipient_maps.  The real return service, 127.0.0.1:PORT2
# (DIR/reinject_port), has the same lines and its own
# permit_mynetworks,reject lists.  smtpd accepts RCPT
# TO:<anything@mail.example.com> on the listener from any client.  A
# test should see postfix.backscatter.service-override for the listener
# only (not for PORT2), with a fix commenting out the first line and
# keeping no_header_body_checks in the second.
return_port=$(rand_port "$PORT")
echo "$return_port" >"$DIR/reinject_port"
sed -i "/^127\.0\.0\.1:$PORT inet /a\\
  -o local_recipient_maps=\\
  -o receive_override_options=no_unknown_recipient_checks,no_header_body_checks" \
    "$ETC/master.cf"
cat >>"$ETC/master.cf" <<-EOM
	# amavisd-new (Debian README.Postfix): filtered mail comes back here
	127.0.0.1:$return_port inet n  -       n       -       -       smtpd
	  -o content_filter=
	  -o local_recipient_maps=
	  -o smtpd_recipient_restrictions=permit_mynetworks,reject
	  -o smtpd_relay_restrictions=permit_mynetworks,reject
	  -o mynetworks=127.0.0.0/8
	  -o receive_override_options=no_unknown_recipient_checks,no_header_body_checks
	EOM
settle
