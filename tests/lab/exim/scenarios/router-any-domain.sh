# router-any-domain - a plain exim.conf whose system_aliases router has no
# domains condition and comes before the router for remote domains (a
# shape of tutorials that put the aliases first).  Exim's own default
# keeps system_aliases domainless but after dnslookup's no_more; here
# nothing stops other domains first, so mail to root@ or postmaster@ ANY
# domain - from this host's programs and relay clients - is delivered
# through /etc/aliases instead of to that domain.  A test should see
# "exim -bt root@foreign.invalid" routed by system_aliases, the finding at
# the router's line, and after the fix the smarthost router take it.
desc="redirect router without a domains condition before the remote router"
layout=plain

# scenario_conf - the whole config; lines marked "lab:" keep it inside DIR
scenario_conf() {
	printf 'postmaster: root\nabuse: root\nroot: admin@ops.example.net\n' \
	    >"$DIR/etc/aliases"
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

system_aliases:
  driver = redirect
  allow_fail
  allow_defer
  data = \${lookup{\$local_part}lsearch{$DIR/etc/aliases}}
  file_transport = address_file
  pipe_transport = address_pipe

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

address_pipe:
  driver = pipe
  return_output

address_file:
  driver = appendfile
EOF
}
