/* fix_lock.h - the lock a change to a target's configuration holds. */
#ifndef MG_FIX_LOCK_H
#define MG_FIX_LOCK_H

#include "../core/mg_err.h"
#include "../core/mg_lock.h"
#include "../core/mg_model.h"

int mg_fix_lock(struct mg_lock *, const struct mg_target *, struct mg_err *);

#endif
