#!/bin/sh
# run.sh - the Ansible playbook (contrib/ansible/mailguard.yml) and the
# local-facts script (contrib/ansible/mailguard.fact) against lab instances
# on this machine, as inventory hosts with ansible_connection=local:
#   pf-open    Postfix lab scenario wide-net (a critical mynetworks finding)
#   pf-level0  Postfix lab scenario relay-level0 (a medium finding at worst)
#   ex-inc1    Exim lab scenario incident1-plain, 3 messages queued
#   broken     --postfix naming a directory without main.cf (exit 3)
# Run 1: the three readable hosts; ansible-playbook must succeed (findings
# never fail a play).  Run 2: all four; the broken host fails (exit 2 from
# ansible-playbook), the other three are still summarised; run 2b: the
# broken host alone, the summary is still written.  Each summary entry is
# compared with "report --json" and "queue --json" run directly: MTA,
# version, counts by severity, queue size, the worst finding (the report's
# first finding, worst first).  Run 3: stub binaries replaying a captured
# report as partial (exit 4: summarised, not failed), a usage error (64)
# and a missing binary (127): both fail their host, listed.  Then the fact
# script: its JSON parses, agrees with the direct run, says "could not
# read" for the broken host, reads a partial report, takes its options
# from the environment over mailguard.conf, and Ansible's setup module
# carries it as ansible_local.mailguard.
# Every lab instance is torn down on exit (trap).  Needs root (the lab).
# ANSIBLE_TEST_OUT=DIR copies run 2's summary there to look at.
set -u
umask 022

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
TOOL=$REPO/mailguard-tui
PLAYBOOK=$REPO/contrib/ansible/mailguard.yml
FACT=$REPO/contrib/ansible/mailguard.fact
PFLAB=$REPO/tests/lab/postfix/lab.sh
EXLAB=$REPO/tests/lab/exim/lab.sh
EXIM=$REPO/build/exim/root/usr/sbin/exim4
fails=0

fail() {
	echo "FAIL ansible: $*"
	fails=$((fails + 1))
}

pass() {
	echo "ok   ansible: $*"
}

die() {
	echo "FAIL ansible: $*"
	exit 1
}

[ "$(id -u)" -eq 0 ] || die "needs root (the lab's Postfix and Exim)"
command -v ansible-playbook >/dev/null || die "ansible-playbook missing (make deps)"
[ -x "$TOOL" ] || die "$TOOL not built"
[ -x "$EXIM" ] || die "$EXIM missing (tests/lab/exim/lab.sh fetch)"

WORK=$(mktemp -d /tmp/mg-ansible.XXXXXX) || die "mktemp"
cleanup() {
	sh "$PFLAB" destroy "$WORK/pf-open" >/dev/null 2>&1
	sh "$PFLAB" destroy "$WORK/pf-level0" >/dev/null 2>&1
	sh "$EXLAB" destroy "$WORK/ex-inc1" >/dev/null 2>&1
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' HUP INT TERM

# Ansible's own files stay in WORK; no ansible.cfg from the caller applies.
export ANSIBLE_CONFIG="$WORK/ansible.cfg" ANSIBLE_HOME="$WORK/ansible-home"
export ANSIBLE_LOCAL_TEMP="$WORK/ansible-tmp"
export ANSIBLE_REMOTE_TEMP="$WORK/ansible-rtmp"
export ANSIBLE_NOCOLOR=1 ANSIBLE_RETRY_FILES_ENABLED=0
export ANSIBLE_HOST_KEY_CHECKING=0 ANSIBLE_DEPRECATION_WARNINGS=0
: >"$ANSIBLE_CONFIG"

sh "$PFLAB" setup wide-net "$WORK/pf-open" >"$WORK/setup.log" 2>&1 ||
    die "lab.sh setup wide-net: $(tail -n 3 "$WORK/setup.log")"
sh "$PFLAB" setup relay-level0 "$WORK/pf-level0" >"$WORK/setup.log" 2>&1 ||
    die "lab.sh setup relay-level0: $(tail -n 3 "$WORK/setup.log")"
sh "$EXLAB" setup incident1-plain "$WORK/ex-inc1" >"$WORK/setup.log" 2>&1 ||
    die "exim lab.sh setup incident1-plain: $(tail -n 3 "$WORK/setup.log")"
sh "$EXLAB" fill "$WORK/ex-inc1" 3 >"$WORK/setup.log" 2>&1 ||
    die "exim lab.sh fill: $(tail -n 3 "$WORK/setup.log")"
mkdir -p "$WORK/broken/etc"

# Each host's options: the same argv for the playbook and the direct run.
# pf-open's are a string (split on blanks), the others a list.
args_pf_open="--no-host-context --postfix $WORK/pf-open/etc --state $WORK/st-pf-open"
args_pf_level0="--no-host-context --postfix $WORK/pf-level0/etc --state $WORK/st-pf-level0"
args_ex_inc1="--no-host-context --exim $WORK/ex-inc1/exim4.conf --exim-bin $EXIM --state $WORK/st-ex-inc1"
args_broken="--no-host-context --postfix $WORK/broken/etc --state $WORK/st-broken"

# args_of - the options of inventory host $1
args_of() {
	case $1 in
	pf-open) echo "$args_pf_open" ;;
	pf-level0) echo "$args_pf_level0" ;;
	ex-inc1) echo "$args_ex_inc1" ;;
	broken) echo "$args_broken" ;;
	esac
}

# yaml_list - a flow-style YAML list of the words of $1, each quoted
yaml_list() {
	printf '['
	sep=
	for w in $1; do
		printf '%s"%s"' "$sep" "$w"
		sep=', '
	done
	printf ']'
}

cat >"$WORK/inventory.yml" <<EOF
all:
  vars:
    ansible_connection: local
    ansible_python_interpreter: $(command -v python3)
    mailguard_bin: $TOOL
  children:
    mail:
      hosts:
        pf-open:
          mailguard_args: "$args_pf_open"
        pf-level0:
          mailguard_args: $(yaml_list "$args_pf_level0")
        ex-inc1:
          mailguard_args: $(yaml_list "$args_ex_inc1")
    broken_mail:
      hosts:
        broken:
          mailguard_args: $(yaml_list "$args_broken")
EOF

# The direct runs, for the comparison
for h in pf-open pf-level0 ex-inc1 broken; do
	a=$(args_of "$h")
	# shellcheck disable=SC2086 # the options are words by design
	"$TOOL" $a report --json >"$WORK/direct-$h.json" 2>"$WORK/direct-$h.err"
	echo $? >"$WORK/direct-$h.rc"
	# shellcheck disable=SC2086
	"$TOOL" $a queue --json >"$WORK/queue-$h.json" 2>/dev/null
	echo $? >"$WORK/queue-$h.rc"
done

# check_summary OUTDIR HOST... - fleet.json/fleet.md against the direct runs
check_summary() {
	python3 - "$WORK" "$@" <<'EOF'
import json, sys
work, out, hosts = sys.argv[1], sys.argv[2], sys.argv[3:]
bad = 0
def no(msg):
    global bad
    print("FAIL ansible: " + msg)
    bad += 1
with open(out + "/fleet.json") as f:
    fleet = {h["host"]: h for h in json.load(f)["hosts"]}
md = open(out + "/fleet.md").read()
if sorted(fleet) != sorted(hosts):
    no("fleet.json lists %s, expected %s" % (sorted(fleet), sorted(hosts)))
for h in hosts:
    s = fleet.get(h)
    if s is None:
        continue
    rc = int(open("%s/direct-%s.rc" % (work, h)).read())
    row = [l for l in md.splitlines() if l.startswith("| %s |" % h)]
    if len(row) != 1:
        no("%s: %d rows in fleet.md" % (h, len(row)))
        row = [""]
    if rc == 3:
        err = open("%s/direct-%s.err" % (work, h)).read().strip()
        if s["status"] != "could not read" or s["exit"] != 3:
            no("%s: status %r exit %r, expected could not read, 3"
               % (h, s["status"], s["exit"]))
        if not err or s["error"] != err.splitlines()[0]:
            no("%s: error %r, the tool said %r" % (h, s["error"], err))
        if "could not read" not in row[0] or "cannot read" not in row[0]:
            no("%s: fleet.md row lacks the failure: %s" % (h, row[0]))
        continue
    d = json.load(open("%s/direct-%s.json" % (work, h)))
    if not d["findings"]:
        no("%s: the direct run has no finding, a useless case" % h)
        continue
    counts = {k: 0 for k in ("critical", "high", "medium", "low", "info")}
    for f in d["findings"]:
        counts[f["severity"]] += 1
    want = {"exit": rc, "mta": d["mta"], "version": d["version"],
            "findings": counts, "total": len(d["findings"]),
            "worst": {"id": d["findings"][0]["id"],
                      "severity": d["findings"][0]["severity"],
                      "title": d["findings"][0]["title"]}}
    qrc = int(open("%s/queue-%s.rc" % (work, h)).read())
    want["queue"] = (json.load(open("%s/queue-%s.json" % (work, h)))["total"]
                     if qrc == 0 else None)
    for k, v in want.items():
        if s.get(k) != v:
            no("%s: %s is %r, report --json says %r" % (h, k, s.get(k), v))
    cells = [c.strip() for c in row[0].split("|")[1:-1]]
    if (len(cells) != 11 or cells[2] != d["mta"] or cells[3] != d["version"]
            or cells[4:9] != [str(counts[k]) for k in
                              ("critical", "high", "medium", "low", "info")]
            or cells[9] != str(want["queue"] if want["queue"] is not None else "-")
            or "`%s`" % want["worst"]["id"] not in cells[10]):
        no("%s: fleet.md row %r does not match the report" % (h, row[0]))
    print("ok   ansible: %s: %s %s, worst %s (%s), %s, queue %s" % (
        h, d["mta"], d["version"], want["worst"]["id"],
        want["worst"]["severity"],
        " ".join("%s=%d" % kv for kv in counts.items()), want["queue"]))
sys.exit(1 if bad else 0)
EOF
}

# Run 1: the readable hosts only; findings (exit 1 and 2) do not fail it
timeout 240 ansible-playbook -i "$WORK/inventory.yml" "$PLAYBOOK" \
    -e mailguard_hosts=mail -e "mailguard_report_dir=$WORK/out1" \
    >"$WORK/run1.log" 2>&1
rc=$?
if [ "$rc" -eq 0 ]; then
	pass "run 1 (3 hosts with findings): ansible-playbook exit 0"
else
	fail "run 1: ansible-playbook exit $rc"
	tail -n 30 "$WORK/run1.log"
fi
check_summary "$WORK/out1" pf-open pf-level0 ex-inc1 || fails=$((fails + 1))
for h in pf-open pf-level0 ex-inc1; do
	cmp -s "$WORK/out1/hosts/$h.json" "$WORK/direct-$h.json" ||
	    python3 -c 'import json,sys; a,b=(json.load(open(f)) for f in sys.argv[1:]); sys.exit(a["findings"]!=b["findings"])' \
	    "$WORK/out1/hosts/$h.json" "$WORK/direct-$h.json" ||
	    fail "$h: hosts/$h.json is not the host's report"
done

# Run 2: with the host that cannot be read; it fails, the others do not
timeout 240 ansible-playbook -i "$WORK/inventory.yml" "$PLAYBOOK" \
    -e "mailguard_report_dir=$WORK/out2" >"$WORK/run2.log" 2>&1
rc=$?
if [ "$rc" -eq 2 ] && grep -q '^broken .*failed=1' "$WORK/run2.log" &&
    [ "$(grep -c '^\(pf-open\|pf-level0\|ex-inc1\) .*failed=0' \
    "$WORK/run2.log")" -eq 3 ]; then
	pass "run 2 (+ unreadable host): exit 2, only broken failed"
else
	fail "run 2: ansible-playbook exit $rc (expected 2, broken failed)"
	tail -n 30 "$WORK/run2.log"
fi
check_summary "$WORK/out2" pf-open pf-level0 ex-inc1 broken ||
    fails=$((fails + 1))
# Run 2b: only the unreadable host; the summary is still written
timeout 240 ansible-playbook -i "$WORK/inventory.yml" "$PLAYBOOK" \
    -e mailguard_hosts=broken_mail -e "mailguard_report_dir=$WORK/out2b" \
    >"$WORK/run2b.log" 2>&1
rc=$?
if [ "$rc" -eq 2 ] && grep -q '^broken .*failed=1' "$WORK/run2b.log"; then
	pass "run 2b (only the unreadable host): exit 2, broken failed"
else
	fail "run 2b: ansible-playbook exit $rc (expected 2, broken failed)"
	tail -n 30 "$WORK/run2b.log"
fi
check_summary "$WORK/out2b" broken || fails=$((fails + 1))

# ANSIBLE_TEST_OUT=DIR keeps run 2's summary (fleet.json, fleet.md, hosts/)
if [ -n "${ANSIBLE_TEST_OUT:-}" ]; then
	mkdir -p "$ANSIBLE_TEST_OUT" && cp -R "$WORK/out2/." "$ANSIBLE_TEST_OUT/"
fi

# Run 3: captured output through stub binaries, for the exit statuses the
# lab does not give as root: a partial report (exit 4) is a result, a
# command-line error (64) and a missing binary (127) fail the host
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); r["partial"]=True; r["unread"].append("queue not read: Permission denied"); json.dump(r,open(sys.argv[2],"w"))' \
    "$WORK/direct-ex-inc1.json" "$WORK/partial.json" || die "partial.json"
cat >"$WORK/stub-partial" <<STUB
#!/bin/sh
for a in "\$@"; do
	[ "\$a" = queue ] && { cat "$WORK/queue-ex-inc1.json"; exit 0; }
done
cat "$WORK/partial.json"
exit 4
STUB
cat >"$WORK/stub-usage" <<'STUB'
#!/bin/sh
echo "mailguard-tui: unknown option --bogus (see --help)" >&2
exit 64
STUB
chmod 755 "$WORK/stub-partial" "$WORK/stub-usage"
cat >"$WORK/inventory-stub.yml" <<INV
all:
  vars:
    ansible_connection: local
    ansible_python_interpreter: $(command -v python3)
  hosts:
    partial:
      mailguard_bin: $WORK/stub-partial
    usage:
      mailguard_bin: $WORK/stub-usage
      mailguard_args: --bogus
    nobin:
      mailguard_bin: $WORK/no-such-binary
INV
timeout 240 ansible-playbook -i "$WORK/inventory-stub.yml" "$PLAYBOOK" \
    -e "mailguard_report_dir=$WORK/out3" >"$WORK/run3.log" 2>&1
rc=$?
if [ "$rc" -eq 2 ] && grep -q '^partial .*failed=0' "$WORK/run3.log" &&
    [ "$(grep -c '^\(usage\|nobin\) .*failed=1' "$WORK/run3.log")" -eq 2 ]; then
	pass "run 3 (stubs): exit 2, partial not failed, usage and nobin failed"
else
	fail "run 3: ansible-playbook exit $rc (expected 2, partial ok)"
	tail -n 30 "$WORK/run3.log"
fi
python3 - "$WORK" <<'PY' || fails=$((fails + 1))
import json, sys
work = sys.argv[1]
fleet = {h["host"]: h for h in json.load(open(work + "/out3/fleet.json"))["hosts"]}
md = open(work + "/out3/fleet.md").read()
d = json.load(open(work + "/partial.json"))
q = json.load(open(work + "/queue-ex-inc1.json"))["total"]
want = {
    "partial": {"status": "partial", "exit": 4, "partial": True,
                "worst": d["findings"][0]["id"], "queue": q,
                "unread": len(d["unread"]), "error": None},
    "usage": {"status": "usage error", "exit": 64, "partial": None,
              "worst": None, "queue": None, "unread": None,
              "error": "mailguard-tui: unknown option --bogus (see --help)"},
    "nobin": {"status": "failed", "exit": 127, "partial": None,
              "worst": None, "queue": None, "unread": None},
}
bad = 0
for h, w in want.items():
    s = fleet.get(h)
    if s is None:
        print("FAIL ansible: run 3: %s missing from fleet.json" % h)
        bad += 1
        continue
    got = dict(s, worst=(s["worst"] or {}).get("id"))
    for k, v in w.items():
        if got.get(k) != v:
            print("FAIL ansible: run 3: %s: %s is %r, expected %r"
                  % (h, k, got.get(k), v))
            bad += 1
    if h == "nobin" and not s.get("error"):
        print("FAIL ansible: run 3: nobin: no error message")
        bad += 1
    row = [l for l in md.splitlines() if l.startswith("| %s |" % h)]
    if len(row) != 1 or ("%s (exit %d)" % (w["status"], w["exit"])) not in row[0]:
        print("FAIL ansible: run 3: fleet.md row for %s: %r" % (h, row))
        bad += 1
if not bad:
    print("ok   ansible: run 3: partial (exit 4) summarised, usage error "
          "(64) and missing binary (127) reported: %s" % fleet["nobin"]["error"])
sys.exit(1 if bad else 0)
PY

# The local-facts script: run directly, then through Ansible's setup
mkdir -p "$WORK/facts.d"
cp "$FACT" "$WORK/facts.d/mailguard.fact"
for h in ex-inc1 broken; do
	a=$(args_of "$h")
	printf 'MAILGUARD_BIN=%s\nMAILGUARD_ARGS=%s\n' "$TOOL" "$a" \
	    >"$WORK/facts.d/mailguard.conf"
	"$WORK/facts.d/mailguard.fact" >"$WORK/fact-$h.json" 2>"$WORK/fact.err"
	frc=$?
	python3 - "$WORK" "$h" "$frc" <<'EOF' || fails=$((fails + 1))
import json, sys
work, h, frc = sys.argv[1], sys.argv[2], int(sys.argv[3])
try:
    s = json.load(open("%s/fact-%s.json" % (work, h)))
except ValueError as e:
    print("FAIL ansible: fact script output for %s is not JSON: %s" % (h, e))
    sys.exit(1)
rc = int(open("%s/direct-%s.rc" % (work, h)).read())
bad = []
if frc != 0:
    bad.append("the script exited %d" % frc)
if s.get("exit") != rc:
    bad.append("exit %r, direct %d" % (s.get("exit"), rc))
if rc == 3:
    if s.get("status") != "could not read" or "cannot read" not in (s.get("error") or ""):
        bad.append("status %r error %r" % (s.get("status"), s.get("error")))
else:
    d = json.load(open("%s/direct-%s.json" % (work, h)))
    q = json.load(open("%s/queue-%s.json" % (work, h)))["total"]
    counts = {k: 0 for k in ("critical", "high", "medium", "low", "info")}
    for f in d["findings"]:
        counts[f["severity"]] += 1
    if (s.get("mta"), s.get("version"), s.get("findings"), s.get("queue"),
            (s.get("worst") or {}).get("id")) != (
            d["mta"], d["version"], counts, q, d["findings"][0]["id"]):
        bad.append("%r does not match the direct run" % s)
if bad:
    print("FAIL ansible: fact %s: %s" % (h, "; ".join(bad)))
    sys.exit(1)
print("ok   ansible: fact script for %s: %s" % (h, s.get("status")))
EOF
done
# The environment wins over mailguard.conf; a partial report is a result
printf 'MAILGUARD_BIN=%s\n' "$WORK/no-such-binary" >"$WORK/facts.d/mailguard.conf"
MAILGUARD_BIN=$WORK/stub-partial "$WORK/facts.d/mailguard.fact" \
    >"$WORK/fact-partial.json" 2>"$WORK/fact.err"
frc=$?
MAILGUARD_BIN=$WORK/stub-partial python3 - "$WORK" "$frc" <<'PY' ||
import json, sys
work, frc = sys.argv[1], int(sys.argv[2])
s = json.load(open(work + "/fact-partial.json"))
d = json.load(open(work + "/partial.json"))
q = json.load(open(work + "/queue-ex-inc1.json"))["total"]
got = (frc, s["status"], s["exit"], s["partial"], s["queue"], s["worst"]["id"])
want = (0, "partial", 4, True, q, d["findings"][0]["id"])
if got != want:
    print("FAIL ansible: fact with MAILGUARD_BIN=stub-partial: %r, expected %r"
          % (got, want))
    sys.exit(1)
print("ok   ansible: fact script: environment over mailguard.conf, partial (exit 4)")
PY
    fails=$((fails + 1))

# ex-inc1's conf again, then setup with fact_path: ansible_local.mailguard
a=$(args_of ex-inc1)
printf 'MAILGUARD_BIN=%s\nMAILGUARD_ARGS=%s\n' "$TOOL" "$a" \
    >"$WORK/facts.d/mailguard.conf"
timeout 120 ansible -i "$WORK/inventory.yml" ex-inc1 -m ansible.builtin.setup \
    -a "fact_path=$WORK/facts.d filter=ansible_local" \
    >"$WORK/setup-facts.log" 2>&1
python3 - "$WORK" <<'EOF' || fails=$((fails + 1))
import json, sys
work = sys.argv[1]
try:
    log = open(work + "/setup-facts.log").read()
    mark = "ex-inc1 | SUCCESS => "
    j = json.JSONDecoder().raw_decode(log[log.index(mark) + len(mark):])[0]
    m = j["ansible_facts"]["ansible_local"]["mailguard"]
    d = json.load(open(work + "/direct-ex-inc1.json"))
    assert m["worst"]["id"] == d["findings"][0]["id"], m
    assert m["mta"] == "exim", m
except Exception as e:
    print("FAIL ansible: ansible_local.mailguard not carried: %r" % e)
    print(open(work + "/setup-facts.log").read()[-2000:])
    sys.exit(1)
print("ok   ansible: setup module: ansible_local.mailguard.worst.id = "
      + m["worst"]["id"])
EOF

if [ "$fails" -ne 0 ]; then
	echo "ansible: $fails check(s) failed"
	exit 1
fi
echo "ansible: playbook, fleet summary and fact script agree with the report"
