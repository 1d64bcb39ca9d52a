/*
 * test_pf_effective.c - parameters judged by their effective value: the
 * defaults postconf -d prints, resolved at the configuration's
 * compatibility_level, and the relay layout at level 0 (no
 * compatibility_level in main.cf), on captured postconf output.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/mg_file.h"
#include "mg_test.h"
#include "pf_fixture.h"

#define DATA "tests/unit/data/pf_postconf/"
#define RELAY "smtpd_relay_restrictions"

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

/* load - the model the backend builds from NAME's captures: -n, -x,
 * main.cf, then -d and the level-dependent defaults; returns how many
 * level-dependent defaults main.cf's own settings left to ask */
static size_t
load(struct mg_model *m, const char *name)
{
	char file[64];
	char *n, *x, *cf, *d;
	size_t left;

	(void)snprintf(file, sizeof(file), "%s.n", name);
	n = slurp(file);
	(void)snprintf(file, sizeof(file), "%s.x", name);
	x = slurp(file);
	(void)snprintf(file, sizeof(file), "%s.main.cf", name);
	cf = slurp(file);
	(void)snprintf(file, sizeof(file), "%s.d", name);
	d = slurp(file);
	pf_build(m, n, x, cf);
	mg_pf_postconf_defaults(m, d);
	left = mg_pf_postconf_level_resolve(m);
	free(n);
	free(x);
	free(cf);
	free(d);
	return (left);
}

/* test_level_defaults_resolved - postconf -d's level expression becomes
 * the default at this configuration's level: empty relay list at level
 * 0, Postfix's relay list at 3.6; an explicit setting's default waits
 * for postconf -x -o, whose answer is taken */
static void
test_level_defaults_resolved(void **state)
{
	struct mg_model m;
	const struct mg_param *p;
	char *level;

	(void)state;
	/* main.cf sets append_dot_mydomain: its default is asked */
	assert_int_equal(load(&m, "level0"), 1);
	p = mg_model_param(&m, RELAY);
	assert_non_null(p);
	assert_null(p->raw);
	assert_string_equal(p->value, "");
	assert_string_equal(p->dflt, "");
	p = mg_model_param(&m, "append_dot_mydomain");
	assert_non_null(strstr(p->dflt, "$compatibility_level"));
	level = slurp("level0.level");
	mg_pf_postconf_defaults(&m, level);
	free(level);
	assert_string_equal(p->dflt, "yes");
	/* a default that does not depend on the level stays as -d says */
	assert_string_equal(mg_model_param(&m, "smtpd_banner")->dflt,
	    "$myhostname ESMTP $mail_name");
	assert_string_equal(mg_check_pf_level(&m), "0");
	mg_model_free(&m);

	assert_int_equal(load(&m, "stock36"), 1);
	p = mg_model_param(&m, RELAY);
	assert_string_equal(p->dflt, "permit_mynetworks, "
	    "permit_sasl_authenticated, defer_unauth_destination");
	level = slurp("stock36.level");
	mg_pf_postconf_defaults(&m, level);
	free(level);
	assert_string_equal(mg_model_param(&m, "append_dot_mydomain")->dflt,
	    "no");
	assert_string_equal(mg_check_pf_level(&m), "3.6");
	mg_model_free(&m);
}

/* test_origin_names_file_or_level - evidence says where a value comes
 * from */
static void
test_origin_names_file_or_level(void **state)
{
	struct mg_model m;
	char buf[128];

	(void)state;
	(void)load(&m, "level0");
	mg_check_pf_origin(&m, mg_model_param(&m,
	    "smtpd_recipient_restrictions"), buf, sizeof(buf));
	assert_string_equal(buf, "main.cf:28");
	mg_check_pf_origin(&m, mg_model_param(&m, RELAY), buf, sizeof(buf));
	assert_string_equal(buf, "default at compatibility_level 0");
	mg_model_free(&m);
	(void)load(&m, "stock36");
	mg_check_pf_origin(&m, mg_model_param(&m, RELAY), buf, sizeof(buf));
	assert_string_equal(buf, "default at compatibility_level 3.6");
	mg_model_free(&m);
}

/* test_level0_recipient_only_fires - no compatibility_level, no relay
 * list written: the relay control lives only in the recipient list; the
 * evidence says the empty list is the level-0 default, the fix writes
 * smtpd_relay_restrictions as a new main.cf line */
static void
test_level0_recipient_only_fires(void **state)
{
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	(void)load(&m, "level0");
	pf_run(mg_check_pf_relay, &m, &r);
	assert_null(pf_finding(&r, "postfix.relay.open"));
	f = pf_finding(&r, "postfix.relay.recipient-only");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	assert_non_null(pf_evidence(f, "default at compatibility_level 0 is "
	    "empty"));
	assert_non_null(pf_evidence(f, "compatibility_level is not set"));
	assert_int_equal(pf_evidence(f, "ends relaying with "
	    "reject_unauth_destination")->line, 28);
	x = mg_report_find_fix(&r, "postfix.relay.restrictions");
	assert_non_null(x);
	assert_int_equal(x->nedits, 1);
	assert_string_equal(x->edits[0].param, RELAY);
	assert_null(x->edits[0].old_text);
	assert_string_equal(x->edits[0].new_text, "permit_mynetworks, "
	    "permit_sasl_authenticated, reject_unauth_destination");
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_stock36_default_relay_list_is_quiet - Debian's level 3.6 without
 * a relay list written: Postfix's default list guards relaying */
static void
test_stock36_default_relay_list_is_quiet(void **state)
{
	struct mg_model m;
	struct mg_report r;

	(void)state;
	(void)load(&m, "stock36");
	pf_run(mg_check_pf_relay, &m, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_explicit_blank_names_its_line - a blank written at any level is
 * still the finding, with its main.cf line */
static void
test_explicit_blank_names_its_line(void **state)
{
	static const char *n = "compatibility_level = 3.6\n"
	    "smtpd_relay_restrictions =\n"
	    "smtpd_recipient_restrictions = permit_mynetworks, "
	    "reject_unauth_destination\n";
	const struct mg_evidence *e;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	pf_build(&m, n, NULL, n);
	pf_run(mg_check_pf_relay, &m, &r);
	e = pf_evidence(pf_finding(&r, "postfix.relay.recipient-only"),
	    "set empty (main.cf:2)");
	assert_non_null(e);
	assert_int_equal(e->line, 2);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_postmaster_probe_default_dest - mydestination not
 * written: its default ($myhostname, ...) as postconf -x expands it
 * still makes postmaster@myhostname a probe that must stay accepted */
static void
test_postmaster_probe_default_dest(void **state)
{
	static const char *n = "myhostname = mail.example.com\n"
	    "smtpd_relay_restrictions = permit, reject_unauth_destination\n";
	static const char *x = "myhostname = mail.example.com\n"
	    "smtpd_relay_restrictions = permit, reject_unauth_destination\n"
	    "mydestination = mail.example.com, localhost.example.com, "
	    "localhost\n";
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;
	size_t i;
	int found = 0;

	(void)state;
	pf_build(&m, n, x, n);
	assert_null(mg_model_param(&m, "mydestination")->raw);
	pf_run(mg_check_pf_relay, &m, &r);
	f = pf_finding(&r, "postfix.relay.open");
	assert_non_null(f);
	for (i = 0; i < f->nprobes; i++)
		if (strcmp(f->probes[i].rcpt, "postmaster@mail.example.com") ==
		    0 && !f->probes[i].hole_if_accepted)
			found = 1;
	assert_true(found);
	mg_report_free(&r);
	mg_model_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_level_defaults_resolved),
		cmocka_unit_test(test_origin_names_file_or_level),
		cmocka_unit_test(test_level0_recipient_only_fires),
		cmocka_unit_test(test_stock36_default_relay_list_is_quiet),
		cmocka_unit_test(test_explicit_blank_names_its_line),
		cmocka_unit_test(test_postmaster_probe_default_dest),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
