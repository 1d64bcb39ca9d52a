/* exim_expand.h - Exim expansion strings read as Exim reads them. */
#ifndef MG_EXIM_EXPAND_H
#define MG_EXIM_EXPAND_H

#include <stddef.h>

#include "../../core/mg_str.h"

/* One part of an item ${NAME ...}: a bare word ("lsearch", "fail",
 * "def:tls_in_cipher") or a braced argument (the text inside the braces). */
struct mg_exim_part {
	int arg;
	const char *p;
	size_t len;
};

#define MG_EXIM_PARTS 16

/* An expansion item: "${lookup{k}lsearch{f}}", "${if ...}", "${lc:x}" or
 * the variable "${domain}". */
struct mg_exim_item {
	const char *name;
	size_t namelen;
	int var;		/* ${name}: a variable */
	int op;			/* ${name:text}: text is parts[0] */
	struct mg_exim_part parts[MG_EXIM_PARTS];
	size_t nparts;
	size_t len;		/* from "${" to its "}" */
};

/* A lookup in an expansion: ${lookup{KEY}TYPE{FILE}...}, a query-style
 * ${lookup TYPE{QUERY}...}, or a list item TYPE;FILE. */
struct mg_exim_lookup {
	char *type;		/* "lsearch", "partial-lsearch", "dsearch" */
	char *file;		/* the file or query, as written */
	char *vars;		/* the variables it depends on ("$domain"),
				 * NULL: a fixed name */
	int optional;		/* read only ${if exists{FILE}}: no file is
				 * no error */
};

int mg_exim_item(const char *, size_t, struct mg_exim_item *);
int mg_exim_lookups(const char *, struct mg_exim_lookup **, size_t *);
void mg_exim_lookups_free(struct mg_exim_lookup *, size_t);
int mg_exim_lookup_is_lsearch(const struct mg_exim_lookup *);
char *mg_exim_lsearch_path(const char *);
char *mg_exim_exists_list(const char *);
int mg_exim_eval_notls(const char *, struct mg_str *);
int mg_exim_eval_as(const char *, int, unsigned, struct mg_str *);
int mg_exim_truth(const char *);
int mg_exim_uses_condition(const char *, const char *);
char *mg_exim_option_value(const char *);

#endif
