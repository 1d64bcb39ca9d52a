/*
 * mg_maillog.h - what the MTA's own mail log says about who sends mail
 * through it: the client addresses that handed over messages without
 * logging in (SASL).  Those are the hosts that depend on a trusted network
 * (mynetworks, relay_from_hosts); a fix narrowing such a network keeps them.
 * And the SASL names that did log in to send mail.
 */
#ifndef MG_MAILLOG_H
#define MG_MAILLOG_H

#include <stddef.h>
#include <time.h>

#include "mg_err.h"
#include "mg_net.h"

/* Read no more than this much of the end of a log (a busy mail.log is
 * gigabytes; the recent past is what the operator's hosts look like). */
#define MG_MAILLOG_TAIL (64UL * 1024 * 1024)

/* One client address and the messages it handed over without SASL. */
struct mg_logclient {
	struct mg_net addr;		/* a host: /32 or /128 */
	unsigned long msgs;
};

/* One SASL login name and the messages submitted after logging in as it
 * (Postfix sasl_username=, Exim A=AUTHENTICATOR:ID). */
struct mg_loglogin {
	char *name;
	unsigned long msgs;
	unsigned long failed;	/* failed logins naming it */
};

/* One SASL login seen with its client address and time: a message
 * submitted after logging in (Postfix client=... sasl_username=, Exim
 * <= ... A=), or a failed login naming the user (Postfix "SASL ...
 * authentication failed: ..., sasl_username=", Exim "authenticator failed
 * for ... (set_id=)"). */
struct mg_logauth {
	size_t login;		/* index into logins */
	int failed;
	time_t when;		/* 0: the line's time stamp was not read */
	struct mg_net addr;	/* a host */
};

/* Kept: events of each kind (logins that sent, failed logins), and
 * distinct names of each kind (first seen sending, first seen failing):
 * a password spray of made-up names fills only the failed side, so it
 * cannot hide the logins that sent mail. */
#define MG_MAILLOG_AUTHS_MAX (256UL * 1024)	/* events kept, each kind */
#define MG_MAILLOG_NAMES_MAX 1024	/* distinct names kept, each kind */
#define MG_MAILLOG_LOGINS_MAX (2 * MG_MAILLOG_NAMES_MAX)	/* in all */
/* The rotated predecessor's share of each: the current log's events and
 * names always find room. */
#define MG_MAILLOG_OLDER_SHARE 2	/* at most 1/2 */

/* The busiest sender of one time unit: the most messages (or recipients)
 * one client address (Postfix) or one login (Exim) handed over within one
 * unit, and the line that reached it.  Rate limits are sized from it. */
struct mg_logpeak {
	unsigned long n;		/* in the unit; 0: none seen */
	char who[64];			/* the client address or the login */
	char when[32];			/* stamp of the line that reached n */
	unsigned long line;		/* its number among the lines read */
};

/* What each sender handed over in the unit being counted. */
struct mg_logcount {
	char who[64];
	unsigned long msgs, rcpts;
};

#define MG_MAILLOG_SENDERS_MAX 4096	/* senders counted per unit */

/* Messages and recipients per sender per unit (seconds), as the log's
 * lines come in time order: the peaks over the whole log read. */
struct mg_lograte {
	unsigned unit;
	long long bucket;		/* the unit counted now */
	int started;
	struct mg_logcount *cur;	/* the senders of that unit */
	size_t ncur, cap;
	struct mg_logpeak msgs, rcpts;
	unsigned long events;		/* messages counted */
};

/* Postfix logs a message's recipients (qmgr's nrcpt=) after its client
 * (smtpd's client=), under its queue ID: the last few IDs are kept. */
#define MG_MAILLOG_QIDS 512
struct mg_logqid {
	char qid[24];
	char who[64];
};

struct mg_maillog {
	char *path;			/* the log read */
	struct mg_logclient *clients;	/* sorted by address, distinct */
	size_t nclients, cap;
	struct mg_loglogin *logins;	/* in order of first appearance */
	size_t nlogins, logins_cap;
	size_t nfailnames;		/* of them, first seen failing */
	struct mg_logauth *auths;	/* in log order */
	size_t nauths, auths_cap;
	size_t nfailauths;		/* of them, failed logins */
	time_t now;			/* reference for syslog's year-less
					 * stamps; 0: the time of reading */
	time_t first;			/* the first line's time stamp: how
					 * far back the log (or the tail read)
					 * goes; 0: none read yet */
	unsigned first_tries;		/* lines tried for it */
	char *older;			/* the rotated predecessor read for
					 * the logins' history; NULL: none */
	int reading_older;		/* reading it: only logins' events
					 * (mg_maillog_auth) are recorded */
	unsigned long lines;		/* lines looked at */
	unsigned long accepted;		/* messages accepted from clients */
	int truncated;			/* only the last MG_MAILLOG_TAIL */
	struct mg_lograte per_minute;	/* anvil's default unit (60s) */
	struct mg_lograte per_hour;
	struct mg_logqid *qids;		/* a ring of MG_MAILLOG_QIDS */
	size_t nqid;			/* IDs ever remembered */
};

/* What one MTA's log line says, told to the log (mg_maillog_client,
 * mg_maillog_login); a backend's, with its own argument (Postfix: the
 * syslog_name).  The line may end in a newline. */
typedef void mg_maillog_line_fn(struct mg_maillog *, const char *, size_t,
    const void *);

void mg_maillog_init(struct mg_maillog *);
void mg_maillog_free(struct mg_maillog *);
void mg_maillog_line(struct mg_maillog *, mg_maillog_line_fn *, const void *,
    const char *, size_t);
void mg_maillog_finish(struct mg_maillog *);
void mg_maillog_client(struct mg_maillog *, const char *, const char *);
void mg_maillog_login(struct mg_maillog *, const char *, const char *);
void mg_maillog_auth(struct mg_maillog *, const char *, const char *,
    const char *, const char *, time_t, int);
time_t mg_maillog_time(const struct mg_maillog *, const char *, size_t);
const char *mg_maillog_find(const char *, size_t, const char *);
struct stat;
int mg_maillog_open(const char *, struct stat *, struct mg_err *);
int mg_maillog_read(struct mg_maillog *, mg_maillog_line_fn *, const void *,
    const char *, size_t, struct mg_err *);
int mg_maillog_stamp(const char *, size_t, long long *, char *, size_t);
void mg_maillog_sent(struct mg_maillog *, const char *, size_t, const char *,
    size_t, unsigned long, unsigned long);
void mg_maillog_qid(struct mg_maillog *, const char *, size_t, const char *,
    size_t);
int mg_maillog_qid_take(struct mg_maillog *, const char *, size_t, char *,
    size_t);
unsigned long mg_maillog_logins(const struct mg_maillog *, const char *);
size_t mg_maillog_within(const struct mg_maillog *, const struct mg_net *,
    const struct mg_logclient **, size_t);

#endif
