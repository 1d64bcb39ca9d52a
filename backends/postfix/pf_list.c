/*
 * pf_list.c - split a Postfix list value the way Postfix does: elements
 * are separated by commas and/or whitespace (postconf(5)); "{ ... }"
 * groups an element that contains separators, as in inline:{ a=b, c=d }
 * or a restriction's { name = value } (Postfix 3.0 and later).
 */
#include <string.h>

#include "pf_list.h"

#define SEP ", \t\r\n"

/*
 * mg_pf_list_next - next element at *cursor; sets *elem and *len, advances.
 * Returns 0 at the end.  Braces nest; an unbalanced brace runs to the end.
 */
int
mg_pf_list_next(const char **cursor, const char **elem, size_t *len)
{
	const char *p = *cursor;
	int depth = 0;

	p += strspn(p, SEP);
	if (*p == '\0') {
		*cursor = p;
		return (0);
	}
	*elem = p;
	for (; *p != '\0'; p++) {
		if (*p == '{')
			depth++;
		else if (*p == '}' && depth > 0)
			depth--;
		else if (depth == 0 && strchr(SEP, *p) != NULL)
			break;
	}
	*len = (size_t)(p - *elem);
	*cursor = p;
	return (1);
}
