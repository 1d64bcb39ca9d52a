/*
 * cmd_fix.c - fix ID...|--all [--dry-run] [--export-diff FILE [--force]]
 * [--yes [--force]] [--value TEXT].
 * The named fixes are staged on fresh copies of their files (in memory);
 * --dry-run prints the unified diff and the commands that would follow,
 * --export-diff writes it as a patch for "patch -p0 -d /" (an existing
 * file only with --force) and says where.  Neither
 * touches the configuration.  Otherwise the fix engine (fix_apply.c)
 * validates, proves, backs up, installs, reloads and verifies.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/mg_install.h"
#include "../engine/fix_apply.h"
#include "../engine/fix_diff.h"
#include "../engine/fix_stage.h"
#include "cmd.h"
#include "confirm.h"

/*
 * write_patch - FILE, mode 0600 (it may quote password files), written to
 * a temp file beside it and linked or renamed into place: never through a
 * symlink, and an existing FILE only with force (else it stays as it was).
 * Says on where which file it wrote; 0, or the exit code.
 */
static int
write_patch(const char *path, const struct mg_str *text, int force,
    FILE *where)
{
	struct mg_install in;
	struct mg_err err;
	char abs[PATH_MAX];
	int rc, exists = 0;

	if (mg_install_prepare(&in, path, text->data, text->len, 0600,
	    geteuid(), getegid(), &err) < 0)
		goto fail;
	rc = force ? mg_install_commit(&in, &err) :
	    mg_install_commit_new(&in, &err);
	exists = rc < 0 && !force && errno == EEXIST;
	mg_install_abort(&in);
	if (rc < 0)
		goto fail;
	(void)fprintf(where, "patch written to ");
	mg_print_sanitized(where, realpath(path, abs) != NULL ? abs : path);
	(void)fputs(" (nothing applied)\n", where);
	return (0);
fail:
	(void)fputs("mailguard-tui: fix: ", stderr);
	if (exists) {
		mg_print_sanitized(stderr, path);
		(void)fputs(" exists: not overwritten (--force replaces it): "
		    "nothing written\n", stderr);
	} else {
		mg_print_sanitized(stderr, err.msg);
		(void)fputc('\n', stderr);
	}
	return (MG_EXIT_CANTCREAT);
}

/* select_fixes - the fixes named (or all but those applied only when
 * named, each said), from the report */
static int
select_fixes(const struct mg_report *r, int all, int argc, char **argv,
    const struct mg_fix ***out, size_t *n)
{
	const struct mg_fix *x;
	size_t cap = 0, i;
	int k;

	*out = NULL;
	*n = 0;
	if (all) {
		for (i = 0; i < r->nfixes; i++) {
			if (r->fixes[i].named_only != NULL) {
				(void)printf("fix --all leaves out %s: %s; "
				    "name it to apply it (mailguard-tui fix "
				    "%s)\n", r->fixes[i].id,
				    r->fixes[i].named_only, r->fixes[i].id);
				continue;
			}
			*MG_ARRAY_PUSH(*out, *n, cap) = &r->fixes[i];
		}
		return (0);
	}
	for (k = 0; k < argc; k++) {
		if ((x = mg_report_find_fix(r, argv[k])) == NULL) {
			free(*out);
			*out = NULL;
			return (mg_cmd_usage_error("fix", "no fix \"%s\" in "
			    "this report (see: mailguard-tui report)",
			    argv[k]));
		}
		for (i = 0; i < *n && (*out)[i] != x; i++)
			;
		if (i == *n)
			*MG_ARRAY_PUSH(*out, *n, cap) = x;
	}
	return (0);
}

/* interrupted - an earlier apply left an entry "applying": say so and
 * do not start another one on top of it */
static int
interrupted(const struct mg_session *a)
{
	struct mg_journal j;
	struct mg_err err;
	int n;

	if (access(a->target.state_dir, F_OK) < 0 ||
	    mg_journal_open(&j, a->target.state_dir, 0, &err) < 0)
		return (0);
	n = mg_fix_incomplete(&j, stderr);
	mg_journal_close(&j);
	if (n > 0)
		(void)fprintf(stderr, "mailguard-tui: fix: an earlier apply "
		    "was interrupted; roll it back first (see above): nothing "
		    "changed\n");
	return (n > 0);
}

/* show_patch - the patch on stdout as patch(1) reads it; lines with
 * control bytes are shown escaped, and said to be */
static void
show_patch(const struct mg_str *patch)
{
	size_t escaped = mg_print_patch_lines(stdout, mg_str_cstr(patch));

	if (escaped > 0)
		(void)printf("(%zu line%s above hold control characters or "
		    "invalid UTF-8, shown escaped: the exact patch is what "
		    "--export-diff writes)\n", escaped, escaped == 1 ? "" :
		    "s");
}

/* apply - the fix engine on the staged fixes: shows the diff, asks
 * unless yes, and says how it ended */
static int
apply(struct mg_session *a, const struct mg_fix **fixes, size_t n,
    const struct mg_stage *st, const struct mg_str *patch, int yes,
    int force)
{
	struct mg_apply_opts o;
	struct mg_err err;
	enum mg_apply_result res;
	char done[256];

	if (geteuid() != 0) {
		(void)fprintf(stderr, "mailguard-tui: fix: applying changes "
		    "needs root (the configuration belongs to root): nothing "
		    "changed; --dry-run and --export-diff work without it\n");
		return (MG_EXIT_NOPERM);
	}
	if (!yes && !isatty(STDIN_FILENO)) {
		(void)fprintf(stderr, "mailguard-tui: fix: not applied: no "
		    "terminal to confirm on; add --yes to apply without "
		    "asking\n");
		return (MG_EXIT_USAGE);
	}
	show_patch(patch);
	memset(&o, 0, sizeof(o));
	o.out = stdout;
	o.yes = yes;
	o.force = force;
	o.confirm = mg_cli_confirm;
	o.done = done;
	o.donesz = sizeof(done);
	(void)snprintf(done, sizeof(done), "applied and verified");
	mg_err_clear(&err);
	res = mg_fix_apply(a, (const struct mg_fix *const *)fixes, n, st,
	    mg_str_cstr(patch), &o, &err);
	switch (res) {
	case MG_APPLY_DONE:
		(void)printf("%s (see: mailguard-tui journal)\n", done);
		return (MG_EXIT_OK);
	case MG_APPLY_DECLINED:
		(void)printf("not applied\n");
		return (MG_EXIT_OK);
	case MG_APPLY_REFUSED:
		(void)fputs("mailguard-tui: fix: refused, nothing changed: ",
		    stderr);
		break;
	case MG_APPLY_RESTORED:
		(void)fputs("mailguard-tui: fix: failed after installing, then "
		    "undone: ", stderr);
		break;
	default:
		(void)fputs("mailguard-tui: fix: failed AND the restore "
		    "failed - see the journal and restore by hand: ", stderr);
		break;
	}
	mg_print_sanitized(stderr, err.msg);
	(void)fputc('\n', stderr);
	return (MG_EXIT_FAILED);
}

/*
 * set_value - --value TEXT: the operator's own value for a fix that sets
 * one single-line value (as the console's e edits it); the stage judges
 * it as what will be installed.  -1 (said) if the fix is not such a one.
 */
static int
set_value(const struct mg_fix **fixes, size_t n, const char *value)
{
	struct mg_fix *x = (struct mg_fix *)fixes[0];
	const char *p;

	if (n != 1 || x->nedits != 1 || x->edits[0].new_text == NULL ||
	    strchr(x->edits[0].new_text, '\n') != NULL) {
		(void)mg_cmd_usage_error("fix", "--value needs one fix that "
		    "sets one single-line value (export the patch to edit "
		    "others)");
		return (-1);
	}
	for (p = value; *p != '\0'; p++)
		if (*p < 0x20 || *p > 0x7e) {
			(void)mg_cmd_usage_error("fix", "--value: printable "
			    "ASCII on one line only");
			return (-1);
		}
	free(x->edits[0].new_text);
	x->edits[0].new_text = mg_xstrdup(value);
	return (0);
}

/* cmd_fix - fix ID...|--all [--dry-run] [--export-diff FILE [--force]]
 * [--yes] [--force] [--value TEXT] */
static int
cmd_fix(struct mg_session *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "all", no_argument, NULL, 'a' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "export-diff", required_argument, NULL, 'x' },
		{ "force", no_argument, NULL, 'f' },
		{ "yes", no_argument, NULL, 'y' },
		{ "value", required_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 }
	};
	const struct mg_fix **fixes = NULL;
	const char *export = NULL, *value = NULL;
	struct mg_stage st;
	struct mg_str patch = MG_STR_INIT;
	struct mg_err err;
	size_t n;
	int ch, all = 0, dry = 0, yes = 0, force = 0, rc;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'a')
			all = 1;
		else if (ch == 'n')
			dry = 1;
		else if (ch == 'x')
			export = optarg;
		else if (ch == 'y')
			yes = 1;
		else if (ch == 'f')
			force = 1;
		else if (ch == 'v')
			value = optarg;
		else
			return (mg_cmd_usage_error("fix", "unknown or "
			    "incomplete option %s", argv[optind - 1]));
	}
	if (force && dry && export == NULL)
		return (mg_cmd_usage_error("fix", "--force with --dry-run "
		    "changes nothing: it is for --export-diff or an apply"));
	if (all && optind < argc)
		return (mg_cmd_usage_error("fix", "give fix ids or --all, not "
		    "both"));
	if (!all && optind >= argc)
		return (mg_cmd_usage_error("fix", "name the fixes to apply "
		    "(ids from 'report') or --all"));
	if (mg_session_load(a) < 0) {
		(void)fputs("mailguard-tui: ", stderr);
		mg_print_sanitized(stderr, a->err.msg);
		(void)fputc('\n', stderr);
		return (MG_EXIT_UNREAD);
	}
	if (!dry && export == NULL && interrupted(a))
		return (MG_EXIT_FAILED);
	if (select_fixes(&a->report, all, argc - optind, argv + optind,
	    &fixes, &n) != 0)
		return (MG_EXIT_USAGE);
	if (n == 0) {
		(void)printf("no fixes proposed: nothing to do\n");
		free(fixes);
		return (MG_EXIT_OK);
	}
	if (value != NULL && set_value(fixes, n, value) < 0) {
		free(fixes);
		return (MG_EXIT_USAGE);
	}
	if (mg_stage_fixes(fixes, n, &st, &err) < 0) {
		free(fixes);
		(void)fputs("mailguard-tui: fix: ", stderr);
		mg_print_sanitized(stderr, err.msg);
		(void)fputc('\n', stderr);
		return (MG_EXIT_UNREAD);
	}
	mg_fix_patch(&a->target, &st, fixes, n, MG_VERSION, &patch);
	if (!dry && export == NULL) {
		rc = apply(a, fixes, n, &st, &patch, yes, force);
		mg_str_free(&patch);
		mg_stage_free(&st);
		free(fixes);
		return (rc);
	}
	rc = MG_EXIT_OK;
	if (dry)
		show_patch(&patch);
	if (export != NULL) {
		(void)fflush(stdout);
		rc = write_patch(export, &patch, force, dry ? stderr : stdout);
	}
	mg_str_free(&patch);
	mg_stage_free(&st);
	free(fixes);
	return (rc);
}

const struct mg_cmd_entry mg_cmd_fix_entry = {
	.name = "fix",
	.args = "ID...|--all [--dry-run] [--export-diff FILE [--force]] "
	    "[--yes] [--force] [--value TEXT]",
	.summary = "apply proposed fixes (ids from report): validated and",
	.options =
	    "proven on a private copy first, backed up, installed,\n"
	    "reloaded, re-checked; restored on failure.  Asks\n"
	    "unless --yes.  --dry-run prints the diff,\n"
	    "--export-diff writes it as a patch (patch -p0 -d /)\n"
	    "and says where; an existing FILE only with --force;\n"
	    "neither changes the configuration.  A file changed\n"
	    "since it was staged (an edit, another run) refuses\n"
	    "the apply, the change shown; --force installs over\n"
	    "it.  --value TEXT:\n"
	    "your own value for a fix that sets one value\n"
	    "(mynetworks...), judged on the stage as what will\n"
	    "be installed",
	.exec = cmd_fix,
};
