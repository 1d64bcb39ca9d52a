# sasl-alias - issue 19 item 1, the alias shape: Cyrus SASL (sasldb)
# logins that are addresses (alice@example.com, bob@example.com) may relay
# and nothing checks that MAIL FROM belongs to the login.  The virtual
# alias table gives sales@example.com to alice (and to an outside
# address, with the odd spacing people write), and has a catch-all
# @example.com for bob.  After the sender-login fix alice may send as
# sales@, bob may not; bob owns no other address through the catch-all.
# Passwords in DIR/sasl_users (user:password); the tests log in with
# XCLIENT LOGIN=, which needs no password.
mkdir -p "$ETC/sasl"
cat >"$ETC/sasl/smtpd.conf" <<-EOM
	pwcheck_method: auxprop
	auxprop_plugin: sasldb
	sasldb_path: $ETC/sasldb2
	mech_list: PLAIN LOGIN
	EOM
cat >"$DIR/sasl_users" <<-EOM
	alice@example.com:Wonder-land-7
	bob@example.com:builder42
	EOM
chmod 600 "$DIR/sasl_users"
while IFS=: read -r user pass; do
	printf '%s' "$pass" |
	    saslpasswd2 -f "$ETC/sasldb2" -u mail.example.com -p -c "$user"
done <"$DIR/sasl_users"
chown root:postfix "$ETC/sasldb2"
chmod 640 "$ETC/sasldb2"
map "$ETC/virtual" <<-EOM
	sales@example.com    alice@example.com ,   buyer@example.net
	@example.com         bob@example.com
	EOM
set_param "smtpd_sasl_auth_enable = yes" \
    "smtpd_sasl_type = cyrus" \
    "cyrus_sasl_config_path = $ETC/sasl" \
    "smtpd_sasl_security_options = noanonymous" \
    "virtual_alias_maps = hash:$ETC/virtual"
