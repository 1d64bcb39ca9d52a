/*
 * test_lab_postfix.c - the binary against real Postfix sandboxes
 * (tests/lab/postfix/lab.sh).  Real Postfix is the judge: a scenario that
 * the report calls an open relay must relay over SMTP, and the stock
 * config must not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../core/mg_file.h"
#include "../../core/mg_model.h"
#include "../../core/mg_str.h"
#include "lab_util.h"

#define LAB "tests/lab/postfix/lab.sh"
#define MGSMTP "build/lab/mgsmtp"

/* rcpt_reply - SMTP RCPT verdict of real Postfix for a client address */
static int
rcpt_reply(const char *dir, const char *client, const char *from,
    const char *to)
{
	char port[32], line[256];
	const char *argv[] = { MGSMTP, "--port", port, "--xclient-addr",
	    client, "--from", from, "--to", to, "--rcpt-only", NULL };
	struct mg_exec_res res;
	const char *p;
	int code = -1;

	lab_port(dir, "port", port, sizeof(port));
	if (lab_run(&res, argv) != 0)
		fail_msg("mgsmtp failed: %s%s", mg_str_cstr(&res.out),
		    mg_str_cstr(&res.err));
	(void)snprintf(line, sizeof(line), "-> ");
	p = strstr(mg_str_cstr(&res.out), line);
	if (p != NULL)
		code = (int)strtol(p + 3, NULL, 10);
	(void)printf("    %s RCPT %s from %s: %.*s\n", dir, to, client,
	    (int)strcspn(p != NULL ? p : "", "\n"), p != NULL ? p : "");
	(void)fflush(stdout);	/* keep order with cmocka's lines in a pipe */
	mg_exec_res_free(&res);
	return (code);
}

/* auth_reply - mgsmtp's exit status for AUTH PLAIN as a lab SASL user
 * with the password lab.sh recorded: 0 logged in (and RCPT answered),
 * 1 refused (535) */
static int
auth_reply(const char *dir, const char *user)
{
	char port[32], pass[256], cred[512];
	const char *argv[] = { MGSMTP, "--port", port, "--auth-plain", cred,
	    "--from", "x@example.com", "--to", "x@remote.test",
	    "--rcpt-only", NULL };
	struct mg_exec_res res;
	int rc;

	lab_port(dir, "port", port, sizeof(port));
	if (lab_sasl_pass(dir, user, pass, sizeof(pass)) < 0)
		fail_msg("%s/sasl_users: no password for %s", dir, user);
	(void)snprintf(cred, sizeof(cred), "%s:%s", user, pass);
	rc = lab_run(&res, argv);
	(void)printf("    AUTH %s: exit %d %.*s\n", user, rc,
	    (int)strcspn(mg_str_cstr(&res.err), "\n"), mg_str_cstr(&res.err));
	(void)fflush(stdout);
	mg_exec_res_free(&res);
	return (rc);
}

/* run_post_commands - the fix's post-commands from report JSON, each
 * run as the fix engine will (argv, no shell) on the instance DIR, a
 * reload waited for; 0 if all succeeded */
static int
run_post_commands(const char *dir, const char *json, const char *fix)
{
	struct mg_exec_res res;
	struct mg_str cmds;
	char filter[512], *p, *line, *next;
	const char *argv[32];
	size_t n;
	int rc = 0;

	(void)snprintf(filter, sizeof(filter), ".fix_details[] | select(.id "
	    "== \"%s\") | .post_commands | map(join(\"\\u0001\")) | "
	    "join(\"\\n\")", fix);
	mg_str_init(&cmds);
	if (lab_jq_str(json, filter, &cmds) < 0)
		return (-1);
	for (line = cmds.data; line != NULL && rc == 0; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		for (n = 0, p = line; p != NULL && n + 1 < 32; n++) {
			argv[n] = p;
			if ((p = strchr(p, '\001')) != NULL)
				*p++ = '\0';
		}
		argv[n] = NULL;
		if (lab_pf_run(dir, &res, argv) != 0) {
			(void)fprintf(stderr, "%s failed: %s", argv[0],
			    mg_str_cstr(&res.err));
			rc = -1;
		}
		mg_exec_res_free(&res);
	}
	mg_str_free(&cmds);
	return (rc);
}

/* export_fix - "fix ID --export-diff DIR/ID.patch" */
static void
export_fix(const char *dir, const char *fix)
{
	char etc[4096], patchfile[4200];
	const char *exp[] = { "./mailguard-tui", "--postfix", etc, "fix",
	    fix, "--export-diff", patchfile, NULL };
	struct mg_str out;

	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(patchfile, sizeof(patchfile), "%s/%s.patch", dir, fix);
	assert_int_equal(lab_capture(exp, &out), 0);
	mg_str_free(&out);
}

/* apply_exported - the exported patch applied with "patch -p0 -d /" as
 * its header says, then the post-commands the report lists */
static void
apply_exported(const char *dir, const char *json, const char *fix)
{
	char patchfile[4200];
	const char *apply[] = { "patch", "-p0", "-d", "/", "-i", patchfile,
	    NULL };
	struct mg_exec_res res;

	(void)snprintf(patchfile, sizeof(patchfile), "%s/%s.patch", dir, fix);
	lab_next_second();	/* the rebuilt tables look changed */
	assert_int_equal(lab_run(&res, apply), 0);
	mg_exec_res_free(&res);
	assert_int_equal(run_post_commands(dir, json, fix), 0);
}

/* apply_fix - a fix applied as an operator would without the engine */
static void
apply_fix(const char *dir, const char *json, const char *fix)
{
	export_fix(dir, fix);
	apply_exported(dir, json, fix);
}

/* test_mask_typo_reported_critical - incident 4: the /8 entries are named
 * with file:line, report exits 2, the JSON is valid */
static void
test_mask_typo_reported_critical(void **state)
{
	const char *dir = lab_instance(LAB, "mask-typo", 0);
	struct mg_str out;
	char maincf[4096];

	(void)state;
	assert_int_equal(lab_pf_report(dir, &out), 2);
	(void)snprintf(maincf, sizeof(maincf), "%s/etc/main.cf", dir);
	assert_int_equal(lab_jq(out.data, ".mta == \"postfix\"", NULL), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.severity "
	    "== \"critical\" or .severity == \"high\") | .evidence[] | "
	    "select(.text | contains(\"210.140.12.34/8\"))] | length >= 1",
	    NULL), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[] | .evidence[] | "
	    "select(.file == $a and .line > 0)] | length >= 2", maincf), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[].fixes[]] | "
	    "index(\"postfix.mynetworks.narrow\") != null", NULL), 0);
	assert_int_equal(lab_jq(out.data, ".fix_details[] | select(.id == "
	    "\"postfix.mynetworks.narrow\") | .edits[0].new | "
	    "contains(\"210.140.12.34/32\")", NULL), 0);
	mg_str_free(&out);
}

/* test_evidence_line_holds_the_entry - file:line points at the entry */
static void
test_evidence_line_holds_the_entry(void **state)
{
	const char *dir = lab_instance(LAB, "mask-typo", 0);
	struct mg_str out, text = MG_STR_INIT;
	struct mg_srcfile f;
	struct mg_err err;
	char maincf[4096];
	const char *p;
	long line;

	(void)state;
	assert_int_equal(lab_pf_report(dir, &out), 2);
	/* the line number of the first 218.45.6.7/8 evidence */
	p = strstr(out.data, "218.45.6.7/8 has host bits set");
	assert_non_null(p);
	p = strstr(p, "\"line\": ");
	assert_non_null(p);
	line = strtol(p + 8, NULL, 10);
	(void)snprintf(maincf, sizeof(maincf), "%s/etc/main.cf", dir);
	assert_int_equal(mg_file_read(maincf, MG_FILE_MAX, &text, NULL,
	    &err), 0);
	memset(&f, 0, sizeof(f));
	mg_srcfile_set_text(&f, text.data, text.len);
	assert_true(line >= 1 && (size_t)line <= f.nlines);
	assert_non_null(strstr(f.lines[line - 1], "218.45.6.7/8"));
	for (size_t i = 0; i < f.nlines; i++)
		free(f.lines[i]);
	free(f.lines);
	mg_str_free(&text);
	mg_str_free(&out);
}

/* test_stock_nothing_critical - Debian's stock config */
static void
test_stock_nothing_critical(void **state)
{
	const char *dir = lab_instance(LAB, "stock", 0);
	struct mg_str out;
	int rc;

	(void)state;
	rc = lab_pf_report(dir, &out);
	assert_true(rc == 0 || rc == 1);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.severity "
	    "== \"critical\")] | length == 0", NULL), 0);
	mg_str_free(&out);
}

/* test_wide_net_finding_is_a_real_relay - real Postfix relays for an
 * address inside the reported /8 and refuses one outside it */
static void
test_wide_net_finding_is_a_real_relay(void **state)
{
	const char *dir = lab_instance(LAB, "wide-net", 1);
	struct mg_str out;

	(void)state;
	assert_int_equal(lab_pf_report(dir, &out), 2);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"postfix.mynetworks.public\" and .severity == \"critical\")] | "
	    "length == 1", NULL), 0);
	mg_str_free(&out);
	assert_int_equal(rcpt_reply(dir, "210.99.1.1", "spam@bulk.test",
	    "victim@remote.test"), 250);
	/* Debian writes defer_unauth_destination: 454, not 554. */
	assert_true(rcpt_reply(dir, "198.51.100.9", "spam@bulk.test",
	    "victim@remote.test") >= 400);
	lab_stop(LAB, dir);
}

/* send_as - one whole message from a client address (XCLIENT), so the
 * lab Postfix logs "client=" for it in its maillog */
static void
send_as(const char *dir, const char *client)
{
	char port[32];
	const char *argv[] = { MGSMTP, "--port", port, "--xclient-addr",
	    client, "--from", "app@example.com", "--to", "report@remote.test",
	    NULL };
	struct mg_exec_res res;

	lab_port(dir, "port", port, sizeof(port));
	if (lab_run(&res, argv) != 0)
		fail_msg("mgsmtp failed: %s%s", mg_str_cstr(&res.out),
		    mg_str_cstr(&res.err));
	mg_exec_res_free(&res);
}

/* test_wide_net_narrowed_to_hosts_in_log - a public /8 without host bits
 * and a host inside it that really sent mail (in the lab's maillog): the
 * fix keeps that host and drops the rest; the second /8, unused, goes.
 * Real Postfix judges: the host still relays, its neighbours do not. */
static void
test_wide_net_narrowed_to_hosts_in_log(void **state)
{
	const char *dir = lab_instance(LAB, "wide-net", 1);
	char etc[4096], st[4200];
	const char *apply[] = { "./mailguard-tui", "--postfix", etc, "--state",
	    st, "fix", "postfix.mynetworks.narrow", "--yes", NULL };
	struct mg_str out;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	send_as(dir, "210.20.30.40");
	assert_true(lab_maillog_has(dir, "client=localhost[210.20.30.40]"));
	assert_int_equal(lab_pf_report(dir, &out), 2);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"postfix.mynetworks.public\") | .evidence[].text | "
	    "select(contains(\"1 client in 210.0.0.0/8\") and "
	    "contains(\"210.20.30.40/32 (1 message)\"))] | length == 1",
	    NULL), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[].evidence[].text | "
	    "select(contains(\"no client in 218.0.0.0/8\"))] | length == 1",
	    NULL), 0);
	mg_str_free(&out);
	if (lab_pf_tool(dir, apply, &out) != 0)
		fail_msg("fix: %s", out.data);
	assert_non_null(strstr(out.data, "+mynetworks = 127.0.0.0/8 "
	    "[::ffff:127.0.0.0]/104 [::1]/128 192.168.1.0/24 "
	    "210.20.30.40/32\n"));
	assert_true(lab_applied(out.data));
	mg_str_free(&out);
	assert_int_equal(rcpt_reply(dir, "210.20.30.40", "app@example.com",
	    "report@remote.test"), 250);
	assert_true(rcpt_reply(dir, "210.20.30.41", "spam@bulk.test",
	    "victim@remote.test") >= 400);
	assert_true(rcpt_reply(dir, "218.1.2.3", "spam@bulk.test",
	    "victim@remote.test") >= 400);
	assert_int_equal(rcpt_reply(dir, "192.168.1.5", "a@example.com",
	    "victim@remote.test"), 250);
	lab_stop(LAB, dir);
}

/* test_mask_typo_tempfails_everyone - what the host-bits finding says:
 * real Postfix answers 451 to clients past the bad entry, inbound mail to
 * the server's own postmaster included; an earlier entry still matches */
static void
test_mask_typo_tempfails_everyone(void **state)
{
	const char *dir = lab_instance(LAB, "mask-typo", 1);

	(void)state;
	assert_int_equal(rcpt_reply(dir, "198.51.100.9", "a@remote.test",
	    "victim@remote.test"), 451);
	assert_int_equal(rcpt_reply(dir, "210.1.2.3", "a@remote.test",
	    "victim@remote.test"), 451);
	assert_int_equal(rcpt_reply(dir, "198.51.100.9", "a@remote.test",
	    "postmaster@example.com"), 451);
	assert_int_equal(rcpt_reply(dir, "192.168.1.5", "a@example.com",
	    "victim@remote.test"), 250);
	lab_stop(LAB, dir);
}

/* test_stock_refuses_relay - the stock lab is no relay from outside */
static void
test_stock_refuses_relay(void **state)
{
	const char *dir = lab_instance(LAB, "stock", 1);

	(void)state;
	assert_true(rcpt_reply(dir, "210.99.1.1", "spam@bulk.test",
	    "victim@remote.test") >= 400);
	lab_stop(LAB, dir);
}

/* test_stolen_sasl_account_flagged - incident 3 on real queue files:
 * root's mail from 93.122.252.5 dominates, and the report names it */
static void
test_stolen_sasl_account_flagged(void **state)
{
	const char *dir = lab_instance(LAB, "sasl-root", 1);
	const char *fill[] = { "fill-incident3", dir, "120", NULL };
	const char *wait[] = { "flush-wait", dir, NULL };
	struct mg_exec_res res;
	struct mg_str out, cmd;
	const char *argv[16];
	size_t n;
	char *p;

	(void)state;
	assert_int_equal(lab_script(LAB, fill), 0);
	assert_int_equal(lab_script(LAB, wait), 0);
	assert_int_equal(lab_pf_report(dir, &out), 2);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"queue.sasl-dominant\" and .severity == \"critical\") | "
	    ".evidence[].text] | (.[0] | contains(\"120 of 140\") and "
	    "contains(\"SASL user root\")) and (.[2] | "
	    "contains(\"93.122.252.5 (120)\"))", NULL), 0);
	/* The sasldb account itself, critical because it floods the queue,
	 * with the smtpd.conf line that names the sasldb. */
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"postfix.sasl.system-account\" and .severity == "
	    "\"critical\") | .evidence[] | select((.file // \"\" | "
	    "endswith(\"/sasl/smtpd.conf\")) and (.text | "
	    "contains(\"account root in realm mail.example.com\")))] | "
	    "length == 1", NULL), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[].id] | "
	    "index(\"postfix.auth.no-tls\") != null", NULL), 0);

	/* Real Postfix lets root log in; the fix's command, run as the fix
	 * engine will, makes it answer 535 while alice still logs in. */
	assert_int_equal(auth_reply(dir, "root"), 0);
	mg_str_init(&cmd);
	assert_int_equal(lab_jq_str(out.data, ".fix_details[] | select(.id "
	    "== \"postfix.sasl.disable-system\") | .post_commands | "
	    "select(length == 1) | .[0] | join(\"\\n\")", &cmd), 0);
	for (n = 0, p = cmd.data; p != NULL && n + 1 < 16; n++) {
		argv[n] = p;
		if ((p = strchr(p, '\n')) != NULL)
			*p++ = '\0';
	}
	argv[n] = NULL;
	assert_string_equal(argv[0], "saslpasswd2");
	assert_int_equal(lab_run(&res, argv), 0);
	mg_exec_res_free(&res);
	mg_str_free(&cmd);
	mg_str_free(&out);
	assert_int_equal(auth_reply(dir, "root"), 1);
	assert_int_equal(auth_reply(dir, "alice"), 0);
	assert_int_equal(lab_pf_report(dir, &out), 2);
	assert_int_equal(lab_jq(out.data, "[.findings[].id] | "
	    "index(\"postfix.sasl.system-account\") == null", NULL), 0);
	mg_str_free(&out);
	lab_stop(LAB, dir);
}

/* test_sender_whitelist_relay_closed_by_fix - incident 5: the report
 * names the whitelist entry that opens the relay; real Postfix relays for
 * a forged sender, and after the proposed smtpd_relay_restrictions no
 * longer does, while the domain's own mail and mynetworks still pass */
static void
test_sender_whitelist_relay_closed_by_fix(void **state)
{
	static const char *fixed = "permit_mynetworks, "
	    "permit_sasl_authenticated, reject_unauth_destination";
	const char *dir = lab_instance(LAB, "relay-in-recipient", 1);
	char etc[4096], setting[256];
	const char *pc[] = { "postconf", "-c", etc, "-e", setting, NULL };
	const char *reload[] = { "postfix", "-c", etc, "reload", NULL };
	struct mg_exec_res res;
	struct mg_str out;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	assert_int_equal(lab_pf_report(dir, &out), 2);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"postfix.relay.open\" and .severity == \"critical\") | "
	    ".evidence[] | select((.file // \"\" | "
	    "endswith(\"/sender_access\")) and "
	    ".line == 2 and (.text | contains(\"example.com -> OK\")))] | "
	    "length == 1", NULL), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[].id] | "
	    "index(\"postfix.relay.recipient-only\") != null", NULL), 0);
	assert_int_equal(lab_jq(out.data, ".fix_details[] | select(.id == "
	    "\"postfix.relay.restrictions\") | .edits[0] | .param == "
	    "\"smtpd_relay_restrictions\" and .new == $a", fixed), 0);
	mg_str_free(&out);
	assert_int_equal(rcpt_reply(dir, "198.51.100.9", "x@example.com",
	    "victim@remote.test"), 250);
	assert_int_equal(rcpt_reply(dir, "198.51.100.9", "x@other.test",
	    "victim@remote.test"), 554);

	/* The fix's data, applied as the fix engine will. */
	(void)snprintf(setting, sizeof(setting),
	    "smtpd_relay_restrictions = %s", fixed);
	assert_int_equal(lab_run(&res, pc), 0);
	mg_exec_res_free(&res);
	assert_int_equal(lab_pf_run(dir, &res, reload), 0);
	mg_exec_res_free(&res);
	assert_int_equal(rcpt_reply(dir, "198.51.100.9", "x@example.com",
	    "victim@remote.test"), 554);
	assert_int_equal(rcpt_reply(dir, "198.51.100.9", "x@example.com",
	    "postmaster@example.com"), 250);
	assert_int_equal(rcpt_reply(dir, "127.0.0.1", "x@example.com",
	    "victim@remote.test"), 250);
	assert_int_equal(lab_pf_report(dir, &out), 0);
	mg_str_free(&out);
	lab_stop(LAB, dir);
}

/* test_exported_patch_closes_mask_typo - incident 4: --dry-run changes
 * nothing; the patch --export-diff writes applies with "patch -p0 -d /"
 * as its header says, and real Postfix then stops tempfailing: the host
 * meant relays, the rest of the /8 gets Debian's relay refusal */
static void
test_exported_patch_closes_mask_typo(void **state)
{
	const char *dir = lab_instance(LAB, "mask-typo", 1);
	char etc[4096], patchfile[4096], maincf[4096];
	const char *dry[] = { "./mailguard-tui", "--postfix", etc, "fix",
	    "postfix.mynetworks.narrow", "--dry-run", NULL };
	const char *exp[] = { "./mailguard-tui", "--postfix", etc, "fix",
	    "postfix.mynetworks.narrow", "--export-diff", patchfile, NULL };
	const char *apply[] = { "patch", "-p0", "-d", "/", "-i", patchfile,
	    NULL };
	const char *reload[] = { "postfix", "-c", etc, "reload", NULL };
	struct mg_str before = MG_STR_INIT, after = MG_STR_INIT, out;
	struct mg_exec_res res;
	struct mg_err err;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(maincf, sizeof(maincf), "%s/etc/main.cf", dir);
	(void)snprintf(patchfile, sizeof(patchfile), "%s/fix.patch", dir);
	assert_int_equal(mg_file_read(maincf, MG_FILE_MAX, &before, NULL,
	    &err), 0);
	assert_int_equal(lab_capture(dry, &out), 0);
	assert_non_null(strstr(mg_str_cstr(&out), "+mynetworks = 127.0.0.0/8 "
	    "[::ffff:127.0.0.0]/104 [::1]/128 192.168.1.0/24 "
	    "210.140.12.34/32 218.45.6.7/32\n"));
	mg_str_free(&out);
	assert_int_equal(mg_file_read(maincf, MG_FILE_MAX, &after, NULL,
	    &err), 0);
	assert_string_equal(mg_str_cstr(&before), mg_str_cstr(&after));
	mg_str_free(&after);

	assert_int_equal(lab_capture(exp, &out), 0);
	mg_str_free(&out);
	assert_int_equal(lab_run(&res, apply), 0);
	mg_exec_res_free(&res);
	assert_int_equal(lab_pf_run(dir, &res, reload), 0);
	mg_exec_res_free(&res);
	assert_int_equal(rcpt_reply(dir, "210.140.12.34", "a@example.com",
	    "victim@remote.test"), 250);
	assert_int_equal(rcpt_reply(dir, "210.1.2.3", "a@remote.test",
	    "victim@remote.test"), 454);
	assert_int_equal(rcpt_reply(dir, "198.51.100.9", "a@remote.test",
	    "postmaster@example.com"), 250);
	mg_str_free(&before);
	lab_stop(LAB, dir);
}

/* test_virtual_noalias_fixed - incident 2: real Postfix rejects
 * root@localhost as "User unknown in virtual mailbox table"; the report
 * names each address; the fix (patch + postmap) makes Postfix accept
 * them and a mailbox still works */
static void
test_virtual_noalias_fixed(void **state)
{
	const char *dir = lab_instance(LAB, "virtual-noalias", 1);
	struct mg_str out;

	(void)state;
	assert_int_equal(rcpt_reply(dir, "127.0.0.1", "cron@example.com",
	    "root@localhost"), 550);
	assert_int_equal(rcpt_reply(dir, "198.51.100.9", "a@other.test",
	    "postmaster@example.com"), 550);
	assert_int_equal(lab_pf_report(dir, &out), 1);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"postfix.aliases.virtual\" and .severity == \"medium\") | "
	    ".evidence[].text | select(contains(\"User unknown in virtual "
	    "mailbox table\"))] | length == 4", NULL), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"postfix.aliases.virtual\") | .evidence[] | select((.file // "
	    "\"\" | endswith(\"/main.cf\")) and (.text | "
	    "startswith(\"virtual_alias_maps\")))] | length == 1", NULL),
	    0);
	apply_fix(dir, out.data, "postfix.aliases.add-virtual");
	mg_str_free(&out);
	assert_int_equal(rcpt_reply(dir, "127.0.0.1", "cron@example.com",
	    "root@localhost"), 250);
	assert_int_equal(rcpt_reply(dir, "198.51.100.9", "a@other.test",
	    "postmaster@example.com"), 250);
	assert_int_equal(rcpt_reply(dir, "198.51.100.9", "a@other.test",
	    "alice@example.com"), 250);
	assert_int_equal(rcpt_reply(dir, "198.51.100.9", "a@other.test",
	    "nobody-here@example.com"), 550);
	assert_int_equal(lab_pf_report(dir, &out), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[].id] | "
	    "index(\"postfix.aliases.virtual\") == null", NULL), 0);
	mg_str_free(&out);
	lab_stop(LAB, dir);
}

/* One judged path of a scenario: a RCPT verdict for a client, or
 * (user != NULL) whether AUTH as that user succeeds (mgsmtp exit). */
struct path {
	const char *client, *from, *to, *user;
	int before, after;
};

/* judge - every path's verdict against what it should be now */
static void
judge(const char *dir, const struct path *paths, int fixed)
{
	const struct path *p;
	int want;

	for (p = paths; p->client != NULL || p->user != NULL; p++) {
		want = fixed ? p->after : p->before;
		if (p->user != NULL)
			assert_int_equal(auth_reply(dir, p->user), want);
		else
			assert_int_equal(rcpt_reply(dir, p->client, p->from,
			    p->to), want);
	}
}

/* snapshot - md5sum of every file under DIR/etc and the sasldb: what
 * "byte-identical" means after a rollback */
static void
snapshot(const char *dir, struct mg_str *out)
{
	char cmd[8192];
	const char *argv[] = { "sh", "-c", cmd, NULL };

	(void)snprintf(cmd, sizeof(cmd), "cd '%s' && find etc -type f "
	    "-exec md5sum {} + | sort", dir);
	assert_int_equal(lab_capture(argv, out), 0);
}

/* engine_case - scenario, fix applied by the engine with --yes (its
 * result says a reload ran only if one did: reloads), real Postfix judges
 * the paths before, after, and after rollback */
static void
engine_case(const char *scenario, const char *fix, int reloads,
    const struct path *paths)
{
	const char *dir = lab_instance(LAB, scenario, 1);
	char etc[4096], st[4200];
	const char *apply[] = { "./mailguard-tui", "--postfix", etc, "--state",
	    st, "fix", fix, "--yes", NULL };
	const char *rollback[] = { "./mailguard-tui", "--postfix", etc,
	    "--state", st, "rollback", "1", "--yes", NULL };
	struct mg_str before, after, out;

	(void)printf("    %s: fix %s --yes\n", scenario, fix);
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	judge(dir, paths, 0);
	snapshot(dir, &before);
	if (lab_pf_tool(dir, apply, &out) != 0)
		fail_msg("fix %s: %s", fix, out.data);
	assert_int_equal(strstr(out.data, "ran postfix reload") != NULL,
	    reloads);
	assert_non_null(strstr(out.data, reloads ?
	    "applied, reloaded and verified" : "applied and verified; no "
	    "reload was needed"));
	mg_str_free(&out);
	judge(dir, paths, 1);
	assert_int_equal(lab_pf_tool(dir, rollback, &out), 0);
	mg_str_free(&out);
	snapshot(dir, &after);
	assert_string_equal(before.data, after.data);
	judge(dir, paths, 0);
	mg_str_free(&before);
	mg_str_free(&after);
	lab_stop(LAB, dir);
}

/* test_engine_closes_each_incident - incidents 2 to 5 fixed by the fix
 * engine itself (fix ID --yes: stage, validation, backup, install,
 * post-commands, reload, re-check): real Postfix refuses the hole and
 * keeps the legitimate paths; rollback restores every byte and the old
 * behaviour */
static void
test_engine_closes_each_incident(void **state)
{
	static const struct path relay[] = {
		{ "198.51.100.9", "x@example.com", "victim@remote.test", NULL,
		    250, 554 },
		{ "198.51.100.9", "x@other.test", "postmaster@example.com",
		    NULL, 250, 250 },
		{ "127.0.0.1", "x@example.com", "victim@remote.test", NULL,
		    250, 250 },
		{ NULL, NULL, NULL, NULL, 0, 0 }
	};
	static const struct path typo[] = {
		{ "210.1.2.3", "a@remote.test", "victim@remote.test", NULL,
		    451, 454 },
		{ "210.140.12.34", "a@example.com", "victim@remote.test", NULL,
		    451, 250 },
		{ NULL, NULL, NULL, NULL, 0, 0 }
	};
	static const struct path sasl[] = {
		{ NULL, NULL, NULL, "root", 0, 1 },
		{ NULL, NULL, NULL, "alice", 0, 0 },
		{ NULL, NULL, NULL, NULL, 0, 0 }
	};
	static const struct path alias[] = {
		{ "127.0.0.1", "cron@example.com", "root@localhost", NULL, 550,
		    250 },
		{ "198.51.100.9", "a@other.test", "nobody-here@example.com",
		    NULL, 550, 550 },
		{ NULL, NULL, NULL, NULL, 0, 0 }
	};

	(void)state;
	engine_case("relay-in-recipient", "postfix.relay.restrictions", 1,
	    relay);
	engine_case("mask-typo", "postfix.mynetworks.narrow", 1, typo);
	engine_case("sasl-root", "postfix.sasl.disable-system", 0, sasl);
	engine_case("virtual-noalias", "postfix.aliases.add-virtual", 0,
	    alias);
}

/* replace_in_file - the first occurrence of from becomes to; 0 if done */
static int
replace_in_file(const char *path, const char *from, const char *to)
{
	struct mg_str s = MG_STR_INIT, out = MG_STR_INIT;
	struct mg_err err;
	const char *at;
	FILE *fp;
	int rc = -1;

	if (mg_file_read(path, MG_FILE_MAX, &s, NULL, &err) == 0 &&
	    (at = strstr(mg_str_cstr(&s), from)) != NULL) {
		mg_str_append(&out, s.data, (size_t)(at - s.data));
		mg_str_puts(&out, to);
		mg_str_puts(&out, at + strlen(from));
		if ((fp = fopen(path, "w")) != NULL) {
			if (fwrite(out.data, 1, out.len, fp) == out.len)
				rc = 0;
			if (fclose(fp) != 0)
				rc = -1;
		}
	}
	mg_str_free(&s);
	mg_str_free(&out);
	return (rc);
}

/* test_localhost_remote_fix - stock Debian accepts postmaster@localhost
 * from any client.  The lab listens on loopback only, so the report says
 * so (info, no fix); with inet_interfaces = all in main.cf (read, never
 * started) it proposes the fix, which real Postfix then enforces: a
 * remote client is refused, mynetworks still reaches root@localhost */
static void
test_localhost_remote_fix(void **state)
{
	const char *dir = lab_instance(LAB, "stock", 1);
	char etc[4096];
	const char *all[] = { "postconf", "-c", etc, "-e",
	    "inet_interfaces = all", NULL };
	const char *lo[] = { "postconf", "-c", etc, "-e",
	    "inet_interfaces = 127.0.0.1", NULL };
	char port[32], mastercf[4200], bound[64], unbound[64];
	struct mg_str out, saved = MG_STR_INIT, now = MG_STR_INIT;
	struct mg_exec_res res;
	struct mg_err err;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	assert_int_equal(rcpt_reply(dir, "198.51.100.9", "x@other.test",
	    "postmaster@localhost"), 250);
	assert_int_equal(lab_pf_report(dir, &out), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"postfix.localhost.remote\" and .severity == \"info\") | "
	    ".evidence[].text | select(contains(\"loopback\"))] | "
	    "length == 1", NULL), 0);
	mg_str_free(&out);
	/* As if it listened on every interface: main.cf and the listener's
	 * master.cf line say so while the report reads them, then back. */
	lab_port(dir, "port", port, sizeof(port));
	(void)snprintf(mastercf, sizeof(mastercf), "%s/master.cf", etc);
	(void)snprintf(bound, sizeof(bound), "127.0.0.1:%s inet", port);
	(void)snprintf(unbound, sizeof(unbound), "%s inet", port);
	assert_int_equal(mg_file_read(mastercf, MG_FILE_MAX, &saved, NULL,
	    &err), 0);
	assert_int_equal(replace_in_file(mastercf, bound, unbound), 0);
	assert_int_equal(lab_run(&res, all), 0);
	mg_exec_res_free(&res);
	assert_int_equal(lab_pf_report(dir, &out), 1);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"postfix.localhost.remote\" and .severity == \"low\")] | "
	    "length == 1", NULL), 0);
	export_fix(dir, "postfix.localhost.local-only");
	assert_int_equal(lab_run(&res, lo), 0);
	mg_exec_res_free(&res);
	assert_int_equal(replace_in_file(mastercf, unbound, bound), 0);
	assert_int_equal(mg_file_read(mastercf, MG_FILE_MAX, &now, NULL,
	    &err), 0);
	assert_string_equal(mg_str_cstr(&saved), mg_str_cstr(&now));
	mg_str_free(&saved);
	mg_str_free(&now);
	apply_exported(dir, out.data, "postfix.localhost.local-only");
	mg_str_free(&out);
	assert_int_equal(rcpt_reply(dir, "198.51.100.9", "x@other.test",
	    "postmaster@localhost"), 554);
	assert_int_equal(rcpt_reply(dir, "127.0.0.1", "cron@example.com",
	    "root@localhost"), 250);
	assert_int_equal(rcpt_reply(dir, "198.51.100.9", "x@other.test",
	    "postmaster@example.com"), 250);
	lab_stop(LAB, dir);
}

/* test_incident_scenarios_readable - every scenario reads (exit != 3) */
static void
test_incident_scenarios_readable(void **state)
{
	static const char *const names[] = { "virtual-noalias", "sasl-root",
	    "relay-in-recipient" };
	struct mg_str out;
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		rc = lab_pf_report(lab_instance(LAB, names[i], 0), &out);
		if (rc == 3 || lab_jq(out.data, ".mta == \"postfix\"",
		    NULL) != 0)
			fail_msg("%s: report exit %d", names[i], rc);
		mg_str_free(&out);
	}
}

/* test_unreadable_config_exits_3 - a missing directory is "could not read" */
static void
test_unreadable_config_exits_3(void **state)
{
	const char *argv[] = { "./mailguard-tui", "--postfix",
	    "/nonexistent/mailguard-lab", "report", NULL };
	struct mg_exec_res res;

	(void)state;
	assert_int_equal(lab_run(&res, argv), 3);
	assert_non_null(strstr(mg_str_cstr(&res.err),
	    "/nonexistent/mailguard-lab/main.cf"));
	mg_exec_res_free(&res);
}

/* setup - a private root */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-pf");
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mask_typo_reported_critical),
		cmocka_unit_test(test_evidence_line_holds_the_entry),
		cmocka_unit_test(test_stock_nothing_critical),
		cmocka_unit_test(test_wide_net_finding_is_a_real_relay),
		cmocka_unit_test(test_wide_net_narrowed_to_hosts_in_log),
		cmocka_unit_test(test_mask_typo_tempfails_everyone),
		cmocka_unit_test(test_stock_refuses_relay),
		cmocka_unit_test(test_stolen_sasl_account_flagged),
		cmocka_unit_test(test_sender_whitelist_relay_closed_by_fix),
		cmocka_unit_test(test_exported_patch_closes_mask_typo),
		cmocka_unit_test(test_virtual_noalias_fixed),
		cmocka_unit_test(test_engine_closes_each_incident),
		cmocka_unit_test(test_localhost_remote_fix),
		cmocka_unit_test(test_incident_scenarios_readable),
		cmocka_unit_test(test_unreadable_config_exits_3),
	};

	return (cmocka_run_group_tests_name("lab_postfix", tests, setup,
	    lab_teardown));
}
