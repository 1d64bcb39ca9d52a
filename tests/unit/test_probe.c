/*
 * test_probe.c - the relay battery and its judgement, and probe sessions
 * against a fake SMTP server on loopback that answers by rule: it relays
 * or not, offers XCLIENT or not, hangs up in the middle of the battery,
 * answers slowly; every line it received is checked (RSET between tests,
 * never DATA).
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <netinet/in.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../core/mg_probe.h"
#include "mg_test.h"

/* How the fake server behaves. */
struct fake {
	int relay;		/* 250 to foreign recipients */
	int catch_all;		/* 250 to any local recipient */
	int drop_after;		/* close the first session after this many
				 * RCPTs; 0 never */
	int delay_ms;		/* before each reply */
	const char *banner;
	const char *ehlo;	/* EHLO reply lines */
};

static pid_t server_pid;
static int log_fd = -1;		/* what the server received */

/* nap - milliseconds */
static void
nap(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	(void)nanosleep(&ts, NULL);
}

/* say - one reply */
static void
say(int fd, const struct fake *f, const char *text)
{
	nap(f->delay_ms);
	(void)!write(fd, text, strlen(text));
}

/* local_rcpt - the recipient is in the server's own domain */
static int
local_rcpt(const char *line)
{
	return (strstr(line, "@[127.0.0.1]>") != NULL ||
	    strstr(line, "@mx.example.org>") != NULL ||
	    strchr(line, '@') == NULL);
}

/* session - serve one connection by the rules; 1 if it was dropped */
static int
session(int fd, const struct fake *f, int *rcpts, int first)
{
	char line[1024], c;
	size_t n;

	say(fd, f, f->banner);
	for (;;) {
		n = 0;
		while (read(fd, &c, 1) == 1 && c != '\n')
			if (n < sizeof(line) - 1)
				line[n++] = c;
		if (n == 0)
			return (0);
		line[n] = '\0';
		if (n > 0 && line[n - 1] == '\r')
			line[--n] = '\0';
		(void)!write(log_fd, line, n);
		(void)!write(log_fd, "\n", 1);
		if (strncmp(line, "EHLO", 4) == 0)
			say(fd, f, f->ehlo);
		else if (strncmp(line, "XCLIENT", 7) == 0)
			say(fd, f, "220 mx.example.org ESMTP\r\n");
		else if (strncmp(line, "MAIL", 4) == 0 || strncmp(line, "RSET",
		    4) == 0)
			say(fd, f, "250 2.0.0 Ok\r\n");
		else if (strncmp(line, "RCPT", 4) == 0) {
			if (first && f->drop_after > 0 &&
			    ++*rcpts > f->drop_after)
				return (1);
			if (strstr(line, "nosuchuser") != NULL)
				say(fd, f, f->catch_all ? "250 2.1.5 Ok\r\n" :
				    "550 5.1.1 User unknown\r\n");
			else if (local_rcpt(line) && !f->catch_all &&
			    !f->relay)
				say(fd, f, "550 5.1.1 User unknown\r\n");
			else
				say(fd, f, f->relay || (f->catch_all &&
				    local_rcpt(line)) ? "250 2.1.5 Ok\r\n" :
				    "554 5.7.1 Relay access denied\r\n");
		} else if (strncmp(line, "VRFY postmaster", 15) == 0)
			say(fd, f, "252 2.0.0 postmaster\r\n");
		else if (strncmp(line, "VRFY", 4) == 0)
			say(fd, f, "550 5.1.1 User unknown\r\n");
		else if (strncmp(line, "QUIT", 4) == 0) {
			say(fd, f, "221 Bye\r\n");
			return (0);
		} else
			say(fd, f, "502 5.5.2 Error: command not "
			    "recognized\r\n");
	}
}

/* serve_on - a fake server on 127.0.0.1 (or ::1) for up to 20
 * connections; its port */
static int
serve_on(const struct fake *f, int v6)
{
	struct sockaddr_in6 sa6;
	struct sockaddr_in sa;
	socklen_t len = v6 ? sizeof(sa6) : sizeof(sa);
	char tmpl[] = "/tmp/mg-test-probe.XXXXXX";
	int ls, fd, one = 1, rcpts = 0, i, first = 1, port;

	log_fd = mkstemp(tmpl);
	assert_true(log_fd >= 0);
	(void)unlink(tmpl);
	ls = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
	assert_true(ls >= 0);
	(void)setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	memset(&sa, 0, sizeof(sa));
	memset(&sa6, 0, sizeof(sa6));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa6.sin6_family = AF_INET6;
	sa6.sin6_addr = in6addr_loopback;
	if (v6) {
		assert_int_equal(bind(ls, (struct sockaddr *)&sa6,
		    sizeof(sa6)), 0);
		assert_int_equal(listen(ls, 4), 0);
		assert_int_equal(getsockname(ls, (struct sockaddr *)&sa6,
		    &len), 0);
		port = ntohs(sa6.sin6_port);
	} else {
		assert_int_equal(bind(ls, (struct sockaddr *)&sa, sizeof(sa)),
		    0);
		assert_int_equal(listen(ls, 4), 0);
		assert_int_equal(getsockname(ls, (struct sockaddr *)&sa, &len),
		    0);
		port = ntohs(sa.sin_port);
	}
	server_pid = fork();
	assert_true(server_pid >= 0);
	if (server_pid == 0) {
		for (i = 0; i < 20; i++) {
			if ((fd = accept(ls, NULL, NULL)) < 0)
				break;
			if (session(fd, f, &rcpts, first))
				first = 0;
			(void)close(fd);
		}
		_exit(0);
	}
	(void)close(ls);
	return (port);
}

/* serve - a fake server on 127.0.0.1 */
static int
serve(const struct fake *f)
{
	return (serve_on(f, 0));
}

/* received - everything the server received; caller frees */
static char *
received(void)
{
	int st;
	off_t size;
	char *buf;

	(void)kill(server_pid, SIGTERM);
	(void)waitpid(server_pid, &st, 0);
	size = lseek(log_fd, 0, SEEK_END);
	buf = calloc(1, (size_t)size + 1);
	assert_non_null(buf);
	assert_int_equal(pread(log_fd, buf, (size_t)size, 0), size);
	(void)close(log_fd);
	return (buf);
}

/* count - occurrences of s in text */
static size_t
count(const char *text, const char *s)
{
	size_t n = 0;

	for (; (text = strstr(text, s)) != NULL; text++)
		n++;
	return (n);
}

/* battery - the usual one for the fake server */
static void
battery(struct mg_probe_battery *b)
{
	static const char *const own[] = { "example.org", "mx.example.org" };

	mg_probe_battery_init(b);
	mg_probe_battery_build(b, "mx.example.org", "127.0.0.1", "example.net",
	    own, 2);
}

/* find - the test named name */
static size_t
find(const struct mg_probe_battery *b, const char *name)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (strcmp(b->v[i].name, name) == 0)
			return (i);
	fail_msg("no test %s", name);
	return (0);
}

/* test_battery - nmap's variants, the own-domain sender, controls last */
static void
test_battery(void **state)
{
	struct mg_probe_battery b;
	static const struct {
		const char *name, *sender, *rcpt;
	} want[] = {
		{ "null sender", "", "mailguard-relaytest@example.net" },
		{ "sender @[IP]", "postmaster@[127.0.0.1]",
		    "mailguard-relaytest@example.net" },
		{ "sender @example.org", "postmaster@example.org",
		    "mailguard-relaytest@example.net" },
		{ "percent hack @[IP]", "",
		    "mailguard-relaytest%example.net@[127.0.0.1]" },
		{ "quoted", "", "\"mailguard-relaytest@example.net\"" },
		{ "quoted @[IP]", "",
		    "\"mailguard-relaytest@example.net\"@[127.0.0.1]" },
		{ "double @ name", "",
		    "mailguard-relaytest@example.net@mx.example.org" },
		{ "source route [IP]", "",
		    "@[127.0.0.1]:mailguard-relaytest@example.net" },
		{ "bang path", "", "example.net!mailguard-relaytest" },
		{ "bang path @name", "",
		    "example.net!mailguard-relaytest@mx.example.org" },
		{ "trailing @", "", "mailguard-relaytest@example.net@" },
	};
	size_t i, k;

	(void)state;
	battery(&b);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		k = find(&b, want[i].name);
		assert_string_equal(b.v[k].sender, want[i].sender);
		assert_string_equal(b.v[k].rcpt, want[i].rcpt);
		assert_false(b.v[k].control);
	}
	/* the server's own name is not asked twice as a sender */
	for (i = 0, k = 0; i < b.n; i++)
		k += strcmp(b.v[i].sender, "postmaster@mx.example.org") == 0;
	assert_int_equal(k, 1);
	assert_true(b.v[b.n - 1].control && b.v[b.n - 2].control &&
	    b.v[b.n - 3].control);
	assert_false(b.v[b.n - 4].control);
	mg_probe_battery_free(&b);

	mg_probe_battery_build(&b, "mx", "2001:db8::25", "example.net", NULL,
	    0);
	assert_string_equal(b.v[find(&b, "sender @[IP]")].sender,
	    "postmaster@[IPv6:2001:db8::25]");
	mg_probe_battery_free(&b);
}

/* test_judge - a foreign recipient accepted is a relay; a routed local
 * form only when the made-up local recipient is refused */
static void
test_judge(void **state)
{
	struct mg_probe_battery b;
	struct mg_probe_answer *a;
	size_t i, pct, ctl, quoted;

	(void)state;
	battery(&b);
	a = calloc(b.n, sizeof(*a));
	assert_non_null(a);
	for (i = 0; i < b.n; i++) {
		a[i].mail = 250;
		a[i].rcpt = 554;
	}
	pct = find(&b, "percent hack @[IP]");
	ctl = find(&b, "control @[IP]");
	quoted = find(&b, "quoted");
	assert_int_equal(mg_probe_judge(&b, a, 0), MG_PV_REFUSED);
	a[0].rcpt = 250;
	assert_int_equal(mg_probe_judge(&b, a, 0), MG_PV_RELAYED);
	a[0].rcpt = 251;
	assert_int_equal(mg_probe_judge(&b, a, 0), MG_PV_RELAYED);
	a[pct].rcpt = 250;
	a[ctl].rcpt = 550;
	assert_int_equal(mg_probe_judge(&b, a, pct), MG_PV_RELAYED);
	a[ctl].rcpt = 250;	/* takes any local name: proves nothing */
	assert_int_equal(mg_probe_judge(&b, a, pct), MG_PV_LOCAL);
	assert_int_equal(mg_probe_judge(&b, a, ctl), MG_PV_LOCAL);
	a[ctl].mail = a[ctl].rcpt = -1;	/* control unanswered */
	assert_int_equal(mg_probe_judge(&b, a, pct), MG_PV_LOCAL);
	a[quoted].mail = 550;	/* MAIL refused: RCPT never asked */
	a[quoted].rcpt = -1;
	assert_int_equal(mg_probe_judge(&b, a, quoted), MG_PV_REFUSED);
	a[quoted].mail = -1;
	(void)snprintf(a[quoted].err, sizeof(a[quoted].err), "lost");
	assert_int_equal(mg_probe_judge(&b, a, quoted), MG_PV_UNKNOWN);
	free(a);
	mg_probe_battery_free(&b);
}

/* run - the battery against the fake server f; what it received */
static char *
run(const struct fake *f, const char *xclient, struct mg_probe_battery *b,
    struct mg_probe_answer **ap, int *rc, char *errbuf, size_t errsize)
{
	struct mg_probe_conn c;
	struct mg_err err;

	battery(b);
	*ap = calloc(b->n, sizeof(**ap));
	assert_non_null(*ap);
	memset(&c, 0, sizeof(c));
	c.host = "127.0.0.1";
	c.port = serve(f);
	c.timeout_ms = 2000;
	c.xclient = xclient;
	*rc = mg_probe_run(&c, b->v, b->n, *ap, NULL, &err);
	(void)snprintf(errbuf, errsize, "%.190s", *rc < 0 ? err.msg : "");
	return (received());
}

/* test_run_closed_and_open - RSET after every test, never DATA; a closed
 * server refuses all, an open one relays all foreign forms, a catch-all
 * accepts routed local forms without that being called a relay */
static void
test_run_closed_and_open(void **state)
{
	struct fake f = { 0, 0, 0, 0, "220 mx.example.org ESMTP\r\n",
	    "250-mx.example.org\r\n250-PIPELINING\r\n250 8BITMIME\r\n" };
	struct mg_probe_battery b;
	struct mg_probe_answer *a;
	struct mg_probe_result r;
	char *log, why[200];
	int rc;

	(void)state;
	log = run(&f, NULL, &b, &a, &rc, why, sizeof(why));
	assert_int_equal(rc, 0);
	assert_int_equal(count(log, "MAIL FROM:"), b.n);
	assert_int_equal(count(log, "RCPT TO:"), b.n);
	assert_int_equal(count(log, "RSET"), b.n);
	assert_int_equal(count(log, "DATA"), 0);
	memset(&r, 0, sizeof(r));
	r.a = a;
	r.c.trusted = 0;
	mg_probe_result_judge(&b, &r);
	assert_int_equal(r.relayed, 0);
	assert_int_equal(r.status, MG_PS_CLOSED);
	free(log);
	free(a);
	mg_probe_battery_free(&b);

	f.relay = 1;
	log = run(&f, NULL, &b, &a, &rc, why, sizeof(why));
	assert_int_equal(rc, 0);
	assert_int_equal(count(log, "DATA"), 0);
	r.a = a;
	mg_probe_result_judge(&b, &r);
	assert_int_equal(r.status, MG_PS_OPEN);
	assert_int_equal(mg_probe_judge(&b, a, find(&b, "source route "
	    "[IP]")), MG_PV_RELAYED);
	r.c.trusted = 1;	/* a narrow trusted range may relay */
	mg_probe_result_judge(&b, &r);
	assert_int_equal(r.status, MG_PS_TRUSTED);
	r.c.wide = 1;		/* a wide one is an open relay */
	mg_probe_result_judge(&b, &r);
	assert_int_equal(r.status, MG_PS_OPEN);
	free(log);
	free(a);
	mg_probe_battery_free(&b);

	f.relay = 0;
	f.catch_all = 1;
	log = run(&f, NULL, &b, &a, &rc, why, sizeof(why));
	assert_int_equal(rc, 0);
	assert_int_equal(mg_probe_judge(&b, a, find(&b, "percent hack "
	    "@[IP]")), MG_PV_LOCAL);
	assert_int_equal(mg_probe_judge(&b, a, 0), MG_PV_REFUSED);
	r.a = a;
	r.c.trusted = r.c.wide = 0;
	mg_probe_result_judge(&b, &r);
	assert_int_equal(r.status, MG_PS_CLOSED);
	free(log);
	free(a);
	mg_probe_battery_free(&b);
}

/* test_run_helo - a test that names a HELO says EHLO with it first, and
 * the next test names the probe again: one session, three EHLOs */
static void
test_run_helo(void **state)
{
	/* relaying, so no refusal counts against the session: one */
	struct fake f = { 1, 0, 0, 0, "220 mx.example.org ESMTP\r\n",
	    "250-mx.example.org\r\n250 8BITMIME\r\n" };
	struct mg_probe_battery b;
	struct mg_probe_plan pl;
	struct mg_probe_answer *a;
	struct mg_probe_conn c;
	struct mg_err err;
	char *log;
	const char *p;

	(void)state;
	mg_probe_plan_init(&pl);
	(void)mg_probe_plan_grant(&pl, MG_GRANT_HELO, "gw.partner.example",
	    "check_helo_access hash:/x: gw.partner.example OK", "/x", 3);
	battery(&b);
	mg_probe_battery_grants(&b, &pl, "example.net");
	a = calloc(b.n, sizeof(*a));
	assert_non_null(a);
	memset(&c, 0, sizeof(c));
	c.host = "127.0.0.1";
	c.port = serve(&f);
	c.timeout_ms = 2000;
	assert_int_equal(mg_probe_run(&c, b.v, b.n, a, NULL, &err), 0);
	log = received();
	assert_int_equal(count(log, "EHLO "), 3);
	assert_int_equal(count(log, "EHLO gw.partner.example"), 1);
	p = strstr(log, "EHLO gw.partner.example\nMAIL FROM:<>\nRCPT TO:"
	    "<mailguard-relaytest@example.net>\nRSET\nEHLO " MG_PROBE_HELO
	    "\nMAIL FROM:");
	assert_non_null(p);
	assert_int_equal(count(log, "MAIL FROM:"), b.n);
	free(log);
	free(a);
	mg_probe_battery_free(&b);
	mg_probe_plan_free(&pl);
}

/* test_run_dropped_and_xclient - a server hanging up mid-battery gets a
 * new session for the tests left; XCLIENT is said only when offered */
static void
test_run_dropped_and_xclient(void **state)
{
	struct fake f = { 0, 0, 3, 0, "220 mx.example.org ESMTP\r\n",
	    "250-mx.example.org\r\n250-XCLIENT ADDR NAME\r\n250 8BITMIME\r\n" };
	struct mg_probe_battery b;
	struct mg_probe_answer *a;
	char *log, why[200];
	size_t i;
	int rc;

	(void)state;
	log = run(&f, "210.99.1.1", &b, &a, &rc, why, sizeof(why));
	assert_int_equal(rc, 0);
	for (i = 0; i < b.n; i++)
		if (a[i].rcpt < 0 || a[i].err[0] != '\0')
			fail_msg("test %s unanswered: %s", b.v[i].name,
			    a[i].err);
	/* 20 tests, all refused: 3 answered and one lost in the first
	 * session, then one per 8 refusals: 4 sessions, 2 EHLO each */
	assert_int_equal(count(log, "EHLO"), 2 * 4);
	assert_int_equal(count(log, "XCLIENT ADDR=210.99.1.1 "
	    "NAME=[UNAVAILABLE]"), count(log, "EHLO") / 2);
	assert_int_equal(count(log, "DATA"), 0);
	free(log);
	free(a);
	mg_probe_battery_free(&b);

	f.ehlo = "250-mx.example.org\r\n250 8BITMIME\r\n";
	f.drop_after = 0;
	log = run(&f, "210.99.1.1", &b, &a, &rc, why, sizeof(why));
	assert_int_equal(rc, -1);
	assert_non_null(strstr(why, "does not offer XCLIENT"));
	assert_int_equal(count(log, "MAIL FROM"), 0);	/* not as ourselves */
	assert_non_null(strstr(a[0].err, "XCLIENT"));
	free(log);
	free(a);
	mg_probe_battery_free(&b);
}

/* test_run_xclient_login - a probe authenticated as a login says
 * XCLIENT ... LOGIN=<login> once per session; without one, no LOGIN */
static void
test_run_xclient_login(void **state)
{
	struct fake f = { 0, 0, 0, 0, "220 mx.example.org ESMTP\r\n",
	    "250-mx.example.org\r\n250-XCLIENT ADDR NAME LOGIN\r\n"
	    "250 8BITMIME\r\n" };
	struct mg_probe_test t;
	struct mg_probe_answer a;
	struct mg_probe_conn c;
	struct mg_err err;
	char *log;
	int pass;

	(void)state;
	for (pass = 0; pass < 2; pass++) {
		memset(&t, 0, sizeof(t));
		(void)snprintf(t.sender, sizeof(t.sender), "bob@example.com");
		(void)snprintf(t.rcpt, sizeof(t.rcpt),
		    "postmaster@example.com");
		memset(&c, 0, sizeof(c));
		c.host = "127.0.0.1";
		c.port = serve(&f);
		c.timeout_ms = 2000;
		c.xclient = "198.51.100.9";
		c.xclient_login = pass == 0 ? "alice" : NULL;
		memset(&a, 0, sizeof(a));
		assert_int_equal(mg_probe_run(&c, &t, 1, &a, NULL, &err), 0);
		log = received();
		assert_int_equal(count(log, "XCLIENT ADDR=198.51.100.9 "
		    "NAME=[UNAVAILABLE] LOGIN=alice\n"), pass == 0 ? 1 : 0);
		assert_int_equal(count(log, "LOGIN="), pass == 0 ? 1 : 0);
		assert_int_equal(count(log, "MAIL FROM:<bob@example.com>"), 1);
		free(log);
	}
}

/* test_run_slow - replies slower than the timeout: an error for every
 * test, not a hang */
static void
test_run_slow(void **state)
{
	struct fake f = { 0, 0, 0, 400, "220 mx.example.org ESMTP\r\n",
	    "250 mx.example.org\r\n" };
	struct mg_probe_battery b;
	struct mg_probe_answer *a;
	struct mg_probe_conn c;
	struct mg_err err;
	time_t t0;
	char *log;
	int rc;

	(void)state;
	battery(&b);
	a = calloc(b.n, sizeof(*a));
	assert_non_null(a);
	memset(&c, 0, sizeof(c));
	c.host = "127.0.0.1";
	c.port = serve(&f);
	c.timeout_ms = 200;
	t0 = time(NULL);
	rc = mg_probe_run(&c, b.v, b.n, a, NULL, &err);
	assert_int_equal(rc, -1);
	assert_true(time(NULL) - t0 < 10);
	assert_non_null(strstr(err.msg, "no reply within 200 ms"));
	assert_int_equal(mg_probe_judge(&b, a, 0), MG_PV_UNKNOWN);
	log = received();
	free(log);
	free(a);
	mg_probe_battery_free(&b);
}

/* test_survey - AUTH before STARTTLS, no STARTTLS, VRFY telling users
 * apart, EXPN refused, a version in the banner */
static void
test_survey(void **state)
{
	struct fake f = { 0, 0, 0, 0,
	    "220-mx.example.org ESMTP Exim 4.96 Mon, 23 Nov 2026 16:00:00 "
	    "+0000\r\n220 welcome\r\n",
	    "250-mx.example.org Hello\r\n250-SIZE 52428800\r\n"
	    "250-AUTH PLAIN LOGIN\r\n250 HELP\r\n" };
	struct mg_probe_listener l;
	struct mg_probe_conn c;
	struct mg_err err;
	char *log;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.host = "127.0.0.1";
	c.port = serve(&f);
	c.timeout_ms = 2000;
	assert_int_equal(mg_probe_survey(&c, &l, NULL, &err), 0);
	log = received();
	assert_int_equal(l.banner_code, 220);
	assert_string_equal(l.software, "Exim");
	assert_string_equal(l.version, "4.96");
	assert_string_equal(l.auth_clear, "PLAIN LOGIN");
	assert_false(l.starttls);
	assert_false(l.tls_ok);
	assert_int_equal(l.vrfy_known, 252);
	assert_int_equal(l.vrfy_unknown, 550);
	assert_true(l.vrfy_leaks);
	assert_int_equal(l.expn, 502);
	assert_false(l.expn_leaks);
	assert_string_equal(l.peer, "127.0.0.1");
	assert_int_equal(count(log, "MAIL"), 0);	/* sends no mail */
	free(log);
}

/* test_ipv6 - the battery over IPv6: the literal is [IPv6:...] and the
 * server's answers come back */
static void
test_ipv6(void **state)
{
	struct fake f = { 1, 0, 0, 0, "220 mx.example.org ESMTP\r\n",
	    "250 mx.example.org\r\n" };
	struct mg_probe_listener l;
	struct mg_probe_battery b;
	struct mg_probe_answer *a;
	struct mg_probe_conn c;
	struct mg_err err;
	char *log;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.host = "[::1]";
	c.port = serve_on(&f, 1);
	c.timeout_ms = 2000;
	if (mg_probe_survey(&c, &l, NULL, &err) < 0)
		fail_msg("survey over IPv6: %s", err.msg);
	free(received());
	assert_string_equal(l.peer, "::1");
	mg_probe_battery_init(&b);
	mg_probe_battery_build(&b, "mx.example.org", l.peer, "example.net",
	    NULL, 0);
	a = calloc(b.n, sizeof(*a));
	assert_non_null(a);
	c.port = serve_on(&f, 1);
	assert_int_equal(mg_probe_run(&c, b.v, b.n, a, NULL, &err), 0);
	log = received();
	assert_non_null(strstr(log, "MAIL FROM:<postmaster@[IPv6:::1]>"));
	assert_int_equal(mg_probe_judge(&b, a, 0), MG_PV_RELAYED);
	free(log);
	free(a);
	mg_probe_battery_free(&b);
}

/* test_banner_version - version numbers, not addresses or dates */
static void
test_banner_version(void **state)
{
	static const struct {
		const char *banner, *sw, *ver;
	} cases[] = {
		{ "mail.example.com ESMTP Postfix (Debian/GNU)", "Postfix",
		    "" },
		{ "mx ESMTP Exim 4.96 Mon, 23 Nov 2026 16:00:00 +0000", "Exim",
		    "4.96" },
		{ "mx1.example.org ESMTP Sendmail 8.15.2/8.15.2; Mon",
		    "Sendmail", "8.15.2" },
		{ "mx.example.org ESMTP Postfix 3.7.11", "Postfix", "3.7.11" },
		{ "host 192.0.2.1 ready", "", "" },
		{ "mx2.example.org ESMTP ready", "", "" },
	};
	char sw[32], ver[32];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mg_probe_banner_version(cases[i].banner, sw, sizeof(sw), ver,
		    sizeof(ver));
		if (strcmp(sw, cases[i].sw) != 0 || strcmp(ver,
		    cases[i].ver) != 0)
			fail_msg("\"%s\": \"%s\" \"%s\"", cases[i].banner, sw,
			    ver);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_battery),
		cmocka_unit_test(test_judge),
		cmocka_unit_test(test_run_closed_and_open),
		cmocka_unit_test(test_run_helo),
		cmocka_unit_test(test_run_dropped_and_xclient),
		cmocka_unit_test(test_run_xclient_login),
		cmocka_unit_test(test_run_slow),
		cmocka_unit_test(test_survey),
		cmocka_unit_test(test_ipv6),
		cmocka_unit_test(test_banner_version),
	};

	signal(SIGPIPE, SIG_IGN);
	return (cmocka_run_group_tests_name("probe", tests, NULL, NULL));
}
