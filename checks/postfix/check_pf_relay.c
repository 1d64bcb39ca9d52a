/*
 * check_pf_relay.c - who may relay through Postfix.  smtpd applies
 * smtpd_relay_restrictions, then smtpd_recipient_restrictions, to every
 * RCPT TO; mail to a foreign domain is refused only if one of the lists
 * reaches reject_unauth_destination (or defer_unauth_destination, reject,
 * defer) before anything permits the client.  A permit an outsider can
 * earn before that point - "permit", or an OK from an access table keyed
 * on the sender, HELO or recipient the client chooses - is an open relay
 * (incident 5: a sender whitelist in smtpd_recipient_restrictions,
 * with no smtpd_relay_restrictions).  Each listening smtpd service is
 * judged with its own -o overrides.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../backends/postfix/pf_list.h"
#include "../../backends/postfix/pf_maps.h"
#include "../../core/mg_net.h"
#include "../../core/mg_str.h"
#include "../checks.h"

#define FIX_ID "postfix.relay.restrictions"
#define TITLE_FIX \
    "Put relay control in smtpd_relay_restrictions, ahead of every other permit"
#define RELAY "smtpd_relay_restrictions"
#define RCPT "smtpd_recipient_restrictions"
#define ELEM_MAX 512
#define OUTSIDER "198.51.100.9"	/* TEST-NET-2: nobody's trusted host */
#define PROBE_RCPT "mailguard-probe@example.net"	/* not ours */

/* What a restriction can do for a client trying to relay. */
enum kind {
	K_NEUTRAL = 0,		/* rejects some, permits none */
	K_STOP,			/* refuses foreign destinations here */
	K_TRUSTED,		/* permits clients the operator vouched for */
	K_OPEN,			/* permits clients that choose to qualify */
	K_UNKNOWN		/* a table or service we cannot see into */
};

/* One permissive step before the stop, and why it is there. */
struct hole {
	char elem[2 * ELEM_MAX];	/* "check_sender_access hash:/x" */
	enum kind kind;
	const struct mg_map *map;
	const char *why;	/* "anyone who writes such a sender" */
};

/* The walk of one restriction list. */
struct walk {
	int stop;		/* reaches a stop */
	char stop_elem[ELEM_MAX];	/* which one */
	struct hole holes[16];
	size_t nholes;
	struct mg_str trusted;	/* trusted permits before the stop */
};

/* Restrictions that take the next element as their argument. */
static int
takes_arg(const char *name)
{
	static const char *const with_arg[] = { "reject_rbl_client",
	    "reject_rhsbl_client", "reject_rhsbl_sender",
	    "reject_rhsbl_recipient", "reject_rhsbl_helo",
	    "reject_rhsbl_reverse_client", "permit_dnswl_client",
	    "permit_rhswl_client", "reject_dnsbl_client", NULL };
	size_t i;

	if (strncmp(name, "check_", 6) == 0)
		return (1);
	for (i = 0; with_arg[i] != NULL; i++)
		if (strcmp(name, with_arg[i]) == 0)
			return (1);
	return (0);
}

/* is_local_domain - a domain this server receives mail for itself */
static int
is_local_domain(const struct mg_model *m, const char *dom)
{
	static const char *const params[] = { "mydestination",
	    "virtual_mailbox_domains", "virtual_alias_domains",
	    "relay_domains", NULL };
	const char *cur, *elem, *v;
	size_t i, len;

	for (i = 0; params[i] != NULL; i++) {
		if ((v = mg_model_value(m, params[i])) == NULL)
			continue;
		for (cur = v; mg_pf_list_next(&cur, &elem, &len);)
			if (len == strlen(dom) && strncasecmp(elem, dom,
			    len) == 0)
				return (1);
	}
	return (0);
}

/* table_kind - what an access table permits, for the restriction that
 * consults it; *why says who can earn its OK */
static enum kind
table_kind(const struct mg_model *m, const char *restriction,
    const struct mg_map *t, const char **why)
{
	const char *key, *at;
	size_t i;
	int any = 0, foreign = 0, client = 0;

	if (t == NULL || t->error != NULL || !t->listed) {
		*why = "its answers could not be listed, so what it permits "
		    "is unknown";
		return (K_UNKNOWN);
	}
	client = strncmp(restriction, "check_client", 12) == 0 ||
	    strncmp(restriction, "check_reverse_client", 20) == 0 ||
	    strcmp(restriction, "check_ccert_access") == 0 ||
	    strcmp(restriction, "check_sasl_access") == 0;
	for (i = 0; i < t->nentries; i++) {
		if (!mg_check_pf_permissive(t->entries[i].value))
			continue;
		any = 1;
		key = t->entries[i].key;
		at = strrchr(key, '@');
		if (strncmp(restriction, "check_recipient", 15) != 0 ||
		    !is_local_domain(m, at != NULL ? at + 1 : key))
			foreign = 1;
	}
	if (!any)
		return (K_NEUTRAL);
	if (client) {
		*why = "clients it lists relay without a password";
		return (K_TRUSTED);
	}
	if (!foreign)
		return (K_NEUTRAL);
	*why = strncmp(restriction, "check_recipient", 15) == 0 ?
	    "any client relays to the recipients it lists" :
	    "any client that claims a listed sender or HELO name relays: "
	    "SMTP lets the client write any sender and HELO it likes";
	return (K_OPEN);
}

/* classify - one restriction (with its table, if any) */
static enum kind
classify(const struct mg_model *m, const char *name, const char *arg,
    const struct mg_map **map, const char **why)
{
	static const char *const stops[] = { "reject_unauth_destination",
	    "defer_unauth_destination", "reject", "defer",
	    "defer_if_permit", NULL };
	static const char *const trusted[] = { "permit_mynetworks",
	    "permit_sasl_authenticated", "permit_tls_clientcerts", NULL };
	size_t i;

	*map = NULL;
	*why = NULL;
	for (i = 0; stops[i] != NULL; i++)
		if (strcmp(name, stops[i]) == 0)
			return (K_STOP);
	for (i = 0; trusted[i] != NULL; i++)
		if (strcmp(name, trusted[i]) == 0)
			return (K_TRUSTED);
	if (strcmp(name, "permit") == 0) {
		*why = "permits every client, for every recipient";
		return (K_OPEN);
	}
	if (strcmp(name, "permit_tls_all_clientcerts") == 0) {
		*why = "permits any client with any certificate from any CA";
		return (K_OPEN);
	}
	if (strcmp(name, "permit_mx_backup") == 0) {
		*why = "relays for any domain that names this host as MX - "
		    "the domain's owner decides, not you";
		return (K_OPEN);
	}
	if (strcmp(name, "permit_dnswl_client") == 0 ||
	    strcmp(name, "permit_rhswl_client") == 0) {
		*why = "clients a third-party DNS list names may relay";
		return (K_TRUSTED);
	}
	if (strcmp(name, "check_policy_service") == 0) {
		*why = "a policy service decides; its answers cannot be read";
		return (K_UNKNOWN);
	}
	if (strncmp(name, "check_", 6) == 0 && arg != NULL &&
	    strstr(name, "_access") != NULL) {
		*map = mg_model_map(m, arg);
		return (table_kind(m, name, *map, why));
	}
	return (K_NEUTRAL);
}

/* walk_list - follow one restriction list up to its stop */
static void
walk_list(const struct mg_model *m, const char *value, struct walk *w)
{
	const char *cur, *elem, *why;
	const struct mg_map *map;
	char name[ELEM_MAX], arg[ELEM_MAX];
	struct hole *h;
	enum kind k;
	size_t len;

	memset(w, 0, sizeof(*w));
	mg_str_init(&w->trusted);
	for (cur = value != NULL ? value : ""; mg_pf_list_next(&cur, &elem,
	    &len);) {
		if (len >= sizeof(name))
			continue;
		memcpy(name, elem, len);
		name[len] = '\0';
		arg[0] = '\0';
		if (takes_arg(name) && mg_pf_list_next(&cur, &elem, &len) &&
		    len < sizeof(arg)) {
			memcpy(arg, elem, len);
			arg[len] = '\0';
		}
		k = classify(m, name, arg[0] != '\0' ? arg : NULL, &map,
		    &why);
		if (k == K_STOP) {
			w->stop = 1;
			(void)snprintf(w->stop_elem, sizeof(w->stop_elem),
			    "%s", name);
			return;
		}
		if (k == K_TRUSTED && why == NULL) {
			mg_str_printf(&w->trusted, "%s%s", w->trusted.len > 0 ?
			    ", " : "", name);
			continue;
		}
		if (k == K_NEUTRAL ||
		    w->nholes == sizeof(w->holes) / sizeof(w->holes[0]))
			continue;
		h = &w->holes[w->nholes++];
		(void)snprintf(h->elem, sizeof(h->elem), "%s%s%s", name,
		    arg[0] != '\0' ? " " : "", arg);
		h->kind = k;
		h->map = map;
		h->why = why;
	}
}

/* count_holes - holes of one kind */
static size_t
count_holes(const struct walk *w, enum kind k)
{
	size_t i, n = 0;

	for (i = 0; i < w->nholes; i++)
		if (w->holes[i].kind == k)
			n++;
	return (n);
}

/* open_holes - holes an outsider can use */
static size_t
open_holes(const struct walk *w)
{
	return (count_holes(w, K_OPEN));
}

/* clean - the list refuses outsiders and nothing unknown comes first */
static int
clean(const struct walk *w)
{
	return (w->stop && open_holes(w) == 0 &&
	    count_holes(w, K_UNKNOWN) == 0);
}

/* One service's verdict. */
struct verdict {
	const struct mg_service *svc;	/* NULL: the global settings */
	const struct mg_param *relay_p, *rcpt_p;
	struct walk relay, rcpt;
	int open;		/* an outsider can relay */
	int unsure;		/* closed only if a table or policy says no */
	const struct walk *culprit;	/* the list whose holes do it */
	const struct mg_param *culprit_p;
};

/* judge - both lists of one service (or the global settings) */
static void
judge(const struct mg_model *m, const struct mg_service *svc,
    struct verdict *v)
{
	const char *rv, *cv;

	memset(v, 0, sizeof(*v));
	v->svc = svc;
	rv = mg_service_value(m, svc, RELAY, &v->relay_p);
	cv = mg_service_value(m, svc, RCPT, &v->rcpt_p);
	walk_list(m, rv, &v->relay);
	walk_list(m, cv, &v->rcpt);
	/* Relay is refused if either list stops an outsider cleanly. */
	if ((v->relay.stop && open_holes(&v->relay) == 0) ||
	    (v->rcpt.stop && open_holes(&v->rcpt) == 0)) {
		v->unsure = !clean(&v->relay) && !clean(&v->rcpt);
		return;
	}
	v->open = 1;
	if (v->relay.stop || open_holes(&v->relay) > 0) {
		v->culprit = &v->relay;
		v->culprit_p = v->relay_p;
	} else {
		v->culprit = &v->rcpt;
		v->culprit_p = v->rcpt_p;
	}
}

/* free_verdict - the walks' strings */
static void
free_verdict(struct verdict *v)
{
	mg_str_free(&v->relay.trusted);
	mg_str_free(&v->rcpt.trusted);
}

/* param_line - where a word of a parameter's value is written */
static unsigned
param_line(const struct mg_model *m, const struct mg_param *p,
    const char *word)
{
	const struct mg_srcfile *f;
	char first[ELEM_MAX];
	unsigned line;

	if (p == NULL || p->file == NULL)
		return (0);
	if ((f = mg_model_file(m, p->file)) == NULL)
		return (p->line);
	(void)snprintf(first, sizeof(first), "%s", word);
	first[strcspn(first, " ")] = '\0';
	line = mg_srcfile_find_word(f, p->line, p->end_line != 0 ?
	    p->end_line : p->line, first);
	return (line != 0 ? line : p->line);
}

/* where - "the smtp service's -o NAME", "NAME (main.cf:12)" or "NAME
 * (default at compatibility_level 0)": whose value the walk judged */
static void
where(const struct mg_model *m, const struct verdict *v,
    const struct mg_param *p, char *buf, size_t size)
{
	char origin[128];

	if (v->svc != NULL && p != NULL && p->file != NULL &&
	    mg_service_override(v->svc, p->name) == p) {
		(void)snprintf(buf, size, "the %s service's -o %s",
		    v->svc->name, p->name);
		return;
	}
	mg_check_pf_origin(m, p, origin, sizeof(origin));
	(void)snprintf(buf, size, "%s (%s)", p != NULL ? p->name :
	    "restriction list", origin);
}

/* hole_evidence - the element, then the table entries that permit */
static void
hole_evidence(const struct mg_model *m, struct mg_finding *f,
    const struct verdict *v, const struct hole *h)
{
	char what[256];
	size_t i, shown = 0;

	where(m, v, v->culprit_p, what, sizeof(what));
	mg_finding_evidence(f, v->culprit_p != NULL ? v->culprit_p->file :
	    NULL, param_line(m, v->culprit_p, h->elem),
	    "%s: \"%s\" comes before %s: %s", what, h->elem,
	    v->culprit->stop ? v->culprit->stop_elem :
	    "any reject_unauth_destination", h->why);
	if (h->map == NULL)
		return;
	for (i = 0; i < h->map->nentries && shown < 5; i++) {
		if (!mg_check_pf_permissive(h->map->entries[i].value))
			continue;
		mg_finding_evidence(f, h->map->source,
		    h->map->entries[i].line, "%s: %s -> %s", h->map->ref,
		    h->map->entries[i].key, h->map->entries[i].value);
		shown++;
	}
}

/* stop_word - the stop a fixed list should end with: the operator's own
 * choice if they wrote one, else Postfix's default (defer: a mistake in
 * relay_domains then delays mail instead of bouncing it) */
static const char *
stop_word(const struct verdict *v)
{
	if (strcmp(v->rcpt.stop_elem, "reject_unauth_destination") == 0 ||
	    strcmp(v->relay.stop_elem, "reject_unauth_destination") == 0)
		return ("reject_unauth_destination");
	return ("defer_unauth_destination");
}

/* fixed_relay_list - smtpd_relay_restrictions without the open holes:
 * the relay list minus them if it has a stop, else the trusted permits
 * of the recipient list followed by a stop */
static void
fixed_relay_list(const struct verdict *v, const char *raw, struct mg_str *out)
{
	const char *cur, *elem;
	char name[ELEM_MAX];
	size_t len, i, skip = 0;
	int drop;

	mg_str_init(out);
	if (!v->relay.stop) {
		mg_str_puts(out, v->rcpt.trusted.len > 0 ?
		    mg_str_cstr(&v->rcpt.trusted) :
		    "permit_mynetworks, permit_sasl_authenticated");
		mg_str_printf(out, ", %s", stop_word(v));
		return;
	}
	for (cur = raw; mg_pf_list_next(&cur, &elem, &len);) {
		if (skip) {
			skip = 0;
			continue;
		}
		if (len >= sizeof(name))
			continue;
		memcpy(name, elem, len);
		name[len] = '\0';
		drop = 0;
		for (i = 0; i < v->relay.nholes; i++) {
			size_t n = strcspn(v->relay.holes[i].elem, " ");

			if (v->relay.holes[i].kind == K_OPEN &&
			    strlen(name) == n && strncmp(name,
			    v->relay.holes[i].elem, n) == 0)
				drop = 1;
		}
		if (drop) {
			skip = takes_arg(name);
			continue;
		}
		mg_str_printf(out, "%s%s", out->len > 0 ? ", " : "", name);
		if (takes_arg(name) && mg_pf_list_next(&cur, &elem, &len))
			mg_str_printf(out, " %.*s", (int)len, elem);
	}
}

/* one_word - list as one master.cf -o value: its items joined by commas,
 * no white space (master(5): white space in an -o value ends it, and
 * Postfix reads a comma as it reads a blank between items) */
static void
one_word(const char *list, struct mg_str *out)
{
	const char *cur, *elem;
	size_t len;

	mg_str_init(out);
	for (cur = list; mg_pf_list_next(&cur, &elem, &len);) {
		if (out->len > 0)
			mg_str_putc(out, ',');
		mg_str_append(out, elem, len);
	}
}

/*
 * propose - the edit that closes one verdict's hole; NULL if none safe.
 * The fix is made only once its edit is known: a service's -o line that
 * master.cf's text does not place gets no edit (and no empty fix that
 * fix --all would select), and f says to set it by hand.
 */
static const char *
propose(const struct mg_model *m, const struct verdict *v,
    struct mg_report *r, struct mg_finding *fd)
{
	const char *reload[] = { "postfix", "-c", m->config_dir, "reload",
	    NULL };
	const struct mg_param *rp = v->relay_p;
	const struct mg_srcfile *f;
	struct mg_str val, word;
	struct mg_fix *x;
	int ok;

	fixed_relay_list(v, rp != NULL && rp->raw != NULL ? rp->raw :
	    (rp != NULL ? rp->value : ""), &val);
	if (v->svc != NULL && rp != NULL &&
	    mg_service_override(v->svc, RELAY) == rp) {
		/* The service overrides it: edit its -o line (the last
		 * "name=" on it, an empty value or the brace form too). */
		f = rp->file != NULL ? mg_model_file(m, rp->file) : NULL;
		x = f == NULL || rp->line == 0 || rp->line > f->nlines ?
		    NULL : mg_report_fix(r, FIX_ID, TITLE_FIX);
		one_word(mg_str_cstr(&val), &word);
		ok = x != NULL && mg_check_pf_edit_override(m, x, rp,
		    mg_str_cstr(&word));
		mg_str_free(&word);
		if (!ok) {
			if (x != NULL && x->nedits == 0)
				mg_report_drop_fix(r, FIX_ID);
			mg_finding_evidence(fd, v->svc->file, v->svc->line,
			    "service %s sets its own %s, but no master.cf line "
			    "reads it as postconf -P does: set that -o by hand "
			    "to \"%s\"; no automatic fix", v->svc->name, RELAY,
			    mg_str_cstr(&val));
			mg_str_free(&val);
			return (NULL);
		}
	} else if ((x = mg_report_fix(r, FIX_ID, TITLE_FIX))->nedits == 0)
		mg_fix_set_param(x, rp != NULL && rp->file != NULL ? rp->file :
		    m->config_file, rp != NULL ? rp->line : 0, RELAY,
		    rp != NULL ? rp->raw : NULL, mg_str_cstr(&val));
	mg_str_free(&val);
	if (x->npost == 0)
		mg_fix_post(x, reload);
	return (FIX_ID);
}

/* listening - smtpd services that accept network connections */
static int
listening(const struct mg_service *s)
{
	return (s->command != NULL && strcmp(s->command, "smtpd") == 0 &&
	    (strcmp(s->type, "inet") == 0 || strcmp(s->type, "pass") == 0));
}

/* overrides_relay - does the service set either list itself? */
static int
overrides_relay(const struct mg_service *s)
{
	return (mg_service_override(s, RELAY) != NULL ||
	    mg_service_override(s, RCPT) != NULL);
}

/* forged_sender - a sender an access-table hole OKs ("user@dom" as is,
 * "dom" or "@dom" as someone there); NULL if the hole is not a sender
 * table or it OKs nothing a probe can write */
static const char *
forged_sender(const struct hole *h, char *buf, size_t size)
{
	const char *key;
	size_t i;

	if (h->map == NULL || strncmp(h->elem, "check_sender_access", 19) != 0)
		return (NULL);
	for (i = 0; i < h->map->nentries; i++) {
		if (!mg_check_pf_permissive(h->map->entries[i].value))
			continue;
		key = h->map->entries[i].key;
		if (key[0] == '\0' || strpbrk(key, " <>\t\"\\") != NULL ||
		    key[strlen(key) - 1] == '@')
			continue;
		if (strchr(key, '@') != NULL && key[0] != '@')
			(void)snprintf(buf, size, "%s", key);
		else
			(void)snprintf(buf, size, "mailguard-probe%s%s",
			    key[0] == '@' ? "" : "@", key);
		return (buf);
	}
	return (NULL);
}

/* in_list - is word an element of a Postfix list (effective value,
 * compared as Postfix compares domains: without case) */
static int
in_list(const char *list, const char *word)
{
	const char *cur, *elem;
	size_t len;

	for (cur = list != NULL ? list : ""; mg_pf_list_next(&cur, &elem,
	    &len);)
		if (len == strlen(word) && strncasecmp(elem, word, len) == 0)
			return (1);
	return (0);
}

/*
 * open_probes - for the fix engine's proof: the forged sender (or, for a
 * plain permit, anyone) from an outside address must no longer relay,
 * and mail for postmaster of this host from outside must still arrive
 * (when myhostname is in mydestination's effective value, written or by
 * default)
 */
static void
open_probes(const struct mg_model *m, struct mg_finding *f,
    const struct verdict *v)
{
	const struct mg_param *host = mg_model_param(m, "myhostname");
	const struct mg_param *dest = mg_model_param(m, "mydestination");
	char sender[320], rcpt[320];
	const char *s;
	size_t i;

	if (f->nprobes > 0)
		return;
	for (i = 0; i < v->culprit->nholes; i++) {
		if (v->culprit->holes[i].kind != K_OPEN)
			continue;
		s = forged_sender(&v->culprit->holes[i], sender,
		    sizeof(sender));
		if (s == NULL && v->culprit->holes[i].map != NULL)
			continue;	/* HELO/client tables: no probe */
		mg_finding_probe(f, OUTSIDER, NULL, s != NULL ? s : "",
		    PROBE_RCPT, 1);
	}
	if (f->nprobes == 0 || host == NULL || host->value == NULL ||
	    *host->value == '\0' || dest == NULL ||
	    !in_list(dest->value, host->value))
		return;
	(void)snprintf(rcpt, sizeof(rcpt), "postmaster@%s", host->value);
	mg_finding_probe(f, OUTSIDER, NULL, "", rcpt, 0);
}

/* verdict_reach - who can connect to the services a verdict judged: the
 * service's own, or the widest of those that use the global lists */
static enum mg_pf_reach
verdict_reach(const struct mg_model *m, const struct verdict *v)
{
	enum mg_pf_reach r = MG_PF_REACH_LOOPBACK, one;
	size_t i;

	if (v->svc != NULL)
		return (mg_check_pf_reach(m, v->svc));
	if (m->nservices == 0)
		return (mg_check_pf_reach(m, NULL));
	for (i = 0; i < m->nservices; i++) {
		if (!listening(&m->services[i]) ||
		    overrides_relay(&m->services[i]))
			continue;
		one = mg_check_pf_reach(m, &m->services[i]);
		if (one > r)
			r = one;
	}
	return (r);
}

/* report_open - the open-relay finding (one, evidence per cause) */
static void
report_open(const struct mg_model *m, struct mg_report *r,
    struct verdict *v, struct mg_finding **fp)
{
	enum mg_pf_reach reach = verdict_reach(m, v);
	int lo = mg_check_pf_loopback_only(m);
	enum mg_severity sev;
	struct mg_finding *f = *fp;
	const char *fix;
	char what[256];
	size_t i;
	int created = f == NULL;

	/* A loopback service beside others that listen further - a
	 * content filter's return port - is loopback by design: severity
	 * follows its reach.  On a server that listens on loopback only,
	 * the hole stays as grave as it is (as mynetworks' does): one
	 * inet_interfaces edit puts it on the Internet. */
	sev = lo ? MG_SEV_CRITICAL : mg_check_pf_reach_severity(
	    MG_SEV_CRITICAL, reach);
	if (f != NULL && sev > f->severity)
		f->severity = sev;
	if (f == NULL) {
		f = *fp = mg_report_finding(r, "postfix.relay.open", sev,
		    "relay", "Open relay: an outsider can pass the relay "
		    "restrictions");
		mg_finding_explain(f, "Postfix refuses mail for other domains "
		    "only where a restriction list reaches "
		    "reject_unauth_destination (or defer_unauth_destination) "
		    "before anything permits the client. Here a permit that "
		    "any client can earn comes first: an OK from an access "
		    "table keyed on the sender or HELO name (which the client "
		    "writes itself), or a plain permit. Spammers try forged "
		    "senders of your own domain first. Relay control belongs "
		    "in smtpd_relay_restrictions (Postfix 2.10 and later), "
		    "which is checked before smtpd_recipient_restrictions: "
		    "with permit_mynetworks, permit_sasl_authenticated and "
		    "reject_unauth_destination there, a whitelist in the "
		    "recipient restrictions can no longer open the relay.");
	}
	for (i = 0; i < v->culprit->nholes; i++)
		if (v->culprit->holes[i].kind == K_OPEN)
			hole_evidence(m, f, v, &v->culprit->holes[i]);
	if (lo) {
		if (created)
			mg_finding_evidence(f, NULL, 0, "every smtpd listener "
			    "is on a loopback address now: the relay opens "
			    "to the Internet the day Postfix listens on "
			    "another interface");
	} else if (reach != MG_PF_REACH_PUBLIC)
		mg_finding_evidence(f, v->svc != NULL ? v->svc->file : NULL,
		    v->svc != NULL ? v->svc->line : 0, "%s %s: only clients "
		    "there can relay", v->svc != NULL ? v->svc->name :
		    "every smtpd service that uses these lists is",
		    mg_check_pf_reach_text(reach));
	open_probes(m, f, v);
	if (!v->relay.stop && !v->rcpt.stop) {
		where(m, v, v->rcpt_p, what, sizeof(what));
		mg_finding_evidence(f, v->rcpt_p != NULL ? v->rcpt_p->file :
		    NULL, v->rcpt_p != NULL ? v->rcpt_p->line : 0,
		    "neither smtpd_relay_restrictions nor %s reaches "
		    "reject_unauth_destination", what);
	}
	if ((fix = propose(m, v, r, f)) != NULL) {
		for (i = 0; i < f->nfix_ids; i++)
			if (strcmp(f->fix_ids[i], fix) == 0)
				return;
		mg_finding_add_fix(f, fix);
	}
}

/* grant_finding - the client-grant finding, made once */
static struct mg_finding *
grant_finding(struct mg_report *r, struct mg_finding **fp)
{
	if (*fp != NULL)
		return (*fp);
	*fp = mg_report_finding(r, "postfix.relay.client-grant-public",
	    MG_SEV_CRITICAL, "relay", "A client access table lets a public "
	    "network relay");
	mg_finding_explain(*fp, "An entry of a check_client_access table "
	    "that answers OK before the relay stop lets every host in its "
	    "network send mail to any domain through this server, without "
	    "a password - as a public range in mynetworks does. A partner's "
	    "whole provider network is thousands of strangers. Narrow the "
	    "entry to the partner's own hosts (one line per address), or "
	    "let the partner log in with SASL instead; then postmap the "
	    "table if it is hashed and reload. No automatic fix: which "
	    "hosts are the partner's is not written anywhere.");
	return (*fp);
}

/* grant_entries - the wide public entries of one client table (hole h
 * of walk w, the list p) */
static void
grant_entries(const struct mg_model *m, struct mg_report *r,
    const struct verdict *v, const struct walk *w, const struct mg_param *p,
    const struct hole *h, struct mg_finding **fp)
{
	const struct mg_map_entry *e;
	struct mg_finding *f;
	struct mg_net net;
	struct mg_net_span span;
	char text[128], count[32], what[256];
	size_t k;

	for (k = 0; k < h->map->nentries; k++) {
		e = &h->map->entries[k];
		if (!mg_check_pf_permissive(e->value) ||
		    !mg_check_key_net(e->key, text, sizeof(text)) ||
		    mg_net_parse(text, &net, NULL) < 0)
			continue;
		mg_net_span(&net, &span);
		if (span.public <= 256.0)
			continue;
		f = grant_finding(r, fp);
		mg_net_format_count(span.public, net.family, count,
		    sizeof(count));
		mg_finding_evidence(f, h->map->source, e->line, "%s: %s -> "
		    "%s: %s public addresses relay without a password",
		    h->map->ref, e->key, e->value, count);
		where(m, v, p, what, sizeof(what));
		mg_finding_evidence(f, p != NULL ? p->file : NULL,
		    param_line(m, p, h->elem), "%s: \"%s\" comes before %s",
		    what, h->elem, w->stop ? w->stop_elem : "the stop");
	}
}

/*
 * report_client_grants - an entry of a check_client_access table before
 * the stop that answers OK for more public space than a /24: every host
 * there relays without a password, as a public mynetworks range would.
 * The probe asks as an address inside it and names the same entry.  No
 * fix: which of those hosts are the partner's is not in the table.
 */
static void
report_client_grants(const struct mg_model *m, struct mg_report *r,
    const struct verdict *v, struct mg_finding **fp)
{
	const struct walk *w;
	const struct hole *h;
	size_t j, i;

	for (j = 0; j < 2; j++) {
		/* the recipient list decides only where the relay list
		 * has no stop (empty: Postfix before 2.10's layout) */
		if (j == 1 && v->relay.stop)
			break;
		w = j == 0 ? &v->relay : &v->rcpt;
		for (i = 0; i < w->nholes; i++) {
			h = &w->holes[i];
			if (h->kind == K_TRUSTED && h->map != NULL &&
			    strncmp(h->elem, "check_client_access", 19) == 0)
				grant_entries(m, r, v, w, j == 0 ?
				    v->relay_p : v->rcpt_p, h, fp);
		}
	}
}

/* report_recipient_only - relay control only in the recipient list */
static void
report_recipient_only(const struct mg_model *m, struct mg_report *r,
    struct verdict *v)
{
	const struct mg_param *level = mg_model_param(m, "compatibility_level");
	struct mg_finding *f;
	const char *fix;
	char origin[256], lorigin[256];

	mg_check_pf_origin(m, v->relay_p, origin, sizeof(origin));
	mg_check_pf_origin(m, level, lorigin, sizeof(lorigin));
	f = mg_report_finding(r, "postfix.relay.recipient-only",
	    MG_SEV_MEDIUM, "relay", "Relay control lives only in "
	    "smtpd_recipient_restrictions");
	mg_finding_explain(f, "smtpd_relay_restrictions is empty - set "
	    "so, or left unset on a main.cf without compatibility_level, "
	    "where Postfix keeps the pre-2.10 default - so the "
	    "only thing between the Internet and an open relay is the "
	    "order of smtpd_recipient_restrictions (the pre-2.10 layout). "
	    "That list is where whitelists, policy services and "
	    "anti-spam rules get added over the years, and any permit put "
	    "before reject_unauth_destination opens the relay. Postfix 2.10 "
	    "and later check smtpd_relay_restrictions first; keeping relay "
	    "control there makes later edits of the recipient restrictions "
	    "safe. Local delivery, mynetworks and SASL users are unchanged.");
	if (v->relay_p->file != NULL)
		mg_finding_evidence(f, v->relay_p->file, v->relay_p->line,
		    "smtpd_relay_restrictions is set empty (%s)", origin);
	else
		mg_finding_evidence(f, NULL, 0, "smtpd_relay_restrictions is "
		    "not set, and its default at compatibility_level %s is "
		    "empty (%s%s): postconf -x smtpd_relay_restrictions "
		    "prints nothing", mg_check_pf_level(m),
		    level != NULL && level->file != NULL ?
		    "compatibility_level set at " : "compatibility_level is "
		    "not set in main.cf, so Postfix runs at level 0",
		    level != NULL && level->file != NULL ? lorigin : "");
	mg_finding_evidence(f, v->rcpt_p != NULL ? v->rcpt_p->file : NULL,
	    param_line(m, v->rcpt_p, v->rcpt.stop_elem),
	    "smtpd_recipient_restrictions ends relaying with %s",
	    v->rcpt.stop_elem);
	if ((fix = propose(m, v, r, f)) != NULL)
		mg_finding_add_fix(f, fix);
}

/*
 * report_fatal - neither list holds a stop at all: smtpd refuses to run
 * ("fatal: in parameter smtpd_relay_restrictions or
 * smtpd_recipient_restrictions, specify at least one working instance
 * of: reject_unauth_destination, ..."), so no relay, but no mail either:
 * every SMTP client is cut off.  A main.cf from before Postfix 2.10 kept
 * without compatibility_level meets it on Postfix 3.6 and later, where
 * both defaults are empty at level 0.
 */
static void
report_fatal(const struct mg_model *m, struct mg_report *r,
    struct verdict *v)
{
	const struct mg_param *host = mg_model_param(m, "myhostname");
	const struct mg_param *dest = mg_model_param(m, "mydestination");
	struct mg_finding *f;
	const char *fix;
	char what[256], rcpt[320];

	f = mg_report_finding(r, "postfix.relay.smtpd-fatal", MG_SEV_CRITICAL,
	    "relay", "smtpd refuses to start: no restriction stops relaying");
	mg_finding_explain(f, "Postfix's SMTP server will not run unless "
	    "smtpd_relay_restrictions or smtpd_recipient_restrictions holds "
	    "at least one of reject_unauth_destination, "
	    "defer_unauth_destination, reject, defer or defer_if_permit. "
	    "Here neither does - typically a main.cf from before Postfix "
	    "2.10 without compatibility_level, where both lists default to "
	    "empty - so every smtpd process exits with a fatal error and "
	    "no client can hand over mail (the server is not an open relay; "
	    "it receives nothing). Set smtpd_relay_restrictions.");
	where(m, v, v->rcpt_p, what, sizeof(what));
	mg_finding_evidence(f, v->rcpt_p != NULL ? v->rcpt_p->file : NULL,
	    v->rcpt_p != NULL ? v->rcpt_p->line : 0, "neither "
	    "smtpd_relay_restrictions nor %s holds reject_unauth_destination "
	    "or another stop: smtpd exits with \"fatal: in parameter "
	    "smtpd_relay_restrictions or smtpd_recipient_restrictions, "
	    "specify at least one working instance of ...\"", what);
	if (v->svc != NULL)
		mg_finding_evidence(f, v->svc->file, v->svc->line,
		    "service %s overrides these lists", v->svc->name);
	mg_finding_probe(f, OUTSIDER, NULL, "", PROBE_RCPT, 1);
	/* postmaster of this host, where it is a local domain: smtpd never
	 * answered before the fix, so this path is judged on its answer
	 * after alone */
	if (host != NULL && host->value != NULL && *host->value != '\0' &&
	    dest != NULL && in_list(dest->value, host->value)) {
		(void)snprintf(rcpt, sizeof(rcpt), "postmaster@%s",
		    host->value);
		mg_finding_probe(f, OUTSIDER, NULL, "", rcpt, 0);
	}
	if ((fix = propose(m, v, r, f)) != NULL)
		mg_finding_add_fix(f, fix);
}

/* report_unsure - relay refused only if a table or policy service we
 * cannot read says so */
static void
report_unsure(const struct mg_model *m, struct mg_report *r,
    struct verdict *v, struct mg_finding **fp)
{
	struct mg_finding *f = *fp;
	const struct walk *w;
	const struct mg_param *p;
	char what[256];
	size_t i, k;

	if (f == NULL) {
		f = *fp = mg_report_finding(r, "postfix.relay.unverified",
		    MG_SEV_MEDIUM, "relay", "Relay control depends on a table "
		    "or policy service that could not be read");
		mg_finding_explain(f, "Before reject_unauth_destination, a "
		    "lookup whose answers this console cannot list (an "
		    "SQL/LDAP table, a policy service, a table that failed to "
		    "open) may answer OK - and OK there lets the client relay. "
		    "Check what it can answer, or move relay control into "
		    "smtpd_relay_restrictions ahead of it.");
	}
	for (k = 0; k < 2; k++) {
		w = k == 0 ? &v->relay : &v->rcpt;
		p = k == 0 ? v->relay_p : v->rcpt_p;
		where(m, v, p, what, sizeof(what));
		for (i = 0; i < w->nholes; i++)
			if (w->holes[i].kind == K_UNKNOWN)
				mg_finding_evidence(f, p != NULL ? p->file :
				    NULL, param_line(m, p, w->holes[i].elem),
				    "%s: \"%s\": %s%s%s", what,
				    w->holes[i].elem, w->holes[i].why,
				    w->holes[i].map != NULL &&
				    w->holes[i].map->error != NULL ? ": " : "",
				    w->holes[i].map != NULL &&
				    w->holes[i].map->error != NULL ?
				    w->holes[i].map->error : "");
	}
}

/* empty_list - a restriction list whose effective value is empty:
 * written blank, or not written and empty by default at this
 * compatibility level.  A parameter postconf does not know (Postfix
 * before 2.10) has no relay list to move the control into. */
static int
empty_list(const struct mg_param *p)
{
	return (p != NULL && p->value != NULL &&
	    p->value[strspn(p->value, " \t,")] == '\0');
}

/* mg_check_pf_relay - open relay and relay-control layout, per service */
void
mg_check_pf_relay(const struct mg_model *m, struct mg_report *r)
{
	struct mg_finding *open = NULL, *unsure = NULL, *grant = NULL;
	struct verdict g, v;
	size_t i;
	int global_used = m->nservices == 0;

	/* The global lists, as every service without overrides sees them
	 * (all of them, if master.cf could not be read). */
	for (i = 0; i < m->nservices; i++)
		if (listening(&m->services[i]) &&
		    !overrides_relay(&m->services[i]))
			global_used = 1;
	judge(m, NULL, &g);
	if (global_used) {
		if (!g.relay.stop && !g.rcpt.stop)
			report_fatal(m, r, &g);
		else if (g.open)
			report_open(m, r, &g, &open);
		else if (g.unsure)
			report_unsure(m, r, &g, &unsure);
		if (g.rcpt.stop && empty_list(g.relay_p))
			report_recipient_only(m, r, &g);
		report_client_grants(m, r, &g, &grant);
	}
	for (i = 0; i < m->nservices; i++) {
		if (!listening(&m->services[i]) ||
		    !overrides_relay(&m->services[i]))
			continue;
		judge(m, &m->services[i], &v);
		if (!v.relay.stop && !v.rcpt.stop)
			report_fatal(m, r, &v);
		else if (v.open)
			report_open(m, r, &v, &open);
		else if (v.unsure)
			report_unsure(m, r, &v, &unsure);
		report_client_grants(m, r, &v, &grant);
		free_verdict(&v);
	}
	free_verdict(&g);
}
