/* mg_utf8.h - strict UTF-8 decoding, shared by sanitizing and JSON. */
#ifndef MG_UTF8_H
#define MG_UTF8_H

#include <stddef.h>

size_t mg_utf8_decode(const unsigned char *, size_t, unsigned int *);

#endif
