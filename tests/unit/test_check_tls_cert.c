/* test_check_tls_cert.c - server certificates: RFC 6125 name matching,
 * expiry, and the Postfix and Exim checks on certificates written here
 * with libcrypto (expired ones included: no committed certificate ages). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "../../core/mg_cert.h"
#include "../../core/mg_dns.h"
#include "../../core/mg_host.h"
#include "mg_test.h"
#include "pf_fixture.h"

static char dir[] = "/tmp/mg-cert-XXXXXX";

/* write_cert - a self-signed EC certificate valid from `from` to `to`
 * seconds around now, with subject CN cn and SAN san ("DNS:a,DNS:b" or
 * NULL), PEM into dir/name; returns the path (static buffer per call) */
static const char *
write_cert(const char *name, long from, long to, const char *cn,
    const char *san)
{
	static char path[4][256];
	static int slot;
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_EXTENSION *e;
	X509V3_CTX ctx;
	FILE *fp;
	char *p = path[slot++ % 4];

	assert_non_null(k);
	assert_non_null(x);
	(void)snprintf(p, 256, "%s/%s", dir, name);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), from);
	X509_gmtime_adj(X509_getm_notAfter(x), to);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN",
	    MBSTRING_ASC, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	X509_set_pubkey(x, k);
	if (san != NULL) {
		X509V3_set_ctx(&ctx, x, x, NULL, NULL, 0);
		e = X509V3_EXT_conf_nid(NULL, &ctx, NID_subject_alt_name, san);
		assert_non_null(e);
		X509_add_ext(x, e, -1);
		X509_EXTENSION_free(e);
	}
	assert_true(X509_sign(x, k, EVP_sha256()) > 0);
	fp = fopen(p, "w");
	assert_non_null(fp);
	/* the key first, as in smtpd_tls_chain_files: the reader skips it */
	PEM_write_PrivateKey(fp, k, NULL, NULL, 0, NULL, NULL);
	PEM_write_X509(fp, x);
	fclose(fp);
	X509_free(x);
	EVP_PKEY_free(k);
	return (p);
}

static int
setup(void **state)
{
	(void)state;
	return (mkdtemp(dir) == NULL ? -1 : 0);
}

static int
teardown(void **state)
{
	char path[300];
	static const char *const names[] = { "good.pem", "expired.pem",
	    "soon.pem", "other.pem", "cn.pem", "wild.pem", "only.key",
	    "day.pem", "day1.pem", "short.pem",
	    NULL };
	size_t i;

	(void)state;
	for (i = 0; names[i] != NULL; i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		(void)unlink(path);
	}
	return (rmdir(dir));
}

/* test_rfc6125_names - one left-most wildcard label, no partial ones */
static void
test_rfc6125_names(void **state)
{
	static const struct {
		const char *pattern, *host;
		int want;
	} cases[] = {
		{ "mail.example.com", "mail.example.com", 1 },
		{ "MAIL.example.com", "mail.EXAMPLE.com.", 1 },
		{ "mail.example.com", "mx.example.com", 0 },
		{ "*.example.com", "mail.example.com", 1 },
		{ "*.example.com", "example.com", 0 },
		{ "*.example.com", "a.mail.example.com", 0 },
		{ "*.com", "example.com", 0 },
		{ "m*.example.com", "mail.example.com", 0 },
		{ "*.*.example.com", "a.b.example.com", 0 },
		{ "mail.*.com", "mail.example.com", 0 },
		{ "", "mail.example.com", 0 },
		{ "mail.example.com", "", 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		print_message("%s %s\n", cases[i].pattern, cases[i].host);
		assert_int_equal(mg_cert_name_match(cases[i].pattern,
		    cases[i].host), cases[i].want);
	}
}

/* test_read_skips_key_reads_dates_names - the key block is skipped; the
 * SAN names and notAfter are read; CN counts only without SAN */
static void
test_read_skips_key_reads_dates_names(void **state)
{
	struct mg_cert c;
	struct mg_err err;
	time_t now = time(NULL);

	(void)state;
	assert_int_equal(mg_cert_read(write_cert("good.pem", -86400,
	    90L * 86400, "other.example.net",
	    "DNS:mail.example.com,DNS:*.example.org"), &c, &err), 0);
	assert_int_equal(c.nnames, 2);
	assert_string_equal(c.names[0], "mail.example.com");
	assert_string_equal(c.subject_cn, "other.example.net");
	assert_true(c.not_after > now + 89L * 86400);
	assert_true(mg_cert_matches(&c, "mail.example.com"));
	assert_true(mg_cert_matches(&c, "mx.example.org"));
	assert_false(mg_cert_matches(&c, "other.example.net"));
	mg_cert_free(&c);
	assert_int_equal(mg_cert_read(write_cert("cn.pem", -86400,
	    90L * 86400, "mail.example.com", NULL), &c, &err), 0);
	assert_int_equal(c.nnames, 0);
	assert_true(mg_cert_matches(&c, "mail.example.com"));
	mg_cert_free(&c);
	assert_int_equal(mg_cert_read("/nonexistent/cert.pem", &c, &err), -1);
	assert_non_null(strstr(err.msg, "/nonexistent/cert.pem"));
}

/* pf_with_cert - Postfix with STARTTLS on port 25 and this certificate */
static void
pf_with_cert(struct mg_model *m, const char *cert)
{
	char cf[512];

	(void)snprintf(cf, sizeof(cf), "myhostname = mail.example.com\n"
	    "smtpd_tls_cert_file = %s\n"
	    "smtpd_tls_security_level = may\n"
	    "smtpd_tls_protocols = >=TLSv1.2\n"
	    "smtp_tls_security_level = may\n", cert);
	pf_build(m, cf, NULL, cf);
	pf_master(m, "smtp inet n - y - - smtpd\n", "",
	    "smtp      inet  n       -       y       -       -       smtpd\n");
}

/* test_pf_expired_high_mismatch_medium - an expired certificate for
 * another name: both findings, evidence at main.cf:2; no fix */
static void
test_pf_expired_high_mismatch_medium(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	pf_with_cert(&m, write_cert("expired.pem", -90L * 86400, -3L * 86400,
	    "old.example.net", "DNS:old.example.net"));
	pf_run(mg_check_pf_tls_floor, &m, &r);
	assert_int_equal(r.nfindings, 2);
	assert_int_equal(r.nfixes, 0);
	f = pf_finding(&r, "postfix.tls.cert-expiry");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_HIGH);
	assert_int_equal(f->evidence[0].line, 2);
	assert_non_null(pf_evidence(f, "expired.pem: the certificate "
	    "expired on"));
	assert_non_null(pf_evidence(f, "(3 days ago)"));
	f = pf_finding(&r, "postfix.tls.cert-name");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	assert_non_null(pf_evidence(f, "is valid for old.example.net; the "
	    "server announces mail.example.com"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_pf_soon_medium_good_silent - expiring in 5 days: medium; valid
 * for 90 days under a wildcard: nothing */
static void
test_pf_soon_medium_good_silent(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	pf_with_cert(&m, write_cert("soon.pem", -80L * 86400,
	    5L * 86400 + 3600, "mail.example.com", "DNS:mail.example.com"));
	pf_run(mg_check_pf_tls_floor, &m, &r);
	assert_int_equal(r.nfindings, 1);
	f = pf_finding(&r, "postfix.tls.cert-expiry");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	assert_non_null(pf_evidence(f, "(in 5 days; lifetime 85 days, "
	    "reported in its last 14 days)"));
	mg_report_free(&r);
	mg_model_free(&m);

	/* ten days long with exactly a day left is "within a day" (the
	 * lab's -days 1 certificate once read "in 1 days"); a day and an
	 * hour is "in 1 day" */
	pf_with_cert(&m, write_cert("day.pem", -9L * 86400, 86400,
	    "mail.example.com", "DNS:mail.example.com"));
	pf_run(mg_check_pf_tls_floor, &m, &r);
	assert_non_null(f = pf_finding(&r, "postfix.tls.cert-expiry"));
	assert_non_null(pf_evidence(f, "(within a day; lifetime 10 days, "
	    "reported in its last 3 days)"));
	mg_report_free(&r);
	mg_model_free(&m);
	pf_with_cert(&m, write_cert("day1.pem", -9L * 86400, 86400 + 3600,
	    "mail.example.com", "DNS:mail.example.com"));
	pf_run(mg_check_pf_tls_floor, &m, &r);
	assert_non_null(f = pf_finding(&r, "postfix.tls.cert-expiry"));
	assert_non_null(pf_evidence(f, "(in 1 day;"));
	mg_report_free(&r);
	mg_model_free(&m);

	pf_with_cert(&m, write_cert("wild.pem", -86400, 90L * 86400,
	    "example.com", "DNS:example.com,DNS:*.example.com"));
	pf_run(mg_check_pf_tls_floor, &m, &r);
	assert_int_equal(r.nfindings, 0);
	assert_int_equal(r.nunread, 0);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_short_lived_window - the window is 14 days or the last third of
 * the lifetime, whichever is shorter: Let's Encrypt's 6-day and 45-day
 * certificates renewed at two thirds of their life are never reported;
 * past that third they are */
static void
test_short_lived_window(void **state)
{
	static const struct {
		const char *name;
		long from, to;	/* notBefore, notAfter around now (s) */
		const char *want;	/* evidence, NULL: no finding */
	} cases[] = {
		{ "6-day, fresh", -60, 6L * 86400 - 60, NULL },
		{ "6-day, renewed at 2/3", -4L * 86400 + 3600,
		    2L * 86400 + 3600, NULL },
		{ "6-day, 1 day left", -5L * 86400, 86400 + 600,
		    "(in 1 day; lifetime 6 days, reported in its last 2 "
		    "days)" },
		{ "6-day, 1 hour left", -6L * 86400 + 3600, 3600,
		    "(within a day; lifetime 6 days" },
		{ "45-day, 16 days left", -29L * 86400, 16L * 86400, NULL },
		{ "45-day, 13 days left", -32L * 86400, 13L * 86400 + 600,
		    "(in 13 days; lifetime 45 days, reported in its last 14 "
		    "days)" },
		{ "90-day, 20 days left", -70L * 86400, 20L * 86400, NULL },
		{ "90-day, 14 days left", -76L * 86400 - 600, 14L * 86400 - 600,
		    "(in 13 days; lifetime 90 days, reported in its last 14 "
		    "days)" },
		{ "1-day, fresh", -60, 86400 - 60, NULL },
		{ "1-day, 7 hours left", -17L * 3600, 7L * 3600,
		    "(within a day; lifetime 24 hours, reported in its last "
		    "8 hours)" },
	};
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		print_message("%s\n", cases[i].name);
		pf_with_cert(&m, write_cert("short.pem", cases[i].from,
		    cases[i].to, "mail.example.com", "DNS:mail.example.com"));
		pf_run(mg_check_pf_tls_floor, &m, &r);
		f = pf_finding(&r, "postfix.tls.cert-expiry");
		if (cases[i].want == NULL)
			assert_int_equal(r.nfindings, 0);
		else {
			assert_non_null(f);
			assert_int_equal(f->severity, MG_SEV_MEDIUM);
			assert_non_null(pf_evidence(f, cases[i].want));
			assert_non_null(strstr(f->explanation, "last third"));
		}
		mg_report_free(&r);
		mg_model_free(&m);
	}
}

/* test_pf_unreadable_listed - a missing file is unread, not a finding */
static void
test_pf_unreadable_listed(void **state)
{
	struct mg_model m;
	struct mg_report r;

	(void)state;
	pf_with_cert(&m, "/nonexistent/mail.pem");
	pf_run(mg_check_pf_tls_floor, &m, &r);
	assert_int_equal(r.nfindings, 0);
	assert_int_equal(r.nunread, 1);
	assert_non_null(strstr(r.unread[0], "/nonexistent/mail.pem "
	    "(smtpd_tls_cert_file)"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_pf_chain_files_key_skipped - smtpd_tls_chain_files naming the
 * key file first and the certificate second: the key file is no error,
 * the certificate is judged */
static void
test_pf_chain_files_key_skipped(void **state)
{
	char cf[1024], key[300];
	const char *cert;
	EVP_PKEY *k = EVP_EC_gen("P-256");
	FILE *fp;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	(void)snprintf(key, sizeof(key), "%s/only.key", dir);
	fp = fopen(key, "w");
	assert_non_null(fp);
	PEM_write_PrivateKey(fp, k, NULL, NULL, 0, NULL, NULL);
	fclose(fp);
	EVP_PKEY_free(k);
	cert = write_cert("other.pem", -86400, 90L * 86400,
	    "other.example.net", "DNS:other.example.net");
	(void)snprintf(cf, sizeof(cf), "myhostname = mail.example.com\n"
	    "smtpd_tls_chain_files = %s, %s\n"
	    "smtpd_tls_security_level = may\n"
	    "smtpd_tls_protocols = >=TLSv1.2\n"
	    "smtp_tls_security_level = may\n", key, cert);
	pf_build(&m, cf, NULL, cf);
	pf_master(&m, "smtp inet n - y - - smtpd\n", "",
	    "smtp      inet  n       -       y       -       -       smtpd\n");
	pf_run(mg_check_pf_tls_floor, &m, &r);
	assert_int_equal(r.nunread, 0);
	assert_int_equal(r.nfindings, 1);
	assert_non_null(pf_evidence(pf_finding(&r, "postfix.tls.cert-name"),
	    "smtpd_tls_chain_files = "));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_pf_chain_files_win - Debian's snakeoil smtpd_tls_cert_file left
 * in main.cf (expired, another name) beside smtpd_tls_chain_files with
 * the real certificate: postconf(5) - with smtpd_tls_chain_files set,
 * smtpd_tls_cert_file, _eccert_file and _dcert_file are ignored; only
 * the chain's certificate is judged (good: no finding) */
static void
test_pf_chain_files_win(void **state)
{
	char cf[1400];
	const char *good, *old;
	char goodp[300];
	struct mg_model m;
	struct mg_report r;

	(void)state;
	good = write_cert("good.pem", -86400, 80L * 86400, "mail.example.com",
	    "DNS:mail.example.com");
	(void)snprintf(goodp, sizeof(goodp), "%s", good);
	old = write_cert("expired.pem", -90L * 86400, -86400, "debian",
	    "DNS:debian");
	(void)snprintf(cf, sizeof(cf), "myhostname = mail.example.com\n"
	    "smtpd_tls_cert_file = %s\n"
	    "smtpd_tls_chain_files = %s\n"
	    "smtpd_tls_security_level = may\n"
	    "smtpd_tls_protocols = >=TLSv1.2\n"
	    "smtp_tls_security_level = may\n", old, goodp);
	pf_build(&m, cf, NULL, cf);
	pf_master(&m, "smtp inet n - y - - smtpd\n", "",
	    "smtp      inet  n       -       y       -       -       smtpd\n");
	pf_run(mg_check_pf_tls_floor, &m, &r);
	assert_int_equal(r.nunread, 0);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* exim_model - Exim's main options as exim -bP prints them */
static void
exim_model(struct mg_model *m, const char *cert, const char *active)
{
	struct mg_param *p;

	mg_model_init(m);
	m->mta = MG_MTA_EXIM;
	p = mg_model_param_add(m, "primary_hostname");
	p->value = mg_xstrdup("mail.example.com");
	p = mg_model_param_add(m, "tls_advertise_hosts");
	p->value = mg_xstrdup("*");
	p = mg_model_param_add(m, "tls_certificate");
	p->value = mg_xstrdup(cert);
	p->file = mg_xstrdup("/etc/exim4/exim4.conf");
	p->line = 12;
	if (active != NULL) {
		p = mg_model_param_add(m, "smtp_active_hostname");
		p->value = mg_xstrdup(active);
	}
	/* the floor at TLS 1.2: these tests are about the certificate */
	p = mg_model_param_add(m, "tls_require_ciphers");
	p->value = mg_xstrdup("NORMAL:-VERS-TLS1.0:-VERS-TLS1.1");
}

/* exim_floor - tls_require_ciphers and openssl_options as given; NULL
 * leaves one unset */
static void
exim_floor(struct mg_model *m, const char *prio, const char *opts)
{
	struct mg_param *p;

	mg_model_init(m);
	m->mta = MG_MTA_EXIM;
	p = mg_model_param_add(m, "tls_advertise_hosts");
	p->value = mg_xstrdup("*");
	if (prio != NULL) {
		p = mg_model_param_add(m, "tls_require_ciphers");
		p->value = mg_xstrdup(prio);
		p->file = mg_xstrdup("/etc/exim4/exim4.conf");
		p->line = 7;
	}
	if (opts != NULL) {
		p = mg_model_param_add(m, "openssl_options");
		p->value = mg_xstrdup(opts);
	}
}

/* test_exim_old_protocols - unset (Exim 4.96 on GnuTLS completes TLS 1.0
 * and 1.1 in the lab): info without AUTH, low with it; either library's
 * setting that removes both silences it; no fix */
static void
test_exim_old_protocols(void **state)
{
	static const struct {
		const char *prio, *opts;
		const char *want;	/* evidence text, NULL: no finding */
	} cases[] = {
		{ NULL, NULL, "TLS 1.0 and TLS 1.1 left on" },
		{ "NORMAL", "", "tls_require_ciphers = NORMAL" },
		{ "NORMAL:-VERS-TLS1.0", NULL, ": TLS 1.1 left on" },
		{ "NORMAL:-VERS-TLS1.0:-VERS-TLS1.1", NULL, NULL },
		{ "NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2", NULL, NULL },
		{ "NORMAL:-VERS-ALL:+VERS-TLS1.2:+VERS-TLS1.1", NULL,
		    ": TLS 1.1 left on" },
		{ NULL, "+no_sslv2 +no_sslv3 +no_tlsv1 +no_tlsv1_1", NULL },
		{ NULL, "+no_sslv2 +no_sslv3", "TLS 1.0 and TLS 1.1" },
		{ "${if eq{$received_port}{587}{SECURE}{NORMAL}}", NULL,
		    NULL },
	};
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;
	struct mg_rule *a;
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		print_message("%s / %s\n", cases[i].prio != NULL ?
		    cases[i].prio : "-", cases[i].opts != NULL ?
		    cases[i].opts : "-");
		exim_floor(&m, cases[i].prio, cases[i].opts);
		pf_run(mg_check_exim_tls, &m, &r);
		f = pf_finding(&r, "exim.tls.old-protocols");
		if (cases[i].want == NULL)
			assert_null(f);
		else {
			assert_non_null(f);
			assert_int_equal(f->severity, MG_SEV_INFO);
			assert_non_null(pf_evidence(f, cases[i].want));
			assert_int_equal(f->nfix_ids, 0);
		}
		assert_int_equal(r.nfixes, 0);
		mg_report_free(&r);
		mg_model_free(&m);
	}
	exim_floor(&m, NULL, NULL);
	a = mg_model_rule_add(&m, "authenticators", "plaintext");
	(void)mg_rule_cond_add(a, "server_condition", "${if eq{$auth2}{x}}");
	pf_run(mg_check_exim_tls, &m, &r);
	assert_int_equal(pf_finding(&r, "exim.tls.old-protocols")->severity,
	    MG_SEV_LOW);
	mg_report_free(&r);
	mg_model_free(&m);
	/* no STARTTLS offered: nothing */
	exim_floor(&m, NULL, NULL);
	free(m.params[0].value);
	m.params[0].value = mg_xstrdup("");
	pf_run(mg_check_exim_tls, &m, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_exim_old_protocols_library - the library exim -bV names decides
 * which setting Exim reads: on OpenSSL a GnuTLS priority string in
 * tls_require_ciphers sets no floor (a finding that says so), its
 * openssl_options does; on GnuTLS the priority string does */
static void
test_exim_old_protocols_library(void **state)
{
	static const struct {
		const char *lib, *prio, *opts;
		const char *want;	/* evidence text, NULL: no finding */
	} cases[] = {
		{ "OpenSSL", "NORMAL:-VERS-TLS1.0:-VERS-TLS1.1", NULL,
		    "a GnuTLS priority string, but this Exim is built with "
		    "OpenSSL" },
		{ "OpenSSL", NULL, "+no_sslv2 +no_sslv3 +no_tlsv1 +no_tlsv1_1",
		    NULL },
		{ "GnuTLS", "NORMAL:-VERS-TLS1.0:-VERS-TLS1.1", NULL, NULL },
		{ "GnuTLS", "SECURE192:-VERS-ALL:+VERS-TLS1.3", NULL, NULL },
		/* GnuTLS reads priority keywords in any case: the lab's Exim
		 * refuses TLS 1.0/1.1 under this one too */
		{ "GnuTLS", "normal:-vers-tls1.0:-vers-tls1.1", NULL, NULL },
		{ "GnuTLS", "NORMAL:-VERS-TLS1.0", NULL, "TLS 1.1 left on" },
		{ "GnuTLS", NULL, "+no_tlsv1 +no_tlsv1_1",
		    "built with GnuTLS" },
	};
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		print_message("%s: %s / %s\n", cases[i].lib, cases[i].prio !=
		    NULL ? cases[i].prio : "-", cases[i].opts != NULL ?
		    cases[i].opts : "-");
		exim_floor(&m, cases[i].prio, cases[i].opts);
		m.tls_library = mg_xstrdup(cases[i].lib);
		pf_run(mg_check_exim_tls, &m, &r);
		f = pf_finding(&r, "exim.tls.old-protocols");
		if (cases[i].want == NULL)
			assert_null(f);
		else {
			assert_non_null(f);
			assert_non_null(pf_evidence(f, cases[i].want));
		}
		mg_report_free(&r);
		mg_model_free(&m);
	}
}

/* test_exim_list_expansion_active_hostname - a colon list is read file by
 * file; smtp_active_hostname is the announced name; an expansion is
 * unread */
static void
test_exim_list_expansion_active_hostname(void **state)
{
	char list[600];
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	(void)snprintf(list, sizeof(list), "%s : %s",
	    write_cert("good.pem", -86400, 90L * 86400, "mail.example.com",
	    "DNS:mail.example.com"), write_cert("expired.pem", -90L * 86400,
	    -86400, "mail.example.com", "DNS:mail.example.com"));
	exim_model(&m, list, NULL);
	pf_run(mg_check_exim_tls, &m, &r);
	assert_int_equal(r.nfindings, 1);
	f = pf_finding(&r, "exim.tls.cert-expiry");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_HIGH);
	assert_int_equal(f->nevidence, 1);
	assert_int_equal(f->evidence[0].line, 12);
	assert_non_null(pf_evidence(f, "expired.pem"));
	mg_report_free(&r);
	mg_model_free(&m);

	exim_model(&m, write_cert("good.pem", -86400, 90L * 86400,
	    "mail.example.com", "DNS:mail.example.com"), "mx.example.org");
	pf_run(mg_check_exim_tls, &m, &r);
	assert_int_equal(r.nfindings, 1);
	assert_non_null(pf_evidence(pf_finding(&r, "exim.tls.cert-name"),
	    "the server announces mx.example.org"));
	mg_report_free(&r);
	mg_model_free(&m);

	exim_model(&m, "/etc/exim4/${tls_in_sni}.crt", NULL);
	pf_run(mg_check_exim_tls, &m, &r);
	assert_int_equal(r.nfindings, 0);
	assert_int_equal(r.nunread, 1);
	assert_non_null(strstr(r.unread[0], "an expansion"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* mx_add - an MX host of domain at one address ("" for none) */
static void
mx_add(struct mg_mxset *set, const char *domain, const char *name,
    const char *addr, int implicit)
{
	struct mg_mx_host *h = MG_ARRAY_PUSH(set->hosts, set->nhosts,
	    set->hosts_cap);
	struct mg_err err;

	memset(h, 0, sizeof(*h));
	h->domain = mg_xstrdup(domain);
	h->name = mg_xstrdup(name);
	h->implicit = implicit;
	if (*addr != '\0') {
		assert_int_equal(mg_net_parse(addr, &h->addrs[0], &err), 0);
		h->naddrs = 1;
	}
}

/* with_host - this machine: lo 127.0.0.1/8 and eth0 192.0.2.10/24 */
static void
with_host(struct mg_model *m)
{
	struct mg_net a;
	struct mg_err err;

	m->host = mg_xcalloc(1, sizeof(*m->host));
	mg_host_init(m->host);
	assert_int_equal(mg_net_parse("127.0.0.1/8", &a, &err), 0);
	mg_host_add_if(m->host, "lo", &a);
	assert_int_equal(mg_net_parse("192.0.2.10/24", &a, &err), 0);
	mg_host_add_if(m->host, "eth0", &a);
}

/* test_mx_names_rules - the MX hosts on this machine's addresses must be
 * in the certificate (a backup MX elsewhere is not this server's);
 * every MX when none is here, or when the addresses are unknown; the
 * rule is said; what DNS did not answer is unread, once */
static void
test_mx_names_rules(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;
	const char *cert;

	(void)state;
	cert = write_cert("good.pem", -86400, 90L * 86400, "mail.example.com",
	    "DNS:mail.example.com,DNS:smtp.example.com");

	/* here: mail.example.com; elsewhere: a backup MX at a provider */
	pf_with_cert(&m, cert);
	with_host(&m);
	m.mx = mg_xcalloc(1, sizeof(*m.mx));
	m.mx->resolver = mg_xstrdup("127.0.0.1:5353");
	mx_add(m.mx, "example.com", "mail.example.com", "192.0.2.10", 0);
	mx_add(m.mx, "example.com", "backup.provider.example", "198.51.100.7",
	    0);
	pf_run(mg_check_pf_tls_floor, &m, &r);
	assert_int_equal(r.nfindings, 0);
	assert_int_equal(r.nunread, 0);
	mg_report_free(&r);

	/* an MX on this machine the certificate does not name */
	mx_add(m.mx, "example.org", "mx2.example.net", "127.0.0.1", 0);
	mx_add(m.mx, "example.net", "mx2.example.net", "127.0.0.1", 0);
	pf_run(mg_check_pf_tls_floor, &m, &r);
	assert_int_equal(r.nfindings, 1);
	f = pf_finding(&r, "postfix.tls.cert-mx");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	assert_int_equal(f->evidence[0].line, 2);
	assert_non_null(pf_evidence(f, "good.pem is valid for "
	    "mail.example.com, smtp.example.com; not for mx2.example.net (MX "
	    "of example.org, 127.0.0.1)"));
	assert_null(pf_evidence(f, "MX of example.net"));	/* once */
	assert_null(pf_evidence(f, "backup.provider.example"));
	assert_non_null(pf_evidence(f, "MX asked from 127.0.0.1:5353; the "
	    "MX hosts that resolve to this machine's addresses are checked "
	    "(3 of 4)"));
	assert_int_equal(f->nfix_ids, 0);
	mg_report_free(&r);
	mg_model_free(&m);

	/* none here (NAT): every MX, the domain itself without MX too */
	pf_with_cert(&m, cert);
	with_host(&m);
	m.mx = mg_xcalloc(1, sizeof(*m.mx));
	mx_add(m.mx, "example.com", "mail.example.com", "203.0.113.5", 0);
	mx_add(m.mx, "hosted.example", "hosted.example", "203.0.113.5", 1);
	mx_add(m.mx, "example.org", "mx.example.org", "", 0);
	pf_run(mg_check_pf_tls_floor, &m, &r);
	assert_non_null(f = pf_finding(&r, "postfix.tls.cert-mx"));
	assert_non_null(pf_evidence(f, "not for hosted.example (no MX "
	    "record: the domain itself of hosted.example, 203.0.113.5), "
	    "mx.example.org (MX of example.org)"));
	assert_non_null(pf_evidence(f, "every MX host is checked: none "
	    "resolves to this machine's addresses"));
	mg_report_free(&r);

	/* what DNS did not answer is evidence of a finding made too */
	*MG_ARRAY_PUSH(m.mx->failed, m.mx->nfailed, m.mx->failed_cap) =
	    mg_xstrdup("example.net: no such domain in DNS (NXDOMAIN)");
	pf_run(mg_check_pf_tls_floor, &m, &r);
	assert_non_null(f = pf_finding(&r, "postfix.tls.cert-mx"));
	assert_non_null(pf_evidence(f, "MX not checked: example.net: no such "
	    "domain in DNS (NXDOMAIN)"));
	assert_int_equal(r.nunread, 1);
	mg_report_free(&r);

	/* this machine's addresses unknown (--no-host-context) */
	mg_host_free(m.host);
	free(m.host);
	m.host = NULL;
	pf_run(mg_check_pf_tls_floor, &m, &r);
	assert_non_null(f = pf_finding(&r, "postfix.tls.cert-mx"));
	assert_non_null(pf_evidence(f, "every MX host is checked: this "
	    "machine's addresses are not known"));
	mg_report_free(&r);
	mg_model_free(&m);

	/* DNS did not answer: no finding, said under unread once for two
	 * certificate files; without DNS asked (m.mx NULL) nothing */
	pf_with_cert(&m, cert);
	with_host(&m);
	m.mx = mg_xcalloc(1, sizeof(*m.mx));
	*MG_ARRAY_PUSH(m.mx->failed, m.mx->nfailed, m.mx->failed_cap) =
	    mg_xstrdup("example.com: no answer from 127.0.0.1:5353 within "
	    "2 s");
	pf_run(mg_check_pf_tls_floor, &m, &r);
	assert_int_equal(r.nfindings, 0);
	assert_int_equal(r.nunread, 1);
	assert_string_equal(r.unread[0], "MX not checked: example.com: no "
	    "answer from 127.0.0.1:5353 within 2 s");
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_exim_mx - Exim's certificate against the MX hosts, as Postfix's */
static void
test_exim_mx(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	exim_model(&m, write_cert("good.pem", -86400, 90L * 86400,
	    "mail.example.com", "DNS:mail.example.com"), NULL);
	with_host(&m);
	m.mx = mg_xcalloc(1, sizeof(*m.mx));
	mx_add(m.mx, "example.com", "mx2.example.net", "192.0.2.10", 0);
	pf_run(mg_check_exim_tls, &m, &r);
	assert_non_null(f = pf_finding(&r, "exim.tls.cert-mx"));
	assert_int_equal(f->evidence[0].line, 12);
	assert_non_null(pf_evidence(f, "tls_certificate = "));
	assert_non_null(pf_evidence(f, "not for mx2.example.net (MX of "
	    "example.com, 192.0.2.10)"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* has_domain - the list holds d */
static int
has_domain(const struct mg_mail_domains *d, const char *name)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		if (strcmp(d->v[i], name) == 0)
			return (1);
	return (0);
}

/* test_mail_domains - what DNS is asked about: Postfix's local, virtual
 * and relay domains with their tables' keys; Exim's local_domains
 * ("@" is primary_hostname) and relay_to_domains; never localhost, an
 * address literal, a lookup, a pattern or an address; none when no
 * certificate file is named */
static void
test_mail_domains(void **state)
{
	static const char cf[] = "myhostname = mail.example.com\n"
	    "smtpd_tls_cert_file = /etc/ssl/mail.pem\n"
	    "mydestination = mail.example.com, localhost.example.com, "
	    "localhost, Example.COM\n"
	    "virtual_mailbox_domains = hash:/etc/postfix/vdomains\n"
	    "virtual_alias_domains = hash:/etc/postfix/virtual\n"
	    "relay_domains = relay.example.net [192.0.2.1] example.com\n";
	static const char nocert[] = "myhostname = mail.example.com\n"
	    "mydestination = mail.example.com, example.com\n";
	struct mg_mail_domains d;
	struct mg_model m;
	struct mg_param *p;

	(void)state;
	pf_build(&m, cf, NULL, cf);
	(void)pf_map(&m, "hash:/etc/postfix/vdomains",
	    "hosted.example.org x\nother.example x\n", NULL, NULL);
	(void)pf_map(&m, "hash:/etc/postfix/virtual",
	    "info@alias.example bob\nalias.example x\n", NULL, NULL);
	mg_mail_domains(&m, &d);
	assert_int_equal(d.n, 6);
	assert_string_equal(d.v[0], "mail.example.com");
	assert_string_equal(d.v[1], "Example.COM");
	assert_true(has_domain(&d, "hosted.example.org"));
	assert_true(has_domain(&d, "other.example"));
	assert_true(has_domain(&d, "alias.example"));
	assert_true(has_domain(&d, "relay.example.net"));
	mg_mail_domains_free(&d);
	mg_model_free(&m);
	/* no certificate named: nothing to ask DNS about */
	pf_build(&m, nocert, NULL, nocert);
	assert_null(mg_model_param(&m, "smtpd_tls_cert_file"));
	mg_mail_domains(&m, &d);
	assert_int_equal(d.n, 0);
	mg_mail_domains_free(&d);
	mg_model_free(&m);

	mg_model_init(&m);
	m.mta = MG_MTA_EXIM;
	p = mg_model_param_add(&m, "primary_hostname");
	p->value = mg_xstrdup("mail.example.com");
	p = mg_model_param_add(&m, "+local_domains");
	p->value = mg_xstrdup("@ : localhost : example.com : "
	    "dsearch;/etc/exim4/virtual : !bad.example : *.wild.example : "
	    "@[] : ${lookup{x}lsearch{/y}}");
	p = mg_model_param_add(&m, "+relay_to_domains");
	p->value = mg_xstrdup("relay.example.net");
	mg_mail_domains(&m, &d);
	assert_int_equal(d.n, 0);	/* no certificate file of its own */
	mg_mail_domains_free(&d);
	p = mg_model_param_add(&m, "tls_advertise_hosts");
	p->value = mg_xstrdup("*");
	p = mg_model_param_add(&m, "tls_certificate");
	p->value = mg_xstrdup("/etc/exim4/exim.crt");
	mg_mail_domains(&m, &d);
	assert_int_equal(d.n, 3);
	assert_string_equal(d.v[0], "mail.example.com");
	assert_string_equal(d.v[1], "example.com");
	assert_string_equal(d.v[2], "relay.example.net");
	mg_mail_domains_free(&d);
	mg_model_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc6125_names),
		cmocka_unit_test(test_read_skips_key_reads_dates_names),
		cmocka_unit_test(test_pf_expired_high_mismatch_medium),
		cmocka_unit_test(test_pf_soon_medium_good_silent),
		cmocka_unit_test(test_short_lived_window),
		cmocka_unit_test(test_pf_unreadable_listed),
		cmocka_unit_test(test_pf_chain_files_key_skipped),
		cmocka_unit_test(test_pf_chain_files_win),
		cmocka_unit_test(test_exim_list_expansion_active_hostname),
		cmocka_unit_test(test_exim_old_protocols),
		cmocka_unit_test(test_exim_old_protocols_library),
		cmocka_unit_test(test_mx_names_rules),
		cmocka_unit_test(test_exim_mx),
		cmocka_unit_test(test_mail_domains),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
