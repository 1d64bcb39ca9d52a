#!/bin/sh
# run.sh - the Debian package, built, judged by lintian, installed on this
# machine and purged again (make package-test; root).
#
#  1. tests/package/man.sh: the man page against --help, install/uninstall.
#  2. A copy of the tree (tracked and new files, no build products) in a
#     temporary directory: dpkg-buildpackage -us -uc -b there.  The source
#     tree is checked unchanged afterwards.
#  3. lintian on the .changes: any E: fails.
#  4. dpkg -i: mailguard-tui --version says the changelog's version,
#     man -w finds the page and man renders it, /usr/sbin/mailguard-tui is
#     0755 root, /var/lib/mailguard 0700 root, the units are there and the
#     timer is not enabled.  The service's command, as the unit has it,
#     on a lab Postfix (mask-typo): an exit status the unit counts as
#     success, the output complete (prometheus_client parses it).
#  5. dpkg -P: nothing of the package is left (files, state directory,
#     deb-systemd-helper state), so the machine is as before.
# A mailguard-tui package already installed here is never touched: the
# test refuses to run.  PACKAGE_KEEP=1 keeps the temporary directory.
set -eu

top=$(pwd)
fails=0
installed=0
pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
die() { echo "package-test: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "needs root (dpkg -i, dpkg -P): sudo make package-test"
for t in dpkg-buildpackage dh lintian man groff; do
	command -v "$t" >/dev/null 2>&1 || die "$t missing: run make deps"
done
[ -f "$top/debian/control" ] || die "run from the top of the source tree"
if dpkg-query -W -f='${Status}' mailguard-tui 2>/dev/null |
    grep -q 'installed'; then
	die "a mailguard-tui package is installed on this machine; the test" \
	    "would replace and purge it: remove it first (dpkg -P mailguard-tui)"
fi

# The state directory as it was: the test must leave it so.
state=/var/lib/mailguard
state_before=absent
[ -e "$state" ] && state_before=$(stat -c '%a %u:%g' "$state")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/mgpkg.XXXXXX")
chmod 0755 "$tmp"
labdir=""
cleanup() {
	if [ -n "$labdir" ]; then
		sh "$top/tests/lab/postfix/lab.sh" destroy "$labdir" \
		    >/dev/null 2>&1 || true
	fi
	if [ "$installed" -eq 1 ]; then
		dpkg_retry -P mailguard-tui >/dev/null 2>&1 || true
	fi
	if [ "${PACKAGE_KEEP:-0}" = 1 ]; then
		echo "kept: $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# dpkg_retry ARGS - dpkg, waiting up to 2 minutes while another dpkg or
# apt holds the lock
dpkg_retry() {
	i=0
	while :; do
		if dpkg "$@" >"$tmp/dpkg.out" 2>&1; then
			return 0
		fi
		if grep -q 'lock' "$tmp/dpkg.out" && [ "$i" -lt 60 ]; then
			i=$((i + 1))
			sleep 2
			continue
		fi
		cat "$tmp/dpkg.out" >&2
		return 1
	done
}

start=$(date +%s)

# --- 1. the man page and make install ---------------------------------
make -s -C "$top" mailguard-tui >/dev/null
sh "$top/tests/package/man.sh" "$top/mailguard-tui" "$top/docs/mailguard-tui.8" ||
    fail "man.sh"

# --- 2. build from a copy ---------------------------------------------
isgit=0
git -C "$top" rev-parse --git-dir >/dev/null 2>&1 && isgit=1
[ "$isgit" -eq 0 ] || status_before=$(git -C "$top" status --porcelain --ignored)
src="$tmp/mailguard-tui"
mkdir "$src"
if [ "$isgit" -eq 1 ]; then
	(cd "$top" && git ls-files -co --exclude-standard -z |
	    tar -c --null -T - -f -) | tar -x -C "$src"
else
	(cd "$top" && tar -c --exclude=./build --exclude=./mailguard-tui \
	    -f - .) | tar -x -C "$src"
fi
t0=$(date +%s)
if (cd "$src" && DEB_BUILD_OPTIONS="parallel=2 ${DEB_BUILD_OPTIONS:-}" \
    dpkg-buildpackage -us -uc -b) >"$tmp/build.log" 2>&1; then
	pass "dpkg-buildpackage -us -uc -b ($(($(date +%s) - t0)) s)"
else
	tail -30 "$tmp/build.log" >&2
	die "dpkg-buildpackage failed (log above; PACKAGE_KEEP=1 keeps it)"
fi
case " ${DEB_BUILD_OPTIONS:-} " in
*" nocheck "*) echo "skip: the unit tests in the build (nocheck)" ;;
*)
	u=$(sed -n 's/^unit: \([0-9]* passed, 0 failed\)$/\1/p' "$tmp/build.log")
	[ -n "$u" ] && pass "the build ran the unit tests: $u" ||
	    fail "the build did not run the unit tests (make unit)"
	;;
esac
deb=$(ls "$tmp"/mailguard-tui_*.deb 2>/dev/null | head -1)
[ -n "$deb" ] && [ -f "$deb" ] || die "no mailguard-tui_*.deb was built"
pass "built $(basename "$deb")"
if [ "$isgit" -eq 1 ]; then
	if [ "$(git -C "$top" status --porcelain --ignored)" = \
	    "$status_before" ]; then
		pass "the source tree is unchanged"
	else
		fail "the build changed the source tree"
	fi
fi

# --- 3. lintian --------------------------------------------------------
t0=$(date +%s)
lrc=0
lintian --fail-on none "$tmp"/mailguard-tui_*.changes >"$tmp/lintian.out" 2>&1 ||
    lrc=$?
sed -n '/^[EW]: /p' "$tmp/lintian.out"
nerr=$(grep -c '^E: ' "$tmp/lintian.out" || true)
nwarn=$(grep -c '^W: ' "$tmp/lintian.out" || true)
if [ "$lrc" -ne 0 ]; then
	fail "lintian did not run (exit $lrc)"
	cat "$tmp/lintian.out" >&2
elif [ "$nerr" -eq 0 ]; then
	pass "lintian: 0 errors, $nwarn warnings ($(($(date +%s) - t0)) s)"
else
	fail "lintian: $nerr errors"
	cat "$tmp/lintian.out" >&2
fi

# --- 4. install and look -------------------------------------------------
version=$(cd "$src" && dpkg-parsechangelog -S Version)
if dpkg_retry -i "$deb"; then
	installed=1
	pass "dpkg -i $(basename "$deb")"
else
	die "dpkg -i failed"
fi
out=$(/usr/sbin/mailguard-tui --version 2>&1) || true
[ "$out" = "mailguard-tui $version" ] &&
    pass "mailguard-tui --version: $out" ||
    fail "mailguard-tui --version said '$out', want 'mailguard-tui $version'"
page=$(man -w mailguard-tui 2>&1) || true
[ "$page" = /usr/share/man/man8/mailguard-tui.8.gz ] &&
    pass "man -w mailguard-tui: $page" ||
    fail "man -w mailguard-tui said '$page'"
if LC_ALL=C.UTF-8 MANWIDTH=80 man -P cat mailguard-tui 2>/dev/null |
    grep -q '^EXIT STATUS'; then
	pass "man mailguard-tui renders"
else
	fail "man mailguard-tui does not render"
fi
check_mode() {
	got=$(stat -c '%a %U:%G' "$1" 2>/dev/null || echo missing)
	[ "$got" = "$2" ] && pass "$1: $got" || fail "$1: $got, want $2"
}
check_mode /usr/sbin/mailguard-tui "755 root:root"
check_mode /var/lib/mailguard "700 root:root"
check_mode /usr/share/man/man8/mailguard-tui.8.gz "644 root:root"
check_mode /lib/systemd/system/mailguard-tui-report.service "644 root:root"
check_mode /lib/systemd/system/mailguard-tui-report.timer "644 root:root"
grep -q '^ExecStart=/usr/sbin/mailguard-tui report --format prometheus' \
    /lib/systemd/system/mailguard-tui-report.service &&
    pass "the service runs /usr/sbin/mailguard-tui report --format prometheus" ||
    fail "the service's ExecStart is not /usr/sbin/mailguard-tui report"
if command -v systemd-analyze >/dev/null 2>&1; then
	if SYSTEMD_LOG_LEVEL=warning systemd-analyze verify \
	    /lib/systemd/system/mailguard-tui-report.timer \
	    /lib/systemd/system/mailguard-tui-report.service \
	    >"$tmp/verify.out" 2>&1 && ! grep -q mailguard "$tmp/verify.out"
	then
		pass "systemd-analyze verify: the installed units are clean"
	else
		fail "systemd-analyze verify on the installed units:"
		cat "$tmp/verify.out" >&2
	fi
fi
en=$(systemctl is-enabled mailguard-tui-report.timer 2>&1) || true
links=$(find /etc/systemd/system -name 'mailguard-tui-report.*' 2>/dev/null |
    wc -l)
if [ "$en" = disabled ] && [ "$links" -eq 0 ]; then
	pass "the timer is installed, not enabled (systemctl is-enabled: $en)"
else
	fail "the timer: systemctl is-enabled says '$en', $links links in /etc/systemd/system"
fi

# --- 4b. the service's command, as installed, on a lab Postfix ----------
# ExecStart's arguments as the unit has them, the --output path moved into
# a private collector directory, a lab Postfix named before the command;
# the exit status must be one the unit counts as success, and the file
# must be complete (the format's own parser: tests/lab/test_lab_formats
# and the prometheus tests).  Skipped while the binary lacks the report
# options the unit uses.  SERVICE_FORMAT=F runs it with --format F.
unit=/lib/systemd/system/mailguard-tui-report.service
# shellcheck disable=SC2046
set -- $(sed -n 's/^ExecStart=//p' "$unit")
bin=$1
shift
"$bin" --help >"$tmp/help.txt" 2>&1 || true
lacks=""
for w in "$@"; do
	case $w in
	--*) grep -q -- "$w" "$tmp/help.txt" || lacks="$lacks $w" ;;
	esac
done
fmt=$(echo "$*" | sed -n 's/.*--format \([a-z]*\).*/\1/p')
[ -n "${SERVICE_FORMAT:-}" ] && fmt=$SERVICE_FORMAT
grep -q "$fmt" "$tmp/help.txt" || lacks="$lacks (format $fmt)"
lab_sh="$top/tests/lab/postfix/lab.sh"
if [ -n "$lacks" ]; then
	echo "skip: the service's command: this binary lacks$lacks"
elif ! command -v postconf >/dev/null 2>&1; then
	echo "skip: the service's command: no Postfix for the lab (make deps)"
else
	lab="$tmp/lab"
	prom="$tmp/collector/mailguard.prom"
	mkdir -m 0755 "$tmp/collector"
	sh "$lab_sh" setup mask-typo "$lab" >"$tmp/lab.out" 2>&1 ||
	    { cat "$tmp/lab.out" >&2; die "lab.sh setup mask-typo failed"; }
	labdir=$lab
	args=""
	prev=""
	for w in "$@"; do
		case $prev in
		--output) w=$prom ;;
		--format) w=$fmt ;;
		esac
		args="$args $w"
		prev=$w
	done
	rc=0
	# shellcheck disable=SC2086
	"$bin" --postfix "$lab/etc" --state "$tmp/state" --no-host-context \
	    $args >"$tmp/service.out" 2>&1 || rc=$?
	ok_rc=" 0 $(sed -n 's/^SuccessExitStatus=//p' "$unit") "
	case $ok_rc in
	*" $rc "*) pass "the service's command on lab mask-typo: exit $rc, a success for the unit" ;;
	*)
		fail "the service's command on lab mask-typo: exit $rc, not in$ok_rc"
		cat "$tmp/service.out" >&2
		;;
	esac
	want=600
	[ "$fmt" = prometheus ] && want=644
	got=$(stat -c %a "$prom" 2>/dev/null || echo missing)
	nfiles=$(find "$tmp/collector" -mindepth 1 | wc -l)
	if [ "$got" = "$want" ] && [ "$nfiles" -eq 1 ] && [ -s "$prom" ] &&
	    [ "$(tail -c 1 "$prom" | od -An -c | tr -d ' ')" = '\n' ]; then
		pass "it wrote $(wc -l <"$prom") lines, mode $got, ending in a newline, no temporary file left"
	else
		fail "the output: mode $got (want $want), $nfiles files in the collector directory"
	fi
	# Debian's python3 (python3-prometheus-client, make deps), not
	# whatever python3 comes first in PATH; its absence is a failure.
	if [ "$fmt" = prometheus ]; then
		n=$(/usr/bin/python3 -c 'import sys
from prometheus_client.parser import text_string_to_metric_families as p
print(sum(1 for _ in p(open(sys.argv[1]).read())))' "$prom" 2>"$tmp/py.err") ||
		    n=error
		if [ "$n" != error ] && [ "$n" -gt 0 ]; then
			pass "prometheus_client parses $n metric families"
		else
			fail "prometheus_client cannot parse it"
			cat "$tmp/py.err" >&2
		fi
	fi
	sh "$lab_sh" destroy "$lab" >/dev/null 2>&1 || fail "lab.sh destroy"
	labdir=""
fi

# --- 5. purge ------------------------------------------------------------
if dpkg_retry -P mailguard-tui; then
	installed=0
	pass "dpkg -P mailguard-tui"
else
	fail "dpkg -P mailguard-tui"
fi
left=""
for f in /usr/sbin/mailguard-tui /usr/share/man/man8/mailguard-tui.8.gz \
    /lib/systemd/system/mailguard-tui-report.service \
    /lib/systemd/system/mailguard-tui-report.timer; do
	[ -e "$f" ] && left="$left $f"
done
left="$left $(find /etc/systemd /var/lib/systemd -name 'mailguard-tui*' \
    2>/dev/null | tr '\n' ' ')"
# A state directory that was here before stays, as it was: dpkg took it
# over (mode 0700) and a purge removes it when empty.
if [ "$state_before" != absent ]; then
	[ -d "$state" ] || mkdir "$state"
	chmod "${state_before% *}" "$state"
	chown "${state_before#* }" "$state"
	echo "note: $state was here before the test: kept ($state_before)"
fi
state_after=absent
[ -e "$state" ] && state_after=$(stat -c '%a %u:%g' "$state")
[ "$state_after" = "$state_before" ] || left="$left $state($state_after, was $state_before)"
if dpkg-query -W -f='${Status}' mailguard-tui 2>/dev/null | grep -q installed
then
	left="$left (dpkg still lists it)"
fi
if [ -z "$(echo "$left" | tr -d ' ')" ]; then
	pass "purged: nothing of the package is left"
else
	fail "left after the purge:$left"
fi

echo "package-test: $(($(date +%s) - start)) s"
[ "$fails" -eq 0 ] || die "$fails failed"
echo "package-test: all passed"
