/* mg_file.h - bounded reads of configuration files. */
#ifndef MG_FILE_H
#define MG_FILE_H

#include <stddef.h>

#include "mg_err.h"
#include "mg_str.h"

#define MG_FILE_MAX (8u * 1024 * 1024)

int mg_write_all(int, const char *, size_t);
int mg_file_read(const char *, size_t, struct mg_str *, int *,
    struct mg_err *);

#endif
