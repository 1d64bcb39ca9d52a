/* test_check_dnsbl.c - DNSBLs asked through a public resolver: resolv.conf
 * fixtures (tests/unit/data/resolv), Postfix restriction lists and
 * postscreen from captured postconf output, Exim dnslists conditions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/mg_file.h"
#include "../../core/mg_resolv.h"
#include "pf_fixture.h"
#include "mg_test.h"

#define DATA "tests/unit/data/resolv/"

/* resolv - the model's resolv.conf from a fixture */
static void
resolv(struct mg_model *m, const char *name)
{
	struct mg_err err;

	m->resolv = mg_xcalloc(1, sizeof(*m->resolv));
	assert_int_equal(mg_resolv_read(m->resolv, name, &err), 0);
}

/* test_resolv_parse - nameservers, lines, which are public */
static void
test_resolv_parse(void **state)
{
	struct mg_resolv r;
	struct mg_err err;

	(void)state;
	assert_int_equal(mg_resolv_read(&r, DATA "google.conf", &err), 0);
	assert_int_equal(r.nns, 2);
	assert_string_equal(r.ns[0].text, "8.8.8.8");
	assert_int_equal(r.ns[0].line, 3);
	assert_string_equal(r.ns[0].public, "Google Public DNS");
	assert_string_equal(r.ns[1].public, "Cloudflare 1.1.1.1");
	assert_int_equal(mg_resolv_npublic(&r), 2);
	mg_resolv_free(&r);
	assert_int_equal(mg_resolv_read(&r, DATA "systemd-resolved.conf",
	    &err), 0);
	assert_int_equal(r.nns, 1);
	assert_null(r.ns[0].public);
	mg_resolv_free(&r);
	assert_int_equal(mg_resolv_read(&r, DATA "fallback-public.conf",
	    &err), 0);
	assert_int_equal(r.nns, 2);
	assert_null(r.ns[0].public);
	assert_string_equal(r.ns[1].public, "a public address");
	mg_resolv_free(&r);
	(void)mg_resolv_parse(&r, "x", "nameserver fe80::1%eth0\n"
	    "nameserver\tfd00::53 # ula\n#nameserver 8.8.8.8\n"
	    "nameserver 9.9.9.9/24\nnameserverx 1.1.1.1\n");
	assert_int_equal(r.nns, 2);
	assert_null(r.ns[1].public);
	assert_int_equal(mg_resolv_npublic(&r), 0);
	mg_resolv_free(&r);
	assert_int_equal(mg_resolv_read(&r, DATA "missing.conf", &err), -1);
}

static const char *pf_n =
    "smtpd_recipient_restrictions = permit_mynetworks, "
    "reject_unauth_destination, reject_rbl_client zen.spamhaus.org="
    "127.0.0.[2..11], reject_rhsbl_sender dbl.spamhaus.org\n";
static const char *pf_cf =
    "myhostname = mx.example.com\n"
    "smtpd_recipient_restrictions = permit_mynetworks,\n"
    "    reject_unauth_destination,\n"
    "    reject_rbl_client zen.spamhaus.org=127.0.0.[2..11],\n"
    "    reject_rhsbl_sender dbl.spamhaus.org\n";

/* test_pf_public - main.cf's lists through Google: high, evidence */
static void
test_pf_public(void **state)
{
	const struct mg_finding *f;
	const struct mg_evidence *e;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	pf_build(&m, pf_n, NULL, pf_cf);
	resolv(&m, DATA "google.conf");
	pf_run(mg_check_pf_dnsbl, &m, &r);
	assert_int_equal(r.nfindings, 1);
	f = pf_finding(&r, "postfix.dnsbl.public-resolver");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_HIGH);
	assert_string_equal(f->area, "smtpd");
	assert_int_equal(f->nfix_ids, 0);
	e = pf_evidence(f, "smtpd_recipient_restrictions asks "
	    "reject_rbl_client zen.spamhaus.org=127.0.0.[2..11], "
	    "reject_rhsbl_sender dbl.spamhaus.org");
	assert_non_null(e);
	assert_string_equal(e->file, PF_MAIN_CF);
	assert_int_equal(e->line, 2);
	e = pf_evidence(f, "nameserver 8.8.8.8 is Google Public DNS and is "
	    "asked first");
	assert_non_null(e);
	assert_int_equal(e->line, 3);
	assert_non_null(pf_evidence(f, "2606:4700:4700::1111"));
	assert_non_null(strstr(f->explanation, "127.255.255.254"));
	assert_non_null(strstr(f->explanation, "unbound"));
	mg_report_free(&r);
	/* a local resolver: nothing to say */
	mg_resolv_free(m.resolv);
	free(m.resolv);
	resolv(&m, DATA "systemd-resolved.conf");
	pf_run(mg_check_pf_dnsbl, &m, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	/* a public fallback after a private one: medium */
	mg_resolv_free(m.resolv);
	free(m.resolv);
	resolv(&m, DATA "fallback-public.conf");
	pf_run(mg_check_pf_dnsbl, &m, &r);
	assert_int_equal(r.nfindings, 1);
	assert_int_equal(r.findings[0].severity, MG_SEV_MEDIUM);
	mg_report_free(&r);
	/* no resolv.conf read (no host context): no finding */
	mg_resolv_free(m.resolv);
	free(m.resolv);
	m.resolv = NULL;
	pf_run(mg_check_pf_dnsbl, &m, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_pf_postscreen - postscreen_dnsbl_sites counts only when a
 * master.cf service runs postscreen; an -o override is found */
static void
test_pf_postscreen(void **state)
{
	static const char *n =
	    "postscreen_dnsbl_sites = zen.spamhaus.org*3 "
	    "bl.spamcop.net*1\n";
	static const char *cf = "postscreen_dnsbl_sites = "
	    "zen.spamhaus.org*3 bl.spamcop.net*1\n";
	static const char *mo = "smtp inet n - y - 1 postscreen\n"
	    "smtpd pass - - y - - smtpd\n"
	    "submission inet n - y - - smtpd -o smtpd_client_restrictions="
	    "reject_rbl_client,b.barracudacentral.org,permit\n";
	static const char *po = "submission/inet/smtpd_client_restrictions = "
	    "reject_rbl_client,b.barracudacentral.org,permit\n";
	static const char *mcf = "smtp inet n - y - 1 postscreen\n"
	    "smtpd pass - - y - - smtpd\n"
	    "submission inet n - y - - smtpd\n"
	    "  -o smtpd_client_restrictions=reject_rbl_client,"
	    "b.barracudacentral.org,permit\n";
	const struct mg_finding *f;
	const struct mg_evidence *e;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	pf_build(&m, n, NULL, cf);
	resolv(&m, DATA "google.conf");
	/* without postscreen in master.cf the sites are not asked */
	pf_run(mg_check_pf_dnsbl, &m, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	pf_master(&m, mo, po, mcf);
	pf_run(mg_check_pf_dnsbl, &m, &r);
	f = pf_finding(&r, "postfix.dnsbl.public-resolver");
	assert_non_null(f);
	e = pf_evidence(f, "postscreen_dnsbl_sites asks zen.spamhaus.org*3 "
	    "bl.spamcop.net*1");
	assert_non_null(e);
	assert_int_equal(e->line, 1);
	e = pf_evidence(f, "service submission: -o smtpd_client_restrictions "
	    "asks reject_rbl_client b.barracudacentral.org");
	assert_non_null(e);
	assert_string_equal(e->file, PF_MASTER_CF);
	assert_int_equal(e->line, 4);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_pf_lists - the lists a value asks, and none in a plain one */
static void
test_pf_lists(void **state)
{
	static const char dqs[] = "k.zen.dq.spamhaus.net*3, "
	    "k.dbl.dq.spamhaus.com";
	static const char mixed[] = "k.zen.dq.spamhaus.net : "
	    "zen.spamhaus.org";
	static const char pfq[] = "k.zen.dq.spamhaus.net=127.0.0.[2;3;4]*3 "
	    "k.dwl.dq.spamhaus.net=127.0.[0..255].[1;2;3]*-2";
	static const char exq[] = "<; k.zen.dq.spamhaus.net=127.0.0.2,"
	    "127.0.0.3,127.0.0.4 ; "
	    "k.dbl.dq.spamhaus.net/$sender_address_domain";
	static const char exbad[] = "k.zen.dq.spamhaus.net=127.0.0.2,"
	    "127.0.0.3 : b.barracudacentral.org";
	struct mg_str s = MG_STR_INIT;

	(void)state;
	assert_int_equal(mg_check_pf_dnsbl_lists("permit_mynetworks, "
	    "reject_unauth_destination", &s), 0);
	assert_int_equal(mg_check_pf_dnsbl_lists("permit_dnswl_client "
	    "list.dnswl.org,\treject_rhsbl_helo dbl.spamhaus.org "
	    "reject_rhsbl_reverse_client", &s), 3);
	assert_string_equal(mg_str_cstr(&s), "permit_dnswl_client "
	    "list.dnswl.org, reject_rhsbl_helo dbl.spamhaus.org, "
	    "reject_rhsbl_reverse_client ");
	mg_str_reset(&s);
	/* Spamhaus DQS answers through any resolver: not counted */
	assert_int_equal(mg_check_pf_dnsbl_lists("reject_rbl_client "
	    "abc123.zen.dq.spamhaus.net, reject_rhsbl_sender "
	    "ABC123.dbl.DQ.spamhaus.net, reject_rbl_client "
	    "bl.spamcop.net", &s), 1);
	assert_string_equal(mg_str_cstr(&s), "reject_rbl_client "
	    "bl.spamcop.net");
	assert_int_equal(mg_check_dnsbl_public(dqs, strlen(dqs)), 0);
	assert_int_equal(mg_check_dnsbl_public(mixed, strlen(mixed)), 1);
	/* filters are not list domains: Postfix's [2;3;4] and Exim's
	 * comma list of addresses after "=" (exim -bP config output) */
	assert_int_equal(mg_check_dnsbl_public(pfq, strlen(pfq)), 0);
	assert_int_equal(mg_check_dnsbl_public(exq, strlen(exq)), 0);
	assert_int_equal(mg_check_dnsbl_public(exbad, strlen(exbad)), 1);
	assert_int_equal(mg_check_pf_dnsbl_lists("reject_rbl_client "
	    "k.zen.dq.spamhaus.net=127.0.0.[2;3;4], permit_dnswl_client "
	    "k.dwl.dq.spamhaus.net=127.0.[0..255].[1;2;3]", &s), 0);
	mg_str_free(&s);
}

/* test_exim_dnslists - an ACL's dnslists through Quad9/Google */
static void
test_exim_dnslists(void **state)
{
	struct mg_model m;
	struct mg_report r;
	struct mg_rule *a;
	struct mg_param *c;
	const struct mg_finding *f;
	const struct mg_evidence *e;

	(void)state;
	mg_model_init(&m);
	m.mta = MG_MTA_EXIM;
	a = mg_model_rule_add(&m, "acl_check_rcpt", "accept");
	a->file = mg_xstrdup("/etc/exim4/exim4.conf");
	a->line = 40;
	(void)mg_rule_cond_add(a, "domains", "+local_domains");
	a = mg_model_rule_add(&m, "acl_check_rcpt", "deny");
	a->file = mg_xstrdup("/etc/exim4/exim4.conf");
	a->line = 50;
	(void)mg_rule_cond_add(a, "message", "$sender_host_address is listed "
	    "at $dnslist_domain");
	c = mg_rule_cond_add(a, "dnslists", "zen.spamhaus.org");
	c->file = mg_xstrdup("/etc/exim4/exim4.conf");
	c->line = 52;
	resolv(&m, DATA "systemd-resolved.conf");
	pf_run(mg_check_exim_dnsbl, &m, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	mg_resolv_free(m.resolv);
	free(m.resolv);
	resolv(&m, DATA "google.conf");
	pf_run(mg_check_exim_dnsbl, &m, &r);
	assert_int_equal(r.nfindings, 1);
	f = pf_finding(&r, "exim.dnsbl.public-resolver");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_HIGH);
	e = pf_evidence(f, "acl_check_rcpt: deny dnslists = "
	    "zen.spamhaus.org");
	assert_non_null(e);
	assert_int_equal(e->line, 52);
	assert_non_null(pf_evidence(f, "nameserver 8.8.8.8"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* upstream - the stub's upstream file of rv from a fixture */
static void
upstream(struct mg_resolv *rv, const char *name)
{
	struct mg_err err;

	assert_int_not_equal(rv->stub, 0);
	rv->upstream = mg_xcalloc(1, sizeof(*rv->upstream));
	assert_int_equal(mg_resolv_read(rv->upstream, name, &err), 0);
}

/* set_resolv - replace *rvp by a fixture (NULL: none) */
static void
set_resolv(struct mg_resolv **rvp, const char *name)
{
	struct mg_err err;

	mg_resolv_free(*rvp);
	free(*rvp);
	*rvp = NULL;
	if (name == NULL)
		return;
	*rvp = mg_xcalloc(1, sizeof(**rvp));
	assert_int_equal(mg_resolv_read(*rvp, name, &err), 0);
}

/* test_resolv_stub - systemd-resolved's stub: judged by its upstream
 * servers, unknown (not local) when they were not read; the chain is
 * the evidence; Exim alike */
static void
test_resolv_stub(void **state)
{
	const struct mg_finding *f;
	const struct mg_evidence *e;
	struct mg_model m;
	struct mg_report r;
	struct mg_rule *a;
	struct mg_param *c;

	(void)state;
	pf_build(&m, pf_n, NULL, pf_cf);
	resolv(&m, DATA "systemd-resolved.conf");
	assert_int_equal(m.resolv->stub, 1);
	/* upstream not read: unknown, no finding from the stub */
	assert_int_equal(mg_resolv_npublic(m.resolv), 0);
	pf_run(mg_check_pf_dnsbl, &m, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	/* upstreams are Google and Cloudflare: high */
	upstream(m.resolv, DATA "upstream-public.conf");
	assert_int_equal(mg_resolv_npublic(m.resolv), 2);
	assert_int_equal(mg_resolv_first_public(m.resolv), 1);
	pf_run(mg_check_pf_dnsbl, &m, &r);
	assert_int_equal(r.nfindings, 1);
	f = pf_finding(&r, "postfix.dnsbl.public-resolver");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_HIGH);
	e = pf_evidence(f, "nameserver 127.0.0.53 is systemd-resolved's "
	    "stub: it asks the servers of " DATA "upstream-public.conf");
	assert_non_null(e);
	assert_string_equal(e->file, DATA "systemd-resolved.conf");
	assert_int_equal(e->line, 1);
	e = pf_evidence(f, "via the stub, nameserver 8.8.8.8 is Google "
	    "Public DNS and is asked first");
	assert_non_null(e);
	assert_string_equal(e->file, DATA "upstream-public.conf");
	assert_int_equal(e->line, 17);
	e = pf_evidence(f, "via the stub, nameserver 1.1.1.1 is Cloudflare");
	assert_non_null(e);
	assert_int_equal(e->line, 18);
	assert_non_null(strstr(f->explanation, "systemd-resolved"));
	mg_report_free(&r);
	/* a private upstream: nothing to say */
	mg_resolv_free(m.resolv->upstream);
	free(m.resolv->upstream);
	m.resolv->upstream = NULL;
	upstream(m.resolv, DATA "upstream-local.conf");
	assert_int_equal(mg_resolv_npublic(m.resolv), 0);
	pf_run(mg_check_pf_dnsbl, &m, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	/* the stub first, unknown, then Quad9: medium, the stub unknown */
	set_resolv(&m.resolv, DATA "stub-fallback.conf");
	assert_int_equal(m.resolv->stub, 1);
	pf_run(mg_check_pf_dnsbl, &m, &r);
	assert_int_equal(r.nfindings, 1);
	f = &r.findings[0];
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	assert_non_null(pf_evidence(f, "nameserver 127.0.0.53 is "
	    "systemd-resolved's stub; its upstream servers were not read: "
	    "unknown"));
	assert_non_null(pf_evidence(f, "nameserver 9.9.9.9 is Quad9 (asked "
	    "when the ones before it do not answer)"));
	mg_report_free(&r);
	mg_model_free(&m);

	/* Exim asks through the same resolver */
	mg_model_init(&m);
	m.mta = MG_MTA_EXIM;
	a = mg_model_rule_add(&m, "acl_check_rcpt", "deny");
	a->file = mg_xstrdup("/etc/exim4/exim4.conf");
	a->line = 50;
	c = mg_rule_cond_add(a, "dnslists", "zen.spamhaus.org");
	c->file = mg_xstrdup("/etc/exim4/exim4.conf");
	c->line = 52;
	resolv(&m, DATA "systemd-resolved.conf");
	pf_run(mg_check_exim_dnsbl, &m, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	upstream(m.resolv, DATA "upstream-public.conf");
	pf_run(mg_check_exim_dnsbl, &m, &r);
	f = pf_finding(&r, "exim.dnsbl.public-resolver");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_HIGH);
	assert_non_null(pf_evidence(f, "via the stub, nameserver 8.8.8.8"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_pf_chroot - a chrooted smtpd reads the queue directory's copy:
 * judged, its difference from the host's said; "-" is not chrooted */
static void
test_pf_chroot(void **state)
{
	static const char *mo = "smtp inet n - y - - smtpd\n"
	    "pickup unix n - y 60 1 pickup\n";
	static const char *mo2 = "smtp inet n - y - - smtpd\n"
	    "submission inet n - - - - smtpd\n";
	const struct mg_finding *f;
	const struct mg_evidence *e;
	struct mg_model m;
	struct mg_report r;
	size_t i, n;

	(void)state;
	pf_build(&m, pf_n, NULL, pf_cf);
	pf_master(&m, mo, "", mo);
	assert_int_equal(m.nservices, 2);
	assert_int_equal(m.services[0].chroot, 1);
	resolv(&m, DATA "local.conf");
	set_resolv(&m.resolv_chroot, DATA "google.conf");
	pf_run(mg_check_pf_dnsbl, &m, &r);
	assert_int_equal(r.nfindings, 1);
	f = pf_finding(&r, "postfix.dnsbl.public-resolver");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_HIGH);
	e = pf_evidence(f, "chrooted smtp (master.cf chroot y): nameserver "
	    "8.8.8.8 is Google Public DNS and is asked first");
	assert_non_null(e);
	assert_string_equal(e->file, DATA "google.conf");
	assert_int_equal(e->line, 3);
	e = pf_evidence(f, "this copy, which chrooted smtp reads, differs "
	    "from " DATA "local.conf: a stale copy");
	assert_non_null(e);
	assert_string_equal(e->file, DATA "google.conf");
	/* the host's own resolver is not what smtpd asks: not evidence */
	for (i = n = 0; i < f->nevidence; i++)
		if (f->evidence[i].file != NULL &&
		    strcmp(f->evidence[i].file, DATA "local.conf") == 0)
			n++;
	assert_int_equal(n, 0);
	mg_report_free(&r);
	/* the copy fixed (same as the host's): no finding */
	set_resolv(&m.resolv_chroot, DATA "local.conf");
	pf_run(mg_check_pf_dnsbl, &m, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	/* a public host resolver, a local copy: a chrooted smtpd is fine */
	set_resolv(&m.resolv, DATA "google.conf");
	pf_run(mg_check_pf_dnsbl, &m, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	/* no copy read: the host's is judged */
	set_resolv(&m.resolv_chroot, NULL);
	pf_run(mg_check_pf_dnsbl, &m, &r);
	assert_int_equal(r.nfindings, 1);
	mg_report_free(&r);
	mg_model_free(&m);

	/* submission's chroot "-" is n (Postfix >= 3.0): the host's */
	pf_build(&m, pf_n, NULL, pf_cf);
	pf_master(&m, mo2, "", mo2);
	assert_int_equal(m.services[1].chroot, 0);
	resolv(&m, DATA "google.conf");
	set_resolv(&m.resolv_chroot, DATA "local.conf");
	pf_run(mg_check_pf_dnsbl, &m, &r);
	assert_int_equal(r.nfindings, 1);
	f = &r.findings[0];
	assert_non_null(pf_evidence(f, "services not chrooted: nameserver "
	    "8.8.8.8 is Google Public DNS"));
	assert_non_null(pf_evidence(f, "chrooted smtp (master.cf chroot y): "
	    "nameserver 127.0.0.1 is local or private"));
	assert_non_null(pf_evidence(f, "differs from"));
	mg_report_free(&r);
	mg_model_free(&m);

	/* submission's own -o list asks nothing: main.cf's lists are asked
	 * only by the chrooted smtp, through the local copy */
	pf_build(&m, pf_n, NULL, pf_cf);
	pf_master(&m, mo2, "submission/inet/smtpd_recipient_restrictions = "
	    "permit_sasl_authenticated,reject\n", mo2);
	resolv(&m, DATA "google.conf");
	set_resolv(&m.resolv_chroot, DATA "local.conf");
	pf_run(mg_check_pf_dnsbl, &m, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* fw_read - a local resolver's configuration fixture into *fw; how
 * many forwarders of every name it has */
static size_t
fw_read(struct mg_resolv *fw, const char *name)
{
	struct mg_str text = MG_STR_INIT;
	struct mg_err err;
	size_t n;

	assert_int_equal(mg_file_read(name, 65536, &text, NULL, &err), 0);
	n = mg_resolv_forwarders(fw, name, mg_str_cstr(&text));
	mg_str_free(&text);
	return (n);
}

/* test_local_forwarders - unbound's forward-zone ".", dnsmasq's
 * server=, bind9's forwarders: only what forwards every name, with its
 * line; a recursive unbound forwards nothing */
static void
test_local_forwarders(void **state)
{
	struct mg_resolv fw;

	(void)state;
	assert_int_equal(fw_read(&fw, DATA "unbound-forward.conf"), 2);
	assert_string_equal(fw.ns[0].text, "8.8.8.8");
	assert_int_equal(fw.ns[0].line, 15);
	assert_string_equal(fw.ns[0].public, "Google Public DNS");
	assert_string_equal(fw.ns[1].text, "2606:4700:4700::1111");
	assert_string_equal(fw.ns[1].public, "Cloudflare 1.1.1.1");
	mg_resolv_free(&fw);
	assert_int_equal(fw_read(&fw, DATA "unbound-recursive.conf"), 0);
	mg_resolv_free(&fw);
	assert_int_equal(fw_read(&fw, DATA "dnsmasq.conf"), 2);
	assert_string_equal(fw.ns[0].public, "Quad9");
	assert_int_equal(fw.ns[0].line, 4);
	assert_string_equal(fw.ns[1].text, "149.112.112.112");
	mg_resolv_free(&fw);
	assert_int_equal(fw_read(&fw, DATA "named.conf.options"), 2);
	assert_string_equal(fw.ns[0].text, "1.1.1.1");
	assert_int_equal(fw.ns[0].line, 5);
	assert_string_equal(fw.ns[1].text, "192.168.1.1");
	assert_null(fw.ns[1].public);
	mg_resolv_free(&fw);
}

/* fw_text - forwarders of every name in text (a constructed shape) */
static size_t
fw_text(struct mg_resolv *fw, const char *text)
{
	return (mg_resolv_forwarders(fw, "/etc/resolver.conf", text));
}

/* test_local_forwarders_shapes - real-world shapes: CRLF line ends,
 * bind9's forwarders on one line or with "{" on the next line, a zone's
 * forwarders (that zone only: not counted), unbound's forward-host (by
 * name: kept apart, never an address) */
static void
test_local_forwarders_shapes(void **state)
{
	struct mg_resolv fw;

	(void)state;
	assert_int_equal(fw_text(&fw, "server:\r\n interface: 127.0.0.1\r\n"
	    "forward-zone:\r\n name: \".\"\r\n forward-addr: 8.8.8.8\r\n"),
	    1);
	assert_string_equal(fw.ns[0].text, "8.8.8.8");
	assert_int_equal(fw.ns[0].line, 5);
	mg_resolv_free(&fw);
	assert_int_equal(fw_text(&fw, "server=9.9.9.9\r\n"), 1);
	assert_string_equal(fw.ns[0].public, "Quad9");
	mg_resolv_free(&fw);
	assert_int_equal(fw_text(&fw, "options { forwarders { 1.1.1.1; "
	    "8.8.8.8; }; };\n"), 2);
	assert_string_equal(fw.ns[1].text, "8.8.8.8");
	assert_int_equal(fw.ns[1].line, 1);
	mg_resolv_free(&fw);
	assert_int_equal(fw_text(&fw, "options\n{\n\tdirectory \"/var\";\n"
	    "\tforwarders\n\t{\n\t\t9.9.9.9;\n\t};\n};\n"), 1);
	assert_string_equal(fw.ns[0].text, "9.9.9.9");
	assert_int_equal(fw.ns[0].line, 6);
	mg_resolv_free(&fw);
	assert_int_equal(fw_text(&fw, "options {\r\n\tforwarders {\r\n"
	    "\t\t8.8.4.4;\r\n\t};\r\n};\r\n"), 1);
	assert_string_equal(fw.ns[0].text, "8.8.4.4");
	mg_resolv_free(&fw);
	/* a zone's forwarders forward that zone only */
	assert_int_equal(fw_text(&fw, "options {\n\tdirectory \"/var\";\n};"
	    "\nzone \"corp.example\" { type forward; forwarders { 8.8.8.8; "
	    "}; };\n"), 0);
	mg_resolv_free(&fw);
	assert_int_equal(fw_text(&fw, "zone \"corp.example\" {\n\ttype "
	    "forward;\n\tforwarders {\n\t\t8.8.8.8;\n\t};\n};\noptions {"
	    "\n\t/* forwarders { 1.1.1.1; }; */\n\tforwarders { 10.0.0.53; "
	    "};\n};\n"), 1);
	assert_string_equal(fw.ns[0].text, "10.0.0.53");
	assert_int_equal(fw.ns[0].line, 9);
	mg_resolv_free(&fw);
	/* the root zone forwards every name (RHEL's named.conf keeps
	 * options and adds zone "."), at top level or in a view; a view's
	 * own forwarders forward its clients' every name */
	assert_int_equal(fw_text(&fw, "options {\n\tdirectory \"/var/named\";"
	    "\n};\nzone \".\" IN {\n\ttype forward;\n\tforward only;\n"
	    "\tforwarders { 8.8.8.8; };\n};\n"), 1);
	assert_string_equal(fw.ns[0].text, "8.8.8.8");
	assert_int_equal(fw.ns[0].line, 7);
	mg_resolv_free(&fw);
	assert_int_equal(fw_text(&fw, "view \"inside\" {\n\tmatch-clients { "
	    "localhost; };\n\tforwarders { 1.1.1.1; };\n\tzone "
	    "\"corp.example\" { type forward; forwarders { 10.1.1.1; }; };\n"
	    "\tzone \".\" { type forward; forwarders { 9.9.9.9; }; };\n};\n"),
	    2);
	assert_string_equal(fw.ns[0].text, "1.1.1.1");
	assert_string_equal(fw.ns[1].text, "9.9.9.9");
	mg_resolv_free(&fw);
	/* a zone named with a dot inside is not the root zone */
	assert_int_equal(fw_text(&fw, "zone \".example\" { type forward; "
	    "forwarders { 8.8.8.8; }; };\n"), 0);
	mg_resolv_free(&fw);
	/* unbound's forward-host: by name, not an address we resolve */
	assert_int_equal(fw_text(&fw, "forward-zone:\n name: \".\"\n "
	    "forward-host: dns.google\n"), 0);
	assert_non_null(fw.byname);
	assert_string_equal(fw.byname, "dns.google");
	assert_int_equal(fw.byname_line, 3);
	mg_resolv_free(&fw);
	assert_int_equal(fw_text(&fw, "forward-zone:\n name: \"corp.\"\n "
	    "forward-host: dns.google\n"), 0);
	assert_null(fw.byname);
	mg_resolv_free(&fw);
}

/* judge - mg_resolv_judge on n files; *fw freed, why kept in *why */
static enum mg_lr_verdict
judge(const struct mg_lr_file *f, size_t n, struct mg_str *why,
    char *first, size_t size)
{
	struct mg_resolv *fw = NULL;
	enum mg_lr_verdict v;

	mg_str_reset(why);
	first[0] = '\0';
	v = mg_resolv_judge(f, n, &fw, why);
	if (v == MG_LR_FORWARDS) {
		assert_non_null(fw);
		assert_true(fw->nns > 0);
		(void)snprintf(first, size, "%s", fw->ns[0].text);
	} else
		assert_null(fw);
	mg_resolv_free(fw);
	free(fw);
	return (v);
}

/* test_local_judge - the files of every resolver kind installed judged
 * together: a leftover bind9 options file beside a dnsmasq without
 * server= is unknown, never local; a forward by name (unbound's
 * forward-host) is unknown; kinds that agree keep their verdict; a
 * public forwarder of any kind is judged */
static void
test_local_judge(void **state)
{
	const char *bind_rec = "options {\n\tdirectory \"/var\";\n};\n";
	const char *dnsm = "listen-address=127.0.0.1\nbind-interfaces\n";
	const char *unb_rec = "server:\n interface: 127.0.0.1\n";
	const char *unb_inc = "include-toplevel: \"/etc/unbound/d/*.conf\"\n";
	const char *unb_host = "forward-zone:\n name: \".\"\n "
	    "forward-host: dns.google\n";
	struct mg_lr_file f[4] = { { NULL, NULL, NULL } };
	struct mg_str why = MG_STR_INIT;
	char first[64];

	(void)state;
	assert_int_equal(judge(f, 0, &why, first, sizeof(first)),
	    MG_LR_UNREAD);
	/* dnsmasq (no server=) beside a leftover bind9: unknown */
	f[0] = (struct mg_lr_file){ "dnsmasq", "/etc/dnsmasq.conf", dnsm };
	f[1] = (struct mg_lr_file){ "bind9", "/etc/bind/named.conf.options",
	    bind_rec };
	assert_int_equal(judge(f, 2, &why, first, sizeof(first)),
	    MG_LR_UNKNOWN);
	assert_non_null(strstr(mg_str_cstr(&why), "dnsmasq names no "
	    "forwarder and does not resolve by itself (/etc/dnsmasq.conf)"));
	assert_non_null(strstr(mg_str_cstr(&why), "bind9 resolves by itself "
	    "(/etc/bind/named.conf.options)"));
	/* each alone: bind9 local, dnsmasq unread */
	assert_int_equal(judge(f + 1, 1, &why, first, sizeof(first)),
	    MG_LR_LOCAL);
	assert_int_equal(judge(f, 1, &why, first, sizeof(first)),
	    MG_LR_UNREAD);
	/* unbound's files are one kind: the include and the server: */
	f[0] = (struct mg_lr_file){ "unbound", "/etc/unbound/unbound.conf",
	    unb_inc };
	f[1] = (struct mg_lr_file){ "unbound", "/etc/unbound/d/a.conf",
	    unb_rec };
	f[2] = (struct mg_lr_file){ "bind9", "/etc/named.conf", bind_rec };
	assert_int_equal(judge(f, 3, &why, first, sizeof(first)),
	    MG_LR_LOCAL);
	/* a forward by name: unknown, alone or beside a recursing kind */
	f[1].text = unb_host;
	assert_int_equal(judge(f, 2, &why, first, sizeof(first)),
	    MG_LR_UNKNOWN);
	assert_non_null(strstr(mg_str_cstr(&why), "unbound forwards every "
	    "name to dns.google by name (/etc/unbound/d/a.conf:3)"));
	assert_int_equal(judge(f, 3, &why, first, sizeof(first)),
	    MG_LR_UNKNOWN);
	/* a public forwarder of any kind is judged, whatever the rest */
	f[3] = (struct mg_lr_file){ "bind9", "/etc/named.conf.options",
	    "options { forwarders { 9.9.9.9; }; };" };
	f[0].text = unb_rec;
	f[1].text = unb_rec;
	f[2] = (struct mg_lr_file){ "dnsmasq", "/etc/dnsmasq.conf", dnsm };
	assert_int_equal(judge(f, 4, &why, first, sizeof(first)),
	    MG_LR_FORWARDS);
	assert_string_equal(first, "9.9.9.9");
	/* private forwarders beside a recursing kind: they disagree */
	f[3].text = "options { forwarders { 10.0.0.53; }; };";
	assert_int_equal(judge(f + 1, 1, &why, first, sizeof(first)),
	    MG_LR_LOCAL);
	f[2] = f[3];
	assert_int_equal(judge(f + 2, 1, &why, first, sizeof(first)),
	    MG_LR_FORWARDS);
	assert_string_equal(first, "10.0.0.53");
	assert_int_equal(judge(f + 1, 2, &why, first, sizeof(first)),
	    MG_LR_UNKNOWN);
	assert_non_null(strstr(mg_str_cstr(&why), "bind9 forwards every "
	    "name to 10.0.0.53 (/etc/named.conf.options:1)"));
	/* a kind uses every file's forwarders: a public one in a later
	 * file of dnsmasq.d/ is asked too */
	f[0] = (struct mg_lr_file){ "dnsmasq", "/etc/dnsmasq.conf",
	    "server=10.0.0.53\n" };
	f[1] = (struct mg_lr_file){ "dnsmasq", "/etc/dnsmasq.d/x.conf",
	    "server=8.8.8.8\n" };
	assert_int_equal(judge(f, 2, &why, first, sizeof(first)),
	    MG_LR_FORWARDS);
	assert_string_equal(first, "8.8.8.8");
	/* one file named by the user (no kind) */
	f[0] = (struct mg_lr_file){ NULL, "/srv/resolver.conf", unb_host };
	assert_int_equal(judge(f, 1, &why, first, sizeof(first)),
	    MG_LR_UNKNOWN);
	assert_non_null(strstr(mg_str_cstr(&why), "the resolver forwards "
	    "every name to dns.google by name (/srv/resolver.conf:3)"));
	/* the user's files (a glob) are one kind: include, then server: */
	f[0].text = unb_inc;
	f[1] = (struct mg_lr_file){ NULL, "/srv/resolver.d/a.conf", unb_rec };
	assert_int_equal(judge(f, 2, &why, first, sizeof(first)),
	    MG_LR_LOCAL);
	mg_str_free(&why);
}

/* recurses - the file's text judged by mg_resolv_recurses */
static int
recurses(const char *name)
{
	struct mg_str text = MG_STR_INIT;
	struct mg_err err;
	int r;

	assert_int_equal(mg_file_read(name, 65536, &text, NULL, &err), 0);
	r = mg_resolv_recurses(mg_str_cstr(&text));
	mg_str_free(&text);
	return (r);
}

/* test_local_recurses - unbound and bind9 resolve by themselves when
 * they forward nothing, dnsmasq never does; judged by the text, whatever
 * the file is called (a dnsmasq file named resolver.conf is dnsmasq's) */
static void
test_local_recurses(void **state)
{
	(void)state;
	assert_int_equal(recurses(DATA "unbound-recursive.conf"), 1);
	assert_int_equal(recurses(DATA "unbound-forward.conf"), 1);
	assert_int_equal(recurses(DATA "named.conf.options"), 1);
	assert_int_equal(recurses(DATA "dnsmasq.conf"), 0);
	assert_int_equal(mg_resolv_recurses("server:\t# main\n"), 1);
	assert_int_equal(mg_resolv_recurses("options{\n};\n"), 1);
	assert_int_equal(mg_resolv_recurses("# server:\n// options {\n"), 0);
	assert_int_equal(mg_resolv_recurses("server=9.9.9.9\n"
	    "listen-address=127.0.0.1\nno-resolv\n"), 0);
	/* Debian's unbound.conf: only the include (conf.d holds server:) */
	assert_int_equal(mg_resolv_recurses("include-toplevel: "
	    "\"/etc/unbound/unbound.conf.d/*.conf\"\n"), 0);
	assert_int_equal(mg_resolv_recurses(""), 0);
	/* CRLF, and "options" with its "{" on the next line */
	assert_int_equal(mg_resolv_recurses("server:\r\n"), 1);
	assert_int_equal(mg_resolv_recurses("options\r\n{\r\n};\r\n"), 1);
	assert_int_equal(mg_resolv_recurses("options\n\t{ directory "
	    "\"/var\"; };\n"), 1);
	assert_int_equal(mg_resolv_recurses("zone \"x\" { type forward; };"
	    "\n"), 0);
}

/* test_glibc_asks_three - glibc's resolver asks the first three
 * nameserver lines only (resolv.conf(5) MAXNS): a public fourth is
 * never asked, no finding; a public third is a fallback (medium) */
static void
test_glibc_asks_three(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	pf_build(&m, pf_n, NULL, pf_cf);
	m.resolv = mg_xcalloc(1, sizeof(*m.resolv));
	(void)mg_resolv_parse(m.resolv, "/etc/resolv.conf", "nameserver "
	    "10.0.0.53\nnameserver 10.0.1.53\nnameserver 192.168.1.1\n"
	    "nameserver 8.8.8.8\n");
	assert_int_equal(m.resolv->nns, 4);
	assert_int_equal(mg_resolv_npublic(m.resolv), 0);
	pf_run(mg_check_pf_dnsbl, &m, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	mg_resolv_free(m.resolv);
	(void)mg_resolv_parse(m.resolv, "/etc/resolv.conf", "nameserver "
	    "10.0.0.53\nnameserver 10.0.1.53\nnameserver 9.9.9.9\n"
	    "nameserver 8.8.8.8\n");
	assert_int_equal(mg_resolv_npublic(m.resolv), 1);
	pf_run(mg_check_pf_dnsbl, &m, &r);
	f = pf_finding(&r, "postfix.dnsbl.public-resolver");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	assert_non_null(pf_evidence(f, "nameserver 8.8.8.8 is never asked: "
	    "glibc asks the first 3"));
	assert_null(pf_evidence(f, "nameserver 8.8.8.8 is Google"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_unknown_global_resolver_hedged - a global address that is no
 * well-known public resolver may be the site's own recursive resolver
 * (a university's, an ISP's own): medium, and the evidence says how to
 * tell, never that the lists refuse it for certain */
static void
test_unknown_global_resolver_hedged(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	pf_build(&m, pf_n, NULL, pf_cf);
	m.resolv = mg_xcalloc(1, sizeof(*m.resolv));
	(void)mg_resolv_parse(m.resolv, "/etc/resolv.conf", "nameserver "
	    "193.0.14.129\n");
	pf_run(mg_check_pf_dnsbl, &m, &r);
	f = pf_finding(&r, "postfix.dnsbl.public-resolver");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	assert_null(pf_evidence(f, "the blocklists refuse its queries"));
	assert_non_null(pf_evidence(f, "nameserver 193.0.14.129 is a public "
	    "address, no well-known public resolver"));
	mg_report_free(&r);
	mg_resolv_free(m.resolv);
	(void)mg_resolv_parse(m.resolv, "/etc/resolv.conf", "nameserver "
	    "193.0.14.129\nnameserver 8.8.4.4\n");
	pf_run(mg_check_pf_dnsbl, &m, &r);
	f = pf_finding(&r, "postfix.dnsbl.public-resolver");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	assert_non_null(pf_evidence(f, "nameserver 8.8.4.4 is Google Public "
	    "DNS (asked when"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_local_resolver_forwarding - resolv.conf names 127.0.0.1, an
 * unbound forwarding every name to Google: the hole is found (high),
 * the chain is the evidence; forwarding nothing: no finding; Docker's
 * 127.0.0.11 and a loopback resolver are never called public */
static void
test_local_resolver_forwarding(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	pf_build(&m, pf_n, NULL, pf_cf);
	resolv(&m, DATA "local.conf");
	assert_int_equal(mg_resolv_local(m.resolv), 1);
	pf_run(mg_check_pf_dnsbl, &m, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	m.resolv->upstream = mg_xcalloc(1, sizeof(*m.resolv->upstream));
	assert_int_equal(fw_read(m.resolv->upstream, DATA
	    "unbound-forward.conf"), 2);
	m.resolv->stub = 1;
	m.resolv->stub_name = "a local resolver that forwards every name";
	pf_run(mg_check_pf_dnsbl, &m, &r);
	assert_int_equal(r.nfindings, 1);
	f = pf_finding(&r, "postfix.dnsbl.public-resolver");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_HIGH);
	assert_non_null(pf_evidence(f, "nameserver 127.0.0.1 is a local "
	    "resolver that forwards every name: it asks the servers of "
	    DATA "unbound-forward.conf"));
	assert_non_null(pf_evidence(f, "via the stub, nameserver 8.8.8.8 is "
	    "Google Public DNS and is asked first"));
	mg_report_free(&r);
	mg_model_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resolv_parse),
		cmocka_unit_test(test_pf_public),
		cmocka_unit_test(test_pf_postscreen),
		cmocka_unit_test(test_pf_lists),
		cmocka_unit_test(test_exim_dnslists),
		cmocka_unit_test(test_resolv_stub),
		cmocka_unit_test(test_pf_chroot),
		cmocka_unit_test(test_local_forwarders),
		cmocka_unit_test(test_local_forwarders_shapes),
		cmocka_unit_test(test_local_recurses),
		cmocka_unit_test(test_local_judge),
		cmocka_unit_test(test_glibc_asks_three),
		cmocka_unit_test(test_unknown_global_resolver_hedged),
		cmocka_unit_test(test_local_resolver_forwarding),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
