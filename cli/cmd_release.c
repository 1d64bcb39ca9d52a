/* cmd_release.c - "release SELECTOR... [--dry-run] [--yes]": the matching
 * mail released from hold (Exim: thawed); journaled. */
#include "../engine/queue_purge.h"
#include "cmd.h"
#include "queue_action.h"

/* cmd_release - release SELECTOR... [--dry-run] [--yes] */
static int
cmd_release(struct mg_session *a, int argc, char **argv)
{
	return (mg_cmd_queue_action(a, "release", MG_QA_RELEASE, argc, argv));
}

const struct mg_cmd_entry mg_cmd_release_entry = {
	.name = "release",
	.args = MG_QACTION_ARGS,
	.summary = MG_QACTION_SUMMARY,
	.options = MG_QACTION_OPTIONS,
	.exec = cmd_release,
};
