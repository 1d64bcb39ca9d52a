#!/bin/sh
# lib.sh - what run.sh (the corpus) and tests/golden/run.sh share, sourced:
# a case's private copy (Postfix: pf_prepare, pf_tables; Exim: ex_prepare
# through the lab) and mailguard-tui run on it (tool).  The caller sets
# CORPUS (this directory), TOOL, EXLAB, CUT_S, GROUP (the name its lines
# start with) and, for Exim, EXIM.

# die - message on stderr, exit 2
die() {
	echo "$GROUP: $*" >&2
	exit 2
}

# lib_work WHY KEEP - the binary, jq and root ($1: what needs root) are
# there; WORK, a private directory removed at exit (Exim lab copies
# destroyed first) unless KEEP ($2) is set
lib_work() {
	[ -x "$TOOL" ] || die "$TOOL missing (make)"
	command -v jq >/dev/null || die "jq missing (make deps)"
	[ "$(id -u)" = 0 ] || die "needs root ($1)"
	WORK=$(mktemp -d "/tmp/mg-$GROUP.XXXXXX") || die "mktemp failed"
	chmod 755 "$WORK"
	LIB_KEEP=$2
	trap lib_cleanup EXIT
	trap 'exit 130' INT TERM
}

# lib_cleanup - WORK removed, or kept and said
lib_cleanup() {
	if [ -n "$LIB_KEEP" ]; then
		echo "$GROUP: kept $WORK (Exim copies: lab.sh destroy DIR)"
		return 0
	fi
	for d in "$WORK"/*/; do
		[ -f "$d/.mg-exim-lab" ] && sh "$EXLAB" destroy "${d%/}" \
		    >/dev/null 2>&1
	done
	rm -rf "$WORK"
}

# lib_run_all FUNCTION NAME... - FUNCTION for each name, then the summary
# line "GROUP: N passed, N failed"; fails if any failed
lib_run_all() {
	fn=$1
	shift
	pass=0
	fail=0
	failed=""
	for name in "$@"; do
		if "$fn" "$name"; then
			pass=$((pass + 1))
		else
			fail=$((fail + 1))
			failed="$failed $name"
		fi
	done
	[ -n "$failed" ] && echo "$GROUP: failed:$failed"
	echo "$GROUP: $pass passed, $fail failed"
	[ $fail -eq 0 ]
}

# pf_prepare - Postfix case $1 into copy $2
pf_prepare() {
	mkdir -p "$2/etc" "$2/spool" "$2/data" "$2/log" "$2/state"
	chown postfix "$2/data"
	(cd "$1" && find . -type f ! -name NOTE.md ! -name expected.txt) |
	    while read -r f; do
		mkdir -p "$(dirname "$2/etc/$f")"
		sed -e 's|/etc/postfix/|@MGETC@/|g' \
		    -e 's|/opt/postfix/conf/|@MGETC@/|g' \
		    -e 's|/etc/|@MGETC@/|g' -e "s|@MGETC@|$2/etc|g" \
		    "$1/$f" >"$2/etc/$f"
	    done
	etc=$2/etc
	# one parameter a call: postconf -e appends several new ones in hash
	# order, and the golden diffs show these lines
	postconf -c "$etc" -e "queue_directory = $2/spool" || return 1
	postconf -c "$etc" -e "data_directory = $2/data" || return 1
	ml=$(postconf -c "$etc" -nh maillog_file 2>/dev/null)
	case $ml in
	/dev/stdout) ;;	# the case's own (a container's log)
	*)
		postconf -c "$etc" -e "maillog_file_prefixes = $2/log" ||
		    return 1
		postconf -c "$etc" -e "maillog_file = $2/log/maillog" ||
		    return 1
		: >"$2/log/maillog"
		;;
	esac
	if [ -z "$(postconf -c "$etc" -M postlog/unix-dgram 2>/dev/null)" ]
	then
		postconf -c "$etc" -M \
		    "postlog/unix-dgram = postlog unix-dgram n - n - 1 postlogd"
	fi
	pf_tables "$etc"
}

# pf_tables - compile every hash:/btree: source of the copy that exists
pf_tables() {
	cat "$1/main.cf" "$1/master.cf" |
	    grep -o '\(hash\|btree\):[^ ,}]*' | sort -u | while read -r t; do
		src=${t#*:}
		[ -f "$src" ] || continue
		case $src in
		*/aliases) postalias -c "$1" "$t" ;;
		*) postmap -c "$1" "$t" ;;
		esac
	    done
	# Postfix programs poll a main.cf younger than a second
	touch -d "@$(($(date +%s) - 2))" "$1/main.cf" "$1/master.cf"
}

# ex_prepare - Exim case $1 into copy $2 through the lab
ex_prepare() {
	LAB_SCENDIR=$CORPUS/exim-scenario MG_CORPUS_CASE=$1 \
	    sh "$EXLAB" setup case "$2" >"$2.setup" 2>&1
}

# tool - mailguard-tui on the copy $2 of case kind $1, then ARGS
tool() {
	k=$1
	d=$2
	shift 2
	case $k in
	postfix)
		timeout "$CUT_S" "$TOOL" --no-host-context --postfix "$d/etc" \
		    --state "$d/state" "$@"
		;;
	exim-plain)
		timeout "$CUT_S" "$TOOL" --no-host-context --exim "$d/exim4.conf" \
		    --exim-bin "$EXIM" --state "$d/state" "$@"
		;;
	exim-debian)
		timeout "$CUT_S" "$TOOL" --no-host-context --exim "$d/etc/exim4" \
		    --exim-bin "$EXIM" \
		    --exim-generator "$d/bin/update-exim4.conf" \
		    --state "$d/state" "$@"
		;;
	esac
}

