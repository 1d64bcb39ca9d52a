/*
 * probe_run.c - one relay probe run: survey the listener, choose the clients
 * (checks/probe_plan.c), run the battery as each of them - through the
 * MTA's own simulator (a private Postfix smtpd with XCLIENT, exim -bh)
 * for the local configuration, or over SMTP to --target, speaking as the
 * --client addresses when the target offers us XCLIENT - judge, and turn
 * the results into findings.  Never DATA: nothing is ever queued.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../checks/checks.h"
#include "../core/mg_num.h"
#include "probe_run.h"

#define TIMEOUT_MS 30000

/* mg_probe_report_init - empty */
void
mg_probe_report_init(struct mg_probe_report *pr)
{
	memset(pr, 0, sizeof(*pr));	/* an empty log holds nothing */
	mg_probe_plan_init(&pr->plan);
	mg_probe_battery_init(&pr->b);
}

/* mg_probe_report_free - and empty again */
void
mg_probe_report_free(struct mg_probe_report *pr)
{
	size_t i;

	if (pr == NULL)
		return;
	for (i = 0; i < pr->nres; i++) {
		free(pr->res[i].a);
		free(pr->res[i].c.file);
	}
	free(pr->res);
	mg_probe_plan_free(&pr->plan);
	mg_probe_battery_free(&pr->b);
	mg_str_free(&pr->log);
	mg_probe_report_init(pr);
}

/* split_target - "host", "host:port", "[v6]:port", "v6" */
static int
split_target(const char *t, char *host, size_t size, int *port,
    struct mg_err *err)
{
	const char *colon = strrchr(t, ':'), *end;
	unsigned long p = 25;

	if (*t == '[' && (end = strchr(t, ']')) != NULL) {
		colon = end[1] == ':' ? end + 1 : NULL;
		(void)snprintf(host, size, "%.*s", (int)(end - t + 1), t);
	} else if (colon != NULL && strchr(t, ':') != colon) {
		(void)snprintf(host, size, "[%s]", t);	/* bare IPv6 */
		colon = NULL;
	} else
		(void)snprintf(host, size, "%.*s", colon != NULL ?
		    (int)(colon - t) : (int)strlen(t), t);
	if (colon != NULL && mg_parse_ulong(colon + 1, 1, 65535, &p,
	    NULL) < 0)
		return (mg_err_set(err, "--target %s: the port must be a "
		    "number from 1 to 65535", t));
	if (host[0] == '\0' || strcmp(host, "[]") == 0)
		return (mg_err_set(err, "--target %s: no host", t));
	*port = (int)p;
	return (0);
}

/*
 * own_listener - where the configured MTA listens for the world, as its
 * backend reads the model (Postfix: the first public smtpd or postscreen
 * service of master.cf, on its address or inet_interfaces' first; Exim:
 * daemon_smtp_ports and local_interfaces).  A wildcard address is
 * reached on 127.0.0.1.
 */
static void
own_listener(const struct mg_target *t, const struct mg_model *m, char *host,
    size_t size, int *port)
{
	(void)snprintf(host, size, "127.0.0.1");
	*port = 25;
	(void)mg_backend_listener(t, m, host, size, port);
}

/* is_loopback - a literal loopback address, or localhost */
static int
is_loopback(const char *a)
{
	return (strncmp(a, "127.", 4) == 0 || strcmp(a, "::1") == 0 ||
	    strcmp(a, "[::1]") == 0 || strcasecmp(a, "localhost") == 0);
}

/* add_result - a result slot for client c */
static struct mg_probe_result *
add_result(struct mg_probe_report *pr, const struct mg_probe_client *c)
{
	struct mg_probe_result *r;

	r = MG_ARRAY_PUSH(pr->res, pr->nres, pr->res_cap);
	memset(r, 0, sizeof(*r));
	r->c = *c;
	r->c.file = c->file != NULL ? mg_xstrdup(c->file) : NULL;
	r->a = mg_xcalloc(pr->b.n, sizeof(*r->a));
	return (r);
}

/* banner_name - the host name a banner starts with */
static void
banner_name(const char *banner, char *name, size_t size)
{
	size_t n = strcspn(banner, " ");

	if (n > 0 && n < size && memchr(banner, '.', n) != NULL)
		(void)snprintf(name, size, "%.*s", (int)n, banner);
}

/*
 * mg_probe_all - the whole run into pr; findings into into (the app's
 * report, to add evidence where the setting is explained, or an empty
 * one).  0, or -1 with err when nothing could be probed.
 */
int
mg_probe_all(struct mg_session *a, const struct mg_probe_opts *o,
    struct mg_probe_report *pr, struct mg_report *into, struct mg_err *err)
{
	struct mg_probe_conn conn;
	struct mg_probe_result *r;
	struct mg_model empty;
	struct mg_err e;
	char host[280];
	const char *ip;
	void *sim = NULL;
	size_t i, asked = 0;
	int port = 25, rc;

	mg_probe_report_init(pr);
	if (o->target != NULL) {
		if (split_target(o->target, host, sizeof(host), &port, err) < 0)
			return (-1);
	} else if (a->loaded)
		own_listener(&a->target, &a->model, host, sizeof(host),
		    &port);
	else
		return (mg_err_set(err, "%s (name a listener with --target "
		    "HOST[:PORT])", a->err.msg));
	(void)snprintf(pr->where, sizeof(pr->where), "%s:%d", host, port);
	memset(&conn, 0, sizeof(conn));
	conn.host = host;
	conn.port = port;
	conn.tls = port == 465 || o->implicit_tls ? MG_PROBE_IMPLICIT :
	    MG_PROBE_PLAIN;
	conn.timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : TIMEOUT_MS;
	if (mg_probe_survey(&conn, &pr->l, &pr->log, &e) == 0)
		pr->have_listener = 1;
	else {
		(void)snprintf(pr->listener_err, sizeof(pr->listener_err),
		    "%.250s", e.msg);
		if (o->target != NULL)
			return (mg_err_set(err, "%s", e.msg));
	}

	/* whom to speak as, and the battery for this server */
	/* The configuration read here says what is trusted only for a
	 * listener of this host. */
	if (a->loaded && (o->target == NULL || is_loopback(host)))
		mg_check_probe_plan(&a->model, o->clients, o->nclients,
		    &pr->plan);
	else {
		mg_model_init(&empty);
		mg_check_probe_plan(&empty, o->clients, o->nclients, &pr->plan);
		mg_model_free(&empty);
	}
	if (pr->have_listener)
		banner_name(pr->l.banner, pr->plan.name, sizeof(pr->plan.name));
	ip = pr->have_listener && pr->l.peer[0] != '\0' ? pr->l.peer :
	    "127.0.0.1";
	mg_probe_battery_build(&pr->b, pr->plan.name, ip, o->foreign != NULL ?
	    o->foreign : MG_PROBE_FOREIGN, (const char *const *)pr->plan.own,
	    pr->plan.nown);
	mg_probe_battery_grants(&pr->b, &pr->plan, o->foreign != NULL ?
	    o->foreign : MG_PROBE_FOREIGN);

	if (o->target != NULL && (o->nclients == 0 || !pr->l.xclient)) {
		/* as ourselves: the only client a remote server can see */
		struct mg_probe_client self;

		memset(&self, 0, sizeof(self));
		(void)snprintf(self.why, sizeof(self.why), is_loopback(ip) ?
		    "this host over loopback: most configurations trust it, "
		    "so this is no verdict for outsiders%s" : "this host%s",
		    o->nclients > 0 ? "; the target does not offer XCLIENT "
		    "to this host, so --client cannot be used" : "");
		self.trusted = is_loopback(ip);
		(void)snprintf(pr->how, sizeof(pr->how), "SMTP to %.100s",
		    pr->where);
		r = add_result(pr, &self);
		if (mg_probe_run(&conn, pr->b.v, pr->b.n, r->a, &pr->log,
		    &e) < 0)
			(void)snprintf(r->err, sizeof(r->err), "%.190s", e.msg);
		mg_probe_result_judge(&pr->b, r);
		asked++;
	} else if (o->target != NULL) {
		(void)snprintf(pr->how, sizeof(pr->how), "SMTP to %.100s "
		    "(XCLIENT)", pr->where);
		for (i = 0; i < pr->plan.n; i++) {
			r = add_result(pr, &pr->plan.v[i]);
			if (o->cancelled != NULL && o->cancelled()) {
				(void)snprintf(r->err, sizeof(r->err),
				    "cancelled");
				continue;
			}
			conn.xclient = pr->plan.v[i].addr;
			if (mg_probe_run(&conn, pr->b.v, pr->b.n, r->a,
			    &pr->log, &e) < 0)
				(void)snprintf(r->err, sizeof(r->err), "%.190s",
				    e.msg);
			mg_probe_result_judge(&pr->b, r);
			asked++;
			if (o->progress != NULL)
				o->progress(o->progress_arg, i + 1, pr->plan.n,
				    pr->plan.v[i].addr);
		}
		conn.xclient = NULL;
	} else {
		(void)snprintf(pr->how, sizeof(pr->how), "%s",
		    mg_backend_sim_how(&a->target));
		if (mg_backend_sim_open(&a->target, NULL, &sim, NULL, err) < 0)
			return (-1);
		for (i = 0; i < pr->plan.n; i++) {
			r = add_result(pr, &pr->plan.v[i]);
			if (o->cancelled != NULL && o->cancelled()) {
				(void)snprintf(r->err, sizeof(r->err),
				    "cancelled");
				continue;
			}
			rc = mg_backend_sim_tests(&a->target, sim,
			    pr->plan.v[i].addr, pr->b.v, pr->b.n, r->a,
			    &pr->log, &e);
			if (rc < 0)
				(void)snprintf(r->err, sizeof(r->err), "%.190s",
				    e.msg);
			mg_probe_result_judge(&pr->b, r);
			asked++;
			if (o->progress != NULL)
				o->progress(o->progress_arg, i + 1, pr->plan.n,
				    pr->plan.v[i].addr);
		}
		mg_backend_sim_close(&a->target, sim);
	}
	mg_probe_findings(pr, into);
	for (i = 0; i < pr->nres; i++)
		if (pr->res[i].status != MG_PS_ERROR)
			return (0);
	return (mg_err_set(err, "no client could be probed: %s", asked > 0 ?
	    pr->res[0].err : "none chosen"));
}

/* mg_probe_findings - the run's findings into r (open counted again) */
void
mg_probe_findings(const struct mg_probe_report *pr, struct mg_report *r)
{
	struct mg_probe_report *w = (struct mg_probe_report *)pr;
	size_t i;

	w->open = w->tempfail = 0;
	for (i = 0; i < pr->nres; i++) {
		w->open += pr->res[i].status == MG_PS_OPEN;
		w->tempfail += pr->res[i].status == MG_PS_TEMPFAIL;
	}
	mg_check_probe(&pr->b, pr->res, pr->nres, pr->have_listener ? &pr->l :
	    NULL, pr->where, pr->how, r);
	mg_report_sort(r);
}

/* ---- the run as lines, from the console's child to the console ---- */

#define DUMP "mgprobe\t"

/* field - one tab-separated field: tabs and line breaks become spaces */
static void
field(FILE *fp, const char *s)
{
	(void)fputc('\t', fp);
	for (; s != NULL && *s != '\0'; s++)
		(void)fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s,
		    fp);
}

/* num - a number field */
static void
num(FILE *fp, long n)
{
	(void)fprintf(fp, "\t%ld", n);
}

/* mg_probe_dump - pr as "mgprobe" lines (mg_probe_undump reads them) */
void
mg_probe_dump(FILE *fp, const struct mg_probe_report *pr)
{
	const struct mg_probe_listener *l = &pr->l;
	const struct mg_probe_result *r;
	size_t i, k;

	(void)fputs(DUMP "H", fp);
	field(fp, pr->where);
	field(fp, pr->how);
	field(fp, pr->plan.name);
	(void)fputc('\n', fp);
	if (pr->have_listener) {
		(void)fputs(DUMP "L", fp);
		field(fp, l->peer);
		num(fp, l->banner_code);
		field(fp, l->banner);
		field(fp, l->software);
		field(fp, l->version);
		num(fp, l->esmtp);
		num(fp, l->implicit);
		num(fp, l->starttls);
		num(fp, l->tls_ok);
		field(fp, l->tls_err);
		field(fp, l->auth_clear);
		field(fp, l->auth_tls);
		num(fp, l->xclient);
		num(fp, l->vrfy_known);
		num(fp, l->vrfy_unknown);
		num(fp, l->expn);
		num(fp, l->vrfy_leaks);
		num(fp, l->expn_leaks);
		(void)fputc('\n', fp);
	} else {
		(void)fputs(DUMP "E", fp);
		field(fp, pr->listener_err);
		(void)fputc('\n', fp);
	}
	for (k = 0; k < pr->b.n; k++) {
		(void)fputs(DUMP "T", fp);
		field(fp, pr->b.v[k].name);
		field(fp, pr->b.v[k].sender);
		field(fp, pr->b.v[k].rcpt);
		num(fp, pr->b.v[k].via);
		num(fp, pr->b.v[k].control);
		field(fp, pr->b.v[k].helo);
		field(fp, pr->b.v[k].entry);
		field(fp, pr->b.v[k].file);
		num(fp, pr->b.v[k].line);
		(void)fputc('\n', fp);
	}
	for (i = 0; i < pr->nres; i++) {
		r = &pr->res[i];
		(void)fputs(DUMP "C", fp);
		field(fp, r->c.addr);
		field(fp, r->c.why);
		field(fp, r->c.file);
		num(fp, r->c.line);
		num(fp, r->c.trusted);
		num(fp, r->c.wide);
		field(fp, r->err);
		(void)fputc('\n', fp);
		for (k = 0; k < pr->b.n; k++) {
			(void)fputs(DUMP "A", fp);
			num(fp, r->a[k].mail);
			num(fp, r->a[k].rcpt);
			field(fp, r->a[k].text);
			field(fp, r->a[k].err);
			(void)fputc('\n', fp);
		}
	}
}

/* ival - a number field */
static int
ival(const char *s)
{
	return ((int)strtol(s, NULL, 10));
}

/* cut - the fields of one line (modified in place); how many */
static size_t
cut(char *line, char **f, size_t max)
{
	size_t n = 0;
	char *p;

	while (n < max && (p = strsep(&line, "\t")) != NULL)
		f[n++] = p;
	return (n);
}

/* copy - a field into a fixed buffer */
#define COPY(dst, src) (void)snprintf((dst), sizeof(dst), "%s", (src))

/*
 * mg_probe_undump - pr from the "mgprobe" lines in text (other lines
 * are skipped); results judged again.  0, or -1 if there was no run.
 */
int
mg_probe_undump(const char *text, struct mg_probe_report *pr)
{
	struct mg_probe_listener *l = &pr->l;
	struct mg_probe_result *r = NULL;
	struct mg_probe_test *t;
	char *copy = mg_xstrdup(text), *cur = copy, *line, *f[24];
	size_t n, ans = 0, i;
	int head = 0;

	mg_probe_report_init(pr);
	while ((line = strsep(&cur, "\n")) != NULL) {
		if (strncmp(line, DUMP, strlen(DUMP)) != 0)
			continue;
		n = cut(line + strlen(DUMP), f, 24);
		if (n == 4 && strcmp(f[0], "H") == 0) {
			COPY(pr->where, f[1]);
			COPY(pr->how, f[2]);
			COPY(pr->plan.name, f[3]);
			head = 1;
		} else if (n == 19 && strcmp(f[0], "L") == 0) {
			pr->have_listener = 1;
			COPY(l->peer, f[1]);
			l->banner_code = ival(f[2]);
			COPY(l->banner, f[3]);
			COPY(l->software, f[4]);
			COPY(l->version, f[5]);
			l->esmtp = ival(f[6]);
			l->implicit = ival(f[7]);
			l->starttls = ival(f[8]);
			l->tls_ok = ival(f[9]);
			COPY(l->tls_err, f[10]);
			COPY(l->auth_clear, f[11]);
			COPY(l->auth_tls, f[12]);
			l->xclient = ival(f[13]);
			l->vrfy_known = ival(f[14]);
			l->vrfy_unknown = ival(f[15]);
			l->expn = ival(f[16]);
			l->vrfy_leaks = ival(f[17]);
			l->expn_leaks = ival(f[18]);
		} else if (n == 2 && strcmp(f[0], "E") == 0) {
			COPY(pr->listener_err, f[1]);
		} else if ((n == 6 || n == 10) && strcmp(f[0], "T") == 0 &&
		    pr->nres == 0) {
			t = MG_ARRAY_PUSH(pr->b.v, pr->b.n, pr->b.cap);
			memset(t, 0, sizeof(*t));
			COPY(t->name, f[1]);
			COPY(t->sender, f[2]);
			COPY(t->rcpt, f[3]);
			t->via = ival(f[4]);
			t->control = ival(f[5]);
			if (n == 10) {
				COPY(t->helo, f[6]);
				COPY(t->entry, f[7]);
				COPY(t->file, f[8]);
				t->line = (unsigned)ival(f[9]);
			}
		} else if (n == 8 && strcmp(f[0], "C") == 0) {
			r = MG_ARRAY_PUSH(pr->res, pr->nres, pr->res_cap);
			memset(r, 0, sizeof(*r));
			COPY(r->c.addr, f[1]);
			COPY(r->c.why, f[2]);
			r->c.file = *f[3] != '\0' ? mg_xstrdup(f[3]) : NULL;
			r->c.line = (unsigned)ival(f[4]);
			r->c.trusted = ival(f[5]);
			r->c.wide = ival(f[6]);
			COPY(r->err, f[7]);
			r->a = mg_xcalloc(pr->b.n > 0 ? pr->b.n : 1,
			    sizeof(*r->a));
			for (i = 0; i < pr->b.n; i++)
				r->a[i].mail = r->a[i].rcpt = -1;
			ans = 0;
		} else if (n == 5 && strcmp(f[0], "A") == 0 && r != NULL &&
		    ans < pr->b.n) {
			r->a[ans].mail = ival(f[1]);
			r->a[ans].rcpt = ival(f[2]);
			COPY(r->a[ans].text, f[3]);
			COPY(r->a[ans].err, f[4]);
			ans++;
		}
	}
	free(copy);
	for (i = 0; i < pr->nres; i++)
		mg_probe_result_judge(&pr->b, &pr->res[i]);
	return (head ? 0 : -1);
}
