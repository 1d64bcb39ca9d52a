/* exim_debian.h - Debian's generated config mapped to its sources. */
#ifndef MG_EXIM_DEBIAN_H
#define MG_EXIM_DEBIAN_H

#include <stddef.h>

#include "../../core/mg_err.h"
#include "../../core/mg_model.h"

/* Where a line of the generated file comes from; path NULL: written by
 * update-exim4.conf itself.  path points into the model's files. */
struct mg_exim_origin {
	const char *path;
	unsigned line;
};

int mg_exim_debian_map(struct mg_model *, const char *, const char *,
    struct mg_exim_origin **, size_t *);
void mg_exim_debian_relocate(struct mg_model *, const char *,
    const struct mg_exim_origin *, size_t);
int mg_exim_debian_trusted(const char *, struct mg_err *);

#endif
