# relay-nets-typo - incident 4 on Exim: a mask typo in dc_relay_nets
# (192.168.1.0/24 ; 210.140.12.34/8, meant /32) on a Debian internet site
# listening on all interfaces.  relay_from_hosts then trusts all of
# 210.0.0.0/8.  A test should observe: -bh 210.99.1.1 RCPT
# victim@remote.test -> accepted (relayed), -bh 198.51.100.9 -> 550 relay
# not permitted, and the report naming dc_relay_nets with a narrowing fix.
desc="incident 4 on Exim: dc_relay_nets 210.140.12.34/8 (typo for /32)"
dc_local_interfaces=''
dc_other_hostnames='example.com'
dc_relay_nets='192.168.1.0/24 ; 210.140.12.34/8'
