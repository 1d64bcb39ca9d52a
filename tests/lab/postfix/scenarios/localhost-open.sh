# localhost-open - localhost is a mail domain and smtpd listens on every
# interface (inet_interfaces = all, a listener on *:PORT - the lab never
# starts this instance; the fix engine's private copies listen on loopback
# only), other names than the lab's defaults: myhostname relay2.osprey.test,
# mydestination = $myhostname, osprey.test, localhost.  A test should see
# postfix.localhost.remote (low) with its fix, and the proof judge it with
# real Postfix: an outside client to root@localhost accepted before and
# refused after, loopback and postmaster@relay2.osprey.test from outside
# accepted before and after.
echo osprey.test >"$ETC/mailname"
set_param "myhostname = relay2.osprey.test" \
    "mydomain = osprey.test" \
    "mydestination = \$myhostname, osprey.test, localhost" \
    "inet_interfaces = all"
pf -MX "127.0.0.1:$PORT/inet"
pf -M "$PORT/inet = $PORT inet n - n - - smtpd"
