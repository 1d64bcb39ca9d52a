#!/bin/sh
# run-tests.sh GROUP BINARY... - run cmocka test programs, show their
# output, and end with one summary line: "GROUP: N passed, N failed".
# Exits non-zero if any program failed; then the lines around each
# failed program's cmocka failure (or its last lines) are shown again at
# the end, where a CI log that keeps only its tail still has them.
set -u
group=$1
shift
# run_one - a shell script through sh, a program directly (under $RUNNER,
# e.g. valgrind, when set)
run_one() {
	case "$1" in
	*.sh) sh "$1" ;;
	*) ${RUNNER:-} "$1" ;;
	esac
}

logs=$(mktemp -d "${TMPDIR:-/tmp}/run-tests.XXXXXX") || exit 1
trap 'rm -rf "$logs"' EXIT
pass=0
fail=0
failed=""
n=0
for t in "$@"; do
	n=$((n + 1))
	echo "== $group: $t"
	t0=$(date +%s)
	# into a file, shown when it ends: not through a pipe, which a
	# process a failed test left behind would hold open (tee would wait
	# for it, and the run with it)
	run_one "$t" >"$logs/$n.out" 2>&1
	echo $? >"$logs/$n.rc"
	cat "$logs/$n.out"
	# how long each took: a slow machine shows here before it fails
	echo "== $group: $t: exit $(cat "$logs/$n.rc") after" \
	    "$(($(date +%s) - t0)) s"
	if [ "$(cat "$logs/$n.rc")" = 0 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		failed="$failed $t"
		echo "$t" >"$logs/$n.failed"
	fi
done
for f in "$logs"/*.failed; do
	[ -e "$f" ] || continue
	out=${f%.failed}.out
	echo "== $group: again, where $(cat "$f") failed:"
	if grep -Eq '^\[ +(FAILED|ERROR) +\]|^\[ +LINE +\]' "$out"; then
		grep -E -B25 -A3 '^\[ +(FAILED|ERROR) +\]|^\[ +LINE +\]' \
		    "$out" | head -n 150
	else
		tail -n 40 "$out"
	fi
done
[ -n "$failed" ] && echo "$group: failed:$failed"
echo "$group: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
