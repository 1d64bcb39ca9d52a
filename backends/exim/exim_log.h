/* exim_log.h - what an Exim mainlog line says about who sends mail. */
#ifndef MG_EXIM_LOG_H
#define MG_EXIM_LOG_H

#include <stddef.h>

#include "../../core/mg_maillog.h"

void mg_exim_log_line(struct mg_maillog *, const char *, size_t,
    const void *);

#endif
