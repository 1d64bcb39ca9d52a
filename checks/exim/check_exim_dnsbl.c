/*
 * check_exim_dnsbl.c - exim.dnsbl.public-resolver: an ACL's dnslists
 * condition (spec: "Using DNS lists") while resolv.conf names a public
 * resolver, which the lists refuse (check_dnsbl.c).  Exim asks through
 * the system resolver: dns_* options change retries, not the server.
 * Exim does not chroot: only the host's resolv.conf (and, behind
 * systemd-resolved's stub, its upstream servers) is judged.
 */
#include <string.h>

#include "../../core/mg_str.h"
#include "../checks.h"

/* mg_check_exim_dnsbl - blocklists asked through a public resolver */
void
mg_check_exim_dnsbl(const struct mg_model *m, struct mg_report *r)
{
	const struct mg_rule *a;
	const struct mg_param *c;
	struct mg_finding *f = NULL;
	const char *name;
	size_t i, k;

	if (m->resolv == NULL)
		return;
	for (i = 0; i < m->nrules; i++) {
		a = &m->rules[i];
		for (k = 0; k < a->nconds; k++) {
			c = &a->conds[k];
			name = c->name + (c->name[0] == '!');
			if (strcmp(name, "dnslists") != 0 || c->value == NULL ||
			    !mg_check_dnsbl_public(c->value, strlen(c->value)))
				continue;	/* DQS keys: any resolver */
			if (f == NULL && (f = mg_check_dnsbl_finding(m->resolv,
			    NULL, r, "exim.dnsbl.public-resolver")) == NULL)
				return;
			mg_finding_evidence(f, c->file != NULL ? c->file :
			    a->file, c->line != 0 ? c->line : a->line,
			    "%s: %s %s = %s", a->group != NULL ? a->group :
			    "ACL", a->verb != NULL ? a->verb : "", c->name,
			    c->value != NULL ? c->value : "");
		}
	}
	if (f != NULL)
		mg_check_dnsbl_resolvers(m->resolv, f, NULL);
}
