# private-net - a private /12 in mynetworks (172.16.0.0/12, a docker-network
# default of several mail suites), on a host none of whose interfaces is on
# it: a million addresses may relay.  A test should see real Postfix relay
# for XCLIENT ADDR=172.20.1.1 (RCPT victim@remote.test -> 250) and refuse
# 198.51.100.9 (454 4.7.1 Relay access denied); after the narrowing fix
# 172.20.1.1 is refused too and 127.0.0.1 still relays.
set_param "mynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128 172.16.0.0/12"
