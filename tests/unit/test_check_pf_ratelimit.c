/*
 * test_check_pf_ratelimit.c - no rate limit on the services that offer
 * AUTH (postfix.sasl.no-rate-limit) on Postfix model data, with the mail
 * log lines smtpd and qmgr write (Postfix 3.7), and the limits the fix
 * sizes from the log's busiest client.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../backends/postfix/pf_log.h"
#include "../../core/mg_maillog.h"
#include "mg_test.h"
#include "pf_fixture.h"

#define FIND "postfix.sasl.no-rate-limit"
#define FIX "postfix.sasl.rate-limit"

static const char *master_m =
    "smtp inet n - y - - smtpd\n"
    "submission inet n - y - - smtpd -o syslog_name=postfix/submission "
    "-o smtpd_sasl_auth_enable=yes\n";
static const char *master_p =
    "submission/inet/syslog_name = postfix/submission\n"
    "submission/inet/smtpd_sasl_auth_enable = yes\n";
static const char *master_cf =
    "smtp      inet  n       -       y       -       -       smtpd\n"
    "submission inet n       -       y       -       -       smtpd\n"
    "  -o syslog_name=postfix/submission\n"
    "  -o smtpd_sasl_auth_enable=yes\n";

/* build - main.cf settings over master.cf with submission (AUTH by -o),
 * or smtp alone */
static void
build(struct mg_model *m, const char *main_cf, int submission)
{
	pf_build(m, main_cf, NULL, main_cf);
	if (submission)
		pf_master(m, master_m, master_p, master_cf);
	else
		pf_master(m, "smtp inet n - y - - smtpd\n", "",
		    "smtp      inet  n       -       y       -       -  "
		    "     smtpd\n");
}

/* flood_log - n messages of k recipients each from 203.0.113.5 within
 * the minute 10:00, as smtpd and qmgr log them */
static void
flood_log(struct mg_model *m, unsigned n, unsigned k)
{
	char line[256];
	unsigned i;

	m->log = mg_xcalloc(1, sizeof(*m->log));
	mg_maillog_init(m->log);
	m->log->path = mg_xstrdup("/var/log/mail.log");
	for (i = 0; i < n; i++) {
		(void)snprintf(line, sizeof(line), "Nov 23 10:00:%02u mail "
		    "postfix/submission/smtpd[200]: Q%04u: client=x"
		    "[203.0.113.5], sasl_method=PLAIN, sasl_username=bob",
		    i * 59 / n, i);
		mg_maillog_line(m->log, mg_pf_log_line, NULL, line,
		    strlen(line));
		(void)snprintf(line, sizeof(line), "Nov 23 10:00:%02u mail "
		    "postfix/qmgr[100]: Q%04u: from=<bob@example.com>, "
		    "size=900, nrcpt=%u (queue active)", i * 59 / n, i, k);
		mg_maillog_line(m->log, mg_pf_log_line, NULL, line,
		    strlen(line));
	}
	mg_maillog_finish(m->log);
}

/* edit_to - the fix's edit of file whose new text holds want */
static const struct mg_edit *
edit_to(const struct mg_fix *x, const char *file, const char *want)
{
	size_t i;

	for (i = 0; x != NULL && i < x->nedits; i++)
		if (strcmp(x->edits[i].file, file) == 0 &&
		    strstr(x->edits[i].new_text, want) != NULL)
			return (&x->edits[i]);
	return (NULL);
}

/* test_submission_sized_from_log - AUTH on submission by -o, no limit:
 * medium; the fix adds both limits under the submission entry, twice
 * the log's peak (40 messages, 200 recipients in a minute); smtp
 * (no AUTH) is not named */
static void
test_submission_sized_from_log(void **state)
{
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	build(&m, "myhostname = mail.example.com\n", 1);
	flood_log(&m, 40, 5);
	pf_run(mg_check_pf_ratelimit, &m, &r);
	assert_int_equal(r.nfindings, 1);
	f = pf_finding(&r, FIND);
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	assert_string_equal(f->area, "sasl");
	assert_non_null(pf_evidence(f, "service submission offers AUTH"));
	assert_null(pf_evidence(f, "service smtp "));
	assert_non_null(pf_evidence(f, "203.0.113.5 handed over 40 "
	    "messages"));
	assert_non_null(pf_evidence(f, "recipients from one client in a "
	    "minute: 203.0.113.5, 200"));
	assert_non_null(pf_evidence(f, "smtpd_client_message_rate_limit = 80 "
	    "and smtpd_client_recipient_rate_limit = 400 per 60s"));
	assert_non_null(strstr(f->explanation, "not per SASL login"));
	assert_non_null(strstr(f->explanation, "postfwd"));
	x = mg_report_find_fix(&r, FIX);
	assert_non_null(x);
	/* one edit, after the syslog_name line: the entry's first line and
	 * its AUTH line are what the AUTH and TLS fixes edit */
	assert_int_equal(x->nedits, 1);
	assert_int_equal(x->edits[0].line, 3);
	assert_string_equal(x->edits[0].new_text, "  -o syslog_name=postfix/"
	    "submission\n  -o smtpd_client_message_rate_limit=80\n"
	    "  -o smtpd_client_recipient_rate_limit=400");
	assert_null(edit_to(x, PF_MAIN_CF, "rate_limit"));
	assert_int_equal(x->npost, 1);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_own_zero_edited - submission's own "-o ..._rate_limit=0" is
 * edited in place; the other limit added on another line (the stage
 * refuses two edits of one line) */
static void
test_own_zero_edited(void **state)
{
	const struct mg_fix *x;
	const struct mg_edit *e;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	pf_build(&m, "myhostname = mail.example.com\n", NULL,
	    "myhostname = mail.example.com\n");
	pf_master(&m, "smtp inet n - y - - smtpd\n"
	    "submission inet n - y - - smtpd -o smtpd_sasl_auth_enable=yes "
	    "-o smtpd_client_message_rate_limit=0\n",
	    "submission/inet/smtpd_sasl_auth_enable = yes\n"
	    "submission/inet/smtpd_client_message_rate_limit = 0\n",
	    "smtp      inet  n       -       y       -       -       smtpd\n"
	    "submission inet n       -       y       -       -       smtpd\n"
	    "  -o smtpd_sasl_auth_enable=yes\n"
	    "  -o smtpd_client_message_rate_limit=0\n");
	pf_run(mg_check_pf_ratelimit, &m, &r);
	assert_non_null(pf_finding(&r, FIND));
	x = mg_report_find_fix(&r, FIX);
	assert_non_null(x);
	assert_int_equal(x->nedits, 2);
	assert_non_null(e = edit_to(x, PF_MASTER_CF,
	    "  -o smtpd_client_message_rate_limit=30"));
	assert_int_equal(e->line, 4);
	assert_string_equal(e->new_text,
	    "  -o smtpd_client_message_rate_limit=30");
	/* no clear continuation line: after the last one not ours */
	assert_non_null(e = edit_to(x, PF_MASTER_CF,
	    "\n  -o smtpd_client_recipient_rate_limit=100"));
	assert_int_equal(e->line, 3);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_override_not_located - postconf -P lists submission's own
 * "-o smtpd_client_message_rate_limit=0" but master.cf's text does not
 * place it: no edit of that limit (a new -o is not sure to be the one
 * the service uses), the evidence says to set it by hand; the other
 * limit is still added */
static void
test_override_not_located(void **state)
{
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;
	size_t i;

	(void)state;
	pf_build(&m, "myhostname = mail.example.com\n", NULL,
	    "myhostname = mail.example.com\n");
	pf_master(&m, "smtp inet n - y - - smtpd\n"
	    "submission inet n - y - - smtpd -o smtpd_sasl_auth_enable=yes "
	    "-o smtpd_client_message_rate_limit=0\n",
	    "submission/inet/smtpd_sasl_auth_enable = yes\n"
	    "submission/inet/smtpd_client_message_rate_limit = 0\n",
	    "smtp      inet  n       -       y       -       -       smtpd\n"
	    "submission inet n       -       y       -       -       smtpd\n"
	    "  -o smtpd_sasl_auth_enable=yes\n");
	pf_run(mg_check_pf_ratelimit, &m, &r);
	assert_non_null(f = pf_finding(&r, FIND));
	assert_non_null(pf_evidence(f, "service submission: set -o "
	    "smtpd_client_message_rate_limit=30 in its master.cf entry by "
	    "hand"));
	x = mg_report_find_fix(&r, FIX);
	assert_non_null(x);
	assert_int_equal(x->nedits, 1);
	for (i = 0; i < x->nedits; i++)
		assert_null(strstr(x->edits[i].new_text,
		    "smtpd_client_message_rate_limit"));
	assert_non_null(edit_to(x, PF_MASTER_CF,
	    "\n  -o smtpd_client_recipient_rate_limit=100"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_main_cf_kept_for_policy_port - AUTH from main.cf, port 25 asks a
 * policy service before its permit (iRedMail's iRedAPD, as its main.cf
 * orders them), a reinjection port overrides
 * its restrictions without one: only that port is named, and its limits
 * go under it, not into main.cf where port 25 would inherit them */
static void
test_main_cf_kept_for_policy_port(void **state)
{
	static const char *main_cf = "smtpd_sasl_auth_enable = yes\n"
	    "smtpd_recipient_restrictions = check_policy_service "
	    "inet:127.0.0.1:7777, permit_sasl_authenticated, "
	    "reject_unauth_destination\n";
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	pf_build(&m, main_cf, NULL, main_cf);
	pf_master(&m, "smtp inet n - y - - smtpd\n"
	    "127.0.0.1:10025 inet n - n - - smtpd -o syslog_name=postfix/"
	    "10025 -o smtpd_recipient_restrictions=permit_mynetworks,"
	    "reject\n",
	    "127.0.0.1:10025/inet/syslog_name = postfix/10025\n"
	    "127.0.0.1:10025/inet/smtpd_recipient_restrictions = "
	    "permit_mynetworks,reject\n",
	    "smtp      inet  n       -       y       -       -       smtpd\n"
	    "127.0.0.1:10025 inet n  -   n   -   -  smtpd\n"
	    "    -o syslog_name=postfix/10025\n"
	    "    -o smtpd_recipient_restrictions=permit_mynetworks,reject\n");
	pf_run(mg_check_pf_ratelimit, &m, &r);
	f = pf_finding(&r, FIND);
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_LOW);	/* loopback */
	assert_null(pf_evidence(f, "service smtp "));
	assert_non_null(pf_evidence(f, "service 127.0.0.1:10025 offers"));
	x = mg_report_find_fix(&r, FIX);
	assert_non_null(x);
	assert_int_equal(x->nedits, 1);
	assert_string_equal(x->edits[0].file, PF_MASTER_CF);
	assert_int_equal(x->edits[0].line, 4);
	assert_non_null(strstr(x->edits[0].new_text, "\n  -o "
	    "smtpd_client_message_rate_limit=30\n  -o "
	    "smtpd_client_recipient_rate_limit=100"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_flood_is_high - 70 messages from one client in a minute */
static void
test_flood_is_high(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	build(&m, "myhostname = mail.example.com\n", 1);
	flood_log(&m, 70, 1);
	pf_run(mg_check_pf_ratelimit, &m, &r);
	f = pf_finding(&r, FIND);
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_HIGH);
	assert_non_null(pf_evidence(f, "the log shows a flood"));
	assert_non_null(pf_evidence(f, "message_rate_limit = 140 "));
	/* 70 recipients x 2: above the floor of 100 */
	assert_non_null(pf_evidence(f, "recipient_rate_limit = 140 "));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_no_log_floor - no mail log: the floors, and the evidence says so */
static void
test_no_log_floor(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	build(&m, "myhostname = mail.example.com\n", 1);
	pf_run(mg_check_pf_ratelimit, &m, &r);
	f = pf_finding(&r, FIND);
	assert_non_null(f);
	assert_non_null(pf_evidence(f, "no mail log was read: the fix sets "
	    "the floor, smtpd_client_message_rate_limit = 30 and "
	    "smtpd_client_recipient_rate_limit = 100 per 60s"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_smtp_auth_in_main_cf - AUTH by main.cf on smtp (port 25): the
 * finding stands, but no fix: a limit per client address on the port
 * other mail servers deliver to would throttle their mail; the evidence
 * says to move AUTH to submission and limit it there */
static void
test_smtp_auth_in_main_cf(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	build(&m, "smtpd_sasl_auth_enable = yes\n"
	    "anvil_rate_time_unit = 1h\n", 0);
	pf_run(mg_check_pf_ratelimit, &m, &r);
	assert_non_null(f = pf_finding(&r, FIND));
	assert_null(mg_report_find_fix(&r, FIX));
	assert_int_equal(f->nfix_ids, 0);
	assert_non_null(pf_evidence(f, "service smtp is port 25, where other "
	    "mail servers deliver"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_limited_or_policy_no_finding - a limit set, a policy service a
 * login reaches, or no AUTH anywhere: nothing to say; an explicit 0 is
 * no limit, nor is a policy service after permit_sasl_authenticated or
 * one that only greylists or checks SPF */
static void
test_limited_or_policy_no_finding(void **state)
{
	static const struct {
		const char *main_cf;
		size_t want;
	} cases[] = {
		{ "smtpd_sasl_auth_enable = yes\n"
		    "smtpd_client_message_rate_limit = 20\n", 0 },
		{ "smtpd_sasl_auth_enable = yes\n"
		    "smtpd_client_recipient_rate_limit = 50\n", 0 },
		{ "smtpd_sasl_auth_enable = yes\n"
		    "smtpd_recipient_restrictions = check_policy_service "
		    "inet:127.0.0.1:10040, permit_sasl_authenticated, "
		    "reject_unauth_destination\n", 0 },
		/* after the permit a login never reaches it */
		{ "smtpd_sasl_auth_enable = yes\n"
		    "smtpd_recipient_restrictions = permit_sasl_authenticated,"
		    " check_policy_service inet:127.0.0.1:10040, "
		    "reject_unauth_destination\n", 1 },
		/* Debian's postgrey and policyd-spf limit nothing */
		{ "smtpd_sasl_auth_enable = yes\n"
		    "smtpd_recipient_restrictions = reject_unauth_destination, "
		    "check_policy_service inet:127.0.0.1:10023, "
		    "check_policy_service unix:private/policyd-spf\n", 1 },
		/* Postfix 3.0's { ... } form, in the data list */
		{ "smtpd_sasl_auth_enable = yes\n"
		    "smtpd_data_restrictions = check_policy_service { "
		    "unix:private/ratelimit, default_action=DUNNO }\n", 0 },
		{ "smtpd_sasl_auth_enable = yes\n"
		    "smtpd_client_message_rate_limit = 0\n", 1 },
		{ "smtpd_sasl_auth_enable = yes\n"
		    "smtpd_recipient_restrictions = check_policy_services_x\n",
		    1 },
		{ "myhostname = mail.example.com\n", 0 },
	};
	struct mg_model m;
	struct mg_report r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		build(&m, cases[i].main_cf, 0);
		pf_run(mg_check_pf_ratelimit, &m, &r);
		assert_int_equal(r.nfindings, cases[i].want);
		mg_report_free(&r);
		mg_model_free(&m);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_submission_sized_from_log),
		cmocka_unit_test(test_own_zero_edited),
		cmocka_unit_test(test_override_not_located),
		cmocka_unit_test(test_main_cf_kept_for_policy_port),
		cmocka_unit_test(test_flood_is_high),
		cmocka_unit_test(test_no_log_floor),
		cmocka_unit_test(test_smtp_auth_in_main_cf),
		cmocka_unit_test(test_limited_or_policy_no_finding),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
