# sasl-dovecot - AUTH through Dovecot as Debian's guides set it up:
# smtpd_sasl_type = dovecot, smtpd_sasl_path = private/auth (relative to
# queue_directory: DIR/spool/private/auth), and a submission service on
# 127.0.0.1:PORT2 (DIR/submission_port) with its own
# -o smtpd_sasl_path=private/auth-submission.  No Dovecot here: a test
# runs tests/lab/postfix/dovecot_auth.py on both sockets (it answers the
# handshake and logs in nobody; logins come by XCLIENT LOGIN=).
sub_port=$(rand_port "$PORT")
echo "$sub_port" >"$DIR/submission_port"
set_param "smtpd_sasl_auth_enable = yes" \
    "smtpd_sasl_type = dovecot" \
    "smtpd_sasl_path = private/auth"
pf -M "127.0.0.1:$sub_port/inet = 127.0.0.1:$sub_port inet n - n - - smtpd \
-o syslog_name=postfix/submission -o smtpd_sasl_auth_enable=yes \
-o smtpd_sasl_path=private/auth-submission \
-o smtpd_relay_restrictions=permit_sasl_authenticated,reject"
settle
