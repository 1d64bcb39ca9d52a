#!/bin/sh
# bench.sh - make bench: the queue scan and the purge against the tools
# admins use today, on the same lab queue, side by side.  The queue is
# filled once by the real MTA and cached under build/bench/ for reruns
# (make clean drops it); each purge contender gets its own copy of it.
#
# usage: bench.sh [postfix|exim|purge|pfpurge|expurge|console|report|all]
#
# Environment: BENCH_DIR (where the filled queues are cached, default
# build/bench), BENCH_PROG (the console's binary: another build's, to
# compare it on the same queue; console.sh), BENCH_N (messages, default
# 100000), BENCH_RUNS (timed runs of the scan and of the Postfix purge,
# median reported, default 5), BENCH_LOOP_SAMPLE (time the per-message
# loop on the first N IDs only and extrapolate; default: the whole queue,
# which takes minutes - that is the point).
set -eu
umask 022

REPO=$(cd "$(dirname "$0")/../.." && pwd)
BENCH=${BENCH_DIR:-$REPO/build/bench}
# absolute: postfix -c and postsuper -c refuse a relative directory
mkdir -p "$BENCH"
BENCH=$(cd "$BENCH" && pwd)
PROG=$REPO/mailguard-tui
N=${BENCH_N:-100000}
RUNS=${BENCH_RUNS:-5}
SAMPLE=${BENCH_LOOP_SAMPLE:-}
PFLAB=$REPO/tests/lab/postfix/lab.sh
EXLAB=$REPO/tests/lab/exim/lab.sh
LEGIT=20			# fill-incident3 adds 20 messages from alice

# die - message on stderr, exit 1
die() {
	echo "bench.sh: $*" >&2
	exit 1
}

# now - wall clock in milliseconds
now() {
	date +%s%3N
}

# median - the median of the numbers on stdin
median() {
	sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# ratio - A / B with one decimal
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'
}

# pf_fill - the cached Postfix queue: a sasl-root lab instance with long
# queue IDs, N messages deferred at its closed relayhost (incident 3: the
# stolen root login and alice's mail).  Its queue manager is then switched
# off in master.cf so the queue stays still across reruns (postqueue -j
# needs only showq).
pf_fill() {
	dir=$BENCH/postfix
	if [ -f "$dir/filled" ] && [ "$(cat "$dir/filled")" = "$N" ]; then
		echo "postfix: cached queue of $N messages in $dir"
		return 0
	fi
	[ "$N" -gt "$LEGIT" ] || die "BENCH_N must be over $LEGIT"
	mkdir -p "$BENCH"
	chmod 755 "$BENCH"
	sh "$PFLAB" destroy "$dir"
	echo "postfix: filling a lab queue with $N messages (once)"
	sh "$PFLAB" setup sasl-root "$dir" >/dev/null
	postconf -c "$dir/etc" -e enable_long_queue_ids=yes
	touch -d "@$(($(date +%s) - 2))" "$dir/etc/main.cf"
	sh "$PFLAB" start "$dir"
	t0=$(now)
	sh "$PFLAB" fill-incident3 "$dir" $((N - LEGIT)) >/dev/null
	sh "$PFLAB" flush-wait "$dir"
	echo "postfix: filled in $((($(now) - t0) / 1000)) s"
	sh "$PFLAB" stop "$dir"
	postconf -c "$dir/etc" -M# qmgr/unix
	touch -d "@$(($(date +%s) - 2))" "$dir/etc/master.cf"
	echo "$N" >"$dir/filled"
}

# pf_bench - queue --by sasl against postqueue -j + postcat -q per message
pf_bench() {
	dir=$BENCH/postfix
	etc=$dir/etc
	out=$BENCH/out
	mkdir -p "$out"
	pf_fill
	trap 'sh "$PFLAB" stop "$dir"' EXIT
	sh "$PFLAB" start "$dir"

	postqueue -c "$etc" -j | jq -r .queue_id >"$out/ids"
	total=$(wc -l <"$out/ids")
	[ "$total" -eq "$N" ] ||
	    die "postqueue -j lists $total messages, expected $N"

	# ours: warm cache like the loop (one untimed run first)
	"$PROG" --postfix "$etc" queue --by sasl --json >"$out/ours.json"
	[ "$(jq .unreadable "$out/ours.json")" -eq 0 ] ||
	    die "queue --by sasl could not read every queue file"
	: >"$out/ours.ms"
	i=0
	while [ $i -lt "$RUNS" ]; do
		/usr/bin/time -f '%e %M' -o "$out/time" \
		    "$PROG" --postfix "$etc" queue --by sasl --json \
		    >"$out/ours.json"
		awk '{ printf "%d\n", $1 * 1000 }' "$out/time" >>"$out/ours.ms"
		awk '{ print $2 }' "$out/time" >"$out/ours.kb"
		i=$((i + 1))
	done
	ours=$(median <"$out/ours.ms")
	rss=$(cat "$out/ours.kb")

	# theirs: the loop admins run today
	if [ -n "$SAMPLE" ]; then
		head -n "$SAMPLE" "$out/ids" >"$out/loop.ids"
	else
		cp "$out/ids" "$out/loop.ids"
	fi
	looped=$(wc -l <"$out/loop.ids")
	echo "postfix: postcat -q loop over $looped messages..."
	t0=$(now)
	while read -r id; do
		postcat -c "$etc" -q "$id" 2>/dev/null |
		    sed -n 's/^named_attribute: sasl_username=//p'
	done <"$out/loop.ids" | sort | uniq -c |
	    awk '{ print $2, $1 }' >"$out/loop.counts"
	loop=$(($(now) - t0))
	est=$((loop * total / looped))

	# the two must agree, or the figures mean nothing
	jq -r '.groups[] | "\(.key) \(.count)"' "$out/ours.json" | sort \
	    >"$out/ours.counts"
	[ "$(jq .total "$out/ours.json")" -eq "$total" ] ||
	    die "queue --by sasl total $(jq .total "$out/ours.json")," \
	    "postqueue -j $total"
	if [ "$looped" -eq "$total" ]; then
		sort "$out/loop.counts" | cmp -s - "$out/ours.counts" ||
		    die "per-user counts differ: ours $(tr '\n' ' ' \
		    <"$out/ours.counts"), postcat $(tr '\n' ' ' \
		    <"$out/loop.counts")"
	fi

	echo
	echo "postfix queue, $total messages (long IDs, deferred), warm cache:"
	printf '  %-44s %8s ms  (median of %s, max RSS %s KiB)\n' \
	    "mailguard-tui queue --by sasl --json" "$ours" "$RUNS" "$rss"
	if [ "$looped" -eq "$total" ]; then
		printf '  %-44s %8s ms\n' "postqueue -j + postcat -q per message" \
		    "$loop"
	else
		printf '  %-44s %8s ms  (%s ms for %s, extrapolated)\n' \
		    "postqueue -j + postcat -q per message" "$est" "$loop" \
		    "$looped"
	fi
	if [ "$looped" -eq "$total" ]; then
		agree="counts agree with postcat"
	else
		agree="counts (not compared: sampled loop)"
	fi
	echo "  ratio: $(ratio "$est" "$ours")x; $agree:" \
	    "$(tr '\n' ' ' <"$out/ours.counts")"
	[ "$ours" -lt 2000 ] || echo "  MISSED: the scan took over 2 s"
	sh "$PFLAB" stop "$dir"
	trap - EXIT
}

# ex_fill - the cached Exim spool: an incident1-template instance (no
# daemon; nothing delivers) with N messages written by Exim itself, most
# of them authenticated as root from 93.122.252.5, 1% local mail
ex_fill() {
	dir=$BENCH/exim
	if [ -f "$dir/filled" ] && [ "$(cat "$dir/filled")" = "$N" ]; then
		echo "exim: cached spool of $N messages in $dir"
		return 0
	fi
	mkdir -p "$BENCH"
	chmod 755 "$BENCH"
	sh "$EXLAB" destroy "$dir"
	echo "exim: filling a lab spool with $N messages (once)"
	sh "$EXLAB" setup incident1-template "$dir" >/dev/null
	t0=$(now)
	sh "$EXLAB" fill "$dir" $((N - N / 100)) --auth-id root \
	    --host-address 93.122.252.5 --helo "[93.122.252.5]" \
	    --sender root@mail.example.com >/dev/null
	sh "$EXLAB" fill "$dir" $((N / 100)) >/dev/null
	echo "exim: filled in $((($(now) - t0) / 1000)) s"
	echo "$N" >"$dir/filled"
}

# time_ms - run "$@" with stdout to $out/cmd.out; elapsed ms on stdout
time_ms() {
	t0=$(now)
	"$@" >"$out/cmd.out"
	echo $(($(now) - t0))
}

# ex_bench - queue --by sasl against exim -bp, exipick and the floor (each
# -H opened, read and closed, nothing more: readloop.c) on one spool:
# ours and exim -bp timed in turn, RUNS times each (a machine shared with
# other work slows both alike), medians compared; the load is printed.
# The spool is only read: BENCH_DIR may name another tree's cache, the
# outputs stay in this tree's build/.
ex_bench() {
	dir=$BENCH/exim
	out=$REPO/build/bench/out
	mkdir -p "$out"
	ex_fill
	exim=$(sh "$EXLAB" bin)
	conf=$dir/exim4.conf
	pick=$(dirname "$exim")/exipick

	total=$("$exim" -C "$conf" -bpc)
	[ "$total" -eq "$N" ] || die "exim -bpc says $total messages, expected $N"
	# the floor: every -H opened, read once and closed by two threads,
	# nothing parsed (tests/bench/readloop.c)
	${CC:-cc} -std=c11 -D_GNU_SOURCE -O2 -pthread -o "$out/readloop" \
	    "$REPO/tests/bench/readloop.c" || die "cannot build readloop.c"

	# one of each untimed: the cache warm for both
	"$PROG" --exim "$conf" --exim-bin "$exim" queue --by sasl --json \
	    >"$out/ours.json"
	"$exim" -C "$conf" -bp >"$out/cmd.out"
	listed=$(awk '$1 ~ /^[0-9]+[smhdw]$/' "$out/cmd.out" | wc -l)
	[ "$listed" -eq "$total" ] ||
	    die "exim -bp listed $listed messages, expected $total"
	load0=$(cut -d' ' -f1-3 /proc/loadavg)
	: >"$out/ours.ms"
	: >"$out/ours.cpu"
	: >"$out/bp.ms"
	: >"$out/bp.cpu"
	: >"$out/floor.ms"
	: >"$out/floor.cpu"
	"$out/readloop" "$dir/spool" 2 >"$out/floor.out"
	[ "$(cut -d' ' -f1 "$out/floor.out")" -eq "$total" ] ||
	    die "readloop read $(cat "$out/floor.out"), expected $total files"
	i=0
	while [ $i -lt "$RUNS" ]; do
		/usr/bin/time -f '%e %M %U %S' -o "$out/time" \
		    "$PROG" --exim "$conf" --exim-bin "$exim" queue --by sasl \
		    --json >"$out/ours.json"
		awk '{ printf "%d\n", $1 * 1000 }' "$out/time" >>"$out/ours.ms"
		awk '{ printf "%d\n", ($3 + $4) * 1000 }' "$out/time" \
		    >>"$out/ours.cpu"
		awk '{ print $2 }' "$out/time" >"$out/ours.kb"
		/usr/bin/time -f '%e %U %S' -o "$out/time" \
		    "$exim" -C "$conf" -bp >"$out/cmd.out"
		awk '{ printf "%d\n", $1 * 1000 }' "$out/time" >>"$out/bp.ms"
		awk '{ printf "%d\n", ($2 + $3) * 1000 }' "$out/time" \
		    >>"$out/bp.cpu"
		/usr/bin/time -f '%e %U %S' -o "$out/time" \
		    "$out/readloop" "$dir/spool" 2 >"$out/floor.out"
		awk '{ printf "%d\n", $1 * 1000 }' "$out/time" >>"$out/floor.ms"
		awk '{ printf "%d\n", ($2 + $3) * 1000 }' "$out/time" \
		    >>"$out/floor.cpu"
		i=$((i + 1))
	done
	ours=$(median <"$out/ours.ms")
	bp=$(median <"$out/bp.ms")
	ourscpu=$(median <"$out/ours.cpu")
	bpcpu=$(median <"$out/bp.cpu")
	floor=$(median <"$out/floor.ms")
	floorcpu=$(median <"$out/floor.cpu")
	rss=$(cat "$out/ours.kb")
	load1=$(cut -d' ' -f1-3 /proc/loadavg)

	echo "exim: exipick over $total messages..."
	ep=$(time_ms "$pick" --spool "$dir/spool" -i --show-vars \
	    authenticated_id)
	sed -n "s/^[^ ]* authenticated_id='\(.*\)'\$/\1/p" "$out/cmd.out" |
	    sed 's/^$/(none)/' | sort | uniq -c | awk '{ print $2, $1 }' |
	    sort >"$out/pick.counts"
	jq -r '.groups[] | "\(.key) \(.count)"' "$out/ours.json" | sort \
	    >"$out/ours.counts"
	cmp -s "$out/pick.counts" "$out/ours.counts" ||
	    die "per-user counts differ: ours $(tr '\n' ' ' \
	    <"$out/ours.counts"), exipick $(tr '\n' ' ' <"$out/pick.counts")"

	echo
	echo "exim spool, $total messages, warm cache (load average $load0" \
	    "before, $load1 after; $(nproc) cores):"
	printf '  %-44s %8s ms  (median of %s: %s; max RSS %s KiB)\n' \
	    "mailguard-tui queue --by sasl --json" "$ours" "$RUNS" \
	    "$(tr '\n' ' ' <"$out/ours.ms" | sed 's/ $//')" "$rss"
	printf '  %-44s %8s ms  (%sx; median of %s: %s)\n' \
	    "exim -bp (listing only, no auth id)" "$bp" \
	    "$(ratio "$bp" "$ours")" "$RUNS" \
	    "$(tr '\n' ' ' <"$out/bp.ms" | sed 's/ $//')"
	printf '  %-44s %8s ms  (%sx)\n' "exipick --show-vars authenticated_id" \
	    "$ep" "$(ratio "$ep" "$ours")"
	# the floor: what open/read/close of each -H alone costs (no scan
	# that reads every -H can be faster than exim -bp by more than this)
	printf '  %-44s %8s ms  (exim -bp %sx it; median of %s: %s)\n' \
	    "floor: open/read/close each -H, 2 threads" "$floor" \
	    "$(ratio "$bp" "$floor")" "$RUNS" \
	    "$(tr '\n' ' ' <"$out/floor.ms" | sed 's/ $//')"
	# CPU time (user + system, children included) is what the load of
	# the machine changes least: the work each does
	printf '  %-44s %8s ms  against exim -bp %s ms (%sx), floor %s ms\n' \
	    "CPU time, medians" "$ourscpu" "$bpcpu" \
	    "$(ratio "$bpcpu" "$ourscpu")" "$floorcpu"
	echo "  counts agree with exipick: $(tr '\n' ' ' <"$out/ours.counts")"
}

# pf_console - the console's queue view on the cached Postfix queue
# (tests/bench/console.sh: first frame, key latency during a read, idle
# CPU, RSS)
pf_console() {
	pf_fill
	echo
	sh "$REPO/tests/bench/console.sh" --postfix "$BENCH/postfix/etc"
}

# ex_console - the console's queue view on the cached Exim spool: its
# configuration's findings are proved by exim -bh, which the landing of
# the first read must not run again on the interface thread
ex_console() {
	ex_fill
	echo
	sh "$REPO/tests/bench/console.sh" --exim "$BENCH/exim/exim4.conf" \
	    --exim-bin "$(sh "$EXLAB" bin)"
}

# report_bench - report --json's time where the tests only cut it off
# (a slower machine is not a failure there): each corpus case (goal
# < 5 s), the proxy-sql lab tables (goal < 5 s) and the certificate's MX
# lookups against a silent and a refusing resolver (goal: at most the
# 2 s DNS budget slower, and not slower)
report_bench() {
	echo
	echo "report --json on the corpus (tests/corpus/run.sh; goal < 5000 ms each):"
	sh "$REPO/tests/corpus/run.sh" |
	    sed -n 's/^\(ok\|FAIL\) *\([^ ]*\) ([a-z-]*, \([0-9]*\) ms.*/\2 \3/p' |
	    awk '{ printf "  %-44s %8s ms\n", $1, $2; if ($2 > m) m = $2 }
		END { printf "  %-44s %8s ms  (goal < 5000)\n", "slowest", m }'
	(cd "$REPO" && make -s build/tests/test_lab_tables \
	    build/tests/test_lab_cert_mx >/dev/null) ||
	    die "cannot build the lab tests"
	echo "report --json with tables it cannot read (test_lab_tables; goal < 5 s):"
	(cd "$REPO" && ./build/tests/test_lab_tables 2>&1) |
	    grep 'report --json on proxy-sql' || die "test_lab_tables failed"
	echo "report --json and DNS (test_lab_cert_mx; budget 2 s):"
	(cd "$REPO" && ./build/tests/test_lab_cert_mx 2>&1) |
	    grep -E 'report --no-dns|resolver refused' ||
	    die "test_lab_cert_mx failed"
}

# clone - a copy of the filled lab instance $1 at $2, every path in its
# configuration files ($3...) pointing at the copy
clone() {
	src=$1
	dst=$2
	shift 2
	rm -rf "$dst"
	cp -a "$src" "$dst"
	for f in "$@"; do
		sed -i "s#$src#$dst#g" "$dst/$f"
	done
	# written back, as a queue that built up is: neither contender
	# pays for the other's copy
	sync
}

# count_files - regular files under $1
count_files() {
	find "$1" -type f | wc -l
}

# cpu_ms - user+sys milliseconds of a /usr/bin/time -f "%U %S" file
cpu_ms() {
	awk '{ printf "%d", ($1 + $2) * 1000 }' "$1"
}

# pf_purge_one - one timed purge of contender $1 (base: postqueue -j | jq
# | postsuper -d -; link: mailguard-tui purge; copy: the same with the
# quarantine copied as across filesystems) on its own clone of the queue;
# "CONTENDER WALL CPU" appended to pfpurge.runs (ms; CPU = user+sys of the contender's own processes, not
# the Postfix daemons: showq's work for postqueue -j is not in base's)
pf_purge_one() {
	c=$1
	d=$BENCH/pf-$c
	clone "$src" "$d" etc/main.cf etc/master.cf
	rm -rf "$BENCH/pf-state"
	mkdir -m 700 "$BENCH/pf-state"
	trap 'sh "$PFLAB" stop "$d"' EXIT
	etc=$d/etc
	sh "$PFLAB" start "$d" >/dev/null
	t0=$(now)
	case $c in
	base)
		/usr/bin/time -f "%U %S" -o "$out/$c.time" sh -c '
		    postqueue -c "$1" -j |
		    jq -r "select(.sender == \"root@example.com\") | .queue_id" |
		    postsuper -c "$1" -d - 2>"$2"' sh "$etc" "$out/base.err"
		;;
	link | copy)
		cenv=
		[ "$c" = link ] || cenv=MAILGUARD_PURGE_COPY=1
		env $cenv /usr/bin/time -f "%U %S" -o "$out/$c.time" \
		    "$PROG" --postfix "$etc" --state "$BENCH/pf-state" \
		    purge --sasl root --yes >"$out/$c.purge"
		;;
	esac
	wall=$(($(now) - t0))
	left=$(postqueue -c "$etc" -j | wc -l)
	[ "$left" -eq "$LEGIT" ] ||
	    die "after $c: $left messages left, expected $LEGIT"
	if [ "$c" != base ]; then
		quar=$(count_files "$BENCH/pf-state/quarantine") # + README
		[ "$quar" -eq $((want + 1)) ] ||
		    die "$c: quarantine holds $((quar - 1)) files, expected $want"
		grep -q "($( [ "$c" = link ] && echo "$want linked, 0" ||
		    echo "0 linked, $want") copied)" "$out/$c.purge" ||
		    die "$c: not all $want $c'ed: $(grep quarantined \
		    "$out/$c.purge")"
	fi
	sh "$PFLAB" stop "$d" >/dev/null
	trap - EXIT
	rm -rf "$d" "$BENCH/pf-state"
	echo "$c $wall $(cpu_ms "$out/$c.time")" >>"$out/pfpurge.runs"
}

# pf_purge - purge --sasl root (the quarantine hard-linked, and copied)
# against postqueue -j | jq | postsuper -d -, each on its own copy of the
# filled queue, in turn, BENCH_RUNS times (median)
pf_purge() {
	src=$BENCH/postfix
	out=$BENCH/out
	mkdir -p "$out"
	pf_fill
	want=$((N - LEGIT))
	: >"$out/pfpurge.runs"
	i=0
	while [ $i -lt "$RUNS" ]; do
		for c in base link copy; do
			echo "postfix: purging $want of $N ($c, run $((i + 1)))..."
			pf_purge_one $c
		done
		i=$((i + 1))
	done
	echo
	echo "postfix purge, $want of $N messages (warm cache), median of" \
	    "$RUNS; wall, CPU = user+sys (load: $(uptime | sed 's/.*load/load/')):"
	for c in link copy base; do
		w=$(awk -v c=$c '$1 == c { print $2 }' "$out/pfpurge.runs" |
		    median)
		u=$(awk -v c=$c '$1 == c { print $3 }' "$out/pfpurge.runs" |
		    median)
		eval "w_$c=$w"
		case $c in
		link) l="mailguard-tui purge (hard links, synced)" ;;
		copy) l="mailguard-tui purge (copies, synced)" ;;
		base) l="postqueue -j | jq | postsuper -d -" ;;
		esac
		printf '  %-44s %8s ms  CPU %8s ms\n' "$l" "$w" "$u"
	done
	echo "  runs: $(tr '\n' ';' <"$out/pfpurge.runs")"
	echo "  ratio: $(ratio "$w_link" "$w_base")x the unsafe baseline" \
	    "(goal <= 1.2x; copies: $(ratio "$w_copy" "$w_base")x);" \
	    "$want quarantined, $LEGIT left"
}

# ex_purge - purge --sasl root against exipick | xargs exim -Mrm, each on
# its own copy of the filled spool
ex_purge() {
	src=$BENCH/exim
	out=$BENCH/out
	mkdir -p "$out"
	ex_fill
	exim=$(sh "$EXLAB" bin)
	pick=$(dirname "$exim")/exipick
	want=$((N - N / 100))
	for c in base ours; do
		clone "$src" "$BENCH/ex-$c" exim4.conf
	done
	rm -rf "$BENCH/ex-state"
	mkdir -m 700 "$BENCH/ex-state"

	conf=$BENCH/ex-base/exim4.conf
	echo "exim: purging $want of $N (exipick | xargs exim -Mrm)..."
	t0=$(now)
	"$pick" --spool "$BENCH/ex-base/spool" -i '$authenticated_id eq root' |
	    xargs "$exim" -C "$conf" -Mrm >"$out/base.out"
	base=$(($(now) - t0))
	removed=$(grep -c "has been removed" "$out/base.out" || true)
	left=$("$exim" -C "$conf" -bpc)
	[ "$left" -eq $((N / 100)) ] ||
	    die "after exim -Mrm: $left messages left, expected $((N / 100))"

	conf=$BENCH/ex-ours/exim4.conf
	echo "exim: purging $want of $N (mailguard-tui purge --sasl root)..."
	t0=$(now)
	"$PROG" --exim "$conf" --exim-bin "$exim" --state "$BENCH/ex-state" \
	    purge --sasl root --yes >"$out/ours.purge"
	ours=$(($(now) - t0))
	left=$("$exim" -C "$conf" -bpc)
	[ "$left" -eq $((N / 100)) ] ||
	    die "after purge: $left messages left, expected $((N / 100))"
	# -H and -D of each message; README and purge.log not counted
	quar=$(find "$BENCH/ex-state/quarantine" -type f \( -name '*-H' -o \
	    -name '*-D' \) | wc -l)
	[ "$quar" -eq $((2 * want)) ] ||
	    die "quarantine holds $quar -H/-D files, expected $((2 * want))"
	grep -c '^removed ' "$BENCH"/ex-state/quarantine/*/purge.log \
	    >"$out/ex.removed" 2>/dev/null || true
	[ "$(awk -F: '{ n += $NF } END { print n + 0 }' "$out/ex.removed")" \
	    -eq "$want" ] ||
	    die "the purge log says $(awk -F: '{ n += $NF } END { print n + 0 }' \
	    "$out/ex.removed") removed, expected $want"

	echo
	echo "exim purge, $want of $N messages (warm cache):"
	printf '  %-44s %8s ms\n' "mailguard-tui purge (quarantined, synced)" \
	    "$ours"
	printf '  %-44s %8s ms  (%s removed)\n' \
	    "exipick | xargs exim -Mrm" "$base" "$removed"
	echo "  ratio: $(ratio "$ours" "$base")x the unsafe baseline" \
	    "(goal <= 1.2x); $want quarantined, $((N / 100)) left"
	rm -rf "$BENCH/ex-base" "$BENCH/ex-ours" "$BENCH/ex-state"
}

case ${1:-all} in
postfix) pf_bench ;;
exim) ex_bench ;;
console)
	pf_console
	ex_console
	;;
report) report_bench ;;
pfpurge) pf_purge ;;
expurge) ex_purge ;;
purge)
	pf_purge
	ex_purge
	;;
pfpurge) pf_purge ;;
expurge) ex_purge ;;
all)
	pf_bench
	ex_bench
	pf_purge
	ex_purge
	pf_console
	ex_console
	report_bench
	;;
*) die "usage: bench.sh [postfix|exim|purge|pfpurge|expurge|console|report|all]" ;;
esac
