/*
 * panel_queue.c - the Queue panel, the queue / incident view: the live
 * queue, read again every few seconds, grouped by SASL user, client,
 * sender or recipient domain, or shaped by age and domain as qshape(1)
 * does; its growth; a group's messages and one message's envelope and
 * headers; and hold, release or purge of a whole group after a
 * confirmation that gives the exact count and what stays.
 *
 * The queue actions run as a console job (console_job.c) with a
 * progress bar, through the same code as the purge/hold/release
 * commands (engine/queue_purge.c): every ID journaled, purged mail
 * quarantined first.  Everything from the queue is the senders' text and
 * is sanitized before the terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>		/* malloc_trim */
#endif

#include "../core/mg_queue.h"
#include "../core/mg_sanitize.h"
#include "../engine/queue_purge.h"
#include "../core/mg_exit.h"
#include "console_int.h"
#include "console_scan.h"

/* The panel's state. */
#define CON_QHIST 120		/* queue sizes kept for the growth rate */
#define CON_QAREA "queue"	/* the findings this panel shows */
#define CON_QFINDINGS 3		/* lines of them at most */
#define CON_QBY_SHAPE 5		/* after the enum mg_queue_by groupings */
struct con_qsample {
	time_t t;
	size_t n;
};
struct con_queue {
	struct mg_queue q;
	int opened;		/* shown before: by is the operator's */
	int have;		/* q holds a scan */
	time_t when;		/* of the scan */
	unsigned long gen;	/* q's number: one more each read shown */
	char err[512];		/* why the last scan failed; "" if it did not */
	int by;			/* enum mg_queue_by, or CON_QBY_SHAPE */
	struct mg_qgrouping g;
	size_t sel, top;
	int level;		/* 0 groups, 1 a group's messages, 2 one */
	int key_by;		/* the grouping drilled into */
	char *key;		/* its group */
	size_t *msgs, nmsgs;	/* the group's messages (indexes in q) */
	size_t msel, mtop;
	char *msg_id;		/* the message shown */
	struct con_qsample hist[CON_QHIST];
	size_t nhist;
	int confirm;		/* the action waiting for y: 'D', 'H', 'U' */
	struct mg_qsel csel;	/* what it selects */
	char *csel_key;		/* the string csel points into */
	size_t confirm_n;	/* messages it selects in this scan */
	unsigned long confirm_gen;	/* the read they were counted on: a
					 * purge removes exactly those */
	int confirm_by;		/* the grouping of the group asked about */
	int rows;		/* list rows at the last draw */
	size_t (*shape)[MG_QAGE_BUCKETS + 1];	/* age x domain counts,
						 * row 0 the total */
	size_t shape_nd;	/* domains counted in shape */
	int shown_scanning;	/* the scanning mark was drawn */
	size_t shown_files;	/* with this count */
	struct mg_queue sq;	/* a read the session's checks wait for */
	int sq_state;		/* 1 sq holds it, -1 sq_err, 0 none */
	struct mg_err sq_err;
	struct con_scan rd;	/* the background reader */
	int rd_ok;		/* rd initialised */
	/* the queue's stamp at the last read: the reader's thread alone
	 * reads and writes these (one scan at a time) */
	unsigned long long stamp;
	int have_stamp;
};

/* One read asked of the reader: its own copy of the target, and whether
 * an unchanged stamp may skip it. */
struct qread {
	struct mg_target *t;
	struct con_queue *v;
	int force;
};

extern const struct con_panel con_panel_queue;

/* qv - the panel's state */
static struct con_queue *
qv(const struct con *c)
{
	return (con_panel_state(c, &con_panel_queue));
}

/* Seconds between two reads of the queue while it is shown. */
#define QREFRESH 5
enum { LV_GROUPS = 0, LV_MSGS, LV_MSG };

/* The groupings in the order b steps through them. */
static const int by_order[] = { MG_QBY_SASL, MG_QBY_CLIENT, MG_QBY_SENDER,
    MG_QBY_RCPT_DOMAIN, CON_QBY_SHAPE, MG_QBY_AGE };
#define NBY (sizeof(by_order) / sizeof(by_order[0]))

static const struct con_key groups_keys[] = {
	{ "j/k", "move", "Down/j, Up/k, PgDn, PgUp, Home, End",
	    "move over the groups" },
	{ "Enter", "messages", "Enter, Right/l", "the group's messages" },
	{ "b", "group by", "b, B", "group by SASL user, client, sender, "
	    "recipient domain, age x domain (qshape), age" },
	{ "D", "purge", "D, F8", "purge the group: hold, copy to the "
	    "quarantine, delete; asks first with the exact count, and "
	    "removes exactly the messages counted" },
	{ "H", "hold", "H", "put the group on hold (Exim: freeze)" },
	{ "U", "release", "U", "release the group from hold (Exim: thaw)" },
	{ "Esc", "back", "Esc, Backspace, Left/h", "back to the findings" },
	{ "r", "read", "r", "read the whole queue again now (while shown "
	    "it is looked at 5 seconds after a read ends, in the background, "
	    "and read when it changed)" },
	{ NULL, NULL, "Tab, Shift-Tab, 1-9, 0", "the panels: All, Relay, "
	    "Aliases, SASL, TLS, Server, Queue, Fixes, Journal, Probe" },
	{ NULL, NULL, NULL, NULL }
};

static const struct con_key msgs_keys[] = {
	{ "j/k", "move", "Down/j, Up/k, PgDn, PgUp, Home, End",
	    "move over the messages" },
	{ "Enter", "show", "Enter, Right/l", "the message's envelope and "
	    "headers" },
	{ "D", "purge", "D, F8", "purge the whole group (asks first)" },
	{ "H", "hold", "H", "put the whole group on hold" },
	{ "U", "release", "U", "release the whole group" },
	{ "Esc", "back", "Esc, Backspace, Left/h", "back to the groups" },
	{ "r", "read", "r", "read the queue again now" },
	{ NULL, NULL, NULL, NULL }
};

static const struct con_key confirm_keys[] = {
	{ "y", "yes, do it", "y", "go ahead" },
	{ "n", "no", "n, Esc, any other key", "leave the queue as it is" },
	{ NULL, NULL, NULL, NULL }
};

static const struct con_key msg_keys[] = {
	{ "j/k", "scroll", "Down/j, Up/k, PgDn, PgUp", "scroll" },
	{ "Esc", "back", "Esc, Backspace, Left/h", "back to the messages" },
	{ NULL, NULL, NULL, NULL }
};

/* by_title - a grouping's name in the tab line and headings */
static const char *
by_title(int by)
{
	switch (by) {
	case MG_QBY_SASL:
		return ("SASL user");
	case MG_QBY_CLIENT:
		return ("client");
	case MG_QBY_SENDER:
		return ("sender");
	case MG_QBY_RCPT_DOMAIN:
		return ("recipient domain");
	case MG_QBY_AGE:
		return ("age");
	default:
		return ("age x domain");
	}
}

/* ---- reading the queue ---------------------------------------------- */

/* group_msgs - the indexes of the messages in the group drilled into */
static void
group_msgs(struct con *c, time_t now)
{
	struct con_queue *v = qv(c);
	size_t i;

	free(v->msgs);
	v->msgs = NULL;
	v->nmsgs = 0;
	if (v->key == NULL)
		return;
	v->msgs = mg_xcalloc(v->q.nmsgs + 1, sizeof(*v->msgs));
	for (i = 0; i < v->q.nmsgs; i++)
		if (mg_queue_in_group(&v->q.msgs[i], (enum mg_queue_by)
		    v->key_by, v->key, now))
			v->msgs[v->nmsgs++] = i;
	if (v->msel >= v->nmsgs)
		v->msel = v->nmsgs > 0 ? v->nmsgs - 1 : 0;
}

/* Domains (rows) the age x domain shape shows at most. */
#define SHAPE_ROWS 200

/* shape_count - qshape's table for the read shown, once per read and
 * grouping (not per frame: it looks at every message for every row) */
static void
shape_count(struct con_queue *v, time_t now)
{
	size_t nd, i, k, b;

	free(v->shape);
	v->shape = NULL;
	v->shape_nd = 0;
	if (v->by != CON_QBY_SHAPE)
		return;
	nd = v->g.ngroups < SHAPE_ROWS ? v->g.ngroups : SHAPE_ROWS;
	/* row 0: every message; then the domains as grouped */
	v->shape = mg_xcalloc(nd + 1, sizeof(*v->shape));
	v->shape_nd = nd;
	for (i = 0; i < v->q.nmsgs; i++) {
		b = mg_queue_age_bucket(&v->q.msgs[i], now);
		v->shape[0][b]++;
		v->shape[0][MG_QAGE_BUCKETS]++;
		for (k = 0; k < nd; k++)
			if (mg_queue_in_group(&v->q.msgs[i], MG_QBY_RCPT_DOMAIN,
			    v->g.groups[k].key, now)) {
				v->shape[k + 1][b]++;
				v->shape[k + 1][MG_QAGE_BUCKETS]++;
			}
	}
}

/* regroup - the groups of the grouping shown, the selection kept on the
 * same key when it is still there */
static void
regroup(struct con *c, time_t now)
{
	struct con_queue *v = qv(c);
	char *was = NULL;
	size_t i;

	if (v->sel < v->g.ngroups)
		was = mg_xstrdup(v->g.groups[v->sel].key);
	mg_qgrouping_free(&v->g);
	mg_queue_group(&v->q, v->by == CON_QBY_SHAPE ? MG_QBY_RCPT_DOMAIN :
	    (enum mg_queue_by)v->by, now, &v->g);
	for (i = 0; was != NULL && i < v->g.ngroups; i++)
		if (strcmp(v->g.groups[i].key, was) == 0) {
			v->sel = i;
			break;
		}
	if (v->sel >= v->g.ngroups)
		v->sel = v->g.ngroups > 0 ? v->g.ngroups - 1 : 0;
	free(was);
	shape_count(v, now);
	group_msgs(c, now);
}

/* sample - the size now, for the growth rate */
static void
sample(struct con_queue *v, time_t now, size_t n)
{
	if (v->nhist == CON_QHIST) {
		memmove(v->hist, v->hist + 1, (CON_QHIST - 1) *
		    sizeof(v->hist[0]));
		v->nhist--;
	}
	v->hist[v->nhist].t = now;
	v->hist[v->nhist].n = n;
	v->nhist++;
}

/* qread_free - a read's arguments (the target's generated file stays:
 * it is the session's) */
static void
qread_free(void *arg)
{
	struct qread *r = arg;
	struct mg_target *t;

	if (r == NULL)
		return;
	t = r->t;
	free(t->config_dir);
	free(t->config_file);
	free(t->bin);
	free(t->version);
	free(t->state_dir);
	free(t->generator);
	free(t->generated);
	free(t->maillog);
	free(t);
	free(r);
}

/* dup_or_null - a copy of s, NULL stays NULL */
static char *
dup_or_null(const char *s)
{
	return (s != NULL ? mg_xstrdup(s) : NULL);
}

/* target_copy - the target for the reader's thread: its own strings (a
 * reload may replace the session's meanwhile) and nobody to tell about
 * slow steps (that would draw from the wrong thread) */
static struct mg_target *
target_copy(const struct mg_target *t)
{
	struct mg_target *n = mg_xcalloc(1, sizeof(*n));

	n->mta = t->mta;
	n->backend = t->backend;
	n->config_dir = dup_or_null(t->config_dir);
	n->config_file = dup_or_null(t->config_file);
	n->bin = dup_or_null(t->bin);
	n->version = dup_or_null(t->version);
	n->state_dir = dup_or_null(t->state_dir);
	n->generator = dup_or_null(t->generator);
	n->generated = dup_or_null(t->generated);
	n->maillog = dup_or_null(t->maillog);
	return (n);
}

/*
 * read_queue - the reader's scan: the backend's, on its own target;
 * skipped (1) when the queue's directories did not change since the
 * last read and the read is not forced (r, after a queue action)
 */
static int
read_queue(void *arg, struct mg_queue *q, mg_progress_fn progress,
    void *parg, struct mg_err *err)
{
	struct qread *r = arg;
	struct mg_err serr;
	unsigned long long st = 0;
	int have, rc;

	have = mg_backend_queue_stamp(r->t, &st, &serr) == 0;
	if (have && !r->force && r->v->have_stamp && st == r->v->stamp)
		return (1);
	rc = mg_backend_load_queue(r->t, q, progress, parg, err);
	r->v->have_stamp = rc == 0 && have;
	r->v->stamp = st;
	return (rc);
}

/*
 * scan - ask the reader for the live queue; the view keeps showing the
 * last complete read (and says "scanning") until the result is taken
 * by taken() between keys.
 */
static void
scan(struct con *c, int force)
{
	struct con_queue *v = qv(c);
	struct mg_session *a = c->app;
	struct mg_err err;
	struct qread *r;

	if (!a->detected) {
		(void)snprintf(v->err, sizeof(v->err), "%s", a->err.msg[0] !=
		    '\0' ? a->err.msg : "no MTA found");
		v->when = time(NULL);
		return;
	}
	mg_err_clear(&err);
	if (!v->rd_ok) {
		if (con_scan_init(&v->rd, &err) < 0) {
			(void)snprintf(v->err, sizeof(v->err), "%s", err.msg);
			v->when = time(NULL);
			return;
		}
		v->rd_ok = 1;
		c->reader = &v->rd;	/* held still around a job's fork */
	}
	r = mg_xcalloc(1, sizeof(*r));
	r->t = target_copy(&a->target);
	r->v = v;
	/* the session's checks wait for a read, not for "unchanged" */
	r->force = force || a->queue_pending;
	if (con_scan_request(&v->rd, read_queue, r, qread_free) < 0)
		(void)snprintf(v->err, sizeof(v->err), "cannot start the "
		    "queue reader");
}

/*
 * drop - free a read the view no longer shows, and give its memory back
 * at once: the reader's thread allocates from its own malloc arena, so
 * what the interface thread frees would otherwise stay mapped beside
 * the next read (three reads' worth at the peak instead of two)
 */
static void
drop(struct mg_queue *q)
{
	mg_queue_free(q);
#ifdef __GLIBC__
	(void)malloc_trim(0);
#endif
}

/* taken - the reader's new result, when there is one, becomes the view's
 * (the old read stays when the new one failed); 1 if one was taken */
static int
taken(struct con *c)
{
	struct con_queue *v = qv(c);
	struct mg_queue q;
	struct mg_err err;
	time_t now;
	int rc;

	if (!v->rd_ok)
		return (0);
	/* the read the question counted stays until it is answered: y
	 * acts on exactly the messages counted (a newer read waits in the
	 * reader); a read the session's checks wait for is theirs */
	if (v->confirm && !c->app->queue_pending)
		return (0);
	mg_err_clear(&err);
	rc = con_scan_take(&v->rd, &q, &err);
	if (rc == 0)
		return (0);
	now = time(NULL);
	v->when = now;
	if (rc < 0) {
		(void)snprintf(v->err, sizeof(v->err), "%s", err.msg);
		if (c->app->queue_pending) {
			v->sq_err = err;
			v->sq_state = -1;
		}
		return (1);
	}
	if (rc == 1 && c->app->queue_pending) {
		/* the checks judge it first (con_queue_session); then
		 * queue_loaded moves it on to the view */
		v->err[0] = '\0';
		if (v->sq_state > 0)
			drop(&v->sq);
		v->sq = q;
		v->sq_state = 1;
		return (1);
	}
	v->err[0] = '\0';
	if (rc == 2) {
		/* unchanged: still true now; only the ages moved on */
		sample(v, now, v->q.nmsgs);
		if (v->by == MG_QBY_AGE || v->by == CON_QBY_SHAPE)
			regroup(c, now);
		return (1);
	}
	if (v->have)
		drop(&v->q);
	v->q = q;
	v->have = 1;
	v->gen++;
	sample(v, now, q.nmsgs);
	regroup(c, now);
	return (1);
}

/* scanning - 1 while the reader reads, with the files so far in *files */
static int
scanning(struct con *c, size_t *files)
{
	struct con_queue *v = qv(c);

	*files = 0;
	return (v->rd_ok && con_scan_busy(&v->rd, files));
}

/* con_queue_scanning - the reader reads the queue: the main loop then
 * looks for its result more often than once a second */
int
con_queue_scanning(const struct con *c)
{
	size_t files;

	return (scanning((struct con *)c, &files));
}

/*
 * con_queue_size - the queue's size for the header (the incident view's
 * last read, else the one read with the configuration); its growth in
 * messages a minute in *rate (0 when not known), *trend 1 when there are
 * samples to tell it, *when the view's last read (0: none).  (size_t)-1:
 * not read.
 */
size_t
con_queue_size(const struct con *c, long *rate, int *trend, time_t *when)
{
	const struct con_queue *v = qv(c);
	const struct con_qsample *a, *b;
	size_t i;

	*rate = 0;
	*trend = v->nhist > 1;
	*when = v->have ? v->when : 0;
	if (!v->have)
		return (c->app->model.queue != NULL ?
		    c->app->model.queue->nmsgs : (size_t)-1);
	b = &v->hist[v->nhist - 1];
	/* the oldest sample within the last five minutes */
	for (i = 0; i < v->nhist; i++)
		if (b->t - v->hist[i].t <= 300)
			break;
	a = &v->hist[i];
	if (b->t - a->t >= 10)
		*rate = (long)(((double)b->n - (double)a->n) * 60 /
		    (double)(b->t - a->t));
	return (v->q.nmsgs);
}

/* con_queue_open - show the queue view, read the queue now */
void
con_queue_open(struct con *c)
{
	const struct con_view *was = c->view;

	if (!qv(c)->opened) {
		qv(c)->opened = 1;
		qv(c)->by = MG_QBY_SASL;	/* incident 3: a stolen login */
		if (qv(c)->have)
			regroup(c, qv(c)->when);
	}
	if (was != &con_view_queue && was != &con_view_qmsg) {
		qv(c)->level = LV_GROUPS;
		qv(c)->confirm = 0;
	}
	if (was == &con_view_qmsg || qv(c)->level == LV_MSG)
		qv(c)->level = LV_MSGS;
	con_set_view(c, &con_view_queue);
	scan(c, 0);
}

/* con_queue_for_session - read the queue the session's checks wait
 * for, in the background; the view shows it too once it is read */
void
con_queue_for_session(struct con *c)
{
	struct con_queue *v = qv(c);

	if (v->sq_state > 0)
		drop(&v->sq);
	v->sq_state = 0;
	scan(c, 1);
}

/*
 * con_queue_session - the read the session's checks wait for, once the
 * reader has it: 1 with the queue moved to *q (the caller hands it to
 * mg_session_queue), -1 with why it could not be read, 0 not yet.
 */
int
con_queue_session(struct con *c, struct mg_queue *q, struct mg_err *err)
{
	struct con_queue *v = qv(c);
	int st = v->sq_state;

	v->sq_state = 0;
	if (st > 0) {
		*q = v->sq;
		mg_queue_init(&v->sq);
	} else if (st < 0)
		*err = v->sq_err;
	return (st);
}

/* con_queue_rescan - read the live queue again now (after a queue
 * action), on whatever screen is shown, once the view was opened */
void
con_queue_rescan(struct con *c)
{
	if (qv(c)->opened)
		scan(c, 1);
}

/*
 * queue_tick - between keys: take the reader's new result; while the
 * view is shown, ask for the next read QREFRESH seconds after the last
 * one ended (a slow scan does not run back to back); 1 if the screen
 * changed (a result, or the scanning mark's count moved)
 */
static int
queue_tick(struct con *c)
{
	struct con_queue *v = qv(c);
	size_t files;
	time_t ended;
	int dirty;

	dirty = taken(c);
	if (scanning(c, &files)) {
		/* the mark's count: drawn when it moved, or the mark new */
		if (c->view == &con_view_queue && (files != v->shown_files ||
		    !v->shown_scanning))
			dirty = 1;
		v->shown_files = files;
		v->shown_scanning = 1;
		return (dirty);
	}
	if (v->shown_scanning)
		dirty = 1;	/* the mark goes */
	v->shown_scanning = 0;
	if (c->view != &con_view_queue || v->confirm || c->help ||
	    con_job_running(c) || !v->rd_ok)
		return (dirty);
	ended = con_scan_done_at(&v->rd);
	if (ended != 0 && time(NULL) - ended < QREFRESH)
		return (dirty);
	scan(c, 0);
	return (1);
}

/*
 * queue_loaded - the session read the queue with the configuration (for
 * the checks): that read becomes the view's, moved, not copied, so that
 * the view has a complete read to show at once and the queue is held
 * once.  The model keeps an empty queue: nothing reads it after the
 * checks but the header's size, which the view answers from then on.
 */
static void
queue_loaded(struct con *c)
{
	struct con_queue *v = qv(c);
	struct mg_model *m = &c->app->model;

	if (m->queue == NULL)
		return;
	if (v->have)
		drop(&v->q);
	v->q = *m->queue;
	mg_queue_init(m->queue);
	v->have = 1;
	v->gen++;
	v->when = m->now;
	v->err[0] = '\0';
	sample(v, v->when, v->q.nmsgs);
	regroup(c, v->when);
}

/* queue_free - everything the view holds */
static void
queue_free(struct con *c)
{
	struct con_queue *v = qv(c);

	if (v->rd_ok)
		con_scan_stop(&v->rd);
	c->reader = NULL;
	if (v->have)
		mg_queue_free(&v->q);
	if (v->sq_state > 0)
		mg_queue_free(&v->sq);
	mg_qgrouping_free(&v->g);
	free(v->shape);
	free(v->msgs);
	free(v->key);
	free(v->msg_id);
	free(v->csel_key);
	memset(v, 0, sizeof(*v));
}

/* ---- drawing -------------------------------------------------------- */

/* put_san - queue text, sanitized, clipped */
static int
put_san(const struct con *c, int y, int x, int max, enum con_style st,
    const char *text)
{
	char *s = mg_sanitize_dup(text != NULL ? text : "");
	int used;

	used = con_put(c, y, x, max, st, s);
	free(s);
	return (used);
}

/* age_text - "3m", "2h", "5d" */
static void
age_text(time_t arrival, time_t now, char *buf, size_t sz)
{
	long s = arrival > 0 && now > arrival ? (long)(now - arrival) : 0;

	if (s < 3600)
		(void)snprintf(buf, sz, "%ldm", s / 60);
	else if (s < 86400 * 2)
		(void)snprintf(buf, sz, "%ldh", s / 3600);
	else
		(void)snprintf(buf, sz, "%ldd", s / 86400);
}

/* status_line - "Queue 2,520 messages  +480/min  read 12:03:04 ..." */
static void
status_line(struct con *c, int y)
{
	struct con_queue *v = qv(c);
	struct mg_str s = MG_STR_INIT;
	struct tm tm;
	char when[16] = "";
	time_t read_at;
	long rate;
	size_t n, files;
	int trend;

	if (v->when > 0 && localtime_r(&v->when, &tm) != NULL)
		(void)strftime(when, sizeof(when), "%H:%M:%S", &tm);
	n = con_queue_size(c, &rate, &trend, &read_at);
	if (v->have) {
		mg_str_printf(&s, "Queue: %zu message%s", n, n == 1 ? "" :
		    "s");
		if (v->nhist > 1)
			mg_str_printf(&s, "  %+ld/min", rate);
		mg_str_printf(&s, "  read %s, every %ds", when, QREFRESH);
	} else
		mg_str_puts(&s, "Queue: not read yet");
	if (scanning(c, &files))
		mg_str_printf(&s, "  scanning%s %zu files", c->ellipsis, files);
	(void)con_put(c, y, 1, COLS - 1, CS_BOLD, mg_str_cstr(&s));
	mg_str_free(&s);
}

/* findings_lines - the findings of the panel's area (a flood, the client
 * or the bounces behind it; the SASL account's is the SASL panel's), worst
 * first as the report is sorted, one line each and at most max, the
 * ignored ones left out; how many lines were drawn */
static int
findings_lines(struct con *c, int y, int max)
{
	const struct mg_report *r;
	const struct mg_finding *f;
	struct mg_str s = MG_STR_INIT;
	size_t i;
	int n = 0;

	if (c->app == NULL)
		return (0);
	r = &c->app->report;
	for (i = 0; i < r->nfindings && n < max; i++) {
		f = &r->findings[i];
		if (f->area == NULL || strcmp(f->area, CON_QAREA) != 0 ||
		    con_is_ignored(c, f->id))
			continue;
		mg_str_reset(&s);
		mg_str_printf(&s, "%s ", con_sev_tag((int)f->severity));
		mg_sanitize(&s, f->title, strlen(f->title));
		mg_str_puts(&s, " (");
		mg_sanitize(&s, f->id, strlen(f->id));
		mg_str_puts(&s, ")");
		(void)con_put(c, y + n, 1, COLS - 1,
		    con_sev_style((int)f->severity), mg_str_cstr(&s));
		n++;
	}
	mg_str_free(&s);
	return (n);
}

/* tabs_line - the groupings, the one shown marked */
static void
tabs_line(struct con *c, int y)
{
	size_t i;
	int x = 1, w;

	x += con_put(c, y, x, COLS - x, CS_DIM, "by ");
	for (i = 0; i < NBY && x < COLS; i++) {
		w = (int)strlen(by_title(by_order[i])) + 2;
		if (by_order[i] == qv(c)->by) {
			(void)con_put(c, y, x, COLS - x, CS_SELECTED, "[");
			(void)con_put(c, y, x + 1, COLS - x - 1, CS_SELECTED,
			    by_title(by_order[i]));
			(void)con_put(c, y, x + w - 1, COLS - x - w + 1,
			    CS_SELECTED, "]");
		} else
			(void)con_put(c, y, x + 1, COLS - x - 1, CS_NORMAL,
			    by_title(by_order[i]));
		x += w + 1;
	}
}

/* keep_visible - the list's first row so that sel is shown */
static void
keep_visible(size_t sel, size_t *top, int rows)
{
	if (*top > sel)
		*top = sel;
	if (rows > 0 && sel >= *top + (size_t)rows)
		*top = sel - (size_t)rows + 1;
}

/* groups_draw - COUNT SHARE BAR KEY, biggest first */
static void
groups_draw(struct con *c, int y, int rows)
{
	struct con_queue *v = qv(c);
	const struct mg_qgroup *g;
	char num[160], bar[16];
	size_t i, k, filled;
	enum con_style st;

	con_fill(c, y, 0, COLS, CS_COLUMNS);
	(void)snprintf(num, sizeof(num), "%8s %6s  %-10s  ", "COUNT", "SHARE",
	    "");
	(void)con_put(c, y, 0, COLS, CS_COLUMNS, num);
	(void)con_put(c, y, (int)strlen(num), COLS, CS_COLUMNS,
	    v->by == MG_QBY_RCPT_DOMAIN ? "RECIPIENT DOMAIN" : v->by ==
	    MG_QBY_SASL ? "SASL USER" : v->by == MG_QBY_CLIENT ? "CLIENT" :
	    v->by == MG_QBY_SENDER ? "SENDER" : "AGE");
	rows--;
	v->rows = rows;
	if (v->g.ngroups == 0) {
		(void)con_put(c, y + 2, 2, COLS - 2, CS_NORMAL, v->have ?
		    "The queue is empty." : "");
		return;
	}
	keep_visible(v->sel, &v->top, rows);
	for (i = 0; i < (size_t)rows && v->top + i < v->g.ngroups; i++) {
		k = v->top + i;
		g = &v->g.groups[k];
		st = k == v->sel ? CS_SELECTED : CS_NORMAL;
		if (k == v->sel)
			con_fill(c, y + 1 + (int)i, 0, COLS, CS_SELECTED);
		filled = v->g.total > 0 ? (g->count * 10 + v->g.total - 1) /
		    v->g.total : 0;
		memset(bar, ' ', 10);
		memset(bar, '#', filled > 10 ? 10 : filled);
		bar[10] = '\0';
		(void)snprintf(num, sizeof(num), "%s%7zu %5.1f%%  %s  ",
		    k == v->sel ? ">" : " ", g->count, v->g.total > 0 ?
		    100.0 * (double)g->count / (double)v->g.total : 0.0, bar);
		(void)con_put(c, y + 1 + (int)i, 0, COLS, st, num);
		(void)put_san(c, y + 1 + (int)i, (int)strlen(num),
		    COLS - (int)strlen(num), st, g->key);
	}
}

/* shape_draw - qshape: a domain a row, messages by age a column */
static void
shape_draw(struct con *c, int y, int rows)
{
	static const char *const cols[MG_QAGE_BUCKETS] = { "5", "10", "20",
	    "40", "80", "160", "320", "640", "1280", "1280+" };
	struct con_queue *v = qv(c);
	size_t (*cnt)[MG_QAGE_BUCKETS + 1], nd, k, b, row;
	char cell[32];
	int dw = COLS - 1 - 7 - MG_QAGE_BUCKETS * 6, x;
	enum con_style st;

	if (dw < 8)
		dw = 8;
	if (v->shape == NULL)
		shape_count(v, v->when);
	cnt = v->shape;
	nd = v->shape_nd;
	con_fill(c, y, 0, COLS, CS_COLUMNS);
	(void)con_put(c, y, 1, dw, CS_COLUMNS, "DOMAIN / AGE (min)");
	x = 1 + dw;
	(void)snprintf(cell, sizeof(cell), "%7s", "T");
	x += con_put(c, y, x, COLS - x, CS_COLUMNS, cell);
	for (b = 0; b < MG_QAGE_BUCKETS; b++) {
		(void)snprintf(cell, sizeof(cell), "%6s", cols[b]);
		x += con_put(c, y, x, COLS - x, CS_COLUMNS, cell);
	}
	rows--;
	v->rows = rows - 1;
	/* the TOTAL row stays; the domains scroll under it */
	for (row = 0; row < (size_t)rows; row++) {
		k = row == 0 ? 0 : v->top + row;
		if (row > 0 && k > nd)
			break;
		if (row > 0 && k - 1 == v->sel)
			con_fill(c, y + 1 + (int)row, 0, COLS, CS_SELECTED);
		st = row == 0 ? CS_BOLD : k - 1 == v->sel ? CS_SELECTED :
		    CS_NORMAL;
		(void)con_put(c, y + 1 + (int)row, 0, 1, st, row > 0 &&
		    k - 1 == v->sel ? ">" : " ");
		(void)put_san(c, y + 1 + (int)row, 1, dw - 1, st, row == 0 ?
		    "TOTAL" : v->g.groups[k - 1].key);
		x = 1 + dw;
		(void)snprintf(cell, sizeof(cell), "%7zu",
		    cnt[k][MG_QAGE_BUCKETS]);
		x += con_put(c, y + 1 + (int)row, x, COLS - x, st, cell);
		for (b = 0; b < MG_QAGE_BUCKETS; b++) {
			(void)snprintf(cell, sizeof(cell), "%6zu", cnt[k][b]);
			x += con_put(c, y + 1 + (int)row, x, COLS - x, st,
			    cell);
		}
	}
}

/* msgs_draw - ID AGE SIZE SENDER -> first recipient (+N) */
static void
msgs_draw(struct con *c, int y, int rows)
{
	struct con_queue *v = qv(c);
	const struct mg_qmsg *m;
	struct mg_str s = MG_STR_INIT, t = MG_STR_INIT;
	char age[32], head[80];
	size_t i, k;
	enum con_style st;

	(void)snprintf(head, sizeof(head), "%s ", by_title(v->key_by));
	mg_str_puts(&s, head);
	mg_sanitize(&s, v->key, strlen(v->key));
	mg_str_printf(&s, ": %zu message%s", v->nmsgs, v->nmsgs == 1 ? "" :
	    "s");
	(void)con_put(c, y, 1, COLS - 1, CS_BOLD, mg_str_cstr(&s));
	con_fill(c, y + 1, 0, COLS, CS_COLUMNS);
	(void)snprintf(head, sizeof(head), " %-16s %5s %8s  %s", "ID", "AGE",
	    "SIZE", "SENDER -> RECIPIENTS");
	(void)con_put(c, y + 1, 0, COLS, CS_COLUMNS, head);
	rows -= 2;
	v->rows = rows;
	keep_visible(v->msel, &v->mtop, rows);
	for (i = 0; i < (size_t)rows && v->mtop + i < v->nmsgs; i++) {
		k = v->mtop + i;
		m = &v->q.msgs[v->msgs[k]];
		st = k == v->msel ? CS_SELECTED : CS_NORMAL;
		if (k == v->msel)
			con_fill(c, y + 2 + (int)i, 0, COLS, CS_SELECTED);
		age_text(m->arrival, v->when, age, sizeof(age));
		mg_str_reset(&s);
		mg_str_printf(&s, "%s", k == v->msel ? ">" : " ");
		mg_str_reset(&t);
		mg_sanitize(&t, m->id, strlen(m->id));
		mg_str_printf(&s, "%-16s %5s %8llu  ", mg_str_cstr(&t), age,
		    m->size);
		mg_str_reset(&t);
		mg_sanitize(&t, *m->sender != '\0' ? m->sender : "<>",
		    *m->sender != '\0' ? strlen(m->sender) : 2);
		mg_str_printf(&s, "%s -> ", mg_str_cstr(&t));
		if (m->nrcpts > 0) {
			mg_str_reset(&t);
			mg_sanitize(&t, m->rcpts[0], strlen(m->rcpts[0]));
			mg_str_puts(&s, mg_str_cstr(&t));
			if (m->nrcpts > 1)
				mg_str_printf(&s, " (+%zu)", m->nrcpts - 1);
		}
		(void)con_put(c, y + 2 + (int)i, 0, COLS, st,
		    mg_str_cstr(&s));
	}
	mg_str_free(&s);
	mg_str_free(&t);
}

/* read_at - the time of the read shown, "HH:MM:SS" in buf */
static const char *
read_at(const struct con_queue *v, char *buf, size_t sz)
{
	struct tm tm;

	buf[0] = '\0';
	if (v->when > 0 && localtime_r(&v->when, &tm) != NULL)
		(void)strftime(buf, sz, "%H:%M:%S", &tm);
	return (buf);
}

/* confirm_draw - the question over the list, in a box */
static void
confirm_draw(struct con *c, int y, int rows)
{
	struct con_queue *v = qv(c);
	struct mg_str s = MG_STR_INIT;
	struct con_page p;
	char when[16];
	size_t stay = v->q.nmsgs - v->confirm_n, i;
	int w = COLS - 8, h, y0, x0 = 4;
	const char *what;

	if (w > 72)
		w = 72;
	x0 = (COLS - w) / 2;
	memset(&p, 0, sizeof(p));
	p.width = w - 4;
	mg_str_printf(&s, "%s %zu message%s of %s %s?", v->confirm == 'D' ?
	    "Purge" : v->confirm == 'H' ? "Hold" : "Release", v->confirm_n,
	    v->confirm_n == 1 ? "" : "s", by_title(v->confirm_by),
	    v->csel_key);
	con_page_untrusted(&p, CS_BOLD, mg_str_cstr(&s), 0, 0);
	mg_str_reset(&s);
	mg_str_printf(&s, "(the command: mailguard-tui %s", v->confirm ==
	    'D' ? "purge" : v->confirm == 'H' ? "hold" : "release");
	mg_qsel_describe(&v->csel, &s);
	mg_str_puts(&s, ")");
	con_page_untrusted(&p, CS_DIM, mg_str_cstr(&s), 0, 0);
	mg_str_reset(&s);
	mg_str_printf(&s, "%zu other message%s stay%s in the queue.", stay,
	    stay == 1 ? "" : "s", stay == 1 ? "s" : "");
	con_page_wrap(&p, CS_NORMAL, mg_str_cstr(&s), 0, 0);
	if (v->csel.rcpt_domain != NULL)
		con_page_wrap(&p, CS_NORMAL, "Whole messages are selected: "
		    "their recipients in other domains go with them.", 0, 0);
	if (v->confirm == 'D')
		what = "Each is kept from delivery while it is put in the "
		    "quarantine, then deleted; the IDs go to the journal.";
	else if (v->confirm == 'H')
		what = "They stay queued but are not delivered until "
		    "released; the IDs go to the journal.";
	else
		what = "They go back to delivery; the IDs go to the journal.";
	con_page_wrap(&p, CS_NORMAL, what, 0, 0);
	/* queue_child acts on the read counted, not a new one */
	mg_str_reset(&s);
	mg_str_printf(&s, "Only these %zu, as read at %s: mail queued since "
	    "stays.", v->confirm_n, read_at(v, when, sizeof(when)));
	con_page_wrap(&p, CS_NORMAL, mg_str_cstr(&s), 0, 0);
	con_page_add(&p, CS_NORMAL, "");
	con_page_add(&p, CS_BOLD, "y: yes, do it     n or Esc: no");
	h = (int)p.nlines + 2;
	if (h > rows)
		h = rows;
	y0 = y + (rows - h) / 2;
	for (i = 0; i < (size_t)h; i++)
		con_fill(c, y0 + (int)i, x0, w, CS_NORMAL);
	(void)mvhline(y0, x0, ACS_HLINE, w);
	(void)mvhline(y0 + h - 1, x0, ACS_HLINE, w);
	for (i = 0; i + 2 < (size_t)h && i < p.nlines; i++)
		(void)con_put(c, y0 + 1 + (int)i, x0 + 2, w - 4,
		    p.lines[i].style, p.lines[i].text);
	con_page_free(&p);
	mg_str_free(&s);
}

/* queue_draw - status, groupings, the level shown, a problem line */
static void
queue_draw(struct con *c, int y, int rows)
{
	struct con_queue *v = qv(c);
	struct mg_str s = MG_STR_INIT;
	int body, nf, top;

	con_tabs_draw(c, y);
	y++;
	rows--;
	body = rows - 2;
	status_line(c, y);
	if (v->err[0] != '\0' || (v->have && mg_queue_unreadable(&v->q) > 0))
		body--;
	if (v->err[0] != '\0') {
		mg_str_puts(&s, "! queue not read: ");
		mg_sanitize(&s, v->err, strlen(v->err));
		(void)con_put(c, y + rows - 1, 0, COLS, CS_ERROR,
		    mg_str_cstr(&s));
	} else if (v->have && mg_queue_unreadable(&v->q) > 0) {
		mg_str_printf(&s, "! %zu queue files skipped: %zu vanished, "
		    "%zu being written, %zu corrupt",
		    mg_queue_unreadable(&v->q), v->q.vanished,
		    v->q.incomplete, v->q.corrupt);
		(void)con_put(c, y + rows - 1, 0, COLS, CS_BOLD,
		    mg_str_cstr(&s));
	}
	mg_str_free(&s);
	if (!v->have || body < 2)
		return;
	/* the queue's findings under the status line, while the groups
	 * keep two rows */
	top = y;
	nf = findings_lines(c, y + 1, body - 2 < CON_QFINDINGS ?
	    body - 2 : CON_QFINDINGS);
	y += nf;
	body -= nf;
	if (v->level == LV_GROUPS) {
		tabs_line(c, y + 1);
		if (v->by == CON_QBY_SHAPE)
			shape_draw(c, y + 2, body);
		else
			groups_draw(c, y + 2, body);
	} else
		msgs_draw(c, y + 1, body + 1);
	if (v->confirm)
		confirm_draw(c, top + 1, rows - 1);
}

/* ---- acting on a group ---------------------------------------------- */

/* Progress lines the child prints for the bar. */
static void
child_progress(void *arg, unsigned step, unsigned nsteps, const char *name,
    size_t done, size_t total)
{
	(void)fprintf((FILE *)arg, "%s%u %u %zu %zu %s\n", CON_PROGRESS,
	    step, nsteps, done, total, name);
}

/*
 * queue_child - the action, in the child; its exit status.  A purge,
 * hold or release acts on the messages the question counted: it is
 * selected on the read shown (the child's copy of it, the view's q at
 * the fork), as the purge, hold and release commands do on their one
 * scan; mail queued since that read is not in it, so it stays as it
 * is, also when it matches.
 */
static int
queue_child(struct con *c, void *arg, FILE *out)
{
	struct con_queue *v = qv(c);
	struct mg_qprogress prog;
	struct mg_purge_result res;
	struct mg_err err;
	int rc;

	(void)arg;
	prog.fn = child_progress;
	prog.arg = out;
	mg_err_clear(&err);
	if (v->confirm == 'D')
		rc = mg_queue_purge_scanned(&c->app->target, &v->q, &v->csel,
		    out, &prog, &res, &err);
	else
		rc = mg_queue_act_scanned(&c->app->target, &v->q,
		    v->confirm == 'H' ? MG_QA_HOLD : MG_QA_RELEASE, &v->csel,
		    out, &prog, &res, &err);
	if (rc < 0) {
		(void)fputs("FAILED: ", out);
		mg_print_sanitized(out, err.msg);
		(void)fprintf(out, "%s\n", res.entry > 0 ? " (see the "
		    "journal)" : "");
		return (MG_EXIT_FAILED);
	}
	if (res.selected == 0) {
		(void)fputs("nothing selected any more: the queue changed\n",
		    out);
		return (MG_EXIT_OK);
	}
	if (v->confirm == 'D')
		(void)fprintf(out, "purged %zu of %zu selected (journal entry "
		    "%ld; quarantine %s)%s\n", res.deleted, res.selected,
		    res.entry, res.quarantine, res.remaining > 0 ? "; some "
		    "could not be removed, see above" : "");
	else {
		(void)fprintf(out, "%s: %zu of %zu selected (journal entry "
		    "%ld)", v->confirm == 'H' ? "hold" : "release", res.held,
		    res.selected, res.entry);
		if (res.gone > 0)
			(void)fprintf(out, "; %zu left the queue meanwhile "
			    "(delivered or removed)", res.gone);
		(void)fprintf(out, "%s\n", res.remaining > 0 ? "; the rest "
		    "did not move (busy, or moved by someone else)" : "");
	}
	return (res.remaining > 0 ? MG_EXIT_FAILED : MG_EXIT_OK);
}

/*
 * selection - the mg_qsel for a group; -1 with a note when a group
 * cannot be selected exactly (mail without the attribute, age buckets)
 */
static int
selection(struct con *c, int by, const char *key)
{
	struct con_queue *v = qv(c);
	struct mg_err err;
	char *k;

	memset(&v->csel, 0, sizeof(v->csel));
	free(v->csel_key);
	v->csel_key = NULL;
	if (by == MG_QBY_AGE) {
		con_note(c, "an age group cannot be selected: group by SASL "
		    "user, client, sender or recipient domain (b)");
		return (-1);
	}
	if ((by == MG_QBY_SASL || by == MG_QBY_CLIENT) &&
	    strcmp(key, "(none)") == 0) {
		con_note(c, "mail without one cannot be selected this way: "
		    "group by client, sender or domain (b)");
		return (-1);
	}
	if (by == MG_QBY_RCPT_DOMAIN && strcmp(key, "(local)") == 0) {
		con_note(c, "local recipients cannot be selected by domain: "
		    "group by sender or SASL user (b)");
		return (-1);
	}
	k = v->csel_key = mg_xstrdup(key);
	switch (by) {
	case MG_QBY_SASL:
		v->csel.sasl = k;
		break;
	case MG_QBY_SENDER:
		v->csel.sender = k;
		break;
	case MG_QBY_RCPT_DOMAIN:
		v->csel.rcpt_domain = k;
		break;
	case MG_QBY_CLIENT:
		if (strncasecmp(k, "ipv6:", 5) == 0)
			k += 5;
		if (mg_net_parse(k, &v->csel.client, &err) < 0) {
			con_note(c, "this client address cannot be selected");
			return (-1);
		}
		v->csel.has_client = 1;
		break;
	}
	return (0);
}

/* ask - the confirmation for action ch on the group selected or drilled
 * into, with the count this scan selects */
static void
ask(struct con *c, int ch)
{
	struct con_queue *v = qv(c);
	size_t *idx = NULL, n;
	int by;
	const char *key;

	if (geteuid() != 0) {
		con_note(c, "read-only: acting on the queue needs root (sudo)");
		return;
	}
	if (con_job_running(c)) {
		con_note(c, "another action is still running");
		return;
	}
	if (v->level == LV_GROUPS) {
		if (v->sel >= v->g.ngroups)
			return;
		by = v->by == CON_QBY_SHAPE ? MG_QBY_RCPT_DOMAIN : v->by;
		key = v->g.groups[v->sel].key;
	} else {
		by = v->key_by;
		key = v->key;
	}
	if (selection(c, by, key) < 0)
		return;
	(void)mg_purge_select(&v->q, &v->csel, time(NULL), &idx, &n);
	free(idx);
	if (n == 0) {
		con_note(c, "no queued message is selected");
		return;
	}
	v->confirm_n = n;
	v->confirm_by = by;
	v->confirm_gen = v->gen;
	v->confirm = ch;
}

/* go - the confirmed action, in a child, on the Apply screen */
static void
go(struct con *c)
{
	struct con_queue *v = qv(c);
	struct mg_str what = MG_STR_INIT;

	/* taken() keeps the read while the question waits; a reload of
	 * the session's read may still replace it: then the count asked
	 * about is not the one the action would act on */
	if (v->gen != v->confirm_gen) {
		con_note(c, v->confirm == 'D' ? "not purged: the queue was "
		    "read again since the question; press D to see the new "
		    "count" : v->confirm == 'H' ? "not held: the queue was "
		    "read again since the question; press H to see the new "
		    "count" : "not released: the queue was read again since "
		    "the question; press U to see the new count");
		v->confirm = 0;
		return;
	}
	mg_str_puts(&what, v->confirm == 'D' ? "purge" : v->confirm == 'H' ?
	    "hold" : "release");
	mg_qsel_describe(&v->csel, &what);
	if (con_job_start(c, CON_JOB_QUEUE, mg_str_cstr(&what), queue_child,
	    NULL) == 0) {
		con_set_view(c, &con_view_apply);
		c->apply_follow = 1;
	}
	v->confirm = 0;
	mg_str_free(&what);
}

/* ---- keys ----------------------------------------------------------- */

/* next_by - the grouping after (or before) the one shown */
static void
next_by(struct con *c, int step)
{
	struct con_queue *v = qv(c);
	size_t i;

	for (i = 0; i < NBY; i++)
		if (by_order[i] == v->by)
			break;
	i = (i + NBY + (size_t)(step + (int)NBY)) % NBY;
	v->by = by_order[i];
	v->sel = v->top = 0;
	regroup(c, v->when);
}

/* open_msg - the message selected, on its own screen */
static void
open_msg(struct con *c)
{
	struct con_queue *v = qv(c);

	if (v->msel >= v->nmsgs)
		return;
	free(v->msg_id);
	v->msg_id = mg_xstrdup(v->q.msgs[v->msgs[v->msel]].id);
	v->level = LV_MSG;
	con_set_view(c, &con_view_qmsg);
}

/* queue_key - the keys of the groups and messages levels */
static int
queue_key(struct con *c, int ch)
{
	struct con_queue *v = qv(c);
	const char *key;

	if (v->confirm) {
		if (ch == 'y' || ch == 'Y')
			go(c);
		else {
			v->confirm = 0;
			con_note(c, "nothing done");
		}
		return (1);
	}
	if (ch == 'r') {
		scan(c, 1);
		return (1);
	}
	if (ch == 'D' || ch == KEY_F(8) || ch == 'H' || ch == 'U') {
		ask(c, ch == KEY_F(8) ? 'D' : ch);
		return (1);
	}
	if (v->level == LV_MSGS) {
		if (con_is_back(ch)) {
			v->level = LV_GROUPS;
			return (1);
		}
		if (con_is_open(ch)) {
			open_msg(c);
			return (1);
		}
		return (con_nav(ch, &v->msel, v->nmsgs, (size_t)v->rows));
	}
	if (con_is_back(ch)) {
		con_set_view(c, &con_view_overview);
		return (1);
	}
	if (ch == 'b' || ch == 'B') {
		next_by(c, ch == 'b' ? 1 : -1);
		return (1);
	}
	if (con_is_open(ch)) {
		if (v->sel >= v->g.ngroups)
			return (1);
		key = v->g.groups[v->sel].key;
		free(v->key);
		v->key = mg_xstrdup(key);
		v->key_by = v->by == CON_QBY_SHAPE ? MG_QBY_RCPT_DOMAIN :
		    v->by;
		v->msel = v->mtop = 0;
		v->level = LV_MSGS;
		group_msgs(c, v->when);
		return (1);
	}
	return (con_nav(ch, &v->sel, v->g.ngroups, (size_t)v->rows));
}

/* queue_keys_now - the confirmation's keys while it is asked */
static const struct con_key *
queue_keys_now(const struct con *c)
{
	if (qv(c)->confirm)
		return (confirm_keys);
	return (qv(c)->level == LV_GROUPS ? groups_keys : msgs_keys);
}

const struct con_view con_view_queue = {
	.name = "Queue",
	.keys = groups_keys,
	.draw = queue_draw,
	.key = queue_key,
	.own_r = 1,
	.keys_now = queue_keys_now,
};

/* ---- one message ---------------------------------------------------- */

/* msg_build - the envelope from the scan, the headers from the MTA */
static void
msg_build(struct con *c)
{
	struct con_queue *v = qv(c);
	struct con_page *p = &c->page;
	const struct mg_qmsg *m = NULL;
	struct mg_str s = MG_STR_INIT, h = MG_STR_INIT;
	struct mg_err err;
	char t[64];
	struct tm tm;
	size_t i;

	for (i = 0; v->msg_id != NULL && i < v->q.nmsgs; i++)
		if (strcmp(v->q.msgs[i].id, v->msg_id) == 0) {
			m = &v->q.msgs[i];
			break;
		}
	mg_str_puts(&s, "Message ");
	mg_str_puts(&s, v->msg_id != NULL ? v->msg_id : "?");
	con_page_untrusted(p, CS_BOLD, mg_str_cstr(&s), 0, 0);
	if (m == NULL) {
		con_page_wrap(p, CS_DIM, "No longer in the queue (delivered, "
		    "purged or requeued under a new ID).", 0, 0);
		mg_str_free(&s);
		return;
	}
	con_page_add(p, CS_NORMAL, "");
	con_page_add(p, CS_COLUMNS, "Envelope");
#define FIELD(name, val) do {						\
		mg_str_reset(&s);					\
		mg_str_printf(&s, "  %-13s ", name);			\
		mg_sanitize(&s, (val) != NULL ? (val) : "-",		\
		    (val) != NULL ? strlen(val) : 1);			\
		con_page_chop(p, CS_NORMAL, mg_str_cstr(&s), 0, 16);	\
	} while (0)
	FIELD("queue", m->queue);
	t[0] = '\0';
	if (m->arrival > 0 && localtime_r(&m->arrival, &tm) != NULL)
		(void)strftime(t, sizeof(t), "%Y-%m-%d %H:%M:%S", &tm);
	FIELD("arrived", t);
	(void)snprintf(t, sizeof(t), "%llu bytes", m->size);
	FIELD("size", t);
	FIELD("sender", *m->sender != '\0' ? m->sender : "<>");
	FIELD("SASL user", m->sasl_username);
	FIELD("SASL method", m->sasl_method);
	FIELD("client", m->client_address);
	FIELD("client name", m->client_name);
	FIELD("HELO", m->helo_name);
	FIELD("deferred", m->reason);
	for (i = 0; i < m->nrcpts; i++)
		FIELD(i == 0 ? "recipients" : "", m->rcpts[i]);
#undef FIELD
	con_page_add(p, CS_NORMAL, "");
	mg_str_reset(&s);
	mg_str_printf(&s, "Headers (%s)",
	    mg_backend_show_how(&c->app->target));
	con_page_add(p, CS_COLUMNS, mg_str_cstr(&s));
	mg_err_clear(&err);
	if (mg_backend_show_message(&c->app->target, m->id, &h, &err) < 0) {
		mg_str_reset(&s);
		mg_str_printf(&s, "cannot show them: %s", err.msg);
		con_page_untrusted(p, CS_ERROR, mg_str_cstr(&s), 0, 2);
	} else {
		/* folded header lines start with a tab: show it as spaces */
		for (i = 0; i < h.len; i++)
			if (h.data[i] == '\t')
				h.data[i] = ' ';
		con_page_untrusted(p, CS_NORMAL, mg_str_cstr(&h), 2, 6);
	}
	mg_str_free(&h);
	mg_str_free(&s);
}

/* msg_key - scroll; back to the messages */
static int
msg_key(struct con *c, int ch)
{
	if (con_is_back(ch)) {
		qv(c)->level = LV_MSGS;
		con_set_view(c, &con_view_queue);
		return (1);
	}
	return (con_page_key(c, ch));
}

const struct con_view con_view_qmsg = {
	.name = "Message",
	.keys = msg_keys,
	.build = msg_build,
	.key = msg_key,
};

/* queue_open - the panel: the view, the queue read now */
static void
queue_open(struct con *c, const struct con_panel *p)
{
	(void)p;
	con_queue_open(c);
}

/* queue_shows - the groups or one message is shown */
static int
queue_shows(const struct con *c, const struct con_panel *p)
{
	(void)p;
	return (c->view == &con_view_queue || c->view == &con_view_qmsg);
}

/* queue_modal - a purge, hold or release waits for y */
static int
queue_modal(const struct con *c)
{
	return (c->view == &con_view_queue && qv(c)->confirm);
}

const struct con_panel con_panel_queue = {
	.name = "Queue",
	.area = CON_QAREA,
	.view = &con_view_queue,
	.open = queue_open,
	.shows = queue_shows,
	.modal = queue_modal,
	.loaded = queue_loaded,
	.tick = queue_tick,
	.free = queue_free,
	.state_size = sizeof(struct con_queue),
};
