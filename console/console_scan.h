/*
 * console_scan.h - the queue view's reader: one background thread that
 * reads the live queue when asked, so that the interface thread never
 * waits for a scan; it takes the last complete result when there is one.
 */
#ifndef CON_SCAN_H
#define CON_SCAN_H

#include <pthread.h>
#include <time.h>

#include "../core/mg_err.h"
#include "../core/mg_queue.h"

/* How a scan is done: the backend's load_queue, or a test's fake.  It
 * runs on the reader's thread and must not touch the terminal.  0: the
 * queue read; 1: the queue is known unchanged since the last successful
 * read (nothing read); -1 with the error. */
typedef int (*con_scan_fn)(void *, struct mg_queue *, mg_progress_fn, void *,
    struct mg_err *);

/*
 * The reader.  Everything below the mutex is shared with the thread;
 * the interface thread reads it only through the functions below.
 */
struct con_scan {
	pthread_t thread;
	int started;		/* the thread runs */
	con_scan_fn fn;
	void *arg;		/* fn's; the reader owns it while busy */
	void (*arg_free)(void *);	/* releases arg; NULL: nothing */
	unsigned delay_ms;	/* MG_TEST_SCAN_DELAY_MS: a slow scan */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int quit;		/* stop: cancel the scan, end the thread */
	int want;		/* a scan is asked for */
	int busy;		/* a scan is running */
	size_t files;		/* files the running scan looked at */
	int ready;		/* a result waits to be taken */
	int rc;			/* its status: 0, 1 unchanged, -1 err */
	struct mg_queue q;	/* the result (rc 0) */
	struct mg_err err;
	time_t done_at;		/* when the last scan ended (0: none) */
	size_t scans;		/* scans ended, for the tests */
	/* a fork asked the reader to hold still (con_scan_hold): no scan
	 * runs; one that ran was cut short and is asked again */
	int hold;
	int cut;		/* the running scan was told to stop by hold */
	size_t cuts;		/* scans cut short (run again), for the tests */
	pthread_cond_t idle_cv;	/* signalled when a scan ends */
};

int con_scan_init(struct con_scan *, struct mg_err *);
int con_scan_request(struct con_scan *, con_scan_fn, void *,
    void (*)(void *));
int con_scan_take(struct con_scan *, struct mg_queue *, struct mg_err *);
int con_scan_busy(struct con_scan *, size_t *);
time_t con_scan_done_at(struct con_scan *);
int con_scan_hold(struct con_scan *, unsigned, struct mg_err *);
void con_scan_resume(struct con_scan *);
void con_scan_stop(struct con_scan *);

#endif
