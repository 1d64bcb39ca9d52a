/*
 * check_dnsbl.c - DNS blocklists asked through a public resolver: the
 * MTA-neutral half of postfix.dnsbl.public-resolver and
 * exim.dnsbl.public-resolver (the MTA's check finds the lists it asks).
 * Spamhaus refuses queries that arrive through public or open resolvers
 * and answers them with the error code 127.255.255.254 rather than a
 * listing ("DNSBL usage: public resolvers", docs.spamhaus.com; "Using our
 * public mirrors? Check your return codes now", spamhaus.com); other big
 * lists (Barracuda, SpamCop behind Cloudflare) rate-limit them likewise.
 * A blocklist asked that way never matches: the filter is silently off.
 */
#include <ctype.h>
#include <string.h>

#include "../core/mg_resolv.h"
#include "../core/mg_str.h"
#include "checks.h"

/*
 * mg_check_dnsbl_finding - the finding id (area "smtpd") when the model's
 * resolv.conf names a public resolver; NULL when it does not, or was not
 * read.  High when the first nameserver (the one asked) is public,
 * medium when only a fallback is.  The caller adds where the lists are
 * asked, then mg_check_dnsbl_resolvers.
 */
struct mg_finding *
mg_check_dnsbl_finding(const struct mg_model *m, struct mg_report *r,
    const char *id)
{
	struct mg_finding *f;
	int first;

	if (m->resolv == NULL || mg_resolv_npublic(m->resolv) == 0)
		return (NULL);
	first = m->resolv->ns[0].public != NULL;
	f = mg_report_finding(r, id, first ? MG_SEV_HIGH : MG_SEV_MEDIUM,
	    "smtpd", first ? "DNS blocklists are asked through a public "
	    "resolver, which the lists refuse: the filter is silently off" :
	    "DNS blocklists fall back to a public resolver, which the "
	    "lists refuse");
	mg_finding_explain(f, "The configuration rejects or scores clients "
	    "by DNS blocklists, and this host resolves through a public "
	    "resolver. Spamhaus does not answer queries that come through "
	    "public or open resolvers (Google, Cloudflare, Quad9, OpenDNS, "
	    "any resolver shared by many sites): it returns 127.255.255.254, "
	    "an error code, instead of the listing, so a listed spammer is "
	    "never matched and the check is silently off (Spamhaus, \"DNSBL "
	    "usage\" and \"Using our public mirrors? Check your return "
	    "codes now\"). There is no safe automatic fix: run a local "
	    "recursive resolver (unbound or bind9, listening on 127.0.0.1) "
	    "and put \"nameserver 127.0.0.1\" first in /etc/resolv.conf, or "
	    "use the list's own key-based service (Spamhaus DQS: "
	    "KEY.zen.dq.spamhaus.net) instead of the public mirror. Then "
	    "check: host 2.0.0.127.zen.spamhaus.org must answer "
	    "127.0.0.2 (and more), not 127.255.255.254.");
	return (f);
}

/* mg_check_dnsbl_resolvers - resolv.conf's nameservers as evidence of f */
void
mg_check_dnsbl_resolvers(const struct mg_model *m, struct mg_finding *f)
{
	const struct mg_nameserver *ns;
	size_t i;

	for (i = 0; i < m->resolv->nns; i++) {
		ns = &m->resolv->ns[i];
		if (ns->public != NULL)
			mg_finding_evidence(f, m->resolv->path, ns->line,
			    "nameserver %s is %s%s: the blocklists refuse "
			    "its queries", ns->text, ns->public,
			    i == 0 ? " and is asked first" : " (asked when "
			    "the ones before it do not answer)");
		else
			mg_finding_evidence(f, m->resolv->path, ns->line,
			    "nameserver %s is local or private", ns->text);
	}
}

/* has_ci - needle (lower case) in [p, p+n), ignoring case */
static int
has_ci(const char *p, size_t n, const char *needle)
{
	size_t k = strlen(needle), i, j;

	for (i = 0; i + k <= n; i++) {
		for (j = 0; j < k && tolower((unsigned char)p[i + j]) ==
		    needle[j]; j++)
			;
		if (j == k)
			return (1);
	}
	return (0);
}

/*
 * mg_check_dnsbl_public - the list domains in [p, p+n) include one the
 * public-resolver refusal applies to: not Spamhaus's Data Query Service
 * (KEY.zen.dq.spamhaus.net, ...dq.spamhaus.com), which answers through
 * any resolver (the remedy this finding names)
 */
int
mg_check_dnsbl_public(const char *p, size_t n)
{
	static const char sep[] = " \t\r\n,:;";
	const char *end = p + n;
	size_t k;

	while (p < end) {
		while (p < end && strchr(sep, *p) != NULL)
			p++;
		for (k = 0; p + k < end && strchr(sep, p[k]) == NULL; k++)
			;
		if (k > 0 && !has_ci(p, k, ".dq.spamhaus.net") &&
		    !has_ci(p, k, ".dq.spamhaus.com"))
			return (1);
		p += k;
	}
	return (0);
}
