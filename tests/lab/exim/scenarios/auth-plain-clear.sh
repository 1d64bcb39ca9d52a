# auth-plain-clear - the auth-tls-cipher config with passwords really
# offered in the clear: PLAIN's condition only asks for a network client
# (${if def:sender_host_address}), LOGIN has none.  A test should
# observe: exim -bh 198.51.100.9 EHLO offers AUTH PLAIN LOGIN before
# STARTTLS and AUTH PLAIN as alice succeeds in the clear; the report has
# exim.auth.no-tls; its fix keeps PLAIN's condition (asked only over TLS)
# and adds one to LOGIN, exim -bV accepts the result, and then -bh offers
# no AUTH while the daemon still offers both after STARTTLS.
. "$SCENDIR/auth-tls-cipher.sh"
desc="AUTH PLAIN/LOGIN offered before STARTTLS (TLS is set up)"
plain_cond='server_advertise_condition = ${if def:sender_host_address}'
login_cond=''
main_auth=''
