/*
 * test_lab_pf_queue.c - "queue" against a real Postfix queue: incident 3
 * (lab.sh sasl-root, fill-incident3) with long queue IDs.  Postfix's own
 * tools are the baseline: postqueue -j for the messages, postcat -q per
 * message for sasl_username (one process per message, in the test only).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "../../core/mg_lines.h"
#include "../../core/mg_str.h"
#include "lab_util.h"

#define LAB "tests/lab/postfix/lab.sh"
#define SPAM 2500

/* now_ms - monotonic milliseconds */
static double
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec * 1000 + (double)ts.tv_nsec / 1e6);
}

/* run_ok - argv must exit 0; its stdout into out (may be NULL) */
static void
run_ok(const char *const *argv, struct mg_str *out)
{
	struct mg_exec_res res;

	if (lab_run(&res, argv) != 0)
		fail_msg("%s failed: %s%s", argv[0], mg_str_cstr(&res.out),
		    mg_str_cstr(&res.err));
	if (out != NULL) {
		mg_str_init(out);
		mg_str_append(out, res.out.data, res.out.len);
	}
	mg_exec_res_free(&res);
}

/* long_ids - enable_long_queue_ids before start, main.cf backdated as
 * lab.sh's settle does (Postfix polls a main.cf younger than 1 s) */
static void
long_ids(const char *dir)
{
	char etc[4096], maincf[4096], when[32];
	const char *pc[] = { "postconf", "-c", etc, "-e",
	    "enable_long_queue_ids = yes", NULL };
	const char *touch[] = { "touch", "-d", when, maincf, NULL };

	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(maincf, sizeof(maincf), "%s/etc/main.cf", dir);
	(void)snprintf(when, sizeof(when), "@%lld", (long long)time(NULL) - 2);
	run_ok(pc, NULL);
	run_ok(touch, NULL);
}

/* sasl_of - postcat -q ID: the sasl_username, or "(none)" */
static void
sasl_of(const char *etc, const char *id, char *buf, size_t size)
{
	const char *argv[] = { "postcat", "-c", etc, "-q", id, NULL };
	struct mg_str out;
	const char *p;

	run_ok(argv, &out);
	p = strstr(mg_str_cstr(&out), "named_attribute: sasl_username=");
	if (p == NULL)
		(void)snprintf(buf, size, "(none)");
	else {
		p += strlen("named_attribute: sasl_username=");
		(void)snprintf(buf, size, "%.*s", (int)strcspn(p, "\n"), p);
	}
	mg_str_free(&out);
}

/* run_report - report --json; exit 2 (critical: root's mail) expected */
static void
run_report(const char *etc, struct mg_str *out)
{
	const char *argv[] = { "./mailguard-tui", "--postfix", etc, "report",
	    "--json", NULL };

	assert_int_equal(lab_capture(argv, out), 2);
}

/* test_incident3_sasl_counts_match_postfix - every message of the queue,
 * grouped by SASL user, exactly as postqueue -j and postcat -q say */
static void
test_incident3_sasl_counts_match_postfix(void **state)
{
	const char *dir = lab_dir(LAB, "sasl-root");
	const char *setup[] = { "setup", "sasl-root", dir, NULL };
	const char *start[] = { "start", dir, NULL };
	const char *fill[] = { "fill-incident3", dir, "2500", NULL };
	const char *flush[] = { "flush-wait", dir, NULL };
	char etc[4096], id[128], user[128], filter[256];
	const char *pq[] = { "postqueue", "-c", etc, "-j", NULL };
	const char *mg[] = { "./mailguard-tui", "--postfix", etc, "queue",
	    "--by", "sasl", "--json", NULL };
	struct mg_str pqout, ours;
	const char *p, *q;
	size_t total = 0, root = 0, alice = 0, other = 0;
	double t0, t_ours, t_postcat;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	assert_int_equal(lab_script(LAB, setup), 0);
	long_ids(dir);
	assert_int_equal(lab_script(LAB, start), 0);
	assert_int_equal(lab_script(LAB, fill), 0);
	/* Then the queue is still: everything is deferred at the closed
	 * relayhost, retried only after queue_run_delay (300 s). */
	assert_int_equal(lab_script(LAB, flush), 0);

	t0 = now_ms();
	run_ok(mg, &ours);
	t_ours = now_ms() - t0;

	run_ok(pq, &pqout);
	t0 = now_ms();
	for (p = mg_str_cstr(&pqout); (p = strstr(p, "\"queue_id\": \"")) !=
	    NULL; p = q) {
		p += strlen("\"queue_id\": \"");
		q = p + strcspn(p, "\"");
		(void)snprintf(id, sizeof(id), "%.*s", (int)(q - p), p);
		assert_true(strlen(id) > 12);	/* long queue IDs */
		sasl_of(etc, id, user, sizeof(user));
		total++;
		if (strcmp(user, "root") == 0)
			root++;
		else if (strcmp(user, "alice") == 0)
			alice++;
		else
			other++;
	}
	t_postcat = now_ms() - t0;
	(void)printf("    %zu messages (postqueue -j); postcat: root %zu, "
	    "alice %zu, other %zu\n    queue --by sasl: %.0f ms; postcat -q "
	    "per message: %.0f ms\n", total, root, alice, other, t_ours,
	    t_postcat);
	assert_int_equal(total, SPAM + 20);
	assert_int_equal(root, SPAM);
	assert_int_equal(other, 0);

	(void)snprintf(filter, sizeof(filter), ".by == \"sasl\" and .total == "
	    "%zu and .unreadable == 0", total);
	assert_int_equal(lab_jq(ours.data, filter, NULL), 0);
	(void)snprintf(filter, sizeof(filter), "[.groups[] | {(.key): "
	    ".count}] | add == {\"root\": %zu, \"alice\": %zu}", root, alice);
	assert_int_equal(lab_jq(ours.data, filter, NULL), 0);
	assert_int_equal(lab_jq(ours.data, ".groups[0].key == \"root\"",
	    NULL), 0);
	mg_str_free(&ours);

	/* The flood findings count the same real queue files. */
	run_report(etc, &ours);
	(void)snprintf(filter, sizeof(filter), "[.findings[] | select(.id == "
	    "\"queue.flood\") | .evidence[0].text] == [\"%zu messages "
	    "queued: %zu deferred, 0 on hold, 0 elsewhere "
	    "(incoming/active)\"]", total, total);
	assert_int_equal(lab_jq(ours.data, filter, NULL), 0);
	(void)snprintf(filter, sizeof(filter), "[.findings[] | select(.id == "
	    "\"queue.client-dominant\") | .evidence[0].text] == [\"%zu of "
	    "%zu queued messages (%.0f%%) came from 93.122.252.5\"]", root,
	    total, 100.0 * (double)root / (double)total);
	assert_int_equal(lab_jq(ours.data, filter, NULL), 0);
	mg_str_free(&ours);
	mg_str_free(&pqout);
}

/* count_sasl - postqueue -j IDs of the instance, and how many of them
 * postcat -q says came from SASL user "root" */
static size_t
count_sasl(const char *etc, size_t *root)
{
	const char *pq[] = { "postqueue", "-c", etc, "-j", NULL };
	struct mg_str out;
	const char *p, *q;
	char id[128], user[128];
	size_t n = 0;

	*root = 0;
	run_ok(pq, &out);
	for (p = mg_str_cstr(&out); (p = strstr(p, "\"queue_id\": \"")) !=
	    NULL; p = q) {
		p += strlen("\"queue_id\": \"");
		q = p + strcspn(p, "\"");
		(void)snprintf(id, sizeof(id), "%.*s", (int)(q - p), p);
		sasl_of(etc, id, user, sizeof(user));
		n++;
		*root += strcmp(user, "root") == 0;
	}
	mg_str_free(&out);
	return (n);
}

/* in_queue - how many messages postqueue -j lists in queue_name */
static size_t
in_queue(const char *etc, const char *name)
{
	const char *pq[] = { "postqueue", "-c", etc, "-j", NULL };
	struct mg_str out, pat = MG_STR_INIT;
	const char *p;
	size_t n = 0;

	run_ok(pq, &out);
	mg_str_printf(&pat, "\"queue_name\": \"%s\"", name);
	for (p = out.data; (p = strstr(p, pat.data)) != NULL; p++)
		n++;
	mg_str_free(&pat);
	mg_str_free(&out);
	return (n);
}

/* test_purge_sasl_root - incident 3's cleanup: hold and release move
 * exactly root's mail; purge --sasl root removes
 * exactly root's mail (postqueue -j and postcat judge), alice's stays,
 * the quarantine holds root's queue files (postcat reads them), the
 * journal has the purge; --dry-run changes nothing */
static void
test_purge_sasl_root(void **state)
{
	const char *dir = lab_dir(LAB, "sasl-root");
	const char *setup[] = { "setup", "sasl-root", dir, NULL };
	const char *start[] = { "start", dir, NULL };
	const char *fill[] = { "fill-incident3", dir, "300", NULL };
	const char *flush[] = { "flush-wait", dir, NULL };
	char etc[4096], st[4096], qfile[8192];
	const char *dry[] = { "./mailguard-tui", "--postfix", etc, "--state",
	    st, "purge", "--sasl", "root", "--dry-run", NULL };
	const char *real[] = { "./mailguard-tui", "--postfix", etc, "--state",
	    st, "purge", "--sasl", "root", "--yes", NULL };
	const char *journal[] = { "./mailguard-tui", "--postfix", etc,
	    "--state", st, "journal", "--json", NULL };
	const char *hold[] = { "./mailguard-tui", "--postfix", etc, "--state",
	    st, "hold", "--sasl", "root", "--yes", NULL };
	const char *release[] = { "./mailguard-tui", "--postfix", etc,
	    "--state", st, "release", "--queue", "hold", "--yes", NULL };
	const char *ls[] = { "ls", qfile, NULL };
	const char *pc[] = { "postcat", "-c", etc, qfile, NULL };
	struct mg_str out, files;
	const char *cur, *line;
	size_t n, root, len, nq = 0;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	assert_int_equal(lab_script(LAB, setup), 0);
	long_ids(dir);
	assert_int_equal(lab_script(LAB, start), 0);
	assert_int_equal(lab_script(LAB, fill), 0);
	assert_int_equal(lab_script(LAB, flush), 0);
	assert_int_equal(count_sasl(etc, &root), 320);
	assert_int_equal(root, 300);

	/* hold and release first: postqueue -j says where they are */
	run_ok(hold, &out);
	assert_non_null(strstr(out.data, "hold: 300 of 300 selected"));
	mg_str_free(&out);
	assert_int_equal(in_queue(etc, "hold"), 300);
	assert_int_equal(in_queue(etc, "deferred"), 20);
	run_ok(release, &out);
	mg_str_free(&out);
	assert_int_equal(in_queue(etc, "hold"), 0);
	assert_int_equal(in_queue(etc, "deferred"), 320);

	run_ok(dry, &out);
	assert_non_null(strstr(out.data, "300 of 320 queued messages "
	    "selected; 20 stay"));
	assert_non_null(strstr(out.data, "dry run: nothing changed"));
	mg_str_free(&out);
	assert_int_equal(count_sasl(etc, &root), 320);

	run_ok(real, &out);
	(void)printf("    %.*s\n", (int)strcspn(strstr(out.data, "purged"),
	    "\n"), strstr(out.data, "purged"));
	assert_non_null(strstr(out.data, "purged 300 of 300 selected "
	    "(journal entry 3;"));
	mg_str_free(&out);
	n = count_sasl(etc, &root);
	(void)printf("    after: %zu queued, %zu of them root's\n", n, root);
	assert_int_equal(n, 20);
	assert_int_equal(root, 0);

	(void)snprintf(qfile, sizeof(qfile), "%s/quarantine/3", st);
	run_ok(ls, &files);
	for (cur = mg_str_cstr(&files); mg_line_next(&cur, &line, &len);) {
		if (len == 6 && memcmp(line, "README", 6) == 0)
			continue;
		nq++;
		if (nq > 3)
			continue;	/* postcat a few: the bytes are mail */
		(void)snprintf(qfile, sizeof(qfile), "%s/quarantine/3/%.*s",
		    st, (int)len, line);
		run_ok(pc, &out);
		assert_non_null(strstr(out.data, "sasl_username=root"));
		mg_str_free(&out);
	}
	mg_str_free(&files);
	assert_int_equal(nq, 300);

	run_ok(journal, &out);
	assert_int_equal(lab_jq(out.data, "[.entries[] | select(.action == "
	    "\"purge\") | .summary] == [\"purge --sasl root: 300 "
	    "messages\"]", NULL), 0);
	mg_str_free(&out);
}

/* test_unreadable_queue_exits_3 - no Postfix config there: exit 3 */
static void
test_unreadable_queue_exits_3(void **state)
{
	const char *argv[] = { "./mailguard-tui", "--postfix",
	    "/nonexistent/mailguard-lab", "queue", NULL };
	struct mg_exec_res res;

	(void)state;
	assert_int_equal(lab_run(&res, argv), 3);
	mg_exec_res_free(&res);
}

/* setup - a private root */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-pfq");
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_incident3_sasl_counts_match_postfix),
		cmocka_unit_test(test_unreadable_queue_exits_3),
		cmocka_unit_test(test_purge_sasl_root),
	};

	return (cmocka_run_group_tests_name("lab_pf_queue", tests, setup,
	    lab_teardown));
}
