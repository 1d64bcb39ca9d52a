/* mg_install.h - replace files as root safely: temp file in the same
 * directory, owner and mode of the file it replaces, fsync, rename. */
#ifndef MG_INSTALL_H
#define MG_INSTALL_H

#include <stddef.h>
#include <sys/types.h>

#include "mg_err.h"

/* A new version of a file, written beside it and not yet in place. */
struct mg_install {
	char *path;		/* the file to replace */
	char *tmp;		/* the written temp file; NULL once renamed */
};

int mg_install_prepare(struct mg_install *, const char *, const char *,
    size_t, mode_t, uid_t, gid_t, struct mg_err *);
int mg_install_commit(struct mg_install *, struct mg_err *);
int mg_install_commit_new(struct mg_install *, struct mg_err *);
void mg_install_abort(struct mg_install *);
int mg_install_file(const char *, const char *, size_t, mode_t, uid_t,
    gid_t, struct mg_err *);
#define MG_INSTALL_TMP 32	/* a temp file's name, ".mailguard.XXXXXX" */

int mg_install_copy_prepare(int, const char *, int, size_t, mode_t, uid_t,
    gid_t, char *, ino_t *, struct mg_err *);
int mg_install_copy_commit(int, const char *, const char *, const char *,
    int, struct mg_err *);
int mg_install_copy_at(int, const char *, int, const char *, size_t, mode_t,
    uid_t, gid_t, int, ino_t *, struct mg_err *);
int mg_install_copy(int, const char *, size_t, mode_t, uid_t, gid_t, int,
    ino_t *, struct mg_err *);
void mg_fault(const char *);
int mg_fault_fail(const char *);

#endif
