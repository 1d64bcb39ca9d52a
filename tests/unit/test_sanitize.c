/* test_sanitize.c - hostile text is shown, never executed by the terminal. */
#include <stdlib.h>
#include <string.h>

#include "../../core/mg_sanitize.h"
#include "mg_test.h"

static const struct {
	const char *name;
	const char *in;
	size_t len;
	const char *want;
} cases[] = {
	{ "plain ascii", "user@example.com", 16, "user@example.com" },
	{ "escape sequence", "\x1b]0;pwned\x07", 10, "\\x1b]0;pwned\\x07" },
	{ "clear screen", "a\x1b[2Jb", 6, "a\\x1b[2Jb" },
	{ "newline and tab", "a\nb\tc\r", 6, "a\\nb\\tc\\r" },
	{ "backslash cannot forge", "\\x1b", 4, "\\\\x1b" },
	{ "valid utf-8 kept", "m\xc3\xbcller \xe6\x97\xa5", 11,
	    "m\xc3\xbcller \xe6\x97\xa5" },
	{ "invalid utf-8", "a\xff\xfe", 3, "a\\xff\\xfe" },
	{ "truncated utf-8", "a\xe6\x97", 3, "a\\xe6\\x97" },
	{ "overlong slash", "\xc0\xaf", 2, "\\xc0\\xaf" },
	{ "C1 CSI as utf-8", "\xc2\x9b" "31m", 5, "\\xc2\\x9b31m" },
	{ "bidi override", "a\xe2\x80\xae" "b", 5, "a\\xe2\\x80\\xaeb" },
	{ "surrogate", "\xed\xa0\x80", 3, "\\xed\\xa0\\x80" },
	{ "NUL inside", "a\0b", 3, "a\\x00b" },
	{ "DEL", "\x7f", 1, "\\x7f" },
};

/* test_sanitize_table - each case renders exactly as wanted */
static void
test_sanitize_table(void **state)
{
	struct mg_str out = MG_STR_INIT;
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		mg_str_reset(&out);
		mg_sanitize(&out, cases[i].in, cases[i].len);
		if (strcmp(mg_str_cstr(&out), cases[i].want) != 0)
			fail_msg("%s: got \"%s\"", cases[i].name,
			    mg_str_cstr(&out));
	}
	mg_str_free(&out);
}

/* test_no_control_bytes_survive - every byte value, output printable */
static void
test_no_control_bytes_survive(void **state)
{
	struct mg_str out = MG_STR_INIT;
	char all[256];
	size_t i;

	(void)state;
	for (i = 0; i < 256; i++)
		all[i] = (char)i;
	mg_sanitize(&out, all, sizeof(all));
	for (i = 0; i < out.len; i++) {
		unsigned char c = (unsigned char)out.data[i];

		assert_true(c >= 0x20 && c != 0x7f);
		assert_true(c < 0x80);	/* lone bytes >= 0x80 are invalid */
	}
	mg_str_free(&out);
}

/* test_dup_null - a NULL string sanitizes to empty */
static void
test_dup_null(void **state)
{
	char *s = mg_sanitize_dup(NULL);

	(void)state;
	assert_string_equal(s, "");
	free(s);
}

/* test_patch_lines_as_patch_reads_them - a regexp map's backslashes and
 * a tab go out single, as patch(1) must see them; a line with ESC is
 * escaped and counted, the others are not */
static void
test_patch_lines_as_patch_reads_them(void **state)
{
	char *buf = NULL;
	size_t len = 0, escaped;
	FILE *fp;

	(void)state;
	assert_non_null(fp = open_memstream(&buf, &len));
	escaped = mg_print_patch_lines(fp, "+m = regexp:{{/^(\\+[^@]*)@"
	    "mail\\.example\\.com$$/ $${1}}}\n+a\tb \xc3\xa9\n"
	    "+evil \x1b[2J\n");
	assert_int_equal(fclose(fp), 0);
	assert_string_equal(buf, "+m = regexp:{{/^(\\+[^@]*)@"
	    "mail\\.example\\.com$$/ $${1}}}\n+a\tb \xc3\xa9\n"
	    "+evil \\x1b[2J\n");
	assert_int_equal(escaped, 1);
	free(buf);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sanitize_table),
		cmocka_unit_test(test_no_control_bytes_survive),
		cmocka_unit_test(test_dup_null),
		cmocka_unit_test(test_patch_lines_as_patch_reads_them),
	};

	return (cmocka_run_group_tests_name("sanitize", tests, NULL, NULL));
}
