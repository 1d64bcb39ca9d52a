/*
 * mg_queue.c - the queue model: an arena for the strings of one scan,
 * the message list, and grouping by sender, SASL user, client, recipient
 * domain or age (qshape(1)'s buckets), counted with one hash table.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mg_queue.h"
#include "mg_str.h"

#define ARENA_CHUNK (64u * 1024)

/*
 * arena_take - n bytes at an address that is a multiple of align (a
 * power of two): strings ask for 1, arrays of pointers for a pointer's
 * alignment, so that a 16-byte queue ID takes 17 bytes, not 32 (a scan
 * of 100k messages holds about 100 bytes less per message)
 */
static void *
arena_take(struct mg_arena *a, size_t n, size_t align)
{
	struct mg_arena_chunk *c = a->head;
	uintptr_t at;
	size_t pad = 0, size;

	if (c != NULL) {
		at = (uintptr_t)(c->data + c->used);
		pad = (align - (at & (align - 1))) & (align - 1);
	}
	if (c == NULL || c->size - c->used < pad ||
	    c->size - c->used - pad < n) {
		if (n > SIZE_MAX - sizeof(*c) - align)
			abort();
		/* room for n after aligning the chunk's first byte */
		size = n + align > ARENA_CHUNK ? n + align : ARENA_CHUNK;
		c = mg_xmalloc(sizeof(*c) + size);
		c->size = size;
		c->used = 0;
		c->next = a->head;
		a->head = c;
		at = (uintptr_t)c->data;
		pad = (align - (at & (align - 1))) & (align - 1);
	}
	c->used += pad;
	a->total += pad + n;
	at = (uintptr_t)(c->data + c->used);
	c->used += n;
	return ((void *)at);
}

/* mg_arena_alloc - n bytes, aligned for any type; freed with the arena */
void *
mg_arena_alloc(struct mg_arena *a, size_t n)
{
	return (arena_take(a, n, _Alignof(max_align_t)));
}

/* mg_arena_ptrs - room for n pointers (a message's recipients); freed
 * with the arena */
const char **
mg_arena_ptrs(struct mg_arena *a, size_t n)
{
	if (n > SIZE_MAX / sizeof(const char *))
		abort();
	return (arena_take(a, n * sizeof(const char *),
	    _Alignof(const char *)));
}

/* mg_arena_strndup - copy n bytes into the arena and terminate (no
 * alignment: a string's bytes are read one by one) */
char *
mg_arena_strndup(struct mg_arena *a, const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX)
		abort();
	p = arena_take(a, n + 1, 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return (p);
}

/* mg_arena_free - release every chunk at once; accepts NULL */
void
mg_arena_free(struct mg_arena *a)
{
	struct mg_arena_chunk *c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	a->head = NULL;
	a->total = 0;
}

/* mg_queue_init - an empty queue */
void
mg_queue_init(struct mg_queue *q)
{
	memset(q, 0, sizeof(*q));
}

/* The index of the strings a queue keeps once: open addressing, a
 * power-of-two table at most half full. */
struct mg_qintern {
	const char **slot;
	size_t n, cap;
};

/* intern_hash - FNV-1a of n bytes */
static size_t
intern_hash(const char *s, size_t n)
{
	size_t h = (size_t)14695981039346656037ULL, i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= (size_t)1099511628211ULL;
	}
	return (h);
}

/* intern_grow - the table twice as large, every string placed again */
static void
intern_grow(struct mg_qintern *in)
{
	size_t cap = in->cap > 0 ? in->cap * 2 : 1024, i, k;
	const char **slot = mg_xcalloc(cap, sizeof(*slot));

	for (i = 0; i < in->cap; i++) {
		if (in->slot[i] == NULL)
			continue;
		k = intern_hash(in->slot[i], strlen(in->slot[i])) & (cap - 1);
		while (slot[k] != NULL)
			k = (k + 1) & (cap - 1);
		slot[k] = in->slot[i];
	}
	free(in->slot);
	in->slot = slot;
	in->cap = cap;
}

/*
 * mg_queue_intern - n bytes of s as a string in the queue's arena, kept
 * once: the same text asked for again is the same pointer (a flood of
 * 100k messages from one sender holds its address once).  The strings
 * are read-only, as every string of the queue.
 */
const char *
mg_queue_intern(struct mg_queue *q, const char *s, size_t n)
{
	struct mg_qintern *in;
	size_t k;
	char *p;

	n = strnlen(s, n);	/* the string ends at a NUL, as strndup's */
	if (q->intern == NULL)
		q->intern = mg_xcalloc(1, sizeof(*q->intern));
	in = q->intern;
	if ((in->n + 1) * 2 > in->cap)
		intern_grow(in);
	k = intern_hash(s, n) & (in->cap - 1);
	for (; in->slot[k] != NULL; k = (k + 1) & (in->cap - 1))
		if (strncmp(in->slot[k], s, n) == 0 &&
		    in->slot[k][n] == '\0')
			return (in->slot[k]);
	p = mg_arena_strndup(&q->arena, s, n);
	in->slot[k] = p;
	in->n++;
	return (p);
}

/* intern_drop - the index of mg_queue_intern, gone */
static void
intern_drop(struct mg_queue *q)
{
	if (q->intern == NULL)
		return;
	free(q->intern->slot);
	free(q->intern);
	q->intern = NULL;
}

/* mg_queue_seal - the scan is over: drop the index of mg_queue_intern
 * (the strings stay; later interning starts a new index) and the room
 * the message list kept for growth */
void
mg_queue_seal(struct mg_queue *q)
{
	struct mg_qmsg *m;

	if (q->nmsgs > 0 && q->msgs_cap > q->nmsgs &&
	    (m = realloc(q->msgs, q->nmsgs * sizeof(*m))) != NULL) {
		q->msgs = m;
		q->msgs_cap = q->nmsgs;
	}
	intern_drop(q);
}

/* mg_queue_free - the messages, their arena and the problems; accepts NULL */
void
mg_queue_free(struct mg_queue *q)
{
	size_t i;

	if (q == NULL)
		return;
	intern_drop(q);
	mg_arena_free(&q->arena);
	free(q->msgs);
	for (i = 0; i < q->nproblems; i++)
		free(q->problems[i]);
	free(q->problems);
	memset(q, 0, sizeof(*q));
}

/* mg_queue_add - a zeroed message at the end of the list */
struct mg_qmsg *
mg_queue_add(struct mg_queue *q)
{
	struct mg_qmsg *m = MG_ARRAY_PUSH(q->msgs, q->nmsgs, q->msgs_cap);

	memset(m, 0, sizeof(*m));
	return (m);
}

/*
 * mg_queue_add_copy - a message read by a backend joins the queue: m with
 * its ID (idlen bytes) and its nrcpts recipients copied into the arena
 * (the strings they point at must already live there).
 */
struct mg_qmsg *
mg_queue_add_copy(struct mg_queue *q, const struct mg_qmsg *m,
    const char *id, size_t idlen, const char *const *rcpts, size_t nrcpts)
{
	struct mg_qmsg *out = mg_queue_add(q);

	*out = *m;
	out->id = mg_arena_strndup(&q->arena, id, idlen);
	out->rcpts = NULL;
	out->nrcpts = nrcpts;
	if (nrcpts > 0) {
		out->rcpts = mg_arena_ptrs(&q->arena, nrcpts);
		memcpy(out->rcpts, rcpts, nrcpts * sizeof(*out->rcpts));
	}
	return (out);
}

/* mg_queue_problem - keep a sample of what could not be read */
void
mg_queue_problem(struct mg_queue *q, const char *fmt, ...)
{
	struct mg_str s = MG_STR_INIT;
	char **slot;
	va_list ap;

	if (q->nproblems >= MG_QUEUE_PROBLEMS_MAX)
		return;
	va_start(ap, fmt);
	mg_str_vprintf(&s, fmt, ap);
	va_end(ap);
	slot = MG_ARRAY_PUSH(q->problems, q->nproblems, q->problems_cap);
	*slot = mg_str_steal(&s);
}

/* mg_queue_unreadable - files that were skipped, for any reason */
size_t
mg_queue_unreadable(const struct mg_queue *q)
{
	return (q->vanished + q->incomplete + q->corrupt);
}

/* by_id_then_place - qsort_r: indexes of msgs by ID, then scan order */
static int
by_id_then_place(const void *a, const void *b, void *msgs)
{
	const struct mg_qmsg *m = msgs;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int c = strcmp(m[x].id, m[y].id);

	if (c != 0)
		return (c);
	return (x < y ? -1 : x > y);
}

/*
 * mg_queue_dedupe - one message per queue ID: a message the MTA moved
 * from one queue to another while the scan walked them (Postfix's qmgr
 * moves incoming -> active -> deferred) is read twice; the later
 * reading, its newer place, is kept, in scan order.  How many were
 * dropped.
 */
size_t
mg_queue_dedupe(struct mg_queue *q)
{
	size_t *idx, i, j, n = q->nmsgs, dropped = 0;
	unsigned char *drop;

	if (n < 2)
		return (0);
	idx = mg_xcalloc(n, sizeof(*idx));
	drop = mg_xcalloc(n, 1);
	for (i = 0; i < n; i++)
		idx[i] = i;
	qsort_r(idx, n, sizeof(*idx), by_id_then_place, q->msgs);
	for (i = 0; i + 1 < n; i++)
		if (strcmp(q->msgs[idx[i]].id, q->msgs[idx[i + 1]].id) == 0) {
			drop[idx[i]] = 1;
			dropped++;
		}
	if (dropped > 0) {
		for (i = j = 0; i < n; i++)
			if (!drop[i])
				q->msgs[j++] = q->msgs[i];
		q->nmsgs = j;
	}
	free(idx);
	free(drop);
	return (dropped);
}

static const char *const by_names[] = {
	[MG_QBY_SENDER] = "sender",
	[MG_QBY_SASL] = "sasl",
	[MG_QBY_CLIENT] = "client",
	[MG_QBY_RCPT_DOMAIN] = "rcpt-domain",
	[MG_QBY_AGE] = "age",
};

/* mg_queue_by_parse - "sender", "sasl", ... to the enum; -1 if unknown */
int
mg_queue_by_parse(const char *name, enum mg_queue_by *by)
{
	size_t i;

	for (i = 0; i < sizeof(by_names) / sizeof(by_names[0]); i++)
		if (strcmp(name, by_names[i]) == 0) {
			*by = (enum mg_queue_by)i;
			return (0);
		}
	return (-1);
}

/* mg_queue_by_name - the enum as the command line spells it */
const char *
mg_queue_by_name(enum mg_queue_by by)
{
	if ((size_t)by >= sizeof(by_names) / sizeof(by_names[0]))
		return ("?");
	return (by_names[by]);
}

/* Age buckets of qshape(1), in minutes: [lower, next lower). */
static const struct {
	unsigned long min;
	const char *key;
} age_buckets[] = {
	{ 0, "0-5m" }, { 5, "5-10m" }, { 10, "10-20m" }, { 20, "20-40m" },
	{ 40, "40-80m" }, { 80, "80-160m" }, { 160, "160-320m" },
	{ 320, "320-640m" }, { 640, "640-1280m" }, { 1280, "1280m+" },
};
#define NAGE (sizeof(age_buckets) / sizeof(age_buckets[0]))

/* The counting table: open addressing over group indexes. */
struct counter {
	struct mg_qgrouping *g;
	size_t *slots;		/* group index + 1; 0 empty */
	size_t *last;		/* per group: message index + 1 last counted */
	size_t nslots, last_cap;
};

/* hash - FNV-1a */
static size_t
hash(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ULL;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return ((size_t)h);
}

/* rehash - double the table when it is half full */
static void
rehash(struct counter *c)
{
	size_t i, j, n = c->nslots == 0 ? 1024 : c->nslots * 2;
	const char *k;

	free(c->slots);
	c->slots = mg_xcalloc(n, sizeof(*c->slots));
	c->nslots = n;
	for (i = 0; i < c->g->ngroups; i++) {
		k = c->g->groups[i].key;
		j = hash(k, strlen(k)) & (n - 1);
		while (c->slots[j] != 0)
			j = (j + 1) & (n - 1);
		c->slots[j] = i + 1;
	}
}

/* count - add message "msg" to the group of key[0..n), once per message */
static void
count(struct counter *c, size_t msg, const char *key, size_t n)
{
	struct mg_qgroup *grp;
	size_t j, gi;

	if (c->g->ngroups + 1 > c->nslots / 2)
		rehash(c);
	j = hash(key, n) & (c->nslots - 1);
	while ((gi = c->slots[j]) != 0) {
		grp = &c->g->groups[gi - 1];
		if (strncmp(grp->key, key, n) == 0 && grp->key[n] == '\0')
			break;
		j = (j + 1) & (c->nslots - 1);
	}
	if (gi == 0) {
		grp = MG_ARRAY_PUSH(c->g->groups, c->g->ngroups,
		    c->g->groups_cap);
		grp->key = mg_xstrndup(key, n);
		grp->count = 0;
		gi = c->g->ngroups;
		c->slots[j] = gi;
		mg_array_grow((void **)&c->last, &c->last_cap, gi,
		    sizeof(*c->last));
		c->last[gi - 1] = 0;
	}
	if (c->last[gi - 1] == msg + 1)
		return;
	c->last[gi - 1] = msg + 1;
	c->g->groups[gi - 1].count++;
}

/* count_str - a key that may be missing or empty */
static void
count_str(struct counter *c, size_t msg, const char *v, const char *none)
{
	if (v == NULL || *v == '\0')
		v = none;
	count(c, msg, v, strlen(v));
}

/* count_domains - one count per distinct recipient domain (lower case) */
static void
count_domains(struct counter *c, size_t msg, const struct mg_qmsg *m)
{
	char buf[256];
	const char *at;
	size_t i, k, n;

	for (i = 0; i < m->nrcpts; i++) {
		at = strrchr(m->rcpts[i], '@');
		if (at == NULL || at[1] == '\0') {
			count(c, msg, "(local)", 7);
			continue;
		}
		at++;
		n = strlen(at);
		if (n >= sizeof(buf))
			n = sizeof(buf) - 1;
		for (k = 0; k < n; k++)
			buf[k] = (char)tolower((unsigned char)at[k]);
		count(c, msg, buf, n);
	}
}

/* age_key - the qshape bucket of a message */
static const char *
age_key(const struct mg_qmsg *m, time_t now)
{
	unsigned long mins;
	size_t i;

	mins = m->arrival > 0 && now > m->arrival ?
	    (unsigned long)(now - m->arrival) / 60 : 0;
	for (i = NAGE - 1; i > 0; i--)
		if (mins >= age_buckets[i].min)
			break;
	return (age_buckets[i].key);
}

/* age_rank - position of a bucket key, for sorting by age */
static size_t
age_rank(const char *key)
{
	size_t i;

	for (i = 0; i < NAGE; i++)
		if (strcmp(key, age_buckets[i].key) == 0)
			return (i);
	return (NAGE);
}

/* by_count - most messages first, then by key */
static int
by_count(const void *a, const void *b)
{
	const struct mg_qgroup *x = a, *y = b;

	if (x->count != y->count)
		return (x->count > y->count ? -1 : 1);
	return (strcmp(x->key, y->key));
}

/* by_age - youngest bucket first, as qshape prints them */
static int
by_age(const void *a, const void *b)
{
	size_t x = age_rank(((const struct mg_qgroup *)a)->key);
	size_t y = age_rank(((const struct mg_qgroup *)b)->key);

	return (x < y ? -1 : x > y);
}

/*
 * mg_queue_group - count q's messages by "by" into g (caller frees g with
 * mg_qgrouping_free).  A message without the attribute counts under
 * "(none)"; by rcpt-domain a message counts once in each of its domains,
 * so the groups may add up to more than total.  Groups are sorted by
 * count, except age buckets, which stay in age order.
 */
void
mg_queue_group(const struct mg_queue *q, enum mg_queue_by by, time_t now,
    struct mg_qgrouping *g)
{
	struct counter c;
	const struct mg_qmsg *m;
	size_t i;

	memset(g, 0, sizeof(*g));
	memset(&c, 0, sizeof(c));
	g->by = by;
	c.g = g;
	for (i = 0; i < q->nmsgs; i++) {
		m = &q->msgs[i];
		g->total++;
		switch (by) {
		case MG_QBY_SENDER:
			count_str(&c, i, m->sender, "<>");
			break;
		case MG_QBY_SASL:
			count_str(&c, i, m->sasl_username, "(none)");
			break;
		case MG_QBY_CLIENT:
			count_str(&c, i, m->client_address, "(none)");
			break;
		case MG_QBY_RCPT_DOMAIN:
			count_domains(&c, i, m);
			break;
		case MG_QBY_AGE:
			count_str(&c, i, age_key(m, now), "");
			break;
		}
	}
	free(c.slots);
	free(c.last);
	if (g->ngroups > 1)
		qsort(g->groups, g->ngroups, sizeof(g->groups[0]),
		    by == MG_QBY_AGE ? by_age : by_count);
}

/* mg_queue_age_bucket - the qshape column of a message at time now:
 * 0 for under 5 minutes .. MG_QAGE_BUCKETS - 1 for 1280 minutes and more */
size_t
mg_queue_age_bucket(const struct mg_qmsg *m, time_t now)
{
	return (age_rank(age_key(m, now)));
}

/* in_domain - one of m's recipients is in domain d ("(local)": one
 * without a domain), as count_domains counts them */
static int
in_domain(const struct mg_qmsg *m, const char *d)
{
	const char *at;
	size_t i;

	for (i = 0; i < m->nrcpts; i++) {
		at = strrchr(m->rcpts[i], '@');
		if (at == NULL || at[1] == '\0') {
			if (strcmp(d, "(local)") == 0)
				return (1);
		} else if (strcasecmp(at + 1, d) == 0)
			return (1);
	}
	return (0);
}

/* same_key - v (maybe missing) is the group key, as count_str keys it */
static int
same_key(const char *v, const char *none, const char *key)
{
	if (v == NULL || *v == '\0')
		v = none;
	return (strcmp(v, key) == 0);
}

/*
 * mg_queue_in_group - m is counted in the group "key" of mg_queue_group
 * by "by" at time now (the messages behind a group's count)
 */
int
mg_queue_in_group(const struct mg_qmsg *m, enum mg_queue_by by,
    const char *key, time_t now)
{
	switch (by) {
	case MG_QBY_SENDER:
		return (same_key(m->sender, "<>", key));
	case MG_QBY_SASL:
		return (same_key(m->sasl_username, "(none)", key));
	case MG_QBY_CLIENT:
		return (same_key(m->client_address, "(none)", key));
	case MG_QBY_RCPT_DOMAIN:
		return (in_domain(m, key));
	case MG_QBY_AGE:
		return (strcmp(age_key(m, now), key) == 0);
	}
	return (0);
}

/* mg_qgrouping_free - the groups and their keys; accepts NULL */
void
mg_qgrouping_free(struct mg_qgrouping *g)
{
	size_t i;

	if (g == NULL)
		return;
	for (i = 0; i < g->ngroups; i++)
		free(g->groups[i].key);
	free(g->groups);
	memset(g, 0, sizeof(*g));
}

/* domain_is - the domain of addr (after its last '@') equals d, in any
 * case */
static int
domain_is(const char *addr, const char *d)
{
	const char *at = strrchr(addr, '@');

	return (at != NULL && strcasecmp(at + 1, d) == 0);
}

/* sender_matches - "<>" the null sender, "@domain" any sender there,
 * else the address itself (case-insensitive, as mail routing treats it
 * for the domain; local parts are compared the same way here because an
 * operator types them) */
static int
sender_matches(const char *want, const char *sender)
{
	if (strcmp(want, "<>") == 0)
		return (*sender == '\0');
	if (want[0] == '@')
		return (domain_is(sender, want + 1));
	return (strcasecmp(want, sender) == 0);
}

/* client_matches - the message's client address inside the network */
static int
client_matches(const struct mg_net *want, const char *client)
{
	struct mg_net c;
	struct mg_err err;
	char buf[64];
	size_t n;

	if (client == NULL)
		return (0);
	n = strlen(client);
	/* Postfix logs IPv6 clients as "ipv6:..." in some attributes */
	if (strncasecmp(client, "ipv6:", 5) == 0) {
		client += 5;
		n -= 5;
	}
	if (n >= sizeof(buf))
		return (0);
	memcpy(buf, client, n + 1);
	if (mg_net_parse(buf, &c, &err) < 0)
		return (0);
	return (mg_net_contains(want, &c));
}

/*
 * mg_qsel_match - message m is selected by sel at time now (every given
 * criterion matches)
 */
int
mg_qsel_match(const struct mg_qsel *sel, const struct mg_qmsg *m,
    time_t now)
{
	size_t i;
	int any;

	if (sel->sasl != NULL && (m->sasl_username == NULL ||
	    strcmp(m->sasl_username, sel->sasl) != 0))
		return (0);
	if (sel->sender != NULL && (m->sender == NULL ||
	    !sender_matches(sel->sender, m->sender)))
		return (0);
	if (sel->queue != NULL && (m->queue == NULL ||
	    strcmp(m->queue, sel->queue) != 0))
		return (0);
	if (sel->older_than > 0 && (m->arrival <= 0 || now - m->arrival <
	    (time_t)sel->older_than))
		return (0);
	if (sel->has_client && !client_matches(&sel->client,
	    m->client_address))
		return (0);
	if (sel->rcpt_domain != NULL) {
		for (i = 0, any = 0; i < m->nrcpts && !any; i++)
			any = domain_is(m->rcpts[i], sel->rcpt_domain);
		if (!any)
			return (0);
	}
	return (1);
}

/* mg_qsel_describe - the selection as the command line spells it */
void
mg_qsel_describe(const struct mg_qsel *sel, struct mg_str *out)
{
	char net[64];

	if (sel->sasl != NULL)
		mg_str_printf(out, " --sasl %s", sel->sasl);
	if (sel->has_client) {
		mg_net_format(&sel->client, 1, net, sizeof(net));
		mg_str_printf(out, " --client %s", net);
	}
	if (sel->sender != NULL)
		mg_str_printf(out, " --sender %s", sel->sender);
	if (sel->rcpt_domain != NULL)
		mg_str_printf(out, " --rcpt-domain %s", sel->rcpt_domain);
	if (sel->older_than > 0)
		mg_str_printf(out, " --older-than %lus", sel->older_than);
	if (sel->queue != NULL)
		mg_str_printf(out, " --queue %s", sel->queue);
}

/* The hash subdirectories a queue has at most (Postfix hash_queue_depth
 * and Exim split_spool_directory stop well before). */
#define STAMP_DEPTH 4

/* stamp_mix - FNV-1a over n bytes */
static void
stamp_mix(unsigned long long *h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++) {
		*h ^= b[i];
		*h *= 1099511628211ULL;
	}
}

/* stamp_dir - one directory (fd, taken) into *h: its identity and
 * mtime, then its subdirectories' in name order of reading */
static int
stamp_dir(int fd, int depth, unsigned long long *h, struct mg_err *err,
    const char *name)
{
	struct stat st;
	struct dirent *de;
	DIR *d;
	int sfd, rc = 0;

	if (fstat(fd, &st) < 0) {
		(void)close(fd);
		return (mg_err_errno(err, "cannot stat %s", name));
	}
	stamp_mix(h, &st.st_dev, sizeof(st.st_dev));
	stamp_mix(h, &st.st_ino, sizeof(st.st_ino));
	stamp_mix(h, &st.st_mtim.tv_sec, sizeof(st.st_mtim.tv_sec));
	stamp_mix(h, &st.st_mtim.tv_nsec, sizeof(st.st_mtim.tv_nsec));
	stamp_mix(h, &st.st_ctim.tv_sec, sizeof(st.st_ctim.tv_sec));
	stamp_mix(h, &st.st_ctim.tv_nsec, sizeof(st.st_ctim.tv_nsec));
	if (depth >= STAMP_DEPTH) {
		(void)close(fd);
		return (0);
	}
	if ((d = fdopendir(fd)) == NULL) {
		(void)close(fd);
		return (mg_err_errno(err, "cannot read %s", name));
	}
	errno = 0;
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || (de->d_type != DT_DIR &&
		    de->d_type != DT_UNKNOWN))
			continue;
		sfd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		if (sfd < 0)
			continue;	/* a file (DT_UNKNOWN), or gone */
		stamp_mix(h, de->d_name, strlen(de->d_name) + 1);
		rc = stamp_dir(sfd, depth + 1, h, err, de->d_name);
		errno = 0;
	}
	if (rc == 0 && errno != 0)
		rc = mg_err_errno(err, "cannot read %s", name);
	(void)closedir(d);
	return (rc);
}

/*
 * mg_queue_dirs_stamp - a number that changes whenever a file is added
 * to, removed from or renamed in one of the named directories under dir
 * or their subdirectories (each directory's identity and mtime; no file
 * is looked at, so it costs a directory listing, not a scan).  Both MTAs
 * move or replace a queue file by rename, never rewrite it in place
 * while it waits: an unchanged stamp means an unchanged queue.  A name
 * that does not exist counts as empty.  -1 with err if dir or a
 * directory in it cannot be read.
 */
int
mg_queue_dirs_stamp(const char *dir, const char *const *names,
    unsigned long long *stamp, struct mg_err *err)
{
	unsigned long long h = 14695981039346656037ULL;
	int dfd, fd, rc = 0;
	size_t i;

	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return (mg_err_errno(err, "cannot open %s", dir));
	for (i = 0; names[i] != NULL && rc == 0; i++) {
		stamp_mix(&h, names[i], strlen(names[i]) + 1);
		fd = openat(dfd, names[i], O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd < 0) {
			rc = mg_err_errno(err, "cannot open %s/%s", dir,
			    names[i]);
			break;
		}
		rc = stamp_dir(fd, 0, &h, err, names[i]);
	}
	(void)close(dfd);
	if (rc == 0)
		*stamp = h;
	return (rc);
}
