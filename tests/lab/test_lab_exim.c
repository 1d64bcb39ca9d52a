/*
 * test_lab_exim.c - the binary against real Exim (Debian's package
 * unpacked by tests/lab/exim/lab.sh): detection through exim -bV and the
 * main options through exim -C FILE -bP, on generated Debian configs.
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
#include "../../core/mg_lines.h"
#include "../../core/mg_str.h"
#include "lab_util.h"

#define LAB "tests/lab/exim/lab.sh"

static char exim_bin[4096];

/* test_debian_stock_detected - version from -bV, config read with -bP */
static void
test_debian_stock_detected(void **state)
{
	const char *dir = lab_dir(LAB, "debian-stock-local");
	const char *setup[] = { "setup", "debian-stock-local", dir, NULL };
	struct mg_str out;
	int rc;

	(void)state;
	assert_int_equal(lab_script(LAB, setup), 0);
	rc = lab_ex_report(dir, exim_bin, &out);
	assert_true(rc == 0 || rc == 1);
	assert_int_equal(lab_jq(out.data, ".mta == \"exim\" and "
	    "(.version | test(\"^4\\\\.[0-9]+\"))", NULL), 0);
	assert_int_equal(lab_jq(out.data, ".config | endswith(\"exim4.conf\")",
	    NULL), 0);
	mg_str_free(&out);
}

/* apply_fix - the fix's edit applied by hand, then its post-command with
 * the lab's own copy of update-exim4.conf (the fix engine's job later) */
static void
apply_fix(const char *dir, const char *json, const char *fix)
{
	struct mg_str file, old, new_text, line, post0, confdir, conf;
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
	lab_fix_field(json, fix, ".post_commands | length", &post0);
	if (strcmp(mg_str_cstr(&post0), "0") == 0) {
		/* a file Exim reads as it runs: nothing to regenerate */
		mg_str_init(&confdir);
		mg_str_init(&conf);
		goto done;
	}
	mg_str_free(&post0);
	lab_fix_field(json, fix, ".post_commands[0][0]", &post0);
	lab_fix_field(json, fix, ".post_commands[0][2]", &confdir);
	lab_fix_field(json, fix, ".post_commands[0][4]", &conf);
	assert_string_equal(mg_str_cstr(&post0), "update-exim4.conf");
	(void)snprintf(gen, sizeof(gen), "%s/bin/update-exim4.conf", dir);
	argv[2] = mg_str_cstr(&confdir);
	argv[4] = mg_str_cstr(&conf);
	assert_int_equal(lab_run(&res, argv), 0);
	mg_exec_res_free(&res);
done:
	mg_str_free(&file);
	mg_str_free(&old);
	mg_str_free(&new_text);
	mg_str_free(&line);
	mg_str_free(&post0);
	mg_str_free(&confdir);
	mg_str_free(&conf);
}

/* generated_line - line of DIR/exim4.conf holding the postmaster accept:
 * "  accept" followed by "local_parts = postmaster" */
static unsigned
generated_line(const char *dir)
{
	char path[4096];
	struct mg_str text = MG_STR_INIT;
	struct mg_err err;
	const char *cur, *l;
	size_t len;
	unsigned no = 0, accept = 0;

	(void)snprintf(path, sizeof(path), "%s/exim4.conf", dir);
	assert_int_equal(mg_file_read(path, MG_FILE_MAX, &text, NULL, &err),
	    0);
	for (cur = mg_str_cstr(&text); mg_line_next(&cur, &l, &len);) {
		no++;
		if (len == 8 && strncmp(l, "  accept", 8) == 0)
			accept = no;
		else if (accept != 0 && no <= accept + 2 && len > 0 &&
		    memmem(l, len, "local_parts = postmaster", 24) != NULL)
			break;
	}
	mg_str_free(&text);
	return (accept);
}

/* map - "lab.sh map DIR LINE": the lab's own replay of update-exim4.conf
 * (in awk), independent of the product's */
static void
map(const char *dir, unsigned line, struct mg_str *out)
{
	char n[32];
	const char *argv[] = { "sh", LAB, "map", dir, n, NULL };
	struct mg_exec_res res;

	(void)snprintf(n, sizeof(n), "%u", line);
	assert_int_equal(lab_run(&res, argv), 0);
	mg_str_init(out);
	mg_str_append(out, res.out.data, strcspn(mg_str_cstr(&res.out),
	    "\n"));
	mg_exec_res_free(&res);
}

/* incident1 - the finding points at the source line the lab's replay
 * names; real Exim accepts postmaster@localhost from a bot before the
 * fix and refuses it after, while local and real-domain mail pass */
static void
incident1(const char *scenario)
{
	const char *dir = lab_dir(LAB, scenario);
	const char *setup[] = { "setup", scenario, dir, NULL };
	struct mg_str out, where;
	char filter[4096];

	assert_int_equal(lab_script(LAB, setup), 0);
	assert_int_equal(lab_ex_report(dir, exim_bin, &out), 1);
	map(dir, generated_line(dir), &where);
	(void)printf("    %s: the postmaster accept is %s\n", scenario,
	    mg_str_cstr(&where));
	(void)snprintf(filter, sizeof(filter), "[.findings[] | select(.id == "
	    "\"exim.localhost.postmaster\" and .severity == \"high\") | "
	    ".evidence[] | select(.file != null and (.text | "
	    "contains(\"postmaster\"))) | "
	    "\"\\(.file):\\(.line)\"] == [$a]");
	assert_int_equal(lab_jq(out.data, filter, mg_str_cstr(&where)), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[].evidence[].text | "
	    "select(contains(\"listens on every interface\"))] | length == 1",
	    NULL), 0);
	/* the report's own exim -bh verdict, as the lab's bh gives it */
	assert_int_equal(lab_jq(out.data, "[.findings[].evidence[].text | "
	    "select(startswith(\"exim -bh 107.172.77.101:\") and "
	    "contains(\"RCPT TO:<postmaster@localhost> -> 250 \"))] | "
	    "length == 1", NULL), 0);
	assert_int_equal(lab_exim_bh(dir, "107.172.77.101", NULL,
	    "postmaster@localhost"), 250);

	apply_fix(dir, out.data, "exim.localhost.deny-remote");
	mg_str_free(&out);
	mg_str_free(&where);
	assert_int_equal(lab_exim_bh(dir, "107.172.77.101", NULL,
	    "postmaster@localhost"), 550);
	assert_int_equal(lab_exim_bh(dir, "107.172.77.101", NULL,
	    "postmaster@example.com"), 250);
	assert_int_equal(lab_exim_bh(dir, "127.0.0.1", NULL,
	    "root@localhost"), 250);
	assert_int_equal(lab_exim_bh(dir, "::1", NULL, "root@localhost"), 250);
	/* what is left is root's alias (low) and, as info, TLS 1.0/1.1
	 * left on (Exim 4.96 offers STARTTLS with its own certificate when
	 * tls_advertise_hosts is the default *; no floor set) */
	assert_int_equal(lab_ex_report(dir, exim_bin, &out), 1);
	assert_int_equal(lab_jq(out.data, "[.findings[].id] == "
	    "[\"exim.aliases.root\", \"exim.tls.old-protocols\"]", NULL),
	    0);
	mg_str_free(&out);
}

/* test_incident1_template - Debian's non-split template */
static void
test_incident1_template(void **state)
{
	(void)state;
	incident1("incident1-template");
}

/* test_incident1_split - Debian's conf.d tree */
static void
test_incident1_split(void **state)
{
	(void)state;
	incident1("incident1-split");
}

/* test_incident1_plain - a plain exim.conf is its own source */
static void
test_incident1_plain(void **state)
{
	const char *dir = lab_dir(LAB, "incident1-plain");
	const char *setup[] = { "setup", "incident1-plain", dir, NULL };
	struct mg_str out;

	(void)state;
	assert_int_equal(lab_script(LAB, setup), 0);
	assert_int_equal(lab_ex_report(dir, exim_bin, &out), 1);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"exim.localhost.postmaster\") | .evidence[1] | "
	    "(.file // \"\" | "
	    "endswith(\"/exim4.conf\")) and .line == 47] == [true]",
	    NULL), 0);
	/* no generator: the fix has no post-command */
	assert_int_equal(lab_jq(out.data, "[.fix_details[] | select(.id == "
	    "\"exim.localhost.deny-remote\") | .post_commands | length] == "
	    "[0]", NULL), 0);
	mg_str_free(&out);
	assert_int_equal(lab_exim_bh(dir, "107.172.77.101", NULL,
	    "postmaster@localhost"), 250);
}

/* test_stock_local_says_loopback - Debian's default listens on loopback:
 * the finding stays, and says so */
static void
test_stock_local_says_loopback(void **state)
{
	const char *dir = lab_dir(LAB, "debian-stock-local");
	const char *setup[] = { "setup", "debian-stock-local", dir, NULL };
	struct mg_str out;

	(void)state;
	assert_int_equal(lab_script(LAB, setup), 0);
	assert_int_equal(lab_ex_report(dir, exim_bin, &out), 1);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"exim.localhost.postmaster\") | .evidence[].text | "
	    "select(contains(\"loopback only\"))] | length == 1", NULL), 0);
	mg_str_free(&out);
}

/* test_colon_ipv6 - "! ::1" in a colon list: found at its template line;
 * real Exim denies the local IPv6 client and lets a bot without reverse
 * DNS through; after the "<;" fix it is the other way round */
static void
test_colon_ipv6(void **state)
{
	const char *dir = lab_dir(LAB, "colon-ipv6");
	const char *setup[] = { "setup", "colon-ipv6", dir, NULL };
	struct mg_str out;

	(void)state;
	assert_int_equal(lab_script(LAB, setup), 0);
	assert_int_equal(lab_ex_report(dir, exim_bin, &out), 1);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"exim.list.ipv6-colon\") | .evidence[0] | (.file | "
	    "endswith(\"exim4.conf.template\")) and (.text | "
	    "contains(\"read as \\\"! :1\\\"\"))] == [true]", NULL), 0);
	/* ":1" is a host-name pattern: ::1 named localhost is denied, a
	 * bot without reverse DNS gets through */
	assert_int_equal(lab_exim_bh(dir, "::1", "localhost",
	    "postmaster@localhost"), 550);
	assert_int_equal(lab_exim_bh(dir, "107.172.77.101", NULL,
	    "postmaster@localhost"), 250);
	apply_fix(dir, out.data, "exim.list.semicolon");
	mg_str_free(&out);
	assert_int_equal(lab_exim_bh(dir, "::1", "localhost",
	    "postmaster@localhost"), 250);
	assert_int_equal(lab_exim_bh(dir, "107.172.77.101", NULL,
	    "postmaster@localhost"), 550);
	assert_int_equal(lab_ex_report(dir, exim_bin, &out), 1);
	assert_int_equal(lab_jq(out.data, "[.findings[].id] == "
	    "[\"exim.aliases.root\", \"exim.tls.old-protocols\"]", NULL),
	    0);
	mg_str_free(&out);
}

/* test_relay_nets_typo - incident 4 on Exim: dc_relay_nets with a /8
 * typo; the report's exim -bh shows 210.99.1.1 relaying, the fix narrows
 * dc_relay_nets and real Exim then refuses it, the host meant still
 * relays */
static void
test_relay_nets_typo(void **state)
{
	const char *dir = lab_dir(LAB, "relay-nets-typo");
	const char *setup[] = { "setup", "relay-nets-typo", dir, NULL };
	struct mg_str out;

	(void)state;
	assert_int_equal(lab_script(LAB, setup), 0);
	assert_int_equal(lab_ex_report(dir, exim_bin, &out), 2);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"exim.relay.public-hosts\" and .severity == \"critical\") | "
	    ".evidence[] | select(.file != null and (.file | "
	    "endswith(\"update-exim4.conf.conf\")))] | length == 1", NULL),
	    0);
	assert_int_equal(lab_jq(out.data, "[.findings[].evidence[].text | "
	    "select(startswith(\"exim -bh 210.99.1.1:\") and "
	    "contains(\"-> 250 \"))] | length == 1", NULL), 0);
	assert_int_equal(lab_jq(out.data, ".fix_details[] | select(.id == "
	    "\"exim.relay.narrow\") | .edits[0].new == "
	    "\"dc_relay_nets='192.168.1.0/24 ; 210.140.12.34/32'\"", NULL), 0);
	assert_int_equal(lab_exim_bh(dir, "210.99.1.1", NULL,
	    "victim@remote.test"), 250);
	apply_fix(dir, out.data, "exim.relay.narrow");
	mg_str_free(&out);
	assert_true(lab_exim_bh(dir, "210.99.1.1", NULL,
	    "victim@remote.test") >= 500);
	assert_int_equal(lab_exim_bh(dir, "210.140.12.34", NULL,
	    "victim@remote.test"), 250);
	assert_int_equal(lab_exim_bh(dir, "192.168.1.5", NULL,
	    "victim@remote.test"), 250);
	assert_int_equal(lab_ex_report(dir, exim_bin, &out), 1);
	assert_int_equal(lab_jq(out.data, "[.findings[].id] | "
	    "index(\"exim.relay.public-hosts\") == null", NULL), 0);
	mg_str_free(&out);
}

/* bh_auth - exim -bh from 198.51.100.9: EHLO, then AUTH PLAIN user/pass
 * in the clear; the AUTH reply code, *offered whether EHLO listed PLAIN */
static int
bh_auth(const char *dir, const char *user, const char *pass, int *offered)
{
	char conf[4096], plain[256], b64[512];
	const char *argv[] = { "unshare", "-n", exim_bin, "-C", conf, "-bh",
	    "198.51.100.9", NULL };
	struct mg_exec_req req;
	struct mg_exec_res res;
	struct mg_str in = MG_STR_INIT;
	struct mg_err err;
	const char *cur, *l;
	size_t len, n, i, o = 0;
	int code = -1;
	static const char tbl[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
	    "qrstuvwxyz0123456789+/";

	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	/* "\0user\0pass", base64 */
	n = (size_t)snprintf(plain, sizeof(plain), "%c%s%c%s", 0, user, 0,
	    pass);
	for (i = 0; i < n; i += 3) {
		unsigned v = (unsigned char)plain[i] << 16;

		v |= i + 1 < n ? (unsigned char)plain[i + 1] << 8 : 0;
		v |= i + 2 < n ? (unsigned char)plain[i + 2] : 0;
		b64[o++] = tbl[v >> 18 & 63];
		b64[o++] = tbl[v >> 12 & 63];
		b64[o++] = i + 1 < n ? tbl[v >> 6 & 63] : '=';
		b64[o++] = i + 2 < n ? tbl[v & 63] : '=';
	}
	b64[o] = '\0';
	mg_str_printf(&in, "EHLO client.test\r\nAUTH PLAIN %s\r\nQUIT\r\n",
	    b64);
	memset(&req, 0, sizeof(req));
	req.argv = argv;
	req.input = in.data;
	req.input_len = in.len;
	assert_int_equal(mg_exec(&req, &res, &err), 0);
	*offered = 0;
	for (cur = mg_str_cstr(&res.out); mg_line_next(&cur, &l, &len);) {
		if (len > 9 && strncmp(l, "250-AUTH ", 9) == 0 &&
		    memmem(l, len, "PLAIN", 5) != NULL)
			*offered = 1;
		if (len > 3 && (strncmp(l, "235", 3) == 0 ||
		    strncmp(l, "5", 1) == 0 || strncmp(l, "435", 3) == 0))
			code = (int)strtol(l, NULL, 10);
	}
	(void)printf("    exim -bh 198.51.100.9: AUTH PLAIN %s -> %d (PLAIN "
	    "%soffered before TLS)\n", user, code, *offered ? "" : "not ");
	(void)fflush(stdout);
	mg_exec_res_free(&res);
	mg_str_free(&in);
	return (code);
}

/* test_auth_notls - AUTH in the clear and root in exim4/passwd: found
 * where they are written; real Exim takes root's password in the clear;
 * after the fixes root is refused, alice still logs in, and once the
 * macro is gone PLAIN is no longer offered before TLS */
static void
test_auth_notls(void **state)
{
	const char *dir = lab_dir(LAB, "auth-notls");
	const char *setup[] = { "setup", "auth-notls", dir, NULL };
	struct mg_str out;
	int offered;

	(void)state;
	assert_int_equal(lab_script(LAB, setup), 0);
	assert_int_equal(lab_ex_report(dir, exim_bin, &out), 1);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"exim.auth.no-tls\") | .evidence[] | select(.file != null) | "
	    "(.file | split(\"/\") | last) + \":\" + (.line | tostring)] == "
	    "[\"exim4.conf.template:1908\", \"exim4.conf.template:1923\", "
	    "\"exim4.conf.localmacros:11\"]", NULL), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"exim.auth.system-account\") | .evidence[] | "
	    "(.file // \"\" | endswith(\"/passwd\")) and .line == 2] == [true]",
	    NULL), 0);
	assert_int_equal(bh_auth(dir, "root", "toor2019", &offered), 235);
	assert_true(offered);

	apply_fix(dir, out.data, "exim.auth.disable-system");
	assert_int_equal(bh_auth(dir, "root", "toor2019", &offered), 535);
	assert_int_equal(bh_auth(dir, "alice", "Wonder-land-7", &offered),
	    235);
	apply_fix(dir, out.data, "exim.auth.tls-only");
	mg_str_free(&out);
	assert_true(bh_auth(dir, "alice", "Wonder-land-7", &offered) >= 500);
	assert_false(offered);
	assert_int_equal(lab_ex_report(dir, exim_bin, &out), 1);
	assert_int_equal(lab_jq(out.data, "[.findings[].id | "
	    "select(startswith(\"exim.auth\"))] == []", NULL), 0);
	mg_str_free(&out);
}

/* bt - "exim -bt ADDRESS": where real Exim routes it (first line) */
static void
bt(const char *dir, const char *addr, struct mg_str *out)
{
	char conf[4096];
	const char *argv[] = { "unshare", "-n", exim_bin, "-C", conf, "-bt",
	    addr, NULL };
	struct mg_exec_req req;
	struct mg_exec_res res;
	struct mg_err err;

	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	memset(&req, 0, sizeof(req));
	req.argv = argv;
	assert_int_equal(mg_exec(&req, &res, &err), 0);
	mg_str_init(out);
	mg_str_append(out, res.out.data, strcspn(mg_str_cstr(&res.out),
	    "\n"));
	(void)printf("    exim -bt %s: %s\n", addr, mg_str_cstr(out));
	(void)fflush(stdout);
	mg_exec_res_free(&res);
}

/* test_aliases - Debian's stock aliases have no root entry: root's mail
 * goes to mail4root's file (low, said so); with postmaster removed the
 * report finds it, real Exim cannot route postmaster@localhost, and after
 * the fix's line it routes it to root's destination */
static void
test_aliases(void **state)
{
	const char *dir = lab_dir(LAB, "debian-stock-local");
	const char *setup[] = { "setup", "debian-stock-local", dir, NULL };
	char aliases[4096];
	const char *drop[] = { "sed", "-i", "/^postmaster:/d", aliases, NULL };
	struct mg_exec_res res;
	struct mg_str out, route;

	(void)state;
	(void)snprintf(aliases, sizeof(aliases), "%s/etc/aliases", dir);
	assert_int_equal(lab_script(LAB, setup), 0);
	assert_int_equal(lab_ex_report(dir, exim_bin, &out), 1);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"exim.aliases.root\" and .severity == \"low\") | .evidence[1]"
	    ".text | endswith(\"/mail/mail instead\")] == [true]", NULL), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[].id] | "
	    "index(\"exim.aliases.postmaster\") == null", NULL), 0);
	mg_str_free(&out);
	bt(dir, "root@localhost", &route);
	assert_non_null(strstr(mg_str_cstr(&route), "/mail/mail"));
	mg_str_free(&route);

	assert_int_equal(lab_run(&res, drop), 0);
	mg_exec_res_free(&res);
	assert_int_equal(lab_ex_report(dir, exim_bin, &out), 1);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"exim.aliases.postmaster\" and .severity == \"medium\")] | "
	    "length == 1", NULL), 0);
	bt(dir, "postmaster@localhost", &route);
	assert_non_null(strstr(mg_str_cstr(&route), "Unrouteable"));
	mg_str_free(&route);
	apply_fix(dir, out.data, "exim.aliases.add-postmaster");
	mg_str_free(&out);
	bt(dir, "postmaster@localhost", &route);
	assert_non_null(strstr(mg_str_cstr(&route), "/mail/mail"));
	mg_str_free(&route);
}

/* leftover_copies - /tmp/mailguard-exim.* directories now */
static int
leftover_copies(void)
{
	const char *argv[] = { "find", "/tmp", "-maxdepth", "1", "-name",
	    "mailguard-exim.*", NULL };
	struct mg_exec_res res;
	int n;

	assert_int_equal(lab_run(&res, argv), 0);
	n = res.out.len > 0;
	mg_exec_res_free(&res);
	return (n);
}

/* test_debian_directory - --exim DIR: the generator (here the lab's own
 * copy of update-exim4.conf) writes a private copy that is read and
 * removed; the finding is at the same template line, and the fix's
 * post-command regenerates the system's own file (no --output) */
static void
test_debian_directory(void **state)
{
	const char *dir = lab_dir(LAB, "incident1-template");
	const char *setup[] = { "setup", "incident1-template", dir, NULL };
	char confdir[4096], gen[4096];
	const char *argv[] = { "./mailguard-tui", "--exim", confdir,
	    "--exim-bin", exim_bin, "--exim-generator", gen, "report",
	    "--json", NULL };
	const char *bad[] = { "./mailguard-tui", "--exim", confdir,
	    "--exim-bin", exim_bin, "--exim-generator", "/nonexistent/ue4c",
	    "report", NULL };
	struct mg_exec_res res;
	struct mg_str out, where;

	(void)state;
	(void)snprintf(confdir, sizeof(confdir), "%s/etc/exim4", dir);
	(void)snprintf(gen, sizeof(gen), "%s/bin/update-exim4.conf", dir);
	assert_int_equal(lab_script(LAB, setup), 0);
	assert_int_equal(leftover_copies(), 0);
	assert_int_equal(lab_capture(argv, &out), 1);
	assert_int_equal(leftover_copies(), 0);
	assert_int_equal(lab_jq(out.data, ".config == $a", confdir), 0);
	/* the same line the lab's replay gives for its own generated file */
	map(dir, generated_line(dir), &where);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"exim.localhost.postmaster\") | .evidence[1] | "
	    "\"\\(.file):\\(.line)\"] == [$a]", mg_str_cstr(&where)), 0);
	mg_str_free(&where);
	assert_int_equal(lab_jq(out.data, ".fix_details[] | select(.id == "
	    "\"exim.localhost.deny-remote\") | .post_commands == "
	    "[[\"update-exim4.conf\", \"--confdir\", $a]]", confdir), 0);
	mg_str_free(&out);
	assert_int_equal(lab_run(&res, bad), 3);
	assert_non_null(strstr(mg_str_cstr(&res.err), "/nonexistent/ue4c"));
	mg_exec_res_free(&res);
	assert_int_equal(leftover_copies(), 0);
}

/* test_missing_config_exits_3 - a config Exim cannot read is exit 3 */
static void
test_missing_config_exits_3(void **state)
{
	const char *argv[] = { "./mailguard-tui", "--exim",
	    "/nonexistent/exim4.conf", "--exim-bin", exim_bin, "report",
	    NULL };
	struct mg_exec_res res;

	(void)state;
	assert_int_equal(lab_run(&res, argv), 3);
	assert_true(res.err.len > 0);
	mg_exec_res_free(&res);
}

/* setup - private root, and the lab's exim binary */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-ex");
	return (lab_exim_bin(exim_bin, sizeof(exim_bin)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_stock_detected),
		cmocka_unit_test(test_missing_config_exits_3),
		cmocka_unit_test(test_incident1_template),
		cmocka_unit_test(test_incident1_split),
		cmocka_unit_test(test_incident1_plain),
		cmocka_unit_test(test_stock_local_says_loopback),
		cmocka_unit_test(test_colon_ipv6),
		cmocka_unit_test(test_relay_nets_typo),
		cmocka_unit_test(test_auth_notls),
		cmocka_unit_test(test_aliases),
		cmocka_unit_test(test_debian_directory),
	};

	return (cmocka_run_group_tests_name("lab_exim", tests, setup,
	    lab_teardown));
}
