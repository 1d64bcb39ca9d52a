/*
 * report_sarif.c - report --format sarif: SARIF 2.1.0 (OASIS), one rule
 * per finding id, each finding's file:line as its location, so that a
 * configuration kept in git can be scanned in CI.
 */
#include <stdio.h>
#include <string.h>

#include "../core/mg_json.h"
#include "report_fmt.h"
#include "report_sarif.h"

#define TOOL_NAME "mailguard-tui"
/* driver.informationUri: the project's home page, given at build time
 * (make CFLAGS+=-DMG_HOMEPAGE='"https://..."'); the project has no public
 * address yet, and SARIF makes it optional: none is made up. */

#ifndef MG_VERSION
#define MG_VERSION "0.0.0"
#endif

/* mg_sarif_level - SARIF 2.1.0 3.27.10 result.level from a severity:
 * critical and high are errors, medium and low warnings, info a note */
const char *
mg_sarif_level(enum mg_severity s)
{
	switch (s) {
	case MG_SEV_CRITICAL:
	case MG_SEV_HIGH:
		return ("error");
	case MG_SEV_MEDIUM:
	case MG_SEV_LOW:
		return ("warning");
	case MG_SEV_INFO:
		break;
	}
	return ("note");
}

/* mg_sarif_security_severity - the rule property code scanners (GitHub)
 * rank by: a CVSS-like score whose bands match our severities */
const char *
mg_sarif_security_severity(enum mg_severity s)
{
	switch (s) {
	case MG_SEV_CRITICAL:
		return ("9.5");
	case MG_SEV_HIGH:
		return ("8.0");
	case MG_SEV_MEDIUM:
		return ("5.5");
	case MG_SEV_LOW:
		return ("2.0");
	case MG_SEV_INFO:
		break;
	}
	return ("0.0");
}

/*
 * mg_sarif_uri - append path as a URI (RFC 3986): an absolute path
 * becomes file:///..., a relative one stays a relative reference; every
 * byte but the unreserved ones and '/' is percent-encoded, so a space or
 * a byte that is not ASCII in a file name cannot break the reference.
 */
void
mg_sarif_uri(struct mg_str *out, const char *path)
{
	const unsigned char *p = (const unsigned char *)path;

	if (*p == '/')
		mg_str_puts(out, "file://");
	for (; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~/", *p) != NULL)
			mg_str_putc(out, *p);
		else
			mg_str_printf(out, "%%%02X", *p);
	}
}

/* first_with_id - the index of the first finding with finding i's id */
static size_t
first_with_id(const struct mg_report *r, size_t i)
{
	size_t k;

	for (k = 0; k < i; k++)
		if (strcmp(r->findings[k].id, r->findings[i].id) == 0)
			break;
	return (k);
}

/* rule_index - finding i's rule: one rule per id, in order of first
 * appearance (the report is sorted worst first) */
static size_t
rule_index(const struct mg_report *r, size_t i)
{
	size_t k, first = first_with_id(r, i), idx = 0;

	for (k = 0; k < first; k++)
		if (first_with_id(r, k) == k)
			idx++;
	return (idx);
}

/* text_kv - "key": {"text": s} (SARIF's message and description) */
static void
text_kv(struct mg_json *j, const char *key, const char *s)
{
	mg_json_key(j, key);
	mg_json_object(j);
	mg_json_kv_string(j, "text", s != NULL && *s != '\0' ? s : "-");
	mg_json_end(j);
}

/* rules - tool.driver.rules: one per finding id */
static void
rules(struct mg_json *j, const struct mg_report *r)
{
	const struct mg_finding *f;
	size_t i;

	mg_json_key(j, "rules");
	mg_json_array(j);
	for (i = 0; i < r->nfindings; i++) {
		if (first_with_id(r, i) != i)
			continue;
		f = &r->findings[i];
		mg_json_object(j);
		mg_json_kv_string(j, "id", f->id);
		text_kv(j, "shortDescription", f->title);
		if (f->explanation != NULL)
			text_kv(j, "fullDescription", f->explanation);
		mg_json_key(j, "defaultConfiguration");
		mg_json_object(j);
		mg_json_kv_string(j, "level", mg_sarif_level(f->severity));
		mg_json_end(j);
		mg_json_key(j, "properties");
		mg_json_object(j);
		mg_json_key(j, "tags");
		mg_json_array(j);
		mg_json_string(j, "security");
		if (f->area != NULL)
			mg_json_string(j, f->area);
		mg_json_end(j);
		mg_json_kv_string(j, "security-severity",
		    mg_sarif_security_severity(f->severity));
		mg_json_kv_string(j, "severity",
		    mg_severity_name(f->severity));
		mg_json_end(j);
		mg_json_end(j);
	}
	mg_json_end(j);
}

/* location - one physicalLocation: the file, and its line when known */
static void
location(struct mg_json *j, const char *file, unsigned line,
    const char *what)
{
	struct mg_str uri = MG_STR_INIT;

	mg_sarif_uri(&uri, file);
	mg_json_object(j);
	mg_json_key(j, "physicalLocation");
	mg_json_object(j);
	mg_json_key(j, "artifactLocation");
	mg_json_object(j);
	mg_json_kv_string(j, "uri", mg_str_cstr(&uri));
	mg_json_end(j);
	if (line > 0) {
		mg_json_key(j, "region");
		mg_json_object(j);
		mg_json_kv_int(j, "startLine", line);
		mg_json_end(j);
	}
	mg_json_end(j);
	if (what != NULL)
		text_kv(j, "message", what);
	mg_json_end(j);
	mg_str_free(&uri);
}

/* result - one finding: its rule, level, title, and where it is; a
 * finding whose evidence names no file (the queue, the log, a probe) is
 * located at the configuration file, without a line */
static void
result(struct mg_json *j, const struct mg_session *a, size_t i)
{
	const struct mg_finding *f = &a->report.findings[i];
	const char *src = mg_model_source(&a->model);
	size_t k, nloc = 0;

	mg_json_object(j);
	mg_json_kv_string(j, "ruleId", f->id);
	mg_json_kv_int(j, "ruleIndex", (long long)rule_index(&a->report, i));
	mg_json_kv_string(j, "level", mg_sarif_level(f->severity));
	text_kv(j, "message", f->title);
	mg_json_key(j, "locations");
	mg_json_array(j);
	for (k = 0; k < f->nevidence; k++) {
		if (f->evidence[k].file == NULL ||
		    f->evidence[k].file[0] == '\0')
			continue;
		location(j, f->evidence[k].file, f->evidence[k].line,
		    f->evidence[k].text);
		nloc++;
	}
	if (nloc == 0 && src != NULL)
		location(j, src, 0, NULL);
	mg_json_end(j);
	mg_json_end(j);
}

/* invocation - did the run succeed, its exit code, and what it could
 * not read (notifications, so that a CI job shows them) */
static void
invocation(struct mg_json *j, const struct mg_session *a,
    const struct report_opts *o)
{
	size_t i;

	mg_json_key(j, "invocations");
	mg_json_array(j);
	mg_json_object(j);
	mg_json_key(j, "executionSuccessful");
	mg_json_bool(j, a->loaded != 0);
	mg_json_kv_int(j, "exitCode", o->exit_code);
	mg_json_key(j, "toolExecutionNotifications");
	mg_json_array(j);
	if (!a->loaded) {
		mg_json_object(j);
		mg_json_kv_string(j, "level", "error");
		text_kv(j, "message", a->err.msg);
		mg_json_end(j);
	}
	for (i = 0; a->loaded && i < a->report.nunread; i++) {
		mg_json_object(j);
		mg_json_kv_string(j, "level", "warning");
		text_kv(j, "message", a->report.unread[i]);
		mg_json_end(j);
	}
	mg_json_end(j);
	mg_json_end(j);
	mg_json_end(j);
}

/*
 * report_emit_sarif - the SARIF log of session a to fp.  When a could
 * not be loaded the log has no results and its invocation says why
 * (executionSuccessful false), so that CI shows the error, not a pass.
 */
int
report_emit_sarif(FILE *fp, const struct mg_session *a,
    const struct report_opts *o)
{
	struct mg_str out = MG_STR_INIT;
	struct mg_json j;
	size_t i;
	int rc = 0;

	mg_json_init(&j, &out, 1);
	mg_json_object(&j);
	mg_json_kv_string(&j, "$schema", MG_SARIF_SCHEMA);
	mg_json_kv_string(&j, "version", "2.1.0");
	mg_json_key(&j, "runs");
	mg_json_array(&j);
	mg_json_object(&j);
	mg_json_key(&j, "tool");
	mg_json_object(&j);
	mg_json_key(&j, "driver");
	mg_json_object(&j);
	mg_json_kv_string(&j, "name", TOOL_NAME);
	mg_json_kv_string(&j, "version", MG_VERSION);
#ifdef MG_HOMEPAGE
	mg_json_kv_string(&j, "informationUri", MG_HOMEPAGE);
#endif
	rules(&j, &a->report);
	mg_json_end(&j);
	mg_json_end(&j);
	invocation(&j, a, o);
	mg_json_key(&j, "results");
	mg_json_array(&j);
	for (i = 0; a->loaded && i < a->report.nfindings; i++)
		result(&j, a, i);
	mg_json_end(&j);
	mg_json_end(&j);
	mg_json_end(&j);
	mg_json_end(&j);
	if (fwrite(out.data, 1, out.len, fp) != out.len)
		rc = -1;
	mg_str_free(&out);
	return (rc);
}
