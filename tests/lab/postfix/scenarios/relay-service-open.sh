# relay-service-open - main.cf's relay lists are safe, but an extra smtpd
# on 127.0.0.1:PORT2 (DIR/relay_port) has its own
# "-o smtpd_relay_restrictions=permit_sasl_authenticated,permit,reject"
# (a "permit" left in while testing): it relays for anyone.  A test
# should see postfix.relay.open for that service and a fix that edits its
# -o line as one word (master(5): white space ends an -o value), after
# which XCLIENT ADDR=198.51.100.9 gets 554 for a remote recipient there
# and master.cf still parses (postconf -P shows the new value whole).
relay_port=$(rand_port "$PORT")
echo "$relay_port" >"$DIR/relay_port"
pf -M "127.0.0.1:$relay_port/inet = 127.0.0.1:$relay_port inet n - n - - smtpd"
pf -P "127.0.0.1:$relay_port/inet/smtpd_relay_restrictions = permit_sasl_authenticated,permit,reject"
settle
