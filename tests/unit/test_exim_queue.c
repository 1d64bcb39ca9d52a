/*
 * test_exim_queue.c - the Exim spool reader on -H files written by real
 * Exim 4.96 in the lab (tests/unit/data/exim_queue), variants made from
 * them in memory (older host_address and recipient formats, ACL
 * variables, broken files), a split spool with a journal, a spool read
 * by two threads, sizes as exim -bp prints them, and the one exim
 * process that names the spool (a fake binary counting its runs).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../backends/backend.h"
#include "../../backends/exim/exim_queue.h"
#include "../../core/mg_file.h"
#include "../../core/mg_queue.h"
#include "../../core/mg_str.h"
#include "mg_test.h"

#define DATA "tests/unit/data/exim_queue/input/"
#define AUTH "1xVQOt-0002YG-2u-H"
#define PART "1xVQOt-0002YG-2v-H"
#define LOCAL "1xVQOu-0002YU-01-H"
#define BOUNCE "1xVQSQ-0003M1-1Q-H"

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

/* parse_text - a -H file's text through the in-memory parser */
static int
parse_text(const char *text, size_t len, const char *name, long long dsize,
    struct mg_queue *q, struct mg_err *err)
{
	mg_err_clear(err);
	return (mg_exim_queue_parse(text, len, name, dsize, q, err));
}

/* parse_fixture - one fixture, its -D size 120 as the lab wrote it */
static int
parse_fixture(const char *name, struct mg_queue *q, struct mg_err *err)
{
	struct mg_str s;
	int rc;

	load(name, &s);
	rc = parse_text(s.data, s.len, name, 120, q, err);
	mg_str_free(&s);
	return (rc);
}

/* edited - fixture name with the first "from" replaced by "to" */
static void
edited(const char *name, const char *from, const char *to, struct mg_str *out)
{
	struct mg_str s;
	const char *p;

	load(name, &s);
	p = strstr(s.data, from);
	assert_non_null(p);
	mg_str_init(out);
	mg_str_append(out, s.data, (size_t)(p - s.data));
	mg_str_puts(out, to);
	mg_str_puts(out, p + strlen(from));
	mg_str_free(&s);
}

/* test_auth_root_read - incident 3 on Exim: the authenticated id, the
 * authenticator, the client without its port, HELO, sender, both
 * recipients, received time and the size exim -bp prints */
static void
test_auth_root_read(void **state)
{
	struct mg_queue q;
	struct mg_err err;
	const struct mg_qmsg *m;

	(void)state;
	mg_queue_init(&q);
	assert_int_equal(parse_fixture(AUTH, &q, &err), 0);
	assert_int_equal(q.nmsgs, 1);
	m = &q.msgs[0];
	assert_string_equal(m->id, "1xVQOt-0002YG-2u");
	assert_string_equal(m->queue, MG_EXIM_QUEUED);
	assert_string_equal(m->sender, "spam@bad.example");
	assert_string_equal(m->sasl_username, "root");
	assert_string_equal(m->sasl_method, "plain_server");
	assert_string_equal(m->client_address, "93.122.252.5");
	assert_null(m->client_name);
	assert_string_equal(m->helo_name, "evil");
	assert_int_equal(m->arrival, 1795426311);
	assert_int_equal(m->nrcpts, 2);
	assert_string_equal(m->rcpts[0], "a@comcast.net");
	assert_string_equal(m->rcpts[1], "b@gmail.com");
	assert_int_equal(m->size, 480);		/* exim -bp */
	mg_queue_free(&q);
}

/* test_delivered_and_local - a recipient in the delivered tree is not
 * queued any more; a local submission has no client; sizes as -bp */
static void
test_delivered_and_local(void **state)
{
	struct mg_queue q;
	struct mg_err err;
	struct mg_str s;

	(void)state;
	mg_queue_init(&q);
	assert_int_equal(parse_fixture(PART, &q, &err), 0);
	assert_int_equal(q.msgs[0].nrcpts, 1);
	assert_string_equal(q.msgs[0].rcpts[0], "b@gmail.com");
	assert_int_equal(q.msgs[0].size, 488);

	load(LOCAL, &s);
	assert_int_equal(parse_text(s.data, s.len, LOCAL, 120, &q, &err), 0);
	mg_str_free(&s);
	assert_null(q.msgs[1].client_address);
	assert_null(q.msgs[1].sasl_username);
	assert_string_equal(q.msgs[1].sender, "newsletter@shop.example.net");
	assert_string_equal(q.msgs[1].rcpts[0], "alice@example.net");
	assert_int_equal(q.msgs[1].size, 522);
	mg_queue_free(&q);
}

/* test_frozen_bounce - the null sender and the frozen flag */
static void
test_frozen_bounce(void **state)
{
	struct mg_queue q;
	struct mg_err err;
	struct mg_str s;

	(void)state;
	mg_queue_init(&q);
	load(BOUNCE, &s);
	assert_int_equal(parse_text(s.data, s.len, BOUNCE, 120, &q, &err), 0);
	mg_str_free(&s);
	assert_string_equal(q.msgs[0].sender, "");
	assert_string_equal(q.msgs[0].queue, MG_EXIM_FROZEN);
	assert_int_equal(q.msgs[0].size, 487);
	mg_queue_free(&q);
}

/* test_host_address_forms - the port comes off every form Exim wrote */
static void
test_host_address_forms(void **state)
{
	static const struct {
		const char *line, *want;
	} cases[] = {
		{ "--host_address [93.122.252.5]:41770", "93.122.252.5" },
		{ "--host_address [2001:db8::5]:25", "2001:db8::5" },
		{ "-host_address 93.122.252.5.41770", "93.122.252.5" },
		{ "-host_address ::1.57259", "::1" },
		{ "-host_address 2001:db8::5.1025", "2001:db8::5" },
		{ "-host_address ::ffff:192.0.2.1.1025", "::ffff:192.0.2.1" },
		{ "-host_address ::ffff:192.0.2.1", "::ffff:192.0.2.1" },
		{ "-host_address 192.0.2.1", "192.0.2.1" },
	};
	struct mg_queue q;
	struct mg_err err;
	struct mg_str s;
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		mg_queue_init(&q);
		edited(AUTH, "--host_address [93.122.252.5]:41770",
		    cases[i].line, &s);
		assert_int_equal(parse_text(s.data, s.len, AUTH, 120, &q,
		    &err), 0);
		assert_string_equal(q.msgs[0].client_address, cases[i].want);
		mg_str_free(&s);
		mg_queue_free(&q);
	}
}

/* test_recipient_forms - trailing errors_to/DSN data of every era is
 * cut off the address; data that does not add up is corruption */
static void
test_recipient_forms(void **state)
{
	static const struct {
		const char *line, *want;
	} cases[] = {
		{ "a@comcast.net 0,-1,0", "a@comcast.net" },	/* Exim 3 */
		{ "a@comcast.net 3", "a@comcast.net" },	/* early 4 */
		{ "a@comcast.net owner@list.example 18,-1#1",
		    "a@comcast.net" },
		{ "a@comcast.net rfc822;a@comcast.net 20,8  0,-1#3",
		    "a@comcast.net" },
		{ "a@comcast.net rfc822;x 8,2 bo@x.example 12,0#3",
		    "a@comcast.net" },
		{ "user with space@x.example", "user with space@x.example" },
		{ "a@comcast.net x 99,-1#1", NULL },		/* too long */
	};
	struct mg_queue q;
	struct mg_err err;
	struct mg_str s;
	char repl[200];
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		mg_queue_init(&q);
		(void)snprintf(repl, sizeof(repl), "\n%s\n", cases[i].line);
		edited(AUTH, "\na@comcast.net\n", repl, &s);
		rc = parse_text(s.data, s.len, AUTH, 120, &q, &err);
		if (cases[i].want == NULL) {
			assert_int_equal(rc, -1);
			assert_non_null(strstr(err.msg, "recipient"));
		} else {
			assert_int_equal(rc, 0);
			assert_string_equal(q.msgs[0].rcpts[0],
			    cases[i].want);
			assert_string_equal(q.msgs[0].rcpts[1],
			    "b@gmail.com");
		}
		mg_str_free(&s);
		mg_queue_free(&q);
	}
}

/* test_acl_variables_skipped - an ACL variable's value may span lines
 * that look like options or recipients; its length says where it ends */
static void
test_acl_variables_skipped(void **state)
{
	struct mg_queue q;
	struct mg_err err;
	struct mg_str s;

	(void)state;
	mg_queue_init(&q);
	edited(AUTH, "-body_linecount 2\n", "-aclm spam 21\n-frozen 1\nXX\n"
	    "1\nx@y.z\n\n-acl 12 3\nabc\n-body_linecount 2\n", &s);
	assert_int_equal(parse_text(s.data, s.len, AUTH, 120, &q, &err), 0);
	assert_string_equal(q.msgs[0].queue, MG_EXIM_QUEUED);
	assert_int_equal(q.msgs[0].nrcpts, 2);
	mg_str_free(&s);

	edited(AUTH, "-body_linecount 2\n", "-aclc x 5000\n", &s);
	assert_int_equal(parse_text(s.data, s.len, AUTH, 120, &q, &err), -1);
	assert_non_null(strstr(err.msg, "past the end"));
	mg_str_free(&s);
	mg_queue_free(&q);
}

/* test_every_prefix_is_corrupt - a -H file cut anywhere is refused (or,
 * cut inside the headers, refused for the header) and never read past
 * its end (ASan) */
static void
test_every_prefix_is_corrupt(void **state)
{
	struct mg_queue q;
	struct mg_err err;
	struct mg_str s;
	char *copy;
	size_t n, ok = 0;

	(void)state;
	load(AUTH, &s);
	for (n = 0; n < s.len; n++) {
		copy = mg_xmalloc(n + 1);
		memcpy(copy, s.data, n);
		mg_queue_init(&q);
		if (parse_text(copy, n, AUTH, 120, &q, &err) == 0)
			ok++;
		mg_queue_free(&q);
		free(copy);
	}
	/* only a cut exactly between two headers still parses */
	assert_true(ok <= 12);
	mg_str_free(&s);
}

/* test_broken_files_refused - what Exim itself would refuse */
static void
test_broken_files_refused(void **state)
{
	static const struct {
		const char *from, *to, *why;
	} cases[] = {
		{ AUTH "\n", "1xVQOt-0002YG-XX-H\n", "file's name" },
		{ "<spam@bad.example>\n", "spam@bad.example\n", "sender" },
		{ "1795426311 0\n", "yesterday\n", "received-time" },
		{ "XX\n2\n", "XX\n16385\n", "recipient count" },
		{ "XX\n2\n", "XX\n3\n", "recipient 3" },
		{ "XX\n", "YN a@comcast.net\n", "delivered" },
		{ "XX\n", "QQ x\n", "delivered" },
		{ "\n\n166P", "\n\n999P", "runs past" },
		{ "\n\n166P", "\n\nxyzP", "header entry" },
		{ "b@gmail.com\n\n", "b@gmail.com\n166P", "blank line" },
	};
	struct mg_queue q;
	struct mg_err err;
	struct mg_str s;
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		mg_queue_init(&q);
		edited(AUTH, cases[i].from, cases[i].to, &s);
		assert_int_equal(parse_text(s.data, s.len, AUTH, 120, &q,
		    &err), -1);
		if (strstr(err.msg, cases[i].why) == NULL)
			fail_msg("case %zu: \"%s\" does not say %s", i,
			    err.msg, cases[i].why);
		assert_int_equal(q.nmsgs, 0);
		mg_str_free(&s);
		mg_queue_free(&q);
	}
	/* a NUL where a crash left zeroes */
	load(AUTH, &s);
	s.data[40] = '\0';
	mg_queue_init(&q);
	assert_int_equal(parse_text(s.data, s.len, AUTH, 120, &q, &err), -1);
	mg_queue_free(&q);
	mg_str_free(&s);
	assert_int_equal(parse_text("x", 1, "1xVQOt-0002YG-2u-D", 0, &q,
	    &err), -1);
}

/* copy_file - src into dst, for a spool made of fixtures */
static void
copy_file(const char *src, const char *dst)
{
	struct mg_str s;
	struct mg_err err;
	int fd;

	mg_str_init(&s);
	if (mg_file_read(src, MG_FILE_MAX, &s, NULL, &err) < 0)
		fail_msg("%s", err.msg);
	fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, s.data, s.len), (ssize_t)s.len);
	assert_int_equal(close(fd), 0);
	mg_str_free(&s);
}

/* find - the message with this ID */
static const struct mg_qmsg *
find(const struct mg_queue *q, const char *id)
{
	size_t i;

	for (i = 0; i < q->nmsgs; i++)
		if (strcmp(q->msgs[i].id, id) == 0)
			return (&q->msgs[i]);
	fail_msg("%s not scanned", id);
	return (NULL);
}

/* test_scan_split_spool - input/ and input/X/ (split_spool_directory),
 * a -J journal, a -H whose -D is gone, a corrupt -H and stray files */
static void
test_scan_split_spool(void **state)
{
	static const char *const ids[] = { "1xVQOt-0002YG-2u",
	    "1xVQOt-0002YG-2v", "1xVQOu-0002YU-01", "1xVQSQ-0003M1-1Q" };
	char dir[] = "/tmp/mg-exq.XXXXXX", path[512], src[512];
	struct mg_queue q;
	struct mg_err err;
	const struct mg_qmsg *m;
	size_t i;
	int fd;

	(void)state;
	assert_non_null(mkdtemp(dir));
	(void)snprintf(path, sizeof(path), "%s/input", dir);
	assert_int_equal(mkdir(path, 0750), 0);
	(void)snprintf(path, sizeof(path), "%s/input/G", dir);
	assert_int_equal(mkdir(path, 0750), 0);
	for (i = 0; i < MG_NELEM(ids); i++) {
		/* 4.96 splits by the sixth character of the ID */
		(void)snprintf(src, sizeof(src), DATA "%s-H", ids[i]);
		(void)snprintf(path, sizeof(path), "%s/input/%s%s-H", dir,
		    i < 2 ? "G/" : "", ids[i]);
		copy_file(src, path);
		if (i == 2)
			continue;	/* its -D is gone: delivered */
		(void)snprintf(src, sizeof(src), DATA "%s-D", ids[i]);
		(void)snprintf(path, sizeof(path), "%s/input/%s%s-D", dir,
		    i < 2 ? "G/" : "", ids[i]);
		copy_file(src, path);
	}
	/* a delivery attempt cut short delivered b@gmail.com */
	(void)snprintf(path, sizeof(path), "%s/input/G/%s-J", dir, ids[0]);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_int_equal(write(fd, "b@gmail.com\n", 12), 12);
	assert_int_equal(close(fd), 0);
	(void)snprintf(path, sizeof(path), "%s/input/1xVQZZ-0002YG-2u-H", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_int_equal(write(fd, "garbage\n", 8), 8);
	assert_int_equal(close(fd), 0);
	(void)snprintf(path, sizeof(path), "%s/input/hdr.1234", dir);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_int_equal(close(fd), 0);

	assert_int_equal(mg_exim_queue_scan(dir, &q, NULL, NULL, &err), 0);
	assert_int_equal(q.files, 5);
	assert_int_equal(q.nmsgs, 3);
	assert_int_equal(q.vanished, 1);
	assert_int_equal(q.corrupt, 1);
	assert_int_equal(q.nproblems, 1);
	assert_non_null(strstr(q.problems[0], "input/1xVQZZ-0002YG-2u-H"));
	m = find(&q, ids[0]);
	assert_int_equal(m->nrcpts, 1);
	assert_string_equal(m->rcpts[0], "a@comcast.net");
	assert_int_equal(m->size, 480);
	m = find(&q, ids[3]);
	assert_string_equal(m->queue, MG_EXIM_FROZEN);
	assert_int_equal(m->size, 487);
	mg_queue_free(&q);

	/* without the sizes (no stat of each -D): the same messages, the
	 * -H without its -D still gone (the listing saw no -D), the -J
	 * still read; sizes 0 */
	assert_int_equal(mg_exim_queue_read(dir, 0, &q, NULL, NULL, &err), 0);
	assert_int_equal(q.files, 5);
	assert_int_equal(q.nmsgs, 3);
	assert_int_equal(q.vanished, 1);
	assert_int_equal(q.corrupt, 1);
	m = find(&q, ids[0]);
	assert_int_equal(m->nrcpts, 1);
	assert_string_equal(m->rcpts[0], "a@comcast.net");
	assert_int_equal(m->size, 0);
	m = find(&q, ids[3]);
	assert_string_equal(m->queue, MG_EXIM_FROZEN);
	assert_int_equal(m->size, 0);
	mg_queue_free(&q);

	/* no input/ yet: an empty queue, not an error */
	(void)snprintf(path, sizeof(path), "%s/nothing", dir);
	assert_int_equal(mkdir(path, 0750), 0);
	assert_int_equal(mg_exim_queue_scan(path, &q, NULL, NULL, &err), 0);
	assert_int_equal(q.nmsgs, 0);
	mg_queue_free(&q);
	assert_int_equal(rmdir(path), 0);

	(void)snprintf(path, sizeof(path), "%s/input/G/%s-J", dir, ids[0]);
	assert_int_equal(unlink(path), 0);
	for (i = 0; i < MG_NELEM(ids); i++) {
		(void)snprintf(path, sizeof(path), "%s/input/%s%s-H", dir,
		    i < 2 ? "G/" : "", ids[i]);
		assert_int_equal(unlink(path), 0);
		(void)snprintf(path, sizeof(path), "%s/input/%s%s-D", dir,
		    i < 2 ? "G/" : "", ids[i]);
		assert_true(unlink(path) == 0 || i == 2);
	}
	(void)snprintf(path, sizeof(path), "%s/input/1xVQZZ-0002YG-2u-H", dir);
	assert_int_equal(unlink(path), 0);
	(void)snprintf(path, sizeof(path), "%s/input/hdr.1234", dir);
	assert_int_equal(unlink(path), 0);
	(void)snprintf(path, sizeof(path), "%s/input/G", dir);
	assert_int_equal(rmdir(path), 0);
	(void)snprintf(path, sizeof(path), "%s/input", dir);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* write_file - text into path, 0600 */
static void
write_file(const char *path, const char *text, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	assert_int_equal(close(fd), 0);
}

/* big_id - the i-th of BIG_N IDs, 4.96 form, in split directory
 * base62(i % 62) (the sixth character) */
static void
big_id(size_t i, char *id, size_t size)
{
	static const char b62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz";

	(void)snprintf(id, size, "1xVQ%c%c-0002YG-%c%c", b62[i / 62 / 62 %
	    62], b62[i % 62], b62[i / 62 % 62], b62[i / 62 / 62 % 62]);
}

/* count_calls - a progress function: counts (calls[0]), keeps the last
 * count of files (calls[2]), cancels at the second call if calls[1] */
static int
count_calls(void *arg, size_t files)
{
	size_t *calls = arg;

	calls[2] = files;
	return (++*calls > 1 && calls[1] != 0);
}

#define BIG_N 3000

/* late_data - a progress function: at its first call (the listing has
 * begun) the -D named by arg appears, as a message received meanwhile */
static int
late_data(void *arg, size_t files)
{
	const char *path = arg;
	int fd;

	(void)files;
	if (access(path, F_OK) == 0)
		return (0);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "x-D\n", 4), 4);
	assert_int_equal(close(fd), 0);
	return (0);
}

/* readdir_order - the -H files of spool dir's input/ and its split
 * directories as readdir gives them (directories where they come), the
 * IDs in skip[] left out: the order a scan keeps; names[] of n */
static size_t
readdir_order(const char *dir, char names[][40], size_t max,
    const char *const *skip, size_t nskip)
{
	char path[512];
	struct dirent *de, *se;
	size_t n = 0, k, len;
	DIR *d, *sd;

	(void)snprintf(path, sizeof(path), "%s/input", dir);
	d = opendir(path);
	assert_non_null(d);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' || de->d_name[1] != '\0')
			continue;
		(void)snprintf(path, sizeof(path), "%s/input/%s", dir,
		    de->d_name);
		sd = opendir(path);
		assert_non_null(sd);
		while ((se = readdir(sd)) != NULL) {
			len = strlen(se->d_name);
			if (len < 3 || strcmp(se->d_name + len - 2, "-H") != 0)
				continue;
			for (k = 0; k < nskip; k++)
				if (strncmp(skip[k], se->d_name, len - 2) == 0)
					break;
			if (k < nskip)
				continue;
			assert_true(n < max);
			(void)snprintf(names[n++], 40, "%.*s", (int)(len - 2),
			    se->d_name);
		}
		(void)closedir(sd);
	}
	(void)closedir(d);
	return (n);
}

/*
 * test_scan_two_threads - a spool large enough for the two reading
 * threads (split over 62 directories, as 4.96 splits): every message
 * once, in the merged queue, with the counts of both halves (a corrupt
 * -H, a -H whose -D is gone) added; progress told; a cancel stops it
 */
static void
test_scan_two_threads(void **state)
{
	char dir[] = "/tmp/mg-exq2.XXXXXX", path[512], id[32], sub[2];
	struct mg_str tmpl, text = MG_STR_INIT;
	size_t i, k, calls[3] = { 0, 0, 0 };
	static char order[BIG_N][40];
	char skip[4][32];
	const char *skipp[2] = { skip[0], skip[1] };
	struct mg_queue q;
	struct mg_err err;
	char **seen;

	(void)state;
	big_id(3, skip[2], sizeof(skip[2]));
	big_id(BIG_N - 3, skip[3], sizeof(skip[3]));
	load(AUTH, &tmpl);
	assert_non_null(mkdtemp(dir));
	(void)snprintf(path, sizeof(path), "%s/input", dir);
	assert_int_equal(mkdir(path, 0750), 0);
	for (i = 0; i < BIG_N; i++) {
		big_id(i, id, sizeof(id));
		sub[0] = id[5];
		sub[1] = '\0';
		(void)snprintf(path, sizeof(path), "%s/input/%s", dir, sub);
		assert_true(mkdir(path, 0750) == 0 || errno == EEXIST);
		/* the file's own name on its first line */
		mg_str_reset(&text);
		mg_str_printf(&text, "%s-H%s", id, strchr(tmpl.data, '\n'));
		(void)snprintf(path, sizeof(path), "%s/input/%s/%s-H", dir, sub,
		    id);
		if (i == 7)
			write_file(path, "garbage\n", 8);
		else
			write_file(path, text.data, text.len);
		if (i == BIG_N - 5)
			continue;	/* its -D is gone: delivered */
		(void)snprintf(path, sizeof(path), "%s/input/%s/%s-D", dir, sub,
		    id);
		write_file(path, "1xVQOt-0002YG-2u-D\n", 19);
		if (i != 3 && i != BIG_N - 3)
			continue;
		/* an attempt cut short delivered b@gmail.com */
		(void)snprintf(path, sizeof(path), "%s/input/%s/%s-J", dir, sub,
		    id);
		write_file(path, "b@gmail.com\n", 12);
	}

	assert_int_equal(mg_exim_queue_scan(dir, &q, count_calls, calls,
	    &err), 0);
	assert_int_equal(q.files, BIG_N);
	assert_int_equal(q.nmsgs, BIG_N - 2);
	assert_int_equal(q.corrupt, 1);
	assert_int_equal(q.vanished, 1);
	/* told while reading, and the whole count in the end */
	assert_true(calls[0] >= 2);
	assert_int_equal(calls[2], BIG_N);
	/* each ID once */
	seen = calloc(q.nmsgs, sizeof(*seen));
	assert_non_null(seen);
	for (i = 0; i < q.nmsgs; i++) {
		seen[i] = (char *)q.msgs[i].id;
		assert_string_equal(q.msgs[i].sasl_username, "root");
	}
	qsort(seen, q.nmsgs, sizeof(*seen), mg_strp_cmp);
	for (i = 1; i < q.nmsgs; i++)
		assert_true(strcmp(seen[i - 1], seen[i]) < 0);
	free(seen);
	/* in the order readdir lists them, whichever thread read them */
	big_id(7, skip[0], sizeof(skip[0]));
	big_id(BIG_N - 5, skip[1], sizeof(skip[1]));
	assert_int_equal(readdir_order(dir, order, BIG_N, skipp, 2),
	    q.nmsgs);
	for (i = 0; i < q.nmsgs; i++)
		assert_string_equal(q.msgs[i].id, order[i]);
	/* the -J of the one listed early and of the one listed late */
	for (i = 0; i < q.nmsgs; i++)
		assert_int_equal(q.msgs[i].nrcpts, strcmp(q.msgs[i].id,
		    skip[2]) == 0 || strcmp(q.msgs[i].id, skip[3]) == 0 ? 1 :
		    2);
	mg_queue_free(&q);

	/* without the sizes: the -D of each -H found in the listing
	 * whichever of the two readdir gave first */
	assert_int_equal(mg_exim_queue_read(dir, 0, &q, NULL, NULL, &err), 0);
	assert_int_equal(q.files, BIG_N);
	assert_int_equal(q.nmsgs, BIG_N - 2);
	assert_int_equal(q.corrupt, 1);
	assert_int_equal(q.vanished, 1);
	mg_queue_free(&q);

	/* a -D made after the listing began (readdir may not return it):
	 * looked for before its -H is called vanished */
	big_id(BIG_N - 5, id, sizeof(id));
	(void)snprintf(path, sizeof(path), "%s/input/%c/%s-D", dir, id[5], id);
	assert_int_equal(mg_exim_queue_read(dir, 0, &q, late_data, path,
	    &err), 0);
	assert_int_equal(q.nmsgs, BIG_N - 1);
	assert_int_equal(q.vanished, 0);
	mg_queue_free(&q);
	assert_int_equal(unlink(path), 0);

	/* cancelled at the second progress call */
	calls[0] = 0;
	calls[1] = 1;
	assert_int_equal(mg_exim_queue_scan(dir, &q, count_calls, calls,
	    &err), -1);
	assert_non_null(strstr(err.msg, "cancelled"));
	assert_true(q.files < BIG_N);
	mg_queue_free(&q);

	for (i = 0; i < BIG_N; i++) {
		big_id(i, id, sizeof(id));
		for (k = 0; k < 3; k++) {
			(void)snprintf(path, sizeof(path), "%s/input/%c/%s-%c",
			    dir, id[5], id, "HDJ"[k]);
			assert_true(unlink(path) == 0 || (k == 1 && i ==
			    BIG_N - 5) || (k == 2 && i != 3 && i != BIG_N - 3));
		}
	}
	for (i = 0; i < 62; i++) {
		big_id(i, id, sizeof(id));
		(void)snprintf(path, sizeof(path), "%s/input/%c", dir, id[5]);
		assert_int_equal(rmdir(path), 0);
	}
	(void)snprintf(path, sizeof(path), "%s/input", dir);
	assert_int_equal(rmdir(path), 0);
	assert_int_equal(rmdir(dir), 0);
	mg_str_free(&text);
	mg_str_free(&tmpl);
}

/* test_grouping_by_sasl - the model's grouping over an Exim spool */
static void
test_grouping_by_sasl(void **state)
{
	struct mg_queue q;
	struct mg_qgrouping g;
	struct mg_err err;

	(void)state;
	mg_queue_init(&q);
	assert_int_equal(parse_fixture(AUTH, &q, &err), 0);
	assert_int_equal(parse_fixture(PART, &q, &err), 0);
	assert_int_equal(parse_fixture(LOCAL, &q, &err), 0);
	mg_queue_group(&q, MG_QBY_SASL, 1795426400, &g);
	assert_int_equal(g.ngroups, 2);
	assert_string_equal(g.groups[0].key, "root");
	assert_int_equal(g.groups[0].count, 2);
	mg_qgrouping_free(&g);
	mg_queue_group(&q, MG_QBY_CLIENT, 1795426400, &g);
	assert_string_equal(g.groups[0].key, "93.122.252.5");
	mg_qgrouping_free(&g);
	mg_queue_free(&q);
}

/* put_exec - an executable script at path */
static void
put_exec(const char *path, const char *text)
{
	FILE *fp;

	assert_non_null(fp = fopen(path, "w"));
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(chmod(path, 0755), 0);
}

/* count_lines - lines of file path (0 if it is not there) */
static size_t
count_lines(const char *path)
{
	FILE *fp;
	size_t n = 0;
	int c;

	if ((fp = fopen(path, "r")) == NULL)
		return (0);
	while ((c = fgetc(fp)) != EOF)
		n += c == '\n';
	(void)fclose(fp);
	return (n);
}

/* detect_and_scan - detect the Exim of opts, then read its (empty)
 * spool: how many times the binary ran, logged to calls */
static size_t
detect_and_scan(struct mg_detect_opts *o, const char *calls,
    struct mg_target *t)
{
	struct mg_queue q;
	struct mg_err err;

	(void)unlink(calls);
	if (mg_backend_detect(o, t, &err) < 0)
		fail_msg("detect: %s", err.msg);
	if (mg_backend_load_queue(t, &q, NULL, NULL, &err) < 0)
		fail_msg("load_queue: %s", err.msg);
	assert_int_equal(q.nmsgs, 0);
	mg_queue_free(&q);
	return (count_lines(calls));
}

/*
 * test_detect_names_spool - one exim process (-bV -bP spool_directory
 * config_file) names the version, the configuration file and the spool
 * the queue is read from: detection and a scan run it once, counted by
 * the fake binary; an exim that prints only -bV's report still works,
 * the spool then asked of -bP when the queue is read (twice)
 */
static void
test_detect_names_spool(void **state)
{
	char dir[] = "/tmp/mg-test-eximdetect.XXXXXX", bin[PATH_MAX],
	    calls[PATH_MAX], input[PATH_MAX + 8], spool[PATH_MAX];
	struct mg_str script = MG_STR_INIT;
	struct mg_detect_opts o;
	struct mg_target t;

	(void)state;
	assert_non_null(mkdtemp(dir));
	(void)snprintf(bin, sizeof(bin), "%s/exim", dir);
	(void)snprintf(calls, sizeof(calls), "%s/calls", dir);
	(void)snprintf(spool, sizeof(spool), "%s/spool", dir);
	(void)snprintf(input, sizeof(input), "%s/input", spool);
	assert_int_equal(mkdir(spool, 0755), 0);
	assert_int_equal(mkdir(input, 0755), 0);
	mg_str_printf(&script, "#!/bin/sh\necho \"$*\" >>'%s'\n"
	    "case \"$*\" in *'-bV '*) ;; *'-bP spool_directory')\n"
	    "  echo 'spool_directory = %s'; exit 0 ;;\nesac\n"
	    "echo 'Exim version 4.96 #3 built 01-Jan-2026'\n"
	    "if [ \"$*\" = '-bV -bP spool_directory config_file' ]; then\n"
	    "  echo 'spool_directory = %s'; echo /etc/exim/named-by-p.conf\n"
	    "else\n  echo 'Configuration file is /etc/exim/named-by-v.conf'\n"
	    "fi\n", calls, spool, spool);
	put_exec(bin, mg_str_cstr(&script));
	memset(&o, 0, sizeof(o));
	o.exim_bin = bin;
	o.backend = &mg_backend_exim;

	assert_int_equal(detect_and_scan(&o, calls, &t), 1);
	assert_string_equal(t.version, "4.96");
	assert_string_equal(t.config_file, "/etc/exim/named-by-p.conf");
	assert_string_equal(t.queue_dir, spool);
	mg_target_free(&t);

	/* an exim whose -bV ignores -bP: asked again for the spool */
	mg_str_reset(&script);
	mg_str_printf(&script, "#!/bin/sh\necho \"$*\" >>'%s'\n"
	    "case \"$*\" in *'-bV '*) ;; *'-bP spool_directory')\n"
	    "  echo 'spool_directory = %s'; exit 0 ;;\nesac\n"
	    "echo 'Exim version 4.95 #1 built 01-Jan-2025'\n"
	    "echo 'Configuration file is /etc/exim/named-by-v.conf'\n", calls,
	    spool);
	put_exec(bin, mg_str_cstr(&script));
	assert_int_equal(detect_and_scan(&o, calls, &t), 2);
	assert_string_equal(t.version, "4.95");
	assert_string_equal(t.config_file, "/etc/exim/named-by-v.conf");
	assert_null(t.queue_dir);
	mg_target_free(&t);

	mg_str_free(&script);
	assert_int_equal(unlink(bin), 0);
	assert_int_equal(unlink(calls), 0);
	assert_int_equal(rmdir(input), 0);
	assert_int_equal(rmdir(spool), 0);
	assert_int_equal(rmdir(dir), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auth_root_read),
		cmocka_unit_test(test_delivered_and_local),
		cmocka_unit_test(test_frozen_bounce),
		cmocka_unit_test(test_host_address_forms),
		cmocka_unit_test(test_recipient_forms),
		cmocka_unit_test(test_acl_variables_skipped),
		cmocka_unit_test(test_every_prefix_is_corrupt),
		cmocka_unit_test(test_broken_files_refused),
		cmocka_unit_test(test_scan_split_spool),
		cmocka_unit_test(test_scan_two_threads),
		cmocka_unit_test(test_grouping_by_sasl),
		cmocka_unit_test(test_detect_names_spool),
	};

	return (cmocka_run_group_tests_name("exim_queue", tests, NULL, NULL));
}
