/*
 * test_lab_pf_aliases.c - root and postmaster along Postfix's real lookup
 * path, judged by real Postfix (tests/lab/postfix/lab.sh): every "accepted
 * / refused at RCPT" the report states is asked of the instance over
 * XCLIENT, and a fix must make the bounced mail arrive.
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
#include "../../core/mg_str.h"
#include "lab_util.h"

#define LAB "tests/lab/postfix/lab.sh"
#define MGSMTP "build/lab/mgsmtp"
#define OUTSIDE "198.51.100.9"

/* smtp - mgsmtp as an outside client (XCLIENT) to one recipient: the
 * RCPT reply code; with whole != 0 the whole message is sent, and 250
 * means mgsmtp counted it accepted */
static int
smtp(const char *dir, const char *to, int whole)
{
	char port[32];
	const char *argv[] = { MGSMTP, "--port", port, "--xclient-addr",
	    OUTSIDE, "--from", "someone@other.test", "--to", to,
	    whole ? NULL : "--rcpt-only", NULL };
	struct mg_exec_res res;
	const char *p;
	int code = -1;

	lab_port(dir, "port", port, sizeof(port));
	if (lab_run(&res, argv) != 0 && !whole)
		fail_msg("mgsmtp failed: %s%s", mg_str_cstr(&res.out),
		    mg_str_cstr(&res.err));
	p = strstr(mg_str_cstr(&res.out), whole ? "accepted 1" : "-> ");
	if (p != NULL)
		code = whole ? 250 : (int)strtol(p + 3, NULL, 10);
	(void)printf("    RCPT %s from %s: %.*s\n", to, OUTSIDE,
	    (int)strcspn(p != NULL ? p : "", "\n"), p != NULL ? p : "");
	(void)fflush(stdout);
	mg_exec_res_free(&res);
	return (code);
}

/*
 * judge_rcpt_claims - every evidence line "user@domain: accepted at RCPT"
 * or "...: refused at RCPT" is put to real Postfix as an outside client;
 * the number of claims checked (each must match: 250, or 5xx)
 */
static int
judge_rcpt_claims(const char *dir, const char *json)
{
	struct mg_str claims;
	char *line, *next, *colon;
	int n = 0, code;

	if (lab_jq_str(json, "[.findings[].evidence[].text | "
	    "select(test(\"^[^ ]+@[^ ]+: (accepted|refused) at RCPT\"))] | "
	    "unique | join(\"\\n\")", &claims) < 0)
		fail_msg("jq failed on the report");
	for (line = claims.data; line != NULL && *line != '\0'; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		if ((colon = strchr(line, ':')) == NULL)
			continue;
		*colon = '\0';
		code = smtp(dir, line, 0);
		if (strncmp(colon + 2, "accepted", 8) == 0)
			assert_int_equal(code, 250);
		else
			assert_true(code >= 500 && code < 600);
		n++;
	}
	mg_str_free(&claims);
	return (n);
}

/* run_post_commands - the fix's post-commands from the report JSON, each
 * run as the fix engine will (argv, no shell) on the instance DIR, a
 * reload waited for */
static void
run_post_commands(const char *dir, const char *json, const char *fix)
{
	struct mg_exec_res res;
	struct mg_str cmds;
	char filter[512], *p, *line, *next;
	const char *argv[32];
	size_t n;

	(void)snprintf(filter, sizeof(filter), ".fix_details[] | select(.id "
	    "== \"%s\") | .post_commands | map(join(\"\\u0001\")) | "
	    "join(\"\\n\")", fix);
	assert_int_equal(lab_jq_str(json, filter, &cmds), 0);
	for (line = cmds.data; line != NULL; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		for (n = 0, p = line; p != NULL && n + 1 < 32; n++) {
			argv[n] = p;
			if ((p = strchr(p, '\001')) != NULL)
				*p++ = '\0';
		}
		argv[n] = NULL;
		if (lab_pf_run(dir, &res, argv) != 0)
			fail_msg("%s failed: %s", argv[0],
			    mg_str_cstr(&res.err));
		mg_exec_res_free(&res);
	}
	mg_str_free(&cmds);
}

/* apply_fix - fix ID --export-diff, patch -p0 -d /, post-commands: as an
 * operator without the engine would */
static void
apply_fix(const char *dir, const char *json, const char *fix)
{
	char etc[4096], patchfile[4200];
	const char *exp[] = { "./mailguard-tui", "--postfix", etc, "fix",
	    fix, "--export-diff", patchfile, NULL };
	const char *apply[] = { "patch", "-p0", "-d", "/", "-i", patchfile,
	    NULL };
	struct mg_exec_res res;
	struct mg_str out;

	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(patchfile, sizeof(patchfile), "%s/%s.patch", dir, fix);
	assert_int_equal(lab_capture(exp, &out), 0);
	mg_str_free(&out);
	lab_next_second();	/* the rebuilt tables look changed */
	assert_int_equal(lab_run(&res, apply), 0);
	mg_exec_res_free(&res);
	run_post_commands(dir, json, fix);
}

#define BOUNCED "status=bounced (unknown user: \"root@localhost\")"
#define FORWARDED "to=<admin@ops.example.net>, orig_to=<root@localhost>"

/*
 * forwarded_after_fix - root@localhost sent whole after the table was
 * rebuilt; a daemon notices a rebuilt table when it next takes a
 * connection, so a message that raced that and bounced as before is
 * said and sent again (at most 5 times), each awaited in the log
 * (lab_wait_s at most); 1 once one is forwarded
 */
static int
forwarded_after_fix(const char *dir)
{
	double end;
	int try, bounced;

	for (try = 0; try < 5; try++) {
		bounced = lab_maillog_count(dir, BOUNCED);
		assert_int_equal(smtp(dir, "root@localhost", 1), 250);
		for (end = lab_now() + lab_wait_s(); lab_now() < end;
		    lab_nap_ms(100)) {
			if (lab_maillog_count(dir, FORWARDED) > 0)
				return (1);
			if (lab_maillog_count(dir, BOUNCED) > bounced)
				break;
		}
		(void)printf("    root@localhost bounced as before the fix "
		    "(try %d): sent again\n", try + 1);
	}
	return (0);
}

/* rcpt_becomes - RCPT TO from outside until Postfix answers WANT (it
 * reads a rebuilt table when a daemon next takes a connection),
 * lab_wait_s at most; the last code */
static int
rcpt_becomes(const char *dir, const char *to, int want)
{
	double end = lab_now() + lab_wait_s();
	int code;

	while ((code = smtp(dir, to, 0)) != want && lab_now() < end)
		lab_nap_ms(250);
	return (code);
}

/* test_local_rcpt_virtual_root_refused - local_recipient_maps =
 * $virtual_mailbox_maps: Postfix refuses root@localhost and accepts
 * postmaster@localhost (exempt); the report says exactly that, no alias
 * finding, and no finding claims root@localhost is reachable */
static void
test_local_rcpt_virtual_root_refused(void **state)
{
	const char *dir = lab_instance(LAB, "local-rcpt-virtual", 1);
	struct mg_str out;

	(void)state;
	assert_int_equal(smtp(dir, "root@localhost", 0), 550);
	assert_int_equal(smtp(dir, "postmaster@localhost", 0), 250);
	assert_int_equal(lab_pf_report(dir, &out), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[].evidence[].text | "
	    "select(startswith(\"root@localhost: refused at RCPT - \\\"User "
	    "unknown in local recipient table\\\"\"))] | length == 1",
	    NULL), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[].evidence[].text | "
	    "select(startswith(\"root@localhost: accepted\"))] | "
	    "length == 0", NULL), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[].id | "
	    "select(startswith(\"postfix.aliases.\"))] | length == 0", NULL),
	    0);
	assert_int_equal(judge_rcpt_claims(dir, out.data), 2);
	mg_str_free(&out);
	lab_stop(LAB, dir);
}

/* test_local_transport_virtual_fixed - local_transport = virtual: Postfix
 * accepts root@localhost and virtual(8) bounces it; the report flags
 * root@ and postmaster@localhost against virtual_alias_maps; after the
 * fix the same message is forwarded, not bounced */
static void
test_local_transport_virtual_fixed(void **state)
{
	const char *dir = lab_instance(LAB, "local-transport-virtual", 1);
	struct mg_str out;

	(void)state;
	assert_int_equal(smtp(dir, "root@localhost", 1), 250);
	assert_true(lab_maillog_has(dir, "to=<root@localhost>, relay=virtual"));
	assert_true(lab_maillog_has(dir, BOUNCED));
	assert_int_equal(lab_pf_report(dir, &out), 1);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"postfix.aliases.virtual\") | .evidence[].text | "
	    "select(test(\"^(root|postmaster)@localhost: accepted at RCPT "
	    ".*local_transport = virtual\"))] | length == 2", NULL), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[].id] | "
	    "(index(\"postfix.aliases.postmaster\") == null and "
	    "index(\"postfix.aliases.root\") == null)", NULL), 0);
	assert_true(judge_rcpt_claims(dir, out.data) >= 2);
	apply_fix(dir, out.data, "postfix.aliases.add-virtual");
	mg_str_free(&out);
	assert_true(forwarded_after_fix(dir));
	assert_int_equal(lab_pf_report(dir, &out), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[].id] | "
	    "index(\"postfix.aliases.virtual\") == null", NULL), 0);
	mg_str_free(&out);
	lab_stop(LAB, dir);
}

/* test_valias_domain_fixed - example.net is a virtual alias domain by
 * its own table line (virtual_alias_domains = $virtual_alias_maps):
 * Postfix refuses root@example.net, the report says so (postmaster,
 * which is in the table, not), the fix makes Postfix accept it */
static void
test_valias_domain_fixed(void **state)
{
	const char *dir = lab_instance(LAB, "valias-domain", 1);
	struct mg_str out;

	(void)state;
	assert_int_equal(smtp(dir, "root@example.net", 0), 550);
	assert_int_equal(lab_pf_report(dir, &out), 1);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"postfix.aliases.virtual\") | .evidence[].text | "
	    "select(contains(\"@example.net\"))] == [\"root@example.net: not "
	    "in virtual_alias_maps - rejected \\\"User unknown in virtual "
	    "alias table\\\"\"]", NULL), 0);
	assert_true(judge_rcpt_claims(dir, out.data) >= 2);
	apply_fix(dir, out.data, "postfix.aliases.add-virtual");
	mg_str_free(&out);
	assert_int_equal(rcpt_becomes(dir, "root@example.net", 250), 250);
	assert_int_equal(smtp(dir, "nobody@example.net", 0), 550);
	assert_int_equal(lab_pf_report(dir, &out), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[].id] | "
	    "index(\"postfix.aliases.virtual\") == null", NULL), 0);
	mg_str_free(&out);
	lab_stop(LAB, dir);
}

/* setup - a private root */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-pfal");
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_local_rcpt_virtual_root_refused),
		cmocka_unit_test(test_local_transport_virtual_fixed),
		cmocka_unit_test(test_valias_domain_fixed),
	};

	return (cmocka_run_group_tests_name("lab_pf_aliases", tests, setup,
	    lab_teardown));
}
