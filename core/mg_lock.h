/* mg_lock.h - one change to a configuration at a time, whatever state
 * directory each mailguard-tui journals into. */
#ifndef MG_LOCK_H
#define MG_LOCK_H

#include "mg_err.h"

struct mg_lock {
	int fd;			/* the locked directory, or -1 */
};

int mg_config_lock(struct mg_lock *, const char *, struct mg_err *);
void mg_config_unlock(struct mg_lock *);
long mg_lock_holder(const char *);

#endif
