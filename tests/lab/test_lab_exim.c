/*
 * test_lab_exim.c - the binary against real Exim (Debian's package
 * unpacked by tests/lab/exim/lab.sh): detection through exim -bV and the
 * main options through exim -C FILE -bP, on generated Debian configs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../core/mg_str.h"
#include "lab_util.h"

#define LAB "tests/lab/exim/lab.sh"

static char exim_bin[4096];

/* report_json - ./mailguard-tui --exim DIR/exim4.conf --exim-bin B report */
static int
report_json(const char *dir, struct mg_str *out)
{
	char conf[4096];
	const char *argv[] = { "./mailguard-tui", "--exim", conf,
	    "--exim-bin", exim_bin, "report", "--json", NULL };

	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	return (lab_capture(argv, out));
}

/* test_debian_stock_detected - version from -bV, config read with -bP */
static void
test_debian_stock_detected(void **state)
{
	const char *dir = lab_dir(LAB, "debian-stock-local");
	const char *setup[] = { "setup", "debian-stock-local", dir, NULL };
	struct mg_str out;
	int rc;

	(void)state;
	assert_int_equal(lab_script(LAB, setup), 0);
	rc = report_json(dir, &out);
	assert_true(rc == 0 || rc == 1);
	assert_int_equal(lab_jq(out.data, ".mta == \"exim\" and "
	    "(.version | test(\"^4\\\\.[0-9]+\"))", NULL), 0);
	assert_int_equal(lab_jq(out.data, ".config | endswith(\"exim4.conf\")",
	    NULL), 0);
	mg_str_free(&out);
}

/* test_missing_config_exits_3 - a config Exim cannot read is exit 3 */
static void
test_missing_config_exits_3(void **state)
{
	const char *argv[] = { "./mailguard-tui", "--exim",
	    "/nonexistent/exim4.conf", "--exim-bin", exim_bin, "report",
	    NULL };
	struct mg_exec_res res;

	(void)state;
	assert_int_equal(lab_run(&res, argv), 3);
	assert_true(res.err.len > 0);
	mg_exec_res_free(&res);
}

/* setup - private root, and the lab's exim binary */
static int
setup(void **state)
{
	const char *argv[] = { "sh", LAB, "bin", NULL };
	struct mg_exec_res res;

	(void)state;
	lab_make_root("mg-labtest-ex");
	if (lab_run(&res, argv) != 0 || res.out.len == 0) {
		(void)fprintf(stderr, "cannot find the lab's exim: %s\n",
		    mg_str_cstr(&res.err));
		mg_exec_res_free(&res);
		return (-1);
	}
	(void)snprintf(exim_bin, sizeof(exim_bin), "%.*s",
	    (int)strcspn(res.out.data, "\n"), res.out.data);
	mg_exec_res_free(&res);
	return (0);
}

/* teardown - destroy instances; nothing may be left running */
static int
teardown(void **state)
{
	(void)state;
	lab_cleanup();
	return (lab_processes_left() ? -1 : 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_stock_detected),
		cmocka_unit_test(test_missing_config_exits_3),
	};

	return (cmocka_run_group_tests_name("lab_exim", tests, setup,
	    teardown));
}
