/*
 * test_lab_probe.c - the relay probe against real MTAs.  Postfix: the
 * wide-network scenario relays for addresses inside its /8s and not just
 * outside them; the sender whitelist relays for a stranger using an
 * example.com sender; the stock configuration relays for nobody; the same
 * verdicts come over XCLIENT from the running lab instance with --target;
 * STARTTLS and implicit TLS are surveyed; nothing is ever queued.  Exim:
 * exim -bh says the same for its wide-network typo and its stock config.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../core/mg_str.h"
#include "lab_util.h"

#define PF_LAB "tests/lab/postfix/lab.sh"
#define EXIM_LAB "tests/lab/exim/lab.sh"

static char exim_bin[4096];

/* started - a Postfix lab instance of scenario, running; its etc */
static const char *
started(const char *scenario, char *etc, size_t size)
{
	const char *dir = lab_dir(PF_LAB, scenario);
	const char *setup[] = { "setup", scenario, dir, NULL };
	const char *start[] = { "start", dir, NULL };

	assert_int_equal(lab_script(PF_LAB, setup), 0);
	assert_int_equal(lab_script(PF_LAB, start), 0);
	(void)snprintf(etc, size, "%s/etc", dir);
	return (dir);
}

/* lines - how many lines argv prints */
static size_t
lines(const char *const *argv)
{
	struct mg_str out;
	size_t n = 0;
	const char *p;

	assert_int_equal(lab_capture(argv, &out), 0);
	for (p = mg_str_cstr(&out); *p != '\0'; p++)
		n += *p == '\n';
	mg_str_free(&out);
	return (n);
}

/* queued - files in the instance's queue (incoming, active, deferred,
 * hold, maildrop): a probe must leave this at 0.  smtpd opens a queue
 * file in incoming/ at the first accepted RCPT and cleanup removes it a
 * moment after a session without DATA ends, so the count is asked again
 * (bounded) until it is 0; the last count */
static size_t queued_now(const char *);

static size_t
queued(const char *dir)
{
	size_t n = 0;
	int i;

	for (i = 0; i < lab_wait_s() * 10; i++) {
		if ((n = queued_now(dir)) == 0)
			break;
		(void)usleep(100000);
	}
	return (n);
}

/* queued_now - the files queued(): counts, once */
static size_t
queued_now(const char *dir)
{
	char q[4096];
	const char *find[] = { "find", q, "-type", "f", "-path", "*/incoming/*",
	    "-o", "-type", "f", "-path", "*/active/*", "-o", "-type", "f",
	    "-path", "*/deferred/*", "-o", "-type", "f", "-path", "*/hold/*",
	    "-o", "-type", "f", "-path", "*/maildrop/*", NULL };

	(void)snprintf(q, sizeof(q), "%s/spool", dir);
	return (lines(find));
}

/* probe - ./mailguard-tui --postfix ETC probe --json [more...]; exit code */
static int
probe(const char *etc, const char *a1, const char *a2, const char *a3,
    const char *a4, struct mg_str *out)
{
	const char *argv[] = { "./mailguard-tui", "--postfix", etc, "probe",
	    "--json", a1, a2, a3, a4, NULL };

	return (lab_capture(argv, out));
}

/* status_is - the client's status in the probe's JSON */
static void
status_is(const char *json, const char *client, const char *status)
{
	struct mg_str f = MG_STR_INIT;

	mg_str_printf(&f, ".clients[] | select(.client == \"%s\") | .status "
	    "== \"%s\"", client, status);
	if (lab_jq(json, mg_str_cstr(&f), NULL) != 0)
		fail_msg("client %s is not %s", client, status);
	(void)printf("    %s: %s\n", client, status);
	mg_str_free(&f);
}

/* test_wide_net_open - incident 4: open from inside the /8s only */
static void
test_wide_net_open(void **state)
{
	char etc[4096], port[4200], target[64];
	const char *dir = started("wide-net", etc, sizeof(etc));
	struct mg_str out, p;
	const char *cat[] = { "cat", port, NULL };

	(void)state;
	assert_int_equal(probe(etc, NULL, NULL, NULL, NULL, &out), 2);
	assert_int_equal(lab_jq(out.data, ".open_relay", NULL), 0);
	status_is(out.data, "210.99.1.1", "open");
	status_is(out.data, "218.99.1.1", "open");
	status_is(out.data, "211.0.0.1", "closed");
	status_is(out.data, "209.255.255.254", "closed");
	status_is(out.data, "203.0.113.50", "closed");
	status_is(out.data, "127.99.1.1", "trusted");
	status_is(out.data, "192.168.1.1", "trusted");
	/* the probe's verdict lands on the mynetworks finding too */
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"postfix.mynetworks.public\") | .evidence[] | "
	    "select(startswith(\"relay probe: \"))] | length > 0", NULL), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"probe.open-relay\" and .severity == \"critical\")] | length == "
	    "1", NULL), 0);
	mg_str_free(&out);

	/* the running instance itself, speaking as chosen clients */
	(void)snprintf(port, sizeof(port), "%s/port", dir);
	assert_int_equal(lab_capture(cat, &p), 0);
	(void)snprintf(target, sizeof(target), "127.0.0.1:%.*s",
	    (int)strcspn(p.data, "\n"), p.data);
	mg_str_free(&p);
	assert_int_equal(probe(etc, "--target", target, "--client",
	    "210.140.7.7", &out), 2);
	status_is(out.data, "210.140.7.7", "open");
	assert_int_equal(lab_jq(out.data, ".how | endswith(\"(XCLIENT)\")",
	    NULL), 0);
	mg_str_free(&out);
	assert_int_equal(probe(etc, "--target", target, "--client",
	    "198.51.100.9", &out), 1);	/* VRFY: a low finding */
	status_is(out.data, "198.51.100.9", "closed");
	mg_str_free(&out);
	assert_int_equal(queued(dir), 0);
}

/* test_sender_whitelist_open - incident 5: a stranger relays with a
 * forged example.com sender, and not with the null sender */
static void
test_sender_whitelist_open(void **state)
{
	char etc[4096];
	const char *dir = started("relay-in-recipient", etc, sizeof(etc));
	struct mg_str out;

	(void)state;
	assert_int_equal(probe(etc, NULL, NULL, NULL, NULL, &out), 2);
	status_is(out.data, "203.0.113.50", "open");
	assert_int_equal(lab_jq(out.data, ".clients[] | select(.client == "
	    "\"203.0.113.50\") | .answers[] | select(.test == \"sender "
	    "@example.com\") | .verdict == \"RELAYED\" and .rcpt == 250",
	    NULL), 0);
	assert_int_equal(lab_jq(out.data, ".clients[] | select(.client == "
	    "\"203.0.113.50\") | .answers[] | select(.test == \"null "
	    "sender\") | .verdict == \"refused\"", NULL), 0);
	mg_str_free(&out);
	assert_int_equal(queued(dir), 0);
}

/* test_stock_closed - nobody relays; STARTTLS works; implicit TLS on a
 * wrapper-mode listener added for the test */
static void
test_stock_closed(void **state)
{
	char etc[4096], svc[256], target[64];
	const char *dir = started("stock", etc, sizeof(etc));
	const char *reload[] = { "postfix", "-c", etc, "reload", NULL };
	const char *add[] = { "postconf", "-c", etc, "-M", svc, NULL };
	struct mg_exec_res res;
	struct mg_str out;
	double end;
	int rc, tls_port = 0, i;

	(void)state;
	rc = probe(etc, NULL, NULL, NULL, NULL, &out);
	assert_true(rc == 0 || rc == 1);
	assert_int_equal(lab_jq(out.data, ".open_relay == false", NULL), 0);
	assert_int_equal(lab_jq(out.data, "[.clients[] | select(.status == "
	    "\"open\" or .status == \"error\")] | length == 0", NULL), 0);
	status_is(out.data, "203.0.113.50", "closed");
	assert_int_equal(lab_jq(out.data, ".listener.starttls and "
	    ".listener.tls_works and .listener.auth_before_tls == \"\"",
	    NULL), 0);
	mg_str_free(&out);

	for (i = 0; i < 20 && tls_port == 0; i++) {
		tls_port = 20000 + (int)((unsigned)rand() % 40000);
		(void)snprintf(svc, sizeof(svc), "127.0.0.1:%d/inet = "
		    "127.0.0.1:%d inet n - n - - smtpd -o "
		    "smtpd_tls_wrappermode=yes", tls_port, tls_port);
	}
	assert_int_equal(lab_run(&res, add), 0);
	mg_exec_res_free(&res);
	assert_int_equal(lab_pf_run(dir, &res, reload), 0);
	mg_exec_res_free(&res);
	(void)snprintf(target, sizeof(target), "127.0.0.1:%d", tls_port);
	/* master opens the new listener as it takes the reload */
	for (end = lab_now() + lab_wait_s();; lab_nap_ms(100)) {
		rc = probe(etc, "--target", target, "--implicit-tls", NULL,
		    &out);
		if (rc != 3 || lab_now() > end)
			break;
		mg_str_free(&out);
	}
	assert_true(rc == 0 || rc == 1);
	assert_int_equal(lab_jq(out.data, ".listener.implicit_tls and "
	    ".listener.tls_works and (.listener.banner | "
	    "startswith(\"mail.example.com\"))", NULL), 0);
	/* from loopback this host is trusted: no verdict, not "open" */
	assert_int_equal(lab_jq(out.data, ".clients[0].status == "
	    "\"trusted\" and .open_relay == false", NULL), 0);
	mg_str_free(&out);

	/* a listener that takes mail only over TLS: asked over STARTTLS
	 * (its 530 is no verdict), as a stranger through XCLIENT */
	(void)snprintf(svc, sizeof(svc), "127.0.0.1:%d/inet = 127.0.0.1:%d "
	    "inet n - n - - smtpd -o smtpd_tls_security_level=encrypt",
	    tls_port + 1, tls_port + 1);
	assert_int_equal(lab_run(&res, add), 0);
	mg_exec_res_free(&res);
	assert_int_equal(lab_pf_run(dir, &res, reload), 0);
	mg_exec_res_free(&res);
	(void)snprintf(target, sizeof(target), "127.0.0.1:%d", tls_port + 1);
	for (end = lab_now() + lab_wait_s();; lab_nap_ms(100)) {
		rc = probe(etc, "--target", target, "--client",
		    "198.51.100.9", &out);
		if (rc != 3 || lab_now() > end)
			break;
		mg_str_free(&out);
	}
	assert_true(rc == 0 || rc == 1);
	status_is(out.data, "198.51.100.9", "closed");
	assert_int_equal(lab_jq(out.data, "[.clients[0].answers[] | "
	    "select(.mail == 530)] | length == 0", NULL), 0);
	assert_int_equal(lab_jq(out.data, ".clients[0].answers[] | "
	    "select(.test == \"null sender\") | .reply | "
	    "test(\"Relay access denied\")", NULL), 0);
	mg_str_free(&out);
	assert_int_equal(queued(dir), 0);
}

/* exim_probe - ./mailguard-tui --exim DIR/exim4.conf probe --json */
static int
exim_probe(const char *scenario, struct mg_str *out, const char **dirp)
{
	const char *dir = lab_dir(EXIM_LAB, scenario);
	const char *setup[] = { "setup", scenario, dir, NULL };
	char conf[4096];
	const char *argv[] = { "./mailguard-tui", "--exim", conf,
	    "--exim-bin", exim_bin, "probe", "--json", NULL };

	assert_int_equal(lab_script(EXIM_LAB, setup), 0);
	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	*dirp = dir;
	return (lab_capture(argv, out));
}

/* exim_queued - messages in the Exim lab spool */
static size_t
exim_queued(const char *dir)
{
	char q[4096];
	const char *find[] = { "find", q, "-type", "f", "-name", "*-H", NULL };

	(void)snprintf(q, sizeof(q), "%s/spool", dir);
	return (lines(find));
}

/* test_exim - exim -bh judges: the typo'd /8 relays, stock does not */
static void
test_exim(void **state)
{
	struct mg_str out;
	const char *dir;
	int rc;

	(void)state;
	assert_int_equal(exim_probe("relay-nets-typo", &out, &dir), 2);
	assert_int_equal(lab_jq(out.data, ".how == \"exim -bh\"", NULL), 0);
	status_is(out.data, "210.99.1.1", "open");
	status_is(out.data, "211.0.0.1", "closed");
	status_is(out.data, "203.0.113.50", "closed");
	mg_str_free(&out);
	assert_int_equal(exim_queued(dir), 0);

	rc = exim_probe("debian-stock-local", &out, &dir);
	assert_true(rc == 0 || rc == 1);
	assert_int_equal(lab_jq(out.data, ".open_relay == false", NULL), 0);
	status_is(out.data, "203.0.113.50", "closed");
	mg_str_free(&out);
	assert_int_equal(exim_queued(dir), 0);
}

/* test_exim_listener - the Exim daemon surveyed where its configuration
 * says it listens: Debian's banner shows the version, STARTTLS works */
static void
test_exim_listener(void **state)
{
	const char *dir = lab_dir(EXIM_LAB, "debian-stock-local");
	const char *setup[] = { "setup", "debian-stock-local", dir, NULL };
	const char *start[] = { "start", dir, NULL };
	char conf[4096];
	const char *argv[] = { "./mailguard-tui", "--exim", conf,
	    "--exim-bin", exim_bin, "probe", "--json", NULL };
	struct mg_str out;

	(void)state;
	assert_int_equal(lab_script(EXIM_LAB, setup), 0);
	assert_int_equal(lab_script(EXIM_LAB, start), 0);
	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	assert_int_equal(lab_capture(argv, &out), 1);	/* low findings */
	assert_int_equal(lab_jq(out.data, ".listener.software == \"Exim\" "
	    "and (.listener.version | test(\"^4\\\\.[0-9]+$\")) and "
	    ".listener.starttls and .listener.tls_works", NULL), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"probe.banner-version\")] | length == 1", NULL), 0);
	assert_int_equal(lab_jq(out.data, ".open_relay == false", NULL), 0);
	mg_str_free(&out);
	assert_int_equal(exim_queued(dir), 0);
}

/* setup - private root, and the lab's exim binary */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-probe");
	return (lab_exim_bin(exim_bin, sizeof(exim_bin)));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wide_net_open),
		cmocka_unit_test(test_sender_whitelist_open),
		cmocka_unit_test(test_stock_closed),
		cmocka_unit_test(test_exim),
		cmocka_unit_test(test_exim_listener),
	};

	return (cmocka_run_group_tests_name("lab_probe", tests, setup,
	    lab_teardown));
}
