/*
 * check_exim_ratelimit.c - no limit on what one account sends.  Exim
 * counts nothing by itself; its ACL condition ratelimit (spec ch. 44,
 * "Rate limiting incoming messages") keyed on $authenticated_id limits
 * each login, wherever it connects from.  With SMTP AUTH offered and no
 * such condition in the MAIL, RCPT or DATA ACL, a stolen login sends at
 * line rate.  The fix puts a defer with that condition in the RCPT ACL
 * before its accept of authenticated senders, sized from the main log:
 * a defer (4xx), as the spec's rate-limit examples use for clients that
 * should slow down, so a legitimate user's client keeps the message and
 * retries later; deny (5xx) is for abuse, and the postmaster may choose
 * it once a login is known to be stolen.
 */
#include <stdio.h>
#include <string.h>

#include "../../core/mg_maillog.h"
#include "../../core/mg_str.h"
#include "../checks.h"

#define FIND_ID "exim.sasl.no-rate-limit"
#define FIX_ID "exim.sasl.rate-limit"

/* Recipients per login per hour: the least the limit is set to. */
#define RCPT_FLOOR 100UL
/* One login with this many recipients in an hour was a flood. */
#define RCPT_FLOOD 1000UL

/* server_side - an authenticator this server offers (not a client one) */
static int
server_side(const struct mg_rule *r)
{
	return (strcmp(r->group, "authenticators") == 0 &&
	    (mg_rule_cond(r, "server_condition") != NULL ||
	    mg_rule_cond(r, "server_socket") != NULL));
}

/* keyed_on_login - a ratelimit condition whose key names the login */
static int
keyed_on_login(const struct mg_rule *r)
{
	size_t i;

	for (i = 0; i < r->nconds; i++)
		if (strcmp(r->conds[i].name, "ratelimit") == 0 &&
		    r->conds[i].value != NULL &&
		    strstr(r->conds[i].value, "authenticated_id") != NULL)
			return (1);
	return (0);
}

/* refuses - r refuses, at once or for now, what its conditions match:
 * a ratelimit under warn only logs the rate (the spec's own example
 * measures with "warn ratelimit = 0 / ..."), under accept it lets the
 * fast sender through */
static int
refuses(const struct mg_rule *r)
{
	return (strcmp(r->verb, "deny") == 0 || strcmp(r->verb, "defer") == 0 ||
	    strcmp(r->verb, "drop") == 0 || strcmp(r->verb, "discard") == 0);
}

/* ends_for_logins - an accept that every login passes: no condition
 * but "authenticated" (an accept with other conditions lets only some
 * through; the rest go on).  The statements after it in its ACL never
 * run for a login. */
static int
ends_for_logins(const struct mg_rule *r)
{
	size_t i;

	if (strcmp(r->verb, "accept") != 0)
		return (0);
	for (i = 0; i < r->nconds; i++)
		if (strcmp(r->conds[i].name, "authenticated") != 0 &&
		    strcmp(r->conds[i].name, "control") != 0 &&
		    strcmp(r->conds[i].name, "set") != 0 &&
		    strcmp(r->conds[i].name, "add_header") != 0 &&
		    strcmp(r->conds[i].name, "log_message") != 0 &&
		    strcmp(r->conds[i].name, "logwrite") != 0 &&
		    strcmp(r->conds[i].name, "message") != 0)
			return (0);
	return (1);
}

/* limited - a rule of the MAIL, RCPT or DATA ACL limits each login: a
 * refusing verb with a ratelimit keyed on the login, before an accept
 * that ends its ACL for logins (Debian's CHECK_RCPT_LOCAL_ACL_FILE is
 * read after acl_check_rcpt's "accept authenticated = *": a limit put
 * there never counts a login).  *after gets such a limit that comes
 * too late or only warns, if any. */
static int
limited(const struct mg_model *m, const struct mg_rule **after)
{
	static const char *const acls[] = { "acl_smtp_mail", "acl_smtp_rcpt",
	    "acl_smtp_data", NULL };
	const struct mg_rule *r;
	const char *name;
	size_t i, k;
	int ended;

	*after = NULL;
	for (k = 0; acls[k] != NULL; k++) {
		if ((name = mg_model_value(m, acls[k])) == NULL)
			continue;
		ended = 0;
		for (i = 0; i < m->nrules; i++) {
			r = &m->rules[i];
			if (strcmp(r->group, name) != 0)
				continue;
			if (keyed_on_login(r)) {
				if (!ended && refuses(r))
					return (1);
				if (*after == NULL)
					*after = r;
			}
			if (ends_for_logins(r))
				ended = 1;
		}
	}
	return (0);
}

/* place - the RCPT ACL's accept of authenticated senders, else its
 * first accept: the defer goes before it; NULL if none */
static const struct mg_rule *
place(const struct mg_model *m, const char *acl)
{
	const struct mg_rule *first = NULL, *r;
	size_t i;

	for (i = 0; i < m->nrules; i++) {
		r = &m->rules[i];
		if (strcmp(r->group, acl) != 0 ||
		    strcmp(r->verb, "accept") != 0)
			continue;
		if (mg_rule_cond(r, "authenticated") != NULL)
			return (r);
		if (first == NULL)
			first = r;
	}
	return (first);
}

/* sized - the limit per hour: twice the log's busiest login, at least
 * the floor; evidence says which */
static unsigned long
sized(const struct mg_model *m, struct mg_finding *f)
{
	const struct mg_logpeak *p;
	unsigned long n = RCPT_FLOOR;

	if (m->log == NULL || m->log->per_hour.rcpts.n == 0) {
		mg_finding_evidence(f, m->log != NULL ? m->log->path : NULL, 0,
		    "%s: the fix sets the floor, %lu recipients per login per "
		    "hour (raise it if a user of yours sends more)",
		    m->log == NULL ? "no main log was read" : "the main log "
		    "shows no message from a logged-in sender", RCPT_FLOOR);
		return (n);
	}
	p = &m->log->per_hour.rcpts;
	if (p->n * 2 > n)
		n = p->n * 2;
	mg_finding_evidence(f, m->log->path, m->log->truncated ? 0 :
	    (unsigned)p->line, "the main log's busiest "
	    "login per hour: %s sent to %lu recipient%s in the hour of %s "
	    "(\"<=\" lines with A=, line %lu of the %s read); the fix allows "
	    "%lu per hour: twice that, at least %lu", p->who, p->n, p->n == 1 ?
	    "" : "s", p->when, p->line, m->log->truncated ? "end of the file" :
	    "lines", n, RCPT_FLOOR);
	return (n);
}

/* mg_check_exim_ratelimit - AUTH offered, no ratelimit per login */
void
mg_check_exim_ratelimit(const struct mg_model *m, struct mg_report *r)
{
	const char *acl = mg_model_value(m, "acl_smtp_rcpt");
	const struct mg_rule *auth = NULL, *at, *late;
	const struct mg_srcfile *src;
	struct mg_finding *f;
	struct mg_fix *x;
	struct mg_str text = MG_STR_INIT;
	unsigned long n;
	size_t i;

	for (i = 0; i < m->nrules && auth == NULL; i++)
		if (server_side(&m->rules[i]))
			auth = &m->rules[i];
	if (auth == NULL || limited(m, &late))
		return;
	f = mg_report_finding(r, FIND_ID, m->log != NULL &&
	    m->log->per_hour.rcpts.n >= RCPT_FLOOD ? MG_SEV_HIGH :
	    MG_SEV_MEDIUM, "sasl", "No rate limit for logged-in senders: one "
	    "stolen login can send without limit");
	mg_finding_explain(f, "Exim limits nothing by itself: without a "
	    "ratelimit condition keyed on $authenticated_id in the MAIL, RCPT "
	    "or DATA ACL, a stolen password sends as fast as the line allows, "
	    "from any number of addresses, until the host lands on the block "
	    "lists.  The fix adds, in the RCPT ACL before the accept of "
	    "authenticated senders, a defer with \"ratelimit = N / 1h / "
	    "per_rcpt / $authenticated_id\": each login may send to N "
	    "recipients an hour (a smoothed rate kept in the spool's "
	    "db/ratelimit), and the recipient past that is deferred with a "
	    "temporary 451, so a legitimate user's mail program keeps the "
	    "message and retries later instead of bouncing it; a stolen login "
	    "is stopped just the same.  Once a login is known to be abused, "
	    "change defer to deny (550) or disable the account.  "
	    "exim -bV validates the staged configuration; no single-RCPT "
	    "probe can see a rate, so the proof is an exim -bh session with "
	    "more recipients than the limit.");
	mg_finding_evidence(f, auth->file, auth->line, "authenticator %s "
	    "offers AUTH to clients", auth->verb);
	mg_finding_evidence(f, NULL, 0, "no ratelimit condition keyed on "
	    "$authenticated_id in acl_smtp_mail, acl_smtp_rcpt (%s) or "
	    "acl_smtp_data", acl != NULL ? acl : "not set");
	if (late != NULL)
		mg_finding_evidence(f, late->file, late->line, "%s: this "
		    "ratelimit on the login %s", late->group,
		    strcmp(late->verb, "warn") == 0 ? "is under warn: it "
		    "only logs the rate" : !refuses(late) ? "refuses nothing "
		    "(its verb is not deny, defer, drop or discard)" : "comes "
		    "after an accept every login passes: it never runs for a "
		    "login");
	n = sized(m, f);
	if (m->log != NULL && m->log->per_hour.rcpts.n >= RCPT_FLOOD)
		mg_finding_evidence(f, m->log->path, 0, "the log shows a "
		    "flood: one login sent to %lu recipients in an hour",
		    m->log->per_hour.rcpts.n);
	if (acl == NULL || (at = place(m, acl)) == NULL || at->file == NULL ||
	    at->line == 0 || (src = mg_model_file(m, at->file)) == NULL ||
	    at->line > src->nlines) {
		mg_finding_evidence(f, NULL, 0, "no accept in the RCPT ACL to "
		    "put the limit before: add \"defer authenticated = * "
		    "ratelimit = %lu / 1h / per_rcpt / $authenticated_id\" "
		    "where logged-in senders are accepted", n);
		return;
	}
	mg_finding_evidence(f, at->file, at->line, "%s: the limit goes "
	    "before this accept", acl);
	mg_str_printf(&text, "  defer   message = rate limit: "
	    "$authenticated_id sends to more than %lu recipients an hour\n"
	    "          authenticated = *\n"
	    "          ratelimit = %lu / 1h / per_rcpt / $authenticated_id\n"
	    "%s", n, n, src->lines[at->line - 1]);
	x = mg_report_fix(r, FIX_ID, "Limit recipients per login and hour "
	    "(ratelimit on $authenticated_id)");
	(void)mg_fix_replace_line(x, at->file, at->line,
	    src->lines[at->line - 1], mg_str_cstr(&text));
	mg_str_free(&text);
	mg_check_exim_regenerate(m, x, at->file);
	mg_finding_add_fix(f, FIX_ID);
}
