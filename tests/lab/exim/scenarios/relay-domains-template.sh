# relay-domains-template - Debian's stock non-split template with
# dc_relay_domains='example.org' (a backup MX or mail hub for a domain
# hosted behind it; hubbed_hosts routes it to the lab's closed port).
# Debian's acl_check_rcpt says "require verify = recipient", which for a
# relay domain only routes the domain, so any local part there is
# accepted.  A test should observe: -bh 198.51.100.9 RCPT
# mailguard-nosuchuser-q7x@example.org -> 250 and the finding
# exim.backscatter.relay-recipients; with a recipient list written before
# the last accept, 550 for the made-up user and no finding.
desc="Debian non-split with dc_relay_domains: any local part of a relay domain accepted"
dc_relay_domains='example.org'
