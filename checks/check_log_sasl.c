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
 * or a proxy pool: tens of addresses in unrelated networks.
 *
 * What a shared account looks like is not counted against it: clients
 * in the site's own networks (the MTA's trusted list - Postfix
 * mynetworks with the tables it names, Exim relay_from_hosts and a
 * "hostlist trusted..." -, loopback, RFC 1918 and the other
 * private ranges: web and app servers, the office, a monitoring host)
 * are left out, and carrier-grade NAT (100.64.0.0/10, RFC 6598: a mobile
 * carrier's shared pool, or a VPN such as Tailscale) counts as one
 * address in one network.  When the log goes back at least WINDOW
 * before the busiest window, the login's history judges it: its window's
 * addresses mostly (ESTABLISHED %) used by it before (the same address,
 * or its /24 - IPv6 /48 - that a home connection's new lease stays in)
 * is a shared account's pattern, medium at most; a burst of addresses
 * never seen for it is critical.  Without that history: high, critical
 * when it also sent MANY_MSGS messages in the window, is a system or
 * role name, uses a proxy pool (POOL_ADDRS of its new addresses each
 * used by POOL_LOGINS logins in all within a day) or came after
 * failed logins (FAIL_FIRST, outside the site's networks).
 *
 * sasl.login.failed-spread: failed logins for one user from FAIL_ADDRS
 * distinct addresses within WINDOW (the site's own networks left out,
 * as above).  fail2ban's postfix-sasl and
 * exim jails count per address (maxretry 5 by default): a distributed
 * guess that tries each password from a new address never trips them;
 * counted per user, it shows.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../backends/backend.h"
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
#define ESTABLISHED 80		/* percent of the window's addresses seen
				 * before it: the login's usual ones */
#define POOL_LOGINS 3		/* logins in all from one address ... */
#define POOL_ADDRS 3		/* ... at so many new addresses: a pool */
#define FAIL_FIRST 3		/* failed logins before or in the window */
#define JUMP 10			/* times the daily average before it */

/* The disable fixes of the MTA checks (system and role accounts). */
static const char *const disable_fixes[] = {
	"postfix.sasl.disable-system", "exim.auth.disable-system", NULL
};

/* One event of the login looked at, with its address and block ids. */
struct ev {
	size_t login;
	int failed;
	int cgn;		/* in carrier-grade NAT: one address */
	time_t when;
	const struct mg_net *addr;
	size_t aid, bid;	/* distinct address, distinct block */
};

/* Why an event was left out: the site's own networks. */
enum left_why {
	LEFT_TRUST = 0,		/* the MTA's trusted list */
	LEFT_LOOPBACK,
	LEFT_PRIVATE,		/* RFC 1918, ULA, link-local */
	LEFT_N
};

/* One client address used by one login at one time: who else used an
 * address (a proxy pool), sorted by address, login, time. */
struct use {
	struct mg_net host;
	size_t login;
	time_t when;
};

/* What the whole log gives every login's judgement. */
struct ctx {
	const struct mg_model *m;
	struct mg_report *r;
	struct mg_str trust_names;	/* "mynetworks", "relay_from_hosts,
					 * trusted_hosts": the lists read */
	struct mg_net *trust;		/* the networks they write */
	size_t ntrust, trust_cap;
	size_t (*left)[2][LEFT_N];	/* per login, sent/failed, why */
	struct use *uses;
	size_t nuses, uses_cap;
};

/* The busiest window found for one login. */
struct worst {
	size_t addrs, blocks, events;
	size_t first, last;	/* indices into the sorted events */
};

/* cgn_net - 100.64.0.0/10, carrier-grade NAT (RFC 6598) */
static const struct mg_net cgn_net = { 4, { 100, 64 }, 10, 1 };

/* fold - an address of carrier-grade NAT is its first: the whole pool
 * is one client in one network */
static void
fold(const struct mg_net *a, int cgn, struct mg_net *h)
{
	*h = *a;
	if (cgn)
		*h = cgn_net;
	h->prefix = h->family == 4 ? 32 : 128;
	h->has_prefix = 0;
}

/* block - the network an address is counted in: IPv4 /16, IPv6 /32 */
static void
block(const struct mg_net *a, int cgn, struct mg_net *b)
{
	fold(a, cgn, b);
	if (b->family == 4)
		memset(b->addr + 2, 0, sizeof(b->addr) - 2);
	else
		memset(b->addr + 4, 0, sizeof(b->addr) - 4);
}

/* host - the client an address is counted as: IPv4 the address, IPv6
 * its /64 */
static void
host(const struct mg_net *a, int cgn, struct mg_net *h)
{
	fold(a, cgn, h);
	if (h->family != 4)
		memset(h->addr + 8, 0, sizeof(h->addr) - 8);
}

/* lease - what a home connection's next address stays in, "seen
 * before" if the login used it: IPv4 /24, IPv6 /48 */
static void
lease(const struct mg_net *a, int cgn, struct mg_net *b)
{
	fold(a, cgn, b);
	if (b->family == 4)
		memset(b->addr + 3, 0, sizeof(b->addr) - 3);
	else
		memset(b->addr + 6, 0, sizeof(b->addr) - 6);
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

	host(ev[*(const size_t *)x].addr, ev[*(const size_t *)x].cgn, &a);
	host(ev[*(const size_t *)y].addr, ev[*(const size_t *)y].cgn, &b);
	return (net_cmp(&a, &b));
}

/* cmp_block - indices into the events arg, by block (qsort_r) */
static int
cmp_block(const void *x, const void *y, void *arg)
{
	const struct ev *ev = arg;
	struct mg_net a, b;

	block(ev[*(const size_t *)x].addr, ev[*(const size_t *)x].cgn, &a);
	block(ev[*(const size_t *)y].addr, ev[*(const size_t *)y].cgn, &b);
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
 * blocks, then events; then the latest) over the time-sorted events: a
 * sliding window counting each address and block inside it
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
		/* most addresses, then networks, then messages; of equal
		 * ones the latest: a shared account's every busy day looks
		 * alike, and the last has the most history before it */
		if (da > w->addrs || (da == w->addrs && (db > w->blocks ||
		    (db == w->blocks && j - i + 1 >= w->events)))) {
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

/* samples - up to SAMPLES distinct addresses of the window (na distinct
 * address ids), "a, b, ..." */
static void
samples(const struct ev *ev, const struct worst *w, size_t na,
    struct mg_str *s)
{
	unsigned char *done = mg_xcalloc(na + 1, 1);
	char buf[64];
	size_t i, shown = 0;

	for (i = w->first; i <= w->last && shown < SAMPLES; i++) {
		if (done[ev[i].aid]++)
			continue;
		if (inet_ntop(ev[i].addr->family == 4 ? AF_INET : AF_INET6,
		    ev[i].addr->addr, buf, sizeof(buf)) == NULL)
			(void)snprintf(buf, sizeof(buf), "?");
		mg_str_printf(s, "%s%s", shown > 0 ? ", " : "", buf);
		shown++;
	}
	free(done);
	if (w->addrs > shown)
		mg_str_printf(s, " and %zu more", w->addrs - shown);
}

/* most_from_one - the largest count of the window's events from one
 * address (what a per-address jail sees); na distinct address ids */
static size_t
most_from_one(const struct ev *ev, const struct worst *w, size_t na)
{
	size_t *c = mg_xcalloc(na + 1, sizeof(*c)), i, best = 0;

	for (i = w->first; i <= w->last; i++)
		if (++c[ev[i].aid] > best)
			best = c[ev[i].aid];
	free(c);
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

/* tell_apart - how to tell a shared account from a stolen password, and
 * what to do for each: the explanation's middle */
static void
tell_apart(struct mg_str *s)
{
	mg_str_puts(s, " How to tell a shared account from a stolen one: a "
	    "shared account (info@, support@, noreply@ used by a team from "
	    "home, by several web or app servers, by a monitoring system) "
	    "sends from addresses it has used for weeks, at its usual "
	    "volume; a stolen password shows up suddenly from addresses "
	    "never seen for that login, in unrelated networks, often after "
	    "failed logins, with a jump in volume, and the same addresses "
	    "log in as other users too (a proxy pool). If it is shared: "
	    "give each person, server and application its own login "
	    "(per-app credentials), limited to its own sender addresses "
	    "(Postfix smtpd_sender_login_maps with "
	    "reject_sender_login_mismatch; Exim: the envelope sender checked "
	    "against $authenticated_id), so that one leak is revoked without "
	    "stopping everyone and the log says who sent; servers of the "
	    "site's own that need no login belong in mynetworks or "
	    "relay_from_hosts. If it is stolen, act as follows.");
}

/* seen_cmp - networks by family, then bytes (bsearch and qsort) */
static int
seen_cmp(const void *x, const void *y)
{
	return (net_cmp(x, y));
}

/* use_cmp - uses by address, login, time */
static int
use_cmp(const void *x, const void *y)
{
	const struct use *a = x, *b = y;
	int c;

	if ((c = net_cmp(&a->host, &b->host)) != 0)
		return (c);
	if (a->login != b->login)
		return (a->login < b->login ? -1 : 1);
	return (a->when < b->when ? -1 : a->when > b->when);
}

/*
 * others - the logins other than login that used the client h between
 * t0 and t1: their number; the first of them into *one
 */
static size_t
others(const struct ctx *c, const struct mg_net *h, size_t login, time_t t0,
    time_t t1, size_t *one)
{
	size_t lo = 0, hi = c->nuses, mid, n = 0, last = (size_t)-1;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (net_cmp(&c->uses[mid].host, h) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < c->nuses && net_cmp(&c->uses[lo].host, h) == 0; lo++) {
		if (c->uses[lo].login == login || c->uses[lo].login == last ||
		    c->uses[lo].when < t0 || c->uses[lo].when > t1)
			continue;
		if (n++ == 0)
			*one = c->uses[lo].login;
		last = c->uses[lo].login;
	}
	return (n);
}

/* The window's addresses judged against the login's past and the other
 * logins. */
struct judged {
	size_t addrs;		/* distinct in the window */
	size_t seen;		/* of them, used by the login before it */
	size_t cgn;		/* distinct addresses folded as one */
	size_t pool;		/* new ones that other logins used too */
	struct mg_net pool_addr;	/* one of them */
	size_t pool_others, pool_login;	/* its other logins, one of them */
	int history;		/* the log goes back WINDOW before it */
	double days;		/* how many days it goes back */
	size_t before;		/* messages of the login before the window */
	size_t failed, failed_addrs;	/* failed logins in the day before
					 * and during the window */
};

/*
 * judge - the busiest window w of one login's time-sorted messages ev
 * (na distinct address ids) against what came before it, the other
 * logins' use of its addresses, and its failed logins fev (nf,
 * time-sorted)
 */
static void
judge(const struct ctx *c, size_t login, const struct ev *ev, size_t na,
    const struct worst *w, const struct ev *fev, size_t nf,
    struct judged *j)
{
	const struct mg_maillog *l = c->m->log;
	struct mg_net *seen, key, h, *fa;
	time_t start = ev[w->first].when, end = ev[w->last].when;
	size_t i, nseen = 0, nfa = 0, one = 0, o;
	unsigned char *done = mg_xcalloc(na + 1, 1);

	memset(j, 0, sizeof(*j));
	j->history = l->first != 0 && start != 0 && l->first <= start - WINDOW;
	if (j->history)
		j->days = (double)(start - l->first) / 86400.0;
	j->before = w->first;
	/* what the login used before the window, as leases */
	seen = mg_xcalloc(w->first + 1, sizeof(*seen));
	for (i = 0; i < w->first; i++)
		lease(ev[i].addr, ev[i].cgn, &seen[nseen++]);
	qsort(seen, nseen, sizeof(*seen), seen_cmp);
	for (i = w->first; i <= w->last; i++) {
		if (done[ev[i].aid]++)
			continue;
		j->addrs++;
		lease(ev[i].addr, ev[i].cgn, &key);
		if (nseen > 0 && bsearch(&key, seen, nseen, sizeof(*seen),
		    seen_cmp) != NULL) {
			j->seen++;
			continue;
		}
		if (ev[i].cgn)
			continue;	/* shared by a carrier's subscribers */
		host(ev[i].addr, 0, &h);
		o = others(c, &h, login, start - WINDOW, end + WINDOW, &one);
		if (o + 1 >= POOL_LOGINS && j->pool++ == 0) {
			j->pool_addr = *ev[i].addr;
			j->pool_others = o;
			j->pool_login = one;
		}
	}
	free(seen);
	free(done);
	/* the carrier-grade NAT addresses folded into one */
	fa = mg_xcalloc(w->last - w->first + 2, sizeof(*fa));
	for (i = w->first; i <= w->last; i++)
		if (ev[i].cgn)
			host(ev[i].addr, 0, &fa[nfa++]);
	qsort(fa, nfa, sizeof(*fa), seen_cmp);
	for (i = 0; i < nfa; i++)
		j->cgn += i == 0 || net_cmp(&fa[i - 1], &fa[i]) != 0;
	free(fa);
	nfa = 0;
	/* failed logins first: in the day before the window, or in it */
	fa = mg_xcalloc(nf + 1, sizeof(*fa));
	for (i = 0; i < nf; i++) {
		if (fev[i].when < start - WINDOW || fev[i].when > end)
			continue;
		j->failed++;
		host(fev[i].addr, fev[i].cgn, &fa[nfa++]);
	}
	qsort(fa, nfa, sizeof(*fa), seen_cmp);
	for (i = 0; i < nfa; i++)
		j->failed_addrs += i == 0 || net_cmp(&fa[i - 1], &fa[i]) != 0;
	free(fa);
}

/* left_evidence - what was left out of a login's count (failed: of its
 * failed logins), as evidence of f */
static void
left_evidence(const struct ctx *c, struct mg_finding *f, size_t login,
    int failed, const char *what)
{
	const size_t *left = c->left[login][failed];
	struct mg_str s = MG_STR_INIT;

	if (left[LEFT_TRUST] + left[LEFT_LOOPBACK] + left[LEFT_PRIVATE] == 0)
		return;
	if (left[LEFT_TRUST] > 0)
		mg_str_printf(&s, "%zu from %s", left[LEFT_TRUST],
		    mg_str_cstr(&c->trust_names));
	if (left[LEFT_PRIVATE] > 0)
		mg_str_printf(&s, "%s%zu from private networks (RFC 1918, "
		    "IPv6 unique local, link-local)", s.len > 0 ? ", " : "",
		    left[LEFT_PRIVATE]);
	if (left[LEFT_LOOPBACK] > 0)
		mg_str_printf(&s, "%s%zu from loopback", s.len > 0 ? ", " :
		    "", left[LEFT_LOOPBACK]);
	mg_finding_evidence(f, NULL, 0, "not counted: %zu %s from the "
	    "site's own networks (%s): its own servers, offices and "
	    "monitoring, not a botnet", left[LEFT_TRUST] +
	    left[LEFT_LOOPBACK] + left[LEFT_PRIVATE], what, mg_str_cstr(&s));
	mg_str_free(&s);
}

/* severity_of - the verdict on a login's busiest window */
static enum mg_severity
severity_of(const struct judged *j, size_t events, int priv,
    int *established, int *jump)
{
	double avg = j->days > 0.0 ? (double)j->before / j->days : 0.0;

	*jump = j->history && events >= MANY_MSGS && (double)events >=
	    JUMP * (avg > 1.0 ? avg : 1.0);
	*established = j->history && j->addrs > 0 &&
	    j->seen * 100 >= ESTABLISHED * j->addrs;
	if (*established)
		return (j->pool >= POOL_ADDRS || *jump ? MG_SEV_HIGH :
		    MG_SEV_MEDIUM);
	if (j->history)
		return (MG_SEV_CRITICAL);	/* a burst of new addresses */
	if (events >= MANY_MSGS || priv || j->pool >= POOL_ADDRS ||
	    j->failed >= FAIL_FIRST)
		return (MG_SEV_CRITICAL);
	return (MG_SEV_HIGH);
}

/* history_evidence - the login's past and the other logins, as evidence
 * of f */
static void
history_evidence(const struct ctx *c, struct mg_finding *f,
    const struct judged *j, const char *name, size_t events,
    int established)
{
	const struct mg_maillog *l = c->m->log;
	char t[40], buf[64], *other, *older = NULL;
	struct mg_str back = MG_STR_INIT;

	/* how far back: this log, and the rotated one read before it */
	if (l->older != NULL) {
		older = mg_sanitize_dup(l->older);
		mg_str_printf(&back, " (this log and the rotated %s)", older);
		free(older);
	}

	if (j->cgn > 1)
		mg_finding_evidence(f, NULL, 0, "%zu addresses in "
		    "carrier-grade NAT (100.64.0.0/10) counted as one address "
		    "in one network: a mobile carrier's shared pool, or a VPN",
		    j->cgn);
	if (!j->history) {
		when_text(l->first, t, sizeof(t));
		mg_finding_evidence(f, l->path, 0, "the log%s goes back only "
		    "to %s, less than a day before this window: whether these "
		    "are %s's usual addresses cannot be told from it (a log "
		    "that goes back further, or the rotated older logs "
		    "searched by hand for them, can)", mg_str_cstr(&back), t,
		    name);
	} else if (established)
		mg_finding_evidence(f, l->path, 0, "%zu of these %zu "
		    "addresses (%zu%%) were used by %s before this window, in "
		    "the %.0f days the log%s goes back (the same address, or "
		    "its /24, IPv6 /48): its usual places - a shared account "
		    "rather than a stolen password", j->seen, j->addrs,
		    j->seen * 100 / j->addrs, name, j->days,
		    mg_str_cstr(&back));
	else if (j->before == 0)
		mg_finding_evidence(f, l->path, 0, "%s sent nothing in the "
		    "%.0f days the log%s goes back before this window: a new "
		    "account, or a password first used by someone else now - "
		    "none of these %zu addresses was seen for it", name,
		    j->days, mg_str_cstr(&back), j->addrs);
	else
		mg_finding_evidence(f, l->path, 0, "only %zu of these %zu "
		    "addresses were used by %s before this window, in the %.0f "
		    "days the log%s goes back (the same address, or its /24, "
		    "IPv6 /48): a burst from places never seen for it - a "
		    "stolen password's pattern", j->seen, j->addrs, name,
		    j->days, mg_str_cstr(&back));
	if (j->history)
		mg_finding_evidence(f, NULL, 0, "%zu messages in these 24 "
		    "hours; %.1f a day on average before them", events,
		    (double)j->before / j->days);
	if (j->pool > 0) {
		if (inet_ntop(j->pool_addr.family == 4 ? AF_INET : AF_INET6,
		    j->pool_addr.addr, buf, sizeof(buf)) == NULL)
			(void)snprintf(buf, sizeof(buf), "?");
		other = mg_sanitize_dup(l->logins[j->pool_login].name);
		mg_finding_evidence(f, NULL, 0, "%zu of the new addresses "
		    "were also used by other logins within a day (a proxy "
		    "pool%s): %s by %zu other login%s, %s among them",
		    j->pool, j->pool >= POOL_ADDRS ? "" : "?", buf,
		    j->pool_others, j->pool_others == 1 ? "" : "s", other);
		free(other);
	}
	if (j->failed > 0)
		mg_finding_evidence(f, NULL, 0, "%zu failed logins as %s from "
		    "%zu addresses in the day before and during this window",
		    j->failed, name, j->failed_addrs);
	mg_str_free(&back);
}

/* many_addresses - sasl.login.many-addresses for one login's n
 * time-sorted messages ev, its failed logins fev (nf) */
static void
many_addresses(const struct ctx *c, size_t login, struct ev *ev, size_t n,
    const struct ev *fev, size_t nf)
{
	const struct mg_maillog *l = c->m->log;
	struct mg_report *r = c->r;
	struct mg_finding *f;
	struct mg_str s = MG_STR_INIT, text = MG_STR_INIT;
	struct worst w;
	struct judged j;
	char *name, t1[40], t2[40];
	size_t na, nb;
	enum mg_severity sev;
	int priv, established, jump;

	na = number(ev, n, 0);
	nb = number(ev, n, 1);
	busiest(ev, n, na, nb, &w);
	if (w.addrs < MANY_ADDRS && w.blocks < MANY_BLOCKS)
		return;
	judge(c, login, ev, na, &w, fev, nf, &j);
	name = mg_sanitize_dup(l->logins[login].name);
	priv = mg_check_privileged_name(l->logins[login].name);
	sev = severity_of(&j, w.events, priv, &established, &jump);
	f = mg_report_finding(r, "sasl.login.many-addresses", sev, "sasl",
	    established ? "One SASL login sends from many addresses it has "
	    "used before: a shared account, or a password shared too widely" :
	    "One SASL login sends from many addresses at once: its password "
	    "is probably stolen");
	mg_str_printf(&text, "The mail log shows SASL login %s sending mail "
	    "from %zu different client addresses in %zu networks within "
	    "24 hours. A person sends from a handful of addresses a day "
	    "(home, office, phone); a password sold to spammers is used from "
	    "a botnet or proxy pool - many addresses in unrelated networks.",
	    name, w.addrs, w.blocks);
	if (established)
		mg_str_puts(&text, " Most of these addresses are ones this "
		    "login has used before: the pattern of an account several "
		    "people or servers share.");
	tell_apart(&text);
	link_fix(r, f, l->logins[login].name);
	action(&text, name, f->nfix_ids > 0);
	mg_finding_explain(f, mg_str_cstr(&text));
	when_text(ev[w.first].when, t1, sizeof(t1));
	when_text(ev[w.last].when, t2, sizeof(t2));
	samples(ev, &w, na, &s);
	mg_finding_evidence(f, l->path, 0, "%zu messages sent after "
	    "logging in as %s from %zu addresses in %zu networks (IPv4 /16, "
	    "IPv6 /32) between %s and %s: %s", w.events, name,
	    w.addrs, w.blocks, t1, t2, mg_str_cstr(&s));
	mg_finding_evidence(f, l->path, 0, "in the whole log: %lu messages "
	    "sent as %s, from %zu addresses%s", l->logins[login].msgs, name,
	    na, l->truncated ? " (the last 64 MiB of the file)" : "");
	left_evidence(c, f, login, 0, "messages");
	history_evidence(c, f, &j, name, w.events, established);
	/* an established account's usual volume is not spam */
	if (w.events >= MANY_MSGS && (!established || jump))
		mg_finding_evidence(f, NULL, 0, "%zu messages within 24 "
		    "hours%s: spam is going out through this account%s",
		    w.events, jump ? ", ten times its daily average or more" :
		    "", established ? " unless its users sent them" : "");
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
failed_spread(const struct ctx *c, size_t login, struct ev *ev, size_t n)
{
	const struct mg_maillog *l = c->m->log;
	struct mg_report *r = c->r;
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
	    "its owner.", name, w.addrs, most_from_one(ev, &w, na));
	if (sent > 0) {
		mg_str_puts(&text, " This account also sent mail after logging "
		    "in: if the guess succeeded, act now.");
		link_fix(r, f, l->logins[login].name);
		action(&text, name, f->nfix_ids > 0);
	}
	mg_finding_explain(f, mg_str_cstr(&text));
	when_text(ev[w.first].when, t1, sizeof(t1));
	when_text(ev[w.last].when, t2, sizeof(t2));
	samples(ev, &w, na, &s);
	mg_finding_evidence(f, l->path, 0, "%zu failed logins as %s "
	    "from %zu addresses in %zu networks between %s and %s, at most "
	    "%zu from one address: %s", w.events, name, w.addrs,
	    w.blocks, t1, t2, most_from_one(ev, &w, na), mg_str_cstr(&s));
	left_evidence(c, f, login, 1, "failed logins");
	if (sent > 0)
		mg_finding_evidence(f, l->path, 0, "%lu messages were sent "
		    "after logging in as %s: remove them with mailguard-tui "
		    "purge --sasl %s if they are not its owner's", sent, name,
		    name);
	mg_str_free(&s);
	mg_str_free(&text);
	free(name);
}

/* trust_add - the network item (a list's item or a table's key) names */
static void
trust_add(struct ctx *c, const char *item)
{
	char text[128];
	struct mg_net net;

	if (mg_net_parse(item, &net, NULL) == 0 || (mg_check_key_net(item,
	    text, sizeof(text)) && mg_net_parse(text, &net, NULL) == 0))
		*MG_ARRAY_PUSH(c->trust, c->ntrust, c->trust_cap) = net;
}

/* trust_list - the networks the list param writes, and the keys of the
 * tables it names that the model holds (a Postfix "cidr:/etc/postfix/
 * trusted": a key found is trusted whatever its value) */
static void
trust_list(struct ctx *c, const char *param)
{
	const struct mg_model *m = c->m;
	const struct mg_map *t;
	char **items, *name;
	size_t i, k;

	items = mg_backend_list_items(m->mta, mg_model_value(m, param));
	for (i = 0; items[i] != NULL; i++) {
		if (items[i][0] == '!' || strlen(items[i]) >= 128)
			continue;
		if ((t = mg_model_map(m, items[i])) != NULL) {
			for (k = 0; k < t->nentries; k++)
				trust_add(c, t->entries[k].key);
			continue;
		}
		trust_add(c, items[i]);
	}
	mg_backend_list_free(items);
	/* a list's name is the configuration's text: sanitized */
	name = mg_sanitize_dup(*param == '+' ? param + 1 : param);
	mg_str_printf(&c->trust_names, "%s%s", c->trust_names.len > 0 ?
	    ", " : "", name);
	free(name);
}

/*
 * site_of - the site's own networks: those the MTA's trusted-client list
 * writes (Postfix mynetworks as postconf expands it, Exim
 * relay_from_hosts), and Exim's named host lists called trusted...
 * ("hostlist trusted_hosts = ..."); host names, patterns and negations
 * are not weighed
 */
static void
site_of(struct ctx *c)
{
	const struct mg_model *m = c->m;
	const char *param = mg_backend_trust_param(m->mta);
	size_t i;

	if (param == NULL)
		return;
	trust_list(c, param);
	if (*param != '+')
		return;		/* the MTA has no named lists */
	for (i = 0; i < m->nparams; i++)
		if (strncmp(m->params[i].name, "+trusted", 8) == 0 &&
		    strcmp(m->params[i].name, param) != 0)
			trust_list(c, m->params[i].name);
}

/* own - why an address is the site's own (a LEFT_), or -1: loopback, in
 * the trusted list, private; *cgn set for carrier-grade NAT outside it */
static int
own(const struct ctx *c, const struct mg_net *a, int *cgn)
{
	const char *kind;
	size_t i;

	*cgn = 0;
	if (mg_net_loopback(a))
		return (LEFT_LOOPBACK);
	for (i = 0; i < c->ntrust; i++)
		if (mg_net_contains(&c->trust[i], a))
			return (LEFT_TRUST);
	if (mg_net_contains(&cgn_net, a)) {
		*cgn = 1;
		return (-1);
	}
	if ((kind = mg_net_private_kind(a)) != NULL)
		return (LEFT_PRIVATE);
	return (-1);
}

/*
 * mg_check_log_sasl - stolen or guessed SASL passwords in the mail log:
 * every event outside the site's own networks sorted once by login, kind
 * and time; each run of one login's messages or failed logins judged on
 * its own, with its history and the other logins' use of its addresses
 */
void
mg_check_log_sasl(const struct mg_model *m, struct mg_report *r)
{
	const struct mg_maillog *l = m->log;
	struct ctx c;
	struct ev *ev;
	struct use *u;
	size_t i, k, f, n = 0;
	int why, cgn;

	if (l == NULL || l->nauths == 0)
		return;
	memset(&c, 0, sizeof(c));
	c.m = m;
	c.r = r;
	site_of(&c);
	c.left = mg_xcalloc(l->nlogins + 1, sizeof(*c.left));
	ev = mg_xcalloc(l->nauths, sizeof(*ev));
	for (i = 0; i < l->nauths; i++) {
		if ((why = own(&c, &l->auths[i].addr, &cgn)) >= 0) {
			c.left[l->auths[i].login][l->auths[i].failed != 0]
			    [why]++;
			continue;
		}
		ev[n].login = l->auths[i].login;
		ev[n].failed = l->auths[i].failed;
		ev[n].cgn = cgn;
		ev[n].when = l->auths[i].when;
		ev[n].addr = &l->auths[i].addr;
		if (!cgn) {
			u = MG_ARRAY_PUSH(c.uses, c.nuses, c.uses_cap);
			host(ev[n].addr, 0, &u->host);
			u->login = ev[n].login;
			u->when = ev[n].when;
		}
		n++;
	}
	qsort(ev, n, sizeof(*ev), cmp_event);
	if (c.nuses > 0)
		qsort(c.uses, c.nuses, sizeof(*c.uses), use_cmp);
	for (i = 0; i < n; i = k) {
		for (k = i + 1; k < n && ev[k].login == ev[i].login; k++)
			;
		/* successes first, then failures (cmp_event) */
		for (f = i; f < k && !ev[f].failed; f++)
			;
		if (f > i)
			many_addresses(&c, ev[i].login, ev + i, f - i, ev + f,
			    k - f);
		if (k > f)
			failed_spread(&c, ev[i].login, ev + f, k - f);
	}
	free(ev);
	free(c.uses);
	free(c.trust);
	mg_str_free(&c.trust_names);
	free(c.left);
}
