/*
 * mg_queue.h - the mail queue as the model sees it (MTA-neutral): one
 * record per queued message, kept in an arena released at once, and the
 * groupings an operator needs in an incident (by sender, SASL user, client,
 * recipient domain, age).
 */
#ifndef MG_QUEUE_H
#define MG_QUEUE_H

#include <stddef.h>
#include <time.h>

#include "mg_err.h"
#include "mg_net.h"
#include "mg_str.h"

/* Progress of a long scan: files looked at so far.  Non-zero cancels. */
typedef int (*mg_progress_fn)(void *, size_t);

/* How a queue is read: what its caller will look at (all zero, or no
 * options at all: everything a message view shows). */
struct mg_qscan_opts {
	int no_sizes;	/* sizes may be left 0: nothing shown needs them
			 * (Exim: no stat of each message's -D) */
};

/* One chunk of the arena; strings and arrays of a scan live here. */
struct mg_arena_chunk {
	struct mg_arena_chunk *next;
	size_t used, size;
	unsigned char data[];
};

struct mg_arena {
	struct mg_arena_chunk *head;
	size_t total;		/* bytes handed out */
};

/* One queued message.  Every pointer points into the queue's arena;
 * a string the queue file did not have is NULL. */
struct mg_qmsg {
	const char *id;
	const char *queue;		/* "deferred", "hold", ... (static) */
	const char *sender;		/* "" for the null sender */
	const char **rcpts;		/* undelivered recipients */
	size_t nrcpts;
	time_t arrival;
	unsigned long long size;	/* message content size */
	const char *sasl_username;
	const char *sasl_method;
	const char *client_address;
	const char *client_name;
	const char *helo_name;
	const char *reason;		/* why deferred, when known */
};

struct mg_queue {
	struct mg_arena arena;
	struct mg_qmsg *msgs;
	size_t nmsgs, msgs_cap;
	size_t files;		/* queue files looked at */
	size_t vanished;	/* gone between listing and reading */
	size_t incomplete;	/* still being written */
	size_t corrupt;		/* not a readable queue file */
	char **problems;	/* a few "deferred/A/ID: why" samples */
	size_t nproblems, problems_cap;
	/* What the MTA's queue is like, set by the backend that read it:
	 * one spool whose messages may be frozen (Exim), not named queues
	 * (Postfix's deferred, hold, incoming, active); and where a
	 * message's SASL login was read, when that is worth saying
	 * ("-auth_id in the spool"; NULL: nothing to add). */
	int frozen_spool;
	const char *auth_source;
	/* the strings kept once however many messages share them (a
	 * flood's sender, client, SASL login, reason): the index of
	 * mg_queue_intern, dropped by mg_queue_seal */
	struct mg_qintern *intern;
};

#define MG_QUEUE_PROBLEMS_MAX 20

enum mg_queue_by {
	MG_QBY_SENDER = 0,
	MG_QBY_SASL,
	MG_QBY_CLIENT,
	MG_QBY_RCPT_DOMAIN,
	MG_QBY_AGE
};

struct mg_qgroup {
	char *key;
	size_t count;
};

struct mg_qgrouping {
	enum mg_queue_by by;
	size_t total;		/* messages grouped */
	struct mg_qgroup *groups;
	size_t ngroups, groups_cap;
};

/* A selection of queued messages (purge, hold, release): every given
 * criterion must match (AND).  NULL / 0: not part of the selection. */
struct mg_qsel {
	const char *sasl;		/* SASL user / Exim auth_id */
	const char *sender;		/* address, "@domain" or "<>" */
	const char *rcpt_domain;	/* any undelivered recipient there */
	const char *queue;		/* "deferred", "hold", "frozen"... */
	unsigned long older_than;	/* seconds since arrival, 0: any */
	int has_client;
	struct mg_net client;		/* address or network */
};

void *mg_arena_alloc(struct mg_arena *, size_t);
const char **mg_arena_ptrs(struct mg_arena *, size_t);
char *mg_arena_strndup(struct mg_arena *, const char *, size_t);
void mg_arena_free(struct mg_arena *);

void mg_queue_init(struct mg_queue *);
const char *mg_queue_intern(struct mg_queue *, const char *, size_t);
void mg_queue_seal(struct mg_queue *);
void mg_queue_free(struct mg_queue *);
struct mg_qmsg *mg_queue_add(struct mg_queue *);
struct mg_qmsg *mg_queue_add_copy(struct mg_queue *, const struct mg_qmsg *,
    const char *, size_t, const char *const *, size_t);
void mg_queue_problem(struct mg_queue *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
size_t mg_queue_unreadable(const struct mg_queue *);
size_t mg_queue_dedupe(struct mg_queue *);

int mg_queue_by_parse(const char *, enum mg_queue_by *);
const char *mg_queue_by_name(enum mg_queue_by);
void mg_queue_group(const struct mg_queue *, enum mg_queue_by, time_t,
    struct mg_qgrouping *);
void mg_qgrouping_free(struct mg_qgrouping *);
int mg_queue_in_group(const struct mg_qmsg *, enum mg_queue_by, const char *,
    time_t);

/* qshape's age columns: under 5, 10, 20, ... 1280 minutes, and older. */
#define MG_QAGE_BUCKETS 10
size_t mg_queue_age_bucket(const struct mg_qmsg *, time_t);
int mg_qsel_match(const struct mg_qsel *, const struct mg_qmsg *, time_t);
void mg_qsel_describe(const struct mg_qsel *, struct mg_str *);
int mg_queue_dirs_stamp(const char *, const char *const *,
    unsigned long long *, struct mg_err *);

#endif
