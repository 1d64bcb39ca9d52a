/*
 * fix_hash.c - a file mailguard-tui is about to replace (a fix's
 * install, a rollback's restore) must still hold the bytes it had when
 * they were read or written: otherwise someone changed it since (an
 * edit, postconf -e, a later fix), and installing over it would lose
 * that change silently.  The difference is shown, sanitized.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/mg_sanitize.h"
#include "fix_hash.h"

#define CONTEXT 3
#define DIFF_LINES 200		/* lines of a difference shown at most */

/* A line of a text, not NUL-terminated. */
struct line {
	const char *p;
	size_t len;
};

/* split - the lines of s (without their newlines) */
static struct line *
split(const char *s, size_t *n)
{
	struct line *v = NULL, *l;
	size_t cap = 0;
	const char *e;

	*n = 0;
	while (*s != '\0') {
		e = strchr(s, '\n');
		if (e == NULL)
			e = s + strlen(s);
		l = MG_ARRAY_PUSH(v, *n, cap);
		l->p = s;
		l->len = (size_t)(e - s);
		s = *e == '\n' ? e + 1 : e;
	}
	return (v);
}

/* eq - two lines equal */
static int
eq(const struct line *a, const struct line *b)
{
	return (a->len == b->len && memcmp(a->p, b->p, a->len) == 0);
}

/* put - one line of the diff with its mark, or a note once the diff is
 * too long */
static void
put(struct mg_str *out, char mark, const struct line *l, size_t *shown)
{
	if (++*shown > DIFF_LINES) {
		if (*shown == DIFF_LINES + 1)
			mg_str_puts(out, "... (more lines differ)\n");
		return;
	}
	mg_str_putc(out, mark);
	mg_str_append(out, l->p, l->len);
	mg_str_putc(out, '\n');
}

/*
 * mg_text_diff - a unified diff from text a (labelled la) to text b (lb)
 * into out: the common head and tail trimmed, what differs between them
 * one hunk with CONTEXT lines around it; nothing if they are equal
 */
void
mg_text_diff(const char *la, const char *lb, const char *a, const char *b,
    struct mg_str *out)
{
	struct line *va, *vb;
	size_t na, nb, head = 0, tail = 0, from, ea, eb, i, shown = 0;

	va = split(a != NULL ? a : "", &na);
	vb = split(b != NULL ? b : "", &nb);
	while (head < na && head < nb && eq(&va[head], &vb[head]))
		head++;
	while (tail < na - head && tail < nb - head &&
	    eq(&va[na - 1 - tail], &vb[nb - 1 - tail]))
		tail++;
	if (head == na && head == nb) {
		free(va);
		free(vb);
		return;
	}
	from = head > CONTEXT ? head - CONTEXT : 0;
	ea = na - tail + (tail > CONTEXT ? CONTEXT : tail);
	eb = nb - tail + (tail > CONTEXT ? CONTEXT : tail);
	mg_str_printf(out, "--- %s\n+++ %s\n@@ -%zu,%zu +%zu,%zu @@\n", la,
	    lb, ea > from ? from + 1 : from, ea - from, eb > from ? from + 1 :
	    from, eb - from);
	for (i = from; i < head; i++)
		put(out, ' ', &va[i], &shown);
	for (i = head; i < na - tail; i++)
		put(out, '-', &va[i], &shown);
	for (i = head; i < nb - tail; i++)
		put(out, '+', &vb[i], &shown);
	for (i = na - tail; i < ea; i++)
		put(out, ' ', &va[i], &shown);
	free(va);
	free(vb);
}

/*
 * mg_file_changed - does path still hash to hash (what it held when read
 * or written: was)?  0 unchanged; 1 changed, and out (if not NULL) shown
 * how, sanitized; -1 with err if it cannot be read
 */
int
mg_file_changed(const char *path, const char *hash, const char *was,
    FILE *out, struct mg_err *err)
{
	char now[MG_SHA256_HEX];
	struct mg_str text = MG_STR_INIT, d = MG_STR_INIT;

	if (mg_file_sha256(path, now, &text, err) < 0) {
		mg_str_free(&text);
		return (-1);
	}
	if (strcmp(now, hash) == 0) {
		mg_str_free(&text);
		return (0);
	}
	if (out != NULL) {
		(void)fputs("  ", out);
		mg_print_sanitized(out, path);
		(void)fprintf(out, " changed since (sha256 %.12s, now "
		    "%.12s):\n", hash, now);
		mg_text_diff("then", "now", was, strcmp(now, "absent") == 0 ?
		    "" : mg_str_cstr(&text), &d);
		if (d.len == 0)
			mg_str_puts(&d, "(the lines are the same: the bytes "
			    "differ, e.g. in line endings or NULs)\n");
		mg_print_sanitized_lines(out, mg_str_cstr(&d));
	}
	mg_str_free(&text);
	mg_str_free(&d);
	return (1);
}
