/*
 * backend.h - one struct of operations per MTA, chosen at run time (as
 * Postfix's DICT or OpenSMTPD's table_backend).  Only backend.c calls
 * through these pointers; a NULL operation is "not supported".
 */
#ifndef MG_BACKEND_H
#define MG_BACKEND_H

#include <limits.h>
#include <stddef.h>

#include "../core/mg_err.h"
#include "../core/mg_model.h"
#include "../core/mg_report.h"
#include "../core/mg_probe.h"
#include "../core/mg_queue.h"
#include "../core/mg_str.h"

struct mg_cmd;
struct mg_fix;

/* A change for a backend to validate: new texts of live files (the fix
 * engine's stage) and the fixes that made them. */
struct mg_change {
	const char *stage;		/* an empty private directory */
	const char *model_dir;		/* the loaded model's config_dir */
	const char *const *paths;	/* the live files edited */
	const struct mg_str *texts;	/* their new contents */
	size_t nfiles;
	const struct mg_fix *const *fixes;
	size_t nfixes;
	/* filled by validate */
	char conf[PATH_MAX + 64];	/* what sim_open asks: Postfix the
					 * staged directory, Exim the -C file */
	char dir[PATH_MAX + 16];	/* config_dir of a re-read, "" none */
	char file[PATH_MAX + 64];	/* config_file of a re-read */
	int generated;			/* file was generated from dir */
	struct mg_str validation;	/* what was run, and what it said */
};
#include "queue_types.h"

/* What the MTA answered a simulated client. */
struct mg_smtp_verdict {
	int code;		/* the RCPT reply code; -1 if none */
	char text[256];		/* the reply text */
	char how[160];		/* "exim -bh" */
};

struct mg_backend {
	const char *name;
	enum mg_mta mta;
	/* Fill version and paths; -1 if this MTA is not there. */
	int (*detect)(struct mg_target *, struct mg_err *);
	/* Read the live configuration through the MTA's own tools. */
	int (*load_config)(struct mg_target *, struct mg_model *,
	    struct mg_err *);
	/* Read every queued message (directly, not one process each);
	 * opts NULL: everything. */
	int (*load_queue)(struct mg_target *, struct mg_queue *,
	    const struct mg_qscan_opts *, mg_progress_fn, void *,
	    struct mg_err *);
	/* A number that changes when the queue may have (its directories'
	 * mtimes), far cheaper than load_queue; NULL: not known. */
	int (*queue_stamp)(struct mg_target *, unsigned long long *,
	    struct mg_err *);
	/* Read the mail log the loaded model names into m->log. */
	int (*load_log)(struct mg_target *, struct mg_model *,
	    struct mg_err *);
	/* One queued message's headers as the MTA's own tool prints
	 * them (postcat -h, exim -Mvh), appended to out. */
	int (*show_message)(struct mg_target *, const char *, struct mg_str *,
	    struct mg_err *);

	/* Changing the configuration (the fix engine) */
	/* Validate a change with the MTA's own tools on c->stage, an
	 * empty private directory (Postfix: postconf -n, postfix check,
	 * postmap; Exim: the Debian generator, exim -C -bV): the backend
	 * copies there what it needs, writes c's new texts, says in
	 * c->validation what it ran and fills c's staged configuration. */
	int (*validate)(struct mg_target *, struct mg_change *,
	    struct mg_err *);
	/* Have the running server re-read its configuration (Exim: SIGHUP
	 * to the daemon); one line of what happened appended to the log.
	 * NULL: the fixes' post-commands reload (postfix reload). */
	void (*reload)(struct mg_target *, struct mg_str *);
	/* That reload as comment lines of a patch, commands an operator
	 * can paste. */
	void (*reload_words)(const struct mg_target *, struct mg_str *);
	/* A fix's post-command: the program to run (the generator the
	 * target was read with); the files it writes besides the edited
	 * ones (backed up with them; copies, caller frees); whether it
	 * only derives files, so it is run again after a restore; whether
	 * the staged model sees its effect; whether its failure only means
	 * the server is stopped (the words saying so, else NULL). */
	const char *(*post_program)(const struct mg_target *,
	    const struct mg_cmd *);
	void (*post_outputs)(const struct mg_cmd *, char **, size_t *,
	    size_t);
	int (*post_rebuilds)(const struct mg_cmd *);
	int (*post_seen)(const struct mg_cmd *);
	const char *(*post_not_running)(const struct mg_cmd *);
	/* Does the stage hold the live file path, so a re-read of the stage
	 * sees its edit?  NULL: every file. */
	int (*stage_holds)(const struct mg_target *, const char *);
	/* The parameter listing the trusted clients, and its list syntax:
	 * the items of a value (NULL-terminated copies, caller frees with
	 * mg_backend_list_free), and how a list is written (head, then
	 * separator and item for each). */
	const char *trust_param;
	char **(*list_items)(const char *);
	const char *list_head;
	const char *list_sep;
	/* Simulate: a client's session asked of a configuration, nothing
	 * received (exim -bh; a private Postfix asked with XCLIENT).
	 * sim_open prepares asking conf (the staged configuration validate
	 * made; NULL: the target's own), adding to note what it made or why
	 * it could not; sim_ask asks one probe (1:
	 * not asked, v says why); sim_close undoes sim_open.  sim_private:
	 * asking starts a private instance of the MTA (root, seconds per
	 * start), which answers every session it is asked.  sim_local: how
	 * mail submitted on the host without SMTP passes, and why it is
	 * not asked (where: the prefix of each line; clientless: some probe
	 * is local SMTP). */
	int (*sim_open)(struct mg_target *, const char *, void **,
	    struct mg_str *, struct mg_err *);
	int (*sim_ask)(struct mg_target *, void *, const struct mg_probe *,
	    struct mg_smtp_verdict *, struct mg_err *);
	void (*sim_close)(struct mg_target *, void *);
	int sim_private;
	void (*sim_local)(const char *, int, struct mg_str *);
	/* Relay tests asked as remote client through what sim_open made
	 * of the live configuration, nothing received: answers for each
	 * test (mg_probe_run's contract), the dialogue appended to the
	 * log; sim_how says how, for reports ("exim -bh"). */
	int (*sim_tests)(struct mg_target *, void *, const char *,
	    const struct mg_probe_test *, size_t, struct mg_probe_answer *,
	    struct mg_str *, struct mg_err *);
	const char *sim_how;
	/* Where the configured MTA listens for the world (host, port),
	 * read from the model; a wildcard address is 127.0.0.1. */
	void (*listener)(const struct mg_model *, char *, size_t, int *);
	const char *listen_param;	/* where it listens; unset: all */

	/* Queue actions */
	/* Hold, release or requeue exactly the queued messages ids
	 * (postsuper -h/-H/-r, exim -Mf/-Mt), the tools' output in the
	 * run's log, progress as step 1 named by the last string. */
	int (*queue_act)(struct mg_target *, struct mg_qrun *,
	    enum mg_qaction, char *const *, size_t, const char *,
	    struct mg_err *);
	/* Purge the run's ids: hold (freeze) them, copy each one's files
	 * into the run's quarantine (its copied list), then delete
	 * exactly the copied ones; what it does told on the run's out. */
	int (*purge)(struct mg_target *, struct mg_qrun *, struct mg_err *);
	/* Finish a purge a kill interrupted: purge the run's ids (those
	 * of its entry still queued) into the quarantine it left (the
	 * run's qdir, there already), each copied afresh; NULL: this MTA
	 * cannot (its interrupted purges are rolled back). */
	int (*purge_finish)(struct mg_target *, struct mg_qrun *,
	    struct mg_err *);
	/* Put back what a purge or a hold took out, as struct
	 * mg_qrestore describes (queue_act.h). */
	int (*restore)(struct mg_target *, struct mg_qrestore *,
	    struct mg_err *);
	/* The message a quarantine copy of ID holds (the quarantine open
	 * as the int), appended to the queue. */
	int (*quarantine_msg)(struct mg_target *, int, const char *,
	    struct mg_queue *, struct mg_err *);
	/* A quarantine's README: what the copies are, how to put them
	 * back by hand. */
	const char *quarantine_how;
	/* How show_message asks, for the message view: "postcat -h". */
	const char *show_how;
	/* Where a requeued message waits before it gets a new ID
	 * (Postfix: "maildrop"); NULL: it is not moved anywhere. */
	const char *requeued_queue;
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
	const struct mg_backend *backend;	/* this one, not detected
						 * (tests); may be NULL */
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
int mg_backend_scan_queue(struct mg_target *, struct mg_queue *,
    const struct mg_qscan_opts *, mg_progress_fn, void *, struct mg_err *);
int mg_backend_queue_stamp(struct mg_target *, unsigned long long *,
    struct mg_err *);
int mg_backend_load_log(struct mg_target *, struct mg_model *,
    struct mg_err *);
int mg_backend_show_message(struct mg_target *, const char *,
    struct mg_str *, struct mg_err *);
int mg_backend_simulate(struct mg_target *, const struct mg_probe *,
    struct mg_smtp_verdict *, struct mg_err *);

/* Changing the configuration (the fix engine) */
const struct mg_backend *mg_backend_for(enum mg_mta);
int mg_backend_validate(struct mg_target *, struct mg_change *,
    struct mg_err *);
void mg_backend_reload(struct mg_target *, struct mg_str *);
void mg_backend_reload_words(const struct mg_target *, struct mg_str *);
const char *mg_backend_post_program(const struct mg_target *,
    const struct mg_cmd *);
void mg_backend_post_outputs(const struct mg_target *, const struct mg_cmd *,
    char **, size_t *, size_t);
int mg_backend_post_rebuilds(const struct mg_target *, const struct mg_cmd *);
int mg_backend_post_seen(const struct mg_target *, const struct mg_cmd *);
const char *mg_backend_post_not_running(const struct mg_target *,
    const struct mg_cmd *);
int mg_backend_port_of(const char *, size_t);
int mg_backend_stage_holds(const struct mg_target *, const char *);
const char *mg_backend_trust_param(enum mg_mta);
char **mg_backend_list_items(enum mg_mta, const char *);
void mg_backend_list_free(char **);
void mg_backend_list_start(enum mg_mta, struct mg_str *);
void mg_backend_list_add(enum mg_mta, struct mg_str *, const char *);
int mg_backend_sim_open(struct mg_target *, const char *, void **,
    struct mg_str *, struct mg_err *);
int mg_backend_sim_ask(struct mg_target *, void *, const struct mg_probe *,
    struct mg_smtp_verdict *, struct mg_err *);
void mg_backend_sim_close(struct mg_target *, void *);
int mg_backend_sim_tests(struct mg_target *, void *, const char *,
    const struct mg_probe_test *, size_t, struct mg_probe_answer *,
    struct mg_str *, struct mg_err *);
const char *mg_backend_sim_how(const struct mg_target *);
int mg_backend_sim_private(const struct mg_target *);
void mg_backend_sim_local(const struct mg_target *, const char *, int,
    struct mg_str *);
int mg_backend_listener(const struct mg_target *, const struct mg_model *,
    char *, size_t, int *);
int mg_backend_queue_act(struct mg_target *, struct mg_qrun *,
    enum mg_qaction, char *const *, size_t, const char *, struct mg_err *);
int mg_backend_purge(struct mg_target *, struct mg_qrun *, struct mg_err *);
int mg_backend_purge_finish(struct mg_target *, struct mg_qrun *,
    struct mg_err *);
int mg_backend_can_finish_purge(const struct mg_target *);
int mg_backend_restore(struct mg_target *, struct mg_qrestore *,
    struct mg_err *);
int mg_backend_quarantine_msg(struct mg_target *, int, const char *,
    struct mg_queue *, struct mg_err *);
const char *mg_backend_quarantine_how(const struct mg_target *);
const char *mg_backend_show_how(const struct mg_target *);
const char *mg_backend_requeued_queue(const struct mg_target *);

#endif
