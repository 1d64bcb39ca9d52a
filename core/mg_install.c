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

/* mg_install_commit - rename the prepared file over its target */
int
mg_install_commit(struct mg_install *in, struct mg_err *err)
{
	char dir[PATH_MAX];

	if (in->tmp == NULL)
		return (0);
	if (rename(in->tmp, in->path) < 0)
		return (mg_err_errno(err, "cannot rename %s to %s", in->tmp,
		    in->path));
	free(in->tmp);
	in->tmp = NULL;
	dir_of(in->path, dir, sizeof(dir));
	if (sync_dir(dir) < 0)
		return (mg_err_errno(err, "fsync %s", dir));
	return (0);
}

/*
 * mg_install_commit_new - link the prepared file in place only if nothing
 * is there yet (link(2) never replaces a name, unlike rename): -1 with
 * errno EEXIST when the path exists
 */
int
mg_install_commit_new(struct mg_install *in, struct mg_err *err)
{
	char dir[PATH_MAX];
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
	free(in->tmp);
	in->tmp = NULL;
	dir_of(in->path, dir, sizeof(dir));
	if (sync_dir(dir) < 0)
		return (mg_err_errno(err, "fsync %s", dir));
	return (0);
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
	char dir[PATH_MAX], tmpl[PATH_MAX + 32], buf[65536];
	struct stat st;
	size_t total = 0;
	ssize_t r;
	int fd, rc = -1;

	dir_of(path, dir, sizeof(dir));
	(void)snprintf(tmpl, sizeof(tmpl), "%s/.mailguard.XXXXXX", dir);
	if ((fd = mkstemp(tmpl)) < 0)
		return (mg_err_errno(err, "cannot create a temp file in %s",
		    dir));
	if (lseek(src, 0, SEEK_SET) < 0) {
		(void)mg_err_errno(err, "cannot read the copy of %s", path);
		goto out;
	}
	while ((r = read(src, buf, sizeof(buf))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || (total += (size_t)r) > max) {
			(void)mg_err_set(err, "cannot read the copy of %s: %s",
			    path, r < 0 ? strerror(errno) : "too large");
			goto out;
		}
		if (mg_write_all(fd, buf, (size_t)r) < 0) {
			(void)mg_err_errno(err, "writing %s", tmpl);
			goto out;
		}
	}
	if (fchown(fd, uid, gid) < 0 || fchmod(fd, mode & 07777) < 0 ||
	    fsync(fd) < 0 || fstat(fd, &st) < 0) {
		(void)mg_err_errno(err, "writing %s", tmpl);
		goto out;
	}
	if (replace ? rename(tmpl, path) : link(tmpl, path)) {
		if (!replace && errno == EEXIST)
			rc = 1;
		else
			(void)mg_err_errno(err, "cannot put %s in place",
			    path);
		goto out;
	}
	if (!replace)
		(void)unlink(tmpl);
	tmpl[0] = '\0';
	if (sync_dir(dir) < 0) {
		(void)mg_err_errno(err, "fsync %s", dir);
		goto out;
	}
	if (ino != NULL)
		*ino = st.st_ino;
	rc = 0;
out:
	(void)close(fd);
	if (tmpl[0] != '\0')
		(void)unlink(tmpl);
	return (rc);
}

/*
 * mg_fault - the fault-injection hook of the crash tests: when the
 * environment names this step in MAILGUARD_TEST_KILL_AT, the process
 * dies here at once (SIGKILL: no handler, no cleanup), as a power cut
 * or kill -9 would make it.
 */
void
mg_fault(const char *step)
{
	const char *at = getenv("MAILGUARD_TEST_KILL_AT");

	if (at != NULL && strcmp(at, step) == 0)
		(void)raise(SIGKILL);
}
