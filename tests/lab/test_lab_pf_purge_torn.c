/*
 * test_lab_pf_purge_torn.c - a Postfix purge writes each quarantine
 * copy straight under its queue ID and syncs a batch before deleting it:
 * killed (kill -9) between the copies and the sync, it has deleted
 * nothing, and a copy torn there (as a power cut would leave it) is
 * never put back by the rollback even when its message has gone from
 * the queue meanwhile; the others come back.  Real Postfix judges:
 * postqueue -j counts the queue, postsuper -d removes the message.
 * The purge copies here as it does when the quarantine is on another
 * filesystem than the queue (MAILGUARD_PURGE_COPY): a link to the queue
 * file Postfix synced is never torn (test_lab_pf_purge_link).
 */
#include <sys/stat.h>

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../core/mg_str.h"
#include "lab_util.h"

#define LAB "tests/lab/postfix/lab.sh"
#define ROOT_N 30		/* root's messages: one batch */
#define OTHER_N 20		/* alice's (lab.sh fill-incident3) */
#define KILL_AFTER 10		/* copies made before the kill */

/* run - argv with env (or NULL) in front, the purge made to copy; the
 * exit code (-1 if killed);
 * stdout and stderr in out */
static int
run(const char *env, const char *const *args, struct mg_str *out)
{
	const char *argv[32];
	struct mg_exec_res res;
	size_t n = 0;
	int rc;

	/* the purge copies, as across filesystems */
	argv[n++] = "env";
	argv[n++] = "MAILGUARD_PURGE_COPY=1";
	if (env != NULL)
		argv[n++] = env;
	while (*args != NULL && n < 31)
		argv[n++] = *args++;
	argv[n] = NULL;
	rc = lab_run(&res, argv);
	mg_str_init(out);
	mg_str_append(out, res.out.data, res.out.len);
	mg_str_append(out, res.err.data, res.err.len);
	mg_exec_res_free(&res);
	return (rc);
}

/* queued - the messages postqueue -j lists (one JSON object a line) */
static size_t
queued(const char *etc)
{
	const char *pq[] = { "postqueue", "-c", etc, "-j", NULL };
	struct mg_str out;
	const char *p;
	size_t n = 0;

	assert_int_equal(lab_capture(pq, &out), 0);
	for (p = out.data; (p = strchr(p, '\n')) != NULL; p++)
		n++;
	mg_str_free(&out);
	return (n);
}

/* listed - postqueue -j lists queue ID id */
static int
listed(const char *etc, const char *id)
{
	const char *pq[] = { "postqueue", "-c", etc, "-j", NULL };
	struct mg_str out, want = MG_STR_INIT;
	int found;

	assert_int_equal(lab_capture(pq, &out), 0);
	mg_str_printf(&want, "\"queue_id\": \"%s\"", id);
	found = strstr(mg_str_cstr(&out), want.data) != NULL;
	if (!found) {
		mg_str_reset(&want);
		mg_str_printf(&want, "\"queue_id\":\"%s\"", id);
		found = strstr(mg_str_cstr(&out), want.data) != NULL;
	}
	mg_str_free(&want);
	mg_str_free(&out);
	return (found);
}

/* copies - the copies in qdir (its README aside); the first one's name
 * in first */
static size_t
copies(const char *qdir, char *first, size_t size)
{
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	assert_non_null(d = opendir(qdir));
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || strcmp(de->d_name, "README") == 0)
			continue;
		if (n++ == 0)
			(void)snprintf(first, size, "%s", de->d_name);
	}
	(void)closedir(d);
	return (n);
}

/* test_killed_before_sync_torn_copy_not_back - kill -9 after KILL_AFTER
 * copies: nothing deleted; one copy torn and its message deleted by
 * hand: the rollback refuses that copy and releases the rest */
static void
test_killed_before_sync_torn_copy_not_back(void **state)
{
	const char *dir = lab_dir(LAB, "sasl-root");
	const char *setup[] = { "setup", "sasl-root", dir, NULL };
	const char *start[] = { "start", dir, NULL };
	char n[16];
	const char *fill[] = { "fill-incident3", dir, n, NULL };
	const char *flush[] = { "flush-wait", dir, NULL };
	char etc[4096], st[4096], qdir[4200], torn[256], path[4500],
	    kill_at[64];
	const char *purge[] = { "./mailguard-tui", "--postfix", etc,
	    "--state", st, "purge", "--sasl", "root", "--yes", NULL };
	const char *back[] = { "./mailguard-tui", "--postfix", etc, "--state",
	    st, "rollback", "1", "--yes", NULL };
	const char *del[] = { "postsuper", "-c", etc, "-d", torn, NULL };
	struct mg_str out;
	struct stat sb;
	size_t before, ncopies;

	(void)state;
	(void)snprintf(n, sizeof(n), "%d", ROOT_N);
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	(void)snprintf(qdir, sizeof(qdir), "%s/quarantine/1", st);
	(void)snprintf(kill_at, sizeof(kill_at),
	    "MAILGUARD_TEST_KILL_AT=purge-copied-%d", KILL_AFTER);
	assert_int_equal(lab_script(LAB, setup), 0);
	assert_int_equal(lab_script(LAB, start), 0);
	assert_int_equal(lab_script(LAB, fill), 0);
	assert_int_equal(lab_script(LAB, flush), 0);
	before = queued(etc);
	assert_int_equal(before, ROOT_N + OTHER_N);

	/* killed between the copies and their sync: nothing deleted */
	assert_int_equal(run(kill_at, purge, &out), -1);
	mg_str_free(&out);
	ncopies = copies(qdir, torn, sizeof(torn));
	(void)printf("    killed after %zu copies: %zu queued of %zu\n",
	    ncopies, queued(etc), before);
	assert_int_equal(ncopies, KILL_AFTER);
	assert_int_equal(queued(etc), before);

	/* one copy torn as a power cut leaves it; its message then
	 * deleted by hand: only the torn copy is left of it */
	(void)snprintf(path, sizeof(path), "%s/%s", qdir, torn);
	assert_int_equal(stat(path, &sb), 0);
	assert_true(sb.st_size > 64);
	assert_int_equal(truncate(path, sb.st_size / 2), 0);
	assert_int_equal(run(NULL, del, &out), 0);
	mg_str_free(&out);
	assert_false(listed(etc, torn));
	assert_int_equal(queued(etc), before - 1);

	/* the rollback: the torn copy refused, the held ones released */
	(void)run(NULL, back, &out);
	(void)printf("    rollback: %zu queued; torn %s %s\n", queued(etc),
	    torn, strstr(mg_str_cstr(&out), "not a whole queue file") !=
	    NULL ? "refused" : "NOT refused");
	assert_non_null(strstr(mg_str_cstr(&out), torn));
	assert_non_null(strstr(mg_str_cstr(&out), "not a whole queue file"));
	mg_str_free(&out);
	assert_false(listed(etc, torn));
	assert_int_equal(queued(etc), before - 1);
	assert_int_equal(stat(path, &sb), 0);	/* kept for the operator */
}

/* setup - a private root */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-pf-torn");
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_killed_before_sync_torn_copy_not_back),
	};

	return (cmocka_run_group_tests_name("lab_pf_purge_torn", tests, setup,
	    lab_teardown));
}
