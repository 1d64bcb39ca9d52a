#!/bin/sh
# run.sh - the corpus of real configurations (tests/corpus/CASE/): for
# each case, a private copy in a temporary directory, then
#   1. mailguard-tui report --json (Postfix never started, no SQL server),
#      cut off after CUT_S (a stall fails, not hangs); the time it took is
#      shown, not judged (make bench judges it: tests/bench/bench.sh
#      report, goal under 5 s on a quiet machine);
#   2. its findings (id, severity, the file:line or text each names), its
#      warnings and unread tables, compared with CASE/expected.txt;
#   3. fix --all --dry-run --export-diff, the patch applied to the copy,
#      and the MTA judging the result: Postfix "postfix -c DIR check" and
#      postconf warnings (none new), Exim "exim -C FILE -bV" (silent, 0).
# Any case failing any step fails the run.
#
# usage: run.sh [--update] [CASE...]   (default: every case)
#   --update   write expected.txt from today's output (steps 1 and 3 still
#              judged); review the diff against each case's NOTE.md
# Environment: CORPUS_KEEP=1 keeps the copies, the JSON, the patches and
# the MTA's verdicts (NAME.json, NAME.patch, NAME.judge-*) for a look;
# CORPUS_CUT_S (20) the cut-off.
#
# A case is a directory holding NOTE.md, expected.txt and either
#   Postfix: main.cf, master.cf and the tables they name.  Paths under
#     /etc/postfix/, /opt/postfix/conf/ and /etc/ are moved into the copy
#     (so /etc/aliases is the case's "aliases"); hash:/btree: sources are
#     compiled with postmap/postalias; queue_directory, data_directory and
#     maillog_file point into the copy (postconf -e, in place).
#     proxy:/mysql:/ldap: tables stay as written: the tool must name them
#     unread.
#   Exim: exim4.conf (one plain file) or etc/exim4/update-exim4.conf.conf
#     (+ local files) over Debian's exim4-config; both built by
#     tests/lab/exim/lab.sh through exim-scenario/case.sh.
set -u
umask 022

CORPUS=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$CORPUS/../.." && pwd)
TOOL=$REPO/mailguard-tui
EXLAB=$REPO/tests/lab/exim/lab.sh
# report and fix are cut off here (a stall is a failure, not a hang)
CUT_S=${CORPUS_CUT_S:-20}
UPDATE=0
if [ "${1:-}" = --update ]; then
	UPDATE=1
	shift
fi

# shellcheck source=tests/corpus/lib.sh
. "$CORPUS/lib.sh"
GROUP=corpus
lib_work "postfix check, Exim's spool" "${CORPUS_KEEP:-}"

# now_ms - milliseconds since the epoch (GNU date)
now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# golden - report JSON ($1) to the golden text (unread and warnings
# sorted: postconf prints some warnings in no fixed order); $2 the copy's directory
# (removed from paths), $3 lines to subtract in exim4.conf (lab prefix)
golden() {
	jq -r --arg d "$2/" --argjson off "$3" '
	    def rel: if . == null then null else ltrimstr($d) end;
	    def clean: gsub($d; "") | gsub("\n"; " ");
	    (.findings[] |
	        "finding \(.severity) \(.id)",
	        (.evidence[] |
	            if .file != null then
	                (.file | rel) as $f |
	                "  at \($f):\(if $f == "exim4.conf" and .line > 0
	                    then .line - $off else .line end)"
	            else "  says \(.text | clean)" end)),
	    ((.unread // []) | sort | .[] | "unread \(. | clean)"),
	    ((.warnings // []) | sort | .[] | "warning \(. | clean)")
	' "$1"
}

# pf_judge - what Postfix says of the copy $1: postfix check's status and
# its log, postconf's warnings; timestamps and PIDs removed, sorted
pf_judge() {
	etc=$1/etc
	log=$1/log/maillog
	before=0
	[ -f "$log" ] && before=$(wc -l <"$log")
	if postfix -c "$etc" check >"$1/check.out" 2>&1; then
		echo "postfix check: ok"
	else
		echo "postfix check: failed"
	fi
	{
		cat "$1/check.out"
		[ -f "$log" ] && tail -n "+$((before + 1))" "$log"
		postconf -c "$etc" -n 2>&1 >/dev/null
		postconf -c "$etc" -M 2>&1 >/dev/null
	} | sed -e 's/^[A-Z][a-z][a-z] [ 0-9][0-9] [0-9:]* [^ ]* //' \
	    -e 's/\[[0-9]*\]//' | grep -iE 'warning|fatal|error' | sort -u
}

# ex_judge - exim -bV on the copy $2 (kind $1), regenerated from the
# Debian sources first; prints Exim's complaints, fails on any
ex_judge() {
	conf=$2/exim4.conf
	if [ "$1" = exim-debian ]; then
		conf=$2/exim4.conf.judged
		TMPDIR=$2/tmp "$2/bin/update-exim4.conf" \
		    --confdir "$2/etc/exim4" --output "$conf" \
		    >"$2/judge-gen.out" 2>&1 || {
			cat "$2/judge-gen.out"
			return 1
		}
	fi
	"$EXIM" -C "$conf" -bV >"$2/bV.out" 2>"$2/bV.err"
	rc=$?
	cat "$2/bV.err"
	[ $rc -eq 0 ] && [ ! -s "$2/bV.err" ]
}

# run_case - one case; prints its verdict, returns non-zero on failure
run_case() {
	name=$1
	c=$CORPUS/$name
	d=$WORK/$name
	why=""
	off=0
	if [ -f "$c/main.cf" ]; then
		kind=postfix
		mkdir -p "$d"
		pf_prepare "$c" "$d" >"$d.prepare" 2>&1 ||
		    why="copy not made: $(tail -n 3 "$d.prepare")"
	elif [ -f "$c/exim4.conf" ] || [ -d "$c/etc/exim4" ]; then
		kind=exim-debian
		[ -f "$c/exim4.conf" ] && kind=exim-plain && off=4
		EXIM=$(sh "$EXLAB" fetch) || die "no lab Exim (make lab-tools)"
		ex_prepare "$c" "$d" ||
		    why="lab.sh setup failed: $(tail -n 5 "$d.setup")"
		mkdir -p "$d/state"
		# an empty main log: read, nothing in it
		[ -d "$d/log" ] && : >"$d/log/mainlog"
	else
		echo "FAIL $name: no main.cf, exim4.conf or etc/exim4"
		return 1
	fi
	[ -z "$why" ] || {
		echo "FAIL $name: $why"
		return 1
	}

	# the MTA's verdict on the configuration as it is
	if [ $kind = postfix ]; then
		pf_judge "$d" >"$d.judge-before"
	else
		ex_judge $kind "$d" >"$d.judge-before" 2>&1 ||
		    why="exim -bV fails on the case itself"
	fi

	t0=$(now_ms)
	tool $kind "$d" report --json >"$d.json" 2>"$d.report-err"
	rc=$?
	ms=$(($(now_ms) - t0))
	case $rc in
	0 | 1 | 2) ;;
	124) why="$why; report cut off after ${CUT_S} s" ;;
	*) why="$why; report exit $rc: $(head -c 300 "$d.report-err")" ;;
	esac
	if jq -e .findings "$d.json" >/dev/null 2>&1; then
		golden "$d.json" "$d" "$off" >"$d.golden"
		if [ $UPDATE = 1 ]; then
			{
				echo "# corpus golden of $name:" \
				    "make corpus-update writes it; review" \
				    "against NOTE.md"
				cat "$d.golden"
			} >"$c/expected.txt"
		elif [ ! -f "$c/expected.txt" ]; then
			why="$why; no expected.txt (make corpus-update)"
		elif ! grep -v '^#' "$c/expected.txt" |
		    diff -u - "$d.golden" >"$d.diff"; then
			why="$why; findings differ from expected.txt:
$(sed 's/^/    /' "$d.diff")"
		fi
	else
		why="$why; report --json printed no JSON"
	fi

	# every fix at once, as a patch, applied to the copy and judged
	tool $kind "$d" fix --all --dry-run --export-diff "$d.patch" \
	    >"$d.fix-out" 2>&1
	rc=$?
	if [ $rc -ne 0 ]; then
		why="$why; fix --all --dry-run exit $rc: $(tail -n 3 \
		    "$d.fix-out")"
	elif [ -s "$d.patch" ]; then
		# the patch may touch nothing outside the copy
		rel=${d#/}
		if grep '^+++ ' "$d.patch" | grep -v "^+++ $rel/" |
		    grep -q .; then
			why="$why; the patch names files outside the copy"
		elif ! patch -p0 -d / -s <"$d.patch" >"$d.patch-out" 2>&1
		then
			why="$why; the patch does not apply:
$(sed 's/^/    /' "$d.patch-out")"
		elif [ $kind = postfix ]; then
			pf_tables "$d/etc" >/dev/null 2>&1
			pf_judge "$d" >"$d.judge-after"
			new=$(comm -13 "$d.judge-before" "$d.judge-after")
			[ -z "$new" ] || why="$why; Postfix after the fixes:
$(echo "$new" | sed 's/^/    /')"
		elif ! ex_judge $kind "$d" >"$d.judge-after" 2>&1; then
			why="$why; exim -bV after the fixes:
$(sed 's/^/    /' "$d.judge-after")"
		fi
	fi

	nf=$(jq '.findings | length' "$d.json" 2>/dev/null || echo '?')
	nx=0
	[ -s "$d.patch" ] && nx=$(grep -c '^+++ ' "$d.patch")
	if [ -n "$why" ]; then
		echo "FAIL $name ($kind, ${ms} ms, $nf findings):${why#;}"
		return 1
	fi
	echo "ok   $name ($kind, ${ms} ms, $nf findings, fixes touch" \
	    "$nx files)"
}

if [ $# -eq 0 ]; then
	# shellcheck disable=SC2046 # case names have no blanks
	set -- $(cd "$CORPUS" && for f in */NOTE.md; do dirname "$f"; done)
fi
names=""
for name in "$@"; do
	name=${name%/}
	name=${name##*/}
	[ -d "$CORPUS/$name" ] || die "no case $name"
	names="$names $name"
done
# shellcheck disable=SC2086 # case names have no blanks
lib_run_all run_case $names
