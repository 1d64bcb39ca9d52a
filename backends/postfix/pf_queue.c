/*
 * pf_queue.c - the Postfix queue read directly: walk queue_directory's
 * queues and their hashed subdirectories, parse each queue file's
 * envelope records (rec_type.h: type byte, length in 7-bit groups low
 * first with 0x80 as continuation, data), jump over the message content
 * as qmgr does, and keep what an incident needs.  Every length is
 * checked against the file; a file that vanishes, is still being written
 * or is corrupt is counted and skipped, never fatal to the scan.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../core/mg_exec.h"
#include "../../core/mg_num.h"
#include "../../core/mg_str.h"
#include "pf_queue.h"

/* Record types (Postfix src/global/rec_type.h). */
#define REC_SIZE 'C'		/* content size, data offset, rcpt count */
#define REC_TIME 'T'		/* arrival time "sec usec" */
#define REC_FROM 'S'		/* envelope sender */
#define REC_RCPT 'R'		/* recipient still to deliver */
#define REC_DONE 'D'		/* recipient delivered (rewritten in place) */
#define REC_DRCP '/'		/* recipient canceled */
#define REC_ATTR 'A'		/* name=value */
#define REC_MESG 'M'		/* start of content */
#define REC_PTR 'p'		/* pointer to more records; 0: placeholder */
#define REC_END 'E'		/* end of file, required */

#define REVERSE_JUMP_MAX 10000	/* as record.c's rec_goto */
#define RECORDS_MAX (1u << 24)
#define HASH_DEPTH_MAX 16
#define QUEUE_ID_MAX 64
#define REASON_FILE_MAX (64u * 1024)
#define REASON_MAX 1000
#define PROGRESS_EVERY 256

/* The queues showq(8) lists, and corrupt. */
static const char *const queue_names[] = {
	"maildrop", "incoming", "active", "deferred", "hold", "corrupt", NULL
};

/* A queue file: in memory (tests, fuzzing) or read with pread. */
struct src {
	const unsigned char *mem;
	int fd;
	unsigned long long size;
	unsigned long long pos;
	unsigned long long boff;
	size_t blen;
	int eio;		/* errno of a failed read; 0: file shrank */
	unsigned char buf[8192];
};

/* What one scan reuses from file to file. */
struct scratch {
	struct mg_str data;
	const char **rcpts;
	size_t nrcpts, rcpts_cap;
};

/* src_byte - the next byte, or -1 at the end of the file or on error */
static int
src_byte(struct src *s)
{
	size_t n;
	ssize_t r;

	if (s->pos >= s->size)
		return (-1);
	if (s->mem != NULL)
		return (s->mem[s->pos++]);
	if (s->pos < s->boff || s->pos >= s->boff + s->blen) {
		n = sizeof(s->buf);
		if (s->size - s->pos < n)
			n = (size_t)(s->size - s->pos);
		r = pread(s->fd, s->buf, n, (off_t)s->pos);
		if (r <= 0) {
			s->eio = r < 0 ? errno : 0;
			s->size = s->pos;	/* nothing more to read */
			return (-1);
		}
		s->boff = s->pos;
		s->blen = (size_t)r;
	}
	return (s->buf[s->pos++ - s->boff]);
}

/* eof_error - why a read stopped early */
static int
eof_error(const struct src *s, struct mg_err *err, const char *what)
{
	if (s->eio != 0)
		return (mg_err_set(err, "read error in %s: %s", what,
		    strerror(s->eio)));
	return (mg_err_set(err, "file ends inside %s (truncated)", what));
}

/*
 * rec_head - type and length of the next record (record.c rec_get_raw):
 * the length is bounded by MG_PF_REC_MAX and by the end of the file.
 * Returns 0, or -1 with err; *type is -1 at a clean end of file.
 */
static int
rec_head(struct src *s, int *type, size_t *len, struct mg_err *err)
{
	unsigned long long n = 0;
	int c, shift;

	*len = 0;
	if ((*type = src_byte(s)) < 0) {
		if (s->eio != 0)
			return (eof_error(s, err, "a record type"));
		return (0);
	}
	for (shift = 0;; shift += 7) {
		if (shift >= 32)
			return (mg_err_set(err, "record '%c': too many length "
			    "bytes", *type));
		if ((c = src_byte(s)) < 0)
			return (eof_error(s, err, "a record length"));
		n |= (unsigned long long)(c & 0x7f) << shift;
		if ((c & 0x80) == 0)
			break;
	}
	if (n > MG_PF_REC_MAX)
		return (mg_err_set(err, "record '%c' of %llu bytes is longer "
		    "than %u", *type, n, MG_PF_REC_MAX));
	if (n > s->size - s->pos)
		return (mg_err_set(err, "record '%c' of %llu bytes runs past "
		    "the end of the file", *type, n));
	*len = (size_t)n;
	return (0);
}

/* rec_data - read len bytes of record data into d (NUL-terminated) */
static int
rec_data(struct src *s, size_t len, struct mg_str *d, struct mg_err *err)
{
	size_t i;
	int c;

	mg_str_reset(d);
	for (i = 0; i < len; i++) {
		if ((c = src_byte(s)) < 0)
			return (eof_error(s, err, "record data"));
		mg_str_putc(d, c);
	}
	return (0);
}

/* next_number - the next space-separated decimal of a record, bounded */
static int
next_number(const char **p, unsigned long *v)
{
	struct mg_err e;
	char tok[24];
	size_t n = 0;

	while (**p == ' ')
		(*p)++;
	while ((*p)[n] >= '0' && (*p)[n] <= '9')
		if (++n >= sizeof(tok))
			return (-1);
	if (n == 0)
		return (-1);
	memcpy(tok, *p, n);
	tok[n] = '\0';
	*p += n;
	return (mg_parse_ulong(tok, 0, 1UL << 50, v, &e));
}

/* keep - a record's text (up to an embedded NUL) copied to the arena */
static const char *
keep(struct mg_queue *q, const struct mg_str *d)
{
	return (mg_queue_intern(q, mg_str_cstr(d), strnlen(mg_str_cstr(d),
	    d->len)));
}

/* Client attributes: log_* (the client as logged) win over the others,
 * as in qmgr_message_read(). */
struct client_attrs {
	int log_addr, log_name, log_helo;
};

/* set_attr - one name=value record; unknown names are ignored */
static void
set_attr(struct mg_queue *q, struct mg_qmsg *m, struct client_attrs *ca,
    const struct mg_str *d)
{
	const char *s = mg_str_cstr(d), *eq, *v;
	size_t nlen;

	if ((eq = strchr(s, '=')) == NULL)
		return;
	nlen = (size_t)(eq - s);
	v = eq + 1;
#define IS(name) (nlen == sizeof(name) - 1 && memcmp(s, name, nlen) == 0)
	if (IS("sasl_username") && m->sasl_username == NULL)
		m->sasl_username = mg_queue_intern(q, v, strlen(v));
	else if (IS("sasl_method") && m->sasl_method == NULL)
		m->sasl_method = mg_queue_intern(q, v, strlen(v));
	else if (IS("log_client_address") || (IS("client_address") &&
	    !ca->log_addr && m->client_address == NULL)) {
		ca->log_addr |= IS("log_client_address");
		m->client_address = mg_queue_intern(q, v, strlen(v));
	} else if (IS("log_client_name") || (IS("client_name") &&
	    !ca->log_name && m->client_name == NULL)) {
		ca->log_name |= IS("log_client_name");
		m->client_name = mg_queue_intern(q, v, strlen(v));
	} else if (IS("log_helo_name") || (IS("helo_name") &&
	    !ca->log_helo && m->helo_name == NULL)) {
		ca->log_helo |= IS("log_helo_name");
		m->helo_name = mg_queue_intern(q, v, strlen(v));
	}
#undef IS
}

/* size_record - 'C': content size, data offset, rcpt count, flags,
 * content length (rec_type.h REC_TYPE_SIZE_FORMAT) */
static int
size_record(const struct src *s, const struct mg_str *d, struct mg_qmsg *m,
    unsigned long long *data_off, unsigned long long *data_size,
    struct mg_err *err)
{
	const char *p = mg_str_cstr(d);
	unsigned long v[5] = { 0, 0, 0, 0, 0 };
	size_t i;

	for (i = 0; i < 5; i++)
		if (next_number(&p, &v[i]) < 0)
			break;
	if (i < 3 || v[0] == 0 || v[1] == 0)
		return (mg_err_set(err, "invalid size record \"%.60s\"",
		    mg_str_cstr(d)));
	if (v[1] > s->size || v[0] > s->size - v[1])
		return (mg_err_set(err, "size record: %lu bytes of content "
		    "at offset %lu, but the file has %llu (truncated)", v[0],
		    v[1], s->size));
	*data_size = v[0];
	*data_off = v[1];
	m->size = v[4] > 0 ? v[4] : v[0];
	return (0);
}

/*
 * parse - the envelope records of one queue file into m; -1 with err if
 * the file is not a complete queue file.  Reads records in file order,
 * follows pointer records, and at the content's data offset jumps over
 * the content (qmgr_message_read), so a big message costs nothing.
 */
static int
parse(struct src *s, struct mg_queue *q, struct scratch *sc,
    struct mg_qmsg *m, struct mg_err *err)
{
	struct client_attrs ca = { 0, 0, 0 };
	unsigned long long data_off = 0, data_size = 0;
	unsigned long v;
	unsigned nrec = 0, reverse = 0;
	const char *p, **slot;
	size_t len;
	int type;

	sc->nrcpts = 0;
	/* cleanup(8) writes the size record first, postdrop(1) the time */
	type = src_byte(s);
	s->pos = 0;
	if (type >= 0 && type != REC_SIZE && type != REC_TIME)
		return (mg_err_set(err, "not a Postfix queue file (first "
		    "record type 0x%02x)", (unsigned)type));
	for (;;) {
		if (data_off > 0 && s->pos == data_off)
			s->pos += data_size;	/* checked against size */
		if (rec_head(s, &type, &len, err) < 0)
			return (-1);
		if (type < 0)
			return (mg_err_set(err, "no end record (truncated)"));
		if (++nrec > RECORDS_MAX)
			return (mg_err_set(err, "more than %u records",
			    RECORDS_MAX));
		switch (type) {
		case REC_END:
			if (m->sender == NULL)
				return (mg_err_set(err, "no sender record"));
			return (0);
		case REC_FROM:
		case REC_RCPT:
		case REC_ATTR:
		case REC_SIZE:
		case REC_TIME:
		case REC_PTR:
			if (rec_data(s, len, &sc->data, err) < 0)
				return (-1);
			break;
		default:
			s->pos += len;	/* content, done recipients, ... */
			continue;
		}
		switch (type) {
		case REC_FROM:
			if (m->sender == NULL)
				m->sender = keep(q, &sc->data);
			break;
		case REC_RCPT:
			slot = MG_ARRAY_PUSH(sc->rcpts, sc->nrcpts,
			    sc->rcpts_cap);
			*slot = keep(q, &sc->data);
			break;
		case REC_ATTR:
			set_attr(q, m, &ca, &sc->data);
			break;
		case REC_SIZE:
			if (data_off == 0 && size_record(s, &sc->data, m,
			    &data_off, &data_size, err) < 0)
				return (-1);
			break;
		case REC_TIME:
			p = mg_str_cstr(&sc->data);
			if (m->arrival == 0 && next_number(&p, &v) == 0)
				m->arrival = (time_t)v;
			break;
		case REC_PTR:
			p = mg_str_cstr(&sc->data);
			if (next_number(&p, &v) < 0)
				return (mg_err_set(err, "malformed pointer "
				    "record"));
			if (v == 0)
				break;		/* a placeholder */
			if (v >= s->size)
				return (mg_err_set(err, "pointer %lu past the "
				    "end of the file", v));
			if (v < s->pos && ++reverse > REVERSE_JUMP_MAX)
				return (mg_err_set(err, "too many backward "
				    "pointer jumps"));
			s->pos = v;
			break;
		}
	}
}

/* commit - m with the collected recipients becomes a queue message */
static void
commit(struct mg_queue *q, struct scratch *sc, const struct mg_qmsg *m,
    const char *id, const char *queue)
{
	struct mg_qmsg *out;

	out = mg_queue_add_copy(q, m, id, strlen(id), sc->rcpts, sc->nrcpts);
	out->queue = queue;
}

/* scratch_free - what parse reused */
static void
scratch_free(struct scratch *sc)
{
	mg_str_free(&sc->data);
	free(sc->rcpts);
	memset(sc, 0, sizeof(*sc));
}

/* queue_static - the static name of a queue, for messages */
static const char *
queue_static(const char *queue)
{
	size_t i;

	for (i = 0; queue_names[i] != NULL; i++)
		if (strcmp(queue, queue_names[i]) == 0)
			return (queue_names[i]);
	return ("?");
}

/*
 * mg_pf_queue_parse - one queue file held in memory (tests, fuzzing):
 * 0 and a message appended to q, or -1 with err.
 */
int
mg_pf_queue_parse(const unsigned char *data, size_t len, const char *id,
    const char *queue, struct mg_queue *q, struct mg_err *err)
{
	struct scratch sc;
	struct mg_qmsg m;
	struct src *s;
	int rc;

	memset(&sc, 0, sizeof(sc));
	memset(&m, 0, sizeof(m));
	s = mg_xcalloc(1, sizeof(*s));
	s->mem = data;
	s->fd = -1;
	s->size = len;
	rc = parse(s, q, &sc, &m, err);
	if (rc == 0)
		commit(q, &sc, &m, id, queue_static(queue));
	free(s);
	scratch_free(&sc);
	return (rc);
}

/*
 * first_block - the file's size without an fstat when readdir already
 * said it is a regular file: one pread of the buffer; a short read is
 * the whole file.  Returns 0, 1 if fstat is still needed, -1 on error.
 */
static int
first_block(int fd, struct src *s, struct mg_err *err)
{
	ssize_t r;

	r = pread(fd, s->buf, sizeof(s->buf), 0);
	if (r < 0) {
		mg_err_errno(err, "read error");
		return (-1);
	}
	s->boff = 0;
	s->blen = (size_t)r;
	if ((size_t)r == sizeof(s->buf))
		return (1);
	s->size = (unsigned long long)r;
	return (0);
}

/*
 * read_one - open NAME in dirfd safely and parse it.  known_reg: readdir
 * said DT_REG, so a queue whose files are complete when they appear
 * (everything but incoming and maildrop) needs no fstat for a small file
 * - a third fewer system calls on a big queue.  O_NOFOLLOW and
 * O_NONBLOCK keep a file swapped for a link or a FIFO harmless.
 */
static enum mg_pf_qfile
read_one(int dirfd, const char *name, const char *queue, int known_reg,
    struct mg_queue *q, struct scratch *sc, struct src *s,
    struct mg_err *err)
{
	struct mg_qmsg m;
	struct stat st;
	int fd, rc, writing, need_stat = 1;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK);
	if (fd < 0) {
		if (errno == ENOENT)
			return (MG_PF_QFILE_VANISHED);
		mg_err_errno(err, "cannot open");
		return (MG_PF_QFILE_CORRUPT);
	}
	memset(s, 0, sizeof(*s) - sizeof(s->buf));
	s->fd = fd;
	writing = strcmp(queue, "incoming") == 0 || strcmp(queue,
	    "maildrop") == 0;
	if (known_reg && !writing &&
	    (need_stat = first_block(fd, s, err)) < 0) {
		(void)close(fd);
		return (MG_PF_QFILE_CORRUPT);
	}
	if (need_stat) {
		if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
			(void)close(fd);
			mg_err_set(err, "not a regular file");
			return (MG_PF_QFILE_CORRUPT);
		}
		/* mail_queue.h: a file is complete when its owner x bit
		 * is set; cleanup(8) and postdrop(1) set it last. */
		if (writing && (st.st_mode & S_IXUSR) == 0) {
			(void)close(fd);
			return (MG_PF_QFILE_INCOMPLETE);
		}
		s->size = (unsigned long long)st.st_size;
		if (s->blen > s->size)
			s->blen = (size_t)s->size;	/* shrank */
	}
	memset(&m, 0, sizeof(m));
	rc = parse(s, q, sc, &m, err);
	(void)close(fd);
	if (rc < 0)
		return (MG_PF_QFILE_CORRUPT);
	commit(q, sc, &m, name, queue_static(queue));
	return (MG_PF_QFILE_OK);
}

/*
 * mg_pf_queue_read - read queue file NAME (its queue ID) in directory
 * dirfd of QUEUE; on MG_PF_QFILE_OK a message is appended to q.
 */
enum mg_pf_qfile
mg_pf_queue_read(int dirfd, const char *name, const char *queue,
    struct mg_queue *q, struct mg_err *err)
{
	struct scratch sc;
	struct src *s = mg_xmalloc(sizeof(*s));
	enum mg_pf_qfile r;

	memset(&sc, 0, sizeof(sc));
	r = read_one(dirfd, name, queue, 0, q, &sc, s, err);
	scratch_free(&sc);
	free(s);
	return (r);
}

/* queue_id_ok - a name Postfix could have given a queue file: short IDs
 * are hex, long IDs (enable_long_queue_ids) letters and digits */
static int
queue_id_ok(const char *name)
{
	size_t n;

	for (n = 0; name[n] != '\0'; n++)
		if (n >= QUEUE_ID_MAX || !((name[n] >= '0' && name[n] <=
		    '9') || (name[n] >= 'A' && name[n] <= 'Z') ||
		    (name[n] >= 'a' && name[n] <= 'z')))
			return (0);
	return (n >= 6);
}

/* What a walk carries. */
struct walk {
	int qfd;		/* queue_directory */
	const struct mg_pf_qopts *opts;
	struct mg_queue *q;
	mg_progress_fn progress;
	void *arg;
	struct scratch sc;
	struct src *src;
	const char *queue;	/* the queue being walked */
	int cancelled;
};

/* read_reason - the first reason= of the message's defer/ logfile */
static void
read_reason(struct walk *w, const char *rel, const char *id,
    struct mg_qmsg *m)
{
	char path[PATH_MAX], buf[REASON_FILE_MAX + 1];
	const char *r, *end;
	ssize_t n;
	int fd;

	if (snprintf(path, sizeof(path), "defer/%s%s", rel, id) >=
	    (int)sizeof(path))
		return;
	fd = openat(w->qfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK);
	if (fd < 0)
		return;
	n = read(fd, buf, REASON_FILE_MAX);
	(void)close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	for (r = buf; r != NULL; r = strchr(r, '\n')) {
		r += *r == '\n';
		if (strncmp(r, "reason=", 7) == 0)
			break;
	}
	if (r == NULL)
		return;
	r += 7;
	end = r + strcspn(r, "\n");
	if (end - r > REASON_MAX)
		end = r + REASON_MAX;
	m->reason = mg_queue_intern(w->q, r, (size_t)(end - r));
}

/* count_file - account for one file's outcome */
static void
count_file(struct walk *w, enum mg_pf_qfile r, const char *queue,
    const char *rel, const char *name, const struct mg_err *err)
{
	struct mg_queue *q = w->q;

	switch (r) {
	case MG_PF_QFILE_OK:
		if (w->opts->reasons && strcmp(queue, "deferred") == 0)
			read_reason(w, rel, name, &q->msgs[q->nmsgs - 1]);
		break;
	case MG_PF_QFILE_VANISHED:
		q->vanished++;
		break;
	case MG_PF_QFILE_INCOMPLETE:
		q->incomplete++;
		break;
	case MG_PF_QFILE_CORRUPT:
		q->corrupt++;
		mg_queue_problem(q, "%s/%s%s: %s", queue, rel, name,
		    err->msg);
		break;
	}
}

/* walk - one directory of mg_pf_walk and, below it, its hash
 * subdirectories; takes fd */
static int
walk(const struct mg_pf_walker *wk, int fd, const char *rel, int depth)
{
	char sub[PATH_MAX];
	struct dirent *de;
	struct stat st;
	int sfd, isdir, rc = 0, e;
	DIR *d;

	if ((d = fdopendir(fd)) == NULL) {
		e = errno;
		(void)close(fd);
		errno = e;
		return (-1);
	}
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL) {
			e = errno;
			break;
		}
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name,
		    "..") == 0)
			continue;
		isdir = 0;
		if (de->d_name[1] == '\0') {
			isdir = de->d_type == DT_DIR;
			if (de->d_type == DT_UNKNOWN)
				isdir = fstatat(dirfd(d), de->d_name, &st,
				    AT_SYMLINK_NOFOLLOW) == 0 &&
				    S_ISDIR(st.st_mode);
			if (isdir && depth >= HASH_DEPTH_MAX)
				continue;
		}
		if (!isdir)
			rc = wk->file(wk->arg, dirfd(d), rel, de->d_name,
			    de->d_type);
		else if ((sfd = openat(dirfd(d), de->d_name, O_RDONLY |
		    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
			rc = wk->subdir_failed != NULL &&
			    wk->subdir_failed(wk->arg, rel, de->d_name,
			    errno) != 0 ? -1 : 0;
		else {
			(void)snprintf(sub, sizeof(sub), "%s%s/", rel,
			    de->d_name);
			rc = walk(wk, sfd, sub, depth + 1);
		}
		if (rc != 0) {
			e = errno;
			break;
		}
	}
	(void)closedir(d);
	if (rc > 0 || (rc == 0 && e == 0))
		return (rc);
	errno = e != 0 ? e : EIO;
	return (-1);
}

/*
 * mg_pf_walk - the one walker of Postfix queue directories: every entry
 * of the directory fd (taken) and of its single-character hash
 * subdirectories (as mail_scan_dir_next descends) but those
 * subdirectories themselves (and "." and "..") given to wk->file - our
 * own temp files (".mailguard.XXXXXX") too.  0 when done, 1 if
 * wk->file stopped it, -1 (errno) if a directory could not be read or
 * wk->subdir_failed said to stop.
 */
int
mg_pf_walk(int fd, const struct mg_pf_walker *wk)
{
	return (walk(wk, fd, "", 0));
}

/* scan_file - one queue file of a scan */
static int
scan_file(void *arg, int dfd, const char *rel, const char *name, int dtype)
{
	struct walk *w = arg;
	struct mg_err err;
	enum mg_pf_qfile r;

	if (!queue_id_ok(name))
		return (0);
	w->q->files++;
	mg_err_clear(&err);
	r = read_one(dfd, name, w->queue, dtype == DT_REG, w->q, &w->sc,
	    w->src, &err);
	count_file(w, r, w->queue, rel, name, &err);
	if (w->progress != NULL && w->q->files % PROGRESS_EVERY == 0 &&
	    w->progress(w->arg, w->q->files) != 0) {
		w->cancelled = 1;
		return (1);
	}
	return (0);
}

/* scan_subdir_failed - a hash subdirectory a scan cannot open: a
 * problem of the queue, unless it was removed meanwhile */
static int
scan_subdir_failed(void *arg, const char *rel, const char *name, int e)
{
	struct walk *w = arg;

	if (e != ENOENT)
		mg_queue_problem(w->q, "%s/%s%s: %s", w->queue, rel, name,
		    strerror(e));
	return (0);
}

/*
 * mg_pf_queue_scan - every message of the queues under queue_directory
 * qdir into q (caller frees q with mg_queue_free).  -1 with err only if
 * the queue directory or one of its queues cannot be opened, or the
 * progress function cancelled; unreadable files are counted in q.
 */
int
mg_pf_queue_scan(const char *qdir, const struct mg_pf_qopts *opts,
    struct mg_queue *q, mg_progress_fn progress, void *arg,
    struct mg_err *err)
{
	static const struct mg_pf_qopts none = { 0 };
	struct mg_pf_walker wk = { scan_file, scan_subdir_failed, NULL };
	struct walk w;
	size_t i;
	int fd, rc = 0;

	mg_queue_init(q);
	memset(&w, 0, sizeof(w));
	wk.arg = &w;
	w.opts = opts != NULL ? opts : &none;
	w.q = q;
	w.progress = progress;
	w.arg = arg;
	w.qfd = open(qdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (w.qfd < 0)
		return (mg_err_errno(err, "cannot open the queue directory "
		    "%s", qdir));
	w.src = mg_xmalloc(sizeof(*w.src));
	for (i = 0; queue_names[i] != NULL && !w.cancelled; i++) {
		fd = openat(w.qfd, queue_names[i], O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0 && errno == ENOENT)
			continue;
		if (fd < 0) {
			rc = mg_err_errno(err, "cannot open %s/%s", qdir,
			    queue_names[i]);
			break;
		}
		w.queue = queue_names[i];
		(void)mg_pf_walk(fd, &wk);
	}
	if (rc == 0 && w.cancelled)
		rc = mg_err_set(err, "queue scan cancelled after %zu files",
		    q->files);
	/* a message qmgr moved between two queues while we walked them */
	(void)mg_queue_dedupe(q);
	(void)close(w.qfd);
	free(w.src);
	scratch_free(&w.sc);
	return (rc);
}

/* mg_pf_queue_directory - postconf [-c DIR] -h queue_directory */
int
mg_pf_queue_directory(const struct mg_target *t, char **out, struct mg_err *err)
{
	const char *argv[6];
	struct mg_exec_res res;
	struct mg_str *o;
	size_t n = 0;

	argv[n++] = "postconf";
	if (t->config_dir != NULL) {
		argv[n++] = "-c";
		argv[n++] = t->config_dir;
	}
	argv[n++] = "-h";
	argv[n++] = "queue_directory";
	argv[n] = NULL;
	if (mg_exec_run(argv, 30000, &res, err) < 0)
		return (-1);
	o = &res.out;
	while (o->len > 0 && (o->data[o->len - 1] == '\n' ||
	    o->data[o->len - 1] == '\r'))
		o->data[--o->len] = '\0';
	if (o->len == 0 || o->data[0] != '/') {
		mg_exec_res_free(&res);
		return (mg_err_set(err, "postconf gave no absolute "
		    "queue_directory"));
	}
	*out = mg_str_steal(o);
	mg_exec_res_free(&res);
	return (0);
}

/* mg_pf_load_queue - the backend's load_queue: the live queue into q (a
 * queue file gives its size for free: opts change nothing) */
int
mg_pf_load_queue(struct mg_target *t, struct mg_queue *q,
    const struct mg_qscan_opts *opts, mg_progress_fn progress, void *arg,
    struct mg_err *err)
{
	char *qdir = NULL;
	int rc;

	(void)opts;
	mg_queue_init(q);
	if (mg_pf_queue_directory(t, &qdir, err) < 0)
		return (-1);
	rc = mg_pf_queue_scan(qdir, NULL, q, progress, arg, err);
	free(qdir);
	return (rc);
}

/* mg_pf_queue_stamp - the queues' directories' stamp (mg_queue_dirs_stamp):
 * unchanged, the queue has not changed since the last scan */
int
mg_pf_queue_stamp(struct mg_target *t, unsigned long long *stamp,
    struct mg_err *err)
{
	char *qdir = NULL;
	int rc;

	if (mg_pf_queue_directory(t, &qdir, err) < 0)
		return (-1);
	rc = mg_queue_dirs_stamp(qdir, queue_names, stamp, err);
	free(qdir);
	return (rc);
}
