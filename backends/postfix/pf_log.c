/*
 * pf_log.c - Postfix's smtpd line in the mail log, once per accepted
 * message (smtpd.c logs "client="):
 *
 *   postfix/smtpd[4242]: 4Fk2hX1z9dz9v: client=mx.example[192.0.2.7]
 *   ... client=x[192.0.2.8], sasl_method=PLAIN, sasl_username=alice
 *
 * The program name is syslog_name/smtpd; a service with its own
 * "-o syslog_name=postfix/submission" logs postfix/submission/smtpd.
 * Lines with sasl_username= count as a login, not as a client, and as
 * a login from that address at the line's time.  A failed login is
 * smtpd's warning (smtpd_sasl.c; the name since Postfix 3.x, as
 * Debian's and Ubuntu's builds log it; an older line without it names
 * nobody and is not counted; smtpd_client_port_logging adds ":PORT"):
 *
 *   postfix/submission/smtpd[7]: warning: unknown[192.0.2.9]: SASL LOGIN
 *       authentication failed: authentication failure,
 *       sasl_username=alice@example.com
 *
 * For rates (anvil counts per client address, logged in or not) every
 * client= line is one message of its client at the line's time, and
 * qmgr's line for the same queue ID gives its recipients:
 *
 *   postfix/qmgr[13800]: 4Fk2hX1z9dz9v: from=<a@b>, size=412, nrcpt=3
 *       (queue active)
 */
#include <string.h>

#include "pf_log.h"

/* sasl_failed - smtpd's "warning: HOST[ADDR]: SASL MECH authentication
 * failed: REASON, sasl_username=NAME" from q on; the time is the line's */
static void
sasl_failed(struct mg_maillog *l, const char *s, const char *q,
    const char *end)
{
	const char *a, *b, *p, *u;

	q += 9;
	if ((a = memchr(q, '[', (size_t)(end - q))) == NULL ||
	    (b = memchr(a, ']', (size_t)(end - a))) == NULL)
		return;
	p = b + 1;
	if (end - p > 1 && *p == ':' && p[1] >= '0' && p[1] <= '9')
		/* smtpd_client_port_logging */
		for (p++; p < end && *p >= '0' && *p <= '9'; p++)
			;
	if ((size_t)(end - p) < 7 || memcmp(p, ": SASL ", 7) != 0 ||
	    (p = mg_maillog_find(p, (size_t)(end - p),
	    " authentication failed: ")) == NULL)
		return;
	/* the authentication server down is not a wrong password */
	if (mg_maillog_find(p, (size_t)(end - p), "Connection lost") != NULL)
		return;
	if ((u = mg_maillog_find(p, (size_t)(end - p),
	    ", sasl_username=")) == NULL)
		return;
	u += 16;
	for (p = u; p < end && *p > ' '; p++)
		;
	mg_maillog_auth(l, u, p, a + 1, b, mg_maillog_time(l, s,
	    (size_t)(end - s)), 1);
}

/* prog_is - the program name before p (which points at "/smtpd[" or
 * "/qmgr[") is syslog_name or syslog_name/... */
static int
prog_is(const char *s, const char *p, const char *syslog_name)
{
	const char *prog;
	size_t nlen = strlen(syslog_name);

	for (prog = p; prog > s && prog[-1] != ' '; prog--)
		;
	return ((size_t)(p - prog) >= nlen &&
	    memcmp(prog, syslog_name, nlen) == 0 && prog[nlen] == '/');
}

/* qid_end - past the queue ID at q: letters and digits */
static const char *
qid_end(const char *q, const char *end)
{
	while (q < end && ((*q >= '0' && *q <= '9') || (*q >= 'A' &&
	    *q <= 'Z') || (*q >= 'a' && *q <= 'z')))
		q++;
	return (q);
}

/* qmgr_line - "NAME/qmgr[PID]: QID: from=<...>, size=N, nrcpt=K (queue
 * active)": K recipients of the client QID came from */
static void
qmgr_line(struct mg_maillog *l, const char *s, size_t n, const char *p,
    const char *syslog_name)
{
	const char *end = s + n, *q, *id, *r;
	unsigned long k = 0;
	char who[64];

	if (!prog_is(s, p, syslog_name) ||
	    (q = mg_maillog_find(p, (size_t)(end - p), "]: ")) == NULL)
		return;
	id = q + 3;
	q = qid_end(id, end);
	if ((size_t)(end - q) < 8 || memcmp(q, ": from=<", 8) != 0 ||
	    (r = mg_maillog_find(q, (size_t)(end - q), ", nrcpt=")) == NULL)
		return;
	for (r += 8; r < end && *r >= '0' && *r <= '9' && k < 1000000; r++)
		k = k * 10 + (unsigned long)(*r - '0');
	if (k == 0 || mg_maillog_qid_take(l, id, (size_t)(q - id), who,
	    sizeof(who)) < 0)
		return;
	mg_maillog_sent(l, s, n, who, strlen(who), 0, k);
}

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
	const char *end = s + n, *p, *q, *a, *b, *id;

	if ((p = mg_maillog_find(s, n, "/qmgr[")) != NULL) {
		qmgr_line(l, s, n, p, syslog_name);
		return;
	}
	if ((p = mg_maillog_find(s, n, "/smtpd[")) == NULL ||
	    !prog_is(s, p, syslog_name))
		return;
	if ((q = mg_maillog_find(p, (size_t)(end - p), "]: ")) == NULL)
		return;
	if ((size_t)(end - q) > 12 && memcmp(q + 3, "warning: ", 9) == 0) {
		sasl_failed(l, s, q + 3, end);
		return;
	}
	/* The queue ID: letters and digits, then ": client=". */
	id = q + 3;
	q = qid_end(id, end);
	if ((size_t)(end - q) < 9 || memcmp(q, ": client=", 9) != 0)
		return;
	q += 9;
	if ((a = memchr(q, '[', (size_t)(end - q))) == NULL ||
	    (b = memchr(a, ']', (size_t)(end - a))) == NULL)
		return;
	mg_maillog_sent(l, s, n, a + 1, (size_t)(b - a - 1), 1, 0);
	mg_maillog_qid(l, id, (size_t)(q - 9 - id), a + 1, (size_t)(b - a - 1));
	if ((p = mg_maillog_find(b, (size_t)(end - b),
	    ", sasl_username=")) != NULL) {
		p += 16;
		for (q = p; q < end && *q != ',' && *q > ' '; q++)
			;
		mg_maillog_login(l, p, q);
		mg_maillog_auth(l, p, q, a + 1, b, mg_maillog_time(l, s, n),
		    0);
		return;
	}
	mg_maillog_client(l, a + 1, b);
}
