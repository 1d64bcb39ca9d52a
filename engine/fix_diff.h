/* fix_diff.h - unified diffs and patches of staged fixes. */
#ifndef MG_FIX_DIFF_H
#define MG_FIX_DIFF_H

#include "../core/mg_model.h"
#include "../core/mg_report.h"
#include "../core/mg_str.h"
#include "fix_stage.h"

void mg_stage_diff(const struct mg_staged_file *, const char *,
    struct mg_str *);
void mg_fix_patch(const struct mg_target *, const struct mg_stage *,
    const struct mg_fix *const *, size_t, const char *, struct mg_str *);

#endif
