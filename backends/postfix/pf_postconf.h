/* pf_postconf.h - postconf -n / -x / -d output into model parameters. */
#ifndef MG_PF_POSTCONF_H
#define MG_PF_POSTCONF_H

#include <stddef.h>

#include "../../core/mg_model.h"

void mg_pf_postconf_set(struct mg_param *, int, char *);
void mg_pf_postconf_parse(struct mg_model *, const char *, int);
void mg_pf_postconf_defaults(struct mg_model *, const char *);
int mg_pf_postconf_level_dependent(const struct mg_param *);
size_t mg_pf_postconf_level_resolve(struct mg_model *);

#endif
