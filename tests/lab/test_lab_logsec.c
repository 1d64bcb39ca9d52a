/*
 * test_lab_logsec.c - issue 19 items 8 and 9 on real MTAs.  A stolen SASL
 * password: a lab Postfix with Cyrus sasldb (sasl-root) takes real AUTH
 * sessions as alice from 12 client addresses (XCLIENT ADDR=) and wrong
 * passwords for bob from 12 more; its own maillog_file holds the lines
 * the report reads.  Exim: the lab's exim -bS with -oMa/-oMai writes
 * "<=" lines with A= from 11 addresses into its mainlog.  DNSBLs through
 * a public resolver: postconf / exim -bP read the lists, the resolver
 * is a resolv.conf the test writes (--resolv-conf).
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

#define LAB "tests/lab/postfix/lab.sh"
#define EXLAB "tests/lab/exim/lab.sh"

/* write_file - text into path */
static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
}

/* report - mailguard-tui [--resolv-conf RESOLV] --postfix ETC or --exim
 * CONF --exim-bin BIN report --json into out; the exit status */
static int
report(const char *resolv, const char *etc, const char *conf,
    const char *bin, struct mg_str *out)
{
	const char *argv[16];
	size_t n = 0;

	argv[n++] = "./mailguard-tui";
	argv[n++] = "--no-host-context";
	if (resolv != NULL) {
		argv[n++] = "--resolv-conf";
		argv[n++] = resolv;
	}
	if (etc != NULL) {
		argv[n++] = "--postfix";
		argv[n++] = etc;
	} else {
		argv[n++] = "--exim";
		argv[n++] = conf;
		argv[n++] = "--exim-bin";
		argv[n++] = bin;
	}
	argv[n++] = "report";
	argv[n++] = "--json";
	argv[n] = NULL;
	return (lab_capture(argv, out));
}

/* test_pf_stolen_login - real AUTH from many addresses, real failures */
static void
test_pf_stolen_login(void **state)
{
	const char *dir = lab_instance(LAB, "sasl-root", 1);
	char etc[4096], addr[64], auth[256], pass[128];
	const char *fill[] = { "fill", dir, "--xclient-addr", addr,
	    "--helo", "client.example", "--auth-plain", auth, "--from",
	    "alice@example.com", "--to", "bob@customer.example", "--count",
	    "1", NULL };
	struct mg_str out;
	int i;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	assert_int_equal(lab_sasl_pass(dir, "alice", pass, sizeof(pass)), 0);
	(void)snprintf(auth, sizeof(auth), "alice:%s", pass);
	for (i = 0; i < 12; i++) {
		(void)snprintf(addr, sizeof(addr), "%d.%d.7.%d", 23 + i * 9,
		    i * 13, i + 2);
		assert_int_equal(lab_script(LAB, fill), 0);
	}
	/* wrong passwords for bob: smtpd answers 535, mgsmtp fails */
	(void)snprintf(auth, sizeof(auth), "bob:not-his-password");
	for (i = 0; i < 12; i++) {
		(void)snprintf(addr, sizeof(addr), "%d.%d.9.%d", 24 + i * 9,
		    i * 7, i + 3);
		assert_int_not_equal(lab_script(LAB, fill), 0);
	}
	/* Postfix's own log says so: the lines the check reads */
	assert_true(lab_maillog_has(dir, "sasl_username=alice"));
	assert_true(lab_maillog_has(dir, "[122.143.7.13], sasl_method=PLAIN"));
	assert_true(lab_maillog_has(dir, "SASL PLAIN authentication failed"));
	assert_true(report(NULL, etc, NULL, NULL, &out) >= 1);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"sasl.login.many-addresses\")] | length == 1", NULL), 0);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"sasl.login.many-addresses\") | .area == \"sasl\" and "
	    "(.evidence[0].text | test(\"12 messages sent after logging in "
	    "as alice from 12 addresses in 12 networks\"))", NULL), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"sasl.login.many-addresses\") | .evidence[].text | "
	    "select(test(\"purge --sasl alice\"))] | length == 1", NULL), 0);
	/* Postfix 3.7 names the user of a failed login */
	assert_true(lab_maillog_has(dir, "failure, sasl_username=bob"));
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"sasl.login.failed-spread\") | .evidence[0].text | "
	    "test(\"12 failed logins as bob from 12 addresses\")", NULL), 0);
	mg_str_free(&out);
	lab_stop(LAB, dir);
}

/* test_pf_dnsbl - postconf's lists, a public or a local resolver */
static void
test_pf_dnsbl(void **state)
{
	const char *dir = lab_instance(LAB, "dnsbl-public", 0);
	char etc[4096], pub[4096], loc[4096];
	struct mg_str out;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(pub, sizeof(pub), "%s/resolv-public.conf", dir);
	(void)snprintf(loc, sizeof(loc), "%s/resolv-local.conf", dir);
	write_file(pub, "search example.com\nnameserver 1.1.1.1\n"
	    "nameserver 8.8.8.8\n");
	write_file(loc, "nameserver 127.0.0.53\noptions edns0\n");
	(void)report(pub, etc, NULL, NULL, &out);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"postfix.dnsbl.public-resolver\") | .severity == \"high\" and "
	    ".area == \"smtpd\" and (.fixes // [] | length == 0)", NULL), 0);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"postfix.dnsbl.public-resolver\") | [.evidence[] | "
	    "select(.file != null and (.file | endswith(\"main.cf\")) and "
	    "(.text | test(\"reject_rbl_client zen.spamhaus.org\")))] | "
	    "length == 1", NULL), 0);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"postfix.dnsbl.public-resolver\") | [.evidence[] | "
	    "select(.file != null and (.file | endswith(\"master.cf\")) and "
	    "(.text | test(\"b.barracudacentral.org\")))] | length == 1",
	    NULL), 0);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"postfix.dnsbl.public-resolver\") | [.evidence[] | "
	    "select(.text | test(\"nameserver 1.1.1.1 is Cloudflare\"))] | "
	    "length == 1", NULL), 0);
	mg_str_free(&out);
	(void)report(loc, etc, NULL, NULL, &out);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"postfix.dnsbl.public-resolver\")] | length == 0", NULL), 0);
	mg_str_free(&out);
	/* no --resolv-conf and no host context: not judged */
	(void)report(NULL, etc, NULL, NULL, &out);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"postfix.dnsbl.public-resolver\")] | length == 0", NULL), 0);
	mg_str_free(&out);
}

static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-logsec");
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pf_stolen_login),
		cmocka_unit_test(test_pf_dnsbl),
	};

	return (cmocka_run_group_tests_name("lab_logsec", tests, setup,
	    lab_teardown));
}
