/* test_pf_sasl.c - the SASL parsers: smtpd.conf, sasldblistusers2,
 * passwd, /etc/default/saslauthd and doveconf -n output. */
#include <stdlib.h>
#include <string.h>

#include "../../backends/postfix/pf_sasl.h"
#include "../../core/mg_str.h"
#include "mg_test.h"

/* The lab's sasl-root smtpd.conf (tests/lab/postfix/scenarios). */
static const char *lab_conf =
    "pwcheck_method: auxprop\n"
    "auxprop_plugin: sasldb\n"
    "sasldb_path: /srv/lab/etc/sasldb2\n"
    "mech_list: PLAIN LOGIN\n";

/* Captured: sasldblistusers2 -f DIR/etc/sasldb2 on the sasl-root lab
 * (Cyrus SASL 2.1.28, Debian 12). */
static const char *lab_list =
    "alice@mail.example.com: userPassword\n"
    "root@mail.example.com: userPassword\n"
    "bob@mail.example.com: userPassword\n";

/* Captured the same way from a scratch sasldb: saslpasswd2 splits
 * "alice@example.com" at the "@" itself (realm example.com, whatever -u
 * said); a user added without -u lands in the host's name. */
static const char *realm_list =
    "bob@vm: userPassword\n"
    "root@mail.example.com: userPassword\n"
    "alice@example.com: userPassword\n";

/* srcfile - a file of the model with this text */
static const struct mg_srcfile *
srcfile(struct mg_model *m, const char *path, const char *text)
{
	mg_srcfile_set_text(mg_model_file_add(m, path), text, strlen(text));
	return (mg_model_file(m, path));
}

/* test_conf_lab - the options that matter, each with its line */
static void
test_conf_lab(void **state)
{
	struct mg_model m;
	const struct mg_param *p;

	(void)state;
	mg_model_init(&m);
	assert_int_equal(mg_pf_sasl_conf_parse(&m, srcfile(&m,
	    "/srv/lab/etc/sasl/smtpd.conf", lab_conf)), 0);
	assert_int_equal(m.nauth, 4);
	p = mg_model_auth(&m, "sasldb_path");
	assert_non_null(p);
	assert_string_equal(p->value, "/srv/lab/etc/sasldb2");
	assert_string_equal(p->file, "/srv/lab/etc/sasl/smtpd.conf");
	assert_int_equal(p->line, 3);
	assert_string_equal(mg_model_auth(&m, "mech_list")->value,
	    "PLAIN LOGIN");
	assert_int_equal(m.nwarnings, 0);
	mg_model_free(&m);
}

/* test_conf_as_cyrus_reads_it - comments, indentation, option case,
 * trailing blanks; secrets of other options are never copied */
static void
test_conf_as_cyrus_reads_it(void **state)
{
	struct mg_model m;
	size_t i;

	(void)state;
	mg_model_init(&m);
	assert_int_equal(mg_pf_sasl_conf_parse(&m, srcfile(&m, "/c",
	    "# Cyrus SASL for Postfix\n"
	    "\n"
	    "   PWCheck_Method:   saslauthd auxprop  \n"
	    "\t# indented comment\n"
	    "sql_passwd: s3cret\n"
	    "auxprop_plugin:sql\n")), 0);
	assert_int_equal(m.nauth, 2);
	assert_string_equal(m.auth[0].name, "pwcheck_method");
	assert_string_equal(m.auth[0].value, "saslauthd auxprop");
	assert_int_equal(m.auth[0].line, 3);
	assert_string_equal(m.auth[1].value, "sql");
	for (i = 0; i < m.nauth; i++)
		assert_null(strstr(m.auth[i].value, "s3cret"));
	mg_model_free(&m);
}

/* test_conf_invalid_line - Cyrus refuses the whole file: said, -1; a
 * line of the key alone is not read past its end (make asan) */
static void
test_conf_invalid_line(void **state)
{
	static const struct {
		const char *name, *text;
	} cases[] = {
		{ "no colon", "pwcheck_method auxprop\n" },
		{ "key alone", "pwcheck_method\n" },
		{ "key alone, no newline", "pwcheck_method" },
		{ "key alone, then a line", "mech_list\nx: y\n" },
		{ "empty value", "pwcheck_method:   \n" },
		{ "odd key", "pwcheck.method: auxprop\n" },
	};
	struct mg_model m;
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		mg_model_init(&m);
		if (mg_pf_sasl_conf_parse(&m, srcfile(&m, "/x/smtpd.conf",
		    cases[i].text)) != -1)
			fail_msg("%s: accepted", cases[i].name);
		assert_int_equal(m.nwarnings, 1);
		assert_non_null(strstr(m.warnings[0], "/x/smtpd.conf:1:"));
		mg_model_free(&m);
	}
}

/* test_sasldb_lab - the lab's three accounts, realm apart */
static void
test_sasldb_lab(void **state)
{
	struct mg_model m;

	(void)state;
	mg_model_init(&m);
	assert_int_equal(mg_pf_sasldb_parse(&m, lab_list, "sasldb /db"), 3);
	assert_string_equal(m.users[1].name, "root");
	assert_string_equal(m.users[1].realm, "mail.example.com");
	assert_string_equal(m.users[1].source, "sasldb /db");
	assert_int_equal(m.users[1].uid, -1);
	assert_non_null(mg_model_user(&m, "bob", "mail.example.com"));
	assert_null(mg_model_user(&m, "bob", "example.com"));
	mg_model_free(&m);
}

/* test_sasldb_realm_forms - realms after the last "@"; no realm; a
 * second secret of the same account; junk */
static void
test_sasldb_realm_forms(void **state)
{
	static const char *extra =
	    "carol: userPassword\n"
	    "dave@shop@example.org: userPassword\n"
	    "root@mail.example.com: cmusaslsecretOTP\n"
	    "no separator here\n"
	    ": userPassword\n"
	    "@: userPassword\n"
	    "\n";
	struct mg_model m;
	const struct mg_user *u;

	(void)state;
	mg_model_init(&m);
	assert_int_equal(mg_pf_sasldb_parse(&m, realm_list, "sasldb /a"), 3);
	u = mg_model_user(&m, "alice", NULL);
	assert_non_null(u);
	assert_string_equal(u->realm, "example.com");
	assert_string_equal(mg_model_user(&m, "bob", NULL)->realm, "vm");
	assert_int_equal(mg_pf_sasldb_parse(&m, extra, "sasldb /a"), 3);
	assert_int_equal(m.nusers, 6);
	u = mg_model_user(&m, "carol", NULL);
	assert_non_null(u);
	assert_null(u->realm);
	u = mg_model_user(&m, "dave@shop", NULL);
	assert_non_null(u);
	assert_string_equal(u->realm, "example.org");
	assert_non_null(mg_model_user(&m, "@", NULL));
	/* the same name in another sasldb is another account */
	assert_int_equal(mg_pf_sasldb_parse(&m, "root@mail.example.com: "
	    "userPassword\n", "sasldb /b"), 1);
	mg_model_free(&m);
}

/* test_sasldb_empty - an empty sasldb lists nothing (sasldblistusers2
 * prints nothing and exits 0, as it does for a missing file) */
static void
test_sasldb_empty(void **state)
{
	struct mg_model m;

	(void)state;
	mg_model_init(&m);
	assert_int_equal(mg_pf_sasldb_parse(&m, "", "sasldb /e"), 0);
	assert_int_equal(m.nusers, 0);
	mg_model_free(&m);
}

/* Debian 12's /etc/passwd, shortened, plus a person and odd lines. */
static const char *passwd =
    "root:x:0:0:root:/root:/bin/bash\n"
    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
    "sync:x:4:65534:sync:/bin:/bin/sync\n"
    "postfix:x:104:111::/var/spool/postfix:/usr/sbin/nologin\n"
    "sshd:x:105:65534::/run/sshd:/usr/sbin/nologin\n"
    "backupuser:x:998:998::/home/b:\n"
    "alice:x:1000:1000:Alice,,,:/home/alice:/bin/bash\n"
    "nobody:x:65534:65534:nobody:/nonexistent:/bin/false\n"
    "+@netgroup::::::\n"
    "broken:x:notanumber:0::/:/bin/sh\n"
    "short:x:5\n";

/* test_passwd_uids - accounts get the uid of the host account */
static void
test_passwd_uids(void **state)
{
	struct mg_model m;

	(void)state;
	mg_model_init(&m);
	(void)mg_pf_sasldb_parse(&m, lab_list, "sasldb /db");
	(void)mg_model_user_add(&m, "sshd", "r", "sasldb /db");
	mg_pf_sasl_passwd(&m, passwd, 0);
	assert_int_equal(m.nusers, 4);
	assert_int_equal(mg_model_user(&m, "root", NULL)->uid, 0);
	assert_int_equal(mg_model_user(&m, "sshd", NULL)->uid, 105);
	assert_int_equal(mg_model_user(&m, "alice", NULL)->uid, 1000);
	assert_int_equal(mg_model_user(&m, "bob", NULL)->uid, -1);
	mg_model_free(&m);
}

/* test_passwd_login_accounts - with PAM behind SASL: accounts that can
 * log in (a shell; an empty one is /bin/sh) */
static void
test_passwd_login_accounts(void **state)
{
	struct mg_model m;
	size_t i;

	(void)state;
	mg_model_init(&m);
	mg_pf_sasl_passwd(&m, passwd, 1);
	assert_int_equal(m.nusers, 3);
	assert_string_equal(m.users[0].name, "root");
	assert_int_equal(m.users[0].uid, 0);
	assert_string_equal(m.users[1].name, "backupuser");
	assert_string_equal(m.users[2].name, "alice");
	for (i = 0; i < m.nusers; i++)
		assert_string_equal(m.users[i].source, MG_PF_SASL_SYSTEM);
	mg_model_free(&m);
}

/* test_saslauthd_mechanisms - Debian's file: the last assignment */
static void
test_saslauthd_mechanisms(void **state)
{
	static const struct {
		const char *name, *text, *want;
		unsigned line;
	} cases[] = {
		{ "debian", "# Example: MECHANISMS=\"pam\"\n"
		    "MECHANISMS=\"pam\"\n" "MECH_OPTIONS=\"\"\n", "pam", 2 },
		{ "last wins", "MECHANISMS=\"pam\"\n"
		    "export MECHANISMS='shadow'\n", "shadow", 2 },
		{ "bare", "  MECHANISMS=sasldb # local db\n", "sasldb", 1 },
		{ "none", "# MECHANISMS=\"pam\"\nNAME=x\n", NULL, 0 },
	};
	const struct mg_param *p;
	struct mg_model m;
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		mg_model_init(&m);
		p = mg_pf_saslauthd_parse(&m, srcfile(&m,
		    "/etc/default/saslauthd", cases[i].text));
		if (cases[i].want == NULL) {
			assert_null(p);
		} else {
			if (p == NULL || strcmp(p->value, cases[i].want) != 0)
				fail_msg("%s: %s", cases[i].name, p != NULL ?
				    p->value : "(none)");
			assert_int_equal(p->line, cases[i].line);
		}
		mg_model_free(&m);
	}
}

/* test_doveconf_passdbs - doveconf -n: Debian's default PAM passdb
 * (auth-system.conf.ext), a passwd-file with options, 2.4's form */
static void
test_doveconf_passdbs(void **state)
{
	static const char *out =
	    "# 2.3.19.1 (9b53102964): /etc/dovecot/dovecot.conf\n"
	    "auth_mechanisms = plain login\n"
	    "passdb {\n"
	    "  driver = pam\n"
	    "}\n"
	    "passdb {\n"
	    "  args = scheme=CRYPT username_format=%u /etc/dovecot/users\n"
	    "  driver = passwd-file\n"
	    "}\n"
	    "service auth {\n"
	    "  unix_listener /var/spool/postfix/private/auth {\n"
	    "    mode = 0660\n"
	    "  }\n"
	    "}\n"
	    "userdb {\n"
	    "  driver = passwd\n"
	    "}\n"
	    "passdb ldap {\n"
	    "}\n";
	struct mg_model m;

	(void)state;
	mg_model_init(&m);
	assert_int_equal(mg_pf_doveconf_parse(&m, out), 3);
	assert_int_equal(m.nauth, 4);
	assert_string_equal(m.auth[0].name, "passdb");
	assert_string_equal(m.auth[0].value, "pam");
	assert_string_equal(m.auth[1].value, "passwd-file");
	assert_string_equal(m.auth[2].name, "passdb_args");
	assert_string_equal(m.auth[2].value,
	    "scheme=CRYPT username_format=%u /etc/dovecot/users");
	assert_string_equal(m.auth[3].value, "ldap");
	assert_null(m.auth[0].file);
	mg_model_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf_lab),
		cmocka_unit_test(test_conf_as_cyrus_reads_it),
		cmocka_unit_test(test_conf_invalid_line),
		cmocka_unit_test(test_sasldb_lab),
		cmocka_unit_test(test_sasldb_realm_forms),
		cmocka_unit_test(test_sasldb_empty),
		cmocka_unit_test(test_passwd_uids),
		cmocka_unit_test(test_passwd_login_accounts),
		cmocka_unit_test(test_saslauthd_mechanisms),
		cmocka_unit_test(test_doveconf_passdbs),
	};

	return (cmocka_run_group_tests_name("pf_sasl", tests, NULL, NULL));
}
