# tls-cert - the auth-tls-cipher config (STARTTLS offered to all, AUTH
# after it) with a server certificate ten days long with one day left
# (backdated: under a third of its life) and made for other.example.net,
# not primary_hostname mail.example.com.  Beside it (etc/exim4) two 6-day
# certificates for mail.example.com: short-fresh.{crt,key} (just made: no
# finding) and short-late.{crt,key} (one day left: cert-expiry).  A test
# should see exim.tls.cert-expiry (medium) and exim.tls.cert-name naming
# tls_certificate, and the daemon present that certificate after STARTTLS
# (openssl s_client -starttls smtp).
. "$SCENDIR/auth-tls-cipher.sh"
desc="STARTTLS with a certificate in the last third of its life, for another name"

# auth_files - as auth-tls-cipher's, the certificate one day, other name
auth_files() {
	mkdir -p "$DIR/etc/exim4"
	# shellcheck source=/dev/null
	. "$REPO/tests/lab/certs.sh"
	lab_cert "$DIR/etc/exim4/exim.key" "$DIR/etc/exim4/exim.crt" \
	    other.example.net "-9 days" "+1 day"
	lab_cert "$DIR/etc/exim4/short-fresh.key" \
	    "$DIR/etc/exim4/short-fresh.crt" mail.example.com "-1 minute" \
	    "+6 days -1 minute" DNS:mail.example.com
	lab_cert "$DIR/etc/exim4/short-late.key" \
	    "$DIR/etc/exim4/short-late.crt" mail.example.com "-5 days" \
	    "+1 day" DNS:mail.example.com
	printf 'alice:%s\n' "$(openssl passwd -6 -salt labalice Wonder-land-7)" \
	    >"$DIR/etc/exim4/passwd"
	chgrp Debian-exim "$DIR/etc/exim4/exim.key" "$DIR/etc/exim4/passwd" \
	    "$DIR/etc/exim4/short-fresh.key" "$DIR/etc/exim4/short-late.key"
	chmod 640 "$DIR/etc/exim4/exim.key" "$DIR/etc/exim4/passwd" \
	    "$DIR/etc/exim4/short-fresh.key" "$DIR/etc/exim4/short-late.key"
	printf 'postmaster: root\nroot: alice\n' >"$DIR/etc/aliases"
}
