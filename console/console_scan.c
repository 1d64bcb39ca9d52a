/*
 * console_scan.c - the queue view's background reader: a thread that
 * reads the live queue when the interface asks and hands back the
 * complete result, so that keys are answered while a large queue is read.
 * The thread never touches the terminal; it stops (cancelling a scan at
 * its next progress call) before the console ends.
 *
 * A fork without exec (a console job: the child runs the fix engine,
 * sqlite, malloc) must not copy a lock this thread holds: the child has
 * no thread to release it.  con_scan_hold makes the thread hold still
 * first, waiting on its condition variable and holding nothing: a scan
 * running is cut short at its next progress call (everything it holds
 * is released as it returns, its helper threads joined) and asked again
 * at con_scan_resume.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../core/mg_num.h"
#include "console_scan.h"

/* The test hook's longest delay: a minute. */
#define DELAY_MAX_MS 60000u

/* progress - a scan's progress: count it; non-zero cancels at quit */
static int
progress(void *arg, size_t files)
{
	struct con_scan *s = arg;
	int stop;

	(void)pthread_mutex_lock(&s->mu);
	s->files = files;
	if (s->hold && !s->quit)
		s->cut = 1;
	stop = s->quit || s->hold;
	(void)pthread_mutex_unlock(&s->mu);
	return (stop);
}

/* test_delay - MG_TEST_SCAN_DELAY_MS: a slow scan, in slices that see
 * a stop; 1 if told to stop meanwhile */
static int
test_delay(struct con_scan *s)
{
	struct timespec ts = { 0, 10 * 1000000L };
	unsigned waited;

	for (waited = 0; waited < s->delay_ms; waited += 10) {
		if (progress(s, 0) != 0)
			return (1);
		(void)nanosleep(&ts, NULL);
	}
	return (0);
}

/*
 * again - the scan just cut short by a hold is asked again, unless a
 * newer request replaced it meanwhile (then its argument goes); called
 * with the mutex held.  1 if farg was kept.
 */
static int
again(struct con_scan *s, con_scan_fn fn, void *farg, void (*ffree)(void *))
{
	s->cuts++;
	if (s->want)
		return (0);
	s->fn = fn;
	s->arg = farg;
	s->arg_free = ffree;
	s->want = 1;
	return (1);
}

/* reader - the thread: wait for a request, scan, publish, again; while
 * held, wait (a request waits with it) */
static void *
reader(void *arg)
{
	struct con_scan *s = arg;
	struct mg_queue q;
	struct mg_err err;
	con_scan_fn fn;
	void *farg;
	void (*ffree)(void *);
	int rc, kept, requeue;

	(void)pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->quit && (!s->want || s->hold))
			(void)pthread_cond_wait(&s->cv, &s->mu);
		if (s->quit)
			break;
		fn = s->fn;
		farg = s->arg;
		ffree = s->arg_free;
		s->arg = NULL;
		s->arg_free = NULL;
		s->want = 0;
		s->busy = 1;
		s->cut = 0;
		s->files = 0;
		(void)pthread_mutex_unlock(&s->mu);

		mg_err_clear(&err);
		mg_queue_init(&q);
		if (s->delay_ms > 0 && test_delay(s))
			rc = mg_err_set(&err, "queue scan cancelled");
		else
			rc = fn(farg, &q, progress, s, &err);
		if (rc != 0)
			mg_queue_free(&q);

		/* cut short by a hold (not a read that ended anyway): not
		 * a result, the same read asked again */
		(void)pthread_mutex_lock(&s->mu);
		requeue = s->cut && rc < 0 && !s->quit;
		kept = requeue && again(s, fn, farg, ffree);
		(void)pthread_mutex_unlock(&s->mu);
		if (!kept && ffree != NULL)
			ffree(farg);

		/* idle from here: everything the scan held is released */
		(void)pthread_mutex_lock(&s->mu);
		s->busy = 0;
		s->cut = 0;
		(void)pthread_cond_broadcast(&s->idle_cv);
		if (requeue)
			continue;
		s->scans++;
		s->done_at = time(NULL);
		if (s->quit) {
			if (rc == 0)
				mg_queue_free(&q);
			break;
		}
		/* "unchanged" adds nothing to a read not taken yet, and a
		 * failure (perhaps passing) must not lose it: the read is
		 * kept, newer than what the view shows */
		if (rc != 0 && s->ready && s->rc == 0)
			continue;
		/* a result nobody took is replaced by the newer one */
		if (s->ready && s->rc == 0)
			mg_queue_free(&s->q);
		s->q = q;
		s->rc = rc;
		s->err = err;
		s->ready = 1;
	}
	(void)pthread_mutex_unlock(&s->mu);
	return (NULL);
}

/* con_scan_init - a reader with no thread yet (it starts with the first
 * request); -1 with err if the test hook's delay is not a number */
int
con_scan_init(struct con_scan *s, struct mg_err *err)
{
	const char *d = getenv("MG_TEST_SCAN_DELAY_MS");
	unsigned long ms = 0;

	memset(s, 0, sizeof(*s));
	if (d != NULL && *d != '\0' && mg_parse_ulong(d, 0, DELAY_MAX_MS,
	    &ms, err) < 0)
		return (-1);
	s->delay_ms = (unsigned)ms;
	mg_queue_init(&s->q);
	if (pthread_mutex_init(&s->mu, NULL) != 0)
		return (mg_err_set(err, "cannot create a mutex"));
	if (pthread_cond_init(&s->cv, NULL) != 0) {
		(void)pthread_mutex_destroy(&s->mu);
		return (mg_err_set(err, "cannot create a condition variable"));
	}
	if (pthread_cond_init(&s->idle_cv, NULL) != 0) {
		(void)pthread_cond_destroy(&s->cv);
		(void)pthread_mutex_destroy(&s->mu);
		return (mg_err_set(err, "cannot create a condition variable"));
	}
	return (0);
}

/* start - the thread, with the signals the console handles blocked in
 * it: they are the interface thread's (console_signal.c, ncurses'
 * SIGWINCH); a crash's signals stay deliverable.  0, or an errno */
static int
start(struct con_scan *s)
{
	static const int crash[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL,
	    SIGABRT };
	sigset_t all, old;
	size_t i;
	int e;

	(void)sigfillset(&all);
	for (i = 0; i < sizeof(crash) / sizeof(crash[0]); i++)
		(void)sigdelset(&all, crash[i]);
	(void)pthread_sigmask(SIG_SETMASK, &all, &old);
	e = pthread_create(&s->thread, NULL, reader, s);
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (e == 0)
		s->started = 1;
	return (e);
}

/*
 * con_scan_request - ask for a scan by fn(arg): at once when the reader
 * is idle, else right after the running one (whose result would be
 * older than the request).  The reader owns arg and releases it with
 * arg_free (may be NULL); a request still waiting is replaced.  0, or -1
 * when the thread cannot be started (arg released).
 */
int
con_scan_request(struct con_scan *s, con_scan_fn fn, void *arg,
    void (*arg_free)(void *))
{
	void *old = NULL;
	void (*old_free)(void *) = NULL;

	if (!s->started && start(s) != 0) {
		if (arg_free != NULL)
			arg_free(arg);
		return (-1);
	}
	(void)pthread_mutex_lock(&s->mu);
	if (s->want) {
		old = s->arg;
		old_free = s->arg_free;
	}
	s->fn = fn;
	s->arg = arg;
	s->arg_free = arg_free;
	s->want = 1;
	(void)pthread_cond_signal(&s->cv);
	(void)pthread_mutex_unlock(&s->mu);
	if (old_free != NULL)
		old_free(old);
	return (0);
}

/*
 * con_scan_take - the result of the last scan, when there is a new one:
 * 1 with the queue moved to *q (the caller frees it with
 * mg_queue_free), 2 when the scan found the queue unchanged since the
 * last read, -1 with the scan's error in err, 0 when none is new.
 */
int
con_scan_take(struct con_scan *s, struct mg_queue *q, struct mg_err *err)
{
	int rc;

	if (!s->started)
		return (0);
	(void)pthread_mutex_lock(&s->mu);
	if (!s->ready) {
		(void)pthread_mutex_unlock(&s->mu);
		return (0);
	}
	s->ready = 0;
	rc = s->rc;
	if (rc == 0) {
		*q = s->q;
		mg_queue_init(&s->q);
	} else if (rc < 0)
		*err = s->err;
	(void)pthread_mutex_unlock(&s->mu);
	return (rc == 0 ? 1 : rc > 0 ? 2 : -1);
}

/* con_scan_busy - 1 while a scan runs or waits to run, with the files
 * looked at so far in *files (may be NULL) */
int
con_scan_busy(struct con_scan *s, size_t *files)
{
	int busy;

	if (!s->started) {
		if (files != NULL)
			*files = 0;
		return (0);
	}
	(void)pthread_mutex_lock(&s->mu);
	busy = s->busy || s->want;
	if (files != NULL)
		*files = s->files;
	(void)pthread_mutex_unlock(&s->mu);
	return (busy);
}

/* con_scan_done_at - when the last scan ended (0: none yet) */
time_t
con_scan_done_at(struct con_scan *s)
{
	time_t t;

	if (!s->started)
		return (0);
	(void)pthread_mutex_lock(&s->mu);
	t = s->done_at;
	(void)pthread_mutex_unlock(&s->mu);
	return (t);
}

/*
 * con_scan_hold - make the reader hold still before a fork: no scan
 * runs from now until con_scan_resume, and one running is cut short at
 * its next progress call (it is asked again at the resume).  0 once the
 * thread waits holding nothing (or there is no thread); -1 with err when
 * the running scan did not stop within ms milliseconds (the hold is
 * withdrawn: the caller must not fork).
 */
int
con_scan_hold(struct con_scan *s, unsigned ms, struct mg_err *err)
{
	struct timespec until;
	int rc = 0;

	if (!s->started)
		return (0);
	(void)clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += ms / 1000;
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	(void)pthread_mutex_lock(&s->mu);
	s->hold = 1;
	while (s->busy && rc != ETIMEDOUT)
		rc = pthread_cond_timedwait(&s->idle_cv, &s->mu, &until);
	if (s->busy) {
		s->hold = 0;
		(void)pthread_cond_signal(&s->cv);
		(void)pthread_mutex_unlock(&s->mu);
		return (mg_err_set(err, "the queue reader did not stop within "
		    "%u ms", ms));
	}
	(void)pthread_mutex_unlock(&s->mu);
	return (0);
}

/* con_scan_resume - the fork is done: the reader goes on (a scan cut
 * short by the hold runs again) */
void
con_scan_resume(struct con_scan *s)
{
	if (!s->started)
		return;
	(void)pthread_mutex_lock(&s->mu);
	s->hold = 0;
	(void)pthread_cond_signal(&s->cv);
	(void)pthread_mutex_unlock(&s->mu);
}

/*
 * con_scan_stop - end the reader: a running scan is cancelled at its
 * next progress call, the thread joined, a result not taken and a
 * request not started released.  The reader can be initialised again.
 */
void
con_scan_stop(struct con_scan *s)
{
	if (s->started) {
		(void)pthread_mutex_lock(&s->mu);
		s->quit = 1;
		(void)pthread_cond_signal(&s->cv);
		(void)pthread_mutex_unlock(&s->mu);
		(void)pthread_join(s->thread, NULL);
		s->started = 0;
	}
	if (s->ready && s->rc == 0)
		mg_queue_free(&s->q);
	s->ready = 0;
	if (s->arg_free != NULL)
		s->arg_free(s->arg);
	s->arg = NULL;
	s->arg_free = NULL;
	(void)pthread_cond_destroy(&s->cv);
	(void)pthread_cond_destroy(&s->idle_cv);
	(void)pthread_mutex_destroy(&s->mu);
}
