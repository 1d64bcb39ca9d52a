/* mg_lines.h - walk text line by line; split "name = value" lines. */
#ifndef MG_LINES_H
#define MG_LINES_H

#include <stddef.h>

int mg_line_next(const char **, const char **, size_t *);
int mg_line_assignment(const char *, size_t, char **, char **);

#endif
