/*
 * test_lab_exim_queue.c - the spool reader against real Exim: a lab
 * spool of thousands of messages written by Exim itself (lab.sh fill:
 * a stolen "root" login from 93.122.252.5, alice at the office, local
 * mail, frozen bounces, recipients marked delivered), grouped by
 * mailguard-tui and judged by exim -bp (senders, recipient domains,
 * frozen, each message's size) and exipick (authenticated ids).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../backends/exim/exim_queue.h"
#include "../../core/mg_lines.h"
#include "../../core/mg_queue.h"
#include "../../core/mg_str.h"
#include "lab_util.h"

#define LAB "tests/lab/exim/lab.sh"
#define ROOT_N 2000
#define ALICE_N 300
#define LOCAL_N 150
#define BOUNCE_N 60
#define MARKED 5		/* alice's messages with bob delivered */
#define KEYS_MAX 64

static char exim_bin[4096];

/* A tally of keys, as the judge counts them. */
struct tally {
	char *key[KEYS_MAX];
	size_t count[KEYS_MAX];
	size_t n;
};

/* tally_add - one more for key (len bytes) */
static void
tally_add(struct tally *t, const char *key, size_t len)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strlen(t->key[i]) == len && memcmp(t->key[i], key, len) ==
		    0) {
			t->count[i]++;
			return;
		}
	assert_true(t->n < KEYS_MAX);
	t->key[t->n] = mg_xstrndup(key, len);
	t->count[t->n++] = 1;
}

/* cmp_line - qsort on char * */
static int
cmp_line(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* tally_text - "key count" lines, sorted, joined by newlines */
static void
tally_text(struct tally *t, struct mg_str *out)
{
	char *lines[KEYS_MAX];
	size_t i;

	mg_str_init(out);
	for (i = 0; i < t->n; i++) {
		struct mg_str l = MG_STR_INIT;

		mg_str_printf(&l, "%s %zu", t->key[i], t->count[i]);
		lines[i] = mg_str_steal(&l);
	}
	qsort(lines, t->n, sizeof(lines[0]), cmp_line);
	for (i = 0; i < t->n; i++) {
		mg_str_printf(out, "%s%s", i > 0 ? "\n" : "", lines[i]);
		free(lines[i]);
		free(t->key[i]);
	}
	t->n = 0;
}

/* ours - queue --by BY --json, as "key count" lines sorted; the total */
static size_t
ours(const char *conf, const char *by, struct mg_str *text)
{
	const char *argv[] = { "./mailguard-tui", "--exim", conf,
	    "--exim-bin", exim_bin, "queue", "--by", by, "--json", NULL };
	struct mg_str out, total;
	size_t n;

	assert_int_equal(lab_capture(argv, &out), 0);
	assert_int_equal(lab_jq(out.data, ".unreadable == 0", NULL), 0);
	assert_int_equal(lab_jq_str(out.data, "[.groups[] | \"\\(.key) "
	    "\\(.count)\"] | sort | join(\"\\n\")", text), 0);
	assert_int_equal(lab_jq_str(out.data, ".total", &total), 0);
	n = (size_t)strtoul(total.data, NULL, 10);
	mg_str_free(&total);
	mg_str_free(&out);
	return (n);
}

/* lower_domain - the domain of addr in lower case into buf */
static size_t
lower_domain(const char *addr, size_t len, char *buf, size_t size)
{
	const char *at = NULL;
	size_t i, n = 0;

	for (i = 0; i < len; i++)
		if (addr[i] == '@')
			at = addr + i;
	if (at == NULL)
		return ((size_t)snprintf(buf, size, "(local)"));
	for (at++; at < addr + len && n + 1 < size; at++)
		buf[n++] = (char)(*at >= 'A' && *at <= 'Z' ? *at + 32 : *at);
	buf[n] = '\0';
	return (n);
}

/*
 * judge_bp - exim -bp: messages ("AGE SIZE ID <SENDER>[ *** frozen ***]")
 * with their recipients below ("D " before a delivered one), tallied by
 * sender and by distinct undelivered recipient domain per message.
 */
static size_t
judge_bp(const char *conf, struct tally *senders, struct tally *domains,
    size_t *frozen)
{
	const char *argv[] = { exim_bin, "-C", conf, "-bp", NULL };
	struct mg_exec_res res;
	const char *cur, *line, *lt, *gt;
	char dom[256], seen[16][256];
	size_t len, n = 0, nseen = 0, i, dl;

	*frozen = 0;
	assert_int_equal(lab_run(&res, argv), 0);
	for (cur = mg_str_cstr(&res.out); mg_line_next(&cur, &line, &len);) {
		if (len == 0)
			continue;
		/* a message: age in the first 3 columns, recipients are
		 * indented by 8 or more */
		if (len > 10 && memcmp(line, "   ", 3) != 0) {
			lt = memchr(line, '<', len);
			assert_non_null(lt);
			gt = memchr(lt, '>', len - (size_t)(lt - line));
			assert_non_null(gt);
			n++;
			nseen = 0;
			if (gt == lt + 1)
				tally_add(senders, "<>", 2);
			else
				tally_add(senders, lt + 1, (size_t)(gt - lt -
				    1));
			if (len - (size_t)(gt - line) > 14 &&
			    memcmp(gt + 1, " *** frozen ***", 15) == 0)
				(*frozen)++;
			continue;
		}
		/* a recipient: 10 columns, "        D " if delivered */
		if (len <= 10 || line[8] == 'D')
			continue;
		dl = lower_domain(line + 10, len - 10, dom, sizeof(dom));
		for (i = 0; i < nseen; i++)
			if (strcmp(seen[i], dom) == 0)
				break;
		if (i < nseen || nseen >= 16)
			continue;
		(void)snprintf(seen[nseen++], sizeof(seen[0]), "%s", dom);
		tally_add(domains, dom, dl);
	}
	mg_exec_res_free(&res);
	return (n);
}

/* bp_size - a size as exim -bp prints it (string_format_size): exact
 * under 1 KiB, "%4.1fK" under 10 KiB, "%4dK" under 1 MiB; 0 if larger */
static int
bp_size(unsigned long long size, char *buf, size_t len)
{
	if (size < 1024)
		(void)snprintf(buf, len, "%llu", size);
	else if (size < 10 * 1024)
		(void)snprintf(buf, len, "%.1fK", (double)size / 1024.0);
	else if (size < 1024 * 1024)
		(void)snprintf(buf, len, "%lluK", (size + 512) / 1024);
	else
		return (0);
	return (1);
}

/*
 * judge_sizes - the spool read with the sizes (as the console reads it):
 * every message's size as exim -bp prints it for that ID, every message
 * once; the number of sizes compared
 */
static size_t
judge_sizes(const char *conf, const char *spool, size_t total)
{
	const char *argv[] = { exim_bin, "-C", conf, "-bp", NULL };
	struct mg_exec_res res;
	const char *cur, *line;
	char age[16], size[16], id[64], want[16];
	struct mg_queue q;
	struct mg_err err;
	size_t len, i, n = 0, found;

	assert_int_equal(mg_exim_queue_scan(spool, &q, NULL, NULL, &err), 0);
	assert_int_equal(q.nmsgs, total);
	assert_int_equal(lab_run(&res, argv), 0);
	for (cur = mg_str_cstr(&res.out); mg_line_next(&cur, &line, &len);) {
		if (len <= 10 || memcmp(line, "   ", 3) == 0)
			continue;	/* a recipient, or blank */
		(void)snprintf(id, sizeof(id), "%.*s", (int)len, line);
		assert_int_equal(sscanf(id, "%15s %15s %63s", age, size, id),
		    3);
		for (i = found = 0; i < q.nmsgs; i++) {
			if (strcmp(q.msgs[i].id, id) != 0)
				continue;
			found++;
			if (bp_size(q.msgs[i].size, want, sizeof(want))) {
				assert_string_equal(want, size);
				n++;
			}
		}
		assert_int_equal(found, 1);
	}
	mg_exec_res_free(&res);
	mg_queue_free(&q);
	return (n);
}

/* judge_exipick - exipick --show-vars authenticated_id: ids by count */
static size_t
judge_exipick(const char *spool, struct tally *ids)
{
	char pick[4096];
	const char *argv[] = { pick, "--spool", spool, "-i", "--show-vars",
	    "authenticated_id", NULL };
	struct mg_exec_res res;
	const char *cur, *line, *q;
	size_t len, n = 0;

	(void)snprintf(pick, sizeof(pick), "%.*s/exipick",
	    (int)(strrchr(exim_bin, '/') - exim_bin), exim_bin);
	assert_int_equal(lab_run(&res, argv), 0);
	for (cur = mg_str_cstr(&res.out); mg_line_next(&cur, &line, &len);) {
		q = memchr(line, '\'', len);
		assert_non_null(q);
		n++;
		if (q[1] == '\'')
			tally_add(ids, "(none)", 6);
		else
			tally_add(ids, q + 1, (size_t)(line + len - 1 - q -
			    1));
	}
	mg_exec_res_free(&res);
	return (n);
}

/* asks_exim_once - queue through a wrapper that counts each exim it
 * runs: one process (exim -bV -bP) names the version, the configuration
 * and the spool; the groups are those of the real binary */
static void
asks_exim_once(const char *dir, const char *conf, size_t total)
{
	char wrap[4096], calls[4096];
	struct mg_str script = MG_STR_INIT, text, log;
	const char *argv[] = { "./mailguard-tui", "--exim", conf,
	    "--exim-bin", wrap, "queue", "--by", "sasl", "--json", NULL };
	size_t i, n = 0;
	FILE *f;

	(void)snprintf(wrap, sizeof(wrap), "%s/exim-counted", dir);
	(void)snprintf(calls, sizeof(calls), "%s/exim-calls", dir);
	(void)unlink(calls);
	mg_str_printf(&script, "#!/bin/sh\necho \"$*\" >>'%s'\nexec '%s' "
	    "\"$@\"\n", calls, exim_bin);
	assert_non_null(f = fopen(wrap, "w"));
	assert_int_equal(fwrite(script.data, 1, script.len, f), script.len);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(wrap, 0755), 0);
	assert_int_equal(lab_capture(argv, &text), 0);
	assert_int_equal(lab_jq(text.data, ".unreadable == 0", NULL), 0);
	mg_str_free(&text);
	lab_slurp(calls, &log);
	for (i = 0; i < log.len; i++)
		n += log.data[i] == '\n';
	(void)printf("    exim processes for queue: %zu (%s)\n", n,
	    log.len > 0 ? "logged" : "none");
	assert_int_equal(n, 1);
	assert_non_null(strstr(log.data, "-bV -bP spool_directory"));
	assert_int_equal(ours(conf, "sasl", &text), total);
	mg_str_free(&text);
	mg_str_free(&log);
	mg_str_free(&script);
	(void)unlink(wrap);
	(void)unlink(calls);
}

/* report_findings - the queue findings on the same spool: the flood
 * counted as Exim counts it, the stolen login named, frozen bounces */
static void
report_findings(const char *conf, size_t total)
{
	const char *argv[] = { "./mailguard-tui", "--exim", conf,
	    "--exim-bin", exim_bin, "report", "--json", NULL };
	struct mg_str out, ids, filter = MG_STR_INIT;
	int rc;

	rc = lab_capture(argv, &out);
	assert_true(rc == 1 || rc == 2);
	assert_int_equal(lab_jq_str(out.data, "[.findings[].id | "
	    "select(startswith(\"queue\"))] | join(\" \")", &ids), 0);
	(void)printf("    report: %s\n", ids.data);
	mg_str_printf(&filter, "[.findings[] | select(.id == \"queue.flood\") "
	    "| .evidence[0].text] == [\"%zu messages queued: %d frozen, %zu "
	    "waiting for delivery or retry\"]", total, BOUNCE_N,
	    total - BOUNCE_N);
	assert_int_equal(lab_jq(out.data, mg_str_cstr(&filter), NULL), 0);
	mg_str_reset(&filter);
	mg_str_printf(&filter, "[.findings[] | select(.id == "
	    "\"queue.frozen-bounces\") | .evidence[0].text] == [\"%d frozen "
	    "bounces (sender <>) of %d frozen messages, %zu queued\"]",
	    BOUNCE_N, BOUNCE_N, total);
	assert_int_equal(lab_jq(out.data, mg_str_cstr(&filter), NULL), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"queue.sasl-dominant\") | .severity, .evidence[0].text] == "
	    "[\"critical\", \"2000 of 2510 queued messages (80%) were "
	    "submitted by authenticated user root (-auth_id in the "
	    "spool)\"]", NULL), 0);
	mg_str_free(&filter);
	mg_str_free(&ids);
	mg_str_free(&out);
}

/* purge_root - purge --sasl root: exim -bp and exipick then count
 * everything but root's mail, the quarantine holds root's -H/-D pairs */
static void
purge_root(const char *dir, const char *conf, const char *spool,
    size_t total)
{
	char st[4096], q[4096];
	const char *argv[] = { "./mailguard-tui", "--exim", conf,
	    "--exim-bin", exim_bin, "--state", st, "purge", "--sasl", "root",
	    "--yes", NULL };
	const char *ls[] = { "ls", q, NULL };
	struct tally s = { .n = 0 }, d = { .n = 0 }, a = { .n = 0 };
	struct mg_exec_res res;
	struct mg_str text;
	size_t frozen, left, files = 0, i;

	(void)snprintf(st, sizeof(st), "%s/state", dir);
	(void)snprintf(q, sizeof(q), "%s/state/quarantine/1", dir);
	assert_int_equal(lab_capture(argv, &text), 0);
	assert_non_null(strstr(text.data, "purged 2000 of 2000 selected"));
	mg_str_free(&text);
	left = judge_bp(conf, &s, &d, &frozen);
	(void)printf("    after purge --sasl root: exim -bp %zu messages\n",
	    left);
	assert_int_equal(left, total - ROOT_N);
	assert_int_equal(frozen, BOUNCE_N);
	tally_text(&s, &text);
	mg_str_free(&text);
	tally_text(&d, &text);
	mg_str_free(&text);
	assert_int_equal(judge_exipick(spool, &a), left);
	tally_text(&a, &text);
	assert_null(strstr(text.data, "root"));
	mg_str_free(&text);
	assert_int_equal(lab_run(&res, ls), 0);
	for (i = 0; i < res.out.len; i++)
		files += res.out.data[i] == '\n';
	mg_exec_res_free(&res);
	assert_int_equal(files, 2 * ROOT_N + 2);	/* README, purge.log */
}

/* fill - lab.sh fill DIR ARGS... */
static void
fill(const char *const *args)
{
	assert_int_equal(lab_script(LAB, args), 0);
}

/* mark_delivered - exim -Mmd on the first MARKED of alice's messages
 * (exipick picks them by authenticated id) */
static void
mark_delivered(const char *conf, const char *spool)
{
	char pick[4096];
	const char *argv[] = { pick, "--spool", spool, "-i",
	    "$authenticated_id eq \"alice\"", NULL };
	const char *md[] = { exim_bin, "-C", conf, "-Mmd", NULL,
	    "bob@customer.example", NULL };
	struct mg_exec_res res, r2;
	const char *cur, *line;
	char id[64];
	size_t len, n = 0;

	(void)snprintf(pick, sizeof(pick), "%.*s/exipick",
	    (int)(strrchr(exim_bin, '/') - exim_bin), exim_bin);
	assert_int_equal(lab_run(&res, argv), 0);
	for (cur = mg_str_cstr(&res.out); n < MARKED &&
	    mg_line_next(&cur, &line, &len); n++) {
		(void)snprintf(id, sizeof(id), "%.*s", (int)len, line);
		md[4] = id;
		assert_int_equal(lab_run(&r2, md), 0);
		mg_exec_res_free(&r2);
	}
	assert_int_equal(n, MARKED);
	mg_exec_res_free(&res);
}

/* test_spool_groups_match_exim - thousands of messages written by Exim;
 * every grouping equals what Exim's own tools say */
static void
test_spool_groups_match_exim(void **state)
{
	const char *dir = lab_dir(LAB, "incident1-template");
	const char *setup[] = { "setup", "incident1-template", dir, NULL };
	char conf[4096], spool[4096], n1[16], n2[16], n3[16], n4[16];
	const char *root[] = { "fill", dir, n1, "--auth-id", "root",
	    "--host-address", "93.122.252.5", "--helo", "[93.122.252.5]",
	    "--sender", "root@mail.example.com", NULL };
	const char *alice[] = { "fill", dir, n2, "--auth-id", "alice",
	    "--host-address", "192.0.2.10", "--helo",
	    "office-gw.example.com", "--sender", "alice@example.com",
	    "--rcpt", "orders@supplier.example.org", "--rcpt",
	    "bob@customer.example", NULL };
	const char *local[] = { "fill", dir, n3, NULL };
	const char *bounce[] = { "fill", dir, n4, "--sender", "<>", "--rcpt",
	    "victim@forged.example", "--freeze", NULL };
	struct tally judge_s = { .n = 0 }, judge_d = { .n = 0 };
	struct tally judge_a = { .n = 0 };
	struct mg_str want, got;
	size_t total, frozen;

	(void)state;
	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	(void)snprintf(spool, sizeof(spool), "%s/spool", dir);
	(void)snprintf(n1, sizeof(n1), "%d", ROOT_N);
	(void)snprintf(n2, sizeof(n2), "%d", ALICE_N);
	(void)snprintf(n3, sizeof(n3), "%d", LOCAL_N);
	(void)snprintf(n4, sizeof(n4), "%d", BOUNCE_N);
	assert_int_equal(lab_script(LAB, setup), 0);
	fill(root);
	fill(alice);
	fill(local);
	fill(bounce);
	mark_delivered(conf, spool);

	total = judge_bp(conf, &judge_s, &judge_d, &frozen);
	(void)printf("    exim -bp: %zu messages, %zu frozen\n", total,
	    frozen);
	assert_int_equal(total, ROOT_N + ALICE_N + LOCAL_N + BOUNCE_N);
	assert_int_equal(frozen, BOUNCE_N);
	assert_int_equal(judge_sizes(conf, spool, total), total);

	tally_text(&judge_s, &want);
	assert_int_equal(ours(conf, "sender", &got), total);
	assert_string_equal(got.data, want.data);
	mg_str_free(&want);
	mg_str_free(&got);

	tally_text(&judge_d, &want);
	assert_int_equal(ours(conf, "rcpt-domain", &got), total);
	assert_string_equal(got.data, want.data);
	assert_non_null(strstr(want.data, "customer.example 295"));
	mg_str_free(&want);
	mg_str_free(&got);

	assert_int_equal(judge_exipick(spool, &judge_a), total);
	tally_text(&judge_a, &want);
	(void)printf("    exipick authenticated_id: %s\n", want.data);
	assert_int_equal(ours(conf, "sasl", &got), total);
	assert_string_equal(got.data, want.data);
	assert_non_null(strstr(want.data, "root 2000"));
	mg_str_free(&want);
	mg_str_free(&got);

	assert_int_equal(ours(conf, "client", &got), total);
	assert_non_null(strstr(got.data, "93.122.252.5 2000"));
	assert_non_null(strstr(got.data, "192.0.2.10 300"));
	mg_str_free(&got);

	asks_exim_once(dir, conf, total);
	report_findings(conf, total);
	purge_root(dir, conf, spool, total);
}

/* setup - private root, and the lab's exim binary */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-exq");
	return (lab_exim_bin(exim_bin, sizeof(exim_bin)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spool_groups_match_exim),
	};

	return (cmocka_run_group_tests_name("lab_exim_queue", tests, setup,
	    lab_teardown));
}
