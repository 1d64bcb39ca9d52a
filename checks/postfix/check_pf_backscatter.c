/*
 * check_pf_backscatter.c - mail accepted at RCPT that Postfix can only
 * bounce later.  smtpd refuses an unknown recipient only where a table
 * lists the valid ones (postconf(5) smtpd_reject_unlisted_recipient,
 * LOCAL_RECIPIENT_README): local_recipient_maps for mydestination,
 * relay_recipient_maps for relay_domains.  Empty, every address is
 * accepted and the unknown ones bounce to the (usually forged) sender:
 * backscatter, which gets the server itself onto blocklists.  Virtual
 * alias and mailbox domains always have their table (check_pf_aliases).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../backends/postfix/pf_list.h"
#include "../../backends/postfix/pf_maps.h"
#include "../../core/mg_str.h"
#include "../checks.h"

#define FIX_LOCAL "postfix.backscatter.local-recipients"
#define LRM_DEFAULT "proxy:unix:passwd.byname $alias_maps"
#define DOMS_MAX 48

/* empty - a parameter whose effective value is empty */
static int
empty(const struct mg_model *m, const char *name)
{
	const char *v = mg_model_value(m, name);

	return (v == NULL || v[strspn(v, " \t,")] == '\0');
}

/* blank - a parameter the model knows, whose effective value is empty
 * (unknown is not empty: no finding on a value not read) */
static int
blank(const struct mg_model *m, const char *name)
{
	return (mg_model_param(m, name) != NULL && empty(m, name));
}

/* cite - evidence: name = value, and where that value comes from */
static void
cite(const struct mg_model *m, struct mg_finding *f, const char *name)
{
	const struct mg_param *p = mg_model_param(m, name);
	char origin[512];

	if (p != NULL && p->file != NULL)
		(void)snprintf(origin, sizeof(origin), "written here");
	else
		mg_check_pf_origin(m, p, origin, sizeof(origin));
	mg_finding_evidence(f, p != NULL ? p->file : NULL, p != NULL ?
	    p->line : 0, "%s = %s (%s)", name, p != NULL && p->value != NULL &&
	    *p->value != '\0' ? p->value : "(empty)", origin);
}

/* in_list - is name one of the n domains */
static int
in_list(char *const *d, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcasecmp(d[i], name) == 0)
			return (1);
	return (0);
}

/* first_domain - the first local domain other than localhost (its mail
 * for outsiders may be refused by postfix.localhost.remote's fix), else
 * the first one; NULL if none */
static const char *
first_domain(char *const *d, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strncasecmp(d[i], "localhost", 9) != 0)
			return (d[i]);
	return (n > 0 ? d[0] : NULL);
}

/* probe_unknown - the proof: a made-up local part at domain must be
 * refused at RCPT from an outside client */
static void
probe_unknown(struct mg_finding *f, const char *domain)
{
	char addr[300];

	(void)snprintf(addr, sizeof(addr), "%s@%.255s", MG_BACKSCATTER_USER,
	    domain);
	mg_finding_probe(f, MG_BACKSCATTER_CLIENT, NULL, "", addr, 1);
}

/* tables_read - every table of param was read (a fix that makes smtpd
 * ask a table it cannot read answers 451 to everyone) */
static int
tables_read(const struct mg_model *m, const char *param)
{
	const char *cur, *elem, *v = mg_model_value(m, param);
	const struct mg_map *t;
	char ref[4096];
	size_t len;

	for (cur = v != NULL ? v : ""; mg_pf_list_next(&cur, &elem, &len);) {
		if (!mg_pf_map_ref(elem, len, ref, sizeof(ref)))
			continue;
		t = mg_model_map(m, ref);
		if (t == NULL || t->error != NULL)
			return (0);
	}
	return (1);
}

/*
 * local_fix_blocker - why restoring the default local_recipient_maps
 * (system accounts and aliases) could refuse real users, or NULL: only
 * local(8) delivers to exactly those; mailbox_transport or
 * fallback_transport hand local parts to another agent (Dovecot LMTP),
 * whose users are not accounts here
 */
static const char *
local_fix_blocker(const struct mg_model *m)
{
	static const char *const others[] = { "mailbox_transport",
	    "mailbox_transport_maps", "fallback_transport",
	    "fallback_transport_maps", "mailbox_command",
	    "mailbox_command_maps", NULL };
	char agent[64];
	size_t i;

	mg_check_pf_local_agent(m, agent, sizeof(agent));
	if (strcmp(agent, "local") != 0)
		return ("local_transport is not local(8): its users are not "
		    "this host's accounts");
	for (i = 0; others[i] != NULL; i++)
		if (!empty(m, others[i]))
			return (others[i]);
	if (!tables_read(m, "alias_maps"))
		return ("alias_maps could not be read");
	return (NULL);
}

/* check_local - local_recipient_maps written blank */
static void
check_local(const struct mg_model *m, struct mg_report *r, char *const *d,
    size_t nd, int lo)
{
	const struct mg_param *p = mg_model_param(m, "local_recipient_maps");
	const char *dom = first_domain(d, nd), *blocker;
	struct mg_finding *f;
	struct mg_fix *x;
	char addr[300];

	if (dom == NULL || !blank(m, "local_recipient_maps"))
		return;
	if (!empty(m, "luser_relay"))
		return;		/* the catch-all's own finding */
	f = mg_report_finding(r, "postfix.backscatter.local-recipients",
	    lo ? MG_SEV_INFO : MG_SEV_MEDIUM, "aliases", "Mail to unknown "
	    "local users is accepted, then bounced (local_recipient_maps "
	    "is empty)");
	mg_finding_explain(f, "With local_recipient_maps empty, smtpd "
	    "accepts any local part at the local domains (mydestination); "
	    "local(8) finds no such user later and bounces the mail to its "
	    "sender. Spam carries forged senders, so those bounces go to "
	    "innocent people (backscatter), and the server lands on "
	    "blocklists for sending them. Postfix's default, "
	    "local_recipient_maps = " LRM_DEFAULT ", refuses unknown users "
	    "at RCPT (\"User unknown in local recipient table\") and sends "
	    "no bounce.");
	cite(m, f, "local_recipient_maps");
	cite(m, f, "mydestination");
	mg_finding_evidence(f, NULL, 0, "RCPT TO:<%s@%s>: accepted (no table "
	    "to refuse it); local(8) then bounces it", MG_BACKSCATTER_USER,
	    dom);
	if (lo)
		mg_finding_evidence(f, NULL, 0, "every smtpd listener is on a "
		    "loopback address: no other host can connect now");
	probe_unknown(f, dom);
	if ((blocker = local_fix_blocker(m)) != NULL) {
		mg_finding_evidence(f, NULL, 0, "no automatic fix: %s%s - set "
		    "local_recipient_maps to the table(s) that list the users "
		    "that agent delivers to (for Dovecot: its user list as a "
		    "Postfix table, or reject_unverified_recipient)", blocker,
		    strchr(blocker, ' ') == NULL ? " is set" : "");
		return;
	}
	if (p == NULL || p->file == NULL)
		return;		/* blank only by a -o override: not ours */
	/* the real user the fix must keep: root is an account on every
	 * host, so the default's passwd.byname has it */
	(void)snprintf(addr, sizeof(addr), "root@%.255s", dom);
	mg_finding_probe(f, MG_BACKSCATTER_CLIENT, NULL, "", addr, 0);
	x = mg_report_fix(r, FIX_LOCAL, "Refuse unknown local users at RCPT "
	    "(local_recipient_maps = " LRM_DEFAULT ")");
	mg_check_pf_set_global(m, x, "local_recipient_maps", LRM_DEFAULT);
	mg_check_pf_reload(m, x);
	mg_finding_add_fix(f, FIX_LOCAL);
}

/* check_luser - luser_relay: a catch-all for every unknown local part.
 * It takes effect only when smtpd lets unknown users in (postconf(5):
 * "you must specify local_recipient_maps = "), and only in local(8) */
static void
check_luser(const struct mg_model *m, struct mg_report *r, char *const *d,
    size_t nd, int lo)
{
	const char *dom = first_domain(d, nd);
	char agent[64];
	struct mg_finding *f;

	mg_check_pf_local_agent(m, agent, sizeof(agent));
	if (dom == NULL || empty(m, "luser_relay") ||
	    !blank(m, "local_recipient_maps") || strcmp(agent, "local") != 0)
		return;
	f = mg_report_finding(r, "postfix.backscatter.luser-relay", lo ?
	    MG_SEV_INFO : MG_SEV_LOW, "aliases", "Every local part is "
	    "accepted: luser_relay catches mail to unknown users");
	mg_finding_explain(f, "luser_relay sends mail for users that do not "
	    "exist to one address, and for that local_recipient_maps is "
	    "empty: smtpd accepts any name at the local domains. Dictionary "
	    "spam all lands in that mailbox, and if the luser_relay address "
	    "itself fails, every such message bounces to its forged sender "
	    "(backscatter). No automatic fix: the catch-all may be wanted. "
	    "If it is not, remove luser_relay and restore "
	    "local_recipient_maps = " LRM_DEFAULT " (delete the blank "
	    "line); if it is, list the addresses it should catch in "
	    "virtual_alias_maps instead (user@domain  target), so the rest "
	    "is refused at RCPT.");
	cite(m, f, "luser_relay");
	cite(m, f, "local_recipient_maps");
	cite(m, f, "mydestination");
	if (lo)
		mg_finding_evidence(f, NULL, 0, "every smtpd listener is on a "
		    "loopback address: no other host can connect now");
	probe_unknown(f, dom);
}

/* relay_domains_here - the relay domains that are not local or virtual
 * (relay_domains = $mydestination, the old default, names only local
 * ones), into rel; *tables: relay_domains has a table whose domains
 * were not listed */
static size_t
relay_domains_here(const struct mg_model *m, char **rel, size_t max,
    int *tables)
{
	char *other[DOMS_MAX + 1], *all[DOMS_MAX + 1];
	const char *cur, *elem, *v = mg_model_value(m, "relay_domains");
	const struct mg_map *t;
	char ref[4096];
	size_t n = 0, no = 0, na, i, len;

	*tables = 0;
	for (cur = v != NULL ? v : ""; mg_pf_list_next(&cur, &elem, &len);)
		if (mg_pf_map_ref(elem, len, ref, sizeof(ref)) &&
		    ((t = mg_model_map(m, ref)) == NULL || !t->listed))
			*tables = 1;
	other[0] = all[0] = NULL;
	no = mg_pf_domains(m, "mydestination", other, no, DOMS_MAX + 1);
	no = mg_pf_domains(m, "virtual_alias_domains", other, no,
	    DOMS_MAX + 1);
	no = mg_pf_domains(m, "virtual_mailbox_domains", other, no,
	    DOMS_MAX + 1);
	na = mg_pf_domains(m, "relay_domains", all, 0, DOMS_MAX + 1);
	for (i = 0; i < na; i++) {
		if (!in_list(other, no, all[i]) && n + 1 < max)
			rel[n++] = all[i];
		else
			free(all[i]);
	}
	rel[n] = NULL;
	for (i = 0; i < no; i++)
		free(other[i]);
	return (n);
}

/* in_restrictions - a restriction list names word */
static int
in_restrictions(const struct mg_model *m, const char *word)
{
	static const char *const params[] = { "smtpd_recipient_restrictions",
	    "smtpd_relay_restrictions", NULL };
	const char *cur, *elem, *v;
	size_t i, len, n = strlen(word);

	for (i = 0; params[i] != NULL; i++) {
		v = mg_model_value(m, params[i]);
		for (cur = v != NULL ? v : ""; mg_pf_list_next(&cur, &elem,
		    &len);)
			if (len == n && strncmp(elem, word, n) == 0)
				return (1);
	}
	return (0);
}

/* check_relay - relay_domains without relay_recipient_maps */
static void
check_relay(const struct mg_model *m, struct mg_report *r, int lo)
{
	char *rel[DOMS_MAX + 1];
	struct mg_finding *f;
	size_t n, i;
	int tables;

	/* address verification refuses unknown users at RCPT */
	if (!blank(m, "relay_recipient_maps") ||
	    in_restrictions(m, "reject_unverified_recipient"))
		return;
	/* a table whose domains are not known (SQL, a proxy while Postfix
	 * is stopped) may be empty, as in most Mailu and iRedMail setups:
	 * no finding on a guess */
	n = relay_domains_here(m, rel, DOMS_MAX + 1, &tables);
	if (n == 0)
		return;
	f = mg_report_finding(r, "postfix.backscatter.relay-recipients",
	    lo ? MG_SEV_INFO : MG_SEV_MEDIUM, "aliases", "Mail to any "
	    "address at the relay domains is accepted, then bounced by the "
	    "next hop (no relay_recipient_maps)");
	mg_finding_explain(f, "Postfix relays mail for relay_domains to the "
	    "server behind it. Without relay_recipient_maps it cannot tell "
	    "which addresses exist there, so smtpd accepts every one; the "
	    "next hop refuses the unknown ones and Postfix bounces them to "
	    "their (usually forged) senders: backscatter. No automatic fix: "
	    "only you know the valid addresses. Write them into a table, "
	    "one per line (\"user@domain  x\", or \"@domain  x\" for a "
	    "domain that takes everything), run postmap on it, and set "
	    "relay_recipient_maps = hash:/etc/postfix/relay_recipients; or, "
	    "if the next hop answers RCPT honestly, add "
	    "reject_unverified_recipient to smtpd_recipient_restrictions.");
	cite(m, f, "relay_domains");
	cite(m, f, "relay_recipient_maps");
	for (i = 0; i < n && i < 8; i++)
		mg_finding_evidence(f, NULL, 0, "%s is a relay domain: RCPT "
		    "TO:<%s@%s> is accepted (no table to refuse it)", rel[i],
		    MG_BACKSCATTER_USER, rel[i]);
	if (n > 8)
		mg_finding_evidence(f, NULL, 0, "and %zu more relay domains",
		    n - 8);
	if (tables)
		mg_finding_evidence(f, NULL, 0, "relay_domains also names a "
		    "table that was not listed: its domains are affected too");
	if (lo)
		mg_finding_evidence(f, NULL, 0, "every smtpd listener is on a "
		    "loopback address: no other host can connect now");
	probe_unknown(f, rel[0]);
	for (i = 0; i < n; i++)
		free(rel[i]);
}

/* check_unlisted - smtpd_reject_unlisted_recipient = no: the recipient
 * tables are not asked at RCPT at all (postconf(5)), unless a
 * restriction names reject_unlisted_recipient */
static void
check_unlisted(const struct mg_model *m, struct mg_report *r, char *const *d,
    size_t nd, int lo)
{
	const char *v = mg_model_value(m, "smtpd_reject_unlisted_recipient");
	const char *dom = first_domain(d, nd);
	struct mg_finding *f;

	if (v == NULL || strcasecmp(v, "no") != 0 || dom == NULL ||
	    in_restrictions(m, "reject_unlisted_recipient"))
		return;
	f = mg_report_finding(r, "postfix.backscatter.unlisted-off",
	    lo ? MG_SEV_INFO : MG_SEV_MEDIUM, "aliases", "Mail to unknown "
	    "users is accepted, then bounced "
	    "(smtpd_reject_unlisted_recipient = no)");
	mg_finding_explain(f, "smtpd_reject_unlisted_recipient = no tells "
	    "smtpd not to ask local_recipient_maps, virtual_mailbox_maps, "
	    "virtual_alias_maps or relay_recipient_maps at RCPT: every "
	    "address at your domains is accepted, and the unknown ones "
	    "bounce later to their (usually forged) senders: backscatter. "
	    "No automatic fix: it is usually turned off because a table "
	    "missed real users. Make sure the tables list every user, then "
	    "remove the line (the default is yes), or add "
	    "reject_unlisted_recipient to smtpd_recipient_restrictions.");
	cite(m, f, "smtpd_reject_unlisted_recipient");
	cite(m, f, "smtpd_recipient_restrictions");
	if (lo)
		mg_finding_evidence(f, NULL, 0, "every smtpd listener is on a "
		    "loopback address: no other host can connect now");
	probe_unknown(f, dom);
}

/* own_line - the override p is alone on its master.cf line ("  -o
 * name=value"): that line can be commented out without touching the
 * rest of the entry (master(5): a line whose first non-blank character
 * is '#' is ignored, also inside an entry) */
static const char *
own_line(const struct mg_model *m, const struct mg_param *p)
{
	const struct mg_srcfile *src;
	const char *l, *v;
	size_t n = strlen(p->name);

	if (p->file == NULL || p->line == 0 || p->end_line > p->line ||
	    (src = mg_model_file(m, p->file)) == NULL ||
	    p->line > src->nlines)
		return (NULL);
	l = src->lines[p->line - 1];
	if (l[0] != ' ' && l[0] != '\t')
		return (NULL);	/* the entry's first line */
	v = l + strspn(l, " \t");
	if (strncmp(v, "-o", 2) != 0)
		return (NULL);
	v += 2;
	v += strspn(v, " \t");
	if (strncmp(v, p->name, n) != 0)
		return (NULL);
	v += n;
	v += strspn(v, " \t");
	if (*v != '=')
		return (NULL);
	v++;
	v += strspn(v, " \t");
	v += strcspn(v, " \t");
	return (v[strspn(v, " \t")] == '\0' ? l : NULL);
}

/* has_word - the list v names word */
static int
has_word(const char *v, const char *word)
{
	const char *cur, *elem;
	size_t len, n = strlen(word);

	for (cur = v != NULL ? v : ""; mg_pf_list_next(&cur, &elem, &len);)
		if (len == n && strncasecmp(elem, word, n) == 0)
			return (1);
	return (0);
}

/* comment_out - the fix comments out the override's own line; 0 if it
 * shares its line with more */
static int
comment_out(const struct mg_model *m, struct mg_fix *x,
    const struct mg_param *p)
{
	const char *l = own_line(m, p);
	struct mg_str text = MG_STR_INIT;

	if (l == NULL)
		return (0);
	mg_str_printf(&text, "#%s", l);
	(void)mg_fix_replace_line(x, p->file, p->line, l, mg_str_cstr(&text));
	mg_str_free(&text);
	return (1);
}

/* without_word - receive_override_options' value without word, into
 * out */
static void
without_word(const char *v, const char *word, struct mg_str *out)
{
	const char *cur, *elem;
	size_t len, n = strlen(word);

	mg_str_init(out);
	for (cur = v != NULL ? v : ""; mg_pf_list_next(&cur, &elem, &len);) {
		if (len == n && strncasecmp(elem, word, n) == 0)
			continue;
		if (out->len > 0)
			mg_str_puts(out, ",");
		mg_str_append(out, elem, len);
	}
}

#define NO_UNKNOWN "no_unknown_recipient_checks"
#define FIX_SERVICE "postfix.backscatter.service-override"

/* struct svc_hole - what one public smtpd's own settings turn off */
struct svc_hole {
	const struct mg_param *own;	/* its -o, or NULL: main.cf's */
	const char *what;		/* why unknown users get in */
};

/*
 * service_holes - the overrides of public smtpd s that make it accept
 * unknown recipients while main.cf refuses them: -o local_recipient_maps=
 * (a local domain exists), -o relay_recipient_maps= (relay domains
 * exist), -o smtpd_reject_unlisted_recipient=no, and
 * receive_override_options with no_unknown_recipient_checks (postconf(5):
 * "typically specified AFTER an external content filter", that is on
 * its loopback return port) - here or in main.cf; into h, the count
 */
static size_t
service_holes(const struct mg_model *m, const struct mg_service *s,
    size_t nd, size_t nrel, struct svc_hole *h)
{
	const struct mg_param *p;
	size_t n = 0;

	if (nd > 0 && (p = mg_service_override(s, "local_recipient_maps")) !=
	    NULL && !empty(m, "local_recipient_maps") && (p->value == NULL ||
	    p->value[strspn(p->value, " \t,")] == '\0')) {
		h[n].own = p;
		h[n++].what = "local_recipient_maps is empty for it: any "
		    "local part at the local domains is accepted";
	}
	if (nrel > 0 && (p = mg_service_override(s, "relay_recipient_maps")) !=
	    NULL && !empty(m, "relay_recipient_maps") && (p->value == NULL ||
	    p->value[strspn(p->value, " \t,")] == '\0')) {
		h[n].own = p;
		h[n++].what = "relay_recipient_maps is empty for it: any "
		    "address at the relay domains is accepted";
	}
	if ((p = mg_service_override(s, "smtpd_reject_unlisted_recipient")) !=
	    NULL && p->value != NULL && strcasecmp(p->value, "no") == 0 &&
	    !in_restrictions(m, "reject_unlisted_recipient")) {
		h[n].own = p;
		h[n++].what = "smtpd_reject_unlisted_recipient = no for it: "
		    "no recipient table is asked at RCPT";
	}
	(void)mg_service_value(m, s, "receive_override_options", &p);
	if (p != NULL && has_word(p->value, NO_UNKNOWN)) {
		h[n].own = mg_service_override(s, "receive_override_options");
		h[n++].what = "receive_override_options has " NO_UNKNOWN ": "
		    "smtpd does not refuse unknown recipients at all";
	}
	return (n);
}

/* hole_fix - the fix's edit for one hole: its own -o line commented out,
 * or no_unknown_recipient_checks taken out of its -o value; 0 if none is
 * safe (main.cf's receive_override_options: other services may need it) */
static int
hole_fix(const struct mg_model *m, struct mg_fix *x, const struct svc_hole *h)
{
	struct mg_str rest;
	int ok;

	if (h->own == NULL)
		return (0);
	if (strcmp(h->own->name, "receive_override_options") != 0)
		return (comment_out(m, x, h->own));
	without_word(h->own->value, NO_UNKNOWN, &rest);
	if (rest.len == 0)
		ok = comment_out(m, x, h->own);
	else
		ok = mg_check_pf_edit_override(m, x, h->own,
		    mg_str_cstr(&rest));
	mg_str_free(&rest);
	return (ok);
}

/* for_clients - a service set up for mail clients that log in: port 587
 * or 465 (or master.cf's syslog_name marker), or its own -o
 * smtpd_sasl_auth_enable=yes (Mailu's 10025 behind its authenticating
 * front).  check_pf_submission judges what such a port takes from
 * clients that did not log in, smtpd_reject_unlisted_recipient=no
 * included. */
static int
for_clients(const struct mg_model *m, const struct mg_service *s)
{
	const struct mg_param *p = mg_service_override(s,
	    "smtpd_sasl_auth_enable");
	const char *colon = strrchr(s->name, ':'), *port, *v;
	size_t n;

	port = colon != NULL ? colon + 1 : s->name;
	if (strcmp(port, "587") == 0 || strcmp(port, "submission") == 0 ||
	    mg_check_pf_smtps(m, s))
		return (1);
	if (p != NULL && p->value != NULL && strcasecmp(p->value, "yes") == 0)
		return (1);
	v = mg_service_override(s, "syslog_name") != NULL ?
	    mg_service_value(m, s, "syslog_name", NULL) : NULL;
	n = v != NULL ? strlen(v) : 0;
	return (n >= 11 && strcmp(v + n - 11, "/submission") == 0);
}

/* front - the smtpd where mail from other servers arrives: the first
 * inet smtpd that is not for clients, or behind postscreen its "smtpd
 * pass" (as the proof's private Postfix chooses it); NULL if none */
static const struct mg_service *
front(const struct mg_model *m)
{
	const struct mg_service *s;
	size_t i, k;

	for (i = 0; i < m->nservices; i++) {
		s = &m->services[i];
		if (strcmp(s->type, "inet") != 0 || s->command == NULL ||
		    for_clients(m, s))
			continue;
		if (strcmp(s->command, "smtpd") == 0)
			return (s);
		if (strcmp(s->command, "postscreen") != 0)
			continue;
		for (k = 0; k < m->nservices; k++)
			if (strcmp(m->services[k].type, "pass") == 0 &&
			    m->services[k].command != NULL &&
			    strcmp(m->services[k].command, "smtpd") == 0)
				return (&m->services[k]);
		return (NULL);
	}
	return (NULL);
}

/*
 * check_services - a public smtpd service whose own settings accept what
 * main.cf refuses.  The content filter's return port (amavis
 * 127.0.0.1:10025 with -o local_recipient_maps= and
 * receive_override_options=no_unknown_recipient_checks) is loopback-only
 * and gets no finding; so does a service that refuses clients that did
 * not log in (docker-mailserver's submission with
 * -o smtpd_reject_unlisted_recipient=no: a user's typo bounces to that
 * user, not to a forged sender).  The same lines copied onto port 25, or
 * onto a port every address reaches, let backscatter in through that
 * door.  Where every listener is on loopback (lo), only the front smtpd
 * is judged (severity info, as the other findings here): the filter's
 * return port is still not where outside mail arrives.
 */
static void
check_services(const struct mg_model *m, struct mg_report *r,
    char *const *d, size_t nd, int lo)
{
	char *rel[DOMS_MAX + 1], svc[300], addr[300];
	const struct mg_service *s;
	const struct mg_param *gate;
	struct svc_hole h[4];
	struct mg_finding *f = NULL;
	struct mg_fix *x = NULL;
	enum mg_pf_reach reach;
	enum mg_severity sev;
	size_t i, k, n, nrel;
	int tables, edits = 0, whole = 1, shared = 0;
	const char *dom = first_domain(d, nd), *pdom;
	const struct mg_service *pub = front(m);

	nrel = relay_domains_here(m, rel, DOMS_MAX + 1, &tables);
	for (i = 0; i < m->nservices; i++) {
		s = &m->services[i];
		if (s->command == NULL || strcmp(s->command, "smtpd") != 0 ||
		    (strcmp(s->type, "inet") != 0 &&
		    strcmp(s->type, "pass") != 0) ||
		    ((reach = mg_check_pf_reach(m, s)) ==
		    MG_PF_REACH_LOOPBACK && (!lo || s != pub)) ||
		    mg_check_pf_gate(m, s, &gate) != MG_PF_GATE_NONE ||
		    for_clients(m, s) ||
		    (n = service_holes(m, s, dom != NULL ? nd : 0, nrel,
		    h)) == 0)
			continue;
		sev = lo ? MG_SEV_INFO :
		    mg_check_pf_reach_severity(MG_SEV_MEDIUM, reach);
		if (f == NULL) {
			f = mg_report_finding(r, FIX_SERVICE, sev, "aliases",
			    "A public smtpd service accepts mail to unknown "
			    "users, then bounces it (its own settings turn "
			    "the recipient check off)");
			mg_finding_explain(f, "main.cf refuses unknown "
			    "recipients at RCPT, but this service's -o "
			    "overrides (or receive_override_options) turn "
			    "that off: settings meant for a content filter's "
			    "return port, which only this host reaches, here "
			    "on a port other hosts connect to. Spam to made-up "
			    "addresses is accepted there and bounced later to "
			    "its forged senders (backscatter), which puts the "
			    "server on blocklists. The fix comments out those "
			    "override lines (or takes no_unknown_recipient_"
			    "checks out of the service's receive_override_"
			    "options), so the service asks main.cf's tables "
			    "as port 25 does. If a content filter re-injects "
			    "mail through this service, give the filter a "
			    "loopback-only port of its own (127.0.0.1:10025) "
			    "with these overrides instead.");
			x = mg_report_fix(r, FIX_SERVICE, "Let public smtpd "
			    "services refuse unknown users at RCPT (their "
			    "recipient-check overrides removed)");
		} else if (sev > f->severity)
			f->severity = sev;
		for (k = 0; k < n; k++) {
			if (h[k].own != NULL)
				mg_finding_evidence(f, h[k].own->file,
				    h[k].own->line, "service %s (%s): -o %s=%s "
				    "- %s; %s", s->name, s->type,
				    h[k].own->name, h[k].own->value != NULL ?
				    h[k].own->value : "", h[k].what,
				    mg_check_pf_reach_text(reach));
			else {
				cite(m, f, "receive_override_options");
				mg_finding_evidence(f, s->file, s->line,
				    "service %s (%s) takes it from main.cf - "
				    "%s; %s; no automatic fix: other services "
				    "(a filter's return port) may need it - "
				    "move it to their -o lines", s->name,
				    s->type, h[k].what,
				    mg_check_pf_reach_text(reach));
			}
			if (hole_fix(m, x, &h[k]))
				edits++;
			else {
				whole = 0;
				shared += h[k].own != NULL;
			}
		}
		(void)snprintf(svc, sizeof(svc), "%.200s/%.20s", s->name,
		    s->type);
		/* the made-up user where this service's hole is: at a relay
		 * domain when only relay_recipient_maps is off */
		pdom = dom != NULL && !(n == 1 && h[0].own != NULL &&
		    strcmp(h[0].own->name, "relay_recipient_maps") == 0) ?
		    dom : nrel > 0 ? rel[0] : NULL;
		if (pdom != NULL) {
			(void)snprintf(addr, sizeof(addr), "%s@%.255s",
			    MG_BACKSCATTER_USER, pdom);
			mg_finding_probe(f, MG_BACKSCATTER_CLIENT, NULL, "",
			    addr, 1);
			mg_finding_probe_service(f, svc);
		}
	}
	for (i = 0; i < nrel; i++)
		free(rel[i]);
	if (f == NULL)
		return;
	/* a fix that leaves a hole open would be refused by its re-check:
	 * none unless every hole has its edit */
	if (!whole || edits == 0) {
		if (shared > 0)
			mg_finding_evidence(f, NULL, 0, "no automatic fix: an "
			    "override shares its master.cf line with others - "
			    "remove it by hand (postconf -P -X "
			    "service/type/name)");
		mg_report_drop_fix(r, FIX_SERVICE);
		return;
	}
	mg_check_pf_reload(m, x);
	mg_finding_add_fix(f, FIX_SERVICE);
}

/* mg_check_pf_backscatter - unknown recipients accepted, bounced later */
void
mg_check_pf_backscatter(const struct mg_model *m, struct mg_report *r)
{
	char *d[DOMS_MAX + 1];
	size_t nd, i;
	int lo = mg_check_pf_loopback_only(m);

	d[0] = NULL;
	nd = mg_pf_domains(m, "mydestination", d, 0, DOMS_MAX + 1);
	check_local(m, r, d, nd, lo);
	check_luser(m, r, d, nd, lo);
	check_relay(m, r, lo);
	check_unlisted(m, r, d, nd, lo);
	check_services(m, r, d, nd, lo);
	for (i = 0; i < nd; i++)
		free(d[i]);
}
