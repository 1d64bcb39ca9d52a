/*
 * test_lab_exim_purge.c - the Exim purge on real Exim, which copies each
 * message under Exim's own spool lock instead of freezing it: across
 * more than one batch, the messages Exim no longer lists == the
 * messages in the quarantine == the count the tool reports, and the
 * rollback brings every one back (exim -bpc); a message whose -D lock a
 * delivery holds is neither removed nor left in the quarantine; one
 * whose -H a delivery rewrote after the copy is copied again, one that
 * was delivered meanwhile loses its copy; a purge killed (SIGKILL) at
 * each step leaves nothing removed that the rollback does not bring back,
 * and the rollback never brings back a message a killed purge had
 * copied but not removed and Exim delivered since (the purge log).
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../backends/queue_types.h"
#include "../../core/mg_file.h"
#include "../../core/mg_lines.h"
#include "../../core/mg_str.h"
#include "lab_util.h"

#define EXLAB "tests/lab/exim/lab.sh"
/* over one batch and a part of another */
#define ROOT_N (MG_QSYNC_BATCH + 300)
#define OTHER_N 20
#define IDS_MAX (ROOT_N + 16)

static char exim_bin[4096];

/* The lab instance. */
struct inst {
	char dir[4096];
	char conf[4096];	/* DIR/exim4.conf */
	char spool[4096];	/* DIR/spool */
	char st[4096];		/* --state */
};

/* argv_mg - [env ENV] ./mailguard-tui on the instance with args, in
 * argv (32) */
static void
argv_mg(const struct inst *in, const char *env, const char *const *args,
    const char **argv)
{
	size_t n = 0;

	if (env != NULL) {
		argv[n++] = "env";	/* the child's environment is fixed */
		argv[n++] = env;
	}
	argv[n++] = "./mailguard-tui";
	argv[n++] = "--exim";
	argv[n++] = in->conf;
	argv[n++] = "--exim-bin";
	argv[n++] = exim_bin;
	argv[n++] = "--state";
	argv[n++] = in->st;
	while (*args != NULL && n < 31)
		argv[n++] = *args++;
	argv[n] = NULL;
}

/* mg - mailguard-tui with args (env: a test hook NAME=STEP, or NULL);
 * the exit code (-1 if killed); stdout and stderr in out */
static int
mg(const struct inst *in, const char *env, const char *const *args,
    struct mg_str *out)
{
	const char *argv[32];
	struct mg_exec_res res;
	int rc;

	argv_mg(in, env, args, argv);
	rc = lab_run(&res, argv);
	mg_str_init(out);
	mg_str_append(out, res.out.data, res.out.len);
	mg_str_append(out, res.err.data, res.err.len);
	mg_exec_res_free(&res);
	return (rc);
}

/* queued - exim -bpc */
static size_t
queued(const struct inst *in)
{
	const char *bpc[] = { exim_bin, "-C", in->conf, "-bpc", NULL };
	struct mg_str out;
	size_t n;

	assert_int_equal(lab_capture(bpc, &out), 0);
	n = (size_t)strtoul(out.data, NULL, 10);
	mg_str_free(&out);
	return (n);
}

/* root_ids - the IDs exipick lists for authenticated_id root, into ids */
static size_t
root_ids(const struct inst *in, char ids[][64])
{
	char pick[4096];
	const char *argv[] = { pick, "--spool", in->spool, "-i",
	    "$authenticated_id eq root", NULL };
	struct mg_str out;
	const char *cur, *line;
	size_t len, n = 0;

	(void)snprintf(pick, sizeof(pick), "%.*s/exipick",
	    (int)(strrchr(exim_bin, '/') - exim_bin), exim_bin);
	assert_int_equal(lab_capture(argv, &out), 0);
	for (cur = mg_str_cstr(&out); n < IDS_MAX && mg_line_next(&cur,
	    &line, &len);)
		if (len > 0 && len < 64)
			(void)snprintf(ids[n++], 64, "%.*s", (int)len, line);
	mg_str_free(&out);
	return (n);
}

/* in_quarantine - ID-C is in quarantine entry ENTRY */
static int
in_quarantine(const struct inst *in, long entry, const char *id, char c)
{
	char path[8400];

	(void)snprintf(path, sizeof(path), "%s/quarantine/%ld/%.63s-%c", in->st,
	    entry, id, c);
	return (access(path, F_OK) == 0);
}

/* in_spool - ID's -H is in input/ */
static int
in_spool(const struct inst *in, const char *id)
{
	char path[8400];

	(void)snprintf(path, sizeof(path), "%s/input/%.63s-H", in->spool, id);
	return (access(path, F_OK) == 0);
}

/* quarantined - the messages (ID-H files) of quarantine entry ENTRY; the
 * ID-D files without their -H in *torn */
static size_t
quarantined(const struct inst *in, long entry, size_t *torn)
{
	char path[4200];
	struct dirent *de;
	size_t n = 0, nd = 0, len;
	DIR *d;

	(void)snprintf(path, sizeof(path), "%s/quarantine/%ld", in->st,
	    entry);
	assert_non_null(d = opendir(path));
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (len > 2 && strcmp(de->d_name + len - 2, "-H") == 0)
			n++;
		if (len > 2 && strcmp(de->d_name + len - 2, "-D") == 0)
			nd++;
	}
	(void)closedir(d);
	if (torn != NULL)
		*torn = nd - n;
	return (n);
}

/* number_after - the number after what in text, -1 if absent */
static long
number_after(const char *text, const char *what)
{
	const char *p = strstr(text, what);

	return (p != NULL ? strtol(p + strlen(what), NULL, 10) : -1);
}

/* last_entry - the journal's newest entry */
static long
last_entry(const struct inst *in)
{
	const char *args[] = { "journal", "--json", NULL };
	struct mg_str out, id = MG_STR_INIT;
	char *told;
	long n;

	assert_int_equal(mg(in, NULL, args, &out), 0);
	/* after the JSON: what stderr said of unfinished entries (the
	 * purges killed on purpose) */
	if ((told = strstr(out.data, "mailguard-tui: journal entry ")) !=
	    NULL)
		*told = '\0';
	assert_int_equal(lab_jq_str(out.data, ".entries[-1].id", &id), 0);
	n = strtol(id.data, NULL, 10);
	mg_str_free(&id);
	mg_str_free(&out);
	return (n);
}

/* rollback - rollback ENTRY --yes: the count it restored */
static long
rollback(const struct inst *in, long entry)
{
	char id[32];
	const char *args[] = { "rollback", id, "--yes", NULL };
	struct mg_str out;
	long n;

	(void)snprintf(id, sizeof(id), "%ld", entry);
	assert_int_equal(mg(in, NULL, args, &out), 0);
	n = number_after(out.data, "restored ");
	mg_str_free(&out);
	return (n);
}

/*
 * lock_d - a child that holds the write lock Exim's delivery takes on
 * ID's -D (its first line, spool_open_datafile) until *release is closed;
 * its pid
 */
static pid_t
lock_d(const struct inst *in, const char *id, int *release)
{
	char path[8400], c;
	struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int up[2], down[2], fd;
	pid_t pid;

	(void)snprintf(path, sizeof(path), "%s/input/%.63s-D", in->spool, id);
	assert_int_equal(pipe(up), 0);
	assert_int_equal(pipe(down), 0);
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		(void)close(up[0]);
		(void)close(down[1]);
		lk.l_len = (off_t)strlen(id) + 3;
		fd = open(path, O_RDWR | O_APPEND);
		if (fd < 0 || fcntl(fd, F_SETLK, &lk) < 0)
			_exit(1);
		(void)write(up[1], "l", 1);
		(void)read(down[0], &c, 1);	/* until the parent closes */
		_exit(0);
	}
	(void)close(up[1]);
	(void)close(down[0]);
	assert_int_equal(read(up[0], &c, 1), 1);
	(void)close(up[0]);
	*release = down[1];
	return (pid);
}

/* unlock_d - the child of lock_d gone, its lock with it */
static void
unlock_d(pid_t pid, int release)
{
	int status;

	(void)close(release);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/*
 * locked_one - purge --sasl root while a "delivery" holds ids[0]'s lock:
 * it stays queued with no copy; the others are gone == quarantined ==
 * reported; the rollback brings them back
 */
static void
locked_one(const struct inst *in, char ids[][64], size_t n)
{
	const char *purge[] = { "purge", "--sasl", "root", "--yes", NULL };
	struct mg_str out;
	size_t before = queued(in), after, torn;
	long entry, reported;
	int release;
	pid_t pid;

	pid = lock_d(in, ids[0], &release);
	assert_int_not_equal(mg(in, NULL, purge, &out), 0);
	reported = number_after(out.data, "purged ");
	entry = number_after(out.data, "(journal entry ");
	assert_non_null(strstr(out.data, "1 stay in the queue: an Exim "
	    "delivery held them"));
	mg_str_free(&out);
	after = queued(in);
	(void)printf("    one locked: %zu -> %zu queued, %zu quarantined, "
	    "%ld reported\n", before, after, quarantined(in, entry, NULL),
	    reported);
	assert_int_equal(before - after, n - 1);
	assert_int_equal(quarantined(in, entry, &torn), n - 1);
	assert_int_equal(torn, 0);
	assert_int_equal(reported, (long)n - 1);
	assert_true(in_spool(in, ids[0]));
	assert_false(in_quarantine(in, entry, ids[0], 'H'));
	assert_false(in_quarantine(in, entry, ids[0], 'D'));
	unlock_d(pid, release);
	assert_int_equal(rollback(in, entry), (long)n - 1);
	assert_int_equal(queued(in), before);
}

/* mg_paused - mailguard-tui ARGS started with MAILGUARD_TEST_PAUSE_AT=step,
 * waited for until it stops there; its pid (stdout to /dev/null) */
static pid_t
mg_paused(const struct inst *in, const char *step, const char *const *args)
{
	const char *argv[32];
	int status, fd;
	pid_t pid;

	argv_mg(in, NULL, args, argv);
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		if ((fd = open("/dev/null", O_WRONLY)) >= 0)
			(void)dup2(fd, STDOUT_FILENO);
		(void)setenv("MAILGUARD_TEST_PAUSE_AT", step, 1);
		(void)execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	assert_int_equal(waitpid(pid, &status, WUNTRACED), pid);
	assert_true(WIFSTOPPED(status));
	return (pid);
}

/*
 * meanwhile - purge paused after its first batch is synced: then a
 * "delivery" rewrites ids[0]'s -H (exim -Mf, which writes a new -H as a
 * delivery does) and "delivers" ids[1] (exim -Mrm from outside).  The
 * purge goes on: ids[0] is copied again (its copy is the frozen one) and
 * removed; ids[1] has no copy; counts agree; the rollback brings back
 * all but the delivered one
 */
static void
meanwhile(const struct inst *in, char ids[][64], size_t n)
{
	const char *purge[] = { "purge", "--sasl", "root", "--yes", NULL };
	const char *mf[] = { exim_bin, "-C", in->conf, "-Mf", ids[0], NULL };
	const char *rm[] = { exim_bin, "-C", in->conf, "-Mrm", ids[1], NULL };
	char path[8400];
	struct mg_str out, h = MG_STR_INIT;
	struct mg_err err;
	size_t before = queued(in), torn;
	long entry;
	int status;
	pid_t pid;

	pid = mg_paused(in, "purge-copied", purge);
	assert_int_equal(lab_capture(mf, &out), 0);
	mg_str_free(&out);
	assert_int_equal(lab_capture(rm, &out), 0);
	mg_str_free(&out);
	/* on, through the next batches' pauses */
	do {
		assert_int_equal(kill(pid, SIGCONT), 0);
		assert_int_equal(waitpid(pid, &status, WUNTRACED), pid);
	} while (WIFSTOPPED(status));
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	entry = last_entry(in);
	(void)printf("    -H rewritten and one delivered during the purge: "
	    "%zu -> %zu queued, %zu quarantined\n", before, queued(in),
	    quarantined(in, entry, NULL));
	assert_int_equal(queued(in), before - n);
	assert_int_equal(quarantined(in, entry, &torn), n - 1);
	assert_int_equal(torn, 0);
	assert_false(in_quarantine(in, entry, ids[1], 'H'));
	assert_false(in_quarantine(in, entry, ids[1], 'D'));
	(void)snprintf(path, sizeof(path), "%s/quarantine/%ld/%.63s-H", in->st,
	    entry, ids[0]);
	assert_int_equal(mg_file_read(path, 1 << 20, &h, NULL, &err), 0);
	assert_non_null(strstr(h.data, "\n-frozen "));
	mg_str_free(&h);
	assert_int_equal(rollback(in, entry), (long)n - 1);
	assert_int_equal(queued(in), before - 1);
}

/*
 * killed - purges killed (SIGKILL) at each step: Exim lists each root
 * message or the quarantine holds it whole; the rollback brings back
 * exactly the removed ones
 */
static void
killed(const struct inst *in, char ids[][64], size_t n)
{
	static const char *const steps[] = { "purge-copying",
	    "purge-copied-5", "purge-copied", "purge-deleted", NULL };
	const char *purge[] = { "purge", "--sasl", "root", "--yes", NULL };
	char env[128], last[32];
	struct mg_str out;
	size_t before = queued(in), after, i, k, torn, nq;
	long entry;

	(void)snprintf(last, sizeof(last), "purge-copied-%d",
	    MG_QSYNC_BATCH + 100);
	for (k = 0; k < 5; k++) {
		(void)snprintf(env, sizeof(env), "MAILGUARD_TEST_KILL_AT=%s",
		    steps[k] != NULL ? steps[k] : last);
		assert_int_equal(mg(in, env, purge, &out), -1);
		mg_str_free(&out);
		entry = last_entry(in);
		after = queued(in);
		nq = quarantined(in, entry, &torn);
		(void)printf("    killed at %s: %zu queued, %zu quarantined "
		    "(%zu -D alone)\n", strchr(env, '=') + 1, after, nq,
		    torn);
		for (i = 0; i < n; i++)
			assert_true(in_spool(in, ids[i]) || (in_quarantine(in,
			    entry, ids[i], 'H') && in_quarantine(in, entry,
			    ids[i], 'D')));
		assert_int_equal(rollback(in, entry), (long)(before - after));
		assert_int_equal(queued(in), before);
	}
}

/*
 * killed_delivered - purges killed (SIGKILL) while copying, after a
 * batch's sync and before its exim -Mrm, and after one exim -Mrm call
 * of a batch: then Exim "delivers" (exim -Mrm from outside) 3 messages
 * that are both still queued and quarantined.  The rollback puts back
 * exactly what the purge removed, never the delivered ones: afterwards
 * each message is queued once, or was delivered once
 */
static void
killed_delivered(const struct inst *in, char ids[][64], size_t n)
{
	static const char *const steps[] = { "purge-copied-5",
	    "purge-copied", "purge-rm", NULL };
	const char *purge[] = { "purge", "--sasl", "root", "--yes", NULL };
	const char *rm[8] = { exim_bin, "-C", in->conf, "-Mrm" };
	static char gone[16][64];
	char env[128];
	struct mg_str out;
	size_t before, after, i, k, d, ngone = 0, nq, both;
	long entry;

	for (k = 0; steps[k] != NULL; k++) {
		before = queued(in);
		(void)snprintf(env, sizeof(env), "MAILGUARD_TEST_KILL_AT=%s",
		    steps[k]);
		assert_int_equal(mg(in, env, purge, &out), -1);
		mg_str_free(&out);
		entry = last_entry(in);
		after = queued(in);
		nq = quarantined(in, entry, NULL);
		for (i = d = both = 0; i < n; i++) {
			if (!in_spool(in, ids[i]) || !in_quarantine(in, entry,
			    ids[i], 'H'))
				continue;
			both++;
			if (d < 3) {
				rm[4 + d++] = ids[i];
				(void)snprintf(gone[ngone++], 64, "%.63s",
				    ids[i]);
			}
		}
		assert_int_equal(d, 3);
		rm[4 + d] = NULL;
		assert_int_equal(lab_capture(rm, &out), 0);
		mg_str_free(&out);
		(void)printf("    killed at %s: %zu -> %zu queued, %zu "
		    "quarantined (%zu of them still queued), 3 delivered "
		    "since\n", steps[k], before, after, nq, both);
		assert_int_equal(queued(in), after - 3);
		/* only what the purge removed comes back */
		assert_int_equal(rollback(in, entry), (long)(before - after));
		assert_int_equal(queued(in), before - 3);
		for (i = 0; i < ngone; i++)
			assert_false(in_spool(in, gone[i]));
		/* run again: nothing more */
		assert_int_equal(rollback(in, entry), 0);
		assert_int_equal(queued(in), before - 3);
	}
}

/*
 * killed_finished - purges killed after a batch's sync (before its exim
 * -Mrm) and after one exim -Mrm call of a batch, 3 of their messages
 * delivered since, then finished (purge --finish, killed once after its
 * first exim -Mrm call, then run again): no root message is
 * queued any more, the entry is done, and the rollback afterwards puts
 * back every root message but the delivered ones, once
 */
static void
killed_finished(const struct inst *in)
{
	static const char *const steps[] = { "purge-copied", "purge-rm",
	    NULL };
	static char ids[IDS_MAX][64];
	const char *purge[] = { "purge", "--sasl", "root", "--yes", NULL };
	const char *rm[8] = { exim_bin, "-C", in->conf, "-Mrm" };
	char entry_s[32], env[128];
	const char *fin[] = { "purge", "--finish", entry_s, "--yes", NULL };
	const char *journal[] = { "journal", "--json", NULL };
	struct mg_str out, st = MG_STR_INIT;
	size_t before, after, nroot, i, d, k;
	long entry;

	for (k = 0; steps[k] != NULL; k++) {
		before = queued(in);
		nroot = root_ids(in, ids);
		(void)snprintf(env, sizeof(env), "MAILGUARD_TEST_KILL_AT=%s",
		    steps[k]);
		assert_int_equal(mg(in, env, purge, &out), -1);
		mg_str_free(&out);
		entry = last_entry(in);
		after = queued(in);
		for (i = d = 0; i < nroot && d < 3; i++)
			if (in_spool(in, ids[i]) && in_quarantine(in, entry,
			    ids[i], 'H'))
				rm[4 + d++] = ids[i];
		assert_int_equal(d, 3);
		rm[4 + d] = NULL;
		assert_int_equal(lab_capture(rm, &out), 0);
		mg_str_free(&out);
		(void)snprintf(entry_s, sizeof(entry_s), "%ld", entry);
		/* the finish killed too, after its first exim -Mrm */
		assert_int_equal(mg(in, "MAILGUARD_TEST_KILL_AT=purge-rm", fin,
		    &out), -1);
		mg_str_free(&out);
		(void)printf("    its finish killed at purge-rm: %zu queued\n",
		    queued(in));
		assert_int_equal(mg(in, NULL, fin, &out), 0);
		(void)printf("    killed at %s (%zu -> %zu queued), 3 "
		    "delivered, finished: %zu queued, %zu root, %zu "
		    "quarantined; %s", steps[k], before, after, queued(in),
		    root_ids(in, ids), quarantined(in, entry, NULL),
		    strstr(out.data, "finished purge") != NULL ?
		    strstr(out.data, "finished purge") : out.data);
		assert_int_equal(number_after(out.data, "more deleted; "), 0);
		mg_str_free(&out);
		assert_int_equal(root_ids(in, ids), 0);
		assert_int_equal(queued(in), before - nroot);
		assert_int_equal(mg(in, NULL, journal, &out), 0);
		assert_int_equal(lab_jq_str(out.data, ".entries[-1].state",
		    &st), 0);
		assert_string_equal(st.data, "done");
		mg_str_free(&st);
		mg_str_free(&out);
		/* finished twice: refused, nothing changes */
		assert_int_not_equal(mg(in, NULL, fin, &out), 0);
		assert_non_null(strstr(out.data, "only a purge that was "
		    "interrupted"));
		mg_str_free(&out);
		assert_int_equal(rollback(in, entry), (long)nroot - 3);
		assert_int_equal(queued(in), before - 3);
		assert_int_equal(root_ids(in, ids), nroot - 3);
	}
}

/*
 * log_unreadable - a purge killed after its first exim -Mrm call whose
 * purge.log is then a symbolic link: the rollback puts nothing back on
 * a guess and fails; with the log back it puts back what was removed
 */
static void
log_unreadable(const struct inst *in)
{
	const char *purge[] = { "purge", "--sasl", "root", "--yes", NULL };
	char id[32], path[4200], moved[4300];
	const char *back[] = { "rollback", id, "--yes", NULL };
	struct mg_str out;
	size_t before = queued(in), after;
	long entry;

	assert_int_equal(mg(in, "MAILGUARD_TEST_KILL_AT=purge-rm", purge,
	    &out), -1);
	mg_str_free(&out);
	entry = last_entry(in);
	after = queued(in);
	assert_true(after < before);
	(void)snprintf(id, sizeof(id), "%ld", entry);
	(void)snprintf(path, sizeof(path), "%s/quarantine/%ld/purge.log",
	    in->st, entry);
	(void)snprintf(moved, sizeof(moved), "%s.moved", path);
	assert_int_equal(rename(path, moved), 0);
	assert_int_equal(symlink(moved, path), 0);
	assert_int_not_equal(mg(in, NULL, back, &out), 0);
	(void)printf("    purge.log a symlink: rollback refused, %zu "
	    "queued\n", queued(in));
	assert_non_null(strstr(out.data, "cannot read the quarantine's "
	    "purge.log whole: nothing put back"));
	mg_str_free(&out);
	assert_int_equal(queued(in), after);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rename(moved, path), 0);
	assert_int_equal(rollback(in, entry), (long)(before - after));
	assert_int_equal(queued(in), before);
}

/* cmp_id - qsort on char[64] IDs */
static int
cmp_id(const void *a, const void *b)
{
	return (strcmp(a, b));
}

/* test_exim_purge_under_lock - real Exim, root's stolen login */
static void
test_exim_purge_under_lock(void **state)
{
	static char ids[IDS_MAX][64];
	struct inst in;
	const char *dir = lab_dir(EXLAB, "incident1-template");
	const char *setup[] = { "setup", "incident1-template", dir, NULL };
	char n[32], m[32];
	const char *root[] = { "fill", dir, n, "--auth-id", "root",
	    "--host-address", "93.122.252.5", "--sender",
	    "root@mail.example.com", NULL };
	const char *other[] = { "fill", dir, m, NULL };
	size_t nids;

	(void)state;
	(void)snprintf(n, sizeof(n), "%d", ROOT_N);
	(void)snprintf(m, sizeof(m), "%d", OTHER_N);
	(void)snprintf(in.dir, sizeof(in.dir), "%s", dir);
	(void)snprintf(in.conf, sizeof(in.conf), "%s/exim4.conf", dir);
	(void)snprintf(in.spool, sizeof(in.spool), "%s/spool", dir);
	(void)snprintf(in.st, sizeof(in.st), "%s/state", dir);
	assert_int_equal(lab_script(EXLAB, setup), 0);
	assert_int_equal(lab_script(EXLAB, root), 0);
	assert_int_equal(lab_script(EXLAB, other), 0);
	nids = root_ids(&in, ids);
	assert_int_equal(nids, ROOT_N);
	/* sorted as the purge takes them: ids[0], ids[1] in its first
	 * batch */
	qsort(ids, nids, sizeof(ids[0]), cmp_id);
	assert_int_equal(queued(&in), ROOT_N + OTHER_N);
	locked_one(&in, ids, nids);
	killed(&in, ids, nids);
	meanwhile(&in, ids, nids);
	killed_delivered(&in, ids, nids);
	killed_finished(&in);
	log_unreadable(&in);
}

/* setup - private root, the lab's exim */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-exim-purge");
	return (lab_exim_bin(exim_bin, sizeof(exim_bin)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exim_purge_under_lock),
	};

	return (cmocka_run_group_tests_name("lab_exim_purge", tests, setup,
	    lab_teardown));
}
