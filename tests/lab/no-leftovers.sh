#!/bin/sh
# no-leftovers.sh - after the lab: no process of any lab instance may be
# running.  Exim daemons name their config (under a lab root) on the command
# line; Postfix's master runs as "master -w" but works in its queue
# directory, so the working directory is checked too.
set -u
pat='^/tmp/mg-(lab|exlab|labtest-pf|labtest-ex|demo)\.'
left=""
for p in /proc/[0-9]*; do
	pid=${p#/proc/}
	[ "$pid" = "$$" ] && continue
	cwd=$(readlink "$p/cwd" 2>/dev/null) || continue
	cmd=$(tr '\0' ' ' <"$p/cmdline" 2>/dev/null) || continue
	if echo "$cwd" | grep -Eq "$pat" ||
	    echo "$cmd" | grep -Eq "(^| |=)${pat#^}"; then
		left="$left
$pid cwd=$cwd: $cmd"
	fi
done
if [ -n "$left" ]; then
	echo "lab processes left behind:$left"
	echo "leftovers: 0 passed, 1 failed"
	exit 1
fi
echo "leftovers: 1 passed, 0 failed"
