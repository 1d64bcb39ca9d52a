/*
 * queue_types.h - what the engine's queue actions (purge, hold, restore)
 * hand a backend's queue operations: types only, so that backend.h can
 * name them without depending on the helpers in queue_act.c.
 */
#ifndef MG_QUEUE_TYPES_H
#define MG_QUEUE_TYPES_H

#include <stdio.h>
#include <sys/types.h>

#include "../core/mg_err.h"
#include "../core/mg_install.h"
#include "../core/mg_model.h"
#include "../core/mg_queue.h"
#include "../core/mg_str.h"

#define MG_PURGE_BATCH 2000	/* IDs per exim -Mf / -Mrm call at most */
/*
 * A purge copies this many messages into the quarantine, makes them
 * durable (mg_qrun_sync: each copy and the directory fsync'd, about one
 * journal commit for all), and only then deletes those from the queue:
 * one sync and one MTA process per batch instead of one of each per
 * message.
 */
#define MG_QSYNC_BATCH 2000
#define MG_QFILE_MAX (512u * 1024 * 1024)	/* one queue file */

/*
 * How far a queue action is, for a progress bar: step (1-based) of
 * nsteps, named, and done of total within it.  NULL: not wanted.
 */
struct mg_qprogress {
	void (*fn)(void *, unsigned, unsigned, const char *, size_t, size_t);
	void *arg;
};

/* The queue actions short of deleting (the incident view's keys). */
enum mg_qaction {
	MG_QA_HOLD = 0,		/* Postfix hold queue; Exim freeze */
	MG_QA_RELEASE,		/* back to delivery; Exim thaw */
	MG_QA_REQUEUE		/* Postfix: through cleanup again (new IDs) */
};

/* Purge steps, for the progress bar. */
#define MG_QSTEP_HOLD 1
#define MG_QSTEP_COPY 2
#define MG_QSTEP_DELETE 3
#define MG_QSTEP_CHECK 4
#define MG_QSTEPS_PURGE 4

/* One queue action (a purge, a hold, a release) on exact IDs. */
struct mg_qrun {
	FILE *out;			/* what is done, for the operator */
	const char **ids;		/* selected, sorted */
	size_t nids;
	char **copied;			/* purge: quarantined, to delete */
	size_t ncopied, copied_cap;
	size_t nsynced;			/* purge: copied[0..nsynced) durable */
	int qfd;		/* purge: qdir, open before a copy; or -1 */
	char qdir[4096];		/* purge: the quarantine */
	struct mg_str log;		/* what the MTA tools said */
	const struct mg_qprogress *prog;
	unsigned nsteps;
	/* purge: the selected IDs the MTA still lists afterwards, when the
	 * backend counted them itself (by name, no file read) */
	size_t still_queued;
	size_t still_copied;		/* of them, those in copied[] */
	char **copied_sorted;		/* while counting: copied[], sorted */
	int counted;
};

/* One message of a journal entry being put back. */
struct mg_qrmsg {
	char *id;			/* the queue ID the entry acted on */
	int held;			/* on hold (frozen) before the entry */
	long long ino;			/* Postfix: the copy's inode in hold/ */
	char *new_id;			/* the ID it is back under, or NULL */
	char *state;			/* NULL, "placing", "placed", "back" */
	const struct mg_qmsg *live;	/* queued now under its own ID */
	int chosen;			/* the selectors chose it */
	int release;			/* release (thaw) in this run */
	int from_live;			/* a release of a queued message */
	int placed;			/* put back in this run */
	char tmp[MG_INSTALL_TMP];	/* Postfix: prepared in hold/ */
	int dirty;			/* row to write */
};

/* What a restore counts (the engine's mg_restore_result). */
struct mg_qrcount {
	size_t placed, released, kept_held, already, stayed, missing, failed;
};

/* One restore, as the engine hands it to the backend. */
struct mg_qrestore {
	struct mg_target *t;
	FILE *out;
	struct mg_qrmsg *m;
	size_t n;
	int qfd;			/* the quarantine, or -1 (a hold) */
	struct mg_queue q;		/* the live queue */
	const struct mg_qmsg **live;	/* its messages by ID */
	struct mg_str log;
	struct mg_qrcount *res;
	/* the changed rows (dirty) written to the journal, cleared */
	int (*save)(struct mg_qrestore *, struct mg_err *);
	void *save_arg;
	void *mta;			/* the backend's own state */
};

#endif
