/*
 * pf_simulate.h - Postfix's own verdict on a simulated client: a private
 * Postfix instance started from a copy of a configuration (the fix
 * engine's stage, or the live one), listening on a UNIX-domain socket
 * only root reaches, asked over SMTP with XCLIENT as the remote address.
 * Never DATA.
 */
#ifndef MG_PF_SIMULATE_H
#define MG_PF_SIMULATE_H

#include <limits.h>

#include "../../core/mg_err.h"
#include "../../core/mg_reaper.h"
#include "../../core/mg_str.h"
#include "../backend.h"

#define MG_PF_PROOF_SVC_MAX 16	/* listeners besides the public one */

/* A listener of the private instance that stands for one master.cf
 * service: that service's arguments (its -o overrides) on its own UNIX
 * socket. */
struct mg_pf_listener {
	char service[256];		/* "submission/inet" */
	char sock[PATH_MAX + 64];
};

struct mg_pf_private {
	char root[PATH_MAX];		/* private directory, "" if none */
	char etc[PATH_MAX + 8];
	char conf[PATH_MAX];		/* the configuration it copies */
	char queue[PATH_MAX];		/* the copied queue_directory */
	char service[256];		/* master.cf service it stands for */
	char pass[256];			/* and, behind postscreen, the smtpd
					 * pass service: "" if none */
	char sock[PATH_MAX + 64];	/* its smtpd's UNIX-domain socket */
	struct mg_pf_listener svcs[MG_PF_PROOF_SVC_MAX];	/* the others */
	size_t nsvcs;
	struct mg_reaper reaper;	/* removes root when we end */
	int started;
	struct mg_str log;		/* what Postfix said */
};

int mg_pf_private_start(struct mg_pf_private *, const char *, struct mg_err *);
const char *mg_pf_private_sock(const struct mg_pf_private *, const char *);
size_t mg_pf_private_stale(void);
int mg_pf_private_ask(struct mg_pf_private *, const struct mg_probe *,
    struct mg_smtp_verdict *, struct mg_err *);
void mg_pf_private_stop(struct mg_pf_private *);
int mg_pf_sim_tests(struct mg_target *, void *, const char *,
    const struct mg_probe_test *, size_t, struct mg_probe_answer *,
    struct mg_str *, struct mg_err *);
int mg_pf_sim_open(struct mg_target *, const char *, void **, struct mg_str *,
    struct mg_err *);
int mg_pf_sim_ask(struct mg_target *, void *, const struct mg_probe *,
    struct mg_smtp_verdict *, struct mg_err *);
void mg_pf_sim_close(struct mg_target *, void *);

#endif
