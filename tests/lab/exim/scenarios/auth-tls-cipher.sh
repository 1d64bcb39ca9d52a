# auth-tls-cipher - SMTP AUTH held back until STARTTLS, in the spellings
# found on real servers: PLAIN with ${if !eq{$tls_cipher}{}} ($tls_cipher
# is the old name of $tls_in_cipher), LOGIN with ${if def:tls_in_cipher};
# TLS with a self-signed certificate, CONFDIR/passwd holding alice
# (Wonder-land-7).  A test should observe: exim -bh 198.51.100.9 EHLO
# offers STARTTLS and no AUTH; the daemon offers AUTH PLAIN LOGIN after
# STARTTLS; the report has no exim.auth.no-tls.  auth-advertise-hosts and
# auth-plain-clear reuse this config with other conditions.
desc="AUTH only after STARTTLS, written \$tls_cipher / def:tls_in_cipher"
layout=plain
plain_cond='server_advertise_condition = ${if !eq{$tls_cipher}{}}'
login_cond='server_advertise_condition = ${if def:tls_in_cipher}'
main_auth=''

# auth_files - certificate, key and the password file, readable by Exim
auth_files() {
	mkdir -p "$DIR/etc/exim4"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -days 30 -subj "/CN=$primary_hostname" \
	    -keyout "$DIR/etc/exim4/exim.key" -out "$DIR/etc/exim4/exim.crt" \
	    >/dev/null 2>&1 || die "openssl req failed"
	printf 'alice:%s\n' "$(openssl passwd -6 -salt labalice Wonder-land-7)" \
	    >"$DIR/etc/exim4/passwd"
	chgrp Debian-exim "$DIR/etc/exim4/exim.key" "$DIR/etc/exim4/passwd"
	chmod 640 "$DIR/etc/exim4/exim.key" "$DIR/etc/exim4/passwd"
	printf 'postmaster: root\nroot: alice\n' >"$DIR/etc/aliases"
}

# scenario_conf - the whole config; lines marked "lab:" keep it inside DIR
scenario_conf() {
	auth_files
	cat <<EOF
# lab: paths and ports of this instance
exim_path = $EXIM
spool_directory = $DIR/spool
log_file_path = $DIR/log/%slog
pid_file_path = $DIR/exim.pid
daemon_smtp_ports = ${lab_ports:-$PORT}
queue_only = true

primary_hostname = $primary_hostname
domainlist local_domains = @ : localhost : example.com
hostlist   relay_from_hosts = <; 127.0.0.1 ; ::1
acl_smtp_rcpt = acl_check_rcpt
never_users = root
host_lookup =
keep_environment =

tls_advertise_hosts = *
tls_certificate = $DIR/etc/exim4/exim.crt
tls_privatekey = $DIR/etc/exim4/exim.key
$main_auth

begin acl

acl_check_rcpt:
  accept  hosts = :
  accept  hosts = +relay_from_hosts
  accept  authenticated = *
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
  $plain_cond

login_server:
  driver = plaintext
  public_name = LOGIN
  server_prompts = "Username:: : Password::"
  server_condition = "\${if crypteq{\$auth2}{\${extract{1}{:}{\${lookup{\$auth1}lsearch{$DIR/etc/exim4/passwd}{\$value}{*:*}}}}}{1}{0}}"
  server_set_id = \$auth1
  $login_cond

begin retry

*                      *           F,2h,15m; G,16h,1h,1.5; F,4d,6h
EOF
}
