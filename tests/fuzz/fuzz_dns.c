/* fuzz_dns.c - bytes as a DNS answer (what a resolver, or whoever spoofs
 * one, sends back): the MX and address parsers never crash, overread or
 * leak; every MX host kept is a plain host name and no host holds more
 * addresses than MG_DNS_ADDRS_MAX.  Seeds: tests/fuzz/seeds/fuzz_dns. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/mg_dns.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mg_mxset set;
	struct mg_mx_host h;
	size_t i;
	int null_mx;

	if (size > 65535)
		return (0);
	memset(&set, 0, sizeof(set));
	(void)mg_dns_parse_mx(data, (int)size, "example.com", &set,
	    &null_mx);
	for (i = 0; i < set.nhosts; i++)
		if (set.hosts[i].name[0] == '\0' ||
		    strspn(set.hosts[i].name, "abcdefghijklmnopqrstuvwxyz"
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") !=
		    strlen(set.hosts[i].name))
			abort();
	if (set.nhosts > MG_DNS_MX_MAX)
		abort();
	mg_mxset_free(&set);
	memset(&h, 0, sizeof(h));
	(void)mg_dns_parse_addrs(data, (int)size, &h);
	if (h.naddrs > MG_DNS_ADDRS_MAX)
		abort();
	return (0);
}
