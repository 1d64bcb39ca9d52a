/*
 * report_nagios.c - report --format nagios: a check plugin's output as the
 * monitoring-plugins development guidelines define it (one status line,
 * perfdata after "|", long text after it; exit 0/1/2/3).
 */
#include <stdio.h>
#include <string.h>

#include "../core/mg_exit.h"
#include "../core/mg_queue.h"
#include "../core/mg_sanitize.h"
#include "report_fmt.h"

#define TITLE_MAX 80	/* of a finding's title on the status line */

/* report_nagios_state - the plugin state word of an exit code */
const char *
report_nagios_state(int exit_code)
{
	switch (exit_code) {
	case MG_EXIT_OK:
		return ("OK");
	case MG_EXIT_WARN:
		return ("WARNING");
	case MG_EXIT_CRIT:
		return ("CRITICAL");
	default:
		return ("UNKNOWN");
	}
}

/*
 * report_nagios_exit - the plugin's exit code: the report's own, except
 * partial (4), which the plugin API does not have: a check that could not
 * read everything is UNKNOWN (3), as the guidelines' "could not perform
 * the check" is.
 */
int
report_nagios_exit(int exit_code)
{
	if (exit_code == MG_EXIT_PARTIAL)
		return (MG_EXIT_UNREAD);
	return (exit_code);
}

/*
 * plain - untrusted text on one plugin line: sanitized (control bytes and
 * invalid UTF-8 shown escaped), "|" (the perfdata separator) shown as
 * "/", cut at max bytes with "..."
 */
static void
plain(FILE *out, const char *text, size_t max)
{
	struct mg_str s = MG_STR_INIT;
	size_t i, n;

	mg_sanitize(&s, text, strlen(text));
	n = s.len;
	if (n > max) {
		n = max;
		/* Not inside a UTF-8 sequence. */
		while (n > 0 && ((unsigned char)s.data[n] & 0xc0) == 0x80)
			n--;
	}
	for (i = 0; i < n; i++)
		(void)fputc(s.data[i] == '|' ? '/' : s.data[i], out);
	if (n < s.len)
		(void)fputs("...", out);
	mg_str_free(&s);
}

/* report_queue_stats - messages, deferred ones and the largest sender's
 * share of q */
void
report_queue_stats(const struct mg_queue *q, time_t now,
    struct report_qstats *st)
{
	struct mg_qgrouping g;
	size_t i;

	memset(st, 0, sizeof(*st));
	st->messages = q->nmsgs;
	for (i = 0; i < q->nmsgs; i++) {
		if (q->msgs[i].queue == NULL)
			continue;
		if (strcmp(q->msgs[i].queue, "deferred") == 0 ||
		    (q->frozen_spool && strcmp(q->msgs[i].queue,
		    "frozen") != 0))
			st->deferred++;
	}
	if (q->nmsgs == 0)
		return;
	memset(&g, 0, sizeof(g));
	mg_queue_group(q, MG_QBY_SENDER, now, &g);
	if (g.ngroups > 0)
		st->top_share = (g.groups[0].count * 1000 + q->nmsgs / 2) /
		    q->nmsgs;
	mg_qgrouping_free(&g);
}

/* perf - one perfdata item, 'label'=value[UOM];warn;crit;min;max */
static void
perf(FILE *out, const char *label, const char *value, const char *warn,
    const char *crit, const char *max)
{
	(void)fprintf(out, " '%s'=%s;%s;%s;0;%s", label, value, warn, crit,
	    max);
}

/* perf_time - the report's own run time as perfdata, in seconds */
static void
perf_time(FILE *out, const struct report_opts *o)
{
	unsigned long ms = (unsigned long)(o->elapsed * 1000 + 0.5);
	char v[64];

	/* Integer arithmetic: the C locale's "." whatever LC_NUMERIC is. */
	(void)snprintf(v, sizeof(v), "%lu.%03lus", ms / 1000, ms % 1000);
	perf(out, "time", v, "", "", "");
}

/* status_line - "MAILGUARD STATE - summary | perfdata" */
static void
status_line(FILE *out, const struct mg_session *a,
    const struct report_opts *o, const size_t *count,
    const struct report_qstats *st)
{
	const struct mg_report *r = &a->report;
	const struct mg_queue *q = a->model.queue;
	const char *sep = "";
	char v[64];
	int sev;

	(void)fprintf(out, "MAILGUARD %s - ",
	    report_nagios_state(o->exit_code));
	if (r->nfindings == 0)
		(void)fputs("no findings", out);
	for (sev = MG_SEV_CRITICAL; sev >= MG_SEV_INFO; sev--) {
		if (count[sev] == 0)
			continue;
		(void)fprintf(out, "%s%zu %s", sep, count[sev],
		    mg_severity_name((enum mg_severity)sev));
		sep = ", ";
	}
	if (r->nfindings > 0) {
		/* Findings are sorted worst first. */
		(void)fputs(" (worst: ", out);
		plain(out, r->findings[0].title != NULL ?
		    r->findings[0].title : "", TITLE_MAX);
		(void)fputs(" [", out);
		plain(out, r->findings[0].id, TITLE_MAX);
		(void)fputs("])", out);
	}
	if (q == NULL)
		(void)fputs("; queue not read", out);
	else {
		(void)fprintf(out, "; queue %zu (%zu deferred)", q->nmsgs,
		    st->deferred);
		if (o->crit != NULL && mg_range_alert(o->crit, q->nmsgs))
			(void)fprintf(out, " hits --crit %s", o->crit->text);
		else if (o->warn != NULL &&
		    mg_range_alert(o->warn, q->nmsgs))
			(void)fprintf(out, " hits --warn %s", o->warn->text);
	}
	if (r->npartial > 0)
		(void)fprintf(out, "; partial: %zu not read", r->npartial);
	(void)fputs(" |", out);
	for (sev = MG_SEV_CRITICAL; sev >= MG_SEV_INFO; sev--) {
		(void)snprintf(v, sizeof(v), "%zu", count[sev]);
		perf(out, mg_severity_name((enum mg_severity)sev), v, "", "",
		    "");
	}
	if (q != NULL) {
		(void)snprintf(v, sizeof(v), "%zu", q->nmsgs);
		perf(out, "queue", v, o->warn != NULL ? o->warn->text : "",
		    o->crit != NULL ? o->crit->text : "", "");
		(void)snprintf(v, sizeof(v), "%zu", st->deferred);
		perf(out, "deferred", v, "", "", "");
		(void)snprintf(v, sizeof(v), "%zu.%zu%%", st->top_share / 10,
		    st->top_share % 10);
		perf(out, "top_sender_share", v, "", "", "100");
	}
	perf_time(out, o);
	(void)fputc('\n', out);
}

/*
 * report_emit_nagios - the status line, then one line per finding (worst
 * first), what the MTA warned about and what was not read
 */
int
report_emit_nagios(FILE *out, const struct mg_session *a,
    const struct report_opts *o)
{
	const struct mg_report *r = &a->report;
	const struct mg_finding *f;
	struct report_qstats st;
	size_t i, count[MG_SEV_CRITICAL + 1] = { 0 };

	if (!a->loaded) {
		(void)fputs("MAILGUARD UNKNOWN - configuration not read: ",
		    out);
		plain(out, a->err.msg, 300);
		(void)fputs(" |", out);
		perf_time(out, o);
		(void)fputc('\n', out);
		return (ferror(out) ? -1 : 0);
	}
	memset(&st, 0, sizeof(st));
	for (i = 0; i < r->nfindings; i++)
		count[r->findings[i].severity]++;
	if (a->model.queue != NULL)
		report_queue_stats(a->model.queue, a->model.now, &st);
	status_line(out, a, o, count, &st);
	for (i = 0; i < r->nfindings; i++) {
		f = &r->findings[i];
		(void)fprintf(out, "%s %s: ", mg_severity_name(f->severity),
		    f->area != NULL ? f->area : "");
		plain(out, f->title != NULL ? f->title : "", 200);
		(void)fputs(" [", out);
		plain(out, f->id, 80);
		(void)fputs("]", out);
		if (f->nevidence > 0 && f->evidence[0].file != NULL) {
			(void)fputs(" at ", out);
			plain(out, f->evidence[0].file, 200);
			if (f->evidence[0].line > 0)
				(void)fprintf(out, ":%u", f->evidence[0].line);
		}
		(void)fputc('\n', out);
	}
	for (i = 0; i < a->model.nwarnings; i++) {
		(void)fputs("warning from the MTA: ", out);
		plain(out, a->model.warnings[i], 200);
		(void)fputc('\n', out);
	}
	for (i = 0; i < r->nunread; i++) {
		(void)fputs("not read: ", out);
		plain(out, r->unread[i], 200);
		(void)fputc('\n', out);
	}
	return (ferror(out) ? -1 : 0);
}
