# incident1-fjord - incident 1 in a plain exim.conf whose names are not
# the lab's: primary_hostname gw3.lan.fjord.example is NOT a local domain
# (local_domains = localhost : fjord.example : lists.fjord.example, no "@"),
# "require verify = sender" comes first in acl_check_rcpt (before the
# postmaster accept), postmaster is aliased to an account of another name,
# relay_from_hosts holds a LAN (10.44.0.0/16).  A test should see the hole
# (-bh 107.172.77.101 RCPT postmaster@localhost -> 250), a proof whose
# legitimate paths are this server's own (postmaster@fjord.example, a local
# sender that verifies), and the incident-1 fix applied; the old probes
# (postmaster@gw3.lan.fjord.example, MAIL FROM:<cron@localhost>) are refused
# by this configuration before any fix.
desc="incident 1, plain exim.conf; primary_hostname not local, sender verify first"
layout=plain
primary_hostname='gw3.lan.fjord.example'

# fjord_conf - the whole config; lines marked "lab:" keep it inside DIR
# (incident1-nolocal reuses it)
fjord_conf() {
	printf 'postmaster: sysop\nabuse: sysop\nsysop: root\n' >"$DIR/etc/aliases"
	cat <<EOF
# lab: paths and ports of this instance
exim_path = $EXIM
spool_directory = $DIR/spool
log_file_path = $DIR/log/%slog
pid_file_path = $DIR/exim.pid
daemon_smtp_ports = $PORT
queue_only = true

primary_hostname = $primary_hostname

domainlist local_domains = localhost : fjord.example : lists.fjord.example
domainlist relay_to_domains =
hostlist   relay_from_hosts = <; 127.0.0.1 ; ::1 ; 10.44.0.0/16

acl_smtp_rcpt = acl_check_rcpt

never_users = root
host_lookup =
keep_environment =

begin acl

acl_check_rcpt:
  accept  hosts = :

  require verify        = sender

  # postmaster of every local domain, from anywhere
  accept  local_parts   = postmaster
          domains       = +local_domains

  accept  hosts         = +relay_from_hosts
          control       = submission

  require message = relay not permitted
          domains = +local_domains : +relay_to_domains

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
  allow_defer
  data = \${lookup{\$local_part}lsearch{$DIR/etc/aliases}}

localuser:
  driver = accept
  check_local_user
  transport = local_delivery
  cannot_route_message = Unknown user


begin transports

remote_smtp:
  driver = smtp

local_delivery:
  driver = appendfile
  file = $DIR/mail/\$local_part_data
  delivery_date_add
  envelope_to_add
  return_path_add


begin retry

*                      *           F,2h,15m
EOF
}

# scenario_conf - the config as it is
scenario_conf() {
	fjord_conf
}
