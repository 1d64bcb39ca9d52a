/*
 * fix_rollback.h - roll a journal entry back: the exact bytes a fix
 * replaced, rebuilt and reloaded; or the mail a purge or hold took away,
 * back in the queue.  The command line and the console both call it.
 */
#ifndef MG_FIX_ROLLBACK_H
#define MG_FIX_ROLLBACK_H

#include <stdio.h>

#include "../core/mg_err.h"
#include "../core/mg_queue.h"
#include "session.h"

/* How a rollback ended. */
enum mg_rollback_result {
	MG_ROLLBACK_DONE = 0,	/* rolled back, or nothing left to do */
	MG_ROLLBACK_DECLINED,	/* the operator said no: nothing changed */
	MG_ROLLBACK_UNREAD,	/* no such entry, journal or target */
	MG_ROLLBACK_NOPERM,	/* putting mail back needs root */
	MG_ROLLBACK_FAILED	/* began, and did not end well */
};

struct mg_rollback_opts {
	FILE *out;		/* progress and results */
	/* the part of a purge or hold to put back; NULL: all of it */
	const struct mg_qsel *sel;
	/* only a purge or hold will do (restore ENTRY SELECTOR...) */
	int mail_only;
	/* The operator already agreed (--yes, or the caller asked
	 * before): confirm is not called. */
	int yes;
	/* Restore even over a file changed since the entry installed it,
	 * or that a later entry changed too (--force): those changes are
	 * lost.  Otherwise the rollback refuses, the difference shown. */
	int force;
	/* Asked once before anything changes, unless yes: non-zero goes
	 * ahead, 0 declines.  NULL and not yes: declined. */
	int (*confirm)(const char *question);
};

enum mg_rollback_result mg_fix_rollback(struct mg_session *, const char *,
    long, const struct mg_rollback_opts *, struct mg_err *);

#endif
