/*
 * test_session_queue.c - the console's deferred load: the session reads
 * the configuration and makes its findings without the queue (nothing
 * said about the queue meanwhile), and the queue handed to it later makes
 * the same report as a load that read the queue at once - findings,
 * evidence and what was not read, in the same order.  Through the
 * backend seam with the fake MTA and a fake queue of a stolen login's
 * flood.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../core/mg_queue.h"
#include "../../engine/session.h"
#include "fake_mta.h"
#include "mg_test.h"

#define FLOOD 120		/* root's messages */
#define OTHERS 30		/* alice's */

static char root[64];
static int queue_reads;
static int sized_reads;		/* reads asked for each message's size */

/* fake_queue - root's flood and alice's mail, read by counting */
static int
fake_queue(struct mg_target *t, struct mg_queue *q,
    const struct mg_qscan_opts *opts, mg_progress_fn progress, void *arg,
    struct mg_err *err)
{
	struct mg_qmsg *m;
	char id[32];
	size_t i;

	(void)t;
	(void)progress;
	(void)arg;
	(void)err;
	queue_reads++;
	sized_reads += opts == NULL || !opts->no_sizes;
	for (i = 0; i < FLOOD + OTHERS; i++) {
		m = mg_queue_add(q);
		(void)snprintf(id, sizeof(id), "A%09zu", i);
		m->id = mg_arena_strndup(&q->arena, id, strlen(id));
		m->queue = "deferred";
		m->sender = mg_queue_intern(q, i < FLOOD ? "root@example.com" :
		    "alice@example.com", i < FLOOD ? 16 : 17);
		m->sasl_username = mg_queue_intern(q, i < FLOOD ? "root" :
		    "alice", i < FLOOD ? 4 : 5);
		m->client_address = mg_queue_intern(q, i < FLOOD ?
		    "203.0.113.9" : "192.0.2.10", i < FLOOD ? 11 : 10);
		m->arrival = time(NULL) - 600;
		m->reason = mg_queue_intern(q, "connection refused", 18);
	}
	q->files = FLOOD + OTHERS;
	return (0);
}

/* no_queue - the queue cannot be read */
static int
no_queue(struct mg_target *t, struct mg_queue *q,
    const struct mg_qscan_opts *opts, mg_progress_fn progress, void *arg,
    struct mg_err *err)
{
	(void)t;
	(void)q;
	(void)opts;
	(void)progress;
	(void)arg;
	queue_reads++;
	return (mg_err_set(err, "permission denied"));
}

/* exim_like - the fake's configuration, as an Exim whose RCPT ACL
 * accepts before its relay check: a finding the MTA is asked to prove
 * (a probe), as exim -bh would be asked */
static int
exim_like(struct mg_target *t, struct mg_model *m, struct mg_err *err)
{
	struct mg_param *p;

	if (fake_load_config(t, m, err) < 0)
		return (-1);
	p = mg_model_param_add(m, "acl_smtp_rcpt");
	free(p->value);
	p->value = mg_xstrdup("acl_check_rcpt");
	(void)mg_model_rule_add(m, "acl_check_rcpt", "accept");
	return (0);
}

/* setup - the fake MTA's configuration in a temp directory */
static int
setup(void **state)
{
	FILE *f;

	(void)state;
	(void)snprintf(root, sizeof(root), "/tmp/mg-test-sq.XXXXXX");
	assert_non_null(mkdtemp(root));
	memset(&fake, 0, sizeof(fake));
	(void)snprintf(fake.dir, sizeof(fake.dir), "%s", root);
	(void)snprintf(fake.conf, sizeof(fake.conf), "%s/fake.cf", root);
	assert_non_null(f = fopen(fake.conf, "w"));
	assert_true(fputs("relay = open\n", f) >= 0);
	assert_int_equal(fclose(f), 0);
	return (0);
}

static int
teardown(void **state)
{
	(void)state;
	(void)unlink(fake.conf);
	(void)rmdir(root);
	return (0);
}

/* load - a session on the fake MTA with this queue reader */
static void
load(struct mg_session *a, struct mg_backend *b, int defer)
{
	mg_session_init(a);
	a->opts.backend = b;
	a->no_host = 1;
	a->defer_queue = defer;
	assert_int_equal(mg_session_load(a), 0);
}

/* has_finding - the report holds a finding with this id */
static int
has_finding(const struct mg_report *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->nfindings; i++)
		if (strcmp(r->findings[i].id, id) == 0)
			return (1);
	return (0);
}

/* has_unread - a line of what was not read starts with this */
static int
has_unread(const struct mg_report *r, const char *start)
{
	size_t i;

	for (i = 0; i < r->nunread; i++)
		if (strncmp(r->unread[i], start, strlen(start)) == 0)
			return (1);
	return (0);
}

/* same_report - the same findings, evidence and unread lines, in order */
static void
same_report(const struct mg_report *x, const struct mg_report *y)
{
	size_t i, k;

	assert_int_equal(x->nfindings, y->nfindings);
	for (i = 0; i < x->nfindings; i++) {
		assert_string_equal(x->findings[i].id, y->findings[i].id);
		assert_int_equal(x->findings[i].severity,
		    y->findings[i].severity);
		assert_int_equal(x->findings[i].nevidence,
		    y->findings[i].nevidence);
		for (k = 0; k < x->findings[i].nevidence; k++)
			assert_string_equal(x->findings[i].evidence[k].text,
			    y->findings[i].evidence[k].text);
	}
	assert_int_equal(x->nunread, y->nunread);
	for (i = 0; i < x->nunread; i++)
		assert_string_equal(x->unread[i], y->unread[i]);
}

/* test_deferred_then_queue - the findings of the configuration first,
 * nothing said of the queue; with the queue, the report of a load that
 * read it at once */
static void
test_deferred_then_queue(void **state)
{
	struct mg_backend b = fake_backend;
	struct mg_session now, later;
	struct mg_queue q;
	struct mg_err err;

	(void)state;
	b.load_queue = fake_queue;
	queue_reads = sized_reads = 0;
	load(&now, &b, 0);
	assert_int_equal(queue_reads, 1);
	assert_int_equal(sized_reads, 0);	/* no finding needs a size */
	assert_false(now.queue_pending);
	assert_true(has_finding(&now.report, "queue.sasl-dominant"));

	load(&later, &b, 1);
	assert_int_equal(queue_reads, 1);	/* not read by the load */
	assert_true(later.loaded);
	assert_true(later.queue_pending);
	assert_null(later.model.queue);
	assert_false(has_finding(&later.report, "queue.sasl-dominant"));
	assert_false(has_unread(&later.report, "queue not read"));

	/* the caller's read (the console's reader thread) */
	assert_int_equal(mg_backend_load_queue(&later.target, &q, NULL, NULL,
	    &err), 0);
	assert_int_equal(sized_reads, 1);	/* a view may show them */
	mg_session_queue(&later, &q, NULL);
	assert_false(later.queue_pending);
	assert_int_equal(q.nmsgs, 0);	/* moved into the model */
	assert_non_null(later.model.queue);
	assert_int_equal(later.model.queue->nmsgs, FLOOD + OTHERS);
	same_report(&now.report, &later.report);

	/* only once: a second queue is not taken */
	assert_int_equal(mg_backend_load_queue(&later.target, &q, NULL, NULL,
	    &err), 0);
	mg_session_queue(&later, &q, NULL);
	assert_int_equal(q.nmsgs, FLOOD + OTHERS);
	mg_queue_free(&q);
	same_report(&now.report, &later.report);
	mg_session_free(&now);
	mg_session_free(&later);
}

/* test_deferred_unreadable - a queue that cannot be read is said as a
 * load that read it at once says it */
static void
test_deferred_unreadable(void **state)
{
	struct mg_backend b = fake_backend;
	struct mg_session now, later;
	struct mg_err err;

	(void)state;
	b.load_queue = no_queue;
	load(&now, &b, 0);
	assert_true(has_unread(&now.report,
	    "queue not read: permission denied"));
	load(&later, &b, 1);
	assert_false(has_unread(&later.report, "queue not read"));
	mg_err_clear(&err);
	(void)mg_err_set(&err, "permission denied");
	mg_session_queue(&later, NULL, &err);
	assert_false(later.queue_pending);
	same_report(&now.report, &later.report);
	/* a reload starts over: pending again, nothing said */
	assert_int_equal(mg_session_load(&later), 0);
	assert_true(later.queue_pending);
	assert_false(has_unread(&later.report, "queue not read"));
	mg_session_free(&now);
	mg_session_free(&later);
}

/* test_landing_asks_mta_nothing - the queue landing makes the findings
 * again without asking the MTA again (the console does it on its
 * interface thread: exim -bh per probe would keep the keys waiting);
 * the proofs' evidence is the load's, the same as a load that read the
 * queue at once; a reload asks again */
static void
test_landing_asks_mta_nothing(void **state)
{
	struct mg_backend b = fake_backend;
	struct mg_session now, later;
	struct mg_queue q;
	struct mg_err err;
	int asked;

	(void)state;
	b.mta = MG_MTA_EXIM;
	b.load_config = exim_like;
	b.load_queue = fake_queue;
	fake.sim_asked = 0;
	load(&now, &b, 0);
	assert_true(has_finding(&now.report, "exim.relay.open-accept"));
	assert_int_equal(fake.sim_asked, 1);	/* the proof */
	assert_int_equal(now.nsimulated, 1);

	fake.sim_asked = 0;
	load(&later, &b, 1);
	assert_int_equal(fake.sim_asked, 1);
	assert_false(has_finding(&later.report, "queue.sasl-dominant"));
	assert_int_equal(mg_backend_load_queue(&later.target, &q, NULL, NULL,
	    &err), 0);
	mg_session_queue(&later, &q, NULL);
	assert_true(has_finding(&later.report, "queue.sasl-dominant"));
	assert_int_equal(fake.sim_asked, 1);	/* nothing asked again */
	assert_int_equal(later.nsimulated, 1);
	same_report(&now.report, &later.report);

	/* a new configuration: its verdicts asked anew */
	asked = fake.sim_asked;
	assert_int_equal(mg_session_load(&later), 0);
	assert_int_equal(fake.sim_asked, asked + 1);
	assert_int_equal(later.nsimulated, 1);
	mg_session_free(&now);
	mg_session_free(&later);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_deferred_then_queue),
		cmocka_unit_test(test_deferred_unreadable),
		cmocka_unit_test(test_landing_asks_mta_nothing),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
