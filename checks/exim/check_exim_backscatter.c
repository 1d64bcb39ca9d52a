/*
 * check_exim_backscatter.c - Exim's RCPT ACL accepting a local address
 * before "verify = recipient": a local part no router can deliver is
 * accepted (250), and Exim bounces it afterwards to the sender, forged
 * in spam: backscatter.  exim -bt judges whether the made-up local part
 * is undeliverable (no finding when a catch-all router takes it); exim
 * -bh, through the finding's probes, whether RCPT accepts it.  Debian's
 * stock acl_check_rcpt has "require verify = recipient" before its last
 * accept and gives no finding.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../backends/exim/exim_list.h"
#include "../../backends/exim/exim_route.h"
#include "../../core/mg_str.h"
#include "../checks.h"

#define FIX_ID "exim.backscatter.verify-recipient"

/* Conditions that limit an accept to clients the operator trusts (their
 * bounces go to a real sender), or to named local parts. */
static const char *const narrow_conds[] = { "hosts", "!hosts",
	"authenticated", "!authenticated", "condition", "!condition",
	"acl", "!acl", "senders", "!senders", "sender_domains",
	"!sender_domains", "local_parts", "!local_parts", "recipients",
	"!recipients", "encrypted", NULL };

/* narrow - the statement applies only to some clients or local parts */
static int
narrow(const struct mg_rule *r)
{
	size_t i, k;

	for (i = 0; i < r->nconds; i++)
		for (k = 0; narrow_conds[k] != NULL; k++)
			if (strcmp(r->conds[i].name, narrow_conds[k]) == 0)
				return (1);
	return (0);
}

/* verifies_recipient - a "require verify = recipient" or "deny !verify =
 * recipient" (any options after the slash) */
static int
verifies_recipient(const struct mg_rule *r)
{
	const char *want;
	size_t i;

	if (strcmp(r->verb, "require") == 0)
		want = "verify";
	else if (strcmp(r->verb, "deny") == 0 || strcmp(r->verb, "drop") ==
	    0)
		want = "!verify";
	else
		return (0);
	for (i = 0; i < r->nconds; i++)
		if (strcmp(r->conds[i].name, want) == 0 &&
		    r->conds[i].value != NULL && strncasecmp(r->conds[i].value,
		    "recipient", 9) == 0 && (r->conds[i].value[9] == '\0' ||
		    r->conds[i].value[9] == '/'))
			return (1);
	return (0);
}

/* accept_verified - the accept itself carries verify = recipient */
static int
accept_verified(const struct mg_rule *r)
{
	const struct mg_param *v = mg_rule_cond(r, "verify");

	return (v != NULL && v->value != NULL && strncasecmp(v->value,
	    "recipient", 9) == 0);
}

/* local_accept - an accept for the local domains: "domains" naming
 * +local_domains, or no domains condition at all */
static int
local_accept(const struct mg_rule *r)
{
	const struct mg_param *d = mg_rule_cond(r, "domains");

	if (strcmp(r->verb, "accept") != 0 || narrow(r) || accept_verified(r))
		return (0);
	return (d == NULL || (d->value != NULL && strstr(d->value,
	    "+local_domains") != NULL && strchr(d->value, '!') == NULL));
}

/* nosuch - the made-up address exim -bt was asked about, and its answer
 * ("!why" undeliverable); NULL if not asked */
static const char *
nosuch(const struct mg_model *m, const char **answer)
{
	const struct mg_map *t = mg_model_map(m, MG_EXIM_ROUTES);
	size_t i, n = strlen(MG_EXIM_NOSUCH "@");

	for (i = 0; t != NULL && i < t->nanswers; i++)
		if (strncasecmp(t->answers[i].key, MG_EXIM_NOSUCH "@", n) ==
		    0 && t->answers[i].value != NULL) {
			*answer = t->answers[i].value;
			return (t->answers[i].key);
		}
	return (NULL);
}

/* real_user - an address at domain that a router takes (root, else
 * postmaster), into buf; 0 if none */
static int
real_user(const struct mg_model *m, const char *domain, char *buf,
    size_t size)
{
	static const char *const users[] = { "root", "postmaster", NULL };
	const char *how;
	size_t u;

	for (u = 0; users[u] != NULL; u++) {
		(void)snprintf(buf, size, "%s@%s", users[u], domain);
		if ((how = mg_exim_route(m, buf)) != NULL && how[0] != '!')
			return (1);
	}
	return (0);
}

/* propose - "deny domains = D, !verify = recipient" before the accept,
 * D its own domains (else +local_domains): only local addresses are
 * verified, so relayed mail meets what it met before */
static void
propose(const struct mg_model *m, struct mg_report *r, struct mg_finding *f,
    const struct mg_rule *acc)
{
	const struct mg_param *d = mg_rule_cond(acc, "domains");
	const struct mg_srcfile *src;
	struct mg_str text = MG_STR_INIT;
	struct mg_fix *x;

	src = acc->file != NULL ? mg_model_file(m, acc->file) : NULL;
	if (src == NULL || acc->line == 0 || acc->line > src->nlines)
		return;
	mg_str_printf(&text, "  deny    domains = %s\n"
	    "          !verify = recipient\n%s", d != NULL && d->value != NULL ?
	    d->value : "+local_domains", src->lines[acc->line - 1]);
	x = mg_report_fix(r, FIX_ID, "Refuse unknown local users at RCPT "
	    "(!verify = recipient before the accept)");
	(void)mg_fix_replace_line(x, acc->file, acc->line,
	    src->lines[acc->line - 1], mg_str_cstr(&text));
	mg_str_free(&text);
	mg_check_exim_regenerate(m, x, acc->file);
	mg_finding_add_fix(f, x->id);
}

/* mg_check_exim_backscatter - accept before verify = recipient */
void
mg_check_exim_backscatter(const struct mg_model *m, struct mg_report *r)
{
	const char *acl = mg_model_value(m, "acl_smtp_rcpt");
	const struct mg_rule *rule = NULL;
	const char *addr, *why = NULL, *dom;
	struct mg_finding *f;
	char real[320];
	size_t i;

	if (acl == NULL || *acl == '\0' || (addr = nosuch(m, &why)) == NULL ||
	    why[0] != '!')
		return;		/* not asked, or a router takes any name */
	for (i = 0; i < m->nrules; i++) {
		if (strcmp(m->rules[i].group, acl) != 0)
			continue;
		if (verifies_recipient(&m->rules[i]))
			return;
		if (local_accept(&m->rules[i])) {
			rule = &m->rules[i];
			break;
		}
	}
	if (rule == NULL)
		return;
	dom = strchr(addr, '@') + 1;
	f = mg_report_finding(r, "exim.backscatter.unverified", MG_SEV_MEDIUM,
	    "aliases", "Mail to unknown local users is accepted, then "
	    "bounced (the RCPT ACL accepts before verify = recipient)");
	mg_finding_explain(f, "The RCPT ACL accepts addresses at the local "
	    "domains before any \"verify = recipient\", so Exim says 250 "
	    "to a local part that no router can deliver and bounces the "
	    "message afterwards to its sender. Spam carries forged senders: "
	    "those bounces go to innocent people (backscatter), and the "
	    "server lands on blocklists. The fix puts \"deny domains = ... "
	    "!verify = recipient\" before that accept: unknown local users "
	    "are refused at RCPT, known ones are accepted as before, and "
	    "other domains are not touched.");
	mg_finding_evidence(f, rule->file, rule->line, "%s: \"accept\"%s%s "
	    "comes before any verify = recipient", acl, mg_rule_cond(rule,
	    "domains") != NULL ? " domains = " : "", mg_rule_cond(rule,
	    "domains") != NULL ? mg_rule_cond(rule, "domains")->value : "");
	mg_finding_evidence(f, NULL, 0, "exim -bt %s: undeliverable: %s",
	    addr, why + 1);
	mg_finding_probe(f, MG_BACKSCATTER_CLIENT, NULL, "", addr, 1);
	if (real_user(m, dom, real, sizeof(real)))
		mg_finding_probe(f, MG_BACKSCATTER_CLIENT, NULL, "", real, 0);
	propose(m, r, f, rule);
}
