/*
 * test_check_log_sasl.c - a stolen SASL password in the mail log: the
 * parsers' login events (Postfix's client=... sasl_username= lines and
 * "SASL ... authentication failed" warnings, Exim's "<= ... A=" and
 * "authenticator failed for"), their time stamps (syslog, maillog_file,
 * RFC 3339, Exim's, year rollover), and the findings
 * sasl.login.many-addresses and sasl.login.failed-spread.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mg_test.h"
#include "../../backends/exim/exim_log.h"
#include "../../backends/postfix/pf_log.h"
#include "../../checks/checks.h"
#include "../../core/mg_maillog.h"
#include "../../core/mg_str.h"

#define DATA "tests/unit/data/maillog/"

/* 2026-12-07 00:00:00 UTC: the day after the captured logs */
#define NOW ((time_t)1796601600)
#define DAY 86400L

/* utc - every local time in this test is UTC */
static int
utc(void **state)
{
	(void)state;
	(void)setenv("TZ", "UTC", 1);
	tzset();
	return (0);
}

/* model - a model whose log is path read by fn */
static void
model(struct mg_model *m, mg_maillog_line_fn *fn, const char *path,
    time_t now)
{
	struct mg_err err;

	mg_model_init(m);
	m->mta = fn == mg_pf_log_line ? MG_MTA_POSTFIX : MG_MTA_EXIM;
	m->now = now;
	assert_int_equal(mg_model_read_log(m, fn, NULL, path, &err), 0);
}

/* finding - the finding with id whose evidence names who, or NULL */
static const struct mg_finding *
finding(const struct mg_report *r, const char *id, const char *who)
{
	size_t i, k;

	for (i = 0; i < r->nfindings; i++) {
		if (strcmp(r->findings[i].id, id) != 0)
			continue;
		for (k = 0; k < r->findings[i].nevidence; k++)
			if (strstr(r->findings[i].evidence[k].text, who) !=
			    NULL)
				return (&r->findings[i]);
	}
	return (NULL);
}

/* count - findings with id */
static size_t
count(const struct mg_report *r, const char *id)
{
	size_t i, n = 0;

	for (i = 0; i < r->nfindings; i++)
		n += strcmp(r->findings[i].id, id) == 0;
	return (n);
}

/* has - some evidence of f contains text */
static int
has(const struct mg_finding *f, const char *text)
{
	size_t k;

	for (k = 0; k < f->nevidence; k++)
		if (strstr(f->evidence[k].text, text) != NULL)
			return (1);
	return (0);
}

/* test_time_stamps - each stamp format, and December read in January */
static void
test_time_stamps(void **state)
{
	struct mg_maillog l;
	static const char s1[] = "Dec  6 14:00:00 mail postfix/smtpd[1]: x";
	static const char s2[] = "Dec 31 23:50:00.000001 mail postfix/x[1]: x";
	static const char s3[] = "2027-01-01T00:05:00.5+01:00 mail x";
	static const char s4[] = "2026-12-06 15:00:01 1tX000-000abc-AB <= x";
	static const char s5[] = "2026-12-06 15:00:01.123 -0500 1tX <= x";
	static const char s6[] = "2026-12-06T15:00:01Z host x";
	/* the lab Postfix 3.7's maillog_file, captured */
	static const char s7[] = "Dec 06 14:00:00 mail postfix/smtpd[1469]: "
	    "warning: localhost[122.143.9.13]: SASL PLAIN authentication "
	    "failed: authentication failure, sasl_username=bob";

	(void)state;
	mg_maillog_init(&l);
	l.now = NOW;
	assert_int_equal(mg_maillog_time(&l, s1, strlen(s1)),
	    (time_t)1796565600);
	/* read on 2027-01-01 01:00 UTC: last year's December 31 */
	l.now = (time_t)1798765200;
	assert_int_equal(mg_maillog_time(&l, s2, strlen(s2)),
	    (time_t)1798761000);
	assert_int_equal(mg_maillog_time(&l, s3, strlen(s3)),
	    (time_t)1798758300);
	l.now = NOW;
	assert_int_equal(mg_maillog_time(&l, s4, strlen(s4)),
	    (time_t)1796569201);
	assert_int_equal(mg_maillog_time(&l, s5, strlen(s5)),
	    (time_t)1796569201 + 5 * 3600);
	assert_int_equal(mg_maillog_time(&l, s6, strlen(s6)),
	    (time_t)1796569201);
	assert_int_equal(mg_maillog_time(&l, s7, strlen(s7)),
	    (time_t)1796565600);
	mg_maillog_line(&l, mg_pf_log_line, NULL, s7, strlen(s7));
	assert_int_equal(l.nauths, 1);
	assert_true(l.auths[0].failed);
	assert_int_equal(l.auths[0].when, (time_t)1796565600);
	assert_string_equal(l.logins[0].name, "bob");
	mg_maillog_free(&l);
	l.now = NOW;
	assert_int_equal(mg_maillog_time(&l, "garbage", 7), 0);
	assert_int_equal(mg_maillog_time(&l, "Foo  6 14:00:00 x", 17), 0);
	assert_int_equal(mg_maillog_time(&l, "Dec 36 14:00:00 x", 17), 0);
}

/* test_postfix_events - what the Postfix parser records */
static void
test_postfix_events(void **state)
{
	struct mg_maillog l;
	struct mg_err err;
	size_t i, ndave = 0, nfail = 0;

	(void)state;
	mg_maillog_init(&l);
	l.now = NOW;
	assert_int_equal(mg_maillog_read(&l, mg_pf_log_line, NULL, DATA
	    "postfix-sasl.log", 0, &err), 0);
	assert_int_equal(mg_maillog_logins(&l, "carol"), 130);
	assert_int_equal(mg_maillog_logins(&l, "alice@example.com"), 4);
	for (i = 0; i < l.nauths; i++) {
		nfail += l.auths[i].failed;
		if (strcmp(l.logins[l.auths[i].login].name, "dave") == 0) {
			ndave++;
			assert_true(l.auths[i].failed);
			assert_true(l.auths[i].when >= (time_t)1796547600);
		}
		/* no name, the server down, another instance */
		assert_string_not_equal(l.logins[l.auths[i].login].name,
		    "frank");
		assert_string_not_equal(l.logins[l.auths[i].login].name,
		    "gina");
		assert_true(l.auths[i].when != 0);
	}
	assert_int_equal(ndave, 12);	/* with and without ":PORT" */
	assert_int_equal(nfail, 12 + 16);
	assert_int_equal(l.nauths, 130 + 4 + 12 + 16);
	/* how far back the log goes: its first line, Dec  6 08:01:10 */
	assert_int_equal(l.first, (time_t)1796544070);
	mg_maillog_free(&l);
	/* the tail of a longer file: where the tail starts */
	mg_maillog_init(&l);
	l.now = NOW;
	assert_int_equal(mg_maillog_read(&l, mg_pf_log_line, NULL, DATA
	    "postfix-sasl.log", 4096, &err), 0);
	assert_true(l.truncated);
	assert_int_equal(l.first, (time_t)1796555400);	/* 11:10:00 */
	mg_maillog_free(&l);
}

/* test_postfix_findings - carol's stolen password, dave's spread guess;
 * alice (three places a day) and erin (two addresses: fail2ban's case)
 * are not findings */
static void
test_postfix_findings(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	model(&m, mg_pf_log_line, DATA "postfix-sasl.log", NOW);
	mg_report_init(&r);
	mg_check_log_sasl(&m, &r);
	assert_int_equal(count(&r, "sasl.login.many-addresses"), 1);
	f = finding(&r, "sasl.login.many-addresses", "as carol from");
	assert_non_null(f);
	assert_string_equal(f->area, "sasl");
	assert_int_equal(f->severity, MG_SEV_CRITICAL);
	/* 127.198.37.206 is loopback: the site's own, not counted */
	assert_true(has(f, "119 messages sent after logging in as carol "
	    "from 11 addresses in 11 networks"));
	assert_true(has(f, "not counted: 11 messages from the site's own "
	    "networks (11 from loopback)"));
	assert_true(has(f, "between 2026-12-06 14:00:00 UTC and 2026-12-06 "
	    "14:43:09 UTC"));
	assert_true(has(f, "and 6 more"));
	/* the log starts the same morning: no history to judge by */
	assert_true(has(f, "the log goes back only to 2026-12-06 08:01:10 "
	    "UTC"));
	assert_true(has(f, "mailguard-tui purge --sasl carol"));
	assert_string_equal(f->evidence[0].file, DATA "postfix-sasl.log");
	assert_int_equal(f->nfix_ids, 0);	/* no disable fix proposed */
	assert_int_equal(count(&r, "sasl.login.failed-spread"), 1);
	f = finding(&r, "sasl.login.failed-spread", "as dave");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	assert_true(has(f, "12 failed logins as dave from 12 addresses in 12 "
	    "networks"));
	assert_true(has(f, "at most 1 from one address"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_thresholds_and_window - fewer than 10 addresses in 5 networks is
 * a person; the same addresses spread over days are no window */
static void
test_thresholds_and_window(void **state)
{
	struct mg_model m;
	struct mg_report r;
	struct mg_str line = MG_STR_INIT;
	int k;

	(void)state;
	mg_model_init(&m);
	m.log = mg_xcalloc(1, sizeof(*m.log));
	m.log->now = NOW;
	/* 9 addresses, 4 networks, one hour */
	for (k = 0; k < 9; k++) {
		mg_str_reset(&line);
		mg_str_printf(&line, "Dec  6 10:%02d:00 mail postfix/smtpd[1]: "
		    "A%d: client=x[%d.1.0.%d], sasl_method=PLAIN, "
		    "sasl_username=joe", k, k, 20 + k % 4, k + 1);
		mg_maillog_line(m.log, mg_pf_log_line, NULL,
		    mg_str_cstr(&line), line.len);
	}
	mg_report_init(&r);
	mg_check_log_sasl(&m, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	/* a 10th address, but 25 hours later: still no window of 10 */
	mg_str_reset(&line);
	mg_str_printf(&line, "Dec  7 11:00:00 mail postfix/smtpd[1]: B: "
	    "client=x[24.1.0.10], sasl_method=PLAIN, sasl_username=joe");
	mg_maillog_line(m.log, mg_pf_log_line, NULL, mg_str_cstr(&line),
	    line.len);
	mg_report_init(&r);
	mg_check_log_sasl(&m, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	/* a 10th within the hour: the finding, high (9+1 messages) */
	mg_str_reset(&line);
	mg_str_printf(&line, "Dec  6 10:30:00 mail postfix/smtpd[1]: C: "
	    "client=x[[2001:db8::7]], sasl_method=PLAIN, sasl_username=joe");
	mg_maillog_line(m.log, mg_pf_log_line, NULL, mg_str_cstr(&line),
	    line.len);
	mg_report_init(&r);
	mg_check_log_sasl(&m, &r);
	assert_int_equal(r.nfindings, 0);	/* "[[": not an address */
	mg_report_free(&r);
	mg_str_reset(&line);
	mg_str_printf(&line, "Dec  6 10:30:00 mail postfix/smtpd[1]: C: "
	    "client=x[2001:db8::7], sasl_method=PLAIN, sasl_username=joe");
	mg_maillog_line(m.log, mg_pf_log_line, NULL, mg_str_cstr(&line),
	    line.len);
	mg_report_init(&r);
	mg_check_log_sasl(&m, &r);
	assert_int_equal(r.nfindings, 1);
	assert_int_equal(r.findings[0].severity, MG_SEV_HIGH);
	assert_true(has(&r.findings[0], "10 messages sent after logging in "
	    "as joe from 10 addresses in 5 networks"));
	mg_report_free(&r);
	mg_str_free(&line);
	mg_model_free(&m);
}

/* test_ipv6_privacy_addresses - a laptop's temporary IPv6 addresses
 * change without a new client behind them: 12 of one /64 are one client,
 * 12 /64s in 5 networks are 12 more */
static void
test_ipv6_privacy_addresses(void **state)
{
	struct mg_model m;
	struct mg_report r;
	struct mg_str line = MG_STR_INIT;
	int k;

	(void)state;
	mg_model_init(&m);
	m.log = mg_xcalloc(1, sizeof(*m.log));
	m.log->now = NOW;
	for (k = 0; k < 12; k++) {
		mg_str_reset(&line);
		mg_str_printf(&line, "Dec  6 10:%02d:00 mail postfix/smtpd[1]: "
		    "A%d: client=x[2001:db8:40:7:%x:e1:%x:%x], "
		    "sasl_method=PLAIN, sasl_username=ann", k, k,
		    0x1000 + k * 77, k * 13, 0xbeef - k);
		mg_maillog_line(m.log, mg_pf_log_line, NULL,
		    mg_str_cstr(&line), line.len);
	}
	mg_report_init(&r);
	mg_check_log_sasl(&m, &r);
	assert_int_equal(count(&r, "sasl.login.many-addresses"), 0);
	mg_report_free(&r);
	/* the same login from 12 /64s of 5 /32s within the hour */
	for (k = 0; k < 12; k++) {
		mg_str_reset(&line);
		mg_str_printf(&line, "Dec  6 11:%02d:00 mail postfix/smtpd[1]: "
		    "B%d: client=x[2001:db%x:%x::25], sasl_method=PLAIN, "
		    "sasl_username=ann", k, k, 8 + k % 5, 0x100 + k);
		mg_maillog_line(m.log, mg_pf_log_line, NULL,
		    mg_str_cstr(&line), line.len);
	}
	mg_report_init(&r);
	mg_check_log_sasl(&m, &r);
	assert_int_equal(count(&r, "sasl.login.many-addresses"), 1);
	assert_non_null(finding(&r, "sasl.login.many-addresses", "ann"));
	assert_true(has(&r.findings[0], "from 13 addresses in 5 networks"));
	mg_report_free(&r);
	mg_str_free(&line);
	mg_model_free(&m);
}

/* test_spray_cannot_blind - a password spray of more made-up names than
 * the table keeps, logged first, fills only the failed side: the login
 * then used from 12 networks is still found */
static void
test_spray_cannot_blind(void **state)
{
	struct mg_model m;
	struct mg_report r;
	struct mg_str line = MG_STR_INIT;
	int k;

	(void)state;
	mg_model_init(&m);
	m.log = mg_xcalloc(1, sizeof(*m.log));
	m.log->now = NOW;
	for (k = 0; k < MG_MAILLOG_NAMES_MAX + 100; k++) {
		mg_str_reset(&line);
		mg_str_printf(&line, "Dec  6 09:%02d:00 mail postfix/smtpd[1]: "
		    "warning: unknown[198.51.100.%d]: SASL LOGIN "
		    "authentication failed: authentication failure, "
		    "sasl_username=junk%d",
		    k % 60, k % 250 + 1, k);
		mg_maillog_line(m.log, mg_pf_log_line, NULL,
		    mg_str_cstr(&line), line.len);
	}
	assert_int_equal(m.log->nfailnames, MG_MAILLOG_NAMES_MAX);
	for (k = 0; k < 12; k++) {
		mg_str_reset(&line);
		mg_str_printf(&line, "Dec  6 10:%02d:00 mail postfix/smtpd[1]: "
		    "A%d: client=x[%d.1.0.%d], sasl_method=PLAIN, "
		    "sasl_username=alice", k, k, 20 + k, k + 1);
		mg_maillog_line(m.log, mg_pf_log_line, NULL,
		    mg_str_cstr(&line), line.len);
	}
	mg_report_init(&r);
	mg_check_log_sasl(&m, &r);
	assert_non_null(finding(&r, "sasl.login.many-addresses", "alice"));
	mg_report_free(&r);
	mg_str_free(&line);
	mg_model_free(&m);
}

/* test_rollover - maillog_file stamps across new year: one window */
static void
test_rollover(void **state)
{
	struct mg_model m;
	struct mg_report r;

	(void)state;
	model(&m, mg_pf_log_line, DATA "postfix-rollover.log",
	    (time_t)1798765200);
	mg_report_init(&r);
	mg_check_log_sasl(&m, &r);
	assert_int_equal(r.nfindings, 2);
	assert_non_null(finding(&r, "sasl.login.many-addresses", "between "
	    "2026-12-31 23:50:00 UTC and 2026-12-31 23:59:00 UTC"));
	assert_non_null(finding(&r, "sasl.login.many-addresses", "between "
	    "2026-12-31 23:00:00 UTC and 2026-12-31 23:09:00 UTC"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_exim - A= logins, 535 failures with set_id (H= and the older
 * form, IPv6), a HELO "([192.168.1.5])" is not the client; 435 is not a
 * wrong password */
static void
test_exim(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	model(&m, mg_exim_log_line, DATA "exim-sasl.log", NOW);
	assert_int_equal(mg_maillog_logins(m.log, "carol@example.com"), 11);
	assert_int_equal(mg_maillog_logins(m.log, "alice"), 1);
	mg_report_init(&r);
	mg_check_log_sasl(&m, &r);
	f = finding(&r, "sasl.login.many-addresses", "carol@example.com");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_HIGH);
	assert_true(has(f, "11 messages sent after logging in as "
	    "carol@example.com from 11 addresses in 11 networks"));
	assert_true(has(f, "60.0.7.2"));
	f = finding(&r, "sasl.login.failed-spread", "bob@example.com");
	assert_non_null(f);
	assert_true(has(f, "12 failed logins as bob@example.com from 12 "
	    "addresses"));
	f = finding(&r, "sasl.login.failed-spread", "as dan from");
	assert_non_null(f);
	assert_true(has(f, "2001:db8::1"));
	assert_null(finding(&r, "sasl.login.failed-spread", "sam"));
	assert_int_equal(r.nfindings, 3);
	mg_report_free(&r);
	/* alice's only address: the client, not her HELO's literal */
	assert_int_equal(m.log->auths[11].addr.addr[0], 203);
	mg_model_free(&m);
}

/* test_links_disable_fix - a system account's login: the MTA check's
 * disable fix that names it is linked; a name ends at a control byte
 * (the terminal never sees it) */
static void
test_links_disable_fix(void **state)
{
	struct mg_model m;
	struct mg_report r;
	struct mg_fix *x;
	struct mg_str line = MG_STR_INIT;
	const char *argv[] = { "saslpasswd2", "-d", "-f", "/etc/sasldb2",
	    "root", NULL };
	int k;

	(void)state;
	mg_model_init(&m);
	m.log = mg_xcalloc(1, sizeof(*m.log));
	m.log->now = NOW;
	for (k = 0; k < 12; k++) {
		mg_str_reset(&line);
		mg_str_printf(&line, "Dec  6 10:%02d:00 mail postfix/smtpd[1]: "
		    "A%d: client=x[%d.9.0.1], sasl_method=PLAIN, "
		    "sasl_username=root", k, k, 30 + k);
		mg_maillog_line(m.log, mg_pf_log_line, NULL,
		    mg_str_cstr(&line), line.len);
		mg_str_reset(&line);
		mg_str_printf(&line, "Dec  6 10:%02d:00 mail postfix/smtpd[1]: "
		    "B%d: client=x[%d.9.0.1], sasl_method=PLAIN, "
		    "sasl_username=ev\x1b[2Jil", k, k, 30 + k);
		mg_maillog_line(m.log, mg_pf_log_line, NULL,
		    mg_str_cstr(&line), line.len);
	}
	mg_report_init(&r);
	x = mg_report_fix(&r, "postfix.sasl.disable-system", "Delete");
	mg_fix_post(x, argv);
	mg_check_log_sasl(&m, &r);
	assert_int_equal(r.nfindings, 2);
	assert_non_null(finding(&r, "sasl.login.many-addresses", "as root"));
	assert_int_equal(finding(&r, "sasl.login.many-addresses",
	    "as root")->severity, MG_SEV_CRITICAL);
	assert_int_equal(finding(&r, "sasl.login.many-addresses",
	    "as root")->nfix_ids, 1);
	assert_string_equal(finding(&r, "sasl.login.many-addresses",
	    "as root")->fix_ids[0], "postfix.sasl.disable-system");
	assert_non_null(finding(&r, "sasl.login.many-addresses",
	    "as ev from"));
	assert_int_equal(finding(&r, "sasl.login.many-addresses",
	    "as ev from")->nfix_ids, 0);
	mg_report_free(&r);
	mg_str_free(&line);
	mg_model_free(&m);
}

/* test_links_exim_disable_fix - Exim's disable fix comments out the
 * password file's line "NAME:...": linked for that name only */
static void
test_links_exim_disable_fix(void **state)
{
	struct mg_model m;
	struct mg_report r;
	struct mg_fix *x;
	struct mg_str line = MG_STR_INIT;
	int k;

	(void)state;
	mg_model_init(&m);
	m.log = mg_xcalloc(1, sizeof(*m.log));
	m.log->now = NOW;
	for (k = 0; k < 10; k++) {
		mg_str_reset(&line);
		mg_str_printf(&line, "2026-12-06 10:%02d:00 1tX%03d-000abc-AB "
		    "<= a@example.com H=(x) [%d.9.0.1]:4000 P=esmtpa "
		    "A=plain_server:admin S=100", k, k, 40 + k);
		mg_maillog_line(m.log, mg_exim_log_line, NULL,
		    mg_str_cstr(&line), line.len);
		mg_str_reset(&line);
		mg_str_printf(&line, "2026-12-06 10:%02d:00 1tY%03d-000abc-AB "
		    "<= a@example.com H=(x) [%d.9.0.1]:4000 P=esmtpa "
		    "A=plain_server:admins S=100", k, k, 40 + k);
		mg_maillog_line(m.log, mg_exim_log_line, NULL,
		    mg_str_cstr(&line), line.len);
	}
	mg_report_init(&r);
	x = mg_report_fix(&r, "exim.auth.disable-system", "Disable");
	(void)mg_fix_replace_line(x, "/etc/exim4/passwd", 3,
	    "admin:$6$x$y", "# disabled (system account): admin:$6$x$y");
	mg_check_log_sasl(&m, &r);
	assert_int_equal(r.nfindings, 2);
	assert_int_equal(finding(&r, "sasl.login.many-addresses",
	    "as admin from")->nfix_ids, 1);
	assert_string_equal(finding(&r, "sasl.login.many-addresses",
	    "as admin from")->fix_ids[0], "exim.auth.disable-system");
	assert_int_equal(finding(&r, "sasl.login.many-addresses",
	    "as admins from")->nfix_ids, 0);
	mg_report_free(&r);
	mg_str_free(&line);
	mg_model_free(&m);
}

/* stamp - t as the line's time stamp: Exim's "2026-11-22 10:00:01" or
 * syslog's "Nov 22 10:00:01" */
static void
stamp(time_t t, int exim, char *buf, size_t size)
{
	struct tm tm;

	(void)gmtime_r(&t, &tm);
	assert_true(strftime(buf, size, exim ? "%Y-%m-%d %H:%M:%S" :
	    "%b %e %H:%M:%S", &tm) > 0);
}

/* sent - one message submitted at t after logging in as user from addr,
 * as Postfix's submission smtpd or Exim (with log_selector
 * +incoming_interface's I=[...]) logs it */
static void
sent(struct mg_model *m, int exim, time_t t, const char *user,
    const char *addr)
{
	static unsigned long id;
	struct mg_str line = MG_STR_INIT;
	char when[64];

	stamp(t, exim, when, sizeof(when));
	id++;
	if (exim)
		mg_str_printf(&line, "%s 1tX%03lu-000abc-AB <= %s "
		    "H=(laptop) [%s]:50%03lu I=[192.0.2.25]:587 P=esmtpsa "
		    "X=TLS1.3:TLS_AES_256_GCM_SHA384:256 CV=no "
		    "A=dovecot_plain:%s S=2100 id=m%lu@x", when, id % 1000,
		    user, addr, id % 1000, user, id);
	else
		mg_str_printf(&line, "%s mail postfix/submission/smtpd[%lu]: "
		    "4Q%lX: client=unknown[%s], sasl_method=PLAIN, "
		    "sasl_username=%s", when, 3000 + id % 1000, id, addr, user);
	mg_maillog_line(m->log, exim ? mg_exim_log_line : mg_pf_log_line,
	    NULL, mg_str_cstr(&line), line.len);
	mg_str_free(&line);
}

/* failed - one failed login as user from addr at t (Postfix) */
static void
failed(struct mg_model *m, time_t t, const char *user, const char *addr)
{
	struct mg_str line = MG_STR_INIT;
	char when[64];

	stamp(t, 0, when, sizeof(when));
	mg_str_printf(&line, "%s mail postfix/submission/smtpd[9]: warning: "
	    "unknown[%s]: SASL LOGIN authentication failed: authentication "
	    "failure, sasl_username=%s", when, addr, user);
	mg_maillog_line(m->log, mg_pf_log_line, NULL, mg_str_cstr(&line),
	    line.len);
	mg_str_free(&line);
}

/* empty - a model of mta with an empty log read at NOW */
static void
empty(struct mg_model *m, enum mg_mta mta)
{
	mg_model_init(m);
	m->mta = mta;
	m->now = NOW;
	m->log = mg_xcalloc(1, sizeof(*m->log));
	mg_maillog_init(m->log);
	m->log->now = NOW;
}

/* set - parameter name = value in m */
static void
set(struct mg_model *m, const char *name, const char *value)
{
	struct mg_param *p = mg_model_param_add(m, name);

	free(p->value);
	p->value = mg_xstrdup(value);
}

/* judged - the one many-addresses finding of m (after running the
 * check into r), or NULL if there is none */
static const struct mg_finding *
judged(const struct mg_model *m, struct mg_report *r)
{
	size_t i, k;

	mg_report_init(r);
	mg_check_log_sasl(m, r);
	for (i = 0; getenv("MG_TEST_DUMP") != NULL && i < r->nfindings; i++)
		for (k = 0; k < r->findings[i].nevidence; k++)
			print_message("%s %d: %s\n", r->findings[i].id,
			    (int)r->findings[i].severity,
			    r->findings[i].evidence[k].text);
	if (count(r, "sasl.login.many-addresses") != 1)
		return (NULL);
	return (finding(r, "sasl.login.many-addresses", "messages sent"));
}

/* home - the k-th team member's home address on day d: a provider of
 * its own, the lease changing now and then within its /24 */
static void
home(int k, int d, char *buf, size_t size)
{
	(void)snprintf(buf, size, "%d.%d.%d.%d", 31 + k * 13, 7 + k * 5,
	    40 + k, 10 + (d / 5) * 3);
}

/* test_shared_team_established - support@ shared by 12 people, each
 * from home through their own provider, every day for three weeks: each
 * day is 12 addresses in 12 networks, but the log shows the same places
 * all along: medium, said to be a shared account with how to split it;
 * ten times its volume one day: high; the same 12 addresses in a log of
 * one day cannot be told apart: high */
static void
test_shared_team_established(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;
	char addr[64];
	int d, k;

	(void)state;
	empty(&m, MG_MTA_POSTFIX);
	for (d = 21; d >= 1; d--)
		for (k = 0; k < 12; k++) {
			home(k, d, addr, sizeof(addr));
			sent(&m, 0, NOW - d * DAY + 8 * 3600 + k * 1800,
			    "support@example.com", addr);
		}
	f = judged(&m, &r);
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	assert_non_null(strstr(f->title, "shared account"));
	/* the busiest day spans a lease change: 13 addresses, the new
	 * lease in the /24 the old one was in */
	assert_true(has(f, "13 messages sent after logging in as "
	    "support@example.com from 13 addresses in 12 networks"));
	assert_true(has(f, "13 of these 13 addresses (100%) were used by "
	    "support@example.com before this window, in the 16 days"));
	assert_true(has(f, "13 messages in these 24 hours; 12.5 a day on "
	    "average before them"));
	assert_non_null(strstr(f->explanation, "per-app credentials"));
	assert_non_null(strstr(f->explanation, "How to tell a shared "
	    "account from a stolen one"));
	mg_report_free(&r);
	mg_model_free(&m);
	/* the same places (no new lease), but ten times the usual volume
	 * on the last day: high, the volume said to be out of line */
	empty(&m, MG_MTA_POSTFIX);
	for (d = 21; d >= 1; d--)
		for (k = 0; k < 12; k++) {
			home(k, 1, addr, sizeof(addr));
			sent(&m, 0, NOW - d * DAY + 8 * 3600 + k * 1800,
			    "support@example.com", addr);
		}
	for (k = 0; k < 240; k++) {
		home(k % 12, 1, addr, sizeof(addr));
		sent(&m, 0, NOW - DAY + 15 * 3600 + k * 30,
		    "support@example.com", addr);
	}
	f = judged(&m, &r);
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_HIGH);
	assert_true(has(f, "ten times its daily average or more: spam is "
	    "going out through this account unless its users sent them"));
	mg_report_free(&r);
	mg_model_free(&m);
	/* only the last day in the log: nothing to judge it by */
	empty(&m, MG_MTA_POSTFIX);
	for (k = 0; k < 12; k++) {
		home(k, 1, addr, sizeof(addr));
		sent(&m, 0, NOW - DAY + 8 * 3600 + k * 1800,
		    "support@example.com", addr);
	}
	f = judged(&m, &r);
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_HIGH);
	assert_true(has(f, "the log goes back only to 2026-12-06 08:00:00 "
	    "UTC"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_new_burst_critical - dave sends from home and office every day
 * for ten days; then, in one hour, from 12 addresses never seen for him:
 * critical even with few messages, the evidence says they are new */
static void
test_new_burst_critical(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;
	char addr[64];
	int d, k;

	(void)state;
	empty(&m, MG_MTA_EXIM);
	for (d = 10; d >= 1; d--) {
		sent(&m, 1, NOW - d * DAY + 9 * 3600, "dave", "81.2.69.160");
		sent(&m, 1, NOW - d * DAY + 17 * 3600, "dave", "2.56.8.17");
	}
	for (k = 0; k < 12; k++) {
		(void)snprintf(addr, sizeof(addr), "%d.%d.9.%d", 101 + k * 11,
		    k * 19, k + 2);
		sent(&m, 1, NOW - DAY + 12 * 3600 + k * 300, "dave", addr);
	}
	f = judged(&m, &r);
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_CRITICAL);
	assert_non_null(strstr(f->title, "probably stolen"));
	assert_true(has(f, "only 2 of these 14 addresses were used by dave "
	    "before this window, in the 8 days"));
	assert_true(has(f, "a stolen password's pattern"));
	assert_true(has(f, "mailguard-tui purge --sasl dave"));
	mg_report_free(&r);
	mg_model_free(&m);
	/* a login the ten days before never saw: critical, said to be new */
	empty(&m, MG_MTA_EXIM);
	sent(&m, 1, NOW - 10 * DAY, "ann", "81.2.69.160");
	for (k = 0; k < 12; k++) {
		(void)snprintf(addr, sizeof(addr), "%d.%d.9.%d", 101 + k * 11,
		    k * 19, k + 2);
		sent(&m, 1, NOW - DAY + 12 * 3600 + k * 300, "eve", addr);
	}
	f = judged(&m, &r);
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_CRITICAL);
	assert_true(has(f, "eve sent nothing in the 10 days the log goes "
	    "back before this window: a new account, or a password first "
	    "used by someone else now - none of these 12 addresses"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_proxy_pool - no history to go by: erin from 10 addresses is
 * high; when 4 of them also log in as two other users within the day (a
 * proxy pool working through stolen accounts), critical; one other user
 * is no pool */
static void
test_proxy_pool(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;
	char addr[64];
	int k, pass;

	(void)state;
	for (pass = 0; pass < 3; pass++) {
		empty(&m, MG_MTA_POSTFIX);
		for (k = 0; k < 10; k++) {
			(void)snprintf(addr, sizeof(addr), "45.%d.77.%d",
			    130 + k, k + 5);
			sent(&m, 0, NOW - 3600 + k * 60, "erin", addr);
			if (k < 4 && pass >= 1)
				sent(&m, 0, NOW - 7200 + k * 60, "frank",
				    addr);
			if (k < 4 && pass >= 2)
				failed(&m, NOW - 5400 + k * 60, "gail",
				    addr);
		}
		f = judged(&m, &r);
		assert_non_null(f);
		assert_true(has(f, "as erin from 10 addresses"));
		if (pass < 2) {
			assert_int_equal(f->severity, MG_SEV_HIGH);
			assert_false(has(f, "proxy pool)"));
		} else {
			assert_int_equal(f->severity, MG_SEV_CRITICAL);
			assert_true(has(f, "4 of the new addresses were also "
			    "used by other logins within a day (a proxy "
			    "pool): 45.130.77.5 by 2 other logins"));
		}
		mg_report_free(&r);
		mg_model_free(&m);
	}
}

/* test_failed_first - failed logins from 3 addresses in the hour before
 * the new addresses send: critical without history */
static void
test_failed_first(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;
	char addr[64];
	int k;

	(void)state;
	empty(&m, MG_MTA_POSTFIX);
	for (k = 0; k < 3; k++)
		failed(&m, NOW - 7200 + k * 60, "hugo", k == 0 ? "5.1.1.1" :
		    k == 1 ? "5.2.2.2" : "5.3.3.3");
	for (k = 0; k < 10; k++) {
		(void)snprintf(addr, sizeof(addr), "%d.9.9.%d", 60 + k, k + 1);
		sent(&m, 0, NOW - 3600 + k * 60, "hugo", addr);
	}
	f = judged(&m, &r);
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_CRITICAL);
	assert_true(has(f, "3 failed logins as hugo from 3 addresses in the "
	    "day before and during this window"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_site_networks_not_counted - noreply@ used by 12 web servers in
 * a network a table in mynetworks holds and 10 in its IPv6 /48, 6 app
 * servers in RFC 1918 space and the monitoring host on loopback: no
 * finding; without those mynetworks entries the web servers are 22
 * public addresses and make the finding, which says what was left out */
static void
test_site_networks_not_counted(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;
	char addr[64];
	int k, pass;

	(void)state;
	for (pass = 0; pass < 2; pass++) {
		empty(&m, MG_MTA_POSTFIX);
		/* a table's key in Postfix's truncated form, a network */
		set(&m, "mynetworks", pass == 0 ? "127.0.0.0/8 [::1]/128 "
		    "hash:/etc/postfix/web_nets, [2001:db8:5::]/48" :
		    "127.0.0.0/8 [::1]/128");
		(void)mg_map_entry_add(mg_model_map_add(&m,
		    "hash:/etc/postfix/web_nets"), "198.51.100", "web", 1);
		for (k = 0; k < 12; k++) {
			(void)snprintf(addr, sizeof(addr), "198.51.100.%d",
			    k + 10);
			sent(&m, 0, NOW - 3600 + k * 60, "noreply", addr);
		}
		for (k = 0; k < 10; k++) {
			(void)snprintf(addr, sizeof(addr), "2001:db8:5:%x::25",
			    k + 1);
			sent(&m, 0, NOW - 3000 + k * 10, "noreply", addr);
		}
		for (k = 0; k < 6; k++) {
			(void)snprintf(addr, sizeof(addr), "%s%d", k < 3 ?
			    "10.0.3." : "192.168.7.", k + 20);
			sent(&m, 0, NOW - 1800 + k * 60, "noreply", addr);
		}
		sent(&m, 0, NOW - 600, "noreply", "127.0.0.1");
		sent(&m, 0, NOW - 500, "noreply", "::1");
		f = judged(&m, &r);
		if (pass == 0) {
			assert_int_equal(r.nfindings, 0);
		} else {
			assert_non_null(f);
			assert_true(has(f, "22 messages sent after logging in "
			    "as noreply from 22 addresses in 2 networks"));
			assert_true(has(f, "not counted: 8 messages from the "
			    "site's own networks (6 from private networks "
			    "(RFC 1918, IPv6 unique local, link-local), 2 "
			    "from loopback)"));
		}
		mg_report_free(&r);
		mg_model_free(&m);
	}
}

/* test_exim_relay_from_hosts - Exim's trusted list is the site's own
 * (a "<;" list), and so is a named "hostlist trusted_hosts"; its log's
 * I=[interface] is not the client; and 40 phones behind a carrier's
 * CGNAT (100.64.0.0/10) are one address */
static void
test_exim_relay_from_hosts(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;
	char addr[64];
	int k, pass;

	(void)state;
	for (pass = 0; pass < 3; pass++) {
		empty(&m, MG_MTA_EXIM);
		set(&m, "+relay_from_hosts", pass == 0 ? "<; 127.0.0.1 ; "
		    "::1 ; 203.0.113.0/24" : "<; 127.0.0.1 ; ::1");
		set(&m, "+trusted_hosts", pass == 1 ? "192.0.2.0/24 : "
		    "203.0.113.0/24" : "192.0.2.0/24");
		for (k = 0; k < 12; k++) {
			(void)snprintf(addr, sizeof(addr), "203.0.113.%d",
			    k + 1);
			sent(&m, 1, NOW - 3600 + k * 60, "monitor", addr);
		}
		for (k = 0; k < 40; k++) {
			(void)snprintf(addr, sizeof(addr), "100.%d.%d.%d",
			    64 + k % 60, k * 7 % 250, k + 1);
			sent(&m, 1, NOW - 7200 + k * 60, "sales", addr);
		}
		sent(&m, 1, NOW - 600, "sales", "2.56.8.17");
		for (k = 0; k < 3; k++) {
			(void)snprintf(addr, sizeof(addr), "192.0.2.%d", k + 1);
			sent(&m, 1, NOW - 300, "monitor", addr);
		}
		f = judged(&m, &r);
		/* sales: 2 addresses in 2 networks, never a finding */
		assert_null(finding(&r, "sasl.login.many-addresses", "sales"));
		if (pass < 2) {
			assert_int_equal(r.nfindings, 0);
		} else {
			assert_non_null(f);
			assert_true(has(f, "as monitor from 12 addresses in 1 "
			    "networks"));
			assert_true(has(f, "not counted: 3 messages from the "
			    "site's own networks (3 from relay_from_hosts, "
			    "trusted_hosts)"));
			assert_false(has(f, "192.0.2.25"));
		}
		mg_report_free(&r);
		mg_model_free(&m);
	}
	/* the phones and 10 addresses elsewhere: the finding counts the
	 * phones as one address */
	empty(&m, MG_MTA_EXIM);
	for (k = 0; k < 40; k++) {
		(void)snprintf(addr, sizeof(addr), "100.%d.%d.%d", 64 + k % 60,
		    k * 7 % 250, k + 1);
		sent(&m, 1, NOW - 7200 + k * 60, "sales", addr);
	}
	for (k = 0; k < 10; k++) {
		(void)snprintf(addr, sizeof(addr), "%d.8.8.%d", 150 + k,
		    k + 1);
		sent(&m, 1, NOW - 3600 + k * 60, "sales", addr);
	}
	f = judged(&m, &r);
	assert_non_null(f);
	assert_true(has(f, "as sales from 11 addresses in 11 networks"));
	assert_true(has(f, "40 addresses in carrier-grade NAT "
	    "(100.64.0.0/10) counted as one address in one network"));
	mg_report_free(&r);
	mg_model_free(&m);
	/* the phones outside CGNAT: 40 addresses, the finding */
	empty(&m, MG_MTA_EXIM);
	for (k = 0; k < 40; k++) {
		(void)snprintf(addr, sizeof(addr), "37.%d.%d.%d", k,
		    k * 7 % 250, k + 1);
		sent(&m, 1, NOW - 7200 + k * 60, "sales", addr);
	}
	f = judged(&m, &r);
	assert_non_null(f);
	assert_true(has(f, "as sales from 40 addresses"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* pf_line - a Postfix submission line of a login (user non-NULL) or a
 * client without one, at t from addr, onto buf */
static void
pf_line(struct mg_str *buf, time_t t, const char *user, const char *addr)
{
	static unsigned long id;
	char when[64];

	stamp(t, 0, when, sizeof(when));
	id++;
	mg_str_printf(buf, "%s mail postfix/submission/smtpd[%lu]: 4R%lX: "
	    "client=unknown[%s]%s%s\n", when, 4000 + id % 1000, id, addr,
	    user != NULL ? ", sasl_method=PLAIN, sasl_username=" : "",
	    user != NULL ? user : "");
}

/* put - text into path */
static void
put(const char *path, const struct mg_str *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_int_equal(fwrite(text->data, 1, text->len, fp), text->len);
	assert_int_equal(fclose(fp), 0);
}

/* test_rotated_history - mail.log was rotated this morning: today's 12
 * addresses of support@ are only in it, the three weeks before in
 * mail.log.1 (logrotate's delaycompress; exicyclog's mainlog.01 too),
 * read first for the logins' history only: established, medium, the
 * evidence names it; its clients are not counted as this log's (RHEL's
 * dateext name, the newest of two, too).  The
 * current log linked as .1 is not read twice; without it: high */
static void
test_rotated_history(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;
	struct mg_str old = MG_STR_INIT, cur = MG_STR_INIT, want = MG_STR_INIT;
	char dir[] = "/tmp/mg-test-rotated-XXXXXX", path[128], older[128];
	char older01[128], dated[160], dated0[160], addr[64];
	struct mg_err err;
	int d, k;

	(void)state;
	assert_non_null(mkdtemp(dir));
	(void)snprintf(path, sizeof(path), "%s/mail.log", dir);
	(void)snprintf(older, sizeof(older), "%s/mail.log.1", dir);
	(void)snprintf(older01, sizeof(older01), "%s/mail.log.01", dir);
	for (d = 21; d >= 1; d--) {
		for (k = 0; k < 12; k++) {
			home(k, 1, addr, sizeof(addr));
			pf_line(&old, NOW - d * DAY + 8 * 3600 + k * 1800,
			    "support@example.com", addr);
		}
		pf_line(&old, NOW - d * DAY + 9 * 3600, NULL, "192.0.2.7");
	}
	for (k = 0; k < 12; k++) {
		home(k, 1, addr, sizeof(addr));
		pf_line(&cur, NOW - 3600 * 6 + k * 600, "support@example.com",
		    addr);
	}
	pf_line(&cur, NOW - 60, NULL, "192.0.2.8");
	put(older, &old);
	put(path, &cur);
	mg_model_init(&m);
	m.mta = MG_MTA_POSTFIX;
	m.now = NOW;
	assert_int_equal(mg_model_read_log(&m, mg_pf_log_line, NULL, path,
	    &err), 0);
	assert_string_equal(m.log->older, older);
	assert_int_equal(m.log->lines, 13);	/* this log's */
	assert_int_equal(m.log->accepted, 1);	/* 192.0.2.8 only */
	assert_int_equal(m.log->nclients, 1);
	assert_int_equal(mg_maillog_logins(m.log, "support@example.com"), 12);
	assert_int_equal(m.log->nauths, 12 * 21 + 12);
	f = judged(&m, &r);
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	mg_str_printf(&want, "in the 20 days the log (this log and the "
	    "rotated %s) goes back", older);
	assert_true(has(f, mg_str_cstr(&want)));
	mg_report_free(&r);
	mg_model_free(&m);
	/* exicyclog's name */
	assert_int_equal(rename(older, older01), 0);
	mg_model_init(&m);
	m.now = NOW;
	assert_int_equal(mg_model_read_log(&m, mg_pf_log_line, NULL, path,
	    &err), 0);
	assert_string_equal(m.log->older, older01);
	mg_model_free(&m);
	/* logrotate's dateext (RHEL): the newest dated one */
	(void)snprintf(dated, sizeof(dated), "%s-20261206", path);
	(void)snprintf(dated0, sizeof(dated0), "%s-20261129", path);
	assert_int_equal(rename(older01, dated), 0);
	put(dated0, &cur);
	mg_model_init(&m);
	m.now = NOW;
	assert_int_equal(mg_model_read_log(&m, mg_pf_log_line, NULL, path,
	    &err), 0);
	assert_non_null(m.log->older);
	assert_string_equal(m.log->older, dated);
	assert_int_equal(m.log->nauths, 12 * 21 + 12);
	mg_model_free(&m);
	assert_int_equal(unlink(dated0), 0);
	assert_int_equal(rename(dated, older01), 0);
	assert_int_equal(unlink(older01), 0);
	/* the current log itself as .1: not read again */
	assert_int_equal(link(path, older), 0);
	mg_model_init(&m);
	m.mta = MG_MTA_POSTFIX;
	m.now = NOW;
	assert_int_equal(mg_model_read_log(&m, mg_pf_log_line, NULL, path,
	    &err), 0);
	assert_null(m.log->older);
	assert_int_equal(m.log->nauths, 12);
	f = judged(&m, &r);
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_HIGH);
	mg_report_free(&r);
	mg_model_free(&m);
	assert_int_equal(unlink(older), 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
	mg_str_free(&old);
	mg_str_free(&cur);
	mg_str_free(&want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_stamps),
		cmocka_unit_test(test_postfix_events),
		cmocka_unit_test(test_postfix_findings),
		cmocka_unit_test(test_spray_cannot_blind),
		cmocka_unit_test(test_thresholds_and_window),
		cmocka_unit_test(test_ipv6_privacy_addresses),
		cmocka_unit_test(test_rollover),
		cmocka_unit_test(test_exim),
		cmocka_unit_test(test_links_disable_fix),
		cmocka_unit_test(test_links_exim_disable_fix),
		cmocka_unit_test(test_shared_team_established),
		cmocka_unit_test(test_new_burst_critical),
		cmocka_unit_test(test_proxy_pool),
		cmocka_unit_test(test_failed_first),
		cmocka_unit_test(test_site_networks_not_counted),
		cmocka_unit_test(test_exim_relay_from_hosts),
		cmocka_unit_test(test_rotated_history),
	};

	return (cmocka_run_group_tests(tests, utc, NULL));
}
