/*
 * test_lab_interrupted.c - the journal after interruptions, on real
 * Postfix: a rollback of a fix killed (SIGKILL, test hook
 * MAILGUARD_TEST_KILL_AT) after its files are restored is "rolling-back",
 * not "done"; a purge killed after its hold is "applying" with the mail
 * on hold; a rollback of a purge killed midway is "rolling-back".  Each
 * is listed as interrupted by journal and report, and rollback finishes
 * it: main.cf's SHA-256 and the held and queued counts postqueue gives
 * are as before.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../core/mg_hash.h"
#include "../../core/mg_str.h"
#include "lab_util.h"

#define PFLAB "tests/lab/postfix/lab.sh"
#define ROOT_N 12		/* root's mail (fill-incident3) */
#define ALL_N (ROOT_N + 20)	/* and 20 others (lab.sh) */

/* mg_pf - mailguard-tui on etc with state st (env: a test hook or NULL)
 * and args; exit code (-1 if killed), stdout in out, stderr in err */
static int
mg_pf(const char *env, const char *etc, const char *st,
    const char *const *args, struct mg_str *out, struct mg_str *err)
{
	const char *argv[24];
	struct mg_exec_res res;
	size_t n = 0;
	int rc;

	if (env != NULL) {
		argv[n++] = "env";
		argv[n++] = env;
	}
	argv[n++] = "./mailguard-tui";
	argv[n++] = "--postfix";
	argv[n++] = etc;
	argv[n++] = "--state";
	argv[n++] = st;
	while (*args != NULL && n < 23)
		argv[n++] = *args++;
	argv[n] = NULL;
	rc = lab_run(&res, argv);
	if (rc < 0)
		assert_int_equal(res.signo, 9);
	mg_str_init(out);
	mg_str_append(out, res.out.data, res.out.len);
	mg_str_init(err);
	mg_str_append(err, res.err.data, res.err.len);
	mg_exec_res_free(&res);
	return (rc);
}

/* entry_state - journal entry id's state, from journal --json */
static void
entry_state(const char *etc, const char *st, int id, struct mg_str *state)
{
	const char *args[] = { "journal", "--json", NULL };
	struct mg_str out, err;
	char filter[128];

	assert_int_equal(mg_pf(NULL, etc, st, args, &out, &err), 0);
	(void)snprintf(filter, sizeof(filter), ".entries[] | select(.id == "
	    "%d) | .state", id);
	mg_str_init(state);
	assert_int_equal(lab_jq_str(mg_str_cstr(&out), filter, state), 0);
	mg_str_free(&out);
	mg_str_free(&err);
}

/* told - journal and report both say, on stderr, that entry id was
 * interrupted, with words, and how to finish it */
static void
told(const char *etc, const char *st, int id, const char *words)
{
	const char *journal[] = { "journal", NULL };
	const char *report[] = { "report", NULL };
	struct mg_str out, err;
	char want[128], gone[4200];

	(void)snprintf(want, sizeof(want), "journal entry %d (", id);
	(void)mg_pf(NULL, etc, st, journal, &out, &err);
	(void)printf("    journal: %s", mg_str_cstr(&err));
	assert_non_null(strstr(mg_str_cstr(&err), want));
	assert_non_null(strstr(mg_str_cstr(&err), words));
	assert_non_null(strstr(mg_str_cstr(&err), "mailguard-tui rollback "));
	mg_str_free(&out);
	mg_str_free(&err);
	(void)mg_pf(NULL, etc, st, report, &out, &err);
	assert_non_null(strstr(mg_str_cstr(&err), want));
	assert_non_null(strstr(mg_str_cstr(&err), words));
	mg_str_free(&out);
	mg_str_free(&err);
	/* also when the configuration cannot be read (exit 3) */
	(void)snprintf(gone, sizeof(gone), "%s/no-such-config", etc);
	assert_int_equal(mg_pf(NULL, gone, st, report, &out, &err), 3);
	assert_non_null(strstr(mg_str_cstr(&err), want));
	assert_non_null(strstr(mg_str_cstr(&err), words));
	mg_str_free(&out);
	mg_str_free(&err);
}

/* not_told - journal says nothing is unfinished */
static void
not_told(const char *etc, const char *st)
{
	const char *journal[] = { "journal", NULL };
	struct mg_str out, err;

	(void)mg_pf(NULL, etc, st, journal, &out, &err);
	assert_null(strstr(mg_str_cstr(&err), "interrupted"));
	mg_str_free(&out);
	mg_str_free(&err);
}

/* sha - the SHA-256 of path */
static void
sha(const char *path, char *hex)
{
	struct mg_err err;

	if (mg_file_sha256(path, hex, NULL, &err) < 0)
		fail_msg("%s", err.msg);
}

/*
 * test_fix_rollback_killed - fix, then its rollback killed after the
 * files are back: "rolling-back", told; rollback again finishes it
 * ("rolled-back", main.cf's original bytes, postconf reads the old value)
 */
static void
test_fix_rollback_killed(void **state)
{
	const char *dir = lab_dir(PFLAB, "wide-net");
	const char *setup[] = { "setup", "wide-net", dir, NULL };
	const char *fix[] = { "fix", "postfix.smtpd.hygiene", "--yes", NULL };
	const char *back[] = { "rollback", "1", "--yes", NULL };
	char etc[4096], st[4200], maincf[4200];
	char orig[MG_SHA256_HEX], fixed[MG_SHA256_HEX], now[MG_SHA256_HEX];
	const char *helo[] = { "postconf", "-c", etc, "-h",
	    "smtpd_helo_required", NULL };
	struct mg_str out, err, s;

	(void)state;
	assert_int_equal(lab_script(PFLAB, setup), 0);
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	(void)snprintf(maincf, sizeof(maincf), "%s/main.cf", etc);
	sha(maincf, orig);
	assert_int_equal(mg_pf(NULL, etc, st, fix, &out, &err), 0);
	mg_str_free(&out);
	mg_str_free(&err);
	sha(maincf, fixed);
	assert_string_not_equal(orig, fixed);

	assert_int_equal(mg_pf("MAILGUARD_TEST_KILL_AT=rollback-restored",
	    etc, st, back, &out, &err), -1);
	mg_str_free(&out);
	mg_str_free(&err);
	entry_state(etc, st, 1, &s);
	assert_string_equal(mg_str_cstr(&s), "rolling-back");
	mg_str_free(&s);
	told(etc, st, 1, "its rollback was interrupted");

	assert_int_equal(mg_pf(NULL, etc, st, back, &out, &err), 0);
	mg_str_free(&out);
	mg_str_free(&err);
	entry_state(etc, st, 1, &s);
	assert_string_equal(mg_str_cstr(&s), "rolled-back");
	mg_str_free(&s);
	sha(maincf, now);
	assert_string_equal(now, orig);
	assert_int_equal(lab_capture(helo, &s), 0);
	assert_string_equal(mg_str_cstr(&s), "no\n");
	mg_str_free(&s);
	not_told(etc, st);
}

/* counts - messages postqueue -j lists, and of them on hold */
static void
counts(const char *etc, size_t *all, size_t *held)
{
	const char *pq[] = { "postqueue", "-c", etc, "-j", NULL };
	struct mg_str out;
	const char *p;

	assert_int_equal(lab_capture(pq, &out), 0);
	*all = *held = 0;
	for (p = mg_str_cstr(&out); (p = strstr(p, "\"queue_id\"")) != NULL;
	    p++)
		(*all)++;
	for (p = mg_str_cstr(&out); (p = strstr(p, "\"queue_name\": "
	    "\"hold\"")) != NULL; p++)
		(*held)++;
	mg_str_free(&out);
}

/*
 * test_purge_killed - a purge killed after its hold: "applying", root's
 * mail on hold, told; rollback puts it back (nothing held, all queued).
 * Then a rollback of a whole purge killed midway: "rolling-back", told;
 * run again, all queued.
 */
static void
test_purge_killed(void **state)
{
	const char *dir = lab_dir(PFLAB, "sasl-root");
	const char *setup[] = { "setup", "sasl-root", dir, NULL };
	const char *start[] = { "start", dir, NULL };
	const char *fill[] = { "fill-incident3", dir, "12", NULL };
	const char *flush[] = { "flush-wait", dir, NULL };
	const char *purge[] = { "purge", "--sasl", "root", "--yes", NULL };
	const char *back1[] = { "rollback", "1", "--yes", NULL };
	const char *back2[] = { "rollback", "2", "--yes", NULL };
	char etc[4096], st[4200];
	struct mg_str out, err, s;
	size_t all, held;

	(void)state;
	assert_int_equal(lab_script(PFLAB, setup), 0);
	assert_int_equal(lab_script(PFLAB, start), 0);
	assert_int_equal(lab_script(PFLAB, fill), 0);
	assert_int_equal(lab_script(PFLAB, flush), 0);
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	counts(etc, &all, &held);
	(void)printf("    before: %zu queued, %zu held\n", all, held);
	assert_int_equal(all, ALL_N);
	assert_int_equal(held, 0);

	assert_int_equal(mg_pf("MAILGUARD_TEST_KILL_AT=purge-held", etc, st,
	    purge, &out, &err), -1);
	mg_str_free(&out);
	mg_str_free(&err);
	counts(etc, &all, &held);
	(void)printf("    purge killed after the hold: %zu queued, %zu "
	    "held\n", all, held);
	assert_int_equal(all, ALL_N);
	assert_int_equal(held, ROOT_N);
	entry_state(etc, st, 1, &s);
	assert_string_equal(mg_str_cstr(&s), "applying");
	mg_str_free(&s);
	told(etc, st, 1, "may be left on hold");
	assert_int_equal(mg_pf(NULL, etc, st, back1, &out, &err), 0);
	mg_str_free(&out);
	mg_str_free(&err);
	counts(etc, &all, &held);
	assert_int_equal(all, ALL_N);
	assert_int_equal(held, 0);
	entry_state(etc, st, 1, &s);
	assert_non_null(strstr(mg_str_cstr(&s), "restored ("));
	mg_str_free(&s);
	not_told(etc, st);

	/* a whole purge, then its rollback killed after placing the mail */
	assert_int_equal(mg_pf(NULL, etc, st, purge, &out, &err), 0);
	mg_str_free(&out);
	mg_str_free(&err);
	counts(etc, &all, &held);
	assert_int_equal(all, ALL_N - ROOT_N);
	assert_int_equal(mg_pf("MAILGUARD_TEST_KILL_AT=restore-placed", etc,
	    st, back2, &out, &err), -1);
	mg_str_free(&out);
	mg_str_free(&err);
	entry_state(etc, st, 2, &s);
	assert_string_equal(mg_str_cstr(&s), "rolling-back");
	mg_str_free(&s);
	told(etc, st, 2, "putting its mail back was interrupted");
	assert_int_equal(mg_pf(NULL, etc, st, back2, &out, &err), 0);
	mg_str_free(&out);
	mg_str_free(&err);
	counts(etc, &all, &held);
	(void)printf("    after finishing the rollback: %zu queued, %zu "
	    "held\n", all, held);
	assert_int_equal(all, ALL_N);
	assert_int_equal(held, 0);
	not_told(etc, st);
}

/* setup - a temp root */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-intr");
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fix_rollback_killed),
		cmocka_unit_test(test_purge_killed),
	};

	return (cmocka_run_group_tests(tests, setup, lab_teardown));
}
