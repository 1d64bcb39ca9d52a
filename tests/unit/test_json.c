/* test_json.c - the JSON writer's output is exact and always valid. */
#include <string.h>

#include "../../core/mg_json.h"
#include "mg_test.h"

/* test_nested_compact - objects, arrays, commas, scalars */
static void
test_nested_compact(void **state)
{
	struct mg_str out = MG_STR_INIT;
	struct mg_json j;

	(void)state;
	mg_json_init(&j, &out, 0);
	mg_json_object(&j);
	mg_json_kv_string(&j, "mta", "postfix");
	mg_json_key(&j, "findings");
	mg_json_array(&j);
	mg_json_object(&j);
	mg_json_kv_int(&j, "line", 42);
	mg_json_key(&j, "ok");
	mg_json_bool(&j, 0);
	mg_json_end(&j);
	mg_json_int(&j, -1);
	mg_json_array(&j);
	mg_json_end(&j);
	mg_json_end(&j);
	mg_json_key(&j, "none");
	mg_json_string(&j, NULL);
	mg_json_end(&j);
	assert_string_equal(out.data, "{\"mta\":\"postfix\",\"findings\":"
	    "[{\"line\":42,\"ok\":false},-1,[]],\"none\":null}");
	mg_str_free(&out);
}

/* test_string_escapes - quotes, controls, invalid UTF-8 */
static void
test_string_escapes(void **state)
{
	struct mg_str out = MG_STR_INIT;
	struct mg_json j;

	(void)state;
	mg_json_init(&j, &out, 0);
	mg_json_array(&j);
	mg_json_string(&j, "a\"b\\c\nd\x1b\x7f");
	mg_json_stringn(&j, "\xff\xc3\xbc", 3);
	mg_json_double(&j, 1.0 / 0.0);
	mg_json_end(&j);
	assert_string_equal(out.data, "[\"a\\\"b\\\\c\\nd\\u001b\\u007f\","
	    "\"\\ufffd\xc3\xbc\",null]");
	mg_str_free(&out);
}

/* test_c1_bidi_escaped - C1 controls (U+009B is a CSI on some terminals),
 * bidi overrides and isolates and other invisible format characters
 * from queue data leave as \uXXXX escapes, never raw */
static void
test_c1_bidi_escaped(void **state)
{
	struct mg_str out = MG_STR_INIT;
	struct mg_json j;

	(void)state;
	mg_json_init(&j, &out, 0);
	mg_json_array(&j);
	/* U+009B, U+0085, U+202E, U+202A, U+2066, U+2069, U+200F, U+FEFF,
	 * U+2028, U+E0041 (a tag), then a plain e-acute that stays */
	mg_json_string(&j, "a\xc2\x9b" "31m\xc2\x85\xe2\x80\xae\xe2\x80\xaa"
	    "\xe2\x81\xa6\xe2\x81\xa9\xe2\x80\x8f\xef\xbb\xbf\xe2\x80\xa8"
	    "\xf3\xa0\x81\x81\xc3\xa9");
	mg_json_end(&j);
	assert_string_equal(out.data, "[\"a\\u009b31m\\u0085\\u202e\\u202a"
	    "\\u2066\\u2069\\u200f\\ufeff\\u2028\\udb40\\udc41\xc3\xa9\"]");
	mg_str_free(&out);
}

/* test_pretty - indentation mode still closes correctly */
static void
test_pretty(void **state)
{
	struct mg_str out = MG_STR_INIT;
	struct mg_json j;

	(void)state;
	mg_json_init(&j, &out, 1);
	mg_json_object(&j);
	mg_json_key(&j, "a");
	mg_json_array(&j);
	mg_json_int(&j, 1);
	mg_json_end(&j);
	mg_json_end(&j);
	assert_string_equal(out.data, "{\n  \"a\": [\n    1\n  ]\n}\n");
	mg_str_free(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nested_compact),
		cmocka_unit_test(test_string_escapes),
		cmocka_unit_test(test_c1_bidi_escaped),
		cmocka_unit_test(test_pretty),
	};

	return (cmocka_run_group_tests_name("json", tests, NULL, NULL));
}
