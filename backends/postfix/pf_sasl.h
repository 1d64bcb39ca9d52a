/* pf_sasl.h - who can log in to Postfix's smtpd with SASL, and how. */
#ifndef MG_PF_SASL_H
#define MG_PF_SASL_H

#include <stddef.h>

#include "../../core/mg_model.h"

/* The source of accounts listed from the host's account database. */
#define MG_PF_SASL_SYSTEM "system accounts"

void mg_pf_sasl_load(struct mg_model *);
int mg_pf_sasl_has_word(const char *, const char *);
int mg_pf_sasl_conf_parse(struct mg_model *, const struct mg_srcfile *);
size_t mg_pf_sasldb_parse(struct mg_model *, const char *, const char *);
void mg_pf_sasl_passwd(struct mg_model *, const char *, int);
const struct mg_param *mg_pf_saslauthd_parse(struct mg_model *,
    const struct mg_srcfile *);
size_t mg_pf_doveconf_parse(struct mg_model *, const char *);

#endif
