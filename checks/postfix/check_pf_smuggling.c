/*
 * check_pf_smuggling.c - SMTP smuggling (CVE-2023-51764).  A Postfix
 * smtpd that takes a bare <LF> as a line end ends DATA at "<LF>.<LF>":
 * an outbound server that passes such bytes through lets a sender hide a
 * second message (any From: in its domain) inside the first, and Postfix
 * queues it as a message of its own that passes SPF for the sending host.
 * postconf(5): smtpd_forbid_bare_newline (Postfix 3.5.23, 3.6.13, 3.7.9,
 * 3.8.4 and later; default "no" before 3.9, so also on Debian 12's
 * 3.7.11) requires <CR><LF>.<CR><LF>; clients in
 * smtpd_forbid_bare_newline_exclusions (default $mynetworks) stay
 * excluded.  Each smtpd service is judged with its own -o overrides.
 * A Postfix without the parameter gets the interim workaround of
 * postfix.org/smtp-smuggling.html (smtpd_data_restrictions =
 * reject_unauth_pipelining) and is told to upgrade.
 *
 * No probe: the proof needs a DATA phase ("<LF>.<LF>" ends the message
 * or not), and the proof engine stops at RCPT so that nothing is ever
 * queued; the lab test (tests/lab/test_lab_smuggle.c) sends that DATA to
 * the private instance and shows the fix closes it.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../checks.h"

#define ID "postfix.smtpd.smuggling"
#define FIX_ID "postfix.smtpd.forbid-bare-newline"
#define FIX_PIPE_ID "postfix.smtpd.data-unauth-pipelining"
#define PARAM "smtpd_forbid_bare_newline"
#define EXCL "smtpd_forbid_bare_newline_exclusions"
#define DATA_R "smtpd_data_restrictions"

/* off - a value of smtpd_forbid_bare_newline that leaves the hole open
 * ("no"; normalize, yes and reject all require <CR><LF>.<CR><LF>) */
static int
off(const char *v)
{
	if (v == NULL)
		return (1);
	v += strspn(v, " \t");
	/* "normalize" starts with "no" too: the whole word */
	return (*v == '\0' || (strncasecmp(v, "no", 2) == 0 &&
	    v[2 + strspn(v + 2, " \t")] == '\0'));
}

/* smtpd_service - an smtpd that takes mail from the network */
static int
smtpd_service(const struct mg_service *s)
{
	return (s->command != NULL && strcmp(s->command, "smtpd") == 0 &&
	    (strcmp(s->type, "inet") == 0 || strcmp(s->type, "pass") == 0));
}

/* severity - medium for the Internet, one step lower for private
 * networks; info for a loopback-only listener: its clients are all in
 * the default exclusions ($mynetworks holds 127.0.0.0/8), and no other
 * server can hand it a smuggled message */
static enum mg_severity
severity(enum mg_pf_reach reach)
{
	if (reach == MG_PF_REACH_LOOPBACK)
		return (MG_SEV_INFO);
	return (mg_check_pf_reach_severity(MG_SEV_MEDIUM, reach));
}

/* finding - the one finding, created on first use */
static struct mg_finding *
finding(struct mg_report *r, struct mg_finding *f, enum mg_severity sev)
{
	if (f != NULL) {
		if (sev > f->severity)
			f->severity = sev;
		return (f);
	}
	f = mg_report_finding(r, ID, sev, "smtpd", "SMTP smuggling is "
	    "possible: smtpd_forbid_bare_newline is off (CVE-2023-51764)");
	mg_finding_explain(f, "This smtpd accepts a bare <LF> as a line end, "
	    "so \"<LF>.<LF>\" ends the message. A sender whose outbound "
	    "server passes such bytes through can hide a second message "
	    "inside the first, with any From: of that server's domain: "
	    "Postfix queues it as a message of its own, and it passes SPF "
	    "for the sending host. smtpd_forbid_bare_newline = yes "
	    "(postconf(5)) requires the standard <CR><LF>.<CR><LF>; clients "
	    "in smtpd_forbid_bare_newline_exclusions (default $mynetworks) "
	    "stay excluded, so local programs that send bare <LF> keep "
	    "working. Postfix 3.9 made it the default.");
	return (f);
}

/* older - a Postfix without the parameter: upgrade, and the interim
 * workaround where smtpd_data_restrictions is empty */
static void
older(const struct mg_model *m, struct mg_report *r)
{
	const struct mg_param *p = mg_model_param(m, DATA_R);
	const char *v = p != NULL && p->value != NULL ? p->value : "";
	struct mg_finding *f;
	struct mg_fix *x;
	char fixed[128];

	if (!mg_check_cve_fixed_in(m, "postfix", "smuggling", fixed,
	    sizeof(fixed)))
		(void)snprintf(fixed, sizeof(fixed), "3.5.23, 3.6.13, 3.7.9, "
		    "3.8.4 or later");
	f = finding(r, NULL, MG_SEV_MEDIUM);
	mg_finding_evidence(f, NULL, 0, "postconf does not know %s: Postfix "
	    "%s predates it; upgrade the package to %s, then set %s = yes",
	    PARAM, m->version != NULL ? m->version : "(unknown)", fixed,
	    PARAM);
	if (strstr(v, "reject_unauth_pipelining") != NULL) {
		mg_finding_evidence(f, p->file, p->line, "%s = %s already "
		    "holds the interim workaround (reject_unauth_pipelining): "
		    "it stops the pipelined attack, not every variant", DATA_R,
		    v);
		return;
	}
	if (v[strspn(v, " \t")] != '\0') {
		mg_finding_evidence(f, p != NULL ? p->file : NULL, p != NULL ?
		    p->line : 0, "%s = %s: put reject_unauth_pipelining first "
		    "in it by hand as the interim workaround", DATA_R, v);
		return;
	}
	mg_finding_evidence(f, p != NULL ? p->file : NULL, p != NULL ?
	    p->line : 0, "%s is empty: the fix sets it to "
	    "reject_unauth_pipelining (postfix.org/smtp-smuggling.html, "
	    "the interim workaround) until the upgrade", DATA_R);
	x = mg_report_fix(r, FIX_PIPE_ID, "Refuse unauthorised pipelining "
	    "before DATA (smtpd_data_restrictions = "
	    "reject_unauth_pipelining), the interim smuggling workaround");
	mg_check_pf_set_global(m, x, DATA_R, "reject_unauth_pipelining");
	mg_check_pf_reload(m, x);
	mg_finding_add_fix(f, FIX_PIPE_ID);
}

/* service_evidence - what one open service has, and where from */
static void
service_evidence(const struct mg_model *m, struct mg_finding *f,
    const struct mg_service *s, const struct mg_param *p,
    enum mg_pf_reach reach)
{
	char origin[256];

	mg_check_pf_origin(m, p, origin, sizeof(origin));
	mg_finding_evidence(f, p != NULL && p->file != NULL ? p->file :
	    s->file, p != NULL && p->file != NULL ? p->line : s->line,
	    "service %s (%s, smtpd) has %s = %s (%s): \"<LF>.<LF>\" ends "
	    "DATA", s->name, s->type, PARAM, p != NULL && p->value != NULL &&
	    *p->value != '\0' ? p->value : "no", origin);
	if (reach != MG_PF_REACH_PUBLIC)
		mg_finding_evidence(f, s->file, s->line, "service %s is %s",
		    s->name, mg_check_pf_reach_text(reach));
}

/* mg_check_pf_smuggling - smtpd services that end DATA at <LF>.<LF> */
void
mg_check_pf_smuggling(const struct mg_model *m, struct mg_report *r)
{
	const struct mg_param *p, *own, *excl;
	const struct mg_service *s;
	struct mg_finding *f = NULL;
	struct mg_fix *x = NULL;
	enum mg_pf_reach reach;
	int global = 0;
	size_t i;

	if (mg_model_param(m, PARAM) == NULL) {
		older(m, r);
		return;
	}
	for (i = 0; i < m->nservices; i++) {
		s = &m->services[i];
		if (!smtpd_service(s) || !off(mg_service_value(m, s, PARAM,
		    &p)))
			continue;
		reach = mg_check_pf_reach(m, s);
		f = finding(r, f, severity(reach));
		service_evidence(m, f, s, p, reach);
		if (x == NULL)
			x = mg_report_fix(r, FIX_ID, "Require "
			    "<CR><LF>.<CR><LF> from SMTP clients "
			    "(smtpd_forbid_bare_newline = yes)");
		own = mg_service_override(s, PARAM);
		if (own == NULL)
			global = 1;
		else if (own->file == NULL || own->line == 0 ||
		    !mg_check_pf_edit_override(m, x, own, "yes"))
			mg_finding_evidence(f, s->file, s->line, "service %s: "
			    "set -o %s=yes in its master.cf entry by hand",
			    s->name, PARAM);
	}
	if (f == NULL)
		return;
	excl = mg_model_param(m, EXCL);
	mg_finding_evidence(f, excl != NULL ? excl->file : NULL, excl != NULL ?
	    excl->line : 0, "%s = %s: these clients stay excluded after the "
	    "fix", EXCL, excl != NULL && excl->raw != NULL ? excl->raw :
	    excl != NULL && excl->value != NULL ? excl->value : "$mynetworks");
	mg_finding_evidence(f, NULL, 0, "no probe: the proof needs a DATA "
	    "phase and the proof engine stops at RCPT (nothing is queued); "
	    "the fix is validated by postconf on the stage");
	if (global)
		mg_check_pf_set_global(m, x, PARAM, "yes");
	if (x->nedits == 0) {
		mg_report_drop_fix(r, FIX_ID);
		return;
	}
	mg_check_pf_reload(m, x);
	mg_finding_add_fix(f, FIX_ID);
}
