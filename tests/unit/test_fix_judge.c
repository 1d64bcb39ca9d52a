/* test_fix_judge.c - the proof's verdict on a probe's answers before and
 * after a change, on answers real Exim and Postfix gave in the lab. */
#include <string.h>

#include "../../engine/fix_judge.h"
#include "mg_test.h"

struct jcase {
	const char *name;	/* where the answers were captured */
	int hole;
	int before, after;
	enum mg_judgement want;
	int fails;
	const char *words;	/* what the proof line must say */
};

static const struct jcase cases[] = {
	/* incident1-plain, exim -bh 107.172.77.101 RCPT
	 * postmaster@localhost: 250 Accepted, then the fix's 550 */
	{ "exim hole closed", 1, 250, 550, MG_JUDGE_CLOSED, 0, "closed" },
	/* the sabotage hook: the stage is the live file */
	{ "exim hole still open", 1, 250, 250, MG_JUDGE_OPEN, 1,
	    "STILL OPEN" },
	/* incident1-plain, 127.0.0.1 MAIL FROM:<cron@localhost>: 550
	 * Sender verify failed before and after (no account cron) */
	{ "exim sender verify both", 0, 550, 550, MG_JUDGE_IGNORED, 0,
	    "refused before and after - not a path this server offers "
	    "(ignored)" },
	/* a relay not permitted for postmaster@ a name that is not a
	 * local domain, before and after */
	{ "exim not a local domain", 0, 550, 550, MG_JUDGE_IGNORED, 0,
	    "(ignored)" },
	{ "postmaster kept", 0, 250, 250, MG_JUDGE_KEPT, 0,
	    "still accepted" },
	/* a fix that refuses loopback: 250 2.1.5 Ok, then 554 5.7.1
	 * Relay access denied */
	{ "postfix loopback broken", 0, 250, 554, MG_JUDGE_BROKEN, 1,
	    "BROKEN: a legitimate path is refused" },
	/* mask-typo's 451 4.3.0 Temporary lookup failure after */
	{ "tempfail after", 0, 250, 451, MG_JUDGE_TEMPFAILED, 1,
	    "BROKEN: a legitimate path is tempfailed (4xx)" },
	/* reject_unverified_sender's 450 4.1.7 before and after */
	{ "tempfail both", 0, 450, 450, MG_JUDGE_IGNORED, 0, "(ignored)" },
	{ "refused before, tempfail after", 0, 550, 451, MG_JUDGE_IGNORED,
	    0, "(ignored)" },
	{ "hole refused before", 1, 554, 554, MG_JUDGE_CLOSED_BEFORE, 0,
	    "does not show the hole" },
	/* mask-typo: 451 4.3.0 Temporary lookup failure before, the
	 * narrowed mynetworks' 454 4.7.1 Relay access denied after */
	{ "mask typo narrowed", 1, 451, 454, MG_JUDGE_CLOSED_TEMP, 0,
	    "closed (it was only tempfailed, 4xx" },
	{ "hole opened", 1, 554, 250, MG_JUDGE_OPENED, 1, "OPENED" },
	/* mask-typo edited to 210.0.0.0/8: 451 before, 250 after */
	{ "mask typo widened", 1, 451, 250, MG_JUDGE_OPENED, 1,
	    "OPENED: not accepted before the change" },
	{ "hole tempfailed after", 1, 250, 451, MG_JUDGE_CLOSED, 0,
	    "closed" },
	{ "path opened", 0, 550, 250, MG_JUDGE_NEW, 0,
	    "refused before the change" },
	/* before not known: the answer after alone */
	{ "unknown, accepted", 0, MG_JUDGE_UNKNOWN, 250, MG_JUDGE_KEPT, 0,
	    "still accepted" },
	{ "unknown, refused", 0, MG_JUDGE_UNKNOWN, 550, MG_JUDGE_BROKEN, 1,
	    "BROKEN" },
	{ "unknown, hole open", 1, MG_JUDGE_UNKNOWN, 250, MG_JUDGE_OPEN, 1,
	    "STILL OPEN" },
	{ "unknown, hole closed", 1, MG_JUDGE_UNKNOWN, 550, MG_JUDGE_CLOSED,
	    0, "closed" },
	/* exim -bh's 503 after a refused MAIL is a refusal */
	{ "mail refused after", 0, 250, 503, MG_JUDGE_BROKEN, 1, "BROKEN" },
};

/* test_judge_table - each case's judgement, failure and words */
static void
test_judge_table(void **state)
{
	enum mg_judgement j;
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		j = mg_judge(cases[i].hole, cases[i].before, cases[i].after);
		if (j != cases[i].want || mg_judge_fails(j) != cases[i].fails ||
		    strstr(mg_judge_words(j), cases[i].words) == NULL)
			fail_msg("%s: judged %d (%s), want %d", cases[i].name,
			    (int)j, mg_judge_words(j), (int)cases[i].want);
		if ((mg_judge_why(j) != NULL) != cases[i].fails)
			fail_msg("%s: why is %s", cases[i].name,
			    mg_judge_why(j) != NULL ? mg_judge_why(j) : "NULL");
	}
}

/* test_ignored_never_fails - a legitimate path refused before is never
 * what refuses a fix, whatever it answers after */
static void
test_ignored_never_fails(void **state)
{
	static const int refused[] = { 421, 450, 451, 452, 503, 550, 553,
		554 };
	size_t i, k;

	(void)state;
	for (i = 0; i < MG_NELEM(refused); i++)
		for (k = 0; k < MG_NELEM(refused); k++)
			assert_false(mg_judge_fails(mg_judge(0, refused[i],
			    refused[k])));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_judge_table),
		cmocka_unit_test(test_ignored_never_fails),
	};

	return (cmocka_run_group_tests_name("fix_judge", tests, NULL, NULL));
}
