/* check_cert.c - a server certificate's expiry and names, for either MTA:
 * the certificate file a setting names is read (libcrypto, mg_cert.c);
 * expired or expiring within MG_CERT_SOON_DAYS, or valid for none of the
 * names the server announces, becomes a finding.  No fix: the operator
 * renews (certbot renew, or the ACME client in use) and reloads. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../core/mg_cert.h"
#include "../core/mg_err.h"
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

/* expiry - expired, or expiring within MG_CERT_SOON_DAYS */
static void
expiry(struct mg_report *r, const struct mg_cert_use *u,
    const struct mg_cert *c, time_t now)
{
	struct mg_finding *f;
	char id[64], when[64];
	long long days = ((long long)c->not_after - (long long)now) / 86400;

	if (c->not_after > now + (time_t)MG_CERT_SOON_DAYS * 86400)
		return;
	(void)snprintf(id, sizeof(id), "%s.tls.cert-expiry", u->mta);
	f = finding(r, id, c->not_after <= now ? MG_SEV_HIGH : MG_SEV_MEDIUM,
	    "The server certificate has expired or expires within 14 days",
	    "TLS clients that check certificates - mail clients on "
	    "submission, sending MTAs with MTA-STS or DANE - refuse an "
	    "expired certificate: logins fail and mail to this server is "
	    "deferred. Renew it (certbot renew, or the ACME client in use), "
	    "then reload the MTA so it reads the new file; if renewal is "
	    "automated, find out why it stopped (the ACME client's log, its "
	    "timer or cron job).");
	day(c->not_after, when, sizeof(when));
	if (c->not_after <= now)
		mg_finding_evidence(f, u->file, u->line, "%s = %s: the "
		    "certificate expired on %s (%lld days ago)", u->param,
		    u->path, when, -days);
	else if (c->not_after - now <= 86400)	/* -days 1, read at once */
		mg_finding_evidence(f, u->file, u->line, "%s = %s: the "
		    "certificate expires on %s (within a day)", u->param,
		    u->path, when);
	else
		mg_finding_evidence(f, u->file, u->line, "%s = %s: the "
		    "certificate expires on %s (in %lld day%s)", u->param,
		    u->path, when, days, days == 1 ? "" : "s");
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
	for (i = 0; i < c->nnames && i < 8; i++)
		mg_str_printf(&list, "%s%s", i > 0 ? ", " : "", c->names[i]);
	if (c->nnames > 8)
		mg_str_printf(&list, ", ... (%zu names)", c->nnames);
	if (c->nnames == 0)
		mg_str_printf(&list, "subject CN %s, no subjectAltName",
		    c->subject_cn[0] != '\0' ? c->subject_cn : "(none)");
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
	mg_cert_free(&c);
}
