# dnsbl-auth - a plain exim.conf whose RCPT ACL asks Spamhaus ZEN
# (deny dnslists = zen.spamhaus.org) for clients that did not log in,
# with PLAIN/LOGIN authenticators against CONFDIR/passwd (alice,
# Wonder-land-7; carol, Carol-pass-1) offered to any network client.
# A test should observe: with --resolv-conf naming a public resolver the
# report has exim.dnsbl.public-resolver at the dnslists line, with a
# local one none; "lab.sh fill DIR 1 --auth-id carol --host-address IP"
# from many addresses writes "<= ... A=plain_server:carol" lines to
# log/mainlog, and exim -bs -oMa IP sessions with a wrong password write
# "plain_server authenticator failed for ... 535 ... (set_id=bob)":
# sasl.login.many-addresses and sasl.login.failed-spread.  Nothing asks
# any DNS: the lab never runs a message through the RCPT ACL's dnslists
# (authenticated clients are accepted before it).
desc="dnslists in the RCPT ACL, SASL PLAIN/LOGIN for network clients"
layout=plain

# scenario_conf - the whole config; lines marked "lab:" keep it inside DIR
scenario_conf() {
	mkdir -p "$DIR/etc/exim4"
	{
		printf 'alice:%s\n' "$(openssl passwd -6 -salt labalice \
		    Wonder-land-7)"
		printf 'carol:%s\n' "$(openssl passwd -6 -salt labcarol \
		    Carol-pass-1)"
		printf 'bob:%s\n' "$(openssl passwd -6 -salt labbob \
		    builder42)"
	} >"$DIR/etc/exim4/passwd"
	chgrp Debian-exim "$DIR/etc/exim4/passwd"
	chmod 640 "$DIR/etc/exim4/passwd"
	printf 'postmaster: root\nroot: alice\n' >"$DIR/etc/aliases"
	cat <<EOF
# lab: paths and ports of this instance
exim_path = $EXIM
spool_directory = $DIR/spool
log_file_path = $DIR/log/%slog
pid_file_path = $DIR/exim.pid
daemon_smtp_ports = $PORT
queue_only = true

primary_hostname = $primary_hostname
domainlist local_domains = @ : localhost : example.com
hostlist   relay_from_hosts = <; 127.0.0.1 ; ::1
acl_smtp_rcpt = acl_check_rcpt
never_users = root
host_lookup =
keep_environment =

begin acl

acl_check_rcpt:
  accept  hosts = :
  accept  authenticated = *
  deny    message = \$sender_host_address is listed at \$dnslist_domain
          dnslists = zen.spamhaus.org
  accept  hosts = +relay_from_hosts
  require message = relay not permitted
          domains = +local_domains
  require verify = recipient
  accept

begin routers

# lab: outbound mail defers at a closed loopback port
smarthost:
  driver = manualroute
  domains = ! +local_domains
  transport = remote_smtp
  route_list = * 127.0.0.2::$CLOSED_PORT
  no_more

system_aliases:
  driver = redirect
  allow_fail
  data = \${lookup{\$local_part}lsearch{$DIR/etc/aliases}}

begin transports

remote_smtp:
  driver = smtp

begin authenticators

plain_server:
  driver = plaintext
  public_name = PLAIN
  server_condition = "\${if crypteq{\$auth3}{\${extract{1}{:}{\${lookup{\$auth2}lsearch{$DIR/etc/exim4/passwd}{\$value}{*:*}}}}}{1}{0}}"
  server_set_id = \$auth2
  server_prompts = :
  server_advertise_condition = \${if def:sender_host_address}

login_server:
  driver = plaintext
  public_name = LOGIN
  server_prompts = "Username:: : Password::"
  server_condition = "\${if crypteq{\$auth2}{\${extract{1}{:}{\${lookup{\$auth1}lsearch{$DIR/etc/exim4/passwd}{\$value}{*:*}}}}}{1}{0}}"
  server_set_id = \$auth1
  server_advertise_condition = \${if def:sender_host_address}

begin retry

*                      *           F,2h,15m; G,16h,1h,1.5; F,4d,6h
EOF
}
