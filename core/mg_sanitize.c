/*
 * mg_sanitize.c - escape control bytes and invalid UTF-8 so that nothing
 * read from a queue, a log or a config can drive the operator's terminal.
 * Escapes are visible (\x1b, \n) as tmux's utf8_stravis does: the operator
 * should see that something hostile was there.  A backslash is doubled so
 * that an escape cannot be forged.
 */
#include <stdio.h>
#include <string.h>

#include "mg_sanitize.h"

/* utf8_len - length of a valid UTF-8 sequence at p, or 0 */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	size_t len, i;
	unsigned int cp;

	if (p[0] < 0xc2 || p[0] > 0xf4)
		return (0);
	if (p[0] < 0xe0) {
		len = 2;
		cp = p[0] & 0x1f;
	} else if (p[0] < 0xf0) {
		len = 3;
		cp = p[0] & 0x0f;
	} else {
		len = 4;
		cp = p[0] & 0x07;
	}
	if (n < len)
		return (0);
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return (0);
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	/* Overlongs, surrogates, beyond U+10FFFF. */
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return (0);
	/* C1 controls (U+0080..U+009F) act as escapes on some terminals. */
	if (cp >= 0x80 && cp <= 0x9f)
		return (0);
	/* Bidi overrides and isolates can reorder what the operator reads. */
	if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
		return (0);
	return (len);
}

/* mg_sanitize - append a printable rendering of p[0..n) to out */
void
mg_sanitize(struct mg_str *out, const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	char esc[8];
	size_t i = 0, len;

	if (out->data == NULL)
		mg_str_init(out);
	while (i < n) {
		if (s[i] == '\\') {
			mg_str_append(out, "\\\\", 2);
			i++;
		} else if (s[i] >= 0x20 && s[i] < 0x7f) {
			mg_str_putc(out, s[i]);
			i++;
		} else if (s[i] == '\t') {
			mg_str_append(out, "\\t", 2);
			i++;
		} else if (s[i] == '\n') {
			mg_str_append(out, "\\n", 2);
			i++;
		} else if (s[i] == '\r') {
			mg_str_append(out, "\\r", 2);
			i++;
		} else if (s[i] >= 0x80 && (len = utf8_len(s + i, n - i)) > 0) {
			mg_str_append(out, p + i, len);
			i += len;
		} else {
			(void)snprintf(esc, sizeof(esc), "\\x%02x", s[i]);
			mg_str_puts(out, esc);
			i++;
		}
	}
}

/* mg_sanitize_dup - sanitized copy of a C string; caller frees; NULL ok */
char *
mg_sanitize_dup(const char *p)
{
	struct mg_str s = MG_STR_INIT;

	if (p == NULL)
		p = "";
	mg_sanitize(&s, p, strlen(p));
	return (mg_str_steal(&s));
}
