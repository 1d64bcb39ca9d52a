/*
 * mg_model.h - the shared model: what a backend reads from the live MTA
 * (target, parameters with their source file:line, source text, queue
 * messages) and what checks produce from it (findings, fixes as data).
 * Nothing here knows a particular MTA.
 */
#ifndef MG_MODEL_H
#define MG_MODEL_H

#include <stddef.h>
#include <time.h>

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
	char *state_dir;	/* journal, backups, quarantine */
};

/* A line of configuration text kept for evidence and line lookups. */
struct mg_srcfile {
	char *path;
	char **lines;		/* without newline */
	size_t nlines, cap;
	int truncated;		/* file was larger than we read */
};

/* One configuration parameter as the MTA reports it. */
struct mg_param {
	char *name;
	char *value;		/* effective, expanded ($name resolved) */
	char *raw;		/* as written, when explicit; else NULL */
	char *file;		/* where it is set; NULL for a default */
	unsigned line;		/* first line of the setting, 1-based */
	unsigned end_line;	/* last continuation line */
};

struct mg_model {
	enum mg_mta mta;
	char *version;
	char *config_dir;	/* postconf -c DIR; Exim's config directory */
	char *config_file;
	struct mg_param *params;
	size_t nparams, params_cap;
	struct mg_srcfile *files;
	size_t nfiles, files_cap;
	char **warnings;	/* what the MTA's own tools warned about */
	size_t nwarnings, warnings_cap;
	struct mg_queue *queue;	/* NULL if not read; the model owns it */
	time_t now;		/* when the model was read: "age" of mail */
};

enum mg_severity {
	MG_SEV_INFO = 0,
	MG_SEV_LOW,
	MG_SEV_MEDIUM,
	MG_SEV_HIGH,
	MG_SEV_CRITICAL
};

struct mg_evidence {
	char *text;
	char *file;		/* may be NULL */
	unsigned line;		/* 0: none */
};

struct mg_finding {
	char *id;		/* stable: "postfix.mynetworks.public" */
	enum mg_severity severity;
	char *area;		/* "relay", "aliases", "sasl", ... */
	char *title;
	char *explanation;
	struct mg_evidence *evidence;
	size_t nevidence, evidence_cap;
	char **fix_ids;
	size_t nfix_ids, fix_ids_cap;
};

enum mg_edit_kind {
	MG_EDIT_SET_PARAM = 1,	/* file's parameter "param" becomes new_text */
	MG_EDIT_REPLACE		/* old_text at file:line becomes new_text */
};

struct mg_edit {
	enum mg_edit_kind kind;
	char *file;
	char *param;		/* MG_EDIT_SET_PARAM */
	unsigned line;		/* where old_text starts, 1-based */
	char *old_text;
	char *new_text;
};

/* A post-command: argv, NULL-terminated; run without a shell. */
struct mg_cmd {
	char **argv;
	size_t argc;
};

struct mg_fix {
	char *id;		/* stable, accepted by "fix ID" */
	char *title;
	struct mg_edit *edits;
	size_t nedits, edits_cap;
	struct mg_cmd *post;
	size_t npost, post_cap;
};

struct mg_report {
	struct mg_finding *findings;
	size_t nfindings, findings_cap;
	struct mg_fix *fixes;
	size_t nfixes, fixes_cap;
	char **unread;		/* what could not be read, and why */
	size_t nunread, unread_cap;
};

const char *mg_mta_name(enum mg_mta);
const char *mg_severity_name(enum mg_severity);
int mg_severity_parse(const char *, enum mg_severity *);

void mg_target_free(struct mg_target *);

void mg_model_init(struct mg_model *);
void mg_model_free(struct mg_model *);
struct mg_param *mg_model_param_add(struct mg_model *, const char *);
const struct mg_param *mg_model_param(const struct mg_model *, const char *);
const char *mg_model_value(const struct mg_model *, const char *);
struct mg_srcfile *mg_model_file_add(struct mg_model *, const char *);
const struct mg_srcfile *mg_model_file(const struct mg_model *, const char *);
void mg_model_warn(struct mg_model *, const char *);

void mg_srcfile_add_line(struct mg_srcfile *, const char *, size_t);
void mg_srcfile_set_text(struct mg_srcfile *, const char *, size_t);
unsigned mg_srcfile_find_word(const struct mg_srcfile *, unsigned, unsigned,
    const char *);

void mg_report_init(struct mg_report *);
void mg_report_free(struct mg_report *);
struct mg_finding *mg_report_finding(struct mg_report *, const char *,
    enum mg_severity, const char *, const char *);
void mg_finding_explain(struct mg_finding *, const char *);
void mg_finding_evidence(struct mg_finding *, const char *, unsigned,
    const char *, ...) __attribute__((format(printf, 4, 5)));
void mg_finding_add_fix(struct mg_finding *, const char *);
struct mg_fix *mg_report_fix(struct mg_report *, const char *, const char *);
const struct mg_fix *mg_report_find_fix(const struct mg_report *,
    const char *);
struct mg_edit *mg_fix_set_param(struct mg_fix *, const char *, unsigned,
    const char *, const char *, const char *);
void mg_fix_post(struct mg_fix *, const char *const *);
void mg_report_unread(struct mg_report *, const char *);
enum mg_severity mg_report_worst(const struct mg_report *);
void mg_report_sort(struct mg_report *);

#endif
