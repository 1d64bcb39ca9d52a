#!/usr/bin/env python3
"""findings.py - every finding id the checks can emit, read from the code,
has a console panel of its own area, a row in the README's finding
table and its place under its area in the man page's FINDINGS.  No build, no root, no lab.

The ids and areas are read from checks/ itself: every call of
mg_report_finding(r, ID, SEVERITY, AREA, ...), with ID and AREA
  - a string literal,
  - a macro (#define NAME "...") of the same file,
  - a parameter of the function making the call: then the arguments its
    callers in checks/ give at that place, followed the same way,
  - a buffer written by snprintf(BUF, ..., "%s.FORMAT", ...): %s is each
    MTA name a check sets as a certificate use's .mta,
  - P->FIELD of a static table in the same file: that field of each row.
Any other shape fails the test, naming the call: teach this script.

The panels' areas are the .area = "..." rows of console/panel_*.c (or a
macro the file defines).  The
README's finding table is the table whose header is "| id | says |"
(rows up to the first line that is not a table row).

The test is run once more on a README without one id's row and on panels
without one area, and must fail there.

usage: python3 tests/package/findings.py [--list]
"""
import glob
import os
import re
import sys

TOP = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", ".."))
ID_RE = re.compile(r"^[a-z]+(\.[a-z0-9-]+)+$")


def read(path):
    with open(os.path.join(TOP, path), encoding="utf-8") as f:
        return f.read()


def strip_comments(src):
    """the source with comments blanked (strings kept), offsets kept"""
    out = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == '"' or c == "'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            out.append(src[i:j + 1])
            i = j + 1
        elif src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", src[i:j]))
            i = j
        elif src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


def split_args(src, start):
    """the arguments of the call whose '(' is at start, as text"""
    args, depth, cur, i = [], 0, [], start + 1
    while i < len(src):
        c = src[i]
        if c == '"' or c == "'":
            j = i + 1
            while src[j] != c:
                j += 2 if src[j] == "\\" else 1
            cur.append(src[i:j + 1])
            i = j + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                args.append("".join(cur).strip())
                return args
            depth -= 1
        elif c == "," and depth == 0:
            args.append("".join(cur).strip())
            cur = []
            i += 1
            continue
        cur.append(c)
        i += 1
    raise ValueError("unterminated call")


def literal(arg):
    """the value of a (possibly concatenated) string literal, else None"""
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', arg)
    if not parts or re.sub(r'"((?:[^"\\]|\\.)*)"', "", arg).strip():
        return None
    return "".join(parts)


def line_of(src, pos):
    return src.count("\n", 0, pos) + 1


class Sources:
    def __init__(self, files):
        self.files = {f: strip_comments(read(f)) for f in files}
        self.mtas = set()
        for src in self.files.values():
            self.mtas.update(re.findall(r'\.mta\s*=\s*"([a-z]+)"', src))

    def calls(self, name):
        """(file, pos, args) of every call of name"""
        pat = re.compile(r"(?<![A-Za-z0-9_])" + re.escape(name) + r"\s*\(")
        for f, src in sorted(self.files.items()):
            for m in pat.finditer(src):
                # not the definition (KNF: the name starts its line)
                # nor a prototype (a type before it on its line)
                ls = src.rfind("\n", 0, m.start()) + 1
                head = src[ls:m.start()]
                if head == "" or re.fullmatch(
                        r"\s*(static\s+)?(const\s+)?(struct\s+\w+|enum"
                        r"\s+\w+|void|int|char|unsigned|size_t)\s*\**\s*",
                        head):
                    continue
                yield f, m.end() - 1, split_args(src, m.end() - 1)

    def enclosing(self, f, pos):
        """(name, params) of the function whose body holds pos"""
        src = self.files[f]
        best = None
        for m in re.finditer(r"\n([a-z_][a-z0-9_]*)\(([^)]*)\)\n\{", src):
            if m.start() < pos:
                best = m
        if best is None:
            return None, []
        params = [p.strip() for p in best.group(2).split(",")]
        names = [re.findall(r"[A-Za-z_][A-Za-z0-9_]*", p)[-1]
                 for p in params if p]
        return best.group(1), names

    def resolve(self, f, pos, arg, depth=0):
        """the values arg can take at pos in f: a list, or raise"""
        if depth > 4:
            raise ValueError("too deep")
        v = literal(arg)
        if v is not None:
            return [v]
        src = self.files[f]
        if re.fullmatch(r"[A-Z_][A-Z0-9_]*", arg):
            m = re.search(r"#define\s+" + arg + r"\s+(\"[^\n]*)", src)
            if m and literal(m.group(1).strip()) is not None:
                return [literal(m.group(1).strip())]
        if re.fullmatch(r"[a-z_][a-z0-9_]*", arg):
            fn, params = self.enclosing(f, pos)
            body = src[:pos]
            start = body.rfind("\n" + fn + "(") if fn else -1
            body = src[start:pos] if start >= 0 else ""
            m = re.search(r"snprintf\(\s*" + arg + r"\s*,[^,]*,\s*(\"[^\"]*\")",
                          body)
            if m:
                fmt = literal(m.group(1))
                if fmt.count("%") == 1 and "%s" in fmt and self.mtas:
                    return sorted(fmt.replace("%s", t) for t in self.mtas)
            if fn and arg in params:
                k = params.index(arg)
                out = []
                for g, p, args in self.calls(fn):
                    if g != f and fn.startswith(("finding", "static")):
                        continue
                    out += self.resolve(g, p, args[k], depth + 1)
                if out:
                    return out
        m = re.fullmatch(r"([a-z_][a-z0-9_]*)->([a-z_][a-z0-9_]*)", arg)
        if m:
            out = self.table_field(f, m.group(2))
            if out:
                return out
        raise ValueError("cannot resolve %r" % arg)

    def table_field(self, f, field):
        """that field of each row of the file's static struct tables"""
        src = self.files[f]
        out = []
        for m in re.finditer(r"static const struct (\w+) \{(.*?)\}\s*"
                             r"(\w+)\[\]\s*=\s*\{", src, re.S):
            members = []
            for decl in m.group(2).split(";"):
                decl = re.sub(r"\s+", " ", decl).strip()
                if not decl:
                    continue
                for d in decl.split(","):
                    members.append(re.findall(r"\w+", d)[-1])
            if field not in members:
                continue
            k = members.index(field)
            pos = m.end() - 1
            rows = split_args(src, pos)
            for row in rows:
                if row.startswith("{"):
                    cells = split_args(row, 0)
                    if k < len(cells) and literal(cells[k]) is not None:
                        out.append(literal(cells[k]))
        return out


def emitted(files):
    """{id: set(areas)} and the calls that could not be read"""
    s = Sources(files)
    ids, bad = {}, []
    for f, pos, args in s.calls("mg_report_finding"):
        where = "%s:%d" % (f, line_of(s.files[f], pos))
        if len(args) < 5:
            bad.append(where + ": fewer than 5 arguments")
            continue
        try:
            idv = s.resolve(f, pos, args[1])
            areas = s.resolve(f, pos, args[3])
        except ValueError as e:
            bad.append("%s: %s" % (where, e))
            continue
        for i in idv:
            if not ID_RE.match(i):
                bad.append("%s: %r is not a finding id" % (where, i))
            ids.setdefault(i, set()).update(areas)
    return ids, bad


def panel_areas(texts):
    """the areas of the panels: .area = "AREA", or a macro of the file"""
    out = set()
    for t in texts:
        out.update(re.findall(r'\.area\s*=\s*"([a-z]+)"', t))
        for name in re.findall(r"\.area\s*=\s*([A-Z_][A-Z0-9_]*)", t):
            m = re.search(r'#define\s+' + name + r'\s+"([a-z]+)"', t)
            if m:
                out.add(m.group(1))
    return out


def readme_ids(text):
    """the ids named in the first column of the README's finding table"""
    lines = text.split("\n")
    out = set()
    for i, ln in enumerate(lines):
        if ln.strip() == "| id | says |":
            for row in lines[i + 2:]:
                if not row.startswith("|"):
                    break
                cell = row.split("|")[1]
                out.update(re.findall(r"`([^`]+)`", cell))
            break
    return out


# Areas no panel shows, and why; each is named on every run.  None now:
# the Queue panel lists its area's findings above the queue's groups.
ALL_ONLY = {}


def man_ids(text):
    """{id: area} of the man page's FINDINGS section: a .TP, the area in
    bold (.B AREA or .BR AREA " (Panel)"), then its ids"""
    out, area, sec = {}, None, False
    for ln in text.split("\n"):
        if ln.startswith(".SH "):
            sec = ln.strip() == ".SH FINDINGS"
            continue
        if not sec:
            continue
        m = re.match(r"\.BR? ([a-z]+)", ln)
        if m:
            area = m.group(1)
            continue
        if ln.startswith(".") or area is None:
            if ln.startswith(".TP"):
                area = None
            continue
        for i in re.findall(r"[a-z0-9.-]+", ln.replace("\\-", "-")):
            if ID_RE.match(i):
                out[i] = area
    return out


def judge(ids, areas, readme, man=None):
    """the complaints: an id whose area no panel shows, an id the README's
    table or the man page's FINDINGS (under its area) lacks"""
    out = []
    for i in sorted(ids):
        if man is not None and man.get(i) not in ids[i]:
            out.append("%s: not under area %s in the man page's FINDINGS "
                       "(%s)" % (i, "/".join(sorted(ids[i])), man.get(i)))
    for i in sorted(ids):
        for a in sorted(ids[i]):
            if a not in areas and a not in ALL_ONLY:
                out.append("%s: area %r has no console panel (only All "
                           "shows it)" % (i, a))
        if i not in readme:
            out.append("%s: no row in README.md's finding table" % i)
    return out


def main():
    checks = sorted(glob.glob("checks/**/*.c", root_dir=TOP, recursive=True))
    panels = [read(p) for p in sorted(glob.glob("console/panel_*.c",
                                                root_dir=TOP))]
    readme = read("README.md")
    man = man_ids(read("docs/mailguard-tui.8"))
    ids, bad = emitted(checks)
    areas = panel_areas(panels)
    rids = readme_ids(readme)
    if "--list" in sys.argv:
        for i in sorted(ids):
            print(i, " ".join(sorted(ids[i])))
        return 0
    fails = 0
    for b in bad:
        print("FAIL: cannot read the finding id or area at " + b)
        fails += 1
    # The extraction must see the checks: every table's own findings.
    if len(ids) < 60 or not areas or len(rids) < 40 or len(man) < 40:
        print("FAIL: read %d ids, %d panel areas, %d README ids, %d man "
              "page ids: the parse is broken"
              % (len(ids), len(areas), len(rids), len(man)))
        return 1
    print("ok: %d finding ids read from checks/ (%d calls), areas %s; "
          "panels show %s" % (len(ids), sum(1 for _ in Sources(checks)
                                            .calls("mg_report_finding")),
                              ",".join(sorted(set().union(*ids.values()))),
                              ",".join(sorted(areas))))
    for a, why in sorted(ALL_ONLY.items()):
        n = [i for i in sorted(ids) if a in ids[i]]
        print("note: area %s (%s) is shown in All only: %s"
              % (a, ", ".join(n), why))
    complaints = judge(ids, areas, rids, man)
    for c in complaints:
        print("FAIL: " + c)
    fails += len(complaints)
    if not complaints:
        print("ok: every id has a panel of its area, a README row and "
              "its area's line in the man page")
    # The check can fail: the README without one id, the panels without
    # one area.
    some = [i for i in sorted(ids) if not ids[i] & set(ALL_ONLY)]
    some = some[len(some) // 2]
    if not judge(ids, areas, rids - {some}) or \
            not judge(ids, areas - set(ids[some]), rids) or \
            not judge(ids, areas, rids, {k: v for k, v in man.items()
                                         if k != some}):
        print("FAIL: the check passed without %s's README row or area"
              % some)
        fails += 1
    else:
        print("ok: the check fails on a README or a man page without %s "
              "and on panels without area %s"
              % (some, ",".join(sorted(ids[some]))))
    if fails:
        print("findings.py: %d failed" % fails)
        return 1
    print("findings.py: all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
