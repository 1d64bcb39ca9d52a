/*
 * check_pf_smtpd.c - smtpd hygiene that costs legitimate clients nothing:
 * HELO required, VRFY off, error limits that slow down and drop clients
 * that keep failing (dictionary attacks on RCPT).  Low severity; never a
 * DNS-dependent reject (reject_unknown_*), which would turn away real
 * mail from sites with broken DNS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../core/mg_num.h"
#include "../../core/mg_str.h"
#include "../checks.h"

#define FIX_ID "postfix.smtpd.hygiene"
#define HARD_LIMIT_MAX 100	/* errors before smtpd hangs up */

/* yes - a Postfix boolean that is on */
static int
yes(const char *v)
{
	return (v != NULL && strcasecmp(v, "yes") == 0);
}

/* where - evidence for a parameter: its main.cf line, or the default
 * at this compatibility level */
static void
where(const struct mg_model *m, struct mg_finding *f, const char *name,
    const char *why)
{
	const struct mg_param *p = mg_model_param(m, name);
	char origin[128];

	mg_check_pf_origin(m, p, origin, sizeof(origin));
	mg_finding_evidence(f, p != NULL ? p->file : NULL, p != NULL ?
	    p->line : 0, "%s = %s (%s): %s", name, p != NULL &&
	    p->value != NULL ? p->value : "", origin, why);
}

/* mg_check_pf_smtpd - HELO, VRFY and error limits */
void
mg_check_pf_smtpd(const struct mg_model *m, struct mg_report *r)
{
	struct mg_finding *f = NULL;
	struct mg_fix *x = NULL;
	const char *v;
	unsigned long n;
	int lo = mg_check_pf_loopback_only(m), i;
	static const char *const names[] = { "smtpd_helo_required",
	    "disable_vrfy_command", "smtpd_hard_error_limit",
	    "smtpd_error_sleep_time", NULL };

	for (i = 0; names[i] != NULL; i++) {
		v = mg_model_value(m, names[i]);
		if (v == NULL)
			continue;
		if ((i == 0 || i == 1) && yes(v))
			continue;
		if (i == 2 && (mg_parse_ulong(v, 0, 1UL << 30, &n, NULL) < 0 ||
		    n <= HARD_LIMIT_MAX))
			continue;	/* unexpanded ("${stress?..}"): fine */
		if (i == 3 && strcmp(v, "0") != 0 && strcmp(v, "0s") != 0)
			continue;
		if (f == NULL) {
			f = mg_report_finding(r, FIX_ID, lo ? MG_SEV_INFO :
			    MG_SEV_LOW, "smtpd", "smtpd hygiene: settings "
			    "that only slow down spam software");
			mg_finding_explain(f, "Each of these costs real mail "
			    "servers and mail clients nothing: they always "
			    "send HELO/EHLO and never use VRFY. Spam "
			    "software skips HELO, harvests addresses with "
			    "VRFY, and guesses recipients in long runs of "
			    "errors that the error limits slow down and cut "
			    "off. Nothing here depends on DNS, so no "
			    "legitimate client is turned away.");
			if (lo)
				mg_finding_evidence(f, NULL, 0, "every smtpd "
				    "listener is on a loopback address: no "
				    "other host can connect now");
			x = mg_report_fix(r, FIX_ID, "Require HELO, disable "
			    "VRFY, keep Postfix's error limits");
		}
		switch (i) {
		case 0:
			where(m, f, names[i], "clients may skip HELO/EHLO");
			mg_check_pf_set_global(m, x, names[i], "yes");
			break;
		case 1:
			where(m, f, names[i], "VRFY tells anyone which "
			    "addresses exist");
			mg_check_pf_set_global(m, x, names[i], "yes");
			break;
		case 2:
			where(m, f, names[i], "a client may make that many "
			    "errors before it is disconnected");
			mg_check_pf_set_global(m, x, names[i], "20");
			break;
		default:
			where(m, f, names[i], "failing clients are not "
			    "slowed down");
			mg_check_pf_set_global(m, x, names[i], "1s");
			break;
		}
	}
	if (f == NULL)
		return;
	mg_check_pf_reload(m, x);
	mg_finding_add_fix(f, FIX_ID);
}
