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

/* mg_check_exim_smuggling - SMTP smuggling this Exim has not fixed:
 * CVE-2023-51766 (before 4.97.1), CVE-2026-94057 (before 4.100.1) */
void
mg_check_exim_smuggling(const struct mg_model *m, struct mg_report *r)
{
	struct mg_finding *f;

	f = mg_check_cve(m, r, "exim", "smuggling", "exim.smtpd.smuggling",
	    "smtpd", "Exim accepts SMTP smuggling: upgrade to the release "
	    "named or a package that backports it", "Exim may accept SMTP "
	    "smuggling: could not check backports");
	if (f == NULL)
		return;
	mg_finding_explain(f, "SMTP smuggling: Exim before 4.97.1 ends a "
	    "message's DATA at <LF>.<CR><LF> as well as at <CR><LF>.<CR><LF> "
	    "(CVE-2023-51766), and Exim before 4.100.1 takes crafted data "
	    "sent after a rejection during DATA as a message of its own "
	    "(CVE-2026-94057). A sender whose outbound server passes such "
	    "bytes through can hide a second message, with any From: in its "
	    "domain, inside the first: Exim takes it as a separate message "
	    "that passes SPF for the sending host. No option of Exim's turns "
	    "it off, so there is no fix as data. The evidence names each "
	    "CVE this version has and the release that fixes it; Debian "
	    "backports the fixes (bookworm: 4.96-15+deb12u4 for the first, "
	    "4.96-15+deb12u11 for the second). Where the package's changelog "
	    "was not read (could not check backports), run the command in "
	    "the evidence first. Upgrade the package or Exim, then restart "
	    "Exim.");
}
