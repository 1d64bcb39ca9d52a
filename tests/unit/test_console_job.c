/*
 * test_console_job.c - console jobs forked (con_job_start: fork, no exec)
 * while the queue reader's thread scans.  The fake scan holds a lock of
 * its own most of the time, mallocs and reads a file through stdio, as a
 * real scan does; the job takes the same lock, mallocs and reads the same
 * file in the child.  A child that inherited the lock held would wait
 * forever: each job is waited for with a timeout, and every job started
 * must end, with its output.  The scans cut short by a fork are read
 * again.  Run under helgrind too (make threads).
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../console/console_int.h"
#include "../../console/console_scan.h"
#include "mg_test.h"

#define JOBS 200		/* jobs started while a scan runs */
#define SCAN_STEPS 400		/* a scan's locked steps */
#define JOB_WAIT_S 20		/* a job not ended by then is stuck */

static pthread_mutex_t scan_lock = PTHREAD_MUTEX_INITIALIZER;
static char file[64];

/* read_file - a line of the shared file through stdio, in malloc'd
 * memory; 0 if read */
static int
read_file(void)
{
	char *buf = malloc(128);
	FILE *f;
	int ok = -1;

	if (buf == NULL)
		return (-1);
	if ((f = fopen(file, "r")) != NULL) {
		if (fgets(buf, 128, f) != NULL)
			ok = 0;
		(void)fclose(f);
	}
	free(buf);
	return (ok);
}

/* fake_scan - SCAN_STEPS steps under its own lock, progress between
 * them (which may cut the scan short); one message when it ends */
static int
fake_scan(void *arg, struct mg_queue *q, mg_progress_fn progress, void *parg,
    struct mg_err *err)
{
	struct mg_qmsg *m;
	size_t i;

	(void)arg;
	for (i = 0; i < SCAN_STEPS; i++) {
		(void)pthread_mutex_lock(&scan_lock);
		(void)read_file();
		(void)pthread_mutex_unlock(&scan_lock);
		if (progress(parg, i + 1) != 0)
			return (mg_err_set(err, "queue scan cancelled"));
	}
	m = mg_queue_add(q);
	m->id = mg_arena_strndup(&q->arena, "4jXmVM2c5Fz1bY5v", 16);
	m->sender = "";
	return (0);
}

/* job - the child's work: the scan's lock, malloc and stdio */
static int
job(struct con *c, void *arg, FILE *out)
{
	int rc;

	(void)c;
	(void)arg;
	(void)pthread_mutex_lock(&scan_lock);
	rc = read_file();
	(void)pthread_mutex_unlock(&scan_lock);
	(void)fprintf(out, "job done\n");
	return (rc == 0 ? 0 : 1);
}

/* mid_scan - a scan asked for, until one runs and has looked at some
 * files (a scan that ended meanwhile is asked for again) */
static void
mid_scan(struct con_scan *s, con_scan_fn fn)
{
	struct timespec us = { 0, 100000L };
	int i, running, idle;

	assert_int_equal(con_scan_request(s, fn, NULL, NULL), 0);
	for (i = 0; i < 100000; i++) {
		(void)pthread_mutex_lock(&s->mu);
		running = s->busy && s->files > 0;
		idle = !s->busy && !s->want;
		(void)pthread_mutex_unlock(&s->mu);
		if (running)
			return;
		if (idle)
			assert_int_equal(con_scan_request(s, fn, NULL, NULL),
			    0);
		(void)nanosleep(&us, NULL);
	}
	fail_msg("the scan never started");
}

/* job_wait - until the job ended (1), or JOB_WAIT_S passed (0: killed) */
static int
job_wait(struct con *c)
{
	struct timespec ms = { 0, 1000000L };
	time_t end = time(NULL) + JOB_WAIT_S;
	int status;

	while (time(NULL) < end) {
		(void)con_job_poll(c);
		if (c->job.ended)
			return (1);
		(void)nanosleep(&ms, NULL);
	}
	(void)kill(c->job.pid, SIGKILL);
	while (waitpid(c->job.pid, &status, 0) < 0 && errno == EINTR)
		;
	c->job.pid = 0;
	return (0);
}

/* take_wait - the reader's next result (bounded: 20 s) */
static int
take_wait(struct con_scan *s, struct mg_queue *q, struct mg_err *err)
{
	struct timespec ms = { 0, 1000000L };
	int i, rc = 0;

	for (i = 0; i < 20000 && rc == 0; i++)
		if ((rc = con_scan_take(s, q, err)) == 0)
			(void)nanosleep(&ms, NULL);
	return (rc);
}

/* test_jobs_during_scans - JOBS jobs, each forked in the middle of a
 * scan: every one ends with its output, none is stuck on a lock the
 * scan held, and the scan cut short is read again after the fork */
static void
test_jobs_during_scans(void **state)
{
	struct con c;
	struct con_scan s;
	struct mg_queue q;
	struct mg_err err;
	int i, started = 0, ended = 0, rc;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.job.fd = -1;
	assert_int_equal(con_scan_init(&s, &err), 0);
	c.reader = &s;
	for (i = 0; i < JOBS; i++) {
		mid_scan(&s, fake_scan);
		assert_int_equal(con_job_start(&c, CON_JOB_FIX, "stress", job,
		    NULL), 0);
		started++;
		if (!job_wait(&c))
			fail_msg("job %d of %d stuck after %d s (a lock the "
			    "scan held at the fork?)", started, JOBS,
			    JOB_WAIT_S);
		assert_int_equal(c.job.status, 0);
		assert_non_null(strstr(mg_str_cstr(&c.job.out), "job done"));
		ended++;
	}
	assert_int_equal(ended, started);
	assert_int_equal(started, JOBS);
	/* most forks came in the middle of a scan, which was cut short */
	(void)pthread_mutex_lock(&s.mu);
	assert_true(s.cuts >= JOBS / 2);
	(void)pthread_mutex_unlock(&s.mu);
	/* the scans cut short were read again without being asked: the
	 * last read is whole */
	rc = take_wait(&s, &q, &err);
	assert_int_equal(rc, 1);
	assert_int_equal(q.nmsgs, 1);
	mg_queue_free(&q);
	con_job_free(&c.job);
	con_scan_stop(&s);
}

/* parent_note - the console's progress note: it draws on the terminal
 * (curses, on stdout), which is the parent's */
static void
parent_note(void *arg, const char *what)
{
	(void)arg;
	if (what != NULL)
		(void)printf("\033[4;3H%s", what);
	(void)fflush(stdout);
}

/* note_job - the child's work reads the configuration again (a fix's
 * live check): the session's progress notes are called as a load calls
 * them */
static int
note_job(struct con *c, void *arg, FILE *out)
{
	(void)arg;
	if (c->app->target.note != NULL)
		c->app->target.note(c->app->target.note_arg,
		    "reading table 1/2");
	if (c->app->opts.note != NULL)
		c->app->opts.note(c->app->opts.note_arg, "reading table 2/2");
	(void)fprintf(out, "job done\n");
	return (0);
}

/* test_job_draws_nothing - a job's child never calls the console's
 * progress note: its stdout is the job's output, where the note's
 * curses output showed up escaped on the apply screen ("\x1b[4;3Hreading
 * table 1/2: ..."); the parent keeps its notes */
static void
test_job_draws_nothing(void **state)
{
	struct mg_session a;
	struct con c;
	const char *out;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&c, 0, sizeof(c));
	c.job.fd = -1;
	c.app = &a;
	a.opts.note = parent_note;
	a.target.note = parent_note;
	assert_int_equal(con_job_start(&c, CON_JOB_FIX, "note", note_job,
	    NULL), 0);
	assert_true(job_wait(&c));
	assert_int_equal(c.job.status, 0);
	out = mg_str_cstr(&c.job.out);
	assert_non_null(strstr(out, "job done"));
	assert_null(strstr(out, "reading table"));
	assert_null(strchr(out, '\033'));
	assert_ptr_equal(a.opts.note, parent_note);
	assert_ptr_equal(a.target.note, parent_note);
	con_job_free(&c.job);
}

/* test_hold_times_out - a scan that never reaches a progress call keeps
 * the fork from happening: the job is refused with a note, nothing
 * started, and the scan goes on to its result */
static int stuck = 1;
static pthread_mutex_t stuck_mu = PTHREAD_MUTEX_INITIALIZER;

static int
stuck_scan(void *arg, struct mg_queue *q, mg_progress_fn progress,
    void *parg, struct mg_err *err)
{
	struct timespec ms = { 0, 1000000L };
	int go;

	(void)arg;
	(void)err;
	(void)progress(parg, 1);
	do {
		(void)nanosleep(&ms, NULL);
		(void)pthread_mutex_lock(&stuck_mu);
		go = !stuck;
		(void)pthread_mutex_unlock(&stuck_mu);
	} while (!go);
	(void)mg_queue_add(q);
	return (0);
}

static void
test_hold_times_out(void **state)
{
	struct con c;
	struct con_scan s;
	struct mg_queue q;
	struct mg_err err;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.job.fd = -1;
	assert_int_equal(con_scan_init(&s, &err), 0);
	c.reader = &s;
	mid_scan(&s, stuck_scan);
	assert_int_equal(con_job_start(&c, CON_JOB_FIX, "refused", job, NULL),
	    -1);
	assert_int_equal(c.job.pid, 0);
	assert_non_null(strstr(c.msg, "queue reader did not pause"));
	(void)pthread_mutex_lock(&stuck_mu);
	stuck = 0;
	(void)pthread_mutex_unlock(&stuck_mu);
	/* not cut: the scan never saw the hold at a progress call */
	assert_int_equal(take_wait(&s, &q, &err), 1);
	mg_queue_free(&q);
	con_scan_stop(&s);
}

/* setup - the file the scan and the jobs read */
static int
setup(void **state)
{
	FILE *f;
	int fd;

	(void)state;
	(void)snprintf(file, sizeof(file), "/tmp/mg-test-job.XXXXXX");
	assert_true((fd = mkstemp(file)) >= 0);
	assert_non_null(f = fdopen(fd, "w"));
	assert_true(fputs("a line the scan and the job read\n", f) >= 0);
	assert_int_equal(fclose(f), 0);
	return (0);
}

/* teardown - the file gone, also after a failure */
static int
teardown(void **state)
{
	(void)state;
	(void)unlink(file);
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_jobs_during_scans),
		cmocka_unit_test(test_hold_times_out),
		cmocka_unit_test(test_job_draws_nothing),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
