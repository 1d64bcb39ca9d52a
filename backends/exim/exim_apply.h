/* exim_apply.h - Exim's side of changing its configuration: validate a
 * stage, reload the daemon, the post-commands, its lists, its listener. */
#ifndef MG_EXIM_APPLY_H
#define MG_EXIM_APPLY_H

#include <stddef.h>

#include "../backend.h"

int mg_exim_validate(struct mg_target *, struct mg_change *,
    struct mg_err *);
int mg_exim_pid_file(const struct mg_target *, char *, size_t,
    struct mg_err *);
void mg_exim_reload(struct mg_target *, struct mg_str *);
void mg_exim_reload_words(const struct mg_target *, struct mg_str *);
const char *mg_exim_post_program(const struct mg_target *,
    const struct mg_cmd *);
int mg_exim_post_rebuilds(const struct mg_cmd *);
int mg_exim_sources_trusted(const char *, struct mg_err *);
int mg_exim_post_seen(const struct mg_cmd *);
char **mg_exim_list_items(const char *);
void mg_exim_sim_local(const char *, int, struct mg_str *);
void mg_exim_listener(const struct mg_model *, char *, size_t, int *);

#endif
