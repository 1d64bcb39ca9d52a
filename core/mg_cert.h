/* mg_cert.h - a server certificate as TLS clients judge it: its expiry
 * and the DNS names it is valid for (RFC 6125 matching). */
#ifndef MG_CERT_H
#define MG_CERT_H

#include <stddef.h>
#include <time.h>

#include "mg_err.h"

#define MG_CERT_NAMES 64

struct mg_cert {
	time_t not_after;	/* valid until (UTC) */
	time_t not_before;
	char subject_cn[256];	/* "" if none */
	char *names[MG_CERT_NAMES];	/* subjectAltName dNSNames */
	size_t nnames;
	int nocert;		/* mg_cert_read failed: the file was read
				 * and holds no certificate (a key file) */
};

int mg_cert_read(const char *, struct mg_cert *, struct mg_err *);
void mg_cert_free(struct mg_cert *);
int mg_cert_name_match(const char *, const char *);
int mg_cert_matches(const struct mg_cert *, const char *);

#endif
