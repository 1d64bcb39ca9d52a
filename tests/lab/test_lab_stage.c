/*
 * test_lab_stage.c - the staged configuration judged as what will be
 * installed, real MTAs judging: an operator's mynetworks value that keeps
 * a hole is refused on the stage with main.cf untouched, one that narrows
 * differently from the proposal is applied and real Postfix refuses a
 * formerly trusted public address; a failed live check restores and says
 * the old configuration is reloaded, as real Postfix then answers; and
 * Exim's Debian configuration named as its directory, its template or
 * its generated file takes the same fix with the same exim -bh verdicts;
 * an edited dc_relay_nets is judged the same way by exim -bh.  An
 * office's own public /29 kept while the ISP's /16 is dropped is applied
 * (the /16 refused, the /29 relays); keeping the /16 is still refused;
 * a stale table is rebuilt by postfix.maps.rebuild.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../core/mg_file.h"
#include "../../core/mg_str.h"
#include "lab_util.h"

#define PFLAB "tests/lab/postfix/lab.sh"
#define EXLAB "tests/lab/exim/lab.sh"
#define FIX "postfix.mynetworks.narrow"
#define REMOTE "victim@remote.test"

static char exim_bin[4096];
static const char *mt;		/* the started mask-typo Postfix */
static const char *ob;		/* the started office-block Postfix */

/* fix_on - mailguard-tui fix ID [--value V] --yes on the lab instance
 * dir; its exit code, stdout into out */
static int
fix_on(const char *dir, const char *id, const char *value, const char *env,
    struct mg_str *out)
{
	char etc[4200], st[4200];
	const char *argv[16];
	size_t n = 0;

	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	if (env != NULL) {
		argv[n++] = "env";
		argv[n++] = env;
	}
	argv[n++] = "./mailguard-tui";
	argv[n++] = "--postfix";
	argv[n++] = etc;
	argv[n++] = "--state";
	argv[n++] = st;
	argv[n++] = "fix";
	argv[n++] = id;
	if (value != NULL) {
		argv[n++] = "--value";
		argv[n++] = value;
	}
	argv[n++] = "--yes";
	argv[n] = NULL;
	return (lab_capture(argv, out));
}

/* fix_value - fix FIX [--value V] on the mask-typo instance */
static int
fix_value(const char *value, const char *env, struct mg_str *out)
{
	return (fix_on(mt, FIX, value, env, out));
}

/* test_restore_says_reloaded - the live check fails after the reload
 * (test hook): the previous main.cf is back byte for byte, the words
 * say the old configuration is reloaded and the server as before, and
 * real Postfix answers as before (the typo's 451) */
static void
test_restore_says_reloaded(void **state)
{
	char main_cf[4200];
	struct mg_str before, after, out;

	(void)state;
	(void)snprintf(main_cf, sizeof(main_cf), "%s/etc/main.cf", mt);
	lab_slurp(main_cf, &before);
	assert_int_equal(lab_pf_rcpt(mt, "210.1.2.3", REMOTE), 451);
	assert_int_equal(fix_value(NULL, "MAILGUARD_TEST_FAIL_LIVE=1", &out),
	    70);
	assert_non_null(strstr(out.data, "  ran postfix reload\n"));
	assert_non_null(strstr(out.data, "  restored the previous files; the "
	    "old configuration is reloaded: the server runs as before this "
	    "apply\n"));
	mg_str_free(&out);
	lab_slurp(main_cf, &after);
	assert_string_equal(mg_str_cstr(&before), mg_str_cstr(&after));
	assert_int_equal(lab_pf_rcpt(mt, "210.1.2.3", REMOTE), 451);
	mg_str_free(&before);
	mg_str_free(&after);
}

/* test_edit_keeping_hole_refused - 218.45.0.0/16 kept: refused on the
 * stage, in words, real Postfix on the stage shows the hole, and
 * main.cf is not touched */
static void
test_edit_keeping_hole_refused(void **state)
{
	char main_cf[4200];
	struct mg_str before, after, out;

	(void)state;
	(void)snprintf(main_cf, sizeof(main_cf), "%s/etc/main.cf", mt);
	lab_slurp(main_cf, &before);
	assert_int_equal(fix_value("127.0.0.0/8 210.140.12.34/32 "
	    "218.45.0.0/16", NULL, &out), 70);
	assert_non_null(strstr(out.data, "stage: mynetworks = 127.0.0.0/8 "
	    "210.140.12.34/32 218.45.0.0/16 still leaves \"mynetworks trusts "
	    "public address space\": mynetworks entry 218.45.0.0/16 trusts "
	    "65,536 public addresses"));
	assert_non_null(strstr(out.data, "the hole stays; a value such as "
	    "mynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128 "
	    "192.168.1.0/24 210.140.12.34/32 218.45.6.7/32 (the proposal) "
	    "would pass"));
	assert_non_null(strstr(out.data, "stage: postfix smtpd (XCLIENT) "
	    "218.45.0.1: MAIL FROM:<> RCPT TO:<mailguard-probe@example.net> "
	    "-> 250 2.1.5 Ok - OPENED"));
	assert_null(strstr(out.data, "applying (journal entry"));
	mg_str_free(&out);
	lab_slurp(main_cf, &after);
	assert_string_equal(mg_str_cstr(&before), mg_str_cstr(&after));
	mg_str_free(&before);
	mg_str_free(&after);
}

/* test_edit_narrowing_applied - one extra /32 kept (the second host
 * written): proven with probes from the staged value, applied; postconf
 * shows it, a formerly trusted public address is refused relay and the
 * hosts kept still relay */
static void
test_edit_narrowing_applied(void **state)
{
	char etc[4200];
	const char *pc[] = { "postconf", "-c", etc, "-h", "mynetworks",
	    NULL };
	struct mg_str out;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", mt);
	assert_int_equal(fix_value("127.0.0.0/8 210.140.12.34/32 "
	    "218.45.6.7/32", NULL, &out), 0);
	assert_non_null(strstr(out.data, "stage: the staged configuration, "
	    "checked as the live one is, no longer needs this fix"));
	/* the host written was tempfailed before (the mask typo): now it
	 * relays */
	assert_non_null(strstr(out.data, "stage: postfix smtpd (XCLIENT) "
	    "218.45.6.7: MAIL FROM:<> RCPT TO:<mailguard-probe@example.net> "
	    "-> 250 2.1.5 Ok - accepted (refused before the change)"));
	assert_non_null(strstr(out.data, "live: postfix smtpd (XCLIENT) "
	    "192.168.1.1: MAIL FROM:<> RCPT TO:<mailguard-probe@example.net> "
	    "-> 454"));
	assert_true(lab_applied(out.data));
	mg_str_free(&out);
	assert_int_equal(lab_capture(pc, &out), 0);
	assert_string_equal(out.data, "127.0.0.0/8 210.140.12.34/32 "
	    "218.45.6.7/32\n");
	mg_str_free(&out);
	assert_int_equal(lab_pf_rcpt(mt, "218.1.2.3", REMOTE), 454);
	assert_int_equal(lab_pf_rcpt(mt, "210.1.2.3", REMOTE), 454);
	assert_int_equal(lab_pf_rcpt(mt, "218.45.6.7", REMOTE), 250);
	assert_int_equal(lab_pf_rcpt(mt, "210.140.12.34", REMOTE), 250);
}

/* test_office_wide_kept_refused - the ISP's /16 kept next to the
 * office's /29: refused on the stage, the words name the /16, the /29 is
 * said to be kept by the operator; main.cf untouched, real Postfix still
 * relays for the /16 */
static void
test_office_wide_kept_refused(void **state)
{
	char main_cf[4200];
	struct mg_str before, after, out;

	(void)state;
	(void)snprintf(main_cf, sizeof(main_cf), "%s/etc/main.cf", ob);
	lab_slurp(main_cf, &before);
	assert_int_equal(fix_on(ob, FIX, "127.0.0.0/8 85.13.0.0/16 "
	    "193.0.10.8/29", NULL, &out), 70);
	assert_non_null(strstr(out.data, "stage: kept by you: mynetworks "
	    "entry 193.0.10.8/29 trusts 8 public addresses"));
	assert_non_null(strstr(out.data, "still leaves \"mynetworks trusts "
	    "public address space\": mynetworks entry 85.13.0.0/16 trusts "
	    "65,536 public addresses"));
	assert_null(strstr(out.data, "193.0.10.8/29 trusts 8 public addresses "
	    "(193.0.10.8/29)"));
	assert_null(strstr(out.data, "applying (journal entry"));
	mg_str_free(&out);
	lab_slurp(main_cf, &after);
	assert_string_equal(mg_str_cstr(&before), mg_str_cstr(&after));
	mg_str_free(&before);
	mg_str_free(&after);
	assert_int_equal(lab_pf_rcpt(ob, "85.13.200.7", REMOTE), 250);
}

/* test_office_block_applied - the /16 dropped, the office's own /29
 * kept: applied and verified; real Postfix refuses relay from the
 * formerly trusted /16 and relays for the /29 */
static void
test_office_block_applied(void **state)
{
	char etc[4200];
	const char *pc[] = { "postconf", "-c", etc, "-h", "mynetworks",
	    NULL };
	struct mg_str out;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", ob);
	assert_int_equal(lab_pf_rcpt(ob, "193.0.10.9", REMOTE), 250);
	assert_int_equal(fix_on(ob, FIX, "127.0.0.0/8 [::1]/128 "
	    "193.0.10.8/29", NULL, &out), 0);
	assert_non_null(strstr(out.data, "stage: kept by you: mynetworks "
	    "entry 193.0.10.8/29 trusts 8 public addresses"));
	assert_non_null(strstr(out.data, "stage: postfix smtpd (XCLIENT) "
	    "85.13.0.1: MAIL FROM:<> RCPT TO:<mailguard-probe@example.net> "
	    "-> 454"));
	/* a host of the /29 is never asked to be refused */
	assert_non_null(strstr(out.data, "is in a network you keep: not "
	    "asked to be refused"));
	assert_null(strstr(out.data, "STILL OPEN"));
	assert_true(lab_applied(out.data));
	mg_str_free(&out);
	assert_int_equal(lab_capture(pc, &out), 0);
	assert_string_equal(out.data, "127.0.0.0/8 [::1]/128 193.0.10.8/29\n");
	mg_str_free(&out);
	assert_int_equal(lab_pf_rcpt(ob, "85.13.200.7", REMOTE), 454);
	assert_int_equal(lab_pf_rcpt(ob, "85.13.0.1", REMOTE), 454);
	assert_int_equal(lab_pf_rcpt(ob, "193.0.10.9", REMOTE), 250);
	assert_int_equal(lab_pf_rcpt(ob, "193.0.10.14", REMOTE), 250);
}

/* test_stale_table_rebuilt - blocked_senders edited after postmap: fix
 * postfix.maps.rebuild has no edit, only postmap; the stage cannot see
 * its effect and leaves it to the probes, it applies, and postmap -q
 * then finds the line added to the source */
static void
test_stale_table_rebuilt(void **state)
{
	char map[4200], etc[4200];
	const char *q[] = { "postmap", "-c", etc, "-q", "bulk-mailer.example",
	    map, NULL };
	struct mg_str out;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", ob);
	(void)snprintf(map, sizeof(map), "hash:%s/etc/blocked_senders", ob);
	assert_int_equal(lab_capture(q, &out), 1);
	mg_str_free(&out);
	assert_int_equal(fix_on(ob, "postfix.maps.rebuild", NULL, NULL, &out),
	    0);
	assert_non_null(strstr(out.data, "stage: fix postfix.maps.rebuild "
	    "works through files or commands the staged model does not "
	    "see"));
	assert_non_null(strstr(out.data, "  ran postmap hash:"));
	assert_true(lab_applied(out.data));
	mg_str_free(&out);
	assert_int_equal(lab_capture(q, &out), 0);
	assert_string_equal(out.data, "REJECT\n");
	mg_str_free(&out);
}

/* exim_form - incident 1 on a fresh Debian template layout, the fix
 * applied through --exim FORM (0: DIR, 1: the template, 2: the
 * generated file); the template's change (diff) into change, the codes of
 * the bot, cron and a friend on the regenerated file into codes */
static void
exim_form(int form, struct mg_str *change, int codes[3])
{
	static const char *names[] = { "form-dir", "form-template",
	    "form-generated" };
	const char *dir = lab_dir(EXLAB, names[form]);
	const char *setup[] = { "setup", "incident1-template", dir, NULL };
	char confdir[4096], gen[4200], st[4200], conf[4200], live[4200];
	char src[4200], orig[4200];
	const char *cp[] = { "cp", "--", src, orig, NULL };
	const char *diff[] = { "diff", "--", orig, src, NULL };
	const char *fix[] = { "./mailguard-tui", "--exim", conf,
	    "--exim-bin", exim_bin, "--exim-generator", gen, "--state", st,
	    "fix", "exim.localhost.deny-remote", "--yes", NULL };
	struct mg_str out;

	assert_int_equal(lab_script(EXLAB, setup), 0);
	(void)snprintf(confdir, sizeof(confdir), "%s/etc/exim4", dir);
	(void)snprintf(gen, sizeof(gen), "%s/bin/update-exim4.conf", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	/* DIR and the template regenerate Debian's default output (the
	 * lab's var/lib/exim4/config.autogenerated), the generated file
	 * itself */
	(void)snprintf(live, sizeof(live), form == 2 ? "%s/exim4.conf" :
	    "%s/var/lib/exim4/config.autogenerated", dir);
	if (form == 0)
		(void)snprintf(conf, sizeof(conf), "%s", confdir);
	else if (form == 1)
		(void)snprintf(conf, sizeof(conf), "%s/exim4.conf.template",
		    confdir);
	else
		(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	(void)snprintf(src, sizeof(src), "%s/exim4.conf.template", confdir);
	(void)snprintf(orig, sizeof(orig), "%s/template.orig", dir);
	assert_int_equal(lab_capture(cp, &out), 0);
	mg_str_free(&out);
	(void)printf("  --exim %s\n", conf);
	assert_int_equal(lab_capture(fix, &out), 0);
	assert_null(strstr(out.data, "neither"));
	assert_true(lab_applied(out.data));
	mg_str_free(&out);
	/* the change (the lab localizes paths in place: the bytes differ
	 * from one instance to the next, the change must not) */
	assert_int_equal(lab_capture(diff, change), 1);
	codes[0] = lab_exim_rcpt(exim_bin, live, "107.172.77.101",
	    "spam@bulk.test", "postmaster@localhost");
	codes[1] = lab_exim_rcpt(exim_bin, live, "127.0.0.1",
	    "cron@localhost", "root@localhost");
	codes[2] = lab_exim_rcpt(exim_bin, live, "198.51.100.9",
	    "friend@other.test", "postmaster@mail.example.com");
}

/* test_exim_file_forms - --exim DIR, DIR/exim4.conf.template and the
 * generated file: the same template change, the same verdicts */
static void
test_exim_file_forms(void **state)
{
	struct mg_str tmpl[3];	/* the template's change per form */
	int codes[3][3], i;

	(void)state;
	for (i = 0; i < 3; i++)
		exim_form(i, &tmpl[i], codes[i]);
	assert_int_equal(codes[0][0], 550);
	assert_int_equal(codes[0][1], 250);
	assert_int_equal(codes[0][2], 250);
	assert_non_null(strstr(tmpl[0].data, "\n>   deny\n>     message = "
	    "mail for localhost is accepted from this host only\n"));
	for (i = 1; i < 3; i++) {
		assert_string_equal(tmpl[i].data, tmpl[0].data);
		assert_memory_equal(codes[i], codes[0], sizeof(codes[0]));
	}
	for (i = 0; i < 3; i++)
		mg_str_free(&tmpl[i]);
}

/* test_exim_edited_relay_nets - incident 4 on Exim (dc_relay_nets
 * 210.140.12.34/8): an own value keeping 210.140.0.0/16 is refused on
 * the stage, in words, not a byte changed; one trusting the host meant
 * and another host is applied, and exim -bh on the regenerated file
 * refuses relay from the /8 and the dropped private /24 while both hosts
 * relay */
static void
test_exim_edited_relay_nets(void **state)
{
	const char *dir = lab_dir(EXLAB, "relay-nets-typo");
	const char *setup[] = { "setup", "relay-nets-typo", dir, NULL };
	char confdir[4096], gen[4200], st[4200], ucc[4200], live[4200];
	char value[128];
	const char *fix[] = { "./mailguard-tui", "--exim", confdir,
	    "--exim-bin", exim_bin, "--exim-generator", gen, "--state", st,
	    "fix", "exim.relay.narrow", "--value", value, "--yes", NULL };
	struct mg_str before, after, out;

	(void)state;
	assert_int_equal(lab_script(EXLAB, setup), 0);
	(void)snprintf(confdir, sizeof(confdir), "%s/etc/exim4", dir);
	(void)snprintf(gen, sizeof(gen), "%s/bin/update-exim4.conf", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	(void)snprintf(ucc, sizeof(ucc), "%s/update-exim4.conf.conf",
	    confdir);
	(void)snprintf(live, sizeof(live),
	    "%s/var/lib/exim4/config.autogenerated", dir);
	lab_slurp(ucc, &before);
	(void)snprintf(value, sizeof(value), "dc_relay_nets='192.168.1.0/24 "
	    "; 210.140.0.0/16'");
	assert_int_equal(lab_capture(fix, &out), 70);
	assert_non_null(strstr(out.data, "-> 250 Accepted - STILL OPEN"));
	assert_non_null(strstr(out.data, "still leaves \"relay_from_hosts "
	    "trusts public address space\": relay_from_hosts entry "
	    "210.140.0.0/16 trusts 65,536 public addresses"));
	assert_non_null(strstr(out.data, "the hole stays; a value such as "
	    "\"dc_relay_nets='192.168.1.0/24 ; 210.140.12.34/32'\" (the "
	    "proposal) would pass"));
	mg_str_free(&out);
	lab_slurp(ucc, &after);
	assert_string_equal(mg_str_cstr(&before), mg_str_cstr(&after));
	mg_str_free(&after);
	mg_str_free(&before);

	(void)snprintf(value, sizeof(value), "dc_relay_nets='210.140.12.34/32 "
	    "; 198.51.100.77'");
	assert_int_equal(lab_capture(fix, &out), 0);
	assert_non_null(strstr(out.data, "stage: exim -bh 198.51.100.77: "
	    "MAIL FROM:<spam@bulk.test> RCPT TO:<victim@remote.test> -> 250 "
	    "Accepted - accepted (refused before the change)"));
	assert_non_null(strstr(out.data, "stage: exim -bh 192.168.1.1: "
	    "MAIL FROM:<spam@bulk.test> RCPT TO:<victim@remote.test> -> 550"));
	assert_true(lab_applied(out.data));
	mg_str_free(&out);
	assert_int_equal(lab_exim_rcpt(exim_bin, live, "210.99.1.1",
	    "a@remote.test", "victim@remote.test"), 550);
	assert_int_equal(lab_exim_rcpt(exim_bin, live, "192.168.1.9",
	    "a@remote.test", "victim@remote.test"), 550);
	assert_int_equal(lab_exim_rcpt(exim_bin, live, "210.140.12.34",
	    "a@remote.test", "victim@remote.test"), 250);
	assert_int_equal(lab_exim_rcpt(exim_bin, live, "198.51.100.77",
	    "a@remote.test", "victim@remote.test"), 250);
}

/* test_exim_split_file_form - a conf.d file of the split layout names
 * its directory: the same patch as --exim DIR */
static void
test_exim_split_file_form(void **state)
{
	const char *dir = lab_dir(EXLAB, "split-form");
	const char *setup[] = { "setup", "incident1-split", dir, NULL };
	char conf[4200], gen[4200];
	const char *fix[] = { "./mailguard-tui", "--exim", conf,
	    "--exim-bin", exim_bin, "--exim-generator", gen, "fix",
	    "exim.localhost.deny-remote", "--dry-run", NULL };
	struct mg_str by_dir, by_file;

	(void)state;
	assert_int_equal(lab_script(EXLAB, setup), 0);
	(void)snprintf(gen, sizeof(gen), "%s/bin/update-exim4.conf", dir);
	(void)snprintf(conf, sizeof(conf), "%s/etc/exim4", dir);
	assert_int_equal(lab_capture(fix, &by_dir), 0);
	(void)snprintf(conf, sizeof(conf), "%s/etc/exim4/conf.d/acl/"
	    "30_exim4-config_check_rcpt", dir);
	assert_int_equal(lab_capture(fix, &by_file), 0);
	assert_non_null(strstr(by_dir.data, "+++ "));
	assert_string_equal(by_file.data, by_dir.data);
	mg_str_free(&by_dir);
	mg_str_free(&by_file);
}

/* setup - the lab root, Exim's binary, the mask-typo and office-block
 * Postfix instances started */
static int
setup(void **state)
{
	const char *args[4] = { "setup", "mask-typo", NULL, NULL };
	const char *start[3] = { "start", NULL, NULL };
	const char *oargs[4] = { "setup", "office-block", NULL, NULL };
	const char *ostart[3] = { "start", NULL, NULL };

	(void)state;
	lab_make_root("mg-labtest-stage");
	if (lab_exim_bin(exim_bin, sizeof(exim_bin)) < 0)
		return (-1);
	mt = lab_dir(PFLAB, "mask-typo");
	args[2] = mt;
	start[1] = mt;
	if (lab_script(PFLAB, args) != 0 || lab_script(PFLAB, start) != 0)
		return (-1);
	ob = lab_dir(PFLAB, "office-block");
	oargs[2] = ob;
	ostart[1] = ob;
	if (lab_script(PFLAB, oargs) != 0 || lab_script(PFLAB, ostart) != 0)
		return (-1);
	return (0);
}

int
main(void)
{
	/* in this order: the restore and the refusal leave main.cf as
	 * set up, the narrowing then changes it */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_restore_says_reloaded),
		cmocka_unit_test(test_edit_keeping_hole_refused),
		cmocka_unit_test(test_edit_narrowing_applied),
		cmocka_unit_test(test_office_wide_kept_refused),
		cmocka_unit_test(test_office_block_applied),
		cmocka_unit_test(test_stale_table_rebuilt),
		cmocka_unit_test(test_exim_file_forms),
		cmocka_unit_test(test_exim_split_file_form),
		cmocka_unit_test(test_exim_edited_relay_nets),
	};

	return (cmocka_run_group_tests_name("lab_stage", tests, setup,
	    lab_teardown));
}
