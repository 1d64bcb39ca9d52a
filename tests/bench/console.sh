#!/bin/sh
# console.sh - make bench's console figures: the real console in a
# private tmux server (its own socket) on a filled lab queue: the time to
# the queue view's first frame and to its first complete read, key latency
# while that first read lands (the queue's findings made and the read
# handed to the view, on the interface thread: ? opens and closes the
# help, each press timed until the box appears or goes, from the first
# frame until a few presses after the read is shown), key latency while
# the view reads the queue again (a key, then the pane polled until it
# changes), CPU used while the view is shown and idle, peak RSS, and the
# time q takes to end the console while it reads the queue.
#
# usage: console.sh --postfix ETC | --exim CONF --exim-bin BIN
#
# Environment: BENCH_IDLE_S (seconds of idle CPU measured, default 30),
# BENCH_KEYS (key presses timed, default 10), BENCH_PROG (the binary,
# default the repository's: another build's, to compare on one queue).
set -eu

REPO=$(cd "$(dirname "$0")/../.." && pwd)
PROG=${BENCH_PROG:-$REPO/mailguard-tui}
IDLE=${BENCH_IDLE_S:-30}
KEYS=${BENCH_KEYS:-10}
SOCK=mg-bench-$$
WORK=$(mktemp -d /tmp/mg-bench.XXXXXX)
HZ=$(getconf CLK_TCK)

# die - message on stderr, exit 1
die() {
	echo "console.sh: $*" >&2
	exit 1
}

# tm - tmux on the private server; no configuration file is read
tm() {
	tmux -L "$SOCK" -f /dev/null "$@"
}

cleanup() {
	tm kill-server >/dev/null 2>&1 || :
	rm -rf -- "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# now - wall clock in milliseconds
now() {
	date +%s%3N
}

# snap - the pane into $WORK/screen
snap() {
	tm capture-pane -p -t bench >"$WORK/screen" 2>/dev/null ||
	    : >"$WORK/screen"
}

# wait_re RE SECONDS - poll every 50 ms until the pane matches RE; 1 if
# not (polling without a pause would take a core from the console)
wait_re() {
	end=$(($(now) + $2 * 1000))
	while [ "$(now)" -lt "$end" ]; do
		snap
		grep -Eq -- "$1" "$WORK/screen" && return 0
		sleep 0.05
	done
	return 1
}

# cpu_ticks PID - utime + stime of PID in clock ticks
cpu_ticks() {
	awk '{ print $14 + $15 }' "/proc/$1/stat"
}

# median, max - of the numbers on stdin
median() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}
maxof() {
	sort -n | tail -n 1
}

[ $# -ge 2 ] || die "usage: console.sh --postfix ETC | --exim CONF --exim-bin BIN"
command -v tmux >/dev/null 2>&1 || die "tmux is needed"
[ -x "$PROG" ] || die "$PROG missing (make first)"
LC_ALL=C.UTF-8
export LC_ALL
unset NO_COLOR TMUX TMUX_PANE

# the first frame: the queue view's status line; the first read: its size
t0=$(now)
tm new-session -d -s bench -x 100 -y 30 "$PROG" "$@" --state \
    "$WORK/state" --incident
pid=$(tm display-message -p -t bench '#{pane_pid}')
# the pane's process is tmux's fork until it has run exec (a loaded
# machine shows it): polled, at most 5 s
i=0
while [ "$(cat "/proc/$pid/comm" 2>/dev/null)" != mailguard-tui ] &&
    [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
[ "$(cat "/proc/$pid/comm" 2>/dev/null)" = mailguard-tui ] ||
    die "the pane runs $(cat "/proc/$pid/comm" 2>/dev/null), not mailguard-tui"
wait_re '[^ ]' 120 || die "nothing drawn after 120 s"
drawn=$(($(now) - t0))
wait_re '^ Queue: ' 120 || die "no queue view after 120 s"
first=$(($(now) - t0))

# keys while the first read lands: ? opens the help box, ? closes it,
# each timed until the box shows or goes; the read looked for with the
# box closed; four presses after it is shown
: >"$WORK/land"
read1=
after=0
while [ "$after" -lt 4 ]; do
	for want in open closed; do
		t1=$(now)
		tm send-keys -t bench '?'
		while :; do
			snap
			if grep -q ' Keys: ' "$WORK/screen"; then
				[ "$want" = open ] && break
			else
				[ "$want" = closed ] && break
			fi
			[ $(($(now) - t1)) -lt 30000 ] || die "a key waited 30 s"
			sleep 0.01
		done
		echo $(($(now) - t1)) >>"$WORK/land"
	done
	if [ -n "$read1" ]; then
		after=$((after + 1))
	elif grep -Eq '^ Queue: [0-9]+ messages' "$WORK/screen"; then
		read1=$(($(now) - t0))
	fi
	[ $(($(now) - t0)) -lt 600000 ] || die "no queue read after 600 s"
	sleep 0.05
done
land_med=$(median <"$WORK/land")
land_max=$(maxof <"$WORK/land")
land_n=$(wc -l <"$WORK/land")
msgs=$(sed -n 's/^ Queue: \([0-9]*\) messages.*/\1/p' "$WORK/screen")

# keys while the view reads the queue again: r (a full read, as after a
# change: an unchanged queue is not read), the mark, then b (or B) timed
# until the pane changes
: >"$WORK/lat"
: >"$WORK/during"
i=0
key=b
while [ $i -lt "$KEYS" ]; do
	wait_re '^ Queue: [0-9]+ messages' 600 || die "no read ended"
	grep -q 'scanning' "$WORK/screen" &&
	    { wait_re '^ Queue: [0-9]+ messages.*  read [0-9:]+, every [0-9]+s *$' 600 ||
	    die "the read did not end"; }
	tm send-keys -t bench r
	wait_re 'scanning' 5 || :
	cp "$WORK/screen" "$WORK/before"
	t1=$(now)
	tm send-keys -t bench "$key"
	while :; do
		snap
		cmp -s "$WORK/screen" "$WORK/before" || break
		[ $(($(now) - t1)) -lt 30000 ] || die "a key waited 30 s"
		sleep 0.01
	done
	echo $(($(now) - t1)) >>"$WORK/lat"
	grep -q 'scanning' "$WORK/screen" && echo 1 >>"$WORK/during"
	sleep 0.2
	[ "$key" = b ] && key=B || key=b
	i=$((i + 1))
done
lat_med=$(median <"$WORK/lat")
lat_max=$(maxof <"$WORK/lat")
during=$(wc -l <"$WORK/during")

# idle: the groups shown, nothing pressed, the last read ended
wait_re '^ Queue: [0-9]+ messages.*  read [0-9:]+, every [0-9]+s *$' 600 ||
    die "the last read did not end"
c0=$(cpu_ticks "$pid")
sleep "$IDLE"
c1=$(cpu_ticks "$pid")
cpu=$(awk -v t=$((c1 - c0)) -v hz="$HZ" -v s="$IDLE" \
    'BEGIN { printf "%.1f", 100 * t / hz / s }')
hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$pid/status")
rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")
# q while the view reads the queue: the time until the process has
# exited (it does not wait for the read; tests/e2e checks that it ends,
# this measures how soon).  Exited is a zombie or gone: the last session
# closing ends the tmux server, and the zombie's new parent (init, in a
# container maybe not one that reaps at once) may take a second more.
tm send-keys -t bench r
wait_re ' scanning' 30 || die "r did not start a read"
t1=$(now)
tm send-keys -t bench q
while [ -d "/proc/$pid" ] && [ $(($(now) - t1)) -lt 10000 ] &&
    [ "$(awk '{ print $3 }' "/proc/$pid/stat" 2>/dev/null)" != Z ]; do
	sleep 0.01
done
quit=$(($(now) - t1))
[ "$quit" -lt 10000 ] || die "q did not end the console"

echo "console, queue view (--incident), $msgs messages ($PROG):"
printf '  %-44s %8s ms\n' "first frame (the loading screen)" "$drawn"
printf '  %-44s %8s ms  (goal < 1000; the configuration and its checks:\n' \
    "first frame of the queue view" "$first"
printf '  %-44s %8s     the queue is read behind the first frame)\n' "" ""
printf '  %-44s %8s ms\n' "first complete read shown" "$read1"
printf '  %-44s %8s ms  (max %s ms over %s keys, from the first frame to\n' \
    "key latency while the first read lands" "$land_med" "$land_max" \
    "$land_n"
printf '  %-44s %8s     after the read is shown; goal < 100)\n' "" ""
printf '  %-44s %8s ms  (max %s ms; %s of %s seen while scanning; goal < 100)\n' \
    "key latency while the view reads (r)" "$lat_med" "$lat_max" \
    "$during" "$KEYS"
printf '  %-44s %8s ms  (goal < 1000)\n' "q during a read, until the process ends" \
    "$quit"
printf '  %-44s %8s %%   (over %s s; goal < 2)\n' "CPU with the view shown, idle" \
    "$cpu" "$IDLE"
printf '  %-44s %8s MiB (now %s MiB; goal < 64)\n' "peak RSS (VmHWM)" \
    $((hwm / 1024)) $((rss / 1024))
printf '  %-44s %s\n' "load average (1, 5, 15 min) at the end" \
    "$(cut -d ' ' -f 1-3 /proc/loadavg)"
