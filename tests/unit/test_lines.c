/* test_lines.c - line walking, "name = value" splitting, UTF-8 decoding. */
#include <stdlib.h>
#include <string.h>

#include "../../core/mg_lines.h"
#include "../../core/mg_utf8.h"
#include "mg_test.h"

/* test_line_next - last line without newline, empty lines kept */
static void
test_line_next(void **state)
{
	const char *cur = "a\n\nbc\r\nlast", *line;
	const char *want[] = { "a", "", "bc\r", "last" };
	size_t len, n = 0;

	(void)state;
	while (mg_line_next(&cur, &line, &len)) {
		assert_true(n < MG_NELEM(want));
		assert_int_equal(len, strlen(want[n]));
		assert_memory_equal(line, want[n], len);
		n++;
	}
	assert_int_equal(n, 4);
	cur = "";
	assert_int_equal(mg_line_next(&cur, &line, &len), 0);
	cur = NULL;
	assert_int_equal(mg_line_next(&cur, &line, &len), 0);
}

/* test_assignment - the forms postconf and exim -bP print */
static void
test_assignment(void **state)
{
	static const struct {
		const char *in;
		int ok;
		const char *name, *value;
	} cases[] = {
		{ "mynetworks = 127.0.0.0/8 [::1]/128", 1, "mynetworks",
		    "127.0.0.0/8 [::1]/128" },
		{ "relayhost =", 1, "relayhost", "" },
		{ "relayhost = ", 1, "relayhost", "" },
		{ "a=b=c", 1, "a", "b=c" },
		{ "x =  two spaces", 1, "x", " two spaces" },
		{ "crlf = v\r", 1, "crlf", "v" },
		{ "= nameless", 0, NULL, NULL },
		{ "no_equals_here", 0, NULL, NULL },
		{ "", 0, NULL, NULL },
	};
	char *name, *value;
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		int rc = mg_line_assignment(cases[i].in, strlen(cases[i].in),
		    &name, &value);

		if (!cases[i].ok) {
			assert_int_equal(rc, -1);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_string_equal(name, cases[i].name);
		assert_string_equal(value, cases[i].value);
		free(name);
		free(value);
	}
}

/* test_utf8_decode - valid lengths and code points; invalid is 0 */
static void
test_utf8_decode(void **state)
{
	static const struct {
		const char *in;
		size_t n, len;
		unsigned int cp;
	} cases[] = {
		{ "\xc3\xbc", 2, 2, 0xfc },
		{ "\xe6\x97\xa5", 3, 3, 0x65e5 },
		{ "\xf0\x9f\x93\xa7", 4, 4, 0x1f4e7 },
		{ "a", 1, 0, 0 },
		{ "\xc0\xaf", 2, 0, 0 },		/* overlong */
		{ "\xe0\x80\xaf", 3, 0, 0 },		/* overlong */
		{ "\xed\xa0\x80", 3, 0, 0 },		/* surrogate */
		{ "\xf4\x90\x80\x80", 4, 0, 0 },	/* > U+10FFFF */
		{ "\xe6\x97", 2, 0, 0 },		/* truncated */
		{ "\x80", 1, 0, 0 },			/* stray */
	};
	unsigned int cp;
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		cp = 0;
		assert_int_equal(mg_utf8_decode((const unsigned char *)
		    cases[i].in, cases[i].n, &cp), cases[i].len);
		if (cases[i].len > 0)
			assert_int_equal(cp, cases[i].cp);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_next),
		cmocka_unit_test(test_assignment),
		cmocka_unit_test(test_utf8_decode),
	};

	return (cmocka_run_group_tests_name("lines", tests, NULL, NULL));
}
