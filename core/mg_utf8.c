/* mg_utf8.c - decode one UTF-8 sequence, rejecting anything RFC 3629 does. */
#include "mg_utf8.h"

/*
 * mg_utf8_decode - length of the valid multi-byte sequence at p (n bytes
 * available) and its code point in *cp; 0 if invalid: ASCII, a stray or
 * missing continuation byte, an overlong form, a surrogate, > U+10FFFF.
 */
size_t
mg_utf8_decode(const unsigned char *p, size_t n, unsigned int *cp)
{
	size_t len, i;
	unsigned int c;

	if (n == 0 || p[0] < 0xc2 || p[0] > 0xf4)
		return (0);
	if (p[0] < 0xe0) {
		len = 2;
		c = p[0] & 0x1f;
	} else if (p[0] < 0xf0) {
		len = 3;
		c = p[0] & 0x0f;
	} else {
		len = 4;
		c = p[0] & 0x07;
	}
	if (n < len)
		return (0);
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return (0);
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return (0);
	*cp = c;
	return (len);
}
