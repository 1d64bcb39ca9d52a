/*
 * check_log_sasl.c - a stolen SASL password, as the mail log shows it.
 * MTA-neutral: it reads the logins the backend's log parser recorded
 * (mg_maillog_auth: the client address and time of each message sent
 * after logging in, and of each failed login naming a user).
 *
 * sasl.login.many-addresses: one login sending from MANY_ADDRS distinct
 * client addresses, or from MANY_BLOCKS distinct networks (IPv4 /16,
 * IPv6 /32: roughly one provider each), within WINDOW.  An IPv6 client
 * counts as its /64: one host or home network, whose temporary
 * (privacy) addresses change every day or so (RFC 8981) without a new
 * client behind them.  A person sends
 * from home, office, phone and the odd hotel: a handful of addresses in
 * two or three providers a day; a mobile carrier's changing addresses
 * stay within its few blocks.  A password sold on is used by a botnet
 * or a proxy pool: tens of addresses in unrelated networks.  Critical
 * when it also sent MANY_MSGS messages in that window, or is a system
 * or role name.
 *
 * sasl.login.failed-spread: failed logins for one user from FAIL_ADDRS
 * distinct addresses within WINDOW.  fail2ban's postfix-sasl and
 * exim jails count per address (maxretry 5 by default): a distributed
 * guess that tries each password from a new address never trips them;
 * counted per user, it shows.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/mg_maillog.h"
#include "../core/mg_sanitize.h"
#include "../core/mg_str.h"
#include "checks.h"

#define WINDOW (24L * 3600)	/* seconds */
#define MANY_ADDRS 10
#define MANY_BLOCKS 5
#define MANY_MSGS 100
#define FAIL_ADDRS 10
#define SAMPLES 5		/* addresses named in the evidence */

/* The disable fixes of the MTA checks (system and role accounts). */
static const char *const disable_fixes[] = {
	"postfix.sasl.disable-system", "exim.auth.disable-system", NULL
};

/* One event of the login looked at, with its address and block ids. */
struct ev {
	size_t login;
	int failed;
	time_t when;
	const struct mg_net *addr;
	size_t aid, bid;	/* distinct address, distinct block */
};

/* The busiest window found for one login. */
struct worst {
	size_t addrs, blocks, events;
	size_t first, last;	/* indices into the sorted events */
};

/* block - the network an address is counted in: IPv4 /16, IPv6 /32 */
static void
block(const struct mg_net *a, struct mg_net *b)
{
	*b = *a;
	if (a->family == 4)
		memset(b->addr + 2, 0, sizeof(b->addr) - 2);
	else
		memset(b->addr + 4, 0, sizeof(b->addr) - 4);
}

/* host - the client an address is counted as: IPv4 the address, IPv6
 * its /64 */
static void
host(const struct mg_net *a, struct mg_net *h)
{
	*h = *a;
	if (a->family != 4)
		memset(h->addr + 8, 0, sizeof(h->addr) - 8);
}

/* cmp_event - events by login, successes first, then time */
static int
cmp_event(const void *x, const void *y)
{
	const struct ev *a = x, *b = y;

	if (a->login != b->login)
		return (a->login < b->login ? -1 : 1);
	if (a->failed != b->failed)
		return (a->failed - b->failed);
	return (a->when < b->when ? -1 : a->when > b->when);
}

/* net_cmp - by family, then address bytes */
static int
net_cmp(const struct mg_net *a, const struct mg_net *b)
{
	if (a->family != b->family)
		return (a->family < b->family ? -1 : 1);
	return (memcmp(a->addr, b->addr, sizeof(a->addr)));
}

/* cmp_addr - indices into the events arg, by client: address, IPv6 /64
 * (qsort_r) */
static int
cmp_addr(const void *x, const void *y, void *arg)
{
	const struct ev *ev = arg;
	struct mg_net a, b;

	host(ev[*(const size_t *)x].addr, &a);
	host(ev[*(const size_t *)y].addr, &b);
	return (net_cmp(&a, &b));
}

/* cmp_block - indices into the events arg, by block (qsort_r) */
static int
cmp_block(const void *x, const void *y, void *arg)
{
	const struct ev *ev = arg;
	struct mg_net a, b;

	block(ev[*(const size_t *)x].addr, &a);
	block(ev[*(const size_t *)y].addr, &b);
	return (net_cmp(&a, &b));
}

/* number - distinct ids by address (blocks 0) or block (1); how many */
static size_t
number(struct ev *ev, size_t n, int blocks)
{
	size_t *ix = mg_xcalloc(n, sizeof(*ix)), i, id = 0;

	for (i = 0; i < n; i++)
		ix[i] = i;
	qsort_r(ix, n, sizeof(*ix), blocks ? cmp_block : cmp_addr, ev);
	for (i = 0; i < n; i++) {
		if (i > 0 && (blocks ? cmp_block : cmp_addr)(&ix[i - 1],
		    &ix[i], ev) != 0)
			id++;
		if (blocks)
			ev[ix[i]].bid = id;
		else
			ev[ix[i]].aid = id;
	}
	free(ix);
	return (n > 0 ? id + 1 : 0);
}

/*
 * busiest - the window of WINDOW with the most distinct addresses (then
 * blocks) over the time-sorted events: a sliding window counting each
 * address and block inside it
 */
static void
busiest(const struct ev *ev, size_t n, size_t naddr, size_t nblk,
    struct worst *w)
{
	size_t *ca = mg_xcalloc(naddr + 1, sizeof(*ca));
	size_t *cb = mg_xcalloc(nblk + 1, sizeof(*cb));
	size_t i = 0, j, da = 0, db = 0;

	memset(w, 0, sizeof(*w));
	for (j = 0; j < n; j++) {
		if (ca[ev[j].aid]++ == 0)
			da++;
		if (cb[ev[j].bid]++ == 0)
			db++;
		while (ev[j].when - ev[i].when > WINDOW) {
			if (--ca[ev[i].aid] == 0)
				da--;
			if (--cb[ev[i].bid] == 0)
				db--;
			i++;
		}
		/* most addresses, then networks, then messages */
		if (da > w->addrs || (da == w->addrs && (db > w->blocks ||
		    (db == w->blocks && j - i + 1 > w->events)))) {
			w->addrs = da;
			w->blocks = db;
			w->events = j - i + 1;
			w->first = i;
			w->last = j;
		}
	}
	free(ca);
	free(cb);
}

/* when_text - a time as "2026-11-22 10:00:01 UTC", or "(no time)" */
static void
when_text(time_t t, char *buf, size_t size)
{
	struct tm tm;

	if (t == 0 || gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, size, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		(void)snprintf(buf, size, "(no time)");
}

/* samples - up to SAMPLES distinct addresses of the window, "a, b, ..." */
static void
samples(const struct ev *ev, const struct worst *w, struct mg_str *s)
{
	char buf[64];
	size_t i, k, shown = 0;

	for (i = w->first; i <= w->last && shown < SAMPLES; i++) {
		for (k = w->first; k < i; k++)
			if (ev[k].aid == ev[i].aid)
				break;
		if (k < i)
			continue;
		if (inet_ntop(ev[i].addr->family == 4 ? AF_INET : AF_INET6,
		    ev[i].addr->addr, buf, sizeof(buf)) == NULL)
			(void)snprintf(buf, sizeof(buf), "?");
		mg_str_printf(s, "%s%s", shown > 0 ? ", " : "", buf);
		shown++;
	}
	if (w->addrs > shown)
		mg_str_printf(s, " and %zu more", w->addrs - shown);
}

/* most_from_one - the largest count of the window's events from one
 * address (what a per-address jail sees) */
static size_t
most_from_one(const struct ev *ev, const struct worst *w)
{
	size_t i, k, c, best = 0;

	for (i = w->first; i <= w->last; i++) {
		for (c = 0, k = w->first; k <= w->last; k++)
			c += ev[k].aid == ev[i].aid;
		if (c > best)
			best = c;
	}
	return (best);
}

/* link_fix - the MTA's disable fix, when it covers this login */
static void
link_fix(const struct mg_report *r, struct mg_finding *f, const char *name)
{
	const struct mg_fix *x;
	size_t i, k, a, len = strlen(name);

	for (i = 0; disable_fixes[i] != NULL; i++) {
		if ((x = mg_report_find_fix(r, disable_fixes[i])) == NULL)
			continue;
		for (k = 0; k < x->npost; k++)
			for (a = 0; a < x->post[k].argc; a++)
				if (strcmp(x->post[k].argv[a], name) == 0)
					goto found;
		for (k = 0; k < x->nedits; k++)
			if (x->edits[k].old_text != NULL &&
			    strncmp(x->edits[k].old_text, name, len) == 0 &&
			    x->edits[k].old_text[len] == ':')
				goto found;
		continue;
found:
		mg_finding_add_fix(f, x->id);
		return;
	}
}

/* action - what to do about a login: the explanation's second half */
static void
action(struct mg_str *s, const char *name, int linked)
{
	mg_str_printf(s, " Disable the account or change its password now%s "
	    "(sasldb: saslpasswd2 -d %s; Dovecot: its passdb entry; Exim: its "
	    "line in the password file; a system account: lock it), then "
	    "remove the mail it queued, keeping everyone else's: "
	    "mailguard-tui purge --sasl %s (the queue view's SASL group is "
	    "the same selection).", linked ? " (the linked fix disables it)" :
	    "", name, name);
}

/* many_addresses - sasl.login.many-addresses for one login's n
 * time-sorted messages ev */
static void
many_addresses(const struct mg_model *m, struct mg_report *r, size_t login,
    struct ev *ev, size_t n)
{
	const struct mg_maillog *l = m->log;
	struct mg_finding *f;
	struct mg_str s = MG_STR_INIT, text = MG_STR_INIT;
	struct worst w;
	char *name, t1[40], t2[40];
	size_t na, nb;
	int crit, priv;

	na = number(ev, n, 0);
	nb = number(ev, n, 1);
	busiest(ev, n, na, nb, &w);
	if (w.addrs < MANY_ADDRS && w.blocks < MANY_BLOCKS)
		return;
	name = mg_sanitize_dup(l->logins[login].name);
	priv = mg_check_privileged_name(l->logins[login].name);
	crit = w.events >= MANY_MSGS || priv;
	f = mg_report_finding(r, "sasl.login.many-addresses", crit ?
	    MG_SEV_CRITICAL : MG_SEV_HIGH, "sasl", "One SASL login sends "
	    "from many addresses at once: its password is probably stolen");
	mg_str_printf(&text, "The mail log shows SASL login %s sending mail "
	    "from %zu different client addresses in %zu networks within "
	    "24 hours. A person sends from a handful of addresses a day "
	    "(home, office, phone); a password sold to spammers is used from "
	    "a botnet or proxy pool - many addresses in unrelated networks.",
	    name, w.addrs, w.blocks);
	link_fix(r, f, l->logins[login].name);
	action(&text, name, f->nfix_ids > 0);
	mg_finding_explain(f, mg_str_cstr(&text));
	when_text(ev[w.first].when, t1, sizeof(t1));
	when_text(ev[w.last].when, t2, sizeof(t2));
	samples(ev, &w, &s);
	mg_finding_evidence(f, l->path, 0, "%zu messages sent after "
	    "logging in as %s from %zu addresses in %zu networks (IPv4 /16, "
	    "IPv6 /32) between %s and %s: %s", w.events, name,
	    w.addrs, w.blocks, t1, t2, mg_str_cstr(&s));
	mg_finding_evidence(f, l->path, 0, "in the whole log: %lu messages "
	    "sent as %s, from %zu addresses%s", l->logins[login].msgs, name,
	    na, l->truncated ? " (the last 64 MiB of the file)" : "");
	if (w.events >= MANY_MSGS)
		mg_finding_evidence(f, NULL, 0, "%zu messages within 24 "
		    "hours: spam is going out through this account",
		    w.events);
	if (priv)
		mg_finding_evidence(f, NULL, 0, "%s is a system or role "
		    "account name", name);
	mg_finding_evidence(f, NULL, 0, "remove what it queued: "
	    "mailguard-tui purge --sasl %s", name);
	mg_str_free(&s);
	mg_str_free(&text);
	free(name);
}

/* failed_spread - sasl.login.failed-spread for one user's n time-sorted
 * failed logins ev */
static void
failed_spread(const struct mg_model *m, struct mg_report *r, size_t login,
    struct ev *ev, size_t n)
{
	const struct mg_maillog *l = m->log;
	struct mg_finding *f;
	struct mg_str s = MG_STR_INIT, text = MG_STR_INIT;
	struct worst w;
	char *name, t1[40], t2[40];
	size_t na, nb;
	unsigned long sent = l->logins[login].msgs;

	na = number(ev, n, 0);
	nb = number(ev, n, 1);
	busiest(ev, n, na, nb, &w);
	if (w.addrs < FAIL_ADDRS)
		return;
	name = mg_sanitize_dup(l->logins[login].name);
	f = mg_report_finding(r, "sasl.login.failed-spread", sent > 0 ?
	    MG_SEV_HIGH : MG_SEV_MEDIUM, "sasl", "Failed logins for one user "
	    "come from many addresses: a distributed password guess");
	mg_str_printf(&text, "The mail log shows failed SASL logins for %s "
	    "from %zu different client addresses within 24 hours, at most "
	    "%zu from any one of them. fail2ban's postfix-sasl and exim "
	    "jails count failures per address (5 by default), so a guess "
	    "spread over many addresses never trips them; counted per user "
	    "it shows. Use a strong password for the account and watch its "
	    "logins; if it also sends mail (below), make sure the sender is "
	    "its owner.", name, w.addrs, most_from_one(ev, &w));
	if (sent > 0) {
		mg_str_puts(&text, " This account also sent mail after logging "
		    "in: if the guess succeeded, act now.");
		link_fix(r, f, l->logins[login].name);
		action(&text, name, f->nfix_ids > 0);
	}
	mg_finding_explain(f, mg_str_cstr(&text));
	when_text(ev[w.first].when, t1, sizeof(t1));
	when_text(ev[w.last].when, t2, sizeof(t2));
	samples(ev, &w, &s);
	mg_finding_evidence(f, l->path, 0, "%zu failed logins as %s "
	    "from %zu addresses in %zu networks between %s and %s, at most "
	    "%zu from one address: %s", w.events, name, w.addrs,
	    w.blocks, t1, t2, most_from_one(ev, &w), mg_str_cstr(&s));
	if (sent > 0)
		mg_finding_evidence(f, l->path, 0, "%lu messages were sent "
		    "after logging in as %s: remove them with mailguard-tui "
		    "purge --sasl %s if they are not its owner's", sent, name,
		    name);
	mg_str_free(&s);
	mg_str_free(&text);
	free(name);
}

/*
 * mg_check_log_sasl - stolen or guessed SASL passwords in the mail log:
 * every event sorted once by login, kind and time; each run of one
 * login's messages or failed logins judged on its own
 */
void
mg_check_log_sasl(const struct mg_model *m, struct mg_report *r)
{
	const struct mg_maillog *l = m->log;
	struct ev *ev;
	size_t i, k, n;

	if (l == NULL || l->nauths == 0)
		return;
	n = l->nauths;
	ev = mg_xcalloc(n, sizeof(*ev));
	for (i = 0; i < n; i++) {
		ev[i].login = l->auths[i].login;
		ev[i].failed = l->auths[i].failed;
		ev[i].when = l->auths[i].when;
		ev[i].addr = &l->auths[i].addr;
	}
	qsort(ev, n, sizeof(*ev), cmp_event);
	for (i = 0; i < n; i = k) {
		for (k = i + 1; k < n && ev[k].login == ev[i].login &&
		    ev[k].failed == ev[i].failed; k++)
			;
		if (ev[i].failed)
			failed_spread(m, r, ev[i].login, ev + i, k - i);
		else
			many_addresses(m, r, ev[i].login, ev + i, k - i);
	}
	free(ev);
}
