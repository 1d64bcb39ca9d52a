/* test_check_table.c - the registry of check tables: every check once,
 * each MTA's rows carrying their MTA, the neutral ones any; and the MTA
 * names the backends give. */
#include <string.h>

#include "../../backends/backend.h"
#include "../../checks/checks.h"
#include "mg_test.h"

/* test_every_check_once - the tables hold the 30 checks of this version,
 * ids distinct, in the order they always ran */
static void
test_every_check_once(void **state)
{
	const struct mg_check *c, *d;
	size_t i, k;

	(void)state;
	for (i = 0; (c = mg_check_at(i)) != NULL; i++)
		for (k = 0; k < i; k++) {
			d = mg_check_at(k);
			assert_true(strcmp(c->id, d->id) != 0);
		}
	assert_int_equal(i, 30);
	assert_string_equal(mg_check_at(0)->id, "postfix.mynetworks");
	assert_string_equal(mg_check_at(15)->id, "exim.acl");
	assert_string_equal(mg_check_at(28)->id, "queue.sasl-dominant");
	assert_null(mg_check_at(30));
}

/* test_rows_carry_their_mta - "postfix.*" rows run on Postfix only,
 * "exim.*" on Exim only, the rest on any MTA */
static void
test_rows_carry_their_mta(void **state)
{
	const struct mg_check *c;
	size_t i, npf = 0, nexim = 0, nany = 0;
	const char *name;

	(void)state;
	for (i = 0; (c = mg_check_at(i)) != NULL; i++) {
		name = mg_backend_mta_name(c->mta);
		if (c->mta == MG_MTA_NONE) {
			nany++;
			assert_true(mg_check_applies(c, MG_MTA_POSTFIX));
			assert_true(mg_check_applies(c, MG_MTA_EXIM));
			continue;
		}
		assert_int_equal(strncmp(c->id, name, strlen(name)), 0);
		assert_int_equal(c->id[strlen(name)], '.');
		assert_true(mg_check_applies(c, c->mta));
		assert_false(mg_check_applies(c, c->mta == MG_MTA_POSTFIX ?
		    MG_MTA_EXIM : MG_MTA_POSTFIX));
		npf += c->mta == MG_MTA_POSTFIX;
		nexim += c->mta == MG_MTA_EXIM;
	}
	assert_int_equal(npf, 15);
	assert_int_equal(nexim, 12);
	assert_int_equal(nany, 3);
}

/* test_mta_names - each backend's name is its MTA's; none is "none" */
static void
test_mta_names(void **state)
{
	size_t i;

	(void)state;
	assert_string_equal(mg_backend_mta_name(MG_MTA_POSTFIX), "postfix");
	assert_string_equal(mg_backend_mta_name(MG_MTA_EXIM), "exim");
	assert_string_equal(mg_backend_mta_name(MG_MTA_NONE), "none");
	for (i = 0; mg_backends[i] != NULL; i++)
		assert_string_equal(mg_backend_mta_name(mg_backends[i]->mta),
		    mg_backends[i]->name);
	assert_int_equal(i, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_check_once),
		cmocka_unit_test(test_rows_carry_their_mta),
		cmocka_unit_test(test_mta_names),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
