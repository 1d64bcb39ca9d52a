/*
 * test_lab_sender.c - issue 19 item 1 on real Postfix: logins that may
 * send as anyone.  A real AUTH PLAIN as alice sends as bob; the report
 * says postfix.sasl.sender-mismatch; fix --yes is proven on the private
 * instance by XCLIENT LOGIN=alice (bob refused, alice accepted); real AUTH
 * then gets 553 for bob and 250 for alice; rollback puts every byte back.
 * Exim (auth-plain-clear: AUTH PLAIN in the clear, so exim -bh can log in
 * for real): the same, proven by exim -bh -oMaa/-oMai.  sasl-alias:
 * logins that are addresses also own their virtual aliases, a catch-all
 * gives nobody every address.  sasl-submission(-25): Debian 12's
 * submission template with $mua_* restrictions, the hole on 587 alone
 * (or on 25 too), each service proven with its own -o overrides.
 * sasl-warn: the postmaster's own owner table, the reject only warned
 * (warn_if_reject): the fix keeps the table and is proven from it.
 * sasl-class: the reject in a restriction class: enforced, no finding.
 * sasl-submission-brace: the -o { name = value } form.
 * sasl-service-owners: the owner table only in services' -o overrides
 * (Mail-in-a-Box), the reject forgotten on one: kept, proven there.
 * sasl-service-emptied: smtps empties main.cf's table: with the reject
 * every login's sender refused (no finding), without it no fix, says why;
 * sasl-spoof with the reject and no map at all: the same, while the
 * "known" reject checks nothing then.
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

/* has - out holds where, "postfix smtpd of 127.0.0.1:PORT/inet (XCLIENT)"
 * with the port of dir's port_file (the service the proof asked), then
 * rest */
static int
has(const char *out, const char *where, const char *dir,
    const char *port_file, const char *rest)
{
	char port[32], want[1024];

	(void)lab_port(dir, port_file, port, sizeof(port));
	(void)snprintf(want, sizeof(want), "%s: postfix smtpd of 127.0.0.1:"
	    "%s/inet (XCLIENT) %s", where, port, rest);
	if (strstr(out, want) != NULL)
		return (1);
	(void)printf("    missing: %s\n", want);
	return (0);
}

/* auth_rcpt_on - real Postfix's RCPT reply to a session logged in with
 * AUTH PLAIN as user on the listener of dir's port_file, MAIL
 * FROM:<from> RCPT TO:<to>; -1 if none */
static int
auth_rcpt_on(const char *dir, const char *port_file, const char *user,
    const char *from, const char *to)
{
	char port[32], pass[128], cred[256];
	const char *argv[] = { "build/lab/mgsmtp", "--port", port,
	    "--auth-plain", cred, "--from", from, "--to", to, "--rcpt-only",
	    NULL };
	struct mg_exec_res res;
	const char *p;
	int code = -1;

	(void)lab_port(dir, port_file, port, sizeof(port));
	assert_int_equal(lab_sasl_pass(dir, user, pass, sizeof(pass)), 0);
	(void)snprintf(cred, sizeof(cred), "%s:%s", user, pass);
	(void)lab_run(&res, argv);
	if ((p = strstr(mg_str_cstr(&res.out), "-> ")) != NULL)
		code = (int)strtol(p + 3, NULL, 10);
	(void)printf("    AUTH %s on %s MAIL FROM:<%s> RCPT TO:<%s>: %d\n",
	    user, port_file, from, to, code);
	(void)fflush(stdout);
	mg_exec_res_free(&res);
	return (code);
}

/* auth_rcpt - auth_rcpt_on the instance's main listener (port 25's) */
static int
auth_rcpt(const char *dir, const char *user, const char *from,
    const char *to)
{
	return (auth_rcpt_on(dir, "port", user, from, to));
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
	assert_int_equal(lab_pf_tool(dir, fix, &out), 0);
	assert_true(has(out.data, "stage", dir, "port", "198.51.100.9 as "
	    "login alice: MAIL FROM:<bob@mail.example.com> RCPT TO:<"
	    "postmaster@mail.example.com> -> 553"));
	assert_non_null(strstr(out.data, "not owned by user alice - closed "
	    "(before the change: 250"));
	assert_non_null(strstr(out.data, "as login alice: MAIL FROM:<alice@"
	    "mail.example.com> RCPT TO:<postmaster@mail.example.com> -> 250 "
	    "2.1.5 Ok - still accepted"));
	assert_true(has(out.data, "live", dir, "port", "198.51.100.9 as "
	    "login alice"));
	assert_true(lab_applied(out.data));
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

	assert_int_equal(lab_pf_tool(dir, rollback, &out), 0);
	mg_str_free(&out);
	snapshot(etc, &after);
	assert_string_equal(before.data, after.data);
	assert_int_equal(auth_rcpt(dir, "alice", "bob@example.com",
	    "postmaster@mail.example.com"), 250);
	lab_stop(PFLAB, dir);
	mg_str_free(&before);
	mg_str_free(&after);
}

/*
 * test_postfix_warned_reject - sasl-warn: the postmaster's own owner
 * table with the reject only warned (warn_if_reject), over several
 * lines.  Real AUTH as alice sends as bob; the report names the
 * warn_if_reject; fix --yes keeps the table, puts the reject first and is
 * proven from the table's entries (bob's address refused, alice's
 * accepted); after it real AUTH: bob's 553, sales@ (the table gives it to
 * alice too) and alice's 250; rollback puts every byte back.
 */
static void
test_postfix_warned_reject(void **state)
{
	const char *dir = lab_instance(PFLAB, "sasl-warn", 1);
	char etc[4096], st[4200];
	const char *fix[] = { "./mailguard-tui", "--postfix", etc, "--state",
	    st, "fix", "postfix.sasl.sender-login-maps", "--yes", NULL };
	const char *rollback[] = { "./mailguard-tui", "--postfix", etc,
	    "--state", st, "rollback", "1", "--yes", NULL };
	struct mg_str before, after, out;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	assert_int_equal(auth_rcpt(dir, "alice", "bob@mail.example.com",
	    "postmaster@mail.example.com"), 250);
	(void)lab_pf_report(dir, &out);
	assert_non_null(strstr(out.data, "\"" ID "\""));
	assert_non_null(strstr(out.data, "follows warn_if_reject: it only "
	    "logs a warning and refuses nothing"));
	assert_non_null(strstr(out.data, "the fix keeps "
	    "smtpd_sender_login_maps = hash:"));
	mg_str_free(&out);

	snapshot(etc, &before);
	assert_int_equal(lab_pf_tool(dir, fix, &out), 0);
	assert_true(has(out.data, "stage", dir, "port", "198.51.100.9 as "
	    "login alice: MAIL FROM:<bob@mail.example.com> RCPT TO:<"
	    "postmaster@mail.example.com> -> 553"));
	assert_non_null(strstr(out.data, "not owned by user alice - closed "
	    "(before the change: 250"));
	assert_non_null(strstr(out.data, "as login alice: MAIL FROM:<alice@"
	    "mail.example.com> RCPT TO:<postmaster@mail.example.com> -> 250 "
	    "2.1.5 Ok - still accepted"));
	assert_true(lab_applied(out.data));
	mg_str_free(&out);

	assert_int_equal(auth_rcpt(dir, "alice", "bob@mail.example.com",
	    "postmaster@mail.example.com"), 553);
	assert_int_equal(auth_rcpt(dir, "alice", "sales@mail.example.com",
	    "postmaster@mail.example.com"), 250);
	assert_int_equal(auth_rcpt(dir, "alice", "alice@mail.example.com",
	    "postmaster@mail.example.com"), 250);
	(void)lab_pf_report(dir, &out);
	assert_null(strstr(out.data, "\"" ID "\""));
	mg_str_free(&out);

	assert_int_equal(lab_pf_tool(dir, rollback, &out), 0);
	mg_str_free(&out);
	snapshot(etc, &after);
	assert_string_equal(before.data, after.data);
	assert_int_equal(auth_rcpt(dir, "alice", "bob@mail.example.com",
	    "postmaster@mail.example.com"), 250);
	lab_stop(PFLAB, dir);
	mg_str_free(&before);
	mg_str_free(&after);
}

/* test_postfix_reject_in_class - sasl-class: the reject inside a
 * restriction class before the permit.  Real AUTH as alice is refused
 * as bob (553) and taken as herself: ownership is enforced, and the
 * report has no finding (it had one: the class was not read) */
static void
test_postfix_reject_in_class(void **state)
{
	const char *dir = lab_instance(PFLAB, "sasl-class", 1);
	struct mg_str out;

	(void)state;
	assert_int_equal(auth_rcpt(dir, "alice", "bob@mail.example.com",
	    "postmaster@mail.example.com"), 553);
	assert_int_equal(auth_rcpt(dir, "alice", "alice@mail.example.com",
	    "postmaster@mail.example.com"), 250);
	(void)lab_pf_report(dir, &out);
	assert_non_null(strstr(out.data, "\"findings\""));
	assert_null(strstr(out.data, "\"" ID "\""));
	mg_str_free(&out);
	lab_stop(PFLAB, dir);
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
	assert_int_equal(lab_pf_tool(dir, fix, &out), 0);
	(void)printf("%s", out.data);
	assert_true(has(out.data, "live", dir, "port", "198.51.100.9 as login "
	    "alice@example.com: MAIL FROM:<sales@example.com> RCPT TO:<"
	    "postmaster@example.com> -> 250"));
	assert_true(lab_applied(out.data));
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

	assert_int_equal(lab_pf_tool(dir, rollback, &out), 0);
	mg_str_free(&out);
	snapshot(etc, &after);
	assert_string_equal(before.data, after.data);
	assert_int_equal(xclient_rcpt(dir, "bob@example.com",
	    "sales@example.com"), 250);
	lab_stop(PFLAB, dir);
	mg_str_free(&before);
	mg_str_free(&after);
}

/* count_of - how many times s occurs in text */
static size_t
count_of(const char *text, const char *s)
{
	size_t n = 0;

	for (; (text = strstr(text, s)) != NULL; text += strlen(s))
		n++;
	return (n);
}

/* same_file - cmp a b: the two files hold the same bytes */
static int
same_file(const char *a, const char *b)
{
	const char *argv[] = { "cmp", "--", a, b, NULL };
	struct mg_str out;
	int rc = lab_capture(argv, &out);

	mg_str_free(&out);
	return (rc == 0);
}

/* keep - a copy of dir/etc/name as dir/name.before */
static void
keep(const char *dir, const char *name, char *copy, size_t size)
{
	char src[4096];
	const char *argv[] = { "cp", "-p", "--", src, copy, NULL };
	struct mg_str out;

	(void)snprintf(src, sizeof(src), "%s/etc/%s", dir, name);
	(void)snprintf(copy, size, "%s/%s.before", dir, name);
	assert_int_equal(lab_capture(argv, &out), 0);
	mg_str_free(&out);
}

/* service_evidence - the finding's evidence that service 127.0.0.1:PORT
 * (dir's port_file) offers AUTH names master.cf and a line: 0 if so */
static int
service_evidence(const char *json, const char *dir, const char *port_file)
{
	char port[32], filter[1024];

	(void)lab_port(dir, port_file, port, sizeof(port));
	(void)snprintf(filter, sizeof(filter), "[.findings[] | select(.id "
	    "== \"" ID "\") | .evidence[] | select(.text | startswith("
	    "\"service 127.0.0.1:%s (inet, master.cf) offers AUTH\")) | "
	    "select((.file | endswith(\"/etc/master.cf\")) and .line > 0)] "
	    "| length == 1", port);
	return (lab_jq(json, filter, NULL));
}

/*
 * proven_on - the fix's output shows the private Postfix asked service
 * 127.0.0.1:PORT (dir's port_file) at where ("stage", "live"): alice
 * forging bob refused with 553 (accepted before the change), alice as
 * herself still accepted
 */
static void
proven_on(const char *out, const char *where, const char *dir,
    const char *port_file)
{
	assert_true(has(out, where, dir, port_file, "198.51.100.9 as login "
	    "alice: MAIL FROM:<bob@mail.example.com> RCPT TO:<postmaster@"
	    "mail.example.com> -> 553 5.7.1 <bob@mail.example.com>: Sender "
	    "address rejected: not owned by user alice - closed (before the "
	    "change: 250"));
	assert_true(has(out, where, dir, port_file, "198.51.100.9 as login "
	    "alice: MAIL FROM:<alice@mail.example.com> RCPT TO:<postmaster@"
	    "mail.example.com> -> 250 2.1.5 Ok - still accepted (before the "
	    "change: 250"));
}

/*
 * submission_fix - sasl-submission or sasl-submission-25: the report
 * names each service with the hole (master.cf file:line); fix --yes is
 * proven on each with its own -o overrides (the submission's
 * $mua_client_restrictions, encrypt and tls_auth_only: Debian 12's
 * template), and on no other; after it the finding is gone; rollback
 * --yes puts main.cf and master.cf back byte for byte
 */
static void
submission_fix(const char *scenario, int on25, const char *edit)
{
	const char *dir = lab_instance(PFLAB, scenario, 1);
	char etc[4096], st[4200], main_cf[4200], master_cf[4200];
	char live_main[4200], live_master[4200], port[32], note[512];
	const char *fix[] = { "./mailguard-tui", "--postfix", etc, "--state",
	    st, "fix", "postfix.sasl.sender-login-maps", "--yes", NULL };
	const char *rollback[] = { "./mailguard-tui", "--postfix", etc,
	    "--state", st, "rollback", "1", "--yes", NULL };
	struct mg_str out;

	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	(void)snprintf(live_main, sizeof(live_main), "%s/main.cf", etc);
	(void)snprintf(live_master, sizeof(live_master), "%s/master.cf",
	    etc);
	(void)lab_pf_report(dir, &out);
	assert_int_equal(service_evidence(out.data, dir, "submission_port"),
	    0);
	assert_int_equal(service_evidence(out.data, dir, "port"), on25 ? 0 :
	    1);
	/* the override is edited as written: the reference to main.cf's
	 * mua_sender_restrictions stays; a { ... } form keeps its braces */
	(void)snprintf(note, sizeof(note), "[.fix_details[] | select(.id == "
	    "\"postfix.sasl.sender-login-maps\") | .edits[] | select(.new "
	    "== \"%s\")] | length == 1", edit);
	assert_int_equal(lab_jq(out.data, note, NULL), 0);
	mg_str_free(&out);

	keep(dir, "main.cf", main_cf, sizeof(main_cf));
	keep(dir, "master.cf", master_cf, sizeof(master_cf));
	assert_int_equal(lab_pf_tool(dir, fix, &out), 0);
	(void)printf("%s", out.data);
	/* the private Postfix gives the submission a listener of its own */
	(void)lab_port(dir, "submission_port", port, sizeof(port));
	(void)snprintf(note, sizeof(note), "each on its own socket with its "
	    "-o overrides: 127.0.0.1:%s/inet", port);
	assert_non_null(strstr(out.data, note));
	proven_on(out.data, "stage", dir, "submission_port");
	proven_on(out.data, "live", dir, "submission_port");
	if (on25) {
		proven_on(out.data, "stage", dir, "port");
		proven_on(out.data, "live", dir, "port");
	}
	/* before, stage and live each asked every service with the hole
	 * once for the forged sender and once for the own one */
	assert_int_equal(count_of(out.data, "as login alice: MAIL FROM:<"),
	    on25 ? 8 : 4);
	assert_true(lab_applied(out.data));
	mg_str_free(&out);
	(void)lab_pf_report(dir, &out);
	assert_null(strstr(out.data, "\"" ID "\""));
	mg_str_free(&out);

	assert_int_equal(lab_pf_tool(dir, rollback, &out), 0);
	mg_str_free(&out);
	assert_true(same_file(main_cf, live_main));
	assert_true(same_file(master_cf, live_master));
	(void)lab_pf_report(dir, &out);
	assert_non_null(strstr(out.data, "\"" ID "\""));
	mg_str_free(&out);
	lab_stop(PFLAB, dir);
}

/* test_postfix_submission_only_hole - the hole on 587 alone (port 25
 * offers no AUTH): proven on the submission service */
static void
test_postfix_submission_only_hole(void **state)
{
	(void)state;
	submission_fix("sasl-submission", 0, "  -o smtpd_sender_restrictions="
	    "reject_authenticated_sender_login_mismatch,"
	    "$mua_sender_restrictions");
}

/* test_postfix_hole_on_both - AUTH on port 25 too: each service proven
 * with its own settings */
static void
test_postfix_hole_on_both(void **state)
{
	(void)state;
	submission_fix("sasl-submission-25", 1, "  -o "
	    "smtpd_sender_restrictions=reject_authenticated_sender_login_"
	    "mismatch,$mua_sender_restrictions");
}

/* test_postfix_braced_override - the submission's sender line written
 * "-o { name = value with spaces }" (Postfix 3.0): the reject goes
 * inside the braces, proven on that service, rolled back */
static void
test_postfix_braced_override(void **state)
{
	(void)state;
	submission_fix("sasl-submission-brace", 0, "  -o { "
	    "smtpd_sender_restrictions = reject_authenticated_sender_login_"
	    "mismatch, permit_sasl_authenticated, reject }");
}

/*
 * test_postfix_service_owner_table - sasl-service-owners (Mail-in-a-Box's
 * shape): the owner table only in master.cf -o smtpd_sender_login_maps,
 * the reject on submission and forgotten on smtps.  Real AUTH as bob on
 * smtps sends as a.liddell@ (the table gives it to alice); on submission
 * it is refused.  fix --yes adds no global map (the table stays the
 * owners), is proven on smtps's own listener from the table (alice as
 * bob@ refused, as her own accepted) and asks submission nothing; after
 * it real AUTH as bob gets 553 for a.liddell@ and 250 for bob@ on smtps,
 * submission answers as before, master.cf is untouched; rollback puts
 * every byte of etc/ back and the hole with it.
 */
static void
test_postfix_service_owner_table(void **state)
{
	const char *dir = lab_instance(PFLAB, "sasl-service-owners", 1);
	char etc[4096], st[4200], master_cf[4200], live_master[4200];
	char port[32], note[8192];
	const char *fix[] = { "./mailguard-tui", "--postfix", etc, "--state",
	    st, "fix", "postfix.sasl.sender-login-maps", "--yes", NULL };
	const char *rollback[] = { "./mailguard-tui", "--postfix", etc,
	    "--state", st, "rollback", "1", "--yes", NULL };
	const char *to = "postmaster@mail.example.com";
	struct mg_str before, after, out;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	(void)snprintf(live_master, sizeof(live_master), "%s/master.cf",
	    etc);
	/* the hole on smtps alone, as real SASL shows it */
	assert_int_equal(auth_rcpt_on(dir, "smtps_port", "bob",
	    "a.liddell@mail.example.com", to), 250);
	assert_int_equal(auth_rcpt_on(dir, "submission_port", "bob",
	    "a.liddell@mail.example.com", to), 553);
	(void)lab_pf_report(dir, &out);
	assert_non_null(strstr(out.data, "\"" ID "\""));
	assert_int_equal(service_evidence(out.data, dir, "smtps_port"), 0);
	assert_int_equal(service_evidence(out.data, dir, "submission_port"),
	    1);
	(void)lab_port(dir, "smtps_port", port, sizeof(port));
	(void)snprintf(note, sizeof(note), "the fix keeps "
	    "smtpd_sender_login_maps = hash:%s/sender_owners (service "
	    "127.0.0.1:%s's own -o, master.cf:", etc, port);
	assert_non_null(strstr(out.data, note));
	/* no map of the fix's own: the service's table stays the owners */
	assert_int_equal(lab_jq(out.data, "[.fix_details[] | select(.id == "
	    "\"postfix.sasl.sender-login-maps\") | .edits[] | select(.param "
	    "== \"smtpd_sender_login_maps\")] | length == 0", NULL), 0);
	mg_str_free(&out);

	snapshot(etc, &before);
	keep(dir, "master.cf", master_cf, sizeof(master_cf));
	assert_int_equal(lab_pf_tool(dir, fix, &out), 0);
	(void)printf("%s", out.data);
	assert_true(has(out.data, "stage", dir, "smtps_port", "198.51.100.9 "
	    "as login alice: MAIL FROM:<bob@mail.example.com> RCPT TO:<"
	    "postmaster@mail.example.com> -> 553 5.7.1 <bob@mail.example.com>"
	    ": Sender address rejected: not owned by user alice - closed "
	    "(before the change: 250"));
	assert_true(has(out.data, "live", dir, "smtps_port", "198.51.100.9 "
	    "as login alice: MAIL FROM:<bob@mail.example.com> RCPT TO:<"
	    "postmaster@mail.example.com> -> 553"));
	/* stage and live: the forged and the own sender, on smtps alone;
	 * the own one is an address the table gives alice, still taken */
	assert_int_equal(count_of(out.data, "as login alice: MAIL FROM:<"), 4);
	assert_int_equal(count_of(out.data, "- still accepted (before the "
	    "change: 250"), 2);
	(void)lab_port(dir, "submission_port", port, sizeof(port));
	(void)snprintf(note, sizeof(note), "127.0.0.1:%s/inet (XCLIENT)",
	    port);
	assert_null(strstr(out.data, note));
	assert_true(lab_applied(out.data));
	mg_str_free(&out);
	assert_true(same_file(master_cf, live_master));

	/* real SASL after the reload */
	assert_int_equal(auth_rcpt_on(dir, "smtps_port", "bob",
	    "a.liddell@mail.example.com", to), 553);
	assert_int_equal(auth_rcpt_on(dir, "smtps_port", "bob",
	    "bob@mail.example.com", to), 250);
	assert_int_equal(auth_rcpt_on(dir, "smtps_port", "alice",
	    "sales@mail.example.com", to), 250);
	assert_int_equal(auth_rcpt_on(dir, "submission_port", "bob",
	    "a.liddell@mail.example.com", to), 553);
	assert_int_equal(auth_rcpt_on(dir, "submission_port", "bob",
	    "bob@mail.example.com", to), 250);
	(void)lab_pf_report(dir, &out);
	assert_null(strstr(out.data, "\"" ID "\""));
	mg_str_free(&out);

	assert_int_equal(lab_pf_tool(dir, rollback, &out), 0);
	mg_str_free(&out);
	snapshot(etc, &after);
	assert_string_equal(before.data, after.data);
	assert_int_equal(auth_rcpt_on(dir, "smtps_port", "bob",
	    "a.liddell@mail.example.com", to), 250);
	lab_stop(PFLAB, dir);
	mg_str_free(&before);
	mg_str_free(&after);
}

/*
 * test_postfix_service_emptied_table - sasl-service-emptied: main.cf has
 * the owner table and the reject, smtps empties the table with -o.  Real
 * Postfix refuses every MAIL FROM of a login on smtps then (553 "not
 * owned", bob's own address too): no hole, no finding.  With main.cf's
 * reject taken out (postconf -e, reload) real AUTH as bob on smtps sends
 * as a.liddell@ while submission refuses it: the finding names smtps's
 * master.cf line and offers no fix (main.cf's table does not reach
 * smtps); fix --yes is refused and changes nothing in etc/.
 */
static void
test_postfix_service_emptied_table(void **state)
{
	const char *dir = lab_instance(PFLAB, "sasl-service-emptied", 1);
	char etc[4096], st[4200], port[32], note[512];
	const char *fix[] = { "./mailguard-tui", "--postfix", etc, "--state",
	    st, "fix", "postfix.sasl.sender-login-maps", "--yes", NULL };
	const char *unset[] = { "postconf", "-c", etc, "-e",
	    "smtpd_sender_restrictions =", NULL };
	const char *reload[] = { "postfix", "-c", etc, "reload", NULL };
	const char *to = "postmaster@mail.example.com";
	struct mg_str before, after, out;
	struct lab_pf_gen gen;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	/* an empty owner table with the reject: nobody owns anything */
	assert_int_equal(auth_rcpt_on(dir, "smtps_port", "bob",
	    "a.liddell@mail.example.com", to), 553);
	assert_int_equal(auth_rcpt_on(dir, "smtps_port", "bob",
	    "bob@mail.example.com", to), 553);
	(void)lab_pf_report(dir, &out);
	assert_null(strstr(out.data, "\"" ID "\""));
	mg_str_free(&out);

	lab_pf_mark(dir, &gen);
	assert_int_equal(lab_capture(unset, &out), 0);
	mg_str_free(&out);
	assert_int_equal(lab_capture(reload, &out), 0);
	mg_str_free(&out);
	lab_pf_reloaded(dir, &gen);
	assert_int_equal(auth_rcpt_on(dir, "smtps_port", "bob",
	    "a.liddell@mail.example.com", to), 250);
	assert_int_equal(auth_rcpt_on(dir, "submission_port", "bob",
	    "a.liddell@mail.example.com", to), 553);
	(void)lab_pf_report(dir, &out);
	assert_int_equal(service_evidence(out.data, dir, "smtps_port"), 0);
	assert_int_equal(service_evidence(out.data, dir, "submission_port"),
	    1);
	(void)lab_port(dir, "smtps_port", port, sizeof(port));
	(void)snprintf(note, sizeof(note), "no automatic fix: service "
	    "127.0.0.1:%s (inet) sets smtpd_sender_login_maps empty with -o "
	    "(master.cf:", port);
	assert_non_null(strstr(out.data, note));
	assert_null(strstr(out.data, "\"postfix.sasl.sender-login-maps\""));
	mg_str_free(&out);

	snapshot(etc, &before);
	/* refused: no such fix in the report (usage error, on stderr) */
	assert_int_not_equal(lab_pf_tool(dir, fix, &out), 0);
	assert_null(strstr(out.data, "installed"));
	mg_str_free(&out);
	snapshot(etc, &after);
	assert_string_equal(before.data, after.data);
	lab_stop(PFLAB, dir);
	mg_str_free(&before);
	mg_str_free(&after);
}

/* set_sender_restrictions - main.cf's smtpd_sender_restrictions = value
 * on dir's running instance, reloaded (the reload waited for) */
static void
set_sender_restrictions(const char *dir, const char *value)
{
	char etc[4096], kv[512];
	const char *set[] = { "postconf", "-c", etc, "-e", kv, NULL };
	const char *reload[] = { "postfix", "-c", etc, "reload", NULL };
	struct lab_pf_gen gen;
	struct mg_str out;

	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(kv, sizeof(kv), "smtpd_sender_restrictions = %s",
	    value);
	lab_pf_mark(dir, &gen);
	assert_int_equal(lab_capture(set, &out), 0);
	mg_str_free(&out);
	assert_int_equal(lab_capture(reload, &out), 0);
	mg_str_free(&out);
	lab_pf_reloaded(dir, &gen);
}

/*
 * test_postfix_empty_map_rejects - sasl-spoof (no smtpd_sender_login_maps)
 * with reject_authenticated_sender_login_mismatch: real Postfix refuses
 * alice's own MAIL FROM (no owner for anything), no finding; with
 * reject_known_sender_login_mismatch instead it knows no address and
 * alice sends as bob: the finding is back
 */
static void
test_postfix_empty_map_rejects(void **state)
{
	const char *dir = lab_instance(PFLAB, "sasl-spoof", 1);
	const char *to = "postmaster@mail.example.com";
	struct mg_str out;

	(void)state;
	set_sender_restrictions(dir, "reject_authenticated_sender_login_"
	    "mismatch");
	assert_int_equal(auth_rcpt(dir, "alice", "alice@mail.example.com",
	    to), 553);
	assert_int_equal(auth_rcpt(dir, "alice", "bob@mail.example.com", to),
	    553);
	(void)lab_pf_report(dir, &out);
	assert_null(strstr(out.data, "\"" ID "\""));
	mg_str_free(&out);

	set_sender_restrictions(dir, "reject_known_sender_login_mismatch");
	assert_int_equal(auth_rcpt(dir, "alice", "bob@mail.example.com", to),
	    250);
	(void)lab_pf_report(dir, &out);
	assert_non_null(strstr(out.data, "\"" ID "\""));
	mg_str_free(&out);
	lab_stop(PFLAB, dir);
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

/* insert_after - text put on the lines after the first line of file
 * path that is line; fails the test if there is none */
static void
insert_after(const char *path, const char *line, const char *text)
{
	struct mg_str s = MG_STR_INIT;
	const char *at;
	FILE *fp;

	lab_slurp(path, &s);
	at = strstr(mg_str_cstr(&s), line);
	assert_non_null(at);
	at += strlen(line);
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(s.data, 1, (size_t)(at - s.data), fp),
	    (size_t)(at - s.data));
	assert_true(fputs(text, fp) >= 0);
	assert_true(fputs(at, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
	mg_str_free(&s);
}

/* replace_line - the first line of file path that is old (with its
 * newlines) becomes new; fails the test if there is none */
static void
replace_line(const char *path, const char *old, const char *new)
{
	struct mg_str s = MG_STR_INIT;
	const char *at;
	FILE *fp;

	lab_slurp(path, &s);
	at = strstr(mg_str_cstr(&s), old);
	assert_non_null(at);
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fwrite(s.data, 1, (size_t)(at - s.data), fp),
	    (size_t)(at - s.data));
	assert_true(fputs(new, fp) >= 0);
	assert_true(fputs(at + strlen(old), fp) >= 0);
	assert_int_equal(fclose(fp), 0);
	mg_str_free(&s);
}

/* exim_sender_fix - auth-plain-clear with text (if not NULL) before its
 * "accept authenticated = *", that accept written as accept (if not
 * NULL): alice sends as postmaster, the report names it, fix --yes is
 * proven by exim -bh -oMai alice, a real login is then refused as
 * postmaster and accepted as alice; rollback byte-identical */
static void
exim_sender_fix(const char *text, const char *accept)
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

	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	if (text != NULL)
		insert_after(conf, "\n  accept  hosts = +relay_from_hosts\n",
		    text);
	if (accept != NULL)
		replace_line(conf, "\n  accept  authenticated = *\n", accept);
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
	assert_true(lab_applied(out.data));
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

/* test_exim_login_sends_as_anyone - auth-plain-clear as it is */
static void
test_exim_login_sends_as_anyone(void **state)
{
	(void)state;
	exim_sender_fix(NULL, NULL);
}

/* test_exim_warn_is_no_guard - a warn that logs a login sending as
 * another address (with the sender and the login in its condition)
 * refuses nothing: real Exim accepts, the finding stands, the fix's deny
 * closes it */
static void
test_exim_warn_is_no_guard(void **state)
{
	(void)state;
	exim_sender_fix("  warn    authenticated = *\n"
	    "          condition = ${if !eqi{$sender_address}"
	    "{$authenticated_id@example.com}}\n"
	    "          log_message = $authenticated_id sends as "
	    "$sender_address\n", NULL);
}

/* test_exim_login_accept_as_condition - the accept of logins written
 * "condition = ${if def:authenticated_id}": real Exim accepts alice as
 * postmaster; the finding, the fix and its proof as for "authenticated
 * = *" */
static void
test_exim_login_accept_as_condition(void **state)
{
	(void)state;
	exim_sender_fix(NULL, "\n  accept  condition = ${if def:"
	    "authenticated_id}\n");
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
		cmocka_unit_test(test_postfix_warned_reject),
		cmocka_unit_test(test_postfix_reject_in_class),
		cmocka_unit_test(test_postfix_submission_only_hole),
		cmocka_unit_test(test_postfix_hole_on_both),
		cmocka_unit_test(test_postfix_braced_override),
		cmocka_unit_test(test_postfix_service_owner_table),
		cmocka_unit_test(test_postfix_service_emptied_table),
		cmocka_unit_test(test_postfix_empty_map_rejects),
		cmocka_unit_test(test_exim_login_sends_as_anyone),
		cmocka_unit_test(test_exim_warn_is_no_guard),
		cmocka_unit_test(test_exim_login_accept_as_condition),
	};

	return (cmocka_run_group_tests(tests, setup, lab_teardown));
}
