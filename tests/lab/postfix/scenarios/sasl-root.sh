# sasl-root - incident 3: Cyrus SASL (sasldb) with a SASL account named root
# smtpd AUTH PLAIN/LOGIN (no TLS) against DIR/etc/sasldb2: root, alice, bob.
# "lab.sh fill-incident3 DIR [N]" queues N spam messages (real AUTH as root,
# XCLIENT ADDR=93.122.252.5) to comcast.net and 20 from alice via 192.0.2.10,
# all deferred.  A test should see root flagged in the SASL panel and the
# queue dominated by sasl_username=root (postcat; postqueue -j omits it).

# Realm: Postfix passes $myhostname as the server FQDN, which Cyrus uses as
# the default realm, so users live in realm mail.example.com.  With
# smtpd_sasl_local_domain left empty (as in the incident) the queue file says
# sasl_username=root; setting it to $myhostname would give root@mail.example.com.
# Passwords are in DIR/sasl_users (user:password) for the lab's clients.
mkdir -p "$ETC/sasl"
cat >"$ETC/sasl/smtpd.conf" <<-EOM
	pwcheck_method: auxprop
	auxprop_plugin: sasldb
	sasldb_path: $ETC/sasldb2
	mech_list: PLAIN LOGIN
	EOM
cat >"$DIR/sasl_users" <<-EOM
	root:toor2019
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
