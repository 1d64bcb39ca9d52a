/*
 * mg_dns.h - the MX hosts of the domains a server receives mail for, and
 * their addresses, asked through libresolv (res_nquery) under one time
 * budget: one try, one server, never a hang.  What could not be asked is
 * kept as text ("example.org: no answer from ..."), never guessed.
 */
#ifndef MG_DNS_H
#define MG_DNS_H

#include <stddef.h>

#include "mg_err.h"
#include "mg_net.h"

#define MG_DNS_BUDGET_MS 2000	/* every query of one lookup together */
#define MG_DNS_DOMAINS_MAX 32	/* domains asked; the rest are said */
#define MG_DNS_MX_MAX 8		/* MX hosts kept per domain */
#define MG_DNS_ADDRS_MAX 8	/* addresses kept per MX host */

/* One MX host of one domain. */
struct mg_mx_host {
	char *domain;		/* the mail domain */
	char *name;		/* the MX host, no trailing dot */
	unsigned pref;
	int implicit;		/* no MX record: the domain itself (RFC 5321
				 * 5.1), as a sending MTA falls back to */
	struct mg_net addrs[MG_DNS_ADDRS_MAX];	/* its A and AAAA records */
	size_t naddrs;
};

struct mg_mxset {
	char *resolver;		/* who was asked: "127.0.0.1:5353",
				 * "10.0.0.53 (first nameserver of
				 * /etc/resolv.conf)" */
	struct mg_mx_host *hosts;
	size_t nhosts, hosts_cap;
	char **failed;		/* "example.org: ...": not checked, why */
	size_t nfailed, failed_cap;
	long elapsed_ms;	/* the time the lookups took */
};

int mg_dns_server_parse(const char *, unsigned char[4], unsigned *,
    struct mg_err *);
int mg_dns_mx_lookup(struct mg_mxset *, const char *, const char *const *,
    size_t, long, struct mg_err *);
int mg_dns_parse_mx(const unsigned char *, int, const char *,
    struct mg_mxset *, int *);
int mg_dns_parse_addrs(const unsigned char *, int, struct mg_mx_host *);
void mg_mxset_free(struct mg_mxset *);

#endif
