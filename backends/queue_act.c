/*
 * queue_act.c - the MTA-neutral pieces of the queue actions both
 * backends share: progress, tool runs, safe copies into the quarantine,
 * and the bookkeeping of a restore (which message comes back how).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../core/mg_exec.h"
#include "../core/mg_file.h"
#include "../core/mg_install.h"
#include "../core/mg_sanitize.h"
#include "backend.h"
#include "queue_act.h"

/* mg_qrun_progress - tell the caller's bar; every file would be too
 * often, so within a step only each hundredth and the last */
void
mg_qrun_progress(const struct mg_qrun *p, unsigned step, const char *name,
    size_t done, size_t total)
{
	if (p->prog == NULL || p->prog->fn == NULL)
		return;
	if (done != 0 && done != total && done % 100 != 0)
		return;
	p->prog->fn(p->prog->arg, step, p->nsteps, name, done, total);
}

/*
 * mg_qtime - the profiling aid of a queue action: with
 * MAILGUARD_QUEUE_TIMING set, "timing: STEP MS" on stderr, the wall time
 * since the previous call (the first call starts the clock).  Nothing
 * in the product's output; for bench runs and profiles.
 */
void
mg_qtime(const char *step)
{
	static struct timespec last;
	struct timespec now;

	if (getenv("MAILGUARD_QUEUE_TIMING") == NULL)
		return;
	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	if (last.tv_sec != 0 || last.tv_nsec != 0)
		(void)fprintf(stderr, "timing: %s %lld ms\n", step,
		    (long long)(now.tv_sec - last.tv_sec) * 1000 +
		    (now.tv_nsec - last.tv_nsec) / 1000000);
	last = now;
}

/* mg_qrun_selected - name is one of the run's IDs */
int
mg_qrun_selected(const struct mg_qrun *p, const char *name)
{
	return (p->nids > 0 && bsearch(&name, p->ids, p->nids,
	    sizeof(*p->ids), mg_strp_cmp) != NULL);
}

/* mg_qrun_index - name's place among the run's (sorted) IDs, SIZE_MAX
 * if it is not one */
size_t
mg_qrun_index(const struct mg_qrun *p, const char *name)
{
	const char **hit;

	if (p->nids == 0)
		return (SIZE_MAX);
	hit = bsearch(&name, p->ids, p->nids, sizeof(*p->ids), mg_strp_cmp);
	return (hit != NULL ? (size_t)(hit - p->ids) : SIZE_MAX);
}

/* mg_qrun_tool - argv with input on stdin; its output kept in the log;
 * 0 if it exited 0 */
int
mg_qrun_tool(struct mg_qrun *p, const char *const *argv, const char *input,
    size_t len, struct mg_err *err)
{
	return (mg_exec_tool(argv, input, len, 600000, &p->log, err));
}

/* mg_qrun_ids_text - IDs one per line, for postsuper's stdin */
void
mg_qrun_ids_text(char *const *ids, size_t n, struct mg_str *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		mg_str_printf(out, "%s\n", ids[i]);
}

/* mg_qrun_copied - id is in the quarantine now: counted, and to delete */
void
mg_qrun_copied(struct mg_qrun *p, const char *id)
{
	*MG_ARRAY_PUSH(p->copied, p->ncopied, p->copied_cap) =
	    mg_xstrdup(id);
	mg_qrun_progress(p, MG_QSTEP_COPY, "quarantine", p->ncopied,
	    p->nids);
	mg_qfault_after("purge-copied", p->ncopied);
}

/* mg_qfile_copy - the bytes of src (opened safely) into a new file dst
 * (0600, must not exist): written as dst.part first and linked, so a copy
 * that exists under its name is complete (a purge killed midway leaves
 * at most a .part file, which no rollback reads).  Not synced: durable
 * only after mg_qrun_sync, which must come before the message is
 * deleted from the queue.  0, 1 if src is gone, -1 */
int
mg_qfile_copy(int sdirfd, const char *src, const char *dst,
    struct mg_err *err)
{
	char buf[65536], part[PATH_MAX + 310];
	ssize_t r;
	size_t total = 0;
	int in, out, rc = 0;

	if (snprintf(part, sizeof(part), "%s.part", dst) >= (int)sizeof(part))
		return (mg_err_set(err, "%s: name too long", dst));
	in = openat(sdirfd, src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK);
	if (in < 0)
		return (errno == ENOENT ? 1 : mg_err_errno(err, "open %s",
		    src));
	(void)unlink(part);
	out = open(part, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (out < 0) {
		(void)close(in);
		return (mg_err_errno(err, "create %s", part));
	}
	while ((r = read(in, buf, sizeof(buf))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || (total += (size_t)r) > MG_QFILE_MAX ||
		    write(out, buf, (size_t)r) != r) {
			rc = mg_err_errno(err, "copy %s", src);
			break;
		}
	}
	mg_fault("purge-copying");
	/* write-back started now; mg_qrun_sync waits for it */
	if (rc == 0)
		(void)sync_file_range(out, 0, 0, SYNC_FILE_RANGE_WRITE);
	(void)close(in);
	if (close(out) < 0 && rc == 0)
		rc = mg_err_errno(err, "close %s", part);
	if (rc == 0 && link(part, dst) < 0)
		rc = mg_err_errno(err, "create %s", dst);
	(void)unlink(part);
	return (rc);
}

/*
 * mg_qfile_copy_at - the bytes of src (opened safely in sdirfd) into a
 * new file NAME (0600, must not exist) of the quarantine open as qfd,
 * written straight under its name: one metadata operation, not the
 * four of mg_qfile_copy's NAME.part + link + unlink.  A copy cut short
 * (a kill or a power cut before mg_qrun_syncfs) can therefore exist
 * under its name: the caller's format must tell a torn copy from a
 * whole one (a Postfix queue file ends with its end record, checked
 * before a restore puts a copy back), and the message stays queued
 * until its copy is synced.  A copy that fails is removed.  0, 1 if src
 * is gone, -1 with err.
 */
int
mg_qfile_copy_at(int sdirfd, const char *src, int qfd, const char *name,
    struct mg_err *err)
{
	char buf[65536];
	ssize_t r;
	size_t total = 0;
	int in, out, rc = 0;

	in = openat(sdirfd, src, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK);
	if (in < 0)
		return (errno == ENOENT ? 1 : mg_err_errno(err, "open %s",
		    src));
	out = openat(qfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (out < 0) {
		(void)close(in);
		return (mg_err_errno(err, "create %s", name));
	}
	while ((r = read(in, buf, sizeof(buf))) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 || (total += (size_t)r) > MG_QFILE_MAX ||
		    write(out, buf, (size_t)r) != r) {
			rc = mg_err_errno(err, "copy %s", src);
			break;
		}
	}
	mg_fault("purge-copying");
	/* write-back started now; mg_qrun_syncfs waits for it */
	if (rc == 0)
		(void)sync_file_range(out, 0, 0, SYNC_FILE_RANGE_WRITE);
	(void)close(in);
	if (close(out) < 0 && rc == 0)
		rc = mg_err_errno(err, "close %s", name);
	if (rc != 0)
		(void)unlinkat(qfd, name, 0);
	return (rc);
}

/*
 * mg_qfile_link_at - queue file src (in sdirfd) put into the quarantine
 * open as qfd under name by link(2) instead of a copy: no new inode and
 * no byte written, and the bytes stay when the MTA deletes the queue's
 * name.  Only for a file the MTA does not rewrite while it is queued
 * there (a Postfix message on hold), and only while it stays queued
 * with the link (mg_qfile_detach before it is released: a delivery
 * marks recipients done in the file itself).  Judged after the link on
 * the quarantine's own name, which only root can reach (no window
 * between a check and the link): a regular file owned by uid, at most
 * MG_QFILE_MAX bytes, with no link but the queue's and this one - else
 * the link is removed again and 2 says copy it.  The new name and the
 * inode's link count are made durable by mg_qrun_syncfs (the queue's
 * filesystem, which a link shares).  0 linked, 1 if src is gone, 2 not
 * linked (another filesystem or mount: copy it), -1 with err.
 */
int
mg_qfile_link_at(int sdirfd, const char *src, int qfd, const char *name,
    uid_t uid, struct mg_err *err)
{
	struct stat st;

	if (linkat(sdirfd, src, qfd, name, 0) < 0) {
		switch (errno) {
		case ENOENT:
			return (1);
		case EXDEV:
		case EPERM:
		case EMLINK:
		case EOPNOTSUPP:
			return (2);
		default:
			return (mg_err_errno(err, "link %s", src));
		}
	}
	/* the crash tests' step while an entry is being made (as
	 * mg_qfile_copy_at's) */
	mg_fault("purge-copying");
	if (fstatat(qfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
		(void)mg_err_errno(err, "stat %s", name);
		(void)unlinkat(qfd, name, 0);
		return (-1);
	}
	/* nlink 1: the queue's name was deleted meanwhile, the bytes are
	 * ours alone */
	if (!S_ISREG(st.st_mode) || st.st_uid != uid || st.st_nlink > 2 ||
	    st.st_size > MG_QFILE_MAX) {
		(void)unlinkat(qfd, name, 0);
		return (2);
	}
	return (0);
}

/*
 * mg_qfile_detach - quarantine entry name (of the quarantine open as
 * qfd, dname in messages) made a file of its own when it shares its
 * inode with another name (the queue file a purge linked it from:
 * mg_qfile_link_at): its bytes copied into a temp file beside it (root's,
 * 0600, as a copied entry), fsync'd, renamed over it, the directory
 * fsync'd.  The entry is whole at every moment.  0 (also when it has
 * one link, or none by that name), -1 with err.
 */
int
mg_qfile_detach(int qfd, const char *dname, const char *name,
    struct mg_err *err)
{
	struct stat st;
	int fd, rc;

	fd = openat(qfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return (errno == ENOENT ? 0 : mg_err_errno(err, "cannot open "
		    "%s/%s", dname, name));
	if (fstat(fd, &st) < 0) {
		(void)close(fd);
		return (mg_err_errno(err, "cannot stat %s/%s", dname, name));
	}
	if (!S_ISREG(st.st_mode) || st.st_nlink < 2) {
		(void)close(fd);
		return (0);
	}
	rc = mg_install_copy_at(qfd, dname, fd, name, MG_QFILE_MAX, 0600, 0,
	    0, 1, NULL, err);
	(void)close(fd);
	return (rc < 0 ? -1 : 0);
}

/* mg_qfault_after - the crash tests' hook after the n-th message of a
 * step (MAILGUARD_TEST_KILL_AT=purge-copied-3 dies after the third copy) */
void
mg_qfault_after(const char *step, size_t n)
{
	char name[64];

	if (getenv("MAILGUARD_TEST_KILL_AT") == NULL)
		return;
	(void)snprintf(name, sizeof(name), "%s-%zu", step, n);
	mg_fault(name);
}

/* mg_qrun_open_quarantine - the quarantine opened (once, before the
 * first copy) for mg_qrun_sync; 0, or -1 with err */
int
mg_qrun_open_quarantine(struct mg_qrun *p, struct mg_err *err)
{
	if (p->qfd >= 0)
		return (0);
	p->qfd = open(p->qdir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (p->qfd < 0)
		return (mg_err_errno(err, "cannot open %s", p->qdir));
	return (0);
}

/*
 * mg_qrun_sync - the copies made since the last sync durable, with the
 * quarantine's directory entries: each file (ID and each of sfx, e.g.
 * "-H", "-D"; NULL-terminated) fsync'd, then the directory once; only
 * then may the batch be deleted from the queue.  Their write-back was
 * started as each was written (mg_qfile_copy), and the first fsync's
 * journal commit carries the others' metadata, so a batch costs about
 * one commit, not one per file; nothing else on the filesystem is
 * flushed (syncfs would write back every process's dirty data).  0, or
 * -1 with err (nothing more may be deleted).
 */
int
mg_qrun_sync(struct mg_qrun *p, const char *const *sfx, struct mg_err *err)
{
	char name[PATH_MAX];
	size_t i, k;
	int fd, rc;

	if (p->nsynced == p->ncopied)
		return (0);
	if (p->qfd < 0)
		return (mg_err_set(err, "%s: not open before the copies",
		    p->qdir));
	for (i = p->nsynced; i < p->ncopied; i++) {
		for (k = 0; sfx[k] != NULL; k++) {
			(void)snprintf(name, sizeof(name), "%s%s",
			    p->copied[i], sfx[k]);
			fd = openat(p->qfd, name, O_RDONLY | O_NOFOLLOW |
			    O_CLOEXEC);
			rc = fd < 0 ? -1 : fsync(fd);
			if (fd >= 0)
				(void)close(fd);
			if (rc < 0)
				return (mg_err_errno(err, "cannot sync %s/%s: "
				    "the messages copied there stay in the "
				    "queue", p->qdir, name));
		}
	}
	if (fsync(p->qfd) < 0)
		return (mg_err_errno(err, "cannot sync %s: the messages "
		    "copied there stay in the queue", p->qdir));
	p->nsynced = p->ncopied;
	return (0);
}

/*
 * mg_qrun_syncfs - the copies made since the last sync durable, as
 * mg_qrun_sync makes them, with one syncfs(2) of the quarantine's
 * filesystem and one fsync of its directory instead of an fsync per
 * file: on ext4 each fsync of a file whose metadata is already committed
 * still sends the disk a cache flush, so 2,000 fsyncs cost 2,000
 * flushes; syncfs writes back what is dirty there and flushes once.  It
 * also writes back other processes' dirty data on that filesystem (the
 * MTA's own queue writes, mostly: it syncs them anyway).  0, or -1 with
 * err (nothing more may be deleted).
 */
int
mg_qrun_syncfs(struct mg_qrun *p, struct mg_err *err)
{
	if (p->nsynced == p->ncopied)
		return (0);
	if (p->qfd < 0)
		return (mg_err_set(err, "%s: not open before the copies",
		    p->qdir));
	if (syncfs(p->qfd) < 0 || fsync(p->qfd) < 0)
		return (mg_err_errno(err, "cannot sync %s: the messages "
		    "copied there stay in the queue", p->qdir));
	p->nsynced = p->ncopied;
	return (0);
}

/* mg_fsync_dir - a directory's entries made durable; 0, or -1 with
 * errno */
int
mg_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), e;

	if (fd < 0)
		return (-1);
	if (fsync(fd) < 0) {
		e = errno;
		(void)close(fd);
		errno = e;
		return (-1);
	}
	(void)close(fd);
	return (0);
}

/* mg_qmsg_held - on hold (Postfix) or frozen (Exim) */
int
mg_qmsg_held(const struct mg_qmsg *m)
{
	return (m != NULL && m->queue != NULL && (strcmp(m->queue, "hold") ==
	    0 || strcmp(m->queue, "frozen") == 0));
}

/* --- restore ------------------------------------------------------ */

/* cmp_live - qsort/bsearch on const struct mg_qmsg * by ID */
static int
cmp_live(const void *x, const void *y)
{
	const struct mg_qmsg *a = *(const struct mg_qmsg *const *)x;
	const struct mg_qmsg *b = *(const struct mg_qmsg *const *)y;

	return (strcmp(a->id, b->id));
}

/* find_live - the queued message with ID id, or NULL */
static const struct mg_qmsg *
find_live(const struct mg_qrestore *r, const char *id)
{
	struct mg_qmsg key;
	const struct mg_qmsg *kp = &key, **hit;

	if (r->q.nmsgs == 0)
		return (NULL);
	key.id = id;
	hit = bsearch(&kp, r->live, r->q.nmsgs, sizeof(*r->live), cmp_live);
	return (hit != NULL ? *hit : NULL);
}

/* mg_qrestore_load_live - scan the queue, index it by ID */
int
mg_qrestore_load_live(struct mg_qrestore *r, struct mg_err *err)
{
	size_t i;

	mg_queue_free(&r->q);
	free(r->live);
	r->live = NULL;
	if (mg_backend_load_queue(r->t, &r->q, NULL, NULL, err) < 0)
		return (-1);
	r->live = mg_xcalloc(r->q.nmsgs + 1, sizeof(*r->live));
	for (i = 0; i < r->q.nmsgs; i++)
		r->live[i] = &r->q.msgs[i];
	qsort(r->live, r->q.nmsgs, sizeof(*r->live), cmp_live);
	for (i = 0; i < r->n; i++)
		r->m[i].live = find_live(r, r->m[i].id);
	return (0);
}

/* mg_qrestore_open_copy - open the quarantine copy NAME; -1 if there is
 * none */
int
mg_qrestore_open_copy(const struct mg_qrestore *r, const char *name)
{
	if (r->qfd < 0)
		return (-1);
	return (openat(r->qfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK));
}

/* mg_qfile_read - the bytes of quarantine copy NAME (the quarantine
 * open as qfd, or -1) into buf; 0 or -1 */
int
mg_qfile_read(int qfd, const char *name, struct mg_str *buf)
{
	char tmp[65536];
	ssize_t n;
	int fd;

	mg_str_reset(buf);
	if (qfd < 0 || (fd = openat(qfd, name, O_RDONLY | O_NOFOLLOW |
	    O_CLOEXEC | O_NONBLOCK)) < 0)
		return (-1);
	while ((n = read(fd, tmp, sizeof(tmp))) > 0 && buf->len +
	    (size_t)n <= MG_FILE_MAX * 8)
		mg_str_append(buf, tmp, (size_t)n);
	(void)close(fd);
	return (n == 0 ? 0 : -1);
}

/* mg_qrestore_set_state - a row's new state (and the ID it is back
 * under) */
void
mg_qrestore_set_state(struct mg_qrmsg *m, const char *state,
    const char *new_id)
{
	free(m->state);
	m->state = mg_xstrdup(state);
	if (new_id != NULL) {
		free(m->new_id);
		m->new_id = mg_xstrdup(new_id);
	}
	m->dirty = 1;
}

/* mg_qrestore_is_state - the row is in state */
int
mg_qrestore_is_state(const struct mg_qrmsg *m, const char *state)
{
	return (m->state != NULL && strcmp(m->state, state) == 0);
}

/* mg_qrestore_owner - uid of directory fd, gid of that user (Postfix and
 * Exim create their queue files as the owner of the queue directory, in
 * that user's group) */
int
mg_qrestore_owner(int dfd, const char *path, uid_t *uid, gid_t *gid,
    struct mg_err *err)
{
	struct passwd *pw;
	struct stat st;

	if (fstat(dfd, &st) < 0)
		return (mg_err_errno(err, "cannot stat %s", path));
	*uid = st.st_uid;
	*gid = st.st_gid;
	if ((pw = getpwuid(st.st_uid)) != NULL)
		*gid = pw->pw_gid;
	return (0);
}

/* id_ok - a queue ID both MTAs could have given (letters, digits, '-'):
 * it becomes a file name under hold/ or input/ */
static int
id_ok(const char *id)
{
	size_t n;

	for (n = 0; id[n] != '\0'; n++)
		if (n >= 63 || !((id[n] >= '0' && id[n] <= '9') || (id[n] >=
		    'A' && id[n] <= 'Z') || (id[n] >= 'a' && id[n] <= 'z') ||
		    (id[n] == '-' && n > 0)))
			return (0);
	return (n >= 6);
}

/* mg_qrestore_placed - count m as put back (Postfix: linked into hold/;
 * Exim: its -H in input/) */
void
mg_qrestore_placed(struct mg_qrestore *r, struct mg_qrmsg *m)
{
	m->placed = 1;
	r->res->placed++;
	if (m->held)
		r->res->kept_held++;
	mg_qfault_after("restore-placed", r->res->placed);
}

/* mg_qrestore_not_done - m is not back after all: what was counted for
 * it taken back, counted failed */
void
mg_qrestore_not_done(struct mg_qrestore *r, struct mg_qrmsg *m)
{
	if (m->placed) {
		r->res->placed--;
		r->res->kept_held -= m->held != 0;
	}
	m->placed = 0;
	m->release = 0;
	r->res->failed++;
}

/* mg_qrestore_not_back - say why m was not put back */
void
mg_qrestore_not_back(struct mg_qrestore *r, const struct mg_qrmsg *m,
    const char *why)
{
	(void)fprintf(r->out, "  %s not put back: ", m->id);
	mg_print_sanitized(r->out, why);
	(void)fputc('\n', r->out);
}

/* mg_qrestore_decide - for each chosen message not back yet: release it,
 * put it back, or say why not; place() does the MTA's part of putting
 * back */
void
mg_qrestore_decide(struct mg_qrestore *r,
    int (*place)(struct mg_qrestore *, struct mg_qrmsg *))
{
	struct mg_qrmsg *m;
	size_t i;

	for (i = 0; i < r->n; i++) {
		m = &r->m[i];
		if (!m->chosen || mg_qrestore_is_state(m, "placed"))
			continue;
		if (mg_qrestore_is_state(m, "back")) {
			r->res->already++;
			continue;
		}
		if (!id_ok(m->id)) {
			(void)fputs("  not a queue ID: ", r->out);
			mg_print_sanitized(r->out, m->id);
			(void)fputc('\n', r->out);
			r->res->failed++;
			continue;
		}
		if (m->live != NULL) {
			/* never deleted: held by the entry, or untouched */
			if (mg_qmsg_held(m->live) && !m->held) {
				m->release = 1;
				m->from_live = 1;	/* counted when done */
			} else {
				mg_qrestore_set_state(m, "back", m->id);
				r->res->stayed++;
			}
			continue;
		}
		switch (place(r, m)) {
		case 0:
			/* Postfix: "placing" until linked (pf_link) */
			if (mg_qrestore_is_state(m, "placed"))
				mg_qrestore_placed(r, m);
			break;
		case 1:
			r->res->missing++;
			break;
		default:
			r->res->failed++;
			break;
		}
	}
}
