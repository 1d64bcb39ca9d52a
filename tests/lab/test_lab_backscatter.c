/*
 * test_lab_backscatter.c - accepted-then-bounced mail on real Postfix and
 * real Exim: each finding shown true by the MTA (a made-up local part
 * answered 250 at RCPT), the fixes applied with --yes and proven (550 to
 * it, a real user still 250), rollback byte-identical; the stock
 * configurations refuse the made-up user themselves and give no finding;
 * a content filter's return-port lines copied onto the port-25 listener
 * are found, fixed and proven on that service, the real return port
 * left alone.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../checks/checks.h"
#include "../../core/mg_str.h"
#include "lab_util.h"

#define PFLAB "tests/lab/postfix/lab.sh"
#define EXLAB "tests/lab/exim/lab.sh"
#define OUTSIDE MG_BACKSCATTER_CLIENT
#define NOSUCH(d) MG_BACKSCATTER_USER "@" d

static char exim_bin[4096];

/* snapshot - md5sum of every file under dir, sorted */
static void
snapshot(const char *dir, struct mg_str *out)
{
	char cmd[8192];
	const char *argv[] = { "sh", "-c", cmd, NULL };

	(void)snprintf(cmd, sizeof(cmd), "cd '%s' && find . -type f "
	    "-exec md5sum {} + | sort", dir);
	assert_int_equal(lab_capture(argv, out), 0);
}

/* has - the report (JSON) has a finding of that id */
static int
has(const char *json, const char *id)
{
	return (lab_jq(json, "[.findings[].id] | index($a) != null", id) ==
	    0);
}

/* pf_findings - the report of a Postfix scenario; which backscatter ids
 * it has, as "local luser relay" flags */
static void
pf_findings(const char *dir, int *local, int *luser, int *relay,
    struct mg_str *out)
{
	(void)lab_pf_report(dir, out);
	*local = has(out->data, "postfix.backscatter.local-recipients");
	*luser = has(out->data, "postfix.backscatter.luser-relay");
	*relay = has(out->data, "postfix.backscatter.relay-recipients");
}

/* test_pf_findings_true - real Postfix (XCLIENT from an outside address)
 * accepts the made-up user where a finding says so, and stock Postfix
 * refuses it with no finding */
static void
test_pf_findings_true(void **state)
{
	const char *dir;
	struct mg_str out;
	int local, luser, relay;

	(void)state;
	dir = lab_instance(PFLAB, "stock", 1);
	pf_findings(dir, &local, &luser, &relay, &out);
	assert_false(local || luser || relay);
	mg_str_free(&out);
	assert_int_equal(lab_pf_rcpt(dir, OUTSIDE,
	    NOSUCH("mail.example.com")), 550);
	lab_stop(PFLAB, dir);

	dir = lab_instance(PFLAB, "backscatter-local", 1);
	pf_findings(dir, &local, &luser, &relay, &out);
	assert_true(local && !luser && !relay);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"postfix.backscatter.local-recipients\") | .fixes == "
	    "[\"postfix.backscatter.local-recipients\"]", NULL), 0);
	mg_str_free(&out);
	assert_int_equal(lab_pf_rcpt(dir, OUTSIDE,
	    NOSUCH("mail.example.com")), 250);
	lab_stop(PFLAB, dir);

	dir = lab_instance(PFLAB, "backscatter-luser", 1);
	pf_findings(dir, &local, &luser, &relay, &out);
	assert_true(!local && luser && !relay);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"postfix.backscatter.luser-relay\") | .fixes == []", NULL), 0);
	mg_str_free(&out);
	assert_int_equal(lab_pf_rcpt(dir, OUTSIDE,
	    NOSUCH("mail.example.com")), 250);
	lab_stop(PFLAB, dir);

	dir = lab_instance(PFLAB, "backscatter-unlisted", 1);
	(void)lab_pf_report(dir, &out);
	assert_true(has(out.data, "postfix.backscatter.unlisted-off"));
	assert_false(has(out.data, "postfix.backscatter.local-recipients"));
	mg_str_free(&out);
	assert_int_equal(lab_pf_rcpt(dir, OUTSIDE,
	    NOSUCH("mail.example.com")), 250);
	lab_stop(PFLAB, dir);

	dir = lab_instance(PFLAB, "backscatter-relay", 1);
	pf_findings(dir, &local, &luser, &relay, &out);
	assert_true(!local && !luser && relay);
	mg_str_free(&out);
	assert_int_equal(lab_pf_rcpt(dir, OUTSIDE,
	    NOSUCH("partner.example")), 250);
	assert_int_equal(lab_pf_rcpt(dir, OUTSIDE,
	    NOSUCH("mail.example.com")), 550);
	lab_stop(PFLAB, dir);
}

/* test_pf_fix_rollback - local_recipient_maps restored with --yes: the
 * private Postfix refuses the made-up user and still takes root; the
 * live instance agrees; rollback puts every byte back */
static void
test_pf_fix_rollback(void **state)
{
	const char *dir = lab_instance(PFLAB, "backscatter-local", 0);
	char etc[4096], st[4200];
	const char *fix[] = { "./mailguard-tui", "--postfix", etc, "--state",
	    st, "fix", "postfix.backscatter.local-recipients", "--yes", NULL };
	const char *rollback[] = { "./mailguard-tui", "--postfix", etc,
	    "--state", st, "rollback", "1", "--yes", NULL };
	const char *start[] = { "start", dir, NULL };
	struct mg_str before, after, out;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	snapshot(etc, &before);
	assert_int_equal(lab_capture(fix, &out), 0);
	(void)printf("%s", out.data);
	assert_non_null(strstr(out.data, "stage: postfix smtpd (XCLIENT) "
	    OUTSIDE ": MAIL FROM:<> RCPT TO:<" NOSUCH("mail.example.com")
	    "> -> 550 5.1.1"));
	assert_non_null(strstr(out.data, "RCPT TO:<root@mail.example.com> "
	    "-> 250 2.1.5 Ok - still accepted"));
	assert_true(lab_applied(out.data));
	mg_str_free(&out);
	assert_int_equal(lab_script(PFLAB, start), 0);
	assert_int_equal(lab_pf_rcpt(dir, OUTSIDE,
	    NOSUCH("mail.example.com")), 550);
	assert_int_equal(lab_pf_rcpt(dir, OUTSIDE, "root@mail.example.com"),
	    250);
	assert_int_equal(lab_pf_tool(dir, rollback, &out), 0);
	mg_str_free(&out);
	snapshot(etc, &after);
	assert_string_equal(mg_str_cstr(&before), mg_str_cstr(&after));
	assert_int_equal(lab_pf_rcpt(dir, OUTSIDE,
	    NOSUCH("mail.example.com")), 250);
	lab_stop(PFLAB, dir);
	mg_str_free(&before);
	mg_str_free(&after);
}

/* return_rcpt - real Postfix's RCPT reply code on the scenario's filter
 * return port (DIR/reinject_port) from 127.0.0.1 itself, as the content
 * filter speaks to it; -1 if none */
static int
return_rcpt(const char *dir, const char *to)
{
	char port[32];
	const char *argv[] = { "build/lab/mgsmtp", "--port", port, "--from",
	    "app@example.com", "--to", to, "--rcpt-only", NULL };
	struct mg_exec_res res;
	const char *p;
	int code = -1;

	(void)lab_port(dir, "reinject_port", port, sizeof(port));
	(void)lab_run(&res, argv);
	if ((p = strstr(mg_str_cstr(&res.out), "-> ")) != NULL)
		code = (int)strtol(p + 3, NULL, 10);
	(void)printf("    return port %s RCPT %s: %d\n", port, to, code);
	(void)fflush(stdout);
	mg_exec_res_free(&res);
	return (code);
}

/* test_pf_override_fix_rollback - the filter's return-port lines on the
 * lab's port-25 listener: real Postfix takes the made-up user there
 * (250), the finding names that listener and not the real return port;
 * fix --yes comments out -o local_recipient_maps= and takes
 * no_unknown_recipient_checks out, the private Postfix of that service
 * and then the live one answer 550, root is still 250 and the return
 * port still takes what the filter hands back; rollback puts every byte
 * back and the hole is open again */
static void
test_pf_override_fix_rollback(void **state)
{
	const char *dir = lab_instance(PFLAB, "backscatter-override", 1);
	char etc[4096], st[4200], port[32], svc[64];
	const char *fix[] = { "./mailguard-tui", "--postfix", etc, "--state",
	    st, "fix", "postfix.backscatter.service-override", "--yes",
	    NULL };
	const char *rollback[] = { "./mailguard-tui", "--postfix", etc,
	    "--state", st, "rollback", "1", "--yes", NULL };
	struct mg_str before, after, out, master;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	(void)lab_port(dir, "port", port, sizeof(port));
	(void)snprintf(svc, sizeof(svc), "service 127.0.0.1:%s (inet)", port);
	assert_int_equal(lab_pf_rcpt(dir, OUTSIDE,
	    NOSUCH("mail.example.com")), 250);
	(void)lab_pf_report(dir, &out);
	assert_true(has(out.data, "postfix.backscatter.service-override"));
	assert_false(has(out.data, "postfix.backscatter.local-recipients"));
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"postfix.backscatter.service-override\") | .evidence[].text] | "
	    "length == 2 and all(startswith($a))", svc), 0);
	mg_str_free(&out);
	snapshot(etc, &before);
	assert_int_equal(lab_pf_tool(dir, fix, &out), 0);
	(void)printf("%s", out.data);
	assert_non_null(strstr(out.data, "RCPT TO:<" NOSUCH("mail.example.com")
	    "> -> 550 5.1.1"));
	assert_non_null(strstr(out.data, "(before the change: 250"));
	assert_true(lab_applied(out.data));
	mg_str_free(&out);
	(void)snprintf(etc + strlen(etc), sizeof(etc) - strlen(etc),
	    "/master.cf");
	lab_slurp(etc, &master);
	assert_non_null(strstr(master.data, "\n#  -o local_recipient_maps=\n"
	    "  -o receive_override_options=no_header_body_checks\n"));
	mg_str_free(&master);
	etc[strlen(etc) - strlen("/master.cf")] = '\0';
	assert_int_equal(lab_pf_rcpt(dir, OUTSIDE,
	    NOSUCH("mail.example.com")), 550);
	assert_int_equal(lab_pf_rcpt(dir, OUTSIDE, "root@mail.example.com"),
	    250);
	assert_int_equal(return_rcpt(dir, NOSUCH("mail.example.com")), 250);
	assert_int_equal(lab_pf_tool(dir, rollback, &out), 0);
	mg_str_free(&out);
	snapshot(etc, &after);
	assert_string_equal(mg_str_cstr(&before), mg_str_cstr(&after));
	assert_int_equal(lab_pf_rcpt(dir, OUTSIDE,
	    NOSUCH("mail.example.com")), 250);
	lab_stop(PFLAB, dir);
	mg_str_free(&before);
	mg_str_free(&after);
}

/* test_exim_stock_verifies - Debian's stock ACL verifies the recipient:
 * exim -bh refuses the made-up user, and there is no finding */
static void
test_exim_stock_verifies(void **state)
{
	const char *dir = lab_instance(EXLAB, "debian-stock-public", 0);
	char conf[4096];
	struct mg_str out;

	(void)state;
	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	assert_int_equal(lab_exim_rcpt(exim_bin, conf, OUTSIDE, "",
	    NOSUCH("mail.example.com")), 550);
	(void)lab_ex_report(dir, exim_bin, &out);
	assert_false(has(out.data, "exim.backscatter.unverified"));
	mg_str_free(&out);
}

/* test_exim_fix_rollback - accept before verify = recipient: exim -bh
 * says 250 to the made-up user, the finding says so with exim -bt's
 * "Unknown user"; the fix applied with --yes makes it 550 and root stays
 * 250; rollback is byte-identical (exim4.conf, its own source in the
 * plain layout) and the hole is back */
static void
test_exim_fix_rollback(void **state)
{
	const char *dir = lab_instance(EXLAB, "backscatter-plain", 0);
	char conf[4096], st[4200];
	const char *fix[] = { "./mailguard-tui", "--exim", conf, "--exim-bin",
	    exim_bin, "--state", st, "fix",
	    "exim.backscatter.verify-recipient", "--yes", NULL };
	const char *rollback[] = { "./mailguard-tui", "--exim", conf,
	    "--exim-bin", exim_bin, "--state", st, "rollback", "1", "--yes",
	    NULL };
	struct mg_str before, after, out;

	(void)state;
	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	assert_int_equal(lab_exim_rcpt(exim_bin, conf, OUTSIDE, "",
	    NOSUCH("mail.example.com")), 250);
	(void)lab_ex_report(dir, exim_bin, &out);
	assert_true(has(out.data, "exim.backscatter.unverified"));
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"exim.backscatter.unverified\") | [.evidence[].text] | "
	    "any(test(\"exim -bt .*: undeliverable: Unknown user\"))", NULL),
	    0);
	mg_str_free(&out);
	lab_slurp(conf, &before);
	assert_int_equal(lab_capture(fix, &out), 0);
	(void)printf("%s", out.data);
	assert_non_null(strstr(out.data, "RCPT TO:<" NOSUCH("mail.example.com")
	    "> -> 550 Unknown user - closed"));
	assert_non_null(strstr(out.data, "RCPT TO:<root@mail.example.com> "
	    "-> 250 Accepted - still accepted"));
	assert_true(lab_applied(out.data));
	mg_str_free(&out);
	assert_int_equal(lab_exim_rcpt(exim_bin, conf, OUTSIDE, "",
	    NOSUCH("mail.example.com")), 550);
	assert_int_equal(lab_capture(rollback, &out), 0);
	mg_str_free(&out);
	lab_slurp(conf, &after);
	assert_string_equal(mg_str_cstr(&before), mg_str_cstr(&after));
	assert_int_equal(lab_exim_rcpt(exim_bin, conf, OUTSIDE, "",
	    NOSUCH("mail.example.com")), 250);
	mg_str_free(&before);
	mg_str_free(&after);
}

/* The guard exim.backscatter.relay-recipients recommends, as a postmaster
 * writes it before the relay accept: the valid addresses in a list. */
#define RELAY_GUARD "  deny\n    message = unknown user\n" \
	"    domains = +relay_to_domains\n" \
	"    !recipients = lsearch;CONFDIR/relay_recipients\n\n  accept"

/* relay_case - Debian's template or split config with dc_relay_domains:
 * exim -bh says 250 to a made-up user at the relay domain, the finding
 * says so, with no fix; the recipient list the finding recommends,
 * written at the accept its evidence names and regenerated with
 * update-exim4.conf, makes it 550 (a listed user still 250), and the
 * finding is gone.  source: the file the evidence must name */
static void
relay_case(const char *scenario, const char *source)
{
	const char *dir = lab_instance(EXLAB, scenario, 0);
	char conf[4096], gen[4200], confdir[4200], tmpdir[4200], list[4300];
	const char *regen[] = { "env", tmpdir, gen, "--confdir", confdir,
	    "--output", conf, NULL };
	struct mg_str out, file, line;
	struct mg_exec_res res;
	FILE *fp;

	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	(void)snprintf(gen, sizeof(gen), "%s/bin/update-exim4.conf", dir);
	(void)snprintf(confdir, sizeof(confdir), "%s/etc/exim4", dir);
	(void)snprintf(tmpdir, sizeof(tmpdir), "TMPDIR=%s/tmp", dir);
	(void)snprintf(list, sizeof(list), "%s/relay_recipients", confdir);
	assert_int_equal(lab_exim_rcpt(exim_bin, conf, OUTSIDE, "",
	    NOSUCH("example.org")), 250);
	(void)lab_ex_report(dir, exim_bin, &out);
	assert_true(has(out.data, "exim.backscatter.relay-recipients"));
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"exim.backscatter.relay-recipients\") | .fixes == [] and "
	    "([.evidence[].text] | any(test(\"exim -bh 198.51.100.9: MAIL "
	    "FROM:<> RCPT TO:<" NOSUCH("example.org") "> -> 250 .*the hole "
	    "is open\")))", NULL), 0);
	assert_false(has(out.data, "exim.backscatter.unverified"));
	assert_int_equal(lab_jq_str(out.data, ".findings[] | select(.id == "
	    "\"exim.backscatter.relay-recipients\") | .evidence[] | "
	    "select(.text | test(\"takes any local part\")) | .file", &file),
	    0);
	assert_int_equal(lab_jq_str(out.data, ".findings[] | select(.id == "
	    "\"exim.backscatter.relay-recipients\") | .evidence[] | "
	    "select(.text | test(\"takes any local part\")) | .line", &line),
	    0);
	mg_str_free(&out);
	/* the source's own file: conf.d in the split config */
	assert_true(file.len > strlen(source) && strcmp(file.data + file.len -
	    strlen(source), source) == 0);
	fp = fopen(list, "w");
	assert_non_null(fp);
	(void)fprintf(fp, "info@example.org\n");
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(lab_apply_edit(mg_str_cstr(&file),
	    (unsigned)strtoul(mg_str_cstr(&line), NULL, 10), "  accept",
	    RELAY_GUARD), 0);
	assert_int_equal(lab_run(&res, regen), 0);
	mg_exec_res_free(&res);
	assert_int_equal(lab_exim_rcpt(exim_bin, conf, OUTSIDE, "",
	    NOSUCH("example.org")), 550);
	assert_int_equal(lab_exim_rcpt(exim_bin, conf, OUTSIDE, "",
	    "info@example.org"), 250);
	(void)lab_ex_report(dir, exim_bin, &out);
	assert_false(has(out.data, "exim.backscatter.relay-recipients"));
	mg_str_free(&out);
	mg_str_free(&file);
	mg_str_free(&line);
}

/* test_exim_relay_template - Debian's non-split template */
static void
test_exim_relay_template(void **state)
{
	(void)state;
	relay_case("relay-domains-template", "/etc/exim4/exim4.conf.template");
}

/* test_exim_relay_split - Debian's split config: the evidence and the
 * edit in conf.d/acl/30_exim4-config_check_rcpt */
static void
test_exim_relay_split(void **state)
{
	(void)state;
	relay_case("relay-domains-split",
	    "/etc/exim4/conf.d/acl/30_exim4-config_check_rcpt");
}

/* test_exim_relay_callout_file - Debian's local_rcpt_callout listing the
 * relay domain: the backend reads it, no finding (exim -bh omits
 * callouts, so it cannot judge this guard and is not asked) */
static void
test_exim_relay_callout_file(void **state)
{
	const char *dir = lab_instance(EXLAB, "relay-domains-callout", 0);
	struct mg_str out;

	(void)state;
	(void)lab_ex_report(dir, exim_bin, &out);
	assert_true(lab_jq(out.data, ".findings | length > 0", NULL) == 0);
	assert_false(has(out.data, "exim.backscatter.relay-recipients"));
	mg_str_free(&out);
}

/* test_exim_relay_plain_router - a hand-written exim.conf in upstream's
 * shape relaying example.org: exim -bh 250 to the made-up user and the
 * finding; the same with the relay router checking local parts (and the
 * smarthost kept off the relay domain): exim -bh 550, a listed user
 * 250, no finding - the check and the MTA agree on both */
static void
test_exim_relay_plain_router(void **state)
{
	const char *dir = lab_instance(EXLAB, "relay-domains-plain", 0);
	char conf[4096];
	struct mg_str out;

	(void)state;
	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	assert_int_equal(lab_exim_rcpt(exim_bin, conf, OUTSIDE, "",
	    NOSUCH("example.org")), 250);
	(void)lab_ex_report(dir, exim_bin, &out);
	assert_true(has(out.data, "exim.backscatter.relay-recipients"));
	assert_false(has(out.data, "exim.backscatter.unverified"));
	mg_str_free(&out);

	dir = lab_instance(EXLAB, "relay-domains-router", 0);
	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	assert_int_equal(lab_exim_rcpt(exim_bin, conf, OUTSIDE, "",
	    NOSUCH("example.org")), 550);
	assert_int_equal(lab_exim_rcpt(exim_bin, conf, OUTSIDE, "",
	    "info@example.org"), 250);
	(void)lab_ex_report(dir, exim_bin, &out);
	assert_true(lab_jq(out.data, ".findings | length > 0", NULL) == 0);
	assert_false(has(out.data, "exim.backscatter.relay-recipients"));
	mg_str_free(&out);
}

/* setup - private root, the lab's Exim */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-bs");
	return (lab_exim_bin(exim_bin, sizeof(exim_bin)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pf_findings_true),
		cmocka_unit_test(test_pf_fix_rollback),
		cmocka_unit_test(test_pf_override_fix_rollback),
		cmocka_unit_test(test_exim_stock_verifies),
		cmocka_unit_test(test_exim_fix_rollback),
		cmocka_unit_test(test_exim_relay_template),
		cmocka_unit_test(test_exim_relay_split),
		cmocka_unit_test(test_exim_relay_callout_file),
		cmocka_unit_test(test_exim_relay_plain_router),
	};
	const char *only = getenv("MG_LAB_ONLY");

	if (only != NULL)
		cmocka_set_test_filter(only);	/* one test while working */
	return (cmocka_run_group_tests_name("lab_backscatter", tests, setup,
	    lab_teardown));
}
