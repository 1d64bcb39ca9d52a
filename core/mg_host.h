/* mg_host.h - this machine's network context: its interfaces' networks,
 * docker bridges, a running docker-proxy, IPv4 forwarding. */
#ifndef MG_HOST_H
#define MG_HOST_H

#include <stddef.h>

#include "mg_err.h"
#include "mg_net.h"

struct mg_hostif {
	char name[32];		/* "eth0", "docker0", "br-3f1c2a..." */
	struct mg_net addr;	/* its address with the network's prefix */
	int docker;		/* a docker bridge (docker0, br-*) */
};

struct mg_host {
	struct mg_hostif *ifs;
	size_t nifs, ifs_cap;
	int docker_proxy;	/* a docker-proxy process runs: clients of
				 * a published port arrive from the bridge
				 * gateway address */
	long docker_proxy_pid;
	int ip_forward;		/* /proc/sys/net/ipv4/ip_forward; -1 unknown */
};

void mg_host_init(struct mg_host *);
void mg_host_free(struct mg_host *);
int mg_host_read(struct mg_host *, const char *, struct mg_err *);
void mg_host_read_proc(struct mg_host *, const char *);
void mg_host_add_if(struct mg_host *, const char *, const struct mg_net *);
const struct mg_hostif *mg_host_if_holding(const struct mg_host *,
    const struct mg_net *);
int mg_host_docker(const struct mg_host *);

#endif
