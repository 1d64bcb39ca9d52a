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
		cmocka_unit_test(test_pretty),
	};

	return (cmocka_run_group_tests_name("json", tests, NULL, NULL));
}
