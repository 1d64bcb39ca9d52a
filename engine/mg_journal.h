/* mg_journal.h - what was changed, why, and the bytes it replaced:
 * sqlite in the state directory, backups beside it, one lock. */
#ifndef MG_JOURNAL_H
#define MG_JOURNAL_H

#include <sys/types.h>

#include <stddef.h>
#include <time.h>

#include "../core/mg_err.h"
#include "../core/mg_str.h"

struct sqlite3;

struct mg_journal {
	struct sqlite3 *db;
	char *dir;		/* the state directory */
	int lockfd;		/* held flock, or -1 */
};

/* One file an entry changed, and where its old bytes are. */
struct mg_jfile {
	char *path;
	char *backup;		/* NULL: the file did not exist */
	unsigned mode;
	long uid, gid;
};

struct mg_jentry {
	long id;
	time_t time;
	char *action;		/* "fix", "rollback", "purge" */
	char *summary;
	char *state;		/* "applying", "done", "failed", "restored",
				 * "rolling-back" (a rollback began: killed
				 * if still so), "rolled-back" */
	char *step;		/* the last step reached */
	char *diff, *validation, *proof, *result;
	char *rebuild;		/* commands that rebuild derived files after
				 * a restore: argv words split by \x1f,
				 * commands by \n */
	struct mg_jfile *files;
	size_t nfiles, files_cap;
};

/* What a queue entry (purge, hold) knows of one message beyond its ID:
 * for rolling it back exactly once. */
struct mg_jqmsg {
	char *id;		/* the queue ID the entry acted on */
	int held;		/* on hold (Exim: frozen) before the entry */
	long long ino;		/* Postfix: inode of the file put back in
				 * hold/, which postsuper -s renames */
	char *new_id;		/* the ID it is back under, or NULL */
	char *state;		/* NULL, "placed" (back in the queue, not
				 * yet released), "back" (done) */
};

int mg_journal_open(struct mg_journal *, const char *, int, struct mg_err *);
void mg_journal_close(struct mg_journal *);
long mg_journal_begin(struct mg_journal *, const char *, const char *,
    const char *, struct mg_err *);
int mg_journal_backup(struct mg_journal *, long, const char *,
    struct mg_err *);
int mg_journal_backup_bytes(struct mg_journal *, long, const char *, int,
    const char *, size_t, mode_t, uid_t, gid_t, struct mg_err *);
int mg_journal_ids(struct mg_journal *, long, const char *const *, size_t,
    struct mg_err *);
int mg_journal_queue_ids(struct mg_journal *, long, char ***, size_t *,
    struct mg_err *);
int mg_journal_qmsgs(struct mg_journal *, long, struct mg_jqmsg **, size_t *,
    struct mg_err *);
int mg_journal_qmsgs_put(struct mg_journal *, long, const struct mg_jqmsg *,
    size_t, struct mg_err *);
void mg_jqmsgs_free(struct mg_jqmsg *, size_t);
int mg_journal_ignored(struct mg_journal *, char ***, size_t *,
    struct mg_err *);
int mg_journal_ignore(struct mg_journal *, const char *, int,
    struct mg_err *);
int mg_journal_set(struct mg_journal *, long, const char *, const char *);
int mg_journal_entries(struct mg_journal *, long, int,
    struct mg_jentry **, size_t *, struct mg_err *);
void mg_jentries_free(struct mg_jentry *, size_t);
int mg_journal_restore(struct mg_journal *, const struct mg_jentry *,
    struct mg_str *, struct mg_err *);
int mg_journal_restore_checked(struct mg_journal *, const struct mg_jentry *,
    int (*)(void *, struct mg_err *), void *, struct mg_str *,
    struct mg_err *);
int mg_journal_installed(struct mg_journal *, long, const char *,
    const char *, const char *, size_t, struct mg_err *);
int mg_journal_installed_get(struct mg_journal *, long, const char *,
    char **, char **);
long mg_journal_later(struct mg_journal *, long, const char *);

#endif
