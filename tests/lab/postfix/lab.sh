#!/bin/sh
# lab.sh - private Postfix instances for the lab: Debian's stock main.cf
# and master.cf in DIR/etc, own queue, loopback listener on a high port,
# outbound mail deferred at a closed loopback relayhost.  Never touches
# /etc/postfix or the system Postfix: every command names -c DIR/etc.
#
# usage: lab.sh setup SCENARIO DIR | start DIR | stop DIR | destroy DIR
#        lab.sh fill DIR [mgsmtp options] | fill-incident3 DIR [N]
#        lab.sh flush-wait DIR | status DIR | leftovers ROOT | list
set -eu
umask 022

LAB=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$LAB/../../.." && pwd)
MGSMTP=${MGSMTP:-$REPO/build/lab/mgsmtp}
# start/stop waits poll for the state and end when it holds; the bound is
# for a CI machine shared with other builds (MG_LAB_WAIT_S overrides it)
WAIT_S=${MG_LAB_WAIT_S:-60}
case $WAIT_S in
'' | *[!0-9]*) WAIT_S=60 ;;
esac
WAIT_TENTHS=$((WAIT_S * 10))

# die - message on stderr, exit 1
die() {
	echo "lab.sh: $*" >&2
	exit 1
}

# usage - the synopsis, exit 2
usage() {
	sed -n 's/^# usage: /usage: /p; s/^#        /       /p' "$0" >&2
	exit 2
}

# nap - sleep a tenth of a second (GNU sleep takes fractions)
nap() {
	sleep 0.1
}

# pf - postconf on the instance only; never the system's /etc/postfix
pf() {
	postconf -c "$ETC" "$@"
}

# settle - backdate main.cf and master.cf by 2 s: Postfix programs that
# read main.cf while its mtime is within the last second poll it every
# 300 ms until it looks stable (a second and a half per call otherwise)
settle() {
	touch -d "@$(($(date +%s) - 2))" "$ETC/main.cf" "$ETC/master.cf"
}

# set_param - one main.cf parameter per call: postconf -e edits an existing
# line in place and appends a new one, in call order (several at once
# would be appended in hash order, and line numbers must be stable)
set_param() {
	for kv in "$@"; do
		postconf -c "$ETC" -e "$kv"
	done
	settle
}

# comment - a comment block appended to main.cf (postconf cannot write one)
comment() {
	printf '\n' >>"$ETC/main.cf"
	for line in "$@"; do
		printf '# %s\n' "$line" >>"$ETC/main.cf"
	done
}

# map - write a lookup table source file from stdin and postmap it
map() {
	cat >"$1"
	settle
	postmap -c "$ETC" "hash:$1"
}

# rand_port - a TCP port in 20000-59999 with no socket on it and not
# recorded by a sibling lab instance (set up but maybe not started yet):
# DIR/port, DIR/closed_port, and a scenario's extra listeners (*_port)
rand_port() {
	for _try in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		n=$(od -An -N2 -tu2 /dev/urandom | tr -d ' ')
		p=$((20000 + n % 40000))
		[ -n "$(ss -Htan "( sport = :$p )" 2>/dev/null)" ] && continue
		if cat "$(dirname "$DIR")"/*/port \
		    "$(dirname "$DIR")"/*/*_port 2>/dev/null |
		    grep -qx "$p"; then
			continue
		fi
		[ "$p" = "${1:-}" ] && continue
		echo "$p"
		return 0
	done
	die "no free port found"
}

# set_dir - DIR, ETC and PORT from the argument
set_dir() {
	[ $# -ge 1 ] || usage
	case $1 in
	/*) DIR=$1 ;;
	*) DIR=$(pwd)/$1 ;;
	esac
	DIR=${DIR%/}
	ETC=$DIR/etc
	PORT=$(cat "$DIR/port" 2>/dev/null || true)
}

# instance_pids - processes of this instance: Postfix daemons keep
# MAIL_CONFIG=DIR/etc in their environment (their command lines do not
# name the instance, so pgrep -f cannot find them)
instance_pids() {
	grep -lsxzF "MAIL_CONFIG=$ETC" /proc/[0-9]*/environ 2>/dev/null |
	    sed 's|^/proc/||; s|/environ$||' | grep -vx "$$" || true
}

# alive - PID exists and is not a zombie (a stopped master is reparented
# to PID 1 and may stay <defunct> until that reaps it; kill -0 says yes)
alive() {
	st=$(sed -n 's/^State:[[:space:]]*\(.\).*/\1/p' "/proc/$1/status" \
	    2>/dev/null || true)
	[ -n "$st" ] && [ "$st" != Z ]
}

# master_pid - the running master of this instance, or nothing
master_pid() {
	[ -f "$DIR/spool/pid/master.pid" ] || return 0
	mp=$(tr -dc '0-9' <"$DIR/spool/pid/master.pid")
	[ -n "$mp" ] || return 0
	alive "$mp" || return 0
	# the pid file outlives the master: make sure the PID is still ours
	grep -qsxzF "MAIL_CONFIG=$ETC" "/proc/$mp/environ" || return 0
	grep -qsxzF "/usr/lib/postfix/sbin/master" "/proc/$mp/cmdline" ||
	    [ "$(cat "/proc/$mp/comm" 2>/dev/null)" = master ] || return 0
	echo "$mp"
}

# make_reachable - Postfix daemons run as user postfix (and virtual(8) as
# the mailbox uid) and open the sasldb, data_directory and mailbox base by
# absolute path, so every ancestor of DIR must be searchable by others.
# A private mktemp -d root under /tmp is 0700: add o+x (search, no listing).
make_reachable() {
	d=$DIR
	while [ "$d" != / ]; do
		d=$(dirname "$d")
		case $(stat -c %A "$d") in
		*x | *t) continue ;;
		esac
		case $d in
		/tmp/?*)
			[ "$(stat -c %u "$d")" = 0 ] ||
			    die "$d: not searchable by user postfix"
			chmod o+x "$d"
			;;
		*) die "$d: not searchable by user postfix (chmod o+x it)" ;;
		esac
	done
}

# stock_setup - Debian 12's fresh-install main.cf and master.cf, then the
# lab's private paths.  The order of main.cf lines follows Debian's
# postinst (main.cf.debian, relay restrictions, then the debconf answers).
stock_setup() {
	mkdir -p "$ETC" "$DIR/spool" "$DIR/data" "$DIR/log" "$DIR/mail"
	chown postfix "$DIR/data"
	chmod 1777 "$DIR/mail"
	cp /usr/share/postfix/main.cf.debian "$ETC/main.cf"
	# Debian's postinst appends main.cf.tls when ssl-cert's snakeoil key
	# exists (postfix depends on ssl-cert, so on a real server it does).
	# The lab's own self-signed pair stands in for the snakeoil files.
	cat /usr/share/postfix/main.cf.tls >>"$ETC/main.cf"
	mkdir -p "$ETC/ssl"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
	    -nodes -days 3650 -subj /CN=mail.example.com \
	    -keyout "$ETC/ssl/lab-snakeoil.key" \
	    -out "$ETC/ssl/lab-snakeoil.pem" 2>/dev/null ||
	    die "openssl could not make the lab certificate"
	chmod 600 "$ETC/ssl/lab-snakeoil.key"
	if [ -f /usr/share/postfix/master.cf.dist ]; then
		cp /usr/share/postfix/master.cf.dist "$ETC/master.cf"
	elif [ -f /etc/postfix/master.cf.proto ]; then
		cp /etc/postfix/master.cf.proto "$ETC/master.cf"
	else
		die "no stock master.cf (postfix package missing?)"
	fi
	set_param "smtpd_tls_cert_file=$ETC/ssl/lab-snakeoil.pem" \
	    "smtpd_tls_key_file=$ETC/ssl/lab-snakeoil.key" \
	    "smtpd_relay_restrictions=permit_mynetworks permit_sasl_authenticated defer_unauth_destination"
	echo example.com >"$ETC/mailname"
	cat >"$ETC/aliases" <<-EOF
	# See man 5 aliases for format
	postmaster:    root
	root:          admin@ops.example.net
	EOF
	set_param "myhostname = mail.example.com" \
	    "alias_maps = hash:$ETC/aliases" \
	    "alias_database = hash:$ETC/aliases" \
	    "myorigin = $ETC/mailname" \
	    "mydestination = \$myhostname, example.com, localhost.localdomain, , localhost" \
	    "relayhost = [127.0.0.1]:$CLOSED" \
	    "mynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128" \
	    "mailbox_size_limit = 0" \
	    "recipient_delimiter = +" \
	    "inet_interfaces = 127.0.0.1" \
	    "inet_protocols = ipv4" \
	    "mydomain = example.com"
	comment "Lab instance (mailguard-tui tests/lab/postfix/lab.sh): private" \
	    "queue, log and mail spool; XCLIENT from the lab's own client."
	set_param "queue_directory = $DIR/spool" \
	    "data_directory = $DIR/data" \
	    "mail_spool_directory = $DIR/mail" \
	    "maillog_file_prefixes = $DIR/log" \
	    "maillog_file = $DIR/log/maillog" \
	    "smtpd_authorized_xclient_hosts = 127.0.0.1"
	postalias -c "$ETC" "hash:$ETC/aliases"

	# master.cf: the stock "smtp inet" stays, commented out; the lab
	# listens on 127.0.0.1:PORT.  No chroot (the chroot would need copies
	# of /etc files under the queue).  maillog_file needs postlog.
	pf -M -# smtp/inet
	pf -M "127.0.0.1:$PORT/inet = 127.0.0.1:$PORT inet n - n - - smtpd"
	pf -F '*/*/chroot = n'
	if [ -z "$(pf -M postlog/unix-dgram 2>/dev/null)" ]; then
		pf -M "postlog/unix-dgram = postlog unix-dgram n - n - 1 postlogd"
	fi
}

# check_instance - postfix check; its warnings go to the maillog
check_instance() {
	before=0
	[ -f "$DIR/log/maillog" ] && before=$(wc -l <"$DIR/log/maillog")
	settle
	postfix -c "$ETC" check || die "postfix -c $ETC check failed"
	if [ -f "$DIR/log/maillog" ]; then
		tail -n "+$((before + 1))" "$DIR/log/maillog" |
		    grep -E 'warning|fatal|error' >&2 || true
	fi
}

# cmd_setup - setup SCENARIO DIR: a fresh, checked, stopped instance
cmd_setup() {
	[ $# -eq 2 ] || usage
	scen=$LAB/scenarios/$1.sh
	[ -f "$scen" ] || die "no scenario '$1' (lab.sh list)"
	set_dir "$2"
	if [ -e "$DIR" ]; then
		if [ ! -d "$DIR" ] || [ -n "$(ls -A "$DIR")" ]; then
			die "$DIR exists and is not empty"
		fi
	fi
	mkdir -p "$DIR"
	: >"$DIR/.mg-lab-postfix"	# destroy removes only marked dirs
	make_reachable
	PORT=$(rand_port)
	CLOSED=$(rand_port "$PORT")
	echo "$PORT" >"$DIR/port"
	echo "$CLOSED" >"$DIR/closed_port"
	echo "$1" >"$DIR/scenario"
	stock_setup
	# shellcheck source=/dev/null
	. "$scen"
	# a scenario may also define its edits as a function
	if command -v scenario_setup >/dev/null 2>&1; then
		scenario_setup
	fi
	check_instance
}

# cmd_start - start DIR; wait until the master listens on the port
cmd_start() {
	[ $# -eq 1 ] || usage
	set_dir "$1"
	[ -f "$ETC/main.cf" ] || die "$DIR: no instance (lab.sh setup first)"
	[ -n "$PORT" ] || die "$DIR/port missing"
	if [ -z "$(master_pid)" ]; then
		postfix -c "$ETC" start >/dev/null 2>&1 ||
		    fail_start "postfix -c $ETC start failed"
	fi
	i=0
	while [ $i -lt $WAIT_TENTHS ]; do
		mp=$(master_pid)
		[ -n "$mp" ] || fail_start "master is not running"
		if ss -Htlnp "( sport = :$PORT )" 2>/dev/null |
		    grep -q "pid=$mp,"; then
			return 0
		fi
		nap
		i=$((i + 1))
	done
	fail_start "127.0.0.1:$PORT not listening after $WAIT_S s"
}

# fail_start - explain a failed start with the maillog tail, then die
fail_start() {
	echo "lab.sh: $DIR: $*" >&2
	tail -n 20 "$DIR/log/maillog" >&2 2>/dev/null || true
	exit 1
}

# cmd_stop - stop DIR; idempotent; kill the master (by PID) after WAIT_S
cmd_stop() {
	[ $# -eq 1 ] || usage
	set_dir "$1"
	[ -f "$ETC/main.cf" ] || return 0
	mp=$(master_pid)
	if [ -n "$mp" ]; then
		postfix -c "$ETC" stop >/dev/null 2>&1 || true
		i=0
		while alive "$mp" && [ $i -lt $WAIT_TENTHS ]; do
			nap
			i=$((i + 1))
		done
		if alive "$mp"; then
			echo "lab.sh: $DIR: master $mp still running, killing" >&2
			kill -KILL "$mp" 2>/dev/null || true
		fi
	fi
	# daemons leave when they see the master gone; wait, then kill
	# whatever of this instance is left, by PID
	i=0
	while [ -n "$(instance_pids)" ] && [ $i -lt 50 ]; do
		nap
		i=$((i + 1))
	done
	left=$(instance_pids)
	if [ -n "$left" ]; then
		echo "lab.sh: $DIR: killing leftover $left" >&2
		# shellcheck disable=SC2086
		kill -KILL $left 2>/dev/null || true
	fi
	return 0
}

# cmd_destroy - stop, then remove DIR (only a directory setup made)
cmd_destroy() {
	[ $# -eq 1 ] || usage
	set_dir "$1"
	[ -e "$DIR" ] || return 0
	cmd_stop "$DIR"
	if [ ! -f "$DIR/.mg-lab-postfix" ] && [ -n "$(ls -A "$DIR")" ]; then
		die "$DIR is not a lab instance; not removing it"
	fi
	rm -rf -- "$DIR"
}

# need_mgsmtp - build the lab client if it is missing
need_mgsmtp() {
	[ -x "$MGSMTP" ] && return 0
	mkdir -p "$(dirname "$MGSMTP")"
	cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wformat=2 -Wshadow \
	    -Wstrict-prototypes -Wmissing-prototypes -Wwrite-strings \
	    -Wpointer-arith -Werror -O2 -o "$MGSMTP" "$REPO/tests/lab/mgsmtp.c"
}

# cmd_fill - fill DIR [mgsmtp options]: mgsmtp against the instance
cmd_fill() {
	[ $# -ge 1 ] || usage
	set_dir "$1"
	shift
	[ -n "$PORT" ] || die "$DIR/port missing"
	need_mgsmtp
	"$MGSMTP" --port "$PORT" "$@"
}

# sasl_pass - a lab SASL user's password from DIR/sasl_users
sasl_pass() {
	sed -n "s/^$1://p" "$DIR/sasl_users"
}

# cmd_fill_incident3 - fill-incident3 DIR [N]: the queue of incident 3,
# N spam messages authenticated as root from 93.122.252.5 to comcast.net
# and about 20 legitimate ones from alice at the office (192.0.2.10)
cmd_fill_incident3() {
	if [ $# -lt 1 ] || [ $# -gt 2 ]; then
		usage
	fi
	set_dir "$1"
	n=${2:-200}
	case $n in
	'' | *[!0-9]*) die "fill-incident3: N must be a number" ;;
	esac
	[ -f "$DIR/sasl_users" ] || die "$DIR: not a sasl-root instance"
	rcpts=""
	for u in jsmith mjones dwilliams kbrown lgarcia rmiller tdavis \
	    pwilson cmoore ataylor janderson bthomas sjackson mwhite \
	    dharris kmartin lthompson rgarcia cmartinez jrobinson sclark \
	    brodriguez klewis mlee dwalker phall jallen cyoung shernandez \
	    tking; do
		rcpts="$rcpts --to $u@comcast.net"
	done
	# shellcheck disable=SC2086
	cmd_fill "$DIR" --xclient-addr 93.122.252.5 \
	    --xclient-name '[UNAVAILABLE]' --helo "[93.122.252.5]" \
	    --auth-plain "root:$(sasl_pass root)" --from root@example.com \
	    $rcpts --spread --count "$n" --subject "Your account statement" \
	    --size 1200
	cmd_fill "$DIR" --xclient-addr 192.0.2.10 \
	    --xclient-name office-gw.example.com --helo office-gw.example.com \
	    --auth-plain "alice:$(sasl_pass alice)" --from alice@example.com \
	    --to orders@supplier.example.org --to info@partner.example.net \
	    --to bob@customer.example --spread --count 20 \
	    --subject "Re: order 4711" --size 800
}

# cmd_flush_wait - wait until incoming and active are empty (mail has
# moved to deferred: the relayhost port is closed)
cmd_flush_wait() {
	[ $# -eq 1 ] || usage
	set_dir "$1"
	i=0
	while [ $i -lt $((WAIT_TENTHS * 2)) ]; do
		if [ -z "$(find "$DIR/spool/incoming" "$DIR/spool/active" \
		    "$DIR/spool/maildrop" -type f 2>/dev/null | head -n 1)" ]
		then
			return 0
		fi
		nap
		i=$((i + 1))
	done
	die "$DIR: queue still busy after $((WAIT_S * 2)) s"
}

# cmd_status - running or not, port, scenario
cmd_status() {
	[ $# -eq 1 ] || usage
	set_dir "$1"
	mp=$(master_pid)
	echo "$DIR: scenario $(cat "$DIR/scenario" 2>/dev/null) port" \
	    "${PORT:-?} master ${mp:-stopped}"
	[ -n "$mp" ]
}

# cmd_leftovers - leftovers ROOT: processes of any instance under ROOT
# (by MAIL_CONFIG, which pgrep -f cannot see); exit 1 if there are any
cmd_leftovers() {
	[ $# -eq 1 ] || usage
	root=${1%/}/
	found=$(grep -lszF "MAIL_CONFIG=$root" /proc/[0-9]*/environ \
	    2>/dev/null | sed 's|^/proc/||; s|/environ$||' | grep -vx "$$" ||
	    true)
	[ -z "$found" ] && return 0
	for p in $found; do
		printf '%s %s\n' "$p" "$(tr '\0' ' ' <"/proc/$p/cmdline" \
		    2>/dev/null)"
	done
	return 1
}

# cmd_list - scenarios and the first line of their header comment
cmd_list() {
	for f in "$LAB"/scenarios/*.sh; do
		name=$(basename "$f" .sh)
		desc=$(sed -n '1s/^# *[^ ]* - //p' "$f")
		printf '%-20s %s\n' "$name" "$desc"
	done
}

[ $# -ge 1 ] || usage
cmd=$1
shift
case $cmd in
setup) cmd_setup "$@" ;;
start) cmd_start "$@" ;;
stop) cmd_stop "$@" ;;
destroy) cmd_destroy "$@" ;;
fill) cmd_fill "$@" ;;
fill-incident3) cmd_fill_incident3 "$@" ;;
flush-wait) cmd_flush_wait "$@" ;;
status) cmd_status "$@" ;;
leftovers) cmd_leftovers "$@" ;;
list) cmd_list ;;
*) usage ;;
esac
