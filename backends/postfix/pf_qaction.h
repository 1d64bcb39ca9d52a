/* pf_qaction.h - the Postfix queue actions (postsuper) behind the seam. */
#ifndef MG_PF_QACTION_H
#define MG_PF_QACTION_H

#include "../../core/mg_model.h"
#include "../queue_act.h"

int mg_pf_purge(struct mg_target *, struct mg_qrun *, struct mg_err *);
int mg_pf_queue_act(struct mg_target *, struct mg_qrun *, enum mg_qaction,
    char *const *, size_t, const char *, struct mg_err *);
int mg_pf_restore(struct mg_target *, struct mg_qrestore *,
    struct mg_err *);
int mg_pf_quarantine_msg(struct mg_target *, int, const char *,
    struct mg_queue *, struct mg_err *);

#endif
