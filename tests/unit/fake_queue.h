/*
 * fake_queue.h - a fake MTA's queue behind struct mg_backend, for unit
 * tests of the engine's queue actions: a spool directory (the target's
 * config_dir) with active/ and hold/, one file per message named by its
 * ID, a header of "key=value" lines ("sender=", "sasl=", "rcpt=") ended
 * by an empty line, then the body.  Header-only: static functions.
 */
#ifndef MG_FAKE_QUEUE_H
#define MG_FAKE_QUEUE_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../backends/backend.h"
#include "../../backends/queue_act.h"
#include "../../core/mg_install.h"
#include "../../core/mg_str.h"

/* What the fake MTA was asked, for tests to count. */
struct fq_calls {
	size_t held, released, copied, deleted, placed;
	void (*before_delete)(void);	/* called once before deleting */
	int stop_before_delete;	/* as a kill there: copied, none deleted */
};

static struct fq_calls fq_calls;

/* fq_path - SPOOL/SUB[/ID] into buf */
static void
fq_path(const struct mg_target *t, const char *sub, const char *id,
    char *buf, size_t size)
{
	(void)snprintf(buf, size, "%s/%s%s%s", t->config_dir, sub,
	    id != NULL ? "/" : "", id != NULL ? id : "");
}

/* fq_parse - a message file's bytes into q (queue names its queue) */
static int
fq_parse(const char *data, size_t len, const char *id, const char *queue,
    struct mg_queue *q, struct mg_err *err)
{
	const char *rcpts[16];
	struct mg_qmsg m;
	const char *p = data, *end = data + len, *nl, *v;
	size_t n = 0, klen;

	memset(&m, 0, sizeof(m));
	m.queue = queue;
	m.sender = "";
	m.size = len;
	while (p < end && *p != '\n') {
		if ((nl = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return (mg_err_set(err, "%s: no end of header", id));
		if ((v = memchr(p, '=', (size_t)(nl - p))) == NULL)
			return (mg_err_set(err, "%s: not key=value", id));
		klen = (size_t)(v - p);
		v++;
		if (klen == 6 && strncmp(p, "sender", 6) == 0)
			m.sender = mg_arena_strndup(&q->arena, v,
			    (size_t)(nl - v));
		else if (klen == 4 && strncmp(p, "sasl", 4) == 0)
			m.sasl_username = mg_arena_strndup(&q->arena, v,
			    (size_t)(nl - v));
		else if (klen == 4 && strncmp(p, "rcpt", 4) == 0 && n < 16)
			rcpts[n++] = mg_arena_strndup(&q->arena, v,
			    (size_t)(nl - v));
		p = nl + 1;
	}
	(void)mg_queue_add_copy(q, &m, id, strlen(id), rcpts, n);
	return (0);
}

/* fq_read - the bytes of DFD/NAME into buf; 0 or -1 */
static int
fq_read(int dfd, const char *name, struct mg_str *buf)
{
	char tmp[4096];
	ssize_t n;
	int fd;

	mg_str_reset(buf);
	if ((fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return (-1);
	while ((n = read(fd, tmp, sizeof(tmp))) > 0)
		mg_str_append(buf, tmp, (size_t)n);
	(void)close(fd);
	return (n == 0 ? 0 : -1);
}

/* fq_load_queue - both queues of the spool */
static int
fq_load_queue(struct mg_target *t, struct mg_queue *q,
    const struct mg_qscan_opts *opts, mg_progress_fn fn, void *arg,
    struct mg_err *err)
{
	static const char *const queues[] = { "active", "hold" };
	struct mg_str buf = MG_STR_INIT;
	struct dirent *de;
	char path[PATH_MAX];
	size_t i;
	DIR *d;

	(void)opts;
	(void)fn;
	(void)arg;
	for (i = 0; i < 2; i++) {
		fq_path(t, queues[i], NULL, path, sizeof(path));
		if ((d = opendir(path)) == NULL)
			return (mg_err_errno(err, "cannot open %s", path));
		while ((de = readdir(d)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			q->files++;
			if (fq_read(dirfd(d), de->d_name, &buf) < 0 ||
			    fq_parse(buf.data, buf.len, de->d_name, queues[i],
			    q, err) < 0)
				q->corrupt++;
		}
		(void)closedir(d);
	}
	mg_str_free(&buf);
	return (0);
}

/* fq_move - ID from queue a to queue b; 0, or -1 (errno) */
static int
fq_move(const struct mg_target *t, const char *a, const char *b,
    const char *id)
{
	char from[PATH_MAX], to[PATH_MAX];

	fq_path(t, a, id, from, sizeof(from));
	fq_path(t, b, id, to, sizeof(to));
	return (rename(from, to));
}

/* fq_queue_act - hold (active -> hold) or release (hold -> active) */
static int
fq_queue_act(struct mg_target *t, struct mg_qrun *p, enum mg_qaction act,
    char *const *ids, size_t n, const char *name, struct mg_err *err)
{
	size_t i;

	(void)name;
	mg_str_printf(&p->log, "fake %s of %zu\n", act == MG_QA_HOLD ?
	    "hold" : "release", n);
	if (act == MG_QA_REQUEUE)
		return (mg_err_set(err, "the fake MTA has no requeue"));
	for (i = 0; i < n; i++) {
		if (act == MG_QA_HOLD && fq_move(t, "active", "hold",
		    ids[i]) == 0)
			fq_calls.held++;
		if (act == MG_QA_RELEASE && fq_move(t, "hold", "active",
		    ids[i]) == 0)
			fq_calls.released++;
	}
	return (0);
}

/* fq_purge_ids - hold, copy each held one into the quarantine (resume:
 * replacing a copy an interrupted purge left), delete the copied ones */
static int
fq_purge_ids(struct mg_target *t, struct mg_qrun *p, int resume,
    struct mg_err *err)
{
	static const char *const sfx[] = { "", NULL };
	char path[PATH_MAX], dst[PATH_MAX + 300];
	struct mg_err e;
	size_t i;
	int hfd;

	for (i = 0; i < p->nids; i++)
		if (fq_move(t, "active", "hold", p->ids[i]) == 0)
			fq_calls.held++;
	fq_path(t, "hold", NULL, path, sizeof(path));
	if ((hfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return (mg_err_errno(err, "cannot open %s", path));
	for (i = 0; i < p->nids; i++) {
		(void)snprintf(dst, sizeof(dst), "%s/%s", p->qdir, p->ids[i]);
		if (resume)
			(void)unlink(dst);
		if (mg_qfile_copy(hfd, p->ids[i], dst, &e) == 0) {
			mg_qrun_copied(p, p->ids[i]);
			fq_calls.copied++;
		}
	}
	/* as the real backends: the batch's copies and the quarantine's
	 * entries durable (mg_qrun_sync) before the first delete */
	if (mg_qrun_open_quarantine(p, err) < 0 ||
	    mg_qrun_sync(p, sfx, err) < 0) {
		(void)close(hfd);
		return (-1);
	}
	if (fq_calls.before_delete != NULL)
		fq_calls.before_delete();
	if (fq_calls.stop_before_delete) {
		(void)close(hfd);
		return (mg_err_set(err, "stopped before the delete"));
	}
	for (i = 0; i < p->ncopied; i++)
		if (unlinkat(hfd, p->copied[i], 0) == 0)
			fq_calls.deleted++;
	(void)close(hfd);
	return (0);
}

/* fq_purge - a purge into a new quarantine */
static int
fq_purge(struct mg_target *t, struct mg_qrun *p, struct mg_err *err)
{
	return (fq_purge_ids(t, p, 0, err));
}

/* fq_purge_finish - an interrupted purge's queued IDs into its
 * quarantine */
static int
fq_purge_finish(struct mg_target *t, struct mg_qrun *p, struct mg_err *err)
{
	return (fq_purge_ids(t, p, 1, err));
}

/* fq_place - quarantine copy ID into hold/ (never over a file there) */
static int
fq_place(struct mg_qrestore *r, struct mg_qrmsg *m)
{
	char path[PATH_MAX];
	struct mg_err err;
	int fd, hfd, rc;

	if ((fd = mg_qrestore_open_copy(r, m->id)) < 0)
		return (errno == ENOENT || r->qfd < 0 ? 1 : -1);
	fq_path(r->t, "hold", NULL, path, sizeof(path));
	hfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	rc = hfd < 0 ? -1 : mg_install_copy_at(hfd, path, fd, m->id,
	    MG_QFILE_MAX, 0600, getuid(), getgid(), 0, NULL, &err);
	if (hfd >= 0)
		(void)close(hfd);
	(void)close(fd);
	if (rc != 0) {
		mg_qrestore_not_back(r, m, rc > 0 ? "exists" : err.msg);
		return (-1);
	}
	fq_calls.placed++;
	mg_qrestore_set_state(m, "placed", NULL);
	if (!m->held)
		m->release = 1;
	return (0);
}

/* fq_restore - put back, then release what the entry held */
static int
fq_restore(struct mg_target *t, struct mg_qrestore *r, struct mg_err *err)
{
	struct mg_qrmsg *m;
	size_t i;

	mg_qrestore_decide(r, fq_place);
	if (r->save(r, err) < 0)
		return (-1);
	for (i = 0; i < r->n; i++) {
		m = &r->m[i];
		if (!m->chosen || (!m->release && !mg_qrestore_is_state(m,
		    "placed")))
			continue;
		if (m->release) {
			if (fq_move(t, "hold", "active", m->id) < 0) {
				mg_qrestore_not_done(r, m);
				continue;
			}
			fq_calls.released++;
			r->res->released += m->from_live;
		}
		mg_qrestore_set_state(m, "back", m->id);
	}
	return (r->save(r, err));
}

/* fq_quarantine_msg - the message of quarantine copy id */
static int
fq_quarantine_msg(struct mg_target *t, int qfd, const char *id,
    struct mg_queue *q, struct mg_err *err)
{
	struct mg_str buf = MG_STR_INIT;
	int rc = -1;

	(void)t;
	if (qfd >= 0 && fq_read(qfd, id, &buf) == 0)
		rc = fq_parse(buf.data, buf.len, id, "hold", q, err);
	else
		(void)mg_err_set(err, "%s: no copy", id);
	mg_str_free(&buf);
	return (rc);
}

static const struct mg_backend fq_backend = {
	.name = "fake",
	.mta = MG_MTA_NONE,
	.load_queue = fq_load_queue,
	.queue_act = fq_queue_act,
	.purge = fq_purge,
	.purge_finish = fq_purge_finish,
	.restore = fq_restore,
	.quarantine_msg = fq_quarantine_msg,
	.quarantine_how = "fake queue files\n",
	.show_how = "fake -h",
};

#endif
