/*
 * test_lab_cert_mx.c - the certificate against the MX hosts of the
 * domains real Postfix and real Exim receive mail for, asked from a DNS
 * server on a loopback port (lab_dns_start) through --resolver: an MX
 * the certificate names gives no finding, one it does not names itself
 * and the certificate's names; a resolver that does not answer gives no
 * finding, "MX not checked" under unread, and costs no more than the
 * 2 s budget (measured against --no-dns).  The daemon presents the
 * certificate judged (openssl s_client -starttls smtp).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../core/mg_str.h"
#include "lab_util.h"

#define PFLAB "tests/lab/postfix/lab.sh"
#define EXLAB "tests/lab/exim/lab.sh"

/* mail.example.com and example.com are the lab's domains (Postfix
 * mydestination, Exim local_domains "@ : localhost : example.com") */
static const char zone_match[] =
    "example.com MX 10 mail.example.com\n"
    "mail.example.com A 127.0.0.1\n";
static const char zone_other[] =
    "example.com MX 10 mx2.example.net\n"
    "mx2.example.net A 127.0.0.1\n"
    "mail.example.com A 127.0.0.1\n";
/* the MX elsewhere (TEST-NET-1, never connected to), mail.example.com
 * not in DNS: no MX resolves here, every MX is checked */
static const char zone_remote[] =
    "example.com MX 10 mx2.example.net\n"
    "mx2.example.net A 192.0.2.25\n";

/* seconds - a monotonic clock */
static double
seconds(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/* report - ./mailguard-tui [--resolver 127.0.0.1:PORT | --no-dns] with
 * the instance's options, report --json into out; the time it took */
static double
report(const char *const *target, int port, struct mg_str *out)
{
	char res[64];
	const char *argv[16];
	size_t n = 0, i;
	double t0;

	argv[n++] = "./mailguard-tui";
	if (port > 0) {
		(void)snprintf(res, sizeof(res), "127.0.0.1:%d", port);
		argv[n++] = "--resolver";
		argv[n++] = res;
	} else
		argv[n++] = "--no-dns";
	for (i = 0; target[i] != NULL && n < 12; i++)
		argv[n++] = target[i];
	argv[n++] = "report";
	argv[n++] = "--json";
	argv[n] = NULL;
	t0 = seconds();
	(void)lab_capture(argv, out);
	return (seconds() - t0);
}

/* fastest - report() n times; the shortest time (what a busy machine
 * adds to a run is never negative: the least is the tool's own), out
 * the last run's output */
static double
fastest(const char *const *target, int port, int n, struct mg_str *out)
{
	double t, best = 0;
	int i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			mg_str_free(out);
		t = report(target, port, out);
		if (i == 0 || t < best)
			best = t;
	}
	return (best);
}

/* count - jq's number for q on json */
static long
count(const char *json, const char *q)
{
	struct mg_str v = MG_STR_INIT;
	long n;

	assert_int_equal(lab_jq_str(json, q, &v), 0);
	n = strtol(mg_str_cstr(&v), NULL, 10);
	mg_str_free(&v);
	return (n);
}

/* presented - the daemon's certificate after STARTTLS names cn */
static void
presented(int port, const char *cn)
{
	char connect[64], want[128];
	const char *argv[] = { "openssl", "s_client", "-connect", connect,
	    "-starttls", "smtp", NULL };
	struct mg_exec_res res;

	(void)snprintf(connect, sizeof(connect), "127.0.0.1:%d", port);
	(void)snprintf(want, sizeof(want), "CN = %s", cn);
	(void)lab_run(&res, argv);
	assert_non_null(strstr(mg_str_cstr(&res.out), want));
	mg_exec_res_free(&res);
}

/*
 * mx_cases - one instance (target: its global options) with a
 * certificate for mail.example.com: the MX named by it, another MX, a
 * resolver that never answers, one that refuses
 */
static void
mx_cases(const char *mta, const char *const *target)
{
	char id[64], q[512];
	struct mg_str out;
	int pid, port;
	double t_dns, t_none;

	(void)snprintf(id, sizeof(id), "%s.tls.cert-mx", mta);

	/* MX mail.example.com: the certificate's name, no finding */
	pid = lab_dns_start(zone_match, &port);
	assert_true(pid > 0);
	(void)report(target, port, &out);
	lab_dns_stop(pid);
	(void)snprintf(q, sizeof(q), "[.findings[] | select(.id == \"%s\")] "
	    "| length", id);
	assert_int_equal(count(out.data, q), 0);
	assert_int_equal(count(out.data, "[.unread[]? | select(startswith("
	    "\"MX not checked\"))] | length"), 0);
	mg_str_free(&out);

	/* MX mx2.example.net, on this machine's 127.0.0.1: a finding that
	 * names it, the certificate's names and the rule */
	pid = lab_dns_start(zone_other, &port);
	assert_true(pid > 0);
	(void)report(target, port, &out);
	lab_dns_stop(pid);
	(void)snprintf(q, sizeof(q), "[.findings[] | select(.id == \"%s\" "
	    "and .severity == \"medium\") | .evidence[] | select(.text | "
	    "contains(\"is valid for subject CN mail.example.com, no "
	    "subjectAltName; not for mx2.example.net (MX of example.com, "
	    "127.0.0.1)\"))] | length", id);
	assert_int_equal(count(out.data, q), 1);
	(void)snprintf(q, sizeof(q), "[.findings[] | select(.id == \"%s\") "
	    "| .evidence[] | select(.text | contains(\"the MX hosts that "
	    "resolve to this machine's addresses are checked (2 of 2)\"))] "
	    "| length", id);
	assert_int_equal(count(out.data, q), 1);
	mg_str_free(&out);

	/* no MX on this machine (NAT): every MX host is checked, and the
	 * evidence says so; mail.example.com's NXDOMAIN is unread */
	pid = lab_dns_start(zone_remote, &port);
	assert_true(pid > 0);
	(void)report(target, port, &out);
	lab_dns_stop(pid);
	(void)snprintf(q, sizeof(q), "[.findings[] | select(.id == \"%s\") "
	    "| .evidence[] | select(.text | contains(\"not for "
	    "mx2.example.net (MX of example.com, 192.0.2.25)\") or "
	    "contains(\"every MX host is checked: none resolves to this "
	    "machine's addresses\"))] | length", id);
	assert_int_equal(count(out.data, q), 2);
	assert_int_equal(count(out.data, "[.unread[] | select(. == \"MX not "
	    "checked: mail.example.com: no such domain in DNS "
	    "(NXDOMAIN)\")] | length"), 1);
	mg_str_free(&out);

	/* a resolver that reads and never answers: no finding, MX not
	 * checked, the next domain not asked: the budget was spent */
	t_none = fastest(target, 0, 3, &out);
	mg_str_free(&out);
	pid = lab_dns_start(NULL, &port);
	assert_true(pid > 0);
	t_dns = fastest(target, port, 3, &out);
	lab_dns_stop(pid);
	(void)printf("    report --no-dns: %.2f s; resolver silent: %.2f s "
	    "(%.2f s more; budget 2 s)\n", t_none, t_dns, t_dns - t_none);
	(void)snprintf(q, sizeof(q), "[.findings[] | select(.id == \"%s\")] "
	    "| length", id);
	assert_int_equal(count(out.data, q), 0);
	(void)snprintf(q, sizeof(q), "[.unread[] | select(startswith(\"MX "
	    "not checked: mail.example.com: no answer from 127.0.0.1:%d "
	    "within 2 s\"))] | length", port);
	assert_int_equal(count(out.data, q), 1);
	assert_int_equal(count(out.data, "[.unread[] | select(startswith("
	    "\"MX not checked: example.com: not asked: the 2 s budget\"))] "
	    "| length"), 1);
	/* it did wait for DNS; that it stopped at the budget is said
	 * above ("not asked: the 2 s budget"); how much slower the report
	 * is, is printed, not asserted (a loaded machine is slower) */
	assert_true(t_dns - t_none > 1.0);
	mg_str_free(&out);

	/* nothing listens on the port: refused at once */
	pid = lab_dns_start(zone_match, &port);
	lab_dns_stop(pid);
	t_dns = fastest(target, port, 3, &out);
	(void)printf("    resolver refused: %.2f s\n", t_dns);
	assert_true(count(out.data, "[.unread[] | select(contains(\"refused "
	    "the connection\"))] | length") >= 1);
	mg_str_free(&out);
}

/* test_pf_cert_mx - real Postfix, Debian's stock configuration and the
 * lab certificate for mail.example.com */
static void
test_pf_cert_mx(void **state)
{
	const char *dir = lab_instance(PFLAB, "stock", 1);
	char etc[4096];
	const char *target[] = { "--postfix", etc, NULL };

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	presented(lab_port(dir, "port", NULL, 0), "mail.example.com");
	mx_cases("postfix", target);
	lab_stop(PFLAB, dir);
}

/* test_exim_cert_mx - real Exim, STARTTLS with a certificate for
 * primary_hostname mail.example.com */
static void
test_exim_cert_mx(void **state)
{
	char bin[4096], conf[4096];
	const char *target[] = { "--exim", conf, "--exim-bin", bin, NULL };
	const char *dir;

	(void)state;
	if (lab_exim_bin(bin, sizeof(bin)) < 0)
		fail_msg("no lab exim (make lab-tools)");
	dir = lab_instance(EXLAB, "auth-tls-cipher", 1);
	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	presented(lab_port(dir, "port", NULL, 0), "mail.example.com");
	mx_cases("exim", target);
	lab_stop(EXLAB, dir);
}

/* setup - a private root */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-certmx");
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pf_cert_mx),
		cmocka_unit_test(test_exim_cert_mx),
	};

	return (cmocka_run_group_tests_name("lab_cert_mx", tests, setup,
	    lab_teardown));
}
