/*
 * mgsmtp.c - the lab's SMTP client: speaks to a lab Postfix as any client
 * (XCLIENT) or SASL user (AUTH PLAIN), asks RCPT verdicts or fills the
 * queue with realistic messages.  Standalone: libc only.
 */
#include <sys/socket.h>
#include <sys/time.h>

#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define LINE_MAX_LEN	4096		/* longest reply line we accept */
#define REPLY_MAX_LINES	100		/* longest multi-line reply */
#define READ_TIMEOUT	30		/* seconds, per read */
#define MAX_RCPTS	1000		/* Postfix's smtpd_recipient_limit */
#define MAX_SIZE	(50L * 1024 * 1024)
#define MAX_COUNT	1000000L

struct conn {
	int	 fd;
	int	 verbose;
	char	 buf[8192];		/* read buffer */
	size_t	 start, end;		/* unread bytes in buf */
	char	 wbuf[16384];		/* write buffer, flushed before reads */
	size_t	 wlen;
};

struct reply {
	int	 code;			/* 3-digit code, -1 if none */
	char	 text[LINE_MAX_LEN];	/* text of all lines, joined by " " */
	int	 xclient;		/* EHLO advertised XCLIENT */
	int	 auth_plain;		/* EHLO advertised AUTH ... PLAIN */
};

struct opts {
	const char *host, *port, *helo, *source;
	const char *xaddr, *xname, *xlogin, *auth;
	const char *from, *subject;
	const char *to[MAX_RCPTS];
	size_t	 nto;
	long	 count, size;
	int	 rcpt_only, spread, verbose;
};

static void usage(void) __attribute__((noreturn));

/* usage - print the synopsis and exit 2 */
static void
usage(void)
{
	(void)fprintf(stderr,
	    "usage: mgsmtp --port N [--host 127.0.0.1] [--source IP] "
	    "[--helo NAME]\n"
	    "    [--xclient-addr IP] [--xclient-name NAME] "
	    "[--xclient-login USER]\n"
	    "    [--auth-plain USER:PASS] --from ADDR --to ADDR "
	    "[--to ADDR...]\n"
	    "    [--count N] [--subject S] [--size BYTES] [--spread] "
	    "[--rcpt-only] [-v]\n");
	exit(2);
}

/* die - print a message and exit 1 (protocol or connection error) */
static void die(const char *, ...)
    __attribute__((noreturn, format(printf, 1, 2)));

static void
die(const char *fmt, ...)
{
	va_list ap;

	(void)fputs("mgsmtp: ", stderr);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void)fputc('\n', stderr);
	exit(1);
}

/* parse_long - bounded decimal number, exit 2 with a message if not */
static long
parse_long(const char *name, const char *s, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
		(void)fprintf(stderr, "mgsmtp: %s: '%s' is not a number "
		    "between %ld and %ld\n", name, s, min, max);
		exit(2);
	}
	return (v);
}

/* bind_source - the socket's local address (--source: a session from
 * one of this host's own addresses); exit 1 if it cannot be */
static void
bind_source(int fd, int family, const char *source)
{
	struct addrinfo hints, *res;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST;
	if ((rc = getaddrinfo(source, NULL, &hints, &res)) != 0)
		die("--source %s: %s", source, gai_strerror(rc));
	if (bind(fd, res->ai_addr, res->ai_addrlen) < 0)
		die("bind to %s: %s", source, strerror(errno));
	freeaddrinfo(res);
}

/* conn_open - TCP connection to host:port with 30 s read/write timeouts,
 * from source if not NULL */
static void
conn_open(struct conn *c, const char *host, const char *port,
    const char *source)
{
	struct addrinfo hints, *res, *ai;
	struct timeval tv;
	int rc, fd = -1, saved = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((rc = getaddrinfo(host, port, &hints, &res)) != 0)
		die("%s port %s: %s", host, port, gai_strerror(rc));
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd < 0) {
			saved = errno;
			continue;
		}
		if (source != NULL)
			bind_source(fd, ai->ai_family, source);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		saved = errno;
		(void)close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		die("connect to %s port %s: %s", host, port, strerror(saved));
	tv.tv_sec = READ_TIMEOUT;
	tv.tv_usec = 0;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) < 0)
		die("setsockopt: %s", strerror(errno));
	c->fd = fd;
	c->start = c->end = c->wlen = 0;
}

/* conn_flush - write out the write buffer, or die.  One write per
 * command or message: small writes would meet Nagle and delayed ACK. */
static void
conn_flush(struct conn *c)
{
	const char *p = c->wbuf;
	size_t len = c->wlen;
	ssize_t n;

	while (len > 0) {
		n = write(c->fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("write: %s", errno == EAGAIN ? "timeout" :
			    strerror(errno));
		p += n;
		len -= (size_t)n;
	}
	c->wlen = 0;
}

/* conn_write - queue len bytes for the server */
static void
conn_write(struct conn *c, const char *buf, size_t len)
{
	size_t n;

	while (len > 0) {
		if (c->wlen == sizeof(c->wbuf))
			conn_flush(c);
		n = sizeof(c->wbuf) - c->wlen;
		if (n > len)
			n = len;
		memcpy(c->wbuf + c->wlen, buf, n);
		c->wlen += n;
		buf += n;
		len -= n;
	}
}

/* conn_readline - one line without CRLF into line (size >= 2); die on
 * timeout, EOF or a line longer than size - 1 */
static void
conn_readline(struct conn *c, char *line, size_t size)
{
	size_t len = 0;
	ssize_t n;
	char ch;

	conn_flush(c);
	for (;;) {
		if (c->start == c->end) {
			n = read(c->fd, c->buf, sizeof(c->buf));
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0)
				die("read: %s", errno == EAGAIN ||
				    errno == EWOULDBLOCK ? "timeout after "
				    "30 s" : strerror(errno));
			if (n == 0)
				die("connection closed by server");
			c->start = 0;
			c->end = (size_t)n;
		}
		ch = c->buf[c->start++];
		if (ch == '\n')
			break;
		if (len + 1 >= size)
			die("reply line longer than %zu bytes", size - 1);
		line[len++] = ch;
	}
	if (len > 0 && line[len - 1] == '\r')
		len--;
	line[len] = '\0';
}

/* ehlo_keyword - note the EHLO capabilities we may use */
static void
ehlo_keyword(struct reply *r, const char *kw)
{
	const char *p;

	if (strncasecmp(kw, "XCLIENT", 7) == 0 && (kw[7] == '\0' ||
	    kw[7] == ' '))
		r->xclient = 1;
	if (strncasecmp(kw, "AUTH", 4) == 0 && (kw[4] == ' ' ||
	    kw[4] == '=')) {
		for (p = kw + 5; (p = strcasestr(p, "PLAIN")) != NULL; p += 5)
			if ((p[-1] == ' ' || p[-1] == '=') &&
			    (p[5] == '\0' || p[5] == ' '))
				r->auth_plain = 1;
	}
}

/* read_reply - one SMTP reply, multi-line ("250-...") included */
static void
read_reply(struct conn *c, struct reply *r)
{
	char line[LINE_MAX_LEN];
	size_t used = 0;
	int n, code, cont;

	r->code = -1;
	r->text[0] = '\0';
	r->xclient = r->auth_plain = 0;
	for (n = 0;; n++) {
		if (n >= REPLY_MAX_LINES)
			die("reply longer than %d lines", REPLY_MAX_LINES);
		conn_readline(c, line, sizeof(line));
		if (c->verbose)
			(void)fprintf(stderr, "<- %s\n", line);
		if (strlen(line) < 3 || line[0] < '2' || line[0] > '5' ||
		    line[1] < '0' || line[1] > '9' || line[2] < '0' ||
		    line[2] > '9' || (line[3] != '\0' && line[3] != ' ' &&
		    line[3] != '-'))
			die("malformed reply: %.80s", line);
		code = (line[0] - '0') * 100 + (line[1] - '0') * 10 +
		    (line[2] - '0');
		if (r->code != -1 && code != r->code)
			die("reply code changed within reply: %.80s", line);
		r->code = code;
		cont = line[3] == '-';
		if (n > 0)
			ehlo_keyword(r, line[3] != '\0' ? line + 4 : "");
		if (line[3] != '\0' && used + 1 < sizeof(r->text)) {
			int w = snprintf(r->text + used, sizeof(r->text) - used,
			    "%s%s", used > 0 ? " " : "", line + 4);

			if (w < 0 || (size_t)w >= sizeof(r->text) - used)
				used = sizeof(r->text) - 1;
			else
				used += (size_t)w;
		}
		if (!cont)
			break;
	}
}

/* command - send one command line (CRLF added) and read the reply */
static void
command(struct conn *c, struct reply *r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
command(struct conn *c, struct reply *r, const char *fmt, ...)
{
	char line[LINE_MAX_LEN];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 2, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(line) - 2)
		die("command too long");
	if (strpbrk(line, "\r\n") != NULL)
		die("CR or LF in command argument");
	if (c->verbose > 0)
		(void)fprintf(stderr, "-> %s\n", line);
	line[n] = '\r';
	line[n + 1] = '\n';
	conn_write(c, line, (size_t)n + 2);
	read_reply(c, r);
}

/* expect - die unless the reply is in the class first digit */
static void
expect(const struct reply *r, int first, const char *what)
{
	if (r->code / 100 != first)
		die("%s: %d %s", what, r->code, r->text);
}

/* xtext - RFC 3461 xtext encoding (XCLIENT attribute values) */
static void
xtext(const char *in, char *out, size_t size)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t o = 0;
	unsigned char ch;

	for (; *in != '\0'; in++) {
		ch = (unsigned char)*in;
		if (o + 4 > size)
			die("XCLIENT value too long");
		if (ch < '!' || ch > '~' || ch == '+' || ch == '=') {
			out[o++] = '+';
			out[o++] = hex[ch >> 4];
			out[o++] = hex[ch & 15];
		} else
			out[o++] = (char)ch;
	}
	out[o] = '\0';
}

/* base64 - encode len bytes of in into out (NUL-terminated) */
static void
base64(const unsigned char *in, size_t len, char *out, size_t size)
{
	static const char tab[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i, o = 0;
	unsigned long v;

	if ((len + 2) / 3 * 4 + 1 > size)
		die("AUTH credentials too long");
	for (i = 0; i < len; i += 3) {
		v = (unsigned long)in[i] << 16;
		if (i + 1 < len)
			v |= (unsigned long)in[i + 1] << 8;
		if (i + 2 < len)
			v |= in[i + 2];
		out[o++] = tab[(v >> 18) & 63];
		out[o++] = tab[(v >> 12) & 63];
		out[o++] = i + 1 < len ? tab[(v >> 6) & 63] : '=';
		out[o++] = i + 2 < len ? tab[v & 63] : '=';
	}
	out[o] = '\0';
}

/* out_add - append formatted text to a bounded buffer, or die */
static void
out_add(char *buf, size_t size, size_t *used, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
out_add(char *buf, size_t size, size_t *used, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf + *used, size - *used, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size - *used)
		die("line or header too long");
	*used += (size_t)n;
}

/* do_xclient - XCLIENT ADDR/NAME/LOGIN, then the new greeting and EHLO */
static void
do_xclient(struct conn *c, const struct opts *o, struct reply *r)
{
	char cmd[1024], val[512];
	size_t used = 0;

	if (!r->xclient)
		die("server did not advertise XCLIENT (is 127.0.0.1 in "
		    "smtpd_authorized_xclient_hosts?)");
	out_add(cmd, sizeof(cmd), &used, "XCLIENT");
	if (o->xaddr != NULL) {
		xtext(o->xaddr, val, sizeof(val));
		out_add(cmd, sizeof(cmd), &used, " ADDR=%s", val);
	}
	if (o->xname != NULL) {
		xtext(o->xname, val, sizeof(val));
		out_add(cmd, sizeof(cmd), &used, " NAME=%s", val);
	}
	if (o->xlogin != NULL) {
		xtext(o->xlogin, val, sizeof(val));
		out_add(cmd, sizeof(cmd), &used, " LOGIN=%s", val);
	}
	/* Postfix XCLIENT_README: success restarts the session with a
	 * new 220 greeting, so the client must say EHLO again. */
	command(c, r, "%s", cmd);
	expect(r, 2, "XCLIENT");
	command(c, r, "EHLO %s", o->helo);
	expect(r, 2, "EHLO after XCLIENT");
}

/* do_auth - AUTH PLAIN with "user:pass" (RFC 4616: \0user\0pass) */
static void
do_auth(struct conn *c, const char *cred, struct reply *r)
{
	unsigned char raw[512];
	char b64[700];
	const char *colon = strchr(cred, ':');
	size_t ulen, plen;

	if (!r->auth_plain)
		die("server did not advertise AUTH PLAIN");
	if (colon == NULL)
		die("--auth-plain wants USER:PASS");
	ulen = (size_t)(colon - cred);
	plen = strlen(colon + 1);
	if (ulen + plen + 2 > sizeof(raw))
		die("AUTH credentials too long");
	raw[0] = '\0';
	memcpy(raw + 1, cred, ulen);
	raw[ulen + 1] = '\0';
	memcpy(raw + ulen + 2, colon + 1, plen);
	base64(raw, ulen + plen + 2, b64, sizeof(b64));
	if (c->verbose)
		(void)fprintf(stderr, "-> AUTH PLAIN (credentials of %.*s)\n",
		    (int)ulen, cred);
	c->verbose = -c->verbose;	/* never print the password */
	command(c, r, "AUTH PLAIN %s", b64);
	c->verbose = -c->verbose;
	expect(r, 2, "AUTH PLAIN");
}

/* session_start - connect, greeting, EHLO, XCLIENT, AUTH */
static void
session_start(struct conn *c, const struct opts *o)
{
	struct reply r;

	conn_open(c, o->host, o->port, o->source);
	read_reply(c, &r);
	expect(&r, 2, "greeting");
	command(c, &r, "EHLO %s", o->helo);
	expect(&r, 2, "EHLO");
	if (o->xaddr != NULL || o->xname != NULL || o->xlogin != NULL)
		do_xclient(c, o, &r);
	if (o->auth != NULL)
		do_auth(c, o->auth, &r);
}

/* session_end - QUIT and close; the 221 is not required */
static void
session_end(struct conn *c)
{
	struct reply r;

	command(c, &r, "QUIT");
	(void)close(c->fd);
	c->fd = -1;
}

/* rcpt_only - MAIL and RCPT verdicts, one line each, never DATA */
static int
rcpt_only(struct conn *c, const struct opts *o)
{
	struct reply r;
	size_t i;

	command(c, &r, "MAIL FROM:<%s>", o->from);
	if (r.code != 250) {
		(void)printf("MAIL %s -> %d %s\n", o->from, r.code, r.text);
	} else {
		for (i = 0; i < o->nto; i++) {
			command(c, &r, "RCPT TO:<%s>", o->to[i]);
			(void)printf("RCPT %s -> %d %s\n", o->to[i], r.code,
			    r.text);
		}
	}
	(void)fflush(stdout);
	command(c, &r, "RSET");
	session_end(c);
	return (0);
}

/* put_line - one body line, dot-stuffed (RFC 5321 4.5.2: a line that
 * starts with "." is sent with one more "."), CRLF added */
static void
put_line(struct conn *c, const char *line, size_t len)
{
	if (len > 0 && line[0] == '.')
		conn_write(c, ".", 1);
	conn_write(c, line, len);
	conn_write(c, "\r\n", 2);
}

/* send_body - about --size bytes of plausible text in lines of at most
 * 72 characters, then the terminating "." line */
static void
send_body(struct conn *c, long size, unsigned seed)
{
	static const char *const words[] = { "the", "quarterly", "report",
	    "is", "attached", "please", "review", "before", "our", "meeting",
	    "on", "thursday", "invoice", "payment", "shipment", "schedule",
	    "confirm", "your", "account", "details", "and", "let", "me",
	    "know", "if", "anything", "changed", "regards", "team", "update",
	    "offer", "limited", "time", "click", "here", "for", "details." };
	const size_t nwords = sizeof(words) / sizeof(words[0]);
	char line[80];
	size_t len = 0, wl;
	long left = size;
	const char *w;

	while (left > 0) {
		seed = seed * 1103515245u + 12345u;
		w = words[(seed >> 16) % nwords];
		wl = strlen(w);
		if (len > 0 && len + 1 + wl > 72) {
			put_line(c, line, len);
			left -= (long)len + 2;
			len = 0;
			continue;
		}
		if (len > 0)
			line[len++] = ' ';
		if ((long)wl > left)
			wl = (size_t)left;
		memcpy(line + len, w, wl);
		len += wl;
		if ((long)len + 2 >= left) {
			put_line(c, line, len);
			left = 0;
			len = 0;
		}
	}
	conn_write(c, ".\r\n", 3);
}

/* send_one - MAIL, RCPT(s), DATA, message; 1 if the server took it */
static int
send_one(struct conn *c, const struct opts *o, long seq)
{
	char hdr[16384], date[64];
	struct reply r;
	size_t i, first, last, used = 0, ok = 0;
	time_t now = time(NULL);
	struct tm tm;

	/* --spread: message seq goes to one recipient, in turn */
	first = o->spread ? (size_t)(seq % (long)o->nto) : 0;
	last = o->spread ? first + 1 : o->nto;
	command(c, &r, "MAIL FROM:<%s>", o->from);
	if (r.code != 250) {
		if (o->verbose)
			(void)fprintf(stderr, "MAIL %s -> %d %s\n", o->from,
			    r.code, r.text);
		command(c, &r, "RSET");
		return (0);
	}
	for (i = first; i < last; i++) {
		command(c, &r, "RCPT TO:<%s>", o->to[i]);
		if (r.code / 100 == 2)
			ok++;
		else if (o->verbose)
			(void)fprintf(stderr, "RCPT %s -> %d %s\n", o->to[i],
			    r.code, r.text);
	}
	if (ok == 0) {
		command(c, &r, "RSET");
		return (0);
	}
	command(c, &r, "DATA");
	if (r.code != 354) {
		command(c, &r, "RSET");
		return (0);
	}
	if (localtime_r(&now, &tm) == NULL || strftime(date, sizeof(date),
	    "%a, %d %b %Y %H:%M:%S %z", &tm) == 0)
		die("cannot format the date");
	out_add(hdr, sizeof(hdr), &used, "From: <%s>\r\nTo: ", o->from);
	for (i = first; i < last; i++)
		out_add(hdr, sizeof(hdr), &used, "%s<%s>", i > first ?
		    ",\r\n    " : "", o->to[i]);
	out_add(hdr, sizeof(hdr), &used, "\r\nSubject: ");
	if (o->subject != NULL)
		out_add(hdr, sizeof(hdr), &used, "%s", o->subject);
	else
		out_add(hdr, sizeof(hdr), &used, "Lab message %ld", seq + 1);
	out_add(hdr, sizeof(hdr), &used, "\r\nDate: %s\r\n"
	    "Message-ID: <%lld.%ld.%ld@mgsmtp.lab.example>\r\n"
	    "MIME-Version: 1.0\r\n"
	    "Content-Type: text/plain; charset=us-ascii\r\n"
	    "Content-Transfer-Encoding: 7bit\r\n\r\n", date, (long long)now,
	    (long)getpid(), seq + 1);
	conn_write(c, hdr, used);
	send_body(c, o->size, (unsigned)(seq * 7919 + getpid()));
	read_reply(c, &r);
	if (r.code != 250 && o->verbose)
		(void)fprintf(stderr, "end of DATA -> %d %s\n", r.code,
		    r.text);
	return (r.code == 250);
}

/* send_all - --count messages in one session; 0 if all were accepted */
static int
send_all(struct conn *c, const struct opts *o)
{
	long i, accepted = 0;

	for (i = 0; i < o->count; i++)
		accepted += send_one(c, o, i);
	session_end(c);
	(void)printf("sent %ld accepted %ld\n", o->count, accepted);
	return (accepted == o->count ? 0 : 1);
}

/* parse_args - the command line into o; exit 2 on misuse */
static void
parse_args(int argc, char **argv, struct opts *o)
{
	enum { O_PORT = 256, O_HOST, O_SOURCE, O_HELO, O_XADDR, O_XNAME,
	    O_XLOGIN, O_AUTH, O_FROM, O_TO, O_COUNT, O_SUBJECT, O_SIZE,
	    O_RCPT_ONLY, O_SPREAD };
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, O_PORT },
		{ "host", required_argument, NULL, O_HOST },
		{ "source", required_argument, NULL, O_SOURCE },
		{ "helo", required_argument, NULL, O_HELO },
		{ "xclient-addr", required_argument, NULL, O_XADDR },
		{ "xclient-name", required_argument, NULL, O_XNAME },
		{ "xclient-login", required_argument, NULL, O_XLOGIN },
		{ "auth-plain", required_argument, NULL, O_AUTH },
		{ "from", required_argument, NULL, O_FROM },
		{ "to", required_argument, NULL, O_TO },
		{ "count", required_argument, NULL, O_COUNT },
		{ "subject", required_argument, NULL, O_SUBJECT },
		{ "size", required_argument, NULL, O_SIZE },
		{ "rcpt-only", no_argument, NULL, O_RCPT_ONLY },
		{ "spread", no_argument, NULL, O_SPREAD },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	memset(o, 0, sizeof(*o));
	o->host = "127.0.0.1";
	o->helo = "client.lab.example";
	o->count = 1;
	o->size = 600;
	while ((ch = getopt_long(argc, argv, "v", longopts, NULL)) != -1) {
		switch (ch) {
		case O_PORT:
			(void)parse_long("--port", optarg, 1, 65535);
			o->port = optarg;
			break;
		case O_HOST:
			o->host = optarg;
			break;
		case O_SOURCE:
			o->source = optarg;
			break;
		case O_HELO:
			o->helo = optarg;
			break;
		case O_XADDR:
			o->xaddr = optarg;
			break;
		case O_XNAME:
			o->xname = optarg;
			break;
		case O_XLOGIN:
			o->xlogin = optarg;
			break;
		case O_AUTH:
			o->auth = optarg;
			break;
		case O_FROM:
			o->from = optarg;
			break;
		case O_TO:
			if (o->nto >= MAX_RCPTS)
				die("more than %d --to", MAX_RCPTS);
			o->to[o->nto++] = optarg;
			break;
		case O_COUNT:
			o->count = parse_long("--count", optarg, 1, MAX_COUNT);
			break;
		case O_SUBJECT:
			o->subject = optarg;
			break;
		case O_SIZE:
			o->size = parse_long("--size", optarg, 0, MAX_SIZE);
			break;
		case O_RCPT_ONLY:
			o->rcpt_only = 1;
			break;
		case O_SPREAD:
			o->spread = 1;
			break;
		case 'v':
			o->verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc || o->port == NULL || o->from == NULL ||
	    o->nto == 0)
		usage();
	if (o->subject != NULL && strpbrk(o->subject, "\r\n") != NULL)
		die("CR or LF in --subject");
}

/* main - one SMTP session: verdicts (--rcpt-only) or --count messages */
int
main(int argc, char **argv)
{
	struct opts *o;
	struct conn c;

	/* the recipient table is large: keep it off the stack */
	if ((o = calloc(1, sizeof(*o))) == NULL)
		die("out of memory");
	parse_args(argc, argv, o);
	memset(&c, 0, sizeof(c));
	c.verbose = o->verbose;
	session_start(&c, o);
	if (o->rcpt_only)
		return (rcpt_only(&c, o));
	return (send_all(&c, o));
}
