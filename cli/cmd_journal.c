/*
 * cmd_journal.c - journal [--json], rollback ENTRY [--yes] and restore
 * ENTRY [SELECTOR...] [--yes]: what was applied, and putting back the
 * exact bytes it replaced, or the mail a purge or a hold took away.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../engine/mg_journal.h"
#include "../core/mg_json.h"
#include "../core/mg_num.h"
#include "../engine/fix_apply.h"
#include "../engine/fix_rollback.h"
#include "cmd.h"
#include "confirm.h"

#define DEFAULT_STATE "/var/lib/mailguard"

/* state_dir - --state DIR, or the default */
static const char *
state_dir(const struct mg_session *a)
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

/* mg_cmd_journal - journal [--json] */
int
mg_cmd_journal(struct mg_session *a, int argc, char **argv)
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
	if (mg_journal_open(&jr, state_dir(a), 0, &err) < 0 ||
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
 * rollback - journal entry id rolled back by the engine (sel: restore's
 * part of a purge or hold); its result as an exit code, said as cmd
 */
static int
rollback(struct mg_session *a, const char *cmd, unsigned long id,
    const struct mg_qsel *sel, int yes)
{
	struct mg_rollback_opts o;
	struct mg_err err;
	enum mg_rollback_result res;

	memset(&o, 0, sizeof(o));
	o.out = stdout;
	o.sel = sel;
	o.mail_only = strcmp(cmd, "restore") == 0;
	o.confirm = yes ? NULL : mg_cli_confirm;
	res = mg_fix_rollback(a, state_dir(a), (long)id, &o, &err);
	if (res == MG_ROLLBACK_DONE)
		return (MG_EXIT_OK);
	if (res == MG_ROLLBACK_DECLINED) {
		(void)printf("not rolled back\n");
		return (MG_EXIT_OK);
	}
	if (err.msg[0] != '\0') {
		(void)fflush(stdout);
		(void)fprintf(stderr, "mailguard-tui: %s: ", cmd);
		mg_print_sanitized(stderr, err.msg);
		(void)fputc('\n', stderr);
	}
	return (res == MG_ROLLBACK_NOPERM ? MG_EXIT_NOPERM :
	    res == MG_ROLLBACK_UNREAD ? MG_EXIT_UNREAD : MG_EXIT_FAILED);
}

/* mg_cmd_rollback - rollback ENTRY [--yes] */
int
mg_cmd_rollback(struct mg_session *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "yes", no_argument, NULL, 'y' },
		{ NULL, 0, NULL, 0 }
	};
	struct mg_err err;
	unsigned long id;
	int ch, yes = 0;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch != 'y')
			return (mg_cmd_usage_error("rollback", "unknown or "
			    "incomplete option %s", argv[optind - 1]));
		yes = 1;
	}
	if (argc - optind != 1)
		return (mg_cmd_usage_error("rollback", "name exactly one "
		    "journal entry"));
	if (mg_parse_ulong(argv[optind], 1, 1UL << 62, &id, &err) < 0)
		return (mg_cmd_usage_error("rollback", "ENTRY: %s", err.msg));
	return (rollback(a, "rollback", id, NULL, yes));
}

/* mg_cmd_restore - restore ENTRY [SELECTOR...] [--yes]: part (or all) of
 * the mail of a purge or hold entry back in the queue */
int
mg_cmd_restore(struct mg_session *a, int argc, char **argv)
{
	struct mg_qsel sel;
	struct mg_err err;
	unsigned long id;
	int rc, selectors, dry, yes;

	if (argc < 2 || argv[1][0] == '-')
		return (mg_cmd_usage_error("restore", "name the journal entry "
		    "first: restore ENTRY [SELECTOR...] [--yes]"));
	if (mg_parse_ulong(argv[1], 1, 1UL << 62, &id, &err) < 0)
		return (mg_cmd_usage_error("restore", "ENTRY: %s", err.msg));
	if ((rc = mg_cmd_qsel_parse("restore", argc - 1, argv + 1, &sel,
	    &selectors, &dry, &yes)) != 0)
		return (rc);
	if (dry)
		return (mg_cmd_usage_error("restore", "--dry-run: see the "
		    "quarantine with postcat or exim -Mvh instead"));
	return (rollback(a, "restore", id, selectors > 0 ? &sel : NULL, yes));
}
