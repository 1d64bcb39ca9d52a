/* pf_master.h - master.cf services and their -o overrides, via postconf. */
#ifndef MG_PF_MASTER_H
#define MG_PF_MASTER_H

#include "../../core/mg_model.h"

void mg_pf_master_parse(struct mg_model *, const char *);
void mg_pf_master_overrides(struct mg_model *, const char *, int);
void mg_pf_master_locate(struct mg_model *, const struct mg_srcfile *);

#endif
