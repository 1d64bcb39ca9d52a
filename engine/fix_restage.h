/* fix_restage.h - the staged configuration read back as a model and
 * checked before anything live is touched; the proof's probes derived
 * from what it trusts. */
#ifndef MG_FIX_RESTAGE_H
#define MG_FIX_RESTAGE_H

#include <stddef.h>

#include "../core/mg_err.h"
#include "../core/mg_model.h"
#include "../core/mg_report.h"
#include "../core/mg_str.h"
#include "session.h"

/* What the staged configuration says about the fixes being applied. */
struct mg_restage {
	/* The findings the fixes address, with the probes the proof asks:
	 * the live findings' probes, less the legitimate paths the staged
	 * value no longer trusts, plus its own trusted hosts (must relay),
	 * hosts the live value trusted and the staged one does not (must
	 * be refused) and the probes of what the stage still has open. */
	struct mg_report probes;
	struct mg_str why;	/* the hole stays, in words; empty: closed */
	struct mg_str log;	/* what was judged and derived */
};

int mg_fix_restage(const struct mg_session *, const struct mg_fix *const *,
    size_t, const struct mg_change *, struct mg_restage *, struct mg_err *);
int mg_fix_restage_judge(const struct mg_model *, const struct mg_report *,
    struct mg_model *, const struct mg_fix *const *, size_t,
    const int *, struct mg_restage *);
int mg_fix_restage_needs(struct mg_model *, const struct mg_report *,
    const char *);
int mg_fix_restage_blind(const struct mg_target *, const struct mg_fix *);
void mg_restage_free(struct mg_restage *);

#endif
