# nested-lookup - virtual domains the way many hosting how-tos write them
# (one directory per domain under etc/exim4/virtual, each with its own
# aliases file, found by a dsearch lookup nested in the lsearch file name),
# Debian's optional lowuid-aliases guarded by ${if exists{...}} (the file
# is absent), and system aliases without a postmaster entry.  A test should
# observe: exim -bt info@example.org routes through virtual_aliases to
# alice@example.com (Exim reads the nested lookup); the report has no
# warning about a file named ".../${lookup{$domain" or about the absent
# lowuid-aliases, names the virtual file as depending on $domain, and
# still checks etc/aliases (postmaster missing; -bt postmaster@localhost
# is unrouteable).
desc="nested \${lookup} in an alias file name, optional file, no postmaster"
layout=plain

# scenario_conf - the whole config; lines marked "lab:" keep it inside DIR
scenario_conf() {
	printf 'root: alice\nabuse: root\n' >"$DIR/etc/aliases"
	mkdir -p "$DIR/etc/exim4/virtual/example.org"
	printf 'info: alice@example.com\n' \
	    >"$DIR/etc/exim4/virtual/example.org/aliases"
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
domainlist virtual_domains = dsearch;$DIR/etc/exim4/virtual
hostlist   relay_from_hosts = <; 127.0.0.1 ; ::1

acl_smtp_rcpt = acl_check_rcpt

never_users = root
host_lookup =
keep_environment =

begin acl

acl_check_rcpt:
  accept  hosts = :
  accept  hosts = +relay_from_hosts
  require message = relay not permitted
          domains = +local_domains : +virtual_domains
  require verify = recipient
  accept

begin routers

# lab: outbound mail defers at a closed loopback port
smarthost:
  driver = manualroute
  domains = ! +local_domains : ! +virtual_domains
  transport = remote_smtp
  route_list = * 127.0.0.2::$CLOSED_PORT
  no_more

virtual_aliases:
  driver = redirect
  domains = +virtual_domains
  allow_fail
  data = \${lookup{\$local_part}lsearch{$DIR/etc/exim4/virtual/\${lookup{\$domain}dsearch{$DIR/etc/exim4/virtual}}/aliases}}
  no_more

system_aliases:
  driver = redirect
  domains = +local_domains
  allow_fail
  allow_defer
  data = \${lookup{\$local_part}lsearch{$DIR/etc/aliases}}

lowuid_aliases:
  driver = redirect
  domains = +local_domains
  data = \${if exists{$DIR/etc/exim4/lowuid-aliases}\\
              {\${lookup{\$local_part}lsearch{$DIR/etc/exim4/lowuid-aliases}\\
              {\$value}{root}}}\\
              {root}}
  local_parts = daemon : bin : sys

localuser:
  driver = accept
  domains = +local_domains
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

*                      *           F,2h,15m; G,16h,1h,1.5; F,4d,6h
EOF
}
