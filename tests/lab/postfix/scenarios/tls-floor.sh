# tls-floor - TLS floors and certificate: a submission service with
# mandatory TLS on 127.0.0.1:PORT2 (DIR/sub_port) and Postfix 3.7's
# default smtpd_tls_mandatory_protocols (>=TLSv1), with which Postfix
# 3.7.11 on OpenSSL 3.0 completes a TLS 1.1 handshake for a client that
# offers it (openssl s_client -tls1_1 -cipher DEFAULT:@SECLEVEL=0);
# smtp_tls_security_level removed (outbound in the clear); the server
# certificate (DIR/etc/ssl/tls-floor.pem) ten days long with one day left
# (under a third of its life: backdated) and for other.example.net, not
# myhostname mail.example.com.  Beside it two 6-day certificates for
# mail.example.com, as Let's Encrypt's shortlived profile issues:
# short-fresh.pem (just made: no finding) and short-late.pem (one day
# left: cert-expiry), each with its .key, for a test to put in place.
# A test should see postfix.tls.old-protocols (medium) with its fix,
# outbound-none with its fix, cert-expiry and cert-name; openssl s_client
# -tls1_1 -starttls smtp completes before the fix and is refused after.
sub_port=$(rand_port "$PORT")
echo "$sub_port" >"$DIR/sub_port"
# shellcheck source=/dev/null
. "$REPO/tests/lab/certs.sh"
lab_cert "$ETC/ssl/tls-floor.key" "$ETC/ssl/tls-floor.pem" \
    other.example.net "-9 days" "+1 day"
lab_cert "$ETC/ssl/short-fresh.key" "$ETC/ssl/short-fresh.pem" \
    mail.example.com "-1 minute" "+6 days -1 minute" DNS:mail.example.com
lab_cert "$ETC/ssl/short-late.key" "$ETC/ssl/short-late.pem" \
    mail.example.com "-5 days" "+1 day" DNS:mail.example.com
chmod 600 "$ETC/ssl/tls-floor.key" "$ETC/ssl/short-fresh.key" \
    "$ETC/ssl/short-late.key"
pf -e "smtpd_tls_cert_file=$ETC/ssl/tls-floor.pem" \
    "smtpd_tls_key_file=$ETC/ssl/tls-floor.key"
pf -X smtp_tls_security_level
cat >>"$ETC/master.cf" <<-EOM
	127.0.0.1:$sub_port inet n  -       n       -       -       smtpd
	  -o syslog_name=postfix/submission
	  -o smtpd_tls_security_level=encrypt
	  -o smtpd_reject_unlisted_recipient=no
	EOM
settle
