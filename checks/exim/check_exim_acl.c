/*
 * check_exim_acl.c - Exim's RCPT ACL and its host lists.
 *
 * localhost.postmaster (incident 1): Debian's default config has
 * localhost in local_domains (cron and system mail need it) and accepts
 * postmaster in any local domain from anyone, before any host check; a
 * bot from 107.172.77.101 delivered to postmaster@localhost, and the alias
 * chain carried it into the admin's mailbox.  The fix denies remote hosts
 * mail to localhost before that accept.
 *
 * list.ipv6-colon: in a colon-separated list "::" stands for one literal
 * colon, so "! ::1" is the host pattern ":1", not the IPv6 loopback: the
 * list silently means something else.  The fix switches the list to the
 * ";" separator ("<; ... ; ! ::1").
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../backends/exim/exim_list.h"
#include "../../backends/exim/exim_route.h"
#include "../../core/mg_str.h"
#include "../checks.h"

#define DENY_LOCALHOST \
    "  deny\n" \
    "    message = mail for localhost is accepted from this host only\n" \
    "    condition = ${if def:sender_host_address}\n" \
    "    hosts = ! 127.0.0.0/8 : ! ::::1\n" \
    "    domains = localhost : localhost.localdomain"

/* Conditions that limit who an accept applies to. */
static const char *const host_conds[] = { "hosts", "!hosts",
	"authenticated", "!authenticated", "condition", "!condition",
	"encrypted", "!encrypted", "acl", "!acl", "verify", "!verify",
	"senders", "!senders", "sender_domains", "!sender_domains",
	"ratelimit", NULL };

/*
 * mg_check_exim_regenerate - a fix edited a source of Debian's generated
 * configuration: update-exim4.conf must run before Exim sees it (the fix
 * engine then reloads).  With --exim DIR the model read a private copy,
 * so the generator writes the system's own file (its default output).
 */
void
mg_check_exim_regenerate(const struct mg_model *m, struct mg_fix *x,
    const char *file)
{
	const char *argv[] = { "update-exim4.conf", "--confdir",
	    m->config_dir, "--output", m->config_file, NULL };

	if (x->npost > 0 || m->config_dir == NULL || m->config_file == NULL ||
	    strcmp(file, m->config_file) == 0 ||
	    strncmp(file, m->config_dir, strlen(m->config_dir)) != 0)
		return;
	if (m->config_generated)
		argv[3] = NULL;
	mg_fix_post(x, argv);
}

/* loopback_item - one local_interfaces item is a loopback address, in
 * each form Exim reads: 127.0.0.1, 127.0.0.1.25, [127.0.0.1]:25, ::1,
 * ::1.25, [::1]:25 */
static int
loopback_item(const char *s, size_t len)
{
	if (len > 0 && s[0] == '[') {
		s++;
		len--;
	}
	return ((len >= 4 && strncmp(s, "127.", 4) == 0) || (len >= 3 &&
	    strncmp(s, "::1", 3) == 0 && (len == 3 || s[3] == '.' ||
	    s[3] == ']')));
}

/*
 * mg_check_exim_loopback_only - m's local_interfaces names loopback
 * addresses only (Debian's default dc_local_interfaces): no other host
 * reaches the daemon now.  Empty items are skipped; unset, empty or no
 * item: Exim listens on every interface.  The parameter (for its
 * file:line) if so, else NULL.
 */
const struct mg_param *
mg_check_exim_loopback_only(const struct mg_model *m)
{
	const struct mg_param *li = mg_model_param(m, "local_interfaces");
	struct mg_exim_list l;
	struct mg_str it = MG_STR_INIT;
	int lo = 1, items = 0;

	if (li == NULL || li->value == NULL)
		return (NULL);
	mg_exim_list_init(&l, li->value);
	while (mg_exim_list_next(&l, &it)) {
		if (it.data == NULL || it.len == 0)
			continue;
		items++;
		if (!loopback_item(it.data, it.len))
			lo = 0;
	}
	mg_str_free(&it);
	return (lo && items > 0 ? li : NULL);
}

/* list_has - does the Exim list (named lists expanded) hold item? */
static int
list_has(const struct mg_model *m, const char *list, const char *item,
    int depth)
{
	struct mg_exim_list l;
	struct mg_str it = MG_STR_INIT;
	const char *v;
	int found = 0;

	if (list == NULL || depth > 4)
		return (0);
	mg_exim_list_init(&l, list);
	while (!found && mg_exim_list_next(&l, &it)) {
		if (it.data == NULL)
			continue;
		if (strcasecmp(it.data, item) == 0)
			found = 1;
		else if (it.data[0] == '+') {
			v = mg_model_value(m, it.data);
			found = list_has(m, v, item, depth + 1);
		}
	}
	mg_str_free(&it);
	return (found);
}

/* limits_hosts - does the statement limit which clients it applies to? */
static int
limits_hosts(const struct mg_rule *r)
{
	size_t i, k;

	for (i = 0; i < r->nconds; i++)
		for (k = 0; host_conds[k] != NULL; k++)
			if (strcmp(r->conds[i].name, host_conds[k]) == 0)
				return (1);
	return (0);
}

/* denies_remote_localhost - a deny for localhost domains limited to
 * hosts (the fix, or the operator's own) */
static int
denies_remote_localhost(const struct mg_model *m, const struct mg_rule *r)
{
	const struct mg_param *d = mg_rule_cond(r, "domains");

	if (strcmp(r->verb, "deny") != 0 && strcmp(r->verb, "drop") != 0)
		return (0);
	return (d != NULL && mg_rule_cond(r, "hosts") != NULL &&
	    list_has(m, d->value, "localhost", 0));
}

/* every_interface - local_interfaces (v) is empty or holds a wildcard
 * address (0.0.0.0, ::0, ::, with or without a port) */
static int
every_interface(const char *v)
{
	struct mg_exim_list l;
	struct mg_str it = MG_STR_INIT;
	const char *a;
	int any = 0, items = 0;

	mg_exim_list_init(&l, v != NULL ? v : "");
	while (!any && mg_exim_list_next(&l, &it)) {
		if (it.data == NULL || it.len == 0)
			continue;
		items++;
		a = it.data + (it.data[0] == '[');
		any = strncmp(a, "0.0.0.0", 7) == 0 || strncmp(a, "::0", 3) ==
		    0 || strcmp(a, "::") == 0 || strncmp(a, "::]", 3) == 0 ||
		    strncmp(a, "::.", 3) == 0;
	}
	mg_str_free(&it);
	return (any || items == 0);
}

/* listening_scope - evidence: which interfaces Exim listens on; 1 when
 * only loopback ones */
static int
listening_scope(const struct mg_model *m, struct mg_finding *f)
{
	const struct mg_param *li = mg_model_param(m, "local_interfaces");
	int loopback = mg_check_exim_loopback_only(m) != NULL;

	if (loopback)
		mg_finding_evidence(f, li->file, li->line, "local_interfaces "
		    "= %s: Exim listens on loopback only now, so remote bots "
		    "cannot reach this yet; it opens the day Exim listens on "
		    "a public interface", li->value);
	else
		mg_finding_evidence(f, li != NULL ? li->file : NULL,
		    li != NULL ? li->line : 0, "local_interfaces is %s: Exim "
		    "listens on %s, remote clients reach this ACL",
		    li != NULL && li->value != NULL && *li->value != '\0' ?
		    li->value : "empty", every_interface(li != NULL ?
		    li->value : NULL) ? "every interface" : "addresses "
		    "besides loopback");
	return (loopback);
}

/* routes - exim -bt's answer for addr: 1 a router takes it, 0 none
 * can, -1 not asked */
static int
routes(const struct mg_model *m, const char *addr)
{
	const char *how = mg_exim_route(m, addr);

	if (how == NULL)
		return (-1);
	return (how[0] != '!');
}

/* local_probe - what must keep working: local mail to localhost, to an
 * address that exists there (root, else postmaster, as exim -bt routes
 * them), sent as that address (a sender that verifies where "verify =
 * sender" is required), over SMTP from 127.0.0.1 and as local SMTP
 * (exim -bs: no client host, which a host list without ":" may catch);
 * none if neither routes */
static void
local_probe(const struct mg_model *m, struct mg_finding *f)
{
	static const char *const users[] = { "root", "postmaster", NULL };
	char addr[64];
	size_t u;

	for (u = 0; users[u] != NULL; u++) {
		(void)snprintf(addr, sizeof(addr), "%s@localhost", users[u]);
		if (routes(m, addr) != 0)
			break;
	}
	if (users[u] == NULL)
		return;
	mg_finding_probe(f, "127.0.0.1", "localhost", addr, addr, 0);
	mg_finding_probe(f, "", NULL, addr, addr, 0);
}

/* localhost_name - localhost or localhost.SOMETHING: the names the fix
 * refuses to remote clients */
static int
localhost_name(const char *d)
{
	return (strcasecmp(d, "localhost") == 0 || strncasecmp(d,
	    "localhost.", 10) == 0);
}

/* real_domain - a local domain other than localhost: primary_hostname
 * if local_domains holds it ("@" or by name), else the first literal
 * item whose postmaster exim -bt does not refuse; NULL if none */
static char *
real_domain(const struct mg_model *m, const char *ld)
{
	const char *host = mg_model_value(m, "primary_hostname");
	struct mg_exim_list l;
	struct mg_str it = MG_STR_INIT, pm = MG_STR_INIT;
	char *d = NULL;

	if (host != NULL && *host != '\0' && strchr(host, '$') == NULL &&
	    !localhost_name(host) && (list_has(m, ld, "@", 0) ||
	    list_has(m, ld, host, 0))) {
		mg_str_printf(&pm, "postmaster@%s", host);
		if (routes(m, mg_str_cstr(&pm)) != 0)
			d = mg_xstrdup(host);
	}
	mg_exim_list_init(&l, ld);
	while (d == NULL && mg_exim_list_next(&l, &it)) {
		if (it.data == NULL || localhost_name(it.data) ||
		    strpbrk(it.data, "!*^$;/:+@[] \t\\{}") != NULL)
			continue;
		mg_str_reset(&pm);
		mg_str_printf(&pm, "postmaster@%s", it.data);
		if (routes(m, mg_str_cstr(&pm)) != 0)
			d = mg_xstrdup(it.data);
	}
	mg_str_free(&it);
	mg_str_free(&pm);
	return (d);
}

/*
 * legit_probes - the paths the fix must not break, with envelopes from
 * the configuration: local mail to localhost, and remote mail to
 * postmaster of a real local domain (primary_hostname only where it is
 * one) from the null sender, which RFC 5321 says postmaster takes and
 * which passes Exim's "verify = sender"
 */
static void
legit_probes(const struct mg_model *m, const char *ld, struct mg_finding *f)
{
	struct mg_str pm = MG_STR_INIT;
	char *d;

	local_probe(m, f);
	if ((d = real_domain(m, ld)) == NULL)
		return;
	mg_str_printf(&pm, "postmaster@%s", d);
	mg_finding_probe(f, "198.51.100.9", NULL, "", mg_str_cstr(&pm), 0);
	mg_str_free(&pm);
	free(d);
}

/* check_localhost - incident 1 */
static void
check_localhost(const struct mg_model *m, struct mg_report *r)
{
	const char *acl = mg_model_value(m, "acl_smtp_rcpt");
	const struct mg_param *ld = mg_model_param(m, "+local_domains");
	const struct mg_param *lp, *dom = NULL;
	const struct mg_rule *rule;
	const struct mg_srcfile *src;
	struct mg_finding *f;
	struct mg_fix *x;
	struct mg_str text = MG_STR_INIT;
	size_t i;

	if (acl == NULL || ld == NULL || !list_has(m, ld->value, "localhost",
	    0))
		return;
	for (i = 0; i < m->nrules; i++) {
		rule = &m->rules[i];
		if (strcmp(rule->group, acl) != 0)
			continue;
		if (denies_remote_localhost(m, rule))
			return;
		if (strcmp(rule->verb, "accept") != 0 || limits_hosts(rule))
			continue;
		dom = mg_rule_cond(rule, "domains");
		if (dom == NULL || !list_has(m, dom->value, "+local_domains",
		    0))
			continue;
		break;
	}
	if (i == m->nrules)
		return;
	lp = mg_rule_cond(rule, "local_parts");
	f = mg_report_finding(r, "exim.localhost.postmaster", MG_SEV_HIGH,
	    "aliases", "Remote clients can deliver to postmaster@localhost");
	mg_finding_explain(f, "localhost is one of local_domains, which "
	    "local programs (cron, monitoring) need. But acl_check_rcpt "
	    "accepts the recipient for any local domain before it looks at "
	    "who is sending, so any host on the Internet may send to "
	    "postmaster@localhost (or root@localhost), and the aliases carry "
	    "it to the administrator - spam that bypasses every later check. "
	    "Only this machine should ever send to localhost. The fix adds, "
	    "before that accept, a deny for mail to localhost from any host "
	    "but the loopback addresses (IPv6 ::1 written ::::1, as a colon "
	    "list needs) - only for clients with an address, so local SMTP "
	    "(exim -bs) is not caught by the negated host list; local mail "
	    "and postmaster of your real domains keep working.");
	mg_finding_evidence(f, ld->file, ld->line, "local_domains = %s "
	    "includes localhost", ld->value);
	mg_finding_evidence(f, rule->file, rule->line, "%s: \"accept%s%s\" "
	    "for domains = %s comes before any check of the client host",
	    acl, lp != NULL ? " local_parts = " : "", lp != NULL ? lp->value :
	    "", dom->value);
	/* no remote client reaches a loopback-only daemon (Debian's
	 * default dc_local_interfaces): low until it listens elsewhere */
	if (listening_scope(m, f))
		f->severity = MG_SEV_LOW;
	mg_finding_probe(f, "107.172.77.101", NULL, "spam@bulk.test",
	    "postmaster@localhost", 1);
	legit_probes(m, ld->value, f);
	src = rule->file != NULL ? mg_model_file(m, rule->file) : NULL;
	if (src == NULL || rule->line == 0 || rule->line > src->nlines)
		return;
	mg_str_printf(&text, "%s\n%s", DENY_LOCALHOST,
	    src->lines[rule->line - 1]);
	x = mg_report_fix(r, "exim.localhost.deny-remote", "Refuse mail to "
	    "localhost from other hosts");
	(void)mg_fix_replace_line(x, rule->file, rule->line,
	    src->lines[rule->line - 1], mg_str_cstr(&text));
	mg_str_free(&text);
	mg_check_exim_regenerate(m, x, rule->file);
	mg_finding_add_fix(f, x->id);
}

/* semicolon_form - "a : b" list text rewritten "<; a ; b", splitting only
 * at colons with white space around them (the separators the operator
 * meant); NULL if the result still has a broken item */
static char *
semicolon_form(const char *value)
{
	struct mg_str out = MG_STR_INIT, it = MG_STR_INIT;
	struct mg_exim_list l;
	const char *p;
	int bad = 0;

	mg_str_puts(&out, "<; ");
	for (p = value; *p != '\0'; p++) {
		if (*p == ':' && p > value && isspace((unsigned char)p[-1]) &&
		    isspace((unsigned char)p[1]))
			mg_str_putc(&out, ';');
		else
			mg_str_putc(&out, (unsigned char)*p);
	}
	mg_exim_list_init(&l, mg_str_cstr(&out));
	while (mg_exim_list_next(&l, &it))
		if (it.data != NULL && mg_exim_ipv6_broken(it.data))
			bad = 1;
	mg_str_free(&it);
	if (bad) {
		mg_str_free(&out);
		return (NULL);
	}
	return (mg_str_steal(&out));
}

/* broken_items - the mangled items of a list, for evidence; 0 if none */
static size_t
broken_items(const char *value, struct mg_str *out)
{
	struct mg_exim_list l;
	struct mg_str it = MG_STR_INIT;
	size_t n = 0;

	mg_exim_list_init(&l, value);
	if (l.sep != ':')
		return (0);
	while (mg_exim_list_next(&l, &it)) {
		if (it.data == NULL || !mg_exim_ipv6_broken(it.data))
			continue;
		mg_str_printf(out, "%s\"%s\"", n > 0 ? ", " : "", it.data);
		n++;
	}
	mg_str_free(&it);
	return (n);
}

/* colon_fix - the source line with the list in "<;" form */
static void
colon_fix(const struct mg_model *m, struct mg_report *r, const char *file,
    unsigned line, const char *value, struct mg_finding *f)
{
	const struct mg_srcfile *src = file != NULL ? mg_model_file(m, file) :
	    NULL;
	struct mg_str text = MG_STR_INIT;
	struct mg_fix *x;
	const char *at;
	char *fixed;

	if (src == NULL || line == 0 || line > src->nlines ||
	    (at = strstr(src->lines[line - 1], value)) == NULL ||
	    (fixed = semicolon_form(value)) == NULL)
		return;
	mg_str_append(&text, src->lines[line - 1],
	    (size_t)(at - src->lines[line - 1]));
	mg_str_puts(&text, fixed);
	mg_str_puts(&text, at + strlen(value));
	x = mg_report_fix(r, "exim.list.semicolon", "Write lists holding "
	    "IPv6 addresses with the ; separator");
	(void)mg_fix_replace_line(x, file, line, src->lines[line - 1],
	    mg_str_cstr(&text));
	mg_check_exim_regenerate(m, x, file);
	if (f->nfix_ids == 0)
		mg_finding_add_fix(f, x->id);
	free(fixed);
	mg_str_free(&text);
}

/* ipv6_colon - one list value; finding created on the first hit */
static void
ipv6_colon(const struct mg_model *m, struct mg_report *r,
    struct mg_finding **fp, const char *what, const char *value,
    const char *file, unsigned line)
{
	struct mg_str items = MG_STR_INIT;
	struct mg_finding *f = *fp;

	if (value == NULL || broken_items(value, &items) == 0) {
		mg_str_free(&items);
		return;
	}
	if (f == NULL) {
		f = *fp = mg_report_finding(r, "exim.list.ipv6-colon",
		    MG_SEV_HIGH, "relay", "An IPv6 address in a colon list "
		    "means something else");
		mg_finding_explain(f, "In an Exim list separated by colons, "
		    "\"::\" stands for one literal colon. So \"! ::1\" is read "
		    "as the host pattern \":1\", not the IPv6 loopback: the "
		    "list silently matches other hosts than the ones written "
		    "(a deny for remote hosts then also hits the local IPv6 "
		    "client, while remote hosts without reverse DNS slip "
		    "through). Double every colon of an IPv6 address "
		    "(\"::::1\") or switch the list to another separator: "
		    "\"<; 127.0.0.0/8 ; ::1\".");
	}
	mg_finding_evidence(f, file, line, "%s = %s: read as %s", what, value,
	    mg_str_cstr(&items));
	if (f->nprobes == 0) {
		/* the mangled item matches by host name: a client named
		 * localhost at ::1, and a bot without one */
		mg_finding_probe(f, "::1", "localhost", "root@localhost",
		    "postmaster@localhost", 0);
		mg_finding_probe(f, "107.172.77.101", NULL, "spam@bulk.test",
		    "postmaster@localhost", 1);
	}
	colon_fix(m, r, file, line, value, f);
	mg_str_free(&items);
}

/* check_ipv6_colon - host conditions of every rule, named lists and the
 * main options that are host lists */
static void
check_ipv6_colon(const struct mg_model *m, struct mg_report *r)
{
	struct mg_finding *f = NULL;
	const struct mg_param *p;
	const char *n;
	size_t i, k, len;

	for (i = 0; i < m->nparams; i++) {
		p = &m->params[i];
		n = p->name;
		len = strlen(n);
		if (p->raw == NULL && n[0] != '+')
			continue;
		if (n[0] == '+' || (len > 6 && strcmp(n + len - 6,
		    "_hosts") == 0) || (len > 5 && strcmp(n + len - 5,
		    "_nets") == 0))
			ipv6_colon(m, r, &f, n, p->value, p->file, p->line);
	}
	for (i = 0; i < m->nrules; i++)
		for (k = 0; k < m->rules[i].nconds; k++) {
			p = &m->rules[i].conds[k];
			if (strcmp(p->name, "hosts") == 0 ||
			    strcmp(p->name, "!hosts") == 0)
				ipv6_colon(m, r, &f, p->name, p->value,
				    p->file, p->line);
		}
}

/* mg_check_exim_acl - incident 1 and IPv6 in colon lists */
void
mg_check_exim_acl(const struct mg_model *m, struct mg_report *r)
{
	check_localhost(m, r);
	check_ipv6_colon(m, r);
}
