#!/bin/sh
# gen_cves.sh TSV - data/cves.tsv as a C string literal (build/gen/
# mg_cve_data.h, included by core/mg_cve.c): the table is compiled in, so
# the program needs no data file at run time and checks stay pure
# functions of the model.  Comment and blank lines are dropped.
set -eu
[ $# -eq 1 ] || { echo "usage: gen_cves.sh TSV" >&2; exit 2; }
echo "/* mg_cve_data.h - generated from $1 by scripts/gen_cves.sh */"
echo "static const char mg_cve_tsv[] ="
LC_ALL=C awk '
/^#/ || /^[ \t]*$/ { next }
{
	gsub(/\\/, "\\\\")
	gsub(/"/, "\\\"")
	gsub(/\t/, "\\t")
	printf "    \"%s\\n\"\n", $0
	n++
}
END { if (n == 0) printf "    \"\"\n" }' "$1"
echo "    ;"
