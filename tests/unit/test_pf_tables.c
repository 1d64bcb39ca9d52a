/* test_pf_tables.c - master.cf services, overrides, map listings, and
 * how each table can be read (proxymap, postconf -m, the master). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../checks/checks.h"
#include "mg_test.h"
#include "pf_fixture.h"

/* Captured from Postfix 3.7.11 (postconf -M, -P) on a lab instance. */
static const char *m_out =
    "pickup     unix  n       -       n       60      1       pickup\n"
    "relay      unix  -       -       n       -       -       smtp "
    "-o syslog_name=postfix/$service_name\n"
    "smtp       inet  n       -       y       -       -       smtpd\n"
    "submission inet  n       -       y       -       -       smtpd "
    "-o syslog_name=postfix/submission -o smtpd_tls_security_level=encrypt"
    " -o smtpd_sasl_auth_enable=yes\n"
    "[::1]:2525 inet n - n - - smtpd\n"
    "broken line\n";
static const char *p_out =
    "relay/unix/syslog_name = postfix/$service_name\n"
    "submission/inet/smtpd_sasl_auth_enable = yes\n"
    "submission/inet/smtpd_tls_security_level = encrypt\n"
    "submission/inet/syslog_name = postfix/submission\n"
    "submission/inet/smtpd_relay_restrictions = "
    "permit_sasl_authenticated, reject\n"
    "nonsense = 1\n"
    "/inet/x = 1\n";
static const char *master_cf =
    "# master.cf\n"
    "pickup     unix  n       -       n       60      1       pickup\n"
    "relay      unix  -       -       n       -       -       smtp\n"
    "  -o syslog_name=postfix/$service_name\n"
    "smtp       inet  n       -       y       -       -       smtpd\n"
    "#submission inet n       -       y       -       -       smtpd\n"
    "submission inet  n       -       y       -       -       smtpd\n"
    "  -o syslog_name=postfix/submission\n"
    "#  -o smtpd_sasl_auth_enable=no\n"
    "  -o smtpd_tls_security_level=encrypt\n"
    "\n"
    "  -o smtpd_sasl_auth_enable=yes\n"
    "  -o { smtpd_relay_restrictions = permit_sasl_authenticated, "
    "reject }\n"
    "[::1]:2525 inet n - n - - smtpd\n";

/* test_services - every service, its command, file:line and overrides */
static void
test_services(void **state)
{
	struct mg_model m;
	const struct mg_service *s;
	const struct mg_param *o;

	(void)state;
	pf_build(&m, "", NULL, "");
	pf_master(&m, m_out, p_out, master_cf);
	assert_int_equal(m.nservices, 5);
	s = mg_model_service(&m, "smtp", "inet");
	assert_non_null(s);
	assert_string_equal(s->command, "smtpd");
	assert_int_equal(s->line, 5);
	assert_int_equal(s->noverrides, 0);
	s = mg_model_service(&m, "submission", "inet");
	assert_non_null(s);
	assert_int_equal(s->line, 7);
	assert_int_equal(s->noverrides, 4);
	o = mg_service_override(s, "smtpd_sasl_auth_enable");
	assert_non_null(o);
	assert_string_equal(o->value, "yes");
	/* the commented-out line 9 is not it */
	assert_int_equal(o->line, 12);
	o = mg_service_override(s, "smtpd_relay_restrictions");
	assert_non_null(o);
	assert_int_equal(o->line, 13);
	assert_string_equal(o->value, "permit_sasl_authenticated, reject");
	s = mg_model_service(&m, "[::1]:2525", "inet");
	assert_non_null(s);
	assert_int_equal(s->line, 14);
	assert_null(mg_model_service(&m, "broken", "line"));
	/* a service's value: its override, else the global setting */
	assert_string_equal(mg_service_value(&m, mg_model_service(&m,
	    "submission", "inet"), "smtpd_tls_security_level", NULL),
	    "encrypt");
	assert_null(mg_service_value(&m, mg_model_service(&m, "smtp",
	    "inet"), "smtpd_tls_security_level", NULL));
	mg_model_free(&m);
}

/* test_edit_override_brace - a fix's new value for an override written
 * in Postfix 3.0's brace form "-o { name = a, b }" replaces the whole
 * value up to the brace (not its first word), and the plain form
 * "-o name=value" its value */
static void
test_edit_override_brace(void **state)
{
	struct mg_model m;
	struct mg_report r;
	struct mg_fix *x;
	const struct mg_service *s;

	(void)state;
	pf_build(&m, "", NULL, "");
	pf_master(&m, m_out, p_out, master_cf);
	s = mg_model_service(&m, "submission", "inet");
	mg_report_init(&r);
	x = mg_report_fix(&r, "t", "t");
	assert_int_equal(mg_check_pf_edit_override(&m, x,
	    mg_service_override(s, "smtpd_relay_restrictions"),
	    "permit_sasl_authenticated,reject_unauth_destination"), 1);
	assert_int_equal(mg_check_pf_edit_override(&m, x,
	    mg_service_override(s, "smtpd_tls_security_level"), "may"), 1);
	assert_int_equal(x->nedits, 2);
	assert_string_equal(x->edits[0].new_text, "  -o { smtpd_relay_"
	    "restrictions = permit_sasl_authenticated,reject_unauth_"
	    "destination }");
	assert_string_equal(x->edits[1].new_text,
	    "  -o smtpd_tls_security_level=may");
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_edit_override_same_line - two -o of one name on one master.cf
 * line: postconf -P and smtpd take the last, and so does the edit (it
 * changed the first, leaving the one that counts) */
static void
test_edit_override_same_line(void **state)
{
	static const char *mm = "submission inet n - y - - smtpd -o "
	    "smtpd_tls_security_level=encrypt -o smtpd_tls_security_level="
	    "may\n";
	static const char *pp = "submission/inet/smtpd_tls_security_level = "
	    "may\n";
	static const char *mcf = "submission inet n - y - - smtpd -o "
	    "smtpd_tls_security_level=encrypt -o smtpd_tls_security_level="
	    "may\n";
	struct mg_model m;
	struct mg_report r;
	struct mg_fix *x;
	const struct mg_service *s;

	(void)state;
	pf_build(&m, "", NULL, "");
	pf_master(&m, mm, pp, mcf);
	s = mg_model_service(&m, "submission", "inet");
	assert_non_null(s);
	mg_report_init(&r);
	x = mg_report_fix(&r, "t", "t");
	assert_int_equal(mg_check_pf_edit_override(&m, x,
	    mg_service_override(s, "smtpd_tls_security_level"), "encrypt"), 1);
	assert_int_equal(x->nedits, 1);
	assert_string_equal(x->edits[0].new_text, "submission inet n - y - - "
	    "smtpd -o smtpd_tls_security_level=encrypt -o "
	    "smtpd_tls_security_level=encrypt");
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_listing - postmap -s and postalias -s output */
static void
test_listing(void **state)
{
	struct mg_model m;
	struct mg_map *t;

	(void)state;
	mg_model_init(&m);
	t = mg_model_map_add(&m, "hash:/etc/postfix/sender_access");
	assert_string_equal(t->type, "hash");
	assert_string_equal(t->name, "/etc/postfix/sender_access");
	mg_pf_map_parse_listing(t, "example.com\tOK\n"
	    "spam.example\tREJECT go away now\n\n", 0);
	assert_int_equal(t->nentries, 2);
	assert_string_equal(t->entries[1].value, "REJECT go away now");
	assert_true(t->listed);
	t = mg_model_map_add(&m, "hash:/etc/aliases");
	mg_pf_map_parse_listing(t, "@:\t@\nYP_LAST_MODIFIED:\t1795406380\n"
	    "postmaster:\troot\nroot:\tadmin@ops.example.net\n", 1);
	assert_int_equal(t->nentries, 2);
	assert_string_equal(t->entries[0].key, "postmaster");
	assert_string_equal(t->entries[1].value, "admin@ops.example.net");
	assert_ptr_equal(mg_model_map(&m, "hash:/etc/aliases"), t);
	mg_model_free(&m);
}

/* test_source_tables - cidr and regexp tables read from their text */
static void
test_source_tables(void **state)
{
	struct mg_model m;
	struct mg_map *t;

	(void)state;
	mg_model_init(&m);
	t = pf_map(&m, "cidr:/etc/postfix/nets.cidr", NULL,
	    "/etc/postfix/nets.cidr", "# trusted\n"
	    "10.0.0.0/8\tOK\n"
	    "  continued\n"
	    "[2001:db8::]/32   OK\n"
	    "\n192.0.2.1 REJECT\n");
	assert_int_equal(t->nentries, 3);
	assert_string_equal(t->entries[0].key, "10.0.0.0/8");
	assert_int_equal(t->entries[0].line, 2);
	assert_string_equal(t->entries[1].key, "[2001:db8::]/32");
	assert_string_equal(t->entries[2].value, "REJECT");
	assert_int_equal(t->entries[2].line, 6);
	t = pf_map(&m, "regexp:/etc/postfix/s.re", NULL, "/etc/postfix/s.re",
	    "/^.*@example\\.com$/ OK\n"
	    "!/ with space/i  REJECT x\n"
	    "if /^a/\n");
	assert_int_equal(t->nentries, 3);
	assert_string_equal(t->entries[0].key, "/^.*@example\\.com$/");
	assert_string_equal(t->entries[0].value, "OK");
	assert_string_equal(t->entries[1].key, "!/ with space/i");
	assert_string_equal(t->entries[1].value, "REJECT x");
	mg_model_free(&m);
}

/* test_answers - postmap -q - output: found keys, and the rest not found */
static void
test_answers(void **state)
{
	static const char *const keys[] = { "root@localhost",
	    "postmaster@localhost", "@localhost", NULL };
	struct mg_model m;
	struct mg_map *t;

	(void)state;
	mg_model_init(&m);
	t = mg_model_map_add(&m, "hash:/etc/postfix/virtual");
	mg_pf_map_parse_answers(t, "postmaster@localhost\tadmin@example.com\n"
	    "root@localhostx\twrong\n", keys, 0);
	assert_int_equal(t->nanswers, 3);
	assert_null(mg_map_answer(t, "root@localhost")->value);
	assert_string_equal(mg_map_answer(t, "postmaster@localhost")->value,
	    "admin@example.com");
	assert_null(mg_map_answer(t, "@localhost")->value);
	assert_null(mg_map_answer(t, "never-asked"));
	mg_model_free(&m);
}

/* test_map_ref - which list elements are tables */
static void
test_map_ref(void **state)
{
	char out[64];

	(void)state;
	assert_true(mg_pf_map_ref("cidr:/etc/x", 11, out, sizeof(out)));
	assert_string_equal(out, "cidr:/etc/x");
	assert_true(mg_pf_map_ref("inline:{a=b}", 12, out, sizeof(out)));
	assert_false(mg_pf_map_ref("[::1]/128", 9, out, sizeof(out)));
	assert_false(mg_pf_map_ref("permit_mynetworks", 17, out,
	    sizeof(out)));
	assert_false(mg_pf_map_ref("nosuchtype:/x", 13, out, sizeof(out)));
	assert_false(mg_pf_map_ref("hash:/a/very/long/path/that/does/not/fit"
	    "/in/the/buffer/at/all/xxxxxxx", 68, out, sizeof(out)));
}

/* postconf -m of Debian 12's postfix 3.7.11 without postfix-mysql,
 * -pgsql, -ldap, -lmdb, -pcre, -cdb, -sqlite */
static const char *const postconf_m = "btree\ncidr\nenviron\nfail\nhash\n"
    "inline\ninternal\nmemcache\nnis\npipemap\nproxy\nrandmap\nregexp\n"
    "socketmap\nstatic\ntcp\ntexthash\nunionmap\nunix\n";

/* test_routes - how each table is read, with the master running or not:
 * proxymap only while it runs, a local inner table directly otherwise, a
 * type postconf -m lacks at once, servers elsewhere within the budget */
static void
test_routes(void **state)
{
	static const struct {
		const char *name, *ref;
		int master, with_mysql;
		enum mg_pf_route want;
		const char *use, *why;
	} cases[] = {
		{ "hash", "hash:/etc/aliases", 0, 0, MG_PF_LOCAL,
		    "hash:/etc/aliases", "" },
		{ "proxy hash, stopped", "proxy:hash:/etc/aliases", 0, 0,
		    MG_PF_INNER, "hash:/etc/aliases", "" },
		{ "proxy hash, running", "proxy:hash:/etc/aliases", 1, 0,
		    MG_PF_PROXY, "proxy:hash:/etc/aliases", "" },
		{ "proxy unix, stopped", "proxy:unix:passwd.byname", 0, 0,
		    MG_PF_INNER, "unix:passwd.byname", "" },
		{ "mysql missing", "mysql:/etc/postfix/v.cf", 1, 0,
		    MG_PF_UNREAD, "mysql:/etc/postfix/v.cf",
		    "mysql: is not a table type this Postfix has "
		    "(postconf -m does not list it; is the postfix-mysql "
		    "package installed?)" },
		{ "proxy mysql missing", "proxy:mysql:/etc/postfix/v.cf", 1,
		    0, MG_PF_UNREAD, "proxy:mysql:/etc/postfix/v.cf",
		    "mysql: is not a table type" },
		{ "lmdb missing", "lmdb:/etc/postfix/access", 0, 0,
		    MG_PF_UNREAD, "lmdb:/etc/postfix/access",
		    "postfix-lmdb package" },
		{ "mysql", "mysql:/etc/postfix/v.cf", 0, 1, MG_PF_NET,
		    "mysql:/etc/postfix/v.cf", "" },
		{ "proxy mysql, stopped", "proxy:mysql:/etc/postfix/v.cf", 0,
		    1, MG_PF_UNREAD, "proxy:mysql:/etc/postfix/v.cf",
		    "Postfix is not running, so proxymap cannot answer, and "
		    "mysql: is not a local file to read directly" },
		{ "proxy mysql, running", "proxy:mysql:/etc/postfix/v.cf", 1,
		    1, MG_PF_NET, "proxy:mysql:/etc/postfix/v.cf", "" },
		{ "tcp", "tcp:127.0.0.1:9", 0, 0, MG_PF_NET,
		    "tcp:127.0.0.1:9", "" },
	};
	struct mg_pf_reader r, rm;
	const char *use;
	char why[512];
	size_t i;

	(void)state;
	memset(&r, 0, sizeof(r));
	memset(&rm, 0, sizeof(rm));
	mg_pf_reader_types(&r, postconf_m);
	assert_int_equal(r.ntypes, 19);
	mg_pf_reader_types(&rm, postconf_m);
	mg_pf_reader_types(&rm, "mysql\n");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct mg_pf_reader *p = cases[i].with_mysql ? &rm : &r;

		p->master = cases[i].master;
		if (mg_pf_map_route(p, cases[i].ref, &use, why, sizeof(why)) !=
		    cases[i].want || strcmp(use, cases[i].use) != 0 ||
		    strstr(why, cases[i].why) == NULL ||
		    (cases[i].why[0] == '\0') != (why[0] == '\0'))
			fail_msg("%s: route %d use %s why \"%s\"",
			    cases[i].name, (int)mg_pf_map_route(p,
			    cases[i].ref, &use, why, sizeof(why)), use, why);
	}
	/* postconf -m not known: postmap judges, within the budget */
	mg_pf_reader_free(&r);
	assert_int_equal(mg_pf_map_route(&r, "mysql:/x.cf", &use, why,
	    sizeof(why)), MG_PF_NET);
	mg_pf_reader_free(&rm);
}

/* test_master_running - master.pid as Postfix writes it ("%*d\n"): a live
 * pid is running; a dead one, garbage or no file is not */
static void
test_master_running(void **state)
{
	char dir[] = "/tmp/mg-pfpid.XXXXXX", sub[64], pid[80];
	pid_t dead;
	FILE *fp;

	(void)state;
	assert_non_null(mkdtemp(dir));
	(void)snprintf(sub, sizeof(sub), "%s/pid", dir);
	(void)snprintf(pid, sizeof(pid), "%s/master.pid", sub);
	assert_int_equal(mg_pf_master_running(dir), 0);
	assert_int_equal(mkdir(sub, 0700), 0);
	assert_int_equal(mg_pf_master_running(dir), 0);
	assert_non_null(fp = fopen(pid, "w"));
	(void)fprintf(fp, "%10d\n", (int)getpid());
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(mg_pf_master_running(dir), 1);
	assert_int_equal(mg_pf_master_running("relative/dir"), 0);
	assert_true((dead = fork()) >= 0);
	if (dead == 0)
		_exit(0);
	assert_int_equal(waitpid(dead, NULL, 0), dead);
	assert_non_null(fp = fopen(pid, "w"));
	(void)fprintf(fp, "%10d\n", (int)dead);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(mg_pf_master_running(dir), 0);
	assert_non_null(fp = fopen(pid, "w"));
	(void)fprintf(fp, "master\n");
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(mg_pf_master_running(dir), 0);
	(void)unlink(pid);
	(void)rmdir(sub);
	(void)rmdir(dir);
}

/* test_passwd_and_domains - unix:passwd.byname (also through proxy:) is
 * answered by getpwnam as dict_unix does, an address key never; a table
 * used as a domain list gives its domain keys (virtual_alias_domains =
 * $virtual_alias_maps), not its addresses or bare local parts */
static void
test_passwd_and_domains(void **state)
{
	struct mg_pf_reader r;
	const struct mg_map_entry *e;
	const struct mg_map *t;
	struct mg_model m;
	char *doms[8];
	size_t n;

	(void)state;
	pf_build(&m, "mydestination = localhost\n"
	    "local_recipient_maps = proxy:unix:passwd.byname\n", NULL, "");
	memset(&r, 0, sizeof(r));
	r.dir = "/nonexistent";
	mg_pf_maps_ask_aliases(&m, &r);
	t = mg_model_map(&m, "proxy:unix:passwd.byname");
	assert_non_null(t);
	assert_null(t->error);
	e = mg_map_answer(t, "root");
	assert_non_null(e);
	assert_non_null(e->value);
	assert_int_equal(strncmp(e->value, "root:x:0:", 9), 0);
	e = mg_map_answer(t, "root@localhost");
	assert_non_null(e);
	assert_null(e->value);
	e = mg_map_answer(t, "@localhost");
	assert_non_null(e);
	assert_null(e->value);
	mg_model_free(&m);

	pf_build(&m, "virtual_alias_domains = hash:/etc/postfix/virtual, "
	    "example.org\n", NULL, "");
	(void)pf_map(&m, "hash:/etc/postfix/virtual", "example.net\tx\n"
	    "info@example.net\talice@example.com\nsales\tbob@example.com\n"
	    "Example.ORG\tx\n", NULL, NULL);
	doms[0] = NULL;
	n = mg_pf_domains(&m, "virtual_alias_domains", doms, 0, 8);
	assert_int_equal(n, 2);
	assert_string_equal(doms[0], "example.net");
	assert_string_equal(doms[1], "Example.ORG");
	assert_null(doms[2]);
	free(doms[0]);
	free(doms[1]);
	mg_model_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_services),
		cmocka_unit_test(test_edit_override_brace),
		cmocka_unit_test(test_edit_override_same_line),
		cmocka_unit_test(test_listing),
		cmocka_unit_test(test_source_tables),
		cmocka_unit_test(test_answers),
		cmocka_unit_test(test_map_ref),
		cmocka_unit_test(test_routes),
		cmocka_unit_test(test_master_running),
		cmocka_unit_test(test_passwd_and_domains),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
