/*
 * check_exim_backscatter.c - Exim's RCPT ACL accepting a local address
 * before "verify = recipient": a local part no router can deliver is
 * accepted (250), and Exim bounces it afterwards to the sender, forged
 * in spam: backscatter.  exim -bt judges whether the made-up local part
 * is undeliverable (no finding when a catch-all router takes it); exim
 * -bh, through the finding's probes, whether RCPT accepts it.  Debian's
 * stock acl_check_rcpt has "require verify = recipient" before its last
 * accept and gives no finding.
 *
 * exim.backscatter.relay-recipients: relay_to_domains is not empty and
 * the RCPT ACL accepts any local part there.  "verify = recipient" only
 * routes a relay domain (dnslookup or manualroute take every local part),
 * so Debian's stock ACL accepts made-up users of its relay domains; the
 * next hop refuses them and Exim bounces them.  Guards: a callout
 * ("verify = recipient/callout"), a recipient list (recipients or
 * local_parts in the accept, or a deny/require refusing addresses not in
 * one, for every client), or routers for the relay domains that check
 * the local part.  Debian's "recipients = ${if exists{CONFDIR/
 * local_rcpt_callout}...} !verify = recipient/callout" guards the
 * domains that file lists (the backend reads it; absent, it lists none).
 * exim -bh, through the finding's probe, shows a made-up user at the
 * first unguarded relay domain accepted - it omits callouts, so a
 * callout guard is judged from the configuration alone.  No fix: see
 * the explanation.
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

#define FIX_ID "exim.backscatter.verify-recipient"
#define RELAY_ID "exim.backscatter.relay-recipients"
#define RELAY_LIST "+relay_to_domains"

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

/* check_local - accept of the local domains before verify = recipient */
static void
check_local(const struct mg_model *m, struct mg_report *r)
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

/* names_relay - a domains value naming +relay_to_domains, not negated */
static int
names_relay(const char *v)
{
	struct mg_exim_list l;
	struct mg_str it = MG_STR_INIT;
	int yes = 0;

	if (v == NULL)
		return (0);
	mg_exim_list_init(&l, v);
	while (!yes && mg_exim_list_next(&l, &it))
		if (it.data != NULL && strcmp(it.data, RELAY_LIST) == 0)
			yes = 1;
	mg_str_free(&it);
	return (yes);
}

/* covers_relay - the statement applies to the relay domains: no domains
 * condition, or one naming +relay_to_domains */
static int
covers_relay(const struct mg_rule *r)
{
	const struct mg_param *d = mg_rule_cond(r, "domains");

	return (d == NULL || names_relay(d->value));
}

/* recipient_verify - the statement's verify = recipient: 2 with a
 * callout, 1 without, 0 none (name "verify" or "!verify") */
static int
recipient_verify(const struct mg_rule *r, const char *name)
{
	size_t i;
	const char *v;

	for (i = 0; i < r->nconds; i++) {
		v = r->conds[i].value;
		if (strcmp(r->conds[i].name, name) != 0 || v == NULL ||
		    strncasecmp(v, "recipient", 9) != 0 || (v[9] != '\0' &&
		    v[9] != '/'))
			continue;
		return (strstr(v, "callout") != NULL ? 2 : 1);
	}
	return (0);
}

/* conditional_list - Debian's "recipients = ${if exists{FILE}{FILE}{}}":
 * the statement covers the addresses FILE lists, none if it is absent;
 * FILE (to free), or NULL for any other statement */
static char *
conditional_list(const struct mg_rule *r)
{
	const struct mg_param *p = mg_rule_cond(r, "recipients");

	return (p != NULL ? mg_exim_exists_list(p->value) : NULL);
}

/* domain_matches - an address list's domain part (len n) matches
 * domain: the name itself, "*" or "*SUFFIX" (Exim's wildcard) */
static int
domain_matches(const char *pat, size_t n, const char *domain)
{
	size_t d = strlen(domain);

	if (n == d && strncasecmp(pat, domain, n) == 0)
		return (1);
	if (n == 0 || pat[0] != '*')
		return (0);
	return (n - 1 <= d && strncasecmp(pat + 1, domain + d - (n - 1),
	    n - 1) == 0);
}

/* list_covers - a line of the list file matches every local part at
 * domain, as exim -bh shows Exim reads an address list: "*@PATTERN",
 * or a domain pattern alone ("example.org", "*.org", "*"); "@example.org"
 * matches nothing there.  A file the model lacks covers none. */
static int
list_covers(const struct mg_model *m, const char *path, const char *domain)
{
	const struct mg_srcfile *src = mg_model_file(m, path);
	const char *l, *at;
	size_t i, n;

	for (i = 0; src != NULL && i < src->nlines; i++) {
		l = src->lines[i] + strspn(src->lines[i], " \t");
		n = strcspn(l, " \t\r\n");
		if (n == 0 || l[0] == '#')
			continue;
		at = memchr(l, '@', n);
		if (at == NULL && domain_matches(l, n, domain))
			return (1);
		if (at == l + 1 && l[0] == '*' && domain_matches(at + 1, n -
		    2, domain))
			return (1);
	}
	return (0);
}

/* user_list - a deny refusing addresses not in a list ("!recipients",
 * "!local_parts"), or a require demanding one, for every client (no
 * other narrowing condition: "hosts = +blacklist" applies to some) */
static int
user_list(const struct mg_rule *r)
{
	const char *neg = strcmp(r->verb, "require") == 0 ? "" : "!";
	char name[32];
	size_t i, k;

	for (i = 0; i < r->nconds; i++)
		for (k = 0; narrow_conds[k] != NULL; k++)
			if (strcmp(r->conds[i].name, narrow_conds[k]) == 0 &&
			    strstr(narrow_conds[k], "local_parts") == NULL &&
			    strstr(narrow_conds[k], "recipients") == NULL)
				return (0);

	(void)snprintf(name, sizeof(name), "%srecipients", neg);
	if (mg_rule_cond(r, name) != NULL)
		return (1);
	(void)snprintf(name, sizeof(name), "%slocal_parts", neg);
	return (mg_rule_cond(r, name) != NULL);
}

/* router_takes_relay - the router may take addresses at the relay
 * domains.  Its domains list read as Exim reads it, first match wins:
 * "+relay_to_domains" takes them, "! +relay_to_domains" does not, other
 * named lists are passed over (disjoint from it, as Debian's are); a
 * literal, pattern, lookup or expansion (Debian's hubbed_hosts) may cover
 * them; a list ending in a negation matches everything else. */
static int
router_takes_relay(const struct mg_rule *r)
{
	const struct mg_param *d = mg_rule_cond(r, "domains");
	struct mg_exim_list l;
	struct mg_str it = MG_STR_INIT;
	const char *v;
	int takes = -1, neg = 0;

	if (d == NULL || d->value == NULL)
		return (1);
	mg_exim_list_init(&l, d->value);
	while (takes < 0 && mg_exim_list_next(&l, &it)) {
		if (it.data == NULL || it.len == 0)
			continue;
		v = it.data;
		if ((neg = (*v == '!')))
			v += 1 + strspn(v + 1, " \t");
		if (strcmp(v, RELAY_LIST) == 0)
			takes = !neg;
		else if (*v != '+')
			takes = 1;
	}
	mg_str_free(&it);
	return (takes < 0 ? neg : takes);
}

/* routers_check_users - every router that may take a relay-domain
 * address either declines unknown local parts (local_parts, condition,
 * check_local_user) or is a redirect (declines what its data lacks), and
 * at least one checks: verify = recipient then refuses a made-up user */
static int
routers_check_users(const struct mg_model *m)
{
	const struct mg_param *drv;
	size_t i;
	int checks = 0;

	for (i = 0; i < m->nrules; i++) {
		if (strcmp(m->rules[i].group, "routers") != 0 ||
		    !router_takes_relay(&m->rules[i]))
			continue;
		if (mg_rule_cond(&m->rules[i], "local_parts") != NULL ||
		    mg_rule_cond(&m->rules[i], "condition") != NULL ||
		    mg_rule_cond(&m->rules[i], "check_local_user") != NULL) {
			checks = 1;
			continue;
		}
		drv = mg_rule_cond(&m->rules[i], "driver");
		if (drv != NULL && drv->value != NULL && strcmp(drv->value,
		    "redirect") == 0)
			continue;
		return (0);	/* routes any local part */
	}
	return (checks);
}

/* local_literal - domain is a literal item of local_domains ("@" is
 * primary_hostname): Exim verifies its users like any local domain's */
static int
local_literal(const struct mg_model *m, const char *domain)
{
	const char *ld = mg_model_value(m, "+local_domains");
	const char *host = mg_model_value(m, "primary_hostname");
	struct mg_exim_list l;
	struct mg_str it = MG_STR_INIT;
	int yes = 0;

	if (ld == NULL)
		return (0);
	mg_exim_list_init(&l, ld);
	while (!yes && mg_exim_list_next(&l, &it))
		if (it.data != NULL && (strcasecmp(it.data, domain) == 0 ||
		    (strcmp(it.data, "@") == 0 && host != NULL &&
		    strcasecmp(host, domain) == 0)))
			yes = 1;
	mg_str_free(&it);
	return (yes);
}

/* relay_domain - the first literal domain of relay_to_domains that is
 * no local domain (whose users verify = recipient checks, when it
 * applies: verified) and that the list file of
 * Debian's conditional callout (cond, or NULL) does not cover, into buf:
 * 1; 0 if it names none, -1 if these cover every domain the list names
 * (and it names no lookup or pattern) */
static int
relay_domain(const struct mg_model *m, const char *v,
    const struct mg_rule *cond, int verified, char *buf, size_t size)
{
	struct mg_exim_list l;
	struct mg_str it = MG_STR_INIT;
	char *path = cond != NULL ? conditional_list(cond) : NULL;
	int found = 0, other = 0, covered = 0;

	mg_exim_list_init(&l, v);
	while (!found && mg_exim_list_next(&l, &it)) {
		if (it.data == NULL || it.len == 0)
			continue;
		if (it.len >= size || strpbrk(it.data, "!*^;$@[+ \t") !=
		    NULL) {
			other = 1;
			continue;
		}
		if ((verified && local_literal(m, it.data)) || (path != NULL &&
		    list_covers(m, path, it.data))) {
			covered = 1;
			continue;
		}
		(void)snprintf(buf, size, "%s", it.data);
		found = 1;
	}
	if (!found && path != NULL && list_covers(m, path, "*"))
		covered = 1, other = 0;	/* "*" or "*@*": every domain */
	mg_str_free(&it);
	free(path);
	if (found)
		return (1);
	return (covered && !other ? -1 : 0);
}

/* relay_accept - the first accept of the RCPT ACL that takes any local
 * part at the relay domains with no per-user check; NULL if a guard
 * comes first.  *cond: Debian's conditional callout statement seen;
 * *verified: verify = recipient applies to what it accepts */
static const struct mg_rule *
relay_accept(const struct mg_model *m, const char *acl,
    const struct mg_rule **cond, int *verified)
{
	const struct mg_rule *x;
	int plain = 0, v;
	char *path;
	size_t i;

	*cond = NULL;
	*verified = 0;
	for (i = 0; i < m->nrules; i++) {
		x = &m->rules[i];
		if (strcmp(x->group, acl) != 0 || !covers_relay(x))
			continue;
		if (strcmp(x->verb, "accept") == 0) {
			if (narrow(x))
				continue;
			/* a failed callout falls through, unless endpass
			 * makes it a refusal */
			if ((v = recipient_verify(x, "verify")) == 2) {
				if (mg_rule_cond(x, "endpass") != NULL)
					return (NULL);
				continue;
			}
			*verified = plain || v == 1;
			if (*verified && routers_check_users(m))
				return (NULL);
			return (x);
		}
		if (strcmp(x->verb, "require") == 0)
			v = recipient_verify(x, "verify");
		else if (strcmp(x->verb, "deny") == 0 || strcmp(x->verb,
		    "drop") == 0)
			v = recipient_verify(x, "!verify");
		else
			continue;
		if (v == 2 && (path = conditional_list(x)) != NULL) {
			free(path);
			*cond = x;
			continue;
		}
		if (v == 2 || user_list(x))
			return (NULL);
		if (v == 1 && mg_rule_cond(x, "recipients") == NULL &&
		    mg_rule_cond(x, "local_parts") == NULL)
			plain = 1;
	}
	return (NULL);
}

/* check_relay - relay_to_domains accepted for any local part */
static void
check_relay(const struct mg_model *m, struct mg_report *r)
{
	const char *acl = mg_model_value(m, "acl_smtp_rcpt");
	const struct mg_param *rel = mg_model_param(m, RELAY_LIST);
	const struct mg_rule *acc, *cond;
	const struct mg_param *d, *lo;
	struct mg_finding *f;
	char dom[256], addr[320], *path;
	int lit, verified;

	if (acl == NULL || *acl == '\0' || rel == NULL || rel->value ==
	    NULL || *(rel->value + strspn(rel->value, " \t")) == '\0' ||
	    (acc = relay_accept(m, acl, &cond, &verified)) == NULL ||
	    (lit = relay_domain(m, rel->value, cond, verified, dom,
	    sizeof(dom))) < 0)
		return;		/* guarded, or the callout covers them */
	lo = mg_check_exim_loopback_only(m);
	f = mg_report_finding(r, RELAY_ID, lo != NULL ? MG_SEV_INFO :
	    MG_SEV_MEDIUM, "aliases", "Mail "
	    "to any address at the relay domains is accepted, then bounced "
	    "by the next hop (no per-user check)");
	mg_finding_explain(f, "Exim relays mail for relay_to_domains to the "
	    "server behind it. \"verify = recipient\" only checks that such "
	    "a domain routes, not that the user exists, so the RCPT ACL "
	    "accepts every local part; the next hop refuses the unknown "
	    "ones and Exim bounces them to their (usually forged) senders: "
	    "backscatter, which puts the server on blocklists. No automatic "
	    "fix: a callout makes every RCPT wait for the next hop (mail is "
	    "deferred while it is down, and it must answer RCPT honestly), "
	    "and only you know the valid addresses. Either list the valid "
	    "addresses, one per line, in /etc/exim4/relay_recipients and "
	    "put these lines just before the accept named below (Debian: "
	    "in conf.d/acl/30_exim4-config_check_rcpt with the split "
	    "config, else in exim4.conf.template; then run "
	    "update-exim4.conf and reload): \"deny\", \"message = unknown "
	    "user\", \"domains = +relay_to_domains\", \"!recipients = "
	    "lsearch;CONFDIR/relay_recipients\" (CONFDIR is Debian's macro "
	    "for /etc/exim4; elsewhere write the full path). Or, on "
	    "Debian, if the next hop answers RCPT honestly, write "
	    "\"*@DOMAIN\" for each relay domain into "
	    "/etc/exim4/local_rcpt_callout (Debian's ACL then verifies "
	    "those recipients with a callout; exim -bh skips "
	    "callouts, so this check reads the file instead). On Debian "
	    "relay_to_domains comes from dc_relay_domains in "
	    "update-exim4.conf.conf.");
	mg_finding_evidence(f, rel->file, rel->line, "relay_to_domains = %s",
	    rel->value);
	d = mg_rule_cond(acc, "domains");
	mg_finding_evidence(f, acc->file, acc->line, "%s: \"accept\"%s%s "
	    "takes any local part at the relay domains (no callout, no "
	    "recipient list)", acl, d != NULL ? " domains = " : "", d != NULL ?
	    d->value : "");
	if (cond != NULL && (path = conditional_list(cond)) != NULL) {
		mg_finding_evidence(f, cond->file, cond->line, "the callout "
		    "here covers only the addresses listed in %s, %s", path,
		    mg_model_file(m, path) == NULL ? "which does not exist" :
		    lit ? "which does not list this relay domain" :
		    "which does not list every relay domain");
		free(path);
	}
	if (lo != NULL)
		mg_finding_evidence(f, lo->file, lo->line, "local_interfaces = "
		    "%s: Exim listens on loopback only now, so no other host "
		    "reaches this yet; it opens the day Exim listens on a "
		    "public interface", lo->value);
	if (lit) {
		(void)snprintf(addr, sizeof(addr), "%s@%s",
		    MG_BACKSCATTER_USER, dom);
		mg_finding_probe(f, MG_BACKSCATTER_CLIENT, NULL, "", addr, 1);
	}
}

/* mg_check_exim_backscatter - unknown recipients accepted at RCPT: local
 * domains before verify = recipient, relay domains with no user check */
void
mg_check_exim_backscatter(const struct mg_model *m, struct mg_report *r)
{
	check_local(m, r);
	check_relay(m, r);
}
