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
 */
#include <sys/socket.h>

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../backends/exim/exim_list.h"
#include "../backends/postfix/pf_list.h"
#include "../backends/postfix/pf_maps.h"
#include "../core/mg_net.h"
#include "../core/mg_probe.h"
#include "../core/mg_str.h"
#include "checks.h"

#define RANGES_MAX 8		/* trusted ranges probed */
#define GRANT_RANGES_MAX 8	/* and client grants */
#define GRANTS_MAX 24		/* senders, HELOs, recipients */
#define ENTRY_MAX 200
#define WIDE_PUBLIC 256.0	/* more public addresses than a /24 */

/* One trusted range and where it is written. */
struct range {
	struct mg_net net;	/* masked */
	char text[128];
	char what[160];		/* "mynetworks", "check_client_access
				 * cidr:/etc/postfix/clients" */
	const char *file;
	unsigned line;
	double public;
	int grant;		/* from an access table or ACL statement */
};

struct ranges {
	struct range v[64];
	size_t n;
};

/* add_range - a network element (others, such as host names, are not
 * ranges an address can be chosen from) */
static void
add_range(struct ranges *rs, const char *elem, size_t len, const char *what,
    const char *file, unsigned line)
{
	struct mg_net_span span;
	struct range *r;
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
	r->grant = 0;
	r->file = file;
	r->line = line;
	mg_net_span(&net, &span);
	r->public = span.public;
}

/* pf_ranges - mynetworks: its elements and the keys of its tables */
static void
pf_ranges(const struct mg_model *m, struct ranges *rs)
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
			add_range(rs, elem, len, "mynetworks", p->file,
			    p->line);
			continue;
		}
		if ((t = mg_model_map(m, ref)) == NULL)
			continue;
		for (i = 0; i < t->nentries; i++)
			add_range(rs, t->entries[i].key,
			    strlen(t->entries[i].key), "mynetworks",
			    t->source != NULL ? t->source : p->file,
			    t->source != NULL ? t->entries[i].line : p->line);
	}
}

/* exim_ranges - relay_from_hosts */
static void
exim_ranges(const struct mg_model *m, struct ranges *rs)
{
	const struct mg_param *p = mg_model_param(m, "+relay_from_hosts");
	struct mg_exim_list l;
	struct mg_str it = MG_STR_INIT;

	if (p == NULL || p->value == NULL)
		return;
	mg_exim_list_init(&l, p->value);
	while (mg_exim_list_next(&l, &it))
		if (it.data != NULL)
			add_range(rs, it.data, it.len, "relay_from_hosts",
			    p->file, p->line);
	mg_str_free(&it);
}

/* own_list - the domains of a list parameter (Postfix or Exim syntax) */
static void
own_list(const struct mg_model *m, const char *name, struct mg_probe_plan *pl)
{
	const struct mg_param *p = mg_model_param(m, name);
	struct mg_exim_list l;
	struct mg_str it = MG_STR_INIT;
	const char *cur, *elem;
	size_t len;

	if (p == NULL || p->value == NULL)
		return;
	if (m->mta == MG_MTA_EXIM) {
		mg_exim_list_init(&l, p->value);
		while (mg_exim_list_next(&l, &it))
			if (it.data != NULL)
				mg_probe_plan_own(pl, it.data, it.len);
		mg_str_free(&it);
		return;
	}
	for (cur = p->value; mg_pf_list_next(&cur, &elem, &len);)
		mg_probe_plan_own(pl, elem, len);
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
classify(const struct ranges *rs, struct mg_probe_client *c,
    const char *chosen)
{
	const struct range *best = NULL;
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

/* read_ranges - the trusted ranges of the model's MTA */
static void
read_ranges(const struct mg_model *m, struct ranges *rs)
{
	rs->n = 0;
	if (m->mta == MG_MTA_EXIM)
		exim_ranges(m, rs);
	else
		pf_ranges(m, rs);
}

/* permissive - an access(5) answer that ends the list with accept: OK,
 * all-numeric (pop-before-smtp style) or a permit_ restriction */
static int
permissive(const char *v)
{
	size_t n;

	if (v == NULL)
		return (0);
	v += strspn(v, " \t");
	n = strcspn(v, " \t,");
	if (n == 2 && strncasecmp(v, "OK", 2) == 0)
		return (1);
	if (strncasecmp(v, "permit", 6) == 0)
		return (1);
	return (n > 0 && strspn(v, "0123456789") == n);
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
 * key_address - the address an access(5) key of a sender or recipient
 * table matches: user@domain as written, a domain as local@domain, a
 * subdomain pattern (.domain) as local@probe.domain, user@ as
 * user@any_domain, <> as the null sender; 0 if none (an address
 * pattern, an IP key)
 */
static int
key_address(const char *key, int regex, const char *local,
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

/* key_helo - the HELO name an access(5) key of a HELO table matches */
static int
key_helo(const char *key, int regex, char *out, size_t size)
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

/* own_domain - d (the domain of an address) is one of the plan's */
static int
own_domain(const struct mg_probe_plan *pl, const char *addr)
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
 * pf_grant_table - the entries of the access table t (consulted by
 * restriction) that answer with accept: clients become ranges, senders,
 * HELO names and recipients (not the server's own) grants of the plan
 */
static void
pf_grant_table(const char *restriction, const struct mg_map *t,
    struct ranges *rs, struct mg_probe_plan *pl)
{
	const struct mg_map_entry *e;
	char entry[ENTRY_MAX], value[MG_PROBE_ADDR_MAX];
	const char *file = t->source != NULL ? t->source : t->name;
	size_t i, before;
	int regex = strcmp(t->type, "regexp") == 0 ||
	    strcmp(t->type, "pcre") == 0;

	for (i = 0; i < t->nentries; i++) {
		e = &t->entries[i];
		if (!permissive(e->value) || *e->key == '!')
			continue;
		(void)snprintf(entry, sizeof(entry), "%s %s: %s %s",
		    restriction, t->ref, e->key, e->value);
		if (strcmp(restriction, "check_client_access") == 0) {
			if (regex || !mg_check_key_net(e->key, value, sizeof(value)))
				continue;
			before = rs->n;
			add_range(rs, value, strlen(value), entry, file,
			    e->line);
			if (rs->n > before)
				rs->v[before].grant = 1;
		} else if (pl->ngrants >= GRANTS_MAX)
			return;
		else if (strcmp(restriction, "check_sender_access") == 0) {
			if (key_address(e->key, regex, "postmaster",
			    MG_PROBE_FOREIGN, value, sizeof(value)))
				(void)mg_probe_plan_grant(pl, MG_GRANT_SENDER,
				    value, entry, file, e->line);
		} else if (strcmp(restriction, "check_helo_access") == 0) {
			if (key_helo(e->key, regex, value, sizeof(value)))
				(void)mg_probe_plan_grant(pl, MG_GRANT_HELO,
				    value, entry, file, e->line);
		} else if (strcmp(restriction, "check_recipient_access") ==
		    0) {
			if (key_address(e->key, regex, MG_PROBE_USER,
			    MG_PROBE_FOREIGN, value, sizeof(value)) &&
			    value[0] != '\0' && !own_domain(pl, value))
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
pf_grants(const struct mg_model *m, struct ranges *rs, struct mg_probe_plan *pl)
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

/*
 * exim_named - the items of an Exim list, a named list (+name) expanded
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
	struct ranges *rs;
	struct mg_probe_plan *pl;
};

/* exim_grant_item - one item of an accept's senders or hosts list */
static void
exim_grant_item(const char *item, void *arg)
{
	struct exim_grant *g = arg;
	char entry[ENTRY_MAX], value[MG_PROBE_ADDR_MAX];
	size_t before;

	if (*item == '!' || strchr(item, '$') != NULL || strchr(item, ';') !=
	    NULL || *item == '^' || *item == '/')
		return;
	(void)snprintf(entry, sizeof(entry), "%s: accept %s = %s", g->acl,
	    g->cond, item);
	if (strcmp(g->cond, "hosts") == 0) {
		before = g->rs->n;
		add_range(g->rs, item, strlen(item), entry, g->rule->file,
		    g->rule->line);
		if (g->rs->n > before)
			g->rs->v[before].grant = 1;
		return;
	}
	if (g->pl->ngrants >= GRANTS_MAX)
		return;
	/* Exim address lists: "*@domain", "user@domain", "domain" (the
	 * domain part matched as a domain list item), "*.domain" */
	if (strncmp(item, "*@", 2) == 0)
		item += 1;
	else if (item[0] == '*' && item[1] == '.')
		item += 1;
	if (key_address(item, 0, "postmaster", MG_PROBE_FOREIGN, value,
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
	char entry[ENTRY_MAX], name[MG_PROBE_ADDR_MAX];
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
		if (g->pl->ngrants < GRANTS_MAX)
			(void)mg_probe_plan_grant(g->pl, MG_GRANT_HELO, name,
			    entry, g->rule->file, g->rule->line);
		return;
	}
}

/* exim_grants - senders and hosts lists of accept statements in the
 * RCPT ACL, and conditions on the HELO name: exim -bh judges whether
 * each opens the relay */
static void
exim_grants(const struct mg_model *m, struct ranges *rs,
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
	struct ranges *rs = mg_xcalloc(1, sizeof(*rs));
	struct mg_probe_client *c;
	struct mg_net a, b;
	const struct mg_param *p;
	char addr[64];
	size_t i, k, nr = 0, ng = 0;

	read_ranges(m, rs);
	p = mg_model_param(m, m->mta == MG_MTA_EXIM ? "primary_hostname" :
	    "myhostname");
	(void)snprintf(pl->name, sizeof(pl->name), "%s", p != NULL &&
	    p->value != NULL && *p->value != '\0' ? p->value : "localhost");
	if (m->mta == MG_MTA_EXIM) {
		own_list(m, "+local_domains", pl);
		own_list(m, "qualify_domain", pl);
		own_list(m, "+relay_to_domains", pl);
	} else {
		own_list(m, "mydomain", pl);
		own_list(m, "mydestination", pl);
		own_list(m, "myorigin", pl);
		own_list(m, "virtual_alias_domains", pl);
		own_list(m, "virtual_mailbox_domains", pl);
		own_list(m, "relay_domains", pl);
	}
	if (m->mta == MG_MTA_EXIM)
		exim_grants(m, rs, pl);
	else
		pf_grants(m, rs, pl);
	for (i = 0; i < ngiven; i++) {
		c = mg_probe_plan_add(pl, given[i], "", NULL, 0);
		classify(rs, c, "given");
	}
	for (i = 0; ngiven == 0 && i < rs->n; i++) {
		const struct range *r = &rs->v[i];

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
