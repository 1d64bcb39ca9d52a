/*
 * exim_probe_plan.c - Exim's part of the probe plan (checks/probe_plan.c):
 * the ranges relay_from_hosts trusts, the server's own domains, and every
 * grant: a host, sender or HELO name that an accept statement of the
 * RCPT ACL names - exim -bh then judges whether each opens the relay.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../backends/exim/exim_list.h"
#include "../../core/mg_str.h"
#include "../checks.h"
#include "../probe_plan.h"

/* exim_ranges - relay_from_hosts */
static void
exim_ranges(const struct mg_model *m, struct mg_plan_ranges *rs)
{
	const struct mg_param *p = mg_model_param(m, "+relay_from_hosts");
	struct mg_exim_list l;
	struct mg_str it = MG_STR_INIT;

	if (p == NULL || p->value == NULL)
		return;
	mg_exim_list_init(&l, p->value);
	while (mg_exim_list_next(&l, &it))
		if (it.data != NULL)
			mg_plan_add_range(rs, it.data, it.len,
			    "relay_from_hosts", p->file, p->line, 0);
	mg_str_free(&it);
}

/* exim_own_list - the domains of a list parameter */
static void
exim_own_list(const struct mg_model *m, const char *name,
    struct mg_probe_plan *pl)
{
	const struct mg_param *p = mg_model_param(m, name);
	struct mg_exim_list l;
	struct mg_str it = MG_STR_INIT;

	if (p == NULL || p->value == NULL)
		return;
	mg_exim_list_init(&l, p->value);
	while (mg_exim_list_next(&l, &it))
		if (it.data != NULL)
			mg_probe_plan_own(pl, it.data, it.len);
	mg_str_free(&it);
}

/* exim_own - the server's own domains */
static void
exim_own(const struct mg_model *m, struct mg_probe_plan *pl)
{
	exim_own_list(m, "+local_domains", pl);
	exim_own_list(m, "qualify_domain", pl);
	exim_own_list(m, "+relay_to_domains", pl);
}

/* exim_mail_domain_list - the domains of one domain list (a named list
 * "+local_domains" as exim -bP prints it): "@" is primary_hostname (spec
 * 10.7); negations, patterns, lookups, expansions, "@[]" and named
 * lists are no name DNS could be asked */
static void
exim_mail_domain_list(const struct mg_model *m, const char *name,
    struct mg_mail_domains *d)
{
	const struct mg_param *p = mg_model_param(m, name);
	const char *primary = mg_model_value(m, "primary_hostname");
	struct mg_exim_list l;
	struct mg_str it = MG_STR_INIT;

	if (p == NULL || p->value == NULL)
		return;
	mg_exim_list_init(&l, p->value);
	while (mg_exim_list_next(&l, &it)) {
		if (it.data == NULL || it.len == 0)
			continue;
		if (strcmp(it.data, "@") == 0) {
			if (primary != NULL)
				mg_mail_domain_add(d, primary,
				    strlen(primary));
			continue;
		}
		if (strpbrk(it.data, "!*^;$@[+") != NULL)
			continue;
		mg_mail_domain_add(d, it.data, it.len);
	}
	mg_str_free(&it);
}

/* exim_mail_domains - the domains Exim receives mail for: local_domains
 * and relay_to_domains (Debian's configuration and the default one name
 * them so); none when Exim presents no certificate file of its own */
static void
exim_mail_domains(const struct mg_model *m, struct mg_mail_domains *d)
{
	const char *adv = mg_model_value(m, "tls_advertise_hosts");
	const char *cert = mg_model_value(m, "tls_certificate");

	if (adv == NULL || *adv == '\0' || cert == NULL ||
	    *(cert + strspn(cert, " \t")) == '\0')
		return;	/* no STARTTLS, or Exim's own self-signed one */
	exim_mail_domain_list(m, "+local_domains", d);
	exim_mail_domain_list(m, "+relay_to_domains", d);
}

/*
 * exim_items - the items of an Exim list, a named list (+name) expanded
 * once; each passed to fn
 */
static void
exim_items(const struct mg_model *m, const char *list, int depth,
    void (*fn)(const char *, void *), void *arg)
{
	const struct mg_param *p;
	struct mg_exim_list l;
	struct mg_str it = MG_STR_INIT;
	char name[130];

	mg_exim_list_init(&l, list);
	while (mg_exim_list_next(&l, &it)) {
		if (it.data == NULL || it.len == 0)
			continue;
		if (it.data[0] == '+' && depth == 0 && it.len < sizeof(name)) {
			(void)snprintf(name, sizeof(name), "%s", it.data);
			if (strcmp(name, "+relay_from_hosts") == 0)
				continue;	/* read as a range already */
			p = mg_model_param(m, name);
			if (p != NULL && p->value != NULL)
				exim_items(m, p->value, 1, fn, arg);
			continue;
		}
		fn(it.data, arg);
	}
	mg_str_free(&it);
}

/* What an Exim accept statement grants, while its items are read. */
struct exim_grant {
	const struct mg_rule *rule;
	const char *acl;
	const char *cond;	/* "senders", "hosts" */
	struct mg_plan_ranges *rs;
	struct mg_probe_plan *pl;
};

/* exim_grant_item - one item of an accept's senders or hosts list */
static void
exim_grant_item(const char *item, void *arg)
{
	struct exim_grant *g = arg;
	char entry[MG_PLAN_ENTRY_MAX], value[MG_PROBE_ADDR_MAX];

	if (*item == '!' || strchr(item, '$') != NULL || strchr(item, ';') !=
	    NULL || *item == '^' || *item == '/')
		return;
	(void)snprintf(entry, sizeof(entry), "%s: accept %s = %s", g->acl,
	    g->cond, item);
	if (strcmp(g->cond, "hosts") == 0) {
		mg_plan_add_range(g->rs, item, strlen(item), entry,
		    g->rule->file, g->rule->line, 1);
		return;
	}
	if (g->pl->ngrants >= MG_PLAN_GRANTS_MAX)
		return;
	/* Exim address lists: "*@domain", "user@domain", "domain" (the
	 * domain part matched as a domain list item), "*.domain" */
	if (strncmp(item, "*@", 2) == 0)
		item += 1;
	else if (item[0] == '*' && item[1] == '.')
		item += 1;
	if (mg_plan_key_address(item, 0, "postmaster", MG_PROBE_FOREIGN, value,
	    sizeof(value)) && value[0] != '\0')
		(void)mg_probe_plan_grant(g->pl, MG_GRANT_SENDER, value, entry,
		    g->rule->file, g->rule->line);
}

/*
 * exim_helo_grant - an accept's condition that compares the HELO name
 * with a literal ("${if eq{$sender_helo_name}{gw.partner.example}}",
 * eqi too): that name becomes a HELO grant
 */
static void
exim_helo_grant(const struct exim_grant *g, const char *cond)
{
	static const char *const forms[] = { "eq{$sender_helo_name}{",
	    "eqi{$sender_helo_name}{", NULL };
	char entry[MG_PLAN_ENTRY_MAX], name[MG_PROBE_ADDR_MAX];
	const char *p;
	size_t i, n;

	for (i = 0; forms[i] != NULL; i++) {
		if ((p = strstr(cond, forms[i])) == NULL)
			continue;
		p += strlen(forms[i]);
		n = strcspn(p, "}$ \t");
		if (n == 0 || n >= sizeof(name) || p[n] != '}')
			return;
		memcpy(name, p, n);
		name[n] = '\0';
		(void)snprintf(entry, sizeof(entry), "%s: accept condition = "
		    "%.120s", g->acl, cond);
		if (g->pl->ngrants < MG_PLAN_GRANTS_MAX)
			(void)mg_probe_plan_grant(g->pl, MG_GRANT_HELO, name,
			    entry, g->rule->file, g->rule->line);
		return;
	}
}

/* exim_grants - senders and hosts lists of accept statements in the
 * RCPT ACL, and conditions on the HELO name: exim -bh judges whether
 * each opens the relay */
static void
exim_grants(const struct mg_model *m, struct mg_plan_ranges *rs,
    struct mg_probe_plan *pl)
{
	const char *acl = mg_model_value(m, "acl_smtp_rcpt");
	const struct mg_param *c;
	struct exim_grant g;
	size_t i, k;

	if (acl == NULL)
		return;
	for (i = 0; i < m->nrules; i++) {
		if (m->rules[i].group == NULL || strcmp(m->rules[i].group,
		    acl) != 0 || strcmp(m->rules[i].verb, "accept") != 0)
			continue;
		for (k = 0; k < m->rules[i].nconds; k++) {
			c = &m->rules[i].conds[k];
			g.rule = &m->rules[i];
			g.acl = acl;
			g.cond = c->name;
			g.rs = rs;
			g.pl = pl;
			if (c->value != NULL && strcmp(c->name, "condition") ==
			    0)
				exim_helo_grant(&g, c->value);
			if (c->value == NULL || (strcmp(c->name, "senders") !=
			    0 && strcmp(c->name, "hosts") != 0))
				continue;
			exim_items(m, c->value, 0, exim_grant_item, &g);
		}
	}
}

const struct mg_probe_planner mg_probe_planner_exim = {
	.mta = MG_MTA_EXIM,
	.hostname = "primary_hostname",
	.ranges = exim_ranges,
	.own = exim_own,
	.grants = exim_grants,
	.mail_domains = exim_mail_domains,
};
