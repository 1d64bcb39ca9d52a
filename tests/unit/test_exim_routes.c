/*
 * test_exim_routes.c - exim -bt's routing trace (captured from Exim 4.96
 * in the lab: tests/unit/data/exim_bt, scenarios router-any-domain and
 * no-system-aliases) and the router checks on it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../backends/exim/exim_route.h"
#include "../../checks/checks.h"
#include "../../core/mg_file.h"
#include "../../core/mg_str.h"
#include "mg_test.h"

#define DATA "tests/unit/data/exim_bt/"
#define CONF "/etc/exim4/exim4.conf"

static const char *const addrs[] = { "postmaster@mail.example.com",
	"root@mail.example.com", "postmaster@example.com", "root@example.com",
	"postmaster@foreign.invalid", "root@foreign.invalid", NULL };

/* slurp - a fixture file */
static void
slurp(const char *name, struct mg_str *s)
{
	struct mg_err err;

	mg_str_init(s);
	if (mg_file_read(name, 1 << 20, s, NULL, &err) < 0)
		fail_msg("%s", err.msg);
}

/* answer - the recorded answer for addr, or "(none)" */
static const char *
answer(const struct mg_map *t, const char *addr)
{
	const struct mg_map_entry *e = mg_map_answer(t, addr);

	return (e == NULL ? "(none)" : e->value);
}

/* load_trace - the answers of one captured run into a fresh map */
static void
load_trace(struct mg_model *m, const char *base, size_t cut)
{
	struct mg_str trace, out;
	char path[256];

	(void)snprintf(path, sizeof(path), DATA "%s.trace", base);
	slurp(path, &trace);
	(void)snprintf(path, sizeof(path), DATA "%s.out", base);
	slurp(path, &out);
	if (cut > 0 && cut < trace.len)
		trace.data[cut] = '\0';
	mg_exim_route_parse(mg_model_map_add(m, MG_EXIM_ROUTES), addrs,
	    trace.data, out.data);
	mg_str_free(&trace);
	mg_str_free(&out);
}

/* test_parse_trace - each address's router, or why it is undeliverable;
 * a trace cut short leaves the rest unknown, not "unrouteable" */
static void
test_parse_trace(void **state)
{
	const struct mg_map *t;
	struct mg_model m;
	struct mg_str trace;
	const char *p;

	(void)state;
	mg_model_init(&m);
	load_trace(&m, "any-domain", 0);
	t = mg_model_map(&m, MG_EXIM_ROUTES);
	assert_string_equal(answer(t, "root@foreign.invalid"),
	    "system_aliases");
	assert_string_equal(answer(t, "postmaster@foreign.invalid"),
	    "system_aliases");
	assert_string_equal(answer(t, "postmaster@example.com"),
	    "system_aliases");
	mg_model_free(&m);

	mg_model_init(&m);
	load_trace(&m, "no-router", 0);
	t = mg_model_map(&m, MG_EXIM_ROUTES);
	assert_string_equal(answer(t, "postmaster@example.com"),
	    "!Unknown user");
	assert_string_equal(answer(t, "postmaster@mail.example.com"),
	    "!Unknown user");
	assert_string_equal(answer(t, "root@example.com"), "localuser");
	assert_string_equal(answer(t, "root@foreign.invalid"), "smarthost");
	mg_model_free(&m);

	/* the run was killed inside root@example.com's block */
	slurp(DATA "no-router.trace", &trace);
	p = strstr(trace.data, "routing root@example.com");
	assert_non_null(p);
	mg_model_init(&m);
	load_trace(&m, "no-router", (size_t)(p - trace.data) + 30);
	t = mg_model_map(&m, MG_EXIM_ROUTES);
	assert_string_equal(answer(t, "postmaster@example.com"),
	    "!Unknown user");
	assert_string_equal(answer(t, "root@example.com"), "(none)");
	assert_string_equal(answer(t, "root@foreign.invalid"), "(none)");
	mg_model_free(&m);
	mg_str_free(&trace);
}

/* test_addrs - root@/postmaster@ each literal local domain ("@" is
 * primary_hostname), patterns and lookups skipped, the foreign last */
static void
test_addrs(void **state)
{
	struct mg_model m;
	char **v;

	(void)state;
	mg_model_init(&m);
	mg_model_param_add(&m, "+local_domains")->value = mg_xstrdup("@ : "
	    "localhost : *.wild.test : ! bad.test : "
	    "lsearch;/etc/exim4/domains : example.com");
	mg_model_param_add(&m, "primary_hostname")->value =
	    mg_xstrdup("mail.example.com");
	v = mg_exim_route_addrs(&m);
	assert_string_equal(v[0], "postmaster@mail.example.com");
	assert_string_equal(v[1], "root@mail.example.com");
	assert_string_equal(v[2], "postmaster@localhost");
	assert_string_equal(v[4], "postmaster@example.com");
	assert_string_equal(v[6], "postmaster@foreign.invalid");
	assert_string_equal(v[7], "root@foreign.invalid");
	assert_string_equal(v[8], MG_EXIM_NOSUCH "@mail.example.com");
	assert_null(v[9]);
	mg_exim_route_addrs_free(v);
	mg_model_free(&m);
}

/* router - a router with its conditions, each on the next line */
static void
router(struct mg_model *m, const char *name, unsigned line,
    const char *const *kv)
{
	struct mg_rule *r = mg_model_rule_add(m, "routers", name);
	struct mg_param *p;
	size_t i;

	r->file = mg_xstrdup(CONF);
	r->line = line;
	for (i = 0; kv[i] != NULL; i += 2) {
		p = mg_rule_cond_add(r, kv[i], kv[i + 1]);
		p->file = mg_xstrdup(CONF);
		p->line = line + 1 + (unsigned)i / 2;
	}
}

/* build - routers as in the lab's scenarios: system_aliases (without
 * domains unless given) first or not at all, then smarthost, localuser */
static void
build(struct mg_model *m, int aliases, const char *domains)
{
	static const char *conf = "domainlist local_domains = @ : "
	    "example.com\n"
	    "acl_smtp_rcpt = acl_check_rcpt\n"
	    "begin acl\n"
	    "acl_check_rcpt:\n"
	    "  accept  local_parts   = postmaster\n"
	    "          domains       = +local_domains\n"
	    "begin routers\n"
	    "system_aliases:\n"
	    "  driver = redirect\n"
	    "  data = ${lookup{$local_part}lsearch{/etc/aliases}}\n";
	const char *sa[] = { "driver", "redirect", "data",
	    "${lookup{$local_part}lsearch{/etc/aliases}}", NULL, NULL, NULL };
	static const char *const sh[] = { "driver", "manualroute",
	    "domains", "! +local_domains", "no_more", "true", NULL };
	static const char *const lu[] = { "driver", "accept",
	    "check_local_user", "true", NULL };
	struct mg_rule *acc;
	struct mg_param *p;

	mg_model_init(m);
	m->mta = MG_MTA_EXIM;
	m->config_file = mg_xstrdup(CONF);
	mg_srcfile_set_text(mg_model_file_add(m, CONF), conf, strlen(conf));
	p = mg_model_param_add(m, "+local_domains");
	p->value = mg_xstrdup("@ : example.com");
	p->file = mg_xstrdup(CONF);
	p->line = 1;
	mg_model_param_add(m, "acl_smtp_rcpt")->value =
	    mg_xstrdup("acl_check_rcpt");
	acc = mg_model_rule_add(m, "acl_check_rcpt", "accept");
	acc->file = mg_xstrdup(CONF);
	acc->line = 5;
	(void)mg_rule_cond_add(acc, "local_parts", "postmaster");
	(void)mg_rule_cond_add(acc, "domains", "+local_domains");
	if (aliases) {
		if (domains != NULL) {
			sa[4] = "domains";
			sa[5] = domains;
		}
		router(m, "system_aliases", 8, sa);
	}
	router(m, "smarthost", 11, sh);
	router(m, "localuser", 16, lu);
}

/* test_router_any_domain - exim -bt takes root@foreign.invalid through a
 * domainless redirect router: the finding at the router, the fix adds
 * "domains = +local_domains" after its driver line */
static void
test_router_any_domain(void **state)
{
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	build(&m, 1, NULL);
	load_trace(&m, "any-domain", 0);
	mg_report_init(&r);
	mg_check_exim_routers(&m, &r);
	assert_int_equal(r.nfindings, 1);
	f = &r.findings[0];
	assert_string_equal(f->id, "exim.routers.any-domain");
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	assert_int_equal(f->evidence[0].line, 8);
	assert_string_equal(f->evidence[0].file, CONF);
	assert_string_equal(f->evidence[1].text, "exim -bt "
	    "root@foreign.invalid: routed by system_aliases router "
	    "(foreign.invalid is a domain that is no one's)");
	x = mg_report_find_fix(&r, "exim.routers.local-domains");
	assert_non_null(x);
	assert_int_equal(x->nedits, 1);
	assert_int_equal(x->edits[0].line, 9);
	assert_string_equal(x->edits[0].new_text, "  driver = redirect\n"
	    "  domains = +local_domains");
	mg_report_free(&r);
	mg_model_free(&m);

	/* exim -bt said smarthost (Exim's default order): nothing to say */
	build(&m, 1, NULL);
	load_trace(&m, "no-router", 0);
	mg_report_init(&r);
	mg_check_exim_routers(&m, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	mg_model_free(&m);

	/* a router with a domains condition that still took it: not this
	 * finding (its domains say so on purpose) */
	build(&m, 1, "*");
	load_trace(&m, "any-domain", 0);
	mg_report_init(&r);
	mg_check_exim_routers(&m, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_no_router - no aliases router, postmaster@ both local domains
 * unrouteable: one finding, the ACL's accept as evidence, an exim -bh
 * probe for each address (accepted = the hole is open), no fix */
static void
test_no_router(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;
	size_t i;

	(void)state;
	build(&m, 0, NULL);
	load_trace(&m, "no-router", 0);
	mg_report_init(&r);
	mg_check_exim_routers(&m, &r);
	assert_int_equal(r.nfindings, 1);
	f = &r.findings[0];
	assert_string_equal(f->id, "exim.aliases.no-router");
	assert_int_equal(f->evidence[0].line, 5);
	assert_string_equal(f->evidence[1].text, "exim -bt "
	    "postmaster@mail.example.com: undeliverable - Unknown user");
	assert_string_equal(f->evidence[3].text, "routers: smarthost, "
	    "localuser - none redirects through an alias file");
	assert_int_equal(f->nprobes, 2);
	for (i = 0; i < f->nprobes; i++)
		assert_true(f->probes[i].hole_if_accepted);
	assert_string_equal(f->probes[1].rcpt, "postmaster@example.com");
	assert_int_equal(f->nfix_ids, 0);
	assert_int_equal(r.nfixes, 0);
	mg_report_free(&r);
	mg_model_free(&m);

	/* with an aliases router the alias file is the aliases check's */
	build(&m, 1, "+local_domains");
	load_trace(&m, "no-router", 0);
	mg_report_init(&r);
	mg_check_exim_routers(&m, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	mg_model_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_trace),
		cmocka_unit_test(test_addrs),
		cmocka_unit_test(test_router_any_domain),
		cmocka_unit_test(test_no_router),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
