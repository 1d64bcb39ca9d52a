/* test_queue_stamp.c - the queue directories' stamp: the same while
 * nothing moves, another when a queue file is added, removed or renamed
 * (also in a hash subdirectory), a missing queue is empty, an unreadable
 * queue directory an error. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../core/mg_queue.h"
#include "mg_test.h"

static const char *const names[] = { "incoming", "active", "deferred",
	"hold", NULL };

/* path - DIR/REL into buf */
static const char *
path(char *buf, size_t sz, const char *dir, const char *rel)
{
	int n = snprintf(buf, sz, "%s/%s", dir, rel);

	assert_true(n > 0 && (size_t)n < sz);
	return (buf);
}

/* touch_new - create DIR/REL, empty */
static void
touch_new(const char *dir, const char *rel)
{
	char p[512];
	int fd;

	fd = open(path(p, sizeof(p), dir, rel), O_WRONLY | O_CREAT | O_EXCL,
	    0600);
	assert_true(fd >= 0);
	(void)close(fd);
}

/* stamp - the stamp of the queue under dir (must succeed) */
static unsigned long long
stamp(const char *dir)
{
	unsigned long long st = 0;
	struct mg_err err;

	mg_err_clear(&err);
	assert_int_equal(mg_queue_dirs_stamp(dir, names, &st, &err), 0);
	return (st);
}

/* test_stamp_moves - each change of the queue's files changes it */
static void
test_stamp_moves(void **state)
{
	char dir[] = "/tmp/mg-stamp.XXXXXX", p[512], q[512];
	unsigned long long a, b;
	struct mg_err err;

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(mkdir(path(p, sizeof(p), dir, "deferred"), 0700), 0);
	assert_int_equal(mkdir(path(p, sizeof(p), dir, "deferred/A"), 0700),
	    0);
	assert_int_equal(mkdir(path(p, sizeof(p), dir, "hold"), 0700), 0);
	touch_new(dir, "deferred/A/A1B2C3");
	/* incoming and active missing: empty, not an error */
	a = stamp(dir);
	assert_true(a == stamp(dir));

	touch_new(dir, "deferred/A/A4D5E6");	/* a new deferred message */
	b = stamp(dir);
	assert_true(b != a);
	assert_true(b == stamp(dir));

	/* deferred -> hold (postsuper -h): a rename */
	assert_int_equal(rename(path(p, sizeof(p), dir, "deferred/A/A4D5E6"),
	    path(q, sizeof(q), dir, "hold/A4D5E6")), 0);
	a = stamp(dir);
	assert_true(a != b);

	/* removed (delivered, purged) */
	assert_int_equal(unlink(path(p, sizeof(p), dir, "hold/A4D5E6")), 0);
	b = stamp(dir);
	assert_true(b != a);

	/* a queue that appears */
	assert_int_equal(mkdir(path(p, sizeof(p), dir, "active"), 0700), 0);
	a = stamp(dir);
	assert_true(a != b);

	/* no queue directory: an error that names it */
	mg_err_clear(&err);
	assert_int_equal(mg_queue_dirs_stamp("/nonexistent/mg-queue", names,
	    &a, &err), -1);
	assert_non_null(strstr(err.msg, "/nonexistent/mg-queue"));

	assert_int_equal(unlink(path(p, sizeof(p), dir, "deferred/A/A1B2C3")),
	    0);
	assert_int_equal(rmdir(path(p, sizeof(p), dir, "deferred/A")), 0);
	assert_int_equal(rmdir(path(p, sizeof(p), dir, "deferred")), 0);
	assert_int_equal(rmdir(path(p, sizeof(p), dir, "hold")), 0);
	assert_int_equal(rmdir(path(p, sizeof(p), dir, "active")), 0);
	assert_int_equal(rmdir(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stamp_moves),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
