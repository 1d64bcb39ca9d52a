/*
 * lab_util.c - shared by the lab tests (compiled into each): a private
 * temporary root, running the lab scripts and the real binary through
 * mg_exec (no shell), and making sure every instance is stopped.
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "../../core/mg_file.h"
#include "../../core/mg_lines.h"
#include "../../core/mg_str.h"
#include "../unit/mg_test.h"
#include "lab_util.h"

static char root[PATH_MAX];
static char *dirs[64];
static char *scripts[64];
static size_t ndirs;

/* lab_make_root - mkdtemp under /tmp with a recognisable prefix */
void
lab_make_root(const char *prefix)
{
	/* the tool asks no DNS server but one a test names (--resolver):
	 * the lab stays on loopback */
	(void)setenv("MAILGUARD_NO_DNS", "1", 1);
	(void)snprintf(root, sizeof(root), "/tmp/%s.XXXXXX", prefix);
	if (mkdtemp(root) == NULL) {
		perror("mkdtemp");
		abort();
	}
}

/* lab_root - the temporary root of this test program */
const char *
lab_root(void)
{
	return (root);
}

/* lab_dir - a fresh DIR for an instance, remembered so cleanup stops it */
const char *
lab_dir(const char *script, const char *name)
{
	struct mg_str buf = MG_STR_INIT;

	mg_str_printf(&buf, "%s/%s-%zu", root, name, ndirs);
	if (ndirs < sizeof(dirs) / sizeof(dirs[0])) {
		dirs[ndirs] = mg_str_steal(&buf);
		scripts[ndirs] = mg_xstrdup(script);
		ndirs++;
		return (dirs[ndirs - 1]);
	}
	abort();
}

/* lab_run - run argv, print what it said if it failed; exit code or -1 */
int
lab_run(struct mg_exec_res *res, const char *const *argv)
{
	struct mg_exec_req req;
	struct mg_err err;

	memset(&req, 0, sizeof(req));
	req.argv = argv;
	req.timeout_ms = 300000;
	if (mg_exec(&req, res, &err) < 0) {
		(void)fprintf(stderr, "lab: %s\n", err.msg);
		return (-1);
	}
	if (!res->exited)
		return (-1);
	return (res->exit_code);
}

/* lab_capture - run argv; its stdout into out (caller frees), its stderr
 * shown; returns the exit code or -1 */
int
lab_capture(const char *const *argv, struct mg_str *out)
{
	struct mg_exec_res res;
	int rc;

	rc = lab_run(&res, argv);
	if (res.err.len > 0)
		(void)fprintf(stderr, "%s stderr: %s", argv[0], res.err.data);
	mg_str_init(out);
	mg_str_append(out, res.out.data, res.out.len);
	mg_exec_res_free(&res);
	return (rc);
}

/* lab_script - sh SCRIPT args...; 0 on success, output shown on failure */
int
lab_script(const char *script, const char *const *args)
{
	const char *argv[32];
	struct mg_exec_res res;
	size_t n = 0;
	int rc;

	argv[n++] = "sh";
	argv[n++] = script;
	while (*args != NULL && n < 31)
		argv[n++] = *args++;
	argv[n] = NULL;
	if (*args != NULL) {
		(void)fprintf(stderr, "lab: %s: too many arguments\n",
		    script);
		return (-1);
	}
	rc = lab_run(&res, argv);
	if (rc != 0)
		(void)fprintf(stderr, "lab: %s %s failed (%d):\n%s%s\n",
		    script, argv[2], rc, mg_str_cstr(&res.out),
		    mg_str_cstr(&res.err));
	mg_exec_res_free(&res);
	return (rc);
}

/* lab_jq - 0 if jq -e FILTER on JSON is true; JSON passed on stdin */
int
lab_jq(const char *json, const char *filter, const char *arg)
{
	const char *argv[] = { "jq", "-e", "--arg", "a", arg != NULL ? arg :
	    "", filter, NULL };
	struct mg_exec_req req;
	struct mg_exec_res res;
	struct mg_err err;
	int rc;

	memset(&req, 0, sizeof(req));
	req.argv = argv;
	req.input = json;
	req.input_len = strlen(json);
	if (mg_exec(&req, &res, &err) < 0) {
		(void)fprintf(stderr, "lab: %s\n", err.msg);
		return (-1);
	}
	/* jq -e on empty input prints nothing and exits 0: not true */
	rc = mg_exec_ok(&res) && res.out.len > 0 ? 0 : 1;
	if (rc != 0)
		(void)fprintf(stderr, "lab: jq '%s' false, invalid or on no "
		    "input: %s\n",
		    filter, mg_str_cstr(&res.err));
	mg_exec_res_free(&res);
	return (rc);
}

/* lab_processes_left - processes working in, or naming, our root.  Postfix's
 * master runs as "master -w" in its queue directory: cwd tells. */
int
lab_processes_left(void)
{
	char path[300], link[PATH_MAX], cmd[4096];
	struct dirent *de;
	size_t rlen = strlen(root);
	ssize_t n;
	DIR *d;
	int fd, left = 0;

	if (rlen == 0 || (d = opendir("/proc")) == NULL)
		return (0);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		(void)snprintf(path, sizeof(path), "/proc/%s/cwd", de->d_name);
		n = readlink(path, link, sizeof(link) - 1);
		link[n > 0 ? n : 0] = '\0';
		(void)snprintf(path, sizeof(path), "/proc/%s/cmdline",
		    de->d_name);
		cmd[0] = '\0';
		if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
			n = read(fd, cmd, sizeof(cmd) - 1);
			(void)close(fd);
			cmd[n > 0 ? n : 0] = '\0';
			for (ssize_t i = 0; i < n; i++)
				if (cmd[i] == '\0')
					cmd[i] = ' ';
		}
		if (strncmp(link, root, rlen) == 0 ||
		    strstr(cmd, root) != NULL) {
			(void)fprintf(stderr, "lab: process left behind: %s "
			    "cwd=%s: %s\n", de->d_name, link, cmd);
			left = 1;
		}
	}
	(void)closedir(d);
	return (left);
}

/* lab_cleanup - destroy every instance, then the root */
void
lab_cleanup(void)
{
	const char *argv[] = { "rm", "-rf", root, NULL };
	struct mg_exec_res res;
	size_t i;

	for (i = 0; i < ndirs; i++) {
		const char *args[] = { "destroy", dirs[i], NULL };

		(void)lab_script(scripts[i], args);
		free(dirs[i]);
		free(scripts[i]);
	}
	ndirs = 0;
	if (root[0] != '\0')
		(void)lab_run(&res, argv);
	mg_exec_res_free(&res);
}

/* lab_jq_str - the raw string jq -r FILTER gives on JSON (one line, no
 * newline) into out; 0, or -1 if jq failed or printed nothing */
int
lab_jq_str(const char *json, const char *filter, struct mg_str *out)
{
	const char *argv[] = { "jq", "-e", "-j", filter, NULL };
	struct mg_exec_req req;
	struct mg_exec_res res;
	struct mg_err err;

	memset(&req, 0, sizeof(req));
	req.argv = argv;
	req.input = json;
	req.input_len = strlen(json);
	mg_str_init(out);
	if (mg_exec(&req, &res, &err) < 0) {
		(void)fprintf(stderr, "lab: %s\n", err.msg);
		return (-1);
	}
	if (!mg_exec_ok(&res) || res.out.len == 0) {
		(void)fprintf(stderr, "lab: jq '%s' gave nothing: %s\n",
		    filter, mg_str_cstr(&res.err));
		mg_exec_res_free(&res);
		return (-1);
	}
	mg_str_append(out, res.out.data, res.out.len);
	mg_exec_res_free(&res);
	return (0);
}

/* lab_apply_edit - apply a fix's replace edit by hand, as the fix engine
 * will: line LINE of FILE must read OLD; it becomes NEW (which may hold
 * several lines).  0, or -1 with the reason on stderr */
int
lab_apply_edit(const char *file, unsigned line, const char *old,
    const char *new_text)
{
	struct mg_str text = MG_STR_INIT, out = MG_STR_INIT;
	struct mg_err err;
	const char *cur, *l;
	size_t len;
	unsigned no = 0;
	int found = 0;
	FILE *fp;

	if (mg_file_read(file, MG_FILE_MAX, &text, NULL, &err) < 0) {
		(void)fprintf(stderr, "lab: %s\n", err.msg);
		return (-1);
	}
	for (cur = mg_str_cstr(&text); mg_line_next(&cur, &l, &len);) {
		if (++no == line && len == strlen(old) &&
		    strncmp(l, old, len) == 0) {
			mg_str_printf(&out, "%s\n", new_text);
			found = 1;
		} else {
			mg_str_append(&out, l, len);
			mg_str_putc(&out, '\n');
		}
	}
	mg_str_free(&text);
	if (!found) {
		(void)fprintf(stderr, "lab: %s:%u does not read \"%s\"\n",
		    file, line, old);
		mg_str_free(&out);
		return (-1);
	}
	if ((fp = fopen(file, "w")) == NULL ||
	    fwrite(out.data, 1, out.len, fp) != out.len || fclose(fp) != 0) {
		(void)fprintf(stderr, "lab: cannot write %s\n", file);
		mg_str_free(&out);
		return (-1);
	}
	mg_str_free(&out);
	return (0);
}

/* lab_exim_bin - the lab's Exim binary (tests/lab/exim/lab.sh bin) into
 * buf; 0, or -1 with the reason on stderr */
int
lab_exim_bin(char *buf, size_t size)
{
	const char *argv[] = { "sh", "tests/lab/exim/lab.sh", "bin", NULL };
	struct mg_exec_res res;

	if (lab_run(&res, argv) != 0 || res.out.len == 0) {
		(void)fprintf(stderr, "cannot find the lab's exim: %s\n",
		    mg_str_cstr(&res.err));
		mg_exec_res_free(&res);
		return (-1);
	}
	(void)snprintf(buf, size, "%.*s", (int)strcspn(res.out.data, "\n"),
	    res.out.data);
	mg_exec_res_free(&res);
	return (0);
}

/* sink_line - one CRLF line from fd into buf; its length, -1 at EOF */
static ssize_t
sink_line(int fd, char *buf, size_t size)
{
	size_t n = 0;
	char c;

	while (read(fd, &c, 1) == 1) {
		if (c == '\n') {
			if (n > 0 && buf[n - 1] == '\r')
				n--;
			buf[n] = '\0';
			return ((ssize_t)n);
		}
		if (n + 1 < size)
			buf[n++] = c;
	}
	return (-1);
}

/* sink_say - a reply line; -1 when the client is gone */
static int
sink_say(int fd, const char *text)
{
	return (mg_write_all(fd, text, strlen(text)));
}

/* sink_log - append rec to the log file; -1 (the message is then not
 * acknowledged) when it cannot be written whole */
static int
sink_log(const char *log, const char *rec)
{
	int fd, rc;

	fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return (-1);
	rc = mg_write_all(fd, rec, strlen(rec));
	if (close(fd) != 0)
		rc = -1;
	return (rc);
}

/* sink_session - accept every message of one SMTP session; per message
 * one "from=<S> rcpts=N" line appended to log.  The session ends when the
 * client leaves or a reply cannot be sent. */
static void
sink_session(int fd, const char *log)
{
	char line[4096], from[1100] = "";
	char rec[1200];
	size_t rcpts = 0;
	ssize_t n;
	int rc;

	rc = sink_say(fd, "220 lab-sink ESMTP\r\n");
	while (rc == 0 && (n = sink_line(fd, line, sizeof(line))) >= 0) {
		if (strncasecmp(line, "EHLO", 4) == 0)
			rc = sink_say(fd, "250-lab-sink\r\n250 8BITMIME\r\n");
		else if (strncasecmp(line, "MAIL FROM:", 10) == 0) {
			(void)snprintf(from, sizeof(from), "%.*s",
			    (int)strcspn(line + 10, " "), line + 10);
			rcpts = 0;
			rc = sink_say(fd, "250 ok\r\n");
		} else if (strncasecmp(line, "RCPT TO:", 8) == 0) {
			rcpts++;
			rc = sink_say(fd, "250 ok\r\n");
		} else if (strncasecmp(line, "DATA", 4) == 0) {
			if (sink_say(fd, "354 go on\r\n") != 0)
				break;
			while ((n = sink_line(fd, line, sizeof(line))) >= 0 &&
			    strcmp(line, ".") != 0)
				;
			if (n < 0)
				break;
			(void)snprintf(rec, sizeof(rec), "from=%s rcpts=%zu\n",
			    from, rcpts);
			/* a message the log does not count is not taken:
			 * the MTA keeps it and the count stays true */
			if (sink_log(log, rec) != 0)
				rc = sink_say(fd, "451 cannot log\r\n");
			else
				rc = sink_say(fd, "250 queued\r\n");
		} else if (strncasecmp(line, "QUIT", 4) == 0) {
			(void)sink_say(fd, "221 bye\r\n");
			break;
		} else if (strncasecmp(line, "HELO", 4) == 0)
			rc = sink_say(fd, "250 lab-sink\r\n");
		else
			rc = sink_say(fd, "250 ok\r\n");
	}
}

/*
 * lab_sink_start - a minimal SMTP server on addr:port (the relay the lab
 * instances defer at) that accepts every message; one line per message
 * in log.  A process group of its own (one child per session); its
 * leader's pid, or -1.
 */
int
lab_sink_start(const char *addr, const char *port, const char *log)
{
	struct sockaddr_in sa;
	pid_t pid;
	int s, c, one = 1;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((unsigned short)strtoul(port, NULL, 10));
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1)
		return (-1);
	if ((s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		return (-1);
	(void)setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(s, 64) < 0) {
		perror("lab sink");
		(void)close(s);
		return (-1);
	}
	if ((pid = fork()) < 0) {
		(void)close(s);
		return (-1);
	}
	if (pid > 0) {
		(void)setpgid(pid, pid);
		(void)close(s);
		return ((int)pid);
	}
	(void)setpgid(0, 0);
	(void)signal(SIGCHLD, SIG_IGN);
	for (;;) {
		if ((c = accept(s, NULL, NULL)) < 0)
			continue;
		if (fork() == 0) {
			(void)close(s);
			sink_session(c, log);
			_exit(0);
		}
		(void)close(c);
	}
}

/* lab_sink_stop - the sink and its sessions, by process group */
void
lab_sink_stop(int pid)
{
	if (pid <= 0)
		return;
	(void)kill(-pid, SIGKILL);
	(void)kill(pid, SIGKILL);
	(void)waitpid(pid, NULL, 0);
}

/* lab_sink_count - lines of the sink's log that contain needle (all
 * with "") */
size_t
lab_sink_count(const char *log, const char *needle)
{
	struct mg_str text = MG_STR_INIT;
	struct mg_err err;
	const char *cur, *line;
	size_t len, n = 0;

	if (mg_file_read(log, MG_FILE_MAX, &text, NULL, &err) < 0)
		return (0);
	for (cur = mg_str_cstr(&text); mg_line_next(&cur, &line, &len);)
		if (len > 0 && memmem(line, len, needle, strlen(needle)) !=
		    NULL)
			n++;
	mg_str_free(&text);
	return (n);
}

/* lab_sasl_pass - a lab SASL user's password, from the DIR/sasl_users
 * lab.sh wrote ("user:password" lines); 0, or -1 if it has none */
int
lab_sasl_pass(const char *dir, const char *user, char *buf, size_t size)
{
	char path[PATH_MAX];
	struct mg_str users = MG_STR_INIT;
	struct mg_err err;
	const char *p;
	size_t ulen = strlen(user);
	int rc = -1;

	(void)snprintf(path, sizeof(path), "%s/sasl_users", dir);
	if (mg_file_read(path, 4096, &users, NULL, &err) < 0)
		return (-1);
	for (p = users.data; p != NULL; p = strchr(p, '\n'), p = p != NULL ?
	    p + 1 : NULL)
		if (strncmp(p, user, ulen) == 0 && p[ulen] == ':') {
			(void)snprintf(buf, size, "%.*s",
			    (int)strcspn(p + ulen + 1, "\n"), p + ulen + 1);
			rc = 0;
			break;
		}
	mg_str_free(&users);
	return (rc);
}

/* lab_pf_rcpt - real Postfix's RCPT reply code to a session from
 * 127.0.0.1 claiming xaddr with XCLIENT (mgsmtp against the instance
 * DIR's port), for a mail from app@example.com to to; -1 if none */
int
lab_pf_rcpt(const char *dir, const char *xaddr, const char *to)
{
	char path[PATH_MAX], port[32];
	const char *argv[] = { "build/lab/mgsmtp", "--port", port,
	    "--xclient-addr", xaddr, "--from", "app@example.com", "--to", to,
	    "--rcpt-only", NULL };
	struct mg_exec_res res;
	struct mg_str s = MG_STR_INIT;
	struct mg_err err;
	const char *p;
	int code = -1;

	(void)snprintf(path, sizeof(path), "%s/port", dir);
	if (mg_file_read(path, 32, &s, NULL, &err) < 0) {
		(void)fprintf(stderr, "lab: %s\n", err.msg);
		return (-1);
	}
	(void)snprintf(port, sizeof(port), "%.*s", (int)strcspn(s.data, "\n"),
	    s.data);
	mg_str_free(&s);
	(void)lab_run(&res, argv);
	if ((p = strstr(mg_str_cstr(&res.out), "-> ")) != NULL)
		code = (int)strtol(p + 3, NULL, 10);
	(void)printf("    XCLIENT ADDR=%s RCPT %s: %d\n", xaddr, to, code);
	(void)fflush(stdout);
	mg_exec_res_free(&res);
	return (code);
}

/* lab_exim_rcpt - exim -C conf -bh ip: the last reply code of a session
 * EHLO, MAIL FROM:<from>, RCPT TO:<to>, QUIT (the RCPT's); -1 if none */
int
lab_exim_rcpt(const char *bin, const char *conf, const char *ip,
    const char *from, const char *to)
{
	const char *argv[] = { bin, "-C", conf, "-bh", ip, NULL };
	struct mg_exec_req req;
	struct mg_exec_res res;
	struct mg_str in = MG_STR_INIT;
	struct mg_err err;
	const char *cur, *line;
	size_t len, finals = 0;
	int code = -1;

	mg_str_printf(&in, "EHLO probe.test\r\nMAIL FROM:<%s>\r\n"
	    "RCPT TO:<%s>\r\nQUIT\r\n", from, to);
	memset(&req, 0, sizeof(req));
	req.argv = argv;
	req.input = in.data;
	req.input_len = in.len;
	if (mg_exec(&req, &res, &err) < 0) {
		(void)fprintf(stderr, "lab: %s\n", err.msg);
		mg_str_free(&in);
		return (-1);
	}
	/* the banner, EHLO, MAIL, RCPT: the fourth final reply */
	for (cur = mg_str_cstr(&res.out); finals < 4 &&
	    mg_line_next(&cur, &line, &len);)
		if (len >= 4 && line[3] == ' ' && line[0] >= '2' &&
		    line[0] <= '5') {
			finals++;
			code = (int)strtol(line, NULL, 10);
		}
	(void)printf("    exim -bh %s: RCPT %s -> %d\n", ip, to, code);
	(void)fflush(stdout);
	mg_exec_res_free(&res);
	mg_str_free(&in);
	return (code);
}

/* lab_instance - lab script's "setup SCENARIO DIR" (and "start DIR" when
 * start); the instance's directory.  Fails the test if either fails. */
const char *
lab_instance(const char *script, const char *scenario, int start)
{
	const char *dir = lab_dir(script, scenario);
	const char *setup[] = { "setup", scenario, dir, NULL };
	const char *st[] = { "start", dir, NULL };

	assert_int_equal(lab_script(script, setup), 0);
	if (start)
		assert_int_equal(lab_script(script, st), 0);
	return (dir);
}

/* lab_stop - lab script's "stop DIR"; fails the test if it fails */
void
lab_stop(const char *script, const char *dir)
{
	const char *st[] = { "stop", dir, NULL };

	assert_int_equal(lab_script(script, st), 0);
}

/* lab_port - a port the lab recorded in DIR/NAME ("port", "closed_port",
 * "smtps_port"...) into buf as text; its value.  Fails the test if the
 * file is missing or holds no port. */
int
lab_port(const char *dir, const char *name, char *buf, size_t size)
{
	char path[4096];
	struct mg_str s = MG_STR_INIT;
	struct mg_err err;
	long v;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (mg_file_read(path, 32, &s, NULL, &err) < 0)
		fail_msg("%s", err.msg);
	v = strtol(s.data, NULL, 10);
	if (buf != NULL)
		(void)snprintf(buf, size, "%.*s", (int)strcspn(s.data, "\n"),
		    s.data);
	mg_str_free(&s);
	assert_true(v > 0 && v < 65536);
	return ((int)v);
}

/* lab_pf_report - ./mailguard-tui --postfix DIR/etc report --json into
 * out (the caller frees it); the exit status */
int
lab_pf_report(const char *dir, struct mg_str *out)
{
	char etc[4096];
	const char *argv[] = { "./mailguard-tui", "--postfix", etc, "report",
	    "--json", NULL };

	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	return (lab_capture(argv, out));
}

/* lab_ex_report - ./mailguard-tui --exim DIR/exim4.conf --exim-bin BIN
 * report --json into out (the caller frees it); the exit status */
int
lab_ex_report(const char *dir, const char *bin, struct mg_str *out)
{
	char conf[4096];
	const char *argv[] = { "./mailguard-tui", "--exim", conf,
	    "--exim-bin", bin, "report", "--json", NULL };

	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	return (lab_capture(argv, out));
}

/* lab_slurp - the whole file into out (the caller frees it); fails the
 * test if it cannot be read */
void
lab_slurp(const char *path, struct mg_str *out)
{
	struct mg_err err;

	mg_str_init(out);
	if (mg_file_read(path, MG_FILE_MAX, out, NULL, &err) < 0)
		fail_msg("%s", err.msg);
}

/* lab_teardown - a group teardown: destroy every instance of the run;
 * fails if anything the lab started is still running */
int
lab_teardown(void **state)
{
	(void)state;
	lab_cleanup();
	return (lab_processes_left() ? -1 : 0);
}

/* lab_maillog_has - wait (lab_wait_s at most) for DIR/log/maillog to
 * hold text; 1 if it does */
int
lab_maillog_has(const char *dir, const char *text)
{
	return (lab_maillog_wait(dir, text, 1) >= 1);
}

/*
 * lab_applied - the tool's output says a fix was applied and verified,
 * and says "reloaded" exactly when its log shows a reload ran (postfix
 * reload, or SIGHUP to an Exim daemon): 1 if so, else 0 (the output is
 * printed)
 */
int
lab_applied(const char *out)
{
	const char *line = out;
	int said, ran;

	while (line != NULL && strncmp(line, "applied", 7) != 0)
		if ((line = strchr(line, '\n')) != NULL)
			line++;
	if (line == NULL || strstr(line, "verified") == NULL) {
		(void)printf("    no \"applied ... verified\" line in:\n%s\n",
		    out);
		return (0);
	}
	said = strncmp(line, "applied, reloaded and verified", 30) == 0;
	ran = strstr(out, "ran postfix reload\n") != NULL ||
	    strstr(out, "sent SIGHUP") != NULL;
	if (said != ran)
		(void)printf("    the result says %sreloaded, the log shows "
		    "%sreload:\n%s\n", said ? "" : "not ", ran ? "a " : "no ",
		    out);
	return (said == ran);
}

/* lab_maillog_count - how many times TEXT occurs in the instance's mail
 * log now (no waiting) */
int
lab_maillog_count(const char *dir, const char *text)
{
	char path[4096];
	struct mg_str s = MG_STR_INIT;
	struct mg_err err;
	const char *p;
	int n = 0;

	(void)snprintf(path, sizeof(path), "%s/log/maillog", dir);
	if (mg_file_read(path, 64 << 20, &s, NULL, &err) == 0)
		for (p = mg_str_cstr(&s); (p = strstr(p, text)) != NULL;
		    p += strlen(text))
			n++;
	mg_str_free(&s);
	return (n);
}

/* lab_fix_field - jq EXPR on the fix ID of the report's fix_details into
 * out (the caller frees it); fails the test if there is none */
void
lab_fix_field(const char *json, const char *fix, const char *expr,
    struct mg_str *out)
{
	struct mg_str f = MG_STR_INIT;

	mg_str_printf(&f, ".fix_details[] | select(.id == \"%s\") | %s", fix,
	    expr);
	if (lab_jq_str(json, mg_str_cstr(&f), out) != 0)
		fail_msg("fix %s has no %s", fix, expr);
	mg_str_free(&f);
}

/* lab_exim_bh - the RCPT reply real Exim gives a client IP (lab.sh bh
 * DIR IP: exim -bh on the instance), with the host name the client has
 * (NULL: none); fails the test if lab.sh fails */
int
lab_exim_bh(const char *dir, const char *ip, const char *name,
    const char *to)
{
	const char *argv[] = { "sh", "tests/lab/exim/lab.sh", "bh", dir, ip,
	    "--to", to, name != NULL ? "--name" : NULL, name, NULL };
	struct mg_exec_res res;
	const char *cur, *line, *prev = NULL;
	size_t len;
	int code = -1;

	if (lab_run(&res, argv) != 0)
		fail_msg("lab.sh bh %s failed", ip);
	/* the last reply before QUIT's 221 answers the RCPT */
	for (cur = mg_str_cstr(&res.out); mg_line_next(&cur, &line, &len);) {
		if (len >= 3 && strncmp(line, "221", 3) == 0)
			break;
		prev = line;
	}
	if (prev != NULL)
		code = (int)strtol(prev, NULL, 10);
	(void)printf("    exim -bh %s%s%s: RCPT %s -> %d\n", ip,
	    name != NULL ? " named " : "", name != NULL ? name : "", to, code);
	(void)fflush(stdout);
	mg_exec_res_free(&res);
	return (code);
}

/* A record the lab's DNS server answers with. */
struct dns_rr {
	char name[128];
	int type;		/* 1 A, 15 MX, 28 AAAA */
	unsigned char data[260];	/* rdata, names uncompressed */
	size_t len;
};

/* dns_name - "a.b" as DNS labels into out; its length, 0 if too long */
static size_t
dns_name(const char *name, unsigned char *out, size_t size)
{
	size_t n = 0, len;
	const char *dot;

	while (*name != '\0') {
		dot = strchr(name, '.');
		len = dot != NULL ? (size_t)(dot - name) : strlen(name);
		if (len == 0 || len > 63 || n + len + 2 > size)
			return (0);
		out[n++] = (unsigned char)len;
		memcpy(out + n, name, len);
		n += len;
		name += len + (dot != NULL);
	}
	out[n++] = 0;
	return (n);
}

/* dns_zone - the zone text ("NAME MX PREF HOST", "NAME A ADDR", "NAME
 * AAAA ADDR", one a line) as records; their number */
static size_t
dns_zone(const char *zone, struct dns_rr *rr, size_t max)
{
	char line[256], type[8], a[128], b[128];
	const char *nl;
	size_t n = 0, len;
	struct dns_rr *r;

	for (; zone != NULL && *zone != '\0' && n < max; zone = nl != NULL ?
	    nl + 1 : zone + strlen(zone)) {
		nl = strchr(zone, '\n');
		len = nl != NULL ? (size_t)(nl - zone) : strlen(zone);
		if (len >= sizeof(line))
			continue;
		memcpy(line, zone, len);
		line[len] = '\0';
		r = &rr[n];
		memset(r, 0, sizeof(*r));
		b[0] = '\0';
		if (sscanf(line, "%127s %7s %127s %127s", r->name, type, a,
		    b) < 3)
			continue;
		if (strcmp(type, "A") == 0 && inet_pton(AF_INET, a,
		    r->data) == 1) {
			r->type = 1;
			r->len = 4;
		} else if (strcmp(type, "AAAA") == 0 && inet_pton(AF_INET6,
		    a, r->data) == 1) {
			r->type = 28;
			r->len = 16;
		} else if (strcmp(type, "MX") == 0 && b[0] != '\0') {
			r->type = 15;
			r->data[0] = 0;
			r->data[1] = (unsigned char)strtoul(a, NULL, 10);
			r->len = 2 + dns_name(strcmp(b, ".") == 0 ? "" : b,
			    r->data + 2, sizeof(r->data) - 2);
		} else
			continue;
		n++;
	}
	return (n);
}

/* dns_answer - the reply to query q (qlen bytes) from the zone's
 * records into out; its length, 0 to send nothing */
static size_t
dns_answer(const unsigned char *q, size_t qlen, const struct dns_rr *rr,
    size_t nrr, unsigned char *out, size_t size)
{
	char name[256];
	size_t i, p = 12, n = 0, end, an = 0;
	int type, known = 0;
	unsigned char len;

	if (qlen < 17 || qlen > size)
		return (0);
	while (p < qlen && (len = q[p]) != 0) {
		if (len > 63 || p + 1 + len >= qlen || n + len + 2 >
		    sizeof(name))
			return (0);
		if (n > 0)
			name[n++] = '.';
		memcpy(name + n, q + p + 1, len);
		n += len;
		p += 1 + len;
	}
	name[n] = '\0';
	if (p + 5 > qlen)
		return (0);
	type = q[p + 1] << 8 | q[p + 2];
	end = p + 5;
	memcpy(out, q, end);		/* the header and the question */
	out[2] = 0x84 | (q[2] & 0x01);	/* QR, AA, RD as asked */
	out[3] = 0x00;
	memset(out + 6, 0, 6);		/* an, ns, ar counts */
	out[11] = 0;
	for (i = 0; i < nrr; i++) {
		if (strcasecmp(rr[i].name, name) != 0)
			continue;
		known = 1;
		if (rr[i].type != type || end + 12 + rr[i].len > size)
			continue;
		out[end++] = 0xc0;	/* the question's name */
		out[end++] = 12;
		out[end++] = (unsigned char)(type >> 8);
		out[end++] = (unsigned char)type;
		out[end++] = 0;
		out[end++] = 1;		/* IN */
		memcpy(out + end, "\0\0\x0e\x10", 4);	/* TTL 3600 */
		end += 4;
		out[end++] = (unsigned char)(rr[i].len >> 8);
		out[end++] = (unsigned char)rr[i].len;
		memcpy(out + end, rr[i].data, rr[i].len);
		end += rr[i].len;
		an++;
	}
	out[7] = (unsigned char)an;
	if (!known)
		out[3] = 3;		/* NXDOMAIN */
	return (end);
}

/*
 * lab_dns_start - a DNS server on 127.0.0.1 (a free UDP port, written to
 * *port) answering from zone (see dns_zone; names it does not hold are
 * NXDOMAIN); zone NULL: it reads every query and answers none (a
 * resolver that is down but does not refuse).  Its pid, or -1.
 */
int
lab_dns_start(const char *zone, int *port)
{
	static struct dns_rr rr[64];
	struct sockaddr_in sa, from;
	socklen_t sl = sizeof(sa);
	unsigned char q[512], out[1500];
	size_t nrr = dns_zone(zone, rr, 64), n;
	ssize_t got;
	pid_t pid;
	int s;

	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return (-1);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(s, (struct sockaddr *)&sa, &sl) < 0) {
		(void)close(s);
		return (-1);
	}
	*port = ntohs(sa.sin_port);
	if ((pid = fork()) < 0) {
		(void)close(s);
		return (-1);
	}
	if (pid > 0) {
		(void)close(s);
		return ((int)pid);
	}
	for (;;) {
		sl = sizeof(from);
		got = recvfrom(s, q, sizeof(q), 0, (struct sockaddr *)&from,
		    &sl);
		if (got <= 0 || zone == NULL)
			continue;
		n = dns_answer(q, (size_t)got, rr, nrr, out, sizeof(out));
		if (n > 0)
			(void)sendto(s, out, n, 0, (struct sockaddr *)&from,
			    sl);
	}
}

/* lab_dns_stop - the DNS server */
void
lab_dns_stop(int pid)
{
	if (pid <= 0)
		return;
	(void)kill(pid, SIGKILL);
	(void)waitpid(pid, NULL, 0);
}

/* lab_wait_s - the bound of a wait for an MTA, in seconds: LAB_WAIT_S, or
 * MG_LAB_WAIT_S from the environment (1 to 3600) */
int
lab_wait_s(void)
{
	const char *e = getenv("MG_LAB_WAIT_S");
	char *end;
	long v;

	if (e == NULL || *e == '\0')
		return (LAB_WAIT_S);
	v = strtol(e, &end, 10);
	if (*end != '\0' || v < 1 || v > 3600)
		return (LAB_WAIT_S);
	return ((int)v);
}

/* lab_now - seconds on the monotonic clock (for deadlines) */
double
lab_now(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/* lab_nap_ms - sleep ms milliseconds: the pause between two looks at a
 * state being polled, never a wait for the state itself */
void
lab_nap_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	(void)nanosleep(&ts, NULL);
}

/*
 * lab_maillog_wait - wait until TEXT occurs at least want times in
 * DIR/log/maillog (lab_wait_s at most: Postfix's postlogd writes the log
 * after the fact, later still on a busy machine); the count at the end
 */
int
lab_maillog_wait(const char *dir, const char *text, int want)
{
	double end = lab_now() + lab_wait_s();
	int n;

	while ((n = lab_maillog_count(dir, text)) < want && lab_now() < end)
		lab_nap_ms(100);
	return (n);
}

/* proc_stat - state, parent and start time (clock ticks after boot) of
 * process pid from /proc/PID/stat (proc(5)); 0, or -1 if it is gone */
static int
proc_stat(long pid, char *state, long *ppid, unsigned long long *start)
{
	char path[64], buf[1024];
	const char *p;
	ssize_t n;
	int fd, field;

	(void)snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return (-1);
	n = read(fd, buf, sizeof(buf) - 1);
	(void)close(fd);
	if (n <= 0)
		return (-1);
	buf[n] = '\0';
	/* the command name may hold spaces and ')': fields follow the last */
	if ((p = strrchr(buf, ')')) == NULL || p[1] != ' ')
		return (-1);
	p += 2;
	*state = *p;
	*ppid = strtol(p + 1, NULL, 10);
	for (field = 3; field < 22 && p != NULL; field++)
		if ((p = strchr(p, ' ')) != NULL)
			p++;
	if (p == NULL)
		return (-1);
	*start = strtoull(p, NULL, 10);
	return (0);
}

/* lab_gone - process pid has ended (no such process, or a zombie that
 * can do nothing more); 1 if so */
int
lab_gone(long pid)
{
	unsigned long long start;
	long ppid;
	char st;

	return (proc_stat(pid, &st, &ppid, &start) < 0 || st == 'Z' ||
	    st == 'X');
}

/* lab_pf_master - the running master of the lab Postfix instance DIR
 * (DIR/spool/pid/master.pid), or 0 */
long
lab_pf_master(const char *dir)
{
	char path[4096];
	struct mg_str s = MG_STR_INIT;
	struct mg_err err;
	long pid;

	(void)snprintf(path, sizeof(path), "%s/spool/pid/master.pid", dir);
	if (mg_file_read(path, 64, &s, NULL, &err) < 0)
		return (0);
	pid = strtol(s.data + strspn(s.data, " "), NULL, 10);
	mg_str_free(&s);
	return (pid > 1 && !lab_gone(pid) ? pid : 0);
}

/* pf_children - the children of master into gen (at most its size) */
static void
pf_children(long master, struct lab_pf_gen *gen)
{
	struct dirent *de;
	unsigned long long start;
	long pid, ppid;
	size_t max = sizeof(gen->pid) / sizeof(gen->pid[0]);
	DIR *d;
	char st;

	gen->master = master;
	gen->n = 0;
	if (master <= 0 || (d = opendir("/proc")) == NULL)
		return;
	while ((de = readdir(d)) != NULL && gen->n < max) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		pid = strtol(de->d_name, NULL, 10);
		if (proc_stat(pid, &st, &ppid, &start) < 0 || ppid !=
		    master || st == 'Z')
			continue;
		gen->pid[gen->n] = pid;
		gen->start[gen->n] = start;
		gen->n++;
	}
	(void)closedir(d);
}

/*
 * lab_pf_mark - before a reload of the lab Postfix instance DIR (postfix
 * reload, or a fix or rollback that reloads): which daemons its master
 * runs now, for lab_pf_reloaded.  An instance not running marks nothing.
 */
void
lab_pf_mark(const char *dir, struct lab_pf_gen *gen)
{
	memset(gen, 0, sizeof(*gen));
	pf_children(lab_pf_master(dir), gen);
}

/* gen_has - one of the daemons gen marked is still a child of master */
static int
gen_has(const struct lab_pf_gen *gen, const struct lab_pf_gen *now)
{
	size_t i, j;

	for (i = 0; i < gen->n; i++)
		for (j = 0; j < now->n; j++)
			if (gen->pid[i] == now->pid[j] &&
			    gen->start[i] == now->start[j])
				return (1);
	return (0);
}

/*
 * lab_pf_reloaded - after the reload: wait until no daemon marked by
 * lab_pf_mark is left (lab_wait_s at most; fails the test then).  On
 * SIGHUP master(8) re-reads main.cf and master.cf and tells every child
 * to go; an idle one leaves at once, one serving a client after it.  The
 * daemons it starts after that read the new configuration and open the
 * tables anew, so the next client meets the reloaded instance.  qmgr(8)
 * never leaves but when told: while it is there the reload is not done.
 */
void
lab_pf_reloaded(const char *dir, const struct lab_pf_gen *gen)
{
	struct lab_pf_gen now;
	double t0 = lab_now(), end = t0 + lab_wait_s();

	if (gen->master == 0)
		return;
	for (;;) {
		if (lab_gone(gen->master))
			fail_msg("%s: Postfix master %ld ended during the "
			    "reload", dir, gen->master);
		pf_children(gen->master, &now);
		/* nothing marked (no daemon ran): any daemon now is new */
		if (gen->n > 0 ? !gen_has(gen, &now) : now.n > 0)
			break;
		if (lab_now() > end)
			fail_msg("%s: Postfix still runs daemons from before "
			    "the reload after %d s", dir, lab_wait_s());
		lab_nap_ms(20);
	}
	if (lab_now() - t0 > 1.0)
		(void)printf("    (Postfix took %.1f s to reload)\n",
		    lab_now() - t0);
}

/*
 * lab_pf_run - lab_run of a command on the lab Postfix instance DIR (a
 * fix's post-command, say); when it is "postfix ... reload", it returns
 * once the reload is taken (lab_pf_reloaded).  Its exit code, or -1.
 */
int
lab_pf_run(const char *dir, struct mg_exec_res *res,
    const char *const *argv)
{
	struct lab_pf_gen gen;
	const char *base;
	size_t n;
	int rc, reload;

	for (n = 0; argv[n] != NULL; n++)
		;
	base = n > 0 ? strrchr(argv[0], '/') : NULL;
	base = base != NULL ? base + 1 : n > 0 ? argv[0] : "";
	reload = n > 1 && strcmp(base, "postfix") == 0 &&
	    strcmp(argv[n - 1], "reload") == 0;
	if (reload)
		lab_pf_mark(dir, &gen);
	rc = lab_run(res, argv);
	if (reload && rc == 0)
		lab_pf_reloaded(dir, &gen);
	return (rc);
}

/*
 * lab_next_second - wait for the clock to enter the next second (a second
 * at most).  Before a table is rebuilt under a running Postfix: a daemon
 * notices a rebuilt table by its mtime, in whole seconds
 * (dict_changed_name), and postmap rewrites the .db in place, so a daemon
 * that opened the table in the second of the rebuild would serve the old
 * one until it leaves (max_idle, 100 s).  Daemons open their tables when
 * they start, before this is called.
 */
void
lab_next_second(void)
{
	time_t t0 = time(NULL);

	while (time(NULL) == t0)
		lab_nap_ms(10);
}

/*
 * lab_pf_tool - lab_capture of the tool (a fix or a rollback) on the lab
 * Postfix instance DIR; when it says it ran "postfix reload", it returns
 * once the reload is taken (lab_pf_reloaded), so what the test asks
 * Postfix next meets the new configuration.  A fix may only rebuild a
 * table (postmap, no reload): it starts in a later second than the
 * daemons opened their tables (lab_next_second).  The exit code, or -1.
 */
int
lab_pf_tool(const char *dir, const char *const *argv, struct mg_str *out)
{
	struct lab_pf_gen gen;
	int rc;

	lab_next_second();
	lab_pf_mark(dir, &gen);
	rc = lab_capture(argv, out);
	if (strstr(mg_str_cstr(out), "ran postfix reload") != NULL)
		lab_pf_reloaded(dir, &gen);
	return (rc);
}
