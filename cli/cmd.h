/* cmd.h - the command table (one file per command, as tmux does). */
#ifndef MG_CMD_H
#define MG_CMD_H

#include <stdio.h>

#include "../core/mg_sanitize.h"
#include "../engine/session.h"

/* Exit codes. report: 0 ok/info, 1 warning, 2 critical, 3 could not read,
 * 4 partial (something unread for lack of permission; 2 still wins). */
#define MG_EXIT_OK 0
#define MG_EXIT_WARN 1
#define MG_EXIT_CRIT 2
#define MG_EXIT_UNREAD 3
#define MG_EXIT_PARTIAL 4	/* report: findings may be missing */
#define MG_EXIT_USAGE 64	/* bad command line (sysexits EX_USAGE) */
#define MG_EXIT_FAILED 70	/* an apply failed or was refused (EX_SOFTWARE
				 * is the nearest sysexits code) */
#define MG_EXIT_CANTCREAT 73	/* --export-diff FILE not written: it exists
				 * (without --force) or cannot be created
				 * (EX_CANTCREAT) */
#define MG_EXIT_NOPERM 77	/* needs root (EX_NOPERM) */

/*
 * One command: each cli/cmd_NAME.c defines its entry, cmd_table.c lists
 * them, and --help and the usage lines are made from them.  The help is
 * written wrapped: lines of at most 56 columns (--help indents them by
 * 19); commands next to each other in the table with the same args and
 * summary share one block ("hold|release|requeue").
 */
struct mg_qsel;

struct mg_cmd_entry {
	const char *name;	/* "purge" */
	const char *args;	/* the synopsis after the name; "" for none */
	const char *summary;	/* the help's first line: what it does */
	const char *options;	/* the rest: options, exit codes; may be
				 * NULL */
	int (*exec)(struct mg_session *, int, char **);
};

extern const struct mg_cmd_entry mg_cmd_report_entry;
extern const struct mg_cmd_entry mg_cmd_queue_entry;
extern const struct mg_cmd_entry mg_cmd_purge_entry;
extern const struct mg_cmd_entry mg_cmd_hold_entry;
extern const struct mg_cmd_entry mg_cmd_release_entry;
extern const struct mg_cmd_entry mg_cmd_requeue_entry;
extern const struct mg_cmd_entry mg_cmd_fix_entry;
extern const struct mg_cmd_entry mg_cmd_probe_entry;
extern const struct mg_cmd_entry mg_cmd_journal_entry;
extern const struct mg_cmd_entry mg_cmd_rollback_entry;
extern const struct mg_cmd_entry mg_cmd_restore_entry;

extern const struct mg_cmd_entry *const mg_cmd_table[];

const struct mg_cmd_entry *mg_cmd_find(const char *);
void mg_cmd_help(FILE *);
const char *mg_cmd_state_dir(const struct mg_session *);
int mg_cmd_roll_back(struct mg_session *, const char *, unsigned long,
    const struct mg_qsel *, int);

int mg_cmd_qsel_parse(const char *, int, char **, struct mg_qsel *, int *,
    int *, int *);

int mg_cmd_usage_error(const char *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

#endif
