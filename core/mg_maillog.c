/*
 * mg_maillog.c - the clients a mail log shows handing over mail without
 * SASL, and the SASL names that did log in to send: the neutral record
 * and the reader.  What a line of a particular MTA looks like is its
 * backend's (backends/postfix/pf_log.c, backends/exim/exim_log.c); the
 * reader hands each line to the backend's line function, which calls
 * mg_maillog_client and mg_maillog_login.  Whatever the time stamp
 * before the line (syslog's "Nov 22 10:00:01 host", RFC 3339, Exim's
 * own), the line function finds its own shape.
 *
 * Lines with a login are not counted as clients: those hosts do not need
 * to be trusted by address.  The log's rotated predecessor, when left
 * uncompressed, is read first for the logins' history only.  A log is a
 * regular file or nothing: maillog_file = /dev/stdout (Postfix in a
 * container), a FIFO or a terminal is never opened, nor our own output
 * (report --json > FILE).
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mg_maillog.h"
#include "mg_net.h"
#include "mg_str.h"

#define FIRST_TRIES 64	/* lines tried for the log's first time stamp */

/* mg_maillog_init - empty */
void
mg_maillog_init(struct mg_maillog *l)
{
	memset(l, 0, sizeof(*l));
	l->per_minute.unit = 60;
	l->per_hour.unit = 3600;
}

/* mg_maillog_free - release; accepts NULL */
void
mg_maillog_free(struct mg_maillog *l)
{
	if (l == NULL)
		return;
	free(l->path);
	free(l->older);
	free(l->clients);
	for (size_t i = 0; i < l->nlogins; i++)
		free(l->logins[i].name);
	free(l->logins);
	free(l->auths);
	free(l->per_minute.cur);
	free(l->per_hour.cur);
	free(l->qids);
	memset(l, 0, sizeof(*l));
}

/* mg_maillog_find - memmem for a C string needle inside [s, s+n) */
const char *
mg_maillog_find(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);

	if (k > n)
		return (NULL);
	return (memmem(s, n, needle, k));
}

/* host - the address between a and b (no brackets) into net; -1 if it
 * is not one host's address */
static int
host(const char *a, const char *b, struct mg_net *net)
{
	char buf[64];
	size_t len = (size_t)(b - a);

	if (b < a || len == 0 || len >= sizeof(buf))
		return (-1);
	memcpy(buf, a, len);
	buf[len] = '\0';
	if (mg_net_parse(buf, net, NULL) < 0 || net->has_prefix)
		return (-1);
	/* ::ffff:a.b.c.d is the IPv4 client a dual-stack socket saw. */
	if (net->family == 6 && memcmp(net->addr, "\0\0\0\0\0\0\0\0\0\0"
	    "\377\377", 12) == 0) {
		memmove(net->addr, net->addr + 12, 4);
		memset(net->addr + 4, 0, 12);
		net->family = 4;
		net->prefix = 32;
	}
	return (0);
}

/* mg_maillog_client - one message handed over without SASL by the
 * address between a and b (no brackets); ignored if not an address */
void
mg_maillog_client(struct mg_maillog *l, const char *a, const char *b)
{
	struct mg_logclient *c;
	struct mg_net net;

	if (l->reading_older || host(a, b, &net) < 0)
		return;
	/* The same client usually sends the next message too. */
	if (l->nclients > 0 && memcmp(&l->clients[l->nclients - 1].addr,
	    &net, sizeof(net)) == 0) {
		l->clients[l->nclients - 1].msgs++;
		l->accepted++;
		return;
	}
	c = MG_ARRAY_PUSH(l->clients, l->nclients, l->cap);
	c->addr = net;
	c->msgs = 1;
	l->accepted++;
}

/* login_of - the index of the login named between a and b, added if
 * new; -1 if the name is empty, too long, or the names of its kind
 * (failed: first seen in a failed login) are MG_MAILLOG_NAMES_MAX */
static long
login_of(struct mg_maillog *l, const char *a, const char *b, int failed)
{
	struct mg_loglogin *x;
	size_t i, len = (size_t)(b - a);

	if (b < a || len == 0 || len > 256)
		return (-1);
	for (i = l->nlogins; i > 0; i--) {
		x = &l->logins[i - 1];
		if (strlen(x->name) == len && memcmp(x->name, a, len) == 0)
			return ((long)i - 1);
	}
	if (failed ? l->nfailnames >= MG_MAILLOG_NAMES_MAX /
	    (l->reading_older ? MG_MAILLOG_OLDER_SHARE : 1) :
	    l->nlogins - l->nfailnames >= MG_MAILLOG_NAMES_MAX /
	    (l->reading_older ? MG_MAILLOG_OLDER_SHARE : 1))
		return (-1);
	l->nfailnames += failed != 0;
	x = MG_ARRAY_PUSH(l->logins, l->nlogins, l->logins_cap);
	x->name = mg_xstrndup(a, len);
	x->msgs = 0;
	x->failed = 0;
	return ((long)l->nlogins - 1);
}

/* mg_maillog_login - one message submitted after logging in as the name
 * between a and b */
void
mg_maillog_login(struct mg_maillog *l, const char *a, const char *b)
{
	long i;

	if (!l->reading_older && (i = login_of(l, a, b, 0)) >= 0)
		l->logins[i].msgs++;
}

/*
 * mg_maillog_auth - a login as the name between na and nb from the
 * client address between aa and ab at when: a message submitted after it
 * (failed 0: the caller also calls mg_maillog_login), or a failed one
 * (failed 1).  Ignored when the name or address is not one, or when
 * MG_MAILLOG_AUTHS_MAX events of its kind are kept already.
 */
void
mg_maillog_auth(struct mg_maillog *l, const char *na, const char *nb,
    const char *aa, const char *ab, time_t when, int failed)
{
	struct mg_logauth *e;
	struct mg_net net;
	long i;

	if ((failed ? l->nfailauths : l->nauths - l->nfailauths) >=
	    MG_MAILLOG_AUTHS_MAX / (l->reading_older ?
	    MG_MAILLOG_OLDER_SHARE : 1) || host(aa, ab, &net) < 0 ||
	    (i = login_of(l, na, nb, failed)) < 0)
		return;
	if (failed) {
		l->logins[i].failed++;
		l->nfailauths++;
	}
	e = MG_ARRAY_PUSH(l->auths, l->nauths, l->auths_cap);
	e->login = (size_t)i;
	e->failed = failed != 0;
	e->when = when;
	e->addr = net;
}

/* num - n decimal digits at s, or -1 */
static int
num(const char *s, int n)
{
	int v = 0;

	while (n-- > 0) {
		if (*s < '0' || *s > '9')
			return (-1);
		v = v * 10 + (*s++ - '0');
	}
	return (v);
}

/* zone - "Z", "+01:00", "+0100" at s (within n bytes): its offset east
 * of UTC in seconds into *off; 1 if there is one, else 0 */
static int
zone(const char *s, size_t n, long *off)
{
	int h, m, sign;

	if (n >= 1 && *s == 'Z') {
		*off = 0;
		return (1);
	}
	if (n < 5 || (*s != '+' && *s != '-'))
		return (0);
	sign = *s == '-' ? -1 : 1;
	if ((h = num(s + 1, 2)) < 0)
		return (0);
	if (n >= 6 && s[3] == ':')
		m = num(s + 4, 2);
	else
		m = num(s + 3, 2);
	if (m < 0)
		return (0);
	*off = sign * (h * 3600L + m * 60L);
	return (1);
}

/*
 * mg_maillog_time - the time stamp at the start of a log line, 0 if none:
 * syslog's "Nov  2 10:00:01" (Postfix's maillog_file: "Nov 02", as is
 * rsyslog's with fractions ".123456" when so configured),
 * local time of a year it does not say - the one that puts it at most a
 * day after l->now, so December's lines read in January are last year's;
 * RFC 3339 "2026-11-22T10:00:01.123+01:00" (rsyslog, journald's
 * short-iso); Exim's "2026-11-22 10:00:01[.123][ +0100]" (local time
 * unless log_timezone added the zone).
 */
time_t
mg_maillog_time(const struct mg_maillog *l, const char *s, size_t n)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	struct tm tm;
	const char *p, *m;
	time_t now = l->now != 0 ? l->now : time(NULL), t;
	long off = 0;
	int haszone = 0, i;

	memset(&tm, 0, sizeof(tm));
	tm.tm_isdst = -1;
	if (n >= 19 && num(s, 4) >= 1970 && s[4] == '-' && s[7] == '-' &&
	    (s[10] == 'T' || s[10] == ' ') && s[13] == ':' && s[16] == ':') {
		tm.tm_year = num(s, 4) - 1900;
		tm.tm_mon = num(s + 5, 2) - 1;
		tm.tm_mday = num(s + 8, 2);
		p = s + 11;
	} else if (n >= 15 && s[3] == ' ' && s[6] == ' ' && s[9] == ':' &&
	    s[12] == ':' && (m = memmem(months, 36, s, 3)) != NULL &&
	    (m - months) % 3 == 0) {
		struct tm now_tm;

		(void)localtime_r(&now, &now_tm);
		tm.tm_year = now_tm.tm_year;
		tm.tm_mon = (int)(m - months) / 3;
		tm.tm_mday = num(s + 4 + (s[4] == ' '), s[4] == ' ' ? 1 : 2);
		p = s + 7;
	} else
		return (0);
	tm.tm_hour = num(p, 2);
	tm.tm_min = num(p + 3, 2);
	tm.tm_sec = num(p + 6, 2);
	if (tm.tm_mon < 0 || tm.tm_mon > 11 || tm.tm_mday < 1 ||
	    tm.tm_mday > 31 || tm.tm_hour < 0 || tm.tm_hour > 23 ||
	    tm.tm_min < 0 || tm.tm_min > 59 || tm.tm_sec < 0 ||
	    tm.tm_sec > 60)
		return (0);
	p += 8;
	if (p < s + n && *p == '.')
		for (p++; p < s + n && *p >= '0' && *p <= '9'; p++)
			;
	i = p < s + n && *p == ' ';	/* Exim: " +0100" */
	if (p + i < s + n)
		haszone = zone(p + i, (size_t)(s + n - p - i), &off);
	if (haszone) {
		tm.tm_isdst = 0;
		if ((t = timegm(&tm)) == (time_t)-1)
			return (0);
		return (t - off);
	}
	if ((t = mktime(&tm)) == (time_t)-1)
		return (0);
	if (s[4] != '-' && t > now + 86400) {
		tm.tm_year--;
		tm.tm_isdst = -1;
		t = mktime(&tm);
	}
	return (t == (time_t)-1 ? 0 : t);
}

/* digits - the n digits at s as a number; -1 if one is not a digit */
static long
digits(const char *s, size_t n)
{
	long v = 0;

	while (n-- > 0) {
		if (*s < '0' || *s > '9')
			return (-1);
		v = v * 10 + (*s++ - '0');
	}
	return (v);
}

/* days_from_civil - days since 1970-01-01 of a Gregorian date (Howard
 * Hinnant's algorithm) */
static long long
days_from_civil(long y, long m, long d)
{
	long era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return ((long long)era * 146097 + doe - 719468);
}

/* clock_of - "HH:MM:SS" at s as seconds of the day; -1 if not one */
static long
clock_of(const char *s)
{
	long h = digits(s, 2), mi = digits(s + 3, 2), sec = digits(s + 6, 2);

	if (h < 0 || mi < 0 || sec < 0 || s[2] != ':' || s[5] != ':' ||
	    h > 23 || mi > 59 || sec > 60)
		return (-1);
	return (h * 3600 + mi * 60 + sec);
}

/*
 * mg_maillog_stamp - the time stamp a log line starts with, as seconds
 * into *t, and as written into when (size wsz); 0, or -1 if none.  RFC
 * 3339 ("2026-11-23T11:06:01.12+00:00", its local time) and Exim's
 * "2026-11-23 11:06:01" count from 1970; syslog's "Nov 23 11:06:01" has
 * no year and counts from the start of one: the same within one log,
 * and what a rate needs is which minute or hour two lines share.
 */
int
mg_maillog_stamp(const char *s, size_t n, long long *t, char *when,
    size_t wsz)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	const char *mp;
	long y, mo, d, sec;
	size_t len;

	if (n >= 19 && (s[10] == 'T' || s[10] == ' ') && s[4] == '-' &&
	    s[7] == '-' && (y = digits(s, 4)) >= 0 &&
	    (mo = digits(s + 5, 2)) >= 1 && mo <= 12 &&
	    (d = digits(s + 8, 2)) >= 1 && d <= 31 &&
	    (sec = clock_of(s + 11)) >= 0) {
		*t = days_from_civil(y, mo, d) * 86400 + sec;
		len = 19;
	} else if (n >= 15 && s[3] == ' ' &&
	    (mp = memmem(months, sizeof(months) - 1, s, 3)) != NULL &&
	    (mp - months) % 3 == 0 && (s[4] == ' ' || (s[4] >= '0' &&
	    s[4] <= '9')) && s[5] >= '0' && s[5] <= '9' && s[6] == ' ' &&
	    (sec = clock_of(s + 7)) >= 0) {
		d = (s[4] == ' ' ? 0 : s[4] - '0') * 10 + (s[5] - '0');
		*t = ((long long)((mp - months) / 3) * 31 + d) * 86400 + sec;
		len = 15;
	} else
		return (-1);
	if (wsz > 0) {
		if (len >= wsz)
			len = wsz - 1;
		memcpy(when, s, len);
		when[len] = '\0';
	}
	return (0);
}

/* rate_count - msgs and rcpts by who at time t into r; a new unit
 * starts the senders' counts again; the peaks remember the most */
static void
rate_count(struct mg_lograte *r, long long t, const char *when,
    unsigned long line, const char *who, unsigned long msgs,
    unsigned long rcpts)
{
	struct mg_logcount *c = NULL;
	long long bucket = t / (long long)r->unit;
	size_t i;

	if (!r->started || bucket != r->bucket) {
		r->started = 1;
		r->bucket = bucket;
		r->ncur = 0;
	}
	for (i = r->ncur; i > 0; i--)
		if (strcmp(r->cur[i - 1].who, who) == 0) {
			c = &r->cur[i - 1];
			break;
		}
	if (c == NULL) {
		if (r->ncur >= MG_MAILLOG_SENDERS_MAX)
			return;
		c = MG_ARRAY_PUSH(r->cur, r->ncur, r->cap);
		memset(c, 0, sizeof(*c));
		(void)snprintf(c->who, sizeof(c->who), "%s", who);
	}
	c->msgs += msgs;
	c->rcpts += rcpts;
	r->events += msgs;
	if (msgs > 0 && c->msgs > r->msgs.n) {
		r->msgs.n = c->msgs;
		(void)snprintf(r->msgs.who, sizeof(r->msgs.who), "%s", who);
		(void)snprintf(r->msgs.when, sizeof(r->msgs.when), "%s", when);
		r->msgs.line = line;
	}
	if (rcpts > 0 && c->rcpts > r->rcpts.n) {
		r->rcpts.n = c->rcpts;
		(void)snprintf(r->rcpts.who, sizeof(r->rcpts.who), "%s", who);
		(void)snprintf(r->rcpts.when, sizeof(r->rcpts.when), "%s",
		    when);
		r->rcpts.line = line;
	}
}

/*
 * mg_maillog_sent - the line [s, s+n) says who (wlen bytes) handed over
 * msgs messages with rcpts recipients: counted per minute and per hour
 * of the line's time stamp; a line without one is not counted
 */
void
mg_maillog_sent(struct mg_maillog *l, const char *s, size_t n,
    const char *who, size_t wlen, unsigned long msgs, unsigned long rcpts)
{
	char name[64], when[32];
	long long t;

	size_t i;

	if (l->reading_older || wlen == 0 || wlen >= sizeof(name) ||
	    mg_maillog_stamp(s, n, &t, when, sizeof(when)) < 0)
		return;
	/* an address or a login has no blank, control or NUL byte */
	for (i = 0; i < wlen; i++)
		if ((unsigned char)who[i] <= ' ' || who[i] == 0x7f)
			return;
	memcpy(name, who, wlen);
	name[wlen] = '\0';
	/* a log zeroed rather than initialized counts in the same units */
	if (l->per_minute.unit == 0)
		l->per_minute.unit = 60;
	if (l->per_hour.unit == 0)
		l->per_hour.unit = 3600;
	rate_count(&l->per_minute, t, when, l->lines, name, msgs, rcpts);
	rate_count(&l->per_hour, t, when, l->lines, name, msgs, rcpts);
}

/* mg_maillog_qid - remember that queue ID qid (qlen bytes) came from who */
void
mg_maillog_qid(struct mg_maillog *l, const char *qid, size_t qlen,
    const char *who, size_t wlen)
{
	struct mg_logqid *q;

	if (l->reading_older || qlen == 0 || qlen >= sizeof(q->qid) ||
	    wlen == 0 ||
	    wlen >= sizeof(q->who))
		return;
	if (l->qids == NULL)
		l->qids = mg_xcalloc(MG_MAILLOG_QIDS, sizeof(*l->qids));
	q = &l->qids[l->nqid++ % MG_MAILLOG_QIDS];
	memcpy(q->qid, qid, qlen);
	q->qid[qlen] = '\0';
	memcpy(q->who, who, wlen);
	q->who[wlen] = '\0';
}

/* mg_maillog_qid_take - who queue ID qid came from, into who (size wsz),
 * forgotten then (qmgr logs a deferred message again each time it
 * returns to the active queue); -1 if not remembered */
int
mg_maillog_qid_take(struct mg_maillog *l, const char *qid, size_t qlen,
    char *who, size_t wsz)
{
	struct mg_logqid *q;
	size_t i;

	if (l->reading_older || l->qids == NULL || qlen == 0 ||
	    qlen >= sizeof(q->qid))
		return (-1);
	for (i = 0; i < MG_MAILLOG_QIDS; i++) {
		q = &l->qids[i];
		if (strlen(q->qid) != qlen || memcmp(q->qid, qid, qlen) != 0)
			continue;
		(void)snprintf(who, wsz, "%s", q->who);
		q->qid[0] = '\0';
		return (0);
	}
	return (-1);
}

/* mg_maillog_logins - messages the log shows submitted after logging in
 * as name (0 if none, or no log) */
unsigned long
mg_maillog_logins(const struct mg_maillog *l, const char *name)
{
	size_t i;

	if (l == NULL)
		return (0);
	for (i = 0; i < l->nlogins; i++)
		if (strcmp(l->logins[i].name, name) == 0)
			return (l->logins[i].msgs);
	return (0);
}

/* mg_maillog_line - one log line (no newline needed) through the
 * backend's line function fn, which gets arg; the first stamped line's
 * time is the log's first */
void
mg_maillog_line(struct mg_maillog *l, mg_maillog_line_fn *fn,
    const void *arg, const char *s, size_t n)
{
	if (!l->reading_older)
		l->lines++;
	/* how far back the log goes: its first stamped line (a log of
	 * unstamped lines is not tried past the first few) */
	if (l->first == 0 && l->first_tries < FIRST_TRIES) {
		l->first_tries++;
		l->first = mg_maillog_time(l, s, n);
	}
	fn(l, s, n, arg);
}

/* cmp_client - by family, then address bytes */
static int
cmp_client(const void *x, const void *y)
{
	const struct mg_logclient *a = x, *b = y;

	if (a->addr.family != b->addr.family)
		return (a->addr.family < b->addr.family ? -1 : 1);
	return (memcmp(a->addr.addr, b->addr.addr, sizeof(a->addr.addr)));
}

/* mg_maillog_finish - sort the clients and merge repeats */
void
mg_maillog_finish(struct mg_maillog *l)
{
	size_t i, k;

	if (l->nclients == 0)
		return;
	qsort(l->clients, l->nclients, sizeof(*l->clients), cmp_client);
	for (i = 1, k = 0; i < l->nclients; i++) {
		if (cmp_client(&l->clients[k], &l->clients[i]) == 0)
			l->clients[k].msgs += l->clients[i].msgs;
		else
			l->clients[++k] = l->clients[i];
	}
	l->nclients = k + 1;
}

/* kind_of - what a file that is not a regular one is, for the reason */
static const char *
kind_of(mode_t mode)
{
	if (S_ISFIFO(mode))
		return ("a FIFO or pipe");
	if (S_ISCHR(mode))
		return ("a character device");
	if (S_ISBLK(mode))
		return ("a block device");
	if (S_ISSOCK(mode))
		return ("a socket");
	if (S_ISDIR(mode))
		return ("a directory");
	return ("not a file");
}

/* own_stream - 1 if st is this program's standard input, output or
 * error: "/dev/stdout" names whatever "report --json > out.json" writes */
static int
own_stream(const struct stat *st)
{
	struct stat o;
	int fd;

	for (fd = 0; fd <= 2; fd++)
		if (fstat(fd, &o) == 0 && o.st_dev == st->st_dev &&
		    o.st_ino == st->st_ino)
			return (1);
	return (0);
}

/*
 * mg_maillog_open - path opened for reading if it is a regular file, and
 * not this program's own standard input, output or error; else -1 with
 * "PATH: not a regular file (WHAT...)".  A symbolic link to a
 * regular file is followed (logrotate setups use them; reading is all we
 * do).  The type is judged by stat before the open, so a FIFO, a pipe or a
 * terminal (maillog_file = /dev/stdout, Postfix's container setting) is
 * never opened: opening a FIFO blocks until a writer comes.  The open is
 * O_NONBLOCK all the same, and fstat must find the file stat saw.
 */
int
mg_maillog_open(const char *path, struct stat *st, struct mg_err *err)
{
	struct stat was;
	int fd;

	if (stat(path, &was) < 0)
		return (mg_err_errno(err, "%s", path));
	if (!S_ISREG(was.st_mode))
		return (mg_err_set(err, "%s: not a regular file (%s; a "
		    "mail log is read only from a file: name one with "
		    "--maillog FILE)", path, kind_of(was.st_mode)));
	if (own_stream(&was))
		return (mg_err_set(err, "%s: this program's own standard "
		    "input or output, not a mail log", path));
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return (mg_err_errno(err, "%s", path));
	if (fstat(fd, st) < 0 || st->st_dev != was.st_dev ||
	    st->st_ino != was.st_ino || !S_ISREG(st->st_mode)) {
		(void)close(fd);
		return (mg_err_set(err, "%s: not read: it changed while it "
		    "was opened", path));
	}
	return (fd);
}

/* read_lines - the last max bytes of the open fp (size bytes) line by
 * line through fn; 1 if only a tail was read, -1 if it cannot be read.
 * A partial first line of the tail is skipped. */
static int
read_lines(struct mg_maillog *l, mg_maillog_line_fn *fn, const void *arg,
    FILE *fp, off_t size, size_t max)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	int tail = 0;

	if ((unsigned long long)size > max) {
		tail = 1;
		if (fseeko(fp, size - (off_t)max, SEEK_SET) < 0 ||
		    getline(&line, &cap, fp) < 0) {
			free(line);
			return (-1);
		}
	}
	while ((len = getline(&line, &cap, fp)) > 0)
		mg_maillog_line(l, fn, arg, line, (size_t)len);
	free(line);
	return (tail);
}

/* dated - the newest "PATH-YYYYMMDD" beside path (logrotate's dateext,
 * the RHEL and Fedora default, which leaves it uncompressed: maillog-
 * 20261206) into buf; 0 if none */
static int
dated(const char *path, char *buf, size_t size)
{
	const char *slash = strrchr(path, '/'), *base;
	char dir[4096], best[64] = "";
	struct dirent *e;
	size_t blen, k;
	DIR *d;

	base = slash != NULL ? slash + 1 : path;
	blen = strlen(base);
	if (slash == NULL)
		(void)snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		(void)snprintf(dir, sizeof(dir), "/");
	else if (snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path),
	    path) >= (int)sizeof(dir))
		return (0);
	if (blen == 0 || (d = opendir(dir)) == NULL)
		return (0);
	while ((e = readdir(d)) != NULL) {
		if (strncmp(e->d_name, base, blen) != 0 ||
		    e->d_name[blen] != '-' || strlen(e->d_name + blen) != 9)
			continue;
		for (k = blen + 1; e->d_name[k] >= '0' && e->d_name[k] <= '9';
		    k++)
			;
		/* YYYYMMDD sorts as text */
		if (e->d_name[k] == '\0' && strcmp(e->d_name + blen + 1,
		    best) > 0)
			(void)snprintf(best, sizeof(best), "%s",
			    e->d_name + blen + 1);
	}
	(void)closedir(d);
	return (best[0] != '\0' && snprintf(buf, size, "%s-%s", path, best) <
	    (int)size);
}

/*
 * read_older - the rotated predecessor of path (st: the current log's
 * stat), read before it for the logins' history only: what logrotate's
 * delaycompress leaves uncompressed ("PATH.1", Debian's mail.log.1 and
 * exim4/mainlog.1), exicyclog ("PATH.01") or logrotate's dateext, the
 * newest "PATH-YYYYMMDD" (RHEL's maillog-20261206); compressed ones are
 * not read.  A shared account's usual addresses are last week's too, and a
 * rotation an hour ago would otherwise leave no history.  Quietly
 * nothing if there is none or it cannot be read.
 */
static void
read_older(struct mg_maillog *l, mg_maillog_line_fn *fn, const void *arg,
    const char *path, const struct stat *st, size_t max)
{
	static const char *const suffix[] = { ".1", ".01", "-", NULL };
	struct stat ost;
	struct mg_err err;
	char buf[4096];
	FILE *fp;
	size_t i;
	int fd, n;

	for (i = 0; suffix[i] != NULL; i++) {
		if (strcmp(suffix[i], "-") == 0)
			n = dated(path, buf, sizeof(buf)) ? 0 : -1;
		else
			n = snprintf(buf, sizeof(buf), "%s%s", path,
			    suffix[i]);
		if (n < 0 || (size_t)n >= sizeof(buf) ||
		    access(buf, F_OK) < 0 ||
		    (fd = mg_maillog_open(buf, &ost, &err)) < 0)
			continue;
		if (ost.st_dev == st->st_dev && ost.st_ino == st->st_ino) {
			(void)close(fd);	/* the current log itself */
			continue;
		}
		if ((fp = fdopen(fd, "r")) == NULL) {
			(void)close(fd);
			return;
		}
		l->reading_older = 1;
		if (read_lines(l, fn, arg, fp, ost.st_size, max) >= 0) {
			free(l->older);
			l->older = mg_xstrdup(buf);
		}
		l->reading_older = 0;
		(void)fclose(fp);
		return;
	}
}

/*
 * mg_maillog_read - the last max bytes of path (0: MG_MAILLOG_TAIL), line
 * by line through fn (the backend's, given arg); -1 with a reason if it
 * cannot be opened or is not a regular file (mg_maillog_open).  A
 * partial first line of the tail is skipped.  Its rotated predecessor
 * is read first for the logins' history only (read_older).
 */
int
mg_maillog_read(struct mg_maillog *l, mg_maillog_line_fn *fn,
    const void *arg, const char *path, size_t max, struct mg_err *err)
{
	struct stat st;
	FILE *fp;
	int fd, rc;

	if (max == 0)
		max = MG_MAILLOG_TAIL;
	if ((fd = mg_maillog_open(path, &st, err)) < 0)
		return (-1);
	if ((fp = fdopen(fd, "r")) == NULL) {
		(void)close(fd);
		return (mg_err_errno(err, "%s", path));
	}
	free(l->path);
	l->path = mg_xstrdup(path);
	read_older(l, fn, arg, path, &st, max);
	if ((rc = read_lines(l, fn, arg, fp, st.st_size, max)) < 0) {
		(void)fclose(fp);
		return (mg_err_errno(err, "%s", path));
	}
	l->truncated = rc;
	(void)fclose(fp);
	mg_maillog_finish(l);
	return (0);
}

/*
 * mg_maillog_within - the clients inside net: their number; the first max
 * of them (in address order) into out
 */
size_t
mg_maillog_within(const struct mg_maillog *l, const struct mg_net *net,
    const struct mg_logclient **out, size_t max)
{
	size_t i, n = 0;

	if (l == NULL)
		return (0);
	for (i = 0; i < l->nclients; i++) {
		if (!mg_net_contains(net, &l->clients[i].addr))
			continue;
		if (n < max)
			out[n] = &l->clients[i];
		n++;
	}
	return (n);
}
