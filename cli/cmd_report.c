/*
 * cmd_report.c - "report [--format F] [--output FILE]": findings, worst
 * first, in one of several formats, with the same exit code in each.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../checks/checks.h"
#include "../core/mg_install.h"
#include "../core/mg_json.h"
#include "../core/mg_queue.h"
#include "../core/mg_sanitize.h"
#include "../engine/fix_preview.h"
#include "cmd.h"
#include "report_fmt.h"

/*
 * The formats.  prometheus and sarif (report_prom.c, report_sarif.c) are
 * metrics and code-scanning documents; a metrics file is read by a
 * collector running as another user, so it is 0644, the rest 0600.
 */
static const struct report_fmt fmts[] = {
	{ "text", report_emit_text, 0600, 0 },
	{ "json", report_emit_json, 0600, 0 },
	{ "nagios", report_emit_nagios, 0600, 1 },
	{ "prometheus", report_emit_prometheus, 0644, 1 },
	{ "sarif", report_emit_sarif, 0600, 1 },
};

/* report_fmt_find - the format called name, or NULL */
const struct report_fmt *
report_fmt_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++)
		if (strcmp(fmts[i].name, name) == 0)
			return (&fmts[i]);
	return (NULL);
}

/*
 * report_exit_code - one rule for every format.  2 when a finding is
 * critical or the queue size hits --crit; else 3 when a queue threshold
 * was asked for but the queue could not be read (the check could not be
 * done); else 4 when partial (something could not be read for lack of
 * permission: what is missing may be worse than what is shown); else 1
 * when a finding is high/medium/low or the queue size hits --warn; else
 * 0 (info or nothing).  A critical finding wins: the server is at least
 * that bad, whatever else was not read.
 */
int
report_exit_code(const struct mg_session *a, const struct mg_range *warn,
    const struct mg_range *crit)
{
	const struct mg_report *r = &a->report;
	const struct mg_queue *q = a->model.queue;
	enum mg_severity w = mg_report_worst(r);
	int qwarn = 0, qcrit = 0;

	if (q != NULL) {
		qcrit = crit != NULL && mg_range_alert(crit, q->nmsgs);
		qwarn = warn != NULL && mg_range_alert(warn, q->nmsgs);
	}
	if ((r->nfindings > 0 && w == MG_SEV_CRITICAL) || qcrit)
		return (MG_EXIT_CRIT);
	if (q == NULL && (warn != NULL || crit != NULL))
		return (MG_EXIT_UNREAD);
	if (r->npartial > 0)
		return (MG_EXIT_PARTIAL);
	if (qwarn || (r->nfindings > 0 && w != MG_SEV_INFO))
		return (MG_EXIT_WARN);
	return (MG_EXIT_OK);
}

/* json_fix - one fix as data: edits and post-commands */
static void
json_fix(struct mg_json *j, const struct mg_fix *x)
{
	const struct mg_edit *e;
	size_t i, k;

	mg_json_object(j);
	mg_json_kv_string(j, "id", x->id);
	mg_json_kv_string(j, "title", x->title);
	mg_json_key(j, "edits");
	mg_json_array(j);
	for (i = 0; i < x->nedits; i++) {
		e = &x->edits[i];
		mg_json_object(j);
		mg_json_kv_string(j, "kind", e->kind == MG_EDIT_SET_PARAM ?
		    "set-param" : "replace");
		mg_json_kv_string(j, "file", e->file);
		mg_json_kv_int(j, "line", e->line);
		if (e->param != NULL)
			mg_json_kv_string(j, "param", e->param);
		mg_json_kv_string(j, "old", e->old_text);
		mg_json_kv_string(j, "new", e->new_text);
		mg_json_end(j);
	}
	mg_json_end(j);
	mg_json_key(j, "post_commands");
	mg_json_array(j);
	for (i = 0; i < x->npost; i++) {
		mg_json_array(j);
		for (k = 0; k < x->post[i].argc; k++)
			mg_json_string(j, x->post[i].argv[k]);
		mg_json_end(j);
	}
	mg_json_end(j);
	mg_json_end(j);
}

/* json_queue - "queue": its size, deferred messages and the largest
 * sender's share (%); null when it could not be read (unread says why) */
static void
json_queue(struct mg_json *j, const struct mg_session *a)
{
	struct report_qstats st;

	mg_json_key(j, "queue");
	if (a->model.queue == NULL) {
		mg_json_null(j);
		return;
	}
	report_queue_stats(a->model.queue, a->model.now, &st);
	mg_json_object(j);
	mg_json_key(j, "messages");
	mg_json_uint(j, st.messages);
	mg_json_key(j, "deferred");
	mg_json_uint(j, st.deferred);
	mg_json_key(j, "top_sender_share");
	mg_json_double(j, (double)st.top_share / 10);
	mg_json_end(j);
}

/* report_emit_json - the report --json document (README) */
int
report_emit_json(FILE *fp, const struct mg_session *a,
    const struct report_opts *o)
{
	const struct mg_report *r = &a->report;
	const struct mg_finding *f;
	struct mg_str out = MG_STR_INIT;
	struct mg_json j;
	size_t i, k;

	mg_json_init(&j, &out, 1);
	mg_json_object(&j);
	mg_json_kv_string(&j, "mta", mg_backend_mta_name(a->model.mta));
	mg_json_kv_string(&j, "version", a->model.version);
	mg_json_kv_string(&j, "config", mg_model_source(&a->model));
	mg_json_key(&j, "partial");
	mg_json_bool(&j, r->npartial > 0);
	json_queue(&j, a);
	mg_json_key(&j, "findings");
	mg_json_array(&j);
	for (i = 0; i < r->nfindings; i++) {
		f = &r->findings[i];
		mg_json_object(&j);
		mg_json_kv_string(&j, "id", f->id);
		mg_json_kv_string(&j, "severity",
		    mg_severity_name(f->severity));
		mg_json_kv_string(&j, "area", f->area);
		mg_json_kv_string(&j, "title", f->title);
		mg_json_kv_string(&j, "explanation", f->explanation);
		mg_json_key(&j, "evidence");
		mg_json_array(&j);
		for (k = 0; k < f->nevidence; k++) {
			mg_json_object(&j);
			mg_json_kv_string(&j, "text", f->evidence[k].text);
			mg_json_kv_string(&j, "file", f->evidence[k].file);
			mg_json_kv_int(&j, "line", f->evidence[k].line);
			mg_json_end(&j);
		}
		mg_json_end(&j);
		mg_json_key(&j, "fixes");
		mg_json_array(&j);
		for (k = 0; k < f->nfix_ids; k++)
			mg_json_string(&j, f->fix_ids[k]);
		mg_json_end(&j);
		mg_json_end(&j);
	}
	mg_json_end(&j);
	mg_json_key(&j, "fix_details");
	mg_json_array(&j);
	for (i = 0; i < r->nfixes; i++)
		json_fix(&j, &r->fixes[i]);
	mg_json_end(&j);
	mg_json_key(&j, "warnings");
	mg_json_array(&j);
	for (i = 0; i < a->model.nwarnings; i++)
		mg_json_string(&j, a->model.warnings[i]);
	mg_json_end(&j);
	mg_json_key(&j, "unread");
	mg_json_array(&j);
	for (i = 0; i < r->nunread; i++)
		mg_json_string(&j, r->unread[i]);
	mg_json_end(&j);
	mg_json_end(&j);
	(void)o;
	(void)fwrite(out.data, 1, out.len, fp);
	mg_str_free(&out);
	return (ferror(fp) ? -1 : 0);
}

/* print_indented - sanitized text, each line indented */
static void
print_indented(FILE *out, const char *indent, const char *text)
{
	const char *p = text, *nl;
	char *line;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		line = mg_xstrndup(p, (size_t)(nl - p));
		(void)fputs(indent, out);
		mg_print_sanitized(out, line);
		(void)fputc('\n', out);
		free(line);
		p = nl + (*nl != '\0');
	}
}

/* text_queue - with --warn/--crit, the queue size they were judged on */
static void
text_queue(FILE *out, const struct mg_session *a, const struct report_opts *o)
{
	const struct mg_queue *q = a->model.queue;

	if (o->warn == NULL && o->crit == NULL)
		return;
	if (q == NULL) {
		(void)fputs("queue: not read, so --warn/--crit could not be "
		    "judged\n", out);
		return;
	}
	(void)fprintf(out, "queue: %zu messages", q->nmsgs);
	if (o->crit != NULL && mg_range_alert(o->crit, q->nmsgs))
		(void)fprintf(out, ", hits --crit %s\n", o->crit->text);
	else if (o->warn != NULL && mg_range_alert(o->warn, q->nmsgs))
		(void)fprintf(out, ", hits --warn %s\n", o->warn->text);
	else
		(void)fputs(", within the thresholds\n", out);
}

/* report_emit_text - human-readable report */
int
report_emit_text(FILE *out, const struct mg_session *a,
    const struct report_opts *o)
{
	const struct mg_report *r = &a->report;
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_str s = MG_STR_INIT;
	size_t i, k, count[MG_SEV_CRITICAL + 1] = { 0 };
	int sev;

	(void)fprintf(out, "%s %s, ", mg_backend_mta_name(a->model.mta),
	    a->model.version != NULL ? a->model.version : "?");
	mg_print_sanitized(out, mg_model_source(&a->model) != NULL ?
	    mg_model_source(&a->model) : "?");
	(void)fprintf(out, "%s\n\n", a->model.config_generated ?
	    " (generated with update-exim4.conf into a private copy)" : "");
	for (i = 0; i < r->nfindings; i++) {
		f = &r->findings[i];
		count[f->severity]++;
		(void)fprintf(out, "%-8s %-8s ", mg_severity_name(f->severity),
		    f->area);
		mg_print_sanitized(out, f->title);
		(void)fprintf(out, "  [%s]\n", f->id);
		if (f->explanation != NULL)
			print_indented(out, "    ", f->explanation);
		for (k = 0; k < f->nevidence; k++) {
			(void)fputs("    evidence: ", out);
			if (f->evidence[k].file != NULL) {
				mg_print_sanitized(out,
				    f->evidence[k].file);
				if (f->evidence[k].line > 0)
					(void)fprintf(out, ":%u",
					    f->evidence[k].line);
				(void)fputs(": ", out);
			}
			mg_print_sanitized(out, f->evidence[k].text);
			(void)fputc('\n', out);
		}
		for (k = 0; k < f->nfix_ids; k++) {
			x = mg_report_find_fix(r, f->fix_ids[k]);
			(void)fprintf(out, "    fix %s: ", f->fix_ids[k]);
			mg_print_sanitized(out, x != NULL && x->title !=
			    NULL ? x->title : "");
			(void)fputc('\n', out);
			if (x == NULL)
				continue;
			mg_str_reset(&s);
			mg_fix_preview(x, &s);
			print_indented(out, "      ", mg_str_cstr(&s));
		}
		(void)fputc('\n', out);
	}
	mg_str_free(&s);
	for (i = 0; i < a->model.nwarnings; i++) {
		(void)fputs("warning from the MTA: ", out);
		mg_print_sanitized(out, a->model.warnings[i]);
		(void)fputc('\n', out);
	}
	for (i = 0; i < r->nunread; i++) {
		(void)fputs("not read: ", out);
		mg_print_sanitized(out, r->unread[i]);
		(void)fputc('\n', out);
	}
	if (r->npartial > 0)
		(void)fprintf(out, "partial: %zu of the things above could "
		    "not be read for lack of permission - findings may be "
		    "missing or less severe than they are; run as root for "
		    "the full report\n", r->npartial);
	if (r->nfindings == 0) {
		for (k = 0; mg_check_at(k) != NULL; k++)
			;
		(void)fprintf(out, "no findings (%zu checks ran)%s\n", k,
		    r->npartial > 0 ? ", partial" : "");
		text_queue(out, a, o);
		return (ferror(out) ? -1 : 0);
	}
	(void)fprintf(out, "%zu findings:", r->nfindings);
	for (sev = MG_SEV_CRITICAL; sev >= MG_SEV_INFO; sev--)
		if (count[sev] > 0)
			(void)fprintf(out, " %zu %s", count[sev],
			    mg_severity_name((enum mg_severity)sev));
	(void)fputs(r->npartial > 0 ? " (partial)\n" : "\n", out);
	text_queue(out, a, o);
	return (ferror(out) ? -1 : 0);
}

/* elapsed - seconds since start (CLOCK_MONOTONIC) */
static double
elapsed(const struct timespec *start)
{
	struct timespec now;

	(void)clock_gettime(CLOCK_MONOTONIC, &now);
	return ((double)(now.tv_sec - start->tv_sec) +
	    (double)(now.tv_nsec - start->tv_nsec) / 1e9);
}

/*
 * write_output - the document into path: written beside it under a
 * temporary name (O_EXCL, never through a symlink), fsync'd and renamed,
 * so a collector reads the old file or the new one, never half of one
 */
static int
write_output(const char *path, const char *data, size_t len, int mode)
{
	struct mg_err err;

	if (mg_install_file(path, data, len, (mode_t)mode, getuid(), getgid(),
	    &err) < 0) {
		(void)fputs("mailguard-tui: report: --output not written: ",
		    stderr);
		mg_print_sanitized(stderr, err.msg);
		(void)fputc('\n', stderr);
		return (-1);
	}
	return (0);
}

/*
 * output_usable - before the report's work: --output's directory exists
 * and can be written, and the name is not a symlink or something other
 * than a regular file.  write_output decides for good (as root, access()
 * says yes to a mode-0555 directory; rename may still fail).
 */
static int
output_usable(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	struct stat st;
	const char *why = NULL;

	if (slash == NULL)
		(void)snprintf(dir, sizeof(dir), ".");
	else if (slash == path)
		(void)snprintf(dir, sizeof(dir), "/");
	else
		(void)snprintf(dir, sizeof(dir), "%.*s", (int)(slash - path),
		    path);
	if (slash != NULL && slash[1] == '\0')
		why = "names a directory, not a file";
	else if (lstat(path, &st) == 0 && !S_ISREG(st.st_mode))
		why = S_ISLNK(st.st_mode) ? "is a symbolic link: name the "
		    "file itself" : "exists and is not a regular file";
	else if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		why = "is in no directory that exists";
	else if (access(dir, W_OK) < 0)
		why = "is in a directory this user cannot write";
	if (why == NULL)
		return (0);
	(void)fputs("mailguard-tui: report: --output ", stderr);
	mg_print_sanitized(stderr, path);
	(void)fprintf(stderr, " %s: nothing written\n", why);
	return (-1);
}

/* cmd_report - report [--format F] [--json] [--output FILE] [--warn R]
 * [--crit R] */
static int
cmd_report(struct mg_session *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "warn", required_argument, NULL, 'w' },
		{ "crit", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 }
	};
	const struct report_fmt *fmt = report_fmt_find("text");
	struct mg_range warn, crit;
	struct report_opts ro;
	struct timespec start;
	struct mg_err err;
	const char *output = NULL;
	char *buf = NULL;
	size_t len = 0;
	FILE *out;
	int ch, rc;

	(void)clock_gettime(CLOCK_MONOTONIC, &start);
	memset(&ro, 0, sizeof(ro));
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+:", opts, NULL)) != -1) {
		switch (ch) {
		case 'j':
			fmt = report_fmt_find("json");
			break;
		case 'f':
			if ((fmt = report_fmt_find(optarg)) != NULL)
				break;
			return (mg_cmd_usage_error("report", "unknown format "
			    "\"%s\" (text, json, nagios, prometheus, sarif)",
			    optarg));
		case 'o':
			if (optarg[0] == '\0')
				return (mg_cmd_usage_error("report", "--output "
				    "needs a file name"));
			output = optarg;
			break;
		case 'w':
		case 'c':
			if (mg_range_parse(optarg, ch == 'w' ? &warn : &crit,
			    &err) < 0)
				return (mg_cmd_usage_error("report", "--%s: %s",
				    ch == 'w' ? "warn" : "crit", err.msg));
			if (ch == 'w')
				ro.warn = &warn;
			else
				ro.crit = &crit;
			break;
		case ':':
			return (mg_cmd_usage_error("report", "%s needs a value",
			    argv[optind - 1]));
		default:
			return (mg_cmd_usage_error("report", "unknown option "
			    "%s", argv[optind - 1]));
		}
	}
	if (optind < argc)
		return (mg_cmd_usage_error("report", "unexpected argument "
		    "\"%s\"", argv[optind]));
	if (output != NULL && output_usable(output) < 0)
		return (MG_EXIT_CANTCREAT);
	if (mg_session_load(a) < 0) {
		(void)fputs("mailguard-tui: ", stderr);
		mg_print_sanitized(stderr, a->err.msg);
		(void)fputc('\n', stderr);
		if (!fmt->on_unread) {
			mg_cmd_unfinished(a);
			return (MG_EXIT_UNREAD);
		}
		/* A monitoring format says so in its own terms. */
		ro.exit_code = MG_EXIT_UNREAD;
		ro.now = time(NULL);
	} else {
		ro.exit_code = report_exit_code(a, ro.warn, ro.crit);
		ro.now = a->model.now;
	}
	ro.elapsed = elapsed(&start);
	if (output == NULL) {
		if (fmt->emit(stdout, a, &ro) < 0 || fflush(stdout) != 0) {
			(void)fputs("mailguard-tui: report: cannot write the "
			    "report to standard output\n", stderr);
			mg_cmd_unfinished(a);
			return (MG_EXIT_CANTCREAT);
		}
	} else {
		/* The whole document first: nothing is written when the
		 * emitter fails half way. */
		if ((out = open_memstream(&buf, &len)) == NULL) {
			(void)fputs("mailguard-tui: report: out of memory\n",
			    stderr);
			return (MG_EXIT_CANTCREAT);
		}
		rc = fmt->emit(out, a, &ro);
		if (fclose(out) != 0)
			rc = -1;
		if (rc < 0 || write_output(output, buf, len, fmt->mode) < 0) {
			free(buf);
			mg_cmd_unfinished(a);
			return (MG_EXIT_CANTCREAT);
		}
		free(buf);
	}
	/* interrupted runs, on stderr in every format and also when the
	 * configuration or the output failed */
	mg_cmd_unfinished(a);
	if (fmt->emit == report_emit_nagios)
		return (report_nagios_exit(ro.exit_code));
	return (ro.exit_code);
}

const struct mg_cmd_entry mg_cmd_report_entry = {
	.name = "report",
	.args = "[--format F] [--json] [--output FILE] [--warn R] [--crit R]",
	.summary = "findings, worst first",
	.options =
	    "--format text (default), json (--json), nagios,\n"
	    "prometheus (textfile collector), sarif (2.1.0)\n"
	    "--output FILE: written atomically (temp file beside\n"
	    "it, fsync, rename), mode 0600 (0644 for metrics)\n"
	    "--warn/--crit R: queue size thresholds in the\n"
	    "monitoring-plugins range syntax (10, 10:, ~:10,\n"
	    "10:20, @10:20)\n"
	    "exit, same in every format: 0 ok/info, 1 warning\n"
	    "(or queue hits --warn), 2 critical (or --crit),\n"
	    "3 could not read (or the queue, with --warn/--crit),\n"
	    "4 partial: something unread for lack of permission,\n"
	    "findings may be missing (a critical finding still\n"
	    "exits 2; nagios exits 3 UNKNOWN for 4), 73 report\n"
	    "not written (--output FILE or standard output)",
	.exec = cmd_report,
};
