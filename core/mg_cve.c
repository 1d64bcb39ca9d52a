/*
 * mg_cve.c - the CVE table (data/cves.tsv, compiled in by scripts/
 * gen_cves.sh as mg_cve_tsv) parsed into rows, and upstream versions
 * compared component by component ("4.96" < "4.96.1" < "4.97").
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "mg_cve.h"
#include "mg_str.h"

#include "mg_cve_data.h"

#define NFIELDS 10		/* the last, aliases, may be left out */
#define LINE_MAX_LEN 2048

/* field_dup - a field, "-" or empty as NULL */
static char *
field_dup(const char *s, size_t n)
{
	if (n == 0 || (n == 1 && *s == '-'))
		return (NULL);
	return (mg_xstrndup(s, n));
}

/* cve_free - one row's strings */
static void
cve_free(struct mg_cve *c)
{
	free(c->mta);
	free(c->id);
	free(c->first);
	free(c->last);
	free(c->fixed);
	free(c->kind);
	free(c->summary);
	free(c->source);
	free(c->aliases);
}

/* parse_line - one tab-separated row into c; -1 with the reason */
static int
parse_line(const char *s, size_t len, struct mg_cve *c, const char **why)
{
	const char *f[NFIELDS];
	size_t n[NFIELDS], k = 0;
	const char *p = s, *end = s + len, *tab;
	char sev[16];

	tab = NULL;
	while (k < NFIELDS) {
		tab = memchr(p, '\t', (size_t)(end - p));
		f[k] = p;
		n[k] = (size_t)((tab != NULL ? tab : end) - p);
		k++;
		if (tab == NULL)
			break;
		p = tab + 1;
	}
	if (k < NFIELDS - 1 || tab != NULL) {
		*why = "not 9 or 10 tab-separated fields";
		return (-1);
	}
	if (n[1] < 9 || strncmp(f[1], "CVE-", 4) != 0) {
		*why = "the id is not CVE-YYYY-NNNN";
		return (-1);
	}
	if (n[3] == 0 || n[4] == 0 || !isdigit((unsigned char)*f[3]) ||
	    !isdigit((unsigned char)*f[4])) {
		*why = "no last vulnerable or fixed version";
		return (-1);
	}
	if (n[5] >= sizeof(sev)) {
		*why = "unknown severity";
		return (-1);
	}
	memcpy(sev, f[5], n[5]);
	sev[n[5]] = '\0';
	if (mg_severity_parse(sev, &c->severity) < 0) {
		*why = "unknown severity";
		return (-1);
	}
	c->mta = field_dup(f[0], n[0]);
	c->id = field_dup(f[1], n[1]);
	c->first = field_dup(f[2], n[2]);
	c->last = field_dup(f[3], n[3]);
	c->fixed = field_dup(f[4], n[4]);
	c->kind = field_dup(f[6], n[6]);
	c->summary = field_dup(f[7], n[7]);
	c->source = field_dup(f[8], n[8]);
	c->aliases = k == NFIELDS ? field_dup(f[9], n[9]) : NULL;
	if (c->mta == NULL || c->kind == NULL || c->summary == NULL) {
		cve_free(c);
		*why = "an empty mta, kind or summary";
		return (-1);
	}
	return (0);
}

/* mg_cve_parse - the table's text (comment lines "#", blank lines
 * skipped) into t; -1 with the line that is wrong (t keeps the rows
 * before it; the caller frees t with mg_cve_table_free either way) */
int
mg_cve_parse(const char *text, struct mg_cve_table *t, struct mg_err *err)
{
	const char *p = text, *nl, *why = NULL;
	struct mg_cve c, *row;
	unsigned lineno = 0;
	size_t len;

	while (*p != '\0') {
		lineno++;
		nl = strchr(p, '\n');
		len = nl != NULL ? (size_t)(nl - p) : strlen(p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (len > LINE_MAX_LEN)
			return (mg_err_set(err, "CVE table line %u: longer "
			    "than %d bytes", lineno, LINE_MAX_LEN));
		if (len > 0 && *p != '#') {
			memset(&c, 0, sizeof(c));
			if (parse_line(p, len, &c, &why) < 0)
				return (mg_err_set(err, "CVE table line %u: %s",
				    lineno, why));
			row = MG_ARRAY_PUSH(t->rows, t->nrows, t->rows_cap);
			*row = c;
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return (0);
}

/* mg_cve_builtin - the table compiled in from data/cves.tsv (caller
 * frees t with mg_cve_table_free) */
int
mg_cve_builtin(struct mg_cve_table *t, struct mg_err *err)
{
	return (mg_cve_parse(mg_cve_tsv, t, err));
}

/* mg_cve_table_free - release the rows; accepts NULL */
void
mg_cve_table_free(struct mg_cve_table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nrows; i++)
		cve_free(&t->rows[i]);
	free(t->rows);
	memset(t, 0, sizeof(*t));
}

/* component - the next numeric component of a version, advancing *pp;
 * a missing one is 0 ("4.96" is "4.96.0"); a suffix that is not a digit
 * or a dot ends the version ("4.96_RC1", "4.96-15+deb12u4") */
static unsigned long
component(const char **pp)
{
	const char *p = *pp;
	unsigned long v = 0;

	while (isdigit((unsigned char)*p)) {
		if (v < 100000000UL)
			v = v * 10 + (unsigned long)(*p - '0');
		p++;
	}
	if (*p == '.' && isdigit((unsigned char)p[1]))
		p++;
	else
		p += strlen(p);
	*pp = p;
	return (v);
}

/* mg_version_cmp - upstream versions in release order: <0, 0, >0 */
int
mg_version_cmp(const char *a, const char *b)
{
	unsigned long x, y;

	while (*a != '\0' || *b != '\0') {
		x = component(&a);
		y = component(&b);
		if (x != y)
			return (x < y ? -1 : 1);
	}
	return (0);
}

/* mg_cve_affects - is this upstream version inside the row's range? */
int
mg_cve_affects(const struct mg_cve *c, const char *version)
{
	if (version == NULL || !isdigit((unsigned char)*version))
		return (0);
	if (c->first != NULL && mg_version_cmp(version, c->first) < 0)
		return (0);
	return (mg_version_cmp(version, c->last) <= 0);
}
