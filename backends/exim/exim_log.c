/*
 * exim_log.c - Exim's arrival line in the mainlog:
 *
 *   2026-11-22 10:00:01 1tE5aB-000123-4x <= a@b H=n (helo) [192.0.2.7]:41
 *       P=esmtp S=512 A=plain:alice id=...
 *
 * A line with A=AUTHENTICATOR:ID counts as a login, not as a client, as
 * a login from that address at the line's time, and as one message of
 * that login at that time (the rate Exim's ratelimit keyed on
 * $authenticated_id counts); its recipients are the addresses after
 * " for " (log_selector +received_recipients), else 1.  A failed login
 * (smtp_in.c; the set_id when the authenticator set one):
 *
 *   2026-11-22 10:00:02 dovecot_login authenticator failed for H=(x)
 *       [192.0.2.9]:5123: 535 Incorrect authentication data (set_id=bob)
 *
 * Older Exims write "for (helo) [addr]" without "H=".  Only 535 (wrong
 * credentials) counts: 435 is the password backend being down.
 */
#include <string.h>

#include "exim_log.h"

/* client_addr - the client's [ADDR] from h on: the first bracketed text
 * followed by ":PORT", a space or the end (a HELO "([192.0.2.1])" inside
 * parentheses is the client's claim, not its address); 0 if none */
static int
client_addr(const char *h, const char *end, const char **a, const char **b)
{
	const char *p = h;

	while ((*a = memchr(p, '[', (size_t)(end - p))) != NULL) {
		if ((*b = memchr(*a, ']', (size_t)(end - *a))) == NULL)
			return (0);
		if (*b + 1 == end || (*b)[1] == ':' || (*b)[1] == ' ' ||
		    (*b)[1] == '\n')
			return (1);
		p = *b + 1;
	}
	return (0);
}

/* auth_failed - "... authenticator failed for ... [ADDR]...: 535 ...
 * (set_id=NAME)" from p (past "authenticator failed for ") */
static void
auth_failed(struct mg_maillog *l, const char *s, const char *p,
    const char *end)
{
	const char *a, *b, *u, *e;

	if (!client_addr(p, end, &a, &b) || (mg_maillog_find(b,
	    (size_t)(end - b), ": 535 ")) == NULL ||
	    (u = mg_maillog_find(b, (size_t)(end - b), "(set_id=")) == NULL)
		return;
	u += 8;
	for (e = u; e < end && *e != ')' && *e > ' '; e++)
		;
	mg_maillog_auth(l, u, e, a + 1, b, mg_maillog_time(l, s,
	    (size_t)(end - s)), 1);
}

/* rcpts_of - the addresses after " for " at the end of the line; 1 if
 * the line does not list them */
static unsigned long
rcpts_of(const char *s, const char *end)
{
	const char *p = mg_maillog_find(s, (size_t)(end - s), " for ");
	unsigned long k = 0;

	if (p == NULL)
		return (1);
	for (p += 5; p < end; ) {
		while (p < end && (*p == ' ' || *p == '\n' || *p == '\r'))
			p++;
		if (p >= end)
			break;
		k++;
		while (p < end && *p != ' ' && *p != '\n' && *p != '\r')
			p++;
	}
	return (k > 0 ? k : 1);
}

/* mg_exim_log_line - "... <= SENDER ... H=NAME (HELO) [ADDR]:PORT ...
 * A=..." and "... authenticator failed for ..." into l; arg is unused */
void
mg_exim_log_line(struct mg_maillog *l, const char *s, size_t n,
    const void *arg)
{
	const char *end = s + n, *p, *h, *a, *b;

	(void)arg;
	if ((p = mg_maillog_find(s, n, " authenticator failed for ")) !=
	    NULL) {
		auth_failed(l, s, p + 26, end);
		return;
	}
	if ((p = mg_maillog_find(s, n, " <= ")) == NULL ||
	    (h = mg_maillog_find(p, (size_t)(end - p), " H=")) == NULL)
		return;
	if (!client_addr(h, end, &a, &b))
		return;
	if ((p = mg_maillog_find(b, (size_t)(end - b), " A=")) != NULL) {
		/* A=AUTHENTICATOR:ID; no ":" when server_set_id is unset */
		p += 3;
		for (h = p; h < end && *h > ' '; h++)
			;
		if ((p = memchr(p, ':', (size_t)(h - p))) != NULL) {
			mg_maillog_login(l, p + 1, h);
			mg_maillog_auth(l, p + 1, h, a + 1, b,
			    mg_maillog_time(l, s, n), 0);
			mg_maillog_sent(l, s, n, p + 1, (size_t)(h - p - 1), 1,
			    rcpts_of(h, end));
		}
		return;
	}
	mg_maillog_client(l, a + 1, b);
}
