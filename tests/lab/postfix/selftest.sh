#!/bin/sh
# selftest.sh - every lab scenario against real Postfix: setup, start, the
# SMTP verdicts each scenario promises, the incident-3 queue, stop,
# destroy.  One line per assertion; the last line is "N passed, N failed".
# Every instance is destroyed on any exit; no process may be left behind.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../.." && pwd)
LAB=$HERE/lab.sh
MGSMTP=${MGSMTP:-$REPO/build/lab/mgsmtp}
export MGSMTP

LABROOT=$(mktemp -d /tmp/mg-lab.XXXXXX) || exit 1
pass=0
fail=0
instances=""

# cleanup - destroy every instance started here, then the root
cleanup() {
	for d in $instances; do
		sh "$LAB" destroy "$d" >/dev/null 2>&1 || true
	done
	instances=""
	rm -rf "$LABROOT"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# ok - record one assertion: ok DESCRIPTION COMMAND...
ok() {
	desc=$1
	shift
	if "$@"; then
		pass=$((pass + 1))
		echo "ok   - $desc"
	else
		fail=$((fail + 1))
		echo "FAIL - $desc"
	fi
}

# eq - WANT GOT, saying what it got when they differ
eq() {
	[ "$1" = "$2" ] && return 0
	echo "       want '$1', got '$2'"
	return 1
}

# lab - lab.sh, quiet unless it fails
lab() {
	out=$(sh "$LAB" "$@" 2>&1) && return 0
	echo "$out" | sed 's/^/       /'
	return 1
}

# new_instance - setup SCENARIO; sets D
new_instance() {
	D=$LABROOT/$1
	instances="$instances $D"
	ok "$1: setup (postfix check passes)" lab setup "$1" "$D"
	ok "$1: start, listening on its port" lab start "$D"
}

# end_instance - stop (twice: idempotent) and destroy D
end_instance() {
	mp=$(tr -dc 0-9 <"$D/spool/pid/master.pid" 2>/dev/null)
	ok "$(basename "$D"): stop" lab stop "$D"
	ok "$(basename "$D"): master $mp gone" \
	    sh -c "[ -n '$mp' ] && { grep -q '^State:.*Z' /proc/$mp/status \
	    2>/dev/null || [ ! -e /proc/$mp/status ]; }"
	ok "$(basename "$D"): stop again is a no-op" lab stop "$D"
	ok "$(basename "$D"): destroy" lab destroy "$D"
	ok "$(basename "$D"): directory removed" test ! -e "$D"
}

# rcpt - the RCPT reply code of D for CLIENT FROM TO (XCLIENT ADDR)
rcpt() {
	sh "$LAB" fill "$1" --xclient-addr "$2" --from "$3" --to "$4" \
	    --rcpt-only 2>&1 | tee "$LABROOT/last" |
	    sed -n 's/^\(RCPT\|MAIL\) .* -> \([0-9]*\) .*/\2/p' | head -n 1
}

# expect_rcpt - assert the RCPT code (and optionally text) of a session
expect_rcpt() {
	code=$(rcpt "$D" "$1" "$2" "$3")
	ok "$(basename "$D"): $1 MAIL $2 RCPT $3 -> $4" eq "$4" "$code"
	if [ $# -ge 5 ]; then
		ok "$(basename "$D"): ... reply says '$5'" \
		    grep -qF "$5" "$LABROOT/last"
	fi
}

# maillog_has - fixed string in D's maillog
maillog_has() {
	grep -qF "$1" "$D/log/maillog"
}

# queue_count - number of queue entries matching a jq filter
queue_count() {
	postqueue -c "$D/etc" -j | jq -s "[.[] | select($1)] | length"
}

# postcat_count - queue files whose envelope has the exact record
postcat_count() {
	find "$D/spool/deferred" "$D/spool/active" -type f -print0 |
	    xargs -0 -r postcat -c "$D/etc" -e 2>/dev/null |
	    grep -cx "named_attribute: $1"
}

echo "== lab root $LABROOT"

# stock: Debian's configuration refuses relay from outside
new_instance stock
ok "stock: mynetworks as Debian writes it" grep -qx \
    'mynetworks = 127.0.0.0/8 \[::ffff:127.0.0.0\]/104 \[::1\]/128' \
    "$D/etc/main.cf"
expect_rcpt 210.99.1.1 spam@bulk.test victim@remote.test 454 \
    "Relay access denied"
expect_rcpt 127.0.0.1 cron@example.com someone@remote.test 250
expect_rcpt 198.51.100.9 x@other.test root@localhost 250
ok "stock: fill 5 messages from 127.0.0.1" lab fill "$D" \
    --from cron@example.com --to ops@remote.test --count 5
ok "stock: flush-wait" lab flush-wait "$D"
ok "stock: 5 deferred, relayhost refused" eq 5 "$(queue_count \
    '.queue_name == "deferred" and (.recipients[0].delay_reason |
    test("Connection refused"))')"
ok "stock: postqueue -p as root on -c DIR" sh -c \
    "postqueue -c '$D/etc' -p | grep -q 'in 5 Requests'"
end_instance

# mask-typo: host bits in two /8 entries
new_instance mask-typo
ok "mask-typo: main.cf has the typo line" grep -q \
    '^mynetworks = .*210\.140\.12\.34/8 218\.45\.6\.7/8$' "$D/etc/main.cf"
expect_rcpt 210.1.2.3 spam@bulk.test victim@remote.test 451 \
    "Temporary lookup failure"
expect_rcpt 210.140.12.34 spam@bulk.test victim@remote.test 451
expect_rcpt 198.51.100.9 spam@bulk.test victim@remote.test 451
expect_rcpt 198.51.100.9 friend@other.test postmaster@example.com 451
expect_rcpt 192.168.1.5 spam@bulk.test victim@remote.test 250
ok "mask-typo: smtpd warns about the host bits" maillog_has \
    'warning: mynetworks: non-null host address bits in "210.140.12.34/8", perhaps you should use "210.0.0.0/8" instead'
end_instance

# wide-net: two public /8 trusted
new_instance wide-net
expect_rcpt 210.99.1.1 spam@bulk.test victim@remote.test 250
expect_rcpt 218.1.2.3 spam@bulk.test victim@remote.test 250
expect_rcpt 198.51.100.9 spam@bulk.test victim@remote.test 454 \
    "Relay access denied"
end_instance

# private-net: a private /12 trusted
new_instance private-net
expect_rcpt 172.20.1.1 spam@bulk.test victim@remote.test 250
expect_rcpt 198.51.100.9 spam@bulk.test victim@remote.test 454 \
    "Relay access denied"
end_instance

# docker-net: the docker bridge network trusted
new_instance docker-net
expect_rcpt 172.17.0.1 spam@bulk.test victim@remote.test 250
end_instance

# xclient-wide: XCLIENT for a /24 besides the lab's own client
new_instance xclient-wide
ok "xclient-wide: the grant in main.cf" grep -qx \
    'smtpd_authorized_xclient_hosts = 127.0.0.1 192.0.2.0/24' \
    "$D/etc/main.cf"
expect_rcpt 127.0.0.1 cron@example.com someone@remote.test 250
expect_rcpt 198.51.100.9 spam@bulk.test victim@remote.test 454
end_instance

# virtual-noalias: root@localhost unknown in the virtual mailbox table
new_instance virtual-noalias
expect_rcpt 198.51.100.9 denyhosts@example.com root@localhost 550 \
    "550 5.1.1 <root@localhost>: Recipient address rejected: User unknown in virtual mailbox table"
expect_rcpt 127.0.0.1 cron@example.com postmaster@example.com 550
expect_rcpt 198.51.100.9 friend@other.test alice@example.com 250
ok "virtual-noalias: /etc/aliases copy still has root" \
    grep -q '^root:' "$D/etc/aliases"
end_instance

# relay-in-recipient: sender whitelist before reject_unauth_destination
new_instance relay-in-recipient
expect_rcpt 198.51.100.9 x@example.com victim@remote.test 250
expect_rcpt 198.51.100.9 x@other.test victim@remote.test 554 \
    "Relay access denied"
end_instance

# sasl-root: the queue of incident 3
new_instance sasl-root
ok "sasl-root: sasldb readable by postfix only" eq "-rw-r----- postfix" \
    "$(stat -c '%A %G' "$D/etc/sasldb2")"
ok "sasl-root: wrong password refused (mgsmtp exit 1)" sh -c \
    "! sh '$LAB' fill '$D' --auth-plain root:wrong --from a@example.com \
    --to b@comcast.net --rcpt-only >/dev/null 2>&1"
ok "sasl-root: fill-incident3 50" sh -c "sh '$LAB' fill-incident3 '$D' 50 |
    tr '\n' ' ' | grep -qx 'sent 50 accepted 50 sent 20 accepted 20 '"
ok "sasl-root: XCLIENT LOGIN=bob (no AUTH) accepted" lab fill "$D" \
    --xclient-addr 203.0.113.7 --xclient-login bob --from bob@example.com \
    --to x@remote.test
ok "sasl-root: flush-wait" lab flush-wait "$D"
ok "sasl-root: 71 messages deferred" eq 71 \
    "$(queue_count '.queue_name == "deferred"')"
ok "sasl-root: 50 from root@example.com, all to comcast.net" eq 50 \
    "$(queue_count '.sender == "root@example.com" and
    all(.recipients[]; .address | endswith("@comcast.net"))')"
ok "sasl-root: postcat: 50 x sasl_username=root" eq 50 \
    "$(postcat_count 'sasl_username=root')"
ok "sasl-root: postcat: 20 x sasl_username=alice" eq 20 \
    "$(postcat_count 'sasl_username=alice')"
ok "sasl-root: postcat: 70 x sasl_method=PLAIN" eq 70 \
    "$(postcat_count 'sasl_method=PLAIN')"
ok "sasl-root: postcat: XCLIENT LOGIN gives sasl_method=XCLIENT" eq 1 \
    "$(postcat_count 'sasl_method=XCLIENT')"
ok "sasl-root: postcat: 50 x client_address=93.122.252.5" eq 50 \
    "$(postcat_count 'client_address=93.122.252.5')"
ok "sasl-root: maillog names root" maillog_has \
    'client=unknown[93.122.252.5], sasl_method=PLAIN, sasl_username=root'
end_instance

cleanup
left=$(pgrep -a -f "$LABROOT" || true)
ok "no process names $LABROOT (pgrep -f)" eq "" "$left"
ok "no process has MAIL_CONFIG under $LABROOT" sh "$LAB" leftovers "$LABROOT"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
