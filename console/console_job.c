/*
 * console_job.c - the console's background job runner: one child process
 * at a time (a fix being applied, a queue action, the relay probe), its
 * output read through a non-blocking pipe between keys, progress lines
 * parsed for the bar, and a cancel asked of the child with SIGTERM.
 *
 * The child has its own process group and ignores SIGPIPE, so ^C at the
 * console or a terminal that goes away does not stop a job that has begun
 * changing live files; the job itself decides when a cancel may still be
 * honoured (con_job_cancelled, asked between its early steps).
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/mg_exit.h"
#include "console_int.h"
#include "console_scan.h"

/* How long a job's start waits for the queue reader to hold still: a
 * scan stops at its next progress call (every few hundred files). */
#define HOLD_MS 5000

/* What the engine prints once it has begun changing live files. */
#define COMMITTED "applying (journal entry"

static volatile sig_atomic_t child_cancel;
/* on_term - the child's SIGTERM: a cancel request */
static void
on_term(int sig)
{
	(void)sig;
	child_cancel = 1;
}

/*
 * child_setup - the child's side of a job: its own process group, the
 * default fatal signals, SIGTERM as a cancel request, stdin /dev/null and
 * stdout/stderr on fd.  The stream to print on; NULL: cannot.
 */
static FILE *
child_setup(int fd)
{
	static const int dfl[] = { SIGINT, SIGHUP, SIGQUIT, SIGABRT, SIGSEGV,
	    SIGBUS, SIGFPE, SIGILL };
	struct sigaction sa;
	FILE *out;
	size_t i;
	int nul;

	/*
	 * A process group of its own: ^C, ^\ and window changes at the
	 * console reach the console, not the job, which must run to its
	 * end (or its restore) once it has begun.
	 */
	(void)setpgid(0, 0);
	for (i = 0; i < sizeof(dfl) / sizeof(dfl[0]); i++)
		(void)signal(dfl[i], SIG_DFL);
	/* The console may go away; the job must not die of it. */
	(void)signal(SIGPIPE, SIG_IGN);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_term;
	(void)sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGTERM, &sa, NULL);
	if ((nul = open("/dev/null", O_RDONLY | O_CLOEXEC)) >= 0)
		(void)dup2(nul, STDIN_FILENO);
	(void)dup2(fd, STDOUT_FILENO);
	(void)dup2(fd, STDERR_FILENO);
	if ((out = fdopen(dup(STDOUT_FILENO), "w")) == NULL)
		return (NULL);
	(void)setvbuf(out, NULL, _IOLBF, 0);
	return (out);
}

/* con_job_cancelled - the child was asked to stop (SIGTERM) */
int
con_job_cancelled(void)
{
	return (child_cancel != 0);
}

/*
 * con_job_start - run fn in a child process, its output shown as it
 * comes (con_job_poll); 0 if it runs, else -1 with a note.  The terminal
 * is the parent's: nothing in the child touches it (the session's
 * progress notes are dropped there), and _exit skips curses' and stdio's
 * buffers.
 *
 * The child is forked without exec and runs the whole job (sqlite,
 * malloc, stdio, exec): only the forking thread lives on in it, so any
 * lock another thread held at the fork would stay locked there forever.
 * The queue reader's thread is therefore held still around the fork
 * (con_scan_hold: its scan cut short, every lock it took released, its
 * helper threads joined), and the fork is refused when it cannot be.
 */
int
con_job_start(struct con *c, int kind, const char *what, con_job_fn fn,
    void *arg)
{
	struct mg_err err;
	FILE *out;
	int pfd[2], rc;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC) < 0) {
		con_note(c, "cannot start: no pipe");
		return (-1);
	}
	if (c->reader != NULL && con_scan_hold(c->reader, HOLD_MS, &err) < 0) {
		(void)close(pfd[0]);
		(void)close(pfd[1]);
		con_note(c, "not started: the queue reader did not pause "
		    "(nothing changed); try again");
		return (-1);
	}
	(void)fflush(stdout);
	pid = fork();
	if (pid != 0 && c->reader != NULL)
		con_scan_resume(c->reader);
	if (pid < 0) {
		(void)close(pfd[0]);
		(void)close(pfd[1]);
		con_note(c, "cannot start: fork failed");
		return (-1);
	}
	if (pid == 0) {
		(void)close(pfd[0]);
		if ((out = child_setup(pfd[1])) == NULL)
			_exit(MG_EXIT_FAILED);
		/*
		 * The console's progress note (what a slow read is doing)
		 * draws with curses on stdout, here the job's output: a
		 * fix's live check reading the tables again put escaped
		 * cursor moves into the apply screen.  The job says what it
		 * does in its own lines.
		 */
		if (c->app != NULL) {
			c->app->opts.note = NULL;
			c->app->target.note = NULL;
		}
		rc = fn(c, arg, out);
		(void)fflush(out);
		_exit(rc);
	}
	(void)close(pfd[1]);
	con_job_free(&c->job);
	c->job.pid = pid;
	c->job.fd = pfd[0];
	c->job.kind = kind;
	(void)fcntl(pfd[0], F_SETFL, fcntl(pfd[0], F_GETFL) | O_NONBLOCK);
	c->job.what = mg_xstrdup(what);
	mg_str_init(&c->job.out);
	return (0);
}

/* con_job_free - forget a finished job's output */
void
con_job_free(struct con_job *j)
{
	if (j == NULL)
		return;
	if (j->fd >= 0)
		(void)close(j->fd);
	mg_str_free(&j->out);
	free(j->what);
	memset(j, 0, sizeof(*j));
	j->fd = -1;
}

/* con_job_running - a child is still applying */
int
con_job_running(const struct con *c)
{
	return (c->job.pid > 0 && !c->job.ended);
}

/*
 * con_job_poll - read what the child printed; reap it at the end.
 * 1 if anything changed (redraw).
 */
int
con_job_poll(struct con *c)
{
	struct con_job *j = &c->job;
	char buf[4096];
	ssize_t n;
	int status, changed = 0;

	if (j->pid <= 0 || j->ended)
		return (0);
	for (;;) {
		n = read(j->fd, buf, sizeof(buf));
		if (n > 0) {
			mg_str_append(&j->out, buf, (size_t)n);
			changed = 1;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		break;
	}
	if (n == 0) {	/* EOF: the child is done */
		while (waitpid(j->pid, &status, 0) < 0 && errno == EINTR)
			;
		j->status = WIFEXITED(status) ? WEXITSTATUS(status) :
		    128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
		j->ended = 1;
		(void)close(j->fd);
		j->fd = -1;
		changed = 1;
	}
	return (changed);
}

/*
 * con_job_progress - the last progress line the job printed: step of
 * nsteps, done of total, the step's name; 0 if it printed none
 */
int
con_job_progress(const struct con_job *j, unsigned *step, unsigned *nsteps,
    size_t *done, size_t *total, char *name, size_t namesz)
{
	const char *p, *last = NULL;
	char word[32];

	for (p = mg_str_cstr(&j->out); (p = strstr(p, CON_PROGRESS)) != NULL;
	    p++)
		last = p;
	if (last == NULL || sscanf(last + strlen(CON_PROGRESS),
	    "%u %u %zu %zu %31s", step, nsteps, done, total, word) != 5)
		return (0);
	(void)snprintf(name, namesz, "%s", word);
	return (1);
}

/* committed - the engine began changing live files */
static int
committed(const struct con_job *j)
{
	return (j->out.data != NULL && strstr(j->out.data, COMMITTED) !=
	    NULL);
}

/* con_job_cancel - ask the child to stop if it still may */
void
con_job_cancel(struct con *c)
{
	if (!con_job_running(c))
		return;
	if (c->job.kind == CON_JOB_QUEUE) {
		con_note(c, "a queue action runs to its end: its IDs are "
		    "journaled, stopping midway would leave them half-moved");
		return;
	}
	if (committed(&c->job)) {
		con_note(c, "too late to cancel: the change is being "
		    "installed; it finishes or is restored");
		return;
	}
	(void)kill(c->job.pid, SIGTERM);
	con_note(c, "cancelling after the current step - nothing is "
	    "changed");
}

