/*
 * check_pf_submission.c - the submission port (587, RFC 6409) done right:
 * mail clients log in there, so Postfix's own master.cf has it refuse
 * clients that did not (smtpd_client_restrictions =
 * permit_sasl_authenticated,reject) and speak only TLS
 * (smtpd_tls_security_level = encrypt).  AUTH before STARTTLS is
 * postfix.auth.no-tls (smtpd_tls_auth_only), AUTH on port 25
 * postfix.auth.port25, port 465 without wrapper mode postfix.tls.smtps-plain;
 * this check adds what those do not see.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../../backends/postfix/pf_list.h"
#include "../../core/mg_str.h"
#include "../checks.h"

#define FIX_AUTH "postfix.submission.require-auth"
#define FIX_TLS "postfix.submission.encrypt"
#define TITLE_AUTH "Refuse mail on the submission port from clients " \
	"that did not log in (-o smtpd_client_restrictions=" GATE ")"
#define TITLE_TLS "Require TLS on the submission port (-o " \
	"smtpd_tls_security_level=encrypt)"
#define LEVEL "smtpd_tls_security_level"
#define CLIENT "smtpd_client_restrictions"
#define GATE "permit_mynetworks,permit_sasl_authenticated,reject"

/* yes - a Postfix boolean that is on */
static int
yes(const char *v)
{
	return (v != NULL && strcasecmp(v, "yes") == 0);
}

/* set - a non-empty value */
static int
set(const char *v)
{
	return (v != NULL && v[strspn(v, " \t")] != '\0');
}

/* syslog_is - the service's own -o syslog_name ends with "/tail" */
static int
syslog_is(const struct mg_model *m, const struct mg_service *s,
    const char *tail)
{
	const char *v;
	size_t n, t = strlen(tail);

	if (mg_service_override(s, "syslog_name") == NULL)
		return (0);
	v = mg_service_value(m, s, "syslog_name", NULL);
	n = v != NULL ? strlen(v) : 0;
	return (n > t && v[n - t - 1] == '/' && strcmp(v + n - t, tail) == 0);
}

/* is_587 - the submission service: port 587 ("submission", "587",
 * "host:587") or, on another port, Postfix's marker -o
 * syslog_name=postfix/submission */
static int
is_587(const struct mg_model *m, const struct mg_service *s)
{
	const char *colon = strrchr(s->name, ':');
	const char *port = colon != NULL ? colon + 1 : s->name;

	return (strcmp(port, "submission") == 0 || strcmp(port, "587") == 0 ||
	    syslog_is(m, s, "submission"));
}

/* smtpd_inet - an smtpd that listens on a TCP port */
static int
smtpd_inet(const struct mg_service *s)
{
	return (strcmp(s->type, "inet") == 0 && s->command != NULL &&
	    strcmp(s->command, "smtpd") == 0);
}

/* cite - evidence: one setting as the service sees it */
static void
cite(const struct mg_model *m, struct mg_finding *f,
    const struct mg_service *s, const char *name)
{
	const struct mg_param *p;
	const char *v = mg_service_value(m, s, name, &p);
	char origin[128];

	if (p == NULL) {
		mg_finding_evidence(f, s->file, s->line, "service %s: %s is "
		    "empty", s->name, name);
		return;
	}
	mg_check_pf_origin(m, p, origin, sizeof(origin));
	mg_finding_evidence(f, p->file != NULL ? p->file : s->file,
	    p->file != NULL ? p->line : s->line, "service %s: %s%s = %s (%s)",
	    s->name, mg_service_override(s, name) == p ? "-o " : "", name,
	    v != NULL ? v : "", origin);
}

/* reach_note - a service not open to the Internet says who can connect */
static void
reach_note(const struct mg_model *m, struct mg_finding *f,
    const struct mg_service *s)
{
	enum mg_pf_reach reach = mg_check_pf_reach(m, s);

	if (reach != MG_PF_REACH_PUBLIC)
		mg_finding_evidence(f, s->file, s->line, "service %s is %s",
		    s->name, mg_check_pf_reach_text(reach));
}

/* auth_fix - the gate on one service: its own empty client list edited,
 * else a new -o line; 0 where that is not safe (the evidence says why) */
static int
auth_fix(const struct mg_model *m, struct mg_report *r,
    struct mg_finding *f, const struct mg_service *s)
{
	const struct mg_param *p;
	const char *v = mg_service_value(m, s, CLIENT, &p), *delay;
	struct mg_fix *x;
	int done;

	if (!yes(mg_service_value(m, s, "smtpd_sasl_auth_enable", NULL))) {
		mg_finding_evidence(f, s->file, s->line, "service %s does not "
		    "offer AUTH (smtpd_sasl_auth_enable): no client could log "
		    "in to pass the gate; enable AUTH there first, no fix "
		    "proposed until then", s->name);
		return (0);
	}
	if (set(v)) {
		mg_finding_evidence(f, p->file, p->line, "service %s has its "
		    "own %s: put permit_sasl_authenticated,reject in it (after "
		    "what it must keep); no automatic fix", s->name, CLIENT);
		return (0);
	}
	delay = mg_service_value(m, s, "smtpd_delay_reject", NULL);
	if (delay != NULL && strcasecmp(delay, "no") == 0) {
		mg_finding_evidence(f, s->file, s->line, "smtpd_delay_reject "
		    "= no: %s is evaluated before AUTH, so a gate there would "
		    "refuse every client; no automatic fix", CLIENT);
		return (0);
	}
	if (p != NULL && mg_service_override(s, CLIENT) == p &&
	    (p->file == NULL || p->line == 0)) {
		/* postconf -P lists it, master.cf's text does not place it:
		 * a new -o under the entry line would come before it */
		mg_finding_evidence(f, s->file, s->line, "service %s: set -o "
		    "%s=%s in its master.cf entry by hand", s->name, CLIENT,
		    GATE);
		return (0);
	}
	x = mg_report_fix(r, FIX_AUTH, TITLE_AUTH);
	if (p != NULL && mg_service_override(s, CLIENT) == p)
		done = mg_check_pf_edit_override(m, x, p, GATE);
	else
		done = mg_check_pf_add_override(m, x, s, CLIENT, GATE);
	return (done);
}

/* postscreen_on_25 - port 25 is answered by postscreen, whose tests a
 * client on the submission port skips */
static const struct mg_service *
postscreen_on_25(const struct mg_model *m)
{
	const struct mg_service *s;
	const char *colon, *port;
	size_t i;

	for (i = 0; i < m->nservices; i++) {
		s = &m->services[i];
		colon = strrchr(s->name, ':');
		port = colon != NULL ? colon + 1 : s->name;
		if (strcmp(s->type, "inet") == 0 && s->command != NULL &&
		    strcmp(s->command, "postscreen") == 0 &&
		    (strcmp(port, "smtp") == 0 || strcmp(port, "25") == 0))
			return (s);
	}
	return (NULL);
}

/*
 * beyond - what an unauthenticated client gets on this service that
 * port 25 (main.cf's settings) does not give it, as evidence; the
 * severity that earns, or MG_SEV_INFO when nothing: the service then
 * takes what port 25 takes, no more
 */
static enum mg_severity
beyond(const struct mg_model *m, struct mg_finding *f,
    const struct mg_service *s)
{
	const struct mg_param *own, *main_p;
	const struct mg_service *ps;
	enum mg_severity sev = MG_SEV_INFO;
	const char *v;
	size_t i;

	for (i = 0; mg_check_pf_gate_lists[i] != NULL; i++) {
		own = mg_service_override(s, mg_check_pf_gate_lists[i]);
		main_p = mg_model_param(m, mg_check_pf_gate_lists[i]);
		if (own == NULL || set(own->value) || main_p == NULL ||
		    !set(main_p->value))
			continue;
		if (f != NULL)
			mg_finding_evidence(f, own->file != NULL ? own->file :
			    s->file, own->file != NULL ? own->line : s->line,
			    "service %s empties %s (-o %s=): port 25 applies "
			    "main.cf's \"%s\", this port nothing", s->name,
			    mg_check_pf_gate_lists[i],
			    mg_check_pf_gate_lists[i], main_p->value);
		if (sev < MG_SEV_LOW)
			sev = MG_SEV_LOW;
	}
	own = mg_service_override(s, "smtpd_reject_unlisted_recipient");
	if (own != NULL && own->value != NULL &&
	    strcasecmp(own->value, "no") == 0 &&
	    !(v = mg_service_value(m, NULL, own->name, NULL), v != NULL &&
	    strcasecmp(v, "no") == 0)) {
		if (f != NULL)
			mg_finding_evidence(f, own->file != NULL ? own->file :
			    s->file, own->file != NULL ? own->line : s->line,
			    "service %s: -o smtpd_reject_unlisted_recipient="
			    "no: mail for addresses that do not exist is "
			    "accepted and bounced later (backscatter), where "
			    "port 25 refuses it", s->name);
		sev = MG_SEV_MEDIUM;
	}
	v = mg_service_value(m, s, "milter_macro_daemon_name", &own);
	if (v != NULL && strcmp(v, "ORIGINATING") == 0) {
		if (f != NULL)
			mg_finding_evidence(f, own != NULL && own->file !=
			    NULL ? own->file : s->file, own != NULL &&
			    own->file != NULL ? own->line : s->line, "service "
			    "%s: milter_macro_daemon_name = ORIGINATING: the "
			    "DKIM milter signs what arrives here as your own "
			    "outgoing mail", s->name);
		sev = MG_SEV_MEDIUM;
	}
	if ((ps = postscreen_on_25(m)) != NULL) {
		if (f != NULL)
			mg_finding_evidence(f, ps->file, ps->line, "port 25 is "
			    "answered by postscreen (service %s); service %s "
			    "skips its tests", ps->name, s->name);
		if (sev < MG_SEV_LOW)
			sev = MG_SEV_LOW;
	}
	return (sev);
}

/* check_no_auth - a submission service that takes mail without a login,
 * and more than port 25 takes */
static void
check_no_auth(const struct mg_model *m, struct mg_report *r)
{
	const struct mg_service *s;
	const struct mg_param *p;
	struct mg_finding *f = NULL;
	struct mg_fix *x;
	enum mg_severity sev;
	size_t i;
	int fixed = 0;

	for (i = 0; i < m->nservices; i++) {
		s = &m->services[i];
		if (!smtpd_inet(s) || (!is_587(m, s) &&
		    !mg_check_pf_smtps(m, s)) ||
		    mg_check_pf_gate(m, s, &p) != MG_PF_GATE_NONE ||
		    (sev = beyond(m, NULL, s)) == MG_SEV_INFO)
			continue;
		sev = mg_check_pf_reach_severity(sev, mg_check_pf_reach(m, s));
		if (f == NULL) {
			f = mg_report_finding(r, "postfix.submission.no-auth",
			    sev, "sasl", "The submission port takes mail from "
			    "clients that did not log in, and more than port "
			    "25 does");
			mg_finding_explain(f, "Ports 587 and 465 are for mail "
			    "clients, who log in first; other mail servers "
			    "deliver to port 25. Here no restriction list of "
			    "the submission service refuses a client that did "
			    "not authenticate, and the service's own settings "
			    "take from such a client more than port 25 does: "
			    "anyone can send through this door what port 25 "
			    "would refuse. Postfix's master.cf pairs those "
			    "settings with -o smtpd_client_restrictions="
			    "permit_sasl_authenticated,reject. The fix adds "
			    "that list (keeping permit_mynetworks, which port "
			    "25 trusts too); only a client that neither logs "
			    "in nor is in mynetworks is refused, and such a "
			    "client belongs on port 25.");
		} else if (sev > f->severity)
			f->severity = sev;
		mg_finding_evidence(f, s->file, s->line, "service %s (inet, "
		    "smtpd) is a submission service and none of its "
		    "restriction lists refuses unauthenticated clients "
		    "(smtpd_client_restrictions = %s)", s->name,
		    set(mg_service_value(m, s, CLIENT, NULL)) ?
		    mg_service_value(m, s, CLIENT, NULL) : "empty");
		reach_note(m, f, s);
		(void)beyond(m, f, s);
		fixed += auth_fix(m, r, f, s);
	}
	if (f == NULL || mg_report_find_fix(r, FIX_AUTH) == NULL)
		return;
	x = mg_report_fix(r, FIX_AUTH, TITLE_AUTH);
	if (fixed == 0 || x->nedits == 0) {
		mg_report_drop_fix(r, FIX_AUTH);
		return;
	}
	mg_check_pf_reload(m, x);
	mg_finding_add_fix(f, FIX_AUTH);
}

/* skip - past white space */
static const char *
skip(const char *p)
{
	return (p + strspn(p, " \t"));
}

/* tls_fix - encrypt on one service, where nobody who sends now loses:
 * a certificate, AUTH only after STARTTLS, and a gate that lets no one
 * else in (mynetworks clients may submit without TLS today) */
static int
tls_fix(const struct mg_model *m, struct mg_report *r, struct mg_finding *f,
    const struct mg_service *s, enum mg_pf_gate g)
{
	const struct mg_param *own = mg_service_override(s, LEVEL);
	const struct mg_srcfile *src;
	struct mg_str text = MG_STR_INIT;
	struct mg_fix *x;
	unsigned cline;

	if (!mg_check_pf_has_cert(m, s)) {
		mg_finding_evidence(f, s->file, s->line, "service %s has no "
		    "certificate (smtpd_tls_cert_file empty): no fix until it "
		    "has one", s->name);
		return (0);
	}
	if (g != MG_PF_GATE_ALL) {
		mg_finding_evidence(f, s->file, s->line, "service %s takes "
		    "mail from clients that did not log in%s: they may not "
		    "speak TLS, and encrypt would refuse them; no automatic "
		    "fix - set -o %s=encrypt once every client uses STARTTLS",
		    s->name, g == MG_PF_GATE_MYNET ? " (mynetworks)" : "",
		    LEVEL);
		return (0);
	}
	if (own != NULL && (own->file == NULL || own->line == 0)) {
		/* postconf -P lists it, master.cf's text does not place it:
		 * an uncommented or new -o might not be the last one */
		mg_finding_evidence(f, s->file, s->line, "service %s: set -o "
		    "%s=encrypt in its master.cf entry by hand", s->name,
		    LEVEL);
		return (0);
	}
	x = mg_report_fix(r, FIX_TLS, TITLE_TLS);
	/* the service's own -o is the one that counts: edited in place */
	if (own != NULL)
		return (mg_check_pf_edit_override(m, x, own, "encrypt"));
	if ((cline = mg_check_pf_commented_override(m, s, LEVEL,
	    "encrypt")) != 0 &&
	    (src = mg_model_file(m, s->file)) != NULL) {
		mg_finding_evidence(f, s->file, cline, "the -o %s=encrypt "
		    "line of service %s is commented out", LEVEL, s->name);
		mg_str_printf(&text, "  %s", skip(src->lines[cline - 1] + 1));
		(void)mg_fix_replace_line(x, s->file, cline,
		    src->lines[cline - 1], mg_str_cstr(&text));
		mg_str_free(&text);
		return (1);
	}
	return (mg_check_pf_add_override(m, x, s, LEVEL, "encrypt"));
}

/* check_no_tls - a submission service where TLS is optional.  Where
 * AUTH is offered before STARTTLS, postfix.auth.no-tls says so (the
 * worse hole); this one is what remains: mail, addresses and the
 * session in the clear, and a client that never tries STARTTLS */
static void
check_no_tls(const struct mg_model *m, struct mg_report *r)
{
	const struct mg_service *s;
	const struct mg_param *p;
	struct mg_finding *f = NULL;
	struct mg_fix *x;
	const char *level;
	enum mg_pf_gate g;
	size_t i;
	int fixed = 0;

	for (i = 0; i < m->nservices; i++) {
		s = &m->services[i];
		if (!smtpd_inet(s) || !is_587(m, s) ||
		    mg_check_pf_smtps(m, s) ||
		    yes(mg_service_value(m, s, "smtpd_tls_wrappermode",
		    NULL)))
			continue;
		level = mg_service_value(m, s, LEVEL, NULL);
		if (set(level) ? strcmp(level, "encrypt") == 0 ||
		    strcmp(level, "dane") == 0 ||
		    strcmp(level, "verify") == 0 ||
		    strcmp(level, "secure") == 0 :
		    yes(mg_service_value(m, s, "smtpd_enforce_tls", NULL)))
			continue;
		if (yes(mg_service_value(m, s, "smtpd_sasl_auth_enable",
		    NULL)) && !yes(mg_service_value(m, s,
		    "smtpd_tls_auth_only", NULL)))
			continue;	/* postfix.auth.no-tls */
		if (f == NULL) {
			f = mg_report_finding(r, "postfix.submission.no-tls",
			    mg_check_pf_reach_severity(MG_SEV_LOW,
			    mg_check_pf_reach(m, s)), "sasl", "The "
			    "submission port does not require TLS");
			mg_finding_explain(f, "RFC 8314 and Postfix's own "
			    "master.cf make TLS mandatory on port 587 "
			    "(smtpd_tls_security_level=encrypt): a mail client "
			    "that does not insist on STARTTLS - or one an "
			    "attacker on the path strips it from - sends the "
			    "message, its recipients and the session in the "
			    "clear. Passwords are safe only because AUTH waits "
			    "for STARTTLS here (smtpd_tls_auth_only). The fix "
			    "is proposed where no client that sends today "
			    "loses: the service has a certificate and refuses "
			    "everyone who does not log in.");
		}
		mg_finding_evidence(f, s->file, s->line, "service %s (inet, "
		    "smtpd) is the submission service and does not require "
		    "TLS", s->name);
		reach_note(m, f, s);
		cite(m, f, s, LEVEL);
		cite(m, f, s, "smtpd_tls_auth_only");
		g = mg_check_pf_gate(m, s, &p);
		fixed += tls_fix(m, r, f, s, g);
	}
	if (f == NULL || mg_report_find_fix(r, FIX_TLS) == NULL)
		return;
	x = mg_report_fix(r, FIX_TLS, TITLE_TLS);
	if (fixed == 0 || x->nedits == 0) {
		mg_report_drop_fix(r, FIX_TLS);
		return;
	}
	mg_check_pf_reload(m, x);
	mg_finding_add_fix(f, FIX_TLS);
}

/* mg_check_pf_submission - the submission port: login and TLS required */
void
mg_check_pf_submission(const struct mg_model *m, struct mg_report *r)
{
	check_no_auth(m, r);
	check_no_tls(m, r);
}
