/* cmd_journal.c - "journal [--json]": what was applied, purged or held,
 * and what an interrupted run left behind. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../engine/mg_journal.h"
#include "../core/mg_json.h"
#include "../engine/fix_apply.h"
#include "cmd.h"

#define DEFAULT_STATE "/var/lib/mailguard"

/* mg_cmd_state_dir - --state DIR, or the default */
const char *
mg_cmd_state_dir(const struct mg_session *a)
{
	return (a->opts.state_dir != NULL ? a->opts.state_dir :
	    DEFAULT_STATE);
}

/* iso_time - "2026-11-23T05:12:09Z" */
static void
iso_time(time_t t, char *buf, size_t size)
{
	struct tm tm;

	(void)gmtime_r(&t, &tm);
	(void)strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* print_json - {"entries":[{"id","time","action","summary","files"}]} */
static void
print_json(const struct mg_jentry *v, size_t n)
{
	struct mg_str out = MG_STR_INIT;
	struct mg_json j;
	char when[32];
	size_t i, k;

	mg_json_init(&j, &out, 1);
	mg_json_object(&j);
	mg_json_key(&j, "entries");
	mg_json_array(&j);
	for (i = 0; i < n; i++) {
		iso_time(v[i].time, when, sizeof(when));
		mg_json_object(&j);
		mg_json_kv_int(&j, "id", v[i].id);
		mg_json_kv_string(&j, "time", when);
		mg_json_kv_string(&j, "action", v[i].action);
		mg_json_kv_string(&j, "summary", v[i].summary);
		mg_json_kv_string(&j, "state", v[i].state);
		mg_json_key(&j, "files");
		mg_json_array(&j);
		for (k = 0; k < v[i].nfiles; k++)
			mg_json_string(&j, v[i].files[k].path);
		mg_json_end(&j);
		mg_json_end(&j);
	}
	mg_json_end(&j);
	mg_json_end(&j);
	(void)fwrite(out.data, 1, out.len, stdout);
	mg_str_free(&out);
}

/* print_text - one block per entry; paths and summaries sanitized */
static void
print_text(const struct mg_jentry *v, size_t n)
{
	char when[32];
	size_t i, k;

	if (n == 0)
		(void)printf("journal: no changes applied yet\n");
	for (i = 0; i < n; i++) {
		iso_time(v[i].time, when, sizeof(when));
		(void)printf("%ld  %s  %s  [%s]  ", v[i].id, when,
		    v[i].action, v[i].state);
		mg_print_sanitized(stdout, v[i].summary);
		(void)putchar('\n');
		for (k = 0; k < v[i].nfiles; k++) {
			(void)fputs("    ", stdout);
			mg_print_sanitized(stdout, v[i].files[k].path);
			(void)putchar('\n');
		}
	}
}

/* cmd_journal - journal [--json] */
static int
cmd_journal(struct mg_session *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct mg_journal jr;
	struct mg_jentry *v;
	struct mg_err err;
	size_t n;
	int ch, json = 0;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (ch != 'j')
			return (mg_cmd_usage_error("journal", "unknown or "
			    "incomplete option %s", argv[optind - 1]));
		json = 1;
	}
	if (optind < argc)
		return (mg_cmd_usage_error("journal", "unexpected argument "
		    "\"%s\"", argv[optind]));
	if (mg_journal_open(&jr, mg_cmd_state_dir(a), 0, &err) < 0 ||
	    mg_journal_entries(&jr, 0, 0, &v, &n, &err) < 0) {
		(void)fputs("mailguard-tui: journal: ", stderr);
		mg_print_sanitized(stderr, err.msg);
		(void)fputc('\n', stderr);
		mg_journal_close(&jr);
		return (MG_EXIT_UNREAD);
	}
	(void)mg_fix_incomplete(&jr, stderr);
	if (json)
		print_json(v, n);
	else
		print_text(v, n);
	mg_jentries_free(v, n);
	mg_journal_close(&jr);
	return (MG_EXIT_OK);
}

/*
 * mg_cmd_unfinished - on stderr, every journal entry an interrupted run
 * left unfinished and the command that finishes it (report says it too);
 * nothing when there is no journal yet
 */
void
mg_cmd_unfinished(const struct mg_session *a)
{
	struct mg_journal jr;
	struct mg_err err;
	char path[4096];

	(void)snprintf(path, sizeof(path), "%s/journal.db",
	    mg_cmd_state_dir(a));
	if (access(path, F_OK) < 0)
		return;
	if (mg_journal_open(&jr, mg_cmd_state_dir(a), 0, &err) < 0) {
		/* e.g. a state directory refused as not root's: unfinished
		 * entries cannot be listed, which is said */
		(void)fputs("mailguard-tui: journal not read, unfinished "
		    "entries not listed: ", stderr);
		mg_print_sanitized(stderr, err.msg);
		(void)fputc('\n', stderr);
		return;
	}
	(void)fflush(stdout);
	(void)mg_fix_incomplete(&jr, stderr);
	mg_journal_close(&jr);
}

const struct mg_cmd_entry mg_cmd_journal_entry = {
	.name = "journal",
	.args = "[--json]",
	.summary = "applied changes and purges",
	.exec = cmd_journal,
};
