#!/bin/sh
# run.sh - golden files of what mailguard-tui prints, on a few corpus
# cases and lab scenarios (tests/golden/CASE/):
#   report.json  report --json            report.txt  report
#   fix.diff     the patch of fix --all --dry-run --export-diff
#   fix.txt      what that command prints
#   probe.json, probe.txt  probe (--json): Exim cases only, asked of
#                exim -bh (deterministic, no daemon, no port)
# Each file ends with the command's exit status.  Paths of the private
# copy become @COPY@, the lab's Exim binary @EXIM@, a lab instance's port
# @PORT@; the listener survey (whatever listens on this machine's port 25)
# is left out.  Any difference fails the run.  The cases run side by side,
# each in its own copy made by tests/corpus/lib.sh (the corpus's own
# functions); the corpus (make corpus) judges the fixes with the real MTA,
# this run only pins the wording.
#
# usage: run.sh [--update] [CASE...]   (default: every case in CASES)
#   --update   rewrite the golden files from today's output; review the
#              git diff before committing it
set -u
umask 022

GOLDEN=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$GOLDEN/../.." && pwd)
CORPUS=$REPO/tests/corpus
TOOL=$REPO/mailguard-tui
EXLAB=$REPO/tests/lab/exim/lab.sh
CUT_S=${GOLDEN_CUT_S:-60}
# NAME:SOURCE - corpus:CASE (tests/corpus) or exim-lab:SCENARIO
CASES="pf-debian12-internet-site:corpus:pf-debian12-internet-site
pf-level0-sender-whitelist:corpus:pf-level0-sender-whitelist
ex-rhel-single-file:corpus:ex-rhel-single-file
exim-incident1-plain:exim-lab:incident1-plain"
UPDATE=0
if [ "${1:-}" = --update ]; then
	UPDATE=1
	shift
fi

# shellcheck source=tests/corpus/lib.sh
. "$CORPUS/lib.sh"
GROUP=golden
lib_work "Exim's spool, postmap as postfix" ""

# norm - stdin with the copy's paths ($1), the Exim binary, the repo and
# the lab instance's random port made constant
norm() {
	port=$(cat "$1/port" 2>/dev/null || echo @NOPORT@)
	sed -e "s|$1|@COPY@|g" -e "s|${1#/}|@COPY@|g" \
	    -e "s|${EXIM:-@NOEXIM@}|@EXIM@|g" -e "s|$REPO|@REPO@|g" \
	    -e "s|127\.0\.0\.1:$port\([^0-9]\)|127.0.0.1:@PORT@\1|g" \
	    -e "s|\[::1\]:$port\([^0-9]\)|[::1]:@PORT@\1|g"
}

# out - the command's output ($2), normalised, and its exit status ($3)
# into WORK/NAME/FILE ($1)
out() {
	{
		norm "$d" <"$2"
		echo "# exit $3"
	} >"$1"
}

# run_case - NAME SOURCE WHAT: the copy, the outputs, the comparison
run_case() {
	name=$1
	d=$WORK/$name
	o=$WORK/$name.out
	mkdir -p "$o"
	case $2 in
	corpus)
		c=$CORPUS/$3
		if [ -f "$c/main.cf" ]; then
			kind=postfix
			mkdir -p "$d"
			pf_prepare "$c" "$d" >"$d.prepare" 2>&1 || {
				echo "FAIL $name: copy not made:" \
				    "$(tail -n 3 "$d.prepare")"
				return 1
			}
		else
			kind=exim-plain
			[ -d "$c/etc/exim4" ] && kind=exim-debian
			ex_prepare "$c" "$d" || {
				echo "FAIL $name: lab.sh setup failed"
				return 1
			}
		fi
		;;
	exim-lab)
		kind=exim-plain
		sh "$EXLAB" setup "$3" "$d" >"$d.setup" 2>&1 || {
			echo "FAIL $name: lab.sh setup $3 failed"
			return 1
		}
		;;
	esac
	mkdir -p "$d/state"
	[ -d "$d/log" ] && [ "$kind" != postfix ] && : >"$d/log/mainlog"

	tool "$kind" "$d" report --json >"$d.r" 2>&1
	out "$o/report.json" "$d.r" $?
	tool "$kind" "$d" report >"$d.r" 2>&1
	out "$o/report.txt" "$d.r" $?
	tool "$kind" "$d" fix --all --dry-run --export-diff "$d.patch" \
	    >"$d.r" 2>&1
	rc=$?
	out "$o/fix.txt" "$d.r" $rc
	[ -f "$d.patch" ] || : >"$d.patch"
	out "$o/fix.diff" "$d.patch" $rc
	if [ "$kind" != postfix ]; then
		tool "$kind" "$d" probe --json >"$d.r" 2>&1
		rc=$?
		jq 'del(.listener, .listener_error)' "$d.r" >"$d.j" 2>&1 ||
		    cp "$d.r" "$d.j"
		out "$o/probe.json" "$d.j" $rc
		tool "$kind" "$d" probe >"$d.r" 2>&1
		rc=$?
		sed '/^Listener /d' "$d.r" >"$d.j"
		out "$o/probe.txt" "$d.j" $rc
	fi

	g=$GOLDEN/$name
	if [ $UPDATE = 1 ]; then
		rm -rf "$g"
		mkdir -p "$g"
		cp "$o"/* "$g"/
		echo "updated $name ($(find "$g" -type f | wc -l) files)"
		return 0
	fi
	[ -d "$g" ] || {
		echo "FAIL $name: no $g (make golden-update)"
		return 1
	}
	if ! diff -ru "$g" "$o" >"$d.diff"; then
		echo "FAIL $name: output differs from tests/golden/$name:"
		sed 's/^/    /' "$d.diff"
		return 1
	fi
	echo "ok   $name ($kind, $(find "$g" -type f | wc -l) files)"
}

EXIM=$(sh "$EXLAB" fetch) || die "no lab Exim (make lab-tools)"
if [ $# -eq 0 ]; then
	# shellcheck disable=SC2046 # case names have no blanks
	set -- $(echo "$CASES" | cut -d: -f1)
fi
# golden_case - NAME: its source and what, from CASES
golden_case() {
	line=$(echo "$CASES" | grep "^$1:") || {
		echo "FAIL $1: no such case"
		return 1
	}
	run_case "$1" "$(echo "$line" | cut -d: -f2)" \
	    "$(echo "$line" | cut -d: -f3)"
}
# the cases run side by side (each in its own copy); their verdicts are
# printed in order by lib_run_all
for name in "$@"; do
	{
		golden_case "$name" >"$WORK/$name.verdict" 2>&1
		echo $? >"$WORK/$name.rc"
	} &
done
wait
# verdict - NAME: what its run printed, and how it ended
verdict() {
	cat "$WORK/$1.verdict"
	[ "$(cat "$WORK/$1.rc")" = 0 ]
}
lib_run_all verdict "$@"
