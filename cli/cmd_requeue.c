/* cmd_requeue.c - "requeue SELECTOR... [--dry-run] [--yes]": the matching
 * mail requeued through cleanup (Postfix); journaled. */
#include "../engine/queue_purge.h"
#include "cmd.h"
#include "queue_action.h"

/* cmd_requeue - requeue SELECTOR... [--dry-run] [--yes] */
static int
cmd_requeue(struct mg_session *a, int argc, char **argv)
{
	return (mg_cmd_queue_action(a, "requeue", MG_QA_REQUEUE, argc, argv));
}

const struct mg_cmd_entry mg_cmd_requeue_entry = {
	.name = "requeue",
	.args = MG_QACTION_ARGS,
	.summary = MG_QACTION_SUMMARY,
	.options = MG_QACTION_OPTIONS,
	.exec = cmd_requeue,
};
