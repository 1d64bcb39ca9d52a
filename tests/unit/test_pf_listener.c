/*
 * test_pf_listener.c - the context of each smtpd listener: who can reach
 * it (loopback, private, public), a content filter's return port that is
 * not a submission port, and an smtps entry whose wrapper-mode line is
 * commented out; on postconf output captured from a Debian master.cf
 * with amavisd-new's return service.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/mg_file.h"
#include "mg_test.h"
#include "pf_fixture.h"

#define DATA "tests/unit/data/pf_postconf/"
#define COMMENTED "#  -o smtpd_tls_wrappermode=yes"

/* slurp - a captured file; the caller frees */
static char *
slurp(const char *name)
{
	char path[256];
	struct mg_str s = MG_STR_INIT;
	struct mg_err err;

	(void)snprintf(path, sizeof(path), "%s%s", DATA, name);
	if (mg_file_read(path, 1 << 20, &s, NULL, &err) < 0)
		fail_msg("%s", err.msg);
	return (mg_str_steal(&s));
}

/* load_amavis - the captured amavis configuration; extra main.cf
 * settings (as -n and -x lines) if not NULL; the master.cf text with
 * line 39 replaced by line39 if not NULL */
static void
load_amavis(struct mg_model *m, const char *extra, const char *line39)
{
	char *n = slurp("amavis.n"), *x = slurp("amavis.x");
	char *cf = slurp("amavis.main.cf"), *mm = slurp("amavis.M");
	char *pp = slurp("amavis.P"), *mcf = slurp("amavis.master.cf");
	char *at = strstr(mcf, COMMENTED);
	struct mg_str text = MG_STR_INIT;

	pf_build(m, n, x, cf);
	if (extra != NULL) {
		mg_pf_postconf_parse(m, extra, 1);
		mg_pf_postconf_parse(m, extra, 0);
	}
	assert_non_null(at);
	if (line39 != NULL) {
		mg_str_append(&text, mcf, (size_t)(at - mcf));
		mg_str_puts(&text, line39);
		mg_str_puts(&text, at + strlen(COMMENTED));
		pf_master(m, mm, pp, mg_str_cstr(&text));
		mg_str_free(&text);
	} else
		pf_master(m, mm, pp, mcf);
	free(n);
	free(x);
	free(cf);
	free(mm);
	free(pp);
	free(mcf);
}

/* test_reach_of_each_listener - the address in the service name, else
 * inet_interfaces */
static void
test_reach_of_each_listener(void **state)
{
	static const struct {
		const char *name, *interfaces;
		enum mg_pf_reach want;
	} cases[] = {
		{ "smtp", "all", MG_PF_REACH_PUBLIC },
		{ "smtp", "loopback-only", MG_PF_REACH_LOOPBACK },
		{ "smtp", "127.0.0.1, [::1]", MG_PF_REACH_LOOPBACK },
		{ "smtp", "127.0.0.1, 10.1.2.3", MG_PF_REACH_PRIVATE },
		{ "smtp", "127.0.0.1, 8.8.8.8", MG_PF_REACH_PUBLIC },
		{ "smtp", "mail.example.com", MG_PF_REACH_PUBLIC },
		{ "127.0.0.1:10025", "all", MG_PF_REACH_LOOPBACK },
		{ "localhost:10025", "all", MG_PF_REACH_LOOPBACK },
		{ "[::1]:10025", "all", MG_PF_REACH_LOOPBACK },
		{ "172.17.0.2:25", "all", MG_PF_REACH_PRIVATE },
		{ "[fd00::25]:25", "all", MG_PF_REACH_PRIVATE },
		{ "0.0.0.0:25", "loopback-only", MG_PF_REACH_PUBLIC },
		{ ":25", "loopback-only", MG_PF_REACH_LOOPBACK },
		{ ":25", "all", MG_PF_REACH_PUBLIC },
		{ "8.8.8.8:465", "loopback-only", MG_PF_REACH_PUBLIC },
	};
	struct mg_model m;
	struct mg_service *s;
	char line[256];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		(void)snprintf(line, sizeof(line), "inet_interfaces = %s\n",
		    cases[i].interfaces);
		pf_build(&m, line, NULL, line);
		s = mg_model_service_add(&m, cases[i].name, "inet");
		s->command = mg_xstrdup("smtpd");
		if (mg_check_pf_reach(&m, s) != cases[i].want)
			fail_msg("%s with inet_interfaces %s: reach %d, want "
			    "%d", cases[i].name, cases[i].interfaces,
			    (int)mg_check_pf_reach(&m, s),
			    (int)cases[i].want);
		mg_model_free(&m);
	}
	assert_int_equal(mg_check_pf_reach_severity(MG_SEV_CRITICAL,
	    MG_PF_REACH_LOOPBACK), MG_SEV_LOW);
	assert_int_equal(mg_check_pf_reach_severity(MG_SEV_CRITICAL,
	    MG_PF_REACH_PRIVATE), MG_SEV_HIGH);
	assert_int_equal(mg_check_pf_reach_severity(MG_SEV_INFO,
	    MG_PF_REACH_LOOPBACK), MG_SEV_INFO);
}

/* test_reinjection_port_gets_no_auth - AUTH on port 25 is moved to the
 * submission service; the amavis return port, which inherited AUTH from
 * main.cf, is named as no submission port and no edit gives it AUTH */
static void
test_reinjection_port_gets_no_auth(void **state)
{
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;
	size_t i;

	(void)state;
	load_amavis(&m, NULL, NULL);
	assert_int_equal(mg_check_pf_reach(&m, mg_model_service(&m,
	    "127.0.0.1:10025", "inet")), MG_PF_REACH_LOOPBACK);
	pf_run(mg_check_pf_auth, &m, &r);
	f = pf_finding(&r, "postfix.auth.port25");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	x = mg_report_find_fix(&r, "postfix.auth.submission-only");
	assert_non_null(x);
	assert_true(x->nedits >= 1);
	for (i = 0; i < x->nedits; i++)
		if (strstr(x->edits[i].new_text, "10025") != NULL)
			fail_msg("edit %zu gives the return port AUTH: %s", i,
			    x->edits[i].new_text);
	f = pf_finding(&r, "postfix.auth.no-tls");
	assert_non_null(f);
	assert_int_equal(pf_evidence(f, "not a submission port")->line, 142);
	mg_report_free(&r);

	/* its own relay lists (permit_mynetworks, reject) are closed */
	pf_run(mg_check_pf_relay, &m, &r);
	assert_null(pf_finding(&r, "postfix.relay.open"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_loopback_only_auth_is_low - inet_interfaces = loopback-only: AUTH
 * before TLS and on port 25 reach no other host; at most low */
static void
test_loopback_only_auth_is_low(void **state)
{
	struct mg_model m;
	struct mg_report r;
	size_t i;

	(void)state;
	load_amavis(&m, "inet_interfaces = loopback-only\n"
	    "smtpd_tls_security_level =\n", NULL);
	pf_run(mg_check_pf_auth, &m, &r);
	assert_non_null(pf_finding(&r, "postfix.auth.no-tls"));
	for (i = 0; i < r.nfindings; i++)
		if (r.findings[i].severity > MG_SEV_LOW)
			fail_msg("%s is %s", r.findings[i].id,
			    mg_severity_name(r.findings[i].severity));
	assert_non_null(pf_evidence(pf_finding(&r, "postfix.auth.no-tls"),
	    "reachable from this host only"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_smtps_plain_found_and_uncommented - the submissions entry with
 * its wrapper-mode line commented: high (it offers AUTH), the line named,
 * the fix uncomments it; with the line active there is no finding */
static void
test_smtps_plain_found_and_uncommented(void **state)
{
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	load_amavis(&m, NULL, NULL);
	pf_run(mg_check_pf_tls, &m, &r);
	f = pf_finding(&r, "postfix.tls.smtps-plain");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_HIGH);
	assert_int_equal(f->nevidence, 2);
	assert_int_equal(pf_evidence(f, "speaks plain SMTP")->line, 37);
	assert_int_equal(pf_evidence(f, "commented out")->line, 39);
	x = mg_report_find_fix(&r, "postfix.tls.smtps-wrappermode");
	assert_non_null(x);
	assert_int_equal(x->nedits, 1);
	assert_int_equal(x->edits[0].line, 39);
	assert_string_equal(x->edits[0].old_text, COMMENTED);
	assert_string_equal(x->edits[0].new_text,
	    "  -o smtpd_tls_wrappermode=yes");
	assert_int_equal(x->npost, 1);
	mg_report_free(&r);
	mg_model_free(&m);

	/* no certificate: said, and no fix */
	load_amavis(&m, "smtpd_tls_cert_file =\n", NULL);
	pf_run(mg_check_pf_tls, &m, &r);
	assert_non_null(pf_evidence(pf_finding(&r, "postfix.tls.smtps-plain"),
	    "no certificate"));
	assert_null(mg_report_find_fix(&r, "postfix.tls.smtps-wrappermode"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_smtps_wrapper_on_is_quiet - the same entry with the line active
 * (as postconf -P then prints it) */
static void
test_smtps_wrapper_on_is_quiet(void **state)
{
	struct mg_model m;
	struct mg_report r;
	struct mg_service *s;
	struct mg_param *p;

	(void)state;
	load_amavis(&m, NULL, "  -o smtpd_tls_wrappermode=yes");
	s = (struct mg_service *)mg_model_service(&m, "submissions", "inet");
	p = mg_service_override_add(s, "smtpd_tls_wrappermode");
	p->value = mg_xstrdup("yes");
	pf_run(mg_check_pf_tls, &m, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_smtps_own_override - submissions with its own
 * "-o smtpd_tls_wrappermode=no" below the commented line: uncommenting
 * that line would change nothing (the last -o counts), so the own line is
 * edited; postconf -P listing it where master.cf's text does not place
 * it: no fix, the evidence says to set it by hand */
static void
test_smtps_own_override(void **state)
{
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;
	struct mg_service *s;
	struct mg_param *p;

	(void)state;
	load_amavis(&m, NULL, COMMENTED "\n  -o smtpd_tls_wrappermode=no");
	s = (struct mg_service *)mg_model_service(&m, "submissions", "inet");
	p = mg_service_override_add(s, "smtpd_tls_wrappermode");
	p->value = mg_xstrdup("no");
	mg_pf_master_locate(&m, mg_model_file(&m, PF_MASTER_CF));
	assert_int_equal(p->line, 40);
	pf_run(mg_check_pf_tls, &m, &r);
	assert_non_null(pf_finding(&r, "postfix.tls.smtps-plain"));
	x = mg_report_find_fix(&r, "postfix.tls.smtps-wrappermode");
	assert_non_null(x);
	assert_int_equal(x->nedits, 1);
	assert_int_equal(x->edits[0].line, 40);
	assert_string_equal(x->edits[0].new_text,
	    "  -o smtpd_tls_wrappermode=yes");
	mg_report_free(&r);
	mg_model_free(&m);

	load_amavis(&m, NULL, NULL);
	s = (struct mg_service *)mg_model_service(&m, "submissions", "inet");
	p = mg_service_override_add(s, "smtpd_tls_wrappermode");
	p->value = mg_xstrdup("no");
	pf_run(mg_check_pf_tls, &m, &r);
	f = pf_finding(&r, "postfix.tls.smtps-plain");
	assert_non_null(f);
	assert_non_null(pf_evidence(f, "service submissions: set -o "
	    "smtpd_tls_wrappermode=yes in its master.cf entry by hand"));
	assert_int_equal(f->nfix_ids, 0);
	assert_null(mg_report_find_fix(&r, "postfix.tls.smtps-wrappermode"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_open_return_port_is_low - a return port whose own relay list is
 * a plain permit beside a public smtp service: an open relay only this
 * host can use (low, its reach said); the same permit on a server that
 * listens on loopback only stays critical, one inet_interfaces edit
 * from the Internet */
static void
test_open_return_port_is_low(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;
	struct mg_service *s;
	struct mg_param *p;

	(void)state;
	load_amavis(&m, NULL, NULL);
	s = (struct mg_service *)mg_model_service(&m, "127.0.0.1:10025",
	    "inet");
	p = (struct mg_param *)mg_service_override(s,
	    "smtpd_relay_restrictions");
	free(p->value);
	p->value = mg_xstrdup("permit");
	p = (struct mg_param *)mg_service_override(s,
	    "smtpd_recipient_restrictions");
	free(p->value);
	p->value = mg_xstrdup("permit, reject");	/* smtpd starts */
	pf_run(mg_check_pf_relay, &m, &r);
	f = pf_finding(&r, "postfix.relay.open");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_LOW);
	assert_int_equal(pf_evidence(f, "reachable from this host only")->line,
	    142);
	mg_report_free(&r);
	mg_model_free(&m);

	load_amavis(&m, "inet_interfaces = loopback-only\n"
	    "smtpd_relay_restrictions = permit, reject\n", NULL);
	pf_run(mg_check_pf_relay, &m, &r);
	f = pf_finding(&r, "postfix.relay.open");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_CRITICAL);
	assert_non_null(pf_evidence(f, "the day Postfix listens on another"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_loopback_only_agrees_with_reach - master(5): a service named
 * "host:port" binds that host whatever inet_interfaces says, a port-only
 * one binds inet_interfaces, -o inet_interfaces= moves no listener;
 * loopback-only holds when every smtpd, postscreen and pass service is
 * loopback by mg_check_pf_reach (no service: inet_interfaces) */
static void
test_loopback_only_agrees_with_reach(void **state)
{
	static const struct {
		const char *interfaces;
		const char *svc[4];	/* "name type command" */
		int want;
	} cases[] = {
		{ "localhost", { NULL }, 1 },
		{ "loopback-only", { NULL }, 1 },
		{ "all", { NULL }, 0 },
		{ "localhost", { "smtp inet smtpd", NULL }, 1 },
		{ "localhost", { ":2525 inet smtpd", NULL }, 1 },
		{ "all", { ":2525 inet smtpd", NULL }, 0 },
		/* case A: RHEL's localhost plus a wildcard entry */
		{ "localhost", { "smtp inet smtpd", "0.0.0.0:25 inet smtpd",
		    NULL }, 0 },
		{ "loopback-only", { "203.0.113.5:submission inet smtpd",
		    NULL }, 0 },
		{ "localhost", { "0.0.0.0:smtp inet postscreen",
		    "smtpd pass smtpd", NULL }, 0 },
		{ "localhost", { "smtp inet smtpd", "[::]:2525 inet smtpd",
		    NULL }, 0 },
		/* case B: inet_interfaces = all, every smtpd on loopback */
		{ "all", { "127.0.0.1:smtp inet smtpd", NULL }, 1 },
		{ "all", { "localhost:25 inet smtpd", "[::1]:25 inet smtpd",
		    "pickup unix pickup", NULL }, 1 },
		{ "all", { "127.0.0.1:smtp inet postscreen",
		    "smtpd pass smtpd", NULL }, 1 },
		{ "all", { "127.0.0.1:10025 inet smtpd", "smtp inet smtpd",
		    NULL }, 0 },
		{ "all", { "127.0.0.2:25 inet smtpd", "pickup unix pickup",
		    NULL }, 1 },
	};
	struct mg_model m;
	struct mg_service *s;
	char line[256], name[64], type[16], cmd[16];
	size_t i, j;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		(void)snprintf(line, sizeof(line), "inet_interfaces = %s\n",
		    cases[i].interfaces);
		pf_build(&m, line, NULL, line);
		for (j = 0; cases[i].svc[j] != NULL; j++) {
			assert_int_equal(sscanf(cases[i].svc[j],
			    "%63s %15s %15s", name, type, cmd), 3);
			s = mg_model_service_add(&m, name, type);
			s->command = mg_xstrdup(cmd);
		}
		if (mg_check_pf_loopback_only(&m) != cases[i].want)
			fail_msg("case %zu (inet_interfaces %s): loopback-only "
			    "%d, want %d", i, cases[i].interfaces,
			    mg_check_pf_loopback_only(&m), cases[i].want);
		mg_model_free(&m);
	}

	/* -o inet_interfaces=all in master.cf moves no listener */
	pf_build(&m, "inet_interfaces = localhost\n", NULL,
	    "inet_interfaces = localhost\n");
	s = mg_model_service_add(&m, "smtp", "inet");
	s->command = mg_xstrdup("smtpd");
	mg_service_override_add(s, "inet_interfaces")->value =
	    mg_xstrdup("all");
	assert_int_equal(mg_check_pf_reach(&m, s), MG_PF_REACH_LOOPBACK);
	assert_int_equal(mg_check_pf_loopback_only(&m), 1);
	mg_model_free(&m);
}

/* wildcard - RHEL's stock inet_interfaces = localhost (case A) or
 * inet_interfaces = all (case B) with one smtpd entry bound to host */
static void
wildcard(struct mg_model *m, const char *interfaces, const char *host,
    const char *extra)
{
	struct mg_str n = MG_STR_INIT;
	struct mg_service *s;

	mg_str_printf(&n, "inet_interfaces = %s\n%s", interfaces,
	    extra != NULL ? extra : "");
	pf_build(m, mg_str_cstr(&n), NULL, mg_str_cstr(&n));
	s = mg_model_service_add(m, host, "inet");
	s->command = mg_xstrdup("smtpd");
	mg_str_free(&n);
}

/* test_wildcard_entry_is_not_loopback - case A: inet_interfaces =
 * localhost and "0.0.0.0:25 inet ... smtpd": the checks that soften on
 * a loopback-only server do not (hygiene low, mynetworks not said to be
 * unreachable, relay not said loopback); case B: inet_interfaces = all
 * and smtpd on 127.0.0.1:smtp only is loopback-only */
static void
test_wildcard_entry_is_not_loopback(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	wildcard(&m, "localhost", "0.0.0.0:25", "disable_vrfy_command = no\n");
	pf_run(mg_check_pf_smtpd, &m, &r);
	f = pf_finding(&r, "postfix.smtpd.hygiene");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_LOW);
	assert_null(pf_evidence(f, "loopback"));
	mg_report_free(&r);
	mg_model_free(&m);

	wildcard(&m, "loopback-only", "203.0.113.5:submission",
	    "mynetworks = 210.0.0.0/8\n");
	pf_run(mg_check_pf_mynetworks, &m, &r);
	f = pf_finding(&r, "postfix.mynetworks.public");
	assert_non_null(f);
	assert_null(pf_evidence(f, "loopback only"));
	mg_report_free(&r);
	mg_model_free(&m);

	wildcard(&m, "localhost", "0.0.0.0:25",
	    "smtpd_relay_restrictions = permit, reject\n");
	pf_run(mg_check_pf_relay, &m, &r);
	f = pf_finding(&r, "postfix.relay.open");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_CRITICAL);
	assert_null(pf_evidence(f, "loopback"));
	mg_report_free(&r);
	mg_model_free(&m);

	/* case B: the same hygiene at info, the mynetworks finding says
	 * why no other host reaches it now */
	wildcard(&m, "all", "127.0.0.1:smtp", "disable_vrfy_command = no\n");
	pf_run(mg_check_pf_smtpd, &m, &r);
	f = pf_finding(&r, "postfix.smtpd.hygiene");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_INFO);
	mg_report_free(&r);
	mg_model_free(&m);
	wildcard(&m, "all", "127.0.0.1:smtp", "mynetworks = 210.0.0.0/8\n");
	pf_run(mg_check_pf_mynetworks, &m, &r);
	f = pf_finding(&r, "postfix.mynetworks.public");
	assert_non_null(f);
	assert_non_null(pf_evidence(f, "127.0.0.1:smtp"));
	assert_non_null(pf_evidence(f, "loopback only"));
	mg_report_free(&r);
	mg_model_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reach_of_each_listener),
		cmocka_unit_test(test_reinjection_port_gets_no_auth),
		cmocka_unit_test(test_loopback_only_auth_is_low),
		cmocka_unit_test(test_smtps_plain_found_and_uncommented),
		cmocka_unit_test(test_smtps_wrapper_on_is_quiet),
		cmocka_unit_test(test_smtps_own_override),
		cmocka_unit_test(test_open_return_port_is_low),
		cmocka_unit_test(test_loopback_only_agrees_with_reach),
		cmocka_unit_test(test_wildcard_entry_is_not_loopback),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
