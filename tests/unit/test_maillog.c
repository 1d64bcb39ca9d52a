/*
 * test_maillog.c - the mail log reader on lines captured from Postfix 3.7
 * (the lab's maillog_file, syslog and RFC 3339 stamps) and Exim 4.96's
 * mainlog: who handed over mail without logging in.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mg_test.h"
#include "../../backends/exim/exim_log.h"
#include "../../backends/postfix/pf_log.h"
#include "../../core/mg_maillog.h"
#include "../../core/mg_str.h"

#define DATA "tests/unit/data/maillog/"

/* msgs_of - the messages the log counts for one address, 0 if none */
static unsigned long
msgs_of(const struct mg_maillog *l, const char *addr)
{
	struct mg_net net;
	const struct mg_logclient *c[1];

	assert_int_equal(mg_net_parse(addr, &net, NULL), 0);
	if (mg_maillog_within(l, &net, c, 1) != 1)
		return (0);
	return (c[0]->msgs);
}

/* test_postfix_clients - smtpd's client= lines of this instance, without
 * SASL; other instances, rejects and broken lines are not counted */
static void
test_postfix_clients(void **state)
{
	struct mg_maillog l;
	struct mg_err err;

	(void)state;
	mg_maillog_init(&l);
	assert_int_equal(mg_maillog_read(&l, mg_pf_log_line, NULL, DATA
	    "postfix.log", 0, &err), 0);
	assert_int_equal(l.lines, 15);
	assert_int_equal(l.truncated, 0);
	assert_int_equal(l.accepted, 6);
	assert_int_equal(l.nclients, 5);
	assert_int_equal(msgs_of(&l, "210.20.30.40"), 2);
	assert_int_equal(msgs_of(&l, "210.20.30.41"), 1);
	assert_int_equal(msgs_of(&l, "192.168.1.7"), 1);
	assert_int_equal(msgs_of(&l, "2001:db8::25"), 1);
	/* IPv4-mapped: the IPv4 client */
	assert_int_equal(msgs_of(&l, "218.1.2.3"), 1);
	/* logged in (sasl_username=): not a trusted-network client */
	assert_int_equal(msgs_of(&l, "210.20.30.99"), 0);
	/* another instance's syslog_name */
	assert_int_equal(msgs_of(&l, "210.20.30.50"), 0);
	assert_int_equal(msgs_of(&l, "210.20.30.77"), 0);
	assert_int_equal(msgs_of(&l, "198.51.100.9"), 0);
	/* ... but its login is: the name it sent as */
	assert_int_equal(l.nlogins, 1);
	assert_int_equal(mg_maillog_logins(&l, "alice"), 1);
	assert_int_equal(mg_maillog_logins(&l, "root"), 0);
	assert_string_equal(l.path, DATA "postfix.log");
	mg_maillog_free(&l);

	mg_maillog_init(&l);
	assert_int_equal(mg_maillog_read(&l, mg_pf_log_line, "postfix-out",
	    DATA "postfix.log", 0, &err), 0);
	assert_int_equal(l.nclients, 1);
	assert_int_equal(msgs_of(&l, "210.20.30.50"), 1);
	mg_maillog_free(&l);
}

/* test_exim_arrivals - "<=" lines with H=[addr] and no A= */
static void
test_exim_arrivals(void **state)
{
	struct mg_maillog l;
	struct mg_err err;

	(void)state;
	mg_maillog_init(&l);
	assert_int_equal(mg_maillog_read(&l, mg_exim_log_line, NULL, DATA
	    "exim.log", 0, &err), 0);
	assert_int_equal(l.accepted, 2);
	assert_int_equal(msgs_of(&l, "210.20.30.40"), 1);
	assert_int_equal(msgs_of(&l, "2001:db8::26"), 1);
	assert_int_equal(msgs_of(&l, "210.20.30.99"), 0);
	/* A=plain:alice: its login */
	assert_int_equal(mg_maillog_logins(&l, "alice"), 1);
	assert_int_equal(msgs_of(&l, "203.0.113.5"), 0);
	assert_int_equal(msgs_of(&l, "198.51.100.9"), 0);
	mg_maillog_free(&l);
}

/* test_within - the clients inside a network, in address order */
static void
test_within(void **state)
{
	struct mg_maillog l;
	struct mg_net net;
	const struct mg_logclient *c[2];
	struct mg_err err;
	char buf[64];

	(void)state;
	mg_maillog_init(&l);
	assert_int_equal(mg_maillog_read(&l, mg_pf_log_line, NULL, DATA
	    "postfix.log", 0, &err), 0);
	assert_int_equal(mg_net_parse("210.0.0.0/8", &net, NULL), 0);
	assert_int_equal(mg_maillog_within(&l, &net, c, 2), 2);
	mg_net_format(&c[0]->addr, 0, buf, sizeof(buf));
	assert_string_equal(buf, "210.20.30.40/32");
	mg_net_format(&c[1]->addr, 0, buf, sizeof(buf));
	assert_string_equal(buf, "210.20.30.41/32");
	/* more than asked for: the count, the first ones filled */
	assert_int_equal(mg_net_parse("0.0.0.0/0", &net, NULL), 0);
	assert_int_equal(mg_maillog_within(&l, &net, c, 1), 4);
	assert_int_equal(mg_maillog_within(NULL, &net, c, 1), 0);
	mg_maillog_free(&l);
}

/* test_tail_only - a log larger than the limit: only its end is read,
 * starting at a whole line */
static void
test_tail_only(void **state)
{
	char path[] = "/tmp/mg-maillog.XXXXXX";
	struct mg_maillog l;
	struct mg_err err;
	FILE *fp;
	int fd, i;

	(void)state;
	assert_true((fd = mkstemp(path)) >= 0);
	assert_non_null(fp = fdopen(fd, "w"));
	for (i = 0; i < 1000; i++)
		(void)fprintf(fp, "Nov 23 11:00:00 mail postfix/smtpd[1]: "
		    "AB%04d: client=old[10.0.0.1]\n", i);
	for (i = 0; i < 10; i++)
		(void)fprintf(fp, "Nov 23 12:00:00 mail postfix/smtpd[1]: "
		    "CD%04d: client=new[10.0.0.2]\n", i);
	assert_int_equal(fclose(fp), 0);
	mg_maillog_init(&l);
	/* 10 new lines of 68 bytes, and the end of an old one */
	assert_int_equal(mg_maillog_read(&l, mg_pf_log_line, NULL, path,
	    700, &err), 0);
	assert_int_equal(l.truncated, 1);
	assert_int_equal(l.lines, 10);
	assert_int_equal(msgs_of(&l, "10.0.0.2"), 10);
	assert_int_equal(msgs_of(&l, "10.0.0.1"), 0);
	mg_maillog_free(&l);
	(void)unlink(path);

	mg_maillog_init(&l);
	assert_int_equal(mg_maillog_read(&l, mg_pf_log_line, NULL, path,
	    0, &err), -1);
	assert_non_null(strstr(err.msg, path));
	assert_null(l.path);
	mg_maillog_free(&l);
}

/* refused - mg_maillog_read of path fails, names it and says why */
static void
refused(const char *path, const char *why)
{
	struct mg_maillog l;
	struct mg_err err;

	mg_maillog_init(&l);
	assert_int_equal(mg_maillog_read(&l, mg_pf_log_line, NULL, path, 0,
	    &err), -1);
	if (strstr(err.msg, path) == NULL || strstr(err.msg, why) == NULL)
		fail_msg("%s: want \"%s\" in \"%s\"", path, why, err.msg);
	assert_null(l.path);
	assert_int_equal(l.lines, 0);
	mg_maillog_free(&l);
}

/* test_not_regular_never_opened - a FIFO (no writer: an open would block
 * for ever, so an alarm fails the test), a character device, a directory
 * and this program's own standard output (maillog_file = /dev/stdout with
 * "report --json > out.json") are not read; a symbolic link to a regular
 * log is */
static void
test_not_regular_never_opened(void **state)
{
	char dir[] = "/tmp/mg-maillog.XXXXXX", fifo[64], file[64], link[64];
	struct mg_maillog l;
	struct mg_err err;
	FILE *fp;
	int fd, saved;

	(void)state;
	assert_non_null(mkdtemp(dir));
	(void)snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	(void)snprintf(file, sizeof(file), "%s/out.json", dir);
	(void)snprintf(link, sizeof(link), "%s/mail.log", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	(void)alarm(5);
	refused(fifo, "not a regular file (a FIFO or pipe;");
	refused("/dev/null", "not a regular file (a character device;");
	refused(dir, "not a regular file (a directory;");
	(void)alarm(0);

	/* Our stdout is a regular file, as in "report --json > out.json":
	 * /dev/stdout (a link to /proc/self/fd/1) leads to it. */
	assert_non_null(fp = fopen(file, "w"));
	(void)fprintf(fp, "Nov 23 12:00:00 mail postfix/smtpd[1]: AB1: "
	    "client=x[10.0.0.9]\n");
	assert_int_equal(fclose(fp), 0);
	assert_true((fd = open(file, O_WRONLY | O_APPEND)) >= 0);
	(void)fflush(stdout);
	assert_true((saved = dup(1)) >= 0);
	assert_int_equal(dup2(fd, 1), 1);
	mg_maillog_init(&l);
	fd = mg_maillog_read(&l, mg_pf_log_line, NULL, "/dev/stdout", 0,
	    &err);
	assert_int_equal(dup2(saved, 1), 1);
	(void)close(saved);
	assert_int_equal(fd, -1);
	assert_non_null(strstr(err.msg, "own standard input or output"));
	assert_int_equal(l.lines, 0);
	mg_maillog_free(&l);

	/* The same file, not our output, through a symbolic link: read. */
	assert_int_equal(symlink(file, link), 0);
	mg_maillog_init(&l);
	assert_int_equal(mg_maillog_read(&l, mg_pf_log_line, NULL, link, 0,
	    &err), 0);
	assert_int_equal(l.lines, 1);
	assert_int_equal(msgs_of(&l, "10.0.0.9"), 1);
	mg_maillog_free(&l);

	(void)unlink(link);
	(void)unlink(file);
	(void)unlink(fifo);
	(void)rmdir(dir);
}

/* test_postfix_rate_peak - the busiest client per minute and per hour:
 * smtpd's client= lines count messages, qmgr's nrcpt= of the same queue
 * ID its recipients (once: a deferred message's next qmgr line is not
 * counted again); another instance's lines are not this one's */
static void
test_postfix_rate_peak(void **state)
{
	struct mg_maillog l;
	struct mg_err err;

	(void)state;
	mg_maillog_init(&l);
	assert_int_equal(mg_maillog_read(&l, mg_pf_log_line, NULL, DATA
	    "postfix-rate.log", 0, &err), 0);
	assert_int_equal(l.per_minute.unit, 60);
	assert_int_equal(l.per_minute.msgs.n, 4);
	assert_string_equal(l.per_minute.msgs.who, "203.0.113.5");
	assert_string_equal(l.per_minute.msgs.when, "Nov 23 10:00:59");
	assert_int_equal(l.per_minute.msgs.line, 9);
	assert_int_equal(l.per_minute.rcpts.n, 6);
	assert_string_equal(l.per_minute.rcpts.when, "Nov 23 10:00:31");
	assert_int_equal(l.per_minute.rcpts.line, 8);
	assert_int_equal(l.per_minute.events, 7);
	assert_int_equal(l.per_hour.msgs.n, 5);
	assert_int_equal(l.per_hour.msgs.line, 11);
	assert_int_equal(l.per_hour.rcpts.n, 11);
	assert_int_equal(l.per_hour.rcpts.line, 12);
	mg_maillog_free(&l);

	/* the other instance: its own five in one minute */
	mg_maillog_init(&l);
	assert_int_equal(mg_maillog_read(&l, mg_pf_log_line, "postfix-out",
	    DATA "postfix-rate.log", 0, &err), 0);
	assert_int_equal(l.per_minute.msgs.n, 5);
	assert_string_equal(l.per_minute.msgs.who, "192.0.2.99");
	assert_int_equal(l.per_minute.rcpts.n, 0);
	mg_maillog_free(&l);
}

/* test_exim_rate_peak - per login: "<=" lines with A=, recipients from
 * " for " (1 without it); unauthenticated arrivals are not counted */
static void
test_exim_rate_peak(void **state)
{
	struct mg_maillog l;
	struct mg_err err;

	(void)state;
	mg_maillog_init(&l);
	assert_int_equal(mg_maillog_read(&l, mg_exim_log_line, NULL, DATA
	    "exim-rate.log", 0, &err), 0);
	assert_int_equal(l.per_minute.msgs.n, 3);
	assert_string_equal(l.per_minute.msgs.who, "bob");
	assert_string_equal(l.per_minute.msgs.when, "2026-11-23 11:07:59");
	assert_int_equal(l.per_minute.rcpts.n, 6);
	assert_int_equal(l.per_minute.rcpts.line, 3);
	assert_int_equal(l.per_hour.msgs.n, 3);
	assert_int_equal(l.per_hour.rcpts.n, 6);
	assert_int_equal(l.per_hour.events, 5);
	mg_maillog_free(&l);
}

/* test_stamp - the stamps a log line starts with; others are none */
static void
test_stamp(void **state)
{
	static const struct {
		const char *line;
		int ok;
		long long t;
	} cases[] = {
		{ "2026-11-23T11:06:01.123+00:00 x", 0, 1795431961LL },
		{ "2026-11-23 11:06:01 1tE5", 0, 1795431961LL },
		{ "Nov 23 11:06:01 mail", 0, (10LL * 31 + 23) * 86400 +
		    11 * 3600 + 6 * 60 + 1 },
		{ "Jan  2 00:00:00 mail", 0, 2LL * 86400 },
		{ "Foo 23 11:06:01 mail", -1, 0 },
		{ "2026-13-23 11:06:01", -1, 0 },
		{ "Nov 23 11:6:01", -1, 0 },
		{ "", -1, 0 },
	};
	char when[32];
	long long t;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		t = 0;
		assert_int_equal(mg_maillog_stamp(cases[i].line,
		    strlen(cases[i].line), &t, when, sizeof(when)),
		    cases[i].ok);
		if (cases[i].ok == 0)
			assert_true(t == cases[i].t);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_postfix_clients),
		cmocka_unit_test(test_exim_arrivals),
		cmocka_unit_test(test_postfix_rate_peak),
		cmocka_unit_test(test_exim_rate_peak),
		cmocka_unit_test(test_stamp),
		cmocka_unit_test(test_within),
		cmocka_unit_test(test_tail_only),
		cmocka_unit_test(test_not_regular_never_opened),
	};

	return (cmocka_run_group_tests_name("maillog", tests, NULL, NULL));
}
