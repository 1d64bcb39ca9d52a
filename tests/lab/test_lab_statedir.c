/*
 * test_lab_statedir.c - a planted state directory is not obeyed: the
 * binary's "rollback --yes" on a real Postfix configuration refuses a
 * state dir owned by nobody or writable by everyone, and a journal row
 * that would install attacker bytes setuid root outside the configuration
 * and run "/bin/sh -c" as a rebuild; nothing is installed, nothing runs.
 * A row the tool itself would write (main.cf, postfix -c DIR reload) is
 * still rolled back, and so is a fix to an alias table the configuration
 * names outside its directory (/etc/aliases beside /etc/postfix).  And
 * "--exim DIR" does not run Debian's generator (which sources
 * DIR/update-exim4.conf.conf as shell code, as root) while that file can
 * be changed by anyone but root, nor while a conf.d file it concatenates
 * into the configuration (or a directory above one) can.
 */
#include <sys/stat.h>

#include <pwd.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "../../core/mg_file.h"
#include "../../core/mg_install.h"
#include "../../core/mg_str.h"
#include "../../engine/mg_journal.h"
#include "lab_util.h"

#define PFLAB "tests/lab/postfix/lab.sh"
#define EXLAB "tests/lab/exim/lab.sh"

static char conf[2048];		/* the lab Postfix's config dir */
static char planted[256];	/* where the attacker wants his file */
static char marker[2048];	/* what the planted command would create */
static int nstate;
static char exim_bin[4096];

/* put - a file with text, mode */
static void
put(const char *path, const char *text, mode_t mode)
{
	struct mg_err err;

	if (mg_install_file(path, text, strlen(text), mode, 0, 0, &err) < 0)
		fail_msg("%s", err.msg);
}

/* plant - a state directory whose journal entry 1 restores path (with
 * payload's bytes, mode) and rebuilds with rebuild; its path in buf */
static void
plant(char *buf, size_t size, const char *path, unsigned mode,
    const char *payload, const char *rebuild)
{
	struct mg_journal j;
	struct mg_err err;
	sqlite3_stmt *st;
	char src[4096];
	long id;

	(void)snprintf(buf, size, "%s/state-%d", lab_root(), nstate++);
	(void)snprintf(src, sizeof(src), "%s.payload", buf);
	put(src, payload, 0644);
	if (mg_journal_open(&j, buf, 1, &err) < 0)
		fail_msg("%s", err.msg);
	id = mg_journal_begin(&j, "fix", "planted", "", &err);
	assert_int_equal(id, 1);
	assert_int_equal(mg_journal_backup(&j, id, src, &err), 0);
	assert_int_equal(sqlite3_prepare_v2(j.db, "UPDATE files SET path = ?, "
	    "mode = ?, uid = 0, gid = 0 WHERE entry = ?", -1, &st, NULL),
	    SQLITE_OK);
	(void)sqlite3_bind_text(st, 1, path, -1, SQLITE_TRANSIENT);
	(void)sqlite3_bind_int(st, 2, (int)mode);
	(void)sqlite3_bind_int64(st, 3, id);
	assert_int_equal(sqlite3_step(st), SQLITE_DONE);
	(void)sqlite3_finalize(st);
	assert_int_equal(mg_journal_set(&j, id, "rebuild", rebuild), 0);
	assert_int_equal(mg_journal_set(&j, id, "state", "done"), 0);
	mg_journal_close(&j);
}

/* rollback - mailguard-tui --postfix CONF --state STATE rollback 1
 * --yes; its exit code, what it said in out */
static int
rollback(const char *state, struct mg_str *out)
{
	const char *argv[] = { "./mailguard-tui", "--postfix", conf,
	    "--state", state, "rollback", "1", "--yes", NULL };
	struct mg_exec_res res;
	int rc;

	rc = lab_run(&res, argv);
	mg_str_init(out);
	mg_str_append(out, res.out.data, res.out.len);
	mg_str_append(out, res.err.data, res.err.len);
	mg_exec_res_free(&res);
	return (rc);
}

/* hostile_rebuild - "/bin/sh -c 'touch MARKER'" as journaled argv */
static void
hostile_rebuild(struct mg_str *s)
{
	mg_str_init(s);
	mg_str_printf(s, "/bin/sh\x1f-c\x1ftouch %s\n", marker);
}

/* nothing_done - the planted file is not there, the command never ran */
static void
nothing_done(void)
{
	struct stat st;

	assert_int_equal(lstat(planted, &st), -1);
	assert_int_equal(lstat(marker, &st), -1);
}

/* refused - rollback exits non-zero and says want */
static void
refused(const char *state, const char *want)
{
	struct mg_str out;

	assert_int_not_equal(rollback(state, &out), 0);
	if (strstr(mg_str_cstr(&out), want) == NULL)
		fail_msg("rollback did not say \"%s\": %s", want,
		    mg_str_cstr(&out));
	mg_str_free(&out);
	nothing_done();
}

/* test_state_dir_of_nobody - a state dir owned by nobody, mode 0777 */
static void
test_state_dir_of_nobody(void **state_)
{
	struct mg_str rb;
	struct passwd *pw = getpwnam("nobody");
	char st[4096];

	(void)state_;
	assert_non_null(pw);
	hostile_rebuild(&rb);
	plant(st, sizeof(st), planted, 04755, "#!/bin/sh\necho owned\n",
	    mg_str_cstr(&rb));
	assert_int_equal(chown(st, pw->pw_uid, pw->pw_gid), 0);
	assert_int_equal(chmod(st, 0777), 0);
	refused(st, "is not safe");
	/* root's, but writable by everyone */
	assert_int_equal(chown(st, 0, 0), 0);
	refused(st, "writable by everyone");
	mg_str_free(&rb);
}

/* test_row_outside_config - a safe state dir whose row points outside
 * the configuration, setuid, with a shell as its rebuild */
static void
test_row_outside_config(void **state_)
{
	struct mg_str rb;
	char st[4096], inside[4096];

	(void)state_;
	hostile_rebuild(&rb);
	plant(st, sizeof(st), planted, 04755, "#!/bin/sh\necho owned\n",
	    mg_str_cstr(&rb));
	refused(st, "outside the configuration");
	/* inside the configuration, but setuid */
	(void)snprintf(inside, sizeof(inside), "%s/helper", conf);
	plant(st, sizeof(st), inside, 04755, "#!/bin/sh\n", "");
	refused(st, "setuid");
	assert_int_equal(access(inside, F_OK), -1);
	/* main.cf, with a shell as its rebuild */
	(void)snprintf(inside, sizeof(inside), "%s/main.cf", conf);
	plant(st, sizeof(st), inside, 0644, "# planted\n", mg_str_cstr(&rb));
	refused(st, "not one of the server's own");
	mg_str_free(&rb);
}

/* test_own_row_rolled_back - the row a fix writes passes: main.cf back,
 * "postfix -c CONF reload" run (the instance is stopped: nothing to
 * reload) */
static void
test_own_row_rolled_back(void **state_)
{
	struct mg_str out, was = MG_STR_INIT, now = MG_STR_INIT, rb;
	struct mg_err err;
	char st[4096], main_cf[4096];

	(void)state_;
	(void)snprintf(main_cf, sizeof(main_cf), "%s/main.cf", conf);
	assert_int_equal(mg_file_read(main_cf, MG_FILE_MAX, &was, NULL,
	    &err), 0);
	mg_str_init(&rb);
	mg_str_printf(&rb, "postfix\x1f-c\x1f%s\x1freload\n", conf);
	plant(st, sizeof(st), main_cf, 0644, mg_str_cstr(&was),
	    mg_str_cstr(&rb));
	put(main_cf, "# changed since\n", 0644);
	if (rollback(st, &out) != 0)
		fail_msg("rollback refused its own row: %s",
		    mg_str_cstr(&out));
	assert_non_null(strstr(mg_str_cstr(&out), "rolled back"));
	assert_int_equal(mg_file_read(main_cf, MG_FILE_MAX, &now, NULL,
	    &err), 0);
	assert_string_equal(mg_str_cstr(&now), mg_str_cstr(&was));
	mg_str_free(&out);
	mg_str_free(&was);
	mg_str_free(&now);
	mg_str_free(&rb);
}

/* mg_ok - mailguard-tui ARGS on the lab Postfix must exit 0 */
static void
mg_ok(const char *const *argv)
{
	struct mg_exec_res res;

	if (lab_run(&res, argv) != 0)
		fail_msg("%s %s failed: %s%s", argv[5], argv[6],
		    mg_str_cstr(&res.out), mg_str_cstr(&res.err));
	mg_exec_res_free(&res);
}

/* same_bytes - path holds exactly was's bytes */
static void
same_bytes(const char *path, const struct mg_str *was)
{
	struct mg_str now = MG_STR_INIT;
	struct mg_err err;

	assert_int_equal(mg_file_read(path, MG_FILE_MAX, &now, NULL, &err),
	    0);
	assert_int_equal(now.len, was->len);
	assert_memory_equal(now.data, was->data, was->len);
	mg_str_free(&now);
}

/*
 * test_table_outside_rolled_back - alias_maps names a table outside the
 * configuration directory (as Debian's hash:/etc/aliases beside
 * /etc/postfix): "fix postfix.aliases.add --yes" adds postmaster to it
 * and rebuilds it, "rollback 1 --yes" puts the table and its .db back
 * byte for byte instead of refusing the entry as untrustworthy
 */
static void
test_table_outside_rolled_back(void **state_)
{
	char dir[4096], tab[4200], db[4300], st[4200], maps[4300];
	char ref[4300];
	const char *fix[] = { "./mailguard-tui", "--postfix", conf, "--state",
	    st, "fix", "postfix.aliases.add", "--yes", NULL };
	const char *back[] = { "./mailguard-tui", "--postfix", conf,
	    "--state", st, "rollback", "1", "--yes", NULL };
	const char *set[] = { "postconf", "-c", conf, "-e", maps, NULL };
	const char *pa[] = { "postalias", "-c", conf, ref, NULL };
	struct mg_str was = MG_STR_INIT, wasdb = MG_STR_INIT, now =
	    MG_STR_INIT;
	struct mg_exec_res res;
	struct mg_err err;

	(void)state_;
	(void)snprintf(dir, sizeof(dir), "%.*s/aliases-outside",
	    (int)(strlen(conf) - 4), conf);
	(void)snprintf(tab, sizeof(tab), "%s/aliases", dir);
	(void)snprintf(db, sizeof(db), "%s.db", tab);
	(void)snprintf(st, sizeof(st), "%s/state-outside", lab_root());
	assert_true(mkdir(dir, 0755) == 0);
	put(tab, "# outside the configuration directory\n"
	    "root: admin@ops.example.net\n", 0644);
	(void)snprintf(maps, sizeof(maps), "alias_maps = hash:%s", tab);
	assert_int_equal(lab_run(&res, set), 0);
	mg_exec_res_free(&res);
	(void)snprintf(maps, sizeof(maps), "alias_database = hash:%s", tab);
	assert_int_equal(lab_run(&res, set), 0);
	mg_exec_res_free(&res);
	(void)snprintf(ref, sizeof(ref), "hash:%s", tab);
	if (lab_run(&res, pa) != 0)
		fail_msg("postalias: %s", mg_str_cstr(&res.err));
	mg_exec_res_free(&res);
	assert_int_equal(mg_file_read(tab, MG_FILE_MAX, &was, NULL, &err), 0);
	assert_int_equal(mg_file_read(db, MG_FILE_MAX, &wasdb, NULL, &err),
	    0);

	mg_ok(fix);
	assert_int_equal(mg_file_read(tab, MG_FILE_MAX, &now, NULL, &err), 0);
	assert_non_null(strstr(mg_str_cstr(&now), "postmaster"));
	mg_str_free(&now);
	if (lab_run(&res, back) != 0)
		fail_msg("rollback refused the table outside: %s%s",
		    mg_str_cstr(&res.out), mg_str_cstr(&res.err));
	assert_non_null(strstr(mg_str_cstr(&res.out), "rolled back"));
	mg_exec_res_free(&res);
	same_bytes(tab, &was);
	same_bytes(db, &wasdb);
	(void)printf("    alias table outside etc/: fixed, then rolled back "
	    "byte for byte (%zu + %zu bytes)\n", was.len, wasdb.len);
	mg_str_free(&was);
	mg_str_free(&wasdb);
}

/* exim_report - report on --exim CONFDIR with the lab's generator; the
 * exit code, what it said in out */
static int
exim_report(const char *dir, struct mg_str *out)
{
	char confdir[2048], gen[2048];
	const char *argv[] = { "./mailguard-tui", "--exim", confdir,
	    "--exim-bin", exim_bin, "--exim-generator", gen, "report", NULL };
	struct mg_exec_res res;
	int rc;

	(void)snprintf(confdir, sizeof(confdir), "%s/etc/exim4", dir);
	(void)snprintf(gen, sizeof(gen), "%s/bin/update-exim4.conf", dir);
	rc = lab_run(&res, argv);
	mg_str_init(out);
	mg_str_append(out, res.out.data, res.out.len);
	mg_str_append(out, res.err.data, res.err.len);
	mg_exec_res_free(&res);
	return (rc);
}

/* test_exim_sources_of_others - update-exim4.conf.conf writable by its
 * group, or owned by nobody: report refuses to run the generator (the
 * shell line planted in it does not run); root's again: it runs */
static void
test_exim_sources_of_others(void **state_)
{
	struct passwd *pw = getpwnam("nobody");
	struct mg_str out, text;
	struct mg_err err;
	struct stat st;
	const char *dir;
	char ue4c[2048], mark[2048];

	(void)state_;
	assert_non_null(pw);
	dir = lab_instance(EXLAB, "incident1-template", 0);
	(void)snprintf(ue4c, sizeof(ue4c), "%s/etc/exim4/"
	    "update-exim4.conf.conf", dir);
	(void)snprintf(mark, sizeof(mark), "%s/SOURCED", dir);
	lab_slurp(ue4c, &text);
	mg_str_printf(&text, "touch %s\n", mark);
	if (mg_install_file(ue4c, text.data, text.len, 0664, 0, 0, &err) < 0)
		fail_msg("%s", err.msg);
	mg_str_free(&text);
	assert_int_equal(exim_report(dir, &out), 3);
	assert_non_null(strstr(mg_str_cstr(&out), "not running "
	    "update-exim4.conf"));
	assert_int_equal(lstat(mark, &st), -1);
	mg_str_free(&out);
	assert_int_equal(chmod(ue4c, 0644), 0);
	assert_int_equal(chown(ue4c, pw->pw_uid, pw->pw_gid), 0);
	assert_int_equal(exim_report(dir, &out), 3);
	assert_non_null(strstr(mg_str_cstr(&out), "belongs to uid"));
	assert_int_equal(lstat(mark, &st), -1);
	mg_str_free(&out);
	/* root's alone: the generator runs (and so does the line) */
	assert_int_equal(chown(ue4c, 0, 0), 0);
	assert_int_not_equal(exim_report(dir, &out), 3);
	assert_int_equal(lstat(mark, &st), 0);
	mg_str_free(&out);
}

/* exim_fix_dry - fix --all --dry-run on --exim CONFDIR (state in the
 * lab's root); the exit code, what it said in out */
static int
exim_fix_dry(const char *dir, struct mg_str *out)
{
	char confdir[2048], gen[2048], st[2048];
	const char *argv[] = { "./mailguard-tui", "--exim", confdir,
	    "--exim-bin", exim_bin, "--exim-generator", gen, "--state", st,
	    "fix", "--all", "--dry-run", NULL };
	struct mg_exec_res res;
	int rc;

	(void)snprintf(confdir, sizeof(confdir), "%s/etc/exim4", dir);
	(void)snprintf(gen, sizeof(gen), "%s/bin/update-exim4.conf", dir);
	(void)snprintf(st, sizeof(st), "%s/state-confd", lab_root());
	rc = lab_run(&res, argv);
	mg_str_init(out);
	mg_str_append(out, res.out.data, res.out.len);
	mg_str_append(out, res.err.data, res.err.len);
	mg_exec_res_free(&res);
	return (rc);
}

/* confd_refused - report and fix on dir both refuse, naming what; the
 * generator did not run (mark, which update-exim4.conf.conf touches,
 * is not there) */
static void
confd_refused(const char *dir, const char *what, const char *mark)
{
	struct mg_str out;
	struct stat st;

	assert_int_equal(exim_report(dir, &out), 3);
	if (strstr(mg_str_cstr(&out), what) == NULL)
		fail_msg("report does not name %s: %s", what,
		    mg_str_cstr(&out));
	assert_non_null(strstr(mg_str_cstr(&out), "not running "
	    "update-exim4.conf"));
	mg_str_free(&out);
	assert_int_not_equal(exim_fix_dry(dir, &out), 0);
	if (strstr(mg_str_cstr(&out), what) == NULL)
		fail_msg("fix does not name %s: %s", what, mg_str_cstr(&out));
	mg_str_free(&out);
	assert_int_equal(lstat(mark, &st), -1);
}

/* test_exim_confd_of_others - Debian's split configuration: a conf.d
 * file owned by nobody (an ACL running ${run{...}} as root), one of
 * root's writable by its group, a symbolic link to a file in nobody's
 * directory, a section directory anyone may write: report and fix refuse
 * each, naming it, and the generator does not run; the clean directory
 * is generated and read */
static void
test_exim_confd_of_others(void **state_)
{
	struct passwd *pw = getpwnam("nobody");
	struct mg_str out, text;
	struct mg_err err;
	struct stat st;
	const char *dir;
	char ue4c[2048], mark[2048], evil[2048], acl[2048], own[2048];
	char link[2048], target[2048];

	(void)state_;
	assert_non_null(pw);
	dir = lab_instance(EXLAB, "incident1-split", 0);
	(void)snprintf(ue4c, sizeof(ue4c), "%s/etc/exim4/"
	    "update-exim4.conf.conf", dir);
	(void)snprintf(mark, sizeof(mark), "%s/GENERATED", dir);
	(void)snprintf(evil, sizeof(evil), "%s/etc/exim4/conf.d/main/"
	    "99_planted", dir);
	(void)snprintf(acl, sizeof(acl), "%s/etc/exim4/conf.d/acl", dir);
	(void)snprintf(link, sizeof(link), "%s/etc/exim4/conf.d/main/"
	    "98_linked", dir);
	(void)snprintf(own, sizeof(own), "%s/nobodys", dir);
	(void)snprintf(target, sizeof(target), "%s/nobodys/part", dir);
	/* root's own line: the generator ran iff mark exists */
	lab_slurp(ue4c, &text);
	mg_str_printf(&text, "touch %s\n", mark);
	if (mg_install_file(ue4c, text.data, text.len, 0644, 0, 0, &err) < 0)
		fail_msg("%s", err.msg);
	mg_str_free(&text);

	put(evil, "PLANTED = ${run{/bin/touch /tmp/mg-pwned}}\n", 0644);
	assert_int_equal(chown(evil, pw->pw_uid, pw->pw_gid), 0);
	confd_refused(dir, "conf.d/main/99_planted belongs to uid", mark);
	assert_int_equal(chown(evil, 0, 0), 0);
	assert_int_equal(chmod(evil, 0664), 0);
	confd_refused(dir, "conf.d/main/99_planted belongs to uid 0 with "
	    "mode 0664", mark);
	assert_int_equal(unlink(evil), 0);

	/* root's link, nobody's file in nobody's directory */
	assert_int_equal(mkdir(own, 0755), 0);
	put(target, "# nobody's\n", 0644);
	assert_int_equal(chown(own, pw->pw_uid, pw->pw_gid), 0);
	assert_int_equal(symlink(target, link), 0);
	confd_refused(dir, "conf.d/main/98_linked", mark);
	assert_int_equal(chown(target, pw->pw_uid, pw->pw_gid), 0);
	confd_refused(dir, "conf.d/main/98_linked", mark);
	assert_int_equal(unlink(link), 0);

	assert_int_equal(chmod(acl, 0777), 0);
	confd_refused(dir, "conf.d/acl", mark);
	assert_int_equal(chmod(acl, 0755), 0);

	/* clean again: generated, read, mapped back to conf.d */
	assert_int_not_equal(exim_report(dir, &out), 3);
	assert_int_equal(lstat(mark, &st), 0);
	assert_non_null(strstr(mg_str_cstr(&out), "conf.d/acl/"));
	mg_str_free(&out);
}

/* setup - a Postfix lab configuration (not started) */
static int
setup(void **state)
{
	const char *dir;

	(void)state;
	lab_make_root("mg-labtest-statedir");
	dir = lab_instance(PFLAB, "mask-typo-cidr", 0);
	(void)snprintf(conf, sizeof(conf), "%s/etc", dir);
	(void)snprintf(planted, sizeof(planted), "/usr/local/bin/"
	    "mg-planted-%ld", (long)getpid());
	(void)snprintf(marker, sizeof(marker), "%s/MARKER", lab_root());
	return (lab_exim_bin(exim_bin, sizeof(exim_bin)));
}

/* teardown - whatever happened, no planted file stays */
static int
teardown(void **state)
{
	(void)unlink(planted);
	return (lab_teardown(state));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_state_dir_of_nobody),
		cmocka_unit_test(test_row_outside_config),
		cmocka_unit_test(test_own_row_rolled_back),
		cmocka_unit_test(test_table_outside_rolled_back),
		cmocka_unit_test(test_exim_sources_of_others),
		cmocka_unit_test(test_exim_confd_of_others),
	};

	return (cmocka_run_group_tests_name("lab_statedir", tests, setup,
	    teardown));
}
