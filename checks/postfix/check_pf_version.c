/*
 * check_pf_version.c - the running Postfix (postconf mail_version)
 * against its published CVEs (data/cves.tsv, postfix.org's advisories),
 * backports read from the package's changelog.Debian.gz.  SMTP
 * smuggling (CVE-2023-51764) is a setting, not a version: see
 * check_pf_smuggling.c.
 */
#include <stddef.h>

#include "../checks.h"

/* mg_check_pf_version - CVEs of this Postfix version not backported */
void
mg_check_pf_version(const struct mg_model *m, struct mg_report *r)
{
	struct mg_finding *f;

	f = mg_check_cve(m, r, "postfix", "version", "postfix.version.cve",
	    "smtpd", "This Postfix version has published vulnerabilities "
	    "its package does not fix", "This Postfix version is in the "
	    "range of published vulnerabilities; could not check backports");
	if (f == NULL)
		return;
	if (mg_check_cve_unchecked(m)) {
		mg_finding_explain(f, "postconf reports a mail_version inside "
		    "the vulnerable range of the CVEs listed. A package owns "
		    "Postfix whose changelog was not read, and distributions "
		    "backport security fixes without changing the upstream "
		    "version: whether these are fixed could not be checked. "
		    "Run the command in the evidence; for each id its "
		    "changelog does not name, upgrade the postfix package or "
		    "Postfix to the fixed release named, then run postfix "
		    "reload.");
		return;
	}
	mg_finding_explain(f, "postconf reports a mail_version inside the "
	    "vulnerable range of the CVEs listed, and the package's "
	    "changelog (where Debian names every CVE it backports) does not "
	    "name them. No configuration change closes them: upgrade the "
	    "postfix package or Postfix to the fixed release named for "
	    "each, then run postfix reload.");
}
