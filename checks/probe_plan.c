/*
 * probe_plan.c - whom the relay probe speaks as, read from the model:
 * an address inside each range the configuration trusts to relay
 * (Postfix mynetworks, Exim relay_from_hosts), the addresses just above
 * and below each range that holds public space (a mask mistake shows as
 * a difference between inside and outside), and a foreign address; the
 * server's name and its own domains (a forged sender in one of them is
 * how a sender whitelist opens a relay).
 */
#include <sys/socket.h>

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../backends/exim/exim_list.h"
#include "../backends/postfix/pf_list.h"
#include "../backends/postfix/pf_maps.h"
#include "../core/mg_net.h"
#include "../core/mg_probe.h"
#include "../core/mg_str.h"
#include "checks.h"

#define RANGES_MAX 8		/* trusted ranges probed */
#define WIDE_PUBLIC 256.0	/* more public addresses than a /24 */

/* One trusted range and where it is written. */
struct range {
	struct mg_net net;	/* masked */
	char text[128];
	const char *what;	/* "mynetworks" */
	const char *file;
	unsigned line;
	double public;
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
	r->what = what;
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
	(void)snprintf(c->why, sizeof(c->why), "%s%sinside %s %s", chosen,
	    *chosen != '\0' ? ", " : "", best->what, best->text);
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
	size_t i, k, nr = 0;

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
	for (i = 0; i < ngiven; i++) {
		c = mg_probe_plan_add(pl, given[i], "", NULL, 0);
		classify(rs, c, "given");
	}
	for (i = 0; ngiven == 0 && i < rs->n && nr < RANGES_MAX; i++) {
		const struct range *r = &rs->v[i];

		nr++;
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
