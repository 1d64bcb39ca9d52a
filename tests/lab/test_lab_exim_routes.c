/*
 * test_lab_exim_routes.c - root and postmaster along Exim's real routing,
 * judged by real Exim (tests/lab/exim/lab.sh): exim -bt says which router
 * takes an address, exim -bh what the RCPT ACL answers, exim -bV whether
 * a fixed configuration is valid.
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
#include "../../core/mg_lines.h"
#include "../../core/mg_str.h"
#include "lab_util.h"

#define LAB "tests/lab/exim/lab.sh"

static char exim_bin[4096];

/* exim - real Exim on the instance's config, in an empty network
 * namespace: "-bt ADDR" or "-bV"; its stdout, and its exit status */
static int
exim(const char *dir, const char *mode, const char *addr, struct mg_str *out)
{
	char conf[4096];
	const char *argv[] = { "unshare", "-n", exim_bin, "-C", conf, mode,
	    addr, NULL };
	struct mg_exec_res res;
	int rc;

	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	rc = lab_run(&res, argv);
	mg_str_init(out);
	mg_str_puts(out, mg_str_cstr(&res.out));
	(void)printf("    exim %s %s: %.*s\n", mode, addr != NULL ? addr : "",
	    (int)strcspn(mg_str_cstr(&res.out), "\n"), mg_str_cstr(&res.out));
	(void)fflush(stdout);
	mg_exec_res_free(&res);
	return (rc);
}

/* bh_rcpt - the RCPT reply code real Exim gives a client (lab.sh bh) */
static int
bh_rcpt(const char *dir, const char *ip, const char *to)
{
	const char *argv[] = { "sh", LAB, "bh", dir, ip, "--from",
	    "someone@other.test", "--to", to, NULL };
	struct mg_exec_res res;
	const char *cur, *line, *prev = NULL;
	size_t len;
	int code = -1;

	assert_int_equal(lab_run(&res, argv), 0);
	/* the last reply before QUIT's 221 answers the RCPT */
	for (cur = mg_str_cstr(&res.out); mg_line_next(&cur, &line, &len);) {
		if (len >= 3 && strncmp(line, "221", 3) == 0)
			break;
		prev = line;
	}
	if (prev != NULL)
		code = (int)strtol(prev, NULL, 10);
	(void)printf("    exim -bh %s: RCPT %s -> %d\n", ip, to, code);
	(void)fflush(stdout);
	mg_exec_res_free(&res);
	return (code);
}

/* line_of - line n of a file (without its newline) into out */
static void
line_of(const char *path, unsigned n, struct mg_str *out)
{
	struct mg_str s = MG_STR_INIT;
	struct mg_err err;
	const char *p;
	unsigned i;

	if (mg_file_read(path, 1 << 20, &s, NULL, &err) < 0)
		fail_msg("%s", err.msg);
	for (p = s.data, i = 1; p != NULL && i < n; i++)
		if ((p = strchr(p, '\n')) != NULL)
			p++;
	assert_non_null(p);
	mg_str_init(out);
	mg_str_append(out, p, strcspn(p, "\n"));
	mg_str_free(&s);
}

/* apply_fix - fix ID --export-diff, then patch -p0 -d / */
static void
apply_fix(const char *dir, const char *fix)
{
	char conf[4096], patchfile[4200];
	const char *exp[] = { "./mailguard-tui", "--exim", conf, "--exim-bin",
	    exim_bin, "fix", fix, "--export-diff", patchfile, NULL };
	const char *apply[] = { "patch", "-p0", "-d", "/", "-i", patchfile,
	    NULL };
	struct mg_exec_res res;
	struct mg_str out;

	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	(void)snprintf(patchfile, sizeof(patchfile), "%s/%s.patch", dir, fix);
	assert_int_equal(lab_capture(exp, &out), 0);
	mg_str_free(&out);
	assert_int_equal(lab_run(&res, apply), 0);
	mg_exec_res_free(&res);
}

/* test_router_any_domain_fixed - system_aliases without domains before
 * the remote router: real Exim routes root@foreign.invalid through it;
 * the report names the router's line; after the fix Exim's -bV accepts
 * the file, -bt sends the foreign address to smarthost and still
 * redirects postmaster@example.com */
static void
test_router_any_domain_fixed(void **state)
{
	const char *dir = lab_instance(LAB, "router-any-domain", 0);
	char conf[4096], filter[4700];
	struct mg_str out, route, line, ln;

	(void)state;
	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	assert_int_equal(exim(dir, "-bt", "root@foreign.invalid", &route),
	    0);
	assert_non_null(strstr(mg_str_cstr(&route), "<-- "
	    "root@foreign.invalid"));
	mg_str_free(&route);
	assert_int_equal(lab_ex_report(dir, exim_bin, &out), 1);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"exim.routers.any-domain\" and .severity == \"medium\") | "
	    ".evidence[].text | select(startswith(\"exim -bt "
	    "root@foreign.invalid: routed by system_aliases router\"))] | "
	    "length == 1", NULL), 0);
	(void)snprintf(filter, sizeof(filter), ".findings[] | select(.id == "
	    "\"exim.routers.any-domain\") | .evidence[0] | "
	    "select(.file == \"%s\") | .line", conf);
	assert_int_equal(lab_jq_str(out.data, filter, &ln), 0);
	line_of(conf, (unsigned)strtoul(mg_str_cstr(&ln), NULL, 10), &line);
	assert_string_equal(mg_str_cstr(&line), "system_aliases:");
	mg_str_free(&line);
	mg_str_free(&ln);
	mg_str_free(&out);

	apply_fix(dir, "exim.routers.local-domains");
	assert_int_equal(exim(dir, "-bV", NULL, &route), 0);
	mg_str_free(&route);
	assert_int_equal(exim(dir, "-bt", "root@foreign.invalid", &route),
	    0);
	assert_null(strstr(mg_str_cstr(&route), "<--"));
	assert_non_null(strstr(mg_str_cstr(&route), "router = smarthost"));
	mg_str_free(&route);
	assert_int_equal(exim(dir, "-bt", "postmaster@example.com", &route),
	    0);
	assert_non_null(strstr(mg_str_cstr(&route), "<-- "
	    "postmaster@example.com"));
	mg_str_free(&route);
	assert_int_equal(lab_ex_report(dir, exim_bin, &out), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[].id] | "
	    "index(\"exim.routers.any-domain\") == null", NULL), 0);
	mg_str_free(&out);
}

/* test_default_order_no_finding - Exim's own layout (the remote router
 * with no_more first, system_aliases domainless after it): real Exim
 * routes the foreign address to smarthost, and the report says nothing
 * about routers */
static void
test_default_order_no_finding(void **state)
{
	const char *dir = lab_instance(LAB, "incident1-plain", 0);
	struct mg_str out, route;

	(void)state;
	assert_int_equal(exim(dir, "-bt", "root@foreign.invalid", &route),
	    0);
	assert_non_null(strstr(mg_str_cstr(&route), "router = smarthost"));
	mg_str_free(&route);
	(void)lab_ex_report(dir, exim_bin, &out);
	assert_int_equal(lab_jq(out.data, "[.findings[].id | "
	    "select(. == \"exim.routers.any-domain\" or "
	    ". == \"exim.aliases.no-router\")] | length == 0", NULL), 0);
	mg_str_free(&out);
}

/* test_no_system_aliases - no aliases router: real Exim's ACL accepts
 * postmaster@example.com from anyone and -bt cannot route it; the
 * report says both, with the ACL line and exim -bh's own verdict */
static void
test_no_system_aliases(void **state)
{
	const char *dir = lab_instance(LAB, "no-system-aliases", 0);
	char conf[4096], filter[4700];
	struct mg_str out, route, line, ln;

	(void)state;
	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	assert_int_equal(bh_rcpt(dir, "198.51.100.9",
	    "postmaster@example.com"), 250);
	assert_int_equal(exim(dir, "-bt", "postmaster@example.com", &route),
	    2);
	assert_non_null(strstr(mg_str_cstr(&route), "postmaster@example.com "
	    "is undeliverable"));
	mg_str_free(&route);
	assert_int_equal(lab_ex_report(dir, exim_bin, &out), 1);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"exim.aliases.no-router\" and .severity == \"medium\") | "
	    ".evidence[].text | select(startswith(\"exim -bt "
	    "postmaster@example.com: undeliverable\") or "
	    "(startswith(\"exim -bh 198.51.100.9: \") and contains(\"RCPT "
	    "TO:<postmaster@example.com> -> 250\") and endswith(\"the hole "
	    "is open\")))] | length == 2", NULL), 0);
	(void)snprintf(filter, sizeof(filter), ".findings[] | select(.id == "
	    "\"exim.aliases.no-router\") | .evidence[0] | "
	    "select(.file == \"%s\") | .line", conf);
	assert_int_equal(lab_jq_str(out.data, filter, &ln), 0);
	line_of(conf, (unsigned)strtoul(mg_str_cstr(&ln), NULL, 10), &line);
	assert_non_null(strstr(mg_str_cstr(&line), "local_parts"));
	assert_non_null(strstr(mg_str_cstr(&line), "postmaster"));
	mg_str_free(&line);
	mg_str_free(&ln);
	mg_str_free(&out);
}

/* setup - private root, and the lab's exim binary */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-exrt");
	return (lab_exim_bin(exim_bin, sizeof(exim_bin)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_router_any_domain_fixed),
		cmocka_unit_test(test_default_order_no_finding),
		cmocka_unit_test(test_no_system_aliases),
	};

	return (cmocka_run_group_tests_name("lab_exim_routes", tests, setup,
	    lab_teardown));
}
