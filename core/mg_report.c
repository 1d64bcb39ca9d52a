/*
 * mg_report.c - what the checks make of a model: findings with their
 * evidence and the probes that would prove them, and fixes as data
 * (edits and post-commands).  Constructors, lookups, order, destructors.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mg_report.h"
#include "mg_str.h"

static const char *const sev_names[] = {
	"info", "low", "medium", "high", "critical"
};

/* mg_severity_name - the JSON name of a severity */
const char *
mg_severity_name(enum mg_severity s)
{
	if ((unsigned)s >= sizeof(sev_names) / sizeof(sev_names[0]))
		return ("info");
	return (sev_names[s]);
}

/* mg_severity_parse - name to value; -1 if unknown */
int
mg_severity_parse(const char *name, enum mg_severity *out)
{
	size_t i;

	for (i = 0; i < sizeof(sev_names) / sizeof(sev_names[0]); i++) {
		if (strcmp(name, sev_names[i]) == 0) {
			*out = (enum mg_severity)i;
			return (0);
		}
	}
	return (-1);
}

/* mg_report_init - empty report */
void
mg_report_init(struct mg_report *r)
{
	memset(r, 0, sizeof(*r));
}

/* finding_free - release one finding's contents */
static void
finding_free(struct mg_finding *f)
{
	size_t i;

	free(f->id);
	free(f->area);
	free(f->title);
	free(f->explanation);
	for (i = 0; i < f->nevidence; i++) {
		free(f->evidence[i].text);
		free(f->evidence[i].file);
	}
	free(f->evidence);
	mg_strv_free(f->fix_ids, f->nfix_ids);
	for (i = 0; i < f->nprobes; i++) {
		free(f->probes[i].client);
		free(f->probes[i].client_name);
		free(f->probes[i].sender);
		free(f->probes[i].rcpt);
		free(f->probes[i].login);
		free(f->probes[i].service);
	}
	free(f->probes);
}

/* fix_free - release one fix's contents */
static void
fix_free(struct mg_fix *x)
{
	size_t i;

	free(x->id);
	free(x->title);
	for (i = 0; i < x->nedits; i++) {
		free(x->edits[i].file);
		free(x->edits[i].param);
		free(x->edits[i].old_text);
		free(x->edits[i].new_text);
	}
	free(x->edits);
	for (i = 0; i < x->npost; i++)
		mg_strv_free(x->post[i].argv, x->post[i].argc);
	free(x->post);
}

/* mg_report_free - release everything; accepts NULL */
void
mg_report_free(struct mg_report *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nfindings; i++)
		finding_free(&r->findings[i]);
	free(r->findings);
	for (i = 0; i < r->nfixes; i++)
		fix_free(&r->fixes[i]);
	free(r->fixes);
	mg_strv_free(r->unread, r->nunread);
	memset(r, 0, sizeof(*r));
}

/* mg_report_finding - append a finding; the report owns it */
struct mg_finding *
mg_report_finding(struct mg_report *r, const char *id, enum mg_severity sev,
    const char *area, const char *title)
{
	struct mg_finding *f;

	f = MG_ARRAY_PUSH(r->findings, r->nfindings, r->findings_cap);
	memset(f, 0, sizeof(*f));
	f->id = mg_xstrdup(id);
	f->severity = sev;
	f->area = mg_xstrdup(area);
	f->title = mg_xstrdup(title);
	return (f);
}

/* mg_finding_explain - set the plain-words explanation */
void
mg_finding_explain(struct mg_finding *f, const char *text)
{
	free(f->explanation);
	f->explanation = mg_xstrdup(text);
}

/* mg_finding_evidence - add one evidence line, with file:line if known */
void
mg_finding_evidence(struct mg_finding *f, const char *file, unsigned line,
    const char *fmt, ...)
{
	struct mg_evidence *e;
	struct mg_str text = MG_STR_INIT;
	va_list ap;

	mg_str_init(&text);
	va_start(ap, fmt);
	mg_str_vprintf(&text, fmt, ap);
	va_end(ap);
	e = MG_ARRAY_PUSH(f->evidence, f->nevidence, f->evidence_cap);
	e->text = mg_str_steal(&text);
	e->file = mg_xstrdup(file);
	e->line = line;
}

/* mg_finding_add_fix - reference a fix by id */
void
mg_finding_add_fix(struct mg_finding *f, const char *fix_id)
{
	*MG_ARRAY_PUSH(f->fix_ids, f->nfix_ids, f->fix_ids_cap) =
	    mg_xstrdup(fix_id);
}

/* mg_finding_probe - ask the MTA, after the checks, what it answers
 * client (named client_name, or NULL) for sender and rcpt */
void
mg_finding_probe(struct mg_finding *f, const char *client,
    const char *client_name, const char *sender, const char *rcpt,
    int hole_if_accepted)
{
	struct mg_probe *p;

	p = MG_ARRAY_PUSH(f->probes, f->nprobes, f->probes_cap);
	p->client = mg_xstrdup(client);
	p->client_name = mg_xstrdup(client_name);
	p->sender = mg_xstrdup(sender);
	p->rcpt = mg_xstrdup(rcpt);
	p->hole_if_accepted = hole_if_accepted;
	p->login = NULL;
	p->service = NULL;
}

/* mg_finding_probe_as - mg_finding_probe for a client authenticated as
 * login (NULL: not authenticated) */
void
mg_finding_probe_as(struct mg_finding *f, const char *login,
    const char *client, const char *client_name, const char *sender,
    const char *rcpt, int hole_if_accepted)
{
	mg_finding_probe(f, client, client_name, sender, rcpt,
	    hole_if_accepted);
	f->probes[f->nprobes - 1].login = mg_xstrdup(login);
}

/* mg_finding_probe_service - the last probe is judged by the settings of
 * the MTA's listener service (NULL: its public one) */
void
mg_finding_probe_service(struct mg_finding *f, const char *service)
{
	struct mg_probe *p;

	if (f->nprobes == 0)
		return;
	p = &f->probes[f->nprobes - 1];
	free(p->service);
	p->service = mg_xstrdup(service);
}

/* mg_report_fix - append a fix, or return the existing one with that id */
struct mg_fix *
mg_report_fix(struct mg_report *r, const char *id, const char *title)
{
	struct mg_fix *x;
	size_t i;

	for (i = 0; i < r->nfixes; i++)
		if (strcmp(r->fixes[i].id, id) == 0)
			return (&r->fixes[i]);
	x = MG_ARRAY_PUSH(r->fixes, r->nfixes, r->fixes_cap);
	memset(x, 0, sizeof(*x));
	x->id = mg_xstrdup(id);
	x->title = mg_xstrdup(title);
	return (x);
}

/* mg_report_drop_fix - remove a fix that turned out to have nothing to
 * do (no edit, no command), before any finding names it */
void
mg_report_drop_fix(struct mg_report *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->nfixes; i++)
		if (strcmp(r->fixes[i].id, id) == 0)
			break;
	if (i == r->nfixes)
		return;
	fix_free(&r->fixes[i]);
	memmove(&r->fixes[i], &r->fixes[i + 1],
	    (r->nfixes - i - 1) * sizeof(r->fixes[0]));
	r->nfixes--;
}

/* mg_report_find_fix - the fix with that id, or NULL */
const struct mg_fix *
mg_report_find_fix(const struct mg_report *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->nfixes; i++)
		if (strcmp(r->fixes[i].id, id) == 0)
			return (&r->fixes[i]);
	return (NULL);
}

/* mg_fix_set_param - edit: parameter in file becomes new value */
struct mg_edit *
mg_fix_set_param(struct mg_fix *x, const char *file, unsigned line,
    const char *param, const char *old_value, const char *new_value)
{
	struct mg_edit *e;

	e = MG_ARRAY_PUSH(x->edits, x->nedits, x->edits_cap);
	memset(e, 0, sizeof(*e));
	e->kind = MG_EDIT_SET_PARAM;
	e->file = mg_xstrdup(file);
	e->line = line;
	e->param = mg_xstrdup(param);
	e->old_text = mg_xstrdup(old_value);
	e->new_text = mg_xstrdup(new_value);
	return (e);
}

/* mg_fix_replace_line - line LINE of FILE, which reads old_text, becomes
 * new_text (which may hold several lines) */
struct mg_edit *
mg_fix_replace_line(struct mg_fix *x, const char *file, unsigned line,
    const char *old_text, const char *new_text)
{
	struct mg_edit *e;

	e = mg_fix_set_param(x, file, line, NULL, old_text, new_text);
	e->kind = MG_EDIT_REPLACE;
	return (e);
}

/* mg_fix_post - add a post-command (argv, NULL-terminated) */
void
mg_fix_post(struct mg_fix *x, const char *const *argv)
{
	struct mg_cmd *c;
	size_t n;

	for (n = 0; argv[n] != NULL; n++)
		;
	c = MG_ARRAY_PUSH(x->post, x->npost, x->post_cap);
	c->argv = mg_xcalloc(n + 1, sizeof(char *));
	c->argc = n;
	for (n = 0; argv[n] != NULL; n++)
		c->argv[n] = mg_xstrdup(argv[n]);
}

/*
 * mg_report_unread - note something that could not be read; counted as
 * partial when the reason is a lack of permission (EACCES, EPERM, as
 * strerror words it in the reason): a user who is not root may be missing
 * findings root would see
 */
void
mg_report_unread(struct mg_report *r, const char *what)
{
	*MG_ARRAY_PUSH(r->unread, r->nunread, r->unread_cap) =
	    mg_xstrdup(what);
	if (strstr(what, strerror(EACCES)) != NULL ||
	    strstr(what, strerror(EPERM)) != NULL)
		r->npartial++;
}

/* mg_report_worst - highest severity among the findings */
enum mg_severity
mg_report_worst(const struct mg_report *r)
{
	enum mg_severity worst = MG_SEV_INFO;
	size_t i;

	for (i = 0; i < r->nfindings; i++)
		if (r->findings[i].severity > worst)
			worst = r->findings[i].severity;
	return (worst);
}

/* by_severity - worst first, then by id for a stable order */
static int
by_severity(const void *a, const void *b)
{
	const struct mg_finding *fa = a, *fb = b;

	if (fa->severity != fb->severity)
		return (fa->severity > fb->severity ? -1 : 1);
	return (strcmp(fa->id, fb->id));
}

/* mg_report_sort - order findings worst first */
void
mg_report_sort(struct mg_report *r)
{
	if (r->nfindings > 1)
		qsort(r->findings, r->nfindings, sizeof(r->findings[0]),
		    by_severity);
}

/* mg_cmd_seen - the same command (argv) is among the post-commands of
 * fixes[0..i) or of fixes[i] before k: run once, listed once */
int
mg_cmd_seen(const struct mg_fix *const *fixes, size_t i, size_t k)
{
	const struct mg_cmd *c = &fixes[i]->post[k], *d;
	size_t fi, fk, a;

	for (fi = 0; fi <= i; fi++)
		for (fk = 0; fk < fixes[fi]->npost && (fi < i || fk < k);
		    fk++) {
			d = &fixes[fi]->post[fk];
			if (d->argc != c->argc)
				continue;
			for (a = 0; a < c->argc && strcmp(c->argv[a],
			    d->argv[a]) == 0; a++)
				;
			if (a == c->argc)
				return (1);
		}
	return (0);
}
