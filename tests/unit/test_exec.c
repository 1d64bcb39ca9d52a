/* test_exec.c - fork/execve: output, stdin, limits, timeout, no shell. */
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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_mask_inherited),
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
