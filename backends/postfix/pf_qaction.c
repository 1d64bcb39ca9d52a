/*
 * pf_qaction.c - the Postfix queue actions behind the backend seam
 * (docs/ARCHITECTURE.md): postsuper -h/-H/-r on exact IDs; a purge
 * holds them, copies each held queue file into the quarantine and
 * deletes exactly the copied IDs from the hold queue (mail that arrived
 * meanwhile is in another queue under another ID and is never touched).
 * On the queue's own filesystem a held queue file is linked into the
 * quarantine, not copied (no new inode, no byte written; Postfix never
 * rewrites a file on hold, and postsuper -d removes only the queue's
 * name); a link left by a purge that stopped before its delete is made
 * a copy of its own before anything releases that message
 * (detach_held), since a delivery marks recipients done in the queue
 * file itself.  A restore puts the exact bytes into hold/ as mail_owner,
 * mode 0700
 * (mail_queue.h: a complete queue file), then postsuper -s hold gives it
 * the name its inode calls for (a queue file's name must match its
 * inode), the new name is found by that inode, and postsuper -H
 * releases it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../core/mg_exec.h"
#include "../../core/mg_install.h"
#include "../../core/mg_sanitize.h"
#include "../../core/mg_str.h"
#include "../queue_act.h"
#include "pf_qaction.h"
#include "pf_queue.h"

/* What the Postfix side of a restore carries. */
struct pf {
	char *qdir;
	char hold[PATH_MAX];
	int hfd;
	uid_t uid;
	gid_t gid;
};

/* postsuper - postsuper [-c DIR] A1 [A2 [A3]] with input on stdin, its
 * output appended to log */
static int
postsuper(const struct mg_target *t, struct mg_str *log, const char *a1,
    const char *a2, const char *a3, const char *input, size_t len,
    struct mg_err *err)
{
	const char *argv[8];
	size_t n = 0;

	argv[n++] = "postsuper";
	if (t->config_dir != NULL) {
		argv[n++] = "-c";
		argv[n++] = t->config_dir;
	}
	argv[n++] = a1;
	argv[n++] = a2;
	argv[n++] = a3;
	argv[n] = NULL;
	return (mg_exec_tool(argv, input, len, 600000, log, err));
}

/* --- purge, hold, release, requeue -------------------------------- */

/*
 * What a purge's walk of hold/ carries.  Batch k is deleted by a
 * postsuper -d running in a thread of its own while batch k+1 is copied:
 * only ever one postsuper -d at a time, and only on a synced batch.
 */
struct pf_purge {
	struct mg_target *t;
	struct mg_qrun *p;
	struct mg_err *err;
	unsigned char *seen;		/* per p->ids index: copied or tried */
	int link;			/* quarantine on hold/'s filesystem */
	uid_t uid;			/* hold/'s owner: mail_owner */
	size_t nlinked;			/* of p->copied, linked not copied */
	int failed;			/* a sync or postsuper -d failed */
	size_t ndeleted;		/* copied[0..ndeleted) deleted */
	/* the batch being deleted */
	pthread_t thr;
	int running;			/* a delete to wait for */
	int threaded;			/* ... in thr */
	size_t dupto;			/* copied[0..dupto) once it is done */
	struct mg_str in;		/* its IDs */
	struct mg_str log;		/* what postsuper said */
	struct mg_err derr;
	int drc;
};

/* delete_batch - the delete thread: postsuper -d - hold on pp->in */
static void *
delete_batch(void *arg)
{
	struct pf_purge *pp = arg;

	mg_err_clear(&pp->derr);
	pp->drc = postsuper(pp->t, &pp->log, "-d", "-", "hold", pp->in.data,
	    pp->in.len, &pp->derr);
	return (NULL);
}

/* delete_wait - the running delete (if any) waited for and counted; 0,
 * or -1 with pp->err when its postsuper failed */
static int
delete_wait(struct pf_purge *pp)
{
	struct mg_qrun *p = pp->p;

	if (!pp->running)
		return (0);
	if (pp->threaded)
		(void)pthread_join(pp->thr, NULL);
	pp->running = pp->threaded = 0;
	mg_str_append(&p->log, mg_str_cstr(&pp->log), pp->log.len);
	mg_str_reset(&pp->log);
	mg_qtime("delete-wait");
	if (pp->drc < 0) {
		*pp->err = pp->derr;
		return (-1);
	}
	pp->ndeleted = pp->dupto;
	mg_qrun_progress(p, MG_QSTEP_DELETE, "delete", pp->ndeleted, p->nids);
	mg_fault("purge-deleted");
	return (0);
}

/*
 * delete_synced - the copies made since the last batch synced to disk
 * (mg_qrun_syncfs), the previous batch's delete waited for, then these
 * deleted from the hold queue by one postsuper -d - hold in the delete
 * thread (the caller's own thread when none can start); 0, or -1 with
 * pp->err (a failed sync deletes nothing)
 */
static int
delete_synced(struct pf_purge *pp)
{
	struct mg_qrun *p = pp->p;
	size_t from = p->nsynced;

	if (from == p->ncopied)
		return (0);
	mg_qtime("copy");
	if (mg_qrun_syncfs(p, pp->err) < 0)
		return (-1);
	mg_qtime("sync");
	mg_fault("purge-copied");
	if (delete_wait(pp) < 0)
		return (-1);
	mg_str_reset(&pp->in);
	mg_qrun_ids_text(p->copied + from, p->ncopied - from, &pp->in);
	pp->dupto = p->ncopied;
	pp->running = 1;
	pp->threaded = pthread_create(&pp->thr, NULL, delete_batch, pp) == 0;
	if (!pp->threaded) {
		(void)delete_batch(pp);
		return (delete_wait(pp));
	}
	return (0);
}

/* quarantine_one - a file of the walk of hold/ (and its hash
 * subdirectories): copied into the quarantine if selected and not seen
 * yet (a readdir running while postsuper -d removes entries may in
 * principle return one again); each full batch synced and handed to
 * the delete thread */
static int
quarantine_one(void *arg, int dfd, const char *rel, const char *name,
    int dtype)
{
	struct pf_purge *pp = arg;
	struct mg_qrun *p = pp->p;
	const char **hit;
	struct mg_err err;
	size_t k;
	int rc;

	(void)rel;
	(void)dtype;
	hit = p->nids > 0 ? bsearch(&name, p->ids, p->nids, sizeof(*p->ids),
	    mg_strp_cmp) : NULL;
	if (hit == NULL || pp->seen[(k = (size_t)(hit - p->ids))])
		return (0);
	pp->seen[k] = 1;
	rc = pp->link ? mg_qfile_link_at(dfd, name, p->qfd, name, pp->uid,
	    &err) : 2;
	if (rc == 0)
		pp->nlinked++;
	if (rc == 2)
		rc = mg_qfile_copy_at(dfd, name, p->qfd, name, &err);
	if (rc < 0) {
		(void)fprintf(p->out, "  %s stays on hold: ", name);
		mg_print_sanitized(p->out, err.msg);
		(void)fputc('\n', p->out);
	}
	if (rc == 0)
		mg_qrun_copied(p, name);
	if (p->ncopied - p->nsynced >= MG_QSYNC_BATCH &&
	    delete_synced(pp) < 0) {
		pp->failed = 1;
		return (1);
	}
	return (0);
}

/* count_left - a name under a queue directory: counted if selected, and
 * as copied if it is one the purge quarantined (to delete) */
static int
count_left(void *arg, int dfd, const char *rel, const char *name, int dtype)
{
	struct mg_qrun *p = arg;

	(void)dfd;
	(void)rel;
	(void)dtype;
	if (!mg_qrun_selected(p, name))
		return (0);
	p->still_queued++;
	if (p->ncopied > 0 && bsearch(&name, p->copied_sorted, p->ncopied,
	    sizeof(*p->copied_sorted), mg_strp_cmp) != NULL)
		p->still_copied++;
	return (0);
}

/* still_queued - after the purge: the selected IDs still under one of
 * the queue directories, by name (readdir only, no file read); 0, or -1
 * if a queue could not be read (the engine then scans) */
static int
still_queued(const char *qdir, struct mg_qrun *p)
{
	static const char *const queues[] = { "maildrop", "incoming",
	    "active", "deferred", "hold", "corrupt", NULL };
	struct mg_pf_walker wk = { count_left, NULL, NULL };
	char path[PATH_MAX];
	size_t i;
	int fd;

	wk.arg = p;
	p->still_queued = 0;
	p->still_copied = 0;
	p->copied_sorted = mg_xcalloc(p->ncopied + 1,
	    sizeof(*p->copied_sorted));
	memcpy(p->copied_sorted, p->copied, p->ncopied *
	    sizeof(*p->copied_sorted));
	qsort(p->copied_sorted, p->ncopied, sizeof(*p->copied_sorted),
	    mg_strp_cmp);
	for (i = 0; queues[i] != NULL; i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", qdir, queues[i]);
		fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
		if (fd < 0 && errno == ENOENT)
			continue;
		/* mg_pf_walk takes fd */
		if (fd < 0 || mg_pf_walk(fd, &wk) != 0) {
			free(p->copied_sorted);
			p->copied_sorted = NULL;
			return (-1);
		}
	}
	free(p->copied_sorted);
	p->copied_sorted = NULL;
	p->counted = 1;
	return (0);
}

/* The hold of all but the first batch's IDs, in a thread while the
 * first are copied. */
struct pf_hold {
	struct mg_target *t;
	struct mg_str in, log;
	struct mg_err err;
	pthread_t thr;
	int running, threaded, rc;
	volatile sig_atomic_t done;	/* set by the thread at its end */
};

/* hold_rest - the hold thread: postsuper -h - on h->in */
static void *
hold_rest(void *arg)
{
	struct pf_hold *h = arg;

	mg_err_clear(&h->err);
	h->rc = postsuper(h->t, &h->log, "-h", "-", NULL, h->in.data,
	    h->in.len, &h->err);
	__atomic_store_n(&h->done, 1, __ATOMIC_RELEASE);
	return (NULL);
}

/* hold_start - postsuper -h - on ids (n of them) started in h's thread
 * (run here when none can start) */
static void
hold_start(struct pf_hold *h, struct mg_target *t, const char **ids,
    size_t n)
{
	h->t = t;
	mg_qrun_ids_text((char *const *)ids, n, &h->in);
	h->running = 1;
	h->threaded = pthread_create(&h->thr, NULL, hold_rest, h) == 0;
	if (!h->threaded)
		(void)hold_rest(h);
}

/* hold_join - the hold thread waited for, its output in p's log; 0, or
 * -1 with err if its postsuper failed */
static int
hold_join(struct pf_hold *h, struct mg_qrun *p, struct mg_err *err)
{
	if (!h->running)
		return (0);
	if (h->threaded)
		(void)pthread_join(h->thr, NULL);
	h->running = h->threaded = 0;
	mg_str_append(&p->log, mg_str_cstr(&h->log), h->log.len);
	mg_qtime("hold-rest");
	mg_qrun_progress(p, MG_QSTEP_HOLD, "hold", p->nids, p->nids);
	if (h->rc < 0) {
		*err = h->err;
		return (-1);
	}
	return (0);
}

/* walk_hold - the quarantine_one walk of hold/ (path); 0, or -1 with
 * errno */
static int
walk_hold(struct pf_purge *pp, const char *path)
{
	struct mg_pf_walker wk = { quarantine_one, NULL, NULL };
	int fd;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return (-1);
	wk.arg = pp;
	return (mg_pf_walk(fd, &wk) < 0 ? -1 : 0);
}

/*
 * link_or_copy - link held files into the quarantine (pp->link) when it
 * is on hold/'s filesystem; pp->uid: hold/'s owner, whom a queue file
 * must belong to before it is linked.  0, or -1 with err
 */
static int
link_or_copy(struct pf_purge *pp, const char *path, struct mg_err *err)
{
	struct stat hs, qs;
	int fd;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &hs) < 0 || fstat(pp->p->qfd, &qs) < 0) {
		(void)mg_err_errno(err, "cannot open %s", path);
		if (fd >= 0)
			(void)close(fd);
		return (-1);
	}
	(void)close(fd);
	pp->uid = hs.st_uid;
	pp->link = hs.st_dev == qs.st_dev && getenv("MAILGUARD_PURGE_COPY") ==
	    NULL;
	return (0);
}

/*
 * detach_left - after a purge that did not delete everything it
 * quarantined: each quarantine link to a queue file still there made a
 * file of its own (mg_qfile_detach), so that releasing it later cannot
 * change the quarantine's bytes; what cannot be made one is said
 */
static void
detach_left(struct pf_purge *pp)
{
	struct mg_qrun *p = pp->p;
	struct mg_err err;
	size_t i;

	for (i = 0; pp->nlinked > 0 && i < p->ncopied; i++) {
		if (mg_qfile_detach(p->qfd, p->qdir, p->copied[i], &err) == 0)
			continue;
		(void)fprintf(p->out, "  %s: its quarantine entry is still a "
		    "link to the queue file: ", p->copied[i]);
		mg_print_sanitized(p->out, err.msg);
		(void)fputc('\n', p->out);
	}
}

/*
 * mg_pf_purge - hold the first MG_QSYNC_BATCH IDs (one postsuper -h -)
 * and the rest in a thread meanwhile; in batches of MG_QSYNC_BATCH: link
 * (mg_qfile_link_at; across filesystems copy) what is held into the
 * quarantine, sync it (mg_qrun_syncfs), delete exactly the quarantined
 * IDs from hold (one postsuper -d - hold, running while the next batch
 * is quarantined); hold/ walked again once the rest is held (a readdir
 * need not return what was added behind it); at the end the selected
 * IDs still queued counted by name, and a link to one of them made a
 * file of its own (detach_left)
 */
int
mg_pf_purge(struct mg_target *t, struct mg_qrun *p, struct mg_err *err)
{
	struct pf_purge pp;
	struct pf_hold hl;
	struct mg_str in = MG_STR_INIT;
	char *qdir = NULL, path[PATH_MAX];
	size_t n, first = p->nids < MG_QSYNC_BATCH ? p->nids : MG_QSYNC_BATCH;
	int rc = -1, wrc, hfailed, last;

	memset(&pp, 0, sizeof(pp));
	memset(&hl, 0, sizeof(hl));
	pp.t = t;
	pp.p = p;
	pp.err = err;
	pp.seen = mg_xcalloc(p->nids + 1, 1);
	if (mg_pf_queue_directory(t, &qdir, err) < 0)
		goto out;
	if (mg_qrun_open_quarantine(p, err) < 0)
		goto out;
	(void)snprintf(path, sizeof(path), "%s/hold", qdir);
	if (link_or_copy(&pp, path, err) < 0)
		goto out;
	mg_qrun_ids_text((char *const *)p->ids, first, &in);
	(void)fprintf(p->out, "holding %zu messages (postsuper -h -)\n",
	    p->nids);
	mg_qrun_progress(p, MG_QSTEP_HOLD, "hold", 0, p->nids);
	if (postsuper(t, &p->log, "-h", "-", NULL, in.data, in.len, err) < 0)
		goto out;
	if (p->nids > first)
		hold_start(&hl, t, p->ids + first, p->nids - first);
	else
		mg_qrun_progress(p, MG_QSTEP_HOLD, "hold", p->nids, p->nids);
	mg_qtime("hold");
	mg_fault("purge-held");
	(void)fprintf(p->out, "quarantining and deleting in batches of %d "
	    "(%s, each batch synced to disk, then postsuper -d - hold while "
	    "the next is quarantined)\n", MG_QSYNC_BATCH, pp.link ?
	    "each held queue file hard-linked into the quarantine" :
	    "each held queue file copied");
	/* while the rest is being held: walk again for what it has
	 * moved into hold/ since (the IDs seen are skipped) */
	do {
		last = hl.running ? __atomic_load_n(&hl.done,
		    __ATOMIC_ACQUIRE) : 1;
		n = p->ncopied;
		wrc = walk_hold(&pp, path);
		if (!last && p->ncopied == n)
			(void)poll(NULL, 0, 5);
	} while (!last && wrc == 0 && !pp.failed);
	hfailed = hold_join(&hl, p, err) < 0;
	/* the last batch; the copies are durable before anything is
	 * deleted */
	if (!pp.failed && delete_synced(&pp) < 0)
		pp.failed = 1;
	if (delete_wait(&pp) < 0)
		pp.failed = 1;
	pp.failed |= hfailed;
	(void)fprintf(p->out, "quarantined %zu in %s (%zu linked, %zu "
	    "copied); %zu deleted from the hold queue\n", p->ncopied, p->qdir,
	    pp.nlinked, p->ncopied - pp.nlinked, pp.ndeleted);
	if (!pp.failed && wrc < 0)
		(void)mg_err_errno(err, "cannot read %s", path);
	if (still_queued(qdir, p) < 0)
		p->counted = 0;
	mg_qtime("still-queued");
	if (pp.failed || wrc < 0 || !p->counted || p->still_copied > 0)
		detach_left(&pp);
	if (pp.failed || wrc < 0)
		goto out;
	rc = 0;
out:
	mg_str_free(&in);
	mg_str_free(&hl.in);
	mg_str_free(&hl.log);
	mg_str_free(&pp.in);
	mg_str_free(&pp.log);
	free(pp.seen);
	free(qdir);
	return (rc);
}


/* A held queue file with more than one link, named in a release. */
struct shared {
	char name[64];
	dev_t dev;
	ino_t ino;
	int found;			/* its quarantine entry detached */
};

/* What a walk of hold/ for shared files carries. */
struct shared_walk {
	char **names;			/* sorted: the IDs to release */
	size_t nnames;
	struct shared *v;
	size_t n, cap;
};

/* shared_file - a file under hold/: kept if named and linked elsewhere */
static int
shared_file(void *arg, int dfd, const char *rel, const char *name,
    int dtype)
{
	struct shared_walk *w = arg;
	struct shared *sh;
	struct stat st;

	(void)rel;
	(void)dtype;
	if (strlen(name) >= sizeof(w->v->name) || bsearch(&name, w->names,
	    w->nnames, sizeof(*w->names), mg_strp_cmp) == NULL)
		return (0);
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISREG(st.st_mode) || st.st_nlink < 2)
		return (0);
	sh = MG_ARRAY_PUSH(w->v, w->n, w->cap);
	(void)snprintf(sh->name, sizeof(sh->name), "%s", name);
	sh->dev = st.st_dev;
	sh->ino = st.st_ino;
	sh->found = 0;
	return (0);
}

/* detach_in - of the shared files, those whose link is entry dfd of the
 * quarantine (dname) detached there (mg_qfile_detach) */
static void
detach_in(int dfd, const char *dname, struct shared *v, size_t n,
    FILE *out)
{
	struct mg_err err;
	struct stat st;
	size_t i;

	for (i = 0; i < n; i++) {
		if (v[i].found || fstatat(dfd, v[i].name, &st,
		    AT_SYMLINK_NOFOLLOW) < 0 || st.st_dev != v[i].dev ||
		    st.st_ino != v[i].ino)
			continue;
		v[i].found = 1;
		if (mg_qfile_detach(dfd, dname, v[i].name, &err) < 0) {
			(void)fprintf(out, "  %s: ", v[i].name);
			mg_print_sanitized(out, err.msg);
			(void)fputc('\n', out);
		}
	}
}

/*
 * detach_held - before postsuper -H or -r moves the n held IDs (names in
 * hold/) out of hold: each one a purge linked into its quarantine and
 * did not delete (it stopped, was killed or failed between the two) has
 * that quarantine entry made a copy of its own first (mg_qfile_detach):
 * Postfix delivers a file with two links (mail_open_ok(3) only warns,
 * "file has 2 links", a minute after the last link change) and marks
 * each recipient done in the file itself, which would change the
 * quarantine's bytes.  Found by inode under STATE/quarantine/ENTRY by
 * the same name (a link keeps its inode, so postsuper -s never renames
 * it).  A file linked by someone else is left alone and named on out.
 */
static void
detach_held(const struct mg_target *t, const char *qdir, char *const *ids,
    size_t n, FILE *out)
{
	struct mg_pf_walker wk = { shared_file, NULL, NULL };
	struct shared_walk w;
	struct dirent *de;
	char path[PATH_MAX], ename[PATH_MAX + 320];
	DIR *d = NULL;
	size_t i;
	int fd, efd;

	memset(&w, 0, sizeof(w));
	if (n == 0 || t->state_dir == NULL)
		return;
	w.names = mg_xcalloc(n, sizeof(*w.names));
	memcpy(w.names, ids, n * sizeof(*w.names));
	qsort(w.names, n, sizeof(*w.names), mg_strp_cmp);
	w.nnames = n;
	wk.arg = &w;
	(void)snprintf(path, sizeof(path), "%s/hold", qdir);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0)
		(void)mg_pf_walk(fd, &wk);	/* takes fd */
	(void)snprintf(path, sizeof(path), "%s/quarantine", t->state_dir);
	if (w.n > 0 && (fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) >= 0 && (d = fdopendir(fd)) == NULL)
		(void)close(fd);
	while (d != NULL && (de = readdir(d)) != NULL) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		efd = openat(dirfd(d), de->d_name, O_RDONLY | O_DIRECTORY |
		    O_NOFOLLOW | O_CLOEXEC);
		if (efd < 0)
			continue;
		(void)snprintf(ename, sizeof(ename), "%s/%s", path,
		    de->d_name);
		detach_in(efd, ename, w.v, w.n, out);
		(void)close(efd);
	}
	if (d != NULL)
		(void)closedir(d);
	for (i = 0; i < w.n; i++)
		if (!w.v[i].found)
			(void)fprintf(out, "  %s: its queue file has another "
			    "link, not in the quarantine (Postfix will warn "
			    "\"file has N links\")\n", w.v[i].name);
	free(w.v);
	free(w.names);
}

/* mg_pf_queue_act - postsuper -h/-H/-r - on ids */
int
mg_pf_queue_act(struct mg_target *t, struct mg_qrun *p, enum mg_qaction act,
    char *const *ids, size_t n, const char *name, struct mg_err *err)
{
	static const char *const opt[] = { "-h", "-H", "-r" };
	struct mg_str in = MG_STR_INIT;
	char *qdir = NULL;
	int rc;

	if ((size_t)act >= sizeof(opt) / sizeof(opt[0]))
		return (mg_err_set(err, "no such queue action"));
	if (n == 0)
		return (0);
	if (act != MG_QA_HOLD) {
		if (mg_pf_queue_directory(t, &qdir, err) < 0)
			return (-1);
		detach_held(t, qdir, ids, n, p->out);
		free(qdir);
	}
	mg_qrun_ids_text(ids, n, &in);
	mg_qrun_progress(p, 1, name, 0, n);
	rc = postsuper(t, &p->log, opt[act], "-", NULL, in.data, in.len, err);
	mg_qrun_progress(p, 1, name, n, n);
	mg_str_free(&in);
	return (rc);
}

/* mg_pf_quarantine_msg - the message quarantine copy ID holds, appended
 * to q */
int
mg_pf_quarantine_msg(struct mg_target *t, int qfd, const char *id,
    struct mg_queue *q, struct mg_err *err)
{
	struct mg_str buf = MG_STR_INIT;
	int rc = -1;

	(void)t;
	if (mg_qfile_read(qfd, id, &buf) == 0)
		rc = mg_pf_queue_parse((const unsigned char *)buf.data,
		    buf.len, id, "hold", q, err);
	else
		(void)mg_err_set(err, "%s: no readable copy", id);
	mg_str_free(&buf);
	return (rc);
}

/* --- restore ----------------------------------------------------- */

/*
 * copy_whole - quarantine copy ID is a whole queue file: its records
 * reach the end record (REC_TYPE_END, which cleanup(8) writes last).
 * A purge writes each copy straight under its name and syncs a batch
 * before deleting it (mg_qfile_copy_at), so a copy cut short by a crash
 * exists only for a message that was never deleted - and is never put
 * back in its place.  Copies of older purges (.part + link) are whole
 * and pass.  0, 1 if there is no copy, -1 with err.
 */
static int
copy_whole(int qfd, const char *id, struct mg_err *err)
{
	struct mg_queue q;
	int rc;

	mg_queue_init(&q);
	switch (mg_pf_queue_read(qfd, id, "hold", &q, err)) {
	case MG_PF_QFILE_OK:
		rc = 0;
		break;
	case MG_PF_QFILE_VANISHED:
		rc = 1;
		break;
	default:
		rc = -1;
		break;
	}
	mg_queue_free(&q);
	return (rc);
}

/* pf_place - quarantine copy ID into a temp file in hold/, its inode
 * recorded ("placing") before pf_link gives it the name hold/ID: a run
 * killed after the link finds it by that inode whatever postsuper -s
 * named it since; 0, 1 if there is no copy, -1 (reported) */
static int
pf_place(struct mg_qrestore *r, struct mg_qrmsg *m)
{
	const struct pf *pf = r->mta;
	struct mg_str why = MG_STR_INIT;
	struct mg_err err;
	ino_t ino = 0;
	int fd, rc;

	if (r->qfd >= 0 && (rc = copy_whole(r->qfd, m->id, &err)) != 0) {
		if (rc > 0)
			return (1);
		mg_str_printf(&why, "its quarantine copy is not a whole "
		    "queue file (%s): a purge cut short before its sync "
		    "leaves one; the message was not deleted then",
		    err.msg);
		mg_qrestore_not_back(r, m, mg_str_cstr(&why));
		mg_str_free(&why);
		return (-1);
	}
	if ((fd = mg_qrestore_open_copy(r, m->id)) < 0)
		return (errno == ENOENT || r->qfd < 0 ? 1 : -1);
	/* mail_queue.h: owner x bit set = a complete queue file */
	rc = mg_install_copy_prepare(pf->hfd, pf->hold, fd, MG_QFILE_MAX,
	    0700, pf->uid, pf->gid, m->tmp, &ino, &err);
	(void)close(fd);
	if (rc < 0) {
		mg_qrestore_not_back(r, m, err.msg);
		return (-1);
	}
	m->ino = (long long)ino;
	mg_qrestore_set_state(m, "placing", NULL);
	return (0);
}

/* pf_link - the prepared copies into hold/ under their old IDs (never
 * over a file that is there) */
static void
pf_link(struct mg_qrestore *r)
{
	const struct pf *pf = r->mta;
	struct mg_err err;
	struct mg_qrmsg *m;
	size_t i;
	int rc;

	for (i = 0; i < r->n; i++) {
		m = &r->m[i];
		if (m->tmp[0] == '\0')
			continue;
		rc = mg_install_copy_commit(pf->hfd, pf->hold, m->tmp,
		    m->id, 0, &err);
		m->tmp[0] = '\0';
		if (rc == 0) {
			mg_qrestore_set_state(m, "placed", NULL);
			mg_qrestore_placed(r, m);
			continue;
		}
		if (rc > 0)
			(void)mg_err_set(&err, "%s/%s exists", pf->hold,
			    m->id);
		mg_qrestore_not_back(r, m, err.msg);
		free(m->state);
		m->state = NULL;
		m->ino = 0;
		m->dirty = 1;
		r->res->failed++;
	}
}

/* An inode found under hold/ and the name it has there. */
struct hino {
	ino_t ino;
	char name[64];
	char rel[128];		/* "X/NAME" in a hashed hold/ */
};

/* The inodes of a walk of hold/. */
struct hinos {
	struct hino *v;
	size_t n, cap;
};

/* hold_file - one file under hold/: its inode (a file renamed meanwhile
 * is skipped; any other error stops the walk) */
static int
hold_file(void *arg, int dfd, const char *rel, const char *name, int dtype)
{
	struct hinos *hs = arg;
	struct stat st;
	struct hino *h;

	(void)dtype;
	if (name[0] == '.')
		return (0);
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return (errno == ENOENT ? 0 : -1);
	if (!S_ISREG(st.st_mode) || strlen(name) >= 64)
		return (0);
	h = MG_ARRAY_PUSH(hs->v, hs->n, hs->cap);
	h->ino = st.st_ino;
	(void)snprintf(h->name, sizeof(h->name), "%s", name);
	(void)snprintf(h->rel, sizeof(h->rel), "%s%s", rel, name);
	return (0);
}

/* hold_subdir_failed - a hash subdirectory of hold/ that cannot be
 * opened: a partial list would call a message gone that is there */
static int
hold_subdir_failed(void *arg, const char *rel, const char *name, int e)
{
	(void)arg;
	(void)rel;
	(void)name;
	errno = e;
	return (-1);
}

/* temp_file - a temp file an interrupted restore left: removed */
static int
temp_file(void *arg, int dfd, const char *rel, const char *name, int dtype)
{
	(void)arg;
	(void)rel;
	(void)dtype;
	if (strncmp(name, ".mailguard.", 11) == 0 && strlen(name) == 17)
		(void)unlinkat(dfd, name, 0);
	return (0);
}

/* remove_temps - the temp files an interrupted restore left under
 * hold/ (open as hfd) */
static void
remove_temps(int hfd)
{
	struct mg_pf_walker wk = { temp_file, NULL, NULL };
	int fd;

	if ((fd = openat(hfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0)
		(void)mg_pf_walk(fd, &wk);
}

/* pf_inodes - the inodes under hold/ now into *v, *n of them (step: the
 * failure hook's name); 0, or -1 with err */
static int
pf_inodes(const struct mg_qrestore *r, const char *step, struct hino **v,
    size_t *n, struct mg_err *err)
{
	struct hinos hs = { NULL, 0, 0 };
	struct mg_pf_walker wk = { hold_file, hold_subdir_failed, NULL };
	const struct pf *pf = r->mta;
	int fd, rc;

	free(*v);
	*v = NULL;
	*n = 0;
	fd = openat(pf->hfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mg_fault_fail(step)) {
		if (fd >= 0)
			(void)close(fd);
		fd = -1;
		errno = EMFILE;
	}
	if (fd < 0)
		return (mg_err_errno(err, "cannot read %s", pf->hold));
	wk.arg = &hs;
	rc = mg_pf_walk(fd, &wk);
	*v = hs.v;
	*n = hs.n;
	if (rc != 0)
		return (mg_err_errno(err, "cannot read %s", pf->hold));
	return (0);
}

/* hold_find - the file under hold/ with inode ino, or NULL */
static const struct hino *
hold_find(const struct hino *v, size_t n, long long ino)
{
	size_t i;

	for (i = 0; ino != 0 && i < n; i++)
		if ((long long)v[i].ino == ino)
			return (&v[i]);
	return (NULL);
}

/* same_bytes - the files open as a and b have the same bytes */
static int
same_bytes(int a, int b)
{
	char x[8192], y[8192];
	ssize_t n, k;

	for (;;) {
		n = read(a, x, sizeof(x));
		if (n < 0 || (k = read(b, y, (size_t)n > 0 ? (size_t)n :
		    1)) != n)
			return (0);
		if (n == 0)
			return (1);
		if (memcmp(x, y, (size_t)n) != 0)
			return (0);
	}
}

/* is_ours - hold/H is m: an inode recorded by an earlier run may since
 * have been reused by another message */
static int
is_ours(const struct mg_qrestore *r, const struct mg_qrmsg *m,
    const struct hino *h)
{
	const struct pf *pf = r->mta;
	int a, b, same = 0;

	/* a hold: no copy to compare with, but the message was never
	 * renamed (postsuper -s leaves a name that matches its inode) */
	if (r->qfd < 0)
		return (strcmp(h->name, m->id) == 0);
	if ((a = mg_qrestore_open_copy(r, m->id)) < 0)
		return (0);
	b = openat(pf->hfd, h->rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK);
	if (b >= 0) {
		same = same_bytes(a, b);
		(void)close(b);
	}
	(void)close(a);
	return (same);
}

/* pf_mark_release - a queued message to release: its inode, so it is
 * found again after postsuper -s renamed it */
static void
pf_mark_release(struct mg_qrestore *r, const struct hino *v, size_t nv)
{
	struct mg_qrmsg *m;
	size_t i, k;

	for (i = 0; i < r->n; i++) {
		m = &r->m[i];
		if (!m->release)
			continue;
		for (k = 0; k < nv; k++)
			if (strcmp(v[k].name, m->id) == 0)
				break;
		m->ino = k < nv ? (long long)v[k].ino : 0;
		mg_qrestore_set_state(m, "placed", NULL);
	}
}

/* pf_found_placing - rows "placing" of an interrupted run: linked into
 * hold/ (found by inode, whatever postsuper -s named it since) are
 * "placed"; the others are put back again (remove_temps took their temp
 * files) */
static void
pf_found_placing(struct mg_qrestore *r, const struct hino *v, size_t nv)
{
	const struct hino *h;
	struct mg_qrmsg *m;
	size_t i;

	for (i = 0; i < r->n; i++) {
		m = &r->m[i];
		if (!m->chosen || !mg_qrestore_is_state(m, "placing"))
			continue;
		h = hold_find(v, nv, m->ino);
		if (h != NULL && is_ours(r, m, h)) {
			mg_qrestore_set_state(m, "placed", NULL);
			continue;
		}
		free(m->state);
		m->state = NULL;
		m->ino = 0;
		m->dirty = 1;
	}
}

/*
 * mg_pf_restore - put back, postsuper -s hold, find the new names by
 * inode, postsuper -H; rows "placed" by an earlier, interrupted run are
 * found by their inode too (in hold/: still to release; elsewhere or
 * gone: released, maybe delivered already)
 */
int
mg_pf_restore(struct mg_target *t, struct mg_qrestore *r, struct mg_err *err)
{
	struct mg_str in = MG_STR_INIT;
	struct pf pfs, *pf = &pfs;
	const struct hino *h;
	struct hino *v = NULL;
	struct mg_qrmsg *m;
	const char *name;
	size_t i, nv = 0, nrel = 0, relcap = 0, todo = 0;
	char **rel = NULL;		/* the hold names to release */
	int rc = -1;

	memset(pf, 0, sizeof(*pf));
	pf->hfd = -1;
	if (mg_pf_queue_directory(t, &pf->qdir, err) < 0)
		return (-1);
	r->mta = pf;	/* until out: */
	(void)snprintf(pf->hold, sizeof(pf->hold), "%s/hold", pf->qdir);
	pf->hfd = open(pf->hold, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (pf->hfd < 0) {
		(void)mg_err_errno(err, "cannot open %s", pf->hold);
		goto out;
	}
	if (mg_qrestore_owner(pf->hfd, pf->hold, &pf->uid, &pf->gid,
	    err) < 0)
		goto out;
	remove_temps(pf->hfd);
	if (pf_inodes(r, "restore-scan", &v, &nv, err) < 0)
		goto out;
	pf_found_placing(r, v, nv);
	mg_qrestore_decide(r, pf_place);
	pf_mark_release(r, v, nv);
	/* the inodes of the copies first, in one transaction: found by
	 * them whatever happens after the link */
	if (r->save(r, err) < 0)
		goto out;
	pf_link(r);
	if (r->save(r, err) < 0)
		goto out;
	mg_fault("restore-placed");
	for (i = 0; i < r->n; i++)
		todo += r->m[i].chosen && mg_qrestore_is_state(&r->m[i],
		    "placed");
	if (todo > 0) {
		(void)fprintf(r->out, "giving them queue IDs (postsuper -s "
		    "hold)\n");
		if (postsuper(t, &r->log, "-s", "hold", NULL, NULL, 0, err) < 0)
			goto out;
	}
	if (pf_inodes(r, "restore-rescan", &v, &nv, err) < 0)
		goto out;
	for (i = 0; i < r->n; i++) {
		m = &r->m[i];
		if (!m->chosen || !mg_qrestore_is_state(m, "placed"))
			continue;
		h = hold_find(v, nv, m->ino);
		if (h != NULL && !m->placed && !m->release && !is_ours(r, m,
		    h))
			h = NULL;
		name = h != NULL ? h->name : NULL;
		if (name == NULL && m->release) {
			/* deleted under us (a purge's postsuper -d still
			 * running): the quarantine has it for the next run */
			(void)fprintf(r->out, "  %s vanished from hold while "
			    "being released: run the rollback again\n",
			    m->id);
			free(m->state);
			m->state = NULL;
			m->dirty = 1;
			mg_qrestore_not_done(r, m);
			continue;
		}
		if (name == NULL && m->placed) {
			/* put back by this run: it is somewhere; never
			 * journaled back while not found */
			(void)fprintf(r->out, "  %s put back in hold/ but not "
			    "found there by its inode: run the rollback "
			    "again\n", m->id);
			mg_qrestore_not_done(r, m);
			continue;
		}
		if (name == NULL) {
			/* released by an earlier run (and maybe delivered) */
			mg_qrestore_set_state(m, "back", NULL);
			r->res->already++;
			continue;
		}
		if (!m->placed && !m->release) {
			/* put back (a hold: marked for release) by a run
			 * that was interrupted: back now */
			if (r->qfd < 0)
				m->from_live = 1;
			else {
				m->placed = 1;
				r->res->placed++;
				r->res->kept_held += m->held != 0;
			}
		}
		if (m->held) {
			mg_qrestore_set_state(m, "back", name);
			continue;
		}
		mg_str_printf(&in, "%s\n", name);
		free(m->new_id);
		m->new_id = mg_xstrdup(name);
		*MG_ARRAY_PUSH(rel, nrel, relcap) = m->new_id;
		m->dirty = 1;
		m->release = 1;
	}
	if (r->save(r, err) < 0)
		goto out;
	if (nrel > 0) {
		detach_held(t, pf->qdir, rel, nrel, r->out);
		(void)fprintf(r->out, "releasing %zu from the hold queue "
		    "(postsuper -H -)\n", nrel);
		if (mg_fault_fail("restore-release")) {
			(void)mg_err_set(err, "postsuper -H: failed "
			    "(MAILGUARD_TEST_FAIL_AT)");
			goto out;
		}
		if (postsuper(t, &r->log, "-H", "-", NULL, in.data, in.len,
		    err) < 0)
			goto out;
	}
	mg_fault("restore-released");
	for (i = 0; i < r->n; i++) {
		if (!r->m[i].release)
			continue;
		mg_qrestore_set_state(&r->m[i], "back", NULL);
		r->res->released += r->m[i].from_live;
	}
	rc = r->save(r, err);
out:
	if (pf->hfd >= 0)
		(void)close(pf->hfd);
	free(pf->qdir);
	free(v);
	free(rel);
	mg_str_free(&in);
	r->mta = NULL;
	return (rc);
}
