/*
 * check_pf_ratelimit.c - no limit on what one account sends.  Postfix's
 * anvil(8) counts per client address, not per SASL login (postconf(5):
 * smtpd_client_message_rate_limit, smtpd_client_recipient_rate_limit,
 * per anvil_rate_time_unit; 0, the default, is no limit).  With neither
 * set and no policy service asked, a stolen login sends at line rate.
 * The fix sets both client limits on the service that offers AUTH,
 * sized from the mail log's busiest client; per-login limits need a
 * policy daemon, and the finding names them.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../../backends/postfix/pf_list.h"
#include "../../core/mg_maillog.h"
#include "../../core/mg_str.h"
#include "../checks.h"

#define FIND_ID "postfix.sasl.no-rate-limit"
#define FIX_ID "postfix.sasl.rate-limit"
#define MSG_LIMIT "smtpd_client_message_rate_limit"
#define RCPT_LIMIT "smtpd_client_recipient_rate_limit"

/* The least a limit is set to, per minute: a person, or a web mail
 * front end behind one address, stays far below it. */
#define MSG_FLOOR 30UL
#define RCPT_FLOOR 100UL
/* A client that handed over this many in one minute was a flood. */
#define MSG_FLOOD 60UL
#define RCPT_FLOOD 300UL

/* The restriction lists a check_policy_service can stand in. */
static const char *const lists[] = { "smtpd_client_restrictions",
	"smtpd_helo_restrictions", "smtpd_sender_restrictions",
	"smtpd_relay_restrictions", "smtpd_recipient_restrictions",
	"smtpd_data_restrictions", "smtpd_end_of_data_restrictions", NULL };

/* The limits a fix proposes, and what they were sized from. */
struct sizing {
	unsigned long unit;	/* anvil_rate_time_unit, seconds */
	unsigned long msgs, rcpts;
	const struct mg_lograte *rate;	/* NULL: no log read */
	unsigned long scale;	/* per-minute peaks times this */
};

/* yes - a Postfix boolean that is on */
static int
yes(const char *v)
{
	return (v != NULL && strcasecmp(v, "yes") == 0);
}

/* limit_on - a rate limit value that limits (0 or empty: none) */
static int
limit_on(const char *v)
{
	if (v == NULL)
		return (0);
	v += strspn(v, " \t");
	return (*v != '\0' && strspn(v, "0") != strlen(v));
}

/* mundane - a policy service known to limit nothing: postgrey
 * (greylisting; inet:127.0.0.1:10023 by default) or policyd-spf (SPF) */
static int
mundane(const char *arg, size_t len)
{
	static const char *const names[] = { "postgrey", "policyd-spf",
	    "policyd_spf", "spfpolicy", "spf-policy", ":10023", NULL };
	size_t i;

	for (i = 0; names[i] != NULL; i++)
		if (mg_maillog_find(arg, len, names[i]) != NULL)
			return (1);
	return (0);
}

/* is - the list element elem (len bytes) is name */
static int
is(const char *elem, size_t len, const char *name)
{
	return (strlen(name) == len && strncasecmp(elem, name, len) == 0);
}

/*
 * policy_list - the first restriction list of s that asks a policy
 * service a login reaches: before a permit that ends the list for it
 * (permit_sasl_authenticated, permit: a check_policy_service after it
 * never sees a login), and not one known to limit nothing (mundane);
 * else NULL.  *skipped gets the first policy service left out, if any.
 */
static const char *
policy_list(const struct mg_model *m, const struct mg_service *s,
    char *skipped, size_t ssize)
{
	const char *v, *cur, *elem;
	size_t i, len;
	int ended;

	if (skipped != NULL && ssize > 0)
		*skipped = '\0';
	for (i = 0; lists[i] != NULL; i++) {
		if ((v = mg_service_value(m, s, lists[i], NULL)) == NULL)
			continue;
		ended = 0;
		for (cur = v; mg_pf_list_next(&cur, &elem, &len);) {
			if (is(elem, len, "permit_sasl_authenticated") ||
			    is(elem, len, "permit"))
				ended = 1;
			if (!is(elem, len, "check_policy_service"))
				continue;
			if (!mg_pf_list_next(&cur, &elem, &len))
				break;
			if (!ended && !mundane(elem, len))
				return (lists[i]);
			if (skipped != NULL && ssize > 0 && *skipped == '\0')
				(void)snprintf(skipped, ssize, "%s: "
				    "check_policy_service %.*s", lists[i],
				    (int)len, elem);
		}
	}
	return (NULL);
}

/* time_unit - a Postfix time value ("60s", "1m", "3600") as seconds;
 * 60 (the default) if it is not one */
static unsigned long
time_unit(const char *v)
{
	unsigned long n = 0, mul = 1;
	const char *p = v;

	if (v == NULL || *v < '0' || *v > '9')
		return (60);
	for (; *p >= '0' && *p <= '9' && n < 10000000; p++)
		n = n * 10 + (unsigned long)(*p - '0');
	switch (*p) {
	case '\0':
	case 's':
		break;
	case 'm':
		mul = 60;
		break;
	case 'h':
		mul = 3600;
		break;
	case 'd':
		mul = 86400;
		break;
	case 'w':
		mul = 604800;
		break;
	default:
		return (60);
	}
	if (n == 0 || (*p != '\0' && p[1] != '\0'))
		return (60);
	return (n * mul);
}

/* size_limits - the limits per anvil unit: twice the log's peak for one
 * client, never below the floor.  An hour's unit uses the log's hourly
 * peak; another the per-minute peak scaled to the unit (rounded up). */
static void
size_limits(const struct mg_model *m, struct sizing *z)
{
	const struct mg_lograte *r;

	memset(z, 0, sizeof(*z));
	z->unit = time_unit(mg_model_value(m, "anvil_rate_time_unit"));
	z->scale = 1;
	if (z->unit == 3600 && m->log != NULL)
		r = &m->log->per_hour;
	else {
		r = m->log != NULL ? &m->log->per_minute : NULL;
		z->scale = (z->unit + 59) / 60;
	}
	z->rate = r;
	z->msgs = MSG_FLOOR * ((z->unit + 59) / 60);
	z->rcpts = RCPT_FLOOR * ((z->unit + 59) / 60);
	if (r == NULL)
		return;
	if (r->msgs.n * 2 * z->scale > z->msgs)
		z->msgs = r->msgs.n * 2 * z->scale;
	if (r->rcpts.n * 2 * z->scale > z->rcpts)
		z->rcpts = r->rcpts.n * 2 * z->scale;
}

/* flood - the log shows one client over the flood mark in a minute */
static int
flood(const struct mg_model *m)
{
	return (m->log != NULL && (m->log->per_minute.msgs.n >= MSG_FLOOD ||
	    m->log->per_minute.rcpts.n >= RCPT_FLOOD));
}

/* sizing_evidence - what the limits were sized from */
static void
sizing_evidence(const struct mg_model *m, struct mg_finding *f,
    const struct sizing *z)
{
	const struct mg_lograte *r = z->rate;
	char scaled[96] = "";
	const char *u;

	if (r == NULL || r->events == 0) {
		mg_finding_evidence(f, m->log != NULL ? m->log->path : NULL, 0,
		    "%s: the fix sets the floor, %s = %lu and %s = %lu per "
		    "%lus (raise them if your busiest client needs more)",
		    m->log == NULL ? "no mail log was read" : "the mail log "
		    "shows no message with a time stamp", MSG_LIMIT, z->msgs,
		    RCPT_LIMIT, z->rcpts, z->unit);
		return;
	}
	if (z->scale > 1)
		(void)snprintf(scaled, sizeof(scaled), ", per-minute peaks "
		    "scaled by %lu to anvil_rate_time_unit = %lus", z->scale,
		    z->unit);
	u = r->unit == 3600 ? "hour" : "minute";
	/* only the tail of a big log is read: its line numbers are not
	 * the file's */
	mg_finding_evidence(f, m->log->path, m->log->truncated ? 0 :
	    (unsigned)r->msgs.line, "the mail log's "
	    "busiest client per %s: %s handed over %lu message%s in the %s "
	    "of %s (line %lu of the %s read)", u, r->msgs.who, r->msgs.n,
	    r->msgs.n == 1 ? "" : "s", u, r->msgs.when, r->msgs.line,
	    m->log->truncated ? "end of the file" : "lines");
	if (r->rcpts.n > 0)
		mg_finding_evidence(f, m->log->path, m->log->truncated ? 0 :
		    (unsigned)r->rcpts.line, "the most "
		    "recipients from one client in a %s: %s, %lu (qmgr nrcpt= "
		    "in the %s of %s, line %lu)", u, r->rcpts.who, r->rcpts.n,
		    u, r->rcpts.when, r->rcpts.line);
	mg_finding_evidence(f, m->log->path, 0, "the fix sets %s = %lu and "
	    "%s = %lu per %lus: twice those peaks, at least %lu and %lu per "
	    "minute%s", MSG_LIMIT, z->msgs, RCPT_LIMIT, z->rcpts, z->unit,
	    MSG_FLOOR, RCPT_FLOOR, scaled);
}

/* kept_clear - a continuation line other fixes edit: the one holding
 * an override the AUTH and TLS checks change, or one of ours */
static int
kept_clear(const char *line)
{
	static const char *const busy[] = { "smtpd_sasl_auth_enable",
	    "smtpd_tls_", MSG_LIMIT, RCPT_LIMIT, NULL };
	size_t i;

	for (i = 0; busy[i] != NULL; i++)
		if (strstr(line, busy[i]) != NULL)
			return (0);
	return (1);
}

/* insert_line - the line of s's master.cf entry after which new -o lines
 * go: its last continuation line that no other fix edits, else its last
 * but one of our own limits (edited in place), else its first
 * (master.cf(5): a line that starts with white space continues the
 * entry; comment lines do not end it); 0 if not known */
static unsigned
insert_line(const struct mg_model *m, const struct mg_service *s)
{
	const struct mg_srcfile *f;
	const char *line;
	unsigned last = 0, clear = 0;
	size_t i;

	if (s->file == NULL || s->line == 0 ||
	    (f = mg_model_file(m, s->file)) == NULL || s->line > f->nlines)
		return (0);
	for (i = s->line; i < f->nlines; i++) {
		line = f->lines[i];
		if (*line == '#' || *line == '\0')
			continue;
		if (*line != ' ' && *line != '\t')
			break;
		if (line[strspn(line, " \t")] == '#' ||
		    line[strspn(line, " \t")] == '\0')
			continue;
		if (strstr(line, MSG_LIMIT) != NULL ||
		    strstr(line, RCPT_LIMIT) != NULL)
			continue;	/* ours, edited in place */
		last = (unsigned)i + 1;
		if (kept_clear(line))
			clear = last;
	}
	return (clear != 0 ? clear : last != 0 ? last : s->line);
}

/* propose - both limits for service s: its own -o edited; main.cf
 * (once) when AUTH comes from there and main_cf (global_ok); else new
 * -o lines, one edit, on a line no other fix edits */
static void
propose(const struct mg_model *m, struct mg_fix *x, struct mg_finding *f,
    const struct mg_service *s, const struct sizing *z, int main_cf,
    int *global)
{
	static const char *const names[] = { MSG_LIMIT, RCPT_LIMIT };
	const struct mg_srcfile *src;
	const struct mg_param *own;
	struct mg_str add = MG_STR_INIT;
	unsigned at;
	char v[32];
	size_t i;

	for (i = 0; i < 2; i++) {
		(void)snprintf(v, sizeof(v), "%lu", i == 0 ? z->msgs :
		    z->rcpts);
		own = mg_service_override(s, names[i]);
		if (own != NULL && (own->file == NULL || own->line == 0))
			/* postconf -P lists it, master.cf's text does not
			 * place it: neither main.cf nor a new -o is sure to
			 * be what the service uses */
			mg_finding_evidence(f, s->file, s->line, "service %s: "
			    "set -o %s=%s in its master.cf entry by hand",
			    s->name, names[i], v);
		else if (own != NULL)
			(void)mg_check_pf_edit_override(m, x, own, v);
		else if (mg_service_override(s, "smtpd_sasl_auth_enable") !=
		    NULL || !main_cf)
			mg_str_printf(&add, "\n  -o %s=%s", names[i], v);
		else if (!global[i]) {
			mg_check_pf_set_global(m, x, names[i], v);
			global[i] = 1;
		}
	}
	if (add.len > 0 && (at = insert_line(m, s)) != 0 &&
	    (src = mg_model_file(m, s->file)) != NULL) {
		struct mg_str text = MG_STR_INIT;

		mg_str_printf(&text, "%s%s", src->lines[at - 1],
		    mg_str_cstr(&add));
		(void)mg_fix_replace_line(x, s->file, at, src->lines[at - 1],
		    mg_str_cstr(&text));
		mg_str_free(&text);
	}
	mg_str_free(&add);
}

/* explain - why a client limit is all Postfix has, and what is more */
static void
explain(struct mg_finding *f)
{
	mg_finding_explain(f, "Postfix's anvil counts messages and "
	    "recipients per client address, not per SASL login, and by "
	    "default counts nothing against a limit: " MSG_LIMIT " and "
	    RCPT_LIMIT " are 0 (off).  A stolen password then sends as fast "
	    "as the line allows, until the host lands on the block lists.  "
	    "The client limits below cap each address of a service that "
	    "offers AUTH (450 4.7.1 \"Error: too much mail from ADDRESS\" once "
	    "over, per anvil_rate_time_unit; clients in "
	    "smtpd_client_event_limit_exceptions, $mynetworks by default, "
	    "are not counted).  A limit per login needs a policy service "
	    "(check_policy_service in smtpd_recipient_restrictions): "
	    "postfwd, policyd-rate-limit, cluebringer/policyd; or "
	    "Rspamd's ratelimit module as a milter, which this check "
	    "cannot see (if it limits your users, ignore this).  No SMTP "
	    "probe proves this fix: a single RCPT cannot see a rate; the "
	    "stage validates it and postconf reads the values back.");
}

/* smtpd_inet - an smtpd service clients connect to */
static int
smtpd_inet(const struct mg_service *s)
{
	return (strcmp(s->type, "inet") == 0 && s->command != NULL &&
	    strcmp(s->command, "smtpd") == 0);
}

/* inbound - an smtpd other mail servers deliver to: port 25 (smtp,
 * *:25) or postscreen's "smtpd pass" behind it; a limit per client
 * address there throttles their mail too */
static int
inbound(const struct mg_service *s)
{
	const char *port;

	if (s->command == NULL || strcmp(s->command, "smtpd") != 0)
		return (0);
	if (strcmp(s->type, "pass") == 0)
		return (1);
	if (strcmp(s->type, "inet") != 0)
		return (0);
	port = strrchr(s->name, ':');
	port = port != NULL ? port + 1 : s->name;
	return (strcmp(port, "smtp") == 0 || strcmp(port, "25") == 0);
}

/* flagged - s offers AUTH with no limit and no policy service; a */
static int
flagged(const struct mg_model *m, const struct mg_service *s,
    const struct mg_param **a)
{
	return (smtpd_inet(s) && yes(mg_service_value(m, s,
	    "smtpd_sasl_auth_enable", a)) && !limit_on(mg_service_value(m, s,
	    MSG_LIMIT, NULL)) && !limit_on(mg_service_value(m, s, RCPT_LIMIT,
	    NULL)) && policy_list(m, s, NULL, 0) == NULL);
}

/* global_ok - main.cf may carry the limits: every smtpd service that
 * would inherit them is one the finding names (a port 25 that asks a
 * policy service, or has AUTH off, keeps its own behaviour) */
static int
global_ok(const struct mg_model *m)
{
	const struct mg_service *s;
	size_t i;

	for (i = 0; i < m->nservices; i++) {
		s = &m->services[i];
		if ((smtpd_inet(s) || inbound(s)) &&
		    mg_service_override(s, MSG_LIMIT) == NULL &&
		    mg_service_override(s, RCPT_LIMIT) == NULL &&
		    (inbound(s) || !flagged(m, s, NULL)))
			return (0);
	}
	return (1);
}

/* mg_check_pf_ratelimit - AUTH services with no rate limit at all */
void
mg_check_pf_ratelimit(const struct mg_model *m, struct mg_report *r)
{
	const struct mg_service *s;
	const struct mg_param *a;
	struct mg_finding *f = NULL;
	struct mg_fix *x = NULL;
	struct sizing z;
	enum mg_pf_reach reach;
	enum mg_severity sev;
	char where[96], skipped[320];
	int global[2] = { 0, 0 }, main_cf = global_ok(m);
	size_t i;

	size_limits(m, &z);
	for (i = 0; i < m->nservices; i++) {
		s = &m->services[i];
		if (!flagged(m, s, &a))
			continue;
		reach = mg_check_pf_reach(m, s);
		sev = mg_check_pf_reach_severity(flood(m) ? MG_SEV_HIGH :
		    MG_SEV_MEDIUM, reach);
		if (f == NULL) {
			f = mg_report_finding(r, FIND_ID, sev, "sasl",
			    "No rate limit for logged-in senders: one stolen "
			    "login can send without limit");
			explain(f);
		} else if (sev > f->severity)
			f->severity = sev;
		mg_check_pf_origin(m, a, where, sizeof(where));
		mg_finding_evidence(f, s->file, s->line, "service %s offers "
		    "AUTH (smtpd_sasl_auth_enable = yes, %s) and has %s = 0 "
		    "and %s = 0 (no limit), and no check_policy_service a "
		    "login reaches in its restrictions", s->name, where,
		    MSG_LIMIT, RCPT_LIMIT);
		(void)policy_list(m, s, skipped, sizeof(skipped));
		if (*skipped != '\0')
			mg_finding_evidence(f, s->file, s->line, "service %s: "
			    "%s is not counted: it comes after a permit that "
			    "ends its list for a login, or is greylisting or "
			    "SPF (postgrey, policyd-spf), which limit nothing",
			    s->name, skipped);
		if (reach != MG_PF_REACH_PUBLIC)
			mg_finding_evidence(f, s->file, s->line, "service %s "
			    "is %s", s->name, mg_check_pf_reach_text(reach));
		if (inbound(s)) {
			mg_finding_evidence(f, s->file, s->line, "service %s "
			    "is port 25, where other mail servers deliver: a "
			    "limit per client address there throttles their "
			    "mail too, so no fix sets one; offer AUTH on "
			    "submission (587) or submissions (465) only "
			    "(postfix.auth.port25) and limit it there",
			    s->name);
			continue;
		}
		if (x == NULL)
			x = mg_report_fix(r, FIX_ID, "Limit messages and "
			    "recipients per client on the services that offer "
			    "AUTH (smtpd_client_*_rate_limit)");
		propose(m, x, f, s, &z, main_cf, global);
	}
	if (f == NULL)
		return;
	sizing_evidence(m, f, &z);
	if (flood(m))
		mg_finding_evidence(f, m->log->path, 0, "the log shows a "
		    "flood: one client handed over %lu messages or %lu "
		    "recipients in a minute", m->log->per_minute.msgs.n,
		    m->log->per_minute.rcpts.n);
	if (x == NULL)
		return;
	if (x->nedits == 0) {
		mg_report_drop_fix(r, FIX_ID);
		return;
	}
	mg_check_pf_reload(m, x);
	mg_finding_add_fix(f, FIX_ID);
}
