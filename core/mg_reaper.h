/* mg_reaper.h - directories (and what runs in them) that never outlive us. */
#ifndef MG_REAPER_H
#define MG_REAPER_H

#include <sys/types.h>

#include "mg_err.h"

struct mg_reaper {
	pid_t pid;			/* the watching process, 0 if none */
	int fd;				/* our end of its pipe, -1 if none */
};

int mg_reaper_watch(struct mg_reaper *, const char *, struct mg_err *);
void mg_reaper_done(struct mg_reaper *);
int mg_reaper_sweep(const char *);
int mg_reaper_template(char *, size_t, const char *, const char *,
    struct mg_err *);
size_t mg_reaper_stale(const char *, const char *);

#endif
