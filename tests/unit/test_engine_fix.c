/*
 * test_engine_fix.c - the fix engine driven through the backend seam with
 * a fake MTA (fake_mta.h): apply writes the file, a refused validation or
 * a failed live check leaves or puts back the original byte for byte,
 * the reload is asked exactly as often as it should be, and a rollback
 * restores and rebuilds.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../core/mg_exec.h"
#include "../../engine/fix_apply.h"
#include "../../engine/fix_rollback.h"
#include "../../engine/mg_journal.h"
#include "fake_mta.h"
#include "mg_test.h"

#define ORIGINAL "# fake MTA\nrelay = open\nbanner = hello\n"
#define FIXED "# fake MTA\nrelay = closed\nbanner = hello\n"

static char root[64], state[128], rebuilt[128];
static struct mg_session sess;
static struct mg_edit edit;
static struct mg_cmd post;
static struct mg_fix fix;
static char *post_argv[3];

/* put - a file's text */
static void
put(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
}

/* get - a file's text (caller frees) */
static char *
get(const char *path)
{
	struct mg_str s = MG_STR_INIT;
	struct mg_err err;

	assert_int_equal(mg_file_read(path, MG_FILE_MAX, &s, NULL, &err), 0);
	return (mg_str_steal(&s));
}

/* setup - a fake MTA in a temp directory, loaded through the seam; the
 * fix turns "relay = open" into "relay = closed" and rebuilds (touch) */
static int
setup(void **state_)
{
	(void)state_;
	(void)snprintf(root, sizeof(root), "/tmp/mg-engine-fix.XXXXXX");
	assert_non_null(mkdtemp(root));
	memset(&fake, 0, sizeof(fake));
	(void)snprintf(fake.dir, sizeof(fake.dir), "%s/etc", root);
	(void)snprintf(fake.conf, sizeof(fake.conf), "%s/fake.cf", fake.dir);
	(void)snprintf(state, sizeof(state), "%s/state", root);
	(void)snprintf(rebuilt, sizeof(rebuilt), "%s/etc/rebuilt", root);
	assert_int_equal(mkdir(fake.dir, 0700), 0);
	assert_int_equal(mkdir(state, 0700), 0);
	put(fake.conf, ORIGINAL);
	mg_session_init(&sess);
	sess.opts.backend = &fake_backend;
	sess.opts.state_dir = state;
	sess.no_host = 1;
	assert_int_equal(mg_session_load(&sess), 0);
	assert_string_equal(mg_model_value(&sess.model, "relay"), "open");
	memset(&edit, 0, sizeof(edit));
	edit.kind = MG_EDIT_REPLACE;
	edit.file = fake.conf;
	edit.line = 2;
	edit.old_text = (char *)"relay = open";
	edit.new_text = (char *)"relay = closed";
	post_argv[0] = (char *)"touch";
	post_argv[1] = rebuilt;
	post_argv[2] = NULL;
	post.argv = post_argv;
	post.argc = 2;
	memset(&fix, 0, sizeof(fix));
	fix.id = (char *)"fake.relay.open";
	fix.title = (char *)"close the relay";
	fix.edits = &edit;
	fix.nedits = 1;
	fix.post = &post;
	fix.npost = 1;
	fake.detected = fake.loaded = 0;
	return (0);
}

/* teardown - the session and the temp directory gone */
static int
teardown(void **state_)
{
	const char *rm[] = { "rm", "-rf", "--", root, NULL };
	struct mg_err err;

	(void)state_;
	mg_session_free(&sess);
	(void)unsetenv("MAILGUARD_TEST_FAIL_LIVE");
	assert_int_equal(mg_exec_tool(rm, NULL, 0, 10000, NULL, &err), 0);
	return (0);
}

/* What the confirm callback answers, and how often it was asked. */
static int answer, asked;

/* confirm - the operator's y/N, counted */
static int
confirm(const char *question)
{
	(void)question;
	asked++;
	return (answer);
}

/* apply_asking - the fix through mg_fix_apply, yes or asking through
 * ask (NULL: no callback), its output into out (caller frees) */
static enum mg_apply_result
apply_asking(int yes, int (*ask)(const char *), char **out,
    struct mg_err *err)
{
	const struct mg_fix *fixes[1] = { &fix };
	struct mg_apply_opts o;
	struct mg_stage st;
	enum mg_apply_result res;
	size_t len = 0;
	FILE *f;

	memset(&st, 0, sizeof(st));
	assert_int_equal(mg_stage_fixes(fixes, 1, &st, err), 0);
	f = open_memstream(out, &len);
	assert_non_null(f);
	memset(&o, 0, sizeof(o));
	o.out = f;
	o.yes = yes;
	o.confirm = ask;
	res = mg_fix_apply(&sess, fixes, 1, &st, "the diff", &o, err);
	assert_int_equal(fclose(f), 0);
	mg_stage_free(&st);
	return (res);
}

/* apply - the fix through mg_fix_apply with --yes */
static enum mg_apply_result
apply(char **out, struct mg_err *err)
{
	return (apply_asking(1, NULL, out, err));
}

/* entry - the journal's one entry (caller frees with mg_jentries_free) */
static struct mg_jentry *
entry(struct mg_journal *j)
{
	struct mg_jentry *v;
	struct mg_err err;
	size_t n;

	assert_int_equal(mg_journal_open(j, state, 0, &err), 0);
	assert_int_equal(mg_journal_entries(j, 0, 0, &v, &n, &err), 0);
	assert_int_equal(n, 1);
	return (v);
}

/* test_apply_writes - validated on the stage, installed, rebuilt,
 * reloaded once, verified by a second load through the seam */
static void
test_apply_writes(void **state_)
{
	struct mg_journal j;
	struct mg_jentry *v;
	struct mg_err err;
	char *out = NULL, *text;

	(void)state_;
	assert_int_equal(apply(&out, &err), MG_APPLY_DONE);
	text = get(fake.conf);
	assert_string_equal(text, FIXED);
	free(text);
	assert_string_equal(fake.staged, FIXED);
	assert_int_equal(fake.validated, 1);
	assert_int_equal(fake.reloaded, 1);
	/* the stage read back, and the live configuration after */
	assert_int_equal(fake.loaded, 2);
	assert_int_equal(fake.detected, 1);
	assert_int_equal(access(rebuilt, F_OK), 0);
	assert_non_null(strstr(out, "fake check "));
	assert_non_null(strstr(out, "  installed "));
	assert_non_null(strstr(out, "  fake reload 1\n"));
	assert_non_null(strstr(out, "verified on the live configuration: 1 "
	    "fix no longer proposed"));
	free(out);
	v = entry(&j);
	assert_string_equal(v->state, "done");
	assert_string_equal(v->step, "verified");
	assert_non_null(strstr(v->rebuild, "touch"));
	mg_jentries_free(v, 1);
	mg_journal_close(&j);
}

/* test_validate_refused - the backend refuses the stage: nothing
 * journaled, not a byte changed, no reload, no post-command */
static void
test_validate_refused(void **state_)
{
	struct mg_journal j;
	struct mg_jentry *v;
	struct mg_err err;
	char *out = NULL, *text;
	size_t n;

	(void)state_;
	fake.refuse = 1;
	assert_int_equal(apply(&out, &err), MG_APPLY_REFUSED);
	assert_non_null(strstr(err.msg, "fake check refuses"));
	assert_non_null(strstr(out, "refused: validation failed"));
	free(out);
	text = get(fake.conf);
	assert_string_equal(text, ORIGINAL);
	free(text);
	assert_int_equal(fake.validated, 1);
	assert_int_equal(fake.reloaded, 0);
	assert_int_equal(fake.loaded, 0);
	assert_int_equal(access(rebuilt, F_OK), -1);
	assert_int_equal(mg_journal_open(&j, state, 0, &err), 0);
	assert_int_equal(mg_journal_entries(&j, 0, 0, &v, &n, &err), 0);
	assert_int_equal(n, 0);
	mg_jentries_free(v, n);
	mg_journal_close(&j);
}

/* not_applied - nothing journaled, not a byte changed, no reload */
static void
not_applied(void)
{
	struct mg_journal j;
	struct mg_jentry *v;
	struct mg_err err;
	char *text;
	size_t n;

	text = get(fake.conf);
	assert_string_equal(text, ORIGINAL);
	free(text);
	assert_int_equal(fake.reloaded, 0);
	assert_int_equal(mg_journal_open(&j, state, 0, &err), 0);
	assert_int_equal(mg_journal_entries(&j, 0, 0, &v, &n, &err), 0);
	assert_int_equal(n, 0);
	mg_jentries_free(v, n);
	mg_journal_close(&j);
}

/* test_declined - n at the question (asked once, after the proof):
 * declined, nothing changed; without --yes and without a way to ask,
 * declined unasked - a change is never made unasked */
static void
test_declined(void **state_)
{
	struct mg_err err;
	char *out = NULL;

	(void)state_;
	asked = 0;
	answer = 0;
	assert_int_equal(apply_asking(0, confirm, &out, &err),
	    MG_APPLY_DECLINED);
	free(out);
	out = NULL;
	assert_int_equal(asked, 1);
	not_applied();
	assert_int_equal(apply_asking(0, NULL, &out, &err),
	    MG_APPLY_DECLINED);
	free(out);
	assert_int_equal(asked, 1);
	not_applied();
}

/* test_agreed - y at the question applies, asked once; --yes does not
 * ask */
static void
test_agreed(void **state_)
{
	struct mg_err err;
	char *out = NULL, *text;

	(void)state_;
	asked = 0;
	answer = 1;
	assert_int_equal(apply_asking(0, confirm, &out, &err),
	    MG_APPLY_DONE);
	free(out);
	assert_int_equal(asked, 1);
	assert_int_equal(fake.reloaded, 1);
	text = get(fake.conf);
	assert_null(strstr(text, "relay = open"));
	free(text);
}

/* test_live_fails_restores - the live check fails after the install:
 * the original comes back byte for byte, the rebuild runs again, the
 * server reloads the old configuration (a second reload) */
static void
test_live_fails_restores(void **state_)
{
	struct mg_journal j;
	struct mg_jentry *v;
	struct mg_err err;
	char *out = NULL, *text;

	(void)state_;
	assert_int_equal(setenv("MAILGUARD_TEST_FAIL_LIVE", "1", 1), 0);
	assert_int_equal(apply(&out, &err), MG_APPLY_RESTORED);
	assert_non_null(strstr(err.msg, "restored the previous files"));
	assert_non_null(strstr(out, "  fake reload 2\n"));
	free(out);
	text = get(fake.conf);
	assert_string_equal(text, ORIGINAL);
	free(text);
	assert_int_equal(fake.validated, 1);
	assert_int_equal(fake.reloaded, 2);
	v = entry(&j);
	assert_string_equal(v->state, "restored");
	mg_jentries_free(v, 1);
	mg_journal_close(&j);
}

/* test_rollback_restores - after an apply, the engine's rollback (what
 * the rollback command and the console call) puts the journal's backup
 * back, runs the rebuild and asks the backend's reload once more */
static void
test_rollback_restores(void **state_)
{
	struct mg_rollback_opts o;
	struct mg_journal j;
	struct mg_jentry *v;
	struct mg_err err;
	char *out = NULL, *text;
	size_t len = 0;
	long id;
	FILE *f;

	(void)state_;
	assert_int_equal(apply(&out, &err), MG_APPLY_DONE);
	free(out);
	out = NULL;
	assert_int_equal(unlink(rebuilt), 0);
	v = entry(&j);
	id = v[0].id;
	mg_jentries_free(v, 1);
	mg_journal_close(&j);
	f = open_memstream(&out, &len);
	assert_non_null(f);
	memset(&o, 0, sizeof(o));
	o.out = f;
	o.yes = 1;
	assert_int_equal(mg_fix_rollback(&sess, state, id, &o, &err),
	    MG_ROLLBACK_DONE);
	assert_int_equal(fclose(f), 0);
	text = get(fake.conf);
	assert_string_equal(text, ORIGINAL);
	free(text);
	assert_int_equal(access(rebuilt, F_OK), 0);
	assert_int_equal(fake.reloaded, 2);
	assert_non_null(strstr(out, "ran touch "));
	assert_non_null(strstr(out, "rolled back"));
	free(out);
	v = entry(&j);
	assert_string_equal(v[0].state, "rolled-back");
	mg_jentries_free(v, 1);
	mg_journal_close(&j);
}

/* test_simulate_counts - the one-shot simulate opens, asks and closes
 * the backend's simulate once each */
static void
test_simulate_counts(void **state_)
{
	struct mg_probe p;
	struct mg_smtp_verdict v;
	struct mg_err err;

	(void)state_;
	memset(&p, 0, sizeof(p));
	p.client = (char *)"198.51.100.9";
	p.sender = (char *)"a@example.com";
	p.rcpt = (char *)"b@example.net";
	assert_int_equal(mg_backend_simulate(&sess.target, &p, &v, &err), 0);
	assert_int_equal(v.code, 550);
	assert_int_equal(fake.sim_opened, 1);
	assert_int_equal(fake.sim_asked, 1);
	assert_int_equal(fake.sim_closed, 1);
}

/* test_done_words - a finished apply says "reloaded" only when its log
 * shows a reload ran */
static void
test_done_words(void **state_)
{
	(void)state_;
	assert_string_equal(mg_fix_done_words("  installed /etc/main.cf\n"
	    "  ran postfix reload\n"), "applied, reloaded and verified");
	assert_string_equal(mg_fix_done_words("  sent SIGHUP to the Exim "
	    "daemon (pid 12)\n"), "applied, reloaded and verified");
	assert_non_null(strstr(mg_fix_done_words("  ran postmap "
	    "hash:/etc/postfix/virtual\n"), "no reload was needed"));
	assert_non_null(strstr(mg_fix_done_words("  ran saslpasswd2 root\n"),
	    "no reload was needed"));
	assert_non_null(strstr(mg_fix_done_words("  postfix: Postfix is not "
	    "running; nothing to reload\n"), "the server is not running"));
	assert_non_null(strstr(mg_fix_done_words("  no Exim daemon running "
	    "(pid file not set): the new configuration is read by the next "
	    "Exim process\n"), "no daemon to reload"));
	assert_null(strstr(mg_fix_done_words("  ran postmap x\n"),
	    "reloaded"));
}

/* test_rebuild_wait_ms - a table built in the second the clock reads
 * is rebuilt in the next: the wait until then, none once later, at most
 * a second for a table from the future */
static void
test_rebuild_wait_ms(void **state_)
{
	static const struct {
		const char *name;
		time_t mtime;
		struct timespec now;
		long want;
	} cases[] = {
		{ "built a second ago", 100, { 101, 0 }, 0 },
		{ "built long ago", 100, { 5000, 500000000 }, 0 },
		{ "built at the start of this second", 100, { 100, 0 }, 1000 },
		{ "a quarter into it", 100, { 100, 250000000 }, 750 },
		{ "its last millisecond", 100, { 100, 999999999 }, 1 },
		{ "from the future", 102, { 100, 500000000 }, 1000 },
	};
	size_t i;

	(void)state_;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (mg_rebuild_wait_ms(cases[i].mtime, &cases[i].now) !=
		    cases[i].want)
			fail_msg("%s: %ld ms, want %ld", cases[i].name,
			    mg_rebuild_wait_ms(cases[i].mtime, &cases[i].now),
			    cases[i].want);
	}
}

/* test_rebuild_in_later_second - the table the post-command rewrites
 * was built in this second (as by a fix just before): the rebuild
 * starts in a later one, so its mtime is newer than the one a running
 * daemon opened */
static void
test_rebuild_in_later_second(void **state_)
{
	struct timespec now, times[2];
	struct stat st;
	struct mg_err err;
	char *out = NULL;

	(void)state_;
	fake.outputs = 1;
	put(rebuilt, "table\n");
	assert_int_equal(clock_gettime(CLOCK_REALTIME_COARSE, &now), 0);
	times[0] = times[1] = now;
	assert_int_equal(utimensat(AT_FDCWD, rebuilt, times, 0), 0);
	assert_int_equal(apply(&out, &err), MG_APPLY_DONE);
	assert_int_equal(stat(rebuilt, &st), 0);
	if (st.st_mtime <= now.tv_sec)
		fail_msg("rebuilt in the second it was built (%lld): %s",
		    (long long)st.st_mtime, out);
	free(out);
	fake.outputs = 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_apply_writes, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_validate_refused, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_live_fails_restores,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_declined, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_agreed, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_rollback_restores, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_simulate_counts, setup,
		    teardown),
		cmocka_unit_test(test_done_words),
		cmocka_unit_test(test_rebuild_wait_ms),
		cmocka_unit_test_setup_teardown(test_rebuild_in_later_second,
		    setup, teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
