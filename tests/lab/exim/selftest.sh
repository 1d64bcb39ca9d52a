#!/bin/sh
# selftest.sh - the Exim lab checked against real Exim: every scenario is
# set up, parsed (-bV), probed with -bh (reply codes asserted), mapped back
# to its sources, run as a daemon for one real RCPT over TCP (swaks),
# filled with 200 queued messages (-bpc), and destroyed.  A trap destroys
# everything even on failure; nothing may be left running.  The last line
# is "N passed, N failed"; the exit status is non-zero on any failure.
# shellcheck disable=SC2016 # ${...} in single quotes are Exim expansions
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
LABROOT=$(mktemp -d /tmp/mg-exlab.XXXXXX)
pass=0
fail=0
# System MTA paths the lab must never create (checked at the end).
SYSPATHS="/etc/exim4 /var/spool/exim4 /var/log/exim4 /var/lib/exim4
/run/exim4 /etc/mailname"
absent=""
for p in $SYSPATHS; do
	[ -e "$p" ] || absent="$absent $p"
done

# lab - the lab script
lab() {
	sh "$HERE/lab.sh" "$@"
}

# cleanup - destroy every instance under LABROOT, then LABROOT itself
cleanup() {
	for d in "$LABROOT"/*; do
		[ -d "$d" ] && lab destroy "$d" >/dev/null 2>&1
	done
	rm -rf "$LABROOT"
}
finished=0
# on_exit - clean up; an interrupted run still ends with the summary line
on_exit() {
	cleanup
	if [ "$finished" = 0 ]; then
		echo "FAIL interrupted"
		echo "$pass passed, $((fail + 1)) failed"
	fi
}
trap on_exit EXIT
trap 'exit 130' INT TERM HUP

ok() {
	pass=$((pass + 1))
	echo "ok   $*"
}

not_ok() {
	fail=$((fail + 1))
	echo "FAIL $*"
}

# check DESC CMD... - CMD must succeed (its output is shown on failure)
check() {
	desc=$1
	shift
	if out=$("$@" 2>&1); then
		ok "$desc"
	else
		not_ok "$desc"
		printf '%s\n' "$out" | sed 's/^/     | /' | tail -n 30
	fi
}

# rcpt_codes DIR IP [bh args] - reply codes to the RCPTs of one -bh session
rcpt_codes() {
	# Final reply lines: 220, EHLO, MAIL, the RCPTs, 221.
	lab bh "$@" | grep -E '^[0-9]{3} ' | sed '1,3d;$d' |
	    cut -c1-3 | tr '\n' ' ' | sed 's/ $//'
}

# expect_bh DESC WANT DIR IP [bh args] - RCPT reply codes must be WANT
expect_bh() {
	desc=$1
	want=$2
	shift 2
	got=$(rcpt_codes "$@")
	if [ "$got" = "$want" ]; then
		ok "$desc: $want"
	else
		not_ok "$desc: want '$want', got '$got'"
		lab bh "$@" --trace 2>&1 | grep -E '^[0-9]{3}[ -]|check|in "' |
		    sed 's/^/     | /' | tail -n 30
	fi
}

# bh_conf CONF IP RCPT - RCPT reply code of an exim -C CONF -bh IP session
# (no network: unshare -n where it works, as lab.sh bh does)
bh_conf() {
	ns=""
	unshare -n true 2>/dev/null && ns="unshare -n"
	printf '%s\r\n' "EHLO inside" "MAIL FROM:<sender@example.com>" \
	    "RCPT TO:<$3>" QUIT |
	    $ns "$EXIM" -C "$1" -bh "$2" 2>/dev/null |
	    grep -E '^[0-9]{3} ' | sed -n 4p | cut -c1-3
}

# expect_eq DESC WANT GOT
expect_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1: ${2:-(none)}"
	else
		not_ok "$1: want '$2', got '$3'"
	fi
}

# exim DIR ARGS... - the lab binary with DIR's config
exim() {
	d=$1
	shift
	"$EXIM" -C "$d/exim4.conf" "$@"
}

# map_check DIR PATTERN FILE - the whole generated file replays from its
# sources, and the line matching PATTERN maps to FILE:N holding it too
map_check() {
	d=$1
	pat=$2
	want=$3
	if ! lab map "$d" all >"$d/map.all" 2>"$d/map.err"; then
		not_ok "map: replay of $d/exim4.conf: $(cat "$d/map.err")"
		return
	fi
	n=$(grep -n -- "$pat" "$d/exim4.conf" | head -n 1 | cut -d: -f1)
	origin=$(lab map "$d" "$n" 2>&1)
	file=${origin%:*}
	line=${origin##*:}
	case "$file" in
	*"$want")
		if sed -n "${line}p" "$file" | grep -q -- "$pat"; then
			ok "map: exim4.conf:$n '$pat' <- ${origin#"$d"/}"
			return
		fi
		;;
	esac
	not_ok "map: exim4.conf:$n '$pat' <- '$origin', want ...$want"
}

# map_keep_check DIR PATTERN FILE - the same with comments kept: the
# sources regenerated with update-exim4.conf --keepcomments
map_keep_check() {
	d=$1
	pat=$2
	want=$3
	k=$d/keep.conf
	if ! TMPDIR=$d/tmp "$d/bin/update-exim4.conf" --keepcomments \
	    --confdir "$d/etc/exim4" --output "$k" >"$d/map.err" 2>&1 ||
	    ! lab map "$d" all "$k" >"$d/map.all" 2>"$d/map.err"; then
		not_ok "map --keepcomments: $(cat "$d/map.err")"
		return
	fi
	n=$(grep -n -- "$pat" "$k" | head -n 1 | cut -d: -f1)
	origin=$(lab map "$d" "$n" "$k" 2>&1)
	file=${origin%:*}
	line=${origin##*:}
	case "$file" in
	*"$want")
		if sed -n "${line}p" "$file" | grep -q -- "$pat"; then
			ok "map: keep.conf:$n '$pat' <- ${origin#"$d"/}"
			return
		fi
		;;
	esac
	not_ok "map: keep.conf:$n '$pat' <- '$origin', want ...$want"
}

# daemon_rcpt DIR - start, one RCPT over TCP from 127.0.0.1, stop
daemon_rcpt() {
	d=$1
	check "$(basename "$d"): start on 127.0.0.1:$(cat "$d/port")" \
	    lab start "$d"
	out=$(swaks --server 127.0.0.1 --port "$(cat "$d/port")" \
	    --timeout 60 --helo client.example --from root@example.com \
	    --to postmaster@localhost --quit-after RCPT 2>&1)
	if printf '%s\n' "$out" | grep -A1 -- '-> RCPT TO' |
	    grep -q '<-  250 '; then
		ok "$(basename "$d"): TCP RCPT postmaster@localhost: 250"
	else
		not_ok "$(basename "$d"): TCP RCPT postmaster@localhost"
		printf '%s\n' "$out" | sed 's/^/     | /' | tail -n 12
	fi
	listen=$(ss -Hltn "( sport = :$(cat "$d/port") )" |
	    awk '{print $4}' | tr '\n' ' ')
	expect_eq "$(basename "$d"): listening only on" \
	    "127.0.0.1:$(cat "$d/port") " "$listen"
	check "$(basename "$d"): stop" lab stop "$d"
	left=$(pgrep -f -- "-C $d/exim4.conf" || true)
	expect_eq "$(basename "$d"): processes after stop" "" "$left"
}

# fill_check DIR - 200 messages queued, counted by Exim
fill_check() {
	d=$1
	before=$(exim "$d" -bpc)
	check "$(basename "$d"): fill 200" lab fill "$d" 200 \
	    --auth-id root --host-address 93.122.252.5 --helo inside
	expect_eq "$(basename "$d"): -bpc after fill" \
	    $((before + 200)) "$(exim "$d" -bpc)"
	# what the product reads: spool -H files as Exim wrote them
	h=$(grep -l -- '^--auth_id root$' "$d"/spool/input/*-H | head -n 1)
	got=$(grep -E -- '^--(helo_name|host_address|received_protocol|auth_id) ' \
	    "$h" | sed 's/]:[0-9]*$/]:PORT/' | tr '\n' ' ')
	expect_eq "$(basename "$d"): -H of a filled message" \
	    "--helo_name inside --host_address [93.122.252.5]:PORT --received_protocol esmtpa --auth_id root " \
	    "$got"
}

# common DIR - what every scenario gets: -bV, daemon, fill
common() {
	d=$1
	check "$(basename "$d"): exim -bV" exim "$d" -bV
	daemon_rcpt "$d"
	fill_check "$d"
}

EXIM=$(lab bin) || {
	finished=1
	echo "FAIL cannot fetch the lab's exim"
	echo "0 passed, 1 failed"
	exit 1
}
R=107.172.77.101
T0=$(date +%s)

for s in $(lab list | awk '{print $1}'); do
	d=$LABROOT/$s
	if ! out=$(lab setup "$s" "$d" 2>&1); then
		not_ok "$s: setup"
		printf '%s\n' "$out" | sed 's/^/     | /' | tail -n 20
		continue
	fi
	ok "$s: setup"
	case "$s" in
	debian-stock-local)
		expect_eq "$s: local_interfaces" \
		    "local_interfaces = <; 127.0.0.1 ; ::1" \
		    "$(exim "$d" -bP local_interfaces)"
		expect_eq "$s: +local_domains" \
		    "domainlist local_domains = @:localhost:example.com" \
		    "$(exim "$d" -bP +local_domains)"
		expect_bh "$s: -bh $R postmaster@localhost, user@example.net" \
		    "250 550" "$d" "$R" --to postmaster@localhost \
		    --to user@example.net
		map_check "$d" "local_parts = postmaster" exim4.conf.template
		;;
	incident1-template | debian-stock-public | incident1-split)
		expect_eq "$s: local_interfaces (all)" \
		    "local_interfaces = <; ::0 ; 0.0.0.0" \
		    "$(exim "$d" -bP local_interfaces)"
		expect_bh "$s: -bh $R postmaster@localhost (the hole)" \
		    "250" "$d" "$R" --to postmaster@localhost
		expect_bh "$s: -bh $R postmaster@example.com, root@localhost, user@example.net" \
		    "250 250 550" "$d" "$R" --to postmaster@example.com \
		    --to root@localhost --to user@example.net
		if [ "$s" = incident1-split ]; then
			map_check "$d" "local_parts = postmaster" \
			    conf.d/acl/30_exim4-config_check_rcpt
			map_check "$d" "^queue_only = true" \
			    conf.d/main/000_localmacros
			map_keep_check "$d" "local_parts = postmaster" \
			    conf.d/acl/30_exim4-config_check_rcpt
		else
			map_check "$d" "local_parts = postmaster" \
			    exim4.conf.template
			map_check "$d" "^queue_only = true" \
			    exim4.conf.localmacros
			map_keep_check "$d" "local_parts = postmaster" \
			    exim4.conf.template
		fi
		;;
	incident1-plain)
		expect_eq "$s: +local_domains" \
		    "domainlist local_domains = @ : localhost : example.com" \
		    "$(exim "$d" -bP +local_domains)"
		expect_bh "$s: -bh $R postmaster@localhost (the hole)" \
		    "250" "$d" "$R" --to postmaster@localhost
		expect_bh "$s: -bh 127.0.0.1 user@example.net (relay)" \
		    "250" "$d" 127.0.0.1 --from root@example.com \
		    --to user@example.net
		;;
	incident1-fixed)
		expect_bh "$s: -bh $R postmaster@localhost" \
		    "550" "$d" "$R" --to postmaster@localhost
		expect_bh "$s: -bh $R postmaster@example.com" \
		    "250" "$d" "$R" --to postmaster@example.com
		expect_bh "$s: -bh $R root@localhost, user@example.net" \
		    "550 550" "$d" "$R" --to root@localhost \
		    --to user@example.net
		for ip in 127.0.0.1 ::1 127.0.1.1 ::ffff:127.0.0.1; do
			expect_bh "$s: -bh $ip postmaster@localhost, root@localhost" \
			    "250 250" "$d" "$ip" --to postmaster@localhost \
			    --to root@localhost
		done
		for ip in 2001:db8::25 ::ffff:$R; do
			expect_bh "$s: -bh $ip postmaster@localhost" \
			    "550" "$d" "$ip" --to postmaster@localhost
		done
		# cron-style local mail: an SMTP session on stdin (-bs) and
		# sendmail -t, as root, no host address
		bs=$(printf '%s\r\n' "EHLO mail.example.com" \
		    "MAIL FROM:<root@mail.example.com>" \
		    "RCPT TO:<root@localhost>" "RCPT TO:<postmaster@localhost>" \
		    "DATA" "From: Cron Daemon <root@mail.example.com>" \
		    "To: root@localhost" \
		    "Subject: Cron <root@mail> run-parts /etc/cron.daily" "" \
		    "/etc/cron.daily/logrotate: done" "." "QUIT" |
		    exim "$d" -odq -bs 2>&1 | grep -E '^[0-9]{3} ' |
		    sed '1,2d;$d' | cut -c1-3 | tr '\n' ' ')
		expect_eq "$s: -bs as root: MAIL, 2 RCPT, DATA, end of data" \
		    "250 250 250 354 250 " "$bs"
		printf 'To: root@localhost, postmaster@localhost\nSubject: %s\n\n%s\n' \
		    "Cron <root@mail> test -x /usr/sbin/anacron" "ok" |
		    exim "$d" -odq -t
		expect_eq "$s: -t as root, then both queued" "2" \
		    "$(exim "$d" -bpc)"
		map_check "$d" "hosts = ! 127.0.0.0/8 : ! ::::1" \
		    exim4.conf.template
		;;
	colon-ipv6)
		# what Exim makes of the lists themselves
		be() {
			unshare -n "$EXIM" -C "$d/exim4.conf" -be "$1" 2>&1 ||
			    "$EXIM" -C "$d/exim4.conf" -be "$1" 2>&1
		}
		expect_eq "$s: -be items of '! 127.0.0.1 : ! ::1'" "2 [! :1]" \
		    "$(be '${listcount:! 127.0.0.1 : ! ::1} [${listextract{2}{! 127.0.0.1 : ! ::1}}]')"
		expect_eq "$s: -be items of '! 127.0.0.1 : ! ::::1'" "2 [! ::1]" \
		    "$(be '${listcount:! 127.0.0.1 : ! ::::1} [${listextract{2}{! 127.0.0.1 : ! ::::1}}]')"
		expect_eq "$s: -be items of '<; ! 127.0.0.1 ; ! ::1'" "2 [! ::1]" \
		    "$(be '${listcount:<; ! 127.0.0.1 ; ! ::1} [${listextract{2}{<; ! 127.0.0.1 ; ! ::1}}]')"
		expect_eq "$s: -be match_ip ::1 in 127.0.0.1 : ::1 / ::::1 / <;" \
		    "no yes yes" \
		    "$(be '${if match_ip{::1}{127.0.0.1 : ::1}{yes}{no}} ${if match_ip{::1}{127.0.0.1 : ::::1}{yes}{no}} ${if match_ip{::1}{<; 127.0.0.1 ; ::1}{yes}{no}}')"
		# ":1" is a host-name pattern: the client's name is needed
		expect_bh "$s: -bh ::1 named localhost: ::1 not excluded" \
		    "550" "$d" ::1 --name localhost --to postmaster@localhost
		expect_bh "$s: -bh $R with reverse DNS: denied" \
		    "550" "$d" "$R" --name 107-172-77-101-host.colocrossing.com \
		    --to postmaster@localhost
		expect_bh "$s: -bh $R without reverse DNS: hole open again" \
		    "250" "$d" "$R" --to postmaster@localhost
		expect_bh "$s: -bh 127.0.0.1" \
		    "250" "$d" 127.0.0.1 --to postmaster@localhost
		if lab bh "$d" "$R" --trace |
		    grep -q 'sender host name required, to match against :1'; then
			ok "$s: trace: 'sender host name required, to match against :1'"
		else
			not_ok "$s: trace lacks the host-name lookup for ':1'"
		fi
		# the other fixed form: the same list with "<;" separators
		sed 's/^\( *hosts = \)! 127\.0\.0\.0\/8 : ! ::1$/\1<; ! 127.0.0.0\/8 ; ! ::1/' \
		    "$d/exim4.conf" >"$d/semicolon.conf"
		expect_eq "$s: semicolon.conf: the list rewritten" \
		    "    hosts = <; ! 127.0.0.0/8 ; ! ::1" \
		    "$(grep -F '<; ! 127.0.0.0/8' "$d/semicolon.conf")"
		for c in "$R 550" "::1 250" "127.0.0.1 250" "2001:db8::25 550"; do
			ip=${c% *}
			got=$(bh_conf "$d/semicolon.conf" "$ip" \
			    postmaster@localhost)
			expect_eq "$s: '<;' list, -bh $ip postmaster@localhost" \
			    "${c##* }" "$got"
		done
		;;
	docker-relay-nets)
		expect_bh "$s: -bh 172.17.0.1 user@example.net (relayed)" \
		    "250" "$d" 172.17.0.1 --to user@example.net
		;;
	private-relay-nets)
		expect_bh "$s: -bh 10.200.1.1 user@example.net (relayed)" \
		    "250" "$d" 10.200.1.1 --to user@example.net
		expect_bh "$s: -bh $R user@example.net" \
		    "550" "$d" "$R" --to user@example.net
		;;
	relay-domains-template | relay-domains-split | relay-domains-callout | \
	    relay-domains-plain)
		# verify = recipient only routes a relay domain; -bh omits
		# the callout relay-domains-callout asks for
		expect_bh "$s: -bh 198.51.100.9 made-up user at the relay domain, user@example.net" \
		    "250 550" "$d" 198.51.100.9 --from '' \
		    --to mailguard-nosuchuser-q7x@example.org \
		    --to user@example.net
		;;
	relay-domains-router)
		expect_bh "$s: -bh 198.51.100.9 made-up user, info at the relay domain" \
		    "550 250" "$d" 198.51.100.9 --from '' \
		    --to mailguard-nosuchuser-q7x@example.org \
		    --to info@example.org
		;;
	esac
	common "$d"
	check "$s: destroy" lab destroy "$d"
	expect_eq "$s: DIR gone" "" "$(ls -d "$d" 2>/dev/null)"
done

# destroy is idempotent, and refuses what it did not create
check "destroy of a missing DIR" lab destroy "$LABROOT/never-made"
mkdir -p "$LABROOT/foreign"
: >"$LABROOT/foreign/keep"
if lab destroy "$LABROOT/foreign" >/dev/null 2>&1; then
	not_ok "destroy refuses a non-lab DIR"
else
	ok "destroy refuses a non-lab DIR"
fi
rm -rf "$LABROOT/foreign"

for p in $absent; do
	if [ -e "$p" ]; then
		not_ok "$p was created"
	else
		ok "$p still absent"
	fi
done

cleanup
left=$(pgrep -a -f "$LABROOT" || true)
expect_eq "no process left under $LABROOT" "" "$left"
echo "selftest took $(($(date +%s) - T0)) s"
finished=1
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
