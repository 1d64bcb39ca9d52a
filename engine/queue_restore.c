/*
 * queue_restore.c - roll back a purge or a hold (DESIGN.md "Queue
 * purge"): each journaled ID is looked up in the live queue first, so a
 * message is never put back twice.  Still queued and held by the entry:
 * released (postsuper -H, exim -Mt).  Gone, with a complete copy in
 * STATE/quarantine/ENTRY: put back.  Postfix: the exact bytes into
 * hold/ as mail_owner, mode 0700 (mail_queue.h: a complete queue file),
 * then postsuper -s hold gives it the name its inode calls for (a queue
 * file's name must match its inode), the new name is found by that
 * inode, and postsuper -H releases it.  Exim: ID-D, then ID-H into
 * input/ (input/X/ with split_spool_directory) as the Exim user, mode
 * 0640; the ID stays; exim -Mt thaws it.  Mail that was on hold (frozen)
 * before the entry goes back on hold.  The journal's qmsgs rows say per
 * message how far it got, so a rollback that is run again - or after
 * being killed - brings back only what is still missing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../backends/exim/exim_queue.h"
#include "../backends/postfix/pf_queue.h"
#include "../core/mg_exec.h"
#include "../core/mg_file.h"
#include "../core/mg_install.h"
#include "../core/mg_sanitize.h"
#include "../core/mg_str.h"
#include "queue_purge.h"
#include "queue_restore.h"

#define FILE_MAX (512u * 1024 * 1024)	/* one queue file, as purge */
#define BATCH 500			/* IDs per exim -Mt call */

/* One message of the entry. */
struct rmsg {
	struct mg_jqmsg row;		/* what the journal knows */
	const struct mg_qmsg *live;	/* queued now under its own ID */
	int chosen;			/* the selectors chose it */
	int release;			/* release (thaw) in this run */
	int from_live;			/* a release of a queued message */
	int placed;			/* put back in this run */
	char tmp[MG_INSTALL_TMP];	/* Postfix: prepared in hold/ */
	int dirty;			/* row to write */
};

/* What the Postfix side carries. */
struct pf {
	char *qdir;
	char hold[PATH_MAX];
	int hfd;
	uid_t uid;
	gid_t gid;
};

/* What the Exim side carries. */
struct ex {
	char input[PATH_MAX];
	int ifd;			/* input/, opened without following */
	int split;
	uid_t uid;
	gid_t gid;
};

/* What one restore carries. */
struct restore {
	struct mg_session *a;
	struct mg_journal *j;
	long entry;
	FILE *out;
	struct rmsg *m;
	size_t n;
	int qfd;			/* the quarantine, or -1 */
	struct mg_queue q;		/* the live queue */
	const struct mg_qmsg **live;	/* its messages by ID */
	struct mg_str log;
	struct mg_restore_result *res;
	struct pf pf;			/* Postfix: the hold queue */
	struct ex ex;			/* Exim: the spool's input/ */
};

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
find_live(const struct restore *r, const char *id)
{
	struct mg_qmsg key;
	const struct mg_qmsg *kp = &key, **hit;

	if (r->q.nmsgs == 0)
		return (NULL);
	key.id = id;
	hit = bsearch(&kp, r->live, r->q.nmsgs, sizeof(*r->live), cmp_live);
	return (hit != NULL ? *hit : NULL);
}

/* load_live - scan the queue, index it by ID */
static int
load_live(struct restore *r, struct mg_err *err)
{
	size_t i;

	mg_queue_free(&r->q);
	free(r->live);
	r->live = NULL;
	if (mg_backend_load_queue(&r->a->target, &r->q, NULL, NULL, err) < 0)
		return (-1);
	r->live = mg_xcalloc(r->q.nmsgs + 1, sizeof(*r->live));
	for (i = 0; i < r->q.nmsgs; i++)
		r->live[i] = &r->q.msgs[i];
	qsort(r->live, r->q.nmsgs, sizeof(*r->live), cmp_live);
	for (i = 0; i < r->n; i++)
		r->m[i].live = find_live(r, r->m[i].row.id);
	return (0);
}

/* is_held - on hold (Postfix) or frozen (Exim) */
static int
is_held(const struct mg_qmsg *m)
{
	return (m != NULL && m->queue != NULL && (strcmp(m->queue, "hold") ==
	    0 || strcmp(m->queue, "frozen") == 0));
}

/* set_state - a row's new state (and the ID it is back under) */
static void
set_state(struct rmsg *m, const char *state, const char *new_id)
{
	free(m->row.state);
	m->row.state = mg_xstrdup(state);
	if (new_id != NULL) {
		free(m->row.new_id);
		m->row.new_id = mg_xstrdup(new_id);
	}
	m->dirty = 1;
}

/* is_state - the row is in state */
static int
is_state(const struct rmsg *m, const char *state)
{
	return (m->row.state != NULL && strcmp(m->row.state, state) == 0);
}

/* save - write the changed rows to the journal, in one transaction */
static int
save(struct restore *r, struct mg_err *err)
{
	struct mg_jqmsg *rows;
	size_t i, k = 0;
	int rc;

	rows = mg_xcalloc(r->n + 1, sizeof(*rows));
	for (i = 0; i < r->n; i++)
		if (r->m[i].dirty)
			rows[k++] = r->m[i].row;
	rc = mg_journal_qmsgs_put(r->j, r->entry, rows, k, err);
	free(rows);
	if (rc == 0)
		for (i = 0; i < r->n; i++)
			r->m[i].dirty = 0;
	return (rc);
}

/* run_tool - argv, input on stdin; output kept in the log */
static int
run_tool(struct restore *r, const char *const *argv, const char *input,
    size_t len, struct mg_err *err)
{
	return (mg_exec_tool(argv, input, len, 600000, &r->log, err));
}

/* quarantined - open the quarantine copy NAME; -1 if there is none */
static int
quarantined(const struct restore *r, const char *name)
{
	if (r->qfd < 0)
		return (-1);
	return (openat(r->qfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK));
}

/* read_copy - the bytes of quarantine copy NAME into buf; 0 or -1 */
static int
read_copy(const struct restore *r, const char *name, struct mg_str *buf)
{
	char tmp[65536];
	ssize_t n;
	int fd;

	mg_str_reset(buf);
	if ((fd = quarantined(r, name)) < 0)
		return (-1);
	while ((n = read(fd, tmp, sizeof(tmp))) > 0 && buf->len +
	    (size_t)n <= MG_FILE_MAX * 8)
		mg_str_append(buf, tmp, (size_t)n);
	(void)close(fd);
	return (n == 0 ? 0 : -1);
}

/* copy_msg - the message as the quarantine copy describes it, appended
 * to q; NULL if there is no readable copy */
static const struct mg_qmsg *
copy_msg(const struct restore *r, const char *id, struct mg_queue *q)
{
	struct mg_str buf = MG_STR_INIT;
	struct mg_err err;
	struct stat st;
	char name[256];
	long long dsize = -1;
	int rc = -1;

	if (r->a->target.mta == MG_MTA_POSTFIX) {
		if (read_copy(r, id, &buf) == 0)
			rc = mg_pf_queue_parse((const unsigned char *)buf.data,
			    buf.len, id, "hold", q, &err);
	} else {
		(void)snprintf(name, sizeof(name), "%s-D", id);
		if (r->qfd >= 0 && fstatat(r->qfd, name, &st,
		    AT_SYMLINK_NOFOLLOW) == 0)
			dsize = (long long)st.st_size;
		(void)snprintf(name, sizeof(name), "%s-H", id);
		if (read_copy(r, name, &buf) == 0)
			rc = mg_exim_queue_parse(buf.data, buf.len, name, dsize,
			    q, &err);
	}
	mg_str_free(&buf);
	return (rc == 0 ? &q->msgs[q->nmsgs - 1] : NULL);
}

/* choose - mark what the selectors choose: a message is judged by the
 * queue's view when queued, else by its quarantine copy */
static void
choose(struct restore *r, const struct mg_qsel *sel)
{
	struct mg_queue copies;
	const struct mg_qmsg *msg;
	time_t now = time(NULL);
	size_t i;

	mg_queue_init(&copies);
	for (i = 0; i < r->n; i++) {
		r->m[i].chosen = 1;
		if (sel == NULL)
			continue;
		msg = r->m[i].live;
		if (msg == NULL)
			msg = copy_msg(r, r->m[i].row.id, &copies);
		r->m[i].chosen = msg != NULL && mg_qsel_match(sel, msg, now);
	}
	mg_queue_free(&copies);
}

/* owner_of - uid of directory fd, gid of that user (Postfix and Exim
 * create their queue files as the owner of the queue directory, in that
 * user's group) */
static int
owner_of(int dfd, const char *path, uid_t *uid, gid_t *gid,
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

/* remove_temps - temp files an interrupted restore left in dfd and in
 * its one-letter subdirectories (Exim's split input/X/) */
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

/* fault_after - the crash tests' hook after the n-th message put back
 * (MAILGUARD_TEST_KILL_AT=restore-placed-5) */
static void
fault_after(const char *step, size_t n)
{
	char name[64];

	if (getenv("MAILGUARD_TEST_KILL_AT") == NULL)
		return;
	(void)snprintf(name, sizeof(name), "%s-%zu", step, n);
	mg_fault(name);
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

/* placed_one - count m as put back (Postfix: linked into hold/; Exim:
 * its -H in input/) */
static void
placed_one(struct restore *r, struct rmsg *m)
{
	m->placed = 1;
	r->res->placed++;
	if (m->row.held)
		r->res->kept_held++;
	fault_after("restore-placed", r->res->placed);
}

/* not_done - m is not back after all: what was counted for it taken
 * back, counted failed */
static void
not_done(struct restore *r, struct rmsg *m)
{
	if (m->placed) {
		r->res->placed--;
		r->res->kept_held -= m->row.held != 0;
	}
	m->placed = 0;
	m->release = 0;
	r->res->failed++;
}

/* decide - for each chosen message not back yet: release it, put it
 * back, or say why not; place() does the MTA's part of putting back */
static void
decide(struct restore *r, int (*place)(struct restore *, struct rmsg *))
{
	struct rmsg *m;
	size_t i;

	for (i = 0; i < r->n; i++) {
		m = &r->m[i];
		if (!m->chosen || is_state(m, "placed"))
			continue;
		if (is_state(m, "back")) {
			r->res->already++;
			continue;
		}
		if (!id_ok(m->row.id)) {
			(void)fputs("  not a queue ID: ", r->out);
			mg_print_sanitized(r->out, m->row.id);
			(void)fputc('\n', r->out);
			r->res->failed++;
			continue;
		}
		if (m->live != NULL) {
			/* never deleted: held by the entry, or untouched */
			if (is_held(m->live) && !m->row.held) {
				m->release = 1;
				m->from_live = 1;	/* counted when done */
			} else {
				set_state(m, "back", m->row.id);
				r->res->stayed++;
			}
			continue;
		}
		switch (place(r, m)) {
		case 0:
			/* Postfix: "placing" until linked (pf_link) */
			if (is_state(m, "placed"))
				placed_one(r, m);
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

/* --- Postfix ----------------------------------------------------- */

/* postsuper - postsuper [-c DIR] A1 [A2] with input on stdin */
static int
postsuper(struct restore *r, const char *a1, const char *a2,
    const char *input, size_t len, struct mg_err *err)
{
	const char *argv[7];
	size_t n = 0;

	argv[n++] = "postsuper";
	if (r->a->target.config_dir != NULL) {
		argv[n++] = "-c";
		argv[n++] = r->a->target.config_dir;
	}
	argv[n++] = a1;
	argv[n++] = a2;
	argv[n] = NULL;
	return (run_tool(r, argv, input, len, err));
}

/* not_back - say why m was not put back */
static void
not_back(struct restore *r, const struct rmsg *m, const char *why)
{
	(void)fprintf(r->out, "  %s not put back: ", m->row.id);
	mg_print_sanitized(r->out, why);
	(void)fputc('\n', r->out);
}

/* pf_place - quarantine copy ID into a temp file in hold/, its inode
 * recorded ("placing") before pf_link gives it the name hold/ID: a run
 * killed after the link finds it by that inode whatever postsuper -s
 * named it since; 0, 1 if there is no copy, -1 (reported) */
static int
pf_place(struct restore *r, struct rmsg *m)
{
	struct mg_err err;
	ino_t ino = 0;
	int fd, rc;

	if ((fd = quarantined(r, m->row.id)) < 0)
		return (errno == ENOENT || r->qfd < 0 ? 1 : -1);
	/* mail_queue.h: owner x bit set = a complete queue file */
	rc = mg_install_copy_prepare(r->pf.hfd, r->pf.hold, fd, FILE_MAX,
	    0700, r->pf.uid, r->pf.gid, m->tmp, &ino, &err);
	(void)close(fd);
	if (rc < 0) {
		not_back(r, m, err.msg);
		return (-1);
	}
	m->row.ino = (long long)ino;
	set_state(m, "placing", NULL);
	return (0);
}

/* pf_link - the prepared copies into hold/ under their old IDs (never
 * over a file that is there) */
static void
pf_link(struct restore *r)
{
	struct mg_err err;
	struct rmsg *m;
	size_t i;
	int rc;

	for (i = 0; i < r->n; i++) {
		m = &r->m[i];
		if (m->tmp[0] == '\0')
			continue;
		rc = mg_install_copy_commit(r->pf.hfd, r->pf.hold, m->tmp,
		    m->row.id, 0, &err);
		m->tmp[0] = '\0';
		if (rc == 0) {
			set_state(m, "placed", NULL);
			placed_one(r, m);
			continue;
		}
		if (rc > 0)
			(void)mg_err_set(&err, "%s/%s exists", r->pf.hold,
			    m->row.id);
		not_back(r, m, err.msg);
		free(m->row.state);
		m->row.state = NULL;
		m->row.ino = 0;
		m->dirty = 1;
		r->res->failed++;
	}
}

/* An inode found under hold/ and the name it has there. */
struct hino {
	ino_t ino;
	char name[64];
	char rel[72];		/* "X/NAME" in a hashed hold/ */
};

/* scan_hold - the inodes of the files under hold/ (and its hash
 * subdirectories, rel their path) into *v; 0, or -1 (errno) if a
 * directory could not be read: a partial list would call a message
 * gone that is there */
static int
scan_hold(int fd, const char *rel, int depth, struct hino **v, size_t *n,
    size_t *cap)
{
	char sub[72];
	struct dirent *de;
	struct stat st;
	struct hino *h;
	DIR *d;
	int sfd, e;

	if ((d = fdopendir(fd)) == NULL) {
		(void)close(fd);
		return (-1);
	}
	for (errno = 0; (de = readdir(d)) != NULL; errno = 0) {
		if (de->d_name[0] == '.')
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) <
		    0) {
			if (errno == ENOENT)
				continue;	/* renamed meanwhile */
			break;
		}
		if (S_ISDIR(st.st_mode) && de->d_name[1] == '\0' &&
		    depth < 4) {
			sfd = openat(dirfd(d), de->d_name, O_RDONLY |
			    O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
			(void)snprintf(sub, sizeof(sub), "%s%s/", rel,
			    de->d_name);
			if (sfd < 0 || scan_hold(sfd, sub, depth + 1, v, n,
			    cap) < 0)
				break;
			errno = 0;
			continue;
		}
		if (!S_ISREG(st.st_mode) || strlen(de->d_name) >= 64)
			continue;
		h = MG_ARRAY_PUSH(*v, *n, *cap);
		h->ino = st.st_ino;
		(void)snprintf(h->name, sizeof(h->name), "%s", de->d_name);
		(void)snprintf(h->rel, sizeof(h->rel), "%s%s", rel,
		    de->d_name);
	}
	e = errno;
	(void)closedir(d);
	errno = e;
	return (e != 0 ? -1 : 0);
}

/* pf_inodes - the inodes under hold/ now into *v, *n of them (step: the
 * failure hook's name); 0, or -1 with err */
static int
pf_inodes(const struct restore *r, const char *step, struct hino **v,
    size_t *n, struct mg_err *err)
{
	size_t cap = 0;
	int fd;

	free(*v);
	*v = NULL;
	*n = 0;
	fd = openat(r->pf.hfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (mg_fault_fail(step)) {
		if (fd >= 0)
			(void)close(fd);
		fd = -1;
		errno = EMFILE;
	}
	if (fd < 0 || scan_hold(fd, "", 0, v, n, &cap) < 0)
		return (mg_err_errno(err, "cannot read %s", r->pf.hold));
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
is_ours(const struct restore *r, const struct rmsg *m, const struct hino *h)
{
	int a, b, same = 0;

	/* a hold: no copy to compare with, but the message was never
	 * renamed (postsuper -s leaves a name that matches its inode) */
	if (r->qfd < 0)
		return (strcmp(h->name, m->row.id) == 0);
	if ((a = quarantined(r, m->row.id)) < 0)
		return (0);
	b = openat(r->pf.hfd, h->rel, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
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
pf_mark_release(struct restore *r, const struct hino *v, size_t nv)
{
	struct rmsg *m;
	size_t i, k;

	for (i = 0; i < r->n; i++) {
		m = &r->m[i];
		if (!m->release)
			continue;
		for (k = 0; k < nv; k++)
			if (strcmp(v[k].name, m->row.id) == 0)
				break;
		m->row.ino = k < nv ? (long long)v[k].ino : 0;
		set_state(m, "placed", NULL);
	}
}

/* pf_found_placing - rows "placing" of an interrupted run: linked into
 * hold/ (found by inode, whatever postsuper -s named it since) are
 * "placed"; the others are put back again (remove_temps took their temp
 * files) */
static void
pf_found_placing(struct restore *r, const struct hino *v, size_t nv)
{
	const struct hino *h;
	struct rmsg *m;
	size_t i;

	for (i = 0; i < r->n; i++) {
		m = &r->m[i];
		if (!m->chosen || !is_state(m, "placing"))
			continue;
		h = hold_find(v, nv, m->row.ino);
		if (h != NULL && is_ours(r, m, h)) {
			set_state(m, "placed", NULL);
			continue;
		}
		free(m->row.state);
		m->row.state = NULL;
		m->row.ino = 0;
		m->dirty = 1;
	}
}

/*
 * restore_postfix - put back, postsuper -s hold, find the new names by
 * inode, postsuper -H; rows "placed" by an earlier, interrupted run are
 * found by their inode too (in hold/: still to release; elsewhere or
 * gone: released, maybe delivered already)
 */
static int
restore_postfix(struct restore *r, struct mg_err *err)
{
	struct mg_str in = MG_STR_INIT;
	const struct hino *h;
	struct hino *v = NULL;
	struct rmsg *m;
	const char *name;
	size_t i, nv = 0, nrel = 0, todo = 0;
	int rc = -1;

	memset(&r->pf, 0, sizeof(r->pf));
	r->pf.hfd = -1;
	if (mg_pf_queue_directory(&r->a->target, &r->pf.qdir, err) < 0)
		return (-1);
	(void)snprintf(r->pf.hold, sizeof(r->pf.hold), "%s/hold", r->pf.qdir);
	r->pf.hfd = open(r->pf.hold, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (r->pf.hfd < 0) {
		(void)mg_err_errno(err, "cannot open %s", r->pf.hold);
		goto out;
	}
	if (owner_of(r->pf.hfd, r->pf.hold, &r->pf.uid, &r->pf.gid, err) < 0)
		goto out;
	remove_temps(r->pf.hfd, 0);
	if (pf_inodes(r, "restore-scan", &v, &nv, err) < 0)
		goto out;
	pf_found_placing(r, v, nv);
	decide(r, pf_place);
	pf_mark_release(r, v, nv);
	/* the inodes of the copies first, in one transaction: found by
	 * them whatever happens after the link */
	if (save(r, err) < 0)
		goto out;
	pf_link(r);
	if (save(r, err) < 0)
		goto out;
	mg_fault("restore-placed");
	for (i = 0; i < r->n; i++)
		todo += r->m[i].chosen && is_state(&r->m[i], "placed");
	if (todo > 0) {
		(void)fprintf(r->out, "giving them queue IDs (postsuper -s "
		    "hold)\n");
		if (postsuper(r, "-s", "hold", NULL, 0, err) < 0)
			goto out;
	}
	if (pf_inodes(r, "restore-rescan", &v, &nv, err) < 0)
		goto out;
	for (i = 0; i < r->n; i++) {
		m = &r->m[i];
		if (!m->chosen || !is_state(m, "placed"))
			continue;
		h = hold_find(v, nv, m->row.ino);
		if (h != NULL && !m->placed && !m->release && !is_ours(r, m,
		    h))
			h = NULL;
		name = h != NULL ? h->name : NULL;
		if (name == NULL && m->release) {
			/* deleted under us (a purge's postsuper -d still
			 * running): the quarantine has it for the next run */
			(void)fprintf(r->out, "  %s vanished from hold while "
			    "being released: run the rollback again\n",
			    m->row.id);
			free(m->row.state);
			m->row.state = NULL;
			m->dirty = 1;
			not_done(r, m);
			continue;
		}
		if (name == NULL && m->placed) {
			/* put back by this run: it is somewhere; never
			 * journaled back while not found */
			(void)fprintf(r->out, "  %s put back in hold/ but not "
			    "found there by its inode: run the rollback "
			    "again\n", m->row.id);
			not_done(r, m);
			continue;
		}
		if (name == NULL) {
			/* released by an earlier run (and maybe delivered) */
			set_state(m, "back", NULL);
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
				r->res->kept_held += m->row.held != 0;
			}
		}
		if (m->row.held) {
			set_state(m, "back", name);
			continue;
		}
		mg_str_printf(&in, "%s\n", name);
		free(m->row.new_id);
		m->row.new_id = mg_xstrdup(name);
		m->dirty = 1;
		m->release = 1;
		nrel++;
	}
	if (save(r, err) < 0)
		goto out;
	if (nrel > 0) {
		(void)fprintf(r->out, "releasing %zu from the hold queue "
		    "(postsuper -H -)\n", nrel);
		if (mg_fault_fail("restore-release")) {
			(void)mg_err_set(err, "postsuper -H: failed "
			    "(MAILGUARD_TEST_FAIL_AT)");
			goto out;
		}
		if (postsuper(r, "-H", "-", in.data, in.len, err) < 0)
			goto out;
	}
	mg_fault("restore-released");
	for (i = 0; i < r->n; i++) {
		if (!r->m[i].release)
			continue;
		set_state(&r->m[i], "back", NULL);
		r->res->released += r->m[i].from_live;
	}
	rc = save(r, err);
out:
	if (r->pf.hfd >= 0)
		(void)close(r->pf.hfd);
	free(r->pf.qdir);
	free(v);
	mg_str_free(&in);
	return (rc);
}

/* --- Exim -------------------------------------------------------- */

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
ex_dirfd(struct restore *r, const char *id, int create, char *dname,
    size_t size, struct mg_err *err)
{
	struct stat st;
	char x[2];
	int fd, made = 0;

	(void)snprintf(dname, size, "%s", r->ex.input);
	if (!r->ex.split || strlen(id) <= 5) {
		if ((fd = fcntl(r->ex.ifd, F_DUPFD_CLOEXEC, 0)) < 0)
			return (mg_err_errno(err, "cannot open %s", dname));
		return (fd);
	}
	x[0] = id[5];
	x[1] = '\0';
	(void)snprintf(dname, size, "%s/%s", r->ex.input, x);
	if (create) {
		if (mkdirat(r->ex.ifd, x, 0750) == 0)
			made = 1;
		else if (errno != EEXIST)
			return (mg_err_errno(err, "cannot create %s", dname));
	}
	fd = openat(r->ex.ifd, x, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (fd < 0)
		return (mg_err_errno(err, "cannot open %s (a directory, not "
		    "a symbolic link)", dname));
	if ((made && fchown(fd, r->ex.uid, r->ex.gid) < 0) || fstat(fd,
	    &st) < 0) {
		(void)mg_err_errno(err, "cannot set the owner of %s", dname);
		(void)close(fd);
		return (-1);
	}
	if (st.st_uid != r->ex.uid && st.st_uid != 0) {
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
ex_put(struct restore *r, int dfd, const char *dname, const char *name,
    int replace, struct mg_err *err)
{
	int fd, rc;

	if ((fd = quarantined(r, name)) < 0)
		return (errno == ENOENT || r->qfd < 0 ? 1 : mg_err_errno(err,
		    "cannot open the copy of %s", name));
	rc = mg_install_copy_at(dfd, dname, fd, name, FILE_MAX, 0640,
	    r->ex.uid, r->ex.gid, replace, NULL, err);
	(void)close(fd);
	if (rc > 0)
		rc = mg_err_set(err, "%s/%s exists", dname, name);
	return (rc);
}

/* ex_place - ID-D (a -D without its -H is no message to Exim), then
 * ID-H, never over an -H that is there; the ID stays */
static int
ex_place(struct restore *r, struct rmsg *m)
{
	char dname[PATH_MAX + 8], name[256];
	struct mg_err err;
	int dfd, rc;

	(void)snprintf(name, sizeof(name), "%s-H", m->row.id);
	if (r->qfd < 0 || faccessat(r->qfd, name, F_OK, AT_EACCESS) < 0)
		return (1);	/* never quarantined completely */
	if ((dfd = ex_dirfd(r, m->row.id, 1, dname, sizeof(dname),
	    &err)) < 0) {
		not_back(r, m, err.msg);
		return (-1);
	}
	(void)snprintf(name, sizeof(name), "%s-D", m->row.id);
	if ((rc = ex_put(r, dfd, dname, name, 1, &err)) == 0) {
		(void)snprintf(name, sizeof(name), "%s-H", m->row.id);
		rc = ex_put(r, dfd, dname, name, 0, &err);
	}
	(void)close(dfd);
	if (rc > 0)
		return (1);
	if (rc < 0) {
		not_back(r, m, err.msg);
		return (-1);
	}
	set_state(m, "placed", NULL);
	if (!m->row.held)
		m->release = 1;		/* the purge froze it */
	return (0);
}

/* ex_spooled - m's -H file is in input/ (input/X/): 1, 0, or -1 if the
 * directory cannot be read */
static int
ex_spooled(struct restore *r, const struct rmsg *m)
{
	char dname[PATH_MAX + 8], name[256];
	struct mg_err err;
	struct stat st;
	int dfd, rc;

	if ((dfd = ex_dirfd(r, m->row.id, 0, dname, sizeof(dname),
	    &err)) < 0)
		return (errno == ENOENT ? 0 : -1);
	(void)snprintf(name, sizeof(name), "%s-H", m->row.id);
	rc = fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 ? 1 :
	    errno == ENOENT ? 0 : -1;
	(void)close(dfd);
	return (rc);
}

/* exim_thaw - exim [-C FILE] -Mt ID..., BATCH at a time */
static int
exim_thaw(struct restore *r, char *const *ids, size_t n, struct mg_err *err)
{
	const char **argv;
	size_t i, k, base;
	int rc = 0;

	argv = mg_xcalloc(BATCH + 6, sizeof(*argv));
	for (i = 0; i < n; i += BATCH) {
		base = 0;
		argv[base++] = r->a->target.bin;
		if (r->a->target.config_file != NULL) {
			argv[base++] = "-C";
			argv[base++] = r->a->target.config_file;
		}
		argv[base++] = "-Mt";
		for (k = 0; k < BATCH && i + k < n; k++)
			argv[base + k] = ids[i + k];
		argv[base + k] = NULL;
		if (run_tool(r, argv, NULL, 0, err) < 0)
			rc = -1;
	}
	free(argv);
	return (rc);
}

/* ex_earlier - rows "placed" by an earlier run: queued (thaw it if the
 * entry froze it), or gone from the queue: "placed" is saved only once
 * the -H is in place, so a message Exim no longer lists was delivered
 * or removed since - never put back twice; an -H that is there but not
 * listed is reported */
static void
ex_earlier(struct restore *r)
{
	struct rmsg *m;
	size_t i;

	for (i = 0; i < r->n; i++) {
		m = &r->m[i];
		if (!m->chosen || !is_state(m, "placed"))
			continue;
		if (m->live != NULL) {
			if (!m->row.held && is_held(m->live)) {
				m->release = 1;
				m->from_live = 1;
			} else
				set_state(m, "back", m->row.id);
			continue;
		}
		if (ex_spooled(r, m) != 0) {
			(void)fprintf(r->out, "  %s: its spool file is in %s "
			    "but Exim does not list it: not put back again\n",
			    m->row.id, r->ex.input);
			r->res->failed++;
			m->chosen = 0;
			continue;
		}
		set_state(m, "back", m->row.id);
		r->res->already++;
	}
}

/* restore_exim - put back, then thaw what the entry froze; rows
 * "placed" by an interrupted run are thawed, or back already */
static int
restore_exim(struct restore *r, struct mg_err *err)
{
	char *sdir = NULL, **ids;
	struct rmsg *m;
	size_t i, n = 0;
	int rc = -1;

	if (mg_exim_spool_directory(&r->a->target, &sdir, err) < 0)
		return (-1);
	memset(&r->ex, 0, sizeof(r->ex));
	(void)snprintf(r->ex.input, sizeof(r->ex.input), "%s/input", sdir);
	free(sdir);
	if ((r->ex.split = exim_split(&r->a->target, err)) < 0)
		return (-1);
	r->ex.ifd = open(r->ex.input, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC);
	if (r->ex.ifd < 0)
		return (mg_err_errno(err, "cannot open %s", r->ex.input));
	if (owner_of(r->ex.ifd, r->ex.input, &r->ex.uid, &r->ex.gid,
	    err) < 0)
		goto out;
	remove_temps(r->ex.ifd, 0);
	ex_earlier(r);
	decide(r, ex_place);
	if (save(r, err) < 0)
		goto out;
	mg_fault("restore-placed");
	/* thaw only what Exim now lists as frozen: -Mt on anything else
	 * is an error */
	if (load_live(r, err) < 0)
		goto out;
	for (i = 0; i < r->n; i++)
		if (r->m[i].release && !is_held(r->m[i].live))
			r->m[i].release = 0;
	ids = mg_xcalloc(r->n + 1, sizeof(*ids));
	for (i = 0; i < r->n; i++)
		if (r->m[i].release)
			ids[n++] = r->m[i].row.id;
	if (n > 0) {
		(void)fprintf(r->out, "thawing %zu (exim -Mt)\n", n);
		/* it carries on through a batch and fails if one ID failed
		 * (a spool file locked): judged per message below */
		(void)exim_thaw(r, ids, n, err);
	}
	free(ids);
	mg_fault("restore-released");
	/* back only what Exim no longer lists as frozen */
	if (load_live(r, err) < 0)
		goto out;
	for (i = 0; i < r->n; i++) {
		m = &r->m[i];
		if (!m->chosen || (!is_state(m, "placed") && !m->release))
			continue;
		if ((m->release || !m->row.held) && is_held(m->live)) {
			(void)fprintf(r->out, "  %s is still frozen (exim -Mt "
			    "failed): run the rollback again\n", m->row.id);
			not_done(r, m);
			set_state(m, "placed", NULL);
			continue;
		}
		set_state(m, "back", m->row.id);
		r->res->released += m->release && m->from_live;
	}
	rc = save(r, err);
out:
	(void)close(r->ex.ifd);
	return (rc);
}

/* --- common ------------------------------------------------------- */

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
	struct mg_jqmsg *rows = NULL;
	char **ids = NULL;
	size_t nids = 0, nrows = 0, i, k = 0;

	if (mg_journal_queue_ids(r->j, r->entry, &ids, &nids, err) < 0 ||
	    mg_journal_qmsgs(r->j, r->entry, &rows, &nrows, err) < 0) {
		for (i = 0; i < nids; i++)
			free(ids[i]);
		free(ids);
		return (-1);
	}
	r->m = mg_xcalloc(nids + 1, sizeof(*r->m));
	/* both sorted by ID (sqlite's BINARY collation is strcmp's) */
	for (i = 0; i < nids; i++) {
		while (k < nrows && strcmp(rows[k].id, ids[i]) < 0)
			k++;
		if (k < nrows && strcmp(rows[k].id, ids[i]) == 0) {
			r->m[r->n].row = rows[k];
			memset(&rows[k++], 0, sizeof(rows[0]));
			free(ids[i]);
		} else
			r->m[r->n].row.id = ids[i];
		r->n++;
	}
	free(ids);
	mg_jqmsgs_free(rows, nrows);
	return (0);
}

/* count_back - of the entry's messages, those back or never removed */
static size_t
count_back(const struct restore *r)
{
	size_t i, n = 0;

	for (i = 0; i < r->n; i++)
		n += is_state(&r->m[i], "back");
	return (n);
}

/*
 * mg_queue_restore - roll back purge or hold entry e (journal j open and
 * locked): what sel chooses (NULL: all) back in the queue, progress on
 * out; res counts.  0, or -1 with err (res says how far it got).
 */
int
mg_queue_restore(struct mg_session *a, struct mg_journal *j,
    const struct mg_jentry *e, const struct mg_qsel *sel, FILE *out,
    struct mg_restore_result *res, struct mg_err *err)
{
	struct restore r;
	char path[PATH_MAX], state[96];
	size_t i;
	int rc = -1;

	memset(res, 0, sizeof(*res));
	memset(&r, 0, sizeof(r));
	r.a = a;
	r.j = j;
	r.entry = e->id;
	r.out = out;
	r.res = res;
	r.qfd = -1;
	mg_queue_init(&r.q);
	if (!mg_queue_restorable(e))
		return (mg_err_set(err, "journal entry %ld is a %s: only a "
		    "purge or a hold puts mail back", e->id, e->action));
	if (load_rows(&r, err) < 0)
		return (-1);
	res->total = r.n;
	if (strcmp(e->action, "purge") == 0) {
		(void)snprintf(path, sizeof(path), "%s/quarantine/%ld",
		    a->target.state_dir, e->id);
		r.qfd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
		    O_CLOEXEC);
	}
	if (load_live(&r, err) < 0)
		goto out;
	choose(&r, sel);
	for (i = 0; i < r.n; i++)
		res->chosen += r.m[i].chosen;
	rc = a->target.mta == MG_MTA_POSTFIX ? restore_postfix(&r, err) :
	    restore_exim(&r, err);
	/* stopped by an error: put back in the spool or to be released,
	 * not back in the queue yet - the next run's */
	for (i = 0; rc < 0 && i < r.n; i++)
		if ((r.m[i].placed || r.m[i].release) && !is_state(&r.m[i],
		    "back"))
			not_done(&r, &r.m[i]);
	res->restored = res->placed + res->released;
	res->back = count_back(&r);
	if (r.log.len > 0)
		mg_print_sanitized_lines(out, mg_str_cstr(&r.log));
	(void)snprintf(state, sizeof(state), "restored (%zu of %zu)",
	    res->back, res->total);
	if (res->back > 0)
		(void)mg_journal_set(j, e->id, "state", state);
out:
	if (r.qfd >= 0)
		(void)close(r.qfd);
	for (i = 0; i < r.n; i++) {
		free(r.m[i].row.id);
		free(r.m[i].row.new_id);
		free(r.m[i].row.state);
	}
	free(r.m);
	free(r.live);
	mg_queue_free(&r.q);
	mg_str_free(&r.log);
	return (rc);
}
