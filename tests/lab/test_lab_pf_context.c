/*
 * test_lab_pf_context.c - real Postfix judges what the checks say about a
 * parameter's effective value and a listener's context: relay control
 * only in smtpd_recipient_restrictions at compatibility level 0 (and not
 * at Debian's 3.6), a content filter's return port on loopback that
 * inherits AUTH, and an smtps entry whose wrapper-mode line is commented
 * out (plain SMTP before the fix, TLS after).
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
#include "../../core/mg_smtp.h"
#include "../../core/mg_str.h"
#include "lab_util.h"

#define LAB "tests/lab/postfix/lab.sh"
#define MGSMTP "build/lab/mgsmtp"
#define OUTSIDER "198.51.100.9"
#define RCPT_LIST "permit_mynetworks, permit_sasl_authenticated, " \
	"reject_unauth_destination"
#define FIXED RCPT_LIST

/* engine_fix - the fix engine applies ID (proof, install, reload) */
static void
engine_fix(const char *dir, const char *id)
{
	char etc[4096], st[4200];
	const char *argv[] = { "./mailguard-tui", "--postfix", etc, "--state",
	    st, "fix", id, "--yes", NULL };
	struct mg_str out;

	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	assert_int_equal(lab_pf_tool(dir, argv, &out), 0);
	(void)printf("%s", out.data);
	assert_true(lab_applied(out.data));
	mg_str_free(&out);
}

/* postconf_x - Postfix's own word on a parameter's effective value */
static void
postconf_x(const char *dir, const char *name, struct mg_str *out)
{
	char etc[4096];
	const char *argv[] = { "postconf", "-c", etc, "-x", "-h", name,
	    NULL };

	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	assert_int_equal(lab_capture(argv, out), 0);
	while (out->len > 0 && out->data[out->len - 1] == '\n')
		out->data[--out->len] = '\0';
	(void)printf("    postconf -x %s: \"%s\"\n", name, out->data);
}

/* set_rcpt - smtpd_recipient_restrictions = VALUE, reloaded */
static void
set_rcpt(const char *dir, const char *value)
{
	char etc[4096], setting[512];
	const char *pc[] = { "postconf", "-c", etc, "-e", setting, NULL };
	const char *reload[] = { "postfix", "-c", etc, "reload", NULL };
	struct mg_exec_res res;

	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(setting, sizeof(setting),
	    "smtpd_recipient_restrictions = %s", value);
	assert_int_equal(lab_run(&res, pc), 0);
	mg_exec_res_free(&res);
	assert_int_equal(lab_pf_run(dir, &res, reload), 0);
	mg_exec_res_free(&res);
}

/* rcpt_reply - real Postfix's RCPT verdict on PORT, as CLIENT (XCLIENT)
 * or, with client NULL, as the connecting loopback client itself */
static int
rcpt_reply(int port, const char *client, const char *from, const char *to)
{
	char p[16];
	const char *argv[] = { MGSMTP, "--port", p, "--from", from, "--to",
	    to, "--rcpt-only", client != NULL ? "--xclient-addr" : NULL,
	    client, NULL };
	struct mg_exec_res res;
	const char *at;
	int code = -1;

	(void)snprintf(p, sizeof(p), "%d", port);
	if (lab_run(&res, argv) < 0)
		fail_msg("mgsmtp failed: %s", mg_str_cstr(&res.err));
	at = strstr(mg_str_cstr(&res.out), "-> ");
	if (at != NULL)
		code = (int)strtol(at + 3, NULL, 10);
	(void)printf("    port %d RCPT %s from %s as %s: %.*s\n", port, to,
	    from, client != NULL ? client : "127.0.0.1",
	    (int)strcspn(at != NULL ? at : "", "\n"), at != NULL ? at : "");
	(void)fflush(stdout);
	mg_exec_res_free(&res);
	return (code);
}

/* test_level0_recipient_only_true_and_closed - no compatibility_level:
 * Postfix says its relay list is empty; the report says so with where the
 * value comes from; a sender whitelist put first in the recipient list
 * (the later edit the finding warns about) opens the relay on real
 * Postfix; after the fix engine writes smtpd_relay_restrictions the same
 * edit no longer opens it, and legitimate mail still passes */
static void
test_level0_recipient_only_true_and_closed(void **state)
{
	const char *dir = lab_instance(LAB, "relay-level0", 1);
	char whitelist[1024];
	struct mg_str out;
	int port = lab_port(dir, "port", NULL, 0);

	(void)state;
	(void)snprintf(whitelist, sizeof(whitelist), "check_sender_access "
	    "hash:%s/etc/sender_access, %s", dir, RCPT_LIST);
	postconf_x(dir, "compatibility_level", &out);
	assert_string_equal(out.data, "0");
	mg_str_free(&out);
	postconf_x(dir, "smtpd_relay_restrictions", &out);
	assert_string_equal(out.data, "");
	mg_str_free(&out);

	assert_int_equal(lab_pf_report(dir, &out), 1);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"postfix.relay.recipient-only\" and .severity == \"medium\") "
	    "| .evidence[] | select(.text | contains(\"default at "
	    "compatibility_level 0 is empty\"))] | length == 1", NULL), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[].id] | "
	    "index(\"postfix.relay.open\") == null", NULL), 0);
	assert_int_equal(lab_jq(out.data, ".fix_details[] | select(.id == "
	    "\"postfix.relay.restrictions\") | .edits[0] | .param == "
	    "\"smtpd_relay_restrictions\" and .new == $a", FIXED), 0);
	mg_str_free(&out);
	/* closed today, as the finding says */
	assert_int_equal(rcpt_reply(port, OUTSIDER, "x@example.com",
	    "victim@remote.test"), 554);
	assert_int_equal(rcpt_reply(port, NULL, "x@example.com",
	    "victim@remote.test"), 250);

	/* true: nothing but the recipient list stands in the way */
	set_rcpt(dir, whitelist);
	assert_int_equal(rcpt_reply(port, OUTSIDER, "x@example.com",
	    "victim@remote.test"), 250);
	set_rcpt(dir, RCPT_LIST);

	engine_fix(dir, "postfix.relay.restrictions");
	postconf_x(dir, "smtpd_relay_restrictions", &out);
	assert_string_equal(out.data, FIXED);
	mg_str_free(&out);
	assert_int_equal(lab_pf_report(dir, &out), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[].id] | "
	    "index(\"postfix.relay.recipient-only\") == null", NULL), 0);
	mg_str_free(&out);

	/* the same later edit no longer opens the relay */
	set_rcpt(dir, whitelist);
	assert_int_equal(rcpt_reply(port, OUTSIDER, "x@example.com",
	    "victim@remote.test"), 554);
	assert_int_equal(rcpt_reply(port, OUTSIDER, "x@other.test",
	    "postmaster@example.com"), 250);
	assert_int_equal(rcpt_reply(port, NULL, "x@example.com",
	    "victim@remote.test"), 250);
	lab_stop(LAB, dir);
}

/* test_stock36_default_guards_relay - Debian's compatibility_level 3.6
 * with no relay list written: Postfix's default list is in force, the
 * report has nothing to say about relaying, and the whitelist edit does
 * not open the relay (the default's defer_unauth_destination: 454) */
static void
test_stock36_default_guards_relay(void **state)
{
	const char *dir = lab_instance(LAB, "relay-default36", 1);
	char whitelist[1024];
	struct mg_str out;
	int port = lab_port(dir, "port", NULL, 0);

	(void)state;
	(void)snprintf(whitelist, sizeof(whitelist), "check_sender_access "
	    "hash:%s/etc/sender_access, %s", dir, RCPT_LIST);
	postconf_x(dir, "smtpd_relay_restrictions", &out);
	assert_string_equal(out.data, "permit_mynetworks, "
	    "permit_sasl_authenticated, defer_unauth_destination");
	mg_str_free(&out);
	assert_int_equal(lab_pf_report(dir, &out), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.area == "
	    "\"relay\")] | length == 0", NULL), 0);
	mg_str_free(&out);
	set_rcpt(dir, whitelist);
	assert_int_equal(rcpt_reply(port, OUTSIDER, "x@example.com",
	    "victim@remote.test"), 454);
	assert_int_equal(rcpt_reply(port, NULL, "x@example.com",
	    "victim@remote.test"), 250);
	lab_stop(LAB, dir);
}

/* ehlo_has - real Postfix's EHLO reply on PORT lists WORD */
static int
ehlo_has(int port, const char *word)
{
	struct mg_smtp s;
	struct mg_smtp_reply r;
	struct mg_err err;
	int has;

	if (mg_smtp_open(&s, "127.0.0.1", port, 30000, &err) < 0 ||
	    mg_smtp_read(&s, &r, &err) < 0)
		fail_msg("port %d: %s", port, err.msg);
	if (mg_smtp_cmd(&s, "EHLO lab.example.net", &r, &err) < 0)
		fail_msg("EHLO: %s", err.msg);
	has = mg_smtp_has(&r, word);
	(void)printf("    port %d EHLO: %d, %s %s\n", port, r.code, word,
	    has ? "offered" : "not offered");
	(void)mg_smtp_cmd(&s, "QUIT", &r, &err);
	mg_smtp_close(&s);
	return (has);
}

/* test_reinjection_port_context - the amavis return port offers AUTH
 * (inherited from main.cf: what the report says is true), is named as
 * no submission port, the AUTH finding is low (loopback only), no fix
 * edit gives it AUTH; 127.0.0.1's filtered mail passes it without AUTH,
 * an outside address is refused there */
static void
test_reinjection_port_context(void **state)
{
	const char *dir = lab_instance(LAB, "reinjection", 1);
	int rport = lab_port(dir, "reinject_port", NULL, 0);
	char name[64];
	struct mg_str out;

	(void)state;
	(void)snprintf(name, sizeof(name), "127.0.0.1:%d", rport);
	assert_true(ehlo_has(rport, "AUTH"));
	(void)lab_pf_report(dir, &out);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"postfix.auth.no-tls\" and .severity == \"low\") | "
	    ".evidence[] | select(.text | contains($a) and "
	    "contains(\"not a submission port\"))] | length == 1", name), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.area == "
	    "\"sasl\" and (.id | startswith(\"postfix.auth.\")) and "
	    ".severity != \"low\" and .severity != \"info\")] | length == 0",
	    NULL), 0);
	assert_int_equal(lab_jq(out.data, "[.fix_details[].edits[] | "
	    "select(.new != null and (.new | contains(\"smtpd_sasl_auth_"
	    "enable=yes\")))] | length == 0", NULL), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[].id] | "
	    "index(\"postfix.relay.open\") == null", NULL), 0);
	mg_str_free(&out);
	assert_int_equal(rcpt_reply(rport, NULL, "x@example.com",
	    "victim@remote.test"), 250);
	assert_int_equal(rcpt_reply(rport, OUTSIDER, "x@example.com",
	    "victim@remote.test"), 554);
	lab_stop(LAB, dir);
}

/* greets_plain - a plain TCP client reads "220" on PORT */
static int
greets_plain(int port)
{
	struct mg_smtp s;
	struct mg_smtp_reply r;
	struct mg_err err;
	int ok;

	if (mg_smtp_open(&s, "127.0.0.1", port, 30000, &err) < 0)
		fail_msg("port %d: %s", port, err.msg);
	ok = mg_smtp_read(&s, &r, &err) == 0 && r.code == 220;
	(void)printf("    port %d plain: %s\n", port, ok ? "220 greeting" :
	    err.msg);
	mg_smtp_close(&s);
	return (ok);
}

/* greets_tls - a TLS handshake first (implicit TLS), then "220" */
static int
greets_tls(int port)
{
	struct mg_smtp s;
	struct mg_smtp_reply r;
	struct mg_err err;
	int ok;

	if (mg_smtp_open_tls(&s, "127.0.0.1", port, 30000, &err) < 0) {
		(void)printf("    port %d TLS: %s\n", port, err.msg);
		return (0);
	}
	ok = s.tls && mg_smtp_read(&s, &r, &err) == 0 && r.code == 220;
	(void)printf("    port %d TLS: %s\n", port, ok ? "handshake, then "
	    "220 greeting" : err.msg);
	mg_smtp_close(&s);
	return (ok);
}

/* test_smtps_plain_then_tls - the smtps entry with its wrapper-mode line
 * commented greets in plain text and fails a TLS handshake; the report
 * names the commented line; after the fix engine uncomments it the port
 * answers a TLS handshake with 220 and no longer greets in plain */
static void
test_smtps_plain_then_tls(void **state)
{
	const char *dir = lab_instance(LAB, "smtps-plain", 1);
	int sport = lab_port(dir, "smtps_port", NULL, 0);
	struct mg_str out;

	(void)state;
	assert_true(greets_plain(sport));
	assert_false(greets_tls(sport));
	(void)lab_pf_report(dir, &out);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"postfix.tls.smtps-plain\") | .evidence[] | select((.file | "
	    "endswith(\"/master.cf\")) and (.text | contains(\"commented "
	    "out\")))] | length == 1", NULL), 0);
	assert_int_equal(lab_jq(out.data, ".fix_details[] | select(.id == "
	    "\"postfix.tls.smtps-wrappermode\") | .edits[0].new == "
	    "\"  -o smtpd_tls_wrappermode=yes\"", NULL), 0);
	mg_str_free(&out);

	engine_fix(dir, "postfix.tls.smtps-wrappermode");
	assert_true(greets_tls(sport));
	assert_false(greets_plain(sport));
	(void)lab_pf_report(dir, &out);
	assert_int_equal(lab_jq(out.data, "[.findings[].id] | "
	    "index(\"postfix.tls.smtps-plain\") == null", NULL), 0);
	mg_str_free(&out);
	/* the lab's own listener still takes mail */
	assert_int_equal(rcpt_reply(lab_port(dir, "port", NULL, 0), NULL,
	    "x@example.com", "postmaster@example.com"), 250);
	lab_stop(LAB, dir);
}

/* test_level0_no_stop_is_fatal - level 0 and a recipient list without
 * any stop: real Postfix's smtpd refuses to run (its log says so and no
 * client gets an answer), the report says exactly that and no open
 * relay; the fix's relay list lets smtpd start, closed to outsiders and
 * open to postmaster and loopback */
static void
test_level0_no_stop_is_fatal(void **state)
{
	const char *dir = lab_instance(LAB, "relay-level0", 1);
	char log[4096];
	struct mg_str out, text = MG_STR_INIT;
	struct mg_err err;
	int port = lab_port(dir, "port", NULL, 0);

	(void)state;
	set_rcpt(dir, "permit_mynetworks");
	assert_int_equal(lab_pf_report(dir, &out), 2);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"postfix.relay.smtpd-fatal\" and .severity == \"critical\")] "
	    "| length == 1", NULL), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[].id] | "
	    "index(\"postfix.relay.open\") == null", NULL), 0);
	mg_str_free(&out);
	/* what real Postfix does with it: no answer, a fatal in its log */
	assert_int_equal(rcpt_reply(port, OUTSIDER, "x@example.com",
	    "victim@remote.test"), -1);
	(void)snprintf(log, sizeof(log), "%s/log/maillog", dir);
	assert_int_equal(mg_file_read(log, 1 << 22, &text, NULL, &err), 0);
	assert_non_null(strstr(mg_str_cstr(&text), "fatal: in parameter "
	    "smtpd_relay_restrictions or smtpd_recipient_restrictions"));
	mg_str_free(&text);

	/* the fix ends the list with defer_unauth_destination (Postfix's
	 * own default stop, as no list named one): 454 to outsiders */
	engine_fix(dir, "postfix.relay.restrictions");
	assert_int_equal(rcpt_reply(port, OUTSIDER, "x@example.com",
	    "victim@remote.test"), 454);
	assert_int_equal(rcpt_reply(port, OUTSIDER, "x@other.test",
	    "postmaster@example.com"), 250);
	assert_int_equal(rcpt_reply(port, NULL, "x@example.com",
	    "victim@remote.test"), 250);
	(void)lab_pf_report(dir, &out);
	assert_int_equal(lab_jq(out.data, "[.findings[].id] | "
	    "index(\"postfix.relay.smtpd-fatal\") == null", NULL), 0);
	mg_str_free(&out);
	lab_stop(LAB, dir);
}

/* setup - a private root */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-pfctx");
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_level0_recipient_only_true_and_closed),
		cmocka_unit_test(test_stock36_default_guards_relay),
		cmocka_unit_test(test_level0_no_stop_is_fatal),
		cmocka_unit_test(test_reinjection_port_context),
		cmocka_unit_test(test_smtps_plain_then_tls),
	};

	return (cmocka_run_group_tests_name("lab_pf_context", tests, setup,
	    lab_teardown));
}
