/*
 * mg_json.c - write JSON as it goes.  Strings are escaped per RFC 8259;
 * invalid UTF-8 is replaced by U+FFFD so the output always parses.
 */
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mg_json.h"
#include "mg_utf8.h"

/* mg_json_init - start writing into out */
void
mg_json_init(struct mg_json *j, struct mg_str *out, int pretty)
{
	memset(j, 0, sizeof(*j));
	j->out = out;
	j->pretty = pretty;
	if (out->data == NULL)
		mg_str_init(out);
}

/* indent - newline and indentation in pretty mode */
static void
indent(struct mg_json *j)
{
	int i;

	if (!j->pretty)
		return;
	mg_str_putc(j->out, '\n');
	for (i = 0; i < j->depth; i++)
		mg_str_append(j->out, "  ", 2);
}

/* before_value - comma and indentation before a value */
static void
before_value(struct mg_json *j)
{
	if (j->after_key) {
		j->after_key = 0;
		return;
	}
	if (j->depth > 0) {
		if (j->count[j->depth] > 0)
			mg_str_putc(j->out, ',');
		indent(j);
		j->count[j->depth]++;
	}
}

/* open_level - begin an object or array */
static void
open_level(struct mg_json *j, int c)
{
	before_value(j);
	mg_str_putc(j->out, c);
	assert(j->depth + 1 < MG_JSON_DEPTH);
	j->depth++;
	j->count[j->depth] = 0;
	j->closer[j->depth] = c == '{' ? '}' : ']';
}

/* mg_json_object - { */
void
mg_json_object(struct mg_json *j)
{
	open_level(j, '{');
}

/* mg_json_array - [ */
void
mg_json_array(struct mg_json *j)
{
	open_level(j, '[');
}

/* mg_json_end - close the innermost object or array */
void
mg_json_end(struct mg_json *j)
{
	assert(j->depth > 0);
	j->depth--;
	if (j->count[j->depth + 1] > 0)
		indent(j);
	mg_str_putc(j->out, j->closer[j->depth + 1]);
	if (j->depth == 0 && j->pretty)
		mg_str_putc(j->out, '\n');
}

/*
 * invisible - a C1 control (U+0080-U+009F: U+009B is a CSI to some
 * terminals) or a format character that is not seen but reorders or hides
 * text (Unicode general category Cf: bidi marks, overrides and isolates,
 * zero-width characters, the line and paragraph separators, the byte
 * order mark, tags); a reader of the JSON in a terminal must not get them
 * raw
 */
static int
invisible(unsigned int cp)
{
	return ((cp >= 0x80 && cp <= 0x9f) || cp == 0xad || cp == 0x61c ||
	    cp == 0x180e || (cp >= 0x200b && cp <= 0x200f) ||
	    (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x206f) ||
	    cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb) ||
	    (cp >= 0xe0000 && cp <= 0xe007f));
}

/* put_escaped - cp as \uXXXX (a surrogate pair above U+FFFF) */
static void
put_escaped(struct mg_str *out, unsigned int cp)
{
	char esc[16];

	if (cp > 0xffff) {
		cp -= 0x10000;
		(void)snprintf(esc, sizeof(esc), "\\u%04x\\u%04x",
		    0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
	} else
		(void)snprintf(esc, sizeof(esc), "\\u%04x", cp);
	mg_str_puts(out, esc);
}

/* put_string - quoted, escaped */
static void
put_string(struct mg_str *out, const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p;
	char esc[8];
	unsigned int cp;
	size_t i, len;

	mg_str_putc(out, '"');
	for (i = 0; i < n;) {
		if (s[i] == '"' || s[i] == '\\') {
			mg_str_putc(out, '\\');
			mg_str_putc(out, s[i++]);
		} else if (s[i] == '\n') {
			mg_str_append(out, "\\n", 2);
			i++;
		} else if (s[i] == '\t') {
			mg_str_append(out, "\\t", 2);
			i++;
		} else if (s[i] < 0x20 || s[i] == 0x7f) {
			(void)snprintf(esc, sizeof(esc), "\\u%04x", s[i]);
			mg_str_puts(out, esc);
			i++;
		} else if (s[i] < 0x80) {
			mg_str_putc(out, s[i++]);
		} else if ((len = mg_utf8_decode(s + i, n - i, &cp)) > 0) {
			if (invisible(cp))
				put_escaped(out, cp);
			else
				mg_str_append(out, p + i, len);
			i += len;
		} else {
			mg_str_puts(out, "\\ufffd");
			i++;
		}
	}
	mg_str_putc(out, '"');
}

/* mg_json_key - "key": inside an object */
void
mg_json_key(struct mg_json *j, const char *key)
{
	before_value(j);
	put_string(j->out, key, strlen(key));
	mg_str_putc(j->out, ':');
	if (j->pretty)
		mg_str_putc(j->out, ' ');
	j->after_key = 1;
}

/* mg_json_string - a string value; NULL writes null */
void
mg_json_string(struct mg_json *j, const char *s)
{
	if (s == NULL) {
		mg_json_null(j);
		return;
	}
	mg_json_stringn(j, s, strlen(s));
}

/* mg_json_stringn - a string value of n bytes */
void
mg_json_stringn(struct mg_json *j, const char *s, size_t n)
{
	before_value(j);
	put_string(j->out, s, n);
}

/* mg_json_int - an integer value */
void
mg_json_int(struct mg_json *j, long long v)
{
	before_value(j);
	mg_str_printf(j->out, "%lld", v);
}

/* mg_json_uint - an unsigned integer value */
void
mg_json_uint(struct mg_json *j, unsigned long long v)
{
	before_value(j);
	mg_str_printf(j->out, "%llu", v);
}

/* mg_json_double - a number; non-finite values become null */
void
mg_json_double(struct mg_json *j, double v)
{
	before_value(j);
	if (!isfinite(v))
		mg_str_puts(j->out, "null");
	else
		mg_str_printf(j->out, "%.15g", v);
}

/* mg_json_bool - true or false */
void
mg_json_bool(struct mg_json *j, int v)
{
	before_value(j);
	mg_str_puts(j->out, v ? "true" : "false");
}

/* mg_json_null - null */
void
mg_json_null(struct mg_json *j)
{
	before_value(j);
	mg_str_puts(j->out, "null");
}

/* mg_json_kv_string - "key": "value" */
void
mg_json_kv_string(struct mg_json *j, const char *k, const char *v)
{
	mg_json_key(j, k);
	mg_json_string(j, v);
}

/* mg_json_kv_int - "key": n */
void
mg_json_kv_int(struct mg_json *j, const char *k, long long v)
{
	mg_json_key(j, k);
	mg_json_int(j, v);
}
