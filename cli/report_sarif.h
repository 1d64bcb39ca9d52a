/* report_sarif.h - the SARIF emitter's pieces that tests call. */
#ifndef MG_REPORT_SARIF_H
#define MG_REPORT_SARIF_H

#include "../core/mg_report.h"
#include "../core/mg_str.h"

#define MG_SARIF_SCHEMA "https://docs.oasis-open.org/sarif/sarif/v2.1.0/" \
	"errata01/os/schemas/sarif-schema-2.1.0.json"

const char *mg_sarif_level(enum mg_severity);
const char *mg_sarif_security_severity(enum mg_severity);
void mg_sarif_uri(struct mg_str *, const char *);

#endif
