# wildcard-listener - RHEL's stock inet_interfaces = loopback-only (its
# "localhost" in other words) with the smtpd entry named by port alone,
# plus a master.cf entry bound to 0.0.0.0:PORT2 (DIR/wild_port) that
# carries -o inet_interfaces=127.0.0.1 (master(5): -o never moves a
# listener), and one named ":PORT3" (DIR/empty_host_port: an empty host
# is no host).  Master binds 127.0.0.1:PORT, 0.0.0.0:PORT2 and
# 127.0.0.1:PORT3; other hosts can reach the second.  A test should see
# that from /proc/net/tcp and a report that no longer calls the server
# loopback-only: postfix.smtpd.hygiene low (not info) and
# postfix.localhost.remote low with its fix.
set_param "inet_interfaces = loopback-only"
pf -MX "127.0.0.1:$PORT/inet"
pf -M "$PORT/inet = $PORT inet n - n - - smtpd"
wild_port=$(rand_port "$PORT")
echo "$wild_port" >"$DIR/wild_port"
pf -M "0.0.0.0:$wild_port/inet = 0.0.0.0:$wild_port inet n - n - - smtpd"
pf -P "0.0.0.0:$wild_port/inet/inet_interfaces = 127.0.0.1"
empty_port=$(rand_port "$PORT")
echo "$empty_port" >"$DIR/empty_host_port"
pf -M ":$empty_port/inet = :$empty_port inet n - n - - smtpd"
settle
