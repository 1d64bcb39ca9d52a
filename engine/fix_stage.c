/*
 * fix_stage.c - a fix's edits applied to fresh copies of the files, in
 * memory: nothing on disk changes here.  Each file is read again (the
 * model may be minutes old); an edit whose line no longer reads what the
 * check saw is refused, never applied to the wrong line.  The result
 * keeps, per file, the old and new lines and the changed regions, which
 * give the unified diff (fix_diff.c) and, later, the staged copy that the
 * MTA validates.
 */
#include <stdlib.h>
#include <string.h>

#include "../core/mg_file.h"
#include "../core/mg_hash.h"
#include "../core/mg_lines.h"
#include "fix_stage.h"

/* lines_free - an array of lines */
static void
lines_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* split - text into lines (no newline kept) */
static void
split(const char *text, char ***v, size_t *n)
{
	const char *cur = text, *line;
	size_t len, cap = 0;

	*v = NULL;
	*n = 0;
	while (mg_line_next(&cur, &line, &len))
		*MG_ARRAY_PUSH(*v, *n, cap) = mg_xstrndup(line, len);
}

/* file_for - the staged file for path, read from disk on first use */
static struct mg_staged_file *
file_for(struct mg_stage *st, const char *path, struct mg_err *err)
{
	struct mg_staged_file *f;
	struct mg_str text = MG_STR_INIT;
	int truncated = 0;
	size_t i;

	for (i = 0; i < st->nfiles; i++)
		if (strcmp(st->files[i].path, path) == 0)
			return (&st->files[i]);
	if (mg_file_read(path, MG_FILE_MAX, &text, &truncated, err) < 0) {
		mg_str_free(&text);
		return (NULL);
	}
	if (truncated) {
		mg_str_free(&text);
		(void)mg_err_set(err, "%s is larger than %u bytes; not edited",
		    path, MG_FILE_MAX);
		return (NULL);
	}
	/* the lines are C strings: a NUL byte would cut the file there and
	 * the rest would not be written back */
	if (text.len > 0 && memchr(text.data, '\0', text.len) != NULL) {
		mg_str_free(&text);
		(void)mg_err_set(err, "%s holds a NUL byte; not edited, "
		    "nothing changed (remove the byte by hand, then run the "
		    "report again)", path);
		return (NULL);
	}
	f = MG_ARRAY_PUSH(st->files, st->nfiles, st->files_cap);
	memset(f, 0, sizeof(*f));
	f->path = mg_xstrdup(path);
	f->final_newline = text.len == 0 || text.data[text.len - 1] == '\n';
	if (mg_sha256_hex(text.data != NULL ? text.data : "", text.len,
	    f->sha256, err) < 0) {
		st->nfiles--;
		free(f->path);
		mg_str_free(&text);
		return (NULL);
	}
	split(mg_str_cstr(&text), &f->old, &f->nold);
	split(mg_str_cstr(&text), &f->new, &f->nnew);
	mg_str_free(&text);
	return (f);
}

/* logical_end - the last line (1-based) of the main.cf setting at line:
 * lines that start with white space continue it */
static size_t
logical_end(const struct mg_staged_file *f, size_t line)
{
	size_t end = line;

	while (end < f->nnew && (f->new[end][0] == ' ' ||
	    f->new[end][0] == '\t') && f->new[end][strspn(f->new[end],
	    " \t")] != '\0')
		end++;
	return (end);
}

/* lines_replace - new lines [from, to) (0-based) become the lines of
 * text, without a region; how many lines text has */
static size_t
lines_replace(struct mg_staged_file *f, size_t from, size_t to,
    const char *text)
{
	char **add, **v;
	size_t nadd, i, n;

	split(text, &add, &nadd);
	n = f->nnew - (to - from) + nadd;
	v = mg_xcalloc(n + 1, sizeof(*v));
	for (i = 0; i < from; i++)
		v[i] = f->new[i];
	for (i = 0; i < nadd; i++)
		v[from + i] = add[i];
	for (i = to; i < f->nnew; i++)
		v[i - (to - from) + nadd] = f->new[i];
	for (i = from; i < to; i++)
		free(f->new[i]);
	free(f->new);
	free(add);
	f->new = v;
	f->nnew = n;
	return (nadd);
}

/* insertion - the length of what e puts before its line when that is
 * all it does (new_text is those lines, a newline, then old_text);
 * 0 otherwise */
static size_t
insertion(const struct mg_edit *e)
{
	size_t nn, no;

	if (e->kind != MG_EDIT_REPLACE || e->new_text == NULL ||
	    e->old_text == NULL)
		return (0);
	nn = strlen(e->new_text);
	no = strlen(e->old_text);
	if (nn <= no + 1 || strcmp(e->new_text + nn - no, e->old_text) != 0 ||
	    e->new_text[nn - no - 1] != '\n')
		return (0);
	return (nn - no - 1);
}

/*
 * insert_too - a second edit that only inserts lines before a line an
 * earlier edit (of this or another fix) also only inserted before, such
 * as two ACL statements placed before the same accept: its lines go
 * above the earlier ones, in the same region; 1 if it was so, 0 if the
 * edits really overlap
 */
static int
insert_too(struct mg_staged_file *f, struct mg_stage_region *r,
    const struct mg_edit *e)
{
	size_t k = insertion(e), last;
	char *prefix;

	if (k == 0 || r->old_len != 1 || r->old_start != e->line - 1 ||
	    r->new_len < 2 || e->line > f->nold ||
	    strcmp(f->old[e->line - 1], e->old_text) != 0)
		return (0);
	/* the earlier edit kept the line last: it inserted too */
	last = r->old_start + r->new_len - 1;
	if (last >= f->nnew || strcmp(f->new[last], e->old_text) != 0)
		return (0);
	prefix = mg_xstrndup(e->new_text, k);
	r->new_len += lines_replace(f, r->old_start, r->old_start, prefix);
	free(prefix);
	return (1);
}

/* splice - new lines [from, to) (0-based) become the lines of text */
static void
splice(struct mg_staged_file *f, size_t from, size_t to, const char *text)
{
	struct mg_stage_region *r;
	size_t nadd, i;
	int append;

	append = from == f->nnew && to == f->nnew;
	nadd = lines_replace(f, from, to, text);
	/* Appended settings come first and all sit after the old last
	 * line: one region, growing.  Other edits go bottom-up, so the
	 * lines above them are still the old ones. */
	if (append) {
		for (i = 0; i < f->nregions; i++)
			if (f->regions[i].old_start == f->nold &&
			    f->regions[i].old_len == 0) {
				f->regions[i].new_len += nadd;
				return;
			}
		from = to = f->nold;
	}
	r = MG_ARRAY_PUSH(f->regions, f->nregions, f->regions_cap);
	r->old_start = from;
	r->old_len = to - from;
	r->new_len = nadd;
}

/* apply_edit - one edit on its staged file */
static int
apply_edit(struct mg_stage *st, const struct mg_edit *e, struct mg_err *err)
{
	struct mg_staged_file *f;
	struct mg_str text = MG_STR_INIT;
	size_t i, end;

	if ((f = file_for(st, e->file, err)) == NULL)
		return (-1);
	/* Lines already edited by an earlier edit of this fix would make
	 * e->line ambiguous: refuse overlapping edits. */
	for (i = 0; i < f->nregions; i++)
		if (e->line > 0 && e->line - 1 >= f->regions[i].old_start &&
		    e->line - 1 < f->regions[i].old_start +
		    (f->regions[i].old_len > 0 ? f->regions[i].old_len : 1)) {
			if (insert_too(f, &f->regions[i], e))
				return (0);
			return (mg_err_set(err, "%s:%u is edited twice",
			    e->file, e->line));
		}
	if (e->kind == MG_EDIT_SET_PARAM) {
		mg_str_printf(&text, "%s = %s", e->param, e->new_text);
		if (e->line == 0) {
			splice(f, f->nnew, f->nnew, mg_str_cstr(&text));
			mg_str_free(&text);
			return (0);
		}
		if (e->line > f->nnew || strncmp(f->new[e->line - 1],
		    e->param, strlen(e->param)) != 0) {
			mg_str_free(&text);
			return (mg_err_set(err, "%s:%u no longer sets %s: the "
			    "file changed since it was read; run the report "
			    "again", e->file, e->line, e->param));
		}
		end = logical_end(f, e->line);
		splice(f, e->line - 1, end, mg_str_cstr(&text));
		mg_str_free(&text);
		return (0);
	}
	if (e->line == 0 || e->line > f->nnew ||
	    strcmp(f->new[e->line - 1], e->old_text) != 0)
		return (mg_err_set(err, "%s:%u no longer reads \"%s\": the "
		    "file changed since it was read; run the report again",
		    e->file, e->line, e->old_text));
	splice(f, e->line - 1, e->line, e->new_text);
	return (0);
}

/* by_line_desc - edits of one file bottom-up keep line numbers valid */
static int
by_line_desc(const void *a, const void *b)
{
	const struct mg_edit *x = *(const struct mg_edit *const *)a;
	const struct mg_edit *y = *(const struct mg_edit *const *)b;
	int c = strcmp(x->file, y->file);

	if (c != 0)
		return (c);
	/* appended settings (line 0) are the bottom: first */
	if (x->line == 0 || y->line == 0)
		return (x->line == 0 ? (y->line == 0 ? 0 : -1) : 1);
	if (x->line != y->line)
		return (x->line < y->line ? 1 : -1);
	/* two insertions before one line: always in the same order */
	return (strcmp(x->new_text != NULL ? x->new_text : "",
	    y->new_text != NULL ? y->new_text : ""));
}

/* new_starts - each region's start in the new file: shifted by what
 * the regions above it added or removed */
static void
new_starts(struct mg_staged_file *f)
{
	size_t i, k;
	long shift;

	for (i = 0; i < f->nregions; i++) {
		shift = 0;
		for (k = 0; k < f->nregions; k++)
			if (f->regions[k].old_start < f->regions[i].old_start)
				shift += (long)f->regions[k].new_len -
				    (long)f->regions[k].old_len;
		f->regions[i].new_start = (size_t)((long)
		    f->regions[i].old_start + shift);
	}
}

/*
 * mg_stage_fixes - apply the edits of fixes (n of them) to fresh copies
 * of their files; -1 with the reason if any edit does not apply (then
 * nothing is staged)
 */
int
mg_stage_fixes(const struct mg_fix *const *fixes, size_t n,
    struct mg_stage *st, struct mg_err *err)
{
	const struct mg_edit **all = NULL;
	size_t i, k, nall = 0, cap = 0;
	int rc = 0;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < n; i++)
		for (k = 0; k < fixes[i]->nedits; k++)
			*MG_ARRAY_PUSH(all, nall, cap) = &fixes[i]->edits[k];
	if (nall > 0)
		qsort(all, nall, sizeof(*all), by_line_desc);
	for (i = 0; i < nall && rc == 0; i++)
		rc = apply_edit(st, all[i], err);
	free(all);
	if (rc < 0) {
		mg_stage_free(st);
		return (-1);
	}
	for (i = 0; i < st->nfiles; i++)
		new_starts(&st->files[i]);
	return (0);
}

/* mg_stage_text - a staged file's new text */
void
mg_stage_text(const struct mg_staged_file *f, struct mg_str *out)
{
	size_t i;

	mg_str_init(out);
	for (i = 0; i < f->nnew; i++) {
		mg_str_puts(out, f->new[i]);
		if (i + 1 < f->nnew || f->final_newline)
			mg_str_putc(out, '\n');
	}
}

/* mg_stage_free - everything staged */
void
mg_stage_free(struct mg_stage *st)
{
	size_t i;

	if (st == NULL)
		return;
	for (i = 0; i < st->nfiles; i++) {
		free(st->files[i].path);
		lines_free(st->files[i].old, st->files[i].nold);
		lines_free(st->files[i].new, st->files[i].nnew);
		free(st->files[i].regions);
	}
	free(st->files);
	memset(st, 0, sizeof(*st));
}
