/*
 * check_exim_auth.c - SMTP AUTH on Exim: plaintext mechanisms (PLAIN,
 * LOGIN) offered before TLS send passwords in the clear; a system account
 * such as root in the password file is the account a bot guesses first
 * (DESIGN incident 3, on Exim); authentication through saslauthd or PAM
 * means every system account with a password can send mail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/mg_str.h"
#include "checks.h"

#define NOTLS_MACRO "AUTH_SERVER_ALLOW_NOTLS_PASSWORDS"

/* server_side - an authenticator this server offers (not a client one) */
static int
server_side(const struct mg_rule *r)
{
	return (strcmp(r->group, "authenticators") == 0 &&
	    (mg_rule_cond(r, "server_condition") != NULL ||
	    mg_rule_cond(r, "server_socket") != NULL));
}

/* needs_tls - does the advertise condition hold AUTH back until TLS? */
static int
needs_tls(const struct mg_rule *r)
{
	const struct mg_param *c = mg_rule_cond(r,
	    "server_advertise_condition");

	return (c != NULL && strstr(c->value, "tls_in_cipher") != NULL);
}

/* macro_line - where Debian's local macros define NAME, or 0 */
static unsigned
macro_line(const struct mg_model *m, const char *name,
    const struct mg_srcfile **fp)
{
	const struct mg_srcfile *f;
	size_t i, k, n = strlen(name);

	for (k = 0; k < m->nfiles; k++) {
		f = &m->files[k];
		if (strstr(f->path, "localmacros") == NULL)
			continue;
		for (i = 0; i < f->nlines; i++)
			if (strncmp(f->lines[i], name, n) == 0 &&
			    (f->lines[i][n] == ' ' || f->lines[i][n] == '=')) {
				*fp = f;
				return ((unsigned)i + 1);
			}
	}
	return (0);
}

/* no_tls_fix - drop the macro that lets passwords go in the clear, or
 * give a plain config's authenticator the condition */
static void
no_tls_fix(const struct mg_model *m, struct mg_report *r,
    const struct mg_rule *a, struct mg_finding *f)
{
	const struct mg_srcfile *src = NULL;
	const struct mg_param *drv = mg_rule_cond(a, "driver");
	struct mg_str text = MG_STR_INIT;
	struct mg_fix *x;
	unsigned line;

	x = mg_report_fix(r, "exim.auth.tls-only", "Offer password "
	    "authentication only after STARTTLS");
	if ((line = macro_line(m, NOTLS_MACRO, &src)) != 0) {
		if (x->nedits == 0) {
			mg_str_printf(&text, "# %s (off: passwords only over "
			    "TLS)", src->lines[line - 1]);
			(void)mg_fix_replace_line(x, src->path, line,
			    src->lines[line - 1], mg_str_cstr(&text));
			mg_check_exim_regenerate(m, x, src->path);
		}
	} else if (drv != NULL && drv->file != NULL &&
	    (src = mg_model_file(m, drv->file)) != NULL && drv->line > 0 &&
	    drv->line <= src->nlines) {
		mg_str_printf(&text, "%s\n  server_advertise_condition = "
		    "${if def:tls_in_cipher}", src->lines[drv->line - 1]);
		(void)mg_fix_replace_line(x, drv->file, drv->line,
		    src->lines[drv->line - 1], mg_str_cstr(&text));
		mg_check_exim_regenerate(m, x, drv->file);
	}
	mg_str_free(&text);
	if (x->nedits > 0 && f->nfix_ids == 0)
		mg_finding_add_fix(f, x->id);
}

/* check_no_tls - PLAIN/LOGIN advertised without TLS */
static void
check_no_tls(const struct mg_model *m, struct mg_report *r)
{
	const struct mg_rule *a;
	const struct mg_param *drv, *pub;
	const struct mg_srcfile *mf = NULL;
	struct mg_finding *f = NULL;
	unsigned mline;
	size_t i;

	for (i = 0; i < m->nrules; i++) {
		a = &m->rules[i];
		drv = mg_rule_cond(a, "driver");
		if (!server_side(a) || drv == NULL ||
		    strcmp(drv->value, "plaintext") != 0 || needs_tls(a))
			continue;
		pub = mg_rule_cond(a, "public_name");
		if (f == NULL) {
			f = mg_report_finding(r, "exim.auth.no-tls",
			    MG_SEV_HIGH, "sasl", "Passwords can be sent "
			    "without TLS (AUTH PLAIN/LOGIN in the clear)");
			mg_finding_explain(f, "PLAIN and LOGIN send the user "
			    "name and password readable by anyone on the "
			    "path. Exim offers them here before STARTTLS, so "
			    "mail clients that do not insist on TLS send "
			    "passwords in the clear - and a stolen password "
			    "is how a spam run through this server starts. "
			    "Advertise them only on encrypted connections "
			    "(Debian does that unless " NOTLS_MACRO " is "
			    "defined).");
		}
		mg_finding_evidence(f, a->file, a->line, "authenticator %s "
		    "(%s %s) has no server_advertise_condition requiring TLS",
		    a->verb, drv->value, pub != NULL ? pub->value : "");
		no_tls_fix(m, r, a, f);
	}
	if (f != NULL && (mline = macro_line(m, NOTLS_MACRO, &mf)) != 0)
		mg_finding_evidence(f, mf->path, mline, "%s is defined: "
		    "Debian's template then drops the TLS condition",
		    NOTLS_MACRO);
}

/* user_line - the line of a user's entry in its password file */
static unsigned
user_line(const struct mg_model *m, const struct mg_user *u)
{
	const struct mg_srcfile *f = mg_model_file(m, u->source);
	size_t i, n = strlen(u->name);

	for (i = 0; f != NULL && i < f->nlines; i++)
		if (strncmp(f->lines[i], u->name, n) == 0 &&
		    f->lines[i][n] == ':')
			return ((unsigned)i + 1);
	return (0);
}

/* check_system_accounts - root & co. in the password file */
static void
check_system_accounts(const struct mg_model *m, struct mg_report *r)
{
	const struct mg_srcfile *src;
	const struct mg_user *u;
	struct mg_finding *f = NULL;
	struct mg_str text = MG_STR_INIT;
	struct mg_fix *x;
	unsigned line;
	size_t i;

	for (i = 0; i < m->nusers; i++) {
		u = &m->users[i];
		if (u->source == NULL || !mg_check_privileged_name(u->name))
			continue;
		line = user_line(m, u);
		if (f == NULL) {
			f = mg_report_finding(r, "exim.auth.system-account",
			    MG_SEV_HIGH, "sasl", "A system account can log "
			    "in to send mail");
			mg_finding_explain(f, "Bots that guess SMTP passwords "
			    "try root, admin and postmaster first; DESIGN "
			    "incident 3 was a spam run through a SASL "
			    "account named root. No person needs a system or "
			    "role account to send mail. The fix disables the "
			    "entry (the line stays, commented); then purge "
			    "what it queued: mailguard-tui purge --sasl NAME.");
		}
		mg_finding_evidence(f, u->source, line, "%s has an entry for "
		    "%s", u->source, u->name);
		src = mg_model_file(m, u->source);
		if (src == NULL || line == 0)
			continue;
		mg_str_reset(&text);
		mg_str_printf(&text, "# disabled (system account): %s",
		    src->lines[line - 1]);
		x = mg_report_fix(r, "exim.auth.disable-system", "Disable "
		    "password logins of system accounts");
		(void)mg_fix_replace_line(x, u->source, line,
		    src->lines[line - 1], mg_str_cstr(&text));
		if (f->nfix_ids == 0)
			mg_finding_add_fix(f, x->id);
	}
	mg_str_free(&text);
}

/* check_system_backed - saslauthd or PAM: every system account */
static void
check_system_backed(const struct mg_model *m, struct mg_report *r)
{
	const struct mg_rule *a;
	const struct mg_param *c;
	struct mg_finding *f;
	size_t i;

	for (i = 0; i < m->nrules; i++) {
		a = &m->rules[i];
		c = mg_rule_cond(a, "server_condition");
		if (!server_side(a) || c == NULL ||
		    (strstr(c->value, "saslauthd") == NULL &&
		    strstr(c->value, "pam{") == NULL))
			continue;
		f = mg_report_finding(r, "exim.auth.system-backed",
		    MG_SEV_MEDIUM, "sasl", "Every system account with a "
		    "password can send mail");
		mg_finding_explain(f, "This authenticator checks passwords "
		    "through saslauthd or PAM, that is against the system's "
		    "accounts: root and every service account with a "
		    "password can log in to send mail, and a weak one is "
		    "found by bots. Prefer a separate mail password file, or "
		    "restrict which names may authenticate.");
		mg_finding_evidence(f, c->file, c->line, "authenticator %s: "
		    "server_condition = %s", a->verb, c->value);
		return;
	}
}

/* mg_check_exim_auth - authenticators */
void
mg_check_exim_auth(const struct mg_model *m, struct mg_report *r)
{
	check_no_tls(m, r);
	check_system_accounts(m, r);
	check_system_backed(m, r);
}
