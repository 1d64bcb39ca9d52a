/*
 * mg_lines.c - the line loops that parse tool output (postconf, exim -bP):
 * one line at a time without copying, and "name = value" split the way
 * both tools print it (no quoting; the value runs to the end of the line).
 */
#include <string.h>

#include "mg_lines.h"
#include "mg_str.h"

/* mg_line_next - next line at *cursor (without '\n'); 0 at the end */
int
mg_line_next(const char **cursor, const char **line, size_t *len)
{
	const char *p = *cursor, *nl;

	if (p == NULL || *p == '\0')
		return (0);
	nl = strchr(p, '\n');
	*line = p;
	*len = nl != NULL ? (size_t)(nl - p) : strlen(p);
	*cursor = nl != NULL ? nl + 1 : p + *len;
	return (1);
}

/*
 * mg_line_assignment - split "name = value"; both are new strings the
 * caller frees.  -1 if the line has no '=' or no name.  One space after
 * '=' belongs to the layout, the rest to the value; a trailing '\r' is
 * dropped.
 */
int
mg_line_assignment(const char *line, size_t len, char **name, char **value)
{
	const char *eq = memchr(line, '=', len), *v;
	size_t n, vlen;

	if (eq == NULL)
		return (-1);
	n = (size_t)(eq - line);
	while (n > 0 && (line[n - 1] == ' ' || line[n - 1] == '\t'))
		n--;
	if (n == 0)
		return (-1);
	v = eq + 1;
	if (v < line + len && *v == ' ')
		v++;
	vlen = (size_t)(line + len - v);
	if (vlen > 0 && v[vlen - 1] == '\r')
		vlen--;
	*name = mg_xstrndup(line, n);
	*value = mg_xstrndup(v, vlen);
	return (0);
}
