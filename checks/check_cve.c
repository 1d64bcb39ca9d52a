/*
 * check_cve.c - the running MTA's upstream version against the CVE table
 * (data/cves.tsv), aware of distribution backports: a CVE id the
 * package's changelog.Debian.gz names is fixed there, whatever the
 * upstream version says (Debian keeps 4.96 in bookworm and backports
 * each security fix into it).  Used by the per-MTA version and smuggling
 * checks; knows no MTA but by the table's name for it.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../core/mg_cve.h"
#include "../core/mg_pkg.h"
#include "../core/mg_str.h"
#include "checks.h"

/* row_fixed - the changelog's entry naming the row's CVE id or one of
 * its aliases (the vendor's advisory id), or NULL */
static const struct mg_pkg_fix *
row_fixed(const struct mg_pkg *p, const struct mg_cve *c)
{
	const struct mg_pkg_fix *x;
	const char *a, *e;
	char id[64];

	if ((x = mg_pkg_fixed(p, c->id)) != NULL || c->aliases == NULL)
		return (x);
	for (a = c->aliases; *a != '\0' && x == NULL; a = e) {
		a += strspn(a, ", ");
		e = a + strcspn(a, ", ");
		if (e > a && (size_t)(e - a) < sizeof(id)) {
			(void)snprintf(id, sizeof(id), "%.*s", (int)(e - a), a);
			x = mg_pkg_fixed(p, id);
		}
	}
	return (x);
}

/* pkg_text - "exim4-daemon-light 4.96-15+deb12u11" or the name alone */
static void
pkg_text(const struct mg_pkg *p, char *buf, size_t size)
{
	(void)snprintf(buf, size, "%s%s%s", p->name, p->version != NULL ?
	    " " : "", p->version != NULL ? p->version : "");
}

/* fixed_evidence - the changelog's entry that fixed a CVE */
static void
fixed_evidence(struct mg_finding *f, const struct mg_pkg *p,
    const struct mg_cve *c, const struct mg_pkg_fix *x)
{
	mg_finding_evidence(f, p->changelog, 0, "%s (%s, upstream fix %s): "
	    "%s fixed it in %s (changelog.Debian.gz line %u names %s)",
	    c->id, mg_severity_name(c->severity), c->fixed, p->name,
	    x->version, x->line, strcasecmp(x->cve, c->id) == 0 ? "it" :
	    x->cve);
}

/* mg_check_cve_unchecked - a package owns the MTA's binary but its
 * changelog was not read (an RPM host; a Debian package without a
 * readable changelog.Debian.gz): a backported fix cannot be seen, so a
 * version in a CVE's range is not known to be vulnerable */
int
mg_check_cve_unchecked(const struct mg_model *m)
{
	return (m->pkg != NULL && m->pkg->name != NULL &&
	    m->pkg->changelog == NULL);
}

/* open_evidence - a CVE this version has and the package did not fix
 * (or, unchecked, may not have fixed) */
static void
open_evidence(struct mg_finding *f, const struct mg_model *m,
    const struct mg_cve *c)
{
	const struct mg_pkg *p = m->pkg;
	char pkg[256];

	char range[128];

	if (c->first != NULL)
		(void)snprintf(range, sizeof(range), "%s to %s", c->first,
		    c->last);
	else
		(void)snprintf(range, sizeof(range), "up to %s", c->last);
	mg_finding_evidence(f, NULL, 0, "%s (%s): %s; version %s %s (%s), "
	    "fixed upstream in %s; source %s", c->id,
	    mg_severity_name(c->severity), c->summary, m->version,
	    mg_check_cve_unchecked(m) ? "is in the vulnerable range unless "
	    "the package backported the fix" : "is vulnerable", range,
	    c->fixed, c->source);
	if (p == NULL || p->name == NULL || p->changelog == NULL)
		return;
	pkg_text(p, pkg, sizeof(pkg));
	mg_finding_evidence(f, p->changelog, 0, "%s: the package %s does "
	    "not name %s in its changelog: no backported fix", c->id, pkg,
	    c->id);
}

/* listed - id is one of the '|'-separated ids (whole, not a part of a
 * longer one: CVE-2024-1234 is not in CVE-2024-12345) */
static int
listed(const char *ids, const char *id)
{
	size_t n = strlen(id);
	const char *p;

	for (p = ids; (p = strstr(p, id)) != NULL; p += n)
		if ((p == ids || p[-1] == '|') && (p[n] == '\0' || p[n] == '|'))
			return (1);
	return (0);
}

/* unchecked_evidence - which package owns the binary, that its
 * changelog was not read, and the command that checks the open ids by
 * hand */
static void
unchecked_evidence(struct mg_finding *f, const struct mg_model *m,
    const struct mg_cve_table *t, const char *mta, const char *kind)
{
	const struct mg_pkg *p = m->pkg;
	struct mg_str ids = MG_STR_INIT;
	const struct mg_cve *c;
	char pkg[256];
	size_t i;
	int rpm = p->manager != NULL && strcmp(p->manager, "rpm") == 0;

	for (i = 0; i < t->nrows; i++) {
		c = &t->rows[i];
		if (strcmp(c->mta, mta) == 0 && strcmp(c->kind, kind) == 0 &&
		    mg_cve_affects(c, m->version) &&
		    !listed(mg_str_cstr(&ids), c->id))
			mg_str_printf(&ids, "%s%s", ids.len > 0 ? "|" : "",
			    c->id);
	}
	pkg_text(p, pkg, sizeof(pkg));
	if (rpm)
		mg_finding_evidence(f, NULL, 0, "could not check backports: "
		    "the rpm package %s owns the binary and its changelog is "
		    "not read (RPM distributions backport fixes without "
		    "changing the upstream version); check by hand: rpm -q "
		    "--changelog %s | grep -E '%s' - an id it names is fixed",
		    pkg, p->name, mg_str_cstr(&ids));
	else
		mg_finding_evidence(f, NULL, 0, "could not check backports: "
		    "the package %s owns the binary and its changelog "
		    "(/usr/share/doc/%s/changelog.Debian.gz) was not read; "
		    "check by hand: zgrep -E '%s' /usr/share/doc/%s/"
		    "changelog.Debian.gz - an id it names is fixed", pkg,
		    p->name, mg_str_cstr(&ids), p->name);
	mg_str_free(&ids);
}

/*
 * mg_check_cve - a finding (id, title, area) for the table's rows of
 * this MTA and kind whose range holds the model's version and that the
 * package's changelog does not name; severity the worst of them; the
 * rows the changelog fixed are evidence too.  NULL if none is open.
 * When the package's changelog was not read (mg_check_cve_unchecked)
 * the finding is title_unchecked, at most medium: the version is in
 * the range, whether the package backported the fixes is not known.
 */
struct mg_finding *
mg_check_cve(const struct mg_model *m, struct mg_report *r, const char *mta,
    const char *kind, const char *id, const char *area, const char *title,
    const char *title_unchecked)
{
	struct mg_cve_table t = { NULL, 0, 0 };
	struct mg_finding *f = NULL;
	const struct mg_pkg_fix *x;
	const struct mg_cve *c;
	enum mg_severity worst = MG_SEV_INFO;
	struct mg_err err;
	size_t i, nopen = 0;

	mg_err_clear(&err);
	if (m->version == NULL || mg_cve_builtin(&t, &err) < 0) {
		mg_cve_table_free(&t);
		return (NULL);
	}
	for (i = 0; i < t.nrows; i++) {
		c = &t.rows[i];
		if (strcmp(c->mta, mta) != 0 || strcmp(c->kind, kind) != 0 ||
		    !mg_cve_affects(c, m->version))
			continue;
		if (row_fixed(m->pkg, c) == NULL) {
			nopen++;
			if (c->severity > worst)
				worst = c->severity;
		}
	}
	if (nopen == 0) {
		mg_cve_table_free(&t);
		return (NULL);
	}
	if (mg_check_cve_unchecked(m) && worst > MG_SEV_MEDIUM)
		worst = MG_SEV_MEDIUM;
	f = mg_report_finding(r, id, worst, area, mg_check_cve_unchecked(m) ?
	    title_unchecked : title);
	mg_finding_evidence(f, NULL, 0, "%s version %s (as the MTA reports "
	    "it) is inside the vulnerable range of %zu published CVE%s "
	    "(data/cves.tsv)", mta, m->version, nopen, nopen == 1 ? "" : "s");
	if (m->pkg == NULL || m->pkg->name == NULL)
		mg_finding_evidence(f, NULL, 0, "no distribution package owns "
		    "the binary (neither dpkg nor rpm knows it: built from "
		    "source?): no backported fix can be seen, the upstream "
		    "version is all there is");
	else if (mg_check_cve_unchecked(m))
		unchecked_evidence(f, m, &t, mta, kind);
	for (i = 0; i < t.nrows; i++) {
		c = &t.rows[i];
		if (strcmp(c->mta, mta) != 0 || strcmp(c->kind, kind) != 0 ||
		    !mg_cve_affects(c, m->version))
			continue;
		if ((x = row_fixed(m->pkg, c)) != NULL)
			fixed_evidence(f, m->pkg, c, x);
		else
			open_evidence(f, m, c);
	}
	mg_cve_table_free(&t);
	return (f);
}

/* mg_check_cve_fixed_in - the upstream release that fixes the table's
 * first open CVE of this kind for the model's version, into buf; 0 if
 * none */
int
mg_check_cve_fixed_in(const struct mg_model *m, const char *mta,
    const char *kind, char *buf, size_t size)
{
	struct mg_cve_table t = { NULL, 0, 0 };
	struct mg_err err;
	size_t i;
	int found = 0;

	mg_err_clear(&err);
	if (m->version == NULL || mg_cve_builtin(&t, &err) < 0) {
		mg_cve_table_free(&t);
		return (0);
	}
	for (i = 0; i < t.nrows && !found; i++) {
		if (strcmp(t.rows[i].mta, mta) == 0 &&
		    strcmp(t.rows[i].kind, kind) == 0 &&
		    mg_cve_affects(&t.rows[i], m->version) &&
		    row_fixed(m->pkg, &t.rows[i]) == NULL) {
			(void)snprintf(buf, size, "%s (%s)", t.rows[i].fixed,
			    t.rows[i].id);
			found = 1;
		}
	}
	mg_cve_table_free(&t);
	return (found);
}
