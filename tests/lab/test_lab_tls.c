/*
 * test_lab_tls.c - TLS floors and certificates on real Postfix and Exim:
 * openssl s_client completes a TLS 1.1 handshake where the report says
 * the configuration allows it and is refused once the fix is applied;
 * the certificate the daemon presents after STARTTLS is the one the
 * report judged; rollback puts back every byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../core/mg_str.h"
#include "lab_util.h"

#define PFLAB "tests/lab/postfix/lab.sh"
#define EXLAB "tests/lab/exim/lab.sh"

/* handshake - openssl s_client -starttls smtp with one protocol version
 * ("-tls1_1"), the client's own security level at 0 so that only the
 * server decides; 1 if the session used that protocol.  out (if not
 * NULL) gets what s_client printed. */
static int
handshake(int port, const char *version, const char *want,
    struct mg_str *out)
{
	char connect[64], line[64];
	const char *argv[] = { "openssl", "s_client", "-connect", connect,
	    "-starttls", "smtp", version, "-cipher", "DEFAULT:@SECLEVEL=0",
	    "-showcerts", NULL };
	struct mg_exec_res res;
	int ok;

	(void)snprintf(connect, sizeof(connect), "127.0.0.1:%d", port);
	(void)snprintf(line, sizeof(line), "Protocol  : %s\n", want);
	(void)lab_run(&res, argv);
	/* a refused handshake prints the version tried, and no cipher */
	ok = strstr(mg_str_cstr(&res.out), line) != NULL &&
	    strstr(mg_str_cstr(&res.out), "Cipher is (NONE)") == NULL &&
	    strstr(mg_str_cstr(&res.out), ", Cipher is ") != NULL;
	(void)printf("    s_client %s to port %d: %s\n", version, port,
	    ok ? want : "refused");
	if (out != NULL) {
		*out = res.out;
		memset(&res.out, 0, sizeof(res.out));
	}
	mg_exec_res_free(&res);
	return (ok);
}

/* has - the report's findings hold ID with this severity */
static int
has(const char *json, const char *id, const char *sev)
{
	char q[256];

	(void)snprintf(q, sizeof(q), "[.findings[] | select(.id == \"%s\" "
	    "and .severity == \"%s\")] | length == 1", id, sev);
	return (lab_jq(json, q, NULL) == 0);
}

/* absent - the report has no finding of this id */
static int
absent(const char *json, const char *id)
{
	char q[256];

	(void)snprintf(q, sizeof(q), "[.findings[] | select(.id == \"%s\")] "
	    "| length == 0", id);
	return (lab_jq(json, q, NULL) == 0);
}

/* evidence_has - the finding's evidence holds text */
static int
evidence_has(const char *json, const char *id, const char *text)
{
	char q[512];

	(void)snprintf(q, sizeof(q), "[.findings[] | select(.id == \"%s\") "
	    "| .evidence[] | select(.text | contains(\"%s\"))] | length "
	    ">= 1", id, text);
	return (lab_jq(json, q, NULL) == 0);
}

/* fix - mailguard-tui fix ID --yes on the instance DIR (its etc and
 * state), back once Postfix took the reload it ran */
static void
fix(const char *dir, const char *etc, const char *st, const char *id)
{
	const char *argv[] = { "./mailguard-tui", "--postfix", etc, "--state",
	    st, "fix", id, "--yes", NULL };
	struct mg_str out;

	assert_int_equal(lab_pf_tool(dir, argv, &out), 0);
	(void)printf("%s", out.data);
	assert_true(lab_applied(out.data));
	mg_str_free(&out);
}

/* rollback - mailguard-tui rollback ENTRY --yes on the instance DIR,
 * back once Postfix took the reload it ran */
static void
rollback(const char *dir, const char *etc, const char *st,
    const char *entry)
{
	const char *argv[] = { "./mailguard-tui", "--postfix", etc, "--state",
	    st, "rollback", entry, "--yes", NULL };
	struct mg_str out;

	assert_int_equal(lab_pf_tool(dir, argv, &out), 0);
	mg_str_free(&out);
}

/* postconf_h - Postfix's own effective value of a parameter */
static void
postconf_h(const char *etc, const char *name, struct mg_str *out)
{
	const char *argv[] = { "postconf", "-c", etc, "-x", "-h", name,
	    NULL };

	assert_int_equal(lab_capture(argv, out), 0);
	while (out->len > 0 && out->data[out->len - 1] == '\n')
		out->data[--out->len] = '\0';
	(void)printf("    postconf -x %s: \"%s\"\n", name, out->data);
}

/* pf_cert - point smtpd_tls_cert_file/key_file at DIR/etc/ssl/NAME.pem
 * and .key, reload; the daemon then presents it after STARTTLS */
static void
pf_cert(const char *dir, int port, const char *name)
{
	char etc[4096], cert[4200], key[4200];
	const char *pc[] = { "postconf", "-c", etc, "-e", cert, key, NULL };
	const char *reload[] = { "postfix", "-c", etc, "reload", NULL };
	struct mg_exec_res res;
	struct mg_str out;

	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(cert, sizeof(cert), "smtpd_tls_cert_file=%s/ssl/%s.pem",
	    etc, name);
	(void)snprintf(key, sizeof(key), "smtpd_tls_key_file=%s/ssl/%s.key",
	    etc, name);
	assert_int_equal(lab_run(&res, pc), 0);
	mg_exec_res_free(&res);
	assert_int_equal(lab_pf_run(dir, &res, reload), 0);
	mg_exec_res_free(&res);
	(void)handshake(port, "-tls1_2", "TLSv1.2", &out);
	assert_non_null(strstr(out.data, "CN = mail.example.com"));
	mg_str_free(&out);
}

/* pf_short_lived - Let's Encrypt's 6-day certificates: a fresh one is
 * inside the 14 days but not in the last third of its life: no finding;
 * one with a day left is (lifetime and window in the evidence) */
static void
pf_short_lived(const char *dir, int port)
{
	struct mg_str out;

	pf_cert(dir, port, "short-fresh");
	(void)lab_pf_report(dir, &out);
	assert_true(absent(out.data, "postfix.tls.cert-expiry"));
	assert_true(absent(out.data, "postfix.tls.cert-name"));
	mg_str_free(&out);
	pf_cert(dir, port, "short-late");
	(void)lab_pf_report(dir, &out);
	assert_true(has(out.data, "postfix.tls.cert-expiry", "medium"));
	assert_true(evidence_has(out.data, "postfix.tls.cert-expiry",
	    "short-late.pem: the certificate expires on"));
	assert_true(evidence_has(out.data, "postfix.tls.cert-expiry",
	    "lifetime 6 days, reported in its last 2 days)"));
	assert_true(absent(out.data, "postfix.tls.cert-name"));
	mg_str_free(&out);
}

/* pf_chain_wins - the expiring certificate for another name left in
 * smtpd_tls_cert_file (as Debian's snakeoil line is left) beside
 * smtpd_tls_chain_files naming the fresh one: real Postfix presents the
 * chain's certificate, and the report judges that one alone: no
 * certificate finding */
static void
pf_chain_wins(const char *dir, int port)
{
	char etc[4096], cert[4200], key[4200], chain[8500];
	const char *pc[] = { "postconf", "-c", etc, "-e", cert, key, chain,
	    NULL };
	const char *reload[] = { "postfix", "-c", etc, "reload", NULL };
	struct mg_exec_res res;
	struct mg_str out;

	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(cert, sizeof(cert), "smtpd_tls_cert_file=%s/ssl/"
	    "tls-floor.pem", etc);
	(void)snprintf(key, sizeof(key), "smtpd_tls_key_file=%s/ssl/"
	    "tls-floor.key", etc);
	(void)snprintf(chain, sizeof(chain), "smtpd_tls_chain_files=%s/ssl/"
	    "short-fresh.key, %s/ssl/short-fresh.pem", etc, etc);
	assert_int_equal(lab_run(&res, pc), 0);
	mg_exec_res_free(&res);
	assert_int_equal(lab_pf_run(dir, &res, reload), 0);
	mg_exec_res_free(&res);
	(void)handshake(port, "-tls1_2", "TLSv1.2", &out);
	assert_non_null(strstr(out.data, "CN = mail.example.com"));
	assert_null(strstr(out.data, "CN = other.example.net"));
	mg_str_free(&out);
	(void)lab_pf_report(dir, &out);
	assert_true(absent(out.data, "postfix.tls.cert-expiry"));
	assert_true(absent(out.data, "postfix.tls.cert-name"));
	mg_str_free(&out);
}

/* pf_policy_relay - a smarthost: the lab's relayhost given "encrypt" in
 * smtp_tls_policy_maps (TLS_README's per-destination policy) while
 * smtp_tls_security_level stays empty: Postfix's own postmap -q answers
 * encrypt for the relay host, and outbound-none, there before, is gone
 * (everything leaves through that host) */
static void
pf_policy_relay(const char *dir)
{
	char etc[4096], table[4200], ref[4300], key[64], set[4400];
	char closed[32];
	const char *postmap[] = { "postmap", "-c", etc, ref, NULL };
	const char *query[] = { "postmap", "-c", etc, "-q", key, ref, NULL };
	const char *pc[] = { "postconf", "-c", etc, "-e", set, NULL };
	struct mg_exec_res res;
	struct mg_str out;
	FILE *fp;

	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(table, sizeof(table), "%s/tls_policy", etc);
	(void)snprintf(ref, sizeof(ref), "hash:%s", table);
	(void)snprintf(set, sizeof(set), "smtp_tls_policy_maps = %s", ref);
	(void)lab_port(dir, "closed_port", closed, sizeof(closed));
	(void)snprintf(key, sizeof(key), "[127.0.0.1]:%s", closed);
	(void)lab_pf_report(dir, &out);
	assert_true(has(out.data, "postfix.tls.outbound-none", "low"));
	mg_str_free(&out);
	fp = fopen(table, "w");
	assert_non_null(fp);
	(void)fprintf(fp, "%s encrypt\n", key);
	assert_int_equal(fclose(fp), 0);
	assert_int_equal(lab_run(&res, postmap), 0);
	mg_exec_res_free(&res);
	assert_int_equal(lab_run(&res, pc), 0);
	mg_exec_res_free(&res);
	assert_int_equal(lab_run(&res, query), 0);
	assert_string_equal(mg_str_cstr(&res.out), "encrypt\n");
	mg_exec_res_free(&res);
	(void)lab_pf_report(dir, &out);
	assert_true(absent(out.data, "postfix.tls.outbound-none"));
	mg_str_free(&out);
}

/* test_pf_floor_fixed_and_rolled_back - the submission service with
 * mandatory TLS completes TLS 1.1 with Postfix 3.7's default
 * >=TLSv1; the report says so (medium) and outbound none (low); the fixes
 * make Postfix refuse TLS 1.1 there (TLS 1.2 still works) and set
 * smtp_tls_security_level = may as postconf reads it; the certificate
 * findings name what the daemon presents; rollback is byte-identical */
static void
test_pf_floor_fixed_and_rolled_back(void **state)
{
	const char *dir = lab_instance(PFLAB, "tls-floor", 1);
	int sub = lab_port(dir, "sub_port", NULL, 0);
	char etc[4096], st[4200], maincf[4200], mastercf[4200];
	struct mg_str out, main0, master0, now, v;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)snprintf(st, sizeof(st), "%s/state", dir);
	(void)snprintf(maincf, sizeof(maincf), "%s/main.cf", etc);
	(void)snprintf(mastercf, sizeof(mastercf), "%s/master.cf", etc);
	lab_slurp(maincf, &main0);
	lab_slurp(mastercf, &master0);

	/* the MTA's own word: the default, and a TLS 1.1 session */
	postconf_h(etc, "smtpd_tls_mandatory_protocols", &v);
	assert_string_equal(v.data, ">=TLSv1");
	mg_str_free(&v);
	assert_true(handshake(sub, "-tls1_2", "TLSv1.2", NULL));
	assert_true(handshake(sub, "-tls1_1", "TLSv1.1", &out));
	/* the certificate the daemon presents is the one judged */
	assert_non_null(strstr(out.data, "CN = other.example.net"));
	mg_str_free(&out);

	assert_int_equal(lab_pf_report(dir, &out), 1);
	assert_true(has(out.data, "postfix.tls.old-protocols", "medium"));
	assert_true(has(out.data, "postfix.tls.outbound-none", "low"));
	assert_true(has(out.data, "postfix.tls.cert-expiry", "medium"));
	assert_true(has(out.data, "postfix.tls.cert-name", "medium"));
	assert_true(has(out.data, "postfix.tls.old-protocols-opportunistic",
	    "info"));
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"postfix.tls.old-protocols\") | .evidence[] | select(.text | "
	    "contains(\"allows TLSv1, TLSv1.1\"))] | length == 1", NULL), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"postfix.tls.cert-name\") | .evidence[] | select(.text | "
	    "contains(\"CN other.example.net, no subjectAltName; the "
	    "server announces mail.example.com\"))] | length == 1", NULL),
	    0);
	mg_str_free(&out);

	fix(dir, etc, st, "postfix.tls.mandatory-protocols");
	assert_false(handshake(sub, "-tls1_1", "TLSv1.1", NULL));
	assert_true(handshake(sub, "-tls1_2", "TLSv1.2", NULL));
	postconf_h(etc, "smtpd_tls_mandatory_protocols", &v);
	assert_string_equal(v.data, ">=TLSv1.2");
	mg_str_free(&v);
	fix(dir, etc, st, "postfix.tls.outbound-may");
	postconf_h(etc, "smtp_tls_security_level", &v);
	assert_string_equal(v.data, "may");
	mg_str_free(&v);
	(void)lab_pf_report(dir, &out);
	assert_int_equal(lab_jq(out.data, "[.findings[].id] | "
	    "(index(\"postfix.tls.old-protocols\") == null and "
	    "index(\"postfix.tls.outbound-none\") == null)", NULL), 0);
	/* certificates have no fix: still reported */
	assert_true(has(out.data, "postfix.tls.cert-expiry", "medium"));
	mg_str_free(&out);

	rollback(dir, etc, st, "2");
	rollback(dir, etc, st, "1");
	lab_slurp(maincf, &now);
	assert_string_equal(mg_str_cstr(&main0), mg_str_cstr(&now));
	mg_str_free(&now);
	lab_slurp(mastercf, &now);
	assert_string_equal(mg_str_cstr(&master0), mg_str_cstr(&now));
	mg_str_free(&now);
	assert_true(handshake(sub, "-tls1_1", "TLSv1.1", NULL));
	mg_str_free(&main0);
	mg_str_free(&master0);
	pf_short_lived(dir, sub);
	pf_chain_wins(dir, sub);
	pf_policy_relay(dir);
	lab_stop(PFLAB, dir);
}

/* pf_set_stopped - postconf -e SETTING on the stopped instance DIR */
static void
pf_set_stopped(const char *dir, const char *setting)
{
	char etc[4096];
	const char *pc[] = { "postconf", "-c", etc, "-e", setting, NULL };
	struct mg_exec_res res;

	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)printf("    postconf -e '%s'\n", setting);
	assert_int_equal(lab_run(&res, pc), 0);
	mg_exec_res_free(&res);
}

/* pf_set_service - postconf -P SERVICE/TYPE/NAME=VALUE on the instance
 * DIR (a -o line in master.cf), then postfix reload, back once taken */
static void
pf_set_service(const char *dir, const char *setting)
{
	char etc[4096];
	const char *pc[] = { "postconf", "-c", etc, "-P", setting, NULL };
	const char *reload[] = { "postfix", "-c", etc, "reload", NULL };
	struct mg_exec_res res;

	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)printf("    postconf -P '%s'\n", setting);
	assert_int_equal(lab_run(&res, pc), 0);
	mg_exec_res_free(&res);
	assert_int_equal(lab_pf_run(dir, &res, reload), 0);
	mg_exec_res_free(&res);
}

/* pf_set - postconf -e SETTING on the instance DIR, then postfix reload,
 * back once the reload is taken */
static void
pf_set(const char *dir, const char *setting)
{
	char etc[4096];
	const char *pc[] = { "postconf", "-c", etc, "-e", setting, NULL };
	const char *reload[] = { "postfix", "-c", etc, "reload", NULL };
	struct mg_exec_res res;

	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	(void)printf("    postconf -e '%s'\n", setting);
	assert_int_equal(lab_run(&res, pc), 0);
	mg_exec_res_free(&res);
	assert_int_equal(lab_pf_run(dir, &res, reload), 0);
	mg_exec_res_free(&res);
}

/* test_pf_floor_as_smtpd_negotiates - what decides TLS 1.0/1.1 on Debian
 * 12's OpenSSL 3 (default security level 2): Postfix runs smtpd at
 * level 0, so with its default cipher list real smtpd completes TLS 1.1
 * and the finding (its evidence: no @SECLEVEL) is true, also with
 * "@STRENGTH@SECLEVEL=1" (OpenSSL drops what follows an '@' command in
 * an item); ":@SECLEVEL=1" in
 * tls_medium_cipherlist makes smtpd refuse TLS 1.1 on both ports and
 * both floor findings go; names in lower case ("!tlsv1.1") are read by
 * smtpd as by the report; "!TLSv1.0" is no name: smtpd refuses even
 * TLS 1.2 and the report says protocols-invalid, not "allows TLSv1" */
static void
test_pf_floor_as_smtpd_negotiates(void **state)
{
	const char *dir = lab_instance(PFLAB, "tls-floor", 1);
	int sub = lab_port(dir, "sub_port", NULL, 0);
	int port = lab_port(dir, "port", NULL, 0);
	char etc[4096], cnf[4200], env[4400];
	const char *start[] = { "start", dir, NULL };
	struct mg_str out, v;
	FILE *fp;

	(void)state;
	(void)snprintf(etc, sizeof(etc), "%s/etc", dir);
	postconf_h(etc, "tls_medium_cipherlist", &v);
	assert_null(strstr(v.data, "@SECLEVEL"));
	mg_str_free(&v);
	/* a RHEL-style system policy (crypto-policies: MinProtocol
	 * TLSv1.2, @SECLEVEL=2) in the openssl.cnf smtpd's environment
	 * names: Postfix 3.7 still completes TLS 1.1 */
	(void)snprintf(cnf, sizeof(cnf), "%s/openssl.cnf", dir);
	fp = fopen(cnf, "w");
	assert_non_null(fp);
	(void)fprintf(fp, "openssl_conf = openssl_init\n[openssl_init]\n"
	    "ssl_conf = ssl_sect\n[ssl_sect]\nsystem_default = sys\n[sys]\n"
	    "MinProtocol = TLSv1.2\nCipherString = DEFAULT@SECLEVEL=2\n");
	assert_int_equal(fclose(fp), 0);
	(void)snprintf(env, sizeof(env), "import_environment = MAIL_CONFIG "
	    "MAIL_DEBUG MAIL_LOGTAG TZ LANG=C OPENSSL_CONF=%s", cnf);
	lab_stop(PFLAB, dir);
	pf_set_stopped(dir, env);
	assert_int_equal(lab_script(PFLAB, start), 0);
	assert_true(handshake(sub, "-tls1_1", "TLSv1.1", NULL));
	assert_true(handshake(port, "-tls1_1", "TLSv1.1", NULL));
	(void)lab_pf_report(dir, &out);
	assert_true(has(out.data, "postfix.tls.old-protocols", "medium"));
	assert_true(evidence_has(out.data, "postfix.tls.old-protocols",
	    "smtpd_tls_mandatory_ciphers = medium selects "
	    "tls_medium_cipherlist, which sets no @SECLEVEL: Postfix runs its "
	    "SMTP server at OpenSSL security level 0"));
	assert_true(has(out.data, "postfix.tls.old-protocols-opportunistic",
	    "info"));
	mg_str_free(&out);

	/* @SECLEVEL glued to @STRENGTH: OpenSSL throws it away (the rest
	 * of an item after an '@' command), smtpd stays at level 0 */
	pf_set(dir, "tls_medium_cipherlist = aNULL:-aNULL:HIGH:MEDIUM:+RC4:"
	    "@STRENGTH@SECLEVEL=1");
	assert_true(handshake(sub, "-tls1_1", "TLSv1.1", NULL));
	(void)lab_pf_report(dir, &out);
	assert_true(has(out.data, "postfix.tls.old-protocols", "medium"));
	mg_str_free(&out);

	/* the level raised in the cipher list: the library refuses */
	pf_set(dir, "tls_medium_cipherlist = aNULL:-aNULL:HIGH:MEDIUM:+RC4:"
	    "@STRENGTH:@SECLEVEL=1");
	assert_false(handshake(sub, "-tls1_1", "TLSv1.1", NULL));
	assert_false(handshake(sub, "-tls1", "TLSv1", NULL));
	assert_true(handshake(sub, "-tls1_2", "TLSv1.2", NULL));
	assert_false(handshake(port, "-tls1_1", "TLSv1.1", NULL));
	(void)lab_pf_report(dir, &out);
	assert_true(absent(out.data, "postfix.tls.old-protocols"));
	assert_true(absent(out.data,
	    "postfix.tls.old-protocols-opportunistic"));
	mg_str_free(&out);

	/* names in lower case: smtpd excludes them, so does the report */
	pf_set(dir, "tls_medium_cipherlist = aNULL:-aNULL:HIGH:MEDIUM:+RC4:"
	    "@STRENGTH");
	assert_true(handshake(sub, "-tls1_1", "TLSv1.1", NULL));
	pf_set(dir, "smtpd_tls_mandatory_protocols = !sslv2, !sslv3, !tlsv1, "
	    "!tlsv1.1");
	assert_false(handshake(sub, "-tls1_1", "TLSv1.1", NULL));
	assert_true(handshake(sub, "-tls1_2", "TLSv1.2", NULL));
	(void)lab_pf_report(dir, &out);
	assert_true(absent(out.data, "postfix.tls.old-protocols"));
	mg_str_free(&out);

	/* a name Postfix does not know: no TLS at all on the service */
	pf_set(dir, "smtpd_tls_mandatory_protocols = !SSLv2, !SSLv3, "
	    "!TLSv1.0");
	assert_false(handshake(sub, "-tls1_2", "TLSv1.2", NULL));
	assert_true(lab_maillog_has(dir, "Invalid TLS protocol list"));
	(void)lab_pf_report(dir, &out);
	assert_true(absent(out.data, "postfix.tls.old-protocols"));
	assert_true(has(out.data, "postfix.tls.protocols-invalid", "high"));
	assert_true(evidence_has(out.data, "postfix.tls.protocols-invalid",
	    "service 127.0.0.1:"));
	mg_str_free(&out);

	/* a client certificate required there: Postfix sets level 1 for
	 * the session, OpenSSL 3 refuses TLS 1.1, the report agrees */
	pf_set(dir, "smtpd_tls_mandatory_protocols = >=TLSv1");
	assert_true(handshake(sub, "-tls1_1", "TLSv1.1", NULL));
	(void)snprintf(env, sizeof(env), "127.0.0.1:%d/inet/"
	    "smtpd_tls_req_ccert=yes", sub);
	pf_set_service(dir, env);
	assert_false(handshake(sub, "-tls1_1", "TLSv1.1", NULL));
	assert_true(handshake(sub, "-tls1_2", "TLSv1.2", NULL));
	(void)lab_pf_report(dir, &out);
	assert_true(absent(out.data, "postfix.tls.old-protocols"));
	mg_str_free(&out);
	lab_stop(PFLAB, dir);
}

/* exim_cert - tls_certificate/tls_privatekey at DIR/etc/exim4/NAME.crt
 * and .key, the stopped instance started on it (and left running); the
 * certificate presented after STARTTLS is for mail.example.com */
static void
exim_cert(const char *dir, int port, const char *name)
{
	char conf[4096], crt[4400], key[4400];
	const char *sed[] = { "sed", "-i", "-e", crt, "-e", key, conf, NULL };
	const char *start[] = { "start", dir, NULL };
	struct mg_exec_res res;
	struct mg_str out;

	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	(void)snprintf(crt, sizeof(crt), "s|^tls_certificate = .*|"
	    "tls_certificate = %s/etc/exim4/%s.crt|", dir, name);
	(void)snprintf(key, sizeof(key), "s|^tls_privatekey = .*|"
	    "tls_privatekey = %s/etc/exim4/%s.key|", dir, name);
	assert_int_equal(lab_run(&res, sed), 0);
	mg_exec_res_free(&res);
	assert_int_equal(lab_script(EXLAB, start), 0);
	(void)handshake(port, "-tls1_2", "TLSv1.2", &out);
	assert_non_null(strstr(out.data, "CN = mail.example.com"));
	mg_str_free(&out);
}

/* test_exim_cert_and_floor - the Exim daemon presents the certificate for
 * other.example.net that expires within a day, and completes TLS 1.0
 * and 1.1 with tls_require_ciphers unset; the report says all three;
 * with the floor the finding names for the library exim -bV names
 * (GnuTLS), Exim refuses both and the report drops
 * exim.tls.old-protocols */
static void
test_exim_cert_and_floor(void **state)
{
	char bin[4096], conf[4096];
	const char *sed[] = { "sed", "-i", "/^tls_privatekey/a "
	    "tls_require_ciphers = NORMAL:-VERS-TLS1.0:-VERS-TLS1.1", conf,
	    NULL };
	const char *lower[] = { "sed", "-i", "s/^tls_require_ciphers = .*/"
	    "tls_require_ciphers = normal:-vers-tls1.0:-vers-tls1.1/", conf,
	    NULL };
	const char *start[] = { "start", NULL, NULL };
	struct mg_exec_res res;
	const char *dir;
	struct mg_str out;
	int port;

	(void)state;
	if (lab_exim_bin(bin, sizeof(bin)) < 0)
		fail_msg("no lab exim (make lab-tools)");
	dir = lab_instance(EXLAB, "tls-cert", 1);
	port = lab_port(dir, "port", NULL, 0);
	assert_true(handshake(port, "-tls1_1", "TLSv1.1", &out));
	assert_non_null(strstr(out.data, "CN = other.example.net"));
	mg_str_free(&out);
	assert_true(handshake(port, "-tls1", "TLSv1", NULL));

	assert_int_equal(lab_ex_report(dir, bin, &out), 1);
	assert_true(has(out.data, "exim.tls.cert-expiry", "medium"));
	assert_true(has(out.data, "exim.tls.cert-name", "medium"));
	assert_true(has(out.data, "exim.tls.old-protocols", "low"));
	/* the lab's Exim is Debian's, on GnuTLS: exim -bV says so, and the
	 * finding names the setting of that library */
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"exim.tls.old-protocols\") | .evidence[].text | select("
	    "startswith(\"exim -bV: built with GnuTLS - the floor is set "
	    "there by tls_require_ciphers\"))] | length == 1", NULL), 0);
	assert_int_equal(lab_jq(out.data, "[.findings[] | select(.id == "
	    "\"exim.tls.cert-expiry\") | .evidence[] | select((.file | "
	    "endswith(\"exim4.conf\")) and (.text | contains(\"within a "
	    "day\")))] | length == 1", NULL), 0);
	mg_str_free(&out);
	lab_stop(EXLAB, dir);

	/* the floor the finding tells GnuTLS builds to set: real Exim then
	 * refuses TLS 1.1 and 1.0, keeps 1.2, and the finding is gone */
	(void)snprintf(conf, sizeof(conf), "%s/exim4.conf", dir);
	assert_int_equal(lab_run(&res, sed), 0);
	mg_exec_res_free(&res);
	start[1] = dir;
	assert_int_equal(lab_script(EXLAB, start), 0);
	assert_false(handshake(port, "-tls1_1", "TLSv1.1", NULL));
	assert_false(handshake(port, "-tls1", "TLSv1", NULL));
	assert_true(handshake(port, "-tls1_2", "TLSv1.2", NULL));
	(void)lab_ex_report(dir, bin, &out);
	assert_int_equal(lab_jq(out.data, "[.findings[].id] | "
	    "index(\"exim.tls.old-protocols\") == null", NULL), 0);
	mg_str_free(&out);
	lab_stop(EXLAB, dir);

	/* the same floor in lower case: GnuTLS reads it alike (TLS 1.1
	 * refused, 1.2 kept: the string is valid), so does the report */
	assert_int_equal(lab_run(&res, lower), 0);
	mg_exec_res_free(&res);
	assert_int_equal(lab_script(EXLAB, start), 0);
	assert_false(handshake(port, "-tls1_1", "TLSv1.1", NULL));
	assert_true(handshake(port, "-tls1_2", "TLSv1.2", NULL));
	(void)lab_ex_report(dir, bin, &out);
	assert_true(absent(out.data, "exim.tls.old-protocols"));
	mg_str_free(&out);
	lab_stop(EXLAB, dir);

	/* Let's Encrypt's 6-day certificates: fresh, no finding; a day
	 * left, cert-expiry; the daemon presents each */
	exim_cert(dir, port, "short-fresh");
	(void)lab_ex_report(dir, bin, &out);
	assert_true(absent(out.data, "exim.tls.cert-expiry"));
	assert_true(absent(out.data, "exim.tls.cert-name"));
	mg_str_free(&out);
	lab_stop(EXLAB, dir);
	exim_cert(dir, port, "short-late");
	(void)lab_ex_report(dir, bin, &out);
	assert_true(has(out.data, "exim.tls.cert-expiry", "medium"));
	assert_true(evidence_has(out.data, "exim.tls.cert-expiry",
	    "lifetime 6 days, reported in its last 2 days)"));
	mg_str_free(&out);
	lab_stop(EXLAB, dir);
}

/* setup - a private root */
static int
setup(void **state)
{
	(void)state;
	lab_make_root("mg-labtest-tls");
	return (0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pf_floor_fixed_and_rolled_back),
		cmocka_unit_test(test_pf_floor_as_smtpd_negotiates),
		cmocka_unit_test(test_exim_cert_and_floor),
	};

	return (cmocka_run_group_tests_name("lab_tls", tests, setup,
	    lab_teardown));
}
