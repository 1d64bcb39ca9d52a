/* pf_maps.h - lookup tables named by the configuration, read via postmap. */
#ifndef MG_PF_MAPS_H
#define MG_PF_MAPS_H

#include "../../core/mg_err.h"
#include "../../core/mg_model.h"

int mg_pf_srcfile(struct mg_model *, const char *, struct mg_err *);
int mg_pf_map_ref(const char *, size_t, char *, size_t);
void mg_pf_maps_collect(struct mg_model *);
void mg_pf_maps_read(struct mg_model *, const char *);
void mg_pf_maps_ask_aliases(struct mg_model *, const char *);
size_t mg_pf_domains(const struct mg_model *, const char *, char **, size_t,
    size_t);
void mg_pf_map_parse_listing(struct mg_map *, const char *, int);
void mg_pf_map_parse_source(struct mg_map *, const struct mg_srcfile *);
void mg_pf_map_parse_answers(struct mg_map *, const char *,
    const char *const *, int);

#endif
