/* test_exec.c - fork/execve: output, stdin, limits, timeout, no shell. */
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/mg_exec.h"
#include "mg_test.h"

/* run - helper: run argv with options, expect mg_exec to succeed */
static void
run(const char *const *argv, const char *input, size_t out_max,
    int timeout_ms, struct mg_exec_res *res)
{
	struct mg_exec_req req;
	struct mg_err err;

	memset(&req, 0, sizeof(req));
	req.argv = argv;
	req.input = input;
	req.input_len = input != NULL ? strlen(input) : 0;
	req.out_max = out_max;
	req.timeout_ms = timeout_ms;
	if (mg_exec(&req, res, &err) < 0)
		fail_msg("mg_exec: %s", err.msg);
}

/* test_output_and_status - stdout captured, exit status reported */
static void
test_output_and_status(void **state)
{
	const char *echo[] = { "echo", "hello", NULL };
	const char *f[] = { "false", NULL };
	struct mg_exec_res res;

	(void)state;
	run(echo, NULL, 0, 0, &res);
	assert_true(mg_exec_ok(&res));
	assert_string_equal(res.out.data, "hello\n");
	mg_exec_res_free(&res);
	run(f, NULL, 0, 0, &res);
	assert_false(mg_exec_ok(&res));
	assert_true(res.exited);
	assert_int_equal(res.exit_code, 1);
	mg_exec_res_free(&res);
}

/* test_no_shell - metacharacters are one literal argument */
static void
test_no_shell(void **state)
{
	const char *argv[] = { "echo", "a; rm -rf /tmp/nothing $(id) `id`",
	    NULL };
	struct mg_exec_res res;

	(void)state;
	run(argv, NULL, 0, 0, &res);
	assert_string_equal(res.out.data,
	    "a; rm -rf /tmp/nothing $(id) `id`\n");
	mg_exec_res_free(&res);
}

/* test_stdin_large - input larger than a pipe buffer goes through */
static void
test_stdin_large(void **state)
{
	const char *wc[] = { "wc", "-c", NULL };
	struct mg_exec_res res;
	char *big = malloc(300001);

	(void)state;
	memset(big, 'x', 300000);
	big[300000] = '\0';
	run(wc, big, 0, 0, &res);
	assert_string_equal(res.out.data, "300000\n");
	mg_exec_res_free(&res);
	free(big);
}

/* test_output_limit - output beyond the limit is dropped and flagged */
static void
test_output_limit(void **state)
{
	const char *argv[] = { "head", "-c", "100000", "/dev/zero", NULL };
	struct mg_exec_res res;

	(void)state;
	run(argv, NULL, 1000, 0, &res);
	assert_int_equal(res.out.len, 1000);
	assert_true(res.truncated);
	assert_true(res.exited);
	mg_exec_res_free(&res);
}

/* test_timeout_kills - a hung child is killed at the deadline */
static void
test_timeout_kills(void **state)
{
	const char *argv[] = { "sleep", "30", NULL };
	struct mg_exec_res res;

	(void)state;
	run(argv, NULL, 0, 200, &res);
	assert_true(res.timed_out);
	assert_false(mg_exec_ok(&res));
	assert_int_equal(res.signo, 9);
	mg_exec_res_free(&res);
}

/* test_closed_output_still_bounded - a child that closes its output and
 * keeps running is still killed at the deadline */
static void
test_closed_output_still_bounded(void **state)
{
	const char *argv[] = { "sh", "-c", "exec >&- 2>&-; sleep 30", NULL };
	struct mg_exec_res res;

	(void)state;
	run(argv, NULL, 0, 300, &res);
	assert_true(res.timed_out);
	assert_int_equal(res.signo, 9);
	mg_exec_res_free(&res);
}

/* test_stderr_and_env - stderr separate; environment is ours, not inherited */
static void
test_stderr_and_env(void **state)
{
	const char *env[] = { "env", NULL };
	const char *ls[] = { "ls", "/nonexistent-mg", NULL };
	struct mg_exec_res res;

	(void)state;
	setenv("MAIL_CONFIG", "/evil", 1);
	run(env, NULL, 0, 0, &res);
	assert_null(strstr(res.out.data, "MAIL_CONFIG"));
	assert_non_null(strstr(res.out.data, "LC_ALL=C"));
	mg_exec_res_free(&res);
	run(ls, NULL, 0, 0, &res);
	assert_false(mg_exec_ok(&res));
	assert_int_equal(res.out.len, 0);
	assert_non_null(strstr(res.err.data, "nonexistent-mg"));
	mg_exec_res_free(&res);
}

/* test_not_found - a missing command is an error with its name */
static void
test_not_found(void **state)
{
	const char *argv[] = { "no-such-command-mg", NULL };
	struct mg_exec_req req;
	struct mg_exec_res res;
	struct mg_err err;

	(void)state;
	memset(&req, 0, sizeof(req));
	req.argv = argv;
	assert_int_equal(mg_exec(&req, &res, &err), -1);
	assert_non_null(strstr(err.msg, "no-such-command-mg"));
	mg_exec_res_free(&res);
}

/* test_no_mask_inherited - a command started while the caller blocks
 * signals (the console's queue reader thread) has none blocked */
static void
test_no_mask_inherited(void **state)
{
	const char *argv[] = { "cat", "/proc/self/status", NULL };
	struct mg_exec_res res;
	sigset_t block, old;
	const char *blk;

	(void)state;
	(void)sigemptyset(&block);
	(void)sigaddset(&block, SIGTERM);
	(void)sigaddset(&block, SIGINT);
	assert_int_equal(sigprocmask(SIG_BLOCK, &block, &old), 0);
	run(argv, NULL, 0, 0, &res);
	assert_int_equal(sigprocmask(SIG_SETMASK, &old, NULL), 0);
	assert_true(mg_exec_ok(&res));
	blk = strstr(res.out.data, "SigBlk:");
	assert_non_null(blk);
	assert_memory_equal(blk, "SigBlk:\t0000000000000000\n", 25);
	mg_exec_res_free(&res);
}

#define EPIPE_ROUNDS 150
#define EPIPE_INPUT (256 * 1024)

static char *epipe_input;
static void (*epipe_disp)(int);

/* epipe_loop - thread: EPIPE_ROUNDS commands that exit without reading
 * a stdin bigger than a pipe holds (the writes to them fail, EPIPE);
 * how many went wrong (not run, not exit 0, a SIGPIPE left pending, the
 * thread's mask changed, or SIGPIPE's disposition not epipe_disp while
 * the other thread runs its commands) */
static void *
epipe_loop(void *arg)
{
	const char *argv[] = { "true", NULL };
	struct mg_exec_req req;
	struct mg_exec_res res;
	struct mg_err err;
	sigset_t before, after, pending;
	struct sigaction now;
	size_t i, *bad = arg;

	memset(&req, 0, sizeof(req));
	req.argv = argv;
	req.input = epipe_input;
	req.input_len = EPIPE_INPUT;
	(void)pthread_sigmask(SIG_SETMASK, NULL, &before);
	for (i = 0; i < EPIPE_ROUNDS; i++) {
		if (sigaction(SIGPIPE, NULL, &now) < 0 ||
		    now.sa_handler != epipe_disp)
			(*bad)++;
		if (mg_exec(&req, &res, &err) < 0) {
			(*bad)++;
			continue;
		}
		if (!mg_exec_ok(&res))
			(*bad)++;
		mg_exec_res_free(&res);
		(void)pthread_sigmask(SIG_SETMASK, NULL, &after);
		if (sigismember(&after, SIGPIPE) != sigismember(&before,
		    SIGPIPE))
			(*bad)++;
		if (sigpending(&pending) == 0 && sigismember(&pending,
		    SIGPIPE) == 1)
			(*bad)++;
	}
	return (NULL);
}

/* two_threads_epipe - two threads writing to children that are gone,
 * with SIGPIPE's disposition disp: the process lives, every command
 * ran, the disposition is still disp */
static void
two_threads_epipe(void (*disp)(int))
{
	struct sigaction sa, old, now;
	pthread_t t[2];
	size_t bad[2] = { 0, 0 };
	int i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = disp;
	(void)sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGPIPE, &sa, &old), 0);
	epipe_disp = disp;
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&t[i], NULL, epipe_loop,
		    &bad[i]), 0);
	for (i = 0; i < 2; i++)
		assert_int_equal(pthread_join(t[i], NULL), 0);
	assert_int_equal(sigaction(SIGPIPE, &old, &now), 0);
	assert_true(now.sa_handler == disp);
	assert_int_equal(bad[0], 0);
	assert_int_equal(bad[1], 0);
}

/* test_sigpipe_threads - commands run from two threads at once, each
 * fed more than it reads: SIGPIPE is never switched process-wide (it
 * stays default, or ignored, as the program set it) and kills nobody */
static void
test_sigpipe_threads(void **state)
{
	(void)state;
	epipe_input = malloc(EPIPE_INPUT);
	assert_non_null(epipe_input);
	memset(epipe_input, 'x', EPIPE_INPUT);
	two_threads_epipe(SIG_DFL);
	two_threads_epipe(SIG_IGN);
	free(epipe_input);
	epipe_input = NULL;
}

/* sig_field - the mask of line name ("SigIgn:") of a /proc status */
static unsigned long long
sig_field(const char *status, const char *name)
{
	const char *p = strstr(status, name);

	assert_non_null(p);
	return (strtoull(p + strlen(name), NULL, 16));
}

/* test_child_sigpipe_default - a command starts with SIGPIPE neither
 * ignored nor blocked, also when the caller ignores and blocks it */
static void
test_child_sigpipe_default(void **state)
{
	const char *argv[] = { "cat", "/proc/self/status", NULL };
	const unsigned long long bit = 1ULL << (SIGPIPE - 1);
	struct mg_exec_res res;
	struct sigaction ign, old;
	sigset_t block, oldmask;

	(void)state;
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	(void)sigemptyset(&ign.sa_mask);
	(void)sigemptyset(&block);
	(void)sigaddset(&block, SIGPIPE);
	assert_int_equal(sigaction(SIGPIPE, &ign, &old), 0);
	assert_int_equal(pthread_sigmask(SIG_BLOCK, &block, &oldmask), 0);
	run(argv, NULL, 0, 0, &res);
	assert_int_equal(pthread_sigmask(SIG_SETMASK, &oldmask, NULL), 0);
	assert_int_equal(sigaction(SIGPIPE, &old, NULL), 0);
	assert_true(mg_exec_ok(&res));
	assert_true((sig_field(res.out.data, "SigIgn:") & bit) == 0);
	assert_true((sig_field(res.out.data, "SigBlk:") & bit) == 0);
	mg_exec_res_free(&res);

	/* and the check sees an ignored SIGPIPE: a child that ignores it
	 * through its own parent (sh's trap) shows the bit */
	{
		const char *sh[] = { "sh", "-c", "trap '' PIPE; "
		    "cat /proc/self/status", NULL };

		run(sh, NULL, 0, 0, &res);
		assert_true(mg_exec_ok(&res));
		assert_true((sig_field(res.out.data, "SigIgn:") & bit) != 0);
		mg_exec_res_free(&res);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_mask_inherited),
		cmocka_unit_test(test_sigpipe_threads),
		cmocka_unit_test(test_child_sigpipe_default),
		cmocka_unit_test(test_output_and_status),
		cmocka_unit_test(test_no_shell),
		cmocka_unit_test(test_stdin_large),
		cmocka_unit_test(test_output_limit),
		cmocka_unit_test(test_timeout_kills),
		cmocka_unit_test(test_closed_output_still_bounded),
		cmocka_unit_test(test_stderr_and_env),
		cmocka_unit_test(test_not_found),
	};

	return (cmocka_run_group_tests_name("exec", tests, NULL, NULL));
}
