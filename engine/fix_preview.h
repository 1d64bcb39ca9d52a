/* fix_preview.h - show what a fix changes, as diff-like lines. */
#ifndef MG_FIX_PREVIEW_H
#define MG_FIX_PREVIEW_H

#include "../core/mg_model.h"
#include "../core/mg_report.h"
#include "../core/mg_str.h"

void mg_fix_preview(const struct mg_fix *, struct mg_str *);

#endif
