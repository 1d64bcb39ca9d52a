/* test_check_queue_flood.c - queue size, growth, sources and bounces. */
#include <stdlib.h>
#include <string.h>

#include "../../checks/checks.h"
#include "../../core/mg_queue.h"
#include "../../core/mg_str.h"
#include "mg_test.h"

#define NOW 1800000000

/* add - n messages from sender via client, arrived age seconds ago */
static void
add(struct mg_queue *q, size_t n, const char *sender, const char *client,
    const char *queue, time_t age)
{
	struct mg_qmsg *m;
	size_t i;

	for (i = 0; i < n; i++) {
		m = mg_queue_add(q);
		m->id = mg_arena_strndup(&q->arena, "ID", 2);
		m->queue = queue;
		m->sender = sender;
		m->rcpts = mg_arena_alloc(&q->arena, sizeof(char *));
		m->rcpts[0] = "u@comcast.net";
		m->nrcpts = 1;
		m->arrival = NOW - age;
		m->client_address = client;
	}
}

/* run_mta - model of that MTA holding queue q; the check alone */
static void
run_mta(enum mg_mta mta, struct mg_queue *q, struct mg_report *r)
{
	struct mg_model m;
	struct mg_param *p;

	mg_model_init(&m);
	m.mta = mta;
	if (mta == MG_MTA_EXIM) {
		p = mg_model_param_add(&m, "timeout_frozen_after");
		p->value = mg_xstrdup("0s");
		q->frozen_spool = 1;	/* as the Exim backend reads it */
	}
	m.now = NOW;
	m.queue = q;
	mg_report_init(r);
	mg_check_queue_flood(&m, r);
	mg_report_sort(r);
	m.queue = NULL;
	mg_model_free(&m);
}

/* run - a Postfix model holding queue q */
static void
run(struct mg_queue *q, struct mg_report *r)
{
	run_mta(MG_MTA_POSTFIX, q, r);
}

/* finding - by id, or NULL */
static const struct mg_finding *
finding(const struct mg_report *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->nfindings; i++)
		if (strcmp(r->findings[i].id, id) == 0)
			return (&r->findings[i]);
	return (NULL);
}

/* has - some evidence of f contains text */
static int
has(const struct mg_finding *f, const char *text)
{
	size_t i;

	for (i = 0; f != NULL && i < f->nevidence; i++)
		if (strstr(f->evidence[i].text, text) != NULL)
			return (1);
	return (0);
}

/* test_quiet_queue - a few dozen messages: nothing to say */
static void
test_quiet_queue(void **state)
{
	struct mg_queue q;
	struct mg_report r;

	(void)state;
	mg_queue_init(&q);
	add(&q, 40, "alice@example.com", "192.0.2.10", "deferred", 7200);
	run(&q, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	mg_queue_free(&q);
}

/* test_old_flood_from_one_client - 1,200 deferred, mostly one relay
 * client, a day old: medium flood, client named */
static void
test_old_flood_from_one_client(void **state)
{
	const struct mg_finding *f;
	struct mg_queue q;
	struct mg_report r;

	(void)state;
	mg_queue_init(&q);
	add(&q, 1000, "sales@bulk.test", "210.99.1.1", "deferred", 2 * 86400);
	add(&q, 200, "bob@example.com", "192.0.2.10", "deferred", 3 * 3600);
	run(&q, &r);
	f = finding(&r, "queue.flood");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	assert_true(has(f, "1200 messages queued: 1200 deferred"));
	assert_true(has(f, "older than a day: 1000"));
	assert_true(has(f, "oldest message queued 48 hours ago"));
	assert_true(has(f, "by client address: 210.99.1.1 (1000)"));
	f = finding(&r, "queue.client-dominant");
	assert_non_null(f);
	assert_true(has(f, "1000 of 1200 queued messages (83%) came from "
	    "210.99.1.1"));
	assert_null(finding(&r, "queue.bounces"));
	mg_report_free(&r);
	mg_queue_free(&q);
}

/* test_fast_growth_is_high - 600 arrivals in the last hour */
static void
test_fast_growth_is_high(void **state)
{
	const struct mg_finding *f;
	struct mg_queue q;
	struct mg_report r;

	(void)state;
	mg_queue_init(&q);
	add(&q, 600, "x@example.com", NULL, "active", 60);
	run(&q, &r);
	f = finding(&r, "queue.flood");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_HIGH);
	assert_true(has(f, "still growing fast"));
	/* locally submitted mail (no client) is not "a remote client" */
	assert_null(finding(&r, "queue.client-dominant"));
	mg_report_free(&r);
	mg_queue_free(&q);
}

/* test_bounces - null-sender mail most of a queue of 80 */
static void
test_bounces(void **state)
{
	struct mg_queue q;
	struct mg_report r;

	(void)state;
	mg_queue_init(&q);
	add(&q, 60, "", NULL, "deferred", 5000);
	add(&q, 20, "a@example.com", "127.0.0.1", "deferred", 5000);
	run(&q, &r);
	assert_null(finding(&r, "queue.flood"));
	assert_true(has(finding(&r, "queue.bounces"), "60 of 80"));
	mg_report_free(&r);
	mg_queue_free(&q);
}

/* test_exim_frozen_bounces - Exim's queue counts frozen mail, and
 * frozen bounces become their own finding past FROZEN_MIN */
static void
test_exim_frozen_bounces(void **state)
{
	struct mg_queue q;
	struct mg_report r;
	const struct mg_finding *f;

	(void)state;
	mg_queue_init(&q);
	add(&q, 1000, "spam@bad.example", "93.122.252.5", "queued", 7200);
	add(&q, 250, "", NULL, "frozen", 3 * 86400);
	add(&q, 5, "cron@localhost", NULL, "frozen", 600);
	run_mta(MG_MTA_EXIM, &q, &r);
	f = finding(&r, "queue.flood");
	assert_non_null(f);
	assert_true(has(f, "1255 messages queued: 255 frozen, 1000 waiting"));
	f = finding(&r, "queue.frozen-bounces");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	assert_true(has(f, "250 frozen bounces (sender <>) of 255 frozen"));
	assert_true(has(f, "oldest frozen bounce arrived 72 hours ago"));
	assert_true(has(f, "timeout_frozen_after = 0s"));
	mg_report_free(&r);
	mg_queue_free(&q);

	/* a few frozen bounces are normal life */
	mg_queue_init(&q);
	add(&q, 19, "", NULL, "frozen", 600);
	add(&q, 40, "", NULL, "queued", 600);
	run_mta(MG_MTA_EXIM, &q, &r);
	assert_null(finding(&r, "queue.frozen-bounces"));
	mg_report_free(&r);
	mg_queue_free(&q);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quiet_queue),
		cmocka_unit_test(test_old_flood_from_one_client),
		cmocka_unit_test(test_fast_growth_is_high),
		cmocka_unit_test(test_bounces),
		cmocka_unit_test(test_exim_frozen_bounces),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
