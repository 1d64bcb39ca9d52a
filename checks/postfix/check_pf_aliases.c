/*
 * check_pf_aliases.c - do root and postmaster reach a person, where
 * Postfix really looks for them?  Two questions per address, each
 * answered from the tables Postfix consults, in its order, with the
 * answers of postmap -q (ADDRESS_CLASS_README, smtpd_check.c):
 *
 * - RCPT (smtpd): an address in virtual_alias_maps is accepted; else by
 *   the domain's class - mydestination: local_recipient_maps when it is
 *   not empty ("User unknown in local recipient table"), except that
 *   postmaster@ is always accepted; a virtual alias domain: "User
 *   unknown in virtual alias table"; a virtual mailbox domain:
 *   virtual_mailbox_maps ("User unknown in virtual mailbox table").
 * - Delivery (cleanup, then the agent): virtual_alias_maps first, then
 *   the domain's agent - local_transport for mydestination: local(8)
 *   reads alias_maps by local part, then the account; virtual(8)
 *   (local_transport = virtual) only virtual_mailbox_maps.
 *
 * incident 2: with virtual delivery /etc/aliases is never read
 * and root@localhost bounced.  Also: tables whose source is newer than
 * the compiled file, and localhost accepting mail from other hosts.
 * Where a table on that path could not be read, the answer is unknown
 * (Postfix itself stops there with 451 4.3.0), and a finding says so and
 * names the table rather than staying silent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../backends/postfix/pf_list.h"
#include "../../backends/postfix/pf_maps.h"
#include "../../core/mg_str.h"
#include "../checks.h"

#define DOMS_MAX 48
#define FIX_ALIAS "postfix.aliases.add"
#define FIX_VIRTUAL "postfix.aliases.add-virtual"
#define FIX_REBUILD "postfix.maps.rebuild"
#define FIX_LOCALHOST "postfix.localhost.local-only"
#define OUTSIDER "198.51.100.9"	/* TEST-NET-2: nobody's trusted host */
#define UNKNOWN_MAX 8

/* Where Postfix delivers a domain's mail (ADDRESS_CLASS_README). */
enum dclass {
	DC_LOCAL,		/* mydestination */
	DC_VALIAS,		/* virtual_alias_domains */
	DC_VMAILBOX		/* virtual_mailbox_domains */
};

struct dom {
	char name[256];
	enum dclass cls;
};

/* What an address resolves to. */
struct found {
	const struct mg_map *map;	/* the table that answered */
	const char *key;		/* the key it answered for */
	const char *value;		/* its answer */
};

/* add_domains - the domains of a list parameter: its words and the
 * domain keys of tables in it (mg_pf_domains), each with its class */
static void
add_domains(const struct mg_model *m, const char *param, enum dclass cls,
    struct dom *d, size_t *n)
{
	char *names[DOMS_MAX + 1];
	size_t k, got, i;

	names[0] = NULL;
	got = mg_pf_domains(m, param, names, 0, DOMS_MAX + 1);
	for (k = 0; k < got; k++) {
		for (i = 0; i < *n; i++)
			if (strcasecmp(d[i].name, names[k]) == 0)
				break;
		if (i == *n && *n < DOMS_MAX && strlen(names[k]) <
		    sizeof(d[0].name)) {
			(void)snprintf(d[*n].name, sizeof(d[0].name), "%s",
			    names[k]);
			d[(*n)++].cls = cls;
		}
		free(names[k]);
	}
}

/* lookup - the first table of param that answers key; -1 if a table
 * before it could not be asked (the answer is unknown: Postfix stops at a
 * table that fails, with "451 4.3.0 Temporary lookup failure"), 0 not
 * found, 1 found */
static int
lookup(const struct mg_model *m, const char *param, const char *key,
    struct found *out)
{
	const char *cur, *elem, *v = mg_model_value(m, param);
	const struct mg_map *t;
	const struct mg_map_entry *e;
	char ref[4096];
	size_t len;

	for (cur = v != NULL ? v : ""; mg_pf_list_next(&cur, &elem, &len);) {
		if (!mg_pf_map_ref(elem, len, ref, sizeof(ref)))
			continue;
		t = mg_model_map(m, ref);
		e = t != NULL ? mg_map_answer(t, key) : NULL;
		if (e == NULL)
			return (-1);
		if (e->value != NULL) {
			out->map = t;
			out->key = e->key;
			out->value = e->value;
			return (1);
		}
	}
	return (0);
}

/* Addresses whose way could not be followed, for one "unknown" finding. */
struct unknown {
	char addr[UNKNOWN_MAX][280];
	size_t n;
};

/* note_unknown - user@dom could not be resolved */
static void
note_unknown(struct unknown *u, const struct dom *d, const char *user)
{
	if (u->n < UNKNOWN_MAX)
		(void)snprintf(u->addr[u->n], sizeof(u->addr[0]),
		    "%.16s@%.255s", user, d->name);
	u->n++;
}

/* find_addr - mail_addr_find(3)'s order for user@domain: the address,
 * the local part alone when the domain is local, then @domain */
static int
find_addr(const struct mg_model *m, const char *param, const char *user,
    const struct dom *d, struct found *out)
{
	char key[512];
	int rc;

	(void)snprintf(key, sizeof(key), "%s@%s", user, d->name);
	if ((rc = lookup(m, param, key, out)) != 0)
		return (rc);
	if (d->cls == DC_LOCAL && (rc = lookup(m, param, user, out)) != 0)
		return (rc);
	(void)snprintf(key, sizeof(key), "@%s", d->name);
	return (lookup(m, param, key, out));
}

/* local_agent - the delivery agent of local_transport: the command of
 * its master.cf service ("local", "virtual", "lmtp", "pipe"), else the
 * transport's own name */
static void
local_agent(const struct mg_model *m, char *buf, size_t size)
{
	const char *v = mg_model_value(m, "local_transport");
	size_t n, i;

	if (v == NULL || *v == '\0')
		v = "local";
	n = strcspn(v, ":");
	(void)snprintf(buf, size, "%.*s", (int)n, v);
	for (i = 0; i < m->nservices; i++)
		if (strcmp(m->services[i].type, "unix") == 0 &&
		    strcmp(m->services[i].name, buf) == 0 &&
		    m->services[i].command != NULL) {
			(void)snprintf(buf, size, "%s",
			    m->services[i].command);
			return;
		}
}

/*
 * rcpt_verdict - smtpd's answer to RCPT TO:<user@d> from a client with
 * no special rights (smtpd_check.c, check_rcpt_maps): 1 accepted, 0
 * refused, -1 unknown (a table could not be asked).  why says which
 * table decided, or smtpd's reject text.
 */
static int
rcpt_verdict(const struct mg_model *m, const struct dom *d,
    const char *user, char *why, size_t size)
{
	const char *v = mg_model_value(m, "local_recipient_maps");
	struct found fo;
	int rc, unknown;

	rc = find_addr(m, "virtual_alias_maps", user, d, &fo);
	if (rc == 1) {
		(void)snprintf(why, size, "in virtual_alias_maps (%s)",
		    fo.map->ref);
		return (1);
	}
	if (rc < 0) {
		(void)snprintf(why, size, "virtual_alias_maps could not be "
		    "read (Postfix answers 451 4.3.0)");
		return (-1);
	}
	unknown = 0;
	switch (d->cls) {
	case DC_LOCAL:
		if (v == NULL || *v == '\0') {
			(void)snprintf(why, size, "local_recipient_maps is "
			    "empty: every local part is accepted");
			return (1);
		}
		if (strcasecmp(user, "postmaster") == 0) {
			(void)snprintf(why, size, "smtpd accepts postmaster@ "
			    "a local domain without asking "
			    "local_recipient_maps");
			return (1);
		}
		rc = find_addr(m, "local_recipient_maps", user, d, &fo);
		if (rc == 1) {
			(void)snprintf(why, size, "in local_recipient_maps "
			    "(%s)", fo.map->ref);
			return (1);
		}
		(void)snprintf(why, size, "\"User unknown in local recipient "
		    "table\"");
		break;
	case DC_VALIAS:
		rc = 0;
		(void)snprintf(why, size, "\"User unknown in virtual alias "
		    "table\"");
		break;
	default:
		rc = find_addr(m, "virtual_mailbox_maps", user, d, &fo);
		if (rc == 1) {
			(void)snprintf(why, size, "a mailbox in "
			    "virtual_mailbox_maps (%s)", fo.map->ref);
			return (1);
		}
		(void)snprintf(why, size, "\"User unknown in virtual mailbox "
		    "table\"");
		break;
	}
	return (unknown || rc < 0 ? -1 : 0);
}

/* Where mail to an address ends once Postfix has it. */
enum fate {
	FATE_UNKNOWN = -1,	/* a table could not be asked */
	FATE_BOUNCED = 0,	/* no table has it: bounced */
	FATE_REACHED,		/* an alias or a mailbox (*out) */
	FATE_HOSTBOX,		/* local(8): the account's mailbox here */
	FATE_ELSEWHERE		/* another agent (lmtp, pipe) decides */
};

/* has_account - is there a system account of that name?  What
 * unix:passwd.byname answered (the backend asks getpwnam), else root
 * only: root always has one, postmaster rarely */
static int
has_account(const struct mg_model *m, const char *user)
{
	const struct mg_map_entry *e;
	size_t i;

	for (i = 0; i < m->nmaps; i++) {
		if (strcmp(m->maps[i].ref, "unix:passwd.byname") != 0 &&
		    strcmp(m->maps[i].ref, "proxy:unix:passwd.byname") != 0)
			continue;
		if ((e = mg_map_answer(&m->maps[i], user)) != NULL)
			return (e->value != NULL);
	}
	return (strcasecmp(user, "root") == 0);
}

/*
 * resolve - where mail to user@dom goes (cleanup's virtual_alias_maps,
 * then the domain's delivery agent), whether it came over SMTP or from
 * sendmail on this host
 */
static enum fate
resolve(const struct mg_model *m, const struct dom *d, const char *user,
    struct found *out)
{
	char agent[64];
	int rc, unknown;

	if ((rc = find_addr(m, "virtual_alias_maps", user, d, out)) == 1)
		return (FATE_REACHED);
	if (rc < 0)
		return (FATE_UNKNOWN);	/* Postfix stops there: 451 */
	unknown = 0;
	if (d->cls == DC_VALIAS)
		return (unknown ? FATE_UNKNOWN : FATE_BOUNCED);
	if (d->cls == DC_LOCAL) {
		local_agent(m, agent, sizeof(agent));
		if (strcmp(agent, "local") == 0) {
			rc = lookup(m, "alias_maps", user, out);
			if (rc == 1)
				return (FATE_REACHED);
			if (rc < 0)
				return (FATE_UNKNOWN);
			/* local(8) then delivers to the account */
			return (has_account(m, user) ? FATE_HOSTBOX :
			    FATE_BOUNCED);
		}
		if (strcmp(agent, "virtual") != 0)
			return (FATE_ELSEWHERE);
	}
	/* virtual(8): virtual_mailbox_maps, the address or @domain */
	{
		struct dom v = *d;

		v.cls = DC_VMAILBOX;
		rc = find_addr(m, "virtual_mailbox_maps", user, &v, out);
	}
	if (rc == 1)
		return (FATE_REACHED);
	return (unknown || rc < 0 ? FATE_UNKNOWN : FATE_BOUNCED);
}

/* first_table - the first table of param with a source file in the
 * model, where new entries can go; NULL if none */
static const struct mg_map *
first_table(const struct mg_model *m, const char *param)
{
	const char *cur, *elem, *v = mg_model_value(m, param);
	const struct mg_map *t;
	char ref[4096];
	size_t len;

	for (cur = v != NULL ? v : ""; mg_pf_list_next(&cur, &elem, &len);) {
		if (!mg_pf_map_ref(elem, len, ref, sizeof(ref)))
			continue;
		t = mg_model_map(m, ref);
		if (t != NULL && t->source != NULL && t->error == NULL &&
		    mg_model_file(m, t->source) != NULL &&
		    mg_model_file(m, t->source)->nlines > 0)
			return (t);
	}
	return (NULL);
}

/*
 * pick_target - where root's and postmaster's mail should go: what
 * alias_maps says for root when that is a mail address (the operator
 * already chose the person), else the first mailbox of
 * virtual_mailbox_maps; 0 if there is no sensible guess
 */
static int
pick_target(const struct mg_model *m, char *buf, size_t size)
{
	const struct mg_map *t;
	struct found f;
	size_t n;

	if (lookup(m, "alias_maps", "root", &f) == 1 &&
	    strchr(f.value, '@') != NULL && strchr(f.value, '|') == NULL &&
	    f.value[0] != '/' && f.value[0] != ':') {
		n = strcspn(f.value, ", \t");
		(void)snprintf(buf, size, "%.*s", (int)n, f.value);
		return (1);
	}
	t = first_table(m, "virtual_mailbox_maps");
	if (t != NULL && t->nentries > 0 && t->entries[0].key[0] != '@') {
		(void)snprintf(buf, size, "%s", t->entries[0].key);
		return (1);
	}
	return (0);
}

/* append_lines - add text after the last line of the table's source */
static void
append_lines(const struct mg_model *m, struct mg_fix *x,
    const struct mg_map *t, const char *text)
{
	const struct mg_srcfile *f = mg_model_file(m, t->source);
	struct mg_str s = MG_STR_INIT;
	const char *last = f->lines[f->nlines - 1];

	mg_str_printf(&s, "%s\n%s", last, text);
	(void)mg_fix_replace_line(x, t->source, (unsigned)f->nlines, last,
	    mg_str_cstr(&s));
	mg_str_free(&s);
}

/* rebuild - the post-command that compiles a table after an edit; a
 * proxy: table is built as its inner table (postmap: "can't create maps
 * via the proxy service") */
static void
rebuild(const struct mg_model *m, struct mg_fix *x, const struct mg_map *t,
    int alias)
{
	const char *argv[] = { alias ? "postalias" : "postmap", "-c",
	    m->config_dir, strcmp(t->type, "proxy") == 0 ? t->name : t->ref,
	    NULL };
	size_t i;

	if (m->config_dir == NULL)
		return;
	for (i = 0; i < x->npost; i++)
		if (strcmp(x->post[i].argv[x->post[i].argc - 1], argv[3]) == 0)
			return;
	mg_fix_post(x, argv);
}

/* cite_param - evidence: the main.cf line of a parameter */
static void
cite_param(const struct mg_model *m, struct mg_finding *f,
    const char *name)
{
	const struct mg_param *p = mg_model_param(m, name);

	if (p == NULL)
		mg_finding_evidence(f, NULL, 0, "%s is empty", name);
	else
		mg_finding_evidence(f, p->file, p->line, "%s = %s", name,
		    p->value != NULL ? p->value : "");
}

/* by_virtual - is the domain's mail delivered by virtual(8) (or, for a
 * virtual alias domain, only virtual_alias_maps): alias_maps unread */
static int
by_virtual(const struct mg_model *m, const struct dom *d)
{
	char agent[64];

	if (d->cls != DC_LOCAL)
		return (1);
	local_agent(m, agent, sizeof(agent));
	return (strcmp(agent, "virtual") == 0);
}

/* virtual_evidence - one address that bounces, and why */
static void
virtual_evidence(const struct mg_model *m, struct mg_finding *f,
    const struct dom *d, const char *user)
{
	char why[512];
	int rc;

	if (d->cls != DC_LOCAL) {
		mg_finding_evidence(f, NULL, 0, "%s@%s: not in "
		    "virtual_alias_maps%s - rejected \"User unknown in "
		    "virtual %s table\"", user, d->name, d->cls ==
		    DC_VMAILBOX ? " nor virtual_mailbox_maps" : "",
		    d->cls == DC_VMAILBOX ? "mailbox" : "alias");
		return;
	}
	rc = rcpt_verdict(m, d, user, why, sizeof(why));
	mg_finding_evidence(f, NULL, 0, "%s@%s: %s %s; local_transport = "
	    "virtual then looks for it in virtual_mailbox_maps, not "
	    "alias_maps, and bounces it (not in virtual_alias_maps either)",
	    user, d->name, rc == 1 ? "accepted at RCPT -" : rc == 0 ?
	    "refused at RCPT, but mail from this host's programs is "
	    "accepted -" : "RCPT verdict unknown -", why);
}

/* check_virtual - root/postmaster where only the virtual tables count */
static void
check_virtual(const struct mg_model *m, struct mg_report *r,
    const struct dom *d, size_t nd, struct unknown *unk)
{
	static const char *const users[] = { "postmaster", "root", NULL };
	struct mg_finding *f = NULL;
	struct mg_str add = MG_STR_INIT;
	const struct mg_map *t;
	struct mg_fix *x;
	struct found fo;
	char target[512];
	size_t i, u;
	enum fate fate;

	for (i = 0; i < nd; i++) {
		if (!by_virtual(m, &d[i]))
			continue;
		for (u = 0; users[u] != NULL; u++) {
			fate = resolve(m, &d[i], users[u], &fo);
			if (fate == FATE_UNKNOWN)
				note_unknown(unk, &d[i], users[u]);
			if (fate != FATE_BOUNCED)
				continue;
			if (f == NULL) {
				f = mg_report_finding(r,
				    "postfix.aliases.virtual", MG_SEV_MEDIUM,
				    "aliases", "Mail to root or postmaster "
				    "is rejected: not in the tables Postfix "
				    "reads for it");
				mg_finding_explain(f, "These domains are "
				    "delivered by Postfix's virtual "
				    "delivery (virtual mailbox or alias "
				    "domains, or local_transport = "
				    "virtual), so /etc/aliases (alias_maps) "
				    "is never consulted for them: an "
				    "address must be in virtual_alias_maps "
				    "or be a mailbox. Mail to the addresses "
				    "below is refused or bounced - local "
				    "notifications (cron, DenyHosts, "
				    "fail2ban writing to root@localhost) "
				    "are lost, and RFC 5321 requires every "
				    "domain to accept postmaster. The fix "
				    "adds them to virtual_alias_maps, which "
				    "Postfix reads first for every domain, "
				    "and rebuilds the table with postmap.");
				cite_param(m, f, "virtual_alias_maps");
				if (d[i].cls == DC_LOCAL)
					cite_param(m, f, "local_transport");
			}
			virtual_evidence(m, f, &d[i], users[u]);
			mg_str_printf(&add, "%s%s@%s  ", add.len > 0 ?
			    "\n" : "", users[u], d[i].name);
		}
	}
	if (f == NULL)
		return;
	t = first_table(m, "virtual_alias_maps");
	if (t == NULL || !pick_target(m, target, sizeof(target))) {
		mg_finding_evidence(f, NULL, 0, "no fix proposed: %s",
		    t == NULL ? "virtual_alias_maps names no table with a "
		    "source file to add to" : "no address to send this "
		    "mail to was found (root in alias_maps, or a virtual "
		    "mailbox)");
		mg_str_free(&add);
		return;
	}
	/* every pending "address<TAB>" gets the target */
	{
		struct mg_str lines = MG_STR_INIT;
		const char *p = mg_str_cstr(&add), *nl;

		while (*p != '\0') {
			nl = strchr(p, '\n');
			mg_str_printf(&lines, "%.*s%s%s", (int)(nl != NULL ?
			    (size_t)(nl - p) : strlen(p)), p, target,
			    nl != NULL ? "\n" : "");
			p = nl != NULL ? nl + 1 : p + strlen(p);
		}
		x = mg_report_fix(r, FIX_VIRTUAL, "Add root and postmaster "
		    "to virtual_alias_maps");
		append_lines(m, x, t, mg_str_cstr(&lines));
		mg_str_free(&lines);
	}
	mg_finding_evidence(f, NULL, 0, "the fix sends them to %s (%s); "
	    "edit the target before applying if that is not the "
	    "administrator", target, lookup(m, "alias_maps", "root", &fo) ==
	    1 && strncmp(fo.value, target, strlen(target)) == 0 ?
	    "where alias_maps sends root" : "the first virtual mailbox");
	rebuild(m, x, t, 0);
	mg_finding_add_fix(f, FIX_VIRTUAL);
	mg_str_free(&add);
}

/* first_with - where user@ d[i] meets fate, d[i] becomes *first unless an
 * earlier domain is there already (*first == nd); a table that could not
 * be asked is noted as unknown */
static void
first_with(const struct mg_model *m, const struct dom *d, size_t i,
    const char *user, enum fate want, size_t *first, size_t nd,
    struct unknown *unk)
{
	struct found fo;
	enum fate got = resolve(m, &d[i], user, &fo);

	if (got == want && *first == nd)
		*first = i;
	else if (got == FATE_UNKNOWN)
		note_unknown(unk, &d[i], user);
}

/* check_local - root/postmaster of local domains delivered by local(8):
 * alias_maps decides after virtual_alias_maps */
static void
check_local(const struct mg_model *m, struct mg_report *r,
    const struct dom *d, size_t nd, struct unknown *unk)
{
	struct mg_finding *f;
	const struct mg_map *t;
	struct mg_fix *x;
	char agent[64], why[512];
	size_t i, pm = nd, root = nd;
	int rc;

	local_agent(m, agent, sizeof(agent));
	if (strcmp(agent, "local") != 0)
		return;		/* virtual(8): check_virtual; lmtp: unknown */
	for (i = 0; i < nd; i++) {
		if (d[i].cls != DC_LOCAL)
			continue;
		first_with(m, d, i, "postmaster", FATE_BOUNCED, &pm, nd, unk);
		first_with(m, d, i, "root", FATE_HOSTBOX, &root, nd, unk);
	}
	t = first_table(m, "alias_maps");
	if (pm < nd) {
		f = mg_report_finding(r, "postfix.aliases.postmaster",
		    MG_SEV_MEDIUM, "aliases", "No postmaster alias for the "
		    "local domains");
		mg_finding_explain(f, "RFC 5321 requires every mail domain "
		    "to accept mail for postmaster, and other mail servers "
		    "write to it when yours misbehaves. alias_maps has no "
		    "postmaster entry, and there is no system account of "
		    "that name: local(8) bounces the mail as an unknown "
		    "user. smtpd accepts postmaster@ a local domain from "
		    "anyone without asking local_recipient_maps, so the "
		    "bounce goes to whatever sender was given - often "
		    "forged (backscatter). The fix adds \"postmaster: "
		    "root\" and rebuilds the table.");
		rc = rcpt_verdict(m, &d[pm], "postmaster", why, sizeof(why));
		mg_finding_evidence(f, NULL, 0, "postmaster@%s: %s at RCPT "
		    "(%s), then bounced by local(8): not in "
		    "virtual_alias_maps nor alias_maps", d[pm].name, rc == 1 ?
		    "accepted" : rc == 0 ? "refused" : "unknown", why);
		cite_param(m, f, "alias_maps");
		cite_param(m, f, "mydestination");
		if (t != NULL) {
			x = mg_report_fix(r, FIX_ALIAS, "Add the missing "
			    "aliases to alias_maps");
			append_lines(m, x, t, "postmaster: root");
			rebuild(m, x, t, 1);
			mg_finding_add_fix(f, FIX_ALIAS);
		}
	}
	if (root < nd) {
		f = mg_report_finding(r, "postfix.aliases.root", MG_SEV_LOW,
		    "aliases", "root's mail reaches no person");
		mg_finding_explain(f, "cron, logcheck, unattended-upgrades "
		    "and Postfix's own notices go to root. Without a root "
		    "entry in alias_maps that mail is filed in root's local "
		    "mailbox on this host, which nobody reads. Add \"root: "
		    "you@example.com\" (a person's address) to the aliases "
		    "and run newaliases; the address cannot be guessed, so "
		    "no fix is proposed.");
		mg_finding_evidence(f, NULL, 0, "root@%s: not in "
		    "virtual_alias_maps nor alias_maps: local(8) files it "
		    "in root's mailbox", d[root].name);
		cite_param(m, f, "alias_maps");
	}
}

/* check_stale - a table edited after it was compiled */
static void
check_stale(const struct mg_model *m, struct mg_report *r)
{
	struct mg_finding *f = NULL;
	struct mg_fix *x = NULL;
	const struct mg_map *t;
	const char *alias;
	size_t i;

	alias = mg_model_value(m, "alias_maps");
	for (i = 0; i < m->nmaps; i++) {
		t = &m->maps[i];
		if (!t->stale && (t->error == NULL || strstr(t->error,
		    "never built") == NULL))
			continue;
		if (f == NULL) {
			f = mg_report_finding(r, "postfix.maps.stale",
			    MG_SEV_MEDIUM, "aliases", "A table was edited "
			    "but not rebuilt: Postfix still uses the old "
			    "entries");
			mg_finding_explain(f, "Postfix reads the compiled "
			    "file (.db, .lmdb, .cdb), not the text you "
			    "edit. Until postmap (postalias or newaliases "
			    "for aliases) rebuilds it, the change is not in "
			    "effect - an access rule you added does not "
			    "block, an alias you added bounces. The fix "
			    "rebuilds each table from its source as it is "
			    "now; read the source first if you did not make "
			    "the edit.");
			x = mg_report_fix(r, FIX_REBUILD, "Rebuild the tables "
			    "from their source files");
		}
		mg_finding_evidence(f, t->source, 0, "%s: %s", t->ref,
		    t->stale ? "the source is newer than the compiled "
		    "table" : t->error);
		rebuild(m, x, t, alias != NULL && strstr(alias, t->ref) !=
		    NULL);
	}
	if (f != NULL)
		mg_finding_add_fix(f, FIX_REBUILD);
}

/* check_unsupported - a table whose type this Postfix lacks (postconf
 * -m): Postfix cannot read it either, so every lookup in it fails */
static void
check_unsupported(const struct mg_model *m, struct mg_report *r)
{
	struct mg_finding *f = NULL;
	const struct mg_map *t;
	size_t i;

	for (i = 0; i < m->nmaps; i++) {
		t = &m->maps[i];
		if (t->error == NULL || strstr(t->error, MG_PF_NOT_A_TYPE) ==
		    NULL)
			continue;
		if (f == NULL) {
			f = mg_report_finding(r, "postfix.maps.unsupported",
			    MG_SEV_MEDIUM, "aliases", "A table's type is not "
			    "built into this Postfix: every lookup in it "
			    "fails");
			mg_finding_explain(f, "postconf -m lists the table "
			    "types this Postfix can open; the type of the "
			    "table below is not among them (its package, "
			    "such as postfix-mysql, postfix-pgsql or "
			    "postfix-ldap, is not installed). Postfix cannot "
			    "read the table either: mail that needs it is "
			    "answered \"451 4.3.0 Temporary lookup "
			    "failure\" and senders retry until they give up. "
			    "Install the package for the type, or remove the "
			    "table from the configuration.");
		}
		mg_finding_evidence(f, NULL, 0, "%s: %s", t->ref, t->error);
	}
}


/* is_localhost - localhost or localhost.localdomain */
static int
is_localhost(const char *name)
{
	return (strcasecmp(name, "localhost") == 0 ||
	    strcasecmp(name, "localhost.localdomain") == 0);
}

/*
 * localhost_probes - for the fix engine's proof (null sender, which
 * postmaster takes and sender checks let through): an outside client
 * must no longer reach the first localhost address smtpd accepts; a
 * client at 127.0.0.1 (mynetworks' loopback, which the fix lets through)
 * still does, and so does postmaster of the first other local domain
 * smtpd accepts it for
 */
static void
localhost_probes(const struct mg_model *m, struct mg_finding *f,
    const struct dom *d, size_t nd)
{
	static const char *const users[] = { "root", "postmaster", NULL };
	char addr[300], why[512];
	size_t i, u;
	int lo = 0, real = 0;

	for (i = 0; i < nd && (!lo || !real); i++) {
		if (is_localhost(d[i].name)) {
			for (u = 0; !lo && users[u] != NULL; u++) {
				if (rcpt_verdict(m, &d[i], users[u], why,
				    sizeof(why)) != 1)
					continue;
				(void)snprintf(addr, sizeof(addr), "%s@%.255s",
				    users[u], d[i].name);
				mg_finding_probe(f, OUTSIDER, NULL, "", addr,
				    1);
				mg_finding_probe(f, "127.0.0.1", NULL, "", addr,
				    0);
				lo = 1;
			}
		} else if (!real && d[i].cls == DC_LOCAL && rcpt_verdict(m,
		    &d[i], "postmaster", why, sizeof(why)) == 1) {
			(void)snprintf(addr, sizeof(addr), "postmaster@%.255s",
			    d[i].name);
			mg_finding_probe(f, OUTSIDER, NULL, "", addr, 0);
			real = 1;
		}
	}
}

/*
 * check_localhost - localhost is a mail domain and other hosts can reach
 * the server: which of root@ and postmaster@localhost does smtpd accept
 * from them?  Only those are named; when smtpd refuses both (say
 * local_recipient_maps = $virtual_mailbox_maps refuses root, and
 * postmaster is in a virtual domain's table), there is no finding.
 */
static void
check_localhost(const struct mg_model *m, struct mg_report *r,
    const struct dom *d, size_t nd)
{
	static const char *fixed = "check_recipient_access "
	    "inline:{{localhost=permit_mynetworks reject} "
	    "{localhost.localdomain=permit_mynetworks reject}}";
	static const char *const users[] = { "root", "postmaster", NULL };
	const struct mg_param *p;
	struct mg_finding *f;
	struct mg_str v = MG_STR_INIT;
	struct mg_fix *x;
	char why[3][2][512];
	int rc[3][2];
	size_t i, u, nlo = 0, lo_i[3];
	int lo, open = 0;

	for (i = 0; i < nd && nlo < 2; i++) {
		if (!is_localhost(d[i].name))
			continue;
		for (u = 0; users[u] != NULL; u++) {
			rc[nlo][u] = rcpt_verdict(m, &d[i], users[u],
			    why[nlo][u], sizeof(why[0][0]));
			if (rc[nlo][u] != 0)
				open++;
		}
		lo_i[nlo++] = i;
	}
	p = mg_model_param(m, "smtpd_recipient_restrictions");
	if (open == 0 || (p != NULL && p->value != NULL && strstr(p->value,
	    "localhost=") != NULL))
		return;		/* refused, or our own fix, the operator's */
	lo = mg_check_pf_loopback_only(m);
	f = mg_report_finding(r, "postfix.localhost.remote", lo ?
	    MG_SEV_INFO : MG_SEV_LOW, "aliases", lo ? "localhost is a mail "
	    "domain here (the listener is loopback-only)" : "Other hosts "
	    "can send mail to localhost addresses");
	mg_finding_explain(f, "localhost is in the local domains so that "
	    "cron and other local programs can mail root@localhost. "
	    "Postfix accepts the addresses below from any client, though: "
	    "a bot can write to them, and the alias chain carries it to "
	    "the administrator (a reported incident happened this way on "
	    "Exim). Programs that use sendmail are not affected by the "
	    "fix; it lets clients in mynetworks keep writing to localhost "
	    "over SMTP and refuses everyone else.");
	for (i = 0; i < nlo; i++)
		for (u = 0; users[u] != NULL; u++)
			mg_finding_evidence(f, NULL, 0, "%s@%s: %s at RCPT - "
			    "%s", users[u], d[lo_i[i]].name, rc[i][u] == 1 ?
			    "accepted" : rc[i][u] == 0 ? "refused" :
			    "unknown (a table could not be asked)",
			    why[i][u]);
	mg_finding_evidence(f, NULL, 0, "%s is a %s domain",
	    d[lo_i[0]].name, d[lo_i[0]].cls == DC_LOCAL ? "local "
	    "(mydestination)" : "virtual");
	cite_param(m, f, "inet_interfaces");
	if (lo) {
		mg_finding_evidence(f, NULL, 0, "every smtpd listener is on a "
		    "loopback address: no other host can connect now");
		return;
	}
	x = mg_report_fix(r, FIX_LOCALHOST, "Accept mail for localhost "
	    "only from mynetworks");
	mg_str_printf(&v, "%s%s%s", fixed, p != NULL && p->value != NULL &&
	    *p->value != '\0' ? ", " : "", p != NULL && p->value != NULL ?
	    p->value : "");
	mg_check_pf_set_global(m, x, "smtpd_recipient_restrictions",
	    mg_str_cstr(&v));
	mg_check_pf_reload(m, x);
	mg_finding_add_fix(f, FIX_LOCALHOST);
	mg_str_free(&v);
	localhost_probes(m, f, d, nd);
}

/* listed - ref is one of the ", "-separated names in s */
static int
listed(const char *s, const char *ref)
{
	size_t n = strlen(ref);

	while (*s != '\0') {
		if (strncmp(s, ref, n) == 0 && (s[n] == '\0' || s[n] == ','))
			return (1);
		if ((s = strstr(s, ", ")) == NULL)
			break;
		s += 2;
	}
	return (0);
}

/* unread_tables - the tables of the alias path that gave no answers,
 * ", "-separated into s; evidence of f with why each was not read */
static void
unread_tables(const struct mg_model *m, struct mg_finding *f,
    struct mg_str *s)
{
	static const char *const params[] = { "virtual_alias_maps",
	    "alias_maps", "virtual_mailbox_maps", NULL };
	const char *cur, *elem, *v;
	const struct mg_param *p;
	const struct mg_map *t;
	char ref[4096];
	size_t i, len;

	for (i = 0; params[i] != NULL; i++) {
		v = mg_model_value(m, params[i]);
		p = mg_model_param(m, params[i]);
		for (cur = v != NULL ? v : ""; mg_pf_list_next(&cur, &elem,
		    &len);) {
			if (!mg_pf_map_ref(elem, len, ref, sizeof(ref)))
				continue;
			t = mg_model_map(m, ref);
			if (t != NULL && t->error == NULL && t->nanswers > 0)
				continue;
			if (listed(mg_str_cstr(s), ref))
				continue;
			mg_str_printf(s, "%s%s", s->len > 0 ? ", " : "", ref);
			if (f != NULL)
				mg_finding_evidence(f, p != NULL ? p->file :
				    NULL, p != NULL ? p->line : 0,
				    "%s (%s): %s", ref, params[i], t != NULL &&
				    t->error != NULL ? t->error : "not asked");
		}
	}
}

/* check_unknown - root or postmaster whose way through the tables could
 * not be followed: say which tables were not read, not nothing */
static void
check_unknown(const struct mg_model *m, struct mg_report *r,
    const struct unknown *u)
{
	struct mg_finding *f;
	struct mg_str tables = MG_STR_INIT, title = MG_STR_INIT;
	size_t i;

	if (u->n == 0)
		return;
	unread_tables(m, NULL, &tables);
	mg_str_printf(&title, "unknown: %s not read, so where mail to root "
	    "and postmaster goes is not known", tables.len > 0 ?
	    mg_str_cstr(&tables) : "a table");
	f = mg_report_finding(r, "postfix.aliases.unknown", MG_SEV_INFO,
	    "aliases", mg_str_cstr(&title));
	mg_finding_explain(f, "Postfix looks these addresses up in the "
	    "tables below, but they could not be read now (a proxy: table "
	    "while Postfix is stopped, an SQL or LDAP server that is not "
	    "reachable from here, a table type this Postfix lacks). Whether "
	    "root and postmaster reach a person is therefore not known; no "
	    "finding about them is made either way. Run the report again "
	    "where the tables can be read (Postfix running, the server "
	    "reachable), or check with postmap -q.");
	mg_str_reset(&tables);
	unread_tables(m, f, &tables);
	for (i = 0; i < u->n && i < UNKNOWN_MAX; i++)
		mg_finding_evidence(f, NULL, 0, "%s: unknown", u->addr[i]);
	if (u->n > UNKNOWN_MAX)
		mg_finding_evidence(f, NULL, 0, "and %zu more addresses",
		    u->n - UNKNOWN_MAX);
	mg_str_free(&tables);
	mg_str_free(&title);
}

/* mg_check_pf_aliases - root and postmaster where Postfix looks */
void
mg_check_pf_aliases(const struct mg_model *m, struct mg_report *r)
{
	struct dom d[DOMS_MAX];
	struct unknown unk;
	size_t nd = 0;

	memset(&unk, 0, sizeof(unk));
	add_domains(m, "mydestination", DC_LOCAL, d, &nd);
	add_domains(m, "virtual_alias_domains", DC_VALIAS, d, &nd);
	add_domains(m, "virtual_mailbox_domains", DC_VMAILBOX, d, &nd);
	check_virtual(m, r, d, nd, &unk);
	check_local(m, r, d, nd, &unk);
	check_unknown(m, r, &unk);
	check_unsupported(m, r);
	check_stale(m, r);
	check_localhost(m, r, d, nd);
}

/* mg_check_pf_local_agent - local_transport's delivery agent, for other
 * checks (check_pf_backscatter) */
void
mg_check_pf_local_agent(const struct mg_model *m, char *buf, size_t size)
{
	local_agent(m, buf, size);
}
