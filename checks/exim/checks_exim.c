/* checks_exim.c - the table of Exim's checks (checks.c runs it on an Exim
 * model, with the MTA-neutral ones). */
#include <stddef.h>

#include "../checks.h"

const struct mg_check mg_checks_exim[] = {
	{ "exim.acl", "relay", MG_MTA_EXIM, mg_check_exim_acl },
	{ "exim.aliases", "aliases", MG_MTA_EXIM, mg_check_exim_aliases },
	{ "exim.routers", "aliases", MG_MTA_EXIM, mg_check_exim_routers },
	{ "exim.auth", "sasl", MG_MTA_EXIM, mg_check_exim_auth },
	{ "exim.relay", "relay", MG_MTA_EXIM, mg_check_exim_relay },
	{ "exim.dnsbl", "smtpd", MG_MTA_EXIM, mg_check_exim_dnsbl },
	{ "exim.backscatter", "aliases", MG_MTA_EXIM,
	    mg_check_exim_backscatter },
	{ "exim.sender", "sasl", MG_MTA_EXIM, mg_check_exim_sender },
	{ "exim.version", "smtpd", MG_MTA_EXIM, mg_check_exim_version },
	{ "exim.smuggling", "smtpd", MG_MTA_EXIM, mg_check_exim_smuggling },
	{ "exim.ratelimit", "sasl", MG_MTA_EXIM, mg_check_exim_ratelimit },
	{ "exim.tls", "tls", MG_MTA_EXIM, mg_check_exim_tls },
	{ NULL, NULL, MG_MTA_NONE, NULL }
};
