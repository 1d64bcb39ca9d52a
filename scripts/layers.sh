#!/bin/sh
# layers.sh [ROOT] - the architecture rules of the source tree, checked
# ("make layers"; tests/layers/selftest.sh proves each rule can fail):
#  (a) dependencies point one way: no file of core/, backends/, checks/ or
#      engine/ includes a header of cli/ or console/; core/ includes nothing
#      outside core/; backends/ nothing of checks/ or engine/; checks/
#      nothing of engine/;
#  (b) no import circle: a module is a .c/.h pair (foo.c and foo.h are one
#      module); a.c including b.h and b.c including a.h is a circle.  Each
#      circle (strongly connected group of modules) is printed with one
#      shortest cycle and the include lines that close it.  A header with
#      no .c of its name (a folder's shared internal header) stands for
#      the files that define what it declares: a file including it depends
#      on each file defining a name it uses (KNF: a definition's name
#      starts its line);
#  (c) only backends/, checks/postfix/ and checks/exim/ know a particular
#      MTA: no other file names MG_MTA_POSTFIX or MG_MTA_EXIM or includes a
#      header of backends/postfix/ or backends/exim/, except REGISTRY.
# Prints one line a finding and a summary; exits 1 when there is a finding.
set -u

# The one file outside the per-MTA folders allowed to name the MTAs: where
# the list of MTAs is declared.
REGISTRY="core/mg_model.h"

root=${1:-$(dirname "$0")/..}
cd "$root" || exit 2
files=$(find core backends checks engine cli console \
    \( -name '*.c' -o -name '*.h' \) -type f 2>/dev/null | LC_ALL=C sort)
if [ -z "$files" ]; then
	echo "layers: no sources under $root" >&2
	exit 2
fi

# shellcheck disable=SC2086 # one word a file: the tree has no spaces
LC_ALL=C awk -v registry="$REGISTRY" '
function dirof(p,    i) {
	i = match(p, /\/[^\/]*$/)
	return i ? substr(p, 1, i - 1) : "."
}
# Resolve "../x/y.h" against the directory of the including file.
function norm(p,    n, a, out, k, i) {
	n = split(p, a, "/")
	k = 0
	for (i = 1; i <= n; i++) {
		if (a[i] == "" || a[i] == ".")
			continue
		if (a[i] == ".." && k > 0 && out[k] != "..") {
			k--
			continue
		}
		out[++k] = a[i]
	}
	p = ""
	for (i = 1; i <= k; i++)
		p = p (i > 1 ? "/" : "") out[i]
	return p
}
function top(p) {
	sub(/\/.*/, "", p)
	return p
}
function module(p) {
	sub(/\.[ch]$/, "", p)
	return p
}
function mtaknown(p) {
	return p ~ /^backends\// || p ~ /^checks\/(postfix|exim)\//
}
function addedge(a, b, where) {
	if (a == b)
		return
	edge[a, b] = 1
	if (!((a, b) in eline))
		eline[a, b] = where
	else
		eline[a, b] = eline[a, b] ", " where
}
function finding(rule, msg) {
	print "layers: (" rule ") " msg
	count[rule]++
}
FNR == 1 {
	mods[module(FILENAME)] = 1
	if (FILENAME ~ /\.c$/)
		cfile[FILENAME] = 1
}
/^[ \t]*#[ \t]*include[ \t]*"/ {
	inc = $0
	sub(/^[^"]*"/, "", inc)
	sub(/".*/, "", inc)
	path = norm(dirof(FILENAME) "/" inc)
	where = FILENAME ":" FNR
	from = top(FILENAME)
	to = top(path)
	if (from ~ /^(core|backends|checks|engine)$/ &&
	    to ~ /^(cli|console)$/)
		finding("a", where " includes " path \
		    " (" from "/ must not include cli/ or console/)")
	else if (from == "core" && to != "core")
		finding("a", where " includes " path \
		    " (core/ includes nothing outside core/)")
	else if (from == "backends" && to ~ /^(checks|engine)$/)
		finding("a", where " includes " path \
		    " (backends/ must not include checks/ or engine/)")
	else if (from == "checks" && to == "engine")
		finding("a", where " includes " path \
		    " (checks/ must not include engine/)")
	if (path ~ /^backends\/(postfix|exim)\// && !mtaknown(FILENAME) &&
	    FILENAME != registry)
		finding("c", where " includes per-MTA header " path)
	addedge(module(FILENAME), module(path), where)
	incs[++ninc] = module(FILENAME) SUBSEP path SUBSEP where SUBSEP \
	    FILENAME
}
# every name a file uses (for the shared headers below)
{
	line = $0
	while (match(line, /[A-Za-z_][A-Za-z0-9_]*/)) {
		used[FILENAME, substr(line, RSTART, RLENGTH)] = 1
		line = substr(line, RSTART + RLENGTH)
	}
}
# a definition (KNF: the name starts the line) in a .c file
FILENAME ~ /\.c$/ && /^[a-z_][a-z0-9_]*\(/ {
	fn = $0
	sub(/\(.*/, "", fn)
	def[fn] = module(FILENAME)
}
# a prototype in a header
FILENAME ~ /\.h$/ && /^[a-z]/ && !/^(typedef|static|struct|enum|union)[ \t{]/ &&
    match($0, /[a-z_][a-z0-9_]*\(/) {
	decl[FILENAME, substr($0, RSTART, RLENGTH - 1)] = 1
}
/MG_MTA_(POSTFIX|EXIM)([^A-Za-z0-9_]|$)/ {
	if (!mtaknown(FILENAME) && FILENAME != registry) {
		s = $0
		sub(/^[ \t]+/, "", s)
		finding("c", FILENAME ":" FNR " names an MTA: " s)
	}
}
END {
	# a shared header: who includes it depends on the files that define
	# the names of it the includer uses
	for (k in decl) {
		split(k, hd, SUBSEP)
		if (!((hd[2]) in def) || (module(hd[1]) ".c") in cfile)
			continue
		hub[hd[1], hd[2]] = def[hd[2]]
	}
	for (i = 1; i <= ninc; i++) {
		split(incs[i], ic, SUBSEP)
		for (k in hub) {
			split(k, hd, SUBSEP)
			if (hd[1] != ic[2] || !((ic[4], hd[2]) in used) ||
			    ic[1] == hub[k])
				continue
			w = ic[3] " via " ic[2] ":"
			if (!((ic[1], hub[k]) in edge))
				addedge(ic[1], hub[k], w)
			if (index(eline[ic[1], hub[k]], w) == 1)
				eline[ic[1], hub[k]] = \
				    eline[ic[1], hub[k]] " " hd[2]
		}
	}
	n = 0
	for (m in mods)
		name[++n] = m
	# sort the module names (insertion sort: a hundred modules)
	for (i = 2; i <= n; i++) {
		v = name[i]
		for (j = i - 1; j >= 1 && name[j] > v; j--)
			name[j + 1] = name[j]
		name[j + 1] = v
	}
	for (i = 1; i <= n; i++)
		idx[name[i]] = i
	# reachability (Warshall), then circles = mutually reachable groups
	for (k in edge) {
		split(k, ab, SUBSEP)
		if ((ab[1] in idx) && (ab[2] in idx))
			r[idx[ab[1]], idx[ab[2]]] = 1
	}
	for (k = 1; k <= n; k++)
		for (i = 1; i <= n; i++) {
			if (!((i, k) in r))
				continue
			for (j = 1; j <= n; j++)
				if ((k, j) in r)
					r[i, j] = 1
		}
	for (i = 1; i <= n; i++) {
		if (done[i] || !((i, i) in r))
			continue
		group = ""
		size = 0
		for (j = i; j <= n; j++)
			if (j == i || (((i, j) in r) && ((j, i) in r))) {
				done[j] = 1
				ing[j] = i
				group = group (size ? " " : "") name[j]
				size++
			}
		# a shortest cycle from name[i] back to itself (BFS)
		delete prev
		delete seen
		qh = 1
		qt = 0
		q[++qt] = i
		seen[i] = 1
		found = 0
		while (qh <= qt && !found) {
			u = q[qh++]
			for (v = 1; v <= n; v++) {
				if (!((name[u], name[v]) in edge) || ing[v] != i)
					continue
				if (v == i) {
					last = u
					found = 1
					break
				}
				if (!(v in seen)) {
					seen[v] = 1
					prev[v] = u
					q[++qt] = v
				}
			}
		}
		cyc = name[i]
		for (u = last; u != i; u = prev[u])
			cyc = name[u] " -> " cyc
		cyc = name[i] " -> " cyc
		finding("b", "circle of " size " modules: " group)
		print "    shortest: " cyc
		for (u = i; u <= n; u++) {
			if (ing[u] != i)
				continue
			for (v = i; v <= n; v++)
				if (ing[v] == i && ((name[u], name[v]) in edge))
					print "    " name[u] " -> " name[v] \
					    " (" eline[name[u], name[v]] ")"
		}
	}
	total = count["a"] + count["b"] + count["c"]
	printf "layers: %d findings (a: %d, b: %d, c: %d)\n", total,
	    count["a"] + 0, count["b"] + 0, count["c"] + 0
	exit (total > 0)
}
' $files
