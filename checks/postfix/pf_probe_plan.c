/*
 * pf_probe_plan.c - Postfix's part of the probe plan (checks/probe_plan.c):
 * the ranges mynetworks trusts (its elements and the keys of its
 * tables), the server's own domains, and every grant: a client, sender,
 * HELO or recipient that an access table of the relay decision answers
 * OK for - smtpd then judges whether each opens the relay.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../backends/postfix/pf_list.h"
#include "../../backends/postfix/pf_maps.h"
#include "../checks.h"
#include "../probe_plan.h"

/* pf_ranges - mynetworks: its elements and the keys of its tables */
static void
pf_ranges(const struct mg_model *m, struct mg_plan_ranges *rs)
{
	const struct mg_param *p = mg_model_param(m, "mynetworks");
	const struct mg_map *t;
	const char *cur, *elem;
	char ref[512];
	size_t len, i;

	if (p == NULL || p->value == NULL)
		return;
	for (cur = p->value; mg_pf_list_next(&cur, &elem, &len);) {
		if (!mg_pf_map_ref(elem, len, ref, sizeof(ref))) {
			mg_plan_add_range(rs, elem, len, "mynetworks",
			    p->file, p->line, 0);
			continue;
		}
		if ((t = mg_model_map(m, ref)) == NULL)
			continue;
		for (i = 0; i < t->nentries; i++)
			mg_plan_add_range(rs, t->entries[i].key,
			    strlen(t->entries[i].key), "mynetworks",
			    t->source != NULL ? t->source : p->file,
			    t->source != NULL ? t->entries[i].line : p->line,
			    0);
	}
}

/* pf_own_list - the domains of a list parameter */
static void
pf_own_list(const struct mg_model *m, const char *name,
    struct mg_probe_plan *pl)
{
	const struct mg_param *p = mg_model_param(m, name);
	const char *cur, *elem;
	size_t len;

	if (p == NULL || p->value == NULL)
		return;
	for (cur = p->value; mg_pf_list_next(&cur, &elem, &len);)
		mg_probe_plan_own(pl, elem, len);
}

/* pf_own - the server's own domains */
static void
pf_own(const struct mg_model *m, struct mg_probe_plan *pl)
{
	pf_own_list(m, "mydomain", pl);
	pf_own_list(m, "mydestination", pl);
	pf_own_list(m, "myorigin", pl);
	pf_own_list(m, "virtual_alias_domains", pl);
	pf_own_list(m, "virtual_mailbox_domains", pl);
	pf_own_list(m, "relay_domains", pl);
}

/* pf_cert_named - a server certificate file is named in main.cf or an
 * smtpd service's -o (smtpd_tls_cert_file, _eccert_file, _chain_files) */
static int
pf_cert_named(const struct mg_model *m)
{
	static const char *const params[] = { "smtpd_tls_cert_file",
	    "smtpd_tls_eccert_file", "smtpd_tls_chain_files", NULL };
	const struct mg_param *p;
	size_t k, i;

	for (k = 0; params[k] != NULL; k++) {
		p = mg_model_param(m, params[k]);
		if (p != NULL && p->value != NULL && *p->value != '\0')
			return (1);
		for (i = 0; i < m->nservices; i++) {
			p = mg_service_override(&m->services[i], params[k]);
			if (p != NULL && p->value != NULL && *p->value != '\0')
				return (1);
		}
	}
	return (0);
}

/*
 * pf_mail_domains - the domains Postfix receives mail for: mydestination
 * (local), virtual_alias_domains and virtual_mailbox_domains (virtual),
 * relay_domains (relay); postconf's effective values, each element a
 * domain or a table whose keys are (postconf(5): "a list of domains,
 * /file/name or type:table patterns").  None when no certificate is
 * named: DNS is then not asked.
 */
static void
pf_mail_domains(const struct mg_model *m, struct mg_mail_domains *d)
{
	static const char *const params[] = { "mydestination",
	    "virtual_alias_domains", "virtual_mailbox_domains",
	    "relay_domains", NULL };
	const struct mg_param *p;
	const struct mg_map *t;
	const char *cur, *elem;
	char ref[512];
	size_t k, i, len;

	if (!pf_cert_named(m))
		return;	/* no certificate: no name to check */
	for (k = 0; params[k] != NULL; k++) {
		if ((p = mg_model_param(m, params[k])) == NULL ||
		    p->value == NULL)
			continue;
		for (cur = p->value; mg_pf_list_next(&cur, &elem, &len);) {
			if (!mg_pf_map_ref(elem, len, ref, sizeof(ref))) {
				mg_mail_domain_add(d, elem, len);
				continue;
			}
			if ((t = mg_model_map(m, ref)) == NULL)
				continue;
			for (i = 0; i < t->nentries; i++)
				mg_mail_domain_add(d, t->entries[i].key,
				    strlen(t->entries[i].key));
		}
	}
}

/*
 * pf_grant_table - the entries of the access table t (consulted by
 * restriction) that answer with accept: clients become ranges, senders,
 * HELO names and recipients (not the server's own) grants of the plan
 */
static void
pf_grant_table(const char *restriction, const struct mg_map *t,
    struct mg_plan_ranges *rs, struct mg_probe_plan *pl)
{
	const struct mg_map_entry *e;
	char entry[MG_PLAN_ENTRY_MAX], value[MG_PROBE_ADDR_MAX];
	const char *file = t->source != NULL ? t->source : t->name;
	size_t i;
	int regex = strcmp(t->type, "regexp") == 0 ||
	    strcmp(t->type, "pcre") == 0;

	for (i = 0; i < t->nentries; i++) {
		e = &t->entries[i];
		if (!mg_check_pf_permissive(e->value) || *e->key == '!')
			continue;
		(void)snprintf(entry, sizeof(entry), "%s %s: %s %s",
		    restriction, t->ref, e->key, e->value);
		if (strcmp(restriction, "check_client_access") == 0) {
			if (regex ||
			    !mg_check_key_net(e->key, value, sizeof(value)))
				continue;
			mg_plan_add_range(rs, value, strlen(value), entry,
			    file, e->line, 1);
		} else if (pl->ngrants >= MG_PLAN_GRANTS_MAX)
			return;
		else if (strcmp(restriction, "check_sender_access") == 0) {
			if (mg_plan_key_address(e->key, regex, "postmaster",
			    MG_PROBE_FOREIGN, value, sizeof(value)))
				(void)mg_probe_plan_grant(pl, MG_GRANT_SENDER,
				    value, entry, file, e->line);
		} else if (strcmp(restriction, "check_helo_access") == 0) {
			if (mg_plan_key_helo(e->key, regex, value,
			    sizeof(value)))
				(void)mg_probe_plan_grant(pl, MG_GRANT_HELO,
				    value, entry, file, e->line);
		} else if (strcmp(restriction, "check_recipient_access") ==
		    0) {
			if (mg_plan_key_address(e->key, regex, MG_PROBE_USER,
			    MG_PROBE_FOREIGN, value, sizeof(value)) &&
			    value[0] != '\0' && !mg_plan_own_domain(pl, value))
				(void)mg_probe_plan_grant(pl, MG_GRANT_RCPT,
				    value, entry, file, e->line);
		}
	}
}

/*
 * pf_grants - the access tables of smtpd_relay_restrictions and
 * smtpd_recipient_restrictions (the lists that decide relaying,
 * postconf(5)): every entry answering OK or permit is a way in, whether
 * it comes before the relay decision or not - smtpd itself then judges
 * each one
 */
static void
pf_grants(const struct mg_model *m, struct mg_plan_ranges *rs,
    struct mg_probe_plan *pl)
{
	static const char *const lists[] = { "smtpd_relay_restrictions",
	    "smtpd_recipient_restrictions", NULL };
	static const char *const tables[] = { "check_client_access",
	    "check_sender_access", "check_helo_access",
	    "check_recipient_access", NULL };
	const struct mg_map *t;
	const char *cur, *elem, *v;
	char name[64], ref[512];
	size_t len, i, k;

	for (i = 0; lists[i] != NULL; i++) {
		if ((v = mg_model_value(m, lists[i])) == NULL)
			continue;
		for (cur = v; mg_pf_list_next(&cur, &elem, &len);) {
			if (len >= sizeof(name))
				continue;
			memcpy(name, elem, len);
			name[len] = '\0';
			for (k = 0; tables[k] != NULL; k++)
				if (strcmp(name, tables[k]) == 0)
					break;
			if (tables[k] == NULL || !mg_pf_list_next(&cur, &elem,
			    &len) || len >= sizeof(ref))
				continue;
			memcpy(ref, elem, len);
			ref[len] = '\0';
			if ((t = mg_model_map(m, ref)) != NULL)
				pf_grant_table(tables[k], t, rs, pl);
		}
	}
}

const struct mg_probe_planner mg_probe_planner_postfix = {
	.mta = MG_MTA_POSTFIX,
	.hostname = "myhostname",
	.ranges = pf_ranges,
	.own = pf_own,
	.grants = pf_grants,
	.mail_domains = pf_mail_domains,
};
