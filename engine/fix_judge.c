/*
 * fix_judge.c - the proof judges the change, not absolute answers: a
 * legitimate path counts only if the configuration accepted it before
 * the change (a sender the server never took, a name that is not one of
 * its domains, proves nothing), and a fix fails only when something
 * accepted before is refused after - for good (5xx) or for now (4xx) -
 * or when a hole is accepted after it.
 */
#include <stddef.h>

#include "fix_judge.h"

/* accepted - a 2xx answer to RCPT */
static int
accepted(int code)
{
	return (code >= 200 && code < 300);
}

/*
 * mg_judge - what a probe's answers before (MG_JUDGE_UNKNOWN: not
 * asked) and after the change show; hole: acceptance shows the hole
 */
enum mg_judgement
mg_judge(int hole, int before, int after)
{
	int known = before != MG_JUDGE_UNKNOWN;

	if (hole) {
		if (accepted(after))
			return (known && !accepted(before) ? MG_JUDGE_OPENED :
			    MG_JUDGE_OPEN);
		if (!known || accepted(before))
			return (MG_JUDGE_CLOSED);
		return (before >= 400 && before < 500 ? MG_JUDGE_CLOSED_TEMP :
		    MG_JUDGE_CLOSED_BEFORE);
	}
	if (accepted(after))
		return (known && !accepted(before) ? MG_JUDGE_NEW :
		    MG_JUDGE_KEPT);
	if (known && !accepted(before))
		return (MG_JUDGE_IGNORED);
	return (after >= 400 && after < 500 ? MG_JUDGE_TEMPFAILED :
	    MG_JUDGE_BROKEN);
}

/* mg_judge_fails - does this judgement refuse the fix? */
int
mg_judge_fails(enum mg_judgement j)
{
	return (j == MG_JUDGE_OPEN || j == MG_JUDGE_OPENED ||
	    j == MG_JUDGE_BROKEN || j == MG_JUDGE_TEMPFAILED);
}

/* mg_judge_words - the verdict as the proof line ends ("- WORDS") */
const char *
mg_judge_words(enum mg_judgement j)
{
	switch (j) {
	case MG_JUDGE_CLOSED:
		return ("closed");
	case MG_JUDGE_CLOSED_BEFORE:
		return ("closed, but refused before the change too: this "
		    "probe does not show the hole");
	case MG_JUDGE_CLOSED_TEMP:
		return ("closed (it was only tempfailed, 4xx: refused for "
		    "now, not shut)");
	case MG_JUDGE_OPEN:
		return ("STILL OPEN");
	case MG_JUDGE_OPENED:
		return ("OPENED: not accepted before the change, accepted "
		    "after it");
	case MG_JUDGE_KEPT:
		return ("still accepted");
	case MG_JUDGE_NEW:
		return ("accepted (refused before the change)");
	case MG_JUDGE_BROKEN:
		return ("BROKEN: a legitimate path is refused");
	case MG_JUDGE_TEMPFAILED:
		return ("BROKEN: a legitimate path is tempfailed (4xx): "
		    "refused for now");
	case MG_JUDGE_IGNORED:
		return ("refused before and after - not a path this server "
		    "offers (ignored)");
	}
	return ("?");
}

/* mg_judge_why - why a failing judgement refuses the fix; NULL if it
 * does not */
const char *
mg_judge_why(enum mg_judgement j)
{
	switch (j) {
	case MG_JUDGE_OPEN:
		return ("the fix does not close the hole");
	case MG_JUDGE_OPENED:
		return ("the change opens a hole that was closed");
	case MG_JUDGE_BROKEN:
		return ("the fix breaks a legitimate path");
	case MG_JUDGE_TEMPFAILED:
		return ("the fix makes a legitimate path fail temporarily "
		    "(4xx)");
	default:
		return (NULL);
	}
}
