/* mg_net.h - IP networks: parse address/prefix, host bits, public coverage. */
#ifndef MG_NET_H
#define MG_NET_H

#include "mg_err.h"

struct mg_net {
	int family;			/* 4 or 6 */
	unsigned char addr[16];		/* as written (host bits kept) */
	int prefix;			/* 0..32 or 0..128 */
	int has_prefix;			/* "/len" was written */
};

/* How much globally routable address space a network covers. */
struct mg_net_span {
	double total;			/* addresses in the network */
	double public;			/* of which not special-purpose */
};

int mg_net_parse(const char *, struct mg_net *, struct mg_err *);
int mg_net_host_bits(const struct mg_net *);
void mg_net_mask(const struct mg_net *, struct mg_net *);
void mg_net_span(const struct mg_net *, struct mg_net_span *);
int mg_net_contains(const struct mg_net *, const struct mg_net *);
void mg_net_format(const struct mg_net *, int, char *, size_t);
void mg_net_format_count(double, int, char *, size_t);
const char *mg_net_private_kind(const struct mg_net *);
int mg_net_loopback(const struct mg_net *);

#endif
