# sasl-service-owners - issue 19 item 1 on Mail-in-a-Box's shape: the
# owner table set only through master.cf -o overrides, never in main.cf.
# Two AUTH services on loopback, in the clear (the lab client has no
# TLS): "submission" on 127.0.0.1:PORT2 (DIR/submission_port) with
#   -o smtpd_sender_login_maps=hash:DIR/etc/sender_owners
#   -o smtpd_sender_restrictions=reject_authenticated_sender_login_mismatch
# and "smtps" on 127.0.0.1:PORT3 (DIR/smtps_port) with the same table but
# no sender restrictions of its own (main.cf's are empty): the reject was
# forgotten there.  The table gives alice a.liddell@ (not alice@: the
# accounts' names do not say who owns what), bob bob@, both sales@.
# Cyrus sasldb logins alice and bob (DIR/sasl_users); port 25 has no
# AUTH.  Logged in as bob on smtps, MAIL FROM:<a.liddell@...> is
# accepted; on submission it is refused.
sub_port=$(rand_port "$PORT")
echo "$sub_port" >"$DIR/submission_port"
smtps_port=$(rand_port "$sub_port")
[ "$smtps_port" != "$PORT" ] || smtps_port=$(rand_port "$sub_port")
echo "$smtps_port" >"$DIR/smtps_port"
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
map "$ETC/sender_owners" <<-EOM
	a.liddell@mail.example.com	alice
	bob@mail.example.com	bob
	sales@mail.example.com	alice, bob
	EOM
set_param "smtpd_sasl_type = cyrus" \
    "cyrus_sasl_config_path = $ETC/sasl" \
    "smtpd_sasl_security_options = noanonymous"
cat >>"$ETC/master.cf" <<-EOM
	127.0.0.1:$sub_port inet n - n - - smtpd
	  -o syslog_name=postfix/submission
	  -o smtpd_sasl_auth_enable=yes
	  -o smtpd_sender_login_maps=hash:$ETC/sender_owners
	  -o smtpd_sender_restrictions=reject_authenticated_sender_login_mismatch
	  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
	127.0.0.1:$smtps_port inet n - n - - smtpd
	  -o syslog_name=postfix/smtps
	  -o smtpd_sasl_auth_enable=yes
	  -o smtpd_sender_login_maps=hash:$ETC/sender_owners
	  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
	EOM
settle
