/*
 * test_lab_pf_reach.c - "Postfix listens on loopback only" as real
 * Postfix's master binds it (master(5): a service named host:port binds
 * that host whatever inet_interfaces says; one named by port alone binds
 * inet_interfaces; -o inet_interfaces= moves no listener), read back
 * from /proc/net/tcp.  inet_interfaces = loopback-only with a
 * 0.0.0.0:PORT2 smtpd entry (and a ":PORT3" one, bound as a port
 * alone): master listens on 0.0.0.0:PORT2, and the
 * report no longer softens postfix.smtpd.hygiene and
 * postfix.localhost.remote to info - the latter keeps its fix, which
 * fix --yes applies and real Postfix then enforces.  inet_interfaces =
 * all with smtpd on localhost:PORT only: master listens on 127.0.0.1
 * alone, and the report calls it loopback-only.
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

#define PFLAB "tests/lab/postfix/lab.sh"
#define LOCAL_ONLY "postfix.localhost.local-only"

/* listens - /proc/net/tcp has a LISTEN socket (state 0A) on addr (the
 * kernel's hex: "00000000" is 0.0.0.0, "0100007F" 127.0.0.1) and port */
static int
listens(const char *addr, int port)
{
	char want[32], line[512], local[64], st[8];
	FILE *fp = fopen("/proc/net/tcp", "r");
	int found = 0;

	assert_non_null(fp);
	(void)snprintf(want, sizeof(want), "%s:%04X", addr, (unsigned)port);
	while (fgets(line, sizeof(line), fp) != NULL)
		if (sscanf(line, " %*s %63s %*s %7s", local, st) == 2 &&
		    strcmp(local, want) == 0 && strcmp(st, "0A") == 0)
			found = 1;
	(void)fclose(fp);
	return (found);
}

/* wait_listens - poll /proc/net/tcp until addr:port listens (lab_wait_s
 * at most); 1 if it does */
static int
wait_listens(const char *addr, int port)
{
	double end = lab_now() + lab_wait_s();

	while (!listens(addr, port)) {
		if (lab_now() > end)
			return (0);
		lab_nap_ms(50);
	}
	(void)printf("    /proc/net/tcp: %s:%04X listens (port %d)\n", addr,
	    (unsigned)port, port);
	return (1);
}

/* severity_is - the report has finding id at severity sev */
static int
severity_is(const char *json, const char *id, const char *sev)
{
	char filter[256];

	(void)snprintf(filter, sizeof(filter), "[.findings[] | select(.id == "
	    "\"%s\" and .severity == \"%s\")] | length == 1", id, sev);
	return (lab_jq(json, filter, NULL) == 0);
}

/* test_wildcard_entry_reaches_out - case A: RHEL's loopback-only
 * inet_interfaces and a 0.0.0.0 entry (with -o inet_interfaces=127.0.0.1,
 * which master ignores) */
static void
test_wildcard_entry_reaches_out(void **state)
{
	const char *dir = lab_instance(PFLAB, "wildcard-listener", 1);
	char etc[4096], st[4200];
	const char *fix[] = { "./mailguard-tui", "--postfix", etc, "--state",
	    st, "fix", LOCAL_ONLY, "--yes", NULL };
	struct mg_str out;
	int port = lab_port(dir, "port", NULL, 0);
	int wild = lab_port(dir, "wild_port", NULL, 0);
	int empty = lab_port(dir, "empty_host_port", NULL, 0);

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	/* the MTA's own word: the wildcard entry is bound to every address,
	 * the port-only entry to inet_interfaces' loopback alone */
	assert_true(wait_listens("00000000", wild));
	assert_true(wait_listens("0100007F", port));
	assert_false(listens("00000000", port));
	assert_false(listens("0100007F", wild));
	/* ":PORT3" names no host: inet_interfaces, as the port alone */
	assert_true(wait_listens("0100007F", empty));
	assert_false(listens("00000000", empty));

	assert_int_equal(lab_pf_report(dir, &out), 1);
	assert_true(severity_is(out.data, "postfix.smtpd.hygiene", "low"));
	assert_true(severity_is(out.data, "postfix.localhost.remote", "low"));
	assert_int_equal(lab_jq(out.data, "[.findings[].evidence[].text | "
	    "select(contains(\"loopback address\"))] | length == 0", NULL),
	    0);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"postfix.localhost.remote\") | .fixes[] | select(. == "
	    "\"" LOCAL_ONLY "\")] | length == 1", NULL), 0);
	mg_str_free(&out);

	/* what the finding says, and its fix, judged by real Postfix: an
	 * outside client reaches postmaster@localhost, then no longer */
	assert_int_equal(lab_pf_rcpt(dir, "198.51.100.9",
	    "postmaster@localhost"), 250);
	assert_int_equal(lab_capture(fix, &out), 0);
	assert_true(lab_applied(out.data));
	mg_str_free(&out);
	assert_int_equal(lab_pf_rcpt(dir, "198.51.100.9",
	    "postmaster@localhost"), 554);
	assert_int_equal(lab_pf_rcpt(dir, "127.0.0.1", "root@localhost"),
	    250);
	lab_stop(PFLAB, dir);
}

/* test_loopback_entry_is_loopback_only - case B: inet_interfaces = all,
 * the only smtpd entry bound to the host name localhost */
static void
test_loopback_entry_is_loopback_only(void **state)
{
	const char *dir = lab_instance(PFLAB, "loopback-bound", 1);
	struct mg_str out;
	int port = lab_port(dir, "port", NULL, 0);

	(void)state;
	assert_true(wait_listens("0100007F", port));
	assert_false(listens("00000000", port));
	/* every finding info: exit 0 (with the wildcard entry above: 1) */
	assert_int_equal(lab_pf_report(dir, &out), 0);
	assert_true(severity_is(out.data, "postfix.smtpd.hygiene", "info"));
	assert_true(severity_is(out.data, "postfix.localhost.remote", "info"));
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"postfix.localhost.remote\") | .fixes[]] | length == 0", NULL),
	    0);
	mg_str_free(&out);
	lab_stop(PFLAB, dir);
}

static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-pf-reach");
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wildcard_entry_reaches_out),
		cmocka_unit_test(test_loopback_entry_is_loopback_only),
	};

	return (cmocka_run_group_tests(tests, setup, lab_teardown));
}
