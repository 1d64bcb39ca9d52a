/*
 * mg_journal.c - the journal of applied changes.  The state directory
 * (default /var/lib/mailguard, mode 0700) holds journal.db (sqlite), the
 * backups (backups/ENTRY/SEQ: the exact bytes a file had, mode 0600) and
 * the lock file whose flock keeps two consoles from applying at once.
 * An entry is written "applying" before the first live file changes and
 * its backups are on disk (fsync'd) before that; an entry still
 * "applying" on a later run was interrupted, and its backups restore the
 * old configuration.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "../core/mg_file.h"
#include "../core/mg_install.h"
#include "../core/mg_secure_dir.h"
#include "mg_journal.h"

#define BACKUP_MAX (64u * 1024 * 1024)

static const char *schema =
    "CREATE TABLE IF NOT EXISTS entries ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT, time INTEGER NOT NULL,"
    " action TEXT NOT NULL, summary TEXT NOT NULL, state TEXT NOT NULL,"
    " step TEXT, diff TEXT, validation TEXT, proof TEXT, result TEXT,"
    " rebuild TEXT);"
    "CREATE TABLE IF NOT EXISTS files ("
    " entry INTEGER NOT NULL, seq INTEGER NOT NULL, path TEXT NOT NULL,"
    " backup TEXT, mode INTEGER, uid INTEGER, gid INTEGER,"
    " PRIMARY KEY (entry, seq));"
    "CREATE TABLE IF NOT EXISTS ids ("
    " entry INTEGER NOT NULL, queue_id TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS ignored ("
    " finding TEXT PRIMARY KEY, time INTEGER NOT NULL);"
    "CREATE TABLE IF NOT EXISTS qmsgs ("
    " entry INTEGER NOT NULL, queue_id TEXT NOT NULL,"
    " held INTEGER NOT NULL DEFAULT 0, ino INTEGER, new_id TEXT,"
    " state TEXT, PRIMARY KEY (entry, queue_id));"
    "CREATE TABLE IF NOT EXISTS installed ("
    " entry INTEGER NOT NULL, path TEXT NOT NULL, sha256 TEXT NOT NULL,"
    " text BLOB, PRIMARY KEY (entry, path));";

static char *col(sqlite3_stmt *, int);

/* db_err - the sqlite error, as ours */
static int
db_err(struct mg_journal *j, struct mg_err *err, const char *what)
{
	return (mg_err_set(err, "journal %s/journal.db: %s: %s", j->dir, what,
	    sqlite3_errmsg(j->db)));
}

/* make_dir - a directory only root can read (mode 0700) */
static int
make_dir(const char *path, struct mg_err *err)
{
	struct stat st;

	if (mkdir(path, 0700) < 0 && errno != EEXIST)
		return (mg_err_errno(err, "cannot create %s", path));
	if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return (mg_err_set(err, "%s is not a directory", path));
	return (0);
}

/*
 * mg_journal_open - open (creating) the journal in dir; with lock, take
 * the exclusive lock first and fail at once if another process holds it
 */
int
mg_journal_open(struct mg_journal *j, const char *dir, int lock,
    struct mg_err *err)
{
	char path[PATH_MAX];
	struct mg_err why;

	memset(j, 0, sizeof(*j));
	j->lockfd = -1;
	j->dir = mg_xstrdup(dir);
	if (make_dir(dir, err) < 0)
		goto fail;
	/* run as root, rows name files to restore and commands to run:
	 * a directory someone else can write is not ours */
	if (mg_secure_dir(dir, &why) < 0) {
		(void)mg_err_set(err, "state %s", why.msg);
		goto fail;
	}
	if (lock) {
		(void)snprintf(path, sizeof(path), "%s/lock", dir);
		j->lockfd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		if (j->lockfd < 0) {
			(void)mg_err_errno(err, "cannot open %s", path);
			goto fail;
		}
		if (flock(j->lockfd, LOCK_EX | LOCK_NB) < 0) {
			(void)mg_err_set(err, "another mailguard-tui is "
			    "applying a change right now (%s is locked); try "
			    "again when it has finished", path);
			goto fail;
		}
	}
	(void)snprintf(path, sizeof(path), "%s/journal.db", dir);
	if (sqlite3_open_v2(path, &j->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW, NULL) != SQLITE_OK) {
		(void)db_err(j, err, "open");
		goto fail;
	}
	/* 0600 as well as in a 0700 directory; where the link-safe chmod
	 * is not supported, the directory alone keeps others out */
	if (fchmodat(AT_FDCWD, path, 0600, AT_SYMLINK_NOFOLLOW) < 0)
		errno = 0;
	sqlite3_busy_timeout(j->db, 5000);
	if (sqlite3_exec(j->db, "PRAGMA synchronous = FULL;", NULL, NULL,
	    NULL) != SQLITE_OK || sqlite3_exec(j->db, schema, NULL, NULL,
	    NULL) != SQLITE_OK) {
		(void)db_err(j, err, "schema");
		goto fail;
	}
	return (0);
fail:
	mg_journal_close(j);
	return (-1);
}

/* mg_journal_close - close the database, release the lock */
void
mg_journal_close(struct mg_journal *j)
{
	if (j->db != NULL)
		(void)sqlite3_close(j->db);
	if (j->lockfd >= 0)
		(void)close(j->lockfd);
	free(j->dir);
	memset(j, 0, sizeof(*j));
	j->lockfd = -1;
}

/* mg_journal_begin - a new entry, state "applying"; its id, or -1 */
long
mg_journal_begin(struct mg_journal *j, const char *action,
    const char *summary, const char *diff, struct mg_err *err)
{
	sqlite3_stmt *st;
	long id;

	if (sqlite3_prepare_v2(j->db, "INSERT INTO entries (time, action, "
	    "summary, state, step, diff) VALUES (?, ?, ?, 'applying', "
	    "'begin', ?)", -1, &st, NULL) != SQLITE_OK)
		return (db_err(j, err, "insert"));
	(void)sqlite3_bind_int64(st, 1, (sqlite3_int64)time(NULL));
	(void)sqlite3_bind_text(st, 2, action, -1, SQLITE_TRANSIENT);
	(void)sqlite3_bind_text(st, 3, summary, -1, SQLITE_TRANSIENT);
	(void)sqlite3_bind_text(st, 4, diff, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(st) != SQLITE_DONE) {
		(void)sqlite3_finalize(st);
		return (db_err(j, err, "insert"));
	}
	(void)sqlite3_finalize(st);
	id = (long)sqlite3_last_insert_rowid(j->db);
	return (id);
}

/* mg_journal_set - one text column of an entry ("state", "step",
 * "validation", "proof", "result", "rebuild"); 0 or -1 */
int
mg_journal_set(struct mg_journal *j, long id, const char *column,
    const char *text)
{
	static const char *const ok[] = { "state", "step", "validation",
	    "proof", "result", "rebuild", NULL };
	char sql[128];
	sqlite3_stmt *st;
	size_t i;
	int rc;

	for (i = 0; ok[i] != NULL && strcmp(ok[i], column) != 0; i++)
		;
	if (ok[i] == NULL)
		return (-1);
	(void)snprintf(sql, sizeof(sql), "UPDATE entries SET %s = ? WHERE "
	    "id = ?", ok[i]);
	if (sqlite3_prepare_v2(j->db, sql, -1, &st, NULL) != SQLITE_OK)
		return (-1);
	(void)sqlite3_bind_text(st, 1, text, -1, SQLITE_TRANSIENT);
	(void)sqlite3_bind_int64(st, 2, id);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : -1;
	(void)sqlite3_finalize(st);
	return (rc);
}

/* rows_begin - open a transaction and prepare the statement that writes
 * its rows into *st; 0 or -1 with err (nothing left open) */
static int
rows_begin(struct mg_journal *j, const char *sql, sqlite3_stmt **st,
    struct mg_err *err)
{
	if (sqlite3_exec(j->db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK)
		return (db_err(j, err, "begin"));
	if (sqlite3_prepare_v2(j->db, sql, -1, st, NULL) != SQLITE_OK) {
		(void)sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
		return (db_err(j, err, "insert"));
	}
	return (0);
}

/* row_put - write the row bound to st and ready st for the next; on
 * failure the statement is finalized and the transaction rolled back */
static int
row_put(struct mg_journal *j, sqlite3_stmt *st, struct mg_err *err)
{
	if (sqlite3_step(st) != SQLITE_DONE) {
		(void)sqlite3_finalize(st);
		(void)sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
		return (db_err(j, err, "insert"));
	}
	(void)sqlite3_reset(st);
	return (0);
}

/* rows_commit - finalize st and commit what rows_begin opened */
static int
rows_commit(struct mg_journal *j, sqlite3_stmt *st, struct mg_err *err)
{
	(void)sqlite3_finalize(st);
	if (sqlite3_exec(j->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return (db_err(j, err, "commit"));
	return (0);
}

/* mg_journal_ids - the queue IDs an entry acts on, in one transaction;
 * 0 or -1 with err */
int
mg_journal_ids(struct mg_journal *j, long id, const char *const *ids,
    size_t n, struct mg_err *err)
{
	sqlite3_stmt *st;
	size_t i;

	if (rows_begin(j, "INSERT INTO ids (entry, queue_id) VALUES (?, ?)",
	    &st, err) < 0)
		return (-1);
	for (i = 0; i < n; i++) {
		(void)sqlite3_bind_int64(st, 1, id);
		(void)sqlite3_bind_text(st, 2, ids[i], -1, SQLITE_STATIC);
		if (row_put(j, st, err) < 0)
			return (-1);
	}
	return (rows_commit(j, st, err));
}

/* select_texts - the first column of sql's rows (bound to id when id > 0)
 * into *out (each and the array freed by the caller); 0 or -1 with err */
static int
select_texts(struct mg_journal *j, const char *sql, long id, char ***out,
    size_t *n, struct mg_err *err)
{
	sqlite3_stmt *st;
	const unsigned char *t;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(j->db, sql, -1, &st, NULL) != SQLITE_OK)
		return (db_err(j, err, "select"));
	if (id > 0)
		(void)sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW)
		if ((t = sqlite3_column_text(st, 0)) != NULL)
			*MG_ARRAY_PUSH(*out, *n, cap) =
			    mg_xstrdup((const char *)t);
	(void)sqlite3_finalize(st);
	return (0);
}

/* mg_journal_queue_ids - the queue IDs entry id acted on, sorted */
int
mg_journal_queue_ids(struct mg_journal *j, long id, char ***ids, size_t *n,
    struct mg_err *err)
{
	return (select_texts(j, "SELECT queue_id FROM ids WHERE entry = ? "
	    "ORDER BY queue_id", id, ids, n, err));
}

/* mg_journal_qmsgs - what the journal knows of entry id's messages
 * beyond their IDs (held before, restored), sorted by ID; the caller
 * frees with mg_jqmsgs_free */
int
mg_journal_qmsgs(struct mg_journal *j, long id, struct mg_jqmsg **out,
    size_t *n, struct mg_err *err)
{
	struct mg_jqmsg *m;
	sqlite3_stmt *st;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(j->db, "SELECT queue_id, held, ino, new_id, "
	    "state FROM qmsgs WHERE entry = ? ORDER BY queue_id", -1, &st,
	    NULL) != SQLITE_OK)
		return (db_err(j, err, "select"));
	(void)sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		m = MG_ARRAY_PUSH(*out, *n, cap);
		m->id = col(st, 0);
		m->held = sqlite3_column_int(st, 1);
		m->ino = (long long)sqlite3_column_int64(st, 2);
		m->new_id = col(st, 3);
		m->state = col(st, 4);
		if (m->id == NULL)
			m->id = mg_xstrdup("");
	}
	(void)sqlite3_finalize(st);
	return (0);
}

/* mg_journal_qmsgs_put - write (insert or replace) n message rows of
 * entry id in one transaction; 0 or -1 with err */
int
mg_journal_qmsgs_put(struct mg_journal *j, long id,
    const struct mg_jqmsg *m, size_t n, struct mg_err *err)
{
	sqlite3_stmt *st;
	size_t i;

	if (n == 0)
		return (0);
	if (rows_begin(j, "INSERT OR REPLACE INTO qmsgs (entry, queue_id, "
	    "held, ino, new_id, state) VALUES (?, ?, ?, ?, ?, ?)", &st,
	    err) < 0)
		return (-1);
	for (i = 0; i < n; i++) {
		(void)sqlite3_bind_int64(st, 1, id);
		(void)sqlite3_bind_text(st, 2, m[i].id, -1, SQLITE_STATIC);
		(void)sqlite3_bind_int(st, 3, m[i].held != 0);
		(void)sqlite3_bind_int64(st, 4, (sqlite3_int64)m[i].ino);
		(void)sqlite3_bind_text(st, 5, m[i].new_id, -1,
		    SQLITE_STATIC);
		(void)sqlite3_bind_text(st, 6, m[i].state, -1, SQLITE_STATIC);
		if (row_put(j, st, err) < 0)
			return (-1);
	}
	return (rows_commit(j, st, err));
}

/* mg_jqmsgs_free - rows of mg_journal_qmsgs */
void
mg_jqmsgs_free(struct mg_jqmsg *m, size_t n)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(m[i].id);
		free(m[i].new_id);
		free(m[i].state);
	}
	free(m);
}

/* mg_journal_ignored - the finding ids the operator chose to ignore,
 * sorted */
int
mg_journal_ignored(struct mg_journal *j, char ***ids, size_t *n,
    struct mg_err *err)
{
	return (select_texts(j, "SELECT finding FROM ignored ORDER BY "
	    "finding", 0, ids, n, err));
}

/* mg_journal_ignore - remember (on) or forget that finding id is
 * ignored; 0 or -1 with err */
int
mg_journal_ignore(struct mg_journal *j, const char *id, int on,
    struct mg_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(j->db, on ? "INSERT OR REPLACE INTO ignored "
	    "(finding, time) VALUES (?, ?)" : "DELETE FROM ignored WHERE "
	    "finding = ?", -1, &st, NULL) != SQLITE_OK)
		return (db_err(j, err, on ? "insert" : "delete"));
	(void)sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
	if (on)
		(void)sqlite3_bind_int64(st, 2, (sqlite3_int64)time(NULL));
	rc = sqlite3_step(st);
	(void)sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return (db_err(j, err, on ? "insert" : "delete"));
	return (0);
}

/*
 * mg_journal_backup_bytes - keep text (len bytes: what path held, read
 * once by the caller, who hashes and compares the same bytes) with mode
 * and owner for entry id; exists 0: path did not exist (restoring
 * removes it).  The backup is fsync'd before this returns.
 */
int
mg_journal_backup_bytes(struct mg_journal *j, long id, const char *path,
    int exists, const char *text, size_t len, mode_t mode, uid_t uid,
    gid_t gid, struct mg_err *err)
{
	char dir[PATH_MAX], bpath[PATH_MAX + 16];
	sqlite3_stmt *st;
	int seq, fd;

	if (sqlite3_prepare_v2(j->db, "SELECT COUNT(*) FROM files WHERE "
	    "entry = ?", -1, &st, NULL) != SQLITE_OK)
		return (db_err(j, err, "backup"));
	(void)sqlite3_bind_int64(st, 1, id);
	seq = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
	(void)sqlite3_finalize(st);
	(void)snprintf(dir, sizeof(dir), "%s/backups", j->dir);
	if (make_dir(dir, err) < 0)
		return (-1);
	(void)snprintf(dir, sizeof(dir), "%s/backups/%ld", j->dir, id);
	if (make_dir(dir, err) < 0)
		return (-1);
	(void)snprintf(bpath, sizeof(bpath), "%s/%d", dir, seq);
	if (exists) {
		if (len > BACKUP_MAX)
			return (mg_err_set(err, "%s is larger than %u bytes: "
			    "not changed", path, BACKUP_MAX));
		fd = open(bpath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
		    O_CLOEXEC, 0600);
		if (fd < 0 || (len > 0 && mg_write_all(fd, text, len) < 0) ||
		    fsync(fd) < 0) {
			(void)mg_err_errno(err, "backup %s", bpath);
			if (fd >= 0)
				(void)close(fd);
			return (-1);
		}
		if (close(fd) < 0)
			return (mg_err_errno(err, "backup %s", bpath));
	}
	if (sqlite3_prepare_v2(j->db, "INSERT INTO files (entry, seq, path, "
	    "backup, mode, uid, gid) VALUES (?, ?, ?, ?, ?, ?, ?)", -1, &st,
	    NULL) != SQLITE_OK)
		return (db_err(j, err, "backup"));
	(void)sqlite3_bind_int64(st, 1, id);
	(void)sqlite3_bind_int(st, 2, seq);
	(void)sqlite3_bind_text(st, 3, path, -1, SQLITE_TRANSIENT);
	if (exists)
		(void)sqlite3_bind_text(st, 4, bpath, -1, SQLITE_TRANSIENT);
	(void)sqlite3_bind_int(st, 5, exists ? (int)(mode & 07777) : 0);
	(void)sqlite3_bind_int64(st, 6, exists ? (sqlite3_int64)uid : -1);
	(void)sqlite3_bind_int64(st, 7, exists ? (sqlite3_int64)gid : -1);
	if (sqlite3_step(st) != SQLITE_DONE) {
		(void)sqlite3_finalize(st);
		return (db_err(j, err, "backup"));
	}
	(void)sqlite3_finalize(st);
	return (0);
}

/*
 * mg_journal_backup - keep path's exact bytes, mode and owner for entry
 * (a file that does not exist is recorded as such: restoring removes
 * it); the backup is fsync'd before this returns
 */
int
mg_journal_backup(struct mg_journal *j, long id, const char *path,
    struct mg_err *err)
{
	struct mg_str text = MG_STR_INIT;
	struct stat sb;
	int truncated = 0, exists, rc;

	exists = lstat(path, &sb) == 0;
	if (exists && !S_ISREG(sb.st_mode))
		return (mg_err_set(err, "%s is not a regular file: not "
		    "changed", path));
	if (exists) {
		if (mg_file_read(path, BACKUP_MAX, &text, &truncated,
		    err) < 0)
			return (-1);
		if (truncated) {
			mg_str_free(&text);
			return (mg_err_set(err, "%s is larger than %u bytes: "
			    "not changed", path, BACKUP_MAX));
		}
	}
	rc = mg_journal_backup_bytes(j, id, path, exists, text.data,
	    text.len, exists ? sb.st_mode : 0, exists ? sb.st_uid : 0,
	    exists ? sb.st_gid : 0, err);
	mg_str_free(&text);
	return (rc);
}

/* col - a text column, copied (NULL stays NULL) */
static char *
col(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return (t != NULL ? mg_xstrdup((const char *)t) : NULL);
}

/* load_files - the files of one entry */
static int
load_files(struct mg_journal *j, struct mg_jentry *e)
{
	struct mg_jfile *f;
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(j->db, "SELECT path, backup, mode, uid, gid "
	    "FROM files WHERE entry = ? ORDER BY seq", -1, &st, NULL) !=
	    SQLITE_OK)
		return (-1);
	(void)sqlite3_bind_int64(st, 1, e->id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		f = MG_ARRAY_PUSH(e->files, e->nfiles, e->files_cap);
		f->path = col(st, 0);
		f->backup = col(st, 1);
		f->mode = (unsigned)sqlite3_column_int(st, 2);
		f->uid = (long)sqlite3_column_int64(st, 3);
		f->gid = (long)sqlite3_column_int64(st, 4);
	}
	(void)sqlite3_finalize(st);
	return (0);
}

/*
 * mg_journal_entries - entries, oldest first: all (id 0), one (id > 0),
 * or, with incomplete, those an interrupted run left "applying" or
 * "rolling-back"
 */
int
mg_journal_entries(struct mg_journal *j, long id, int incomplete,
    struct mg_jentry **out, size_t *n, struct mg_err *err)
{
	struct mg_jentry *e;
	sqlite3_stmt *st;
	size_t cap = 0, i;

	*out = NULL;
	*n = 0;
	if (sqlite3_prepare_v2(j->db, "SELECT id, time, action, summary, "
	    "state, step, diff, validation, proof, result, rebuild FROM "
	    "entries WHERE (?1 = 0 OR id = ?1) AND (?2 = 0 OR state IN "
	    "('applying', 'rolling-back')) ORDER BY id", -1, &st,
	    NULL) != SQLITE_OK)
		return (db_err(j, err, "read"));
	(void)sqlite3_bind_int64(st, 1, id);
	(void)sqlite3_bind_int(st, 2, incomplete);
	while (sqlite3_step(st) == SQLITE_ROW) {
		e = MG_ARRAY_PUSH(*out, *n, cap);
		memset(e, 0, sizeof(*e));
		e->id = (long)sqlite3_column_int64(st, 0);
		e->time = (time_t)sqlite3_column_int64(st, 1);
		e->action = col(st, 2);
		e->summary = col(st, 3);
		e->state = col(st, 4);
		e->step = col(st, 5);
		e->diff = col(st, 6);
		e->validation = col(st, 7);
		e->proof = col(st, 8);
		e->result = col(st, 9);
		e->rebuild = col(st, 10);
	}
	(void)sqlite3_finalize(st);
	for (i = 0; i < *n; i++)
		if (load_files(j, &(*out)[i]) < 0)
			return (db_err(j, err, "read"));
	return (0);
}

/* mg_jentries_free - entries and their files */
void
mg_jentries_free(struct mg_jentry *v, size_t n)
{
	size_t i, k;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(v[i].action);
		free(v[i].summary);
		free(v[i].state);
		free(v[i].step);
		free(v[i].diff);
		free(v[i].validation);
		free(v[i].proof);
		free(v[i].result);
		free(v[i].rebuild);
		for (k = 0; k < v[i].nfiles; k++) {
			free(v[i].files[k].path);
			free(v[i].files[k].backup);
		}
		free(v[i].files);
	}
	free(v);
}

/* remove_temps - temp files an interrupted install left beside path
 * (mg_install_prepare names them .mailguard.XXXXXX) */
static void
remove_temps(const char *path, struct mg_str *log)
{
	char dir[PATH_MAX], tmp[PATH_MAX], full[2 * PATH_MAX];
	struct dirent *d;
	DIR *dp;

	(void)snprintf(tmp, sizeof(tmp), "%s", path);
	(void)snprintf(dir, sizeof(dir), "%s", dirname(tmp));
	if ((dp = opendir(dir)) == NULL)
		return;
	while ((d = readdir(dp)) != NULL) {
		if (strncmp(d->d_name, ".mailguard.", 11) != 0 ||
		    strlen(d->d_name) != 17)
			continue;
		(void)snprintf(full, sizeof(full), "%s/%s", dir, d->d_name);
		if (unlink(full) == 0)
			mg_str_printf(log, "removed %s (left by an "
			    "interrupted install)\n", full);
	}
	(void)closedir(dp);
}

/*
 * mg_journal_restore - put back the exact bytes, mode and owner every
 * file of the entry had (a file that did not exist is removed).  All new
 * versions are written first, then renamed in quick succession; log says
 * what was done.  0, or -1 with the first failure (the rest still tried).
 */
int
mg_journal_restore(struct mg_journal *j, const struct mg_jentry *e,
    struct mg_str *log, struct mg_err *err)
{
	return (mg_journal_restore_checked(j, e, NULL, NULL, log, err));
}

/*
 * mg_journal_restore_checked - mg_journal_restore, with check (if not
 * NULL) called once every new version is written, right before the
 * first rename: when it fails nothing is renamed or removed and this
 * returns -2 with its err (the files stay as they are)
 */
int
mg_journal_restore_checked(struct mg_journal *j, const struct mg_jentry *e,
    int (*check)(void *, struct mg_err *), void *arg, struct mg_str *log,
    struct mg_err *err)
{
	struct mg_install *in;
	struct mg_str text = MG_STR_INIT;
	struct mg_err e2;
	size_t i;
	int rc = 0, truncated;

	(void)j;
	in = mg_xcalloc(e->nfiles + 1, sizeof(*in));
	for (i = 0; i < e->nfiles; i++) {
		if (e->files[i].backup == NULL)
			continue;
		mg_str_reset(&text);
		if (mg_file_read(e->files[i].backup, BACKUP_MAX, &text,
		    &truncated, &e2) < 0 || mg_install_prepare(&in[i],
		    e->files[i].path, text.data != NULL ? text.data : "",
		    text.len, (mode_t)e->files[i].mode,
		    (uid_t)e->files[i].uid, (gid_t)e->files[i].gid, &e2) < 0) {
			if (rc == 0)
				*err = e2;
			rc = -1;
		}
	}
	mg_str_free(&text);
	if (rc == 0 && check != NULL) {
		mg_fault("restore-prepared");
		if (check(arg, &e2) < 0) {
			*err = e2;
			rc = -2;
		}
	}
	for (i = 0; rc == 0 && i < e->nfiles; i++) {
		if (e->files[i].backup == NULL) {
			if (unlink(e->files[i].path) < 0 && errno != ENOENT) {
				(void)mg_err_errno(err, "cannot remove %s",
				    e->files[i].path);
				rc = -1;
			} else
				mg_str_printf(log, "removed %s (it did not "
				    "exist before)\n", e->files[i].path);
			continue;
		}
		if (mg_install_commit(&in[i], &e2) < 0) {
			*err = e2;
			rc = -1;
		} else
			mg_str_printf(log, "restored %s from %s\n",
			    e->files[i].path, e->files[i].backup);
	}
	for (i = 0; i < e->nfiles; i++) {
		mg_install_abort(&in[i]);
		remove_temps(e->files[i].path, log);
	}
	free(in);
	return (rc);
}

/*
 * mg_journal_installed - what entry id installed as path (its bytes and
 * their SHA-256): a rollback refuses to restore over a file that no
 * longer holds them.  0 or -1 with err.
 */
int
mg_journal_installed(struct mg_journal *j, long id, const char *path,
    const char *sha256, const char *text, size_t len, struct mg_err *err)
{
	sqlite3_stmt *st;
	int rc;

	if (sqlite3_prepare_v2(j->db, "INSERT OR REPLACE INTO installed "
	    "(entry, path, sha256, text) VALUES (?, ?, ?, ?)", -1, &st,
	    NULL) != SQLITE_OK)
		return (db_err(j, err, "insert"));
	(void)sqlite3_bind_int64(st, 1, id);
	(void)sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	(void)sqlite3_bind_text(st, 3, sha256, -1, SQLITE_STATIC);
	(void)sqlite3_bind_blob(st, 4, text != NULL ? text : "", (int)len,
	    SQLITE_STATIC);
	rc = sqlite3_step(st);
	(void)sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return (db_err(j, err, "insert"));
	return (0);
}

/*
 * mg_journal_installed_get - the SHA-256 and bytes (NUL-terminated)
 * entry id installed as path, both for the caller to free; 1, or 0 when
 * the journal has none (an older entry, a file only rebuilt)
 */
int
mg_journal_installed_get(struct mg_journal *j, long id, const char *path,
    char **sha256, char **text)
{
	sqlite3_stmt *st;
	const void *b;
	int found = 0, n;

	*sha256 = *text = NULL;
	if (sqlite3_prepare_v2(j->db, "SELECT sha256, text FROM installed "
	    "WHERE entry = ? AND path = ?", -1, &st, NULL) != SQLITE_OK)
		return (0);
	(void)sqlite3_bind_int64(st, 1, id);
	(void)sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW &&
	    sqlite3_column_text(st, 0) != NULL) {
		*sha256 = col(st, 0);
		b = sqlite3_column_blob(st, 1);
		n = sqlite3_column_bytes(st, 1);
		*text = mg_xstrndup(b != NULL ? b : "", b != NULL ?
		    (size_t)n : 0);
		found = 1;
	}
	(void)sqlite3_finalize(st);
	return (found);
}

/*
 * mg_journal_later - the newest fix entry after id that changed path and
 * whose change may still be in place (applying, done, failed); 0 if none
 */
long
mg_journal_later(struct mg_journal *j, long id, const char *path)
{
	sqlite3_stmt *st;
	long later = 0;

	if (sqlite3_prepare_v2(j->db, "SELECT MAX(e.id) FROM entries e JOIN "
	    "files f ON f.entry = e.id WHERE e.id > ? AND f.path = ? AND "
	    "e.action = 'fix' AND e.state IN ('applying', 'done', "
	    "'failed', 'rolling-back')", -1, &st, NULL) != SQLITE_OK)
		return (0);
	(void)sqlite3_bind_int64(st, 1, id);
	(void)sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		later = (long)sqlite3_column_int64(st, 0);
	(void)sqlite3_finalize(st);
	return (later);
}
