/* cmd_purge.c - "purge SELECTOR... [--dry-run] [--yes]": the matching mail
 * held, kept in the quarantine (linked or copied), deleted; journaled. */
#include "cmd.h"
#include "queue_action.h"

/* cmd_purge - purge SELECTOR... [--dry-run] [--yes] */
static int
cmd_purge(struct mg_session *a, int argc, char **argv)
{
	return (mg_cmd_queue_action(a, "purge", -1, argc, argv));
}

const struct mg_cmd_entry mg_cmd_purge_entry = {
	.name = "purge",
	.args = MG_QACTION_ARGS,
	.summary = "hold (Postfix) the matching mail, keep it in",
	.options =
	    "STATE/quarantine/ENTRY (hard-linked on the queue's\n"
	    "filesystem, else copied; Exim: under its spool lock),\n"
	    "delete exactly those IDs; journaled.  Selectors\n"
	    "(combined with AND): --sasl USER\n"
	    "--client IP/CIDR  --sender ADDR|@DOMAIN|'<>'\n"
	    "--rcpt-domain DOMAIN  --older-than AGE (30m, 2h, 3d)\n"
	    "--queue QUEUE.  --dry-run: count and samples only.\n"
	    "Asks unless --yes",
	.exec = cmd_purge,
};
