/* test_journal.c - the journal, its backups, its lock, and atomic
 * install, in a temp directory. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../core/mg_exec.h"
#include "../../core/mg_file.h"
#include "../../core/mg_install.h"
#include "../../core/mg_lock.h"
#include "../../engine/fix_apply.h"
#include "../../engine/fix_hash.h"
#include "../../engine/mg_journal.h"
#include "mg_test.h"

static char root[64];
static char state[128], file[128], link_path[128];

/* put - write a file by the code under test */
static void
put(const char *path, const char *text, mode_t mode)
{
	struct mg_err err;

	assert_int_equal(mg_install_file(path, text, strlen(text), mode,
	    getuid(), getgid(), &err), 0);
}

/* get - a file's text */
static char *
get(const char *path)
{
	struct mg_str s = MG_STR_INIT;
	struct mg_err err;

	assert_int_equal(mg_file_read(path, MG_FILE_MAX, &s, NULL, &err), 0);
	return (mg_str_steal(&s));
}

/* test_backup_restore_exact - bytes (no final newline, a NUL-free
 * binary-ish line), mode 0640 back exactly; a file that did not exist
 * is removed again */
static void
test_backup_restore_exact(void **state_)
{
	static const char *orig = "mynetworks = 127.0.0.0/8\n\tx\xc3\xa9 end";
	char created[160], *t;
	struct mg_journal j;
	struct mg_jentry *v;
	struct mg_str log = MG_STR_INIT;
	struct mg_err err;
	struct stat sb;
	size_t n;
	long id;

	(void)state_;
	put(file, orig, 0640);
	(void)snprintf(created, sizeof(created), "%s/new.cf", root);
	assert_int_equal(mg_journal_open(&j, state, 1, &err), 0);
	id = mg_journal_begin(&j, "fix", "fix test", "--- diff", &err);
	assert_true(id > 0);
	assert_int_equal(mg_journal_backup(&j, id, file, &err), 0);
	assert_int_equal(mg_journal_backup(&j, id, created, &err), 0);
	put(file, "mynetworks = 127.0.0.0/8 [::1]/128\n", 0600);
	put(created, "new\n", 0644);

	assert_int_equal(mg_journal_entries(&j, 0, 1, &v, &n, &err), 0);
	assert_int_equal(n, 1);		/* still "applying" */
	assert_int_equal(v[0].nfiles, 2);
	assert_null(v[0].files[1].backup);
	assert_int_equal(mg_journal_restore(&j, &v[0], &log, &err), 0);
	mg_jentries_free(v, n);
	t = get(file);
	assert_string_equal(t, orig);
	free(t);
	assert_int_equal(stat(file, &sb), 0);
	assert_int_equal(sb.st_mode & 07777, 0640);
	assert_int_equal(access(created, F_OK), -1);
	assert_non_null(strstr(mg_str_cstr(&log), "restored"));
	assert_int_equal(mg_journal_set(&j, id, "state", "done"), 0);
	assert_int_equal(mg_journal_set(&j, id, "no_such_column", "x"), -1);
	assert_int_equal(mg_journal_entries(&j, 0, 1, &v, &n, &err), 0);
	assert_int_equal(n, 0);
	mg_jentries_free(v, n);
	assert_int_equal(mg_journal_entries(&j, id, 0, &v, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].summary, "fix test");
	assert_string_equal(v[0].diff, "--- diff");
	mg_jentries_free(v, n);
	mg_journal_close(&j);
	mg_str_free(&log);
}

/* test_lock_is_exclusive - a second locked open fails while the first
 * holds the lock, and works after it is closed */
static void
test_lock_is_exclusive(void **state_)
{
	struct mg_journal a, b;
	struct mg_err err;

	(void)state_;
	assert_int_equal(mg_journal_open(&a, state, 1, &err), 0);
	assert_int_equal(mg_journal_open(&b, state, 1, &err), -1);
	assert_non_null(strstr(err.msg, "another mailguard-tui"));
	mg_journal_close(&a);
	assert_int_equal(mg_journal_open(&b, state, 1, &err), 0);
	mg_journal_close(&b);
}

/* test_symlink_refused - install never writes through a symlink, and
 * backup refuses what is not a regular file */
static void
test_symlink_refused(void **state_)
{
	struct mg_journal j;
	struct mg_err err;
	char *t;

	(void)state_;
	put(file, "target\n", 0644);
	assert_int_equal(symlink(file, link_path), 0);
	assert_int_equal(mg_install_file(link_path, "x", 1, 0644, getuid(),
	    getgid(), &err), -1);
	assert_non_null(strstr(err.msg, "symbolic link"));
	t = get(file);
	assert_string_equal(t, "target\n");
	free(t);
	assert_int_equal(mg_journal_open(&j, state, 0, &err), 0);
	assert_int_equal(mg_journal_backup(&j, 99, link_path, &err), -1);
	mg_journal_close(&j);
}

/* test_ignored_remembered - ignore, list (sorted, no duplicates),
 * forget; the set survives closing and reopening */
static void
test_ignored_remembered(void **state_)
{
	struct mg_journal j;
	struct mg_err err;
	char **ids;
	size_t n, i;

	(void)state_;
	assert_int_equal(mg_journal_open(&j, state, 0, &err), 0);
	assert_int_equal(mg_journal_ignore(&j, "postfix.smtpd.hygiene", 1,
	    &err), 0);
	assert_int_equal(mg_journal_ignore(&j, "postfix.aliases.x", 1, &err),
	    0);
	assert_int_equal(mg_journal_ignore(&j, "postfix.smtpd.hygiene", 1,
	    &err), 0);
	mg_journal_close(&j);
	assert_int_equal(mg_journal_open(&j, state, 0, &err), 0);
	assert_int_equal(mg_journal_ignored(&j, &ids, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(ids[0], "postfix.aliases.x");
	assert_string_equal(ids[1], "postfix.smtpd.hygiene");
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	assert_int_equal(mg_journal_ignore(&j, "postfix.aliases.x", 0, &err),
	    0);
	assert_int_equal(mg_journal_ignored(&j, &ids, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(ids[0], "postfix.smtpd.hygiene");
	free(ids[0]);
	free(ids);
	mg_journal_close(&j);
}

/* test_qmsgs_rows - what a rollback records per message: rows replace
 * by (entry, ID), come back sorted, belong to one entry */
static void
test_qmsgs_rows(void **state_)
{
	struct mg_jqmsg put_rows[] = {
		{ .id = (char *)"B2", .held = 1 },
		{ .id = (char *)"A1", .ino = 4242, .state = (char *)"placed" },
	};
	struct mg_jqmsg again = { .id = (char *)"A1", .ino = 4242,
	    .new_id = (char *)"C3", .state = (char *)"back" };
	struct mg_journal j;
	struct mg_jqmsg *v;
	struct mg_err err;
	size_t n;

	(void)state_;
	assert_int_equal(mg_journal_open(&j, state, 0, &err), 0);
	assert_int_equal(mg_journal_qmsgs_put(&j, 7, put_rows, 2, &err), 0);
	assert_int_equal(mg_journal_qmsgs_put(&j, 7, &again, 1, &err), 0);
	assert_int_equal(mg_journal_qmsgs_put(&j, 8, &again, 1, &err), 0);
	mg_journal_close(&j);
	assert_int_equal(mg_journal_open(&j, state, 0, &err), 0);
	assert_int_equal(mg_journal_qmsgs(&j, 7, &v, &n, &err), 0);
	assert_int_equal(n, 2);
	assert_string_equal(v[0].id, "A1");
	assert_int_equal(v[0].held, 0);
	assert_int_equal(v[0].ino, 4242);
	assert_string_equal(v[0].new_id, "C3");
	assert_string_equal(v[0].state, "back");
	assert_string_equal(v[1].id, "B2");
	assert_int_equal(v[1].held, 1);
	assert_null(v[1].new_id);
	assert_null(v[1].state);
	mg_jqmsgs_free(v, n);
	assert_int_equal(mg_journal_qmsgs(&j, 9, &v, &n, &err), 0);
	assert_int_equal(n, 0);
	mg_jqmsgs_free(v, n);
	mg_journal_close(&j);
}

/* test_install_copy_never_replaces - a copy put in place without
 * replace refuses an existing file (1, the file untouched, no temp file
 * left), gets the mode asked for and reports the inode it has */
static void
test_install_copy_never_replaces(void **state_)
{
	char src[160], dst[160];
	struct mg_err err;
	struct stat st;
	struct dirent *de;
	ino_t ino = 0;
	char *text;
	DIR *d;
	int fd;

	(void)state_;
	(void)snprintf(src, sizeof(src), "%s/copy-src", root);
	(void)snprintf(dst, sizeof(dst), "%s/copy-dst", root);
	put(src, "queue file bytes\n", 0600);
	assert_true((fd = open(src, O_RDONLY)) >= 0);
	assert_int_equal(mg_install_copy(fd, dst, 1024, 0700, getuid(),
	    getgid(), 0, &ino, &err), 0);
	assert_int_equal(stat(dst, &st), 0);
	assert_int_equal(st.st_ino, ino);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(st.st_nlink, 1);
	put(src, "other bytes\n", 0600);
	(void)close(fd);
	assert_true((fd = open(src, O_RDONLY)) >= 0);
	assert_int_equal(mg_install_copy(fd, dst, 1024, 0700, getuid(),
	    getgid(), 0, NULL, &err), 1);
	text = get(dst);
	assert_string_equal(text, "queue file bytes\n");
	free(text);
	/* too large: refused, nothing left behind */
	assert_int_equal(mg_install_copy(fd, dst, 4, 0700, getuid(),
	    getgid(), 1, NULL, &err), -1);
	(void)close(fd);
	text = get(dst);
	assert_string_equal(text, "queue file bytes\n");
	free(text);
	assert_non_null(d = opendir(root));
	while ((de = readdir(d)) != NULL)
		assert_true(strncmp(de->d_name, ".mailguard.", 11) != 0);
	(void)closedir(d);
}

/* test_install_copy_by_dirfd - a copy prepared in a directory fd has
 * its inode before it has its name (what the journal records before the
 * link), is put in place by name relative to that fd even when the
 * path to the directory is swapped for a symlink meanwhile, and leaves
 * no temp file; an existing name is never replaced (1) */
static void
test_install_copy_by_dirfd(void **state_)
{
	char src[160], dir[160], moved[160], path[200], tmp[MG_INSTALL_TMP];
	struct mg_err err;
	struct stat st;
	ino_t ino = 0;
	char *text;
	int fd, dfd;

	(void)state_;
	(void)snprintf(src, sizeof(src), "%s/dirfd-src", root);
	(void)snprintf(dir, sizeof(dir), "%s/dirfd-dir", root);
	(void)snprintf(moved, sizeof(moved), "%s/dirfd-moved", root);
	put(src, "spool bytes\n", 0600);
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_true((dfd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0);
	assert_true((fd = open(src, O_RDONLY)) >= 0);
	assert_int_equal(mg_install_copy_prepare(dfd, dir, fd, 1024, 0640,
	    getuid(), getgid(), tmp, &ino, &err), 0);
	assert_int_equal(strncmp(tmp, ".mailguard.", 11), 0);
	assert_int_equal(strlen(tmp), 17);
	/* the directory's path now leads elsewhere: the fd still holds */
	assert_int_equal(rename(dir, moved), 0);
	assert_int_equal(symlink(src, dir), 0);
	assert_int_equal(mg_install_copy_commit(dfd, dir, tmp, "ID-H", 0,
	    &err), 0);
	(void)snprintf(path, sizeof(path), "%s/ID-H", moved);
	assert_int_equal(lstat(path, &st), 0);
	assert_int_equal(st.st_ino, ino);
	assert_int_equal(st.st_nlink, 1);
	assert_int_equal(st.st_mode & 07777, 0640);
	(void)snprintf(path, sizeof(path), "%s/%s", moved, tmp);
	assert_int_equal(access(path, F_OK), -1);
	/* never over an existing name; the temp file removed */
	assert_int_equal(mg_install_copy_at(dfd, dir, fd, "ID-H", 1024, 0640,
	    getuid(), getgid(), 0, NULL, &err), 1);
	assert_int_equal(mg_install_copy_at(dfd, dir, fd, "ID-D", 1024, 0640,
	    getuid(), getgid(), 1, NULL, &err), 0);
	(void)snprintf(path, sizeof(path), "%s/ID-D", moved);
	text = get(path);
	assert_string_equal(text, "spool bytes\n");
	free(text);
	(void)close(fd);
	(void)close(dfd);
	assert_non_null(text = get(src));	/* not written through */
	assert_string_equal(text, "spool bytes\n");
	free(text);
}

/* test_fault_fail - the failure hook names one step */
static void
test_fault_fail(void **state_)
{
	(void)state_;
	assert_int_equal(setenv("MAILGUARD_TEST_FAIL_AT", "restore-scan", 1),
	    0);
	assert_int_equal(mg_fault_fail("restore-scan"), 1);
	assert_int_equal(mg_fault_fail("restore-rescan"), 0);
	assert_int_equal(unsetenv("MAILGUARD_TEST_FAIL_AT"), 0);
	assert_int_equal(mg_fault_fail("restore-scan"), 0);
}

/* test_config_lock - the lock on a configuration directory: a second
 * taker is refused naming the holder's pid (/proc/locks); free again
 * once released */
static void
test_config_lock(void **state_)
{
	struct mg_lock a, b;
	struct mg_err err;
	char want[160];
	int fds[2], back[2];
	pid_t pid;
	char c;

	(void)state_;
	assert_int_equal(mg_config_lock(&a, root, &err), 0);
	/* flock is per open file: a second open in this process conflicts
	 * as another process would */
	assert_int_equal(mg_config_lock(&b, root, &err), -1);
	(void)snprintf(want, sizeof(want), "is changing %s (pid %ld)", root,
	    (long)getpid());
	assert_non_null(strstr(err.msg, want));
	mg_config_unlock(&a);
	/* a child holds it: its pid is named */
	assert_int_equal(pipe(fds), 0);
	assert_int_equal(pipe(back), 0);
	if ((pid = fork()) == 0) {
		if (mg_config_lock(&a, root, &err) < 0)
			_exit(1);
		if (write(back[1], "x", 1) != 1 || read(fds[0], &c, 1) != 1)
			_exit(2);
		_exit(0);
	}
	assert_int_equal(read(back[0], &c, 1), 1);
	assert_int_equal(mg_config_lock(&b, root, &err), -1);
	(void)snprintf(want, sizeof(want), "(pid %ld)", (long)pid);
	assert_non_null(strstr(err.msg, want));
	assert_int_equal(write(fds[1], "x", 1), 1);
	(void)waitpid(pid, NULL, 0);
	(void)close(fds[0]);
	(void)close(fds[1]);
	(void)close(back[0]);
	(void)close(back[1]);
	assert_int_equal(mg_config_lock(&b, root, &err), 0);
	mg_config_unlock(&b);
	mg_config_unlock(&b);	/* twice is harmless */
}

/* test_text_diff - what changed, as a unified diff: the common head and
 * tail trimmed to 3 lines of context; nothing for equal texts */
static void
test_text_diff(void **state_)
{
	struct mg_str d = MG_STR_INIT;

	(void)state_;
	mg_text_diff("a", "b", "1\n2\n3\n4\n5\n6\n7\n8\n",
	    "1\n2\n3\n4\nfour\n5\n6\n7\n8\n", &d);
	assert_string_equal(mg_str_cstr(&d), "--- a\n+++ b\n"
	    "@@ -2,6 +2,7 @@\n 2\n 3\n 4\n+four\n 5\n 6\n 7\n");
	mg_str_reset(&d);
	mg_text_diff("a", "b", "x = 1\n", "x = 2\n", &d);
	assert_string_equal(mg_str_cstr(&d), "--- a\n+++ b\n"
	    "@@ -1,1 +1,1 @@\n-x = 1\n+x = 2\n");
	mg_str_reset(&d);
	mg_text_diff("a", "b", "same\n", "same\n", &d);
	assert_int_equal(d.len, 0);
	mg_str_free(&d);
}

/* test_unfinished_listed - entries a killed run left: a fix applying, a
 * purge applying (its mail on hold), a rollback rolling-back; each told
 * with the rollback that finishes it; only those that change files
 * counted; finished ones not told */
static void
test_unfinished_listed(void **state_)
{
	struct mg_journal j;
	struct mg_err err;
	char *text = NULL;
	size_t len = 0;
	long fix, purge, back, done;
	FILE *fp;
	int n;

	(void)state_;
	assert_int_equal(mg_journal_open(&j, state, 1, &err), 0);
	fix = mg_journal_begin(&j, "fix", "fix a", NULL, &err);
	/* a step holding control bytes is not printed as it stands */
	(void)mg_journal_set(&j, fix, "step", "x\x1b]0;owned\x07");
	purge = mg_journal_begin(&j, "purge", "purge --sasl \x1b[2Jroot", NULL,
	    &err);
	(void)mg_journal_set(&j, purge, "step", "hold");
	back = mg_journal_begin(&j, "fix", "fix b", NULL, &err);
	(void)mg_journal_set(&j, back, "state", "rolling-back");
	(void)mg_journal_set(&j, back, "step", "restored");
	done = mg_journal_begin(&j, "fix", "fix c", NULL, &err);
	(void)mg_journal_set(&j, done, "state", "rolled-back");
	assert_non_null(fp = open_memstream(&text, &len));
	n = mg_fix_incomplete(&j, fp);
	(void)fclose(fp);
	mg_journal_close(&j);
	assert_int_equal(n, 2);
	assert_non_null(strstr(text, "fix a) was interrupted at step \"?\""));
	assert_non_null(strstr(text, "root) was interrupted at step \"hold\""
	    ": its messages may be left on hold"));
	assert_non_null(strstr(text, "Finish it with: mailguard-tui purge "
	    "--finish "));
	assert_null(strchr(text, '\x1b'));
	assert_non_null(strstr(text, "fix b): its rollback was interrupted "
	    "at step \"restored\""));
	assert_null(strstr(text, "fix c"));
	assert_true(fix > 0 && done > 0);
	free(text);
}

/*
 * test_snapshot_sees_every_change - mg_file_snap_take reads main.cf once
 * (its bytes hashed, kept for the backup); mg_file_snap_same says 1
 * while nothing changed, and 0 after a write in place of the same size
 * with the old mtime put back (the bytes differ), after a rename of
 * identical bytes over it (another inode), and after touch; a symbolic
 * link is not read through; the journal's backup of the snapshot holds
 * exactly its bytes, mode and owner, not what the path holds later
 */
static void
test_snapshot_sees_every_change(void **state_)
{
	struct mg_file_snap sn, ln;
	struct timespec ts[2];
	struct mg_journal j;
	struct mg_jentry *v;
	struct mg_err err;
	struct stat sb;
	size_t n;
	char *t;
	long id;
	int fd;

	(void)state_;
	put(file, "mynetworks = 127.0.0.0/8\n", 0640);
	assert_int_equal(mg_file_snap_take(&sn, file, &err), 0);
	assert_int_equal(sn.exists, 1);
	assert_string_equal(mg_str_cstr(&sn.text),
	    "mynetworks = 127.0.0.0/8\n");
	assert_int_equal(sn.mode & 07777, 0640);
	assert_int_equal(mg_file_snap_same(&sn, file, NULL, &err), 1);

	/* the same size, the mtime put back: only the bytes tell */
	assert_int_equal(stat(file, &sb), 0);
	assert_true((fd = open(file, O_WRONLY)) >= 0);
	assert_int_equal(write(fd, "MYNETWORKS", 10), 10);
	assert_int_equal(close(fd), 0);
	ts[0] = sb.st_atim;
	ts[1] = sb.st_mtim;
	assert_int_equal(utimensat(AT_FDCWD, file, ts, 0), 0);
	assert_int_equal(mg_file_snap_same(&sn, file, NULL, &err), 0);

	/* the journal keeps the snapshot's bytes, not the file's now */
	assert_int_equal(mg_journal_open(&j, state, 1, &err), 0);
	id = mg_journal_begin(&j, "fix", "snapshot", "--- diff", &err);
	assert_true(id > 0);
	assert_int_equal(mg_journal_backup_bytes(&j, id, file, sn.exists,
	    sn.text.data, sn.text.len, sn.mode, sn.uid, sn.gid, &err), 0);
	assert_int_equal(mg_journal_entries(&j, id, 0, &v, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].nfiles, 1);
	assert_int_equal(v[0].files[0].mode, 0640);
	t = get(v[0].files[0].backup);
	assert_string_equal(t, "mynetworks = 127.0.0.0/8\n");
	free(t);
	mg_jentries_free(v, n);
	(void)mg_journal_set(&j, id, "state", "restored");
	mg_journal_close(&j);

	/* identical bytes renamed over it: another file */
	put(file, "mynetworks = 127.0.0.0/8\n", 0640);
	assert_int_equal(mg_file_snap_same(&sn, file, NULL, &err), 0);
	mg_file_snap_free(&sn);
	assert_int_equal(mg_file_snap_take(&sn, file, &err), 0);
	assert_int_equal(mg_file_snap_same(&sn, file, NULL, &err), 1);
	/* touched: a new mtime */
	assert_int_equal(utimensat(AT_FDCWD, file, NULL, 0), 0);
	assert_int_equal(mg_file_snap_same(&sn, file, NULL, &err), 0);
	mg_file_snap_free(&sn);
	mg_file_snap_free(&sn);		/* twice: nothing */

	/* a symbolic link is refused, not followed */
	(void)unlink(link_path);
	assert_int_equal(symlink(file, link_path), 0);
	assert_int_equal(mg_file_snap_take(&ln, link_path, &err), -1);
	assert_int_equal(unlink(link_path), 0);
	/* a file that does not exist: "absent", and still absent */
	assert_int_equal(mg_file_snap_take(&ln, link_path, &err), 0);
	assert_int_equal(ln.exists, 0);
	assert_string_equal(ln.sha256, "absent");
	assert_int_equal(mg_file_snap_same(&ln, link_path, NULL, &err), 1);
	put(link_path, "x\n", 0644);
	assert_int_equal(mg_file_snap_same(&ln, link_path, NULL, &err), 0);
	assert_int_equal(unlink(link_path), 0);
	mg_file_snap_free(&ln);
}

/* refuse_check - a restore's last check that finds a change */
static int
refuse_check(void *arg, struct mg_err *err)
{
	int *called = arg;

	(*called)++;
	return (mg_err_set(err, "changed at the last moment"));
}

/*
 * test_restore_check_refuses - mg_journal_restore_checked: a check that
 * fails once the backups are written beside the files renames nothing
 * (main.cf keeps its bytes, no temp file left), -2 with its error; with
 * no check the same entry is restored
 */
static void
test_restore_check_refuses(void **state_)
{
	struct mg_journal j;
	struct mg_jentry *v;
	struct mg_str log = MG_STR_INIT;
	struct mg_err err;
	struct dirent *de;
	DIR *d;
	size_t n, temps = 0;
	char *t;
	long id;
	int called = 0;

	(void)state_;
	put(file, "before\n", 0644);
	assert_int_equal(mg_journal_open(&j, state, 1, &err), 0);
	id = mg_journal_begin(&j, "fix", "checked", "--- diff", &err);
	assert_true(id > 0);
	assert_int_equal(mg_journal_backup(&j, id, file, &err), 0);
	put(file, "after, then edited\n", 0644);
	assert_int_equal(mg_journal_entries(&j, id, 0, &v, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(mg_journal_restore_checked(&j, &v[0], refuse_check,
	    &called, &log, &err), -2);
	assert_int_equal(called, 1);
	assert_non_null(strstr(err.msg, "changed at the last moment"));
	t = get(file);
	assert_string_equal(t, "after, then edited\n");
	free(t);
	assert_non_null(d = opendir(root));
	while ((de = readdir(d)) != NULL)
		temps += strncmp(de->d_name, ".mailguard.", 11) == 0;
	(void)closedir(d);
	assert_int_equal(temps, 0);
	assert_int_equal(mg_journal_restore(&j, &v[0], &log, &err), 0);
	t = get(file);
	assert_string_equal(t, "before\n");
	free(t);
	mg_jentries_free(v, n);
	(void)mg_journal_set(&j, id, "state", "restored");
	mg_journal_close(&j);
	mg_str_free(&log);
}

/* setup - a temp directory */
static int
setup(void **state_)
{
	(void)state_;
	(void)snprintf(root, sizeof(root), "/tmp/mg-journal.XXXXXX");
	if (mkdtemp(root) == NULL)
		return (-1);
	(void)snprintf(state, sizeof(state), "%s/state", root);
	(void)snprintf(file, sizeof(file), "%s/main.cf", root);
	(void)snprintf(link_path, sizeof(link_path), "%s/link.cf", root);
	return (0);
}

/* teardown - remove it */
static int
teardown(void **state_)
{
	const char *argv[] = { "rm", "-rf", root, NULL };
	struct mg_exec_res res;
	struct mg_err err;
	int rc;

	(void)state_;
	rc = mg_exec_run(argv, 10000, &res, &err);
	mg_exec_res_free(&res);
	return (rc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backup_restore_exact),
		cmocka_unit_test(test_lock_is_exclusive),
		cmocka_unit_test(test_symlink_refused),
		cmocka_unit_test(test_ignored_remembered),
		cmocka_unit_test(test_qmsgs_rows),
		cmocka_unit_test(test_install_copy_never_replaces),
		cmocka_unit_test(test_install_copy_by_dirfd),
		cmocka_unit_test(test_fault_fail),
		cmocka_unit_test(test_config_lock),
		cmocka_unit_test(test_text_diff),
		cmocka_unit_test(test_unfinished_listed),
		cmocka_unit_test(test_snapshot_sees_every_change),
		cmocka_unit_test(test_restore_check_refuses),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
