/* fix_hash.h - did a file change since mailguard-tui read or wrote it?
 * Its SHA-256 then and now, and the difference shown. */
#ifndef MG_FIX_HASH_H
#define MG_FIX_HASH_H

#include <stdio.h>

#include "../core/mg_err.h"
#include "../core/mg_hash.h"
#include "../core/mg_str.h"

void mg_text_diff(const char *, const char *, const char *, const char *,
    struct mg_str *);
int mg_file_changed(const char *, const char *, const char *, FILE *,
    struct mg_err *);

#endif
