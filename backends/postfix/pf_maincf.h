/* pf_maincf.h - where each parameter is set in main.cf (file:line). */
#ifndef MG_PF_MAINCF_H
#define MG_PF_MAINCF_H

#include "../../core/mg_model.h"

void mg_pf_maincf_locate(struct mg_model *, const struct mg_srcfile *);

#endif
