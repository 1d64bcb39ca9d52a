/*
 * queue_purge.h - remove a selection of queued mail safely: hold (or
 * freeze) the exact IDs, copy them into a quarantine in the state
 * directory, then delete them in one batched call; every ID journaled.
 */
#ifndef MG_QUEUE_PURGE_H
#define MG_QUEUE_PURGE_H

#include <stdio.h>

#include "../core/mg_queue.h"
#include "../backends/queue_types.h"

#define MG_PURGE_SAMPLES 10	/* messages shown before purging */

struct mg_purge_result {
	long entry;		/* journal entry, 0 if none */
	size_t selected;	/* matched the selection */
	size_t held;		/* held (Postfix) or frozen (Exim) */
	size_t quarantined;
	size_t deleted;
	size_t gone;		/* delivered or removed meanwhile */
	size_t remaining;	/* selected IDs still queued afterwards */
	char quarantine[4096];
};

int mg_purge_select(const struct mg_queue *, const struct mg_qsel *, time_t,
    size_t **, size_t *);
void mg_purge_preview(FILE *, const char *, const struct mg_queue *,
    const size_t *, size_t, const struct mg_qsel *);
int mg_queue_purge(struct mg_target *, const struct mg_qsel *, FILE *,
    const struct mg_qprogress *, struct mg_purge_result *, struct mg_err *);
int mg_queue_purge_finish(struct mg_target *, long, FILE *,
    const struct mg_qprogress *, struct mg_purge_result *, struct mg_err *);
int mg_queue_purge_scanned(struct mg_target *, struct mg_queue *,
    const struct mg_qsel *, FILE *, const struct mg_qprogress *,
    struct mg_purge_result *, struct mg_err *);

const char *mg_qaction_name(enum mg_qaction);
int mg_queue_act(struct mg_target *, enum mg_qaction, const struct mg_qsel *,
    FILE *, const struct mg_qprogress *, struct mg_purge_result *,
    struct mg_err *);
int mg_queue_act_scanned(struct mg_target *, struct mg_queue *,
    enum mg_qaction, const struct mg_qsel *, FILE *,
    const struct mg_qprogress *, struct mg_purge_result *, struct mg_err *);

#endif
