/* mg_exec.c - fork/execve with bounded captured output, a timeout, no shell. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mg_exec.h"

/* The environment of every child: nothing inherited that could change
 * how an MTA tool parses or prints (locale, IFS, LD_*, MAIL_CONFIG). */
static char env_path[] = "PATH=" MG_EXEC_PATH;
static char env_lc_all[] = "LC_ALL=C";
static char env_lang[] = "LANG=C";
static char *const child_env[] = { env_path, env_lc_all, env_lang, NULL };

/* now_ms - monotonic clock in milliseconds */
static long long
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* mg_exec_find - resolve a bare command name against MG_EXEC_PATH */
int
mg_exec_find(const char *name, char *buf, size_t size)
{
	const char *dir, *end;
	struct stat st;
	int n;

	if (strchr(name, '/') != NULL) {
		n = snprintf(buf, size, "%s", name);
		return (n < 0 || (size_t)n >= size ? -1 : 0);
	}
	for (dir = MG_EXEC_PATH; *dir != '\0'; dir = end + (*end == ':')) {
		end = strchr(dir, ':');
		if (end == NULL)
			end = dir + strlen(dir);
		n = snprintf(buf, size, "%.*s/%s", (int)(end - dir), dir, name);
		if (n < 0 || (size_t)n >= size)
			continue;
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) &&
		    (st.st_mode & 0111) != 0)
			return (0);
	}
	return (-1);
}

/* child - set up fds and exec; never returns */
static void
child(const char *path, const struct mg_exec_req *req, int in, int out,
    int err)
{
	sigset_t none;
	int devnull;

	(void)setpgid(0, 0);
	/* a mask is inherited by execve: a command started from a thread
	 * that blocks signals (the console's queue reader) gets none */
	(void)sigemptyset(&none);
	(void)sigprocmask(SIG_SETMASK, &none, NULL);
	if (in < 0) {
		devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
		if (devnull >= 0)
			in = devnull;
	}
	if (in >= 0 && dup2(in, 0) < 0)
		_exit(127);
	if (dup2(out, 1) < 0)
		_exit(127);
	if (dup2(req->merge_stderr ? out : err, 2) < 0)
		_exit(127);
	/* in this child only: the command starts with SIGPIPE's default
	 * whatever we run with */
	(void)signal(SIGPIPE, SIG_DFL);
	execve(path, (char *const *)req->argv, child_env);
	_exit(127);
}

/* close_pipes - close whichever ends are still open */
static void
close_pipes(int *pin, int *pout, int *perr)
{
	int *fds[] = { pin, pout, perr };
	size_t i, k;

	for (i = 0; i < 3; i++) {
		for (k = 0; k < 2; k++) {
			if (fds[i][k] >= 0)
				(void)close(fds[i][k]);
			fds[i][k] = -1;
		}
	}
}

/* drain - read what is available from fd into s, respecting max */
static int
drain(int fd, struct mg_str *s, size_t max, int *truncated)
{
	char buf[8192];
	ssize_t n;
	size_t room;

	n = read(fd, buf, sizeof(buf));
	if (n < 0)
		return (errno == EINTR || errno == EAGAIN ? 1 : -1);
	if (n == 0)
		return (0);
	room = s->len < max ? max - s->len : 0;
	if ((size_t)n > room) {
		*truncated = 1;
		n = (ssize_t)room;
	}
	mg_str_append(s, buf, (size_t)n);
	return (1);
}

/*
 * pipe_mute - SIGPIPE blocked in this thread only (the disposition is the
 * whole process's: switching it here would race with another thread
 * running a command, and change what a write to a closed stdout does
 * for the rest of the program); a write to a child that is gone then
 * fails with EPIPE, and the signal it raised stays pending on this
 * thread.  *was_pending: one was pending before (not ours to take).
 */
static void
pipe_mute(sigset_t *old, int *was_pending)
{
	sigset_t pipe, pending;

	(void)sigemptyset(&pipe);
	(void)sigaddset(&pipe, SIGPIPE);
	(void)pthread_sigmask(SIG_BLOCK, &pipe, old);
	*was_pending = sigpending(&pending) == 0 &&
	    sigismember(&pending, SIGPIPE) == 1;
}

/* pipe_unmute - the SIGPIPE our writes raised taken (without waiting),
 * the thread's mask as it was */
static void
pipe_unmute(const sigset_t *old, int was_pending)
{
	static const struct timespec zero = { 0, 0 };
	sigset_t pipe, pending;

	(void)sigemptyset(&pipe);
	(void)sigaddset(&pipe, SIGPIPE);
	if (!was_pending)
		while (sigpending(&pending) == 0 &&
		    sigismember(&pending, SIGPIPE) == 1 &&
		    (sigtimedwait(&pipe, NULL, &zero) == SIGPIPE ||
		    errno == EINTR))
			;
	(void)pthread_sigmask(SIG_SETMASK, old, NULL);
}

/* mg_exec - run req->argv, capture output; -1 only if it could not run */
int
mg_exec(const struct mg_exec_req *req, struct mg_exec_res *res,
    struct mg_err *err)
{
	char path[PATH_MAX];
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, perr[2] = { -1, -1 };
	struct pollfd pfd[3];
	size_t max = req->out_max ? req->out_max : MG_EXEC_OUT_MAX;
	size_t inoff = 0;
	long long deadline;
	int timeout = req->timeout_ms ? req->timeout_ms : MG_EXEC_TIMEOUT_MS;
	int status, r, nfd, i;
	pid_t pid;
	sigset_t oldmask;
	int was_pending;

	memset(res, 0, sizeof(*res));
	mg_str_init(&res->out);
	mg_str_init(&res->err);
	if (req->argv == NULL || req->argv[0] == NULL)
		return (mg_err_set(err, "internal error: empty command"));
	if (mg_exec_find(req->argv[0], path, sizeof(path)) < 0)
		return (mg_err_set(err, "cannot run %s: command not found",
		    req->argv[0]));
	if ((req->input != NULL && pipe2(pin, O_CLOEXEC) < 0) ||
	    pipe2(pout, O_CLOEXEC) < 0 || pipe2(perr, O_CLOEXEC) < 0) {
		mg_err_errno(err, "cannot run %s: pipe", path);
		goto fail;
	}
	pipe_mute(&oldmask, &was_pending);
	pid = fork();
	if (pid < 0) {
		mg_err_errno(err, "cannot run %s: fork", path);
		pipe_unmute(&oldmask, was_pending);
		goto fail;
	}
	if (pid == 0)
		child(path, req, pin[0], pout[1], perr[1]);
	(void)setpgid(pid, pid);
	if (pin[0] >= 0)
		(void)close(pin[0]);
	(void)close(pout[1]);
	(void)close(perr[1]);
	pin[0] = pout[1] = perr[1] = -1;
	if (pin[1] >= 0)
		(void)fcntl(pin[1], F_SETFL, O_NONBLOCK);

	deadline = now_ms() + timeout;
	for (;;) {
		nfd = 0;
		if (pout[0] >= 0) {
			pfd[nfd].fd = pout[0];
			pfd[nfd++].events = POLLIN;
		}
		if (perr[0] >= 0) {
			pfd[nfd].fd = perr[0];
			pfd[nfd++].events = POLLIN;
		}
		if (pin[1] >= 0) {
			pfd[nfd].fd = pin[1];
			pfd[nfd++].events = POLLOUT;
		}
		if (nfd == 0)
			break;
		long long left = deadline - now_ms();
		if (left <= 0) {
			res->timed_out = 1;
			(void)kill(-pid, SIGKILL);
			(void)kill(pid, SIGKILL);
			break;
		}
		r = poll(pfd, (nfds_t)nfd, (int)left);
		if (r < 0 && errno != EINTR)
			break;
		for (i = 0; r > 0 && i < nfd; i++) {
			if (pfd[i].revents == 0)
				continue;
			if (pfd[i].fd == pin[1]) {
				ssize_t w = write(pin[1], req->input + inoff,
				    req->input_len - inoff);
				if (w > 0)
					inoff += (size_t)w;
				if ((w < 0 && errno != EAGAIN &&
				    errno != EINTR) ||
				    inoff >= req->input_len ||
				    (pfd[i].revents & (POLLERR | POLLHUP))) {
					(void)close(pin[1]);
					pin[1] = -1;
				}
			} else if (pfd[i].fd == pout[0]) {
				if (drain(pout[0], &res->out, max,
				    &res->truncated) <= 0) {
					(void)close(pout[0]);
					pout[0] = -1;
				}
			} else if (pfd[i].fd == perr[0]) {
				if (drain(perr[0], &res->err, max,
				    &res->truncated) <= 0) {
					(void)close(perr[0]);
					perr[0] = -1;
				}
			}
		}
		if (req->input_len == 0 && pin[1] >= 0) {
			(void)close(pin[1]);
			pin[1] = -1;
		}
	}
	close_pipes(pin, pout, perr);
	/* The output is closed; the child still gets only what is left of
	 * the deadline to exit (it may have closed stdout and gone on). */
	for (;;) {
		pid_t w = waitpid(pid, &status, res->timed_out ? 0 : WNOHANG);

		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			pipe_unmute(&oldmask, was_pending);
			return (mg_err_errno(err, "cannot wait for %s", path));
		}
		if (w == 0 && now_ms() >= deadline) {
			res->timed_out = 1;
			(void)kill(-pid, SIGKILL);
			(void)kill(pid, SIGKILL);
		} else if (w == 0)
			(void)poll(NULL, 0, 10);
	}
	pipe_unmute(&oldmask, was_pending);
	if (WIFEXITED(status)) {
		res->exited = 1;
		res->exit_code = WEXITSTATUS(status);
		if (res->exit_code == 127 && res->out.len == 0 &&
		    res->err.len == 0)
			return (mg_err_set(err, "cannot execute %s", path));
	} else if (WIFSIGNALED(status))
		res->signo = WTERMSIG(status);
	return (0);

fail:
	close_pipes(pin, pout, perr);
	return (-1);
}

/* mg_exec_ok - exited with status 0, in time, nothing dropped */
int
mg_exec_ok(const struct mg_exec_res *res)
{
	return (res->exited && res->exit_code == 0 && !res->timed_out);
}

/*
 * mg_exec_run - run argv (no input) and insist on success: -1 with a
 * message naming the command and its first line of complaint otherwise;
 * on success the caller owns res and frees it.
 */
int
mg_exec_run(const char *const *argv, int timeout_ms, struct mg_exec_res *res,
    struct mg_err *err)
{
	struct mg_exec_req req;

	memset(&req, 0, sizeof(req));
	req.argv = argv;
	req.timeout_ms = timeout_ms;
	if (mg_exec(&req, res, err) < 0) {
		mg_exec_res_free(res);
		return (-1);
	}
	if (!mg_exec_ok(res)) {
		mg_exec_describe(&req, res, err);
		mg_exec_res_free(res);
		return (-1);
	}
	return (0);
}

/* mg_exec_describe - "postconf exited with status 1: <first stderr line>" */
void
mg_exec_describe(const struct mg_exec_req *req, const struct mg_exec_res *res,
    struct mg_err *err)
{
	const char *msg = res->err.len ? mg_str_cstr(&res->err) :
	    mg_str_cstr(&res->out);
	size_t n = strcspn(msg, "\n");

	if (res->timed_out)
		(void)mg_err_set(err, "%s timed out", req->argv[0]);
	else if (res->signo)
		(void)mg_err_set(err, "%s killed by signal %d", req->argv[0],
		    res->signo);
	else
		(void)mg_err_set(err, "%s exited with status %d%s%.*s",
		    req->argv[0], res->exit_code, n ? ": " : "",
		    n > 300 ? 300 : (int)n, msg);
}

/* mg_exec_res_free - accepts NULL */
void
mg_exec_res_free(struct mg_exec_res *res)
{
	if (res == NULL)
		return;
	mg_str_free(&res->out);
	mg_str_free(&res->err);
}

/*
 * mg_exec_tool - run an MTA tool: argv with input on stdin (may be
 * NULL), stderr merged into stdout, appended to out (may be NULL); 0 if
 * it exited 0, -1 otherwise with err saying why
 */
int
mg_exec_tool(const char *const *argv, const char *input, size_t len,
    int timeout_ms, struct mg_str *out, struct mg_err *err)
{
	struct mg_exec_req req;
	struct mg_exec_res res;
	int rc;

	memset(&req, 0, sizeof(req));
	req.argv = argv;
	req.input = input;
	req.input_len = len;
	req.timeout_ms = timeout_ms;
	req.merge_stderr = 1;
	if (mg_exec(&req, &res, err) < 0)
		return (-1);
	if (out != NULL)
		mg_str_append(out, res.out.data != NULL ? res.out.data : "",
		    res.out.len);
	rc = mg_exec_ok(&res) ? 0 : -1;
	if (rc < 0)
		mg_exec_describe(&req, &res, err);
	mg_exec_res_free(&res);
	return (rc);
}
