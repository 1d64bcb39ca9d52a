#!/bin/sh
# style-check.sh FILE... - the mechanical rules of STYLE.md, checked:
#  - indentation with tabs (continuation lines add 4 spaces), no trailing whitespace, lines of at most 80
#    columns (tabs at 8);
#  - none of the banned calls: strcpy strcat sprintf vsprintf gets strtok
#    atoi atol system popen;
#  - each file starts with a comment saying what it is for.
# clang-format 14 cannot express KNF continuation lines, so .clang-format is
# an editor aid and this script is what "make format-check" enforces.
set -u
status=0
for f in "$@"; do
	awk -v f="$f" '
	function width(s,    i, c, w) {
		w = 0
		for (i = 1; i <= length(s); i++) {
			c = substr(s, i, 1)
			if (c == "\t")
				w = int(w / 8) * 8 + 8
			else
				w++
		}
		return w
	}
	NR == 1 && $0 !~ /^(\/\*|#!)/ {
		printf "%s:1: file does not start with a comment\n", f; bad = 1
	}
	/[ \t]+$/ { printf "%s:%d: trailing whitespace\n", f, NR; bad = 1 }
	{
		# KNF: indent with tabs; a continuation line adds 4 spaces.
		ind = $0
		sub(/^\t*/, "", ind)
		match(ind, /^ */)
		if (RLENGTH > 0 && RLENGTH != 4 && substr(ind, RLENGTH + 1, 1) != "*" && ind !~ /^ *$/) {
			printf "%s:%d: indented with spaces\n", f, NR; bad = 1
		}
	}
	width($0) > 80 {
		printf "%s:%d: longer than 80 columns\n", f, NR; bad = 1
	}
	{
		line = $0
		gsub(/"([^"\\]|\\.)*"/, "\"\"", line)	# not inside strings
		sub(/\/\*.*$/, "", line)		# nor comments
		if (line ~ /(^|[^_a-zA-Z0-9.>])(strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi|atol|system|popen)[ \t]*\(/) {
			printf "%s:%d: banned call: %s\n", f, NR, $0; bad = 1
		}
	}
	END { exit bad }
	' "$f" || status=1
done
if [ "$status" -eq 0 ]; then
	echo "format-check ($# files): ok"
	echo "format-check: 1 passed, 0 failed"
else
	echo "format-check: 0 passed, 1 failed"
fi
exit "$status"
