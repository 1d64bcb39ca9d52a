/*
 * checks.h - the table of checks.  A check is a pure function of the model
 * that appends findings (and the fixes they propose) to a report.  Adding a
 * check = one function + one row in checks.c.
 */
#ifndef MG_CHECKS_H
#define MG_CHECKS_H

#include "../core/mg_model.h"

struct mg_check {
	const char *id;
	const char *area;
	enum mg_mta mta;	/* MG_MTA_NONE: any MTA */
	void (*run)(const struct mg_model *, struct mg_report *);
};

extern const struct mg_check mg_checks[];

void mg_checks_run(const struct mg_model *, struct mg_report *);
int mg_check_privileged_name(const char *);
void mg_check_exim_regenerate(const struct mg_model *, struct mg_fix *,
    const char *);
char *mg_check_sasl_dominant(const struct mg_model *, size_t *);
int mg_check_pf_loopback_only(const struct mg_model *);
void mg_check_pf_set_global(const struct mg_model *, struct mg_fix *,
    const char *, const char *);
void mg_check_pf_reload(const struct mg_model *, struct mg_fix *);

void mg_check_pf_aliases(const struct mg_model *, struct mg_report *);
void mg_check_pf_auth(const struct mg_model *, struct mg_report *);
void mg_check_pf_smtpd(const struct mg_model *, struct mg_report *);
void mg_check_pf_mynetworks(const struct mg_model *, struct mg_report *);
void mg_check_pf_relay(const struct mg_model *, struct mg_report *);
void mg_check_exim_acl(const struct mg_model *, struct mg_report *);
void mg_check_exim_aliases(const struct mg_model *, struct mg_report *);
void mg_check_exim_auth(const struct mg_model *, struct mg_report *);
void mg_check_exim_relay(const struct mg_model *, struct mg_report *);
void mg_check_queue_flood(const struct mg_model *, struct mg_report *);
void mg_check_queue_sasl(const struct mg_model *, struct mg_report *);

#endif
