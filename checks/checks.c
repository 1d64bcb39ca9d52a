/*
 * checks.c - the registry of check tables and the loop that runs them over
 * a model.  Each MTA's checks are its own table (checks/postfix/,
 * checks/exim/), each row carrying the MTA it applies to; the
 * MTA-neutral checks are the table here.  Adding a check = one function +
 * one row in its table; adding an MTA's table = one line below.
 */
#include <stddef.h>

#include "checks.h"

/* The checks that read only the model's neutral parts (the queue). */
static const struct mg_check neutral[] = {
	{ "queue.flood", "queue", MG_MTA_NONE, mg_check_queue_flood },
	{ "queue.sasl-dominant", "sasl", MG_MTA_NONE, mg_check_queue_sasl },
	{ "sasl.login", "sasl", MG_MTA_NONE, mg_check_log_sasl },
	{ NULL, NULL, MG_MTA_NONE, NULL }
};

static const struct mg_check *const tables[] = {
	mg_checks_postfix,
	mg_checks_exim,
	neutral,
	NULL
};

/* mg_check_at - the i-th check of this version (every table, in order);
 * NULL past the last */
const struct mg_check *
mg_check_at(size_t i)
{
	const struct mg_check *c;
	size_t t;

	for (t = 0; tables[t] != NULL; t++)
		for (c = tables[t]; c->id != NULL; c++)
			if (i-- == 0)
				return (c);
	return (NULL);
}

/* mg_check_applies - the check runs on a model of that MTA */
int
mg_check_applies(const struct mg_check *c, enum mg_mta mta)
{
	return (c->mta == MG_MTA_NONE || c->mta == mta);
}

/* mg_checks_run - every check that applies to the model's MTA, worst first */
void
mg_checks_run(const struct mg_model *m, struct mg_report *r)
{
	const struct mg_check *c;
	size_t i;

	for (i = 0; (c = mg_check_at(i)) != NULL; i++)
		if (mg_check_applies(c, m->mta))
			c->run(m, r);
	mg_report_sort(r);
}
