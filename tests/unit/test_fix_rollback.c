/* test_fix_rollback.c - the engine's rollback of a fix entry, in a temp
 * directory: asked through the confirm callback, the exact bytes back,
 * once; and what it refuses (no such entry, restore of a fix). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../core/mg_exec.h"
#include "../../core/mg_file.h"
#include "../../core/mg_install.h"
#include "../../engine/fix_rollback.h"
#include "../../engine/mg_journal.h"
#include "mg_test.h"

static char root[64];
static char state[128], file[128];
static int asked, answer;
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
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
