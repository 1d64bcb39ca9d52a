/*
 * test_lab_pf_purge_link.c - the Postfix purge hard-links each held queue
 * file into the quarantine (the state directory is on the queue's
 * filesystem here), on real Postfix: the messages gone from the queue
 * (postqueue -j), the quarantine's entries and the count the purge
 * reports are one number, every entry linked; after the rollback every
 * one is back and no queue file has a second link.  Killed (kill -9)
 * after linking and before postsuper -d, the held files have two links;
 * the rollback - or a release instead - makes each quarantine entry a
 * file of its own before Postfix gets the message back: no queue file
 * with more than one link, none lost, each tried for delivery by
 * Postfix (status=deferred at the lab's closed relayhost) and no "file
 * has N links" in its log.
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
#define ROOT_N 40		/* root's messages */
#define OTHER_N 20		/* alice's (lab.sh fill-incident3) */
#define KILL_AFTER 10		/* links made before the kill */

/* An instance with root's and alice's mail queued. */
struct inst {
	const char *dir;
	char etc[4096], st[4096], spool[4096], qdir[4200];
};

/* run - argv with env (or NULL) in front; the exit code (-1 if killed);
 * stdout and stderr in out */
static int
run(const char *env, const char *const *args, struct mg_str *out)
{
	const char *argv[32];
	struct mg_exec_res res;
	size_t n = 0;
	int rc;

	if (env != NULL) {
		argv[n++] = "env";
		argv[n++] = env;
	}
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

/* mg - mailguard-tui on the instance with args (env: a test hook or
 * NULL); the exit code, what it said in out */
static int
mg(const struct inst *in, const char *env, const char *a1, const char *a2,
    const char *a3, const char *a4, struct mg_str *out)
{
	const char *argv[] = { "./mailguard-tui", "--postfix", in->etc,
	    "--state", in->st, a1, a2, a3, a4, NULL };

	return (run(env, argv, out));
}

/* queued - the messages postqueue -j lists (one JSON object a line) */
static size_t
queued(const struct inst *in)
{
	const char *pq[] = { "postqueue", "-c", in->etc, "-j", NULL };
	struct mg_str out;
	const char *p;
	size_t n = 0;

	assert_int_equal(lab_capture(pq, &out), 0);
	for (p = out.data; (p = strchr(p, '\n')) != NULL; p++)
		n++;
	mg_str_free(&out);
	return (n);
}

/* links - under dir (and its subdirectories): regular files, into *n;
 * those with more than one link into *multi */
static void
links(const char *dir, size_t *n, size_t *multi)
{
	char path[8192];
	struct dirent *de;
	struct stat sb;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		(void)snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (lstat(path, &sb) < 0)
			continue;
		if (S_ISDIR(sb.st_mode)) {
			links(path, n, multi);
			continue;
		}
		if (!S_ISREG(sb.st_mode) || strcmp(de->d_name, "README") == 0)
			continue;
		(*n)++;
		*multi += sb.st_nlink > 1;
	}
	(void)closedir(d);
}

/* queue_multi - queue files (every message queue) with more than one
 * link */
static size_t
queue_multi(const struct inst *in)
{
	static const char *const q[] = { "maildrop", "incoming", "active",
	    "deferred", "hold", "corrupt", NULL };
	char path[8192];
	size_t i, n = 0, multi = 0;

	for (i = 0; q[i] != NULL; i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", in->spool, q[i]);
		links(path, &n, &multi);
	}
	return (multi);
}

/* start - a lab instance with ROOT_N of root's messages and alice's */
static void
start(struct inst *in)
{
	char n[16];
	const char *setup[] = { "setup", "sasl-root", NULL, NULL };
	const char *go[] = { "start", NULL, NULL };
	const char *fill[] = { "fill-incident3", NULL, n, NULL };
	const char *flush[] = { "flush-wait", NULL, NULL };

	in->dir = lab_dir(LAB, "sasl-root");
	setup[2] = go[1] = fill[1] = flush[1] = in->dir;
	(void)snprintf(n, sizeof(n), "%d", ROOT_N);
	(void)snprintf(in->etc, sizeof(in->etc), "%s/etc", in->dir);
	(void)snprintf(in->st, sizeof(in->st), "%s/state", in->dir);
	(void)snprintf(in->spool, sizeof(in->spool), "%s/spool", in->dir);
	(void)snprintf(in->qdir, sizeof(in->qdir), "%s/quarantine/1", in->st);
	assert_int_equal(lab_script(LAB, setup), 0);
	assert_int_equal(lab_script(LAB, go), 0);
	assert_int_equal(lab_script(LAB, fill), 0);
	assert_int_equal(lab_script(LAB, flush), 0);
	assert_int_equal(queued(in), ROOT_N + OTHER_N);
}

/* number_after - the number that follows text in s (or NULL), or -1 */
static long
number_after(const char *s, const char *text)
{
	const char *p = s != NULL ? strstr(s, text) : NULL;

	return (p != NULL ? strtol(p + strlen(text), NULL, 10) : -1);
}

/* tried_again - Postfix asked to deliver the queue now (postqueue -f):
 * each queued message tried at the closed relayhost, i.e. opened by the
 * queue manager and a delivery agent (at least one more
 * "status=deferred" in the log per message, waited for up to 60 s), and
 * no "file has N links" warning in the log */
static void
tried_again(const struct inst *in)
{
	const char *flush[] = { "postqueue", "-c", in->etc, "-f", NULL };
	struct mg_str out;
	int before = lab_maillog_count(in->dir, "status=deferred"), i, now;

	assert_int_equal(run(NULL, flush, &out), 0);
	mg_str_free(&out);
	for (i = 0; i < 600; i++) {
		now = lab_maillog_count(in->dir, "status=deferred");
		if (now - before >= ROOT_N + OTHER_N)
			break;
		(void)usleep(100000);
	}
	(void)printf("    postqueue -f: %d more status=deferred\n", now -
	    before);
	assert_true(now - before >= ROOT_N + OTHER_N);
	assert_int_equal(lab_maillog_count(in->dir, "file has"), 0);
}

/* test_purge_linked_counts_restored - gone from the queue == quarantine
 * entries == the purge's count, each linked; the rollback brings all
 * back, one link each */
static void
test_purge_linked_counts_restored(void **state)
{
	struct inst in;
	struct mg_str out;
	struct stat sb, hb;
	char hold[8192];
	size_t n = 0, multi = 0, gone;

	(void)state;
	start(&in);
	assert_int_equal(mg(&in, NULL, "purge", "--sasl", "root", "--yes",
	    &out), 0);
	gone = ROOT_N + OTHER_N - queued(&in);
	links(in.qdir, &n, &multi);
	(void)printf("    purged: %zu gone from the queue, %zu quarantine "
	    "entries, reported %ld, linked %ld\n", gone, n,
	    number_after(mg_str_cstr(&out), "purged "),
	    number_after(strstr(mg_str_cstr(&out), "\nquarantined "), "("));
	assert_int_equal(gone, ROOT_N);
	assert_int_equal(n, ROOT_N);
	assert_int_equal(multi, 0);
	assert_int_equal(number_after(mg_str_cstr(&out), "purged "), ROOT_N);
	assert_non_null(strstr(mg_str_cstr(&out), "(40 linked, 0 copied)"));
	mg_str_free(&out);
	/* a link keeps the queue file's owner and mode: the quarantine
	 * itself is root's alone */
	(void)snprintf(hold, sizeof(hold), "%s/hold", in.spool);
	assert_int_equal(stat(hold, &hb), 0);
	assert_int_equal(stat(in.qdir, &sb), 0);
	assert_int_equal(sb.st_uid, 0);
	assert_int_equal(sb.st_mode & 07777, 0700);
	(void)snprintf(hold, sizeof(hold), "%s/quarantine", in.st);
	assert_int_equal(stat(hold, &sb), 0);
	assert_int_equal(sb.st_uid, 0);
	assert_int_equal(sb.st_mode & 077, 0);

	assert_int_equal(mg(&in, NULL, "rollback", "1", "--yes", NULL, &out),
	    0);
	mg_str_free(&out);
	assert_int_equal(queued(&in), ROOT_N + OTHER_N);
	assert_int_equal(queue_multi(&in), 0);
	tried_again(&in);
}

/* killed - purge killed after KILL_AFTER links, before any postsuper
 * -d: nothing deleted, exactly the linked held files have two links */
static void
killed(struct inst *in)
{
	char env[64];
	struct mg_str out;
	size_t n = 0, multi = 0;

	(void)snprintf(env, sizeof(env), "MAILGUARD_TEST_KILL_AT=purge-"
	    "copied-%d", KILL_AFTER);
	assert_int_equal(mg(in, env, "purge", "--sasl", "root", "--yes",
	    &out), -1);
	mg_str_free(&out);
	links(in->qdir, &n, &multi);
	(void)printf("    killed: %zu queued, %zu quarantine entries, %zu "
	    "queue files with two links\n", queued(in), n, queue_multi(in));
	assert_int_equal(queued(in), ROOT_N + OTHER_N);
	assert_int_equal(n, KILL_AFTER);
	assert_int_equal(multi, KILL_AFTER);
	assert_int_equal(queue_multi(in), KILL_AFTER);
}

/* back_alone - after the rollback or release: all queued, no queue
 * file with a second link, the quarantine entries kept as files of
 * their own, Postfix tries each message */
static void
back_alone(const struct inst *in)
{
	size_t n = 0, multi = 0;

	links(in->qdir, &n, &multi);
	(void)printf("    then: %zu queued, %zu queue files with two links, "
	    "%zu quarantine entries (%zu linked)\n", queued(in),
	    queue_multi(in), n, multi);
	assert_int_equal(queued(in), ROOT_N + OTHER_N);
	assert_int_equal(queue_multi(in), 0);
	assert_int_equal(n, KILL_AFTER);
	assert_int_equal(multi, 0);
	tried_again(in);
}

/* test_killed_rollback_unlinks - killed between the links and the
 * delete: the rollback detaches each link before postsuper -H */
static void
test_killed_rollback_unlinks(void **state)
{
	struct inst in;
	struct mg_str out;

	(void)state;
	start(&in);
	killed(&in);
	assert_int_equal(mg(&in, NULL, "rollback", "1", "--yes", NULL, &out),
	    0);
	mg_str_free(&out);
	back_alone(&in);
}

/* test_killed_release_unlinks - the same, released by release --sasl
 * root instead of the rollback */
static void
test_killed_release_unlinks(void **state)
{
	struct inst in;
	struct mg_str out;

	(void)state;
	start(&in);
	killed(&in);
	assert_int_equal(mg(&in, NULL, "release", "--sasl", "root", "--yes",
	    &out), 0);
	mg_str_free(&out);
	back_alone(&in);
}

/* setup - a private root */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-pf-link");
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_purge_linked_counts_restored),
		cmocka_unit_test(test_killed_rollback_unlinks),
		cmocka_unit_test(test_killed_release_unlinks),
	};

	return (cmocka_run_group_tests_name("lab_pf_purge_link", tests, setup,
	    lab_teardown));
}
