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
#include "../engine/queue_restore.h"
#include "cmd.h"

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

/* confirm - y/N on the terminal */
static int
confirm(long id, int mail)
{
	char line[16];
	FILE *tty = fopen("/dev/tty", "r+");

	if (tty == NULL)
		return (0);
	(void)fprintf(tty, mail ? "Put the mail of journal entry %ld back in "
	    "the queue? [y/N] " : "Restore the files journal entry %ld "
	    "changed? [y/N] ", id);
	(void)fflush(tty);
	if (fgets(line, sizeof(line), tty) == NULL)
		line[0] = '\0';
	(void)fclose(tty);
	return (line[0] == 'y' || line[0] == 'Y');
}

/*
 * queue_rollback - the mail of purge or hold entry e (what sel chooses,
 * NULL: all) back in the queue, once; says how many came back.  An exit
 * code.
 */
static int
queue_rollback(struct mg_session *a, struct mg_journal *jr,
    const struct mg_jentry *e, const struct mg_qsel *sel, const char *cmd,
    int yes)
{
	struct mg_restore_result res;
	struct mg_err err;
	int rc;

	if (!a->detected) {
		if (mg_backend_detect(&a->opts, &a->target, &a->err) < 0) {
			(void)fprintf(stderr, "mailguard-tui: %s: ", cmd);
			mg_print_sanitized(stderr, a->err.msg);
			(void)fputc('\n', stderr);
			return (MG_EXIT_UNREAD);
		}
		a->detected = 1;
	}
	if (geteuid() != 0) {
		(void)fprintf(stderr, "mailguard-tui: %s: putting mail back "
		    "in the queue needs root: nothing changed\n", cmd);
		return (MG_EXIT_NOPERM);
	}
	if (!yes && !confirm(e->id, 1)) {
		(void)printf("not rolled back\n");
		return (MG_EXIT_OK);
	}
	mg_err_clear(&err);
	rc = mg_queue_restore(&a->target, jr, e, sel, stdout, &res, &err);
	(void)printf("restored %zu of %zu messages of journal entry %ld (%zu "
	    "from the quarantine, %zu released from hold", res.restored,
	    res.chosen, e->id, res.placed, res.released);
	if (res.kept_held > 0)
		(void)printf(", %zu of them left on hold as before",
		    res.kept_held);
	(void)printf("); %zu back already, %zu never left the queue, %zu not "
	    "found (delivered or removed before the %s)", res.already,
	    res.stayed, res.missing, e->action);
	if (res.failed > 0)
		(void)printf(", %zu could not be put back", res.failed);
	(void)printf("\n");
	if (rc < 0) {
		(void)fprintf(stderr, "mailguard-tui: %s: ", cmd);
		mg_print_sanitized(stderr, err.msg);
		(void)fputc('\n', stderr);
		return (MG_EXIT_FAILED);
	}
	return (res.failed > 0 ? MG_EXIT_FAILED : MG_EXIT_OK);
}

/* mg_cmd_rollback - rollback ENTRY [--yes] */
int
mg_cmd_rollback(struct mg_session *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "yes", no_argument, NULL, 'y' },
		{ NULL, 0, NULL, 0 }
	};
	struct mg_journal jr;
	struct mg_jentry *v = NULL;
	struct mg_str log = MG_STR_INIT;
	struct mg_err err;
	unsigned long id;
	size_t n = 0;
	int ch, yes = 0, rc = MG_EXIT_UNREAD;

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
	if (mg_journal_open(&jr, state_dir(a), 1, &err) < 0 ||
	    mg_journal_entries(&jr, (long)id, 0, &v, &n, &err) < 0)
		goto fail;
	if (n != 1) {
		(void)mg_err_set(&err, "no journal entry %lu (see: "
		    "mailguard-tui journal)", id);
		goto fail;
	}
	if (mg_queue_restorable(&v[0])) {
		rc = queue_rollback(a, &jr, &v[0], NULL, "rollback", yes);
		goto out;
	}
	if (strcmp(v[0].state, "rolled-back") == 0 ||
	    strcmp(v[0].state, "restored") == 0) {
		(void)printf("journal entry %lu is already %s: nothing to "
		    "do\n", id, v[0].state);
		rc = MG_EXIT_OK;
		goto out;
	}
	if (!yes && !confirm((long)id, 0)) {
		(void)printf("not rolled back\n");
		rc = MG_EXIT_OK;
		goto out;
	}
	if (mg_journal_restore(&jr, &v[0], &log, &err) < 0)
		goto fail;
	if (mg_fix_rebuild(a, v[0].rebuild, &log) < 0)
		(void)mg_err_set(&err, "files restored, but rebuilding or "
		    "reloading failed (see above)");
	else
		err.msg[0] = '\0';
	if (mg_session_load(a) == 0 && a->target.mta == MG_MTA_EXIM)
		mg_fix_reload_exim(&a->target, &log);
	mg_print_sanitized_lines(stdout, mg_str_cstr(&log));
	(void)mg_journal_set(&jr, (long)id, "state", "rolled-back");
	if (err.msg[0] != '\0')
		goto fail;
	(void)printf("journal entry %lu rolled back\n", id);
	rc = MG_EXIT_OK;
	goto out;
fail:
	(void)fputs("mailguard-tui: rollback: ", stderr);
	mg_print_sanitized(stderr, err.msg);
	(void)fputc('\n', stderr);
out:
	mg_jentries_free(v, n);
	mg_str_free(&log);
	mg_journal_close(&jr);
	return (rc);
}

/* mg_cmd_restore - restore ENTRY [SELECTOR...] [--yes]: part (or all) of
 * the mail of a purge or hold entry back in the queue */
int
mg_cmd_restore(struct mg_session *a, int argc, char **argv)
{
	struct mg_journal jr;
	struct mg_jentry *v = NULL;
	struct mg_qsel sel;
	struct mg_err err;
	unsigned long id;
	size_t n = 0;
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
	rc = MG_EXIT_UNREAD;
	if (mg_journal_open(&jr, state_dir(a), 1, &err) < 0 ||
	    mg_journal_entries(&jr, (long)id, 0, &v, &n, &err) < 0)
		goto fail;
	if (n != 1 || !mg_queue_restorable(&v[0])) {
		(void)mg_err_set(&err, n != 1 ? "no journal entry %lu (see: "
		    "mailguard-tui journal)" : "journal entry %lu is no purge "
		    "or hold: nothing to put back", id);
		goto fail;
	}
	rc = queue_rollback(a, &jr, &v[0], selectors > 0 ? &sel : NULL,
	    "restore", yes);
	goto out;
fail:
	(void)fputs("mailguard-tui: restore: ", stderr);
	mg_print_sanitized(stderr, err.msg);
	(void)fputc('\n', stderr);
out:
	mg_jentries_free(v, n);
	mg_journal_close(&jr);
	return (rc);
}
