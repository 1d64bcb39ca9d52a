/*
 * test_lab_untruths.c - what the tool says is what it did (issue 17,
 * "smaller untruths"): an exported patch never replaces a file silently,
 * the patch's post-commands are what the apply runs (real Exim reloaded),
 * and a report that could not read everything says it is partial.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../core/mg_file.h"
#include "../../core/mg_lines.h"
#include "../../core/mg_str.h"
#include "lab_util.h"

#define PF_LAB "tests/lab/postfix/lab.sh"
#define EXIM_LAB "tests/lab/exim/lab.sh"

static const char *pf_dir;	/* one Postfix instance (not started) */
static char exim_bin[4096];
static const char *sasl_dir;	/* incident 3 after the purge, stopped */

/* pf_instance - the wide-net instance, set up once */
static const char *
pf_instance(void)
{
	const char *setup[] = { "setup", "wide-net", NULL, NULL };

	if (pf_dir != NULL)
		return (pf_dir);
	pf_dir = lab_dir(PF_LAB, "wide-net");
	setup[2] = pf_dir;
	assert_int_equal(lab_script(PF_LAB, setup), 0);
	return (pf_dir);
}

/* read_text - the whole of a small file, "" when unreadable */
static void
read_text(const char *path, struct mg_str *s)
{
	struct mg_err err;

	mg_str_init(s);
	if (mg_file_read(path, 1 << 20, s, NULL, &err) < 0)
		mg_str_reset(s);
}

/* write_text - a small file with text, for the test's own setup */
static void
write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	(void)fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* export - fix postfix.mynetworks.narrow [--dry-run] --export-diff FILE
 * [--force]; the exit code, stdout and stderr in res */
static int
export(struct mg_exec_res *res, const char *file, int dry, int force)
{
	char etc[4096];
	const char *argv[12];
	size_t n = 0;

	(void)snprintf(etc, sizeof(etc), "%s/etc", pf_instance());
	argv[n++] = "./mailguard-tui";
	argv[n++] = "--no-host-context";
	argv[n++] = "--postfix";
	argv[n++] = etc;
	argv[n++] = "fix";
	argv[n++] = "postfix.mynetworks.narrow";
	if (dry)
		argv[n++] = "--dry-run";
	argv[n++] = "--export-diff";
	argv[n++] = file;
	if (force)
		argv[n++] = "--force";
	argv[n] = NULL;
	return (lab_run(res, argv));
}

/*
 * test_export_existing_refused - --export-diff onto an existing file is
 * refused (exit 73, the file untouched) unless --force; a symlink is never
 * written through; every written patch is named ("written to FILE")
 */
static void
test_export_existing_refused(void **state)
{
	char file[4200], link[4200], other[4200], want[4300];
	struct mg_exec_res res;
	struct mg_str s;

	(void)state;
	(void)snprintf(file, sizeof(file), "%s/mine.patch", pf_instance());
	(void)snprintf(link, sizeof(link), "%s/link.patch", pf_instance());
	(void)snprintf(other, sizeof(other), "%s/other.txt", pf_instance());
	(void)snprintf(want, sizeof(want), "written to %s", file);

	/* a new file: written, and the output says where */
	assert_int_equal(export(&res, file, 0, 0), 0);
	assert_non_null(strstr(mg_str_cstr(&res.out), want));
	mg_exec_res_free(&res);
	read_text(file, &s);
	assert_true(strncmp(mg_str_cstr(&s), "# mailguard-tui", 15) == 0);
	mg_str_free(&s);

	/* an existing file: refused, untouched, the way out named */
	write_text(file, "precious\n");
	assert_int_equal(export(&res, file, 1, 0), 73);
	assert_non_null(strstr(mg_str_cstr(&res.err), file));
	assert_non_null(strstr(mg_str_cstr(&res.err), "--force"));
	assert_null(strstr(mg_str_cstr(&res.out), "written to"));
	mg_exec_res_free(&res);
	read_text(file, &s);
	assert_string_equal(mg_str_cstr(&s), "precious\n");
	mg_str_free(&s);
	assert_int_equal(export(&res, file, 0, 0), 73);
	mg_exec_res_free(&res);
	read_text(file, &s);
	assert_string_equal(mg_str_cstr(&s), "precious\n");
	mg_str_free(&s);

	/* --force replaces it; with --dry-run the diff is on stdout and
	 * where it was written on stderr */
	assert_int_equal(export(&res, file, 1, 1), 0);
	assert_non_null(strstr(mg_str_cstr(&res.err), want));
	assert_non_null(strstr(mg_str_cstr(&res.out), "+++ "));
	mg_exec_res_free(&res);
	read_text(file, &s);
	assert_true(strncmp(mg_str_cstr(&s), "# mailguard-tui", 15) == 0);
	mg_str_free(&s);

	/* a symlink is not written through, even with --force */
	write_text(other, "other\n");
	assert_int_equal(symlink(other, link), 0);
	assert_int_not_equal(export(&res, link, 0, 1), 0);
	assert_null(strstr(mg_str_cstr(&res.out), "written to"));
	mg_exec_res_free(&res);
	read_text(other, &s);
	assert_string_equal(mg_str_cstr(&s), "other\n");
	mg_str_free(&s);
}

/* header_commands - the commands the patch header says to run, one per
 * line, without the leading "#   " */
static void
header_commands(const char *patch, struct mg_str *cmds)
{
	const char *cur = patch, *line;
	size_t len;
	int in = 0;

	mg_str_init(cmds);
	while (mg_line_next(&cur, &line, &len)) {
		if (len >= 23 && strncmp(line, "# then run, in this order:",
		    23) == 0) {
			in = 1;
			continue;
		}
		if (!in)
			continue;
		if (len <= 1 || line[0] != '#')
			break;
		mg_str_printf(cmds, "%.*s\n", (int)(len - 4), line + 4);
	}
}

/*
 * test_exim_post_commands_are_what_apply_runs - the Debian template's
 * patch lists the generator the apply runs and then the reload it sends
 * (SIGHUP to the pid in pid_file_path); the apply on the running daemon
 * runs the same generator and signals that very pid
 */
static void
test_exim_post_commands_are_what_apply_runs(void **state)
{
	const char *dir = lab_dir(EXIM_LAB, "incident1-template");
	const char *setup[] = { "setup", "incident1-template", dir, NULL };
	const char *start[] = { "start", dir, NULL };
	const char *stop[] = { "stop", dir, NULL };
	char confdir[4096], gen[4200], st[4200], pidfile[4200], want[16384];
	const char *dry[] = { "./mailguard-tui", "--no-host-context", "--exim",
	    confdir, "--exim-bin", exim_bin, "--exim-generator", gen,
	    "--state", st, "fix", "exim.localhost.deny-remote", "--dry-run",
	    NULL };
	const char *fix[] = { "./mailguard-tui", "--no-host-context", "--exim",
	    confdir, "--exim-bin", exim_bin, "--exim-generator", gen,
	    "--state", st, "fix", "exim.localhost.deny-remote", "--yes", NULL };
	struct mg_str out, cmds, pid;
	long n;

	(void)state;
	assert_int_equal(lab_script(EXIM_LAB, setup), 0);
	assert_int_equal(lab_script(EXIM_LAB, start), 0);
	(void)snprintf(confdir, sizeof(confdir), "%s/etc/exim4", dir);
	(void)snprintf(gen, sizeof(gen), "%s/bin/update-exim4.conf", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	(void)snprintf(pidfile, sizeof(pidfile), "%s/exim.pid", dir);
	read_text(pidfile, &pid);
	n = strtol(mg_str_cstr(&pid), NULL, 10);
	assert_true(n > 1);

	/* what the patch says: the generator, then the reload */
	assert_int_equal(lab_capture(dry, &out), 0);
	header_commands(mg_str_cstr(&out), &cmds);
	(void)printf("    patch header commands:\n%s", mg_str_cstr(&cmds));
	(void)snprintf(want, sizeof(want), "%s --confdir %s\n"
	    "kill -HUP \"$(cat %s)\"", gen, confdir, pidfile);
	assert_true(strncmp(mg_str_cstr(&cmds), want, strlen(want)) == 0);
	assert_int_equal(mg_str_cstr(&cmds)[strlen(want)], '\n');
	mg_str_free(&out);

	/* what the apply does: the same generator, SIGHUP to that pid */
	assert_int_equal(lab_capture(fix, &out), 0);
	(void)snprintf(want, sizeof(want), "ran %s %s\n", gen, confdir);
	assert_non_null(strstr(mg_str_cstr(&out), want));
	(void)snprintf(want, sizeof(want), "sent SIGHUP to the Exim daemon "
	    "(pid %ld)", n);
	assert_non_null(strstr(mg_str_cstr(&out), want));
	assert_true(strstr(mg_str_cstr(&out), "ran ") <
	    strstr(mg_str_cstr(&out), want));
	mg_str_free(&out);
	mg_str_free(&cmds);
	mg_str_free(&pid);
	assert_int_equal(lab_script(EXIM_LAB, stop), 0);
}

/*
 * test_purge_keeps_the_stolen_account_first - incident 3 with another
 * account's ordinary mail beside it: 150 messages as root from outside,
 * 75 as bob from his office.  After "purge --sasl root" the queue is
 * bob's 75: no finding calls them a stolen password, and root - whose
 * logins real Postfix logged, and who is still in the sasldb - stays
 * critical, with the log as evidence
 */
static void
test_purge_keeps_the_stolen_account_first(void **state)
{
	const char *dir = lab_dir(PF_LAB, "sasl-root");
	const char *setup[] = { "setup", "sasl-root", dir, NULL };
	const char *start[] = { "start", dir, NULL };
	const char *stop[] = { "stop", dir, NULL };
	const char *fill3[] = { "fill-incident3", dir, "150", NULL };
	const char *wait[] = { "flush-wait", dir, NULL };
	char etc[4096], st[4200], cred[256], pass[128];
	const char *fill[] = { "fill", dir, "--xclient-addr", "198.51.100.20",
	    "--xclient-name", "bob-office.example.org", "--helo",
	    "bob-office.example.org", "--auth-plain", cred, "--from",
	    "bob@example.com", "--to", "sales@wholesale.example.net",
	    "--to", "jane@customer.example", "--spread", "--count", "75",
	    "--subject", "Quote 2291", "--size", "900", NULL };
	const char *purge[] = { "./mailguard-tui", "--no-host-context",
	    "--postfix", etc, "--state", st, "purge", "--sasl", "root",
	    "--yes", NULL };
	const char *report[] = { "./mailguard-tui", "--no-host-context",
	    "--postfix", etc, "--state", st, "report", "--json", NULL };
	struct mg_str out;

	(void)state;
	assert_int_equal(lab_script(PF_LAB, setup), 0);
	assert_int_equal(lab_script(PF_LAB, start), 0);
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	assert_int_equal(lab_sasl_pass(dir, "bob", pass, sizeof(pass)), 0);
	(void)snprintf(cred, sizeof(cred), "bob:%s", pass);
	assert_int_equal(lab_script(PF_LAB, fill3), 0);
	assert_int_equal(lab_script(PF_LAB, fill), 0);
	assert_int_equal(lab_script(PF_LAB, wait), 0);
	assert_int_equal(lab_capture(purge, &out), 0);
	assert_non_null(strstr(mg_str_cstr(&out), "purged 150 of 150"));
	mg_str_free(&out);

	assert_int_equal(lab_capture(report, &out), 2);
	/* bob's 75 of the 95 left are no stolen password (the list of
	 * accounts, information, names him) */
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"queue.sasl-dominant\" or (.severity != \"info\" and "
	    "(.evidence[].text | contains(\"bob\"))))] == []", NULL), 0);
	/* root is the top concern: critical, and the log says why */
	assert_int_equal(lab_jq(out.data, ".findings[0].id == "
	    "\"postfix.sasl.system-account\" and .findings[0].severity == "
	    "\"critical\" and ([.findings[0].evidence[].text | "
	    "select(test(\"shows 150 messages submitted after logging in as "
	    "root.*it can still log in\"))] | length == 1)", NULL), 0);
	mg_str_free(&out);
	assert_int_equal(lab_script(PF_LAB, stop), 0);
	sasl_dir = dir;
}

/* report_as - report [--json] on DIR/etc as root or as nobody (setpriv:
 * no groups, so root-only files stay unread); the exit code */
static int
report_as(const char *dir, int nobody, int json, struct mg_str *out)
{
	char etc[4096], st[4200];
	const char *argv[16];
	size_t n = 0;

	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state-%s", dir, nobody ? "nobody" :
	    "root");
	if (nobody) {
		argv[n++] = "setpriv";
		argv[n++] = "--reuid=65534";
		argv[n++] = "--regid=65534";
		argv[n++] = "--clear-groups";
	}
	argv[n++] = "./mailguard-tui";
	argv[n++] = "--no-host-context";
	argv[n++] = "--postfix";
	argv[n++] = etc;
	argv[n++] = "--state";
	argv[n++] = st;
	argv[n++] = "report";
	if (json)
		argv[n++] = "--json";
	argv[n] = NULL;
	return (lab_capture(argv, out));
}

/*
 * test_report_as_nobody_is_partial - the incident-3 instance: root's
 * report is complete (critical, "partial": false); nobody cannot read the
 * queue nor the sasldb (root:postfix 0640), so its report says
 * "partial:", lists both under unread, and exits 4 rather than the 1 its
 * lesser findings would give
 */
static void
test_report_as_nobody_is_partial(void **state)
{
	const char *setup[] = { "setup", "sasl-root", NULL, NULL };
	struct mg_str out;

	(void)state;
	if (sasl_dir == NULL) {
		sasl_dir = lab_dir(PF_LAB, "sasl-root");
		setup[2] = sasl_dir;
		assert_int_equal(lab_script(PF_LAB, setup), 0);
	}
	assert_int_equal(chmod(lab_root(), 0755), 0);

	assert_int_equal(report_as(sasl_dir, 0, 1, &out), 2);
	assert_int_equal(lab_jq(out.data, ".partial == false and "
	    "([.findings[] | select(.severity == \"critical\")] | length "
	    ">= 1)", NULL), 0);
	mg_str_free(&out);

	assert_int_equal(report_as(sasl_dir, 1, 1, &out), 4);
	assert_int_equal(lab_jq(out.data, ".partial == true and "
	    "([.findings[] | select(.severity == \"critical\")] | length == "
	    "0) and ([.unread[] | select(startswith(\"queue not read:\") and "
	    "contains(\"Permission denied\"))] | length == 1) and "
	    "([.unread[] | select(startswith(\"sasldb \") and "
	    "contains(\"Permission denied\"))] | length == 1)", NULL), 0);
	mg_str_free(&out);

	assert_int_equal(report_as(sasl_dir, 1, 0, &out), 4);
	(void)printf("%s", mg_str_cstr(&out));
	assert_non_null(strstr(mg_str_cstr(&out), "\npartial: "));
	assert_non_null(strstr(mg_str_cstr(&out), "findings may be missing"));
	mg_str_free(&out);
}

/* setup - a private root */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-untruths");
	return (lab_exim_bin(exim_bin, sizeof(exim_bin)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_export_existing_refused),
		cmocka_unit_test(test_exim_post_commands_are_what_apply_runs),
		cmocka_unit_test(test_purge_keeps_the_stolen_account_first),
		cmocka_unit_test(test_report_as_nobody_is_partial),
	};

	return (cmocka_run_group_tests_name("lab_untruths", tests, setup,
	    lab_teardown));
}
