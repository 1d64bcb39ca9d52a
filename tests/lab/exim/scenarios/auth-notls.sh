# auth-notls - SMTP AUTH on Debian the way many admins switch it on:
# plain_server and login_server uncommented in the template (checking
# CONFDIR/passwd), and AUTH_SERVER_ALLOW_NOTLS_PASSWORDS defined "because
# TLS is not set up yet", on all interfaces.  CONFDIR/passwd holds root
# (password toor2019) and alice (Wonder-land-7).  A test should observe:
# -bh 198.51.100.9 EHLO advertises AUTH PLAIN LOGIN with no STARTTLS, and
# AUTH PLAIN as root succeeds in the clear (235); the report flags AUTH
# without TLS and the system account root.
desc="AUTH PLAIN/LOGIN without TLS, exim4/passwd with root"
dc_local_interfaces=''
dc_other_hostnames='example.com'
scenario_edit() {
	# uncomment the two server authenticators, keeping every line
	sed -e '/^# plain_server:$/,/^$/s/^# //' \
	    -e '/^# login_server:$/,/^$/s/^# //' \
	    "$CONFDIR/exim4.conf.template" >"$CONFDIR/exim4.conf.template.new"
	mv "$CONFDIR/exim4.conf.template.new" "$CONFDIR/exim4.conf.template"
	printf '%s\n' 'AUTH_SERVER_ALLOW_NOTLS_PASSWORDS = 1' \
	    >>"$CONFDIR/exim4.conf.localmacros"
	{
		echo "# exim4_passwd(5): user:crypted password"
		printf 'root:%s\n' "$(openssl passwd -6 -salt labroot toor2019)"
		printf 'alice:%s\n' \
		    "$(openssl passwd -6 -salt labalice Wonder-land-7)"
	} >"$CONFDIR/passwd"
	chgrp Debian-exim "$CONFDIR/passwd"
	chmod 640 "$CONFDIR/passwd"
}
