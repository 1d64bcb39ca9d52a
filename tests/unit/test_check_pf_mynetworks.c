/* test_check_pf_mynetworks.c - trusted-network check on Postfix model data. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mg_test.h"
#include "pf_fixture.h"
#include "../../core/mg_host.h"
#include "../../core/mg_maillog.h"
#include "../../backends/postfix/pf_log.h"

/* test_stock_debian_is_clean - Debian's own mynetworks: nothing to say */
static void
test_stock_debian_is_clean(void **state)
{
	static const char *v = "mynetworks = 127.0.0.0/8 "
	    "[::ffff:127.0.0.0]/104 [::1]/128\n";
	struct mg_model m;
	struct mg_report r;

	(void)state;
	pf_build(&m, v, v, "myhostname = x\nmynetworks = 127.0.0.0/8 "
	    "[::ffff:127.0.0.0]/104 [::1]/128\n");
	pf_run(mg_check_pf_mynetworks, &m, &r);
	assert_int_equal(r.nfindings, 0);
	assert_int_equal(r.nfixes, 0);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_mask_typo_narrowed_to_host - incident 4 */
static void
test_mask_typo_narrowed_to_host(void **state)
{
	static const char *v = "mynetworks = 127.0.0.0/8 "
	    "[::ffff:127.0.0.0]/104 [::1]/128 192.168.1.0/24, "
	    "210.140.12.34/8, 218.45.6.7/8\n";
	static const char *cf = "# main.cf\n"
	    "mynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128\n"
	    "    192.168.1.0/24, 210.140.12.34/8,\n"
	    "    218.45.6.7/8\n";
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	/* Postfix 2.x masked the entry: the whole /8s were trusted */
	pf_build(&m, v, v, cf);
	free(m.version);
	m.version = mg_xstrdup("2.11.3");
	pf_run(mg_check_pf_mynetworks, &m, &r);
	assert_int_equal(r.nfindings, 2);
	f = &r.findings[0];
	assert_string_equal(f->id, "postfix.mynetworks.public");
	assert_int_equal(f->severity, MG_SEV_CRITICAL);
	assert_string_equal(f->area, "relay");
	assert_int_equal(f->nevidence, 2);
	assert_string_equal(f->evidence[0].file, PF_MAIN_CF);
	assert_int_equal(f->evidence[0].line, 3);
	assert_int_equal(f->evidence[1].line, 4);
	assert_non_null(strstr(f->evidence[0].text, "210.140.12.34/8"));
	assert_non_null(strstr(f->evidence[0].text, "16,777,216"));
	assert_non_null(strstr(f->evidence[1].text, "218.0.0.0/8"));
	f = pf_finding(&r, "postfix.mynetworks.host-bits");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_HIGH);
	mg_report_free(&r);

	/* Postfix 3.x refuses the entry: an inbound outage, not a trust */
	free(m.version);
	m.version = mg_xstrdup("3.7.11");
	pf_run(mg_check_pf_mynetworks, &m, &r);
	assert_int_equal(r.nfindings, 1);
	assert_null(pf_finding(&r, "postfix.mynetworks.public"));
	f = pf_finding(&r, "postfix.mynetworks.host-bits");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_CRITICAL);
	assert_non_null(strstr(f->title, "tempfailed"));
	assert_non_null(strstr(f->explanation, "451 4.3.0 Temporary lookup "
	    "failure"));
	assert_int_equal(f->nevidence, 2);
	assert_int_equal(f->evidence[0].line, 3);
	assert_non_null(strstr(f->evidence[0].text, "tempfails"));
	assert_int_equal(f->nfix_ids, 1);
	x = mg_report_find_fix(&r, f->fix_ids[0]);
	assert_non_null(x);
	assert_int_equal(x->nedits, 1);
	assert_int_equal(x->edits[0].kind, MG_EDIT_SET_PARAM);
	assert_string_equal(x->edits[0].param, "mynetworks");
	assert_int_equal(x->edits[0].line, 2);
	/* layout kept, the hosts written kept, nothing else touched */
	assert_string_equal(x->edits[0].new_text, "127.0.0.0/8 "
	    "[::ffff:127.0.0.0]/104 [::1]/128 192.168.1.0/24, "
	    "210.140.12.34/32, 218.45.6.7/32");
	assert_int_equal(x->npost, 1);
	assert_string_equal(x->post[0].argv[0], "postfix");
	assert_string_equal(x->post[0].argv[2], "/etc/postfix");
	assert_string_equal(x->post[0].argv[3], "reload");
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_wide_public_removed - no host bits: the safe default is removal */
static void
test_wide_public_removed(void **state)
{
	static const char *v = "mynetworks = 210.0.0.0/8, 127.0.0.0/8\n";
	struct mg_model m;
	struct mg_report r;

	(void)state;
	pf_build(&m, v, v, "mynetworks = 210.0.0.0/8, 127.0.0.0/8\n");
	pf_run(mg_check_pf_mynetworks, &m, &r);
	assert_int_equal(r.nfindings, 1);
	assert_int_equal(r.findings[0].severity, MG_SEV_CRITICAL);
	assert_null(pf_finding(&r, "postfix.mynetworks.host-bits"));
	assert_string_equal(r.fixes[0].edits[0].new_text, "127.0.0.0/8");
	mg_report_free(&r);
	mg_model_free(&m);
}

/* with_log - a mail log of "client=" lines for these addresses (one
 * message each, "A:" before an address: it logged in) */
static void
with_log(struct mg_model *m, const char *const *addrs)
{
	char line[256];
	size_t i;

	m->log = mg_xcalloc(1, sizeof(*m->log));
	mg_maillog_init(m->log);
	m->log->path = mg_xstrdup("/var/log/mail.log");
	for (i = 0; addrs[i] != NULL; i++) {
		int auth = strncmp(addrs[i], "A:", 2) == 0;

		(void)snprintf(line, sizeof(line), "Nov 23 11:00:00 mx "
		    "postfix/smtpd[1]: AB%zu: client=h[%s]%s", i, addrs[i] +
		    (auth ? 2 : 0), auth ? ", sasl_method=PLAIN, "
		    "sasl_username=bob" : "");
		mg_maillog_line(m->log, mg_pf_log_line, NULL, line,
		    strlen(line));
	}
	mg_maillog_finish(m->log);
}

/* test_wide_net_keeps_log_clients - a public network without host bits:
 * the few hosts the mail log shows sending through it without SASL are
 * kept (one probe each stays open), the rest of the network goes; a host
 * another kept entry covers, or one that logged in, is not added */
static void
test_wide_net_keeps_log_clients(void **state)
{
	static const char *v = "mynetworks = 127.0.0.0/8, 210.0.0.0/8, "
	    "218.0.0.0/8\n";
	static const char *const seen[] = { "210.20.30.41", "210.20.30.40",
	    "210.20.30.40", "A:210.9.9.9", "127.0.0.1", "198.51.100.9",
	    NULL };
	const struct mg_finding *f;
	const struct mg_evidence *e;
	struct mg_model m;
	struct mg_report r;
	size_t i, legit = 0, hole = 0, lo = 0;

	(void)state;
	pf_build(&m, v, v, v);
	with_log(&m, seen);
	pf_run(mg_check_pf_mynetworks, &m, &r);
	assert_string_equal(r.fixes[0].edits[0].new_text, "127.0.0.0/8, "
	    "210.20.30.40/32, 210.20.30.41/32");
	f = pf_finding(&r, "postfix.mynetworks.public");
	assert_non_null(f);
	e = pf_evidence(f, "2 clients in 210.0.0.0/8");
	assert_non_null(e);
	assert_string_equal(e->file, "/var/log/mail.log");
	assert_non_null(strstr(e->text, "210.20.30.40/32 (2 messages)"));
	assert_non_null(pf_evidence(f, "no client in 218.0.0.0/8"));
	for (i = 0; i < f->nprobes; i++) {
		if (f->probes[i].hole_if_accepted) {
			hole++;
			assert_string_not_equal(f->probes[i].client,
			    "210.20.30.40");
			assert_string_not_equal(f->probes[i].client,
			    "210.20.30.41");
		} else if (strcmp(f->probes[i].client, "127.0.0.1") == 0) {
			lo++;	/* loopback relays before and after */
		} else {
			legit++;
			assert_int_equal(strncmp(f->probes[i].client,
			    "210.20.30.4", 11), 0);
		}
	}
	assert_int_equal(hole, 2);
	assert_int_equal(legit, 2);
	assert_int_equal(lo, 1);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_wide_net_many_clients_removed - more than a few clients: no guess,
 * the network is removed and the evidence says why */
static void
test_wide_net_many_clients_removed(void **state)
{
	static const char *v = "mynetworks = 127.0.0.0/8 210.0.0.0/8\n";
	static const char *const seen[] = { "210.1.0.1", "210.1.0.2",
	    "210.1.0.3", "210.1.0.4", "210.1.0.5", NULL };
	struct mg_model m;
	struct mg_report r;

	(void)state;
	pf_build(&m, v, v, v);
	with_log(&m, seen);
	pf_run(mg_check_pf_mynetworks, &m, &r);
	assert_string_equal(r.fixes[0].edits[0].new_text, "127.0.0.0/8");
	assert_non_null(pf_evidence(&r.findings[0], "5 clients in "
	    "210.0.0.0/8"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_table_keeps_log_clients - a cidr table line becomes one line per
 * host seen, under a comment holding the old line */
static void
test_table_keeps_log_clients(void **state)
{
	static const char *v = "mynetworks = cidr:/etc/postfix/nets.cidr\n";
	static const char *const seen[] = { "93.184.0.7", "93.184.0.9",
	    NULL };
	struct mg_model m;
	struct mg_report r;

	(void)state;
	pf_build(&m, v, v, v);
	(void)pf_map(&m, "cidr:/etc/postfix/nets.cidr", NULL,
	    "/etc/postfix/nets.cidr", "93.184.0.0/16 OK\n");
	with_log(&m, seen);
	pf_run(mg_check_pf_mynetworks, &m, &r);
	assert_int_equal(r.fixes[0].nedits, 1);
	assert_string_equal(r.fixes[0].edits[0].new_text, "# public network, "
	    "narrowed to the clients the mail log shows: 93.184.0.0/16 OK\n"
	    "93.184.0.7/32 OK\n93.184.0.9/32 OK");
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_severity_by_width - a public /24 is medium, a /20 high, /32 none */
static void
test_severity_by_width(void **state)
{
	static const struct {
		const char *v;
		int nfindings;
		enum mg_severity sev;
	} cases[] = {
		{ "mynetworks = 93.122.252.5\n", 0, MG_SEV_INFO },
		{ "mynetworks = 93.122.252.5/32\n", 0, MG_SEV_INFO },
		{ "mynetworks = 93.122.252.0/24\n", 1, MG_SEV_MEDIUM },
		{ "mynetworks = 93.122.240.0/20\n", 1, MG_SEV_HIGH },
		/* private, this host's interfaces unknown: by width */
		{ "mynetworks = 10.0.0.0/8 172.16.0.0/12\n", 1, MG_SEV_HIGH },
		{ "mynetworks = 192.168.1.0/24\n", 0, MG_SEV_INFO },
		{ "mynetworks = [2a01:4f8::]/32\n", 1, MG_SEV_CRITICAL },
		{ "mynetworks = [2001:db8::]/32 [fe80::]/10\n", 0,
		    MG_SEV_INFO },
		{ "mynetworks = [::ffff:210.0.0.0]/104\n", 1,
		    MG_SEV_CRITICAL },
		{ "mynetworks = cidr:/etc/postfix/nets mail.example.com\n", 0,
		    MG_SEV_INFO },
	};
	struct mg_model m;
	struct mg_report r;
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		pf_build(&m, cases[i].v, cases[i].v, cases[i].v);
		pf_run(mg_check_pf_mynetworks, &m, &r);
		if ((int)r.nfindings != cases[i].nfindings ||
		    (r.nfindings > 0 && r.findings[0].severity !=
		    cases[i].sev))
			fail_msg("%s: %zu findings, severity %s", cases[i].v,
			    r.nfindings, r.nfindings ? mg_severity_name(
			    r.findings[0].severity) : "-");
		mg_report_free(&r);
		mg_model_free(&m);
	}
}

/* test_loopback_listener_said - a loopback-only listener is stated, the
 * severity still reflects the configuration */
static void
test_loopback_listener_said(void **state)
{
	static const char *n = "mynetworks = 210.0.0.0/8\n"
	    "inet_interfaces = 127.0.0.1, [::1]\n";
	static const char *n2 = "mynetworks = 210.0.0.0/8\n"
	    "inet_interfaces = all\n";
	struct mg_model m;
	struct mg_report r;

	(void)state;
	pf_build(&m, n, n, n);
	pf_run(mg_check_pf_mynetworks, &m, &r);
	assert_int_equal(r.findings[0].severity, MG_SEV_CRITICAL);
	assert_int_equal(r.findings[0].nevidence, 3);
	assert_non_null(strstr(r.findings[0].evidence[1].text,
	    "no mail log was read"));
	assert_non_null(strstr(r.findings[0].evidence[2].text, "loopback"));
	assert_int_equal(r.findings[0].evidence[2].line, 2);
	mg_report_free(&r);
	mg_model_free(&m);
	pf_build(&m, n2, n2, n2);
	pf_run(mg_check_pf_mynetworks, &m, &r);
	assert_int_equal(r.findings[0].nevidence, 2);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_pattern_file_entries - "/path" files: evidence and edit there */
static void
test_pattern_file_entries(void **state)
{
	static const char *v = "mynetworks = /etc/postfix/mynets\n";
	static const char *nets = "# trusted\n127.0.0.0/8\n"
	    "210.140.12.34/8 # the office\n";
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	pf_build(&m, v, v, "mynetworks = /etc/postfix/mynets\n");
	mg_srcfile_set_text(mg_model_file_add(&m, "/etc/postfix/mynets"),
	    nets, strlen(nets));
	pf_run(mg_check_pf_mynetworks, &m, &r);
	/* the file's lines are list items: the typo is an outage there too */
	assert_null(pf_finding(&r, "postfix.mynetworks.public"));
	f = pf_finding(&r, "postfix.mynetworks.host-bits");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_CRITICAL);
	assert_string_equal(f->evidence[0].file, "/etc/postfix/mynets");
	assert_int_equal(f->evidence[0].line, 3);
	assert_int_equal(r.nfixes, 1);
	assert_int_equal(r.fixes[0].nedits, 1);
	assert_int_equal(r.fixes[0].edits[0].kind, MG_EDIT_REPLACE);
	assert_string_equal(r.fixes[0].edits[0].file, "/etc/postfix/mynets");
	assert_int_equal(r.fixes[0].edits[0].line, 3);
	assert_string_equal(r.fixes[0].edits[0].new_text,
	    "210.140.12.34/32 # the office");
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_table_entries - cidr: and inline: tables in mynetworks: their
 * keys are trusted networks; cidr lines are edited in the table */
static void
test_table_entries(void **state)
{
	static const char *v = "mynetworks = 127.0.0.0/8, "
	    "cidr:/etc/postfix/nets.cidr inline:{ [::ffff:81.0.0.0]/104=x, "
	    "{ 10.0.0.0/8 = y } }\n";
	const struct mg_finding *f;
	const struct mg_evidence *e;
	struct mg_model m;
	struct mg_report r;
	size_t i;
	int commented = 0, narrowed = 0;

	(void)state;
	pf_build(&m, v, v, "# x\nmynetworks = 127.0.0.0/8,\n"
	    "  cidr:/etc/postfix/nets.cidr\n"
	    "  inline:{ [::ffff:81.0.0.0]/104=x, { 10.0.0.0/8 = y } }\n");
	(void)pf_map(&m, "cidr:/etc/postfix/nets.cidr", NULL,
	    "/etc/postfix/nets.cidr", "# nets\n10.0.0.0/8 OK\n"
	    "[2a00:1450::]/32\tOK\n93.184.216.34/20 OK\n");
	(void)pf_map(&m, "inline:{ [::ffff:81.0.0.0]/104=x, "
	    "{ 10.0.0.0/8 = y } }", "[::ffff:81.0.0.0]/104\tx\n"
	    "10.0.0.0/8\ty\n", NULL, NULL);
	pf_run(mg_check_pf_mynetworks, &m, &r);
	f = pf_finding(&r, "postfix.mynetworks.public");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_CRITICAL);
	e = pf_evidence(f, "[2a00:1450::]/32");
	assert_non_null(e);
	assert_string_equal(e->file, "/etc/postfix/nets.cidr");
	assert_int_equal(e->line, 3);
	/* an IPv4-mapped /104 is a public /8 */
	e = pf_evidence(f, "[::ffff:81.0.0.0]/104");
	assert_non_null(e);
	assert_string_equal(e->file, PF_MAIN_CF);
	assert_int_equal(e->line, 4);
	/* Postfix 3.x skips a cidr rule with host bits: not trusted */
	assert_null(pf_evidence(f, "93.184.216.34/20"));
	f = pf_finding(&r, "postfix.mynetworks.host-bits");
	assert_non_null(f);
	e = pf_evidence(f, "93.184.216.34/20");
	assert_non_null(e);
	assert_non_null(strstr(e->text, "skips this cidr rule"));
	assert_string_equal(e->file, "/etc/postfix/nets.cidr");
	assert_int_equal(r.nfixes, 1);
	for (i = 0; i < r.fixes[0].nedits; i++) {
		const struct mg_edit *ed = &r.fixes[0].edits[i];

		assert_string_equal(ed->file, "/etc/postfix/nets.cidr");
		if (strcmp(ed->new_text, "# public network, removed: "
		    "[2a00:1450::]/32\tOK") == 0)
			commented++;
		if (strcmp(ed->new_text, "93.184.216.34/32 OK") == 0)
			narrowed++;
	}
	assert_int_equal(commented, 1);
	assert_int_equal(narrowed, 1);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_style_subnet_derived - not set: mynetworks_style decides */
static void
test_style_subnet_derived(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	pf_build(&m, "mynetworks_style = subnet\n",
	    "mynetworks = 127.0.0.0/8 93.122.252.0/24\n"
	    "mynetworks_style = subnet\n",
	    "# x\nmynetworks_style = subnet\n");
	pf_run(mg_check_pf_mynetworks, &m, &r);
	f = pf_finding(&r, "postfix.mynetworks.public");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	assert_int_equal(f->evidence[0].line, 2);
	assert_non_null(strstr(f->evidence[1].text, "mynetworks_style"));
	assert_string_equal(r.fixes[0].edits[0].param, "mynetworks_style");
	assert_string_equal(r.fixes[0].edits[0].new_text, "host");
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_variable_entry_has_no_blind_fix - "$name" entries are reported
 * but the raw text cannot be rewritten without knowing the variable */
static void
test_variable_entry_has_no_blind_fix(void **state)
{
	struct mg_model m;
	struct mg_report r;

	(void)state;
	pf_build(&m, "mynetworks = 127.0.0.0/8 $office_nets\n"
	    "office_nets = 210.0.0.0/8\n",
	    "mynetworks = 127.0.0.0/8 210.0.0.0/8\n"
	    "office_nets = 210.0.0.0/8\n",
	    "office_nets = 210.0.0.0/8\nmynetworks = 127.0.0.0/8 "
	    "$office_nets\n");
	pf_run(mg_check_pf_mynetworks, &m, &r);
	assert_int_equal(r.nfindings, 1);
	assert_int_equal(r.findings[0].evidence[0].line, 2);
	assert_int_equal(r.findings[0].nfix_ids, 0);
	assert_int_equal(r.nfixes, 0);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* with_host - a host context: "name=addr/prefix" items, docker-proxy */
static void
with_host(struct mg_model *m, const char *const *ifs, int proxy)
{
	struct mg_net a;
	char name[32];
	const char *eq;
	size_t i;

	m->host = mg_xcalloc(1, sizeof(*m->host));
	mg_host_init(m->host);
	for (i = 0; ifs[i] != NULL; i++) {
		eq = strchr(ifs[i], '=');
		assert_non_null(eq);
		(void)snprintf(name, sizeof(name), "%.*s", (int)(eq - ifs[i]),
		    ifs[i]);
		assert_int_equal(mg_net_parse(eq + 1, &a, NULL), 0);
		mg_host_add_if(m->host, name, &a);
	}
	m->host->docker_proxy = proxy;
	m->host->docker_proxy_pid = proxy ? 4242 : 0;
	m->host->ip_forward = proxy;
}

/*
 * test_private_by_host_context - private and container networks weighed
 * by width and by this host's interfaces and docker: a finding only from
 * medium up, the fix narrowing to the host's interface networks (the
 * docker gateway excluded while docker-proxy runs), probes the fix must
 * close and loopback that must stay
 */
static void
test_private_by_host_context(void **state)
{
	static const char *const lan[] = { "lo=127.0.0.1/8",
	    "eth0=192.0.2.2/24", NULL };
	static const char *const lan10[] = { "lo=127.0.0.1/8",
	    "eth0=10.1.2.3/24", "eth0=[fd00::2]/64", NULL };
	static const char *const home[] = { "eth0=192.168.1.10/24", NULL };
	static const char *const dock[] = { "eth0=192.0.2.2/24",
	    "docker0=172.17.0.1/16", "br-3f1c2a9d7e01=172.18.0.1/16",
	    NULL };
	static const struct {
		const char *name, *v;
		const char *const *ifs;	/* NULL: host not read */
		int proxy;
		enum mg_severity sev;	/* INFO: no finding */
		const char *fix, *probe, *why;
	} cases[] = {
		{ "a /12 no interface is on", "127.0.0.0/8 [::1]/128 "
		    "172.16.0.0/12", lan, 0, MG_SEV_HIGH,
		    "127.0.0.0/8 [::1]/128", "172.19.1.1",
		    "no interface of this host is on it (eth0 192.0.2.2/24)"
		},
		{ "the host's own LAN", "127.0.0.0/8 192.168.1.0/24", home, 0,
		    MG_SEV_INFO, NULL, NULL, NULL },
		{ "a /8 around the host's LAN", "127.0.0.0/8, 10.0.0.0/8, "
		    "[fd00::]/8", lan10, 0, MG_SEV_HIGH,
		    "127.0.0.0/8, 10.1.2.0/24, [fd00::]/64", "10.99.1.1",
		    "10.0.0.0/8 (RFC 1918 private, 16,777,216 addresses)" },
		{ "docker bridge, docker-proxy runs", "127.0.0.0/8 "
		    "172.17.0.0/16", dock, 1, MG_SEV_HIGH,
		    "127.0.0.0/8 !172.17.0.1/32 172.17.0.0/16", "172.17.0.1",
		    "docker-proxy runs (pid 4242)" },
		{ "docker bridge, no proxy", "127.0.0.0/8 172.17.0.0/16", dock,
		    0, MG_SEV_INFO, NULL, NULL, NULL },
		{ "/12 holding docker bridges, proxy", "127.0.0.0/8 "
		    "172.16.0.0/12", dock, 1, MG_SEV_HIGH, "127.0.0.0/8 "
		    "!172.17.0.1/32 172.17.0.0/16 !172.18.0.1/32 "
		    "172.18.0.0/16", "172.17.0.1", "gateway address "
		    "172.17.0.1" },
		{ "a /16, host not read", "127.0.0.0/8 192.168.0.0/16", NULL,
		    0, MG_SEV_MEDIUM, "127.0.0.0/8", "192.168.1.1",
		    "interfaces were not read" },
		{ "a /24, host not read", "127.0.0.0/8 192.168.7.0/24", NULL,
		    0, MG_SEV_INFO, NULL, NULL, NULL },
		{ "CGN /10", "100.64.0.0/10", lan, 0, MG_SEV_HIGH, "",
		    "100.99.1.1", "carrier-grade NAT" },
		{ "link-local", "127.0.0.0/8 [fe80::]/10 169.254.0.0/16", lan,
		    0, MG_SEV_INFO, NULL, NULL, NULL },
		/* IPv6 by prefix: a /64 is one subnet (mailcow's docker
		 * network), a /56 a site, a /8 everything */
		{ "a ULA /64", "127.0.0.0/8 [fd4d:6169:6c63:6f77::]/64", lan,
		    0, MG_SEV_INFO, NULL, NULL, NULL },
		{ "a ULA /56", "127.0.0.0/8 [fd4d:6169:6c63::]/56", lan, 0,
		    MG_SEV_MEDIUM, "127.0.0.0/8", "fd4d:6169:6c63::25",
		    "IPv6 unique local" },
	};
	struct mg_str v = MG_STR_INIT;
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;
	size_t i, k;
	int found;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		mg_str_reset(&v);
		mg_str_printf(&v, "mynetworks = %s\n", cases[i].v);
		pf_build(&m, mg_str_cstr(&v), mg_str_cstr(&v),
		    mg_str_cstr(&v));
		if (cases[i].ifs != NULL)
			with_host(&m, cases[i].ifs, cases[i].proxy);
		pf_run(mg_check_pf_mynetworks, &m, &r);
		f = pf_finding(&r, "postfix.mynetworks.private");
		if (cases[i].sev == MG_SEV_INFO) {
			if (r.nfindings != 0)
				fail_msg("%s: %zu findings", cases[i].name,
				    r.nfindings);
			goto next;
		}
		if (f == NULL || f->severity != cases[i].sev)
			fail_msg("%s: %s", cases[i].name, f == NULL ?
			    "no finding" : mg_severity_name(f->severity));
		for (k = 0, found = 0; k < f->nevidence; k++)
			found |= strstr(f->evidence[k].text,
			    cases[i].why) != NULL;
		if (!found)
			fail_msg("%s: no evidence \"%s\" (first: %s)",
			    cases[i].name, cases[i].why, f->evidence[0].text);
		assert_int_equal(f->nfix_ids, 1);
		x = mg_report_find_fix(&r, f->fix_ids[0]);
		assert_non_null(x);
		if (strcmp(x->edits[0].new_text, cases[i].fix) != 0)
			fail_msg("%s: fix \"%s\"", cases[i].name,
			    x->edits[0].new_text);
		if (f->nprobes < 1 || strcmp(f->probes[0].client,
		    cases[i].probe) != 0 || !f->probes[0].hole_if_accepted)
			fail_msg("%s: probe %s", cases[i].name, f->nprobes ?
			    f->probes[0].client : "none");
		if (strncmp(cases[i].v, "127.", 4) == 0 && (f->nprobes != 2 ||
		    strcmp(f->probes[1].client, "127.0.0.1") != 0 ||
		    f->probes[1].hole_if_accepted))
			fail_msg("%s: loopback not probed as legitimate",
			    cases[i].name);
next:
		mg_report_free(&r);
		mg_model_free(&m);
	}
	mg_str_free(&v);
}

/* test_private_style_subnet_docker - mynetworks from mynetworks_style =
 * subnet on a docker host: the bridge network is trusted, docker-proxy
 * makes it everyone; the fix is mynetworks_style = host */
static void
test_private_style_subnet_docker(void **state)
{
	static const char *const dock[] = { "lo=127.0.0.1/8",
	    "eth0=192.168.1.10/24", "docker0=172.17.0.1/16", NULL };
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	pf_build(&m, "mynetworks_style = subnet\n",
	    "mynetworks = 127.0.0.0/8 192.168.1.0/24 172.17.0.0/16\n"
	    "mynetworks_style = subnet\n",
	    "# x\nmynetworks_style = subnet\n");
	with_host(&m, dock, 1);
	pf_run(mg_check_pf_mynetworks, &m, &r);
	assert_int_equal(r.nfindings, 1);
	f = pf_finding(&r, "postfix.mynetworks.private");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_HIGH);
	assert_int_equal(f->evidence[0].line, 2);
	assert_non_null(strstr(f->evidence[0].text, "192.168.1.0/24 - low: "
	    "192.168.1.0/24 (RFC 1918 private, 256 addresses): this host's "
	    "own eth0 network (192.168.1.10/24)"));
	assert_non_null(strstr(f->evidence[1].text, "172.17.0.0/16 - high"));
	assert_non_null(strstr(f->evidence[2].text, "mynetworks_style"));
	assert_non_null(strstr(f->evidence[3].text, "forwarding on"));
	assert_string_equal(r.fixes[0].edits[0].param, "mynetworks_style");
	assert_string_equal(r.fixes[0].edits[0].new_text, "host");
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_private_table_entry - a private network in a cidr: table is
 * commented out with the host's network put in its place */
static void
test_private_table_entry(void **state)
{
	static const char *const lan10[] = { "eth0=10.1.2.3/24", NULL };
	static const char *v = "mynetworks = 127.0.0.0/8, "
	    "cidr:/etc/postfix/nets.cidr\n";
	static const char *src = "# nets\n10.0.0.0/8 OK\n";
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	pf_build(&m, v, v, v);
	pf_map(&m, "cidr:/etc/postfix/nets.cidr", NULL,
	    "/etc/postfix/nets.cidr", src);
	with_host(&m, lan10, 0);
	pf_run(mg_check_pf_mynetworks, &m, &r);
	assert_non_null(pf_finding(&r, "postfix.mynetworks.private"));
	x = mg_report_find_fix(&r, "postfix.mynetworks.narrow");
	assert_non_null(x);
	assert_string_equal(x->edits[0].file, "/etc/postfix/nets.cidr");
	assert_int_equal(x->edits[0].line, 2);
	assert_string_equal(x->edits[0].new_text, "# private network, "
	    "narrowed to this host's interface networks: 10.0.0.0/8 OK\n"
	    "10.1.2.0/24 OK");
	mg_report_free(&r);
	mg_model_free(&m);
}

/*
 * test_authorized_lists - XCLIENT, XFORWARD and XVERP granted beyond
 * loopback: weighed by what each grants and to how many addresses, the
 * fix keeps only the loopback items (names kept, a $variable list not
 * rewritten blindly)
 */
static void
test_authorized_lists(void **state)
{
	static const struct {
		const char *name, *cf, *id;
		enum mg_severity sev;	/* INFO: no finding */
		const char *fix, *why;	/* fix NULL: none proposed */
		const char *x;		/* postconf -x when not cf */
	} cases[] = {
		{ "xclient to a /24", "smtpd_authorized_xclient_hosts = "
		    "127.0.0.1 192.0.2.0/24\n", "postfix.xclient.wide",
		    MG_SEV_HIGH, "127.0.0.1", "entry 192.0.2.0/24 "
		    "(192.0.2.0/24, 256 addresses) may claim any client "
		    "address", NULL },
		{ "xclient loopback only", "smtpd_authorized_xclient_hosts = "
		    "127.0.0.1 [::1]\n", NULL, MG_SEV_INFO, NULL, NULL, NULL },
		{ "xclient to one proxy", "smtpd_authorized_xclient_hosts = "
		    "10.0.0.5\n", "postfix.xclient.wide", MG_SEV_LOW, "",
		    "entry 10.0.0.5 (10.0.0.5/32, 1 address)", NULL },
		{ "xclient to everyone", "smtpd_authorized_xclient_hosts = "
		    "127.0.0.0/8, 0.0.0.0/0\n", "postfix.xclient.wide",
		    MG_SEV_CRITICAL, "127.0.0.0/8", "public", NULL },
		{ "xclient through a variable", "office = 10.0.0.0/8\n"
		    "smtpd_authorized_xclient_hosts = 127.0.0.1 $office\n",
		    "postfix.xclient.wide", MG_SEV_HIGH, NULL,
		    "16,777,216 addresses", "office = 10.0.0.0/8\n"
		    "smtpd_authorized_xclient_hosts = 127.0.0.1 "
		    "10.0.0.0/8\n" },
		{ "xforward to a /8", "smtpd_authorized_xforward_hosts = "
		    "127.0.0.0/8 10.0.0.0/8 filter.example.com\n",
		    "postfix.xforward.wide", MG_SEV_LOW,
		    "127.0.0.0/8 filter.example.com", "XFORWARD", NULL },
		{ "xforward to one filter", "smtpd_authorized_xforward_hosts "
		    "= 10.0.0.5\n", NULL, MG_SEV_INFO, NULL, NULL, NULL },
		{ "verp to a public /8", "smtpd_authorized_verp_clients = "
		    "210.0.0.0/8\n", "postfix.verp.wide", MG_SEV_LOW, "",
		    "XVERP", NULL },
		{ "verp to a LAN", "smtpd_authorized_verp_clients = "
		    "192.168.0.0/16\n", NULL, MG_SEV_INFO, NULL, NULL, NULL },
	};
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;
	size_t i, k;
	int found;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		pf_build(&m, cases[i].cf, cases[i].x != NULL ? cases[i].x :
		    cases[i].cf, cases[i].cf);
		pf_run(mg_check_pf_authorized, &m, &r);
		if (cases[i].id == NULL) {
			if (r.nfindings != 0)
				fail_msg("%s: %zu findings (%s)", cases[i].name,
				    r.nfindings, r.findings[0].id);
			goto next;
		}
		f = pf_finding(&r, cases[i].id);
		if (f == NULL || f->severity != cases[i].sev ||
		    r.nfindings != 1)
			fail_msg("%s: %s", cases[i].name, f == NULL ?
			    "no finding" : mg_severity_name(f->severity));
		for (k = 0, found = 0; k < f->nevidence; k++)
			found |= strstr(f->evidence[k].text,
			    cases[i].why) != NULL;
		if (!found)
			fail_msg("%s: no evidence \"%s\": %s", cases[i].name,
			    cases[i].why, f->evidence[0].text);
		x = r.nfixes > 0 ? &r.fixes[0] : NULL;
		if (cases[i].fix == NULL) {
			if (x != NULL || f->nfix_ids != 0)
				fail_msg("%s: a blind fix", cases[i].name);
			goto next;
		}
		if (x == NULL || f->nfix_ids != 1 ||
		    strcmp(x->edits[0].new_text, cases[i].fix) != 0 ||
		    x->edits[0].kind != MG_EDIT_SET_PARAM ||
		    x->edits[0].line != 1)
			fail_msg("%s: fix \"%s\"", cases[i].name, x != NULL ?
			    x->edits[0].new_text : "none");
		assert_string_equal(x->post[0].argv[3], "reload");
next:
		mg_report_free(&r);
		mg_model_free(&m);
	}
}

/* test_authorized_service_override - a content filter's return port
 * granting XCLIENT to a /8 in master.cf: evidence and the fix there */
static void
test_authorized_service_override(void **state)
{
	static const char *mo =
	    "smtp inet n - y - - smtpd\n"
	    "127.0.0.1:10025 inet n - n - - smtpd "
	    "-o smtpd_authorized_xclient_hosts=127.0.0.0/8,10.0.0.0/8\n";
	static const char *po =
	    "127.0.0.1:10025/inet/smtpd_authorized_xclient_hosts = "
	    "127.0.0.0/8,10.0.0.0/8\n";
	static const char *mcf = "smtp inet n - y - - smtpd\n"
	    "127.0.0.1:10025 inet n - n - - smtpd\n"
	    "  -o smtpd_authorized_xclient_hosts=127.0.0.0/8,10.0.0.0/8\n";
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	pf_build(&m, "mynetworks = 127.0.0.0/8\n", "mynetworks = 127.0.0.0/8\n"
	    "smtpd_authorized_xclient_hosts =\n", "mynetworks = 127.0.0.0/8\n");
	pf_master(&m, mo, po, mcf);
	pf_run(mg_check_pf_authorized, &m, &r);
	f = pf_finding(&r, "postfix.xclient.wide");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_HIGH);
	assert_string_equal(f->evidence[0].file, PF_MASTER_CF);
	assert_int_equal(f->evidence[0].line, 3);
	assert_non_null(strstr(f->evidence[0].text, "(master.cf service "
	    "127.0.0.1:10025) entry 10.0.0.0/8"));
	assert_non_null(strstr(f->evidence[1].text, "mynetworks = "
	    "127.0.0.0/8: a client that claims"));
	x = mg_report_find_fix(&r, "postfix.xclient.narrow");
	assert_non_null(x);
	assert_int_equal(x->edits[0].kind, MG_EDIT_REPLACE);
	assert_string_equal(x->edits[0].file, PF_MASTER_CF);
	assert_int_equal(x->edits[0].line, 3);
	assert_string_equal(x->edits[0].new_text,
	    "  -o smtpd_authorized_xclient_hosts=127.0.0.0/8");
	mg_report_free(&r);
	mg_model_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stock_debian_is_clean),
		cmocka_unit_test(test_mask_typo_narrowed_to_host),
		cmocka_unit_test(test_wide_public_removed),
		cmocka_unit_test(test_wide_net_keeps_log_clients),
		cmocka_unit_test(test_wide_net_many_clients_removed),
		cmocka_unit_test(test_table_keeps_log_clients),
		cmocka_unit_test(test_severity_by_width),
		cmocka_unit_test(test_loopback_listener_said),
		cmocka_unit_test(test_pattern_file_entries),
		cmocka_unit_test(test_table_entries),
		cmocka_unit_test(test_style_subnet_derived),
		cmocka_unit_test(test_variable_entry_has_no_blind_fix),
		cmocka_unit_test(test_private_by_host_context),
		cmocka_unit_test(test_private_style_subnet_docker),
		cmocka_unit_test(test_private_table_entry),
		cmocka_unit_test(test_authorized_lists),
		cmocka_unit_test(test_authorized_service_override),
	};

	return (cmocka_run_group_tests_name("check_pf_mynetworks", tests,
	    NULL, NULL));
}
