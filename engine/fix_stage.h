/* fix_stage.h - fixes applied to in-memory copies of their files. */
#ifndef MG_FIX_STAGE_H
#define MG_FIX_STAGE_H

#include <stddef.h>

#include "../core/mg_err.h"
#include "../core/mg_model.h"
#include "../core/mg_report.h"
#include "../core/mg_str.h"

/* Lines [old_start, +old_len) of the old file became [new_start,
 * +new_len) of the new one (0-based). */
struct mg_stage_region {
	size_t old_start, old_len;
	size_t new_start, new_len;
};

struct mg_staged_file {
	char *path;
	char **old, **new;	/* lines, without newlines */
	size_t nold, nnew;
	int final_newline;	/* the file ended with a newline */
	char sha256[65];	/* of the bytes read (MG_SHA256_HEX): the
				 * install refuses a file changed since */
	struct mg_stage_region *regions;
	size_t nregions, regions_cap;
};

struct mg_stage {
	struct mg_staged_file *files;
	size_t nfiles, files_cap;
};

int mg_stage_fixes(const struct mg_fix *const *, size_t, struct mg_stage *,
    struct mg_err *);
void mg_stage_text(const struct mg_staged_file *, struct mg_str *);
void mg_stage_free(struct mg_stage *);

#endif
