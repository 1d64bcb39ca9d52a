#!/bin/sh
# selftest.sh - proves each rule of scripts/layers.sh can fail: a clean
# planted tree passes, then one plant a rule must catch, each counted.
set -u
here=$(cd "$(dirname "$0")" && pwd)
layers="$here/../../scripts/layers.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/mg-layers.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

# A small tree that keeps every rule: core <- backends <- checks <- engine
# <- cli/console, the registry naming the MTAs, per-MTA code in its folders.
clean() {
	rm -rf "$tmp/t"
	mkdir -p "$tmp/t/core" "$tmp/t/backends/postfix" "$tmp/t/checks/exim" \
	    "$tmp/t/engine" "$tmp/t/cli" "$tmp/t/console"
	cd "$tmp/t" || exit 2
	printf '/* m */\nenum mg_mta { MG_MTA_POSTFIX, MG_MTA_EXIM };\n' \
	    >core/mg_model.h
	printf '/* s */\n#include "mg_model.h"\n' >core/mg_str.c
	printf '/* s */\n#include "mg_model.h"\n' >core/mg_str.h
	printf '/* b */\n#include "../core/mg_str.h"\n' >backends/backend.h
	printf '/* b */\n#include "backend.h"\nint x = MG_MTA_EXIM;\n' \
	    >backends/backend.c
	printf '/* p */\n#include "../backend.h"\n' >backends/postfix/pf.h
	printf '/* p */\n#include "pf.h"\nint p = MG_MTA_POSTFIX;\n' \
	    >backends/postfix/pf.c
	printf '/* c */\n#include "../backends/backend.h"\n' >checks/checks.h
	printf '/* e */\n#include "../../backends/postfix/pf.h"\n' \
	    >checks/exim/ce.c
	printf '/* f */\n#include "../checks/checks.h"\n' >engine/fix.h
	printf '/* f */\n#include "fix.h"\n' >engine/fix.c
	printf '/* k */\n#include "../engine/fix.h"\n' >cli/cmd.h
	printf '/* k */\n#include "cmd.h"\n#include "../console/con.h"\n' \
	    >cli/cmd.c
	printf '/* o */\n#include "../engine/fix.h"\n' >console/con.h
	cd "$here" || exit 2
}

# expect NAME RC SUMMARY [LINE]: layers.sh on the planted tree exits RC,
# prints the summary line SUMMARY and, when given, the finding LINE.
expect() {
	out=$(sh "$layers" "$tmp/t" 2>&1)
	rc=$?
	ok=1
	[ "$rc" -eq "$2" ] || ok=0
	printf '%s\n' "$out" | grep -qxF "$3" || ok=0
	if [ $# -ge 4 ]; then
		printf '%s\n' "$out" | grep -qxF "$4" || ok=0
	fi
	if [ $ok -eq 1 ]; then
		pass=$((pass + 1))
		echo "ok: $1"
	else
		fail=$((fail + 1))
		echo "FAIL: $1 (rc $rc)"
		printf '%s\n' "$out" | sed 's/^/    /'
	fi
}

clean
expect "clean tree passes" 0 "layers: 0 findings (a: 0, b: 0, c: 0)"

clean
printf '/* x */\n#include "../console/con.h"\n' >"$tmp/t/engine/bad.c"
expect "engine including console" 1 \
    "layers: 1 findings (a: 1, b: 0, c: 0)" \
    "layers: (a) engine/bad.c:2 includes console/con.h (engine/ must not include cli/ or console/)"

clean
printf '/* x */\n#include "../backends/backend.h"\n' >"$tmp/t/core/bad.c"
expect "core including backends" 1 \
    "layers: 1 findings (a: 1, b: 0, c: 0)" \
    "layers: (a) core/bad.c:2 includes backends/backend.h (core/ includes nothing outside core/)"

clean
printf '/* x */\n#include "../engine/fix.h"\n' >"$tmp/t/backends/bad.c"
expect "backends including engine" 1 \
    "layers: 1 findings (a: 1, b: 0, c: 0)" \
    "layers: (a) backends/bad.c:2 includes engine/fix.h (backends/ must not include checks/ or engine/)"

clean
printf '/* x */\n#include "../../engine/fix.h"\n' >"$tmp/t/checks/exim/bad.c"
expect "checks including engine" 1 \
    "layers: 1 findings (a: 1, b: 0, c: 0)" \
    "layers: (a) checks/exim/bad.c:2 includes engine/fix.h (checks/ must not include engine/)"

clean
printf '/* x */\n#include "../cli/cmd.h"\n' >"$tmp/t/checks/bad.c"
expect "checks including cli" 1 \
    "layers: 1 findings (a: 1, b: 0, c: 0)" \
    "layers: (a) checks/bad.c:2 includes cli/cmd.h (checks/ must not include cli/ or console/)"

clean
printf '/* a */\n#include "b.h"\n' >"$tmp/t/engine/a.c"
printf '/* a */\n' >"$tmp/t/engine/a.h"
printf '/* b */\n#include "a.h"\n' >"$tmp/t/engine/b.c"
printf '/* b */\n' >"$tmp/t/engine/b.h"
expect "a.c -> b.h and b.c -> a.h is a circle" 1 \
    "layers: 1 findings (a: 0, b: 1, c: 0)" \
    "layers: (b) circle of 2 modules: engine/a engine/b"

clean
printf '/* a */\n#include "b.h"\n' >"$tmp/t/engine/a.h"
printf '/* b */\n#include "c.h"\n' >"$tmp/t/engine/b.c"
printf '/* c */\n#include "a.h"\n' >"$tmp/t/engine/c.c"
printf '/* c */\n' >"$tmp/t/engine/c.h"
printf '/* d */\n#include "e.h"\n' >"$tmp/t/cli/d.c"
printf '/* e */\n#include "d.h"\n' >"$tmp/t/cli/e.c"
expect "two circles, each reported with its path" 1 \
    "layers: 2 findings (a: 0, b: 2, c: 0)" \
    "    shortest: engine/a -> engine/b -> engine/c -> engine/a"

clean
printf '/* i */\nvoid x_fn(void);\nvoid y_fn(void);\n' >"$tmp/t/console/int.h"
printf '/* x */\n#include "int.h"\nvoid\nx_fn(void)\n{\n\ty_fn();\n}\n' \
    >"$tmp/t/console/x.c"
printf '/* y */\n#include "int.h"\nvoid\ny_fn(void)\n{\n\tx_fn();\n}\n' \
    >"$tmp/t/console/y.c"
expect "a circle through a shared header, named by what is used" 1 \
    "layers: 1 findings (a: 0, b: 1, c: 0)" \
    "    console/x -> console/y (console/x.c:2 via console/int.h: y_fn)"

clean
printf '/* i */\nvoid x_fn(void);\nvoid y_fn(void);\n' >"$tmp/t/console/int.h"
printf '/* x */\n#include "int.h"\nvoid\nx_fn(void)\n{\n\ty_fn();\n}\n' \
    >"$tmp/t/console/x.c"
printf '/* y */\n#include "int.h"\nvoid\ny_fn(void)\n{\n}\n' \
    >"$tmp/t/console/y.c"
expect "a shared header used one way is no circle" 0 \
    "layers: 0 findings (a: 0, b: 0, c: 0)"

clean
printf '/* x */\nint y = MG_MTA_POSTFIX;\n' >"$tmp/t/engine/bad.c"
expect "engine naming an MTA" 1 \
    "layers: 1 findings (a: 0, b: 0, c: 1)" \
    "layers: (c) engine/bad.c:2 names an MTA: int y = MG_MTA_POSTFIX;"

clean
printf '/* x */\nint y = MG_MTA_EXIM;\n' >"$tmp/t/checks/bad.c"
expect "checks/ (not per-MTA) naming an MTA" 1 \
    "layers: 1 findings (a: 0, b: 0, c: 1)"

clean
printf '/* x */\nint y = MG_MTA_EXIMX;\n' >"$tmp/t/console/ok.c"
expect "a longer name is not an MTA" 0 \
    "layers: 0 findings (a: 0, b: 0, c: 0)"

clean
printf '/* x */\n#include "../backends/postfix/pf.h"\n' >"$tmp/t/cli/bad.c"
expect "cli including a per-MTA header" 1 \
    "layers: 1 findings (a: 0, b: 0, c: 1)" \
    "layers: (c) cli/bad.c:2 includes per-MTA header backends/postfix/pf.h"

echo "layers selftest: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
