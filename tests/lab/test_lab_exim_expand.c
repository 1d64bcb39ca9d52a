/*
 * test_lab_exim_expand.c - Exim expansions read as real Exim reads them:
 * a nested lookup in an alias file name (exim -bt follows it; the report
 * names it as depending on $domain, no garbled warning), TLS conditions
 * in each spelling (exim -bh offers no AUTH before STARTTLS, the daemon
 * offers it after; no finding), and real clear-text AUTH whose exported
 * fix exim -bV accepts and after which exim -bh offers no AUTH.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../core/mg_lines.h"
#include "../../core/mg_str.h"
#include "lab_util.h"

#define LAB "tests/lab/exim/lab.sh"

static char exim_bin[4096];

/* conf_of - DIR/exim4.conf */
static const char *
conf_of(const char *dir)
{
	static char conf[4096];

	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	return (conf);
}

/* bt - "exim -bt ADDRESS": where real Exim routes it (all it printed) */
static void
bt(const char *dir, const char *addr, struct mg_str *out)
{
	const char *argv[] = { "unshare", "-n", exim_bin, "-C", conf_of(dir),
	    "-bt", addr, NULL };
	struct mg_exec_res res;

	(void)lab_run(&res, argv);
	mg_str_init(out);
	mg_str_append(out, res.out.data, res.out.len);
	(void)printf("    exim -bt %s: %.*s\n", addr,
	    (int)strcspn(mg_str_cstr(out), "\n"), mg_str_cstr(out));
	(void)fflush(stdout);
	mg_exec_res_free(&res);
}

/* ehlo_line - the EHLO reply line advertising what (e.g. "AUTH "), as
 * out; 1 if present.  Before TLS: exim -bh 198.51.100.9 on the daemon's
 * port (-oMi); after: the running daemon through openssl s_client
 * -starttls smtp. */
static int
ehlo_line(const char *dir, int after_tls, const char *what,
    struct mg_str *out)
{
	char port[32], iface[64], connect[64];
	const char *bh[] = { "unshare", "-n", exim_bin, "-C", conf_of(dir),
	    "-oMi", iface, "-bh", "198.51.100.9", NULL };
	const char *tls[] = { "openssl", "s_client", "-connect", connect,
	    "-starttls", "smtp", "-quiet", "-ign_eof", NULL };
	const char *cat[] = { "cat", NULL, NULL };
	char path[4096];
	struct mg_exec_req req;
	struct mg_exec_res res;
	struct mg_err err;
	const char *cur, *l;
	size_t len, n = strlen(what);
	int found = 0;

	(void)snprintf(path, sizeof(path), "%s/port", dir);
	cat[1] = path;
	assert_int_equal(lab_run(&res, cat), 0);
	(void)snprintf(port, sizeof(port), "%.*s",
	    (int)strcspn(mg_str_cstr(&res.out), "\n"), mg_str_cstr(&res.out));
	mg_exec_res_free(&res);
	(void)snprintf(iface, sizeof(iface), "192.0.2.1.%s", port);
	(void)snprintf(connect, sizeof(connect), "127.0.0.1:%s", port);
	memset(&req, 0, sizeof(req));
	req.argv = after_tls ? tls : bh;
	req.input = "EHLO client.test\r\nQUIT\r\n";
	req.input_len = strlen(req.input);
	req.timeout_ms = 60000;
	assert_int_equal(mg_exec(&req, &res, &err), 0);
	mg_str_init(out);
	for (cur = mg_str_cstr(&res.out); mg_line_next(&cur, &l, &len);) {
		if (len > 4 + n && strncmp(l, "250", 3) == 0 &&
		    strncmp(l + 4, what, n) == 0) {
			mg_str_append(out, l + 4, len - 4);
			while (out->len > 0 && out->data[out->len - 1] == '\r')
				out->data[--out->len] = '\0';
			found = 1;
		}
	}
	(void)printf("    %s: %s%s\n", after_tls ? "daemon after STARTTLS" :
	    "exim -bh 198.51.100.9 before TLS", found ? "" : "no ", found ?
	    mg_str_cstr(out) : what);
	(void)fflush(stdout);
	mg_exec_res_free(&res);
	return (found);
}

/* bh_auth_alice - exim -bh: EHLO, then AUTH PLAIN as alice in the clear;
 * the reply code (235 accepted, 503 not advertised) */
static int
bh_auth_alice(const char *dir)
{
	const char *argv[] = { "unshare", "-n", exim_bin, "-C", conf_of(dir),
	    "-bh", "198.51.100.9", NULL };
	/* "\0alice\0Wonder-land-7" */
	static const char in[] = "EHLO client.test\r\n"
	    "AUTH PLAIN AGFsaWNlAFdvbmRlci1sYW5kLTc=\r\nQUIT\r\n";
	struct mg_exec_req req;
	struct mg_exec_res res;
	struct mg_err err;
	const char *cur, *l;
	size_t len;
	int code = -1;

	memset(&req, 0, sizeof(req));
	req.argv = argv;
	req.input = in;
	req.input_len = sizeof(in) - 1;
	assert_int_equal(mg_exec(&req, &res, &err), 0);
	for (cur = mg_str_cstr(&res.out); mg_line_next(&cur, &l, &len);)
		if (len > 3 && (strncmp(l, "235", 3) == 0 ||
		    strncmp(l, "5", 1) == 0))
			code = (int)strtol(l, NULL, 10);
	(void)printf("    exim -bh 198.51.100.9: AUTH PLAIN alice in the "
	    "clear -> %d\n", code);
	(void)fflush(stdout);
	mg_exec_res_free(&res);
	return (code);
}

/* daemon - lab.sh start|stop DIR */
static void
daemon(const char *verb, const char *dir)
{
	const char *args[] = { verb, dir, NULL };

	assert_int_equal(lab_script(LAB, args), 0);
}

/* exim_bV - exim -C DIR/exim4.conf -bV: 0 and silent on stderr */
static int
exim_bV(const char *dir)
{
	const char *argv[] = { exim_bin, "-C", conf_of(dir), "-bV", NULL };
	struct mg_exec_res res;
	int rc;

	rc = lab_run(&res, argv);
	if (rc == 0 && res.err.len > 0)
		rc = -1;
	(void)printf("    exim -bV: %s\n", rc == 0 ? "ok" :
	    mg_str_cstr(&res.err));
	mg_exec_res_free(&res);
	return (rc);
}

/* test_nested_lookup - real Exim follows the nested lookup; the report
 * names the file as depending on $domain, warns about no garbled or
 * optional file, and still checks the system aliases (no postmaster,
 * which real Exim cannot route either) */
static void
test_nested_lookup(void **state)
{
	const char *dir = lab_instance(LAB, "nested-lookup", 0);
	struct mg_str out, route;

	(void)state;
	bt(dir, "info@example.org", &route);
	assert_non_null(strstr(mg_str_cstr(&route), "alice@example.com"));
	assert_non_null(strstr(mg_str_cstr(&route), "<-- info@example.org"));
	mg_str_free(&route);
	bt(dir, "postmaster@localhost", &route);
	assert_non_null(strstr(mg_str_cstr(&route), "undeliverable"));
	mg_str_free(&route);

	assert_int_equal(lab_ex_report(dir, exim_bin, &out), 1);
	assert_int_equal(lab_jq(out.data, ".warnings == []", NULL), 0);
	assert_int_equal(lab_jq(out.data, "[.unread[] | select(contains("
	    "\"router virtual_aliases: the alias file \") and contains("
	    "\"/virtual/${lookup{$domain}dsearch{\") and contains(\"}}/aliases "
	    "depends on $domain\"))] | length == 1", NULL), 0);
	assert_int_equal(lab_jq(out.data, "[.unread[] | select(contains("
	    "\"lowuid\") or contains(\"cannot read\"))] == []", NULL), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"exim.aliases.postmaster\") | .evidence[0].text | "
	    "contains(\"system_aliases\")] == [true]", NULL), 0);
	mg_str_free(&out);
}

/* tls_only - a scenario holding AUTH back until STARTTLS: real Exim
 * offers no AUTH before TLS and both mechanisms after; no TLS finding
 * (only the missing limit per login and the sender check) */
static void
tls_only(const char *scenario)
{
	const char *dir = lab_instance(LAB, scenario, 0);
	struct mg_str out, line;

	assert_false(ehlo_line(dir, 0, "AUTH", &line));
	mg_str_free(&line);
	assert_true(ehlo_line(dir, 0, "STARTTLS", &line));
	mg_str_free(&line);
	assert_int_equal(bh_auth_alice(dir), 503);
	daemon("start", dir);
	assert_true(ehlo_line(dir, 1, "AUTH ", &line));
	assert_string_equal(mg_str_cstr(&line), "AUTH PLAIN LOGIN");
	mg_str_free(&line);
	daemon("stop", dir);
	/* no AUTH-before-TLS finding; those left are true of these
	 * configs: the RCPT ACL accepts any login before any check of the
	 * sender, AUTH is offered (after TLS) with no ratelimit per login,
	 * and TLS 1.0/1.1 stay on (tls_require_ciphers unset; the lab's
	 * Exim 4.96 on GnuTLS completes them, test_lab_tls.c: no fix) */
	assert_int_equal(lab_ex_report(dir, exim_bin, &out), 1);
	assert_int_equal(lab_jq(out.data, "([.findings[].id] | sort) == "
	    "[\"exim.sasl.no-rate-limit\", \"exim.sasl.sender-mismatch\", "
	    "\"exim.tls.old-protocols\"]", NULL), 0);
	assert_int_equal(lab_jq(out.data, "([.fix_details[].id] | sort) == "
	    "[\"exim.sasl.rate-limit\", \"exim.sasl.sender-login-deny\"]",
	    NULL), 0);
	mg_str_free(&out);
}

/* test_tls_cipher_conditions - ${if !eq{$tls_cipher}{}} and
 * ${if def:tls_in_cipher} in the authenticators */
static void
test_tls_cipher_conditions(void **state)
{
	(void)state;
	tls_only("auth-tls-cipher");
}

/* test_auth_advertise_hosts - ${if eq{$tls_in_cipher}{}{}{*}} in the
 * main option auth_advertise_hosts */
static void
test_auth_advertise_hosts(void **state)
{
	(void)state;
	tls_only("auth-advertise-hosts");
}

/* test_plain_clear_fixed - passwords really offered in the clear: real
 * Exim takes alice's password before TLS; the report says so with
 * Exim's own EHLO; the exported fix edits PLAIN's condition in place
 * and adds LOGIN's, exim -bV accepts it, and then AUTH is offered only
 * after STARTTLS (alice can still log in there) */
static void
test_plain_clear_fixed(void **state)
{
	const char *dir = lab_instance(LAB, "auth-plain-clear", 0);
	char patchfile[4200];
	const char *exp[] = { "./mailguard-tui", "--exim", conf_of(dir),
	    "--exim-bin", exim_bin, "fix", "exim.auth.tls-only",
	    "--export-diff", patchfile, NULL };
	const char *apply[] = { "patch", "-p0", "-d", "/", "-i", patchfile,
	    NULL };
	const char *grep[] = { "grep", "-c", "server_advertise_condition",
	    conf_of(dir), NULL };
	struct mg_exec_res res;
	struct mg_str out, line;

	(void)state;
	(void)snprintf(patchfile, sizeof(patchfile), "%s/fix.patch", dir);
	assert_true(ehlo_line(dir, 0, "AUTH ", &line));
	assert_string_equal(mg_str_cstr(&line), "AUTH PLAIN LOGIN");
	mg_str_free(&line);
	assert_int_equal(bh_auth_alice(dir), 235);
	assert_int_equal(lab_ex_report(dir, exim_bin, &out), 1);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"exim.auth.no-tls\") | .evidence[].text] | "
	    "(.[0] | test(\"^exim -bh 198.51.100.9 \\\\(port [0-9]+\\\\): "
	    "EHLO offers AUTH PLAIN LOGIN before STARTTLS$\")) and "
	    "length == 3", NULL), 0);
	/* PLAIN's own line is edited, LOGIN gets one after its driver */
	assert_int_equal(lab_jq(out.data, "[.fix_details[] | select(.id == "
	    "\"exim.auth.tls-only\") | .edits[].new] == ["
	    "\"  server_advertise_condition = ${if def:tls_in_cipher"
	    "{${if def:sender_host_address}}{no}}\", "
	    "\"  driver = plaintext\\n  server_advertise_condition = "
	    "${if def:tls_in_cipher}\"]", NULL), 0);
	mg_str_free(&out);

	assert_int_equal(lab_capture(exp, &out), 0);
	mg_str_free(&out);
	assert_int_equal(lab_run(&res, apply), 0);
	mg_exec_res_free(&res);
	assert_int_equal(exim_bV(dir), 0);
	/* one condition per authenticator, never two */
	assert_int_equal(lab_run(&res, grep), 0);
	assert_int_equal(strtol(mg_str_cstr(&res.out), NULL, 10), 2);
	mg_exec_res_free(&res);
	assert_false(ehlo_line(dir, 0, "AUTH", &line));
	mg_str_free(&line);
	assert_int_equal(bh_auth_alice(dir), 503);
	daemon("start", dir);
	assert_true(ehlo_line(dir, 1, "AUTH ", &line));
	assert_string_equal(mg_str_cstr(&line), "AUTH PLAIN LOGIN");
	mg_str_free(&line);
	daemon("stop", dir);
	/* the AUTH finding is gone; the sender check, the limit per
	 * login and TLS 1.0/1.1 are not this fix's business and stay */
	assert_int_equal(lab_ex_report(dir, exim_bin, &out), 1);
	assert_int_equal(lab_jq(out.data, "([.findings[].id] | sort) == "
	    "[\"exim.sasl.no-rate-limit\", \"exim.sasl.sender-mismatch\", "
	    "\"exim.tls.old-protocols\"]", NULL), 0);
	mg_str_free(&out);
}

/* setup - private root, and the lab's exim binary */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-exexp");
	return (lab_exim_bin(exim_bin, sizeof(exim_bin)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nested_lookup),
		cmocka_unit_test(test_tls_cipher_conditions),
		cmocka_unit_test(test_auth_advertise_hosts),
		cmocka_unit_test(test_plain_clear_fixed),
	};

	return (cmocka_run_group_tests_name("lab_exim_expand", tests, setup,
	    lab_teardown));
}
