/*
 * checks.h - the table of checks.  A check is a pure function of the model
 * that appends findings (and the fixes they propose) to a report.  Adding a
 * check = one function + one row in its table (checks/postfix/
 * checks_postfix.c, checks/exim/checks_exim.c, the neutral ones in
 * checks.c).
 */
#ifndef MG_CHECKS_H
#define MG_CHECKS_H

#include <time.h>

#include "../core/mg_model.h"
#include "../core/mg_report.h"
#include "../core/mg_net.h"
#include "../core/mg_probe.h"
#include "../core/mg_queue.h"

struct mg_str;

struct mg_check {
	const char *id;
	const char *area;
	enum mg_mta mta;	/* MG_MTA_NONE: any MTA */
	void (*run)(const struct mg_model *, struct mg_report *);
};

/* The tables of checks (checks.c lists them): each MTA's own
 * (checks/postfix/, checks/exim/), NULL-id terminated. */
extern const struct mg_check mg_checks_postfix[];
extern const struct mg_check mg_checks_exim[];
const struct mg_check *mg_check_at(size_t);
int mg_check_applies(const struct mg_check *, enum mg_mta);

/* A too-wide network's clients in the mail log (check_log.c): with at
 * most MG_LOG_KEPT of them the fix keeps those hosts, else removes it. */
#define MG_LOG_KEPT 4
struct mg_logclient;
struct mg_log_hosts {
	size_t nseen;				/* clients seen inside */
	const struct mg_logclient *host[MG_LOG_KEPT];
};

/* Who can connect to a Postfix smtpd service (pf_listener.c). */
enum mg_pf_reach {
	MG_PF_REACH_LOOPBACK = 0,	/* this host only */
	MG_PF_REACH_PRIVATE,		/* private/special networks only */
	MG_PF_REACH_PUBLIC		/* the Internet (or unknown) */
};

/* What a Postfix smtpd's restriction lists do with a client that did not
 * log in (pf_util.c). */
enum mg_pf_gate {
	MG_PF_GATE_NONE = 0,	/* nothing refuses it */
	MG_PF_GATE_MYNET,	/* refused unless in mynetworks */
	MG_PF_GATE_ALL		/* refused */
};

void mg_checks_run(const struct mg_model *, struct mg_report *);
void mg_check_log_hosts(const struct mg_model *, const struct mg_net *,
    int (*)(const void *, const struct mg_net *), const void *,
    struct mg_log_hosts *);
int mg_check_log_keeps(const struct mg_log_hosts *);
void mg_check_log_evidence(const struct mg_model *, struct mg_finding *,
    const struct mg_net *, const struct mg_log_hosts *);
int mg_check_privileged_name(const char *);
size_t mg_check_queue_top(const struct mg_queue *, enum mg_queue_by, time_t,
    struct mg_str *);
void mg_check_exim_regenerate(const struct mg_model *, struct mg_fix *,
    const char *);
const struct mg_param *mg_check_exim_loopback_only(const struct mg_model *);
char *mg_check_sasl_dominant(const struct mg_model *, size_t *);
int mg_check_pf_loopback_only(const struct mg_model *);
int mg_check_pf_permissive(const char *);
enum mg_pf_reach mg_check_pf_reach(const struct mg_model *,
    const struct mg_service *);
const char *mg_check_pf_reach_text(enum mg_pf_reach);
enum mg_severity mg_check_pf_reach_severity(enum mg_severity,
    enum mg_pf_reach);
int mg_check_pf_smtps(const struct mg_model *, const struct mg_service *);
unsigned mg_check_pf_commented_override(const struct mg_model *,
    const struct mg_service *, const char *, const char *);
int mg_check_pf_has_cert(const struct mg_model *, const struct mg_service *);
extern const char *const mg_check_pf_gate_lists[];
enum mg_pf_gate mg_check_pf_gate(const struct mg_model *,
    const struct mg_service *, const struct mg_param **);
int mg_check_pf_edit_override(const struct mg_model *, struct mg_fix *,
    const struct mg_param *, const char *);
int mg_check_pf_add_override(const struct mg_model *, struct mg_fix *,
    const struct mg_service *, const char *, const char *);
const char *mg_check_pf_level(const struct mg_model *);
void mg_check_pf_origin(const struct mg_model *, const struct mg_param *,
    char *, size_t);
void mg_check_pf_set_global(const struct mg_model *, struct mg_fix *,
    const char *, const char *);
void mg_check_pf_reload(const struct mg_model *, struct mg_fix *);

void mg_check_probe_plan(const struct mg_model *, const char *const *, size_t,
    struct mg_probe_plan *);
/* The network a client access table's key names (cidr, an address, or
 * Postfix's truncated "81.169"), as text into the buffer; 0 if none. */
int mg_check_key_net(const char *, char *, size_t);
void mg_check_probe(const struct mg_probe_battery *,
    const struct mg_probe_result *, size_t, const struct mg_probe_listener *,
    const char *, const char *, struct mg_report *);

/* A private or container network a trusted list holds, weighed with this
 * host's context (trust_private.c). */
struct mg_private_weight {
	enum mg_severity severity;
	const char *kind;	/* "RFC 1918 private", ... */
	int narrow;		/* the fix narrows it to this host's networks */
	char why[768];		/* evidence: what it grants, to how many */
};
int mg_check_private_weigh(const struct mg_model *, const struct mg_net *,
    struct mg_private_weight *);
void mg_check_private_narrowed(const struct mg_model *, const struct mg_net *,
    const char *, const char *, int, struct mg_str *);
void mg_check_net_inside(const struct mg_net *, struct mg_net *);
int mg_check_private_probe(const struct mg_model *, const struct mg_net *,
    char *, size_t);

void mg_check_pf_aliases(const struct mg_model *, struct mg_report *);
void mg_check_pf_auth(const struct mg_model *, struct mg_report *);
void mg_check_pf_smtpd(const struct mg_model *, struct mg_report *);
void mg_check_pf_tls(const struct mg_model *, struct mg_report *);
void mg_check_pf_mynetworks(const struct mg_model *, struct mg_report *);
void mg_check_pf_authorized(const struct mg_model *, struct mg_report *);
void mg_check_pf_relay(const struct mg_model *, struct mg_report *);
void mg_check_exim_acl(const struct mg_model *, struct mg_report *);
void mg_check_exim_aliases(const struct mg_model *, struct mg_report *);
void mg_check_exim_routers(const struct mg_model *, struct mg_report *);
void mg_check_exim_auth(const struct mg_model *, struct mg_report *);
void mg_check_exim_relay(const struct mg_model *, struct mg_report *);
void mg_check_queue_flood(const struct mg_model *, struct mg_report *);
void mg_check_queue_sasl(const struct mg_model *, struct mg_report *);

/* task submission (issue 19 item 6) */
void mg_check_pf_submission(const struct mg_model *, struct mg_report *);
/* logsec (issue 19 items 8, 9): DNSBLs through a public resolver
 * (check_dnsbl.c, check_pf_dnsbl.c, check_exim_dnsbl.c); a SASL login
 * used from many addresses, failed logins spread (check_log_sasl.c) */
struct mg_finding *mg_check_dnsbl_finding(const struct mg_resolv *,
    const struct mg_resolv *, struct mg_report *, const char *);
void mg_check_dnsbl_resolvers(const struct mg_resolv *, struct mg_finding *,
    const char *);
int mg_check_dnsbl_public(const char *, size_t);
size_t mg_check_pf_dnsbl_lists(const char *, struct mg_str *);
void mg_check_pf_dnsbl(const struct mg_model *, struct mg_report *);
void mg_check_exim_dnsbl(const struct mg_model *, struct mg_report *);
void mg_check_log_sasl(const struct mg_model *, struct mg_report *);
/* backscatter (issue 19 item 5): unknown recipients accepted at RCPT,
 * bounced later.  The proof's made-up local part and outside client. */
#define MG_BACKSCATTER_USER "mailguard-nosuchuser-q7x"
#define MG_BACKSCATTER_CLIENT "198.51.100.9"	/* TEST-NET-2 */
void mg_check_pf_local_agent(const struct mg_model *, char *, size_t);
void mg_check_pf_backscatter(const struct mg_model *, struct mg_report *);
void mg_check_exim_backscatter(const struct mg_model *, struct mg_report *);
/* task login (issue 19 item 1): logins that may send as anyone */
void mg_check_pf_sender(const struct mg_model *, struct mg_report *);
void mg_check_exim_sender(const struct mg_model *, struct mg_report *);
/* smuggle (issue 19 items 3+4): SMTP smuggling and vulnerable versions.
 * check_cve.c matches the model's version with the CVE table
 * (data/cves.tsv) and the package changelog's backports. */
struct mg_finding *mg_check_cve(const struct mg_model *, struct mg_report *,
    const char *, const char *, const char *, const char *, const char *,
    const char *);
int mg_check_cve_unchecked(const struct mg_model *);
int mg_check_cve_fixed_in(const struct mg_model *, const char *,
    const char *, char *, size_t);
void mg_check_pf_version(const struct mg_model *, struct mg_report *);
void mg_check_pf_smuggling(const struct mg_model *, struct mg_report *);
void mg_check_exim_version(const struct mg_model *, struct mg_report *);
void mg_check_exim_smuggling(const struct mg_model *, struct mg_report *);
/* ratelimit (issue 19 item 2): no limit per account */
void mg_check_pf_ratelimit(const struct mg_model *, struct mg_report *);
void mg_check_exim_ratelimit(const struct mg_model *, struct mg_report *);
/* task tls (issue 19 item 7): TLS floors and certificates */
#define MG_PF_TLS_INVALID 0x100u	/* a list Postfix rejects */
unsigned mg_check_pf_tls_old(const char *);
int mg_check_pf_seclevel(const char *);
unsigned mg_check_pf_lib_refuses(const char *, int);
void mg_check_pf_tls_floor(const struct mg_model *, struct mg_report *);
void mg_check_exim_tls(const struct mg_model *, struct mg_report *);
#define MG_CERT_SOON_DAYS 14
/* The domains the server receives mail for (probe_plan.c through each
 * MTA's planner): the names DNS is asked the MX hosts of. */
struct mg_mail_domains {
	char **v;
	size_t n, cap;
};
void mg_mail_domains(const struct mg_model *, struct mg_mail_domains *);
void mg_mail_domain_add(struct mg_mail_domains *, const char *, size_t);
void mg_mail_domains_free(struct mg_mail_domains *);
struct mg_cert_use {
	const char *mta;	/* "postfix", "exim": the finding ids' prefix */
	const char *param;	/* the setting naming the file */
	const char *path;	/* the certificate file */
	const char *file;	/* where the setting is, or NULL */
	unsigned line;
	const char *hosts[2];	/* the names the server announces */
	size_t nhosts;
	int key_files;		/* a list that may name key files: one
				 * without a certificate is no error */
	const struct mg_mxset *mx;	/* the model's MX hosts; NULL: DNS
					 * not asked */
	const struct mg_host *host;	/* this machine's addresses; NULL:
					 * not known */
};
void mg_check_cert(struct mg_report *, const struct mg_cert_use *, time_t);

#endif
