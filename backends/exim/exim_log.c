/*
 * exim_log.c - Exim's arrival line in the mainlog:
 *
 *   2026-11-22 10:00:01 1tE5aB-000123-4x <= a@b H=n (helo) [192.0.2.7]:41
 *       P=esmtp S=512 A=plain:alice id=...
 *
 * A line with A=AUTHENTICATOR:ID counts as a login, not as a client,
 * and as one message of that login at the line's time (the rate Exim's
 * ratelimit keyed on $authenticated_id counts); its recipients are the
 * addresses after " for " (log_selector +received_recipients), else 1.
 */
#include <string.h>

#include "exim_log.h"

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
 * A=..." into l; arg is unused */
void
mg_exim_log_line(struct mg_maillog *l, const char *s, size_t n,
    const void *arg)
{
	const char *end = s + n, *p, *h, *a, *b;

	(void)arg;
	if ((p = mg_maillog_find(s, n, " <= ")) == NULL ||
	    (h = mg_maillog_find(p, (size_t)(end - p), " H=")) == NULL)
		return;
	if ((a = memchr(h, '[', (size_t)(end - h))) == NULL ||
	    (b = memchr(a, ']', (size_t)(end - a))) == NULL)
		return;
	if ((p = mg_maillog_find(b, (size_t)(end - b), " A=")) != NULL) {
		/* A=AUTHENTICATOR:ID; no ":" when server_set_id is unset */
		p += 3;
		for (a = p; a < end && *a > ' '; a++)
			;
		if ((h = memchr(p, ':', (size_t)(a - p))) != NULL) {
			mg_maillog_login(l, h + 1, a);
			mg_maillog_sent(l, s, n, h + 1, (size_t)(a - h - 1), 1,
			    rcpts_of(a, end));
		}
		return;
	}
	mg_maillog_client(l, a + 1, b);
}
