/*
 * test_lab_pf_submission.c - real Postfix judges the submission checks on
 * Debian's submission entry enabled half-way (scenarios submission-open
 * and submission-plain): a client that did not log in gets 250 on the
 * submission port for an address port 25 refuses, and a session without
 * STARTTLS gets as far as RCPT; after fix --yes the first is refused
 * (554) while a client that logs in over STARTTLS (real AUTH PLAIN,
 * openssl s_client) still gets 250, and the second is told to STARTTLS
 * first (530).  The probes of the proof engine ask one port and cannot
 * log in, so these findings carry none: fix --yes validates on the stage
 * (the staged configuration no longer needs the fix) and re-reads the
 * live one; this test asks the real server per port, reads the override
 * back with postconf -P, and rolls back to byte-identical files.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../core/mg_lines.h"
#include "../../core/mg_str.h"
#include "lab_util.h"

#define LAB "tests/lab/postfix/lab.sh"
#define MGSMTP "build/lab/mgsmtp"
#define OUTSIDER "198.51.100.9"
#define NOBODY "nosuchuser@example.com"

/* session - mgsmtp's account of MAIL and RCPT on PORT, as CLIENT
 * (XCLIENT) or, with client NULL, as 127.0.0.1 itself, into out */
static void
session(int port, const char *client, struct mg_str *out)
{
	char p[16];
	const char *argv[] = { MGSMTP, "--port", p, "--from", "x@other.test",
	    "--to", NOBODY, "--rcpt-only", client != NULL ?
	    "--xclient-addr" : NULL, client, NULL };
	struct mg_exec_res res;

	(void)snprintf(p, sizeof(p), "%d", port);
	if (lab_run(&res, argv) < 0)
		fail_msg("mgsmtp failed: %s", mg_str_cstr(&res.err));
	mg_str_init(out);
	mg_str_puts(out, mg_str_cstr(&res.out));
	mg_str_puts(out, mg_str_cstr(&res.err));
	(void)printf("    port %d as %s: %s", port, client != NULL ? client :
	    "127.0.0.1", mg_str_cstr(out));
	(void)fflush(stdout);
	mg_exec_res_free(&res);
}

/* says - does mgsmtp's account on PORT contain text? */
static int
says(int port, const char *client, const char *text)
{
	struct mg_str out;
	int yes;

	session(port, client, &out);
	yes = strstr(mg_str_cstr(&out), text) != NULL;
	mg_str_free(&out);
	return (yes);
}

/* logged_in_rcpt - STARTTLS, then real AUTH PLAIN as alice (the
 * scenario's sasldb account), MAIL and RCPT: 1 if RCPT got 250.  The
 * pauses only pace the commands (s_client -quiet reads replies until
 * the server closes after QUIT); the bound is for a busy machine. */
static int
logged_in_rcpt(int port)
{
	char script[1024];
	const char *argv[] = { "sh", "-c", script, NULL };
	struct mg_str out;
	int ok;

	/* "\0alice\0Wonder-land-7" in base64 (RFC 4616) */
	(void)snprintf(script, sizeof(script), "(sleep 0.5; printf 'EHLO "
	    "c.example\\r\\n'; sleep 0.3; printf 'AUTH PLAIN "
	    "AGFsaWNlAFdvbmRlci1sYW5kLTc=\\r\\n'; sleep 0.5; printf "
	    "'MAIL FROM:<alice@example.com>\\r\\n'; sleep 0.3; printf "
	    "'RCPT TO:<%s>\\r\\n'; sleep 0.3; printf 'QUIT\\r\\n'; sleep "
	    "0.3) | timeout 60 openssl s_client -starttls smtp -connect "
	    "127.0.0.1:%d -quiet -crlf 2>/dev/null | grep -E '^[2-5][0-9][0-9]"
	    " [0-9]' || true", NOBODY, port);
	assert_int_equal(lab_capture(argv, &out), 0);
	(void)printf("    port %d, STARTTLS and AUTH as alice:\n%s", port,
	    mg_str_cstr(&out));
	ok = strstr(mg_str_cstr(&out), "235 2.7.0") != NULL &&
	    strstr(mg_str_cstr(&out), "250 2.1.5") != NULL;
	mg_str_free(&out);
	return (ok);
}

/* files - main.cf and master.cf, concatenated, into out */
static void
files(const char *dir, struct mg_str *out)
{
	char path[4096];
	struct mg_str s;

	mg_str_init(out);
	(void)snprintf(path, sizeof(path), "%s/etc/main.cf", dir);
	lab_slurp(path, &s);
	mg_str_puts(out, mg_str_cstr(&s));
	mg_str_free(&s);
	(void)snprintf(path, sizeof(path), "%s/etc/master.cf", dir);
	lab_slurp(path, &s);
	mg_str_puts(out, mg_str_cstr(&s));
	mg_str_free(&s);
}

/* tool - ./mailguard-tui --postfix DIR/etc --state DIR/state VERB ARG
 * --yes (a fix or rollback); its output must contain want; back once
 * Postfix took the reload it ran */
static void
tool(const char *dir, const char *verb, const char *arg, const char *want)
{
	char etc[4096], st[4200];
	const char *argv[] = { "./mailguard-tui", "--postfix", etc, "--state",
	    st, verb, arg, "--yes", NULL };
	struct mg_str out;

	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	assert_int_equal(lab_pf_tool(dir, argv, &out), 0);
	(void)printf("%s", out.data);
	assert_non_null(strstr(out.data, want));
	mg_str_free(&out);
}

/* override - postconf -P: the submission service's own NAME, read back */
static int
override(const char *dir, int port, const char *name, const char *value)
{
	char etc[4096], key[256];
	const char *argv[] = { "postconf", "-c", etc, "-P", key, NULL };
	struct mg_str out;
	int found;

	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(key, sizeof(key), "127.0.0.1:%d/inet/%s", port, name);
	if (lab_capture(argv, &out) != 0) {
		mg_str_free(&out);
		return (0);
	}
	(void)printf("    postconf -P: %s", mg_str_cstr(&out));
	found = strstr(mg_str_cstr(&out), value) != NULL;
	mg_str_free(&out);
	return (found);
}

/* test_open_submission - no-auth shown true by Postfix (250 on the
 * submission port where port 25 says 550), fixed and proven (554 to
 * the outsider, 250 after a real login and to mynetworks), rolled back
 * byte for byte */
static void
test_open_submission(void **state)
{
	const char *dir = lab_instance(LAB, "submission-open", 1);
	int port = lab_port(dir, "port", NULL, 0);
	int sub = lab_port(dir, "submission_port", NULL, 0);
	struct mg_str out, before, after;

	(void)state;
	assert_true(says(port, OUTSIDER, "-> 550"));
	assert_true(says(sub, OUTSIDER, "RCPT " NOBODY " -> 250"));
	(void)lab_pf_report(dir, &out);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"postfix.submission.no-auth\" and .area == \"sasl\") | "
	    ".evidence[] | select(.text | contains(\"smtpd_reject_unlisted_"
	    "recipient=no\"))] | length == 1", NULL), 0);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"postfix.submission.no-tls\") | .evidence | map(.text) | "
	    "any(contains(\"no automatic fix\"))", NULL), 0);
	assert_int_equal(lab_jq(out.data, "[.fix_details[].id] | "
	    "index(\"postfix.submission.encrypt\") == null", NULL), 0);
	mg_str_free(&out);
	files(dir, &before);

	tool(dir, "fix", "postfix.submission.require-auth",
	    "applied, reloaded and verified");
	assert_true(override(dir, sub, "smtpd_client_restrictions",
	    "permit_mynetworks,permit_sasl_authenticated,reject"));
	assert_true(says(sub, OUTSIDER, "RCPT " NOBODY " -> 554"));
	assert_true(logged_in_rcpt(sub));
	assert_true(says(sub, NULL, "RCPT " NOBODY " -> 250"));
	assert_true(says(port, OUTSIDER, "-> 550"));
	(void)lab_pf_report(dir, &out);
	assert_int_equal(lab_jq(out.data, "[.findings[].id] | "
	    "index(\"postfix.submission.no-auth\") == null", NULL), 0);
	mg_str_free(&out);

	tool(dir, "rollback", "1", "rolled back");
	files(dir, &after);
	assert_string_equal(mg_str_cstr(&before), mg_str_cstr(&after));
	assert_true(says(sub, OUTSIDER, "RCPT " NOBODY " -> 250"));
	mg_str_free(&before);
	mg_str_free(&after);
	lab_stop(LAB, dir);
}

/* test_plain_submission - no-tls shown true by Postfix (a session
 * without STARTTLS reaches RCPT), fixed by uncommenting Debian's own
 * line and proven (530: STARTTLS first; a real login over STARTTLS still
 * 250), rolled back byte for byte */
static void
test_plain_submission(void **state)
{
	const char *dir = lab_instance(LAB, "submission-plain", 1);
	int sub = lab_port(dir, "submission_port", NULL, 0);
	struct mg_str out, before, after;

	(void)state;
	assert_true(says(sub, NULL, "RCPT " NOBODY " -> 554"));
	assert_true(logged_in_rcpt(sub));
	(void)lab_pf_report(dir, &out);
	assert_int_equal(lab_jq(out.data, "[.findings[].id] | "
	    "index(\"postfix.submission.no-auth\") == null", NULL), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"postfix.submission.no-tls\") | .evidence[] | select((.file | "
	    "endswith(\"/master.cf\")) and (.text | contains(\"commented "
	    "out\")))] | length == 1", NULL), 0);
	assert_int_equal(lab_jq(out.data, ".fix_details[] | select(.id == "
	    "\"postfix.submission.encrypt\") | .edits[0].new == "
	    "\"  -o smtpd_tls_security_level=encrypt\"", NULL), 0);
	mg_str_free(&out);
	files(dir, &before);

	tool(dir, "fix", "postfix.submission.encrypt",
	    "applied, reloaded and verified");
	assert_true(override(dir, sub, "smtpd_tls_security_level",
	    "encrypt"));
	assert_true(says(sub, NULL, "-> 530"));
	assert_true(logged_in_rcpt(sub));
	(void)lab_pf_report(dir, &out);
	assert_int_equal(lab_jq(out.data, "[.findings[].id] | "
	    "index(\"postfix.submission.no-tls\") == null", NULL), 0);
	mg_str_free(&out);

	tool(dir, "rollback", "1", "rolled back");
	files(dir, &after);
	assert_string_equal(mg_str_cstr(&before), mg_str_cstr(&after));
	assert_true(says(sub, NULL, "RCPT " NOBODY " -> 554"));
	mg_str_free(&before);
	mg_str_free(&after);
	lab_stop(LAB, dir);
}

/* line_of - the number of the line of DIR/etc/master.cf reading text */
static unsigned
line_of(const char *dir, const char *text)
{
	char path[4096];
	struct mg_str s;
	const char *cur, *l;
	size_t len;
	unsigned no = 0, found = 0;

	(void)snprintf(path, sizeof(path), "%s/etc/master.cf", dir);
	lab_slurp(path, &s);
	for (cur = mg_str_cstr(&s); mg_line_next(&cur, &l, &len);) {
		no++;
		if (len == strlen(text) && strncmp(l, text, len) == 0)
			found = no;
	}
	mg_str_free(&s);
	return (found);
}

/* test_duplicate_override - two -o smtpd_tls_security_level on the
 * submission entry, encrypt then may: Postfix uses the last (postconf -P
 * says may, a client gets to RCPT without STARTTLS); the finding's
 * evidence names the may line, the fix edits that line, and after it
 * Postfix says 530; rolled back byte for byte */
static void
test_duplicate_override(void **state)
{
	const char *dir = lab_instance(LAB, "submission-dup-o", 1);
	int sub = lab_port(dir, "submission_port", NULL, 0);
	unsigned enc = line_of(dir, "  -o smtpd_tls_security_level=encrypt");
	unsigned may = line_of(dir, "  -o smtpd_tls_security_level=may");
	char q[1024];
	struct mg_str out, before, after;

	(void)state;
	assert_true(enc > 0 && may > enc);
	assert_true(override(dir, sub, "smtpd_tls_security_level", "may"));
	assert_true(says(sub, NULL, "RCPT " NOBODY " -> 554"));
	(void)lab_pf_report(dir, &out);
	(void)snprintf(q, sizeof(q), "[.findings[] | select(.id == "
	    "\"postfix.submission.no-tls\") | .evidence[] | select((.file | "
	    "endswith(\"/master.cf\")) and .line == %u and (.text | "
	    "contains(\"-o smtpd_tls_security_level = may\")))] | length == 1",
	    may);
	assert_int_equal(lab_jq(out.data, q, NULL), 0);
	(void)snprintf(q, sizeof(q), ".fix_details[] | select(.id == "
	    "\"postfix.submission.encrypt\") | .edits | length == 1 and "
	    ".[0].line == %u and .[0].old == \"  -o smtpd_tls_security_level="
	    "may\" and (.[0].new | contains(\"smtpd_tls_security_level="
	    "encrypt\"))", may);
	assert_int_equal(lab_jq(out.data, q, NULL), 0);
	mg_str_free(&out);
	files(dir, &before);

	tool(dir, "fix", "postfix.submission.encrypt",
	    "applied, reloaded and verified");
	assert_true(override(dir, sub, "smtpd_tls_security_level",
	    "encrypt"));
	assert_int_equal(line_of(dir, "  -o smtpd_tls_security_level=may"),
	    0);
	assert_true(says(sub, NULL, "-> 530"));
	assert_true(logged_in_rcpt(sub));

	tool(dir, "rollback", "1", "rolled back");
	files(dir, &after);
	assert_string_equal(mg_str_cstr(&before), mg_str_cstr(&after));
	assert_true(says(sub, NULL, "RCPT " NOBODY " -> 554"));
	mg_str_free(&before);
	mg_str_free(&after);
	lab_stop(LAB, dir);
}

/* setup - a private root */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-pfsub");
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_submission),
		cmocka_unit_test(test_plain_submission),
		cmocka_unit_test(test_duplicate_override),
	};

	return (cmocka_run_group_tests_name("lab_pf_submission", tests,
	    setup, lab_teardown));
}
