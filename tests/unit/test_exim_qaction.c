/*
 * test_exim_qaction.c - what the Exim purge reads of exim -Mrm's output,
 * on output captured from Exim 4.96 in the lab
 * (tests/unit/data/exim_mrm): one message removed, one whose -D lock a
 * delivery held, one that was gone already; and what a restore reads of
 * the purge's own log of its exim -Mrm calls; what a hold or release
 * reads of exim -Mf and -Mt when they exit 1 (mf-*, mt-*: Exim 4.96 in
 * the lab, the IDs made one batch's).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "../../backends/exim/exim_qaction.h"
#include "../../core/mg_file.h"
#include "../../core/mg_str.h"

#define DATA "tests/unit/data/exim_mrm/"

/* test_removed_locked_missing - only "has been removed" counts as
 * removed; "is locked" is told apart; the gone one is neither; every
 * line but the removed one is kept for the log */
static void
test_removed_locked_missing(void **state)
{
	const char *ids[] = { "1xaaaa-000000-00", "1xabFU-0005w2-02",
	    "1xabFU-0005w8-08", "1xabFU-0005wQ-0B" };
	unsigned char st[4];
	struct mg_str out = MG_STR_INIT, rest = MG_STR_INIT;
	struct mg_err err;

	(void)state;
	assert_int_equal(mg_file_read(DATA "mrm-removed-locked-missing.out",
	    1 << 20, &out, NULL, &err), 0);
	mg_exim_rm_parse(mg_str_cstr(&out), ids, 4, st, &rest);
	assert_int_equal(st[0], 0);		/* did not exist */
	assert_int_equal(st[1], MG_EXRM_REMOVED);
	assert_int_equal(st[2], MG_EXRM_LOCKED);
	assert_int_equal(st[3], 0);		/* not in the output */
	assert_null(strstr(rest.data, "0005w2-02"));
	assert_non_null(strstr(rest.data, "Message 1xabFU-0005w8-08 is "
	    "locked\n"));
	assert_non_null(strstr(rest.data, "1xaaaa-000000-00 has been "
	    "removed or did not exist\n"));
	mg_str_free(&out);
	mg_str_free(&rest);
}

/* test_not_ours_or_forged - a line about an ID not in the batch, a
 * longer line that starts like "has been removed", a truncated one and
 * an empty batch change nothing */
static void
test_not_ours_or_forged(void **state)
{
	const char *ids[] = { "1xabFU-0005w2-02" };
	unsigned char st[1];
	struct mg_str rest = MG_STR_INIT;

	(void)state;
	mg_exim_rm_parse("Message 1xabFU-0005w9-09 has been removed\n"
	    "Message 1xabFU-0005w2-02 has been removed or did not exist\n"
	    "Message 1xabFU-0005w2-02 has been remove\n"
	    "Message 1xabFU-0005w2-02\nMessage \n", ids, 1, st, &rest);
	assert_int_equal(st[0], 0);
	mg_str_free(&rest);
	mg_exim_rm_parse("Message 1xabFU-0005w2-02 has been removed\n", ids,
	    0, st, NULL);
	mg_exim_rm_parse("Message 1xabFU-0005w2-02 has been removed", ids, 1,
	    st, NULL);
	assert_int_equal(st[0], MG_EXRM_REMOVED);	/* no final newline */
}

/* One purge log and what it must say of five IDs. */
struct plog_case {
	const char *name;
	const char *log;
	unsigned char want[5];
};

/*
 * test_purge_log_states - what a restore believes after a kill: a chunk
 * with its "end" keeps what it did not remove, one cut short (no "end")
 * leaves its IDs pending, a torn last line counts for nothing, a
 * removal is never undone by a later "rm" (finishing the purge), a
 * "resume" leaves the cut chunk pending, lines of other IDs or garbage
 * change nothing
 */
static void
test_purge_log_states(void **state)
{
	static const char *const ids[] = { "1xabFU-0005w2-02",
	    "1xabFU-0005w8-08", "1xabFU-0005w9-09", "1xabFU-0005wQ-0B",
	    "1xabFU-0005wZ-0Z" };
	static const struct plog_case cases[] = {
		{ "empty: killed before any exim -Mrm", "", { 0, 0, 0, 0,
		    0 } },
		{ "committed chunk: removed, kept, never given",
		    "rm 1xabFU-0005w2-02\nrm 1xabFU-0005w8-08\n"
		    "removed 1xabFU-0005w2-02\nend\n", { MG_EXLOG_REMOVED,
		    MG_EXLOG_KEPT, 0, 0, 0 } },
		{ "killed during the second exim -Mrm",
		    "rm 1xabFU-0005w2-02\nremoved 1xabFU-0005w2-02\nend\n"
		    "rm 1xabFU-0005w9-09\nrm 1xabFU-0005wQ-0B\n",
		    { MG_EXLOG_REMOVED, 0, MG_EXLOG_PENDING,
		    MG_EXLOG_PENDING, 0 } },
		{ "torn last line: its rm never synced, -Mrm never ran",
		    "rm 1xabFU-0005w9-09\nrm 1xabFU-0005wQ-0", { 0, 0,
		    MG_EXLOG_PENDING, 0, 0 } },
		{ "killed before the end line: removed stays removed",
		    "rm 1xabFU-0005w2-02\nrm 1xabFU-0005w8-08\n"
		    "removed 1xabFU-0005w2-02\n", { MG_EXLOG_REMOVED,
		    MG_EXLOG_PENDING, 0, 0, 0 } },
		{ "finished later: a second rm does not undo a removal",
		    "rm 1xabFU-0005w2-02\nremoved 1xabFU-0005w2-02\nend\n"
		    "rm 1xabFU-0005w2-02\nrm 1xabFU-0005wZ-0Z\n"
		    "removed 1xabFU-0005wZ-0Z\nend\n", { MG_EXLOG_REMOVED,
		    0, 0, 0, MG_EXLOG_REMOVED } },
		{ "resumed: the chunk the kill cut short stays pending",
		    "rm 1xabFU-0005w2-02\nrm 1xabFU-0005w8-08\nresume\n"
		    "rm 1xabFU-0005w8-08\nrm 1xabFU-0005w9-09\n"
		    "removed 1xabFU-0005w9-09\nend\n", { MG_EXLOG_PENDING,
		    MG_EXLOG_KEPT, MG_EXLOG_REMOVED, 0, 0 } },
		{ "other IDs, garbage, long lines",
		    "rm 1xaaaa-000000-00\nremoved 1xaaaa-000000-00\n"
		    "removed\nrm \nrm\nendx\nremoved 1xabFU-0005w2-02x\n"
		    "rm 1xabFU-0005w8-08 \nrm "
		    "1xabFU-0005w8-08-0123456789012345678901234567890123456"
		    "789012345678901234567890\n", { 0, 0, 0, 0, 0 } },
	};
	unsigned char st[5];
	size_t i, k;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mg_exim_purge_log(cases[i].log, strlen(cases[i].log),
		    (const char *const *)ids, 5, st);
		for (k = 0; k < 5; k++) {
			if (st[k] != cases[i].want[k])
				(void)printf("case \"%s\": %s is %d, want "
				    "%d\n", cases[i].name, ids[k], st[k],
				    cases[i].want[k]);
			assert_int_equal(st[k], cases[i].want[k]);
		}
	}
	mg_exim_purge_log("rm 1xabFU-0005w2-02\n", 20, ids, 0, st);
}

/* slurp - a captured file */
static void
slurp(const char *name, struct mg_str *s)
{
	struct mg_err err;

	mg_str_init(s);
	if (mg_file_read(name, 65536, s, NULL, &err) < 0)
		fail_msg("%s", err.msg);
}

/*
 * test_act_answers - exim -Mf/-Mt exit 1 when one ID of the call was
 * frozen (thawed) already or gone from the spool: those lines are the
 * batch done, the gone IDs listed; anything else (a -Mt answer to -Mf,
 * a spool read error, a lock) is not
 */
static void
test_act_answers(void **state)
{
	struct mg_str out, gone = MG_STR_INIT;

	(void)state;
	slurp(DATA "mf-frozen-missing.out", &out);
	assert_int_equal(mg_exim_act_parse(mg_str_cstr(&out), 1, &gone), 0);
	assert_string_equal(mg_str_cstr(&gone), "1xajnq-0006jo-1R\n");
	/* -Mf's answers are not -Mt's */
	assert_int_equal(mg_exim_act_parse(mg_str_cstr(&out), 0, NULL), 2);
	mg_str_free(&out);
	slurp(DATA "mt-thawed-missing.out", &out);
	assert_int_equal(mg_exim_act_parse(mg_str_cstr(&out), 0, NULL), 0);
	assert_int_equal(mg_exim_act_parse(mg_str_cstr(&out), 1, NULL), 2);
	mg_str_free(&out);
	assert_int_equal(mg_exim_act_parse("Spool read error for "
	    "1xajnq-0006jo-1R: No such file or directory\n", 1, NULL), 1);
	assert_int_equal(mg_exim_act_parse("Message 1xajnq-0006jo-1P is "
	    "locked\n", 1, NULL), 1);
	assert_int_equal(mg_exim_act_parse("Spool data file for  does not "
	    "exist\n", 1, NULL), 1);
	assert_int_equal(mg_exim_act_parse("Message  is now frozen\n", 1,
	    NULL), 1);
	assert_int_equal(mg_exim_act_parse("Message 1xajnq-0006jo-1P is now "
	    "frozen; really\n", 1, NULL), 1);
	assert_int_equal(mg_exim_act_parse("", 1, NULL), 0);
	mg_str_free(&gone);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_removed_locked_missing),
		cmocka_unit_test(test_not_ours_or_forged),
		cmocka_unit_test(test_purge_log_states),
		cmocka_unit_test(test_act_answers),
	};

	return (cmocka_run_group_tests_name("exim_qaction", tests, NULL,
	    NULL));
}
