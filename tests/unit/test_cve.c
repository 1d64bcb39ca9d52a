/* test_cve.c - the CVE table (data/cves.tsv compiled in), the version
 * order, Debian changelogs read for backports (captured from the lab's
 * exim4 4.96-15+deb12u11 and Debian 12's postfix), and the version and
 * smuggling findings they give. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../checks/checks.h"
#include "../../core/mg_cve.h"
#include "../../core/mg_exec.h"
#include "../../core/mg_pkg.h"
#include "../../core/mg_str.h"
#include "mg_test.h"

#define DATA "tests/unit/data/pkg/"

/* test_version_order - upstream versions compared as numbers */
static void
test_version_order(void **state)
{
	static const struct {
		const char *a, *b;
		int want;
	} cases[] = {
		{ "4.96", "4.96", 0 },
		{ "4.96", "4.96.0", 0 },
		{ "4.96", "4.96.1", -1 },
		{ "4.96.2", "4.97", -1 },
		{ "4.100.1", "4.99.2", 1 },
		{ "3.7.11", "3.7.9", 1 },
		{ "3.10.0", "3.9.1", 1 },
		{ "4.96-15+deb12u4", "4.96", 0 },
		{ "4.96_RC1", "4.96", 0 },
		{ "2.4.16", "2.4.15", 1 },
	};
	size_t i;
	int got;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		got = mg_version_cmp(cases[i].a, cases[i].b);
		got = got < 0 ? -1 : got > 0 ? 1 : 0;
		if (got != cases[i].want)
			fail_msg("%s vs %s: %d, want %d", cases[i].a,
			    cases[i].b, got, cases[i].want);
	}
}

/* test_builtin_table_sane - the compiled-in table parses; every row's
 * range ends before its fix, starts at or before its end; the CVEs the
 * task names are there */
static void
test_builtin_table_sane(void **state)
{
	static const char *const want[] = { "CVE-2019-10149",
	    "CVE-2020-28017", "CVE-2021-27216", "CVE-2023-42115",
	    "CVE-2023-51766", "CVE-2024-39929", "CVE-2025-26794",
	    "CVE-2025-30232", "CVE-2023-51764", "CVE-2011-1720" };
	struct mg_cve_table t = { NULL, 0, 0 };
	struct mg_err err;
	size_t i, k, npf = 0, nexim = 0;
	int found;

	(void)state;
	assert_int_equal(mg_cve_builtin(&t, &err), 0);
	assert_true(t.nrows >= 40);
	for (i = 0; i < t.nrows; i++) {
		const struct mg_cve *c = &t.rows[i];

		assert_true(mg_version_cmp(c->last, c->fixed) < 0);
		if (c->first != NULL)
			assert_true(mg_version_cmp(c->first, c->last) <= 0);
		assert_true(strncmp(c->source, "https://", 8) == 0);
		assert_true(strcmp(c->kind, "version") == 0 ||
		    strcmp(c->kind, "smuggling") == 0);
		npf += strcmp(c->mta, "postfix") == 0;
		nexim += strcmp(c->mta, "exim") == 0;
	}
	assert_int_equal(npf + nexim, t.nrows);
	for (k = 0; k < MG_NELEM(want); k++) {
		for (found = 0, i = 0; i < t.nrows && !found; i++)
			found = strcmp(t.rows[i].id, want[k]) == 0;
		if (!found)
			fail_msg("%s is not in data/cves.tsv", want[k]);
	}
	mg_cve_table_free(&t);
}

/* test_table_ranges - CVE-2019-10149 is 4.87 to 4.91; 4.92 is fixed */
static void
test_table_ranges(void **state)
{
	struct mg_cve_table t = { NULL, 0, 0 };
	struct mg_err err;
	const struct mg_cve *c = NULL;
	size_t i;

	(void)state;
	assert_int_equal(mg_cve_builtin(&t, &err), 0);
	for (i = 0; i < t.nrows && c == NULL; i++)
		if (strcmp(t.rows[i].id, "CVE-2019-10149") == 0)
			c = &t.rows[i];
	assert_non_null(c);
	assert_false(mg_cve_affects(c, "4.86.2"));
	assert_true(mg_cve_affects(c, "4.87"));
	assert_true(mg_cve_affects(c, "4.91"));
	assert_false(mg_cve_affects(c, "4.92"));
	assert_false(mg_cve_affects(c, "unknown"));
	mg_cve_table_free(&t);
}

/* test_table_rejects_garbage - a bad row names its line */
static void
test_table_rejects_garbage(void **state)
{
	static const struct {
		const char *text, *want;
	} cases[] = {
		{ "# c\nexim\tCVE-2000-0001\t-\t4.1\t4.2\thigh\tversion\ts\n",
		    "line 2: not 9 or 10" },
		{ "exim\tCVE-2000-0001\t-\t4.1\t4.2\tawful\tversion\ts\tu\n",
		    "line 1: unknown severity" },
		{ "exim\tCVE-2000-0001\t-\t\t4.2\thigh\tversion\ts\tu\n",
		    "line 1: no last" },
		{ "exim\tBUG-1\t-\t4.1\t4.2\thigh\tversion\ts\tu\n",
		    "line 1: the id" },
		{ "exim\tCVE-2000-0001\t-\t4.1\t4.2\thigh\tversion\ts\tu\tx\t"
		    "y\n", "line 1: not 9 or 10" },
	};
	struct mg_cve_table t = { NULL, 0, 0 };
	struct mg_err err;
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(cases); i++) {
		mg_err_clear(&err);
		assert_int_equal(mg_cve_parse(cases[i].text, &t, &err), -1);
		if (strstr(err.msg, cases[i].want) == NULL)
			fail_msg("case %zu: \"%s\"", i, err.msg);
		mg_cve_table_free(&t);
	}
	assert_int_equal(mg_cve_parse("# only\n\n", &t, &err), 0);
	assert_int_equal(t.nrows, 0);
}

/* test_changelog_exim_backports - the lab's exim4 changelog: newest
 * version, each CVE with the (oldest) entry naming it */
static void
test_changelog_exim_backports(void **state)
{
	struct mg_pkg p;
	struct mg_err err;
	const struct mg_pkg_fix *x;

	(void)state;
	mg_pkg_init(&p);
	assert_int_equal(mg_pkg_changelog_read(DATA
	    "exim4-deb12u11.changelog.Debian.gz", &p, &err), 0);
	assert_string_equal(p.version, "4.96-15+deb12u11");
	x = mg_pkg_fixed(&p, "CVE-2023-51766");
	assert_non_null(x);
	assert_string_equal(x->version, "4.96-15+deb12u4");
	x = mg_pkg_fixed(&p, "CVE-2023-42115");
	assert_non_null(x);
	assert_string_equal(x->version, "4.96-15+deb12u2");
	x = mg_pkg_fixed(&p, "CVE-2023-42119");
	assert_non_null(x);
	assert_string_equal(x->version, "4.96-15+deb12u3");
	assert_non_null(mg_pkg_fixed(&p, "CVE-2025-30232"));
	assert_non_null(mg_pkg_fixed(&p, "CVE-2024-39929"));
	assert_null(mg_pkg_fixed(&p, "CVE-2019-10149"));
	assert_null(mg_pkg_fixed(&p, "CVE-2023"));
	mg_pkg_free(&p);
}

/* test_changelog_garbage - no entry line: nothing attributed; a short
 * or glued id is not one */
static void
test_changelog_garbage(void **state)
{
	struct mg_pkg p;

	(void)state;
	mg_pkg_init(&p);
	mg_pkg_changelog_parse("  * CVE-2023-51766 before any entry\n"
	    "x (1.0-1) unstable; urgency=low\n  * XCVE-2023-51766 CVE-12 "
	    "CVE-2023-1\n  * CVE-2024-39929,\n", &p);
	assert_string_equal(p.version, "1.0-1");
	assert_int_equal(p.nfixes, 1);
	assert_string_equal(p.fixes[0].cve, "CVE-2024-39929");
	assert_int_equal(p.fixes[0].line, 4);
	mg_pkg_free(&p);
	mg_pkg_init(&p);
	mg_pkg_changelog_parse("", &p);
	assert_null(p.version);
	mg_pkg_free(&p);
}

/* test_pkg_owner_from_dpkg_list - a Debian tree unpacked under a
 * prefix: the package whose dpkg file list names the binary is the
 * owner (exim4-daemon-light), not the first candidate with a changelog
 * (exim4-daemon-heavy, left behind with an older one) */
static void
test_pkg_owner_from_dpkg_list(void **state)
{
	static const char *const cands[] = { "exim4-daemon-heavy",
	    "exim4-daemon-light", NULL };
	char root[] = "/tmp/mg-test-pkg.XXXXXX", cmd[4096], bin[4200];
	const char *argv[] = { "sh", "-c", cmd, NULL };
	struct mg_exec_res res;
	struct mg_err err;
	struct mg_pkg p;

	(void)state;
	assert_non_null(mkdtemp(root));
	(void)snprintf(cmd, sizeof(cmd), "set -e; cd '%s'; mkdir -p usr/sbin "
	    "var/lib/dpkg/info usr/share/doc/exim4-daemon-heavy "
	    "usr/share/doc/exim4-daemon-light; : > usr/sbin/exim4; "
	    "printf '/.\n/usr\n/usr/sbin\n/usr/sbin/exim4' > "
	    "var/lib/dpkg/info/exim4-daemon-light.list; "
	    "printf '/usr/sbin/exim4x\n' > "
	    "var/lib/dpkg/info/exim4-daemon-heavy.list; cd - >/dev/null; "
	    "cp " DATA "exim4-deb12u3.changelog.Debian.gz '%s/usr/share/doc/"
	    "exim4-daemon-heavy/changelog.Debian.gz'; cp " DATA
	    "exim4-deb12u11.changelog.Debian.gz '%s/usr/share/doc/"
	    "exim4-daemon-light/changelog.Debian.gz'", root, root, root);
	assert_int_equal(mg_exec_run(argv, 10000, &res, &err), 0);
	assert_true(mg_exec_ok(&res));
	mg_exec_res_free(&res);
	(void)snprintf(bin, sizeof(bin), "%s/usr/sbin/exim4", root);
	mg_pkg_init(&p);
	assert_int_equal(mg_pkg_load(bin, cands, &p, &err), 0);
	assert_string_equal(p.name, "exim4-daemon-light");
	assert_string_equal(p.version, "4.96-15+deb12u11");
	assert_non_null(mg_pkg_fixed(&p, "CVE-2023-51766"));
	mg_pkg_free(&p);
	(void)snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	assert_int_equal(mg_exec_run(argv, 10000, &res, &err), 0);
	mg_exec_res_free(&res);
}

/* exim_model - an Exim 4.96 model with the package read from a fixture
 * changelog, or none (path NULL) */
static void
exim_model(struct mg_model *m, const char *path)
{
	struct mg_err err;

	mg_model_init(m);
	m->mta = MG_MTA_EXIM;
	m->version = mg_xstrdup("4.96");
	if (path == NULL)
		return;
	m->pkg = mg_xcalloc(1, sizeof(*m->pkg));
	mg_pkg_init(m->pkg);
	m->pkg->name = mg_xstrdup("exim4-daemon-light");
	assert_int_equal(mg_pkg_changelog_read(path, m->pkg, &err), 0);
}

/* find - a finding by id */
static const struct mg_finding *
find(const struct mg_report *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->nfindings; i++)
		if (strcmp(r->findings[i].id, id) == 0)
			return (&r->findings[i]);
	return (NULL);
}

/* evidence_with - how many evidence lines contain text */
static size_t
evidence_with(const struct mg_finding *f, const char *text)
{
	size_t i, n = 0;

	for (i = 0; f != NULL && i < f->nevidence; i++)
		n += strstr(f->evidence[i].text, text) != NULL;
	return (n);
}

/* test_exim_496_backported - Debian's 4.96-15+deb12u11 names every CVE
 * 4.96 has: neither smuggling nor a version finding */
static void
test_exim_496_backported(void **state)
{
	struct mg_model m;
	struct mg_report r;

	(void)state;
	exim_model(&m, DATA "exim4-deb12u11.changelog.Debian.gz");
	mg_report_init(&r);
	mg_check_exim_smuggling(&m, &r);
	mg_check_exim_version(&m, &r);
	assert_int_equal(r.nfindings, 0);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_exim_496_no_changelog - no package: 4.96 is vulnerable to
 * CVE-2023-51766 (medium, smtpd) and to the 42115 family and later ones
 * (critical: 42115), each named; no fix */
static void
test_exim_496_no_changelog(void **state)
{
	struct mg_model m;
	struct mg_report r;
	const struct mg_finding *s, *v;

	(void)state;
	exim_model(&m, NULL);
	mg_report_init(&r);
	mg_check_exim_smuggling(&m, &r);
	mg_check_exim_version(&m, &r);
	assert_int_equal(r.nfindings, 2);
	s = find(&r, "exim.smtpd.smuggling");
	v = find(&r, "exim.version.cve");
	assert_non_null(s);
	assert_non_null(v);
	assert_int_equal(s->severity, MG_SEV_MEDIUM);
	assert_string_equal(s->area, "smtpd");
	assert_int_equal(evidence_with(s, "CVE-2023-51766 (medium)"), 1);
	assert_int_equal(evidence_with(s, "fixed upstream in 4.97.1"), 1);
	assert_int_equal(evidence_with(s, "no distribution package"), 1);
	assert_int_equal(v->severity, MG_SEV_CRITICAL);
	assert_int_equal(evidence_with(v, "CVE-2023-42115 (critical)"), 1);
	assert_int_equal(evidence_with(v, "CVE-2025-30232"), 1);
	assert_int_equal(evidence_with(v, "CVE-2019-10149"), 0);
	assert_int_equal(evidence_with(v, "CVE-2025-26794"), 0);
	/* 42114-42117, 42119, 39929, 30232, 40684-40687, 94054, 94056 */
	assert_int_equal(evidence_with(v, "is vulnerable"), 13);
	assert_int_equal(evidence_with(v, "13 published CVEs"), 1);
	/* and the later smuggling variant, fixed in 4.100.1 */
	assert_int_equal(evidence_with(s, "CVE-2026-94057 (medium)"), 1);
	assert_int_equal(evidence_with(s, "fixed upstream in 4.100.1"), 1);
	assert_int_equal(v->nfix_ids + s->nfix_ids, 0);
	assert_int_equal(r.nfixes, 0);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_exim_496_before_backport - the changelog of deb12u3: 42115 is
 * fixed there (said, with its entry), 51766 is not (said) */
static void
test_exim_496_before_backport(void **state)
{
	struct mg_model m;
	struct mg_report r;
	const struct mg_finding *s, *v;

	(void)state;
	exim_model(&m, DATA "exim4-deb12u3.changelog.Debian.gz");
	mg_report_init(&r);
	mg_check_exim_smuggling(&m, &r);
	mg_check_exim_version(&m, &r);
	s = find(&r, "exim.smtpd.smuggling");
	v = find(&r, "exim.version.cve");
	assert_non_null(s);
	assert_int_equal(evidence_with(s, "does not name CVE-2023-51766"),
	    1);
	assert_non_null(v);
	assert_int_equal(evidence_with(v, "CVE-2023-42115 (critical, "
	    "upstream fix 4.96.1): exim4-daemon-light fixed it in "
	    "4.96-15+deb12u2"), 1);
	assert_int_equal(evidence_with(v, "CVE-2024-39929 (high)"), 1);
	assert_int_equal(v->severity, MG_SEV_HIGH);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_postfix_3711_no_version_finding - Debian 12's Postfix: no CVE
 * of the table's version rows is in 3.7.11's range */
static void
test_postfix_3711_no_version_finding(void **state)
{
	struct mg_model m;
	struct mg_report r;

	(void)state;
	mg_model_init(&m);
	m.mta = MG_MTA_POSTFIX;
	m.version = mg_xstrdup("3.7.11");
	mg_report_init(&r);
	mg_check_pf_version(&m, &r);
	assert_int_equal(r.nfindings, 0);
	free(m.version);
	m.version = mg_xstrdup("2.7.2");
	mg_check_pf_version(&m, &r);
	assert_int_equal(r.nfindings, 1);
	assert_int_equal(evidence_with(&r.findings[0], "CVE-2011-0411"), 1);
	assert_int_equal(evidence_with(&r.findings[0], "CVE-2011-1720"), 1);
	assert_int_equal(r.findings[0].severity, MG_SEV_HIGH);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_changelog_ubuntu_and_versions - Ubuntu's security entries name
 * the CVE in a patch file name and a line of its own; a version with an
 * epoch, a backports tilde or +deb12u1 is kept whole, and a CVE named
 * again in an older entry belongs to the older one */
static void
test_changelog_ubuntu_and_versions(void **state)
{
	static const char text[] =
	    "postfix (1:3.6.4-1ubuntu1.3) jammy-security; urgency=medium\n"
	    "\n"
	    "  * SECURITY UPDATE: SMTP smuggling\n"
	    "    - debian/patches/CVE-2023-51764-1.patch: add\n"
	    "      smtpd_forbid_bare_newline.\n"
	    "    - CVE-2023-51764\n"
	    "\n"
	    " -- Marc Deslauriers <m@example.org>  Tue, 16 Jan 2024 09:00:00 "
	    "-0500\n"
	    "\n"
	    "exim4 (4.96-15~bpo11+1) bullseye-backports; urgency=medium\n"
	    "\n"
	    "  * Rebuild for bullseye-backports (fixes CVE-2023-42115).\n"
	    "\n"
	    "exim4 (4.96-15+deb12u1) bookworm; urgency=medium\n"
	    "\n"
	    "  * Fix XCVE-2023-00001 and CVE-2023-42115 here first.\n";
	struct mg_pkg p;
	const struct mg_pkg_fix *x;

	(void)state;
	mg_pkg_init(&p);
	mg_pkg_changelog_parse(text, &p);
	assert_string_equal(p.version, "1:3.6.4-1ubuntu1.3");
	x = mg_pkg_fixed(&p, "CVE-2023-51764");
	assert_non_null(x);
	assert_string_equal(x->version, "1:3.6.4-1ubuntu1.3");
	assert_int_equal(x->line, 6);
	x = mg_pkg_fixed(&p, "CVE-2023-42115");
	assert_non_null(x);
	assert_string_equal(x->version, "4.96-15+deb12u1");
	assert_null(mg_pkg_fixed(&p, "CVE-2023-00001"));
	assert_int_equal(p.nfixes, 2);
	mg_pkg_free(&p);
}

/* test_exim_versions_in_the_wild - the releases servers still run
 * against the advisories the table must hold: {version, CVE, in range} */
static void
test_exim_versions_in_the_wild(void **state)
{
	static const struct {
		const char *version, *cve;
		int want;
	} cases[] = {
		{ "4.90", "CVE-2018-6789", 1 },
		{ "4.90.1", "CVE-2018-6789", 0 },
		{ "4.92", "CVE-2019-13917", 1 },
		{ "4.92.1", "CVE-2019-13917", 0 },
		{ "4.84", "CVE-2019-13917", 0 },
		{ "4.92", "CVE-2019-15846", 1 },
		{ "4.92.1", "CVE-2019-15846", 1 },
		{ "4.92.2", "CVE-2019-15846", 0 },
		{ "4.92.2", "CVE-2019-16928", 1 },
		{ "4.91", "CVE-2019-16928", 0 },
		{ "4.92.3", "CVE-2019-16928", 0 },
		{ "4.96", "CVE-2026-45185", 0 },
		{ "4.98.2", "CVE-2026-45185", 1 },
		{ "4.99.2", "CVE-2026-45185", 1 },
		{ "4.99.3", "CVE-2026-45185", 0 },
		{ "4.99", "CVE-2025-26794", 1 },
		{ "4.99.1", "CVE-2025-26794", 0 },
		{ "4.98.1", "CVE-2025-26794", 0 },
		{ "4.99.4", "CVE-2026-94057", 1 },
		{ "4.96", "CVE-2026-94054", 1 },
		{ "4.100.1", "CVE-2026-94057", 0 },
	};
	struct mg_cve_table t = { NULL, 0, 0 };
	struct mg_err err;
	size_t i, k;
	int got;

	(void)state;
	assert_int_equal(mg_cve_builtin(&t, &err), 0);
	for (k = 0; k < MG_NELEM(cases); k++) {
		for (got = 0, i = 0; i < t.nrows; i++)
			if (strcmp(t.rows[i].id, cases[k].cve) == 0 &&
			    mg_cve_affects(&t.rows[i], cases[k].version))
				got = 1;
		if (got != cases[k].want)
			fail_msg("Exim %s %s: in range %d, want %d",
			    cases[k].version, cases[k].cve, got, cases[k].want);
	}
	mg_cve_table_free(&t);
}

/* test_changelog_names_exim_advisory - Debian's deb12u9 backported
 * CVE-2026-45185 naming only Exim's advisory (Exim-Security-2026-05-01.1):
 * the advisory id is read, and an Exim 4.98.2 whose changelog names it
 * has CVE-2026-45185 fixed, not open */
static void
test_changelog_names_exim_advisory(void **state)
{
	struct mg_model m;
	struct mg_report r;
	struct mg_pkg p;
	struct mg_err err;
	const struct mg_pkg_fix *x;
	const struct mg_finding *v;

	(void)state;
	mg_pkg_init(&p);
	assert_int_equal(mg_pkg_changelog_read(DATA
	    "exim4-deb12u11.changelog.Debian.gz", &p, &err), 0);
	x = mg_pkg_fixed(&p, "EXIM-Security-2026-05-01.1");
	assert_non_null(x);
	assert_string_equal(x->version, "4.96-15+deb12u9");
	assert_non_null(mg_pkg_fixed(&p, "Exim-Security-2026-05-19.1"));
	assert_null(mg_pkg_fixed(&p, "EXIM-Security-2026-05-01.2"));
	mg_pkg_free(&p);

	mg_model_init(&m);
	m.mta = MG_MTA_EXIM;
	m.version = mg_xstrdup("4.98.2");
	m.pkg = mg_xcalloc(1, sizeof(*m.pkg));
	mg_pkg_init(m.pkg);
	m.pkg->name = mg_xstrdup("exim4-daemon-heavy");
	m.pkg->manager = mg_xstrdup("dpkg");
	m.pkg->changelog = mg_xstrdup("changelog.Debian.gz");
	mg_pkg_changelog_parse("exim4 (4.98.2-1+deb13u4) trixie-security; "
	    "urgency=high\n\n  * Backport fix for Use-After-Free in GnuTLS "
	    "BDAT/CHUNKING code path.\n    This is Exim-Security-2026-05-01.1, "
	    "fixed upstream in 4.99.3.\n\n -- A <a@b>  Mon, 11 May 2026 "
	    "19:12:18 +0200\n", m.pkg);
	mg_report_init(&r);
	mg_check_exim_version(&m, &r);
	v = find(&r, "exim.version.cve");
	assert_non_null(v);
	assert_int_equal(evidence_with(v, "CVE-2026-45185 (critical, "
	    "upstream fix 4.99.3): exim4-daemon-heavy fixed it in "
	    "4.98.2-1+deb13u4"), 1);
	assert_int_equal(evidence_with(v, "CVE-2026-45185 (critical):"), 0);
	assert_true(v->severity < MG_SEV_CRITICAL);
	mg_report_free(&r);
	mg_model_free(&m);
}

/* test_rpm_owner_parse - rpm -qf's answer: the name and version (epoch
 * 0 dropped); "not owned" and garbage leave the package unknown */
static void
test_rpm_owner_parse(void **state)
{
	struct mg_pkg p;

	(void)state;
	mg_pkg_init(&p);
	assert_int_equal(mg_pkg_rpm_parse("file /usr/local/sbin/exim is not "
	    "owned by any package\n", &p), -1);
	assert_int_equal(mg_pkg_rpm_parse("", &p), -1);
	assert_int_equal(mg_pkg_rpm_parse("postfix\n", &p), -1);
	assert_int_equal(mg_pkg_rpm_parse("post;fix 1:2\n", &p), -1);
	assert_null(p.name);
	assert_int_equal(mg_pkg_rpm_parse("postfix 2:3.5.9-24.el9\n", &p), 0);
	assert_string_equal(p.name, "postfix");
	assert_string_equal(p.version, "2:3.5.9-24.el9");
	assert_string_equal(p.manager, "rpm");
	assert_null(p.changelog);
	assert_int_equal(mg_pkg_rpm_parse("exim 0:4.98.2-1.el9\n", &p), 0);
	assert_string_equal(p.version, "4.98.2-1.el9");
	mg_pkg_free(&p);
}

/* test_rpm_backports_unchecked - an RPM host: the package's changelog
 * is not read, so Exim 4.96 and Postfix 2.7.2 are not called vulnerable
 * with certainty: "could not check backports", the command that checks
 * by hand, severity at most medium; the same Exim with no package at
 * all is critical, on its upstream version alone, and says so */
static void
test_rpm_backports_unchecked(void **state)
{
	struct mg_model m;
	struct mg_report r;
	const struct mg_finding *v, *s;

	(void)state;
	exim_model(&m, NULL);
	m.pkg = mg_xcalloc(1, sizeof(*m.pkg));
	mg_pkg_init(m.pkg);
	assert_int_equal(mg_pkg_rpm_parse("exim 4.96-3.el8\n", m.pkg), 0);
	mg_report_init(&r);
	mg_check_exim_smuggling(&m, &r);
	mg_check_exim_version(&m, &r);
	v = find(&r, "exim.version.cve");
	s = find(&r, "exim.smtpd.smuggling");
	assert_non_null(v);
	assert_non_null(s);
	assert_int_equal(v->severity, MG_SEV_MEDIUM);
	assert_int_equal(s->severity, MG_SEV_MEDIUM);
	assert_non_null(strstr(v->title, "could not check backports"));
	assert_non_null(strstr(s->title, "could not check backports"));
	assert_null(strstr(v->title, "does not fix"));
	assert_null(strstr(v->explanation, "does not name them"));
	assert_int_equal(evidence_with(v, "is vulnerable"), 0);
	assert_int_equal(evidence_with(v, "unless the package backported "
	    "the fix"), 13);
	assert_int_equal(evidence_with(v, "could not check backports: the "
	    "rpm package exim 4.96-3.el8 owns the binary"), 1);
	assert_int_equal(evidence_with(v, "rpm -q --changelog exim | grep "
	    "-E 'CVE-2023-42114|CVE-2023-42115|"), 1);
	assert_int_equal(evidence_with(v, "no distribution package"), 0);
	mg_report_free(&r);
	mg_model_free(&m);
	/* a Debian package whose changelog could not be read: alike */
	exim_model(&m, NULL);
	m.pkg = mg_xcalloc(1, sizeof(*m.pkg));
	mg_pkg_init(m.pkg);
	m.pkg->name = mg_xstrdup("exim4-daemon-light");
	m.pkg->manager = mg_xstrdup("dpkg");
	mg_report_init(&r);
	mg_check_exim_version(&m, &r);
	v = find(&r, "exim.version.cve");
	assert_non_null(v);
	assert_int_equal(v->severity, MG_SEV_MEDIUM);
	assert_int_equal(evidence_with(v, "zgrep -E 'CVE-2023-42114|"), 1);
	mg_report_free(&r);
	mg_model_free(&m);
	/* Postfix 2.7.2 from an RPM: two CVEs, at most medium */
	mg_model_init(&m);
	m.mta = MG_MTA_POSTFIX;
	m.version = mg_xstrdup("2.7.2");
	m.pkg = mg_xcalloc(1, sizeof(*m.pkg));
	mg_pkg_init(m.pkg);
	assert_int_equal(mg_pkg_rpm_parse("postfix 2:2.7.2-1.el6\n", m.pkg),
	    0);
	mg_report_init(&r);
	mg_check_pf_version(&m, &r);
	assert_int_equal(r.nfindings, 1);
	assert_int_equal(r.findings[0].severity, MG_SEV_MEDIUM);
	assert_non_null(strstr(r.findings[0].title, "could not check "
	    "backports"));
	assert_int_equal(evidence_with(&r.findings[0], "rpm -q --changelog "
	    "postfix | grep -E 'CVE-2011-0411|CVE-2011-1720'"), 1);
	mg_report_free(&r);
	mg_model_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_version_order),
		cmocka_unit_test(test_builtin_table_sane),
		cmocka_unit_test(test_table_ranges),
		cmocka_unit_test(test_table_rejects_garbage),
		cmocka_unit_test(test_changelog_exim_backports),
		cmocka_unit_test(test_changelog_garbage),
		cmocka_unit_test(test_pkg_owner_from_dpkg_list),
		cmocka_unit_test(test_exim_496_backported),
		cmocka_unit_test(test_exim_496_no_changelog),
		cmocka_unit_test(test_exim_496_before_backport),
		cmocka_unit_test(test_postfix_3711_no_version_finding),
		cmocka_unit_test(test_changelog_ubuntu_and_versions),
		cmocka_unit_test(test_exim_versions_in_the_wild),
		cmocka_unit_test(test_changelog_names_exim_advisory),
		cmocka_unit_test(test_rpm_owner_parse),
		cmocka_unit_test(test_rpm_backports_unchecked),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
