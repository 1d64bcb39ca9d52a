#!/bin/sh
# test_console.sh - the console end to end: the real binary in a private
# tmux server (its own socket, never the user's tmux), 80x24 unless a case
# resizes, against lab Postfix configurations that are set up but never
# started.  Every wait polls the screen with a bound; no fixed sleeps.
#
# usage: sh tests/e2e/test_console.sh     (MG_BIN=path overrides the binary;
#        MG_E2E_CASES="inc qscan" runs only those groups of cases)
# Last line: "N passed, N failed"; exit 1 when anything failed.
set -u

cd "$(dirname "$0")/../.." || exit 1
REPO=$(pwd)
BIN=${MG_BIN:-$REPO/mailguard-tui}
LAB=$REPO/tests/lab/postfix/lab.sh
EXIM_LAB=$REPO/tests/lab/exim/lab.sh
EXIM_BIN=$REPO/build/exim/root/usr/sbin/exim4
SOCK=mg-e2e-$$
# where tmux -L puts it; the server leaves the socket file behind
SOCK_PATH=${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK
# per wait: 30 s, for a CI machine shared with other builds (a wait ends
# as soon as the screen shows what it waits for; the bound costs nothing)
WAIT_TENTHS=${MG_E2E_WAIT_TENTHS:-300}
ESC=$(printf '\033')
BEL=$(printf '\007')
# An SGR that sets a colour: 30-38, 40-48, 90-97, 100-107 among its
# parameters (tmux writes 39 and 49, the defaults, after every cell run).
SGR_COLOUR="$ESC\\[([0-9]*;)*(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9]*)*m"

pass=0
fail=0
ROOT=
SCR=

# The panes inherit this environment: a known UTF-8 locale, colours on
# unless a case asks for NO_COLOR, and no link to a tmux we may run inside.
LC_ALL=C.UTF-8
export LC_ALL
unset NO_COLOR TMUX TMUX_PANE

# tm - tmux on the private server; no configuration file is read
tm() {
	tmux -L "$SOCK" -f /dev/null "$@"
}

# cleanup - the private tmux server, the lab instances, the root; quiet,
# safe to run twice; 1 when something is left
cleanup() {
	[ -n "$ROOT" ] || return 0
	tm kill-server >/dev/null 2>&1
	if [ -S "$SOCK_PATH" ] && ! tm list-sessions >/dev/null 2>&1; then
		rm -f -- "$SOCK_PATH"
	fi
	for d in "$ROOT"/lab-*; do
		[ -d "$d" ] && sh "$LAB" destroy "$d" >/dev/null 2>&1
	done
	rm -rf -- "$ROOT"
	[ ! -e "$ROOT" ]
}

# ok, nok - count one assertion; nok shows the last screen read
ok() {
	pass=$((pass + 1))
	echo "ok - $1"
}
nok() {
	fail=$((fail + 1))
	echo "FAIL - $1"
	if [ -n "$SCR" ] && [ -s "$SCR" ]; then
		sed 's/^/    | /' "$SCR"
	fi
}

# check DESC CMD... - one assertion: CMD succeeds
check() {
	desc=$1
	shift
	if "$@"; then
		ok "$desc"
	else
		nok "$desc"
	fi
}

# nap - a tenth of a second between polls (GNU sleep takes fractions)
nap() {
	sleep 0.1
}

# snap NAME [capture-pane options] - the pane's screen into $SCR
snap() {
	n=$1
	shift
	SCR=$ROOT/screen
	tm capture-pane -p "$@" -t "$n" >"$SCR" 2>/dev/null || : >"$SCR"
}

# wait_until NAME PRED [capture options] - poll until PRED (a command
# run on the fresh $SCR) holds on a screen that stayed the same for one
# poll (tmux may show a frame half written); 1 after WAIT_TENTHS
wait_until() {
	wn=$1
	wp=$2
	shift 2
	: >"$ROOT/screen.prev"
	i=0
	while [ $i -lt "$WAIT_TENTHS" ]; do
		snap "$wn" "$@"
		if cmp -s "$SCR" "$ROOT/screen.prev" && $wp; then
			return 0
		fi
		cp "$SCR" "$ROOT/screen.prev"
		nap
		i=$((i + 1))
	done
	return 1
}

# has RE, hasnt RE, has_fixed TEXT, has_all RE... - predicates on $SCR
has() {
	grep -Eq -- "$1" "$SCR"
}
hasnt() {
	! grep -Eq -- "$1" "$SCR"
}
has_fixed() {
	grep -Fq -- "$1" "$SCR"
}
has_all() {
	for re in "$@"; do
		has "$re" || return 1
	done
}

# line N - line N of $SCR; line_has N RE, line_hasnt N RE - it matches
line() {
	sed -n "${1}p" "$SCR"
}
line_has() {
	line "$1" | grep -Eq -- "$2"
}
line_hasnt() {
	! line_has "$@"
}

# contains STR PART, ends_with STR PART - plain text, no patterns
contains() {
	case $1 in
	*"$2"*) return 0 ;;
	esac
	return 1
}
ends_with() {
	case $1 in
	*"$2") return 0 ;;
	esac
	return 1
}

# same A B - A is not empty and equals B
same() {
	[ -n "$1" ] && [ "$1" = "$2" ]
}

# wait_for NAME RE [capture options] - poll until the screen matches RE
wait_for() {
	wn=$1
	WANT=$2
	shift 2
	wait_until "$wn" want_re "$@"
}
want_re() {
	has "$WANT"
}

# wait_gone NAME RE - poll until the screen no longer matches RE
wait_gone() {
	WANT=$2
	wait_until "$1" want_not_re
}
want_not_re() {
	hasnt "$WANT"
}

# expect NAME DESC RE [capture options] - one assertion: the screen
# comes to match RE; expect_gone NAME DESC RE: comes not to match it
expect() {
	en=$1
	ed=$2
	shift 2
	if wait_for "$en" "$@"; then
		ok "$ed"
	else
		nok "$ed"
	fi
}
expect_gone() {
	if wait_gone "$1" "$3"; then
		ok "$2"
	else
		nok "$2"
	fi
}

# expect_until NAME DESC PRED [capture options] - one assertion: PRED
# comes to hold (wait_until)
expect_until() {
	en=$1
	ed=$2
	shift 2
	if wait_until "$en" "$@"; then
		ok "$ed"
	else
		nok "$ed"
	fi
}

# start NAME COLS ROWS CMD... - CMD in a new detached session; its exit
# status lands in $ROOT/exit.NAME when it ends, then the session closes
start() {
	sn=$1
	sx=$2
	sy=$3
	shift 3
	rm -f "$ROOT/exit.$sn"
	# When the last session has just closed, the tmux server is on its
	# way out and a new-session may reach it dying ("server exited
	# unexpectedly"): asked again, bounded, it starts a new server.
	si=0
	until tm new-session -d -s "$sn" -x "$sx" -y "$sy" \
	    sh "$ROOT/run.sh" "$ROOT/exit.$sn" "$@" 2>"$ROOT/tmux.err"; do
		tm has-session -t "=$sn" 2>/dev/null && return 0
		si=$((si + 1))
		if [ "$si" -ge "$WAIT_TENTHS" ]; then
			cat "$ROOT/tmux.err" >&2
			return 1
		fi
		nap
	done
}

# session_gone - the command of session $GONE ended and the session closed
session_gone() {
	[ -s "$ROOT/exit.$GONE" ] && ! tm has-session -t "=$GONE" 2>/dev/null
}

# quit_status NAME KEY WANT - press KEY, wait for the session to close,
# compare the exit status with WANT
quit_status() {
	GONE=$1
	tm send-keys -t "$1" "$2"
	i=0
	while [ $i -lt "$WAIT_TENTHS" ] && ! session_gone; do
		nap
		i=$((i + 1))
	done
	SCR=
	if ! session_gone; then
		nok "$1: '$2' ends the process and closes the session"
		tm kill-session -t "=$1" 2>/dev/null
		return
	fi
	ok "$1: '$2' ends the process and closes the session"
	got=$(cat "$ROOT/exit.$1")
	check "$1: exit status $3 ($got)" [ "$got" = "EXIT=$3" ]
}

# joined PREFIX - a chopped line of the detail rejoined from a capture
# taken with -N (trailing spaces kept): the line starting "  PREFIX" and
# the continuation lines indented by 3, without their indent
joined() {
	awk -v p="$1" '
	    j && /^   / { s = s substr($0, 4); next }
	    j { exit }
	    index($0, "  " p) == 1 { s = substr($0, 3); j = 1 }
	    END { sub(/ +$/, "", s); print s }' "$SCR"
}

# flat_has TEXT - the screen, word wrap undone (flat), holds TEXT
flat_has() {
	flat | grep -Fq -- "$1"
}
flat_has_re() {
	flat | grep -Eq -- "$1"
}

# flat - the screen as one line, runs of blanks as one space (word wrap
# is undone: a phrase wrapped over two lines reads as written)
flat() {
	tr '\n' ' ' <"$SCR" | tr -s ' '
}

# fits W H - the capture (-J: lines the terminal wrapped are joined) has
# H lines none wider than W, and the footer on the last line
fits() {
	[ "$(wc -l <"$SCR")" -eq "$2" ] && [ "$(wc -L <"$SCR")" -le "$1" ] &&
	    line_has "$2" 'q quit'
}

# lab_setup NAME SCENARIO - a lab instance in $ROOT/lab-NAME
lab_setup() {
	if sh "$LAB" setup "$2" "$ROOT/lab-$1" >"$ROOT/setup.log" 2>&1; then
		ok "lab setup $2"
		return 0
	fi
	SCR=$ROOT/setup.log
	nok "lab setup $2"
	return 1
}

# entry_on_line N FILE - line N of FILE is the mynetworks line holding
# the 210.140.12.34/8 entry
entry_on_line() {
	[ -n "$1" ] && sed -n "${1}p" "$2" |
	    grep -Eq '^mynetworks *=.* 210\.140\.12\.34/8( |$)'
}

# ---------------------------------------------------------------------

# --- mask-typo at 80x24: overview, detail, back, help, quit ----------
case_mask_typo() {
	etc=$ROOT/lab-mt/etc
	start mt 80 24 "$BIN" --postfix "$etc"
	if ! wait_for mt '^> CRIT'; then
		nok "mt: overview shown"
		tm kill-session -t "=mt" 2>/dev/null
		return
	fi
	check "mt: header names postfix and 1 critical" \
	    line_has 1 'postfix [0-9].* 1 (critical|CRIT)'
	# All 5: with postfix.tls.old-protocols-opportunistic (TLS, info: port
	# 25 STARTTLS with Postfix 3.7's default >=TLSv1) and
	# postfix.smtpd.smuggling (Server, info: a loopback-only listener)
	check "mt: the panel tabs, All shown" \
	    line_has 2 '^\[1 All 5\] 2 Relay 1 +3 Aliases 1 +4 SASL 0 +5 TLS 1 +6 Server 2 +7 Queue'
	# Postfix 3.x tempfails past the typo: an outage, not a trusted /8
	check "mt: first finding is the critical mynetworks one" \
	    line_has 4 '^> CRIT +relay +mynetworks has a mask typo: mail from outside'
	snap mt -e
	check "mt: colour control: colours are on without NO_COLOR" \
	    has "$SGR_COLOUR"

	tm send-keys -t mt Enter
	expect mt "mt: Enter opens the detail" '^Evidence'
	check "mt: detail shows 210.140.12.34/8" has_fixed "210.140.12.34/8"
	ev=$(flat |
	    grep -Eo 'main\.cf:[0-9]+: mynetworks entry 210\.140\.12\.34/8 ' |
	    head -n 1 | sed 's/^main\.cf:\([0-9]*\):.*/\1/')
	check "mt: evidence main.cf:${ev:-?} holds the 210.140.12.34/8 entry" \
	    entry_on_line "$ev" "$etc/main.cf"

	# the fix preview is below the fold at 24 rows: End, then rejoin the
	# line chop cut at 80 columns and compare it with "report"
	want=$("$BIN" --postfix "$etc" report 2>/dev/null |
	    sed -n 's/^ *\(+mynetworks = .*\)$/\1/p' | head -n 1)
	tm send-keys -t mt End
	wait_for mt '^  \+mynetworks' -N
	got=$(joined +mynetworks)
	check "mt: fix preview +mynetworks narrows to 210.140.12.34/32" \
	    contains "$got" " 210.140.12.34/32"
	check "mt: preview line, rejoined, is the report's line" \
	    same "$want" "$got"

	tm send-keys -t mt Escape
	expect mt "mt: Esc returns to the overview" '^  SEV +AREA +FINDING'
	check "mt: selection kept on the critical finding" line_has 4 '^> CRIT'

	tm send-keys -t mt '?'
	expect mt "mt: ? shows the help" 'Keys: Findings'
	check "mt: help lists the keys" \
	    has_all "this help" "quit" "any key closes the help"
	tm send-keys -t mt x
	expect_gone mt "mt: any key closes the help" 'Keys:|any key closes'
	check "mt: overview back after the help" has '^> CRIT +relay'

	# the / filter, the panels, the Fixes panel's export
	tm send-keys -t mt /
	expect mt "mt: / opens the filter in the footer" '^filter:'
	tm send-keys -t mt -l 'typo'
	tm send-keys -t mt Enter
	expect mt "mt: the filter keeps the matching finding only" \
	    '^> CRIT +relay +mynetworks has a mask typo'
	check "mt: the filtered-out findings are gone" hasnt '^[> ] INFO '
	tm send-keys -t mt /
	tm send-keys -t mt C-u Enter
	expect mt "mt: an empty filter shows all again" '^[> ] CRIT +relay'
	tm send-keys -t mt Tab
	expect mt "mt: Tab: the Relay panel" '^ 1 All 5 \[2 Relay 1\]'
	check "mt: the Relay panel has the relay findings only" \
	    hasnt '^  INFO +(aliases|smtpd)'
	tm send-keys -t mt Tab
	expect mt "mt: Tab: the Aliases panel" '\[3 Aliases 1\]'
	check "mt: the Aliases panel has its finding" has '^> INFO +aliases '
	tm send-keys -t mt 5
	expect mt "mt: 5: the TLS panel" '\[5 TLS 1\]'
	check "mt: the TLS panel has the TLS finding only" \
	    has '^> INFO +tls +Opportunistic STARTTLS'
	check "mt: no other area on the TLS panel" \
	    hasnt '^  [A-Z]+ +(relay|aliases|smtpd|sasl) '
	tm send-keys -t mt 6
	expect mt "mt: 6: the Server panel" '\[6 Server 2\]'
	check "mt: the Server panel has smuggling and hygiene" \
	    has_all 'SMTP smuggling is possible' 'smtpd hygiene'
	tm send-keys -t mt 8
	expect mt "mt: 8: the Fixes panel" '^>\[ \] postfix\.mynetworks\.narrow'
	tm send-keys -t mt Space
	expect mt "mt: Space marks the fix" '^ ?\[x\] postfix\.mynetworks\.narrow'
	tm send-keys -t mt x
	expect mt "mt: x asks where to write the patch" \
	    '^marked fixes to: .*mailguard-fixes-[0-9-]+\.patch'
	tm send-keys -t mt C-u
	tm send-keys -t mt -l "$ROOT/fixes.patch"
	tm send-keys -t mt Enter
	expect mt "mt: the patch is written, nothing applied" \
	    'patch with 1 fix written \(nothing applied\)'
	check "mt: the patch narrows mynetworks" grep -q \
	    '^+mynetworks = .*210\.140\.12\.34/32' "$ROOT/fixes.patch"
	check "mt: the patch has only the marked fix" \
	    [ "$(grep -c '^@@' "$ROOT/fixes.patch")" -eq 1 ]
	check "mt: the patch is mode 600" \
	    [ "$(stat -c %a "$ROOT/fixes.patch")" = 600 ]
	check "mt: main.cf untouched by the export" \
	    grep -q '^mynetworks = .*210\.140\.12\.34/8' "$ROOT/lab-mt/etc/main.cf"
	tm send-keys -t mt 1
	expect mt "mt: 1: back to All" '^\[1 All 5\]'
	quit_status mt q 0
}

# relay_code DIR CLIENT RE - real Postfix's RCPT reply to CLIENT (XCLIENT)
# for a foreign recipient matches RE
relay_code() {
	got=$("$REPO/build/lab/mgsmtp" --port "$(cat "$1/port")" \
	    --xclient-addr "$2" --from a@remote.test --to victim@remote.test \
	    --rcpt-only 2>&1 | sed -n 's/.*-> //p')
	echo "    RCPT victim@remote.test from $2: $got"
	echo "$got" | grep -Eq -- "$3"
}

# --- the live check fails after the reload (test hook): the console
# says the old configuration is back, and it is -----------------------
case_restore() {
	sum=$(md5sum <"$1/etc/main.cf")
	start gf 80 24 env MAILGUARD_TEST_FAIL_LIVE=1 "$BIN" \
	    --postfix "$1/etc" --state "$1/state"
	if ! wait_for gf '^> CRIT'; then
		nok "gf: overview shown"
		tm kill-session -t "=gf" 2>/dev/null
		return
	fi
	tm send-keys -t gf H
	expect gf "gf: H starts guided hardening" '^Guided hardening: finding 1'
	tm send-keys -t gf a
	old=$WAIT_TENTHS
	WAIT_TENTHS=900
	expect gf "gf: the failed live check is undone" \
	    '^FAILED after installing, then undone'
	WAIT_TENTHS=$old
	check "gf: it says the old configuration is reloaded, server as before" \
	    flat_has 'the old configuration is reloaded: the server runs as before this apply'
	check "gf: main.cf is as before" \
	    same "$sum" "$(md5sum <"$1/etc/main.cf")"
	check "gf: Postfix answers as before: 210.1.2.3 gets 451" \
	    relay_code "$1" 210.1.2.3 '^451'
	tm send-keys -t gf g
	wait_for gf '^fix postfix\.mynetworks\.narrow: failed' >/dev/null
	check "gf: the header says the old configuration is back" \
	    flat_has 'narrow: failed after installing; the old configuration is back'
	tm kill-session -t "=gf" 2>/dev/null
}

# --- guided hardening on the started mask-typo lab: H, edit the value,
# apply; real Postfix judges the result ---------------------------------
case_guided() {
	d=$ROOT/lab-gh
	if ! sh "$LAB" start "$d" >"$ROOT/start.log" 2>&1; then
		SCR=$ROOT/start.log
		nok "gh: lab Postfix started"
		return
	fi
	ok "gh: lab Postfix started"
	SCR=
	check "gh: before: 210.1.2.3 gets 451 (the typo breaks the lookup)" \
	    relay_code "$d" 210.1.2.3 '^451'
	case_restore "$d"
	start gh 80 24 "$BIN" --postfix "$d/etc" --state "$d/state"
	if ! wait_for gh '^> CRIT'; then
		nok "gh: overview shown"
		tm kill-session -t "=gh" 2>/dev/null
		return
	fi
	tm send-keys -t gh H
	expect gh "gh: H starts guided hardening on the worst finding" \
	    '^Guided hardening: finding 1 of [0-9]'
	check "gh: guided keys in the footer" \
	    line_has 24 'a apply +e edit +s skip'
	check "gh: the critical mynetworks finding comes first" \
	    has '^CRITICAL +area relay +id postfix\.mynetworks\.'

	# a value that keeps a hole the proposal's probes do not ask about
	# (a public /16 around the second host written): the staged
	# configuration, read back and checked, refuses it; main.cf stays
	sum=$(md5sum <"$d/etc/main.cf")
	tm send-keys -t gh e
	expect gh "gh: e opens the value in the footer" '^mynetworks = '
	tm send-keys -t gh C-u
	tm send-keys -t gh -l '127.0.0.0/8 210.140.12.34/32 218.45.0.0/16'
	tm send-keys -t gh Enter
	tm send-keys -t gh a
	old=$WAIT_TENTHS
	WAIT_TENTHS=900
	expect gh "gh: a value keeping a hole is refused on the stage" \
	    '^REFUSED, nothing changed'
	WAIT_TENTHS=$old
	check "gh: real Postfix on the stage shows the hole kept open" \
	    flat_has_re '(218\.45\.0\.1: MAIL FROM:<> RCPT TO:<mailguard-probe@example\.net> -> 250 2\.1\.5 Ok - (STILL OPEN|OPENED))|(OPENED: not accepted before the change, accepted after it \(before the change: 451 4\.3\.0)|(accepted after it \(before the change: 451 4\.3\.0)'
	check "gh: the refusal says the hole stays, in words" \
	    flat_has 'still leaves "mynetworks trusts public address space"'
	check "gh: the refusal names a value that would pass" \
	    flat_has '(the proposal) would pass'
	check "gh: main.cf untouched after the refusal" \
	    same "$sum" "$(md5sum <"$d/etc/main.cf")"
	tm send-keys -t gh g
	expect gh "gh: the header says refused, not a status number" \
	    'fix postfix\.mynetworks\.narrow: refused, nothing changed'
	tm send-keys -t gh Enter
	tm send-keys -t gh Escape
	expect gh "gh: back on the findings" '^  SEV +AREA +FINDING'
	tm send-keys -t gh H
	expect gh "gh: H starts the walk again" \
	    '^Guided hardening: finding 1 of [0-9]'

	# edit the proposed value otherwise: keep the first host written,
	# drop the second, trust one more host of our own
	tm send-keys -t gh e
	expect gh "gh: e opens the value in the footer" '^mynetworks = '
	tm send-keys -t gh C-u
	tm send-keys -t gh -l '127.0.0.0/8 210.140.12.34/32 203.0.113.5/32'
	tm send-keys -t gh Enter
	tm send-keys -t gh End
	expect gh "gh: the diff shows the edited value" \
	    '^  \+mynetworks = 127\.0\.0\.0/8 210\.140\.12\.34/32 203\.0\.113\.5/32 *$'

	tm send-keys -t gh a
	expect gh "gh: a starts the apply, validation shown" '^validating on '
	old=$WAIT_TENTHS
	WAIT_TENTHS=900		# validation, proof, reload, live proof
	expect gh "gh: the engine's result: applied, reloaded and verified" \
	    '^applied, reloaded and verified'
	WAIT_TENTHS=$old
	check "gh: the stage proof was shown (hole closed)" \
	    has 'Relay access denied - closed'
	check "gh: main.cf holds the edited value" grep -Eq \
	    '^mynetworks = 127\.0\.0\.0/8 210\.140\.12\.34/32 203\.0\.113\.5/32$' \
	    "$d/etc/main.cf"
	check "gh: postconf reads the edited value" same \
	    "$(postconf -c "$d/etc" -h mynetworks)" \
	    '127.0.0.0/8 210.140.12.34/32 203.0.113.5/32'
	check "gh: after: lab Postfix refuses relay from 210.1.2.3" \
	    relay_code "$d" 210.1.2.3 '^(454|554)'
	check "gh: after: 218.45.6.7 (edited out) is refused" \
	    relay_code "$d" 218.45.6.7 '^(454|554)'
	check "gh: after: 210.140.12.34 (the host meant) still relays" \
	    relay_code "$d" 210.140.12.34 '^250'
	check "gh: after: 203.0.113.5 (the host added) relays" \
	    relay_code "$d" 203.0.113.5 '^250'
	tm send-keys -t gh Enter
	expect gh "gh: Enter reads again and goes on" \
	    '^Guided hardening: finding 2 of|guided hardening done'
	check "gh: no critical or high finding is left (header)" \
	    line_hasnt 1 'critical|high|CRIT|HIGH'
	tm send-keys -t gh Escape
	expect gh "gh: Esc leaves guided hardening" '^  SEV +AREA +FINDING'
	quit_status gh q 0
	"$BIN" --postfix "$d/etc" --state "$d/state" journal >"$ROOT/journal"
	SCR=$ROOT/journal
	check "gh: the journal holds the fix" \
	    grep -q 'fix postfix.mynetworks.narrow' "$ROOT/journal"
	sh "$LAB" stop "$d" >/dev/null 2>&1
}

# --- guided hardening walks every finding with a fix: on Postfix's
# sasl-submission (Debian's submission block: issue 19's sender check,
# rate limit, TLS floor and smuggling findings) and Exim's auth-port25
# (sender check, rate limit, AUTH on port 25), each area's panel counts
# report --json's findings of that area, and H shows, one by one with s,
# exactly the findings "report --json" gives a fix, each once -----------

# walk_counts GOT SAID WANT - the walk offered WANT findings and said so
walk_counts() {
	[ "$1" -eq "$3" ] && [ "$2" = "$3" ]
}

# case_walk NAME RE MTA-OPTION... - the walk on that configuration; RE
# picks issue 19's ids among those with a fix (at least 3 wanted)
case_walk() {
	wn=$1
	wre=$2
	shift 2
	st=$ROOT/state-$wn
	MAILGUARD_NO_DNS=1 "$BIN" "$@" --state "$st" \
	    report --json >"$ROOT/$wn.json" 2>"$ROOT/$wn.err"
	python3 -c 'import json, sys
for f in json.load(sys.stdin)["findings"]:
    if f.get("fixes"):
        print(f["id"])' <"$ROOT/$wn.json" | sort >"$ROOT/$wn.want"
	nwant=$(wc -l <"$ROOT/$wn.want")
	n19=$(grep -Ec "$wre" "$ROOT/$wn.want")
	SCR=$ROOT/$wn.want
	check "$wn: report --json gives $nwant findings a fix, $n19 of issue 19" \
	    [ "$n19" -ge 3 ]
	start "$wn" 80 24 env MAILGUARD_NO_DNS=1 "$BIN" "$@" --state "$st"
	if ! wait_for "$wn" '^> [A-Z]+ +[a-z]+ '; then
		nok "$wn: overview shown"
		tm kill-session -t "=$wn" 2>/dev/null
		return
	fi
	# each finding in its area's panel: the tab's count is report
	# --json's for that area, and the areas' counts add up to All's
	python3 -c 'import json, sys
n = {}
for f in json.load(sys.stdin)["findings"]:
    n[f["area"]] = n.get(f["area"], 0) + 1
for a in ("relay", "aliases", "sasl", "tls", "smtpd", "queue"):
    print(a, n.pop(a, 0))
print("other", sum(n.values()))' <"$ROOT/$wn.json" >"$ROOT/$wn.areas"
	nall=$(python3 -c 'import json, sys
print(len(json.load(sys.stdin)["findings"]))' <"$ROOT/$wn.json")
	check "$wn: report --json has no finding outside the panels' areas" \
	    grep -q '^other 0$' "$ROOT/$wn.areas"
	for tab in 2:Relay:relay 3:Aliases:aliases 4:SASL:sasl 5:TLS:tls \
	    6:Server:smtpd; do
		td=${tab%%:*}
		tn=${tab#*:}
		ta=${tn#*:}
		tn=${tn%%:*}
		want=$(sed -n "s/^$ta //p" "$ROOT/$wn.areas")
		tm send-keys -t "$wn" "$td"
		expect "$wn" "$wn: $td: the $tn panel's tab counts $want, report --json's $ta findings" \
		    "\[$td $tn $want\]"
	done
	tm send-keys -t "$wn" 1
	expect "$wn" "$wn: 1: All counts $nall" "\[1 All $nall\]"
	tm send-keys -t "$wn" H
	: >"$ROOT/$wn.got"
	k=1
	nsaid=
	while [ "$k" -le 30 ]; do
		if ! wait_for "$wn" "^Guided hardening: finding $k of [0-9]+|guided hardening done"; then
			nok "$wn: finding $k or the end shown"
			break
		fi
		has 'guided hardening done' && break
		n=$(sed -n 's/^Guided hardening: finding [0-9]* of \([0-9]*\).*/\1/p' \
		    "$SCR")
		[ -n "$nsaid" ] || nsaid=$n
		[ "$n" = "$nsaid" ] ||
		    nok "$wn: finding $k says of $n, the first said of $nsaid"
		sed -n 's/^[A-Z]\{1,\}  *area [a-z]\{1,\}  *id \([a-z0-9.-]\{1,\}\).*/\1/p' \
		    "$SCR" | head -n 1 >>"$ROOT/$wn.got"
		tm send-keys -t "$wn" s
		k=$((k + 1))
	done
	check "$wn: the walk ends: nothing left with a fix" \
	    has 'guided hardening done: nothing left with a fix'
	sort "$ROOT/$wn.got" >"$ROOT/$wn.got.sorted"
	ngot=$(wc -l <"$ROOT/$wn.got")
	SCR=$ROOT/$wn.got
	check "$wn: H offered $ngot findings (\"of $nsaid\"), report --json gives $nwant a fix" \
	    walk_counts "$ngot" "${nsaid:-0}" "$nwant"
	check "$wn: each offered once, exactly those report --json gives a fix" \
	    cmp -s "$ROOT/$wn.got.sorted" "$ROOT/$wn.want"
	quit_status "$wn" q 0
}

# queue_findings_shown IDS - the screen shows each id of the file IDS (at
# least one) as the Queue panel lists them: "SEV TITLE (ID)"
queue_findings_shown() {
	[ -s "$1" ] || return 1
	while read -r qid; do
		has_fixed "($qid)" || return 1
	done <"$1"
}

# --- incident 3 on a started sasl-root lab: the incident view purges
# the stolen account's mail, the rest of the queue stays ---------------
case_incident() {
	d=$ROOT/lab-inc
	if ! sh "$LAB" start "$d" >"$ROOT/start.log" 2>&1 ||
	    ! sh "$LAB" fill-incident3 "$d" 200 >>"$ROOT/start.log" 2>&1; then
		SCR=$ROOT/start.log
		nok "inc: lab Postfix started, 200 + 20 messages queued"
		return
	fi
	ok "inc: lab Postfix started, 200 + 20 messages queued"
	SCR=
	start inc 80 24 "$BIN" --postfix "$d/etc" --state "$d/state" \
	    --incident
	if ! wait_for inc '^> +200 +90\.9% +#+ +root *$'; then
		nok "inc: --incident opens the queue grouped by SASL user"
		tm kill-session -t "=inc" 2>/dev/null
		return
	fi
	ok "inc: --incident opens the queue grouped by SASL user"
	check "inc: alice's 20 are the other group" \
	    has '^ +20 +9\.1% +# +alice *$'
	check "inc: the header shows the live queue size" \
	    line_has 1 'queue 220'
	check "inc: the queue keys in the footer" \
	    line_has 24 'Enter messages +b group by +D purge'
	"$BIN" --postfix "$d/etc" --state "$d/state" report --json \
	    >"$ROOT/inc.json" 2>/dev/null
	python3 -c 'import json, sys
for f in json.load(sys.stdin)["findings"]:
    if f["area"] == "queue":
        print(f["id"])' <"$ROOT/inc.json" >"$ROOT/inc.qids"
	check "inc: the Queue panel lists the queue's findings of report --json ($(tr '\n' ' ' <"$ROOT/inc.qids"))" \
	    queue_findings_shown "$ROOT/inc.qids"
	tm send-keys -t inc '?'
	expect inc "inc: ? lists the queue keys" '(purge the group|group by SASL)'
	tm send-keys -t inc Space
	tm send-keys -t inc b b b b
	expect inc "inc: b steps to the age x domain shape" \
	    '^ TOTAL +220 +220 '
	check "inc: the shape has comcast.net's 200" has '^>comcast\.net +200 '
	tm send-keys -t inc b b
	expect inc "inc: b comes round to SASL user" '^> +200 .* root *$'
	tm send-keys -t inc j Enter
	expect inc "inc: Enter lists the group's messages" \
	    '^ SASL user alice: 20 messages'
	check "inc: a message row: sender and recipient" \
	    has '^>[0-9A-F]+ +[0-9]+m +[0-9]+ +alice@example\.com -> '
	tm send-keys -t inc Enter
	expect inc "inc: Enter shows the message's envelope and headers" \
	    '^Headers \(postcat -h\)'
	check "inc: the envelope has the SASL user and client" \
	    has_all '^  SASL user +alice' '^  client +192\.0\.2\.10'
	check "inc: the headers come from the queue file" \
	    has '^  Subject: Re: order 4711'
	tm send-keys -t inc Escape
	expect inc "inc: Esc: back to the messages" '^ SASL user alice: '
	tm send-keys -t inc Escape
	expect inc "inc: Esc: back to the groups" '^ +COUNT +SHARE'
	check "inc: the header counts 2 critical before the purge" \
	    line_has 1 '(^|[^0-9])2 (CRIT|critical)'
	tm send-keys -t inc k D
	expect inc "inc: D asks, with the exact count" \
	    'Purge 200 messages of SASL user root\?'
	check "inc: the question says what stays" \
	    has '20 other messages stay in the queue'
	tm send-keys -t inc n
	expect_gone inc "inc: n leaves the queue as it is" 'Purge 200 messages'
	check "inc: nothing purged after n" \
	    [ "$(postqueue -c "$d/etc" -j | wc -l)" -eq 220 ]
	tm send-keys -t inc D
	expect inc "inc: D asks again" 'Purge 200 messages of SASL user root'
	tm send-keys -t inc y
	old=$WAIT_TENTHS
	WAIT_TENTHS=600
	expect inc "inc: y purges, the result shown" \
	    '^purged 200 of 200 selected \(journal entry [0-9]+'
	WAIT_TENTHS=$old
	check "inc: the progress bar reached its end" \
	    has '^ \[#+\] 100% +step 4/4'
	# the queue and the findings are read again when the action ends,
	# as r would: no key pressed, the header is current
	expect_until inc "inc: the header's queue size follows the purge" \
	    hdr_queue_20
	check "inc: the header's findings follow: 1 critical left (root)" \
	    line_has 1 '(^|[^0-9])1 (CRIT|critical)'
	check "inc: the result stays on screen" \
	    has '^purged 200 of 200 selected'
	tm send-keys -t inc Enter
	expect inc "inc: Enter reads the queue again: alice's 20 left" \
	    '^> +20 +100\.0% +#+ +alice *$'
	check "inc: the header follows" line_has 1 'queue 20'
	check "inc: postqueue: 20 messages left" \
	    [ "$(postqueue -c "$d/etc" -j | wc -l)" -eq 20 ]
	check "inc: postqueue: every one is alice's" \
	    [ "$(postqueue -c "$d/etc" -j | grep -c '"sender": *"alice@example.com"')" -eq 20 ]
	check "inc: the 200 are in the quarantine" \
	    [ "$(find "$d/state/quarantine" -type f ! -name README | wc -l)" -eq 200 ]
	tm send-keys -t inc 9
	expect inc "inc: 9: the Journal panel lists the purge" \
	    '^> +[0-9]+ .* purge +done +purge --sasl root: 200 messages'
	tm send-keys -t inc Enter
	expect inc "inc: Enter: the entry with its queue IDs" '^Queue IDs'
	check "inc: the IDs are listed" has '^  [0-9A-F]+ [0-9A-F]+ '
	tm send-keys -t inc End
	expect inc "inc: the entry's result is shown" \
	    '^  postsuper: [0-9A-F]+: removed'
	tm send-keys -t inc u
	expect inc "inc: u on a purge asks to put the mail back" \
	    'put its mail back in the queue\? y: yes'
	tm send-keys -t inc y
	old=$WAIT_TENTHS
	WAIT_TENTHS=600
	expect inc "inc: y: the rollback says how many came back" \
	    '^restored 200 of 200 messages of journal entry [0-9]+'
	WAIT_TENTHS=$old
	check "inc: postqueue: the 200 are queued again" \
	    [ "$(postqueue -c "$d/etc" -j | wc -l)" -eq 220 ]
	check "inc: postqueue: root's 200 are among them" \
	    [ "$(postqueue -c "$d/etc" -j | grep -c '"sender": *"root@example.com"')" -eq 200 ]
	tm send-keys -t inc Escape
	expect inc "inc: Esc: everything read again" 'read again: [0-9]+ finding'
	tm send-keys -t inc 1
	expect inc "inc: 1: the findings" '^  SEV +AREA +FINDING'
	tm send-keys -t inc i
	expect inc "inc: i opens the queue from the findings" '^ Queue: 220 '
	# a purge removes the messages its question counted, on the read
	# shown: root's mail queued while the question waits stays
	tm send-keys -t inc Home D
	expect inc "inc: D on root again asks for the 200 put back" \
	    'Purge 200 messages of SASL user root\?'
	check "inc: the question says mail queued since stays" \
	    has 'mail queued since stays'
	: >"$ROOT/late.log"
	SCR=$ROOT/late.log
	check "inc: 3 more of root's sent while the question waits" send_late
	SCR=
	i=0
	while [ $i -lt 100 ] && ! late_queued; do
		nap
		i=$((i + 1))
	done
	check "inc: postqueue lists them: root has 203 queued" late_queued
	tm send-keys -t inc y
	old=$WAIT_TENTHS
	WAIT_TENTHS=600
	expect inc "inc: y purges the 200 counted, not the 3 queued since" \
	    '^purged 200 of 200 selected \(journal entry [0-9]+'
	WAIT_TENTHS=$old
	check "inc: postqueue: root's 3 queued after the question stay" \
	    [ "$(pq_count root@example.com)" -eq 3 ]
	check "inc: postqueue: they are the late ones" \
	    [ "$(postqueue -c "$d/etc" -j | grep -c 'late@comcast\.net')" -eq 3 ]
	check "inc: postqueue: alice's 20 stay too (23 in all)" \
	    [ "$(pq_count)" -eq 23 ]
	qd=$d/state/quarantine/$(ls "$d/state/quarantine" | sort -n | tail -n 1)
	check "inc: this purge's quarantine holds the 200, no more" \
	    [ "$(find "$qd" -type f ! -name README | wc -l)" -eq 200 ]
	tm send-keys -t inc Enter
	expect inc "inc: Enter reads the queue again: root's 3 are there" \
	    '^[> ] +3 +13\.0% .*root *$'
	# hold and release act on the read their question counted too:
	# root's mail queued while the question waits stays as it is
	tm send-keys -t inc Home j H
	expect inc "inc: H on root asks for the 3 read" \
	    'Hold 3 messages of SASL user root\?'
	check "inc: the hold's question says mail queued since stays" \
	    has 'Only these 3, as read at [0-9:]+: mail queued since stays'
	SCR=$ROOT/late.log
	check "inc: 3 more of root's sent while H's question waits" \
	    send_late later@comcast.net
	SCR=
	check "inc: postqueue lists them: root has 6 queued" \
	    root_queued 6
	tm send-keys -t inc y
	expect inc "inc: y holds the 3 counted" \
	    '^hold: 3 of 3 selected \(journal entry [0-9]+'
	check "inc: postqueue: 3 on hold" [ "$(pq_held)" -eq 3 ]
	check "inc: postqueue: the 3 queued after H's question are not" \
	    [ "$(pq_held later@comcast.net)" -eq 0 ]
	tm send-keys -t inc Enter
	expect inc "inc: Enter reads the queue again: root's 6" \
	    '^[> ] +6 +23\.1% .*root *$'
	tm send-keys -t inc Home j U
	expect inc "inc: U on root asks for the 6 read" \
	    'Release 6 messages of SASL user root\?'
	check "inc: the release's question says mail queued since stays" \
	    has 'Only these 6, as read at [0-9:]+: mail queued since stays'
	SCR=$ROOT/late.log
	check "inc: 3 more of root's sent and held while U's question waits" \
	    send_late latest@comcast.net
	SCR=
	check "inc: postqueue lists them: root has 9 queued" \
	    root_queued 9
	check "inc: postsuper holds them: 6 on hold" hold_rcpt \
	    latest@comcast.net
	tm send-keys -t inc y
	expect inc "inc: y releases the 6 counted" \
	    '^release: 6 of 6 selected \(journal entry [0-9]+'
	check "inc: postqueue: 3 on hold, the ones held after U's question" \
	    held_only latest@comcast.net
	quit_status inc q 0
	# the hold command too: root's 9 counted (3 held already), 3 more
	# sent before the y stay as they came
	start cli 120 24 "$BIN" --postfix "$d/etc" --state "$d/state" hold \
	    --sasl root
	expect cli "cli: hold asks with the count and the time of its read" \
	    'Hold these 9 messages\?  Only these 9, as read at [0-9:]+: mail queued since stays\. \[y/N\]'
	check "cli: its preview names the hold, not a purge" \
	    has '^hold --sasl root: 9 of [0-9]+ queued messages selected'
	SCR=$ROOT/late.log
	check "cli: 3 more of root's sent while the question waits" \
	    send_late last@comcast.net
	SCR=
	check "cli: postqueue lists them: root has 12 queued" root_queued 12
	tm send-keys -t cli y
	quit_status cli Enter 0
	check "cli: postqueue: the 9 counted on hold" [ "$(pq_held)" -eq 9 ]
	check "cli: postqueue: the 3 sent after the question are not" \
	    [ "$(pq_held last@comcast.net)" -eq 0 ]
	"$BIN" --postfix "$d/etc" --state "$d/state" journal >"$ROOT/journal"
	SCR=$ROOT/journal
	check "inc: the journal holds the purge" \
	    grep -q 'purge --sasl root: 200 messages' "$ROOT/journal"
	sh "$LAB" stop "$d" >/dev/null 2>&1
}

# send_late [RCPT] - 3 more messages as root from 93.122.252.5 to RCPT
# (late@comcast.net); what mgsmtp says into $ROOT/late.log
send_late() {
	sh "$LAB" fill "$d" --xclient-addr 93.122.252.5 \
	    --xclient-name '[UNAVAILABLE]' --helo '[93.122.252.5]' \
	    --auth-plain "root:$(sed -n 's/^root://p' "$d/sasl_users")" \
	    --from root@example.com --to "${1:-late@comcast.net}" --count 3 \
	    --subject "Late statement" --size 600 >"$ROOT/late.log" 2>&1
}

# root_queued N - poll (bounded) until postqueue lists N of root's
root_queued() {
	i=0
	while [ $i -lt "$WAIT_TENTHS" ]; do
		[ "$(pq_count root@example.com)" -eq "$1" ] && return 0
		nap
		i=$((i + 1))
	done
	return 1
}

# pq_held [RCPT] - postqueue -j's messages on hold (to RCPT)
pq_held() {
	postqueue -c "$d/etc" -j | jq -r --arg r "${1:-}" \
	    'select(.queue_name == "hold") | select($r == "" or
	    any(.recipients[]; .address == $r)) | .queue_id' | wc -l
}

# held_only RCPT - postqueue -j: the 3 on hold are the 3 to RCPT
held_only() {
	[ "$(pq_held)" -eq 3 ] && [ "$(pq_held "$1")" -eq 3 ]
}

# hold_rcpt RCPT - postsuper -h each queued message to RCPT
hold_rcpt() {
	postqueue -c "$d/etc" -j | jq -r --arg r "$1" \
	    'select(any(.recipients[]; .address == $r)) | .queue_id' |
	    postsuper -c "$d/etc" -h - >/dev/null 2>&1 &&
	    [ "$(pq_held "$1")" -eq 3 ]
}

# late_queued - root's 200 put back and the 3 sent after the question
# are all queued
late_queued() {
	[ "$(pq_count root@example.com)" -eq 203 ]
}

# hdr_queue_20 - the header (line 1) says the queue holds 20
hdr_queue_20() {
	line_has 1 'queue 20( |$)'
}

# group_count KEY - the COUNT of the group row ending in KEY on $SCR
group_count() {
	awk -v k="$1" '$NF == k && $2 ~ /^[0-9]+$/ { print $2; exit }
	    $NF == k && $1 ~ /^>?[0-9]+$/ { sub(/^>/, "", $1); print $1; exit }' \
	    "$SCR"
}

# key_answered NAME KEY RE - press KEY, poll the pane until it matches
# RE (WAIT_TENTHS at most); $SCR is the first screen that does
key_answered() {
	tm send-keys -t "$1" "$2"
	i=0
	while [ $i -lt "$WAIT_TENTHS" ]; do
		snap "$1"
		has "$3" && return 0
		nap
		i=$((i + 1))
	done
	return 1
}

# pq_count [SENDER] - postqueue -j's messages (of SENDER)
pq_count() {
	if [ $# -eq 0 ]; then
		postqueue -c "$d/etc" -j | wc -l
	else
		postqueue -c "$d/etc" -j | grep -c "\"sender\": *\"$1\""
	fi
}

# --- the queue read in the background (slowed by the test hook): the
# first frame before the read ends, keys answered while a read runs, the
# counts those of postqueue, mail queued meanwhile counted, q during a
# read ends at once ------------------------------------------------------
case_qscan() {
	d=$ROOT/lab-qs
	if ! sh "$LAB" start "$d" >"$ROOT/start.log" 2>&1 ||
	    ! sh "$LAB" fill-incident3 "$d" 50 >>"$ROOT/start.log" 2>&1; then
		SCR=$ROOT/start.log
		nok "qs: lab Postfix started, 50 + 20 messages queued"
		return
	fi
	ok "qs: lab Postfix started, 50 + 20 messages queued"
	SCR=
	start qs 80 24 env MG_TEST_SCAN_DELAY_MS=3000 "$BIN" --postfix \
	    "$d/etc" --state "$d/state"
	# the first frame: the findings of the configuration, while the
	# queue is read (3 s) for the queue's checks
	expect qs "qs: the findings are drawn while the queue is read" \
	    '^  SEV +AREA +FINDING'
	check "qs: ... the header says the queue is being read" \
	    line_has 1 'queue: reading'
	check "qs: ... a finding of the configuration alone is shown" \
	    has 'SMTP AUTH is offered before STARTTLS'
	check "qs: ... the queue's findings are not there yet" \
	    hasnt "SASL login is sending most of the queue"
	old=$WAIT_TENTHS
	WAIT_TENTHS=$((old > 150 ? old : 150))
	expect qs "qs: the read ends: the queue's findings follow" \
	    "SASL login is sending most of the queue"
	WAIT_TENTHS=$old
	check "qs: ... with the client's finding" \
	    has 'One client address sent most of the queue'
	check "qs: ... the header gives the queue's size" \
	    line_has 1 "queue $(pq_count)( |\$)"
	check "qs: ... the header counts them: 2 critical" \
	    line_has 1 '(^|[^0-9])2 (CRIT|critical)'
	check "qs: ... the selection stayed on the first finding" \
	    has '^> CRIT +sasl +A system account can log in'
	tm send-keys -t qs i
	expect qs "qs: i: the queue view shows that read at once" \
	    '^ Queue: 70 messages'
	WAIT_TENTHS=$((old > 150 ? old : 150))
	expect_gone qs "qs: the view's own read ends: the mark goes" \
	    'scanning'
	WAIT_TENTHS=$old
	check "qs: the view's total is postqueue's ($(pq_count))" \
	    has "^ Queue: $(pq_count) messages"
	check "qs: root's count is postqueue's" \
	    same "$(group_count root)" "$(pq_count root@example.com)"
	check "qs: alice's count is postqueue's" \
	    same "$(group_count alice)" "$(pq_count alice@example.com)"
	# the next read starts 5 s after this one ended and takes 3 s
	WAIT_TENTHS=$((old > 150 ? old : 150))
	expect qs "qs: the view reads the queue again by itself" \
	    '^ Queue: 70 messages .* scanning'
	WAIT_TENTHS=$old
	# the key is answered while the read runs: its answer is on the
	# screen that still shows the scan mark (how fast: make bench,
	# tests/bench/console.sh)
	check "qs: b answered during the read: the client grouping" \
	    key_answered qs b '\[client\]'
	check "qs: the read still runs: the key did not wait for it" \
	    has '^ Queue: 70 messages .* scanning'
	tm send-keys -t qs B
	expect qs "qs: B back to SASL user" '\[SASL user\]'
	sh "$LAB" fill-incident3 "$d" 30 >"$ROOT/start.log" 2>&1
	WAIT_TENTHS=$((old > 250 ? old : 250))
	expect qs "qs: mail queued while the view is open is counted" \
	    '^[> ] +80 +66\.7% +#+ +root *$'
	WAIT_TENTHS=$old
	check "qs: the total follows postqueue's ($(pq_count))" \
	    has "^ Queue: $(pq_count) messages"
	check "qs: alice's count follows postqueue's" \
	    same "$(group_count alice)" "$(pq_count alice@example.com)"
	WAIT_TENTHS=$((old > 150 ? old : 150))
	expect qs "qs: another read runs" '^ Queue: 120 messages .* scanning'
	WAIT_TENTHS=$old
	quit_status qs q 0
	# q does not wait for a read: one held a minute (the hook's most)
	# is left, the console ends within the wait's bound, 30 s (how
	# fast: make bench)
	start qs2 80 24 env MG_TEST_SCAN_DELAY_MS=60000 "$BIN" --postfix \
	    "$d/etc" --state "$d/state" --incident
	expect qs2 "qs2: the queue view opens while its read runs" \
	    '^ Queue: not read yet'
	check "qs2: ... the header says the queue is being read" \
	    line_has 1 'queue: reading'
	old=$WAIT_TENTHS
	WAIT_TENTHS=$((old < 300 ? old : 300))
	quit_status qs2 q 0
	WAIT_TENTHS=$old
	sh "$LAB" stop "$d" >/dev/null 2>&1
}

# --- I ignores a finding, remembered in the state database -----------
case_ignore() {
	st=$ROOT/state-ign
	start ign 80 24 "$BIN" --postfix "$ROOT/lab-mt/etc" --state "$st"
	if ! wait_for ign '^> CRIT'; then
		nok "ign: overview shown"
		tm kill-session -t "=ign" 2>/dev/null
		return
	fi
	tm send-keys -t ign I
	expect ign "ign: I marks the finding ignored" \
	    '^> CRIT +relay +\(ignored\) mynetworks has a mask typo'
	check "ign: the header counts it as ignored, not as critical" \
	    has_all '^mailguard-tui .*1 (IGN|ignored)'
	check "ign: no critical count left in the header" \
	    line_hasnt 1 'CRIT|critical'
	tm send-keys -t ign H
	expect ign "ign: guided hardening starts" \
	    '^Guided hardening: finding 1 of [0-9]'
	tm send-keys -t ign s
	expect ign "ign: after a skip, the next is not the ignored one" \
	    '^Guided hardening: finding 2 of|guided hardening done'
	check "ign: the ignored finding is not shown by the walk" \
	    hasnt '^CRITICAL +area relay'
	tm send-keys -t ign Escape
	quit_status ign q 0
	start ign2 80 24 "$BIN" --postfix "$ROOT/lab-mt/etc" --state "$st"
	expect ign2 "ign: a new console remembers the ignored finding" \
	    '^> CRIT +relay +\(ignored\) mynetworks has a mask typo'
	tm send-keys -t ign2 I
	expect ign2 "ign: I again stops ignoring it" 'no longer ignored'
	check "ign: the finding is plain again" \
	    has '^> CRIT +relay +mynetworks has a mask typo'
	quit_status ign2 q 0
}

# --- the Probe panel on wide-net: run, table, a client's answers ------
case_probe() {
	start pr 80 24 "$BIN" --postfix "$ROOT/lab-pr/etc" --state \
	    "$ROOT/state-pr"
	if ! wait_for pr '^> CRIT'; then
		nok "pr: overview shown"
		tm kill-session -t "=pr" 2>/dev/null
		return
	fi
	tm send-keys -t pr 0
	expect pr "pr: 0 opens the Probe panel" '\[0 Probe\]'
	check "pr: it says what r does before anything runs" \
	    has 'Press r to run the relay probe'
	tm send-keys -t pr r
	expect pr "pr: r starts the probe in the background" '^ Probing'
	w=$WAIT_TENTHS
	WAIT_TENTHS=1200	# a private Postfix, 11 clients
	expect pr "pr: the verdict comes" 'OPEN RELAY for 2 of 11 clients'
	WAIT_TENTHS=$w
	check "pr: inside the first /8: open relay" \
	    has '^  210\.99\.1\.1 +OPEN RELAY +18/21 +inside mynetworks 210'
	check "pr: inside the second /8: open relay" \
	    has '^  218\.99\.1\.1 +OPEN RELAY'
	check "pr: just outside the /8: closed" has '^  211\.0\.0\.1 +closed'
	check "pr: the LAN range relays as trusted" \
	    has '^  192\.168\.1\.1 +trusted'
	check "pr: a foreign address: closed" has '^  203\.0\.113\.50 +closed'
	tm send-keys -t pr j j j j Enter
	expect pr "pr: Enter shows the client's answers" \
	    '^As 210\.99\.1\.1: OPEN RELAY, 18 of 21 tests relayed'
	check "pr: each envelope with the MTA's reply" has_fixed \
	    'MAIL FROM:<> RCPT TO:<mailguard-relaytest@example.net> -> 250'
	tm send-keys -t pr Escape 1
	expect pr "pr: the probe's finding joins the overview" \
	    'CRIT +relay +Open relay: the MTA accepts mail'
	check "pr: the header counts it" line_has 1 '2 (CRIT|critical)'
	quit_status pr q 0
}

# --- resize 80x24 -> 120x40 -> 80x24, on the detail and the overview --
at120() {
	fits 120 40 && line 1 | grep -qF "$ROOT/lab-mt/etc/main.cf"
}
at80() {
	fits 80 24 && line_has 1 ' 1 (critical|CRIT)'
}
case_resize() {
	start rsz 80 24 "$BIN" --postfix "$ROOT/lab-mt/etc"
	if ! wait_for rsz '^> CRIT'; then
		nok "rsz: overview shown"
		tm kill-session -t "=rsz" 2>/dev/null
		return
	fi
	tm send-keys -t rsz Enter
	wait_for rsz '^Evidence'
	tm resize-window -t rsz -x 120 -y 40
	expect_until rsz "rsz: detail redrawn at 120x40, full path in header" \
	    at120 -J
	check "rsz: detail rewrapped to use the 120 columns" \
	    [ "$(wc -L <"$SCR")" -gt 80 ]
	check "rsz: no 'window too small'" hasnt 'window too small'
	tm resize-window -t rsz -x 80 -y 24
	expect_until rsz "rsz: detail redrawn at 80x24, no line wider" \
	    at80 -J
	check "rsz: detail rewrapped to 80 again" has "^  An entry such as \
210\.140\.12\.34/8 names one host but a mask that covers a whole$"
	tm send-keys -t rsz Escape
	wait_for rsz '^  SEV'
	tm resize-window -t rsz -x 120 -y 40
	expect_until rsz "rsz: overview redrawn at 120x40" at120 -J
	check "rsz: overview rows intact at 120" line_has 4 '^> CRIT +relay'
	tm resize-window -t rsz -x 80 -y 24
	expect_until rsz "rsz: overview redrawn at 80x24" at80 -J
	quit_status rsz q 0
}

# --- NO_COLOR=1: attributes only, findings still there ----------------
case_no_color() {
	start nocol 80 24 env NO_COLOR=1 "$BIN" --postfix "$ROOT/lab-mt/etc"
	if ! wait_for nocol '^> CRIT'; then
		nok "nocol: overview shown"
		tm kill-session -t "=nocol" 2>/dev/null
		return
	fi
	check "nocol: findings shown" \
	    has_all '^> CRIT +relay +mynetworks has a mask' '^  INFO +aliases'
	snap nocol -e
	check "nocol: overview has no colour escape" hasnt "$SGR_COLOUR"
	check "nocol: overview still has attributes (SGR)" has "$ESC\\[[0-9;]*m"
	tm send-keys -t nocol Enter
	wait_for nocol '^Evidence'
	tm send-keys -t nocol End
	wait_for nocol '^  \+mynetworks'
	snap nocol -e
	check "nocol: detail and diff have no colour escape" \
	    hasnt "$SGR_COLOUR"
	check "nocol: the diff is there" has_all '\+mynetworks' '-mynetworks'
	quit_status nocol q 0
}

# --- unreadable configuration: the error screen, exit 3 ---------------
case_unreadable() {
	start err 80 24 "$BIN" --postfix /nonexistent/x
	expect err "err: error screen shown" 'Could not read'
	check "err: error screen names /nonexistent/x" has_fixed /nonexistent/x
	check "err: header says the configuration was not read" \
	    line_has 1 'configuration not read'
	quit_status err q 3
}

# --- stock: nothing critical -----------------------------------------
case_stock() {
	start stock 80 24 "$BIN" --postfix "$ROOT/lab-stock/etc"
	expect stock "stock: overview shown" \
	    '^mailguard-tui .*(no findings|[0-9]+ findings?:|[0-9]+ INFO)'
	check "stock: no CRIT line" hasnt '^[> ] CRIT '
	check "stock: header counts no critical" line_hasnt 1 'critical|CRIT'
	quit_status stock q 0
}

# --- hostile bytes in main.cf reach the screen escaped ----------------
title_is_pwned() {
	[ "$(tm display-message -p -t "$TITLE_OF" '#{pane_title}')" = pwned ]
}
title_not_pwned() {
	TITLE_OF=$1
	if title_is_pwned; then
		nok "$1: pane title unchanged (not 'pwned')"
	else
		ok "$1: pane title unchanged (not 'pwned')"
	fi
}
case_hostile() {
	etc=$ROOT/lab-hostile/etc
	evil="$ROOT/x$ESC]0;pwned$BEL"
	# a pattern file named with an OSC 0 "set title" sequence, appended to
	# mynetworks: the MTA warns it cannot read it, the fix preview quotes it
	n=$(grep -n '^mynetworks *=' "$etc/main.cf" | tail -n 1 | cut -d: -f1)
	sed -i "${n}s|\$| $evil|" "$etc/main.cf"
	touch -d "@$(($(date +%s) - 2))" "$etc/main.cf"
	check "hostile: main.cf holds the raw ESC" grep -q "$ESC" "$etc/main.cf"

	start hostile 80 24 "$BIN" --postfix "$etc"
	if ! wait_for hostile 'press w'; then
		nok "hostile: overview with warnings shown"
		tm kill-session -t "=hostile" 2>/dev/null
		return
	fi
	tm send-keys -t hostile w
	expect hostile "hostile: warnings screen shown" '^Warnings from'
	check "hostile: warning shows \\x1b]0;pwned\\x07 literally" \
	    has_fixed 'x\x1b]0;pwned\x07'
	title_not_pwned hostile
	tm send-keys -t hostile Escape
	wait_for hostile '^  SEV'
	tm send-keys -t hostile Enter
	wait_for hostile '^Evidence'
	tm send-keys -t hostile End
	wait_for hostile '^  -mynetworks' -N
	got=$(joined -mynetworks)
	check "hostile: fix preview shows the path escaped" \
	    ends_with "$got" '/x\x1b]0;pwned\x07'
	title_not_pwned hostile
	quit_status hostile q 0

	# control: the same bytes printed raw do set the title, so the checks
	# above can fail
	start ctl 80 24 sh -c 'printf "\033]0;pwned\007"; sleep 30'
	TITLE_OF=ctl
	expect_until ctl "control: raw OSC 0 sets the pane title" \
	    title_is_pwned
	tm kill-session -t "=ctl" 2>/dev/null
}

if ! command -v tmux >/dev/null 2>&1; then
	echo "test_console.sh: tmux (3.0 or later) is needed" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
if [ ! -x "$BIN" ]; then
	echo "test_console.sh: $BIN missing (make first)" >&2
	echo "0 passed, 1 failed"
	exit 1
fi
ROOT=$(mktemp -d /tmp/mg-e2e.XXXXXX) || exit 1
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
cat >"$ROOT/run.sh" <<'EOF'
# run.sh EXITFILE CMD... - CMD, then its exit status into EXITFILE
f=$1
shift
"$@"
echo "EXIT=$?" >"$f"
EOF

# want GROUP - run the cases of GROUP (MG_E2E_CASES="inc qscan": only
# those; unset: all)
want() {
	[ -z "${MG_E2E_CASES:-}" ] && return 0
	case " $MG_E2E_CASES " in
	*" $1 "*) return 0 ;;
	esac
	return 1
}

if want mt && lab_setup mt mask-typo; then
	case_mask_typo
	case_ignore
	case_resize
	case_no_color
fi
if want unreadable; then
	case_unreadable
fi
if want stock && lab_setup stock stock; then
	case_stock
fi
if want hostile && lab_setup hostile mask-typo; then
	case_hostile
fi
if want gh && lab_setup gh mask-typo; then
	case_guided
fi
if want walk && lab_setup walk sasl-submission; then
	case_walk walk \
	    '^postfix\.(sasl\.sender-mismatch|sasl\.no-rate-limit|smtpd\.smuggling|tls\.old-protocols|submission\.)' \
	    --postfix "$ROOT/lab-walk/etc"
fi
if want walk; then
	if sh "$EXIM_LAB" setup auth-port25 "$ROOT/exlab-walk" \
	    >"$ROOT/setup.log" 2>&1; then
		ok "lab setup exim auth-port25"
		case_walk exwalk \
		    '^exim\.(sasl\.sender-mismatch|sasl\.no-rate-limit|auth\.port25|smtpd\.smuggling)' \
		    --exim "$ROOT/exlab-walk/exim4.conf" --exim-bin "$EXIM_BIN"
	else
		SCR=$ROOT/setup.log
		nok "lab setup exim auth-port25"
	fi
	sh "$EXIM_LAB" destroy "$ROOT/exlab-walk" >/dev/null 2>&1
fi
if want inc && lab_setup inc sasl-root; then
	case_incident
fi
if want qscan && lab_setup qs sasl-root; then
	case_qscan
fi
if want pr && lab_setup pr wide-net; then
	case_probe
fi

SCR=
if cleanup && [ ! -e "$SOCK_PATH" ]; then
	ok "cleanup: tmux server and socket gone, labs destroyed"
else
	nok "cleanup: tmux server and socket gone, labs destroyed"
fi
ROOT=
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
