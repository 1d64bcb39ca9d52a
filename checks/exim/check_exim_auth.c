/*
 * check_exim_auth.c - SMTP AUTH on Exim: plaintext mechanisms (PLAIN,
 * LOGIN) offered before TLS send passwords in the clear; a system account
 * such as root in the password file is the account a bot guesses first
 * (incident 3, on Exim); authentication through saslauthd or PAM
 * means every system account with a password can send mail.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../backends/exim/exim_expand.h"
#include "../../core/mg_str.h"
#include "../checks.h"

#define NOTLS_MACRO "AUTH_SERVER_ALLOW_NOTLS_PASSWORDS"

/* server_side - an authenticator this server offers (not a client one) */
static int
server_side(const struct mg_rule *r)
{
	return (strcmp(r->group, "authenticators") == 0 &&
	    (mg_rule_cond(r, "server_condition") != NULL ||
	    mg_rule_cond(r, "server_socket") != NULL));
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

/* clear_password - an authenticator that takes the password in the
 * clear: the plaintext driver, or dovecot / cyrus_sasl offering PLAIN or
 * LOGIN; *mech is the mechanism it offers (public_name, else its name) */
static int
clear_password(const struct mg_rule *a, const char **mech)
{
	const struct mg_param *drv = mg_rule_cond(a, "driver");
	const struct mg_param *pub = mg_rule_cond(a, "public_name");

	*mech = pub != NULL && pub->value[0] != '\0' ? pub->value : a->verb;
	if (!server_side(a) || drv == NULL)
		return (0);
	if (strcmp(drv->value, "plaintext") == 0)
		return (1);
	return ((strcmp(drv->value, "dovecot") == 0 ||
	    strcmp(drv->value, "cyrus_sasl") == 0) &&
	    (strcasecmp(*mech, "PLAIN") == 0 ||
	    strcasecmp(*mech, "LOGIN") == 0));
}

/* has_word - is w one of the blank-separated words of list? */
static int
has_word(const char *list, const char *w)
{
	size_t n = strlen(w), k;

	while (*list != '\0') {
		list += strspn(list, " \t");
		k = strcspn(list, " \t");
		if (k == n && k > 0 && strncasecmp(list, w, n) == 0)
			return (1);
		list += k;
	}
	return (0);
}

/*
 * offered_before_tls - does a client on the Internet see the mechanism
 * before STARTTLS?  Exim's own answer when the backend could ask it
 * (exim -bh: the 250-AUTH line), whatever spelling the conditions use;
 * else auth_advertise_hosts and server_advertise_condition evaluated with
 * the TLS variables empty (exim_expand.c).  A condition that depends on
 * something else may hold without TLS: offered.  why says how we know.
 */
static int
offered_before_tls(const struct mg_model *m, const struct mg_rule *a,
    const char *mech, struct mg_str *why)
{
	const struct mg_param *c = mg_rule_cond(a,
	    "server_advertise_condition");
	const char *hosts = mg_model_value(m, "auth_advertise_hosts");
	struct mg_str v = MG_STR_INIT;
	char *val;
	int offered = 1;

	mg_str_reset(why);
	if (m->ehlo.client != NULL) {
		mg_str_printf(why, "exim -bh %s", m->ehlo.client);
		if (m->ehlo.port != 0)
			mg_str_printf(why, " (port %u)", m->ehlo.port);
		mg_str_printf(why, ": EHLO offers %s%s before STARTTLS%s",
		    m->ehlo.auth[0] != '\0' ? "AUTH " : "no AUTH",
		    m->ehlo.auth, m->ehlo.starttls ? "" : " (and no STARTTLS "
		    "at all)");
		return (has_word(m->ehlo.auth, mech));
	}
	val = mg_exim_option_value(hosts != NULL ? hosts : "*");
	if (mg_exim_eval_notls(val, &v) && mg_str_cstr(&v)[0] == '\0') {
		mg_str_printf(why, "auth_advertise_hosts = %s: no host before "
		    "TLS", hosts);
		offered = 0;
	} else if (c == NULL) {
		mg_str_printf(why, "authenticator %s has no "
		    "server_advertise_condition", a->verb);
	} else {
		free(val);
		val = mg_exim_option_value(c->value);
		if (mg_exim_eval_notls(val, &v)) {
			offered = mg_exim_truth(mg_str_cstr(&v));
			mg_str_printf(why, "server_advertise_condition = %s is "
			    "%s before TLS", c->value, offered ? "true" :
			    "false");
		} else
			mg_str_printf(why, "server_advertise_condition = %s "
			    "may hold without TLS", c->value);
	}
	free(val);
	mg_str_free(&v);
	return (offered);
}

/* trivially_true - an advertise condition that restricts nothing */
static int
trivially_true(const char *v)
{
	return (strcasecmp(v, "yes") == 0 || strcasecmp(v, "true") == 0 ||
	    strcmp(v, "1") == 0 || strcmp(v, "*") == 0);
}

/*
 * edit_condition - the authenticator's own server_advertise_condition
 * line(s) are edited, never a second one added (Exim refuses an option
 * set twice in one driver).  A condition that names no TLS variable is
 * kept and asked only on encrypted connections: ${if def:tls_in_cipher
 * {OLD}{no}}; one that restricts nothing, or that tests TLS the wrong
 * way round, becomes ${if def:tls_in_cipher}.  A value continued over
 * several lines (trailing backslash) is wrapped at its first and last.
 */
static int
edit_condition(const struct mg_model *m, struct mg_fix *x,
    const struct mg_param *c)
{
	const struct mg_srcfile *src;
	struct mg_str first = MG_STR_INIT, last = MG_STR_INIT;
	const char *l, *eq, *v;
	char *val;
	size_t n, end, k;
	int quoted, wrap;

	if (c->file == NULL || c->line == 0 ||
	    (src = mg_model_file(m, c->file)) == NULL ||
	    c->line > src->nlines)
		return (-1);
	l = src->lines[c->line - 1];
	if (strstr(l, "server_advertise_condition") == NULL ||
	    (eq = strchr(l, '=')) == NULL)
		return (-1);
	v = eq + 1 + strspn(eq + 1, " \t");
	/* the continuation lines: each ends with a backslash */
	for (end = c->line - 1; end < src->nlines; end++) {
		n = strlen(src->lines[end]);
		while (n > 0 && (src->lines[end][n - 1] == ' ' ||
		    src->lines[end][n - 1] == '\t'))
			n--;
		if (n == 0 || src->lines[end][n - 1] != '\\')
			break;
	}
	if (end == src->nlines)
		return (-1);
	quoted = *v == '"';
	val = mg_exim_option_value(c->value);
	wrap = strstr(val, "tls_") == NULL && !trivially_true(val);
	free(val);
	mg_str_append(&first, l, (size_t)(v - l));
	if (!wrap) {
		mg_str_puts(&first, "${if def:tls_in_cipher}");
		(void)mg_fix_replace_line(x, c->file, c->line, l,
		    mg_str_cstr(&first));
		for (k = c->line; k <= end; k++)
			(void)mg_fix_replace_line(x, c->file, (unsigned)k + 1,
			    src->lines[k], "");
		mg_str_free(&first);
		return (0);
	}
	mg_str_printf(&first, "%s${if def:tls_in_cipher{%s",
	    quoted ? "\"" : "", v + quoted);
	l = src->lines[end];
	n = strlen(l);
	while (n > 0 && (l[n - 1] == ' ' || l[n - 1] == '\t'))
		n--;
	if (quoted && n > 0 && l[n - 1] == '"')
		n--;
	if (end + 1 == c->line) {
		/* one line: close it on the same line */
		n -= (size_t)(v - l) + quoted;
		mg_str_reset(&first);
		mg_str_append(&first, l, (size_t)(v - l));
		mg_str_printf(&first, "%s${if def:tls_in_cipher{%.*s}{no}}%s",
		    quoted ? "\"" : "", (int)n, v + quoted,
		    quoted ? "\"" : "");
		(void)mg_fix_replace_line(x, c->file, c->line,
		    src->lines[c->line - 1], mg_str_cstr(&first));
	} else {
		mg_str_append(&last, l, n);
		mg_str_printf(&last, "}{no}}%s", quoted ? "\"" : "");
		(void)mg_fix_replace_line(x, c->file, c->line,
		    src->lines[c->line - 1], mg_str_cstr(&first));
		(void)mg_fix_replace_line(x, c->file, (unsigned)end + 1,
		    src->lines[end], mg_str_cstr(&last));
	}
	mg_str_free(&first);
	mg_str_free(&last);
	return (0);
}

/* insert_condition - an authenticator with no advertise condition gets
 * one after its driver line, indented as that line is */
static int
insert_condition(const struct mg_model *m, struct mg_fix *x,
    const struct mg_rule *a)
{
	const struct mg_param *drv = mg_rule_cond(a, "driver");
	const struct mg_srcfile *src;
	struct mg_str text = MG_STR_INIT;
	const char *l;

	if (drv == NULL || drv->file == NULL || drv->line == 0 ||
	    (src = mg_model_file(m, drv->file)) == NULL ||
	    drv->line > src->nlines)
		return (-1);
	l = src->lines[drv->line - 1];
	mg_str_printf(&text, "%s\n%.*sserver_advertise_condition = "
	    "${if def:tls_in_cipher}", l, (int)strspn(l, " \t"), l);
	(void)mg_fix_replace_line(x, drv->file, drv->line, l,
	    mg_str_cstr(&text));
	mg_str_free(&text);
	return (0);
}

/* no_tls_fix - drop the macro that lets passwords go in the clear, or
 * make the authenticator's advertise condition require TLS */
static void
no_tls_fix(const struct mg_model *m, struct mg_report *r,
    const struct mg_rule *a, struct mg_finding *f)
{
	const struct mg_srcfile *src = NULL;
	const struct mg_param *c = mg_rule_cond(a,
	    "server_advertise_condition");
	struct mg_str text = MG_STR_INIT;
	struct mg_fix *x;
	unsigned line;
	size_t before;

	x = mg_report_fix(r, "exim.auth.tls-only", "Offer password "
	    "authentication only after STARTTLS");
	before = x->nedits;
	if (c == NULL && (line = macro_line(m, NOTLS_MACRO, &src)) != 0) {
		/* Debian's template: the condition is there unless the macro
		 * is defined */
		if (x->nedits == 0) {
			mg_str_printf(&text, "# %s (off: passwords only over "
			    "TLS)", src->lines[line - 1]);
			(void)mg_fix_replace_line(x, src->path, line,
			    src->lines[line - 1], mg_str_cstr(&text));
			mg_check_exim_regenerate(m, x, src->path);
		}
	} else if (c != NULL) {
		if (edit_condition(m, x, c) == 0)
			mg_check_exim_regenerate(m, x, c->file);
	} else if (insert_condition(m, x, a) == 0)
		mg_check_exim_regenerate(m, x, mg_rule_cond(a,
		    "driver")->file);
	mg_str_free(&text);
	if (x->nedits > before && f->nfix_ids == 0)
		mg_finding_add_fix(f, x->id);
}

/* check_no_tls - PLAIN/LOGIN advertised without TLS */
static void
check_no_tls(const struct mg_model *m, struct mg_report *r)
{
	const struct mg_rule *a;
	const struct mg_param *drv;
	const struct mg_srcfile *mf = NULL;
	struct mg_finding *f = NULL;
	struct mg_str why = MG_STR_INIT;
	const char *mech;
	unsigned mline;
	size_t i;

	for (i = 0; i < m->nrules; i++) {
		a = &m->rules[i];
		if (!clear_password(a, &mech) ||
		    !offered_before_tls(m, a, mech, &why))
			continue;
		drv = mg_rule_cond(a, "driver");
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
			if (m->ehlo.client != NULL)
				mg_finding_evidence(f, NULL, 0, "%s",
				    mg_str_cstr(&why));
		}
		if (m->ehlo.client != NULL)
			mg_finding_evidence(f, a->file, a->line,
			    "authenticator %s (%s %s) is offered before "
			    "STARTTLS", a->verb, drv->value, mech);
		else
			mg_finding_evidence(f, a->file, a->line,
			    "authenticator %s (%s %s): %s", a->verb,
			    drv->value, mech, mg_str_cstr(&why));
		no_tls_fix(m, r, a, f);
	}
	mg_str_free(&why);
	if (f == NULL || f->nfix_ids == 0)
		mg_report_drop_fix(r, "exim.auth.tls-only");
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
			    "try root, admin and postmaster first; one "
			    "reported incident was a spam run through a SASL "
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
		    (!mg_exim_uses_condition(c->value, "saslauthd") &&
		    !mg_exim_uses_condition(c->value, "pam")))
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
