/*
 * backend.h - one struct of operations per MTA, chosen at run time (as
 * Postfix's DICT or OpenSMTPD's table_backend).  Only backend.c calls
 * through these pointers; a NULL operation is "not supported".
 */
#ifndef MG_BACKEND_H
#define MG_BACKEND_H

#include "../core/mg_err.h"
#include "../core/mg_model.h"
#include "../core/mg_report.h"
#include "../core/mg_probe.h"
#include "../core/mg_queue.h"

/* What the MTA answered a simulated client. */
struct mg_smtp_verdict {
	int code;		/* the RCPT reply code; -1 if none */
	char text[256];		/* the reply text */
	char how[64];		/* "exim -bh" */
};

struct mg_backend {
	const char *name;
	enum mg_mta mta;
	/* Fill version and paths; -1 if this MTA is not there. */
	int (*detect)(struct mg_target *, struct mg_err *);
	/* Read the live configuration through the MTA's own tools. */
	int (*load_config)(struct mg_target *, struct mg_model *,
	    struct mg_err *);
	/* Read every queued message (directly, not one process each). */
	int (*load_queue)(struct mg_target *, struct mg_queue *,
	    mg_progress_fn, void *, struct mg_err *);
	/* What the MTA answers a client for a recipient, without
	 * receiving mail (exim -bh); NULL: cannot ask yet. */
	int (*simulate)(struct mg_target *, const struct mg_probe *,
	    struct mg_smtp_verdict *, struct mg_err *);
	/* Read the mail log the loaded model names into m->log. */
	int (*load_log)(struct mg_target *, struct mg_model *,
	    struct mg_err *);
	/* One queued message's headers as the MTA's own tool prints
	 * them (postcat -h, exim -Mvh), appended to out. */
	int (*show_message)(struct mg_target *, const char *, struct mg_str *,
	    struct mg_err *);
	/* Relay tests asked as a remote client of the live configuration,
	 * nothing received: answers for each test (mg_probe_run's
	 * contract), the dialogue appended to the log.  sim_start makes
	 * what the tests need (a private smtpd), sim_stop removes it; both
	 * NULL when nothing is needed. */
	int (*sim_start)(struct mg_target *, void **, struct mg_err *);
	int (*sim_tests)(struct mg_target *, void *, const char *,
	    const struct mg_probe_test *, size_t, struct mg_probe_answer *,
	    struct mg_str *, struct mg_err *);
	void (*sim_stop)(struct mg_target *, void *);
	/* How sim_tests asks, for reports: "exim -bh". */
	const char *sim_how;
};

/* What the operator asked for on the command line. */
struct mg_detect_opts {
	const char *postfix_dir;	/* --postfix DIR */
	const char *exim_path;		/* --exim PATH */
	const char *exim_bin;		/* --exim-bin PATH */
	const char *exim_generator;	/* --exim-generator PATH */
	const char *state_dir;		/* --state DIR */
	const char *maillog;		/* --maillog FILE */
	void (*note)(void *, const char *);	/* progress; may be NULL */
	void *note_arg;
};

extern const struct mg_backend mg_backend_postfix;
extern const struct mg_backend mg_backend_exim;
extern const struct mg_backend *const mg_backends[];

const char *mg_backend_mta_name(enum mg_mta);
int mg_backend_detect(const struct mg_detect_opts *, struct mg_target *,
    struct mg_err *);
int mg_backend_load_config(struct mg_target *, struct mg_model *,
    struct mg_err *);
int mg_backend_load_queue(struct mg_target *, struct mg_queue *,
    mg_progress_fn, void *, struct mg_err *);
int mg_backend_load_log(struct mg_target *, struct mg_model *,
    struct mg_err *);
int mg_backend_show_message(struct mg_target *, const char *,
    struct mg_str *, struct mg_err *);
int mg_backend_simulate(struct mg_target *, const struct mg_probe *,
    struct mg_smtp_verdict *, struct mg_err *);
int mg_backend_sim_start(struct mg_target *, void **, struct mg_err *);
int mg_backend_sim_tests(struct mg_target *, void *, const char *,
    const struct mg_probe_test *, size_t, struct mg_probe_answer *,
    struct mg_str *, struct mg_err *);
void mg_backend_sim_stop(struct mg_target *, void *);

#endif
