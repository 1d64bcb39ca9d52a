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

struct mg_cmd_entry {
	const char *name;
	const char *usage;
	int (*exec)(struct mg_session *, int, char **);
};

extern const struct mg_cmd_entry mg_cmd_table[];

int mg_cmd_report(struct mg_session *, int, char **);
int mg_cmd_queue(struct mg_session *, int, char **);
int mg_cmd_purge(struct mg_session *, int, char **);
int mg_cmd_hold(struct mg_session *, int, char **);
int mg_cmd_release(struct mg_session *, int, char **);
int mg_cmd_requeue(struct mg_session *, int, char **);
int mg_cmd_fix(struct mg_session *, int, char **);
int mg_cmd_probe(struct mg_session *, int, char **);
int mg_cmd_journal(struct mg_session *, int, char **);
int mg_cmd_rollback(struct mg_session *, int, char **);
int mg_cmd_restore(struct mg_session *, int, char **);

struct mg_qsel;
int mg_cmd_qsel_parse(const char *, int, char **, struct mg_qsel *, int *,
    int *, int *);

int mg_cmd_usage_error(const char *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

#endif
