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
 * mg_check_dnsbl_finding - the finding id (area "smtpd") when resolver a,
 * or b (a second one the MTA asks through, as chrooted Postfix services
 * do; NULL: none), names a public resolver; NULL when neither does or a
 * is NULL (not read).  The servers of systemd-resolved's stub are its
 * upstream ones.  High when the server asked first is public, medium
 * when only a fallback is.  The caller adds where the lists are asked,
 * then mg_check_dnsbl_resolvers.
 */
struct mg_finding *
mg_check_dnsbl_finding(const struct mg_resolv *a, const struct mg_resolv *b,
    struct mg_report *r, const char *id)
{
	struct mg_finding *f;
	const char *first;

	if (a == NULL || mg_resolv_npublic(a) + mg_resolv_npublic(b) == 0)
		return (NULL);
	if ((first = mg_resolv_first_name(a)) == NULL)
		first = mg_resolv_first_name(b);
	if (first != NULL && strcmp(first, MG_RESOLV_GLOBAL) == 0)
		f = mg_report_finding(r, id, MG_SEV_MEDIUM, "smtpd", "DNS "
		    "blocklists are asked through a resolver on a public "
		    "address: unless it is this site's own, the lists refuse "
		    "it");
	else
		f = mg_report_finding(r, id, first != NULL ? MG_SEV_HIGH :
		    MG_SEV_MEDIUM, "smtpd", first != NULL ? "DNS blocklists "
		    "are asked through a public resolver, which the lists "
		    "refuse: the filter is silently off" : "DNS blocklists "
		    "fall back to a public resolver, which the lists refuse");
	mg_finding_explain(f, "The configuration rejects or scores clients "
	    "by DNS blocklists, and this host resolves through a public "
	    "resolver. Spamhaus does not answer queries that come through "
	    "public or open resolvers (Google, Cloudflare, Quad9, OpenDNS, "
	    "any resolver shared by many sites): it returns 127.255.255.254, "
	    "an error code, instead of the listing, so a listed spammer is "
	    "never matched and the check is silently off (Spamhaus, \"DNSBL "
	    "usage\" and \"Using our public mirrors? Check your return "
	    "codes now\"). With systemd-resolved (nameserver 127.0.0.53) "
	    "the servers asked are its upstream ones "
	    "(/run/systemd/resolve/resolv.conf, resolvectl status); with a "
	    "local resolver on 127.0.0.1 that forwards everything (unbound's "
	    "forward-zone \".\", dnsmasq's server=, bind9's forwarders) "
	    "they are its forwarders. A "
	    "Postfix service chrooted in master.cf reads the copy in "
	    "$queue_directory/etc/resolv.conf, not /etc/resolv.conf: a stale "
	    "copy is refreshed when Postfix starts (Debian's init script). "
	    "There is no safe automatic fix: run a local recursive resolver "
	    "(unbound or bind9 resolving by itself, not forwarding, on "
	    "127.0.0.1) and put "
	    "\"nameserver 127.0.0.1\" first in /etc/resolv.conf (or as "
	    "systemd-resolved's DNS=), or use the list's own key-based "
	    "service (Spamhaus DQS: KEY.zen.dq.spamhaus.net) instead of the "
	    "public mirror. Then check: host 2.0.0.127.zen.spamhaus.org must "
	    "answer 127.0.0.2 (and more), not 127.255.255.254.");
	return (f);
}

/* resolvers - rv's nameservers as evidence of f, who's ("chrooted smtp:
 * " or ""); via: rv is a stub's upstream file, first: its first server
 * is the one asked first */
static void
resolvers(const struct mg_resolv *rv, struct mg_finding *f, const char *who,
    int via, int first)
{
	const struct mg_nameserver *ns;
	size_t i;

	for (i = 0; i < rv->nns; i++) {
		ns = &rv->ns[i];
		if (!mg_resolv_asked(rv, i)) {
			mg_finding_evidence(f, rv->path, ns->line, "%s%s"
			    "nameserver %s is never asked: glibc asks the "
			    "first %zu (resolv.conf(5))", who, via ? "via the "
			    "stub, " : "", ns->text, rv->asked);
			continue;
		}
		if (!via && rv->stub == i + 1) {
			if (rv->upstream == NULL) {
				mg_finding_evidence(f, rv->path, ns->line,
				    "%snameserver %s is %s; its upstream "
				    "servers were not read: unknown", who,
				    ns->text, rv->stub_name != NULL ?
				    rv->stub_name : MG_RESOLV_STUB_NAME);
				continue;
			}
			mg_finding_evidence(f, rv->path, ns->line, "%s"
			    "nameserver %s is %s: it asks the servers of %s",
			    who, ns->text, rv->stub_name != NULL ?
			    rv->stub_name : MG_RESOLV_STUB_NAME,
			    rv->upstream->path);
			resolvers(rv->upstream, f, who, 1, i == 0);
		} else if (ns->public != NULL &&
		    strcmp(ns->public, MG_RESOLV_GLOBAL) == 0)
			mg_finding_evidence(f, rv->path, ns->line,
			    "%s%snameserver %s is a public address, no "
			    "well-known public resolver%s: if it is this "
			    "site's own recursive resolver the lists answer "
			    "it; a provider's or any shared resolver is "
			    "refused like Google's - check: host "
			    "2.0.0.127.zen.spamhaus.org %s must answer "
			    "127.0.0.2, not 127.255.255.254", who, via ? "via "
			    "the stub, " : "", ns->text, i == 0 && first ?
			    ", asked first" : " (asked when the ones before it "
			    "do not answer)", ns->text);
		else if (ns->public != NULL)
			mg_finding_evidence(f, rv->path, ns->line,
			    "%s%snameserver %s is %s%s: the blocklists "
			    "refuse its queries", who, via ? "via the stub, " :
			    "", ns->text, ns->public, i == 0 && first ?
			    " and is asked first" : " (asked when the ones "
			    "before it do not answer)");
		else
			mg_finding_evidence(f, rv->path, ns->line,
			    "%s%snameserver %s is local or private", who,
			    via ? "via the stub, " : "", ns->text);
	}
}

/* mg_check_dnsbl_resolvers - rv's nameservers (and the stub's upstream
 * ones) as evidence of f; who prefixes each ("chrooted smtpd: "), or
 * NULL */
void
mg_check_dnsbl_resolvers(const struct mg_resolv *rv, struct mg_finding *f,
    const char *who)
{
	resolvers(rv, f, who != NULL ? who : "", 0, 1);
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

/* domain_word - the token [p, p+k) names a list: a letter before its
 * filter ("=", "/", "!", "&", "*").  Splitting at the list separators
 * also cuts a filter into pieces that are not domains: Postfix's
 * "=127.0.0.[2;3;4]" (postconf(5)) leaves "3", "4]*3"; Exim's
 * "=127.0.0.2,127.0.0.3" (spec "DNS lists keyed on domain names")
 * leaves "127.0.0.3"; Exim's "<;" separator change leaves "<" */
static int
domain_word(const char *p, size_t k)
{
	size_t i;

	for (i = 0; i < k && strchr("=/!&*", p[i]) == NULL; i++)
		if (isalpha((unsigned char)p[i]))
			return (1);
	return (0);
}

/*
 * mg_check_dnsbl_public - the list domains in [p, p+n) include one the
 * public-resolver refusal applies to: not Spamhaus's Data Query Service
 * (KEY.zen.dq.spamhaus.net, ...dq.spamhaus.com), which answers through
 * any resolver (the remedy this finding names); the pieces of a filter
 * are not list domains (domain_word)
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
		if (k > 0 && domain_word(p, k) &&
		    !has_ci(p, k, ".dq.spamhaus.net") &&
		    !has_ci(p, k, ".dq.spamhaus.com"))
			return (1);
		p += k;
	}
	return (0);
}
