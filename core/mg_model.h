/*
 * mg_model.h - the shared model: what a backend reads from the live MTA
 * (target, parameters with their source file:line, source text, tables,
 * queue messages, the mail log).  What checks produce from it (findings,
 * fixes as data) is the report's (mg_report.h).  Nothing here knows a
 * particular MTA.
 */
#ifndef MG_MODEL_H
#define MG_MODEL_H

#include <stddef.h>
#include <time.h>

#include "mg_maillog.h"
#include "mg_resolv.h"
#include "mg_srcfile.h"

struct mg_reaper;

struct mg_host;
struct mg_mxset;
struct mg_pkg;
struct mg_queue;

enum mg_mta {
	MG_MTA_NONE = 0,
	MG_MTA_POSTFIX,
	MG_MTA_EXIM
};

/* What the operator pointed us at, and what detection found. */
struct mg_target {
	enum mg_mta mta;
	const struct mg_backend *backend;
	char *config_dir;	/* postconf -c DIR; Debian /etc/exim4 dir */
	char *config_file;	/* main.cf, or the Exim file -C reads */
	char *bin;		/* postconf, or the exim binary */
	char *version;		/* "3.7.11", "4.96" */
	char *tls_library;	/* the TLS library the MTA was built with
				 * ("GnuTLS", "OpenSSL"); NULL: not known */
	char *state_dir;	/* journal, backups, quarantine */
	char *generator;	/* update-exim4.conf, for a Debian directory */
	char *generated;	/* our private copy of the generated config,
				 * removed with the target */
	struct mg_reaper *reaper; /* removes generated's directory if we
				 * are killed; NULL if none */
	char *maillog;		/* --maillog FILE; NULL: the MTA's own */
	char *queue_dir;	/* where the queue lives, as the MTA said
				 * at detection (Exim: spool_directory);
				 * NULL: asked when the queue is read */
	/* what a slow step of loading is doing now ("tables 3/9: REF"),
	 * NULL when it is done; NULL: nobody is told */
	void (*note)(void *, const char *);
	void *note_arg;
};

/* One configuration parameter as the MTA reports it. */
struct mg_param {
	char *name;
	char *value;		/* effective, expanded ($name resolved) */
	char *raw;		/* as written, when explicit; else NULL */
	char *dflt;		/* the MTA's default at this configuration's
				 * compatibility level (Postfix: postconf -d,
				 * level-dependent ones resolved by postconf
				 * -x); NULL if not known */
	char *file;		/* where it is set; NULL for a default */
	unsigned line;		/* first line of the setting, 1-based */
	unsigned end_line;	/* last continuation line */
};

/* A service the MTA runs (a Postfix master.cf entry), with the parameters
 * it overrides for itself (-o name=value), each with its file:line. */
struct mg_service {
	char *name;		/* "smtp", "submission", "127.0.0.1:2525" */
	char *type;		/* "inet", "unix", "pass", ... */
	char *command;		/* "smtpd", "postscreen", ... */
	int chroot;		/* master.cf's chroot column is "y" ("-"
				 * is n since Postfix 3.0, master(5)) */
	char *file;
	unsigned line;
	struct mg_param *overrides;
	size_t noverrides, overrides_cap;
};

/* One key of a lookup table and its result; line in the source, 0 if
 * unknown.  value NULL: the key was looked up and not found. */
struct mg_map_entry {
	char *key;
	char *value;
	unsigned line;
};

/* A lookup table the configuration names ("hash:/etc/postfix/access"),
 * read through the MTA's tools where they can list it (postmap -s), from
 * its source text where they cannot (cidr:, regexp:, pcre:). */
struct mg_map {
	char *ref;		/* as written: "hash:/etc/postfix/access" */
	char *type;		/* "hash" */
	char *name;		/* "/etc/postfix/access" */
	char *source;		/* the text file it is built from; or NULL */
	int listed;		/* entries hold the whole table */
	int stale;		/* source newer than the compiled table */
	char *error;		/* why it could not be read; NULL if read */
	struct mg_map_entry *entries;
	size_t nentries, entries_cap;
	struct mg_map_entry *answers;	/* keys asked one by one */
	size_t nanswers, answers_cap;
};

/* One statement of a rule set: an Exim ACL statement ("accept" with its
 * conditions and modifiers), a router, transport or authenticator (its
 * name as verb, its options as conditions).  Each condition keeps its
 * own file:line; the rule's is where its first line is written. */
struct mg_rule {
	char *group;		/* "acl_check_rcpt", "authenticators", ... */
	char *verb;		/* "accept", "deny"; or the driver's name */
	struct mg_param *conds;	/* name ("!verify"), value, file:line */
	size_t nconds, conds_cap;
	char *file;
	unsigned line;
};

/* An account that may authenticate to submit mail (SASL). */
struct mg_user {
	char *name;
	char *realm;		/* may be NULL */
	char *source;		/* "sasldb /etc/sasldb2", "system accounts" */
	long uid;		/* the host's account of that name; -1: none */
};

/* What the MTA itself offers after EHLO to a client on the Internet
 * before STARTTLS (Exim: exim -bh CLIENT), as the backend asked it. */
struct mg_ehlo {
	char *client;		/* the address asked as; NULL: not asked */
	char *auth;		/* the AUTH mechanisms offered on any port
				 * asked, "PLAIN LOGIN"; "": none */
	unsigned port;		/* the (first) port offering them; 0: none */
	int starttls;		/* STARTTLS offered there */
	char *auth25;		/* AUTH offered on port 25 before TLS, "":
				 * none; NULL: port 25 not asked */
	int starttls25;		/* STARTTLS offered on port 25 */
};

struct mg_model {
	enum mg_mta mta;
	char *version;
	char *tls_library;	/* as in struct mg_target; NULL: not known */
	char *config_dir;	/* postconf -c DIR; Exim's config directory */
	char *config_file;
	int config_generated;	/* config_file is our private copy made
				 * from config_dir: fixes regenerate the
				 * system's own with the generator */
	struct mg_param *params;
	size_t nparams, params_cap;
	struct mg_srcfile *files;
	size_t nfiles, files_cap;
	struct mg_service *services;
	size_t nservices, services_cap;
	struct mg_map *maps;
	size_t nmaps, maps_cap;
	struct mg_user *users;
	size_t nusers, users_cap;
	struct mg_rule *rules;	/* in configuration order */
	size_t nrules, rules_cap;
	char *users_backend;	/* how SASL checks passwords; NULL: no SASL */
	int users_complete;	/* users holds every account that can log in */
	struct mg_param *auth;	/* the SASL setup outside the MTA's own
				 * parameters, with file:line: Cyrus
				 * smtpd.conf options, saslauthd's
				 * MECHANISMS, Dovecot's passdb driver */
	size_t nauth, auth_cap;
	struct mg_ehlo ehlo;	/* the EHLO reply before TLS */
	char **warnings;	/* what the MTA's own tools warned about */
	size_t nwarnings, warnings_cap;
	char **unread;		/* what a backend could not read, and why;
				 * the report lists it under unread */
	size_t nunread, unread_cap;
	struct mg_queue *queue;	/* NULL if not read; the model owns it */
	struct mg_maillog *log;	/* NULL if not read; the model owns it */
	struct mg_host *host;	/* this machine's interfaces, docker; NULL
				 * if not read; the model owns it */
	time_t now;		/* when the model was read: "age" of mail */
	struct mg_resolv *resolv;	/* resolv.conf's nameservers; NULL if
					 * not read; the model owns it */
	struct mg_resolv *resolv_chroot;	/* Postfix: the copy
						 * $queue_directory/etc/
						 * resolv.conf chrooted
						 * services read; NULL if
						 * none chroots or not read */
	struct mg_pkg *pkg;	/* the distribution package of the MTA and
				 * the CVE ids its changelog fixed; NULL
				 * if not read; the model owns it */
	struct mg_mxset *mx;	/* the MX hosts of the domains the server
				 * receives mail for, from DNS (mg_dns.h);
				 * NULL if not asked; the model owns it */
};

void mg_target_free(struct mg_target *);

void mg_model_init(struct mg_model *);
const char *mg_model_source(const struct mg_model *);
void mg_model_free(struct mg_model *);
int mg_model_read_log(struct mg_model *, mg_maillog_line_fn *, const void *,
    const char *, struct mg_err *);
struct mg_param *mg_model_param_add(struct mg_model *, const char *);
const struct mg_param *mg_model_param(const struct mg_model *, const char *);
const char *mg_model_value(const struct mg_model *, const char *);
struct mg_srcfile *mg_model_file_add(struct mg_model *, const char *);
const struct mg_srcfile *mg_model_file(const struct mg_model *, const char *);
void mg_model_warn(struct mg_model *, const char *);
void mg_model_unread(struct mg_model *, const char *);

struct mg_service *mg_model_service_add(struct mg_model *, const char *,
    const char *);
const struct mg_service *mg_model_service(const struct mg_model *,
    const char *, const char *);
struct mg_param *mg_service_override_add(struct mg_service *, const char *);
const struct mg_param *mg_service_override(const struct mg_service *,
    const char *);
const char *mg_service_value(const struct mg_model *,
    const struct mg_service *, const char *, const struct mg_param **);
struct mg_map *mg_model_map_add(struct mg_model *, const char *);
const struct mg_map *mg_model_map(const struct mg_model *, const char *);
struct mg_map_entry *mg_map_entry_add(struct mg_map *, const char *,
    const char *, unsigned);
struct mg_map_entry *mg_map_answer_add(struct mg_map *, const char *,
    const char *);
const struct mg_map_entry *mg_map_answer(const struct mg_map *,
    const char *);
struct mg_user *mg_model_user_add(struct mg_model *, const char *,
    const char *, const char *);
struct mg_rule *mg_model_rule_add(struct mg_model *, const char *,
    const char *);
struct mg_param *mg_rule_cond_add(struct mg_rule *, const char *,
    const char *);
const struct mg_param *mg_rule_cond(const struct mg_rule *, const char *);
const struct mg_user *mg_model_user(const struct mg_model *, const char *,
    const char *);
struct mg_param *mg_model_auth_add(struct mg_model *, const char *,
    const char *, const char *, unsigned);
const struct mg_param *mg_model_auth(const struct mg_model *, const char *);
void mg_model_tables_free(struct mg_model *);
void mg_params_free(struct mg_param *, size_t);
struct mg_err;
int mg_model_read_file(struct mg_model *, const char *, struct mg_err *);
void mg_model_read_pkg(struct mg_model *, const char *,
    const char *const *);

#endif
