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
	for (i = 0; i < nd; i++)
		free(d[i]);
}
