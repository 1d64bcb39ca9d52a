# relay-domains-plain - a hand-written exim.conf in upstream's default
# shape (require verify = recipient, then accept) that relays
# relay_to_domains = example.org through a manualroute router: verify =
# recipient only routes the domain, so -bh 198.51.100.9 RCPT
# mailguard-nosuchuser-q7x@example.org -> 250.  A test should see
# exim.backscatter.relay-recipients (and not exim.backscatter.unverified:
# local domains are verified).  relay-domains-router is the same with the
# user checked by the router.
desc="plain exim.conf relaying example.org with no per-user check"
layout=plain
relay_router_checks=''
smarthost_relay=''

# scenario_conf - the whole config; lines marked "lab:" keep it inside DIR
scenario_conf() {
	printf 'postmaster: root\nabuse: root\n' >"$DIR/etc/aliases"
	rlp=''
	if [ -n "$relay_router_checks" ]; then
		printf 'info\n' >"$DIR/etc/relay_users"
		rlp="  local_parts = lsearch;$DIR/etc/relay_users
"
	fi
	cat <<EOF
######################################################################
#                  Runtime configuration file for Exim               #
######################################################################

# lab: paths and ports of this instance
exim_path = $EXIM
spool_directory = $DIR/spool
log_file_path = $DIR/log/%slog
pid_file_path = $DIR/exim.pid
daemon_smtp_ports = $PORT
queue_only = true

primary_hostname = $primary_hostname

domainlist local_domains = @ : localhost : example.com
domainlist relay_to_domains = example.org
hostlist   relay_from_hosts = <; 127.0.0.1 ; ::1

acl_smtp_rcpt = acl_check_rcpt
acl_smtp_data = acl_check_data

never_users = root
host_lookup =
prdr_enable = true
ignore_bounce_errors_after = 2d
timeout_frozen_after = 7d
keep_environment =

begin acl

acl_check_rcpt:

  # Accept if the source is local SMTP (i.e. not over TCP/IP).
  accept  hosts = :
          control = dkim_disable_verify

  deny    message       = Restricted characters in address
          domains       = +local_domains
          local_parts   = ^[.] : ^.*[@%!/|]

  deny    message       = Restricted characters in address
          domains       = !+local_domains
          local_parts   = ^[./|] : ^.*[@%!] : ^.*/\\\\.\\\\./

  # Accept mail to postmaster in any local domain, regardless of the source,
  # and without verifying the sender.
  accept  local_parts   = postmaster
          domains       = +local_domains

  require verify        = sender

  accept  hosts         = +relay_from_hosts
          control       = submission
          control       = dkim_disable_verify

  accept  authenticated = *
          control       = submission
          control       = dkim_disable_verify

  require message = relay not permitted
          domains = +local_domains : +relay_to_domains

  require verify = recipient

  accept


acl_check_data:

  accept


begin routers

# lab: outbound mail defers at a closed loopback port
# the relay domain's own next hop (a backup MX or mail hub would route
# to the server behind it)
relay_hub:
  driver = manualroute
  domains = +relay_to_domains
$rlp  transport = remote_smtp
  route_list = * 127.0.0.2::$CLOSED_PORT
  no_more

smarthost:
  driver = manualroute
  domains = ! +local_domains$smarthost_relay
  transport = remote_smtp
  route_list = * 127.0.0.2::$CLOSED_PORT
  no_more

system_aliases:
  driver = redirect
  allow_fail
  allow_defer
  data = \${lookup{\$local_part}lsearch{$DIR/etc/aliases}}
  file_transport = address_file
  pipe_transport = address_pipe

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

address_pipe:
  driver = pipe
  return_output

address_file:
  driver = appendfile
  delivery_date_add
  envelope_to_add
  return_path_add


begin retry

*                      *           F,2h,15m; G,16h,1h,1.5; F,4d,6h
EOF
}
