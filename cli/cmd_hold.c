/* cmd_hold.c - "hold SELECTOR... [--dry-run] [--yes]": the matching mail
 * put on hold (Exim: frozen); journaled. */
#include "../engine/queue_purge.h"
#include "cmd.h"
#include "queue_action.h"

/* cmd_hold - hold SELECTOR... [--dry-run] [--yes] */
static int
cmd_hold(struct mg_session *a, int argc, char **argv)
{
	return (mg_cmd_queue_action(a, "hold", MG_QA_HOLD, argc, argv));
}

const struct mg_cmd_entry mg_cmd_hold_entry = {
	.name = "hold",
	.args = MG_QACTION_ARGS,
	.summary = MG_QACTION_SUMMARY,
	.options = MG_QACTION_OPTIONS,
	.exec = cmd_hold,
};
