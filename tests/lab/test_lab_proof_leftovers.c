/*
 * test_lab_proof_leftovers.c - the private Postfix a proof starts
 * authorizes XCLIENT: while it runs no other local user may reach it, and
 * nothing of it (process, /tmp directory, the fix's stage) may outlive the
 * tool, also when the tool is killed with SIGKILL in the middle of the
 * proof.  The tool is paused there (MAILGUARD_TEST_PAUSE_AT=proof-running
 * stops it with SIGSTOP once the instance answers); a child that becomes
 * "nobody" tries every TCP listener of the instance's processes and every
 * socket under its directory, as a relay would be used (XCLIENT, MAIL,
 * RCPT for an outside domain); then the tool is killed (SIGKILL, or
 * SIGINT as Ctrl-C).
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "lab_util.h"

#define LAB "tests/lab/postfix/lab.sh"
#define EXLAB "tests/lab/exim/lab.sh"
#define EXPREFIX "mailguard-exim."
#define PREFIX "mailguard-proof."
#define MAXPIDS 256
#define MAXINO 1024

/* nap_ms - sleep ms milliseconds */
static void
nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

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

/* proof_dirs - names of /tmp/mailguard-proof.* into names (up to max);
 * how many */
static size_t
proof_dirs(char names[][PATH_MAX], size_t max)
{
	struct dirent *d;
	DIR *dp;
	size_t n = 0;

	assert_non_null(dp = opendir("/tmp"));
	while ((d = readdir(dp)) != NULL)
		if (strncmp(d->d_name, PREFIX, strlen(PREFIX)) == 0 && n < max)
			(void)snprintf(names[n++], PATH_MAX, "/tmp/%s",
			    d->d_name);
	(void)closedir(dp);
	return (n);
}

/* other_run - dir (/tmp/mailguard-proof.PID.START.*) belongs to a
 * process that still runs: another run of the tool on this machine, not
 * one the test started (those have all ended when this is asked) */
static int
other_run(const char *dir)
{
	const char *p = dir + strlen("/tmp/") + strlen(PREFIX);
	char *end;
	long pid;

	pid = strtol(p, &end, 10);
	if (end == p || *end != '.' || pid <= 1 || kill((pid_t)pid, 0) < 0)
		return (0);
	(void)printf("    %s: its run (pid %ld) still runs - not ours\n",
	    dir, pid);
	return (1);
}

/* instance_pids - processes whose working directory or command line is
 * in dir (a Postfix master runs as "master -w" in its queue directory);
 * how many, their pids in pids */
static size_t
instance_pids(const char *dir, pid_t *pids, size_t max)
{
	char path[300], cwd[PATH_MAX], cmd[4096];
	struct dirent *d;
	DIR *dp;
	ssize_t n, i;
	size_t found = 0;
	int fd;

	assert_non_null(dp = opendir("/proc"));
	while ((d = readdir(dp)) != NULL) {
		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		(void)snprintf(path, sizeof(path), "/proc/%s/cwd", d->d_name);
		n = readlink(path, cwd, sizeof(cwd) - 1);
		cwd[n > 0 ? n : 0] = '\0';
		(void)snprintf(path, sizeof(path), "/proc/%s/cmdline",
		    d->d_name);
		cmd[0] = '\0';
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
			n = read(fd, cmd, sizeof(cmd) - 1);
			(void)close(fd);
			cmd[n > 0 ? n : 0] = '\0';
			for (i = 0; i < n; i++)
				if (cmd[i] == '\0')
					cmd[i] = ' ';
		}
		if ((inside(cwd, dir) || strstr(cmd, dir) != NULL) &&
		    found < max)
			pids[found++] = (pid_t)strtol(d->d_name, NULL, 10);
	}
	(void)closedir(dp);
	return (found);
}

/* socket_inodes - the socket inodes open in the processes pids */
static size_t
socket_inodes(const pid_t *pids, size_t np, unsigned long *ino, size_t max)
{
	char path[300], fdp[600], link[128];
	struct dirent *d;
	DIR *dp;
	size_t i, n = 0;
	ssize_t len;

	for (i = 0; i < np; i++) {
		(void)snprintf(path, sizeof(path), "/proc/%ld/fd",
		    (long)pids[i]);
		if ((dp = opendir(path)) == NULL)
			continue;
		while ((d = readdir(dp)) != NULL) {
			(void)snprintf(fdp, sizeof(fdp), "%s/%s", path,
			    d->d_name);
			len = readlink(fdp, link, sizeof(link) - 1);
			if (len <= 0)
				continue;
			link[len] = '\0';
			if (strncmp(link, "socket:[", 8) == 0 && n < max)
				ino[n++] = strtoul(link + 8, NULL, 10);
		}
		(void)closedir(dp);
	}
	return (n);
}

/* tcp_listen_ports - the ports of LISTEN sockets in /proc/net/tcp and
 * tcp6 whose inode is one of ino */
static size_t
tcp_listen_ports(const unsigned long *ino, size_t ni, int *ports, size_t max)
{
	static const char *const files[] = { "/proc/net/tcp",
	    "/proc/net/tcp6", NULL };
	char line[512], local[128], rem[128], st[8];
	unsigned long inode;
	size_t f, i, n = 0;
	unsigned int port;
	FILE *fp;
	char *colon;

	for (f = 0; files[f] != NULL; f++) {
		if ((fp = fopen(files[f], "r")) == NULL)
			continue;
		while (fgets(line, sizeof(line), fp) != NULL) {
			if (sscanf(line, "%*s %127s %127s %7s %*s %*s %*s %*s "
			    "%*s %lu", local, rem, st, &inode) != 4 ||
			    strcmp(st, "0A") != 0)
				continue;
			colon = strrchr(local, ':');
			if (colon == NULL || sscanf(colon + 1, "%x", &port) !=
			    1)
				continue;
			for (i = 0; i < ni; i++)
				if (ino[i] == inode && n < max)
					ports[n++] = (int)port;
		}
		(void)fclose(fp);
	}
	return (n);
}

/* says - one SMTP exchange on fd: send cmd (unless NULL), read a reply
 * (last line); its code, or -1 */
static int
says(int fd, const char *cmd, char *reply, size_t size)
{
	char buf[4096];
	size_t have = 0;
	ssize_t n;
	char *line, *nl;

	if (cmd != NULL && (write(fd, cmd, strlen(cmd)) < 0 || write(fd,
	    "\r\n", 2) < 0))
		return (-1);
	for (;;) {
		n = read(fd, buf + have, sizeof(buf) - 1 - have);
		if (n <= 0)
			return (-1);
		have += (size_t)n;
		buf[have] = '\0';
		/* the reply ends with a line "ddd " */
		for (line = buf; (nl = strstr(line, "\r\n")) != NULL;
		    line = nl + 2)
			if (nl - line >= 4 && line[3] == ' ') {
				(void)snprintf(reply, size, "%.*s",
				    (int)(nl - line), line);
				return ((int)strtol(line, NULL, 10));
			}
		if (have == sizeof(buf) - 1)
			return (-1);
	}
}

/* relay_attempt - on a connected fd, as an outsider would use a relay
 * that trusts XCLIENT from us: 1 if the banner came (the instance was
 * reached), and RCPT for an outside domain said 250 counts in *relayed */
static int
relay_attempt(int fd, const char *where, int *relayed)
{
	static const char *const cmds[] = { "EHLO nobody.example",
	    "XCLIENT ADDR=127.0.0.1 NAME=localhost", "EHLO nobody.example",
	    "MAIL FROM:<ceo@bank.example>", NULL };
	struct timeval tv = { 5, 0 };
	char reply[512];
	size_t i;

	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (says(fd, NULL, reply, sizeof(reply)) != 220)
		return (0);
	(void)fprintf(stderr, "    nobody reached %s: %s\n", where, reply);
	for (i = 0; cmds[i] != NULL; i++)
		(void)says(fd, cmds[i], reply, sizeof(reply));
	if (says(fd, "RCPT TO:<victim@remote.test>", reply, sizeof(reply)) ==
	    250) {
		(void)fprintf(stderr, "    nobody relayed through %s: %s\n",
		    where, reply);
		(*relayed)++;
	}
	return (1);
}

static const char *sweep_root;
static int reached, relayed;

/* try_socket - nftw callback: connect to each UNIX socket under the
 * instance's directory as the current (unprivileged) user */
static int
try_socket(const char *path, const struct stat *st, int flag,
    struct FTW *ftw)
{
	struct sockaddr_un sa;
	int fd;

	(void)flag;
	(void)ftw;
	if (!S_ISSOCK(st->st_mode))
		return (0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	(void)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
		return (0);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
		reached += relay_attempt(fd, path, &relayed);
	(void)close(fd);
	return (0);
}

/*
 * as_nobody - in a child that is "nobody": every TCP port in ports on
 * 127.0.0.1 and ::1 and every UNIX socket under dir tried; the child's
 * exit status is how many answered with an SMTP banner (and 100 more for
 * each relayed RCPT), or 255 if it could not become nobody
 */
static int
as_nobody(const char *dir, const int *ports, size_t np)
{
	struct sockaddr_in sa;
	struct passwd *pw;
	char where[64];
	pid_t pid;
	size_t i;
	int fd, status;

	assert_non_null(pw = getpwnam("nobody"));
	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 || setgid(pw->pw_gid) < 0 ||
		    setuid(pw->pw_uid) < 0 || getuid() == 0)
			_exit(255);
		for (i = 0; i < np; i++) {
			memset(&sa, 0, sizeof(sa));
			sa.sin_family = AF_INET;
			sa.sin_port = htons((uint16_t)ports[i]);
			sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
			(void)snprintf(where, sizeof(where), "127.0.0.1:%d",
			    ports[i]);
			if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
				continue;
			if (connect(fd, (struct sockaddr *)&sa,
			    sizeof(sa)) == 0)
				reached += relay_attempt(fd, where, &relayed);
			(void)close(fd);
		}
		sweep_root = dir;
		(void)nftw(dir, try_socket, 16, FTW_PHYS);
		_exit(reached + 100 * relayed > 254 ? 254 : reached + 100 *
		    relayed);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return (WEXITSTATUS(status));
}

/* spawn_paused - argv started with MAILGUARD_TEST_PAUSE_AT=step, its
 * output into log; waited for until it stops there (60 s at most) */
static pid_t
spawn_paused(const char *const *argv, const char *step, const char *log)
{
	pid_t pid;
	int status, fd, i;

	assert_true((pid = fork()) >= 0);
	if (pid == 0) {
		(void)setenv("MAILGUARD_TEST_PAUSE_AT", step, 1);
		if ((fd = open(log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0600)) >= 0) {
			(void)dup2(fd, 1);
			(void)dup2(fd, 2);
		}
		(void)execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	for (i = 0; i < 600; i++) {
		if (waitpid(pid, &status, WNOHANG | WUNTRACED) == pid) {
			if (WIFSTOPPED(status))
				return (pid);
			fail_msg("%s ended (status %d) before %s (see %s)",
			    argv[0], status, step, log);
		}
		nap_ms(100);
	}
	(void)kill(pid, SIGKILL);
	(void)waitpid(pid, &status, 0);
	fail_msg("%s never paused at %s (see %s)", argv[0], step, log);
	return (-1);
}

/* leave_nothing - what the tool left of a failed run: its processes
 * (the ones found in its directory, by pid) killed, the directory
 * removed */
static void
leave_nothing(const char *priv, const pid_t *pids, size_t n)
{
	const char *rm[] = { "rm", "-rf", "--", priv, NULL };
	struct mg_exec_res res;
	size_t i;

	for (i = 0; i < n; i++)
		(void)kill(pids[i], SIGKILL);
	nap_ms(500);
	if (lab_run(&res, rm) >= 0)
		mg_exec_res_free(&res);
}

/* stage_dirs - entries named stage.* in the state directory st */
static size_t
stage_dirs(const char *st)
{
	struct dirent *d;
	DIR *dp;
	size_t n = 0;

	if ((dp = opendir(st)) == NULL)
		return (0);
	while ((d = readdir(dp)) != NULL)
		if (strncmp(d->d_name, "stage.", 6) == 0)
			n++;
	(void)closedir(dp);
	return (n);
}

/*
 * paused_then_killed - argv (a command that proves with a private
 * Postfix) paused while the instance runs: nobody reaches it (no TCP
 * listener, no socket it may connect to); killed there with sig
 * (SIGKILL, or SIGINT as Ctrl-C sends it): within 5 s no process of the
 * instance and no /tmp directory is left, nor a stage in the state
 * directory st (NULL: the command makes none)
 */
static void
paused_then_killed(const char *const *argv, const char *st, const char *log,
    int sig)
{
	char before[64][PATH_MAX], after[64][PATH_MAX], priv[PATH_MAX],
	    mine[PATH_MAX];
	pid_t pids[MAXPIDS], instance[MAXPIDS];
	unsigned long ino[MAXINO];
	int ports[64], status, got, gone;
	size_t nb, na, np, ni, nports, j, k, left, staged, fresh;
	struct stat sb;
	double t0;
	pid_t tool;

	nb = proof_dirs(before, 64);
	tool = spawn_paused(argv, "proof-running", log);

	/* the instance of this run: named with the tool's pid, or (as
	 * older versions named it) the one new directory; other proofs may
	 * run on this machine meanwhile */
	na = proof_dirs(after, 64);
	(void)snprintf(mine, sizeof(mine), "/tmp/%s%ld.", PREFIX,
	    (long)tool);
	priv[0] = '\0';
	for (j = 0, fresh = 0; j < na; j++) {
		for (k = 0; k < nb && strcmp(after[j], before[k]) != 0; k++)
			;
		if (k < nb)
			continue;
		if (strncmp(after[j], mine, strlen(mine)) == 0) {
			(void)snprintf(priv, sizeof(priv), "%s", after[j]);
			fresh = 1;
			break;
		}
		if (fresh++ == 0)
			(void)snprintf(priv, sizeof(priv), "%s", after[j]);
	}
	if (fresh != 1) {
		(void)kill(tool, SIGKILL);
		(void)waitpid(tool, &status, 0);
		fail_msg("%zu new private directories, none named for pid %ld",
		    fresh, (long)tool);
	}
	np = instance_pids(priv, pids, MAXPIDS);
	(void)printf("    paused: %s, %zu processes of it\n", priv, np);
	staged = st != NULL ? stage_dirs(st) : 1;

	/* as nobody: every listener of those processes, every socket */
	ni = socket_inodes(pids, np, ino, MAXINO);
	nports = tcp_listen_ports(ino, ni, ports, 64);
	for (j = 0; j < nports; j++)
		(void)printf("    the instance listens on TCP port %d\n",
		    ports[j]);
	got = as_nobody(priv, ports, nports);

	/* kill -9 in the middle of the proof (before any assertion: a
	 * failed one must not leave the tool stopped) */
	assert_int_equal(kill(tool, sig), 0);
	if (sig != SIGKILL)
		assert_int_equal(kill(tool, SIGCONT), 0);
	assert_int_equal(waitpid(tool, &status, 0), tool);
	(void)printf("    the tool ended by %s\n", WIFSIGNALED(status) ?
	    strsignal(WTERMSIG(status)) : "exit");
	/* the reaper's sweep, polled (lab_wait_s at most: a busy
	 * machine may take seconds to stop a private Postfix) */
	for (t0 = lab_now();; nap_ms(100)) {
		left = instance_pids(priv, instance, MAXPIDS);
		if ((left == 0 && lstat(priv, &sb) < 0 && (st == NULL ||
		    stage_dirs(st) == 0)) || lab_now() - t0 > lab_wait_s())
			break;
	}
	left = instance_pids(priv, instance, MAXPIDS);
	gone = lstat(priv, &sb) < 0 && errno == ENOENT;
	(void)printf("    after the signal and %.1f s: %zu processes, "
	    "directory %s, %zu stages\n", lab_now() - t0, left, gone ?
	    "gone" : "left", st != NULL ? stage_dirs(st) : 0);
	if (left > 0 || !gone)
		leave_nothing(priv, instance, left);

	assert_true(np > 0);
	assert_true(staged > 0);
	assert_int_not_equal(got, 255);
	assert_int_equal(got, 0);
	assert_int_equal(left, 0);
	assert_true(gone);
	if (st != NULL)
		assert_int_equal(stage_dirs(st), 0);
}

/* test_fix_killed_during_proof - fix --yes on mask-typo (a stage, and a
 * private instance from it and from the live configuration) */
static void
test_fix_killed_during_proof(void **state)
{
	const char *dir = lab_instance(LAB, "mask-typo", 0);
	char etc[4096], st[4096], log[4096];
	const char *fix[] = { "./mailguard-tui", "--postfix", etc, "--state",
	    st, "fix", "postfix.mynetworks.narrow", "--yes", NULL };

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	(void)snprintf(log, sizeof(log), "%s/fix.log", dir);
	paused_then_killed(fix, st, log, SIGKILL);
}

/* test_probe_killed_during_proof - probe on relay-in-recipient: the
 * relay probe asks a private instance of the live configuration */
static void
test_probe_killed_during_proof(void **state)
{
	const char *dir = lab_instance(LAB, "relay-in-recipient", 0);
	char etc[4096], log[4096];
	const char *probe[] = { "./mailguard-tui", "--postfix", etc, "probe",
	    NULL };

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(log, sizeof(log), "%s/probe.log", dir);
	paused_then_killed(probe, NULL, log, SIGKILL);
}

/* test_probe_interrupted_during_proof - the same, ended by Ctrl-C's
 * SIGINT */
static void
test_probe_interrupted_during_proof(void **state)
{
	const char *dir = lab_instance(LAB, "relay-in-recipient", 0);
	char etc[4096], log[4096];
	const char *probe[] = { "./mailguard-tui", "--postfix", etc, "probe",
	    NULL };

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(log, sizeof(log), "%s/probe-int.log", dir);
	paused_then_killed(probe, NULL, log, SIGINT);
}

/* reapers_of - the reapers (comm "mailguard-reap") the process tool
 * forked: their pids into pids; how many */
static size_t
reapers_of(pid_t tool, pid_t *pids, size_t max)
{
	char path[300], buf[1024], *p;
	struct dirent *d;
	DIR *dp;
	ssize_t n;
	size_t found = 0;
	long ppid;
	int fd;

	assert_non_null(dp = opendir("/proc"));
	while ((d = readdir(dp)) != NULL) {
		if (d->d_name[0] < '0' || d->d_name[0] > '9')
			continue;
		(void)snprintf(path, sizeof(path), "/proc/%s/stat", d->d_name);
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		(void)close(fd);
		buf[n > 0 ? n : 0] = '\0';
		if (strstr(buf, "(mailguard-reap) ") == NULL ||
		    (p = strrchr(buf, ')')) == NULL || strlen(p) < 4)
			continue;
		ppid = strtol(p + 4, NULL, 10);	/* ") S PPID" */
		if (ppid == (long)tool && found < max)
			pids[found++] = (pid_t)strtol(d->d_name, NULL, 10);
	}
	(void)closedir(dp);
	return (found);
}

/*
 * test_fix_and_reaper_killed - fix --yes paused in the middle of its
 * proof; its reapers killed with SIGKILL, then the tool: the private
 * Postfix, its /tmp directory and the stage stay (nobody is left to
 * remove them).  The next run (the same fix) finds them named with a
 * pid that no longer runs: it stops the instance and removes both, and
 * leaves nothing of its own
 */
static void
test_fix_and_reaper_killed(void **state)
{
	const char *dir = lab_instance(LAB, "mask-typo", 0);
	char etc[4096], st[4096], log[4200], before[64][PATH_MAX],
	    after[64][PATH_MAX], mine[PATH_MAX], priv[PATH_MAX];
	const char *fix[] = { "./mailguard-tui", "--postfix", etc, "--state",
	    st, "fix", "postfix.mynetworks.narrow", "--yes", NULL };
	pid_t reapers[16], pids[MAXPIDS], tool;
	size_t nb, na, nr, np, staged, j, i;
	double t0;
	struct mg_exec_res res;
	struct stat sb;
	int status, rc;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	(void)snprintf(log, sizeof(log), "%s/fix-reaper.log", dir);
	nb = proof_dirs(before, 64);
	tool = spawn_paused(fix, "proof-running", log);
	nr = reapers_of(tool, reapers, 16);
	for (j = 0; j < nr; j++)
		(void)kill(reapers[j], SIGKILL);
	(void)kill(tool, SIGKILL);
	assert_int_equal(waitpid(tool, &status, 0), tool);
	(void)printf("    killed the tool and %zu reapers\n", nr);
	/* gone for good (not merely signalled): none of them can sweep */
	t0 = lab_now();
	for (j = 0; j < nr && lab_now() - t0 <= lab_wait_s(); nap_ms(20))
		while (j < nr && lab_gone((long)reapers[j]))
			j++;

	/* what was left: the directory named for the tool's pid */
	(void)snprintf(mine, sizeof(mine), "/tmp/%s%ld.", PREFIX,
	    (long)tool);
	na = proof_dirs(after, 64);
	priv[0] = '\0';
	for (j = 0; j < na; j++)
		if (strncmp(after[j], mine, strlen(mine)) == 0)
			(void)snprintf(priv, sizeof(priv), "%.*s",
			    (int)sizeof(priv) - 1, after[j]);
	np = priv[0] != '\0' ? instance_pids(priv, pids, MAXPIDS) : 0;
	staged = stage_dirs(st);
	(void)printf("    left: %s with %zu processes, %zu stages\n",
	    priv[0] != '\0' ? priv : "(no directory)", np, staged);
	if (nr < 2 || priv[0] == '\0' || np == 0 || staged == 0) {
		if (priv[0] != '\0')
			leave_nothing(priv, pids, np);
		fail_msg("nothing was left to sweep (%zu reapers): the test "
		    "proves nothing", nr);
	}

	/* the next run */
	rc = lab_run(&res, fix);
	(void)printf("    the next fix exited %d\n", rc);
	mg_exec_res_free(&res);
	for (t0 = lab_now(); lab_now() - t0 <= lab_wait_s(); nap_ms(100))
		if (instance_pids(priv, pids, MAXPIDS) == 0 &&
		    lstat(priv, &sb) < 0 && stage_dirs(st) == 0)
			break;
	np = instance_pids(priv, pids, MAXPIDS);
	rc = lstat(priv, &sb);
	(void)printf("    then: %zu processes, directory %s, %zu stages\n",
	    np, rc < 0 ? "gone" : "left", stage_dirs(st));
	if (np > 0 || rc == 0)
		leave_nothing(priv, pids, np);
	assert_int_equal(np, 0);
	assert_int_equal(rc, -1);
	assert_int_equal(stage_dirs(st), 0);
	/* and the next run left no directory of its own */
	na = proof_dirs(after, 64);
	for (j = 0; j < na; j++) {
		for (i = 0; i < nb && strcmp(after[j], before[i]) != 0; i++)
			;
		if (i == nb && !other_run(after[j]))
			fail_msg("left behind: %s", after[j]);
	}
}

/* exim_copy - the directory /tmp/mailguard-exim.PID.* of the run pid
 * into out, or (as older versions named it, without the pid) the one
 * not in before; 1 if found */
static int
exim_copy(pid_t pid, char before[][PATH_MAX], size_t nb, char *out,
    size_t size)
{
	char mine[PATH_MAX];
	struct dirent *d;
	DIR *dp;
	size_t k, fresh = 0;

	(void)snprintf(mine, sizeof(mine), "%s%ld.", EXPREFIX, (long)pid);
	out[0] = '\0';
	assert_non_null(dp = opendir("/tmp"));
	while ((d = readdir(dp)) != NULL) {
		if (strncmp(d->d_name, EXPREFIX, strlen(EXPREFIX)) != 0)
			continue;
		if (strncmp(d->d_name, mine, strlen(mine)) == 0) {
			(void)snprintf(out, size, "/tmp/%s", d->d_name);
			fresh = 1;
			break;
		}
		for (k = 0; k < nb; k++)
			if (strcmp(before[k] + 5, d->d_name) == 0)
				break;
		if (k == nb && fresh++ == 0)
			(void)snprintf(out, size, "/tmp/%s", d->d_name);
	}
	(void)closedir(dp);
	return (fresh == 1);
}

/* exim_dirs - names of /tmp/mailguard-exim.* into names (up to max) */
static size_t
exim_dirs(char names[][PATH_MAX], size_t max)
{
	struct dirent *d;
	DIR *dp;
	size_t n = 0;

	assert_non_null(dp = opendir("/tmp"));
	while ((d = readdir(dp)) != NULL)
		if (strncmp(d->d_name, EXPREFIX, strlen(EXPREFIX)) == 0 &&
		    n < max)
			(void)snprintf(names[n++], PATH_MAX, "/tmp/%s",
			    d->d_name);
	(void)closedir(dp);
	return (n);
}

/*
 * exim_paused_then_killed - argv (a command on an Exim --exim DIR, which
 * generates a private copy of the configuration in /tmp) paused at step,
 * killed there with SIGKILL: within 5 s its copy is gone with nothing
 * running in it, and no stage is left in the state directory st (NULL:
 * the command makes none)
 */
static void
exim_paused_then_killed(const char *const *argv, const char *step,
    const char *st, const char *log)
{
	char before[64][PATH_MAX], copy[PATH_MAX];
	pid_t left_pids[MAXPIDS];
	size_t nb, left, staged;
	struct stat sb;
	int status, found, gone;
	double t0;
	pid_t tool;

	nb = exim_dirs(before, 64);
	tool = spawn_paused(argv, step, log);
	found = exim_copy(tool, before, nb, copy, sizeof(copy));
	staged = st != NULL ? stage_dirs(st) : 1;
	(void)printf("    paused at %s: copy %s, %zu stages\n", step,
	    found ? copy : "(none)", st != NULL ? staged : 0);

	assert_int_equal(kill(tool, SIGKILL), 0);
	assert_int_equal(waitpid(tool, &status, 0), tool);
	for (t0 = lab_now(); found && lab_now() - t0 <= lab_wait_s();
	    nap_ms(100))
		if (instance_pids(copy, left_pids, MAXPIDS) == 0 &&
		    lstat(copy, &sb) < 0 && (st == NULL ||
		    stage_dirs(st) == 0))
			break;
	left = found ? instance_pids(copy, left_pids, MAXPIDS) : 0;
	gone = found && lstat(copy, &sb) < 0 && errno == ENOENT;
	(void)printf("    after SIGKILL and %.1f s: %zu processes, copy %s, "
	    "%zu stages\n", lab_now() - t0, left, gone ? "gone" : "left",
	    st != NULL ? stage_dirs(st) : 0);
	if (found && (left > 0 || !gone))
		leave_nothing(copy, left_pids, left);

	assert_true(found);
	assert_true(staged > 0);
	assert_int_equal(left, 0);
	assert_true(gone);
	if (st != NULL)
		assert_int_equal(stage_dirs(st), 0);
}

/* test_exim_report_killed - report on --exim DIR (Debian's generator
 * makes the copy), killed once the copy is made */
static void
test_exim_report_killed(void **state)
{
	const char *dir = lab_dir(EXLAB, "incident1-template");
	const char *setup[] = { "setup", "incident1-template", dir, NULL };
	char confdir[4096], gen[4200], bin[4096], log[4200];
	const char *report[] = { "./mailguard-tui", "--exim", confdir,
	    "--exim-bin", bin, "--exim-generator", gen, "report", NULL };

	(void)state;
	assert_int_equal(lab_exim_bin(bin, sizeof(bin)), 0);
	assert_int_equal(lab_script(EXLAB, setup), 0);
	(void)snprintf(confdir, sizeof(confdir), "%s/etc/exim4", dir);
	(void)snprintf(gen, sizeof(gen), "%s/bin/update-exim4.conf", dir);
	(void)snprintf(log, sizeof(log), "%s/report.log", dir);
	exim_paused_then_killed(report, "exim-generated", NULL, log);
}

/* test_exim_fix_killed - fix --yes on --exim DIR, killed with its stage
 * made and proved, just before the backup */
static void
test_exim_fix_killed(void **state)
{
	const char *dir = lab_dir(EXLAB, "incident1-template");
	const char *setup[] = { "setup", "incident1-template", dir, NULL };
	char confdir[4096], gen[4200], bin[4096], st[4200], log[4200];
	const char *fix[] = { "./mailguard-tui", "--exim", confdir,
	    "--exim-bin", bin, "--exim-generator", gen, "--state", st,
	    "fix", "exim.localhost.deny-remote", "--yes", NULL };

	(void)state;
	assert_int_equal(lab_exim_bin(bin, sizeof(bin)), 0);
	assert_int_equal(lab_script(EXLAB, setup), 0);
	(void)snprintf(confdir, sizeof(confdir), "%s/etc/exim4", dir);
	(void)snprintf(gen, sizeof(gen), "%s/bin/update-exim4.conf", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	(void)snprintf(log, sizeof(log), "%s/fix.log", dir);
	exim_paused_then_killed(fix, "backup", st, log);
}

/* setup - a private root */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-pf-leftovers");
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fix_killed_during_proof),
		cmocka_unit_test(test_probe_killed_during_proof),
		cmocka_unit_test(test_probe_interrupted_during_proof),
		cmocka_unit_test(test_fix_and_reaper_killed),
		cmocka_unit_test(test_exim_report_killed),
		cmocka_unit_test(test_exim_fix_killed),
	};

	return (cmocka_run_group_tests_name("lab_proof_leftovers", tests,
	    setup, lab_teardown));
}
