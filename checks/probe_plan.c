/*
 * probe_plan.c - whom the relay probe speaks as, read from the model:
 * an address inside each range the configuration trusts to relay
 * (Postfix mynetworks, Exim relay_from_hosts), the addresses just above
 * and below each range that holds public space (a mask mistake shows as
 * a difference between inside and outside), and a foreign address; the
 * server's name and its own domains (a forged sender in one of them is
 * how a sender whitelist opens a relay); and every grant: a client,
 * sender, HELO or recipient that an access table of the relay lists
 * answers OK for (Postfix), or that an accept statement of the RCPT ACL
 * names (Exim) - the MTA then judges whether each opens the relay.
 * What each MTA's configuration says is its planner's (probe_plan.h:
 * checks/postfix/pf_probe_plan.c, checks/exim/exim_probe_plan.c); the
 * addresses chosen from it are this file's.
 */
#include <sys/socket.h>

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/mg_net.h"
#include "../core/mg_probe.h"
#include "../core/mg_str.h"
#include "checks.h"
#include "probe_plan.h"

#define RANGES_MAX 8		/* trusted ranges probed */
#define GRANT_RANGES_MAX 8	/* and client grants */
#define WIDE_PUBLIC 256.0	/* more public addresses than a /24 */

/* The MTAs' planners; a model of none is planned as the first's. */
static const struct mg_probe_planner *const planners[] = {
	&mg_probe_planner_postfix,
	&mg_probe_planner_exim,
	NULL
};

/* mg_plan_add_range - a network element (others, such as host names, are
 * not ranges an address can be chosen from); grant: an access table's or
 * an ACL statement's, not a trusted list's */
void
mg_plan_add_range(struct mg_plan_ranges *rs, const char *elem, size_t len,
    const char *what, const char *file, unsigned line, int grant)
{
	struct mg_net_span span;
	struct mg_plan_range *r;
	char text[128];
	struct mg_net net;

	if (rs->n == sizeof(rs->v) / sizeof(rs->v[0]) || len == 0 ||
	    len >= sizeof(text) || *elem == '!')
		return;
	memcpy(text, elem, len);
	text[len] = '\0';
	if (mg_net_parse(text, &net, NULL) < 0)
		return;
	r = &rs->v[rs->n++];
	mg_net_mask(&net, &r->net);
	(void)snprintf(r->text, sizeof(r->text), "%s", text);
	(void)snprintf(r->what, sizeof(r->what), "%s", what);
	r->grant = grant;
	r->file = file;
	r->line = line;
	mg_net_span(&net, &span);
	r->public = span.public;
}

/* plain - an address without brackets or prefix */
static void
plain(const struct mg_net *n, char *buf, size_t size)
{
	if (inet_ntop(n->family == 4 ? AF_INET : AF_INET6, n->addr, buf,
	    (socklen_t)size) == NULL)
		(void)snprintf(buf, size, "?");
}

/* step - the address plus delta (a small signed number); 0, or -1 when
 * it leaves the address space */
static int
step(const struct mg_net *n, int delta, struct mg_net *out)
{
	int i, last = n->family == 4 ? 3 : 15, v, carry = delta;

	*out = *n;
	out->prefix = n->family == 4 ? 32 : 128;
	for (i = last; i >= 0 && carry != 0; i--) {
		v = out->addr[i] + carry;
		carry = v < 0 ? -1 - (-v - 1) / 256 : v / 256;
		out->addr[i] = (unsigned char)(v - carry * 256);
	}
	return (carry != 0 ? -1 : 0);
}

/* inside - an address in the range other than its first, spread like
 * 210.99.1.1 in 210.0.0.0/8 so it is nobody's host written there */
static void
inside(const struct mg_net *net, struct mg_net *a)
{
	static const unsigned char off4[4] = { 0, 99, 1, 1 };
	int i, bits;

	*a = *net;
	a->prefix = a->family == 4 ? 32 : 128;
	if (a->family == 4) {
		for (i = 0; i < 4; i++) {
			bits = net->prefix - i * 8;
			if (bits < 8)
				a->addr[i] |= (unsigned char)(off4[i] &
				    (0xff >> (bits < 0 ? 0 : bits)));
		}
	} else if (net->prefix < 128)
		a->addr[15] |= net->prefix <= 120 ? 0x25 : 0x01;
}

/* last - the range's last address */
static void
last_of(const struct mg_net *net, struct mg_net *a)
{
	int i, bits, width = net->family == 4 ? 4 : 16;

	*a = *net;
	for (i = 0; i < width; i++) {
		bits = net->prefix - i * 8;
		if (bits < 8)
			a->addr[i] |= (unsigned char)(0xff >> (bits < 0 ? 0 :
			    bits));
	}
}

/*
 * classify - whether addr is inside a trusted range (and the
 * widest that holds it), filling c's trusted, wide, why, file and line
 */
static void
classify(const struct mg_plan_ranges *rs, struct mg_probe_client *c,
    const char *chosen)
{
	const struct mg_plan_range *best = NULL;
	struct mg_net a;
	size_t i;

	if (mg_net_parse(c->addr, &a, NULL) < 0)
		return;
	for (i = 0; i < rs->n; i++)
		if (mg_net_contains(&rs->v[i].net, &a) && (best == NULL ||
		    rs->v[i].public > best->public))
			best = &rs->v[i];
	if (best == NULL) {
		(void)snprintf(c->why, sizeof(c->why), "%s%soutside every "
		    "trusted range", chosen, *chosen != '\0' ? ", " : "");
		return;
	}
	c->trusted = 1;
	c->wide = best->public > WIDE_PUBLIC;
	free(c->file);
	c->file = best->file != NULL ? mg_xstrdup(best->file) : NULL;
	c->line = best->line;
	if (best->grant)	/* the entry, with its key and answer */
		(void)snprintf(c->why, sizeof(c->why), "%.40s%sinside %.150s",
		    chosen, *chosen != '\0' ? ", " : "", best->what);
	else
		(void)snprintf(c->why, sizeof(c->why), "%.40s%sinside %.20s "
		    "%.120s", chosen, *chosen != '\0' ? ", " : "", best->what,
		    best->text);
}

/*
 * unregex - the one string a simple regexp or pcre key matches
 * ("/^(.*)@partner\.example$/" -> "@partner.example"); 0 when the
 * pattern is not that simple (character classes, alternatives)
 */
static int
unregex(const char *key, char *out, size_t size)
{
	char delim = *key;
	const char *p = key + 1, *end = strrchr(key + 1, delim);
	size_t n = 0;

	if (delim != '/' || end == NULL || end == p)
		return (0);
	if (*p == '^')
		p++;
	while (p < end) {
		if (strncmp(p, "(.*)", 4) == 0 || strncmp(p, "(.+)", 4) == 0) {
			p += 4;
			continue;
		}
		if (strncmp(p, ".*", 2) == 0 || strncmp(p, ".+", 2) == 0) {
			p += 2;
			continue;
		}
		if (*p == '$' && p + 1 == end)
			break;
		if (*p == '\\' && p + 1 < end && strchr(".@-+", p[1]) != NULL)
			p++;
		else if (strchr("[](){}|*+?^$\\", *p) != NULL)
			return (0);
		if (n + 1 >= size)
			return (0);
		out[n++] = *p++;
	}
	out[n] = '\0';
	return (n > 0);
}

/*
 * mg_plan_key_address - the address an access(5) key of a sender or
 * recipient table matches (or an ACL's address list item): user@domain
 * as written, a domain as local@domain, a subdomain pattern (.domain) as
 * local@probe.domain, user@ as user@any_domain, <> as the null sender; 0
 * if none (an address pattern, an IP key)
 */
int
mg_plan_key_address(const char *key, int regex, const char *local,
    const char *any_domain, char *out, size_t size)
{
	char plain[MG_PROBE_ADDR_MAX];
	const char *at;
	int n;

	if (regex) {
		if (!unregex(key, plain, sizeof(plain)))
			return (0);
		key = plain;
	}
	if (strcmp(key, "<>") == 0) {
		out[0] = '\0';
		return (1);
	}
	if (*key == '\0' || strspn(key, "0123456789.:[]/") == strlen(key) ||
	    strpbrk(key, " \t<>\"") != NULL)
		return (0);
	at = strrchr(key, '@');
	if (at == NULL)
		n = snprintf(out, size, "%s@%s%s", local, *key == '.' ?
		    "probe" : "", key);
	else if (at == key)
		n = snprintf(out, size, "%s%s", local, key);
	else if (at[1] == '\0')
		n = snprintf(out, size, "%s%s", key, any_domain);
	else
		n = snprintf(out, size, "%s", key);
	return (n > 0 && (size_t)n < size && strchr(out, '@') != NULL &&
	    out[strlen(out) - 1] != '@');
}

/* mg_plan_key_helo - the HELO name an access(5) key of a HELO table
 * matches */
int
mg_plan_key_helo(const char *key, int regex, char *out, size_t size)
{
	char plain[MG_PROBE_ADDR_MAX];
	int n;

	if (regex) {
		if (!unregex(key, plain, sizeof(plain)))
			return (0);
		key = plain;
	}
	if (*key == '\0' || strpbrk(key, " \t<>\"@") != NULL ||
	    strspn(key, "0123456789.:[]/") == strlen(key))
		return (0);
	n = snprintf(out, size, "%s%s", *key == '.' ? "probe" : "", key);
	return (n > 0 && (size_t)n < size);
}

/* mg_check_key_net - the network a client table's key names: an address, a
 * network (cidr), or Postfix's truncated form "81.169" (hash tables);
 * its text into out */
int
mg_check_key_net(const char *key, char *out, size_t size)
{
	struct mg_net net;
	size_t dots = 0, i;

	if (*key != '\0' && strspn(key, "0123456789.") == strlen(key)) {
		for (i = 0; key[i] != '\0'; i++)
			dots += key[i] == '.';
		if (dots < 3 && key[strlen(key) - 1] != '.') {
			(void)snprintf(out, size, "%s%s/%zu", key, dots == 0 ?
			    ".0.0.0" : dots == 1 ? ".0.0" : ".0", (dots + 1) *
			    8);
			return (mg_net_parse(out, &net, NULL) == 0);
		}
	}
	(void)snprintf(out, size, "%s", key);
	return (mg_net_parse(out, &net, NULL) == 0);
}

/* mg_plan_own_domain - the domain of addr is one of the plan's */
int
mg_plan_own_domain(const struct mg_probe_plan *pl, const char *addr)
{
	const char *at = strrchr(addr, '@');
	size_t i;

	at = at != NULL ? at + 1 : addr;
	if (strcasecmp(at, pl->name) == 0)
		return (1);
	for (i = 0; i < pl->nown; i++)
		if (strcasecmp(pl->own[i], at) == 0)
			return (1);
	return (0);
}

/*
 * mg_check_probe_plan - the clients (given[] if any, else chosen from
 * the configuration), the server's name and domains
 */
void
mg_check_probe_plan(const struct mg_model *m, const char *const *given,
    size_t ngiven, struct mg_probe_plan *pl)
{
	static const char *const foreign[] = { "203.0.113.50",
	    "198.51.100.23", "192.0.2.77", "100.64.9.9", NULL };
	const struct mg_probe_planner *pp = planners[0];
	struct mg_plan_ranges *rs = mg_xcalloc(1, sizeof(*rs));
	struct mg_probe_client *c;
	struct mg_net a, b;
	const struct mg_param *p;
	char addr[64];
	size_t i, k, nr = 0, ng = 0;

	for (i = 0; planners[i] != NULL; i++)
		if (planners[i]->mta == m->mta)
			pp = planners[i];
	pp->ranges(m, rs);
	p = mg_model_param(m, pp->hostname);
	(void)snprintf(pl->name, sizeof(pl->name), "%s", p != NULL &&
	    p->value != NULL && *p->value != '\0' ? p->value : "localhost");
	pp->own(m, pl);
	pp->grants(m, rs, pl);
	for (i = 0; i < ngiven; i++) {
		c = mg_probe_plan_add(pl, given[i], "", NULL, 0);
		classify(rs, c, "given");
	}
	for (i = 0; ngiven == 0 && i < rs->n; i++) {
		const struct mg_plan_range *r = &rs->v[i];

		if (rs->v[i].grant ? ng++ >= GRANT_RANGES_MAX : nr++ >=
		    RANGES_MAX)
			continue;
		inside(&r->net, &a);
		plain(&a, addr, sizeof(addr));
		classify(rs, mg_probe_plan_add(pl, addr, "", NULL, 0), "");
		if (r->public < 1.0)
			continue;
		last_of(&r->net, &b);
		if (step(&b, 2, &a) == 0) {
			plain(&a, addr, sizeof(addr));
			c = mg_probe_plan_add(pl, addr, "", NULL, 0);
			(void)snprintf(addr, sizeof(addr), "just above %s",
			    r->text);
			classify(rs, c, addr);
		}
		if (step(&r->net, -2, &a) == 0) {
			plain(&a, addr, sizeof(addr));
			c = mg_probe_plan_add(pl, addr, "", NULL, 0);
			(void)snprintf(addr, sizeof(addr), "just below %s",
			    r->text);
			classify(rs, c, addr);
		}
	}
	for (k = 0; ngiven == 0 && foreign[k] != NULL; k++) {
		(void)mg_net_parse(foreign[k], &a, NULL);
		for (i = 0; i < rs->n; i++)
			if (mg_net_contains(&rs->v[i].net, &a))
				break;
		if (i == rs->n || foreign[k + 1] == NULL) {
			c = mg_probe_plan_add(pl, foreign[k], "", NULL, 0);
			classify(rs, c, "a foreign address");
			break;
		}
	}
	free(rs);
}

/*
 * mg_mail_domain_add - one domain the server receives mail for (len
 * bytes), once: a DNS name of two labels or more; not localhost nor a
 * name under it or .localdomain, not an address literal, a pattern, a
 * lookup or an expansion (those are no name DNS could be asked)
 */
void
mg_mail_domain_add(struct mg_mail_domains *d, const char *s, size_t len)
{
	size_t i;

	while (len > 0 && s[len - 1] == '.')
		len--;
	if (len == 0 || len > 253 || memchr(s, '.', len) == NULL ||
	    (len >= 10 && strncasecmp(s, "localhost.", 10) == 0) ||
	    (len >= 12 && strncasecmp(s + len - 12, ".localdomain", 12) ==
	    0) || s[0] == '.' || s[0] == '-')
		return;
	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' &&
		    s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9') ||
		    s[i] == '-' || s[i] == '_' || s[i] == '.'))
			return;
	for (i = 0; i < d->n; i++)
		if (strlen(d->v[i]) == len && strncasecmp(d->v[i], s, len) ==
		    0)
			return;
	*MG_ARRAY_PUSH(d->v, d->n, d->cap) = mg_xstrndup(s, len);
}

/* mg_mail_domains - the domains the model's MTA receives mail for, as
 * its planner reads the configuration; mg_mail_domains_free releases */
void
mg_mail_domains(const struct mg_model *m, struct mg_mail_domains *d)
{
	size_t i;

	memset(d, 0, sizeof(*d));
	for (i = 0; planners[i] != NULL; i++)
		if (planners[i]->mta == m->mta &&
		    planners[i]->mail_domains != NULL)
			planners[i]->mail_domains(m, d);
}

/* mg_mail_domains_free - release the list; accepts NULL */
void
mg_mail_domains_free(struct mg_mail_domains *d)
{
	if (d == NULL)
		return;
	mg_strv_free(d->v, d->n);
	memset(d, 0, sizeof(*d));
}
