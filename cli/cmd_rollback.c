/*
 * cmd_rollback.c - "rollback ENTRY [--yes] [--force]": the engine
 * (fix_rollback.c) puts back the exact bytes a fix replaced, or the mail
 * a purge or a hold took away.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "../core/mg_num.h"
#include "../core/mg_sanitize.h"
#include "../engine/fix_rollback.h"
#include "cmd.h"
#include "confirm.h"

/*
 * mg_cmd_roll_back - journal entry id rolled back by the engine (sel:
 * restore's part of a purge or hold); its result as an exit code, said
 * as cmd
 */
int
mg_cmd_roll_back(struct mg_session *a, const char *cmd, unsigned long id,
    const struct mg_qsel *sel, int yes, int force)
{
	struct mg_rollback_opts o;
	struct mg_err err;
	enum mg_rollback_result res;

	memset(&o, 0, sizeof(o));
	o.out = stdout;
	o.sel = sel;
	o.mail_only = strcmp(cmd, "restore") == 0;
	o.yes = yes;
	o.force = force;
	o.confirm = mg_cli_confirm;
	res = mg_fix_rollback(a, mg_cmd_state_dir(a), (long)id, &o, &err);
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

/* cmd_rollback - rollback ENTRY [--yes] [--force] */
static int
cmd_rollback(struct mg_session *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "yes", no_argument, NULL, 'y' },
		{ "force", no_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	struct mg_err err;
	unsigned long id;
	int ch, yes = 0, force = 0;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'y')
			yes = 1;
		else if (ch == 'f')
			force = 1;
		else
			return (mg_cmd_usage_error("rollback", "unknown or "
			    "incomplete option %s", argv[optind - 1]));
	}
	if (argc - optind != 1)
		return (mg_cmd_usage_error("rollback", "name exactly one "
		    "journal entry"));
	if (mg_parse_ulong(argv[optind], 1, 1UL << 62, &id, &err) < 0)
		return (mg_cmd_usage_error("rollback", "ENTRY: %s", err.msg));
	return (mg_cmd_roll_back(a, "rollback", id, NULL, yes, force));
}

const struct mg_cmd_entry mg_cmd_rollback_entry = {
	.name = "rollback",
	.args = "ENTRY [--yes] [--force]",
	.summary = "restore the files a journal entry changed, and reload;",
	.options =
	    "of a purge or hold: every message back in the queue\n"
	    "(envelope intact), released as it was before; run\n"
	    "again, it brings back only what is still missing.\n"
	    "A file changed since the entry installed it (an\n"
	    "edit, postconf -e, a later fix) refuses, the change\n"
	    "shown; roll later entries back first, newest first;\n"
	    "--force restores over such changes (they are lost)",
	.exec = cmd_rollback,
};
