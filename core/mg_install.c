/*
 * mg_install.c - replace a file the way an administrator's editor should:
 * the new text goes to a temp file made with mkstemp in the same
 * directory, gets the owner and mode the old file had, is fsync'd, and is
 * renamed over the old one (atomic on one file system); then the directory
 * is fsync'd so the rename survives a crash.  A symlink is never written
 * through: its target is what the operator should have named.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mg_file.h"
#include "mg_install.h"
#include "mg_str.h"

/* dir_of - the directory of path, into buf */
static void
dir_of(const char *path, char *buf, size_t size)
{
	char tmp[PATH_MAX];

	(void)snprintf(tmp, sizeof(tmp), "%s", path);
	(void)snprintf(buf, size, "%s", dirname(tmp));
}

/* sync_dir - fsync a directory, so a rename in it is durable */
static int
sync_dir(const char *dir)
{
	int fd, rc;

	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return (-1);
	rc = fsync(fd);
	(void)close(fd);
	return (rc);
}

/*
 * mg_install_prepare - write data to a temp file beside path, with the
 * given mode and owner, fsync'd; commit renames it into place.  Refuses
 * a path that is a symlink or not a regular file.
 */
int
mg_install_prepare(struct mg_install *in, const char *path, const char *data,
    size_t len, mode_t mode, uid_t uid, gid_t gid, struct mg_err *err)
{
	char dir[PATH_MAX], tmpl[PATH_MAX + 32];
	struct stat st;
	int fd;

	memset(in, 0, sizeof(*in));
	if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return (mg_err_set(err, "%s is %s, not a regular file: "
		    "nothing written", path, S_ISLNK(st.st_mode) ?
		    "a symbolic link" : "special"));
	dir_of(path, dir, sizeof(dir));
	(void)snprintf(tmpl, sizeof(tmpl), "%s/.mailguard.XXXXXX", dir);
	if ((fd = mkstemp(tmpl)) < 0)
		return (mg_err_errno(err, "cannot create a temp file in %s",
		    dir));
	if (mg_write_all(fd, data, len) < 0 || fchown(fd, uid, gid) < 0 ||
	    fchmod(fd, mode & 07777) < 0 || fsync(fd) < 0) {
		(void)mg_err_errno(err, "writing %s", tmpl);
		(void)close(fd);
		(void)unlink(tmpl);
		return (-1);
	}
	if (close(fd) < 0) {
		(void)mg_err_errno(err, "writing %s", tmpl);
		(void)unlink(tmpl);
		return (-1);
	}
	in->path = mg_xstrdup(path);
	in->tmp = mg_xstrdup(tmpl);
	return (0);
}

/* placed - the prepared file now stands at its path: forget the temporary
 * name and fsync the directory so the new name is durable */
static int
placed(struct mg_install *in, struct mg_err *err)
{
	char dir[PATH_MAX];

	free(in->tmp);
	in->tmp = NULL;
	dir_of(in->path, dir, sizeof(dir));
	if (sync_dir(dir) < 0)
		return (mg_err_errno(err, "fsync %s", dir));
	return (0);
}

/* mg_install_commit - rename the prepared file over its target */
int
mg_install_commit(struct mg_install *in, struct mg_err *err)
{
	if (in->tmp == NULL)
		return (0);
	if (rename(in->tmp, in->path) < 0)
		return (mg_err_errno(err, "cannot rename %s to %s", in->tmp,
		    in->path));
	return (placed(in, err));
}

/*
 * mg_install_commit_new - link the prepared file in place only if nothing
 * is there yet (link(2) never replaces a name, unlike rename): -1 with
 * errno EEXIST when the path exists
 */
int
mg_install_commit_new(struct mg_install *in, struct mg_err *err)
{
	int e;

	if (in->tmp == NULL)
		return (0);
	if (link(in->tmp, in->path) < 0) {
		e = errno;
		(void)mg_err_errno(err, "cannot create %s", in->path);
		errno = e;
		return (-1);
	}
	(void)unlink(in->tmp);
	return (placed(in, err));
}

/* mg_install_abort - remove a prepared file that was not committed */
void
mg_install_abort(struct mg_install *in)
{
	if (in->tmp != NULL)
		(void)unlink(in->tmp);
	free(in->tmp);
	free(in->path);
	memset(in, 0, sizeof(*in));
}

/* mg_install_file - prepare and commit in one step */
int
mg_install_file(const char *path, const char *data, size_t len, mode_t mode,
    uid_t uid, gid_t gid, struct mg_err *err)
{
	struct mg_install in;
	int rc;

	if (mg_install_prepare(&in, path, data, len, mode, uid, gid, err) < 0)
		return (-1);
	rc = mg_install_commit(&in, err);
	mg_install_abort(&in);
	return (rc);
}

/* tmp_create - a new file ".mailguard.XXXXXX" in dfd (O_EXCL, never
 * through a symlink), its name into tmp (MG_INSTALL_TMP bytes); the fd
 * or -1 */
static int
tmp_create(int dfd, char *tmp)
{
	static const char set[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnop"
	    "qrstuvwxyz0123456789";
	unsigned char rnd[6];
	int i, k, fd;

	for (k = 0; k < 100; k++) {
		if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t)sizeof(rnd))
			return (-1);
		(void)snprintf(tmp, MG_INSTALL_TMP, ".mailguard.");
		for (i = 0; i < 6; i++)
			tmp[11 + i] = set[rnd[i] % (sizeof(set) - 1)];
		tmp[17] = '\0';
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			return (fd);
	}
	return (-1);
}

/*
 * mg_install_copy_prepare - the bytes of the open file src (at most max)
 * into a new temp file in the directory open as dfd (dname: its name in
 * messages), owner uid:gid and mode, fsync'd; its name into tmp
 * (MG_INSTALL_TMP bytes), its inode into *ino.  Everything relative to
 * dfd: whoever owns the directory cannot redirect it.  0, or -1 with err
 * (nothing left behind).
 */
int
mg_install_copy_prepare(int dfd, const char *dname, int src, size_t max,
    mode_t mode, uid_t uid, gid_t gid, char *tmp, ino_t *ino,
    struct mg_err *err)
{
	char buf[65536];
	struct stat st;
	size_t total = 0;
	ssize_t r;
	int fd;

	if ((fd = tmp_create(dfd, tmp)) < 0)
		return (mg_err_errno(err, "cannot create a temp file in %s",
		    dname));
	if (lseek(src, 0, SEEK_SET) < 0) {
		(void)mg_err_errno(err, "cannot read the copy for %s", dname);
		goto fail;
	}
	while ((r = read(src, buf, sizeof(buf))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || (total += (size_t)r) > max) {
			(void)mg_err_set(err, "cannot read the copy for %s: %s",
			    dname, r < 0 ? strerror(errno) : "too large");
			goto fail;
		}
		if (mg_write_all(fd, buf, (size_t)r) < 0) {
			(void)mg_err_errno(err, "writing %s/%s", dname, tmp);
			goto fail;
		}
	}
	if (fchown(fd, uid, gid) < 0 || fchmod(fd, mode & 07777) < 0 ||
	    fsync(fd) < 0 || fstat(fd, &st) < 0) {
		(void)mg_err_errno(err, "writing %s/%s", dname, tmp);
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		(void)mg_err_errno(err, "writing %s/%s", dname, tmp);
		goto fail;
	}
	if (ino != NULL)
		*ino = st.st_ino;
	return (0);
fail:
	if (fd >= 0)
		(void)close(fd);
	(void)unlinkat(dfd, tmp, 0);
	tmp[0] = '\0';
	return (-1);
}

/*
 * mg_install_copy_commit - the prepared temp file tmp in dfd becomes
 * name in dfd: by rename, or with replace 0 by link(2), which never
 * replaces an existing file (EEXIST); the temp name is removed and the
 * directory fsync'd.  0, 1 if name exists and replace is 0, -1 with err.
 */
int
mg_install_copy_commit(int dfd, const char *dname, const char *tmp,
    const char *name, int replace, struct mg_err *err)
{
	int rc = 0;

	if (replace ? renameat(dfd, tmp, dfd, name) : linkat(dfd, tmp, dfd,
	    name, 0)) {
		if (!replace && errno == EEXIST)
			rc = 1;
		else
			rc = mg_err_errno(err, "cannot put %s/%s in place",
			    dname, name);
		(void)unlinkat(dfd, tmp, 0);
		return (rc);
	}
	if (!replace)
		(void)unlinkat(dfd, tmp, 0);
	if (fsync(dfd) < 0)
		return (mg_err_errno(err, "fsync %s", dname));
	return (0);
}

/* mg_install_copy_at - prepare and commit in one step: name in dfd */
int
mg_install_copy_at(int dfd, const char *dname, int src, const char *name,
    size_t max, mode_t mode, uid_t uid, gid_t gid, int replace, ino_t *ino,
    struct mg_err *err)
{
	char tmp[MG_INSTALL_TMP];

	if (mg_install_copy_prepare(dfd, dname, src, max, mode, uid, gid, tmp,
	    ino, err) < 0)
		return (-1);
	return (mg_install_copy_commit(dfd, dname, tmp, name, replace, err));
}

/*
 * mg_install_copy - a new file path with the bytes of the open file src
 * (at most max), owner uid:gid and mode: written to a temp file beside
 * it, fsync'd, then put in place - by rename, or with replace 0 by
 * link(2), which never replaces an existing file (EEXIST); then the
 * directory is fsync'd.  *ino: the inode of the placed file.  0, 1 if
 * path exists and replace is 0, -1 with err.
 */
int
mg_install_copy(int src, const char *path, size_t max, mode_t mode,
    uid_t uid, gid_t gid, int replace, ino_t *ino, struct mg_err *err)
{
	char dir[PATH_MAX], tmp[PATH_MAX];
	int dfd, rc;

	dir_of(path, dir, sizeof(dir));
	(void)snprintf(tmp, sizeof(tmp), "%s", path);
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return (mg_err_errno(err, "cannot open %s", dir));
	rc = mg_install_copy_at(dfd, dir, src, basename(tmp), max, mode, uid,
	    gid, replace, ino, err);
	(void)close(dfd);
	return (rc);
}

/*
 * mg_fault - the fault-injection hook of the crash tests: when the
 * environment names this step in MAILGUARD_TEST_KILL_AT, the process
 * dies here at once (SIGKILL: no handler, no cleanup), as a power cut
 * or kill -9 would make it; named in MAILGUARD_TEST_PAUSE_AT, it stops
 * here (SIGSTOP) for the test to look at what runs at this step, and to
 * kill it there.
 */
void
mg_fault(const char *step)
{
	const char *at = getenv("MAILGUARD_TEST_KILL_AT");

	if (at != NULL && strcmp(at, step) == 0)
		(void)raise(SIGKILL);
	at = getenv("MAILGUARD_TEST_PAUSE_AT");
	if (at != NULL && strcmp(at, step) == 0)
		(void)raise(SIGSTOP);
}

/*
 * mg_fault_fail - the failure hook of the crash tests: 1 when the
 * environment names this step in MAILGUARD_TEST_FAIL_AT (the caller
 * then fails as an error there would make it, EMFILE for one)
 */
int
mg_fault_fail(const char *step)
{
	const char *at = getenv("MAILGUARD_TEST_FAIL_AT");

	return (at != NULL && strcmp(at, step) == 0);
}
