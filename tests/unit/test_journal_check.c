/* test_journal_check.c - crafted journal rows and state directories
 * against journal_check.c: what a rollback may restore and run as root,
 * and which state directories it trusts.  Table-driven, in a temp dir. */
#include <sys/stat.h>

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../core/mg_exec.h"
#include "../../core/mg_install.h"
#include "../../core/mg_secure_dir.h"
#include "../../engine/journal_check.h"
#include "mg_test.h"

static char root[64], etc[128], state[128], bak[192], bin[128];

/* The row under test: one file, and its rebuild commands.  "@" in a
 * string stands for the temp root. */
struct row_case {
	const char *name;
	const char *path;
	const char *backup;	/* NULL: the entry's own backup */
	unsigned mode;
	const char *rebuild;	/* "|" separates argv words */
	const char *want;	/* words of the refusal; NULL: accepted */
};

static const struct row_case rows[] = {
	{ "own row", "@/etc/main.cf", NULL, 0644,
	    "postfix|-c|@/etc|reload", NULL },
	{ "newaliases", "@/etc/aliases", NULL, 0644, "newaliases", NULL },
	{ "generator", "@/etc/update-exim4.conf.conf", NULL, 0644,
	    "update-exim4.conf|--confdir|@/etc|--output|@/etc/exim4.conf",
	    NULL },
	{ "generator generated", "@/etc/x.conf", NULL, 0640,
	    "update-exim4.conf|--confdir|@/etc", NULL },
	{ "system program", "@/etc/main.cf", NULL, 0644,
	    "/usr/sbin/postfix|-c|@/etc|reload", NULL },
	{ "outside", "/usr/local/bin/x", NULL, 0755, "", "outside the "
	    "configuration" },
	{ "dot-dot", "@/etc/../x", NULL, 0644, "", "outside the "
	    "configuration" },
	{ "relative", "main.cf", NULL, 0644, "", "not a file by its full "
	    "path" },
	{ "setuid", "@/etc/main.cf", NULL, 04755, "", "setuid" },
	{ "setgid", "@/etc/main.cf", NULL, 02755, "", "setuid, setgid" },
	{ "world-writable", "@/etc/main.cf", NULL, 0666, "", "writable by "
	    "everyone" },
	{ "backup elsewhere", "@/etc/main.cf", "/etc/passwd", 0644, "",
	    "is not in" },
	{ "backup symlink", "@/etc/main.cf", "@/state/backups/1/9", 0644,
	    "", "not a private regular file" },
	{ "shell", "@/etc/main.cf", NULL, 0644, "/bin/sh|-c|touch @/x",
	    "not one of the server's own" },
	{ "reload elsewhere", "@/etc/main.cf", NULL, 0644,
	    "postfix|-c|/tmp|reload", "not one of the server's own" },
	{ "reload without -c", "@/etc/main.cf", NULL, 0644,
	    "postfix|reload", "not one of the server's own" },
	{ "postfix stop", "@/etc/main.cf", NULL, 0644,
	    "postfix|-c|@/etc|stop", "not one of the server's own" },
	{ "newaliases with options", "@/etc/main.cf", NULL, 0644,
	    "newaliases|-oA/tmp/x", "not one of the server's own" },
	{ "generator output elsewhere", "@/etc/main.cf", NULL, 0644,
	    "update-exim4.conf|--confdir|@/etc|--output|/tmp/x",
	    "not one of the server's own" },
	{ "program planted", "@/etc/main.cf", NULL, 0644,
	    "@/bin/postfix|-c|@/etc|reload", "not in a system directory" },
	{ "second command bad", "@/etc/main.cf", NULL, 0644,
	    "newaliases\n/bin/sh|-c|id", "not one of the server's own" },
};

/* expand - "@" replaced by root, "|" by \x1f; caller frees */
static char *
expand(const char *s)
{
	struct mg_str out = MG_STR_INIT;

	mg_str_init(&out);
	for (; *s != '\0'; s++)
		if (*s == '@')
			mg_str_puts(&out, root);
		else if (*s == '|')
			mg_str_putc(&out, '\x1f');
		else
			mg_str_putc(&out, *s);
	return (mg_str_steal(&out));
}

/* check_row - one case through mg_journal_check_entry */
static void
check_row_in(const struct row_case *c, const char *const *tools,
    const char *const *files)
{
	const char *config[] = { etc, NULL };
	struct mg_target t;
	struct mg_jtrust tr = { config, tools, files };
	struct mg_jfile f;
	struct mg_jentry e;
	struct mg_err err;
	char *path = expand(c->path), *rb = expand(c->rebuild);
	char *backup = c->backup != NULL ? expand(c->backup) :
	    mg_xstrdup(bak);
	int rc;

	memset(&t, 0, sizeof(t));
	memset(&f, 0, sizeof(f));
	memset(&e, 0, sizeof(e));
	f.path = path;
	f.backup = backup;
	f.mode = c->mode;
	e.id = 1;
	e.files = &f;
	e.nfiles = 1;
	e.rebuild = rb;
	mg_err_clear(&err);
	rc = mg_journal_check_entry(&t, state, &tr, &e, &err);
	if (c->want == NULL && rc != 0)
		fail_msg("%s: refused: %s", c->name, err.msg);
	if (c->want != NULL && (rc == 0 || strstr(err.msg, c->want) == NULL))
		fail_msg("%s: want \"%s\", got %d \"%s\"", c->name, c->want,
		    rc, err.msg);
	free(path);
	free(rb);
	free(backup);
}

/* check_row - one case, no table files named outside the tree */
static void
check_row(const struct row_case *c, const char *const *tools)
{
	check_row_in(c, tools, NULL);
}

/* test_rows - every crafted row judged as the table says */
static void
test_rows(void **state_)
{
	const char *none[] = { NULL };
	size_t i;

	(void)state_;
	for (i = 0; i < MG_NELEM(rows); i++)
		check_row(&rows[i], none);
}

/* test_table_outside - alias_maps names a table outside the
 * configuration directory (config in @/etc, the table @/aliases, as
 * /etc/postfix and /etc/aliases): that table and its compiled file are
 * accepted, nothing else outside is */
static void
test_table_outside(void **state_)
{
	static const struct row_case ok[] = {
		{ "table", "@/aliases", NULL, 0644, "newaliases", NULL },
		{ "compiled", "@/aliases.db", NULL, 0644, "", NULL },
		{ "config still", "@/etc/main.cf", NULL, 0644, "", NULL },
	};
	static const struct row_case bad[] = {
		{ "program", "/usr/local/bin/x", NULL, 0755, "", "outside the "
		    "configuration" },
		{ "neighbour", "@/aliases2", NULL, 0644, "", "outside the "
		    "configuration" },
		{ "other dir", "@/bin/aliases", NULL, 0644, "", "outside the "
		    "configuration" },
		{ "via dot-dot", "@/etc/../x", NULL, 0644, "", "outside the "
		    "configuration" },
		{ "table setuid", "@/aliases", NULL, 04755, "", "setuid" },
		{ "table backup elsewhere", "@/aliases", "/etc/passwd", 0644,
		    "", "is not in" },
	};
	static const struct row_case unnamed = { "table not named",
	    "@/aliases", NULL, 0644, "", "outside the configuration" };
	const char *none[] = { NULL };
	char *files[3];
	size_t i;

	(void)state_;
	files[0] = expand("@/aliases");
	files[1] = expand("@/aliases.db");
	files[2] = NULL;
	for (i = 0; i < MG_NELEM(ok); i++)
		check_row_in(&ok[i], none, (const char *const *)files);
	for (i = 0; i < MG_NELEM(bad); i++)
		check_row_in(&bad[i], none, (const char *const *)files);
	check_row_in(&unnamed, none, NULL);
	free(files[0]);
	free(files[1]);
}

/* test_program_in_tool_dir - a program in the target's own tool directory
 * passes only while no one but root can change it */
static void
test_program_in_tool_dir(void **state_)
{
	const struct row_case ok = { "tool dir", "@/etc/main.cf", NULL,
	    0644, "@/bin/postfix|-c|@/etc|reload", NULL };
	const struct row_case bad = { "tool writable", "@/etc/main.cf", NULL,
	    0644, "@/bin/postfix|-c|@/etc|reload", "not a file only root" };
	const char *tools[] = { bin, NULL };
	char prog[192];

	(void)state_;
	(void)snprintf(prog, sizeof(prog), "%s/postfix", bin);
	check_row(&ok, tools);
	assert_int_equal(chmod(prog, 0775), 0);
	check_row(&bad, tools);
	assert_int_equal(chmod(prog, 0755), 0);
}

/* test_generator_sources - update-exim4.conf sources the directory's
 * update-exim4.conf.conf as shell code: a rebuild through it passes only
 * while that file is root's alone */
static void
test_generator_sources(void **state_)
{
	const struct row_case ok = { "generator", "@/etc/main.cf", NULL,
	    0644, "update-exim4.conf|--confdir|@/etc", NULL };
	const struct row_case bad = { "generator on writable", "@/etc/main.cf",
	    NULL, 0644, "update-exim4.conf|--confdir|@/etc",
	    "not one of the server's own" };
	const char *none[] = { NULL };
	char ue4c[192];

	(void)state_;
	(void)snprintf(ue4c, sizeof(ue4c), "%s/update-exim4.conf.conf", etc);
	check_row(&ok, none);
	assert_int_equal(chmod(ue4c, 0664), 0);
	check_row(&bad, none);
	assert_int_equal(chmod(ue4c, 0644), 0);
	assert_int_equal(chmod(etc, 0777), 0);
	check_row(&bad, none);
	assert_int_equal(chmod(etc, 0755), 0);
	check_row(&ok, none);
}

/* test_secure_dir - the state directory and the ones above it */
static void
test_secure_dir(void **state_)
{
	struct passwd *pw = getpwnam("nobody");
	struct mg_err err;
	char sub[192];

	(void)state_;
	/* mkdtemp's 0700 under /tmp (root's, sticky) */
	assert_int_equal(mg_secure_dir(state, &err), 0);
	assert_int_equal(chmod(state, 0770), 0);
	assert_int_equal(mg_secure_dir(state, &err), -1);
	assert_non_null(strstr(err.msg, "writable by its group"));
	assert_int_equal(chmod(state, 0701), 0);
	assert_int_equal(mg_secure_dir(state, &err), 0);
	/* a parent anyone can write, not sticky */
	(void)snprintf(sub, sizeof(sub), "%s/sub", state);
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_int_equal(chmod(state, 0777), 0);
	assert_int_equal(mg_secure_dir(sub, &err), -1);
	assert_non_null(strstr(err.msg, "writable by everyone"));
	/* sticky, like /tmp */
	assert_int_equal(chmod(state, 01777), 0);
	assert_int_equal(mg_secure_dir(sub, &err), 0);
	assert_int_equal(chmod(state, 0700), 0);
	assert_int_equal(mg_secure_dir(sub, &err), 0);
	if (geteuid() == 0 && pw != NULL) {
		assert_int_equal(chown(sub, pw->pw_uid, pw->pw_gid), 0);
		assert_int_equal(mg_secure_dir(sub, &err), -1);
		assert_non_null(strstr(err.msg, "not root"));
	}
	assert_int_equal(rmdir(sub), 0);
	assert_int_equal(mg_secure_dir("/nonexistent-mg", &err), -1);
}

/* test_queue_ids - the IDs a purge row may name */
static void
test_queue_ids(void **state_)
{
	static const struct {
		const char *id;
		int ok;
	} ids[] = {
		{ "4F2A31C0D2", 1 },		/* Postfix short */
		{ "4dZk0v2XyTz9aB", 1 },	/* Postfix long */
		{ "1t9XqA-000Ab1-2c", 1 },	/* Exim */
		{ "", 0 },
		{ "../../etc/shadow", 0 },
		{ "a/b", 0 },
		{ "..", 0 },
		{ "-rf", 0 },
		{ "ID\x1b[2J", 0 },
		{ "0123456789012345678901234567890123456789012345678901234567"
		    "89012345", 0 },
	};
	struct mg_err err;
	size_t i;

	(void)state_;
	for (i = 0; i < MG_NELEM(ids); i++)
		if ((mg_journal_check_qid(7, ids[i].id, &err) == 0) !=
		    ids[i].ok)
			fail_msg("queue ID \"%s\": want %s", ids[i].id,
			    ids[i].ok ? "accepted" : "refused");
	assert_int_equal(mg_journal_check_qid(7, NULL, &err), -1);
	assert_non_null(strstr(err.msg, "journal entry 7"));
}

/* test_private_dir - the quarantine's directories: no link, no one
 * else's, created 0700 */
static void
test_private_dir(void **state_)
{
	struct mg_err err;
	struct stat st;
	char q[192], link[192];

	(void)state_;
	(void)snprintf(q, sizeof(q), "%s/quarantine", state);
	assert_int_equal(mg_private_dir(q, 1, &err), 0);
	assert_int_equal(lstat(q, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(mg_private_dir(q, 1, &err), 0);
	assert_int_equal(chmod(q, 0777), 0);
	assert_int_equal(mg_private_dir(q, 0, &err), -1);
	assert_non_null(strstr(err.msg, "not a private directory"));
	assert_int_equal(rmdir(q), 0);
	(void)snprintf(link, sizeof(link), "%s/quarantine-link", state);
	assert_int_equal(symlink(etc, link), 0);
	assert_int_equal(mg_private_dir(link, 1, &err), -1);
	assert_non_null(strstr(err.msg, "symbolic link"));
	assert_int_equal(unlink(link), 0);
	assert_int_equal(mg_private_dir(q, 0, &err), -1);
}

/* put - a file written by the code under test */
static void
put(const char *path, const char *text, mode_t mode)
{
	struct mg_err err;

	assert_int_equal(mg_install_file(path, text, strlen(text), mode,
	    geteuid(), getegid(), &err), 0);
}

/* setup - ROOT/etc, ROOT/state/backups/1/0, ROOT/bin/postfix and a
 * symbolic link ROOT/state/backups/1/9 */
static int
setup(void **state_)
{
	char dir[192], link[192];

	(void)state_;
	(void)snprintf(root, sizeof(root), "/tmp/mg-jcheck.XXXXXX");
	if (mkdtemp(root) == NULL)
		return (-1);
	(void)snprintf(etc, sizeof(etc), "%s/etc", root);
	(void)snprintf(state, sizeof(state), "%s/state", root);
	(void)snprintf(bin, sizeof(bin), "%s/bin", root);
	(void)snprintf(bak, sizeof(bak), "%s/backups/1/0", state);
	if (mkdir(etc, 0755) < 0 || mkdir(state, 0700) < 0 ||
	    mkdir(bin, 0755) < 0)
		return (-1);
	(void)snprintf(dir, sizeof(dir), "%s/backups", state);
	if (mkdir(dir, 0700) < 0)
		return (-1);
	(void)snprintf(dir, sizeof(dir), "%s/backups/1", state);
	if (mkdir(dir, 0700) < 0)
		return (-1);
	put(bak, "old\n", 0600);
	(void)snprintf(dir, sizeof(dir), "%s/update-exim4.conf.conf", etc);
	put(dir, "dc_eximconfig_configtype='local'\n", 0644);
	(void)snprintf(dir, sizeof(dir), "%s/postfix", bin);
	put(dir, "#!/bin/sh\n", 0755);
	(void)snprintf(link, sizeof(link), "%s/backups/1/9", state);
	return (symlink("/etc/shadow", link));
}

/* teardown - remove it */
static int
teardown(void **state_)
{
	const char *argv[] = { "rm", "-rf", root, NULL };
	struct mg_exec_res res;
	struct mg_err err;
	int rc;

	(void)state_;
	rc = mg_exec_run(argv, 10000, &res, &err);
	mg_exec_res_free(&res);
	return (rc);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_table_outside),
		cmocka_unit_test(test_program_in_tool_dir),
		cmocka_unit_test(test_secure_dir),
		cmocka_unit_test(test_generator_sources),
		cmocka_unit_test(test_queue_ids),
		cmocka_unit_test(test_private_dir),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
