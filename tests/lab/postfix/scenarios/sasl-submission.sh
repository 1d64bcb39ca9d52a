# sasl-submission - issue 19 item 1 on the service that has the hole:
# Debian 12's stock submission block uncommented on 127.0.0.1:PORT2
# (DIR/submission_port) the way its comment advises: the restrictions are
# -o smtpd_client_restrictions=$mua_client_restrictions and
# -o smtpd_sender_restrictions=$mua_sender_restrictions, with mua_* in
# main.cf ("permit_sasl_authenticated, reject", with spaces, as guides
# write them), plus its encrypt, tls_auth_only, relay and recipient lines.  Cyrus sasldb
# logins alice and bob (DIR/sasl_users).  AUTH is on only there (port 25
# is Debian's: no AUTH), and nothing checks that MAIL FROM belongs to the
# login: the hole is on submission alone.  sasl-submission-25 sets
# SASL_ON_25=1 first: main.cf turns AUTH on for port 25 too, the hole on
# both.
sub_port=$(rand_port "$PORT")
echo "$sub_port" >"$DIR/submission_port"
mkdir -p "$ETC/sasl"
cat >"$ETC/sasl/smtpd.conf" <<-EOM
	pwcheck_method: auxprop
	auxprop_plugin: sasldb
	sasldb_path: $ETC/sasldb2
	mech_list: PLAIN LOGIN
	EOM
cat >"$DIR/sasl_users" <<-EOM
	alice:Wonder-land-7
	bob:builder42
	EOM
chmod 600 "$DIR/sasl_users"
while IFS=: read -r user pass; do
	printf '%s' "$pass" |
	    saslpasswd2 -f "$ETC/sasldb2" -u mail.example.com -p -c "$user"
done <"$DIR/sasl_users"
chown root:postfix "$ETC/sasldb2"
chmod 640 "$ETC/sasldb2"
set_param "smtpd_sasl_type = cyrus" \
    "cyrus_sasl_config_path = $ETC/sasl" \
    "smtpd_sasl_security_options = noanonymous" \
    "mua_client_restrictions = permit_sasl_authenticated, reject" \
    "mua_sender_restrictions = permit_sasl_authenticated, reject"
if [ "${SASL_ON_25:-}" = 1 ]; then
	set_param "smtpd_sasl_auth_enable = yes"
fi
sed -i -e "/^#submission inet/,/^# Choose one/{
s/^#submission inet .*/127.0.0.1:$sub_port inet n - n - - smtpd/
s/^#\(  -o syslog_name=\)/\1/
s/^#\(  -o smtpd_tls_security_level=\)/\1/
s/^#\(  -o smtpd_sasl_auth_enable=\)/\1/
s/^#\(  -o smtpd_tls_auth_only=\)/\1/
s/^#\(  -o smtpd_reject_unlisted_recipient=\)/\1/
s/^#\(  -o smtpd_client_restrictions=\)\$/\1\$mua_client_restrictions/
s/^#\(  -o smtpd_sender_restrictions=\)\$/\1\$mua_sender_restrictions/
s/^#\(  -o smtpd_relay_restrictions=\)\$/\1permit_sasl_authenticated,reject/
s/^#\(  -o smtpd_recipient_restrictions=\)/\1/
s/^#\(  -o milter_macro_daemon_name=\)/\1/
}" "$ETC/master.cf"
settle
