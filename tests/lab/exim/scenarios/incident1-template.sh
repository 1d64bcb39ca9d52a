# incident1-template - incident 1 as reported (Debian, non-split
# template): dc_local_interfaces='' (all interfaces), dc_other_hostnames=
# 'example.com', so local_domains = @:localhost:example.com.  A test should
# observe: -bh 107.172.77.101 RCPT postmaster@localhost -> 250 Accepted (the
# template's "accept local_parts = postmaster" runs before any host check),
# while RCPT user@example.net -> 550 relay not permitted.
desc="incident 1: Debian non-split, all interfaces, postmaster@localhost open to anyone"
dc_local_interfaces=''
dc_other_hostnames='example.com'
