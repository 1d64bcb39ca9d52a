/*
 * test_lab_queue_stamp.c - the queue stamp the console's queue view
 * checks before reading the queue again, against real Postfix and Exim:
 * the same while the queue is still, another after each thing the MTA's
 * own tools do to a queued message (Postfix postsuper -h and -d, Exim
 * -Mf and -Mrm), and the read that follows shows what they did.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../backends/backend.h"
#include "../../core/mg_queue.h"
#include "lab_util.h"

#define PFLAB "tests/lab/postfix/lab.sh"
#define EXLAB "tests/lab/exim/lab.sh"

static char exim_bin[4096];

/* stamp - the backend's stamp of t's queue (must succeed) */
static unsigned long long
stamp(struct mg_target *t)
{
	unsigned long long st = 0;
	struct mg_err err;

	mg_err_clear(&err);
	if (mg_backend_queue_stamp(t, &st, &err) < 0)
		fail_msg("queue stamp: %s", err.msg);
	return (st);
}

/* load - t's queue into q (must succeed) */
static void
load(struct mg_target *t, struct mg_queue *q)
{
	struct mg_err err;

	mg_err_clear(&err);
	if (mg_backend_load_queue(t, q, NULL, NULL, &err) < 0)
		fail_msg("load queue: %s", err.msg);
}

/* queue_of - the queue ("hold", "frozen"...) id is in; NULL: not queued */
static const char *
queue_of(const struct mg_queue *q, const char *id)
{
	size_t i;

	for (i = 0; i < q->nmsgs; i++)
		if (strcmp(q->msgs[i].id, id) == 0)
			return (q->msgs[i].queue);
	return (NULL);
}

/* run - argv must exit 0 */
static void
run(const char *const *argv)
{
	struct mg_exec_res res;
	int rc;

	rc = lab_run(&res, argv);
	if (rc != 0)
		(void)fprintf(stderr, "%s: exit %d: %s%s\n", argv[0], rc,
		    mg_str_cstr(&res.out), mg_str_cstr(&res.err));
	assert_int_equal(rc, 0);
	mg_exec_res_free(&res);
}

/* test_postfix_stamp - postsuper moves and removes: the stamp follows */
static void
test_postfix_stamp(void **state)
{
	const char *dir = lab_instance(PFLAB, "sasl-root", 1);
	const char *fill[] = { "fill-incident3", dir, "10", NULL };
	const char *flush[] = { "flush-wait", dir, NULL };
	char etc[4096], id[64];
	const char *hold[] = { "postsuper", "-c", etc, "-h", id, NULL };
	const char *del[] = { "postsuper", "-c", etc, "-d", id, NULL };
	struct mg_target t;
	struct mg_queue q;
	unsigned long long a, b;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	assert_int_equal(lab_script(PFLAB, fill), 0);
	assert_int_equal(lab_script(PFLAB, flush), 0);
	/* then the queue is still: everything deferred at the closed
	 * relayhost, retried only after queue_run_delay (300 s) */
	memset(&t, 0, sizeof(t));
	t.backend = &mg_backend_postfix;
	t.config_dir = etc;

	a = stamp(&t);
	assert_true(a == stamp(&t));
	load(&t, &q);
	assert_int_equal(q.nmsgs, 30);
	(void)snprintf(id, sizeof(id), "%s", q.msgs[0].id);
	assert_string_equal(queue_of(&q, id), "deferred");
	mg_queue_free(&q);

	run(hold);
	b = stamp(&t);
	assert_true(b != a);
	assert_true(b == stamp(&t));
	load(&t, &q);
	assert_int_equal(q.nmsgs, 30);
	assert_string_equal(queue_of(&q, id), "hold");
	mg_queue_free(&q);

	run(del);
	a = stamp(&t);
	assert_true(a != b);
	load(&t, &q);
	assert_int_equal(q.nmsgs, 29);
	assert_null(queue_of(&q, id));
	mg_queue_free(&q);
	lab_stop(PFLAB, dir);
}

/* test_exim_stamp - exim -Mf (the -H file rewritten) and -Mrm: the
 * stamp follows */
static void
test_exim_stamp(void **state)
{
	const char *dir = lab_instance(EXLAB, "incident1-template", 0);
	const char *fill[] = { "fill", dir, "10", NULL };
	char conf[4096], id[64];
	const char *freeze[] = { exim_bin, "-C", conf, "-Mf", id, NULL };
	const char *rm[] = { exim_bin, "-C", conf, "-Mrm", id, NULL };
	struct mg_target t;
	struct mg_queue q;
	unsigned long long a, b;

	(void)state;
	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	assert_int_equal(lab_script(EXLAB, fill), 0);
	memset(&t, 0, sizeof(t));
	t.backend = &mg_backend_exim;
	t.bin = exim_bin;
	t.config_file = conf;

	a = stamp(&t);
	assert_true(a == stamp(&t));
	load(&t, &q);
	assert_int_equal(q.nmsgs, 10);
	(void)snprintf(id, sizeof(id), "%s", q.msgs[0].id);
	assert_string_not_equal(queue_of(&q, id), "frozen");
	mg_queue_free(&q);

	run(freeze);
	b = stamp(&t);
	assert_true(b != a);
	load(&t, &q);
	assert_string_equal(queue_of(&q, id), "frozen");
	mg_queue_free(&q);

	run(rm);
	a = stamp(&t);
	assert_true(a != b);
	load(&t, &q);
	assert_int_equal(q.nmsgs, 9);
	assert_null(queue_of(&q, id));
	mg_queue_free(&q);
}

/* setup - private root, and the lab's exim binary */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-stamp");
	return (lab_exim_bin(exim_bin, sizeof(exim_bin)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_postfix_stamp),
		cmocka_unit_test(test_exim_stamp),
	};

	return (cmocka_run_group_tests_name("lab_queue_stamp", tests, setup,
	    lab_teardown));
}
