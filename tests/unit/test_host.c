/* test_host.c - this machine's network context: interfaces, docker
 * bridges, docker-proxy and forwarding read from a /proc copy. */
#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../core/mg_host.h"
#include "mg_test.h"

/* put - dir/name holding text, directories made on the way */
static void
put(const char *dir, const char *name, const char *text)
{
	char path[4096], *p;
	FILE *fp;

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	for (p = path + strlen(dir) + 1; (p = strchr(p, '/')) != NULL; p++) {
		*p = '\0';
		(void)mkdir(path, 0700);
		*p = '/';
	}
	fp = fopen(path, "w");
	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
}

/* rm_tree - what put wrote under dir, then dir */
static void
rm_tree(const char *dir)
{
	static const char *const paths[] = { "77/comm", "77", "4242/comm",
	    "4242", "self/comm", "self", "sys/net/ipv4/ip_forward",
	    "sys/net/ipv4", "sys/net", "sys", NULL };
	char path[4096];
	size_t i;

	for (i = 0; paths[i] != NULL; i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", dir, paths[i]);
		if (unlink(path) < 0)
			(void)rmdir(path);
	}
	assert_int_equal(rmdir(dir), 0);
}

/* test_proc_docker_proxy - a docker-proxy among the processes, forwarding
 * on; other processes and non-numeric entries ignored */
static void
test_proc_docker_proxy(void **state)
{
	static const struct {
		const char *name, *comm_77, *comm_4242, *fwd;
		int proxy, forward;
		long pid;
	} cases[] = {
		{ "proxy runs", "bash\n", "docker-proxy\n", "1\n", 1, 1, 4242 },
		{ "no proxy", "bash\n", "dockerd\n", "0\n", 0, 0, 0 },
		{ "no forward file", "sshd\n", "postfix\n", NULL, 0, -1, 0 },
	};
	struct mg_host h;
	char dir[64];
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		(void)snprintf(dir, sizeof(dir), "/tmp/mg-test-host.XXXXXX");
		assert_non_null(mkdtemp(dir));
		put(dir, "77/comm", cases[i].comm_77);
		put(dir, "4242/comm", cases[i].comm_4242);
		put(dir, "self/comm", "docker-proxy\n");	/* not a pid */
		if (cases[i].fwd != NULL)
			put(dir, "sys/net/ipv4/ip_forward", cases[i].fwd);
		mg_host_init(&h);
		mg_host_read_proc(&h, dir);
		if (h.docker_proxy != cases[i].proxy ||
		    h.ip_forward != cases[i].forward ||
		    h.docker_proxy_pid != cases[i].pid)
			fail_msg("%s: proxy %d pid %ld forward %d",
			    cases[i].name, h.docker_proxy, h.docker_proxy_pid,
			    h.ip_forward);
		mg_host_free(&h);
		rm_tree(dir);
	}
}

/* test_interfaces - which interface's network holds a network; docker
 * bridges marked */
static void
test_interfaces(void **state)
{
	static const struct {
		const char *name, *addr;
	} ifs[] = {
		{ "lo", "127.0.0.1/8" },
		{ "eth0", "192.0.2.2/24" },
		{ "docker0", "172.17.0.1/16" },
		{ "br-3f1c2a9d7e01", "172.18.0.1/16" },
		{ "eth0", "fd00::2/64" },
	};
	static const struct {
		const char *net, *want;
	} cases[] = {
		{ "192.0.2.0/24", "eth0" },
		{ "192.0.2.7", "eth0" },
		{ "192.0.0.0/16", NULL },	/* wider than eth0's */
		{ "172.17.0.0/16", "docker0" },
		{ "172.18.5.0/24", "br-3f1c2a9d7e01" },
		{ "172.16.0.0/12", NULL },
		{ "10.0.0.0/8", NULL },
		{ "[fd00::]/64", "eth0" },
		{ "[fd00::]/8", NULL },
	};
	struct mg_host h;
	struct mg_net n;
	const struct mg_hostif *hi;
	size_t i;

	(void)state;
	mg_host_init(&h);
	assert_false(mg_host_docker(&h));
	for (i = 0; i < MG_NELEM(ifs); i++) {
		assert_int_equal(mg_net_parse(ifs[i].addr, &n, NULL), 0);
		mg_host_add_if(&h, ifs[i].name, &n);
	}
	assert_true(mg_host_docker(&h));
	assert_true(h.ifs[2].docker && h.ifs[3].docker && !h.ifs[1].docker);
	for (i = 0; i < MG_NELEM(cases); i++) {
		assert_int_equal(mg_net_parse(cases[i].net, &n, NULL), 0);
		hi = mg_host_if_holding(&h, &n);
		if ((hi == NULL) != (cases[i].want == NULL) || (hi != NULL &&
		    strcmp(hi->name, cases[i].want) != 0))
			fail_msg("%s: %s, want %s", cases[i].net,
			    hi != NULL ? hi->name : "none",
			    cases[i].want != NULL ? cases[i].want : "none");
	}
	mg_host_free(&h);
}

/* test_read_this_host - getifaddrs works here and lists loopback */
static void
test_read_this_host(void **state)
{
	struct mg_host h;
	struct mg_net lo;
	struct mg_err err;

	(void)state;
	assert_int_equal(mg_host_read(&h, "/proc", &err), 0);
	assert_int_equal(mg_net_parse("127.0.0.1", &lo, NULL), 0);
	assert_non_null(mg_host_if_holding(&h, &lo));
	mg_host_free(&h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_proc_docker_proxy),
		cmocka_unit_test(test_interfaces),
		cmocka_unit_test(test_read_this_host),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
