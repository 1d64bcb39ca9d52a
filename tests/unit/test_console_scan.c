/* test_console_scan.c - the queue view's background reader: a result is
 * handed over whole, the interface never waits for a running scan, a
 * request during a scan runs after it, stop cancels and joins, every
 * request's argument is released once (run under helgrind: no race). */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../console/console_scan.h"
#include "mg_test.h"

/* What the fake scan sees and does; shared with the reader's thread. */
struct fake {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t nmsgs;		/* the queue it reads */
	int hold;		/* block the scan until cleared */
	int in_scan;		/* a scan is inside fn */
	int cancelled;		/* progress said stop */
	int fail;		/* return -1 */
	int unchanged;		/* return 1: the queue did not change */
	int freed;		/* arguments released */
	int calls;
};

static struct fake F;

/* fake_init - a fresh fake */
static void
fake_init(size_t nmsgs)
{
	memset(&F, 0, sizeof(F));
	assert_int_equal(pthread_mutex_init(&F.mu, NULL), 0);
	assert_int_equal(pthread_cond_init(&F.cv, NULL), 0);
	F.nmsgs = nmsgs;
}

/* fake_done - the fake's mutex and condition gone */
static void
fake_done(void)
{
	(void)pthread_cond_destroy(&F.cv);
	(void)pthread_mutex_destroy(&F.mu);
}

/* fake_scan - nmsgs messages; blocks while hold, asking progress every
 * millisecond as a scan of a large queue does */
static int
fake_scan(void *arg, struct mg_queue *q, mg_progress_fn progress, void *parg,
    struct mg_err *err)
{
	struct timespec ms = { 0, 1000000L };
	struct mg_qmsg *m;
	size_t i, n;
	int fail;

	assert_ptr_equal(arg, &F);
	(void)pthread_mutex_lock(&F.mu);
	F.calls++;
	F.in_scan = 1;
	(void)pthread_cond_broadcast(&F.cv);
	while (F.hold) {
		(void)pthread_mutex_unlock(&F.mu);
		if (progress(parg, 1) != 0) {
			(void)pthread_mutex_lock(&F.mu);
			F.cancelled = 1;
			F.in_scan = 0;
			(void)pthread_mutex_unlock(&F.mu);
			return (mg_err_set(err, "cancelled"));
		}
		(void)nanosleep(&ms, NULL);
		(void)pthread_mutex_lock(&F.mu);
	}
	n = F.nmsgs;
	fail = F.fail;
	F.in_scan = 0;
	if (F.unchanged) {
		(void)pthread_mutex_unlock(&F.mu);
		return (1);
	}
	(void)pthread_mutex_unlock(&F.mu);
	if (fail)
		return (mg_err_set(err, "cannot open the queue directory"));
	for (i = 0; i < n; i++) {
		m = mg_queue_add(q);
		m->id = mg_arena_strndup(&q->arena, "4jXmVM2c5Fz1bY5v", 16);
		m->sender = "";
	}
	return (0);
}

/* fake_free - count the releases of an argument */
static void
fake_free(void *arg)
{
	assert_ptr_equal(arg, &F);
	(void)pthread_mutex_lock(&F.mu);
	F.freed++;
	(void)pthread_mutex_unlock(&F.mu);
}

/* set_hold - block or let go of the fake scan */
static void
set_hold(int hold)
{
	(void)pthread_mutex_lock(&F.mu);
	F.hold = hold;
	(void)pthread_mutex_unlock(&F.mu);
}

/* wait_in_scan - until a scan is inside fn (bounded: 10 s) */
static void
wait_in_scan(void)
{
	struct timespec until;
	int rc = 0;

	(void)clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 10;
	(void)pthread_mutex_lock(&F.mu);
	while (!F.in_scan && rc == 0)
		rc = pthread_cond_timedwait(&F.cv, &F.mu, &until);
	(void)pthread_mutex_unlock(&F.mu);
	assert_int_equal(rc, 0);
}

/* take_wait - the next result (bounded: 10 s); its con_scan_take code */
static int
take_wait(struct con_scan *s, struct mg_queue *q, struct mg_err *err)
{
	struct timespec ms = { 0, 1000000L };
	int i, rc = 0;

	for (i = 0; i < 10000 && rc == 0; i++) {
		rc = con_scan_take(s, q, err);
		if (rc == 0)
			(void)nanosleep(&ms, NULL);
	}
	return (rc);
}

/* test_result_whole - a request gives one complete result, once */
static void
test_result_whole(void **state)
{
	struct con_scan s;
	struct mg_queue q;
	struct mg_err err;

	(void)state;
	fake_init(1234);
	assert_int_equal(con_scan_init(&s, &err), 0);
	assert_int_equal(con_scan_busy(&s, NULL), 0);
	assert_int_equal(con_scan_take(&s, &q, &err), 0);
	assert_int_equal(con_scan_done_at(&s), 0);
	assert_int_equal(con_scan_request(&s, fake_scan, &F, fake_free), 0);
	assert_int_equal(take_wait(&s, &q, &err), 1);
	assert_int_equal(q.nmsgs, 1234);
	assert_string_equal(q.msgs[1233].id, "4jXmVM2c5Fz1bY5v");
	mg_queue_free(&q);
	assert_int_not_equal(con_scan_done_at(&s), 0);
	/* taken once: nothing new until the next request */
	assert_int_equal(con_scan_take(&s, &q, &err), 0);
	con_scan_stop(&s);
	assert_int_equal(F.calls, 1);
	assert_int_equal(F.freed, 1);
	fake_done();
}

/* test_never_waits - while a scan runs, take and busy answer at once and
 * the view keeps the last result; then the new one arrives */
static void
test_never_waits(void **state)
{
	struct con_scan s;
	struct mg_queue q;
	struct mg_err err;
	size_t files;

	(void)state;
	fake_init(10);
	assert_int_equal(con_scan_init(&s, &err), 0);
	assert_int_equal(con_scan_request(&s, fake_scan, &F, fake_free), 0);
	assert_int_equal(take_wait(&s, &q, &err), 1);
	assert_int_equal(q.nmsgs, 10);
	mg_queue_free(&q);

	set_hold(1);
	(void)pthread_mutex_lock(&F.mu);
	F.nmsgs = 25;
	(void)pthread_mutex_unlock(&F.mu);
	assert_int_equal(con_scan_request(&s, fake_scan, &F, fake_free), 0);
	wait_in_scan();
	assert_int_equal(con_scan_busy(&s, &files), 1);
	assert_int_equal(con_scan_take(&s, &q, &err), 0);
	set_hold(0);
	assert_int_equal(take_wait(&s, &q, &err), 1);
	assert_int_equal(q.nmsgs, 25);
	mg_queue_free(&q);
	con_scan_stop(&s);
	assert_int_equal(F.calls, 2);
	assert_int_equal(F.freed, 2);
	fake_done();
}

/* test_request_during_scan - the queue changed while it was read: the
 * request made then runs after the scan, so the last result is newer
 * than the request; a request still waiting is replaced, not queued */
static void
test_request_during_scan(void **state)
{
	struct con_scan s;
	struct mg_queue q;
	struct mg_err err;
	struct timespec ms = { 0, 1000000L };
	int i;

	(void)state;
	fake_init(5);
	assert_int_equal(con_scan_init(&s, &err), 0);
	set_hold(1);
	assert_int_equal(con_scan_request(&s, fake_scan, &F, fake_free), 0);
	wait_in_scan();
	(void)pthread_mutex_lock(&F.mu);
	F.nmsgs = 7;
	(void)pthread_mutex_unlock(&F.mu);
	assert_int_equal(con_scan_request(&s, fake_scan, &F, fake_free), 0);
	assert_int_equal(con_scan_request(&s, fake_scan, &F, fake_free), 0);
	set_hold(0);
	/* busy until the second scan ended; its result replaced the
	 * first one, which nobody took */
	for (i = 0; i < 10000 && con_scan_busy(&s, NULL); i++)
		(void)nanosleep(&ms, NULL);
	assert_int_equal(con_scan_busy(&s, NULL), 0);
	assert_int_equal(con_scan_take(&s, &q, &err), 1);
	assert_int_equal(q.nmsgs, 7);
	mg_queue_free(&q);
	assert_int_equal(con_scan_take(&s, &q, &err), 0);
	con_scan_stop(&s);
	assert_int_equal(F.calls, 2);
	assert_int_equal(F.freed, 3);	/* the replaced one too */
	fake_done();
}

/* test_failure - a scan that fails says why; the reader goes on */
static void
test_failure(void **state)
{
	struct con_scan s;
	struct mg_queue q;
	struct mg_err err;

	(void)state;
	fake_init(3);
	F.fail = 1;
	assert_int_equal(con_scan_init(&s, &err), 0);
	assert_int_equal(con_scan_request(&s, fake_scan, &F, fake_free), 0);
	mg_err_clear(&err);
	assert_int_equal(take_wait(&s, &q, &err), -1);
	assert_string_equal(err.msg, "cannot open the queue directory");
	(void)pthread_mutex_lock(&F.mu);
	F.fail = 0;
	(void)pthread_mutex_unlock(&F.mu);
	assert_int_equal(con_scan_request(&s, fake_scan, &F, fake_free), 0);
	assert_int_equal(take_wait(&s, &q, &err), 1);
	assert_int_equal(q.nmsgs, 3);
	mg_queue_free(&q);
	con_scan_stop(&s);
	fake_done();
}

/* test_failure_keeps_read - a read not taken, then a scan that fails:
 * the read is kept (one taken, with its messages), not the error */
static void
test_failure_keeps_read(void **state)
{
	struct con_scan s;
	struct mg_queue q;
	struct mg_err err;
	struct timespec ms = { 0, 1000000L };
	int i;

	(void)state;
	fake_init(8);
	assert_int_equal(con_scan_init(&s, &err), 0);
	assert_int_equal(con_scan_request(&s, fake_scan, &F, fake_free), 0);
	for (i = 0; i < 10000 && con_scan_busy(&s, NULL); i++)
		(void)nanosleep(&ms, NULL);
	(void)pthread_mutex_lock(&F.mu);
	F.fail = 1;
	(void)pthread_mutex_unlock(&F.mu);
	assert_int_equal(con_scan_request(&s, fake_scan, &F, fake_free), 0);
	for (i = 0; i < 10000 && con_scan_busy(&s, NULL); i++)
		(void)nanosleep(&ms, NULL);
	assert_int_equal(F.calls, 2);
	mg_err_clear(&err);
	assert_int_equal(con_scan_take(&s, &q, &err), 1);
	assert_int_equal(q.nmsgs, 8);
	assert_string_equal(err.msg, "");
	mg_queue_free(&q);
	assert_int_equal(con_scan_take(&s, &q, &err), 0);
	/* a failure with no read waiting is still reported */
	assert_int_equal(con_scan_request(&s, fake_scan, &F, fake_free), 0);
	assert_int_equal(take_wait(&s, &q, &err), -1);
	assert_string_equal(err.msg, "cannot open the queue directory");
	con_scan_stop(&s);
	assert_int_equal(F.freed, 3);
	fake_done();
}

/* test_unchanged - a scan that finds the queue unchanged says so (2)
 * without a queue; it does not hide a result not taken yet */
static void
test_unchanged(void **state)
{
	struct con_scan s;
	struct mg_queue q;
	struct mg_err err;
	struct timespec ms = { 0, 1000000L };
	int i;

	(void)state;
	fake_init(4);
	assert_int_equal(con_scan_init(&s, &err), 0);
	assert_int_equal(con_scan_request(&s, fake_scan, &F, fake_free), 0);
	assert_int_equal(take_wait(&s, &q, &err), 1);
	assert_int_equal(q.nmsgs, 4);
	mg_queue_free(&q);
	F.unchanged = 1;	/* the reader is idle: no race */
	assert_int_equal(con_scan_request(&s, fake_scan, &F, fake_free), 0);
	assert_int_equal(take_wait(&s, &q, &err), 2);
	/* a read not taken, then an unchanged one: the read is kept */
	(void)pthread_mutex_lock(&F.mu);
	F.unchanged = 0;
	F.nmsgs = 6;
	(void)pthread_mutex_unlock(&F.mu);
	assert_int_equal(con_scan_request(&s, fake_scan, &F, fake_free), 0);
	for (i = 0; i < 10000 && con_scan_busy(&s, NULL); i++)
		(void)nanosleep(&ms, NULL);
	(void)pthread_mutex_lock(&F.mu);
	F.unchanged = 1;
	(void)pthread_mutex_unlock(&F.mu);
	assert_int_equal(con_scan_request(&s, fake_scan, &F, fake_free), 0);
	for (i = 0; i < 10000 && con_scan_busy(&s, NULL); i++)
		(void)nanosleep(&ms, NULL);
	assert_int_equal(F.calls, 4);
	assert_int_equal(con_scan_take(&s, &q, &err), 1);
	assert_int_equal(q.nmsgs, 6);
	mg_queue_free(&q);
	assert_int_equal(con_scan_take(&s, &q, &err), 0);
	con_scan_stop(&s);
	assert_int_equal(F.freed, 4);
	fake_done();
}

/* test_stop_cancels - quitting during a scan cancels it and joins the
 * thread (no thread, no result, no argument left) */
static void
test_stop_cancels(void **state)
{
	struct con_scan s;
	struct mg_err err;

	(void)state;
	fake_init(3);
	assert_int_equal(con_scan_init(&s, &err), 0);
	set_hold(1);
	assert_int_equal(con_scan_request(&s, fake_scan, &F, fake_free), 0);
	wait_in_scan();
	/* one waiting behind it, released unstarted */
	assert_int_equal(con_scan_request(&s, fake_scan, &F, fake_free), 0);
	con_scan_stop(&s);
	assert_int_equal(s.started, 0);
	assert_int_equal(F.cancelled, 1);
	assert_int_equal(F.calls, 1);
	assert_int_equal(F.freed, 2);
	fake_done();
}

/* test_delay_hook - MG_TEST_SCAN_DELAY_MS slows a scan (the console's
 * tests press keys meanwhile); stop cuts the delay short; garbage in it
 * is an error, not a zero */
static void
test_delay_hook(void **state)
{
	struct con_scan s;
	struct mg_queue q;
	struct mg_err err;
	struct timespec t0, t1;
	long ms;

	(void)state;
	fake_init(2);
	assert_int_equal(setenv("MG_TEST_SCAN_DELAY_MS", "300", 1), 0);
	assert_int_equal(con_scan_init(&s, &err), 0);
	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(con_scan_request(&s, fake_scan, &F, fake_free), 0);
	assert_int_equal(con_scan_busy(&s, NULL), 1);
	assert_int_equal(take_wait(&s, &q, &err), 1);
	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	ms = (t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) /
	    1000000;
	assert_true(ms >= 300);
	mg_queue_free(&q);
	assert_int_equal(con_scan_request(&s, fake_scan, &F, fake_free), 0);
	con_scan_stop(&s);	/* within the delay: no second fn call */
	assert_int_equal(F.calls, 1);
	assert_int_equal(F.freed, 2);

	assert_int_equal(setenv("MG_TEST_SCAN_DELAY_MS", "soon", 1), 0);
	assert_int_equal(con_scan_init(&s, &err), -1);
	assert_non_null(strstr(err.msg, "not a number"));
	assert_int_equal(unsetenv("MG_TEST_SCAN_DELAY_MS"), 0);
	fake_done();
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_result_whole),
		cmocka_unit_test(test_never_waits),
		cmocka_unit_test(test_request_during_scan),
		cmocka_unit_test(test_failure),
		cmocka_unit_test(test_failure_keeps_read),
		cmocka_unit_test(test_unchanged),
		cmocka_unit_test(test_stop_cancels),
		cmocka_unit_test(test_delay_hook),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
