/* exim_list.h - Exim lists: separators, doubling, "<;" changes. */
#ifndef MG_EXIM_LIST_H
#define MG_EXIM_LIST_H

#include "../../core/mg_str.h"

struct mg_exim_list {
	const char *cur;
	char sep;		/* ':' unless the list starts "<X" */
};

void mg_exim_list_init(struct mg_exim_list *, const char *);
int mg_exim_list_next(struct mg_exim_list *, struct mg_str *);
int mg_exim_ipv6_broken(const char *);

#endif
