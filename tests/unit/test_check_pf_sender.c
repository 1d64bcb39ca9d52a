/* test_check_pf_sender.c - logins that may send as anyone, on captured
 * Postfix output (the amavis.* configuration: AUTH on in main.cf and on
 * submissions, permit_sasl_authenticated in smtpd_relay_restrictions)
 * and the lab's captured sasldb listing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../backends/postfix/pf_sasl.h"
#include "../../core/mg_file.h"
#include "mg_test.h"
#include "pf_fixture.h"

#define DATA "tests/unit/data/pf_postconf/"
#define ID "postfix.sasl.sender-mismatch"
#define FIX "postfix.sasl.sender-login-maps"
#define REJECT "reject_authenticated_sender_login_mismatch"

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

/* load - the amavis capture on Postfix version, extra main.cf settings
 * (as -n and -x lines) if not NULL, the lab's sasldb accounts if sasldb */
static void
load(struct mg_model *m, const char *version, const char *extra,
    int sasldb)
{
	char *n = slurp("amavis.n"), *x = slurp("amavis.x");
	char *cf = slurp("amavis.main.cf"), *mm = slurp("amavis.M");
	char *pp = slurp("amavis.P"), *mcf = slurp("amavis.master.cf");
	char *db = slurp("saslroot.sasldb");

	pf_build(m, n, x, cf);
	if (extra != NULL) {
		mg_pf_postconf_parse(m, extra, 1);
		mg_pf_postconf_parse(m, extra, 0);
	}
	pf_master(m, mm, pp, mcf);
	m->version = mg_xstrdup(version);
	if (sasldb)
		assert_int_equal(mg_pf_sasldb_parse(m, db,
		    "sasldb /etc/sasldb2"), 3);
	free(n);
	free(x);
	free(cf);
	free(mm);
	free(pp);
	free(mcf);
	free(db);
}

/* edit_of - the fix's edit of param, or NULL */
static const struct mg_edit *
edit_of(const struct mg_fix *x, const char *param)
{
	size_t i;

	for (i = 0; x != NULL && i < x->nedits; i++)
		if (x->edits[i].param != NULL &&
		    strcmp(x->edits[i].param, param) == 0)
			return (&x->edits[i]);
	return (NULL);
}

/* capture - a captured configuration NAME.* (postconf -n, -x, -M, -P,
 * -Px, main.cf and master.cf: the README says whence), main.cf settings
 * extra (as -n and -x lines) if not NULL, the lab's sasldb accounts */
static void
capture_as(struct mg_model *m, const char *name, const char *extra,
    int located)
{
	char f[7][64], *t[7], *db = slurp("saslroot.sasldb");
	static const char *const ext[] = { "n", "x", "main.cf", "M", "P",
	    "Px", "master.cf" };
	size_t i;

	for (i = 0; i < 7; i++) {
		(void)snprintf(f[i], sizeof(f[i]), "%s.%s", name, ext[i]);
		t[i] = slurp(f[i]);
	}
	pf_build(m, t[0], t[1], t[2]);
	if (extra != NULL) {
		mg_pf_postconf_parse(m, extra, 1);
		mg_pf_postconf_parse(m, extra, 0);
	}
	mg_pf_master_parse(m, t[3]);
	mg_pf_master_overrides(m, t[4], 1);
	mg_pf_master_overrides(m, t[5], 0);
	if (!located)
		t[6][0] = '\0';
	mg_srcfile_set_text(mg_model_file_add(m, PF_MASTER_CF), t[6],
	    strlen(t[6]));
	mg_pf_master_locate(m, mg_model_file(m, PF_MASTER_CF));
	m->version = mg_xstrdup("3.7.11");
	assert_int_equal(mg_pf_sasldb_parse(m, db, "sasldb /etc/sasldb2"), 3);
	for (i = 0; i < 7; i++)
		free(t[i]);
	free(db);
}

/* capture - as capture_as, each -o located in master.cf */
static void
capture(struct mg_model *m, const char *name, const char *extra)
{
	capture_as(m, name, extra, 1);
}

/* evidence_at - the finding's evidence starting with text, at file:line
 * (NULL, 0: none) */
static const struct mg_evidence *
evidence_at(const struct mg_finding *f, const char *text)
{
	size_t i;

	for (i = 0; i < f->nevidence; i++)
		if (strncmp(f->evidence[i].text, text, strlen(text)) == 0)
			return (&f->evidence[i]);
	return (NULL);
}

/* replace_of - the fix's replacement of master.cf line, or NULL */
static const struct mg_edit *
replace_of(const struct mg_fix *x, unsigned line)
{
	size_t i;

	for (i = 0; x != NULL && i < x->nedits; i++)
		if (x->edits[i].kind == MG_EDIT_REPLACE &&
		    strcmp(x->edits[i].file, PF_MASTER_CF) == 0 &&
		    x->edits[i].line == line)
			return (&x->edits[i]);
	return (NULL);
}

/* test_no_auth_no_finding - AUTH off everywhere: a login cannot exist */
static void
test_no_auth_no_finding(void **state)
{
	struct mg_model m;
	struct mg_report r;

	(void)state;
	load(&m, "3.7.11", "smtpd_sasl_auth_enable = no\n", 1);
	/* submissions keeps its own -o smtpd_sasl_auth_enable=yes */
	pf_run(mg_check_pf_sender, &m, &r);
	assert_non_null(pf_finding(&r, ID));
	assert_null(pf_evidence(pf_finding(&r, ID), "service smtp (inet"));
	assert_non_null(pf_evidence(pf_finding(&r, ID),
	    "service submissions (inet, master.cf) offers AUTH"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_local_part_logins - sasldb names without a domain: the fix maps
 * NAME@ each mydestination domain to login NAME and puts the reject in
 * front of the (empty) sender restrictions; the proof logs in as alice
 * and forges bob; the content filter's return port is not named */
static void
test_local_part_logins(void **state)
{
	const struct mg_finding *f;
	const struct mg_fix *x;
	const struct mg_edit *e;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	load(&m, "3.7.11", NULL, 1);
	pf_run(mg_check_pf_sender, &m, &r);
	f = pf_finding(&r, ID);
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_HIGH);
	assert_string_equal(f->area, "sasl");
	assert_non_null(pf_evidence(f, "service smtp (inet, master.cf) "
	    "offers AUTH (smtpd_sasl_auth_enable = yes"));
	assert_non_null(pf_evidence(f, "service submissions (inet, "
	    "master.cf) offers AUTH"));
	assert_non_null(pf_evidence(f, "lets logins through: "
	    "smtpd_relay_restrictions = permit_mynetworks "
	    "permit_sasl_authenticated defer_unauth_destination"));
	assert_non_null(pf_evidence(f, "smtpd_sender_login_maps = (empty"));
	assert_null(pf_evidence(f, "10025"));
	assert_int_equal(f->nfix_ids, 1);
	assert_string_equal(f->fix_ids[0], FIX);
	x = mg_report_find_fix(&r, FIX);
	assert_non_null(x);
	e = edit_of(x, "smtpd_sender_login_maps");
	assert_non_null(e);
	assert_string_equal(e->new_text, "regexp:{{/^([^@+]+)(\\+[^@]*)?@("
	    "mail\\.example\\.com|example\\.com|localhost)$$/ $${1}}}");
	e = edit_of(x, "smtpd_sender_restrictions");
	assert_non_null(e);
	assert_string_equal(e->new_text, REJECT);
	assert_int_equal(x->nedits, 2);
	/* each service with the hole is proven on its own settings */
	assert_int_equal(f->nprobes, 4);
	assert_string_equal(f->probes[0].login, "alice");
	assert_string_equal(f->probes[0].sender, "bob@mail.example.com");
	assert_string_equal(f->probes[0].rcpt, "postmaster@mail.example.com");
	assert_true(f->probes[0].hole_if_accepted);
	assert_string_equal(f->probes[0].service, "smtp/inet");
	assert_string_equal(f->probes[1].login, "alice");
	assert_string_equal(f->probes[1].sender, "alice@mail.example.com");
	assert_false(f->probes[1].hole_if_accepted);
	assert_string_equal(f->probes[1].service, "smtp/inet");
	assert_string_equal(f->probes[2].sender, "bob@mail.example.com");
	assert_true(f->probes[2].hole_if_accepted);
	assert_string_equal(f->probes[2].service, "submissions/inet");
	assert_string_equal(f->probes[3].sender, "alice@mail.example.com");
	assert_string_equal(f->probes[3].service, "submissions/inet");
	assert_non_null(pf_evidence(f, "the proof asks service submissions "
	    "(inet) as a login"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_guards - what counts as a check of the sender's owner: a
 * mismatch reject with owners, before the permit that ends its list */
static void
test_guards(void **state)
{
	static const struct {
		const char *name, *extra;
		int finding;
		const char *says;
	} cases[] = {
		{ "reject first, maps set", "smtpd_sender_login_maps = "
		    "hash:/etc/postfix/senders\nsmtpd_sender_restrictions = "
		    REJECT "\n", 0, NULL },
		{ "known-sender reject in the recipient list",
		    "smtpd_sender_login_maps = hash:/etc/postfix/senders\n"
		    "smtpd_recipient_restrictions = "
		    "reject_known_sender_login_mismatch, permit_mynetworks, "
		    "reject_unauth_destination\n", 0, NULL },
		{ "reject after the permit (emailwiz)",
		    "smtpd_sender_login_maps = hash:/etc/postfix/senders\n"
		    "smtpd_sender_restrictions = permit_sasl_authenticated, "
		    "reject_sender_login_mismatch\n", 1, "comes after a "
		    "permit that ends the list" },
		{ "reject without owners refuses every login's sender "
		    "(553 in the lab)", "smtpd_sender_restrictions = "
		    REJECT "\n", 0, NULL },
		{ "known-sender reject without owners knows no sender",
		    "smtpd_sender_restrictions = "
		    "reject_known_sender_login_mismatch\n", 1,
		    "no reject_sender_login_mismatch" },
		{ "permit in the client list ends only that list",
		    "smtpd_sender_login_maps = hash:/etc/postfix/senders\n"
		    "smtpd_client_restrictions = permit_sasl_authenticated\n"
		    "smtpd_sender_restrictions = " REJECT "\n", 0, NULL },
		/* shapes written by others */
		{ "warn_if_reject: a reject that only logs",
		    "smtpd_sender_login_maps = hash:/etc/postfix/senders\n"
		    "smtpd_sender_restrictions = warn_if_reject "
		    "reject_sender_login_mismatch, permit_sasl_authenticated\n",
		    1, "the login-mismatch reject in "
		    "smtpd_sender_restrictions follows warn_if_reject" },
		{ "warn_if_reject on another restriction",
		    "smtpd_sender_login_maps = hash:/etc/postfix/senders\n"
		    "smtpd_sender_restrictions = warn_if_reject "
		    "reject_unknown_sender_domain, " REJECT "\n", 0, NULL },
		{ "the reject in a restriction class",
		    "smtpd_sender_login_maps = hash:/etc/postfix/senders\n"
		    "smtpd_restriction_classes = owners\n"
		    "owners = " REJECT "\n"
		    "smtpd_sender_restrictions = owners, "
		    "permit_sasl_authenticated\n", 0, NULL },
		{ "a class's permit ends the list that names it",
		    "smtpd_sender_login_maps = hash:/etc/postfix/senders\n"
		    "smtpd_restriction_classes = logins\n"
		    "logins = permit_sasl_authenticated\n"
		    "smtpd_sender_restrictions = logins, " REJECT "\n", 1,
		    "comes after a permit that ends the list" },
	};
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		load(&m, "3.7.11", cases[i].extra, 1);
		pf_run(mg_check_pf_sender, &m, &r);
		f = pf_finding(&r, ID);
		if (!cases[i].finding && f != NULL)
			fail_msg("%s: unexpected finding", cases[i].name);
		if (cases[i].finding && (f == NULL ||
		    pf_evidence(f, cases[i].says) == NULL))
			fail_msg("%s: no finding saying \"%s\"",
			    cases[i].name, cases[i].says);
		mg_report_free(&r);
		mg_model_free(&m);
	}
}

/* test_no_fix_without_shape - accounts unknown, or a Postfix without
 * inline regexp tables: the finding says what to do, no fix, no probe */
static void
test_no_fix_without_shape(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;
	int pass;

	(void)state;
	for (pass = 0; pass < 2; pass++) {
		load(&m, pass == 0 ? "3.7.11" : "3.6.4", NULL, pass);
		pf_run(mg_check_pf_sender, &m, &r);
		f = pf_finding(&r, ID);
		assert_non_null(f);
		assert_non_null(pf_evidence(f, "no automatic fix"));
		assert_non_null(pf_evidence(f, pass == 0 ? "accounts are not "
		    "known" : "older than 3.7"));
		assert_int_equal(f->nfix_ids, 0);
		assert_int_equal(f->nprobes, 0);
		assert_null(mg_report_find_fix(&r, FIX));
		mg_report_free(&r);
		mg_model_free(&m);
	}
}

/* test_address_logins - logins that are addresses own themselves; an
 * existing sender restriction is kept after the reject */
static void
test_address_logins(void **state)
{
	const struct mg_finding *f;
	const struct mg_edit *e;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	load(&m, "3.9.1", "smtpd_sender_restrictions = "
	    "reject_unknown_sender_domain\n", 0);
	(void)mg_model_user_add(&m, "carol@example.org", NULL,
	    "sasldb /etc/sasldb2");
	(void)mg_model_user_add(&m, "dave@example.org", NULL,
	    "sasldb /etc/sasldb2");
	pf_run(mg_check_pf_sender, &m, &r);
	f = pf_finding(&r, ID);
	assert_non_null(f);
	e = edit_of(mg_report_find_fix(&r, FIX), "smtpd_sender_login_maps");
	assert_non_null(e);
	assert_string_equal(e->new_text, "regexp:{{/^(.+)$$/ $${1}}}");
	/* no virtual_alias_maps: no alias owners, nothing said about them */
	assert_null(pf_evidence(f, "owner of the aliases"));
	assert_null(pf_evidence(f, "not used as owners"));
	e = edit_of(mg_report_find_fix(&r, FIX), "smtpd_sender_restrictions");
	assert_non_null(e);
	assert_string_equal(e->new_text, REJECT
	    ", reject_unknown_sender_domain");
	assert_int_equal(f->nprobes, 4);
	assert_string_equal(f->probes[0].login, "carol@example.org");
	assert_string_equal(f->probes[0].sender, "dave@example.org");
	assert_string_equal(f->probes[1].sender, "carol@example.org");
	assert_string_equal(f->probes[2].sender, "dave@example.org");
	assert_string_equal(f->probes[3].service, "submissions/inet");
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_alias_owners - logins that are addresses also own the aliases of
 * virtual_alias_maps' exact tables (hash, proxy:lmdb) through a unionmap;
 * the mysql table and an unexpanded reference are named, not used; the
 * proof sends as carol's alias sales@ (an alias value with odd spacing),
 * not as the catch-all @example.org, not as an alias naming no login.
 * The accounts are sasldb names in a realm other than the server's: their
 * logins are addresses */
static void
test_alias_owners(void **state)
{
	const struct mg_finding *f;
	const struct mg_edit *e;
	struct mg_model m;
	struct mg_report r;
	struct mg_map *t;

	(void)state;
	load(&m, "3.7.11", "virtual_alias_maps = hash:/etc/postfix/virtual, "
	    "mysql:/etc/postfix/sql/aliases.cf $extra_maps "
	    "proxy:lmdb:/etc/postfix/more\n", 0);
	/* sasldb accounts in realm example.org, not the server's realm
	 * ($myhostname): they log in as name@realm */
	(void)mg_model_user_add(&m, "carol", "example.org",
	    "sasldb /etc/sasldb2");
	(void)mg_model_user_add(&m, "dave", "example.org",
	    "sasldb /etc/sasldb2");
	t = mg_model_map_add(&m, "hash:/etc/postfix/virtual");
	(void)mg_map_entry_add(t, "@example.org", "carol@example.org", 1);
	(void)mg_map_entry_add(t, "info@example.org", "outside@example.net",
	    2);
	(void)mg_map_entry_add(t, "sales@example.org", "dave@example.org,"
	    "carol@example.org ,  ext@example.net", 3);
	pf_run(mg_check_pf_sender, &m, &r);
	f = pf_finding(&r, ID);
	assert_non_null(f);
	e = edit_of(mg_report_find_fix(&r, FIX), "smtpd_sender_login_maps");
	assert_non_null(e);
	assert_string_equal(e->new_text, "unionmap:{regexp:{{/^(.+)$$/ "
	    "$${1}}}, hash:/etc/postfix/virtual, "
	    "proxy:lmdb:/etc/postfix/more}");
	assert_non_null(pf_evidence(f, "owner of the aliases that name it in "
	    "virtual_alias_maps (hash:/etc/postfix/virtual, "
	    "proxy:lmdb:/etc/postfix/more)"));
	assert_non_null(pf_evidence(f, "not used as owners: "
	    "mysql:/etc/postfix/sql/aliases.cf, $extra_maps in "
	    "virtual_alias_maps"));
	assert_int_equal(f->nprobes, 5);
	assert_string_equal(f->probes[0].sender, "dave@example.org");
	assert_int_equal(f->probes[0].hole_if_accepted, 1);
	assert_string_equal(f->probes[4].login, "carol@example.org");
	assert_string_equal(f->probes[4].sender, "sales@example.org");
	assert_int_equal(f->probes[4].hole_if_accepted, 0);
	assert_string_equal(f->probes[4].service, "smtp/inet");
	mg_report_free(&r);
	mg_model_free(&m);

	/* no exact table: the self map alone, the SQL one named */
	load(&m, "3.7.11", "virtual_alias_maps = "
	    "pgsql:/etc/postfix/pg.cf\n", 0);
	(void)mg_model_user_add(&m, "carol@example.org", NULL,
	    "sasldb /etc/sasldb2");
	pf_run(mg_check_pf_sender, &m, &r);
	f = pf_finding(&r, ID);
	e = edit_of(mg_report_find_fix(&r, FIX), "smtpd_sender_login_maps");
	assert_non_null(e);
	assert_string_equal(e->new_text, "regexp:{{/^(.+)$$/ $${1}}}");
	assert_non_null(pf_evidence(f, "not used as owners: "
	    "pgsql:/etc/postfix/pg.cf"));
	assert_null(pf_evidence(f, "owner of the aliases"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_policy_service_medium - a policy service asked before the permit
 * may check ownership itself (iRedAPD): medium, and said so */
static void
test_policy_service_medium(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	load(&m, "3.7.11", "smtpd_relay_restrictions = check_policy_service "
	    "inet:127.0.0.1:7777, permit_sasl_authenticated, "
	    "reject_unauth_destination\n", 1);
	pf_run(mg_check_pf_sender, &m, &r);
	f = pf_finding(&r, ID);
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	assert_non_null(pf_evidence(f, "asks a policy service before the "
	    "permit"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_service_override_edited - a submission service with its own -o
 * smtpd_sender_restrictions gets the reject in that line; port 25 with
 * AUTH off is not named */
static void
test_service_override_edited(void **state)
{
	static const char *cf = "myhostname = mail.example.com\n"
	    "mydestination = $myhostname, example.com\n"
	    "smtpd_relay_restrictions = permit_mynetworks "
	    "permit_sasl_authenticated defer_unauth_destination\n";
	static const char *x_out = "myhostname = mail.example.com\n"
	    "mydestination = mail.example.com, example.com\n"
	    "smtpd_relay_restrictions = permit_mynetworks "
	    "permit_sasl_authenticated defer_unauth_destination\n";
	static const char *mm = "smtp inet n - y - - smtpd\n"
	    "submission inet n - y - - smtpd -o smtpd_sasl_auth_enable=yes "
	    "-o smtpd_sender_restrictions=permit_sasl_authenticated,reject\n";
	static const char *pp = "submission/inet/smtpd_sasl_auth_enable = "
	    "yes\nsubmission/inet/smtpd_sender_restrictions = "
	    "permit_sasl_authenticated,reject\n";
	static const char *mcf =
	    "smtp      inet  n       -       y       -       -       smtpd\n"
	    "submission inet n       -       y       -       -       smtpd\n"
	    "  -o smtpd_sasl_auth_enable=yes\n"
	    "  -o smtpd_sender_restrictions=permit_sasl_authenticated,"
	    "reject\n";
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;
	char *db = slurp("saslroot.sasldb");
	size_t i, lines = 0;

	(void)state;
	pf_build(&m, cf, x_out, cf);
	pf_master(&m, mm, pp, mcf);
	m.version = mg_xstrdup("3.7.11");
	assert_int_equal(mg_pf_sasldb_parse(&m, db, "sasldb /etc/sasldb2"),
	    3);
	free(db);
	pf_run(mg_check_pf_sender, &m, &r);
	f = pf_finding(&r, ID);
	assert_non_null(f);
	assert_non_null(pf_evidence(f, "service submission (inet"));
	assert_null(pf_evidence(f, "service smtp (inet"));
	/* the proof asks the submission service itself, with its -o
	 * overrides (the private Postfix gives it a listener of its own) */
	assert_int_equal(f->nprobes, 2);
	assert_string_equal(f->probes[0].service, "submission/inet");
	assert_true(f->probes[0].hole_if_accepted);
	assert_string_equal(f->probes[1].service, "submission/inet");
	assert_false(f->probes[1].hole_if_accepted);
	assert_non_null(pf_evidence(f, "the proof asks service submission "
	    "(inet) as a login"));
	x = mg_report_find_fix(&r, FIX);
	assert_non_null(x);
	for (i = 0; i < x->nedits; i++) {
		if (x->edits[i].kind != MG_EDIT_REPLACE)
			continue;
		lines++;
		assert_string_equal(x->edits[i].file, PF_MASTER_CF);
		assert_int_equal(x->edits[i].line, 4);
		assert_string_equal(x->edits[i].new_text, "  -o "
		    "smtpd_sender_restrictions=" REJECT
		    ",permit_sasl_authenticated,reject");
	}
	assert_int_equal(lines, 1);
	assert_non_null(edit_of(x, "smtpd_sender_login_maps"));
	assert_null(edit_of(x, "smtpd_sender_restrictions"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/*
 * test_debian_submission_only - Debian 12's submission template with
 * $mua_* restrictions (the lab's sasl-submission, captured): the hole is
 * on submission alone (port 25 offers no AUTH).  The evidence names the
 * service's master.cf line and the expanded mua_client_restrictions; the
 * fix edits its -o smtpd_sender_restrictions as written (the reference
 * stays: its expansion has spaces, which an -o value cannot hold); the
 * proof asks that service, as a login forging bob and as itself.
 */
static void
test_debian_submission_only(void **state)
{
	const struct mg_finding *f;
	const struct mg_evidence *e;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;
	size_t i;

	(void)state;
	capture(&m, "sasl-sub", NULL);
	pf_run(mg_check_pf_sender, &m, &r);
	f = pf_finding(&r, ID);
	assert_non_null(f);
	e = evidence_at(f, "service submission (inet, master.cf) offers AUTH "
	    "(smtpd_sasl_auth_enable = yes, master.cf:22)");
	assert_non_null(e);
	assert_string_equal(e->file, PF_MASTER_CF);
	assert_int_equal(e->line, 19);
	e = evidence_at(f, "service submission (inet, master.cf) lets logins "
	    "through: smtpd_client_restrictions = permit_sasl_authenticated, "
	    "reject (master.cf:29)");
	assert_non_null(e);
	assert_int_equal(e->line, 29);
	assert_null(pf_evidence(f, "service smtp (inet"));
	x = mg_report_find_fix(&r, FIX);
	assert_non_null(x);
	assert_non_null(replace_of(x, 31));
	assert_string_equal(replace_of(x, 31)->new_text, "  -o "
	    "smtpd_sender_restrictions=" REJECT ",$mua_sender_restrictions");
	/* port 25 has no AUTH: main.cf's sender restrictions untouched */
	assert_null(edit_of(x, "smtpd_sender_restrictions"));
	assert_non_null(edit_of(x, "smtpd_sender_login_maps"));
	assert_int_equal(f->nprobes, 2);
	for (i = 0; i < 2; i++) {
		assert_string_equal(f->probes[i].service, "submission/inet");
		assert_string_equal(f->probes[i].login, "alice");
		assert_string_equal(f->probes[i].client, "198.51.100.9");
	}
	assert_string_equal(f->probes[0].sender, "bob@mail.example.com");
	assert_true(f->probes[0].hole_if_accepted);
	assert_string_equal(f->probes[1].sender, "alice@mail.example.com");
	assert_false(f->probes[1].hole_if_accepted);
	e = evidence_at(f, "the proof asks service submission (inet) as a "
	    "login");
	assert_non_null(e);
	assert_int_equal(e->line, 19);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_debian_hole_on_both - the same with AUTH on port 25 too: each
 * service is edited where its sender restrictions live and proven on its
 * own */
static void
test_debian_hole_on_both(void **state)
{
	const struct mg_finding *f;
	const struct mg_fix *x;
	const struct mg_edit *e;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	capture(&m, "sasl-sub", "smtpd_sasl_auth_enable = yes\n");
	pf_run(mg_check_pf_sender, &m, &r);
	f = pf_finding(&r, ID);
	assert_non_null(f);
	assert_non_null(evidence_at(f, "service smtp (inet, master.cf) offers "
	    "AUTH"));
	assert_non_null(evidence_at(f, "service submission (inet, master.cf) "
	    "offers AUTH"));
	x = mg_report_find_fix(&r, FIX);
	e = edit_of(x, "smtpd_sender_restrictions");
	assert_non_null(e);
	assert_string_equal(e->new_text, REJECT);
	assert_non_null(replace_of(x, 31));
	/* in master.cf's order: the submission entry comes first */
	assert_int_equal(f->nprobes, 4);
	assert_string_equal(f->probes[0].service, "submission/inet");
	assert_string_equal(f->probes[1].service, "submission/inet");
	assert_string_equal(f->probes[2].service, "smtp/inet");
	assert_true(f->probes[2].hole_if_accepted);
	assert_string_equal(f->probes[3].service, "smtp/inet");
	assert_false(f->probes[3].hole_if_accepted);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_mailcow_guarded - mailcow: reject_authenticated_sender_login_mismatch
 * first in main.cf's and in submission's own sender restrictions, with
 * SQL owners: no finding, whatever the accounts */
static void
test_mailcow_guarded(void **state)
{
	struct mg_model m;
	struct mg_report r;

	(void)state;
	capture(&m, "mailcow", NULL);
	pf_run(mg_check_pf_sender, &m, &r);
	assert_null(pf_finding(&r, ID));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_dms_submission_and_smtps - docker-mailserver as its configuration
 * files are before its start script sets smtpd_sender_login_maps: the
 * mismatch reject comes first in mua_sender_restrictions, which
 * submission and smtps use.  With the map empty Postfix finds no owner
 * for any address and refuses every login's MAIL FROM (553 "not owned by
 * user", Postfix 3.7.11 in the lab's sasl-service-emptied): no login
 * sends as another, so no finding (an earlier version called it a hole) */
static void
test_dms_submission_and_smtps(void **state)
{
	struct mg_model m;
	struct mg_report r;

	(void)state;
	capture(&m, "dms", NULL);
	pf_run(mg_check_pf_sender, &m, &r);
	assert_null(pf_finding(&r, ID));
	assert_null(mg_report_find_fix(&r, FIX));
	mg_report_free(&r);
	mg_model_free(&m);
}

/*
 * test_warned_reject_with_owner_table - the postmaster's own owner table
 * (hash, read whole) with the reject made a warning by warn_if_reject: a
 * finding; the fix puts the reject first and keeps the table; the proof
 * comes from the table's entries (alice sends as an address it gives to
 * bob: a hole if accepted; as her own: accepted).  A pattern table, or
 * one not read, gives no proof (its "other" address may be alice's),
 * and the accounts need not be known: the owners are the table's.
 */
static void
test_warned_reject_with_owner_table(void **state)
{
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_map *t;
	struct mg_model m;
	struct mg_report r;
	int pass;

	(void)state;
	for (pass = 0; pass < 2; pass++) {
		load(&m, "3.7.11", pass == 0 ? "smtpd_sender_login_maps = "
		    "hash:/etc/postfix/sender_owners\n"
		    "smtpd_sender_restrictions = warn_if_reject "
		    "reject_sender_login_mismatch, "
		    "reject_non_fqdn_sender\n" : "smtpd_sender_login_maps = "
		    "pcre:/etc/postfix/sender_owners.pcre\n"
		    "smtpd_sender_restrictions = warn_if_reject "
		    "reject_sender_login_mismatch\n", pass == 0);
		t = mg_model_map_add(&m, pass == 0 ?
		    "hash:/etc/postfix/sender_owners" :
		    "pcre:/etc/postfix/sender_owners.pcre");
		(void)mg_map_entry_add(t, "root@mail.example.com", "root", 1);
		(void)mg_map_entry_add(t, "bob@mail.example.com", "bob", 1);
		(void)mg_map_entry_add(t, "alice@mail.example.com", "alice", 1);
		(void)mg_map_entry_add(t, "sales@mail.example.com", "alice, "
		    "bob", 1);
		t->listed = 1;
		pf_run(mg_check_pf_sender, &m, &r);
		f = pf_finding(&r, ID);
		assert_non_null(f);
		assert_non_null(pf_evidence(f, "follows warn_if_reject"));
		x = mg_report_find_fix(&r, FIX);
		assert_non_null(x);
		assert_non_null(edit_of(x, "smtpd_sender_restrictions"));
		assert_string_equal(edit_of(x, "smtpd_sender_restrictions")->
		    new_text, pass == 0 ? REJECT ", warn_if_reject "
		    "reject_sender_login_mismatch, reject_non_fqdn_sender" :
		    REJECT ", warn_if_reject reject_sender_login_mismatch");
		assert_null(edit_of(x, "smtpd_sender_login_maps"));
		assert_non_null(pf_evidence(f, "the fix keeps "
		    "smtpd_sender_login_maps = "));
		if (pass == 1) {
			/* accounts unknown, a pattern table: a fix all
			 * the same (the owners are the postmaster's), no
			 * probe */
			assert_int_equal(f->nprobes, 0);
			assert_non_null(pf_evidence(f, "no probe: "
			    "smtpd_sender_login_maps = pcre:/etc/postfix/"
			    "sender_owners.pcre (main.cf's) is not one "
			    "hash"));
			mg_report_free(&r);
			mg_model_free(&m);
			continue;
		}
		/* two per exposed service: smtp and submissions */
		assert_int_equal(f->nprobes, 4);
		assert_string_equal(f->probes[2].sender,
		    "bob@mail.example.com");
		assert_string_equal(f->probes[0].login, "alice");
		assert_string_equal(f->probes[0].sender,
		    "bob@mail.example.com");
		assert_string_equal(f->probes[0].rcpt,
		    "postmaster@mail.example.com");
		assert_true(f->probes[0].hole_if_accepted);
		assert_string_equal(f->probes[1].sender,
		    "alice@mail.example.com");
		assert_false(f->probes[1].hole_if_accepted);
		mg_report_free(&r);
		mg_model_free(&m);
	}
}

/* test_braced_override - Postfix 3.0's "-o { name = value }" with
 * spaces on submission (sasl-brace: sasl-sub with its sender line so
 * written): the reject goes in front of the value inside the braces,
 * the proof asks that service; before, no fix ("cannot be edited") */
static void
test_braced_override(void **state)
{
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	capture(&m, "sasl-brace", NULL);
	pf_run(mg_check_pf_sender, &m, &r);
	f = pf_finding(&r, ID);
	assert_non_null(f);
	assert_null(pf_evidence(f, "no automatic fix"));
	x = mg_report_find_fix(&r, FIX);
	assert_non_null(x);
	assert_non_null(replace_of(x, 31));
	assert_string_equal(replace_of(x, 31)->new_text, "  -o { "
	    "smtpd_sender_restrictions = " REJECT ", "
	    "permit_sasl_authenticated, reject }");
	assert_int_equal(f->nprobes, 2);
	assert_string_equal(f->probes[0].service, "submission/inet");
	mg_report_free(&r);
	mg_model_free(&m);
}

/*
 * test_override_not_located - postconf -P lists the service's -o
 * smtpd_sender_restrictions but master.cf's text does not show where
 * (a line the locator cannot place): the finding stands, no fix edits a
 * line it cannot see, the finding says what to do by hand.  Found by
 * fuzz_postconf: the brace and the plain -o editors looked the value's
 * file up by a NULL name.
 */
static void
test_override_not_located(void **state)
{
	static const char *const names[] = { "sasl-brace", "sasl-sub" };
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		capture_as(&m, names[i], NULL, 0);
		pf_run(mg_check_pf_sender, &m, &r);
		f = pf_finding(&r, ID);
		assert_non_null(f);
		assert_null(mg_report_find_fix(&r, FIX));
		assert_non_null(pf_evidence(f, "no automatic fix"));
		mg_report_free(&r);
		mg_model_free(&m);
	}
}

/* owners_of - the lab's owner table hash:/srv/mg/etc/sender_owners
 * (sasl-service-owners) as postmap -s lists it, read whole */
static void
owners_of(struct mg_model *m)
{
	struct mg_map *t;

	t = mg_model_map_add(m, "hash:/srv/mg/etc/sender_owners");
	(void)mg_map_entry_add(t, "a.liddell@mail.example.com", "alice", 1);
	(void)mg_map_entry_add(t, "bob@mail.example.com", "bob", 1);
	(void)mg_map_entry_add(t, "sales@mail.example.com", "alice, bob", 1);
	t->listed = 1;
}

/*
 * test_service_owner_table - Mail-in-a-Box's shape (the lab's
 * sasl-service-owners, captured): the owner table only in master.cf -o
 * smtpd_sender_login_maps, on submission (with the reject: no hole) and
 * on smtps (reject forgotten).  The fix adds the reject where smtps's
 * sender restrictions live (main.cf's, it has no -o of its own), keeps
 * its table and adds no global map; the proof asks smtps from its
 * table: alice as bob's address refused, as the address it gives her
 * (a.liddell@, not alice@) accepted.
 */
static void
test_service_owner_table(void **state)
{
	const struct mg_finding *f;
	const struct mg_evidence *e;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;
	size_t i;

	(void)state;
	capture(&m, "sasl-owners", NULL);
	owners_of(&m);
	pf_run(mg_check_pf_sender, &m, &r);
	f = pf_finding(&r, ID);
	assert_non_null(f);
	assert_non_null(evidence_at(f, "service smtps (inet, master.cf) "
	    "offers AUTH"));
	assert_null(pf_evidence(f, "service submission (inet"));
	assert_null(pf_evidence(f, "no automatic fix"));
	x = mg_report_find_fix(&r, FIX);
	assert_non_null(x);
	assert_null(edit_of(x, "smtpd_sender_login_maps"));
	assert_non_null(edit_of(x, "smtpd_sender_restrictions"));
	assert_string_equal(edit_of(x, "smtpd_sender_restrictions")->new_text,
	    REJECT);
	assert_int_equal(x->nedits, 1);	/* master.cf untouched */
	e = evidence_at(f, "the fix keeps smtpd_sender_login_maps = "
	    "hash:/srv/mg/etc/sender_owners (service smtps's own -o, "
	    "master.cf:150)");
	assert_non_null(e);
	assert_int_equal(e->line, 150);
	assert_int_equal(f->nprobes, 2);
	for (i = 0; i < 2; i++) {
		assert_string_equal(f->probes[i].service, "smtps/inet");
		assert_string_equal(f->probes[i].login, "alice");
	}
	assert_string_equal(f->probes[0].sender, "bob@mail.example.com");
	assert_true(f->probes[0].hole_if_accepted);
	assert_string_equal(f->probes[1].sender,
	    "a.liddell@mail.example.com");
	assert_false(f->probes[1].hole_if_accepted);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_service_owner_table_warned - sasl-owners with main.cf's sender
 * restrictions (smtps has none of its own) making the reject a warning:
 * smtps's table checks nothing; the fix puts the reject first there and
 * still adds no map; submission's own reject keeps it out */
static void
test_service_owner_table_warned(void **state)
{
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	capture(&m, "sasl-owners", "smtpd_sender_restrictions = "
	    "warn_if_reject " REJECT "\n");
	owners_of(&m);
	pf_run(mg_check_pf_sender, &m, &r);
	f = pf_finding(&r, ID);
	assert_non_null(f);
	assert_non_null(pf_evidence(f, "service smtps (inet, master.cf): the "
	    "login-mismatch reject in smtpd_sender_restrictions follows "
	    "warn_if_reject"));
	assert_null(pf_evidence(f, "service submission (inet"));
	x = mg_report_find_fix(&r, FIX);
	assert_non_null(x);
	assert_null(edit_of(x, "smtpd_sender_login_maps"));
	assert_string_equal(edit_of(x, "smtpd_sender_restrictions")->new_text,
	    REJECT ", warn_if_reject " REJECT);
	assert_int_equal(f->nprobes, 2);
	assert_string_equal(f->probes[0].service, "smtps/inet");
	assert_string_equal(f->probes[1].sender,
	    "a.liddell@mail.example.com");
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_service_owner_emptied - main.cf names the owner table but smtps
 * empties it with -o smtpd_sender_login_maps= (sasl-owners-empty,
 * written by postconf -P): a reject there would check nothing, so no fix;
 * the finding names the service and its line */
static void
test_service_owner_emptied(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	capture(&m, "sasl-owners-empty", NULL);
	owners_of(&m);
	pf_run(mg_check_pf_sender, &m, &r);
	f = pf_finding(&r, ID);
	assert_non_null(f);
	assert_non_null(pf_evidence(f, "service smtps (inet, master.cf): "
	    "smtpd_sender_login_maps = (empty"));
	assert_null(pf_evidence(f, "service submission (inet"));
	assert_null(mg_report_find_fix(&r, FIX));
	assert_non_null(pf_evidence(f, "no automatic fix: service smtps "
	    "(inet) sets smtpd_sender_login_maps empty with -o (master.cf:"
	    "150)"));
	assert_int_equal(f->nprobes, 0);
	mg_report_free(&r);
	mg_model_free(&m);
}

/*
 * test_service_owner_table_and_new_map - the same with AUTH on port 25
 * too, where no table is set: the fix's new map goes in main.cf for
 * smtp, whose proof follows the accounts (alice@); smtps keeps its own
 * table and is proven from it.  And with smtps's -o table removed
 * (postconf -PX, captured as sasl-owners-sub): smtps gets the new map.
 */
static void
test_service_owner_table_and_new_map(void **state)
{
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	capture(&m, "sasl-owners", "smtpd_sasl_auth_enable = yes\n");
	owners_of(&m);
	pf_run(mg_check_pf_sender, &m, &r);
	f = pf_finding(&r, ID);
	assert_non_null(f);
	x = mg_report_find_fix(&r, FIX);
	assert_non_null(x);
	assert_non_null(edit_of(x, "smtpd_sender_login_maps"));
	assert_non_null(pf_evidence(f, "the fix keeps smtpd_sender_login_maps "
	    "= hash:/srv/mg/etc/sender_owners (service smtps's own -o"));
	assert_int_equal(f->nprobes, 4);
	assert_string_equal(f->probes[0].service, "smtp/inet");
	assert_string_equal(f->probes[1].sender, "alice@mail.example.com");
	assert_string_equal(f->probes[2].service, "smtps/inet");
	assert_string_equal(f->probes[2].sender, "bob@mail.example.com");
	assert_true(f->probes[2].hole_if_accepted);
	assert_string_equal(f->probes[3].sender,
	    "a.liddell@mail.example.com");
	assert_false(f->probes[3].hole_if_accepted);
	mg_report_free(&r);
	mg_model_free(&m);

	capture(&m, "sasl-owners-sub", NULL);
	owners_of(&m);
	pf_run(mg_check_pf_sender, &m, &r);
	f = pf_finding(&r, ID);
	assert_non_null(f);
	x = mg_report_find_fix(&r, FIX);
	assert_non_null(x);
	assert_non_null(edit_of(x, "smtpd_sender_login_maps"));
	assert_null(pf_evidence(f, "the fix keeps"));
	assert_int_equal(f->nprobes, 2);
	assert_string_equal(f->probes[0].service, "smtps/inet");
	assert_string_equal(f->probes[1].sender, "alice@mail.example.com");
	mg_report_free(&r);
	mg_model_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_auth_no_finding),
		cmocka_unit_test(test_local_part_logins),
		cmocka_unit_test(test_guards),
		cmocka_unit_test(test_no_fix_without_shape),
		cmocka_unit_test(test_address_logins),
		cmocka_unit_test(test_alias_owners),
		cmocka_unit_test(test_policy_service_medium),
		cmocka_unit_test(test_service_override_edited),
		cmocka_unit_test(test_debian_submission_only),
		cmocka_unit_test(test_debian_hole_on_both),
		cmocka_unit_test(test_mailcow_guarded),
		cmocka_unit_test(test_dms_submission_and_smtps),
		cmocka_unit_test(test_warned_reject_with_owner_table),
		cmocka_unit_test(test_braced_override),
		cmocka_unit_test(test_override_not_located),
		cmocka_unit_test(test_service_owner_table),
		cmocka_unit_test(test_service_owner_table_warned),
		cmocka_unit_test(test_service_owner_emptied),
		cmocka_unit_test(test_service_owner_table_and_new_map),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
