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
		cmocka_unit_test(test_exim_list_expansion_active_hostname),
		cmocka_unit_test(test_exim_old_protocols),
	};

	return (cmocka_run_group_tests(tests, setup, teardown));
}
