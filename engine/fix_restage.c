/*
 * fix_restage.c - the staged configuration judged as what will be
 * installed, before anything live is touched.  The backend reads the
 * stage as it reads the live configuration (Postfix: postconf -c STAGE;
 * Exim: the staged -C file) and the checks run on it: a fix still
 * proposed there leaves its hole open, whatever value the operator
 * edited.  The probes the proof replays are derived from the stage too:
 * its trusted hosts must still relay, hosts the live configuration
 * trusted and the stage no longer does must be refused.
 */
#include <arpa/inet.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../backends/backend.h"
#include "../checks/checks.h"
#include "../core/mg_net.h"
#include "fix_restage.h"

#define MAX_LEGIT 8		/* trusted hosts of the stage asked */
#define MAX_GONE 4		/* no longer trusted networks asked */
#define PROBE_RCPT "mailguard-probe@example.net"	/* not ours */
#define PUBLIC_NARROW 256.0	/* a /24: public space an office may own */

/* The networks a configuration trusts outright. */
struct nets {
	struct mg_net *v;
	size_t n, cap;
};

/*
 * trust_of - the networks written in the trusted-client list (Postfix:
 * mynetworks as postconf expands it; Exim: relay_from_hosts; the
 * backend names the parameter and reads its list).  Tables and host
 * names are not weighed here: what is not written as a network is left
 * to the checks.
 */
static void
trust_of(const struct mg_model *m, struct nets *s)
{
	const char *param = mg_backend_trust_param(m->mta);
	struct mg_net net;
	char **items;
	size_t i;

	memset(s, 0, sizeof(*s));
	if (param == NULL)
		return;
	items = mg_backend_list_items(m->mta, mg_model_value(m, param));
	for (i = 0; items[i] != NULL; i++) {
		if (items[i][0] == '\0' || strlen(items[i]) >= 128 ||
		    items[i][0] == '!')
			continue;
		if (mg_net_parse(items[i], &net, NULL) == 0)
			*MG_ARRAY_PUSH(s->v, s->n, s->cap) = net;
	}
	mg_backend_list_free(items);
}

/* holds - does one network of s contain net entirely? */
static int
holds(const struct nets *s, const struct mg_net *net)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (mg_net_contains(&s->v[i], net))
			return (1);
	return (0);
}

/* trusts - is the address addr inside one of s's networks? */
static int
trusts(const struct nets *s, const char *addr)
{
	struct mg_net a;

	return (addr != NULL && mg_net_parse(addr, &a, NULL) == 0 &&
	    holds(s, &a));
}

/* written - does s hold net written the same way (address, host bits
 * and prefix)?  An entry with host bits fixed is a change. */
static int
written(const struct nets *s, const struct mg_net *net)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->v[i].family == net->family && s->v[i].prefix ==
		    net->prefix && memcmp(s->v[i].addr, net->addr,
		    net->family == 4 ? 4 : 16) == 0)
			return (1);
	return (0);
}

/* same_trust - both lists trust exactly the same networks */
static int
same_trust(const struct nets *a, const struct nets *b)
{
	size_t i;

	for (i = 0; i < a->n; i++)
		if (!holds(b, &a->v[i]))
			return (0);
	for (i = 0; i < b->n; i++)
		if (!holds(a, &b->v[i]))
			return (0);
	return (1);
}

/* v4_addr - the IPv4 address base + off as text */
static void
v4_addr(uint32_t a, char *buf, size_t size)
{
	struct in_addr in;

	in.s_addr = htonl(a);
	if (inet_ntop(AF_INET, &in, buf, (socklen_t)size) == NULL)
		(void)snprintf(buf, size, "0.0.0.0");
}

/* v4_base - an IPv4 network's first address and size */
static uint32_t
v4_base(const struct mg_net *net, uint32_t *size)
{
	struct mg_net m;

	mg_net_mask(net, &m);
	*size = net->prefix >= 32 ? 1 : net->prefix <= 0 ? UINT32_MAX :
	    (uint32_t)1 << (32 - net->prefix);
	return ((uint32_t)m.addr[0] << 24 | (uint32_t)m.addr[1] << 16 |
	    (uint32_t)m.addr[2] << 8 | m.addr[3]);
}

/* one_inside - an address inside net (IPv4) that s does not trust, for
 * a probe that must be refused; 0 if none of the candidates is */
static int
one_inside(const struct mg_net *net, const struct nets *s, char *buf,
    size_t size)
{
	uint32_t base, n, off[4];
	size_t i;

	base = v4_base(net, &n);
	if (n < 4)
		return (0);
	off[0] = 1;
	off[1] = n / 2 + 1;
	off[2] = n - 2;
	off[3] = 2;
	for (i = 0; i < 4; i++) {
		v4_addr(base + off[i], buf, size);
		if (!trusts(s, buf))
			return (1);
	}
	return (0);
}

/* one_host - the address a trusted network stands for in a probe: the
 * host written, or the first host of a network */
static void
one_host(const struct mg_net *net, char *buf, size_t size)
{
	uint32_t base, n;

	base = v4_base(net, &n);
	v4_addr(n >= 4 ? base + 1 : base, buf, size);
}

/* fixes_has - is id one of the fixes (not a blind one)? */
static int
fixes_has(const struct mg_fix *const *fixes, size_t n, const int *blind,
    const char *id)
{
	size_t k;

	for (k = 0; k < n; k++)
		if (strcmp(fixes[k]->id, id) == 0 && (blind == NULL ||
		    !blind[k]))
			return (1);
	return (0);
}

/* addressed - the finding names one of the fixes (not a blind one) */
static int
addressed(const struct mg_finding *f, const struct mg_fix *const *fixes,
    size_t n, const int *blind)
{
	size_t i;

	for (i = 0; i < f->nfix_ids; i++)
		if (fixes_has(fixes, n, blind, f->fix_ids[i]))
			return (1);
	return (0);
}

/* copy_finding - id, severity, area, title and fixes of f into r */
static struct mg_finding *
copy_finding(struct mg_report *r, const struct mg_finding *f)
{
	struct mg_finding *g;
	size_t i;

	g = mg_report_finding(r, f->id, f->severity, f->area, f->title);
	for (i = 0; i < f->nfix_ids; i++)
		mg_finding_add_fix(g, f->fix_ids[i]);
	return (g);
}

/* asked - is there already a probe for client with this expectation? */
static int
asked(const struct mg_report *r, const char *client, int hole)
{
	size_t i, k;

	for (i = 0; i < r->nfindings; i++)
		for (k = 0; k < r->findings[i].nprobes; k++)
			if (r->findings[i].probes[k].hole_if_accepted ==
			    hole && r->findings[i].probes[k].client != NULL &&
			    strcmp(r->findings[i].probes[k].client,
			    client) == 0)
				return (1);
	return (0);
}

/* value_words - what a fix makes of its lines: "mynetworks = V", a
 * replaced line as it will read (where: and which line it is) */
static void
value_words(const struct mg_fix *x, int where, struct mg_str *s)
{
	size_t i;

	for (i = 0; i < x->nedits; i++) {
		if (i > 0)
			mg_str_puts(s, "; ");
		if (x->edits[i].kind == MG_EDIT_SET_PARAM &&
		    x->edits[i].param != NULL)
			mg_str_printf(s, "%s = %s", x->edits[i].param,
			    x->edits[i].new_text != NULL ?
			    x->edits[i].new_text : "(removed)");
		else if (where)
			mg_str_printf(s, "\"%s\" (%s:%u)",
			    x->edits[i].new_text != NULL ?
			    x->edits[i].new_text : "", x->edits[i].file,
			    x->edits[i].line);
		else
			mg_str_printf(s, "\"%s\"", x->edits[i].new_text !=
			    NULL ? x->edits[i].new_text : "");
	}
}

/* same_edits - do both fixes write the same new text? */
static int
same_edits(const struct mg_fix *a, const struct mg_fix *b)
{
	size_t i;

	if (a->nedits != b->nedits)
		return (0);
	for (i = 0; i < a->nedits; i++)
		if ((a->edits[i].new_text == NULL) !=
		    (b->edits[i].new_text == NULL) ||
		    (a->edits[i].new_text != NULL &&
		    strcmp(a->edits[i].new_text, b->edits[i].new_text) != 0))
			return (0);
	return (1);
}

/* example - a value that would pass: the proposal's own (when the
 * operator changed it), else what the checks propose for the stage */
static void
example(const struct mg_fix *x, const struct mg_report *orig,
    const struct mg_report *srep, struct mg_str *s)
{
	const struct mg_fix *o = mg_report_find_fix(orig, x->id);
	const struct mg_fix *sx = mg_report_find_fix(srep, x->id);
	struct mg_str v = MG_STR_INIT;

	if (o != NULL && !same_edits(o, x)) {
		value_words(o, 0, &v);
		mg_str_printf(s, "; a value such as %s (the proposal) would "
		    "pass", mg_str_cstr(&v));
	} else if (sx != NULL) {
		value_words(sx, 0, &v);
		mg_str_printf(s, "; the checks would narrow it further to %s",
		    mg_str_cstr(&v));
	}
	mg_str_free(&v);
}

/* finding_of - the finding id in r, or NULL */
static const struct mg_finding *
finding_of(const struct mg_report *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->nfindings; i++)
		if (strcmp(r->findings[i].id, id) == 0)
			return (&r->findings[i]);
	return (NULL);
}

/* proposes - does f propose fix id? */
static int
proposes(const struct mg_finding *f, const char *id)
{
	size_t k;

	for (k = 0; k < f->nfix_ids; k++)
		if (strcmp(f->fix_ids[k], id) == 0)
			return (1);
	return (0);
}

/*
 * stays - a finding of srep that proposes fix id and is still found in
 * rrep (the stage checked again with the operator's narrow public
 * networks left out: what is left is not theirs to keep), or NULL
 */
static const struct mg_finding *
stays(const struct mg_report *srep, const struct mg_report *rrep,
    const char *id, size_t *from)
{
	const struct mg_finding *g;

	for (; *from < srep->nfindings; (*from)++) {
		if (!proposes(&srep->findings[*from], id))
			continue;
		if ((g = finding_of(rrep, srep->findings[*from].id)) != NULL) {
			(*from)++;
			return (g);
		}
	}
	return (NULL);
}

/* hole_words - why fix x leaves the hole open on the stage, from the
 * findings of the staged report (srep) that propose it and stay (rrep) */
static void
hole_words(const struct mg_fix *x, const struct mg_report *orig,
    const struct mg_report *srep, const struct mg_report *rrep,
    struct mg_str *s)
{
	const struct mg_finding *f;
	size_t i = 0, e, shown, said = 0;

	if (s->len > 0)
		mg_str_puts(s, "; ");
	value_words(x, 1, s);
	mg_str_puts(s, " still leaves");
	while ((f = stays(srep, rrep, x->id, &i)) != NULL) {
		mg_str_printf(s, "%s \"%s\"", said++ > 0 ? " and" : "",
		    f->title);
		/* the configuration lines that say so, not the context */
		for (e = 0, shown = 0; e < f->nevidence && shown < 2; e++)
			if (f->evidence[e].file != NULL)
				mg_str_printf(s, "%s%s", shown++ == 0 ? ": " :
				    "; ", f->evidence[e].text);
	}
	if (said == 0)
		mg_str_printf(s, " fix %s proposed", x->id);
	mg_str_puts(s, ": the hole stays");
	example(x, orig, srep, s);
}

/* trust_fix - the fix that changes the trusted list (the first one
 * that sets mynetworks or its style), else the first (Exim's edits are
 * lines, not parameters) */
static const char *
trust_fix(const struct mg_fix *const *fixes, size_t n)
{
	size_t k, i;

	for (k = 0; k < n; k++)
		for (i = 0; i < fixes[k]->nedits; i++)
			if (fixes[k]->edits[i].param != NULL &&
			    strncmp(fixes[k]->edits[i].param, "mynetworks",
			    10) == 0)
				return (fixes[k]->id);
	return (fixes[0]->id);
}

/*
 * derive - the probes: the live findings' ones, less a legitimate path
 * the stage no longer trusts (the operator narrowed it away) and less a
 * "must be refused" host the stage trusts on purpose (its model says the
 * hole is closed, or it is in a narrow network the operator keeps:
 * kept); then the stage's own trusted hosts (must relay) where the edit
 * adds or changes a network, a host of each network the live list
 * trusted and the stage does not (must be refused), and the probes of
 * any hole the stage still has
 */
static void
derive(const struct mg_report *rep, const struct mg_report *srep,
    const struct nets *was, const struct nets *now, const struct nets *kept,
    const struct mg_fix *const *fixes, size_t n, const int *blind,
    int open, struct mg_restage *out)
{
	const struct mg_finding *f;
	const struct mg_probe *p;
	struct mg_finding *g;
	const char *sender = "", *rcpt = PROBE_RCPT;
	char addr[64];
	size_t i, k, added;

	for (i = 0; i < rep->nfindings; i++) {
		f = &rep->findings[i];
		if (!addressed(f, fixes, n, NULL))
			continue;
		g = copy_finding(&out->probes, f);
		for (k = 0; k < f->nprobes; k++) {
			p = &f->probes[k];
			if (p->hole_if_accepted && trusts(was, p->client)) {
				sender = p->sender;
				rcpt = p->rcpt;
			}
			if (!p->hole_if_accepted && trusts(was, p->client) &&
			    !trusts(now, p->client)) {
				mg_str_printf(&out->log, "stage: %s is no "
				    "longer trusted: not asked as a "
				    "legitimate path\n", p->client);
				continue;
			}
			if (p->hole_if_accepted && trusts(kept, p->client)) {
				mg_str_printf(&out->log, "stage: %s is in a "
				    "network you keep: not asked to be "
				    "refused\n", p->client);
				continue;
			}
			if (p->hole_if_accepted && !open &&
			    trusts(now, p->client)) {
				mg_str_printf(&out->log, "stage: %s is "
				    "trusted by the new value: not asked to "
				    "be refused\n", p->client);
				continue;
			}
			mg_finding_probe_as(g, p->login, p->client,
			    p->client_name, p->sender, p->rcpt,
			    p->hole_if_accepted);
			mg_finding_probe_service(g, p->service);
		}
	}
	/* what the stage still has open, asked of the MTA itself */
	for (i = 0; i < srep->nfindings; i++) {
		f = &srep->findings[i];
		if (!addressed(f, fixes, n, blind))
			continue;
		g = NULL;
		for (k = 0; k < f->nprobes; k++) {
			p = &f->probes[k];
			if (!p->hole_if_accepted || asked(&out->probes,
			    p->client, 1) || trusts(kept, p->client))
				continue;
			if (g == NULL)
				g = copy_finding(&out->probes, f);
			mg_finding_probe_as(g, p->login, p->client,
			    p->client_name, p->sender, p->rcpt, 1);
			mg_finding_probe_service(g, p->service);
		}
	}
	if (n > 0 && !same_trust(was, now)) {
		g = mg_report_finding(&out->probes, "stage.trusted",
		    MG_SEV_INFO, "relay", "what the staged configuration "
		    "trusts");
		mg_finding_add_fix(g, trust_fix(fixes, n));
		/* only what the stage adds or changes: a network the live
		 * list already trusts is not the edit's business */
		for (i = 0, added = 0; i < now->n && added < MAX_LEGIT; i++) {
			if (now->v[i].family != 4 || written(was, &now->v[i]))
				continue;
			one_host(&now->v[i], addr, sizeof(addr));
			if (asked(&out->probes, addr, 0) ||
			    asked(&out->probes, addr, 1))
				continue;
			mg_finding_probe(g, addr, NULL, sender, rcpt, 0);
			added++;
		}
		for (i = 0, added = 0; i < was->n && added < MAX_GONE; i++) {
			if (was->v[i].family != 4 || holds(now, &was->v[i]) ||
			    !one_inside(&was->v[i], now, addr, sizeof(addr)) ||
			    asked(&out->probes, addr, 1))
				continue;
			mg_finding_probe(g, addr, NULL, sender, rcpt, 1);
			added++;
		}
		mg_str_printf(&out->log, "stage: %zu probe%s from what the "
		    "staged configuration trusts and no longer trusts\n",
		    g->nprobes, g->nprobes == 1 ? "" : "s");
	}
}

/* narrow - a public network an operator may trust as their own: a /24
 * of public space or less (IPv4), a single /64 or narrower (IPv6) */
static int
narrow(const struct mg_net *net, const struct mg_net_span *span)
{
	return (net->family == 4 ? span->public <= PUBLIC_NARROW :
	    net->prefix >= 64);
}

/*
 * without_narrow - the trusted-client list of m less its narrow public
 * entries written without host bits (into out, a list as the MTA writes
 * it: Exim's with "<;" separators, Postfix's with spaces), each added to
 * kept and said in log; how many there are
 */
static size_t
without_narrow(const struct mg_model *m, struct mg_str *out,
    struct nets *kept, struct mg_str *log)
{
	const char *param = mg_backend_trust_param(m->mta), *v;
	struct mg_net net;
	struct mg_net_span span;
	char count[64], **items;
	size_t i, n = 0;

	if (param == NULL || (v = mg_model_value(m, param)) == NULL)
		return (0);
	items = mg_backend_list_items(m->mta, v);
	mg_backend_list_start(m->mta, out);
	for (i = 0; items[i] != NULL; i++) {
		if (items[i][0] != '!' && mg_net_parse(items[i], &net,
		    NULL) == 0 && !mg_net_host_bits(&net)) {
			mg_net_span(&net, &span);
			if (span.public > 1.0 && narrow(&net, &span)) {
				mg_net_format_count(span.public, net.family,
				    count, sizeof(count));
				mg_str_printf(log, "stage: kept by you: %s "
				    "entry %s trusts %s public addresses (a "
				    "network this narrow is taken as your "
				    "own, not as a hole)\n", param +
				    (param[0] == '+'), items[i], count);
				*MG_ARRAY_PUSH(kept->v, kept->n,
				    kept->cap) = net;
				n++;
				continue;
			}
		}
		mg_backend_list_add(m->mta, out, items[i]);
	}
	mg_backend_list_free(items);
	return (n);
}

/*
 * accepted - the staged checks run again as if the operator's narrow
 * public entries were not written (into rep, initialised; kept: those
 * entries): the hole such an entry leaves is the operator's to keep, in
 * the log; a wide one or anything else the checks find stays a hole.
 * 1 if run, 0 if there is no such entry.  Findings are compared by id:
 * a fix may not be proposable on the changed value (Exim's fix finds
 * the value in its line).
 */
static int
accepted(struct mg_model *staged, struct mg_report *rep, struct nets *kept,
    struct mg_str *log)
{
	const char *param = mg_backend_trust_param(staged->mta);
	struct mg_param *p;
	struct mg_str v = MG_STR_INIT, said = MG_STR_INIT;
	char *old;

	if (param == NULL || mg_model_param(staged, param) == NULL ||
	    without_narrow(staged, &v, kept, &said) == 0) {
		mg_str_free(&v);
		mg_str_free(&said);
		return (0);
	}
	p = mg_model_param_add(staged, param);
	old = p->value;
	p->value = v.data;
	mg_checks_run(staged, rep);
	p->value = old;
	mg_str_puts(log, mg_str_cstr(&said));
	mg_str_free(&v);
	mg_str_free(&said);
	return (1);
}

/*
 * mg_fix_restage_needs - does the configuration of m (rep: its report)
 * still need fix id, the narrow public networks the operator keeps
 * accepted as on the stage?  The live check after an apply asks it.
 */
int
mg_fix_restage_needs(struct mg_model *m, const struct mg_report *rep,
    const char *id)
{
	struct mg_report r;
	struct nets kept = { NULL, 0, 0 };
	struct mg_str log = MG_STR_INIT;
	int needs = 1;

	if (mg_report_find_fix(rep, id) == NULL)
		return (0);
	size_t from = 0;

	mg_report_init(&r);
	if (accepted(m, &r, &kept, &log))
		needs = stays(rep, &r, id, &from) != NULL;
	mg_report_free(&r);
	mg_str_free(&log);
	free(kept.v);
	return (needs);
}

/*
 * mg_fix_restage_judge - the staged model checked: every fix applied
 * (but the blind ones, whose files the staged model cannot read) must no
 * longer be proposed; out gets the words if one is and the probes for
 * the proof.  live and rep: the live model and its report.  1 if the
 * hole stays, 0 if closed; the caller frees out (mg_restage_free).
 */
int
mg_fix_restage_judge(const struct mg_model *live, const struct mg_report *rep,
    struct mg_model *staged, const struct mg_fix *const *fixes,
    size_t n, const int *blind, struct mg_restage *out)
{
	struct mg_report srep, orig, rrep;
	const struct mg_report *left = NULL;
	struct nets was, now, kept = { NULL, 0, 0 };
	size_t k, from, judged = 0;
	int open = 0, still = 0;

	mg_report_init(&out->probes);
	mg_str_init(&out->why);
	mg_str_init(&out->log);
	mg_report_init(&srep);
	mg_report_init(&orig);
	mg_report_init(&rrep);
	mg_checks_run(staged, &srep);
	mg_checks_run(live, &orig);
	for (k = 0; k < n; k++)
		if ((blind == NULL || !blind[k]) &&
		    mg_report_find_fix(&srep, fixes[k]->id) != NULL)
			still = 1;
	left = still && accepted(staged, &rrep, &kept, &out->log) ? &rrep :
	    &srep;
	for (k = 0; k < n; k++) {
		if (blind != NULL && blind[k]) {
			mg_str_printf(&out->log, "stage: fix %s works through "
			    "files or commands the staged model does not see "
			    "(a table rebuilt, a file outside the stage): the "
			    "probes judge it\n", fixes[k]->id);
			continue;
		}
		judged++;
		from = 0;
		if (stays(&srep, left, fixes[k]->id, &from) == NULL)
			continue;
		hole_words(fixes[k], &orig, &srep, left, &out->why);
		open = 1;
	}
	if (!open && judged > 0)
		mg_str_printf(&out->log, "stage: the staged configuration, "
		    "checked as the live one is, no longer needs %s\n",
		    judged == 1 ? "this fix" : "these fixes");
	trust_of(live, &was);
	trust_of(staged, &now);
	derive(rep, &srep, &was, &now, &kept, fixes, n, blind, open, out);
	free(kept.v);
	free(was.v);
	free(now.v);
	mg_report_free(&srep);
	mg_report_free(&orig);
	mg_report_free(&rrep);
	return (open);
}

/*
 * mg_fix_restage_blind - does the staged model miss what fix x does?
 * A fix without edits, or one whose effect comes from a post-command
 * the stage does not run (postmap, postalias, newaliases, ... : the
 * staged model reads the old compiled tables), or one that edits a file
 * the stage does not hold (Postfix's stage has main.cf and master.cf).
 * Such a fix is left to the probes; a model judging it would always
 * still propose it.
 */
int
mg_fix_restage_blind(const struct mg_target *t, const struct mg_fix *x)
{
	size_t i;

	if (x->nedits == 0)
		return (1);
	for (i = 0; i < x->npost; i++)
		if (!mg_backend_post_seen(t, &x->post[i]))
			return (1);
	for (i = 0; i < x->nedits; i++)
		if (!mg_backend_stage_holds(t, x->edits[i].file))
			return (1);
	return (0);
}

/*
 * mg_fix_restage - read the stage the backend validated (c: its
 * directory and file, as the backend's validate named them) with the
 * backend and judge it (mg_fix_restage_judge).  -1 with err if the stage
 * cannot be read; else what the judge says.
 */
int
mg_fix_restage(const struct mg_session *a, const struct mg_fix *const *fixes,
    size_t n, const struct mg_change *c, struct mg_restage *out,
    struct mg_err *err)
{
	struct mg_target t = a->target;
	struct mg_model m;
	struct mg_err e2;
	int *blind, rc;
	size_t k;

	memset(out, 0, sizeof(*out));
	t.note = NULL;
	t.config_dir = c->dir[0] != '\0' ? (char *)c->dir : NULL;
	t.config_file = (char *)c->file;
	t.generated = c->generated ? (char *)c->file : NULL;
	rc = mg_backend_load_config(&t, &m, &e2);
	if (rc < 0)
		return (mg_err_set(err, "cannot read the staged "
		    "configuration back: %s", e2.msg));
	/* the same host and mail log weigh it as they weighed the live */
	m.host = a->model.host;
	m.log = a->model.log;
	m.now = a->model.now;
	blind = mg_xcalloc(n + 1, sizeof(*blind));
	for (k = 0; k < n; k++)
		blind[k] = mg_fix_restage_blind(&a->target, fixes[k]);
	rc = mg_fix_restage_judge(&a->model, &a->report, &m, fixes, n, blind,
	    out);
	free(blind);
	m.host = NULL;
	m.log = NULL;
	mg_model_free(&m);
	return (rc);
}

/* mg_restage_free - release what a restage collected; accepts NULL */
void
mg_restage_free(struct mg_restage *r)
{
	if (r == NULL)
		return;
	mg_report_free(&r->probes);
	mg_str_free(&r->why);
	mg_str_free(&r->log);
}
