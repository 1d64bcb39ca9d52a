/* test_exim_expand.c - Exim expansions as Exim reads them: nested
 * lookups, escapes and \N literals, lookups guarded by ${if exists},
 * and what a TLS condition gives a client before STARTTLS. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../backends/exim/exim_expand.h"
#include "../../core/mg_str.h"
#include "mg_test.h"

/* describe - the lookups of text as "TYPE FILE [VARS] [optional]|..." */
static int
describe(const char *text, struct mg_str *out)
{
	struct mg_exim_lookup *l;
	size_t i, n;
	int rc;

	mg_str_reset(out);
	rc = mg_exim_lookups(text, &l, &n);
	for (i = 0; i < n; i++)
		mg_str_printf(out, "%s%s %s%s%s%s", i > 0 ? "|" : "",
		    l[i].type, l[i].file, l[i].vars != NULL ? " vars=" : "",
		    l[i].vars != NULL ? l[i].vars : "",
		    l[i].optional ? " optional" : "");
	mg_exim_lookups_free(l, n);
	return (rc);
}

/* test_lookups - the file of each lookup ends at its matching brace */
static void
test_lookups(void **state)
{
	static const struct {
		const char *name, *in, *want;
		int rc;
	} cases[] = {
		{ "nested lookup: the file depends on $domain",
		    "${lookup{$local_part}lsearch{/etc/exim4/virtual/"
		    "${lookup{$domain}dsearch{/etc/exim4/virtual}}/aliases}}",
		    "lsearch /etc/exim4/virtual/${lookup{$domain}dsearch"
		    "{/etc/exim4/virtual}}/aliases vars=$domain|"
		    "dsearch /etc/exim4/virtual", 0 },
		{ "Debian system_aliases",
		    "${lookup{$local_part}lsearch{/etc/aliases}}",
		    "lsearch /etc/aliases", 0 },
		{ "Debian's lowuid-aliases, read only if it exists",
		    "${if exists{/etc/exim4/lowuid-aliases}"
		    "{${lookup{$local_part}lsearch{/etc/exim4/lowuid-aliases}"
		    "{$value}{root}}}{root}}",
		    "lsearch /etc/exim4/lowuid-aliases optional", 0 },
		{ "a different file than the one tested is not optional",
		    "${if exists{/etc/a}{${lookup{x}lsearch{/etc/b}}}}",
		    "lsearch /etc/b", 0 },
		{ "Debian's hubbed_hosts, a list lookup in an if",
		    "${if exists{/etc/exim4/hubbed_hosts}\t"
		    "{partial-lsearch;/etc/exim4/hubbed_hosts}fail}",
		    "partial-lsearch /etc/exim4/hubbed_hosts optional", 0 },
		{ "Debian's plain_server",
		    "${if crypteq{$auth3}{${extract{1}{:}{${lookup{$auth2}"
		    "lsearch{/etc/exim4/passwd}{$value}{*:*}}}}}{1}{0}}",
		    "lsearch /etc/exim4/passwd", 0 },
		{ "an escaped brace in the key",
		    "${lookup{a\\}b}lsearch{/etc/x}}", "lsearch /etc/x", 0 },
		{ "braces inside \\N...\\N are text",
		    "${lookup{\\N}{\\N}lsearch{/etc/x}}", "lsearch /etc/x", 0 },
		{ "a lookup inside \\N...\\N is text",
		    "\\N${lookup{x}lsearch{/etc/y}}\\N", "", 0 },
		{ "a lookup that never ends",
		    "${lookup{x}lsearch{/etc/y}", "", -1 },
		{ "list lookups", "lsearch;/etc/a : dbm;/etc/b : <; x ; y",
		    "lsearch /etc/a|dbm /etc/b", 0 },
		{ "per-domain files",
		    "${lookup{$local_part}lsearch{/etc/exim4/virtual/"
		    "${domain}}}", "lsearch /etc/exim4/virtual/${domain} "
		    "vars=$domain", 0 },
		{ "two variables",
		    "${lookup{$local_part}lsearch*@{/etc/al/$domain/"
		    "${lc:$local_part}}}", "lsearch*@ /etc/al/$domain/"
		    "${lc:$local_part} vars=$domain $local_part", 0 },
		{ "query-style",
		    "${lookup mysql{SELECT a FROM t WHERE d='${quote_mysql:"
		    "$domain}'}{$value}fail}", "mysql SELECT a FROM t WHERE "
		    "d='${quote_mysql:$domain}' vars=$domain", 0 },
	};
	struct mg_str out = MG_STR_INIT;
	size_t i;
	int rc;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		rc = describe(cases[i].in, &out);
		if (strcmp(mg_str_cstr(&out), cases[i].want) != 0 ||
		    rc != cases[i].rc)
			fail_msg("%s: got \"%s\" (%d), want \"%s\" (%d)",
			    cases[i].name, mg_str_cstr(&out), rc,
			    cases[i].want, cases[i].rc);
	}
	mg_str_free(&out);
}

/* test_lsearch_path - a fixed absolute file only */
static void
test_lsearch_path(void **state)
{
	char *p;

	(void)state;
	p = mg_exim_lsearch_path("${lookup{$local_part}lsearch{/etc/aliases}"
	    "}");
	assert_string_equal(p, "/etc/aliases");
	free(p);
	/* the old reader stopped at the first brace: ".../${lookup{$domain" */
	assert_null(mg_exim_lsearch_path("${lookup{$local_part}lsearch{"
	    "/etc/exim4/virtual/${lookup{$domain}dsearch{/etc/exim4/virtual}"
	    "}/aliases}}"));
	assert_null(mg_exim_lsearch_path("${lookup{$local_part}lsearch{"
	    "aliases}}"));
	assert_null(mg_exim_lsearch_path("${lookup{$local_part}dbm{/x}}"));
	p = mg_exim_lsearch_path("${lookup{$local_part}nwildlsearch{ /a/b }"
	    "}");
	assert_string_equal(p, "/a/b");
	free(p);
}

/* test_item - name and parts of an item */
static void
test_item(void **state)
{
	static const char *s = "${if eq {$tls_cipher}{} {a}fail} tail";
	struct mg_exim_item it;

	(void)state;
	assert_int_equal(mg_exim_item(s, strlen(s), &it), 0);
	assert_int_equal(it.namelen, 2);
	assert_int_equal(it.nparts, 5);
	assert_false(it.parts[0].arg);
	assert_true(it.parts[1].arg);
	assert_int_equal(it.parts[1].len, strlen("$tls_cipher"));
	assert_int_equal(it.parts[2].len, 0);
	assert_false(it.parts[4].arg);
	assert_int_equal(it.len, strlen(s) - strlen(" tail"));
	assert_int_equal(mg_exim_item("${domain}", 9, &it), 0);
	assert_true(it.var);
	assert_int_equal(mg_exim_item("${if {", 6, &it), -1);
	assert_int_equal(mg_exim_item("$domain", 7, &it), -1);
}

/* test_eval_notls - each spelling of "only after STARTTLS" is false for
 * a client before TLS; conditions on something else stay unknown */
static void
test_eval_notls(void **state)
{
	static const struct {
		const char *in;
		int known, truth;
	} cases[] = {
		{ "${if def:tls_in_cipher}", 1, 0 },
		{ "${if def:tls_cipher}", 1, 0 },
		{ "${if def:$tls_in_cipher}", 1, 0 },
		{ "${if !def:tls_in_cipher}", 1, 1 },
		{ "${if ! def:tls_cipher {yes}{no}}", 1, 1 },
		{ "${if eq{$tls_in_cipher}{}{}{*}}", 1, 0 },
		{ "${if eq{$tls_cipher}{}{no}{yes}}", 1, 0 },
		{ "${if !eq{$tls_in_cipher}{}}", 1, 0 },
		{ "${if ! eq {$tls_cipher}{} {yes}{no}}", 1, 0 },
		{ "${if eqi{$tls_in_protocol}{}{false}{true}}", 1, 0 },
		{ "$tls_in_cipher", 1, 0 },
		{ "${tls_cipher}", 1, 0 },
		{ "${if bool{$tls_in_cipher}}", 1, 0 },
		{ "${if and{{def:tls_in_cipher}{eq{$received_port}{587}}}}", 1,
		    0 },
		{ "${if and{{!def:tls_in_cipher}{eq{1}{1}}}}", 1, 1 },
		{ "${if or{{def:tls_in_cipher}{eq{$received_port}{25}}}}", 0,
		    0 },
		{ "${if or{{def:tls_in_cipher}{eq{$tls_in_bits}{0}}}}", 1, 1 },
		{ "${if def:tls_in_cipher{${if eq{$received_port}{587}}}{no}}",
		    1, 0 },
		{ "${if def:tls_in_cipher {yes}fail}", 1, 0 },
		{ "${if eq{$received_port}{587}}", 0, 0 },
		{ "${if exists{/etc/x}}", 0, 0 },
		{ "${if match_ip{$sender_host_address}{10.0.0.0/8}}", 0, 0 },
		{ "${if saslauthd{{$auth2}{$auth3}}{yes}{no}}", 0, 0 },
		{ "${if and{{def:tls_cipher}{saslauthd{{$a}{$b}}}}}", 1, 0 },
		{ "${if foo{x}}", 0, 0 },
		{ "${if", 0, 0 },
		{ "yes", 1, 1 },
		{ "*", 1, 1 },
		{ "", 1, 0 },
		{ "false", 1, 0 },
		{ "\\N${if def:tls_in_cipher}\\N", 1, 1 },
	};
	struct mg_str out = MG_STR_INIT;
	size_t i;
	int known;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		known = mg_exim_eval_notls(cases[i].in, &out);
		if (known != cases[i].known || (known &&
		    mg_exim_truth(mg_str_cstr(&out)) != cases[i].truth))
			fail_msg("\"%s\": known %d value \"%s\"", cases[i].in,
			    known, known ? mg_str_cstr(&out) : "");
	}
	mg_str_free(&out);
}

/* test_eval_as - with TLS up and the port known: the TLS variables set,
 * $received_port / $interface_port the port; unknown port: unknown; the
 * state does not leak into the next mg_exim_eval_notls */
static void
test_eval_as(void **state)
{
	static const struct {
		const char *in;
		int tls;
		unsigned port;
		int known;
		const char *out;
	} cases[] = {
		{ "${if eq{$received_port}{25}{}{*}}", 1, 25, 1, "" },
		{ "${if eq{$received_port}{25}{}{*}}", 0, 587, 1, "*" },
		{ "${if eq{$interface_port}{25}{}{*}}", 0, 25, 1, "" },
		{ "${if eq{$received_port}{25}{}{*}}", 1, 0, 0, "" },
		{ "${if def:tls_in_cipher}", 1, 25, 1, "true" },
		{ "${if def:tls_in_cipher}", 0, 25, 1, "" },
		{ "${if eq{$tls_cipher}{}{no}{yes}}", 1, 25, 1, "yes" },
		{ "${if eq {$tls_in_cipher}{}{}{*}}", 1, 25, 1, "*" },
		{ "${if eq{$received_port}{25}{}{${if eq{$tls_in_cipher}{}{}"
		    "{*}}}}", 1, 587, 1, "*" },
		/* numeric "=" (Exim's own spelling; "==" is its backward
		 * compatible one), the other comparisons, inlist */
		{ "${if ={$received_port}{587}{*}{}}", 0, 25, 1, "" },
		{ "${if ={$received_port}{587}{*}{}}", 1, 587, 1, "*" },
		{ "${if !={$received_port}{25}{*}{}}", 1, 25, 1, "" },
		{ "${if >={$received_port}{465}{*}{}}", 0, 25, 1, "" },
		{ "${if <{$received_port}{26}{}{*}}", 0, 587, 1, "*" },
		{ "${if inlist{$received_port}{587:465}{*}{}}", 1, 25, 1, "" },
		{ "${if inlist{$received_port}{587 : 465}{*}{}}", 0, 465, 1,
		    "*" },
		{ "${if inlist{$received_port}{<, 587,465}{*}{}}", 0, 465, 0,
		    "" },
		{ "${if ={$received_port}{smtp}{*}{}}", 0, 25, 0, "" },
	};
	struct mg_str out = MG_STR_INIT;
	size_t i;
	int known;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		known = mg_exim_eval_as(cases[i].in, cases[i].tls,
		    cases[i].port, &out);
		if (known != cases[i].known || (known &&
		    strcmp(mg_str_cstr(&out), cases[i].out) != 0))
			fail_msg("\"%s\" tls %d port %u: known %d value "
			    "\"%s\"", cases[i].in, cases[i].tls, cases[i].port,
			    known, known ? mg_str_cstr(&out) : "");
	}
	assert_int_equal(mg_exim_eval_notls("${if eq{$received_port}{25}"
	    "{}{*}}", &out), 0);
	assert_int_equal(mg_exim_eval_notls("${if def:tls_in_cipher}", &out),
	    1);
	assert_string_equal(mg_str_cstr(&out), "");
	mg_str_free(&out);
}

/* test_uses_condition - saslauthd and pam found as conditions, not as
 * text */
static void
test_uses_condition(void **state)
{
	(void)state;
	assert_true(mg_exim_uses_condition("${if saslauthd{{$auth2}{$auth3}}"
	    "{1}{0}}", "saslauthd"));
	assert_true(mg_exim_uses_condition("${if pam {$auth1:${sg{$auth2}"
	    "{:}{::}}}}", "pam"));
	assert_true(mg_exim_uses_condition("${if and{{!eq{$auth2}{root}}"
	    "{saslauthd{{$auth2}{$auth3}{smtp}}}}}", "saslauthd"));
	assert_true(mg_exim_uses_condition("\"${lc:${if pam{$auth1:$auth2}"
	    "}}\"", "pam"));
	assert_false(mg_exim_uses_condition("${if crypteq{$auth3}{${lookup{"
	    "$auth2}lsearch{/etc/exim4/spam{x}}}}}", "pam"));
	assert_false(mg_exim_uses_condition("${if eq{$auth2}{saslauthd}}",
	    "saslauthd"));
	assert_false(mg_exim_uses_condition("\\N${if pam{x}}\\N", "pam"));
}

/* test_exists_list - Debian's optional list files: "${if exists{F}{F}{}}"
 * gives F; anything else (another yes branch, a non-empty no branch, a
 * relative or variable name, text around it) gives NULL */
static void
test_exists_list(void **state)
{
	char *p;

	(void)state;
	p = mg_exim_exists_list(" ${if exists{/etc/exim4/local_rcpt_callout}"
	    "{/etc/exim4/local_rcpt_callout}{}} ");
	assert_non_null(p);
	assert_string_equal(p, "/etc/exim4/local_rcpt_callout");
	free(p);
	assert_null(mg_exim_exists_list("${if exists{/etc/a}{/etc/b}{}}"));
	assert_null(mg_exim_exists_list("${if exists{/etc/a}{/etc/a}{x}}"));
	assert_null(mg_exim_exists_list("${if exists{a}{a}{}}"));
	assert_null(mg_exim_exists_list("${if exists{/etc/$domain}"
	    "{/etc/$domain}{}}"));
	assert_null(mg_exim_exists_list("${if exists{/etc/a}{/etc/a}{}} : "
	    "b@example.com"));
	assert_null(mg_exim_exists_list("lsearch;/etc/a"));
	assert_null(mg_exim_exists_list(NULL));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookups),
		cmocka_unit_test(test_lsearch_path),
		cmocka_unit_test(test_item),
		cmocka_unit_test(test_eval_notls),
		cmocka_unit_test(test_eval_as),
		cmocka_unit_test(test_uses_condition),
		cmocka_unit_test(test_exists_list),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
