/*
 * test_engine_queue.c - the engine's purge, hold and restore driven
 * through the backend seam on a fake MTA's queue in a temp directory
 * (fake_queue.h): what is quarantined is what is deleted and journaled,
 * and a rollback puts back exactly those, byte-identical.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <limits.h>
#include <time.h>
#include <unistd.h>

#include "../../core/mg_exec.h"
#include "../../core/mg_file.h"
#include "../../engine/mg_journal.h"
#include "../../engine/queue_purge.h"
#include "../../engine/queue_restore.h"
#include "fake_queue.h"
#include "mg_test.h"

#define NMSGS 10
#define NROOT 6			/* of them, sent by SASL user root */
#define NLATE 6			/* root's, queued after a question */

static char root[64];
static char spool[128], state[128];
static struct mg_target target;
static char *orig[NMSGS + NLATE];	/* each message's bytes */
static FILE *devnull;

/* fsync interposed: the paths synced, in order, while recording */
static int fsync_record;
static char fsynced[256][PATH_MAX];
static size_t nfsynced, synced_at_delete;

/*
 * fsync - the C library's, after noting the descriptor's path (the
 * engine's and backend's calls resolve to this definition in the test
 * binary)
 */
int
fsync(int fd)
{
	char link[64];
	ssize_t n;

	if (fsync_record && nfsynced < MG_NELEM(fsynced)) {
		(void)snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, fsynced[nfsynced], PATH_MAX - 1);
		fsynced[nfsynced][n > 0 ? n : 0] = '\0';
		nfsynced++;
	}
	return ((int)syscall(SYS_fsync, fd));
}

/* note_delete - how many fsyncs came before the fake's first delete */
static void
note_delete(void)
{
	synced_at_delete = nfsynced;
}

/* synced_before_delete - path was fsync'd before the delete */
static int
synced_before_delete(const char *path)
{
	size_t i;

	for (i = 0; i < synced_at_delete; i++)
		if (strcmp(fsynced[i], path) == 0)
			return (1);
	(void)fprintf(stderr, "no fsync of %s before the delete\n", path);
	return (0);
}

/* msg_id - the ID of message i */
static void
msg_id(size_t i, char *buf, size_t size)
{
	(void)snprintf(buf, size, "4F%04zuAB", i);
}

/* write_msg - message i into queue (a binary-ish body, so a copy that
 * is not exact shows); the first NROOT and the late ones root's */
static void
write_msg(size_t i, const char *queue)
{
	char id[32], path[256];
	struct mg_str s = MG_STR_INIT;
	FILE *f;

	msg_id(i, id, sizeof(id));
	mg_str_printf(&s, "sender=user%zu@example.org\nsasl=%s\n"
	    "rcpt=victim%zu@example.net\n\nbody %zu \x01\xff\xc3\xa9\n", i,
	    i < NROOT || i >= NMSGS ? "root" : "alice", i, i);
	(void)snprintf(path, sizeof(path), "%s/%s/%s", spool, queue, id);
	assert_non_null(f = fopen(path, "w"));
	assert_int_equal(fwrite(s.data, 1, s.len, f), s.len);
	assert_int_equal(fclose(f), 0);
	orig[i] = mg_str_steal(&s);
}

/* where - "active", "hold", or NULL: where message i is now, its bytes
 * checked against the original */
static const char *
where(size_t i)
{
	static const char *const queues[] = { "active", "hold" };
	struct mg_str s = MG_STR_INIT;
	struct mg_err err;
	char id[32], path[256];
	size_t k;

	msg_id(i, id, sizeof(id));
	for (k = 0; k < 2; k++) {
		(void)snprintf(path, sizeof(path), "%s/%s/%s", spool,
		    queues[k], id);
		if (access(path, F_OK) != 0)
			continue;
		assert_int_equal(mg_file_read(path, MG_FILE_MAX, &s, NULL,
		    &err), 0);
		assert_int_equal(s.len, strlen(orig[i]));
		assert_memory_equal(s.data, orig[i], s.len);
		mg_str_free(&s);
		return (queues[k]);
	}
	return (NULL);
}

/* count_files - regular files in dir named like queue IDs */
static size_t
count_files(const char *dir)
{
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	if ((d = opendir(dir)) == NULL)
		return (0);
	while ((de = readdir(d)) != NULL)
		n += strncmp(de->d_name, "4F", 2) == 0;
	(void)closedir(d);
	return (n);
}

/* journal_ids - how many IDs journal entry id lists */
static size_t
journal_ids(long id)
{
	struct mg_journal j;
	struct mg_err err;
	char **ids = NULL;
	size_t n = 0, i;

	assert_int_equal(mg_journal_open(&j, state, 0, &err), 0);
	assert_int_equal(mg_journal_queue_ids(&j, id, &ids, &n, &err), 0);
	for (i = 0; i < n; i++)
		free(ids[i]);
	free(ids);
	mg_journal_close(&j);
	return (n);
}

/* restore - roll back entry id (sel NULL: all of it) into res */
static int
restore(long id, const struct mg_qsel *sel, struct mg_restore_result *res)
{
	struct mg_journal j;
	struct mg_jentry *v = NULL;
	struct mg_err err;
	size_t n = 0;
	int rc;

	assert_int_equal(mg_journal_open(&j, state, 1, &err), 0);
	assert_int_equal(mg_journal_entries(&j, id, 0, &v, &n, &err), 0);
	assert_int_equal(n, 1);
	rc = mg_queue_restore(&target, &j, &v[0], sel, devnull, res, &err);
	mg_jentries_free(v, n);
	mg_journal_close(&j);
	return (rc);
}

/* test_purge_then_restore - a purge of root's mail quarantines, deletes
 * and journals the same 6 messages (one of them held before); a
 * rollback puts back exactly those, byte-identical, the held one on
 * hold again; a second rollback puts back nothing twice */
static void
test_purge_then_restore(void **state_)
{
	struct mg_purge_result res;
	struct mg_restore_result rr;
	struct mg_qsel sel;
	struct mg_err err;
	size_t i;

	(void)state_;
	memset(&sel, 0, sizeof(sel));
	sel.sasl = "root";
	assert_int_equal(mg_queue_purge(&target, &sel, devnull, NULL, &res,
	    &err), 0);
	assert_int_equal(res.selected, NROOT);
	assert_int_equal(res.quarantined, NROOT);
	assert_int_equal(res.deleted, NROOT);
	assert_int_equal(res.remaining, 0);
	assert_int_equal(res.gone, 0);
	assert_int_equal(fq_calls.copied, NROOT);
	assert_int_equal(fq_calls.deleted, NROOT);
	assert_int_equal(journal_ids(res.entry), NROOT);
	assert_int_equal(count_files(res.quarantine), NROOT);
	for (i = 0; i < NMSGS; i++) {
		if (i < NROOT)
			assert_null(where(i));
		else
			assert_string_equal(where(i), "active");
	}

	assert_int_equal(restore(res.entry, NULL, &rr), 0);
	assert_int_equal(rr.total, NROOT);
	assert_int_equal(rr.placed, NROOT);
	assert_int_equal(rr.restored, NROOT);
	assert_int_equal(rr.kept_held, 1);
	assert_int_equal(rr.failed, 0);
	assert_int_equal(rr.back, NROOT);
	assert_int_equal(fq_calls.placed, NROOT);
	for (i = 0; i < NMSGS; i++)
		assert_string_equal(where(i), i == 0 ? "hold" : "active");

	/* again: all back already, nothing put back twice */
	assert_int_equal(restore(res.entry, NULL, &rr), 0);
	assert_int_equal(rr.placed, 0);
	assert_int_equal(rr.stayed + rr.already, NROOT);
	assert_int_equal(fq_calls.placed, NROOT);
}

/* test_quarantine_durable_before_delete - the quarantine's copies, its
 * entry directory, quarantine/ and the state directory are all fsync'd
 * before the backend deletes the first message */
static void
test_quarantine_durable_before_delete(void **state_)
{
	struct mg_purge_result res;
	struct mg_qsel sel;
	struct mg_err err;
	char path[PATH_MAX];
	size_t i, copies = 0;

	(void)state_;
	memset(&sel, 0, sizeof(sel));
	sel.sasl = "root";
	nfsynced = 0;
	synced_at_delete = 0;
	fq_calls.before_delete = note_delete;
	fsync_record = 1;
	assert_int_equal(mg_queue_purge(&target, &sel, devnull, NULL, &res,
	    &err), 0);
	fsync_record = 0;
	fq_calls.before_delete = NULL;
	assert_int_equal(res.deleted, NROOT);
	assert_true(synced_at_delete > 0);
	/* each copy in the quarantine (not its README) synced before the
	 * first delete */
	for (i = 0; i < synced_at_delete; i++)
		if (strncmp(fsynced[i], res.quarantine,
		    strlen(res.quarantine)) == 0 &&
		    fsynced[i][strlen(res.quarantine)] == '/' &&
		    strcmp(fsynced[i] + strlen(res.quarantine),
		    "/README") != 0)
			copies++;
	assert_int_equal(copies, NROOT);
	assert_true(synced_before_delete(res.quarantine));
	(void)snprintf(path, sizeof(path), "%s/quarantine", state);
	assert_true(synced_before_delete(path));
	assert_true(synced_before_delete(state));
}

/* test_restore_selection - a rollback with a selector judges the
 * quarantine copies: only the chosen message comes back */
static void
test_restore_selection(void **state_)
{
	struct mg_purge_result res;
	struct mg_restore_result rr;
	struct mg_qsel sel;
	struct mg_err err;

	(void)state_;
	memset(&sel, 0, sizeof(sel));
	sel.sasl = "alice";
	assert_int_equal(mg_queue_purge(&target, &sel, devnull, NULL, &res,
	    &err), 0);
	assert_int_equal(res.quarantined, NMSGS - NROOT);
	memset(&sel, 0, sizeof(sel));
	sel.sender = "user7@example.org";
	assert_int_equal(restore(res.entry, &sel, &rr), 0);
	assert_int_equal(rr.total, NMSGS - NROOT);
	assert_int_equal(rr.chosen, 1);
	assert_int_equal(rr.placed, 1);
	assert_string_equal(where(7), "active");
	assert_null(where(6));
	assert_null(where(8));
}

/* test_hold_then_release - a hold moves exactly the selection and
 * journals it; its rollback releases them (never deleted, nothing
 * placed) */
static void
test_hold_then_release(void **state_)
{
	struct mg_purge_result res;
	struct mg_restore_result rr;
	struct mg_qsel sel;
	struct mg_err err;
	size_t i;

	(void)state_;
	memset(&sel, 0, sizeof(sel));
	sel.sasl = "alice";
	assert_int_equal(mg_queue_act(&target, MG_QA_HOLD, &sel, devnull,
	    NULL, &res, &err), 0);
	assert_int_equal(res.selected, NMSGS - NROOT);
	assert_int_equal(res.held, NMSGS - NROOT);
	assert_int_equal(res.remaining, 0);
	assert_int_equal(fq_calls.held, NMSGS - NROOT);
	assert_int_equal(journal_ids(res.entry), NMSGS - NROOT);
	for (i = NROOT; i < NMSGS; i++)
		assert_string_equal(where(i), "hold");
	assert_string_equal(where(1), "active");

	assert_int_equal(restore(res.entry, NULL, &rr), 0);
	assert_int_equal(rr.released, NMSGS - NROOT);
	assert_int_equal(rr.placed, 0);
	assert_int_equal(rr.back, NMSGS - NROOT);
	assert_int_equal(fq_calls.released, NMSGS - NROOT);
	for (i = 0; i < NMSGS; i++)
		assert_string_equal(where(i), i == 0 ? "hold" : "active");

	/* requeue: the fake says it cannot, the engine reports it */
	assert_int_equal(mg_queue_act(&target, MG_QA_REQUEUE, &sel, devnull,
	    NULL, &res, &err), -1);
	assert_non_null(strstr(err.msg, "no requeue"));
}

/*
 * test_act_on_confirmed_read - hold and release act on the read their
 * question counted: root's 6 counted are held, the 3 queued after that
 * read stay active although they match; a release counted on the next
 * read releases those 6, not 3 more held after it
 */
static void
test_act_on_confirmed_read(void **state_)
{
	struct mg_purge_result res;
	struct mg_queue q;
	struct mg_qsel sel;
	struct mg_err err;
	size_t i;

	(void)state_;
	memset(&sel, 0, sizeof(sel));
	sel.sasl = "root";
	mg_queue_init(&q);
	assert_int_equal(mg_backend_load_queue(&target, &q, NULL, NULL, &err),
	    0);
	for (i = NMSGS; i < NMSGS + 3; i++)
		write_msg(i, "active");
	assert_int_equal(mg_queue_act_scanned(&target, &q, MG_QA_HOLD, &sel,
	    devnull, NULL, &res, &err), 0);
	mg_queue_free(&q);
	assert_int_equal(res.selected, NROOT);
	assert_int_equal(res.held, NROOT);
	assert_int_equal(res.remaining, 0);
	/* message 0 was held already: not moved again */
	assert_int_equal(fq_calls.held, NROOT - 1);
	assert_int_equal(journal_ids(res.entry), NROOT);
	for (i = 0; i < NROOT; i++)
		assert_string_equal(where(i), "hold");
	for (i = NMSGS; i < NMSGS + 3; i++)
		assert_string_equal(where(i), "active");

	mg_queue_init(&q);
	assert_int_equal(mg_backend_load_queue(&target, &q, NULL, NULL, &err),
	    0);
	for (i = NMSGS + 3; i < NMSGS + NLATE; i++)
		write_msg(i, "hold");
	assert_int_equal(mg_queue_act_scanned(&target, &q, MG_QA_RELEASE,
	    &sel, devnull, NULL, &res, &err), 0);
	mg_queue_free(&q);
	/* the read counted root's 6 held and 3 active */
	assert_int_equal(res.selected, NROOT + 3);
	assert_int_equal(res.remaining, 0);
	assert_int_equal(fq_calls.released, NROOT);
	for (i = 0; i < NMSGS + 3; i++)
		assert_string_equal(where(i), "active");
	for (i = NMSGS + 3; i < NMSGS + NLATE; i++)
		assert_string_equal(where(i), "hold");
}

/* test_preview_names_the_action - the preview's first line names the
 * action asked (a hold is not called a purge), the count and what
 * stays */
static void
test_preview_names_the_action(void **state_)
{
	struct mg_queue q;
	struct mg_qsel sel;
	struct mg_err err;
	size_t *idx = NULL, n, len = 0;
	char *text = NULL;
	FILE *f;

	(void)state_;
	memset(&sel, 0, sizeof(sel));
	sel.sasl = "root";
	mg_queue_init(&q);
	assert_int_equal(mg_backend_load_queue(&target, &q, NULL, NULL, &err),
	    0);
	assert_int_equal(mg_purge_select(&q, &sel, time(NULL), &idx, &n), 0);
	assert_non_null(f = open_memstream(&text, &len));
	mg_purge_preview(f, "hold", &q, idx, n, &sel);
	assert_int_equal(fclose(f), 0);
	assert_true(strncmp(text, "hold --sasl root: 6 of 10 queued messages "
	    "selected; 4 stay\n", 59) == 0);
	free(text);
	free(idx);
	mg_queue_free(&q);
}

/* setup - a spool of NMSGS messages, message 0 on hold */
static int
setup(void **state_)
{
	char path[160];
	size_t i;

	(void)state_;
	(void)snprintf(root, sizeof(root), "/tmp/mg-equeue.XXXXXX");
	if (mkdtemp(root) == NULL)
		return (-1);
	(void)snprintf(spool, sizeof(spool), "%s/spool", root);
	(void)snprintf(state, sizeof(state), "%s/state", root);
	if (mkdir(spool, 0700) < 0 || mkdir(state, 0700) < 0)
		return (-1);
	(void)snprintf(path, sizeof(path), "%s/active", spool);
	if (mkdir(path, 0700) < 0)
		return (-1);
	(void)snprintf(path, sizeof(path), "%s/hold", spool);
	if (mkdir(path, 0700) < 0)
		return (-1);
	for (i = 0; i < NMSGS; i++)
		write_msg(i, i == 0 ? "hold" : "active");
	memset(&target, 0, sizeof(target));
	target.backend = &fq_backend;
	target.config_dir = spool;
	target.state_dir = state;
	memset(&fq_calls, 0, sizeof(fq_calls));
	devnull = fopen("/dev/null", "w");
	return (devnull == NULL ? -1 : 0);
}

/* teardown - remove it all */
static int
teardown(void **state_)
{
	const char *argv[] = { "rm", "-rf", root, NULL };
	struct mg_exec_res res;
	struct mg_err err;
	size_t i;
	int rc;

	(void)state_;
	for (i = 0; i < NMSGS + NLATE; i++) {
		free(orig[i]);
		orig[i] = NULL;
	}
	(void)fclose(devnull);
	rc = mg_exec_run(argv, 10000, &res, &err);
	mg_exec_res_free(&res);
	return (rc);
}

/* entry_state - journal entry id's state, into buf */
static void
entry_state(long id, char *buf, size_t size)
{
	struct mg_journal j;
	struct mg_jentry *v = NULL;
	struct mg_err err;
	size_t n = 0;

	assert_int_equal(mg_journal_open(&j, state, 0, &err), 0);
	assert_int_equal(mg_journal_entries(&j, id, 0, &v, &n, &err), 0);
	assert_int_equal(n, 1);
	(void)snprintf(buf, size, "%s", v[0].state);
	mg_jentries_free(v, n);
	mg_journal_close(&j);
}

/* set_state - journal entry id's state set to s (as a kill leaves it) */
static void
set_state(long id, const char *s)
{
	struct mg_journal j;
	struct mg_err err;

	assert_int_equal(mg_journal_open(&j, state, 0, &err), 0);
	assert_int_equal(mg_journal_set(&j, id, "state", s), 0);
	mg_journal_close(&j);
}

/*
 * test_purge_finish - a purge stopped after its copies and before its
 * delete, left "applying" as a kill leaves it: finishing it deletes
 * exactly its 6 messages (held, each copied afresh over the old copy)
 * and marks it done; a second finish, a finish of a hold and of no entry
 * are refused and change nothing; the rollback then puts back each of
 * the 6 once
 */
static void
test_purge_finish(void **state_)
{
	struct mg_purge_result res, fin;
	struct mg_restore_result rr;
	struct mg_qsel sel;
	struct mg_err err;
	char st[64];
	size_t i;

	(void)state_;
	memset(&sel, 0, sizeof(sel));
	sel.sasl = "root";
	fq_calls.stop_before_delete = 1;
	assert_int_equal(mg_queue_purge(&target, &sel, devnull, NULL, &res,
	    &err), -1);
	fq_calls.stop_before_delete = 0;
	set_state(res.entry, "applying");
	assert_int_equal(fq_calls.deleted, 0);
	assert_int_equal(count_files(res.quarantine), NROOT);
	for (i = 0; i < NROOT; i++)
		assert_string_equal(where(i), "hold");

	assert_int_equal(mg_queue_purge_finish(&target, res.entry, devnull,
	    NULL, &fin, &err), 0);
	assert_int_equal(fin.entry, res.entry);
	assert_int_equal(fin.selected, NROOT);
	assert_int_equal(fin.deleted, NROOT);
	assert_int_equal(fin.remaining, 0);
	assert_int_equal(fq_calls.copied, 2 * NROOT);
	assert_int_equal(fq_calls.deleted, NROOT);
	assert_int_equal(count_files(res.quarantine), NROOT);
	for (i = 0; i < NMSGS; i++) {
		if (i < NROOT)
			assert_null(where(i));
		else
			assert_string_equal(where(i), "active");
	}
	entry_state(res.entry, st, sizeof(st));
	assert_string_equal(st, "done");

	/* done: refused, nothing more deleted */
	assert_int_equal(mg_queue_purge_finish(&target, res.entry, devnull,
	    NULL, &fin, &err), -1);
	assert_non_null(strstr(err.msg, "only a purge that was interrupted"));
	assert_int_equal(mg_queue_purge_finish(&target, res.entry + 7,
	    devnull, NULL, &fin, &err), -1);
	assert_non_null(strstr(err.msg, "no journal entry"));
	assert_int_equal(fq_calls.deleted, NROOT);

	assert_int_equal(restore(res.entry, NULL, &rr), 0);
	assert_int_equal(rr.placed, NROOT);
	assert_int_equal(fq_calls.placed, NROOT);
	for (i = 0; i < NMSGS; i++)
		assert_string_equal(where(i), i == 0 ? "hold" : "active");

	/* a hold is not a purge */
	assert_int_equal(mg_queue_act(&target, MG_QA_HOLD, &sel, devnull,
	    NULL, &res, &err), 0);
	set_state(res.entry, "applying");
	assert_int_equal(mg_queue_purge_finish(&target, res.entry, devnull,
	    NULL, &fin, &err), -1);
	assert_non_null(strstr(err.msg, "is a hold"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_purge_then_restore,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_restore_selection,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(
		    test_quarantine_durable_before_delete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hold_then_release,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_purge_finish, setup,
		    teardown),
		cmocka_unit_test_setup_teardown(test_act_on_confirmed_read,
		    setup, teardown),
		cmocka_unit_test_setup_teardown(test_preview_names_the_action,
		    setup, teardown),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
