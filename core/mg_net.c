/*
 * mg_net.c - networks as Postfix and Exim write them ("10.0.0.0/8",
 * "[2001:db8::]/32", "::ffff:127.0.0.0/104"), and how much public address
 * space they cover.  IPv4-mapped IPv6 networks are judged as the IPv4
 * network they map, as Postfix does when it matches a client.
 */
#include <arpa/inet.h>
#include <math.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "mg_net.h"

/* Special-purpose IPv4 ranges (RFC 6890 and successors), disjoint. */
static const struct {
	unsigned char a, b, c, d;
	int prefix;
} special4[] = {
	{ 0, 0, 0, 0, 8 },		/* "this network" */
	{ 10, 0, 0, 0, 8 },		/* RFC 1918 */
	{ 100, 64, 0, 0, 10 },		/* CGN shared, RFC 6598 */
	{ 127, 0, 0, 0, 8 },		/* loopback */
	{ 169, 254, 0, 0, 16 },		/* link local */
	{ 172, 16, 0, 0, 12 },		/* RFC 1918 */
	{ 192, 0, 0, 0, 24 },		/* IETF protocol assignments */
	{ 192, 0, 2, 0, 24 },		/* TEST-NET-1 */
	{ 192, 168, 0, 0, 16 },		/* RFC 1918 */
	{ 198, 18, 0, 0, 15 },		/* benchmarking */
	{ 198, 51, 100, 0, 24 },	/* TEST-NET-2 */
	{ 203, 0, 113, 0, 24 },		/* TEST-NET-3 */
	{ 224, 0, 0, 0, 4 },		/* multicast */
	{ 240, 0, 0, 0, 4 },		/* reserved, broadcast */
};

/* bit - bit i (0 = most significant) of addr */
static int
bit(const unsigned char *addr, int i)
{
	return ((addr[i / 8] >> (7 - i % 8)) & 1);
}

/* mg_net_parse - "a.b.c.d[/n]", "[v6]/n", "v6/n"; -1 with a reason */
int
mg_net_parse(const char *text, struct mg_net *net, struct mg_err *err)
{
	char buf[64];
	const char *slash, *end;
	size_t len;
	long prefix;
	char *ep;

	memset(net, 0, sizeof(*net));
	slash = strrchr(text, '/');
	end = slash != NULL ? slash : text + strlen(text);
	if (*text == '[') {
		if (end - text < 2 || end[-1] != ']')
			return (mg_err_set(err, "unbalanced [ ] in \"%s\"",
			    text));
		text++;
		end--;
	}
	len = (size_t)(end - text);
	if (len == 0 || len >= sizeof(buf))
		return (mg_err_set(err, "not an address: \"%.80s\"", text));
	memcpy(buf, text, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, net->addr) == 1)
		net->family = 4;
	else if (inet_pton(AF_INET6, buf, net->addr) == 1)
		net->family = 6;
	else
		return (mg_err_set(err, "not an address: \"%s\"", buf));
	net->prefix = net->family == 4 ? 32 : 128;
	if (slash != NULL) {
		if (slash[1] < '0' || slash[1] > '9')
			return (mg_err_set(err, "bad prefix length in \"%s\"",
			    slash));
		prefix = strtol(slash + 1, &ep, 10);
		if (*ep != '\0' || prefix < 0 || prefix > net->prefix)
			return (mg_err_set(err, "bad prefix length in \"%s\"",
			    slash));
		net->prefix = (int)prefix;
		net->has_prefix = 1;
	}
	return (0);
}

/* mg_net_host_bits - 1 if any bit beyond the prefix is set */
int
mg_net_host_bits(const struct mg_net *net)
{
	int i, bits = net->family == 4 ? 32 : 128;

	for (i = net->prefix; i < bits; i++)
		if (bit(net->addr, i))
			return (1);
	return (0);
}

/* mg_net_mask - the network with host bits cleared */
void
mg_net_mask(const struct mg_net *in, struct mg_net *out)
{
	int i, bits = in->family == 4 ? 32 : 128;

	*out = *in;
	for (i = in->prefix; i < bits; i++)
		out->addr[i / 8] &= (unsigned char)~(1u << (7 - i % 8));
}

/* mg_net_contains - 1 if b lies entirely inside a */
int
mg_net_contains(const struct mg_net *a, const struct mg_net *b)
{
	int i;

	if (a->family != b->family || b->prefix < a->prefix)
		return (0);
	for (i = 0; i < a->prefix; i++)
		if (bit(a->addr, i) != bit(b->addr, i))
			return (0);
	return (1);
}

/* overlap - addresses that a and b share (CIDRs nest or are disjoint) */
static double
overlap(const struct mg_net *a, const struct mg_net *b)
{
	int bits = a->family == 4 ? 32 : 128;

	if (mg_net_contains(a, b))
		return (ldexp(1.0, bits - b->prefix));
	if (mg_net_contains(b, a))
		return (ldexp(1.0, bits - a->prefix));
	return (0.0);
}

/* as_v4 - an IPv4-mapped IPv6 network (::ffff:0:0/96 and longer) as IPv4 */
static int
as_v4(const struct mg_net *in, struct mg_net *out)
{
	static const unsigned char mapped[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff
	};

	if (in->family != 6 || in->prefix < 96 ||
	    memcmp(in->addr, mapped, sizeof(mapped)) != 0)
		return (0);
	memset(out, 0, sizeof(*out));
	out->family = 4;
	memcpy(out->addr, in->addr + 12, 4);
	out->prefix = in->prefix - 96;
	out->has_prefix = in->has_prefix;
	return (1);
}

/*
 * mg_net_span - total and public addresses of the (masked) network.
 * IPv6 "public" is global unicast 2000::/3 less documentation 2001:db8::/32;
 * everything else (ULA, link local, loopback, multicast) is not routable.
 */
void
mg_net_span(const struct mg_net *in, struct mg_net_span *span)
{
	struct mg_net net, sp;
	size_t i;
	double special = 0.0;

	mg_net_mask(in, &net);
	if (as_v4(&net, &sp))
		net = sp;
	if (net.family == 4) {
		span->total = ldexp(1.0, 32 - net.prefix);
		for (i = 0; i < sizeof(special4) / sizeof(special4[0]); i++) {
			memset(&sp, 0, sizeof(sp));
			sp.family = 4;
			sp.addr[0] = special4[i].a;
			sp.addr[1] = special4[i].b;
			sp.addr[2] = special4[i].c;
			sp.addr[3] = special4[i].d;
			sp.prefix = special4[i].prefix;
			special += overlap(&net, &sp);
		}
		span->public = span->total - special;
		return;
	}
	span->total = ldexp(1.0, 128 - net.prefix);
	memset(&sp, 0, sizeof(sp));
	sp.family = 6;
	sp.addr[0] = 0x20;
	sp.prefix = 3;
	span->public = overlap(&net, &sp);
	sp.addr[1] = 0x01;
	sp.addr[2] = 0x0d;
	sp.addr[3] = 0xb8;
	sp.prefix = 32;
	span->public -= overlap(&net, &sp);
}

/* mg_net_format - "10.0.0.0/8"; masked if mask is set */
void
mg_net_format(const struct mg_net *in, int mask, char *buf, size_t size)
{
	struct mg_net net;
	char addr[INET6_ADDRSTRLEN];

	if (mask)
		mg_net_mask(in, &net);
	else
		net = *in;
	if (inet_ntop(net.family == 4 ? AF_INET : AF_INET6, net.addr, addr,
	    sizeof(addr)) == NULL)
		(void)snprintf(addr, sizeof(addr), "?");
	if (net.family == 6)
		(void)snprintf(buf, size, "[%s]/%d", addr, net.prefix);
	else
		(void)snprintf(buf, size, "%s/%d", addr, net.prefix);
}

/* mg_net_format_count - "16,777,216" or "2^64" for huge IPv6 counts */
void
mg_net_format_count(double n, int family, char *buf, size_t size)
{
	char digits[32];
	size_t len, i, o = 0;

	if (family == 6 && n >= 65536.0) {
		(void)snprintf(buf, size, "about 2^%.0f", log2(n));
		return;
	}
	(void)snprintf(digits, sizeof(digits), "%.0f", n);
	len = strlen(digits);
	for (i = 0; i < len && o + 2 < size; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
}

/* Private and container ranges: no public address, yet reachable by
 * many clients (docker networks, LANs, carrier NAT, VPNs). */
static const struct {
	const char *net, *kind;
} private_ranges[] = {
	{ "10.0.0.0/8", "RFC 1918 private" },
	{ "172.16.0.0/12", "RFC 1918 private" },
	{ "192.168.0.0/16", "RFC 1918 private" },
	{ "100.64.0.0/10", "carrier-grade NAT (RFC 6598)" },
	{ "169.254.0.0/16", "IPv4 link-local" },
	{ "fc00::/7", "IPv6 unique local (RFC 4193)" },
	{ "fe80::/10", "IPv6 link-local" },
};

/*
 * mg_net_private_kind - the private or container range a network lies in
 * or covers ("RFC 1918 private", ...); NULL when it holds public space,
 * loopback, or none of these ranges
 */
const char *
mg_net_private_kind(const struct mg_net *in)
{
	struct mg_net net, r;
	struct mg_net_span span;
	size_t i;

	mg_net_mask(in, &net);
	if (as_v4(&net, &r))
		net = r;
	mg_net_span(&net, &span);
	if (span.public >= 1.0)
		return (NULL);
	for (i = 0; i < sizeof(private_ranges) / sizeof(private_ranges[0]);
	    i++) {
		(void)mg_net_parse(private_ranges[i].net, &r, NULL);
		if (mg_net_contains(&r, &net) || mg_net_contains(&net, &r))
			return (private_ranges[i].kind);
	}
	return (NULL);
}

/* mg_net_loopback - the network lies inside 127.0.0.0/8 or is ::1 (an
 * IPv4-mapped loopback network too) */
int
mg_net_loopback(const struct mg_net *in)
{
	struct mg_net net, v4;
	static const unsigned char one[16] = { [15] = 1 };

	net = *in;
	if (as_v4(in, &v4))
		net = v4;
	if (net.family == 4)
		return (net.prefix >= 8 && net.addr[0] == 127);
	return (net.prefix == 128 && memcmp(net.addr, one, 16) == 0);
}
