/*
 * mg_pkg.c - which package installed the MTA (the candidates' dpkg file
 * lists, else dpkg-query -S on the binary, else a Debian tree unpacked
 * under the binary's prefix, else rpm -qf) and what its
 * changelog.Debian.gz says it fixed: Debian names every CVE id a security
 * upload fixes in the entry of that upload ("CVE-2023-51766"), or Exim's
 * advisory id when the CVE had none yet ("Exim-Security-2026-05-01.1").
 * The file
 * is read through gzip -dc (mg_exec, no shell, no new library).  An RPM
 * package's changelog is not read: the checks say its backports could
 * not be checked (RHEL backports fixes without changing the upstream
 * version as Debian does).
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "mg_exec.h"
#include "mg_file.h"
#include "mg_pkg.h"
#include "mg_str.h"

#define CHANGELOG_MAX (8u * 1024 * 1024)

/* mg_pkg_init - empty */
void
mg_pkg_init(struct mg_pkg *p)
{
	memset(p, 0, sizeof(*p));
}

/* mg_pkg_free - release everything; accepts NULL */
void
mg_pkg_free(struct mg_pkg *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nfixes; i++) {
		free(p->fixes[i].cve);
		free(p->fixes[i].version);
	}
	free(p->fixes);
	free(p->name);
	free(p->version);
	free(p->manager);
	free(p->changelog);
	memset(p, 0, sizeof(*p));
}

/* entry_version - "exim4 (4.96-15+deb12u4) bookworm-security; ..." at
 * the start of a line: the version between the parentheses, else NULL */
static char *
entry_version(const char *s, size_t len)
{
	const char *open, *close;

	if (len == 0 || !isalnum((unsigned char)*s))
		return (NULL);
	open = memchr(s, '(', len);
	if (open == NULL)
		return (NULL);
	close = memchr(open, ')', len - (size_t)(open - s));
	if (close == NULL || close == open + 1 || close - open > 128)
		return (NULL);
	return (mg_xstrndup(open + 1, (size_t)(close - open - 1)));
}

/* cve_at - the length of a "CVE-YYYY-NNNN..." id at s (within n), 0 if
 * none */
static size_t
cve_at(const char *s, size_t n)
{
	size_t i;

	if (n < 13 || strncmp(s, "CVE-", 4) != 0)
		return (0);
	for (i = 4; i < 8; i++)
		if (!isdigit((unsigned char)s[i]))
			return (0);
	if (s[8] != '-')
		return (0);
	for (i = 9; i < n && i < 20 && isdigit((unsigned char)s[i]); i++)
		;
	return (i >= 13 ? i : 0);
}

/* advisory_at - the length of an Exim advisory id at s (within n):
 * "Exim-Security-2026-05-01.1", "EXIM-Security-2026-04.1" - Debian's
 * changelog names a backport by it when the CVE id was not yet
 * assigned (4.96-15+deb12u9); 0 if none */
static size_t
advisory_at(const char *s, size_t n)
{
	size_t i = 14;

	if (n < 18 || strncasecmp(s, "exim-security-", 14) != 0)
		return (0);
	while (i < n && i < 40 && (isdigit((unsigned char)s[i]) ||
	    s[i] == '-'))
		i++;
	if (i == 14 || i + 1 >= n || s[i] != '.' ||
	    !isdigit((unsigned char)s[i + 1]))
		return (0);
	for (i++; i < n && i < 48 && isdigit((unsigned char)s[i]); i++)
		;
	return (i);
}

/* note_fix - the id named in the entry of version; an older entry
 * naming it again replaces the version (the changelog is newest first,
 * so the last one seen is where the fix came in) */
static void
note_fix(struct mg_pkg *p, const char *id, size_t n, const char *version,
    unsigned line)
{
	struct mg_pkg_fix *f = NULL;
	size_t i;

	for (i = 0; i < p->nfixes; i++)
		if (strlen(p->fixes[i].cve) == n &&
		    strncasecmp(p->fixes[i].cve, id, n) == 0)
			f = &p->fixes[i];
	if (f == NULL) {
		f = MG_ARRAY_PUSH(p->fixes, p->nfixes, p->fixes_cap);
		memset(f, 0, sizeof(*f));
		f->cve = mg_xstrndup(id, n);
	}
	free(f->version);
	f->version = mg_xstrdup(version);
	f->line = line;
}

/* mg_pkg_changelog_parse - a Debian changelog's text: the newest entry's
 * version into p->version, each CVE id with the entry naming it into
 * p->fixes */
void
mg_pkg_changelog_parse(const char *text, struct mg_pkg *p)
{
	const char *s = text, *nl;
	char *version = NULL, *v;
	unsigned line = 0;
	size_t len, i, n;

	while (*s != '\0') {
		line++;
		nl = strchr(s, '\n');
		len = nl != NULL ? (size_t)(nl - s) : strlen(s);
		if ((v = entry_version(s, len)) != NULL) {
			free(version);
			version = v;
			if (p->version == NULL)
				p->version = mg_xstrdup(v);
		} else if (version != NULL) {
			for (i = 0; i < len; i++) {
				n = cve_at(s + i, len - i);
				if (n == 0)
					n = advisory_at(s + i, len - i);
				if (n == 0)
					continue;
				if (i == 0 || !isalnum((unsigned char)s[i - 1]))
					note_fix(p, s + i, n, version, line);
				i += n - 1;
			}
		}
		if (nl == NULL)
			break;
		s = nl + 1;
	}
	free(version);
}

/* mg_pkg_changelog_read - gzip -dc FILE (a .gz) or the file as it is,
 * parsed into p; p->changelog names it */
int
mg_pkg_changelog_read(const char *path, struct mg_pkg *p, struct mg_err *err)
{
	const char *argv[] = { "gzip", "-dc", "--", path, NULL };
	struct mg_exec_req req;
	struct mg_exec_res res;

	memset(&req, 0, sizeof(req));
	req.argv = argv;
	req.out_max = CHANGELOG_MAX;
	req.timeout_ms = 20000;
	if (mg_exec(&req, &res, err) < 0)
		return (-1);
	if (!mg_exec_ok(&res) || res.truncated) {
		mg_exec_describe(&req, &res, err);
		mg_exec_res_free(&res);
		return (-1);
	}
	mg_pkg_changelog_parse(mg_str_cstr(&res.out), p);
	mg_exec_res_free(&res);
	free(p->changelog);
	p->changelog = mg_xstrdup(path);
	return (0);
}

/* dpkg_owner - "postfix: /usr/sbin/postconf" from dpkg-query -S: the
 * package's name, NULL if dpkg does not know the file */
static char *
dpkg_owner(const char *path)
{
	const char *argv[] = { "dpkg-query", "-S", path, NULL };
	struct mg_exec_res res;
	struct mg_err err;
	const char *s;
	char *name = NULL;
	size_t n;

	mg_err_clear(&err);
	if (mg_exec_run(argv, 20000, &res, &err) < 0)
		return (NULL);
	s = mg_str_cstr(&res.out);
	if (mg_exec_ok(&res) && strncmp(s, "diversion ", 10) != 0) {
		n = strcspn(s, ":, \n");
		if (n > 0 && n < 128 && s[n] != '\0')
			name = mg_xstrndup(s, n);
	}
	mg_exec_res_free(&res);
	return (name);
}

/* mg_pkg_rpm_parse - rpm -qf --qf '%{NAME} %{EPOCHNUM}:%{VERSION}-
 * %{RELEASE}\n' output ("postfix 2:3.5.9-24.el9") into p: name,
 * version ("2:3.5.9-24.el9", "0:" dropped), manager "rpm"; -1 (p
 * unchanged) for anything else ("file ... is not owned by any package") */
int
mg_pkg_rpm_parse(const char *out, struct mg_pkg *p)
{
	size_t n, v;

	n = strcspn(out, " \t\n");
	if (n == 0 || n >= 128 || out[n] != ' ' ||
	    strspn(out, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "0123456789+-._") != n)
		return (-1);
	v = strcspn(out + n + 1, " \t\n");
	if (v == 0 || v >= 128 || !isdigit((unsigned char)out[n + 1]) ||
	    (out[n + 1 + v] != '\n' && out[n + 1 + v] != '\0'))
		return (-1);
	free(p->name);
	free(p->version);
	free(p->manager);
	p->name = mg_xstrndup(out, n);
	if (strncmp(out + n + 1, "0:", 2) == 0)
		p->version = mg_xstrndup(out + n + 3, v - 2);
	else
		p->version = mg_xstrndup(out + n + 1, v);
	p->manager = mg_xstrdup("rpm");
	return (0);
}

/* rpm_owner - rpm -qf on path into p (name, version, manager); 0 if rpm
 * is missing or does not know the file */
static int
rpm_owner(const char *path, struct mg_pkg *p)
{
	const char *argv[] = { "rpm", "-qf", "--qf",
	    "%{NAME} %{EPOCHNUM}:%{VERSION}-%{RELEASE}\n", "--", path, NULL };
	struct mg_exec_res res;
	struct mg_err err;
	int found = 0;

	mg_err_clear(&err);
	if (mg_exec_run(argv, 20000, &res, &err) < 0)
		return (0);
	if (mg_exec_ok(&res))
		found = mg_pkg_rpm_parse(mg_str_cstr(&res.out), p) == 0;
	mg_exec_res_free(&res);
	return (found);
}

/* dpkg_lists - the candidate whose dpkg file list (ROOT/var/lib/dpkg/
 * info/NAME.list, one installed path a line) holds path: a few small
 * reads instead of dpkg-query -S, which reads the whole database */
static char *
dpkg_lists(const char *root, const char *path,
    const char *const *candidates)
{
	char list[PATH_MAX];
	struct mg_str text = MG_STR_INIT;
	struct mg_err err;
	const char *p;
	size_t i, len, n = strlen(path);
	int found;

	for (i = 0; candidates != NULL && candidates[i] != NULL; i++) {
		if (snprintf(list, sizeof(list), "%s/var/lib/dpkg/info/%s.list",
		    root, candidates[i]) >= (int)sizeof(list))
			continue;
		mg_str_reset(&text);
		if (mg_file_read(list, MG_FILE_MAX, &text, NULL, &err) < 0)
			continue;
		found = 0;
		for (p = mg_str_cstr(&text); *p != '\0' && !found; p += len) {
			len = strcspn(p, "\n");
			found = len == n && strncmp(p, path, n) == 0;
			if (p[len] == '\n')
				len++;
		}
		if (found) {
			mg_str_free(&text);
			return (mg_xstrdup(candidates[i]));
		}
	}
	mg_str_free(&text);
	return (NULL);
}

/* prefix_of - the tree a binary is installed in: "/x/root" for
 * "/x/root/usr/sbin/exim4", "" for "/usr/sbin/exim4" */
static void
prefix_of(const char *path, char *buf, size_t size)
{
	static const char *const dirs[] = { "/usr/sbin/", "/usr/bin/",
	    "/sbin/", "/bin/", "/usr/local/sbin/", NULL };
	const char *at, *base;
	size_t i;

	buf[0] = '\0';
	base = strrchr(path, '/');
	for (i = 0; dirs[i] != NULL && base != NULL; i++) {
		at = base - strlen(dirs[i]) + 1;
		if (at >= path && strncmp(at, dirs[i], strlen(dirs[i])) == 0) {
			if ((size_t)(at - path) < size)
				(void)snprintf(buf, size, "%.*s",
				    (int)(at - path), path);
			return;
		}
	}
}

/* changelog_of - ROOT/usr/share/doc/NAME/changelog.Debian.gz if it is a
 * file */
static int
changelog_of(const char *root, const char *name, char *buf, size_t size)
{
	struct stat st;
	int n;

	n = snprintf(buf, size, "%s/usr/share/doc/%s/changelog.Debian.gz",
	    root, name);
	if (n < 0 || (size_t)n >= size)
		return (0);
	return (stat(buf, &st) == 0 && S_ISREG(st.st_mode));
}

/*
 * mg_pkg_load - the package of the binary bin and its changelog: the
 * candidate whose dpkg file list holds it, else dpkg-query -S (for a
 * binary in the system's own tree); a binary under another tree
 * (a package unpacked into a directory) is looked up by the candidate
 * names under that tree; else rpm -qf (manager "rpm", no changelog
 * read).  0 with p->name NULL: no package found (not an error: the
 * upstream version is all there is); -1 if the changelog exists and
 * cannot be read.
 */
int
mg_pkg_load(const char *bin, const char *const *candidates, struct mg_pkg *p,
    struct mg_err *err)
{
	char real[PATH_MAX], root[PATH_MAX], path[PATH_MAX];
	char *owner;
	size_t i;

	if (bin == NULL || realpath(bin, real) == NULL)
		return (0);
	prefix_of(real, root, sizeof(root));
	owner = dpkg_lists(root, real + strlen(root), candidates);
	if (owner == NULL && root[0] == '\0')
		owner = dpkg_owner(real);
	if (owner != NULL) {
		p->name = owner;
		p->manager = mg_xstrdup("dpkg");
		if (!changelog_of(root, owner, path, sizeof(path)))
			return (0);
		return (mg_pkg_changelog_read(path, p, err));
	}
	for (i = 0; candidates != NULL && candidates[i] != NULL; i++) {
		if (changelog_of(root, candidates[i], path, sizeof(path))) {
			p->name = mg_xstrdup(candidates[i]);
			p->manager = mg_xstrdup("dpkg");
			return (mg_pkg_changelog_read(path, p, err));
		}
	}
	if (root[0] == '\0')
		(void)rpm_owner(real, p);
	return (0);
}

/* mg_pkg_fixed - the changelog's entry naming this CVE or Exim
 * advisory id (case ignored: "Exim-Security-", "EXIM-Security-"), or
 * NULL */
const struct mg_pkg_fix *
mg_pkg_fixed(const struct mg_pkg *p, const char *cve)
{
	size_t i;

	if (p == NULL)
		return (NULL);
	for (i = 0; i < p->nfixes; i++)
		if (strcasecmp(p->fixes[i].cve, cve) == 0)
			return (&p->fixes[i]);
	return (NULL);
}
