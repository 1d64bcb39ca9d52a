/*
 * test_probe_grants.c - what the relay probe makes of the configuration's
 * grants and of a temporary failure: access-table entries that answer OK
 * (Postfix) and accept statements with senders or hosts (Exim) become
 * tests and clients with their file:line; answers captured from the lab
 * ("451 4.3.0 ... Temporary lookup failure" of a mask typo, Exim's "451
 * Temporary local problem") are tempfail, a deferral by policy is not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../backends/exim/exim_conf.h"
#include "../../core/mg_probe.h"
#include "../../cli/cmd.h"
#include "../../cli/probe_print.h"
#include "pf_fixture.h"

/* battery - the usual one, for mx.example.org */
static void
battery(struct mg_probe_battery *b)
{
	static const char *const own[] = { "example.org" };

	mg_probe_battery_init(b);
	mg_probe_battery_build(b, "mx.example.org", "127.0.0.1", "example.net",
	    own, 1);
}

/* answers - every test answered MAIL 250, RCPT code with text */
static struct mg_probe_answer *
answers(const struct mg_probe_battery *b, int code, const char *text)
{
	struct mg_probe_answer *a = calloc(b->n, sizeof(*a));
	size_t i;

	assert_non_null(a);
	for (i = 0; i < b->n; i++) {
		a[i].mail = 250;
		a[i].rcpt = code;
		(void)snprintf(a[i].text, sizeof(a[i].text), "%s", text);
	}
	return (a);
}

/* test_tempfail_verdict - the lab's captured replies */
static void
test_tempfail_verdict(void **state)
{
	struct mg_probe_battery b;
	struct mg_probe_result r;
	size_t i;

	(void)state;
	/* Postfix 3.7.11, mask-typo scenario, RCPT from 203.0.113.50 */
	assert_true(mg_probe_tempfail(451, "451 4.3.0 <mailguard-relaytest@"
	    "example.net>: Temporary lookup failure"));
	/* Exim, a lookup that defers in the RCPT ACL */
	assert_true(mg_probe_tempfail(451, "451 Temporary local problem - "
	    "please try later"));
	/* refusals for now by policy are refusals */
	assert_false(mg_probe_tempfail(454, "454 4.7.1 <victim@remote.test>: "
	    "Relay access denied"));
	assert_false(mg_probe_tempfail(450, "450 4.7.1 Client host rejected: "
	    "cannot find your hostname"));
	assert_false(mg_probe_tempfail(550, "550 4.3.0 odd"));
	assert_false(mg_probe_tempfail(250, "250 2.1.5 Ok"));

	battery(&b);
	memset(&r, 0, sizeof(r));
	r.a = answers(&b, 451, "451 4.3.0 <mailguard-relaytest@example.net>: "
	    "Temporary lookup failure");
	for (i = 0; i < b.n; i++)
		assert_int_equal(mg_probe_judge(&b, r.a, i), MG_PV_TEMPFAIL);
	mg_probe_result_judge(&b, &r);
	assert_int_equal(r.status, MG_PS_TEMPFAIL);
	assert_int_equal(r.tempfailed, b.n);
	assert_int_equal(r.relayed, 0);
	assert_string_equal(mg_probe_status_name(r.status), "tempfail");
	assert_string_equal(mg_probe_verdict_name(MG_PV_TEMPFAIL), "tempfail");
	/* a relay among tempfails is a relay */
	r.a[0].rcpt = 250;
	(void)snprintf(r.a[0].text, sizeof(r.a[0].text), "250 2.1.5 Ok");
	mg_probe_result_judge(&b, &r);
	assert_int_equal(r.status, MG_PS_OPEN);
	free(r.a);

	/* defer_unauth_destination: closed, not tempfail */
	memset(&r, 0, sizeof(r));
	r.a = answers(&b, 454, "454 4.7.1 <x>: Relay access denied");
	mg_probe_result_judge(&b, &r);
	assert_int_equal(r.status, MG_PS_CLOSED);
	assert_int_equal(r.tempfailed, 0);
	free(r.a);
	mg_probe_battery_free(&b);
}

/* test_grants_in_battery - one test per grant, before the controls */
static void
test_grants_in_battery(void **state)
{
	struct mg_probe_plan pl;
	struct mg_probe_battery b;
	size_t i, n0, s = 0, h = 0, rc = 0;

	(void)state;
	mg_probe_plan_init(&pl);
	assert_non_null(mg_probe_plan_grant(&pl, MG_GRANT_SENDER,
	    "postmaster@supplier-parts.example", "check_sender_access "
	    "hash:/etc/postfix/partners: supplier-parts.example OK",
	    "/etc/postfix/partners", 4));
	assert_null(mg_probe_plan_grant(&pl, MG_GRANT_SENDER,
	    "POSTMASTER@supplier-parts.example", "again", NULL, 9));
	assert_non_null(mg_probe_plan_grant(&pl, MG_GRANT_HELO,
	    "gw.supplier-parts.example", "helo", "/etc/postfix/helo", 2));
	assert_non_null(mg_probe_plan_grant(&pl, MG_GRANT_RCPT,
	    "mailguard-relaytest@partner-relay.example", "rcpt", NULL, 0));
	/* senders the battery asks already: their tests name the entry */
	assert_non_null(mg_probe_plan_grant(&pl, MG_GRANT_SENDER, "",
	    "check_sender_access hash:/x: <> OK", "/x", 7));
	assert_non_null(mg_probe_plan_grant(&pl, MG_GRANT_SENDER,
	    "postmaster@example.org", "own", "/x", 8));
	battery(&b);
	n0 = b.n;
	mg_probe_battery_grants(&b, &pl, "example.net");
	assert_int_equal(b.n, n0 + 3);
	assert_string_equal(b.v[0].name, "null sender");
	assert_int_equal(b.v[0].line, 7);
	assert_string_equal(b.v[0].entry, "check_sender_access hash:/x: <> "
	    "OK");
	for (i = 0; i < b.n; i++)
		if (strcmp(b.v[i].name, "sender @example.org") == 0)
			assert_int_equal(b.v[i].line, 8);
	assert_true(b.v[b.n - 1].control && b.v[b.n - 2].control &&
	    b.v[b.n - 3].control);
	for (i = 0; i < b.n; i++) {
		if (b.v[i].entry[0] == '\0')
			continue;
		assert_false(b.v[i].control);
		assert_int_equal(b.v[i].via, MG_VIA_FOREIGN);
		if (strcmp(b.v[i].sender,
		    "postmaster@supplier-parts.example") == 0) {
			s++;
			assert_string_equal(b.v[i].rcpt,
			    "mailguard-relaytest@example.net");
			assert_string_equal(b.v[i].file,
			    "/etc/postfix/partners");
			assert_int_equal(b.v[i].line, 4);
			assert_string_equal(b.v[i].helo, "");
		} else if (b.v[i].line >= 7) {
			rc++;	/* the battery's own, named */
		} else if (b.v[i].helo[0] != '\0') {
			h++;
			assert_string_equal(b.v[i].helo,
			    "gw.supplier-parts.example");
			assert_string_equal(b.v[i].sender, "");
		} else {
			rc++;
			assert_string_equal(b.v[i].rcpt,
			    "mailguard-relaytest@partner-relay.example");
			assert_string_equal(b.v[i].sender, "");
		}
	}
	assert_int_equal(s + h + rc, 5);
	assert_int_equal(s, 1);
	assert_int_equal(h, 1);
	mg_probe_battery_free(&b);
	mg_probe_plan_free(&pl);
}

/* grant - the plan's grant of kind and value, or NULL */
static const struct mg_probe_grant *
grant(const struct mg_probe_plan *pl, int kind, const char *value)
{
	size_t i;

	for (i = 0; i < pl->ngrants; i++)
		if (pl->grants[i].kind == kind && strcmp(pl->grants[i].value,
		    value) == 0)
			return (&pl->grants[i]);
	return (NULL);
}

/* client - the plan's client at addr, or NULL */
static const struct mg_probe_client *
client(const struct mg_probe_plan *pl, const char *addr)
{
	size_t i;

	for (i = 0; i < pl->n; i++)
		if (strcmp(pl->v[i].addr, addr) == 0)
			return (&pl->v[i]);
	return (NULL);
}

/* test_pf_enumeration - the entries of the relay lists' access tables */
static void
test_pf_enumeration(void **state)
{
	static const char *v = "mydestination = example.com\n"
	    "mynetworks = 127.0.0.0/8\n"
	    "smtpd_relay_restrictions = permit_mynetworks, "
	    "check_client_access cidr:/etc/postfix/clients.cidr, "
	    "check_client_access hash:/etc/postfix/clients, "
	    "check_helo_access hash:/etc/postfix/helo, "
	    "check_sender_access hash:/etc/postfix/senders, "
	    "check_recipient_access regexp:/etc/postfix/rcpt.re, "
	    "reject_unauth_destination\n"
	    "smtpd_client_restrictions = check_sender_access "
	    "hash:/etc/postfix/unrelated\n";
	struct mg_model m;
	struct mg_probe_plan pl;
	const struct mg_probe_grant *g;
	const struct mg_probe_client *c;

	(void)state;
	pf_build(&m, v, v, v);
	(void)pf_map(&m, "cidr:/etc/postfix/clients.cidr", NULL,
	    "/etc/postfix/clients.cidr", "# partner networks\n"
	    "81.169.0.0/16 OK\n192.0.2.44 OK\n198.18.0.0/15 REJECT\n");
	(void)pf_map(&m, "hash:/etc/postfix/clients", NULL,
	    "/etc/postfix/clients", "100.80 OK\nhost.example.net OK\n");
	(void)pf_map(&m, "hash:/etc/postfix/helo", NULL, "/etc/postfix/helo",
	    "gw.supplier-parts.example OK\n.relay.example.org permit\n");
	(void)pf_map(&m, "hash:/etc/postfix/senders", NULL,
	    "/etc/postfix/senders", "supplier-parts.example OK\n"
	    "spam.example REJECT\nsales@tools-vendor.example OK\n"
	    "billing@ 12345\n<> OK\n");
	(void)pf_map(&m, "regexp:/etc/postfix/rcpt.re", NULL,
	    "/etc/postfix/rcpt.re", "/^(.*)@partner-relay\\.example$/ OK\n"
	    "/^[a-z]+@odd\\.example$/ OK\n/@example\\.com$/ OK\n");
	(void)pf_map(&m, "hash:/etc/postfix/unrelated", NULL,
	    "/etc/postfix/unrelated", "elsewhere.example OK\n");
	mg_probe_plan_init(&pl);
	mg_check_probe_plan(&m, NULL, 0, &pl);

	g = grant(&pl, MG_GRANT_SENDER, "postmaster@supplier-parts.example");
	assert_non_null(g);
	assert_string_equal(g->file, "/etc/postfix/senders");
	assert_int_equal(g->line, 1);
	assert_non_null(strstr(g->entry, "check_sender_access "
	    "hash:/etc/postfix/senders: supplier-parts.example OK"));
	g = grant(&pl, MG_GRANT_SENDER, "sales@tools-vendor.example");
	assert_non_null(g);
	assert_int_equal(g->line, 3);
	g = grant(&pl, MG_GRANT_SENDER, "billing@example.net");
	assert_non_null(g);
	assert_int_equal(g->line, 4);
	g = grant(&pl, MG_GRANT_SENDER, "");	/* <> */
	assert_non_null(g);
	assert_int_equal(g->line, 5);
	assert_null(grant(&pl, MG_GRANT_SENDER, "postmaster@spam.example"));
	/* a table outside the relay lists grants no relaying */
	assert_null(grant(&pl, MG_GRANT_SENDER,
	    "postmaster@elsewhere.example"));

	g = grant(&pl, MG_GRANT_HELO, "gw.supplier-parts.example");
	assert_non_null(g);
	assert_int_equal(g->line, 1);
	assert_non_null(grant(&pl, MG_GRANT_HELO, "probe.relay.example.org"));

	g = grant(&pl, MG_GRANT_RCPT,
	    "mailguard-relaytest@partner-relay.example");
	assert_non_null(g);
	assert_string_equal(g->file, "/etc/postfix/rcpt.re");
	assert_int_equal(g->line, 1);
	assert_int_equal(pl.ngrants, 7);	/* not [a-z]+, not our own */

	c = client(&pl, "81.169.1.1");
	assert_non_null(c);
	assert_true(c->trusted);
	assert_true(c->wide);
	assert_string_equal(c->file, "/etc/postfix/clients.cidr");
	assert_int_equal(c->line, 2);
	assert_non_null(strstr(c->why, "check_client_access"));
	c = client(&pl, "192.0.2.44");
	assert_non_null(c);
	assert_true(c->trusted);
	assert_false(c->wide);
	assert_int_equal(c->line, 3);
	c = client(&pl, "100.80.1.1");	/* "100.80": a /16 */
	assert_non_null(c);
	assert_string_equal(c->file, "/etc/postfix/clients");
	assert_int_equal(c->line, 1);
	assert_null(client(&pl, "198.18.0.2"));	/* REJECT */
	assert_non_null(client(&pl, "127.99.1.1"));	/* mynetworks still */
	mg_probe_plan_free(&pl);
	mg_model_free(&m);
}

/* test_exim_enumeration - accept statements with senders and hosts */
static void
test_exim_enumeration(void **state)
{
	static const char *conf = "acl_smtp_rcpt = acl_check_rcpt\n"
	    "addresslist partner_senders = orders@tools-vendor.example\n"
	    "hostlist partner_hosts = 81.169.0.0/16\n"
	    "begin acl\n"
	    "acl_check_rcpt:\n"
	    "  accept hosts = :\n"
	    "  accept senders = *@supplier-parts.example : "
	    "+partner_senders : ^.*@regex\\\\.example$ : !*@x.example\n"
	    "  accept hosts = +partner_hosts\n"
	    "  accept condition = ${if eq{$sender_helo_name}"
	    "{gw.supplier-parts.example}}\n"
	    "  accept condition = ${if eq{$sender_helo_name}"
	    "{$primary_hostname}}\n"
	    "  deny senders = *@blocked.example\n"
	    "  require domains = +local_domains\n"
	    "  accept\n";
	struct mg_model m;
	struct mg_probe_plan pl;
	const struct mg_probe_client *c;

	(void)state;
	mg_model_init(&m);
	m.mta = MG_MTA_EXIM;
	mg_model_param_add(&m, "acl_smtp_rcpt")->value =
	    mg_xstrdup("acl_check_rcpt");
	mg_exim_conf_parse(&m, conf);
	mg_probe_plan_init(&pl);
	mg_check_probe_plan(&m, NULL, 0, &pl);
	assert_non_null(grant(&pl, MG_GRANT_SENDER,
	    "postmaster@supplier-parts.example"));
	assert_non_null(grant(&pl, MG_GRANT_SENDER,
	    "orders@tools-vendor.example"));
	assert_null(grant(&pl, MG_GRANT_SENDER,
	    "postmaster@blocked.example"));
	assert_non_null(grant(&pl, MG_GRANT_HELO,
	    "gw.supplier-parts.example"));
	assert_int_equal(pl.ngrants, 3);	/* not $primary_hostname */
	assert_non_null(strstr(pl.grants[0].entry, "acl_check_rcpt: accept "
	    "senders = "));
	c = client(&pl, "81.169.1.1");
	assert_non_null(c);
	assert_true(c->wide);
	mg_probe_plan_free(&pl);
	mg_model_free(&m);
}

/* test_dump_roundtrip - the console's child hands a run over as lines:
 * grant tests keep their HELO and entry, a tempfail client its status,
 * and the findings and JSON say tempfail and the entry */
static void
test_dump_roundtrip(void **state)
{
	struct mg_probe_report pr, back;
	struct mg_probe_result *r;
	struct mg_report rep;
	struct mg_str json = MG_STR_INIT;
	char *buf = NULL;
	size_t len = 0, i, k;
	FILE *fp;

	(void)state;
	mg_probe_report_init(&pr);
	(void)snprintf(pr.where, sizeof(pr.where), "127.0.0.1:25");
	(void)snprintf(pr.how, sizeof(pr.how), "exim -bh");
	(void)mg_probe_plan_grant(&pr.plan, MG_GRANT_HELO,
	    "gw.supplier-parts.example", "acl_check_rcpt: accept condition",
	    "/etc/exim4/exim4.conf", 56);
	battery(&pr.b);
	mg_probe_battery_grants(&pr.b, &pr.plan, "example.net");
	for (i = 0; i < 2; i++) {
		r = MG_ARRAY_PUSH(pr.res, pr.nres, pr.res_cap);
		memset(r, 0, sizeof(*r));
		(void)snprintf(r->c.addr, sizeof(r->c.addr), i == 0 ?
		    "203.0.113.50" : "210.99.1.1");
		r->a = answers(&pr.b, i == 0 ? 550 : 451, i == 0 ?
		    "550 relay not permitted" : "451 4.3.0 <x>: Temporary "
		    "lookup failure");
	}
	for (k = 0; k < pr.b.n; k++)
		if (pr.b.v[k].helo[0] != '\0') {
			pr.res[0].a[k].rcpt = 250;
			(void)snprintf(pr.res[0].a[k].text,
			    sizeof(pr.res[0].a[k].text), "250 Accepted");
		}
	fp = open_memstream(&buf, &len);
	assert_non_null(fp);
	mg_probe_dump(fp, &pr);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(mg_probe_undump(buf, &back), 0);
	free(buf);
	assert_int_equal(back.b.n, pr.b.n);
	for (k = 0; k < back.b.n; k++) {
		assert_string_equal(back.b.v[k].helo, pr.b.v[k].helo);
		assert_string_equal(back.b.v[k].entry, pr.b.v[k].entry);
		assert_string_equal(back.b.v[k].file, pr.b.v[k].file);
		assert_int_equal(back.b.v[k].line, pr.b.v[k].line);
	}
	assert_int_equal(back.res[0].status, MG_PS_OPEN);
	assert_int_equal(back.res[0].relayed, 1);
	assert_int_equal(back.res[1].status, MG_PS_TEMPFAIL);
	mg_report_init(&rep);
	mg_probe_findings(&back, &rep);
	assert_int_equal(back.open, 1);
	assert_int_equal(back.tempfail, 1);
	for (i = 0, k = 0; i < rep.nfindings; i++)
		if (strcmp(rep.findings[i].id, "probe.tempfail") == 0 ||
		    strcmp(rep.findings[i].id, "probe.open-relay") == 0)
			k++;
	assert_int_equal(k, 2);
	assert_int_equal(mg_probe_exit_code(&back, &rep), MG_EXIT_CRIT);
	mg_probe_json(&json, &back, &rep);
	assert_non_null(strstr(mg_str_cstr(&json), "\"tempfail\": true"));
	assert_non_null(strstr(mg_str_cstr(&json), "\"status\": "
	    "\"tempfail\""));
	assert_non_null(strstr(mg_str_cstr(&json), "\"opened_by\": "
	    "\"acl_check_rcpt: accept condition\""));
	assert_non_null(strstr(mg_str_cstr(&json), "\"line\": 56"));
	mg_str_free(&json);
	mg_report_free(&rep);
	mg_probe_report_free(&back);
	mg_probe_report_free(&pr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tempfail_verdict),
		cmocka_unit_test(test_grants_in_battery),
		cmocka_unit_test(test_pf_enumeration),
		cmocka_unit_test(test_exim_enumeration),
		cmocka_unit_test(test_dump_roundtrip),
	};

	return (cmocka_run_group_tests_name("probe_grants", tests, NULL,
	    NULL));
}
