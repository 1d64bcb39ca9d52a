/*
 * exim_qaction.c - the Exim queue actions behind the backend seam
 * (docs/ARCHITECTURE.md): exim -Mf/-Mt on exact IDs; a purge copies
 * each message's -H and -D files into the quarantine under Exim's own
 * spool lock and removes the copied ones with exim -Mrm, in batches.
 * A restore puts ID-D, then ID-H into input/ (input/X/ with
 * split_spool_directory) as the Exim user, mode 0640; the ID stays;
 * exim -Mt thaws what was frozen.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../../core/mg_exec.h"
#include "../../core/mg_install.h"
#include "../../core/mg_lines.h"
#include "../../core/mg_sanitize.h"
#include "../../core/mg_str.h"
#include "../queue_act.h"
#include "exim_qaction.h"
#include "exim_queue.h"

/* What the Exim side of a restore carries. */
struct ex {
	char input[PATH_MAX];
	int ifd;			/* input/, opened without following */
	int split;
	uid_t uid;
	gid_t gid;
	unsigned char *logst;		/* the purge log's word per row */
	size_t not_purged;		/* copies of mail never removed */
};

/* argv_budget - the bytes of arguments one exec may carry: half of
 * ARG_MAX (the environment and our fixed arguments share the rest),
 * 128 KiB if unknown */
static size_t
argv_budget(void)
{
	long max = sysconf(_SC_ARG_MAX);

	return (max > 0 ? (size_t)max / 2 : 128 * 1024);
}

/* A judge of a batch exim exited non-zero on: 0 if what it said (out)
 * shows the batch did what was asked all the same. */
struct judge {
	int (*ok)(const struct judge *, const char *);
	const char *input;		/* the spool's input/ */
	int hold;			/* -Mf; else -Mt */
};

/*
 * batches - exim [-C FILE] OPT ID... for ids, as many at a time as
 * MG_PURGE_BATCH and the argument limit (execve(2): ARG_MAX counts the
 * strings and their pointers) allow, the output appended to log; each
 * batch told to p's progress bar (p may be NULL) as done + the IDs of
 * the batch of total; -1 if any batch failed (err says why) - one that
 * exited non-zero is not when j (may be NULL) finds its output fine
 */
static int
batches(const struct mg_target *t, struct mg_str *log, const char *opt,
    char *const *ids, size_t n, const struct mg_qrun *p, unsigned step,
    const char *name, size_t done, size_t total, const struct judge *j,
    struct mg_err *err)
{
	struct mg_str one = MG_STR_INIT;
	struct mg_err e1;
	const char **argv;
	size_t i, k, base, used, cost, room = argv_budget();
	int rc = 0;

	argv = mg_xcalloc(MG_PURGE_BATCH + 6, sizeof(*argv));
	for (i = 0; i < n; i += k) {
		base = 0;
		argv[base++] = t->bin;
		if (t->config_file != NULL) {
			argv[base++] = "-C";
			argv[base++] = t->config_file;
		}
		argv[base++] = opt;
		used = 0;
		for (k = 0; k < MG_PURGE_BATCH && i + k < n; k++) {
			cost = strlen(ids[i + k]) + 1 + sizeof(char *);
			if (k > 0 && used + cost > room)
				break;
			used += cost;
			argv[base + k] = ids[i + k];
		}
		argv[base + k] = NULL;
		mg_str_reset(&one);
		if (mg_exec_tool(argv, NULL, 0, 600000, &one, &e1) < 0 &&
		    (j == NULL || !j->ok(j, mg_str_cstr(&one)))) {
			if (rc == 0)
				*err = e1;
			rc = -1;
		}
		if (log != NULL)
			mg_str_append(log, one.data, one.len);
		if (p != NULL)
			mg_qrun_progress(p, step, name, done + i + k, total);
	}
	mg_str_free(&one);
	free(argv);
	return (rc);
}

/* --- purge ------------------------------------------------------- */

/*
 * A purge does not freeze: exim -Mf rewrites every -H and fsyncs it and
 * input/ (spool_write_header), two syncs per message before anything
 * else.  Instead each message is kept (keep: linked, or copied) while
 * we hold a read lock on the start of its -D file, the region every
 * Exim process working on the message holds a write lock on (spool_in.c
 * spool_open_datafile); Exim
 * rewrites -H only under that lock, so the -H and -D copied are one
 * consistent state.  A locked message is being delivered: left for a
 * later round.  After the batch is synced, each -H is looked at again:
 * one that changed (a delivery came in between) is copied again in a
 * later round, one that is gone was delivered; exim -Mrm removes the
 * rest, and what it says it did not remove loses its copy, so that a
 * rollback never sends again mail Exim delivered.  What remains: a
 * delivery that starts between that second look and exim -Mrm taking
 * the lock itself (at most one exim -Mrm call of EX_RM_CHUNK IDs).
 */

/* One message of a purge batch: where its spool files are, and the -H
 * its copy was taken from. */
struct exmsg {
	const char *id;
	int sub;			/* in input/X/ */
	ino_t ino;
	off_t size;
	struct timespec mtime;
	int removed;			/* exim -Mrm said so */
	int locked;			/* exim -Mrm found it locked */
};

#define EX_ROUNDS 3	/* tries for a message locked by a delivery */
#define EX_RM_CHUNK 500 /* IDs per look again + exim -Mrm */

/* spool_name - ID's spool file ID-C, in input/X/ if sub */
static void
spool_name(char *buf, size_t size, const char *id, int sub, char c)
{
	if (sub)
		(void)snprintf(buf, size, "%c/%s-%c", id[5], id, c);
	else
		(void)snprintf(buf, size, "%s-%c", id, c);
}

/* copy_fd - the bytes of in (from its start) into a new file NAME of
 * the quarantine qfd, 0600; through NAME.part and a rename if atomic, so
 * that NAME exists only complete.  Not synced.  0, or -1 with err */
static int
copy_fd(int in, int qfd, const char *name, int atomic, struct mg_err *err)
{
	char buf[65536], tmp[300];
	off_t off = 0;
	ssize_t r;
	int out, rc = 0;

	(void)snprintf(tmp, sizeof(tmp), "%s%s", name, atomic ? ".part" :
	    "");
	(void)unlinkat(qfd, tmp, 0);
	out = openat(qfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (out < 0)
		return (mg_err_errno(err, "cannot create %s", tmp));
	while ((r = pread(in, buf, sizeof(buf), off)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || (off += r) > (off_t)MG_QFILE_MAX ||
		    write(out, buf, (size_t)r) != r) {
			rc = mg_err_errno(err, "cannot copy %s", name);
			break;
		}
	}
	mg_fault("purge-copying");
	if (close(out) < 0 && rc == 0)
		rc = mg_err_errno(err, "cannot write %s", tmp);
	if (rc == 0 && atomic && renameat(qfd, tmp, qfd, name) < 0)
		rc = mg_err_errno(err, "cannot rename %s", tmp);
	if (rc < 0)
		(void)unlinkat(qfd, tmp, 0);
	return (rc);
}

/*
 * keep - m's spool file ID-C (open as fd, under the lock) kept in the
 * quarantine qfd as ID-C: a hard link where the quarantine is on the
 * spool's filesystem (Exim never writes a -D after it is received and
 * replaces a -H by writing a new file and renaming it over the old one:
 * the inode linked under the lock stays what it was, and exim -Mrm
 * leaves it to the quarantine alone), else a copy (the -H through a
 * rename: last, and whole).  0, or -1 with err
 */
static int
keep(int ifd, const struct exmsg *m, char c, int fd, int qfd,
    struct mg_err *err)
{
	char name[300], dst[300];

	spool_name(name, sizeof(name), m->id, m->sub, c);
	(void)snprintf(dst, sizeof(dst), "%s-%c", m->id, c);
	if (linkat(ifd, name, qfd, dst, 0) == 0) {
		if (c == 'D')
			mg_fault("purge-copying");	/* -D, no -H yet */
		return (0);
	}
	if (errno != EXDEV && errno != EPERM)
		return (mg_err_errno(err, "cannot link %s to the quarantine",
		    name));
	return (copy_fd(fd, qfd, dst, c == 'H', err));
}

/* drop_copy - the quarantine copies of id removed (its -H first: a -D
 * alone is no quarantined message to a restore) */
static void
drop_copy(int qfd, const char *id)
{
	char name[300];

	(void)snprintf(name, sizeof(name), "%s-H", id);
	(void)unlinkat(qfd, name, 0);
	(void)snprintf(name, sizeof(name), "%s-D", id);
	(void)unlinkat(qfd, name, 0);
}

enum { SNAP_OK, SNAP_GONE, SNAP_LOCKED, SNAP_FAILED };

/*
 * snap - m's -D and -H copied into the quarantine (qfd) under a read
 * lock on the -D (Exim's region: the ID line, spool_data_start_offset),
 * the -H's identity kept in m; the -D is written first and the -H last,
 * through a rename, so an ID-H in the quarantine means both are whole.
 * The lock goes with the descriptors (fcntl(2) locks belong to the
 * process and any close of the file drops them: the -D is read through
 * the descriptor that holds it).  uid: input/'s owner, the Exim user.
 * SNAP_OK, SNAP_GONE, SNAP_LOCKED (a delivery has it), SNAP_FAILED with
 * err.
 */
static int
snap(int ifd, uid_t uid, int qfd, struct exmsg *m, struct mg_err *err)
{
	char name[300];
	struct flock lk;
	struct stat hs, ds;
	int dfd = -1, hfd = -1, rc = SNAP_FAILED;

	for (m->sub = 0; m->sub < 2; m->sub++) {
		spool_name(name, sizeof(name), m->id, m->sub, 'D');
		dfd = openat(ifd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
		    O_NONBLOCK);
		if (dfd >= 0 || errno != ENOENT)
			break;
	}
	if (dfd < 0) {
		if (errno == ENOENT)
			return (SNAP_GONE);
		(void)mg_err_errno(err, "cannot open %s", name);
		return (SNAP_FAILED);
	}
	memset(&lk, 0, sizeof(lk));
	lk.l_type = F_RDLCK;
	lk.l_whence = SEEK_SET;
	lk.l_start = 0;
	lk.l_len = (off_t)strlen(m->id) + 3;	/* "ID-D\n" */
	if (fcntl(dfd, F_SETLK, &lk) < 0) {
		rc = errno == EAGAIN || errno == EACCES ? SNAP_LOCKED :
		    mg_err_errno(err, "cannot lock %s", name);
		goto out;
	}
	spool_name(name, sizeof(name), m->id, m->sub, 'H');
	hfd = openat(ifd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK);
	if (hfd < 0) {
		rc = errno == ENOENT ? SNAP_GONE : mg_err_errno(err,
		    "cannot open %s", name);
		goto out;
	}
	/* what Exim wrote: regular files of its user (a spool name linked
	 * to another user's file would carry that file into the
	 * quarantine, and a rollback into the spool; more names of the
	 * Exim user's own file give it nothing it had not) */
	if (fstat(hfd, &hs) < 0 || fstat(dfd, &ds) < 0 ||
	    !S_ISREG(hs.st_mode) || !S_ISREG(ds.st_mode) || hs.st_uid !=
	    uid || ds.st_uid != uid) {
		(void)mg_err_set(err, "%s: its spool files are not regular "
		    "files of the Exim user", m->id);
		goto out;
	}
	m->ino = hs.st_ino;
	m->size = hs.st_size;
	m->mtime = hs.st_mtim;
	if (keep(ifd, m, 'D', dfd, qfd, err) < 0 || keep(ifd, m, 'H', hfd,
	    qfd, err) < 0)
		goto out;
	rc = SNAP_OK;
out:
	if (rc != SNAP_OK)
		drop_copy(qfd, m->id);
	if (hfd >= 0)
		(void)close(hfd);
	(void)close(dfd);		/* the lock goes with it */
	return (rc);
}

/* same_h - m's -H is still the one copied: 1; 0 if it changed; -1 if it
 * is gone */
static int
same_h(int ifd, const struct exmsg *m)
{
	char name[300];
	struct stat st;

	spool_name(name, sizeof(name), m->id, m->sub, 'H');
	if (fstatat(ifd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return (errno == ENOENT ? -1 : 0);
	return (st.st_ino == m->ino && st.st_size == m->size &&
	    st.st_mtim.tv_sec == m->mtime.tv_sec &&
	    st.st_mtim.tv_nsec == m->mtime.tv_nsec);
}

/* cmp_id - bsearch an ID among sorted IDs */
static int
cmp_id(const void *key, const void *elt)
{
	return (strcmp(key, *(const char *const *)elt));
}

/*
 * mg_exim_rm_parse - what exim -Mrm said (out) of each of the n sorted
 * IDs: state[i] MG_EXRM_REMOVED for "Message ID has been removed" (its
 * -D was there and locked by exim -Mrm itself: queue.c queue_action),
 * MG_EXRM_LOCKED for "Message ID is locked" (a delivery has it), else
 * 0 ("... has been removed or did not exist": it was gone already).
 * Every line but the removed ones appended to rest (may be NULL).
 */
void
mg_exim_rm_parse(const char *out, const char *const *ids, size_t n,
    unsigned char *state, struct mg_str *rest)
{
	const char *cur, *line, *const *hit;
	char id[64];
	size_t len, idl;

	memset(state, 0, n);
	for (cur = out; mg_line_next(&cur, &line, &len);) {
		hit = NULL;
		idl = 0;
		if (len > 8 && memcmp(line, "Message ", 8) == 0) {
			idl = strcspn(line + 8, " \n");
			if (idl < sizeof(id) && idl < len - 8) {
				memcpy(id, line + 8, idl);
				id[idl] = '\0';
				hit = n > 0 ? bsearch(id, ids, n, sizeof(*ids),
				    cmp_id) : NULL;
			}
		}
		if (hit != NULL && len == 8 + idl + 17 && memcmp(line + 8 +
		    idl, " has been removed", 17) == 0) {
			state[hit - ids] = MG_EXRM_REMOVED;
			continue;
		}
		if (hit != NULL && len == 8 + idl + 10 && memcmp(line + 8 +
		    idl, " is locked", 10) == 0)
			state[hit - ids] = MG_EXRM_LOCKED;
		if (rest != NULL) {
			mg_str_append(rest, line, len);
			mg_str_putc(rest, '\n');
		}
	}
}

/*
 * rm_batch - exim -Mrm on the n messages of b (sorted by ID), as many
 * at a time as batches() allows; what it said of each kept in b; the
 * rest of its output goes to the log
 */
static void
rm_batch(struct mg_target *t, struct mg_qrun *p, struct exmsg *b, size_t n,
    size_t done)
{
	struct mg_str out = MG_STR_INIT;
	struct mg_err err;
	unsigned char *state;
	const char **ids;
	size_t i;

	ids = mg_xcalloc(n + 1, sizeof(*ids));
	state = mg_xcalloc(n + 1, 1);
	for (i = 0; i < n; i++)
		ids[i] = b[i].id;
	/* its exit status says only that some ID was not removed: each
	 * is judged by what was said of it */
	(void)batches(t, &out, "-Mrm", (char *const *)ids, n, p,
	    MG_QSTEP_DELETE, "delete", done, p->nids, NULL, &err);
	mg_exim_rm_parse(mg_str_cstr(&out), ids, n, state, &p->log);
	for (i = 0; i < n; i++) {
		b[i].removed = state[i] == MG_EXRM_REMOVED;
		b[i].locked = state[i] == MG_EXRM_LOCKED;
	}
	free(state);
	free(ids);
	mg_str_free(&out);
}

/* What one purge carries through its rounds. */
struct expurge {
	struct mg_target *t;
	struct mg_qrun *p;
	int ifd;			/* input/ */
	int lfd;			/* the quarantine's purge log */
	int resume;			/* finishing an interrupted purge */
	uid_t uid;			/* its owner */
	struct exmsg *b;		/* the batch */
	const char **next;		/* for the next round */
	size_t nnext, next_cap;
	size_t gone, changed, locked, failed, tried;
	double window;			/* longest look-to--Mrm, seconds */
	double tcopy, tsync, trm;	/* MAILGUARD_TEST_TIMING */
};

/* now_s - a monotonic clock, seconds */
static double
now_s(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/*
 * The purge log, MG_EXIM_PURGE_LOG in the quarantine, is what a restore
 * (or finishing the purge) believes after a crash: the copies alone do
 * not say whether exim -Mrm ever ran on a message.  Before each exim
 * -Mrm call, "rm ID" for each ID it is given, synced; after it returned,
 * "removed ID" for each it removed and "end" (synced with the next
 * call's lines: unsynced, the "rm" lines alone mean the same but for
 * what the call found gone; one fdatasync per EX_RM_CHUNK IDs).  A copy
 * whose ID has no "rm" line (killed before its -Mrm), or whose chunk
 * has its "end" without "removed ID", is of a message the purge never
 * removed: still queued, or delivered by Exim since - never put back.
 * An "rm" without its "end" is the chunk a kill cut short: what of it
 * left the spool was removed by that exim -Mrm.  A run finishing the
 * purge appends "resume" first, then its own chunks.
 */

/* plog_open - the purge log, created (or appended to), durable with its
 * name before any exim -Mrm; its fd in x->lfd, or -1 with err */
static int
plog_open(struct expurge *x, struct mg_err *err)
{
	struct stat st;

	/* finishing: a quarantine without a log (an older purge) would
	 * have its earlier copies taken for mail never removed */
	x->lfd = openat(x->p->qfd, MG_EXIM_PURGE_LOG, O_WRONLY | O_APPEND |
	    O_NOFOLLOW | O_CLOEXEC | (x->resume ? 0 : O_CREAT), 0600);
	if (x->lfd < 0 && x->resume && errno == ENOENT)
		return (mg_err_set(err, "%s has no %s (a purge by an older "
		    "mailguard-tui): it cannot be finished; put its mail back "
		    "with rollback, then purge again", x->p->qdir,
		    MG_EXIM_PURGE_LOG));
	if (x->lfd < 0)
		return (mg_err_errno(err, "cannot create %s/%s", x->p->qdir,
		    MG_EXIM_PURGE_LOG));
	if (fstat(x->lfd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_nlink !=
	    1 || fsync(x->lfd) < 0 || fsync(x->p->qfd) < 0) {
		(void)close(x->lfd);
		x->lfd = -1;
		return (mg_err_set(err, "cannot make %s/%s durable (a "
		    "regular file, one link)", x->p->qdir,
		    MG_EXIM_PURGE_LOG));
	}
	return (0);
}

/* plog_write - text appended to the purge log, synced if sync; 0, or -1
 * with err */
static int
plog_write(struct expurge *x, const struct mg_str *text, int sync,
    struct mg_err *err)
{
	size_t off = 0;
	ssize_t w;

	while (off < text->len) {
		w = write(x->lfd, text->data + off, text->len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return (mg_err_errno(err, "cannot write %s/%s",
			    x->p->qdir, MG_EXIM_PURGE_LOG));
		off += (size_t)w;
	}
	if (sync && fdatasync(x->lfd) < 0)
		return (mg_err_errno(err, "cannot sync %s/%s", x->p->qdir,
		    MG_EXIM_PURGE_LOG));
	return (0);
}

/*
 * mg_exim_purge_log - what purge log text (len bytes; a last line
 * without its newline is one a kill cut short, and ignored) says of
 * each of the n sorted IDs: state[i] MG_EXLOG_REMOVED (exim -Mrm said
 * it removed it), MG_EXLOG_PENDING (given to an exim -Mrm whose end was
 * never recorded), MG_EXLOG_KEPT (given to one that did not remove it),
 * else MG_EXLOG_NONE (never given to exim -Mrm).  Lines naming other
 * IDs are ignored.
 */
void
mg_exim_purge_log(const char *log, size_t len, const char *const *ids,
    size_t n, unsigned char *state)
{
	const char *cur = log, *end = log + len, *nl, *const *hit;
	char id[64];
	size_t *open = NULL, nopen = 0, cap = 0, i, k, l;
	unsigned char to;

	memset(state, MG_EXLOG_NONE, n);
	while (cur < end && (nl = memchr(cur, '\n', (size_t)(end -
	    cur))) != NULL) {
		l = (size_t)(nl - cur);
		hit = NULL;
		to = MG_EXLOG_NONE;
		if (l == 3 && memcmp(cur, "end", 3) == 0) {
			for (i = 0; i < nopen; i++)
				if (state[open[i]] == MG_EXLOG_PENDING)
					state[open[i]] = MG_EXLOG_KEPT;
			nopen = 0;
		} else if (l == 6 && memcmp(cur, "resume", 6) == 0) {
			/* the chunk a kill cut short stays pending: the
			 * finishing run's "end" is not its end */
			nopen = 0;
		} else if (l > 3 && memcmp(cur, "rm ", 3) == 0) {
			k = 3;
			to = MG_EXLOG_PENDING;
		} else if (l > 8 && memcmp(cur, "removed ", 8) == 0) {
			k = 8;
			to = MG_EXLOG_REMOVED;
		}
		if (to != MG_EXLOG_NONE && l - k < sizeof(id) && n > 0) {
			memcpy(id, cur + k, l - k);
			id[l - k] = '\0';
			hit = bsearch(id, ids, n, sizeof(*ids), cmp_id);
		}
		if (hit != NULL) {
			i = (size_t)(hit - ids);
			/* a removal stays one: a later "rm" of the same ID
			 * (finishing the purge) cannot undo it */
			if (state[i] != MG_EXLOG_REMOVED)
				state[i] = to;
			if (to == MG_EXLOG_PENDING)
				*MG_ARRAY_PUSH(open, nopen, cap) = i;
		}
		cur = nl + 1;
	}
	free(open);
}

/*
 * rm_chunk - the n synced messages of c looked at again and given to
 * exim -Mrm at once: a -H rewritten since the copy (a delivery came in
 * between) goes to the next round, one gone was delivered; both lose
 * their copies, as does what exim -Mrm did not remove.  EX_RM_CHUNK
 * bounds the time between the look and exim -Mrm taking the lock.  The
 * purge log says "rm" of the chunk before exim -Mrm and what it removed
 * after.  0, or -1 with err when the log could not be written (nothing
 * more may be removed)
 */
static int
rm_chunk(struct expurge *x, struct exmsg *c, size_t n, struct mg_err *err)
{
	struct mg_str rec = MG_STR_INIT;
	struct mg_qrun *p = x->p;
	struct exmsg *m;
	size_t i, live = 0;
	double t0 = now_s();
	int rc = 0;

	for (i = 0; i < n; i++) {
		m = &c[i];
		switch (same_h(x->ifd, m)) {
		case 1:
			c[live++] = *m;
			continue;
		case 0:		/* a delivery rewrote it: again later */
			*MG_ARRAY_PUSH(x->next, x->nnext, x->next_cap) = m->id;
			break;
		default:	/* delivered, or removed by someone else */
			x->gone++;
			break;
		}
		drop_copy(p->qfd, m->id);
	}
	if (live == 0)
		return (0);
	for (i = 0; i < live; i++)
		mg_str_printf(&rec, "rm %s\n", c[i].id);
	if (plog_write(x, &rec, 1, err) < 0) {
		for (i = 0; i < live; i++)
			drop_copy(p->qfd, c[i].id);
		x->failed += live;
		mg_str_free(&rec);
		return (-1);
	}
	rm_batch(x->t, p, c, live, p->ncopied);
	mg_fault("purge-rm");	/* as a kill during exim -Mrm leaves it */
	if (now_s() - t0 > x->window)
		x->window = now_s() - t0;
	x->trm += now_s() - t0;
	mg_str_reset(&rec);
	for (i = 0; i < live; i++)
		if (c[i].removed)
			mg_str_printf(&rec, "removed %s\n", c[i].id);
	mg_str_puts(&rec, "end\n");
	/* not synced: the next chunk's "rm" sync carries it, and until
	 * then the "rm" lines alone say enough (what left the spool was
	 * removed, what is queued was not); the copies of what it removed
	 * stay whatever happens next */
	rc = plog_write(x, &rec, 0, err);
	mg_str_free(&rec);
	for (i = 0; i < live; i++) {
		m = &c[i];
		if (m->removed) {
			*MG_ARRAY_PUSH(p->copied, p->ncopied, p->copied_cap) =
			    mg_xstrdup(m->id);
			continue;
		}
		/* not removed by us: no copy may stay to be sent again */
		drop_copy(p->qfd, m->id);
		if (m->locked)
			*MG_ARRAY_PUSH(x->next, x->nnext, x->next_cap) = m->id;
		else
			x->gone++;
	}
	return (rc);
}

/*
 * one_batch - the n IDs of ids: copied, synced, looked at again, removed
 * with exim -Mrm; what was locked or changed meanwhile goes to the next
 * round, without a copy.  0, or -1 with err when the sync failed
 * (nothing of the batch removed, its copies dropped: the purge stops)
 */
static int
one_batch(struct expurge *x, const char **ids, size_t n, struct mg_err *err)
{
	struct mg_qrun *p = x->p;
	struct mg_err e;
	struct exmsg *m;
	size_t i, k = 0;
	double t0 = now_s();
	int rc;

	for (i = 0; i < n; i++) {
		m = &x->b[k];
		memset(m, 0, sizeof(*m));
		m->id = ids[i];
		x->tried++;
		if (x->resume)	/* the old copy of a message still queued */
			drop_copy(p->qfd, m->id);
		switch (snap(x->ifd, x->uid, p->qfd, m, &e)) {
		case SNAP_OK:
			k++;
			mg_qfault_after("purge-copied", x->tried);
			break;
		case SNAP_LOCKED:
			*MG_ARRAY_PUSH(x->next, x->nnext, x->next_cap) = ids[i];
			break;
		case SNAP_GONE:
			x->gone++;
			break;
		default:
			(void)fprintf(p->out, "  %s stays in the queue: ",
			    ids[i]);
			mg_print_sanitized(p->out, e.msg);
			(void)fputc('\n', p->out);
			x->failed++;
			break;
		}
		mg_qrun_progress(p, MG_QSTEP_COPY, "quarantine", x->tried,
		    p->nids);
	}
	x->tcopy += now_s() - t0;
	if (k == 0)
		return (0);
	t0 = now_s();
	/* the copies, their names and the quarantine durable before any
	 * -Mrm: one syncfs for the batch, not an fsync per file */
	if (syncfs(p->qfd) < 0 || fsync(p->qfd) < 0) {
		rc = mg_err_errno(err, "cannot sync %s: the messages copied "
		    "there stay in the queue", p->qdir);
		for (i = 0; i < k; i++)
			drop_copy(p->qfd, x->b[i].id);
		return (rc);
	}
	mg_fault("purge-copied");
	x->tsync += now_s() - t0;
	for (i = 0; i < k; i += EX_RM_CHUNK) {
		if (rm_chunk(x, x->b + i, k - i < EX_RM_CHUNK ? k - i :
		    EX_RM_CHUNK, err) < 0) {
			/* the rest of the batch stays queued, uncopied */
			for (i += EX_RM_CHUNK; i < k; i++)
				drop_copy(p->qfd, x->b[i].id);
			return (-1);
		}
	}
	p->nsynced = p->ncopied;
	mg_fault("purge-deleted");
	return (0);
}

/*
 * purge_ids - in batches of MG_QSYNC_BATCH: copy each message into the
 * quarantine under its spool lock, sync, exim -Mrm the copied IDs whose
 * -H did not change; up to EX_ROUNDS rounds for what a delivery held or
 * changed meanwhile.  resume: the quarantine is an interrupted purge's
 * (a copy of a message still queued there is replaced)
 */
static int
purge_ids(struct mg_target *t, struct mg_qrun *p, int resume,
    struct mg_err *err)
{
	struct mg_str rec = MG_STR_INIT;
	struct expurge x;
	struct stat st;
	char *sdir = NULL, path[PATH_MAX];
	const char **todo;
	size_t ntodo, i, n;
	int round, rc = 0;

	if (mg_exim_spool_directory(t, &sdir, err) < 0)
		return (-1);
	(void)snprintf(path, sizeof(path), "%s/input", sdir);
	free(sdir);
	if (mg_qrun_open_quarantine(p, err) < 0)
		return (-1);
	mg_fault("purge-held");
	memset(&x, 0, sizeof(x));
	x.t = t;
	x.p = p;
	x.resume = resume;
	if (plog_open(&x, err) < 0)
		return (-1);
	mg_str_puts(&rec, "resume\n");
	rc = resume ? plog_write(&x, &rec, 1, err) : 0;
	mg_str_free(&rec);
	if (rc < 0) {
		(void)close(x.lfd);
		return (-1);
	}
	if ((x.ifd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		rc = mg_err_errno(err, "cannot open %s", path);
		(void)close(x.lfd);
		return (rc);
	}
	if (fstat(x.ifd, &st) < 0) {
		rc = mg_err_errno(err, "cannot stat %s", path);
		(void)close(x.ifd);
		(void)close(x.lfd);
		return (rc);
	}
	x.uid = st.st_uid;
	x.b = mg_xcalloc(MG_QSYNC_BATCH, sizeof(*x.b));
	todo = mg_xcalloc(p->nids + 1, sizeof(*todo));
	for (i = ntodo = 0; i < p->nids; i++)
		if (strlen(p->ids[i]) >= 6 && strlen(p->ids[i]) < 64)
			todo[ntodo++] = p->ids[i];
	(void)fprintf(p->out, "quarantining and removing in batches of %d "
	    "(each copied under Exim's spool lock, synced to disk, then "
	    "exim -Mrm)\n", MG_QSYNC_BATCH);
	for (round = 0; round < EX_ROUNDS && ntodo > 0 && rc == 0; round++) {
		if (round > 0) {
			(void)fprintf(p->out, "  %zu were being delivered: "
			    "trying them again\n", ntodo);
			(void)sleep(1);
		}
		x.nnext = 0;
		for (i = 0; i < ntodo && rc == 0; i += n) {
			n = ntodo - i < MG_QSYNC_BATCH ? ntodo - i :
			    MG_QSYNC_BATCH;
			rc = one_batch(&x, todo + i, n, err);
		}
		/* the IDs stay sorted: the next round's batches are
		 * searched by ID too */
		qsort(x.next, x.nnext, sizeof(*x.next), mg_strp_cmp);
		free(todo);
		todo = x.next;
		ntodo = x.nnext;
		x.next = NULL;
		x.nnext = x.next_cap = 0;
	}
	if (ntodo > 0 && rc == 0)
		(void)fprintf(p->out, "  %zu stay in the queue: an Exim "
		    "delivery held them through %d tries (purge again)\n",
		    ntodo, EX_ROUNDS);
	if (getenv("MAILGUARD_TEST_TIMING") != NULL)
		(void)fprintf(stderr, "exim purge: copy %.3f s, sync %.3f "
		    "s, look again and exim -Mrm %.3f s; longest look to "
		    "-Mrm %.3f s\n", x.tcopy, x.tsync, x.trm, x.window);
	free(todo);
	free(x.b);
	(void)close(x.ifd);
	(void)close(x.lfd);
	(void)fprintf(p->out, "quarantined %zu in %s; exim -Mrm removed "
	    "%zu\n", p->ncopied, p->qdir, p->ncopied);
	return (rc);
}

/* mg_exim_purge - the run's IDs purged into a new quarantine */
int
mg_exim_purge(struct mg_target *t, struct mg_qrun *p, struct mg_err *err)
{
	return (purge_ids(t, p, 0, err));
}

/*
 * mg_exim_purge_finish - the run's IDs (an interrupted purge's, still
 * queued) purged into the quarantine it left: each copied afresh under
 * its lock (a copy the kill left is of a message never removed, maybe
 * rewritten since by a delivery), synced, its -H looked at again, then
 * exim -Mrm - never a message that is not the one copied
 */
int
mg_exim_purge_finish(struct mg_target *t, struct mg_qrun *p,
    struct mg_err *err)
{
	return (purge_ids(t, p, 1, err));
}

/* tail_is - line (len) is "Message ID" + tail, ID one queue ID */
static int
tail_is(const char *line, size_t len, const char *tail)
{
	size_t idl, tl = strlen(tail);

	if (len <= 8 || memcmp(line, "Message ", 8) != 0)
		return (0);
	idl = strcspn(line + 8, " \n");
	return (idl > 0 && idl < 64 && len == 8 + idl + tl &&
	    memcmp(line + 8 + idl, tail, tl) == 0);
}

/*
 * mg_exim_act_parse - what exim -Mf (hold) or -Mt said (out) when it
 * exited non-zero: Exim acts on every ID it is given (queue.c
 * queue_action) and fails the whole call for any one it did not act on.
 * Lines it may say with the batch done all the same: the message is now
 * so ("is now frozen", "is no longer frozen"), was so already ("is
 * already frozen", "is not frozen"), or left the queue before it
 * ("Spool data file for ID does not exist": its ID, if not NULL, put in
 * gone, a string of IDs a line each).  How many lines said anything
 * else: 0 if the batch did what was asked (when each gone ID is really
 * gone from the spool: the caller looks).
 */
size_t
mg_exim_act_parse(const char *out, int hold, struct mg_str *gone)
{
	static const char nodata[] = "Spool data file for ";
	static const char noexist[] = " does not exist";
	const char *cur, *line, *id;
	size_t len, idl, bad = 0;

	for (cur = out; mg_line_next(&cur, &line, &len);) {
		if (len == 0 || tail_is(line, len, hold ? " is now frozen" :
		    " is no longer frozen") || tail_is(line, len, hold ?
		    " is already frozen" : " is not frozen"))
			continue;
		id = line + sizeof(nodata) - 1;
		idl = len > sizeof(nodata) - 1 ? strcspn(id, " \n") : 0;
		if (len > sizeof(nodata) - 1 && memcmp(line, nodata,
		    sizeof(nodata) - 1) == 0 && idl > 0 && idl < 64 &&
		    len == sizeof(nodata) - 1 + idl + sizeof(noexist) - 1 &&
		    memcmp(id + idl, noexist, sizeof(noexist) - 1) == 0) {
			if (gone != NULL) {
				mg_str_append(gone, id, idl);
				mg_str_putc(gone, '\n');
			}
			continue;
		}
		bad++;
	}
	return (bad);
}

/* spooled - ID's -H is in input/ or input/X/ (split_spool_directory)
 * under input, or cannot be looked for */
static int
spooled(const char *input, const char *id, size_t idl)
{
	char path[PATH_MAX];
	struct stat st;
	int sub;

	if (idl < 6)
		return (1);
	for (sub = 0; sub < 2; sub++) {
		if (sub)
			(void)snprintf(path, sizeof(path), "%s/%c/%.*s-H",
			    input, id[5], (int)idl, id);
		else
			(void)snprintf(path, sizeof(path), "%s/%.*s-H", input,
			    (int)idl, id);
		if (lstat(path, &st) == 0 || errno != ENOENT)
			return (1);
	}
	return (0);
}

/* act_ok - a judge: the batch's output says it did what was asked,
 * every message it says did not exist gone from the spool indeed */
static int
act_ok(const struct judge *j, const char *out)
{
	struct mg_str gone = MG_STR_INIT;
	const char *cur, *line;
	size_t len;
	int ok;

	ok = mg_exim_act_parse(out, j->hold, &gone) == 0;
	for (cur = mg_str_cstr(&gone); ok && mg_line_next(&cur, &line, &len);)
		if (len > 0 && spooled(j->input, line, len))
			ok = 0;
	mg_str_free(&gone);
	return (ok);
}

/* mg_exim_queue_act - exim -Mf (hold) or -Mt (release) on ids; a batch
 * Exim fails only for messages frozen (thawed) already or gone from the
 * spool since the read is done (act_ok); Exim has no requeue */
int
mg_exim_queue_act(struct mg_target *t, struct mg_qrun *p,
    enum mg_qaction act, char *const *ids, size_t n, const char *name,
    struct mg_err *err)
{
	struct judge j = { act_ok, NULL, act == MG_QA_HOLD };
	char *sdir = NULL, input[PATH_MAX];
	int rc;

	if (act != MG_QA_HOLD && act != MG_QA_RELEASE)
		return (mg_err_set(err, "Exim has no requeue: release "
		    "(thaw) the messages and the next queue run retries "
		    "them"));
	if (n == 0)
		return (0);
	if (mg_exim_spool_directory(t, &sdir, err) < 0)
		return (-1);
	(void)snprintf(input, sizeof(input), "%s/input", sdir);
	free(sdir);
	j.input = input;
	rc = batches(t, &p->log, act == MG_QA_HOLD ? "-Mf" : "-Mt", ids, n,
	    p, 1, name, 0, n, &j, err);
	return (rc);
}

/* mg_exim_quarantine_msg - the message quarantine copies ID-H and ID-D
 * hold, appended to q */
int
mg_exim_quarantine_msg(struct mg_target *t, int qfd, const char *id,
    struct mg_queue *q, struct mg_err *err)
{
	struct mg_str buf = MG_STR_INIT;
	struct stat st;
	char name[256];
	long long dsize = -1;
	int rc = -1;

	(void)t;
	(void)snprintf(name, sizeof(name), "%s-D", id);
	if (qfd >= 0 && fstatat(qfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0)
		dsize = (long long)st.st_size;
	(void)snprintf(name, sizeof(name), "%s-H", id);
	if (mg_qfile_read(qfd, name, &buf) == 0)
		rc = mg_exim_queue_parse(buf.data, buf.len, name, dsize, q,
		    err);
	else
		(void)mg_err_set(err, "%s: no readable copy", id);
	mg_str_free(&buf);
	return (rc);
}

/* --- restore ----------------------------------------------------- */

/* exim_split - exim -bP split_spool_directory: 1 if set */
static int
exim_split(const struct mg_target *t, struct mg_err *err)
{
	const char *argv[] = { t->bin, "-C", t->config_file, "-bP",
	    "split_spool_directory", NULL };
	struct mg_exec_res res;
	int split;

	if (t->config_file == NULL) {
		argv[1] = "-bP";
		argv[2] = "split_spool_directory";
		argv[3] = NULL;
	}
	if (mg_exec_run(argv, 30000, &res, err) < 0)
		return (-1);
	/* -bP prints a boolean as its name, or no_ and its name */
	split = strncmp(mg_str_cstr(&res.out), "split_spool_directory",
	    21) == 0;
	mg_exec_res_free(&res);
	return (split);
}

/*
 * ex_dirfd - the directory ID's files go in, opened: input/, or input/X/
 * with split_spool_directory (made if create, then given to the Exim
 * user by its fd).  input/ belongs to the Exim user, who could swap
 * input/X for a symlink at any moment: everything goes through fds
 * opened without following one.  The fd, or -1 with err; its name in
 * dname.
 */
static int
ex_dirfd(struct mg_qrestore *r, const char *id, int create, char *dname,
    size_t size, struct mg_err *err)
{
	const struct ex *ex = r->mta;
	struct stat st;
	char x[2];
	int fd, made = 0;

	(void)snprintf(dname, size, "%s", ex->input);
	if (!ex->split || strlen(id) <= 5) {
		if ((fd = fcntl(ex->ifd, F_DUPFD_CLOEXEC, 0)) < 0)
			return (mg_err_errno(err, "cannot open %s", dname));
		return (fd);
	}
	x[0] = id[5];
	x[1] = '\0';
	(void)snprintf(dname, size, "%s/%s", ex->input, x);
	if (create) {
		if (mkdirat(ex->ifd, x, 0750) == 0)
			made = 1;
		else if (errno != EEXIST)
			return (mg_err_errno(err, "cannot create %s", dname));
	}
	fd = openat(ex->ifd, x, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0)
		return (mg_err_errno(err, "cannot open %s (a directory, not "
		    "a symbolic link)", dname));
	if ((made && fchown(fd, ex->uid, ex->gid) < 0) || fstat(fd,
	    &st) < 0) {
		(void)mg_err_errno(err, "cannot set the owner of %s", dname);
		(void)close(fd);
		return (-1);
	}
	if (st.st_uid != ex->uid && st.st_uid != 0) {
		(void)mg_err_set(err, "%s belongs to uid %ld, not to the Exim "
		    "user", dname, (long)st.st_uid);
		(void)close(fd);
		return (-1);
	}
	return (fd);
}

/* ex_put - quarantine copy NAME as NAME in dfd (dname), mode 0640; 0, 1
 * if no copy, -1 with err */
static int
ex_put(struct mg_qrestore *r, int dfd, const char *dname, const char *name,
    int replace, struct mg_err *err)
{
	const struct ex *ex = r->mta;
	int fd, rc;

	if ((fd = mg_qrestore_open_copy(r, name)) < 0)
		return (errno == ENOENT || r->qfd < 0 ? 1 : mg_err_errno(err,
		    "cannot open the copy of %s", name));
	rc = mg_install_copy_at(dfd, dname, fd, name, MG_QFILE_MAX, 0640,
	    ex->uid, ex->gid, replace, NULL, err);
	(void)close(fd);
	if (rc > 0)
		rc = mg_err_set(err, "%s/%s exists", dname, name);
	return (rc);
}

/* ex_place - ID-D (a -D without its -H is no message to Exim), then
 * ID-H, never over an -H that is there; the ID stays */
static int
ex_place(struct mg_qrestore *r, struct mg_qrmsg *m)
{
	struct ex *ex = r->mta;
	char dname[PATH_MAX + 8], name[256];
	struct mg_err err;
	int dfd, rc;

	(void)snprintf(name, sizeof(name), "%s-H", m->id);
	if (r->qfd < 0 || faccessat(r->qfd, name, F_OK, AT_EACCESS) < 0)
		return (1);	/* never quarantined completely */
	/* a copy the purge log does not say exim -Mrm removed: the
	 * message left the spool by delivery (m->live is NULL), never by
	 * the purge - putting it back would send it twice */
	if (ex->logst != NULL && ex->logst[m - r->m] != MG_EXLOG_REMOVED &&
	    ex->logst[m - r->m] != MG_EXLOG_PENDING) {
		ex->not_purged++;
		return (1);
	}
	if ((dfd = ex_dirfd(r, m->id, 1, dname, sizeof(dname),
	    &err)) < 0) {
		mg_qrestore_not_back(r, m, err.msg);
		return (-1);
	}
	(void)snprintf(name, sizeof(name), "%s-D", m->id);
	if ((rc = ex_put(r, dfd, dname, name, 1, &err)) == 0) {
		(void)snprintf(name, sizeof(name), "%s-H", m->id);
		rc = ex_put(r, dfd, dname, name, 0, &err);
	}
	(void)close(dfd);
	if (rc > 0)
		return (1);
	if (rc < 0) {
		mg_qrestore_not_back(r, m, err.msg);
		return (-1);
	}
	mg_qrestore_set_state(m, "placed", NULL);
	if (!m->held)
		m->release = 1;	/* if frozen (older purges froze) */
	return (0);
}

/* ex_spooled - m's -H file is in input/ (input/X/): 1, 0, or -1 if the
 * directory cannot be read */
static int
ex_spooled(struct mg_qrestore *r, const struct mg_qrmsg *m)
{
	char dname[PATH_MAX + 8], name[256];
	struct mg_err err;
	struct stat st;
	int dfd, rc;

	if ((dfd = ex_dirfd(r, m->id, 0, dname, sizeof(dname),
	    &err)) < 0)
		return (errno == ENOENT ? 0 : -1);
	(void)snprintf(name, sizeof(name), "%s-H", m->id);
	rc = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? 1 :
	    errno == ENOENT ? 0 : -1;
	(void)close(dfd);
	return (rc);
}

/* remove_temps - temp files an interrupted restore left in input/ (dfd)
 * and in its one-letter subdirectories (split input/X/) */
static void
remove_temps(int dfd, int depth)
{
	struct dirent *de;
	struct stat st;
	DIR *d;
	int fd, sfd;

	if ((fd = dup(dfd)) < 0)
		return;
	if ((d = fdopendir(fd)) == NULL) {
		(void)close(fd);
		return;
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, ".mailguard.", 11) == 0 &&
		    strlen(de->d_name) == 17)
			(void)unlinkat(dfd, de->d_name, 0);
		if (depth > 0 || de->d_name[0] == '.' || de->d_name[1] !=
		    '\0' || fstatat(dfd, de->d_name, &st,
		    AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
			continue;
		sfd = openat(dfd, de->d_name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		if (sfd >= 0) {
			remove_temps(sfd, depth + 1);
			(void)close(sfd);
		}
	}
	(void)closedir(d);
}

/* ex_earlier - rows "placed" by an earlier run: queued (thaw it if the
 * entry froze it), or gone from the queue: "placed" is saved only once
 * the -H is in place, so a message Exim no longer lists was delivered
 * or removed since - never put back twice; an -H that is there but not
 * listed is reported */
static void
ex_earlier(struct mg_qrestore *r)
{
	const struct ex *ex = r->mta;
	struct mg_qrmsg *m;
	size_t i;

	for (i = 0; i < r->n; i++) {
		m = &r->m[i];
		if (!m->chosen || !mg_qrestore_is_state(m, "placed"))
			continue;
		if (m->live != NULL) {
			if (!m->held && mg_qmsg_held(m->live)) {
				m->release = 1;
				m->from_live = 1;
			} else
				mg_qrestore_set_state(m, "back", m->id);
			continue;
		}
		if (ex_spooled(r, m) != 0) {
			(void)fprintf(r->out, "  %s: its spool file is in %s "
			    "but Exim does not list it: not put back again\n",
			    m->id, ex->input);
			r->res->failed++;
			m->chosen = 0;
			continue;
		}
		mg_qrestore_set_state(m, "back", m->id);
		r->res->already++;
	}
}

/* ex_read_log - the purge log of the quarantine, if it has one (purges
 * before it had none: every whole copy is put back), read for the rows;
 * 0, or -1 with err if it is there but cannot be read whole (nothing
 * may be put back on a guess) */
static int
ex_read_log(struct mg_qrestore *r, struct mg_err *err)
{
	struct ex *ex = r->mta;
	struct mg_str buf = MG_STR_INIT;
	struct stat st;
	const char **ids;
	size_t i;

	if (r->qfd < 0 || (fstatat(r->qfd, MG_EXIM_PURGE_LOG, &st,
	    AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT))
		return (0);
	if (mg_qfile_read(r->qfd, MG_EXIM_PURGE_LOG, &buf) < 0) {
		mg_str_free(&buf);
		return (mg_err_set(err, "cannot read the quarantine's %s "
		    "whole: nothing put back", MG_EXIM_PURGE_LOG));
	}
	/* the rows are sorted by ID (load_rows) */
	ids = mg_xcalloc(r->n + 1, sizeof(*ids));
	for (i = 0; i < r->n; i++)
		ids[i] = r->m[i].id;
	ex->logst = mg_xcalloc(r->n + 1, 1);
	mg_exim_purge_log(buf.data, buf.len, ids, r->n, ex->logst);
	free(ids);
	mg_str_free(&buf);
	return (0);
}

/* mg_exim_restore - put back, then thaw what the entry froze; rows
 * "placed" by an interrupted run are thawed, or back already */
int
mg_exim_restore(struct mg_target *t, struct mg_qrestore *r,
    struct mg_err *err)
{
	struct ex exs, *ex = &exs;
	char *sdir = NULL, **ids;
	struct mg_qrmsg *m;
	size_t i, n = 0;
	int rc = -1;

	if (mg_exim_spool_directory(t, &sdir, err) < 0)
		return (-1);
	memset(ex, 0, sizeof(*ex));
	(void)snprintf(ex->input, sizeof(ex->input), "%s/input", sdir);
	free(sdir);
	if ((ex->split = exim_split(t, err)) < 0)
		return (-1);
	ex->ifd = open(ex->input, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (ex->ifd < 0)
		return (mg_err_errno(err, "cannot open %s", ex->input));
	r->mta = ex;	/* until out: */
	if (mg_qrestore_owner(ex->ifd, ex->input, &ex->uid, &ex->gid,
	    err) < 0)
		goto out;
	remove_temps(ex->ifd, 0);
	if (ex_read_log(r, err) < 0)
		goto out;
	ex_earlier(r);
	mg_qrestore_decide(r, ex_place);
	if (ex->not_purged > 0)
		(void)fprintf(r->out, "  %zu quarantine copies not put back: "
		    "the purge was interrupted before its exim -Mrm removed "
		    "them, and Exim delivered them since\n", ex->not_purged);
	if (r->save(r, err) < 0)
		goto out;
	mg_fault("restore-placed");
	/* thaw only what Exim now lists as frozen: -Mt on anything else
	 * is an error */
	if (mg_qrestore_load_live(r, err) < 0)
		goto out;
	for (i = 0; i < r->n; i++)
		if (r->m[i].release && !mg_qmsg_held(r->m[i].live))
			r->m[i].release = 0;
	ids = mg_xcalloc(r->n + 1, sizeof(*ids));
	for (i = 0; i < r->n; i++)
		if (r->m[i].release)
			ids[n++] = r->m[i].id;
	if (n > 0) {
		(void)fprintf(r->out, "thawing %zu (exim -Mt)\n", n);
		/* it carries on through a batch and fails if one ID failed
		 * (a spool file locked): judged per message below */
		(void)batches(t, &r->log, "-Mt", ids, n, NULL, 0, NULL, 0, n,
		    NULL, err);
	}
	free(ids);
	mg_fault("restore-released");
	/* back only what Exim no longer lists as frozen */
	if (mg_qrestore_load_live(r, err) < 0)
		goto out;
	for (i = 0; i < r->n; i++) {
		m = &r->m[i];
		if (!m->chosen || (!mg_qrestore_is_state(m, "placed") &&
		    !m->release))
			continue;
		if ((m->release || !m->held) && mg_qmsg_held(m->live)) {
			(void)fprintf(r->out, "  %s is still frozen (exim -Mt "
			    "failed): run the rollback again\n", m->id);
			mg_qrestore_not_done(r, m);
			mg_qrestore_set_state(m, "placed", NULL);
			continue;
		}
		mg_qrestore_set_state(m, "back", m->id);
		r->res->released += m->release && m->from_live;
	}
	rc = r->save(r, err);
out:
	(void)close(ex->ifd);
	free(ex->logst);
	r->mta = NULL;
	return (rc);
}
