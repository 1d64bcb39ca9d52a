/*
 * test_check_backscatter.c - accepted-then-bounced mail on captured data:
 * postconf -n/-x and main.cf of the lab's Postfix scenarios
 * (tests/unit/data/pf_postconf/backscatter-*, lab-stock, level0), exim
 * -bP config and exim -bt of the lab's Exim scenarios
 * (tests/unit/data/exim_conf, exim_bt: backscatter-plain,
 * debian-stock-public).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../backends/exim/exim_conf.h"
#include "../../backends/exim/exim_route.h"
#include "../../core/mg_file.h"
#include "../../core/mg_srcfile.h"
#include "mg_test.h"
#include "pf_fixture.h"

#define PF "tests/unit/data/pf_postconf/"
#define EXC "tests/unit/data/exim_conf/"
#define EXB "tests/unit/data/exim_bt/"
#define LOCAL_ID "postfix.backscatter.local-recipients"
#define LUSER_ID "postfix.backscatter.luser-relay"
#define RELAY_ID "postfix.backscatter.relay-recipients"
#define EXIM_ID "exim.backscatter.unverified"
#define SVC_ID "postfix.backscatter.service-override"
#define EXREL_ID "exim.backscatter.relay-recipients"
#define RELAY_BP EXC "relay-domains-template.bP"
#define CALLOUT_LIST "/srv/mg/etc/exim4/local_rcpt_callout"
#define NOSUCH_AT(d) MG_BACKSCATTER_USER "@" d

/* slurp - a fixture file */
static void
slurp(const char *name, struct mg_str *s)
{
	struct mg_err err;

	mg_str_init(s);
	if (mg_file_read(name, 1 << 20, s, NULL, &err) < 0)
		fail_msg("%s", err.msg);
}

/* pf_load - a captured Postfix scenario; with its alias table read (as
 * the backend reads it when it answers) when aliases */
static void
pf_load(struct mg_model *m, const char *name, int aliases)
{
	struct mg_str n, x, cf;
	char path[256];

	(void)snprintf(path, sizeof(path), PF "%s.n", name);
	slurp(path, &n);
	(void)snprintf(path, sizeof(path), PF "%s.x", name);
	slurp(path, &x);
	(void)snprintf(path, sizeof(path), PF "%s.main.cf", name);
	slurp(path, &cf);
	pf_build(m, n.data, x.data, cf.data);
	if (aliases)
		(void)pf_map(m, "hash:/etc/postfix/aliases", "postmaster root\n"
		    "root admin@ops.example.net\n", NULL, NULL);
	mg_str_free(&n);
	mg_str_free(&x);
	mg_str_free(&cf);
}

/* count - findings of the backscatter check with that id prefix */
static size_t
count(const struct mg_report *r, const char *prefix)
{
	size_t i, n = 0;

	for (i = 0; i < r->nfindings; i++)
		n += strncmp(r->findings[i].id, prefix, strlen(prefix)) == 0;
	return (n);
}

/* test_pf_stock_quiet - the lab's stock (Debian) and a level-0 Postfix,
 * whose relay_domains is $mydestination (local domains, not relayed):
 * no finding */
static void
test_pf_stock_quiet(void **state)
{
	static const char *const names[] = { "lab-stock", "level0",
	    "stock36", NULL };
	struct mg_model m;
	struct mg_report r;
	size_t i;

	(void)state;
	for (i = 0; names[i] != NULL; i++) {
		pf_load(&m, names[i], 1);
		/* level0/stock36 keep only some -x lines: Postfix's defaults
		 * of the others */
		if (mg_model_param(&m, "relay_recipient_maps") == NULL)
			pf_params(&m, "relay_recipient_maps =\n"
			    "luser_relay =\n"
			    "local_recipient_maps = proxy:unix:passwd.byname "
			    "hash:/etc/aliases\n");
		assert_non_null(mg_model_param(&m, "relay_domains"));
		pf_run(mg_check_pf_backscatter, &m, &r);
		assert_int_equal(count(&r, "postfix.backscatter"), 0);
		mg_report_free(&r);
		mg_model_free(&m);
	}
}

/* test_pf_local_blank - local_recipient_maps written blank: a finding
 * citing main.cf:58, the fix writing the default there, and the proof's
 * two probes (the made-up user a hole, root kept) */
static void
test_pf_local_blank(void **state)
{
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	pf_load(&m, "backscatter-local", 1);
	pf_run(mg_check_pf_backscatter, &m, &r);
	assert_int_equal(count(&r, "postfix.backscatter"), 1);
	f = pf_finding(&r, LOCAL_ID);
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_INFO);	/* 127.0.0.1 only */
	assert_int_equal(pf_evidence(f, "local_recipient_maps = (empty) "
	    "(written here)")->line, 58);
	assert_non_null(pf_evidence(f, "RCPT TO:<" NOSUCH_AT(
	    "mail.example.com") ">: accepted"));
	assert_int_equal(f->nprobes, 2);
	assert_string_equal(f->probes[0].rcpt, NOSUCH_AT("mail.example.com"));
	assert_string_equal(f->probes[0].client, "198.51.100.9");
	assert_true(f->probes[0].hole_if_accepted);
	assert_string_equal(f->probes[1].rcpt, "root@mail.example.com");
	assert_false(f->probes[1].hole_if_accepted);
	x = mg_report_find_fix(&r, LOCAL_ID);
	assert_non_null(x);
	assert_int_equal(x->nedits, 1);
	assert_int_equal(x->edits[0].line, 58);
	assert_string_equal(x->edits[0].param, "local_recipient_maps");
	assert_string_equal(x->edits[0].new_text,
	    "proxy:unix:passwd.byname $alias_maps");
	assert_int_equal(x->npost, 1);
	assert_string_equal(x->post[0].argv[3], "reload");
	mg_report_free(&r);
	mg_model_free(&m);

	/* reachable from other hosts: medium */
	pf_load(&m, "backscatter-local", 1);
	pf_params(&m, "inet_interfaces = all\n");
	pf_run(mg_check_pf_backscatter, &m, &r);
	assert_int_equal(pf_finding(&r, LOCAL_ID)->severity, MG_SEV_MEDIUM);
	mg_report_free(&r);
	mg_model_free(&m);

	/* inet_interfaces = 127.0.0.1 kept, but master.cf binds an smtpd
	 * to 0.0.0.0 (master(5): the host part wins): medium, with its fix */
	pf_load(&m, "backscatter-local", 1);
	mg_model_service_add(&m, "0.0.0.0:25", "inet")->command =
	    mg_xstrdup("smtpd");
	pf_run(mg_check_pf_backscatter, &m, &r);
	assert_int_equal(pf_finding(&r, LOCAL_ID)->severity, MG_SEV_MEDIUM);
	assert_non_null(mg_report_find_fix(&r, LOCAL_ID));
	mg_report_free(&r);
	mg_model_free(&m);

	/* inet_interfaces = all, but the only smtpd is bound to 127.0.0.1:
	 * no other host connects, info */
	pf_load(&m, "backscatter-local", 1);
	pf_params(&m, "inet_interfaces = all\n");
	mg_model_service_add(&m, "127.0.0.1:smtp", "inet")->command =
	    mg_xstrdup("smtpd");
	pf_run(mg_check_pf_backscatter, &m, &r);
	assert_int_equal(pf_finding(&r, LOCAL_ID)->severity, MG_SEV_INFO);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_pf_local_no_fix - where the default could refuse real users or
 * a table could not be read: the finding, no fix, the reason said */
static void
test_pf_local_no_fix(void **state)
{
	static const struct {
		const char *param;	/* NULL: alias table not read */
		const char *why;
	} cases[] = {
		{ NULL, "alias_maps could not be read" },
		{ "mailbox_transport = lmtp:unix:private/dovecot-lmtp\n",
		    "mailbox_transport is set" },
		{ "local_transport = lmtp:unix:private/dovecot-lmtp\n",
		    "local_transport is not local(8)" },
		{ "fallback_transport = lmtp:unix:private/dovecot-lmtp\n",
		    "fallback_transport is set" },
	};
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		pf_load(&m, "backscatter-local", cases[i].param != NULL);
		if (cases[i].param != NULL)
			pf_params(&m, cases[i].param);
		pf_run(mg_check_pf_backscatter, &m, &r);
		f = pf_finding(&r, LOCAL_ID);
		assert_non_null(f);
		assert_non_null(pf_evidence(f, cases[i].why));
		assert_null(mg_report_find_fix(&r, LOCAL_ID));
		assert_int_equal(f->nprobes, 1);	/* the hole only */
		mg_report_free(&r);
		mg_model_free(&m);
	}
}

/* test_pf_luser_relay - luser_relay with local_recipient_maps blank: its
 * own finding, no fix, and not the local-recipients one (whose fix would
 * end the catch-all) */
static void
test_pf_luser_relay(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	pf_load(&m, "backscatter-luser", 1);
	pf_run(mg_check_pf_backscatter, &m, &r);
	assert_int_equal(count(&r, "postfix.backscatter"), 1);
	f = pf_finding(&r, LUSER_ID);
	assert_non_null(f);
	assert_int_equal(pf_evidence(f, "luser_relay = "
	    "catchall@ops.example.net")->line, 59);
	assert_int_equal(f->nfix_ids, 0);
	assert_int_equal(r.nfixes, 0);
	assert_true(f->probes[0].hole_if_accepted);
	mg_report_free(&r);
	mg_model_free(&m);
	/* with the default local_recipient_maps luser_relay only catches
	 * listed users: no finding */
	pf_load(&m, "backscatter-luser", 1);
	pf_params(&m, "local_recipient_maps = proxy:unix:passwd.byname "
	    "hash:/etc/postfix/aliases\n");
	pf_run(mg_check_pf_backscatter, &m, &r);
	assert_int_equal(count(&r, "postfix.backscatter"), 0);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_pf_relay_recipients - relay_domains without relay_recipient_maps;
 * none with the table, with address verification, or when the relay
 * domains are only in a table that could not be listed (Mailu, iRedMail:
 * usually empty - no finding on a guess) */
static void
test_pf_relay_recipients(void **state)
{
	static const char *const closers[] = {
		"relay_recipient_maps = hash:/etc/postfix/relay_recipients\n",
		"smtpd_recipient_restrictions = reject_unverified_recipient\n",
		/* a table not listed (SQL): its domains, if any, unknown */
		"relay_domains = proxy:mysql:/etc/postfix/relay_domains.cf\n",
		NULL };
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;
	size_t i;

	(void)state;
	pf_load(&m, "backscatter-relay", 1);
	pf_run(mg_check_pf_backscatter, &m, &r);
	assert_int_equal(count(&r, "postfix.backscatter"), 1);
	f = pf_finding(&r, RELAY_ID);
	assert_non_null(f);
	assert_int_equal(pf_evidence(f, "relay_domains = partner.example")->
	    line, 58);
	assert_non_null(pf_evidence(f, "relay_recipient_maps = (empty) "
	    "(default at compatibility_level 3.6)"));
	assert_non_null(pf_evidence(f, "partner.example is a relay domain"));
	assert_int_equal(f->nprobes, 1);
	assert_string_equal(f->probes[0].rcpt, NOSUCH_AT("partner.example"));
	assert_int_equal(r.nfixes, 0);
	mg_report_free(&r);
	mg_model_free(&m);
	for (i = 0; closers[i] != NULL; i++) {
		pf_load(&m, "backscatter-relay", 1);
		pf_params(&m, closers[i]);
		pf_run(mg_check_pf_backscatter, &m, &r);
		assert_int_equal(count(&r, "postfix.backscatter"), 0);
		mg_report_free(&r);
		mg_model_free(&m);
	}
}

/* test_pf_unlisted_off - smtpd_reject_unlisted_recipient = no: no table
 * is asked at RCPT; none when a restriction asks them */
static void
test_pf_unlisted_off(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	pf_load(&m, "lab-stock", 1);
	pf_params(&m, "smtpd_reject_unlisted_recipient = no\n");
	pf_run(mg_check_pf_backscatter, &m, &r);
	assert_int_equal(count(&r, "postfix.backscatter"), 1);
	f = pf_finding(&r, "postfix.backscatter.unlisted-off");
	assert_non_null(f);
	assert_non_null(pf_evidence(f, "smtpd_reject_unlisted_recipient = "
	    "no"));
	assert_string_equal(f->probes[0].rcpt, NOSUCH_AT("mail.example.com"));
	assert_int_equal(r.nfixes, 0);
	mg_report_free(&r);
	mg_model_free(&m);
	pf_load(&m, "lab-stock", 1);
	pf_params(&m, "smtpd_reject_unlisted_recipient = no\n"
	    "smtpd_recipient_restrictions = reject_unlisted_recipient\n");
	pf_run(mg_check_pf_backscatter, &m, &r);
	assert_int_equal(count(&r, "postfix.backscatter"), 0);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* swap - text with every "from" replaced by "to" (caller frees) */
static char *
swap(const char *text, const char *from, const char *to)
{
	struct mg_str out = MG_STR_INIT;
	const char *at;

	mg_str_init(&out);
	while (from != NULL && (at = strstr(text, from)) != NULL) {
		mg_str_append(&out, text, (size_t)(at - text));
		mg_str_puts(&out, to);
		text = at + strlen(from);
	}
	mg_str_puts(&out, text);
	return (mg_str_steal(&out));
}

/* amavis_load - the captured amavis configuration (Debian's main.cf and
 * master.cf with amavisd-new's 127.0.0.1:10025 return service, inet_
 * interfaces = all), each pair (from, to; NULL ends) replaced in postconf
 * -M, -P and master.cf, pextra added to -P if not NULL; main.cf's
 * local_recipient_maps as postconf -x gives it */
static void
amavis_load(struct mg_model *m, const char *const *pairs, const char *pextra)
{
	static const char *const names[] = { "amavis.n", "amavis.x",
	    "amavis.main.cf", "amavis.M", "amavis.P", "amavis.master.cf",
	    NULL };
	struct mg_str t[6];
	char path[256], *next;
	size_t i, k;

	for (i = 0; names[i] != NULL; i++) {
		(void)snprintf(path, sizeof(path), PF "%s", names[i]);
		slurp(path, &t[i]);
		for (k = 0; i >= 3 && pairs != NULL && pairs[k] != NULL;
		    k += 2) {
			next = swap(mg_str_cstr(&t[i]), pairs[k],
			    pairs[k + 1]);
			mg_str_free(&t[i]);
			mg_str_init(&t[i]);
			mg_str_puts(&t[i], next);
			free(next);
		}
	}
	if (pextra != NULL)
		mg_str_puts(&t[4], pextra);
	pf_build(m, t[0].data, t[1].data, t[2].data);
	pf_params(m, "local_recipient_maps = proxy:unix:passwd.byname "
	    "hash:/etc/aliases\nrelay_recipient_maps =\nluser_relay =\n");
	pf_master(m, t[3].data, t[4].data, t[5].data);
	for (i = 0; i < 6; i++)
		mg_str_free(&t[i]);
}

/* test_pf_filter_return_loopback - amavisd-new's return service
 * 127.0.0.1:10025 turns the recipient checks off (-o
 * local_recipient_maps=, receive_override_options=
 * no_unknown_recipient_checks): only this host reaches it, no finding;
 * nor on every address while its own lists refuse all but mynetworks */
static void
test_pf_filter_return_loopback(void **state)
{
	static const char *const pairs[] = { "127.0.0.1:10025", "10025",
	    NULL };
	struct mg_model m;
	struct mg_report r;

	(void)state;
	amavis_load(&m, NULL, NULL);
	assert_non_null(mg_model_service(&m, "127.0.0.1:10025", "inet"));
	pf_run(mg_check_pf_backscatter, &m, &r);
	assert_int_equal(count(&r, "postfix.backscatter"), 0);
	mg_report_free(&r);
	mg_model_free(&m);
	/* on every address, its own permit_mynetworks,reject lists (with
	 * -o mynetworks=127.0.0.0/8) still let only this host in */
	amavis_load(&m, pairs, NULL);
	assert_non_null(mg_model_service(&m, "10025", "inet"));
	pf_run(mg_check_pf_backscatter, &m, &r);
	assert_int_equal(count(&r, "postfix.backscatter"), 0);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_pf_filter_return_public - the same return service bound to every
 * address (named "10025") and without its own permit_mynetworks,reject
 * lists (with them, only mynetworks = 127.0.0.0/8 gets in: no finding):
 * the made-up user is accepted there; the finding cites its two
 * master.cf lines, the probe is judged by that service, and the fix
 * comments out local_recipient_maps= and keeps no_header_body_checks */
static void
test_pf_filter_return_public(void **state)
{
	static const char *const pairs[] = { "127.0.0.1:10025", "10025",
	    " -o smtpd_recipient_restrictions=permit_mynetworks,reject "
	    "-o smtpd_relay_restrictions=permit_mynetworks,reject", "",
	    "  -o smtpd_recipient_restrictions=permit_mynetworks,reject\n"
	    "  -o smtpd_relay_restrictions=permit_mynetworks,reject\n", "",
	    "10025/inet/smtpd_recipient_restrictions = permit_mynetworks,"
	    "reject\n", "", "10025/inet/smtpd_relay_restrictions = "
	    "permit_mynetworks,reject\n", "", NULL };
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;
	size_t i, hits = 0;

	(void)state;
	amavis_load(&m, pairs, NULL);
	pf_run(mg_check_pf_backscatter, &m, &r);
	assert_int_equal(count(&r, "postfix.backscatter"), 1);
	f = pf_finding(&r, SVC_ID);
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	assert_non_null(pf_evidence(f, "service 10025 (inet): -o "
	    "local_recipient_maps="));
	assert_non_null(pf_evidence(f, "-o receive_override_options="
	    "no_unknown_recipient_checks,no_header_body_checks"));
	assert_int_equal(f->nprobes, 1);
	assert_string_equal(f->probes[0].rcpt, NOSUCH_AT("mail.example.com"));
	assert_string_equal(f->probes[0].service, "10025/inet");
	assert_true(f->probes[0].hole_if_accepted);
	x = mg_report_find_fix(&r, SVC_ID);
	assert_non_null(x);
	assert_int_equal(f->nfix_ids, 1);
	assert_int_equal(x->nedits, 2);
	for (i = 0; i < x->nedits; i++) {
		assert_string_equal(x->edits[i].file, "/etc/postfix/master.cf");
		if (strcmp(x->edits[i].new_text,
		    "#  -o local_recipient_maps=") == 0)
			hits++;
		if (strcmp(x->edits[i].new_text,
		    "  -o receive_override_options=no_header_body_checks") ==
		    0)
			hits++;
	}
	assert_int_equal(hits, 2);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_pf_port25_override_no_fix - port 25's own entry with -o
 * local_recipient_maps= on its first line: the finding, and no
 * automatic fix (the line holds the whole entry); with every listener
 * on loopback, the same finding at info, and none for 10025 */
static void
test_pf_port25_override_no_fix(void **state)
{
	static const char *const pairs[] = {
	    "smtp       inet  n       -       y       -       -       smtpd\n",
	    "smtp       inet  n       -       y       -       -       smtpd "
	    "-o local_recipient_maps=\n",
	    "smtp      inet  n       -       y       -       -       smtpd\n",
	    "smtp      inet  n       -       y       -       -       smtpd "
	    "-o local_recipient_maps=\n", NULL };
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	amavis_load(&m, pairs, "smtp/inet/local_recipient_maps =\n");
	pf_run(mg_check_pf_backscatter, &m, &r);
	f = pf_finding(&r, SVC_ID);
	assert_non_null(f);
	assert_non_null(pf_evidence(f, "no automatic fix"));
	assert_int_equal(f->nfix_ids, 0);
	assert_null(mg_report_find_fix(&r, SVC_ID));
	assert_string_equal(f->probes[0].service, "smtp/inet");
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	mg_report_free(&r);
	mg_model_free(&m);
	/* every listener on loopback: port 25's smtpd still judged (info),
	 * the filter's return port still not */
	amavis_load(&m, pairs, "smtp/inet/local_recipient_maps =\n");
	pf_params(&m, "inet_interfaces = 127.0.0.1\n");
	pf_run(mg_check_pf_backscatter, &m, &r);
	assert_int_equal(count(&r, "postfix.backscatter"), 1);
	f = pf_finding(&r, SVC_ID);
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_INFO);
	assert_null(pf_evidence(f, "10025"));
	mg_report_free(&r);
	mg_model_free(&m);
	amavis_load(&m, NULL, NULL);
	pf_params(&m, "inet_interfaces = 127.0.0.1\n");
	pf_run(mg_check_pf_backscatter, &m, &r);
	assert_int_equal(count(&r, "postfix.backscatter"), 0);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_pf_main_cf_no_unknown_checks - receive_override_options =
 * no_unknown_recipient_checks in main.cf (meant for the filter's return
 * port, written globally): port 25's smtpd refuses no unknown user; the
 * finding names it, with no automatic fix (the return port may need it)
 * and no word of a shared master.cf line */
static void
test_pf_main_cf_no_unknown_checks(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	amavis_load(&m, NULL, NULL);
	pf_params(&m, "receive_override_options = "
	    "no_unknown_recipient_checks\n");
	pf_run(mg_check_pf_backscatter, &m, &r);
	assert_int_equal(count(&r, "postfix.backscatter"), 1);
	f = pf_finding(&r, SVC_ID);
	assert_non_null(f);
	assert_non_null(pf_evidence(f, "service smtp (inet) takes it from "
	    "main.cf"));
	assert_null(pf_evidence(f, "10025"));
	assert_null(pf_evidence(f, "shares its master.cf line"));
	assert_int_equal(f->nfix_ids, 0);
	assert_null(mg_report_find_fix(&r, SVC_ID));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_pf_gated_or_client_port_quiet - docker-mailserver's submission:
 * -o smtpd_reject_unlisted_recipient=no behind
 * smtpd_client_restrictions=permit_sasl_authenticated,reject: only a
 * logged-in user gets to RCPT (a typo bounces to that user), no finding;
 * a port that offers AUTH itself is for clients (check_pf_submission
 * judges it), no finding either; the same override on a second port 25
 * (2525) without a gate: the finding */
static void
test_pf_gated_or_client_port_quiet(void **state)
{
	static const char *const pairs[] = { "-o smtpd_sasl_auth_enable=yes",
	    "-o smtpd_sasl_auth_enable=yes -o smtpd_reject_unlisted_"
	    "recipient=no -o smtpd_client_restrictions="
	    "permit_sasl_authenticated,reject", NULL };
	static const char *const open_pairs[] = {
	    "-o syslog_name=postfix/submissions", "",
	    "submissions/inet/syslog_name = postfix/submissions\n", "",
	    "submissions/inet/smtpd_sasl_auth_enable = yes\n", "",
	    "-o smtpd_sasl_auth_enable=yes",
	    "-o smtpd_reject_unlisted_recipient=no", "submissions", "2525",
	    NULL };
	struct mg_model m;
	struct mg_report r;

	(void)state;
	amavis_load(&m, pairs, "submissions/inet/smtpd_reject_unlisted_"
	    "recipient = no\nsubmissions/inet/smtpd_client_restrictions = "
	    "permit_sasl_authenticated,reject\n");
	assert_non_null(mg_service_override(mg_model_service(&m,
	    "submissions", "inet"), "smtpd_reject_unlisted_recipient"));
	pf_run(mg_check_pf_backscatter, &m, &r);
	assert_int_equal(count(&r, "postfix.backscatter"), 0);
	mg_report_free(&r);
	mg_model_free(&m);
	amavis_load(&m, NULL, "submissions/inet/smtpd_reject_unlisted_"
	    "recipient = no\n");
	pf_run(mg_check_pf_backscatter, &m, &r);
	assert_int_equal(count(&r, "postfix.backscatter"), 0);
	mg_report_free(&r);
	mg_model_free(&m);
	amavis_load(&m, open_pairs, "2525/inet/smtpd_reject_unlisted_"
	    "recipient = no\n");
	assert_null(mg_service_override(mg_model_service(&m, "2525", "inet"),
	    "smtpd_sasl_auth_enable"));
	pf_run(mg_check_pf_backscatter, &m, &r);
	assert_int_equal(count(&r, "postfix.backscatter"), 1);
	assert_non_null(pf_evidence(pf_finding(&r, SVC_ID), "service 2525 "
	    "(inet): -o smtpd_reject_unlisted_recipient=no"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* ex_load - a captured Exim scenario: exim -bP config, its source file
 * located when conf, exim -bt's answers for root and the made-up user
 * when bt */
static void
ex_load(struct mg_model *m, const char *name, int conf, int bt)
{
	static const char *const addrs[] = { "root@mail.example.com",
	    NOSUCH_AT("mail.example.com"), NULL };
	static const char *const macros[] = { NULL };
	struct mg_str text, trace, out;
	struct mg_err err;
	char path[256];

	(void)snprintf(path, sizeof(path), EXC "%s.bP", name);
	slurp(path, &text);
	mg_model_init(m);
	m->mta = MG_MTA_EXIM;
	mg_exim_conf_parse(m, mg_str_cstr(&text));
	mg_str_free(&text);
	if (conf) {
		(void)snprintf(path, sizeof(path), EXC "%s.conf", name);
		m->config_file = mg_xstrdup(path);
		assert_int_equal(mg_model_read_file(m, path, &err), 0);
		mg_exim_conf_locate(m, mg_model_file(m, path), macros);
	}
	if (!bt)
		return;
	(void)snprintf(path, sizeof(path), EXB "%s.trace", name);
	slurp(path, &trace);
	(void)snprintf(path, sizeof(path), EXB "%s.out", name);
	slurp(path, &out);
	mg_exim_route_parse(mg_model_map_add(m, MG_EXIM_ROUTES), addrs,
	    trace.data, out.data);
	mg_str_free(&trace);
	mg_str_free(&out);
}

/* test_exim_unverified - the accept for +local_domains before require
 * verify = recipient, with exim -bt's "Unknown user": the finding at its
 * line, the probes, the deny placed before the accept */
static void
test_exim_unverified(void **state)
{
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	ex_load(&m, "backscatter-plain", 1, 1);
	pf_run(mg_check_exim_backscatter, &m, &r);
	f = pf_finding(&r, EXIM_ID);
	assert_non_null(f);
	assert_int_equal(pf_evidence(f, "\"accept\" domains = +local_domains "
	    "comes before")->line, 60);
	assert_non_null(pf_evidence(f, "exim -bt " NOSUCH_AT(
	    "mail.example.com") ": undeliverable: Unknown user"));
	assert_int_equal(f->nprobes, 2);
	assert_true(f->probes[0].hole_if_accepted);
	assert_string_equal(f->probes[0].sender, "");
	assert_string_equal(f->probes[1].rcpt, "root@mail.example.com");
	assert_false(f->probes[1].hole_if_accepted);
	x = mg_report_find_fix(&r, "exim.backscatter.verify-recipient");
	assert_non_null(x);
	assert_int_equal(x->edits[0].line, 60);
	assert_string_equal(x->edits[0].new_text, "  deny    domains = "
	    "+local_domains\n          !verify = recipient\n"
	    "  accept  domains       = +local_domains");
	assert_int_equal(x->npost, 0);	/* plain layout: no generator */
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_exim_quiet - Debian's stock ACL verifies first; -bt not asked; a
 * router that takes the made-up user (nothing bounces): no finding */
static void
test_exim_quiet(void **state)
{
	struct mg_model m;
	struct mg_report r;
	struct mg_map *t;

	(void)state;
	ex_load(&m, "debian-stock-public", 0, 1);
	assert_string_equal(mg_exim_route(&m, NOSUCH_AT("mail.example.com")),
	    "!Unrouteable address");
	pf_run(mg_check_exim_backscatter, &m, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	mg_model_free(&m);

	ex_load(&m, "backscatter-plain", 1, 0);
	pf_run(mg_check_exim_backscatter, &m, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	mg_model_free(&m);

	ex_load(&m, "backscatter-plain", 1, 0);
	t = mg_model_map_add(&m, MG_EXIM_ROUTES);
	(void)mg_map_answer_add(t, NOSUCH_AT("mail.example.com"), "catchall");
	pf_run(mg_check_exim_backscatter, &m, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* ex_text - a model from exim -bP config text, the text first edited:
 * each old (which must be there) replaced by its new; NULL ends */
static void
ex_text(struct mg_model *m, const char *path, ...)
{
	struct mg_str text, out;
	const char *old, *new, *at;
	va_list ap;

	slurp(path, &text);
	va_start(ap, path);
	while ((old = va_arg(ap, const char *)) != NULL) {
		new = va_arg(ap, const char *);
		at = strstr(mg_str_cstr(&text), old);
		if (at == NULL)
			fail_msg("not in %s: %s", path, old);
		mg_str_init(&out);
		mg_str_printf(&out, "%.*s%s%s", (int)(at - text.data),
		    text.data, new, at + strlen(old));
		mg_str_free(&text);
		text = out;
	}
	va_end(ap);
	mg_model_init(m);
	m->mta = MG_MTA_EXIM;
	mg_exim_conf_parse(m, mg_str_cstr(&text));
	mg_str_free(&text);
}

/* callout_list - Debian's CONFDIR/local_rcpt_callout as the backend
 * reads it when it exists */
static void
callout_list(struct mg_model *m, const char *text)
{
	mg_srcfile_set_text(mg_model_file_add(m, CALLOUT_LIST), text,
	    strlen(text));
}

/* relay_count - exim.backscatter.relay-recipients findings */
static size_t
relay_count(const struct mg_model *m)
{
	struct mg_report r;
	size_t n;

	pf_run(mg_check_exim_backscatter, m, &r);
	n = count(&r, EXREL_ID);
	mg_report_free(&r);
	return (n);
}

/* test_exim_relay_debian - Debian's template (split and unsplit give the
 * same exim -bP) with dc_relay_domains='example.org': "require verify =
 * recipient" only routes the domain, local_rcpt_callout does not exist;
 * the finding names relay_to_domains, the accept, the callout statement,
 * and asks exim -bh about the made-up user there; no fix; medium on all
 * interfaces, info on loopback only */
static void
test_exim_relay_debian(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	ex_text(&m, RELAY_BP, "local_interfaces = <; 127.0.0.1 ; ::1",
	    "local_interfaces = <; 0.0.0.0 ; ::0", NULL);
	pf_run(mg_check_exim_backscatter, &m, &r);
	assert_int_equal(r.nfindings, 1);
	f = pf_finding(&r, EXREL_ID);
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	assert_null(pf_evidence(f, "loopback only"));
	assert_string_equal(f->area, "aliases");
	assert_non_null(pf_evidence(f, "relay_to_domains = example.org"));
	assert_non_null(pf_evidence(f, "acl_check_rcpt: \"accept\" domains = "
	    "+relay_to_domains takes any local part"));
	assert_non_null(pf_evidence(f, "listed in " CALLOUT_LIST ", which "
	    "does not exist"));
	assert_int_equal(f->nprobes, 1);
	assert_string_equal(f->probes[0].client, MG_BACKSCATTER_CLIENT);
	assert_string_equal(f->probes[0].sender, "");
	assert_string_equal(f->probes[0].rcpt, NOSUCH_AT("example.org"));
	assert_true(f->probes[0].hole_if_accepted);
	assert_int_equal(f->nfix_ids, 0);
	assert_int_equal(r.nfixes, 0);
	mg_report_free(&r);
	mg_model_free(&m);

	/* as captured: the lab's loopback-only daemon, info until it
	 * listens elsewhere (as the Postfix finding) */
	ex_text(&m, RELAY_BP, NULL);
	pf_run(mg_check_exim_backscatter, &m, &r);
	f = pf_finding(&r, EXREL_ID);
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_INFO);
	assert_non_null(pf_evidence(f, "local_interfaces = <; 127.0.0.1 ; "
	    "::1: Exim listens on loopback only"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* loopback_as - mg_check_exim_loopback_only with local_interfaces set
 * to value on the relay capture */
static int
loopback_as(const char *value)
{
	struct mg_model m;
	struct mg_str line = MG_STR_INIT;
	int lo;

	mg_str_printf(&line, "local_interfaces = %s", value);
	ex_text(&m, RELAY_BP, "local_interfaces = <; 127.0.0.1 ; ::1",
	    mg_str_cstr(&line), NULL);
	lo = mg_check_exim_loopback_only(&m) != NULL;
	mg_str_free(&line);
	mg_model_free(&m);
	return (lo);
}

/*
 * test_exim_listen_forms - whether Exim listens on loopback only, in each
 * form local_interfaces may take: with ports (127.0.0.1.25,
 * [127.0.0.1]:25, [::1]:25), a colon list doubling IPv6's colons, an
 * empty item; all three checks that ask (acl, auth, backscatter) use
 * this one answer (before, the acl and auth checks took [127.0.0.1]:25
 * for a public interface)
 */
static void
test_exim_listen_forms(void **state)
{
	(void)state;
	assert_true(loopback_as("<; 127.0.0.1 ; ::1"));
	assert_true(loopback_as("<; [127.0.0.1]:25 ; [::1]:587"));
	assert_true(loopback_as("127.0.0.1.25 : ::::1.25"));
	assert_true(loopback_as("<; 127.0.0.1 ; ; ::1"));
	assert_true(loopback_as("127.0.0.2"));
	assert_false(loopback_as("<; 0.0.0.0 ; ::0"));
	assert_false(loopback_as("<; 127.0.0.1 ; 192.0.2.1"));
	assert_false(loopback_as("<; [192.0.2.1]:25"));
	assert_false(loopback_as("<; ::10"));
	assert_false(loopback_as(""));
	assert_false(loopback_as("<; ;"));
}

/* test_exim_relay_callout_file - local_rcpt_callout: "*@example.org"
 * guards it; a file naming another domain, or one user only, does not */
static void
test_exim_relay_callout_file(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	ex_text(&m, RELAY_BP, NULL);
	callout_list(&m, "# relay domains verified by callout\n"
	    "*@Example.org\n");
	assert_int_equal(relay_count(&m), 0);
	mg_model_free(&m);

	ex_text(&m, RELAY_BP, NULL);
	callout_list(&m, "*@*\n");
	assert_int_equal(relay_count(&m), 0);
	mg_model_free(&m);

	/* as exim -bh's trace shows Exim 4.96 matching
	 * mailguard-nosuchuser-q7x@example.org against the file: a bare
	 * domain and "*example.org", "*@*.org" match, "@example.org" not */
	ex_text(&m, RELAY_BP, NULL);
	callout_list(&m, "example.org\n");
	assert_int_equal(relay_count(&m), 0);
	mg_model_free(&m);
	ex_text(&m, RELAY_BP, NULL);
	callout_list(&m, "*example.org\n");
	assert_int_equal(relay_count(&m), 0);
	mg_model_free(&m);
	ex_text(&m, RELAY_BP, NULL);
	callout_list(&m, "*@*.org\n");
	assert_int_equal(relay_count(&m), 0);
	mg_model_free(&m);
	ex_text(&m, RELAY_BP, NULL);
	callout_list(&m, "@example.org\n*.example.org\nxexample.org\n");
	assert_int_equal(relay_count(&m), 1);
	mg_model_free(&m);

	ex_text(&m, RELAY_BP, NULL);
	callout_list(&m, "*@other.example\ninfo@example.org\n");
	pf_run(mg_check_exim_backscatter, &m, &r);
	f = pf_finding(&r, EXREL_ID);
	assert_non_null(f);
	assert_non_null(pf_evidence(f, "which does not list this relay "
	    "domain"));
	assert_string_equal(f->probes[0].rcpt, NOSUCH_AT("example.org"));
	mg_report_free(&r);
	mg_model_free(&m);

	/* two relay domains, the file covers the first: the second is
	 * probed */
	ex_text(&m, RELAY_BP, "relay_to_domains = example.org",
	    "relay_to_domains = example.org : hub.example.net", NULL);
	callout_list(&m, "*@example.org\n");
	pf_run(mg_check_exim_backscatter, &m, &r);
	f = pf_finding(&r, EXREL_ID);
	assert_non_null(f);
	assert_string_equal(f->probes[0].rcpt, NOSUCH_AT("hub.example.net"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_exim_relay_guarded - shapes that check the user: a callout on the
 * relay accept or before it, a recipient list denied before it or on the
 * accept itself, a router for the relay domains that checks local parts;
 * no relay domains at all (Debian's default) */
static void
test_exim_relay_guarded(void **state)
{
	static const char accept[] = "    accept\n    domains = "
	    "+relay_to_domains\n    endpass\n    verify = recipient\n";
	struct mg_model m;

	(void)state;
	ex_text(&m, RELAY_BP, "    endpass\n    verify = recipient\n",
	    "    endpass\n    verify = recipient/callout=30s,defer_ok\n", NULL);
	assert_int_equal(relay_count(&m), 0);
	mg_model_free(&m);

	ex_text(&m, RELAY_BP, accept, "    deny\n    domains = "
	    "+relay_to_domains\n    !verify = recipient/callout=10s\n    "
	    "accept\n", NULL);
	assert_int_equal(relay_count(&m), 0);
	mg_model_free(&m);

	ex_text(&m, RELAY_BP, accept, "    deny\n    message = unknown user\n"
	    "    domains = +relay_to_domains\n    !recipients = "
	    "lsearch;/srv/mg/etc/exim4/relay_recipients\n", "    accept\n"
	    "\n  acl_check_data:", "    accept\n    domains = "
	    "+relay_to_domains\n    endpass\n    verify = recipient\n    "
	    "accept\n\n  acl_check_data:", NULL);
	assert_int_equal(relay_count(&m), 0);
	mg_model_free(&m);

	ex_text(&m, RELAY_BP, accept, "    accept\n    domains = "
	    "+relay_to_domains\n    recipients = lsearch;/srv/mg/etc/exim4/"
	    "relay_recipients\n", "    accept\n\n  acl_check_data:",
	    "    deny\n\n  acl_check_data:", NULL);
	assert_int_equal(relay_count(&m), 0);
	mg_model_free(&m);

	/* the relay routers check the local part; hubbed_hosts is limited
	 * to the local domains so it cannot take them */
	ex_text(&m, RELAY_BP, "    domains = \"${if exists{/srv/mg/etc/exim4/"
	    "hubbed_hosts}{partial-lsearch;/srv/mg/etc/exim4/hubbed_hosts}"
	    "fail}\"\n", "    domains = +local_domains\n",
	    "    domains = ! +local_domains : +relay_to_domains\n",
	    "    domains = ! +local_domains : +relay_to_domains\n    "
	    "local_parts = lsearch;/srv/mg/etc/exim4/relay_users\n",
	    "    domains = ! +local_domains\n    transport", "    domains = "
	    "! +local_domains : ! +relay_to_domains\n    transport", NULL);
	assert_int_equal(relay_count(&m), 0);
	mg_model_free(&m);

	ex_load(&m, "debian-stock-public", 0, 0);
	assert_int_equal(relay_count(&m), 0);
	mg_model_free(&m);

	/* the relay domain is a local domain too: its users are verified
	 * as local ones; with a real relay domain beside it, that one is
	 * probed */
	ex_text(&m, RELAY_BP, "relay_to_domains = example.org",
	    "relay_to_domains = example.com", NULL);
	assert_int_equal(relay_count(&m), 0);
	mg_model_free(&m);
	ex_text(&m, RELAY_BP, "relay_to_domains = example.org",
	    "relay_to_domains = example.com : example.org", NULL);
	assert_int_equal(relay_count(&m), 1);
	mg_model_free(&m);
	/* ... unless the relay accept comes before any verify */
	ex_text(&m, RELAY_BP, "relay_to_domains = example.org",
	    "relay_to_domains = example.com", "    require\n    message = "
	    "relay not permitted\n", "    accept\n    domains = "
	    "+relay_to_domains\n    require\n    message = relay not "
	    "permitted\n", NULL);
	assert_int_equal(relay_count(&m), 1);
	mg_model_free(&m);
}

/* test_exim_relay_unguarded_shapes - what still lets any user through:
 * the relay routers check local parts but Debian's hubbed_hosts router
 * (an expansion: it may take the relay domain) comes first; a plain
 * "accept domains = +relay_to_domains" before any verify (no endpass) */
static void
test_exim_relay_unguarded_shapes(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	ex_text(&m, RELAY_BP, "    domains = ! +local_domains : "
	    "+relay_to_domains\n", "    domains = ! +local_domains : "
	    "+relay_to_domains\n    local_parts = lsearch;/srv/mg/etc/exim4/"
	    "relay_users\n", NULL);
	assert_int_equal(relay_count(&m), 1);
	mg_model_free(&m);

	/* a recipient list that applies to some clients only */
	ex_text(&m, RELAY_BP, "    accept\n    domains = +relay_to_domains\n"
	    "    endpass\n", "    deny\n    hosts = 192.0.2.0/24\n    "
	    "domains = +relay_to_domains\n    !recipients = lsearch;/srv/mg/"
	    "etc/exim4/relay_recipients\n    accept\n    domains = "
	    "+relay_to_domains\n    endpass\n", NULL);
	assert_int_equal(relay_count(&m), 1);
	mg_model_free(&m);

	ex_text(&m, RELAY_BP, "    require\n    message = relay not "
	    "permitted\n", "    accept\n    domains = +relay_to_domains\n"
	    "    require\n    message = relay not permitted\n", NULL);
	pf_run(mg_check_exim_backscatter, &m, &r);
	f = pf_finding(&r, EXREL_ID);
	assert_non_null(f);
	assert_null(pf_evidence(f, "the callout here"));
	mg_report_free(&r);
	mg_model_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pf_stock_quiet),
		cmocka_unit_test(test_pf_local_blank),
		cmocka_unit_test(test_pf_local_no_fix),
		cmocka_unit_test(test_pf_luser_relay),
		cmocka_unit_test(test_pf_relay_recipients),
		cmocka_unit_test(test_pf_unlisted_off),
		cmocka_unit_test(test_pf_filter_return_loopback),
		cmocka_unit_test(test_pf_filter_return_public),
		cmocka_unit_test(test_pf_port25_override_no_fix),
		cmocka_unit_test(test_pf_gated_or_client_port_quiet),
		cmocka_unit_test(test_pf_main_cf_no_unknown_checks),
		cmocka_unit_test(test_exim_unverified),
		cmocka_unit_test(test_exim_quiet),
		cmocka_unit_test(test_exim_relay_debian),
		cmocka_unit_test(test_exim_listen_forms),
		cmocka_unit_test(test_exim_relay_callout_file),
		cmocka_unit_test(test_exim_relay_guarded),
		cmocka_unit_test(test_exim_relay_unguarded_shapes),
	};

	return (cmocka_run_group_tests_name("check_backscatter", tests, NULL,
	    NULL));
}
