/* test_check_pf_relay.c - relay restrictions on Postfix model data. */
#include <stdlib.h>
#include <string.h>

#include "mg_test.h"
#include "pf_fixture.h"

/* Postfix 3.7 defaults as postconf -x prints them (stock Debian). */
static const char *defaults =
    "smtpd_relay_restrictions = permit_mynetworks "
    "permit_sasl_authenticated defer_unauth_destination\n"
    "smtpd_recipient_restrictions =\n"
    "mydestination = mail.example.com, example.com, localhost\n";

/* build - defaults, then the explicit settings (as -n and -x) */
static void
build(struct mg_model *m, const char *n_out, const char *main_cf)
{
	pf_build(m, n_out, NULL, main_cf);
	pf_params(m, defaults);
	mg_pf_postconf_parse(m, n_out, 0);
}

/* test_stock_is_closed - Postfix's default relay list: nothing */
static void
test_stock_is_closed(void **state)
{
	struct mg_model m;
	struct mg_report r;

	(void)state;
	build(&m, "myhostname = mail.example.com\n",
	    "myhostname = mail.example.com\n");
	pf_run(mg_check_pf_relay, &m, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_sender_whitelist_opens_relay - incident 5 */
static void
test_sender_whitelist_opens_relay(void **state)
{
	static const char *n =
	    "smtpd_relay_restrictions =\n"
	    "smtpd_recipient_restrictions = permit_mynetworks, "
	    "permit_sasl_authenticated, check_sender_access "
	    "hash:/etc/postfix/sender_access, reject_unauth_destination\n";
	static const char *cf = "# main.cf\n"
	    "smtpd_relay_restrictions =\n"
	    "smtpd_recipient_restrictions = permit_mynetworks,\n"
	    "    permit_sasl_authenticated,\n"
	    "    check_sender_access hash:/etc/postfix/sender_access,\n"
	    "    reject_unauth_destination\n";
	const struct mg_finding *f;
	const struct mg_evidence *e;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	build(&m, n, cf);
	(void)pf_map(&m, "hash:/etc/postfix/sender_access",
	    "example.com\tOK\nspammer.test\tREJECT\n",
	    "/etc/postfix/sender_access", "# whitelist\nexample.com OK\n"
	    "spammer.test REJECT\n");
	m.maps[0].entries[0].line = 2;
	pf_run(mg_check_pf_relay, &m, &r);
	f = pf_finding(&r, "postfix.relay.open");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_CRITICAL);
	e = pf_evidence(f, "check_sender_access");
	assert_non_null(e);
	assert_string_equal(e->file, PF_MAIN_CF);
	assert_int_equal(e->line, 5);
	e = pf_evidence(f, "example.com -> OK");
	assert_non_null(e);
	assert_string_equal(e->file, "/etc/postfix/sender_access");
	assert_int_equal(e->line, 2);
	assert_null(pf_evidence(f, "spammer.test"));
	f = pf_finding(&r, "postfix.relay.recipient-only");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	x = mg_report_find_fix(&r, "postfix.relay.restrictions");
	assert_non_null(x);
	assert_int_equal(x->nedits, 1);
	assert_string_equal(x->edits[0].param, "smtpd_relay_restrictions");
	assert_int_equal(x->edits[0].line, 2);
	assert_string_equal(x->edits[0].new_text, "permit_mynetworks, "
	    "permit_sasl_authenticated, reject_unauth_destination");
	assert_int_equal(x->npost, 1);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_permit_in_relay_list - a bare permit ahead of the stop; the fix
 * drops it and keeps the rest of the operator's list */
static void
test_permit_in_relay_list(void **state)
{
	static const char *n = "smtpd_relay_restrictions = "
	    "permit_mynetworks, permit, reject_unauth_destination\n";
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	build(&m, n, n);
	pf_run(mg_check_pf_relay, &m, &r);
	assert_non_null(pf_evidence(pf_finding(&r, "postfix.relay.open"),
	    "\"permit\""));
	assert_null(pf_finding(&r, "postfix.relay.recipient-only"));
	x = mg_report_find_fix(&r, "postfix.relay.restrictions");
	assert_non_null(x);
	assert_string_equal(x->edits[0].new_text,
	    "permit_mynetworks, reject_unauth_destination");
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_clean_relay_list_wins - a clean relay list closes relay even if
 * the recipient list has a whitelist; client and local-recipient OKs are
 * not open either */
static void
test_clean_relay_list_wins(void **state)
{
	static const char *n =
	    "smtpd_relay_restrictions = permit_mynetworks, "
	    "check_client_access cidr:/etc/postfix/clients.cidr, "
	    "check_recipient_access hash:/etc/postfix/rcpt, "
	    "defer_unauth_destination\n"
	    "smtpd_recipient_restrictions = check_sender_access "
	    "hash:/etc/postfix/sender_access, reject_unauth_destination\n";
	struct mg_model m;
	struct mg_report r;

	(void)state;
	build(&m, n, n);
	(void)pf_map(&m, "hash:/etc/postfix/sender_access", "example.com\tOK\n",
	    NULL, NULL);
	(void)pf_map(&m, "cidr:/etc/postfix/clients.cidr", NULL,
	    "/etc/postfix/clients.cidr", "192.0.2.0/24 OK\n");
	(void)pf_map(&m, "hash:/etc/postfix/rcpt",
	    "postmaster@example.com\tOK\n", NULL, NULL);
	pf_run(mg_check_pf_relay, &m, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_foreign_recipient_ok_and_regexp - OK for a foreign recipient and a
 * regexp sender pattern both open the relay */
static void
test_foreign_recipient_ok_and_regexp(void **state)
{
	static const char *n = "smtpd_relay_restrictions = "
	    "check_recipient_access hash:/etc/postfix/rcpt, "
	    "check_sender_access regexp:/etc/postfix/senders.re, "
	    "permit_mynetworks, reject_unauth_destination\n";
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	build(&m, n, n);
	(void)pf_map(&m, "hash:/etc/postfix/rcpt", "partner.test\tOK\n",
	    NULL, NULL);
	(void)pf_map(&m, "regexp:/etc/postfix/senders.re", NULL,
	    "/etc/postfix/senders.re", "/@example\\\\.com$/ OK\n");
	pf_run(mg_check_pf_relay, &m, &r);
	f = pf_finding(&r, "postfix.relay.open");
	assert_non_null(f);
	assert_non_null(pf_evidence(f, "partner.test -> OK"));
	assert_non_null(pf_evidence(f, "/@example\\\\.com$/ -> OK"));
	assert_string_equal(mg_report_find_fix(&r,
	    "postfix.relay.restrictions")->edits[0].new_text,
	    "permit_mynetworks, reject_unauth_destination");
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_service_override - the global lists are fine, the submission
 * service's own -o opens it: evidence and edit at its master.cf line */
static void
test_service_override(void **state)
{
	static const char *mo =
	    "smtp inet n - y - - smtpd\n"
	    "submission inet n - y - - smtpd -o smtpd_relay_restrictions="
	    "permit_sasl_authenticated,permit,reject\n";
	static const char *po =
	    "submission/inet/smtpd_relay_restrictions = "
	    "permit_sasl_authenticated,permit,reject\n";
	static const char *mcf = "smtp inet n - y - - smtpd\n"
	    "submission inet n - y - - smtpd\n"
	    "  -o syslog_name=postfix/submission\n"
	    "  -o smtpd_relay_restrictions=permit_sasl_authenticated,permit,"
	    "reject\n";
	const struct mg_finding *f;
	const struct mg_evidence *e;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	build(&m, "myhostname = x\n", "myhostname = x\n");
	pf_master(&m, mo, po, mcf);
	pf_run(mg_check_pf_relay, &m, &r);
	assert_int_equal(r.nfindings, 1);
	f = pf_finding(&r, "postfix.relay.open");
	assert_non_null(f);
	e = pf_evidence(f, "submission service");
	assert_non_null(e);
	assert_string_equal(e->file, PF_MASTER_CF);
	assert_int_equal(e->line, 4);
	x = mg_report_find_fix(&r, "postfix.relay.restrictions");
	assert_non_null(x);
	assert_int_equal(x->edits[0].kind, MG_EDIT_REPLACE);
	assert_int_equal(x->edits[0].line, 4);
	/* one word: white space would end the -o value (master(5)) */
	assert_string_equal(x->edits[0].new_text,
	    "  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject");
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_service_override_not_located - postconf -P lists the submission
 * service's own relay list but master.cf's text has no line for it: the
 * finding stands, no fix (not even an empty one fix --all would select),
 * and the evidence says to set it by hand */
static void
test_service_override_not_located(void **state)
{
	static const char *mo =
	    "smtp inet n - y - - smtpd\n"
	    "submission inet n - y - - smtpd -o smtpd_relay_restrictions="
	    "permit_sasl_authenticated,permit,reject\n";
	static const char *po =
	    "submission/inet/smtpd_relay_restrictions = "
	    "permit_sasl_authenticated,permit,reject\n";
	static const char *mcf = "smtp inet n - y - - smtpd\n"
	    "submission inet n - y - - smtpd\n"
	    "  -o syslog_name=postfix/submission\n";
	const struct mg_finding *f;
	const struct mg_evidence *e;
	struct mg_model m;
	struct mg_report r;
	size_t i;

	(void)state;
	build(&m, "myhostname = x\n", "myhostname = x\n");
	pf_master(&m, mo, po, mcf);
	pf_run(mg_check_pf_relay, &m, &r);
	f = pf_finding(&r, "postfix.relay.open");
	assert_non_null(f);
	e = pf_evidence(f, "set that -o by hand");
	assert_non_null(e);
	assert_non_null(strstr(e->text, "permit_sasl_authenticated, reject"));
	assert_null(mg_report_find_fix(&r, "postfix.relay.restrictions"));
	assert_int_equal(r.nfixes, 0);
	for (i = 0; i < r.nfindings; i++)
		assert_int_equal(r.findings[i].nfix_ids, 0);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_unlistable_table - an SQL table before the only stop: unverified,
 * not called open; no stop anywhere: smtpd refuses to start */
static void
test_unlistable_table(void **state)
{
	static const char *n1 = "smtpd_relay_restrictions = "
	    "permit_mynetworks, check_sender_access "
	    "mysql:/etc/postfix/senders.cf, reject_unauth_destination\n";
	static const char *n2 = "smtpd_relay_restrictions = "
	    "permit_mynetworks, permit_sasl_authenticated\n";
	struct mg_model m;
	struct mg_report r;

	(void)state;
	build(&m, n1, n1);
	(void)mg_model_map_add(&m, "mysql:/etc/postfix/senders.cf");
	pf_run(mg_check_pf_relay, &m, &r);
	assert_null(pf_finding(&r, "postfix.relay.open"));
	assert_non_null(pf_evidence(pf_finding(&r,
	    "postfix.relay.unverified"), "could not be listed"));
	mg_report_free(&r);
	mg_model_free(&m);

	build(&m, n2, n2);
	pf_run(mg_check_pf_relay, &m, &r);
	/* Postfix's smtpd will not even start without a stop */
	assert_null(pf_finding(&r, "postfix.relay.open"));
	assert_non_null(pf_evidence(pf_finding(&r,
	    "postfix.relay.smtpd-fatal"), "neither"));
	assert_string_equal(mg_report_find_fix(&r,
	    "postfix.relay.restrictions")->edits[0].new_text,
	    "permit_mynetworks, permit_sasl_authenticated, "
	    "defer_unauth_destination");
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_no_stop_is_fatal - neither list holds a stop (a pre-2.10 main.cf
 * at compatibility level 0 on Postfix 3.6+): smtpd exits with a fatal
 * error, so the finding is that no mail arrives, not an open relay */
static void
test_no_stop_is_fatal(void **state)
{
	static const char *n = "myhostname = mail.example.com\n"
	    "smtpd_relay_restrictions =\n"
	    "smtpd_recipient_restrictions = permit_mynetworks\n";
	static const char *n2 = "myhostname = gw.lan.example.org\n"
	    "mydestination = example.org, localhost\n"
	    "smtpd_relay_restrictions =\n"
	    "smtpd_recipient_restrictions = permit_mynetworks\n";
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	build(&m, n, n);
	pf_run(mg_check_pf_relay, &m, &r);
	assert_null(pf_finding(&r, "postfix.relay.open"));
	f = pf_finding(&r, "postfix.relay.smtpd-fatal");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_CRITICAL);
	assert_non_null(pf_evidence(f, "holds reject_unauth_destination or "
	    "another stop: smtpd exits"));
	assert_int_equal(f->nfix_ids, 1);
	assert_int_equal(f->nprobes, 2);
	assert_string_equal(f->probes[1].rcpt, "postmaster@mail.example.com");
	mg_report_free(&r);
	mg_model_free(&m);

	/* myhostname is no local domain here: smtpd never answered before
	 * the fix, so no "legitimate" path it never offered is asked */
	build(&m, n2, n2);
	pf_run(mg_check_pf_relay, &m, &r);
	f = pf_finding(&r, "postfix.relay.smtpd-fatal");
	assert_non_null(f);
	assert_int_equal(f->nprobes, 1);
	assert_true(f->probes[0].hole_if_accepted);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_client_grant_public - a check_client_access OK for a provider's
 * /16 (81.169.0.0/16 and the hash form "62.75") is a critical finding
 * naming each wide entry; one partner host (192.0.2.44) and a /28 are
 * not, nor the same table behind a clean relay list's stop */
static void
test_client_grant_public(void **state)
{
	static const char *n =
	    "smtpd_relay_restrictions = permit_mynetworks, "
	    "check_client_access cidr:/etc/postfix/partners.cidr, "
	    "check_client_access hash:/etc/postfix/partners, "
	    "reject_unauth_destination\n";
	static const char *cf = "# main.cf\n"
	    "smtpd_relay_restrictions = permit_mynetworks,\n"
	    "    check_client_access cidr:/etc/postfix/partners.cidr,\n"
	    "    check_client_access hash:/etc/postfix/partners,\n"
	    "    reject_unauth_destination\n";
	static const char *after = "smtpd_relay_restrictions = "
	    "permit_mynetworks, reject_unauth_destination, "
	    "check_client_access cidr:/etc/postfix/partners.cidr\n";
	const struct mg_finding *f;
	const struct mg_evidence *e;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	build(&m, n, cf);
	(void)pf_map(&m, "cidr:/etc/postfix/partners.cidr",
	    "81.169.0.0/16\tOK\n192.0.2.44\tOK\n85.13.128.0/28\tOK\n"
	    "10.0.0.0/8\tOK\n", "/etc/postfix/partners.cidr",
	    "81.169.0.0/16 OK\n192.0.2.44 OK\n85.13.128.0/28 OK\n"
	    "10.0.0.0/8 OK\n");
	m.maps[0].entries[0].line = 1;
	(void)pf_map(&m, "hash:/etc/postfix/partners", "62.75\tOK\n"
	    "85.13.128.9\tOK\n", "/etc/postfix/partners", "62.75 OK\n"
	    "85.13.128.9 OK\n");
	m.maps[1].entries[0].line = 1;
	pf_run(mg_check_pf_relay, &m, &r);
	f = pf_finding(&r, "postfix.relay.client-grant-public");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_CRITICAL);
	e = pf_evidence(f, "81.169.0.0/16 -> OK: 65,536 public");
	assert_non_null(e);
	assert_string_equal(e->file, "/etc/postfix/partners.cidr");
	assert_int_equal(e->line, 1);
	assert_non_null(pf_evidence(f, "62.75 -> OK: 65,536 public"));
	assert_null(pf_evidence(f, "192.0.2.44"));
	assert_null(pf_evidence(f, "85.13.128"));
	assert_null(pf_evidence(f, "10.0.0.0/8"));
	e = pf_evidence(f, "\"check_client_access cidr:");
	assert_non_null(e);
	assert_int_equal(e->line, 3);
	assert_int_equal(f->nfix_ids, 0);
	mg_report_free(&r);
	mg_model_free(&m);

	/* behind the stop it grants nothing to strangers */
	build(&m, after, after);
	(void)pf_map(&m, "cidr:/etc/postfix/partners.cidr",
	    "81.169.0.0/16\tOK\n", "/etc/postfix/partners.cidr",
	    "81.169.0.0/16 OK\n");
	pf_run(mg_check_pf_relay, &m, &r);
	assert_null(pf_finding(&r, "postfix.relay.client-grant-public"));
	mg_report_free(&r);
	mg_model_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stock_is_closed),
		cmocka_unit_test(test_no_stop_is_fatal),
		cmocka_unit_test(test_sender_whitelist_opens_relay),
		cmocka_unit_test(test_permit_in_relay_list),
		cmocka_unit_test(test_clean_relay_list_wins),
		cmocka_unit_test(test_foreign_recipient_ok_and_regexp),
		cmocka_unit_test(test_service_override),
		cmocka_unit_test(test_service_override_not_located),
		cmocka_unit_test(test_unlistable_table),
		cmocka_unit_test(test_client_grant_public),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
