/*
 * mg_probe.h - the relay probe: a battery of envelope tricks (every
 * variant of nmap's smtp-open-relay, a sender at each of the server's
 * own domains, and each sender, HELO and recipient the configuration
 * grants something to), run over SMTP up to RCPT and never further, and
 * judged so that acceptance of a local recipient is not called a relay
 * and a temporary failure of the server's own is not called a refusal.
 * Who asks is the caller's business: a TCP session (optionally speaking
 * as another client through XCLIENT), or an MTA's own simulator.
 */
#ifndef MG_PROBE_H
#define MG_PROBE_H

#include <stddef.h>

#include "mg_err.h"
#include "mg_str.h"

#define MG_PROBE_USER "mailguard-relaytest"
#define MG_PROBE_NOUSER "mailguard-nosuchuser-4711"
#define MG_PROBE_HELO "mailguard-probe.invalid"
#define MG_PROBE_FOREIGN "example.net"	/* default foreign domain */
#define MG_PROBE_ADDR_MAX 320

/* What domain the server sees in a recipient: a foreign one (acceptance
 * is a relay), or its own (acceptance proves nothing unless a made-up
 * local recipient of that same form is refused). */
enum mg_probe_via {
	MG_VIA_FOREIGN = 0,
	MG_VIA_LITERAL,		/* ...@[server IP] */
	MG_VIA_NAME,		/* ...@server.name */
	MG_VIA_BARE,		/* no domain: the server supplies its own */
	MG_VIA_N
};

struct mg_probe_test {
	char name[48];		/* "percent hack @[IP]" */
	char sender[MG_PROBE_ADDR_MAX];
	char rcpt[MG_PROBE_ADDR_MAX];
	char helo[MG_PROBE_ADDR_MAX];	/* EHLO for this test; "" the usual */
	int via;		/* enum mg_probe_via */
	int control;		/* a made-up local recipient, to compare */
	char entry[200];	/* the grant it tries: "check_sender_access
				 * hash:/etc/postfix/x: partner.example OK";
				 * "" for the battery's own tests */
	char file[256];		/* where that entry is written; "" none */
	unsigned line;
};

struct mg_probe_battery {
	struct mg_probe_test *v;
	size_t n, cap;
};

/* What the server answered one test; codes -1 when not asked. */
struct mg_probe_answer {
	int mail, rcpt;
	char text[160];		/* the deciding reply's first line */
	char err[160];		/* why it could not be asked; "" if it was */
};

enum mg_probe_verdict {
	MG_PV_UNKNOWN = 0,	/* no answer */
	MG_PV_REFUSED,
	MG_PV_RELAYED,		/* a foreign recipient accepted */
	MG_PV_LOCAL,		/* accepted, but so is a made-up local one */
	MG_PV_TEMPFAIL		/* refused for now: the server could not
				 * evaluate its own configuration (4.3.x) */
};

/* How to reach a listener. */
enum mg_probe_tls {
	MG_PROBE_PLAIN = 0,
	MG_PROBE_STARTTLS,	/* upgrade before the tests */
	MG_PROBE_IMPLICIT	/* TLS from the first byte (465) */
};

struct mg_probe_conn {
	const char *host;	/* name or literal (IPv6 in brackets) */
	const char *unix_path;	/* else this UNIX-domain socket; NULL: host */
	int port;
	int tls;		/* enum mg_probe_tls */
	int timeout_ms;
	const char *xclient;	/* speak as this client address; NULL: as
				 * ourselves */
	const char *xclient_name;	/* its host name; NULL: none */
	const char *xclient_login;	/* authenticated as this SASL login
					 * (XCLIENT LOGIN=); NULL: not */
};

/* What a listener advertises and answers, apart from relaying. */
struct mg_probe_listener {
	char peer[64];		/* the address connected to */
	int banner_code;
	char banner[256];
	char software[32];	/* "Postfix", named in the banner; "" none */
	char version[32];	/* a version number in the banner; "" none */
	int esmtp;		/* EHLO answered 250 */
	int implicit;		/* TLS from the first byte */
	int starttls;		/* STARTTLS advertised in the clear */
	int tls_ok;		/* TLS established (either way) */
	char tls_err[160];
	char auth_clear[128];	/* AUTH mechanisms offered unencrypted */
	char auth_tls[128];	/* and inside TLS */
	int xclient;		/* XCLIENT offered to us */
	int vrfy_known, vrfy_unknown;	/* VRFY postmaster / a made-up user */
	int expn;		/* EXPN postmaster */
	int vrfy_leaks;		/* VRFY tells users from non-users */
	int expn_leaks;		/* EXPN expands a list */
};

/* A client address to probe as, and why it was chosen. */
struct mg_probe_client {
	char addr[64];		/* "210.99.1.1" */
	char why[200];		/* "inside mynetworks 210.0.0.0/8" */
	char *file;		/* the trusted range's source; NULL none */
	unsigned line;
	int trusted;		/* inside a range the configuration trusts */
	int wide;		/* one of them holds > 256 public addresses */
};

/* What a grant entry lets a client write. */
enum mg_probe_grant_kind {
	MG_GRANT_SENDER = 0,	/* MAIL FROM */
	MG_GRANT_HELO,		/* EHLO */
	MG_GRANT_RCPT		/* RCPT TO */
};

/* A sender, HELO or recipient the configuration grants something to:
 * each becomes a test of the battery (mg_probe_battery_grants). */
struct mg_probe_grant {
	int kind;		/* enum mg_probe_grant_kind */
	char value[MG_PROBE_ADDR_MAX];	/* "postmaster@partner.example" */
	char entry[200];	/* as in struct mg_probe_test */
	char file[256];
	unsigned line;
};

/* What to probe with, from the configuration (checks/probe_plan.c). */
struct mg_probe_plan {
	struct mg_probe_client *v;
	size_t n, cap;
	char name[256];		/* the server's name */
	char **own;		/* its own domains */
	size_t nown, own_cap;
	struct mg_probe_grant *grants;
	size_t ngrants, grants_cap;
};

/* What became of one client. */
enum mg_probe_status {
	MG_PS_ERROR = 0,	/* could not be asked */
	MG_PS_CLOSED,		/* nothing relayed */
	MG_PS_TRUSTED,		/* relayed, as a narrow trusted range may */
	MG_PS_OPEN,		/* relayed for a stranger or a wide range */
	MG_PS_TEMPFAIL		/* nothing relayed, and tests were refused
				 * for now: the server cannot evaluate its
				 * configuration for this client */
};

struct mg_probe_result {
	struct mg_probe_client c;
	struct mg_probe_answer *a;	/* one per test of the battery */
	size_t relayed;			/* tests judged relayed */
	size_t tempfailed;		/* tests judged tempfail */
	int status;			/* enum mg_probe_status */
	char err[200];
};

void mg_probe_plan_init(struct mg_probe_plan *);
void mg_probe_plan_free(struct mg_probe_plan *);
struct mg_probe_client *mg_probe_plan_add(struct mg_probe_plan *,
    const char *, const char *, const char *, unsigned);
void mg_probe_plan_own(struct mg_probe_plan *, const char *, size_t);
struct mg_probe_grant *mg_probe_plan_grant(struct mg_probe_plan *, int,
    const char *, const char *, const char *, unsigned);
void mg_probe_battery_grants(struct mg_probe_battery *,
    const struct mg_probe_plan *, const char *);
int mg_probe_tempfail(int, const char *);
void mg_probe_result_judge(const struct mg_probe_battery *,
    struct mg_probe_result *);
const char *mg_probe_status_name(int);
const char *mg_probe_opened_by(const struct mg_probe_battery *,
    const struct mg_probe_result *, size_t);
void mg_probe_battery_init(struct mg_probe_battery *);
void mg_probe_battery_free(struct mg_probe_battery *);
void mg_probe_battery_build(struct mg_probe_battery *, const char *,
    const char *, const char *, const char *const *, size_t);
int mg_probe_accepted(int);
enum mg_probe_verdict mg_probe_judge(const struct mg_probe_battery *,
    const struct mg_probe_answer *, size_t);
const char *mg_probe_verdict_name(enum mg_probe_verdict);
int mg_probe_run(const struct mg_probe_conn *, const struct mg_probe_test *,
    size_t, struct mg_probe_answer *, struct mg_str *, struct mg_err *);
int mg_probe_survey(const struct mg_probe_conn *, struct mg_probe_listener *,
    struct mg_str *, struct mg_err *);
void mg_probe_banner_version(const char *, char *, size_t, char *, size_t);

#endif
