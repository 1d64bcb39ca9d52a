/* fuzz_changelog.c - bytes as a Debian changelog (what gzip -dc of a
 * package's changelog.Debian.gz gives) and as a CVE table: no crash, no
 * overread, no leak; every id noted is a well formed CVE id or Exim
 * advisory id ("Exim-Security-2026-05-01.1") and has the version of an
 * entry.  Seeds: tests/unit/data/pkg (gzip -dc them). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../core/mg_cve.h"
#include "../../core/mg_pkg.h"
#include "../../core/mg_str.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mg_cve_table t = { NULL, 0, 0 };
	struct mg_err err;
	struct mg_pkg p;
	char *text;
	size_t i;

	text = mg_xstrndup((const char *)data, size);
	mg_pkg_init(&p);
	mg_pkg_changelog_parse(text, &p);
	for (i = 0; i < p.nfixes; i++) {
		if ((strncmp(p.fixes[i].cve, "CVE-", 4) != 0 ||
		    strlen(p.fixes[i].cve) < 13) &&
		    (strncasecmp(p.fixes[i].cve, "exim-security-", 14) != 0 ||
		    strlen(p.fixes[i].cve) < 17 ||
		    strchr(p.fixes[i].cve, '.') == NULL))
			abort();
		if (p.fixes[i].version == NULL || p.version == NULL)
			abort();
	}
	mg_pkg_free(&p);
	(void)mg_cve_parse(text, &t, &err);
	for (i = 0; i < t.nrows; i++)
		if (t.rows[i].last == NULL || t.rows[i].fixed == NULL)
			abort();
	mg_cve_table_free(&t);
	free(text);
	return (0);
}
