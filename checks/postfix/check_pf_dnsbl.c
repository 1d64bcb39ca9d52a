/*
 * check_pf_dnsbl.c - postfix.dnsbl.public-resolver: DNS blocklists that
 * Postfix asks (postscreen_dnsbl_sites when postscreen runs;
 * reject_rbl_client, reject_rhsbl_*, permit_dnswl_client and
 * permit_rhswl_client in any restriction list, in main.cf or a service's
 * -o override) while resolv.conf names a public resolver, which the
 * lists refuse (check_dnsbl.c).
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

/* use - one parameter's DNS lists as evidence (f created on first use);
 * svc names the service of an override, NULL for main.cf */
static void
use(const struct mg_model *m, struct mg_report *r, struct mg_finding **f,
    const struct mg_param *p, const char *svc, int *none)
{
	struct mg_str s = MG_STR_INIT;
	size_t n;

	n = strlen(p->name);
	if (p->value == NULL || (n > 5 && strcmp(p->name + n - 5,
	    "_maps") == 0))
		return;		/* proxy_read_maps names restrictions too */
	if (strcmp(p->name, "postscreen_dnsbl_sites") == 0) {
		if (empty(p->value) || !runs_postscreen(m) ||
		    !mg_check_dnsbl_public(p->value, strlen(p->value)))
			return;
		mg_str_puts(&s, p->value);
	} else if (mg_check_pf_dnsbl_lists(p->value, &s) == 0) {
		mg_str_free(&s);
		return;
	}
	if (*f == NULL && (*f = mg_check_dnsbl_finding(m, r, ID)) == NULL) {
		*none = 1;
		mg_str_free(&s);
		return;
	}
	if (svc != NULL)
		mg_finding_evidence(*f, p->file, p->line, "service %s: -o %s "
		    "asks %s", svc, p->name, mg_str_cstr(&s));
	else
		mg_finding_evidence(*f, p->file, p->line, "%s asks %s",
		    p->name, mg_str_cstr(&s));
	mg_str_free(&s);
}

/* mg_check_pf_dnsbl - blocklists asked through a public resolver */
void
mg_check_pf_dnsbl(const struct mg_model *m, struct mg_report *r)
{
	const struct mg_service *svc;
	struct mg_finding *f = NULL;
	size_t i, k;
	int none = 0;

	if (m->resolv == NULL)
		return;
	for (i = 0; i < m->nparams && !none; i++)
		use(m, r, &f, &m->params[i], NULL, &none);
	for (i = 0; i < m->nservices && !none; i++) {
		svc = &m->services[i];
		for (k = 0; k < svc->noverrides && !none; k++)
			use(m, r, &f, &svc->overrides[k], svc->name, &none);
	}
	if (f != NULL)
		mg_check_dnsbl_resolvers(m, f);
}
