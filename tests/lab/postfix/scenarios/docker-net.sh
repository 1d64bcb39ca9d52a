# docker-net - the default docker bridge network trusted in mynetworks
# (172.17.0.0/16, as suites that "permit the docker network" write it).
# On a host where docker-proxy runs, every client of a published port
# reaches Postfix from the gateway 172.17.0.1.  A test should see real
# Postfix relay for XCLIENT ADDR=172.17.0.1 and 172.17.0.5 (250), and
# after the fix (the gateway excluded first: !172.17.0.1/32) refuse the
# gateway (454) while the containers still relay.
set_param "mynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128 172.17.0.0/16"
