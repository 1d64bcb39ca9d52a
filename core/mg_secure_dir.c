/*
 * mg_secure_dir.c - is a directory ours alone?  The rule of OpenSSH's
 * secure_filename: it and every directory above it belong to root (or
 * the user running us) and no one else may write in them.
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mg_secure_dir.h"

/* trusted_owner - root, or the user running us */
static int
trusted_owner(uid_t uid)
{
	return (uid == 0 || uid == geteuid());
}

/*
 * mg_secure_dir - 0 if dir and every directory above it belong to root
 * (or us) and no one else can write in them; -1 with the first that
 * fails.  A parent writable by all with the sticky bit (/tmp) passes if
 * its owner is trusted: there no one can rename or remove our entries;
 * dir itself must be writable by its owner only.
 */
int
mg_secure_dir(const char *dir, struct mg_err *err)
{
	char real[PATH_MAX], *slash;
	struct stat st;
	int self = 1;

	if (realpath(dir, real) == NULL)
		return (mg_err_errno(err, "directory %s", dir));
	for (;;) {
		if (stat(real[0] != '\0' ? real : "/", &st) < 0)
			return (mg_err_errno(err, "directory %s: %s",
			    dir, real[0] != '\0' ? real : "/"));
		if (!S_ISDIR(st.st_mode))
			return (mg_err_set(err, "directory %s: %s is "
			    "not a directory", dir, real));
		if (!trusted_owner(st.st_uid))
			return (mg_err_set(err, "directory %s is not "
			    "safe: %s belongs to uid %lu, not root: refusing "
			    "to trust what is in it (use a directory only "
			    "root can write)", dir, real[0] != '\0' ? real :
			    "/", (unsigned long)st.st_uid));
		if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 &&
		    (self || (st.st_mode & S_ISVTX) == 0))
			return (mg_err_set(err, "directory %s is not "
			    "safe: %s is writable by %s (mode %04o): refusing "
			    "to trust what is in it (chmod go-w it, or use a "
			    "directory only root can write)",
			    dir, real[0] != '\0' ? real : "/",
			    (st.st_mode & S_IWOTH) != 0 ? "everyone" :
			    "its group", (unsigned)(st.st_mode & 07777)));
		if (real[0] == '\0')
			return (0);
		if ((slash = strrchr(real, '/')) == NULL)
			return (0);
		*slash = '\0';
		self = 0;
	}
}


/*
 * mg_private_dir - path is a directory of ours alone, looked at with
 * lstat (a symbolic link is refused, not followed): owned by root (or
 * us), writable by no one else.  With create, made 0700 if missing.
 * 0, or -1 with why (errno kept for a missing one).
 */
int
mg_private_dir(const char *path, int create, struct mg_err *err)
{
	struct stat st;

	if (create && mkdir(path, 0700) < 0 && errno != EEXIST)
		return (mg_err_errno(err, "cannot create %s", path));
	if (lstat(path, &st) < 0)
		return (mg_err_errno(err, "%s", path));
	if (!S_ISDIR(st.st_mode))
		return (mg_err_set(err, "%s is not a directory (%s): not "
		    "used", path, S_ISLNK(st.st_mode) ? "a symbolic link" :
		    "another kind of file"));
	if (!trusted_owner(st.st_uid) || (st.st_mode & (S_IWGRP | S_IWOTH)))
		return (mg_err_set(err, "%s belongs to uid %lu, mode %04o: "
		    "not a private directory of root's, not used", path,
		    (unsigned long)st.st_uid, (unsigned)(st.st_mode & 07777)));
	return (0);
}
