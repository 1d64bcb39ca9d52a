/*
 * check_exim_tls.c - Exim's server certificate: tls_certificate (a colon
 * list: one per key type) expired, expiring (check_cert.c), or not naming
 * the host Exim announces (smtp_active_hostname, else primary_hostname:
 * the banner's and EHLO's $smtp_active_hostname).  A setting that is an
 * expansion names its file only at connection time: listed under unread.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "../../core/mg_str.h"
#include "../checks.h"

/* announced - the name in the banner and the EHLO reply; an expansion
 * ($variables) counts as not known */
static const char *
announced(const struct mg_model *m)
{
	const char *v = mg_model_value(m, "smtp_active_hostname");

	if (v != NULL && *v != '\0' && strchr(v, '$') == NULL)
		return (v);
	v = mg_model_value(m, "primary_hostname");
	return (v != NULL && strchr(v, '$') == NULL ? v : NULL);
}

/* has_token - the list (separators in sep) holds the token, any case */
static int
has_token(const char *list, const char *sep, const char *token)
{
	size_t len, n = strlen(token);

	for (; list != NULL && *(list += strspn(list, sep)) != '\0';
	    list += len) {
		len = strcspn(list, sep);
		if (len == n && strncasecmp(list, token, n) == 0)
			return (1);
	}
	return (0);
}

/* is_lib - the build's TLS library is lib, or not known (NULL: then
 * either library's setting counts) */
static int
is_lib(const char *built, const char *lib)
{
	return (built == NULL || strcmp(built, lib) == 0);
}

/*
 * excluded - the protocol is off: GnuTLS's priority string removes it
 * (tls_require_ciphers "-VERS-TLS1.0", or "-VERS-ALL"/"-VERS-TLS-ALL"
 * without "+VERS-TLS1.0" after) or OpenSSL's options do (openssl_options
 * "+no_tlsv1").  Only the setting of the library Exim was built with
 * counts (exim -bV): on OpenSSL tls_require_ciphers is a cipher list,
 * where VERS-* mean nothing; unknown, either counts.
 */
static int
excluded(const char *lib, const char *prio, const char *opts,
    const char *vers, const char *noopt)
{
	char plus[32], minus[32];

	(void)snprintf(plus, sizeof(plus), "+%s", vers);
	(void)snprintf(minus, sizeof(minus), "-%s", vers);
	if (is_lib(lib, "OpenSSL") && has_token(opts, " \t", noopt))
		return (1);
	if (!is_lib(lib, "GnuTLS"))
		return (0);
	if (has_token(prio, ":", minus))
		return (1);
	return ((has_token(prio, ":", "-VERS-ALL") ||
	    has_token(prio, ":", "-VERS-TLS-ALL")) &&
	    !has_token(prio, ":", plus));
}

/* wrong_library - evidence: the floor is written for the other library
 * than the one exim -bV names */
static void
wrong_library(const struct mg_model *m, struct mg_finding *f,
    const struct mg_param *p, const char *prio, const char *opts)
{
	const char *lib = m->tls_library;

	if (lib == NULL)
		return;
	mg_finding_evidence(f, NULL, 0, "exim -bV: built with %s - the floor "
	    "is set there by %s", lib, strcmp(lib, "GnuTLS") == 0 ?
	    "tls_require_ciphers = NORMAL:-VERS-TLS1.0:-VERS-TLS1.1" :
	    "openssl_options = +no_sslv2 +no_sslv3 +no_tlsv1 +no_tlsv1_1");
	if (strcmp(lib, "OpenSSL") == 0 && prio != NULL &&
	    strstr(prio, "VERS-") != NULL)
		mg_finding_evidence(f, p != NULL ? p->file : NULL, p != NULL ?
		    p->line : 0, "tls_require_ciphers = %s is a GnuTLS "
		    "priority string, but this Exim is built with OpenSSL: "
		    "it reads it as a cipher list and sets no protocol floor",
		    prio);
	if (strcmp(lib, "GnuTLS") == 0 && opts != NULL && strstr(opts,
	    "no_tlsv1") != NULL)
		mg_finding_evidence(f, NULL, 0, "openssl_options = %s: this "
		    "Exim is built with GnuTLS, which does not read it", opts);
}

/* auth_offered - a server authenticator exists */
static int
auth_offered(const struct mg_model *m)
{
	size_t i;

	for (i = 0; i < m->nrules; i++)
		if (strcmp(m->rules[i].group, "authenticators") == 0 &&
		    (mg_rule_cond(&m->rules[i], "server_condition") != NULL ||
		    mg_rule_cond(&m->rules[i], "server_socket") != NULL))
			return (1);
	return (0);
}

/* old_protocols - STARTTLS offered with TLS 1.0/1.1 left on: measured on
 * Exim 4.96 (Debian, GnuTLS 3.7) with tls_require_ciphers unset,
 * openssl s_client -tls1 and -tls1_1 complete.  One setting serves every
 * port, so this is opportunistic TLS on port 25 too: low where AUTH is
 * offered, else info; no fix as data (the right option depends on the
 * TLS library Exim was built with: exim -bV) */
static void
old_protocols(const struct mg_model *m, struct mg_report *r)
{
	const struct mg_param *p = mg_model_param(m, "tls_require_ciphers");
	const char *prio = p != NULL ? p->value : NULL;
	const char *opts = mg_model_value(m, "openssl_options");
	int tls10, tls11;
	struct mg_finding *f;

	if (prio != NULL && strchr(prio, '$') != NULL)
		return;	/* chosen per connection: not judged */
	tls10 = !excluded(m->tls_library, prio, opts, "VERS-TLS1.0",
	    "+no_tlsv1");
	tls11 = !excluded(m->tls_library, prio, opts, "VERS-TLS1.1",
	    "+no_tlsv1_1");
	if (!tls10 && !tls11)
		return;
	f = mg_report_finding(r, "exim.tls.old-protocols", auth_offered(m) ?
	    MG_SEV_LOW : MG_SEV_INFO, "tls", "STARTTLS accepts protocols "
	    "below TLS 1.2");
	mg_finding_explain(f, "Exim negotiates what its TLS library allows "
	    "unless tls_require_ciphers (GnuTLS: a priority string) or "
	    "openssl_options (OpenSSL) removes the old protocols; Debian's "
	    "Exim 4.96 on GnuTLS completes TLS 1.0 and 1.1 handshakes by "
	    "default. TLS 1.0/1.1 are deprecated (RFC 8996); where AUTH is "
	    "offered, logins can cross them. One setting serves every port, "
	    "port 25 included, where old sending MTAs still use TLS 1.0 - "
	    "so no fix is applied automatically. To set the floor: see "
	    "which library exim -bV names; GnuTLS: tls_require_ciphers = "
	    "NORMAL:-VERS-TLS1.0:-VERS-TLS1.1 ; OpenSSL: openssl_options = "
	    "+no_sslv2 +no_sslv3 +no_tlsv1 +no_tlsv1_1 ; then restart "
	    "Exim.");
	mg_finding_evidence(f, p != NULL ? p->file : NULL, p != NULL ?
	    p->line : 0, "tls_advertise_hosts offers STARTTLS and "
	    "tls_require_ciphers = %s, openssl_options = %s: %s%s%s left on",
	    prio != NULL && *prio != '\0' ? prio : "(unset)", opts != NULL &&
	    *opts != '\0' ? opts : "(unset)", tls10 ? "TLS 1.0" : "",
	    tls10 && tls11 ? " and " : "", tls11 ? "TLS 1.1" : "");
	wrong_library(m, f, p, prio, opts);
}

/* mg_check_exim_tls - the certificate Exim presents, the protocols it
 * accepts */
void
mg_check_exim_tls(const struct mg_model *m, struct mg_report *r)
{
	const struct mg_param *p = mg_model_param(m, "tls_certificate");
	const char *adv = mg_model_value(m, "tls_advertise_hosts");
	struct mg_str why = MG_STR_INIT;
	struct mg_cert_use u;
	const char *v, *end;
	char *path;
	size_t len;

	if (adv == NULL || *adv == '\0')
		return;	/* no STARTTLS offered */
	old_protocols(m, r);
	if (p == NULL || p->value == NULL ||
	    *(p->value + strspn(p->value, " \t")) == '\0')
		return;	/* Exim's own self-signed one */
	if (strchr(p->value, '$') != NULL) {
		mg_str_printf(&why, "tls_certificate = %s: an expansion, the "
		    "file is known only at connection time; not read",
		    p->value);
		mg_report_unread(r, mg_str_cstr(&why));
		mg_str_free(&why);
		return;
	}
	memset(&u, 0, sizeof(u));
	u.mta = "exim";
	u.param = "tls_certificate";
	u.file = p->file;
	u.line = p->line;
	u.hosts[0] = announced(m);
	u.nhosts = 1;
	u.mx = m->mx;
	u.host = m->host;
	for (v = p->value; *v != '\0'; v = *end == ':' ? end + 1 : end) {
		v += strspn(v, " \t");
		end = v + strcspn(v, ":");
		for (len = (size_t)(end - v); len > 0 &&
		    (v[len - 1] == ' ' || v[len - 1] == '\t'); len--)
			;
		if (len == 0 || (path = strndup(v, len)) == NULL)
			continue;
		u.path = path;
		mg_check_cert(r, &u, m->now != 0 ? m->now : time(NULL));
		free(path);
	}
}
