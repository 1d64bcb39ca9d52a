/* test_check_pf_auth.c - SMTP AUTH checks on Postfix model data. */
#include <stdlib.h>
#include <string.h>

#include "../../backends/postfix/pf_log.h"
#include "../../backends/postfix/pf_sasl.h"
#include "../../core/mg_maillog.h"
#include "../../core/mg_queue.h"
#include "mg_test.h"
#include "pf_fixture.h"

/* master.cf as Debian ships it, with submission enabled. */
static const char *master_m =
    "smtp inet n - y - - smtpd\n"
    "submission inet n - y - - smtpd -o syslog_name=postfix/submission "
    "-o smtpd_tls_security_level=encrypt -o smtpd_sasl_auth_enable=yes\n"
    "pickup unix n - y 60 1 pickup\n";
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
    "pickup    unix  n       -       y       60      1       pickup\n";

/* build - main.cf settings (as -n, -x and the file) over master.cf */
static void
build(struct mg_model *m, const char *main_cf, int with_submission)
{
	pf_build(m, main_cf, NULL, main_cf);
	if (with_submission)
		pf_master(m, master_m, master_p, master_cf);
	else
		pf_master(m, "smtp inet n - y - - smtpd\n", "",
		    "smtp      inet  n       -       y       -       -  "
		    "     smtpd\n");
}

/* test_no_sasl_no_findings - AUTH nowhere: nothing to say */
static void
test_no_sasl_no_findings(void **state)
{
	struct mg_model m;
	struct mg_report r;

	(void)state;
	build(&m, "myhostname = mail.example.com\n", 0);
	pf_run(mg_check_pf_auth, &m, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_auth_before_starttls - AUTH on with STARTTLS optional and a
 * certificate: high, fix smtpd_tls_auth_only = yes in main.cf; AUTH on
 * port 25 while submission exists: medium, fix off in main.cf and the
 * submission keeps its own -o */
static void
test_auth_before_starttls(void **state)
{
	static const char *cf = "smtpd_tls_cert_file = /etc/ssl/mail.pem\n"
	    "smtpd_tls_security_level = may\n"
	    "smtpd_sasl_auth_enable = yes\n";
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	build(&m, cf, 1);
	pf_run(mg_check_pf_auth, &m, &r);
	f = pf_finding(&r, "postfix.auth.no-tls");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_HIGH);
	assert_non_null(pf_evidence(f, "service smtp (inet) offers AUTH "
	    "before STARTTLS"));
	/* submission requires TLS: not exposed */
	assert_null(pf_evidence(f, "submission"));
	assert_int_equal(pf_evidence(f, "smtpd_sasl_auth_enable")->line, 3);
	x = mg_report_find_fix(&r, "postfix.auth.tls-only");
	assert_non_null(x);
	assert_int_equal(x->nedits, 1);
	assert_string_equal(x->edits[0].param, "smtpd_tls_auth_only");
	assert_string_equal(x->edits[0].new_text, "yes");

	f = pf_finding(&r, "postfix.auth.port25");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	assert_non_null(pf_evidence(f, "submission service submission "
	    "(port 587) offers AUTH"));
	x = mg_report_find_fix(&r, "postfix.auth.submission-only");
	assert_non_null(x);
	assert_int_equal(x->nedits, 1);
	assert_string_equal(x->edits[0].param, "smtpd_sasl_auth_enable");
	assert_string_equal(x->edits[0].new_text, "no");
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_override_not_located - postconf -P lists a service's own -o but
 * master.cf's text does not place it: main.cf does not reach that
 * service and a new -o would come before the one that counts, so no edit
 * for it; the evidence says to set it by hand, and a fix left without
 * edits is dropped */
static void
test_override_not_located(void **state)
{
	static const char *cf = "smtpd_tls_cert_file = /etc/ssl/mail.pem\n"
	    "smtpd_tls_security_level = may\n"
	    "smtpd_sasl_auth_enable = yes\n";
	static const char *mcf =
	    "smtp      inet  n       -       y       -       -       smtpd\n"
	    "submission inet n       -       y       -       -       smtpd\n"
	    "pickup    unix  n       -       y       60      1       pickup\n";
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;
	size_t i;

	(void)state;
	/* no-tls: submission's own smtpd_tls_auth_only=no is not placed;
	 * smtp inherits main.cf, which the fix sets */
	pf_build(&m, cf, NULL, cf);
	pf_master(&m, "smtp inet n - y - - smtpd\n"
	    "submission inet n - y - - smtpd -o smtpd_tls_auth_only=no\n"
	    "pickup unix n - y 60 1 pickup\n",
	    "submission/inet/smtpd_tls_auth_only = no\n", mcf);
	pf_run(mg_check_pf_auth, &m, &r);
	f = pf_finding(&r, "postfix.auth.no-tls");
	assert_non_null(f);
	assert_non_null(pf_evidence(f, "set -o smtpd_tls_auth_only=yes in "
	    "its entry by hand"));
	x = mg_report_find_fix(&r, "postfix.auth.tls-only");
	assert_non_null(x);
	assert_int_equal(x->nedits, 1);
	assert_string_equal(x->edits[0].file, PF_MAIN_CF);
	mg_report_free(&r);
	mg_model_free(&m);

	/* port25: smtp's own smtpd_sasl_auth_enable=yes is not placed;
	 * main.cf's value does not reach it: nothing safe to edit */
	pf_build(&m, "smtpd_tls_cert_file = /etc/ssl/mail.pem\n"
	    "smtpd_tls_security_level = may\nsmtpd_tls_auth_only = yes\n",
	    NULL, "smtpd_tls_cert_file = /etc/ssl/mail.pem\n"
	    "smtpd_tls_security_level = may\nsmtpd_tls_auth_only = yes\n");
	pf_master(&m, "smtp inet n - y - - smtpd -o smtpd_sasl_auth_enable="
	    "yes\nsubmission inet n - y - - smtpd -o smtpd_sasl_auth_enable="
	    "yes\npickup unix n - y 60 1 pickup\n",
	    "smtp/inet/smtpd_sasl_auth_enable = yes\n"
	    "submission/inet/smtpd_sasl_auth_enable = yes\n",
	    "smtp      inet  n       -       y       -       -       smtpd\n"
	    "submission inet n       -       y       -       -       smtpd\n"
	    "  -o smtpd_sasl_auth_enable=yes\n"
	    "pickup    unix  n       -       y       60      1       pickup\n");
	pf_run(mg_check_pf_auth, &m, &r);
	f = pf_finding(&r, "postfix.auth.port25");
	assert_non_null(f);
	assert_non_null(pf_evidence(f, "set -o smtpd_sasl_auth_enable=no in "
	    "its entry by hand"));
	assert_null(mg_report_find_fix(&r, "postfix.auth.submission-only"));
	for (i = 0; i < f->nfix_ids; i++)
		assert_string_not_equal(f->fix_ids[i],
		    "postfix.auth.submission-only");
	mg_report_free(&r);
	mg_model_free(&m);
}

/*
 * test_no_tls_service_keeps_auth - AUTH before STARTTLS on smtp (TLS
 * ready) while port 2525 has TLS off and shares main.cf's
 * smtpd_tls_auth_only: main.cf's value would take AUTH from 2525, so smtp
 * gets its own -o.  When smtp's entry cannot be placed in master.cf that
 * -o cannot be written: no fix at all, and the evidence says what to set
 * by hand (before, the fix fell back to main.cf's value)
 */
static void
test_no_tls_service_keeps_auth(void **state)
{
	static const char *cf = "smtpd_tls_cert_file = /etc/ssl/mail.pem\n"
	    "smtpd_tls_security_level = may\n"
	    "smtpd_sasl_auth_enable = yes\n";
	static const char *mm = "smtp inet n - y - - smtpd\n"
	    "2525 inet n - y - - smtpd -o smtpd_tls_security_level=none\n";
	static const char *pp = "2525/inet/smtpd_tls_security_level = none\n";
	static const char *mcf2525 =
	    "2525      inet  n       -       y       -       -       smtpd\n"
	    "  -o smtpd_tls_security_level=none\n";
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;
	struct mg_str mcf = MG_STR_INIT;
	size_t i;

	(void)state;
	mg_str_puts(&mcf, "smtp      inet  n       -       y       -       -  "
	    "     smtpd\n");
	mg_str_puts(&mcf, mcf2525);
	pf_build(&m, cf, NULL, cf);
	pf_master(&m, mm, pp, mg_str_cstr(&mcf));
	pf_run(mg_check_pf_auth, &m, &r);
	x = mg_report_find_fix(&r, "postfix.auth.tls-only");
	assert_non_null(x);
	assert_true(x->nedits >= 1);
	for (i = 0; i < x->nedits; i++)
		assert_string_equal(x->edits[i].file, PF_MASTER_CF);
	mg_report_free(&r);
	mg_model_free(&m);

	/* smtp's entry not in master.cf's text */
	pf_build(&m, cf, NULL, cf);
	pf_master(&m, mm, pp, mcf2525);
	pf_run(mg_check_pf_auth, &m, &r);
	f = pf_finding(&r, "postfix.auth.no-tls");
	assert_non_null(f);
	assert_null(mg_report_find_fix(&r, "postfix.auth.tls-only"));
	assert_non_null(pf_evidence(f, "set -o smtpd_tls_auth_only=yes in "
	    "its entry by hand"));
	mg_report_free(&r);
	mg_model_free(&m);
	mg_str_free(&mcf);
}

/*
 * test_port25_submission_keeps_auth - AUTH on port 25 and, inherited
 * from main.cf, on submission: the fix turns main.cf's off and gives
 * submission its own -o ...=yes.  When submission's entry cannot be
 * placed in master.cf that -o cannot be written: no fix (before, main.cf
 * was set off anyway and submission lost AUTH), and the evidence says
 * what to set by hand
 */
static void
test_port25_submission_keeps_auth(void **state)
{
	static const char *cf = "smtpd_tls_cert_file = /etc/ssl/mail.pem\n"
	    "smtpd_tls_security_level = may\nsmtpd_tls_auth_only = yes\n"
	    "smtpd_sasl_auth_enable = yes\n";
	static const char *mm = "smtp inet n - y - - smtpd\n"
	    "submission inet n - y - - smtpd\n";
	static const char *smtp_line =
	    "smtp      inet  n       -       y       -       -       smtpd\n";
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;
	struct mg_str mcf = MG_STR_INIT;
	size_t i;
	int main_off = 0, sub_on = 0;

	(void)state;
	mg_str_puts(&mcf, smtp_line);
	mg_str_puts(&mcf, "submission inet n       -       y       -       -"
	    "       smtpd\n");
	pf_build(&m, cf, NULL, cf);
	pf_master(&m, mm, "", mg_str_cstr(&mcf));
	pf_run(mg_check_pf_auth, &m, &r);
	x = mg_report_find_fix(&r, "postfix.auth.submission-only");
	assert_non_null(x);
	for (i = 0; i < x->nedits; i++) {
		main_off += strcmp(x->edits[i].file, PF_MAIN_CF) == 0;
		sub_on += strcmp(x->edits[i].file, PF_MASTER_CF) == 0;
	}
	assert_int_equal(main_off, 1);
	assert_int_equal(sub_on, 1);
	mg_report_free(&r);
	mg_model_free(&m);

	/* submission's entry not in master.cf's text */
	pf_build(&m, cf, NULL, cf);
	pf_master(&m, mm, "", smtp_line);
	pf_run(mg_check_pf_auth, &m, &r);
	f = pf_finding(&r, "postfix.auth.port25");
	assert_non_null(f);
	assert_null(mg_report_find_fix(&r, "postfix.auth.submission-only"));
	assert_non_null(pf_evidence(f, "set -o smtpd_sasl_auth_enable=yes in "
	    "its entry by hand"));
	mg_report_free(&r);
	mg_model_free(&m);
	mg_str_free(&mcf);
}

/* test_auth_only_after_tls - smtpd_tls_auth_only = yes: not exposed; a
 * service without TLS at all: low, and no fix that would switch AUTH
 * off there */
static void
test_auth_only_after_tls(void **state)
{
	struct mg_model m;
	struct mg_report r;
	const struct mg_finding *f;

	(void)state;
	build(&m, "smtpd_tls_cert_file = /etc/ssl/mail.pem\n"
	    "smtpd_tls_security_level = may\n"
	    "smtpd_tls_auth_only = yes\n"
	    "smtpd_sasl_auth_enable = yes\n", 1);
	pf_run(mg_check_pf_auth, &m, &r);
	assert_null(pf_finding(&r, "postfix.auth.no-tls"));
	assert_non_null(pf_finding(&r, "postfix.auth.port25"));
	mg_report_free(&r);
	mg_model_free(&m);

	build(&m, "smtpd_sasl_auth_enable = yes\n"
	    "smtpd_sasl_security_options = noanonymous, noplaintext\n", 0);
	pf_run(mg_check_pf_auth, &m, &r);
	f = pf_finding(&r, "postfix.auth.no-tls");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_LOW);	/* noplaintext */
	assert_non_null(pf_evidence(f, "no fix proposed until TLS works"));
	assert_null(mg_report_find_fix(&r, "postfix.auth.tls-only"));
	/* port 25 is the only way in: low, no fix */
	f = pf_finding(&r, "postfix.auth.port25");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_LOW);
	assert_null(mg_report_find_fix(&r, "postfix.auth.submission-only"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* add_sasldb - the lab's sasldb and its smtpd.conf, as pf_sasl loads
 * them, and passwd(5) giving root uid 0 */
static void
add_sasldb(struct mg_model *m)
{
	static const char *conf = "pwcheck_method: auxprop\n"
	    "auxprop_plugin: sasldb\n"
	    "sasldb_path: /etc/postfix/sasldb2\n"
	    "mech_list: PLAIN LOGIN\n";
	struct mg_srcfile *f;

	f = mg_model_file_add(m, "/etc/postfix/sasl/smtpd.conf");
	mg_srcfile_set_text(f, conf, strlen(conf));
	assert_int_equal(mg_pf_sasl_conf_parse(m, f), 0);
	assert_int_equal(mg_pf_sasldb_parse(m,
	    "alice@mail.example.com: userPassword\n"
	    "root@mail.example.com: userPassword\n"
	    "nagios@mail.example.com: userPassword\n",
	    "sasldb /etc/postfix/sasldb2"), 3);
	mg_pf_sasl_passwd(m, "root:x:0:0:root:/root:/bin/bash\n"
	    "nagios:x:118:118::/var/lib/nagios:/usr/sbin/nologin\n"
	    "alice:x:1000:1000::/home/alice:/bin/bash\n", 0);
	m->users_backend = mg_xstrdup("cyrus sasldb /etc/postfix/sasldb2");
	m->users_complete = 1;
}

/* test_system_accounts_in_sasldb - root (a role name, uid 0) and
 * nagios (uid 118) are flagged at smtpd.conf's sasldb_path line with a
 * saslpasswd2 -d each; alice is not */
static void
test_system_accounts_in_sasldb(void **state)
{
	const struct mg_finding *f;
	const struct mg_evidence *e;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	build(&m, "smtpd_sasl_auth_enable = yes\n"
	    "smtpd_tls_auth_only = yes\n", 1);
	add_sasldb(&m);
	pf_run(mg_check_pf_auth, &m, &r);
	f = pf_finding(&r, "postfix.sasl.system-account");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_HIGH);
	e = pf_evidence(f, "SASL account root in realm mail.example.com");
	assert_non_null(e);
	assert_string_equal(e->file, "/etc/postfix/sasl/smtpd.conf");
	assert_int_equal(e->line, 3);
	assert_non_null(pf_evidence(f, "nagios in realm mail.example.com: "
	    "the name of a system account here (uid 118)"));
	assert_null(pf_evidence(f, "alice"));
	x = mg_report_find_fix(&r, "postfix.sasl.disable-system");
	assert_non_null(x);
	assert_int_equal(x->npost, 2);
	assert_int_equal(x->post[0].argc, 7);
	assert_string_equal(x->post[0].argv[0], "saslpasswd2");
	assert_string_equal(x->post[0].argv[3], "/etc/postfix/sasldb2");
	assert_string_equal(x->post[0].argv[5], "mail.example.com");
	assert_string_equal(x->post[0].argv[6], "root");
	assert_string_equal(x->post[1].argv[6], "nagios");
	f = pf_finding(&r, "postfix.sasl.accounts");
	assert_non_null(f);
	assert_non_null(pf_evidence(f, "alice@mail.example.com"));
	assert_null(pf_finding(&r, "postfix.sasl.unverified"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_root_floods_queue_critical - the account that owns most of a
 * sizeable queue is the one in the sasldb: critical, with the count */
static void
test_root_floods_queue_critical(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;
	struct mg_qmsg *q;
	size_t i;

	(void)state;
	build(&m, "smtpd_sasl_auth_enable = yes\n"
	    "smtpd_tls_auth_only = yes\n", 1);
	add_sasldb(&m);
	m.queue = mg_xcalloc(1, sizeof(*m.queue));
	mg_queue_init(m.queue);
	m.now = 2000;
	for (i = 0; i < 80; i++) {
		q = mg_queue_add(m.queue);
		q->id = "ID";
		q->queue = "deferred";
		q->sender = "";
		q->arrival = 1000;
		q->sasl_username = i < 60 ? "root@mail.example.com" : "alice";
	}
	pf_run(mg_check_pf_auth, &m, &r);
	f = pf_finding(&r, "postfix.sasl.system-account");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_CRITICAL);
	assert_non_null(pf_evidence(f, "root@mail.example.com sent 60 of "
	    "the 80 queued messages"));
	assert_non_null(strstr(f->explanation, "purge --sasl "
	    "root@mail.example.com"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_pam_backed - saslauthd with PAM: every login account */
static void
test_pam_backed(void **state)
{
	static const char *defaults = "START=yes\nMECHANISMS=\"pam\"\n";
	const struct mg_finding *f;
	struct mg_srcfile *sf;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	build(&m, "smtpd_sasl_auth_enable = yes\n"
	    "smtpd_tls_auth_only = yes\n", 1);
	sf = mg_model_file_add(&m, "/etc/default/saslauthd");
	mg_srcfile_set_text(sf, defaults, strlen(defaults));
	assert_non_null(mg_pf_saslauthd_parse(&m, sf));
	mg_pf_sasl_passwd(&m, "root:x:0:0:root:/root:/bin/bash\n"
	    "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
	    "alice:x:1000:1000::/home/alice:/bin/bash\n", 1);
	m.users_backend = mg_xstrdup("cyrus saslauthd (MECHANISMS pam)");
	pf_run(mg_check_pf_auth, &m, &r);
	f = pf_finding(&r, "postfix.sasl.system-backed");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	assert_non_null(pf_evidence(f, "root (uid 0), alice (uid 1000)"));
	assert_null(pf_evidence(f, "daemon"));	/* nologin */
	assert_int_equal(pf_evidence(f, "MECHANISMS=pam")->line, 2);
	/* system accounts are not a sasldb: nothing to delete */
	assert_null(pf_finding(&r, "postfix.sasl.system-account"));
	assert_null(pf_finding(&r, "postfix.sasl.unverified"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_unlisted_backend - Dovecot without doveconf: low, unverified */
static void
test_unlisted_backend(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	build(&m, "smtpd_sasl_auth_enable = yes\n"
	    "smtpd_sasl_type = dovecot\n"
	    "smtpd_sasl_path = private/auth\n"
	    "smtpd_tls_auth_only = yes\n", 1);
	m.users_backend = mg_xstrdup("dovecot (smtpd_sasl_path "
	    "private/auth): passdb unknown");
	pf_run(mg_check_pf_auth, &m, &r);
	f = pf_finding(&r, "postfix.sasl.unverified");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_LOW);
	assert_int_equal(pf_evidence(f, "smtpd_sasl_type = dovecot")->line,
	    2);
	mg_report_free(&r);
	mg_model_free(&m);
}

/*
 * test_purged_account_stays_critical - after "purge --sasl root" the
 * queue holds alice's 90 ordinary messages; the mail log still shows the
 * 260 messages root submitted after logging in, and root is still in the
 * sasldb: the top concern stays root (critical: it can still log in),
 * and alice's ordinary mail is not called a flood
 */
static void
test_purged_account_stays_critical(void **state)
{
	static const char *const lines[] = {
	    "Dec  6 09:00:01 mx postfix/submission/smtpd[811]: 4Fk2hX1z9dz9v: "
	    "client=unknown[203.0.113.250], sasl_method=LOGIN, "
	    "sasl_username=root@mail.example.com",
	    "Dec  6 09:10:11 mx postfix/submission/smtpd[812]: 4Fk2hX1z9dz9w: "
	    "client=office[198.51.100.20], sasl_method=PLAIN, "
	    "sasl_username=alice",
	    "Dec  6 09:10:12 mx postfix/smtpd[813]: 4Fk2hX1z9dz9x: "
	    "client=mx.partner.example[192.0.2.44]",
	    NULL };
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;
	struct mg_qmsg *q;
	size_t i, k;

	(void)state;
	build(&m, "smtpd_sasl_auth_enable = yes\n"
	    "smtpd_tls_auth_only = yes\n", 1);
	add_sasldb(&m);
	m.queue = mg_xcalloc(1, sizeof(*m.queue));
	mg_queue_init(m.queue);
	m.now = 2000;
	for (i = 0; i < 90; i++) {
		q = mg_queue_add(m.queue);
		q->id = "ID";
		q->queue = "deferred";
		q->sender = "alice@mail.example.com";
		q->arrival = 1000;
		q->sasl_username = "alice";
	}
	m.log = mg_xcalloc(1, sizeof(*m.log));
	mg_maillog_init(m.log);
	m.log->path = mg_xstrdup("/var/log/mail.log");
	for (i = 0; i < 260; i++)
		for (k = 0; lines[k] != NULL; k++)
			if (k != 1 || i < 90)
				mg_maillog_line(m.log, mg_pf_log_line, NULL,
				    lines[k], strlen(lines[k]));
	mg_maillog_finish(m.log);
	pf_run(mg_check_pf_auth, &m, &r);
	f = pf_finding(&r, "postfix.sasl.system-account");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_CRITICAL);
	assert_string_equal(r.findings[0].id, "postfix.sasl.system-account");
	assert_non_null(pf_evidence(f, "/var/log/mail.log shows 260 "
	    "messages submitted after logging in as root@mail.example.com"));
	assert_non_null(pf_evidence(f, "still in the sasldb: it can still "
	    "log in"));
	assert_null(pf_evidence(f, "alice"));
	mg_report_free(&r);
	mg_model_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_sasl_no_findings),
		cmocka_unit_test(test_auth_before_starttls),
		cmocka_unit_test(test_auth_only_after_tls),
		cmocka_unit_test(test_override_not_located),
		cmocka_unit_test(test_no_tls_service_keeps_auth),
		cmocka_unit_test(test_port25_submission_keeps_auth),
		cmocka_unit_test(test_system_accounts_in_sasldb),
		cmocka_unit_test(test_root_floods_queue_critical),
		cmocka_unit_test(test_purged_account_stays_critical),
		cmocka_unit_test(test_pam_backed),
		cmocka_unit_test(test_unlisted_backend),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
