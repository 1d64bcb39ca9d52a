/*
 * exim_queue.c - the Exim queue read directly from the spool: every -H
 * file of input/ (and its one-character subdirectories when
 * split_spool_directory is set) parsed as Exim's spool_in.c reads it -
 * the file's own name, originator, <sender>, received time, the "-name
 * value" lines ("--" marks a tainted value since 4.94), the tree of
 * recipients already delivered, the recipient list with its trailing
 * errors_to/DSN data, then the headers, whose lengths give the size
 * exim -bp prints.  A -J journal (delivery attempt cut short) names more
 * delivered recipients.  Files that vanish (delivered meanwhile) or are
 * not spool files are counted, never fatal.  This thread lists the
 * directories (getdents64, a buffer of names at once; a table of IDs
 * matches each -H with its -D and -J, in whatever order the directory
 * gives them) and hands the -H files over in
 * blocks; a second thread reads them while the listing goes on, then
 * both do.  Each -H is open, one read into a reused buffer, close; the
 * -D is stat'd only when the caller wants the size exim -bp prints.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../core/mg_exec.h"
#include "../../core/mg_lines.h"
#include "../../core/mg_num.h"
#include "../../core/mg_str.h"
#include "exim_queue.h"

#define ID_MIN 16		/* 4.96: tttttt-pppppp-ss */
#define ID_MAX 32		/* 4.97: tttttt-ppppppppppp-ssss, and room */
#define ACL_VAR_MAX (1u << 20)	/* an ACL variable's value */
#define PROGRESS_EVERY 256
#define DONE_EVERY 16		/* files read between counts (divides BLOCK) */
#define SPLIT_DEPTH 1
#define SPLIT_DIRS_MAX 80	/* input/ and its 62 split directories */
#define SLURP_MIN 16384		/* most -H files fit in one read */
#define THREAD_MIN 1024		/* -H files worth a second thread */
#define BLOCK 256		/* -H files a reading thread takes at once */
#define DENTS_BUF 65536		/* bytes of directory entries at once */
#define ENT_MIN 24		/* the smallest struct dirent64 */

/* One spool line at a time out of a -H file held in memory. */
struct hsrc {
	const char *p, *end;
};

/* What a parse reuses from file to file. */
struct scratch {
	struct mg_str buf;		/* the -H file */
	struct mg_str jbuf;		/* a -J file */
	const char **done;		/* delivered recipients */
	size_t ndone, done_cap;
	const char **rcpts;
	size_t nrcpts, rcpts_cap;
};

/* next_line - the next line without its newline; 0 at the end or when
 * the file ends inside a line (Exim's fgets would fail there too) */
static int
next_line(struct hsrc *s, const char **line, size_t *len)
{
	const char *nl;

	if (s->p >= s->end)
		return (0);
	if ((nl = memchr(s->p, '\n', (size_t)(s->end - s->p))) == NULL)
		return (0);
	*line = s->p;
	*len = (size_t)(nl - s->p);
	s->p = nl + 1;
	return (1);
}

/* has_nul - a NUL byte inside a line: a crash left zeroes, not a file */
static int
has_nul(const char *line, size_t len)
{
	return (memchr(line, '\0', len) != NULL);
}

/* keep - a line's text into the queue's arena (once however many
 * messages share it) */
static const char *
keep(struct mg_queue *q, const char *p, size_t n)
{
	return (mg_queue_intern(q, p, n));
}

/* is_opt - var (len bytes) is "name" or "name value"; *val the value */
static int
is_opt(const char *var, size_t len, const char *name, const char **val,
    size_t *vlen)
{
	size_t n = strlen(name);

	if (len < n || memcmp(var, name, n) != 0)
		return (0);
	if (len == n) {
		*val = var + n;
		*vlen = 0;
		return (1);
	}
	if (var[n] != ' ')
		return (0);
	*val = var + n + 1;
	*vlen = len - n - 1;
	return (1);
}

/* count_dots - how many '.' in p[0..n) */
static size_t
count_dots(const char *p, size_t n)
{
	size_t i, c = 0;

	for (i = 0; i < n; i++)
		c += p[i] == '.';
	return (c);
}

/*
 * host_address - the client address without its port: "[ADDR]:PORT"
 * (4.95 and later) or "ADDR.PORT" (older; an IPv4 address then has four
 * dots, an IPv6 one a dot in its last group unless that group is an
 * embedded IPv4 address of exactly three).
 */
static const char *
host_address(struct mg_queue *q, const char *v, size_t n)
{
	const char *close, *colon, *last;
	size_t dots;

	if (n > 0 && v[0] == '[' && (close = memchr(v, ']', n)) != NULL)
		return (keep(q, v + 1, (size_t)(close - v - 1)));
	colon = NULL;
	for (last = v; last < v + n; last++)
		if (*last == ':')
			colon = last;
	last = colon != NULL ? colon + 1 : v;
	dots = count_dots(last, (size_t)(v + n - last));
	if ((colon == NULL && dots == 4) || (colon != NULL && (dots == 1 ||
	    dots == 4)))
		while (n > 0 && v[n - 1] != '.')
			n--;
	if (n > 0 && v[n - 1] == '.')
		n--;
	return (keep(q, v, n));
}

/* acl_skip - "-aclc NAME LEN" / "-aclm NAME LEN" / "-acl N LEN": the
 * value (LEN bytes and a newline) follows on the next line(s) */
static int
acl_skip(struct hsrc *s, const char *var, size_t len, struct mg_err *err)
{
	const char *sp;
	char tok[24];
	unsigned long v;
	struct mg_err e;
	size_t n;

	for (sp = var + len; sp > var && sp[-1] != ' ';)
		sp--;
	n = (size_t)(var + len - sp);
	if (sp == var || n == 0 || n >= sizeof(tok))
		return (mg_err_set(err, "malformed ACL variable line"));
	memcpy(tok, sp, n);
	tok[n] = '\0';
	if (mg_parse_ulong(tok, 0, ACL_VAR_MAX, &v, &e) < 0)
		return (mg_err_set(err, "ACL variable length \"%s\": %s", tok,
		    e.msg));
	if (v + 1 > (unsigned long)(s->end - s->p))
		return (mg_err_set(err, "ACL variable of %lu bytes runs past "
		    "the end of the file", v));
	s->p += v + 1;
	return (0);
}

/* option - one "-name value" line; unknown names are ignored, as Exim
 * ignores them (newer versions add flags) */
static int
option(struct hsrc *s, struct mg_queue *q, struct mg_qmsg *m,
    const char **pubname, const char *line, size_t len, struct mg_err *err)
{
	const char *var = line + 1, *v;
	size_t vlen;

	if (len > 1 && line[1] == '-')
		var++;			/* tainted value */
	len -= (size_t)(var - line);
	if (len == 0 || (var[0] != 'a' && var[0] != 'h' && var[0] != 'f'))
		return (0);		/* none of those below */
	if (is_opt(var, len, "aclc", &v, &vlen) ||
	    is_opt(var, len, "aclm", &v, &vlen) ||
	    is_opt(var, len, "acl", &v, &vlen))
		return (acl_skip(s, var, len, err));
	if (is_opt(var, len, "auth_id", &v, &vlen))
		m->sasl_username = keep(q, v, vlen);
	else if (is_opt(var, len, "host_auth_pubname", &v, &vlen))
		*pubname = keep(q, v, vlen);
	else if (is_opt(var, len, "host_auth", &v, &vlen))
		m->sasl_method = keep(q, v, vlen);
	else if (is_opt(var, len, "host_address", &v, &vlen))
		m->client_address = host_address(q, v, vlen);
	else if (is_opt(var, len, "host_name", &v, &vlen))
		m->client_name = keep(q, v, vlen);
	else if (is_opt(var, len, "helo_name", &v, &vlen))
		m->helo_name = keep(q, v, vlen);
	else if (is_opt(var, len, "frozen", &v, &vlen))
		m->queue = MG_EXIM_FROZEN;
	return (0);
}

/* nonrecipients - the tree of delivered addresses, written in preorder
 * as "LR address" lines where L and R say whether a left and a right
 * subtree follow (spool_out.c write_tree); "XX" is the empty tree */
static int
nonrecipients(struct hsrc *s, struct mg_queue *q, struct scratch *sc,
    const char *line, size_t len, struct mg_err *err)
{
	size_t pending = 1, nodes = 0;
	const char **slot;

	if (len == 2 && memcmp(line, "XX", 2) == 0)
		return (0);
	for (;;) {
		if (len < 3 || (line[0] != 'Y' && line[0] != 'N') ||
		    (line[1] != 'Y' && line[1] != 'N') || line[2] != ' ')
			return (mg_err_set(err, "malformed delivered-"
			    "recipients line \"%.*s\"", (int)(len < 40 ? len :
			    40), line));
		slot = MG_ARRAY_PUSH(sc->done, sc->ndone, sc->done_cap);
		*slot = keep(q, line + 3, len - 3);
		pending += (line[0] == 'Y') + (line[1] == 'Y');
		if (--pending == 0)
			return (0);
		if (++nodes > 4 * MG_EXIM_RCPTS_MAX)
			return (mg_err_set(err, "delivered-recipients tree "
			    "too large"));
		if (!next_line(s, &line, &len))
			return (mg_err_set(err, "file ends inside the "
			    "delivered-recipients tree"));
	}
}

/* back_digits - step back over digits, commas and minus signs */
static const char *
back_digits(const char *start, const char *p)
{
	while (p > start && ((p[-1] >= '0' && p[-1] <= '9') || p[-1] == ',' ||
	    p[-1] == '-'))
		p--;
	return (p);
}

/* field_len - the first number of "LEN,X" at p, bounded */
static long
field_len(const char *p, const char *end)
{
	long v = 0;

	for (; p < end && *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (*p - '0');
		if (v > MG_EXIM_HFILE_MAX)
			return (-1);
	}
	return (v);
}

/* strip_field - end points just past " TEXT LEN,N": the end of what
 * precedes that field, or NULL if it does not add up */
static const char *
strip_field(const char *line, const char *end)
{
	const char *d = back_digits(line, end);
	long n;

	if (d == end || (n = field_len(d, end)) < 0 || d - line < n + 2 ||
	    d[-1] != ' ' || d[-n - 2] != ' ')
		return (NULL);
	return (d - n - 2);
}

/*
 * rcpt_address - the address part of a recipient line (spool_in.c):
 * "ADDR", "ADDR D,D,D" (Exim 3), "ADDR D" (early Exim 4) or, read from
 * the right, "ADDR[ ORCPT LEN,DSN][ ERRORS_TO LEN,PNO]#FLAGS" where flag
 * 1 says errors_to data is present and flag 2 DSN data.  Returns the
 * address length, or -1 if the trailing data does not add up.
 */
static long
rcpt_address(const char *line, size_t len)
{
	const char *end = line + len, *p = end, *d;
	long flags;

	while (p > line && p[-1] >= '0' && p[-1] <= '9')
		p--;
	if (p == end || p == line)
		return ((long)len);	/* no trailing data */
	if (p[-1] == ',') {
		d = back_digits(line, p);
		return (d > line && d[-1] == ' ' ? (long)(d - 1 - line) :
		    (long)len);
	}
	if (p[-1] == ' ')
		return ((long)(p - 1 - line));
	if (p[-1] != '#')
		return ((long)len);
	flags = field_len(p, end);
	p--;				/* at '#' */
	if ((flags & 1) && (p = strip_field(line, p)) == NULL)
		return (-1);
	if ((flags & 2) && (p = strip_field(line, p)) == NULL)
		return (-1);
	return ((long)(p - line));
}

/* delivered - addr is among the delivered recipients */
static int
delivered(const struct scratch *sc, const char *addr, size_t n)
{
	size_t i;

	for (i = 0; i < sc->ndone; i++)
		if (strncmp(sc->done[i], addr, n) == 0 &&
		    sc->done[i][n] == '\0')
			return (1);
	return (0);
}

/* headers - the header section: "NNNc text" entries, NNN bytes each
 * (newlines included); flag '*' marks one not transmitted.  Returns the
 * transmitted size, or -1 with err. */
static long long
headers(struct hsrc *s, struct mg_err *err)
{
	long long total = 0;
	long n;
	const char *p = s->p;
	char flag;

	while (p < s->end) {
		if (*p < '0' || *p > '9')
			return (mg_err_set(err, "malformed header entry at "
			    "byte %ld", (long)(p - s->p)));
		for (n = 0; p < s->end && *p >= '0' && *p <= '9'; p++) {
			n = n * 10 + (*p - '0');
			if (n > MG_EXIM_HFILE_MAX)
				return (mg_err_set(err, "header of more "
				    "than %u bytes", MG_EXIM_HFILE_MAX));
		}
		if (s->end - p < 2 || p[1] != ' ')
			return (mg_err_set(err, "malformed header entry"));
		flag = *p;
		p += 2;
		if (n > s->end - p)
			return (mg_err_set(err, "header of %ld bytes runs "
			    "past the end of the file (truncated)", n));
		if (memchr(p, '\0', (size_t)n) != NULL)
			return (mg_err_set(err, "NUL byte in a header"));
		if (flag != '*')
			total += n;
		p += n;
	}
	return (total);
}

/* first_lines - the four fixed lines: name, originator, <sender>,
 * "time warnings" */
static int
first_lines(struct hsrc *s, struct mg_queue *q, struct mg_qmsg *m,
    const char *name, struct mg_err *err)
{
	const char *line, *p;
	size_t len;
	unsigned long long t = 0;

	if (!next_line(s, &line, &len) || len != strlen(name) ||
	    memcmp(line, name, len) != 0)
		return (mg_err_set(err, "first line is not the file's name "
		    "(not an Exim -H file)"));
	if (!next_line(s, &line, &len) || len < 5 || has_nul(line, len) ||
	    line[len - 1] < '0' || line[len - 1] > '9')
		return (mg_err_set(err, "malformed originator line"));
	if (!next_line(s, &line, &len) || len < 2 || line[0] != '<' ||
	    line[len - 1] != '>' || has_nul(line, len))
		return (mg_err_set(err, "malformed sender line"));
	m->sender = keep(q, line + 1, len - 2);
	if (!next_line(s, &line, &len) || len == 0)
		return (mg_err_set(err, "no received-time line"));
	for (p = line; p < line + len && *p >= '0' && *p <= '9'; p++)
		if ((t = t * 10 + (unsigned long long)(*p - '0')) > (1ULL <<
		    40))
			break;
	if (p == line || p == line + len || *p != ' ')
		return (mg_err_set(err, "malformed received-time line"));
	m->arrival = (time_t)t;
	return (0);
}

/*
 * parse - the envelope of one -H file into m and sc->rcpts (undelivered
 * recipients); the header lengths into *hsize.
 */
static int
parse(struct hsrc *s, struct mg_queue *q, struct scratch *sc,
    struct mg_qmsg *m, const char *name, long long *hsize,
    struct mg_err *err)
{
	const char *line, *pubname = NULL, **slot;
	size_t len, i;
	unsigned long count;
	struct mg_err e;
	char tok[16];
	long alen;

	sc->ndone = sc->nrcpts = 0;
	m->queue = MG_EXIM_QUEUED;
	if (first_lines(s, q, m, name, err) < 0)
		return (-1);
	for (;;) {
		if (!next_line(s, &line, &len))
			return (mg_err_set(err, "file ends among the options "
			    "(truncated)"));
		if (has_nul(line, len))
			return (mg_err_set(err, "NUL byte in the envelope"));
		if (len == 0 || line[0] != '-')
			break;
		if (option(s, q, m, &pubname, line, len, err) < 0)
			return (-1);
	}
	if (pubname != NULL)
		m->sasl_method = pubname;
	if (nonrecipients(s, q, sc, line, len, err) < 0)
		return (-1);
	if (!next_line(s, &line, &len) || len == 0 || len >= sizeof(tok))
		return (mg_err_set(err, "no recipient count line"));
	memcpy(tok, line, len);
	tok[len] = '\0';
	if (mg_parse_ulong(tok, 0, MG_EXIM_RCPTS_MAX, &count, &e) < 0)
		return (mg_err_set(err, "recipient count \"%s\": %s", tok,
		    e.msg));
	for (i = 0; i < count; i++) {
		if (!next_line(s, &line, &len) || len == 0 ||
		    has_nul(line, len))
			return (mg_err_set(err, "recipient %zu of %lu missing "
			    "or empty", i + 1, count));
		if ((alen = rcpt_address(line, len)) <= 0)
			return (mg_err_set(err, "malformed recipient line "
			    "\"%.*s\"", (int)(len < 60 ? len : 60), line));
		if (delivered(sc, line, (size_t)alen))
			continue;
		slot = MG_ARRAY_PUSH(sc->rcpts, sc->nrcpts, sc->rcpts_cap);
		*slot = keep(q, line, (size_t)alen);
	}
	if (!next_line(s, &line, &len) || len != 0)
		return (mg_err_set(err, "no blank line before the headers"));
	if ((*hsize = headers(s, err)) < 0)
		return (-1);
	return (0);
}

/* journal - a -J file (text, len bytes): addresses delivered in an
 * attempt cut short, one per line; they leave the undelivered list
 * rcpts (*n of them) */
static void
journal(const char *text, size_t tlen, const char **rcpts, size_t *n)
{
	struct hsrc s;
	const char *line;
	size_t len, i, j;

	s.p = text;
	s.end = text + tlen;
	while (next_line(&s, &line, &len)) {
		for (i = j = 0; i < *n; i++)
			if (strlen(rcpts[i]) != len ||
			    memcmp(rcpts[i], line, len) != 0)
				rcpts[j++] = rcpts[i];
		*n = j;
	}
}

/* scratch_free - what parse reused */
static void
scratch_free(struct scratch *sc)
{
	mg_str_free(&sc->buf);
	mg_str_free(&sc->jbuf);
	free(sc->done);
	free(sc->rcpts);
	memset(sc, 0, sizeof(*sc));
}

/* message_size - what exim -bp prints: headers sent, plus the -D file
 * without its first line (ID-D and a newline), plus one */
static unsigned long long
message_size(long long hsize, long long dsize, size_t idlen)
{
	if (dsize < 0)
		return ((unsigned long long)hsize);
	if ((unsigned long long)dsize < idlen + 3)
		dsize = (long long)(idlen + 3);
	return ((unsigned long long)(hsize + dsize - (long long)idlen - 3 +
	    1));
}

/*
 * mg_exim_queue_parse - one -H file held in memory (tests, fuzzing):
 * name is its file name ("ID-H"), dsize the size of its -D file (-1 if
 * unknown).  0 and a message appended to q, or -1 with err.
 */
int
mg_exim_queue_parse(const char *data, size_t len, const char *name,
    long long dsize, struct mg_queue *q, struct mg_err *err)
{
	struct scratch sc;
	struct mg_qmsg m;
	struct hsrc s;
	long long hsize = 0;
	size_t nlen = strlen(name);
	int rc;

	if (nlen < 3 || strcmp(name + nlen - 2, "-H") != 0)
		return (mg_err_set(err, "%s: not a -H file name", name));
	memset(&sc, 0, sizeof(sc));
	memset(&m, 0, sizeof(m));
	s.p = data;
	s.end = data + len;
	rc = parse(&s, q, &sc, &m, name, &hsize, err);
	if (rc == 0) {
		m.size = message_size(hsize, dsize, nlen - 2);
		(void)mg_queue_add_copy(q, &m, name, nlen - 2, sc.rcpts,
		    sc.nrcpts);
	}
	scratch_free(&sc);
	return (rc);
}

/*
 * slurp - read the whole of NAME in dirfd into buf (reused from file to
 * file): open, read, close and nothing more.  A read that does not fill
 * the room left is the end of a regular file; a FIFO, a directory or a
 * device (O_NONBLOCK: never waits) reads short, fails or is cut at
 * MG_EXIM_HFILE_MAX, then fails the parse.  ENOENT is 1.
 */
static int
slurp(int dirfd, const char *name, struct mg_str *buf, struct mg_err *err)
{
	ssize_t r;
	size_t room;
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK);
	if (fd < 0)
		return (errno == ENOENT ? 1 : mg_err_errno(err, "cannot open"));
	mg_str_reset(buf);
	if (buf->cap < SLURP_MIN)
		mg_array_grow((void **)&buf->data, &buf->cap, SLURP_MIN, 1);
	for (;;) {
		room = buf->cap - buf->len - 1;
		r = read(fd, buf->data + buf->len, room);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			(void)close(fd);
			return (mg_err_errno(err, "read error"));
		}
		buf->len += (size_t)r;
		if ((size_t)r < room)
			break;
		if (buf->len >= MG_EXIM_HFILE_MAX) {
			(void)close(fd);
			return (mg_err_set(err, "larger than any spool file "
			    "Exim writes (over %u bytes)", MG_EXIM_HFILE_MAX));
		}
		mg_array_grow((void **)&buf->data, &buf->cap, buf->cap * 2, 1);
	}
	buf->data[buf->len] = '\0';
	(void)close(fd);
	return (0);
}

/* One -H file listed: its name, its directory (an index of ls->dirs),
 * whether a -D and a -J are beside it (known once the listing is over:
 * the listing may give them after it). */
struct hfile {
	char name[ID_MAX + 3];
	unsigned short dir;
	unsigned char data;
	unsigned char journal;
};

/* BLOCK -H files of the listing, handed to a reading thread at once. */
struct hblock {
	struct hfile f[BLOCK];
	size_t n;
};

/* The messages a thread read from one block: its queue's msgs[from, to). */
struct run {
	size_t block;
	size_t from, to;
};

/* What one reading thread carries. */
struct walk {
	struct mg_queue *q;		/* its own; merged in the end */
	mg_progress_fn progress;	/* the caller's thread's only */
	void *arg;
	struct scratch sc;
	struct listing *ls;
	const struct hfile **src;	/* each message's -H, as q->msgs */
	size_t nsrc, src_cap;
	struct run *runs;		/* in block order */
	size_t nruns, runs_cap;
	size_t last;			/* files when progress was last told */
	int sizes;			/* stat each -D for its size */
	int finished;			/* no block left for it (atomic) */
};

/* One message ID of one directory in the listing's table: the offset
 * of the first of its file names listed, its -H (NULL until listed)
 * and which of -D and -J were seen. */
struct idslot {
	struct hfile *hfile;
	uint32_t name;
	uint32_t hash;			/* 0: a free slot */
	unsigned short dir;
	unsigned char idlen;		/* of the ID, at most ID_MAX */
	unsigned char has;
};

#define HAS_D 1
#define HAS_J 2
#define LIST_MAX (UINT32_MAX / 2)	/* files, and bytes of names */

/*
 * Every -H file of the spool, listed by the caller's thread in blocks
 * that a second thread starts reading while the listing goes on (the
 * listing is a sixth of the work); a -D or a -J is matched to its -H
 * through the table of IDs whatever the order the directory gives them
 * in (no stat, no sort).
 */
struct listing {
	struct {
		int fd;
		char rel[3];		/* "" or "X/" */
	} dirs[SPLIT_DIRS_MAX];
	size_t ndirs;
	/* shared with the reading thread, under mu */
	pthread_mutex_t mu;
	pthread_cond_t more;		/* a block, or the listing's end */
	struct hblock **blocks;
	size_t nblocks, blocks_cap;
	size_t next;			/* the next block to read */
	int listed;			/* no block will come any more */
	/* the listing thread's own */
	struct hblock *cur;		/* being filled */
	size_t nfiles;
	char *names;			/* "ID-X\0" one after another */
	size_t nnames, names_cap;
	struct idslot *ids;
	size_t nids, ids_cap;		/* ids_cap a power of two */
	int full;			/* LIST_MAX reached */
	struct walk *second;		/* the second reading thread's */
	pthread_t tid;
	int threaded;			/* it runs */
	/* both threads' (atomic) */
	size_t done;			/* files read */
	int cancelled;
};

/* id_len - NAME is ID-SUFFIX with an ID Exim could have made: the ID's
 * length, else 0 */
static size_t
id_len(const char *name, char suffix)
{
	size_t n = strlen(name), i;

	if (n < ID_MIN + 2 || n > ID_MAX + 2 || name[n - 2] != '-' ||
	    name[n - 1] != suffix)
		return (0);
	for (i = 0; i < n - 2; i++)
		if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'A' &&
		    name[i] <= 'Z') || (name[i] >= 'a' && name[i] <= 'z') ||
		    name[i] == '-'))
			return (0);
	return (n - 2);
}

/* id_hash - FNV-1a of an ID and its directory, never 0 (a free slot) */
static uint32_t
id_hash(const char *id, size_t n, unsigned short dir)
{
	uint32_t h = 2166136261u ^ dir;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ (unsigned char)id[i]) * 16777619u;
	return (h == 0 ? 1 : h);
}

/* ids_grow - the table twice as large (at least 1024 slots), every ID
 * moved to its new slot */
static void
ids_grow(struct listing *ls)
{
	struct idslot *old = ls->ids;
	size_t oldcap = ls->ids_cap, i, k, cap;

	cap = oldcap == 0 ? 1024 : oldcap * 2;
	ls->ids = mg_xcalloc(cap, sizeof(*ls->ids));
	ls->ids_cap = cap;
	for (i = 0; i < oldcap; i++) {
		if (old[i].hash == 0)
			continue;
		for (k = old[i].hash & (cap - 1); ls->ids[k].hash != 0;
		    k = (k + 1) & (cap - 1))
			;
		ls->ids[k] = old[i];
	}
	free(old);
}

/* keep_name - NAME (a file name) at the end of ls->names: its offset */
static uint32_t
keep_name(struct listing *ls, const char *name, size_t len)
{
	size_t at = ls->nnames;

	mg_array_grow((void **)&ls->names, &ls->names_cap, at + len + 1, 1);
	memcpy(ls->names + at, name, len + 1);
	ls->nnames += len + 1;
	return ((uint32_t)at);
}

/* id_slot - the slot of the ID of file NAME (idlen bytes, then "-X",
 * hash h from id_hash) in directory dir, taken (its name kept) if the
 * ID is new */
static struct idslot *
id_slot(struct listing *ls, const char *name, size_t idlen, uint32_t h,
    unsigned short dir)
{
	const char *other;
	struct idslot *e;
	size_t k;

	if ((ls->nids + 1) * 2 > ls->ids_cap)
		ids_grow(ls);
	for (k = h & (ls->ids_cap - 1);; k = (k + 1) & (ls->ids_cap - 1)) {
		e = &ls->ids[k];
		if (e->hash == 0)
			break;
		if (e->hash != h || e->dir != dir || e->idlen != idlen)
			continue;
		other = ls->names + e->name;
		if (memcmp(other, name, idlen) == 0)
			return (e);
	}
	e->hash = h;
	e->dir = dir;
	e->idlen = (unsigned char)idlen;
	e->has = 0;
	e->hfile = NULL;
	e->name = keep_name(ls, name, idlen + 2);
	ls->nids++;
	return (e);
}

/* tell - the progress function told how many files both threads read;
 * it may cancel */
static void
tell(struct walk *w)
{
	size_t done = __atomic_load_n(&w->ls->done, __ATOMIC_RELAXED);

	if (done == w->last)
		return;
	w->last = done;
	if (w->progress(w->arg, done) != 0)
		__atomic_store_n(&w->ls->cancelled, 1, __ATOMIC_RELAXED);
}

/* read_one - one -H file of directory dfd into w's queue; whether its
 * -D and -J are there is looked at when the threads' messages are
 * merged (the listing may not have seen them yet) */
static void
read_one(struct walk *w, int dfd, const char *rel, const struct hfile *h)
{
	struct mg_queue *q = w->q;
	struct scratch *sc = &w->sc;
	const char *name = h->name;
	struct mg_qmsg m;
	struct mg_err err;
	struct hsrc s;
	struct stat st;
	char other[ID_MAX + 3];
	long long hsize = 0, dsize = -1;
	size_t idlen = strlen(name) - 2;
	int rc;

	q->files++;
	mg_err_clear(&err);
	if ((rc = slurp(dfd, name, &sc->buf, &err)) != 0) {
		if (rc > 0)
			q->vanished++;
		else {
			q->corrupt++;
			mg_queue_problem(q, "input/%s%s: %s", rel, name,
			    err.msg);
		}
		return;
	}
	memset(&m, 0, sizeof(m));
	s.p = sc->buf.data;
	s.end = s.p + sc->buf.len;
	if (parse(&s, q, sc, &m, name, &hsize, &err) < 0) {
		q->corrupt++;
		mg_queue_problem(q, "input/%s%s: %s", rel, name, err.msg);
		return;
	}
	if (w->sizes) {
		(void)snprintf(other, sizeof(other), "%.*s-D", (int)idlen,
		    name);
		if (fstatat(dfd, other, &st, AT_SYMLINK_NOFOLLOW) == 0)
			dsize = (long long)st.st_size;
		else if (errno == ENOENT) {
			q->vanished++;	/* delivered while we read */
			return;
		}
	}
	m.size = w->sizes ? message_size(hsize, dsize, idlen) : 0;
	(void)mg_queue_add_copy(q, &m, name, idlen, sc->rcpts, sc->nrcpts);
	*MG_ARRAY_PUSH(w->src, w->nsrc, w->src_cap) = h;
}

/* claim - the next block of the listing for a reading thread (its
 * index in *bi), waiting for the listing; NULL when it is over */
static struct hblock *
claim(struct listing *ls, size_t *bi)
{
	struct hblock *b = NULL;

	(void)pthread_mutex_lock(&ls->mu);
	while (ls->next == ls->nblocks && !ls->listed)
		(void)pthread_cond_wait(&ls->more, &ls->mu);
	if (ls->next < ls->nblocks) {
		*bi = ls->next;
		b = ls->blocks[ls->next++];
	}
	(void)pthread_mutex_unlock(&ls->mu);
	return (b);
}

/* read_blocks - a thread reads blocks of the listing into its queue
 * until none is left; the caller's thread tells the progress function
 * (which may cancel) */
static void *
read_blocks(void *arg)
{
	struct walk *w = arg;
	struct listing *ls = w->ls;
	const struct hfile *h;
	struct hblock *b;
	struct run *r;
	size_t bi, i, done;

	while ((b = claim(ls, &bi)) != NULL) {
		r = MG_ARRAY_PUSH(w->runs, w->nruns, w->runs_cap);
		r->block = bi;
		r->from = w->q->nmsgs;
		for (i = 0; i < b->n; i++) {
			if (__atomic_load_n(&ls->cancelled, __ATOMIC_RELAXED))
				break;
			h = &b->f[i];
			read_one(w, ls->dirs[h->dir].fd,
			    ls->dirs[h->dir].rel, h);
			/* counted DONE_EVERY files at a time: the count's
			 * line is not passed between the threads per file */
			if ((i + 1) % DONE_EVERY != 0 && i + 1 != b->n)
				continue;
			done = __atomic_add_fetch(&ls->done, i % DONE_EVERY +
			    1, __ATOMIC_RELAXED);
			if (w->progress != NULL && done - w->last >=
			    PROGRESS_EVERY)
				tell(w);
		}
		w->runs[w->nruns - 1].to = w->q->nmsgs;
	}
	__atomic_store_n(&w->finished, 1, __ATOMIC_RELEASE);
	return (NULL);
}

/* publish - the block being filled handed to the reading threads; the
 * second thread started once the spool is worth it */
static void
publish(struct walk *w, struct listing *ls)
{
	if (ls->cur == NULL)
		return;
	(void)pthread_mutex_lock(&ls->mu);
	*MG_ARRAY_PUSH(ls->blocks, ls->nblocks, ls->blocks_cap) = ls->cur;
	(void)pthread_cond_signal(&ls->more);
	(void)pthread_mutex_unlock(&ls->mu);
	ls->cur = NULL;
	if (!ls->threaded && ls->second != NULL && ls->nfiles >= THREAD_MIN) {
		ls->threaded = pthread_create(&ls->tid, NULL, read_blocks,
		    ls->second) == 0;
		if (!ls->threaded)
			ls->second = NULL;	/* this thread reads all */
	}
	if (w->progress != NULL)
		tell(w);
}

/* entry_id - a directory entry named ID-H, ID-D or ID-J with an ID Exim
 * could have made: the ID's length and the suffix; else 0 */
static size_t
entry_id(const char *name, char *suffix)
{
	size_t n = strnlen(name, ID_MAX + 3);

	if (n < ID_MIN + 2 || n > ID_MAX + 2 || name[n - 2] != '-')
		return (0);
	*suffix = name[n - 1];
	if (*suffix != 'H' && *suffix != 'D' && *suffix != 'J')
		return (0);
	return (id_len(name, *suffix));
}

/* list_file - one message file of a spool directory (idlen and the
 * hash of its ID from entry_id and id_hash): an -H joins the listing,
 * a -D or a -J marks its ID */
static void
list_file(struct walk *w, struct listing *ls, const char *name,
    size_t idlen, char suffix, uint32_t hash, unsigned short dir)
{
	struct idslot *e;
	struct hfile *h;

	if (ls->nfiles >= LIST_MAX || ls->nnames >= LIST_MAX - ID_MAX - 3) {
		ls->full = 1;
		return;
	}
	e = id_slot(ls, name, idlen, hash, dir);
	if (suffix == 'D')
		e->has |= HAS_D;
	else if (suffix == 'J')
		e->has |= HAS_J;
	else if (e->hfile == NULL) {
		if (ls->cur == NULL) {
			ls->cur = mg_xmalloc(sizeof(*ls->cur));
			ls->cur->n = 0;
		}
		h = &ls->cur->f[ls->cur->n++];
		memcpy(h->name, name, idlen + 3);
		h->dir = dir;
		h->data = h->journal = 0;
		e->hfile = h;
		ls->nfiles++;
		if (ls->cur->n == BLOCK)
			publish(w, ls);
	}
}

/* list_marks - each listed -H told whether its -D and its -J were seen
 * (bytes no reading thread looks at before the merge) */
static void
list_marks(struct listing *ls)
{
	const struct idslot *e;
	size_t k;

	for (k = 0; k < ls->ids_cap; k++) {
		e = &ls->ids[k];
		if (e->hash == 0 || e->hfile == NULL)
			continue;
		e->hfile->data = (e->has & HAS_D) != 0;
		e->hfile->journal = (e->has & HAS_J) != 0;
	}
}

static void list_dir(struct walk *, struct listing *, int, const char *,
    int);

/* list_subdir - entry NAME of the top spool directory fd, if it is a
 * split directory, listed (list_dir) */
static void
list_subdir(struct walk *w, struct listing *ls, int fd, const char *name,
    unsigned char type)
{
	struct stat st;
	char sub[3];
	int sfd;

	if (type == DT_UNKNOWN)
		type = fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISDIR(st.st_mode) ? DT_DIR : DT_REG;
	if (type != DT_DIR)
		return;
	sfd = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (sfd < 0) {
		if (errno != ENOENT)
			mg_queue_problem(w->q, "input/%s: %s", name,
			    strerror(errno));
		return;
	}
	sub[0] = name[0];
	sub[1] = '/';
	sub[2] = '\0';
	list_dir(w, ls, sfd, sub, 1);
}

/*
 * list_dir - the -H files of one spool directory (fd kept open in ls)
 * and, at the top, of its one-character split subdirectories; takes fd.
 * getdents64 fills a buffer with hundreds of names at once: each
 * message file's slot of the table of IDs is asked of the memory
 * (prefetched) for all of them before the first is looked up, the
 * table being far larger than the caches.
 */
static void
list_dir(struct walk *w, struct listing *ls, int fd, const char *rel,
    int depth)
{
	struct {
		const char *name;
		uint32_t hash;
		unsigned char idlen;
		char suffix;
	} *ent = NULL;
	const struct idslot *e;
	struct dirent64 *de;
	size_t dir, n, i, idlen, mask;
	char *buf, suffix;
	ssize_t got, off;

	if (ls->ndirs >= SPLIT_DIRS_MAX) {
		mg_queue_problem(w->q, "input/%s: more directories than a "
		    "split spool has", rel);
		(void)close(fd);
		return;
	}
	dir = ls->ndirs++;
	ls->dirs[dir].fd = fd;
	(void)snprintf(ls->dirs[dir].rel, sizeof(ls->dirs[dir].rel), "%s",
	    rel);
	buf = mg_xmalloc(DENTS_BUF);
	ent = mg_xcalloc(DENTS_BUF / ENT_MIN, sizeof(*ent));
	while ((got = getdents64(fd, buf, DENTS_BUF)) > 0) {
		if (__atomic_load_n(&ls->cancelled, __ATOMIC_RELAXED))
			break;
		/* the table grown for all of them first: the slots asked
		 * of the memory stay where they are looked up */
		while ((ls->nids + (size_t)got / ENT_MIN + 1) * 2 >
		    ls->ids_cap)
			ids_grow(ls);
		mask = ls->ids_cap - 1;
		for (n = 0, off = 0; off < got; off += de->d_reclen) {
			de = (struct dirent64 *)(void *)(buf + off);
			if (de->d_name[0] == '.')
				continue;
			if (de->d_name[1] == '\0' && depth < SPLIT_DEPTH) {
				list_subdir(w, ls, fd, de->d_name, de->d_type);
				continue;
			}
			if ((idlen = entry_id(de->d_name, &suffix)) == 0)
				continue;
			ent[n].name = de->d_name;
			ent[n].idlen = (unsigned char)idlen;
			ent[n].suffix = suffix;
			ent[n].hash = id_hash(de->d_name, idlen,
			    (unsigned short)dir);
			__builtin_prefetch(&ls->ids[ent[n].hash & mask]);
			n++;
		}
		/* then the names of the IDs already there (a -D after its
		 * -H), compared on a match */
		for (i = 0; i < n; i++) {
			e = &ls->ids[ent[i].hash & mask];
			if (e->hash == ent[i].hash)
				__builtin_prefetch(ls->names + e->name);
		}
		for (i = 0; i < n; i++)
			list_file(w, ls, ent[i].name, ent[i].idlen,
			    ent[i].suffix, ent[i].hash, (unsigned short)dir);
	}
	if (got < 0)
		mg_queue_problem(w->q, "input/%s: cannot list: %s", rel,
		    strerror(errno));
	free(ent);
	free(buf);
}

/* list_end - the last block published, the readers told no more come */
static void
list_end(struct walk *w, struct listing *ls)
{
	publish(w, ls);
	(void)pthread_mutex_lock(&ls->mu);
	ls->listed = 1;
	(void)pthread_cond_broadcast(&ls->more);
	(void)pthread_mutex_unlock(&ls->mu);
}

/* queue_take - src's messages appended to dst, its arena chunks (which
 * they point into) handed over, its counts added; src left empty */
static void
queue_take(struct mg_queue *dst, struct mg_queue *src)
{
	struct mg_arena_chunk **tail = &dst->arena.head;
	size_t i;

	while (*tail != NULL)
		tail = &(*tail)->next;
	*tail = src->arena.head;
	dst->arena.total += src->arena.total;
	src->arena.head = NULL;
	for (i = 0; i < src->nmsgs; i++)
		*MG_ARRAY_PUSH(dst->msgs, dst->nmsgs, dst->msgs_cap) =
		    src->msgs[i];
	dst->files += src->files;
	dst->vanished += src->vanished;
	dst->incomplete += src->incomplete;
	dst->corrupt += src->corrupt;
	for (i = 0; i < src->nproblems; i++)
		mg_queue_problem(dst, "%s", src->problems[i]);
	mg_queue_free(src);
}

/* take_journal - a message's -J read: its recipients delivered in an
 * attempt cut short leave it */
static void
take_journal(struct walk *w, const struct hfile *h, struct mg_qmsg *m)
{
	char jname[ID_MAX + 3];
	struct mg_err err;
	size_t len = strlen(h->name);
	int dfd = w->ls->dirs[h->dir].fd;

	memcpy(jname, h->name, len + 1);
	jname[len - 1] = 'J';
	if (slurp(dfd, jname, &w->sc.jbuf, &err) == 0)
		journal(w->sc.jbuf.data, w->sc.jbuf.len, m->rcpts, &m->nrcpts);
}

/* data_gone - the -D of h is not there: the listing did not see it
 * and it is not there now either (a listing need not return a file made
 * after it started: a message received meanwhile has its -D) */
static int
data_gone(const struct listing *ls, const struct hfile *h)
{
	char dname[ID_MAX + 3];
	struct stat st;
	size_t len = strlen(h->name);

	if (h->data)
		return (0);
	memcpy(dname, h->name, len + 1);
	dname[len - 1] = 'D';
	return (fstatat(ls->dirs[h->dir].fd, dname, &st,
	    AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT);
}

/*
 * merge - the messages both threads read into w's queue in listing
 * order (block by block), those without a -D counted vanished
 * (delivered: Exim removes the -D first; with the sizes, the stat of
 * each -D said so already), those with a -J told what it says; w2's
 * arena, counts and problems taken over
 */
static void
merge(struct walk *w, struct walk *w2)
{
	struct walk *ws[2] = { w, w2 };
	struct mg_queue *q = w->q;
	struct mg_qmsg m;
	const struct run *r;
	size_t at[2] = { 0, 0 }, n1 = q->nmsgs, n2, n = 0, b, k;
	int t;

	/* in place: w's messages moved to the end of its array grown for
	 * both, then written from its start; a message is written at or
	 * before the place of the next one of w's still to read */
	n2 = w2 != NULL ? w2->q->nmsgs : 0;
	mg_array_grow((void **)&q->msgs, &q->msgs_cap, n1 + n2 + 1,
	    sizeof(*q->msgs));
	if (n1 > 0 && n2 > 0)
		memmove(q->msgs + n2, q->msgs, n1 * sizeof(*q->msgs));
	for (b = 0; b < w->ls->nblocks; b++) {
		for (t = 0; t < 2; t++)
			if (ws[t] != NULL && at[t] < ws[t]->nruns &&
			    ws[t]->runs[at[t]].block == b)
				break;
		if (t == 2)
			continue;	/* not read: cancelled */
		r = &ws[t]->runs[at[t]++];
		for (k = r->from; k < r->to; k++) {
			m = t == 0 ? q->msgs[n2 + k] : w2->q->msgs[k];
			if (!w->sizes && data_gone(w->ls, ws[t]->src[k])) {
				q->vanished++;
				continue;
			}
			if (ws[t]->src[k]->journal)
				take_journal(w, ws[t]->src[k], &m);
			q->msgs[n++] = m;
		}
	}
	q->nmsgs = n;
	if (w2 == NULL)
		return;
	w2->q->nmsgs = 0;		/* taken above */
	queue_take(q, w2->q);
}

/* walk_free - what a reading thread kept */
static void
walk_free(struct walk *w)
{
	scratch_free(&w->sc);
	free(w->src);
	free(w->runs);
}

/*
 * mg_exim_queue_read - every message under spool_directory sdir (its
 * input/ directory) into q (caller frees q with mg_queue_free); with
 * MG_EXIM_SCAN_SIZES in flags each message's size as exim -bp prints it
 * (a stat of its -D), else sizes are 0.  -1 with err if input/ cannot
 * be opened or the progress function cancelled.
 */
int
mg_exim_queue_read(const char *sdir, int flags, struct mg_queue *q,
    mg_progress_fn progress, void *arg, struct mg_err *err)
{
	const struct timespec tick = { 0, 20 * 1000 * 1000 };
	char path[PATH_MAX];
	struct listing ls;
	struct mg_queue q2;
	struct walk w, w2;
	size_t i;
	int fd;

	mg_queue_init(q);
	if (snprintf(path, sizeof(path), "%s/input", sdir) >=
	    (int)sizeof(path))
		return (mg_err_set(err, "spool directory path too long"));
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return (0);		/* nothing ever queued */
	if (fd < 0)
		return (mg_err_errno(err, "cannot open %s", path));
	memset(&ls, 0, sizeof(ls));
	(void)pthread_mutex_init(&ls.mu, NULL);
	(void)pthread_cond_init(&ls.more, NULL);
	memset(&w, 0, sizeof(w));
	w.q = q;
	w.progress = progress;
	w.arg = arg;
	w.ls = &ls;
	w.sizes = (flags & MG_EXIM_SCAN_SIZES) != 0;
	mg_queue_init(&q2);
	w2 = w;
	w2.q = &q2;
	w2.progress = NULL;
	ls.second = &w2;

	/* this thread lists; once there is enough, the second reads what
	 * is listed meanwhile; then this one reads too */
	list_dir(&w, &ls, fd, "", 0);
	list_end(&w, &ls);
	if (ls.full)
		mg_queue_problem(q, "input/: more than %u files; the rest "
		    "not read", (unsigned)LIST_MAX);
	list_marks(&ls);
	free(ls.names);			/* the table served the listing */
	free(ls.ids);
	ls.names = NULL;
	ls.ids = NULL;
	(void)read_blocks(&w);
	if (ls.threaded) {
		/* the progress function is this thread's: told until the
		 * other is done too */
		while (w.progress != NULL && __atomic_load_n(&w2.finished,
		    __ATOMIC_ACQUIRE) == 0) {
			(void)nanosleep(&tick, NULL);
			tell(&w);
		}
		(void)pthread_join(ls.tid, NULL);
	}
	if (w.progress != NULL && !ls.cancelled && ls.done != w.last)
		(void)w.progress(w.arg, ls.done);
	merge(&w, ls.threaded ? &w2 : NULL);

	walk_free(&w);
	walk_free(&w2);
	mg_queue_free(&q2);
	for (i = 0; i < ls.nblocks; i++)
		free(ls.blocks[i]);
	free(ls.blocks);
	(void)pthread_cond_destroy(&ls.more);
	(void)pthread_mutex_destroy(&ls.mu);
	for (i = 0; i < ls.ndirs; i++)
		(void)close(ls.dirs[i].fd);
	if (ls.cancelled)
		return (mg_err_set(err, "queue scan cancelled after %zu files",
		    q->files));
	return (0);
}

/* mg_exim_queue_scan - mg_exim_queue_read with the sizes */
int
mg_exim_queue_scan(const char *sdir, struct mg_queue *q,
    mg_progress_fn progress, void *arg, struct mg_err *err)
{
	return (mg_exim_queue_read(sdir, MG_EXIM_SCAN_SIZES, q, progress, arg,
	    err));
}

/* mg_exim_spool_directory - the spool directory Exim named when the
 * target was detected, else exim [-C FILE] -bP spool_directory; caller
 * frees *out */
int
mg_exim_spool_directory(const struct mg_target *t, char **out,
    struct mg_err *err)
{
	const char *argv[] = { t->bin, "-C", t->config_file, "-bP",
	    "spool_directory", NULL };
	struct mg_exec_res res;
	char *name = NULL, *value = NULL;
	const char *text;
	int rc = 0;

	if (t->queue_dir != NULL) {
		*out = mg_xstrdup(t->queue_dir);
		return (0);
	}
	if (t->config_file == NULL) {
		argv[1] = "-bP";
		argv[2] = "spool_directory";
		argv[3] = NULL;
	}
	if (mg_exec_run(argv, 30000, &res, err) < 0)
		return (-1);
	text = mg_str_cstr(&res.out);
	if (mg_line_assignment(text, strcspn(text, "\n"), &name, &value) < 0 ||
	    strcmp(name, "spool_directory") != 0 || value[0] != '/') {
		rc = mg_err_set(err, "exim -bP gave no absolute "
		    "spool_directory");
		free(value);
		value = NULL;
	}
	free(name);
	mg_exec_res_free(&res);
	*out = value;
	return (rc);
}

/* mg_exim_load_queue - the backend's load_queue: the spool directory
 * Exim names, then the scan (each -D stat'd for its size unless opts
 * say no size is shown) */
int
mg_exim_load_queue(struct mg_target *t, struct mg_queue *q,
    const struct mg_qscan_opts *opts, mg_progress_fn progress, void *arg,
    struct mg_err *err)
{
	char *sdir = NULL;
	int rc;

	mg_queue_init(q);
	if (mg_exim_spool_directory(t, &sdir, err) < 0)
		return (-1);
	rc = mg_exim_queue_read(sdir, opts != NULL && opts->no_sizes ? 0 :
	    MG_EXIM_SCAN_SIZES, q, progress, arg, err);
	free(sdir);
	/* One spool, messages frozen or not; the login is -auth_id. */
	q->frozen_spool = 1;
	q->auth_source = "-auth_id in the spool";
	return (rc);
}
