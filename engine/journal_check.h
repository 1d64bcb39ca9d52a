/*
 * journal_check.h - what the tool trusts before it acts on its state
 * directory: directories only root (or we) can change, and journal rows
 * that name only the server's own configuration and tools.
 */
#ifndef MG_JOURNAL_CHECK_H
#define MG_JOURNAL_CHECK_H

#include <stddef.h>

#include "../core/mg_err.h"
#include "../core/mg_model.h"
#include "mg_journal.h"

/* Where a journal row may point: the configuration trees of the target
 * and the directories its tools are in (all NULL-terminated). */
struct mg_jtrust {
	const char *const *config;	/* files may be restored under these */
	const char *const *tooldirs;	/* besides the system's bin dirs */
	const char *const *files;	/* and these files exactly (tables
					 * the configuration names outside
					 * its directories); may be NULL */
};

int mg_journal_check_entry(const struct mg_target *, const char *,
    const struct mg_jtrust *, const struct mg_jentry *, struct mg_err *);
int mg_journal_check_rebuild(const struct mg_target *,
    const struct mg_jtrust *, const char *, struct mg_err *);
int mg_journal_check_qid(long, const char *, struct mg_err *);

#endif
