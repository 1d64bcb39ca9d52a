/*
 * test_lab_include_fifo - a report that must end, judged with real Exim:
 * a plain configuration whose relay_from_hosts comes from a relative
 * ".include" (real "exim -bV -C" accepts it) is reported with the right
 * finding at the included file's line, also when --exim names it by a
 * relative path (the model then missed the include, and report once
 * freed a string it never set there and died); a FIFO as the mail log
 * (--maillog, or Exim's own log_file_path) never blocks report or fix:
 * each ends under a timeout and says why the log was not read.
 */
#include <sys/stat.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../core/mg_file.h"
#include "../../core/mg_install.h"
#include "../../core/mg_str.h"
#include "lab_util.h"

#define EXLAB "tests/lab/exim/lab.sh"

static char exim_bin[4096];

/* run_bounded - argv with a 60 s limit; the exit code (fails the test if
 * it was killed: a crash or a hang); stdout and stderr in out */
static int
run_bounded(const char *const *argv, struct mg_str *out)
{
	struct mg_exec_req req;
	struct mg_exec_res res;
	struct mg_err err;
	int rc;

	memset(&req, 0, sizeof(req));
	req.argv = argv;
	req.timeout_ms = 60000;
	if (mg_exec(&req, &res, &err) < 0)
		fail_msg("%s: %s", argv[0], err.msg);
	if (!res.exited)
		fail_msg("%s did not end by itself (signal %d): %s",
		    argv[0], res.signo, mg_str_cstr(&res.err));
	rc = res.exit_code;
	mg_str_init(out);
	mg_str_append(out, res.out.data, res.out.len);
	mg_str_append(out, res.err.data, res.err.len);
	mg_exec_res_free(&res);
	return (rc);
}

/* put - a file with text (the lab's files are root's) */
static void
put(const char *path, const char *text)
{
	struct mg_err err;

	if (mg_install_file(path, text, strlen(text), 0644, 0, 0, &err) < 0)
		fail_msg("%s", err.msg);
}

/* replace_line - the line of path starting with prefix becomes text */
static void
replace_line(const char *path, const char *prefix, const char *text)
{
	struct mg_str s, out = MG_STR_INIT;
	const char *p, *nl;
	int found = 0;

	lab_slurp(path, &s);
	mg_str_init(&out);
	for (p = mg_str_cstr(&s); *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p) - 1;
		if (strncmp(p, prefix, strlen(prefix)) == 0) {
			mg_str_printf(&out, "%s\n", text);
			found = 1;
		} else
			mg_str_append(&out, p, (size_t)(nl - p + 1));
	}
	assert_true(found);
	put(path, mg_str_cstr(&out));
	mg_str_free(&s);
	mg_str_free(&out);
}

/* include_instance - incident1-fjord with its relay_from_hosts moved to
 * conf.d/relay.conf, named relatively; DIR */
static const char *
include_instance(void)
{
	const char *dir = lab_instance(EXLAB, "incident1-fjord", 0);
	char conf[4096], sub[4096], rel[4096];

	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	(void)snprintf(sub, sizeof(sub), "%s/conf.d", dir);
	(void)snprintf(rel, sizeof(rel), "%s/conf.d/relay.conf", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	put(rel, "hostlist   relay_from_hosts = <; 127.0.0.1 ; "
	    "210.140.12.34/8\n");
	replace_line(conf, "hostlist   relay_from_hosts",
	    ".include conf.d/relay.conf");
	return (dir);
}

/* test_relative_include_reported - Exim accepts the configuration; the
 * report ends normally (2: critical) naming the included line, with its
 * fix; fix --dry-run shows the edit in the included file */
static void
test_relative_include_reported(void **state)
{
	const char *dir = include_instance();
	char conf[4096], rel[4096];
	const char *bv[] = { exim_bin, "-C", conf, "-bV", NULL };
	const char *rep[] = { "./mailguard-tui", "--exim", conf, "--exim-bin",
	    exim_bin, "report", "--json", NULL };
	const char *fix[] = { "./mailguard-tui", "--exim", conf,
	    "--exim-bin", exim_bin, "fix", "exim.relay.narrow", "--dry-run",
	    NULL };
	char prog[4096];
	const char *relative[] = { "env", "-C", dir, prog, "--exim",
	    "exim4.conf", "--exim-bin", exim_bin, "report", "--json", NULL };
	struct mg_str out;

	(void)state;
	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	(void)snprintf(rel, sizeof(rel), "%s/conf.d/relay.conf", dir);
	assert_int_equal(run_bounded(bv, &out), 0);
	mg_str_free(&out);
	assert_int_equal(run_bounded(rep, &out), 2);
	assert_int_equal(lab_jq(mg_str_cstr(&out), "[.findings[] | "
	    "select(.id == \"exim.relay.public-hosts\") | .evidence[0] | "
	    "\"\\(.file):\\(.line)\"] == [$a + \":1\"]", rel), 0);
	assert_int_equal(lab_jq(mg_str_cstr(&out), "[.findings[] | "
	    "select(.id == \"exim.relay.public-hosts\") | .fixes[]] == "
	    "[\"exim.relay.narrow\"]", NULL), 0);
	mg_str_free(&out);
	/* --exim exim4.conf from inside DIR: the same finding, same line */
	assert_non_null(realpath("mailguard-tui", prog));
	assert_int_equal(run_bounded(relative, &out), 2);
	assert_int_equal(lab_jq(mg_str_cstr(&out), "[.findings[] | "
	    "select(.id == \"exim.relay.public-hosts\") | .evidence[0] | "
	    "\"\\(.file):\\(.line)\"] == [$a + \":1\"]", rel), 0);
	mg_str_free(&out);
	assert_int_equal(run_bounded(fix, &out), 0);
	assert_non_null(strstr(mg_str_cstr(&out), "210.140.12.34/32"));
	/* a patch for "patch -p0 -d /": the path without its "/" */
	assert_non_null(strstr(mg_str_cstr(&out), rel + 1));
	mg_str_free(&out);
}

/* test_fifo_log_never_waits - a FIFO nobody writes, as --maillog and as
 * Exim's own log: report and fix --dry-run end and say why */
static void
test_fifo_log_never_waits(void **state)
{
	const char *dir = lab_instance(EXLAB, "incident1-fjord", 0);
	char conf[4096], fifo[4096], mainlog[4096];
	const char *rep[] = { "./mailguard-tui", "--exim", conf, "--exim-bin",
	    exim_bin, "--maillog", fifo, "report", NULL };
	const char *fix[] = { "./mailguard-tui", "--exim", conf,
	    "--exim-bin", exim_bin, "--maillog", fifo, "fix", "--all",
	    "--dry-run", NULL };
	const char *own[] = { "./mailguard-tui", "--exim", conf, "--exim-bin",
	    exim_bin, "report", NULL };
	struct mg_str out;
	int rc;

	(void)state;
	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	(void)snprintf(fifo, sizeof(fifo), "%s/fifo", dir);
	(void)snprintf(mainlog, sizeof(mainlog), "%s/log/mainlog", dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	rc = run_bounded(rep, &out);
	assert_true(rc >= 0 && rc <= 2);
	assert_non_null(strstr(mg_str_cstr(&out), "not a regular file (a "
	    "FIFO"));
	mg_str_free(&out);
	rc = run_bounded(fix, &out);
	assert_true(rc >= 0 && rc <= 2);
	mg_str_free(&out);
	/* Exim's own mainlog a FIFO */
	(void)unlink(mainlog);
	assert_int_equal(mkfifo(mainlog, 0600), 0);
	rc = run_bounded(own, &out);
	assert_true(rc >= 0 && rc <= 2);
	assert_non_null(strstr(mg_str_cstr(&out), "not a regular file (a "
	    "FIFO"));
	mg_str_free(&out);
}

/* setup - the temp root and the Exim binary */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-incfifo");
	return (lab_exim_bin(exim_bin, sizeof(exim_bin)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_relative_include_reported),
		cmocka_unit_test(test_fifo_log_never_waits),
	};

	return (cmocka_run_group_tests_name("lab_include_fifo", tests, setup,
	    lab_teardown));
}
