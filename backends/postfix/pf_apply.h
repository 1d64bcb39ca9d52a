/* pf_apply.h - Postfix's side of changing its configuration: validate a
 * stage, the post-commands, its lists, its listener. */
#ifndef MG_PF_APPLY_H
#define MG_PF_APPLY_H

#include <stddef.h>

#include "../backend.h"

int mg_pf_validate(struct mg_target *, struct mg_change *, struct mg_err *);
size_t mg_pf_new_warnings(const char *, const char *, const char *,
    const char *, struct mg_str *);
void mg_pf_post_outputs(const struct mg_cmd *, char **, size_t *, size_t);
int mg_pf_post_rebuilds(const struct mg_cmd *);
int mg_pf_post_seen(const struct mg_cmd *);
const char *mg_pf_post_not_running(const struct mg_cmd *);
int mg_pf_stage_holds(const struct mg_target *, const char *);
char **mg_pf_list_items(const char *);
void mg_pf_sim_local(const char *, int, struct mg_str *);
void mg_pf_listener(const struct mg_model *, char *, size_t, int *);

#endif
