/*
 * check_exim_routers.c - root and postmaster along Exim's real routing,
 * as exim -bt answers it (backends/exim/exim_route.c).
 *
 * exim.routers.any-domain: a redirect router without a "domains"
 * condition serves every domain unless an earlier router stops the
 * others (Exim's default: dnslookup, "domains = ! +local_domains",
 * no_more).  When exim -bt routes root@ a domain that is no one's
 * through it, mail to root@ or postmaster@ any domain - from local
 * programs and relay clients - goes through the aliases here instead
 * of to that domain.  The fix limits the router to +local_domains.
 *
 * exim.aliases.no-router: no redirect router reads an alias file and
 * exim -bt cannot route postmaster@ a local domain, while the RCPT ACL
 * (Exim's default) accepts postmaster before any verification: the mail
 * is taken, then bounced to its (often forged) sender - backscatter.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../backends/exim/exim_expand.h"
#include "../../backends/exim/exim_list.h"
#include "../../backends/exim/exim_route.h"
#include "../../core/mg_str.h"
#include "../checks.h"

#define FIX_DOMAINS "exim.routers.local-domains"

/* router_named - the router of that name, or NULL */
static const struct mg_rule *
router_named(const struct mg_model *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->nrules; i++)
		if (strcmp(m->rules[i].group, "routers") == 0 &&
		    strcmp(m->rules[i].verb, name) == 0)
			return (&m->rules[i]);
	return (NULL);
}

/* is_redirect - driver = redirect */
static int
is_redirect(const struct mg_rule *r)
{
	const struct mg_param *d = mg_rule_cond(r, "driver");

	return (d != NULL && d->value != NULL && strcmp(d->value,
	    "redirect") == 0);
}

/* add_domains_fix - "domains = +local_domains" after the router's driver
 * line, indented as that line is */
static void
add_domains_fix(const struct mg_model *m, struct mg_report *r,
    struct mg_finding *f, const struct mg_rule *router)
{
	const struct mg_param *drv = mg_rule_cond(router, "driver");
	const struct mg_srcfile *src;
	struct mg_str text = MG_STR_INIT;
	struct mg_fix *x;
	const char *line;
	size_t ind;

	if (mg_model_param(m, "+local_domains") == NULL || drv == NULL ||
	    drv->file == NULL || (src = mg_model_file(m, drv->file)) ==
	    NULL || drv->line == 0 || drv->line > src->nlines) {
		mg_finding_evidence(f, NULL, 0, "no fix proposed: %s",
		    mg_model_param(m, "+local_domains") == NULL ? "there is "
		    "no domainlist local_domains to limit the router to" :
		    "the router's driver line was not found in its file");
		return;
	}
	line = src->lines[drv->line - 1];
	if (strstr(line, "redirect") == NULL)
		return;		/* not the line we think it is */
	ind = strspn(line, " \t");
	mg_str_printf(&text, "%s\n%.*sdomains = +local_domains", line,
	    (int)ind, line);
	x = mg_report_fix(r, FIX_DOMAINS, "Limit the redirect router to the "
	    "local domains");
	(void)mg_fix_replace_line(x, drv->file, drv->line, line,
	    mg_str_cstr(&text));
	mg_check_exim_regenerate(m, x, drv->file);
	mg_finding_add_fix(f, x->id);
	mg_str_free(&text);
}

/* check_any_domain - a redirect router that took root@/postmaster@ a
 * domain that is no one's */
static void
check_any_domain(const struct mg_model *m, struct mg_report *r)
{
	static const char *const users[] = { "root", "postmaster", NULL };
	const struct mg_rule *router, *done = NULL;
	struct mg_finding *f;
	char addr[128];
	const char *v;
	size_t u;

	for (u = 0; users[u] != NULL; u++) {
		(void)snprintf(addr, sizeof(addr), "%s@%s", users[u],
		    MG_EXIM_FOREIGN);
		v = mg_exim_route(m, addr);
		if (v == NULL || *v == '!' ||
		    (router = router_named(m, v)) == NULL ||
		    !is_redirect(router) || router == done)
			continue;
		if (mg_rule_cond(router, "domains") != NULL) {
			/* its domains let this one in: say so, no fix */
			continue;
		}
		done = router;
		f = mg_report_finding(r, "exim.routers.any-domain",
		    MG_SEV_MEDIUM, "aliases", "A redirect router serves every "
		    "domain: mail to root@ or postmaster@ any domain is "
		    "redirected here");
		mg_finding_explain(f, "Exim offers an address to each router "
		    "in turn. This redirect router has no \"domains\" "
		    "condition and no earlier router stops addresses of "
		    "other domains (Exim's default puts dnslookup with "
		    "\"domains = ! +local_domains\" and no_more first), so "
		    "it expands root@gmail.com as if it were root@ this "
		    "host: mail your users, relay clients and local "
		    "programs write to root@, postmaster@ or any alias name "
		    "at another domain is delivered to this host's aliases "
		    "instead of to that domain, and the aliases answer for "
		    "every domain at RCPT. The fix adds \"domains = "
		    "+local_domains\" to the router.");
		mg_finding_evidence(f, router->file, router->line, "router "
		    "%s: driver = redirect, no domains condition", v);
		mg_finding_evidence(f, NULL, 0, "exim -bt %s: routed by %s "
		    "router (%s is a domain that is no one's)", addr, v,
		    MG_EXIM_FOREIGN);
		add_domains_fix(m, r, f, router);
	}
}

/* alias_router - a redirect router that reads an alias file */
static const struct mg_rule *
alias_router(const struct mg_model *m)
{
	const struct mg_param *c;
	char *path;
	size_t i;

	for (i = 0; i < m->nrules; i++) {
		if (strcmp(m->rules[i].group, "routers") != 0 ||
		    !is_redirect(&m->rules[i]) ||
		    (c = mg_rule_cond(&m->rules[i], "data")) == NULL ||
		    (path = mg_exim_lsearch_path(c->value)) == NULL)
			continue;
		free(path);
		return (&m->rules[i]);
	}
	return (NULL);
}

/* postmaster_accept - the RCPT ACL's accept for postmaster, or NULL */
static const struct mg_rule *
postmaster_accept(const struct mg_model *m)
{
	const char *acl = mg_model_value(m, "acl_smtp_rcpt");
	const struct mg_param *lp;
	size_t i;

	for (i = 0; acl != NULL && i < m->nrules; i++)
		if (strcmp(m->rules[i].group, acl) == 0 &&
		    strcmp(m->rules[i].verb, "accept") == 0 &&
		    (lp = mg_rule_cond(&m->rules[i], "local_parts")) != NULL &&
		    lp->value != NULL && strstr(lp->value, "postmaster") !=
		    NULL)
			return (&m->rules[i]);
	return (NULL);
}

/* check_no_router - postmaster@ a local domain that no router takes */
static void
check_no_router(const struct mg_model *m, struct mg_report *r)
{
	const struct mg_map *t = mg_model_map(m, MG_EXIM_ROUTES);
	const struct mg_rule *acc;
	struct mg_finding *f = NULL;
	struct mg_str routers = MG_STR_INIT;
	const char *at;
	size_t i;

	if (t == NULL || alias_router(m) != NULL)
		return;
	for (i = 0; i < t->nanswers; i++) {
		at = strchr(t->answers[i].key, '@');
		if (strncasecmp(t->answers[i].key, "postmaster@", 11) != 0 ||
		    t->answers[i].value == NULL ||
		    t->answers[i].value[0] != '!' ||
		    strcasecmp(at + 1, MG_EXIM_FOREIGN) == 0)
			continue;
		if (f == NULL) {
			f = mg_report_finding(r, "exim.aliases.no-router",
			    MG_SEV_MEDIUM, "aliases", "No router delivers "
			    "postmaster: it is accepted, then bounced");
			mg_finding_explain(f, "RFC 5321 requires every mail "
			    "domain to accept postmaster, and Exim's RCPT ACL "
			    "accepts it before any verification. But no "
			    "router here redirects it (there is no "
			    "system_aliases router reading /etc/aliases) and "
			    "there is no account named postmaster, so Exim "
			    "takes the message and then bounces it to the "
			    "sender it was given - usually forged: "
			    "backscatter to strangers, and reports meant for "
			    "the administrator are lost. Add, before the "
			    "router for local users, a router such as "
			    "\"system_aliases: driver = redirect, domains = "
			    "+local_domains, allow_fail, allow_defer, data = "
			    "${lookup{$local_part}lsearch{/etc/aliases}}\" "
			    "and a \"postmaster: you@example.com\" line in "
			    "/etc/aliases; no fix is proposed because where "
			    "the mail should go cannot be guessed.");
			acc = postmaster_accept(m);
			if (acc != NULL)
				mg_finding_evidence(f, acc->file, acc->line,
				    "%s: accept local_parts = %s, before any "
				    "verification", acc->group,
				    mg_rule_cond(acc, "local_parts")->value);
		}
		mg_finding_evidence(f, NULL, 0, "exim -bt %s: undeliverable - "
		    "%s", t->answers[i].key, t->answers[i].value + 1);
		mg_finding_probe(f, "198.51.100.9", NULL, "someone@other.test",
		    t->answers[i].key, 1);
	}
	if (f == NULL)
		return;
	for (i = 0; i < m->nrules; i++)
		if (strcmp(m->rules[i].group, "routers") == 0)
			mg_str_printf(&routers, "%s%s", routers.len > 0 ? ", " :
			    "", m->rules[i].verb);
	mg_finding_evidence(f, NULL, 0, "routers: %s - none redirects through "
	    "an alias file", routers.len > 0 ? mg_str_cstr(&routers) :
	    "none");
	mg_str_free(&routers);
}

/* mg_check_exim_routers - root and postmaster where Exim routes them */
void
mg_check_exim_routers(const struct mg_model *m, struct mg_report *r)
{
	check_any_domain(m, r);
	check_no_router(m, r);
}
