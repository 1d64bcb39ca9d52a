/*
 * exim_queue.h - read Exim's spool directly (the -H files of input/ and,
 * with split_spool_directory, input/X/), never one process per message.
 */
#ifndef MG_EXIM_QUEUE_H
#define MG_EXIM_QUEUE_H

#include <stddef.h>

#include "../../core/mg_err.h"
#include "../../core/mg_model.h"
#include "../../core/mg_queue.h"

/* A -H file longer than this is not one Exim wrote (16384 recipients of
 * 256 bytes and generous headers fit). */
#define MG_EXIM_HFILE_MAX (16u * 1024 * 1024)

/* Exim's own limit on the recipient count line (spool_in.c). */
#define MG_EXIM_RCPTS_MAX 16384

/* Queue names of Exim messages in the model. */
#define MG_EXIM_QUEUED "queued"
#define MG_EXIM_FROZEN "frozen"

int mg_exim_queue_parse(const char *, size_t, const char *, long long,
    struct mg_queue *, struct mg_err *);
/* What mg_exim_queue_read reads besides the -H files. */
#define MG_EXIM_SCAN_SIZES 1	/* each -D's size (one stat a message) */

int mg_exim_queue_read(const char *, int, struct mg_queue *, mg_progress_fn,
    void *, struct mg_err *);
int mg_exim_queue_scan(const char *, struct mg_queue *, mg_progress_fn,
    void *, struct mg_err *);
int mg_exim_spool_directory(const struct mg_target *, char **,
    struct mg_err *);
int mg_exim_load_queue(struct mg_target *, struct mg_queue *,
    const struct mg_qscan_opts *, mg_progress_fn, void *, struct mg_err *);

#endif
