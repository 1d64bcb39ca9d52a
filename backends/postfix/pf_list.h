/* pf_list.h - Postfix lists: elements separated by commas and whitespace. */
#ifndef MG_PF_LIST_H
#define MG_PF_LIST_H

#include <stddef.h>

int mg_pf_list_next(const char **, const char **, size_t *);

#endif
