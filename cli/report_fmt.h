/*
 * report_fmt.h - the report's output formats: one emitter per --format,
 * listed in a table in cmd_report.c.
 */
#ifndef MG_REPORT_FMT_H
#define MG_REPORT_FMT_H

#include <stdio.h>
#include <time.h>

#include "../core/mg_exit.h"
#include "../core/mg_range.h"
#include "../engine/session.h"

/*
 * What every emitter gets besides the session (whose model holds the
 * configuration and model.queue, NULL when the queue was not read, and
 * whose report holds the findings).  The exit code is decided once, in
 * cmd_report.c, before any emitter runs, so that every format returns the
 * same one; an emitter may print it (nagios's state word) but not change
 * it.
 */
struct report_opts {
	int exit_code;		/* MG_EXIT_OK/WARN/CRIT/UNREAD/PARTIAL */
	double elapsed;		/* the report's own run time, seconds */
	time_t now;		/* when the report ran */
	const struct mg_range *warn;	/* --warn on the queue size; NULL */
	const struct mg_range *crit;	/* --crit on the queue size; NULL */
};

/*
 * An emitter writes the whole document to out (a temporary file when
 * --output is given, else stdout) and returns 0, or -1 when it could not
 * (the caller also checks ferror(out)).  Untrusted text (finding titles,
 * file names, queue addresses) is escaped for the format; on a terminal
 * the text format sanitizes it.
 */
typedef int (*report_emit_fn)(FILE *, const struct mg_session *,
    const struct report_opts *);

struct report_fmt {
	const char *name;	/* "json": --format json */
	report_emit_fn emit;
	int mode;		/* --output FILE's mode: 0644 metrics, else
				 * 0600 */
};

int report_exit_code(const struct mg_session *, const struct mg_range *,
    const struct mg_range *);
const struct report_fmt *report_fmt_find(const char *);

int report_emit_json(FILE *, const struct mg_session *,
    const struct report_opts *);
int report_emit_text(FILE *, const struct mg_session *,
    const struct report_opts *);
int report_emit_nagios(FILE *, const struct mg_session *,
    const struct report_opts *);
const char *report_nagios_state(int);
int report_nagios_exit(int);
/* In report_prom.c and report_sarif.c. */
int report_emit_prometheus(FILE *, const struct mg_session *,
    const struct report_opts *);
int report_emit_sarif(FILE *, const struct mg_session *,
    const struct report_opts *);

#endif
