/*
 * test_lab_pf_proof.c - Postfix's verdict on a configuration that is not
 * running: a private instance made from the lab's config directory
 * (backends/postfix/pf_simulate.c) answers XCLIENT sessions exactly as the
 * lab instance itself does, queues nothing, and leaves nothing behind.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../backends/postfix/pf_simulate.h"
#include "../../core/mg_str.h"
#include "lab_util.h"

#define LAB "tests/lab/postfix/lab.sh"

/* ask - one probe's verdict code */
static int
ask(struct mg_pf_private *pp, const char *client, const char *from,
    const char *to)
{
	struct mg_probe p;
	struct mg_smtp_verdict v;
	struct mg_err err;

	memset(&p, 0, sizeof(p));
	p.client = (char *)client;
	p.sender = (char *)from;
	p.rcpt = (char *)to;
	if (mg_pf_private_ask(pp, &p, &v, &err) < 0)
		fail_msg("ask %s: %s", client, err.msg);
	(void)printf("    %s: %s MAIL FROM:<%s> RCPT TO:<%s> -> %d %s\n",
	    v.how, client, from, to, v.code, v.text);
	return (v.code);
}

/* proof_of - start a private instance from a lab scenario's etc */
static const char *
proof_of(const char *scenario, struct mg_pf_private *pp)
{
	const char *dir = lab_dir(LAB, scenario);
	const char *setup[] = { "setup", scenario, dir, NULL };
	char etc[4096];
	struct mg_err err;

	assert_int_equal(lab_script(LAB, setup), 0);
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	if (mg_pf_private_start(pp, etc, &err) < 0)
		fail_msg("start: %s", err.msg);
	(void)printf("    private Postfix for %s: %s socket %s (stands for "
	    "%s)\n", scenario, pp->root, pp->sock, pp->service);
	return (dir);
}

/*
 * stop_and_check - stopped, directory gone, nothing queued: smtpd opens
 * a queue file in incoming/ at the first accepted RCPT and its cleanup
 * removes it when the session ends without DATA, a moment after QUIT -
 * so incoming/ must become empty (bounded), never hold a message
 */
static void
stop_and_check(struct mg_pf_private *pp)
{
	char root[sizeof(pp->root)], path[sizeof(pp->root) + 64];
	const char *find[] = { "find", path, "-type", "f", NULL };
	struct mg_str out = MG_STR_INIT;
	struct stat st;
	int i;

	(void)snprintf(root, sizeof(root), "%s", pp->root);
	(void)snprintf(path, sizeof(path), "%s/spool/incoming", root);
	for (i = 0; i < lab_wait_s() * 10; i++) {
		mg_str_free(&out);
		assert_int_equal(lab_capture(find, &out), 0);
		if (out.len == 0)
			break;
		(void)usleep(100000);
	}
	assert_string_equal(mg_str_cstr(&out), "");	/* never DATA */
	mg_str_free(&out);
	mg_pf_private_stop(pp);
	assert_int_equal(stat(root, &st), -1);
}

/* test_mask_typo_and_whitelist - the private instance answers as the
 * lab's own: 451 to everyone under mask-typo's host bits; the sender
 * whitelist relays a forged example.com sender and nobody else */
static void
test_mask_typo_and_whitelist(void **state)
{
	struct mg_pf_private pp;

	(void)state;
	(void)proof_of("mask-typo", &pp);
	assert_int_equal(ask(&pp, "210.1.2.3", "", "victim@remote.test"),
	    451);
	stop_and_check(&pp);

	(void)proof_of("relay-in-recipient", &pp);
	assert_int_equal(ask(&pp, "198.51.100.9", "x@example.com",
	    "victim@remote.test"), 250);
	assert_int_equal(ask(&pp, "198.51.100.9", "x@other.test",
	    "victim@remote.test"), 554);
	assert_int_equal(ask(&pp, "198.51.100.9", "",
	    "postmaster@example.com"), 250);
	assert_int_equal(ask(&pp, "2001:db8::9", "x@other.test",
	    "victim@remote.test"), 554);
	stop_and_check(&pp);
}

/* ask_on - the verdict code of service's listener (NULL: the public
 * smtpd) to 198.51.100.9 logged in as login by XCLIENT, MAIL FROM:<from>
 * RCPT TO:<to>; -1 (err's text shown) if it could not be asked */
static int
ask_on(struct mg_pf_private *pp, const char *service, const char *login,
    const char *from, const char *to)
{
	struct mg_probe p;
	struct mg_smtp_verdict v;
	struct mg_err err;

	memset(&p, 0, sizeof(p));
	p.client = (char *)"198.51.100.9";
	p.login = (char *)login;
	p.sender = (char *)from;
	p.rcpt = (char *)to;
	p.service = (char *)service;
	if (mg_pf_private_ask(pp, &p, &v, &err) < 0) {
		(void)printf("    %s: %s\n", service, err.msg);
		return (-1);
	}
	(void)printf("    %s: as %s MAIL FROM:<%s> RCPT TO:<%s> -> %d %s\n",
	    v.how, login != NULL ? login : "(no login)", from, to, v.code,
	    v.text);
	return (v.code);
}

/*
 * test_listener_per_service - sasl-submission: the submission service
 * (Debian's template, AUTH and encrypt on it alone) gets a listener of
 * its own with its -o overrides, judged without TLS: a login relays
 * there (250) and not on port 25 (454, no AUTH there, so no login); a
 * service the instance does not have is refused, never asked elsewhere
 */
static void
test_listener_per_service(void **state)
{
	struct mg_pf_private pp;
	const char *dir;
	char sub[300], port[32], p25[300];

	(void)state;
	dir = proof_of("sasl-submission", &pp);
	(void)lab_port(dir, "submission_port", port, sizeof(port));
	(void)snprintf(sub, sizeof(sub), "127.0.0.1:%s/inet", port);
	(void)lab_port(dir, "port", port, sizeof(port));
	(void)snprintf(p25, sizeof(p25), "127.0.0.1:%s/inet", port);
	assert_string_equal(pp.service, p25);
	assert_int_equal(pp.nsvcs, 1);
	assert_string_equal(pp.svcs[0].service, sub);
	assert_int_equal(ask_on(&pp, sub, "alice", "bob@mail.example.com",
	    "someone@remote.test"), 250);
	assert_int_equal(ask_on(&pp, p25, "alice", "bob@mail.example.com",
	    "someone@remote.test"), 454);
	assert_int_equal(ask_on(&pp, NULL, "alice", "bob@mail.example.com",
	    "someone@remote.test"), 454);
	assert_int_equal(ask_on(&pp, "smtps/inet", "alice",
	    "bob@mail.example.com", "someone@remote.test"), -1);
	stop_and_check(&pp);
}

/* fake_dovecot - tests/lab/postfix/dovecot_auth.py serving sockets a and
 * b, started and listening (both sockets there); its pid */
static pid_t
fake_dovecot(const char *a, const char *b)
{
	char *const argv[] = { (char *)"python3",
	    (char *)"tests/lab/postfix/dovecot_auth.py", (char *)"postfix",
	    (char *)a, (char *)b, NULL };
	struct stat st;
	double end;
	pid_t pid;

	if ((pid = fork()) < 0)
		fail_msg("fork");
	if (pid == 0) {
		(void)execvp("python3", argv);
		_exit(127);
	}
	for (end = lab_now() + lab_wait_s(); (stat(a, &st) < 0 ||
	    stat(b, &st) < 0) && lab_now() < end;)
		lab_nap_ms(100);
	if (stat(a, &st) < 0 || stat(b, &st) < 0) {
		(void)kill(pid, SIGKILL);
		(void)waitpid(pid, NULL, 0);
		fail_msg("dovecot_auth.py did not listen on %s and %s", a, b);
	}
	return (pid);
}

/*
 * test_dovecot_socket_of_live_queue - sasl-dovecot: AUTH through Dovecot
 * at private/auth, relative to queue_directory (and the submission's own
 * -o smtpd_sasl_path=private/auth-submission).  The private instance's
 * queue is elsewhere; each of its listeners is pointed at the live
 * queue's socket, so its smtpd starts (without Dovecot's mechanisms it
 * dies: "no SASL authentication mechanisms") and a login relays on both
 */
static void
test_dovecot_socket_of_live_queue(void **state)
{
	const char *dir = lab_dir(LAB, "sasl-dovecot");
	const char *setup[] = { "setup", "sasl-dovecot", dir, NULL };
	char a[4200], b[4200], etc[PATH_MAX + 8], port[32], sub[300];
	char want[4400 + PATH_MAX];
	const char *pc[] = { "postconf", "-c", etc, "-P",
	    "mailguard-proof-1/unix/smtpd_sasl_path", NULL };
	struct mg_pf_private pp;
	struct mg_str out;
	struct mg_err err;
	pid_t pid;

	(void)state;
	assert_int_equal(lab_script(LAB, setup), 0);
	(void)snprintf(a, sizeof(a), "%s/spool/private/auth", dir);
	(void)snprintf(b, sizeof(b), "%s/spool/private/auth-submission", dir);
	pid = fake_dovecot(a, b);
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	if (mg_pf_private_start(&pp, etc, &err) < 0) {
		(void)kill(pid, SIGTERM);
		(void)waitpid(pid, NULL, 0);
		fail_msg("start: %s", err.msg);
	}
	(void)snprintf(etc, sizeof(etc), "%s", pp.etc);
	assert_int_equal(lab_capture(pc, &out), 0);
	(void)snprintf(want, sizeof(want), "mailguard-proof-1/unix/"
	    "smtpd_sasl_path = %s\n", b);
	assert_string_equal(out.data, want);
	mg_str_free(&out);
	(void)lab_port(dir, "submission_port", port, sizeof(port));
	(void)snprintf(sub, sizeof(sub), "127.0.0.1:%s/inet", port);
	assert_int_equal(ask_on(&pp, NULL, "alice", "bob@mail.example.com",
	    "someone@remote.test"), 250);
	assert_int_equal(ask_on(&pp, sub, "alice", "bob@mail.example.com",
	    "someone@remote.test"), 250);
	/* not logged in: refused on both, so the 250s are the logins' */
	assert_int_equal(ask_on(&pp, sub, NULL, "bob@mail.example.com",
	    "someone@remote.test"), 554);
	stop_and_check(&pp);
	(void)kill(pid, SIGTERM);
	assert_int_equal(waitpid(pid, NULL, 0), pid);
}

/* test_fatal_smtpd_said_at_once - a configuration whose smtpd refuses
 * to run (no restriction stops relaying, relay-level0 with permit_mynetworks
 * alone): the start fails as soon as smtpd's log says so, naming its
 * fatal error, and leaves nothing behind */
static void
test_fatal_smtpd_said_at_once(void **state)
{
	const char *dir = lab_dir(LAB, "relay-level0");
	const char *setup[] = { "setup", "relay-level0", dir, NULL };
	char etc[4096];
	const char *pc[] = { "postconf", "-c", etc, "-e",
	    "smtpd_recipient_restrictions = permit_mynetworks", NULL };
	struct mg_exec_res res;
	struct mg_pf_private pp;
	struct mg_err err;
	struct timespec t0, t1;

	(void)state;
	assert_int_equal(lab_script(LAB, setup), 0);
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	assert_int_equal(lab_run(&res, pc), 0);
	mg_exec_res_free(&res);
	(void)clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(mg_pf_private_start(&pp, etc, &err), -1);
	(void)clock_gettime(CLOCK_MONOTONIC, &t1);
	(void)printf("    after %ld s: %s\n", (long)(t1.tv_sec - t0.tv_sec),
	    err.msg);
	/* said from smtpd's log, not "did not answer within 15 s" */
	assert_non_null(strstr(err.msg, "its smtpd refuses to run with this "
	    "configuration: fatal: in parameter smtpd_relay_restrictions"));
	assert_string_equal(pp.root, "");
}

/* setup - private root */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-pfp");
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mask_typo_and_whitelist),
		cmocka_unit_test(test_fatal_smtpd_said_at_once),
		cmocka_unit_test(test_listener_per_service),
		cmocka_unit_test(test_dovecot_socket_of_live_queue),
	};

	return (cmocka_run_group_tests_name("lab_pf_proof", tests, setup,
	    lab_teardown));
}
