/* probe_run.h - one relay probe run, shared by the probe command and the
 * console's Probe panel. */
#ifndef MG_PROBE_RUN_H
#define MG_PROBE_RUN_H

#include <stdio.h>

#include "../core/mg_probe.h"
#include "session.h"

struct mg_probe_opts {
	const char *target;		/* HOST[:PORT]; NULL: the MTA's own */
	const char *const *clients;	/* --client; none: chosen */
	size_t nclients;
	const char *foreign;		/* recipient domain; NULL: default */
	int implicit_tls;		/* TLS from the first byte */
	int timeout_ms;
	/* after each client: done of total, the client */
	void (*progress)(void *, size_t, size_t, const char *);
	void *progress_arg;
	int (*cancelled)(void);		/* checked between clients */
};

struct mg_probe_report {
	char where[300];		/* the listener, "host:port" */
	char how[120];			/* how the tests were asked */
	int have_listener;
	struct mg_probe_listener l;
	char listener_err[300];
	struct mg_probe_plan plan;
	struct mg_probe_battery b;
	struct mg_probe_result *res;
	size_t nres, res_cap;
	size_t open;			/* clients with MG_PS_OPEN */
	size_t tempfail;		/* clients with MG_PS_TEMPFAIL */
	struct mg_str log;		/* every session's transcript */
};

void mg_probe_report_init(struct mg_probe_report *);
void mg_probe_report_free(struct mg_probe_report *);
int mg_probe_all(struct mg_session *, const struct mg_probe_opts *,
    struct mg_probe_report *, struct mg_report *, struct mg_err *);
void mg_probe_dump(FILE *, const struct mg_probe_report *);
int mg_probe_undump(const char *, struct mg_probe_report *);
void mg_probe_findings(const struct mg_probe_report *, struct mg_report *);

#endif
