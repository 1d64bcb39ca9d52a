/* cmd_purge.c - "purge SELECTOR... [--dry-run] [--yes]": the matching mail
 * held, kept in the quarantine (linked or copied), deleted; journaled.
 * "purge --finish ENTRY [--yes]" finishes one a kill interrupted. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../core/mg_num.h"
#include "../core/mg_sanitize.h"
#include "../engine/queue_purge.h"
#include "cmd.h"
#include "confirm.h"
#include "queue_action.h"

/*
 * finish - purge --finish ENTRY [--yes]: what interrupted purge ENTRY
 * left queued is purged into its quarantine (the other way out is
 * rollback ENTRY: what it removed put back); an exit code
 */
static int
finish(struct mg_session *a, int argc, char **argv)
{
	struct mg_purge_result res;
	struct mg_err err;
	unsigned long id;
	char q[128];
	int yes = argc == 4 && strcmp(argv[3], "--yes") == 0;

	if (argc < 3 || argc > 4 || (argc == 4 && !yes))
		return (mg_cmd_usage_error("purge", "--finish takes one "
		    "journal entry, and --yes"));
	if (mg_parse_ulong(argv[2], 1, 1UL << 62, &id, &err) < 0)
		return (mg_cmd_usage_error("purge", "--finish ENTRY: %s",
		    err.msg));
	if (!a->detected) {
		if (mg_backend_detect(&a->opts, &a->target, &a->err) < 0) {
			(void)fputs("mailguard-tui: purge: ", stderr);
			mg_print_sanitized(stderr, a->err.msg);
			(void)fputc('\n', stderr);
			return (MG_EXIT_UNREAD);
		}
		a->detected = 1;
	}
	if (geteuid() != 0) {
		(void)fprintf(stderr, "mailguard-tui: purge: acting on the "
		    "queue needs root: nothing changed\n");
		return (MG_EXIT_NOPERM);
	}
	if (!yes && !isatty(STDIN_FILENO)) {
		(void)fprintf(stderr, "mailguard-tui: purge: not done: no "
		    "terminal to confirm on; add --yes to go ahead without "
		    "asking\n");
		return (MG_EXIT_USAGE);
	}
	(void)snprintf(q, sizeof(q), "Finish purge %lu: quarantine and "
	    "delete what of it is still queued?", id);
	if (!yes && !mg_cli_confirm(q)) {
		(void)printf("nothing done\n");
		return (MG_EXIT_OK);
	}
	mg_err_clear(&err);
	if (mg_queue_purge_finish(&a->target, (long)id, stdout, NULL, &res,
	    &err) < 0) {
		(void)fflush(stdout);
		(void)fputs("mailguard-tui: purge: ", stderr);
		mg_print_sanitized(stderr, err.msg);
		(void)fputc('\n', stderr);
		return (MG_EXIT_FAILED);
	}
	(void)printf("finished purge %ld: %zu more deleted; %zu of its %zu "
	    "messages still queued (quarantine %s)%s\n", res.entry,
	    res.deleted, res.remaining, res.selected, res.quarantine,
	    res.remaining > 0 ? "; some could not be removed, see above" :
	    "");
	return (res.remaining > 0 ? MG_EXIT_FAILED : MG_EXIT_OK);
}

/* cmd_purge - purge SELECTOR... [--dry-run] [--yes], or purge --finish
 * ENTRY [--yes] */
static int
cmd_purge(struct mg_session *a, int argc, char **argv)
{
	if (argc >= 2 && strcmp(argv[1], "--finish") == 0)
		return (finish(a, argc, argv));
	return (mg_cmd_queue_action(a, "purge", -1, argc, argv));
}

const struct mg_cmd_entry mg_cmd_purge_entry = {
	.name = "purge",
	.args = MG_QACTION_ARGS " | --finish ENTRY [--yes]",
	.summary = "hold (Postfix) the matching mail, keep it in",
	.options =
	    "STATE/quarantine/ENTRY (hard-linked on the queue's\n"
	    "filesystem, else copied; Exim: under its spool lock),\n"
	    "delete exactly those IDs; journaled.  Selectors\n"
	    "(combined with AND): --sasl USER\n"
	    "--client IP/CIDR  --sender ADDR|@DOMAIN|'<>'\n"
	    "--rcpt-domain DOMAIN  --older-than AGE (30m, 2h, 3d)\n"
	    "--queue QUEUE.  --dry-run: count and samples only.\n"
	    "Asks unless --yes.  --finish: finish a purge a kill\n"
	    "interrupted (Exim): what of it is still queued is\n"
	    "copied afresh and deleted; or undo it with rollback\n"
	    "ENTRY (only what it removed comes back)",
	.exec = cmd_purge,
};
