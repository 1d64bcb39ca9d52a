/*
 * check_pf_dnsbl.c - postfix.dnsbl.public-resolver: DNS blocklists that
 * Postfix asks (postscreen_dnsbl_sites when postscreen runs;
 * reject_rbl_client, reject_rhsbl_*, permit_dnswl_client and
 * permit_rhswl_client in any restriction list, in main.cf or a service's
 * -o override) while resolv.conf names a public resolver, which the
 * lists refuse (check_dnsbl.c).  A service chrooted in master.cf reads
 * $queue_directory/etc/resolv.conf instead (the model's resolv_chroot).
 */
#include <string.h>

#include "../../core/mg_str.h"
#include "../checks.h"

#define ID "postfix.dnsbl.public-resolver"

/* Restrictions that ask a DNS list (postconf(5)). */
static const char *const dnsbl_restr[] = {
	"reject_rbl_client", "reject_rhsbl_client", "reject_rhsbl_sender",
	"reject_rhsbl_helo", "reject_rhsbl_recipient",
	"reject_rhsbl_reverse_client", "permit_dnswl_client",
	"permit_rhswl_client", NULL
};

/* SEP - what separates elements of a Postfix list */
#define SEP " \t\r\n,"

/* is_restr - the token [p, p+n) is one of dnsbl_restr */
static int
is_restr(const char *p, size_t n)
{
	size_t i;

	for (i = 0; dnsbl_restr[i] != NULL; i++)
		if (strlen(dnsbl_restr[i]) == n &&
		    memcmp(dnsbl_restr[i], p, n) == 0)
			return (1);
	return (0);
}

/*
 * mg_check_pf_dnsbl_lists - the DNS lists a restriction value asks, as
 * "reject_rbl_client zen.spamhaus.org, ..." appended to out; how many
 */
size_t
mg_check_pf_dnsbl_lists(const char *value, struct mg_str *out)
{
	const char *p = value, *q;
	size_t n, k = 0;

	while (*(p += strspn(p, SEP)) != '\0') {
		n = strcspn(p, SEP);
		if (!is_restr(p, n)) {
			p += n;
			continue;
		}
		q = p + n;
		q += strspn(q, SEP);
		if (strcspn(q, SEP) > 0 &&
		    !mg_check_dnsbl_public(q, strcspn(q, SEP))) {
			p = q + strcspn(q, SEP);
			continue;	/* a DQS key: any resolver answers */
		}
		mg_str_printf(out, "%s%.*s %.*s", out->len > 0 ? ", " : "",
		    (int)n, p, (int)strcspn(q, SEP), q);
		k++;
		p = q + strcspn(q, SEP);
	}
	return (k);
}

/* runs_postscreen - a master.cf service runs postscreen */
static int
runs_postscreen(const struct mg_model *m)
{
	size_t i;

	for (i = 0; i < m->nservices; i++)
		if (m->services[i].command != NULL &&
		    strcmp(m->services[i].command, "postscreen") == 0)
			return (1);
	return (0);
}

/* empty - a value with nothing but separators */
static int
empty(const char *v)
{
	return (v == NULL || v[strspn(v, SEP)] == '\0');
}

/* asks - the DNS lists parameter p asks (as evidence text into s); 0:
 * none that the public-resolver refusal applies to */
static int
asks(const struct mg_model *m, const struct mg_param *p, struct mg_str *s)
{
	size_t n;

	n = strlen(p->name);
	if (p->value == NULL || (n > 5 && strcmp(p->name + n - 5,
	    "_maps") == 0))
		return (0);	/* proxy_read_maps names restrictions too */
	if (strcmp(p->name, "postscreen_dnsbl_sites") == 0) {
		if (empty(p->value) || !runs_postscreen(m) ||
		    !mg_check_dnsbl_public(p->value, strlen(p->value)))
			return (0);
		mg_str_puts(s, p->value);
		return (1);
	}
	return (mg_check_pf_dnsbl_lists(p->value, s) > 0);
}

/* The resolvers the services asking the lists read: the host's, the
 * chroot copy's (master.cf chroot "y"), and the chrooted ones' names. */
struct who {
	int host, chroot;
	struct mg_str names;
};

/*
 * mark - who asks p's lists: svc's own resolver for a -o override (svc
 * non-NULL), else every service running the program that asks (smtpd
 * for restrictions; dnsblog, postscreen's DNS client, for
 * postscreen_dnsbl_sites) that does not override it with -o; the host's
 * when master.cf lists none
 */
static void
mark(const struct mg_model *m, const struct mg_param *p,
    const struct mg_service *svc, struct who *w)
{
	const char *cmd = strcmp(p->name, "postscreen_dnsbl_sites") == 0 ?
	    "dnsblog" : "smtpd";
	const struct mg_service *s;
	size_t i, n = 0;

	for (i = 0; i < m->nservices; i++) {
		s = &m->services[i];
		if (svc != NULL ? s != svc : (s->command == NULL ||
		    strcmp(s->command, cmd) != 0 ||
		    mg_service_override(s, p->name) != NULL))
			continue;	/* its own -o value is judged alone */
		n++;
		if (!s->chroot || m->resolv_chroot == NULL) {
			w->host = 1;
			continue;
		}
		w->chroot = 1;
		if (strstr(mg_str_cstr(&w->names), s->name) == NULL)
			mg_str_printf(&w->names, "%s%s", w->names.len > 0 ?
			    ", " : "", s->name);
	}
	if (n == 0)
		w->host = 1;
}

/* evidence - where p asks its lists, as evidence of f; svc names the
 * service of an override, NULL for main.cf */
static void
evidence(const struct mg_model *m, struct mg_finding *f,
    const struct mg_param *p, const char *svc)
{
	struct mg_str s = MG_STR_INIT;

	if (!asks(m, p, &s)) {
		mg_str_free(&s);
		return;
	}
	if (svc != NULL)
		mg_finding_evidence(f, p->file, p->line, "service %s: -o %s "
		    "asks %s", svc, p->name, mg_str_cstr(&s));
	else
		mg_finding_evidence(f, p->file, p->line, "%s asks %s",
		    p->name, mg_str_cstr(&s));
	mg_str_free(&s);
}

/*
 * mg_check_pf_dnsbl - blocklists asked through a public resolver: the
 * host's resolv.conf for services that do not chroot, the copy in
 * $queue_directory/etc/resolv.conf for those that do (a copy that
 * differs from the host's is said: stale)
 */
void
mg_check_pf_dnsbl(const struct mg_model *m, struct mg_report *r)
{
	const struct mg_service *svc;
	struct mg_finding *f;
	struct mg_str s = MG_STR_INIT;
	struct who w = { 0, 0, MG_STR_INIT };
	size_t i, k;

	if (m->resolv == NULL)
		return;
	for (i = 0; i < m->nparams; i++)
		if (asks(m, &m->params[i], &s))
			mark(m, &m->params[i], NULL, &w);
	for (i = 0; i < m->nservices; i++) {
		svc = &m->services[i];
		for (k = 0; k < svc->noverrides; k++)
			if (asks(m, &svc->overrides[k], &s))
				mark(m, &svc->overrides[k], svc, &w);
	}
	mg_str_free(&s);
	f = NULL;
	if (w.host || w.chroot)
		f = mg_check_dnsbl_finding(w.host ? m->resolv :
		    m->resolv_chroot, w.host && w.chroot ? m->resolv_chroot :
		    NULL, r, ID);
	if (f == NULL) {
		mg_str_free(&w.names);
		return;
	}
	for (i = 0; i < m->nparams; i++)
		evidence(m, f, &m->params[i], NULL);
	for (i = 0; i < m->nservices; i++) {
		svc = &m->services[i];
		for (k = 0; k < svc->noverrides; k++)
			evidence(m, f, &svc->overrides[k], svc->name);
	}
	if (w.host)
		mg_check_dnsbl_resolvers(m->resolv, f, w.chroot ?
		    "services not chrooted: " : NULL);
	if (w.chroot) {
		mg_str_printf(&s, "chrooted %s (master.cf chroot y): ",
		    mg_str_cstr(&w.names));
		mg_check_dnsbl_resolvers(m->resolv_chroot, f,
		    mg_str_cstr(&s));
		if (!mg_resolv_same(m->resolv, m->resolv_chroot))
			mg_finding_evidence(f, m->resolv_chroot->path, 0,
			    "this copy, which chrooted %s reads, differs from "
			    "%s: a stale copy (Postfix's start refreshes it "
			    "on Debian)", mg_str_cstr(&w.names),
			    m->resolv->path);
	}
	mg_str_free(&s);
	mg_str_free(&w.names);
}
