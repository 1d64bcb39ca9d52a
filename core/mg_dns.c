/*
 * mg_dns.c - MX and address lookups with libresolv under one budget.
 * res_nquery on a private res_state: one server (--resolver ADDR[:PORT],
 * else the first nameserver of /etc/resolv.conf), one try (retry = 1), a
 * timeout (retrans, whole seconds) of what is left of the budget rounded
 * to the nearest second (the milliseconds setting up took do not cost the
 * first query a whole second), and no query begun with less than a
 * second left: the lookups end within MG_DNS_BUDGET_MS, plus under half
 * a second, whatever the network does.  No TCP retry
 * on a truncated answer (RES_IGNTC), no search list (res_nquery asks the
 * name as given).
 */
#include <sys/types.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <resolv.h>

#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "mg_dns.h"
#include "mg_num.h"
#include "mg_str.h"

#define ANSWER_MAX 4096

/* now_ms - a monotonic clock in milliseconds */
static long
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/*
 * mg_dns_server_parse - "ADDR[:PORT]", an IPv4 address and a port
 * (default 53); -1 with a reason otherwise (res_state takes IPv6
 * nameservers only from resolv.conf)
 */
int
mg_dns_server_parse(const char *text, unsigned char addr[4], unsigned *port,
    struct mg_err *err)
{
	char host[64];
	const char *colon = strrchr(text, ':');
	size_t len = colon != NULL ? (size_t)(colon - text) : strlen(text);
	unsigned long p = 53;
	struct mg_err perr;

	if (strchr(text, '[') != NULL || (colon != NULL &&
	    strchr(text, ':') != colon))
		return (mg_err_set(err, "resolver %s: only an IPv4 address "
		    "(ADDR or ADDR:PORT) can be given", text));
	if (len == 0 || len >= sizeof(host))
		return (mg_err_set(err, "resolver \"%s\": not ADDR[:PORT]",
		    text));
	memcpy(host, text, len);
	host[len] = '\0';
	if (inet_pton(AF_INET, host, addr) != 1)
		return (mg_err_set(err, "resolver %s: %s is not an IPv4 "
		    "address", text, host));
	if (colon != NULL && mg_parse_ulong(colon + 1, 1, 65535, &p,
	    &perr) < 0)
		return (mg_err_set(err, "resolver %s: bad port: %s", text,
		    perr.msg));
	*port = (unsigned)p;
	return (0);
}

/* name_ok - a host name as DNS gave it: letters, digits, '-', '_', '.'
 * only (anything else is no name a certificate could hold) */
static int
name_ok(const char *s)
{
	if (*s == '\0' || strlen(s) > 253)
		return (0);
	for (; *s != '\0'; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' ||
		    *s == '.'))
			return (0);
	return (1);
}

/* host_add - a new MX host of domain; the set owns it */
static struct mg_mx_host *
host_add(struct mg_mxset *set, const char *domain, const char *name,
    unsigned pref, int implicit)
{
	struct mg_mx_host *h;

	h = MG_ARRAY_PUSH(set->hosts, set->nhosts, set->hosts_cap);
	memset(h, 0, sizeof(*h));
	h->domain = mg_xstrdup(domain);
	h->name = mg_xstrdup(name);
	h->pref = pref;
	h->implicit = implicit;
	return (h);
}

/* failed - one line of what was not checked */
static void
failed(struct mg_mxset *set, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
failed(struct mg_mxset *set, const char *fmt, ...)
{
	struct mg_str s = MG_STR_INIT;
	va_list ap;

	va_start(ap, fmt);
	mg_str_vprintf(&s, fmt, ap);
	va_end(ap);
	*MG_ARRAY_PUSH(set->failed, set->nfailed, set->failed_cap) =
	    mg_str_steal(&s);
}

/*
 * mg_dns_parse_mx - the MX records of an answer to "domain MX" as hosts
 * of domain (at most MG_DNS_MX_MAX, names that are no host name left
 * out); *null_mx set for RFC 7505's "0 ." (the domain takes no mail).
 * The number of hosts added; -1 if the answer does not parse.
 */
int
mg_dns_parse_mx(const unsigned char *ans, int len, const char *domain,
    struct mg_mxset *set, int *null_mx)
{
	ns_msg msg;
	ns_rr rr;
	char name[NS_MAXDNAME];
	int i, n, added = 0;

	*null_mx = 0;
	if (ns_initparse(ans, len, &msg) < 0)
		return (-1);
	n = ns_msg_count(msg, ns_s_an);
	for (i = 0; i < n && added < MG_DNS_MX_MAX; i++) {
		if (ns_parserr(&msg, ns_s_an, i, &rr) < 0)
			return (-1);
		if (ns_rr_type(rr) != ns_t_mx || ns_rr_rdlen(rr) < 3)
			continue;
		if (dn_expand(ns_msg_base(msg), ns_msg_end(msg),
		    ns_rr_rdata(rr) + 2, name, (int)sizeof(name)) < 0)
			continue;
		if (name[0] == '\0' || strcmp(name, ".") == 0) {
			*null_mx = 1;
			continue;
		}
		if (!name_ok(name))
			continue;
		(void)host_add(set, domain, name, ns_get16(ns_rr_rdata(rr)),
		    0);
		added++;
	}
	return (added);
}

/* mg_dns_parse_addrs - the A and AAAA records of an answer into h (at
 * most MG_DNS_ADDRS_MAX); -1 if the answer does not parse */
int
mg_dns_parse_addrs(const unsigned char *ans, int len, struct mg_mx_host *h)
{
	ns_msg msg;
	ns_rr rr;
	struct mg_net *a;
	int i, n;

	if (ns_initparse(ans, len, &msg) < 0)
		return (-1);
	n = ns_msg_count(msg, ns_s_an);
	for (i = 0; i < n && h->naddrs < MG_DNS_ADDRS_MAX; i++) {
		if (ns_parserr(&msg, ns_s_an, i, &rr) < 0)
			return (-1);
		a = &h->addrs[h->naddrs];
		memset(a, 0, sizeof(*a));
		if (ns_rr_type(rr) == ns_t_a && ns_rr_rdlen(rr) == 4) {
			a->family = 4;
			a->prefix = 32;
		} else if (ns_rr_type(rr) == ns_t_aaaa &&
		    ns_rr_rdlen(rr) == 16) {
			a->family = 6;
			a->prefix = 128;
		} else
			continue;
		memcpy(a->addr, ns_rr_rdata(rr), ns_rr_rdlen(rr));
		h->naddrs++;
	}
	return (0);
}

/* What one lookup carries from query to query. */
struct ask {
	struct __res_state rs;
	const char *server;	/* for the reasons given */
	long deadline;		/* now_ms() value */
	long budget_ms;
	unsigned char ans[ANSWER_MAX];
	char why[256];		/* why the last query gave nothing */
};

enum { ASK_NONE = 0, ASK_NXDOMAIN = -1, ASK_FAILED = -2 };

/*
 * ask - one query of name and type; the answer's length, ASK_NONE (the
 * name exists without such records), ASK_NXDOMAIN, or ASK_FAILED with
 * q->why (no answer in time, refused, budget spent)
 */
static int
ask(struct ask *q, const char *name, int type)
{
	long rem = q->deadline - now_ms(), start;
	int n, timeout;

	if (rem < 1000) {
		(void)snprintf(q->why, sizeof(q->why), "not asked: the %ld s "
		    "budget for DNS was spent", q->budget_ms / 1000);
		return (ASK_FAILED);
	}
	timeout = (int)((rem + 500) / 1000);
	q->rs.retrans = timeout;
	q->rs.retry = 1;
	start = now_ms();
	errno = 0;
	n = res_nquery(&q->rs, name, ns_c_in, type, q->ans,
	    (int)sizeof(q->ans));
	if (n >= 0)
		return (n > (int)sizeof(q->ans) ? (int)sizeof(q->ans) : n);
	switch (q->rs.res_h_errno) {
	case HOST_NOT_FOUND:
		return (ASK_NXDOMAIN);
	case NO_DATA:
		return (ASK_NONE);
	case NO_RECOVERY:
		(void)snprintf(q->why, sizeof(q->why), "%s refused the query "
		    "or could not answer it", q->server);
		return (ASK_FAILED);
	default:
		break;
	}
	if (errno == ECONNREFUSED)
		(void)snprintf(q->why, sizeof(q->why), "%s refused the "
		    "connection (no DNS server listens there)", q->server);
	else if (now_ms() - start >= (long)timeout * 1000 - 100)
		(void)snprintf(q->why, sizeof(q->why), "no answer from %s "
		    "within %d s", q->server, timeout);
	else
		(void)snprintf(q->why, sizeof(q->why), "%s gave no answer "
		    "(SERVFAIL, or unreachable)", q->server);
	return (ASK_FAILED);
}

/* addresses - h's A and AAAA records; 0, or -1 with q->why when neither
 * could be asked */
static int
addresses(struct ask *q, struct mg_mx_host *h)
{
	static const int types[] = { ns_t_a, ns_t_aaaa };
	int i, n, asked = 0;

	for (i = 0; i < 2; i++) {
		n = ask(q, h->name, types[i]);
		if (n == ASK_FAILED)
			continue;
		asked++;
		if (n > 0)
			(void)mg_dns_parse_addrs(q->ans, n, h);
	}
	return (asked > 0 ? 0 : -1);
}

/* same_name - an earlier host of this name, whose addresses are known */
static const struct mg_mx_host *
same_name(const struct mg_mxset *set, size_t before, const char *name)
{
	size_t i;

	for (i = 0; i < before; i++)
		if (strcasecmp(set->hosts[i].name, name) == 0)
			return (&set->hosts[i]);
	return (NULL);
}

/* domain_mx - one domain's MX hosts and their addresses into set */
static void
domain_mx(struct ask *q, struct mg_mxset *set, const char *domain)
{
	const struct mg_mx_host *prev;
	struct mg_mx_host *h;
	size_t first = set->nhosts, i;
	int n, null_mx = 0;

	n = ask(q, domain, ns_t_mx);
	if (n == ASK_FAILED) {
		failed(set, "%s: %s", domain, q->why);
		return;
	}
	if (n == ASK_NXDOMAIN) {
		failed(set, "%s: no such domain in DNS (NXDOMAIN)", domain);
		return;
	}
	if (n > 0 && mg_dns_parse_mx(q->ans, n, domain, set, &null_mx) < 0) {
		failed(set, "%s: the MX answer from %s does not parse",
		    domain, q->server);
		return;
	}
	if (set->nhosts == first) {
		if (null_mx)
			return;	/* RFC 7505: takes no mail; nothing to name */
		(void)host_add(set, domain, domain, 0, 1);
	}
	for (i = first; i < set->nhosts; i++) {
		h = &set->hosts[i];
		if ((prev = same_name(set, i, h->name)) != NULL) {
			memcpy(h->addrs, prev->addrs, sizeof(h->addrs));
			h->naddrs = prev->naddrs;
			continue;
		}
		if (addresses(q, h) < 0)
			failed(set, "%s: addresses of MX %s: %s", domain,
			    h->name, q->why);
	}
	/* no MX and no address: the domain takes no mail from outside */
	if (set->nhosts == first + 1 && set->hosts[first].implicit &&
	    set->hosts[first].naddrs == 0) {
		free(set->hosts[first].domain);
		free(set->hosts[first].name);
		set->nhosts = first;
	}
}

/* server_text - who answers: the --resolver text, else resolv.conf's
 * first nameserver */
static char *
server_text(const struct __res_state *rs, const char *resolver)
{
	char addr[INET6_ADDRSTRLEN] = "?";
	struct mg_str s = MG_STR_INIT;

	if (resolver != NULL)
		return (mg_xstrdup(resolver));
	if (rs->nsaddr_list[0].sin_family == AF_INET)
		(void)inet_ntop(AF_INET, &rs->nsaddr_list[0].sin_addr, addr,
		    sizeof(addr));
	else if (rs->_u._ext.nsaddrs[0] != NULL)
		(void)inet_ntop(AF_INET6, &rs->_u._ext.nsaddrs[0]->sin6_addr,
		    addr, sizeof(addr));
	mg_str_printf(&s, "%s (first nameserver of /etc/resolv.conf)", addr);
	return (mg_str_steal(&s));
}

/*
 * mg_dns_mx_lookup - the MX hosts (each with its addresses) of the n
 * domains into set, through resolver ("ADDR[:PORT]"; NULL: the first
 * nameserver of /etc/resolv.conf), all within budget_ms.  A domain not
 * answered, or not asked, is a line in set->failed.  -1 with a reason
 * when the resolver itself cannot be set up.  mg_mxset_free releases
 * set.
 */
int
mg_dns_mx_lookup(struct mg_mxset *set, const char *resolver,
    const char *const *domains, size_t n, long budget_ms, struct mg_err *err)
{
	struct ask *q;
	unsigned char addr[4];
	unsigned port = 53;
	long start = now_ms();
	size_t i;

	memset(set, 0, sizeof(*set));
	if (resolver != NULL && mg_dns_server_parse(resolver, addr, &port,
	    err) < 0)
		return (-1);
	q = mg_xcalloc(1, sizeof(*q));
	if (res_ninit(&q->rs) < 0) {
		free(q);
		return (mg_err_set(err, "cannot set up the resolver "
		    "(res_ninit)"));
	}
	if (resolver != NULL) {
		memset(&q->rs.nsaddr_list[0], 0, sizeof(q->rs.nsaddr_list[0]));
		q->rs.nsaddr_list[0].sin_family = AF_INET;
		q->rs.nsaddr_list[0].sin_port = htons((unsigned short)port);
		memcpy(&q->rs.nsaddr_list[0].sin_addr, addr, 4);
	}
	q->rs.nscount = 1;	/* one server: each more one adds a timeout */
	q->rs.options |= RES_IGNTC;
	q->rs.options &= ~(unsigned long)(RES_DNSRCH | RES_DEFNAMES);
	set->resolver = server_text(&q->rs, resolver);
	q->server = set->resolver;
	q->budget_ms = budget_ms;
	q->deadline = start + budget_ms;
	for (i = 0; i < n && i < MG_DNS_DOMAINS_MAX; i++)
		domain_mx(q, set, domains[i]);
	if (n > MG_DNS_DOMAINS_MAX)
		failed(set, "%zu more domains: not asked (at most %d are)",
		    n - MG_DNS_DOMAINS_MAX, MG_DNS_DOMAINS_MAX);
	res_nclose(&q->rs);
	free(q);
	set->elapsed_ms = now_ms() - start;
	return (0);
}

/* mg_mxset_free - release everything; accepts NULL */
void
mg_mxset_free(struct mg_mxset *set)
{
	size_t i;

	if (set == NULL)
		return;
	for (i = 0; i < set->nhosts; i++) {
		free(set->hosts[i].domain);
		free(set->hosts[i].name);
	}
	free(set->hosts);
	mg_strv_free(set->failed, set->nfailed);
	free(set->resolver);
	memset(set, 0, sizeof(*set));
}
