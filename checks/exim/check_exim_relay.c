/*
 * check_exim_relay.c - who may relay through Exim.  Debian's (and Exim's
 * default) acl_check_rcpt accepts any recipient from hosts in
 * relay_from_hosts, so every public address there is an open relay; an
 * entry written with host bits ("210.140.12.34/8") is masked by Exim to
 * the whole network without a word (incident 4, on Exim).  On
 * Debian the list comes from dc_relay_nets in update-exim4.conf.conf, and
 * the fix edits it there.  Also: an accept with no client restriction
 * and no local-domain restriction before the relay check opens the relay
 * to anyone.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../backends/exim/exim_list.h"
#include "../../core/mg_maillog.h"
#include "../../core/mg_net.h"
#include "../../core/mg_str.h"
#include "../checks.h"

#define PUBLIC_CRITICAL 65536.0
#define PUBLIC_HIGH 256.0
#define FIX_ID "exim.relay.narrow"

/* Conditions that limit an accept to some clients or local recipients. */
static const char *const limiting[] = { "hosts", "!hosts", "authenticated",
	"!authenticated", "condition", "!condition", "encrypted", "acl",
	"!acl", "verify", "!verify", "senders", "!senders", "domains",
	"!domains", "recipients", "!recipients", "sender_domains",
	"!sender_domains", "ratelimit", "dnslists", "!dnslists", NULL };

/* private_host - a host the mail log shows that needs no public trust
 * (loopback, RFC 1918: the list's own private entries are kept) */
static int
private_host(const void *arg, const struct mg_net *host)
{
	struct mg_net_span span;

	(void)arg;
	mg_net_span(host, &span);
	return (span.public < 1.0);
}

/*
 * narrowed - an item with host bits becomes its host, a public network
 * becomes the hosts the mail log shows sending through it without SASL
 * (if a few; several items, newline-separated) or is dropped, a wide
 * private one becomes this host's interface networks inside it; *changed
 * if so.  NULL: drop the item.
 */
static char *
narrowed(const struct mg_model *m, const char *item, double *widest,
    int *host_bits, int *changed)
{
	struct mg_log_hosts h;
	struct mg_str s = MG_STR_INIT;
	size_t k;
	struct mg_net net, host;
	struct mg_net_span span;
	struct mg_private_weight pw;
	char buf[128];

	if (*item == '!' || *item == '+' || strchr(item, ';') != NULL ||
	    strchr(item, '$') != NULL || mg_net_parse(item, &net, NULL) < 0)
		return (mg_xstrdup(item));
	mg_net_span(&net, &span);
	if (span.public > *widest)
		*widest = span.public;
	if (mg_net_host_bits(&net)) {
		*host_bits = 1;
		*changed = 1;
		host = net;
		host.prefix = net.family == 4 ? 32 : 128;
		mg_net_format(&host, 0, buf, sizeof(buf));
		return (mg_xstrdup(buf));
	}
	if (span.public <= 1.0 && !mg_net_host_bits(&net) &&
	    mg_check_private_weigh(m, &net, &pw) && pw.narrow) {
		/* the networks of this host's interfaces inside it */
		*changed = 1;
		mg_check_private_narrowed(m, &net, "\n", "!", 0, &s);
		if (s.len > 0)
			return (s.data);
		mg_str_free(&s);
		return (NULL);
	}
	if (span.public > 1.0) {
		*changed = 1;
		mg_check_log_hosts(m, &net, private_host, NULL, &h);
		if (!mg_check_log_keeps(&h))
			return (NULL);
		for (k = 0; k < h.nseen; k++) {
			host = h.host[k]->addr;
			if (host.family == 4)
				mg_net_format(&host, 0, buf, sizeof(buf));
			else if (inet_ntop(AF_INET6, host.addr, buf,
			    sizeof(buf)) == NULL)
				continue;
			mg_str_printf(&s, "%s%s", k > 0 ? "\n" : "", buf);
		}
		return (s.data != NULL ? s.data : NULL);
	}
	return (mg_xstrdup(item));
}

/* put_item - an item into a list, its separator characters doubled (an
 * IPv6 address in a colon list) */
static void
put_item(struct mg_str *out, const char *item, size_t len, char sep)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (item[i] == sep)
			mg_str_append(out, &item[i], 1);
		mg_str_append(out, &item[i], 1);
	}
}

/* narrow_list - the list without public networks, host-bit entries as
 * their host; sep is the list's separator (';' for dc_relay_nets) */
static int
narrow_list(const struct mg_model *m, const char *value, char sep,
    struct mg_str *out, double *widest, int *host_bits)
{
	struct mg_exim_list l;
	struct mg_str it = MG_STR_INIT;
	char *n, *p, seps[4] = { ' ', sep, ' ', '\0' };
	size_t len;
	int changed = 0, first = 1;

	mg_str_init(out);
	mg_exim_list_init(&l, value);
	if (sep != ':' && l.sep == ':')
		l.sep = sep;
	else if (l.sep != ':')
		mg_str_printf(out, "<%c ", l.sep);
	seps[1] = l.sep;
	while (mg_exim_list_next(&l, &it)) {
		n = narrowed(m, it.data != NULL ? it.data : "", widest,
		    host_bits, &changed);
		if (n == NULL)
			continue;
		for (p = n; *p != '\0'; p += len + (p[len] == '\n')) {
			len = strcspn(p, "\n");
			if (!first)
				mg_str_puts(out, seps);
			put_item(out, p, len, l.sep);
			first = 0;
		}
		free(n);
	}
	mg_str_free(&it);
	return (changed);
}

/* probe_address - an address inside net other than the one written, to
 * show that the whole network is trusted */
static void
probe_address(const struct mg_net *net, char *buf, size_t size)
{
	struct mg_net a;

	mg_check_net_inside(net, &a);
	a.prefix = a.family == 4 ? 32 : 128;
	a.has_prefix = 0;
	if (a.family != 4)
		a.addr[15] |= 0x25;
	if (inet_ntop(a.family == 4 ? AF_INET : AF_INET6, a.addr, buf,
	    (socklen_t)size) == NULL)
		(void)snprintf(buf, size, "192.0.2.1");
}

/*
 * ue4c_line - the dc_relay_nets line of Debian's update-exim4.conf.conf.
 * The file is shell, sourced by update-exim4.conf: with two assignments
 * the last one is the list, so that is the line named and edited.
 */
static unsigned
ue4c_line(const struct mg_model *m, const struct mg_srcfile **fp)
{
	struct mg_str path = MG_STR_INIT;
	const struct mg_srcfile *f;
	size_t i;

	*fp = NULL;
	if (m->config_dir == NULL)
		return (0);
	mg_str_printf(&path, "%s/update-exim4.conf.conf", m->config_dir);
	f = mg_model_file(m, mg_str_cstr(&path));
	mg_str_free(&path);
	for (i = f != NULL ? f->nlines : 0; i-- > 0;)
		if (strncmp(f->lines[i], "dc_relay_nets=", 14) == 0) {
			*fp = f;
			return ((unsigned)i + 1);
		}
	return (0);
}

/* ue4c_evidence - where Debian's update-exim4.conf.conf writes the list,
 * evidence of f */
static void
ue4c_evidence(const struct mg_model *m, struct mg_finding *f)
{
	const struct mg_srcfile *uf;
	unsigned uline;

	if ((uline = ue4c_line(m, &uf)) != 0)
		mg_finding_evidence(f, uf->path, uline, "on Debian the list "
		    "comes from %s", uf->lines[uline - 1]);
}

/* propose - narrow dc_relay_nets (Debian) or the hostlist itself */
static int
propose(const struct mg_model *m, const struct mg_param *p,
    struct mg_report *r)
{
	const struct mg_srcfile *f;
	struct mg_str val = MG_STR_INIT, line = MG_STR_INIT;
	struct mg_fix *x;
	const char *text, *q, *at;
	double w = 0.0;
	int hb = 0;
	unsigned no;

	if ((no = ue4c_line(m, &f)) != 0) {
		/* dc_relay_nets='a ; b' - semicolons, quotes */
		text = f->lines[no - 1] + 14;
		q = *text == '\'' || *text == '"' ? text + 1 : text;
		mg_str_append(&line, q, strcspn(q, "'\""));
		if (!narrow_list(m, mg_str_cstr(&line), ';', &val, &w,
		    &hb)) {
			mg_str_free(&line);
			mg_str_free(&val);
			return (0);
		}
		mg_str_reset(&line);
		mg_str_printf(&line, "dc_relay_nets='%s'", mg_str_cstr(&val));
		x = mg_report_fix(r, FIX_ID, "Trust only the hosts meant to "
		    "relay (dc_relay_nets)");
		(void)mg_fix_replace_line(x, f->path, no, f->lines[no - 1],
		    mg_str_cstr(&line));
		mg_check_exim_regenerate(m, x, f->path);
	} else {
		f = p->file != NULL ? mg_model_file(m, p->file) : NULL;
		if (f == NULL || p->line == 0 || p->line > f->nlines ||
		    !narrow_list(m, p->value, ':', &val, &w, &hb) ||
		    (at = strstr(f->lines[p->line - 1], p->raw != NULL ?
		    p->raw : p->value)) == NULL) {
			mg_str_free(&val);
			return (0);
		}
		mg_str_append(&line, f->lines[p->line - 1],
		    (size_t)(at - f->lines[p->line - 1]));
		mg_str_puts(&line, mg_str_cstr(&val));
		mg_str_puts(&line, at + strlen(p->raw != NULL ? p->raw :
		    p->value));
		x = mg_report_fix(r, FIX_ID, "Trust only the hosts meant to "
		    "relay (relay_from_hosts)");
		(void)mg_fix_replace_line(x, p->file, p->line,
		    f->lines[p->line - 1], mg_str_cstr(&line));
	}
	mg_str_free(&val);
	mg_str_free(&line);
	return (1);
}

/*
 * private_hosts - private and container networks in relay_from_hosts,
 * weighed by width and this host's interfaces and docker (as Postfix's
 * mynetworks): a finding from medium up, every private item's weight as
 * evidence, a probe inside each item the fix narrows
 */
static struct mg_finding *
private_hosts(const struct mg_model *m, const struct mg_param *p,
    struct mg_report *r)
{
	static const char *sevname[] = { "info", "low", "medium", "high",
	    "critical" };
	struct mg_exim_list l;
	struct mg_str it = MG_STR_INIT;
	struct mg_private_weight pw;
	struct mg_finding *f = NULL;
	struct mg_net net;
	enum mg_severity sev = MG_SEV_INFO;
	char addr[128];
	int pass;

	for (pass = 0; pass < 2; pass++) {
		mg_exim_list_init(&l, p->value);
		while (mg_exim_list_next(&l, &it)) {
			if (it.data == NULL || it.data[0] == '!' ||
			    mg_net_parse(it.data, &net, NULL) < 0 ||
			    mg_net_host_bits(&net) ||
			    !mg_check_private_weigh(m, &net, &pw))
				continue;
			if (pass == 0) {
				if (pw.severity > sev)
					sev = pw.severity;
				continue;
			}
			mg_finding_evidence(f, p->file, p->line,
			    "relay_from_hosts entry %s - %s: %s", it.data,
			    sevname[pw.severity], pw.why);
			if (pw.narrow && mg_check_private_probe(m, &net, addr,
			    sizeof(addr)))
				mg_finding_probe(f, addr, NULL,
				    "spam@bulk.test", "victim@remote.test", 1);
		}
		if (pass == 0 && sev < MG_SEV_MEDIUM)
			break;
		if (pass == 0)
			f = mg_report_finding(r, "exim.relay.private-hosts",
			    sev, "relay", "relay_from_hosts trusts private "
			    "networks beyond this host's own");
	}
	mg_str_free(&it);
	if (sev < MG_SEV_MEDIUM)
		return (NULL);
	mg_finding_explain(f, "acl_check_rcpt accepts every recipient, for "
	    "any destination, from hosts in relay_from_hosts. Private "
	    "ranges are not safe by being private: a /12 or /8 holds a "
	    "million or more addresses - VPN peers, other tenants' "
	    "containers, a neighbour's LAN - and docker's userland proxy "
	    "(docker-proxy) makes every Internet client of a published port "
	    "arrive from the docker bridge's gateway address, so a trusted "
	    "docker network is an open relay. Trust only the networks of "
	    "this host's own interfaces that really send mail (or "
	    "loopback); users should authenticate.");
	ue4c_evidence(m, f);
	return (f);
}

/* check_relay_hosts - public space in relay_from_hosts */
static void
check_relay_hosts(const struct mg_model *m, struct mg_report *r)
{
	const struct mg_param *p = mg_model_param(m, "+relay_from_hosts");
	struct mg_exim_list l;
	struct mg_str it = MG_STR_INIT;
	struct mg_finding *f = NULL, *pf;
	struct mg_net net, first = { 0 }, masked;
	struct mg_net_span span;
	char count[64], netbuf[128], probe[128];
	double widest = 0.0;
	struct mg_log_hosts h;
	size_t k;
	int hb, have_first = 0;

	if (p == NULL || p->value == NULL)
		return;
	mg_exim_list_init(&l, p->value);
	while (mg_exim_list_next(&l, &it)) {
		if (it.data == NULL || it.data[0] == '!' ||
		    mg_net_parse(it.data, &net, NULL) < 0)
			continue;
		mg_net_span(&net, &span);
		hb = mg_net_host_bits(&net);
		if (span.public <= 1.0 && !hb)
			continue;
		if (f == NULL)
			f = mg_report_finding(r, "exim.relay.public-hosts",
			    MG_SEV_MEDIUM, "relay", "relay_from_hosts trusts "
			    "public address space");
		if (span.public > widest)
			widest = span.public;
		if (!have_first && span.public > 1.0) {
			first = net;
			have_first = 1;
		}
		mg_net_mask(&net, &masked);
		mg_net_format(&masked, 1, netbuf, sizeof(netbuf));
		mg_net_format_count(span.public, net.family, count,
		    sizeof(count));
		mg_finding_evidence(f, p->file, p->line, "relay_from_hosts "
		    "entry %s trusts %s public addresses (%s)%s", it.data,
		    count, netbuf, hb ? " - written with host bits, which "
		    "Exim drops without a warning: the whole network relays" :
		    "");
		if (hb || span.public <= 1.0)
			continue;
		mg_check_log_hosts(m, &net, private_host, NULL, &h);
		mg_check_log_evidence(m, f, &net, &h);
		for (k = 0; mg_check_log_keeps(&h) && k < h.nseen; k++) {
			char host[INET6_ADDRSTRLEN];

			if (inet_ntop(h.host[k]->addr.family == 4 ? AF_INET :
			    AF_INET6, h.host[k]->addr.addr, host,
			    sizeof(host)) != NULL)
				mg_finding_probe(f, host, NULL,
				    "app@example.com", "report@remote.test",
				    0);
		}
	}
	mg_str_free(&it);
	pf = private_hosts(m, p, r);
	if (f == NULL) {
		if (pf != NULL && propose(m, p, r))
			mg_finding_add_fix(pf, FIX_ID);
		return;
	}
	f->severity = widest > PUBLIC_CRITICAL ? MG_SEV_CRITICAL :
	    widest > PUBLIC_HIGH ? MG_SEV_HIGH : MG_SEV_MEDIUM;
	mg_finding_explain(f, "acl_check_rcpt accepts every recipient, for "
	    "any destination, from hosts in relay_from_hosts. A public "
	    "network there makes this server an open relay for everyone in "
	    "it; spammers find such ranges quickly. An entry such as "
	    "210.140.12.34/8 names one host, but Exim applies the mask and "
	    "trusts the whole /8 - a relay test from outside that network "
	    "passes, which is how this hides. Trust only the hosts that "
	    "really send through this server; users should authenticate.");
	ue4c_evidence(m, f);
	if (have_first) {
		probe_address(&first, probe, sizeof(probe));
		mg_finding_probe(f, probe, NULL, "spam@bulk.test",
		    "victim@remote.test", 1);
	}
	if (propose(m, p, r)) {
		mg_finding_add_fix(f, FIX_ID);
		if (pf != NULL)
			mg_finding_add_fix(pf, FIX_ID);
	}
}

/* limits - does an ACL statement limit whom or what it accepts? */
static int
limits(const struct mg_rule *r)
{
	size_t i, k;

	for (i = 0; i < r->nconds; i++)
		for (k = 0; limiting[k] != NULL; k++)
			if (strcmp(r->conds[i].name, limiting[k]) == 0)
				return (1);
	return (0);
}

/* relay_check - the statement that refuses foreign domains: a require
 * or deny on domains */
static int
relay_check(const struct mg_rule *r)
{
	return ((strcmp(r->verb, "require") == 0 &&
	    mg_rule_cond(r, "domains") != NULL) ||
	    ((strcmp(r->verb, "deny") == 0 || strcmp(r->verb, "drop") == 0) &&
	    (mg_rule_cond(r, "!domains") != NULL ||
	    (mg_rule_cond(r, "domains") != NULL &&
	    mg_rule_cond(r, "domains")->value[0] == '!'))));
}

/* check_open_accept - an unconditional accept before the relay check */
static void
check_open_accept(const struct mg_model *m, struct mg_report *r)
{
	const char *acl = mg_model_value(m, "acl_smtp_rcpt");
	const struct mg_rule *rule;
	struct mg_finding *f;
	size_t i;

	if (acl == NULL)
		return;
	for (i = 0; i < m->nrules; i++) {
		rule = &m->rules[i];
		if (strcmp(rule->group, acl) != 0)
			continue;
		if (relay_check(rule))
			return;
		if (strcmp(rule->verb, "accept") == 0 && !limits(rule))
			break;
	}
	if (i == m->nrules)
		return;
	f = mg_report_finding(r, "exim.relay.open-accept", MG_SEV_CRITICAL,
	    "relay", "An accept before the relay check lets anyone relay");
	mg_finding_explain(f, "In acl_check_rcpt this accept has no condition "
	    "on the client (hosts, authenticated) nor on the recipient's "
	    "domain, and it comes before the statement that refuses foreign "
	    "domains. Every client reaching it may send to any domain: an "
	    "open relay. Give it a hosts or authenticated condition, limit "
	    "it to +local_domains, or move it after the relay check.");
	mg_finding_evidence(f, rule->file, rule->line, "%s: \"%s\" with no "
	    "client or domain condition", acl, rule->verb);
	mg_finding_probe(f, "198.51.100.9", NULL, "spam@bulk.test",
	    "victim@remote.test", 1);
}

/* mg_check_exim_relay - relay_from_hosts and open accepts */
void
mg_check_exim_relay(const struct mg_model *m, struct mg_report *r)
{
	check_relay_hosts(m, r);
	check_open_accept(m, r);
}
