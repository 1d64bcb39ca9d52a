/*
 * pf_log.c - Postfix's smtpd line in the mail log, once per accepted
 * message (smtpd.c logs "client="):
 *
 *   postfix/smtpd[4242]: 4Fk2hX1z9dz9v: client=mx.example[192.0.2.7]
 *   ... client=x[192.0.2.8], sasl_method=PLAIN, sasl_username=alice
 *
 * The program name is syslog_name/smtpd; a service with its own
 * "-o syslog_name=postfix/submission" logs postfix/submission/smtpd.
 * Lines with sasl_username= count as a login, not as a client.
 */
#include <string.h>

#include "pf_log.h"

/*
 * mg_pf_log_line - "NAME/.../smtpd[PID]: QID: client=HOST[ADDR]..." into
 * l; arg is the instance's syslog_name (a const char *; NULL: "postfix"),
 * lines of other instances are not this one's
 */
void
mg_pf_log_line(struct mg_maillog *l, const char *s, size_t n,
    const void *arg)
{
	const char *syslog_name = arg != NULL ? arg : "postfix";
	const char *end = s + n, *p, *prog, *q, *a, *b;
	size_t nlen = strlen(syslog_name);

	if ((p = mg_maillog_find(s, n, "/smtpd[")) == NULL)
		return;
	for (prog = p; prog > s && prog[-1] != ' '; prog--)
		;
	if ((size_t)(p - prog) < nlen || memcmp(prog, syslog_name, nlen) != 0 ||
	    (prog[nlen] != '/'))
		return;
	if ((q = mg_maillog_find(p, (size_t)(end - p), "]: ")) == NULL)
		return;
	q += 3;
	/* The queue ID: letters and digits, then ": client=". */
	while (q < end && ((*q >= '0' && *q <= '9') || (*q >= 'A' &&
	    *q <= 'Z') || (*q >= 'a' && *q <= 'z')))
		q++;
	if ((size_t)(end - q) < 9 || memcmp(q, ": client=", 9) != 0)
		return;
	q += 9;
	if ((a = memchr(q, '[', (size_t)(end - q))) == NULL ||
	    (b = memchr(a, ']', (size_t)(end - a))) == NULL)
		return;
	if ((p = mg_maillog_find(b, (size_t)(end - b),
	    ", sasl_username=")) != NULL) {
		p += 16;
		for (q = p; q < end && *q != ',' && *q > ' '; q++)
			;
		mg_maillog_login(l, p, q);
		return;
	}
	mg_maillog_client(l, a + 1, b);
}
