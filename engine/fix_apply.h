/* fix_apply.h - validate on a stage, prove, back up, install, reload,
 * verify; restore on any failure; journal everything. */
#ifndef MG_FIX_APPLY_H
#define MG_FIX_APPLY_H

#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "../core/mg_err.h"
#include "mg_journal.h"
#include "../core/mg_model.h"
#include "../core/mg_report.h"
#include "session.h"
#include "fix_stage.h"

/* How an apply ended. */
enum mg_apply_result {
	MG_APPLY_DONE = 0,	/* installed, reloaded, verified */
	MG_APPLY_REFUSED,	/* validation or proof failed: nothing
				 * touched */
	MG_APPLY_DECLINED,	/* the operator said no */
	MG_APPLY_RESTORED,	/* failed after install: old files back */
	MG_APPLY_BROKEN		/* failed, and the restore failed too */
};

struct mg_apply_opts {
	FILE *out;		/* progress and results */
	/* The operator already agreed (--yes, or the caller asked
	 * before): confirm is not called. */
	int yes;
	/* Install even over a file changed since it was staged (--force):
	 * that change is lost.  Otherwise such a file refuses the apply,
	 * its difference shown. */
	int force;
	/* Asked once, after the proof and before the first live change,
	 * unless yes: non-zero goes ahead, 0 declines (nothing changed).
	 * NULL and not yes: declined - a change is never made unasked. */
	int (*confirm)(const char *question);
	/* Asked between the steps before the first live change (after
	 * validation, after the proof): non-zero stops there, nothing
	 * changed.  Never asked once the live files are touched.  NULL:
	 * cannot be cancelled. */
	int (*cancelled)(void);
	/* Out, if not NULL: on MG_APPLY_DONE, how it ended in words
	 * ("applied, reloaded and verified", or what stood for the
	 * reload: none needed, the server not running), donesz bytes at
	 * most. */
	char *done;
	size_t donesz;
};

enum mg_apply_result mg_fix_apply(struct mg_session *,
    const struct mg_fix *const *, size_t, const struct mg_stage *, const char *,
    const struct mg_apply_opts *, struct mg_err *);
int mg_fix_rebuild(const struct mg_target *, const char *, struct mg_str *);
int mg_fix_incomplete(struct mg_journal *, FILE *);
const char *mg_fix_done_words(const char *);
long mg_rebuild_wait_ms(time_t, const struct timespec *);

#endif
