/* test_dns.c - the MX lookup: --resolver's syntax, the answer parsers on
 * DNS messages written here (compressed names, a null MX, a hostile name,
 * records of other types), and the 2 s budget against a loopback socket
 * that never answers and a port where nothing listens. */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../core/mg_dns.h"
#include "mg_test.h"

/* A DNS message being written. */
struct msg {
	unsigned char b[1024];
	size_t n;
	unsigned an;
};

/* put - bytes at the end */
static void
put(struct msg *m, const void *p, size_t len)
{
	assert_true(m->n + len <= sizeof(m->b));
	memcpy(m->b + m->n, p, len);
	m->n += len;
}

/* put16 - a 16-bit number, network order */
static void
put16(struct msg *m, unsigned v)
{
	unsigned char b[2] = { (unsigned char)(v >> 8), (unsigned char)v };

	put(m, b, 2);
}

/* put_name - "a.b" as labels; "" is the root */
static void
put_name(struct msg *m, const char *name)
{
	const char *dot;
	size_t len;
	unsigned char l;

	while (*name != '\0') {
		dot = strchr(name, '.');
		len = dot != NULL ? (size_t)(dot - name) : strlen(name);
		l = (unsigned char)len;
		put(m, &l, 1);
		put(m, name, len);
		name += len + (dot != NULL);
	}
	put(m, "", 1);
}

/* start - header and question of an answer to "qname qtype" */
static void
start(struct msg *m, const char *qname, unsigned qtype)
{
	static const unsigned char hdr[] = { 0x12, 0x34, 0x84, 0x00, 0, 1,
	    0, 0, 0, 0, 0, 0 };

	memset(m, 0, sizeof(*m));
	put(m, hdr, sizeof(hdr));
	put_name(m, qname);
	put16(m, qtype);
	put16(m, 1);
}

/* rr - one answer record owned by the question's name (pointer 0xc00c) */
static void
rr(struct msg *m, unsigned type, const void *rdata, size_t len)
{
	put16(m, 0xc00c);
	put16(m, type);
	put16(m, 1);
	put16(m, 0);
	put16(m, 3600);
	put16(m, (unsigned)len);
	put(m, rdata, len);
	m->an++;
	m->b[6] = (unsigned char)(m->an >> 8);
	m->b[7] = (unsigned char)m->an;
}

/* mx - an MX record: pref, then the host written as labels ("" for the
 * null MX), or as a pointer to the question's name when ptr */
static void
mx(struct msg *m, unsigned pref, const char *host, int ptr)
{
	struct msg r;

	memset(&r, 0, sizeof(r));
	put16(&r, pref);
	if (ptr)
		put16(&r, 0xc00c);
	else
		put_name(&r, host);
	rr(m, 15, r.b, r.n);
}

/* test_server_syntax - ADDR[:PORT], IPv4 only, the port bounded */
static void
test_server_syntax(void **state)
{
	static const struct {
		const char *text;
		int ok;
		unsigned port;
	} cases[] = {
		{ "127.0.0.1", 1, 53 },
		{ "127.0.0.1:5353", 1, 5353 },
		{ "10.0.0.53:53", 1, 53 },
		{ "127.0.0.1:0", 0, 0 },
		{ "127.0.0.1:65536", 0, 0 },
		{ "127.0.0.1:", 0, 0 },
		{ "127.0.0.1:5x", 0, 0 },
		{ "::1", 0, 0 },
		{ "[::1]:53", 0, 0 },
		{ "dns.example", 0, 0 },
		{ "", 0, 0 },
	};
	unsigned char addr[4];
	unsigned port;
	struct mg_err err;
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		print_message("%s\n", cases[i].text);
		port = 0;
		assert_int_equal(mg_dns_server_parse(cases[i].text, addr,
		    &port, &err), cases[i].ok ? 0 : -1);
		if (cases[i].ok)
			assert_int_equal(port, cases[i].port);
		else
			assert_non_null(strstr(err.msg, "resolver"));
	}
}

/* test_parse_mx - hosts in answer order, a compressed name, the null MX
 * said apart, a name with a control byte and a CNAME left out */
static void
test_parse_mx(void **state)
{
	struct mg_mxset set;
	struct msg m;
	int null_mx, n;

	(void)state;
	memset(&set, 0, sizeof(set));
	start(&m, "example.com", 15);
	mx(&m, 10, "mail.example.com", 0);
	mx(&m, 20, NULL, 1);			/* example.com itself */
	mx(&m, 30, "bad\001name.example", 0);	/* not a host name */
	rr(&m, 5, "\004mail\007example\003com", 18);	/* a CNAME */
	n = mg_dns_parse_mx(m.b, (int)m.n, "example.com", &set, &null_mx);
	assert_int_equal(n, 2);
	assert_int_equal(null_mx, 0);
	assert_int_equal(set.nhosts, 2);
	assert_string_equal(set.hosts[0].name, "mail.example.com");
	assert_string_equal(set.hosts[0].domain, "example.com");
	assert_int_equal(set.hosts[0].pref, 10);
	assert_string_equal(set.hosts[1].name, "example.com");
	assert_int_equal(set.hosts[1].pref, 20);
	mg_mxset_free(&set);

	start(&m, "nomail.example", 15);
	mx(&m, 0, "", 0);
	assert_int_equal(mg_dns_parse_mx(m.b, (int)m.n, "nomail.example",
	    &set, &null_mx), 0);
	assert_int_equal(null_mx, 1);
	assert_int_equal(set.nhosts, 0);

	/* cut short: no parse, nothing added */
	start(&m, "example.com", 15);
	mx(&m, 10, "mail.example.com", 0);
	assert_int_equal(mg_dns_parse_mx(m.b, (int)m.n - 5, "example.com",
	    &set, &null_mx), -1);
	assert_int_equal(set.nhosts, 0);
	assert_int_equal(mg_dns_parse_mx((const unsigned char *)"\0\0", 2,
	    "x", &set, &null_mx), -1);
	mg_mxset_free(&set);
}

/* test_parse_addrs - A and AAAA into the host, other types and lengths
 * left out, at most MG_DNS_ADDRS_MAX */
static void
test_parse_addrs(void **state)
{
	static const unsigned char v4[] = { 192, 0, 2, 10 };
	static const unsigned char v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] =
	    1 };
	struct mg_mx_host h;
	struct msg m;
	char text[64];
	int i;

	(void)state;
	memset(&h, 0, sizeof(h));
	start(&m, "mail.example.com", 1);
	rr(&m, 1, v4, 4);
	rr(&m, 1, v6, 16);	/* an A record 16 bytes long: garbage */
	rr(&m, 28, v6, 16);
	rr(&m, 16, "\003txt", 4);
	assert_int_equal(mg_dns_parse_addrs(m.b, (int)m.n, &h), 0);
	assert_int_equal(h.naddrs, 2);
	assert_int_equal(h.addrs[0].family, 4);
	assert_non_null(inet_ntop(AF_INET, h.addrs[0].addr, text,
	    sizeof(text)));
	assert_string_equal(text, "192.0.2.10");
	assert_int_equal(h.addrs[1].family, 6);
	assert_non_null(inet_ntop(AF_INET6, h.addrs[1].addr, text,
	    sizeof(text)));
	assert_string_equal(text, "2001:db8::1");

	memset(&h, 0, sizeof(h));
	start(&m, "many.example", 1);
	for (i = 0; i < MG_DNS_ADDRS_MAX + 4; i++)
		rr(&m, 1, v4, 4);
	assert_int_equal(mg_dns_parse_addrs(m.b, (int)m.n, &h), 0);
	assert_int_equal(h.naddrs, MG_DNS_ADDRS_MAX);
}

/* udp_port - a UDP socket bound on 127.0.0.1 (never read); its port in
 * *port; the socket, or closed at once when closed is set (nothing then
 * listens there) */
static int
udp_port(unsigned *port, int closed)
{
	struct sockaddr_in sa;
	socklen_t sl = sizeof(sa);
	int s = socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(s >= 0);
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sa, &sl), 0);
	*port = ntohs(sa.sin_port);
	if (closed) {
		(void)close(s);
		return (-1);
	}
	return (s);
}

/* test_budget_silent_server - a server that never answers: the first
 * query waits the whole budget, the next is not begun; each domain is a
 * "not checked" line; no more than the budget is spent */
static void
test_budget_silent_server(void **state)
{
	static const char *const domains[] = { "example.com",
	    "example.org" };
	struct mg_mxset set;
	struct mg_err err;
	char server[64], want[128];
	unsigned port;
	int s = udp_port(&port, 0);

	(void)state;
	(void)snprintf(server, sizeof(server), "127.0.0.1:%u", port);
	assert_int_equal(mg_dns_mx_lookup(&set, server, domains, 2,
	    MG_DNS_BUDGET_MS, &err), 0);
	print_message("silent server: %ld ms\n", set.elapsed_ms);
	/* it waited; that it stopped at the budget is what failed[1]
	 * says (not asked), not a time a loaded machine may overrun */
	assert_true(set.elapsed_ms >= 1900);
	assert_int_equal(set.nhosts, 0);
	assert_int_equal(set.nfailed, 2);
	(void)snprintf(want, sizeof(want), "example.com: no answer from "
	    "127.0.0.1:%u within 2 s", port);
	assert_string_equal(set.failed[0], want);
	assert_string_equal(set.failed[1], "example.org: not asked: the 2 s "
	    "budget for DNS was spent");
	assert_string_equal(set.resolver, server);
	mg_mxset_free(&set);
	(void)close(s);
}

/* test_refused_at_once - nothing listens: refused, not waited for; more
 * domains than are asked are said */
static void
test_refused_at_once(void **state)
{
	const char *domains[MG_DNS_DOMAINS_MAX + 3];
	struct mg_mxset set;
	struct mg_err err;
	char server[64];
	unsigned port;
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(domains); i++)
		domains[i] = "example.com";
	(void)udp_port(&port, 1);
	(void)snprintf(server, sizeof(server), "127.0.0.1:%u", port);
	assert_int_equal(mg_dns_mx_lookup(&set, server, domains,
	    MG_NELEM(domains), MG_DNS_BUDGET_MS, &err), 0);
	/* refused, not waited for: said per domain, not timed */
	print_message("refused: %ld ms\n", set.elapsed_ms);
	assert_int_equal(set.nfailed, MG_DNS_DOMAINS_MAX + 1);
	for (i = 0; i < MG_DNS_DOMAINS_MAX; i++)
		assert_non_null(strstr(set.failed[i], "refused the "
		    "connection"));
	assert_string_equal(set.failed[MG_DNS_DOMAINS_MAX], "3 more domains: "
	    "not asked (at most 32 are)");
	mg_mxset_free(&set);
	assert_int_equal(mg_dns_mx_lookup(&set, "[::1]:53", domains, 1,
	    MG_DNS_BUDGET_MS, &err), -1);
	assert_non_null(strstr(err.msg, "IPv4"));
	mg_mxset_free(&set);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_server_syntax),
		cmocka_unit_test(test_parse_mx),
		cmocka_unit_test(test_parse_addrs),
		cmocka_unit_test(test_budget_silent_server),
		cmocka_unit_test(test_refused_at_once),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
