# sasl-spoof - issue 19 item 1: Cyrus SASL (sasldb) logins alice and bob
# may relay (permit_sasl_authenticated in Debian's smtpd_relay_restrictions)
# and nothing checks that MAIL FROM belongs to the login: no
# smtpd_sender_login_maps, no reject_*_sender_login_mismatch.  Logged in as
# alice (AUTH PLAIN, or XCLIENT LOGIN=alice), MAIL FROM:<bob@example.com>
# is accepted.  Passwords in DIR/sasl_users (user:password).
# Realm: Postfix passes $myhostname as the server FQDN, the Cyrus default
# realm; smtpd_sasl_local_domain stays empty, so the login is "alice".
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
# smtpd runs as postfix (no chroot) and opens the sasldb per lookup
chown root:postfix "$ETC/sasldb2"
chmod 640 "$ETC/sasldb2"
set_param "smtpd_sasl_auth_enable = yes" \
    "smtpd_sasl_type = cyrus" \
    "cyrus_sasl_config_path = $ETC/sasl" \
    "smtpd_sasl_security_options = noanonymous"
