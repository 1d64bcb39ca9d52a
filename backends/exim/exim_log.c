/*
 * exim_log.c - Exim's arrival line in the mainlog:
 *
 *   2026-11-22 10:00:01 1tE5aB-000123-4x <= a@b H=n (helo) [192.0.2.7]:41
 *       P=esmtp S=512 A=plain:alice id=...
 *
 * A line with A=AUTHENTICATOR:ID counts as a login, not as a client.
 */
#include <string.h>

#include "exim_log.h"

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
		if ((h = memchr(p, ':', (size_t)(a - p))) != NULL)
			mg_maillog_login(l, h + 1, a);
		return;
	}
	mg_maillog_client(l, a + 1, b);
}
