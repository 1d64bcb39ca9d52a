/* mg_pkg.h - the distribution package an MTA binary came from, and the
 * CVE ids its changelog (Debian's changelog.Debian.gz) says were fixed:
 * a backport fixes a CVE without changing the upstream version. */
#ifndef MG_PKG_H
#define MG_PKG_H

#include <stddef.h>

#include "mg_err.h"

/* A CVE id the changelog names, with the package version whose entry
 * names it (the oldest such entry: where the fix came in). */
struct mg_pkg_fix {
	char *cve;		/* or an Exim advisory id */
	char *version;		/* "4.96-15+deb12u4" */
	unsigned line;		/* in the uncompressed changelog */
};

struct mg_pkg {
	char *name;		/* "exim4-daemon-light"; NULL: not found */
	char *version;		/* the changelog's newest entry, or rpm's */
	char *manager;		/* "dpkg", "rpm"; NULL: none owns it */
	char *changelog;	/* the file read; NULL: none */
	struct mg_pkg_fix *fixes;
	size_t nfixes, fixes_cap;
};

void mg_pkg_init(struct mg_pkg *);
void mg_pkg_free(struct mg_pkg *);
void mg_pkg_changelog_parse(const char *, struct mg_pkg *);
int mg_pkg_changelog_read(const char *, struct mg_pkg *, struct mg_err *);
int mg_pkg_rpm_parse(const char *, struct mg_pkg *);
int mg_pkg_load(const char *, const char *const *, struct mg_pkg *,
    struct mg_err *);
const struct mg_pkg_fix *mg_pkg_fixed(const struct mg_pkg *, const char *);

#endif
