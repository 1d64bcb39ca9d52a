/*
 * queue_purge.c - purge a selection of the queue the way the README's
 * "Queue / incident view" says: the selection is computed on one scan,
 * and from then on only those exact IDs are touched.  The backend
 * keeps each from delivery while it is put into STATE/quarantine/ENTRY
 * (a hard link on the queue's filesystem, else a copy; Postfix: on
 * hold; Exim: under the lock Exim itself takes on the message, without
 * freezing it) and deletes exactly the quarantined IDs
 * (backends/postfix/pf_qaction.c,
 * backends/exim/exim_qaction.c).
 * Every ID is journaled before anything happens; a copy that fails
 * leaves that message queued (Postfix: held), never deleted.  Hold, release and
 * requeue go the same way, without the quarantine (the console and the
 * command line hold and release the IDs their question counted).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../backends/backend.h"
#include "../backends/queue_act.h"
#include "../core/mg_install.h"
#include "../core/mg_sanitize.h"
#include "../core/mg_secure_dir.h"
#include "../core/mg_str.h"
#include "journal_check.h"
#include "mg_journal.h"
#include "queue_purge.h"

/* What one purge carries. */
struct purge {
	struct mg_target *t;
	struct mg_qrun run;		/* what the backend is handed */
	struct mg_purge_result *res;
};

/* purge_init - an empty result and a run of nsteps steps on t, told to
 * out and prog */
static void
purge_init(struct purge *p, struct mg_target *t, FILE *out,
    const struct mg_qprogress *prog, unsigned nsteps,
    struct mg_purge_result *res)
{
	memset(res, 0, sizeof(*res));
	memset(p, 0, sizeof(*p));
	p->t = t;
	p->run.out = out;
	p->res = res;
	p->run.prog = prog;
	p->run.nsteps = nsteps;
	p->run.qfd = -1;
}

/* purge_free - what a purge run holds: its quarantine directory's
 * descriptor, the copied names, the IDs and the log */
static void
purge_free(struct purge *p)
{
	size_t i;

	if (p->run.qfd >= 0)
		(void)close(p->run.qfd);
	for (i = 0; i < p->run.ncopied; i++)
		free(p->run.copied[i]);
	free(p->run.copied);
	free(p->run.ids);
	mg_str_free(&p->run.log);
}

/*
 * mg_purge_select - indexes of the messages of q that sel selects at
 * time now, in *idx (caller frees); their number in *n
 */
int
mg_purge_select(const struct mg_queue *q, const struct mg_qsel *sel,
    time_t now, size_t **idx, size_t *n)
{
	size_t i, cap = 0;

	*idx = NULL;
	*n = 0;
	for (i = 0; i < q->nmsgs; i++)
		if (mg_qsel_match(sel, &q->msgs[i], now))
			*MG_ARRAY_PUSH(*idx, *n, cap) = i;
	return (0);
}

/* mg_purge_preview - what verb ("purge", "hold"...) selects: the count,
 * what stays, and a few samples (untrusted queue text sanitized) */
void
mg_purge_preview(FILE *out, const char *verb, const struct mg_queue *q,
    const size_t *idx, size_t n, const struct mg_qsel *sel)
{
	struct mg_str line = MG_STR_INIT, desc = MG_STR_INIT;
	const struct mg_qmsg *m;
	size_t i;

	mg_qsel_describe(sel, &desc);
	(void)fprintf(out, "%s%s: %zu of %zu queued messages selected; "
	    "%zu stay\n", verb, mg_str_cstr(&desc), n, q->nmsgs,
	    q->nmsgs - n);
	for (i = 0; i < n && i < MG_PURGE_SAMPLES; i++) {
		m = &q->msgs[idx[i]];
		mg_str_reset(&line);
		mg_str_printf(&line, "  %s %-8s from <%s> sasl %s client %s to "
		    "%s%s", m->id, m->queue != NULL ? m->queue : "?",
		    m->sender != NULL ? m->sender : "?", m->sasl_username !=
		    NULL ? m->sasl_username : "-", m->client_address != NULL ?
		    m->client_address : "-", m->nrcpts > 0 ? m->rcpts[0] : "-",
		    m->nrcpts > 1 ? " ..." : "");
		mg_print_sanitized(out, mg_str_cstr(&line));
		(void)fputc('\n', out);
	}
	if (n > MG_PURGE_SAMPLES)
		(void)fprintf(out, "  ... and %zu more\n", n -
		    MG_PURGE_SAMPLES);
	mg_str_free(&line);
	mg_str_free(&desc);
}

/* make_quarantine - STATE/quarantine/ENTRY, 0700, with a README */
static int
make_quarantine(struct purge *p, long entry, struct mg_err *err)
{
	const char *how = mg_backend_quarantine_how(p->t);
	char path[PATH_MAX + 16];
	int fd;

	(void)snprintf(path, sizeof(path), "%s/quarantine",
	    p->t->state_dir);
	if (mg_private_dir(path, 1, err) < 0)
		return (-1);
	(void)snprintf(p->run.qdir, sizeof(p->run.qdir), "%s/quarantine/%ld",
	    p->t->state_dir, entry);
	if (mkdir(p->run.qdir, 0700) < 0)
		return (mg_err_errno(err, "cannot create %s", p->run.qdir));
	if (mg_private_dir(p->run.qdir, 0, err) < 0)
		return (-1);
	/* the quarantine's own names durable before a copy is made, so
	 * that the copies the backend syncs before deleting are found
	 * after a crash */
	if (mg_fsync_dir(path) < 0 || mg_fsync_dir(p->t->state_dir) < 0)
		return (mg_err_errno(err, "cannot make %s durable (fsync)",
		    p->run.qdir));
	(void)snprintf(path, sizeof(path), "%s/README", p->run.qdir);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0600);
	if (fd < 0)
		return (mg_err_errno(err, "cannot create %s", path));
	if (write(fd, how, strlen(how)) != (ssize_t)strlen(how) ||
	    fsync(fd) < 0) {
		(void)close(fd);
		return (mg_err_errno(err, "cannot write %s", path));
	}
	(void)close(fd);
	return (0);
}

/* still_queued - after the purge: selected IDs still in the queue (as
 * the backend counted them by name, else on a new scan); of them, those
 * the backend had quarantined (to delete) in *copied_left */
static size_t
still_queued(struct purge *p, size_t *copied_left)
{
	struct mg_queue q;
	struct mg_err err;
	char **copied;
	const char *id;
	size_t i, n = 0;

	*copied_left = 0;
	if (p->run.counted) {
		*copied_left = p->run.still_copied;
		return (p->run.still_queued);
	}
	if (mg_backend_load_queue(p->t, &q, NULL, NULL, &err) < 0) {
		mg_queue_free(&q);
		return (0);
	}
	copied = mg_xcalloc(p->run.ncopied + 1, sizeof(*copied));
	memcpy(copied, p->run.copied, p->run.ncopied * sizeof(*copied));
	qsort(copied, p->run.ncopied, sizeof(*copied), mg_strp_cmp);
	for (i = 0; i < q.nmsgs; i++) {
		if (!mg_qrun_selected(&p->run, q.msgs[i].id))
			continue;
		n++;
		id = q.msgs[i].id;
		*copied_left += p->run.ncopied > 0 && bsearch(&id, copied,
		    p->run.ncopied, sizeof(*copied), mg_strp_cmp) != NULL;
	}
	free(copied);
	mg_queue_free(&q);
	return (n);
}

/*
 * begin - the common start of every queue action: one scan (scanned:
 * q holds the caller's already), the selection (previewed on out for a
 * purge), its IDs sorted into p (pointing into q), a journal entry with
 * every ID.  1 and the entry in res when there is work, 0 when nothing
 * is selected, -1 with err.
 */
static int
begin(struct purge *p, struct mg_journal *j, struct mg_queue *q,
    int scanned, const char *action, const struct mg_qsel *sel,
    struct mg_err *err)
{
	struct mg_str sum = MG_STR_INIT;
	struct mg_jqmsg *held = NULL;
	size_t *idx = NULL, n, i, nheld = 0;
	int rc = -1;

	if (!scanned && mg_backend_load_queue(p->t, q, NULL, NULL, err) < 0)
		return (-1);
	(void)mg_purge_select(q, sel, time(NULL), &idx, &n);
	p->res->selected = n;
	if (strcmp(action, "purge") == 0)
		mg_purge_preview(p->run.out, action, q, idx, n, sel);
	if (n == 0) {
		free(idx);
		return (0);
	}
	p->run.ids = mg_xcalloc(n, sizeof(*p->run.ids));
	held = mg_xcalloc(n, sizeof(*held));
	for (i = 0; i < n; i++) {
		p->run.ids[i] = q->msgs[idx[i]].id;
		if (mg_qmsg_held(&q->msgs[idx[i]])) {
			held[nheld].id = (char *)p->run.ids[i];
			held[nheld++].held = 1;
		}
	}
	p->run.nids = n;
	free(idx);
	qsort(p->run.ids, n, sizeof(*p->run.ids), mg_strp_cmp);
	mg_str_puts(&sum, action);
	mg_qsel_describe(sel, &sum);
	mg_str_printf(&sum, ": %zu messages", n);
	if ((p->res->entry = mg_journal_begin(j, action, mg_str_cstr(&sum),
	    NULL, err)) < 0) {
		p->res->entry = 0;
		goto out;
	}
	/* what was on hold before stays on hold after a rollback */
	if (mg_journal_ids(j, p->res->entry, p->run.ids, n, err) < 0 ||
	    mg_journal_qmsgs_put(j, p->res->entry, held, nheld, err) < 0) {
		(void)mg_journal_set(j, p->res->entry, "state", "failed");
		(void)mg_journal_set(j, p->res->entry, "result", err->msg);
		goto out;
	}
	rc = 1;
out:
	free(held);
	mg_str_free(&sum);
	return (rc);
}

/*
 * purge_run - purge what sel selects on the live queue of t, selected on
 * q (scanned: the caller's scan; else scanned here, and freed)
 */
static int
purge_run(struct mg_target *t, struct mg_queue *q, int scanned,
    const struct mg_qsel *sel, FILE *out, const struct mg_qprogress *prog,
    struct mg_purge_result *res, struct mg_err *err)
{
	struct mg_str result = MG_STR_INIT;
	struct mg_journal j;
	struct purge p;
	size_t n, left;
	int rc = -1;

	purge_init(&p, t, out, prog, MG_QSTEPS_PURGE, res);
	if (mg_journal_open(&j, t->state_dir, 1, err) < 0)
		return (-1);
	if ((rc = begin(&p, &j, q, scanned, "purge", sel, err)) <= 0)
		goto out_queue;
	mg_qtime("begin");
	rc = -1;
	n = p.run.nids;
	if (make_quarantine(&p, res->entry, err) < 0) {
		(void)mg_journal_set(&j, res->entry, "state", "failed");
		(void)mg_journal_set(&j, res->entry, "result", err->msg);
		goto out_queue;
	}
	(void)snprintf(res->quarantine, sizeof(res->quarantine), "%s",
	    p.run.qdir);
	(void)mg_journal_set(&j, res->entry, "step", "hold");
	mg_qtime("quarantine-dir");
	rc = mg_backend_purge(t, &p.run, err);
	res->held = p.run.ncopied;
	res->quarantined = p.run.ncopied;
	mg_qrun_progress(&p.run, MG_QSTEP_CHECK, "check", 0, 1);
	res->remaining = still_queued(&p, &left);
	mg_qtime("still-queued");
	mg_qrun_progress(&p.run, MG_QSTEP_CHECK, "check", 1, 1);
	/* a message never copied may still be queued (Exim: a delivery
	 * held its lock): neither deleted nor gone */
	res->deleted = p.run.ncopied - left;
	res->gone = n - p.run.ncopied - (res->remaining - left);
	mg_str_printf(&result, "selected %zu; quarantined %zu in %s; deleted "
	    "%zu; gone before the hold %zu; still queued %zu\n", n,
	    p.run.ncopied, p.run.qdir, res->deleted, res->gone,
	    res->remaining);
	if (rc < 0)
		mg_str_printf(&result, "error: %s\n", err->msg);
	mg_str_append(&result, mg_str_cstr(&p.run.log), p.run.log.len);
	(void)mg_journal_set(&j, res->entry, "result", mg_str_cstr(&result));
	(void)mg_journal_set(&j, res->entry, "step", "deleted");
	(void)mg_journal_set(&j, res->entry, "state", rc == 0 ? "done" :
	    "failed");
	mg_qtime("journal");
out_queue:
	if (!scanned)
		mg_queue_free(q);
	mg_journal_close(&j);
	purge_free(&p);
	mg_str_free(&result);
	return (rc);
}

/*
 * mg_queue_purge - purge what sel selects on the live queue of t (one
 * scan), reporting progress on out.  0 when done (res says what
 * happened, remaining > 0 if some selected mail could not be removed),
 * -1 with err when nothing could be done or a tool failed midway (the
 * journal says how far).
 */
int
mg_queue_purge(struct mg_target *t, const struct mg_qsel *sel, FILE *out,
    const struct mg_qprogress *prog, struct mg_purge_result *res,
    struct mg_err *err)
{
	struct mg_queue q;

	mg_queue_init(&q);
	return (purge_run(t, &q, 0, sel, out, prog, res, err));
}

/*
 * mg_queue_purge_scanned - mg_queue_purge on the caller's scan q of the
 * live queue (the one its preview and question counted: no second
 * scan); q stays the caller's (not changed; freed by the caller after
 * the call)
 */
int
mg_queue_purge_scanned(struct mg_target *t, struct mg_queue *q,
    const struct mg_qsel *sel, FILE *out, const struct mg_qprogress *prog,
    struct mg_purge_result *res, struct mg_err *err)
{
	return (purge_run(t, q, 1, sel, out, prog, res, err));
}

/*
 * finish_ids - of entry e's journaled IDs, those the MTA still lists
 * (scanned into q), sorted into p->run.ids (pointing into q); every ID
 * judged a queue ID first.  0, or -1 with err
 */
static int
finish_ids(struct purge *p, struct mg_journal *j, const struct mg_jentry *e,
    struct mg_queue *q, struct mg_err *err)
{
	char **ids = NULL;
	const char *id;
	size_t nids = 0, i;
	int rc = -1;

	if (mg_journal_queue_ids(j, e->id, &ids, &nids, err) < 0)
		return (-1);
	for (i = 0; i < nids; i++)
		if (mg_journal_check_qid(e->id, ids[i], err) < 0)
			goto out;
	if (mg_backend_load_queue(p->t, q, NULL, NULL, err) < 0)
		goto out;
	qsort(ids, nids, sizeof(*ids), mg_strp_cmp);
	p->run.ids = mg_xcalloc(q->nmsgs + 1, sizeof(*p->run.ids));
	for (i = 0; i < q->nmsgs; i++) {
		id = q->msgs[i].id;
		if (nids > 0 && bsearch(&id, ids, nids, sizeof(*ids),
		    mg_strp_cmp) != NULL)
			p->run.ids[p->run.nids++] = id;
	}
	qsort(p->run.ids, p->run.nids, sizeof(*p->run.ids), mg_strp_cmp);
	p->res->selected = nids;
	rc = 0;
out:
	for (i = 0; i < nids; i++)
		free(ids[i]);
	free(ids);
	return (rc);
}

/*
 * mg_queue_purge_finish - finish purge entry id that a kill left
 * "applying": what of its IDs is still queued purged into the
 * quarantine it left, through the backend's purge_finish (which copies
 * each afresh and removes only the message it copied); the entry "done"
 * after.  0 (res: selected = the entry's IDs, remaining = still queued
 * after), or -1 with err (nothing done if res->entry is 0).
 */
int
mg_queue_purge_finish(struct mg_target *t, long id, FILE *out,
    const struct mg_qprogress *prog, struct mg_purge_result *res,
    struct mg_err *err)
{
	struct mg_str result = MG_STR_INIT;
	struct mg_jentry *e = NULL;
	struct mg_journal j;
	struct mg_queue q;
	struct purge p;
	size_t ne = 0, left;
	int rc = -1;

	purge_init(&p, t, out, prog, MG_QSTEPS_PURGE, res);
	mg_queue_init(&q);
	if (!mg_backend_can_finish_purge(t))
		return (mg_err_set(err, "%s cannot finish an interrupted "
		    "purge: put its mail back with: mailguard-tui rollback "
		    "%ld (then purge again if still wanted)", t->backend !=
		    NULL ? t->backend->name : "this MTA", id));
	if (mg_journal_open(&j, t->state_dir, 1, err) < 0)
		return (-1);
	if (mg_journal_entries(&j, id, 0, &e, &ne, err) < 0)
		goto out;
	if (ne == 0) {
		(void)mg_err_set(err, "no journal entry %ld", id);
		goto out;
	}
	/* only a purge a kill left: a finished one has nothing to do, a
	 * rollback begun has put mail back that must stay */
	if (strcmp(e->action, "purge") != 0 || strcmp(e->state,
	    "applying") != 0) {
		(void)mg_err_set(err, "journal entry %ld is a %s, %s: only a "
		    "purge that was interrupted (applying) can be finished",
		    id, e->action, e->state);
		goto out;
	}
	(void)snprintf(p.run.qdir, sizeof(p.run.qdir), "%s/quarantine/%ld",
	    t->state_dir, id);
	if (mg_private_dir(p.run.qdir, 0, err) < 0 || finish_ids(&p, &j, e,
	    &q, err) < 0)
		goto out;
	res->entry = id;
	(void)snprintf(res->quarantine, sizeof(res->quarantine), "%s",
	    p.run.qdir);
	(void)fprintf(out, "finishing purge entry %ld: %zu of its %zu "
	    "messages still queued\n", id, p.run.nids, res->selected);
	(void)mg_journal_set(&j, id, "step", "finish");
	rc = p.run.nids > 0 ? mg_backend_purge_finish(t, &p.run, err) : 0;
	res->quarantined = res->held = p.run.ncopied;
	res->remaining = p.run.nids > 0 ? still_queued(&p, &left) : 0;
	res->deleted = p.run.ncopied - (p.run.nids > 0 ? left : 0);
	mg_str_puts(&result, e->result != NULL ? e->result : "");
	mg_str_printf(&result, "finished: %zu still queued; quarantined and "
	    "deleted %zu; still queued after %zu\n", p.run.nids,
	    res->deleted, res->remaining);
	if (rc < 0)
		mg_str_printf(&result, "error: %s\n", err->msg);
	mg_str_append(&result, mg_str_cstr(&p.run.log), p.run.log.len);
	(void)mg_journal_set(&j, id, "result", mg_str_cstr(&result));
	if (rc == 0)
		(void)mg_journal_set(&j, id, "state", "done");
	if (rc == 0 || p.run.ncopied > 0)
		(void)mg_journal_set(&j, id, "step", "deleted");
out:
	mg_jentries_free(e, ne);
	mg_queue_free(&q);
	mg_journal_close(&j);
	purge_free(&p);
	mg_str_free(&result);
	return (rc);
}

/* mg_qaction_name - "hold", "release", "requeue" */
const char *
mg_qaction_name(enum mg_qaction act)
{
	static const char *const names[] = { "hold", "release", "requeue" };

	return ((size_t)act < sizeof(names) / sizeof(names[0]) ?
	    names[act] : "?");
}

/* act_todo - the selected IDs of q the action would change (a hold
 * leaves what is held, a release what is not), into *ids (caller
 * frees the array; the IDs point into q) */
static size_t
act_todo(const struct purge *p, const struct mg_queue *q,
    enum mg_qaction act, char ***ids)
{
	size_t i, n = 0;

	*ids = mg_xcalloc(q->nmsgs + 1, sizeof(**ids));
	for (i = 0; i < q->nmsgs; i++) {
		if (!mg_qrun_selected(&p->run, q->msgs[i].id) || (act ==
		    MG_QA_HOLD && mg_qmsg_held(&q->msgs[i])) || (act ==
		    MG_QA_RELEASE && !mg_qmsg_held(&q->msgs[i])))
			continue;
		(*ids)[n++] = (char *)q->msgs[i].id;
	}
	return (n);
}

/* act_tally - of the selected IDs in q: those not in the state act
 * should have left them in (*undone), those read (*seen, marked in
 * seen[] by their place among the run's IDs) */
static void
act_tally(struct purge *p, const struct mg_queue *q, enum mg_qaction act,
    unsigned char *seen, size_t *undone)
{
	const char *qn, *rq = mg_backend_requeued_queue(p->t);
	size_t i, k;
	int held;

	for (i = 0; i < q->nmsgs; i++) {
		if ((k = mg_qrun_index(&p->run, q->msgs[i].id)) == SIZE_MAX ||
		    seen[k])
			continue;
		seen[k] = 1;
		qn = q->msgs[i].queue != NULL ? q->msgs[i].queue : "";
		held = mg_qmsg_held(&q->msgs[i]);
		/* requeued mail waits (Postfix: maildrop), then gets a
		 * new ID */
		if ((act == MG_QA_HOLD && !held) || (act == MG_QA_RELEASE &&
		    held) || (act == MG_QA_REQUEUE && (rq == NULL ||
		    strcmp(qn, rq) != 0)))
			(*undone)++;
	}
}

/*
 * act_undone - after the action, on a new read: the selected IDs not in
 * the state it should have left them in; *gone: those no longer queued
 * (delivered or removed meanwhile; not for a requeue, whose mail gets
 * new IDs).  A read that misses an ID (Postfix: a message the queue
 * manager moved from a directory not yet listed to one listed already)
 * is made again; only an ID neither read shows is gone.  -1 with err if
 * the queue cannot be read.
 */
static ssize_t
act_undone(struct purge *p, enum mg_qaction act, size_t *gone,
    struct mg_err *err)
{
	struct mg_queue q;
	unsigned char *seen;
	size_t i, n = 0, nseen, round;

	*gone = 0;
	seen = mg_xcalloc(p->run.nids + 1, 1);
	for (round = 0; round < 2; round++) {
		mg_queue_init(&q);
		if (mg_backend_load_queue(p->t, &q, NULL, NULL, err) < 0) {
			mg_queue_free(&q);
			free(seen);
			return (-1);
		}
		act_tally(p, &q, act, seen, &n);
		mg_queue_free(&q);
		for (i = nseen = 0; i < p->run.nids; i++)
			nseen += seen[i];
		if (nseen == p->run.nids || act == MG_QA_REQUEUE)
			break;
	}
	if (act != MG_QA_REQUEUE)
		*gone = p->run.nids - nseen;
	free(seen);
	return ((ssize_t)n);
}

/*
 * act_run - hold, release or requeue what sel selects on the live queue
 * of t, selected on q (scanned: the caller's read, the one its question
 * counted; else read here).  Only the selected IDs are touched; which of
 * them to move is judged on a new read when q is the caller's (a
 * message held, released or delivered since is left out: exim -Mf on a
 * frozen message fails the call), and the result on one after it
 * (act_undone: what moved, what left the queue meanwhile).  Freed here
 * unless scanned.
 */
static int
act_run(struct mg_target *t, struct mg_queue *q, int scanned,
    enum mg_qaction act, const struct mg_qsel *sel, FILE *out,
    const struct mg_qprogress *prog, struct mg_purge_result *res,
    struct mg_err *err)
{
	struct mg_str result = MG_STR_INIT;
	struct mg_journal j;
	struct mg_queue now;
	struct purge p;
	struct mg_err e2;
	char **todo;
	size_t n, ntodo;
	ssize_t undone;
	int rc = -1;

	purge_init(&p, t, out, prog, 2, res);
	mg_queue_init(&now);
	if (mg_journal_open(&j, t->state_dir, 1, err) < 0)
		return (-1);
	if ((rc = begin(&p, &j, q, scanned, mg_qaction_name(act), sel,
	    err)) <= 0)
		goto out;
	n = p.run.nids;
	(void)fprintf(out, "%s: %zu messages\n", mg_qaction_name(act), n);
	if (scanned && mg_backend_load_queue(t, &now, NULL, NULL, err) < 0) {
		rc = -1;
		(void)mg_journal_set(&j, res->entry, "result", err->msg);
		(void)mg_journal_set(&j, res->entry, "state", "failed");
		goto out;
	}
	ntodo = act_todo(&p, scanned ? &now : q, act, &todo);
	mg_fault("queue-act");
	rc = mg_backend_queue_act(t, &p.run, act, todo, ntodo,
	    mg_qaction_name(act), err);
	free(todo);
	mg_qrun_progress(&p.run, 2, "check", 0, 1);
	undone = act_undone(&p, act, &res->gone, &e2);
	mg_qrun_progress(&p.run, 2, "check", 1, 1);
	if (undone < 0) {
		/* what moved cannot be counted: said, never guessed */
		res->remaining = n;
		mg_str_printf(&result, "selected %zu; the queue could not be "
		    "read again to count what moved: %s\n", n, e2.msg);
		if (rc == 0)
			(void)mg_err_set(err, "the %s ran, but the queue could "
			    "not be read again to count what moved: %s",
			    mg_qaction_name(act), e2.msg);
		rc = -1;
	} else {
		res->remaining = (size_t)undone;
		res->held = n - res->remaining - res->gone;
		mg_str_printf(&result, "selected %zu; not moved %zu; left the "
		    "queue meanwhile %zu\n", n, res->remaining, res->gone);
	}
	if (rc < 0)
		mg_str_printf(&result, "error: %s\n", err->msg);
	mg_str_append(&result, mg_str_cstr(&p.run.log), p.run.log.len);
	(void)mg_journal_set(&j, res->entry, "result", mg_str_cstr(&result));
	(void)mg_journal_set(&j, res->entry, "state", rc == 0 ? "done" :
	    "failed");
out:
	if (!scanned)
		mg_queue_free(q);
	mg_queue_free(&now);
	mg_journal_close(&j);
	purge_free(&p);
	mg_str_free(&result);
	return (rc);
}

/*
 * mg_queue_act - hold, release or requeue what sel selects on the live
 * queue of t (one read), journaled with every ID; 0 when done
 * (res->remaining: IDs the MTA did not move), -1 with err.  A hold
 * leaves out what is held already, a release what is not: exim -Mf
 * (-Mt) on a message frozen (not frozen) already fails the whole call.
 */
int
mg_queue_act(struct mg_target *t, enum mg_qaction act,
    const struct mg_qsel *sel, FILE *out, const struct mg_qprogress *prog,
    struct mg_purge_result *res, struct mg_err *err)
{
	struct mg_queue q;

	mg_queue_init(&q);
	return (act_run(t, &q, 0, act, sel, out, prog, res, err));
}

/*
 * mg_queue_act_scanned - mg_queue_act on the caller's read q of the
 * live queue, the one its question counted: only the IDs sel selects
 * there are held or released, mail queued since stays as it is (as
 * mg_queue_purge_scanned); q stays the caller's
 */
int
mg_queue_act_scanned(struct mg_target *t, struct mg_queue *q,
    enum mg_qaction act, const struct mg_qsel *sel, FILE *out,
    const struct mg_qprogress *prog, struct mg_purge_result *res,
    struct mg_err *err)
{
	return (act_run(t, q, 1, act, sel, out, prog, res, err));
}
