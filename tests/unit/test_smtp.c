/*
 * test_smtp.c - the SMTP client's reply reading against a scripted fake
 * server on loopback: one-line and multi-line replies, EHLO keywords,
 * replies split across writes, slow servers, a server that drops the
 * connection mid-reply, broken replies, commands it refuses to send, and
 * captured Postfix and Exim sessions (tests/unit/data/smtp).
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../core/mg_smtp.h"
#include "mg_test.h"

/* One step of the fake server: wait, then send text (or close when
 * text is NULL), optionally after reading one command line. */
struct step {
	int read_cmd;
	int delay_ms;
	const char *text;
};

static pid_t server_pid;

/* nap - milliseconds */
static void
nap(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	(void)nanosleep(&ts, NULL);
}

/* serve - fork a server that runs script on its one connection; the
 * port it listens on */
static int
serve(const struct step *script)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	char c;
	int ls, fd, one = 1;

	ls = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(ls >= 0);
	(void)setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(ls, 1), 0);
	assert_int_equal(getsockname(ls, (struct sockaddr *)&sa, &len), 0);
	server_pid = fork();
	assert_true(server_pid >= 0);
	if (server_pid == 0) {
		fd = accept(ls, NULL, NULL);
		for (; fd >= 0; script++) {
			if (script->read_cmd)
				while (read(fd, &c, 1) == 1 && c != '\n')
					;
			nap(script->delay_ms);
			if (script->text == NULL)
				break;
			if (write(fd, script->text, strlen(script->text)) < 0)
				break;
		}
		_exit(0);
	}
	(void)close(ls);
	return (ntohs(sa.sin_port));
}

/* serve_unix - as serve, on a UNIX-domain socket at path */
static void
serve_unix(const struct step *script, const char *path)
{
	struct sockaddr_un sa;
	char c;
	int ls, fd;

	ls = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(ls >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sun_family = AF_UNIX;
	(void)snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	assert_int_equal(bind(ls, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(ls, 1), 0);
	server_pid = fork();
	assert_true(server_pid >= 0);
	if (server_pid == 0) {
		fd = accept(ls, NULL, NULL);
		for (; fd >= 0; script++) {
			if (script->read_cmd)
				while (read(fd, &c, 1) == 1 && c != '\n')
					;
			if (script->text == NULL)
				break;
			if (write(fd, script->text, strlen(script->text)) < 0)
				break;
		}
		_exit(0);
	}
	(void)close(ls);
}

/* reap - the server is gone */
static void
reap(void)
{
	int st;

	(void)kill(server_pid, SIGTERM);
	(void)waitpid(server_pid, &st, 0);
}

/* test_banner_and_ehlo - a one-line banner, a multi-line EHLO whose
 * keywords are found, a command's reply */
static void
test_banner_and_ehlo(void **state)
{
	static const struct step script[] = {
		{ 0, 0, "220 mail.example.com ESMTP Postfix\r\n" },
		{ 1, 0, "250-mail.example.com\r\n250-PIPELINING\r\n"
		    "250-XCLIENT NAME ADDR PROTO HELO\r\n250 8BITMIME\r\n" },
		{ 1, 0, "250 2.1.0 Ok\n" },		/* bare LF */
		{ 1, 0, NULL },
	};
	struct mg_smtp s;
	struct mg_smtp_reply r;
	struct mg_err err;

	(void)state;
	assert_int_equal(mg_smtp_open(&s, "127.0.0.1", serve(script), 2000,
	    &err), 0);
	assert_int_equal(mg_smtp_read(&s, &r, &err), 0);
	assert_int_equal(r.code, 220);
	assert_string_equal(r.text, "mail.example.com ESMTP Postfix");
	assert_int_equal(mg_smtp_cmd(&s, "EHLO probe.invalid", &r, &err), 0);
	assert_int_equal(r.code, 250);
	assert_int_equal(r.lines, 4);
	assert_true(mg_smtp_has(&r, "XCLIENT"));
	assert_true(mg_smtp_has(&r, "8bitmime"));
	assert_false(mg_smtp_has(&r, "STARTTLS"));
	assert_false(mg_smtp_has(&r, "PIPE"));
	assert_int_equal(mg_smtp_cmd(&s, "MAIL FROM:<>", &r, &err), 0);
	assert_int_equal(r.code, 250);
	assert_non_null(strstr(s.transcript.data, "C: MAIL FROM:<>\n"
	    "S: 250 2.1.0 Ok\n"));
	mg_smtp_close(&s);
	reap();
}

/* test_unix_socket - a session on a UNIX-domain socket (the private
 * Postfix of a proof listens on no TCP port) reads and says as on TCP;
 * a socket that is not there is an error naming it */
static void
test_unix_socket(void **state)
{
	static const struct step script[] = {
		{ 0, 0, "220 proof ESMTP Postfix\r\n" },
		{ 1, 0, "250-proof\r\n250 XCLIENT NAME ADDR\r\n" },
		{ 1, 0, NULL },
	};
	char dir[] = "/tmp/mg-test-smtp.XXXXXX", path[64];
	struct mg_smtp s;
	struct mg_smtp_reply r;
	struct mg_err err;

	(void)state;
	assert_non_null(mkdtemp(dir));
	(void)snprintf(path, sizeof(path), "%s/smtpd", dir);
	assert_int_equal(mg_smtp_open_unix(&s, path, 2000, &err), -1);
	assert_non_null(strstr(err.msg, path));
	serve_unix(script, path);
	assert_int_equal(mg_smtp_open_unix(&s, path, 2000, &err), 0);
	assert_int_equal(mg_smtp_read(&s, &r, &err), 0);
	assert_int_equal(r.code, 220);
	assert_int_equal(mg_smtp_cmd(&s, "EHLO probe.invalid", &r, &err), 0);
	assert_int_equal(r.code, 250);
	assert_true(mg_smtp_has(&r, "XCLIENT"));
	mg_smtp_close(&s);
	reap();
	(void)unlink(path);
	(void)rmdir(dir);
}

/* test_split_and_slow - a reply in pieces within the timeout is whole;
 * silence past the timeout is an error, not a hang */
static void
test_split_and_slow(void **state)
{
	static const struct step split[] = {
		{ 0, 0, "220-mail.exa" },
		{ 0, 150, "mple.com\r\n220" },
		{ 0, 150, " ready\r\n" },
		{ 0, 0, NULL },
	};
	static const struct step slow[] = {
		{ 0, 1500, "220 too late\r\n" },
		{ 0, 0, NULL },
	};
	struct mg_smtp s;
	struct mg_smtp_reply r;
	struct mg_err err;
	time_t t0;

	(void)state;
	assert_int_equal(mg_smtp_open(&s, "127.0.0.1", serve(split), 2000,
	    &err), 0);
	assert_int_equal(mg_smtp_read(&s, &r, &err), 0);
	assert_int_equal(r.code, 220);
	assert_string_equal(r.text, "mail.example.com\nready");
	mg_smtp_close(&s);
	reap();

	assert_int_equal(mg_smtp_open(&s, "127.0.0.1", serve(slow), 300,
	    &err), 0);
	t0 = time(NULL);
	assert_int_equal(mg_smtp_read(&s, &r, &err), -1);
	assert_true(time(NULL) - t0 <= 1);
	assert_non_null(strstr(err.msg, "no reply within 300 ms"));
	mg_smtp_close(&s);
	reap();
}

/* test_dropped_and_broken - closed mid-reply, codes that disagree, text
 * that is no reply, an endless line */
static void
test_dropped_and_broken(void **state)
{
	static const struct step dropped[] = {
		{ 0, 0, "250-first line\r\n250 sec" },
		{ 0, 50, NULL },
	};
	static const struct step gone[] = {
		{ 0, 0, NULL },
	};
	static const struct step disagree[] = {
		{ 0, 0, "250-ok so far\r\n550 no\r\n" },
		{ 0, 0, NULL },
	};
	static const struct step garbage[] = {
		{ 0, 0, "hello there\r\n" },
		{ 0, 0, NULL },
	};
	static char longline[3000];
	static const struct step endless[] = {
		{ 0, 0, longline },
		{ 0, 0, NULL },
	};
	static const struct {
		const struct step *script;
		const char *why;
	} cases[] = {
		{ dropped, "in the middle of a reply" },
		{ gone, "closed the connection" },
		{ disagree, "disagree: 250 then 550" },
		{ garbage, "not an SMTP reply" },
		{ endless, "longer than" },
	};
	struct mg_smtp s;
	struct mg_smtp_reply r;
	struct mg_err err;
	size_t i;

	(void)state;
	memset(longline, 'x', sizeof(longline) - 1);
	memcpy(longline, "250 ", 4);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(mg_smtp_open(&s, "127.0.0.1",
		    serve(cases[i].script), 2000, &err), 0);
		assert_int_equal(mg_smtp_read(&s, &r, &err), -1);
		if (strstr(err.msg, cases[i].why) == NULL)
			fail_msg("case %zu: \"%s\" does not say \"%s\"", i,
			    err.msg, cases[i].why);
		mg_smtp_close(&s);
		reap();
	}
}

/* test_never_data - DATA, BDAT and smuggled line breaks are refused
 * before anything is sent; a closed port is a clear error */
static void
test_never_data(void **state)
{
	static const struct step script[] = {
		{ 0, 0, "220 ok\r\n" },
		{ 1, 0, "250 still here\r\n" },
		{ 0, 0, NULL },
	};
	struct mg_smtp s;
	struct mg_smtp_reply r;
	struct mg_err err;

	(void)state;
	assert_int_equal(mg_smtp_open(&s, "127.0.0.1", serve(script), 2000,
	    &err), 0);
	assert_int_equal(mg_smtp_read(&s, &r, &err), 0);
	assert_int_equal(mg_smtp_cmd(&s, "DATA", &r, &err), -1);
	assert_int_equal(mg_smtp_cmd(&s, "bdat 10 LAST", &r, &err), -1);
	assert_int_equal(mg_smtp_cmd(&s, "RSET\r\nDATA", &r, &err), -1);
	assert_null(strstr(s.transcript.data, "DATA"));
	assert_int_equal(mg_smtp_cmd(&s, "NOOP", &r, &err), 0);
	assert_string_equal(r.text, "still here");
	mg_smtp_close(&s);
	reap();
	assert_int_equal(mg_smtp_open(&s, "127.0.0.1", 1, 2000, &err), -1);
	assert_non_null(strstr(err.msg, "cannot connect"));
}

/* captured - the reply codes read from a captured server session
 * (tests/unit/data/smtp/NAME) sent whole: codes[] and their count */
static size_t
captured(const char *name, int *codes, size_t max, size_t *ehlo_lines)
{
	static char text[8192];
	static struct step script[] = {
		{ 0, 0, text },
		{ 0, 0, NULL },
	};
	struct mg_smtp s;
	struct mg_smtp_reply r;
	struct mg_err err;
	char path[256];
	size_t n = 0, got;
	FILE *fp;

	(void)snprintf(path, sizeof(path), "tests/unit/data/smtp/%s", name);
	fp = fopen(path, "r");
	assert_non_null(fp);
	got = fread(text, 1, sizeof(text) - 1, fp);
	text[got] = '\0';
	(void)fclose(fp);
	assert_int_equal(mg_smtp_open(&s, "127.0.0.1", serve(script), 2000,
	    &err), 0);
	while (n < max && mg_smtp_read(&s, &r, &err) == 0) {
		if (n == 1)
			*ehlo_lines = r.lines;
		codes[n++] = r.code;
	}
	assert_string_equal(err.msg, "the server closed the connection");
	mg_smtp_close(&s);
	reap();
	return (n);
}

/* test_captured_sessions - real Postfix and Exim replies, every one read
 * with its code, the EHLO replies whole */
static void
test_captured_sessions(void **state)
{
	static const int pf[] = { 220, 250, 250, 250, 250, 500, 220, 250, 250,
	    454, 221 };
	static const int ex[] = { 220, 250, 250, 550, 250, 500, 221 };
	int codes[32];
	size_t n, i, ehlo = 0;

	(void)state;
	n = captured("postfix-session", codes, MG_NELEM(codes), &ehlo);
	assert_int_equal(n, MG_NELEM(pf));
	for (i = 0; i < n; i++)
		assert_int_equal(codes[i], pf[i]);
	assert_int_equal(ehlo, 12);
	n = captured("exim-session", codes, MG_NELEM(codes), &ehlo);
	assert_int_equal(n, MG_NELEM(ex));
	for (i = 0; i < n; i++)
		assert_int_equal(codes[i], ex[i]);
	assert_int_equal(ehlo, 9);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_banner_and_ehlo),
		cmocka_unit_test(test_unix_socket),
		cmocka_unit_test(test_split_and_slow),
		cmocka_unit_test(test_dropped_and_broken),
		cmocka_unit_test(test_never_data),
		cmocka_unit_test(test_captured_sessions),
	};

	return (cmocka_run_group_tests_name("smtp", tests, NULL, NULL));
}
