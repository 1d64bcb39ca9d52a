/*
 * queue_purge.c - purge a selection of the queue the way DESIGN.md "Queue
 * purge" says: the selection is computed on one scan, and from then on
 * only those exact IDs are touched.  Postfix: postsuper -h - puts them on
 * hold (qmgr no longer delivers them), each held queue file is copied
 * into STATE/quarantine/ENTRY, then postsuper -d - hold deletes exactly
 * the copied IDs, and only from the hold queue - mail that arrived
 * meanwhile is in another queue under another ID and is never touched.
 * Exim: exim -Mf freezes them, the -H and -D files are copied, then exim
 * -Mrm removes the copied ones, in batches.  Every ID is journaled
 * before anything happens; a copy that fails leaves that message held or
 * frozen, never deleted.
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

#include "../backends/exim/exim_queue.h"
#include "../backends/postfix/pf_queue.h"
#include "../core/mg_exec.h"
#include "../core/mg_install.h"
#include "mg_journal.h"
#include "../core/mg_sanitize.h"
#include "../core/mg_str.h"
#include "queue_purge.h"

#define COPY_MAX (512u * 1024 * 1024)	/* one queue file */

/* What one purge carries. */
struct purge {
	struct mg_session *a;
	FILE *out;
	const char **ids;		/* selected, sorted */
	size_t nids;
	char **copied;			/* quarantined, to delete */
	size_t ncopied, copied_cap;
	char qdir[PATH_MAX];		/* the quarantine */
	struct mg_str log;		/* what the MTA tools said */
	struct mg_purge_result *res;
	const struct mg_qprogress *prog;
	unsigned nsteps;
};

/* Purge steps, for the progress bar. */
#define STEP_HOLD 1
#define STEP_COPY 2
#define STEP_DELETE 3
#define STEP_CHECK 4
#define PURGE_STEPS 4

/* cmp_str - qsort/bsearch on char * */
static int
cmp_str(const void *x, const void *y)
{
	return (strcmp(*(const char *const *)x, *(const char *const *)y));
}

/* progress - tell the caller's bar; every file would be too often, so
 * within a step only each hundredth and the last */
static void
progress(const struct purge *p, unsigned step, const char *name, size_t done,
    size_t total)
{
	if (p->prog == NULL || p->prog->fn == NULL)
		return;
	if (done != 0 && done != total && done % 100 != 0)
		return;
	p->prog->fn(p->prog->arg, step, p->nsteps, name, done, total);
}

/* selected - name is one of the purge's IDs */
static int
selected(const struct purge *p, const char *name)
{
	return (p->nids > 0 && bsearch(&name, p->ids, p->nids,
	    sizeof(*p->ids), cmp_str) != NULL);
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

/* mg_purge_preview - the count, what stays, and a few samples (untrusted
 * queue text sanitized) */
void
mg_purge_preview(FILE *out, const struct mg_queue *q, const size_t *idx,
    size_t n, const struct mg_qsel *sel)
{
	struct mg_str line = MG_STR_INIT, desc = MG_STR_INIT;
	const struct mg_qmsg *m;
	size_t i;

	mg_qsel_describe(sel, &desc);
	(void)fprintf(out, "purge%s: %zu of %zu queued messages selected; "
	    "%zu stay\n", mg_str_cstr(&desc), n, q->nmsgs, q->nmsgs - n);
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

/* run_tool - argv with input on stdin; its output kept in the log;
 * 0 if it exited 0 */
static int
run_tool(struct purge *p, const char *const *argv, const char *input,
    size_t len, struct mg_err *err)
{
	return (mg_exec_tool(argv, input, len, 600000, &p->log, err));
}

/* copy_file - the bytes of src (opened safely) into a new file dst
 * (0600, must not exist), fsync'd: written as dst.part first and renamed,
 * so a copy that exists under its name is complete (a purge killed
 * midway leaves at most a .part file, which no rollback reads) */
static int
copy_file(int sdirfd, const char *src, const char *dst, struct mg_err *err)
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
		if (r < 0 || (total += (size_t)r) > COPY_MAX ||
		    write(out, buf, (size_t)r) != r) {
			rc = mg_err_errno(err, "copy %s", src);
			break;
		}
	}
	mg_fault("purge-copying");
	if (rc == 0 && fsync(out) < 0)
		rc = mg_err_errno(err, "fsync %s", part);
	(void)close(in);
	if (close(out) < 0 && rc == 0)
		rc = mg_err_errno(err, "close %s", part);
	if (rc == 0 && link(part, dst) < 0)
		rc = mg_err_errno(err, "create %s", dst);
	(void)unlink(part);
	return (rc);
}

/* fault_after - the crash tests' hook after the n-th message of a step
 * (MAILGUARD_TEST_KILL_AT=purge-copied-3 dies after the third copy) */
static void
fault_after(const char *step, size_t n)
{
	char name[64];

	if (getenv("MAILGUARD_TEST_KILL_AT") == NULL)
		return;
	(void)snprintf(name, sizeof(name), "%s-%zu", step, n);
	mg_fault(name);
}

/* ids_text - IDs one per line, for postsuper's stdin */
static void
ids_text(char *const *ids, size_t n, struct mg_str *out)
{
	size_t i;

	for (i = 0; i < n; i++)
		mg_str_printf(out, "%s\n", ids[i]);
}

/* postsuper - postsuper [-c DIR] ARGS... */
static int
postsuper(struct purge *p, const char *a1, const char *a2, const char *a3,
    const char *input, size_t len, struct mg_err *err)
{
	const char *argv[8];
	size_t n = 0;

	argv[n++] = "postsuper";
	if (p->a->target.config_dir != NULL) {
		argv[n++] = "-c";
		argv[n++] = p->a->target.config_dir;
	}
	argv[n++] = a1;
	argv[n++] = a2;
	argv[n++] = a3;
	argv[n] = NULL;
	return (run_tool(p, argv, input, len, err));
}

/* fsync_dir - the quarantine's entries made durable */
static void
fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd >= 0) {
		(void)fsync(fd);
		(void)close(fd);
	}
}

/* quarantine_held - copy every selected file under hold/ (and its hash
 * subdirectories) into the quarantine */
static void
quarantine_held(struct purge *p, int fd, int depth)
{
	char dst[PATH_MAX + 300];
	struct dirent *de;
	struct mg_err err;
	int sfd, rc;
	DIR *d;

	if ((d = fdopendir(fd)) == NULL) {
		(void)close(fd);
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (de->d_name[1] == '\0' && depth < 4) {
			sfd = openat(dirfd(d), de->d_name, O_RDONLY |
			    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			if (sfd >= 0)
				quarantine_held(p, sfd, depth + 1);
			continue;
		}
		if (!selected(p, de->d_name))
			continue;
		(void)snprintf(dst, sizeof(dst), "%s/%s", p->qdir,
		    de->d_name);
		rc = copy_file(dirfd(d), de->d_name, dst, &err);
		if (rc < 0)
			(void)fprintf(p->out, "  %s stays on hold: %s\n",
			    de->d_name, err.msg);
		if (rc != 0)
			continue;
		*MG_ARRAY_PUSH(p->copied, p->ncopied, p->copied_cap) =
		    mg_xstrdup(de->d_name);
		progress(p, STEP_COPY, "quarantine", p->ncopied, p->nids);
		fault_after("purge-copied", p->ncopied);
	}
	(void)closedir(d);
}

/* purge_postfix - hold, quarantine, delete from hold */
static int
purge_postfix(struct purge *p, struct mg_err *err)
{
	struct mg_str in = MG_STR_INIT;
	char *qdir = NULL, path[PATH_MAX];
	int fd, rc = -1;

	if (mg_pf_queue_directory(&p->a->target, &qdir, err) < 0)
		return (-1);
	ids_text((char *const *)p->ids, p->nids, &in);
	(void)fprintf(p->out, "holding %zu messages (postsuper -h -)\n",
	    p->nids);
	progress(p, STEP_HOLD, "hold", 0, p->nids);
	if (postsuper(p, "-h", "-", NULL, in.data, in.len, err) < 0)
		goto out;
	progress(p, STEP_HOLD, "hold", p->nids, p->nids);
	mg_fault("purge-held");
	(void)snprintf(path, sizeof(path), "%s/hold", qdir);
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		rc = mg_err_errno(err, "cannot open %s", path);
		goto out;
	}
	quarantine_held(p, fd, 0);
	p->res->held = p->ncopied;
	p->res->quarantined = p->ncopied;
	(void)fprintf(p->out, "quarantined %zu in %s\n", p->ncopied, p->qdir);
	/* the copies are durable before anything is deleted */
	fsync_dir(p->qdir);
	mg_fault("purge-copied");
	if (p->ncopied > 0) {
		mg_str_reset(&in);
		ids_text(p->copied, p->ncopied, &in);
		(void)fprintf(p->out, "deleting %zu from the hold queue "
		    "(postsuper -d - hold)\n", p->ncopied);
		progress(p, STEP_DELETE, "delete", 0, p->ncopied);
		if (postsuper(p, "-d", "-", "hold", in.data, in.len, err) < 0)
			goto out;
		progress(p, STEP_DELETE, "delete", p->ncopied, p->ncopied);
		mg_fault("purge-deleted");
	}
	rc = 0;
out:
	mg_str_free(&in);
	free(qdir);
	return (rc);
}

/* exim_batches - exim [-C FILE] OPT ID... for ids, MG_PURGE_BATCH at a
 * time; -1 if any batch failed (err says why) */
static int
exim_batches(struct purge *p, const char *opt, char *const *ids, size_t n,
    unsigned step, const char *name, struct mg_err *err)
{
	const char **argv;
	size_t i, k, base;
	int rc = 0;

	argv = mg_xcalloc(MG_PURGE_BATCH + 6, sizeof(*argv));
	for (i = 0; i < n; i += MG_PURGE_BATCH) {
		base = 0;
		argv[base++] = p->a->target.bin;
		if (p->a->target.config_file != NULL) {
			argv[base++] = "-C";
			argv[base++] = p->a->target.config_file;
		}
		argv[base++] = opt;
		for (k = 0; k < MG_PURGE_BATCH && i + k < n; k++)
			argv[base + k] = ids[i + k];
		argv[base + k] = NULL;
		if (run_tool(p, argv, NULL, 0, err) < 0)
			rc = -1;
		progress(p, step, name, i + k, n);
	}
	free(argv);
	return (rc);
}

/* exim_copy - ID's -H and -D (input/ or split input/X/) into the
 * quarantine; 0, 1 if gone, -1 */
static int
exim_copy(struct purge *p, int infd, const char *id, struct mg_err *err)
{
	char sub[3] = { id[5], '/', '\0' }, name[PATH_MAX];
	char dst[PATH_MAX + 300];
	const char *rel = "";
	int rc, i;
	char suffix[] = "HD";

	(void)snprintf(name, sizeof(name), "%s-H", id);
	if (faccessat(infd, name, F_OK, AT_EACCESS) < 0)
		rel = sub;
	for (i = 0; i < 2; i++) {
		(void)snprintf(name, sizeof(name), "%s%s-%c", rel, id,
		    suffix[i]);
		(void)snprintf(dst, sizeof(dst), "%s/%s-%c", p->qdir, id,
		    suffix[i]);
		if ((rc = copy_file(infd, name, dst, err)) != 0)
			return (rc);
	}
	return (0);
}

/* purge_exim - freeze, quarantine, exim -Mrm */
static int
purge_exim(struct purge *p, struct mg_err *err)
{
	char *sdir = NULL, path[PATH_MAX];
	struct mg_err e;
	size_t i;
	int fd, rc;

	if (mg_exim_spool_directory(&p->a->target, &sdir, err) < 0)
		return (-1);
	(void)fprintf(p->out, "freezing %zu messages (exim -Mf)\n", p->nids);
	(void)exim_batches(p, "-Mf", (char *const *)p->ids, p->nids,
	    STEP_HOLD, "freeze", &e);
	mg_fault("purge-held");
	(void)snprintf(path, sizeof(path), "%s/input", sdir);
	free(sdir);
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return (mg_err_errno(err, "cannot open %s", path));
	for (i = 0; i < p->nids; i++) {
		if (strlen(p->ids[i]) < 6)
			continue;
		rc = exim_copy(p, fd, p->ids[i], &e);
		if (rc < 0)
			(void)fprintf(p->out, "  %s stays frozen: %s\n",
			    p->ids[i], e.msg);
		if (rc != 0)
			continue;
		*MG_ARRAY_PUSH(p->copied, p->ncopied, p->copied_cap) =
		    mg_xstrdup(p->ids[i]);
		progress(p, STEP_COPY, "quarantine", p->ncopied, p->nids);
		fault_after("purge-copied", p->ncopied);
	}
	(void)close(fd);
	fsync_dir(p->qdir);
	mg_fault("purge-copied");
	p->res->held = p->ncopied;
	p->res->quarantined = p->ncopied;
	(void)fprintf(p->out, "quarantined %zu in %s\n", p->ncopied, p->qdir);
	if (p->ncopied == 0)
		return (0);
	(void)fprintf(p->out, "removing %zu (exim -Mrm)\n", p->ncopied);
	rc = exim_batches(p, "-Mrm", p->copied, p->ncopied, STEP_DELETE,
	    "delete", err);
	mg_fault("purge-deleted");
	return (rc);
}

/* make_quarantine - STATE/quarantine/ENTRY, 0700, with a README */
static int
make_quarantine(struct purge *p, long entry, struct mg_err *err)
{
	const char *how = p->a->target.mta == MG_MTA_POSTFIX ?
	    "Postfix queue files, exact bytes (read one: postcat FILE).\n"
	    "Put them back: mailguard-tui rollback ENTRY (all of them), or\n"
	    "mailguard-tui restore ENTRY --sasl USER ... (a selection).\n"
	    "By hand: copy FILE into the queue directory's hold/ as owner\n"
	    "mail_owner (postfix), mode 0700; postsuper -s hold renames it\n"
	    "to a new queue ID (its name must match its inode): find it by\n"
	    "inode (ls -i), then postsuper -H NEWID.\n" :
	    "Exim spool files (ID-H envelope and headers, ID-D body).\n"
	    "Put them back: mailguard-tui rollback ENTRY (all of them), or\n"
	    "mailguard-tui restore ENTRY --sasl USER ... (a selection).\n"
	    "By hand: copy ID-D, then ID-H, into the spool's input/ (input/X/\n"
	    "with split_spool_directory, X the 6th character of ID) as the\n"
	    "Exim user, mode 0640, then exim -Mt ID (thaw).\n";
	char path[PATH_MAX + 16];
	int fd;

	(void)snprintf(path, sizeof(path), "%s/quarantine",
	    p->a->target.state_dir);
	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return (mg_err_errno(err, "cannot create %s", path));
	(void)snprintf(p->qdir, sizeof(p->qdir), "%s/quarantine/%ld",
	    p->a->target.state_dir, entry);
	if (mkdir(p->qdir, 0700) < 0)
		return (mg_err_errno(err, "cannot create %s", p->qdir));
	(void)snprintf(path, sizeof(path), "%s/README", p->qdir);
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

/* still_queued - after the purge: selected IDs still in the queue */
static size_t
still_queued(struct purge *p)
{
	struct mg_queue q;
	struct mg_err err;
	size_t i, n = 0;

	if (mg_backend_load_queue(&p->a->target, &q, NULL, NULL, &err) < 0) {
		mg_queue_free(&q);
		return (0);
	}
	for (i = 0; i < q.nmsgs; i++)
		n += selected(p, q.msgs[i].id);
	mg_queue_free(&q);
	return (n);
}

/* is_held - on hold (Postfix) or frozen (Exim) */
static int
is_held(const struct mg_qmsg *m)
{
	return (m->queue != NULL && (strcmp(m->queue, "hold") == 0 ||
	    strcmp(m->queue, "frozen") == 0));
}

/*
 * begin - the common start of every queue action: one scan, the
 * selection (previewed on out for a purge), its IDs sorted into p, a
 * journal entry with every ID.  1 and the entry in res when there is
 * work, 0 when nothing is selected, -1 with err.
 */
static int
begin(struct purge *p, struct mg_journal *j, struct mg_queue *q,
    const char *action, const struct mg_qsel *sel, struct mg_err *err)
{
	struct mg_str sum = MG_STR_INIT;
	struct mg_jqmsg *held = NULL;
	size_t *idx = NULL, n, i, nheld = 0;
	int rc = -1;

	if (mg_backend_load_queue(&p->a->target, q, NULL, NULL, err) < 0)
		return (-1);
	(void)mg_purge_select(q, sel, time(NULL), &idx, &n);
	p->res->selected = n;
	if (strcmp(action, "purge") == 0)
		mg_purge_preview(p->out, q, idx, n, sel);
	if (n == 0) {
		free(idx);
		return (0);
	}
	p->ids = mg_xcalloc(n, sizeof(*p->ids));
	held = mg_xcalloc(n, sizeof(*held));
	for (i = 0; i < n; i++) {
		p->ids[i] = q->msgs[idx[i]].id;
		if (is_held(&q->msgs[idx[i]])) {
			held[nheld].id = (char *)p->ids[i];
			held[nheld++].held = 1;
		}
	}
	p->nids = n;
	free(idx);
	qsort(p->ids, n, sizeof(*p->ids), cmp_str);
	mg_str_puts(&sum, action);
	mg_qsel_describe(sel, &sum);
	mg_str_printf(&sum, ": %zu messages", n);
	if ((p->res->entry = mg_journal_begin(j, action, mg_str_cstr(&sum),
	    NULL, err)) < 0) {
		p->res->entry = 0;
		goto out;
	}
	/* what was on hold before stays on hold after a rollback */
	if (mg_journal_ids(j, p->res->entry, p->ids, n, err) < 0 ||
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
 * mg_queue_purge - purge what sel selects on the live queue, reporting
 * progress on out.  0 when done (res says what happened, remaining > 0
 * if some selected mail could not be removed), -1 with err when nothing
 * could be done or a tool failed midway (the journal says how far).
 */
int
mg_queue_purge(struct mg_session *a, const struct mg_qsel *sel, FILE *out,
    const struct mg_qprogress *prog, struct mg_purge_result *res,
    struct mg_err *err)
{
	struct mg_str result = MG_STR_INIT;
	struct mg_journal j;
	struct mg_queue q;
	struct purge p;
	size_t n, i;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	memset(&p, 0, sizeof(p));
	p.a = a;
	p.out = out;
	p.res = res;
	p.prog = prog;
	p.nsteps = PURGE_STEPS;
	if (mg_journal_open(&j, a->target.state_dir, 1, err) < 0)
		return (-1);
	mg_queue_init(&q);
	if ((rc = begin(&p, &j, &q, "purge", sel, err)) <= 0)
		goto out_queue;
	rc = -1;
	n = p.nids;
	if (make_quarantine(&p, res->entry, err) < 0) {
		(void)mg_journal_set(&j, res->entry, "state", "failed");
		(void)mg_journal_set(&j, res->entry, "result", err->msg);
		goto out_queue;
	}
	(void)snprintf(res->quarantine, sizeof(res->quarantine), "%s",
	    p.qdir);
	(void)mg_journal_set(&j, res->entry, "step", "hold");
	rc = a->target.mta == MG_MTA_POSTFIX ? purge_postfix(&p, err) :
	    purge_exim(&p, err);
	fsync_dir(p.qdir);
	progress(&p, STEP_CHECK, "check", 0, 1);
	res->remaining = still_queued(&p);
	progress(&p, STEP_CHECK, "check", 1, 1);
	res->deleted = p.ncopied >= res->remaining ? p.ncopied -
	    res->remaining : 0;
	res->gone = n - p.ncopied;
	mg_str_printf(&result, "selected %zu; quarantined %zu in %s; deleted "
	    "%zu; gone before the hold %zu; still queued %zu\n", n,
	    p.ncopied, p.qdir, res->deleted, res->gone, res->remaining);
	if (rc < 0)
		mg_str_printf(&result, "error: %s\n", err->msg);
	mg_str_append(&result, mg_str_cstr(&p.log), p.log.len);
	(void)mg_journal_set(&j, res->entry, "result", mg_str_cstr(&result));
	(void)mg_journal_set(&j, res->entry, "step", "deleted");
	(void)mg_journal_set(&j, res->entry, "state", rc == 0 ? "done" :
	    "failed");
out_queue:
	mg_queue_free(&q);
	mg_journal_close(&j);
	for (i = 0; i < p.ncopied; i++)
		free(p.copied[i]);
	free(p.copied);
	free(p.ids);
	mg_str_free(&p.log);
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

/* act_tool - the MTA's own command for the action on ids; exim -Mf
 * (-Mt) on a message that is frozen (not frozen) already fails the whole
 * call, so those are left out (act_todo) */
static int
act_tool(struct purge *p, enum mg_qaction act, char *const *ids, size_t n,
    struct mg_err *err)
{
	static const char *const pf[] = { "-h", "-H", "-r" };
	static const char *const ex[] = { "-Mf", "-Mt", NULL };
	struct mg_str in = MG_STR_INIT;
	int rc;

	if (p->a->target.mta == MG_MTA_EXIM) {
		if (ex[act] == NULL)
			return (mg_err_set(err, "Exim has no requeue: release "
			    "(thaw) the messages and the next queue run "
			    "retries them"));
		if (n == 0)
			return (0);
		return (exim_batches(p, ex[act], ids, n, 1,
		    mg_qaction_name(act), err));
	}
	if (n == 0)
		return (0);
	ids_text(ids, n, &in);
	progress(p, 1, mg_qaction_name(act), 0, n);
	rc = postsuper(p, pf[act], "-", NULL, in.data, in.len, err);
	progress(p, 1, mg_qaction_name(act), n, n);
	mg_str_free(&in);
	return (rc);
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
		if (!selected(p, q->msgs[i].id) || (act == MG_QA_HOLD &&
		    is_held(&q->msgs[i])) || (act == MG_QA_RELEASE &&
		    !is_held(&q->msgs[i])))
			continue;
		(*ids)[n++] = (char *)q->msgs[i].id;
	}
	return (n);
}

/* act_undone - after the action: the selected IDs not in the state it
 * should have left them in */
static size_t
act_undone(struct purge *p, enum mg_qaction act)
{
	struct mg_queue q;
	struct mg_err err;
	const char *qn;
	size_t i, n = 0;
	int held;

	if (mg_backend_load_queue(&p->a->target, &q, NULL, NULL, &err) < 0) {
		mg_queue_free(&q);
		return (p->nids);
	}
	for (i = 0; i < q.nmsgs; i++) {
		if (!selected(p, q.msgs[i].id))
			continue;
		qn = q.msgs[i].queue != NULL ? q.msgs[i].queue : "";
		held = strcmp(qn, "hold") == 0 || strcmp(qn, "frozen") == 0;
		/* requeued mail waits in maildrop, then gets a new ID */
		if ((act == MG_QA_HOLD && !held) || (act == MG_QA_RELEASE &&
		    held) || (act == MG_QA_REQUEUE && strcmp(qn,
		    "maildrop") != 0))
			n++;
	}
	mg_queue_free(&q);
	return (n);
}

/*
 * mg_queue_act - hold, release or requeue what sel selects, journaled
 * with every ID; 0 when done (res->remaining: IDs the MTA did not move),
 * -1 with err
 */
int
mg_queue_act(struct mg_session *a, enum mg_qaction act,
    const struct mg_qsel *sel, FILE *out, const struct mg_qprogress *prog,
    struct mg_purge_result *res, struct mg_err *err)
{
	struct mg_str result = MG_STR_INIT;
	struct mg_journal j;
	struct mg_queue q;
	struct purge p;
	char **todo;
	size_t n, ntodo;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	memset(&p, 0, sizeof(p));
	p.a = a;
	p.out = out;
	p.res = res;
	p.prog = prog;
	p.nsteps = 2;
	if (mg_journal_open(&j, a->target.state_dir, 1, err) < 0)
		return (-1);
	mg_queue_init(&q);
	if ((rc = begin(&p, &j, &q, mg_qaction_name(act), sel, err)) <= 0)
		goto out;
	n = p.nids;
	(void)fprintf(out, "%s: %zu messages\n", mg_qaction_name(act), n);
	ntodo = act_todo(&p, &q, act, &todo);
	rc = act_tool(&p, act, todo, ntodo, err);
	free(todo);
	progress(&p, 2, "check", 0, 1);
	res->remaining = act_undone(&p, act);
	progress(&p, 2, "check", 1, 1);
	res->held = n - res->remaining;
	mg_str_printf(&result, "selected %zu; not moved %zu\n", n,
	    res->remaining);
	if (rc < 0)
		mg_str_printf(&result, "error: %s\n", err->msg);
	mg_str_append(&result, mg_str_cstr(&p.log), p.log.len);
	(void)mg_journal_set(&j, res->entry, "result", mg_str_cstr(&result));
	(void)mg_journal_set(&j, res->entry, "state", rc == 0 ? "done" :
	    "failed");
out:
	mg_queue_free(&q);
	mg_journal_close(&j);
	free(p.ids);
	mg_str_free(&p.log);
	mg_str_free(&result);
	return (rc);
}
