/*
 * test_lab_prom_sarif.c - report --format prometheus and sarif against a
 * lab Postfix (incident 3: a stolen root login flooding the queue) and a
 * lab Exim (incident 1, frozen bounces), each document validated by the
 * format's own parser (tests/lab/formats/check_formats.py: the Python
 * Prometheus client, the OASIS SARIF schema) and its numbers judged by
 * the MTA's own tools (postqueue -j, exim -bp); the example alert rules
 * parse and use only metrics the report writes.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../core/mg_str.h"
#include "lab_util.h"

#define PF_LAB "tests/lab/postfix/lab.sh"
#define EX_LAB "tests/lab/exim/lab.sh"
#define CHECKER "tests/lab/formats/check_formats.py"
#define SCHEMA "tests/data/sarif/sarif-schema-2.1.0.json"
#define RULES "contrib/prometheus/mailguard.rules.yml"
#define PY "/usr/bin/python3"	/* the Debian python3-* packages' */
#define ROOT_N 30		/* lab.sh fill-incident3: root's messages */
#define ALICE_N 20		/* and alice's */
#define EX_ROOT_N 12
#define EX_FROZEN_N 3

static char exim_bin[4096];

/* save - text into ROOT/name; the path into path */
static void
save(const char *name, const char *text, size_t len, char *path,
    size_t size)
{
	FILE *fp;

	(void)snprintf(path, size, "%s/%s", lab_root(), name);
	assert_non_null(fp = fopen(path, "w"));
	assert_int_equal(fwrite(text, 1, len, fp), len);
	assert_int_equal(fclose(fp), 0);
}

/* report - ./mailguard-tui TARGET... report --format FMT into out; its
 * exit code (target: the options before "report", NULL-terminated) */
static int
report(const char *const *target, const char *fmt, struct mg_str *out)
{
	const char *argv[16];
	size_t n = 0;

	argv[n++] = "./mailguard-tui";
	while (*target != NULL && n < 12)
		argv[n++] = *target++;
	argv[n++] = "report";
	argv[n++] = "--format";
	argv[n++] = fmt;
	argv[n] = NULL;
	return (lab_capture(argv, out));
}

/* check - the checker on a file: its exit code; what it said shown */
static int
check(const char *kind, const char *file, const char *extra)
{
	const char *argv[] = { PY, CHECKER, kind, file, extra, NULL };
	struct mg_exec_res res;
	int rc;

	rc = lab_run(&res, argv);
	(void)printf("    %s%s", mg_str_cstr(&res.out), mg_str_cstr(&res.err));
	mg_exec_res_free(&res);
	return (rc);
}

/* value - the value of the sample "prefix VALUE" in a metrics text; -1
 * when there is no such line */
static long long
value(const char *doc, const char *prefix)
{
	const char *p = doc;
	size_t n = strlen(prefix);

	while ((p = strstr(p, prefix)) != NULL) {
		if ((p == doc || p[-1] == '\n') && p[n] == ' ')
			return (strtoll(p + n + 1, NULL, 10));
		p += n;
	}
	return (-1);
}

/* line_of - the 1-based number of the first line of file starting with
 * text; 0 if none */
static unsigned
line_of(const char *file, const char *text)
{
	struct mg_str s;
	const char *p;
	unsigned n = 1;

	lab_slurp(file, &s);
	for (p = s.data; p != NULL && *p != '\0'; n++) {
		if (strncmp(p, text, strlen(text)) == 0)
			break;
		p = strchr(p, '\n');
		p += p != NULL;
	}
	if (p == NULL || *p == '\0')
		n = 0;
	mg_str_free(&s);
	return (n);
}

/* same_exit_everywhere - json, text, prometheus and sarif exit with the
 * same code; that code */
static int
same_exit_everywhere(const char *const *target)
{
	static const char *const fmts[] = { "json", "text", "prometheus",
	    "sarif" };
	struct mg_str out;
	int rc, first = -1;
	size_t i;

	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		rc = report(target, fmts[i], &out);
		mg_str_free(&out);
		if (first < 0)
			first = rc;
		if (rc != first)
			fail_msg("report --format %s exits %d, json %d",
			    fmts[i], rc, first);
	}
	return (first);
}

/* checkers_can_fail - broken copies of valid documents are refused:
 * no final newline, a sample before its TYPE, a timestamp; a SARIF
 * without its version, a location past the end of its file, the
 * location "want" (its text up to "startLine": N) moved to wrong_line */
static void
checkers_can_fail(const char *prom, const char *sarif, const char *want,
    unsigned wrong_line)
{
	struct mg_str s, b = MG_STR_INIT;
	char path[4096];
	const char *p;

	assert_true(wrong_line > 0);
	lab_slurp(prom, &s);
	save("bad1.prom", s.data, s.len - 1, path, sizeof(path));
	assert_int_equal(check("prom", path, NULL), 1);
	p = strstr(s.data, "# TYPE mailguard_config_readable gauge\n");
	assert_non_null(p);
	mg_str_append(&b, s.data, (size_t)(p - s.data));
	mg_str_puts(&b, p + strlen("# TYPE mailguard_config_readable "
	    "gauge\n"));
	save("bad2.prom", b.data, b.len, path, sizeof(path));
	assert_int_equal(check("prom", path, NULL), 1);
	mg_str_reset(&b);
	mg_str_append(&b, s.data, s.len - 1);
	mg_str_puts(&b, " 1796646000000\n");
	save("bad3.prom", b.data, b.len, path, sizeof(path));
	assert_int_equal(check("prom", path, NULL), 1);
	mg_str_free(&s);
	mg_str_reset(&b);
	lab_slurp(sarif, &s);
	p = strstr(s.data, "\"version\": \"2.1.0\",");
	assert_non_null(p);
	mg_str_append(&b, s.data, (size_t)(p - s.data));
	mg_str_puts(&b, p + strlen("\"version\": \"2.1.0\","));
	save("bad1.sarif", b.data, b.len, path, sizeof(path));
	assert_int_equal(check("sarif", path, SCHEMA), 1);
	mg_str_reset(&b);
	p = strstr(s.data, "\"startLine\": ");
	assert_non_null(p);
	mg_str_append(&b, s.data, (size_t)(p - s.data));
	mg_str_puts(&b, "\"startLine\": 99999");
	p += strlen("\"startLine\": ");
	p += strspn(p, "0123456789");
	mg_str_puts(&b, p);
	save("bad2.sarif", b.data, b.len, path, sizeof(path));
	assert_int_equal(check("sarif", path, SCHEMA), 1);
	/* a location moved to a line that says nothing of it */
	mg_str_reset(&b);
	p = strstr(s.data, want);
	assert_non_null(p);
	p += strlen(want) - strlen(strrchr(want, ':'));
	mg_str_append(&b, s.data, (size_t)(p - s.data));
	mg_str_printf(&b, ": %u", wrong_line);
	p += 2;
	p += strspn(p, "0123456789");
	mg_str_puts(&b, p);
	save("bad3.sarif", b.data, b.len, path, sizeof(path));
	assert_int_equal(check("sarif", path, SCHEMA), 1);
	mg_str_free(&s);
	mg_str_free(&b);
}

/* pf_deferred - postqueue -j: how many messages are in deferred */
static long long
pf_deferred(const char *etc)
{
	const char *argv[] = { "postqueue", "-c", etc, "-j", NULL };
	struct mg_str out;
	const char *p;
	long long n = 0;

	assert_int_equal(lab_capture(argv, &out), 0);
	for (p = out.data; (p = strstr(p, "\"queue_name\": \"deferred\"")) !=
	    NULL; p++)
		n++;
	mg_str_free(&out);
	return (n);
}

/* test_postfix_formats_judged - incident 3 on real Postfix: metrics
 * that postqueue -j agrees with, SARIF locations on real main.cf lines,
 * both valid for their own parsers; every format exits 2 */
static void
test_postfix_formats_judged(void **state)
{
	const char *dir = lab_instance(PF_LAB, "sasl-root", 1);
	char etc[4096], maincf[4096], prom[4096], sarif[4096], n[16];
	const char *fill[] = { "fill-incident3", dir, n, NULL };
	const char *flush[] = { "flush-wait", dir, NULL };
	const char *target[] = { "--postfix", etc, NULL };
	struct mg_str out, want = MG_STR_INIT;
	long long deferred;
	unsigned line;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(maincf, sizeof(maincf), "%s/etc/main.cf", dir);
	(void)snprintf(n, sizeof(n), "%d", ROOT_N);
	assert_int_equal(lab_script(PF_LAB, fill), 0);
	assert_int_equal(lab_script(PF_LAB, flush), 0);
	deferred = pf_deferred(etc);
	(void)printf("    postqueue -j: %lld deferred\n", deferred);
	assert_int_equal(deferred, ROOT_N + ALICE_N);

	assert_int_equal(same_exit_everywhere(target), 2);
	assert_int_equal(report(target, "prometheus", &out), 2);
	save("postfix.prom", out.data, out.len, prom, sizeof(prom));
	assert_int_equal(check("prom", prom, NULL), 0);
	assert_int_equal(value(out.data, "mailguard_config_readable"), 1);
	assert_int_equal(value(out.data, "mailguard_exit_status"), 2);
	assert_int_equal(value(out.data,
	    "mailguard_queue_messages{queue=\"deferred\"}"), deferred);
	assert_int_equal(value(out.data,
	    "mailguard_queue_messages{queue=\"active\"}"), 0);
	assert_int_equal(value(out.data,
	    "mailguard_queue_sasl_user_messages{user=\"root\"}"), ROOT_N);
	assert_int_equal(value(out.data,
	    "mailguard_queue_sasl_user_messages{user=\"alice\"}"), ALICE_N);
	assert_int_equal(value(out.data,
	    "mailguard_queue_client_messages{client=\"93.122.252.5\"}"),
	    ROOT_N);
	assert_int_equal(value(out.data,
	    "mailguard_finding{id=\"postfix.sasl.system-account\","
	    "severity=\"critical\"}"), 1);
	assert_true(value(out.data,
	    "mailguard_findings{severity=\"critical\"}") >= 1);
	assert_int_equal(check("rules", RULES, prom), 0);
	mg_str_free(&out);

	assert_int_equal(report(target, "sarif", &out), 2);
	save("postfix.sarif", out.data, out.len, sarif, sizeof(sarif));
	assert_int_equal(check("sarif", sarif, SCHEMA), 0);
	/* AUTH before TLS is shown where main.cf switches SASL on: the
	 * line that postconf -n's parameter is on in the file itself */
	line = line_of(maincf, "smtpd_sasl_auth_enable = yes");
	assert_true(line > 0);
	mg_str_printf(&want, "\"uri\": \"file://%s\"\n                },\n"
	    "                \"region\": {\n                  \"startLine\": "
	    "%u\n", maincf, line);
	assert_non_null(strstr(out.data, mg_str_cstr(&want)));
	assert_non_null(strstr(out.data, "\"ruleId\": \"postfix.auth."
	    "no-tls\""));
	/* an empty line of main.cf shares no word with any finding */
	checkers_can_fail(prom, sarif, mg_str_cstr(&want), line_of(maincf,
	    "\n"));
	mg_str_free(&want);
	mg_str_free(&out);
	lab_stop(PF_LAB, dir);
}

/* ex_count - exim -bp: messages, and of them frozen */
static void
ex_count(const char *conf, long long *total, long long *frozen)
{
	const char *argv[] = { exim_bin, "-C", conf, "-bp", NULL };
	struct mg_str out;
	const char *p;

	assert_int_equal(lab_capture(argv, &out), 0);
	*total = *frozen = 0;
	for (p = out.data; p != NULL && *p != '\0'; p = strchr(p, '\n'),
	    p += p != NULL) {
		/* a message's first line: "AGE SIZE ID <sender>" indented by
		 * at most two spaces; recipients are indented further */
		if (*p == '\n' || strncmp(p, "        ", 8) == 0)
			continue;
		(*total)++;
		if (strstr(p, "*** frozen ***") != NULL && strstr(p, "*** "
		    "frozen ***") < strchr(p, '\n'))
			(*frozen)++;
	}
	mg_str_free(&out);
}

/* test_exim_formats_judged - Exim's spool as metrics (queued and
 * frozen as exim -bp counts them), SARIF valid and on real lines */
static void
test_exim_formats_judged(void **state)
{
	const char *dir = lab_instance(EX_LAB, "incident1-plain", 0);
	char conf[4096], prom[4096], sarif[4096], n1[16], n2[16];
	const char *root[] = { "fill", dir, n1, "--auth-id", "root",
	    "--host-address", "93.122.252.5", "--sender",
	    "root@mail.example.com", NULL };
	const char *bounce[] = { "fill", dir, n2, "--sender", "<>", "--rcpt",
	    "victim@forged.example", "--freeze", NULL };
	const char *target[] = { "--exim", conf, "--exim-bin", exim_bin,
	    NULL };
	struct mg_str out;
	long long total, frozen;
	int rc;

	(void)state;
	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	(void)snprintf(n1, sizeof(n1), "%d", EX_ROOT_N);
	(void)snprintf(n2, sizeof(n2), "%d", EX_FROZEN_N);
	assert_int_equal(lab_script(EX_LAB, root), 0);
	assert_int_equal(lab_script(EX_LAB, bounce), 0);
	ex_count(conf, &total, &frozen);
	(void)printf("    exim -bp: %lld messages, %lld frozen\n", total,
	    frozen);
	assert_int_equal(total, EX_ROOT_N + EX_FROZEN_N);
	assert_int_equal(frozen, EX_FROZEN_N);

	rc = same_exit_everywhere(target);
	assert_true(rc == 1 || rc == 2);
	assert_int_equal(report(target, "prometheus", &out), rc);
	save("exim.prom", out.data, out.len, prom, sizeof(prom));
	assert_int_equal(check("prom", prom, NULL), 0);
	assert_int_equal(value(out.data, "mailguard_exit_status"), rc);
	assert_int_equal(value(out.data,
	    "mailguard_queue_messages{queue=\"queued\"}"), total - frozen);
	assert_int_equal(value(out.data,
	    "mailguard_queue_messages{queue=\"frozen\"}"), frozen);
	assert_int_equal(value(out.data,
	    "mailguard_queue_sasl_user_messages{user=\"root\"}"), EX_ROOT_N);
	assert_int_equal(check("rules", RULES, prom), 0);
	mg_str_free(&out);

	assert_int_equal(report(target, "sarif", &out), rc);
	save("exim.sarif", out.data, out.len, sarif, sizeof(sarif));
	assert_int_equal(check("sarif", sarif, SCHEMA), 0);
	assert_non_null(strstr(out.data, "\"startLine\": "));
	mg_str_free(&out);
}

/* test_unreadable_config_still_written - nothing to read: exit 3 in
 * every format; the metrics say config_readable 0 and no last run, the
 * SARIF run is unsuccessful and says why; both still valid */
static void
test_unreadable_config_still_written(void **state)
{
	char missing[4096], path[4096];
	const char *target[] = { "--postfix", missing, NULL };
	struct mg_str out;

	(void)state;
	(void)snprintf(missing, sizeof(missing), "%s/no-such-dir", lab_root());
	assert_int_equal(same_exit_everywhere(target), 3);
	assert_int_equal(report(target, "prometheus", &out), 3);
	save("unread.prom", out.data, out.len, path, sizeof(path));
	assert_int_equal(check("prom", path, NULL), 0);
	assert_int_equal(value(out.data, "mailguard_config_readable"), 0);
	assert_int_equal(value(out.data,
	    "mailguard_last_run_timestamp_seconds"), -1);
	mg_str_free(&out);
	assert_int_equal(report(target, "sarif", &out), 3);
	save("unread.sarif", out.data, out.len, path, sizeof(path));
	assert_int_equal(check("sarif", path, SCHEMA), 0);
	assert_non_null(strstr(out.data, "\"executionSuccessful\": false"));
	assert_non_null(strstr(out.data, "no-such-dir"));
	mg_str_free(&out);
}

/* Two SASL logins Postfix queues as they are (smtpd keeps valid UTF-8):
 * one holding U+202E, which the report shows as the text \xe2\x80\xae,
 * and one that is that text literally. */
#define LOGIN_BIDI "y\xe2\x80\xae"
#define LOGIN_TEXT "y\\xe2\\x80\\xae"

/* Prints each user label of mailguard_queue_sasl_user_messages and its
 * value, as prometheus_client's parser reads them (repr: unambiguous). */
static const char py_users[] =
    "import sys\n"
    "from prometheus_client.parser import text_string_to_metric_families\n"
    "for f in text_string_to_metric_families(open(sys.argv[1]).read()):\n"
    "    for s in f.samples:\n"
    "        if s.name == 'mailguard_queue_sasl_user_messages':\n"
    "            print('%r %d' % (s.labels['user'], s.value))\n";

/* test_postfix_logins_stay_apart - 3 messages from the login LOGIN_BIDI
 * and 1 from LOGIN_TEXT: the document parses and has two series, 3 and
 * 1, where an escape of the bidi override alone made both one label */
static void
test_postfix_logins_stay_apart(void **state)
{
	const char *dir = lab_instance(PF_LAB, "relay-default36", 1);
	const char *fill1[] = { "fill", dir, "--xclient-login", LOGIN_BIDI,
	    "--from", "a@example.com", "--to", "b@example.net", "--count", "3",
	    NULL };
	const char *fill2[] = { "fill", dir, "--xclient-login", LOGIN_TEXT,
	    "--from", "a@example.com", "--to", "b@example.net", "--count", "1",
	    NULL };
	const char *flush[] = { "flush-wait", dir, NULL };
	char etc[4096], prom[4096];
	const char *target[] = { "--postfix", etc, NULL };
	const char *py[] = { PY, "-c", py_users, prom, NULL };
	struct mg_exec_res res;
	struct mg_str out;
	const char *o;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	assert_int_equal(lab_script(PF_LAB, fill1), 0);
	assert_int_equal(lab_script(PF_LAB, fill2), 0);
	assert_int_equal(lab_script(PF_LAB, flush), 0);
	(void)report(target, "prometheus", &out);
	save("logins.prom", out.data, out.len, prom, sizeof(prom));
	mg_str_free(&out);
	assert_int_equal(check("prom", prom, NULL), 0);
	assert_int_equal(lab_run(&res, py), 0);
	o = mg_str_cstr(&res.out);
	(void)printf("    users: %s", o);
	/* the parsed values: a visible \xe2\x80\xae, and that text with
	 * its backslashes doubled */
	assert_non_null(strstr(o, "'y\\\\xe2\\\\x80\\\\xae' 3\n"));
	assert_non_null(strstr(o,
	    "'y\\\\\\\\xe2\\\\\\\\x80\\\\\\\\xae' 1\n"));
	assert_null(strstr(o, " 4\n"));
	mg_exec_res_free(&res);
	lab_stop(PF_LAB, dir);
}

/* setup - private root, and the lab's exim binary */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-fmt");
	return (lab_exim_bin(exim_bin, sizeof(exim_bin)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_postfix_formats_judged),
		cmocka_unit_test(test_exim_formats_judged),
		cmocka_unit_test(test_unreadable_config_still_written),
		cmocka_unit_test(test_postfix_logins_stay_apart),
	};

	return (cmocka_run_group_tests_name("lab_prom_sarif", tests, setup,
	    lab_teardown));
}
