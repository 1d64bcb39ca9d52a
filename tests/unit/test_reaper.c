/*
 * test_reaper.c - a directory watched by core/mg_reaper outlives neither
 * its owner (killed with SIGKILL) nor mg_reaper_done, and neither does a
 * process working in it; stale directories of dead owners are swept,
 * those of live owners, symbolic links and other users' directories are
 * left alone; the private copy of an Exim --exim DIR is such a
 * directory.  Needs root (only root's directories are removed).
 */
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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

#include "../../backends/backend.h"
#include "../../core/mg_model.h"
#include "../../core/mg_reaper.h"
#include "mg_test.h"

/* close_range interposed: fails with ENOSYS (a kernel before 5.9, a
 * seccomp filter) while set; the reaper's call resolves to this
 * definition in the test binary */
static int close_range_fails;

int
close_range(unsigned int lo, unsigned int hi, int flags)
{
	if (close_range_fails) {
		errno = ENOSYS;
		return (-1);
	}
	return ((int)syscall(SYS_close_range, lo, hi, flags));
}

/* the reaper SIGALRM kills if mg_reaper_done hangs */
static volatile pid_t hung_pid;
static volatile sig_atomic_t hung;

static void
on_alarm(int sig)
{
	(void)sig;
	hung = 1;
	if (hung_pid > 0)
		(void)kill(hung_pid, SIGKILL);
}

/* nap - a tenth of a second */
static void
nap(void)
{
	struct timespec ts = { 0, 100000000L };

	(void)nanosleep(&ts, NULL);
}

/* works_in - process pid is alive with its working directory in dir */
static int
works_in(pid_t pid, const char *dir)
{
	char link[64], cwd[PATH_MAX];
	ssize_t n;

	(void)snprintf(link, sizeof(link), "/proc/%ld/cwd", (long)pid);
	if ((n = readlink(link, cwd, sizeof(cwd) - 1)) <= 0)
		return (0);
	cwd[n] = '\0';
	return (strncmp(cwd, dir, strlen(dir)) == 0);
}

/* gone - dir does not exist */
static int
gone(const char *dir)
{
	struct stat st;

	return (lstat(dir, &st) < 0 && errno == ENOENT);
}

/* test_owner_killed - the owner watches dir, starts a process working
 * in it and dies by SIGKILL: within 5 s the process and dir are gone */
static void
test_owner_killed(void **state)
{
	char dir[] = "/tmp/mg-test-reaper.XXXXXX";
	struct mg_reaper rp;
	struct mg_err err;
	pid_t owner, worker = 0;
	int p[2], st, i;

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	assert_int_equal(pipe(p), 0);
	assert_true((owner = fork()) >= 0);
	if (owner == 0) {
		if (mg_reaper_watch(&rp, dir, &err) < 0)
			_exit(1);
		if ((worker = fork()) == 0) {
			if (chdir(dir) < 0)
				_exit(1);
			(void)execlp("sleep", "sleep", "60", (char *)NULL);
			_exit(127);
		}
		if (write(p[1], &worker, sizeof(worker)) !=
		    (ssize_t)sizeof(worker))
			_exit(3);
		(void)raise(SIGKILL);
		_exit(2);
	}
	(void)close(p[1]);
	assert_int_equal(read(p[0], &worker, sizeof(worker)),
	    (ssize_t)sizeof(worker));
	(void)close(p[0]);
	assert_int_equal(waitpid(owner, &st, 0), owner);
	assert_true(WIFSIGNALED(st));
	for (i = 0; i < 50 && (!gone(dir) || works_in(worker, dir)); i++)
		nap();
	assert_false(works_in(worker, dir));
	assert_true(gone(dir));
}

/*
 * test_path_canonical - dir given relative, with "//", through a
 * symbolically linked parent: after the owner's SIGKILL the real
 * directory is gone and the process working in it killed; a directory
 * that does not exist is refused with its name, nothing started
 */
static void
test_path_canonical(void **state)
{
	char parent[] = "/tmp/mg-test-reaper-real.XXXXXX", real[128],
	    link[128], rel[160];
	const char *nosuch = "/tmp/mg-test-no/such";
	struct mg_reaper rp;
	struct mg_err err;
	pid_t owner, worker = 0;
	int p[2], st, i;

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_non_null(mkdtemp(parent));
	(void)snprintf(real, sizeof(real), "%s/stage", parent);
	assert_int_equal(mkdir(real, 0700), 0);
	(void)snprintf(link, sizeof(link), "%s.link", parent);
	assert_int_equal(symlink(parent, link), 0);
	/* relative to /tmp: "mg-test-reaper-real.X.link//stage" */
	(void)snprintf(rel, sizeof(rel), "%s//stage", link + strlen("/tmp/"));

	assert_int_equal(mg_reaper_watch(&rp, nosuch, &err), -1);
	assert_non_null(strstr(err.msg, nosuch));
	assert_int_equal(rp.pid, 0);
	assert_int_equal(rp.fd, -1);

	assert_int_equal(pipe(p), 0);
	assert_true((owner = fork()) >= 0);
	if (owner == 0) {
		if (chdir("/tmp") < 0 || mg_reaper_watch(&rp, rel, &err) < 0)
			_exit(1);
		if ((worker = fork()) == 0) {
			if (chdir(rel) < 0)
				_exit(1);
			(void)execlp("sleep", "sleep", "60", (char *)NULL);
			_exit(127);
		}
		if (write(p[1], &worker, sizeof(worker)) !=
		    (ssize_t)sizeof(worker))
			_exit(3);
		(void)raise(SIGKILL);
		_exit(2);
	}
	(void)close(p[1]);
	assert_int_equal(read(p[0], &worker, sizeof(worker)),
	    (ssize_t)sizeof(worker));
	(void)close(p[0]);
	assert_int_equal(waitpid(owner, &st, 0), owner);
	assert_true(WIFSIGNALED(st));
	for (i = 0; i < 50 && (!gone(real) || works_in(worker, real)); i++)
		nap();
	assert_false(works_in(worker, real));
	assert_true(gone(real));
	assert_int_equal(unlink(link), 0);
	assert_int_equal(rmdir(parent), 0);
}

/* test_done_removes - mg_reaper_done: the directory (with a file left
 * in it) is removed, and the reaper waited for */
static void
test_done_removes(void **state)
{
	char dir[] = "/tmp/mg-test-reaper.XXXXXX", file[64];
	struct mg_reaper rp;
	struct mg_err err;
	FILE *fp;

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	assert_int_equal(mg_reaper_watch(&rp, dir, &err), 0);
	assert_true(rp.pid > 0);
	(void)snprintf(file, sizeof(file), "%s/left", dir);
	assert_non_null(fp = fopen(file, "w"));
	(void)fclose(fp);
	mg_reaper_done(&rp);
	assert_true(gone(dir));
	assert_int_equal(rp.pid, 0);
	assert_int_equal(rp.fd, -1);
	/* waited for: no child left to reap */
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	mg_reaper_done(&rp);	/* twice: nothing */
}

/* reaper_named - pid has set its name (it has closed what it will) */
static int
reaper_named(pid_t pid)
{
	char path[64], name[32] = "";
	FILE *fp;

	(void)snprintf(path, sizeof(path), "/proc/%ld/comm", (long)pid);
	if ((fp = fopen(path, "r")) == NULL)
		return (0);
	if (fgets(name, sizeof(name), fp) == NULL)
		name[0] = '\0';
	(void)fclose(fp);
	return (strncmp(name, "mailguard-reap", 14) == 0);
}

/* extra_fds - how many descriptors above 3 pid holds; held set to 1 if
 * one of them is file.  Descriptors at or above our own soft limit are
 * not the program's: valgrind keeps its own there, above the limit it
 * reports to the program (and to the forked reaper) */
static int
extra_fds(pid_t pid, const char *file, int *held)
{
	char dir[64], link[64 + 256], to[PATH_MAX];
	struct dirent *d;
	struct rlimit rl;
	long fd, top = LONG_MAX;
	DIR *dp;
	ssize_t n;
	int count = 0;

	*held = 0;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
		top = (long)rl.rlim_cur;
	(void)snprintf(dir, sizeof(dir), "/proc/%ld/fd", (long)pid);
	if ((dp = opendir(dir)) == NULL)
		return (-1);
	while ((d = readdir(dp)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		fd = strtol(d->d_name, NULL, 10);
		if (fd <= 3 || fd >= top)
			continue;
		count++;
		(void)snprintf(link, sizeof(link), "%s/%s", dir, d->d_name);
		if ((n = readlink(link, to, sizeof(to) - 1)) > 0) {
			to[n] = '\0';
			if (strcmp(to, file) == 0)
				*held = 1;
		}
	}
	(void)closedir(dp);
	return (count);
}

/*
 * test_close_range_fails - where close_range fails (ENOSYS), the reaper
 * still holds only its reading end: not the flock'd file opened before
 * the watch, not the pipe's writing end (mg_reaper_done returns within
 * 5 s with the directory removed)
 */
static void
test_close_range_fails(void **state)
{
	char dir[] = "/tmp/mg-test-reaper.XXXXXX", lock[64];
	struct mg_reaper rp;
	struct mg_err err;
	struct sigaction sa, old;
	time_t t0;
	pid_t pid;
	int lfd, lfd2, held = 1, n = -1, i;

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_non_null(mkdtemp(dir));
	(void)snprintf(lock, sizeof(lock), "%s.lock", dir);
	assert_true((lfd2 = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) >=
	    0);
	/* above 3, the reaper's pipe: a descriptor only closing removes */
	assert_true((lfd = fcntl(lfd2, F_DUPFD_CLOEXEC, 10)) >= 10);
	(void)close(lfd2);
	assert_int_equal(flock(lfd, LOCK_EX), 0);

	close_range_fails = 1;
	assert_int_equal(mg_reaper_watch(&rp, dir, &err), 0);
	close_range_fails = 0;
	assert_true((pid = rp.pid) > 0);
	for (i = 0; i < 50 && !reaper_named(pid); i++)
		nap();
	assert_true(reaper_named(pid));
	n = extra_fds(pid, lock, &held);
	assert_int_equal(held, 0);
	assert_int_equal(n, 0);
	/* our lock released, nobody else holds it */
	assert_int_equal(close(lfd), 0);
	assert_true((lfd2 = open(lock, O_RDWR | O_CLOEXEC)) >= 0);
	assert_int_equal(flock(lfd2, LOCK_EX | LOCK_NB), 0);
	(void)close(lfd2);
	(void)unlink(lock);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	assert_int_equal(sigaction(SIGALRM, &sa, &old), 0);
	hung = 0;
	hung_pid = pid;
	t0 = time(NULL);
	(void)alarm(5);
	mg_reaper_done(&rp);
	(void)alarm(0);
	hung_pid = 0;
	(void)sigaction(SIGALRM, &old, NULL);
	assert_false(hung);
	assert_true(time(NULL) - t0 < 5);
	assert_true(gone(dir));
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
}

/* test_stale_swept - in a parent directory: PREFIX.DEADPID.x (root's)
 * is removed; PREFIX.OURPID.x, a symbolic link named for a dead pid, a
 * directory of another user and names without a pid stay */
static void
test_stale_swept(void **state)
{
	char parent[] = "/tmp/mg-test-stale.XXXXXX", dead[128], live[128],
	    link[128], other[128], nopid[128], target[128];
	pid_t pid;
	int st;

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_non_null(mkdtemp(parent));
	assert_true((pid = fork()) >= 0);
	if (pid == 0)
		_exit(0);
	assert_int_equal(waitpid(pid, &st, 0), pid);
	(void)snprintf(dead, sizeof(dead), "%s/p.%ld.aaa", parent, (long)pid);
	(void)snprintf(live, sizeof(live), "%s/p.%ld.bbb", parent,
	    (long)getpid());
	(void)snprintf(link, sizeof(link), "%s/p.%ld.ccc", parent, (long)pid);
	(void)snprintf(other, sizeof(other), "%s/p.%ld.ddd", parent,
	    (long)pid);
	(void)snprintf(nopid, sizeof(nopid), "%s/p.XYZ123", parent);
	(void)snprintf(target, sizeof(target), "%s/target", parent);
	assert_int_equal(mkdir(dead, 0700), 0);
	assert_int_equal(mkdir(live, 0700), 0);
	assert_int_equal(mkdir(target, 0700), 0);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(mkdir(other, 0700), 0);
	assert_int_equal(chown(other, 65534, 65534), 0);
	assert_int_equal(mkdir(nopid, 0700), 0);
	assert_int_equal(mg_reaper_stale(parent, "p."), 1);
	assert_true(gone(dead));
	assert_false(gone(live));
	assert_false(gone(link));
	assert_false(gone(target));
	assert_false(gone(other));
	assert_false(gone(nopid));
	(void)rmdir(live);
	(void)unlink(link);
	(void)rmdir(target);
	(void)rmdir(other);
	(void)rmdir(nopid);
	assert_int_equal(rmdir(parent), 0);
}

/*
 * test_stale_pid_reused - mg_reaper_template names a directory with our
 * pid and start time; mg_reaper_stale keeps ours, sweeps one with our pid
 * but another start time (the pid of a dead run reused: here, by us), one
 * whose owner is a zombie, and one of a dead pid; a name whose start is
 * not a number is kept while its pid runs
 */
static void
test_stale_pid_reused(void **state)
{
	char parent[] = "/tmp/mg-test-reused.XXXXXX", mine[PATH_MAX],
	    reused[PATH_MAX], zombie[PATH_MAX], dead[PATH_MAX], odd[PATH_MAX],
	    want[64];
	unsigned long long start;
	struct mg_err err;
	const char *p;
	char *end;
	pid_t z, d;
	int st;

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_non_null(mkdtemp(parent));
	assert_int_equal(mg_reaper_template(mine, sizeof(mine), parent, "p.",
	    &err), 0);
	(void)snprintf(want, sizeof(want), "/p.%ld.", (long)getpid());
	assert_non_null(p = strstr(mine, want));
	p += strlen(want);
	start = strtoull(p, &end, 10);
	assert_true(end > p && start > 0);
	assert_string_equal(end, ".XXXXXX");
	assert_non_null(mkdtemp(mine));
	(void)snprintf(reused, sizeof(reused), "%s/p.%ld.%llu.abcdef", parent,
	    (long)getpid(), start + 1);
	assert_true((z = fork()) >= 0);
	if (z == 0)
		_exit(0);
	assert_true((d = fork()) >= 0);
	if (d == 0)
		_exit(0);
	assert_int_equal(waitpid(d, &st, 0), d);
	(void)snprintf(zombie, sizeof(zombie), "%s/p.%ld.%llu.abcdef", parent,
	    (long)z, start);
	(void)snprintf(dead, sizeof(dead), "%s/p.%ld.%llu.abcdef", parent,
	    (long)d, start);
	(void)snprintf(odd, sizeof(odd), "%s/p.%ld.x1.abcdef", parent,
	    (long)getpid());
	assert_int_equal(mkdir(reused, 0700), 0);
	assert_int_equal(mkdir(zombie, 0700), 0);
	assert_int_equal(mkdir(dead, 0700), 0);
	assert_int_equal(mkdir(odd, 0700), 0);
	/* z has exited and is not waited for: a zombie */
	nap();
	nap();
	assert_int_equal(mg_reaper_stale(parent, "p."), 3);
	assert_false(gone(mine));
	assert_true(gone(reused));
	assert_true(gone(zombie));
	assert_true(gone(dead));
	assert_false(gone(odd));
	assert_int_equal(waitpid(z, &st, 0), z);
	assert_int_equal(rmdir(mine), 0);
	assert_int_equal(rmdir(odd), 0);
	assert_int_equal(rmdir(parent), 0);
}

/* put - file path with text and mode */
static void
put(const char *path, const char *text, mode_t mode)
{
	FILE *fp;

	assert_non_null(fp = fopen(path, "w"));
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(path, mode), 0);
}

/* fake_exim - in base (root's, 0700): a Debian directory etc/, a
 * generator that writes a one-line configuration to its --output, and
 * an "exim" that prints a version; opts pointed at them */
static void
fake_exim(const char *base, char *etc, char *gen, char *bin, size_t size,
    struct mg_detect_opts *o)
{
	char conf[PATH_MAX + 32];

	(void)snprintf(etc, size, "%s/etc", base);
	(void)snprintf(gen, size, "%s/update-exim4.conf", base);
	(void)snprintf(bin, size, "%s/exim4", base);
	assert_int_equal(mkdir(etc, 0755), 0);
	(void)snprintf(conf, sizeof(conf), "%s/update-exim4.conf.conf", etc);
	put(conf, "dc_eximconfig_configtype='local'\n", 0644);
	put(gen, "#!/bin/sh\n[ \"$3\" = --output ] && "
	    "echo 'primary_hostname = test.example' > \"$4\"\n", 0755);
	put(bin, "#!/bin/sh\necho 'Exim version 4.96 #3 built 01-Jan-2026'\n",
	    0755);
	memset(o, 0, sizeof(*o));
	o->exim_path = etc;
	o->exim_bin = bin;
	o->exim_generator = gen;
	o->state_dir = base;
	o->backend = &mg_backend_exim;
}

/* copy_dir - the directory of the target's generated copy into dir */
static void
copy_dir(const struct mg_target *t, char *dir, size_t size)
{
	char *slash;

	assert_non_null(t->generated);
	(void)snprintf(dir, size, "%s", t->generated);
	assert_non_null(slash = strrchr(dir, '/'));
	*slash = '\0';
}

/*
 * test_exim_copy - --exim DIR: the copy update-exim4.conf makes is in
 * /tmp/mailguard-exim.PID.*, removed by mg_target_free with its reaper
 * waited for; a stale copy of a dead run is swept; the copy of a run
 * killed with SIGKILL is gone within 5 s
 */
static void
test_exim_copy(void **state)
{
	char base[] = "/tmp/mg-test-eximcopy.XXXXXX", etc[PATH_MAX],
	    gen[PATH_MAX], bin[PATH_MAX], dir[PATH_MAX], want[64],
	    stale[PATH_MAX];
	struct mg_detect_opts o;
	struct mg_target t;
	struct mg_err err;
	pid_t dead, owner;
	int p[2], st, i;
	ssize_t n;

	(void)state;
	if (geteuid() != 0)
		skip();
	assert_non_null(mkdtemp(base));
	fake_exim(base, etc, gen, bin, PATH_MAX, &o);

	/* a copy left by a run that died (its pid no longer running) */
	assert_true((dead = fork()) >= 0);
	if (dead == 0)
		_exit(0);
	assert_int_equal(waitpid(dead, &st, 0), dead);
	(void)snprintf(stale, sizeof(stale), "/tmp/mailguard-exim.%ld.test",
	    (long)dead);
	assert_int_equal(mkdir(stale, 0700), 0);

	if (mg_backend_detect(&o, &t, &err) < 0)
		fail_msg("detect: %s", err.msg);
	assert_true(gone(stale));
	copy_dir(&t, dir, sizeof(dir));
	(void)snprintf(want, sizeof(want), "/tmp/mailguard-exim.%ld.",
	    (long)getpid());
	assert_memory_equal(dir, want, strlen(want));
	assert_false(gone(dir));
	assert_non_null(t.reaper);
	assert_true(t.reaper->pid > 0);
	mg_target_free(&t);
	assert_true(gone(dir));
	/* the reaper was waited for: no child left */
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);

	/* killed with SIGKILL once the copy is made */
	assert_int_equal(pipe(p), 0);
	assert_true((owner = fork()) >= 0);
	if (owner == 0) {
		(void)close(p[0]);
		if (mg_backend_detect(&o, &t, &err) < 0)
			_exit(1);
		copy_dir(&t, dir, sizeof(dir));
		if (write(p[1], dir, strlen(dir) + 1) !=
		    (ssize_t)(strlen(dir) + 1))
			_exit(3);
		(void)raise(SIGKILL);
		_exit(2);
	}
	(void)close(p[1]);
	memset(dir, 0, sizeof(dir));
	n = read(p[0], dir, sizeof(dir) - 1);
	(void)close(p[0]);
	assert_int_equal(waitpid(owner, &st, 0), owner);
	assert_true(WIFSIGNALED(st));
	assert_true(n > 0);
	(void)snprintf(want, sizeof(want), "/tmp/mailguard-exim.%ld.",
	    (long)owner);
	assert_memory_equal(dir, want, strlen(want));
	for (i = 0; i < 50 && !gone(dir); i++)
		nap();
	assert_true(gone(dir));
	assert_int_equal(mg_reaper_sweep(base), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exim_copy),
		cmocka_unit_test(test_owner_killed),
		cmocka_unit_test(test_done_removes),
		cmocka_unit_test(test_close_range_fails),
		cmocka_unit_test(test_path_canonical),
		cmocka_unit_test(test_stale_swept),
		cmocka_unit_test(test_stale_pid_reused),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
