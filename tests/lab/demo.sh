#!/bin/sh
# demo.sh - start a lab scenario (a real Postfix or Exim in a temporary
# directory on loopback) and open the console on it; everything it started
# is stopped and removed when the console exits.
#   make demo                      incident 4, the mynetworks mask typo
#   make demo SCENARIO=sasl-root   any scenario of "lab.sh list"
set -eu

REPO=$(cd "$(dirname "$0")/../.." && pwd)
SCENARIO=${SCENARIO:-mask-typo}
PFLAB="$REPO/tests/lab/postfix/lab.sh"
EXLAB="$REPO/tests/lab/exim/lab.sh"

if sh "$PFLAB" list | grep -q "^$SCENARIO\b"; then
	lab=$PFLAB
elif sh "$EXLAB" list | grep -q "^$SCENARIO\b"; then
	lab=$EXLAB
else
	echo "demo: no scenario \"$SCENARIO\"; choose one of:" >&2
	sh "$PFLAB" list >&2
	sh "$EXLAB" list >&2
	exit 64
fi

root=$(mktemp -d /tmp/mg-demo.XXXXXX)
dir="$root/$SCENARIO"
cleanup() {
	sh "$lab" destroy "$dir" || true
	rm -rf "$root"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

sh "$lab" setup "$SCENARIO" "$dir"
sh "$lab" start "$dir"
if [ "$lab" = "$PFLAB" ]; then
	[ "$SCENARIO" = sasl-root ] && sh "$lab" fill-incident3 "$dir" 200
	set -- --postfix "$dir/etc"
else
	set -- --exim "$dir/exim4.conf" --exim-bin "$(sh "$EXLAB" bin)"
fi
echo "demo: $SCENARIO is running in $dir; opening the console"
"$REPO/mailguard-tui" --state "$root/state" "$@"
