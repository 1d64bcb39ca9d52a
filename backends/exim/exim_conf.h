/* exim_conf.h - ACLs, drivers and named lists from "exim -bP config". */
#ifndef MG_EXIM_CONF_H
#define MG_EXIM_CONF_H

#include "../../core/mg_model.h"

char **mg_exim_macro_names(const char *);
void mg_exim_macro_names_free(char **);
void mg_exim_conf_parse(struct mg_model *, const char *);
void mg_exim_conf_locate(struct mg_model *, const struct mg_srcfile *,
    const char *const *);

#endif
