/* test_pf_config.c - Postfix list splitting, postconf output, main.cf lines. */
#include <string.h>

#include "../../backends/postfix/pf_apply.h"
#include "../../backends/postfix/pf_list.h"
#include "../../backends/postfix/pf_maincf.h"
#include "../../backends/postfix/pf_master.h"
#include "../../backends/postfix/pf_postconf.h"
#include "mg_test.h"

/* split - join the elements of a list with '|' */
static void
split(const char *value, char *out, size_t size)
{
	const char *cur, *elem;
	size_t len, o = 0;

	out[0] = '\0';
	for (cur = value; mg_pf_list_next(&cur, &elem, &len);) {
		if (o > 0 && o + 1 < size)
			out[o++] = '|';
		if (o + len >= size)
			break;
		memcpy(out + o, elem, len);
		o += len;
		out[o] = '\0';
	}
}

/* test_list_split - commas, whitespace, braces */
static void
test_list_split(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128",
		    "127.0.0.0/8|[::ffff:127.0.0.0]/104|[::1]/128" },
		{ "a,b , c,,\td\n e", "a|b|c|d|e" },
		{ "  ", "" },
		{ "", "" },
		{ "inline:{ 1.2.3.4=OK, 5.6.7.8=REJECT } x",
		    "inline:{ 1.2.3.4=OK, 5.6.7.8=REJECT }|x" },
		{ "{ a, b } c", "{ a, b }|c" },
		{ "unbalanced:{ a, b", "unbalanced:{ a, b" },
		{ "!10.0.0.1, 10.0.0.0/8", "!10.0.0.1|10.0.0.0/8" },
	};
	char out[256];
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		split(cases[i].in, out, sizeof(out));
		if (strcmp(out, cases[i].want) != 0)
			fail_msg("\"%s\": got \"%s\"", cases[i].in, out);
	}
}

/* test_postconf_parse - "name = value", empty values, raw vs effective */
static void
test_postconf_parse(void **state)
{
	struct mg_model m;
	const struct mg_param *p;

	(void)state;
	mg_model_init(&m);
	mg_pf_postconf_parse(&m, "mynetworks = 127.0.0.0/8 $extra\n"
	    "relayhost =\n"
	    "smtpd_banner = $myhostname ESMTP $mail_name (Debian/GNU)\n"
	    "garbage line\n= novalue\n", 1);
	mg_pf_postconf_parse(&m, "mynetworks = 127.0.0.0/8 10.0.0.0/8\n"
	    "relayhost = \n", 0);
	p = mg_model_param(&m, "mynetworks");
	assert_non_null(p);
	assert_string_equal(p->raw, "127.0.0.0/8 $extra");
	assert_string_equal(p->value, "127.0.0.0/8 10.0.0.0/8");
	p = mg_model_param(&m, "relayhost");
	assert_string_equal(p->raw, "");
	assert_string_equal(p->value, "");
	p = mg_model_param(&m, "smtpd_banner");
	assert_string_equal(p->raw,
	    "$myhostname ESMTP $mail_name (Debian/GNU)");
	assert_null(mg_model_param(&m, "garbage line"));
	assert_int_equal(m.nparams, 3);
	mg_model_free(&m);
}

/* test_maincf_locate - continuation, comments, last setting wins */
static void
test_maincf_locate(void **state)
{
	static const char text[] =
	    "# comment\n"				/* 1 */
	    "mynetworks = 10.0.0.0/8\n"			/* 2 */
	    "myhostname = mail.example.com\n"		/* 3 */
	    "mynetworks = 127.0.0.0/8\n"		/* 4 */
	    "# a comment inside the logical line\n"	/* 5 */
	    "\n"					/* 6 */
	    "    210.140.12.34/8,\n"			/* 7 */
	    "\t218.45.6.7/8\n"				/* 8 */
	    "relayhost=\n"				/* 9 */
	    "unknown_only_in_file = x\n";		/* 10 */
	struct mg_model m;
	struct mg_srcfile *f;
	const struct mg_param *p;

	(void)state;
	mg_model_init(&m);
	mg_pf_postconf_parse(&m, "mynetworks = 127.0.0.0/8 210.140.12.34/8, "
	    "218.45.6.7/8\nmyhostname = mail.example.com\nrelayhost =\n", 1);
	f = mg_model_file_add(&m, "/etc/postfix/main.cf");
	mg_srcfile_set_text(f, text, strlen(text));
	assert_int_equal(f->nlines, 10);
	mg_pf_maincf_locate(&m, f);
	p = mg_model_param(&m, "mynetworks");
	assert_string_equal(p->file, "/etc/postfix/main.cf");
	assert_int_equal(p->line, 4);
	assert_int_equal(p->end_line, 8);
	assert_int_equal(mg_srcfile_find_word(f, p->line, p->end_line,
	    "210.140.12.34/8"), 7);
	assert_int_equal(mg_srcfile_find_word(f, p->line, p->end_line,
	    "218.45.6.7/8"), 8);
	/* not a whole element: "10.0.0.0/8" is not in 210.140... */
	assert_int_equal(mg_srcfile_find_word(f, p->line, p->end_line,
	    "10.0.0.0/8"), 4);
	assert_int_equal(mg_model_param(&m, "myhostname")->line, 3);
	assert_int_equal(mg_model_param(&m, "relayhost")->line, 9);
	assert_null(mg_model_param(&m, "unknown_only_in_file"));
	mg_model_free(&m);
}

/* test_master_duplicate_override_last_wins - two -o of one name on an
 * entry: postconf -P and smtpd use the last one, so its line is the one
 * located (a fix that edited the first would change nothing) */
static void
test_master_duplicate_override_last_wins(void **state)
{
	static const char text[] =
	    "smtp      inet  n       -       y       -       -       smtpd\n"
	    "submission inet n       -       y       -       -       smtpd\n"
	    "  -o syslog_name=postfix/submission\n"		/* 3 */
	    "  -o smtpd_tls_security_level=encrypt\n"		/* 4 */
	    "#  -o smtpd_tls_security_level=none\n"		/* 5 */
	    "  -o smtpd_sasl_auth_enable=yes\n"		/* 6 */
	    "  -o smtpd_tls_security_level=may\n"		/* 7 */
	    "pickup    unix  n       -       y       60      1       pickup\n"
	    "  -o smtpd_tls_security_level=none\n";		/* 9 */
	struct mg_model m;
	struct mg_srcfile *f;
	const struct mg_service *s;
	const struct mg_param *p;

	(void)state;
	mg_model_init(&m);
	mg_pf_master_parse(&m,
	    "smtp inet n - y - - smtpd\n"
	    "submission inet n - y - - smtpd -o syslog_name=postfix/submission"
	    " -o smtpd_tls_security_level=encrypt -o smtpd_sasl_auth_enable=yes"
	    " -o smtpd_tls_security_level=may\n"
	    "pickup unix n - y 60 1 pickup -o smtpd_tls_security_level=none\n");
	mg_pf_master_overrides(&m,
	    "submission/inet/syslog_name = postfix/submission\n"
	    "submission/inet/smtpd_tls_security_level = may\n"
	    "submission/inet/smtpd_sasl_auth_enable = yes\n"
	    "pickup/unix/smtpd_tls_security_level = none\n", 1);
	f = mg_model_file_add(&m, "/etc/postfix/master.cf");
	mg_srcfile_set_text(f, text, strlen(text));
	mg_pf_master_locate(&m, f);
	s = mg_model_service(&m, "submission", "inet");
	assert_non_null(s);
	assert_int_equal(s->line, 2);
	p = mg_service_override(s, "smtpd_tls_security_level");
	assert_non_null(p);
	assert_string_equal(p->value, "may");
	assert_string_equal(p->file, "/etc/postfix/master.cf");
	assert_int_equal(p->line, 7);
	assert_int_equal(p->end_line, 7);
	assert_int_equal(mg_service_override(s, "syslog_name")->line, 3);
	assert_int_equal(mg_service_override(s, "smtpd_sasl_auth_enable")->line,
	    6);
	p = mg_service_override(mg_model_service(&m, "pickup", "unix"),
	    "smtpd_tls_security_level");
	assert_int_equal(p->line, 9);
	mg_model_free(&m);
}

/* test_new_warnings_stage_path - postconf -n on the stage names its own
 * main.cf: a warning the live configuration already draws (Postfix
 * 3.7.11's, captured on the lab's sasl-submission-brace, whose
 * mua_sender_restrictions no service uses) is not new; another one is */
static void
test_new_warnings_stage_path(void **state)
{
	static const char live[] = "postconf: warning: /srv/mg/etc/main.cf: "
	    "unused parameter: mua_sender_restrictions="
	    "permit_sasl_authenticated, reject\nmyhostname = mx\n";
	static const char staged[] = "postconf: warning: /srv/mg/state/"
	    "stage.1/conf/main.cf: unused parameter: mua_sender_restrictions="
	    "permit_sasl_authenticated, reject\nmyhostname = mx\n"
	    "postconf: warning: /srv/mg/state/stage.1/conf/main.cf: unused "
	    "parameter: smtpd_sender_restriction=x\n";
	struct mg_str bad = MG_STR_INIT;

	(void)state;
	assert_int_equal(mg_pf_new_warnings(live, staged,
	    "/srv/mg/state/stage.1/conf", "/srv/mg/etc", &bad), 1);
	assert_non_null(strstr(mg_str_cstr(&bad), "smtpd_sender_restriction"
	    "=x"));
	assert_null(strstr(mg_str_cstr(&bad), "mua_sender_restrictions"));
	mg_str_free(&bad);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_split),
		cmocka_unit_test(test_postconf_parse),
		cmocka_unit_test(test_maincf_locate),
		cmocka_unit_test(test_master_duplicate_override_last_wins),
		cmocka_unit_test(test_new_warnings_stage_path),
	};

	return (cmocka_run_group_tests_name("pf_config", tests, NULL, NULL));
}
