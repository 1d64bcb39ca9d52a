/*
 * test_report_nagios.c - report --format nagios on data captured from the
 * lab's sasl-root incident (titles, ids, files), and the one exit-code
 * rule every format shares.
 */
#include "mg_test.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../cli/report_fmt.h"
#include "../../core/mg_queue.h"
#include "../../core/mg_str.h"

static struct mg_session sess;

/* setup - a Postfix session with no findings and no queue */
static int
setup(void **state)
{
	(void)state;
	mg_session_init(&sess);
	sess.loaded = 1;
	sess.model.mta = MG_MTA_POSTFIX;
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	mg_session_free(&sess);
	return (0);
}

/* add_queue - n messages: from[i % nfrom] as sender, queue[i % nq] */
static void
add_queue(size_t n, const char *const *from, size_t nfrom,
    const char *const *queue, size_t nq)
{
	struct mg_queue *q = mg_xcalloc(1, sizeof(*q));
	struct mg_qmsg m;
	char id[32];
	size_t i;

	mg_queue_init(q);
	for (i = 0; i < n; i++) {
		memset(&m, 0, sizeof(m));
		m.sender = from[i % nfrom];
		m.queue = queue[i % nq];
		(void)snprintf(id, sizeof(id), "4Q%06zu", i);
		(void)mg_queue_add_copy(q, &m, id, strlen(id), NULL, 0);
	}
	sess.model.queue = q;
}

/* emit - the nagios document into out (caller frees) */
static void
emit(const struct report_opts *o, struct mg_str *out)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	assert_int_equal(report_emit_nagios(fp, &sess, o), 0);
	assert_int_equal(fclose(fp), 0);
	mg_str_init(out);
	mg_str_append(out, buf, len);
	free(buf);
}

/* emit_json - the json document into out (caller frees) */
static void
emit_json(const struct report_opts *o, struct mg_str *out)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&buf, &len);

	assert_non_null(fp);
	assert_int_equal(report_emit_json(fp, &sess, o), 0);
	assert_int_equal(fclose(fp), 0);
	mg_str_init(out);
	mg_str_append(out, buf, len);
	free(buf);
}

/* first_line - the status line of doc, into buf */
static void
first_line(const struct mg_str *doc, char *buf, size_t size)
{
	(void)snprintf(buf, size, "%.*s", (int)strcspn(doc->data, "\n"),
	    doc->data);
}

/* count_lines - newline-ended lines of doc */
static size_t
count_lines(const struct mg_str *doc)
{
	size_t i, n = 0;

	for (i = 0; i < doc->len; i++)
		n += doc->data[i] == '\n';
	return (n);
}

static void
test_incident_line(void **state)
{
	static const char *const from[] = { "root@example.com",
		"root@example.com", "root@example.com", "alice@example.com",
		"root@example.com" };
	static const char *const queue[] = { "deferred", "deferred",
		"active" };
	struct report_opts o;
	struct mg_finding *f;
	struct mg_range warn, crit;
	struct mg_str doc;
	struct mg_err err;
	char line[2048];

	(void)state;
	f = mg_report_finding(&sess.report, "postfix.sasl.system-account",
	    MG_SEV_CRITICAL, "sasl",
	    "A system account can log in by SASL to send mail");
	mg_finding_evidence(f, "/tmp/pf/etc/sasl/smtpd.conf", 3, "root");
	(void)mg_report_finding(&sess.report, "queue.client-dominant",
	    MG_SEV_MEDIUM, "queue",
	    "One client address sent most of the queue");
	(void)mg_report_finding(&sess.report, "postfix.auth.no-tls",
	    MG_SEV_LOW, "sasl", "SMTP AUTH is offered before STARTTLS: "
	    "passwords can cross in the clear");
	/* 50 messages, 40 from root (80%), 34 of them deferred. */
	add_queue(50, from, 5, queue, 3);
	assert_int_equal(mg_range_parse("10", &warn, &err), 0);
	assert_int_equal(mg_range_parse("~:100", &crit, &err), 0);
	memset(&o, 0, sizeof(o));
	o.warn = &warn;
	o.crit = &crit;
	o.elapsed = 0.1804;
	o.exit_code = report_exit_code(&sess, o.warn, o.crit);
	assert_int_equal(o.exit_code, MG_EXIT_CRIT);
	emit(&o, &doc);
	first_line(&doc, line, sizeof(line));
	assert_string_equal(line, "MAILGUARD CRITICAL - 1 critical, "
	    "1 medium, 1 low (worst: A system account can log in by SASL to "
	    "send mail [postfix.sasl.system-account]); queue 50 (34 deferred) "
	    "hits --warn 10 | 'critical'=1;;;0; 'high'=0;;;0; 'medium'=1;;;0; "
	    "'low'=1;;;0; 'info'=0;;;0; 'queue'=50;10;~:100;0; "
	    "'deferred'=34;;;0; 'top_sender_share'=80.0%;;;0;100 "
	    "'time'=0.180s;;;0;");
	/* One detail line per finding, worst first, with file:line. */
	assert_int_equal(count_lines(&doc), 4);
	assert_non_null(strstr(doc.data, "\ncritical sasl: A system account "
	    "can log in by SASL to send mail [postfix.sasl.system-account] "
	    "at /tmp/pf/etc/sasl/smtpd.conf:3\nmedium queue: "));
	assert_int_equal(report_nagios_exit(o.exit_code), 2);
	mg_str_free(&doc);
	/* The JSON says the same of the queue. */
	emit_json(&o, &doc);
	assert_non_null(strstr(doc.data, "\"queue\": {\n    \"messages\": 50,\n"
	    "    \"deferred\": 34,\n    \"top_sender_share\": 80\n  },"));
	mg_str_free(&doc);
}

static void
test_ok_queue_not_read(void **state)
{
	struct report_opts o;
	struct mg_str doc;
	char line[2048];

	(void)state;
	memset(&o, 0, sizeof(o));
	o.exit_code = report_exit_code(&sess, NULL, NULL);
	o.elapsed = 2.0;
	assert_int_equal(o.exit_code, MG_EXIT_OK);
	emit(&o, &doc);
	first_line(&doc, line, sizeof(line));
	/* No queue perfdata at all rather than a made-up 0. */
	assert_string_equal(line, "MAILGUARD OK - no findings; queue not "
	    "read | 'critical'=0;;;0; 'high'=0;;;0; 'medium'=0;;;0; "
	    "'low'=0;;;0; 'info'=0;;;0; 'time'=2.000s;;;0;");
	assert_int_equal(count_lines(&doc), 1);
	mg_str_free(&doc);
	emit_json(&o, &doc);
	assert_non_null(strstr(doc.data, "\"queue\": null,"));
	mg_str_free(&doc);
}

static void
test_hostile_title(void **state)
{
	static const char *const from[] = { "" };
	static const char *const queue[] = { "deferred" };
	struct report_opts o;
	struct mg_str doc;
	char line[2048];
	const char *bar;

	(void)state;
	(void)mg_report_finding(&sess.report, "x.y", MG_SEV_HIGH, "queue",
	    "evil | 'queue'=0 \x1b[2J\nMAILGUARD OK - forged");
	add_queue(3, from, 1, queue, 1);
	memset(&o, 0, sizeof(o));
	o.exit_code = report_exit_code(&sess, NULL, NULL);
	assert_int_equal(o.exit_code, MG_EXIT_WARN);
	emit(&o, &doc);
	first_line(&doc, line, sizeof(line));
	/* The only "|" is the perfdata separator; no escape, no new line. */
	bar = strchr(line, '|');
	assert_non_null(bar);
	assert_non_null(strstr(line, "evil / 'queue'=0 \\x1b[2J\\nMAILGUARD "
	    "OK - forged"));
	assert_ptr_equal(bar, strstr(line, " | ") + 1);
	assert_null(strchr(bar + 1, '|'));
	assert_null(strchr(doc.data, '\x1b'));
	assert_non_null(strstr(line, "'queue'=3;;;0; 'deferred'=3;;;0; "
	    "'top_sender_share'=100.0%;;;0;100"));
	assert_int_equal(count_lines(&doc), 2);
	mg_str_free(&doc);
}

static void
test_config_not_read(void **state)
{
	struct report_opts o;
	struct mg_str doc;

	(void)state;
	sess.loaded = 0;
	(void)mg_err_set(&sess.err, "cannot read /etc/postfix/main.cf: "
	    "Permission denied | \x07");
	memset(&o, 0, sizeof(o));
	o.exit_code = MG_EXIT_UNREAD;
	o.elapsed = 0.0126;
	emit(&o, &doc);
	assert_string_equal(doc.data, "MAILGUARD UNKNOWN - configuration not "
	    "read: cannot read /etc/postfix/main.cf: Permission denied / "
	    "\\x07 | 'time'=0.013s;;;0;\n");
	assert_int_equal(report_nagios_exit(o.exit_code), 3);
	mg_str_free(&doc);
}

static void
test_exit_rule(void **state)
{
	static const char *const from[] = { "a@example.com" };
	static const char *const queue[] = { "deferred" };
	struct mg_range r4, in4, r3;
	struct mg_err err;

	(void)state;
	assert_int_equal(mg_range_parse("4", &r4, &err), 0);
	assert_int_equal(mg_range_parse("@4:4", &in4, &err), 0);
	assert_int_equal(mg_range_parse("3", &r3, &err), 0);
	/* Thresholds but no queue: the check could not be done. */
	assert_int_equal(report_exit_code(&sess, &r4, NULL), MG_EXIT_UNREAD);
	assert_int_equal(report_exit_code(&sess, NULL, NULL), MG_EXIT_OK);
	add_queue(4, from, 1, queue, 1);
	assert_int_equal(report_exit_code(&sess, &r4, &r4), MG_EXIT_OK);
	assert_int_equal(report_exit_code(&sess, &r3, NULL), MG_EXIT_WARN);
	assert_int_equal(report_exit_code(&sess, &r3, &in4), MG_EXIT_CRIT);
	/* Info findings are OK; partial beats a warning, not a critical. */
	(void)mg_report_finding(&sess.report, "i", MG_SEV_INFO, "a", "t");
	assert_int_equal(report_exit_code(&sess, NULL, NULL), MG_EXIT_OK);
	sess.report.npartial = 1;
	assert_int_equal(report_exit_code(&sess, &r3, NULL),
	    MG_EXIT_PARTIAL);
	assert_int_equal(report_nagios_exit(MG_EXIT_PARTIAL), 3);
	assert_string_equal(report_nagios_state(MG_EXIT_PARTIAL), "UNKNOWN");
	assert_int_equal(report_exit_code(&sess, &r3, &in4), MG_EXIT_CRIT);
	(void)mg_report_finding(&sess.report, "c", MG_SEV_CRITICAL, "a", "t");
	assert_int_equal(report_exit_code(&sess, NULL, NULL), MG_EXIT_CRIT);
	assert_string_equal(report_nagios_state(MG_EXIT_CRIT), "CRITICAL");
	assert_string_equal(report_nagios_state(MG_EXIT_WARN), "WARNING");
	assert_string_equal(report_nagios_state(MG_EXIT_OK), "OK");
}

static void
test_format_table(void **state)
{
	(void)state;
	assert_ptr_equal(report_fmt_find("nagios")->emit, report_emit_nagios);
	assert_ptr_equal(report_fmt_find("json")->emit, report_emit_json);
	assert_ptr_equal(report_fmt_find("text")->emit, report_emit_text);
	assert_int_equal(report_fmt_find("json")->mode, 0600);
	assert_int_equal(report_fmt_find("json")->on_unread, 0);
	assert_int_equal(report_fmt_find("nagios")->on_unread, 1);
	assert_null(report_fmt_find("xml"));
	assert_null(report_fmt_find(""));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_incident_line, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_ok_queue_not_read, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_hostile_title, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_config_not_read, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_exit_rule, setup,
		    teardown),
		cmocka_unit_test(test_format_table),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
