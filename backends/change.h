/* change.h - what the backends share to validate a change on a stage:
 * the stage's layout and writing files into it. */
#ifndef MG_CHANGE_H
#define MG_CHANGE_H

#include <stddef.h>

#include "backend.h"

int mg_change_tool(const char *const *, struct mg_str *, struct mg_err *);
int mg_change_write_file(const char *, const struct mg_str *,
    struct mg_err *);
int mg_change_copy_file(const char *, const char *, struct mg_err *);
int mg_change_under(const char *, const char *, const char **);
const char *mg_change_source_dir(const struct mg_target *,
    const struct mg_change *);
void mg_change_path(const struct mg_target *, const struct mg_change *,
    const char *, size_t, char *, size_t);
int mg_change_write(const struct mg_target *, const struct mg_change *,
    struct mg_err *);

#endif
