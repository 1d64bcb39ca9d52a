/* test_check_pf_tls_floor.c - TLS protocol floors and outbound TLS on
 * Postfix model data (defaults as postconf -d prints them on Postfix
 * 3.7.11, Debian 12). */
#include "mg_test.h"
#include "pf_fixture.h"

/* postconf -d of Postfix 3.7.11, the parameters these checks read */
static const char *defaults =
    "mail_version = 3.7.11\n"
    "smtpd_tls_mandatory_protocols = >=TLSv1\n"
    "smtpd_tls_protocols = >=TLSv1\n"
    "smtpd_tls_security_level =\n"
    "smtp_tls_security_level =\n"
    "smtp_use_tls = no\n"
    "smtp_enforce_tls = no\n"
    "smtpd_use_tls = no\n"
    "smtpd_enforce_tls = no\n"
    "smtpd_sasl_auth_enable = no\n";

static const char *master_m =
    "smtp inet n - y - - smtpd\n"
    "submission inet n - y - - smtpd -o syslog_name=postfix/submission "
    "-o smtpd_tls_security_level=encrypt -o smtpd_sasl_auth_enable=yes\n"
    "smtp unix - - y - - smtp\n"
    "relay unix - - y - - smtp\n";
static const char *master_p =
    "submission/inet/syslog_name = postfix/submission\n"
    "submission/inet/smtpd_tls_security_level = encrypt\n"
    "submission/inet/smtpd_sasl_auth_enable = yes\n";
static const char *master_cf =
    "smtp      inet  n       -       y       -       -       smtpd\n"
    "submission inet n       -       y       -       -       smtpd\n"
    "  -o syslog_name=postfix/submission\n"
    "  -o smtpd_tls_security_level=encrypt\n"
    "  -o smtpd_sasl_auth_enable=yes\n"
    "smtp      unix  -       -       y       -       -       smtp\n"
    "relay     unix  -       -       y       -       -       smtp\n";

/* build - main.cf over the defaults and master.cf above */
static void
build(struct mg_model *m, const char *main_cf)
{
	pf_build(m, main_cf, NULL, main_cf);
	pf_params(m, defaults);
	pf_params(m, main_cf);
	pf_master(m, master_m, master_p, master_cf);
}

/* test_protocol_syntaxes - both syntaxes of postconf(5) read */
static void
test_protocol_syntaxes(void **state)
{
	static const struct {
		const char *value;
		unsigned want;
	} cases[] = {
		{ ">=TLSv1", 0xc },
		{ ">=TLSv1.1", 0x8 },
		{ ">=TLSv1.2", 0 },
		{ ">=TLSv1.2 <=TLSv1.3", 0 },
		{ "!SSLv2, !SSLv3", 0xc },
		{ "!SSLv2, !SSLv3, !TLSv1, !TLSv1.1", 0 },
		{ "!SSLv2:!SSLv3:!TLSv1", 0x8 },
		{ "!SSLv2 !SSLv3 !tlsv1 !tlsv1.1", 0 },
		{ "TLSv1.2, TLSv1.3", 0 },
		{ "TLSv1, TLSv1.2", 0x4 },
		{ "", 0xe },
		{ "<=TLSv1.1", 0xe },
		{ "!SSLv3", 0xc },
		/* Postfix matches names in any case (tls_misc.c name_code,
		 * NAME_CODE_FLAG_NONE): bounds too */
		{ ">=tlsv1.2", 0 },
		{ ">=tlsv1.1", 0x8 },
		{ "TLSV1.2, tlsv1.3", 0 },
		/* bounds as hexadecimal versions, as parse_tls_version reads */
		{ ">=0x0303", 0 },
		{ ">=0x0302", 0x8 },
		{ "<=0x0302", 0xe },
		/* a word Postfix does not know: the list is invalid and smtpd
		 * disables TLS (the lab's smtpd refuses TLS 1.2 as well) */
		{ "!SSLv2, !SSLv3, !TLSv1.0", MG_PF_TLS_INVALID },
		{ ">=TLSv1.0", MG_PF_TLS_INVALID },
		{ ">=SSLv2", MG_PF_TLS_INVALID },
		{ "TLSv1.2 TLS1.3", MG_PF_TLS_INVALID },
		{ "!", MG_PF_TLS_INVALID },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		print_message("%s\n", cases[i].value);
		assert_int_equal(mg_check_pf_tls_old(cases[i].value),
		    cases[i].want);
	}
	assert_int_equal(mg_check_pf_tls_old(NULL), 0xe);
}

/* test_seclevel_of_cipher_list - the last @SECLEVEL=n of a cipher list,
 * -1 for none; what OpenSSL refuses at a level, by version */
static void
test_seclevel_of_cipher_list(void **state)
{
	(void)state;
	assert_int_equal(mg_check_pf_seclevel(
	    "aNULL:-aNULL:HIGH:MEDIUM:+RC4:@STRENGTH"), -1);
	assert_int_equal(mg_check_pf_seclevel(NULL), -1);
	assert_int_equal(mg_check_pf_seclevel(
	    "aNULL:-aNULL:HIGH:MEDIUM:+RC4:@STRENGTH:@SECLEVEL=1"), 1);
	/* glued to a word, as OpenSSL reads it (s_server here: TLS 1.1
	 * completes under MEDIUM@SECLEVEL=0) */
	assert_int_equal(mg_check_pf_seclevel("DEFAULT@SECLEVEL=2"), 2);
	assert_int_equal(mg_check_pf_seclevel("HIGH:MEDIUM@SECLEVEL=1"), 1);
	assert_int_equal(mg_check_pf_seclevel("@SECLEVEL=2:DEFAULT "
	    "@SECLEVEL=0"), 0);
	/* after @STRENGTH in the same item: thrown away by OpenSSL (the
	 * lab's smtpd still completes TLS 1.1 under it) */
	assert_int_equal(mg_check_pf_seclevel("HIGH:@STRENGTH@SECLEVEL=1"),
	    -1);
	assert_int_equal(mg_check_pf_seclevel("@SECLEVEL=2:@STRENGTH@"
	    "SECLEVEL=0"), 2);
	assert_int_equal(mg_check_pf_seclevel("HIGH;@SECLEVEL=1"), 1);
	/* OpenSSL: "invalid command" - no level */
	assert_int_equal(mg_check_pf_seclevel("HIGH:@seclevel=3"), -1);
	assert_int_equal(mg_check_pf_seclevel("HIGH:@SECLEVEL=12"), -1);
	assert_int_equal(mg_check_pf_seclevel("HIGH:@SECLEVEL=6"), -1);
	assert_int_equal(mg_check_pf_lib_refuses("OpenSSL 3.0.19 27 Jan "
	    "2026", 1), 0xe);
	assert_int_equal(mg_check_pf_lib_refuses("OpenSSL 3.0.19 27 Jan "
	    "2026", 0), 0);
	assert_int_equal(mg_check_pf_lib_refuses("OpenSSL 1.1.1w 11 Sep "
	    "2023", 2), 0x2);
	assert_int_equal(mg_check_pf_lib_refuses("OpenSSL 1.1.1w 11 Sep "
	    "2023", 3), 0x6);
	assert_int_equal(mg_check_pf_lib_refuses("OpenSSL 1.1.1w 11 Sep "
	    "2023", 4), 0xe);
	assert_int_equal(mg_check_pf_lib_refuses(NULL, 2), 0);
	assert_int_equal(mg_check_pf_lib_refuses("LibreSSL 3.8.2", 2), 0);
}

/* test_seclevel_decides - the default cipher list leaves Postfix's
 * level 0 and the finding says so; a tls_medium_cipherlist with
 * @SECLEVEL=1 on OpenSSL 3 (as the lab's smtpd: TLS 1.1 refused) drops
 * both floor findings; on OpenSSL 1.1.1, or a library not known, the
 * findings stay and say why */
static void
test_seclevel_decides(void **state)
{
	static const char *cf = "smtpd_tls_cert_file = /etc/ssl/mail.pem\n"
	    "smtpd_tls_security_level = may\n"
	    "smtpd_tls_mandatory_ciphers = medium\n"
	    "smtpd_tls_ciphers = medium\n"
	    "tls_medium_cipherlist = aNULL:-aNULL:HIGH:MEDIUM:+RC4:@STRENGTH"
	    "\n";
	static const char *lvl = "smtpd_tls_cert_file = /etc/ssl/mail.pem\n"
	    "smtpd_tls_security_level = may\n"
	    "smtpd_tls_mandatory_ciphers = medium\n"
	    "smtpd_tls_ciphers = medium\n"
	    "tls_medium_cipherlist = aNULL:-aNULL:HIGH:MEDIUM:+RC4:@STRENGTH"
	    ":@SECLEVEL=1\n";
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	build(&m, cf);
	m.tls_library = mg_xstrdup("OpenSSL 3.0.19 27 Jan 2026");
	pf_run(mg_check_pf_tls_floor, &m, &r);
	f = pf_finding(&r, "postfix.tls.old-protocols");
	assert_non_null(f);
	assert_non_null(pf_evidence(f, "service submission: "
	    "smtpd_tls_mandatory_ciphers = medium selects "
	    "tls_medium_cipherlist, which sets no @SECLEVEL: Postfix runs "
	    "its SMTP server at OpenSSL security level 0"));
	assert_int_equal(pf_evidence(f, "service submission: ")->line, 5);
	assert_non_null(pf_finding(&r,
	    "postfix.tls.old-protocols-opportunistic"));
	mg_report_free(&r);
	mg_model_free(&m);

	build(&m, lvl);
	m.tls_library = mg_xstrdup("OpenSSL 3.0.19 27 Jan 2026");
	pf_run(mg_check_pf_tls_floor, &m, &r);
	assert_null(pf_finding(&r, "postfix.tls.old-protocols"));
	assert_null(pf_finding(&r,
	    "postfix.tls.old-protocols-opportunistic"));
	assert_null(mg_report_find_fix(&r, "postfix.tls.mandatory-protocols"));
	mg_report_free(&r);
	mg_model_free(&m);

	build(&m, lvl);
	m.tls_library = mg_xstrdup("OpenSSL 1.1.1w 11 Sep 2023");
	pf_run(mg_check_pf_tls_floor, &m, &r);
	f = pf_finding(&r, "postfix.tls.old-protocols");
	assert_non_null(f);
	assert_non_null(pf_evidence(f, "allows TLSv1, TLSv1.1"));
	assert_non_null(pf_evidence(f, "sets @SECLEVEL=1: OpenSSL 1.1.1w 11 "
	    "Sep 2023 refuses none of them at that level"));
	mg_report_free(&r);
	mg_model_free(&m);

	build(&m, lvl);
	pf_run(mg_check_pf_tls_floor, &m, &r);
	f = pf_finding(&r, "postfix.tls.old-protocols");
	assert_non_null(f);
	assert_non_null(pf_evidence(f, "the TLS library Postfix runs with is "
	    "not known (postconf -T run-version)"));
	mg_report_free(&r);
	mg_model_free(&m);
	/* a client certificate required: level 1 for the session
	 * (tls_server.c), whatever the list says; on OpenSSL 3 no finding,
	 * on 1.1.1 the finding says level 1 refuses none of them */
	build(&m, cf);
	pf_params(&m, "smtpd_tls_req_ccert = yes\n");
	m.tls_library = mg_xstrdup("OpenSSL 3.0.19 27 Jan 2026");
	pf_run(mg_check_pf_tls_floor, &m, &r);
	assert_null(pf_finding(&r, "postfix.tls.old-protocols"));
	/* port 25 (may): no client certificate required there */
	assert_non_null(pf_finding(&r,
	    "postfix.tls.old-protocols-opportunistic"));
	mg_report_free(&r);
	mg_model_free(&m);
	build(&m, cf);
	pf_params(&m, "smtpd_tls_req_ccert = yes\n");
	m.tls_library = mg_xstrdup("OpenSSL 1.1.1w 11 Sep 2023");
	pf_run(mg_check_pf_tls_floor, &m, &r);
	f = pf_finding(&r, "postfix.tls.old-protocols");
	assert_non_null(f);
	assert_non_null(pf_evidence(f, "smtpd_tls_req_ccert = yes: Postfix "
	    "sets OpenSSL security level 1"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_invalid_list_disables_tls - "!TLSv1.0" is no protocol name:
 * Postfix rejects the list and runs the service without TLS; no false
 * "allows TLSv1" but protocols-invalid, high on the mandatory service,
 * medium alone on port 25 */
static void
test_invalid_list_disables_tls(void **state)
{
	static const char *cf = "smtpd_tls_cert_file = /etc/ssl/mail.pem\n"
	    "smtpd_tls_security_level = may\n"
	    "smtpd_tls_mandatory_protocols = !SSLv2, !SSLv3, !TLSv1.0\n"
	    "smtpd_tls_protocols = >=TLSv1.2\n";
	static const char *cf25 = "smtpd_tls_cert_file = /etc/ssl/mail.pem\n"
	    "smtpd_tls_security_level = may\n"
	    "smtpd_tls_mandatory_protocols = >=TLSv1.2\n"
	    "smtpd_tls_protocols = >=TLSv1.0\n";
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	build(&m, cf);
	pf_run(mg_check_pf_tls_floor, &m, &r);
	assert_null(pf_finding(&r, "postfix.tls.old-protocols"));
	assert_null(mg_report_find_fix(&r, "postfix.tls.mandatory-protocols"));
	f = pf_finding(&r, "postfix.tls.protocols-invalid");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_HIGH);
	assert_int_equal(f->nevidence, 1);
	assert_non_null(pf_evidence(f, "service submission requires TLS and "
	    "has smtpd_tls_mandatory_protocols = !SSLv2, !SSLv3, !TLSv1.0 "
	    "(main.cf:3): Postfix rejects the list and disables TLS there"));
	mg_report_free(&r);
	mg_model_free(&m);

	build(&m, cf25);
	pf_run(mg_check_pf_tls_floor, &m, &r);
	f = pf_finding(&r, "postfix.tls.protocols-invalid");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	assert_non_null(pf_evidence(f, "service smtp offers STARTTLS"));
	assert_null(pf_finding(&r, "postfix.tls.old-protocols"));
	assert_null(pf_finding(&r,
	    "postfix.tls.old-protocols-opportunistic"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_default_submission_medium_port25_info - Debian's defaults with a
 * certificate: submission (encrypt) medium with a fix in main.cf, port 25
 * (may, no AUTH) info without one, outbound none low with a fix */
static void
test_default_submission_medium_port25_info(void **state)
{
	static const char *cf = "smtpd_tls_cert_file = /etc/ssl/mail.pem\n"
	    "smtpd_tls_key_file = /etc/ssl/mail.key\n"
	    "smtpd_tls_security_level = may\n";
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	build(&m, cf);
	pf_run(mg_check_pf_tls_floor, &m, &r);
	assert_int_equal(r.nfindings, 3);
	f = pf_finding(&r, "postfix.tls.old-protocols");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	assert_int_equal(f->nevidence, 2);	/* the list; the level */
	assert_non_null(pf_evidence(f, "service submission requires TLS and "
	    "has smtpd_tls_mandatory_protocols = >=TLSv1 (default at "
	    "compatibility_level"));
	assert_non_null(pf_evidence(f, "allows TLSv1, TLSv1.1"));
	x = mg_report_find_fix(&r, "postfix.tls.mandatory-protocols");
	assert_non_null(x);
	assert_int_equal(x->nedits, 1);
	assert_string_equal(x->edits[0].param,
	    "smtpd_tls_mandatory_protocols");
	assert_string_equal(x->edits[0].new_text, ">=TLSv1.2");
	assert_int_equal(f->nfix_ids, 1);

	f = pf_finding(&r, "postfix.tls.old-protocols-opportunistic");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_INFO);
	assert_int_equal(f->nfix_ids, 0);
	assert_non_null(pf_evidence(f, "service smtp offers STARTTLS with"));

	f = pf_finding(&r, "postfix.tls.outbound-none");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_LOW);
	assert_int_equal(f->nevidence, 2);	/* smtp and relay */
	x = mg_report_find_fix(&r, "postfix.tls.outbound-may");
	assert_non_null(x);
	assert_int_equal(x->nedits, 1);
	assert_string_equal(x->edits[0].new_text, "may");
	assert_int_equal(r.nfixes, 2);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_hardened_no_findings - floors at TLS 1.2, outbound may: silent */
static void
test_hardened_no_findings(void **state)
{
	static const char *cf = "smtpd_tls_cert_file = /etc/ssl/mail.pem\n"
	    "smtpd_tls_security_level = may\n"
	    "smtpd_tls_mandatory_protocols = !SSLv2, !SSLv3, !TLSv1, "
	    "!TLSv1.1\n"
	    "smtpd_tls_protocols = >=TLSv1.2\n"
	    "smtp_tls_security_level = may\n";
	struct mg_model m;
	struct mg_report r;

	(void)state;
	build(&m, cf);
	pf_run(mg_check_pf_tls_floor, &m, &r);
	assert_int_equal(r.nfindings, 0);
	assert_int_equal(r.nfixes, 0);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_legacy_use_tls_not_none - smtp_use_tls = yes is level may; no
 * certificate: no inbound finding at all */
static void
test_legacy_use_tls_not_none(void **state)
{
	static const char *cf = "smtp_use_tls = yes\n";
	struct mg_model m;
	struct mg_report r;

	(void)state;
	build(&m, cf);
	pf_run(mg_check_pf_tls_floor, &m, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_written_setting_edited_in_place - the main.cf line is edited, the
 * evidence cites it */
static void
test_written_setting_edited_in_place(void **state)
{
	static const char *cf = "smtpd_tls_cert_file = /etc/ssl/mail.pem\n"
	    "smtpd_tls_mandatory_protocols = !SSLv2, !SSLv3\n"
	    "smtp_tls_security_level = none\n";
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	build(&m, cf);
	pf_run(mg_check_pf_tls_floor, &m, &r);
	f = pf_finding(&r, "postfix.tls.old-protocols");
	assert_non_null(f);
	assert_int_equal(f->evidence[0].line, 2);
	assert_non_null(pf_evidence(f, "(main.cf:2)"));
	x = mg_report_find_fix(&r, "postfix.tls.mandatory-protocols");
	assert_int_equal(x->edits[0].line, 2);
	assert_string_equal(x->edits[0].old_text, "!SSLv2, !SSLv3");
	/* port 25 has no STARTTLS level: nothing opportunistic */
	assert_null(pf_finding(&r,
	    "postfix.tls.old-protocols-opportunistic"));
	f = pf_finding(&r, "postfix.tls.outbound-none");
	assert_non_null(pf_evidence(f, "smtp_tls_security_level = none "
	    "(main.cf:3)"));
	x = mg_report_find_fix(&r, "postfix.tls.outbound-may");
	assert_int_equal(x->edits[0].line, 3);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_override_not_located - postconf -P lists a service's own -o but
 * master.cf's text does not place it: main.cf's setting does not reach
 * that service, so no main.cf edit; the evidence says to set it by hand
 * and the fix, left without edits, is dropped */
static void
test_override_not_located(void **state)
{
	static const char *cf = "smtpd_tls_cert_file = /etc/ssl/mail.pem\n"
	    "smtpd_tls_mandatory_protocols = >=TLSv1.2\n"
	    "smtp_tls_security_level = may\n";
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	pf_build(&m, cf, NULL, cf);
	pf_params(&m, defaults);
	pf_params(&m, cf);
	pf_master(&m, "smtp inet n - y - - smtpd\n"
	    "submission inet n - y - - smtpd -o smtpd_tls_security_level="
	    "encrypt -o smtpd_tls_mandatory_protocols=>=TLSv1\n"
	    "smtp unix - - y - - smtp\n"
	    "relay unix - - y - - smtp -o smtp_tls_security_level=none\n",
	    "submission/inet/smtpd_tls_security_level = encrypt\n"
	    "submission/inet/smtpd_tls_mandatory_protocols = >=TLSv1\n"
	    "relay/unix/smtp_tls_security_level = none\n",
	    "smtp      inet  n       -       y       -       -       smtpd\n"
	    "submission inet n       -       y       -       -       smtpd\n"
	    "  -o smtpd_tls_security_level=encrypt\n"
	    "smtp      unix  -       -       y       -       -       smtp\n"
	    "relay     unix  -       -       y       -       -       smtp\n");
	pf_run(mg_check_pf_tls_floor, &m, &r);
	f = pf_finding(&r, "postfix.tls.old-protocols");
	assert_non_null(f);
	assert_non_null(pf_evidence(f, "service submission: set -o "
	    "smtpd_tls_mandatory_protocols=>=TLSv1.2 in its master.cf entry "
	    "by hand"));
	assert_null(mg_report_find_fix(&r, "postfix.tls.mandatory-protocols"));
	assert_int_equal(f->nfix_ids, 0);
	f = pf_finding(&r, "postfix.tls.outbound-none");
	assert_non_null(f);
	assert_non_null(pf_evidence(f, "service relay: set -o "
	    "smtp_tls_security_level=may in its master.cf entry by hand"));
	assert_null(mg_report_find_fix(&r, "postfix.tls.outbound-may"));
	assert_int_equal(f->nfix_ids, 0);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_relayhost_policy_map_tls - a smarthost setup: relayhost
 * [smtp.example.net]:587 and smtp_tls_policy_maps giving it "encrypt"
 * (TLS_README's per-destination policy) with smtp_tls_security_level
 * empty: everything goes to the relay host encrypted, no finding; the
 * same map giving it "none", or no entry for it, still the finding */
static void
test_relayhost_policy_map_tls(void **state)
{
	static const char *cf = "relayhost = [smtp.example.net]:587\n"
	    "smtp_tls_policy_maps = hash:/etc/postfix/tls_policy\n";
	static const char *const listings[] = {
		"[smtp.example.net]:587\tencrypt protocols=>=TLSv1.2\n",
		"[smtp.example.net]:587\tnone\n",
		"[other.example.net]:587\tencrypt\n" };
	static const int want[] = { 0, 1, 1 };
	struct mg_model m;
	struct mg_report r;
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(want); i++) {
		build(&m, cf);
		(void)pf_map(&m, "hash:/etc/postfix/tls_policy", listings[i],
		    NULL, NULL);
		pf_run(mg_check_pf_tls_floor, &m, &r);
		if (want[i])
			assert_non_null(pf_finding(&r,
			    "postfix.tls.outbound-none"));
		else
			assert_null(pf_finding(&r,
			    "postfix.tls.outbound-none"));
		mg_report_free(&r);
		mg_model_free(&m);
	}
}

/* test_content_filter_transport_not_judged - amavis's smtp(8) service
 * on loopback is no outbound transport: only smtp and relay (what
 * default_transport and relay_transport name) are evidence */
static void
test_content_filter_transport_not_judged(void **state)
{
	static const char *cf = "smtp_tls_security_level = none\n"
	    "default_transport = smtp\n"
	    "relay_transport = relay\n";
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	pf_build(&m, cf, NULL, cf);
	pf_params(&m, defaults);
	pf_params(&m, cf);
	pf_master(&m, "smtp unix - - y - - smtp\n"
	    "relay unix - - y - - smtp\n"
	    "amavis unix - - - - 2 smtp -o smtp_data_done_timeout=1200\n",
	    "amavis/unix/smtp_data_done_timeout = 1200\n",
	    "smtp      unix  -       -       y       -       -       smtp\n"
	    "relay     unix  -       -       y       -       -       smtp\n"
	    "amavis unix - - - - 2 smtp\n"
	    "        -o smtp_data_done_timeout=1200\n");
	pf_run(mg_check_pf_tls_floor, &m, &r);
	f = pf_finding(&r, "postfix.tls.outbound-none");
	assert_non_null(f);
	assert_int_equal(f->nevidence, 2);
	assert_null(pf_evidence(f, "amavis"));
	mg_report_free(&r);
	mg_model_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_protocol_syntaxes),
		cmocka_unit_test(test_seclevel_of_cipher_list),
		cmocka_unit_test(test_seclevel_decides),
		cmocka_unit_test(test_invalid_list_disables_tls),
		cmocka_unit_test(test_default_submission_medium_port25_info),
		cmocka_unit_test(test_hardened_no_findings),
		cmocka_unit_test(test_legacy_use_tls_not_none),
		cmocka_unit_test(test_written_setting_edited_in_place),
		cmocka_unit_test(test_override_not_located),
		cmocka_unit_test(test_content_filter_transport_not_judged),
		cmocka_unit_test(test_relayhost_policy_map_tls),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
