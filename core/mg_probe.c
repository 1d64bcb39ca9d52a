/*
 * mg_probe.c - the relay battery, its judgement, and the sessions that
 * run it over SMTP.  A session says EHLO (after STARTTLS or XCLIENT when
 * asked), then for each test MAIL FROM, RCPT TO and RSET: never DATA (the
 * SMTP client refuses it), so a probe cannot send mail even when the
 * server would relay it.  A server that drops the session, or that
 * starts to count errors against us, gets a new one for the tests left.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mg_probe.h"
#include "mg_smtp.h"
#include "mg_str.h"

/* A session is renewed after this many refusals: Postfix slows down
 * after smtpd_soft_error_limit (10) and hangs up after 20, Exim after
 * three syntax errors. */
#define ERRORS_PER_SESSION 8
#define SESSIONS_MAX 64

/* mg_probe_battery_init - empty */
void
mg_probe_battery_init(struct mg_probe_battery *b)
{
	memset(b, 0, sizeof(*b));
}

/* mg_probe_battery_free - and empty again */
void
mg_probe_battery_free(struct mg_probe_battery *b)
{
	if (b == NULL)
		return;
	free(b->v);
	mg_probe_battery_init(b);
}

/* add - one test; the format writes the recipient */
static void
add(struct mg_probe_battery *b, const char *name, const char *sender,
    int via, int control, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static void
add(struct mg_probe_battery *b, const char *name, const char *sender,
    int via, int control, const char *fmt, ...)
{
	struct mg_probe_test *t;
	va_list ap;

	t = MG_ARRAY_PUSH(b->v, b->n, b->cap);
	memset(t, 0, sizeof(*t));
	(void)snprintf(t->name, sizeof(t->name), "%s", name);
	(void)snprintf(t->sender, sizeof(t->sender), "%s", sender);
	va_start(ap, fmt);
	(void)vsnprintf(t->rcpt, sizeof(t->rcpt), fmt, ap);
	va_end(ap);
	t->via = via;
	t->control = control;
}

/*
 * mg_probe_battery_build - the tests for a server called name at address
 * ip (no brackets; IPv6 is written [IPv6:...]), relaying to foreign, and
 * claiming own[] as its domains (a forged sender in one of them is the
 * usual hole of a sender whitelist).  The recipient forms are asked with
 * the null sender, which every server must take (and no whitelist
 * names), so a refused sender cannot hide them.  Made-up local
 * recipients of each form come last: they tell what an accepted routed
 * address means.
 */
void
mg_probe_battery_build(struct mg_probe_battery *b, const char *name,
    const char *ip, const char *foreign, const char *const *own, size_t nown)
{
	char lit[80], s_lit[MG_PROBE_ADDR_MAX], s_name[MG_PROBE_ADDR_MAX];
	char s_own[MG_PROBE_ADDR_MAX], what[48];
	const char *u = MG_PROBE_USER, *f = foreign;
	size_t i;

	(void)snprintf(lit, sizeof(lit), strchr(ip, ':') != NULL ?
	    "[IPv6:%s]" : "[%s]", ip);
	(void)snprintf(s_lit, sizeof(s_lit), "postmaster@%s", lit);
	(void)snprintf(s_name, sizeof(s_name), "postmaster@%s", name);
	add(b, "null sender", "", MG_VIA_FOREIGN, 0, "%s@%s", u, f);
	add(b, "sender @name", s_name, MG_VIA_FOREIGN, 0, "%s@%s", u, f);
	add(b, "sender @[IP]", s_lit, MG_VIA_FOREIGN, 0, "%s@%s", u, f);
	for (i = 0; i < nown && i < 4; i++) {
		if (strcasecmp(own[i], name) == 0)
			continue;
		(void)snprintf(s_own, sizeof(s_own), "postmaster@%s", own[i]);
		(void)snprintf(what, sizeof(what), "sender @%s", own[i]);
		add(b, what, s_own, MG_VIA_FOREIGN, 0, "%s@%s", u, f);
	}
	add(b, "percent hack @[IP]", "", MG_VIA_LITERAL, 0, "%s%%%s@%s", u,
	    f, lit);
	add(b, "percent hack @name", "", MG_VIA_NAME, 0, "%s%%%s@%s", u, f,
	    name);
	add(b, "quoted", "", MG_VIA_BARE, 0, "\"%s@%s\"", u, f);
	add(b, "quoted percent", "", MG_VIA_BARE, 0, "\"%s%%%s\"", u, f);
	add(b, "double @ [IP]", "", MG_VIA_LITERAL, 0, "%s@%s@%s", u, f,
	    lit);
	add(b, "quoted @[IP]", "", MG_VIA_LITERAL, 0, "\"%s@%s\"@%s", u, f,
	    lit);
	add(b, "double @ name", "", MG_VIA_NAME, 0, "%s@%s@%s", u, f, name);
	add(b, "source route [IP]", "", MG_VIA_FOREIGN, 0, "@%s:%s@%s", lit,
	    u, f);
	add(b, "source route name", "", MG_VIA_FOREIGN, 0, "@%s:%s@%s",
	    name, u, f);
	add(b, "bang path", "", MG_VIA_BARE, 0, "%s!%s", f, u);
	add(b, "bang path @[IP]", "", MG_VIA_LITERAL, 0, "%s!%s@%s", f, u,
	    lit);
	add(b, "bang path @name", "", MG_VIA_NAME, 0, "%s!%s@%s", f, u,
	    name);
	add(b, "trailing @", "", MG_VIA_BARE, 0, "%s@%s@", u, f);
	add(b, "control @[IP]", "", MG_VIA_LITERAL, 1, "%s@%s",
	    MG_PROBE_NOUSER, lit);
	add(b, "control @name", "", MG_VIA_NAME, 1, "%s@%s",
	    MG_PROBE_NOUSER, name);
	add(b, "control bare", "", MG_VIA_BARE, 1, "%s", MG_PROBE_NOUSER);
}

/*
 * mg_probe_tempfail - a reply that refuses for now because the server
 * could not evaluate its own configuration: RFC 3463's 4.3.x (mail
 * system status: Postfix's "451 4.3.0 Temporary lookup failure" when a
 * table or list such as mynetworks cannot be read), or Exim's deferred
 * ACL ("451 Temporary local problem").  Other 4xx answers, such as
 * defer_unauth_destination's "454 4.7.1 Relay access denied" or a
 * greylist, are refusals by policy.
 */
int
mg_probe_tempfail(int code, const char *text)
{
	const char *p;

	if (code < 400 || code > 499)
		return (0);
	p = text;
	if (strlen(p) > 4 && isdigit((unsigned char)p[0]) && p[3] == ' ')
		p += 4;		/* "451 4.3.0 ..." */
	if (strncmp(p, "4.3.", 4) == 0)
		return (1);
	return (strcasestr(text, "Temporary lookup failure") != NULL ||
	    strcasestr(text, "Temporary local problem") != NULL);
}

/* mg_probe_accepted - a RCPT reply that takes the recipient */
int
mg_probe_accepted(int code)
{
	return (code == 250 || code == 251);
}

/*
 * mg_probe_judge - test i's verdict among all the answers: a foreign
 * recipient accepted is a relay; a routed address in the server's own
 * domain accepted is a relay only if the made-up local recipient of the
 * same form was refused (else the server takes any local name, and the
 * address may just be a mailbox: the mistake popular testers make)
 */
enum mg_probe_verdict
mg_probe_judge(const struct mg_probe_battery *b,
    const struct mg_probe_answer *a, size_t i)
{
	size_t k;

	if (a[i].err[0] != '\0' || (a[i].mail < 0 && a[i].rcpt < 0))
		return (MG_PV_UNKNOWN);
	if (mg_probe_tempfail(a[i].rcpt >= 0 ? a[i].rcpt : a[i].mail,
	    a[i].text))
		return (MG_PV_TEMPFAIL);
	if (!mg_probe_accepted(a[i].rcpt))
		return (MG_PV_REFUSED);
	if (b->v[i].control)
		return (MG_PV_LOCAL);
	if (b->v[i].via == MG_VIA_FOREIGN)
		return (MG_PV_RELAYED);
	for (k = 0; k < b->n; k++)
		if (b->v[k].control && b->v[k].via == b->v[i].via)
			return (a[k].err[0] == '\0' && (a[k].mail >= 0 ||
			    a[k].rcpt >= 0) && !mg_probe_accepted(a[k].rcpt) ?
			    MG_PV_RELAYED : MG_PV_LOCAL);
	return (MG_PV_LOCAL);
}

/* mg_probe_verdict_name - as reports print it */
const char *
mg_probe_verdict_name(enum mg_probe_verdict v)
{
	switch (v) {
	case MG_PV_REFUSED:
		return ("refused");
	case MG_PV_RELAYED:
		return ("RELAYED");
	case MG_PV_LOCAL:
		return ("accepted as local");
	case MG_PV_TEMPFAIL:
		return ("tempfail");
	default:
		return ("no answer");
	}
}

/* first_line - a reply's first line into an answer's text */
static void
first_line(char *dst, size_t size, const struct mg_smtp_reply *r)
{
	(void)snprintf(dst, size, "%d %.*s", r->code,
	    (int)strcspn(r->text, "\n"), r->text);
}

/*
 * session_open - connect, banner, STARTTLS or XCLIENT as asked, EHLO;
 * 0 ready, -1 with err (a refusal is an error too: the tests cannot be
 * asked)
 */
static int
session_open(const struct mg_probe_conn *c, struct mg_smtp *s,
    struct mg_err *err)
{
	struct mg_smtp_reply r;
	char cmd[300];
	int rc;

	if (c->unix_path != NULL) {
		if (mg_smtp_open_unix(s, c->unix_path, c->timeout_ms, err) < 0)
			return (-1);
	} else if ((c->tls == MG_PROBE_IMPLICIT ? mg_smtp_open_tls :
	    mg_smtp_open)(s, c->host, c->port, c->timeout_ms, err) < 0)
		return (-1);
	if (mg_smtp_read(s, &r, err) < 0)
		return (-1);
	if (r.code != 220)
		return (mg_err_set(err, "banner: %d %.100s", r.code, r.text));
	if (mg_smtp_cmd(s, "EHLO " MG_PROBE_HELO, &r, err) < 0)
		return (-1);
	if (r.code != 250)
		return (mg_err_set(err, "EHLO: %d %.100s", r.code, r.text));
	if (c->tls == MG_PROBE_STARTTLS) {
		if ((rc = mg_smtp_starttls(s, &r, err)) != 0)
			return (rc < 0 ? -1 : mg_err_set(err, "STARTTLS: %d "
			    "%.100s", r.code, r.text));
		if (mg_smtp_cmd(s, "EHLO " MG_PROBE_HELO, &r, err) < 0)
			return (-1);
	}
	if (c->xclient == NULL)
		return (0);
	if (!mg_smtp_has(&r, "XCLIENT"))
		return (mg_err_set(err, "%s does not offer XCLIENT to this "
		    "host: cannot speak as %s", c->host, c->xclient));
	/* Postfix XCLIENT_README: LOGIN= is the SASL login name, as
	 * permit_sasl_authenticated and the sender login maps see it */
	if (snprintf(cmd, sizeof(cmd), "XCLIENT ADDR=%s%s NAME=%s%s%s",
	    strchr(c->xclient, ':') != NULL ? "IPV6:" : "", c->xclient,
	    c->xclient_name != NULL ? c->xclient_name : "[UNAVAILABLE]",
	    c->xclient_login != NULL ? " LOGIN=" : "",
	    c->xclient_login != NULL ? c->xclient_login : "") >=
	    (int)sizeof(cmd))
		return (mg_err_set(err, "XCLIENT command too long"));
	if (mg_smtp_cmd(s, cmd, &r, err) < 0)
		return (-1);
	if (r.code != 220)
		return (mg_err_set(err, "XCLIENT: %d %.100s", r.code, r.text));
	if (mg_smtp_cmd(s, "EHLO " MG_PROBE_HELO, &r, err) < 0)
		return (-1);
	if (r.code != 250)
		return (mg_err_set(err, "EHLO as %s: %d %.100s", c->xclient,
		    r.code, r.text));
	return (0);
}

/* ask - one test: MAIL, RCPT if MAIL passed, RSET.  0 answered (the
 * session may go on), 1 answered and the session is over, 2 the server
 * wants TLS first, -1 lost */
static int
ask(struct mg_smtp *s, const struct mg_probe_test *t,
    struct mg_probe_answer *a, int *errors, char *helo, size_t hsize,
    struct mg_err *err)
{
	struct mg_smtp_reply r;
	char cmd[MG_PROBE_ADDR_MAX + 16];
	const char *want = t->helo[0] != '\0' ? t->helo : MG_PROBE_HELO;

	if (strcmp(helo, want) != 0) {
		/* RFC 5321 4.1.4: a second EHLO resets the transaction and
		 * names the client anew; Postfix and Exim take it */
		(void)snprintf(cmd, sizeof(cmd), "EHLO %s", want);
		if (mg_smtp_cmd(s, cmd, &r, err) < 0)
			return (-1);
		if (r.code != 250) {
			a->mail = r.code;
			first_line(a->text, sizeof(a->text), &r);
			(*errors)++;
			helo[0] = '\0';	/* name ourselves again next */
			return (r.code == 421 ? 1 : 0);
		}
		(void)snprintf(helo, hsize, "%s", want);
	}
	(void)snprintf(cmd, sizeof(cmd), "MAIL FROM:<%s>", t->sender);
	if (mg_smtp_cmd(s, cmd, &r, err) < 0)
		return (-1);
	if (r.code == 530 && !s->tls)	/* "Must issue a STARTTLS" */
		return (2);
	a->mail = r.code;
	first_line(a->text, sizeof(a->text), &r);
	if (r.code == 421)
		return (1);
	if (r.code >= 400)
		(*errors)++;
	if (r.code < 400) {
		(void)snprintf(cmd, sizeof(cmd), "RCPT TO:<%s>", t->rcpt);
		if (mg_smtp_cmd(s, cmd, &r, err) < 0) {
			a->mail = -1;
			return (-1);
		}
		a->rcpt = r.code;
		first_line(a->text, sizeof(a->text), &r);
		if (r.code == 421)
			return (1);
		if (r.code >= 400)
			(*errors)++;
	}
	if (mg_smtp_cmd(s, "RSET", &r, err) < 0 || r.code != 250)
		return (1);
	return (0);
}

/*
 * mg_probe_run - the tests over SMTP sessions to c, answers in a[] (n of
 * them).  A lost session is renewed and its test asked once more; a test
 * lost twice keeps its error.  A server answering MAIL with 530 (TLS
 * required) gets the rest over STARTTLS.  Every session's transcript is
 * appended to log (may be NULL).  0 if every test was asked, -1 with err
 * otherwise.
 */
int
mg_probe_run(const struct mg_probe_conn *c, const struct mg_probe_test *t,
    size_t n, struct mg_probe_answer *a, struct mg_str *log,
    struct mg_err *err)
{
	struct mg_probe_conn cc = *c;
	struct mg_smtp s;
	struct mg_smtp_reply r;
	struct mg_err e;
	char helo[MG_PROBE_ADDR_MAX];
	size_t i = 0, k, lost_at = (size_t)-1, sessions = 0;
	int errors, rc, failed = 0;

	for (k = 0; k < n; k++) {
		memset(&a[k], 0, sizeof(a[k]));
		a[k].mail = a[k].rcpt = -1;
	}
	while (i < n) {
		if (++sessions > SESSIONS_MAX) {
			(void)mg_err_set(&e, "more than %d sessions",
			    SESSIONS_MAX);
			break;
		}
		if (session_open(&cc, &s, &e) < 0) {
			if (log != NULL)
				mg_str_append(log, mg_str_cstr(&s.transcript),
				    s.transcript.len);
			mg_smtp_close(&s);
			break;
		}
		errors = 0;
		rc = 0;
		(void)snprintf(helo, sizeof(helo), "%s", MG_PROBE_HELO);
		for (; i < n && rc == 0 && errors < ERRORS_PER_SESSION; i++) {
			if ((rc = ask(&s, &t[i], &a[i], &errors, helo,
			    sizeof(helo), &e)) == 2) {
				/* a server that takes mail only over TLS is
				 * asked over TLS, as a spammer would */
				cc.tls = MG_PROBE_STARTTLS;
				break;
			}
			if (rc >= 0)
				continue;
			if (lost_at == i) {	/* lost twice: give up on it */
				(void)snprintf(a[i].err, sizeof(a[i].err),
				    "%.150s", e.msg);
				failed = 1;
				i++;
				lost_at = (size_t)-1;
			} else
				lost_at = i;
			break;
		}
		if (!s.closed && rc >= 0)
			(void)mg_smtp_cmd(&s, "QUIT", &r, &e);
		if (log != NULL)
			mg_str_append(log, mg_str_cstr(&s.transcript),
			    s.transcript.len);
		mg_smtp_close(&s);
	}
	for (k = i; k < n; k++) {
		(void)snprintf(a[k].err, sizeof(a[k].err), "%.150s", e.msg);
		failed = 1;
	}
	if (failed)
		return (mg_err_set(err, "%s", e.msg));
	return (0);
}

/* auth_mechs - the mechanisms an EHLO reply offers with AUTH ("" none) */
static void
auth_mechs(const struct mg_smtp_reply *r, char *dst, size_t size)
{
	const char *p = r->text;
	size_t n;

	dst[0] = '\0';
	while (p != NULL && *p != '\0') {
		if (strncasecmp(p, "AUTH", 4) == 0 && (p[4] == ' ' ||
		    p[4] == '=')) {
			n = strcspn(p + 5, "\n");
			(void)snprintf(dst, size, "%.*s", (int)n, p + 5);
			return;
		}
		p = strchr(p, '\n');
		p = p != NULL ? p + 1 : NULL;
	}
}

/*
 * mg_probe_banner_version - the software a banner names and a version
 * number in it ("4.96", "3.7.11"; an IPv4 address is not one)
 */
void
mg_probe_banner_version(const char *banner, char *sw, size_t swsize,
    char *ver, size_t versize)
{
	static const char *const names[] = { "Postfix", "Exim", "Sendmail",
	    "OpenSMTPD", "qmail", "Haraka", "Microsoft", "MailEnable",
	    "hMailServer", "Zimbra", "Courier", "Kerio", "MDaemon", NULL };
	const char *p, *q;
	size_t i, dots;

	sw[0] = ver[0] = '\0';
	for (i = 0; names[i] != NULL; i++)
		if (strcasestr(banner, names[i]) != NULL) {
			(void)snprintf(sw, swsize, "%s", names[i]);
			break;
		}
	for (p = banner; *p != '\0'; p = q) {
		while (*p != '\0' && !isdigit((unsigned char)*p))
			p++;
		for (q = p, dots = 0; isdigit((unsigned char)*q) || (*q ==
		    '.' && isdigit((unsigned char)q[1])); q++)
			dots += *q == '.';
		if (q == p)
			break;
		if (dots >= 1 && dots <= 2 && (p == banner ||
		    !isalnum((unsigned char)p[-1]) || p[-1] == 'v' ||
		    p[-1] == 'V') && !isalnum((unsigned char)*q) && *q != '.' &&
		    *q != '-') {
			(void)snprintf(ver, versize, "%.*s", (int)(q - p), p);
			return;
		}
	}
}

/* leaks - VRFY/EXPN answers that tell a user from a non-user */
static int
leaks(int known, int unknown)
{
	return ((known >= 250 && known <= 252 && unknown >= 550 &&
	    unknown <= 553) || known == 250 || known == 251);
}

/*
 * mg_probe_survey - what the listener at c advertises and answers: the
 * banner, AUTH offered before TLS, STARTTLS (tried), XCLIENT offered to
 * us, VRFY and EXPN.  0, or -1 with err when it could not be asked.
 */
int
mg_probe_survey(const struct mg_probe_conn *c, struct mg_probe_listener *l,
    struct mg_str *log, struct mg_err *err)
{
	struct mg_smtp s;
	struct mg_smtp_reply r;
	struct mg_err e;
	int rc = -1, t;

	memset(l, 0, sizeof(*l));
	l->implicit = c->tls == MG_PROBE_IMPLICIT;
	if ((l->implicit ? mg_smtp_open_tls : mg_smtp_open)(&s, c->host,
	    c->port, c->timeout_ms, err) < 0)
		return (-1);
	l->tls_ok = l->implicit;
	mg_smtp_peer(&s, l->peer, sizeof(l->peer));
	if (mg_smtp_read(&s, &r, err) < 0)
		goto out;
	l->banner_code = r.code;
	(void)snprintf(l->banner, sizeof(l->banner), "%.*s",
	    (int)strcspn(r.text, "\n"), r.text);
	mg_probe_banner_version(l->banner, l->software, sizeof(l->software),
	    l->version, sizeof(l->version));
	if (r.code != 220) {
		rc = 0;
		goto out;
	}
	if (mg_smtp_cmd(&s, "EHLO " MG_PROBE_HELO, &r, err) < 0)
		goto out;
	l->esmtp = r.code == 250;
	if (l->esmtp) {
		l->starttls = !l->implicit && mg_smtp_has(&r, "STARTTLS");
		l->xclient = mg_smtp_has(&r, "XCLIENT");
		auth_mechs(&r, l->implicit ? l->auth_tls : l->auth_clear,
		    sizeof(l->auth_clear));
	} else if (mg_smtp_cmd(&s, "HELO " MG_PROBE_HELO, &r, err) < 0)
		goto out;
	if (mg_smtp_cmd(&s, "VRFY postmaster", &r, err) < 0)
		goto out;
	l->vrfy_known = r.code;
	if (mg_smtp_cmd(&s, "VRFY " MG_PROBE_NOUSER, &r, err) < 0)
		goto out;
	l->vrfy_unknown = r.code;
	l->vrfy_leaks = leaks(l->vrfy_known, l->vrfy_unknown);
	if (mg_smtp_cmd(&s, "EXPN postmaster", &r, err) < 0)
		goto out;
	l->expn = r.code;
	l->expn_leaks = r.code == 250;
	if (l->starttls) {
		t = mg_smtp_starttls(&s, &r, &e);
		if (t == 0 && mg_smtp_cmd(&s, "EHLO " MG_PROBE_HELO, &r,
		    &e) == 0 && r.code == 250) {
			l->tls_ok = 1;
			auth_mechs(&r, l->auth_tls, sizeof(l->auth_tls));
		} else if (t > 0)
			(void)snprintf(l->tls_err, sizeof(l->tls_err),
			    "STARTTLS: %d %.100s", r.code, r.text);
		else
			(void)snprintf(l->tls_err, sizeof(l->tls_err), "%.150s",
			    e.msg);
	}
	rc = 0;
out:
	if (s.curl != NULL && !s.closed)
		(void)mg_smtp_cmd(&s, "QUIT", &r, &e);
	if (log != NULL)
		mg_str_append(log, mg_str_cstr(&s.transcript),
		    s.transcript.len);
	mg_smtp_close(&s);
	return (rc);
}

/* mg_probe_plan_init - no clients, no domains */
void
mg_probe_plan_init(struct mg_probe_plan *p)
{
	memset(p, 0, sizeof(*p));
}

/* mg_probe_plan_free - and empty again */
void
mg_probe_plan_free(struct mg_probe_plan *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->n; i++)
		free(p->v[i].file);
	for (i = 0; i < p->nown; i++)
		free(p->own[i]);
	free(p->v);
	free(p->own);
	free(p->grants);
	mg_probe_plan_init(p);
}

/* mg_probe_plan_add - a client (once: a second add of the same address
 * returns the first) */
struct mg_probe_client *
mg_probe_plan_add(struct mg_probe_plan *p, const char *addr, const char *why,
    const char *file, unsigned line)
{
	struct mg_probe_client *c;
	size_t i;

	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].addr, addr) == 0)
			return (&p->v[i]);
	c = MG_ARRAY_PUSH(p->v, p->n, p->cap);
	memset(c, 0, sizeof(*c));
	(void)snprintf(c->addr, sizeof(c->addr), "%s", addr);
	(void)snprintf(c->why, sizeof(c->why), "%s", why);
	c->file = file != NULL ? mg_xstrdup(file) : NULL;
	c->line = line;
	return (c);
}

/* mg_probe_plan_own - one of the server's domains (len bytes), once */
void
mg_probe_plan_own(struct mg_probe_plan *p, const char *d, size_t len)
{
	char **slot;
	size_t i;

	if (len == 0 || len > 200 || memchr(d, '$', len) != NULL ||
	    memchr(d, ':', len) != NULL || memchr(d, '/', len) != NULL ||
	    memchr(d, '.', len) == NULL)
		return;
	for (i = 0; i < p->nown; i++)
		if (strlen(p->own[i]) == len && strncasecmp(p->own[i], d,
		    len) == 0)
			return;
	slot = MG_ARRAY_PUSH(p->own, p->nown, p->own_cap);
	*slot = mg_xstrndup(d, len);
}

/* mg_probe_result_judge - relayed tests counted, the client's status */
void
mg_probe_result_judge(const struct mg_probe_battery *b,
    struct mg_probe_result *r)
{
	size_t i, answered = 0;

	r->relayed = r->tempfailed = 0;
	for (i = 0; i < b->n; i++) {
		switch (mg_probe_judge(b, r->a, i)) {
		case MG_PV_RELAYED:
			r->relayed++;
			answered++;
			break;
		case MG_PV_TEMPFAIL:
			r->tempfailed++;
			answered++;
			break;
		case MG_PV_UNKNOWN:
			break;
		default:
			answered++;
		}
	}
	if (r->relayed > 0)
		r->status = r->c.trusted && !r->c.wide ? MG_PS_TRUSTED :
		    MG_PS_OPEN;
	else if (r->tempfailed > 0 && r->err[0] == '\0')
		r->status = MG_PS_TEMPFAIL;
	else
		r->status = answered > 0 && r->err[0] == '\0' ? MG_PS_CLOSED :
		    MG_PS_ERROR;
}

/*
 * mg_probe_opened_by - the entry test k tried is what let client r's
 * relay through: the test relayed, it names an entry, and the client is
 * no one the configuration trusts by address (whose relaying the range
 * explains, whatever the sender or HELO).  The entry, or NULL.
 */
const char *
mg_probe_opened_by(const struct mg_probe_battery *b,
    const struct mg_probe_result *r, size_t k)
{
	if (b->v[k].entry[0] == '\0' || r->c.trusted ||
	    mg_probe_judge(b, r->a, k) != MG_PV_RELAYED)
		return (NULL);
	return (b->v[k].entry);
}

/* mg_probe_status_name - as reports print it */
const char *
mg_probe_status_name(int s)
{
	switch (s) {
	case MG_PS_CLOSED:
		return ("closed");
	case MG_PS_TRUSTED:
		return ("trusted");
	case MG_PS_OPEN:
		return ("OPEN RELAY");
	case MG_PS_TEMPFAIL:
		return ("tempfail");
	default:
		return ("not probed");
	}
}

/*
 * mg_probe_plan_grant - a sender, HELO or recipient (kind) the entry
 * (its text, file and line) grants something to; once per kind and
 * value.  NULL if it is too long or there already.
 */
struct mg_probe_grant *
mg_probe_plan_grant(struct mg_probe_plan *p, int kind, const char *value,
    const char *entry, const char *file, unsigned line)
{
	struct mg_probe_grant *g;
	size_t i;

	if (strlen(value) >= sizeof(g->value))
		return (NULL);
	for (i = 0; i < p->ngrants; i++)
		if (p->grants[i].kind == kind && strcasecmp(p->grants[i].value,
		    value) == 0)
			return (NULL);
	g = MG_ARRAY_PUSH(p->grants, p->ngrants, p->grants_cap);
	memset(g, 0, sizeof(*g));
	g->kind = kind;
	(void)snprintf(g->value, sizeof(g->value), "%s", value);
	(void)snprintf(g->entry, sizeof(g->entry), "%s", entry);
	(void)snprintf(g->file, sizeof(g->file), "%s", file != NULL ? file :
	    "");
	g->line = line;
	return (g);
}

/* same_sender - the battery's own test of sender for a foreign
 * recipient, not yet tied to an entry; b->n if none */
static size_t
same_sender(const struct mg_probe_battery *b, const char *sender)
{
	size_t i;

	for (i = 0; i < b->n; i++)
		if (!b->v[i].control && b->v[i].via == MG_VIA_FOREIGN &&
		    b->v[i].helo[0] == '\0' && b->v[i].entry[0] == '\0' &&
		    strcasecmp(b->v[i].sender, sender) == 0 &&
		    strncmp(b->v[i].rcpt, MG_PROBE_USER "@",
		    strlen(MG_PROBE_USER) + 1) == 0)
			return (i);
	return (b->n);
}

/*
 * mg_probe_battery_grants - one test per grant of the plan, before the
 * controls: a granted sender or HELO asks for a foreign recipient (with
 * the null sender beside a HELO, so only the HELO can open it), a
 * granted recipient is asked for with the null sender.  A sender the
 * battery asks already (the null sender, one of the server's own
 * domains) keeps its test, which then names the entry.
 */
void
mg_probe_battery_grants(struct mg_probe_battery *b,
    const struct mg_probe_plan *pl, const char *foreign)
{
	static const char *const kinds[] = { "sender", "HELO", "recipient" };
	const struct mg_probe_grant *g;
	struct mg_probe_test t;
	size_t i, at;

	for (i = 0; i < pl->ngrants; i++) {
		g = &pl->grants[i];
		if (g->kind == MG_GRANT_SENDER && (at = same_sender(b,
		    g->value)) < b->n) {
			/* the battery asks it already: name the entry */
			t = b->v[at];
			(void)snprintf(b->v[at].entry, sizeof(t.entry), "%s",
			    g->entry);
			(void)snprintf(b->v[at].file, sizeof(t.file), "%s",
			    g->file);
			b->v[at].line = g->line;
			continue;
		}
		memset(&t, 0, sizeof(t));
		(void)snprintf(t.name, sizeof(t.name), "%s %.40s",
		    kinds[g->kind >= 0 && g->kind <= MG_GRANT_RCPT ? g->kind :
		    0], g->value[0] != '\0' ? g->value : "<>");
		t.via = MG_VIA_FOREIGN;
		(void)snprintf(t.rcpt, sizeof(t.rcpt), "%s@%s", MG_PROBE_USER,
		    foreign);
		if (g->kind == MG_GRANT_SENDER)
			(void)snprintf(t.sender, sizeof(t.sender), "%s",
			    g->value);
		else if (g->kind == MG_GRANT_HELO)
			(void)snprintf(t.helo, sizeof(t.helo), "%s", g->value);
		else
			(void)snprintf(t.rcpt, sizeof(t.rcpt), "%s", g->value);
		(void)snprintf(t.entry, sizeof(t.entry), "%s", g->entry);
		(void)snprintf(t.file, sizeof(t.file), "%s", g->file);
		t.line = g->line;
		for (at = 0; at < b->n && !b->v[at].control; at++)
			continue;
		(void)MG_ARRAY_PUSH(b->v, b->n, b->cap);
		memmove(&b->v[at + 1], &b->v[at], (b->n - 1 - at) *
		    sizeof(b->v[0]));
		b->v[at] = t;
	}
}
