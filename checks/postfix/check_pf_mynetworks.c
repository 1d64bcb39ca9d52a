/*
 * check_pf_mynetworks.c - Postfix trusted networks.  Clients in mynetworks
 * pass permit_mynetworks and may relay to any destination, so every public
 * address in it is a potential open relay (incident 4: a mask typo
 * made two /8s trusted).  An entry with bits set beyond its prefix
 * ("210.140.12.34/8") is an error to current Postfix; the host written was
 * almost always the one meant, so the fix narrows it to that host.
 */
#include <sys/socket.h>

#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../backends/postfix/pf_list.h"
#include "../../backends/postfix/pf_maps.h"
#include "../../core/mg_host.h"
#include "../../core/mg_maillog.h"
#include "../../core/mg_net.h"
#include "../../core/mg_str.h"
#include "../checks.h"

#define FIX_ID "postfix.mynetworks.narrow"
#define MAX_PROBED 4		/* networks whose fix the engine proves */
#define PROBE_RCPT "mailguard-probe@example.net"	/* not ours */

/* Wider than this many public addresses is critical: a /16 or more. */
#define PUBLIC_CRITICAL 65536.0
/* Wider than a /24 of public space: high. */
#define PUBLIC_HIGH 256.0

/* One mynetworks entry, where it was written and what it covers. */
struct entry {
	char text[128];
	const char *file;
	unsigned line;
	struct mg_net net;
	struct mg_net_span span;
	int host_bits;
	int table;		/* from a lookup table's entry */
	int cidr;		/* that table is a cidr: table */
	struct mg_log_hosts seen;	/* public, no host bits: the mail
					 * log's clients inside it */
	int priv;		/* a private or container network */
	struct mg_private_weight pw;	/* its weight with host context */
};

struct entries {
	struct entry *v;
	size_t n, cap;
};

/* add_entry - parse one element; non-network elements are skipped here
 * (type:table lookups and hostnames are other checks' business) */
static void
add_entry(struct entries *es, const char *elem, size_t len, const char *file,
    unsigned line)
{
	struct entry *e;
	struct mg_net net;
	char text[128];

	if (len == 0 || len >= sizeof(text) || *elem == '!')
		return;
	memcpy(text, elem, len);
	text[len] = '\0';
	if (mg_net_parse(text, &net, NULL) < 0)
		return;
	e = MG_ARRAY_PUSH(es->v, es->n, es->cap);
	memset(e, 0, sizeof(*e));
	(void)snprintf(e->text, sizeof(e->text), "%s", text);
	e->file = file;
	e->line = line;
	e->net = net;
	e->host_bits = mg_net_host_bits(&net);
	mg_net_span(&net, &e->span);
}

/* add_pattern_file - entries of a "/path" pattern file, with their lines */
static void
add_pattern_file(struct entries *es, const struct mg_srcfile *f)
{
	const char *cur, *elem;
	char *line;
	size_t i, len;

	for (i = 0; i < f->nlines; i++) {
		line = mg_xstrdup(f->lines[i]);
		line[strcspn(line, "#")] = '\0';
		for (cur = line; mg_pf_list_next(&cur, &elem, &len);)
			add_entry(es, elem, len, f->path, (unsigned)i + 1);
		free(line);
	}
}

/* add_table - the networks of a type:table element (cidr:, inline:,
 * hash: ...): each key the table lists is a trusted client pattern */
static void
add_table(struct entries *es, const struct mg_model *m, const char *ref,
    const char *file, unsigned line)
{
	const struct mg_map *t = mg_model_map(m, ref);
	size_t i, before;

	if (t == NULL)
		return;
	for (i = 0; i < t->nentries; i++) {
		before = es->n;
		if (t->source != NULL && t->entries[i].line > 0)
			add_entry(es, t->entries[i].key,
			    strlen(t->entries[i].key), t->source,
			    t->entries[i].line);
		else
			add_entry(es, t->entries[i].key,
			    strlen(t->entries[i].key), file, line);
		if (es->n > before) {
			es->v[before].table = 1;
			es->v[before].cidr = t->type != NULL &&
			    strcmp(t->type, "cidr") == 0;
		}
	}
}

/* collect - every network mynetworks trusts, with its source */
static void
collect(const struct mg_model *m, const struct mg_param *p,
    const struct mg_param *style, struct entries *es)
{
	const struct mg_srcfile *main_cf = NULL, *pf;
	const char *cur, *elem, *file = NULL;
	char word[512];
	unsigned line = 0;
	size_t len;

	if (p->file != NULL) {
		file = p->file;
		line = p->line;
		main_cf = mg_model_file(m, p->file);
	} else if (style != NULL && style->file != NULL) {
		file = style->file;
		line = style->line;
	}
	for (cur = p->value; mg_pf_list_next(&cur, &elem, &len);) {
		if (mg_pf_map_ref(elem, len, word, sizeof(word))) {
			add_table(es, m, word, file, main_cf != NULL ?
			    mg_srcfile_find_word(main_cf, p->line, p->end_line,
			    word) : line);
			continue;
		}
		if (*elem == '/' && len < sizeof(word)) {
			memcpy(word, elem, len);
			word[len] = '\0';
			if ((pf = mg_model_file(m, word)) != NULL)
				add_pattern_file(es, pf);
			continue;
		}
		if (len < sizeof(word) && main_cf != NULL) {
			memcpy(word, elem, len);
			word[len] = '\0';
			add_entry(es, elem, len, file, mg_srcfile_find_word(
			    main_cf, p->line, p->end_line, word));
		} else
			add_entry(es, elem, len, file, line);
	}
}

/* covered - does an entry the fix keeps hold this host? */
static int
covered(const void *arg, const struct mg_net *host)
{
	const struct entries *es = arg;
	size_t i;

	for (i = 0; i < es->n; i++)
		if (!es->v[i].host_bits && es->v[i].span.public <= 1.0 &&
		    mg_net_contains(&es->v[i].net, host))
			return (1);
	return (0);
}

/* seen_in_log - for each public network written without host bits, the
 * clients the mail log shows sending through it without logging in */
static void
seen_in_log(const struct mg_model *m, struct entries *es)
{
	size_t i;

	for (i = 0; i < es->n; i++)
		if (!es->v[i].host_bits && es->v[i].span.public > 1.0)
			mg_check_log_hosts(m, &es->v[i].net, covered, es,
			    &es->v[i].seen);
}

/* weigh_private - each private or container network written without
 * host bits, weighed with this host's interfaces and docker */
static void
weigh_private(const struct mg_model *m, struct entries *es)
{
	size_t i;

	for (i = 0; i < es->n; i++)
		if (!es->v[i].host_bits)
			es->v[i].priv = mg_check_private_weigh(m, &es->v[i].net,
			    &es->v[i].pw);
}

/* narrows_private - a private entry the fix narrows */
static int
narrows_private(const struct entry *e)
{
	return (e != NULL && e->priv && e->pw.narrow);
}

/* keeps - the entry is narrowed to the hosts seen (else removed) */
static int
keeps(const struct entry *e)
{
	return (mg_check_log_keeps(&e->seen));
}

/* entry_of - the collected entry for a network as written */
static const struct entry *
entry_of(const struct entries *es, const struct mg_net *net)
{
	size_t i;

	for (i = 0; i < es->n; i++)
		if (memcmp(&es->v[i].net, net, sizeof(*net)) == 0)
			return (&es->v[i]);
	return (NULL);
}

/* kept_list - the kept hosts, joined by sep */
static void
kept_list(const struct entry *e, const char *sep, struct mg_str *out)
{
	char host[128];
	size_t k;

	for (k = 0; k < e->seen.nseen; k++) {
		mg_net_format(&e->seen.host[k]->addr, 0, host, sizeof(host));
		mg_str_printf(out, "%s%s", k > 0 ? sep : "", host);
	}
}

/* host_form - the single host an entry with host bits names */
static void
host_form(const struct mg_net *net, char *buf, size_t size)
{
	struct mg_net host = *net;

	host.prefix = net->family == 4 ? 32 : 128;
	mg_net_format(&host, 0, buf, size);
}

/*
 * narrowed_list - rewrite a list in place, keeping the operator's layout:
 * host-bit entries become their host, public networks become the hosts
 * the mail log shows using them (if a few) or are dropped together with
 * the separator that follows them; 1 if anything changed.
 */
static int
narrowed_list(const struct mg_model *m, const struct entries *es,
    const char *value, struct mg_str *out)
{
	const char *cur, *elem, *copied = value;
	const char *sep = strchr(value, ',') != NULL ? ", " : " ";
	const struct entry *e;
	struct mg_net net;
	struct mg_net_span span;
	struct mg_str repl;
	char word[128], host[128];
	size_t len;
	int changed = 0;

	mg_str_init(out);
	for (cur = value; mg_pf_list_next(&cur, &elem, &len);) {
		if (len >= sizeof(word))
			continue;
		memcpy(word, elem, len);
		word[len] = '\0';
		if (*word == '!' || mg_net_parse(word, &net, NULL) < 0)
			continue;
		mg_net_span(&net, &span);
		if (mg_net_host_bits(&net)) {
			host_form(&net, host, sizeof(host));
			mg_str_append(out, copied, (size_t)(elem - copied));
			mg_str_puts(out, host);
			copied = elem + len;
			changed = 1;
		} else if (span.public > 1.0) {
			mg_str_append(out, copied, (size_t)(elem - copied));
			copied = elem + len;
			if ((e = entry_of(es, &net)) != NULL && keeps(e))
				kept_list(e, sep, out);
			else
				copied += strspn(copied, ", \t");
			changed = 1;
		} else if (narrows_private(entry_of(es, &net))) {
			/* the networks of this host's interfaces inside it */
			mg_str_append(out, copied, (size_t)(elem - copied));
			copied = elem + len;
			mg_check_private_narrowed(m, &net, sep, "!", 1, &repl);
			if (repl.len > 0)
				mg_str_puts(out, mg_str_cstr(&repl));
			else
				copied += strspn(copied, ", \t");
			mg_str_free(&repl);
			changed = 1;
		}
	}
	mg_str_puts(out, copied);
	/* A dropped last element leaves its leading separator behind. */
	while (out->len > 0 && strchr(", \t", out->data[out->len - 1]))
		out->data[--out->len] = '\0';
	return (changed);
}

/*
 * table_line - the new text of a table line ("network result"): a
 * host-bit key becomes its host, a public network becomes one line per
 * host the mail log shows using it or is commented out (the table keeps
 * the line, so the operator sees what was there); 1 if changed
 */
static int
table_line(const struct mg_model *m, const struct entry *e, const char *line,
    struct mg_str *out)
{
	struct mg_str repl;
	const char *p;
	char host[128];
	size_t k, n, klen = strcspn(line, " \t");

	mg_str_init(out);
	if (e->host_bits) {
		host_form(&e->net, host, sizeof(host));
		mg_str_puts(out, host);
		mg_str_puts(out, line + klen);
		return (1);
	}
	if (narrows_private(e)) {
		/* a table cannot exclude the docker gateway: then the
		 * whole entry goes */
		mg_check_private_narrowed(m, &e->net, "\n", "!", 1,
		    &repl);
		if (repl.len == 0 || strchr(mg_str_cstr(&repl), '!') != NULL) {
			mg_str_printf(out, "# private network no interface of "
			    "this host needs, removed: %s", line);
			mg_str_free(&repl);
			return (1);
		}
		mg_str_printf(out, "# private network, narrowed to this "
		    "host's interface networks: %s", line);
		for (p = mg_str_cstr(&repl); *p != '\0'; p += n + (p[n] != 0)) {
			n = strcspn(p, "\n");
			mg_str_printf(out, "\n%.*s%s", (int)n, p, line + klen);
		}
		mg_str_free(&repl);
		return (1);
	}
	if (e->span.public <= 1.0)
		return (0);
	if (!keeps(e)) {
		mg_str_printf(out, "# public network, removed: %s", line);
		return (1);
	}
	mg_str_printf(out, "# public network, narrowed to the clients the "
	    "mail log shows: %s", line);
	for (k = 0; k < e->seen.nseen; k++) {
		mg_net_format(&e->seen.host[k]->addr, 0, host, sizeof(host));
		mg_str_printf(out, "\n%s%s", host, line + klen);
	}
	return (1);
}

/* propose_fix - the edit that narrows mynetworks (or its style); 1 if any */
static int
propose_fix(const struct mg_model *m, const struct mg_param *p,
    const struct mg_param *style, const struct entries *es,
    struct mg_report *r)
{
	const char *reload[] = { "postfix", "-c", m->config_dir, "reload",
	    NULL };
	struct mg_str val = MG_STR_INIT;
	struct mg_fix *x;
	size_t i;

	if (p->raw != NULL && p->file != NULL) {
		if (!narrowed_list(m, es, p->raw, &val)) {
			mg_str_free(&val);
			val.data = NULL;
		}
		for (i = 0; i < es->n; i++) {
			/* Entries from pattern files are edited in place,
			 * once per line. */
			if (es->v[i].file == p->file || (i > 0 &&
			    es->v[i - 1].file == es->v[i].file &&
			    es->v[i - 1].line == es->v[i].line))
				continue;
			const struct mg_srcfile *f = mg_model_file(m,
			    es->v[i].file);
			struct mg_str nl = MG_STR_INIT;

			if (f == NULL || es->v[i].line == 0 ||
			    es->v[i].line > f->nlines ||
			    !(es->v[i].table ? table_line(m, &es->v[i],
			    f->lines[es->v[i].line - 1], &nl) :
			    narrowed_list(m, es, f->lines[es->v[i].line - 1],
			    &nl))) {
				mg_str_free(&nl);
				continue;
			}
			x = mg_report_fix(r, FIX_ID, "Narrow mynetworks to "
			    "the hosts meant");
			(void)mg_fix_replace_line(x, es->v[i].file,
			    es->v[i].line, f->lines[es->v[i].line - 1],
			    mg_str_cstr(&nl));
			mg_str_free(&nl);
		}
		if (val.data != NULL) {
			x = mg_report_fix(r, FIX_ID, "Narrow mynetworks to "
			    "the hosts meant");
			mg_fix_set_param(x, p->file, p->line, "mynetworks",
			    p->raw, mg_str_cstr(&val));
		}
		mg_str_free(&val);
	} else if (p->raw == NULL) {
		x = mg_report_fix(r, FIX_ID, "Trust only this host: "
		    "mynetworks_style = host");
		mg_fix_set_param(x, style != NULL && style->file != NULL ?
		    style->file : m->config_file, style != NULL ? style->line :
		    0, "mynetworks_style", style != NULL ? style->value : NULL,
		    "host");
	}
	x = (struct mg_fix *)mg_report_find_fix(r, FIX_ID);
	if (x == NULL)
		return (0);
	mg_fix_post(x, reload);
	return (1);
}

/*
 * loopback_evidence - Postfix listens on loopback only
 * (mg_check_pf_loopback_only), so the trusted networks cannot reach it
 * as it is configured now: said where that comes from - inet_interfaces,
 * or the first master.cf smtpd service bound to a loopback address when
 * inet_interfaces itself listens further.  0 if it listens further.
 */
static int
loopback_evidence(const struct mg_model *m, struct mg_finding *f)
{
	static const char *const why = "Postfix listens on loopback only "
	    "now, so these networks cannot reach it yet; the setting becomes "
	    "an open relay the day it listens on a public interface";
	const struct mg_param *ii = mg_model_param(m, "inet_interfaces");
	const struct mg_service *s;
	size_t i;

	if (!mg_check_pf_loopback_only(m))
		return (0);
	for (i = 0; mg_check_pf_reach(m, NULL) != MG_PF_REACH_LOOPBACK &&
	    i < m->nservices; i++) {
		s = &m->services[i];
		if (strcmp(s->type, "inet") != 0 || s->command == NULL ||
		    (strcmp(s->command, "smtpd") != 0 &&
		    strcmp(s->command, "postscreen") != 0))
			continue;
		mg_finding_evidence(f, s->file, s->line, "master.cf binds "
		    "every smtpd service to a loopback address (%s %s first) "
		    "although inet_interfaces = %s: %s", s->name, s->command,
		    ii != NULL && ii->value != NULL ? ii->value : "all", why);
		return (1);
	}
	mg_finding_evidence(f, ii != NULL ? ii->file : NULL, ii != NULL ?
	    ii->line : 0, "inet_interfaces = %s: %s", ii != NULL &&
	    ii->value != NULL ? ii->value : "", why);
	return (1);
}

/* plain_addr - an address without brackets or prefix */
static void
plain_addr(const struct mg_net *n, char *buf, size_t size)
{
	if (inet_ntop(n->family == 4 ? AF_INET : AF_INET6, n->addr, buf,
	    (socklen_t)size) == NULL)
		(void)snprintf(buf, size, "?");
}

/*
 * add_probes - what the fix must change, asked of Postfix itself by the
 * fix engine (a private instance of the staged configuration, XCLIENT):
 * a client inside each wide or mistyped network but not the host written
 * must no longer relay; the host written (host bits set) still must, and
 * so must loopback where mynetworks trusts it (the fix keeps it)
 */
static void
add_probes(struct mg_finding *f, const struct entries *es)
{
	struct mg_net in, host;
	char addr[64];
	size_t i, k, n = 0;
	int last, busy, lo = 0;

	for (i = 0; i < es->n && n < MAX_PROBED; i++) {
		const struct entry *e = &es->v[i];

		if (e->table || (!e->host_bits && e->span.public <= 1.0) ||
		    e->net.prefix >= (e->net.family == 4 ? 31 : 127))
			continue;
		n++;
		/* Inside the network, neither the host written nor a host
		 * the fix keeps. */
		mg_net_mask(&e->net, &in);
		last = e->net.family == 4 ? 3 : 15;
		do {
			in.addr[last] = (unsigned char)(in.addr[last] + 1);
			busy = memcmp(in.addr, e->net.addr,
			    sizeof(in.addr)) == 0;
			for (k = 0; k < e->seen.nseen && k < MG_LOG_KEPT; k++)
				if (keeps(e) && memcmp(in.addr,
				    e->seen.host[k]->addr.addr,
				    sizeof(in.addr)) == 0)
					busy = 1;
		} while (busy && in.addr[last] < 250);
		plain_addr(&in, addr, sizeof(addr));
		mg_finding_probe(f, addr, NULL, "", PROBE_RCPT, 1);
		if (e->host_bits) {
			plain_addr(&e->net, addr, sizeof(addr));
			mg_finding_probe(f, addr, NULL, "", PROBE_RCPT, 0);
			continue;
		}
		for (k = 0; keeps(e) && k < e->seen.nseen; k++) {
			host = e->seen.host[k]->addr;
			plain_addr(&host, addr, sizeof(addr));
			mg_finding_probe(f, addr, NULL, "", PROBE_RCPT, 0);
		}
	}
	for (i = 0; i < es->n; i++)
		if (!es->v[i].table && es->v[i].net.family == 4 &&
		    mg_net_loopback(&es->v[i].net))
			lo = 1;
	if (n > 0 && lo)
		mg_finding_probe(f, "127.0.0.1", NULL, "", PROBE_RCPT, 0);
}

/*
 * private_finding - private and container networks in mynetworks, each
 * weighed by what it grants (relay to anywhere, no password) to how many
 * addresses, with this host's interfaces and docker as context
 */
static void
private_finding(const struct mg_model *m, const struct mg_param *p,
    const struct mg_param *style, const struct entries *es,
    enum mg_severity sev, int has_fix, struct mg_report *r)
{
	static const char *sevname[] = { "info", "low", "medium", "high",
	    "critical" };
	struct mg_finding *f;
	char addr[128];
	size_t i, n = 0;
	int lo = 0;

	f = mg_report_finding(r, "postfix.mynetworks.private", sev, "relay",
	    "mynetworks trusts private networks beyond this host's own");
	mg_finding_explain(f, "Every client address in mynetworks passes "
	    "permit_mynetworks and may send mail through this server to "
	    "anywhere, without a password. Private ranges are not safe by "
	    "being private: a /12 or /8 holds a million or more addresses "
	    "- VPN peers, other tenants' containers, a neighbour's LAN - "
	    "and docker's userland proxy (docker-proxy) makes every "
	    "Internet client of a published port arrive from the docker "
	    "bridge's gateway address, so a trusted docker network is an "
	    "open relay. Trust only the networks of this host's own "
	    "interfaces that really send mail (or loopback), and let the "
	    "rest authenticate.");
	for (i = 0; i < es->n; i++) {
		if (!es->v[i].priv)
			continue;
		mg_finding_evidence(f, es->v[i].file, es->v[i].line, "%s "
		    "entry %s - %s: %s", p->raw != NULL ? "mynetworks" :
		    "mynetworks (from mynetworks_style)", es->v[i].text,
		    sevname[es->v[i].pw.severity], es->v[i].pw.why);
	}
	for (i = 0; i < es->n; i++)
		if (mg_net_loopback(&es->v[i].net))
			lo = 1;
	if (p->raw == NULL && style != NULL)
		mg_finding_evidence(f, style->file, style->line, "mynetworks "
		    "is not set; mynetworks_style = %s derives it from this "
		    "machine's interfaces", style->value != NULL ?
		    style->value : "");
	if (m->host != NULL && m->host->ip_forward == 1 &&
	    mg_host_docker(m->host))
		mg_finding_evidence(f, NULL, 0, "docker runs on this host "
		    "(IPv4 forwarding on, /proc/sys/net/ipv4/ip_forward = 1)");
	if (!has_fix)
		return;
	mg_finding_add_fix(f, FIX_ID);
	for (i = 0; i < es->n && n < MAX_PROBED; i++) {
		if (es->v[i].table || !narrows_private(&es->v[i]) ||
		    !mg_check_private_probe(m, &es->v[i].net, addr,
		    sizeof(addr)))
			continue;
		mg_finding_probe(f, addr, NULL, "", PROBE_RCPT, 1);
		n++;
	}
	if (n > 0 && lo)
		mg_finding_probe(f, "127.0.0.1", NULL, "", PROBE_RCPT, 0);
}

/*
 * outage - an entry written in main.cf's list with host bits set, on a
 * Postfix that refuses it: since 3.0 the list lookup fails there
 * ("non-null host address bits"), and smtpd answers every client that
 * reaches permit_mynetworks unmatched by an earlier entry with "451
 * 4.3.0 Temporary lookup failure" - the network is not trusted, it is
 * an inbound outage.  Lookup tables (cidr:) skip such a rule instead.
 */
static int
outage(const struct mg_model *m, const struct entry *e)
{
	long major = m->version != NULL ? strtol(m->version, NULL, 10) : 3;

	return (e->host_bits && !e->table && major >= 3);
}

/* skipped - the same in a cidr: table: Postfix 3.x logs "skipping this
 * rule" (postmap -q says so) and trusts neither network nor host */
static int
skipped(const struct mg_model *m, const struct entry *e)
{
	long major = m->version != NULL ? strtol(m->version, NULL, 10) : 3;

	return (e->host_bits && e->cidr && major >= 3);
}

/* host_bits_evidence - one line for each entry written with host bits
 * (what this Postfix makes of it, the network and the host written), and
 * the fix with its probes; where no entry is an outage, none says so */
static void
host_bits_evidence(const struct mg_model *m, struct mg_finding *f,
    const struct entries *es, int has_fix)
{
	char net[128], host[128];
	size_t i;

	for (i = 0; i < es->n; i++) {
		if (!es->v[i].host_bits)
			continue;
		mg_net_format(&es->v[i].net, 1, net, sizeof(net));
		host_form(&es->v[i].net, host, sizeof(host));
		mg_finding_evidence(f, es->v[i].file, es->v[i].line,
		    "mynetworks entry %s has host bits set: %sthe "
		    "network is %s, the host written is %s",
		    es->v[i].text, outage(m, &es->v[i]) ?
		    "Postfix tempfails every client from here on "
		    "(451 4.3.0); " : skipped(m, &es->v[i]) ?
		    "Postfix skips this cidr rule (trusts neither); " :
		    "", net, host);
	}
	if (has_fix) {
		mg_finding_add_fix(f, FIX_ID);
		add_probes(f, es);
	}
}

/* mg_check_pf_mynetworks - public space and host bits in mynetworks */
void
mg_check_pf_mynetworks(const struct mg_model *m, struct mg_report *r)
{
	const struct mg_param *p = mg_model_param(m, "mynetworks");
	const struct mg_param *style = mg_model_param(m, "mynetworks_style");
	struct entries es = { NULL, 0, 0 };
	struct mg_finding *f;
	enum mg_severity sev = MG_SEV_INFO, privsev = MG_SEV_INFO;
	char net[128], count[64];
	double widest = 0.0;
	size_t i, npublic = 0, nhost = 0, nout = 0;
	int has_fix;

	if (p == NULL || p->value == NULL)
		return;
	collect(m, p, style, &es);
	seen_in_log(m, &es);
	weigh_private(m, &es);
	for (i = 0; i < es.n; i++) {
		if (es.v[i].priv && es.v[i].pw.severity > privsev)
			privsev = es.v[i].pw.severity;
		if (es.v[i].host_bits)
			nhost++;
		if (outage(m, &es.v[i]))
			nout++;
		else if (es.v[i].span.public > 1.0 && !skipped(m, &es.v[i])) {
			npublic++;
			if (es.v[i].span.public > widest)
				widest = es.v[i].span.public;
		}
	}
	if (npublic == 0 && nhost == 0 && privsev < MG_SEV_MEDIUM) {
		free(es.v);
		return;
	}
	has_fix = propose_fix(m, p, style, &es, r);
	if (npublic > 0) {
		sev = widest > PUBLIC_CRITICAL ? MG_SEV_CRITICAL :
		    widest > PUBLIC_HIGH ? MG_SEV_HIGH : MG_SEV_MEDIUM;
		f = mg_report_finding(r, "postfix.mynetworks.public", sev,
		    "relay", "mynetworks trusts public address space");
		mg_finding_explain(f, "Every client address in mynetworks "
		    "passes permit_mynetworks and may send mail through this "
		    "server to anywhere, without a password. A public network "
		    "there means hosts you do not run can use this server as "
		    "an open relay; spammers find such ranges quickly. Trust "
		    "only the hosts that really submit mail through this "
		    "server, and let users authenticate (SASL) instead.");
		for (i = 0; i < es.n; i++) {
			if (es.v[i].span.public <= 1.0 || outage(m, &es.v[i]) ||
			    skipped(m, &es.v[i]))
				continue;
			mg_net_format(&es.v[i].net, 1, net, sizeof(net));
			mg_net_format_count(es.v[i].span.public,
			    es.v[i].net.family, count, sizeof(count));
			mg_finding_evidence(f, es.v[i].file, es.v[i].line,
			    "%s %s trusts %s public addresses (%s)%s",
			    p->raw != NULL ? "mynetworks entry" :
			    "mynetworks (from mynetworks_style) entry",
			    es.v[i].text, count, net, es.v[i].host_bits ?
			    " - written with host bits set" : "");
		}
		for (i = 0; p->raw != NULL && i < es.n; i++)
			if (!es.v[i].host_bits && es.v[i].span.public > 1.0)
				mg_check_log_evidence(m, f, &es.v[i].net,
				    &es.v[i].seen);
		(void)loopback_evidence(m, f);
		if (p->raw == NULL && style != NULL)
			mg_finding_evidence(f, style->file, style->line,
			    "mynetworks is not set; mynetworks_style = %s "
			    "derives it from this machine's interfaces",
			    style->value != NULL ? style->value : "");
		if (has_fix)
			mg_finding_add_fix(f, FIX_ID);
		/* one set of probes (the host-bits finding takes them) */
		if (has_fix && nhost == 0)
			add_probes(f, &es);
	}
	if (nout > 0) {
		f = mg_report_finding(r, "postfix.mynetworks.host-bits",
		    MG_SEV_CRITICAL, "relay", "mynetworks has a mask typo: "
		    "mail from outside is tempfailed (an inbound outage)");
		mg_finding_explain(f, "An entry such as 210.140.12.34/8 names "
		    "one host but a mask that covers a whole network. This "
		    "Postfix refuses the entry (\"non-null host address "
		    "bits\") and the mynetworks lookup fails there: every "
		    "client that reaches permit_mynetworks and is not matched "
		    "by an earlier entry gets \"451 4.3.0 Temporary lookup "
		    "failure\" - for foreign and local recipients alike. "
		    "Nobody relays through the mistyped network, but mail from "
		    "the Internet to your own domains is deferred and bounces "
		    "after the queue lifetime: an inbound outage, and the "
		    "relay probe says \"tempfail\". Dropping only the host "
		    "bits would trust the whole network (an open relay); the "
		    "host that was written is almost always the one meant.");
		host_bits_evidence(m, f, &es, has_fix);
	} else if (nhost > 0) {
		f = mg_report_finding(r, "postfix.mynetworks.host-bits",
		    MG_SEV_HIGH, "relay",
		    "mynetworks entry has host bits set (a mask typo)");
		mg_finding_explain(f, "An entry such as 210.140.12.34/8 names "
		    "one host but a mask that covers a whole network. What "
		    "Postfix makes of it depends on where it is written and "
		    "on the version: in a cidr: table Postfix 3.x skips the "
		    "rule (\"non-null host address bits ... skipping this "
		    "rule\"), so neither the network nor the host written is "
		    "trusted; written in main.cf's list it refuses the entry "
		    "and answers every client past it \"451 4.3.0 Temporary "
		    "lookup failure\"; older Postfix silently trusted the "
		    "whole network: an open relay. Dropping only the host "
		    "bits would make it that open relay; the host that was "
		    "written is almost always the one meant.");
		host_bits_evidence(m, f, &es, has_fix);
	}
	if (privsev >= MG_SEV_MEDIUM)
		private_finding(m, p, style, &es, privsev, has_fix, r);
	free(es.v);
}

/* What each "authorized" client list grants, and how it is weighed. */
static const struct grant {
	const char *param, *id, *fix, *title, *grants;
	enum mg_severity host, net, pub;	/* one address; more; public
						 * (INFO: not reported) */
} grants[] = {
	{ "smtpd_authorized_xclient_hosts", "postfix.xclient.wide",
	    "postfix.xclient.narrow", "XCLIENT is allowed beyond loopback",
	    "claim any client address, host name, HELO and SASL login "
	    "(XCLIENT ADDR=, NAME=, HELO=, LOGIN=): Postfix then applies "
	    "mynetworks and permit_sasl_authenticated to the claimed "
	    "identity, so it relays as a trusted client would",
	    MG_SEV_LOW, MG_SEV_HIGH, MG_SEV_CRITICAL },
	{ "smtpd_authorized_xforward_hosts", "postfix.xforward.wide",
	    "postfix.xforward.narrow", "XFORWARD is allowed beyond loopback",
	    "set the client address and name Postfix logs and hands to a "
	    "content filter or policy (XFORWARD ADDR=, NAME=): the log and "
	    "the filter see an identity of its choosing",
	    MG_SEV_INFO, MG_SEV_LOW, MG_SEV_MEDIUM },
	{ "smtpd_authorized_verp_clients", "postfix.verp.wide",
	    "postfix.verp.narrow", "XVERP is allowed to public networks",
	    "ask for VERP delivery (XVERP), one message copy per recipient",
	    MG_SEV_INFO, MG_SEV_INFO, MG_SEV_LOW },
};

/* grant_weigh - the severity of one list's non-loopback networks; the
 * evidence into f when f is not NULL */
static enum mg_severity
grant_weigh(const struct grant *g, const struct mg_param *p,
    const char *where, const struct entries *es, struct mg_finding *f)
{
	enum mg_severity sev = MG_SEV_INFO, s;
	char net[128], count[64];
	size_t i;

	for (i = 0; i < es->n; i++) {
		const struct entry *e = &es->v[i];

		if (mg_net_loopback(&e->net))
			continue;
		s = e->span.public > 256.0 ? g->pub : e->span.total > 1.0 ?
		    g->net : g->host;
		if (s > sev)
			sev = s;
		if (f == NULL)
			continue;
		mg_net_format(&e->net, 1, net, sizeof(net));
		mg_net_format_count(e->span.total, e->net.family, count,
		    sizeof(count));
		mg_finding_evidence(f, e->file, e->line, "%s%s entry %s (%s, "
		    "%s address%s%s) may %s", p->name, where, e->text, net,
		    count, e->span.total > 1.0 ? "es" : "", e->span.public >
		    1.0 ? ", public" : "", g->grants);
	}
	return (sev);
}

/*
 * grant_narrowed - the list with its non-loopback networks dropped
 * (names and tables kept: they are not weighed here); 0 if nothing
 * changes or the list names a variable we cannot rewrite blindly
 */
static int
grant_narrowed(const char *raw, struct mg_str *out)
{
	const char *cur, *elem;
	struct mg_net net;
	char word[128];
	size_t len;
	int changed = 0;

	mg_str_init(out);
	if (strchr(raw, '$') != NULL)
		return (0);
	for (cur = raw; mg_pf_list_next(&cur, &elem, &len);) {
		if (len < sizeof(word)) {
			memcpy(word, elem, len);
			word[len] = '\0';
			if (*word != '!' && mg_net_parse(word, &net,
			    NULL) == 0 && !mg_net_loopback(&net)) {
				changed = 1;
				continue;
			}
		}
		mg_str_printf(out, "%s%.*s", out->len > 0 ? " " : "",
		    (int)len, elem);
	}
	return (changed);
}

/* grant_fix - the edit narrowing one list: main.cf's parameter, or the
 * "-o name=value" of a master.cf service; 1 if proposed */
static int
grant_fix(const struct mg_model *m, const struct grant *g,
    const struct mg_param *p, int override, struct mg_report *r)
{
	const struct mg_srcfile *src;
	struct mg_str val = MG_STR_INIT, line = MG_STR_INIT;
	struct mg_str old = MG_STR_INIT;
	struct mg_fix *x;
	const char *at;

	if (p->raw == NULL || p->file == NULL || !grant_narrowed(p->raw,
	    &val)) {
		mg_str_free(&val);
		return (0);
	}
	if (!override) {
		x = mg_report_fix(r, g->fix, "Allow it from loopback only");
		mg_fix_set_param(x, p->file, p->line, g->param, p->raw,
		    mg_str_cstr(&val));
	} else {
		src = mg_model_file(m, p->file);
		mg_str_printf(&old, "%s=%s", g->param, p->raw);
		if (src == NULL || p->line == 0 || p->line > src->nlines ||
		    (at = strstr(src->lines[p->line - 1],
		    mg_str_cstr(&old))) == NULL) {
			mg_str_free(&val);
			mg_str_free(&old);
			return (0);
		}
		mg_str_append(&line, src->lines[p->line - 1],
		    (size_t)(at - src->lines[p->line - 1]));
		mg_str_printf(&line, "%s=%s%s", g->param, mg_str_cstr(&val),
		    at + old.len);
		x = mg_report_fix(r, g->fix, "Allow it from loopback only");
		(void)mg_fix_replace_line(x, p->file, p->line,
		    src->lines[p->line - 1], mg_str_cstr(&line));
	}
	mg_str_free(&val);
	mg_str_free(&line);
	mg_str_free(&old);
	mg_check_pf_reload(m, x);
	return (1);
}

/* grant_check - one authorized-client list, in main.cf and in every
 * service that overrides it */
static void
grant_check(const struct mg_model *m, const struct grant *g,
    struct mg_report *r)
{
	const struct mg_param *lists[64];
	const char *where[64];
	struct mg_str svc[64];
	struct entries es[64];
	struct mg_finding *f = NULL;
	enum mg_severity sev = MG_SEV_INFO, s;
	const struct mg_param *p = mg_model_param(m, g->param);
	size_t n = 0, i, k;
	int fixed = 0;

	if (p != NULL && p->value != NULL && (p->raw != NULL ||
	    strcmp(g->param, "smtpd_authorized_verp_clients") != 0)) {
		lists[n] = p;
		mg_str_init(&svc[n]);
		where[n++] = "";
	}
	for (i = 0; i < m->nservices && n < 64; i++) {
		p = mg_service_override(&m->services[i], g->param);
		if (p == NULL || p->value == NULL)
			continue;
		lists[n] = p;
		mg_str_init(&svc[n]);
		mg_str_printf(&svc[n], " (master.cf service %s)",
		    m->services[i].name);
		where[n] = mg_str_cstr(&svc[n]);
		n++;
	}
	for (i = 0; i < n; i++) {
		memset(&es[i], 0, sizeof(es[i]));
		collect(m, lists[i], NULL, &es[i]);
		if ((s = grant_weigh(g, lists[i], where[i], &es[i], NULL)) >
		    sev)
			sev = s;
	}
	if (sev > MG_SEV_INFO) {
		f = mg_report_finding(r, g->id, sev, "relay", g->title);
		mg_finding_explain(f, "Postfix gives the commands of these "
		    "lists to proxies and content filters that pass on "
		    "another client's session (XCLIENT_README, "
		    "XFORWARD_README). Every host a list names is believed "
		    "about who the real client is; only the proxy or filter "
		    "itself should be there - usually this host (loopback). "
		    "A network there lets every host in it take on any "
		    "identity.");
		for (i = 0; i < n; i++)
			(void)grant_weigh(g, lists[i], where[i], &es[i], f);
		p = mg_model_param(m, "mynetworks");
		if (strcmp(g->param, "smtpd_authorized_xclient_hosts") == 0 &&
		    p != NULL && p->value != NULL)
			mg_finding_evidence(f, p->file, p->line, "mynetworks "
			    "= %s: a client that claims an address there "
			    "relays to any destination", p->value);
		for (i = 0; i < n; i++)
			fixed |= grant_fix(m, g, lists[i], where[i][0] != '\0',
			    r);
		if (fixed)
			mg_finding_add_fix(f, g->fix);
	}
	for (k = 0; k < n; k++) {
		free(es[k].v);
		mg_str_free(&svc[k]);
	}
}

/* mg_check_pf_authorized - XCLIENT, XFORWARD and XVERP granted beyond
 * loopback, weighed by what each grants and to how many addresses */
void
mg_check_pf_authorized(const struct mg_model *m, struct mg_report *r)
{
	size_t i;

	for (i = 0; i < sizeof(grants) / sizeof(grants[0]); i++)
		grant_check(m, &grants[i], r);
}
