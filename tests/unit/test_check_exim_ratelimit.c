/*
 * test_check_exim_ratelimit.c - no ratelimit on $authenticated_id
 * (exim.sasl.no-rate-limit) on the model of a real Exim 4.96 config (the
 * lab's auth-plain-clear: its exim -bP config output and source), with
 * the main log's "<=" lines sizing the limit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../backends/exim/exim_conf.h"
#include "../../backends/exim/exim_log.h"
#include "../../checks/checks.h"
#include "../../core/mg_file.h"
#include "../../core/mg_maillog.h"
#include "../../core/mg_str.h"
#include "mg_test.h"

#define DATA "tests/unit/data/exim_conf/"
#define CONF DATA "auth-plain-clear.conf"
#define FIND "exim.sasl.no-rate-limit"
#define FIX "exim.sasl.rate-limit"

/* build - the model from -bP output and the source; extra text (a
 * statement) replaces "  accept  hosts = :" in both when given */
static void
build(struct mg_model *m, const char *extra)
{
	struct mg_str bp = MG_STR_INIT, conf = MG_STR_INIT;
	struct mg_err err;

	assert_int_equal(mg_file_read(DATA "auth-plain-clear.bP", 1 << 20,
	    &bp, NULL, &err), 0);
	mg_model_init(m);
	m->mta = MG_MTA_EXIM;
	mg_model_param_add(m, "acl_smtp_rcpt")->value =
	    mg_xstrdup("acl_check_rcpt");
	if (extra != NULL) {
		struct mg_str t = MG_STR_INIT;
		const char *at = strstr(mg_str_cstr(&bp), "accept hosts = :");

		assert_non_null(at);
		mg_str_append(&t, bp.data, (size_t)(at - bp.data));
		mg_str_puts(&t, extra);
		mg_str_puts(&t, at + strlen("accept hosts = :"));
		mg_str_free(&bp);
		bp = t;
	}
	mg_exim_conf_parse(m, mg_str_cstr(&bp));
	m->config_file = mg_xstrdup(CONF);
	assert_int_equal(mg_model_read_file(m, m->config_file, &err), 0);
	mg_exim_conf_locate(m, mg_model_file(m, m->config_file), NULL);
	mg_str_free(&bp);
	mg_str_free(&conf);
}

/* run - the check alone */
static void
run(const struct mg_model *m, struct mg_report *r)
{
	mg_report_init(r);
	mg_check_exim_ratelimit(m, r);
}

/* has - the finding's evidence holds text */
static int
has(const struct mg_finding *f, const char *text)
{
	size_t i;

	for (i = 0; i < f->nevidence; i++)
		if (strstr(f->evidence[i].text, text) != NULL)
			return (1);
	return (0);
}

/* test_auth_without_limit - AUTH offered, no ratelimit: medium; the defer
 * goes before "accept authenticated = *" (line 27), at the floor of 100
 * without a log */
static void
test_auth_without_limit(void **state)
{
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	build(&m, NULL);
	run(&m, &r);
	assert_int_equal(r.nfindings, 1);
	f = &r.findings[0];
	assert_string_equal(f->id, FIND);
	assert_string_equal(f->area, "sasl");
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	assert_true(has(f, "authenticator plain_server offers AUTH"));
	assert_true(has(f, "no main log was read: the fix sets the floor, "
	    "100 recipients"));
	x = mg_report_find_fix(&r, FIX);
	assert_non_null(x);
	assert_int_equal(x->nedits, 1);
	assert_string_equal(x->edits[0].file, CONF);
	assert_int_equal(x->edits[0].line, 27);
	assert_string_equal(x->edits[0].old_text,
	    "  accept  authenticated = *");
	assert_string_equal(x->edits[0].new_text, "  defer   message = rate "
	    "limit: $authenticated_id sends to more than 100 recipients an "
	    "hour\n          authenticated = *\n          ratelimit = 100 / "
	    "1h / per_rcpt / $authenticated_id\n  accept  authenticated = *");
	assert_int_equal(x->npost, 0);	/* a plain file: Exim reads it */
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_sized_from_log - bob's 6 recipients in the hour: twice is below
 * the floor; a login with 600 in an hour: 1200 */
static void
test_sized_from_log(void **state)
{
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;
	char line[256];
	unsigned i;

	(void)state;
	build(&m, NULL);
	m.log = mg_xcalloc(1, sizeof(*m.log));
	mg_maillog_init(m.log);
	m.log->path = mg_xstrdup("/var/log/exim4/mainlog");
	for (i = 0; i < 60; i++) {
		(void)snprintf(line, sizeof(line), "2026-11-23 11:%02u:00 "
		    "1tE5aC-0001%02u-4x <= eve@example.com H=(x) "
		    "[203.0.113.9]:5511 P=esmtpsa A=plain_server:eve S=800 "
		    "for a@r.test b@r.test c@r.test d@r.test e@r.test "
		    "f@r.test g@r.test h@r.test i@r.test j@r.test", i, i);
		mg_maillog_line(m.log, mg_exim_log_line, NULL, line,
		    strlen(line));
	}
	mg_maillog_finish(m.log);
	run(&m, &r);
	assert_true(has(&r.findings[0], "busiest login per hour: eve sent "
	    "to 600 recipients in the hour of 2026-11-23 11:59:00"));
	x = mg_report_find_fix(&r, FIX);
	assert_non_null(x);
	assert_non_null(strstr(x->edits[0].new_text, "ratelimit = 1200 / 1h "
	    "/ per_rcpt / $authenticated_id"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_limited_no_finding - a ratelimit keyed on the login anywhere in
 * the RCPT ACL, with deny or with the fix's own defer: nothing to say;
 * one keyed on the address is no limit per login */
static void
test_limited_no_finding(void **state)
{
	struct mg_model m;
	struct mg_report r;

	(void)state;
	build(&m, "deny authenticated = *\n"
	    "         ratelimit = 50 / 1h / per_rcpt / $authenticated_id\n"
	    "  accept hosts = :");
	run(&m, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	mg_model_free(&m);

	build(&m, "defer message = rate limit\n"
	    "         authenticated = *\n"
	    "         ratelimit = 50 / 1h / per_rcpt / $authenticated_id\n"
	    "  accept hosts = :");
	run(&m, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	mg_model_free(&m);

	build(&m, "deny ratelimit = 50 / 1h / per_rcpt / "
	    "$sender_host_address\n  accept hosts = :");
	run(&m, &r);
	assert_int_equal(r.nfindings, 1);
	mg_report_free(&r);
	mg_model_free(&m);
}

/*
 * test_limit_that_never_counts - shapes written by others: a ratelimit
 * on the login under warn (the spec's way to measure a rate) or after
 * an accept every login passes (Debian's CHECK_RCPT_LOCAL_ACL_FILE comes
 * after acl_check_rcpt's accept of logins) limits nobody: the finding
 * stands and names that statement.  Options in another order, or an
 * accept that lets only some logins through before the limit, do limit.
 */
static void
test_limit_that_never_counts(void **state)
{
	static const struct {
		const char *name, *extra, *says;
		int want;
	} cases[] = {
		{ "warn only measures", "warn ratelimit = 0 / 1h / per_rcpt / "
		    "$authenticated_id\n         log_message = rate "
		    "$sender_rate\n  accept hosts = :",
		    "is under warn: it only logs the rate", 1 },
		{ "after the accept of logins", "accept authenticated = *\n"
		    "    control = submission/sender_retain\n"
		    "  deny ratelimit = 100 / 1h / per_rcpt / "
		    "$authenticated_id\n  accept hosts = :", "comes after an "
		    "accept every login passes", 1 },
		{ "options in another order", "deny ratelimit = 100 / 1h / "
		    "strict / per_rcpt / leaky / ${authenticated_id}\n"
		    "  accept hosts = :", NULL, 0 },
		{ "after an accept of some logins", "accept authenticated = *\n"
		    "    hosts = 192.0.2.0/24\n  defer ratelimit = 100 / 1h / "
		    "per_rcpt / $authenticated_id\n  accept hosts = :", NULL,
		    0 },
	};
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		build(&m, cases[i].extra);
		run(&m, &r);
		f = r.nfindings > 0 ? &r.findings[0] : NULL;
		if ((f != NULL) != cases[i].want)
			fail_msg("%s: finding %s", cases[i].name,
			    cases[i].want ? "missing" : "unexpected");
		if (cases[i].says != NULL && !has(f, cases[i].says))
			fail_msg("%s: evidence without \"%s\"", cases[i].name,
			    cases[i].says);
		mg_report_free(&r);
		mg_model_free(&m);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auth_without_limit),
		cmocka_unit_test(test_sized_from_log),
		cmocka_unit_test(test_limited_no_finding),
		cmocka_unit_test(test_limit_that_never_counts),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
