# smtps-plain - an smtps entry enabled with its wrapper-mode line left commented
# Postfix's master.cf smtps stanza uncommented except
# "#  -o smtpd_tls_wrappermode=yes", on 127.0.0.1:PORT2 (DIR/smtps_port;
# marked as smtps by -o syslog_name=postfix/smtps as in the stock file).
# It greets in plain text ("220 ..."), where clients expect a TLS
# handshake.  A test should see postfix.tls.smtps-plain naming the
# commented line, and after the fix a TLS handshake answered with 220.
smtps_port=$(rand_port "$PORT")
echo "$smtps_port" >"$DIR/smtps_port"
cat >>"$ETC/master.cf" <<-EOM
	127.0.0.1:$smtps_port inet n  -       n       -       -       smtpd
	  -o syslog_name=postfix/smtps
	#  -o smtpd_tls_wrappermode=yes
	  -o smtpd_reject_unlisted_recipient=no
	EOM
settle
