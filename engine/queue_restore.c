/*
 * queue_restore.c - roll back a purge or a hold (README, "Queue /
 * incident view"): each journaled ID is looked up in the live queue first, so a
 * message is never put back twice.  Still queued and held by the entry:
 * released; gone, with a complete copy in STATE/quarantine/ENTRY: put
 * back - the backend's restore does the MTA's part (backends/postfix/
 * pf_qaction.c, backends/exim/exim_qaction.c).  Mail that was on hold
 * (frozen) before the entry goes back on hold.  The journal's qmsgs rows
 * say per message how far it got, so a rollback that is run again - or
 * after being killed - brings back only what is still missing.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../backends/backend.h"
#include "../backends/queue_act.h"
#include "../core/mg_sanitize.h"
#include "../core/mg_secure_dir.h"
#include "../core/mg_str.h"
#include "journal_check.h"
#include "queue_restore.h"

/* What one restore carries besides the backend's part. */
struct restore {
	struct mg_qrestore r;		/* first: the save callback's arg */
	struct mg_journal *j;
	long entry;
	struct mg_qrcount count;
};

/* save - write the changed rows to the journal, in one transaction */
static int
save(struct mg_qrestore *qr, struct mg_err *err)
{
	struct restore *r = (struct restore *)qr;
	struct mg_jqmsg *rows;
	size_t i, k = 0;
	int rc;

	rows = mg_xcalloc(qr->n + 1, sizeof(*rows));
	for (i = 0; i < qr->n; i++) {
		if (!qr->m[i].dirty)
			continue;
		rows[k].id = qr->m[i].id;
		rows[k].held = qr->m[i].held;
		rows[k].ino = qr->m[i].ino;
		rows[k].new_id = qr->m[i].new_id;
		rows[k++].state = qr->m[i].state;
	}
	rc = mg_journal_qmsgs_put(r->j, r->entry, rows, k, err);
	free(rows);
	if (rc == 0)
		for (i = 0; i < qr->n; i++)
			qr->m[i].dirty = 0;
	return (rc);
}

/* choose - mark what the selectors choose: a message is judged by the
 * queue's view when queued, else by its quarantine copy */
static void
choose(struct restore *r, const struct mg_qsel *sel)
{
	struct mg_qrestore *qr = &r->r;
	struct mg_queue copies;
	const struct mg_qmsg *msg;
	struct mg_err err;
	time_t now = time(NULL);
	size_t i;

	mg_queue_init(&copies);
	for (i = 0; i < qr->n; i++) {
		qr->m[i].chosen = 1;
		if (sel == NULL)
			continue;
		msg = qr->m[i].live;
		if (msg == NULL && mg_backend_quarantine_msg(qr->t, qr->qfd,
		    qr->m[i].id, &copies, &err) == 0)
			msg = &copies.msgs[copies.nmsgs - 1];
		qr->m[i].chosen = msg != NULL && mg_qsel_match(sel, msg, now);
	}
	mg_queue_free(&copies);
}

/* mg_queue_restorable - a purge or a hold: rollback puts mail back */
int
mg_queue_restorable(const struct mg_jentry *e)
{
	return (e->action != NULL && (strcmp(e->action, "purge") == 0 ||
	    strcmp(e->action, "hold") == 0));
}

/* load_rows - the entry's IDs, with what the journal knows of them */
static int
load_rows(struct restore *r, struct mg_err *err)
{
	struct mg_qrestore *qr = &r->r;
	struct mg_jqmsg *rows = NULL;
	struct mg_qrmsg *m;
	char **ids = NULL;
	size_t nids = 0, nrows = 0, i, k = 0;

	if (mg_journal_queue_ids(r->j, r->entry, &ids, &nids, err) < 0 ||
	    mg_journal_qmsgs(r->j, r->entry, &rows, &nrows, err) < 0) {
		for (i = 0; i < nids; i++)
			free(ids[i]);
		free(ids);
		return (-1);
	}
	qr->m = mg_xcalloc(nids + 1, sizeof(*qr->m));
	/* both sorted by ID (sqlite's BINARY collation is strcmp's) */
	for (i = 0; i < nids; i++) {
		m = &qr->m[qr->n++];
		while (k < nrows && strcmp(rows[k].id, ids[i]) < 0)
			k++;
		if (k < nrows && strcmp(rows[k].id, ids[i]) == 0) {
			m->id = rows[k].id;
			m->held = rows[k].held;
			m->ino = rows[k].ino;
			m->new_id = rows[k].new_id;
			m->state = rows[k].state;
			memset(&rows[k++], 0, sizeof(rows[0]));
			free(ids[i]);
		} else
			m->id = ids[i];
	}
	free(ids);
	mg_jqmsgs_free(rows, nrows);
	return (0);
}

/* quarantine_ok - STATE/quarantine and its ENTRY directory, where they
 * exist, are private directories of root's (lstat: no link followed) */
static int
quarantine_ok(const char *state_dir, long entry, struct mg_err *err)
{
	char path[PATH_MAX];
	struct stat st;

	(void)snprintf(path, sizeof(path), "%s/quarantine", state_dir);
	if (lstat(path, &st) == 0 && mg_private_dir(path, 0, err) < 0)
		return (-1);
	(void)snprintf(path, sizeof(path), "%s/quarantine/%ld", state_dir,
	    entry);
	if (lstat(path, &st) == 0 && mg_private_dir(path, 0, err) < 0)
		return (-1);
	return (0);
}

/* count_back - of the entry's messages, those back or never removed */
static size_t
count_back(const struct mg_qrestore *qr)
{
	size_t i, n = 0;

	for (i = 0; i < qr->n; i++)
		n += mg_qrestore_is_state(&qr->m[i], "back");
	return (n);
}

/*
 * mg_queue_restore - roll back purge or hold entry e (journal j open and
 * locked) on target t: what sel chooses (NULL: all) back in the queue,
 * progress on out; res counts.  0, or -1 with err (res says how far it
 * got).
 */
int
mg_queue_restore(struct mg_target *t, struct mg_journal *j,
    const struct mg_jentry *e, const struct mg_qsel *sel, FILE *out,
    struct mg_restore_result *res, struct mg_err *err)
{
	struct restore r;
	struct mg_qrestore *qr = &r.r;
	char path[PATH_MAX], state[96];
	size_t i;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	memset(&r, 0, sizeof(r));
	qr->t = t;
	qr->out = out;
	qr->res = &r.count;
	qr->qfd = -1;
	qr->save = save;
	r.j = j;
	r.entry = e->id;
	mg_queue_init(&qr->q);
	if (!mg_queue_restorable(e))
		return (mg_err_set(err, "journal entry %ld is a %s: only a "
		    "purge or a hold puts mail back", e->id, e->action));
	if (load_rows(&r, err) < 0)
		return (-1);
	res->total = qr->n;
	/* the IDs become file names in the quarantine and the spool */
	for (i = 0; i < qr->n; i++)
		if (mg_journal_check_qid(e->id, qr->m[i].id, err) < 0 ||
		    (qr->m[i].new_id != NULL && mg_journal_check_qid(e->id,
		    qr->m[i].new_id, err) < 0))
			goto out;
	if (strcmp(e->action, "purge") == 0) {
		if (quarantine_ok(t->state_dir, e->id, err) < 0)
			goto out;
		(void)snprintf(path, sizeof(path), "%s/quarantine/%ld",
		    t->state_dir, e->id);
		qr->qfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	}
	if (mg_qrestore_load_live(qr, err) < 0)
		goto out;
	choose(&r, sel);
	for (i = 0; i < qr->n; i++)
		res->chosen += qr->m[i].chosen;
	rc = mg_backend_restore(t, qr, err);
	/* stopped by an error: put back in the spool or to be released,
	 * not back in the queue yet - the next run's */
	for (i = 0; rc < 0 && i < qr->n; i++)
		if ((qr->m[i].placed || qr->m[i].release) &&
		    !mg_qrestore_is_state(&qr->m[i], "back"))
			mg_qrestore_not_done(qr, &qr->m[i]);
	res->back = count_back(qr);
	if (qr->log.len > 0)
		mg_print_sanitized_lines(out, mg_str_cstr(&qr->log));
	(void)snprintf(state, sizeof(state), "restored (%zu of %zu)",
	    res->back, res->total);
	/* stopped by an error, the entry stays "rolling-back": mail is
	 * still out of the queue and journal, report and fix must say so */
	if (rc == 0 && res->back > 0)
		(void)mg_journal_set(j, e->id, "state", state);
out:
	res->placed = r.count.placed;
	res->released = r.count.released;
	res->kept_held = r.count.kept_held;
	res->already = r.count.already;
	res->stayed = r.count.stayed;
	res->missing = r.count.missing;
	res->failed = r.count.failed;
	res->restored = res->placed + res->released;
	if (qr->qfd >= 0)
		(void)close(qr->qfd);
	for (i = 0; i < qr->n; i++) {
		free(qr->m[i].id);
		free(qr->m[i].new_id);
		free(qr->m[i].state);
	}
	free(qr->m);
	free(qr->live);
	mg_queue_free(&qr->q);
	mg_str_free(&qr->log);
	return (rc);
}
