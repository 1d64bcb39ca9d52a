/*
 * queue_act.h - the MTA-neutral helpers both backends' queue-action code
 * shares (the types the engine hands them are in queue_types.h).
 */
#ifndef MG_QUEUE_ACT_H
#define MG_QUEUE_ACT_H

#include <stdio.h>
#include <sys/types.h>

#include "../core/mg_err.h"
#include "../core/mg_str.h"
#include "queue_types.h"

void mg_qrun_progress(const struct mg_qrun *, unsigned, const char *,
    size_t, size_t);
void mg_qtime(const char *);
int mg_qrun_selected(const struct mg_qrun *, const char *);
size_t mg_qrun_index(const struct mg_qrun *, const char *);
int mg_qrun_tool(struct mg_qrun *, const char *const *, const char *,
    size_t, struct mg_err *);
void mg_qrun_ids_text(char *const *, size_t, struct mg_str *);
void mg_qrun_copied(struct mg_qrun *, const char *);
int mg_qfile_copy(int, const char *, const char *, struct mg_err *);
int mg_qfile_copy_at(int, const char *, int, const char *,
    struct mg_err *);
int mg_qfile_link_at(int, const char *, int, const char *, uid_t,
    struct mg_err *);
int mg_qfile_detach(int, const char *, const char *, struct mg_err *);
int mg_qfile_read(int, const char *, struct mg_str *);
int mg_qrun_open_quarantine(struct mg_qrun *, struct mg_err *);
int mg_qrun_sync(struct mg_qrun *, const char *const *, struct mg_err *);
int mg_qrun_syncfs(struct mg_qrun *, struct mg_err *);
void mg_qfault_after(const char *, size_t);
int mg_fsync_dir(const char *);
int mg_qmsg_held(const struct mg_qmsg *);

int mg_qrestore_load_live(struct mg_qrestore *, struct mg_err *);
int mg_qrestore_open_copy(const struct mg_qrestore *, const char *);
void mg_qrestore_set_state(struct mg_qrmsg *, const char *, const char *);
int mg_qrestore_is_state(const struct mg_qrmsg *, const char *);
int mg_qrestore_owner(int, const char *, uid_t *, gid_t *,
    struct mg_err *);
void mg_qrestore_placed(struct mg_qrestore *, struct mg_qrmsg *);
void mg_qrestore_not_done(struct mg_qrestore *, struct mg_qrmsg *);
void mg_qrestore_not_back(struct mg_qrestore *, const struct mg_qrmsg *,
    const char *);
void mg_qrestore_decide(struct mg_qrestore *,
    int (*)(struct mg_qrestore *, struct mg_qrmsg *));

#endif
