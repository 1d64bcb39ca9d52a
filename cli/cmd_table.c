/*
 * cmd_table.c - the command table, and what is made from it: --help and
 * the usage line of a command line error.  A new command is one file
 * (cli/cmd_NAME.c, its entry) and one row here.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../core/mg_sanitize.h"
#include "../core/mg_str.h"
#include "cmd.h"

/* Columns of --help: the help text starts at HELP_COL; a synopsis wraps
 * before HELP_WIDTH. */
#define HELP_COL 19
#define HELP_WIDTH 76

/* The entries, each defined in its cmd_NAME.c. */
extern const struct mg_cmd_entry mg_cmd_report_entry;
extern const struct mg_cmd_entry mg_cmd_queue_entry;
extern const struct mg_cmd_entry mg_cmd_purge_entry;
extern const struct mg_cmd_entry mg_cmd_hold_entry;
extern const struct mg_cmd_entry mg_cmd_release_entry;
extern const struct mg_cmd_entry mg_cmd_requeue_entry;
extern const struct mg_cmd_entry mg_cmd_fix_entry;
extern const struct mg_cmd_entry mg_cmd_probe_entry;
extern const struct mg_cmd_entry mg_cmd_journal_entry;
extern const struct mg_cmd_entry mg_cmd_rollback_entry;
extern const struct mg_cmd_entry mg_cmd_restore_entry;

const struct mg_cmd_entry *const mg_cmd_table[] = {
	&mg_cmd_report_entry,
	&mg_cmd_queue_entry,
	&mg_cmd_purge_entry,
	&mg_cmd_hold_entry,
	&mg_cmd_release_entry,
	&mg_cmd_requeue_entry,
	&mg_cmd_fix_entry,
	&mg_cmd_probe_entry,
	&mg_cmd_journal_entry,
	&mg_cmd_rollback_entry,
	&mg_cmd_restore_entry,
	NULL
};

static const char help_head[] =
"usage: mailguard-tui [--postfix DIR] [--exim PATH] [--exim-bin PATH]\n"
"                     [--exim-generator PATH] [--state DIR] [--maillog FILE]\n"
"                     [--no-host-context] [--resolv-conf FILE]\n"
"                     [--resolved-upstream FILE]\n"
"                     [--local-resolver-conf FILE] [--no-dns]\n"
"                     [--resolver ADDR[:PORT]]\n"
"                     [--incident | COMMAND [ARGS]]\n"
"\n"
"Reads the live Postfix or Exim configuration and queue, reports relay\n"
"exposure, aliases, SASL and submission, TLS, server holes (smuggling,\n"
"known CVEs) and queue floods, and proposes fixes.\n"
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
"                   Exim binary, else in the system path); run only while\n"
"                   DIR/update-exim4.conf.conf and the files it reads\n"
"                   (the template, conf.d/*/*) are root's, writable by\n"
"                   no one else\n"
"  --state DIR      journal, backups, quarantine (default /var/lib/mailguard)\n"
"                   - it and every directory above it must be root's (or\n"
"                   yours) and writable by no one else\n"
"  --maillog FILE   the mail log to learn which hosts send without logging\n"
"                   in (default: Postfix maillog_file, else\n"
"                   /var/log/mail.log or /var/log/maillog; Exim's main log\n"
"                   from log_file_path)\n"
"  --no-host-context\n"
"                   judge trusted private networks without this machine's\n"
"                   interfaces and docker (a configuration from elsewhere)\n"
"  --resolv-conf FILE\n"
"                   the resolver configuration DNSBL queries go through\n"
"                   (default /etc/resolv.conf, read with the host context);\n"
"                   a Postfix service chrooted in master.cf reads\n"
"                   $queue_directory/etc/resolv.conf, judged too\n"
"  --resolved-upstream FILE\n"
"                   systemd-resolved's upstream servers, asked when the\n"
"                   resolver names its stub 127.0.0.53 (default\n"
"                   /run/systemd/resolve/resolv.conf, with the host context)\n"
"  --local-resolver-conf FILE\n"
"                   the configuration of the resolver on 127.0.0.1 that\n"
"                   resolv.conf names (unbound forward-zone \".\", dnsmasq\n"
"                   server=, bind9 forwarders): its forwarders are the\n"
"                   servers asked (default: unbound's, dnsmasq's and\n"
"                   bind9's files under /etc, with the host context;\n"
"                   without either: unknown)\n"
"  --no-dns         ask DNS nothing (the certificate is then not checked\n"
"                   against the MX hosts); MAILGUARD_NO_DNS set does the\n"
"                   same unless --resolver is given\n"
"  --resolver ADDR[:PORT]\n"
"                   the DNS server (IPv4) asked for the MX hosts of the mail\n"
"                   domains (default: the first nameserver of\n"
"                   /etc/resolv.conf, with the host context); 2 s at most\n"
"                   for all queries, one try\n"
"  --incident       open the console on the queue / incident view (live\n"
"                   groups by SASL user, client, sender, domain; hold,\n"
"                   release, purge); i or F5 opens it from any screen\n"
"  -h, --help       this help;  -V, --version  print the version\n"
"\n"
"Commands:\n"
"  (none)           the interactive console\n";

static const char help_tail[] =
"\n"
"Checks (report; the console's panel of the same area, smtpd's is Server,\n"
"queue's lists them above the groups; each id: the man page's FINDINGS):\n"
"  relay:   public or mistyped trusted networks, grants and restrictions\n"
"           that open the relay, XCLIENT/XFORWARD beyond loopback\n"
"  aliases: where root@ and postmaster@ really go, localhost open to\n"
"           others, backscatter (unknown recipients accepted, bounced)\n"
"  sasl:    AUTH before TLS or on port 25, submission without TLS or\n"
"           AUTH, logins that may send as anyone, no limit per account,\n"
"           a stolen password in the mail log, system accounts in the\n"
"           sasldb, the account behind a queue flood\n"
"  tls:     port 465 without TLS, protocols below TLS 1.2, outbound\n"
"           mail in the clear, a certificate expired, expiring (within\n"
"           14 days or the last third of its lifetime, the shorter), not\n"
"           naming the host or the MX hosts (DNS) sending MTAs connect to;\n"
"           no or broken STARTTLS, AUTH before STARTTLS (probe)\n"
"  smtpd:   SMTP smuggling, versions with known CVEs (Debian backports\n"
"           read from the package changelog), DNS blocklists asked\n"
"           through a public resolver, hygiene, VRFY and the version in\n"
"           the banner (probe)\n"
"  queue:   floods, by account, client or sender\n"
"\n"
"Exit status 64: bad command line; 70: a fix was refused or failed (the\n"
"previous files are restored), or a purge failed or left selected mail\n"
"queued; 73: --export-diff FILE exists (add --force) or cannot be\n"
"written; 77: applying or purging needs root.  Run as root for full\n"
"access (sudo).\n";

/* mg_cmd_find - the entry of command name; NULL if there is none */
const struct mg_cmd_entry *
mg_cmd_find(const char *name)
{
	size_t i;

	for (i = 0; mg_cmd_table[i] != NULL; i++)
		if (strcmp(mg_cmd_table[i]->name, name) == 0)
			return (mg_cmd_table[i]);
	return (NULL);
}

/* same_block - entries a and b share one --help block */
static int
same_block(const struct mg_cmd_entry *a, const struct mg_cmd_entry *b)
{
	return (b != NULL && strcmp(a->args, b->args) == 0 &&
	    strcmp(a->summary, b->summary) == 0);
}

/* put_lines - text's lines, each indented to HELP_COL */
static void
put_lines(FILE *fp, const char *text)
{
	const char *nl;

	while (text != NULL && *text != '\0') {
		nl = strchr(text, '\n');
		(void)fprintf(fp, "%*s%.*s\n", HELP_COL, "", nl != NULL ?
		    (int)(nl - text) : (int)strlen(text), text);
		text = nl != NULL ? nl + 1 : NULL;
	}
}

/*
 * put_synopsis - "  NAME[|NAME...] ARGS", wrapped before HELP_WIDTH at
 * the spaces outside brackets; the column where it ended
 */
static size_t
put_synopsis(FILE *fp, const struct mg_cmd_entry *const *e, size_t n)
{
	const char *p, *word;
	size_t col, len, i;
	int depth;

	col = 2;
	(void)fputs("  ", fp);
	for (i = 0; i < n; i++) {
		(void)fprintf(fp, "%s%s", i > 0 ? "|" : "", e[i]->name);
		col += strlen(e[i]->name) + (i > 0);
	}
	for (p = e[0]->args; *p != '\0';) {
		while (*p == ' ')
			p++;
		for (word = p, depth = 0; *p != '\0' && (*p != ' ' ||
		    depth > 0); p++)
			depth += *p == '[' ? 1 : *p == ']' ? -1 : 0;
		if ((len = (size_t)(p - word)) == 0)
			break;
		if (col + 1 + len > HELP_WIDTH) {
			(void)fprintf(fp, "\n%*s", HELP_COL, "");
			col = HELP_COL;
		} else {
			(void)fputc(' ', fp);
			col++;
		}
		(void)fprintf(fp, "%.*s", (int)len, word);
		col += len;
	}
	return (col);
}

/* mg_cmd_help - --help: the options, then one block per command made
 * from the table */
void
mg_cmd_help(FILE *fp)
{
	const struct mg_cmd_entry *const *e;
	size_t n, col;

	(void)fputs(help_head, fp);
	for (e = mg_cmd_table; *e != NULL; e += n) {
		for (n = 1; same_block(e[0], e[n]); n++)
			;
		col = put_synopsis(fp, e, n);
		if (col < HELP_COL)
			(void)fprintf(fp, "%*s%s\n", (int)(HELP_COL - col), "",
			    e[0]->summary);
		else {
			(void)fputc('\n', fp);
			put_lines(fp, e[0]->summary);
		}
		put_lines(fp, e[0]->options);
	}
	(void)fputs(help_tail, fp);
}

/* mg_cmd_usage_error - print a usage error for cmd; returns MG_EXIT_USAGE */
int
mg_cmd_usage_error(const char *cmd, const char *fmt, ...)
{
	const struct mg_cmd_entry *c;
	struct mg_str msg = MG_STR_INIT;
	va_list ap;

	(void)fprintf(stderr, "mailguard-tui: ");
	if (cmd != NULL)
		(void)fprintf(stderr, "%s: ", cmd);
	/* the message quotes the command line: an ESC or a bidi override
	 * in an argument is shown, not obeyed */
	va_start(ap, fmt);
	mg_str_vprintf(&msg, fmt, ap);
	va_end(ap);
	mg_print_sanitized(stderr, mg_str_cstr(&msg));
	mg_str_free(&msg);
	(void)fputc('\n', stderr);
	if (cmd != NULL && (c = mg_cmd_find(cmd)) != NULL)
		(void)fprintf(stderr, "usage: mailguard-tui %s%s%s\n", c->name,
		    c->args[0] != '\0' ? " " : "", c->args);
	(void)fprintf(stderr, "Try 'mailguard-tui --help'.\n");
	return (MG_EXIT_USAGE);
}
