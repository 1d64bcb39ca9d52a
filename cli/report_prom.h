/* report_prom.h - the Prometheus emitter's pieces that tests call. */
#ifndef MG_REPORT_PROM_H
#define MG_REPORT_PROM_H

#include "../core/mg_str.h"

/* The top SASL users and clients by queued messages: at most this many
 * series each, however many senders a flood has. */
#define MG_PROM_TOP 10

void mg_prom_escape(struct mg_str *, const char *);

#endif
