/*
 * mg_lock.c - the lock on a configuration itself: an exclusive flock(2)
 * on its directory (Postfix's config_directory, the Exim configuration's
 * directory).  Two runs with different --state directories still meet
 * on it, nothing is created (no lock file to plant or to leave behind,
 * no run directory to trust), and the kernel drops it when the holder
 * dies, kill -9 included.  Who holds it is read from /proc/locks.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "mg_lock.h"

/*
 * mg_lock_holder - the pid holding a flock on directory dir, from
 * /proc/locks ("1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF"); 0 if
 * not known
 */
long
mg_lock_holder(const char *dir)
{
	char line[256], kind[16];
	unsigned int maj, min;
	unsigned long long ino;
	struct stat sb;
	long pid, found = 0;
	FILE *fp;

	if (stat(dir, &sb) < 0 || (fp = fopen("/proc/locks", "re")) == NULL)
		return (0);
	while (found == 0 && fgets(line, sizeof(line), fp) != NULL) {
		/* "N: FLOCK ADVISORY WRITE PID MAJ:MIN:INO ..." (a
		 * blocked waiter reads "N: -> FLOCK ...": skipped) */
		if (sscanf(line, "%*d: %15s %*s %*s %ld %x:%x:%llu", kind,
		    &pid, &maj, &min, &ino) != 5 || strcmp(kind,
		    "FLOCK") != 0)
			continue;
		if (maj == major(sb.st_dev) && min == minor(sb.st_dev) &&
		    ino == (unsigned long long)sb.st_ino)
			found = pid;
	}
	(void)fclose(fp);
	return (found);
}

/*
 * mg_config_lock - take the exclusive lock on configuration directory
 * dir, or fail at once saying who holds it; 0 or -1 with err
 */
int
mg_config_lock(struct mg_lock *l, const char *dir, struct mg_err *err)
{
	long pid;

	l->fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (l->fd < 0)
		return (mg_err_errno(err, "cannot open %s to lock it", dir));
	if (flock(l->fd, LOCK_EX | LOCK_NB) == 0)
		return (0);
	if (errno != EWOULDBLOCK) {
		(void)mg_err_errno(err, "cannot lock %s", dir);
		mg_config_unlock(l);
		return (-1);
	}
	mg_config_unlock(l);
	if ((pid = mg_lock_holder(dir)) > 0)
		return (mg_err_set(err, "another mailguard-tui is changing %s "
		    "(pid %ld); try again when it has finished", dir, pid));
	return (mg_err_set(err, "another mailguard-tui is changing %s; try "
	    "again when it has finished", dir));
}

/* mg_config_unlock - release the lock (accepts one never taken) */
void
mg_config_unlock(struct mg_lock *l)
{
	if (l->fd >= 0)
		(void)close(l->fd);
	l->fd = -1;
}
