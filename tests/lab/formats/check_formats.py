#!/usr/bin/python3
"""check_formats.py - validate report --format prometheus and sarif output
with the formats' own parsers, and the example alert rules.

  check_formats.py prom FILE
      strict exposition-format rules (HELP and TYPE before a family's
      samples, a family in one block, no timestamps, escapes, a final
      newline), then prometheus_client's parser; prints "prom: N families,
      N samples".
  check_formats.py sarif FILE SCHEMA
      the SARIF 2.1.0 JSON schema (jsonschema), rules and results agree,
      and every location with a line points at a real line of a file that
      shares a word with its message; prints "sarif: N rules, N results,
      N lines checked".
  check_formats.py rules RULES PROMFILE
      the alert rules parse as YAML in Prometheus's rule-file shape and
      every mailguard_* metric they use is in PROMFILE.

Run by /usr/bin/python3: the Debian packages python3-prometheus-client,
python3-jsonschema and python3-yaml (scripts/deps.sh).  Exit 0 valid,
1 invalid (the reason on stderr), 2 usage.
"""
import json
import re
import sys
from urllib.parse import unquote, urlparse

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(r"^(%s)(\{%s(?:,%s)*\})? (-?[0-9]+(?:\.[0-9]+)?"
                    r"(?:e[+-]?[0-9]+)?|NaN|[+-]Inf)$" % (NAME, LABEL, LABEL))
HELP = re.compile(r"^# HELP (%s) (.+)$" % NAME)
TYPE = re.compile(r"^# TYPE (%s) (counter|gauge|histogram|summary|untyped)$"
                  % NAME)


def fail(msg):
    print("check_formats: " + msg, file=sys.stderr)
    sys.exit(1)


def check_prom(path):
    with open(path, "rb") as f:
        raw = f.read()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        fail("%s: not UTF-8: %s" % (path, e))
    if not text.endswith("\n"):
        fail("%s: no final newline" % path)
    helped, typed, done, current = {}, {}, set(), None
    nsamples = 0
    for n, line in enumerate(text[:-1].split("\n"), 1):
        where = "%s:%d" % (path, n)
        if line.startswith("#"):
            m = HELP.match(line) or TYPE.match(line)
            if m is None:
                fail("%s: not a HELP or TYPE line: %r" % (where, line))
            fam = m.group(1)
            seen = helped if line.startswith("# HELP") else typed
            if fam in seen or fam in done:
                fail("%s: %s described twice" % (where, fam))
            seen[fam] = m.group(2)
            if line.startswith("# TYPE") and fam not in helped:
                fail("%s: TYPE %s before its HELP" % (where, fam))
            if current is not None and current != fam:
                done.add(current)
            current = fam
            continue
        m = SAMPLE.match(line)
        if m is None:
            fail("%s: not a sample (or has a timestamp): %r" % (where, line))
        fam = m.group(1)
        if fam not in helped or fam not in typed:
            fail("%s: sample of %s before its HELP and TYPE" % (where, fam))
        if fam != current:
            fail("%s: %s's samples are not in one block" % (where, fam))
        if not fam.startswith("mailguard_"):
            fail("%s: %s is not mailguard_*" % (where, fam))
        nsamples += 1
    # The reference parser of the Python client: every sample again.
    from prometheus_client.parser import text_string_to_metric_families
    fams = list(text_string_to_metric_families(text))
    parsed = sum(len(f.samples) for f in fams)
    if parsed != nsamples:
        fail("%s: prometheus_client read %d samples, we counted %d" %
             (path, parsed, nsamples))
    for f in fams:
        if f.type != typed.get(f.name):
            fail("%s: %s typed %s, read as %s" %
                 (path, f.name, typed.get(f.name), f.type))
        for s in f.samples:
            if s.timestamp is not None:
                fail("%s: %s has a timestamp" % (path, s.name))
    print("prom: %d families, %d samples" % (len(fams), parsed))
    return fams


def words(s):
    return [w for w in re.split(r"[\s=:,\[\]<>()\"']+", s) if len(w) >= 4]


def check_sarif(path, schema_path):
    import jsonschema
    with open(path) as f:
        doc = json.load(f)
    with open(schema_path) as f:
        schema = json.load(f)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    errors = sorted(cls(schema).iter_errors(doc), key=lambda e: e.path)
    if errors:
        e = errors[0]
        fail("%s: schema: %s at %s" % (path, e.message, list(e.path)))
    run = doc["runs"][0]
    rules = run["tool"]["driver"].get("rules", [])
    ids = [r["id"] for r in rules]
    if len(set(ids)) != len(ids):
        fail("%s: a rule id twice" % path)
    checked = 0
    for i, res in enumerate(run.get("results", [])):
        k = res.get("ruleIndex")
        if res["ruleId"] not in ids or ids[k] != res["ruleId"]:
            fail("%s: result %d: rule %s (index %s) not in rules" %
                 (path, i, res["ruleId"], k))
        if res.get("level") not in ("error", "warning", "note"):
            fail("%s: result %d: level %r" % (path, i, res.get("level")))
        locs = res.get("locations", [])
        if not locs:
            fail("%s: result %d (%s): no location" % (path, i,
                                                      res["ruleId"]))
        for loc in locs:
            pl = loc["physicalLocation"]
            uri = pl["artifactLocation"]["uri"]
            u = urlparse(uri)
            file = unquote(u.path)
            if "region" not in pl:
                continue
            line_no = pl["region"]["startLine"]
            try:
                with open(file, encoding="utf-8", errors="replace") as f:
                    lines = f.read().split("\n")
            except OSError as e:
                fail("%s: result %d: %s: %s" % (path, i, uri, e))
            if line_no > len(lines):
                fail("%s: result %d: %s has no line %d" %
                     (path, i, file, line_no))
            line = lines[line_no - 1]
            text = loc.get("message", {}).get("text", "") + " " + \
                res["message"]["text"]
            if not any(w in text for w in words(line)):
                fail("%s: result %d (%s): %s:%d %r shares no word with %r" %
                     (path, i, res["ruleId"], file, line_no, line, text))
            checked += 1
    print("sarif: %d rules, %d results, %d lines checked" %
          (len(rules), len(run.get("results", [])), checked))


def check_rules(path, prom_path):
    import yaml
    with open(path) as f:
        doc = yaml.safe_load(f)
    if not isinstance(doc, dict) or not isinstance(doc.get("groups"), list):
        fail("%s: no groups list" % path)
    with open(prom_path) as f:
        have = set(re.findall(r"^(mailguard_[a-z_]+)", f.read(), re.M))
    names = []
    for g in doc["groups"]:
        if "name" not in g or not isinstance(g.get("rules"), list):
            fail("%s: a group without name or rules" % path)
        for r in g["rules"]:
            for key in ("alert", "expr", "labels", "annotations"):
                if key not in r:
                    fail("%s: rule %s has no %s" % (path, r.get("alert"),
                                                    key))
            if r["labels"].get("severity") is None:
                fail("%s: %s: no severity label" % (path, r["alert"]))
            for m in re.findall(r"mailguard_[a-z_]+", str(r["expr"])):
                if m not in have:
                    fail("%s: %s uses %s, which %s lacks" %
                         (path, r["alert"], m, prom_path))
            names.append(r["alert"])
    print("rules: %d alerts: %s" % (len(names), ", ".join(names)))


def main(argv):
    if len(argv) == 3 and argv[1] == "prom":
        check_prom(argv[2])
    elif len(argv) == 4 and argv[1] == "sarif":
        check_sarif(argv[2], argv[3])
    elif len(argv) == 4 and argv[1] == "rules":
        check_rules(argv[2], argv[3])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
