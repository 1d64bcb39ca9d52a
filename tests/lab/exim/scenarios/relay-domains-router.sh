# relay-domains-router - relay-domains-plain with the relay router
# limited to the users in DIR/etc/relay_users (local_parts = lsearch) and
# the smarthost router kept off the relay domains: verify = recipient now
# fails for a made-up user (-bh 198.51.100.9 RCPT
# mailguard-nosuchuser-q7x@example.org -> 550, info@example.org -> 250).
# A test should see no exim.backscatter.relay-recipients.
. "$SCENDIR/relay-domains-plain.sh"
desc="relay-domains-plain with the relay router checking the local part"
relay_router_checks=yes
smarthost_relay=' : ! +relay_to_domains'
