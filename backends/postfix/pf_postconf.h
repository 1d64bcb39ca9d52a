/* pf_postconf.h - postconf -n / -x output into model parameters. */
#ifndef MG_PF_POSTCONF_H
#define MG_PF_POSTCONF_H

#include "../../core/mg_model.h"

void mg_pf_postconf_parse(struct mg_model *, const char *, int);

#endif
