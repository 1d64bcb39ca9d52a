/* test_exim_conf.c - Exim lists, -bP config parsing, locating statements
 * in the source, Debian's generated file mapped to its template, and the
 * ACL checks on that model. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../backends/exim/exim_conf.h"
#include "../../backends/exim/exim_debian.h"
#include "../../backends/exim/exim_list.h"
#include "../../backends/exim/exim_log.h"
#include "../../backends/exim/exim_route.h"
#include "../../checks/checks.h"
#include "../../core/mg_err.h"
#include "../../core/mg_file.h"
#include "../../core/mg_str.h"
#include "mg_test.h"
#include "../../core/mg_maillog.h"
#include "../../core/mg_host.h"

/* items - a list's items joined with '|' */
static void
items(const char *list, char *out, size_t size)
{
	struct mg_exim_list l;
	struct mg_str it = MG_STR_INIT;
	size_t o = 0;

	out[0] = '\0';
	mg_exim_list_init(&l, list);
	while (mg_exim_list_next(&l, &it))
		o += (size_t)snprintf(out + o, size - o, "%s[%s]",
		    o > 0 ? "|" : "", it.data != NULL ? it.data : "");
	mg_str_free(&it);
}

/* test_lists - separators, doubling, empty items, "<;" */
static void
test_lists(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "a : b:c", "[a]|[b]|[c]" },
		{ ": 127.0.0.1 : ::::1", "[]|[127.0.0.1]|[::1]" },
		{ ":", "[]" },
		{ "", "" },
		{ "   ", "" },
		{ "a:", "[a]" },
		{ "! 127.0.0.0/8 : ! ::1", "[! 127.0.0.0/8]|[! :1]" },
		{ "fe80::1", "[fe80:1]" },
		{ "<; 127.0.0.1 ; ::1", "[127.0.0.1]|[::1]" },
		{ "<, a,, b , c", "[a, b]|[c]" },
		{ "  <;a;;b", "[a;b]" },
		{ "@ : localhost : @[]", "[@]|[localhost]|[@[]]" },
	};
	char out[256];
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		items(cases[i].in, out, sizeof(out));
		if (strcmp(out, cases[i].want) != 0)
			fail_msg("\"%s\": got \"%s\"", cases[i].in, out);
	}
	assert_true(mg_exim_ipv6_broken("! :1"));
	assert_true(mg_exim_ipv6_broken("fe80:1"));
	assert_true(mg_exim_ipv6_broken("db8:/32"));
	assert_false(mg_exim_ipv6_broken("::1"));
	assert_false(mg_exim_ipv6_broken("! 2001:db8::/32"));
	assert_false(mg_exim_ipv6_broken("127.0.0.1"));
	assert_false(mg_exim_ipv6_broken("net-lsearch;/etc/x"));
	assert_false(mg_exim_ipv6_broken("*.example.com"));
}

/* The test config (written to a temp dir) and what Exim 4.96 -bP config
 * printed for it, paths replaced by %s. */
#define CONF_FMT \
    "# test config\n" \
    "spool_directory = %s/spool\n" \
    "LOCAL_DOMS = @ : localhost : example.com\n" \
    "domainlist local_domains = LOCAL_DOMS\n" \
    "hostlist   relay_from_hosts = 127.0.0.1 : ! ::1\n" \
    "local_interfaces = <; 127.0.0.1 ; ::1\n" \
    "acl_smtp_rcpt = acl_check_rcpt\n" \
    "\n" \
    "begin acl\n" \
    "\n" \
    "acl_check_rcpt:\n" \
    "  accept  hosts = :\n" \
    ".ifdef NOT_DEFINED\n" \
    "  accept  local_parts = root\n" \
    "          domains = +local_domains\n" \
    ".endif\n" \
    "  # postmaster from anyone\n" \
    "  accept  local_parts   = postmaster\n" \
    "          domains       = +local_domains\n" \
    "  deny    condition = ${if eq{$sender_address}{}}\n" \
    "          message = no bounces here\n" \
    "  deny\n" \
    "          ! verify = sender\n" \
    ".include %s/inc.conf\n" \
    "  require message = relay not permitted\n" \
    "          domains = +local_domains\n" \
    "  accept\n" \
    "\n" \
    "begin authenticators\n" \
    "\n" \
    "plain_server:\n" \
    "  driver = plaintext\n" \
    "  public_name = PLAIN\n" \
    "  server_condition = ${if saslauthd{{$auth2}{$auth3}}}\n"
static const char *inc =
    "  # included: relay for the office\n"
    "  accept  hosts = +relay_from_hosts\n"
    "          control = submission\n";
#define BP_FMT \
    "# Exim Configuration (4.96)\n" \
    "# 1 \"%s/exim.conf\"\n" \
    "spool_directory = %s/spool\n" \
    "LOCAL_DOMS = @ : localhost : example.com\n" \
    "domainlist local_domains = @ : localhost : example.com\n" \
    "hostlist relay_from_hosts = 127.0.0.1 : ! ::1\n" \
    "local_interfaces = <; 127.0.0.1 ; ::1\n" \
    "acl_smtp_rcpt = acl_check_rcpt\n" \
    "\n" \
    "begin acl\n" \
    "\n" \
    "  acl_check_rcpt:\n" \
    "    accept hosts = :\n" \
    "    accept local_parts = postmaster\n" \
    "    domains = +local_domains\n" \
    "    deny condition = ${if eq{$sender_address}{}}\n" \
    "    message = no bounces here\n" \
    "    deny\n" \
    "    ! verify = sender\n" \
    "# 26 \"%s/exim.conf\"\n" \
    "# 1 \"%s/inc.conf\"\n" \
    "    accept hosts = +relay_from_hosts\n" \
    "    control = submission\n" \
    "    require message = relay not permitted\n" \
    "    domains = +local_domains\n" \
    "    accept\n" \
    "\n" \
    "begin authenticators\n" \
    "\n" \
    "  plain_server:\n" \
    "    driver = plaintext\n" \
    "    public_name = PLAIN\n" \
    "    server_condition = ${if saslauthd{{$auth2}{$auth3}}}\n"

/* write_file - dir/name with text */
static void
write_file(const char *dir, const char *name, const char *text)
{
	char path[4096];
	FILE *fp;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_int_equal(fputs(text, fp) >= 0, 1);
	assert_int_equal(fclose(fp), 0);
}

/* rm_dir - remove the files a test wrote, then the directory */
static void
rm_dir(const char *dir, const char *const *names)
{
	char path[4096];
	size_t i;

	for (i = 0; names[i] != NULL; i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (unlink(path) < 0)
			(void)rmdir(path);
	}
	(void)rmdir(dir);
}

/* build - the model as the Exim backend makes it from the test config */
static void
build(struct mg_model *m, char *dir, size_t size)
{
	static const char *const macros[] = { "LOCAL_DOMS", "_HAVE_TLS",
	    NULL };
	struct mg_str text = MG_STR_INIT, conf = MG_STR_INIT;
	struct mg_err err;

	(void)snprintf(dir, size, "/tmp/mg-test-exim.XXXXXX");
	assert_non_null(mkdtemp(dir));
	mg_str_printf(&conf, CONF_FMT, dir, dir);
	write_file(dir, "exim.conf", mg_str_cstr(&conf));
	write_file(dir, "inc.conf", inc);
	mg_str_printf(&text, BP_FMT, dir, dir, dir, dir);
	mg_model_init(m);
	m->mta = MG_MTA_EXIM;
	mg_model_param_add(m, "acl_smtp_rcpt")->value =
	    mg_xstrdup("acl_check_rcpt");
	mg_exim_conf_parse(m, mg_str_cstr(&text));
	mg_str_reset(&conf);
	mg_str_printf(&conf, "%s/exim.conf", dir);
	m->config_file = mg_xstrdup(mg_str_cstr(&conf));
	assert_int_equal(mg_model_read_file(m, m->config_file, &err), 0);
	mg_exim_conf_locate(m, mg_model_file(m, m->config_file), macros);
	mg_str_free(&text);
	mg_str_free(&conf);
}

/* test_parse_and_locate - statements, conditions, includes, .ifdef */
static void
test_parse_and_locate(void **state)
{
	static const char *const names[] = { "exim.conf", "inc.conf", NULL };
	struct mg_model m;
	const struct mg_rule *r;
	const struct mg_param *p;
	char dir[64];
	size_t acl = 0, i;

	(void)state;
	build(&m, dir, sizeof(dir));
	for (i = 0; i < m.nrules; i++)
		if (strcmp(m.rules[i].group, "acl_check_rcpt") == 0)
			acl++;
	assert_int_equal(acl, 7);
	r = &m.rules[1];	/* accept local_parts = postmaster */
	assert_string_equal(r->verb, "accept");
	assert_int_equal(r->nconds, 2);
	assert_string_equal(r->conds[0].value, "postmaster");
	assert_int_equal(r->line, 18);	/* not the .ifdef'd one at 14 */
	assert_int_equal(r->conds[1].line, 19);
	r = &m.rules[2];
	assert_string_equal(r->verb, "deny");
	assert_string_equal(r->conds[0].name, "condition");
	assert_int_equal(r->conds[0].line, 20);
	assert_int_equal(r->conds[1].line, 21);
	r = &m.rules[3];
	assert_string_equal(r->conds[0].name, "!verify");
	assert_int_equal(r->line, 22);
	assert_int_equal(r->conds[0].line, 23);
	r = &m.rules[4];	/* from the included file */
	assert_non_null(strstr(r->file, "/inc.conf"));
	assert_int_equal(r->line, 2);
	assert_int_equal(r->conds[1].line, 3);
	r = &m.rules[5];
	assert_string_equal(r->verb, "require");
	assert_int_equal(r->line, 25);
	assert_int_equal(m.rules[6].line, 27);
	r = &m.rules[7];
	assert_string_equal(r->group, "authenticators");
	assert_string_equal(r->verb, "plain_server");
	assert_int_equal(r->line, 31);
	assert_string_equal(mg_rule_cond(r, "driver")->value, "plaintext");
	assert_int_equal(mg_rule_cond(r, "server_condition")->line, 34);
	p = mg_model_param(&m, "+local_domains");
	assert_non_null(p);
	assert_string_equal(p->value, "@ : localhost : example.com");
	assert_int_equal(p->line, 4);
	p = mg_model_param(&m, "local_interfaces");
	assert_int_equal(p->line, 6);
	mg_model_free(&m);
	rm_dir(dir, names);
}

/* test_checks - incident 1 and the colon-list IPv6 on this config */
static void
test_checks(void **state)
{
	static const char *const names[] = { "exim.conf", "inc.conf", NULL };
	struct mg_model m;
	struct mg_report r;
	const struct mg_finding *f = NULL;
	const struct mg_fix *x;
	char dir[64];
	size_t i;

	(void)state;
	build(&m, dir, sizeof(dir));
	mg_report_init(&r);
	mg_check_exim_acl(&m, &r);
	for (i = 0; i < r.nfindings; i++)
		if (strcmp(r.findings[i].id, "exim.localhost.postmaster") == 0)
			f = &r.findings[i];
	assert_non_null(f);
	assert_int_equal(f->evidence[1].line, 18);
	assert_non_null(strstr(f->evidence[2].text, "loopback only"));
	/* a loopback-only daemon: no remote client reaches it today */
	assert_int_equal(f->severity, MG_SEV_LOW);
	x = mg_report_find_fix(&r, "exim.localhost.deny-remote");
	assert_non_null(x);
	assert_int_equal(x->edits[0].line, 18);
	assert_non_null(strstr(x->edits[0].new_text, "hosts = ! 127.0.0.0/8 "
	    ": ! ::::1\n"));
	/* a client without an address (exim -bs) matches a list of
	 * negated items: the deny asks for an address first */
	assert_non_null(strstr(x->edits[0].new_text, "    condition = ${if "
	    "def:sender_host_address}\n    hosts = "));
	assert_non_null(strstr(x->edits[0].new_text, "\n  accept  "
	    "local_parts   = postmaster"));
	x = mg_report_find_fix(&r, "exim.list.semicolon");
	assert_non_null(x);
	assert_int_equal(x->edits[0].line, 5);
	assert_string_equal(x->edits[0].new_text,
	    "hostlist   relay_from_hosts = <; 127.0.0.1 ; ! ::1");
	mg_report_free(&r);
	mg_model_free(&m);
	rm_dir(dir, names);
}

/* test_debian_map - a non-split Debian confdir: generated lines map to
 * the template and localmacros; a hand edit is refused */
static void
test_debian_map(void **state)
{
	static const char *const names[] = { "exim4.conf.template",
	    "exim4.conf.localmacros", "update-exim4.conf.conf", "gen", NULL };
	static const char *tmpl =
	    "# template\n"
	    "UPEX4CmacrosUPEX4C = 1\n"
	    "\n"
	    "\n"
	    "domainlist local_domains = MAIN_LOCAL_DOMAINS\n"
	    "  # comment\n"
	    "begin acl\n";
	static const char *gen =
	    "#########\n"
	    "# WARNING WARNING WARNING\n"
	    "#########\n"
	    "MY = 1\n"
	    "UPEX4CmacrosUPEX4C = 1\n"
	    "##############################################\n"
	    ".ifndef MAIN_LOCAL_DOMAINS\n"
	    "##############################################\n"
	    "\n"
	    "\n"
	    "domainlist local_domains = MAIN_LOCAL_DOMAINS\n"
	    "begin acl\n";
	struct mg_exim_origin *o;
	struct mg_model m;
	char dir[64], path[128];
	size_t n;

	(void)state;
	(void)snprintf(dir, sizeof(dir), "/tmp/mg-test-deb.XXXXXX");
	assert_non_null(mkdtemp(dir));
	write_file(dir, "exim4.conf.template", tmpl);
	write_file(dir, "exim4.conf.localmacros", "# local\nMY = 1\n");
	write_file(dir, "update-exim4.conf.conf",
	    "dc_use_split_config='false'\n");
	write_file(dir, "gen", gen);
	(void)snprintf(path, sizeof(path), "%s/gen", dir);
	mg_model_init(&m);
	assert_int_equal(mg_exim_debian_map(&m, path, dir, &o, &n), 0);
	assert_int_equal(n, 12);
	assert_null(o[0].path);
	assert_non_null(strstr(o[3].path, "exim4.conf.localmacros"));
	assert_int_equal(o[3].line, 2);
	assert_int_equal(o[4].line, 2);		/* UPEX4C... */
	assert_null(o[6].path);			/* the macro block */
	assert_int_equal(o[10].line, 5);
	assert_non_null(strstr(o[10].path, "exim4.conf.template"));
	assert_int_equal(o[11].line, 7);
	free(o);
	mg_model_free(&m);

	write_file(dir, "gen", "#########\n#########\nedited = 1\n");
	mg_model_init(&m);
	assert_int_equal(mg_exim_debian_map(&m, path, dir, &o, &n), -1);
	assert_null(o);
	mg_model_free(&m);
	rm_dir(dir, names);
}

/* test_debian_sources_trusted - what update-exim4.conf puts into the
 * configuration: a conf.d file writable by its group, owned by another
 * user (when we are root), a link to a file in a directory anyone may
 * write, a section directory writable by its group: refused, naming it;
 * a file the generator does not read (a FIFO) and a clean tree pass */
static void
test_debian_sources_trusted(void **state)
{
	char dir[64], path[160], sub[160], link[160];
	struct mg_err err;

	(void)state;
	(void)snprintf(dir, sizeof(dir), "/tmp/mg-test-deb.XXXXXX");
	assert_non_null(mkdtemp(dir));
	write_file(dir, "update-exim4.conf.conf",
	    "dc_use_split_config='true'\n");
	(void)snprintf(path, sizeof(path), "%s/conf.d", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	(void)snprintf(path, sizeof(path), "%s/conf.d/main", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	(void)snprintf(path, sizeof(path), "%s/conf.d/acl", dir);
	assert_int_equal(mkdir(path, 0755), 0);
	write_file(dir, "conf.d/main/01_main", "MAIN = 1\n");
	write_file(dir, "conf.d/acl/30_rcpt", "acl_check_rcpt:\n");
	assert_int_equal(mg_exim_debian_trusted(dir, &err), 0);

	(void)snprintf(path, sizeof(path), "%s/conf.d/main/01_main", dir);
	assert_int_equal(chmod(path, 0664), 0);
	assert_int_equal(mg_exim_debian_trusted(dir, &err), -1);
	assert_non_null(strstr(err.msg, "conf.d/main/01_main belongs to"));
	assert_non_null(strstr(err.msg, "mode 0664"));
	assert_int_equal(chmod(path, 0644), 0);
	if (geteuid() == 0) {
		assert_int_equal(chown(path, 65534, 65534), 0);
		assert_int_equal(mg_exim_debian_trusted(dir, &err), -1);
		assert_non_null(strstr(err.msg, "uid 65534"));
		assert_int_equal(chown(path, 0, 0), 0);
	}
	assert_int_equal(mg_exim_debian_trusted(dir, &err), 0);

	/* a link (root's) to a file in a directory anyone can write */
	(void)snprintf(sub, sizeof(sub), "%s/open", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	assert_int_equal(chmod(sub, 0777), 0);
	write_file(dir, "open/part", "X = 1\n");
	(void)snprintf(path, sizeof(path), "%s/open/part", dir);
	(void)snprintf(link, sizeof(link), "%s/conf.d/main/02_link", dir);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(mg_exim_debian_trusted(dir, &err), -1);
	assert_non_null(strstr(err.msg, "conf.d/main/02_link"));
	assert_non_null(strstr(err.msg, "writable by everyone"));
	assert_int_equal(unlink(link), 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(sub), 0);

	(void)snprintf(path, sizeof(path), "%s/conf.d/acl", dir);
	assert_int_equal(chmod(path, 0775), 0);
	assert_int_equal(mg_exim_debian_trusted(dir, &err), -1);
	assert_non_null(strstr(err.msg, "conf.d/acl"));
	assert_non_null(strstr(err.msg, "writable by its group"));
	assert_int_equal(chmod(path, 0755), 0);

	/* run_parts reads regular files only: a FIFO is not read */
	(void)snprintf(path, sizeof(path), "%s/conf.d/main/03_fifo", dir);
	assert_int_equal(mkfifo(path, 0666), 0);
	assert_int_equal(mg_exim_debian_trusted(dir, &err), 0);
	assert_int_equal(unlink(path), 0);

	/* exim4.conf.template of the non-split layout, too */
	write_file(dir, "exim4.conf.template", "begin acl\n");
	(void)snprintf(path, sizeof(path), "%s/exim4.conf.template", dir);
	assert_int_equal(chmod(path, 0646), 0);
	assert_int_equal(mg_exim_debian_trusted(dir, &err), -1);
	assert_non_null(strstr(err.msg, "exim4.conf.template"));
	assert_int_equal(unlink(path), 0);

	(void)snprintf(path, sizeof(path), "%s/conf.d/main/01_main", dir);
	assert_int_equal(unlink(path), 0);
	(void)snprintf(path, sizeof(path), "%s/conf.d/acl/30_rcpt", dir);
	assert_int_equal(unlink(path), 0);
	(void)snprintf(path, sizeof(path), "%s/conf.d/main", dir);
	assert_int_equal(rmdir(path), 0);
	(void)snprintf(path, sizeof(path), "%s/conf.d/acl", dir);
	assert_int_equal(rmdir(path), 0);
	(void)snprintf(path, sizeof(path), "%s/conf.d", dir);
	assert_int_equal(rmdir(path), 0);
	(void)snprintf(path, sizeof(path), "%s/update-exim4.conf.conf", dir);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* finding - by id, or NULL */
static const struct mg_finding *
finding(const struct mg_report *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->nfindings; i++)
		if (strcmp(r->findings[i].id, id) == 0)
			return (&r->findings[i]);
	return (NULL);
}

/* test_relay_hosts - public space and host bits in relay_from_hosts of a
 * plain config: evidence, probe and the narrowed hostlist line */
static void
test_relay_hosts(void **state)
{
	static const char *conf = "# plain\n"
	    "acl_smtp_rcpt = acl_check_rcpt\n"
	    "hostlist relay_from_hosts = <; 192.168.1.0/24 ; 210.140.12.34/8 ; "
	    "2a00:1450::/32 ; ::1\n";
	struct mg_model m;
	struct mg_report r;
	struct mg_param *p;
	const struct mg_finding *f;
	const struct mg_fix *x;

	(void)state;
	mg_model_init(&m);
	m.mta = MG_MTA_EXIM;
	m.config_file = mg_xstrdup("/etc/exim/exim.conf");
	mg_srcfile_set_text(mg_model_file_add(&m, m.config_file), conf,
	    strlen(conf));
	p = mg_model_param_add(&m, "+relay_from_hosts");
	p->value = mg_xstrdup("<; 192.168.1.0/24 ; 210.140.12.34/8 ; "
	    "2a00:1450::/32 ; ::1");
	p->raw = mg_xstrdup(p->value);
	p->file = mg_xstrdup(m.config_file);
	p->line = 3;
	mg_report_init(&r);
	mg_check_exim_relay(&m, &r);
	f = finding(&r, "exim.relay.public-hosts");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_CRITICAL);
	assert_int_equal(f->nevidence, 3);
	assert_non_null(strstr(f->evidence[0].text, "host bits"));
	assert_non_null(strstr(f->evidence[1].text, "2a00:1450::/32"));
	assert_non_null(strstr(f->evidence[2].text, "no mail log was read"));
	assert_int_equal(f->nprobes, 1);
	assert_string_equal(f->probes[0].client, "210.99.1.1");
	x = mg_report_find_fix(&r, "exim.relay.narrow");
	assert_non_null(x);
	assert_int_equal(x->edits[0].line, 3);
	assert_string_equal(x->edits[0].new_text, "hostlist relay_from_hosts "
	    "= <; 192.168.1.0/24 ; 210.140.12.34/32 ; ::1");
	assert_int_equal(x->npost, 0);
	assert_null(finding(&r, "exim.relay.open-accept"));
	mg_report_free(&r);

	/* an accept with no condition before the relay require */
	mg_model_param_add(&m, "acl_smtp_rcpt")->value =
	    mg_xstrdup("acl_check_rcpt");
	(void)mg_model_rule_add(&m, "acl_check_rcpt", "accept");
	(void)mg_rule_cond_add(mg_model_rule_add(&m, "acl_check_rcpt",
	    "require"), "domains", "+local_domains");
	mg_report_init(&r);
	mg_check_exim_relay(&m, &r);
	assert_non_null(finding(&r, "exim.relay.open-accept"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_relay_hosts_log_clients - a public network in a colon list: the
 * hosts Exim's mainlog shows arriving from it without A= are kept, and the
 * list's IPv6 item keeps its doubled colons */
static void
test_relay_hosts_log_clients(void **state)
{
	static const char *conf = "# exim.conf\n\n"
	    "hostlist relay_from_hosts = 127.0.0.1 : ::::1 : 210.0.0.0/8\n";
	static const char *lines[] = {
		"2026-11-23 11:07:00 1tE5aB-000123-4x <= a@example.com "
		    "H=app (app) [210.20.30.40]:41234 P=esmtp S=512",
		"2026-11-23 11:07:01 1tE5aC-000124-4x <= b@example.com "
		    "H=(l) [210.20.30.99]:5511 P=esmtpsa A=plain:alice S=800",
		"2026-11-23 11:07:02 1tE5aD-000125-4x <= c@example.com "
		    "H=(x) [127.0.0.1]:5511 P=esmtp S=800",
	};
	struct mg_model m;
	struct mg_report r;
	struct mg_param *p;
	const struct mg_finding *f;
	const struct mg_fix *x;
	size_t i;

	(void)state;
	mg_model_init(&m);
	m.mta = MG_MTA_EXIM;
	m.config_file = mg_xstrdup("/etc/exim/exim.conf");
	mg_srcfile_set_text(mg_model_file_add(&m, m.config_file), conf,
	    strlen(conf));
	p = mg_model_param_add(&m, "+relay_from_hosts");
	p->value = mg_xstrdup("127.0.0.1 : ::::1 : 210.0.0.0/8");
	p->raw = mg_xstrdup(p->value);
	p->file = mg_xstrdup(m.config_file);
	p->line = 3;
	m.log = mg_xcalloc(1, sizeof(*m.log));
	m.log->path = mg_xstrdup("/var/log/exim4/mainlog");
	for (i = 0; i < MG_NELEM(lines); i++)
		mg_maillog_line(m.log, mg_exim_log_line, NULL, lines[i],
		    strlen(lines[i]));
	mg_maillog_finish(m.log);
	mg_report_init(&r);
	mg_check_exim_relay(&m, &r);
	f = finding(&r, "exim.relay.public-hosts");
	assert_non_null(f);
	assert_non_null(strstr(f->evidence[1].text, "1 client in 210.0.0.0/8"));
	assert_string_equal(f->evidence[1].file, "/var/log/exim4/mainlog");
	assert_int_equal(f->nprobes, 2);
	assert_string_equal(f->probes[0].client, "210.20.30.40");
	assert_int_equal(f->probes[0].hole_if_accepted, 0);
	assert_string_equal(f->probes[1].client, "210.99.1.1");
	assert_int_equal(f->probes[1].hole_if_accepted, 1);
	x = mg_report_find_fix(&r, "exim.relay.narrow");
	assert_non_null(x);
	assert_string_equal(x->edits[0].new_text, "hostlist relay_from_hosts "
	    "= 127.0.0.1 : ::::1 : 210.20.30.40/32");
	mg_report_free(&r);
	mg_model_free(&m);
}

/* dirty_stack - fill the stack below the caller with garbage, so a
 * local the code under test forgets to initialise is not zero by luck */
static void __attribute__((noinline))
dirty_stack(void)
{
	volatile unsigned char junk[16384];
	size_t i;

	for (i = 0; i < sizeof(junk); i++)
		junk[i] = 0xa5;
}

/*
 * test_relay_hosts_unlocated - relay_from_hosts whose line the model
 * does not have (a relative .include, a file not read): the finding
 * stands, no fix is proposed, nothing uninitialised is freed (report
 * crashed on a plain config with ".include relay.inc")
 */
static void
test_relay_hosts_unlocated(void **state)
{
	static const struct {
		const char *name, *file;
		unsigned line;
	} cases[] = {
		{ "no file", NULL, 0 },
		{ "file not read", "relay.inc", 1 },
		{ "line past the end", "/etc/exim/exim.conf", 9 },
		{ "line 0", "/etc/exim/exim.conf", 0 },
	};
	static const char *conf = "# plain\n.include relay.inc\n";
	struct mg_model m;
	struct mg_report r;
	struct mg_param *p;
	const struct mg_finding *f;
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		mg_model_init(&m);
		m.mta = MG_MTA_EXIM;
		m.config_file = mg_xstrdup("/etc/exim/exim.conf");
		mg_srcfile_set_text(mg_model_file_add(&m, m.config_file),
		    conf, strlen(conf));
		p = mg_model_param_add(&m, "+relay_from_hosts");
		p->value = mg_xstrdup("<; 127.0.0.1 ; 8.8.0.0/16");
		p->raw = mg_xstrdup(p->value);
		p->file = cases[i].file != NULL ?
		    mg_xstrdup(cases[i].file) : NULL;
		p->line = cases[i].line;
		mg_report_init(&r);
		dirty_stack();
		mg_check_exim_relay(&m, &r);
		f = finding(&r, "exim.relay.public-hosts");
		if (f == NULL)
			fail_msg("%s: no finding", cases[i].name);
		if (mg_report_find_fix(&r, "exim.relay.narrow") != NULL)
			fail_msg("%s: a fix for a line not read",
			    cases[i].name);
		mg_report_free(&r);
		mg_model_free(&m);
	}
}

/*
 * test_relative_include - ".include relay.inc" is read from the directory
 * of the file that holds it (Exim 4.96: main -> sub/a.inc -> sub/b.inc),
 * so relay_from_hosts gets its file:line and the narrowing fix
 */
static void
test_relative_include(void **state)
{
	static const char *const names[] = { "exim.conf", "sub/a.inc",
	    "sub/b.inc", "sub", NULL };
	struct mg_model m;
	struct mg_report r;
	struct mg_param *p;
	const struct mg_fix *x;
	struct mg_str path = MG_STR_INIT;
	struct mg_err err;
	char dir[64], sub[96];

	(void)state;
	(void)snprintf(dir, sizeof(dir), "/tmp/mg-test-exim.XXXXXX");
	assert_non_null(mkdtemp(dir));
	(void)snprintf(sub, sizeof(sub), "%s/sub", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	write_file(dir, "exim.conf", "# plain\n.include sub/a.inc\n"
	    "acl_smtp_rcpt = acl_check_rcpt\n");
	write_file(dir, "sub/a.inc", "# a\n.include b.inc\n");
	write_file(dir, "sub/b.inc", "hostlist relay_from_hosts = <; "
	    "127.0.0.1 ; 8.8.0.0/16\n");
	mg_model_init(&m);
	m.mta = MG_MTA_EXIM;
	p = mg_model_param_add(&m, "+relay_from_hosts");
	p->value = mg_xstrdup("<; 127.0.0.1 ; 8.8.0.0/16");
	p->raw = mg_xstrdup(p->value);
	mg_str_printf(&path, "%s/exim.conf", dir);
	m.config_file = mg_xstrdup(mg_str_cstr(&path));
	assert_int_equal(mg_model_read_file(&m, m.config_file, &err), 0);
	mg_exim_conf_locate(&m, mg_model_file(&m, m.config_file), NULL);
	p = (struct mg_param *)mg_model_param(&m, "+relay_from_hosts");
	assert_non_null(p->file);
	mg_str_reset(&path);
	mg_str_printf(&path, "%s/sub/b.inc", dir);
	assert_string_equal(p->file, mg_str_cstr(&path));
	assert_int_equal(p->line, 1);
	mg_report_init(&r);
	mg_check_exim_relay(&m, &r);
	x = mg_report_find_fix(&r, "exim.relay.narrow");
	assert_non_null(x);
	assert_string_equal(x->edits[0].file, mg_str_cstr(&path));
	assert_string_equal(x->edits[0].new_text, "hostlist relay_from_hosts "
	    "= <; 127.0.0.1");
	mg_report_free(&r);
	mg_model_free(&m);
	mg_str_free(&path);
	rm_dir(dir, names);
}

/*
 * test_relay_private_by_host_context - private and container networks in
 * relay_from_hosts weighed with this host's interfaces and docker, the
 * hostlist narrowed to the host's interface networks (IPv6 colons
 * doubled in a colon list, the docker gateway excluded while
 * docker-proxy runs)
 */
static void
test_relay_private_by_host_context(void **state)
{
	static const struct {
		const char *name, *list, *ifs[4];
		int proxy;
		enum mg_severity sev;	/* INFO: no finding */
		const char *fix, *probe;
	} cases[] = {
		{ "a /8 no interface is on", "<; 127.0.0.1 ; ::1 ; 10.0.0.0/8",
		    { "eth0=192.0.2.2/24", NULL }, 0, MG_SEV_HIGH,
		    "<; 127.0.0.1 ; ::1", "10.99.1.1" },
		{ "colon list around the LAN", "127.0.0.1 : 10.0.0.0/8 : "
		    "fd00::::/8", { "eth0=10.1.2.3/24", "eth0=[fd00::2]/64",
		    NULL }, 0, MG_SEV_HIGH,
		    "127.0.0.1 : 10.1.2.0/24 : fd00::::/64", "10.99.1.1" },
		{ "docker bridge, docker-proxy", "<; 127.0.0.1 ; "
		    "172.17.0.0/16", { "docker0=172.17.0.1/16", NULL }, 1,
		    MG_SEV_HIGH, "<; 127.0.0.1 ; !172.17.0.1/32 ; "
		    "172.17.0.0/16", "172.17.0.1" },
		{ "the host's own LAN", "<; 127.0.0.1 ; 192.168.1.0/24",
		    { "eth0=192.168.1.10/24", NULL }, 0, MG_SEV_INFO, NULL,
		    NULL },
	};
	struct mg_str conf = MG_STR_INIT;
	struct mg_model m;
	struct mg_report r;
	struct mg_param *p;
	struct mg_net a;
	const struct mg_finding *f;
	const struct mg_fix *x;
	char name[32];
	size_t i, k;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		mg_str_reset(&conf);
		mg_str_printf(&conf, "# plain\nhostlist relay_from_hosts = "
		    "%s\n", cases[i].list);
		mg_model_init(&m);
		m.mta = MG_MTA_EXIM;
		m.config_file = mg_xstrdup("/etc/exim/exim.conf");
		mg_srcfile_set_text(mg_model_file_add(&m, m.config_file),
		    mg_str_cstr(&conf), conf.len);
		p = mg_model_param_add(&m, "+relay_from_hosts");
		p->value = mg_xstrdup(cases[i].list);
		p->raw = mg_xstrdup(p->value);
		p->file = mg_xstrdup(m.config_file);
		p->line = 2;
		m.host = mg_xcalloc(1, sizeof(*m.host));
		mg_host_init(m.host);
		for (k = 0; cases[i].ifs[k] != NULL; k++) {
			(void)snprintf(name, sizeof(name), "%.*s",
			    (int)strcspn(cases[i].ifs[k], "="),
			    cases[i].ifs[k]);
			assert_int_equal(mg_net_parse(strchr(cases[i].ifs[k],
			    '=') + 1, &a, NULL), 0);
			mg_host_add_if(m.host, name, &a);
		}
		m.host->docker_proxy = cases[i].proxy;
		m.host->docker_proxy_pid = 4242;
		mg_report_init(&r);
		mg_check_exim_relay(&m, &r);
		f = finding(&r, "exim.relay.private-hosts");
		if (cases[i].sev == MG_SEV_INFO) {
			if (r.nfindings != 0)
				fail_msg("%s: %zu findings", cases[i].name,
				    r.nfindings);
			goto next;
		}
		if (f == NULL || f->severity != cases[i].sev)
			fail_msg("%s: no finding or severity", cases[i].name);
		assert_null(finding(&r, "exim.relay.public-hosts"));
		x = mg_report_find_fix(&r, "exim.relay.narrow");
		assert_non_null(x);
		assert_int_equal(f->nfix_ids, 1);
		mg_str_reset(&conf);
		mg_str_printf(&conf, "hostlist relay_from_hosts = %s",
		    cases[i].fix);
		if (strcmp(x->edits[0].new_text, mg_str_cstr(&conf)) != 0)
			fail_msg("%s: fix \"%s\"", cases[i].name,
			    x->edits[0].new_text);
		if (f->nprobes != 1 || strcmp(f->probes[0].client,
		    cases[i].probe) != 0)
			fail_msg("%s: probe %s", cases[i].name, f->nprobes ?
			    f->probes[0].client : "none");
next:
		mg_report_free(&r);
		mg_model_free(&m);
	}
	mg_str_free(&conf);
}

/* test_relay_ue4c_last_line_wins - Debian's update-exim4.conf.conf is
 * shell: with two dc_relay_nets= lines the last one is the list; the
 * evidence names it and the fix edits it, not the first */
static void
test_relay_ue4c_last_line_wins(void **state)
{
	static const char ue4c[] =
	    "dc_eximconfig_configtype='internet'\n"		/* 1 */
	    "dc_relay_nets='192.0.2.0/24'\n"			/* 2 */
	    "# dc_relay_nets='172.16.0.0/12'\n"		/* 3 */
	    "dc_relay_nets='10.0.0.0/8'\n"			/* 4 */
	    "dc_minimaldns='false'\n";				/* 5 */
	static const char conf[] = "# generated\n"
	    "hostlist relay_from_hosts = <; 127.0.0.1 ; ::1 ; 10.0.0.0/8\n";
	struct mg_model m;
	struct mg_report r;
	struct mg_param *p;
	struct mg_net a;
	const struct mg_finding *f;
	const struct mg_fix *x;
	size_t i;
	int named = 0;

	(void)state;
	mg_model_init(&m);
	m.mta = MG_MTA_EXIM;
	m.config_dir = mg_xstrdup("/etc/exim4");
	m.config_file = mg_xstrdup("/var/lib/exim4/config.autogenerated");
	mg_srcfile_set_text(mg_model_file_add(&m, m.config_file), conf,
	    strlen(conf));
	mg_srcfile_set_text(mg_model_file_add(&m,
	    "/etc/exim4/update-exim4.conf.conf"), ue4c, strlen(ue4c));
	p = mg_model_param_add(&m, "+relay_from_hosts");
	p->value = mg_xstrdup("<; 127.0.0.1 ; ::1 ; 10.0.0.0/8");
	p->raw = mg_xstrdup(p->value);
	p->file = mg_xstrdup(m.config_file);
	p->line = 2;
	m.host = mg_xcalloc(1, sizeof(*m.host));
	mg_host_init(m.host);
	assert_int_equal(mg_net_parse("192.0.2.2/24", &a, NULL), 0);
	mg_host_add_if(m.host, "eth0", &a);
	mg_report_init(&r);
	mg_check_exim_relay(&m, &r);
	f = finding(&r, "exim.relay.private-hosts");
	assert_non_null(f);
	for (i = 0; i < f->nevidence; i++)
		if (f->evidence[i].file != NULL &&
		    strstr(f->evidence[i].file, "update-exim4") != NULL) {
			assert_int_equal(f->evidence[i].line, 4);
			assert_non_null(strstr(f->evidence[i].text,
			    "10.0.0.0/8"));
			named++;
		}
	assert_int_equal(named, 1);
	x = mg_report_find_fix(&r, "exim.relay.narrow");
	assert_non_null(x);
	assert_int_equal(x->nedits, 1);
	assert_string_equal(x->edits[0].file,
	    "/etc/exim4/update-exim4.conf.conf");
	assert_int_equal(x->edits[0].line, 4);
	assert_string_equal(x->edits[0].old_text, "dc_relay_nets='10.0.0.0/8'");
	assert_string_equal(x->edits[0].new_text, "dc_relay_nets=''");
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_auth - PLAIN without a TLS advertise condition, root in the
 * password file, saslauthd-backed LOGIN; a client authenticator is none */
static void
test_auth(void **state)
{
	static const char *conf = "begin authenticators\n"
	    "plain_server:\n"
	    "  driver = plaintext\n"
	    "  public_name = PLAIN\n"
	    "login_server:\n"
	    "  driver = plaintext\n";
	static const char *pw = "# users\nalice:$6$x$y\nroot:$6$a$b\n";
	struct mg_model m;
	struct mg_report r;
	struct mg_rule *a;
	struct mg_param *c;
	const struct mg_finding *f;
	const struct mg_fix *x;

	(void)state;
	mg_model_init(&m);
	m.mta = MG_MTA_EXIM;
	m.config_file = mg_xstrdup("/etc/exim/exim.conf");
	mg_srcfile_set_text(mg_model_file_add(&m, m.config_file), conf,
	    strlen(conf));
	mg_srcfile_set_text(mg_model_file_add(&m, "/etc/exim/passwd"), pw,
	    strlen(pw));
	a = mg_model_rule_add(&m, "authenticators", "plain_server");
	c = mg_rule_cond_add(a, "driver", "plaintext");
	c->file = mg_xstrdup(m.config_file);
	c->line = 3;
	(void)mg_rule_cond_add(a, "server_condition", "${if crypteq{$auth3}"
	    "{${lookup{$auth2}lsearch{/etc/exim/passwd}}}}");
	a = mg_model_rule_add(&m, "authenticators", "login_server");
	(void)mg_rule_cond_add(a, "driver", "plaintext");
	(void)mg_rule_cond_add(a, "server_condition",
	    "${if saslauthd{{$auth1}{$auth2}}}");
	(void)mg_rule_cond_add(a, "server_advertise_condition",
	    "${if def:tls_in_cipher}");
	a = mg_model_rule_add(&m, "authenticators", "cram_md5");
	(void)mg_rule_cond_add(a, "driver", "cram_md5");
	(void)mg_rule_cond_add(a, "client_name", "x");
	(void)mg_model_user_add(&m, "alice", NULL, "/etc/exim/passwd");
	(void)mg_model_user_add(&m, "root", NULL, "/etc/exim/passwd");
	mg_report_init(&r);
	mg_check_exim_auth(&m, &r);
	f = finding(&r, "exim.auth.no-tls");
	assert_non_null(f);
	assert_int_equal(f->nevidence, 1);	/* login_server needs TLS */
	x = mg_report_find_fix(&r, "exim.auth.tls-only");
	assert_non_null(x);
	assert_int_equal(x->edits[0].line, 3);
	assert_string_equal(x->edits[0].new_text, "  driver = plaintext\n"
	    "  server_advertise_condition = ${if def:tls_in_cipher}");
	f = finding(&r, "exim.auth.system-account");
	assert_non_null(f);
	assert_int_equal(f->nevidence, 1);
	assert_int_equal(f->evidence[0].line, 3);
	x = mg_report_find_fix(&r, "exim.auth.disable-system");
	assert_string_equal(x->edits[0].new_text, "# disabled (system "
	    "account): root:$6$a$b");
	assert_non_null(finding(&r, "exim.auth.system-backed"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_aliases_nested - a virtual-domain router whose alias file is
 * named by a nested lookup is named as depending on $domain (not as a
 * garbled file), and the system aliases are still checked */
static void
test_aliases_nested(void **state)
{
	static const char *aliases = "# /etc/aliases\nroot: alice\n";
	struct mg_model m;
	struct mg_report r;
	struct mg_rule *a;
	const struct mg_finding *f;
	size_t i, dep = 0;

	(void)state;
	mg_model_init(&m);
	m.mta = MG_MTA_EXIM;
	mg_srcfile_set_text(mg_model_file_add(&m, "/etc/aliases"), aliases,
	    strlen(aliases));
	a = mg_model_rule_add(&m, "routers", "virtual_aliases");
	(void)mg_rule_cond_add(a, "driver", "redirect");
	(void)mg_rule_cond_add(a, "data", "${lookup{$local_part}lsearch{"
	    "/etc/exim4/virtual/${lookup{$domain}dsearch{/etc/exim4/virtual}}"
	    "/aliases}}");
	a = mg_model_rule_add(&m, "routers", "system_aliases");
	(void)mg_rule_cond_add(a, "driver", "redirect");
	(void)mg_rule_cond_add(a, "data", "${lookup{$local_part}lsearch{"
	    "/etc/aliases}}");
	mg_report_init(&r);
	mg_check_exim_aliases(&m, &r);
	f = finding(&r, "exim.aliases.postmaster");
	assert_non_null(f);
	assert_non_null(strstr(f->evidence[0].text, "system_aliases"));
	assert_null(finding(&r, "exim.aliases.root"));
	for (i = 0; i < r.nunread; i++)
		if (strstr(r.unread[i], "router virtual_aliases: the alias "
		    "file /etc/exim4/virtual/${lookup{$domain}dsearch{/etc/"
		    "exim4/virtual}}/aliases depends on $domain") != NULL)
			dep++;
	assert_int_equal(dep, 1);
	assert_int_equal(r.nunread, 1);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* auth_case - a plaintext authenticator whose advertise condition is
 * written src (its lines from line 6; NULL: none) and read by -bP as
 * value; hosts is auth_advertise_hosts */
static void
auth_case(struct mg_model *m, struct mg_report *r, const char *src,
    const char *value, const char *hosts)
{
	struct mg_str text = MG_STR_INIT;
	struct mg_rule *a;
	struct mg_param *c;

	mg_model_init(m);
	m->mta = MG_MTA_EXIM;
	m->config_file = mg_xstrdup("/etc/exim/exim.conf");
	mg_str_printf(&text, "begin authenticators\nplain_server:\n"
	    "  driver = plaintext\n  public_name = PLAIN\n"
	    "  server_condition = ${if eq{$auth3}{x}}\n%s",
	    src != NULL ? src : "");
	mg_srcfile_set_text(mg_model_file_add(m, m->config_file),
	    mg_str_cstr(&text), text.len);
	mg_str_free(&text);
	if (hosts != NULL)
		mg_model_param_add(m, "auth_advertise_hosts")->value =
		    mg_xstrdup(hosts);
	a = mg_model_rule_add(m, "authenticators", "plain_server");
	a->file = mg_xstrdup(m->config_file);
	a->line = 2;
	c = mg_rule_cond_add(a, "driver", "plaintext");
	c->file = mg_xstrdup(m->config_file);
	c->line = 3;
	(void)mg_rule_cond_add(a, "public_name", "PLAIN");
	(void)mg_rule_cond_add(a, "server_condition", "${if eq{$auth3}{x}}");
	if (value != NULL) {
		c = mg_rule_cond_add(a, "server_advertise_condition", value);
		c->file = mg_xstrdup(m->config_file);
		c->line = 6;
	}
	mg_report_init(r);
	mg_check_exim_auth(m, r);
}

/* test_auth_tls_spellings - every spelling of "only after STARTTLS" is
 * no finding; a condition that holds without TLS is, and its fix edits
 * the option where it is written instead of adding a second one */
static void
test_auth_tls_spellings(void **state)
{
	static const struct {
		const char *name, *src, *value, *hosts;
		int finding;
		unsigned line;		/* the fix's first edit */
		const char *edit, *edit2;
	} cases[] = {
		{ "def:tls_in_cipher", "  server_advertise_condition = "
		    "${if def:tls_in_cipher}\n", "${if def:tls_in_cipher}",
		    NULL, 0, 0, NULL, NULL },
		{ "def:tls_cipher", "  server_advertise_condition = "
		    "${if def:tls_cipher}\n", "${if def:tls_cipher}", NULL,
		    0, 0, NULL, NULL },
		{ "!eq{$tls_cipher}{}", "  server_advertise_condition = "
		    "${if !eq{$tls_cipher}{}}\n", "${if !eq{$tls_cipher}{}}",
		    NULL, 0, 0, NULL, NULL },
		{ "Debian's eq{$tls_in_cipher}{}{}{*}",
		    "  server_advertise_condition = "
		    "${if eq{$tls_in_cipher}{}{}{*}}\n",
		    "${if eq{$tls_in_cipher}{}{}{*}}", NULL, 0, 0, NULL, NULL },
		{ "quoted, as -bP prints it", "  server_advertise_condition = "
		    "\"${if def:tls_cipher\\\n     {yes}{no}}\"\n",
		    "\"${if def:tls_cipher{yes}{no}}\"", NULL, 0, 0, NULL,
		    NULL },
		{ "auth_advertise_hosts empty before TLS", NULL, NULL,
		    "${if eq{$tls_in_cipher}{}{}{*}}", 0, 0, NULL, NULL },
		{ "no condition", NULL, NULL, "*", 1, 3,
		    "  driver = plaintext\n"
		    "  server_advertise_condition = ${if def:tls_in_cipher}",
		    NULL },
		{ "the wrong way round: replaced",
		    "  server_advertise_condition = "
		    "${if eq{$tls_in_cipher}{}}\n",
		    "${if eq{$tls_in_cipher}{}}", NULL, 1, 6,
		    "  server_advertise_condition = ${if def:tls_in_cipher}",
		    NULL },
		{ "yes: replaced", "  server_advertise_condition = yes\n",
		    "yes", NULL, 1, 6,
		    "  server_advertise_condition = ${if def:tls_in_cipher}",
		    NULL },
		{ "a port condition: kept, asked only over TLS",
		    "  server_advertise_condition = "
		    "${if eq{$received_port}{587}}\n",
		    "${if eq{$received_port}{587}}", NULL, 1, 6,
		    "  server_advertise_condition = ${if def:tls_in_cipher"
		    "{${if eq{$received_port}{587}}}{no}}", NULL },
		{ "continued and quoted: wrapped at both ends",
		    "  server_advertise_condition = \"${if eq{$received_port}"
		    "{587}\\\n      {yes}{no}}\"\n",
		    "\"${if eq{$received_port}{587}{yes}{no}}\"", NULL, 1, 6,
		    "  server_advertise_condition = \"${if def:tls_in_cipher"
		    "{${if eq{$received_port}{587}\\",
		    "      {yes}{no}}}{no}}\"" },
	};
	struct mg_model m;
	struct mg_report r;
	const struct mg_fix *x;
	size_t i, k, n;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		auth_case(&m, &r, cases[i].src, cases[i].value,
		    cases[i].hosts);
		if ((finding(&r, "exim.auth.no-tls") != NULL) !=
		    cases[i].finding)
			fail_msg("%s: finding %s", cases[i].name,
			    cases[i].finding ? "missing" : "reported");
		x = mg_report_find_fix(&r, "exim.auth.tls-only");
		if ((x != NULL) != cases[i].finding)
			fail_msg("%s: fix %s", cases[i].name,
			    cases[i].finding ? "missing" : "proposed");
		if (x != NULL) {
			n = cases[i].edit2 != NULL ? 2 : 1;
			if (x->nedits != n)
				fail_msg("%s: %zu edits", cases[i].name,
				    x->nedits);
			if (x->edits[0].line != cases[i].line ||
			    strcmp(x->edits[0].new_text, cases[i].edit) != 0)
				fail_msg("%s: line %u \"%s\"", cases[i].name,
				    x->edits[0].line, x->edits[0].new_text);
			if (n == 2 && strcmp(x->edits[1].new_text,
			    cases[i].edit2) != 0)
				fail_msg("%s: \"%s\"", cases[i].name,
				    x->edits[1].new_text);
			/* never a second server_advertise_condition */
			for (k = 0; cases[i].src != NULL && k < x->nedits; k++)
				assert_int_not_equal(x->edits[k].line, 3);
		}
		mg_report_free(&r);
		mg_model_free(&m);
	}
}

/* test_auth_exim_answer - exim -bh's EHLO answer wins over the parser:
 * a condition we cannot evaluate is no finding when Exim offers no
 * AUTH, and a TLS-looking one is a finding when Exim offers PLAIN */
static void
test_auth_exim_answer(void **state)
{
	struct mg_model m;
	struct mg_report r;
	const struct mg_finding *f;

	(void)state;
	auth_case(&m, &r, "  server_advertise_condition = ${if "
	    "match_ip{$sender_host_address}{10.0.0.0/8}}\n", "${if match_ip"
	    "{$sender_host_address}{10.0.0.0/8}}", NULL);
	assert_non_null(finding(&r, "exim.auth.no-tls"));
	mg_report_free(&r);
	m.ehlo.client = mg_xstrdup("198.51.100.9");
	m.ehlo.auth = mg_xstrdup("");
	m.ehlo.starttls = 1;
	mg_report_init(&r);
	mg_check_exim_auth(&m, &r);
	assert_null(finding(&r, "exim.auth.no-tls"));
	assert_null(mg_report_find_fix(&r, "exim.auth.tls-only"));
	mg_report_free(&r);
	mg_model_free(&m);

	auth_case(&m, &r, "  server_advertise_condition = ${if "
	    "def:tls_cipher}\n", "${if def:tls_cipher}", NULL);
	assert_null(finding(&r, "exim.auth.no-tls"));
	mg_report_free(&r);
	m.ehlo.client = mg_xstrdup("198.51.100.9");
	m.ehlo.auth = mg_xstrdup("LOGIN PLAIN");
	mg_report_init(&r);
	mg_check_exim_auth(&m, &r);
	f = finding(&r, "exim.auth.no-tls");
	assert_non_null(f);
	assert_string_equal(f->evidence[0].text, "exim -bh 198.51.100.9: "
	    "EHLO offers AUTH LOGIN PLAIN before STARTTLS (and no STARTTLS "
	    "at all)");
	assert_int_equal(mg_report_find_fix(&r, "exim.auth.tls-only")->
	    edits[0].line, 6);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* port25_case - a config with main lines main (line 1 on) and PLAIN
 * (advertise condition cond, NULL: none); daemon_smtp_ports is ports
 * (NULL: unset) written at line 1 when its own line, auth_advertise_hosts
 * hosts at line hline (0: not in the file); auth25: what exim -bh
 * answered on port 25 (NULL: not asked), with starttls25 */
static void
port25_case(struct mg_model *m, struct mg_report *r, const char *main_,
    const char *ports, const char *hosts, unsigned hline, const char *cond,
    const char *auth25, int starttls25)
{
	struct mg_str text = MG_STR_INIT;
	struct mg_param *p;
	struct mg_rule *a;

	mg_model_init(m);
	m->mta = MG_MTA_EXIM;
	m->config_file = mg_xstrdup("/etc/exim/exim.conf");
	mg_str_printf(&text, "%s\nbegin authenticators\nplain_server:\n"
	    "  driver = plaintext\n", main_);
	mg_srcfile_set_text(mg_model_file_add(m, m->config_file),
	    mg_str_cstr(&text), text.len);
	mg_str_free(&text);
	if (ports != NULL) {
		p = mg_model_param_add(m, "daemon_smtp_ports");
		p->value = mg_xstrdup(ports);
		p->file = mg_xstrdup(m->config_file);
		p->line = 1;
	}
	if (hosts != NULL) {
		p = mg_model_param_add(m, "auth_advertise_hosts");
		p->value = mg_xstrdup(hosts);
		if (hline != 0) {
			p->file = mg_xstrdup(m->config_file);
			p->line = hline;
		}
	}
	a = mg_model_rule_add(m, "authenticators", "plain_server");
	a->file = mg_xstrdup(m->config_file);
	(void)mg_rule_cond_add(a, "driver", "plaintext");
	(void)mg_rule_cond_add(a, "public_name", "PLAIN");
	(void)mg_rule_cond_add(a, "server_condition", "${if eq{$auth3}{x}}");
	if (cond != NULL)
		(void)mg_rule_cond_add(a, "server_advertise_condition", cond);
	if (auth25 != NULL) {
		m->ehlo.client = mg_xstrdup("198.51.100.9");
		m->ehlo.auth = mg_xstrdup(auth25);
		m->ehlo.port = *auth25 != '\0' ? 25 : 0;
		m->ehlo.starttls = starttls25;
		m->ehlo.auth25 = mg_xstrdup(auth25);
		m->ehlo.starttls25 = starttls25;
	}
	mg_report_init(r);
	mg_check_exim_auth(m, r);
}

/* has_evidence - a finding's evidence line containing text */
static int
has_evidence(const struct mg_finding *f, const char *text)
{
	size_t i;

	for (i = 0; f != NULL && i < f->nevidence; i++)
		if (strstr(f->evidence[i].text, text) != NULL)
			return (1);
	return (0);
}

/* test_auth_port25 - AUTH on port 25: before TLS from exim -bh's answer
 * on port 25, after TLS from the configuration with $received_port 25
 * and the TLS variables set; the fix only with 587/465 listening, added
 * after daemon_smtp_ports or wrapping an auth_advertise_hosts line */
static void
test_auth_port25(void **state)
{
	struct mg_model m;
	struct mg_report r;
	const struct mg_finding *f;
	const struct mg_fix *x;

	(void)state;
	/* exim -bh on 25 offers AUTH PLAIN: medium, fix after line 1 */
	port25_case(&m, &r, "daemon_smtp_ports = 25 : 587", "25 : 587", NULL,
	    0, NULL, "PLAIN", 1);
	f = finding(&r, "exim.auth.port25");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	assert_string_equal(f->area, "sasl");
	assert_true(has_evidence(f, "exim -bh 198.51.100.9 (port 25): EHLO "
	    "offers AUTH PLAIN before STARTTLS"));
	assert_true(has_evidence(f, "authenticator plain_server has no "
	    "server_advertise_condition: offered on port 25 after STARTTLS"));
	assert_int_equal(f->nfix_ids, 1);
	x = mg_report_find_fix(&r, "exim.auth.submission-only");
	assert_non_null(x);
	assert_int_equal(x->nedits, 1);
	assert_int_equal(x->edits[0].line, 1);
	assert_string_equal(x->edits[0].new_text, "daemon_smtp_ports = 25 : "
	    "587\nauth_advertise_hosts = ${if eq{$received_port}{25}{}{*}}");
	mg_report_free(&r);
	mg_model_free(&m);

	/* AUTH only after STARTTLS (Debian's usual): -bh sees none, the
	 * configuration says it is offered on 25 once TLS is up */
	port25_case(&m, &r, "daemon_smtp_ports = 25 : 465", "25 : 465", NULL,
	    0, "${if eq{$tls_in_cipher}{}{}{*}}", "", 1);
	f = finding(&r, "exim.auth.port25");
	assert_non_null(f);
	assert_true(has_evidence(f, "exim -bh 198.51.100.9 (port 25): EHLO "
	    "offers no AUTH before STARTTLS"));
	assert_true(has_evidence(f, "holds on port 25 after STARTTLS"));
	assert_non_null(mg_report_find_fix(&r, "exim.auth.submission-only"));
	mg_report_free(&r);
	mg_model_free(&m);

	/* the same without STARTTLS on 25: no AUTH at all there */
	port25_case(&m, &r, "daemon_smtp_ports = 25 : 465", "25 : 465", NULL,
	    0, "${if eq{$tls_in_cipher}{}{}{*}}", "", 0);
	assert_null(finding(&r, "exim.auth.port25"));
	assert_null(mg_report_find_fix(&r, "exim.auth.submission-only"));
	mg_report_free(&r);
	mg_model_free(&m);

	/* the fix's value: no AUTH on 25, before or after TLS */
	port25_case(&m, &r, "daemon_smtp_ports = 25 : 587", "25 : 587",
	    "${if eq{$received_port}{25}{}{*}}", 0, NULL, NULL, 0);
	assert_null(finding(&r, "exim.auth.port25"));
	mg_report_free(&r);
	mg_model_free(&m);

	/* not listening on 25 */
	port25_case(&m, &r, "daemon_smtp_ports = 587", "587", NULL, 0, NULL,
	    NULL, 0);
	assert_null(finding(&r, "exim.auth.port25"));
	mg_report_free(&r);
	mg_model_free(&m);

	/* an auth_advertise_hosts line is wrapped, kept inside */
	port25_case(&m, &r, "daemon_smtp_ports = 25 : 587\n"
	    "auth_advertise_hosts = ${if eq{$tls_in_cipher}{}{}{*}}",
	    "25 : 587", "${if eq{$tls_in_cipher}{}{}{*}}", 2, NULL, NULL, 0);
	f = finding(&r, "exim.auth.port25");
	assert_non_null(f);
	assert_true(has_evidence(f, "offered on port 25 after STARTTLS"));
	assert_false(has_evidence(f, "before STARTTLS"));
	x = mg_report_find_fix(&r, "exim.auth.submission-only");
	assert_non_null(x);
	assert_int_equal(x->edits[0].line, 2);
	assert_string_equal(x->edits[0].new_text, "auth_advertise_hosts = "
	    "${if eq{$received_port}{25}{}{${if eq{$tls_in_cipher}{}{}{*}}}}");
	mg_report_free(&r);
	mg_model_free(&m);

	/* Exim's default port only: low, no fix (clients would be locked
	 * out), the finding says so */
	port25_case(&m, &r, "", NULL, NULL, 0, NULL, NULL, 0);
	f = finding(&r, "exim.auth.port25");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_LOW);
	assert_int_equal(f->nfix_ids, 0);
	assert_true(has_evidence(f, "daemon_smtp_ports = smtp"));
	assert_true(has_evidence(f, "no fix is proposed until then"));
	assert_null(mg_report_find_fix(&r, "exim.auth.submission-only"));
	mg_report_free(&r);
	mg_model_free(&m);

	/* loopback only: low, the fix still proposed */
	port25_case(&m, &r, "daemon_smtp_ports = 25 : 587", "25 : 587", NULL,
	    0, NULL, NULL, 0);
	mg_report_free(&r);
	mg_model_param_add(&m, "local_interfaces")->value =
	    mg_xstrdup("127.0.0.1 : ::::1");
	mg_report_init(&r);
	mg_check_exim_auth(&m, &r);
	f = finding(&r, "exim.auth.port25");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_LOW);
	assert_true(has_evidence(f, "loopback only"));
	assert_int_equal(f->nfix_ids, 1);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* captured - a model from "exim -bP config" real Exim printed
 * (tests/unit/data/exim_conf/NAME.bP) */
static void
captured(struct mg_model *m, const char *name)
{
	char path[256];
	struct mg_str text = MG_STR_INIT;
	struct mg_err err;

	(void)snprintf(path, sizeof(path), "tests/unit/data/exim_conf/%s.bP",
	    name);
	assert_int_equal(mg_file_read(path, MG_FILE_MAX, &text, NULL, &err),
	    0);
	mg_model_init(m);
	m->mta = MG_MTA_EXIM;
	mg_exim_conf_parse(m, mg_str_cstr(&text));
	mg_str_free(&text);
}

/* test_captured_tls_conditions - the configs Exim itself judged: no AUTH
 * before TLS is no finding, whichever spelling; AUTH PLAIN LOGIN in the
 * clear is one, naming both authenticators */
static void
test_captured_tls_conditions(void **state)
{
	static const struct {
		const char *name;
		size_t evidence;	/* 0: no finding */
	} cases[] = {
		{ "auth-tls-cipher", 0 },
		{ "auth-advertise-hosts", 0 },
		{ "auth-plain-clear", 2 },
	};
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		captured(&m, cases[i].name);
		mg_report_init(&r);
		mg_check_exim_auth(&m, &r);
		f = finding(&r, "exim.auth.no-tls");
		if ((f != NULL ? f->nevidence : 0) != cases[i].evidence)
			fail_msg("%s: %zu evidence lines", cases[i].name,
			    f != NULL ? f->nevidence : 0);
		mg_report_free(&r);
		mg_model_free(&m);
	}
}

/* test_captured_nested_lookup - the nested lookup real Exim follows: the
 * virtual router is named as depending on $domain, the optional
 * lowuid-aliases is not named, the system aliases are checked */
static void
test_captured_nested_lookup(void **state)
{
	static const char *aliases = "root: alice\nabuse: root\n";
	struct mg_model m;
	struct mg_report r;

	(void)state;
	captured(&m, "nested-lookup");
	mg_srcfile_set_text(mg_model_file_add(&m, "/srv/mg/etc/aliases"),
	    aliases, strlen(aliases));
	mg_report_init(&r);
	mg_check_exim_aliases(&m, &r);
	assert_non_null(finding(&r, "exim.aliases.postmaster"));
	assert_int_equal(r.nunread, 1);
	assert_string_equal(r.unread[0], "router virtual_aliases: the alias "
	    "file /srv/mg/etc/exim4/virtual/${lookup{$domain}dsearch{"
	    "/srv/mg/etc/exim4/virtual}}/aliases depends on $domain (one "
	    "file per address): not checked");
	mg_report_free(&r);
	mg_model_free(&m);
}

/* probe_of - the probe of f sent by client, or NULL */
static const struct mg_probe *
probe_of(const struct mg_finding *f, const char *client)
{
	size_t i;

	for (i = 0; i < f->nprobes; i++)
		if (strcmp(f->probes[i].client, client) == 0)
			return (&f->probes[i]);
	return (NULL);
}

/* incident1_probes - the incident-1 finding's probes for the test
 * config with local_domains ld, primary_hostname host and exim -bt's
 * answers (address, router or "!why"; NULL-terminated pairs) */
static void
incident1_probes(const char *ld, const char *host,
    const char *const *routes, struct mg_report *r, struct mg_model *m,
    const struct mg_finding **fp)
{
	struct mg_map *t;
	struct mg_param *p;
	char dir[64];
	size_t i;
	static const char *const names[] = { "exim.conf", "inc.conf", NULL };

	build(m, dir, sizeof(dir));
	rm_dir(dir, names);
	p = (struct mg_param *)mg_model_param(m, "+local_domains");
	assert_non_null(p);
	free(p->value);
	p->value = mg_xstrdup(ld);
	mg_model_param_add(m, "primary_hostname")->value = mg_xstrdup(host);
	t = mg_model_map_add(m, MG_EXIM_ROUTES);
	for (i = 0; routes[i] != NULL; i += 2)
		(void)mg_map_answer_add(t, routes[i], routes[i + 1]);
	mg_report_init(r);
	mg_check_exim_acl(m, r);
	*fp = finding(r, "exim.localhost.postmaster");
	assert_non_null(*fp);
}

/*
 * test_incident1_envelopes - the legitimate paths the incident-1 proof
 * asks are this server's own: local mail to an address of localhost
 * exim -bt routes, sent as it (a sender "verify = sender" accepts);
 * postmaster of primary_hostname only where local_domains holds it, else
 * of a real local domain, from the null sender; none where exim -bt
 * says no router takes them
 */
static void
test_incident1_envelopes(void **state)
{
	/* exim -bt's answers as exim_route.c keeps them */
	static const char *const routed[] = { "root@localhost",
	    "!Unknown user", "postmaster@localhost", "system_aliases",
	    "postmaster@mx7.harbour.example", "system_aliases",
	    "postmaster@harbour.example", "system_aliases", NULL };
	static const char *const none[] = { "root@localhost",
	    "!Unknown user", "postmaster@localhost", "!Unknown user",
	    "postmaster@harbour.example", "!Unknown user",
	    "postmaster@lists.harbour.example", "!Unknown user", NULL };
	static const char *const unasked[] = { NULL };
	struct mg_model m;
	struct mg_report r;
	const struct mg_finding *f;
	const struct mg_probe *p;

	(void)state;
	/* primary_hostname is local ("@") */
	incident1_probes("@ : localhost : harbour.example",
	    "mx7.harbour.example", routed, &r, &m, &f);
	assert_int_equal(f->nprobes, 4);
	assert_true(f->probes[0].hole_if_accepted);
	p = probe_of(f, "127.0.0.1");
	assert_non_null(p);
	assert_false(p->hole_if_accepted);
	assert_string_equal(p->sender, "postmaster@localhost");
	assert_string_equal(p->rcpt, "postmaster@localhost");
	/* the same as local SMTP (exim -bs): no client address */
	p = probe_of(f, "");
	assert_non_null(p);
	assert_false(p->hole_if_accepted);
	assert_null(p->client_name);
	assert_string_equal(p->rcpt, "postmaster@localhost");
	p = probe_of(f, "198.51.100.9");
	assert_non_null(p);
	assert_string_equal(p->sender, "");
	assert_string_equal(p->rcpt, "postmaster@mx7.harbour.example");
	mg_report_free(&r);
	mg_model_free(&m);

	/* not local: postmaster of the first real local domain */
	incident1_probes("localhost : harbour.example",
	    "mx7.harbour.example", routed, &r, &m, &f);
	p = probe_of(f, "198.51.100.9");
	assert_non_null(p);
	assert_string_equal(p->rcpt, "postmaster@harbour.example");
	mg_report_free(&r);
	mg_model_free(&m);

	/* nobody there: only the hole is asked */
	incident1_probes("localhost : harbour.example : lists.harbour.example",
	    "gw.harbour.example", none, &r, &m, &f);
	assert_int_equal(f->nprobes, 1);
	assert_true(f->probes[0].hole_if_accepted);
	mg_report_free(&r);
	mg_model_free(&m);

	/* exim -bt not asked: root@localhost and postmaster are tried */
	incident1_probes("localhost : localhost.localdomain : harbour.example",
	    "localhost.localdomain", unasked, &r, &m, &f);
	p = probe_of(f, "127.0.0.1");
	assert_non_null(p);
	assert_string_equal(p->sender, "root@localhost");
	p = probe_of(f, "198.51.100.9");
	assert_non_null(p);
	assert_string_equal(p->rcpt, "postmaster@harbour.example");
	mg_report_free(&r);
	mg_model_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lists),
		cmocka_unit_test(test_parse_and_locate),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_incident1_envelopes),
		cmocka_unit_test(test_debian_map),
		cmocka_unit_test(test_debian_sources_trusted),
		cmocka_unit_test(test_relay_hosts),
		cmocka_unit_test(test_relay_hosts_log_clients),
		cmocka_unit_test(test_relay_hosts_unlocated),
		cmocka_unit_test(test_relative_include),
		cmocka_unit_test(test_relay_private_by_host_context),
		cmocka_unit_test(test_relay_ue4c_last_line_wins),
		cmocka_unit_test(test_auth),
		cmocka_unit_test(test_aliases_nested),
		cmocka_unit_test(test_auth_tls_spellings),
		cmocka_unit_test(test_auth_exim_answer),
		cmocka_unit_test(test_auth_port25),
		cmocka_unit_test(test_captured_tls_conditions),
		cmocka_unit_test(test_captured_nested_lookup),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
