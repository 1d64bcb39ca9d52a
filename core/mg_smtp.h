/*
 * mg_smtp.h - an SMTP client session on libcurl (CONNECT_ONLY: libcurl
 * connects, we speak the dialogue): replies read whole (multi-line,
 * checked), every read and write bounded by a timeout, a transcript kept.
 * Plain, STARTTLS or implicit TLS (port 465); IPv4 or IPv6.  Used by the
 * relay probe and the fix engine's proofs; it never sends DATA (the
 * caller decides the commands; mg_smtp_cmd refuses "DATA").
 */
#ifndef MG_SMTP_H
#define MG_SMTP_H

#include <stddef.h>

#include "mg_err.h"
#include "mg_str.h"

#define MG_SMTP_LINE_MAX 2048	/* longest reply line accepted */
#define MG_SMTP_LINES_MAX 200	/* longest multi-line reply */
#define MG_SMTP_TEXT_MAX 4096	/* reply text kept */

struct mg_smtp_reply {
	int code;			/* 200..599 */
	size_t lines;
	char text[MG_SMTP_TEXT_MAX];	/* lines' text, joined by '\n' */
};

struct mg_smtp {
	void *curl;			/* CURL * */
	long sock;			/* curl_socket_t */
	char host[256];			/* as given to mg_smtp_open */
	char unix_path[108];		/* mg_smtp_open_unix's socket, or "" */
	int port;
	int tls;			/* the session is encrypted */
	int timeout_ms;			/* per read or write */
	char buf[8192];
	size_t start, end;		/* unread bytes in buf */
	int closed;			/* the server closed the connection */
	struct mg_str transcript;	/* "C: ..." / "S: ..." lines */
};

int mg_smtp_open(struct mg_smtp *, const char *, int, int, struct mg_err *);
int mg_smtp_open_unix(struct mg_smtp *, const char *, int, struct mg_err *);
int mg_smtp_open_tls(struct mg_smtp *, const char *, int, int,
    struct mg_err *);
int mg_smtp_starttls(struct mg_smtp *, struct mg_smtp_reply *,
    struct mg_err *);
int mg_smtp_read(struct mg_smtp *, struct mg_smtp_reply *, struct mg_err *);
int mg_smtp_cmd(struct mg_smtp *, const char *, struct mg_smtp_reply *,
    struct mg_err *);
int mg_smtp_has(const struct mg_smtp_reply *, const char *);
void mg_smtp_peer(const struct mg_smtp *, char *, size_t);
void mg_smtp_close(struct mg_smtp *);

#endif
