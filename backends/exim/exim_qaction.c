/*
 * exim_qaction.c - the Exim queue actions behind the backend seam
 * (docs/ARCHITECTURE.md): exim -Mf/-Mt on exact IDs; a purge freezes
 * them, copies each one's -H and -D files into the quarantine and
 * removes the copied ones with exim -Mrm, in batches.  A restore puts
 * ID-D, then ID-H into input/ (input/X/ with split_spool_directory) as
 * the Exim user, mode 0640; the ID stays; exim -Mt thaws it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../core/mg_exec.h"
#include "../../core/mg_install.h"
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

/*
 * batches - exim [-C FILE] OPT ID... for ids, as many at a time as
 * MG_PURGE_BATCH and the argument limit (execve(2): ARG_MAX counts the
 * strings and their pointers) allow, the output appended to log; each
 * batch told to p's progress bar (p may be NULL) as done + the IDs of
 * the batch of total; -1 if any batch failed (err says why)
 */
static int
batches(const struct mg_target *t, struct mg_str *log, const char *opt,
    char *const *ids, size_t n, const struct mg_qrun *p, unsigned step,
    const char *name, size_t done, size_t total, struct mg_err *err)
{
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
		if (mg_exec_tool(argv, NULL, 0, 600000, log, err) < 0)
			rc = -1;
		if (p != NULL)
			mg_qrun_progress(p, step, name, done + i + k, total);
	}
	free(argv);
	return (rc);
}

/* --- purge, freeze, thaw ------------------------------------------ */

/* exim_copy - ID's -H and -D (input/ or split input/X/) into the
 * quarantine; 0, 1 if gone, -1 */
static int
exim_copy(struct mg_qrun *p, int infd, const char *id, struct mg_err *err)
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
		if ((rc = mg_qfile_copy(infd, name, dst, err)) != 0)
			return (rc);
	}
	return (0);
}

/* remove_synced - the copies made since the last batch synced to disk,
 * then removed with exim -Mrm; 0, 1 if an exim -Mrm failed (err; the
 * purge goes on: still_queued counts what stayed), -1 if the sync
 * failed (err; nothing of the batch removed, the purge stops) */
static int
remove_synced(struct mg_target *t, struct mg_qrun *p, struct mg_err *err)
{
	static const char *const sfx[] = { "-H", "-D", NULL };
	size_t from = p->nsynced;
	int rc = 0;

	if (from == p->ncopied)
		return (0);
	if (mg_qrun_sync(p, sfx, err) < 0)
		return (-1);
	mg_fault("purge-copied");
	if (batches(t, &p->log, "-Mrm", p->copied + from, p->ncopied - from,
	    p, MG_QSTEP_DELETE, "delete", from, p->nids, err) < 0)
		rc = 1;
	mg_fault("purge-deleted");
	return (rc);
}

/*
 * mg_exim_purge - freeze (exim -Mf, thousands of IDs a call), then in
 * batches of MG_QSYNC_BATCH: copy into the quarantine, sync it, exim
 * -Mrm exactly the copied IDs
 */
int
mg_exim_purge(struct mg_target *t, struct mg_qrun *p, struct mg_err *err)
{
	char *sdir = NULL, path[PATH_MAX];
	struct mg_err e, rm;
	size_t i;
	int fd, rc = 0, failed = 0;

	if (mg_exim_spool_directory(t, &sdir, err) < 0)
		return (-1);
	(void)snprintf(path, sizeof(path), "%s/input", sdir);
	free(sdir);
	if (mg_qrun_open_quarantine(p, err) < 0)
		return (-1);
	(void)fprintf(p->out, "freezing %zu messages (exim -Mf)\n", p->nids);
	(void)batches(t, &p->log, "-Mf", (char *const *)p->ids, p->nids, p,
	    MG_QSTEP_HOLD, "freeze", 0, p->nids, &e);
	mg_fault("purge-held");
	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return (mg_err_errno(err, "cannot open %s", path));
	(void)fprintf(p->out, "quarantining and removing in batches of %d "
	    "(each synced to disk, then exim -Mrm)\n", MG_QSYNC_BATCH);
	for (i = 0; i <= p->nids && rc >= 0; i++) {
		if (i < p->nids && strlen(p->ids[i]) >= 6) {
			rc = exim_copy(p, fd, p->ids[i], &e);
			if (rc < 0)
				(void)fprintf(p->out, "  %s stays frozen: "
				    "%s\n", p->ids[i], e.msg);
			if (rc == 0)
				mg_qrun_copied(p, p->ids[i]);
		}
		rc = 0;
		/* a full batch, and the last; the copies are durable
		 * before any -Mrm */
		if (i == p->nids || p->ncopied - p->nsynced >=
		    MG_QSYNC_BATCH)
			rc = remove_synced(t, p, &rm);
		if (rc != 0) {
			*err = rm;
			failed = 1;
		}
	}
	(void)close(fd);
	(void)fprintf(p->out, "quarantined %zu in %s; exim -Mrm given %zu\n",
	    p->ncopied, p->qdir, p->nsynced);
	return (failed ? -1 : 0);
}

/* mg_exim_queue_act - exim -Mf (hold) or -Mt (release) on ids; Exim has
 * no requeue */
int
mg_exim_queue_act(struct mg_target *t, struct mg_qrun *p,
    enum mg_qaction act, char *const *ids, size_t n, const char *name,
    struct mg_err *err)
{
	if (act != MG_QA_HOLD && act != MG_QA_RELEASE)
		return (mg_err_set(err, "Exim has no requeue: release "
		    "(thaw) the messages and the next queue run retries "
		    "them"));
	if (n == 0)
		return (0);
	return (batches(t, &p->log, act == MG_QA_HOLD ? "-Mf" : "-Mt", ids,
	    n, p, 1, name, 0, n, err));
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
	char dname[PATH_MAX + 8], name[256];
	struct mg_err err;
	int dfd, rc;

	(void)snprintf(name, sizeof(name), "%s-H", m->id);
	if (r->qfd < 0 || faccessat(r->qfd, name, F_OK, AT_EACCESS) < 0)
		return (1);	/* never quarantined completely */
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
		m->release = 1;		/* the purge froze it */
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
	ex_earlier(r);
	mg_qrestore_decide(r, ex_place);
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
		    err);
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
	r->mta = NULL;
	return (rc);
}
