/*
 * console_signal.c - the console's signals: SIGINT, SIGTERM and SIGHUP set
 * a flag the key loop sees; fatal signals put the terminal back first.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "console_int.h"

/* The signals that end the console: the loop leaves and restores the tty. */
static const int end_signals[CON_NEND_SIGNALS] = { SIGINT, SIGTERM, SIGHUP };

/*
 * The signals that kill the process (abort() on out of memory or a failed
 * assert, a crash): the terminal is put back before the default action, as
 * htop's crash handler does.  endwin is not async-signal-safe, so what it
 * would do is prepared beforehand: the tty modes from before curses, and
 * the terminfo strings that leave its modes.
 */
static const int fatal_signals[CON_NFATAL_SIGNALS] = { SIGABRT, SIGSEGV,
	SIGBUS, SIGFPE, SIGILL };

static volatile sig_atomic_t got_signal;
static int fatal_fd = -1;		/* the terminal; -1: nothing to do */
static struct termios fatal_tios;	/* its modes before curses */
static char fatal_seq[256];		/* sgr0 cnorm rmkx rmcup */
static size_t fatal_len;

/* on_signal - remember the signal; the loop leaves and restores the tty */
static void
on_signal(int sig)
{
	got_signal = sig;
}

/* write_all - write(2) until done or an error; async-signal-safe */
static void
write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		buf += n;
		len -= (size_t)n;
	}
}

/*
 * on_fatal - terminal back to what it was, then the default action: the
 * handler runs with SA_RESETHAND and its signal blocked, so the raise is
 * delivered, with the default action, when it returns.  Only
 * async-signal-safe calls (tcsetattr, write, raise).
 */
static void
on_fatal(int sig)
{
	static const char msg[] = "mailguard-tui: stopped by a fatal error; "
	    "terminal restored\n";
	int saved = errno;

	if (fatal_fd >= 0) {
		(void)tcsetattr(fatal_fd, TCSANOW, &fatal_tios);
		write_all(fatal_fd, fatal_seq, fatal_len);
		write_all(STDERR_FILENO, msg, sizeof(msg) - 1);
	}
	errno = saved;
	(void)raise(sig);
}

/* fatal_add - append a terminfo string, without $<n> padding, if it fits */
static void
fatal_add(const char *cap)
{
	const char *s = tigetstr(cap), *e;
	char buf[sizeof(fatal_seq)];
	size_t n = 0;

	if (s == NULL || s == (char *)-1)
		return;
	for (; *s != '\0'; s++) {
		e = s[0] == '$' && s[1] == '<' ? strchr(s, '>') : NULL;
		if (e != NULL) {	/* a delay: no time for it here */
			s = e;
			continue;
		}
		if (fatal_len + n + 1 >= sizeof(fatal_seq))
			return;
		buf[n++] = *s;
	}
	memcpy(fatal_seq + fatal_len, buf, n);
	fatal_len += n;
}

/*
 * con_signals_catch - before curses: SIGINT, SIGTERM, SIGHUP end the loop
 * (ncurses then leaves them alone instead of exiting from inside a
 * handler), and the modes of the terminal on fd are kept for on_fatal.
 * No SA_RESTART: the signal interrupts getch, which returns ERR, and the
 * loop sees the flag.
 */
void
con_signals_catch(struct con_signals *ss, int fd)
{
	struct sigaction sa;
	size_t i;

	memset(ss, 0, sizeof(*ss));
	got_signal = 0;
	fatal_fd = tcgetattr(fd, &fatal_tios) == 0 ? fd : -1;
	fatal_len = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	(void)sigemptyset(&sa.sa_mask);
	for (i = 0; i < CON_NEND_SIGNALS; i++)
		(void)sigaction(end_signals[i], &sa, &ss->old[i]);
}

/*
 * con_signals_fatal - once curses knows the terminal: the strings that
 * leave its modes, and the fatal handlers.
 */
void
con_signals_fatal(struct con_signals *ss)
{
	struct sigaction sa;
	size_t i;

	fatal_len = 0;
	fatal_add("sgr0");
	fatal_add("cnorm");
	fatal_add("rmkx");
	fatal_add("rmcup");
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_fatal;
	sa.sa_flags = SA_RESETHAND;
	(void)sigemptyset(&sa.sa_mask);
	for (i = 0; i < CON_NFATAL_SIGNALS; i++)
		(void)sigaction(fatal_signals[i], &sa, &ss->old_fatal[i]);
	ss->fatal_set = 1;
}

/* con_signals_caught - the signal that ended the console, or 0 */
int
con_signals_caught(void)
{
	return ((int)got_signal);
}

/* con_signals_restore - after endwin: what was there before the console */
void
con_signals_restore(const struct con_signals *ss)
{
	size_t i;

	for (i = 0; i < CON_NEND_SIGNALS; i++)
		(void)sigaction(end_signals[i], &ss->old[i], NULL);
	if (ss->fatal_set)
		for (i = 0; i < CON_NFATAL_SIGNALS; i++)
			(void)sigaction(fatal_signals[i], &ss->old_fatal[i],
			    NULL);
	fatal_fd = -1;
}
