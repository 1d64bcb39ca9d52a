/* check_cert.c - a server certificate's expiry and names, for either MTA:
 * the certificate file a setting names is read (libcrypto, mg_cert.c);
 * expired or expiring (within MG_CERT_SOON_DAYS, or the last third of
 * its lifetime when shorter), valid for none of the names the server
 * announces, or not for an MX host of its mail domains (the model's MX
 * hosts, asked from DNS by the session) becomes a finding.  No fix: the
 * operator renews or reissues (certbot, or the ACME client in use) and
 * reloads. */
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../core/mg_cert.h"
#include "../core/mg_dns.h"
#include "../core/mg_err.h"
#include "../core/mg_host.h"
#include "../core/mg_str.h"
#include "checks.h"

/* finding - the report's finding of this id, created on first use */
static struct mg_finding *
finding(struct mg_report *r, const char *id, enum mg_severity sev,
    const char *title, const char *why)
{
	struct mg_finding *f;
	size_t i;

	for (i = 0; i < r->nfindings; i++)
		if (strcmp(r->findings[i].id, id) == 0) {
			f = &r->findings[i];
			if (sev > f->severity)
				f->severity = sev;
			return (f);
		}
	f = mg_report_finding(r, id, sev, "tls", title);
	mg_finding_explain(f, why);
	return (f);
}

/* day - a time as YYYY-MM-DD HH:MM UTC */
static void
day(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		(void)snprintf(buf, size, "%lld", (long long)t);
}

/*
 * soon_window - how close to notAfter is "expiring": MG_CERT_SOON_DAYS,
 * or a third of the lifetime (notAfter - notBefore) when that is shorter.
 * ACME clients renew at two thirds of a certificate's life (certbot,
 * lego, acme.sh with Let's Encrypt's 6-day "shortlived" and 45-day
 * profiles): a certificate renewed on time is never inside its window.
 * An unknown notBefore keeps the 14 days.
 */
static time_t
soon_window(const struct mg_cert *c)
{
	time_t fixed = (time_t)MG_CERT_SOON_DAYS * 86400, third;

	if (c->not_before == 0 || c->not_before >= c->not_after)
		return (fixed);
	third = (c->not_after - c->not_before) / 3;
	return (third < fixed ? third : fixed);
}

/* span - a duration as "N days", "N hours" under two days */
static void
span(time_t t, char *buf, size_t size)
{
	long long s = (long long)t;

	if (s >= 2 * 86400)
		(void)snprintf(buf, size, "%lld day%s", s / 86400,
		    s / 86400 == 1 ? "" : "s");
	else
		(void)snprintf(buf, size, "%lld hour%s", s / 3600,
		    s / 3600 == 1 ? "" : "s");
}

/* expiry - expired, or inside its window (soon_window) */
static void
expiry(struct mg_report *r, const struct mg_cert_use *u,
    const struct mg_cert *c, time_t now)
{
	struct mg_finding *f;
	char id[64], when[64], life[32], win[32];
	long long days = ((long long)c->not_after - (long long)now) / 86400;
	time_t window = soon_window(c);

	if (c->not_after > now + window)
		return;
	(void)snprintf(id, sizeof(id), "%s.tls.cert-expiry", u->mta);
	f = finding(r, id, c->not_after <= now ? MG_SEV_HIGH : MG_SEV_MEDIUM,
	    "The server certificate has expired or is near its end",
	    "TLS clients that check certificates - mail clients on "
	    "submission, sending MTAs with MTA-STS or DANE - refuse an "
	    "expired certificate: logins fail and mail to this server is "
	    "deferred. Near its end means within 14 days, or within the "
	    "last third of the certificate's lifetime (notAfter - "
	    "notBefore) when that is shorter: ACME clients renew at two "
	    "thirds of the lifetime, so a 90-day certificate is reported "
	    "14 days before it ends, a 6-day one (Let's Encrypt's "
	    "shortlived profile) in its last 2 days - a certificate renewed "
	    "on time is never reported. Renew it (certbot renew, or the "
	    "ACME client in use), then reload the MTA so it reads the new "
	    "file; if renewal is automated, find out why it stopped (the "
	    "ACME client's log, its timer or cron job).");
	day(c->not_after, when, sizeof(when));
	if (c->not_after <= now) {
		mg_finding_evidence(f, u->file, u->line, "%s = %s: the "
		    "certificate expired on %s (%lld days ago)", u->param,
		    u->path, when, -days);
		return;
	}
	if (c->not_before != 0 && c->not_before < c->not_after)
		span(c->not_after - c->not_before, life, sizeof(life));
	else
		(void)snprintf(life, sizeof(life), "unknown");
	span(window, win, sizeof(win));
	if (c->not_after - now <= 86400)
		mg_finding_evidence(f, u->file, u->line, "%s = %s: the "
		    "certificate expires on %s (within a day; lifetime %s, "
		    "reported in its last %s)", u->param, u->path, when, life,
		    win);
	else
		mg_finding_evidence(f, u->file, u->line, "%s = %s: the "
		    "certificate expires on %s (in %lld day%s; lifetime %s, "
		    "reported in its last %s)", u->param, u->path, when,
		    days, days == 1 ? "" : "s", life, win);
}

/* cert_names - what the certificate is valid for, for evidence */
static void
cert_names(const struct mg_cert *c, struct mg_str *list)
{
	size_t i;

	for (i = 0; i < c->nnames && i < 8; i++)
		mg_str_printf(list, "%s%s", i > 0 ? ", " : "", c->names[i]);
	if (c->nnames > 8)
		mg_str_printf(list, ", ... (%zu names)", c->nnames);
	if (c->nnames == 0)
		mg_str_printf(list, "subject CN %s, no subjectAltName",
		    c->subject_cn[0] != '\0' ? c->subject_cn : "(none)");
}

/* names - valid for none of the announced host names */
static void
names(struct mg_report *r, const struct mg_cert_use *u,
    const struct mg_cert *c)
{
	struct mg_finding *f;
	struct mg_str list = MG_STR_INIT;
	char id[64];
	size_t i;

	for (i = 0; i < u->nhosts; i++)
		if (u->hosts[i] != NULL && *u->hosts[i] != '\0' &&
		    mg_cert_matches(c, u->hosts[i]))
			return;
	cert_names(c, &list);
	(void)snprintf(id, sizeof(id), "%s.tls.cert-name", u->mta);
	f = finding(r, id, MG_SEV_MEDIUM, "The server certificate does not "
	    "name the host the server announces",
	    "Clients check the certificate against the name they connect "
	    "to: the MX host name for sending MTAs (MTA-STS, DANE), the "
	    "server name set up in mail clients for submission. A "
	    "certificate for another name (or a distribution's snakeoil "
	    "certificate) fails that check. Matching follows RFC 6125: the "
	    "subjectAltName DNS names, one left-most wildcard label, the "
	    "subject CN only when there are none. Get a certificate for the "
	    "announced name (certbot certonly -d NAME, or the ACME client in "
	    "use), point the setting at it and reload - or announce the "
	    "name the certificate is for.");
	mg_finding_evidence(f, u->file, u->line, "%s = %s is valid for %s; "
	    "the server announces %s%s%s", u->param, u->path,
	    mg_str_cstr(&list), u->hosts[0] != NULL ? u->hosts[0] : "",
	    u->nhosts > 1 && u->hosts[1] != NULL ? " and " : "",
	    u->nhosts > 1 && u->hosts[1] != NULL ? u->hosts[1] : "");
	mg_str_free(&list);
}

/* mx_local - one of the MX host's addresses is this machine's */
static int
mx_local(const struct mg_host *host, const struct mg_mx_host *h)
{
	const struct mg_net *a, *b;
	size_t i, k;

	if (host == NULL)
		return (0);
	for (i = 0; i < h->naddrs; i++)
		for (k = 0; k < host->nifs; k++) {
			a = &h->addrs[i];
			b = &host->ifs[k].addr;
			if (a->family == b->family && memcmp(a->addr, b->addr,
			    a->family == 4 ? 4 : 16) == 0)
				return (1);
		}
	return (0);
}

/* mx_unchecked - what DNS could not answer, said once in the report's
 * unread list */
static void
mx_unchecked(struct mg_report *r, const struct mg_mxset *mx)
{
	struct mg_str s = MG_STR_INIT;
	size_t i, k;

	for (i = 0; i < mx->nfailed; i++) {
		mg_str_reset(&s);
		mg_str_printf(&s, "MX not checked: %s", mx->failed[i]);
		for (k = 0; k < r->nunread; k++)
			if (strcmp(r->unread[k], mg_str_cstr(&s)) == 0)
				break;
		if (k == r->nunread)
			mg_report_unread(r, mg_str_cstr(&s));
	}
	mg_str_free(&s);
}

/*
 * mx_names - the MX hosts sending MTAs connect to must be names the
 * certificate is valid for: MTA-STS (RFC 8461 4.1) and DANE with
 * DANE-TA (RFC 7672 3.2.2) check the MX host name.  The MX hosts that
 * resolve to one of this machine's addresses are the ones it answers
 * for; when none does (NAT, a proxy, or this machine's addresses
 * unknown) every MX host is checked, and the evidence says which rule
 * applied.
 */
static void
mx_names(struct mg_report *r, const struct mg_cert_use *u,
    const struct mg_cert *c)
{
	const struct mg_mxset *mx = u->mx;
	const struct mg_mx_host *h;
	struct mg_finding *f;
	struct mg_str list = MG_STR_INIT, miss = MG_STR_INIT,
	    rule = MG_STR_INIT;
	char id[64], addr[64];
	size_t i, k, nlocal = 0, nmiss = 0;

	if (mx == NULL)
		return;
	mx_unchecked(r, mx);
	for (i = 0; i < mx->nhosts; i++)
		nlocal += mx_local(u->host, &mx->hosts[i]);
	for (i = 0; i < mx->nhosts; i++) {
		h = &mx->hosts[i];
		if ((nlocal > 0 && !mx_local(u->host, h)) ||
		    mg_cert_matches(c, h->name))
			continue;
		for (k = 0; k < i; k++)	/* one MX of several domains */
			if (strcasecmp(mx->hosts[k].name, h->name) == 0 &&
			    (nlocal == 0 || mx_local(u->host, &mx->hosts[k])))
				break;
		if (k < i)
			continue;
		if (nmiss++ == 8) {
			mg_str_puts(&miss, ", ...");
			continue;
		}
		if (nmiss > 8)
			continue;
		addr[0] = '\0';
		if (h->naddrs > 0 && inet_ntop(h->addrs[0].family == 4 ?
		    AF_INET : AF_INET6, h->addrs[0].addr, addr,
		    sizeof(addr)) == NULL)
			addr[0] = '\0';
		mg_str_printf(&miss, "%s%s (%s of %s%s%s)", nmiss > 1 ?
		    ", " : "", h->name, h->implicit ? "no MX record: the "
		    "domain itself" : "MX", h->domain, addr[0] != '\0' ?
		    ", " : "", addr);
	}
	if (nmiss == 0) {
		mg_str_free(&miss);
		return;
	}
	if (nlocal > 0)
		mg_str_printf(&rule, "the MX hosts that resolve to this "
		    "machine's addresses are checked (%zu of %zu)", nlocal,
		    mx->nhosts);
	else if (u->host == NULL)
		mg_str_puts(&rule, "every MX host is checked: this machine's "
		    "addresses are not known (--no-host-context)");
	else
		mg_str_puts(&rule, "every MX host is checked: none resolves "
		    "to this machine's addresses (NAT, a proxy, or DNS names "
		    "other servers)");
	cert_names(c, &list);
	(void)snprintf(id, sizeof(id), "%s.tls.cert-mx", u->mta);
	f = finding(r, id, MG_SEV_MEDIUM, "The server certificate does not "
	    "name the MX host sending MTAs connect to",
	    "A sending MTA that checks certificates checks the name of the "
	    "MX host it connects to, not the name the server announces: "
	    "MTA-STS in enforce mode (RFC 8461) and DANE with a trust-anchor "
	    "record (RFC 7672) defer mail to a server whose certificate "
	    "does not name that MX host. The MX hosts of the domains this "
	    "server receives mail for (asked from DNS) that resolve to one "
	    "of this machine's addresses are checked - every MX host when "
	    "none does. Add the MX host names to the certificate (certbot "
	    "certonly -d MX-NAME -d ..., or the ACME client in use) and "
	    "reload, or point the MX records at a name the certificate "
	    "holds.");
	mg_finding_evidence(f, u->file, u->line, "%s = %s is valid for %s; "
	    "not for %s", u->param, u->path, mg_str_cstr(&list),
	    mg_str_cstr(&miss));
	mg_finding_evidence(f, NULL, 0, "MX asked from %s; %s",
	    mx->resolver != NULL ? mx->resolver : "DNS", mg_str_cstr(&rule));
	for (i = 0; i < mx->nfailed && i < 4; i++)	/* the rest: unread */
		mg_finding_evidence(f, NULL, 0, "MX not checked: %s",
		    mx->failed[i]);
	mg_str_free(&list);
	mg_str_free(&miss);
	mg_str_free(&rule);
}

/* mg_check_cert - one certificate file in use: read it, judge expiry
 * (against now) and names; unreadable is listed under unread */
void
mg_check_cert(struct mg_report *r, const struct mg_cert_use *u, time_t now)
{
	struct mg_cert c;
	struct mg_err err;
	struct mg_str why = MG_STR_INIT;

	mg_err_clear(&err);
	if (mg_cert_read(u->path, &c, &err) != 0) {
		if (c.nocert && u->key_files)
			return;	/* smtpd_tls_chain_files' key file */
		mg_str_printf(&why, "%s (%s): %s", u->path, u->param,
		    err.msg);
		mg_report_unread(r, mg_str_cstr(&why));
		mg_str_free(&why);
		return;
	}
	expiry(r, u, &c, now);
	names(r, u, &c);
	mx_names(r, u, &c);
	mg_cert_free(&c);
}
