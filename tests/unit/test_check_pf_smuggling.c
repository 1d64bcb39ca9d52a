/* test_check_pf_smuggling.c - SMTP smuggling (CVE-2023-51764) on Postfix
 * model data: the postconf -x lines captured from Debian 12's 3.7.11
 * (smtpd_forbid_bare_newline = no by default), per-service -o overrides,
 * and a Postfix without the parameter. */
#include <string.h>

#include "mg_test.h"
#include "pf_fixture.h"

#define ID "postfix.smtpd.smuggling"

/* postconf -x of a stock Debian 12 lab instance (3.7.11), the lines the
 * check reads */
static const char *x_3711 =
    "smtpd_forbid_bare_newline = no\n"
    "smtpd_forbid_bare_newline_exclusions = 127.0.0.0/8 "
    "[::ffff:127.0.0.0]/104 [::1]/128\n"
    "smtpd_data_restrictions =\n"
    "mynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128\n"
    "inet_interfaces = all\n";

static const char *master_m =
    "smtp inet n - y - - smtpd\n"
    "submission inet n - y - - smtpd -o syslog_name=postfix/submission "
    "-o smtpd_forbid_bare_newline=no\n"
    "pickup unix n - y 60 1 pickup\n";
static const char *master_p =
    "submission/inet/syslog_name = postfix/submission\n"
    "submission/inet/smtpd_forbid_bare_newline = no\n";
static const char *master_cf =
    "smtp      inet  n       -       y       -       -       smtpd\n"
    "submission inet n       -       y       -       -       smtpd\n"
    "  -o syslog_name=postfix/submission\n"
    "  -o smtpd_forbid_bare_newline=no\n"
    "pickup    unix  n       -       y       60      1       pickup\n";

/* build - main.cf text (as -n) over the captured -x, and master.cf with
 * or without the submission entry */
static void
build(struct mg_model *m, const char *main_cf, const char *x, int sub)
{
	pf_build(m, main_cf, x, main_cf);
	if (sub)
		pf_master(m, master_m, master_p, master_cf);
	else
		pf_master(m, "smtp inet n - y - - smtpd\n", "",
		    "smtp      inet  n       -       y       -       -  "
		    "     smtpd\n");
}

/* count - evidence lines containing text */
static size_t
count(const struct mg_finding *f, const char *text)
{
	size_t i, n = 0;

	for (i = 0; f != NULL && i < f->nevidence; i++)
		n += strstr(f->evidence[i].text, text) != NULL;
	return (n);
}

/* test_default_off_fixed_in_main_cf - 3.7.11's default: medium, one
 * evidence line for smtp, fix: a new main.cf setting, reload */
static void
test_default_off_fixed_in_main_cf(void **state)
{
	struct mg_model m;
	struct mg_report r;
	const struct mg_finding *f;
	const struct mg_fix *x;

	(void)state;
	build(&m, "myhostname = mail.example.com\n", x_3711, 0);
	pf_run(mg_check_pf_smuggling, &m, &r);
	assert_int_equal(r.nfindings, 1);
	f = pf_finding(&r, ID);
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	assert_string_equal(f->area, "smtpd");
	assert_int_equal(count(f, "service smtp (inet, smtpd) has "
	    "smtpd_forbid_bare_newline = no (default at"), 1);
	assert_int_equal(count(f, "stay excluded"), 1);
	assert_int_equal(count(f, "no probe"), 1);
	assert_int_equal(f->nfix_ids, 1);
	x = mg_report_find_fix(&r, "postfix.smtpd.forbid-bare-newline");
	assert_non_null(x);
	assert_int_equal(x->nedits, 1);
	assert_int_equal(x->edits[0].kind, MG_EDIT_SET_PARAM);
	assert_string_equal(x->edits[0].file, PF_MAIN_CF);
	assert_string_equal(x->edits[0].param, "smtpd_forbid_bare_newline");
	assert_string_equal(x->edits[0].new_text, "yes");
	assert_int_equal(x->npost, 1);
	assert_string_equal(x->post[0].argv[3], "reload");
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_explicit_no_edited - "smtpd_forbid_bare_newline = no" written in
 * main.cf: its line is the evidence and the fix edits it */
static void
test_explicit_no_edited(void **state)
{
	struct mg_model m;
	struct mg_report r;
	const struct mg_finding *f;
	const struct mg_fix *x;

	(void)state;
	build(&m, "myhostname = mail.example.com\n"
	    "smtpd_forbid_bare_newline = no\n", x_3711, 0);
	pf_run(mg_check_pf_smuggling, &m, &r);
	f = pf_finding(&r, ID);
	assert_non_null(f);
	assert_non_null(pf_evidence(f, "(main.cf:2)"));
	assert_int_equal(pf_evidence(f, "(main.cf:2)")->line, 2);
	x = mg_report_find_fix(&r, "postfix.smtpd.forbid-bare-newline");
	assert_non_null(x);
	assert_int_equal(x->nedits, 1);
	assert_int_equal(x->edits[0].line, 2);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_service_override_edited - main.cf says yes, submission's own -o
 * says no: only submission is open, the fix edits its -o line */
static void
test_service_override_edited(void **state)
{
	struct mg_model m;
	struct mg_report r;
	const struct mg_finding *f;
	const struct mg_fix *x;

	(void)state;
	build(&m, "smtpd_forbid_bare_newline = yes\n",
	    "smtpd_forbid_bare_newline = yes\ninet_interfaces = all\n", 1);
	pf_run(mg_check_pf_smuggling, &m, &r);
	f = pf_finding(&r, ID);
	assert_non_null(f);
	assert_int_equal(count(f, "service submission"), 1);
	assert_int_equal(count(f, "service smtp "), 0);
	assert_non_null(pf_evidence(f, "(master.cf:4)"));
	x = mg_report_find_fix(&r, "postfix.smtpd.forbid-bare-newline");
	assert_non_null(x);
	assert_int_equal(x->nedits, 1);
	assert_int_equal(x->edits[0].kind, MG_EDIT_REPLACE);
	assert_string_equal(x->edits[0].file, PF_MASTER_CF);
	assert_int_equal(x->edits[0].line, 4);
	assert_non_null(strstr(x->edits[0].new_text,
	    "smtpd_forbid_bare_newline=yes"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_on_values_quiet - yes, normalize, reject (any case): nothing */
static void
test_on_values_quiet(void **state)
{
	static const char *const on[] = {
	    "smtpd_forbid_bare_newline = yes\n",
	    "smtpd_forbid_bare_newline = normalize\n",
	    "smtpd_forbid_bare_newline = Reject\n" };
	struct mg_model m;
	struct mg_report r;
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(on); i++) {
		build(&m, on[i], on[i], 0);
		pf_run(mg_check_pf_smuggling, &m, &r);
		assert_int_equal(r.nfindings, 0);
		assert_int_equal(r.nfixes, 0);
		mg_report_free(&r);
		mg_model_free(&m);
	}
}

/* test_loopback_only_info - a listener on loopback only: info (its
 * clients are in the default exclusions anyway) */
static void
test_loopback_only_info(void **state)
{
	struct mg_model m;
	struct mg_report r;
	const struct mg_finding *f;

	(void)state;
	build(&m, "inet_interfaces = loopback-only\n",
	    "smtpd_forbid_bare_newline = no\n"
	    "inet_interfaces = loopback-only\n", 0);
	pf_run(mg_check_pf_smuggling, &m, &r);
	f = pf_finding(&r, ID);
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_INFO);
	assert_int_equal(count(f, "loopback"), 1);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_older_postfix_interim - postconf does not know the parameter
 * (3.7.6): upgrade to 3.7.9 said; empty smtpd_data_restrictions gets
 * reject_unauth_pipelining as the interim fix */
static void
test_older_postfix_interim(void **state)
{
	struct mg_model m;
	struct mg_report r;
	const struct mg_finding *f;
	const struct mg_fix *x;

	(void)state;
	build(&m, "myhostname = mail.example.com\n",
	    "smtpd_data_restrictions =\ninet_interfaces = all\n", 0);
	m.version = mg_xstrdup("3.7.6");
	pf_run(mg_check_pf_smuggling, &m, &r);
	f = pf_finding(&r, ID);
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	assert_int_equal(count(f, "Postfix 3.7.6 predates it; upgrade the "
	    "package to 3.7.9 (CVE-2023-51764)"), 1);
	x = mg_report_find_fix(&r, "postfix.smtpd.data-unauth-pipelining");
	assert_non_null(x);
	assert_string_equal(x->edits[0].param, "smtpd_data_restrictions");
	assert_string_equal(x->edits[0].new_text,
	    "reject_unauth_pipelining");
	mg_report_free(&r);
	mg_model_free(&m);

	build(&m, "smtpd_data_restrictions = reject_unauth_pipelining\n",
	    "smtpd_data_restrictions = reject_unauth_pipelining\n", 0);
	m.version = mg_xstrdup("3.6.2");
	pf_run(mg_check_pf_smuggling, &m, &r);
	f = pf_finding(&r, ID);
	assert_non_null(f);
	assert_int_equal(count(f, "already holds the interim"), 1);
	assert_int_equal(r.nfixes, 0);
	mg_report_free(&r);
	mg_model_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_default_off_fixed_in_main_cf),
		cmocka_unit_test(test_explicit_no_edited),
		cmocka_unit_test(test_service_override_edited),
		cmocka_unit_test(test_on_values_quiet),
		cmocka_unit_test(test_loopback_only_info),
		cmocka_unit_test(test_older_postfix_interim),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
