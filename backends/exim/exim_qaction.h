/* exim_qaction.h - the Exim queue actions (exim -Mf/-Mt/-Mrm) behind the
 * seam. */
#ifndef MG_EXIM_QACTION_H
#define MG_EXIM_QACTION_H

#include "../../core/mg_model.h"
#include "../queue_act.h"

int mg_exim_purge(struct mg_target *, struct mg_qrun *, struct mg_err *);
int mg_exim_purge_finish(struct mg_target *, struct mg_qrun *,
    struct mg_err *);
int mg_exim_queue_act(struct mg_target *, struct mg_qrun *, enum mg_qaction,
    char *const *, size_t, const char *, struct mg_err *);
int mg_exim_restore(struct mg_target *, struct mg_qrestore *,
    struct mg_err *);
/* What exim -Mrm said of an ID (mg_exim_rm_parse). */
#define MG_EXRM_REMOVED 1
#define MG_EXRM_LOCKED 2

size_t mg_exim_act_parse(const char *, int, struct mg_str *);
void mg_exim_rm_parse(const char *, const char *const *, size_t,
    unsigned char *, struct mg_str *);
/* The purge's record of its exim -Mrm calls in the quarantine, and what
 * it says of an ID (mg_exim_purge_log). */
#define MG_EXIM_PURGE_LOG "purge.log"
#define MG_EXLOG_NONE 0		/* never given to exim -Mrm */
#define MG_EXLOG_PENDING 1	/* given to one a kill cut short */
#define MG_EXLOG_REMOVED 2	/* removed by it */
#define MG_EXLOG_KEPT 3		/* given to it, not removed */
/* "resume": a finishing run starts; a chunk left open before stays so */

void mg_exim_purge_log(const char *, size_t, const char *const *, size_t,
    unsigned char *);
int mg_exim_quarantine_msg(struct mg_target *, int, const char *,
    struct mg_queue *, struct mg_err *);

#endif
