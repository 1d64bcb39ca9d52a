/* fix_hash.h - did a file change since mailguard-tui read or wrote it?
 * Its SHA-256 then and now, and the difference shown. */
#ifndef MG_FIX_HASH_H
#define MG_FIX_HASH_H

#include <sys/stat.h>
#include <sys/types.h>

#include <stdio.h>
#include <time.h>

#include "../core/mg_err.h"
#include "../core/mg_hash.h"
#include "../core/mg_str.h"

void mg_text_diff(const char *, const char *, const char *, const char *,
    struct mg_str *);
int mg_file_changed(const char *, const char *, const char *, FILE *,
    struct mg_err *);

/* What a file held when it was read once: the bytes hashed, backed up
 * and compared are these, not a second read of the path. */
struct mg_file_snap {
	int exists;		/* 0: there was no such file */
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	mode_t mode;
	uid_t uid;
	gid_t gid;
	char sha256[MG_SHA256_HEX];	/* "absent" if !exists */
	struct mg_str text;
};

int mg_file_snap_take(struct mg_file_snap *, const char *, struct mg_err *);
int mg_file_snap_same(const struct mg_file_snap *, const char *, FILE *,
    struct mg_err *);
int mg_file_snap_differs(const struct mg_file_snap *, const char *,
    const char *, const char *, FILE *);
void mg_file_snap_free(struct mg_file_snap *);

#endif
