/*
 * test_lab_formats.c - report --format text|json|nagios and --output
 * against real Postfix and Exim instances: the nagios line and perfdata
 * checked by a strict pattern of the monitoring-plugins guidelines and
 * its numbers by the MTA's own queue tools (postqueue -j, exim -bpc),
 * the JSON by python3's parser and jq, the exit code the same in every
 * format, --output atomic (mode, no temp file left) and refused cleanly
 * where it cannot be written.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <regex.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../core/mg_lines.h"
#include "../../core/mg_str.h"
#include "lab_util.h"

#define PF_LAB "tests/lab/postfix/lab.sh"
#define EX_LAB "tests/lab/exim/lab.sh"
#define SPAM 30		/* fill-incident3: root's messages; alice: 20 */

static char exim_bin[4096];

/*
 * The guidelines' output: "SERVICE STATUS - text | perfdata", and each
 * perfdata item 'label'=value[UOM];[warn];[crit];[min];[max] with UOM one
 * of us ms s % B KB MB TB c, warn and crit in the range syntax.
 */
#define NUM "-?[0-9]+(\\.[0-9]+)?"
#define RANGE "@?(~|" NUM ")?(:(" NUM ")?)?"
static const char status_re[] =
    "^MAILGUARD (OK|WARNING|CRITICAL|UNKNOWN) - [^|]+ \\| (.+)$";
static const char perf_re[] = "^'[^'=]+'=" NUM "(us|ms|s|%|B|KB|MB|TB|c)?"
    ";(" RANGE ")?;(" RANGE ")?;(" NUM ")?;(" NUM ")?$";

/* report - ./mailguard-tui MTA-ARGS report ARGS...; stdout into out (may
 * be NULL), stderr into err (may be NULL); the exit code */
static int
report(const char *const *mta, const char *const *args, struct mg_str *out,
    struct mg_str *err)
{
	const char *argv[32];
	struct mg_exec_res res;
	size_t n = 0;
	int rc;

	argv[n++] = "./mailguard-tui";
	while (*mta != NULL)
		argv[n++] = *mta++;
	argv[n++] = "report";
	while (*args != NULL && n < 31)
		argv[n++] = *args++;
	argv[n] = NULL;
	rc = lab_run(&res, argv);
	if (out != NULL) {
		mg_str_init(out);
		mg_str_append(out, res.out.data, res.out.len);
	}
	if (err != NULL) {
		mg_str_init(err);
		mg_str_append(err, res.err.data, res.err.len);
	}
	mg_exec_res_free(&res);
	return (rc);
}

/* report_as - report in FORMAT with optional thresholds; the exit code */
static int
report_as(const char *const *mta, const char *format, const char *warn,
    const char *crit, struct mg_str *out)
{
	const char *args[8];
	size_t n = 0;

	args[n++] = "--format";
	args[n++] = format;
	if (warn != NULL) {
		args[n++] = "--warn";
		args[n++] = warn;
	}
	if (crit != NULL) {
		args[n++] = "--crit";
		args[n++] = crit;
	}
	args[n] = NULL;
	return (report(mta, args, out, NULL));
}

/* json_valid - python3's json module and jq both read it as one object */
static void
json_valid(const char *json)
{
	const char *py[] = { "python3", "-c", "import json, sys\n"
	    "d = json.load(sys.stdin)\n"
	    "assert isinstance(d, dict) and isinstance(d['findings'], list)",
	    NULL };
	struct mg_exec_req req;
	struct mg_exec_res res;
	struct mg_err err;

	memset(&req, 0, sizeof(req));
	req.argv = py;
	req.input = json;
	req.input_len = strlen(json);
	assert_int_equal(mg_exec(&req, &res, &err), 0);
	if (!mg_exec_ok(&res))
		fail_msg("python3 json.load: %s", mg_str_cstr(&res.err));
	mg_exec_res_free(&res);
	assert_int_equal(lab_jq(json, "type == \"object\"", NULL), 0);
}

/* perf_value - the value of perfdata label in the status line, as text
 * (without UOM) into buf; 0, or -1 when the label is not there */
static int
perf_value(const char *line, const char *label, char *buf, size_t size)
{
	char key[128];
	const char *p;

	(void)snprintf(key, sizeof(key), " '%s'=", label);
	if ((p = strstr(line, key)) == NULL)
		return (-1);
	p += strlen(key);
	(void)snprintf(buf, size, "%.*s", (int)strspn(p, "0123456789."), p);
	return (0);
}

/*
 * nagios_valid - doc is a plugin's output: the status line matches the
 * guidelines' pattern, its state word matches the exit code, every
 * perfdata item matches the item pattern; the status line into line
 */
static void
nagios_valid(const char *doc, int rc, char *line, size_t size)
{
	static const char *const states[] = { "OK", "WARNING", "CRITICAL",
		"UNKNOWN" };
	regex_t sre, pre;
	regmatch_t m[3];
	char item[256], state[16];
	const char *p, *sp;
	size_t n = 0;

	(void)snprintf(line, size, "%.*s", (int)strcspn(doc, "\n"), doc);
	assert_int_equal(regcomp(&sre, status_re, REG_EXTENDED), 0);
	assert_int_equal(regcomp(&pre, perf_re, REG_EXTENDED | REG_NOSUB),
	    0);
	if (regexec(&sre, line, 3, m, 0) != 0)
		fail_msg("not a plugin status line: %s", line);
	(void)snprintf(state, sizeof(state), "%.*s",
	    (int)(m[1].rm_eo - m[1].rm_so), line + m[1].rm_so);
	assert_true(rc >= 0 && rc <= 3);
	assert_string_equal(state, states[rc]);
	for (p = line + m[2].rm_so; *p != '\0'; p = sp + (*sp == ' ')) {
		sp = p + strcspn(p, " ");
		(void)snprintf(item, sizeof(item), "%.*s", (int)(sp - p), p);
		if (regexec(&pre, item, 0, NULL, 0) != 0)
			fail_msg("perfdata item \"%s\" breaks the guidelines",
			    item);
		n++;
	}
	/* 5 severities, queue, deferred, top sender, time; no queue items
	 * when it was not read; only the time without a configuration */
	if (strstr(line, "configuration not read") != NULL)
		assert_int_equal(n, 1);
	else
		assert_int_equal(n, strstr(line, "; queue not read") != NULL ?
		    6 : 9);
	regfree(&sre);
	regfree(&pre);
}

/* count_of - jq's number for filter on json */
static size_t
count_of(const char *json, const char *filter)
{
	struct mg_str s;
	size_t v;

	assert_int_equal(lab_jq_str(json, filter, &s), 0);
	v = strtoul(mg_str_cstr(&s), NULL, 10);
	mg_str_free(&s);
	return (v);
}

/* same_exit_codes - text, json and nagios agree; nagios's perfdata
 * counts equal json's findings; the json parses; the exit code */
static int
same_exit_codes(const char *const *mta, const char *warn, const char *crit,
    char *line, size_t size)
{
	struct mg_str text, json, nag;
	char v[32];
	int rt, rj, rn;

	rt = report_as(mta, "text", warn, crit, &text);
	rj = report_as(mta, "json", warn, crit, &json);
	rn = report_as(mta, "nagios", warn, crit, &nag);
	if (rt != rj || rj != rn)
		fail_msg("exit codes differ: text %d, json %d, nagios %d", rt,
		    rj, rn);
	json_valid(mg_str_cstr(&json));
	nagios_valid(mg_str_cstr(&nag), rn, line, size);
	assert_int_equal(perf_value(line, "critical", v, sizeof(v)), 0);
	assert_int_equal(strtoul(v, NULL, 10), count_of(mg_str_cstr(&json),
	    "[.findings[] | select(.severity == \"critical\")] | length"));
	assert_int_equal(perf_value(line, "info", v, sizeof(v)), 0);
	assert_int_equal(strtoul(v, NULL, 10), count_of(mg_str_cstr(&json),
	    "[.findings[] | select(.severity == \"info\")] | length"));
	/* The JSON's queue is the perfdata's. */
	if (perf_value(line, "queue", v, sizeof(v)) == 0) {
		assert_int_equal(strtoul(v, NULL, 10), count_of(
		    mg_str_cstr(&json), ".queue.messages"));
		assert_int_equal(perf_value(line, "deferred", v, sizeof(v)),
		    0);
		assert_int_equal(strtoul(v, NULL, 10), count_of(
		    mg_str_cstr(&json), ".queue.deferred"));
	} else
		assert_int_equal(lab_jq(mg_str_cstr(&json), ".queue == null",
		    NULL), 0);
	/* The text's closing line counts the same findings. */
	if (count_of(mg_str_cstr(&json), ".findings | length") > 0) {
		(void)snprintf(v, sizeof(v), "\n%zu findings:",
		    count_of(mg_str_cstr(&json), ".findings | length"));
		assert_non_null(strstr(mg_str_cstr(&text), v));
	}
	mg_str_free(&text);
	mg_str_free(&json);
	mg_str_free(&nag);
	return (rn);
}

/* postqueue_counts - postqueue -j: messages and deferred ones */
static void
postqueue_counts(const char *etc, size_t *total, size_t *deferred)
{
	const char *argv[] = { "postqueue", "-c", etc, "-j", NULL };
	struct mg_str out;
	const char *cur, *line;
	size_t len;

	assert_int_equal(lab_capture(argv, &out), 0);
	*total = *deferred = 0;
	for (cur = mg_str_cstr(&out); mg_line_next(&cur, &line, &len);) {
		(*total)++;
		if (memmem(line, len, "\"queue_name\": \"deferred\"", 24) !=
		    NULL || memmem(line, len, "\"queue_name\":\"deferred\"",
		    23) != NULL)
			(*deferred)++;
	}
	mg_str_free(&out);
}

/* test_postfix_incident - the sasl-root incident with a real deferred
 * queue: every format, one exit code, numbers as postqueue says */
static void
test_postfix_incident(void **state)
{
	const char *dir = lab_instance(PF_LAB, "sasl-root", 1);
	const char *fill[] = { "fill-incident3", dir, "30", NULL };
	const char *flush[] = { "flush-wait", dir, NULL };
	char etc[4096], line[4096], v[32], want[32];
	const char *mta[] = { "--postfix", etc, NULL };
	size_t total, deferred;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	assert_int_equal(lab_script(PF_LAB, fill), 0);
	assert_int_equal(lab_script(PF_LAB, flush), 0);
	postqueue_counts(etc, &total, &deferred);
	assert_int_equal(total, SPAM + 20);
	/* A system account's login: critical, whatever the thresholds. */
	assert_int_equal(same_exit_codes(mta, NULL, NULL, line, sizeof(line)),
	    2);
	(void)snprintf(want, sizeof(want), "%zu", total);
	assert_int_equal(perf_value(line, "queue", v, sizeof(v)), 0);
	assert_string_equal(v, want);
	(void)snprintf(want, sizeof(want), "%zu", deferred);
	assert_int_equal(perf_value(line, "deferred", v, sizeof(v)), 0);
	assert_string_equal(v, want);
	/* root@example.com sent 30 of the 50. */
	assert_int_equal(perf_value(line, "top_sender_share", v, sizeof(v)),
	    0);
	assert_string_equal(v, "60.0");
	assert_int_equal(same_exit_codes(mta, "10", "40", line, sizeof(line)),
	    2);
	assert_non_null(strstr(line, " hits --crit 40 |"));
	assert_non_null(strstr(line, " 'queue'=50;10;40;0; "));
	lab_stop(PF_LAB, dir);
}

/* test_postfix_thresholds - a stock Postfix with nothing worse than
 * info and an empty queue: OK, and --warn/--crit alone move the exit
 * code, the same in every format */
static void
test_postfix_thresholds(void **state)
{
	const char *dir = lab_instance(PF_LAB, "stock", 0);
	char etc[4096], line[4096];
	struct mg_str out;
	const char *mta[] = { "--postfix", etc, NULL };

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	assert_int_equal(same_exit_codes(mta, NULL, NULL, line, sizeof(line)),
	    0);
	assert_non_null(strstr(line, "MAILGUARD OK - "));
	assert_non_null(strstr(line, " 'queue'=0;;;0; "));
	assert_int_equal(same_exit_codes(mta, "@0", NULL, line, sizeof(line)),
	    1);
	assert_non_null(strstr(line, "; queue 0 (0 deferred) hits --warn @0"));
	assert_int_equal(same_exit_codes(mta, "5", "@0:0", line,
	    sizeof(line)), 2);
	assert_non_null(strstr(line, " 'queue'=0;5;@0:0;0; "));
	assert_int_equal(same_exit_codes(mta, "~:0", "10", line,
	    sizeof(line)), 0);
	/* No configuration there: 3 in every format; the plugin's UNKNOWN
	 * line says why, json and text print nothing on stdout. */
	(void)snprintf(etc, sizeof(etc), "%s/no-such-etc", dir);
	assert_int_equal(report_as(mta, "text", NULL, NULL, &out), 3);
	assert_int_equal(out.len, 0);
	mg_str_free(&out);
	assert_int_equal(report_as(mta, "json", NULL, NULL, &out), 3);
	assert_int_equal(out.len, 0);
	mg_str_free(&out);
	assert_int_equal(report_as(mta, "nagios", NULL, NULL, &out), 3);
	nagios_valid(mg_str_cstr(&out), 3, line, sizeof(line));
	assert_non_null(strstr(line, "UNKNOWN - configuration not read: "));
	mg_str_free(&out);
}

/* test_partial_as_nobody - a report as nobody cannot read the queue:
 * partial, 4 in text and json; the plugin API has no 4, so nagios says
 * UNKNOWN and exits 3; and a queue threshold is not judged as if empty */
static void
test_partial_as_nobody(void **state)
{
	const char *dir = lab_instance(PF_LAB, "stock", 0);
	char etc[4096], line[4096];
	const char *argv[] = { "setpriv", "--reuid=65534", "--regid=65534",
	    "--clear-groups", "./mailguard-tui", "--postfix", etc, "report",
	    "--format", NULL, NULL, NULL, NULL };
	static const char *const fmts[] = { "text", "json", "nagios" };
	struct mg_str out;
	size_t i;
	int rc;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	assert_int_equal(chmod(lab_root(), 0755), 0);
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		argv[9] = fmts[i];
		rc = lab_capture(argv, &out);
		if (strcmp(fmts[i], "json") == 0) {
			json_valid(mg_str_cstr(&out));
			assert_int_equal(lab_jq(mg_str_cstr(&out),
			    ".partial == true and .queue == null", NULL), 0);
		}
		if (strcmp(fmts[i], "nagios") == 0) {
			assert_int_equal(rc, 3);
			nagios_valid(mg_str_cstr(&out), rc, line,
			    sizeof(line));
			assert_non_null(strstr(line, "; queue not read; "
			    "partial: "));
		} else
			assert_int_equal(rc, 4);
		mg_str_free(&out);
	}
	/* --warn on a queue that could not be read: 3, not OK. */
	argv[9] = "json";
	argv[10] = "--warn";
	argv[11] = "100";
	assert_int_equal(lab_capture(argv, &out), 3);
	mg_str_free(&out);
}

/* leftovers - entries of dir whose name starts with ".mailguard." */
static size_t
leftovers(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += strncmp(e->d_name, ".mailguard.", 11) == 0;
	(void)closedir(d);
	return (n);
}

/* entries - entries of dir but . and .. */
static size_t
entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	size_t n = 0;

	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += strcmp(e->d_name, ".") != 0 &&
		    strcmp(e->d_name, "..") != 0;
	(void)closedir(d);
	return (n);
}

/* test_output_file - --output: the document the format prints, in a
 * file of the format's mode, nothing left beside it; an older file
 * replaced; refused cleanly where it cannot be written */
static void
test_output_file(void **state)
{
	static const char *const fmts[] = { "text", "json", "nagios" };
	const char *dir = lab_instance(PF_LAB, "stock", 0);
	char etc[4096], out[2048], path[4096], link[4096], rc_s[8];
	char line[4096];
	const char *mta[] = { "--postfix", etc, NULL };
	const char *args[] = { "--format", NULL, "--output", path, NULL };
	const char *nobody[] = { "setpriv", "--reuid=65534", "--regid=65534",
	    "--clear-groups", "./mailguard-tui", "--postfix", etc, "report",
	    "--output", path, NULL };
	struct mg_str doc, printed, err;
	struct mg_exec_res res;
	struct stat st;
	size_t i;
	int rc;
	FILE *fp;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(out, sizeof(out), "%.1000s/out", lab_root());
	assert_int_equal(mkdir(out, 0755), 0);
	for (i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		(void)snprintf(path, sizeof(path), "%s/report.%s", out,
		    fmts[i]);
		/* An older file, world-readable, to be replaced whole. */
		assert_non_null(fp = fopen(path, "w"));
		(void)fputs("old contents\n", fp);
		assert_int_equal(fclose(fp), 0);
		assert_int_equal(chmod(path, 0644), 0);
		args[1] = fmts[i];
		rc = report(mta, args, &printed, NULL);
		assert_int_equal(rc, report_as(mta, fmts[i], NULL, NULL,
		    NULL));
		assert_int_equal(printed.len, 0);	/* all in the file */
		assert_int_equal(lstat(path, &st), 0);
		assert_true(S_ISREG(st.st_mode));
		assert_int_equal(st.st_mode & 07777, 0600);
		assert_int_equal(st.st_uid, getuid());
		lab_slurp(path, &doc);
		assert_null(strstr(mg_str_cstr(&doc), "old contents"));
		if (strcmp(fmts[i], "json") == 0)
			json_valid(mg_str_cstr(&doc));
		if (strcmp(fmts[i], "nagios") == 0) {
			nagios_valid(mg_str_cstr(&doc), rc, line,
			    sizeof(line));
			assert_int_equal(strncmp(mg_str_cstr(&doc),
			    "MAILGUARD OK - ", 15), 0);
		}
		if (strcmp(fmts[i], "text") == 0)
			assert_non_null(strstr(mg_str_cstr(&doc),
			    "4 findings:"));
		mg_str_free(&doc);
		mg_str_free(&printed);
	}
	assert_int_equal(leftovers(out), 0);
	assert_int_equal(entries(out), 3);

	/* prometheus is a metrics file for a collector: 0644. */
	(void)snprintf(path, sizeof(path), "%s/mailguard.prom", out);
	args[1] = "prometheus";
	rc = report(mta, args, NULL, &err);
	assert_int_not_equal(rc, 64);
	assert_int_not_equal(rc, 73);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0644);
	mg_str_free(&err);

	/* A symbolic link as the name: refused, its target untouched. */
	(void)snprintf(link, sizeof(link), "%s/report.text", out);
	(void)snprintf(path, sizeof(path), "%s/via-link", out);
	assert_int_equal(symlink(link, path), 0);
	args[1] = "json";
	assert_int_equal(report(mta, args, NULL, &err), 73);
	assert_non_null(strstr(mg_str_cstr(&err), "symbolic link"));
	mg_str_free(&err);
	assert_int_equal(lstat(path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	lab_slurp(link, &doc);
	assert_non_null(strstr(mg_str_cstr(&doc), "4 findings:"));
	mg_str_free(&doc);

	/* No such directory; a directory nobody may write (as nobody); a
	 * file system where nothing can be created (/proc, even as root,
	 * found only when writing): each 73, nothing written, a reason. */
	(void)snprintf(path, sizeof(path), "%s/missing/report.json", out);
	assert_int_equal(report(mta, args, NULL, &err), 73);
	assert_non_null(strstr(mg_str_cstr(&err), "no directory that exists"));
	mg_str_free(&err);
	assert_int_equal(chmod(lab_root(), 0755), 0);
	(void)snprintf(path, sizeof(path), "%s/by-nobody.txt", out);
	rc = lab_run(&res, nobody);
	(void)snprintf(rc_s, sizeof(rc_s), "%d", rc);
	assert_string_equal(rc_s, "73");
	assert_non_null(strstr(mg_str_cstr(&res.err), "cannot write"));
	mg_exec_res_free(&res);
	assert_int_not_equal(access(path, F_OK), 0);
	(void)snprintf(path, sizeof(path), "/proc/mailguard-test.json");
	assert_int_equal(report(mta, args, NULL, &err), 73);
	assert_non_null(strstr(mg_str_cstr(&err), "--output not written"));
	mg_str_free(&err);
	assert_int_not_equal(access(path, F_OK), 0);
	assert_int_equal(leftovers(out), 0);
	/* 3 reports, the metrics file and the link */
	assert_int_equal(entries(out), 5);
}

/* exim_fill - lab.sh fill DIR ARGS... */
static void
exim_fill(const char *const *args)
{
	assert_int_equal(lab_script(EX_LAB, args), 0);
}

/* test_exim_incident - Exim's incident 1 with a spool Exim wrote:
 * every format, one exit code, the queue size as exim -bpc says */
static void
test_exim_incident(void **state)
{
	const char *dir = lab_instance(EX_LAB, "incident1-plain", 0);
	char conf[4096], line[4096], v[32];
	const char *mta[] = { "--exim", conf, "--exim-bin", exim_bin, NULL };
	const char *root[] = { "fill", dir, "6", "--auth-id", "root",
	    "--host-address", "93.122.252.5", "--sender",
	    "root@mail.example.com", NULL };
	const char *alice[] = { "fill", dir, "2", "--auth-id", "alice",
	    "--sender", "alice@example.com", NULL };
	const char *bounce[] = { "fill", dir, "2", "--sender", "<>",
	    "--rcpt", "victim@forged.example", "--freeze", NULL };
	const char *bpc[] = { exim_bin, "-C", conf, "-bpc", NULL };
	struct mg_str count;

	(void)state;
	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	exim_fill(root);
	exim_fill(alice);
	exim_fill(bounce);
	assert_int_equal(lab_capture(bpc, &count), 0);
	assert_int_equal(strtoul(mg_str_cstr(&count), NULL, 10), 10);
	mg_str_free(&count);
	(void)same_exit_codes(mta, NULL, NULL, line, sizeof(line));
	assert_int_equal(perf_value(line, "queue", v, sizeof(v)), 0);
	assert_string_equal(v, "10");
	/* Exim's spool: every message not frozen waits for a retry. */
	assert_int_equal(perf_value(line, "deferred", v, sizeof(v)), 0);
	assert_string_equal(v, "8");
	assert_int_equal(perf_value(line, "top_sender_share", v, sizeof(v)),
	    0);
	assert_string_equal(v, "60.0");
	/* A queue of 10 inside @5:20: critical in every format. */
	assert_int_equal(same_exit_codes(mta, NULL, "@5:20", line,
	    sizeof(line)), 2);
	assert_non_null(strstr(line, "hits --crit @5:20 |"));
}

/* setup - a temporary root; the lab's Exim */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-fmt");
	return (lab_exim_bin(exim_bin, sizeof(exim_bin)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_postfix_incident),
		cmocka_unit_test(test_postfix_thresholds),
		cmocka_unit_test(test_output_file),
		cmocka_unit_test(test_partial_as_nobody),
		cmocka_unit_test(test_exim_incident),
	};

	return (cmocka_run_group_tests_name("lab_formats", tests, setup,
	    lab_teardown));
}
