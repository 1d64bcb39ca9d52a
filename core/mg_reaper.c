/*
 * mg_reaper.c - a directory we make as root for a short-lived helper (the
 * private Postfix of a proof, a fix's stage) must not outlive us, also
 * when we are killed with SIGKILL and can run no cleanup of our own.  A
 * small process forked for it (in its own session, deaf to the terminal's
 * signals) holds the reading end of a pipe whose only writer is us: when
 * the pipe reads end-of-file we are gone, or done, and it kills every
 * process working in the directory and removes the directory.  Stale
 * directories from a run whose reaper was killed too are named with the
 * owner's pid and start time and swept on the next run once that process
 * is gone (a pid reused by another process does not keep them).
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "mg_exec.h"
#include "mg_reaper.h"

#define SWEEP_ROUNDS 50
#define RM_MS 60000

/* nap - a twentieth of a second */
static void
nap(void)
{
	struct timespec ts = { 0, 50000000L };

	(void)nanosleep(&ts, NULL);
}

/* inside - path is dir or below it */
static int
inside(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return (strncmp(path, dir, n) == 0 && (path[n] == '\0' ||
	    path[n] == '/'));
}

/* kill_inside - SIGKILL every other process whose working directory is
 * dir or below (a Postfix master and its daemons work in their
 * queue_directory); how many were found */
static size_t
kill_inside(const char *dir)
{
	char link[64], cwd[PATH_MAX];
	struct dirent *d;
	DIR *proc;
	ssize_t n;
	size_t found = 0;
	long pid;
	char *end;

	if ((proc = opendir("/proc")) == NULL)
		return (0);
	while ((d = readdir(proc)) != NULL) {
		errno = 0;
		pid = strtol(d->d_name, &end, 10);
		if (*end != '\0' || errno != 0 || pid <= 1 ||
		    pid == (long)getpid())
			continue;
		(void)snprintf(link, sizeof(link), "/proc/%ld/cwd", pid);
		if ((n = readlink(link, cwd, sizeof(cwd) - 1)) <= 0)
			continue;
		cwd[n] = '\0';
		if (!inside(cwd, dir))
			continue;
		found++;
		(void)kill((pid_t)pid, SIGKILL);
	}
	(void)closedir(proc);
	return (found);
}

/*
 * mg_reaper_sweep - dir (a directory of ours: our user's, not a
 * symbolic link) with nothing left running in it, then removed; 0, or -1
 * if dir is not ours (left alone) or could not be removed
 */
int
mg_reaper_sweep(const char *dir)
{
	const char *rm[] = { "rm", "-rf", "--", dir, NULL };
	struct stat st;
	struct mg_err err;
	int i;

	if (lstat(dir, &st) < 0)
		return (errno == ENOENT ? 0 : -1);
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid())
		return (-1);
	/* a master forks new daemons until it is gone: again until a
	 * round finds nobody */
	for (i = 0; i < SWEEP_ROUNDS && kill_inside(dir) > 0; i++)
		nap();
	if (mg_exec_tool(rm, NULL, 0, RM_MS, NULL, &err) < 0)
		return (-1);
	return (lstat(dir, &st) < 0 && errno == ENOENT ? 0 : -1);
}

/* close_from - every descriptor from lo up closed: close_range, or
 * where it fails (ENOSYS before Linux 5.9, EPERM under a seccomp
 * filter) one by one up to the limit of open files */
static void
close_from(int lo)
{
	long max, fd;

	if (close_range((unsigned)lo, ~0U, 0) == 0)
		return;
	if ((max = sysconf(_SC_OPEN_MAX)) < 0 || max > INT_MAX)
		max = 65536;
	for (fd = lo; fd < max; fd++)
		(void)close((int)fd);
}

/* watch - the reaper's life: wait for the end of the pipe on fd 3 */
static void
watch(const char *dir)
{
	static const int deaf[] = { SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGPIPE,
	    SIGTSTP, SIGTTIN, SIGTTOU, SIGUSR1, SIGUSR2, 0 };
	char c;
	ssize_t n;
	int fd, i;

	(void)setsid();
	/* hold no directory of ours ("/" cannot fail; if it somehow did,
	 * the watch goes on from where it is) */
	if (chdir("/") < 0)
		errno = 0;
	for (i = 0; deaf[i] != 0; i++)
		(void)signal(deaf[i], SIG_IGN);
	(void)signal(SIGCHLD, SIG_DFL);
	(void)prctl(PR_SET_NAME, "mailguard-reap", 0, 0, 0);
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		(void)dup2(fd, 0);
		(void)dup2(fd, 1);
		(void)dup2(fd, 2);
		if (fd > 3)
			(void)close(fd);
	}
	do
		n = read(3, &c, 1);
	while (n > 0 || (n < 0 && errno == EINTR));
	(void)mg_reaper_sweep(dir);
}

/*
 * mg_reaper_watch - dir (made by us, root's) is removed, with everything
 * running in it killed, as soon as we end (exit, crash, SIGKILL) or call
 * mg_reaper_done; 0, or -1 with err (nothing started)
 */
int
mg_reaper_watch(struct mg_reaper *rp, const char *dir, struct mg_err *err)
{
	char path[PATH_MAX];
	int p[2];
	pid_t pid;

	rp->pid = 0;
	rp->fd = -1;
	/* the reaper works from "/" and compares with the canonical
	 * /proc/PID/cwd: the path absolute, without "//", "." or a
	 * symbolic link (a relative --state, a symlinked /tmp) */
	if (strlen(dir) >= sizeof(path))
		return (mg_err_set(err, "path too long: %s", dir));
	if (realpath(dir, path) == NULL)
		return (mg_err_errno(err, "cannot watch %s", dir));
	/* close-on-exec: no program we run may hold the pipe open */
	if (pipe2(p, O_CLOEXEC) < 0)
		return (mg_err_errno(err, "cannot watch %s: pipe", dir));
	if ((pid = fork()) < 0) {
		(void)close(p[0]);
		(void)close(p[1]);
		return (mg_err_errno(err, "cannot watch %s: fork", dir));
	}
	if (pid == 0) {
		/* only the reading end survives: not our copy of the
		 * writing end, nor any file, lock or terminal of ours */
		if (dup2(p[0], 3) < 0)
			_exit(1);
		(void)fcntl(3, F_SETFD, 0);
		if (p[1] != 3)
			(void)close(p[1]);
		close_from(4);
		watch(path);
		_exit(0);
	}
	(void)close(p[0]);
	rp->pid = pid;
	rp->fd = p[1];
	return (0);
}

/* mg_reaper_done - the directory is no longer needed: the reaper removes
 * whatever is left of it and ends; waited for */
void
mg_reaper_done(struct mg_reaper *rp)
{
	int status;

	if (rp->fd >= 0)
		(void)close(rp->fd);
	rp->fd = -1;
	if (rp->pid > 0)
		while (waitpid(rp->pid, &status, 0) < 0 && errno == EINTR)
			;
	rp->pid = 0;
}

/*
 * proc_start - the start time of process pid (field 22 of
 * /proc/PID/stat: clock ticks after boot; proc(5)), read without
 * trusting the command name (field 2, in parentheses, may hold spaces
 * and ')': the fields are counted after its last ')').  1 if the process
 * runs (start set), 0 if there is none or only its zombie, -1 if it
 * cannot be told
 */
static int
proc_start(long pid, unsigned long long *start)
{
	char path[64], buf[1024], *p, *end;
	ssize_t n;
	int fd, field;

	(void)snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return (errno == ENOENT || errno == ESRCH ? 0 : -1);
	n = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	if (n <= 0)
		return (n == 0 || errno == ESRCH ? 0 : -1);
	buf[n] = '\0';
	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ')
		return (-1);
	p += 2;			/* field 3: the state */
	if (*p == 'Z' || *p == 'X')
		return (0);
	for (field = 3; field < 22; field++) {
		if ((p = strchr(p, ' ')) == NULL)
			return (-1);
		p++;
	}
	errno = 0;
	*start = strtoull(p, &end, 10);
	if (end == p || (*end != ' ' && *end != '\n' && *end != '\0') ||
	    errno != 0)
		return (-1);
	return (1);
}

/*
 * mg_reaper_template - a mkdtemp(3) template for a directory of ours in
 * parent: "parent/PREFIXPID.START.XXXXXX", our pid and its start time,
 * so that a run after us knows whether we still run (mg_reaper_stale),
 * also once the pid is another process's.  0, or -1 with err.
 */
int
mg_reaper_template(char *buf, size_t size, const char *parent,
    const char *prefix, struct mg_err *err)
{
	unsigned long long start;
	int n;

	if (proc_start((long)getpid(), &start) != 1)
		return (mg_err_set(err, "cannot read our start time in "
		    "/proc/%ld/stat", (long)getpid()));
	n = snprintf(buf, size, "%s/%s%ld.%llu.XXXXXX", parent, prefix,
	    (long)getpid(), start);
	if (n < 0 || (size_t)n >= size)
		return (mg_err_set(err, "path too long: %s/%s", parent,
		    prefix));
	return (0);
}

/*
 * owner_gone - name (after the prefix) is "PID.START.X" (or, as older
 * versions named it, "PID.X"): 1 if that run has ended - no process PID,
 * only its zombie, or a PID that started at another time (the number
 * reused); 0 if it may still run or name is not of that form
 */
static int
owner_gone(const char *name)
{
	unsigned long long start, now;
	const char *p;
	char *end;
	long pid;
	int has_start = 0, rc;

	if (*name < '0' || *name > '9')
		return (0);
	errno = 0;
	pid = strtol(name, &end, 10);
	if (*end != '.' || errno != 0 || pid <= 0 || pid > INT_MAX)
		return (0);
	p = end + 1;
	if (*p >= '0' && *p <= '9') {
		errno = 0;
		start = strtoull(p, &end, 10);
		has_start = *end == '.' && errno == 0;
	}
	if ((rc = proc_start(pid, &now)) < 0)
		return (kill((pid_t)pid, 0) < 0 && errno == ESRCH);
	if (rc == 0)
		return (1);
	return (has_start && now != start);
}

/*
 * mg_reaper_stale - in parent, the directories named PREFIXPID.START.*
 * (mg_reaper_template) whose run has ended (with its reaper killed too),
 * swept: only those that are ours (mg_reaper_sweep: our own directories,
 * never a symbolic link), only names of that form.  How many were
 * removed.
 */
size_t
mg_reaper_stale(const char *parent, const char *prefix)
{
	char path[PATH_MAX];
	struct dirent *d;
	DIR *dp;
	size_t n = 0, plen = strlen(prefix);

	if ((dp = opendir(parent)) == NULL)
		return (0);
	while ((d = readdir(dp)) != NULL) {
		if (strncmp(d->d_name, prefix, plen) != 0)
			continue;
		if (!owner_gone(d->d_name + plen))
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", parent, d->d_name) >=
		    (int)sizeof(path))
			continue;
		if (mg_reaper_sweep(path) == 0)
			n++;
	}
	(void)closedir(dp);
	return (n);
}
