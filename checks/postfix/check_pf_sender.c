/*
 * check_pf_sender.c - authenticated users who can send as anyone.  With
 * permit_sasl_authenticated a login may relay, but unless a
 * reject_*_sender_login_mismatch (postconf(5)) with smtpd_sender_login_maps
 * runs before a permit that ends its list, the login may put any address
 * in MAIL FROM: one stolen password sends as the whole domain.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../backends/postfix/pf_list.h"
#include "../../core/mg_str.h"
#include "../checks.h"

#define FIX_ID "postfix.sasl.sender-login-maps"
#define MAPS "smtpd_sender_login_maps"
#define SENDER_R "smtpd_sender_restrictions"
#define REJECT "reject_authenticated_sender_login_mismatch"
#define OUTSIDER "198.51.100.9"	/* TEST-NET-2: a mail client anywhere */
#define SVC_MAX 64

/* The lists smtpd evaluates, in its order (postconf(5): client, helo,
 * sender, relay, recipient with smtpd_delay_reject=yes).  A permit ends
 * only its own list; a reject in any list refuses. */
static const char *const lists[] = { "smtpd_client_restrictions",
	"smtpd_helo_restrictions", SENDER_R, "smtpd_relay_restrictions",
	"smtpd_recipient_restrictions", NULL };

/* What a service does with a login's MAIL FROM. */
struct guard {
	const struct mg_service *svc;	/* NULL: main.cf alone */
	const struct mg_param *sasl_p;	/* where AUTH is on */
	const struct mg_param *permit_p;	/* the list permitting logins */
	const struct mg_param *maps_p;
	const char *late;	/* a mismatch reject, but after a permit */
	const char *warned;	/* a mismatch reject after warn_if_reject */
	const char *policy;	/* a policy service asked before the permit
				 * (it may check ownership: iRedAPD does) */
	int permits;		/* permit_sasl_authenticated somewhere */
	int guarded;		/* a mismatch reject before any permit */
};

/* How logins relate to addresses, as far as the accounts tell. */
enum shape {
	SHAPE_UNKNOWN = 0,	/* no fix: the finding says what to do */
	SHAPE_ADDRESS,		/* the login is the address */
	SHAPE_LOCALPART		/* the login is the local part at our domains */
};

/* Alias tables the fix may give ownership from: a lookup of a full
 * address answers that key's entry and nothing else.  The self map comes
 * first in the union and answers every address, so Postfix never goes on
 * to the "user" or "@domain" keys (postconf(5) smtpd_sender_login_maps):
 * a catch-all alias makes nobody the owner of every address.  SQL, LDAP,
 * tcp, socketmap, regexp, pcre and static tables may answer a pattern
 * (postfixadmin's catch-all query asks by domain): never used. */
static const char *const exact_types[] = { "hash", "btree", "lmdb", "cdb",
	"dbm", "sdbm", "texthash", "inline", NULL };

/* yes - a Postfix boolean that is on */
static int
yes(const char *v)
{
	return (v != NULL && strcasecmp(v, "yes") == 0);
}

/* is - the list element elem (len bytes) is name */
static int
is(const char *elem, size_t len, const char *name)
{
	return (strlen(name) == len && strncasecmp(elem, name, len) == 0);
}

/* mismatch - a reject that checks who owns MAIL FROM for logins */
static int
mismatch(const char *elem, size_t len)
{
	return (is(elem, len, "reject_sender_login_mismatch") ||
	    is(elem, len, REJECT) ||
	    is(elem, len, "reject_known_sender_login_mismatch"));
}

/* class_of - the restriction class elem (len bytes) names, listed in
 * smtpd_restriction_classes for service s: its value and where, else
 * NULL */
static const char *
class_of(const struct mg_model *m, const struct mg_service *s,
    const char *elem, size_t len, const struct mg_param **p)
{
	const char *cur, *c, *classes;
	char name[128];
	size_t clen;

	classes = mg_service_value(m, s, "smtpd_restriction_classes", NULL);
	if (classes == NULL || len == 0 || len >= sizeof(name))
		return (NULL);
	for (cur = classes; mg_pf_list_next(&cur, &c, &clen);)
		if (clen == len && strncmp(c, elem, len) == 0) {
			(void)snprintf(name, sizeof(name), "%.*s", (int)len,
			    elem);
			return (mg_service_value(m, s, name, p));
		}
	return (NULL);
}

/*
 * walk - one restriction list of service s: does a mismatch reject come
 * before the first permit that ends it for a login?  *ended says a permit
 * came; a restriction class (smtpd_restriction_classes) is walked where
 * it is named (smtpd evaluates it in place: a permit in it ends the list
 * that names it), depth bounded.  warn_if_reject turns the next
 * restriction into a log line (postconf(5)): a mismatch after it refuses
 * nothing.
 */
static void
walk(const struct mg_model *m, const struct mg_service *s,
    const char *value, const struct mg_param *p, int maps,
    struct guard *g, int *ended, int depth)
{
	const struct mg_param *cp;
	const char *cur, *elem, *cv;
	size_t len;
	int warn = 0, was;

	if (value == NULL)
		return;
	for (cur = value; mg_pf_list_next(&cur, &elem, &len);) {
		was = warn;
		warn = is(elem, len, "warn_if_reject");
		if (mismatch(elem, len)) {
			/* with smtpd_sender_login_maps empty the reject finds
			 * no owner for any address and refuses every login's
			 * MAIL FROM (Postfix 3.7.11 in the lab: 553 "not
			 * owned by user"): no login sends as another.  The
			 * "known" one refuses only addresses the map lists
			 * (postconf(5)): none */
			if (!maps && is(elem, len,
			    "reject_known_sender_login_mismatch"))
				continue;
			if (was) {
				if (g->warned == NULL)
					g->warned = p->name;
			} else if (!*ended)
				g->guarded = 1;
			else if (g->late == NULL)
				g->late = p->name;
			continue;
		}
		if (depth < 4 && (cv = class_of(m, s, elem, len, &cp)) !=
		    NULL && cp != NULL) {
			walk(m, s, cv, p, maps, g, ended, depth + 1);
			continue;
		}
		if (is(elem, len, "check_policy_service") && !*ended &&
		    g->policy == NULL)
			g->policy = p->name;
		if (is(elem, len, "permit_sasl_authenticated")) {
			if (!g->permits)
				g->permit_p = p;
			g->permits = 1;
			*ended = 1;
		} else if (is(elem, len, "permit"))
			*ended = 1;
	}
}

/* guard_of - what service s (NULL: main.cf) checks */
static void
guard_of(const struct mg_model *m, const struct mg_service *s,
    struct guard *g)
{
	const struct mg_param *p;
	const char *v, *maps;
	size_t i;
	int ended;

	memset(g, 0, sizeof(*g));
	g->svc = s;
	if (!yes(mg_service_value(m, s, "smtpd_sasl_auth_enable",
	    &g->sasl_p)))
		return;
	maps = mg_service_value(m, s, MAPS, &g->maps_p);
	for (i = 0; lists[i] != NULL; i++) {
		ended = 0;
		v = mg_service_value(m, s, lists[i], &p);
		walk(m, s, v, p, maps != NULL &&
		    maps[strspn(maps, " \t")] != '\0', g, &ended, 0);
	}
}

/* reinjection - a loopback listener that takes mail back from a content
 * filter (amavis's 127.0.0.1:10025): its entry turns the filter off or
 * overrides receive options.  Nobody logs in there. */
static int
reinjection(const struct mg_model *m, const struct mg_service *s)
{
	if (s == NULL || mg_check_pf_reach(m, s) != MG_PF_REACH_LOOPBACK)
		return (0);
	return (mg_service_override(s, "content_filter") != NULL ||
	    mg_service_override(s, "receive_override_options") != NULL);
}

/* exposed - AUTH on and logins permitted, without an owner check */
static int
exposed(const struct guard *g)
{
	return (g->sasl_p != NULL && g->permits && !g->guarded);
}

/* login_name - what user i logs in as: a sasldb account in a realm other
 * than the server's (smtpd_sasl_local_domain, else $myhostname, which
 * Cyrus takes as its realm) logs in as name@realm */
static const char *
login_name(const struct mg_model *m, size_t i, char *buf, size_t size)
{
	const struct mg_user *u = &m->users[i];
	const char *def;

	if (u->realm == NULL || *u->realm == '\0' ||
	    strchr(u->name, '@') != NULL)
		return (u->name);
	def = mg_service_value(m, NULL, "smtpd_sasl_local_domain", NULL);
	if (def == NULL || def[strspn(def, " \t")] == '\0')
		def = mg_service_value(m, NULL, "myhostname", NULL);
	if (def != NULL && strcasecmp(def, u->realm) == 0)
		return (u->name);
	(void)snprintf(buf, size, "%s@%s", u->name, u->realm);
	return (buf);
}

/* shape_of - the login shape of the known SASL accounts */
static enum shape
shape_of(const struct mg_model *m)
{
	const char *ld;
	char buf[512];
	size_t i, at = 0;

	if (m->nusers == 0)
		return (SHAPE_UNKNOWN);
	for (i = 0; i < m->nusers; i++)
		at += strchr(login_name(m, i, buf, sizeof(buf)), '@') != NULL;
	if (at == m->nusers)
		return (SHAPE_ADDRESS);
	ld = mg_service_value(m, NULL, "smtpd_sasl_local_domain", NULL);
	if (at == 0 && (ld == NULL || ld[strspn(ld, " \t")] == '\0'))
		return (SHAPE_LOCALPART);
	return (SHAPE_UNKNOWN);
}

/* domains - the literal domains of mydestination and
 * virtual_mailbox_domains into out as a regexp alternation; their count */
static size_t
domains(const struct mg_model *m, struct mg_str *out, char *first,
    size_t fsize)
{
	static const char *const names[] = { "mydestination",
	    "virtual_mailbox_domains", NULL };
	const char *cur, *elem, *v;
	size_t i, k, len, n = 0;

	for (i = 0; names[i] != NULL; i++) {
		if ((v = mg_service_value(m, NULL, names[i], NULL)) == NULL)
			continue;
		for (cur = v; mg_pf_list_next(&cur, &elem, &len);) {
			/* a table or a pattern is not a domain we can
			 * spell */
			if (len == 0 || len > 200 || memchr(elem, ':', len) ||
			    memchr(elem, '/', len) || memchr(elem, '$', len) ||
			    memchr(elem, '@', len))
				continue;
			if (n == 0)
				(void)snprintf(first, fsize, "%.*s", (int)len,
				    elem);
			mg_str_puts(out, n > 0 ? "|" : "");
			for (k = 0; k < len; k++) {
				if (!isalnum((unsigned char)elem[k]) &&
				    elem[k] != '-')
					mg_str_puts(out, "\\");
				mg_str_append(out, &elem[k], 1);
			}
			n++;
		}
	}
	return (n);
}

/* exact - the table elem (len bytes, "type:name") is of an exact type */
static int
exact(const char *elem, size_t len)
{
	const char *colon = memchr(elem, ':', len);
	size_t i;

	if (colon == NULL || colon == elem)
		return (0);
	if ((size_t)(colon - elem) == 5 && strncmp(elem, "proxy", 5) == 0)
		return (exact(colon + 1, len - 6));
	for (i = 0; exact_types[i] != NULL; i++)
		if (strlen(exact_types[i]) == (size_t)(colon - elem) &&
		    strncmp(elem, exact_types[i], (size_t)(colon - elem)) == 0)
			return (1);
	return (0);
}

/* aliases - virtual_alias_maps' tables the fix trusts as owners into
 * used (", type:name" each) and the others into skipped; the count used */
static size_t
aliases(const struct mg_model *m, struct mg_str *used,
    struct mg_str *skipped)
{
	const char *cur, *elem, *v;
	size_t len, n = 0;

	v = mg_service_value(m, NULL, "virtual_alias_maps", NULL);
	if (v == NULL)
		return (0);
	for (cur = v; mg_pf_list_next(&cur, &elem, &len);) {
		if (len == 0)
			continue;
		/* a parameter reference left unexpanded is not a table the
		 * fix can judge; nor is text with a newline */
		if (exact(elem, len) && memchr(elem, '$', len) == NULL &&
		    memchr(elem, '\n', len) == NULL) {
			mg_str_printf(used, ", %.*s", (int)len, elem);
			n++;
		} else
			mg_str_printf(skipped, "%s%.*s", skipped->len > 0 ?
			    ", " : "", (int)len, elem);
	}
	return (n);
}

/*
 * owners - the smtpd_sender_login_maps value for shape sh (main.cf text:
 * "$$" is one "$" after main.cf's expansion; inline regexp: tables need
 * Postfix 3.7).  Logins that are addresses also own the aliases of the
 * tables in used (", type:name"...; NULL or empty: none), through a
 * unionmap (Postfix 3.0).  *own gets login's address; 0 if no map fits.
 */
static int
owners(const struct mg_model *m, enum shape sh, const char *login,
    const struct mg_str *used, struct mg_str *map, char *own, size_t osize)
{
	struct mg_str alt = MG_STR_INIT;
	char first[256], *end;
	long major;

	if (m->version == NULL || (major = strtol(m->version, &end, 10)) < 3 ||
	    *end != '.' || (major == 3 && strtol(end + 1, NULL, 10) < 7))
		return (0);	/* no inline regexp: before Postfix 3.7 */
	if (sh == SHAPE_ADDRESS) {
		if (used != NULL && used->len > 0)
			mg_str_printf(map, "unionmap:{regexp:{{/^(.+)$$/ "
			    "$${1}}}%s}", mg_str_cstr(used));
		else
			mg_str_puts(map, "regexp:{{/^(.+)$$/ $${1}}}");
		(void)snprintf(own, osize, "%s", login);
		return (1);
	}
	if (sh != SHAPE_LOCALPART || domains(m, &alt, first,
	    sizeof(first)) == 0) {
		mg_str_free(&alt);
		return (0);
	}
	/* alice, alice+tag at any of our domains belongs to login alice */
	mg_str_printf(map, "regexp:{{/^([^@+]+)(\\+[^@]*)?@(%s)$$/ $${1}}}",
	    mg_str_cstr(&alt));
	(void)snprintf(own, osize, "%s@%s", login, first);
	mg_str_free(&alt);
	return (1);
}

/* person - the login of a known account that is not root or a role and
 * not login not (buf holds it if need be), else NULL */
static const char *
person(const struct mg_model *m, const char *not, char *buf, size_t size)
{
	const char *l;
	size_t i;

	for (i = 0; i < m->nusers; i++) {
		l = login_name(m, i, buf, size);
		if (!mg_check_privileged_name(m->users[i].name) &&
		    (not == NULL || strcmp(l, not) != 0))
			return (l);
	}
	return (NULL);
}

/* service_key - "name/type" of the service the proof asks (as postconf
 * -M and -P name it), into buf; NULL for main.cf alone (the private
 * Postfix's public smtpd, backends/postfix/pf_simulate.c) */
static const char *
service_key(const struct mg_service *s, char *buf, size_t size)
{
	if (s == NULL)
		return (NULL);
	if (snprintf(buf, size, "%s/%s", s->name, s->type) >= (int)size)
		return (NULL);
	return (buf);
}

/* probes - as a real login on service svc ("name/type", NULL: main.cf
 * alone), to postmaster@ its domain (smtpd accepts postmaster at a local
 * domain without asking local_recipient_maps; a login's own address need
 * not be a mailbox here): another user's address refused, its own
 * accepted */
static void
probes(const struct mg_model *m, struct mg_finding *f, enum shape sh,
    const char *own, const char *svc)
{
	char lbuf[512], obuf[512];
	const char *login = person(m, NULL, lbuf, sizeof(lbuf)), *other;
	const char *at = strchr(own, '@');
	struct mg_str forged = MG_STR_INIT, rcpt = MG_STR_INIT;

	if (login == NULL || at == NULL)
		return;
	other = person(m, login, obuf, sizeof(obuf));
	if (sh == SHAPE_ADDRESS && other != NULL)
		mg_str_puts(&forged, other);
	else
		mg_str_printf(&forged, "%s%s", other != NULL ? other :
		    "postmaster", at);
	mg_str_printf(&rcpt, "postmaster%s", at);
	mg_finding_probe_as(f, login, OUTSIDER, NULL, mg_str_cstr(&forged),
	    mg_str_cstr(&rcpt), 1);
	mg_finding_probe_service(f, svc);
	mg_finding_probe_as(f, login, OUTSIDER, NULL, own, mg_str_cstr(&rcpt),
	    0);
	mg_finding_probe_service(f, svc);
	mg_str_free(&forged);
	mg_str_free(&rcpt);
}

/* names - the alias value v (a list of addresses) names login */
static int
names(const char *v, const char *login)
{
	const char *cur, *elem;
	size_t len;

	for (cur = v; mg_pf_list_next(&cur, &elem, &len);)
		if (is(elem, len, login))
			return (1);
	return (0);
}

/* alias_probe - a login sends as an alias of a used table that names it
 * (read from the table's listing), to postmaster@ the login's domain as
 * probes() does, on service svc: accepted after the fix */
static void
alias_probe(const struct mg_model *m, struct mg_finding *f,
    const struct mg_str *used, const char *svc)
{
	const struct mg_map *t;
	const char *cur, *elem, *at, *dom, *u;
	char ref[1024], rcpt[320], ubuf[512];
	size_t i, k, len;
	int priv;

	for (cur = mg_str_cstr(used); mg_pf_list_next(&cur, &elem, &len);) {
		(void)snprintf(ref, sizeof(ref), "%.*s", (int)len, elem);
		if ((t = mg_model_map(m, ref)) == NULL)
			continue;
		for (k = 0; k < t->nentries; k++) {
			if (t->entries[k].value == NULL ||
			    (at = strchr(t->entries[k].key, '@')) == NULL ||
			    at == t->entries[k].key)
				continue;
			for (i = 0; i < m->nusers; i++) {
				u = login_name(m, i, ubuf, sizeof(ubuf));
				priv = mg_check_privileged_name(
				    m->users[i].name);
				if (priv || strcmp(u, t->entries[k].key) == 0 ||
				    !names(t->entries[k].value, u) ||
				    (dom = strchr(u, '@')) == NULL)
					continue;
				(void)snprintf(rcpt, sizeof(rcpt),
				    "postmaster%s", dom);
				mg_finding_probe_as(f, u, OUTSIDER, NULL,
				    t->entries[k].key, rcpt, 0);
				mg_finding_probe_service(f, svc);
				return;
			}
		}
	}
}

/* priv_key - the address key's local part is root or a role name */
static int
priv_key(const char *key)
{
	char local[128];
	const char *at = strchr(key, '@');

	if (at == NULL || (size_t)(at - key) >= sizeof(local))
		return (0);
	(void)snprintf(local, sizeof(local), "%.*s", (int)(at - key), key);
	return (mg_check_privileged_name(local));
}

/*
 * table_probes - the smtpd_sender_login_maps service g uses (its own -o
 * value, else main.cf's) is already set, to one exact table read here
 * whole (its listing is what Postfix answers): as a login its entries
 * name, an address the table gives to someone else is refused and one it
 * gives to the login accepted, on that service.  No
 * other map shape gives a sound proof (a pattern or SQL table may give
 * the "forged" address to the login too).  0 if no probe fits.
 */
static int
table_probes(const struct mg_model *m, struct mg_finding *f,
    const struct guard *g)
{
	const struct mg_map *t;
	const char *v, *cur, *elem, *login, *own = NULL, *forged = NULL;
	char ref[1024], rcpt[320], ubuf[512], key[320];
	const char *svc = service_key(g->svc, key, sizeof(key));
	size_t i, k, len;

	v = g->maps_p != NULL ? g->maps_p->value : NULL;
	if (v == NULL || (cur = v, !mg_pf_list_next(&cur, &elem, &len)) ||
	    !exact(elem, len) || mg_pf_list_next(&cur, &elem, &len))
		return (0);
	cur = v;
	(void)mg_pf_list_next(&cur, &elem, &len);
	(void)snprintf(ref, sizeof(ref), "%.*s", (int)len, elem);
	if ((t = mg_model_map(m, ref)) == NULL || !t->listed || t->stale ||
	    t->error != NULL)
		return (0);
	for (i = 0; i < m->nusers && own == NULL; i++) {
		if (mg_check_privileged_name(m->users[i].name))
			continue;
		login = login_name(m, i, ubuf, sizeof(ubuf));
		own = forged = NULL;
		for (k = 0; k < t->nentries; k++) {
			if (t->entries[k].value == NULL ||
			    strchr(t->entries[k].key, '@') == NULL ||
			    t->entries[k].key[0] == '@')
				continue;
			if (names(t->entries[k].value, login)) {
				if (own == NULL)
					own = t->entries[k].key;
			} else if (forged == NULL || priv_key(forged))
				/* another person's address reads better than
				 * root's */
				forged = t->entries[k].key;
		}
		if (own == NULL || forged == NULL)
			own = NULL;
	}
	if (own == NULL)
		return (0);
	(void)snprintf(rcpt, sizeof(rcpt), "postmaster%s", strchr(own, '@'));
	mg_finding_probe_as(f, login, OUTSIDER, NULL, forged, rcpt, 1);
	mg_finding_probe_service(f, svc);
	mg_finding_probe_as(f, login, OUTSIDER, NULL, own, rcpt, 0);
	mg_finding_probe_service(f, svc);
	return (1);
}

/* evidence - one exposed service, with where its settings come from */
static void
evidence(const struct mg_model *m, struct mg_finding *f,
    const struct guard *g)
{
	char name[160], origin[256];
	const char *maps;

	if (g->svc != NULL)
		(void)snprintf(name, sizeof(name), "service %s (%s, master.cf)",
		    g->svc->name, g->svc->type);
	else
		(void)snprintf(name, sizeof(name), "smtpd (main.cf)");
	mg_check_pf_origin(m, g->sasl_p, origin, sizeof(origin));
	mg_finding_evidence(f, g->svc != NULL ? g->svc->file : NULL,
	    g->svc != NULL ? g->svc->line : 0, "%s offers AUTH "
	    "(smtpd_sasl_auth_enable = yes, %s)", name, origin);
	mg_check_pf_origin(m, g->permit_p, origin, sizeof(origin));
	mg_finding_evidence(f, g->permit_p->file, g->permit_p->line, "%s "
	    "lets logins through: %s = %s (%s)", name, g->permit_p->name,
	    g->permit_p->value, origin);
	maps = g->maps_p != NULL ? g->maps_p->value : NULL;
	mg_finding_evidence(f, g->maps_p != NULL ? g->maps_p->file : NULL,
	    g->maps_p != NULL ? g->maps_p->line : 0, "%s: %s = %s", name,
	    MAPS, maps != NULL && *maps != '\0' ? maps : "(empty: no address "
	    "has an owner)");
	if (g->policy != NULL)
		mg_finding_evidence(f, NULL, 0, "%s: %s asks a policy service "
		    "before the permit; it may check that the login owns the "
		    "sender (iRedAPD's reject_sender_login_mismatch plugin "
		    "does), which Postfix's configuration cannot show", name,
		    g->policy);
	if (g->warned != NULL)
		mg_finding_evidence(f, NULL, 0, "%s: the login-mismatch "
		    "reject in %s follows warn_if_reject: it only logs a "
		    "warning and refuses nothing", name, g->warned);
	if (g->late != NULL)
		mg_finding_evidence(f, NULL, 0, "%s: the login-mismatch "
		    "reject in %s comes after a permit that ends the list "
		    "for logins: it never runs for them", name, g->late);
	else
		mg_finding_evidence(f, NULL, 0, "%s: no "
		    "reject_sender_login_mismatch, %s or "
		    "reject_known_sender_login_mismatch (with %s set) before "
		    "a permit", name, REJECT, MAPS);
}

/* braced - master.cf's "-o { name = value }" on one line (Postfix 3.0:
 * a value with spaces, as Debian 12's and guides' submission blocks
 * write it): the reject put in front of the value; 0 if p's line is not
 * that */
static int
braced(const struct mg_model *m, struct mg_fix *x, const struct mg_param *p)
{
	const struct mg_srcfile *f = mg_model_file(m, p->file);
	const char *line, *at, *v, *open;
	struct mg_str text = MG_STR_INIT;
	size_t n = strlen(p->name);

	if (f == NULL || p->line == 0 || p->line > f->nlines)
		return (0);
	line = f->lines[p->line - 1];
	for (at = strstr(line, p->name); at != NULL;
	    at = strstr(at + 1, p->name)) {
		v = at + n + strspn(at + n, " \t");
		if (at > line && strchr(" \t{", at[-1]) != NULL && *v == '=')
			break;
	}
	if (at == NULL)
		return (0);
	for (open = at; open > line && (open[-1] == ' ' || open[-1] == '\t');
	    open--)
		;
	v = strchr(at, '=') + 1;
	v += strspn(v, " \t");
	/* the brace opens just before the name and closes on this line */
	if (open == line || open[-1] != '{' || strchr(v, '}') == NULL)
		return (0);
	mg_str_append(&text, line, (size_t)(v - line));
	mg_str_printf(&text, "%s%s%s", REJECT, *v == '}' ? " " : ", ", v);
	(void)mg_fix_replace_line(x, p->file, p->line, line,
	    mg_str_cstr(&text));
	mg_str_free(&text);
	return (1);
}

/* put_reject - reject_authenticated_sender_login_mismatch in front of the
 * sender restrictions the service uses; 0 if it cannot be written */
static int
put_reject(const struct mg_model *m, struct mg_fix *x, const struct guard *g,
    int *global)
{
	const struct mg_param *p;
	struct mg_str v = MG_STR_INIT;
	const char *cur;
	int ok = 1;

	cur = mg_service_value(m, g->svc, SENDER_R, &p);
	if (g->svc != NULL && p != NULL &&
	    mg_service_override(g->svc, SENDER_R) == p) {
		/* master.cf: an -o value has no white space but in the
		 * "-o { name = value }" form.  The text as written (postconf
		 * -P): "$mua_sender_restrictions" stays a reference to
		 * main.cf, whose expansion may hold spaces */
		cur = p->raw != NULL ? p->raw : p->value;
		if (cur != NULL && strpbrk(cur, " \t{}") != NULL)
			return (braced(m, x, p));
		mg_str_printf(&v, "%s%s%s", REJECT, cur != NULL &&
		    *cur != '\0' ? "," : "", cur != NULL ? cur : "");
		ok = mg_check_pf_edit_override(m, x, p, mg_str_cstr(&v));
		mg_str_free(&v);
		return (ok);
	}
	if (*global)
		return (1);
	*global = 1;
	cur = p != NULL && p->raw != NULL ? p->raw : "";
	mg_str_printf(&v, "%s%s%s", REJECT, *cur != '\0' ? ", " : "", cur);
	mg_check_pf_set_global(m, x, SENDER_R, mg_str_cstr(&v));
	mg_str_free(&v);
	return (1);
}

/* advise - no safe automatic fix: what to do by hand */
static void
advise(struct mg_finding *f, const char *why)
{
	mg_finding_evidence(f, NULL, 0, "no automatic fix: %s. By hand: set "
	    "%s to a table mapping each sender address to the login(s) that "
	    "own it (your mailbox or alias table often is one), then put %s "
	    "first in %s (and in each master.cf -o %s override)", why, MAPS,
	    REJECT, SENDER_R, SENDER_R);
}

/* offer - the fix x, its edits all made (ok) and at least one, with a
 * reload, named by f; else dropped and f says what to do by hand */
static int
offer(const struct mg_model *m, struct mg_report *r, struct mg_finding *f,
    struct mg_fix *x, int ok)
{
	if (!ok || x->nedits == 0) {
		mg_report_drop_fix(r, FIX_ID);
		advise(f, "a service's -o smtpd_sender_restrictions cannot "
		    "be edited safely");
		return (0);
	}
	mg_check_pf_reload(m, x);
	mg_finding_add_fix(f, FIX_ID);
	return (1);
}

/* owned - the owner table service g uses (its own -o
 * smtpd_sender_login_maps when set, else main.cf's) names a table */
static int
owned(const struct guard *g)
{
	const char *v = g->maps_p != NULL ? g->maps_p->value : NULL;

	return (v != NULL && v[strspn(v, " \t")] != '\0');
}

/* own_map - g's owner table is its own -o value, not main.cf's */
static int
own_map(const struct guard *g)
{
	return (g->svc != NULL && g->maps_p != NULL &&
	    mg_service_override(g->svc, MAPS) == g->maps_p);
}

/*
 * kept - owned service g (i-th of those in g[]) keeps its owner table:
 * say so once per table setting, and prove the reject from the table on
 * g's own listener (table_probes); 0 if no probe fits
 */
static int
kept(const struct mg_model *m, struct mg_finding *f, const struct guard *g,
    size_t i)
{
	const struct mg_param *mp = g[i].maps_p;
	char name[160] = "", origin[256];
	size_t k;

	for (k = 0; k < i; k++)
		if (owned(&g[k]) && g[k].maps_p == mp)
			break;
	if (k == i) {
		if (own_map(&g[i]))
			(void)snprintf(name, sizeof(name), "service %s's own "
			    "-o", g[i].svc->name);
		else
			(void)snprintf(name, sizeof(name), "main.cf's");
		mg_check_pf_origin(m, mp, origin, sizeof(origin));
		mg_finding_evidence(f, mp->file, mp->line, "the fix keeps %s = "
		    "%s (%s, %s) as the owners: the reject asks it who owns "
		    "each MAIL FROM, so every address it gives a login "
		    "(aliases too) stays allowed; an address it gives to "
		    "nobody is refused to logins; fix --all leaves it out, "
		    "name it to apply it", MAPS, mp->value, name, origin);
	}
	if (table_probes(m, f, &g[i]))
		return (1);
	if (k == i)
		mg_finding_evidence(f, mp->file, mp->line, "no probe: %s = %s "
		    "(%s) is not one hash, btree, lmdb, cdb, dbm, sdbm, "
		    "texthash or inline table read whole here, with an address "
		    "of a login and one of another (a SQL, LDAP or pattern "
		    "table may give a login any address): no address can be "
		    "picked that must be refused; postconf validates the "
		    "change", MAPS, mp->value, name);
	return (0);
}

/*
 * keep_owners - every exposed service uses an owner table already (its
 * own -o smtpd_sender_login_maps, as Mail-in-a-Box writes on submission,
 * else main.cf's): whoever set it said who owns what, whatever the
 * accounts look like.  The fix puts the reject first in each exposed
 * service's sender restrictions and keeps each table, adding no map of
 * its own; each service is proven from the table it uses.
 */
static void
keep_owners(const struct mg_model *m, struct mg_report *r,
    struct mg_finding *f, const struct guard *g, size_t n)
{
	struct mg_fix *x;
	size_t i;
	int global = 0, ok = 1;

	x = mg_report_fix(r, FIX_ID, "Refuse MAIL FROM addresses a login "
	    "does not own (smtpd_sender_login_maps + " REJECT ")");
	x->named_only = "it refuses every sender address the map does not "
	    "give to the login";
	for (i = 0; i < n; i++)
		if (!put_reject(m, x, &g[i], &global))
			ok = 0;
	if (!offer(m, r, f, x, ok))
		return;
	for (i = 0; i < n; i++)
		(void)kept(m, f, g, i);
}

/* mg_check_pf_sender - logins that may send as any address */
void
mg_check_pf_sender(const struct mg_model *m, struct mg_report *r)
{
	struct guard g[SVC_MAX];
	const struct mg_service *s;
	struct mg_finding *f = NULL;
	struct mg_fix *x;
	struct mg_str map = MG_STR_INIT, used = MG_STR_INIT;
	struct mg_str skipped = MG_STR_INIT;
	enum mg_severity sev;
	enum shape sh;
	char own[320], lbuf[512], key[320];
	size_t i, n = 0, nused = 0;
	int global = 0, ok = 1;
	const char *login;

	for (i = 0; i < m->nservices && n < SVC_MAX; i++) {
		s = &m->services[i];
		if (s->command == NULL || strcmp(s->command, "smtpd") != 0 ||
		    (strcmp(s->type, "inet") != 0 &&
		    strcmp(s->type, "pass") != 0))
			continue;
		if (reinjection(m, s))
			continue;
		guard_of(m, s, &g[n]);
		if (exposed(&g[n]))
			n++;
	}
	if (m->nservices == 0) {
		guard_of(m, NULL, &g[0]);
		n = exposed(&g[0]);
	}
	if (n == 0)
		return;
	for (i = 0; i < n; i++) {
		sev = mg_check_pf_reach_severity(g[i].policy != NULL ?
		    MG_SEV_MEDIUM : MG_SEV_HIGH, mg_check_pf_reach(m,
		    g[i].svc));
		if (f == NULL)
			f = mg_report_finding(r, "postfix.sasl.sender-mismatch",
			    sev, "sasl", "Authenticated users can send as "
			    "anyone: no check that a login owns its MAIL FROM "
			    "address");
		else if (sev > f->severity)
			f->severity = sev;
		evidence(m, f, &g[i]);
	}
	mg_finding_explain(f, "permit_sasl_authenticated lets every login "
	    "relay, and nothing asks whether the address it puts in MAIL "
	    "FROM is its own: a spammer with one stolen password sends as "
	    "the CEO, the bank's help desk or any of your users, and the "
	    "mail passes SPF and DKIM because your server signs it. Postfix "
	    "checks ownership with smtpd_sender_login_maps (address -> "
	    "login) and reject_authenticated_sender_login_mismatch, which "
	    "must come before the permit that ends its list.");
	for (i = 0; i < n && owned(&g[i]); i++)
		;
	if (i == n) {
		keep_owners(m, r, f, g, n);
		return;
	}
	/* a service without owners whose own -o smtpd_sender_login_maps is
	 * empty: main.cf's new map would not reach it */
	for (i = 0; i < n; i++)
		if (!owned(&g[i]) && own_map(&g[i])) {
			(void)snprintf(own, sizeof(own), "service %s (%s) sets "
			    "%s empty with -o (master.cf:%u): a table set in "
			    "main.cf does not reach it", g[i].svc->name,
			    g[i].svc->type, MAPS, g[i].maps_p->line);
			advise(f, own);
			return;
		}
	sh = shape_of(m);
	login = person(m, NULL, lbuf, sizeof(lbuf));
	if (sh == SHAPE_ADDRESS)
		nused = aliases(m, &used, &skipped);
	if (login == NULL || !owners(m, sh, login, &used, &map, own,
	    sizeof(own))) {
		advise(f, m->nusers == 0 ? "the SASL accounts are not known "
		    "here (Dovecot, saslauthd or SQL): which login owns which "
		    "address cannot be guessed" : "the logins are neither all "
		    "addresses nor all plain names at your domains (or this "
		    "Postfix is older than 3.7, without inline regexp: "
		    "tables)");
		mg_str_free(&map);
		mg_str_free(&used);
		mg_str_free(&skipped);
		return;
	}
	mg_finding_evidence(f, NULL, 0, "the SASL accounts (%s) are %s",
	    m->users[0].source != NULL ? m->users[0].source : "known",
	    sh == SHAPE_ADDRESS ? "addresses: each login owns the address "
	    "it is" : "plain names: login NAME owns NAME@ each of your "
	    "domains");
	x = mg_report_fix(r, FIX_ID, "Refuse MAIL FROM addresses a login "
	    "does not own (smtpd_sender_login_maps + " REJECT ")");
	x->named_only = "it refuses every sender address the map does not "
	    "give to the login";
	if (nused > 0)
		mg_finding_evidence(f, NULL, 0, "the fix also makes each "
		    "login the owner of the aliases that name it in "
		    "virtual_alias_maps (%s): alias sales@ -> alice@, bob@ "
		    "lets alice and bob send as sales@.  A catch-all (@domain) "
		    "gives nobody every address: the login's own address "
		    "answers first, so Postfix never asks the @domain key; an "
		    "alias of an alias gives nothing to the last login in the "
		    "chain", mg_str_cstr(&used) + 2);
	if (skipped.len > 0)
		mg_finding_evidence(f, NULL, 0, "not used as owners: %s in "
		    "virtual_alias_maps (a SQL, LDAP, pattern or remote table "
		    "may answer a whole domain, as a catch-all query does; "
		    "only hash, btree, lmdb, cdb, dbm, sdbm, texthash and "
		    "inline tables answer one address with its own entry); "
		    "add it to %s by hand if each answer is a login that owns "
		    "that exact address", mg_str_cstr(&skipped), MAPS);
	mg_finding_evidence(f, NULL, 0, "the fix refuses a logged-in client "
	    "every MAIL FROM the map does not give to its login: %saddresses "
	    "at relay domains and outside addresses a user sends as today "
	    "are refused until added to %s; fix --all leaves it out, name it "
	    "to apply it", nused > 0 ? "aliases in other tables, " :
	    "aliases (info@, first.last@), addresses at virtual alias "
	    "domains, ", MAPS);
	for (i = 0; i < n; i++)
		if (!put_reject(m, x, &g[i], &global))
			ok = 0;
	mg_check_pf_set_global(m, x, MAPS, mg_str_cstr(&map));
	mg_str_free(&map);
	mg_str_free(&skipped);
	if (!offer(m, r, f, x, ok))
		return;
	/* each service with the hole is proven with its own settings: the
	 * private Postfix gives each inet smtpd a listener with its -o
	 * overrides */
	for (i = 0; i < n; i++) {
		/* a service with an owner table keeps it: the new map in
		 * main.cf is not the one it asks */
		if (owned(&g[i]))
			(void)kept(m, f, g, i);
		else
			probes(m, f, sh, own, service_key(g[i].svc, key,
			    sizeof(key)));
		if (g[i].svc != NULL)
			mg_finding_evidence(f, g[i].svc->file, g[i].svc->line,
			    "the proof asks service %s (%s) as a login: its "
			    "own settings and -o overrides judge MAIL FROM",
			    g[i].svc->name, g[i].svc->type);
	}
	for (i = 0; i < n && owned(&g[i]); i++)
		;
	if (nused > 0 && i < n)
		alias_probe(m, f, &used, service_key(g[i].svc, key,
		    sizeof(key)));
	mg_str_free(&used);
}
