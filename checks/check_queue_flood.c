/*
 * check_queue_flood.c - a queue that is large, growing or old, and who
 * fills it.  A healthy small server has a handful of messages queued; a
 * spam run (open relay, stolen password, compromised web form) shows as
 * thousands of deferred messages from one client, sender or destination,
 * arriving faster than they leave.  Bounces of spam (null sender) piling
 * up mean the server accepts mail it then cannot deliver: backscatter.
 * MTA-neutral: reads only the model's queue.  The SASL account view is
 * check_queue_sasl.c.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/mg_queue.h"
#include "../core/mg_str.h"
#include "checks.h"

#define FLOOD_MEDIUM 1000	/* messages queued */
#define FLOOD_HIGH 10000
#define RATE_HIGH 500		/* arrived within the last hour */
#define DOMINANT_MIN 50		/* a share only matters past this size */
#define FROZEN_MIN 20		/* frozen bounces worth a finding */
#define FROZEN_MEDIUM 200
#define SHARE_MIN 0.5
#define HOUR 3600
#define DAY (24 * HOUR)

/* Queue statistics the findings quote. */
struct stats {
	size_t total, deferred, hold, last_hour, prev_day, older_day;
	size_t bounces;		/* null sender */
	size_t frozen, frozen_bounces;	/* Exim */
	time_t oldest, oldest_frozen_bounce;
};

/* gather - counts by queue, arrival window and sender */
static void
gather(const struct mg_queue *q, time_t now, struct stats *st)
{
	const struct mg_qmsg *msg;
	size_t i;

	memset(st, 0, sizeof(*st));
	st->total = q->nmsgs;
	for (i = 0; i < q->nmsgs; i++) {
		msg = &q->msgs[i];
		if (msg->queue != NULL && strcmp(msg->queue, "deferred") == 0)
			st->deferred++;
		if (msg->queue != NULL && strcmp(msg->queue, "hold") == 0)
			st->hold++;
		if (msg->sender != NULL && *msg->sender == '\0')
			st->bounces++;
		if (msg->queue != NULL && strcmp(msg->queue, "frozen") == 0) {
			st->frozen++;
			if (msg->sender != NULL && *msg->sender == '\0') {
				st->frozen_bounces++;
				if (msg->arrival > 0 &&
				    (st->oldest_frozen_bounce == 0 ||
				    msg->arrival < st->oldest_frozen_bounce))
					st->oldest_frozen_bounce =
					    msg->arrival;
			}
		}
		if (msg->arrival <= 0)
			continue;
		if (st->oldest == 0 || msg->arrival < st->oldest)
			st->oldest = msg->arrival;
		if (now - msg->arrival <= HOUR)
			st->last_hour++;
		else if (now - msg->arrival <= DAY)
			st->prev_day++;
		else
			st->older_day++;
	}
}

/*
 * mg_check_queue_top - the largest groups of q by one key, "key (count)"
 * for the first three and " and N more" after, appended to s (freed by
 * the caller); the number of groups (0: nothing appended)
 */
size_t
mg_check_queue_top(const struct mg_queue *q, enum mg_queue_by by,
    time_t now, struct mg_str *s)
{
	struct mg_qgrouping g;
	size_t i, n;

	mg_queue_group(q, by, now, &g);
	for (i = 0; i < g.ngroups && i < 3; i++)
		mg_str_printf(s, "%s%s (%zu)", i > 0 ? ", " : "",
		    g.groups[i].key, g.groups[i].count);
	if (g.ngroups > 3)
		mg_str_printf(s, " and %zu more", g.ngroups - 3);
	n = g.ngroups;
	mg_qgrouping_free(&g);
	return (n);
}

/* top - evidence: the largest groups by one key */
static void
top(struct mg_finding *f, const struct mg_queue *q, enum mg_queue_by by,
    const char *what, time_t now)
{
	struct mg_str s = MG_STR_INIT;

	if (mg_check_queue_top(q, by, now, &s) > 0)
		mg_finding_evidence(f, NULL, 0, "by %s: %s", what,
		    mg_str_cstr(&s));
	mg_str_free(&s);
}

/* hours - whole hours between two times, for people */
static long
hours(time_t later, time_t earlier)
{
	return ((long)((later - earlier) / HOUR));
}

/* report_flood - a queue too large or filling too fast */
static void
report_flood(const struct mg_model *m, const struct stats *st,
    struct mg_report *r)
{
	const struct mg_queue *q = m->queue;
	struct mg_finding *f;
	enum mg_severity sev;

	if (st->total < FLOOD_MEDIUM && st->last_hour < RATE_HIGH)
		return;
	sev = st->total >= FLOOD_HIGH || st->last_hour >= RATE_HIGH ?
	    MG_SEV_HIGH : MG_SEV_MEDIUM;
	f = mg_report_finding(r, "queue.flood", sev, "queue",
	    "The mail queue is flooded");
	mg_finding_explain(f, "A small or mid-size server normally has a "
	    "handful of messages queued. Thousands of them - most often "
	    "deferred, because receivers refuse or throttle the mail - "
	    "mean something is sending far more than your users do: an "
	    "open relay, a stolen password, a compromised web form or "
	    "script. Receivers start blocklisting the server within hours. "
	    "Find the source below (client address, SASL user, sender), "
	    "stop it first (fix the relay, disable the account), then "
	    "purge exactly that mail (mailguard-tui purge with the same "
	    "selector), keeping everyone else's.");
	if (q->frozen_spool)
		mg_finding_evidence(f, NULL, 0, "%zu messages queued: %zu "
		    "frozen, %zu waiting for delivery or retry", st->total,
		    st->frozen, st->total - st->frozen);
	else
		mg_finding_evidence(f, NULL, 0, "%zu messages queued: %zu "
		    "deferred, %zu on hold, %zu elsewhere (incoming/active)",
		    st->total, st->deferred, st->hold, st->total -
		    st->deferred - st->hold);
	mg_finding_evidence(f, NULL, 0, "arrived in the last hour: %zu; in "
	    "the 23 hours before: %zu; older than a day: %zu%s",
	    st->last_hour, st->prev_day, st->older_day,
	    st->last_hour >= RATE_HIGH ? " - still growing fast" : "");
	if (st->oldest > 0)
		mg_finding_evidence(f, NULL, 0, "oldest message queued %ld "
		    "hours ago", hours(m->now, st->oldest));
	top(f, q, MG_QBY_CLIENT, "client address", m->now);
	top(f, q, MG_QBY_SASL, "SASL user", m->now);
	top(f, q, MG_QBY_SENDER, "sender", m->now);
	top(f, q, MG_QBY_RCPT_DOMAIN, "recipient domain", m->now);
}

/* is_local_client - mail the server itself or a local program submitted */
static int
is_local_client(const char *addr)
{
	return (strcmp(addr, "(none)") == 0 || strcmp(addr, "127.0.0.1") == 0 ||
	    strcmp(addr, "::1") == 0 || strncmp(addr, "127.", 4) == 0);
}

/* report_dominant_client - one remote client owns most of the queue */
static void
report_dominant_client(const struct mg_model *m, struct mg_report *r)
{
	const struct mg_queue *q = m->queue;
	struct mg_qgrouping g;
	struct mg_finding *f;

	mg_queue_group(q, MG_QBY_CLIENT, m->now, &g);
	if (g.ngroups > 0 && g.groups[0].key != NULL &&
	    !is_local_client(g.groups[0].key) &&
	    (double)g.groups[0].count > SHARE_MIN * (double)q->nmsgs) {
		f = mg_report_finding(r, "queue.client-dominant",
		    MG_SEV_MEDIUM, "queue", "One client address sent most of "
		    "the queue");
		mg_finding_explain(f, "Most queued mail came from a single "
		    "remote address. If that host is not one of yours - a "
		    "trusted network entry that is too wide, or a password "
		    "used from there - it is relaying spam through this "
		    "server. Compare it with mynetworks and the SASL users "
		    "below; \"purge --client ADDRESS\" removes its mail.");
		mg_finding_evidence(f, NULL, 0, "%zu of %zu queued messages "
		    "(%.0f%%) came from %s", g.groups[0].count, q->nmsgs,
		    100.0 * (double)g.groups[0].count / (double)q->nmsgs,
		    g.groups[0].key);
		top(f, q, MG_QBY_RCPT_DOMAIN, "recipient domain", m->now);
	}
	mg_qgrouping_free(&g);
}

/* report_bounces - bounces (null sender) are most of the queue */
static void
report_bounces(const struct mg_model *m, const struct stats *st,
    struct mg_report *r)
{
	struct mg_finding *f;

	if ((double)st->bounces <= SHARE_MIN * (double)st->total)
		return;
	f = mg_report_finding(r, "queue.bounces", MG_SEV_MEDIUM, "queue",
	    "Undeliverable bounces fill the queue (backscatter)");
	mg_finding_explain(f, "Most of the queue is bounces (the null sender "
	    "<>), and they are not leaving. The server accepts mail it "
	    "cannot deliver and then bounces it to forged senders: "
	    "backscatter, which gets the server blocklisted. Reject unknown "
	    "recipients during the SMTP session instead of bouncing "
	    "afterwards (Postfix: local_recipient_maps / "
	    "virtual_mailbox_maps; Exim: verify = recipient), then purge "
	    "the bounces (purge --sender '<>').");
	mg_finding_evidence(f, NULL, 0, "%zu of %zu queued messages are "
	    "bounces (sender <>)", st->bounces, st->total);
	top(f, m->queue, MG_QBY_RCPT_DOMAIN, "recipient domain", m->now);
}

/* option_value - an Exim main option as exim -bP printed it, or "?" */
static const char *
option_value(const struct mg_model *m, const char *name)
{
	const struct mg_param *p = mg_model_param(m, name);

	return (p != NULL && p->value != NULL ? p->value : "?");
}

/*
 * report_frozen_bounces - Exim freezes a bounce it cannot deliver (the
 * forged sender's server refuses it); frozen bounces stay until
 * ignore_bounce_errors_after or timeout_frozen_after removes them, and
 * pile up when spam is accepted and then bounced.
 */
static void
report_frozen_bounces(const struct mg_model *m, const struct stats *st,
    struct mg_report *r)
{
	struct mg_finding *f;

	if (st->frozen_bounces < FROZEN_MIN)
		return;
	f = mg_report_finding(r, "queue.frozen-bounces",
	    st->frozen_bounces >= FROZEN_MEDIUM ? MG_SEV_MEDIUM : MG_SEV_LOW,
	    "queue", "Frozen bounces are piling up");
	mg_finding_explain(f, "Exim freezes a bounce it cannot deliver "
	    "instead of retrying it. Many of them mean the server accepted "
	    "mail for recipients it could not deliver to and bounced it to "
	    "senders that were forged - backscatter. Reject unknown "
	    "recipients at RCPT time (verify = recipient in acl_check_rcpt), "
	    "keep ignore_bounce_errors_after short (Debian: 2d) and "
	    "timeout_frozen_after set (Debian: 7d) so frozen mail leaves on "
	    "its own, and remove what is there now: exim -Mrm on the IDs of "
	    "exiqgrep -z -f '^<>$' -i, or mailguard-tui purge --queue frozen "
	    "--sender '<>'.");
	mg_finding_evidence(f, NULL, 0, "%zu frozen bounces (sender <>) of "
	    "%zu frozen messages, %zu queued", st->frozen_bounces, st->frozen,
	    st->total);
	if (st->oldest_frozen_bounce > 0)
		mg_finding_evidence(f, NULL, 0, "oldest frozen bounce arrived "
		    "%ld hours ago", hours(m->now, st->oldest_frozen_bounce));
	mg_finding_evidence(f, NULL, 0, "ignore_bounce_errors_after = %s, "
	    "timeout_frozen_after = %s (exim -bP)", option_value(m,
	    "ignore_bounce_errors_after"), option_value(m,
	    "timeout_frozen_after"));
	top(f, m->queue, MG_QBY_RCPT_DOMAIN, "recipient domain", m->now);
}

/* mg_check_queue_flood - size, growth, age and sources of the queue */
void
mg_check_queue_flood(const struct mg_model *m, struct mg_report *r)
{
	struct stats st;

	if (m->queue == NULL || m->queue->nmsgs == 0)
		return;
	gather(m->queue, m->now, &st);
	report_flood(m, &st, r);
	report_frozen_bounces(m, &st, r);
	if (st.total < DOMINANT_MIN)
		return;
	report_dominant_client(m, r);
	report_bounces(m, &st, r);
}
