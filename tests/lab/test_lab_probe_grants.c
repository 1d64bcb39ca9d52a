/*
 * test_lab_probe_grants.c - the relay probe tries what the configuration
 * grants, and says tempfail when the MTA does.  Postfix (partner-grants):
 * a sender whitelist with a partner's domain, a HELO whitelist and a
 * check_client_access OK for a public /16 open the relay, each verdict
 * naming its table's file:line, real smtpd judging over XCLIENT.
 * Exim (partner-accept): accept senders = / hosts = / a condition on
 * the HELO name before the relay check, exim -bh judging.  Postfix
 * mask-typo: every client past the bad entry gets 451 4.3.0, and the
 * probe, its finding and report's mynetworks finding all say
 * tempfail, not closed and not trusted.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../core/mg_str.h"
#include "lab_util.h"

#define PF_LAB "tests/lab/postfix/lab.sh"
#define EXIM_LAB "tests/lab/exim/lab.sh"

static char exim_bin[4096];

/* pf_setup - a Postfix lab instance of scenario (started if asked); its
 * directory, etc into etc */
static const char *
pf_setup(const char *scenario, int start, char *etc, size_t size)
{
	const char *dir = lab_dir(PF_LAB, scenario);
	const char *setup[] = { "setup", scenario, dir, NULL };
	const char *run[] = { "start", dir, NULL };

	assert_int_equal(lab_script(PF_LAB, setup), 0);
	if (start)
		assert_int_equal(lab_script(PF_LAB, run), 0);
	(void)snprintf(etc, size, "%s/etc", dir);
	return (dir);
}

/* mg - ./mailguard-tui --postfix ETC CMD --json [a1 a2 a3 a4]; exit */
static int
mg(const char *etc, const char *cmd, const char *a1, const char *a2,
    const char *a3, const char *a4, struct mg_str *out)
{
	const char *argv[] = { "./mailguard-tui", "--postfix", etc, cmd,
	    "--json", a1, a2, a3, a4, NULL };

	return (lab_capture(argv, out));
}

/* jq_ok - the filter holds on json, with $a = arg */
static void
jq_ok(const char *json, const char *filter, const char *arg)
{
	if (lab_jq(json, filter, arg) != 0)
		fail_msg("jq: %s does not hold (a=%s)", filter, arg != NULL ?
		    arg : "");
}

/* status_is - the client's status in the probe's JSON */
static void
status_is(const char *json, const char *client, const char *status)
{
	struct mg_str f = MG_STR_INIT;

	mg_str_printf(&f, "any(.clients[]; .client == \"%s\" and .status == "
	    "\"%s\")", client, status);
	jq_ok(json, mg_str_cstr(&f), NULL);
	(void)printf("    %s: %s\n", client, status);
	mg_str_free(&f);
}

/* verdict_is - client's answer to the test named test */
static void
verdict_is(const char *json, const char *client, const char *test,
    const char *verdict)
{
	struct mg_str f = MG_STR_INIT;

	mg_str_printf(&f, "any(.clients[] | select(.client == \"%s\") | "
	    ".answers[]; .test == $a and .verdict == \"%s\")", client,
	    verdict);
	jq_ok(json, mg_str_cstr(&f), test);
	(void)printf("    %s, %s: %s\n", client, test, verdict);
	mg_str_free(&f);
}

/* line_has - line n of file holds needle (the file:line a verdict names
 * is the entry, not just some line) */
static void
line_has(const char *file, unsigned n, const char *needle)
{
	char range[32];
	const char *argv[] = { "sed", "-n", range, file, NULL };
	struct mg_str out;

	(void)snprintf(range, sizeof(range), "%up", n);
	assert_int_equal(lab_capture(argv, &out), 0);
	if (strstr(mg_str_cstr(&out), needle) == NULL)
		fail_msg("%s:%u is \"%s\", not an entry with %s", file, n,
		    mg_str_cstr(&out), needle);
	mg_str_free(&out);
}

/* int_of - a number jq -j prints */
static unsigned
int_of(const char *json, const char *filter)
{
	struct mg_str s;
	unsigned n;

	assert_int_equal(lab_jq_str(json, filter, &s), 0);
	n = (unsigned)strtoul(mg_str_cstr(&s), NULL, 10);
	mg_str_free(&s);
	return (n);
}

/* test_pf_partner_grants - sender, HELO and client grants open the relay;
 * the null sender from the same stranger stays refused */
static void
test_pf_partner_grants(void **state)
{
	char etc[4096], senders[4200], helo[4200], cidr[4200];
	struct mg_str out;
	const char *stranger = "203.0.113.50";
	unsigned line;

	(void)state;
	(void)pf_setup("partner-grants", 0, etc, sizeof(etc));
	(void)snprintf(senders, sizeof(senders), "%s/partner_senders", etc);
	(void)snprintf(helo, sizeof(helo), "%s/partner_helo", etc);
	(void)snprintf(cidr, sizeof(cidr), "%s/partner_clients.cidr", etc);
	assert_int_equal(mg(etc, "probe", NULL, NULL, NULL, NULL, &out), 2);
	jq_ok(out.data, ".open_relay", NULL);

	/* the sender whitelist: a test of its own, naming the entry */
	jq_ok(out.data, "any(.tests[]; .mail_from == "
	    "\"postmaster@supplier-parts.example\" and .file == $a and "
	    "(.entry | startswith(\"check_sender_access hash:\")))", senders);
	line = int_of(out.data, "[.tests[] | select(.mail_from == "
	    "\"postmaster@supplier-parts.example\")][0].line");
	line_has(senders, line, "supplier-parts.example");
	line_has(senders, line, "OK");
	verdict_is(out.data, stranger, "sender postmaster@supplier-parts."
	    "example", "RELAYED");
	jq_ok(out.data, "any(.clients[] | select(.client == \"203.0.113.50\")"
	    " | .answers[]; .test == \"sender postmaster@supplier-parts."
	    "example\" and .rcpt == 250 and (.opened_by | "
	    "contains(\"supplier-parts.example OK\")))", NULL);
	/* its REJECT line is no grant */
	jq_ok(out.data, "all(.tests[]; (.mail_from | contains(\"spam."
	    "example\")) | not)", NULL);
	/* the same stranger without the entry's sender is refused */
	verdict_is(out.data, stranger, "null sender", "refused");

	/* the HELO whitelist */
	jq_ok(out.data, "any(.tests[]; .helo == \"gw.supplier-parts.example\" "
	    "and .file == $a and .mail_from == \"\")", helo);
	line = int_of(out.data, "[.tests[] | select(.helo == "
	    "\"gw.supplier-parts.example\")][0].line");
	line_has(helo, line, "gw.supplier-parts.example");
	verdict_is(out.data, stranger, "HELO gw.supplier-parts.example",
	    "RELAYED");

	/* the client grant: a public /16 is an open relay, one partner host
	 * is trusted; both say which entry */
	status_is(out.data, "81.169.1.1", "open");
	jq_ok(out.data, "any(.clients[]; .client == \"81.169.1.1\" and "
	    ".file == $a)", cidr);
	line = int_of(out.data, "[.clients[] | select(.client == "
	    "\"81.169.1.1\")][0].line");
	line_has(cidr, line, "81.169.0.0/16");
	status_is(out.data, "192.0.2.44", "trusted");
	verdict_is(out.data, "81.169.1.1", "null sender", "RELAYED");

	/* the finding's evidence names the entries */
	jq_ok(out.data, "any(.findings[] | select(.id == \"probe.open-relay\""
	    ") | .evidence[]; contains(\"opened by check_sender_access\"))",
	    NULL);
	jq_ok(out.data, "any(.findings[] | select(.id == \"probe.open-relay\""
	    ") | .evidence[]; contains(\"EHLO gw.supplier-parts.example\"))",
	    NULL);
	mg_str_free(&out);

	/* report tells the same story about the client grant: the /16 is a
	 * critical finding at the entry the probe named, the partner host
	 * is not */
	assert_int_equal(mg(etc, "report", NULL, NULL, NULL, NULL, &out), 2);
	jq_ok(out.data, "any(.findings[] | select(.id == "
	    "\"postfix.relay.client-grant-public\" and .severity == "
	    "\"critical\") | .evidence[]; .file == $a and "
	    "(.text | contains(\"81.169.0.0/16 -> OK\")))", cidr);
	line = int_of(out.data, "[.findings[] | select(.id == "
	    "\"postfix.relay.client-grant-public\") | .evidence[] | "
	    "select(.file != null and (.file | endswith("
	    "\"/partner_clients.cidr\")))][0].line");
	line_has(cidr, line, "81.169.0.0/16");
	jq_ok(out.data, "all(.findings[] | select(.id == "
	    "\"postfix.relay.client-grant-public\") | .evidence[]; "
	    "(.text | contains(\"192.0.2.44\")) | not)", NULL);
	mg_str_free(&out);
}

/* test_exim_partner_accept - exim -bh relays for a partner's senders and
 * for hosts of the public /16 an accept names before the relay check */
static void
test_exim_partner_accept(void **state)
{
	const char *dir = lab_dir(EXIM_LAB, "partner-accept");
	const char *setup[] = { "setup", "partner-accept", dir, NULL };
	char conf[4096];
	const char *argv[] = { "./mailguard-tui", "--exim", conf,
	    "--exim-bin", exim_bin, "probe", "--json", NULL };
	const char *stranger = "203.0.113.50";
	struct mg_str out;
	unsigned line;

	(void)state;
	assert_int_equal(lab_script(EXIM_LAB, setup), 0);
	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	assert_int_equal(lab_capture(argv, &out), 2);
	jq_ok(out.data, ".how == \"exim -bh\"", NULL);
	verdict_is(out.data, stranger, "sender postmaster@supplier-parts."
	    "example", "RELAYED");
	verdict_is(out.data, stranger, "sender orders@tools-vendor.example",
	    "RELAYED");
	verdict_is(out.data, stranger, "null sender", "refused");
	line = int_of(out.data, "[.tests[] | select(.mail_from == "
	    "\"orders@tools-vendor.example\")][0].line");
	line_has(conf, line, "senders");
	line_has(conf, line, "tools-vendor.example");
	jq_ok(out.data, "any(.clients[] | select(.client == \"203.0.113.50\")"
	    " | .answers[]; .opened_by == \"acl_check_rcpt: accept senders = "
	    "*@supplier-parts.example\")", NULL);
	/* a condition on the HELO name: a new EHLO in the same -bh run */
	verdict_is(out.data, stranger, "HELO gw.supplier-parts.example",
	    "RELAYED");
	line = int_of(out.data, "[.tests[] | select(.helo == "
	    "\"gw.supplier-parts.example\")][0].line");
	line_has(conf, line, "sender_helo_name");
	/* the tests after it are answered in step: a made-up local
	 * recipient is unknown, not relayed */
	verdict_is(out.data, stranger, "control @name", "refused");
	jq_ok(out.data, "any(.clients[] | select(.client == \"203.0.113.50\")"
	    " | .answers[]; .test == \"control @name\" and (.reply | "
	    "test(\"Unknown user\")))", NULL);
	status_is(out.data, "81.169.1.1", "open");
	line = int_of(out.data, "[.clients[] | select(.client == "
	    "\"81.169.1.1\")][0].line");
	line_has(conf, line, "81.169.0.0/16");
	/* outside the /16, with no partner sender: refused */
	verdict_is(out.data, "81.170.0.1", "null sender", "refused");
	mg_str_free(&out);
}

/* test_mask_typo_tempfail - real Postfix tempfails every client past the
 * typo; probe, probe finding and report's finding all say so */
static void
test_mask_typo_tempfail(void **state)
{
	char etc[4096], target[64], port[4200];
	const char *dir = pf_setup("mask-typo", 1, etc, sizeof(etc));
	const char *cat[] = { "cat", port, NULL };
	struct mg_str out, p;
	int rc;

	(void)state;
	rc = mg(etc, "probe", NULL, NULL, NULL, NULL, &out);
	assert_int_equal(rc, 1);	/* no open relay: not 2 */
	jq_ok(out.data, ".open_relay == false and .tempfail == true", NULL);
	status_is(out.data, "210.99.1.1", "tempfail");
	status_is(out.data, "211.0.0.1", "tempfail");
	status_is(out.data, "203.0.113.50", "tempfail");
	status_is(out.data, "192.168.1.1", "trusted");
	/* what Postfix answered: 451 4.3.0 to every test, local ones too */
	jq_ok(out.data, "all(.clients[] | select(.client == \"203.0.113.50\") "
	    "| .answers[]; .verdict == \"tempfail\" and (.reply | "
	    "startswith(\"451 4.3.0\")))", NULL);
	jq_ok(out.data, "any(.findings[]; .id == \"probe.tempfail\" and "
	    ".severity == \"high\")", NULL);
	/* the mynetworks finding carries the probe's word */
	jq_ok(out.data, "any(.findings[] | select(.id == "
	    "\"postfix.mynetworks.host-bits\") | .evidence[]; "
	    "startswith(\"relay probe: \") and contains(\"tempfail\"))", NULL);
	jq_ok(out.data, "all(.findings[]; .id != \"postfix.mynetworks."
	    "public\")", NULL);
	mg_str_free(&out);

	/* report: one critical finding, tempfail, no "trusts public space" */
	rc = mg(etc, "report", NULL, NULL, NULL, NULL, &out);
	assert_int_equal(rc, 2);
	jq_ok(out.data, "any(.findings[]; .id == \"postfix.mynetworks."
	    "host-bits\" and .severity == \"critical\" and (.title | "
	    "contains(\"tempfailed\")) and (.explanation | contains(\"451 "
	    "4.3.0\")))", NULL);
	jq_ok(out.data, "all(.findings[]; .id != \"postfix.mynetworks."
	    "public\")", NULL);
	mg_str_free(&out);

	/* the running instance says the same over XCLIENT */
	(void)snprintf(port, sizeof(port), "%s/port", dir);
	assert_int_equal(lab_capture(cat, &p), 0);
	(void)snprintf(target, sizeof(target), "127.0.0.1:%.*s",
	    (int)strcspn(p.data, "\n"), p.data);
	mg_str_free(&p);
	rc = mg(etc, "probe", "--target", target, "--client", "218.99.1.1",
	    &out);
	assert_int_equal(rc, 1);
	status_is(out.data, "218.99.1.1", "tempfail");
	mg_str_free(&out);
}

/* test_mask_typo_cidr - the same typo in a cidr: table: Postfix skips
 * the rule, so the /8 is neither trusted nor tempfailed; report says so */
static void
test_mask_typo_cidr(void **state)
{
	char etc[4096];
	struct mg_str out;
	int rc;

	(void)state;
	(void)pf_setup("mask-typo-cidr", 0, etc, sizeof(etc));
	rc = mg(etc, "probe", NULL, NULL, NULL, NULL, &out);
	assert_true(rc == 0 || rc == 1);
	jq_ok(out.data, ".open_relay == false and .tempfail == false", NULL);
	status_is(out.data, "210.99.1.1", "closed");
	jq_ok(out.data, "any(.clients[] | select(.client == \"210.99.1.1\") | "
	    ".answers[]; .test == \"null sender\" and (.reply | "
	    "test(\"Relay access denied\")))", NULL);
	mg_str_free(&out);
	rc = mg(etc, "report", NULL, NULL, NULL, NULL, &out);
	assert_true(rc == 1);	/* high: the host meant is not trusted */
	jq_ok(out.data, "all(.findings[]; .id != \"postfix.mynetworks."
	    "public\")", NULL);
	jq_ok(out.data, "any(.findings[] | select(.id == \"postfix."
	    "mynetworks.host-bits\" and .severity == \"high\") | "
	    ".evidence[]; (.text | contains(\"skips this cidr rule\")) and "
	    "(.file | endswith(\"/mynets.cidr\")) and .line == 2)", NULL);
	mg_str_free(&out);
}

/* setup - private root, and the lab's exim binary */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-probe-grants");
	return (lab_exim_bin(exim_bin, sizeof(exim_bin)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pf_partner_grants),
		cmocka_unit_test(test_exim_partner_accept),
		cmocka_unit_test(test_mask_typo_tempfail),
		cmocka_unit_test(test_mask_typo_cidr),
	};

	return (cmocka_run_group_tests_name("lab_probe_grants", tests, setup,
	    lab_teardown));
}
