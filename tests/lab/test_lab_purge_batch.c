/*
 * test_lab_purge_batch.c - a purge large enough to cross its batches
 * (MG_QSYNC_BATCH copies per sync, one postsuper -d / exim -Mrm per
 * batch) on real Postfix and real Exim: the messages the MTA no longer
 * lists == the files in the quarantine == the count the tool reports,
 * and the rollback brings every one back (counted by the MTA again).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../backends/queue_types.h"
#include "../../core/mg_str.h"
#include "lab_util.h"

#define PFLAB "tests/lab/postfix/lab.sh"
#define EXLAB "tests/lab/exim/lab.sh"
/* over one batch and a part of another */
#define ROOT_N (MG_QSYNC_BATCH + MG_QSYNC_BATCH / 2)
#define OTHER_N 20		/* Postfix: alice's (lab.sh); Exim: others */

static char exim_bin[4096];

/* One lab instance and how to run mailguard-tui on it. */
struct inst {
	int exim;
	char conf[4096];	/* Postfix: DIR/etc; Exim: DIR/exim4.conf */
	char st[4096];		/* --state */
};

/* mg - mailguard-tui on the instance with args; the exit code; stdout
 * and stderr in out */
static int
mg(const struct inst *in, const char *const *args, struct mg_str *out)
{
	const char *argv[32];
	struct mg_exec_res res;
	size_t n = 0;
	int rc;

	argv[n++] = "./mailguard-tui";
	argv[n++] = in->exim ? "--exim" : "--postfix";
	argv[n++] = in->conf;
	if (in->exim) {
		argv[n++] = "--exim-bin";
		argv[n++] = exim_bin;
	}
	argv[n++] = "--state";
	argv[n++] = in->st;
	while (*args != NULL && n < 31)
		argv[n++] = *args++;
	argv[n] = NULL;
	rc = lab_run(&res, argv);
	mg_str_init(out);
	mg_str_append(out, res.out.data, res.out.len);
	mg_str_append(out, res.err.data, res.err.len);
	mg_exec_res_free(&res);
	return (rc);
}

/* queued - the messages the MTA lists: postqueue -j lines (one JSON
 * object per message), exim -bpc */
static size_t
queued(const struct inst *in)
{
	const char *pq[] = { "postqueue", "-c", in->conf, "-j", NULL };
	const char *bpc[] = { exim_bin, "-C", in->conf, "-bpc", NULL };
	struct mg_str out;
	size_t n = 0;
	const char *p;

	assert_int_equal(lab_capture(in->exim ? bpc : pq, &out), 0);
	if (in->exim)
		n = (size_t)strtoul(out.data, NULL, 10);
	else
		for (p = out.data; (p = strchr(p, '\n')) != NULL; p++)
			n++;
	mg_str_free(&out);
	return (n);
}

/* files - the regular files of quarantine entry ENTRY but its README and
 * purge.log (Exim) */
static size_t
files(const struct inst *in, long entry)
{
	char path[4200];
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	(void)snprintf(path, sizeof(path), "%s/quarantine/%ld", in->st,
	    entry);
	assert_non_null(d = opendir(path));
	while ((de = readdir(d)) != NULL)
		n += de->d_type == DT_REG && strcmp(de->d_name, "README") !=
		    0 && strcmp(de->d_name, "purge.log") != 0;
	(void)closedir(d);
	return (n);
}

/* number_after - the number after what in text, -1 if absent */
static long
number_after(const char *text, const char *what)
{
	const char *p = strstr(text, what);

	return (p != NULL ? strtol(p + strlen(what), NULL, 10) : -1);
}

/*
 * purge_and_back - purge --sasl root on a queue of ROOT_N + OTHER_N:
 * gone from the queue == quarantined == reported; rollback: all back
 */
static void
purge_and_back(const struct inst *in, size_t per_msg)
{
	const char *purge[] = { "purge", "--sasl", "root", "--yes", NULL };
	char id[32];
	const char *back[] = { "rollback", id, "--yes", NULL };
	struct mg_str out;
	size_t before, after;
	long entry, reported;

	before = queued(in);
	assert_int_equal(before, ROOT_N + OTHER_N);
	assert_int_equal(mg(in, purge, &out), 0);
	reported = number_after(out.data, "purged ");
	entry = number_after(out.data, "(journal entry ");
	mg_str_free(&out);
	after = queued(in);
	(void)printf("    purge: %zu -> %zu queued, %zu quarantine files, "
	    "%ld reported\n", before, after, files(in, entry), reported);
	assert_int_equal(before - after, ROOT_N);
	assert_int_equal(files(in, entry), ROOT_N * per_msg);
	assert_int_equal(reported, ROOT_N);

	(void)snprintf(id, sizeof(id), "%ld", entry);
	assert_int_equal(mg(in, back, &out), 0);
	reported = number_after(out.data, "restored ");
	mg_str_free(&out);
	(void)printf("    rollback: %ld restored, %zu queued\n", reported,
	    queued(in));
	assert_int_equal(reported, ROOT_N);
	assert_int_equal(queued(in), before);
}

/* test_postfix_batches - real Postfix, incident 3's queue */
static void
test_postfix_batches(void **state)
{
	struct inst in = { .exim = 0 };
	const char *dir = lab_dir(PFLAB, "sasl-root");
	const char *setup[] = { "setup", "sasl-root", dir, NULL };
	const char *start[] = { "start", dir, NULL };
	char n[32];
	const char *fill[] = { "fill-incident3", dir, n, NULL };
	const char *flush[] = { "flush-wait", dir, NULL };

	(void)state;
	(void)snprintf(n, sizeof(n), "%d", ROOT_N);
	(void)snprintf(in.conf, sizeof(in.conf), "%s/etc", dir);
	(void)snprintf(in.st, sizeof(in.st), "%s/state", dir);
	assert_int_equal(lab_script(PFLAB, setup), 0);
	assert_int_equal(lab_script(PFLAB, start), 0);
	assert_int_equal(lab_script(PFLAB, fill), 0);
	assert_int_equal(lab_script(PFLAB, flush), 0);
	purge_and_back(&in, 1);
}

/* test_exim_batches - real Exim: root's stolen login and others' mail */
static void
test_exim_batches(void **state)
{
	struct inst in = { .exim = 1 };
	const char *dir = lab_dir(EXLAB, "incident1-template");
	const char *setup[] = { "setup", "incident1-template", dir, NULL };
	char n[32], m[32];
	const char *root[] = { "fill", dir, n, "--auth-id", "root",
	    "--host-address", "93.122.252.5", "--sender",
	    "root@mail.example.com", NULL };
	const char *other[] = { "fill", dir, m, NULL };

	(void)state;
	(void)snprintf(n, sizeof(n), "%d", ROOT_N);
	(void)snprintf(m, sizeof(m), "%d", OTHER_N);
	(void)snprintf(in.conf, sizeof(in.conf), "%s/exim4.conf", dir);
	(void)snprintf(in.st, sizeof(in.st), "%s/state", dir);
	assert_int_equal(lab_script(EXLAB, setup), 0);
	assert_int_equal(lab_script(EXLAB, root), 0);
	assert_int_equal(lab_script(EXLAB, other), 0);
	purge_and_back(&in, 2);		/* ID-H and ID-D */
}

/* setup - private root, the lab's exim */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-purge-batch");
	return (lab_exim_bin(exim_bin, sizeof(exim_bin)));
}

int
main(void)
{
	const char *only = getenv("MG_LAB_ONLY");

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_postfix_batches),
		cmocka_unit_test(test_exim_batches),
	};

	if (only != NULL)
		cmocka_set_test_filter(only);	/* one test while working */
	return (cmocka_run_group_tests_name("lab_purge_batch", tests, setup,
	    lab_teardown));
}
