/*
 * test_lab_sender.c - issue 19 item 1 on real Postfix: logins that may
 * send as anyone.  A real AUTH PLAIN as alice sends as bob; the report
 * says postfix.sasl.sender-mismatch; fix --yes is proven on the private
 * instance by XCLIENT LOGIN=alice (bob refused, alice accepted); real AUTH
 * then gets 553 for bob and 250 for alice; rollback puts every byte back.
 * Exim (auth-plain-clear: AUTH PLAIN in the clear, so exim -bh can log in
 * for real): the same, proven by exim -bh -oMaa/-oMai.  sasl-alias:
 * logins that are addresses also own their virtual aliases, a catch-all
 * gives nobody every address.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../core/mg_exec.h"
#include "../../core/mg_lines.h"
#include "../../core/mg_str.h"
#include "lab_util.h"

#define PFLAB "tests/lab/postfix/lab.sh"
#define EXLAB "tests/lab/exim/lab.sh"
#define ID "postfix.sasl.sender-mismatch"
#define EXID "exim.sasl.sender-mismatch"

static char exim_bin[4096];

/* snapshot - md5sum of every file under dir, sorted */
static void
snapshot(const char *dir, struct mg_str *out)
{
	char cmd[8192];
	const char *argv[] = { "sh", "-c", cmd, NULL };

	(void)snprintf(cmd, sizeof(cmd), "cd '%s' && find . -type f "
	    "-exec md5sum {} + | sort", dir);
	assert_int_equal(lab_capture(argv, out), 0);
}

/* auth_rcpt - real Postfix's RCPT reply to a session logged in with
 * AUTH PLAIN as user, MAIL FROM:<from> RCPT TO:<to>; -1 if none */
static int
auth_rcpt(const char *dir, const char *user, const char *from,
    const char *to)
{
	char port[32], pass[128], cred[256];
	const char *argv[] = { "build/lab/mgsmtp", "--port", port,
	    "--auth-plain", cred, "--from", from, "--to", to, "--rcpt-only",
	    NULL };
	struct mg_exec_res res;
	const char *p;
	int code = -1;

	(void)lab_port(dir, "port", port, sizeof(port));
	assert_int_equal(lab_sasl_pass(dir, user, pass, sizeof(pass)), 0);
	(void)snprintf(cred, sizeof(cred), "%s:%s", user, pass);
	(void)lab_run(&res, argv);
	if ((p = strstr(mg_str_cstr(&res.out), "-> ")) != NULL)
		code = (int)strtol(p + 3, NULL, 10);
	(void)printf("    AUTH %s MAIL FROM:<%s> RCPT TO:<%s>: %d\n", user,
	    from, to, code);
	(void)fflush(stdout);
	mg_exec_res_free(&res);
	return (code);
}

/* test_postfix_login_sends_as_anyone - the whole path on sasl-spoof */
static void
test_postfix_login_sends_as_anyone(void **state)
{
	const char *dir = lab_instance(PFLAB, "sasl-spoof", 1);
	char etc[4096], st[4200];
	const char *fix[] = { "./mailguard-tui", "--postfix", etc, "--state",
	    st, "fix", "postfix.sasl.sender-login-maps", "--yes", NULL };
	const char *rollback[] = { "./mailguard-tui", "--postfix", etc,
	    "--state", st, "rollback", "1", "--yes", NULL };
	struct mg_str before, after, out;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	/* the hole, as real SASL shows it */
	assert_int_equal(auth_rcpt(dir, "alice", "bob@example.com",
	    "postmaster@mail.example.com"), 250);
	(void)lab_pf_report(dir, &out);
	assert_non_null(strstr(out.data, "\"" ID "\""));
	assert_non_null(strstr(out.data, "postfix.sasl.sender-login-maps"));
	mg_str_free(&out);

	snapshot(etc, &before);
	assert_int_equal(lab_capture(fix, &out), 0);
	assert_non_null(strstr(out.data, "stage: postfix smtpd (XCLIENT) "
	    "198.51.100.9 as login alice: MAIL FROM:<bob@mail.example.com> "
	    "RCPT TO:<postmaster@mail.example.com> -> 553"));
	assert_non_null(strstr(out.data, "not owned by user alice - closed "
	    "(before the change: 250"));
	assert_non_null(strstr(out.data, "as login alice: MAIL FROM:<alice@"
	    "mail.example.com> RCPT TO:<postmaster@mail.example.com> -> 250 "
	    "2.1.5 Ok - still accepted"));
	assert_non_null(strstr(out.data, "live: postfix smtpd (XCLIENT) "
	    "198.51.100.9 as login alice"));
	assert_non_null(strstr(out.data, "applied, reloaded and verified"));
	mg_str_free(&out);

	/* real SASL after the reload: bob refused, alice's own kept */
	assert_int_equal(auth_rcpt(dir, "alice", "bob@example.com",
	    "postmaster@mail.example.com"), 553);
	assert_int_equal(auth_rcpt(dir, "alice", "alice@example.com",
	    "postmaster@mail.example.com"), 250);
	assert_int_equal(auth_rcpt(dir, "bob", "bob+list@example.com",
	    "postmaster@mail.example.com"), 250);
	(void)lab_pf_report(dir, &out);
	assert_null(strstr(out.data, "\"" ID "\""));
	mg_str_free(&out);

	assert_int_equal(lab_capture(rollback, &out), 0);
	mg_str_free(&out);
	snapshot(etc, &after);
	assert_string_equal(before.data, after.data);
	assert_int_equal(auth_rcpt(dir, "alice", "bob@example.com",
	    "postmaster@mail.example.com"), 250);
	lab_stop(PFLAB, dir);
	mg_str_free(&before);
	mg_str_free(&after);
}

/* xclient_rcpt - real Postfix's RCPT reply to a session from
 * 198.51.100.9 logged in by XCLIENT LOGIN=login (no password: the private
 * instance trusts the lab's loopback), MAIL FROM:<from>; -1 if none */
static int
xclient_rcpt(const char *dir, const char *login, const char *from)
{
	char port[32];
	const char *argv[] = { "build/lab/mgsmtp", "--port", port,
	    "--xclient-addr", "198.51.100.9", "--xclient-login", login,
	    "--from", from, "--to", "postmaster@example.com", "--rcpt-only",
	    NULL };
	struct mg_exec_res res;
	const char *p;
	int code = -1;

	(void)lab_port(dir, "port", port, sizeof(port));
	(void)lab_run(&res, argv);
	if ((p = strstr(mg_str_cstr(&res.out), "-> ")) != NULL)
		code = (int)strtol(p + 3, NULL, 10);
	(void)printf("    XCLIENT LOGIN=%s MAIL FROM:<%s>: %d\n", login, from,
	    code);
	(void)fflush(stdout);
	mg_exec_res_free(&res);
	return (code);
}

/* test_postfix_alias_owners - sasl-alias: logins alice@ and bob@
 * example.com (sasldb realm example.com), virtual sales@ -> alice@ and
 * an outsider, a catch-all @example.com -> bob@.  Before: bob sends as
 * sales@.  The fix's map is a unionmap of the self map and the virtual
 * table; fix --yes proves alice as sales@ accepted; after it alice as
 * sales@ 250, bob as sales@ 553, alice as bob@ 553, and the catch-all
 * gives bob no other address (carol@, alice@: 553); rollback puts every
 * byte back and bob is let through again */
static void
test_postfix_alias_owners(void **state)
{
	const char *dir = lab_instance(PFLAB, "sasl-alias", 1);
	char etc[4096], st[4200];
	const char *fix[] = { "./mailguard-tui", "--postfix", etc, "--state",
	    st, "fix", "postfix.sasl.sender-login-maps", "--yes", NULL };
	const char *rollback[] = { "./mailguard-tui", "--postfix", etc,
	    "--state", st, "rollback", "1", "--yes", NULL };
	struct mg_str before, after, out;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	assert_int_equal(xclient_rcpt(dir, "bob@example.com",
	    "sales@example.com"), 250);
	(void)lab_pf_report(dir, &out);
	assert_int_equal(lab_jq(out.data, ".fix_details[] | select(.id == "
	    "\"postfix.sasl.sender-login-maps\") | .edits[] | select(.param "
	    "== \"smtpd_sender_login_maps\") | .new | startswith(\"unionmap:"
	    "{regexp:{{/^(.+)$$/ $${1}}}, hash:\") and endswith(\"/etc/"
	    "virtual}\")", NULL), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == \""
	    ID "\") | .evidence[].text | select(contains(\"owner of the "
	    "aliases that name it\"))] | length == 1", NULL), 0);
	mg_str_free(&out);

	snapshot(etc, &before);
	assert_int_equal(lab_capture(fix, &out), 0);
	(void)printf("%s", out.data);
	assert_non_null(strstr(out.data, "live: postfix smtpd (XCLIENT) "
	    "198.51.100.9 as login alice@example.com: MAIL FROM:<sales@"
	    "example.com> RCPT TO:<postmaster@example.com> -> 250"));
	assert_non_null(strstr(out.data, "applied, reloaded and verified"));
	mg_str_free(&out);

	assert_int_equal(xclient_rcpt(dir, "alice@example.com",
	    "sales@example.com"), 250);
	assert_int_equal(xclient_rcpt(dir, "alice@example.com",
	    "alice@example.com"), 250);
	assert_int_equal(xclient_rcpt(dir, "bob@example.com",
	    "sales@example.com"), 553);
	assert_int_equal(xclient_rcpt(dir, "alice@example.com",
	    "bob@example.com"), 553);
	assert_int_equal(xclient_rcpt(dir, "bob@example.com",
	    "carol@example.com"), 553);
	assert_int_equal(xclient_rcpt(dir, "bob@example.com",
	    "alice@example.com"), 553);
	assert_int_equal(xclient_rcpt(dir, "bob@example.com",
	    "bob@example.com"), 250);

	assert_int_equal(lab_capture(rollback, &out), 0);
	mg_str_free(&out);
	snapshot(etc, &after);
	assert_string_equal(before.data, after.data);
	assert_int_equal(xclient_rcpt(dir, "bob@example.com",
	    "sales@example.com"), 250);
	lab_stop(PFLAB, dir);
	mg_str_free(&before);
	mg_str_free(&after);
}

/* bh_login - exim -bh from 198.51.100.9 logged in for real (AUTH PLAIN
 * alice, in the clear), MAIL FROM:<from> RCPT TO:<to>: the last reply */
static int
bh_login(const char *dir, const char *from, const char *to)
{
	char conf[4096];
	const char *argv[] = { exim_bin, "-C", conf, "-bh", "198.51.100.9",
	    NULL };
	struct mg_exec_req req;
	struct mg_exec_res res;
	struct mg_str in = MG_STR_INIT;
	struct mg_err err;
	const char *cur, *l;
	size_t len;
	int code = -1, authed = 0;

	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	/* base64 of "\0alice\0Wonder-land-7" */
	mg_str_printf(&in, "EHLO client.test\r\nAUTH PLAIN "
	    "AGFsaWNlAFdvbmRlci1sYW5kLTc=\r\nMAIL FROM:<%s>\r\n"
	    "RCPT TO:<%s>\r\nQUIT\r\n", from, to);
	memset(&req, 0, sizeof(req));
	req.argv = argv;
	req.input = in.data;
	req.input_len = in.len;
	assert_int_equal(mg_exec(&req, &res, &err), 0);
	for (cur = mg_str_cstr(&res.out); mg_line_next(&cur, &l, &len);) {
		if (len >= 4 && strncmp(l, "235 ", 4) == 0)
			authed = 1;
		if (len >= 4 && l[3] == ' ' && l[0] >= '2' && l[0] <= '5' &&
		    strncmp(l, "221", 3) != 0)
			code = (int)strtol(l, NULL, 10);
	}
	(void)printf("    exim -bh AUTH alice%s MAIL FROM:<%s> RCPT TO:<%s>: "
	    "%d\n", authed ? "" : " (NOT LOGGED IN)", from, to, code);
	(void)fflush(stdout);
	mg_exec_res_free(&res);
	mg_str_free(&in);
	return (authed ? code : -1);
}

/* test_exim_login_sends_as_anyone - auth-plain-clear: alice sends as
 * postmaster, the report names it, fix --yes is proven by exim -bh
 * -oMai alice, a real login is then refused as postmaster and accepted
 * as alice; rollback byte-identical */
static void
test_exim_login_sends_as_anyone(void **state)
{
	const char *dir = lab_instance(EXLAB, "auth-plain-clear", 0);
	char conf[4096], st[4200];
	const char *fix[] = { "./mailguard-tui", "--exim", conf, "--exim-bin",
	    exim_bin, "--state", st, "fix", "exim.sasl.sender-login-deny",
	    "--yes", NULL };
	const char *rollback[] = { "./mailguard-tui", "--exim", conf,
	    "--exim-bin", exim_bin, "--state", st, "rollback", "1", "--yes",
	    NULL };
	struct mg_str before, after, out;

	(void)state;
	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	assert_int_equal(bh_login(dir, "postmaster@example.com",
	    "postmaster@example.com"), 250);
	(void)lab_ex_report(dir, exim_bin, &out);
	assert_non_null(strstr(out.data, "\"" EXID "\""));
	assert_non_null(strstr(out.data, "exim.sasl.sender-login-deny"));
	mg_str_free(&out);

	lab_slurp(conf, &before);
	assert_int_equal(lab_capture(fix, &out), 0);
	assert_non_null(strstr(out.data, "stage: exim -bh 198.51.100.9 as "
	    "login alice: MAIL FROM:<postmaster@example.com> RCPT "
	    "TO:<postmaster@example.com> -> 550 postmaster@example.com is not "
	    "yours (alice) - closed (before the change: 250"));
	assert_non_null(strstr(out.data, "as login alice: MAIL FROM:<alice@"
	    "example.com> RCPT TO:<postmaster@example.com> -> 250 Accepted - "
	    "still accepted"));
	assert_non_null(strstr(out.data, "applied, reloaded and verified"));
	mg_str_free(&out);
	assert_int_equal(bh_login(dir, "postmaster@example.com",
	    "postmaster@example.com"), 550);
	assert_int_equal(bh_login(dir, "alice@example.com",
	    "postmaster@example.com"), 250);
	(void)lab_ex_report(dir, exim_bin, &out);
	assert_null(strstr(out.data, "\"" EXID "\""));
	mg_str_free(&out);

	assert_int_equal(lab_capture(rollback, &out), 0);
	mg_str_free(&out);
	lab_slurp(conf, &after);
	assert_string_equal(mg_str_cstr(&before), mg_str_cstr(&after));
	mg_str_free(&before);
	mg_str_free(&after);
}

static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-sender");
	return (lab_exim_bin(exim_bin, sizeof(exim_bin)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_postfix_login_sends_as_anyone),
		cmocka_unit_test(test_postfix_alias_owners),
		cmocka_unit_test(test_exim_login_sends_as_anyone),
	};

	return (cmocka_run_group_tests(tests, setup, lab_teardown));
}
