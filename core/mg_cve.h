/* mg_cve.h - the table of published CVEs by upstream version (data/
 * cves.tsv, compiled in) and the version order it is read with. */
#ifndef MG_CVE_H
#define MG_CVE_H

#include <stddef.h>

#include "mg_err.h"
#include "mg_report.h"

/* One row: a CVE and one vulnerable range of upstream versions. */
struct mg_cve {
	char *mta;		/* "postfix", "exim" */
	char *id;		/* "CVE-2023-51766" */
	char *first;		/* first vulnerable version; NULL: any older */
	char *last;		/* last vulnerable version, inclusive */
	char *fixed;		/* the upstream release that fixes it */
	enum mg_severity severity;
	char *kind;		/* "version", "smuggling" */
	char *summary;
	char *source;		/* the vendor's advisory */
	char *aliases;		/* other ids a changelog names it by, comma-
				 * separated ("EXIM-Security-2026-05-01.1");
				 * NULL: none */
};

struct mg_cve_table {
	struct mg_cve *rows;
	size_t nrows, rows_cap;
};

int mg_cve_parse(const char *, struct mg_cve_table *, struct mg_err *);
int mg_cve_builtin(struct mg_cve_table *, struct mg_err *);
void mg_cve_table_free(struct mg_cve_table *);
int mg_version_cmp(const char *, const char *);
int mg_cve_affects(const struct mg_cve *, const char *);

#endif
