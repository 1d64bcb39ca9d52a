/* test_check_pf_aliases.c - aliases, stale tables, localhost and smtpd
 * hygiene on Postfix model data. */
#include <stdlib.h>
#include <string.h>

#include "mg_test.h"
#include "pf_fixture.h"

#define VIRTUAL "/etc/postfix/virtual"
#define VMAILBOX "/etc/postfix/vmailbox"
#define ALIASES "/etc/aliases"

/* answers - what postmap -q - answered (value NULL: not found) */
static void
answers(struct mg_map *t, const char *const *kv)
{
	size_t i;

	for (i = 0; kv[i] != NULL; i += 2)
		(void)mg_map_answer_add(t, kv[i], kv[i + 1]);
}

/* build_virtual - incident 2, as the lab's virtual-noalias */
static void
build_virtual(struct mg_model *m, const char *extra_alias)
{
	static const char *n = "mydestination =\n"
	    "virtual_mailbox_domains = example.com, localhost\n"
	    "virtual_mailbox_maps = hash:" VMAILBOX "\n"
	    "virtual_alias_maps = hash:" VIRTUAL "\n"
	    "alias_maps = hash:" ALIASES "\n"
	    "inet_interfaces = all\n";
	static const char *valias[] = { "root@example.com", NULL,
	    "@example.com", NULL, "postmaster@example.com", NULL,
	    "root@localhost", NULL, "postmaster@localhost", NULL,
	    "@localhost", NULL, NULL };
	static const char *vmbox[] = { "root@example.com", NULL,
	    "@example.com", NULL, "postmaster@example.com", NULL,
	    "root@localhost", NULL, "postmaster@localhost", NULL,
	    "@localhost", NULL, NULL };
	static const char *al[] = { "root", "admin@ops.example.net",
	    "postmaster", "root", NULL };
	struct mg_map *t;

	pf_build(m, n, NULL, n);
	t = pf_map(m, "hash:" VIRTUAL, "info@example.com alice@example.com\n"
	    "sales@example.com bob@example.com, carol@example.com\n",
	    VIRTUAL, "# virtual aliases\n"
	    "info@example.com     alice@example.com\n"
	    "sales@example.com    bob@example.com, carol@example.com\n");
	answers(t, valias);
	if (extra_alias != NULL)
		(void)mg_map_answer_add(t, extra_alias, "alice@example.com");
	t = pf_map(m, "hash:" VMAILBOX, "alice@example.com example.com/alice/\n"
	    "bob@example.com example.com/bob/\n", VMAILBOX,
	    "alice@example.com    example.com/alice/\n"
	    "bob@example.com      example.com/bob/\n");
	answers(t, vmbox);
	t = pf_map(m, "hash:" ALIASES, NULL, NULL, NULL);
	answers(t, al);
}

/* test_virtual_noalias - four addresses rejected, one fix appending
 * them to the virtual table with the target alias_maps gives root */
static void
test_virtual_noalias(void **state)
{
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	build_virtual(&m, NULL);
	pf_run(mg_check_pf_aliases, &m, &r);
	f = pf_finding(&r, "postfix.aliases.virtual");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	assert_non_null(pf_evidence(f, "root@localhost: not in "
	    "virtual_alias_maps nor virtual_mailbox_maps - rejected \"User "
	    "unknown in virtual mailbox table\""));
	assert_non_null(pf_evidence(f, "postmaster@example.com"));
	assert_int_equal(pf_evidence(f, "virtual_alias_maps = ")->line, 4);
	x = mg_report_find_fix(&r, "postfix.aliases.add-virtual");
	assert_non_null(x);
	assert_int_equal(x->nedits, 1);
	assert_string_equal(x->edits[0].file, VIRTUAL);
	assert_int_equal(x->edits[0].line, 3);
	assert_string_equal(x->edits[0].new_text,
	    "sales@example.com    bob@example.com, carol@example.com\n"
	    "postmaster@example.com  admin@ops.example.net\n"
	    "root@example.com  admin@ops.example.net\n"
	    "postmaster@localhost  admin@ops.example.net\n"
	    "root@localhost  admin@ops.example.net");
	assert_int_equal(x->npost, 1);
	assert_string_equal(x->post[0].argv[0], "postmap");
	assert_string_equal(x->post[0].argv[3], "hash:" VIRTUAL);
	/* localhost is a public (virtual) domain, but smtpd refuses both
	 * root@ and postmaster@localhost: no host reaches them */
	assert_null(pf_finding(&r, "postfix.localhost.remote"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_catchall_counts - an @localhost catch-all in virtual_alias_maps
 * covers root@localhost; the answer of a table that could not be asked
 * is unknown, never "missing" */
static void
test_catchall_counts(void **state)
{
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	build_virtual(&m, NULL);
	m.maps[0].answers[5].value = mg_xstrdup("root@example.com");
	pf_run(mg_check_pf_aliases, &m, &r);
	f = pf_finding(&r, "postfix.aliases.virtual");
	assert_non_null(f);
	assert_null(pf_evidence(f, "root@localhost"));
	assert_null(pf_evidence(f, "postmaster@localhost"));
	assert_non_null(pf_evidence(f, "root@example.com"));
	mg_report_free(&r);
	mg_model_free(&m);

	/* virtual_alias_maps in LDAP: never asked, nothing claimed */
	pf_build(&m, "mydestination =\n"
	    "virtual_mailbox_domains = example.com\n"
	    "virtual_alias_maps = ldap:/etc/postfix/ldap-aliases.cf\n",
	    NULL, "virtual_alias_maps = ldap:/etc/postfix/ldap-aliases.cf\n");
	pf_run(mg_check_pf_aliases, &m, &r);
	assert_null(pf_finding(&r, "postfix.aliases.virtual"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_local_postmaster - mydestination delivery: alias_maps decides;
 * $variable values arrive expanded (postconf -x) */
static void
test_local_postmaster(void **state)
{
	static const char *n = "mydestination = $myhostname, localhost\n"
	    "alias_maps = hash:/etc/aliases\n"
	    "inet_interfaces = loopback-only\n";
	static const char *x_out = "mydestination = mail.example.com, "
	    "localhost\nalias_maps = hash:/etc/aliases\n"
	    "inet_interfaces = loopback-only\n";
	static const char *al[] = { "root", NULL, "postmaster", NULL,
	    NULL };
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;
	struct mg_map *t;

	(void)state;
	pf_build(&m, n, x_out, n);
	t = pf_map(&m, "hash:/etc/aliases", "mailer-daemon: postmaster\n",
	    ALIASES, "# /etc/aliases\nmailer-daemon: postmaster\n");
	answers(t, al);
	pf_run(mg_check_pf_aliases, &m, &r);
	f = pf_finding(&r, "postfix.aliases.postmaster");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	x = mg_report_find_fix(&r, "postfix.aliases.add");
	assert_non_null(x);
	assert_string_equal(x->edits[0].new_text,
	    "mailer-daemon: postmaster\npostmaster: root");
	assert_string_equal(x->post[0].argv[0], "postalias");
	f = pf_finding(&r, "postfix.aliases.root");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_LOW);
	/* loopback-only: said, no fix */
	f = pf_finding(&r, "postfix.localhost.remote");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_INFO);
	assert_null(mg_report_find_fix(&r, "postfix.localhost.local-only"));
	assert_null(pf_finding(&r, "postfix.aliases.virtual"));
	mg_report_free(&r);
	mg_model_free(&m);

	/* RHEL's shape: the same loopback-only inet_interfaces and an smtpd
	 * bound to 0.0.0.0 in master.cf, which other hosts reach: low, with
	 * its fix */
	pf_build(&m, n, x_out, n);
	t = pf_map(&m, "hash:/etc/aliases", "mailer-daemon: postmaster\n",
	    ALIASES, "# /etc/aliases\nmailer-daemon: postmaster\n");
	answers(t, al);
	mg_model_service_add(&m, "0.0.0.0:25", "inet")->command =
	    mg_xstrdup("smtpd");
	pf_run(mg_check_pf_aliases, &m, &r);
	f = pf_finding(&r, "postfix.localhost.remote");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_LOW);
	assert_null(pf_evidence(f, "loopback address"));
	assert_non_null(mg_report_find_fix(&r, "postfix.localhost.local-only"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_local_rcpt_virtual - mydestination = localhost with
 * local_recipient_maps = $virtual_mailbox_maps: smtpd refuses
 * root@localhost ("User unknown in local recipient table") and accepts
 * postmaster@ (exempt); the localhost finding names only postmaster */
static void
test_local_rcpt_virtual(void **state)
{
	static const char *n = "mydestination = localhost\n"
	    "virtual_mailbox_domains = example.com\n"
	    "virtual_mailbox_maps = hash:" VMAILBOX "\n"
	    "virtual_alias_maps = hash:" VIRTUAL "\n"
	    "alias_maps = hash:" ALIASES "\n"
	    "local_recipient_maps = $virtual_mailbox_maps\n"
	    "inet_interfaces = all\n";
	static const char *x_out = "mydestination = localhost\n"
	    "virtual_mailbox_domains = example.com\n"
	    "virtual_mailbox_maps = hash:" VMAILBOX "\n"
	    "virtual_alias_maps = hash:" VIRTUAL "\n"
	    "alias_maps = hash:" ALIASES "\n"
	    "local_recipient_maps = hash:" VMAILBOX "\n"
	    "local_transport = local:$myhostname\n"
	    "inet_interfaces = all\n";
	static const char *valias[] = { "root@example.com", "alice@example.com",
	    "postmaster@example.com", "alice@example.com", "root@localhost",
	    NULL, "postmaster@localhost", NULL, "root", NULL, "postmaster",
	    NULL, "@localhost", NULL, NULL };
	static const char *vmbox[] = { "root@localhost", NULL,
	    "postmaster@localhost", NULL, "root", NULL, "postmaster", NULL,
	    "@localhost", NULL, NULL };
	static const char *al[] = { "root", "admin@ops.example.net",
	    "postmaster", "root", NULL };
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	pf_build(&m, n, x_out, n);
	answers(pf_map(&m, "hash:" VIRTUAL, NULL, NULL, NULL), valias);
	answers(pf_map(&m, "hash:" VMAILBOX, NULL, NULL, NULL), vmbox);
	answers(pf_map(&m, "hash:" ALIASES, NULL, NULL, NULL), al);
	pf_run(mg_check_pf_aliases, &m, &r);
	f = pf_finding(&r, "postfix.localhost.remote");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_LOW);
	assert_non_null(pf_evidence(f, "root@localhost: refused at RCPT - "
	    "\"User unknown in local recipient table\""));
	assert_non_null(pf_evidence(f, "postmaster@localhost: accepted at "
	    "RCPT - smtpd accepts postmaster@"));
	/* local(8) reads alias_maps: both reach a person */
	assert_null(pf_finding(&r, "postfix.aliases.root"));
	assert_null(pf_finding(&r, "postfix.aliases.postmaster"));
	assert_null(pf_finding(&r, "postfix.aliases.virtual"));
	mg_report_free(&r);
	mg_model_free(&m);

	/* without postmaster in the aliases: accepted, then bounced */
	pf_build(&m, n, x_out, n);
	answers(pf_map(&m, "hash:" VIRTUAL, NULL, NULL, NULL), valias);
	answers(pf_map(&m, "hash:" VMAILBOX, NULL, NULL, NULL), vmbox);
	(void)mg_map_answer_add(pf_map(&m, "hash:" ALIASES, NULL, NULL, NULL),
	    "postmaster", NULL);
	(void)mg_map_answer_add(mg_model_map_add(&m, "hash:" ALIASES),
	    "root", "admin@ops.example.net");
	pf_run(mg_check_pf_aliases, &m, &r);
	f = pf_finding(&r, "postfix.aliases.postmaster");
	assert_non_null(f);
	assert_non_null(pf_evidence(f, "postmaster@localhost: accepted at "
	    "RCPT (smtpd accepts postmaster@ a local domain without asking "
	    "local_recipient_maps), then bounced by local(8)"));
	mg_report_free(&r);
	mg_model_free(&m);

	/* ... unless getpwnam knows a postmaster account: its mailbox */
	pf_build(&m, n, x_out, n);
	answers(pf_map(&m, "hash:" VIRTUAL, NULL, NULL, NULL), valias);
	answers(pf_map(&m, "hash:" VMAILBOX, NULL, NULL, NULL), vmbox);
	(void)mg_map_answer_add(pf_map(&m, "hash:" ALIASES, NULL, NULL, NULL),
	    "postmaster", NULL);
	(void)mg_map_answer_add(pf_map(&m, "unix:passwd.byname", NULL, NULL,
	    NULL), "postmaster", "postmaster:x:120:120::/home/pm:/bin/false");
	pf_run(mg_check_pf_aliases, &m, &r);
	assert_null(pf_finding(&r, "postfix.aliases.postmaster"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_local_transport_virtual - local_transport = virtual: alias_maps
 * is never read; root@localhost passes smtpd (passwd) and virtual(8)
 * bounces it; the fix goes to virtual_alias_maps, no alias_maps finding */
static void
test_local_transport_virtual(void **state)
{
	static const char *n = "mydestination = localhost\n"
	    "local_transport = virtual\n"
	    "virtual_mailbox_maps = hash:" VMAILBOX "\n"
	    "virtual_alias_maps = hash:" VIRTUAL "\n"
	    "alias_maps = hash:" ALIASES "\n"
	    "inet_interfaces = all\n";
	static const char *x_out = "mydestination = localhost\n"
	    "local_transport = virtual\n"
	    "virtual_mailbox_maps = hash:" VMAILBOX "\n"
	    "virtual_alias_maps = hash:" VIRTUAL "\n"
	    "alias_maps = hash:" ALIASES "\n"
	    "local_recipient_maps = proxy:unix:passwd.byname hash:" ALIASES
	    "\ninet_interfaces = all\n";
	static const char *none[] = { "root@localhost", NULL,
	    "postmaster@localhost", NULL, "root", NULL, "postmaster", NULL,
	    "@localhost", NULL, NULL };
	static const char *pw[] = { "root@localhost", NULL,
	    "postmaster@localhost", NULL, "root", "root:x:0:0::/root:/bin/sh",
	    "postmaster", NULL, "@localhost", NULL, NULL };
	static const char *al[] = { "root", "admin@ops.example.net",
	    "postmaster", "root", "root@localhost", NULL,
	    "postmaster@localhost", NULL, "@localhost", NULL, NULL };
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;
	struct mg_map *t;

	(void)state;
	pf_build(&m, n, x_out, n);
	t = pf_map(&m, "hash:" VIRTUAL, "info@localhost root@localhost\n",
	    VIRTUAL, "info@localhost root@localhost\n");
	answers(t, none);
	t = pf_map(&m, "hash:" VMAILBOX, "alice@localhost localhost/alice/\n",
	    VMAILBOX, "alice@localhost localhost/alice/\n");
	answers(t, none);
	answers(pf_map(&m, "proxy:unix:passwd.byname", NULL, NULL, NULL), pw);
	answers(pf_map(&m, "hash:" ALIASES, NULL, NULL, NULL), al);
	pf_run(mg_check_pf_aliases, &m, &r);
	f = pf_finding(&r, "postfix.aliases.virtual");
	assert_non_null(f);
	assert_non_null(pf_evidence(f, "root@localhost: accepted at RCPT - "
	    "in local_recipient_maps (proxy:unix:passwd.byname); "
	    "local_transport = virtual then looks for it in "
	    "virtual_mailbox_maps"));
	assert_non_null(pf_evidence(f, "postmaster@localhost: accepted at "
	    "RCPT"));
	assert_non_null(pf_evidence(f, "local_transport = virtual"));
	x = mg_report_find_fix(&r, "postfix.aliases.add-virtual");
	assert_non_null(x);
	assert_string_equal(x->edits[0].file, VIRTUAL);
	assert_string_equal(x->edits[0].new_text,
	    "info@localhost root@localhost\n"
	    "postmaster@localhost  admin@ops.example.net\n"
	    "root@localhost  admin@ops.example.net");
	/* alias_maps is not where Postfix looks: nothing said about it */
	assert_null(pf_finding(&r, "postfix.aliases.postmaster"));
	assert_null(pf_finding(&r, "postfix.aliases.root"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_valias_domain_from_table - virtual_alias_domains is Postfix's
 * default $virtual_alias_maps: the table's domain keys are the domains,
 * and their root@/postmaster@ must be in it ("User unknown in virtual
 * alias table"); a bare local-part key is no domain */
static void
test_valias_domain_from_table(void **state)
{
	static const char *n = "mydestination = localhost\n"
	    "virtual_alias_maps = hash:" VIRTUAL "\n"
	    "alias_maps = hash:" ALIASES "\n"
	    "inet_interfaces = loopback-only\n";
	static const char *x_out = "mydestination = localhost\n"
	    "virtual_alias_maps = hash:" VIRTUAL "\n"
	    "virtual_alias_domains = hash:" VIRTUAL "\n"
	    "alias_maps = hash:" ALIASES "\n"
	    "inet_interfaces = loopback-only\n";
	static const char *valias[] = { "root@example.net", NULL,
	    "postmaster@example.net", "alice@example.com", "@example.net",
	    NULL, "root@localhost", NULL, "postmaster@localhost", NULL,
	    "root", NULL, "postmaster", NULL, "@localhost", NULL, NULL };
	static const char *al[] = { "root", "admin@ops.example.net",
	    "postmaster", "root", NULL };
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;
	struct mg_map *t;

	(void)state;
	pf_build(&m, n, x_out, n);
	t = pf_map(&m, "hash:" VIRTUAL, "example.net\tanything\n"
	    "postmaster@example.net\talice@example.com\n"
	    "sales\tbob@example.com\n", VIRTUAL, "example.net anything\n"
	    "postmaster@example.net alice@example.com\n"
	    "sales bob@example.com\n");
	answers(t, valias);
	answers(pf_map(&m, "hash:" ALIASES, NULL, NULL, NULL), al);
	pf_run(mg_check_pf_aliases, &m, &r);
	f = pf_finding(&r, "postfix.aliases.virtual");
	assert_non_null(f);
	assert_non_null(pf_evidence(f, "root@example.net: not in "
	    "virtual_alias_maps - rejected \"User unknown in virtual alias "
	    "table\""));
	assert_null(pf_evidence(f, "postmaster@example.net"));
	assert_null(pf_evidence(f, "@sales"));
	assert_int_equal(f->nevidence, 3);	/* main.cf line, root, fix */
	x = mg_report_find_fix(&r, "postfix.aliases.add-virtual");
	assert_non_null(x);
	assert_string_equal(x->edits[0].new_text, "sales bob@example.com\n"
	    "root@example.net  admin@ops.example.net");
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_unread_alias_table_unknown - the aliases are in a proxy:mysql:
 * table that could not be read (Postfix stopped): neither "no postmaster"
 * nor silence, but an info finding naming the table and why; once the
 * table answers, the finding is gone */
static void
test_unread_alias_table_unknown(void **state)
{
	static const char *n = "mydestination = $myhostname, localhost\n"
	    "alias_maps = proxy:mysql:/etc/postfix/aliases.cf\n"
	    "inet_interfaces = loopback-only\n";
	static const char *x_out = "mydestination = mail.example.com, "
	    "localhost\nalias_maps = proxy:mysql:/etc/postfix/aliases.cf\n"
	    "inet_interfaces = loopback-only\n";
	static const char *al[] = { "root", "admin@example.net",
	    "postmaster", "root", NULL };
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;
	struct mg_map *t;

	(void)state;
	pf_build(&m, n, x_out, n);
	t = mg_model_map_add(&m, "proxy:mysql:/etc/postfix/aliases.cf");
	t->error = mg_xstrdup("Postfix is not running, so proxymap cannot "
	    "answer, and mysql: is not a local file to read directly");
	pf_run(mg_check_pf_aliases, &m, &r);
	assert_null(pf_finding(&r, "postfix.aliases.postmaster"));
	assert_null(pf_finding(&r, "postfix.aliases.root"));
	f = pf_finding(&r, "postfix.aliases.unknown");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_INFO);
	assert_string_equal(f->title, "unknown: "
	    "proxy:mysql:/etc/postfix/aliases.cf not read, so where mail to "
	    "root and postmaster goes is not known");
	assert_non_null(pf_evidence(f, "proxy:mysql:/etc/postfix/aliases.cf "
	    "(alias_maps): Postfix is not running, so proxymap cannot "
	    "answer"));
	assert_non_null(pf_evidence(f, "postmaster@mail.example.com: "
	    "unknown"));
	assert_non_null(pf_evidence(f, "root@localhost: unknown"));
	mg_report_free(&r);

	/* read after all: the answers decide, nothing is unknown */
	free(t->error);
	t->error = NULL;
	answers(t, al);
	pf_run(mg_check_pf_aliases, &m, &r);
	assert_null(pf_finding(&r, "postfix.aliases.unknown"));
	assert_null(pf_finding(&r, "postfix.aliases.postmaster"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_unsupported_type_fails_lookups - a mysql: table in
 * virtual_alias_maps on a Postfix without postfix-mysql: a medium finding
 * (Postfix answers 451 for it too), and the aliases behind it are unknown
 * even though alias_maps answers (Postfix stops at the failing table) */
static void
test_unsupported_type_fails_lookups(void **state)
{
	static const char *n = "mydestination = localhost\n"
	    "alias_maps = hash:/etc/aliases\n"
	    "virtual_alias_maps = mysql:/etc/postfix/v.cf\n"
	    "inet_interfaces = loopback-only\n";
	static const char *al[] = { "root", "admin@example.net",
	    "postmaster", "root", NULL };
	const struct mg_finding *f;
	struct mg_model m;
	struct mg_report r;
	struct mg_map *t;

	(void)state;
	pf_build(&m, n, NULL, n);
	t = pf_map(&m, "hash:/etc/aliases", NULL, NULL, NULL);
	answers(t, al);
	t = mg_model_map_add(&m, "mysql:/etc/postfix/v.cf");
	t->error = mg_xstrdup("mysql: " MG_PF_NOT_A_TYPE " (postconf -m "
	    "does not list it; is the postfix-mysql package installed?)");
	pf_run(mg_check_pf_aliases, &m, &r);
	f = pf_finding(&r, "postfix.maps.unsupported");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_MEDIUM);
	assert_non_null(pf_evidence(f, "mysql:/etc/postfix/v.cf: mysql: is "
	    "not a table type this Postfix has"));
	f = pf_finding(&r, "postfix.aliases.unknown");
	assert_non_null(f);
	assert_non_null(pf_evidence(f, "root@localhost: unknown"));
	assert_null(pf_finding(&r, "postfix.aliases.root"));
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_proxy_table_rebuilt_as_inner - aliases behind proxy:hash: (read
 * directly while Postfix is stopped): the fix appends to the file and
 * rebuilds hash:FILE, since postalias cannot create through proxymap */
static void
test_proxy_table_rebuilt_as_inner(void **state)
{
	static const char *n = "mydestination = localhost\n"
	    "alias_maps = proxy:hash:/etc/aliases\n"
	    "inet_interfaces = loopback-only\n";
	static const char *al[] = { "root", "admin@example.net",
	    "postmaster", NULL, NULL };
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;
	struct mg_map *t;

	(void)state;
	pf_build(&m, n, NULL, n);
	t = pf_map(&m, "proxy:hash:/etc/aliases", "root: admin@example.net\n",
	    ALIASES, "root: admin@example.net\n");
	answers(t, al);
	pf_run(mg_check_pf_aliases, &m, &r);
	assert_non_null(pf_finding(&r, "postfix.aliases.postmaster"));
	x = mg_report_find_fix(&r, "postfix.aliases.add");
	assert_non_null(x);
	assert_int_equal(x->npost, 1);
	assert_string_equal(x->post[0].argv[0], "postalias");
	assert_string_equal(x->post[0].argv[3], "hash:/etc/aliases");
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_stale_table - source edited after postmap: rebuild it */
static void
test_stale_table(void **state)
{
	static const char *n = "smtpd_recipient_restrictions = "
	    "check_recipient_access hash:/etc/postfix/access\n";
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;
	struct mg_map *t;

	(void)state;
	pf_build(&m, n, NULL, n);
	t = pf_map(&m, "hash:/etc/postfix/access", "spam.test REJECT\n",
	    "/etc/postfix/access", "spam.test REJECT\n");
	pf_run(mg_check_pf_aliases, &m, &r);
	assert_null(pf_finding(&r, "postfix.maps.stale"));
	mg_report_free(&r);
	t->stale = 1;
	pf_run(mg_check_pf_aliases, &m, &r);
	f = pf_finding(&r, "postfix.maps.stale");
	assert_non_null(f);
	assert_non_null(pf_evidence(f, "hash:/etc/postfix/access: the "
	    "source is newer"));
	x = mg_report_find_fix(&r, "postfix.maps.rebuild");
	assert_non_null(x);
	assert_string_equal(x->post[0].argv[0], "postmap");
	assert_string_equal(x->post[0].argv[3], "hash:/etc/postfix/access");
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_localhost_fix_keeps_restrictions - the access check goes first,
 * the operator's recipient restrictions stay after it */
static void
test_localhost_fix_keeps_restrictions(void **state)
{
	static const char *n = "mydestination = localhost\n"
	    "inet_interfaces = all\n"
	    "smtpd_recipient_restrictions = reject_unlisted_recipient\n";
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	pf_build(&m, n, NULL, n);
	pf_run(mg_check_pf_aliases, &m, &r);
	x = mg_report_find_fix(&r, "postfix.localhost.local-only");
	assert_non_null(x);
	assert_int_equal(x->edits[0].line, 3);
	assert_string_equal(x->edits[0].new_text, "check_recipient_access "
	    "inline:{{localhost=permit_mynetworks reject} "
	    "{localhost.localdomain=permit_mynetworks reject}}, "
	    "reject_unlisted_recipient");
	/* the proof: an outsider to root@localhost (an account here: the
	 * hole), the same from loopback (kept); no other local domain */
	f = pf_finding(&r, "postfix.localhost.remote");
	assert_int_equal(f->nprobes, 2);
	assert_true(f->probes[0].hole_if_accepted);
	assert_string_equal(f->probes[0].client, "198.51.100.9");
	assert_string_equal(f->probes[0].rcpt, "root@localhost");
	assert_string_equal(f->probes[0].sender, "");
	assert_false(f->probes[1].hole_if_accepted);
	assert_string_equal(f->probes[1].client, "127.0.0.1");
	assert_string_equal(f->probes[1].rcpt, "root@localhost");
	mg_report_free(&r);
	mg_model_free(&m);
	/* an IPv6 loopback listener is loopback too */
	pf_build(&m, "mydestination = localhost\n"
	    "inet_interfaces = 127.0.0.1, [::1]\n", NULL, "");
	pf_run(mg_check_pf_aliases, &m, &r);
	assert_int_equal(pf_finding(&r, "postfix.localhost.remote")->severity,
	    MG_SEV_INFO);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_smtpd_hygiene - Postfix's defaults: HELO optional, VRFY on */
static void
test_smtpd_hygiene(void **state)
{
	static const char *defaults = "smtpd_helo_required = no\n"
	    "disable_vrfy_command = no\n"
	    "smtpd_hard_error_limit = 20\n"
	    "smtpd_error_sleep_time = 1s\n"
	    "inet_interfaces = all\n";
	const struct mg_finding *f;
	const struct mg_fix *x;
	struct mg_model m;
	struct mg_report r;

	(void)state;
	pf_build(&m, "smtpd_hard_error_limit = 1000\n", NULL,
	    "# main.cf\nsmtpd_hard_error_limit = 1000\n");
	pf_params(&m, defaults);
	pf_params(&m, "smtpd_hard_error_limit = 1000\n");
	pf_run(mg_check_pf_smtpd, &m, &r);
	f = pf_finding(&r, "postfix.smtpd.hygiene");
	assert_non_null(f);
	assert_int_equal(f->severity, MG_SEV_LOW);
	assert_non_null(pf_evidence(f, "smtpd_helo_required = no "
	    "(default at compatibility_level 0)"));
	assert_int_equal(pf_evidence(f, "smtpd_hard_error_limit = 1000")->line,
	    2);
	x = mg_report_find_fix(&r, "postfix.smtpd.hygiene");
	assert_non_null(x);
	assert_int_equal(x->nedits, 3);
	assert_string_equal(x->edits[2].new_text, "20");
	assert_int_equal(x->edits[2].line, 2);
	mg_report_free(&r);
	mg_model_free(&m);

	pf_build(&m, "smtpd_helo_required = yes\n"
	    "disable_vrfy_command = yes\n", NULL, "");
	pf_params(&m, "smtpd_hard_error_limit = 20\n"
	    "smtpd_error_sleep_time = 1s\n");
	pf_run(mg_check_pf_smtpd, &m, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	mg_model_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_virtual_noalias),
		cmocka_unit_test(test_catchall_counts),
		cmocka_unit_test(test_local_postmaster),
		cmocka_unit_test(test_local_rcpt_virtual),
		cmocka_unit_test(test_local_transport_virtual),
		cmocka_unit_test(test_valias_domain_from_table),
		cmocka_unit_test(test_unread_alias_table_unknown),
		cmocka_unit_test(test_unsupported_type_fails_lookups),
		cmocka_unit_test(test_proxy_table_rebuilt_as_inner),
		cmocka_unit_test(test_stale_table),
		cmocka_unit_test(test_localhost_fix_keeps_restrictions),
		cmocka_unit_test(test_smtpd_hygiene),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
