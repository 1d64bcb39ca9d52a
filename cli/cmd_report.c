/* cmd_report.c - "report [--json]": findings, worst first, with exit codes. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../checks/checks.h"
#include "../core/mg_json.h"
#include "../core/mg_sanitize.h"
#include "../engine/fix_preview.h"
#include "cmd.h"

/*
 * exit_code - 2 critical; else 4 when partial (something could not be
 * read for lack of permission: what is missing may be worse than what is
 * shown); else 1 high/medium/low, 0 info or nothing.  A critical finding
 * wins: the server is at least that bad, whatever else was not read.
 */
static int
exit_code(const struct mg_report *r)
{
	enum mg_severity w = mg_report_worst(r);

	if (r->nfindings > 0 && w == MG_SEV_CRITICAL)
		return (MG_EXIT_CRIT);
	if (r->npartial > 0)
		return (MG_EXIT_PARTIAL);
	if (r->nfindings == 0 || w == MG_SEV_INFO)
		return (MG_EXIT_OK);
	return (MG_EXIT_WARN);
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

/* print_json - the report --json document (README) */
static void
print_json(const struct mg_session *a)
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
	(void)fwrite(out.data, 1, out.len, stdout);
	mg_str_free(&out);
}

/* print_indented - sanitized text, each line indented */
static void
print_indented(const char *indent, const char *text)
{
	const char *p = text, *nl;
	char *line;

	while (*p != '\0') {
		nl = strchr(p, '\n');
		if (nl == NULL)
			nl = p + strlen(p);
		line = mg_xstrndup(p, (size_t)(nl - p));
		(void)fputs(indent, stdout);
		mg_print_sanitized(stdout, line);
		(void)fputc('\n', stdout);
		free(line);
		p = nl + (*nl != '\0');
	}
}

/* print_text - human-readable report */
static void
print_text(const struct mg_session *a)
{
	const struct mg_report *r = &a->report;
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_str s = MG_STR_INIT;
	size_t i, k, count[MG_SEV_CRITICAL + 1] = { 0 };
	int sev;

	(void)printf("%s %s, ", mg_backend_mta_name(a->model.mta),
	    a->model.version != NULL ? a->model.version : "?");
	mg_print_sanitized(stdout, mg_model_source(&a->model) != NULL ?
	    mg_model_source(&a->model) : "?");
	(void)printf("%s\n\n", a->model.config_generated ?
	    " (generated with update-exim4.conf into a private copy)" : "");
	for (i = 0; i < r->nfindings; i++) {
		f = &r->findings[i];
		count[f->severity]++;
		(void)printf("%-8s %-8s ", mg_severity_name(f->severity),
		    f->area);
		mg_print_sanitized(stdout, f->title);
		(void)printf("  [%s]\n", f->id);
		if (f->explanation != NULL)
			print_indented("    ", f->explanation);
		for (k = 0; k < f->nevidence; k++) {
			(void)fputs("    evidence: ", stdout);
			if (f->evidence[k].file != NULL) {
				mg_print_sanitized(stdout,
				    f->evidence[k].file);
				if (f->evidence[k].line > 0)
					(void)printf(":%u",
					    f->evidence[k].line);
				(void)fputs(": ", stdout);
			}
			mg_print_sanitized(stdout, f->evidence[k].text);
			(void)fputc('\n', stdout);
		}
		for (k = 0; k < f->nfix_ids; k++) {
			x = mg_report_find_fix(r, f->fix_ids[k]);
			(void)printf("    fix %s: ", f->fix_ids[k]);
			mg_print_sanitized(stdout, x != NULL && x->title !=
			    NULL ? x->title : "");
			(void)fputc('\n', stdout);
			if (x == NULL)
				continue;
			mg_str_reset(&s);
			mg_fix_preview(x, &s);
			print_indented("      ", mg_str_cstr(&s));
		}
		(void)fputc('\n', stdout);
	}
	mg_str_free(&s);
	for (i = 0; i < a->model.nwarnings; i++) {
		(void)fputs("warning from the MTA: ", stdout);
		mg_print_sanitized(stdout, a->model.warnings[i]);
		(void)fputc('\n', stdout);
	}
	for (i = 0; i < r->nunread; i++) {
		(void)fputs("not read: ", stdout);
		mg_print_sanitized(stdout, r->unread[i]);
		(void)fputc('\n', stdout);
	}
	if (r->npartial > 0)
		(void)printf("partial: %zu of the things above could not be "
		    "read for lack of permission - findings may be missing or "
		    "less severe than they are; run as root for the full "
		    "report\n", r->npartial);
	if (r->nfindings == 0) {
		for (k = 0; mg_check_at(k) != NULL; k++)
			;
		(void)printf("no findings (%zu checks ran)%s\n", k,
		    r->npartial > 0 ? ", partial" : "");
		return;
	}
	(void)printf("%zu findings:", r->nfindings);
	for (sev = MG_SEV_CRITICAL; sev >= MG_SEV_INFO; sev--)
		if (count[sev] > 0)
			(void)printf(" %zu %s", count[sev],
			    mg_severity_name((enum mg_severity)sev));
	(void)fputs(r->npartial > 0 ? " (partial)\n" : "\n", stdout);
}

/* cmd_report - report [--json] */
static int
cmd_report(struct mg_session *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	int ch, json = 0;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (ch != 'j')
			return (mg_cmd_usage_error("report", "unknown option "
			    "%s", argv[optind - 1]));
		json = 1;
	}
	if (optind < argc)
		return (mg_cmd_usage_error("report", "unexpected argument "
		    "\"%s\"", argv[optind]));
	if (mg_session_load(a) < 0) {
		(void)fputs("mailguard-tui: ", stderr);
		mg_print_sanitized(stderr, a->err.msg);
		(void)fputc('\n', stderr);
		return (MG_EXIT_UNREAD);
	}
	if (json)
		print_json(a);
	else
		print_text(a);
	mg_cmd_unfinished(a);
	return (exit_code(&a->report));
}

const struct mg_cmd_entry mg_cmd_report_entry = {
	.name = "report",
	.args = "[--json]",
	.summary = "findings, worst first",
	.options =
	    "exit 0 ok/info, 1 warning, 2 critical, 3 could not read,\n"
	    "4 partial: something unread for lack of permission,\n"
	    "findings may be missing (a critical finding still\n"
	    "exits 2)",
	.exec = cmd_report,
};
