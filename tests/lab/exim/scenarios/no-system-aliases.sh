# no-system-aliases - a plain exim.conf with no aliases router at all: the
# RCPT ACL accepts postmaster@ every local domain (as Exim's default does,
# before any verification), but no router can deliver it - there is no
# account named postmaster - so Exim accepts the mail and then bounces it
# to whatever sender was given (backscatter).  A test should see
# "exim -bh" accept RCPT postmaster@example.com, "exim -bt" call it
# unrouteable, and the finding say both.
desc="no system_aliases router: postmaster accepted by the ACL, then bounced"
layout=plain

# scenario_conf - the whole config; lines marked "lab:" keep it inside DIR
scenario_conf() {
	cat <<EOF
# lab: paths and ports of this instance
exim_path = $EXIM
spool_directory = $DIR/spool
log_file_path = $DIR/log/%slog
pid_file_path = $DIR/exim.pid
daemon_smtp_ports = $PORT
queue_only = true

primary_hostname = $primary_hostname

domainlist local_domains = @ : example.com
domainlist relay_to_domains =
hostlist   relay_from_hosts = <; 127.0.0.1 ; ::1

acl_smtp_rcpt = acl_check_rcpt

never_users = root
host_lookup =
keep_environment =

begin acl

acl_check_rcpt:
  accept  hosts = :
  accept  local_parts   = postmaster
          domains       = +local_domains
  require verify        = sender
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
EOF
}
