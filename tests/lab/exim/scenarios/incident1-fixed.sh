# incident1-fixed - incident1-template plus incident 1's fix in the
# template, before the postmaster accept of acl_check_rcpt:
#   deny hosts = ! 127.0.0.0/8 : ! ::::1, domains = localhost :
#   localhost.localdomain.  A test should observe: -bh 107.172.77.101 RCPT
# postmaster@localhost -> 550, postmaster@example.com -> 250; -bh 127.0.0.1
# and -bh ::1 -> 250; local -bs/-t mail to root@localhost -> accepted.
. "$SCENDIR/incident1-template.sh"
desc="incident 1 fixed: remote RCPT to @localhost denied before the postmaster accept"

# The fix as mailguard-tui should write it.  IPv6 in a colon-separated list
# needs its colons doubled ("::::1" is ::1); 127.0.0.0/8 rather than
# 127.0.0.1 because Debian maps the host name to 127.0.1.1.  Local
# submissions (no host) were accepted earlier by "accept hosts = :".
LAB_INCIDENT1_FIX='  # Deny remote hosts mail to @localhost: "localhost" is in local_domains
  # (cron and root mail need it), and the postmaster accept below would
  # otherwise take postmaster@localhost from anyone.
  deny
    message = relay not permitted: <$local_part@$domain> from remote host
    hosts = ! 127.0.0.0/8 : ! ::::1
    domains = localhost : localhost.localdomain
'

# insert_before_postmaster FILE TEXT - TEXT (then an empty line) before the
# comment that opens acl_check_rcpt's postmaster accept; exactly once
insert_before_postmaster() {
	awk -v text="$2" '
	/^  # Accept mail to postmaster in any local domain/ && !done {
		sub(/\n+$/, "", text)
		printf "%s\n\n", text
		done = 1
	}
	{ print }
	END { if (!done) exit 1 }' "$1" >"$1.new" ||
	    die "$1: postmaster accept not found"
	mv "$1.new" "$1"
}

scenario_edit() {
	insert_before_postmaster "$CONFDIR/exim4.conf.template" \
	    "$LAB_INCIDENT1_FIX"
}
