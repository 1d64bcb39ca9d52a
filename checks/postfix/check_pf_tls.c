/*
 * check_pf_tls.c - TLS where clients expect it.  A service on port 465
 * (smtps, submissions; RFC 8314 implicit TLS) speaks TLS from the first
 * byte only with smtpd_tls_wrappermode=yes (postconf(5)); Postfix's own
 * master.cf carries it as an -o line of the smtps entry, and with that
 * line commented out the port speaks plain SMTP: mail clients set up
 * for SSL/TLS fail, and AUTH offered there crosses in the clear.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../../core/mg_str.h"
#include "../checks.h"

#define FIX_ID "postfix.tls.smtps-wrappermode"
#define WRAPPER "smtpd_tls_wrappermode"

/* yes - a Postfix boolean that is on */
static int
yes(const char *v)
{
	return (v != NULL && strcasecmp(v, "yes") == 0);
}

/* skip - past white space */
static const char *
skip(const char *p)
{
	return (p + strspn(p, " \t"));
}

/*
 * propose - wrapper mode on for one service: its own -o edited (the last
 * -o counts, so neither an uncommented nor a new line would do), the
 * commented line uncommented, or a new -o line.  An own -o that
 * master.cf's text does not place gets no edit: fd says to set it by
 * hand.
 */
static int
propose(const struct mg_model *m, struct mg_fix *x, struct mg_finding *fd,
    const struct mg_service *s, unsigned cline)
{
	const struct mg_param *own = mg_service_override(s, WRAPPER);
	const struct mg_srcfile *f;
	struct mg_str text = MG_STR_INIT;

	if (own != NULL && (own->file == NULL || own->line == 0)) {
		mg_finding_evidence(fd, s->file, s->line, "service %s: set -o "
		    "%s=yes in its master.cf entry by hand", s->name, WRAPPER);
		return (0);
	}
	if (own != NULL)
		return (mg_check_pf_edit_override(m, x, own, "yes"));
	if (cline != 0 && (f = mg_model_file(m, s->file)) != NULL) {
		mg_str_printf(&text, "  %s", skip(f->lines[cline - 1] + 1));
		(void)mg_fix_replace_line(x, s->file, cline,
		    f->lines[cline - 1], mg_str_cstr(&text));
		mg_str_free(&text);
		return (1);
	}
	return (mg_check_pf_add_override(m, x, s, WRAPPER, "yes"));
}

/* mg_check_pf_tls - implicit-TLS services that speak plain SMTP */
void
mg_check_pf_tls(const struct mg_model *m, struct mg_report *r)
{
	const struct mg_service *s;
	const struct mg_param *p;
	struct mg_finding *f = NULL;
	struct mg_fix *x = NULL;
	enum mg_pf_reach reach;
	enum mg_severity sev;
	unsigned cline;
	size_t i;

	for (i = 0; i < m->nservices; i++) {
		s = &m->services[i];
		if (strcmp(s->type, "inet") != 0 || s->command == NULL ||
		    strcmp(s->command, "smtpd") != 0 ||
		    !mg_check_pf_smtps(m, s) ||
		    yes(mg_service_value(m, s, WRAPPER, &p)))
			continue;
		reach = mg_check_pf_reach(m, s);
		sev = mg_check_pf_reach_severity(yes(mg_service_value(m, s,
		    "smtpd_sasl_auth_enable", NULL)) ? MG_SEV_HIGH :
		    MG_SEV_MEDIUM, reach);
		if (f == NULL) {
			f = mg_report_finding(r, "postfix.tls.smtps-plain",
			    sev, "tls", "The smtps port (465) speaks plain "
			    "SMTP: smtpd_tls_wrappermode is not on");
			mg_finding_explain(f, "Port 465 (smtps, submissions) "
			    "is implicit TLS: the client starts the TLS "
			    "handshake at once, and Postfix answers it only "
			    "with smtpd_tls_wrappermode=yes. Without it the "
			    "port greets in plain text: mail clients set up "
			    "for SSL/TLS on 465 fail to connect, and whatever "
			    "does talk to it - AUTH included - crosses the "
			    "network unencrypted. Postfix's master.cf has the "
			    "line under the smtps entry; it is often left "
			    "commented out when the entry is enabled.");
		} else if (sev > f->severity)
			f->severity = sev;
		mg_finding_evidence(f, s->file, s->line, "service %s (inet, "
		    "smtpd) is an implicit-TLS service (port 465 or "
		    "syslog_name .../smtps) and has %s = %s%s: it speaks "
		    "plain SMTP", s->name, WRAPPER, p != NULL &&
		    p->value != NULL ? p->value : "no", p != NULL &&
		    p->file != NULL ? "" : " (not set for it)");
		if (reach != MG_PF_REACH_PUBLIC)
			mg_finding_evidence(f, s->file, s->line, "service %s "
			    "is %s", s->name, mg_check_pf_reach_text(reach));
		if ((cline = mg_check_pf_commented_override(m, s, WRAPPER,
		    "yes")) != 0)
			mg_finding_evidence(f, s->file, cline, "the -o %s=yes "
			    "line of service %s is commented out", WRAPPER,
			    s->name);
		if (!mg_check_pf_has_cert(m, s)) {
			mg_finding_evidence(f, s->file, s->line, "service %s "
			    "has no certificate (smtpd_tls_cert_file empty): "
			    "no fix until it has one", s->name);
			continue;
		}
		if (x == NULL)
			x = mg_report_fix(r, FIX_ID, "Speak TLS from the first "
			    "byte on the smtps port (-o "
			    "smtpd_tls_wrappermode=yes)");
		(void)propose(m, x, f, s, cline);
	}
	if (x == NULL)
		return;
	if (x->nedits == 0) {
		mg_report_drop_fix(r, FIX_ID);
		return;
	}
	mg_check_pf_reload(m, x);
	mg_finding_add_fix(f, FIX_ID);
}
