/*
 * cmd_pending.c - commands whose engines arrive with later issues (purge,
 * probe).  Their command lines are final and
 * fully checked here, so scripts can be written now; running one says
 * plainly that it is not available yet and exits 69.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "../core/mg_net.h"
#include "../core/mg_num.h"
#include "cmd.h"

/* not_yet - the honest answer; exit 69 */
static int
not_yet(const char *cmd, const char *what)
{
	(void)fprintf(stderr, "mailguard-tui: %s: not available yet in this "
	    "version (%s)\n", cmd, what);
	return (MG_EXIT_UNAVAIL);
}

/* bad_option - usage error for the option getopt rejected */
static int
bad_option(const char *cmd, char **argv)
{
	return (mg_cmd_usage_error(cmd, "unknown or incomplete option %s",
	    argv[optind - 1]));
}

/* mg_cmd_purge - purge SELECTOR... [--dry-run] [--yes] */
int
mg_cmd_purge(struct mg_app *a, int argc, char **argv)
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
	    "deferred", "hold", "corrupt", "maildrop", "frozen", NULL };
	struct mg_net net;
	struct mg_err err;
	unsigned long secs;
	int ch, i, selectors = 0;

	(void)a;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (ch) {
		case 's':
		case 'f':
		case 'r':
			if (*optarg == '\0')
				return (mg_cmd_usage_error("purge", "empty "
				    "selector %s", argv[optind - 2]));
			selectors++;
			break;
		case 'c':
			if (mg_net_parse(optarg, &net, &err) < 0)
				return (mg_cmd_usage_error("purge",
				    "--client: %s", err.msg));
			selectors++;
			break;
		case 'o':
			if (mg_parse_duration(optarg, &secs, &err) < 0)
				return (mg_cmd_usage_error("purge",
				    "--older-than: %s", err.msg));
			selectors++;
			break;
		case 'q':
			for (i = 0; queues[i] != NULL; i++)
				if (strcmp(optarg, queues[i]) == 0)
					break;
			if (queues[i] == NULL)
				return (mg_cmd_usage_error("purge", "--queue "
				    "takes incoming, active, deferred, hold, "
				    "corrupt, maildrop or frozen"));
			selectors++;
			break;
		case 'n':
		case 'y':
			break;
		default:
			return (bad_option("purge", argv));
		}
	}
	if (optind < argc)
		return (mg_cmd_usage_error("purge", "unexpected argument "
		    "\"%s\"", argv[optind]));
	if (selectors == 0)
		return (mg_cmd_usage_error("purge", "name at least one "
		    "selector: purging the whole queue is never a default"));
	return (not_yet("purge", "queue actions come with the fix engine"));
}

/* mg_cmd_probe - probe [--target HOST[:PORT]] [--client IP]... [--json] */
int
mg_cmd_probe(struct mg_app *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "client", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	struct mg_net net;
	struct mg_err err;
	int ch;

	(void)a;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (ch) {
		case 't':
			if (*optarg == '\0')
				return (mg_cmd_usage_error("probe", "empty "
				    "--target"));
			break;
		case 'c':
			if (mg_net_parse(optarg, &net, &err) < 0 ||
			    net.has_prefix)
				return (mg_cmd_usage_error("probe", "--client "
				    "takes one IP address"));
			break;
		case 'j':
			break;
		default:
			return (bad_option("probe", argv));
		}
	}
	if (optind < argc)
		return (mg_cmd_usage_error("probe", "unexpected argument "
		    "\"%s\"", argv[optind]));
	return (not_yet("probe", "the SMTP relay probe comes with its own "
	    "issue"));
}
