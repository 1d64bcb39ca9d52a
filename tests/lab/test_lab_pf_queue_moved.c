/*
 * test_lab_pf_queue_moved - a message qmgr moves from one queue to
 * another while "queue" walks them is seen in both: made deterministic
 * with real Postfix queue files by giving a deferred message a second
 * name in hold/ (what a scan that read deferred/ before the move and
 * hold/ after it sees).  It is counted once, in hold (the queue read
 * later); postqueue -j on the same queue is the baseline for the rest.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../core/mg_str.h"
#include "lab_util.h"

#define LAB "tests/lab/postfix/lab.sh"

/* first_deferred - the path and name of one file under deferred/ */
static int
first_deferred(const char *spool, char *path, size_t size, char *id,
    size_t idsize)
{
	char sub[PATH_MAX];
	struct dirent *d, *e;
	DIR *dp, *sp;

	if (snprintf(sub, sizeof(sub), "%s/deferred", spool) >=
	    (int)sizeof(sub) || (dp = opendir(sub)) == NULL)
		return (-1);
	while ((d = readdir(dp)) != NULL) {
		if (d->d_name[0] == '.')
			continue;
		if (snprintf(sub, sizeof(sub), "%s/deferred/%s", spool,
		    d->d_name) >= (int)sizeof(sub) || (sp = opendir(sub)) ==
		    NULL)
			continue;
		while ((e = readdir(sp)) != NULL)
			if (e->d_name[0] != '.' && snprintf(path, size,
			    "%s/%s", sub, e->d_name) < (int)size &&
			    snprintf(id, idsize, "%s", e->d_name) <
			    (int)idsize) {
				(void)closedir(sp);
				(void)closedir(dp);
				return (0);
			}
		(void)closedir(sp);
	}
	(void)closedir(dp);
	return (-1);
}

/* test_moved_between_queues_counted_once - 5 deferred messages, one of
 * them also linked into hold/: queue --json says 5 messages in 6 files */
static void
test_moved_between_queues_counted_once(void **state)
{
	const char *dir = lab_instance(LAB, "relay-default36", 1);
	const char *fill[] = { "fill", dir, "--from", "a@example.org", "--to",
	    "bob@example.net", "--count", "5", NULL };
	const char *flush[] = { "flush-wait", dir, NULL };
	const char *stop[] = { "stop", dir, NULL };
	char etc[4096], spool[4096], path[PATH_MAX], id[128], held[PATH_MAX];
	const char *mg[] = { "./mailguard-tui", "--postfix", etc, "queue",
	    "--by", "sender", "--json", NULL };
	struct mg_str out = MG_STR_INIT;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(spool, sizeof(spool), "%s/spool", dir);
	assert_int_equal(lab_script(LAB, fill), 0);
	assert_int_equal(lab_script(LAB, flush), 0);
	/* stopped: nothing moves while the test arranges the queue */
	assert_int_equal(lab_script(LAB, stop), 0);
	assert_int_equal(first_deferred(spool, path, sizeof(path), id,
	    sizeof(id)), 0);
	assert_true(snprintf(held, sizeof(held), "%s/hold/%s", spool, id) <
	    (int)sizeof(held));
	assert_int_equal(link(path, held), 0);

	assert_int_equal(lab_capture(mg, &out), 0);
	(void)printf("    %s in deferred/ and hold/\n", id);
	assert_int_equal(lab_jq(out.data, ".total == 5 and .files == 6 and "
	    ".groups[0].count == 5", NULL), 0);
	mg_str_free(&out);
	(void)unlink(held);
}

/* setup - a private root */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-pf-moved");
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_moved_between_queues_counted_once),
	};

	return (cmocka_run_group_tests_name("lab_pf_queue_moved", tests, setup,
	    lab_teardown));
}
