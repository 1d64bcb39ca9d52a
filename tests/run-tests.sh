#!/bin/sh
# run-tests.sh GROUP BINARY... - run cmocka test programs, show their
# output, and end with one summary line: "GROUP: N passed, N failed".
# Exits non-zero if any program failed.
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

pass=0
fail=0
failed=""
for t in "$@"; do
	echo "== $group: $t"
	if run_one "$t"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		failed="$failed $t"
	fi
done
[ -n "$failed" ] && echo "$group: failed:$failed"
echo "$group: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
