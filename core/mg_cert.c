/* mg_cert.c - read the first certificate of a PEM file with libcrypto
 * (the leaf: Postfix's smtpd_tls_chain_files and Exim's tls_certificate
 * put it first) and match host names against it per RFC 6125. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "mg_cert.h"
#include "mg_file.h"
#include "mg_str.h"

#define CERT_FILE_MAX (1024u * 1024)

/* asn1_time - an ASN1_TIME as time_t (UTC); 0 if unreadable */
static time_t
asn1_time(const ASN1_TIME *t)
{
	struct tm tm;

	memset(&tm, 0, sizeof(tm));
	if (t == NULL || ASN1_TIME_to_tm(t, &tm) != 1)
		return (0);
	return (timegm(&tm));
}

/* dns_names - the certificate's subjectAltName dNSName entries, those
 * without NUL or control bytes (a name with them matches nothing) */
static void
dns_names(X509 *x, struct mg_cert *c)
{
	GENERAL_NAMES *gens;
	const GENERAL_NAME *g;
	const unsigned char *d;
	int i, n, len, k;

	gens = X509_get_ext_d2i(x, NID_subject_alt_name, NULL, NULL);
	if (gens == NULL)
		return;
	n = sk_GENERAL_NAME_num(gens);
	for (i = 0; i < n && c->nnames < MG_CERT_NAMES; i++) {
		g = sk_GENERAL_NAME_value(gens, i);
		if (g->type != GEN_DNS)
			continue;
		d = ASN1_STRING_get0_data(g->d.dNSName);
		len = ASN1_STRING_length(g->d.dNSName);
		if (len <= 0 || len > 253)
			continue;
		for (k = 0; k < len; k++)
			if (d[k] <= 0x20 || d[k] >= 0x7f)
				break;
		if (k < len)
			continue;
		c->names[c->nnames] = strndup((const char *)d, (size_t)len);
		if (c->names[c->nnames] != NULL)
			c->nnames++;
	}
	GENERAL_NAMES_free(gens);
}

/* mg_cert_read - the first certificate in a PEM file; -1 with a reason
 * if the file cannot be read or holds none.  mg_cert_free releases it. */
int
mg_cert_read(const char *path, struct mg_cert *c, struct mg_err *err)
{
	struct mg_str text = MG_STR_INIT;
	X509 *x = NULL;
	BIO *b;
	int truncated = 0, cn;

	memset(c, 0, sizeof(*c));
	if (mg_file_read(path, CERT_FILE_MAX, &text, &truncated, err) != 0) {
		mg_str_free(&text);	/* mg_file_read may have begun it */
		return (-1);
	}
	if ((b = BIO_new_mem_buf(text.data, (int)text.len)) != NULL) {
		x = PEM_read_bio_X509(b, NULL, NULL, NULL);
		BIO_free(b);
	}
	mg_str_free(&text);
	if (x == NULL) {
		c->nocert = 1;
		return (mg_err_set(err, "%s: no PEM certificate in it", path));
	}
	c->not_after = asn1_time(X509_get0_notAfter(x));
	c->not_before = asn1_time(X509_get0_notBefore(x));
	cn = X509_NAME_get_text_by_NID(X509_get_subject_name(x),
	    NID_commonName, c->subject_cn, (int)sizeof(c->subject_cn));
	if (cn < 0 || (size_t)cn != strlen(c->subject_cn))
		c->subject_cn[0] = '\0';	/* absent, or with a NUL */
	dns_names(x, c);
	X509_free(x);
	if (c->not_after == 0) {
		mg_cert_free(c);
		return (mg_err_set(err, "%s: unreadable notAfter date", path));
	}
	return (0);
}

/* mg_cert_free - release the names; accepts a zeroed or freed cert */
void
mg_cert_free(struct mg_cert *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nnames; i++)
		free(c->names[i]);
	c->nnames = 0;
}

/*
 * mg_cert_name_match - RFC 6125 6.4: a DNS-ID matches the host name
 * case-insensitively; "*" may be the whole left-most label only
 * ("*.example.com" matches "mail.example.com", not "example.com" nor
 * "a.b.example.com"), and not on a name of fewer than three labels.
 * A trailing dot on the host is ignored.
 */
int
mg_cert_name_match(const char *pattern, const char *host)
{
	const char *pdot, *hdot;
	size_t hlen = strlen(host);

	if (hlen > 0 && host[hlen - 1] == '.')
		hlen--;
	if (hlen == 0 || *pattern == '\0')
		return (0);
	if (pattern[0] != '*')
		return (strlen(pattern) == hlen &&
		    strncasecmp(pattern, host, hlen) == 0);
	if (pattern[1] != '.' || strchr(pattern + 2, '*') != NULL ||
	    (pdot = strchr(pattern + 2, '.')) == NULL || pdot[1] == '\0')
		return (0);
	if ((hdot = memchr(host, '.', hlen)) == NULL || hdot == host)
		return (0);
	return (strlen(pattern + 1) == hlen - (size_t)(hdot - host) &&
	    strncasecmp(pattern + 1, hdot, hlen - (size_t)(hdot - host)) ==
	    0);
}

/* mg_cert_matches - the host name matches a SAN dNSName; the subject CN
 * counts only when the certificate has no dNSName (RFC 6125 6.4.4) */
int
mg_cert_matches(const struct mg_cert *c, const char *host)
{
	size_t i;

	for (i = 0; i < c->nnames; i++)
		if (mg_cert_name_match(c->names[i], host))
			return (1);
	return (c->nnames == 0 && c->subject_cn[0] != '\0' &&
	    mg_cert_name_match(c->subject_cn, host));
}
