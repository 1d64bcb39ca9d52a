/*
 * check_pf_auth.c - SMTP AUTH on Postfix: who can log in (the accounts the
 * backend listed - a sasldb, or every system account behind PAM) and where
 * (each smtpd service with smtpd_sasl_auth_enable, globally or by -o).
 * incident 3 was a spam run through a SASL account named root;
 * passwords sent before STARTTLS and AUTH offered on port 25 are how such
 * a password gets sniffed or guessed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../backends/postfix/pf_sasl.h"
#include "../../core/mg_maillog.h"
#include "../../core/mg_queue.h"
#include "../../core/mg_str.h"
#include "../checks.h"

#define FIX_TLS "postfix.auth.tls-only"
#define FIX_SUBMISSION "postfix.auth.submission-only"
#define FIX_DISABLE "postfix.sasl.disable-system"
#define SASL_ENABLE "smtpd_sasl_auth_enable"
#define TLS_AUTH_ONLY "smtpd_tls_auth_only"
/* Debian Policy 9.2.2: uids 0-999 belong to the system, not to people. */
#define UID_SYSTEM_MAX 999
#define SVC_MAX 64
#define SHOW_MAX 8

/* What TLS a service offers before AUTH. */
enum tls {
	TLS_NONE = 0,		/* no STARTTLS: AUTH only in the clear */
	TLS_MAY,		/* STARTTLS offered, not required */
	TLS_REQUIRED		/* encrypt level or wrapper mode (port 465) */
};

/* One listening smtpd service (svc NULL: the global settings, when
 * master.cf could not be read) and what it offers. */
struct svc {
	const struct mg_service *svc;
	const struct mg_param *sasl_p;	/* where AUTH is turned on (or off) */
	int sasl;		/* offers AUTH */
	int port;		/* 25, 587, 465; 0 if unknown */
	enum mg_pf_reach reach;	/* who can connect */
	enum tls tls;
	int cert;		/* a server certificate is configured */
};

/* yes - a Postfix boolean that is on (mail_conf_bool: yes/no, any case) */
static int
yes(const char *v)
{
	return (v != NULL && strcasecmp(v, "yes") == 0);
}

/* set - a parameter with a non-empty value */
static int
set(const char *v)
{
	return (v != NULL && v[strspn(v, " \t")] != '\0');
}

/* port_of - the port of a master.cf inet service name ("[host:]port") */
static int
port_of(const char *name)
{
	const char *p = strrchr(name, ':');
	char *end;
	long v;

	p = p != NULL ? p + 1 : name;
	if (strcmp(p, "smtp") == 0)
		return (25);
	if (strcmp(p, "submission") == 0)
		return (587);
	if (strcmp(p, "submissions") == 0 || strcmp(p, "smtps") == 0)
		return (465);
	if (*p < '0' || *p > '9')
		return (0);
	v = strtol(p, &end, 10);
	return (*end == '\0' && v > 0 && v < 65536 ? (int)v : 0);
}

/* service_port - a pass service gets its connections from postscreen,
 * which listens on the port of its own inet service */
static int
service_port(const struct mg_model *m, const struct mg_service *s)
{
	size_t i;

	if (strcmp(s->type, "pass") != 0)
		return (port_of(s->name));
	for (i = 0; i < m->nservices; i++)
		if (strcmp(m->services[i].type, "inet") == 0 &&
		    m->services[i].command != NULL &&
		    strcmp(m->services[i].command, "postscreen") == 0)
			return (port_of(m->services[i].name));
	return (0);
}

/* tls_of - postconf(5): smtpd_tls_security_level, when set, overrides
 * the obsolete smtpd_use_tls and smtpd_enforce_tls; wrapper mode (port
 * 465) speaks TLS before anything else */
static void
tls_of(const struct mg_model *m, const struct mg_service *s, struct svc *v)
{
	static const char *const certs[] = { "smtpd_tls_cert_file",
	    "smtpd_tls_eccert_file", "smtpd_tls_dcert_file",
	    "smtpd_tls_chain_files", NULL };
	const char *level;
	size_t i;

	level = mg_service_value(m, s, "smtpd_tls_security_level", NULL);
	if (set(level))
		v->tls = strcmp(level, "encrypt") == 0 ? TLS_REQUIRED :
		    strcmp(level, "may") == 0 ? TLS_MAY : TLS_NONE;
	else if (yes(mg_service_value(m, s, "smtpd_enforce_tls", NULL)))
		v->tls = TLS_REQUIRED;
	else if (yes(mg_service_value(m, s, "smtpd_use_tls", NULL)))
		v->tls = TLS_MAY;
	else
		v->tls = TLS_NONE;
	if (yes(mg_service_value(m, s, "smtpd_tls_wrappermode", NULL)))
		v->tls = TLS_REQUIRED;
	for (i = 0; certs[i] != NULL; i++)
		if (set(mg_service_value(m, s, certs[i], NULL)))
			v->cert = 1;
}

/* collect - every listening smtpd service; without master.cf, the
 * global settings stand for all of them */
static size_t
collect(const struct mg_model *m, struct svc *v, size_t max)
{
	const struct mg_service *s;
	size_t i, n = 0;

	for (i = 0; i < m->nservices && n < max; i++) {
		s = &m->services[i];
		if (s->command == NULL || strcmp(s->command, "smtpd") != 0 ||
		    (strcmp(s->type, "inet") != 0 &&
		    strcmp(s->type, "pass") != 0))
			continue;
		memset(&v[n], 0, sizeof(v[n]));
		v[n].svc = s;
		v[n].sasl = yes(mg_service_value(m, s, SASL_ENABLE,
		    &v[n].sasl_p));
		v[n].port = service_port(m, s);
		v[n].reach = mg_check_pf_reach(m, s);
		tls_of(m, s, &v[n]);
		n++;
	}
	if (m->nservices == 0 && max > 0) {
		memset(&v[0], 0, sizeof(v[0]));
		v[0].sasl = yes(mg_service_value(m, NULL, SASL_ENABLE,
		    &v[0].sasl_p));
		tls_of(m, NULL, &v[0]);
		v[0].reach = mg_check_pf_reach(m, NULL);
		n = 1;
	}
	return (n);
}

/* own - is p the service's own -o override, written in master.cf? */
static int
own(const struct svc *v, const struct mg_param *p)
{
	return (v->svc != NULL && p != NULL && p->file != NULL &&
	    p->line > 0 && mg_service_override(v->svc, p->name) == p);
}

/* unplaced - is p the service's own -o override, which postconf -P lists
 * but master.cf's text does not place?  main.cf does not reach it and a
 * new -o would not be the last one: it is set by hand */
static int
unplaced(const struct svc *v, const struct mg_param *p)
{
	return (v->svc != NULL && p != NULL &&
	    mg_service_override(v->svc, p->name) == p && !own(v, p));
}

/* by_hand - evidence: set -o name=value on the service by hand */
static void
by_hand(struct mg_finding *f, const struct svc *v, const char *name,
    const char *value)
{
	mg_finding_evidence(f, v->svc->file, v->svc->line, "service %s sets "
	    "its own %s, but no master.cf line reads it as postconf -P does: "
	    "set -o %s=%s in its entry by hand", v->svc->name, name, name,
	    value);
}

/* no_entry - evidence: the service's master.cf entry is not placed in
 * the file's text, so no -o can be added to it: set it by hand */
static void
no_entry(struct mg_finding *f, const struct svc *v, const char *name,
    const char *value)
{
	mg_finding_evidence(f, NULL, 0, "service %s: its master.cf entry "
	    "could not be placed in the file's text, so the fix cannot add "
	    "an -o to it: set -o %s=%s in its entry by hand", v->svc->name,
	    name, value);
}

/* svc_name - "service smtp (inet)", or "all smtpd services" */
static void
svc_name(const struct svc *v, char *buf, size_t size)
{
	if (v->svc == NULL)
		(void)snprintf(buf, size, "every smtpd service");
	else
		(void)snprintf(buf, size, "service %s (%s)", v->svc->name,
		    v->svc->type);
}

/* Settings a finding already cites, so that each is cited once. */
struct cited {
	const struct mg_param *p[SVC_MAX];
	size_t n;
};

/* cite - evidence: a setting as written (or Postfix's default), once */
static void
cite(const struct mg_model *m, struct mg_finding *f, struct cited *c,
    const struct svc *v, const struct mg_param *p)
{
	char origin[128];
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < c->n; i++)
		if (c->p[i] == p)
			return;
	if (c->n < SVC_MAX)
		c->p[c->n++] = p;
	mg_check_pf_origin(m, p, origin, sizeof(origin));
	mg_finding_evidence(f, p->file, p->line, "%s%s = %s (%s)",
	    v != NULL && own(v, p) ? "-o " : "", p->name, p->value != NULL ?
	    p->value : "", origin);
}

/* plaintext - may a password cross in the clear?  Not when noplaintext
 * holds PLAIN and LOGIN back until TLS, nor when Cyrus's mech_list
 * offers neither */
static int
plaintext(const struct mg_model *m, const struct svc *v)
{
	const struct mg_param *ml = mg_model_auth(m, "mech_list");
	const char *type;

	if (mg_pf_sasl_has_word(mg_service_value(m, v->svc,
	    "smtpd_sasl_security_options", NULL), "noplaintext"))
		return (0);
	type = mg_service_value(m, v->svc, "smtpd_sasl_type", NULL);
	if (ml != NULL && (type == NULL || strcmp(type, "cyrus") == 0) &&
	    !mg_pf_sasl_has_word(ml->value, "plain") &&
	    !mg_pf_sasl_has_word(ml->value, "login"))
		return (0);
	return (1);
}

/* exposed - AUTH offered before the session is encrypted */
static int
exposed(const struct mg_model *m, const struct svc *v)
{
	return (v->sasl && v->tls != TLS_REQUIRED &&
	    !yes(mg_service_value(m, v->svc, TLS_AUTH_ONLY, NULL)));
}

/* tls_ready - STARTTLS works here, so smtpd_tls_auth_only keeps AUTH */
static int
tls_ready(const struct svc *v)
{
	return (v->tls == TLS_MAY && v->cert);
}

/* no_tls_fix - smtpd_tls_auth_only = yes where TLS works: the service's
 * own -o, else main.cf - unless a service that inherits main.cf's value
 * has no TLS (it would lose AUTH): then an -o per service */
static int
no_tls_fix(const struct mg_model *m, struct mg_report *r,
    struct mg_finding *f, struct svc *v, size_t n)
{
	const struct mg_param *p;
	struct mg_fix *x;
	size_t i;
	int global = 0, unsafe = 0, failed = 0;

	x = mg_report_fix(r, FIX_TLS, "Offer AUTH only after STARTTLS "
	    "(smtpd_tls_auth_only = yes)");
	for (i = 0; i < n; i++) {
		if (!exposed(m, &v[i]))
			continue;
		(void)mg_service_value(m, v[i].svc, TLS_AUTH_ONLY, &p);
		if (unplaced(&v[i], p)) {
			/* its own value: main.cf does not reach it */
			if (tls_ready(&v[i]))
				by_hand(f, &v[i], TLS_AUTH_ONLY, "yes");
			continue;
		}
		if (!tls_ready(&v[i]))
			unsafe |= !own(&v[i], p);
		else if (own(&v[i], p))
			(void)mg_check_pf_edit_override(m, x, p,
			    "yes");
		else
			global = 1;
	}
	/* a service without TLS shares main.cf's value: main.cf stays, each
	 * service with TLS gets its own -o; one that cannot (its entry not
	 * placed in master.cf) leaves no safe fix - never main.cf's, which
	 * would take AUTH from the service without TLS */
	for (i = 0; global && unsafe && i < n; i++) {
		(void)mg_service_value(m, v[i].svc, TLS_AUTH_ONLY, &p);
		if (exposed(m, &v[i]) && tls_ready(&v[i]) && !own(&v[i], p) &&
		    !unplaced(&v[i], p) && !mg_check_pf_add_override(m, x,
		    v[i].svc, TLS_AUTH_ONLY, "yes")) {
			no_entry(f, &v[i], TLS_AUTH_ONLY, "yes");
			failed = 1;
		}
	}
	if (global && !unsafe)
		mg_check_pf_set_global(m, x, TLS_AUTH_ONLY, "yes");
	if (x->nedits == 0 || failed) {
		mg_report_drop_fix(r, FIX_TLS);
		return (0);
	}
	mg_check_pf_reload(m, x);
	return (1);
}

/* is_submission - a service mail clients submit on (587, 465) */
static int
is_submission(const struct svc *v)
{
	return (v->svc != NULL && strcmp(v->svc->type, "inet") == 0 &&
	    (v->port == 587 || v->port == 465));
}

/* is_reinjection - a loopback service on neither port 25 nor a
 * submission port: a content filter's return port (amavis's
 * 127.0.0.1:10025) or a local relay.  Nobody authenticates there; no
 * fix gives it AUTH. */
static int
is_reinjection(const struct svc *v)
{
	return (v->reach == MG_PF_REACH_LOOPBACK && v->port != 25 &&
	    !is_submission(v));
}

/* reach_evidence - a service not reachable from the Internet says so:
 * the finding's severity follows who can connect */
static void
reach_evidence(struct mg_finding *f, const struct svc *v, const char *name)
{
	if (v->reach == MG_PF_REACH_PUBLIC)
		return;
	mg_finding_evidence(f, v->svc != NULL ? v->svc->file : NULL,
	    v->svc != NULL ? v->svc->line : 0, "%s is %s%s", name,
	    mg_check_pf_reach_text(v->reach), is_reinjection(v) ?
	    ": a content filter's return port or a local relay, not a "
	    "submission port; no fix gives it AUTH" : "");
}

/* check_no_tls - AUTH (PLAIN, LOGIN) before STARTTLS */
static void
check_no_tls(const struct mg_model *m, struct mg_report *r, struct svc *v,
    size_t n)
{
	struct mg_finding *f = NULL;
	struct cited c;
	const struct mg_param *p;
	enum mg_severity sev = MG_SEV_LOW, one;
	char name[256];
	size_t i;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < n; i++) {
		if (!exposed(m, &v[i]) || !plaintext(m, &v[i]))
			continue;
		one = mg_check_pf_reach_severity(MG_SEV_HIGH, v[i].reach);
		if (one > sev)
			sev = one;
	}
	for (i = 0; i < n; i++) {
		if (!exposed(m, &v[i]))
			continue;
		if (f == NULL) {
			f = mg_report_finding(r, "postfix.auth.no-tls", sev,
			    "sasl", "SMTP AUTH is offered before STARTTLS: "
			    "passwords can cross in the clear");
			mg_finding_explain(f, "Postfix offers AUTH here "
			    "before the client has switched to TLS. Mail "
			    "clients that do not insist on STARTTLS - and "
			    "every bot - then send user name and password "
			    "readable by anyone on the path (AUTH PLAIN and "
			    "LOGIN are only base64), and a sniffed password "
			    "is a spam account. smtpd_tls_auth_only = yes "
			    "offers AUTH only after STARTTLS; clients set up "
			    "for STARTTLS or port 465 do not notice. Where a "
			    "service has no working TLS, give it a "
			    "certificate and smtpd_tls_security_level = may "
			    "first: smtpd_tls_auth_only alone would switch "
			    "AUTH off there.");
		}
		svc_name(&v[i], name, sizeof(name));
		reach_evidence(f, &v[i], name);
		if (tls_ready(&v[i]))
			mg_finding_evidence(f, v[i].svc != NULL ?
			    v[i].svc->file : NULL, v[i].svc != NULL ?
			    v[i].svc->line : 0, "%s offers AUTH before "
			    "STARTTLS", name);
		else
			mg_finding_evidence(f, v[i].svc != NULL ?
			    v[i].svc->file : NULL, v[i].svc != NULL ?
			    v[i].svc->line : 0, "%s has %s: AUTH only in the "
			    "clear; no fix proposed until TLS works", name,
			    v[i].tls == TLS_NONE ? "no STARTTLS "
			    "(smtpd_tls_security_level none or unset)" :
			    "STARTTLS but no certificate (smtpd_tls_cert_file "
			    "empty)");
		cite(m, f, &c, &v[i], v[i].sasl_p);
		(void)mg_service_value(m, v[i].svc, TLS_AUTH_ONLY, &p);
		cite(m, f, &c, &v[i], p);
		(void)mg_service_value(m, v[i].svc,
		    "smtpd_tls_security_level", &p);
		if (p != NULL && p->file != NULL)
			cite(m, f, &c, &v[i], p);
		if (!plaintext(m, &v[i])) {
			(void)mg_service_value(m, v[i].svc,
			    "smtpd_sasl_security_options", &p);
			cite(m, f, &c, &v[i], p);
		}
	}
	if (f != NULL && no_tls_fix(m, r, f, v, n))
		mg_finding_add_fix(f, FIX_TLS);
}

/* port25_fix - AUTH off on port 25, on for the submission services, and
 * kept as it is on every other service that inherited it */
static void
port25_fix(const struct mg_model *m, struct mg_report *r,
    struct mg_finding *f, struct svc *v, size_t n)
{
	struct mg_fix *x;
	size_t i;
	int global = 0, failed = 0;

	x = mg_report_fix(r, FIX_SUBMISSION, "Offer AUTH only on the "
	    "submission ports (587, 465), not on port 25");
	for (i = 0; i < n; i++) {
		if (!v[i].sasl || v[i].port != 25)
			continue;
		if (own(&v[i], v[i].sasl_p))
			(void)mg_check_pf_edit_override(m, x, v[i].sasl_p,
			    "no");
		else if (unplaced(&v[i], v[i].sasl_p))
			by_hand(f, &v[i], SASL_ENABLE, "no");
		else
			global = 1;
	}
	if (global) {
		mg_check_pf_set_global(m, x, SASL_ENABLE, "no");
		/* A re-injection port is no submission port: it loses
		 * the inherited AUTH. */
		for (i = 0; i < n; i++)
			if (v[i].sasl && v[i].port != 25 &&
			    !is_reinjection(&v[i]) &&
			    !own(&v[i], v[i].sasl_p) &&
			    !unplaced(&v[i], v[i].sasl_p) &&
			    !mg_check_pf_add_override(m, x, v[i].svc,
			    SASL_ENABLE, "yes")) {
				/* it would lose AUTH with main.cf's */
				no_entry(f, &v[i], SASL_ENABLE, "yes");
				failed = 1;
			}
	}
	for (i = 0; i < n; i++) {
		if (!is_submission(&v[i]) || v[i].sasl)
			continue;
		if (own(&v[i], v[i].sasl_p))
			(void)mg_check_pf_edit_override(m, x, v[i].sasl_p,
			    "yes");
		else if (unplaced(&v[i], v[i].sasl_p))
			by_hand(f, &v[i], SASL_ENABLE, "yes");
		else if (!mg_check_pf_add_override(m, x, v[i].svc,
		    SASL_ENABLE, "yes")) {
			/* port 25 would lose AUTH, submission not gain it */
			no_entry(f, &v[i], SASL_ENABLE, "yes");
			failed = 1;
		}
	}
	if (x->nedits == 0 || failed) {
		mg_report_drop_fix(r, FIX_SUBMISSION);
		return;
	}
	mg_check_pf_reload(m, x);
	mg_finding_add_fix(f, FIX_SUBMISSION);
}

/* check_port25 - AUTH on the port other mail servers deliver to */
static void
check_port25(const struct mg_model *m, struct mg_report *r, struct svc *v,
    size_t n)
{
	struct mg_finding *f = NULL;
	struct cited c;
	char name[256];
	size_t i, nsub = 0;
	enum mg_pf_reach reach = MG_PF_REACH_LOOPBACK;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < n; i++) {
		/* remote mail clients can move only to a port they reach */
		nsub += is_submission(&v[i]) &&
		    v[i].reach != MG_PF_REACH_LOOPBACK;
		if (v[i].sasl && v[i].port == 25 && v[i].reach > reach)
			reach = v[i].reach;
	}
	for (i = 0; i < n; i++) {
		if (!v[i].sasl || v[i].port != 25)
			continue;
		if (f == NULL) {
			f = mg_report_finding(r, "postfix.auth.port25",
			    mg_check_pf_reach_severity(nsub > 0 ?
			    MG_SEV_MEDIUM : MG_SEV_LOW, reach), "sasl",
			    "SMTP AUTH is offered on port 25");
			mg_finding_explain(f, "Port 25 is where other mail "
			    "servers deliver to you, and they never "
			    "authenticate. AUTH offered there lets every bot "
			    "that scans port 25 guess passwords, mixed into "
			    "your inbound traffic - how a guessable account "
			    "such as root gets found. Mail clients submit on "
			    "587 (submission) or 465 (submissions); the usual "
			    "layout, as in Postfix's own master.cf, is "
			    "smtpd_sasl_auth_enable = no in main.cf and -o "
			    "smtpd_sasl_auth_enable=yes on the submission "
			    "services. Clients still set up for port 25 must "
			    "move to 587 or 465.");
		}
		svc_name(&v[i], name, sizeof(name));
		mg_finding_evidence(f, v[i].svc->file, v[i].svc->line, "%s "
		    "listens on port 25 and offers AUTH", name);
		reach_evidence(f, &v[i], name);
		cite(m, f, &c, &v[i], v[i].sasl_p);
	}
	if (f == NULL)
		return;
	for (i = 0; i < n; i++)
		if (is_submission(&v[i]))
			mg_finding_evidence(f, v[i].svc->file,
			    v[i].svc->line,
			    "submission service %s (port %d) %s",
			    v[i].svc->name, v[i].port, v[i].sasl ?
			    "offers AUTH" : "exists, without AUTH");
	if (nsub == 0) {
		mg_finding_evidence(f, NULL, 0, "no submission (587) or "
		    "submissions (465) service in master.cf: clients can "
		    "only authenticate on port 25. Enable submission first "
		    "(its lines are in master.cf, commented out); no fix is "
		    "proposed until then");
		return;
	}
	port25_fix(m, r, f, v, n);
}

/* sasldb_of - the sasldb an account was listed from, else NULL */
static const char *
sasldb_of(const struct mg_user *u)
{
	if (u->source == NULL || strncmp(u->source, "sasldb ", 7) != 0)
		return (NULL);
	return (u->source + 7);
}

/* system_name - a name no person should send mail as: a role or system
 * name, or the name of one of this host's system accounts */
static int
system_name(const struct mg_user *u)
{
	return (mg_check_privileged_name(u->name) ||
	    (u->uid >= 0 && u->uid <= UID_SYSTEM_MAX));
}

/* is_login - is login (a queue file's sasl_username) this account?
 * smtpd logs "root", or "root@realm" when the client or
 * smtpd_sasl_local_domain named the realm */
static int
is_login(const struct mg_user *u, const char *login)
{
	size_t n = strlen(u->name);

	if (login == NULL)
		return (0);
	if (strcmp(login, u->name) == 0)
		return (1);
	return (u->realm != NULL && strncmp(login, u->name, n) == 0 &&
	    login[n] == '@' && strcmp(login + n + 1, u->realm) == 0);
}

/* logged_in - messages the mail log shows submitted after logging in as
 * account u (its name, with or without the realm); *as: the name logged */
static unsigned long
logged_in(const struct mg_model *m, const struct mg_user *u, const char **as)
{
	unsigned long n = 0;
	size_t i;

	if (m->log == NULL)
		return (0);
	/* a name seen only in failed logins sent nothing */
	for (i = 0; i < m->log->nlogins; i++)
		if (m->log->logins[i].msgs > 0 &&
		    is_login(u, m->log->logins[i].name)) {
			n += m->log->logins[i].msgs;
			*as = m->log->logins[i].name;
		}
	return (n);
}

/* db_where - where a sasldb is chosen: its sasldb_path line, else the
 * smtpd.conf line that selects the sasldb */
static const struct mg_param *
db_where(const struct mg_model *m, const char *db)
{
	static const char *const names[] = { "auxprop_plugin",
	    "pwcheck_method", NULL };
	size_t i, k;

	for (i = 0; i < m->nauth; i++)
		if (strcmp(m->auth[i].name, "sasldb_path") == 0 &&
		    strcmp(m->auth[i].value, db) == 0 &&
		    m->auth[i].file != NULL)
			return (&m->auth[i]);
	for (k = 0; names[k] != NULL; k++)
		for (i = 0; i < m->nauth; i++)
			if (strcmp(m->auth[i].name, names[k]) == 0 &&
			    m->auth[i].file != NULL)
				return (&m->auth[i]);
	return (NULL);
}

/* why_system - "a system or role name, uid 0 here" */
static void
why_system(const struct mg_user *u, struct mg_str *s)
{
	mg_str_reset(s);
	if (mg_check_privileged_name(u->name))
		mg_str_puts(s, "a system or role name");
	if (u->uid >= 0 && u->uid <= UID_SYSTEM_MAX)
		mg_str_printf(s, "%sthe name of a system account here (uid "
		    "%ld)", s->len > 0 ? ", " : "", u->uid);
}

/* check_system_accounts - root & co. in a sasldb */
static void
check_system_accounts(const struct mg_model *m, struct mg_report *r,
    const char *dominant, size_t count)
{
	const struct mg_user *u;
	const struct mg_param *w;
	struct mg_finding *f = NULL;
	struct mg_str why = MG_STR_INIT, text = MG_STR_INIT;
	struct mg_fix *x;
	const char *db, *purge = NULL, *as = NULL;
	unsigned long used;
	size_t i;

	for (i = 0; i < m->nusers; i++) {
		u = &m->users[i];
		if ((db = sasldb_of(u)) == NULL || !system_name(u))
			continue;
		if (f == NULL)
			f = mg_report_finding(r, "postfix.sasl.system-account",
			    MG_SEV_HIGH, "sasl", "A system account can log "
			    "in by SASL to send mail");
		if (purge == NULL)
			purge = u->name;
		why_system(u, &why);
		w = db_where(m, db);
		mg_finding_evidence(f, w != NULL ? w->file : NULL, w != NULL ?
		    w->line : 0, "sasldb %s holds SASL account %s%s%s: %s", db,
		    u->name, u->realm != NULL ? " in realm " : "",
		    u->realm != NULL ? u->realm : "", mg_str_cstr(&why));
		if (is_login(u, dominant)) {
			f->severity = MG_SEV_CRITICAL;
			purge = dominant;
			mg_finding_evidence(f, NULL, 0, "%s sent %zu of the "
			    "%zu queued messages: the spam goes out through "
			    "this account", dominant, count,
			    m->queue != NULL ? m->queue->nmsgs : count);
		} else if ((used = logged_in(m, u, &as)) > 0) {
			/* its mail left the queue (purged, delivered), the
			 * account did not: still the first thing to stop */
			f->severity = MG_SEV_CRITICAL;
			purge = as;
			mg_finding_evidence(f, m->log->path, 0, "%s shows %lu "
			    "messages submitted after logging in as %s: the "
			    "account is used to send mail (what it queued may "
			    "since be purged or delivered), and it is still "
			    "in the sasldb: it can still log in - disable it",
			    m->log->path, used, as);
		}
		if (u->name[0] == '-')
			continue;	/* never an option to saslpasswd2 */
		x = mg_report_fix(r, FIX_DISABLE, "Delete system and role "
		    "accounts from the sasldb");
		{
			const char *argv[] = { "saslpasswd2", "-d", "-f", db,
			    u->realm != NULL ? "-u" : u->name,
			    u->realm != NULL ? u->realm : NULL,
			    u->realm != NULL ? u->name : NULL, NULL };

			mg_fix_post(x, argv);
		}
		if (f->nfix_ids == 0)
			mg_finding_add_fix(f, FIX_DISABLE);
	}
	if (f != NULL) {
		mg_str_printf(&text, "Bots that guess SMTP passwords try "
		    "root, admin and postmaster first, and one reported "
		    "incident was exactly this: a SASL account named root "
		    "sent spam for days. No person needs a system or role "
		    "account to send mail. The fix deletes these accounts "
		    "from the sasldb (saslpasswd2 -d; Cyrus opens the sasldb "
		    "at each login, so no reload is needed). Mail such an "
		    "account already queued is still delivered: remove it with "
		    "mailguard-tui purge --sasl %s, which keeps everyone "
		    "else's.", purge);
		mg_finding_explain(f, mg_str_cstr(&text));
	}
	mg_str_free(&why);
	mg_str_free(&text);
}

/* cite_auth - evidence: the SASL setup's own settings of these names */
static void
cite_auth(const struct mg_model *m, struct mg_finding *f,
    const char *const *names)
{
	size_t i, k;

	for (k = 0; names[k] != NULL; k++)
		for (i = 0; i < m->nauth; i++)
			if (strcmp(m->auth[i].name, names[k]) == 0)
				mg_finding_evidence(f, m->auth[i].file,
				    m->auth[i].line, "%s%s%s",
				    m->auth[i].name, m->auth[i].file != NULL &&
				    strcmp(m->auth[i].name, "MECHANISMS") == 0 ?
				    "=" : m->auth[i].file != NULL ? ": " :
				    " (doveconf -n) ", m->auth[i].value);
}

/* cite_type - evidence: smtpd_sasl_type, where it is set */
static void
cite_type(const struct mg_model *m, struct mg_finding *f)
{
	const struct mg_param *p = mg_model_param(m, "smtpd_sasl_type");

	if (p != NULL && p->file != NULL)
		mg_finding_evidence(f, p->file, p->line, "smtpd_sasl_type = "
		    "%s", p->value);
}

/* check_system_backed - saslauthd/PAM or Dovecot/PAM: system accounts */
static void
check_system_backed(const struct mg_model *m, struct mg_report *r,
    const char *dominant)
{
	static const char *const names[] = { "pwcheck_method",
	    "MECHANISMS", "passdb", NULL };
	const struct mg_user *u;
	struct mg_finding *f;
	struct mg_str list = MG_STR_INIT;
	size_t i, nsys = 0, shown = 0;

	for (i = 0; i < m->nusers; i++)
		if (m->users[i].source != NULL &&
		    strcmp(m->users[i].source, MG_PF_SASL_SYSTEM) == 0)
			nsys++;
	if (nsys == 0)
		return;
	f = mg_report_finding(r, "postfix.sasl.system-backed",
	    MG_SEV_MEDIUM, "sasl", "Every system account with a password "
	    "can log in by SASL to send mail");
	mg_finding_explain(f, "SASL passwords are checked against this "
	    "host's own accounts (saslauthd with PAM or shadow, or a "
	    "Dovecot passdb of PAM or passwd): root, every person with a "
	    "shell login and every service account that has a password "
	    "can authenticate and send mail through this server - "
	    "including root. A weak or reused system password becomes a "
	    "spam account, and these logins appear in no list of mail "
	    "users. Prefer a separate mail password database holding only "
	    "the people who send mail (a sasldb with pwcheck_method: "
	    "auxprop, or a Dovecot passwd-file); short of that, make sure "
	    "system and service accounts have no password (passwd -l) and "
	    "refuse their names with check_sasl_access.");
	mg_finding_evidence(f, NULL, 0, "SASL backend: %s", m->users_backend);
	cite_type(m, f);
	cite_auth(m, f, names);
	mg_str_init(&list);
	for (i = 0; i < m->nusers; i++) {
		u = &m->users[i];
		if (u->source == NULL || strcmp(u->source,
		    MG_PF_SASL_SYSTEM) != 0)
			continue;
		if (shown++ < SHOW_MAX)
			mg_str_printf(&list, "%s%s (uid %ld)", list.len > 0 ?
			    ", " : "", u->name, u->uid);
		if (is_login(u, dominant)) {
			f->severity = MG_SEV_HIGH;
			mg_finding_evidence(f, NULL, 0, "system account %s "
			    "sends most of the queue", u->name);
		}
	}
	if (shown > SHOW_MAX)
		mg_str_printf(&list, " and %zu more", shown - SHOW_MAX);
	mg_finding_evidence(f, NULL, 0, "system accounts with a login shell "
	    "(each can authenticate if it has a password): %s",
	    mg_str_cstr(&list));
	mg_str_free(&list);
}

/* has_system_users - does a backend check the system accounts? */
static int
has_system_users(const struct mg_model *m)
{
	size_t i;

	for (i = 0; i < m->nusers; i++)
		if (m->users[i].source != NULL &&
		    strcmp(m->users[i].source, MG_PF_SASL_SYSTEM) == 0)
			return (1);
	return (0);
}

/* check_unverified - accounts that could not all be listed */
static void
check_unverified(const struct mg_model *m, struct mg_report *r)
{
	static const char *const names[] = { "pwcheck_method",
	    "auxprop_plugin", "passdb", NULL };
	struct mg_finding *f;
	int dovecot;

	if (m->users_backend == NULL || m->users_complete ||
	    has_system_users(m))
		return;
	dovecot = strncmp(m->users_backend, "dovecot", 7) == 0;
	f = mg_report_finding(r, "postfix.sasl.unverified", MG_SEV_LOW,
	    "sasl", "The accounts that can log in by SASL could not all be "
	    "listed");
	mg_finding_explain(f, dovecot ? "Postfix hands AUTH to Dovecot "
	    "(smtpd_sasl_type = dovecot), so Dovecot's passdb decides who "
	    "can log in, and it could not be read here. Debian's default "
	    "Dovecot passdb is PAM (auth-system.conf.ext): every system "
	    "account with a password, root included. Check with "
	    "\"doveconf -n passdb\"; prefer a passwd-file that holds only "
	    "the people who send mail." : "Part of the SASL setup keeps "
	    "its accounts where this console cannot list them (an SQL or "
	    "LDAP auxprop plugin, an unreadable sasldb, a pwcheck method "
	    "it does not read), so accounts such as root cannot be ruled "
	    "out. The warnings from the MTA say what could not be read.");
	mg_finding_evidence(f, NULL, 0, "SASL backend: %s", m->users_backend);
	cite_type(m, f);
	cite_auth(m, f, names);
}

/* check_accounts - for review: the backend and every listed account */
static void
check_accounts(const struct mg_model *m, struct mg_report *r)
{
	const struct mg_user *u;
	struct mg_finding *f;
	size_t i;

	if (m->users_backend == NULL)
		return;
	f = mg_report_finding(r, "postfix.sasl.accounts", MG_SEV_INFO,
	    "sasl", "SASL: how passwords are checked, and who can log in");
	mg_finding_explain(f, "For review: how smtpd checks SASL passwords "
	    "and the accounts found there. Every account is a password a "
	    "bot can guess; delete the ones nobody sends mail with.");
	mg_finding_evidence(f, NULL, 0, "backend: %s%s", m->users_backend,
	    m->users_complete ? "" : " (not every account could be listed)");
	for (i = 0; i < m->nusers && i < 4 * SHOW_MAX; i++) {
		u = &m->users[i];
		mg_finding_evidence(f, NULL, 0, "%s%s%s (%s)", u->name,
		    u->realm != NULL ? "@" : "", u->realm != NULL ? u->realm :
		    "", u->source != NULL ? u->source : "?");
	}
	if (m->nusers > 4 * SHOW_MAX)
		mg_finding_evidence(f, NULL, 0, "and %zu more accounts",
		    m->nusers - 4 * SHOW_MAX);
}

/* mg_check_pf_auth - SMTP AUTH: where it is offered, and to whom */
void
mg_check_pf_auth(const struct mg_model *m, struct mg_report *r)
{
	struct svc v[SVC_MAX];
	char *dominant;
	size_t n, count;

	n = collect(m, v, SVC_MAX);
	dominant = mg_check_sasl_dominant(m, &count);
	check_no_tls(m, r, v, n);
	check_port25(m, r, v, n);
	check_system_accounts(m, r, dominant, count);
	check_system_backed(m, r, dominant);
	check_unverified(m, r);
	check_accounts(m, r);
	free(dominant);
}
