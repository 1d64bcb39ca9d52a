/*
 * probe_plan.h - what the probe plan (probe_plan.c) asks of each MTA's
 * planner (checks/postfix/pf_probe_plan.c, checks/exim/
 * exim_probe_plan.c): the ranges its configuration trusts to relay, the
 * server's own domains and the grants of its relay decision; and the
 * helpers the planners share.
 */
#ifndef MG_PROBE_PLAN_H
#define MG_PROBE_PLAN_H

#include <stddef.h>

#include "../core/mg_model.h"
#include "../core/mg_net.h"
#include "../core/mg_probe.h"

struct mg_mail_domains;

#define MG_PLAN_GRANTS_MAX 24	/* senders, HELOs, recipients */
#define MG_PLAN_ENTRY_MAX 200	/* an entry's text, "ACL: accept ..." */

/* One trusted range and where it is written. */
struct mg_plan_range {
	struct mg_net net;	/* masked */
	char text[128];
	char what[160];		/* "mynetworks", "check_client_access
				 * cidr:/etc/postfix/clients" */
	const char *file;
	unsigned line;
	double public;
	int grant;		/* from an access table or ACL statement */
};

struct mg_plan_ranges {
	struct mg_plan_range v[64];
	size_t n;
};

/* One MTA's part of the plan, called in this order. */
struct mg_probe_planner {
	enum mg_mta mta;
	const char *hostname;	/* the parameter naming the server */
	void (*ranges)(const struct mg_model *, struct mg_plan_ranges *);
	void (*own)(const struct mg_model *, struct mg_probe_plan *);
	void (*grants)(const struct mg_model *, struct mg_plan_ranges *,
	    struct mg_probe_plan *);
	/* the domains it receives mail for, as the configuration names
	 * them (each through mg_mail_domain_add): the MX check of the
	 * server certificate */
	void (*mail_domains)(const struct mg_model *,
	    struct mg_mail_domains *);
};

extern const struct mg_probe_planner mg_probe_planner_postfix;
extern const struct mg_probe_planner mg_probe_planner_exim;

void mg_plan_add_range(struct mg_plan_ranges *, const char *, size_t,
    const char *, const char *, unsigned, int);
int mg_plan_key_address(const char *, int, const char *, const char *,
    char *, size_t);
int mg_plan_key_helo(const char *, int, char *, size_t);
int mg_plan_own_domain(const struct mg_probe_plan *, const char *);

#endif
