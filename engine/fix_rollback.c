/*
 * fix_rollback.c - roll a journal entry back: a fix's files restored
 * byte for byte, rebuilt and reloaded; a purge's or hold's mail back in
 * the queue, once (queue_restore.c).  What it does goes to opts->out; why
 * it stopped, to err.
 */
#include <sys/stat.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/mg_install.h"
#include "../core/mg_sanitize.h"
#include "../core/mg_hash.h"
#include "../core/mg_str.h"
#include "fix_apply.h"
#include "fix_hash.h"
#include "fix_lock.h"
#include "fix_rollback.h"
#include "journal_check.h"
#include "mg_journal.h"
#include "queue_restore.h"

/* ask - 1 if the operator agreed before (yes) or says yes to question;
 * never yes unasked */
static int
ask(const struct mg_rollback_opts *o, const char *question)
{
	return (o->yes || (o->confirm != NULL && o->confirm(question)));
}

/*
 * mail_back - the mail of purge or hold entry e (what o->sel chooses,
 * NULL: all) back in the queue, once; says how many came back
 */
static enum mg_rollback_result
mail_back(struct mg_session *a, struct mg_journal *jr,
    const struct mg_jentry *e, const struct mg_rollback_opts *o,
    struct mg_err *err)
{
	struct mg_restore_result res;
	char q[128];
	int rc;

	if (!a->detected) {
		if (mg_backend_detect(&a->opts, &a->target, &a->err) < 0) {
			(void)mg_err_set(err, "%s", a->err.msg);
			return (MG_ROLLBACK_UNREAD);
		}
		a->detected = 1;
	}
	if (geteuid() != 0) {
		(void)mg_err_set(err, "putting mail back in the queue needs "
		    "root: nothing changed");
		return (MG_ROLLBACK_NOPERM);
	}
	(void)snprintf(q, sizeof(q), "Put the mail of journal entry %ld back "
	    "in the queue?", e->id);
	if (!ask(o, q))
		return (MG_ROLLBACK_DECLINED);
	mg_err_clear(err);
	/* killed from here on, the entry says so and the next run offers
	 * to finish; a run that ends sets the state it earned */
	(void)mg_journal_set(jr, e->id, "state", "rolling-back");
	memset(&res, 0, sizeof(res));
	rc = mg_queue_restore(&a->target, jr, e, o->sel, o->out, &res, err);
	/* failed (rc < 0): "rolling-back" stays, the rollback unfinished */
	if (rc < 0)
		;
	else if (res.back == 0 && strcmp(e->state, "rolling-back") != 0)
		(void)mg_journal_set(jr, e->id, "state", e->state);
	else if (res.back == 0) {
		(void)snprintf(q, sizeof(q), "restored (0 of %zu)", res.total);
		(void)mg_journal_set(jr, e->id, "state", q);
	}
	(void)fprintf(o->out, "restored %zu of %zu messages of journal entry "
	    "%ld (%zu from the quarantine, %zu released from hold",
	    res.restored, res.chosen, e->id, res.placed, res.released);
	if (res.kept_held > 0)
		(void)fprintf(o->out, ", %zu of them left on hold as before",
		    res.kept_held);
	(void)fprintf(o->out, "); %zu back already, %zu never left the queue, "
	    "%zu not found (delivered or removed before the %s)", res.already,
	    res.stayed, res.missing, e->action);
	if (res.failed > 0)
		(void)fprintf(o->out, ", %zu could not be put back",
		    res.failed);
	(void)fprintf(o->out, "\n");
	/* a failure out has explained message by message has no err */
	return (rc < 0 || res.failed > 0 ? MG_ROLLBACK_FAILED :
	    MG_ROLLBACK_DONE);
}

/* dir_of - a copy of path's directory (a directory itself if dir), or
 * NULL */
static char *
dir_of(const char *path, int dir)
{
	const char *slash;

	if (path == NULL)
		return (NULL);
	if (dir || (slash = strrchr(path, '/')) == NULL)
		return (dir ? mg_xstrdup(path) : NULL);
	return (mg_xstrndup(path, slash > path ? (size_t)(slash - path) : 1));
}

/* is_dir - does path name a directory? */
static int
is_dir(const char *path)
{
	struct stat st;

	return (path != NULL && stat(path, &st) == 0 && S_ISDIR(st.st_mode));
}

/* squeeze - v without its NULLs, NULL-terminated; the new count (v has
 * room for n + 1) */
static size_t
squeeze(char **v, size_t n)
{
	size_t i, k;

	for (i = 0, k = 0; i < n; i++)
		if (v[i] != NULL)
			v[k++] = v[i];
	v[k] = NULL;
	return (k);
}

/* table_files - the files of the lookup tables the live configuration
 * names (alias_maps, *_maps: source and compiled .db/.lmdb/.cdb), which
 * may lie outside its directories (/etc/aliases); copies, NULL-ended */
static char **
table_files(struct mg_session *a)
{
	static const char *const sfx[] = { "", ".db", ".lmdb", ".cdb" };
	struct mg_model own;
	struct mg_err why;	/* unread: only the config tree is trusted */
	const struct mg_model *m = &a->model;
	const char *name;
	char **v, p[PATH_MAX];
	size_t i, k, w, n = 0;

	mg_model_init(&own);
	if (!a->loaded) {
		if (!a->detected || mg_backend_load_config(&a->target, &own,
		    &why) < 0) {
			mg_model_free(&own);
			return (mg_xcalloc(1, sizeof(char *)));
		}
		m = &own;
	}
	v = mg_xcalloc(m->nmaps * 8 + 1, sizeof(char *));
	for (i = 0; i < m->nmaps; i++)
		for (w = 0; w < 2; w++) {
			name = w == 0 ? m->maps[i].name : m->maps[i].source;
			if (name == NULL || name[0] != '/')
				continue;
			for (k = 0; k < 4; k++) {
				(void)snprintf(p, sizeof(p), "%s%s", name,
				    sfx[k]);
				v[n++] = mg_xstrdup(p);
			}
		}
	v[n] = NULL;
	mg_model_free(&own);
	return (v);
}

/*
 * trusted_row - may the tool act on entry e as root?  Its files must lie
 * in the configuration this run was pointed at (or detected), or be one
 * of the table files that configuration names (read now from the live
 * server, not from the journal: a row cannot vouch for itself); its
 * rebuild commands be the MTA's own (journal_check.c); 0, or -1 with why
 */
static int
trusted_row(struct mg_session *a, const char *state_dir,
    const struct mg_jentry *e, struct mg_err *err)
{
	char *config[6], *tools[6], **files;
	struct mg_jtrust tr;
	size_t nc = 0, nt = 0, i;
	int rc;

	if (!a->detected && mg_backend_detect(&a->opts, &a->target,
	    &a->err) == 0)
		a->detected = 1;
	if (a->detected) {
		config[nc++] = dir_of(a->target.config_dir, 1);
		config[nc++] = dir_of(a->target.config_file, 0);
		tools[nt++] = dir_of(a->target.bin, 0);
		tools[nt++] = dir_of(a->target.generator, 0);
	}
	config[nc++] = dir_of(a->opts.postfix_dir, 1);
	config[nc++] = dir_of(a->opts.exim_path, is_dir(a->opts.exim_path));
	tools[nt++] = dir_of(a->opts.exim_bin, 0);
	tools[nt++] = dir_of(a->opts.exim_generator, 0);
	nc = squeeze(config, nc);
	nt = squeeze(tools, nt);
	tr.config = (const char *const *)config;
	tr.tooldirs = (const char *const *)tools;
	files = table_files(a);
	tr.files = (const char *const *)files;
	rc = mg_journal_check_entry(&a->target, state_dir, &tr, e, err);
	for (i = 0; files[i] != NULL; i++)
		free(files[i]);
	free(files);
	for (i = 0; i < nc; i++)
		free(config[i]);
	for (i = 0; i < nt; i++)
		free(tools[i]);
	return (rc);
}

/*
 * already_back - a rollback of e was interrupted ("rolling-back") and
 * its file i already holds the bytes of its backup (or is gone, as it
 * was before): finishing it loses nothing
 */
static int
already_back(const struct mg_jentry *e, size_t i)
{
	char now[MG_SHA256_HEX], old[MG_SHA256_HEX];
	struct mg_err err;

	if (strcmp(e->state, "rolling-back") != 0 ||
	    mg_file_sha256(e->files[i].path, now, NULL, &err) < 0)
		return (0);
	if (e->files[i].backup == NULL)
		return (strcmp(now, "absent") == 0);
	return (mg_file_sha256(e->files[i].backup, old, NULL, &err) == 0 &&
	    strcmp(now, old) == 0);
}

/* forced - say (sanitized) what --force goes ahead over */
static void
forced(FILE *out, const char *what, const char *path)
{
	(void)fprintf(out, "--force: %s ", what);
	mg_print_sanitized(out, path);
	(void)fputs(" (that change is lost)\n", out);
}

/*
 * still_ours - every file entry e installed still holds what it
 * installed, and no later entry changed it: else restoring its backups
 * would silently discard that later change.  Each file is read once
 * into snaps[i] (the bytes judged; the restore checks them again right
 * before its renames).  0 (or with o->force: said and gone ahead), or -1
 * with err naming what changed, the difference on o->out.
 */
static int
still_ours(struct mg_journal *jr, const struct mg_jentry *e,
    const struct mg_rollback_opts *o, struct mg_file_snap *snaps,
    struct mg_err *err)
{
	const char *path;
	char *sha, *was;
	long later;
	size_t i;
	int c;

	for (i = 0; i < e->nfiles; i++) {
		path = e->files[i].path;
		later = mg_journal_later(jr, e->id, path);
		if (later > 0 && !o->force)
			return (mg_err_set(err, "journal entry %ld changed %s "
			    "after entry %ld: roll back %ld first (newest "
			    "first), or --force to lose its change: nothing "
			    "changed", later, path, e->id, later));
		if (later > 0)
			forced(o->out, "a later journal entry changed", path);
		if (mg_file_snap_take(&snaps[i], path, err) < 0)
			return (-1);
		if (!mg_journal_installed_get(jr, e->id, path, &sha, &was))
			continue;	/* rebuilt only, or an older entry */
		c = already_back(e, i) ? 0 : mg_file_snap_differs(&snaps[i],
		    path, sha, was, o->out);
		free(sha);
		free(was);
		if (c > 0 && !o->force)
			return (mg_err_set(err, "%s changed since journal "
			    "entry %ld installed it (shown above): nothing "
			    "changed; --force restores over that change, "
			    "which is then lost", path, e->id));
		if (c > 0)
			forced(o->out, "restoring over the change to", path);
	}
	return (0);
}

/* What the restore's last check compares. */
struct as_read {
	const struct mg_jentry *e;
	const struct mg_file_snap *snaps;
	FILE *out;
};

/*
 * still_as_read - called by the restore right before its renames: every
 * file is still the one still_ours read (inode, size, mtime, bytes).
 * 0; or -1 with err, the change shown, when another writer (one that
 * does not take our lock) got in since: restoring would lose it
 */
static int
still_as_read(void *arg, struct mg_err *err)
{
	const struct as_read *ar = arg;
	const char *path;
	size_t i;
	int c;

	for (i = 0; i < ar->e->nfiles; i++) {
		path = ar->e->files[i].path;
		if ((c = mg_file_snap_same(&ar->snaps[i], path, ar->out,
		    err)) < 0)
			return (-1);
		if (c == 0)
			return (mg_err_set(err, "%s changed while this "
			    "rollback was restoring it (shown above; another "
			    "writer that does not take mailguard-tui's lock): "
			    "nothing was restored, and that change is kept",
			    path));
	}
	return (0);
}

/*
 * lock_config - the lock on the configuration entry e changed: the
 * target's (as an apply takes it), or, when no MTA is found, the
 * directory of e's first file
 */
static int
lock_config(struct mg_session *a, const struct mg_jentry *e,
    struct mg_lock *lk, struct mg_err *err)
{
	struct mg_target t;
	char tmp[PATH_MAX];

	if (!a->detected && mg_backend_detect(&a->opts, &a->target,
	    &a->err) == 0)
		a->detected = 1;
	if (a->detected)
		return (mg_fix_lock(lk, &a->target, err));
	if (e->nfiles == 0) {
		lk->fd = -1;
		return (0);
	}
	memset(&t, 0, sizeof(t));
	(void)snprintf(tmp, sizeof(tmp), "%s", e->files[0].path);
	t.config_file = tmp;
	return (mg_fix_lock(lk, &t, err));
}

/*
 * files_back - fix entry e's files restored, rebuilt, reloaded; the
 * entry marked rolled-back
 */
static enum mg_rollback_result
files_back(struct mg_session *a, struct mg_journal *jr,
    const struct mg_jentry *e, const struct mg_rollback_opts *o,
    struct mg_err *err)
{
	struct mg_str log = MG_STR_INIT;
	struct mg_lock lk = { -1 };
	struct mg_file_snap *snaps;
	struct as_read ar;
	char q[128];
	enum mg_rollback_result rc = MG_ROLLBACK_DONE;
	size_t i;
	int r;

	if (strcmp(e->state, "rolled-back") == 0 ||
	    strcmp(e->state, "restored") == 0) {
		(void)fprintf(o->out, "journal entry %ld is already %s: "
		    "nothing to do\n", e->id, e->state);
		return (MG_ROLLBACK_DONE);
	}
	if (trusted_row(a, jr->dir, e, err) < 0)
		return (MG_ROLLBACK_UNREAD);
	/* the configuration itself, held until restored and reloaded */
	if (lock_config(a, e, &lk, err) < 0)
		return (MG_ROLLBACK_UNREAD);
	snaps = mg_xcalloc(e->nfiles + 1, sizeof(*snaps));
	if (still_ours(jr, e, o, snaps, err) < 0) {
		rc = MG_ROLLBACK_FAILED;
		goto out;
	}
	(void)snprintf(q, sizeof(q), "Restore the files journal entry %ld "
	    "changed?", e->id);
	if (!ask(o, q)) {
		rc = MG_ROLLBACK_DECLINED;
		goto out;
	}
	/* killed from here on, the entry says so (not "done"), and the
	 * next run offers to finish: rollback again */
	(void)mg_journal_set(jr, e->id, "state", "rolling-back");
	(void)mg_journal_set(jr, e->id, "step", "restoring");
	ar.e = e;
	ar.snaps = snaps;
	ar.out = o->out;
	if ((r = mg_journal_restore_checked(jr, e, still_as_read, &ar, &log,
	    err)) == -2) {
		/* nothing restored: the entry is as it was */
		(void)mg_journal_set(jr, e->id, "state", e->state);
		(void)mg_journal_set(jr, e->id, "step", e->step != NULL ?
		    e->step : "");
		rc = MG_ROLLBACK_FAILED;
		goto out;
	} else if (r < 0) {
		rc = MG_ROLLBACK_UNREAD;
		goto out;
	}
	(void)mg_journal_set(jr, e->id, "step", "restored");
	mg_fault("rollback-restored");
	if (mg_fix_rebuild(&a->target, e->rebuild, &log) < 0) {
		(void)mg_err_set(err, "files restored, but rebuilding or "
		    "reloading failed (see above)");
		rc = MG_ROLLBACK_UNREAD;
	}
	/* a server that does not reload through the post-commands (Exim:
	 * SIGHUP) is told by its backend */
	if (mg_session_load(a) == 0)
		mg_backend_reload(&a->target, &log);
	mg_print_sanitized_lines(o->out, mg_str_cstr(&log));
	(void)mg_journal_set(jr, e->id, "step", "reloaded");
	(void)mg_journal_set(jr, e->id, "state", "rolled-back");
	if (rc == MG_ROLLBACK_DONE)
		(void)fprintf(o->out, "journal entry %ld rolled back\n",
		    e->id);
out:
	for (i = 0; i < e->nfiles; i++)
		mg_file_snap_free(&snaps[i]);
	free(snaps);
	mg_str_free(&log);
	mg_config_unlock(&lk);
	return (rc);
}

/*
 * mg_fix_rollback - roll journal entry id (in state_dir) back; what it
 * did on o->out.  MG_ROLLBACK_DONE, or a result with err saying why
 * (empty when out said it: mail that could not be put back).
 */
enum mg_rollback_result
mg_fix_rollback(struct mg_session *a, const char *state_dir, long id,
    const struct mg_rollback_opts *o, struct mg_err *err)
{
	struct mg_journal jr;
	struct mg_jentry *v = NULL;
	size_t n = 0;
	enum mg_rollback_result rc = MG_ROLLBACK_UNREAD;

	mg_err_clear(err);
	if (mg_journal_open(&jr, state_dir, 1, err) < 0 ||
	    mg_journal_entries(&jr, id, 0, &v, &n, err) < 0)
		goto out;
	if (n != 1) {
		(void)mg_err_set(err, "no journal entry %ld (see: "
		    "mailguard-tui journal)", id);
		goto out;
	}
	if (mg_queue_restorable(&v[0]))
		rc = mail_back(a, &jr, &v[0], o, err);
	else if (o->mail_only)
		(void)mg_err_set(err, "journal entry %ld is no purge or hold: "
		    "nothing to put back", id);
	else
		rc = files_back(a, &jr, &v[0], o, err);
out:
	mg_jentries_free(v, n);
	mg_journal_close(&jr);
	return (rc);
}
