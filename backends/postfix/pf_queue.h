/*
 * pf_queue.h - read Postfix queue files directly (record format of
 * Postfix's rec_type.h and record.c), never one process per message.
 */
#ifndef MG_PF_QUEUE_H
#define MG_PF_QUEUE_H

#include <stddef.h>

#include "../../core/mg_err.h"
#include "../../core/mg_model.h"
#include "../../core/mg_queue.h"

/* A record longer than this is corruption, not mail (record.c trusts the
 * front ends to bound lengths; we do not). */
#define MG_PF_REC_MAX (1024u * 1024)

/* Outcome of reading one queue file. */
enum mg_pf_qfile {
	MG_PF_QFILE_OK = 0,
	MG_PF_QFILE_VANISHED,	/* removed before we could open it */
	MG_PF_QFILE_INCOMPLETE,	/* still being written (no owner x bit) */
	MG_PF_QFILE_CORRUPT	/* not a readable queue file; err says why */
};

struct mg_pf_qopts {
	int reasons;		/* read deferred reasons from defer/ */
};

/* What mg_pf_walk calls: file for each entry but hash subdirectories
 * (fd of its directory, rel "" or "A/B/", name, d_type; nonzero stops
 * the walk), subdir_failed (may be NULL) for one that cannot be opened
 * (errno; nonzero stops the walk with -1). */
struct mg_pf_walker {
	int (*file)(void *, int, const char *, const char *, int);
	int (*subdir_failed)(void *, const char *, const char *, int);
	void *arg;
};

int mg_pf_walk(int, const struct mg_pf_walker *);
int mg_pf_queue_parse(const unsigned char *, size_t, const char *,
    const char *, struct mg_queue *, struct mg_err *);
enum mg_pf_qfile mg_pf_queue_read(int, const char *, const char *,
    struct mg_queue *, struct mg_err *);
int mg_pf_queue_scan(const char *, const struct mg_pf_qopts *,
    struct mg_queue *, mg_progress_fn, void *, struct mg_err *);
int mg_pf_queue_directory(const struct mg_target *, char **, struct mg_err *);
int mg_pf_load_queue(struct mg_target *, struct mg_queue *,
    const struct mg_qscan_opts *, mg_progress_fn, void *, struct mg_err *);
int mg_pf_queue_stamp(struct mg_target *, unsigned long long *,
    struct mg_err *);

#endif
