/* test_qsel.c - the purge selection: each selector alone, combined (AND),
 * and the forms an operator types (CIDR, @domain, <>). */
#include <stdio.h>
#include <string.h>

#include "../../core/mg_queue.h"
#include "mg_test.h"

#define NOW 1800000000

/* msg - a message with these attributes (strings are static) */
static struct mg_qmsg
msg(const char *sasl, const char *sender, const char *client,
    const char *queue, time_t age, const char **rcpts, size_t n)
{
	struct mg_qmsg m;

	memset(&m, 0, sizeof(m));
	m.id = "4jXmVM2c5Fz1bY5v";
	m.sasl_username = sasl;
	m.sender = sender;
	m.client_address = client;
	m.queue = queue;
	m.arrival = NOW - age;
	m.rcpts = rcpts;
	m.nrcpts = n;
	return (m);
}

/* sel_client - a selection by client network */
static struct mg_qsel
sel_client(const char *net)
{
	struct mg_qsel s;
	struct mg_err err;
	char buf[64];

	memset(&s, 0, sizeof(s));
	(void)snprintf(buf, sizeof(buf), "%s", net);
	assert_int_equal(mg_net_parse(buf, &s.client, &err), 0);
	s.has_client = 1;
	return (s);
}

/* test_each_selector - one criterion at a time */
static void
test_each_selector(void **state)
{
	const char *r[] = { "jsmith@Comcast.NET", "x@example.org" };
	struct mg_qmsg m = msg("root", "root@example.com", "93.122.252.5",
	    "deferred", 7200, r, 2);
	struct mg_qmsg bounce = msg(NULL, "", "ipv6:2001:db8::5", "frozen",
	    60, r, 1);
	struct mg_qsel s;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_true(mg_qsel_match(&s, &m, NOW));	/* empty: all */
	s.sasl = "root";
	assert_true(mg_qsel_match(&s, &m, NOW));
	assert_false(mg_qsel_match(&s, &bounce, NOW));
	s.sasl = "Root";			/* SASL names are exact */
	assert_false(mg_qsel_match(&s, &m, NOW));

	memset(&s, 0, sizeof(s));
	s.sender = "@EXAMPLE.com";
	assert_true(mg_qsel_match(&s, &m, NOW));
	s.sender = "<>";
	assert_false(mg_qsel_match(&s, &m, NOW));
	assert_true(mg_qsel_match(&s, &bounce, NOW));
	s.sender = "root@example.co";
	assert_false(mg_qsel_match(&s, &m, NOW));

	memset(&s, 0, sizeof(s));
	s.rcpt_domain = "comcast.net";
	assert_true(mg_qsel_match(&s, &m, NOW));
	s.rcpt_domain = "example.org";
	assert_true(mg_qsel_match(&s, &m, NOW));
	assert_false(mg_qsel_match(&s, &bounce, NOW));	/* only 1st rcpt */

	memset(&s, 0, sizeof(s));
	s.older_than = 3600;
	assert_true(mg_qsel_match(&s, &m, NOW));
	assert_false(mg_qsel_match(&s, &bounce, NOW));
	s.older_than = 0;
	s.queue = "frozen";
	assert_false(mg_qsel_match(&s, &m, NOW));
	assert_true(mg_qsel_match(&s, &bounce, NOW));
}

/* test_client_networks - addresses inside a CIDR, IPv6 as Postfix
 * writes it, a mail without client */
static void
test_client_networks(void **state)
{
	struct mg_qmsg m = msg("root", "a@b.c", "93.122.252.5", "deferred",
	    0, NULL, 0);
	struct mg_qmsg v6 = msg("root", "a@b.c", "ipv6:2001:db8::5",
	    "deferred", 0, NULL, 0);
	struct mg_qmsg local = msg(NULL, "a@b.c", NULL, "deferred", 0, NULL,
	    0);
	struct mg_qsel s;

	(void)state;
	s = sel_client("93.122.0.0/16");
	assert_true(mg_qsel_match(&s, &m, NOW));
	assert_false(mg_qsel_match(&s, &v6, NOW));
	assert_false(mg_qsel_match(&s, &local, NOW));
	s = sel_client("93.122.252.6");
	assert_false(mg_qsel_match(&s, &m, NOW));
	s = sel_client("2001:db8::/32");
	assert_true(mg_qsel_match(&s, &v6, NOW));
	assert_false(mg_qsel_match(&s, &m, NOW));
}

/* test_and_and_describe - every criterion must hold; the description
 * spells the command line */
static void
test_and_and_describe(void **state)
{
	struct mg_qmsg m = msg("root", "root@example.com", "93.122.252.5",
	    "deferred", 7200, NULL, 0);
	struct mg_qsel s = sel_client("93.122.252.0/24");
	struct mg_str d = MG_STR_INIT;

	(void)state;
	s.sasl = "root";
	assert_true(mg_qsel_match(&s, &m, NOW));
	s.queue = "hold";
	assert_false(mg_qsel_match(&s, &m, NOW));
	mg_qsel_describe(&s, &d);
	assert_string_equal(d.data, " --sasl root --client 93.122.252.0/24 "
	    "--queue hold");
	mg_str_free(&d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_each_selector),
		cmocka_unit_test(test_client_networks),
		cmocka_unit_test(test_and_and_describe),
	};

	return (cmocka_run_group_tests_name("qsel", tests, NULL, NULL));
}
