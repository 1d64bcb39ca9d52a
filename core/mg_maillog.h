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
};

#define MG_MAILLOG_LOGINS_MAX 1024	/* distinct names kept */

struct mg_maillog {
	char *path;			/* the log read */
	struct mg_logclient *clients;	/* sorted by address, distinct */
	size_t nclients, cap;
	struct mg_loglogin *logins;	/* in order of first appearance */
	size_t nlogins, logins_cap;
	unsigned long lines;		/* lines looked at */
	unsigned long accepted;		/* messages accepted from clients */
	int truncated;			/* only the last MG_MAILLOG_TAIL */
};

enum mg_maillog_kind {
	MG_MAILLOG_POSTFIX,	/* "NAME/smtpd[PID]: QID: client=N[A]" */
	MG_MAILLOG_EXIM		/* "... <= SENDER H=N [A]:P ... A=..." */
};

void mg_maillog_init(struct mg_maillog *);
void mg_maillog_free(struct mg_maillog *);
void mg_maillog_line(struct mg_maillog *, enum mg_maillog_kind,
    const char *, size_t, const char *);
void mg_maillog_finish(struct mg_maillog *);
struct mg_model;
struct stat;
int mg_maillog_open(const char *, struct stat *, struct mg_err *);
int mg_maillog_load(struct mg_model *, enum mg_maillog_kind, const char *,
    const char *, struct mg_err *);
int mg_maillog_read(struct mg_maillog *, enum mg_maillog_kind, const char *,
    const char *, size_t, struct mg_err *);
unsigned long mg_maillog_logins(const struct mg_maillog *, const char *);
size_t mg_maillog_within(const struct mg_maillog *, const struct mg_net *,
    const struct mg_logclient **, size_t);

#endif
