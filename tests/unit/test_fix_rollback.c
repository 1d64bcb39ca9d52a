/* test_fix_rollback.c - the engine's rollback of a fix entry, in a temp
 * directory: asked through the confirm callback, the exact bytes back,
 * once; and what it refuses (no such entry, restore of a fix). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../core/mg_exec.h"
#include "../../core/mg_file.h"
#include "../../core/mg_hash.h"
#include "../../core/mg_install.h"
#include "../../engine/fix_rollback.h"
#include "../../engine/mg_journal.h"
#include "mg_test.h"

static char root[64];
static char state[128], file[128];
static int asked, answer, force;
static char question[200];

/* put - write a file by the code under test */
static void
put(const char *path, const char *text)
{
	struct mg_err err;

	assert_int_equal(mg_install_file(path, text, strlen(text), 0644,
	    getuid(), getgid(), &err), 0);
}

/* get - a file's text */
static char *
get(const char *path)
{
	struct mg_str s = MG_STR_INIT;
	struct mg_err err;

	assert_int_equal(mg_file_read(path, MG_FILE_MAX, &s, NULL, &err), 0);
	return (mg_str_steal(&s));
}

/* confirm - the callback: counts, remembers the question, answers */
static int
confirm(const char *q)
{
	asked++;
	(void)snprintf(question, sizeof(question), "%s", q);
	return (answer);
}

/* fix_entry - a "fix" entry that backed up file, then changed it */
static long
fix_entry(void)
{
	struct mg_journal j;
	struct mg_err err;
	long id;

	put(file, "mynetworks = 127.0.0.0/8\n");
	assert_int_equal(mg_journal_open(&j, state, 1, &err), 0);
	id = mg_journal_begin(&j, "fix", "fix pf-mynetworks", "--- diff",
	    &err);
	assert_true(id > 0);
	assert_int_equal(mg_journal_backup(&j, id, file, &err), 0);
	(void)mg_journal_set(&j, id, "state", "done");
	mg_journal_close(&j);
	put(file, "mynetworks = 127.0.0.0/8 10.0.0.0/8\n");
	return (id);
}

/* No way to ask (and no --yes): the rollback must decline unasked. */
static int no_callback;

/* rollback - mg_fix_rollback on a session that finds no MTA; what it
 * printed in *out (caller frees) */
static enum mg_rollback_result
rollback(long id, int mail_only, char **out, struct mg_err *err)
{
	struct mg_session a;
	struct mg_rollback_opts o;
	enum mg_rollback_result res;
	size_t len;
	FILE *fp;

	mg_session_init(&a);
	a.opts.postfix_dir = root;	/* no main.cf: nothing to reload */
	a.no_host = 1;
	memset(&o, 0, sizeof(o));
	assert_non_null(fp = open_memstream(out, &len));
	o.out = fp;
	o.mail_only = mail_only;
	o.force = force;
	o.confirm = no_callback ? NULL : confirm;
	res = mg_fix_rollback(&a, state, id, &o, err);
	(void)fclose(fp);
	mg_session_free(&a);
	return (res);
}

/* test_declined_changes_nothing - no at the question: the file stays */
static void
test_declined_changes_nothing(void **state_)
{
	struct mg_err err;
	char *out, *t;
	long id;

	(void)state_;
	id = fix_entry();
	asked = 0;
	answer = 0;
	assert_int_equal(rollback(id, 0, &out, &err), MG_ROLLBACK_DECLINED);
	assert_int_equal(asked, 1);
	assert_non_null(strstr(question, "Restore the files journal entry"));
	t = get(file);
	assert_string_equal(t, "mynetworks = 127.0.0.0/8 10.0.0.0/8\n");
	free(t);
	free(out);
	no_callback = 1;
	assert_int_equal(rollback(id, 0, &out, &err), MG_ROLLBACK_DECLINED);
	no_callback = 0;
	assert_int_equal(asked, 1);
	t = get(file);
	assert_string_equal(t, "mynetworks = 127.0.0.0/8 10.0.0.0/8\n");
	free(t);
	free(out);
}

/* test_rolled_back_once - yes: the bytes back, said, the entry marked;
 * a second rollback asks nothing and says so */
static void
test_rolled_back_once(void **state_)
{
	struct mg_err err;
	char *out, *t, want[64];
	long id;

	(void)state_;
	id = fix_entry();
	asked = 0;
	answer = 1;
	assert_int_equal(rollback(id, 0, &out, &err), MG_ROLLBACK_DONE);
	assert_int_equal(asked, 1);
	t = get(file);
	assert_string_equal(t, "mynetworks = 127.0.0.0/8\n");
	free(t);
	(void)snprintf(want, sizeof(want), "journal entry %ld rolled back\n",
	    id);
	assert_non_null(strstr(out, want));
	free(out);

	put(file, "changed by hand\n");
	assert_int_equal(rollback(id, 0, &out, &err), MG_ROLLBACK_DONE);
	assert_int_equal(asked, 1);
	assert_non_null(strstr(out, "is already rolled-back: nothing to do"));
	t = get(file);
	assert_string_equal(t, "changed by hand\n");
	free(t);
	free(out);
}

/* test_refusals - no such entry; restore (mail only) of a fix entry */
static void
test_refusals(void **state_)
{
	struct mg_err err;
	char *out;
	long id;

	(void)state_;
	id = fix_entry();
	asked = 0;
	answer = 1;
	assert_int_equal(rollback(id + 100, 0, &out, &err),
	    MG_ROLLBACK_UNREAD);
	assert_non_null(strstr(err.msg, "no journal entry"));
	free(out);
	assert_int_equal(rollback(id, 1, &out, &err), MG_ROLLBACK_UNREAD);
	assert_non_null(strstr(err.msg, "is no purge or hold"));
	assert_int_equal(asked, 0);
	free(out);
}

/* installed - journal that entry id installed what file holds now */
static void
installed(long id)
{
	struct mg_journal j;
	struct mg_err err;
	char hex[MG_SHA256_HEX], *t;

	t = get(file);
	assert_int_equal(mg_sha256_hex(t, strlen(t), hex, &err), 0);
	assert_int_equal(mg_journal_open(&j, state, 0, &err), 0);
	assert_int_equal(mg_journal_installed(&j, id, file, hex, t,
	    strlen(t), &err), 0);
	mg_journal_close(&j);
	free(t);
}

/* test_changed_since_refused - the file was edited after the entry
 * installed it: refused before asking, the edit shown (sanitized), the
 * file untouched; --force restores the backup over it */
static void
test_changed_since_refused(void **state_)
{
	struct mg_err err;
	char *out, *t;
	long id;

	(void)state_;
	id = fix_entry();
	installed(id);
	put(file, "mynetworks = 127.0.0.0/8 10.0.0.0/8\n"
	    "smtpd_banner = \x1b[31medited\n");
	asked = 0;
	answer = 1;
	assert_int_equal(rollback(id, 0, &out, &err), MG_ROLLBACK_FAILED);
	assert_int_equal(asked, 0);
	assert_non_null(strstr(err.msg, "changed since journal entry"));
	assert_non_null(strstr(out, "--- then\n+++ now\n@@ -1,1 +1,2 @@\n"
	    " mynetworks = 127.0.0.0/8 10.0.0.0/8\n"
	    "+smtpd_banner = \\x1b[31medited\n"));
	assert_null(strchr(out, '\x1b'));
	free(out);
	t = get(file);
	assert_string_equal(t, "mynetworks = 127.0.0.0/8 10.0.0.0/8\n"
	    "smtpd_banner = \x1b[31medited\n");
	free(t);
	force = 1;
	assert_int_equal(rollback(id, 0, &out, &err), MG_ROLLBACK_DONE);
	force = 0;
	assert_int_equal(asked, 1);
	assert_non_null(strstr(out, "--force: restoring over the change"));
	free(out);
	t = get(file);
	assert_string_equal(t, "mynetworks = 127.0.0.0/8\n");
	free(t);
}

/* test_later_entry_refused - entry 2 changed the same file after entry
 * 1: rolling back 1 is refused naming 2; 2 first, then 1, works */
static void
test_later_entry_refused(void **state_)
{
	struct mg_err err;
	char *out, *t, want[128];
	long first, second;

	(void)state_;
	first = fix_entry();
	installed(first);
	second = fix_entry();	/* backs up "127.0.0.0/8" again */
	installed(second);
	asked = 0;
	answer = 1;
	assert_int_equal(rollback(first, 0, &out, &err), MG_ROLLBACK_FAILED);
	assert_int_equal(asked, 0);
	(void)snprintf(want, sizeof(want), "journal entry %ld changed ",
	    second);
	assert_non_null(strstr(err.msg, want));
	(void)snprintf(want, sizeof(want), "roll back %ld first", second);
	assert_non_null(strstr(err.msg, want));
	free(out);
	assert_int_equal(rollback(second, 0, &out, &err), MG_ROLLBACK_DONE);
	free(out);
	put(file, "mynetworks = 127.0.0.0/8 10.0.0.0/8\n");
	installed(first);	/* as entry 1 left it */
	assert_int_equal(rollback(first, 0, &out, &err), MG_ROLLBACK_DONE);
	free(out);
	t = get(file);
	assert_string_equal(t, "mynetworks = 127.0.0.0/8\n");
	free(t);
}

/* setup - a temp directory */
static int
setup(void **state_)
{
	(void)state_;
	(void)snprintf(root, sizeof(root), "/tmp/mg-rollback.XXXXXX");
	if (mkdtemp(root) == NULL)
		return (-1);
	(void)snprintf(state, sizeof(state), "%s/state", root);
	(void)snprintf(file, sizeof(file), "%s/main.cf.test", root);
	return (0);
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
		cmocka_unit_test(test_declined_changes_nothing),
		cmocka_unit_test(test_rolled_back_once),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_changed_since_refused),
		cmocka_unit_test(test_later_entry_refused),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
