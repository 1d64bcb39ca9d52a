/*
 * check_exim_sender.c - authenticated users who can send as anyone.  An
 * ACL that accepts "authenticated = *" lets a login relay; unless a
 * statement before it compares $sender_address with $authenticated_id,
 * the login may put any address in MAIL FROM.
 */
#include <stdio.h>
#include <string.h>

#include "../../backends/exim/exim_list.h"
#include "../../core/mg_str.h"
#include "../checks.h"

#define ID "exim.sasl.sender-mismatch"
#define FIX_ID "exim.sasl.sender-login-deny"
#define OUTSIDER "198.51.100.9"	/* TEST-NET-2: a mail client anywhere */

/* The deny put before the accept: the login owns its address (login =
 * address) or its local part at the local domains; the null sender is
 * left alone, as Postfix's reject_authenticated_sender_login_mismatch
 * does. */
#define DENY_HEAD \
    "  deny\n" \
    "    message = $sender_address is not yours ($authenticated_id)\n" \
    "    authenticated = *\n"
#define OWN_ADDRESS \
    "    condition = ${if and{{def:sender_address}" \
    "{!eqi{$sender_address}{$authenticated_id}}}}"
#define OWN_LOCALPART \
    "    condition = ${if and{{def:sender_address}{!and{" \
    "{eqi{$sender_address_local_part}{$authenticated_id}}" \
    "{match_domain{$sender_address_domain}{+local_domains}}}}}}"

/* gates - condition c decides whether its statement applies: condition
 * and senders (negated or not).  Modifiers (message, log_message,
 * logwrite, add_header, control, set) and a ratelimit's key only name
 * things: a statement that logs the sender with the login checks nothing */
static int
gates(const struct mg_param *c)
{
	const char *n = c->name[0] == '!' ? c->name + 1 : c->name;

	return (strcmp(n, "condition") == 0 || strcmp(n, "senders") == 0);
}

/* mentions - the gating conditions of r compare the sender with
 * $authenticated_id (an ownership check someone wrote; which one is not
 * second-guessed; a ratelimit keyed on the login, even with the sender
 * in its key, is none) */
static int
mentions(const struct mg_rule *r)
{
	size_t i;
	int id = 0, sender = 0;

	for (i = 0; i < r->nconds; i++) {
		if (r->conds[i].value == NULL || !gates(&r->conds[i]))
			continue;
		id |= strstr(r->conds[i].value, "authenticated_id") != NULL;
		sender |= strstr(r->conds[i].value, "sender_address") != NULL;
		sender |= strncmp(r->conds[i].name, "senders", 7) == 0 ||
		    strncmp(r->conds[i].name, "!senders", 8) == 0;
	}
	return (id && sender);
}

/* refuses - r refuses what its conditions match (spec ch. 42: deny,
 * drop, defer, discard; require refuses what they do not); warn only
 * logs, accept lets it through */
static int
refuses(const struct mg_rule *r)
{
	static const char *const verbs[] = { "deny", "drop", "defer",
	    "discard", "require", NULL };
	size_t i;

	for (i = 0; verbs[i] != NULL; i++)
		if (strcmp(r->verb, verbs[i]) == 0)
			return (1);
	return (0);
}

/* login_cond - what makes r accept logins: "authenticated = *" (any
 * value but a negation accepts some login), or a condition spelt as
 * configurations found in the wild test for a login (white space
 * ignored); NULL if none */
static const struct mg_param *
login_cond(const struct mg_rule *r)
{
	static const char *const spelt[] = { "${ifdef:authenticated_id}",
	    "${ifdef:authenticated_id{yes}{no}}",
	    "${if!eq{$authenticated_id}{}}", "${if!eqi{$authenticated_id}{}}",
	    "${if!eq{$authenticated_id}{}{yes}{no}}", NULL };
	const struct mg_param *c;
	char buf[128];
	size_t i, k, n;

	if ((c = mg_rule_cond(r, "authenticated")) != NULL)
		return (c);
	for (i = 0; i < r->nconds; i++) {
		c = &r->conds[i];
		if (strcmp(c->name, "condition") != 0 || c->value == NULL)
			continue;
		for (k = n = 0; c->value[k] != '\0' && n + 1 < sizeof(buf);
		    k++)
			if (c->value[k] != ' ' && c->value[k] != '\t')
				buf[n++] = c->value[k];
		buf[n] = '\0';
		for (k = 0; spelt[k] != NULL; k++)
			if (strcmp(buf, spelt[k]) == 0)
				return (c);
	}
	return (NULL);
}

/* logins - an accept for any login */
static int
logins(const struct mg_rule *r)
{
	return (strcmp(r->verb, "accept") == 0 && login_cond(r) != NULL);
}

/* first_open - in ACL acl, the accept for logins that no earlier
 * statement guards; NULL if none or guarded.  An accept that lets only
 * a login's own address through (its condition compares them) is no
 * guard either: the other senders go on to the next statements. */
static const struct mg_rule *
first_open(const struct mg_model *m, const char *acl)
{
	const struct mg_rule *r;
	size_t i;

	for (i = 0; i < m->nrules; i++) {
		r = &m->rules[i];
		if (strcmp(r->group, acl) != 0)
			continue;
		if (mentions(r)) {
			if (refuses(r))
				return (NULL);
			continue;
		}
		if (logins(r))
			return (r);
	}
	return (NULL);
}

/* guarded - the MAIL ACL, which runs before the RCPT ACL, refuses a
 * sender the login does not own (a deny there refuses the transaction)
 * before an accept for logins ends it */
static int
guarded(const struct mg_model *m, const char *acl)
{
	const struct mg_rule *r;
	size_t i;

	for (i = 0; i < m->nrules; i++) {
		r = &m->rules[i];
		if (strcmp(r->group, acl) != 0)
			continue;
		if (mentions(r) && refuses(r))
			return (1);
		if (!mentions(r) && logins(r))
			return (0);
	}
	return (0);
}

/* has_auth - a server authenticator is configured: logins exist.  An
 * authenticator with no server_ option is a client one (Debian's stock
 * cram_md5 and plain, for a smarthost): nobody logs in with it. */
static int
has_auth(const struct mg_model *m)
{
	const struct mg_rule *r;
	size_t i, k;

	for (i = 0; i < m->nrules; i++) {
		r = &m->rules[i];
		if (strcmp(r->group, "authenticators") != 0)
			continue;
		for (k = 0; k < r->nconds; k++)
			if (strncmp(r->conds[k].name, "server_", 7) == 0)
				return (1);
	}
	return (0);
}

/* person - a known account that is not root or a role, else NULL */
static const char *
person(const struct mg_model *m, const char *not)
{
	size_t i;

	for (i = 0; i < m->nusers; i++)
		if (!mg_check_privileged_name(m->users[i].name) &&
		    (not == NULL || strcmp(m->users[i].name, not) != 0))
			return (m->users[i].name);
	return (NULL);
}

/* domain - the first local domain spelt out (not "@", "localhost", a
 * lookup or a pattern) into buf; 0 if none */
static int
domain(const struct mg_model *m, char *buf, size_t size)
{
	const struct mg_param *ld = mg_model_param(m, "+local_domains");
	struct mg_exim_list l;
	struct mg_str it = MG_STR_INIT;
	int found = 0;

	if (ld == NULL || ld->value == NULL)
		return (0);
	mg_exim_list_init(&l, ld->value);
	while (!found && mg_exim_list_next(&l, &it))
		if (it.data != NULL && strchr(it.data, '.') != NULL &&
		    strpbrk(it.data, "@$*;/ ") == NULL &&
		    strncmp(it.data, "localhost", 9) != 0)
			found = snprintf(buf, size, "%s", it.data) <
			    (int)size;
	mg_str_free(&it);
	return (found);
}

/* probes - exim -bh as a real login (-oMai): another user's address
 * refused, its own accepted, to postmaster at a local domain */
static void
probes(const struct mg_model *m, struct mg_finding *f, int address)
{
	const char *login = person(m, NULL), *other;
	char dom[256];
	struct mg_str own = MG_STR_INIT, forged = MG_STR_INIT;
	struct mg_str rcpt = MG_STR_INIT;

	if (login == NULL || !domain(m, dom, sizeof(dom)))
		return;
	other = person(m, login);
	if (address) {
		mg_str_puts(&own, login);
		if (other != NULL)
			mg_str_puts(&forged, other);
		else
			mg_str_printf(&forged, "postmaster@%s", dom);
	} else {
		mg_str_printf(&own, "%s@%s", login, dom);
		mg_str_printf(&forged, "%s@%s", other != NULL ? other :
		    "postmaster", dom);
	}
	mg_str_printf(&rcpt, "postmaster@%s", dom);
	mg_finding_probe_as(f, login, OUTSIDER, NULL, mg_str_cstr(&forged),
	    mg_str_cstr(&rcpt), 1);
	mg_finding_probe_as(f, login, OUTSIDER, NULL, mg_str_cstr(&own),
	    mg_str_cstr(&rcpt), 0);
	mg_str_free(&own);
	mg_str_free(&forged);
	mg_str_free(&rcpt);
}

/* shape - 1 logins are addresses, 0 plain names, -1 unknown or mixed */
static int
shape(const struct mg_model *m)
{
	size_t i, at = 0;

	if (m->nusers == 0)
		return (-1);
	for (i = 0; i < m->nusers; i++)
		at += strchr(m->users[i].name, '@') != NULL;
	return (at == m->nusers ? 1 : at == 0 ? 0 : -1);
}

/* mg_check_exim_sender - logins that may send as any address */
void
mg_check_exim_sender(const struct mg_model *m, struct mg_report *r)
{
	static const char *const acls[] = { "acl_smtp_mail", "acl_smtp_rcpt",
	    NULL };
	const struct mg_rule *open = NULL;
	const struct mg_srcfile *src;
	const char *acl, *name = NULL;
	struct mg_finding *f;
	struct mg_fix *x;
	struct mg_str text = MG_STR_INIT;
	size_t i;
	int sh;

	if (!has_auth(m))
		return;
	/* a refusal in either ACL before its accept for logins guards */
	for (i = 0; acls[i] != NULL; i++)
		if ((acl = mg_model_value(m, acls[i])) != NULL &&
		    *acl != '\0' && guarded(m, acl))
			return;
	for (i = 0; acls[i] != NULL && open == NULL; i++)
		if ((acl = mg_model_value(m, acls[i])) != NULL &&
		    *acl != '\0' && (open = first_open(m, acl)) != NULL)
			name = acl;
	if (open == NULL)
		return;
	f = mg_report_finding(r, ID, MG_SEV_HIGH, "sasl", "Authenticated "
	    "users can send as anyone: no check that a login owns its MAIL "
	    "FROM address");
	mg_finding_explain(f, "An ACL accepts every authenticated client, "
	    "and no statement before it compares the envelope sender with "
	    "$authenticated_id: a spammer with one stolen password sends as "
	    "the CEO, the bank's help desk or any of your users, and the mail "
	    "passes SPF and DKIM because your server signs it. The fix puts "
	    "a deny before that accept for a login whose MAIL FROM is not "
	    "its own.");
	mg_finding_evidence(f, open->file, open->line, "%s: \"accept "
	    "%s = %s\" with no check of $sender_address against "
	    "$authenticated_id before it", name, login_cond(open)->name,
	    login_cond(open)->value);
	sh = shape(m);
	if (sh < 0) {
		mg_finding_evidence(f, NULL, 0, "no automatic fix: %s. By "
		    "hand: before that accept, deny authenticated = * when "
		    "$sender_address is not one the login owns (a lookup of "
		    "the address's owner in your mailbox or alias file)",
		    m->nusers == 0 ? "the accounts are not known here "
		    "(Dovecot, saslauthd, PAM or SQL): which login owns which "
		    "address cannot be guessed" : "the logins are neither all "
		    "addresses nor all plain names");
		return;
	}
	mg_finding_evidence(f, NULL, 0, "the accounts (%s) are %s",
	    m->users[0].source != NULL ? m->users[0].source : "known",
	    sh == 1 ? "addresses: each login owns the address it is" :
	    "plain names: login NAME owns NAME@ each local domain");
	probes(m, f, sh == 1);
	src = open->file != NULL ? mg_model_file(m, open->file) : NULL;
	if (src == NULL || open->line == 0 || open->line > src->nlines)
		return;
	mg_str_printf(&text, "%s%s\n%s", DENY_HEAD, sh == 1 ? OWN_ADDRESS :
	    OWN_LOCALPART, src->lines[open->line - 1]);
	x = mg_report_fix(r, FIX_ID, "Refuse MAIL FROM addresses a login "
	    "does not own (deny before the accept for logins)");
	x->named_only = "it refuses every sender address its condition does "
	    "not give to the login";
	mg_finding_evidence(f, open->file, open->line, "the fix refuses a "
	    "logged-in client every MAIL FROM %s: aliases and outside "
	    "addresses a user sends as today are refused until the "
	    "condition allows them; fix --all leaves it out, name it to "
	    "apply it", sh == 1 ? "other than its login" : "other than its "
	    "login's local part at your local domains");
	(void)mg_fix_replace_line(x, open->file, open->line,
	    src->lines[open->line - 1], mg_str_cstr(&text));
	mg_str_free(&text);
	mg_check_exim_regenerate(m, x, open->file);
	mg_finding_add_fix(f, x->id);
}
