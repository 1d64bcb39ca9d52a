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

/* hold_with - a temp "hold/" directory holding a copy of fixture name
 * (owner root, as the test runs), open as *hfd; its path into dir */
static void
hold_with(const char *name, char *dir, size_t len, int *hfd)
{
	struct mg_err err;
	int sfd;

	(void)snprintf(dir, len, "/tmp/mg-qhold-XXXXXX");
	assert_non_null(mkdtemp(dir));
	assert_true((*hfd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0);
	assert_true((sfd = open(DATA, O_RDONLY | O_DIRECTORY)) >= 0);
	assert_int_equal(mg_qfile_copy_at(sfd, name, *hfd, name, &err), 0);
	(void)close(sfd);
}

/* test_link_shares_inode - a queue file linked into the quarantine: the
 * same inode, two links; its bytes stay whole and readable once the
 * queue's name is deleted, and detaching it then changes nothing */
static void
test_link_shares_inode(void **state)
{
	static const char *const names[] = { "long-sasl-root", NULL };
	char hold[64];
	struct mg_str a, b;
	struct mg_queue q;
	struct mg_err err;
	struct stat hs, qs;
	struct dirs d;
	int hfd;

	(void)state;
	open_dirs(&d);
	hold_with(names[0], hold, sizeof(hold), &hfd);
	assert_int_equal(mg_qfile_link_at(hfd, names[0], d.qfd, names[0],
	    getuid(), &err), 0);
	assert_int_equal(fstatat(hfd, names[0], &hs, 0), 0);
	assert_int_equal(fstatat(d.qfd, names[0], &qs, 0), 0);
	assert_true(hs.st_ino == qs.st_ino);
	assert_int_equal(qs.st_nlink, 2);
	/* postsuper -d: the queue's name goes, the bytes stay */
	assert_int_equal(unlinkat(hfd, names[0], 0), 0);
	assert_int_equal(mg_qfile_detach(d.qfd, d.q, names[0], &err), 0);
	assert_int_equal(fstatat(d.qfd, names[0], &hs, 0), 0);
	assert_true(hs.st_ino == qs.st_ino);
	assert_int_equal(hs.st_nlink, 1);
	bytes(DATA, names[0], &a);
	bytes(d.q, names[0], &b);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	mg_queue_init(&q);
	assert_int_equal(mg_pf_queue_read(d.qfd, names[0], "hold", &q, &err),
	    MG_PF_QFILE_OK);
	assert_int_equal(q.nmsgs, 1);
	mg_queue_free(&q);
	/* gone, and a name taken: never over it */
	assert_int_equal(mg_qfile_link_at(hfd, "no-such-file", d.qfd,
	    "no-such-file", getuid(), &err), 1);
	assert_int_equal(faccessat(d.qfd, "no-such-file", F_OK, 0), -1);
	mg_str_free(&a);
	mg_str_free(&b);
	(void)close(hfd);
	assert_int_equal(rmdir(hold), 0);
	close_dirs(&d, names);
}

/* test_link_refused - not linked (2, nothing left in the quarantine): a
 * file of another owner, one with a third link, a symbolic link; a
 * name the quarantine has already: an error, the entry unchanged */
static void
test_link_refused(void **state)
{
	static const char *const names[] = { "long-alice", NULL };
	char hold[64];
	struct mg_err err;
	struct stat st, qs;
	struct dirs d;
	int hfd;

	(void)state;
	open_dirs(&d);
	hold_with(names[0], hold, sizeof(hold), &hfd);
	assert_int_equal(mg_qfile_link_at(hfd, names[0], d.qfd, names[0],
	    getuid() + 1, &err), 2);
	assert_int_equal(faccessat(d.qfd, names[0], F_OK, 0), -1);
	assert_int_equal(linkat(hfd, names[0], hfd, "third", 0), 0);
	assert_int_equal(mg_qfile_link_at(hfd, names[0], d.qfd, names[0],
	    getuid(), &err), 2);
	assert_int_equal(faccessat(d.qfd, names[0], F_OK, 0), -1);
	assert_int_equal(unlinkat(hfd, "third", 0), 0);
	assert_int_equal(symlinkat(names[0], hfd, "sym"), 0);
	assert_int_equal(mg_qfile_link_at(hfd, "sym", d.qfd, "sym", getuid(),
	    &err), 2);
	assert_int_equal(fstatat(d.qfd, "sym", &st, AT_SYMLINK_NOFOLLOW), -1);
	assert_int_equal(unlinkat(hfd, "sym", 0), 0);
	/* the one that may: then never over an entry */
	assert_int_equal(mg_qfile_link_at(hfd, names[0], d.qfd, names[0],
	    getuid(), &err), 0);
	assert_int_equal(fstatat(d.qfd, names[0], &qs, 0), 0);
	assert_int_equal(mg_qfile_copy_at(d.sfd, "short-sasl-root", hfd,
	    "other", &err), 0);
	assert_int_equal(mg_qfile_link_at(hfd, "other", d.qfd, names[0],
	    getuid(), &err), -1);
	assert_int_equal(fstatat(d.qfd, names[0], &st, 0), 0);
	assert_true(st.st_ino == qs.st_ino);
	assert_int_equal(unlinkat(hfd, "other", 0), 0);
	assert_int_equal(unlinkat(hfd, names[0], 0), 0);
	(void)close(hfd);
	assert_int_equal(rmdir(hold), 0);
	close_dirs(&d, names);
}

/* test_detach_own_file - a link whose queue file is still there made a
 * file of its own: a new inode with the same bytes, root's 0600, one
 * link; the queue file keeps its inode, bytes and mode, now one link */
static void
test_detach_own_file(void **state)
{
	static const char *const names[] = { "short-sasl-root", NULL };
	char hold[64];
	struct mg_str a, b;
	struct mg_err err;
	struct stat h0, h1, q1;
	struct dirs d;
	int hfd;

	(void)state;
	open_dirs(&d);
	hold_with(names[0], hold, sizeof(hold), &hfd);
	assert_int_equal(fchmodat(hfd, names[0], 0700, 0), 0);
	assert_int_equal(mg_qfile_link_at(hfd, names[0], d.qfd, names[0],
	    getuid(), &err), 0);
	assert_int_equal(fstatat(hfd, names[0], &h0, 0), 0);
	assert_int_equal(h0.st_nlink, 2);
	assert_int_equal(mg_qfile_detach(d.qfd, d.q, names[0], &err), 0);
	assert_int_equal(fstatat(hfd, names[0], &h1, 0), 0);
	assert_int_equal(fstatat(d.qfd, names[0], &q1, 0), 0);
	assert_true(h1.st_ino == h0.st_ino);
	assert_int_equal(h1.st_nlink, 1);
	assert_int_equal(h1.st_mode & 07777, 0700);
	assert_true(q1.st_ino != h0.st_ino);
	assert_int_equal(q1.st_nlink, 1);
	assert_int_equal(q1.st_mode & 07777, 0600);
	assert_int_equal(q1.st_uid, 0);
	bytes(hold, names[0], &a);
	bytes(d.q, names[0], &b);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	/* no entry by that name: nothing to do */
	assert_int_equal(mg_qfile_detach(d.qfd, d.q, "no-such-file", &err), 0);
	mg_str_free(&a);
	mg_str_free(&b);
	assert_int_equal(unlinkat(hfd, names[0], 0), 0);
	(void)close(hfd);
	assert_int_equal(rmdir(hold), 0);
	close_dirs(&d, names);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_copy_same_bytes_whole),
		cmocka_unit_test(test_copy_never_replaces),
		cmocka_unit_test(test_every_prefix_torn),
		cmocka_unit_test(test_link_shares_inode),
		cmocka_unit_test(test_link_refused),
		cmocka_unit_test(test_detach_own_file),
	};

	return (cmocka_run_group_tests_name("pf_qcopy", tests, NULL, NULL));
}
