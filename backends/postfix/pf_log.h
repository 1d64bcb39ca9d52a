/* pf_log.h - what a Postfix mail log line says about who sends mail. */
#ifndef MG_PF_LOG_H
#define MG_PF_LOG_H

#include <stddef.h>

#include "../../core/mg_maillog.h"

void mg_pf_log_line(struct mg_maillog *, const char *, size_t, const void *);

#endif
