/*
 * test_pf_queue.c - the Postfix queue file reader on queue files written
 * by real Postfix in the lab (tests/unit/data/pf_queue), hand-made broken
 * files, a hashed queue tree, and the model's grouping.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../backends/postfix/pf_queue.h"
#include "../../core/mg_file.h"
#include "../../core/mg_queue.h"
#include "../../core/mg_str.h"
#include "mg_test.h"

#define DATA "tests/unit/data/pf_queue/"

/* load - a fixture file into s */
static void
load(const char *name, struct mg_str *s)
{
	char path[256];
	struct mg_err err;

	(void)snprintf(path, sizeof(path), DATA "%s", name);
	mg_str_init(s);
	if (mg_file_read(path, MG_FILE_MAX, s, NULL, &err) < 0)
		fail_msg("%s", err.msg);
}

/* parse_fixture - one fixture through the in-memory parser */
static int
parse_fixture(const char *name, struct mg_queue *q, struct mg_err *err)
{
	struct mg_str s;
	int rc;

	load(name, &s);
	rc = mg_pf_queue_parse((const unsigned char *)s.data, s.len, name,
	    "deferred", q, err);
	mg_str_free(&s);
	return (rc);
}

/* test_long_id_sasl_root_read - incident 3's queue file: SASL user,
 * client as logged, sender, recipient, size and arrival */
static void
test_long_id_sasl_root_read(void **state)
{
	struct mg_queue q;
	struct mg_err err;
	const struct mg_qmsg *m;

	(void)state;
	mg_queue_init(&q);
	assert_int_equal(parse_fixture("long-sasl-root", &q, &err), 0);
	assert_int_equal(q.nmsgs, 1);
	m = &q.msgs[0];
	assert_string_equal(m->queue, "deferred");
	assert_string_equal(m->sender, "root@example.com");
	assert_string_equal(m->sasl_username, "root");
	assert_string_equal(m->sasl_method, "PLAIN");
	assert_string_equal(m->client_address, "93.122.252.5");
	assert_string_equal(m->helo_name, "[93.122.252.5]");
	assert_int_equal(m->nrcpts, 1);
	assert_non_null(strstr(m->rcpts[0], "@comcast.net"));
	assert_int_equal(m->size, 1664);	/* postqueue -j message_size */
	assert_true(m->arrival > 1700000000);
	mg_queue_free(&q);
}

/* test_short_id_and_alice_read - a short-ID file and a legitimate one */
static void
test_short_id_and_alice_read(void **state)
{
	struct mg_queue q;
	struct mg_err err;

	(void)state;
	mg_queue_init(&q);
	assert_int_equal(parse_fixture("short-sasl-root", &q, &err), 0);
	assert_int_equal(parse_fixture("long-alice", &q, &err), 0);
	assert_int_equal(q.nmsgs, 2);
	assert_string_equal(q.msgs[0].sasl_username, "root");
	assert_string_equal(q.msgs[0].rcpts[0], "x@comcast.net");
	assert_string_equal(q.msgs[1].sasl_username, "alice");
	assert_string_equal(q.msgs[1].client_address, "192.0.2.10");
	assert_string_equal(q.msgs[1].client_name, "office-gw.example.com");
	assert_string_equal(q.msgs[1].rcpts[0], "orders@supplier.example.org");
	mg_queue_free(&q);
}

/* test_done_recipient_not_counted - Postfix rewrote the delivered
 * recipient's record to 'D'; only the two undelivered ones remain */
static void
test_done_recipient_not_counted(void **state)
{
	struct mg_queue q;
	struct mg_err err;

	(void)state;
	mg_queue_init(&q);
	assert_int_equal(parse_fixture("short-done-rcpt", &q, &err), 0);
	assert_int_equal(q.msgs[0].nrcpts, 2);
	assert_string_equal(q.msgs[0].rcpts[0], "carol@comcast.net");
	assert_string_equal(q.msgs[0].rcpts[1], "dave@gmail.example");
	assert_string_equal(q.msgs[0].sender, "bob@example.com");
	assert_null(q.msgs[0].sasl_username);
	mg_queue_free(&q);
}

/* test_every_prefix_is_corrupt - a file cut anywhere is refused, never
 * read past its end (ASan and valgrind watch) */
static void
test_every_prefix_is_corrupt(void **state)
{
	struct mg_queue q;
	struct mg_err err;
	struct mg_str s;
	unsigned char *copy;
	size_t n;

	(void)state;
	load("short-done-rcpt", &s);
	mg_queue_init(&q);
	for (n = 0; n < s.len; n++) {
		copy = mg_xmalloc(n + 1);	/* exact size for ASan */
		memcpy(copy, s.data, n);
		assert_int_equal(mg_pf_queue_parse(copy, n, "X", "deferred",
		    &q, &err), -1);
		free(copy);
	}
	assert_int_equal(q.nmsgs, 0);
	mg_queue_free(&q);
	mg_str_free(&s);
}

/* test_broken_files_refused - table: file or bytes, and the complaint */
static void
test_broken_files_refused(void **state)
{
	static const struct {
		const char *name;
		const char *bytes;
		size_t len;
		const char *want;
	} cases[] = {
		{ "truncated", NULL, 0, "truncated" },
		{ "garbage", NULL, 0, "not a Postfix queue file" },
		{ "length-overflow", "C\xff\xff\xff\xff\xff\x01", 7,
		    "length bytes" },
		{ "length-too-big", "C\x80\x80\x80\x01", 5, "longer than" },
		{ "past-eof", "T\x10" "123", 5, "past the end" },
		{ "pointer-loop", "T\x01" "1p\x01" "0p\x01" "3", 9,
		    "backward" },
		{ "pointer-past-eof", "T\x01" "1p\x03" "999", 8,
		    "past the end" },
		{ "bad-size", "C\x05" "0 0 0E\x00", 9, "invalid size" },
		{ "size-past-eof", "C\x0b" "900 5 1 0 0E\x00", 15,
		    "truncated" },
		{ "no-sender", "T\x01" "1R\x01" "aE\x00", 8, "no sender" },
		{ "empty", "", 0, "truncated" },
	};
	struct mg_queue q;
	struct mg_err err;
	struct mg_str s;
	size_t i;
	int rc;

	(void)state;
	mg_queue_init(&q);
	for (i = 0; i < MG_NELEM(cases); i++) {
		mg_err_clear(&err);
		if (cases[i].bytes == NULL)
			rc = parse_fixture(cases[i].name, &q, &err);
		else {
			mg_str_init(&s);
			mg_str_append(&s, cases[i].bytes, cases[i].len);
			rc = mg_pf_queue_parse((const unsigned char *)s.data,
			    s.len, cases[i].name, "deferred", &q, &err);
			mg_str_free(&s);
		}
		if (rc != -1 || strstr(err.msg, cases[i].want) == NULL)
			fail_msg("%s: rc %d, \"%s\", want \"%s\"",
			    cases[i].name, rc, err.msg, cases[i].want);
	}
	assert_int_equal(q.nmsgs, 0);
	mg_queue_free(&q);
}

/* test_pointer_placeholder_and_jump - 'p' 0 is skipped, 'p' N jumps */
static void
test_pointer_placeholder_and_jump(void **state)
{
	/* T S p0 p->16 | junk | R E */
	static const char f[] = "T\x01" "1S\x01" "sp\x01" "0p\x02" "15"
	    "zz" "R\x01" "rE\x00";
	struct mg_queue q;
	struct mg_err err;

	(void)state;
	mg_queue_init(&q);
	assert_int_equal(mg_pf_queue_parse((const unsigned char *)f,
	    sizeof(f) - 1, "ABCDEF", "hold", &q, &err), 0);
	assert_int_equal(q.msgs[0].nrcpts, 1);
	assert_string_equal(q.msgs[0].rcpts[0], "r");
	assert_string_equal(q.msgs[0].queue, "hold");
	mg_queue_free(&q);
}

/* put - write a fixture (or bytes) to dir/rel with mode */
static void
put(const char *dir, const char *rel, const char *fixture, mode_t mode)
{
	char path[512];
	struct mg_str s;
	FILE *fp;

	if (fixture != NULL)
		load(fixture, &s);
	else {
		mg_str_init(&s);
		mg_str_puts(&s, "reason=connect to mx: Connection refused\n");
	}
	(void)snprintf(path, sizeof(path), "%s/%s", dir, rel);
	if ((fp = fopen(path, "w")) == NULL)
		fail_msg("%s: %s", path, strerror(errno));
	(void)fwrite(s.data, 1, s.len, fp);
	(void)fclose(fp);
	assert_int_equal(chmod(path, mode), 0);
	mg_str_free(&s);
}

/* mkdirs - directories under dir */
static void
mkdirs(const char *dir, const char *const *rels)
{
	char path[512];

	for (; *rels != NULL; rels++) {
		(void)snprintf(path, sizeof(path), "%s/%s", dir, *rels);
		assert_int_equal(mkdir(path, 0700), 0);
	}
}

/* test_scan_hashed_tree - hashed subdirectories, long and short IDs,
 * a file being written, a corrupt file, a symlink, a stray name */
static void
test_scan_hashed_tree(void **state)
{
	static const char *const dirs[] = { "deferred", "deferred/4",
	    "deferred/6", "deferred/A", "hold", "incoming", "defer",
	    "defer/6", NULL };
	struct mg_pf_qopts opts = { 1 };
	struct mg_queue q;
	struct mg_err err;
	char dir[] = "/tmp/mg-test-pfq.XXXXXX", path[512], cmd[600];
	size_t i, reasons = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	mkdirs(dir, dirs);
	put(dir, "deferred/4/4jXmVM2c5Fz1bY5v", "long-sasl-root", 0700);
	put(dir, "deferred/4/4jXmVM41Llz1bYCf", "long-alice", 0700);
	put(dir, "deferred/6/6776AA7237B", "short-sasl-root", 0700);
	put(dir, "defer/6/6776AA7237B", NULL, 0600);
	put(dir, "hold/60AADA72376", "short-done-rcpt", 0700);
	put(dir, "incoming/7A1B2C3D4E", "long-alice", 0600); /* no x bit */
	put(dir, "deferred/A/A1B2C3D4E5", "garbage", 0700);
	put(dir, "deferred/notes.txt", "garbage", 0600);	/* not an ID */
	(void)snprintf(path, sizeof(path), "%s/deferred/A/AB12CD34EF", dir);
	assert_int_equal(symlink("/etc/passwd", path), 0);

	assert_int_equal(mg_pf_queue_scan(dir, &opts, &q, NULL, NULL, &err),
	    0);
	assert_int_equal(q.nmsgs, 4);
	assert_int_equal(q.files, 7);
	assert_int_equal(q.incomplete, 1);
	assert_int_equal(q.corrupt, 2);
	assert_int_equal(q.vanished, 0);
	assert_int_equal(mg_queue_unreadable(&q), 3);
	assert_int_equal(q.nproblems, 2);
	for (i = 0; i < q.nmsgs; i++) {
		if (q.msgs[i].reason == NULL)
			continue;
		reasons++;
		assert_string_equal(q.msgs[i].id, "6776AA7237B");
		assert_string_equal(q.msgs[i].reason,
		    "connect to mx: Connection refused");
	}
	assert_int_equal(reasons, 1);
	mg_queue_free(&q);

	assert_int_equal(mg_pf_queue_read(AT_FDCWD, "/nonexistent/ABCDEF",
	    "deferred", &q, &err), MG_PF_QFILE_VANISHED);
	mg_queue_free(&q);
	(void)snprintf(cmd, sizeof(cmd), "%s/nonexistent", dir);
	assert_int_equal(mg_pf_queue_scan(cmd, NULL, &q, NULL, NULL, &err),
	    -1);
	assert_non_null(strstr(err.msg, "cannot open the queue directory"));
	mg_queue_free(&q);

	/* rm -rf without a shell: the tree is known */
	(void)unlink(path);
	(void)snprintf(path, sizeof(path), "%s/deferred/A/A1B2C3D4E5", dir);
	(void)unlink(path);
	static const char *const files[] = { "deferred/4/4jXmVM2c5Fz1bY5v",
	    "deferred/4/4jXmVM41Llz1bYCf", "deferred/6/6776AA7237B",
	    "defer/6/6776AA7237B", "hold/60AADA72376", "incoming/7A1B2C3D4E",
	    "deferred/notes.txt", NULL };
	for (i = 0; files[i] != NULL; i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		(void)unlink(path);
	}
	for (i = MG_NELEM(dirs) - 1; i-- > 0;) {
		(void)snprintf(path, sizeof(path), "%s/%s", dir, dirs[i]);
		(void)rmdir(path);
	}
	assert_int_equal(rmdir(dir), 0);
}

/* test_strings_kept_once - a flood's shared strings are held once:
 * the same text is the same pointer (the scan's memory does not grow
 * with copies of one sender), other text apart, and every string is
 * still right after the table grew and after the scan's end */
static void
test_strings_kept_once(void **state)
{
	struct mg_queue q;
	struct mg_err err;
	const char *a, *b, *keep[2000];
	char buf[32];
	size_t i, before;

	(void)state;
	mg_queue_init(&q);
	assert_int_equal(parse_fixture("long-alice", &q, &err), 0);
	assert_int_equal(parse_fixture("long-alice", &q, &err), 0);
	assert_int_equal(q.nmsgs, 2);
	assert_string_equal(q.msgs[0].sender, "alice@example.com");
	assert_ptr_equal(q.msgs[0].sender, q.msgs[1].sender);
	assert_ptr_equal(q.msgs[0].sasl_username, q.msgs[1].sasl_username);
	assert_ptr_equal(q.msgs[0].client_address,
	    q.msgs[1].client_address);
	assert_ptr_equal(q.msgs[0].rcpts[0], q.msgs[1].rcpts[0]);
	/* the scan's end: no room kept for growth, the messages intact */
	mg_queue_seal(&q);
	assert_int_equal(q.msgs_cap, q.nmsgs);
	assert_string_equal(q.msgs[1].sender, "alice@example.com");
	mg_queue_free(&q);

	mg_queue_init(&q);
	for (i = 0; i < MG_NELEM(keep); i++) {
		(void)snprintf(buf, sizeof(buf), "sender%zu@example.com", i);
		keep[i] = mg_queue_intern(&q, buf, strlen(buf));
	}
	before = q.arena.total;
	for (i = 0; i < MG_NELEM(keep); i++) {
		(void)snprintf(buf, sizeof(buf), "sender%zu@example.com", i);
		assert_ptr_equal(mg_queue_intern(&q, buf, strlen(buf)),
		    keep[i]);
		assert_string_equal(keep[i], buf);
	}
	assert_int_equal(q.arena.total, before);	/* nothing copied */
	a = mg_queue_intern(&q, "root@example.com", 4);
	assert_string_equal(a, "root");
	b = mg_queue_intern(&q, "ro\0ot", 5);	/* ends at the NUL */
	assert_string_equal(b, "ro");
	assert_ptr_not_equal(a, b);
	assert_ptr_equal(mg_queue_intern(&q, "ro", 2), b);
	mg_queue_seal(&q);
	assert_null(q.intern);
	assert_string_equal(keep[1999], "sender1999@example.com");
	a = mg_queue_intern(&q, "root", 4);	/* a new index */
	assert_string_equal(a, "root");
	mg_queue_free(&q);
}

/* test_moved_message_counted_once - a message that moved between queues
 * while the scan walked them (the same ID in active/ and deferred/, as
 * qmgr moves it) is one message, in the queue scanned later (its newer
 * place); different IDs stay apart */
static void
test_moved_message_counted_once(void **state)
{
	static const char *const dirs[] = { "active", "deferred",
	    "deferred/6", "hold", NULL };
	static const char *const files[] = { "active/6776AA7237B",
	    "deferred/6/6776AA7237B", "hold/60AADA72376",
	    "deferred/6/60AADA72376", "active/4jXmVM41Llz1bYCf", NULL };
	struct mg_queue q;
	struct mg_err err;
	char dir[] = "/tmp/mg-test-pfq.XXXXXX", path[512];
	size_t i, seen6776 = 0, seen60 = 0;

	(void)state;
	assert_non_null(mkdtemp(dir));
	mkdirs(dir, dirs);
	put(dir, files[0], "short-sasl-root", 0700);
	put(dir, files[1], "short-sasl-root", 0700);
	put(dir, files[2], "short-done-rcpt", 0700);
	put(dir, files[3], "short-done-rcpt", 0700);
	put(dir, files[4], "long-alice", 0700);

	assert_int_equal(mg_pf_queue_scan(dir, NULL, &q, NULL, NULL, &err), 0);
	assert_int_equal(q.files, 5);
	assert_int_equal(q.nmsgs, 3);
	for (i = 0; i < q.nmsgs; i++) {
		if (strcmp(q.msgs[i].id, "6776AA7237B") == 0) {
			seen6776++;
			assert_string_equal(q.msgs[i].queue, "deferred");
		}
		if (strcmp(q.msgs[i].id, "60AADA72376") == 0) {
			seen60++;
			assert_string_equal(q.msgs[i].queue, "hold");
		}
	}
	assert_int_equal(seen6776, 1);
	assert_int_equal(seen60, 1);
	mg_queue_free(&q);

	for (i = 0; files[i] != NULL; i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		(void)unlink(path);
	}
	for (i = MG_NELEM(dirs) - 1; i-- > 0;) {
		(void)snprintf(path, sizeof(path), "%s/%s", dir, dirs[i]);
		(void)rmdir(path);
	}
	assert_int_equal(rmdir(dir), 0);
}

/* cancel_at_once - a progress function that cancels */
static int
cancel_at_once(void *arg, size_t n)
{
	(void)arg;
	(void)n;
	return (1);
}

/* add - a message for the grouping tests */
static void
add(struct mg_queue *q, const char *sender, const char *sasl,
    const char *client, time_t arrival, const char *r1, const char *r2)
{
	struct mg_qmsg *m = mg_queue_add(q);
	const char **r = mg_arena_alloc(&q->arena, 2 * sizeof(*r));

	m->id = "ID";
	m->queue = "deferred";
	m->sender = sender;
	m->sasl_username = sasl;
	m->client_address = client;
	m->arrival = arrival;
	r[0] = r1;
	r[1] = r2;
	m->rcpts = r;
	m->nrcpts = r2 != NULL ? 2 : 1;
}

/* test_grouping - table: by, and the expected groups in order */
static void
test_grouping(void **state)
{
	static const struct {
		enum mg_queue_by by;
		const char *want;	/* "key=count," ... */
	} cases[] = {
		{ MG_QBY_SENDER,
		    "root@example.com=3,<>=1,alice@example.com=1," },
		{ MG_QBY_SASL, "root=3,(none)=1,alice=1," },
		{ MG_QBY_CLIENT, "93.122.252.5=3,(none)=2," },
		{ MG_QBY_RCPT_DOMAIN,
		    "comcast.net=3,example.org=2,(local)=1," },
		{ MG_QBY_AGE, "0-5m=2,10-20m=1,1280m+=2," },
	};
	const time_t now = 1800000000;
	struct mg_qgrouping g;
	struct mg_queue q;
	struct mg_str got;
	size_t i, j, k, n;

	(void)state;
	mg_queue_init(&q);
	add(&q, "root@example.com", "root", "93.122.252.5", now - 60,
	    "a@comcast.net", "b@Comcast.NET");
	add(&q, "root@example.com", "root", "93.122.252.5", now,
	    "c@comcast.net", NULL);
	add(&q, "root@example.com", "root", "93.122.252.5", now - 900,
	    "d@comcast.net", "x@example.org");
	add(&q, "", NULL, NULL, now - 86400, "MAILER-DAEMON", NULL);
	add(&q, "alice@example.com", "alice", "", 0 + now - 100000,
	    "o@example.org", NULL);
	for (i = 0; i < MG_NELEM(cases); i++) {
		mg_queue_group(&q, cases[i].by, now, &g);
		mg_str_init(&got);
		for (k = 0; k < g.ngroups; k++)
			mg_str_printf(&got, "%s=%zu,", g.groups[k].key,
			    g.groups[k].count);
		assert_int_equal(g.total, 5);
		if (strcmp(mg_str_cstr(&got), cases[i].want) != 0)
			fail_msg("by %s: got %s want %s",
			    mg_queue_by_name(cases[i].by), mg_str_cstr(&got),
			    cases[i].want);
		/* the console's drill-down finds exactly the counted ones */
		for (k = 0; k < g.ngroups; k++) {
			for (j = 0, n = 0; j < q.nmsgs; j++)
				n += (size_t)mg_queue_in_group(&q.msgs[j],
				    cases[i].by, g.groups[k].key, now);
			if (n != g.groups[k].count)
				fail_msg("by %s: %s holds %zu, counted %zu",
				    mg_queue_by_name(cases[i].by),
				    g.groups[k].key, n, g.groups[k].count);
		}
		assert_false(mg_queue_in_group(&q.msgs[0], cases[i].by,
		    "no-such-key", now));
		mg_str_free(&got);
		mg_qgrouping_free(&g);
	}
	/* qshape columns: 1 min, now, 15 min, 1 day, 27.8 hours */
	assert_int_equal(mg_queue_age_bucket(&q.msgs[0], now), 0);
	assert_int_equal(mg_queue_age_bucket(&q.msgs[1], now), 0);
	assert_int_equal(mg_queue_age_bucket(&q.msgs[2], now), 2);
	assert_int_equal(mg_queue_age_bucket(&q.msgs[3], now),
	    MG_QAGE_BUCKETS - 1);
	assert_int_equal(mg_queue_age_bucket(&q.msgs[4], now),
	    MG_QAGE_BUCKETS - 1);
	mg_queue_free(&q);
}

/* test_by_names_round_trip - the command line's spellings */
static void
test_by_names_round_trip(void **state)
{
	static const char *const names[] = { "sender", "sasl", "client",
	    "rcpt-domain", "age" };
	enum mg_queue_by by;
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(names); i++) {
		assert_int_equal(mg_queue_by_parse(names[i], &by), 0);
		assert_string_equal(mg_queue_by_name(by), names[i]);
	}
	assert_int_equal(mg_queue_by_parse("domain", &by), -1);
}

/* test_many_keys_grouped - the hash table grows; counts stay exact */
static void
test_many_keys_grouped(void **state)
{
	struct mg_qgrouping g;
	struct mg_queue q;
	char buf[32];
	size_t i, sum = 0;

	(void)state;
	mg_queue_init(&q);
	for (i = 0; i < 5000; i++) {
		(void)snprintf(buf, sizeof(buf), "u%zu@x", i % 1500);
		add(&q, mg_arena_strndup(&q.arena, buf, strlen(buf)), NULL,
		    NULL, 0, "r@y", NULL);
	}
	mg_queue_group(&q, MG_QBY_SENDER, 0, &g);
	assert_int_equal(g.ngroups, 1500);
	for (i = 0; i < g.ngroups; i++)
		sum += g.groups[i].count;
	assert_int_equal(sum, 5000);
	assert_int_equal(g.groups[0].count, 4);	/* 0..499 appear 4 times */
	mg_qgrouping_free(&g);
	mg_queue_free(&q);
}

/* test_scan_cancelled - a progress function can stop a scan */
static void
test_scan_cancelled(void **state)
{
	char dir[] = "/tmp/mg-test-pfq.XXXXXX", path[512], name[32];
	struct mg_queue q;
	struct mg_err err;
	int i;

	(void)state;
	assert_non_null(mkdtemp(dir));
	(void)snprintf(path, sizeof(path), "%s/hold", dir);
	assert_int_equal(mkdir(path, 0700), 0);
	for (i = 0; i < 300; i++) {
		(void)snprintf(name, sizeof(name), "hold/ABCDE%03d", i);
		put(dir, name, "short-sasl-root", 0700);
	}
	assert_int_equal(mg_pf_queue_scan(dir, NULL, &q, cancel_at_once, NULL,
	    &err), -1);
	assert_non_null(strstr(err.msg, "cancelled"));
	mg_queue_free(&q);
	for (i = 0; i < 300; i++) {
		(void)snprintf(path, sizeof(path), "%s/hold/ABCDE%03d", dir, i);
		(void)unlink(path);
	}
	(void)snprintf(path, sizeof(path), "%s/hold", dir);
	(void)rmdir(path);
	assert_int_equal(rmdir(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_long_id_sasl_root_read),
		cmocka_unit_test(test_short_id_and_alice_read),
		cmocka_unit_test(test_done_recipient_not_counted),
		cmocka_unit_test(test_every_prefix_is_corrupt),
		cmocka_unit_test(test_broken_files_refused),
		cmocka_unit_test(test_pointer_placeholder_and_jump),
		cmocka_unit_test(test_scan_hashed_tree),
		cmocka_unit_test(test_strings_kept_once),
		cmocka_unit_test(test_moved_message_counted_once),
		cmocka_unit_test(test_grouping),
		cmocka_unit_test(test_by_names_round_trip),
		cmocka_unit_test(test_many_keys_grouped),
		cmocka_unit_test(test_scan_cancelled),
	};

	return (cmocka_run_group_tests_name("pf_queue", tests, NULL, NULL));
}
