/*
 * test_lab_tables.c - what the binary reads besides main.cf, on lab Postfix
 * configurations: the mail log is a regular file or nothing (never its own
 * output, never a FIFO it would wait on).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../core/mg_file.h"
#include "../../core/mg_str.h"
#include "lab_util.h"

#define LAB "tests/lab/postfix/lab.sh"

/* setup_instance - lab.sh setup SCENARIO DIR (not started) */
static const char *
setup_instance(const char *scenario)
{
	const char *dir = lab_dir(LAB, scenario);
	const char *setup[] = { "setup", scenario, dir, NULL };

	assert_int_equal(lab_script(LAB, setup), 0);
	return (dir);
}

/* set_param - postconf -c DIR/etc -e KV, main.cf then backdated as
 * lab.sh's settle does (Postfix polls a main.cf younger than 1 s) */
static void
set_param(const char *dir, const char *kv)
{
	char etc[4096], cf[4200];
	const char *argv[] = { "postconf", "-c", etc, "-e", kv, NULL };
	struct mg_str out;
	struct timespec ts[2];

	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	assert_int_equal(lab_capture(argv, &out), 0);
	mg_str_free(&out);
	(void)snprintf(cf, sizeof(cf), "%s/main.cf", etc);
	ts[0].tv_sec = ts[1].tv_sec = time(NULL) - 2;
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	assert_int_equal(utimensat(AT_FDCWD, cf, ts, 0), 0);
}

/*
 * report_to_file - ./mailguard-tui --postfix DIR/etc report --json with
 * its standard output a regular file (as "> out.json" makes it), killed
 * after limit seconds; the exit code, or -1 if it had to be killed.  The
 * seconds it took into *secs.
 */
static int
report_to_file(const char *dir, const char *out, int limit, double *secs)
{
	char etc[4096];
	struct timespec t0, t1;
	pid_t pid;
	int fd, st, killed = 0;

	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	assert_true((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
	    0600)) >= 0);
	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		if (dup2(fd, 1) < 0)
			_exit(127);
		(void)execl("./mailguard-tui", "mailguard-tui", "--postfix",
		    etc, "report", "--json", (char *)NULL);
		_exit(127);
	}
	(void)close(fd);
	for (;;) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			break;
		(void)clock_gettime(CLOCK_MONOTONIC, &t1);
		if (!killed && t1.tv_sec - t0.tv_sec >= limit) {
			(void)kill(pid, SIGKILL);
			killed = 1;
		}
		(void)usleep(20000);
	}
	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	*secs = (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (killed || !WIFEXITED(st))
		return (-1);
	return (WEXITSTATUS(st));
}

/* read_out - the report written to out */
static void
read_out(const char *out, struct mg_str *json)
{
	struct mg_err err;

	mg_str_init(json);
	if (mg_file_read(out, 16 * 1024 * 1024, json, NULL, &err) < 0)
		fail_msg("%s", err.msg);
}

/* exit_ok - report's exit codes with findings (0-2) are fine here */
static void
exit_ok(int rc, double secs)
{
	if (rc < 0 || rc > 2)
		fail_msg("report exited %d after %.1f s", rc, secs);
}

/*
 * test_maillog_stdout_not_read - maillog_file = /dev/stdout (Postfix in a
 * container) and "report --json > out.json": the report is valid JSON, its
 * unread list says the log is not a regular file... or our own output, and
 * no mail log was read (no evidence names /dev/stdout)
 */
static void
test_maillog_stdout_not_read(void **state)
{
	const char *dir = setup_instance("stock");
	char out[4096];
	struct mg_str json;
	double secs;
	int rc;

	(void)state;
	set_param(dir, "maillog_file = /dev/stdout");
	(void)snprintf(out, sizeof(out), "%s/out.json", dir);
	rc = report_to_file(dir, out, 60, &secs);
	exit_ok(rc, secs);
	read_out(out, &json);
	assert_int_equal(lab_jq(mg_str_cstr(&json), "[.unread[] | "
	    "select(startswith(\"mail log not read: /dev/stdout: \") and "
	    "contains(\"own standard input or output\"))] | length == 1",
	    NULL), 0);
	assert_int_equal(lab_jq(mg_str_cstr(&json), "[.. | strings | "
	    "select(contains(\"the mail log shows\"))] | length == 0", NULL),
	    0);
	mg_str_free(&json);
}

/* test_maillog_fifo_does_not_hang - maillog_file names a FIFO nobody
 * writes to: report finishes (killed after 60 s otherwise) and says why
 * the log was not read */
static void
test_maillog_fifo_does_not_hang(void **state)
{
	const char *dir = setup_instance("stock");
	char out[4096], fifo[4096], kv[4200];
	struct mg_str json;
	double secs;
	int rc;

	(void)state;
	(void)snprintf(fifo, sizeof(fifo), "%s/log/fifo", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	(void)snprintf(kv, sizeof(kv), "maillog_file = %s", fifo);
	set_param(dir, kv);
	(void)snprintf(out, sizeof(out), "%s/out.json", dir);
	rc = report_to_file(dir, out, 60, &secs);
	exit_ok(rc, secs);
	read_out(out, &json);
	assert_int_equal(lab_jq(mg_str_cstr(&json), "[.unread[] | "
	    "select(startswith(\"mail log not read: \" + $a + \": not a "
	    "regular file (a FIFO\"))] | length == 1", fifo), 0);
	mg_str_free(&json);
}

/* teardown - stop and remove every instance; nothing may be left */
static int
teardown(void **state)
{
	int left;

	(void)state;
	lab_cleanup();
	left = lab_processes_left();
	return (left ? -1 : 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_maillog_stdout_not_read),
		cmocka_unit_test(test_maillog_fifo_does_not_hang),
	};

	lab_make_root("mg-lab-tables");
	return (cmocka_run_group_tests_name("lab tables", tests, NULL,
	    teardown));
}
