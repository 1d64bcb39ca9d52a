/* test_net.c - network parsing, host bits and public coverage. */
#include <string.h>

#include "../../core/mg_net.h"
#include "mg_test.h"

static const struct {
	const char *in;
	int ok, family, prefix, host_bits;
	double public;
} cases[] = {
	{ "127.0.0.0/8", 1, 4, 8, 0, 0 },
	{ "127.0.0.1", 1, 4, 32, 0, 0 },
	{ "10.0.0.0/8", 1, 4, 8, 0, 0 },
	{ "192.168.1.0/24", 1, 4, 24, 0, 0 },
	{ "210.140.12.34/8", 1, 4, 8, 1, 16777216 },
	{ "210.0.0.0/8", 1, 4, 8, 0, 16777216 },
	{ "203.0.113.7/32", 1, 4, 32, 0, 0 },		/* TEST-NET-3 */
	{ "198.51.100.0/24", 1, 4, 24, 0, 0 },
	{ "93.122.252.0/24", 1, 4, 24, 0, 256 },
	{ "93.122.252.5", 1, 4, 32, 0, 1 },
	/* 0.0.0.0/0 less every special-purpose range */
	{ "0.0.0.0/0", 1, 4, 0, 0, 3702258688.0 },
	/* 172.0.0.0/8 holds 172.16.0.0/12 (private): 16M - 1M */
	{ "172.0.0.0/8", 1, 4, 8, 0, 15728640 },
	{ "[::1]/128", 1, 6, 128, 0, 0 },
	{ "::1/128", 1, 6, 128, 0, 0 },
	{ "[::ffff:127.0.0.0]/104", 1, 6, 104, 0, 0 },
	{ "[::ffff:210.0.0.0]/104", 1, 6, 104, 0, 16777216 },
	{ "[fe80::]/10", 1, 6, 10, 0, 0 },
	{ "[fd00::]/8", 1, 6, 8, 0, 0 },
	{ "[2001:db8::]/32", 1, 6, 32, 0, 0 },
	{ "[2a01:4f8::]/120", 1, 6, 120, 0, 256 },
	{ "[2a01:4f8::1]/64", 1, 6, 64, 1, 18446744073709551616.0 },
	{ "1.2.3.4/33", 0, 0, 0, 0, 0 },
	{ "1.2.3.4/", 0, 0, 0, 0, 0 },
	{ "1.2.3.4/-1", 0, 0, 0, 0, 0 },
	{ "1.2.3/24", 0, 0, 0, 0, 0 },
	{ "[::1/128", 0, 0, 0, 0, 0 },
	{ "mail.example.com", 0, 0, 0, 0, 0 },
	{ "cidr:/etc/postfix/net", 0, 0, 0, 0, 0 },
	{ "", 0, 0, 0, 0, 0 },
};

/* test_parse_and_span - the table above */
static void
test_parse_and_span(void **state)
{
	struct mg_net net;
	struct mg_net_span span;
	struct mg_err err;
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		int rc = mg_net_parse(cases[i].in, &net, &err);

		if (!cases[i].ok) {
			if (rc == 0)
				fail_msg("%s: parsed, should not", cases[i].in);
			continue;
		}
		if (rc != 0)
			fail_msg("%s: %s", cases[i].in, err.msg);
		assert_int_equal(net.family, cases[i].family);
		assert_int_equal(net.prefix, cases[i].prefix);
		if (mg_net_host_bits(&net) != cases[i].host_bits)
			fail_msg("%s: host bits wrong", cases[i].in);
		mg_net_span(&net, &span);
		if (span.public != cases[i].public)
			fail_msg("%s: public %.0f, want %.0f", cases[i].in,
			    span.public, cases[i].public);
	}
}

/* test_format - masked and as written; counts readable */
static void
test_format(void **state)
{
	struct mg_net net;
	char buf[64];

	(void)state;
	assert_int_equal(mg_net_parse("210.140.12.34/8", &net, NULL), 0);
	mg_net_format(&net, 1, buf, sizeof(buf));
	assert_string_equal(buf, "210.0.0.0/8");
	mg_net_format(&net, 0, buf, sizeof(buf));
	assert_string_equal(buf, "210.140.12.34/8");
	assert_int_equal(mg_net_parse("[2001:DB8::1]/64", &net, NULL), 0);
	mg_net_format(&net, 1, buf, sizeof(buf));
	assert_string_equal(buf, "[2001:db8::]/64");
	mg_net_format_count(16777216, 4, buf, sizeof(buf));
	assert_string_equal(buf, "16,777,216");
	mg_net_format_count(256, 4, buf, sizeof(buf));
	assert_string_equal(buf, "256");
	mg_net_format_count(18446744073709551616.0, 6, buf, sizeof(buf));
	assert_string_equal(buf, "about 2^64");
}

/* test_contains - nesting */
static void
test_contains(void **state)
{
	struct mg_net a, b;

	(void)state;
	assert_int_equal(mg_net_parse("10.0.0.0/8", &a, NULL), 0);
	assert_int_equal(mg_net_parse("10.1.2.0/24", &b, NULL), 0);
	assert_true(mg_net_contains(&a, &b));
	assert_false(mg_net_contains(&b, &a));
	assert_int_equal(mg_net_parse("[::1]/128", &b, NULL), 0);
	assert_false(mg_net_contains(&a, &b));
}

/* test_private_kind - which private or container range a network is in */
static void
test_private_kind(void **state)
{
	static const struct {
		const char *in, *kind;
		int loopback;
	} kinds[] = {
		{ "10.0.0.0/8", "RFC 1918 private", 0 },
		{ "10.200.1.1", "RFC 1918 private", 0 },
		{ "172.16.0.0/12", "RFC 1918 private", 0 },
		{ "172.17.0.0/16", "RFC 1918 private", 0 },
		{ "192.168.0.0/16", "RFC 1918 private", 0 },
		{ "100.64.0.0/10", "carrier-grade NAT (RFC 6598)", 0 },
		{ "[fd00::]/8", "IPv6 unique local (RFC 4193)", 0 },
		{ "fc00::/7", "IPv6 unique local (RFC 4193)", 0 },
		{ "[fe80::]/10", "IPv6 link-local", 0 },
		{ "[::ffff:10.0.0.0]/104", "RFC 1918 private", 0 },
		/* public space is another finding's */
		{ "172.0.0.0/8", NULL, 0 },
		{ "0.0.0.0/0", NULL, 0 },
		{ "210.0.0.0/8", NULL, 0 },
		{ "127.0.0.0/8", NULL, 1 },
		{ "127.0.0.1", NULL, 1 },
		{ "[::1]/128", NULL, 1 },
		{ "[::ffff:127.0.0.0]/104", NULL, 1 },
		{ "192.0.2.0/24", NULL, 0 },	/* documentation */
		{ "[::]/0", NULL, 0 },
	};
	struct mg_net net;
	const char *k;
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(kinds); i++) {
		assert_int_equal(mg_net_parse(kinds[i].in, &net, NULL), 0);
		k = mg_net_private_kind(&net);
		if ((k == NULL) != (kinds[i].kind == NULL) || (k != NULL &&
		    strcmp(k, kinds[i].kind) != 0))
			fail_msg("%s: kind %s, want %s", kinds[i].in,
			    k != NULL ? k : "none", kinds[i].kind != NULL ?
			    kinds[i].kind : "none");
		if (mg_net_loopback(&net) != kinds[i].loopback)
			fail_msg("%s: loopback %d", kinds[i].in,
			    mg_net_loopback(&net));
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_span),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_contains),
		cmocka_unit_test(test_private_kind),
	};

	return (cmocka_run_group_tests_name("net", tests, NULL, NULL));
}
