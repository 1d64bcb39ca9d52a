# tls-cert - the auth-tls-cipher config (STARTTLS offered to all, AUTH
# after it) with a server certificate valid one more day and made for
# other.example.net, not primary_hostname mail.example.com.  A test should
# see exim.tls.cert-expiry (medium) and exim.tls.cert-name naming
# tls_certificate, and the daemon present that certificate after STARTTLS
# (openssl s_client -starttls smtp).
. "$SCENDIR/auth-tls-cipher.sh"
desc="STARTTLS with a certificate expiring in a day, for another name"

# auth_files - as auth-tls-cipher's, the certificate one day, other name
auth_files() {
	mkdir -p "$DIR/etc/exim4"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -days 1 -subj "/CN=other.example.net" \
	    -keyout "$DIR/etc/exim4/exim.key" -out "$DIR/etc/exim4/exim.crt" \
	    >/dev/null 2>&1 || die "openssl req failed"
	printf 'alice:%s\n' "$(openssl passwd -6 -salt labalice Wonder-land-7)" \
	    >"$DIR/etc/exim4/passwd"
	chgrp Debian-exim "$DIR/etc/exim4/exim.key" "$DIR/etc/exim4/passwd"
	chmod 640 "$DIR/etc/exim4/exim.key" "$DIR/etc/exim4/passwd"
	printf 'postmaster: root\nroot: alice\n' >"$DIR/etc/aliases"
}
