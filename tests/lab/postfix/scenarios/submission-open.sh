# submission-open - Debian's submission entry enabled half-way: on
# 127.0.0.1:PORT2 (DIR/submission_port; -o syslog_name=postfix/submission
# marks it as submission) its syslog_name, smtpd_sasl_auth_enable,
# smtpd_tls_auth_only and smtpd_reject_unlisted_recipient=no lines
# uncommented, the restriction lines and the encrypt line left commented.
# Cyrus sasldb with one account (DIR/sasl_users); AUTH only there.
# A client that did not log in gets 250 there for an address that does
# not exist, where the lab's port 25 listener says 550.  A test should see
# postfix.submission.no-auth (medium) and postfix.submission.no-tls
# without a fix; after postfix.submission.require-auth, 554 for that
# client and 250 for one logged in (XCLIENT LOGIN).
sub_port=$(rand_port "$PORT")
echo "$sub_port" >"$DIR/submission_port"
mkdir -p "$ETC/sasl"
cat >"$ETC/sasl/smtpd.conf" <<-EOM
	pwcheck_method: auxprop
	auxprop_plugin: sasldb
	sasldb_path: $ETC/sasldb2
	mech_list: PLAIN LOGIN
	EOM
echo "alice:Wonder-land-7" >"$DIR/sasl_users"
chmod 600 "$DIR/sasl_users"
printf '%s' "Wonder-land-7" |
    saslpasswd2 -f "$ETC/sasldb2" -u mail.example.com -p -c alice
chown root:postfix "$ETC/sasldb2"
chmod 640 "$ETC/sasldb2"
set_param "smtpd_sasl_type = cyrus" "cyrus_sasl_config_path = $ETC/sasl"
sed -i -e "/^#submission inet/,/^# Choose one/{
s/^#submission inet .*/127.0.0.1:$sub_port inet n - n - - smtpd/
s/^#\(  -o syslog_name=\)/\1/
s/^#\(  -o smtpd_sasl_auth_enable=\)/\1/
s/^#\(  -o smtpd_tls_auth_only=\)/\1/
s/^#\(  -o smtpd_reject_unlisted_recipient=\)/\1/
${SUBMISSION_SED:-}
}" "$ETC/master.cf"
settle
