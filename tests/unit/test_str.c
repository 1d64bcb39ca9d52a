/* test_str.c - mg_str and the growable array. */
#include <stdlib.h>
#include <string.h>

#include "../../core/mg_str.h"
#include "mg_test.h"

/* test_append_grows_and_terminates - many appends stay terminated */
static void
test_append_grows_and_terminates(void **state)
{
	struct mg_str s = MG_STR_INIT;
	int i;

	(void)state;
	mg_str_init(&s);
	assert_string_equal(mg_str_cstr(&s), "");
	for (i = 0; i < 1000; i++)
		mg_str_putc(&s, 'a' + i % 26);
	assert_int_equal(s.len, 1000);
	assert_int_equal(s.data[1000], '\0');
	assert_int_equal(s.data[27], 'b');
	mg_str_free(&s);
	mg_str_free(&s);	/* twice is harmless */
}

/* test_printf_appends - formatted text goes after what is there */
static void
test_printf_appends(void **state)
{
	struct mg_str s = MG_STR_INIT;
	char *p;

	(void)state;
	mg_str_puts(&s, "x=");
	mg_str_printf(&s, "%d,%s", 42, "y");
	assert_string_equal(s.data, "x=42,y");
	mg_str_reset(&s);
	assert_string_equal(mg_str_cstr(&s), "");
	mg_str_append(&s, "ab\0cd", 5);
	assert_int_equal(s.len, 5);
	p = mg_str_steal(&s);
	assert_null(s.data);
	assert_memory_equal(p, "ab\0cd", 6);
	free(p);
}

/* test_array_push - the one growable-array idiom */
static void
test_array_push(void **state)
{
	int *v = NULL;
	size_t n = 0, cap = 0, i;

	(void)state;
	for (i = 0; i < 10000; i++)
		*MG_ARRAY_PUSH(v, n, cap) = (int)i;
	assert_int_equal(n, 10000);
	assert_true(cap >= n);
	for (i = 0; i < n; i++)
		assert_int_equal(v[i], (int)i);
	free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_append_grows_and_terminates),
		cmocka_unit_test(test_printf_appends),
		cmocka_unit_test(test_array_push),
	};

	return (cmocka_run_group_tests_name("str", tests, NULL, NULL));
}
