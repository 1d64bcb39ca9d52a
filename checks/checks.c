/* checks.c - the check table and the loop that runs it over a model. */
#include <stddef.h>

#include "checks.h"

const struct mg_check mg_checks[] = {
	{ "postfix.mynetworks", "relay", MG_MTA_POSTFIX,
	    mg_check_pf_mynetworks },
	{ "postfix.authorized", "relay", MG_MTA_POSTFIX,
	    mg_check_pf_authorized },
	{ "postfix.relay", "relay", MG_MTA_POSTFIX, mg_check_pf_relay },
	{ "postfix.auth", "sasl", MG_MTA_POSTFIX, mg_check_pf_auth },
	{ "postfix.aliases", "aliases", MG_MTA_POSTFIX, mg_check_pf_aliases },
	{ "postfix.smtpd", "smtpd", MG_MTA_POSTFIX, mg_check_pf_smtpd },
	{ "postfix.tls", "tls", MG_MTA_POSTFIX, mg_check_pf_tls },
	{ "exim.acl", "relay", MG_MTA_EXIM, mg_check_exim_acl },
	{ "exim.aliases", "aliases", MG_MTA_EXIM, mg_check_exim_aliases },
	{ "exim.routers", "aliases", MG_MTA_EXIM, mg_check_exim_routers },
	{ "exim.auth", "sasl", MG_MTA_EXIM, mg_check_exim_auth },
	{ "exim.relay", "relay", MG_MTA_EXIM, mg_check_exim_relay },
	{ "queue.flood", "queue", MG_MTA_NONE, mg_check_queue_flood },
	{ "queue.sasl-dominant", "sasl", MG_MTA_NONE, mg_check_queue_sasl },
	{ NULL, NULL, MG_MTA_NONE, NULL }
};

/* mg_checks_run - every check that applies to the model's MTA, worst first */
void
mg_checks_run(const struct mg_model *m, struct mg_report *r)
{
	const struct mg_check *c;

	for (c = mg_checks; c->id != NULL; c++)
		if (c->mta == MG_MTA_NONE || c->mta == m->mta)
			c->run(m, r);
	mg_report_sort(r);
}
