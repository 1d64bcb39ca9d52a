/*
 * queue_restore.h - roll back a purge or a hold: every message the
 * journal entry took out of delivery back in the queue, exactly once,
 * with its envelope intact.
 */
#ifndef MG_QUEUE_RESTORE_H
#define MG_QUEUE_RESTORE_H

#include <stdio.h>

#include "mg_journal.h"
#include "../core/mg_model.h"
#include "../core/mg_queue.h"

struct mg_restore_result {
	size_t total;		/* messages of the entry (journaled IDs) */
	size_t chosen;		/* of them, what the selectors chose */
	size_t placed;		/* put back from the quarantine now */
	size_t released;	/* released from hold / thawed now, never
				 * deleted */
	size_t restored;	/* came back now: placed + released */
	size_t kept_held;	/* of placed: on hold before, left on hold */
	size_t already;		/* back by an earlier rollback */
	size_t stayed;		/* never left the queue */
	size_t missing;		/* neither queued nor quarantined: delivered
				 * or removed before the purge held it */
	size_t failed;		/* could not be put back (out says why) */
	size_t back;		/* of total, back or never removed, now */
};

int mg_queue_restore(struct mg_target *, struct mg_journal *,
    const struct mg_jentry *, const struct mg_qsel *, FILE *,
    struct mg_restore_result *, struct mg_err *);
int mg_queue_restorable(const struct mg_jentry *);

#endif
