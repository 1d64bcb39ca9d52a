#!/bin/sh
# run-tests.sh GROUP BINARY... - run cmocka test programs, show their
# output, and end with one summary line: "GROUP: N passed, N failed".
# Exits non-zero if any program failed.
set -u
group=$1
shift
pass=0
fail=0
failed=""
for t in "$@"; do
	echo "== $group: $t"
	if "$t"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		failed="$failed $t"
	fi
done
[ -n "$failed" ] && echo "$group: failed:$failed"
echo "$group: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
