/*
 * check_queue_sasl.c - one authenticated account sending most of the queue.
 * incident 3: outbound spam deferred for days, postcat showing
 * sasl_username=root from 93.122.252.5 - a stolen SASL password.  When a
 * single SASL user owns most of a sizeable queue, that account is the
 * first suspect; a system or privileged name (root, admin...) makes it
 * near certain, since nobody should send mail as those.  MTA-neutral: it
 * reads only the model's queue.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../core/mg_queue.h"
#include "../core/mg_str.h"
#include "checks.h"

/* Below this many queued messages a dominant sender is not a flood. */
#define QUEUE_MIN 50
/* One account must own more than this share of the queue. */
#define SHARE_MIN 0.5
/* A person's account (not a system or role name) is suspect only with at
 * least this many messages queued: fewer are a day's mail of a busy
 * sender, deferred like everyone's while receivers throttle - and after
 * a purge of the flood they are most of what is left. */
#define PERSON_MIN 100

/* Names no person should authenticate as to send mail. */
static const char *const privileged[] = {
	"root", "admin", "administrator", "postmaster", "hostmaster",
	"webmaster", "abuse", "daemon", "bin", "sys", "sync", "nobody",
	"mail", "postfix", "Debian-exim", "exim", "www-data", "apache",
	"nginx", "ftp", "backup", "operator", "games", "news", "uucp",
	"test", "guest", "user", "oracle", "mysql", "postgres", NULL
};

/* mg_check_privileged_name - a system or role account name, without
 * regard to case, with or without a realm ("root@mail.example.com") */
int
mg_check_privileged_name(const char *name)
{
	size_t i, n = strcspn(name, "@");

	for (i = 0; privileged[i] != NULL; i++)
		if (strlen(privileged[i]) == n &&
		    strncasecmp(name, privileged[i], n) == 0)
			return (1);
	return (0);
}

/* add_top - evidence: the largest groups of user "who"'s mail by key */
static void
add_top(struct mg_finding *f, const struct mg_queue *q, const char *who,
    enum mg_queue_by by, const char *what, time_t now)
{
	struct mg_queue sub;
	struct mg_str s = MG_STR_INIT;
	size_t i;

	/* Group only this user's messages: a view, not a copy. */
	memset(&sub, 0, sizeof(sub));
	sub.msgs = mg_xcalloc(q->nmsgs, sizeof(*sub.msgs));
	for (i = 0; i < q->nmsgs; i++)
		if (q->msgs[i].sasl_username != NULL &&
		    strcmp(q->msgs[i].sasl_username, who) == 0)
			sub.msgs[sub.nmsgs++] = q->msgs[i];
	if (mg_check_queue_top(&sub, by, now, &s) > 0)
		mg_finding_evidence(f, NULL, 0, "%s of %s's mail: %s", what,
		    who, mg_str_cstr(&s));
	mg_str_free(&s);
	free(sub.msgs);
}

/*
 * mg_check_sasl_dominant - the SASL login that owns more than half of a
 * sizeable queue, and in *count how many messages it owns; NULL if none
 * does, or if a person's account owns an ordinary volume.  The caller
 * frees the name.  Other checks use it to say that an account they flag
 * is the one flooding the queue.
 */
char *
mg_check_sasl_dominant(const struct mg_model *m, size_t *count)
{
	const struct mg_queue *q = m->queue;
	struct mg_qgrouping g;
	char *who = NULL;

	*count = 0;
	if (q == NULL || q->nmsgs < QUEUE_MIN)
		return (NULL);
	mg_queue_group(q, MG_QBY_SASL, m->now, &g);
	if (g.ngroups > 0 && g.groups[0].key != NULL &&
	    strcmp(g.groups[0].key, "(none)") != 0 &&
	    (double)g.groups[0].count > SHARE_MIN * (double)q->nmsgs &&
	    (g.groups[0].count >= PERSON_MIN ||
	    mg_check_privileged_name(g.groups[0].key))) {
		who = mg_xstrdup(g.groups[0].key);
		*count = g.groups[0].count;
	}
	mg_qgrouping_free(&g);
	return (who);
}

/* mg_check_queue_sasl - a SASL account that dominates the queue */
void
mg_check_queue_sasl(const struct mg_model *m, struct mg_report *r)
{
	const struct mg_queue *q = m->queue;
	struct mg_finding *f;
	char *who;
	size_t i, count, deferred = 0;
	int priv;

	if ((who = mg_check_sasl_dominant(m, &count)) == NULL)
		return;
	for (i = 0; i < q->nmsgs; i++)
		if (q->msgs[i].sasl_username != NULL &&
		    strcmp(q->msgs[i].sasl_username, who) == 0 &&
		    q->msgs[i].queue != NULL &&
		    strcmp(q->msgs[i].queue, "deferred") == 0)
			deferred++;
	priv = mg_check_privileged_name(who);
	f = mg_report_finding(r, "queue.sasl-dominant", priv ?
	    MG_SEV_CRITICAL : MG_SEV_HIGH, "sasl", priv ?
	    "A system account's SASL login is sending most of the queue" :
	    "One SASL account is sending most of the queue");
	mg_finding_explain(f, "When a single authenticated account owns most "
	    "of the queue, and receivers defer its mail, its password has "
	    "almost certainly been stolen and the server is sending spam in "
	    "its name - which gets the server blocklisted. A system or role "
	    "name (root, admin...) should never send mail by SMTP AUTH at "
	    "all. Disable the account or change its password first (sasldb: "
	    "saslpasswd2 -d; Exim: its line in /etc/exim4/passwd; system "
	    "accounts behind PAM/Dovecot: lock the account), then remove "
	    "its queued mail, keeping everyone else's.");
	if (q->auth_source != NULL)
		mg_finding_evidence(f, NULL, 0, "%zu of %zu queued messages "
		    "(%.0f%%) were submitted by authenticated user %s (%s)",
		    count, q->nmsgs, 100.0 * (double)count / (double)q->nmsgs,
		    who, q->auth_source);
	else
		mg_finding_evidence(f, NULL, 0, "%zu of %zu queued messages "
		    "(%.0f%%) were submitted by SASL user %s; %zu of them are "
		    "deferred", count, q->nmsgs, 100.0 * (double)count /
		    (double)q->nmsgs, who, deferred);
	if (priv)
		mg_finding_evidence(f, NULL, 0, "%s is a system or role "
		    "account name", who);
	add_top(f, q, who, MG_QBY_CLIENT, "client addresses", m->now);
	add_top(f, q, who, MG_QBY_RCPT_DOMAIN, "recipient domains", m->now);
	free(who);
}
