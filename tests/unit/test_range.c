/* test_range.c - the monitoring-plugins threshold ranges, every form. */
#include "mg_test.h"

#include <string.h>

#include "../../core/mg_range.h"

struct probe {
	double value;
	int alert;
};

/* check - s parses, and each value alerts or not as expected */
static void
check(const char *s, const struct probe *p, size_t n)
{
	struct mg_range r;
	struct mg_err err;
	size_t i;

	assert_int_equal(mg_range_parse(s, &r, &err), 0);
	assert_string_equal(r.text, s);
	for (i = 0; i < n; i++) {
		if (mg_range_alert(&r, p[i].value) != p[i].alert)
			fail_msg("%s: %g should %salert", s, p[i].value,
			    p[i].alert ? "" : "not ");
	}
}

static void
test_plain(void **state)
{
	/* "10": outside 0..10 */
	static const struct probe p[] = {
		{ -1, 1 }, { 0, 0 }, { 5, 0 }, { 10, 0 }, { 10.5, 1 },
		{ 11, 1 },
	};

	(void)state;
	check("10", p, MG_NELEM(p));
}

static void
test_open_high(void **state)
{
	/* "10:": below 10 */
	static const struct probe p[] = {
		{ -5, 1 }, { 9.9, 1 }, { 10, 0 }, { 1e9, 0 },
	};

	(void)state;
	check("10:", p, MG_NELEM(p));
}

static void
test_open_low(void **state)
{
	/* "~:10": above 10 */
	static const struct probe p[] = {
		{ -1e9, 0 }, { 10, 0 }, { 10.1, 1 }, { 11, 1 },
	};

	(void)state;
	check("~:10", p, MG_NELEM(p));
}

static void
test_between(void **state)
{
	/* "10:20": outside 10..20, ends included in the range */
	static const struct probe p[] = {
		{ 9, 1 }, { 10, 0 }, { 15, 0 }, { 20, 0 }, { 21, 1 },
	};

	(void)state;
	check("10:20", p, MG_NELEM(p));
}

static void
test_inside(void **state)
{
	/* "@10:20": inside 10..20 */
	static const struct probe p[] = {
		{ 9, 0 }, { 10, 1 }, { 15, 1 }, { 20, 1 }, { 21, 0 },
	};

	(void)state;
	check("@10:20", p, MG_NELEM(p));
}

static void
test_decimals_negative(void **state)
{
	static const struct probe p[] = {
		{ -3, 1 }, { -2.5, 0 }, { 0, 0 }, { 1.5, 0 }, { 1.6, 1 },
	};
	static const struct probe q[] = {
		{ -7, 1 }, { 0, 1 }, { 5, 1 }, { 5.01, 0 },
	};

	(void)state;
	check("-2.5:1.5", p, MG_NELEM(p));
	check("@~:5", q, MG_NELEM(q));
}

static void
test_refused(void **state)
{
	static const char *const bad[] = {
		"", "abc", "10:5", "@", ":", "~", "~:", "10:x", "1e3", "inf",
		"nan", "0x10", "10:20:30", "@@10", " 10", "10 ", "~10",
		("1234567890123456789012345678901234567890123456789012345678901"
		    "234567890"),
	};
	struct mg_range r;
	struct mg_err err;
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(bad); i++) {
		if (mg_range_parse(bad[i], &r, &err) != -1)
			fail_msg("\"%s\" accepted", bad[i]);
		assert_non_null(strstr(err.msg, "threshold"));
	}
	assert_int_equal(mg_range_parse("10:5", &r, &err), -1);
	assert_non_null(strstr(err.msg, "start is above the end"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_open_high),
		cmocka_unit_test(test_open_low),
		cmocka_unit_test(test_between),
		cmocka_unit_test(test_inside),
		cmocka_unit_test(test_decimals_negative),
		cmocka_unit_test(test_refused),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
