/*
 * check_exim_auth.c - SMTP AUTH on Exim: plaintext mechanisms (PLAIN,
 * LOGIN) offered before TLS send passwords in the clear; a system account
 * such as root in the password file is the account a bot guesses first
 * (incident 3, on Exim); authentication through saslauthd or PAM
 * means every system account with a password can send mail; AUTH offered
 * on port 25, where other servers deliver and bots guess passwords.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../backends/exim/exim_expand.h"
#include "../../backends/exim/exim_list.h"
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

#define PORT25_FIX "exim.auth.submission-only"
#define PORT25_VALUE "${if eq{$received_port}{25}{}{%s}}"

/* port_of - a daemon_smtp_ports item: a number or a service name Exim's
 * default uses; 0 if neither */
static unsigned
port_of(const char *item)
{
	unsigned long v;
	char *end;

	if (strcmp(item, "smtp") == 0)
		return (25);
	if (strcmp(item, "submission") == 0)
		return (587);
	if (strcmp(item, "smtps") == 0 || strcmp(item, "submissions") == 0)
		return (465);
	v = strtoul(item, &end, 10);
	return (end != item && *end == '\0' && v > 0 && v < 65536 ?
	    (unsigned)v : 0);
}

/* port_in - is port in an Exim port list? */
static int
port_in(const char *list, unsigned port)
{
	struct mg_exim_list l;
	struct mg_str it = MG_STR_INIT;
	int found = 0;

	mg_exim_list_init(&l, list);
	while (!found && mg_exim_list_next(&l, &it))
		found = it.data != NULL && port_of(it.data) == port;
	mg_str_free(&it);
	return (found);
}

/*
 * auth_on_25 - does a client on the Internet connected to port 25 see
 * AUTH, before STARTTLS (!tls) or after it (tls)?  auth_advertise_hosts
 * (default *) and each server authenticator's server_advertise_condition
 * evaluated as Exim would with $received_port 25 and, after STARTTLS,
 * the TLS variables set (exim_expand.c).  A host list other than * (after
 * expansion) is taken as not the Internet; a condition that depends on
 * something else may hold: offered.  why says how we know.
 */
static int
auth_on_25(const struct mg_model *m, int tls, struct mg_str *why)
{
	const char *hosts = mg_model_value(m, "auth_advertise_hosts");
	const char *when = tls ? "after STARTTLS" : "before STARTTLS";
	const struct mg_param *c;
	const struct mg_rule *a;
	struct mg_str v = MG_STR_INIT;
	char *val;
	size_t i;
	int offered = 0, known;

	mg_str_reset(why);
	val = mg_exim_option_value(hosts != NULL && *hosts != '\0' ? hosts :
	    "*");
	known = mg_exim_eval_as(val, tls, 25, &v);
	free(val);
	if (known && strcmp(mg_str_cstr(&v), "*") != 0) {
		mg_str_printf(why, "auth_advertise_hosts = %s: %s on port 25 "
		    "%s", hosts, mg_str_cstr(&v)[0] == '\0' ? "no host" :
		    "not every host", when);
		mg_str_free(&v);
		return (0);
	}
	for (i = 0; i < m->nrules && !offered; i++) {
		a = &m->rules[i];
		if (!server_side(a))
			continue;
		c = mg_rule_cond(a, "server_advertise_condition");
		if (c == NULL) {
			mg_str_printf(why, "authenticator %s has no "
			    "server_advertise_condition: offered on port 25 "
			    "%s", a->verb, when);
			offered = 1;
			continue;
		}
		val = mg_exim_option_value(c->value);
		if (!mg_exim_eval_as(val, tls, 25, &v)) {
			mg_str_printf(why, "authenticator %s: "
			    "server_advertise_condition = %s may hold on port "
			    "25 %s", a->verb, c->value, when);
			offered = 1;
		} else if (mg_exim_truth(mg_str_cstr(&v))) {
			mg_str_printf(why, "authenticator %s: "
			    "server_advertise_condition = %s holds on port 25 "
			    "%s", a->verb, c->value, when);
			offered = 1;
		}
		free(val);
	}
	if (!offered)
		mg_str_printf(why, "no authenticator's "
		    "server_advertise_condition holds on port 25 %s", when);
	mg_str_free(&v);
	return (offered);
}

/* starttls_on_25 - is STARTTLS offered on port 25?  Exim's answer when
 * the backend asked port 25, else tls_advertise_hosts (default *) */
static int
starttls_on_25(const struct mg_model *m)
{
	const char *adv = mg_model_value(m, "tls_advertise_hosts");
	struct mg_str v = MG_STR_INIT;
	char *val;
	int on;

	if (m->ehlo.auth25 != NULL)
		return (m->ehlo.starttls25);
	val = mg_exim_option_value(adv != NULL ? adv : "*");
	on = !mg_exim_eval_as(val, 0, 25, &v) || mg_str_cstr(&v)[0] != '\0';
	free(val);
	mg_str_free(&v);
	return (on);
}

/* continued - a configuration line continued on the next (backslash) */
static int
continued(const char *l)
{
	size_t n = strlen(l);

	while (n > 0 && (l[n - 1] == ' ' || l[n - 1] == '\t'))
		n--;
	return (n > 0 && l[n - 1] == '\\');
}

/*
 * port25_fix - auth_advertise_hosts = ${if eq{$received_port}{25}{}{*}}:
 * no host sees AUTH on port 25, every port else as before.  An
 * auth_advertise_hosts written in the configuration is wrapped
 * (${if eq{$received_port}{25}{}{OLD}}) on its own line; else the option
 * is added after the daemon_smtp_ports line (in the same file and
 * .ifdef, as the ports that make the fix safe).  0 when placed.
 */
static int
port25_fix(const struct mg_model *m, struct mg_report *r,
    struct mg_finding *f)
{
	const struct mg_param *h = mg_model_param(m, "auth_advertise_hosts");
	const struct mg_param *d = mg_model_param(m, "daemon_smtp_ports");
	const struct mg_srcfile *src;
	struct mg_str text = MG_STR_INIT;
	struct mg_fix *x;
	const char *l, *eq, *v;
	size_t n;

	if (h != NULL && h->file != NULL && h->line != 0) {
		if ((src = mg_model_file(m, h->file)) == NULL ||
		    h->line > src->nlines)
			return (-1);
		l = src->lines[h->line - 1];
		if (strstr(l, "auth_advertise_hosts") == NULL ||
		    (eq = strchr(l, '=')) == NULL || continued(l))
			return (-1);
		v = eq + 1 + strspn(eq + 1, " \t");
		n = strlen(v);
		while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
			n--;
		if (n == 0 || *v == '"' || strchr(v, '#') != NULL)
			return (-1);
		mg_str_append(&text, l, (size_t)(v - l));
		mg_str_printf(&text, "${if eq{$received_port}{25}{}{%.*s}}",
		    (int)n, v);
		x = mg_report_fix(r, PORT25_FIX, "Offer AUTH only on the "
		    "submission ports, not on port 25");
		(void)mg_fix_replace_line(x, h->file, h->line, l,
		    mg_str_cstr(&text));
		mg_check_exim_regenerate(m, x, h->file);
	} else {
		if (d == NULL || d->file == NULL || d->line == 0 ||
		    (src = mg_model_file(m, d->file)) == NULL ||
		    d->line > src->nlines)
			return (-1);
		l = src->lines[d->line - 1];
		if (strstr(l, "daemon_smtp_ports") == NULL || continued(l))
			return (-1);
		mg_str_printf(&text, "%s\n%.*sauth_advertise_hosts = "
		    PORT25_VALUE, l, (int)strspn(l, " \t"), l, "*");
		x = mg_report_fix(r, PORT25_FIX, "Offer AUTH only on the "
		    "submission ports, not on port 25");
		(void)mg_fix_replace_line(x, d->file, d->line, l,
		    mg_str_cstr(&text));
		mg_check_exim_regenerate(m, x, d->file);
	}
	mg_str_free(&text);
	mg_finding_add_fix(f, PORT25_FIX);
	return (0);
}

/* check_port25 - AUTH on the port other mail servers deliver to */
static void
check_port25(const struct mg_model *m, struct mg_report *r)
{
	const struct mg_param *d = mg_model_param(m, "daemon_smtp_ports");
	const char *ports = d != NULL && d->value != NULL && *d->value !=
	    '\0' ? d->value : "smtp";
	const char *tlsc = mg_model_value(m, "tls_on_connect_ports");
	struct mg_str before = MG_STR_INIT, after = MG_STR_INIT;
	struct mg_finding *f;
	int pre, post, tls, sub, lo;

	if (!port_in(ports, 25) || (tlsc != NULL && port_in(tlsc, 25)))
		return;
	if (m->ehlo.auth25 != NULL) {
		pre = m->ehlo.auth25[0] != '\0';
		mg_str_printf(&before, "exim -bh %s (port 25): EHLO offers "
		    "%s%s before STARTTLS", m->ehlo.client != NULL ?
		    m->ehlo.client : "", pre ? "AUTH " : "no AUTH",
		    m->ehlo.auth25);
	} else
		pre = auth_on_25(m, 0, &before);
	tls = starttls_on_25(m);
	post = tls && auth_on_25(m, 1, &after);
	if (!pre && !post)
		goto out;
	sub = port_in(ports, 587) || port_in(ports, 465);
	lo = mg_check_exim_loopback_only(m) != NULL;
	f = mg_report_finding(r, "exim.auth.port25", lo || !sub ?
	    MG_SEV_LOW : MG_SEV_MEDIUM, "sasl", "SMTP AUTH is offered on "
	    "port 25");
	mg_finding_explain(f, "Port 25 is where other mail servers deliver "
	    "to you, and they never authenticate. AUTH offered there lets "
	    "every bot that scans port 25 guess passwords, mixed into your "
	    "inbound traffic - how a guessable account such as root gets "
	    "found. Mail clients submit on 587 (submission) or 465 "
	    "(submissions). exim -bh cannot do STARTTLS, so AUTH offered "
	    "only after STARTTLS is judged from the configuration "
	    "(auth_advertise_hosts and server_advertise_condition with TLS "
	    "up on port 25). The fix sets auth_advertise_hosts = ${if "
	    "eq{$received_port}{25}{}{*}}; the fix engine validates it "
	    "with exim -bV, and exim -bh -oMi ADDR.25 then shows EHLO "
	    "without AUTH on 25 and with AUTH on 587. Clients still set up "
	    "for port 25 must move to 587 or 465.");
	mg_finding_evidence(f, d != NULL ? d->file : NULL, d != NULL ?
	    d->line : 0, "daemon_smtp_ports = %s: Exim listens on port 25",
	    ports);
	if (pre || m->ehlo.auth25 != NULL)
		mg_finding_evidence(f, NULL, 0, "%s", mg_str_cstr(&before));
	if (post)
		mg_finding_evidence(f, NULL, 0, "%s", mg_str_cstr(&after));
	if (lo)
		mg_finding_evidence(f, NULL, 0, "local_interfaces = %s: Exim "
		    "listens on loopback only now, so remote bots cannot "
		    "reach port 25 yet", mg_model_value(m, "local_interfaces"));
	if (!sub) {
		mg_finding_evidence(f, NULL, 0, "daemon_smtp_ports has no "
		    "submission port (587) or submissions port (465): mail "
		    "clients can only authenticate on port 25. Add 587 "
		    "first (daemon_smtp_ports = 25 : 587); no fix is proposed "
		    "until then, as it would lock every client out");
	} else if (port25_fix(m, r, f) < 0)
		mg_finding_evidence(f, NULL, 0, "no fix as data (no plain "
		    "daemon_smtp_ports or auth_advertise_hosts line to "
		    "place it at): set auth_advertise_hosts = ${if "
		    "eq{$received_port}{25}{}{*}} in the main section");
out:
	mg_str_free(&before);
	mg_str_free(&after);
}

/* mg_check_exim_auth - authenticators */
void
mg_check_exim_auth(const struct mg_model *m, struct mg_report *r)
{
	check_no_tls(m, r);
	check_system_accounts(m, r);
	check_system_backed(m, r);
	check_port25(m, r);
}
