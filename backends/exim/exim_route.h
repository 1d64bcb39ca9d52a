/* exim_route.h - exim -bt as the judge of routing: which router takes an
 * address, or why none can. */
#ifndef MG_EXIM_ROUTE_H
#define MG_EXIM_ROUTE_H

#include "../../core/mg_model.h"

/* The table whose answers are exim -bt's: key an address, value the
 * router that took it, or "!" and why none could. */
#define MG_EXIM_ROUTES "exim:-bt"

/* A domain that is no one's (RFC 2606): a router that takes its
 * addresses takes those of every domain. */
#define MG_EXIM_FOREIGN "foreign.invalid"

/* A local part no one has: routed at the first local domain other than
 * localhost, whether Exim would bounce mail it accepted for it
 * (check_exim_backscatter). */
#define MG_EXIM_NOSUCH "mailguard-nosuchuser-q7x"

char **mg_exim_route_addrs(const struct mg_model *);
void mg_exim_route_addrs_free(char **);
void mg_exim_route_parse(struct mg_map *, const char *const *, const char *,
    const char *);
const char *mg_exim_route(const struct mg_model *, const char *);

#endif
