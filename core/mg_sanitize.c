/*
 * mg_sanitize.c - escape control bytes and invalid UTF-8 so that nothing
 * read from a queue, a log or a config can drive the operator's terminal.
 * Escapes are visible (\x1b, \n) as tmux's utf8_stravis does: the operator
 * should see that something hostile was there.  A backslash is doubled so
 * that an escape cannot be forged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mg_sanitize.h"
#include "mg_utf8.h"

/* printable_utf8 - length of a valid UTF-8 sequence that is safe to show:
 * not a C1 control (some terminals obey them as escapes) nor a bidi
 * override or isolate (they can reorder what the operator reads) */
static size_t
printable_utf8(const unsigned char *p, size_t n)
{
	unsigned int cp;
	size_t len = mg_utf8_decode(p, n, &cp);

	if (len == 0 || (cp >= 0x80 && cp <= 0x9f) ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
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
		} else if (s[i] >= 0x80 &&
		    (len = printable_utf8(s + i, n - i)) > 0) {
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

/* mg_print_sanitized - untrusted text to a stream, control bytes escaped */
void
mg_print_sanitized(FILE *fp, const char *text)
{
	char *s = mg_sanitize_dup(text);

	(void)fputs(s, fp);
	free(s);
}

/* mg_print_sanitized_lines - untrusted text of several lines: each line
 * escaped, the newlines kept */
void
mg_print_sanitized_lines(FILE *fp, const char *text)
{
	const char *nl;
	char *line;

	while (*text != '\0') {
		nl = strchr(text, '\n');
		line = mg_xstrndup(text, nl != NULL ? (size_t)(nl - text) :
		    strlen(text));
		mg_print_sanitized(fp, line);
		(void)fputc('\n', fp);
		free(line);
		if (nl == NULL)
			break;
		text = nl + 1;
	}
}

/* verbatim - the line shows on a terminal as it is: printable ASCII (a
 * backslash too), tabs and printable UTF-8 */
static int
verbatim(const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	size_t i = 0, len;

	while (i < n) {
		if ((s[i] >= 0x20 && s[i] < 0x7f) || s[i] == '\t')
			i++;
		else if (s[i] >= 0x80 &&
		    (len = printable_utf8(s + i, n - i)) > 0)
			i += len;
		else
			return (0);
	}
	return (1);
}

/*
 * mg_print_patch_lines - a patch to the terminal: a line that shows as
 * it is goes out byte for byte (its backslashes and tabs are the patch's:
 * a pcre or regexp map needs them single), one that does not is escaped
 * as mg_sanitize does; the number of lines escaped
 */
size_t
mg_print_patch_lines(FILE *fp, const char *text)
{
	const char *nl;
	size_t n, escaped = 0;
	char *line;

	while (*text != '\0') {
		nl = strchr(text, '\n');
		n = nl != NULL ? (size_t)(nl - text) : strlen(text);
		if (verbatim(text, n))
			(void)fwrite(text, 1, n, fp);
		else {
			line = mg_xstrndup(text, n);
			mg_print_sanitized(fp, line);
			free(line);
			escaped++;
		}
		(void)fputc('\n', fp);
		if (nl == NULL)
			break;
		text = nl + 1;
	}
	return (escaped);
}
