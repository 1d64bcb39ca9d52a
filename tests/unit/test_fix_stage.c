/* test_fix_stage.c - fixes staged in memory, and their unified diff. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../engine/fix_diff.h"
#include "../../engine/fix_stage.h"
#include "mg_test.h"

static const char *old_cf =
    "a = 1\nb = 2\nc = 3\nd = 4\ne = 5\n"
    "mynetworks = 1.2.3.4/8,\n    10.0.0.0/8,\n    192.168.0.0/16\n"
    "f = 6\ng = 7\nh = 8\ni = 9\nj = 10\nk = 11\n";

/* What diff -u old.cf new.cf printed (GNU diffutils 3.8), after the
 * file names. */
static const char *want_diff =
    "--- etc/test.cf\n+++ etc/test.cf\n"
    "@@ -1,14 +1,15 @@\n"
    " a = 1\n-b = 2\n+B1\n+B2\n+B3\n c = 3\n d = 4\n e = 5\n"
    "-mynetworks = 1.2.3.4/8,\n-    10.0.0.0/8,\n-    192.168.0.0/16\n"
    "+mynetworks = 1.2.3.4/32\n"
    " f = 6\n g = 7\n h = 8\n i = 9\n j = 10\n k = 11\n+x = y\n";

static char dir[64], path[128];

/* setup - a temp dir with the file */
static int
setup(void **state)
{
	FILE *fp;

	(void)state;
	(void)snprintf(dir, sizeof(dir), "/tmp/mg-test-stage.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return (-1);
	(void)snprintf(path, sizeof(path), "%s/test.cf", dir);
	if ((fp = fopen(path, "w")) == NULL)
		return (-1);
	(void)fputs(old_cf, fp);
	return (fclose(fp));
}

/* teardown - remove them */
static int
teardown(void **state)
{
	(void)state;
	(void)unlink(path);
	return (rmdir(dir));
}

/* fix_with - a fix holding the three edits */
static void
fix_with(struct mg_fix *x, const char *replace_old)
{
	memset(x, 0, sizeof(*x));
	x->id = mg_xstrdup("test.fix");
	x->title = mg_xstrdup("test");
	(void)mg_fix_replace_line(x, path, 2, replace_old, "B1\nB2\nB3");
	(void)mg_fix_set_param(x, path, 6, "mynetworks", "1.2.3.4/8, ...",
	    "1.2.3.4/32");
	(void)mg_fix_set_param(x, path, 0, "x", NULL, "y");
}

/* free_fix - as mg_report_free would */
static void
free_fix(struct mg_fix *x)
{
	struct mg_report r;

	mg_report_init(&r);
	r.fixes = x;
	r.nfixes = 1;
	r.fixes_cap = 1;
	mg_report_free(&r);
}

/* test_stage_and_diff - replace with more lines, a continued setting,
 * an appended one; the diff is diff -u's */
static void
test_stage_and_diff(void **state)
{
	struct mg_fix *x = mg_xcalloc(1, sizeof(*x));
	const struct mg_fix *fixes[1] = { x };
	struct mg_stage st;
	struct mg_str text, diff = MG_STR_INIT;
	struct mg_err err;

	(void)state;
	fix_with(x, "b = 2");
	assert_int_equal(mg_stage_fixes(fixes, 1, &st, &err), 0);
	assert_int_equal(st.nfiles, 1);
	mg_stage_text(&st.files[0], &text);
	assert_string_equal(mg_str_cstr(&text), "a = 1\nB1\nB2\nB3\nc = 3\n"
	    "d = 4\ne = 5\nmynetworks = 1.2.3.4/32\nf = 6\ng = 7\nh = 8\n"
	    "i = 9\nj = 10\nk = 11\nx = y\n");
	mg_str_free(&text);
	mg_stage_diff(&st.files[0], "etc/test.cf", &diff);
	assert_string_equal(mg_str_cstr(&diff), want_diff);
	mg_str_free(&diff);
	mg_stage_free(&st);
	free_fix(x);
}

/* test_changed_file_refused - the line no longer reads what the check
 * saw: nothing staged, and the error says which line */
static void
test_changed_file_refused(void **state)
{
	struct mg_fix *x = mg_xcalloc(1, sizeof(*x));
	const struct mg_fix *fixes[1] = { x };
	struct mg_stage st;
	struct mg_err err;

	(void)state;
	fix_with(x, "b = 3");
	assert_int_equal(mg_stage_fixes(fixes, 1, &st, &err), -1);
	assert_non_null(strstr(err.msg, "test.cf:2 no longer reads"));
	assert_int_equal(st.nfiles, 0);
	free_fix(x);
}

/* test_nul_byte_refused - a file holding a NUL byte would be written
 * back cut at it: nothing staged, and the error says which file */
static void
test_nul_byte_refused(void **state)
{
	static const char text[] = "a = 1\nb = 2\nc = \0003\nd = 4\n";
	struct mg_fix *x = mg_xcalloc(1, sizeof(*x));
	const struct mg_fix *fixes[1] = { x };
	struct mg_stage st;
	struct mg_err err;
	char nul_path[160];
	FILE *fp;

	(void)state;
	(void)snprintf(nul_path, sizeof(nul_path), "%s/nul.cf", dir);
	assert_non_null(fp = fopen(nul_path, "w"));
	assert_int_equal(fwrite(text, 1, sizeof(text) - 1, fp),
	    sizeof(text) - 1);
	assert_int_equal(fclose(fp), 0);
	memset(x, 0, sizeof(*x));
	x->id = mg_xstrdup("test.fix");
	x->title = mg_xstrdup("test");
	(void)mg_fix_replace_line(x, nul_path, 2, "b = 2", "b = 3");
	assert_int_equal(mg_stage_fixes(fixes, 1, &st, &err), -1);
	assert_non_null(strstr(err.msg, "nul.cf"));
	assert_non_null(strstr(err.msg, "NUL byte"));
	assert_int_equal(st.nfiles, 0);
	free_fix(x);
	(void)unlink(nul_path);
}

/* test_same_line_twice_refused - two edits of one line */
static void
test_same_line_twice_refused(void **state)
{
	struct mg_fix *x = mg_xcalloc(1, sizeof(*x));
	const struct mg_fix *fixes[1] = { x };
	struct mg_stage st;
	struct mg_err err;

	(void)state;
	fix_with(x, "b = 2");
	(void)mg_fix_replace_line(x, path, 2, "b = 2", "other");
	assert_int_equal(mg_stage_fixes(fixes, 1, &st, &err), -1);
	assert_non_null(strstr(err.msg, "edited twice"));
	free_fix(x);
}

/* test_two_insertions_before_one_line - two fixes each putting a line
 * before "d = 4" (two ACL statements before one accept, as fix --all
 * stages them): both go in, in one order whichever fix comes first, as
 * one hunk; an edit that replaces the line is still refused */
static void
test_two_insertions_before_one_line(void **state)
{
	struct mg_fix *x = mg_xcalloc(1, sizeof(*x));
	struct mg_fix *y = mg_xcalloc(1, sizeof(*y));
	const struct mg_fix *fixes[2] = { x, y }, *back[2] = { y, x };
	struct mg_stage st;
	struct mg_str text, diff = MG_STR_INIT;
	struct mg_err err;
	int k;

	(void)state;
	x->id = mg_xstrdup("test.x");
	x->title = mg_xstrdup("x");
	y->id = mg_xstrdup("test.y");
	y->title = mg_xstrdup("y");
	(void)mg_fix_replace_line(x, path, 4, "d = 4", "deny x\nd = 4");
	(void)mg_fix_replace_line(y, path, 4, "d = 4", "deny y1\ndeny y2\n"
	    "d = 4");
	for (k = 0; k < 2; k++) {
		assert_int_equal(mg_stage_fixes(k == 0 ? fixes : back, 2, &st,
		    &err), 0);
		mg_stage_text(&st.files[0], &text);
		assert_non_null(strstr(mg_str_cstr(&text), "c = 3\ndeny y1\n"
		    "deny y2\ndeny x\nd = 4\ne = 5\n"));
		mg_str_free(&text);
		mg_stage_diff(&st.files[0], "etc/test.cf", &diff);
		assert_non_null(strstr(mg_str_cstr(&diff), "@@ -1,7 +1,10 @@\n"
		    " a = 1\n b = 2\n c = 3\n-d = 4\n+deny y1\n+deny y2\n"
		    "+deny x\n+d = 4\n e = 5\n"));
		mg_str_free(&diff);
		mg_stage_free(&st);
	}
	free_fix(y);
	/* a replacement of the line after an insertion: refused */
	y = mg_xcalloc(1, sizeof(*y));
	y->id = mg_xstrdup("test.y");
	y->title = mg_xstrdup("y");
	(void)mg_fix_replace_line(y, path, 4, "d = 4", "d = 5");
	fixes[1] = y;
	assert_int_equal(mg_stage_fixes(fixes, 2, &st, &err), -1);
	assert_non_null(strstr(err.msg, "edited twice"));
	free_fix(x);
	free_fix(y);
}

/* test_several_appends - two more settings appended (as fix --all
 * stages several fixes): one growing hunk at the end, diff -u's again */
static void
test_several_appends(void **state)
{
	struct mg_fix *x = mg_xcalloc(1, sizeof(*x));
	const struct mg_fix *fixes[1] = { x };
	struct mg_stage st;
	struct mg_str diff = MG_STR_INIT;
	struct mg_err err;
	/* diff -u of the two files (GNU diffutils 3.8) */
	const char *want = "--- etc/test.cf\n+++ etc/test.cf\n"
	    "@@ -1,14 +1,17 @@\n"
	    " a = 1\n-b = 2\n+B1\n+B2\n+B3\n c = 3\n d = 4\n e = 5\n"
	    "-mynetworks = 1.2.3.4/8,\n-    10.0.0.0/8,\n-    192.168.0.0/16\n"
	    "+mynetworks = 1.2.3.4/32\n"
	    " f = 6\n g = 7\n h = 8\n i = 9\n j = 10\n k = 11\n+x = y\n"
	    "+p = q\n+r = s\n";

	(void)state;
	fix_with(x, "b = 2");
	(void)mg_fix_set_param(x, path, 0, "p", NULL, "q");
	(void)mg_fix_set_param(x, path, 0, "r", NULL, "s");
	assert_int_equal(mg_stage_fixes(fixes, 1, &st, &err), 0);
	mg_stage_diff(&st.files[0], "etc/test.cf", &diff);
	assert_string_equal(mg_str_cstr(&diff), want);
	mg_str_free(&diff);
	mg_stage_free(&st);
	free_fix(x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stage_and_diff),
		cmocka_unit_test(test_changed_file_refused),
		cmocka_unit_test(test_same_line_twice_refused),
		cmocka_unit_test(test_nul_byte_refused),
		cmocka_unit_test(test_two_insertions_before_one_line),
		cmocka_unit_test(test_several_appends),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
