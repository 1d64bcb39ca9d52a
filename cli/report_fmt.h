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
 * An emitter writes the whole document to out (stdout, or a memory
 * stream that cmd_report.c then writes atomically to --output's FILE)
 * and returns 0, or -1 when it could not (the caller also checks
 * ferror(out)).  Untrusted text (finding titles, file names, queue
 * addresses) is escaped for the format (sanitized in text and nagios).
 * An emitter whose table entry has on_unread set is also called when the
 * configuration could not be read: then the session's "loaded" is 0,
 * a->err.msg says why, a->model.queue is NULL and o->exit_code is
 * MG_EXIT_UNREAD (a plugin's UNKNOWN line, a metrics file saying the
 * configuration was not read); otherwise the report only says so on
 * stderr and exits 3.
 */
typedef int (*report_emit_fn)(FILE *, const struct mg_session *,
    const struct report_opts *);

struct report_fmt {
	const char *name;	/* "json": --format json */
	report_emit_fn emit;
	int mode;		/* --output FILE's mode: 0644 metrics, else
				 * 0600 */
	int on_unread;		/* also called when the configuration could
				 * not be read (a->loaded == 0) */
};

/* The queue as the formats summarize it (report_queue_stats). */
struct report_qstats {
	size_t messages;
	size_t deferred;	/* Postfix's deferred queue; in Exim's one
				 * spool, every message not frozen */
	size_t top_share;	/* the largest envelope sender's share of the
				 * queue, in tenths of a percent */
};

void report_queue_stats(const struct mg_queue *, time_t,
    struct report_qstats *);
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
