/*
 * test_report_formats.c - report --format prometheus and sarif on queue
 * files written by real Postfix (tests/unit/data/pf_queue) and on hostile
 * names: label escaping, the top-10 bound, severity to SARIF level, file
 * names as URIs, and documents whose counts are those of the input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../backends/postfix/pf_queue.h"
#include "../../cli/report_fmt.h"
#include "../../cli/report_prom.h"
#include "../../cli/report_sarif.h"
#include "../../core/mg_file.h"
#include "../../core/mg_str.h"
#include "mg_test.h"

#define DATA "tests/unit/data/pf_queue/"

/* test_prom_escape_table - the exposition format's three escapes, and
 * untrusted bytes kept visible as \xHH text */
static void
test_prom_escape_table(void **state)
{
	static const struct {
		const char *name, *in, *want;
	} cases[] = {
		{ "plain", "alice@example.com", "alice@example.com" },
		{ "backslash", "dom\\user", "dom\\\\\\\\user" },
		{ "quote", "a\"b", "a\\\"b" },
		{ "newline", "a\nb", "a\\nb" },
		{ "all three", "\\\"\n", "\\\\\\\\\\\"\\n" },
		{ "literal \\xff", "a\\xff", "a\\\\\\\\xff" },
		{ "tab", "a\tb", "a\\\\x09b" },
		{ "escape", "\x1b[2J", "\\\\x1b[2J" },
		{ "del", "a\x7f", "a\\\\x7f" },
		{ "not utf-8", "a\xff" "b", "a\\\\xffb" },
		{ "utf-8 kept", "m\xc3\xbcller", "m\xc3\xbcller" },
		{ "c1 control", "a\xc2\x85", "a\\\\xc2\\\\x85" },
		{ "bidi override", "\xe2\x80\xae" "x",
		    "\\\\xe2\\\\x80\\\\xaex" },
		{ "empty", "", "" },
	};
	struct mg_str s;
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		mg_str_init(&s);
		mg_prom_escape(&s, cases[i].in);
		if (strcmp(mg_str_cstr(&s), cases[i].want) != 0)
			fail_msg("%s: got \"%s\", want \"%s\"", cases[i].name,
			    mg_str_cstr(&s), cases[i].want);
		mg_str_free(&s);
	}
}

/* unescape - the label value a reader of the exposition format sees:
 * \\ \" \n undone (what prometheus_client's parser does) */
static void
unescape(struct mg_str *out, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' && s[1] != '\0') {
			s++;
			mg_str_putc(out, *s == 'n' ? '\n' : *s);
		} else
			mg_str_putc(out, *s);
	}
}

/* test_prom_escape_no_collision - the login "a\xff" (backslash, x, f,
 * f) and the login "a" + byte 0xff are two series: every pair of these
 * hostile names stays apart after the reader undoes the escapes */
static void
test_prom_escape_no_collision(void **state)
{
	static const char *const names[] = {
		"a\xff", "a\\xff", "a\\\\xff", "a\\\xff", "a\x1b",
		"a\\x1b", "a\"", "a\\\"", "a\n", "a\\n", "a\\",
		"a\\\\", "a",
	};
	struct mg_str esc[MG_NELEM(names)], val[MG_NELEM(names)];
	size_t i, k;

	(void)state;
	for (i = 0; i < MG_NELEM(names); i++) {
		mg_str_init(&esc[i]);
		mg_str_init(&val[i]);
		mg_prom_escape(&esc[i], names[i]);
		unescape(&val[i], mg_str_cstr(&esc[i]));
	}
	for (i = 0; i < MG_NELEM(names); i++)
		for (k = i + 1; k < MG_NELEM(names); k++) {
			if (strcmp(mg_str_cstr(&val[i]),
			    mg_str_cstr(&val[k])) == 0)
				fail_msg("names %zu and %zu are one series: %s",
				    i, k, mg_str_cstr(&val[i]));
		}
	/* the two logins of the report: a visible \xff, and \\xff */
	assert_string_equal(mg_str_cstr(&val[0]), "a\\xff");
	assert_string_equal(mg_str_cstr(&val[1]), "a\\\\xff");
	for (i = 0; i < MG_NELEM(names); i++) {
		mg_str_free(&esc[i]);
		mg_str_free(&val[i]);
	}
}

/* test_sarif_level_table - critical/high error, medium/low warning,
 * info note; the security-severity bands rank them in the same order */
static void
test_sarif_level_table(void **state)
{
	static const struct {
		enum mg_severity sev;
		const char *level;
	} cases[] = {
		{ MG_SEV_CRITICAL, "error" },
		{ MG_SEV_HIGH, "error" },
		{ MG_SEV_MEDIUM, "warning" },
		{ MG_SEV_LOW, "warning" },
		{ MG_SEV_INFO, "note" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		assert_string_equal(mg_sarif_level(cases[i].sev),
		    cases[i].level);
		if (i > 0)
			assert_true(strtod(mg_sarif_security_severity(
			    cases[i].sev), NULL) < strtod(
			    mg_sarif_security_severity(cases[i - 1].sev),
			    NULL));
	}
}

/* test_sarif_uri_table - absolute paths become file:// URIs, relative
 * ones stay relative; reserved and non-ASCII bytes percent-encoded */
static void
test_sarif_uri_table(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "/etc/postfix/main.cf", "file:///etc/postfix/main.cf" },
		{ "/srv/mail conf/main.cf", "file:///srv/mail%20conf/main.cf" },
		{ "/etc/exim4/conf.d/#x?y",
		    "file:///etc/exim4/conf.d/%23x%3Fy" },
		{ "/etc/m\xc3\xbc", "file:///etc/m%C3%BC" },
		{ "postfix/main.cf", "postfix/main.cf" },
		{ "a%b", "a%25b" },
	};
	struct mg_str s;
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		mg_str_init(&s);
		mg_sarif_uri(&s, cases[i].in);
		assert_string_equal(mg_str_cstr(&s), cases[i].want);
		mg_str_free(&s);
	}
}

/* load_fixture - one queue file written by real Postfix into q */
static void
load_fixture(const char *name, const char *queue, struct mg_queue *q)
{
	char path[256];
	struct mg_str s;
	struct mg_err err;

	(void)snprintf(path, sizeof(path), DATA "%s", name);
	mg_str_init(&s);
	if (mg_file_read(path, MG_FILE_MAX, &s, NULL, &err) < 0)
		fail_msg("%s", err.msg);
	if (mg_pf_queue_parse((const unsigned char *)s.data, s.len, name,
	    queue, q, &err) < 0)
		fail_msg("%s: %s", name, err.msg);
	mg_str_free(&s);
}

/* session - a loaded Postfix session: the captured queue files (root
 * from 93.122.252.5 twice, alice from 192.0.2.10), nusers more SASL
 * users with (i + 1) messages each in hold, and three findings, two of
 * them with the same id */
static void
session(struct mg_session *a, size_t nusers)
{
	struct mg_queue *q;
	struct mg_qmsg m;
	struct mg_finding *f;
	char name[64];
	size_t i, k;

	mg_session_init(a);
	a->loaded = 1;
	a->model.mta = MG_MTA_POSTFIX;
	a->model.version = mg_xstrdup("3.7.11");
	a->model.config_file = mg_xstrdup("/etc/postfix/main.cf");
	q = a->model.queue = mg_xcalloc(1, sizeof(*q));
	mg_queue_init(q);
	load_fixture("long-sasl-root", "deferred", q);
	load_fixture("short-sasl-root", "active", q);
	load_fixture("long-alice", "deferred", q);
	memset(&m, 0, sizeof(m));
	m.queue = "hold";
	m.sender = "";
	for (i = 0; i < nusers; i++) {
		(void)snprintf(name, sizeof(name), i == 0 ? "evil\"\\\n%zu" :
		    "user%02zu", i);
		m.sasl_username = mg_arena_strndup(&q->arena, name,
		    strlen(name));
		for (k = 0; k <= i; k++)
			(void)mg_queue_add_copy(q, &m, name, strlen(name),
			    NULL, 0);
	}
	f = mg_report_finding(&a->report, "postfix.mynetworks.public",
	    MG_SEV_CRITICAL, "relay", "mynetworks holds a public network");
	mg_finding_evidence(f, "/etc/postfix/main.cf", 42, "mynetworks = "
	    "0.0.0.0/0");
	f = mg_report_finding(&a->report, "queue.sasl-dominant",
	    MG_SEV_HIGH, "queue", "One SASL login sends most of the queue");
	mg_finding_evidence(f, NULL, 0, "root: 2 of 3");
	f = mg_report_finding(&a->report, "postfix.mynetworks.public",
	    MG_SEV_CRITICAL, "relay", "mynetworks holds a public network");
	mg_finding_evidence(f, "/etc/postfix/master.cf", 7, "-o mynetworks="
	    "0/0");
}

/* emit - one emitter's document into out */
static void
emit(report_emit_fn fn, const struct mg_session *a, int exit_code,
    struct mg_str *out)
{
	struct report_opts o;
	char *buf = NULL;
	size_t len = 0;
	FILE *fp;

	memset(&o, 0, sizeof(o));
	o.exit_code = exit_code;
	o.now = 1796646000;
	o.elapsed = 0.25;
	assert_non_null(fp = open_memstream(&buf, &len));
	assert_int_equal(fn(fp, a, &o), 0);
	assert_int_equal(fclose(fp), 0);
	mg_str_init(out);
	mg_str_append(out, buf, len);
	free(buf);
}

/* line_value - the value of the sample line that starts with prefix
 * (name and labels, exactly); -1 when there is none */
static long long
line_value(const char *doc, const char *prefix)
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

/* count_prefix - how many lines start with prefix */
static size_t
count_prefix(const char *doc, const char *prefix)
{
	const char *p = doc;
	size_t n = 0;

	for (; p != NULL && *p != '\0'; p = strchr(p, '\n'), p += p != NULL)
		if (strncmp(p, prefix, strlen(prefix)) == 0)
			n++;
	return (n);
}

/* test_prom_counts_are_the_queues - per queue, per user, per client and
 * per finding id the numbers of the input; users bounded to 10, the
 * hostile one escaped; each family's HELP and TYPE before its samples */
static void
test_prom_counts_are_the_queues(void **state)
{
	struct mg_session a;
	struct mg_str out;
	const char *d, *p, *t, *line;
	char fam[128];
	size_t n;

	(void)state;
	session(&a, 14);
	emit(report_emit_prometheus, &a, 2, &out);
	d = mg_str_cstr(&out);
	assert_true(out.len > 0 && d[out.len - 1] == '\n');
	assert_int_equal(line_value(d, "mailguard_config_readable"), 1);
	assert_int_equal(line_value(d, "mailguard_exit_status"), 2);
	assert_int_equal(line_value(d,
	    "mailguard_last_run_timestamp_seconds"), 1796646000);
	assert_int_equal(line_value(d,
	    "mailguard_queue_messages{queue=\"deferred\"}"), 2);
	assert_int_equal(line_value(d,
	    "mailguard_queue_messages{queue=\"active\"}"), 1);
	/* 1 + 2 + ... + 14 */
	assert_int_equal(line_value(d,
	    "mailguard_queue_messages{queue=\"hold\"}"), 105);
	assert_int_equal(line_value(d,
	    "mailguard_queue_messages{queue=\"incoming\"}"), 0);
	assert_int_equal(line_value(d,
	    "mailguard_queue_sasl_user_messages{user=\"user13\"}"), 14);
	/* the ten with most: user13 .. user04; root (2), alice (1) and
	 * the hostile name (1) are not among them */
	assert_int_equal(count_prefix(d, "mailguard_queue_sasl_user_messages{"),
	    MG_PROM_TOP);
	assert_int_equal(line_value(d,
	    "mailguard_queue_sasl_user_messages{user=\"user04\"}"), 5);
	assert_int_equal(line_value(d,
	    "mailguard_queue_sasl_user_messages{user=\"user03\"}"), -1);
	assert_int_equal(line_value(d,
	    "mailguard_queue_sasl_user_messages{user=\"root\"}"), -1);
	assert_int_equal(line_value(d,
	    "mailguard_queue_client_messages{client=\"93.122.252.5\"}"), 2);
	assert_int_equal(line_value(d,
	    "mailguard_queue_client_messages{client=\"192.0.2.10\"}"), 1);
	assert_int_equal(line_value(d,
	    "mailguard_finding{id=\"postfix.mynetworks.public\","
	    "severity=\"critical\"}"), 2);
	assert_int_equal(line_value(d,
	    "mailguard_finding{id=\"queue.sasl-dominant\",severity=\"high\"}"),
	    1);
	assert_int_equal(line_value(d,
	    "mailguard_findings{severity=\"critical\"}"), 2);
	assert_int_equal(line_value(d,
	    "mailguard_findings{severity=\"info\"}"), 0);
	/* every sample: NAME[{...}] VALUE, no timestamp; its family's
	 * HELP and TYPE came first */
	for (line = d; *line != '\0'; line = strchr(line, '\n') + 1) {
		if (*line == '#')
			continue;
		n = strcspn(line, "{ ");
		assert_true(n < sizeof(fam));
		(void)snprintf(fam, sizeof(fam), "# TYPE %.*s gauge\n",
		    (int)n, line);
		t = strstr(d, fam);
		assert_true(t != NULL && t < line);
		(void)snprintf(fam, sizeof(fam), "# HELP %.*s ", (int)n, line);
		assert_true((p = strstr(d, fam)) != NULL && p < t);
		p = strrchr(line, '}');
		if (p == NULL || p > strchr(line, '\n'))
			p = line;
		p = strchr(p, ' ');
		assert_null(memchr(p + 1, ' ', strcspn(p + 1, "\n")));
	}
	mg_str_free(&out);
	/* with few users all are there, the hostile name escaped */
	mg_session_free(&a);
	session(&a, 1);
	emit(report_emit_prometheus, &a, 2, &out);
	d = mg_str_cstr(&out);
	assert_int_equal(line_value(d,
	    "mailguard_queue_sasl_user_messages{user=\"root\"}"), 2);
	assert_int_equal(line_value(d,
	    "mailguard_queue_sasl_user_messages{user=\"alice\"}"), 1);
	assert_non_null(strstr(d,
	    "{user=\"evil\\\"\\\\\\\\\\n0\"} 1\n"));
	mg_str_free(&out);
	mg_session_free(&a);
}

/* test_prom_unreadable_config - only mailguard_config_readable 0: no
 * last run (it did not succeed), no findings or queue that were not read */
static void
test_prom_unreadable_config(void **state)
{
	struct mg_session a;
	struct mg_str out;

	(void)state;
	mg_session_init(&a);
	emit(report_emit_prometheus, &a, 3, &out);
	assert_string_equal(mg_str_cstr(&out),
	    "# HELP mailguard_config_readable Whether the MTA configuration "
	    "could be read (1) or not (0).\n"
	    "# TYPE mailguard_config_readable gauge\n"
	    "mailguard_config_readable 0\n");
	mg_str_free(&out);
	mg_session_free(&a);
}

/* test_sarif_rules_and_locations - one rule per id, results pointing
 * at their rule, each file:line evidence a location, a finding without
 * a file located at the configuration file */
static void
test_sarif_rules_and_locations(void **state)
{
	struct mg_session a;
	struct mg_str out;
	const char *d;

	(void)state;
	session(&a, 0);
	emit(report_emit_sarif, &a, 2, &out);
	d = mg_str_cstr(&out);
	assert_non_null(strstr(d, "\"version\": \"2.1.0\""));
	assert_int_equal(count_prefix(d, "              \"id\": "), 2);
	assert_int_equal(count_prefix(d, "          \"ruleId\": "), 3);
	assert_non_null(strstr(d, "\"ruleId\": \"postfix.mynetworks.public\","
	    "\n          \"ruleIndex\": 0,\n          \"level\": \"error\""));
	assert_non_null(strstr(d, "\"ruleId\": \"queue.sasl-dominant\","
	    "\n          \"ruleIndex\": 1,\n          \"level\": \"error\""));
	assert_non_null(strstr(d, "\"uri\": \"file:///etc/postfix/main.cf\""
	    "\n                },\n                \"region\": {\n"
	    "                  \"startLine\": 42\n"));
	assert_non_null(strstr(d, "\"uri\": \"file:///etc/postfix/master.cf\""
	    "\n                },\n                \"region\": {\n"
	    "                  \"startLine\": 7\n"));
	/* two with a line; the queue finding at main.cf, without one */
	assert_int_equal(count_prefix(d, "                  \"startLine\": "),
	    2);
	assert_int_equal(count_prefix(d, "                  \"uri\": "), 3);
	assert_non_null(strstr(d, "\"executionSuccessful\": true"));
	assert_non_null(strstr(d, "\"exitCode\": 2"));
	mg_str_free(&out);
	mg_session_free(&a);
}

/* test_sarif_unreadable_config - no results, and the reason as an error
 * notification of an unsuccessful invocation */
static void
test_sarif_unreadable_config(void **state)
{
	struct mg_session a;
	struct mg_str out;
	const char *d;

	(void)state;
	mg_session_init(&a);
	(void)mg_err_set(&a.err, "cannot read /x/main.cf: Permission denied");
	emit(report_emit_sarif, &a, 3, &out);
	d = mg_str_cstr(&out);
	assert_non_null(strstr(d, "\"executionSuccessful\": false"));
	assert_non_null(strstr(d, "\"exitCode\": 3"));
	assert_non_null(strstr(d, "cannot read /x/main.cf: Permission "
	    "denied"));
	assert_non_null(strstr(d, "\"results\": []"));
	assert_non_null(strstr(d, "\"rules\": []"));
	mg_str_free(&out);
	mg_session_free(&a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prom_escape_table),
		cmocka_unit_test(test_prom_escape_no_collision),
		cmocka_unit_test(test_sarif_level_table),
		cmocka_unit_test(test_sarif_uri_table),
		cmocka_unit_test(test_prom_counts_are_the_queues),
		cmocka_unit_test(test_prom_unreadable_config),
		cmocka_unit_test(test_sarif_rules_and_locations),
		cmocka_unit_test(test_sarif_unreadable_config),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
