/* test_check_queue_sasl.c - the dominant-SASL-account check on queue data. */
#include <stdlib.h>
#include <string.h>

#include "../../checks/checks.h"
#include "../../core/mg_queue.h"
#include "../../core/mg_str.h"
#include "mg_test.h"

/* add - n messages from user (NULL: not authenticated) */
static void
add(struct mg_queue *q, size_t n, const char *user, const char *client,
    const char *rcpt, const char *queue)
{
	struct mg_qmsg *m;
	size_t i;

	for (i = 0; i < n; i++) {
		m = mg_queue_add(q);
		m->id = mg_arena_strndup(&q->arena, "ID", 2);
		m->queue = queue;
		m->sender = "";
		m->rcpts = mg_arena_alloc(&q->arena, sizeof(char *));
		m->rcpts[0] = rcpt;
		m->nrcpts = 1;
		m->arrival = 1000;
		m->sasl_username = user;
		m->client_address = client;
	}
}

/* run - model holding queue q; the check alone */
static void
run(struct mg_queue *q, struct mg_report *r)
{
	struct mg_model m;

	mg_model_init(&m);
	m.mta = MG_MTA_POSTFIX;
	m.now = 2000;
	m.queue = q;
	mg_report_init(r);
	mg_check_queue_sasl(&m, r);
	m.queue = NULL;
	mg_model_free(&m);
}

/* test_stolen_root_is_critical - incident 3 */
static void
test_stolen_root_is_critical(void **state)
{
	struct mg_queue q;
	struct mg_report r;

	(void)state;
	mg_queue_init(&q);
	add(&q, 200, "root", "93.122.252.5", "u@comcast.net", "deferred");
	add(&q, 20, "alice", "192.0.2.10", "bob@customer.example", "active");
	add(&q, 10, NULL, "198.51.100.7", "x@example.com", "incoming");
	run(&q, &r);
	assert_int_equal(r.nfindings, 1);
	assert_string_equal(r.findings[0].id, "queue.sasl-dominant");
	assert_int_equal(r.findings[0].severity, MG_SEV_CRITICAL);
	assert_non_null(strstr(r.findings[0].evidence[0].text,
	    "200 of 230 queued messages (87%) were submitted by SASL user "
	    "root; 200 of them are deferred"));
	assert_non_null(strstr(r.findings[0].evidence[2].text,
	    "93.122.252.5 (200)"));
	assert_non_null(strstr(r.findings[0].evidence[3].text,
	    "comcast.net (200)"));
	mg_report_free(&r);
	mg_queue_free(&q);
}

/* test_auth_source - a queue whose backend says where the login was read
 * (Exim's spool): the evidence names that source, not deferred counts */
static void
test_auth_source(void **state)
{
	struct mg_queue q;
	struct mg_report r;

	(void)state;
	mg_queue_init(&q);
	q.frozen_spool = 1;
	q.auth_source = "-auth_id in the spool";
	add(&q, 200, "root", "93.122.252.5", "u@comcast.net", NULL);
	add(&q, 20, "alice", "192.0.2.10", "bob@customer.example", NULL);
	run(&q, &r);
	assert_int_equal(r.nfindings, 1);
	assert_string_equal(r.findings[0].evidence[0].text,
	    "200 of 220 queued messages (91%) were submitted by "
	    "authenticated user root (-auth_id in the spool)");
	mg_report_free(&r);
	mg_queue_free(&q);
}

/* test_person_flood_is_high - a person's account sending hundreds:
 * suspicious, not proof */
static void
test_person_flood_is_high(void **state)
{
	struct mg_queue q;
	struct mg_report r;

	(void)state;
	mg_queue_init(&q);
	add(&q, 160, "alice@example.com", "203.0.113.5", "a@b.test",
	    "deferred");
	add(&q, 40, "bob", "192.0.2.1", "c@d.test", "deferred");
	run(&q, &r);
	assert_int_equal(r.nfindings, 1);
	assert_int_equal(r.findings[0].severity, MG_SEV_HIGH);
	mg_report_free(&r);
	mg_queue_free(&q);
}

/*
 * test_purge_leaves_ordinary_mail - before the purge, the role account
 * admin owns 340 of 425 messages: critical.  After "purge --sasl admin"
 * the queue is carol's 85 ordinary messages (her office, deferred like
 * everyone's while receivers throttle): most of a small queue, but a
 * day's mail of one person is no stolen password, so nothing is said.
 */
static void
test_purge_leaves_ordinary_mail(void **state)
{
	struct mg_queue q;
	struct mg_report r;

	(void)state;
	mg_queue_init(&q);			/* before */
	add(&q, 340, "admin", "203.0.113.77", "x@mail.ru", "deferred");
	add(&q, 85, "carol", "198.51.100.20", "orders@supplier.example",
	    "deferred");
	run(&q, &r);
	assert_int_equal(r.nfindings, 1);
	assert_int_equal(r.findings[0].severity, MG_SEV_CRITICAL);
	assert_non_null(strstr(r.findings[0].evidence[0].text,
	    "340 of 425 queued messages (80%) were submitted by SASL user "
	    "admin"));
	mg_report_free(&r);
	mg_queue_free(&q);
	mg_queue_init(&q);			/* after the purge */
	add(&q, 85, "carol", "198.51.100.20", "orders@supplier.example",
	    "deferred");
	add(&q, 3, NULL, "127.0.0.1", "root@localhost", "active");
	run(&q, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	mg_queue_free(&q);
}

/* test_quiet_queues_say_nothing - small, balanced or unauthenticated */
static void
test_quiet_queues_say_nothing(void **state)
{
	struct mg_queue q;
	struct mg_report r;

	(void)state;
	mg_queue_init(&q);			/* small: 49 messages */
	add(&q, 49, "root", "93.122.252.5", "u@comcast.net", "deferred");
	run(&q, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	mg_queue_free(&q);
	mg_queue_init(&q);			/* half is not most */
	add(&q, 40, "alice", "192.0.2.1", "a@b.test", "deferred");
	add(&q, 40, "bob", "192.0.2.2", "a@b.test", "deferred");
	run(&q, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	mg_queue_free(&q);
	mg_queue_init(&q);			/* unauthenticated flood */
	add(&q, 500, NULL, "198.51.100.7", "a@b.test", "deferred");
	run(&q, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	mg_queue_free(&q);
}

/* test_no_queue_no_finding - a backend without a queue reader */
static void
test_no_queue_no_finding(void **state)
{
	struct mg_report r;

	(void)state;
	run(NULL, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stolen_root_is_critical),
		cmocka_unit_test(test_auth_source),
		cmocka_unit_test(test_person_flood_is_high),
		cmocka_unit_test(test_purge_leaves_ordinary_mail),
		cmocka_unit_test(test_quiet_queues_say_nothing),
		cmocka_unit_test(test_no_queue_no_finding),
	};

	return (cmocka_run_group_tests_name("check_queue_sasl", tests, NULL,
	    NULL));
}
