/* test_fix_restage.c - the staged configuration judged as what will be
 * installed (incident 4's mynetworks, an operator's edited values). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mg_test.h"
#include "pf_fixture.h"
#include "../../engine/fix_restage.h"

#define FIX "postfix.mynetworks.narrow"

static const char *live_v = "mynetworks = 127.0.0.0/8 "
    "[::ffff:127.0.0.0]/104 [::1]/128 192.168.1.0/24, 210.140.12.34/8, "
    "218.45.6.7/8\n";
static const char *live_cf = "# main.cf\n"
    "mynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128\n"
    "    192.168.1.0/24, 210.140.12.34/8,\n"
    "    218.45.6.7/8\n";

/* One judgement: the live model, its report, the fix with the value
 * the operator gave, the staged model built from that value. */
struct judged {
	struct mg_model live, staged;
	struct mg_report rep, srep;
	struct mg_restage rs;
	const struct mg_fix *fix;
	int rc;
};

/* judge_on - the live configuration (postconf -n line lv, main.cf
 * text lcf), the fix's value set to value (NULL: the proposal), staged
 * and judged */
static void
judge_on(struct judged *j, const char *lv, const char *lcf,
    const char *value, const int *blind)
{
	struct mg_str v = MG_STR_INIT, cf = MG_STR_INIT;
	struct mg_fix *x;

	pf_build(&j->live, lv, lv, lcf);
	mg_report_init(&j->rep);
	mg_checks_run(&j->live, &j->rep);
	x = (struct mg_fix *)mg_report_find_fix(&j->rep, FIX);
	assert_non_null(x);
	assert_int_equal(x->nedits, 1);
	if (value != NULL) {
		free(x->edits[0].new_text);
		x->edits[0].new_text = mg_xstrdup(value);
	}
	mg_str_printf(&v, "mynetworks = %s\n", x->edits[0].new_text);
	mg_str_printf(&cf, "# main.cf\nmynetworks = %s\n",
	    x->edits[0].new_text);
	pf_build(&j->staged, v.data, v.data, cf.data);
	j->fix = x;
	j->rc = mg_fix_restage_judge(&j->live, &j->rep, &j->staged, &j->fix,
	    1, blind, &j->rs);
	mg_str_free(&v);
	mg_str_free(&cf);
}

/* judge - the live mask-typo configuration, the fix's value set to
 * value (NULL: the proposal), staged and judged */
static void
judge(struct judged *j, const char *value, const int *blind)
{
	judge_on(j, live_v, live_cf, value, blind);
}

/* judged_free - everything judge made */
static void
judged_free(struct judged *j)
{
	mg_restage_free(&j->rs);
	mg_report_free(&j->rep);
	mg_model_free(&j->live);
	mg_model_free(&j->staged);
}

/* probe_count - probes for client expecting hole (1) or relay (0) */
static size_t
probe_count(const struct mg_report *r, const char *client, int hole)
{
	size_t i, k, n = 0;

	for (i = 0; i < r->nfindings; i++)
		for (k = 0; k < r->findings[i].nprobes; k++)
			if (strcmp(r->findings[i].probes[k].client,
			    client) == 0 &&
			    r->findings[i].probes[k].hole_if_accepted == hole)
				n++;
	return (n);
}

/* test_edit_keeps_hole - a /16 of public space kept: the hole stays, in
 * words, the proposal named as a value that would pass, and the proof
 * asks the MTA about a host inside the /16 */
static void
test_edit_keeps_hole(void **state)
{
	struct judged j;
	const char *why;

	(void)state;
	judge(&j, "127.0.0.0/8 210.140.12.34/32 218.45.0.0/16", NULL);
	assert_int_equal(j.rc, 1);
	why = mg_str_cstr(&j.rs.why);
	assert_non_null(strstr(why, "mynetworks = 127.0.0.0/8 "
	    "210.140.12.34/32 218.45.0.0/16 still leaves \"mynetworks trusts "
	    "public address space\": mynetworks entry 218.45.0.0/16 trusts "
	    "65,536 public addresses"));
	assert_non_null(strstr(why, ": the hole stays; a value such as "
	    "mynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128 "
	    "192.168.1.0/24, 210.140.12.34/32, 218.45.6.7/32 (the proposal) "
	    "would pass"));
	/* the kept /16 is asked to be refused, never to relay */
	assert_int_equal(probe_count(&j.rs.probes, "218.45.0.1", 1), 1);
	assert_int_equal(probe_count(&j.rs.probes, "218.45.0.1", 0), 0);
	/* the host written, inside the /16, still relays */
	assert_int_equal(probe_count(&j.rs.probes, "218.45.6.7", 0), 1);
	judged_free(&j);
}

/* test_edit_narrows - one extra /32 kept: closed; the hosts the value
 * trusts must relay, a host of every network it no longer trusts must
 * be refused */
static void
test_edit_narrows(void **state)
{
	struct judged j;

	(void)state;
	judge(&j, "127.0.0.0/8 210.140.12.34/32 218.45.6.7/32", NULL);
	assert_int_equal(j.rc, 0);
	assert_int_equal(j.rs.why.len, 0);
	assert_non_null(strstr(mg_str_cstr(&j.rs.log), "no longer needs this "
	    "fix"));
	assert_int_equal(probe_count(&j.rs.probes, "210.140.12.34", 0), 1);
	assert_int_equal(probe_count(&j.rs.probes, "218.45.6.7", 0), 1);
	/* 127.0.0.0/8 is not changed: the stage adds no probe for it; the
	 * one loopback probe is the finding's own (the fix keeps loopback) */
	assert_int_equal(probe_count(&j.rs.probes, "127.0.0.1", 0), 1);
	assert_int_equal(probe_count(&j.rs.probes, "210.0.0.1", 1), 1);
	assert_int_equal(probe_count(&j.rs.probes, "218.0.0.1", 1), 1);
	/* the private /24 the edit dropped */
	assert_int_equal(probe_count(&j.rs.probes, "192.168.1.1", 1), 1);
	judged_free(&j);
}

/* test_edit_drops_host - the operator drops a host the proposal kept:
 * it is not asked to relay any more (drop_unmeant's job, generalised) */
static void
test_edit_drops_host(void **state)
{
	struct judged j;

	(void)state;
	judge(&j, "127.0.0.0/8 210.140.12.34/32", NULL);
	assert_int_equal(j.rc, 0);
	assert_int_equal(probe_count(&j.rs.probes, "218.45.6.7", 0), 0);
	assert_int_equal(probe_count(&j.rs.probes, "210.140.12.34", 0), 1);
	assert_int_equal(probe_count(&j.rs.probes, "218.0.0.1", 1), 1);
	assert_non_null(strstr(mg_str_cstr(&j.rs.log), "218.45.6.7 is no "
	    "longer trusted"));
	judged_free(&j);
}

/* test_proposal_closes - the proposal as it is: closed, its probes */
static void
test_proposal_closes(void **state)
{
	struct judged j;

	(void)state;
	judge(&j, NULL, NULL);
	assert_int_equal(j.rc, 0);
	assert_int_equal(probe_count(&j.rs.probes, "210.140.12.34", 0), 1);
	assert_int_equal(probe_count(&j.rs.probes, "210.0.0.1", 1), 1);
	judged_free(&j);
}

/* test_blind_not_judged - a fix whose files the staged model cannot
 * read is left to the probes, and says so */
static void
test_blind_not_judged(void **state)
{
	static const int blind[] = { 1 };
	struct judged j;

	(void)state;
	judge(&j, "127.0.0.0/8 218.45.0.0/16", blind);
	assert_int_equal(j.rc, 0);
	assert_int_equal(j.rs.why.len, 0);
	assert_non_null(strstr(mg_str_cstr(&j.rs.log), "the staged model "
	    "does not see"));
	assert_null(strstr(mg_str_cstr(&j.rs.log), "no longer needs"));
	judged_free(&j);
}

/* An ISP's /16 trusted by mistake next to the office's own block. */
static const char *isp_v = "mynetworks = 127.0.0.0/8 [::1]/128 "
    "192.168.20.0/24 85.13.0.0/16 193.0.10.8/29\n";
static const char *isp_cf = "# main.cf\n"
    "mynetworks = 127.0.0.0/8 [::1]/128 192.168.20.0/24\n"
    "    85.13.0.0/16 193.0.10.8/29\n";

/* test_own_blocks_kept - the wide /16 dropped, the office's /29, its
 * IPv6 LAN /64 and a /26 kept or added: narrow public networks are the
 * operator's to trust, said in the log; the proof asks a host of each
 * to relay and a host of the /16 to be refused, none of them to be
 * refused */
static void
test_own_blocks_kept(void **state)
{
	struct judged j;
	const char *log;

	(void)state;
	judge_on(&j, isp_v, isp_cf, "127.0.0.0/8 [::1]/128 192.168.20.0/24 "
	    "193.0.10.8/29 [2001:67c:2e8:22::]/64 85.13.128.0/26", NULL);
	assert_int_equal(j.rc, 0);
	assert_int_equal(j.rs.why.len, 0);
	log = mg_str_cstr(&j.rs.log);
	assert_non_null(strstr(log, "stage: kept by you: mynetworks entry "
	    "193.0.10.8/29 trusts 8 public addresses"));
	assert_non_null(strstr(log, "stage: kept by you: mynetworks entry "
	    "[2001:67c:2e8:22::]/64 trusts about 2^64 public addresses"));
	assert_non_null(strstr(log, "stage: kept by you: mynetworks entry "
	    "85.13.128.0/26 trusts 64 public addresses"));
	assert_non_null(strstr(log, "no longer needs this fix"));
	/* the /29 was trusted before and is not changed: not asked again */
	assert_int_equal(probe_count(&j.rs.probes, "193.0.10.9", 1), 0);
	/* the /26 is new: asked to relay, never to be refused */
	assert_int_equal(probe_count(&j.rs.probes, "85.13.128.1", 0), 1);
	assert_int_equal(probe_count(&j.rs.probes, "85.13.128.1", 1), 0);
	/* the rest of the /16 is asked to be refused */
	assert_int_equal(probe_count(&j.rs.probes, "85.13.0.1", 1), 1);
	judged_free(&j);
}

/* test_wide_kept_refused - the /16 kept next to the /29: refused, the
 * words name the /16 and not the /29, which the log accepts */
static void
test_wide_kept_refused(void **state)
{
	struct judged j;
	const char *why;

	(void)state;
	judge_on(&j, isp_v, isp_cf, "127.0.0.0/8 85.13.0.0/16 193.0.10.8/29",
	    NULL);
	assert_int_equal(j.rc, 1);
	why = mg_str_cstr(&j.rs.why);
	assert_non_null(strstr(why, "mynetworks entry 85.13.0.0/16 trusts "
	    "65,536 public addresses"));
	assert_null(strstr(why, "193.0.10.8/29 trusts"));
	assert_non_null(strstr(why, ": the hole stays"));
	assert_non_null(strstr(mg_str_cstr(&j.rs.log), "kept by you: "
	    "mynetworks entry 193.0.10.8/29"));
	assert_int_equal(probe_count(&j.rs.probes, "193.0.10.9", 1), 0);
	judged_free(&j);
}

/* test_wide_added_refused - what the edit adds is judged by its width:
 * a /23 of public space or an IPv6 /48 is wide, the hole stays */
static void
test_wide_added_refused(void **state)
{
	struct judged j;

	(void)state;
	judge_on(&j, isp_v, isp_cf, "127.0.0.0/8 193.0.10.8/29 "
	    "85.13.128.0/23", NULL);
	assert_int_equal(j.rc, 1);
	assert_non_null(strstr(mg_str_cstr(&j.rs.why), "85.13.128.0/23 trusts "
	    "512 public addresses"));
	judged_free(&j);
	judge_on(&j, isp_v, isp_cf, "127.0.0.0/8 [2001:67c:2e8::]/48",
	    NULL);
	assert_int_equal(j.rc, 1);
	assert_non_null(strstr(mg_str_cstr(&j.rs.why), "[2001:67c:2e8::]/48 "
	    "trusts about 2^80 public addresses"));
	judged_free(&j);
	/* a narrow block written with host bits is still a mask typo */
	judge_on(&j, isp_v, isp_cf, "127.0.0.0/8 193.0.10.9/29", NULL);
	assert_int_equal(j.rc, 1);
	judged_free(&j);
}

/* ex_build - an Exim model whose relay_from_hosts is list, written on
 * line 2 of /srv/mx/exim4.conf */
static void
ex_build(struct mg_model *m, const char *list)
{
	struct mg_str text = MG_STR_INIT;
	struct mg_param *p;

	mg_model_init(m);
	m->mta = MG_MTA_EXIM;
	m->config_file = mg_xstrdup("/srv/mx/exim4.conf");
	mg_str_printf(&text, "# exim4.conf\nhostlist relay_from_hosts = %s\n",
	    list);
	mg_srcfile_set_text(mg_model_file_add(m, m->config_file),
	    mg_str_cstr(&text), text.len);
	p = mg_model_param_add(m, "+relay_from_hosts");
	p->value = mg_xstrdup(list);
	p->file = mg_xstrdup(m->config_file);
	p->line = 2;
	p->end_line = 2;
	mg_str_free(&text);
}

/* test_exim_own_block - relay_from_hosts judged the same way: the ISP's
 * /16 dropped and the office's /29 kept is closed and said; the /16
 * kept is refused */
static void
test_exim_own_block(void **state)
{
	struct mg_model live, staged;
	struct mg_report rep, srep;
	struct mg_restage rs;
	const struct mg_fix *x;
	int rc;

	(void)state;
	ex_build(&live, "127.0.0.1 : 85.13.0.0/16 : 193.0.10.8/29");
	mg_report_init(&rep);
	mg_checks_run(&live, &rep);
	x = mg_report_find_fix(&rep, "exim.relay.narrow");
	assert_non_null(x);
	ex_build(&staged, "127.0.0.1 : 193.0.10.8/29");
	rc = mg_fix_restage_judge(&live, &rep, &staged, &x, 1, NULL, &rs);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(mg_str_cstr(&rs.log), "stage: kept by you: "
	    "relay_from_hosts entry 193.0.10.8/29 trusts 8 public "
	    "addresses"));
	/* the live re-check after the apply: the checks alone still
	 * propose the fix for the /29, the operator's block is accepted */
	mg_report_init(&srep);
	mg_checks_run(&staged, &srep);
	assert_non_null(mg_report_find_fix(&srep, "exim.relay.narrow"));
	assert_int_equal(mg_fix_restage_needs(&staged, &srep,
	    "exim.relay.narrow"), 0);
	mg_report_free(&srep);
	mg_restage_free(&rs);
	mg_model_free(&staged);
	ex_build(&staged, "127.0.0.1 : 85.13.0.0/16 : 193.0.10.8/29");
	rc = mg_fix_restage_judge(&live, &rep, &staged, &x, 1, NULL, &rs);
	assert_int_equal(rc, 1);
	assert_non_null(strstr(mg_str_cstr(&rs.why), "relay_from_hosts entry "
	    "85.13.0.0/16 trusts 65,536 public addresses"));
	mg_restage_free(&rs);
	mg_model_free(&staged);
	mg_report_free(&rep);
	mg_model_free(&live);
}

/* a_fix - a fix with one edit of file (NULL: none) and one post-command
 * (NULL: none) */
static void
a_fix(struct mg_report *r, const char *file, const char *const *post)
{
	struct mg_fix *x;

	mg_report_init(r);
	x = mg_report_fix(r, "x.test", "a test fix");
	if (file != NULL)
		(void)mg_fix_replace_line(x, file, 3, "old", "new");
	if (post != NULL)
		mg_fix_post(x, post);
}

/* test_blind_post - the fixes whose effect the staged model cannot see:
 * no edit (a table rebuild), a post-command that compiles a table, an
 * edit outside the stage; a reload or Debian's generator is seen */
static void
test_blind_post(void **state)
{
	static const char *const postmap[] = { "postmap", "-c",
	    "/srv/mx/postfix", "hash:/srv/mx/postfix/sender_access", NULL };
	static const char *const reload[] = { "postfix", "-c",
	    "/srv/mx/postfix", "reload", NULL };
	static const char *const gen[] = { "update-exim4.conf", NULL };
	static const char *const aliases[] = { "newaliases", NULL };
	char pfdir[] = "/srv/mx/postfix", exdir[] = "/srv/mx/exim4";
	struct mg_target pf, ex;
	struct mg_report r;

	(void)state;
	memset(&pf, 0, sizeof(pf));
	memset(&ex, 0, sizeof(ex));
	pf.mta = MG_MTA_POSTFIX;
	pf.config_dir = pfdir;
	ex.mta = MG_MTA_EXIM;
	ex.config_dir = exdir;
	a_fix(&r, NULL, postmap);
	assert_int_equal(mg_fix_restage_blind(&pf, &r.fixes[0]), 1);
	mg_report_free(&r);
	a_fix(&r, "/srv/mx/postfix/main.cf", reload);
	assert_int_equal(mg_fix_restage_blind(&pf, &r.fixes[0]), 0);
	mg_report_free(&r);
	a_fix(&r, "/srv/mx/postfix/main.cf", postmap);
	assert_int_equal(mg_fix_restage_blind(&pf, &r.fixes[0]), 1);
	mg_report_free(&r);
	a_fix(&r, "/srv/mx/postfix/sender_access", reload);
	assert_int_equal(mg_fix_restage_blind(&pf, &r.fixes[0]), 1);
	mg_report_free(&r);
	a_fix(&r, "/srv/mx/exim4/update-exim4.conf.conf", gen);
	assert_int_equal(mg_fix_restage_blind(&ex, &r.fixes[0]), 0);
	mg_report_free(&r);
	a_fix(&r, "/srv/mx/exim4/exim4.conf.template", aliases);
	assert_int_equal(mg_fix_restage_blind(&ex, &r.fixes[0]), 1);
	mg_report_free(&r);
	a_fix(&r, NULL, NULL);
	assert_int_equal(mg_fix_restage_blind(&ex, &r.fixes[0]), 1);
	mg_report_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edit_keeps_hole),
		cmocka_unit_test(test_edit_narrows),
		cmocka_unit_test(test_edit_drops_host),
		cmocka_unit_test(test_proposal_closes),
		cmocka_unit_test(test_blind_not_judged),
		cmocka_unit_test(test_own_blocks_kept),
		cmocka_unit_test(test_wide_kept_refused),
		cmocka_unit_test(test_wide_added_refused),
		cmocka_unit_test(test_blind_post),
		cmocka_unit_test(test_exim_own_block),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
