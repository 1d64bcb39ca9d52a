/*
 * main.c - parse the global options and dispatch: no command opens the
 * console, otherwise the command's entry in the table (cmd_table.c) runs.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "../core/mg_dns.h"
#include "../core/mg_sanitize.h"
#include "cmd.h"
#include "../console/console.h"

#ifndef MG_VERSION
#define MG_VERSION "0.0.0"
#endif

/* tty_note - what a slow load reads now (tables), on the terminal's
 * stderr: one line rewritten in place; NULL clears it */
static void
tty_note(void *arg, const char *what)
{
	char line[73];

	(void)arg;
	(void)fputs("\r\033[K", stderr);
	if (what != NULL) {
		(void)fputs("mailguard-tui: ", stderr);
		(void)snprintf(line, sizeof(line), "%s", what);
		mg_print_sanitized(stderr, line);
	}
	(void)fflush(stderr);
}

/* main - global options, then the command */
int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "postfix", required_argument, NULL, 'p' },
		{ "exim", required_argument, NULL, 'e' },
		{ "exim-bin", required_argument, NULL, 'b' },
		{ "exim-generator", required_argument, NULL, 'g' },
		{ "state", required_argument, NULL, 's' },
		{ "maillog", required_argument, NULL, 'l' },
		{ "incident", no_argument, NULL, 'i' },
		{ "no-host-context", no_argument, NULL, 'N' },
		{ "resolv-conf", required_argument, NULL, 'r' },
		{ "resolved-upstream", required_argument, NULL, 'u' },
		{ "local-resolver-conf", required_argument, NULL, 'L' },
		{ "no-dns", no_argument, NULL, 'D' },
		{ "resolver", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const struct mg_cmd_entry *c;
	struct mg_session app;
	int ch, rc, incident = 0;
	unsigned char addr[4];
	unsigned port;
	struct mg_err err;
	const char *nodns;

	mg_session_init(&app);
	opterr = 0;
	/* "+": stop at the command name; its options are its own. */
	while ((ch = getopt_long(argc, argv, "+hV", opts, NULL)) != -1) {
		switch (ch) {
		case 'p':
			app.opts.postfix_dir = optarg;
			break;
		case 'e':
			app.opts.exim_path = optarg;
			break;
		case 'b':
			app.opts.exim_bin = optarg;
			break;
		case 'g':
			app.opts.exim_generator = optarg;
			break;
		case 's':
			app.opts.state_dir = optarg;
			break;
		case 'l':
			app.opts.maillog = optarg;
			break;
		case 'i':
			incident = 1;
			break;
		case 'N':
			app.no_host = 1;
			break;
		case 'r':
			app.resolv_conf = optarg;
			break;
		case 'u':
			app.resolved_conf = optarg;
			break;
		case 'L':
			app.local_resolver_conf = optarg;
			break;
		case 'D':
			app.no_dns = 1;
			break;
		case 'R':
			if (mg_dns_server_parse(optarg, addr, &port,
			    &err) < 0)
				return (mg_cmd_usage_error(NULL, "--resolver: "
				    "%s", err.msg));
			app.resolver = optarg;
			break;
		case 'h':
			mg_cmd_help(stdout);
			return (MG_EXIT_OK);
		case 'V':
			(void)printf("mailguard-tui %s\n", MG_VERSION);
			return (MG_EXIT_OK);
		default:
			if (optopt != 0)
				return (mg_cmd_usage_error(NULL,
				    "bad or incomplete option -%c", optopt));
			return (mg_cmd_usage_error(NULL, "unknown option %s",
			    argv[optind - 1]));
		}
	}
	/* MAILGUARD_NO_DNS (the test suites set it): no DNS unless
	 * --resolver names a server */
	if (app.resolver == NULL && (nodns = getenv("MAILGUARD_NO_DNS")) !=
	    NULL && *nodns != '\0')
		app.no_dns = 1;
	if (incident && optind < argc)
		return (mg_cmd_usage_error(NULL, "--incident opens the console "
		    "and takes no command"));
	if (optind >= argc) {
		rc = mg_console_run(&app, incident);
		mg_session_free(&app);
		return (rc);
	}
	if ((c = mg_cmd_find(argv[optind])) == NULL)
		return (mg_cmd_usage_error(NULL, "unknown command \"%s\"",
		    argv[optind]));
	argc -= optind;
	argv += optind;
	optind = 0;	/* glibc: reinitialise getopt for the command */
	if (isatty(STDERR_FILENO))
		app.opts.note = tty_note;
	rc = c->exec(&app, argc, argv);
	mg_session_free(&app);
	return (rc);
}
