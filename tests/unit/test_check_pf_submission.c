/*
 * test_check_pf_submission.c - the submission port: AUTH required, TLS
 * required; on postconf output captured from Debian's master.cf with its
 * submission entry partly uncommented (tests/unit/data/pf_postconf/sub-*).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/mg_file.h"
#include "mg_test.h"
#include "pf_fixture.h"

#define DATA "tests/unit/data/pf_postconf/"
#define NO_AUTH "postfix.submission.no-auth"
#define NO_TLS "postfix.submission.no-tls"
#define FIX_AUTH "postfix.submission.require-auth"
#define FIX_TLS "postfix.submission.encrypt"

/* slurp - a captured file; the caller frees */
static char *
slurp(const char *name, const char *ext)
{
	char path[256];
	struct mg_str s = MG_STR_INIT;
	struct mg_err err;

	(void)snprintf(path, sizeof(path), "%ssub-%s.%s", DATA, name, ext);
	if (mg_file_read(path, 1 << 20, &s, NULL, &err) < 0)
		fail_msg("%s", err.msg);
	return (mg_str_steal(&s));
}

/* load - captured case name; extra main.cf settings (-n and -x lines)
 * if not NULL; master.cf text replaced by master if not NULL (its -M
 * and -P stay the capture's) */
static void
load(struct mg_model *m, const char *name, const char *extra,
    const char *master)
{
	char *n = slurp(name, "n"), *x = slurp(name, "x");
	char *cf = slurp(name, "main.cf"), *mm = slurp(name, "M");
	char *pp = slurp(name, "P"), *mcf = slurp(name, "master.cf");

	pf_build(m, n, x, cf);
	if (extra != NULL) {
		mg_pf_postconf_parse(m, extra, 1);
		mg_pf_postconf_parse(m, extra, 0);
	}
	pf_master(m, mm, pp, master != NULL ? master : mcf);
	free(n);
	free(x);
	free(cf);
	free(mm);
	free(pp);
	free(mcf);
}

/* run - the check alone on a captured case */
static void
run(struct mg_model *m, struct mg_report *r, const char *name,
    const char *extra)
{
	load(m, name, extra, NULL);
	pf_run(mg_check_pf_submission, m, r);
}

/* test_full_template_clean - Debian's whole submission template: TLS
 * required, unauthenticated clients refused by the recipient list */
static void
test_full_template_clean(void **state)
{
	struct mg_model m;
	struct mg_report r;

	(void)state;
	run(&m, &r, "full", NULL);
	assert_int_equal(r.nfindings, 0);
	assert_int_equal(r.nfixes, 0);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_open_submission - restrictions left commented while
 * smtpd_reject_unlisted_recipient=no is on: unauthenticated clients get
 * more than on port 25 (medium); the fix adds the client list under the
 * entry's line; TLS optional, but no encrypt fix while anyone may send
 * unauthenticated */
static void
test_open_submission(void **state)
{
	const struct mg_finding *f;
	const struct mg_evidence *e;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	run(&m, &r, "open", NULL);
	f = pf_finding(&r, NO_AUTH);
	assert_non_null(f);
	assert_string_equal(f->area, "sasl");
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	e = pf_evidence(f, "service submission (inet, smtpd) is a submission "
	    "service and none of its restriction lists refuses");
	assert_non_null(e);
	assert_string_equal(e->file, PF_MASTER_CF);
	assert_int_equal(e->line, 19);
	e = pf_evidence(f, "-o smtpd_reject_unlisted_recipient=no");
	assert_non_null(e);
	assert_int_equal(e->line, 24);
	assert_null(pf_evidence(f, "ORIGINATING"));
	assert_int_equal(f->nfix_ids, 1);
	assert_string_equal(f->fix_ids[0], FIX_AUTH);
	x = mg_report_find_fix(&r, FIX_AUTH);
	assert_non_null(x);
	assert_int_equal(x->nedits, 1);
	assert_int_equal(x->edits[0].line, 19);
	assert_string_equal(x->edits[0].new_text, "submission inet n       -"
	    "       y       -       -       smtpd\n  -o smtpd_client_"
	    "restrictions=permit_mynetworks,permit_sasl_authenticated,"
	    "reject");
	assert_int_equal(x->npost, 1);
	assert_string_equal(x->post[0].argv[3], "reload");

	f = pf_finding(&r, NO_TLS);
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_LOW);
	assert_non_null(pf_evidence(f, "encrypt would refuse them; no "
	    "automatic fix"));
	assert_int_equal(f->nfix_ids, 0);
	assert_null(mg_report_find_fix(&r, FIX_TLS));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_plain_submission - AUTH required, TLS optional: low, and the
 * fix uncomments Debian's own encrypt line (line 21) */
static void
test_plain_submission(void **state)
{
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	run(&m, &r, "plain", NULL);
	assert_null(pf_finding(&r, NO_AUTH));
	f = pf_finding(&r, NO_TLS);
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_LOW);
	assert_non_null(pf_evidence(f, "smtpd_tls_security_level = may"));
	assert_int_equal(pf_evidence(f, "line of service submission is "
	    "commented out")->line, 21);
	x = mg_report_find_fix(&r, FIX_TLS);
	assert_non_null(x);
	assert_int_equal(x->nedits, 1);
	assert_int_equal(x->edits[0].line, 21);
	assert_string_equal(x->edits[0].old_text,
	    "#  -o smtpd_tls_security_level=encrypt");
	assert_string_equal(x->edits[0].new_text,
	    "  -o smtpd_tls_security_level=encrypt");
	assert_string_equal(f->fix_ids[0], FIX_TLS);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* load_more - as load, with more postconf -P lines (extra_p) and
 * master.cf text from the capture, or master if not NULL */
static void
load_more(struct mg_model *m, const char *name, const char *extra_p,
    const char *master)
{
	char *n = slurp(name, "n"), *x = slurp(name, "x");
	char *cf = slurp(name, "main.cf"), *mm = slurp(name, "M");
	char *pp = slurp(name, "P"), *mcf = slurp(name, "master.cf");
	struct mg_str p = MG_STR_INIT;

	mg_str_printf(&p, "%s%s", pp, extra_p);
	pf_build(m, n, x, cf);
	pf_master(m, mm, mg_str_cstr(&p), master != NULL ? master : mcf);
	mg_str_free(&p);
	free(n);
	free(x);
	free(cf);
	free(mm);
	free(pp);
	free(mcf);
}

/* test_override_not_located - postconf -P lists submission's own
 * smtpd_client_restrictions (empty) or smtpd_tls_security_level (may)
 * but master.cf's text does not place it: a new -o under the entry line
 * or Debian's uncommented encrypt line would come before the one that
 * counts, so no fix; the evidence says to set it by hand */
static void
test_override_not_located(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	load_more(&m, "open", "submission/inet/smtpd_client_restrictions =\n",
	    NULL);
	pf_run(mg_check_pf_submission, &m, &r);
	f = pf_finding(&r, NO_AUTH);
	assert_non_null(f);
	assert_non_null(pf_evidence(f, "service submission: set -o "
	    "smtpd_client_restrictions=permit_mynetworks,"
	    "permit_sasl_authenticated,reject in its master.cf entry by "
	    "hand"));
	assert_int_equal(f->nfix_ids, 0);
	assert_null(mg_report_find_fix(&r, FIX_AUTH));
	mg_report_free(&r);
	mg_model_free(&m);

	load_more(&m, "plain",
	    "submission/inet/smtpd_tls_security_level = may\n", NULL);
	pf_run(mg_check_pf_submission, &m, &r);
	f = pf_finding(&r, NO_TLS);
	assert_non_null(f);
	assert_non_null(pf_evidence(f, "service submission: set -o "
	    "smtpd_tls_security_level=encrypt in its master.cf entry by "
	    "hand"));
	assert_int_equal(f->nfix_ids, 0);
	assert_null(mg_report_find_fix(&r, FIX_TLS));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_add_override_refused_over_own - a new -o line goes right under
 * the entry line, before the service's own -o of that name, which smtpd
 * would still use: refused, no edit */
static void
test_add_override_refused_over_own(void **state)
{
	const struct mg_service *s;
	struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	load_more(&m, "plain", "", NULL);
	s = mg_model_service(&m, "submission", "inet");
	assert_non_null(s);
	mg_report_init(&r);
	x = mg_report_fix(&r, "test.fix", "test");
	assert_int_equal(mg_check_pf_add_override(&m, x, s,
	    "smtpd_tls_auth_only", "no"), 0);
	assert_int_equal(x->nedits, 0);
	assert_int_equal(mg_check_pf_add_override(&m, x, s,
	    "smtpd_tls_security_level", "encrypt"), 1);
	assert_int_equal(x->nedits, 1);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_own_level_edited_not_commented_line - submission has its own
 * "-o smtpd_tls_security_level=may" below Debian's commented encrypt
 * line: uncommenting that line would change nothing (the later -o
 * counts), so the fix edits the service's own line */
static void
test_own_level_edited_not_commented_line(void **state)
{
	static const char *after = "  -o smtpd_tls_auth_only=yes\n";
	char *mcf = slurp("plain", "master.cf");
	const char *at = strstr(mcf, after);
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_str text = MG_STR_INIT;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	assert_non_null(at);
	at += strlen(after);
	mg_str_append(&text, mcf, (size_t)(at - mcf));
	mg_str_puts(&text, "  -o smtpd_tls_security_level=may\n");
	mg_str_puts(&text, at);
	load_more(&m, "plain",
	    "submission/inet/smtpd_tls_security_level = may\n",
	    mg_str_cstr(&text));
	pf_run(mg_check_pf_submission, &m, &r);
	f = pf_finding(&r, NO_TLS);
	assert_non_null(f);
	assert_null(pf_evidence(f, "commented out"));
	x = mg_report_find_fix(&r, FIX_TLS);
	assert_non_null(x);
	assert_int_equal(x->nedits, 1);
	assert_int_equal(x->edits[0].line, 24);
	assert_string_equal(x->edits[0].old_text,
	    "  -o smtpd_tls_security_level=may");
	assert_string_equal(x->edits[0].new_text,
	    "  -o smtpd_tls_security_level=encrypt");
	mg_report_free(&r);
	mg_model_free(&m);
	mg_str_free(&text);
	free(mcf);
}

/* test_plain_no_cert - no certificate: encrypt would break the port, so
 * the finding stays without a fix */
static void
test_plain_no_cert(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	run(&m, &r, "plain", "smtpd_tls_cert_file =\n");
	f = pf_finding(&r, NO_TLS);
	assert_non_null(f);
	assert_non_null(pf_evidence(f, "has no certificate"));
	assert_null(mg_report_find_fix(&r, FIX_TLS));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_auth_before_tls_left_to_auth_check - AUTH before STARTTLS
 * (the -o smtpd_tls_auth_only=yes line gone) is postfix.auth.no-tls's
 * hole: this check says nothing more there */
static void
test_auth_before_tls_left_to_auth_check(void **state)
{
	char *n = slurp("plain", "n"), *x = slurp("plain", "x");
	char *cf = slurp("plain", "main.cf"), *mm = slurp("plain", "M");
	char *pp = slurp("plain", "P"), *mcf = slurp("plain", "master.cf");
	char *at = strstr(pp, "submission/inet/smtpd_tls_auth_only = yes\n");
	struct mg_model m;
	struct mg_report r;

	(void)state;
	assert_non_null(at);
	memmove(at, at + strlen("submission/inet/smtpd_tls_auth_only = "
	    "yes\n"), strlen(at + strlen("submission/inet/smtpd_tls_auth_"
	    "only = yes\n")) + 1);
	pf_build(&m, n, x, cf);
	pf_master(&m, mm, pp, mcf);
	pf_run(mg_check_pf_submission, &m, &r);
	assert_null(pf_finding(&r, NO_TLS));
	mg_report_free(&r);
	mg_model_free(&m);
	pf_build(&m, n, x, cf);
	pf_master(&m, mm, pp, mcf);
	pf_run(mg_check_pf_auth, &m, &r);
	assert_non_null(pf_evidence(pf_finding(&r, "postfix.auth.no-tls"),
	    "service submission (inet) offers AUTH before STARTTLS"));
	mg_report_free(&r);
	mg_model_free(&m);
	free(n);
	free(x);
	free(cf);
	free(mm);
	free(pp);
	free(mcf);
}

/* test_same_as_port25_no_finding - no gate, but nothing beyond what
 * port 25 takes (the entry with only syslog_name and AUTH): no
 * finding - the mail it takes, port 25 takes too */
static void
test_same_as_port25_no_finding(void **state)
{
	static const char *mm = "smtp inet n - y - - smtpd\n"
	    "submission inet n - y - - smtpd -o syslog_name=postfix/"
	    "submission -o smtpd_tls_security_level=encrypt "
	    "-o smtpd_sasl_auth_enable=yes\n";
	static const char *pp = "submission/inet/syslog_name = "
	    "postfix/submission\n"
	    "submission/inet/smtpd_tls_security_level = encrypt\n"
	    "submission/inet/smtpd_sasl_auth_enable = yes\n";
	static const char *mcf = "smtp      inet  n       -       y       -"
	    "       -       smtpd\n"
	    "submission inet n       -       y       -       -       smtpd\n"
	    "  -o syslog_name=postfix/submission\n"
	    "  -o smtpd_tls_security_level=encrypt\n"
	    "  -o smtpd_sasl_auth_enable=yes\n";
	struct mg_model m;
	struct mg_report r;

	(void)state;
	pf_build(&m, "myhostname = mail.example.com\n", NULL,
	    "myhostname = mail.example.com\n");
	pf_master(&m, mm, pp, mcf);
	pf_run(mg_check_pf_submission, &m, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	mg_model_free(&m);

	/* the same behind postscreen: port 25's tests are skipped here */
	pf_build(&m, "myhostname = mail.example.com\n", NULL,
	    "myhostname = mail.example.com\n");
	pf_master(&m, "smtp inet n - y - 1 postscreen\n"
	    "smtpd pass - - y - - smtpd\n"
	    "submission inet n - y - - smtpd -o syslog_name=postfix/"
	    "submission -o smtpd_tls_security_level=encrypt "
	    "-o smtpd_sasl_auth_enable=yes\n", pp, mcf);
	pf_run(mg_check_pf_submission, &m, &r);
	assert_non_null(pf_evidence(pf_finding(&r, NO_AUTH), "answered by "
	    "postscreen"));
	assert_int_equal(pf_finding(&r, NO_AUTH)->severity, MG_SEV_LOW);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_template_without_gate - Debian's whole template but its
 * recipient line (the gate) commented: the lists it empties, the
 * backscatter and the DKIM milter macro are cited, and the fix fills
 * the entry's own empty -o smtpd_client_restrictions= line (29) */
static void
test_template_without_gate(void **state)
{
	static const char *gate = "submission/inet/smtpd_recipient_"
	    "restrictions = permit_sasl_authenticated,reject\n";
	char *n = slurp("full", "n"), *x = slurp("full", "x");
	char *cf = slurp("full", "main.cf"), *mm = slurp("full", "M");
	char *pp = slurp("full", "P"), *mcf = slurp("full", "master.cf");
	char *at = strstr(pp, gate), *line;
	const struct mg_finding *f;
	const struct mg_fix *fx;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	assert_non_null(at);
	memmove(at, at + strlen(gate), strlen(at + strlen(gate)) + 1);
	line = strstr(mcf, "  -o smtpd_recipient_restrictions=permit_sasl");
	assert_non_null(line);
	line[0] = '#';
	pf_build(&m, n, x, cf);
	pf_master(&m, mm, pp, mcf);
	pf_run(mg_check_pf_submission, &m, &r);
	f = pf_finding(&r, NO_AUTH);
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	assert_int_equal(pf_evidence(f, "empties smtpd_relay_restrictions")->
	    line, 32);
	assert_non_null(pf_evidence(f, "ORIGINATING"));
	assert_non_null(pf_evidence(f, "backscatter"));
	fx = mg_report_find_fix(&r, FIX_AUTH);
	assert_non_null(fx);
	assert_int_equal(fx->nedits, 1);
	assert_int_equal(fx->edits[0].line, 29);
	assert_string_equal(fx->edits[0].new_text, "  -o smtpd_client_"
	    "restrictions=permit_mynetworks,permit_sasl_authenticated,"
	    "reject");
	mg_report_free(&r);
	mg_model_free(&m);
	free(n);
	free(x);
	free(cf);
	free(mm);
	free(pp);
	free(mcf);
}

/* test_gates - which restriction lists refuse unauthenticated clients */
static void
test_gates(void **state)
{
	static const struct {
		const char *list;
		int finding;
	} cases[] = {
		{ "permit_sasl_authenticated,reject", 0 },
		{ "permit_mynetworks, permit_sasl_authenticated, reject", 0 },
		{ "reject_non_fqdn_sender permit_sasl_authenticated "
		    "reject", 0 },
		{ "permit_sasl_authenticated", 1 },
		{ "permit_sasl_authenticated,reject_unauth_destination", 1 },
		{ "check_client_access hash:/etc/postfix/ok, "
		    "permit_sasl_authenticated, reject", 1 },
		{ "permit_sasl_authenticated,permit,reject", 1 },
	};
	struct mg_str extra = MG_STR_INIT;
	struct mg_model m;
	struct mg_report r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mg_str_reset(&extra);
		mg_str_printf(&extra, "smtpd_sender_restrictions = %s\n",
		    cases[i].list);
		run(&m, &r, "open", mg_str_cstr(&extra));
		if (cases[i].finding)
			assert_non_null(pf_finding(&r, NO_AUTH));
		else
			assert_null(pf_finding(&r, NO_AUTH));
		mg_report_free(&r);
		mg_model_free(&m);
	}
	mg_str_free(&extra);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_template_clean),
		cmocka_unit_test(test_open_submission),
		cmocka_unit_test(test_plain_submission),
		cmocka_unit_test(test_plain_no_cert),
		cmocka_unit_test(test_override_not_located),
		cmocka_unit_test(test_own_level_edited_not_commented_line),
		cmocka_unit_test(test_add_override_refused_over_own),
		cmocka_unit_test(test_auth_before_tls_left_to_auth_check),
		cmocka_unit_test(test_same_as_port25_no_finding),
		cmocka_unit_test(test_template_without_gate),
		cmocka_unit_test(test_gates),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
