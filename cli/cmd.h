/* cmd.h - the command table (one file per command, as tmux does). */
#ifndef MG_CMD_H
#define MG_CMD_H

#include <stdio.h>

#include "../core/mg_exit.h"
#include "../core/mg_sanitize.h"
#include "../engine/session.h"

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

extern const struct mg_cmd_entry *const mg_cmd_table[];

const struct mg_cmd_entry *mg_cmd_find(const char *);
void mg_cmd_help(FILE *);
const char *mg_cmd_state_dir(const struct mg_session *);
void mg_cmd_unfinished(const struct mg_session *);
int mg_cmd_roll_back(struct mg_session *, const char *, unsigned long,
    const struct mg_qsel *, int, int);

int mg_cmd_qsel_parse(const char *, int, char **, struct mg_qsel *, int *,
    int *, int *);

int mg_cmd_usage_error(const char *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

#endif
