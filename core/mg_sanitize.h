/* mg_sanitize.h - make untrusted text safe for a terminal, visibly. */
#ifndef MG_SANITIZE_H
#define MG_SANITIZE_H

#include <stddef.h>
#include <stdio.h>

#include "mg_str.h"

void mg_sanitize(struct mg_str *, const char *, size_t);
char *mg_sanitize_dup(const char *);
void mg_print_sanitized(FILE *, const char *);
void mg_print_sanitized_lines(FILE *, const char *);
size_t mg_print_patch_lines(FILE *, const char *);

#endif
