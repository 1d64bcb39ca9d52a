# private-relay-nets - a private /8 in dc_relay_nets (10.0.0.0/8) on a
# Debian internet site, on a host none of whose interfaces is on it:
# relay_from_hosts trusts 16 million addresses.  A test should observe:
# -bh 10.200.1.1 RCPT victim@remote.test -> accepted (relayed), -bh
# 198.51.100.9 -> 550 relay not permitted; after the narrowing fix
# 10.200.1.1 is refused and 127.0.0.1 (Debian's own entry) still relays.
desc="private /8 in dc_relay_nets (10.0.0.0/8), no interface on it"
dc_local_interfaces=''
dc_other_hostnames='example.com'
dc_relay_nets='10.0.0.0/8'
