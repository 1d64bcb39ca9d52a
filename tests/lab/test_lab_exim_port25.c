/*
 * test_lab_exim_port25.c - AUTH on port 25 on real Exim (auth-port25:
 * daemon_smtp_ports = 25 : 587, AUTH PLAIN/LOGIN on every port): exim -bh
 * as a remote client on port 25 (-oMi 192.0.2.1.25) offers AUTH; the
 * report has exim.auth.port25 with its fix; fix --yes (exim -bV on the
 * stage) and then -bh offers no AUTH on 25 and still AUTH PLAIN LOGIN on
 * 587; rollback --yes restores exim4.conf byte for byte and AUTH on 25.
 * auth-port25-tls: AUTH only after STARTTLS, which -bh cannot show; the
 * finding comes from the conditions with TLS up on port 25, and its fix
 * is applied (exim -bV) and rolled back the same way.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../core/mg_exec.h"
#include "../../core/mg_lines.h"
#include "../../core/mg_str.h"
#include "lab_util.h"

#define LAB "tests/lab/exim/lab.sh"
#define FIND "exim.auth.port25"
#define FIX "exim.auth.submission-only"

static char exim_bin[4096];

/* ehlo_auth - the mechanisms of the AUTH line real Exim offers after
 * EHLO to 198.51.100.9 connected to port (exim -bh -oMi 192.0.2.1.PORT)
 * into out ("" when no AUTH line) */
static void
ehlo_auth(const char *conf, unsigned port, struct mg_str *out)
{
	char iface[64];
	const char *argv[] = { "unshare", "-n", exim_bin, "-C", conf, "-oMi",
	    iface, "-bh", "198.51.100.9", NULL };
	static const char in[] = "EHLO laptop.example\r\nQUIT\r\n";
	struct mg_exec_req req;
	struct mg_exec_res res;
	struct mg_err err;
	const char *cur, *line;
	size_t len;

	(void)snprintf(iface, sizeof(iface), "192.0.2.1.%u", port);
	memset(&req, 0, sizeof(req));
	req.argv = argv;
	req.input = in;
	req.input_len = sizeof(in) - 1;
	req.timeout_ms = 60000;
	if (mg_exec(&req, &res, &err) < 0)
		fail_msg("exim -bh: %s", err.msg);
	mg_str_init(out);
	for (cur = mg_str_cstr(&res.out); mg_line_next(&cur, &line, &len);) {
		while (len > 0 && (line[len - 1] == '\r' ||
		    line[len - 1] == ' '))
			len--;
		if (len > 9 && strncmp(line, "250", 3) == 0 &&
		    strncmp(line + 4, "AUTH ", 5) == 0)
			mg_str_append(out, line + 9, len - 9);
	}
	(void)printf("    exim -bh 198.51.100.9 on port %u: EHLO %s%s\n",
	    port, out->len > 0 ? "offers AUTH " : "offers no AUTH",
	    mg_str_cstr(out));
	(void)fflush(stdout);
	mg_exec_res_free(&res);
}

/* test_port25_fixed_proven - the finding as real Exim shows it, the fix
 * applied and proven by EHLO on 25 and 587, rollback byte-identical */
static void
test_port25_fixed_proven(void **state)
{
	const char *dir = lab_instance(LAB, "auth-port25", 0);
	char conf[4096], st[4200];
	const char *fix[] = { "./mailguard-tui", "--exim", conf, "--exim-bin",
	    exim_bin, "--state", st, "fix", FIX, "--yes", NULL };
	const char *rollback[] = { "./mailguard-tui", "--exim", conf,
	    "--exim-bin", exim_bin, "--state", st, "rollback", "1", "--yes",
	    NULL };
	struct mg_str before, after, out, auth;

	(void)state;
	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);

	/* real Exim: AUTH on 25 and on 587 */
	ehlo_auth(conf, 25, &auth);
	assert_string_equal(mg_str_cstr(&auth), "PLAIN LOGIN");
	mg_str_free(&auth);
	ehlo_auth(conf, 587, &auth);
	assert_string_equal(mg_str_cstr(&auth), "PLAIN LOGIN");
	mg_str_free(&auth);

	(void)lab_ex_report(dir, exim_bin, &out);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == \""
	    FIND "\") | .area == \"sasl\" and .severity == \"medium\" "
	    "and .fixes == [\"" FIX "\"]", NULL), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == \""
	    FIND "\") | .evidence[].text] | any(test(\"^exim -bh "
	    "198.51.100.9 \\\\(port 25\\\\): EHLO offers AUTH PLAIN LOGIN "
	    "before STARTTLS$\"))", NULL), 0);
	assert_int_equal(lab_jq(out.data, ".fix_details[] | select(.id == \""
	    FIX "\") | .edits | length == 1 and (.[0].new | endswith("
	    "\"\\nauth_advertise_hosts = ${if eq{$received_port}{25}{}{*}}\"))",
	    NULL), 0);
	mg_str_free(&out);

	lab_slurp(conf, &before);
	assert_int_equal(lab_capture(fix, &out), 0);
	(void)printf("%s", out.data);
	assert_non_null(strstr(out.data, "applied"));
	mg_str_free(&out);
	ehlo_auth(conf, 25, &auth);
	assert_string_equal(mg_str_cstr(&auth), "");
	mg_str_free(&auth);
	ehlo_auth(conf, 587, &auth);
	assert_string_equal(mg_str_cstr(&auth), "PLAIN LOGIN");
	mg_str_free(&auth);
	(void)lab_ex_report(dir, exim_bin, &out);
	assert_int_equal(lab_jq(out.data, "any(.findings[]; .id == \"" FIND
	    "\") | not", NULL), 0);
	mg_str_free(&out);

	assert_int_equal(lab_capture(rollback, &out), 0);
	assert_non_null(strstr(out.data, "journal entry 1 rolled back"));
	mg_str_free(&out);
	lab_slurp(conf, &after);
	assert_string_equal(before.data, after.data);
	ehlo_auth(conf, 25, &auth);
	assert_string_equal(mg_str_cstr(&auth), "PLAIN LOGIN");
	mg_str_free(&auth);
	mg_str_free(&before);
	mg_str_free(&after);
}

/* test_port25_after_tls - AUTH only after STARTTLS: -bh sees STARTTLS
 * and no AUTH on 25; the report judges the conditions with TLS up; fix
 * --yes makes the finding go (exim -bV on the stage, Exim's own -bP shows
 * the option); rollback byte-identical */
static void
test_port25_after_tls(void **state)
{
	const char *dir = lab_instance(LAB, "auth-port25-tls", 0);
	char conf[4096], st[4200];
	const char *fix[] = { "./mailguard-tui", "--exim", conf, "--exim-bin",
	    exim_bin, "--state", st, "fix", FIX, "--yes", NULL };
	const char *rollback[] = { "./mailguard-tui", "--exim", conf,
	    "--exim-bin", exim_bin, "--state", st, "rollback", "1", "--yes",
	    NULL };
	const char *bp[] = { exim_bin, "-C", conf, "-bP",
	    "auth_advertise_hosts", NULL };
	struct mg_exec_res res;
	struct mg_str before, after, out, auth;

	(void)state;
	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);

	ehlo_auth(conf, 25, &auth);
	assert_string_equal(mg_str_cstr(&auth), "");
	mg_str_free(&auth);
	(void)lab_ex_report(dir, exim_bin, &out);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == \""
	    FIND "\") | .evidence[].text] | any(. == \"exim -bh 198.51.100.9 "
	    "(port 25): EHLO offers no AUTH before STARTTLS\") and any(test("
	    "\"^authenticator plain_server: server_advertise_condition = "
	    ".* holds on port 25 after STARTTLS$\"))", NULL), 0);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == \""
	    FIND "\") | .severity == \"medium\" and .fixes == [\"" FIX
	    "\"]", NULL), 0);
	mg_str_free(&out);

	lab_slurp(conf, &before);
	assert_int_equal(lab_capture(fix, &out), 0);
	assert_non_null(strstr(out.data, "applied"));
	mg_str_free(&out);
	assert_int_equal(lab_run(&res, bp), 0);
	assert_string_equal(mg_str_cstr(&res.out), "auth_advertise_hosts = "
	    "${if eq{$received_port}{25}{}{*}}\n");
	mg_exec_res_free(&res);
	(void)lab_ex_report(dir, exim_bin, &out);
	assert_int_equal(lab_jq(out.data, "any(.findings[]; .id == \"" FIND
	    "\") | not", NULL), 0);
	mg_str_free(&out);

	assert_int_equal(lab_capture(rollback, &out), 0);
	assert_non_null(strstr(out.data, "journal entry 1 rolled back"));
	mg_str_free(&out);
	lab_slurp(conf, &after);
	assert_string_equal(before.data, after.data);
	mg_str_free(&before);
	mg_str_free(&after);
}

/* with_option - conf's text orig with line added after its
 * daemon_smtp_ports line, written back to conf */
static void
with_option(const char *conf, const char *orig, const char *line)
{
	const char *at = strstr(orig, "\ndaemon_smtp_ports");
	const char *eol;
	FILE *fp;

	assert_non_null(at);
	eol = strchr(at + 1, '\n');
	assert_non_null(eol);
	fp = fopen(conf, "w");
	assert_non_null(fp);
	(void)fprintf(fp, "%.*s\n%s%s", (int)(eol - orig), orig, line, eol);
	assert_int_equal(fclose(fp), 0);
}

/* test_port25_spellings - auth_advertise_hosts written as operators do
 * besides eq: Exim's numeric "=" (and "!="), inlist; real Exim offers
 * AUTH on 587 only, and the report, judging AUTH after STARTTLS from the
 * configuration, agrees: no finding */
static void
test_port25_spellings(void **state)
{
	static const char *const lines[] = {
		"auth_advertise_hosts = ${if ={$received_port}{587}{*}{}}",
		"auth_advertise_hosts = ${if !={$received_port}{25}{*}{}}",
		"auth_advertise_hosts = ${if inlist{$received_port}{587:465}"
		"{*}{}}",
		NULL };
	const char *dir = lab_instance(LAB, "auth-port25", 0);
	char conf[4096];
	struct mg_str orig, out, auth;
	size_t i;

	(void)state;
	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	lab_slurp(conf, &orig);
	for (i = 0; lines[i] != NULL; i++) {
		(void)printf("    %s\n", lines[i]);
		with_option(conf, orig.data, lines[i]);
		ehlo_auth(conf, 25, &auth);
		assert_string_equal(mg_str_cstr(&auth), "");
		mg_str_free(&auth);
		ehlo_auth(conf, 587, &auth);
		assert_string_equal(mg_str_cstr(&auth), "PLAIN LOGIN");
		mg_str_free(&auth);
		(void)lab_ex_report(dir, exim_bin, &out);
		assert_int_equal(lab_jq(out.data, "any(.findings[]; .id == \""
		    FIND "\") | not", NULL), 0);
		mg_str_free(&out);
	}
	mg_str_free(&orig);
}

/*
 * test_port25_loopback_forms - local_interfaces in the forms Exim reads
 * (bracketed with a port, dotted port, a doubled-colon list): real Exim
 * takes each (exim -bP prints it back), and the report judges the
 * listener as Exim binds it - loopback only: low, saying so; a public
 * address in the same form: medium.  Before, the auth check took
 * [127.0.0.1]:25 for a public interface.
 */
static void
test_port25_loopback_forms(void **state)
{
	static const struct {
		const char *value;
		int loopback;
	} v[] = {
		{ "<; [127.0.0.1]:25 ; [::1]:587", 1 },
		{ "<; 127.0.0.1.25 ; ::1.587", 1 },
		{ "127.0.0.1 : ::::1", 1 },
		{ "<; [127.0.0.1]:25 ; [192.0.2.1]:587", 0 },
	};
	const char *dir = lab_instance(LAB, "auth-port25", 0);
	char conf[4096], line[128];
	const char *bp[] = { exim_bin, "-C", conf, "-bP", "local_interfaces",
	    NULL };
	struct mg_str orig, out, want;
	size_t i;

	(void)state;
	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	lab_slurp(conf, &orig);
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		(void)snprintf(line, sizeof(line), "local_interfaces = %s",
		    v[i].value);
		with_option(conf, orig.data, line);
		assert_int_equal(lab_capture(bp, &out), 0);
		(void)printf("    exim -bP: %s", out.data);
		mg_str_init(&want);
		mg_str_printf(&want, "%s\n", line);
		assert_string_equal(out.data, mg_str_cstr(&want));
		mg_str_free(&want);
		mg_str_free(&out);
		(void)lab_ex_report(dir, exim_bin, &out);
		assert_int_equal(lab_jq(out.data, "($a == \"lo\") as $lo | "
		    ".findings[] | select(.id == \"" FIND "\") | .severity == "
		    "(if $lo then \"low\" else \"medium\" end) and "
		    "([.evidence[].text | select(test(\"listens on loopback "
		    "only\"))] | length == (if $lo then 1 else 0 end))",
		    v[i].loopback ? "lo" : "public"), 0);
		mg_str_free(&out);
	}
	with_option(conf, orig.data, "");
	mg_str_free(&orig);
}

/* setup - a temp root; the lab's exim binary */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-port25");
	return (lab_exim_bin(exim_bin, sizeof(exim_bin)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_port25_fixed_proven),
		cmocka_unit_test(test_port25_after_tls),
		cmocka_unit_test(test_port25_spellings),
		cmocka_unit_test(test_port25_loopback_forms),
	};

	return (cmocka_run_group_tests(tests, setup, lab_teardown));
}
