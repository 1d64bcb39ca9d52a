/*
 * check_exim_version.c - the running Exim against its published CVEs
 * (data/cves.tsv, the exim.org security advisories), backports read from
 * the package's changelog.Debian.gz.  SMTP smuggling (CVE-2023-51766:
 * Exim before 4.97.1 ends DATA at a bare "<LF>.<CR><LF>") is its own
 * finding in the smtpd area: no option of Exim's turns it off, so the
 * finding says to upgrade the package; there is no fix as data.
 */
#include <stddef.h>

#include "../checks.h"

/* mg_check_exim_version - CVEs of this Exim version not backported */
void
mg_check_exim_version(const struct mg_model *m, struct mg_report *r)
{
	struct mg_finding *f;

	f = mg_check_cve(m, r, "exim", "version", "exim.version.cve",
	    "smtpd", "This Exim version has published vulnerabilities its "
	    "package does not fix", "This Exim version is in the range of "
	    "published vulnerabilities; could not check backports");
	if (f == NULL)
		return;
	if (mg_check_cve_unchecked(m)) {
		mg_finding_explain(f, "The Exim binary reports an upstream "
		    "version inside the vulnerable range of the CVEs listed. "
		    "A package owns it whose changelog was not read, and "
		    "distributions backport security fixes without changing "
		    "the upstream version: whether these are fixed could not "
		    "be checked. Run the command in the evidence; for each id "
		    "its changelog does not name, upgrade the package (dnf "
		    "upgrade exim, apt-get install --only-upgrade) or Exim to "
		    "the fixed release named, then restart Exim.");
		return;
	}
	mg_finding_explain(f, "The Exim binary reports an upstream version "
	    "inside the vulnerable range of the CVEs listed, and the "
	    "package's changelog (where Debian names every CVE it backports) "
	    "does not name them. No configuration change closes them: "
	    "upgrade the package (apt-get install --only-upgrade "
	    "exim4-daemon-light or -heavy from the security archive) or "
	    "Exim to the fixed release named for each, then restart Exim.");
}

/* mg_check_exim_smuggling - CVE-2023-51766 not fixed in this Exim */
void
mg_check_exim_smuggling(const struct mg_model *m, struct mg_report *r)
{
	struct mg_finding *f;

	f = mg_check_cve(m, r, "exim", "smuggling", "exim.smtpd.smuggling",
	    "smtpd", "Exim accepts SMTP smuggling (CVE-2023-51766): "
	    "upgrade to 4.97.1 or a package that backports it", "Exim may "
	    "accept SMTP smuggling (CVE-2023-51766): could not check "
	    "backports");
	if (f == NULL)
		return;
	if (mg_check_cve_unchecked(m)) {
		mg_finding_explain(f, "Exim before 4.97.1 ends a message's "
		    "DATA at <LF>.<CR><LF> as well as at <CR><LF>.<CR><LF>, "
		    "so a sender whose outbound server passes a bare <LF> "
		    "through can hide a second, forged message inside the "
		    "first. This Exim reports such a version; its package's "
		    "changelog was not read, so whether the package "
		    "backported the fix could not be checked. Run the command "
		    "in the evidence: if the changelog does not name "
		    "CVE-2023-51766, upgrade the package or Exim to 4.97.1 or "
		    "later, then restart Exim. There is no fix as data.");
		return;
	}
	mg_finding_explain(f, "Exim before 4.97.1 ends a message's DATA at "
	    "<LF>.<CR><LF> as well as at <CR><LF>.<CR><LF>. An outbound "
	    "server that passes a bare <LF> through lets a sender hide a "
	    "second message, with any From: in its domain, inside the "
	    "first: Exim takes it as a separate message that passes SPF "
	    "for the sending host. Upgrade the package (Debian backports "
	    "the fix, e.g. 4.96-15+deb12u4 in bookworm) or Exim to 4.97.1 "
	    "or later, then restart Exim. There is no fix as data.");
}
