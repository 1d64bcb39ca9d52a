/* test_fix_restage.c - the staged configuration judged as what will be
 * installed (incident 4's mynetworks, an operator's edited values). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mg_test.h"
#include "pf_fixture.h"
#include "../../fixes/fix_restage.h"

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
	struct mg_report rep;
	struct mg_restage rs;
	const struct mg_fix *fix;
	int rc;
};

/* judge - the live mask-typo configuration, the fix's value set to
 * value (NULL: the proposal), staged and judged */
static void
judge(struct judged *j, const char *value, const int *blind)
{
	struct mg_str v = MG_STR_INIT, cf = MG_STR_INIT;
	struct mg_fix *x;

	pf_build(&j->live, live_v, live_v, live_cf);
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
	    "does not read"));
	assert_null(strstr(mg_str_cstr(&j.rs.log), "no longer needs"));
	judged_free(&j);
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
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
