/*
 * mg_resolv.h - the resolvers this host asks (resolv.conf's nameserver
 * lines), and which of them are public: the big DNS blocklists refuse
 * queries that come through public resolvers.
 */
#ifndef MG_RESOLV_H
#define MG_RESOLV_H

#include <stddef.h>

#include "mg_err.h"
#include "mg_net.h"
#include "mg_str.h"

#define MG_RESOLV_MAX 16	/* nameserver lines kept (glibc uses 3) */
#define MG_RESOLV_MAXNS 3	/* resolv.conf(5): the resolver library
				 * asks the first 3; later lines never */

struct mg_nameserver {
	char *text;		/* as written */
	struct mg_net addr;
	unsigned line;		/* 1-based */
	const char *public;	/* "Google Public DNS", "a public address";
				 * NULL: loopback or private */
};

/* systemd-resolved's stub listener: a resolv.conf naming it says nothing
 * about who answers; its upstream servers are in MG_RESOLV_UPSTREAM. */
#define MG_RESOLV_STUB "127.0.0.53"
#define MG_RESOLV_UPSTREAM "/run/systemd/resolve/resolv.conf"
#define MG_RESOLV_STUB_NAME "systemd-resolved's stub"
/* mg_resolv_public's answer for a global address that is no well-known
 * public resolver (it may be the site's own recursive resolver) */
#define MG_RESOLV_GLOBAL "a public address"
/* Docker's embedded DNS in a container on a user network: it forwards
 * to the Docker host's resolvers, which the container cannot read. */
#define MG_RESOLV_DOCKER "127.0.0.11"

struct mg_resolv {
	char *path;
	struct mg_nameserver ns[MG_RESOLV_MAX];
	size_t nns;
	size_t asked;		/* how many of ns are ever asked: MAXNS for
				 * a resolv.conf the resolver library reads;
				 * 0: all (a stub's or a local resolver's
				 * upstream servers) */
	size_t stub;		/* 1 + index of the nameserver that is
				 * systemd-resolved's stub, or a local
				 * resolver that forwards; 0: none */
	const char *stub_name;	/* "systemd-resolved's stub", "a local
				 * resolver forwarding to the servers of" */
	struct mg_resolv *upstream;	/* the stub's upstream servers (the
					 * resolver owns it); NULL: not read,
					 * the servers asked are unknown */
	char *byname;		/* mg_resolv_forwarders: the first host
				 * every name is forwarded to by name
				 * (unbound's forward-host), not resolved
				 * here; NULL: none */
	unsigned byname_line;
};

/* One configuration file of a local resolver, of a kind ("unbound",
 * "dnsmasq", "bind9"; NULL: one file named by the user, of any kind). */
struct mg_lr_file {
	const char *kind;
	const char *path;
	const char *text;
};

/* What the local resolver's configuration files say (mg_resolv_judge). */
enum mg_lr_verdict {
	MG_LR_UNREAD,		/* no file read, or none says how it
				 * resolves: unknown */
	MG_LR_LOCAL,		/* it resolves by itself */
	MG_LR_FORWARDS,		/* forwards every name to *fw's servers */
	MG_LR_UNKNOWN		/* unknown, *why says why: forwards by
				 * name only, or kinds that disagree */
};

void mg_resolv_free(struct mg_resolv *);
int mg_resolv_parse(struct mg_resolv *, const char *, const char *);
int mg_resolv_read(struct mg_resolv *, const char *, struct mg_err *);
size_t mg_resolv_forwarders(struct mg_resolv *, const char *, const char *);
int mg_resolv_recurses(const char *);
enum mg_lr_verdict mg_resolv_judge(const struct mg_lr_file *, size_t,
    struct mg_resolv **, struct mg_str *);
size_t mg_resolv_local(const struct mg_resolv *);
const char *mg_resolv_public(const struct mg_net *);
size_t mg_resolv_npublic(const struct mg_resolv *);
int mg_resolv_first_public(const struct mg_resolv *);
const char *mg_resolv_first_name(const struct mg_resolv *);
int mg_resolv_same(const struct mg_resolv *, const struct mg_resolv *);
int mg_resolv_asked(const struct mg_resolv *, size_t);

#endif
