# auth-advertise-hosts - the auth-tls-cipher config with the TLS condition
# in the main option instead of the authenticators (neither has a
# server_advertise_condition): auth_advertise_hosts = ${if eq{$tls_in_cipher}
# {}{}{*}}, an empty host list until STARTTLS.  A test should observe what
# auth-tls-cipher observes: no AUTH in exim -bh's EHLO, no exim.auth.no-tls.
. "$SCENDIR/auth-tls-cipher.sh"
desc="AUTH only after STARTTLS through auth_advertise_hosts"
plain_cond=''
login_cond=''
main_auth='auth_advertise_hosts = ${if eq{$tls_in_cipher}{}{}{*}}'
