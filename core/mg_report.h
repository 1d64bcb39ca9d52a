/*
 * mg_report.h - what checks produce from a model: findings (severity,
 * evidence with file:line, the probes that would prove them) and fixes
 * as data (edits and post-commands).  Knows neither the model nor a
 * particular MTA.
 */
#ifndef MG_REPORT_H
#define MG_REPORT_H

#include <stddef.h>

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

/* A question for the MTA itself, asked after the checks: what does it
 * answer this client for this recipient?  The answer becomes evidence. */
struct mg_probe {
	char *client;		/* "107.172.77.101" */
	char *client_name;	/* its host name, or NULL: none */
	char *sender;		/* "" is the null sender */
	char *rcpt;
	int hole_if_accepted;	/* acceptance shows the hole is open */
	char *login;		/* authenticated as this SASL login; NULL:
				 * not authenticated */
	char *service;		/* the MTA's listener whose settings judge
				 * it ("submission/inet": master.cf's -o
				 * overrides); NULL: the public one */
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
	struct mg_probe *probes;
	size_t nprobes, probes_cap;
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
	const char *named_only;	/* why fix --all leaves it out (it refuses
				 * mail some users may send today): applied
				 * only when named; NULL: --all takes it */
};

struct mg_report {
	struct mg_finding *findings;
	size_t nfindings, findings_cap;
	struct mg_fix *fixes;
	size_t nfixes, fixes_cap;
	char **unread;		/* what could not be read, and why */
	size_t nunread, unread_cap;
	size_t npartial;	/* of them, unread for lack of permission:
				 * findings may be missing (report exit 4) */
};

const char *mg_severity_name(enum mg_severity);
int mg_severity_parse(const char *, enum mg_severity *);

void mg_report_init(struct mg_report *);
void mg_report_free(struct mg_report *);
struct mg_finding *mg_report_finding(struct mg_report *, const char *,
    enum mg_severity, const char *, const char *);
void mg_finding_explain(struct mg_finding *, const char *);
void mg_finding_evidence(struct mg_finding *, const char *, unsigned,
    const char *, ...) __attribute__((format(printf, 4, 5)));
void mg_finding_add_fix(struct mg_finding *, const char *);
void mg_finding_probe(struct mg_finding *, const char *, const char *,
    const char *, const char *, int);
void mg_finding_probe_as(struct mg_finding *, const char *, const char *,
    const char *, const char *, const char *, int);
void mg_finding_probe_service(struct mg_finding *, const char *);
struct mg_fix *mg_report_fix(struct mg_report *, const char *, const char *);
int mg_cmd_seen(const struct mg_fix *const *, size_t, size_t);
void mg_report_drop_fix(struct mg_report *, const char *);
const struct mg_fix *mg_report_find_fix(const struct mg_report *,
    const char *);
struct mg_edit *mg_fix_set_param(struct mg_fix *, const char *, unsigned,
    const char *, const char *, const char *);
struct mg_edit *mg_fix_replace_line(struct mg_fix *, const char *, unsigned,
    const char *, const char *);
void mg_fix_post(struct mg_fix *, const char *const *);
void mg_report_unread(struct mg_report *, const char *);
enum mg_severity mg_report_worst(const struct mg_report *);
void mg_report_sort(struct mg_report *);

#endif
