/*
 * check_probe.c - findings from what the relay probe saw: a relay for a
 * stranger (or for a trusted range wider than a /24 of public space) is
 * critical, with each accepted envelope as evidence; and what the
 * listener advertises: AUTH offered before TLS, no STARTTLS or a broken
 * one, VRFY/EXPN telling users apart, a version number in the banner.
 * The relay evidence also goes to every finding already pointing at the
 * trusted range's file:line, so the console shows the MTA's verdict where
 * the setting is explained.
 */
#include <stdio.h>
#include <string.h>

#include "checks.h"

/* attach - the evidence line to findings whose evidence is at file:line */
static void
attach(struct mg_report *r, const struct mg_finding *self, const char *file,
    unsigned line, const char *text)
{
	struct mg_finding *f;
	size_t i, k;

	if (file == NULL || line == 0)
		return;
	for (i = 0; i < r->nfindings; i++) {
		f = &r->findings[i];
		if (f == self)
			continue;
		for (k = 0; k < f->nevidence; k++)
			if (f->evidence[k].file != NULL &&
			    f->evidence[k].line == line &&
			    strcmp(f->evidence[k].file, file) == 0)
				break;
		if (k < f->nevidence)
			mg_finding_evidence(f, NULL, 0, "relay probe: %s",
			    text);
	}
}

/* relay - the open-relay finding */
static void
relay(const struct mg_probe_battery *b, const struct mg_probe_result *res,
    size_t n, const char *how, struct mg_report *r)
{
	struct mg_finding *f = NULL;
	char text[1400];
	const char *by;
	size_t i, k, open = 0, shown;
	int helo;

	for (i = 0; i < n; i++)
		open += res[i].status == MG_PS_OPEN;
	if (open == 0)
		return;
	f = mg_report_finding(r, "probe.open-relay", MG_SEV_CRITICAL, "relay",
	    "Open relay: the MTA accepts mail for foreign domains from "
	    "clients it should not trust");
	mg_finding_explain(f, "The relay probe asked the MTA itself, up to "
	    "RCPT TO and never further, whether it would take mail for a "
	    "domain that is not its own. It said yes for the clients below: "
	    "anyone there (or anyone using the sender shown) can send spam "
	    "through this server, which gets it blacklisted. Tests from "
	    "several "
	    "addresses matter: a tester outside a mistyped range passes.");
	for (i = 0; i < n; i++) {
		if (res[i].status != MG_PS_OPEN)
			continue;
		for (k = 0, shown = 0; k < b->n && shown < 3; k++) {
			if (mg_probe_judge(b, res[i].a, k) != MG_PV_RELAYED)
				continue;
			shown++;
			helo = b->v[k].helo[0] != '\0';
			by = mg_probe_opened_by(b, &res[i], k);
			(void)snprintf(text, sizeof(text), "%.80s %s (%.200s): "
			    "%s%.100s%sMAIL FROM:<%.150s> RCPT TO:<%.150s> -> "
			    "%s%s%.200s", how,
			    res[i].c.addr[0] != '\0' ? res[i].c.addr :
			    "this host", res[i].c.why, helo ? "EHLO " : "",
			    b->v[k].helo, helo ? "; " : "", b->v[k].sender,
			    b->v[k].rcpt, res[i].a[k].text, by != NULL ?
			    "; opened by " : "", by != NULL ? by : "");
			/* the entry that let it through, else the range
			 * the client was chosen from */
			if (by != NULL && b->v[k].file[0] != '\0') {
				mg_finding_evidence(f, b->v[k].file,
				    b->v[k].line, "%s", text);
				attach(r, f, b->v[k].file, b->v[k].line, text);
				continue;
			}
			mg_finding_evidence(f, res[i].c.file, res[i].c.line,
			    "%s", text);
			if (shown == 1)
				attach(r, f, res[i].c.file, res[i].c.line,
				    text);
		}
		if (res[i].relayed > shown)
			mg_finding_evidence(f, NULL, 0, "and %zu more test(s) "
			    "relayed for %s", res[i].relayed - shown,
			    res[i].c.addr);
	}
}

/*
 * tempfail - clients whose tests were refused for now because the server
 * could not evaluate its own configuration (Postfix: "451 4.3.0
 * Temporary lookup failure" when a mynetworks entry is malformed).  No
 * relay, but no delivery either: their mail waits and then bounces.
 */
static void
tempfail(const struct mg_probe_battery *b, const struct mg_probe_result *res,
    size_t n, const char *how, struct mg_report *r)
{
	struct mg_finding *f = NULL;
	char text[900];
	size_t i, k, count = 0;

	for (i = 0; i < n; i++)
		count += res[i].status == MG_PS_TEMPFAIL;
	if (count == 0)
		return;
	f = mg_report_finding(r, "probe.tempfail", MG_SEV_HIGH, "relay",
	    "Mail is refused for now: the MTA cannot evaluate its own "
	    "configuration for these clients");
	mg_finding_explain(f, "The relay probe asked the MTA itself, up to "
	    "RCPT TO. For the clients below it answered with a temporary "
	    "failure of its own (a lookup it could not do), for foreign and "
	    "local recipients alike: nobody relays through them, and no mail "
	    "from them is accepted either - senders retry and their mail "
	    "bounces after the queue lifetime. An inbound outage, not a "
	    "policy: the setting behind it is broken.");
	for (i = 0; i < n; i++) {
		if (res[i].status != MG_PS_TEMPFAIL)
			continue;
		for (k = 0; k < b->n; k++)
			if (mg_probe_judge(b, res[i].a, k) == MG_PV_TEMPFAIL)
				break;
		if (k == b->n)
			continue;
		(void)snprintf(text, sizeof(text), "%s %s (%s): tempfail for "
		    "%zu of %zu tests, e.g. MAIL FROM:<%s> RCPT TO:<%s> -> %s",
		    how, res[i].c.addr[0] != '\0' ? res[i].c.addr :
		    "this host", res[i].c.why, res[i].tempfailed, b->n,
		    b->v[k].sender, b->v[k].rcpt, res[i].a[k].text);
		mg_finding_evidence(f, res[i].c.file, res[i].c.line, "%s",
		    text);
		attach(r, f, res[i].c.file, res[i].c.line, text);
	}
}

/* listener - what the listener advertises */
static void
listener(const struct mg_probe_listener *l, const char *where,
    struct mg_report *r)
{
	struct mg_finding *f;

	if (l->auth_clear[0] != '\0') {
		f = mg_report_finding(r, "probe.auth-cleartext", MG_SEV_HIGH,
		    "tls", "Passwords can be sent unencrypted: AUTH is "
		    "offered before STARTTLS");
		mg_finding_explain(f, "The listener offers SMTP AUTH on an "
		    "unencrypted session, so a client (or a stolen password "
		    "being tried) sends the password in the clear. Offer AUTH "
		    "only after STARTTLS (Postfix: smtpd_tls_auth_only = yes; "
		    "Exim: auth_advertise_hosts = ${if eq{$tls_in_cipher}{}"
		    "{}{*}}).");
		mg_finding_evidence(f, NULL, 0, "%s: EHLO offers AUTH %s "
		    "before STARTTLS", where, l->auth_clear);
	}
	if (l->esmtp && !l->implicit && !l->starttls) {
		f = mg_report_finding(r, "probe.no-starttls", MG_SEV_MEDIUM,
		    "tls", "The listener does not offer STARTTLS");
		mg_finding_explain(f, "Mail to and from this server crosses "
		    "the network in the clear. Configure a certificate and "
		    "offer STARTTLS (Postfix: smtpd_tls_security_level = may; "
		    "Exim: tls_advertise_hosts = * with a certificate).");
		mg_finding_evidence(f, NULL, 0, "%s: EHLO does not offer "
		    "STARTTLS", where);
	} else if (l->tls_err[0] != '\0') {
		f = mg_report_finding(r, "probe.starttls-broken", MG_SEV_HIGH,
		    "tls", "STARTTLS is offered but does not work");
		mg_finding_explain(f, "Clients that try TLS fail; many then "
		    "send in the clear or not at all.");
		mg_finding_evidence(f, NULL, 0, "%s: %s", where, l->tls_err);
	}
	if (l->vrfy_leaks || l->expn_leaks) {
		f = mg_report_finding(r, "probe.vrfy-expn", MG_SEV_LOW, "smtpd",
		    "VRFY or EXPN tells strangers which addresses exist");
		mg_finding_explain(f, "Spammers harvest valid addresses with "
		    "VRFY and EXPN. Postfix: disable_vrfy_command = yes; Exim: "
		    "leave acl_smtp_vrfy and acl_smtp_expn unset.");
		if (l->vrfy_leaks)
			mg_finding_evidence(f, NULL, 0, "%s: VRFY postmaster "
			    "-> %d, VRFY %s -> %d", where, l->vrfy_known,
			    MG_PROBE_NOUSER, l->vrfy_unknown);
		if (l->expn_leaks)
			mg_finding_evidence(f, NULL, 0, "%s: EXPN postmaster "
			    "-> %d", where, l->expn);
	}
	if (l->version[0] != '\0') {
		f = mg_report_finding(r, "probe.banner-version", MG_SEV_LOW,
		    "smtpd", "The SMTP banner shows the software version");
		mg_finding_explain(f, "A version number tells an attacker "
		    "which known holes to try. Postfix: smtpd_banner = "
		    "$myhostname ESMTP; Exim: smtp_banner = "
		    "$smtp_active_hostname ESMTP.");
		mg_finding_evidence(f, NULL, 0, "%s: banner \"%s\" (%s%s%s)",
		    where, l->banner, l->software, l->software[0] != '\0' ?
		    " " : "", l->version);
	}
}

/*
 * mg_check_probe - findings from a probe run: results (n clients) of
 * battery b asked how (e.g. "exim -bh"), and the listener l at where
 * (NULL if it was not surveyed)
 */
void
mg_check_probe(const struct mg_probe_battery *b,
    const struct mg_probe_result *res, size_t n,
    const struct mg_probe_listener *l, const char *where, const char *how,
    struct mg_report *r)
{
	relay(b, res, n, how, r);
	tempfail(b, res, n, how, r);
	if (l != NULL)
		listener(l, where, r);
}
