#!/bin/sh
# man.sh PROG MANPAGE - the man page stays true to the binary, and the
# install target installs what it says.  No root, no lab.
#
#  1. groff -man -ww prints no warning; man renders the page.
#  2. The page's version is the binary's.  Every command and every
#     --option of "PROG --help", and every exit status of core/mg_exit.h,
#     is named in the page (in its EXIT STATUS section for the statuses).
#     The check is run once on a copy with a command removed, and must
#     fail there.
#  3. make install into a temporary DESTDIR puts the binary (0755), the
#     page (0644, under MANDIR/man8) and the systemd units (0644, the
#     service's ExecStart naming BINDIR) in place; make uninstall removes
#     them; systemd-analyze verify accepts the units when it is present.
set -eu

prog=${1:-./mailguard-tui}
page=${2:-docs/mailguard-tui.8}
top=$(pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mgman.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
fails=0
pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# --- 1. groff and man -------------------------------------------------
if LC_ALL=C.UTF-8 groff -man -ww -z "$page" >"$tmp/groff.out" 2>&1 &&
    [ ! -s "$tmp/groff.out" ]; then
	pass "groff -man -ww: no warning"
else
	fail "groff -man -ww warns:"
	cat "$tmp/groff.out" >&2
fi
if LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$page" >"$tmp/man.txt" 2>"$tmp/man.err" &&
    grep -q '^EXIT STATUS' "$tmp/man.txt" && grep -q '^EXAMPLES' "$tmp/man.txt"
then
	pass "man -l renders ($(wc -l <"$tmp/man.txt") lines)"
else
	fail "man -l does not render the page"
	cat "$tmp/man.err" >&2
fi

# --- 2. --help and exit statuses against the page ---------------------
"$prog" --help >"$tmp/help.txt"
th=$(sed -n 's/^\.TH .*"\(mailguard-tui [^"]*\)".*/\1/p' "$page")
ver=$("$prog" --version)
[ "$th" = "$ver" ] && pass "the page's .TH names $ver" ||
    fail "the page's .TH says '$th', the binary '$ver'"
# Commands: the lines "  NAME[|NAME...] ..." between "Commands:" and the
# next blank line, "(none)" left out.
sed -n '/^Commands:/,/^$/p' "$tmp/help.txt" |
    sed -n 's/^  \([a-z][a-z|-]*\).*/\1/p' | tr '|' '\n' >"$tmp/commands"
# Options: every --word in the help text.
grep -o -- '--[a-z][a-z-]*' "$tmp/help.txt" | sort -u >"$tmp/options"
# Exit statuses: every MG_EXIT_* value.
sed -n 's/^#define MG_EXIT_[A-Z]*[ 	]*\([0-9][0-9]*\).*/\1/p' \
    "$top/core/mg_exit.h" | sort -un >"$tmp/statuses"

# check_page FILE - 0 when FILE names every command, option and status
check_page() {
	# The page as plain words: \- is -, font escapes gone.
	sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\&//g' "$1" >"$tmp/flat"
	sed -n '/^\.SH "EXIT STATUS"/,/^\.SH /p' "$tmp/flat" >"$tmp/exit"
	missing=""
	while read -r c; do
		# a .B line of the COMMANDS section starting with it
		grep -Eq "^\.B ([a-z|-]*\|)?$c(\||[ ]|\$)" "$tmp/flat" ||
		    missing="$missing command:$c"
	done <"$tmp/commands"
	while read -r o; do
		grep -Fq -- "$o" "$tmp/flat" || missing="$missing option:$o"
	done <"$tmp/options"
	while read -r s; do
		grep -Eq "^\.B $s$" "$tmp/exit" || missing="$missing exit:$s"
	done <"$tmp/statuses"
	[ -z "$missing" ] && return 0
	echo "$missing" >"$tmp/missing"
	return 1
}

ncmd=$(wc -l <"$tmp/commands")
nopt=$(wc -l <"$tmp/options")
nst=$(wc -l <"$tmp/statuses")
if [ "$ncmd" -lt 5 ] || [ "$nopt" -lt 10 ] || [ "$nst" -lt 5 ]; then
	fail "--help gave $ncmd commands, $nopt options, $nst statuses: parse broken"
elif check_page "$page"; then
	pass "$ncmd commands, $nopt options, $nst exit statuses of --help all in the page"
else
	fail "the page does not name:$(cat "$tmp/missing")"
fi
# The check can fail: the page without its journal command, and without
# exit status 73.
grep -v '^\.B journal' "$page" >"$tmp/nojournal.8"
sed '/^\.B 73$/d' "$page" >"$tmp/no73.8"
if check_page "$tmp/nojournal.8" || check_page "$tmp/no73.8"; then
	fail "the check passed a page missing a command or an exit status"
else
	pass "the check fails on a page without 'journal' or exit 73"
fi

# --- 3. make install / uninstall -------------------------------------
d="$tmp/dest"
make -s -C "$top" install DESTDIR="$d" PREFIX=/usr \
    SYSTEMDUNITDIR=/lib/systemd/system >"$tmp/install.out" 2>&1 ||
    { fail "make install"; cat "$tmp/install.out" >&2; }
mode() { stat -c %a "$1" 2>/dev/null || echo missing; }
for f in usr/sbin/mailguard-tui:755 usr/share/man/man8/mailguard-tui.8:644 \
    lib/systemd/system/mailguard-tui-report.service:644 \
    lib/systemd/system/mailguard-tui-report.timer:644; do
	m=$(mode "$d/${f%:*}")
	[ "$m" = "${f#*:}" ] && pass "installed /${f%:*} mode $m" ||
	    fail "/${f%:*}: mode $m, want ${f#*:}"
done
grep -q '^ExecStart=/usr/sbin/mailguard-tui report --format prometheus --output ' \
    "$d/lib/systemd/system/mailguard-tui-report.service" &&
    pass "the service runs /usr/sbin/mailguard-tui" ||
    fail "the service's ExecStart does not name /usr/sbin/mailguard-tui"
make -s -C "$top" uninstall DESTDIR="$d" PREFIX=/usr \
    SYSTEMDUNITDIR=/lib/systemd/system >/dev/null 2>&1 || fail "make uninstall"
left=$(find "$d" -type f | wc -l)
[ "$left" -eq 0 ] && pass "make uninstall removed every file" ||
    fail "make uninstall left $left files: $(find "$d" -type f)"

if command -v systemd-analyze >/dev/null 2>&1; then
	# Installed under a prefix of its own so that ExecStart names a real
	# executable for verify.
	p="$tmp/prefix"
	make -s -C "$top" install PREFIX="$p" >/dev/null 2>&1
	if MANPATH="$p/share/man" SYSTEMD_LOG_LEVEL=warning systemd-analyze verify \
	    "$p/lib/systemd/system/mailguard-tui-report.timer" \
	    "$p/lib/systemd/system/mailguard-tui-report.service" \
	    >"$tmp/verify.out" 2>&1 && ! grep -q mailguard "$tmp/verify.out"
	then
		pass "systemd-analyze verify: the units are clean"
	else
		fail "systemd-analyze verify:"
		cat "$tmp/verify.out" >&2
	fi
else
	echo "skip: systemd-analyze not installed"
fi

[ "$fails" -eq 0 ] || { echo "man.sh: $fails failed" >&2; exit 1; }
echo "man.sh: all passed"
