/* fix_judge.h - the proof's verdict on one probe: the MTA's answer before
 * the change against its answer after it. */
#ifndef MG_FIX_JUDGE_H
#define MG_FIX_JUDGE_H

#include "../core/mg_str.h"

/* What one probe shows about a change. */
enum mg_judgement {
	MG_JUDGE_CLOSED = 0,	/* a hole refused after the change */
	MG_JUDGE_CLOSED_BEFORE,	/* refused before too: not shown */
	MG_JUDGE_CLOSED_TEMP,	/* tempfailed (4xx) before: refused for
				 * now only, as a broken lookup does */
	MG_JUDGE_OPEN,		/* a hole still accepted: fails */
	MG_JUDGE_OPENED,	/* a hole refused before, accepted after:
				 * the change opens it; fails */
	MG_JUDGE_KEPT,		/* a path accepted before and after */
	MG_JUDGE_NEW,		/* a path refused before, accepted after */
	MG_JUDGE_BROKEN,	/* a path accepted before, refused after:
				 * fails */
	MG_JUDGE_TEMPFAILED,	/* accepted before, 4xx after: fails */
	MG_JUDGE_IGNORED	/* a path refused before and after: not a
				 * path this server offers */
};

/* No answer: the MTA could not be asked (judged on the answer after
 * alone, as a probe of a path that was open). */
#define MG_JUDGE_UNKNOWN (-1)

enum mg_judgement mg_judge(int, int, int);
int mg_judge_fails(enum mg_judgement);
const char *mg_judge_words(enum mg_judgement);
const char *mg_judge_why(enum mg_judgement);

#endif
