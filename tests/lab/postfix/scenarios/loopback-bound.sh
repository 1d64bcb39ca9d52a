# loopback-bound - inet_interfaces = all in main.cf, while the only smtpd
# entry in master.cf is the lab's listener renamed by host name,
# localhost:PORT (master(5): a service named host:port binds that host's
# addresses whatever inet_interfaces says).  Master binds 127.0.0.1:PORT
# only (inet_protocols = ipv4); no other host can connect.  A test should
# see that from /proc/net/tcp and a report that calls the server
# loopback-only: postfix.smtpd.hygiene and postfix.localhost.remote info,
# the latter without a fix.
set_param "inet_interfaces = all"
pf -MX "127.0.0.1:$PORT/inet"
pf -M "localhost:$PORT/inet = localhost:$PORT inet n - n - - smtpd"
settle
