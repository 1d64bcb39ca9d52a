/* exim_qaction.h - the Exim queue actions (exim -Mf/-Mt/-Mrm) behind the
 * seam. */
#ifndef MG_EXIM_QACTION_H
#define MG_EXIM_QACTION_H

#include "../../core/mg_model.h"
#include "../queue_act.h"

int mg_exim_purge(struct mg_target *, struct mg_qrun *, struct mg_err *);
int mg_exim_queue_act(struct mg_target *, struct mg_qrun *, enum mg_qaction,
    char *const *, size_t, const char *, struct mg_err *);
int mg_exim_restore(struct mg_target *, struct mg_qrestore *,
    struct mg_err *);
/* What exim -Mrm said of an ID (mg_exim_rm_parse). */
#define MG_EXRM_REMOVED 1
#define MG_EXRM_LOCKED 2

void mg_exim_rm_parse(const char *, const char *const *, size_t,
    unsigned char *, struct mg_str *);
int mg_exim_quarantine_msg(struct mg_target *, int, const char *,
    struct mg_queue *, struct mg_err *);

#endif
