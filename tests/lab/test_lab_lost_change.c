/*
 * test_lab_lost_change.c - no change silently lost, on real Postfix: two
 * "fix --yes" with different --state directories at once on one
 * configuration (each change "verified" is in main.cf as postconf reads
 * it); a rollback after postconf -e refused with main.cf unchanged, and
 * with --force restored; "rollback 1" after fix 2 changed the same file
 * refused, naming entry 2, until 2 is rolled back; main.cf edited while
 * the operator is asked to apply: refused, the edit kept, nothing
 * journaled; main.cf written by a writer that ignores the lock after the
 * backup, or just before the rename: nothing installed, the write kept.
 * Bytes and SHA-256s
 * are counted, not messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../core/mg_hash.h"
#include "../../core/mg_str.h"
#include "lab_util.h"

#define PFLAB "tests/lab/postfix/lab.sh"
#define NARROW "postfix.mynetworks.narrow"
#define HYGIENE "postfix.smtpd.hygiene"

/* sha - the SHA-256 of path */
static void
sha(const char *path, char *hex)
{
	struct mg_err err;

	if (mg_file_sha256(path, hex, NULL, &err) < 0)
		fail_msg("%s", err.msg);
}

/* postconf_h - postconf -c etc -h param, as Postfix itself reads it */
static void
postconf_h(const char *etc, const char *param, struct mg_str *out)
{
	const char *argv[] = { "postconf", "-c", etc, "-h", param, NULL };

	assert_int_equal(lab_capture(argv, out), 0);
}

/* narrowed - mynetworks no longer trusts 210.0.0.0/8 (postconf says) */
static int
narrowed(const char *etc)
{
	struct mg_str v;
	int yes;

	postconf_h(etc, "mynetworks", &v);
	yes = strstr(mg_str_cstr(&v), "210.0.0.0/8") == NULL;
	mg_str_free(&v);
	return (yes);
}

/* hygienic - smtpd_helo_required is yes (postconf says) */
static int
hygienic(const char *etc)
{
	struct mg_str v;
	int yes;

	postconf_h(etc, "smtpd_helo_required", &v);
	yes = strcmp(mg_str_cstr(&v), "yes\n") == 0;
	mg_str_free(&v);
	return (yes);
}

/* fix_in_child - "fix ID --yes" with state dir st, in a child process;
 * its output into out, its pid */
static pid_t
fix_in_child(const char *etc, const char *st, const char *id,
    const char *out)
{
	const char *argv[] = { "sh", "-c", "exec ./mailguard-tui --postfix "
	    "\"$0\" --state \"$1\" fix \"$2\" --yes >\"$3\" 2>&1", etc, st,
	    id, out, NULL };
	pid_t pid;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		(void)execvp("sh", (char *const *)argv);
		_exit(127);
	}
	return (pid);
}

/* exit_of - the exit code of child pid */
static int
exit_of(pid_t pid)
{
	int status;

	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return (WEXITSTATUS(status));
}

/* refused_clearly - a run that did not apply said why: the lock, or a
 * file changed since staged */
static void
refused_clearly(const char *out)
{
	struct mg_str s;

	lab_slurp(out, &s);
	(void)printf("    refused: %s", mg_str_cstr(&s));
	assert_null(strstr(mg_str_cstr(&s), "applied, reloaded and "
	    "verified"));
	assert_true(strstr(mg_str_cstr(&s), "another mailguard-tui is "
	    "changing") != NULL || strstr(mg_str_cstr(&s), "changed since "
	    "it was read") != NULL);
	mg_str_free(&s);
}

/*
 * test_concurrent_fixes - two fixes of main.cf at once, each with its own
 * --state: a run that says "verified" has its change in main.cf; one
 * that does not refused clearly; never both lost
 */
static void
test_concurrent_fixes(void **state)
{
	const char *dir, *setup[] = { "setup", "wide-net", NULL, NULL };
	char etc[4096], st1[4200], st2[4200], o1[4200], o2[4200];
	pid_t a, b;
	int ra, rb, round;

	(void)state;
	for (round = 0; round < 2; round++) {
		dir = lab_dir(PFLAB, "wide-net");
		setup[2] = dir;
		(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
		assert_int_equal(lab_script(PFLAB, setup), 0);
		assert_false(narrowed(etc));
		assert_false(hygienic(etc));
		(void)snprintf(st1, sizeof(st1), "%s/state-a%d", dir, round);
		(void)snprintf(st2, sizeof(st2), "%s/state-b%d", dir, round);
		(void)snprintf(o1, sizeof(o1), "%s/out-a%d", dir, round);
		(void)snprintf(o2, sizeof(o2), "%s/out-b%d", dir, round);
		/* round 1 starts them the other way round */
		if (round == 0) {
			a = fix_in_child(etc, st1, NARROW, o1);
			b = fix_in_child(etc, st2, HYGIENE, o2);
		} else {
			b = fix_in_child(etc, st2, HYGIENE, o2);
			a = fix_in_child(etc, st1, NARROW, o1);
		}
		ra = exit_of(a);
		rb = exit_of(b);
		(void)printf("    round %d: %s exit %d, %s exit %d\n", round,
		    NARROW, ra, HYGIENE, rb);
		assert_true(ra == 0 || rb == 0);
		if (ra == 0)
			assert_true(narrowed(etc));
		else
			refused_clearly(o1);
		if (rb == 0)
			assert_true(hygienic(etc));
		else
			refused_clearly(o2);
	}
}

/* mg_pf - mailguard-tui on etc with state st and args; exit code, all
 * output in out */
static int
mg_pf(const char *etc, const char *st, const char *const *args,
    struct mg_str *out)
{
	const char *argv[24];
	struct mg_exec_res res;
	size_t n = 0;
	int rc;

	argv[n++] = "./mailguard-tui";
	argv[n++] = "--postfix";
	argv[n++] = etc;
	argv[n++] = "--state";
	argv[n++] = st;
	while (*args != NULL && n < 23)
		argv[n++] = *args++;
	argv[n] = NULL;
	rc = lab_run(&res, argv);
	mg_str_init(out);
	mg_str_append(out, res.out.data, res.out.len);
	mg_str_append(out, res.err.data, res.err.len);
	mg_exec_res_free(&res);
	return (rc);
}

/*
 * test_rollback_after_edit - fix 1, then postconf -e: rollback 1 refuses
 * (the edit shown, main.cf's bytes unchanged); --force restores the
 * bytes main.cf had before fix 1
 */
static void
test_rollback_after_edit(void **state)
{
	const char *dir = lab_dir(PFLAB, "wide-net");
	const char *setup[] = { "setup", "wide-net", dir, NULL };
	const char *fix[] = { "fix", HYGIENE, "--yes", NULL };
	const char *back[] = { "rollback", "1", "--yes", NULL };
	const char *force[] = { "rollback", "1", "--yes", "--force", NULL };
	char etc[4096], st[4200], maincf[4200];
	char orig[MG_SHA256_HEX], edited[MG_SHA256_HEX], now[MG_SHA256_HEX];
	const char *postconf[] = { "postconf", "-c", etc, "-e",
	    "smtpd_banner = $myhostname ESMTP edited-by-hand", NULL };
	struct mg_str out;

	(void)state;
	assert_int_equal(lab_script(PFLAB, setup), 0);
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	(void)snprintf(maincf, sizeof(maincf), "%s/main.cf", etc);
	sha(maincf, orig);
	assert_int_equal(mg_pf(etc, st, fix, &out), 0);
	mg_str_free(&out);
	assert_true(hygienic(etc));
	assert_int_equal(lab_capture(postconf, &out), 0);
	mg_str_free(&out);
	sha(maincf, edited);
	assert_string_not_equal(orig, edited);

	assert_int_not_equal(mg_pf(etc, st, back, &out), 0);
	(void)printf("%s", mg_str_cstr(&out));
	assert_non_null(strstr(mg_str_cstr(&out), "changed since journal "
	    "entry 1 installed it"));
	assert_non_null(strstr(mg_str_cstr(&out), "+smtpd_banner = "
	    "$myhostname ESMTP edited-by-hand"));
	mg_str_free(&out);
	sha(maincf, now);
	assert_string_equal(now, edited);	/* untouched */
	assert_true(hygienic(etc));

	assert_int_equal(mg_pf(etc, st, force, &out), 0);
	mg_str_free(&out);
	sha(maincf, now);
	assert_string_equal(now, orig);
	assert_false(hygienic(etc));
}

/*
 * test_rollback_newest_first - fix 1 and fix 2 both change main.cf:
 * rollback 1 refuses naming entry 2 (main.cf unchanged); rollback 2 then
 * 1 puts the original bytes back
 */
static void
test_rollback_newest_first(void **state)
{
	const char *dir = lab_dir(PFLAB, "wide-net");
	const char *setup[] = { "setup", "wide-net", dir, NULL };
	const char *fix1[] = { "fix", HYGIENE, "--yes", NULL };
	const char *fix2[] = { "fix", NARROW, "--yes", NULL };
	const char *back1[] = { "rollback", "1", "--yes", NULL };
	const char *back2[] = { "rollback", "2", "--yes", NULL };
	char etc[4096], st[4200], maincf[4200];
	char orig[MG_SHA256_HEX], both[MG_SHA256_HEX], now[MG_SHA256_HEX];
	struct mg_str out;

	(void)state;
	assert_int_equal(lab_script(PFLAB, setup), 0);
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	(void)snprintf(maincf, sizeof(maincf), "%s/main.cf", etc);
	sha(maincf, orig);
	assert_int_equal(mg_pf(etc, st, fix1, &out), 0);
	mg_str_free(&out);
	assert_int_equal(mg_pf(etc, st, fix2, &out), 0);
	mg_str_free(&out);
	assert_true(hygienic(etc) && narrowed(etc));
	sha(maincf, both);

	assert_int_not_equal(mg_pf(etc, st, back1, &out), 0);
	(void)printf("%s", mg_str_cstr(&out));
	assert_non_null(strstr(mg_str_cstr(&out), "journal entry 2 changed "));
	assert_non_null(strstr(mg_str_cstr(&out), "roll back 2 first"));
	mg_str_free(&out);
	sha(maincf, now);
	assert_string_equal(now, both);

	assert_int_equal(mg_pf(etc, st, back2, &out), 0);
	mg_str_free(&out);
	assert_true(hygienic(etc));
	assert_false(narrowed(etc));
	assert_int_equal(mg_pf(etc, st, back1, &out), 0);
	mg_str_free(&out);
	sha(maincf, now);
	assert_string_equal(now, orig);
}

/* pty_until - read the child's terminal into out until it holds want
 * (or EOF, or 300 s); 1 if it does */
static int
pty_until(int fd, struct mg_str *out, const char *want)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	time_t end = time(NULL) + 300;
	char buf[4096];
	ssize_t n;

	while (want == NULL || strstr(mg_str_cstr(out), want) == NULL) {
		if (time(NULL) > end || poll(&p, 1, 1000) < 0)
			return (0);
		if (p.revents == 0)
			continue;
		if ((n = read(fd, buf, sizeof(buf))) <= 0)
			return (want == NULL);
		mg_str_append(out, buf, (size_t)n);
	}
	return (1);
}

/*
 * test_apply_after_edit_refused - fix asks on its terminal after the
 * proof; postconf -e edits main.cf meanwhile; y: refused, the edit shown
 * and kept (main.cf's SHA-256 as edited), the fix not applied, nothing
 * journaled
 */
static void
test_apply_after_edit_refused(void **state)
{
	const char *dir = lab_dir(PFLAB, "wide-net");
	const char *setup[] = { "setup", "wide-net", dir, NULL };
	char etc[4096], st[4200], maincf[4200];
	char edited[MG_SHA256_HEX], now[MG_SHA256_HEX];
	const char *postconf[] = { "postconf", "-c", etc, "-e",
	    "smtpd_banner = $myhostname ESMTP edited-while-asked", NULL };
	const char *journal[] = { "./mailguard-tui", "--state", st,
	    "journal", "--json", NULL };
	struct mg_str out = MG_STR_INIT, s;
	int fd, status;
	pid_t pid;

	(void)state;
	assert_int_equal(lab_script(PFLAB, setup), 0);
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	(void)snprintf(maincf, sizeof(maincf), "%s/main.cf", etc);
	pid = forkpty(&fd, NULL, NULL, NULL);
	assert_true(pid >= 0);
	if (pid == 0) {
		(void)execl("./mailguard-tui", "mailguard-tui", "--postfix",
		    etc, "--state", st, "fix", HYGIENE, (char *)NULL);
		_exit(127);
	}
	assert_true(pty_until(fd, &out, "Apply these changes"));
	assert_int_equal(lab_capture(postconf, &s), 0);
	mg_str_free(&s);
	sha(maincf, edited);
	assert_int_equal(write(fd, "y\n", 2), 2);
	(void)pty_until(fd, &out, NULL);
	(void)close(fd);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	(void)printf("%s", mg_str_cstr(&out));
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 70);
	assert_non_null(strstr(mg_str_cstr(&out), "changed since it was "
	    "read"));
	assert_non_null(strstr(mg_str_cstr(&out), "+smtpd_banner = "
	    "$myhostname ESMTP edited-while-asked"));
	assert_null(strstr(mg_str_cstr(&out), "applied, reloaded"));
	mg_str_free(&out);
	sha(maincf, now);
	assert_string_equal(now, edited);
	assert_false(hygienic(etc));
	assert_int_equal(lab_capture(journal, &s), 0);
	assert_int_equal(lab_jq(s.data, ".entries == []", NULL), 0);
	mg_str_free(&s);
}

/* nap_100ms - a tenth of a second */
static void
nap_100ms(void)
{
	struct timespec ts = { 0, 100000000L };

	(void)nanosleep(&ts, NULL);
}

/* paused - argv stopped by MAILGUARD_TEST_PAUSE_AT=step (SIGSTOP
 * there), its output into log; its pid once it is stopped (60 s at
 * most) */
static pid_t
paused(const char *const *argv, const char *step, const char *log)
{
	pid_t pid;
	int status, fd, i;

	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		(void)setenv("MAILGUARD_TEST_PAUSE_AT", step, 1);
		if ((fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0600)) >= 0) {
			(void)dup2(fd, 1);
			(void)dup2(fd, 2);
		}
		(void)execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	for (i = 0; i < 600; i++) {
		if (waitpid(pid, &status, WNOHANG | WUNTRACED) == pid) {
			if (WIFSTOPPED(status))
				return (pid);
			fail_msg("%s ended (status %d) before %s (see %s)",
			    argv[5], status, step, log);
		}
		nap_100ms();
	}
	(void)kill(pid, SIGKILL);
	(void)waitpid(pid, &status, 0);
	fail_msg("%s never paused at %s (see %s)", argv[5], step, log);
	return (-1);
}

/* append_in_place - another writer that ignores mailguard-tui's lock:
 * line appended to path in place (same inode, as an editor writing
 * through the file does) */
static void
append_in_place(const char *path, const char *line)
{
	int fd;

	assert_true((fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)) >= 0);
	assert_int_equal(write(fd, line, strlen(line)), (ssize_t)strlen(line));
	assert_int_equal(close(fd), 0);
}

/*
 * test_write_at_the_last_moment - fix --yes paused after its backups
 * ("backup") and again with the new main.cf written beside the old one
 * ("prepared", the last step before the rename); main.cf changed there
 * by a writer that ignores the lock (in place, and by postconf -e, which
 * renames): the fix installs nothing, says so with the difference, and
 * main.cf keeps that change byte for byte; the journal entry is not
 * "done" and holds no install
 */
static void
test_write_at_the_last_moment(void **state)
{
	static const char *const steps[] = { "backup", "prepared" };
	static const char *const again[] = { "fix", HYGIENE, "--yes", NULL };
	const char *dir = lab_dir(PFLAB, "wide-net");
	const char *setup[] = { "setup", "wide-net", dir, NULL };
	char etc[4096], st[4200], maincf[4200], log[4200], filter[128];
	const char *fixv[] = { "./mailguard-tui", "--postfix", etc, "--state",
	    st, "fix", HYGIENE, "--yes", NULL };
	char edited[MG_SHA256_HEX], now[MG_SHA256_HEX];
	const char *postconf[] = { "postconf", "-c", etc, "-e",
	    "smtpd_banner = $myhostname ESMTP renamed-at-the-last-moment",
	    NULL };
	const char *journal[] = { "./mailguard-tui", "--state", st,
	    "journal", "--json", NULL };
	struct mg_str out, s;
	size_t i;
	pid_t pid;

	(void)state;
	assert_int_equal(lab_script(PFLAB, setup), 0);
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	(void)snprintf(maincf, sizeof(maincf), "%s/main.cf", etc);
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++) {
		(void)snprintf(log, sizeof(log), "%s/fix-%s.log", dir,
		    steps[i]);
		pid = paused(fixv, steps[i], log);
		if (i == 0)
			append_in_place(maincf, "# written-in-place\n");
		else {
			assert_int_equal(lab_capture(postconf, &s), 0);
			mg_str_free(&s);
		}
		sha(maincf, edited);
		assert_int_equal(kill(pid, SIGCONT), 0);
		assert_int_equal(exit_of(pid), 70);
		lab_slurp(log, &out);
		(void)printf("    paused at %s, main.cf changed:\n%s", steps[i],
		    mg_str_cstr(&out));
		assert_non_null(strstr(mg_str_cstr(&out), "changed while this "
		    "apply was installing it"));
		assert_non_null(strstr(mg_str_cstr(&out), i == 0 ?
		    "+# written-in-place" : "+smtpd_banner = $myhostname "
		    "ESMTP renamed-at-the-last-moment"));
		assert_null(strstr(mg_str_cstr(&out), "installed "));
		assert_null(strstr(mg_str_cstr(&out), "applied, reloaded"));
		mg_str_free(&out);
		sha(maincf, now);
		assert_string_equal(now, edited);	/* the change kept */
		assert_false(hygienic(etc));
		assert_int_equal(lab_capture(journal, &s), 0);
		(void)snprintf(filter, sizeof(filter), ".entries | length == "
		    "%zu and all(.state != \"done\")", i + 1);
		assert_int_equal(lab_jq(s.data, filter, NULL), 0);
		mg_str_free(&s);
	}
	/* and with nobody writing, the same fix goes through */
	assert_int_equal(mg_pf(etc, st, again, &out), 0);
	mg_str_free(&out);
	assert_true(hygienic(etc));
}

/*
 * test_rollback_write_at_the_last_moment - fix 1, then "rollback 1
 * --yes" paused with the old main.cf written beside the new one
 * ("restore-prepared", right before the rename); main.cf written in
 * place there: nothing restored, the write kept byte for byte, entry 1
 * still "done"; the next rollback refuses as for any edit since
 */
static void
test_rollback_write_at_the_last_moment(void **state)
{
	const char *dir = lab_dir(PFLAB, "wide-net");
	const char *setup[] = { "setup", "wide-net", dir, NULL };
	const char *fix[] = { "fix", HYGIENE, "--yes", NULL };
	const char *back[] = { "rollback", "1", "--yes", NULL };
	char etc[4096], st[4200], maincf[4200], log[4200];
	char edited[MG_SHA256_HEX], now[MG_SHA256_HEX];
	const char *argv[] = { "./mailguard-tui", "--postfix", etc, "--state",
	    st, "rollback", "1", "--yes", NULL };
	const char *journal[] = { "./mailguard-tui", "--state", st,
	    "journal", "--json", NULL };
	struct mg_str out, s;
	pid_t pid;

	(void)state;
	assert_int_equal(lab_script(PFLAB, setup), 0);
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	(void)snprintf(maincf, sizeof(maincf), "%s/main.cf", etc);
	(void)snprintf(log, sizeof(log), "%s/rollback.log", dir);
	assert_int_equal(mg_pf(etc, st, fix, &out), 0);
	mg_str_free(&out);
	assert_true(hygienic(etc));

	pid = paused(argv, "restore-prepared", log);
	append_in_place(maincf, "# written-while-rolling-back\n");
	sha(maincf, edited);
	assert_int_equal(kill(pid, SIGCONT), 0);
	assert_int_not_equal(exit_of(pid), 0);
	lab_slurp(log, &out);
	(void)printf("%s", mg_str_cstr(&out));
	assert_non_null(strstr(mg_str_cstr(&out), "changed while this "
	    "rollback was restoring it"));
	assert_non_null(strstr(mg_str_cstr(&out),
	    "+# written-while-rolling-back"));
	assert_null(strstr(mg_str_cstr(&out), "rolled back"));
	mg_str_free(&out);
	sha(maincf, now);
	assert_string_equal(now, edited);
	assert_true(hygienic(etc));
	assert_int_equal(lab_capture(journal, &s), 0);
	assert_int_equal(lab_jq(s.data, "(.entries | length) == 1 and "
	    ".entries[0].state == \"done\"", NULL), 0);
	mg_str_free(&s);

	assert_int_not_equal(mg_pf(etc, st, back, &out), 0);
	assert_non_null(strstr(mg_str_cstr(&out), "changed since journal "
	    "entry 1 installed it"));
	mg_str_free(&out);
	sha(maincf, now);
	assert_string_equal(now, edited);
}

/*
 * test_failed_apply_keeps_a_later_write - fix --yes whose verification
 * fails (MAILGUARD_TEST_FAIL_LIVE) paused before its restore renames the
 * backup into place ("restore-prepared"); main.cf written in place
 * there: the backup is not put over it, main.cf keeps both the fix and
 * the write, the entry is "failed" and says why; the operator's rollback
 * then shows the write and refuses without --force
 */
static void
test_failed_apply_keeps_a_later_write(void **state)
{
	const char *dir = lab_dir(PFLAB, "wide-net");
	const char *setup[] = { "setup", "wide-net", dir, NULL };
	const char *back[] = { "rollback", "1", "--yes", NULL };
	char etc[4096], st[4200], maincf[4200], log[4200];
	char edited[MG_SHA256_HEX], now[MG_SHA256_HEX];
	const char *argv[] = { "./mailguard-tui", "--postfix", etc, "--state",
	    st, "fix", HYGIENE, "--yes", NULL };
	const char *journal[] = { "./mailguard-tui", "--state", st,
	    "journal", "--json", NULL };
	struct mg_str out, s;
	pid_t pid;

	(void)state;
	assert_int_equal(lab_script(PFLAB, setup), 0);
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	(void)snprintf(maincf, sizeof(maincf), "%s/main.cf", etc);
	(void)snprintf(log, sizeof(log), "%s/fix-failed.log", dir);
	assert_int_equal(setenv("MAILGUARD_TEST_FAIL_LIVE", "1", 1), 0);
	pid = paused(argv, "restore-prepared", log);
	assert_int_equal(unsetenv("MAILGUARD_TEST_FAIL_LIVE"), 0);
	append_in_place(maincf, "# written-while-verifying\n");
	sha(maincf, edited);
	assert_int_equal(kill(pid, SIGCONT), 0);
	assert_int_equal(exit_of(pid), 70);
	lab_slurp(log, &out);
	(void)printf("%s", mg_str_cstr(&out));
	assert_non_null(strstr(mg_str_cstr(&out), "changed after this apply "
	    "installed it"));
	assert_non_null(strstr(mg_str_cstr(&out),
	    "+# written-while-verifying"));
	assert_null(strstr(mg_str_cstr(&out), "restored the previous files"));
	mg_str_free(&out);
	sha(maincf, now);
	assert_string_equal(now, edited);
	assert_true(hygienic(etc));
	assert_int_equal(lab_capture(journal, &s), 0);
	assert_int_equal(lab_jq(s.data, "(.entries | length) == 1 and "
	    ".entries[0].state == \"failed\"", NULL), 0);
	mg_str_free(&s);
	assert_int_not_equal(mg_pf(etc, st, back, &out), 0);
	assert_non_null(strstr(mg_str_cstr(&out), "+# written-while-"
	    "verifying"));
	mg_str_free(&out);
	sha(maincf, now);
	assert_string_equal(now, edited);
}

/* setup - a temp root */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-lost");
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_concurrent_fixes),
		cmocka_unit_test(test_rollback_after_edit),
		cmocka_unit_test(test_rollback_newest_first),
		cmocka_unit_test(test_apply_after_edit_refused),
		cmocka_unit_test(test_write_at_the_last_moment),
		cmocka_unit_test(test_rollback_write_at_the_last_moment),
		cmocka_unit_test(test_failed_apply_keeps_a_later_write),
	};

	return (cmocka_run_group_tests(tests, setup, lab_teardown));
}
