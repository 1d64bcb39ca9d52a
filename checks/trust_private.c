/*
 * trust_private.c - a private or container network (RFC 1918, CGN,
 * ULA, link-local) that Postfix's mynetworks or Exim's relay_from_hosts
 * trusts, weighed by how many addresses it lets relay and by this host's
 * context: is it the network of one of this machine's interfaces, a
 * docker bridge, and does docker's userland proxy run?  docker-proxy
 * accepts a published port's connections itself and opens its own to
 * the container from the bridge's gateway address, so a trusted docker
 * network makes every client on the Internet a trusted one.  A wide
 * private range no interface is on trusts networks this host cannot even
 * see (a VPN, a neighbour's LAN, the next tenant's containers).
 */
#include <stdio.h>
#include <string.h>

#include "../core/mg_host.h"
#include "../core/mg_str.h"
#include "checks.h"

#define WIDE_HIGH 65536.0	/* more than a /16: high */
#define WIDE_MEDIUM 256.0	/* more than a /24: medium */

/* docker_proxy_gateway - a docker bridge inside net while docker-proxy
 * runs: its gateway (the bridge's own address) relays for everyone */
static const struct mg_hostif *
docker_proxy_gateway(const struct mg_host *h, const struct mg_net *net)
{
	struct mg_net gw;
	size_t i;

	if (h == NULL || !h->docker_proxy)
		return (NULL);
	for (i = 0; i < h->nifs; i++) {
		if (!h->ifs[i].docker)
			continue;
		gw = h->ifs[i].addr;
		gw.prefix = gw.family == 4 ? 32 : 128;
		if (mg_net_contains(net, &gw))
			return (&h->ifs[i]);
	}
	return (NULL);
}

/*
 * wide_severity - by width alone: IPv4 by its addresses (more than a /16
 * high, more than a /24 medium); IPv6 by prefix, since a single subnet
 * is a /64 however many addresses it holds (a site /48 or wider than a
 * /64 medium, wider than a /48 high)
 */
static enum mg_severity
wide_severity(const struct mg_net *net, const struct mg_net_span *span)
{
	if (net->family == 6)
		return (net->prefix < 48 ? MG_SEV_HIGH : net->prefix < 64 ?
		    MG_SEV_MEDIUM : MG_SEV_LOW);
	return (span->total > WIDE_HIGH ? MG_SEV_HIGH : span->total >
	    WIDE_MEDIUM ? MG_SEV_MEDIUM : MG_SEV_LOW);
}

/* if_list - "eth0 192.0.2.2/24, docker0 172.17.0.1/16" (no loopback) */
static void
if_list(const struct mg_host *h, struct mg_str *out)
{
	char a[128];
	size_t i, n = 0;

	for (i = 0; i < h->nifs; i++) {
		if (mg_net_loopback(&h->ifs[i].addr))
			continue;
		mg_net_format(&h->ifs[i].addr, 0, a, sizeof(a));
		mg_str_printf(out, "%s%s %s", n++ > 0 ? ", " : "",
		    h->ifs[i].name, a);
	}
	if (n == 0)
		mg_str_puts(out, "loopback only");
}

/*
 * mg_check_private_weigh - 0 if net is not a private or container network
 * (public and loopback space are other checks'); else 1 with w filled:
 * severity, the evidence sentence, and whether the fix changes it
 */
int
mg_check_private_weigh(const struct mg_model *m, const struct mg_net *net,
    struct mg_private_weight *w)
{
	const struct mg_host *h = m->host;
	const struct mg_hostif *hi, *gw;
	struct mg_net_span span;
	struct mg_str s = MG_STR_INIT;
	char masked[128], count[64], a[128];

	memset(w, 0, sizeof(*w));
	if (mg_net_loopback(net) ||
	    (w->kind = mg_net_private_kind(net)) == NULL)
		return (0);
	mg_net_span(net, &span);
	mg_net_format(net, 1, masked, sizeof(masked));
	mg_net_format_count(span.total, net->family, count, sizeof(count));
	mg_str_printf(&s, "%s (%s, %s addresses): ", masked, w->kind, count);
	hi = mg_host_if_holding(h, net);
	if ((gw = docker_proxy_gateway(h, net)) != NULL) {
		mg_net_format(&gw->addr, 0, a, sizeof(a));
		w->severity = MG_SEV_HIGH;
		w->narrow = 1;
		mg_str_printf(&s, "holds docker bridge %s (%s) and "
		    "docker-proxy runs (pid %ld): a client of any published "
		    "port, anywhere on the Internet, reaches the MTA from the "
		    "gateway address %.*s - inside this entry, so it relays",
		    gw->name, a, h->docker_proxy_pid,
		    (int)strcspn(a, "/"), a);
	} else if (hi != NULL && hi->docker) {
		mg_net_format(&hi->addr, 0, a, sizeof(a));
		w->severity = MG_SEV_LOW;
		mg_str_printf(&s, "docker bridge %s (%s): the containers on "
		    "it may relay; no docker-proxy runs now", hi->name, a);
	} else if (hi != NULL) {
		mg_net_format(&hi->addr, 0, a, sizeof(a));
		w->severity = MG_SEV_LOW;
		mg_str_printf(&s, "this host's own %s network (%s)", hi->name,
		    a);
	} else if (strstr(w->kind, "link-local") != NULL) {
		w->severity = MG_SEV_LOW;
		mg_str_puts(&s, "link-local: only hosts on this machine's own "
		    "links reach it");
	} else {
		w->severity = wide_severity(net, &span);
		w->narrow = w->severity >= MG_SEV_MEDIUM;
		if (h == NULL)
			mg_str_puts(&s, "this host's interfaces were not read, "
			    "so nothing says it is a local network");
		else {
			mg_str_puts(&s, "no interface of this host is on it "
			    "(");
			if_list(h, &s);
			mg_str_puts(&s, "); every address in it relays, "
			    "whoever holds it");
		}
	}
	(void)snprintf(w->why, sizeof(w->why), "%s", mg_str_cstr(&s));
	mg_str_free(&s);
	return (1);
}

/* format_net - "10.1.2.0/24", "[fd00::]/64" or (Exim) "fd00::/64" */
static void
format_net(const struct mg_net *n, int brackets, char *buf, size_t size)
{
	char *rb;

	mg_net_format(n, 0, buf, size);
	if (brackets || buf[0] != '[' || (rb = strchr(buf, ']')) == NULL)
		return;
	memmove(rb, rb + 1, strlen(rb + 1) + 1);
	memmove(buf, buf + 1, strlen(buf + 1) + 1);
}

/*
 * mg_check_private_narrowed - the items that replace a private entry the
 * weighing marked for narrowing, joined by sep: the networks of this
 * host's interfaces inside it, a docker bridge's gateway excluded first
 * ("!172.17.0.1/32") while docker-proxy runs; empty: drop the entry.
 * IPv6 as Postfix writes it ("[fd00::]/64"), or bare for Exim.
 */
void
mg_check_private_narrowed(const struct mg_model *m, const struct mg_net *net,
    const char *sep, const char *neg, int brackets, struct mg_str *out)
{
	const struct mg_host *h = m->host;
	struct mg_net n, gw;
	char a[128];
	size_t i, k;
	int dup;

	mg_str_init(out);
	for (i = 0; h != NULL && i < h->nifs; i++) {
		mg_net_mask(&h->ifs[i].addr, &n);
		if (mg_net_loopback(&n) || !mg_net_contains(net, &n))
			continue;
		for (k = 0, dup = 0; k < i; k++) {
			struct mg_net o;

			mg_net_mask(&h->ifs[k].addr, &o);
			dup |= memcmp(&o, &n, sizeof(o)) == 0;
		}
		if (dup)
			continue;
		if (h->ifs[i].docker && h->docker_proxy) {
			gw = h->ifs[i].addr;
			gw.prefix = gw.family == 4 ? 32 : 128;
			format_net(&gw, brackets, a, sizeof(a));
			mg_str_printf(out, "%s%s%s", out->len > 0 ? sep : "",
			    neg, a);
		}
		format_net(&n, brackets, a, sizeof(a));
		mg_str_printf(out, "%s%s", out->len > 0 ? sep : "", a);
	}
}

/* kept_by_fix - the fix keeps addr trusted: an interface network inside
 * net holds it (and it is not a docker gateway the fix excludes) */
static int
kept_by_fix(const struct mg_host *h, const struct mg_net *net,
    const struct mg_net *addr)
{
	struct mg_net n, gw;
	size_t i;

	for (i = 0; h != NULL && i < h->nifs; i++) {
		mg_net_mask(&h->ifs[i].addr, &n);
		if (mg_net_loopback(&n) || !mg_net_contains(net, &n) ||
		    !mg_net_contains(&n, addr))
			continue;
		gw = h->ifs[i].addr;
		gw.prefix = addr->prefix;
		if (h->ifs[i].docker && h->docker_proxy &&
		    mg_net_contains(&gw, addr))
			continue;
		return (1);
	}
	return (0);
}

/*
 * mg_check_net_inside - net's address masked, with the host part of an
 * IPv4 network filled from 0.99.1.1 (172.16.0.0/12 gives 172.19.1.1): an
 * address inside net other than the one usually written; an IPv6 network
 * is left to the caller
 */
void
mg_check_net_inside(const struct mg_net *net, struct mg_net *a)
{
	static const unsigned char off4[4] = { 0, 99, 1, 1 };
	int i, bits;

	mg_net_mask(net, a);
	if (a->family != 4)
		return;
	for (i = 0; i < 4; i++) {
		bits = net->prefix - i * 8;
		if (bits < 8)
			a->addr[i] |= (unsigned char)(off4[i] &
			    (0xff >> (bits < 0 ? 0 : bits)));
	}
}

/*
 * mg_check_private_probe - a client address the narrowing fix must stop
 * trusting: the docker gateway while docker-proxy runs, else one inside
 * net outside every network the fix keeps ("172.19.1.1" for
 * 172.16.0.0/12); 0 if there is none to name
 */
int
mg_check_private_probe(const struct mg_model *m, const struct mg_net *net,
    char *buf, size_t size)
{
	const struct mg_hostif *gw = docker_proxy_gateway(m->host, net);
	struct mg_net a;

	if (gw != NULL)
		a = gw->addr;
	else {
		mg_check_net_inside(net, &a);
		if (a.family != 4)
			a.addr[15] |= net->prefix <= 120 ? 0x25 : 1;
	}
	a.prefix = a.family == 4 ? 32 : 128;
	a.has_prefix = 0;
	if (!mg_net_contains(net, &a) || kept_by_fix(m->host, net, &a))
		return (0);
	mg_net_format(&a, 0, buf, size);
	buf[strcspn(buf, "/")] = '\0';
	if (buf[0] == '[') {
		memmove(buf, buf + 1, strlen(buf));
		buf[strcspn(buf, "]")] = '\0';
	}
	return (1);
}
