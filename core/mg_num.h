/* mg_num.h - the one bounded number parser, and durations ("2h"). */
#ifndef MG_NUM_H
#define MG_NUM_H

#include "mg_err.h"

int mg_parse_ulong(const char *, unsigned long, unsigned long,
    unsigned long *, struct mg_err *);
int mg_parse_duration(const char *, unsigned long *, struct mg_err *);

#endif
