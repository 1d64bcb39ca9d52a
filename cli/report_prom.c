/*
 * report_prom.c - report --format prometheus: the text exposition format
 * read by node_exporter's textfile collector (gauges, no timestamps).
 */
#include <stdio.h>
#include <string.h>

#include "../core/mg_queue.h"
#include "../core/mg_utf8.h"
#include "report_fmt.h"
#include "report_prom.h"

/* The queues a Postfix instance has (postconf(5) queue_directory): each
 * is written, 0 when empty, so that a series does not vanish. */
static const char *const pf_queues[] = {
	"maildrop", "incoming", "active", "deferred", "hold", NULL
};

/* Exim's spool: messages waiting, and those frozen. */
static const char *const exim_queues[] = { "queued", "frozen", NULL };

/* hidden_cp - a code point the label keeps visibly escaped: C0, DEL, C1,
 * and bidi overrides and isolates (they reorder what a reader sees) */
static int
hidden_cp(unsigned int cp)
{
	return (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069));
}

/*
 * mg_prom_escape - append s as a label value.  Text from a queue is
 * untrusted: a control byte, a bidi override or a byte that is not UTF-8
 * (the format requires UTF-8) becomes the visible text \xHH, so the value
 * parses and a reader sees that something was there.  For that text to
 * be unambiguous a backslash of s is shown doubled first (the login
 * "a\xff" is the value a\\xff, the byte 0xff after "a" is a\xff: two
 * series, not one).  The value is then written with the exposition
 * format's escapes of backslash, double quote and line feed (\\ \" \n).
 */
void
mg_prom_escape(struct mg_str *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n = strlen(s), i = 0, len;
	unsigned int cp;

	while (i < n) {
		if (p[i] == '\\')	/* the value \\, each one escaped */
			mg_str_puts(out, "\\\\\\\\");
		else if (p[i] == '"')
			mg_str_puts(out, "\\\"");
		else if (p[i] == '\n')
			mg_str_puts(out, "\\n");
		else if (p[i] >= 0x20 && p[i] < 0x7f)
			mg_str_putc(out, p[i]);
		else {
			/* mg_utf8_decode: multi-byte sequences only */
			len = mg_utf8_decode(p + i, n - i, &cp);
			if (len == 0 || hidden_cp(cp)) {
				mg_str_printf(out, "\\\\x%02x", p[i]);
				i++;
				continue;
			}
			mg_str_append(out, s + i, len);
			i += len;
			continue;
		}
		i++;
	}
}

/* family - the # HELP and # TYPE lines that come before the samples */
static void
family(struct mg_str *out, const char *name, const char *type,
    const char *help)
{
	mg_str_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name,
	    type);
}

/* sample1 - NAME{LABEL="VALUE"} COUNT */
static void
sample1(struct mg_str *out, const char *name, const char *label,
    const char *value, unsigned long long count)
{
	mg_str_printf(out, "%s{%s=\"", name, label);
	mg_prom_escape(out, value);
	mg_str_printf(out, "\"} %llu\n", count);
}

/* info - the MTA, its version and configuration; whether partial */
static void
info(struct mg_str *out, const struct mg_session *a)
{
	const char *src = mg_model_source(&a->model);

	family(out, "mailguard_info", "gauge",
	    "The MTA, its version and the configuration read.");
	mg_str_printf(out, "mailguard_info{mta=\"%s\",version=\"",
	    mg_backend_mta_name(a->model.mta));
	mg_prom_escape(out, a->model.version != NULL ? a->model.version : "");
	mg_str_puts(out, "\",config=\"");
	mg_prom_escape(out, src != NULL ? src : "");
	mg_str_puts(out, "\"} 1\n");
	family(out, "mailguard_report_partial", "gauge",
	    "Whether something could not be read for lack of permission "
	    "(1): findings may be missing.");
	mg_str_printf(out, "mailguard_report_partial %d\n",
	    a->report.npartial > 0);
}

/* findings - by severity (all five, 0 included), then by id */
static void
findings(struct mg_str *out, const struct mg_report *r)
{
	const struct mg_finding *f;
	size_t count[MG_SEV_CRITICAL + 1] = { 0 };
	size_t i, k, n;
	int sev;

	for (i = 0; i < r->nfindings; i++)
		count[r->findings[i].severity]++;
	family(out, "mailguard_findings", "gauge",
	    "Findings of the last report by severity.");
	for (sev = MG_SEV_CRITICAL; sev >= MG_SEV_INFO; sev--)
		sample1(out, "mailguard_findings", "severity",
		    mg_severity_name((enum mg_severity)sev), count[sev]);
	if (r->nfindings == 0)
		return;
	family(out, "mailguard_finding", "gauge",
	    "Findings of the last report by id and severity: how many.");
	for (i = 0; i < r->nfindings; i++) {
		f = &r->findings[i];
		for (k = 0; k < i; k++)
			if (strcmp(r->findings[k].id, f->id) == 0 &&
			    r->findings[k].severity == f->severity)
				break;
		if (k < i)
			continue;	/* counted with the first */
		for (n = 0, k = i; k < r->nfindings; k++)
			if (strcmp(r->findings[k].id, f->id) == 0 &&
			    r->findings[k].severity == f->severity)
				n++;
		mg_str_puts(out, "mailguard_finding{id=\"");
		mg_prom_escape(out, f->id);
		mg_str_printf(out, "\",severity=\"%s\"} %zu\n",
		    mg_severity_name(f->severity), n);
	}
}

/* top - the MG_PROM_TOP groups with most messages; "(none)" (no SASL
 * login, no client: submitted locally) is not a user or a client */
static void
top(struct mg_str *out, const struct mg_queue *q, time_t now,
    enum mg_queue_by by, const char *name, const char *label,
    const char *help)
{
	struct mg_qgrouping g;
	size_t i, shown = 0;

	mg_queue_group(q, by, now, &g);
	for (i = 0; i < g.ngroups && shown < MG_PROM_TOP; i++) {
		if (strcmp(g.groups[i].key, "(none)") == 0)
			continue;
		if (shown++ == 0)
			family(out, name, "gauge", help);
		sample1(out, name, label, g.groups[i].key, g.groups[i].count);
	}
	mg_qgrouping_free(&g);
}

/* queue - messages by queue, and the top SASL users and clients */
static void
queue(struct mg_str *out, const struct mg_model *m)
{
	const struct mg_queue *q = m->queue;
	const char *const *names;
	size_t i, k, n;

	family(out, "mailguard_queue_readable", "gauge",
	    "Whether the mail queue could be read (1) or not (0).");
	mg_str_printf(out, "mailguard_queue_readable %d\n", q != NULL);
	if (q == NULL)
		return;
	names = q->frozen_spool ? exim_queues : pf_queues;
	family(out, "mailguard_queue_messages", "gauge",
	    "Messages in the mail queue by queue.");
	for (k = 0; names[k] != NULL; k++) {
		for (n = 0, i = 0; i < q->nmsgs; i++)
			if (q->msgs[i].queue != NULL &&
			    strcmp(q->msgs[i].queue, names[k]) == 0)
				n++;
		sample1(out, "mailguard_queue_messages", "queue", names[k], n);
	}
	top(out, q, m->now, MG_QBY_SASL, "mailguard_queue_sasl_user_messages",
	    "user", "Queued messages of the SASL users with the most "
	    "(top 10).");
	top(out, q, m->now, MG_QBY_CLIENT, "mailguard_queue_client_messages",
	    "client", "Queued messages of the clients with the most "
	    "(top 10).");
}

/*
 * report_emit_prometheus - the metrics of session a to fp.  a need not
 * be loaded: then mailguard_config_readable is 0 and nothing else is
 * known; mailguard_last_run_timestamp_seconds is written only by a
 * successful run, so that an alert on its age or absence fires when runs
 * keep failing.
 */
int
report_emit_prometheus(FILE *fp, const struct mg_session *a,
    const struct report_opts *o)
{
	const struct mg_report *r = &a->report;
	struct mg_str s = MG_STR_INIT;
	struct mg_str *out = &s;
	long long ms;
	int rc = 0;

	family(out, "mailguard_config_readable", "gauge",
	    "Whether the MTA configuration could be read (1) or not (0).");
	mg_str_printf(out, "mailguard_config_readable %d\n", a->loaded != 0);
	if (a->loaded) {
		family(out, "mailguard_last_run_timestamp_seconds", "gauge",
		    "When the last successful report ran, in seconds since "
		    "the epoch.");
		mg_str_printf(out, "mailguard_last_run_timestamp_seconds "
		    "%lld\n", (long long)o->now);
		family(out, "mailguard_run_duration_seconds", "gauge",
		    "How long the last successful report took.");
		/* milliseconds by hand: no locale's decimal comma */
		ms = o->elapsed > 0 ? (long long)(o->elapsed * 1000 + 0.5) : 0;
		mg_str_printf(out, "mailguard_run_duration_seconds "
		    "%lld.%03lld\n", ms / 1000, ms % 1000);
		family(out, "mailguard_exit_status", "gauge",
		    "The report's exit code: 0 ok, 1 warning, 2 critical, "
		    "4 partial.");
		mg_str_printf(out, "mailguard_exit_status %d\n", o->exit_code);
		info(out, a);
		findings(out, r);
		queue(out, &a->model);
	}
	if (fwrite(s.data, 1, s.len, fp) != s.len)
		rc = -1;
	mg_str_free(&s);
	return (rc);
}
