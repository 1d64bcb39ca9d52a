/*
 * cmd_restore.c - "restore ENTRY [SELECTOR...] [--yes]": the part of a
 * purge's or a hold's mail the selectors choose back in the queue.
 */
#include <stdio.h>

#include "../core/mg_num.h"
#include "../core/mg_queue.h"
#include "cmd.h"

/* cmd_restore - restore ENTRY [SELECTOR...] [--yes]: part (or all) of
 * the mail of a purge or hold entry back in the queue */
static int
cmd_restore(struct mg_session *a, int argc, char **argv)
{
	struct mg_qsel sel;
	struct mg_err err;
	unsigned long id;
	int rc, selectors, dry, yes;

	if (argc < 2 || argv[1][0] == '-')
		return (mg_cmd_usage_error("restore", "name the journal entry "
		    "first: restore ENTRY [SELECTOR...] [--yes]"));
	if (mg_parse_ulong(argv[1], 1, 1UL << 62, &id, &err) < 0)
		return (mg_cmd_usage_error("restore", "ENTRY: %s", err.msg));
	if ((rc = mg_cmd_qsel_parse("restore", argc - 1, argv + 1, &sel,
	    &selectors, &dry, &yes)) != 0)
		return (rc);
	if (dry)
		return (mg_cmd_usage_error("restore", "--dry-run: see the "
		    "quarantine with postcat or exim -Mvh instead"));
	return (mg_cmd_roll_back(a, "restore", id, selectors > 0 ? &sel :
	    NULL, yes, 0));
}

const struct mg_cmd_entry mg_cmd_restore_entry = {
	.name = "restore",
	.args = "ENTRY [SELECTOR...] [--yes]",
	.summary = "the same for the part of a purge the selectors choose",
	.exec = cmd_restore,
};
