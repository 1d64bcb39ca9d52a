/*
 * queue_action.c - what purge, hold, release and requeue share (each has
 * its own cmd_NAME.c): the selectors, the dry run, the question, and the
 * queue actions of the engine (engine/queue_purge.c) on the command line.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../backends/queue_act.h"
#include "../core/mg_net.h"
#include "../core/mg_num.h"
#include "../engine/queue_purge.h"
#include "cmd.h"
#include "confirm.h"
#include "queue_action.h"

/* bad_option - usage error for the option getopt rejected */
static int
bad_option(const char *cmd, char **argv)
{
	return (mg_cmd_usage_error(cmd, "unknown or incomplete option %s",
	    argv[optind - 1]));
}

/* purge_ask - y/N on the terminal: "Hold, quarantine and delete" or the
 * action's verb, the n messages counted on the read made at when: the
 * action takes only those */
static int
purge_ask(const char *verb, size_t n, time_t when)
{
	char q[192], at[16];
	struct tm tm;

	at[0] = '\0';
	if (localtime_r(&when, &tm) != NULL)
		(void)strftime(at, sizeof(at), "%H:%M:%S", &tm);
	(void)snprintf(q, sizeof(q), "%s these %zu messages?  Only these %zu, "
	    "as read at %s: mail queued since stays.", verb, n, n, at);
	return (mg_cli_confirm(q));
}

/* act_result - hold/release/requeue on the read q (the one counted and
 * confirmed: no second selection), and how it ended */
static int
act_result(struct mg_session *a, const char *cmd, enum mg_qaction act,
    struct mg_queue *q, const struct mg_qsel *sel)
{
	struct mg_purge_result res;
	struct mg_err err;

	mg_err_clear(&err);
	if (mg_queue_act_scanned(&a->target, q, act, sel, stdout, NULL, &res,
	    &err) < 0) {
		(void)fprintf(stderr, "mailguard-tui: %s: ", cmd);
		mg_print_sanitized(stderr, err.msg);
		(void)fprintf(stderr, "%s\n", res.entry > 0 ? " (see: "
		    "mailguard-tui journal)" : "");
		return (MG_EXIT_FAILED);
	}
	(void)printf("%s: %zu of %zu selected (journal entry %ld)", cmd,
	    res.held, res.selected, res.entry);
	if (res.gone > 0)
		(void)printf("; %zu left the queue meanwhile (delivered or "
		    "removed)", res.gone);
	(void)printf("%s\n", res.remaining > 0 ? "; the rest did not move "
	    "(busy, or moved by someone else): run it again" : "");
	return (res.remaining > 0 ? MG_EXIT_FAILED : MG_EXIT_OK);
}

/*
 * purge_run - dry run (count and samples) or the command itself: act < 0
 * purges, else hold/release/requeue
 */
static int
purge_run(struct mg_session *a, const char *cmd, int act,
    const struct mg_qsel *sel, int dry, int yes)
{
	struct mg_purge_result res;
	struct mg_queue q;
	struct mg_err err;
	size_t *idx = NULL, n;
	time_t when;
	int rc;

	if (!a->detected) {
		if (mg_backend_detect(&a->opts, &a->target, &a->err) < 0) {
			(void)fprintf(stderr, "mailguard-tui: %s: ", cmd);
			mg_print_sanitized(stderr, a->err.msg);
			(void)fputc('\n', stderr);
			return (MG_EXIT_UNREAD);
		}
		a->detected = 1;
	}
	if (!dry && geteuid() != 0) {
		(void)fprintf(stderr, "mailguard-tui: %s: acting on the queue "
		    "needs root: nothing changed; --dry-run works without "
		    "it\n", cmd);
		return (MG_EXIT_NOPERM);
	}
	mg_qtime("start");
	when = time(NULL);
	if (mg_backend_load_queue(&a->target, &q, NULL, NULL, &err) < 0) {
		mg_queue_free(&q);
		(void)fprintf(stderr, "mailguard-tui: %s: ", cmd);
		mg_print_sanitized(stderr, err.msg);
		(void)fputc('\n', stderr);
		return (MG_EXIT_UNREAD);
	}
	(void)mg_purge_select(&q, sel, time(NULL), &idx, &n);
	mg_qtime("cli-scan");
	if (dry || n == 0 || !yes) {
		mg_purge_preview(stdout, cmd, &q, idx, n, sel);
		if (n == 0)
			(void)printf("nothing to %s\n", cmd);
		else if (dry)
			(void)printf("dry run: nothing changed\n");
	}
	free(idx);
	if (dry || n == 0) {
		mg_queue_free(&q);
		return (MG_EXIT_OK);
	}
	if (!yes && !isatty(STDIN_FILENO)) {
		(void)fprintf(stderr, "mailguard-tui: %s: not done: no "
		    "terminal to confirm on; add --yes to go ahead without "
		    "asking\n", cmd);
		mg_queue_free(&q);
		return (MG_EXIT_USAGE);
	}
	if (!yes && !purge_ask(act < 0 ? "Hold, quarantine and delete" :
	    act == MG_QA_HOLD ? "Hold" : act == MG_QA_RELEASE ? "Release" :
	    "Requeue", n, when)) {
		(void)printf("nothing done\n");
		mg_queue_free(&q);
		return (MG_EXIT_OK);
	}
	mg_err_clear(&err);
	/* the IDs counted above and confirmed are the ones acted on: no
	 * second selection */
	if (act >= 0) {
		rc = act_result(a, cmd, (enum mg_qaction)act, &q, sel);
		mg_queue_free(&q);
		return (rc);
	}
	rc = mg_queue_purge_scanned(&a->target, &q, sel, stdout, NULL, &res,
	    &err);
	mg_queue_free(&q);
	if (rc < 0) {
		(void)fputs("mailguard-tui: purge: ", stderr);
		mg_print_sanitized(stderr, err.msg);
		(void)fprintf(stderr, "%s\n", res.entry > 0 ? " (see: "
		    "mailguard-tui journal)" : "");
		return (MG_EXIT_FAILED);
	}
	if (res.entry > 0)
		(void)printf("purged %zu of %zu selected (journal entry %ld; "
		    "quarantine %s)%s\n", res.deleted, res.selected,
		    res.entry, res.quarantine, res.remaining > 0 ?
		    "; some could not be removed, see above" : "");
	return (res.remaining > 0 ? MG_EXIT_FAILED : MG_EXIT_OK);
}

/*
 * mg_cmd_qsel_parse - CMD's selectors (--sasl --client --sender
 * --rcpt-domain --older-than --queue) and --dry-run/--yes from argv into
 * sel (pointing into argv); *n counts the selectors.  0, or the usage
 * error's exit code.
 */
int
mg_cmd_qsel_parse(const char *cmd, int argc, char **argv,
    struct mg_qsel *sel, int *n, int *dry, int *yes)
{
	static const struct option opts[] = {
		{ "sasl", required_argument, NULL, 's' },
		{ "client", required_argument, NULL, 'c' },
		{ "sender", required_argument, NULL, 'f' },
		{ "rcpt-domain", required_argument, NULL, 'r' },
		{ "older-than", required_argument, NULL, 'o' },
		{ "queue", required_argument, NULL, 'q' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "yes", no_argument, NULL, 'y' },
		{ NULL, 0, NULL, 0 }
	};
	static const char *const queues[] = { "incoming", "active",
	    "deferred", "hold", "corrupt", "maildrop", "queued", "frozen",
	    NULL };
	struct mg_err err;
	int ch, i;

	memset(sel, 0, sizeof(*sel));
	*n = *dry = *yes = 0;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
		case 'f':
		case 'r':
			if (*optarg == '\0')
				return (mg_cmd_usage_error(cmd, "empty "
				    "selector %s", argv[optind - 2]));
			if (ch == 's')
				sel->sasl = optarg;
			else if (ch == 'f')
				sel->sender = optarg;
			else
				sel->rcpt_domain = optarg;
			(*n)++;
			break;
		case 'c':
			if (mg_net_parse(optarg, &sel->client, &err) < 0)
				return (mg_cmd_usage_error(cmd,
				    "--client: %s", err.msg));
			sel->has_client = 1;
			(*n)++;
			break;
		case 'o':
			if (mg_parse_duration(optarg, &sel->older_than,
			    &err) < 0)
				return (mg_cmd_usage_error(cmd,
				    "--older-than: %s", err.msg));
			(*n)++;
			break;
		case 'q':
			for (i = 0; queues[i] != NULL; i++)
				if (strcmp(optarg, queues[i]) == 0)
					break;
			if (queues[i] == NULL)
				return (mg_cmd_usage_error(cmd, "--queue "
				    "takes incoming, active, deferred, hold, "
				    "corrupt, maildrop (Postfix), queued or "
				    "frozen (Exim)"));
			sel->queue = queues[i];
			(*n)++;
			break;
		case 'n':
			*dry = 1;
			break;
		case 'y':
			*yes = 1;
			break;
		default:
			return (bad_option(cmd, argv));
		}
	}
	if (optind < argc)
		return (mg_cmd_usage_error(cmd, "unexpected argument "
		    "\"%s\"", argv[optind]));
	return (0);
}

/* mg_cmd_queue_action - CMD SELECTOR... [--dry-run] [--yes]: purge (act
 * < 0), or the enum mg_qaction act; an exit code */
int
mg_cmd_queue_action(struct mg_session *a, const char *cmd, int act, int argc,
    char **argv)
{
	struct mg_qsel sel;
	int rc, selectors, dry, yes;

	if ((rc = mg_cmd_qsel_parse(cmd, argc, argv, &sel, &selectors, &dry,
	    &yes)) != 0)
		return (rc);
	if (selectors == 0)
		return (mg_cmd_usage_error(cmd, "name at least one "
		    "selector: the whole queue is never a default"));
	return (purge_run(a, cmd, act, &sel, dry, yes));
}
