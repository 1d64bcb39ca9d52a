/*
 * test_lab_hostile_text.c - text an attacker controls (a queued message's
 * envelope, the command line) never reaches the terminal raw: a real
 * Postfix queue file whose sender holds U+009B (a C1 CSI) and U+202E (a
 * bidi override) is reported by "queue --json" with both escaped; a
 * usage error quoting an argument that holds ESC shows it escaped.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../core/mg_str.h"
#include "lab_util.h"

#define LAB "tests/lab/postfix/lab.sh"
/* "ev" U+009B "31m" U+202E "il@example.org" */
#define HOSTILE_FROM "ev\xc2\x9b" "31m\xe2\x80\xaeil@example.org"

/* raw_c1_or_bidi - s holds U+009B, U+0085 or U+202A-U+202E raw */
static int
raw_c1_or_bidi(const char *s)
{
	return (strstr(s, "\xc2\x9b") != NULL || strstr(s, "\xc2\x85") !=
	    NULL || strstr(s, "\xe2\x80\xaa") != NULL || strstr(s,
	    "\xe2\x80\xae") != NULL || strstr(s, "\xe2\x81\xa6") != NULL);
}

/* test_queue_json_escapes_c1_and_bidi - one message queued by Postfix
 * from HOSTILE_FROM (SMTP, deferred at the closed relayhost): the JSON
 * names it, escaped, and holds no raw C1 or bidi character */
static void
test_queue_json_escapes_c1_and_bidi(void **state)
{
	const char *dir = lab_instance(LAB, "relay-default36", 1);
	const char *flush[] = { "flush-wait", dir, NULL };
	const char *fill[] = { "fill", dir, "--from", HOSTILE_FROM, "--to",
	    "bob@example.net", "--subject", "x\xc2\x9by\xe2\x80\xaez", NULL };
	char etc[4096];
	const char *mg[] = { "./mailguard-tui", "--postfix", etc, "queue",
	    "--by", "sender", "--json", NULL };
	struct mg_str out = MG_STR_INIT;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	assert_int_equal(lab_script(LAB, fill), 0);
	assert_int_equal(lab_script(LAB, flush), 0);
	assert_int_equal(lab_capture(mg, &out), 0);
	assert_false(raw_c1_or_bidi(mg_str_cstr(&out)));
	assert_int_equal(lab_jq(out.data, ".total == 1 and .groups[0].key == "
	    "\"ev\\u009b31m\\u202eil@example.org\"", NULL), 0);
	assert_non_null(strstr(out.data, "ev\\u009b31m\\u202eil@"));
	mg_str_free(&out);
}

/* usage_stderr - the binary run with argv: exit 64 (usage), its stderr
 * into out (caller frees) */
static void
usage_stderr(const char *const *argv, struct mg_str *out)
{
	struct mg_exec_res res;

	assert_int_equal(lab_run(&res, argv), 64);
	mg_str_init(out);
	mg_str_append(out, res.err.data, res.err.len);
	mg_exec_res_free(&res);
}

/* test_usage_errors_escape_arguments - an unknown option, an unknown
 * command, a command's unknown option and a bad entry number, each with
 * ESC sequences that would retitle or clear the terminal: stderr names
 * them escaped */
static void
test_usage_errors_escape_arguments(void **state)
{
	const char *opt[] = { "./mailguard-tui", "--x\x1b]0;pwned\x07", NULL };
	const char *cmd[] = { "./mailguard-tui", "rep\x1b[2Jort", NULL };
	const char *val[] = { "./mailguard-tui", "queue",
	    "--x\x1b[31m\xc2\x9b" "2J", NULL };
	const char *rb[] = { "./mailguard-tui", "rollback", "1\x1b[2J", NULL };
	const char *const *each[] = { opt, cmd, val, rb };
	struct mg_str err;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(each) / sizeof(each[0]); i++) {
		usage_stderr(each[i], &err);
		assert_null(memchr(err.data, 0x1b, err.len));
		assert_null(memchr(err.data, 0x07, err.len));
		assert_false(raw_c1_or_bidi(mg_str_cstr(&err)));
		assert_non_null(strstr(mg_str_cstr(&err), "\\x1b"));
		mg_str_free(&err);
	}
}

/* setup - a private root */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-hostile");
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_queue_json_escapes_c1_and_bidi),
		cmocka_unit_test(test_usage_errors_escape_arguments),
	};

	return (cmocka_run_group_tests_name("lab_hostile_text", tests, setup,
	    lab_teardown));
}
