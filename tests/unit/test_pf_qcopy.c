/*
 * test_pf_qcopy.c - the purge's quarantine copy written straight under
 * its name (mg_qfile_copy_at) on queue files written by real Postfix in
 * the lab (tests/unit/data/pf_queue): the copy has the same bytes, never
 * replaces a file, says when the source is gone; and every copy cut
 * short - each prefix of a real queue file - is told from a whole one by
 * the reader a restore checks it with (mg_pf_queue_read).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../backends/postfix/pf_queue.h"
#include "../../backends/queue_act.h"
#include "../../core/mg_file.h"
#include "../../core/mg_queue.h"
#include "../../core/mg_str.h"
#include "mg_test.h"

#define DATA "tests/unit/data/pf_queue/"

/* A source directory (the data) and a quarantine (a temp dir). */
struct dirs {
	char q[64];
	int sfd, qfd;
};

/* open_dirs - the fixtures' directory and an empty quarantine */
static void
open_dirs(struct dirs *d)
{
	(void)snprintf(d->q, sizeof(d->q), "/tmp/mg-qcopy-XXXXXX");
	assert_non_null(mkdtemp(d->q));
	assert_true((d->sfd = open(DATA, O_RDONLY | O_DIRECTORY)) >= 0);
	assert_true((d->qfd = open(d->q, O_RDONLY | O_DIRECTORY)) >= 0);
}

/* close_dirs - the quarantine removed with its files */
static void
close_dirs(struct dirs *d, const char *const *names)
{
	size_t i;

	for (i = 0; names[i] != NULL; i++)
		(void)unlinkat(d->qfd, names[i], 0);
	(void)close(d->sfd);
	(void)close(d->qfd);
	assert_int_equal(rmdir(d->q), 0);
}

/* bytes - the bytes of dir/name into s */
static void
bytes(const char *dir, const char *name, struct mg_str *s)
{
	char path[256];
	struct mg_err err;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	mg_str_init(s);
	if (mg_file_read(path, MG_FILE_MAX, s, NULL, &err) < 0)
		fail_msg("%s", err.msg);
}

/* test_copy_same_bytes_whole - a real queue file copied: same bytes,
 * mode 0600, read back as a whole queue file with its sender */
static void
test_copy_same_bytes_whole(void **state)
{
	static const char *const names[] = { "long-sasl-root", NULL };
	struct mg_str a, b;
	struct mg_queue q;
	struct mg_err err;
	struct dirs d;
	struct stat st;

	(void)state;
	open_dirs(&d);
	assert_int_equal(mg_qfile_copy_at(d.sfd, names[0], d.qfd, names[0],
	    &err), 0);
	bytes(DATA, names[0], &a);
	bytes(d.q, names[0], &b);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	assert_int_equal(fstatat(d.qfd, names[0], &st, 0), 0);
	assert_int_equal(st.st_mode & 07777, 0600);
	mg_queue_init(&q);
	assert_int_equal(mg_pf_queue_read(d.qfd, names[0], "hold", &q, &err),
	    MG_PF_QFILE_OK);
	assert_int_equal(q.nmsgs, 1);
	assert_non_null(q.msgs[0].sender);
	mg_queue_free(&q);
	mg_str_free(&a);
	mg_str_free(&b);
	close_dirs(&d, names);
}

/* test_copy_never_replaces - a second copy under a name that exists
 * fails and leaves the first as it was; a source gone says 1 */
static void
test_copy_never_replaces(void **state)
{
	static const char *const names[] = { "long-alice", NULL };
	struct mg_str a, b;
	struct mg_err err;
	struct dirs d;

	(void)state;
	open_dirs(&d);
	assert_int_equal(mg_qfile_copy_at(d.sfd, names[0], d.qfd, names[0],
	    &err), 0);
	assert_int_equal(mg_qfile_copy_at(d.sfd, "short-sasl-root", d.qfd,
	    names[0], &err), -1);
	assert_non_null(strstr(err.msg, "create"));
	bytes(DATA, names[0], &a);
	bytes(d.q, names[0], &b);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	assert_int_equal(mg_qfile_copy_at(d.sfd, "no-such-file", d.qfd,
	    "no-such-file", &err), 1);
	assert_int_equal(faccessat(d.qfd, "no-such-file", F_OK, 0), -1);
	mg_str_free(&a);
	mg_str_free(&b);
	close_dirs(&d, names);
}

/* test_every_prefix_torn - each prefix of three real queue files (a
 * copy a crash cut short there) is not a whole queue file; only the
 * whole file is */
static void
test_every_prefix_torn(void **state)
{
	static const char *const fixtures[] = { "long-sasl-root",
	    "short-sasl-root", "short-done-rcpt", NULL };
	static const char *const names[] = { "torn", NULL };
	struct mg_str s;
	struct mg_queue q;
	struct mg_err err;
	struct dirs d;
	size_t i, len, whole, tried = 0;
	int fd;

	(void)state;
	open_dirs(&d);
	for (i = 0; fixtures[i] != NULL; i++) {
		bytes(DATA, fixtures[i], &s);
		whole = 0;
		for (len = 0; len <= s.len; len++) {
			(void)unlinkat(d.qfd, names[0], 0);
			fd = openat(d.qfd, names[0], O_WRONLY | O_CREAT |
			    O_EXCL, 0600);
			assert_true(fd >= 0);
			assert_int_equal(write(fd, s.data, len),
			    (ssize_t)len);
			(void)close(fd);
			mg_queue_init(&q);
			if (mg_pf_queue_read(d.qfd, names[0], "hold", &q,
			    &err) == MG_PF_QFILE_OK) {
				whole++;
				assert_int_equal(len, s.len);
			}
			mg_queue_free(&q);
			tried++;
		}
		assert_int_equal(whole, 1);
		mg_str_free(&s);
	}
	(void)printf("    %zu prefixes read: only the 3 whole files pass\n",
	    tried);
	close_dirs(&d, names);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_same_bytes_whole),
		cmocka_unit_test(test_copy_never_replaces),
		cmocka_unit_test(test_every_prefix_torn),
	};

	return (cmocka_run_group_tests_name("pf_qcopy", tests, NULL, NULL));
}
