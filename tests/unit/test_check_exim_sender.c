/* test_check_exim_sender.c - logins that may send as anyone, on the
 * "exim -bP config" real Exim printed for the lab's auth-plain-clear
 * scenario (PLAIN and LOGIN server authenticators on a password file of
 * plain names; acl_check_rcpt accepts authenticated = * first). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../backends/exim/exim_conf.h"
#include "../../checks/checks.h"
#include "../../core/mg_err.h"
#include "../../core/mg_file.h"
#include "../../core/mg_str.h"
#include "mg_test.h"

#define DATA "tests/unit/data/exim_conf/auth-plain-clear.bP"
#define ID "exim.sasl.sender-mismatch"
#define ACCEPT "    accept authenticated = *\n"

/* load - the captured config with the line ACCEPT replaced by instead
 * (NULL: as captured), a client-only authenticator section if
 * no_server, and the password file's accounts if users */
static void
load(struct mg_model *m, const char *instead, int no_server, int users)
{
	struct mg_str text = MG_STR_INIT, conf = MG_STR_INIT;
	struct mg_err err;
	char *at, *auth;

	assert_int_equal(mg_file_read(DATA, MG_FILE_MAX, &text, NULL, &err),
	    0);
	at = strstr(text.data, ACCEPT);
	assert_non_null(at);
	mg_str_append(&conf, text.data, (size_t)(at - text.data));
	mg_str_puts(&conf, instead != NULL ? instead : ACCEPT);
	mg_str_puts(&conf, at + strlen(ACCEPT));
	if (no_server) {
		/* Debian's stock client authenticator, nothing else */
		auth = strstr(conf.data, "begin authenticators");
		assert_non_null(auth);
		conf.len = (size_t)(auth - conf.data);
		conf.data[conf.len] = '\0';
		mg_str_puts(&conf, "begin authenticators\n\n  cram_md5:\n"
		    "    driver = cram_md5\n    public_name = CRAM-MD5\n"
		    "    client_name = x\n    client_secret = y\n");
	}
	mg_model_init(m);
	m->mta = MG_MTA_EXIM;
	mg_exim_conf_parse(m, mg_str_cstr(&conf));
	if (users) {
		(void)mg_model_user_add(m, "alice", NULL,
		    "/srv/mg/etc/exim4/passwd");
		(void)mg_model_user_add(m, "bob", NULL,
		    "/srv/mg/etc/exim4/passwd");
	}
	mg_str_free(&text);
	mg_str_free(&conf);
}

/* finding - by id, or NULL */
static const struct mg_finding *
finding(const struct mg_report *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->nfindings; i++)
		if (strcmp(r->findings[i].id, id) == 0)
			return (&r->findings[i]);
	return (NULL);
}

/* says - the finding has evidence containing text */
static int
says(const struct mg_finding *f, const char *text)
{
	size_t i;

	for (i = 0; f != NULL && i < f->nevidence; i++)
		if (strstr(f->evidence[i].text, text) != NULL)
			return (1);
	return (0);
}

/* test_captured_accepts_any_login - the finding, its evidence and the
 * probes: logged in as alice, bob's address and alice's own */
static void
test_captured_accepts_any_login(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	load(&m, NULL, 0, 1);
	mg_report_init(&r);
	mg_check_exim_sender(&m, &r);
	f = finding(&r, ID);
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_HIGH);
	assert_string_equal(f->area, "sasl");
	assert_true(says(f, "acl_check_rcpt: \"accept authenticated = *\" "
	    "with no check of $sender_address against $authenticated_id"));
	assert_true(says(f, "plain names: login NAME owns NAME@ each local "
	    "domain"));
	assert_int_equal(f->nprobes, 2);
	assert_string_equal(f->probes[0].login, "alice");
	assert_string_equal(f->probes[0].client, "198.51.100.9");
	assert_string_equal(f->probes[0].sender, "bob@example.com");
	assert_string_equal(f->probes[0].rcpt, "postmaster@example.com");
	assert_true(f->probes[0].hole_if_accepted);
	assert_string_equal(f->probes[1].sender, "alice@example.com");
	assert_false(f->probes[1].hole_if_accepted);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_what_guards - a deny comparing the sender with the login before
 * the accept is a guard; one after it, or a ratelimit keyed on the login
 * alone, is not; without a server authenticator nobody logs in */
static void
test_what_guards(void **state)
{
	static const struct {
		const char *name, *instead;
		int no_server, want;
	} cases[] = {
		{ "deny before the accept", "    deny authenticated = *\n"
		    "    condition = ${if !eqi{$sender_address}"
		    "{$authenticated_id}}\n" ACCEPT, 0, 0 },
		{ "the check inside the accept", "    accept authenticated = "
		    "*\n    condition = ${if eqi{$sender_address}"
		    "{$authenticated_id}}\n", 0, 0 },
		{ "a ratelimit on the login only", "    deny ratelimit = 100 / "
		    "1h / per_rcpt / $authenticated_id\n" ACCEPT, 0, 1 },
		{ "deny after the accept", ACCEPT "    deny condition = ${if "
		    "!eqi{$sender_address}{$authenticated_id}}\n", 0, 1 },
		{ "client authenticator only", NULL, 1, 0 },
		/* shapes seen in the wild */
		{ "a warn that only logs a mismatch", "    warn "
		    "authenticated = *\n    condition = ${if !eqi"
		    "{$sender_address}{$authenticated_id}}\n    log_message "
		    "= $authenticated_id sends as $sender_address\n" ACCEPT,
		    0, 1 },
		{ "a header naming both", "    warn authenticated = *\n"
		    "    add_header = X-Sender: $sender_address "
		    "($authenticated_id)\n" ACCEPT, 0, 1 },
		{ "a ratelimit keyed on the login and the sender", "    deny "
		    "ratelimit = 100 / 1h / per_rcpt / "
		    "$authenticated_id:$sender_address\n" ACCEPT, 0, 1 },
		{ "the owner's accept, then any login's", "    accept "
		    "authenticated = *\n    condition = ${if eqi"
		    "{$sender_address}{$authenticated_id}}\n" ACCEPT, 0, 1 },
		{ "cPanel-style deny without authenticated", "    deny "
		    "message = sender not yours\n    condition = ${if and{"
		    "{def:authenticated_id}{!eqi{$authenticated_id}"
		    "{$sender_address}}}}\n" ACCEPT, 0, 0 },
		{ "a senders lookup by login", "    deny authenticated = *\n"
		    "    !senders = ${lookup{$authenticated_id}lsearch"
		    "{/etc/exim4/sender_owners}}\n" ACCEPT, 0, 0 },
		{ "require the owner", "    require message = not yours\n"
		    "    condition = ${if or{{!def:authenticated_id}{eqi"
		    "{$sender_address}{$authenticated_id}}}}\n" ACCEPT, 0, 0 },
		{ "an accept of logins spelt as a condition",
		    "    accept condition = ${if def:authenticated_id}\n", 0,
		    1 },
		{ "an accept of logins spelt !eq", "    accept condition = "
		    "${if !eq {$authenticated_id}{}}\n", 0, 1 },
		{ "an accept of clients without a login", "    accept "
		    "condition = ${if !def:authenticated_id}\n", 0, 0 },
		{ "Debian's submission/sender_retain accept",
		    "    accept authenticated = *\n    control = "
		    "submission/sender_retain\n    control = "
		    "dkim_disable_verify\n", 0, 1 },
	};
	struct mg_model m;
	struct mg_report r;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		load(&m, cases[i].instead, cases[i].no_server, 1);
		mg_report_init(&r);
		mg_check_exim_sender(&m, &r);
		if ((finding(&r, ID) != NULL) != cases[i].want)
			fail_msg("%s: finding %s", cases[i].name,
			    cases[i].want ? "missing" : "unexpected");
		mg_report_free(&r);
		mg_model_free(&m);
	}
}

/* test_accounts_unknown - no fix and no probe: the finding says what to
 * do by hand */
static void
test_accounts_unknown(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	load(&m, NULL, 0, 0);
	mg_report_init(&r);
	mg_check_exim_sender(&m, &r);
	f = finding(&r, ID);
	assert_non_null(f);
	assert_true(says(f, "no automatic fix: the accounts are not known"));
	assert_int_equal(f->nprobes, 0);
	assert_int_equal(f->nfix_ids, 0);
	mg_report_free(&r);
	mg_model_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_captured_accepts_any_login),
		cmocka_unit_test(test_what_guards),
		cmocka_unit_test(test_accounts_unknown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
