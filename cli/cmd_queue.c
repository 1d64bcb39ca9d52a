/*
 * cmd_queue.c - "queue [--by sender|sasl|client|rcpt-domain|age] [--json]":
 * the live queue read directly and grouped, biggest group first.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "../core/mg_json.h"
#include "../core/mg_queue.h"
#include "../core/mg_sanitize.h"
#include "cmd.h"

/* Default: the SASL user, the question of a stolen-password flood
 * (incident 3); mail without SASL shows as "(none)". */
#define QUEUE_BY_DEFAULT MG_QBY_SASL

/* share - count as a fraction of total, 4 decimals */
static double
share(size_t count, size_t total)
{
	if (total == 0)
		return (0);
	return (round((double)count * 10000 / (double)total) / 10000);
}

/* print_json - the queue --json document (README) */
static void
print_json(const struct mg_queue *q, const struct mg_qgrouping *g)
{
	struct mg_str out = MG_STR_INIT;
	struct mg_json j;
	size_t i;

	mg_json_init(&j, &out, 1);
	mg_json_object(&j);
	mg_json_kv_string(&j, "by", mg_queue_by_name(g->by));
	mg_json_kv_int(&j, "total", (long long)g->total);
	mg_json_key(&j, "groups");
	mg_json_array(&j);
	for (i = 0; i < g->ngroups; i++) {
		mg_json_object(&j);
		mg_json_kv_string(&j, "key", g->groups[i].key);
		mg_json_kv_int(&j, "count", (long long)g->groups[i].count);
		mg_json_key(&j, "share");
		mg_json_double(&j, share(g->groups[i].count, g->total));
		mg_json_end(&j);
	}
	mg_json_end(&j);
	mg_json_kv_int(&j, "files", (long long)q->files);
	mg_json_kv_int(&j, "unreadable", (long long)mg_queue_unreadable(q));
	mg_json_kv_int(&j, "vanished", (long long)q->vanished);
	mg_json_kv_int(&j, "incomplete", (long long)q->incomplete);
	mg_json_kv_int(&j, "corrupt", (long long)q->corrupt);
	mg_json_key(&j, "problems");
	mg_json_array(&j);
	for (i = 0; i < q->nproblems; i++)
		mg_json_string(&j, q->problems[i]);
	mg_json_end(&j);
	mg_json_end(&j);
	(void)fwrite(out.data, 1, out.len, stdout);
	mg_str_free(&out);
}

/* print_text - a table; keys are hostile text and are sanitized */
static void
print_text(const struct mg_queue *q, const struct mg_qgrouping *g)
{
	size_t i;

	(void)printf("queue by %s: %zu message%s\n\n", mg_queue_by_name(g->by),
	    g->total, g->total == 1 ? "" : "s");
	if (g->ngroups > 0)
		(void)printf("%8s %7s  %s\n", "COUNT", "SHARE",
		    g->by == MG_QBY_RCPT_DOMAIN ? "RECIPIENT DOMAIN" :
		    g->by == MG_QBY_AGE ? "AGE" : g->by == MG_QBY_SASL ?
		    "SASL USER" : g->by == MG_QBY_CLIENT ? "CLIENT" :
		    "SENDER");
	for (i = 0; i < g->ngroups; i++) {
		(void)printf("%8zu %6.1f%%  ", g->groups[i].count,
		    100 * share(g->groups[i].count, g->total));
		mg_print_sanitized(stdout, g->groups[i].key);
		(void)fputc('\n', stdout);
	}
	if (mg_queue_unreadable(q) == 0)
		return;
	(void)printf("\n%zu file%s skipped: %zu vanished, %zu being written, "
	    "%zu corrupt\n", mg_queue_unreadable(q),
	    mg_queue_unreadable(q) == 1 ? "" : "s", q->vanished,
	    q->incomplete, q->corrupt);
	for (i = 0; i < q->nproblems && i < 5; i++) {
		(void)fputs("  ", stdout);
		mg_print_sanitized(stdout, q->problems[i]);
		(void)fputc('\n', stdout);
	}
}

/* cant_read - the exit for a queue that cannot be read */
static int
cant_read(const char *msg)
{
	(void)fputs("mailguard-tui: queue: ", stderr);
	mg_print_sanitized(stderr, msg);
	(void)fputc('\n', stderr);
	return (MG_EXIT_UNREAD);
}

/* cmd_queue - queue [--by sender|sasl|client|rcpt-domain|age] [--json]
 * (default --by sasl); exit 0, or 3 if the queue cannot be read */
static int
cmd_queue(struct mg_session *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "by", required_argument, NULL, 'b' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	/* a grouping shows no message's size: not read */
	static const struct mg_qscan_opts scan = { .no_sizes = 1 };
	enum mg_queue_by by = QUEUE_BY_DEFAULT;
	struct mg_qgrouping g;
	struct mg_queue q;
	int ch, rc, json = 0;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		if (ch == 'j') {
			json = 1;
			continue;
		}
		if (ch != 'b')
			return (mg_cmd_usage_error("queue", "unknown or "
			    "incomplete option %s", argv[optind - 1]));
		if (mg_queue_by_parse(optarg, &by) < 0)
			return (mg_cmd_usage_error("queue", "--by takes "
			    "sender, sasl, client, rcpt-domain or age"));
	}
	if (optind < argc)
		return (mg_cmd_usage_error("queue", "unexpected argument "
		    "\"%s\"", argv[optind]));
	if (!a->detected) {
		if (mg_backend_detect(&a->opts, &a->target, &a->err) < 0)
			return (cant_read(a->err.msg));
		a->detected = 1;
	}
	rc = mg_backend_scan_queue(&a->target, &q, &scan, NULL, NULL,
	    &a->err);
	if (rc < 0) {
		mg_queue_free(&q);
		return (cant_read(a->err.msg));
	}
	mg_queue_group(&q, by, time(NULL), &g);
	if (json)
		print_json(&q, &g);
	else
		print_text(&q, &g);
	mg_qgrouping_free(&g);
	mg_queue_free(&q);
	return (MG_EXIT_OK);
}

const struct mg_cmd_entry mg_cmd_queue_entry = {
	.name = "queue",
	.args = "[--by sender|sasl|client|rcpt-domain|age] [--json]",
	.summary = "queue grouped by who sends it (default --by sasl)",
	.exec = cmd_queue,
};
