/* mg_hash.c - SHA-256 through OpenSSL's EVP interface, as hex. */
#include <stdio.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "mg_file.h"
#include "mg_hash.h"

/* mg_sha256_hex - the SHA-256 of len bytes at p into hex (MG_SHA256_HEX
 * bytes); 0, or -1 with err */
int
mg_sha256_hex(const void *p, size_t len, char *hex, struct mg_err *err)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	if (EVP_Digest(p, len, md, &n, EVP_sha256(), NULL) != 1 || n != 32)
		return (mg_err_set(err, "cannot compute a SHA-256 digest"));
	for (i = 0; i < n; i++)
		(void)snprintf(hex + 2 * i, 3, "%02x", md[i]);
	hex[2 * n] = '\0';
	return (0);
}

/*
 * mg_file_sha256 - the SHA-256 of the regular file path (at most
 * MG_FILE_MAX bytes: a larger one is an error) into hex; with text, its
 * bytes too (appended).  A file that does not exist hashes as "absent".
 */
int
mg_file_sha256(const char *path, char *hex, struct mg_str *text,
    struct mg_err *err)
{
	struct mg_str s = MG_STR_INIT;
	int truncated = 0, rc;

	if (mg_file_read(path, MG_FILE_MAX, &s, &truncated, err) < 0) {
		mg_str_free(&s);
		if (access(path, F_OK) < 0) {
			(void)snprintf(hex, MG_SHA256_HEX, "absent");
			return (0);
		}
		return (-1);
	}
	if (truncated) {
		mg_str_free(&s);
		return (mg_err_set(err, "%s is larger than %u bytes", path,
		    MG_FILE_MAX));
	}
	rc = mg_sha256_hex(s.data != NULL ? s.data : "", s.len, hex, err);
	if (text != NULL && s.len > 0)
		mg_str_append(text, s.data, s.len);
	mg_str_free(&s);
	return (rc);
}
