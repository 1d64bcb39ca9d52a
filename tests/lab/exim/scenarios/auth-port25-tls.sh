# auth-port25-tls - the auth-tls-cipher config listening on 25 and 587
# (daemon_smtp_ports = 25 : 587): AUTH only after STARTTLS, on every port.
# A test should observe: exim -bh 198.51.100.9 -oMi 192.0.2.1.25 EHLO
# offers STARTTLS and no AUTH (-bh cannot do STARTTLS); the report still
# has exim.auth.port25, judged from the authenticators' conditions with
# TLS up on port 25; fix --yes (exim -bV) makes it go; rollback --yes
# restores the file byte for byte.
. "$SCENDIR/auth-tls-cipher.sh"
desc="AUTH after STARTTLS on port 25 as well as on 587"
lab_ports='25 : 587'
