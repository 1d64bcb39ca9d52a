/*
 * main.c - parse the command line (the contract in DESIGN.md) and dispatch:
 * no command opens the console, otherwise the command table runs.
 */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/mg_sanitize.h"
#include "cmd.h"
#include "../console/console.h"

#ifndef MG_VERSION
#define MG_VERSION "0.0.0"
#endif

const struct mg_cmd_entry mg_cmd_table[] = {
	{ "report", "report [--json]", mg_cmd_report },
	{ "queue", "queue [--by sender|sasl|client|rcpt-domain|age] [--json]",
	    mg_cmd_queue },
	{ "purge", "purge SELECTOR... [--dry-run] [--yes]", mg_cmd_purge },
	{ "hold", "hold SELECTOR... [--dry-run] [--yes]", mg_cmd_hold },
	{ "release", "release SELECTOR... [--dry-run] [--yes]",
	    mg_cmd_release },
	{ "requeue", "requeue SELECTOR... [--dry-run] [--yes]",
	    mg_cmd_requeue },
	{ "fix", "fix ID...|--all [--dry-run] [--export-diff FILE [--force]] "
	    "[--yes] [--value TEXT]",
	    mg_cmd_fix },
	{ "probe", "probe [--target HOST[:PORT]] [--client IP]... [--json]",
	    mg_cmd_probe },
	{ "journal", "journal [--json]", mg_cmd_journal },
	{ "rollback", "rollback ENTRY [--yes]", mg_cmd_rollback },
	{ "restore", "restore ENTRY [SELECTOR...] [--yes]", mg_cmd_restore },
	{ NULL, NULL, NULL }
};

static const char help_text[] =
"usage: mailguard-tui [--postfix DIR] [--exim PATH] [--exim-bin PATH]\n"
"                     [--exim-generator PATH] [--state DIR] [--maillog FILE]\n"
"                     [--no-host-context] [--incident | COMMAND [ARGS]]\n"
"\n"
"Reads the live Postfix or Exim configuration and queue, reports relay\n"
"exposure, aliases, SASL users and queue floods, and proposes fixes.\n"
"Without a command it opens the interactive console.\n"
"\n"
"Options:\n"
"  --postfix DIR    Postfix config directory (as postconf -c); default:\n"
"                   detect\n"
"  --exim PATH      Exim config file, or a Debian-style /etc/exim4 directory\n"
"                   (generated into a private temporary file to read it)\n"
"  --exim-bin PATH  Exim binary (exim4 on Debian, exim elsewhere)\n"
"  --exim-generator PATH\n"
"                   update-exim4.conf for --exim DIR (default: beside the\n"
"                   Exim binary, else in the system path)\n"
"  --state DIR      journal, backups, quarantine (default /var/lib/mailguard)\n"
"  --maillog FILE   the mail log to learn which hosts send without logging\n"
"                   in (default: Postfix maillog_file, else\n"
"                   /var/log/mail.log or /var/log/maillog; Exim's main log\n"
"                   from log_file_path)\n"
"  --no-host-context\n"
"                   judge trusted private networks without this machine's\n"
"                   interfaces and docker (a configuration from elsewhere)\n"
"  --incident       open the console on the queue / incident view (live\n"
"                   groups by SASL user, client, sender, domain; hold,\n"
"                   release, purge); i or F5 opens it from any screen\n"
"  -h, --help       this help;  -V, --version  print the version\n"
"\n"
"Commands:\n"
"  (none)           the interactive console\n"
"  report [--json]  findings, worst first\n"
"                   exit 0 ok/info, 1 warning, 2 critical, 3 could not read,\n"
"                   4 partial: something unread for lack of permission,\n"
"                   findings may be missing (a critical finding still\n"
"                   exits 2)\n"
"  queue [--by sender|sasl|client|rcpt-domain|age] [--json]\n"
"                   queue grouped by who sends it (default --by sasl)\n"
"  purge SELECTOR... [--dry-run] [--yes]\n"
"                   hold (Exim: freeze) the matching mail, copy it into\n"
"                   STATE/quarantine/ENTRY, delete exactly those IDs;\n"
"                   journaled.  Selectors (combined with AND): --sasl USER\n"
"                   --client IP/CIDR  --sender ADDR|@DOMAIN|'<>'\n"
"                   --rcpt-domain DOMAIN  --older-than AGE (30m, 2h, 3d)\n"
"                   --queue QUEUE.  --dry-run: count and samples only.\n"
"                   Asks unless --yes\n"
"  hold|release|requeue SELECTOR... [--dry-run] [--yes]\n"
"                   the same selection put on hold (Exim: frozen), released\n"
"                   (thawed), or requeued through cleanup (Postfix);\n"
"                   journaled\n"
"  fix ID...|--all [--dry-run] [--export-diff FILE [--force]] [--yes]\n"
"                   [--value TEXT]\n"
"                   apply proposed fixes (ids from report): validated and\n"
"                   proven on a private copy first, backed up, installed,\n"
"                   reloaded, re-checked; restored on failure.  Asks\n"
"                   unless --yes.  --dry-run prints the diff,\n"
"                   --export-diff writes it as a patch (patch -p0 -d /)\n"
"                   and says where; an existing FILE only with --force;\n"
"                   neither changes the configuration.  --value TEXT:\n"
"                   your own value for a fix that sets one value\n"
"                   (mynetworks...), judged on the stage as what will\n"
"                   be installed\n"
"  probe [--target HOST[:PORT]] [--client IP]... [--json]\n"
"                   relay test (nmap's variants and forged own-domain\n"
"                   senders, never DATA) as chosen clients: inside each\n"
"                   trusted range, just outside it, foreign; plus every\n"
"                   client, sender and HELO an access table (OK) or an\n"
"                   Exim accept (senders =, hosts =) grants, named by\n"
"                   file:line when it opens the relay; asked of a\n"
"                   private Postfix (XCLIENT) or exim -bh, or of --target\n"
"                   over SMTP.  A 4.3.x temporary failure is \"tempfail\"\n"
"                   (the MTA cannot evaluate its configuration: mail is\n"
"                   deferred).  Also reports STARTTLS, AUTH before TLS,\n"
"                   VRFY/EXPN, the banner.  More: --domain D (foreign\n"
"                   recipient domain), --implicit-tls, --timeout S,\n"
"                   --transcript.  Exit 2: open relay\n"
"  journal [--json] applied changes and purges\n"
"  rollback ENTRY [--yes]\n"
"                   restore the files a journal entry changed, and reload;\n"
"                   of a purge or hold: every message back in the queue\n"
"                   (envelope intact), released as it was before; run\n"
"                   again, it brings back only what is still missing\n"
"  restore ENTRY [SELECTOR...] [--yes]\n"
"                   the same for the part of a purge the selectors choose\n"
"\n"
"Exit status 64: bad command line; 70: a fix was refused or failed (the\n"
"previous files are restored), or a purge failed or left selected mail\n"
"queued; 73: --export-diff FILE exists (add --force) or cannot be\n"
"written; 77: applying or purging needs root.  Run as root for full\n"
"access (sudo).\n";

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

/* mg_cmd_usage_error - print a usage error for cmd; returns MG_EXIT_USAGE */
int
mg_cmd_usage_error(const char *cmd, const char *fmt, ...)
{
	const struct mg_cmd_entry *c;
	va_list ap;

	(void)fprintf(stderr, "mailguard-tui: ");
	if (cmd != NULL)
		(void)fprintf(stderr, "%s: ", cmd);
	va_start(ap, fmt);
	(void)vfprintf(stderr, fmt, ap);
	va_end(ap);
	(void)fputc('\n', stderr);
	for (c = mg_cmd_table; cmd != NULL && c->name != NULL; c++)
		if (strcmp(c->name, cmd) == 0)
			(void)fprintf(stderr, "usage: mailguard-tui %s\n",
			    c->usage);
	(void)fprintf(stderr, "Try 'mailguard-tui --help'.\n");
	return (MG_EXIT_USAGE);
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
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const struct mg_cmd_entry *c;
	struct mg_session app;
	int ch, rc, incident = 0;

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
		case 'h':
			(void)fputs(help_text, stdout);
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
	if (incident && optind < argc)
		return (mg_cmd_usage_error(NULL, "--incident opens the console "
		    "and takes no command"));
	if (optind >= argc) {
		rc = mg_console_run(&app, incident);
		mg_session_free(&app);
		return (rc);
	}
	for (c = mg_cmd_table; c->name != NULL; c++)
		if (strcmp(c->name, argv[optind]) == 0)
			break;
	if (c->name == NULL)
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
