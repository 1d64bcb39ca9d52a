# docker-relay-nets - the default docker bridge network in dc_relay_nets
# (172.17.0.0/16) on a Debian internet site.  Where docker-proxy runs,
# every client of a published port arrives from the gateway 172.17.0.1.
# A test should observe: -bh 172.17.0.1 and 172.17.0.5 RCPT
# victim@remote.test -> accepted; after the fix (!172.17.0.1/32 first)
# the gateway is refused and the containers still relay.
desc="docker bridge 172.17.0.0/16 in dc_relay_nets"
dc_local_interfaces=''
dc_other_hostnames='example.com'
dc_relay_nets='172.17.0.0/16'
