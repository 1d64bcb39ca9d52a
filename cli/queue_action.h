/* queue_action.h - the queue actions' shared command line (purge, hold,
 * release, requeue). */
#ifndef MG_QUEUE_ACTION_H
#define MG_QUEUE_ACTION_H

#include "cmd.h"

/* The synopsis after the name, and the --help block hold, release and
 * requeue share (next to each other in the table: one block). */
#define MG_QACTION_ARGS "SELECTOR... [--dry-run] [--yes]"
#define MG_QACTION_SUMMARY \
	"the same selection put on hold (Exim: frozen), released"
#define MG_QACTION_OPTIONS \
	"(thawed), or requeued through cleanup (Postfix);\n" \
	"journaled.  Asks unless --yes, with the count and\n" \
	"the time of the read: only those messages are\n" \
	"touched, mail queued since stays as it is"

int mg_cmd_queue_action(struct mg_session *, const char *, int, int,
    char **);

#endif
