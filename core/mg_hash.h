/* mg_hash.h - SHA-256 of bytes and files, as hex: what a file held when
 * it was read, to know later whether anyone changed it since. */
#ifndef MG_HASH_H
#define MG_HASH_H

#include <stddef.h>

#include "mg_err.h"
#include "mg_str.h"

#define MG_SHA256_HEX 65	/* 64 hex digits and the NUL */

int mg_sha256_hex(const void *, size_t, char *, struct mg_err *);
int mg_file_sha256(const char *, char *, struct mg_str *, struct mg_err *);

#endif
