/*
 * test_lab_purge_durable.c - a purge deletes mail only once its
 * quarantine is durable: under strace (fsync, syncfs, openat, linkat and
 * execve, with the paths of the descriptors), every quarantined file is
 * fsync'd, or created (or hard-linked from the queue, Postfix's default
 * on one filesystem) before a syncfs of its filesystem, and the quarantine
 * entry's directory, quarantine/ and the state directory are fsync'd,
 * all before the first "postsuper -d" runs.  Postfix lab sasl-root,
 * incident 3's queue.
 * Exim: the quarantine entry's filesystem synced (syncfs) before the
 * first exim -Mrm.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../core/mg_file.h"
#include "../../core/mg_str.h"
#include "lab_util.h"

#define LAB "tests/lab/postfix/lab.sh"
#define EXLAB "tests/lab/exim/lab.sh"

/* synced_before - the trace, up to (not including) offset end, has an
 * fsync of a descriptor whose path is exactly path */
static int
synced_before(const char *trace, size_t end, const char *path)
{
	struct mg_str want = MG_STR_INIT;
	const char *p;
	int found = 0;

	mg_str_printf(&want, "<%s>) = 0", path);
	for (p = trace; (p = strstr(p, "fsync(")) != NULL &&
	    (size_t)(p - trace) < end; p++) {
		const char *nl = strchr(p, '\n');
		const char *at = strstr(p, want.data);

		if (at != NULL && (nl == NULL || at < nl)) {
			found = 1;
			break;
		}
	}
	if (!found)
		(void)fprintf(stderr, "    no fsync of %s before the delete\n",
		    path);
	mg_str_free(&want);
	return (found);
}

/* created_then_syncfs - the trace, before offset end, creates path
 * (an openat that returns a descriptor on it) and later has a syncfs */
static int
created_then_syncfs(const char *trace, size_t end, const char *path)
{
	struct mg_str want = MG_STR_INIT;
	const char *p, *made = NULL, *sync;

	mg_str_printf(&want, "<%s>\n", path);
	for (p = trace; (p = strstr(p, want.data)) != NULL &&
	    (size_t)(p - trace) < end; p++) {
		const char *bol = p;

		while (bol > trace && bol[-1] != '\n')
			bol--;
		if (strstr(bol, "openat(") != NULL && strstr(bol, "openat(") <
		    p && strstr(bol, "O_CREAT") != NULL && strstr(bol,
		    "O_CREAT") < p) {
			made = p;
			break;
		}
	}
	mg_str_free(&want);
	if (made == NULL)
		return (0);
	sync = strstr(made, "syncfs(");
	return (sync != NULL && (size_t)(sync - trace) < end && strstr(sync,
	    ") = 0") != NULL);
}

/* linked_then_syncfs - the trace, before offset end, links name into the
 * directory qdir (a linkat that returns 0) and later has a syncfs */
static int
linked_then_syncfs(const char *trace, size_t end, const char *qdir,
    const char *name)
{
	struct mg_str want = MG_STR_INIT;
	const char *p, *made = NULL, *sync;

	mg_str_printf(&want, "<%s>, \"%s\", 0) = 0\n", qdir, name);
	for (p = trace; (p = strstr(p, want.data)) != NULL &&
	    (size_t)(p - trace) < end; p++) {
		const char *bol = p;

		while (bol > trace && bol[-1] != '\n')
			bol--;
		if (strstr(bol, "linkat(") != NULL && strstr(bol, "linkat(") <
		    p) {
			made = p;
			break;
		}
	}
	mg_str_free(&want);
	if (made == NULL)
		return (0);
	sync = strstr(made, "syncfs(");
	return (sync != NULL && (size_t)(sync - trace) < end && strstr(sync,
	    ") = 0") != NULL);
}

/* test_quarantine_durable_before_delete - purge --sasl root: the first
 * postsuper -d comes after the fsync of every copy and of every
 * directory on the way to it */
static void
test_quarantine_durable_before_delete(void **state)
{
	const char *dir = lab_dir(LAB, "sasl-root");
	const char *setup[] = { "setup", "sasl-root", dir, NULL };
	const char *start[] = { "start", dir, NULL };
	const char *fill[] = { "fill-incident3", dir, "20", NULL };
	const char *flush[] = { "flush-wait", dir, NULL };
	char etc[4096], st[4096], tr[4096], qdir[4200], qroot[4200],
	    path[8192];
	const char *purge[] = { "strace", "-f", "-y", "-qq", "-e",
	    "trace=fsync,fdatasync,syncfs,openat,linkat,execve", "-o", tr,
	    "./mailguard-tui", "--postfix", etc, "--state", st, "purge",
	    "--sasl", "root", "--yes", NULL };
	struct mg_str out, trace = MG_STR_INIT;
	struct mg_err err;
	struct dirent *d;
	const char *del;
	size_t end, files = 0, linked = 0;
	DIR *dp;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	(void)snprintf(tr, sizeof(tr), "%s/purge.trace", dir);
	assert_int_equal(lab_script(LAB, setup), 0);
	assert_int_equal(lab_script(LAB, start), 0);
	assert_int_equal(lab_script(LAB, fill), 0);
	assert_int_equal(lab_script(LAB, flush), 0);
	assert_int_equal(lab_capture(purge, &out), 0);
	mg_str_free(&out);
	assert_int_equal(mg_file_read(tr, 64 << 20, &trace, NULL, &err), 0);

	/* the first deletion: postsuper ... "-d", "-", "hold" */
	for (del = trace.data; (del = strstr(del, "execve(")) != NULL; del++) {
		const char *nl = strchr(del, '\n');
		const char *d2 = strstr(del, "\"-d\"");

		if (strstr(del, "postsuper") < nl && d2 != NULL && d2 < nl)
			break;
	}
	assert_non_null(del);
	end = (size_t)(del - trace.data);

	(void)snprintf(qroot, sizeof(qroot), "%s/quarantine", st);
	(void)snprintf(qdir, sizeof(qdir), "%s/quarantine/1", st);
	assert_non_null(dp = opendir(qdir));
	while ((d = readdir(dp)) != NULL) {
		if (d->d_name[0] == '.' || strcmp(d->d_name, "README") == 0)
			continue;
		/* written as NAME, then its batch made durable by one
		 * syncfs (or each copy fsync'd) before the batch's delete */
		(void)snprintf(path, sizeof(path), "%s/%s", qdir, d->d_name);
		if (linked_then_syncfs(trace.data, end, qdir, d->d_name))
			linked++;
		else
			assert_true(created_then_syncfs(trace.data, end,
			    path) || synced_before(trace.data, end, path));
		files++;
	}
	(void)closedir(dp);
	(void)printf("    %zu quarantined files (%zu hard-linked), each "
	    "synced before the delete\n", files, linked);
	assert_int_equal(files, 20);
	/* the state directory is on the queue's filesystem here */
	assert_int_equal(linked, 20);
	assert_true(synced_before(trace.data, end, qdir));
	assert_true(synced_before(trace.data, end, qroot));
	assert_true(synced_before(trace.data, end, st));
	mg_str_free(&trace);
}

/*
 * test_exim_quarantine_durable_before_delete - Exim, purge --sasl root:
 * the first exim -Mrm comes after a syncfs of the quarantine entry (one
 * for the batch: the links or copies and their names) and the fsync of
 * every directory on the way to it; every message of the selection is
 * in the quarantine with its -H and -D
 */
static void
test_exim_quarantine_durable_before_delete(void **state)
{
	const char *dir = lab_dir(EXLAB, "incident1-template");
	const char *setup[] = { "setup", "incident1-template", dir, NULL };
	const char *fill[] = { "fill", dir, "20", "--auth-id", "root",
	    "--host-address", "93.122.252.5", "--sender",
	    "root@mail.example.com", NULL };
	char conf[4096], st[4096], tr[4096], qdir[4200], qroot[4200],
	    bin[4096], want[4300];
	const char *purge[] = { "strace", "-f", "-y", "-qq", "-e",
	    "trace=fsync,fdatasync,syncfs,execve", "-o", tr,
	    "./mailguard-tui", "--exim", conf, "--exim-bin", bin, "--state",
	    st, "purge", "--sasl", "root", "--yes", NULL };
	struct mg_str out, trace = MG_STR_INIT;
	struct mg_err err;
	struct dirent *d;
	const char *del, *p;
	size_t end, files = 0;
	int found = 0;
	DIR *dp;

	(void)state;
	assert_int_equal(lab_exim_bin(bin, sizeof(bin)), 0);
	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	(void)snprintf(tr, sizeof(tr), "%s/purge.trace", dir);
	assert_int_equal(lab_script(EXLAB, setup), 0);
	assert_int_equal(lab_script(EXLAB, fill), 0);
	assert_int_equal(lab_capture(purge, &out), 0);
	mg_str_free(&out);
	assert_int_equal(mg_file_read(tr, 64 << 20, &trace, NULL, &err), 0);

	/* the first deletion: exim ... -Mrm ID... */
	for (del = trace.data; (del = strstr(del, "execve(")) != NULL; del++) {
		const char *nl = strchr(del, '\n');
		const char *rm = strstr(del, "\"-Mrm\"");

		if (rm != NULL && (nl == NULL || rm < nl))
			break;
	}
	assert_non_null(del);
	end = (size_t)(del - trace.data);

	(void)snprintf(qroot, sizeof(qroot), "%s/quarantine", st);
	(void)snprintf(qdir, sizeof(qdir), "%s/quarantine/1", st);
	(void)snprintf(want, sizeof(want), "<%s>) = 0", qdir);
	for (p = trace.data; (p = strstr(p, "syncfs(")) != NULL &&
	    (size_t)(p - trace.data) < end; p++) {
		const char *nl = strchr(p, '\n');
		const char *at = strstr(p, want);

		if (at != NULL && (nl == NULL || at < nl)) {
			found = 1;
			break;
		}
	}
	if (!found)
		(void)fprintf(stderr, "    no syncfs of %s before exim -Mrm\n",
		    qdir);
	assert_true(found);
	assert_non_null(dp = opendir(qdir));
	while ((d = readdir(dp)) != NULL)
		files += d->d_name[0] != '.' && strcmp(d->d_name, "README") !=
		    0 && strcmp(d->d_name, "purge.log") != 0;
	(void)closedir(dp);
	(void)printf("    %zu quarantined files (-H and -D of 20), one syncfs "
	    "before exim -Mrm\n", files);
	assert_int_equal(files, 40);
	assert_true(synced_before(trace.data, end, qroot));
	assert_true(synced_before(trace.data, end, st));
	mg_str_free(&trace);
}

/* setup - a private root */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-pf-durable");
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quarantine_durable_before_delete),
		cmocka_unit_test(test_exim_quarantine_durable_before_delete),
	};

	return (cmocka_run_group_tests_name("lab_purge_durable", tests, setup,
	    lab_teardown));
}
