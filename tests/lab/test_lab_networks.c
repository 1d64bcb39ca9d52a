/*
 * test_lab_networks.c - trusted networks beyond public space, judged by
 * real Postfix and Exim: a private /12 in mynetworks relays for an
 * address inside it until the narrowing fix; XCLIENT granted to a /24
 * lets a host there claim a trusted client's address and relay until the
 * fix narrows it to loopback; a private /8 in Exim's relay_from_hosts
 * relays under exim -bh until the fix.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../core/mg_file.h"
#include "../../core/mg_host.h"
#include "../../core/mg_lines.h"
#include "../../core/mg_str.h"
#include "../../checks/checks.h"
#include "../../engine/session.h"
#include "lab_util.h"

#define PFLAB "tests/lab/postfix/lab.sh"
#define EXLAB "tests/lab/exim/lab.sh"
#define MGSMTP "build/lab/mgsmtp"
#define FROM "app@example.com"
#define REMOTE "victim@remote.test"

static char exim_bin[4096];

/* host_on - an interface of this host is on a network inside net */
static int
host_on(const char *net)
{
	struct mg_host h;
	struct mg_net n, i;
	struct mg_err err;
	size_t k;
	int on = 0;

	assert_int_equal(mg_net_parse(net, &n, NULL), 0);
	if (mg_host_read(&h, "/proc", &err) < 0)
		fail_msg("%s", err.msg);
	for (k = 0; k < h.nifs; k++) {
		mg_net_mask(&h.ifs[k].addr, &i);
		on |= mg_net_contains(&n, &i) || mg_net_contains(&i, &n);
	}
	mg_host_free(&h);
	return (on);
}

/* own_ipv4 - a non-loopback IPv4 address of this host and its /24;
 * 0 if it has none */
static int
own_ipv4(char *addr, size_t asize, char *net, size_t nsize)
{
	struct mg_host h;
	struct mg_net n;
	struct mg_err err;
	size_t k;
	int found = 0;

	if (mg_host_read(&h, "/proc", &err) < 0)
		fail_msg("%s", err.msg);
	for (k = 0; k < h.nifs && !found; k++) {
		if (h.ifs[k].addr.family != 4 ||
		    mg_net_loopback(&h.ifs[k].addr))
			continue;
		n = h.ifs[k].addr;
		n.prefix = 32;
		mg_net_format(&n, 0, addr, asize);
		addr[strcspn(addr, "/")] = '\0';
		n.prefix = 24;
		mg_net_format(&n, 1, net, nsize);
		found = 1;
	}
	mg_host_free(&h);
	return (found);
}

/*
 * smtp_rcpt - real Postfix's RCPT verdict for a session from source
 * (NULL: 127.0.0.1) that claims xaddr with XCLIENT (NULL: none); -1 when
 * mgsmtp gave up (then *why holds its complaint, if why is not NULL)
 */
static int
smtp_rcpt(const char *dir, const char *source, const char *xaddr,
    const char *to, struct mg_str *why)
{
	char port[32];
	const char *argv[16];
	struct mg_exec_res res;
	const char *p;
	size_t n = 0;
	int code = -1;

	lab_port(dir, "port", port, sizeof(port));
	argv[n++] = MGSMTP;
	argv[n++] = "--port";
	argv[n++] = port;
	if (source != NULL) {
		argv[n++] = "--source";
		argv[n++] = source;
	}
	if (xaddr != NULL) {
		argv[n++] = "--xclient-addr";
		argv[n++] = xaddr;
	}
	argv[n++] = "--from";
	argv[n++] = FROM;
	argv[n++] = "--to";
	argv[n++] = to;
	argv[n++] = "--rcpt-only";
	argv[n] = NULL;
	(void)lab_run(&res, argv);
	if ((p = strstr(mg_str_cstr(&res.out), "-> ")) != NULL)
		code = (int)strtol(p + 3, NULL, 10);
	(void)printf("    from %s%s%s RCPT %s: %d %.*s\n", source != NULL ?
	    source : "127.0.0.1", xaddr != NULL ? " XCLIENT ADDR=" : "",
	    xaddr != NULL ? xaddr : "", to, code,
	    (int)strcspn(mg_str_cstr(&res.err), "\n"), mg_str_cstr(&res.err));
	(void)fflush(stdout);
	if (why != NULL) {
		mg_str_init(why);
		mg_str_puts(why, mg_str_cstr(&res.err));
	}
	mg_exec_res_free(&res);
	return (code);
}

/* ehlo_offers - does real Postfix's EHLO reply to a session from SOURCE
 * offer WORD (XCLIENT, XFORWARD)?  mgsmtp -v shows the dialogue */
static int
ehlo_offers(const char *dir, const char *source, const char *word)
{
	char port[32], l1[64], l2[64];
	const char *argv[] = { MGSMTP, "--port", port, "--source", source,
	    "--from", FROM, "--to", REMOTE, "--rcpt-only", "-v", NULL };
	struct mg_exec_res res;
	int found;

	lab_port(dir, "port", port, sizeof(port));
	(void)snprintf(l1, sizeof(l1), "<- 250-%s", word);
	(void)snprintf(l2, sizeof(l2), "<- 250 %s", word);
	(void)lab_run(&res, argv);
	found = strstr(mg_str_cstr(&res.err), l1) != NULL ||
	    strstr(mg_str_cstr(&res.err), l2) != NULL;
	(void)printf("    EHLO from %s offers %s: %s\n", source, word,
	    found ? "yes" : "no");
	(void)fflush(stdout);
	mg_exec_res_free(&res);
	return (found);
}

/* pf_fix - the fix engine: fix ID --yes on the lab's etc; its output;
 * back once Postfix took the reload it ran */
static int
pf_fix(const char *dir, const char *id, struct mg_str *out)
{
	char etc[4096], st[4200];
	const char *argv[] = { "./mailguard-tui", "--postfix", etc, "--state",
	    st, "fix", id, "--yes", NULL };
	int rc;

	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	rc = lab_pf_tool(dir, argv, out);
	(void)printf("%s", mg_str_cstr(out));
	(void)fflush(stdout);
	return (rc);
}

/*
 * test_private_12_narrowed - 172.16.0.0/12 in mynetworks, no interface
 * of this host on it: real Postfix relays for XCLIENT ADDR=172.20.1.1;
 * the report calls it high and names the entry; the fix engine proves
 * the narrowed mynetworks on a private Postfix (a client inside refused,
 * loopback still accepted) and installs it; then the live Postfix
 * refuses 172.20.1.1 and still relays for 127.0.0.1
 */
static void
test_private_12_narrowed(void **state)
{
	const char *dir;
	const char *setup[] = { "setup", "private-net", NULL, NULL };
	const char *start[] = { "start", NULL, NULL };
	struct mg_str out;
	int rc;

	(void)state;
	if (host_on("172.16.0.0/12"))
		skip();		/* the fix would keep that network */
	dir = lab_dir(PFLAB, "private-net");
	setup[2] = dir;
	start[1] = dir;
	assert_int_equal(lab_script(PFLAB, setup), 0);
	assert_int_equal(lab_script(PFLAB, start), 0);
	assert_int_equal(smtp_rcpt(dir, NULL, "172.20.1.1", REMOTE, NULL),
	    250);
	assert_int_equal(smtp_rcpt(dir, NULL, "198.51.100.9", REMOTE, NULL),
	    454);
	rc = lab_pf_report(dir, &out);
	assert_true(rc == 1 || rc == 2);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"postfix.mynetworks.private\" and .severity == \"high\") | "
	    ".evidence[] | select((.file // \"\" | "
	    "endswith(\"/etc/main.cf\")) and "
	    ".line > 0 and (.text | contains("
	    "\"172.16.0.0/12 - high: 172.16.0.0/12 (RFC 1918 private, "
	    "1,048,576 addresses): no interface of this host is on it\")))]"
	    " | length == 1", NULL), 0);
	assert_int_equal(lab_jq(out.data, ".fix_details[] | select(.id == "
	    "\"postfix.mynetworks.narrow\") | .edits[0].new == \"127.0.0.0/8 "
	    "[::ffff:127.0.0.0]/104 [::1]/128\"", NULL), 0);
	mg_str_free(&out);
	assert_int_equal(pf_fix(dir, "postfix.mynetworks.narrow", &out), 0);
	assert_non_null(strstr(out.data, "172.19.1.1: MAIL FROM:<> RCPT "
	    "TO:<mailguard-probe@example.net> -> 454"));
	assert_non_null(strstr(out.data, "127.0.0.1: MAIL FROM:<> RCPT "
	    "TO:<mailguard-probe@example.net> -> 250"));
	assert_true(lab_applied(out.data));
	mg_str_free(&out);
	assert_int_equal(smtp_rcpt(dir, NULL, "172.20.1.1", REMOTE, NULL),
	    454);
	assert_int_equal(smtp_rcpt(dir, NULL, "127.0.0.1", REMOTE, NULL),
	    250);
	assert_int_equal(lab_pf_report(dir, &out), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[].id] | index("
	    "\"postfix.mynetworks.private\") == null", NULL), 0);
	mg_str_free(&out);
}

/*
 * test_xclient_24_claims_trusted - XCLIENT granted to a /24 this host is
 * on: a session from the host's own address there relays nothing by
 * itself (454) but relays after XCLIENT ADDR=127.0.0.1 (250), a client
 * in mynetworks; the report calls it high; after the fix XCLIENT is not
 * offered to that address, and the lab's own loopback XCLIENT works
 */
static void
test_xclient_24_claims_trusted(void **state)
{
	char addr[64], net[64], etc[4200], set[512];
	const char *dir;
	const char *setup[] = { "setup", "xclient-wide", NULL, NULL };
	const char *start[] = { "start", NULL, NULL };
	const char *pc[] = { "postconf", "-c", etc, "-e", set, NULL };
	struct mg_exec_res res;
	struct mg_str out, why;
	int rc;

	(void)state;
	if (!own_ipv4(addr, sizeof(addr), net, sizeof(net)))
		skip();		/* no address to open a session from */
	dir = lab_dir(PFLAB, "xclient-wide");
	setup[2] = dir;
	start[1] = dir;
	assert_int_equal(lab_script(PFLAB, setup), 0);
	if (strcmp(net, "192.0.2.0/24") != 0) {
		/* the scenario's /24 is not this host's: grant its own */
		(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
		(void)snprintf(set, sizeof(set), "smtpd_authorized_xclient_"
		    "hosts = 127.0.0.1 %s", net);
		assert_int_equal(lab_run(&res, pc), 0);
		mg_exec_res_free(&res);
	}
	assert_int_equal(lab_script(PFLAB, start), 0);
	assert_int_equal(smtp_rcpt(dir, addr, NULL, REMOTE, NULL), 454);
	assert_int_equal(smtp_rcpt(dir, addr, "127.0.0.1", REMOTE, NULL),
	    250);
	rc = lab_pf_report(dir, &out);
	assert_true(rc == 1 || rc == 2);
	(void)snprintf(set, sizeof(set), "[.findings[] | select(.id == "
	    "\"postfix.xclient.wide\" and .severity == \"high\") | "
	    ".evidence[].text | select(contains(\"entry %s (%s, 256 "
	    "addresses) may claim any client address\"))] | length == 1",
	    net, net);
	assert_int_equal(lab_jq(out.data, set, NULL), 0);
	assert_int_equal(lab_jq(out.data, ".fix_details[] | select(.id == "
	    "\"postfix.xclient.narrow\") | .edits[0].new == \"127.0.0.1\"",
	    NULL), 0);
	mg_str_free(&out);
	assert_int_equal(pf_fix(dir, "postfix.xclient.narrow", &out), 0);
	assert_non_null(strstr(out.data, "applied, reloaded"));
	mg_str_free(&out);
	assert_int_equal(smtp_rcpt(dir, addr, "127.0.0.1", REMOTE, &why), -1);
	assert_non_null(strstr(why.data, "did not advertise XCLIENT"));
	mg_str_free(&why);
	assert_int_equal(smtp_rcpt(dir, NULL, "198.51.100.9", REMOTE, NULL),
	    454);
	assert_int_equal(lab_pf_report(dir, &out) & ~1, 0);
	assert_int_equal(lab_jq(out.data, "[.findings[].id] | index("
	    "\"postfix.xclient.wide\") == null", NULL), 0);
	mg_str_free(&out);
}

/* test_xforward_24_granted - XFORWARD granted to this host's /24: real
 * Postfix offers it to a session from an address there (which may then
 * name any client in the log and to the filters); the fix keeps only
 * loopback and Postfix stops offering it */
static void
test_xforward_24_granted(void **state)
{
	char addr[64], net[64], etc[4200], set[512];
	const char *dir;
	const char *setup[] = { "setup", "xclient-wide", NULL, NULL };
	const char *start[] = { "start", NULL, NULL };
	const char *pc[] = { "postconf", "-c", etc, "-e", set, NULL };
	struct mg_exec_res res;
	struct mg_str out;

	(void)state;
	if (!own_ipv4(addr, sizeof(addr), net, sizeof(net)))
		skip();		/* no address to open a session from */
	dir = lab_dir(PFLAB, "xclient-wide");
	setup[2] = dir;
	start[1] = dir;
	assert_int_equal(lab_script(PFLAB, setup), 0);
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(set, sizeof(set), "smtpd_authorized_xforward_hosts = "
	    "127.0.0.1 %s", net);
	assert_int_equal(lab_run(&res, pc), 0);
	mg_exec_res_free(&res);
	assert_int_equal(lab_script(PFLAB, start), 0);
	assert_true(ehlo_offers(dir, addr, "XFORWARD"));
	(void)lab_pf_report(dir, &out);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"postfix.xforward.wide\")] | length == 1", NULL), 0);
	mg_str_free(&out);
	assert_int_equal(pf_fix(dir, "postfix.xforward.narrow", &out), 0);
	assert_non_null(strstr(out.data, "applied, reloaded"));
	mg_str_free(&out);
	assert_false(ehlo_offers(dir, addr, "XFORWARD"));
	assert_true(ehlo_offers(dir, "127.0.0.1", "XFORWARD"));
	(void)lab_pf_report(dir, &out);
	assert_int_equal(lab_jq(out.data, "[.findings[].id] | index("
	    "\"postfix.xforward.wide\") == null", NULL), 0);
	mg_str_free(&out);
}

/* ex_apply - the fix's edit of dc_relay_nets applied as the report
 * gives it, then Debian's generator as its post-command says (the
 * lab's own copy of update-exim4.conf) */
static void
ex_apply(const char *dir, const char *json, const char *fix)
{
	struct mg_str file, old, new_text, line, confdir, conf;
	struct mg_exec_res res;
	char gen[4096];
	const char *argv[] = { gen, "--confdir", NULL, "--output", NULL,
	    NULL };

	lab_fix_field(json, fix, ".edits[0].file", &file);
	lab_fix_field(json, fix, ".edits[0].old", &old);
	lab_fix_field(json, fix, ".edits[0].new", &new_text);
	lab_fix_field(json, fix, ".edits[0].line", &line);
	assert_int_equal(lab_apply_edit(mg_str_cstr(&file),
	    (unsigned)strtoul(mg_str_cstr(&line), NULL, 10), mg_str_cstr(&old),
	    mg_str_cstr(&new_text)), 0);
	lab_fix_field(json, fix, ".post_commands[0][2]", &confdir);
	lab_fix_field(json, fix, ".post_commands[0][4]", &conf);
	(void)snprintf(gen, sizeof(gen), "%s/bin/update-exim4.conf", dir);
	argv[2] = mg_str_cstr(&confdir);
	argv[4] = mg_str_cstr(&conf);
	assert_int_equal(lab_run(&res, argv), 0);
	mg_exec_res_free(&res);
	mg_str_free(&file);
	mg_str_free(&old);
	mg_str_free(&new_text);
	mg_str_free(&line);
	mg_str_free(&confdir);
	mg_str_free(&conf);
}

/*
 * test_exim_private_8_narrowed - dc_relay_nets = 10.0.0.0/8 on a host
 * none of whose interfaces is on it: exim -bh 10.200.1.1 relays; the
 * report calls it high, names dc_relay_nets and its own exim -bh probe
 * shows the relay; after the fix Exim refuses 10.200.1.1 and still
 * relays for loopback
 */
static void
test_exim_private_8_narrowed(void **state)
{
	const char *dir;
	const char *setup[] = { "setup", "private-relay-nets", NULL, NULL };
	struct mg_str out;
	int rc;

	(void)state;
	if (host_on("10.0.0.0/8"))
		skip();		/* the fix would keep that network */
	dir = lab_dir(EXLAB, "private-relay-nets");
	setup[2] = dir;
	assert_int_equal(lab_script(EXLAB, setup), 0);
	assert_int_equal(lab_exim_bh(dir, "10.200.1.1", NULL, REMOTE), 250);
	assert_true(lab_exim_bh(dir, "198.51.100.9", NULL, REMOTE) >= 500);
	rc = lab_ex_report(dir, exim_bin, &out);
	assert_true(rc == 1 || rc == 2);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"exim.relay.private-hosts\" and .severity == \"high\") | "
	    ".evidence[].text | select(contains(\"10.0.0.0/8 (RFC 1918 "
	    "private, 16,777,216 addresses): no interface of this host is "
	    "on it\") or startswith(\"on Debian the list comes from "
	    "dc_relay_nets\") or (startswith(\"exim -bh 10.99.1.1:\") and "
	    "contains(\"-> 250 \")))] | length == 3", NULL), 0);
	assert_int_equal(lab_jq(out.data, ".fix_details[] | select(.id == "
	    "\"exim.relay.narrow\") | .edits[0].new == \"dc_relay_nets=''\"",
	    NULL), 0);
	ex_apply(dir, out.data, "exim.relay.narrow");
	mg_str_free(&out);
	assert_true(lab_exim_bh(dir, "10.200.1.1", NULL, REMOTE) >= 500);
	assert_int_equal(lab_exim_bh(dir, "127.0.0.1", NULL, REMOTE), 250);
	rc = lab_ex_report(dir, exim_bin, &out);
	assert_int_equal(lab_jq(out.data, "[.findings[].id] | "
	    "index(\"exim.relay.private-hosts\") == null", NULL), 0);
	mg_str_free(&out);
}

/*
 * test_exim_relay_nets_twice - update-exim4.conf.conf sets dc_relay_nets
 * twice, the /8 last: Exim relays for 10.200.1.1 (shell: the last
 * assignment wins); the report's evidence and fix name that last line,
 * and after the fix Exim refuses 10.200.1.1 and still relays for
 * loopback
 */
static void
test_exim_relay_nets_twice(void **state)
{
	const char *dir;
	const char *setup[] = { "setup", "private-relay-nets-twice", NULL,
	    NULL };
	char path[4096], q[512];
	struct mg_str out, ue4c;
	const char *cur, *l;
	size_t len;
	unsigned no = 0, first = 0, last = 0;
	int rc;

	(void)state;
	if (host_on("10.0.0.0/8"))
		skip();		/* the fix would keep that network */
	dir = lab_dir(EXLAB, "private-relay-nets-twice");
	setup[2] = dir;
	assert_int_equal(lab_script(EXLAB, setup), 0);
	(void)snprintf(path, sizeof(path),
	    "%s/etc/exim4/update-exim4.conf.conf", dir);
	lab_slurp(path, &ue4c);
	for (cur = mg_str_cstr(&ue4c); mg_line_next(&cur, &l, &len);) {
		no++;
		if (len >= 14 && strncmp(l, "dc_relay_nets=", 14) == 0) {
			if (first == 0)
				first = no;
			last = no;
		}
	}
	mg_str_free(&ue4c);
	assert_true(first != 0 && last > first);
	assert_int_equal(lab_exim_bh(dir, "10.200.1.1", NULL, REMOTE), 250);
	rc = lab_ex_report(dir, exim_bin, &out);
	assert_true(rc == 1 || rc == 2);
	(void)snprintf(q, sizeof(q), "[.findings[] | select(.id == "
	    "\"exim.relay.private-hosts\") | .evidence[] | select((.file "
	    "// \"\" | endswith(\"update-exim4.conf.conf\")) and .line == %u "
	    "and (.text | contains(\"10.0.0.0/8\")))] | length == 1", last);
	assert_int_equal(lab_jq(out.data, q, NULL), 0);
	(void)snprintf(q, sizeof(q), ".fix_details[] | select(.id == "
	    "\"exim.relay.narrow\") | .edits[0].line == %u and .edits[0].old "
	    "== \"dc_relay_nets='10.0.0.0/8'\"", last);
	assert_int_equal(lab_jq(out.data, q, NULL), 0);
	ex_apply(dir, out.data, "exim.relay.narrow");
	mg_str_free(&out);
	assert_true(lab_exim_bh(dir, "10.200.1.1", NULL, REMOTE) >= 500);
	assert_int_equal(lab_exim_bh(dir, "127.0.0.1", NULL, REMOTE), 250);
}

/*
 * docker_fix - the configuration read as report reads it, judged as on
 * a docker host whose docker-proxy runs (docker0 172.17.0.1/16, the
 * bridge network holds the gateway): the finding and the fix's first
 * edit; exim_conf NULL: Postfix etc
 */
static void
docker_fix(const char *pf_etc, const char *exim_conf, const char *id,
    struct mg_str *old, struct mg_str *new_text, struct mg_str *file,
    unsigned *line)
{
	struct mg_session a;
	struct mg_report r;
	struct mg_net gw;
	const struct mg_finding *f = NULL;
	const struct mg_fix *x;
	size_t i;

	mg_session_init(&a);
	a.no_host = 1;
	a.opts.postfix_dir = pf_etc;
	a.opts.exim_path = exim_conf;
	a.opts.exim_bin = exim_conf != NULL ? exim_bin : NULL;
	if (mg_session_load(&a) < 0)
		fail_msg("%s", a.err.msg);
	a.model.host = mg_xcalloc(1, sizeof(*a.model.host));
	mg_host_init(a.model.host);
	assert_int_equal(mg_net_parse("172.17.0.1/16", &gw, NULL), 0);
	mg_host_add_if(a.model.host, "docker0", &gw);
	a.model.host->docker_proxy = 1;
	a.model.host->docker_proxy_pid = 4242;
	mg_report_init(&r);
	mg_checks_run(&a.model, &r);
	for (i = 0; i < r.nfindings; i++)
		if (strcmp(r.findings[i].id, id) == 0)
			f = &r.findings[i];
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_HIGH);
	for (i = 0; i < f->nevidence; i++)
		if (strstr(f->evidence[i].text, "docker-proxy runs (pid 4242)")
		    != NULL)
			break;
	assert_true(i < f->nevidence);
	assert_int_equal(f->nfix_ids, 1);
	x = mg_report_find_fix(&r, f->fix_ids[0]);
	assert_non_null(x);
	mg_str_init(old);
	mg_str_init(new_text);
	mg_str_init(file);
	mg_str_puts(old, x->edits[0].old_text != NULL ? x->edits[0].old_text :
	    "");
	mg_str_puts(new_text, x->edits[0].new_text);
	mg_str_puts(file, x->edits[0].file);
	*line = x->edits[0].line;
	(void)printf("    fix %s: %s\n", f->fix_ids[0], x->edits[0].new_text);
	mg_report_free(&r);
	mg_session_free(&a);
}

/*
 * test_docker_gateway_excluded - the docker bridge network trusted, as
 * judged on a host where docker-proxy runs: the fix keeps the network
 * but excludes the gateway first; real Postfix and real Exim then refuse
 * the gateway (every Internet client through docker-proxy) and still
 * relay for a container
 */
static void
test_docker_gateway_excluded(void **state)
{
	const char *pdir = lab_dir(PFLAB, "docker-net");
	const char *edir = lab_dir(EXLAB, "docker-relay-nets");
	const char *psetup[] = { "setup", "docker-net", pdir, NULL };
	const char *pstart[] = { "start", pdir, NULL };
	const char *esetup[] = { "setup", "docker-relay-nets", edir, NULL };
	char etc[4096], conf[4096], set[1024], gen[4096];
	const char *pc[] = { "postconf", "-c", etc, "-e", set, NULL };
	const char *reload[] = { "postfix", "-c", etc, "reload", NULL };
	const char *regen[] = { gen, "--confdir", NULL, "--output", conf,
	    NULL };
	struct mg_exec_res res;
	struct mg_str old, new_text, file, confdir = MG_STR_INIT;
	unsigned line;

	(void)state;
	assert_int_equal(lab_script(PFLAB, psetup), 0);
	assert_int_equal(lab_script(PFLAB, pstart), 0);
	(void)snprintf(etc, sizeof(etc), "%s/etc", pdir);
	assert_int_equal(smtp_rcpt(pdir, NULL, "172.17.0.1", REMOTE, NULL),
	    250);
	docker_fix(etc, NULL, "postfix.mynetworks.private", &old, &new_text,
	    &file, &line);
	assert_string_equal(new_text.data, "127.0.0.0/8 [::ffff:127.0.0.0]/104"
	    " [::1]/128 !172.17.0.1/32 172.17.0.0/16");
	(void)snprintf(set, sizeof(set), "mynetworks = %s", new_text.data);
	assert_int_equal(lab_run(&res, pc), 0);
	mg_exec_res_free(&res);
	assert_int_equal(lab_pf_run(pdir, &res, reload), 0);
	mg_exec_res_free(&res);
	assert_int_equal(smtp_rcpt(pdir, NULL, "172.17.0.1", REMOTE, NULL),
	    454);
	assert_int_equal(smtp_rcpt(pdir, NULL, "172.17.0.5", REMOTE, NULL),
	    250);
	assert_int_equal(smtp_rcpt(pdir, NULL, "127.0.0.1", REMOTE, NULL),
	    250);
	mg_str_free(&old);
	mg_str_free(&new_text);
	mg_str_free(&file);

	assert_int_equal(lab_script(EXLAB, esetup), 0);
	assert_int_equal(lab_exim_bh(edir, "172.17.0.1", NULL, REMOTE), 250);
	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", edir);
	docker_fix(NULL, conf, "exim.relay.private-hosts", &old, &new_text,
	    &file, &line);
	assert_string_equal(new_text.data,
	    "dc_relay_nets='!172.17.0.1/32 ; 172.17.0.0/16'");
	assert_int_equal(lab_apply_edit(file.data, line, old.data,
	    new_text.data), 0);
	mg_str_printf(&confdir, "%s/etc/exim4", edir);
	(void)snprintf(gen, sizeof(gen), "%s/bin/update-exim4.conf", edir);
	regen[2] = confdir.data;
	assert_int_equal(lab_run(&res, regen), 0);
	mg_exec_res_free(&res);
	assert_true(lab_exim_bh(edir, "172.17.0.1", NULL, REMOTE) >= 500);
	assert_int_equal(lab_exim_bh(edir, "172.17.0.5", NULL, REMOTE), 250);
	assert_int_equal(lab_exim_bh(edir, "127.0.0.1", NULL, REMOTE), 250);
	mg_str_free(&old);
	mg_str_free(&new_text);
	mg_str_free(&file);
	mg_str_free(&confdir);
}

/* setup - a temp root; the lab's exim binary */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-net");
	return (lab_exim_bin(exim_bin, sizeof(exim_bin)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_private_12_narrowed),
		cmocka_unit_test(test_xclient_24_claims_trusted),
		cmocka_unit_test(test_xforward_24_granted),
		cmocka_unit_test(test_exim_private_8_narrowed),
		cmocka_unit_test(test_exim_relay_nets_twice),
		cmocka_unit_test(test_docker_gateway_excluded),
	};

	return (cmocka_run_group_tests_name("lab_networks", tests, setup,
	    lab_teardown));
}
