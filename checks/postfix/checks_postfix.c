/* checks_postfix.c - the table of Postfix's checks (checks.c runs it on a
 * Postfix model, with the MTA-neutral ones). */
#include <stddef.h>

#include "../checks.h"

const struct mg_check mg_checks_postfix[] = {
	{ "postfix.mynetworks", "relay", MG_MTA_POSTFIX,
	    mg_check_pf_mynetworks },
	{ "postfix.authorized", "relay", MG_MTA_POSTFIX,
	    mg_check_pf_authorized },
	{ "postfix.relay", "relay", MG_MTA_POSTFIX, mg_check_pf_relay },
	{ "postfix.auth", "sasl", MG_MTA_POSTFIX, mg_check_pf_auth },
	{ "postfix.aliases", "aliases", MG_MTA_POSTFIX, mg_check_pf_aliases },
	{ "postfix.smtpd", "smtpd", MG_MTA_POSTFIX, mg_check_pf_smtpd },
	{ "postfix.tls", "tls", MG_MTA_POSTFIX, mg_check_pf_tls },
	{ "postfix.submission", "sasl", MG_MTA_POSTFIX,
	    mg_check_pf_submission },
	{ "postfix.dnsbl", "smtpd", MG_MTA_POSTFIX, mg_check_pf_dnsbl },
	{ "postfix.backscatter", "aliases", MG_MTA_POSTFIX,
	    mg_check_pf_backscatter },
	{ "postfix.sender", "sasl", MG_MTA_POSTFIX, mg_check_pf_sender },
	{ "postfix.version", "smtpd", MG_MTA_POSTFIX, mg_check_pf_version },
	{ "postfix.smuggling", "smtpd", MG_MTA_POSTFIX,
	    mg_check_pf_smuggling },
	{ "postfix.ratelimit", "sasl", MG_MTA_POSTFIX,
	    mg_check_pf_ratelimit },
	{ "postfix.tls-floor", "tls", MG_MTA_POSTFIX, mg_check_pf_tls_floor },
	{ NULL, NULL, MG_MTA_NONE, NULL }
};
