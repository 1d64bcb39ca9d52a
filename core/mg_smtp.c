/*
 * mg_smtp.c - SMTP client sessions on libcurl.  libcurl makes the
 * connection (CURLOPT_CONNECT_ONLY on an http:// URL: a plain TCP
 * connection, IPv4 or IPv6, with its connect timeout; https:// would give
 * implicit TLS the same way) and moves the bytes (curl_easy_send/recv);
 * the dialogue is ours, because a relay probe must say exactly what it
 * says and stop before DATA.  Replies are read whole: "ddd-" lines
 * continue, "ddd " or "ddd" ends; a reply whose lines disagree on the
 * code, a line without a code, an over-long line or reply, silence past
 * the timeout, or a connection closed mid-reply is an error, never a
 * guess.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "mg_smtp.h"

/* now_ms - monotonic milliseconds */
static long long
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* wait_sock - poll the connection for events until deadline; 0 ready,
 * -1 timed out or failed */
static int
wait_sock(const struct mg_smtp *s, short events, long long deadline)
{
	struct pollfd p;
	long long left;
	int r;

	for (;;) {
		left = deadline - now_ms();
		if (left <= 0)
			return (-1);
		p.fd = (int)s->sock;
		p.events = events;
		p.revents = 0;
		r = poll(&p, 1, (int)(left > 60000 ? 60000 : left));
		if (r > 0)
			return (0);
		if (r < 0 && errno != EINTR)
			return (-1);
	}
}

/* record - one transcript line: "C: " or "S: " and the text, with
 * control characters shown as '?' (the text is untrusted) */
static void
record(struct mg_smtp *s, const char *who, const char *p, size_t n)
{
	size_t i;

	mg_str_puts(&s->transcript, who);
	for (i = 0; i < n; i++)
		mg_str_putc(&s->transcript, (unsigned char)p[i] < 0x20 ||
		    p[i] == 0x7f ? '?' : p[i]);
	mg_str_putc(&s->transcript, '\n');
}

/* adopt_open - hand libcurl the connected socket in *arg, once */
static curl_socket_t
adopt_open(void *arg, curlsocktype purpose, struct curl_sockaddr *addr)
{
	int *fd = arg, r = *fd;

	(void)purpose;
	(void)addr;
	*fd = -1;
	return (r >= 0 ? (curl_socket_t)r : CURL_SOCKET_BAD);
}

/* adopt_opt - the adopted socket is connected already */
static int
adopt_opt(void *arg, curl_socket_t fd, curlsocktype purpose)
{
	(void)arg;
	(void)fd;
	(void)purpose;
	return (CURL_SOCKOPT_ALREADY_CONNECTED);
}

/*
 * connect_url - a CONNECT_ONLY handle for url: http:// is a plain TCP
 * connection, https:// adds the TLS handshake.  The certificate is not
 * verified: the probe asks what the listener answers, and a self-signed
 * certificate is normal on port 25.  *adopt >= 0 is a connected socket
 * libcurl takes instead of connecting (STARTTLS); pin ("host:port:ip")
 * makes libcurl use the address that socket is connected to.
 */
static CURL *
connect_url(struct mg_smtp *s, const char *url, int *adopt, const char *pin,
    struct mg_err *err)
{
	struct curl_slist *resolve = NULL;
	CURLcode rc;
	CURL *c;

	if ((c = curl_easy_init()) == NULL) {
		(void)mg_err_set(err, "libcurl could not start");
		return (NULL);
	}
	(void)curl_easy_setopt(c, CURLOPT_URL, url);
	(void)curl_easy_setopt(c, CURLOPT_CONNECT_ONLY, 1L);
	(void)curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS,
	    (long)s->timeout_ms);
	(void)curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	(void)curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	(void)curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
	(void)curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
	(void)curl_easy_setopt(c, CURLOPT_SSL_ENABLE_ALPN, 0L);
	(void)curl_easy_setopt(c, CURLOPT_HTTP_VERSION,
	    (long)CURL_HTTP_VERSION_1_1);
	if (s->unix_path[0] != '\0')
		(void)curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH,
		    s->unix_path);
	if (adopt != NULL) {
		(void)curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION,
		    adopt_open);
		(void)curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, adopt);
		(void)curl_easy_setopt(c, CURLOPT_SOCKOPTFUNCTION, adopt_opt);
	}
	if (pin != NULL) {
		resolve = curl_slist_append(NULL, pin);
		(void)curl_easy_setopt(c, CURLOPT_RESOLVE, resolve);
	}
	rc = curl_easy_perform(c);
	curl_slist_free_all(resolve);
	if (rc != CURLE_OK) {
		curl_easy_cleanup(c);
		if (s->unix_path[0] != '\0')
			(void)mg_err_set(err, "cannot connect to %s: %s",
			    s->unix_path, curl_easy_strerror(rc));
		else
			(void)mg_err_set(err, "cannot %s %s port %d: %s",
			    adopt != NULL ? "start TLS with" : "connect to",
			    s->host, s->port, curl_easy_strerror(rc));
		return (NULL);
	}
	return (c);
}

/* take - the handle's socket becomes the session's; 0 or -1 */
static int
take(struct mg_smtp *s, CURL *c, struct mg_err *err)
{
	curl_socket_t sock;

	if (curl_easy_getinfo(c, CURLINFO_ACTIVESOCKET, &sock) != CURLE_OK ||
	    sock == CURL_SOCKET_BAD) {
		curl_easy_cleanup(c);
		return (mg_err_set(err, "libcurl gave no socket"));
	}
	s->curl = c;
	s->sock = (long)sock;
	return (0);
}

/* start - the session's fields, and the URL for scheme */
static int
start(struct mg_smtp *s, const char *host, int port, int timeout_ms,
    const char *scheme, char *url, size_t size, struct mg_err *err)
{
	memset(s, 0, sizeof(*s));	/* an empty transcript: nothing held */
	s->timeout_ms = timeout_ms > 0 ? timeout_ms : 30000;
	s->port = port;
	if (port <= 0 || port > 65535)
		return (mg_err_set(err, "port %d out of range", port));
	if (snprintf(s->host, sizeof(s->host), "%s", host) >=
	    (int)sizeof(s->host) || snprintf(url, size, "%s://%s:%d/",
	    scheme, host, port) >= (int)size)
		return (mg_err_set(err, "host name too long"));
	return (0);
}

/*
 * mg_smtp_open - connect to host:port (an IPv6 literal in brackets)
 * within timeout_ms, and read nothing yet (the caller reads the banner
 * with mg_smtp_read).  0, or -1 with err.
 */
int
mg_smtp_open(struct mg_smtp *s, const char *host, int port, int timeout_ms,
    struct mg_err *err)
{
	char url[512];
	CURL *c;

	if (start(s, host, port, timeout_ms, "http", url, sizeof(url),
	    err) < 0 || (c = connect_url(s, url, NULL, NULL, err)) == NULL)
		return (-1);
	return (take(s, c, err));
}

/*
 * mg_smtp_open_unix - connect to the UNIX-domain socket at path (a
 * listener that only who may enter its directory can reach), as
 * mg_smtp_open does to host:port
 */
int
mg_smtp_open_unix(struct mg_smtp *s, const char *path, int timeout_ms,
    struct mg_err *err)
{
	char url[512];
	CURL *c;

	if (start(s, "localhost", 25, timeout_ms, "http", url, sizeof(url),
	    err) < 0)
		return (-1);
	if (snprintf(s->unix_path, sizeof(s->unix_path), "%s", path) >=
	    (int)sizeof(s->unix_path))
		return (mg_err_set(err, "socket path too long: %s", path));
	/* the messages name the socket, not "localhost port 25" */
	(void)snprintf(s->host, sizeof(s->host), "%s", path);
	if ((c = connect_url(s, url, NULL, NULL, err)) == NULL)
		return (-1);
	return (take(s, c, err));
}

/* mg_smtp_open_tls - as mg_smtp_open, with TLS from the first byte
 * (implicit TLS, "submissions" on port 465) */
int
mg_smtp_open_tls(struct mg_smtp *s, const char *host, int port,
    int timeout_ms, struct mg_err *err)
{
	char url[512];
	CURL *c;

	if (start(s, host, port, timeout_ms, "https", url, sizeof(url),
	    err) < 0 || (c = connect_url(s, url, NULL, NULL, err)) == NULL)
		return (-1);
	s->tls = 1;
	return (take(s, c, err));
}

/*
 * mg_smtp_starttls - STARTTLS, and on 220 the TLS handshake on the same
 * connection: libcurl adopts the connected socket.  0 encrypted; 1 the
 * server refused (its reply in r); -1 with err.  Bytes the server sent
 * after its 220 before the handshake are an error (a plaintext answer
 * injected into the encrypted session).  The caller says EHLO again.
 */
int
mg_smtp_starttls(struct mg_smtp *s, struct mg_smtp_reply *r,
    struct mg_err *err)
{
	char url[512], pin[600], *ip = NULL;
	struct in6_addr a6;
	int fd;
	CURL *c;

	if (s->tls)
		return (mg_err_set(err, "the session is encrypted already"));
	if (mg_smtp_cmd(s, "STARTTLS", r, err) < 0)
		return (-1);
	if (r->code != 220)
		return (1);
	if (s->end > s->start)
		return (mg_err_set(err, "the server sent data after its 220 to "
		    "STARTTLS, before the handshake"));
	(void)snprintf(url, sizeof(url), "https://%s:%d/", s->host, s->port);
	pin[0] = '\0';
	if (s->host[0] != '[' && inet_pton(AF_INET6, s->host, &a6) != 1 &&
	    inet_pton(AF_INET, s->host, &a6) != 1 &&
	    curl_easy_getinfo(s->curl, CURLINFO_PRIMARY_IP, &ip) == CURLE_OK &&
	    ip != NULL)
		(void)snprintf(pin, sizeof(pin), strchr(ip, ':') != NULL ?
		    "%s:%d:[%s]" : "%s:%d:%s", s->host, s->port, ip);
	if ((fd = dup((int)s->sock)) < 0)
		return (mg_err_errno(err, "cannot start TLS"));
	c = connect_url(s, url, &fd, pin[0] != '\0' ? pin : NULL, err);
	if (fd >= 0)
		(void)close(fd);	/* libcurl did not take it */
	if (c == NULL)
		return (-1);
	curl_easy_cleanup(s->curl);	/* closes the original descriptor */
	s->curl = NULL;
	s->start = s->end = 0;
	s->tls = 1;
	mg_str_puts(&s->transcript, "-- TLS started\n");
	return (take(s, c, err));
}

/* fill - more bytes into the buffer; 0, or -1 with err (closed, timed
 * out, failed) */
static int
fill(struct mg_smtp *s, long long deadline, struct mg_err *err)
{
	size_t got = 0;
	CURLcode rc;

	if (s->start > 0) {
		memmove(s->buf, s->buf + s->start, s->end - s->start);
		s->end -= s->start;
		s->start = 0;
	}
	if (s->end == sizeof(s->buf))
		return (mg_err_set(err, "reply line longer than %zu bytes",
		    sizeof(s->buf)));
	for (;;) {
		rc = curl_easy_recv(s->curl, s->buf + s->end,
		    sizeof(s->buf) - s->end, &got);
		if (rc == CURLE_OK && got == 0) {
			s->closed = 1;
			return (mg_err_set(err, "the server closed the "
			    "connection"));
		}
		if (rc == CURLE_OK) {
			s->end += got;
			return (0);
		}
		if (rc != CURLE_AGAIN)
			return (mg_err_set(err, "read error: %s",
			    curl_easy_strerror(rc)));
		if (wait_sock(s, POLLIN, deadline) < 0)
			return (mg_err_set(err, "no reply within %d ms",
			    s->timeout_ms));
	}
}

/* next_line - one reply line (without CR LF) into line; 0 or -1 */
static int
next_line(struct mg_smtp *s, long long deadline, char *line, size_t size,
    size_t *len, struct mg_err *err)
{
	char *nl;
	size_t n;

	for (;;) {
		nl = memchr(s->buf + s->start, '\n', s->end - s->start);
		if (nl != NULL)
			break;
		if (s->end - s->start > MG_SMTP_LINE_MAX)
			return (mg_err_set(err, "reply line longer than %d "
			    "bytes", MG_SMTP_LINE_MAX));
		if (fill(s, deadline, err) < 0) {
			if (s->closed && s->end > s->start)
				return (mg_err_set(err, "the server closed "
				    "the connection in the middle of a "
				    "reply"));
			return (-1);
		}
	}
	n = (size_t)(nl - (s->buf + s->start));
	if (n > MG_SMTP_LINE_MAX || n >= size)
		return (mg_err_set(err, "reply line longer than %d bytes",
		    MG_SMTP_LINE_MAX));
	memcpy(line, s->buf + s->start, n);
	s->start += n + 1;
	if (n > 0 && line[n - 1] == '\r')
		n--;
	line[n] = '\0';
	*len = n;
	return (0);
}

/*
 * mg_smtp_read - one whole reply into r (its lines' text joined by
 * newlines, truncated to MG_SMTP_TEXT_MAX); 0, or -1 with err
 */
int
mg_smtp_read(struct mg_smtp *s, struct mg_smtp_reply *r, struct mg_err *err)
{
	char line[MG_SMTP_LINE_MAX + 2];
	long long deadline = now_ms() + s->timeout_ms;
	size_t len = 0, tl = 0;
	int code, more;

	memset(r, 0, sizeof(*r));
	for (;;) {
		if (next_line(s, deadline, line, sizeof(line), &len, err) < 0)
			return (-1);
		record(s, "S: ", line, len);
		if (len < 3 || line[0] < '2' || line[0] > '5' ||
		    line[1] < '0' || line[1] > '9' || line[2] < '0' ||
		    line[2] > '9' || (len > 3 && line[3] != ' ' &&
		    line[3] != '-'))
			return (mg_err_set(err, "not an SMTP reply: \"%.60s\"",
			    line));
		code = (line[0] - '0') * 100 + (line[1] - '0') * 10 +
		    (line[2] - '0');
		if (r->lines > 0 && code != r->code)
			return (mg_err_set(err, "reply lines disagree: %d then "
			    "%d", r->code, code));
		r->code = code;
		if (++r->lines > MG_SMTP_LINES_MAX)
			return (mg_err_set(err, "reply of more than %d lines",
			    MG_SMTP_LINES_MAX));
		more = len > 3 && line[3] == '-';
		if (len > 4 && tl + (len - 4) + 2 < sizeof(r->text)) {
			if (tl > 0)
				r->text[tl++] = '\n';
			memcpy(r->text + tl, line + 4, len - 4);
			tl += len - 4;
			r->text[tl] = '\0';
		}
		if (!more)
			return (0);
	}
}

/* send_all - the bytes, within the timeout */
static int
send_all(struct mg_smtp *s, const char *p, size_t n, struct mg_err *err)
{
	long long deadline = now_ms() + s->timeout_ms;
	size_t sent;
	CURLcode rc;

	while (n > 0) {
		sent = 0;
		rc = curl_easy_send(s->curl, p, n, &sent);
		if (rc == CURLE_OK) {
			p += sent;
			n -= sent;
			continue;
		}
		if (rc != CURLE_AGAIN)
			return (mg_err_set(err, "write error: %s",
			    curl_easy_strerror(rc)));
		if (wait_sock(s, POLLOUT, deadline) < 0)
			return (mg_err_set(err, "could not send within %d ms",
			    s->timeout_ms));
	}
	return (0);
}

/*
 * mg_smtp_cmd - send one command line (CR LF added) and read its reply.
 * A line with CR or LF in it, or DATA/BDAT, is refused: a probe must not
 * be able to send mail.
 */
int
mg_smtp_cmd(struct mg_smtp *s, const char *cmd, struct mg_smtp_reply *r,
    struct mg_err *err)
{
	char line[1024];
	int n;

	if (strpbrk(cmd, "\r\n") != NULL)
		return (mg_err_set(err, "command with a line break refused"));
	if (strncasecmp(cmd, "DATA", 4) == 0 || strncasecmp(cmd, "BDAT",
	    4) == 0)
		return (mg_err_set(err, "%.4s refused: this client never "
		    "sends mail", cmd));
	n = snprintf(line, sizeof(line), "%s\r\n", cmd);
	if (n < 0 || n >= (int)sizeof(line))
		return (mg_err_set(err, "command too long"));
	record(s, "C: ", cmd, strlen(cmd));
	if (send_all(s, line, (size_t)n, err) < 0)
		return (-1);
	return (mg_smtp_read(s, r, err));
}

/* mg_smtp_has - an EHLO reply advertises keyword (a line that is the
 * keyword or starts with it and a space), case-insensitively */
int
mg_smtp_has(const struct mg_smtp_reply *r, const char *keyword)
{
	size_t n = strlen(keyword);
	const char *p = r->text;

	while (p != NULL && *p != '\0') {
		if (strncasecmp(p, keyword, n) == 0 && (p[n] == '\0' ||
		    p[n] == ' ' || p[n] == '\n' || p[n] == '='))
			return (1);
		p = strchr(p, '\n');
		p = p != NULL ? p + 1 : NULL;
	}
	return (0);
}

/* mg_smtp_peer - the address the session is connected to ("" unknown) */
void
mg_smtp_peer(const struct mg_smtp *s, char *buf, size_t size)
{
	char *ip = NULL;

	buf[0] = '\0';
	if (s->curl != NULL && curl_easy_getinfo(s->curl, CURLINFO_PRIMARY_IP,
	    &ip) == CURLE_OK && ip != NULL)
		(void)snprintf(buf, size, "%s", ip);
}

/* mg_smtp_close - drop the connection (no QUIT: callers send it) */
void
mg_smtp_close(struct mg_smtp *s)
{
	if (s->curl != NULL)
		curl_easy_cleanup(s->curl);
	s->curl = NULL;
	mg_str_free(&s->transcript);
}
