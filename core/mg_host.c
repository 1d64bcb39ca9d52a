/*
 * mg_host.c - the network context of the machine we run on, read once per
 * report: each interface's address and prefix (getifaddrs), which are
 * docker bridges (docker0, br-*: docker's default and user networks),
 * whether a docker-proxy process runs (docker's userland proxy, which
 * hands every client of a published port to the container from the
 * bridge's gateway address), and IPv4 forwarding.
 */
#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mg_host.h"
#include "mg_str.h"

#define PROC_SCAN_MAX 65536	/* /proc entries looked at, at most */

/* mg_host_init - an empty context */
void
mg_host_init(struct mg_host *h)
{
	memset(h, 0, sizeof(*h));
	h->ip_forward = -1;
}

/* mg_host_free - the interface list; h itself is the caller's */
void
mg_host_free(struct mg_host *h)
{
	if (h == NULL)
		return;
	free(h->ifs);
	mg_host_init(h);
}

/* docker_bridge - docker0 and docker's user-defined networks (br-ID) */
static int
docker_bridge(const char *name)
{
	return (strcmp(name, "docker0") == 0 || strncmp(name, "br-", 3) == 0);
}

/* mg_host_add_if - one interface address with its network's prefix */
void
mg_host_add_if(struct mg_host *h, const char *name, const struct mg_net *a)
{
	struct mg_hostif *i;

	i = MG_ARRAY_PUSH(h->ifs, h->nifs, h->ifs_cap);
	memset(i, 0, sizeof(*i));
	(void)snprintf(i->name, sizeof(i->name), "%s", name);
	i->addr = *a;
	i->docker = docker_bridge(name);
}

/* prefix_len - the prefix of a netmask; -1 if it is not contiguous */
static int
prefix_len(const unsigned char *mask, int bytes)
{
	int i, n = 0;

	for (i = 0; i < bytes * 8; i++) {
		if (mask[i / 8] & (0x80 >> (i % 8))) {
			if (n != i)
				return (-1);
			n++;
		}
	}
	return (n);
}

/* read_small - the first line of a small file (a /proc value) */
static int
read_small(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW |
	    O_NONBLOCK)) < 0)
		return (-1);
	n = read(fd, buf, size - 1);
	(void)close(fd);
	if (n < 0)
		return (-1);
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return (0);
}

/*
 * mg_host_read_proc - what /proc (or a test's copy at proc) says: IPv4
 * forwarding, and the first process named docker-proxy
 */
void
mg_host_read_proc(struct mg_host *h, const char *proc)
{
	char path[4096], buf[64];
	struct dirent *d;
	DIR *dir;
	size_t seen = 0;

	(void)snprintf(path, sizeof(path), "%s/sys/net/ipv4/ip_forward", proc);
	if (read_small(path, buf, sizeof(buf)) == 0)
		h->ip_forward = strcmp(buf, "1") == 0;
	if ((dir = opendir(proc)) == NULL)
		return;
	while ((d = readdir(dir)) != NULL && seen++ < PROC_SCAN_MAX) {
		if (!isdigit((unsigned char)d->d_name[0]) ||
		    strspn(d->d_name, "0123456789") != strlen(d->d_name) ||
		    strlen(d->d_name) > 10)
			continue;
		(void)snprintf(path, sizeof(path), "%s/%s/comm", proc,
		    d->d_name);
		if (read_small(path, buf, sizeof(buf)) == 0 &&
		    strcmp(buf, "docker-proxy") == 0) {
			h->docker_proxy = 1;
			h->docker_proxy_pid = strtol(d->d_name, NULL, 10);
			break;
		}
	}
	(void)closedir(dir);
}

/* mg_host_read - this machine's interfaces (getifaddrs) and what proc
 * shows ("/proc"); -1 if the interfaces cannot be listed */
int
mg_host_read(struct mg_host *h, const char *proc, struct mg_err *err)
{
	struct ifaddrs *ifa, *i;
	struct mg_net a;
	const unsigned char *addr, *mask;
	int bytes, plen;

	mg_host_init(h);
	if (getifaddrs(&ifa) < 0)
		return (mg_err_errno(err, "cannot list this host's "
		    "interfaces"));
	for (i = ifa; i != NULL; i = i->ifa_next) {
		if (i->ifa_addr == NULL || i->ifa_netmask == NULL)
			continue;
		memset(&a, 0, sizeof(a));
		if (i->ifa_addr->sa_family == AF_INET) {
			addr = (const unsigned char *)&((const struct
			    sockaddr_in *)(const void *)i->ifa_addr)->sin_addr;
			mask = (const unsigned char *)&((const struct
			    sockaddr_in *)(const void *)i->ifa_netmask)->
			    sin_addr;
			a.family = 4;
			bytes = 4;
		} else if (i->ifa_addr->sa_family == AF_INET6) {
			addr = (const unsigned char *)&((const struct
			    sockaddr_in6 *)(const void *)i->ifa_addr)->
			    sin6_addr;
			mask = (const unsigned char *)&((const struct
			    sockaddr_in6 *)(const void *)i->ifa_netmask)->
			    sin6_addr;
			a.family = 6;
			bytes = 16;
		} else
			continue;
		if ((plen = prefix_len(mask, bytes)) < 0)
			continue;
		memcpy(a.addr, addr, (size_t)bytes);
		a.prefix = plen;
		a.has_prefix = 1;
		mg_host_add_if(h, i->ifa_name, &a);
	}
	freeifaddrs(ifa);
	mg_host_read_proc(h, proc);
	return (0);
}

/* mg_host_if_holding - the first interface whose network holds all of
 * net; NULL if none */
const struct mg_hostif *
mg_host_if_holding(const struct mg_host *h, const struct mg_net *net)
{
	struct mg_net n;
	size_t i;

	if (h == NULL)
		return (NULL);
	for (i = 0; i < h->nifs; i++) {
		mg_net_mask(&h->ifs[i].addr, &n);
		if (mg_net_contains(&n, net))
			return (&h->ifs[i]);
	}
	return (NULL);
}

/* mg_host_docker - docker runs here: a bridge of its own exists */
int
mg_host_docker(const struct mg_host *h)
{
	size_t i;

	for (i = 0; h != NULL && i < h->nifs; i++)
		if (h->ifs[i].docker)
			return (1);
	return (0);
}
