/* session.h - what CLI and console share: options, target, model, findings. */
#ifndef MG_SESSION_H
#define MG_SESSION_H

#include "../backends/backend.h"
#include "../core/mg_err.h"
#include "../core/mg_model.h"
#include "../core/mg_report.h"

/* One probe's verdict (its own copy of the probe's fields); rc is
 * mg_backend_simulate's (-1: not asked, left out of the evidence). */
struct mg_proof {
	char *client, *client_name, *sender, *rcpt, *login;
	int rc;
	struct mg_smtp_verdict v;
};

struct mg_session {
	struct mg_detect_opts opts;
	struct mg_target target;
	struct mg_model model;
	struct mg_report report;
	int detected;		/* target is valid */
	int loaded;		/* model and report are valid */
	int no_host;		/* --no-host-context: judge trusted networks
				 * without this machine's interfaces */
	const char *resolv_conf;	/* --resolv-conf FILE; NULL: the
					 * host's /etc/resolv.conf, read only
					 * with the host context */
	const char *resolved_conf;	/* --resolved-upstream FILE: systemd-
					 * resolved's upstream servers; NULL:
					 * /run/systemd/resolve/resolv.conf,
					 * read only with the host context */
	const char *local_resolver_conf;	/* --local-resolver-conf FILE:
					 * the configuration of the local
					 * resolver resolv.conf names
					 * (unbound, dnsmasq, bind9); NULL:
					 * theirs under /etc, read only with
					 * the host context */
	int no_dns;		/* --no-dns: no MX lookups */
	const char *resolver;	/* --resolver ADDR[:PORT]; NULL: the first
				 * nameserver of /etc/resolv.conf, asked
				 * only with the host context */
	struct mg_err err;	/* why detection or loading failed */
	int defer_queue;	/* load: leave the queue to the caller, who
				 * reads it and hands it to
				 * mg_session_queue (the console) */
	int queue_pending;	/* loaded without the queue: its checks
				 * wait for mg_session_queue */
	/* what the last load could not read besides the configuration,
	 * said again each time the findings are made */
	char *host_unread, *resolv_unread, *log_unread, *queue_unread;
	/* the MTA's verdicts on the probes of this load's configuration,
	 * asked once: the findings made again when a deferred queue lands
	 * reuse them instead of asking the MTA again (exim -bh, seconds
	 * on the interface thread) */
	struct mg_proof *proofs;
	size_t nproofs, proofs_cap;
	size_t nsimulated;	/* verdicts asked of the MTA since the
				 * load began (tests, the bench) */
};

void mg_session_init(struct mg_session *);
int mg_session_load(struct mg_session *);
void mg_session_queue(struct mg_session *, struct mg_queue *,
    const struct mg_err *);
void mg_session_free(struct mg_session *);

#endif
