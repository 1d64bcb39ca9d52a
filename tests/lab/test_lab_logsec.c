/*
 * test_lab_logsec.c - issue 19 items 8 and 9 on real MTAs.  A stolen SASL
 * password: a lab Postfix with Cyrus sasldb (sasl-root) takes real AUTH
 * sessions as alice from 12 client addresses (XCLIENT ADDR=) and wrong
 * passwords for bob from 12 more; its own maillog_file holds the lines
 * the report reads.  Exim: the lab's exim -bS with -oMa/-oMai writes
 * "<=" lines with A= from 11 addresses into its mainlog.  DNSBLs through
 * a public resolver: postconf / exim -bP read the lists, the resolver
 * is a resolv.conf the test writes (--resolv-conf).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../core/mg_exec.h"
#include "../../core/mg_str.h"
#include "lab_util.h"

#define LAB "tests/lab/postfix/lab.sh"
#define EXLAB "tests/lab/exim/lab.sh"

/* write_file - text into path */
static void
write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	assert_non_null(fp);
	assert_true(fputs(text, fp) >= 0);
	assert_int_equal(fclose(fp), 0);
}

/* report_up - mailguard-tui [--resolv-conf RESOLV] [--resolved-upstream
 * UP] --postfix ETC or --exim CONF --exim-bin BIN report --json into out;
 * the exit status */
static int
report_up(const char *resolv, const char *up, const char *etc,
    const char *conf, const char *bin, struct mg_str *out)
{
	const char *argv[18];
	size_t n = 0;

	argv[n++] = "./mailguard-tui";
	argv[n++] = "--no-host-context";
	if (resolv != NULL) {
		argv[n++] = "--resolv-conf";
		argv[n++] = resolv;
	}
	if (up != NULL) {
		argv[n++] = "--resolved-upstream";
		argv[n++] = up;
	}
	if (etc != NULL) {
		argv[n++] = "--postfix";
		argv[n++] = etc;
	} else {
		argv[n++] = "--exim";
		argv[n++] = conf;
		argv[n++] = "--exim-bin";
		argv[n++] = bin;
	}
	argv[n++] = "report";
	argv[n++] = "--json";
	argv[n] = NULL;
	return (lab_capture(argv, out));
}

/* report - report_up without systemd-resolved's upstream file */
static int
report(const char *resolv, const char *etc, const char *conf,
    const char *bin, struct mg_str *out)
{
	return (report_up(resolv, NULL, etc, conf, bin, out));
}

/* report_lrc - mailguard-tui --no-host-context --resolv-conf RESOLV
 * [--local-resolver-conf LRC] --postfix ETC report --json into out */
static int
report_lrc(const char *resolv, const char *lrc, const char *etc,
    struct mg_str *out)
{
	const char *argv[12];
	size_t n = 0;

	argv[n++] = "./mailguard-tui";
	argv[n++] = "--no-host-context";
	argv[n++] = "--resolv-conf";
	argv[n++] = resolv;
	if (lrc != NULL) {
		argv[n++] = "--local-resolver-conf";
		argv[n++] = lrc;
	}
	argv[n++] = "--postfix";
	argv[n++] = etc;
	argv[n++] = "report";
	argv[n++] = "--json";
	argv[n] = NULL;
	return (lab_capture(argv, out));
}

/*
 * pf_dnsbl_local_resolver - resolv.conf names 127.0.0.1: an unbound
 * that forwards every name to Quad9 is the hole (its forward-addr line
 * the evidence; with CRLF line ends too), one resolving by itself is
 * local, one forwarding by name (forward-host) unknown (unread); bind9
 * with its braces on the next line forwarding to 1.1.1.1 is the hole,
 * a bind9 forwarding only a zone is local, one forwarding the root
 * zone "." to 8.8.8.8 (RHEL's named.conf) the hole; a dnsmasq without
 * server= (its resolv-file's; also in a file named otherwise), none
 * readable and none read (no host context) are unknown (unread),
 * Docker's 127.0.0.11 is unknown (unread), never a finding
 */
static void
pf_dnsbl_local_resolver(const char *dir, const char *etc)
{
	char loc[4096], unb[4096];
	struct mg_str out;

	(void)snprintf(loc, sizeof(loc), "%s/resolv-loopback.conf", dir);
	(void)snprintf(unb, sizeof(unb), "%s/unbound.conf", dir);
	write_file(loc, "search example.com\noptions edns0 trust-ad\n"
	    "nameserver 127.0.0.1\n");
	write_file(unb, "server:\n    interface: 127.0.0.1\n\nforward-zone:\n"
	    "    name: \".\"\n    forward-addr: 9.9.9.9\n");
	(void)report_lrc(loc, unb, etc, &out);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"postfix.dnsbl.public-resolver\") | .severity == \"high\" and "
	    "([.evidence[] | select(.line == 3 and (.text | test(\"nameserver "
	    "127.0.0.1 is a local resolver that forwards every name: it asks "
	    "the servers of .*unbound.conf\")))] | length == 1) and "
	    "([.evidence[] | select(.line == 6 and (.file | "
	    "endswith(\"unbound.conf\")) and (.text | test(\"nameserver "
	    "9.9.9.9 is Quad9\")))] | length == 1)", NULL), 0);
	mg_str_free(&out);
	write_file(unb, "server:\n    interface: 127.0.0.1\n");
	(void)report_lrc(loc, unb, etc, &out);
	assert_int_equal(lab_jq(out.data, "([.findings[] | select(.id == "
	    "\"postfix.dnsbl.public-resolver\")] | length == 0) and "
	    "([.unread[] | select(test(\"upstreams unknown\"))] | length == "
	    "0)", NULL), 0);
	mg_str_free(&out);
	/* CRLF line ends: the same forward-zone is read */
	write_file(unb, "server:\r\n    interface: 127.0.0.1\r\n\r\n"
	    "forward-zone:\r\n    name: \".\"\r\n    forward-addr: "
	    "8.8.8.8\r\n");
	(void)report_lrc(loc, unb, etc, &out);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"postfix.dnsbl.public-resolver\") | .severity == \"high\" and "
	    "([.evidence[] | select(.line == 6 and (.file | "
	    "endswith(\"unbound.conf\")) and (.text | test(\"nameserver "
	    "8.8.8.8 is Google\")))] | length == 1)", NULL), 0);
	mg_str_free(&out);
	/* a forward by name: unknown (unread), never local */
	write_file(unb, "server:\n    interface: 127.0.0.1\nforward-zone:\n"
	    "    name: \".\"\n    forward-host: dns.google\n");
	(void)report_lrc(loc, unb, etc, &out);
	assert_int_equal(lab_jq(out.data, "([.findings[] | select(.id == "
	    "\"postfix.dnsbl.public-resolver\")] | length == 0) and "
	    "([.unread[] | select(test(\"^resolver upstreams unknown: "
	    ".*resolv-loopback.conf:3 names 127.0.0.1, a local resolver "
	    "whose configuration does not tell who answers \\\\(the "
	    "resolver forwards every name to dns.google by name "
	    "\\\\(.*unbound.conf:5\\\\)\"))] | length == 1)", NULL), 0);
	mg_str_free(&out);
	/* bind9 with its braces on the next line: forwarders read */
	(void)snprintf(unb, sizeof(unb), "%s/named.conf.options", dir);
	write_file(unb, "options\n{\n\tdirectory \"/var/cache/bind\";\n"
	    "\tforwarders\n\t{\n\t\t1.1.1.1;\n\t};\n};\n");
	(void)report_lrc(loc, unb, etc, &out);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"postfix.dnsbl.public-resolver\") | .severity == \"high\" and "
	    "([.evidence[] | select(.line == 6 and (.file | "
	    "endswith(\"named.conf.options\")) and (.text | test(\"nameserver "
	    "1.1.1.1 is Cloudflare\")))] | length == 1)", NULL), 0);
	mg_str_free(&out);
	/* a zone's forwarders forward that zone only: it resolves the
	 * rest by itself, local */
	write_file(unb, "options\n{\n\tdirectory \"/var/cache/bind\";\n};\n"
	    "zone \"corp.example\" { type forward; forwarders { 8.8.8.8; }; "
	    "};\n");
	(void)report_lrc(loc, unb, etc, &out);
	assert_int_equal(lab_jq(out.data, "([.findings[] | select(.id == "
	    "\"postfix.dnsbl.public-resolver\")] | length == 0) and "
	    "([.unread[] | select(test(\"upstreams unknown\"))] | length == "
	    "0)", NULL), 0);
	mg_str_free(&out);
	/* RHEL's named.conf: options, then the root zone forwarded - every
	 * name goes to 8.8.8.8 */
	(void)snprintf(unb, sizeof(unb), "%s/named.conf", dir);
	write_file(unb, "options {\n\tdirectory \"/var/named\";\n};\n"
	    "zone \".\" IN {\n\ttype forward;\n\tforward only;\n"
	    "\tforwarders { 8.8.8.8; };\n};\n");
	(void)report_lrc(loc, unb, etc, &out);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"postfix.dnsbl.public-resolver\") | .severity == \"high\" and "
	    "([.evidence[] | select(.line == 7 and (.file | "
	    "endswith(\"named.conf\")) and (.text | test(\"nameserver "
	    "8.8.8.8 is Google\")))] | length == 1)", NULL), 0);
	mg_str_free(&out);
	/* dnsmasq never recurses: no server= means its resolv-file's */
	(void)snprintf(unb, sizeof(unb), "%s/dnsmasq.conf", dir);
	write_file(unb, "# server=8.8.8.8\nlisten-address=127.0.0.1\n"
	    "server=/corp.example/10.0.0.53\n");
	(void)report_lrc(loc, unb, etc, &out);
	assert_int_equal(lab_jq(out.data, "([.findings[] | select(.id == "
	    "\"postfix.dnsbl.public-resolver\")] | length == 0) and "
	    "([.unread[] | select(test(\"^resolver upstreams unknown: "
	    ".*resolv-loopback.conf:3 names 127.0.0.1, a local resolver "
	    "whose forwarders could not be read\"))] | length == 1)", NULL),
	    0);
	mg_str_free(&out);
	/* a dnsmasq file by another name is still dnsmasq's */
	(void)snprintf(unb, sizeof(unb), "%s/resolver.conf", dir);
	write_file(unb, "listen-address=127.0.0.1\nbind-interfaces\n");
	(void)report_lrc(loc, unb, etc, &out);
	assert_int_equal(lab_jq(out.data, "([.findings[] | select(.id == "
	    "\"postfix.dnsbl.public-resolver\")] | length == 0) and "
	    "([.unread[] | select(test(\"^resolver upstreams unknown: "
	    ".*resolv-loopback.conf:3 names 127.0.0.1, a local resolver "
	    "whose forwarders could not be read\"))] | length == 1)", NULL),
	    0);
	mg_str_free(&out);
	/* without the host context and no --local-resolver-conf: unknown */
	(void)report_lrc(loc, NULL, etc, &out);
	assert_int_equal(lab_jq(out.data, "([.findings[] | select(.id == "
	    "\"postfix.dnsbl.public-resolver\")] | length == 0) and "
	    "([.unread[] | select(test(\"^resolver upstreams unknown: "
	    ".*resolv-loopback.conf:3 names 127.0.0.1, a local resolver; its "
	    "forwarders are not read without the host context\"))] | "
	    "length == 1)", NULL), 0);
	mg_str_free(&out);
	(void)snprintf(unb, sizeof(unb), "%s/no-such-unbound.conf", dir);
	(void)report_lrc(loc, unb, etc, &out);
	assert_int_equal(lab_jq(out.data, "([.findings[] | select(.id == "
	    "\"postfix.dnsbl.public-resolver\")] | length == 0) and "
	    "([.unread[] | select(test(\"^resolver upstreams unknown: "
	    ".*resolv-loopback.conf:3 names 127.0.0.1, a local resolver\"))] "
	    "| length == 1)", NULL), 0);
	mg_str_free(&out);
	write_file(loc, "nameserver 127.0.0.11\noptions ndots:0\n");
	(void)report_lrc(loc, NULL, etc, &out);
	assert_int_equal(lab_jq(out.data, "([.findings[] | select(.id == "
	    "\"postfix.dnsbl.public-resolver\")] | length == 0) and "
	    "([.unread[] | select(test(\"^resolver upstreams unknown: "
	    ".*names 127.0.0.11, Docker's embedded DNS\"))] | length == 1)",
	    NULL), 0);
	mg_str_free(&out);
}

/* test_pf_stolen_login - real AUTH from many addresses, real failures */
static void
test_pf_stolen_login(void **state)
{
	const char *dir = lab_instance(LAB, "sasl-root", 1);
	char etc[4096], addr[64], auth[256], pass[128];
	const char *fill[] = { "fill", dir, "--xclient-addr", addr,
	    "--helo", "client.example", "--auth-plain", auth, "--from",
	    "alice@example.com", "--to", "bob@customer.example", "--count",
	    "1", NULL };
	struct mg_str out;
	int i;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	assert_int_equal(lab_sasl_pass(dir, "alice", pass, sizeof(pass)), 0);
	(void)snprintf(auth, sizeof(auth), "alice:%s", pass);
	for (i = 0; i < 12; i++) {
		(void)snprintf(addr, sizeof(addr), "%d.%d.7.%d", 23 + i * 9,
		    i * 13, i + 2);
		assert_int_equal(lab_script(LAB, fill), 0);
	}
	/* wrong passwords for bob: smtpd answers 535, mgsmtp fails */
	(void)snprintf(auth, sizeof(auth), "bob:not-his-password");
	for (i = 0; i < 12; i++) {
		(void)snprintf(addr, sizeof(addr), "%d.%d.9.%d", 24 + i * 9,
		    i * 7, i + 3);
		assert_int_not_equal(lab_script(LAB, fill), 0);
	}
	/* Postfix's own log says so: the lines the check reads */
	assert_true(lab_maillog_has(dir, "sasl_username=alice"));
	assert_true(lab_maillog_has(dir, "[122.143.7.13], sasl_method=PLAIN"));
	assert_true(lab_maillog_has(dir, "SASL PLAIN authentication failed"));
	assert_true(report(NULL, etc, NULL, NULL, &out) >= 1);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"sasl.login.many-addresses\")] | length == 1", NULL), 0);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"sasl.login.many-addresses\") | .area == \"sasl\" and "
	    "(.evidence[0].text | test(\"12 messages sent after logging in "
	    "as alice from 12 addresses in 12 networks\"))", NULL), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"sasl.login.many-addresses\") | .evidence[].text | "
	    "select(test(\"purge --sasl alice\"))] | length == 1", NULL), 0);
	/* Postfix 3.7 names the user of a failed login */
	assert_true(lab_maillog_has(dir, "failure, sasl_username=bob"));
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"sasl.login.failed-spread\") | .evidence[0].text | "
	    "test(\"12 failed logins as bob from 12 addresses\")", NULL), 0);
	mg_str_free(&out);
	lab_stop(LAB, dir);
}

/* fill_as - one message from addr after a real AUTH PLAIN as user with
 * password pass; lab.sh's exit status (0: accepted) */
static int
fill_as(const char *dir, const char *addr, const char *user,
    const char *pass)
{
	char auth[256];
	const char *fill[] = { "fill", dir, "--xclient-addr", addr,
	    "--helo", "client.example", "--auth-plain", auth, "--from",
	    "root@example.com", "--to", "victim@remote.test", "--count", "1",
	    NULL };

	(void)snprintf(auth, sizeof(auth), "%s:%s", user, pass);
	return (lab_script(LAB, fill));
}

/* test_pf_incident_in_one_place - root's stolen password used from 10
 * addresses: the finding is critical and links the disable fix the SASL
 * check proposes; fix --yes deletes root from the sasldb (a real AUTH as
 * root is refused, alice's still works), purge --sasl root (the command
 * the finding names) removes exactly its mail, rollback --yes restores
 * the sasldb byte for byte and root logs in again */
static void
test_pf_incident_in_one_place(void **state)
{
	const char *dir = lab_instance(LAB, "sasl-root", 1);
	char etc[4096], st[4200], db[4200], addr[64], root[128], alice[128];
	const char *apply[] = { "./mailguard-tui", "--postfix", etc, "--state",
	    st, "fix", "postfix.sasl.disable-system", "--yes", NULL };
	const char *purge[] = { "./mailguard-tui", "--postfix", etc,
	    "--state", st, "purge", "--sasl", "root", "--yes", NULL };
	const char *queue[] = { "./mailguard-tui", "--postfix", etc, "queue",
	    "--by", "sasl", "--json", NULL };
	const char *rollback[] = { "./mailguard-tui", "--postfix", etc,
	    "--state", st, "rollback", "1", "--yes", NULL };
	struct mg_str out, before, after;
	int i;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	(void)snprintf(db, sizeof(db), "%s/etc/sasldb2", dir);
	assert_int_equal(lab_sasl_pass(dir, "root", root, sizeof(root)), 0);
	assert_int_equal(lab_sasl_pass(dir, "alice", alice, sizeof(alice)),
	    0);
	for (i = 0; i < 10; i++) {
		(void)snprintf(addr, sizeof(addr), "%d.%d.3.%d", 31 + i * 17,
		    i * 5, i + 9);
		assert_int_equal(fill_as(dir, addr, "root", root), 0);
	}
	assert_int_equal(fill_as(dir, "192.0.2.10", "alice", alice), 0);
	lab_slurp(db, &before);
	(void)report(NULL, etc, NULL, NULL, &out);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"sasl.login.many-addresses\") | .severity == \"critical\" and "
	    ".fixes == [\"postfix.sasl.disable-system\"] and ([.evidence[] "
	    "| select(.text | test(\"10 messages sent after logging in as "
	    "root from 10 addresses\"))] | length == 1)", NULL), 0);
	mg_str_free(&out);
	if (lab_pf_tool(dir, apply, &out) != 0)
		fail_msg("fix: %s", out.data);
	assert_non_null(strstr(out.data, "applied"));
	mg_str_free(&out);
	/* Cyrus opens the sasldb per login: no reload needed */
	assert_int_not_equal(fill_as(dir, "203.0.113.99", "root", root), 0);
	assert_int_equal(fill_as(dir, "192.0.2.10", "alice", alice), 0);
	assert_int_equal(lab_capture(purge, &out), 0);
	mg_str_free(&out);
	assert_int_equal(lab_capture(queue, &out), 0);
	assert_int_equal(lab_jq(out.data, "([.groups[] | select(.key == "
	    "\"root\")] | length == 0) and ([.groups[] | select(.key == "
	    "\"alice\") | .count] == [2])", NULL), 0);
	mg_str_free(&out);
	assert_int_equal(lab_pf_tool(dir, rollback, &out), 0);
	mg_str_free(&out);
	lab_slurp(db, &after);
	assert_int_equal(before.len, after.len);
	assert_memory_equal(before.data, after.data, before.len);
	assert_int_equal(fill_as(dir, "203.0.113.99", "root", root), 0);
	mg_str_free(&before);
	mg_str_free(&after);
	lab_stop(LAB, dir);
}

/* test_pf_dnsbl - postconf's lists, a public or a local resolver */
static void
test_pf_dnsbl(void **state)
{
	const char *dir = lab_instance(LAB, "dnsbl-public", 0);
	char etc[4096], pub[4096], loc[4096], up[4096];
	struct mg_str out;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(pub, sizeof(pub), "%s/resolv-public.conf", dir);
	(void)snprintf(loc, sizeof(loc), "%s/resolv-local.conf", dir);
	write_file(pub, "search example.com\nnameserver 1.1.1.1\n"
	    "nameserver 8.8.8.8\n");
	write_file(loc, "nameserver 127.0.0.53\noptions edns0\n");
	(void)report(pub, etc, NULL, NULL, &out);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"postfix.dnsbl.public-resolver\") | .severity == \"high\" and "
	    ".area == \"smtpd\" and (.fixes // [] | length == 0)", NULL), 0);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"postfix.dnsbl.public-resolver\") | [.evidence[] | "
	    "select(.file != null and (.file | endswith(\"main.cf\")) and "
	    "(.text | test(\"reject_rbl_client zen.spamhaus.org\")))] | "
	    "length == 1", NULL), 0);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"postfix.dnsbl.public-resolver\") | [.evidence[] | "
	    "select(.file != null and (.file | endswith(\"master.cf\")) and "
	    "(.text | test(\"b.barracudacentral.org\")))] | length == 1",
	    NULL), 0);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"postfix.dnsbl.public-resolver\") | [.evidence[] | "
	    "select(.text | test(\"nameserver 1.1.1.1 is Cloudflare\"))] | "
	    "length == 1", NULL), 0);
	mg_str_free(&out);
	(void)report(loc, etc, NULL, NULL, &out);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"postfix.dnsbl.public-resolver\")] | length == 0", NULL), 0);
	mg_str_free(&out);
	/* a --resolv-conf that cannot be read is said under unread */
	(void)snprintf(loc, sizeof(loc), "%s/no-such-resolv.conf", dir);
	(void)report(loc, etc, NULL, NULL, &out);
	assert_int_equal(lab_jq(out.data, "[.unread[] | select(test("
	    "\"^resolver configuration not read: .*no-such-resolv.conf\"))] "
	    "| length == 1", NULL), 0);
	mg_str_free(&out);
	/* systemd-resolved's stub: judged by its upstream servers */
	(void)snprintf(loc, sizeof(loc), "%s/resolv-local.conf", dir);
	(void)report_up(loc, pub, etc, NULL, NULL, &out);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"postfix.dnsbl.public-resolver\") | .severity == \"high\" and "
	    "([.evidence[] | select(.line == 1 and (.file | "
	    "endswith(\"resolv-local.conf\")) and (.text | test(\"nameserver "
	    "127.0.0.53 is systemd-resolved's stub: it asks the servers "
	    "of .*resolv-public.conf\")))] | length == 1) and ([.evidence[] | "
	    "select(.line == 2 and (.file | endswith(\"resolv-public.conf\")) "
	    "and (.text | test(\"via the stub, nameserver 1.1.1.1 is "
	    "Cloudflare.* asked first\")))] | length == 1)", NULL), 0);
	mg_str_free(&out);
	/* its upstream file unreadable: unknown, under unread */
	(void)snprintf(up, sizeof(up), "%s/no-such-upstream.conf", dir);
	(void)report_up(loc, up, etc, NULL, NULL, &out);
	assert_int_equal(lab_jq(out.data, "([.findings[] | select(.id == "
	    "\"postfix.dnsbl.public-resolver\")] | length == 0) and "
	    "([.unread[] | select(test(\"^resolver upstreams unknown: "
	    ".*resolv-local.conf:1 names systemd-resolved's stub 127.0.0.53, "
	    "and its upstream servers are not read: "
	    ".*no-such-upstream.conf\"))] | length == 1)", NULL), 0);
	mg_str_free(&out);
	/* not given, without the host context: unknown too */
	(void)report(loc, etc, NULL, NULL, &out);
	assert_int_equal(lab_jq(out.data, "[.unread[] | select(test("
	    "\"^resolver upstreams unknown: .*resolv-local.conf:1 names "
	    "systemd-resolved's stub\"))] | length == 1", NULL), 0);
	mg_str_free(&out);
	/* no --resolv-conf and no host context: not judged */
	(void)report(NULL, etc, NULL, NULL, &out);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"postfix.dnsbl.public-resolver\")] | length == 0", NULL), 0);
	mg_str_free(&out);
	pf_dnsbl_local_resolver(dir, etc);
}

/*
 * test_pf_dnsbl_chroot - the lab's smtpd chrooted in master.cf reads the
 * queue directory's stale copy naming 8.8.8.8 while the host's names
 * 127.0.0.1: the finding, with the service postconf -M shows chrooted;
 * the copy fixed: none
 */
static void
test_pf_dnsbl_chroot(void **state)
{
	const char *dir = lab_instance(LAB, "dnsbl-chroot", 0);
	char etc[4096], loc[4096], copy[4096], port[32], svc[64];
	const char *argv[] = { "postconf", "-c", etc, "-M", svc, NULL };
	struct mg_exec_res res;
	struct mg_str out;
	char f[5][64];

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(loc, sizeof(loc), "%s/resolv-local.conf", dir);
	(void)snprintf(copy, sizeof(copy), "%s/spool/etc/resolv.conf", dir);
	(void)lab_port(dir, "port", port, sizeof(port));
	(void)snprintf(svc, sizeof(svc), "127.0.0.1:%s/inet", port);
	/* Postfix's own reading of master.cf: that service is chrooted */
	assert_int_equal(lab_run(&res, argv), 0);
	assert_int_equal(sscanf(mg_str_cstr(&res.out), "%63s %63s %63s %63s "
	    "%63s", f[0], f[1], f[2], f[3], f[4]), 5);
	assert_string_equal(f[4], "y");
	mg_exec_res_free(&res);
	write_file(loc, "nameserver 127.0.0.1\n");
	(void)report(loc, etc, NULL, NULL, &out);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"postfix.dnsbl.public-resolver\") | .severity == \"high\"",
	    NULL), 0);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"postfix.dnsbl.public-resolver\") | [.evidence[] | "
	    "select(.line == 2 and (.file | "
	    "endswith(\"spool/etc/resolv.conf\")) and (.text | "
	    "test(\"^chrooted 127.0.0.1:[0-9]+ \\\\(master.cf "
	    "chroot y\\\\): nameserver 8.8.8.8 is Google\")))] | length == 1",
	    NULL), 0);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"postfix.dnsbl.public-resolver\") | [.evidence[] | "
	    "select(.text | test(\"differs from .*resolv-local.conf: a stale "
	    "copy\"))] | length == 1", NULL), 0);
	/* the host's 127.0.0.1 is not what the chrooted smtpd asks */
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"postfix.dnsbl.public-resolver\") | [.evidence[] | "
	    "select(.text | test(\"127.0.0.1 is local\"))] | length == 0",
	    NULL), 0);
	mg_str_free(&out);
	/* the copy refreshed: the finding is gone */
	write_file(copy, "nameserver 127.0.0.1\n");
	(void)report(loc, etc, NULL, NULL, &out);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"postfix.dnsbl.public-resolver\")] | length == 0", NULL), 0);
	mg_str_free(&out);
	/* the copy unreadable: said under unread */
	assert_int_equal(unlink(copy), 0);
	(void)report(loc, etc, NULL, NULL, &out);
	assert_int_equal(lab_jq(out.data, "[.unread[] | select(test("
	    "\"^resolver configuration of chrooted services not read: "
	    ".*spool/etc/resolv.conf\"))] | length == 1", NULL), 0);
	mg_str_free(&out);
}

/* exim_bad_auth - an exim -bs session from addr with AUTH PLAIN as user
 * and a wrong password: Exim answers 535 and logs the failure */
static void
exim_bad_auth(const char *bin, const char *conf, const char *addr,
    const char *plain64)
{
	char oma[128], input[512];
	const char *argv[] = { bin, "-C", conf, "-bs", "-oMa", oma, NULL };
	struct mg_exec_req req;
	struct mg_exec_res res;
	struct mg_err err;

	(void)snprintf(oma, sizeof(oma), "%s.5555", addr);
	(void)snprintf(input, sizeof(input), "EHLO bot.example\r\nAUTH PLAIN "
	    "%s\r\nQUIT\r\n", plain64);
	memset(&req, 0, sizeof(req));
	req.argv = argv;
	req.input = input;
	req.input_len = strlen(input);
	assert_int_equal(mg_exec(&req, &res, &err), 0);
	assert_non_null(strstr(mg_str_cstr(&res.out), "535 Incorrect "
	    "authentication data"));
	mg_exec_res_free(&res);
}

/* dqs_conf - conf with its dnslists condition taken from the macro
 * DNSBLS = lists, written to path */
static void
dqs_conf(const char *conf, const char *path, const char *lists)
{
	struct mg_str text, w = MG_STR_INIT;
	const char *at;

	lab_slurp(conf, &text);
	at = strstr(text.data, "dnslists = zen.spamhaus.org");
	assert_non_null(at);
	mg_str_printf(&w, "DNSBLS = %s\n%.*sdnslists = DNSBLS%s", lists,
	    (int)(at - text.data), text.data,
	    at + strlen("dnslists = zen.spamhaus.org"));
	write_file(path, mg_str_cstr(&w));
	mg_str_free(&w);
	mg_str_free(&text);
}

/*
 * exim_dqs_macro - the lists in a macro, as Debian's templates and
 * cPanel keep them, expanded by the real Exim (-bP config): Spamhaus
 * DQS keys with Exim's comma list of return codes and a
 * /$sender_address_domain key answer through any resolver (no
 * finding); the public mirror of Barracuda beside them is the finding
 */
static void
exim_dqs_macro(const char *dir, const char *conf, const char *bin,
    const char *pub)
{
	char dqs[4096];
	struct mg_str out;

	(void)snprintf(dqs, sizeof(dqs), "%s/exim4-dqs.conf", dir);
	dqs_conf(conf, dqs, "k3y.zen.dq.spamhaus.net=127.0.0.2,127.0.0.3,"
	    "127.0.0.4 : k3y.dbl.dq.spamhaus.net/$sender_address_domain");
	(void)report(pub, NULL, dqs, bin, &out);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"exim.dnsbl.public-resolver\")] | length == 0", NULL), 0);
	mg_str_free(&out);
	dqs_conf(conf, dqs, "k3y.zen.dq.spamhaus.net=127.0.0.2,127.0.0.3 : "
	    "b.barracudacentral.org");
	assert_true(report(pub, NULL, dqs, bin, &out) >= 1);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"exim.dnsbl.public-resolver\") | [.evidence[] | select(.text | "
	    "test(\"dnslists = k3y.zen.dq.spamhaus.net=127.0.0.2,127.0.0.3 : "
	    "b.barracudacentral.org\"))] | length == 1", NULL), 0);
	mg_str_free(&out);
}

/* test_exim_stolen_login_and_dnsbl - Exim's own mainlog: carol's
 * messages from 11 addresses (exim -bS with -oMa, -oMai), bob's wrong
 * passwords from 12 (exim -bs); the RCPT ACL's dnslists with a public
 * or a local resolver */
static void
test_exim_stolen_login_and_dnsbl(void **state)
{
	const char *dir = lab_instance(EXLAB, "dnsbl-auth", 0);
	char bin[4096], conf[4096], addr[64], pub[4096], loc[4096];
	char mainlog[4096];
	const char *fill[] = { "fill", dir, "1", "--auth-id", "carol",
	    "--host-address", addr, "--sender", "carol@example.com",
	    "--rcpt", "x@remote.test", NULL };
	struct mg_str out, log;
	int i;

	(void)state;
	assert_int_equal(lab_exim_bin(bin, sizeof(bin)), 0);
	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	for (i = 0; i < 11; i++) {
		(void)snprintf(addr, sizeof(addr), "%d.%d.7.%d", 60 + i * 3,
		    i * 11, i + 2);
		assert_int_equal(lab_script(EXLAB, fill), 0);
	}
	for (i = 0; i < 12; i++) {
		(void)snprintf(addr, sizeof(addr), "%d.1.%d.9", 90 + i, i);
		/* "\0bob\0wrong" */
		exim_bad_auth(bin, conf, addr, "AGJvYgB3cm9uZw==");
	}
	(void)snprintf(mainlog, sizeof(mainlog), "%s/log/mainlog", dir);
	lab_slurp(mainlog, &log);
	assert_non_null(strstr(log.data, "H=[90.110.7.12] P=esmtpa "
	    "A=plain_server:carol"));
	assert_non_null(strstr(log.data, "plain_server authenticator failed "
	    "for (bot.example) [101.1.11.9]"));
	assert_non_null(strstr(log.data, "(set_id=bob)"));
	mg_str_free(&log);
	(void)snprintf(pub, sizeof(pub), "%s/resolv-public.conf", dir);
	(void)snprintf(loc, sizeof(loc), "%s/resolv-local.conf", dir);
	write_file(pub, "nameserver 9.9.9.9\n");
	write_file(loc, "nameserver 127.0.0.1\n");
	assert_true(report(pub, NULL, conf, bin, &out) >= 1);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"sasl.login.many-addresses\") | .evidence[0].text | test(\"11 "
	    "messages sent after logging in as carol from 11 addresses in "
	    "11 networks\")", NULL), 0);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"sasl.login.failed-spread\") | .evidence[0].text | test(\"12 "
	    "failed logins as bob from 12 addresses\")", NULL), 0);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"exim.dnsbl.public-resolver\") | .severity == \"high\" and "
	    "([.evidence[] | select(.line > 0 and (.text | test(\"dnslists "
	    "= zen.spamhaus.org\")))] | length == 1) and ([.evidence[] | "
	    "select(.text | test(\"nameserver 9.9.9.9 is Quad9\"))] | "
	    "length == 1)", NULL), 0);
	mg_str_free(&out);
	(void)report(loc, NULL, conf, bin, &out);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"exim.dnsbl.public-resolver\")] | length == 0", NULL), 0);
	mg_str_free(&out);
	/* systemd-resolved's stub with Quad9 upstream: the finding */
	write_file(loc, "nameserver 127.0.0.53\n");
	(void)report_up(loc, pub, NULL, conf, bin, &out);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"exim.dnsbl.public-resolver\") | .severity == \"high\" and "
	    "([.evidence[] | select(.text | test(\"via the stub, nameserver "
	    "9.9.9.9 is Quad9\"))] | length == 1)", NULL), 0);
	mg_str_free(&out);
	exim_dqs_macro(dir, conf, bin, pub);
}

/* set_mynetworks - postconf -e mynetworks = value in etc */
static void
set_mynetworks(const char *etc, const char *value)
{
	char arg[512];
	const char *argv[] = { "postconf", "-c", etc, "-e", arg, NULL };
	struct mg_exec_res res;

	(void)snprintf(arg, sizeof(arg), "mynetworks = %s", value);
	assert_int_equal(lab_run(&res, argv), 0);
	mg_exec_res_free(&res);
}

/* pf_auth_fill - one message from addr after a real AUTH PLAIN as user
 * (password pass; NULL: a wrong one); lab.sh's exit status */
static int
pf_auth_fill(const char *dir, const char *addr, const char *user,
    const char *pass)
{
	return (fill_as(dir, addr, user, pass != NULL ? pass :
	    "not-the-password"));
}

/*
 * test_pf_site_networks_and_pool - the real Postfix's log: alice from 12
 * web servers in a network mynetworks trusts and 3 RFC 1918 hosts is no
 * finding; mynetworks without that network, the 12 are counted (high,
 * the 3 said to be left out); then 10 new addresses of which 4 also log
 * in as bob and fail as carol within minutes: a proxy pool, critical
 */
static void
test_pf_site_networks_and_pool(void **state)
{
	const char *dir = lab_instance(LAB, "sasl-root", 1);
	const char *base = "127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128";
	char etc[4096], addr[64], nets[256], alice[128], bob[128];
	struct mg_str out;
	int i;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	assert_int_equal(lab_sasl_pass(dir, "alice", alice, sizeof(alice)),
	    0);
	assert_int_equal(lab_sasl_pass(dir, "bob", bob, sizeof(bob)), 0);
	(void)snprintf(nets, sizeof(nets), "%s 198.51.100.0/24", base);
	set_mynetworks(etc, nets);
	for (i = 0; i < 12; i++) {
		(void)snprintf(addr, sizeof(addr), "198.51.100.%d", i + 10);
		assert_int_equal(pf_auth_fill(dir, addr, "alice", alice), 0);
	}
	for (i = 0; i < 3; i++) {
		(void)snprintf(addr, sizeof(addr), "10.9.0.%d", i + 5);
		assert_int_equal(pf_auth_fill(dir, addr, "alice", alice), 0);
	}
	assert_true(lab_maillog_has(dir, "[198.51.100.21], "
	    "sasl_method=PLAIN, sasl_username=alice"));
	(void)report(NULL, etc, NULL, NULL, &out);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"sasl.login.many-addresses\")] | length == 0", NULL), 0);
	mg_str_free(&out);
	/* the web servers' network no longer the site's own */
	set_mynetworks(etc, base);
	(void)report(NULL, etc, NULL, NULL, &out);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"sasl.login.many-addresses\") | .severity == \"high\" and "
	    "(.evidence[0].text | test(\"12 messages sent after logging in "
	    "as alice from 12 addresses in 1 networks\")) and ([.evidence[] "
	    "| select(.text | test(\"^not counted: 3 messages from the "
	    "site's own networks \\\\(3 from private networks\"))] | "
	    "length == 1)", NULL), 0);
	mg_str_free(&out);
	/* a proxy pool: alice, bob and a guessed carol from 4 addresses */
	for (i = 0; i < 10; i++) {
		(void)snprintf(addr, sizeof(addr), "45.%d.77.%d", 130 + i,
		    i + 5);
		assert_int_equal(pf_auth_fill(dir, addr, "alice", alice), 0);
		if (i >= 4)
			continue;
		assert_int_equal(pf_auth_fill(dir, addr, "bob", bob), 0);
		assert_int_not_equal(pf_auth_fill(dir, addr, "carol", NULL),
		    0);
	}
	assert_true(lab_maillog_has(dir, "failure, sasl_username=carol"));
	(void)report(NULL, etc, NULL, NULL, &out);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"sasl.login.many-addresses\")] | length == 1", NULL), 0);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"sasl.login.many-addresses\") | .severity == \"critical\" and "
	    "(.evidence[0].text | test(\"as alice from 22 addresses\")) and "
	    "([.evidence[] | select(.text | test(\"^4 of the new addresses "
	    "were also used by other logins within a day \\\\(a proxy "
	    "pool\\\\): 45.130.77.5 by 2 other logins\"))] | length == 1) "
	    "and (.explanation | test(\"per-app credentials\"))", NULL), 0);
	mg_str_free(&out);
	lab_stop(LAB, dir);
}

/* shift_days - every line of the log at path written days earlier: the
 * real Exim's lines, as a log that goes back that far holds them */
static void
shift_days(const char *path, int days)
{
	struct mg_str log, out = MG_STR_INIT;
	time_t then = time(NULL) - (time_t)days * 86400;
	struct tm tm;
	char date[16];
	const char *p, *nl;

	assert_non_null(localtime_r(&then, &tm));
	assert_int_equal(strftime(date, sizeof(date), "%Y-%m-%d", &tm), 10);
	lab_slurp(path, &log);
	for (p = log.data; p != NULL && *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p) - 1;
		assert_true(nl - p > 10 && p[4] == '-' && p[10] == ' ');
		mg_str_puts(&out, date);
		mg_str_append(&out, p + 10, (size_t)(nl - p - 9));
	}
	write_file(path, mg_str_cstr(&out));
	mg_str_free(&log);
	mg_str_free(&out);
}

/*
 * test_exim_site_networks_and_history - the real Exim's mainlog: carol
 * from 12 hosts in a network relay_from_hosts lists is no finding; from
 * 12 public addresses ten days ago (the lines Exim wrote, dated back,
 * then the log rotated to mainlog.1) and again today in the new mainlog:
 * her usual places, a shared account, medium; then 12 addresses never
 * seen for her: critical
 */
static void
test_exim_site_networks_and_history(void **state)
{
	const char *dir = lab_instance(EXLAB, "dnsbl-auth", 0);
	char bin[4096], conf[4096], mainlog[4096], addr[64];
	char rotated[4200], want[4400];
	const char *fill[] = { "fill", dir, "1", "--auth-id", "carol",
	    "--host-address", addr, "--sender", "carol@example.com",
	    "--rcpt", "x@remote.test", NULL };
	static const char was[] = "relay_from_hosts = <; 127.0.0.1 ; ::1\n";
	struct mg_str cf, out = MG_STR_INIT;
	char *at;
	int i;

	(void)state;
	assert_int_equal(lab_exim_bin(bin, sizeof(bin)), 0);
	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	(void)snprintf(mainlog, sizeof(mainlog), "%s/log/mainlog", dir);
	lab_slurp(conf, &cf);
	assert_non_null(at = strstr(cf.data, was));
	mg_str_append(&out, cf.data, (size_t)(at - cf.data));
	mg_str_puts(&out, "relay_from_hosts = <; 127.0.0.1 ; ::1 ; "
	    "203.0.113.0/24\n");
	mg_str_puts(&out, at + strlen(was));
	write_file(conf, mg_str_cstr(&out));
	mg_str_free(&out);
	mg_str_free(&cf);
	for (i = 0; i < 12; i++) {
		(void)snprintf(addr, sizeof(addr), "203.0.113.%d", i + 1);
		assert_int_equal(lab_script(EXLAB, fill), 0);
	}
	(void)report(NULL, NULL, conf, bin, &out);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"sasl.login.many-addresses\")] | length == 0", NULL), 0);
	mg_str_free(&out);
	for (i = 0; i < 12; i++) {
		(void)snprintf(addr, sizeof(addr), "%d.%d.5.%d", 31 + i * 13,
		    7 + i * 5, 10 + i);
		assert_int_equal(lab_script(EXLAB, fill), 0);
	}
	/* ten days ago, and rotated since (logrotate's delaycompress):
	 * the next exim opens a new mainlog */
	shift_days(mainlog, 10);
	(void)snprintf(rotated, sizeof(rotated), "%s.1", mainlog);
	assert_int_equal(rename(mainlog, rotated), 0);
	for (i = 0; i < 12; i++) {
		(void)snprintf(addr, sizeof(addr), "%d.%d.5.%d", 31 + i * 13,
		    7 + i * 5, 10 + i);
		assert_int_equal(lab_script(EXLAB, fill), 0);
	}
	(void)report(NULL, NULL, conf, bin, &out);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"sasl.login.many-addresses\") | .severity == \"medium\" and "
	    "(.title | test(\"shared account\")) and ([.evidence[] | "
	    "select(.text | test(\"^12 of these 12 addresses \\\\(100%\\\\) "
	    "were used by carol before this window\"))] | length == 1)",
	    NULL), 0);
	(void)snprintf(want, sizeof(want), "[.findings[] | select(.id == "
	    "\"sasl.login.many-addresses\") | .evidence[].text | "
	    "select(contains(\"(this log and the rotated %s)\"))] | length "
	    "== 1", rotated);
	assert_int_equal(lab_jq(out.data, want, NULL), 0);
	mg_str_free(&out);
	for (i = 0; i < 12; i++) {
		(void)snprintf(addr, sizeof(addr), "%d.%d.9.%d", 101 + i * 11,
		    i * 19, i + 2);
		assert_int_equal(lab_script(EXLAB, fill), 0);
	}
	(void)report(NULL, NULL, conf, bin, &out);
	assert_int_equal(lab_jq(out.data, ".findings[] | select(.id == "
	    "\"sasl.login.many-addresses\") | .severity == \"critical\" and "
	    "([.evidence[] | select(.text | test(\"^only 12 of these 24 "
	    "addresses were used by carol before this window\"))] | "
	    "length == 1)", NULL), 0);
	mg_str_free(&out);
}

static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-logsec");
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pf_stolen_login),
		cmocka_unit_test(test_pf_incident_in_one_place),
		cmocka_unit_test(test_pf_dnsbl),
		cmocka_unit_test(test_pf_dnsbl_chroot),
		cmocka_unit_test(test_exim_stolen_login_and_dnsbl),
		cmocka_unit_test(test_pf_site_networks_and_pool),
		cmocka_unit_test(test_exim_site_networks_and_history),
	};
	const char *only = getenv("MG_LAB_ONLY");

	if (only != NULL)
		cmocka_set_test_filter(only);	/* one test while working */
	return (cmocka_run_group_tests_name("lab_logsec", tests, setup,
	    lab_teardown));
}
