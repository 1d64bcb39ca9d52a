/*
 * cmd_probe.c - "probe [--target HOST[:PORT]] [--client IP]... [--json]":
 * the relay probe (engine/probe_run.c) on the command line.  Exit 2 for an open
 * relay, 1 for other findings about the listener, 0 when closed, 3 when
 * nothing could be probed.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/mg_net.h"
#include "../core/mg_num.h"
#include "../core/mg_sanitize.h"
#include "cmd.h"
#include "probe_print.h"

#define CLIENTS_MAX 32

/* progress - one line per client on a terminal's stderr */
static void
progress(void *arg, size_t done, size_t total, const char *client)
{
	(void)arg;
	(void)fprintf(stderr, "\rprobed as %-40s %zu/%zu", client, done,
	    total);
	if (done == total)
		(void)fputc('\n', stderr);
}

/* domain_ok - a plain domain name for the foreign recipient */
static int
domain_ok(const char *d)
{
	return (*d != '\0' && strlen(d) < 200 && strchr(d, '.') != NULL &&
	    strspn(d, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789.-") == strlen(d));
}

/* cmd_probe - probe [--target HOST[:PORT]] [--client IP]... [--json] */
static int
cmd_probe(struct mg_session *a, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "target", required_argument, NULL, 't' },
		{ "client", required_argument, NULL, 'c' },
		{ "domain", required_argument, NULL, 'd' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "transcript", no_argument, NULL, 'x' },
		{ "implicit-tls", no_argument, NULL, 'I' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 }
	};
	const char *clients[CLIENTS_MAX];
	struct mg_probe_opts o;
	struct mg_probe_report pr;
	struct mg_report own, *into;
	struct mg_str out = MG_STR_INIT;
	struct mg_net net;
	struct mg_err err;
	unsigned long secs;
	int ch, json = 0, transcript = 0, rc;

	memset(&o, 0, sizeof(o));
	o.clients = clients;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (ch) {
		case 't':
			if (*optarg == '\0')
				return (mg_cmd_usage_error("probe", "empty "
				    "--target"));
			o.target = optarg;
			break;
		case 'c':
			if (mg_net_parse(optarg, &net, &err) < 0 ||
			    net.has_prefix || strchr(optarg, '[') != NULL)
				return (mg_cmd_usage_error("probe", "--client "
				    "takes one IP address"));
			if (o.nclients == CLIENTS_MAX)
				return (mg_cmd_usage_error("probe", "at most "
				    "%d --client addresses", CLIENTS_MAX));
			clients[o.nclients++] = optarg;
			break;
		case 'd':
			if (!domain_ok(optarg))
				return (mg_cmd_usage_error("probe", "--domain "
				    "takes a domain name such as example.net"));
			o.foreign = optarg;
			break;
		case 'T':
			if (mg_parse_ulong(optarg, 1, 600, &secs, NULL) < 0)
				return (mg_cmd_usage_error("probe", "--timeout "
				    "takes seconds, 1 to 600"));
			o.timeout_ms = (int)secs * 1000;
			break;
		case 'x':
			transcript = 1;
			break;
		case 'I':
			o.implicit_tls = 1;
			break;
		case 'j':
			json = 1;
			break;
		default:
			return (mg_cmd_usage_error("probe", "unknown or "
			    "incomplete option %s", argv[optind - 1]));
		}
	}
	if (optind < argc)
		return (mg_cmd_usage_error("probe", "unexpected argument "
		    "\"%s\"", argv[optind]));
	/* The configuration chooses the clients and is what is probed
	 * without --target; with it, it only adds its domains. */
	if (mg_session_load(a) < 0 && o.target == NULL) {
		(void)fputs("mailguard-tui: probe: ", stderr);
		mg_print_sanitized(stderr, a->err.msg);
		(void)fputc('\n', stderr);
		return (MG_EXIT_UNREAD);
	}
	if (!json && isatty(STDERR_FILENO))
		o.progress = progress;
	mg_report_init(&own);
	into = a->loaded ? &a->report : &own;
	if (mg_probe_all(a, &o, &pr, into, &err) < 0) {
		(void)fputs("mailguard-tui: probe: ", stderr);
		mg_print_sanitized(stderr, err.msg);
		(void)fputc('\n', stderr);
		if (transcript)
			mg_print_sanitized_lines(stderr, mg_str_cstr(&pr.log));
		mg_probe_report_free(&pr);
		mg_report_free(&own);
		return (MG_EXIT_UNREAD);
	}
	if (json) {
		mg_probe_json(&out, &pr, into);
		(void)fwrite(out.data, 1, out.len, stdout);
		mg_str_free(&out);
	} else {
		mg_probe_print(stdout, &pr, into);
		if (transcript) {
			(void)printf("\nTranscript:\n");
			mg_print_sanitized_lines(stdout, mg_str_cstr(&pr.log));
		}
	}
	rc = mg_probe_exit_code(&pr, into);
	mg_probe_report_free(&pr);
	mg_report_free(&own);
	return (rc);
}

const struct mg_cmd_entry mg_cmd_probe_entry = {
	.name = "probe",
	.args = "[--target HOST[:PORT]] [--client IP]... [--json]",
	.summary = "relay test (nmap's variants and forged own-domain",
	.options =
	    "senders, never DATA) as chosen clients: inside each\n"
	    "trusted range, just outside it, foreign; plus every\n"
	    "client, sender and HELO an access table (OK) or an\n"
	    "Exim accept (senders =, hosts =) grants, named by\n"
	    "file:line when it opens the relay; asked of a\n"
	    "private Postfix (XCLIENT) or exim -bh, or of --target\n"
	    "over SMTP.  A 4.3.x temporary failure is \"tempfail\"\n"
	    "(the MTA cannot evaluate its configuration: mail is\n"
	    "deferred).  Also reports STARTTLS, AUTH before TLS,\n"
	    "VRFY/EXPN, the banner.  More: --domain D (foreign\n"
	    "recipient domain), --implicit-tls, --timeout S,\n"
	    "--transcript.  Exit 2: open relay",
	.exec = cmd_probe,
};
