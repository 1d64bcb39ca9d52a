/* mg_srcfile.c - configuration text kept line by line for evidence,
 * fixes and line lookups. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "mg_srcfile.h"
#include "mg_str.h"

/* mg_srcfile_free - release one file's path and lines (not the struct);
 * accepts NULL */
void
mg_srcfile_free(struct mg_srcfile *f)
{
	if (f == NULL)
		return;
	free(f->path);
	mg_strv_free(f->lines, f->nlines);
	memset(f, 0, sizeof(*f));
}

/* mg_srcfile_add_line - append one line (without its newline) */
void
mg_srcfile_add_line(struct mg_srcfile *f, const char *p, size_t n)
{
	*MG_ARRAY_PUSH(f->lines, f->nlines, f->cap) = mg_xstrndup(p, n);
}

/* mg_srcfile_set_text - split text into lines */
void
mg_srcfile_set_text(struct mg_srcfile *f, const char *p, size_t n)
{
	const char *nl, *end = p + n;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		mg_srcfile_add_line(f, p, (size_t)(nl - p));
		p = nl + (nl < end);
	}
}

/* is_sep - a Postfix list separator, or the ends of the line */
static int
is_sep(int c)
{
	return (c == '\0' || c == ',' || c == '=' || isspace(c));
}

/*
 * mg_srcfile_find_word - first line in [from, to] holding word as a whole
 * list element; from if it is not found (e.g. it came from $expansion).
 */
unsigned
mg_srcfile_find_word(const struct mg_srcfile *f, unsigned from, unsigned to,
    const char *word)
{
	size_t wlen = strlen(word);
	const char *line, *p;
	unsigned i;

	if (f == NULL || wlen == 0)
		return (from);
	for (i = from; i >= 1 && i <= to && i <= f->nlines; i++) {
		line = f->lines[i - 1];
		for (p = strstr(line, word); p != NULL;
		    p = strstr(p + 1, word)) {
			if ((p == line || is_sep((unsigned char)p[-1])) &&
			    is_sep((unsigned char)p[wlen]))
				return (i);
		}
	}
	return (from);
}
