/*
 * fix_diff.c - the unified diff of a staged file (diff -u format, three
 * lines of context), made from the regions the edits changed; and the
 * patch a reviewer or configuration management applies by hand, with the
 * post-commands (and the backend's reload) the apply runs in its header.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "fix_apply.h"
#include "fix_diff.h"

#define CONTEXT 3

/* by_old - regions in file order */
static int
by_old(const void *a, const void *b)
{
	const struct mg_stage_region *x = a, *y = b;

	return (x->old_start < y->old_start ? -1 :
	    x->old_start > y->old_start);
}

/* hunk_range - "start,count" of a hunk side, 1-based (diff -u: an empty
 * side names the line before it) */
static void
hunk_range(struct mg_str *out, size_t start, size_t count)
{
	if (count == 0)
		mg_str_printf(out, "%zu,0", start);
	else if (count == 1)
		mg_str_printf(out, "%zu", start + 1);
	else
		mg_str_printf(out, "%zu,%zu", start + 1, count);
}

/* mg_stage_diff - the unified diff of one staged file, labelled as the
 * patch should name it (old and new label) */
void
mg_stage_diff(const struct mg_staged_file *f, const char *label,
    struct mg_str *out)
{
	struct mg_stage_region *r;
	size_t n = f->nregions, i, j, k, os, oe, ns, nc, pos;
	long grow;

	if (n == 0)
		return;
	r = mg_xcalloc(n, sizeof(*r));
	memcpy(r, f->regions, n * sizeof(*r));
	qsort(r, n, sizeof(*r), by_old);
	mg_str_printf(out, "--- %s\n+++ %s\n", label, label);
	for (i = 0; i < n; i = j) {
		/* regions whose contexts touch share a hunk */
		for (j = i + 1; j < n && r[j].old_start <= r[j - 1].old_start +
		    r[j - 1].old_len + 2 * CONTEXT; j++)
			;
		os = r[i].old_start > CONTEXT ? r[i].old_start - CONTEXT : 0;
		oe = r[j - 1].old_start + r[j - 1].old_len + CONTEXT;
		if (oe > f->nold)
			oe = f->nold;
		grow = 0;
		for (k = i; k < j; k++)
			grow += (long)r[k].new_len - (long)r[k].old_len;
		ns = r[i].new_start - (r[i].old_start - os);
		nc = (size_t)((long)(oe - os) + grow);
		mg_str_puts(out, "@@ -");
		hunk_range(out, os, oe - os);
		mg_str_puts(out, " +");
		hunk_range(out, ns, nc);
		mg_str_puts(out, " @@\n");
		pos = os;
		for (k = i; k < j; k++) {
			for (; pos < r[k].old_start; pos++)
				mg_str_printf(out, " %s\n", f->old[pos]);
			for (; pos < r[k].old_start + r[k].old_len; pos++)
				mg_str_printf(out, "-%s\n", f->old[pos]);
			for (size_t q = 0; q < r[k].new_len; q++)
				mg_str_printf(out, "+%s\n",
				    f->new[r[k].new_start + q]);
		}
		for (; pos < oe; pos++)
			mg_str_printf(out, " %s\n", f->old[pos]);
	}
	free(r);
}

/* post_line - one post-command as the apply runs it, with the program
 * the backend runs it with (Exim: Debian's generator the target was read
 * with; fix_apply.c run_post) */
static void
post_line(const struct mg_target *t, const struct mg_cmd *c,
    struct mg_str *out)
{
	size_t a;

	mg_str_puts(out, "#  ");
	for (a = 0; a < c->argc; a++)
		mg_str_printf(out, " %s", a == 0 && t != NULL ?
		    mg_backend_post_program(t, c) : c->argv[a]);
	mg_str_putc(out, '\n');
}

/*
 * mg_fix_patch - the patch of the staged files with a header saying what
 * it is, how to apply it (paths are relative to /, so "patch -p0 -d /")
 * and which commands must run after it: exactly what the apply runs,
 * the backend's reload included (t NULL: the post-commands as the fixes
 * say)
 */
void
mg_fix_patch(const struct mg_target *t, const struct mg_stage *st,
    const struct mg_fix *const *fixes, size_t nfixes, const char *version,
    struct mg_str *out)
{
	size_t i, k;

	mg_str_printf(out, "# mailguard-tui %s: proposed changes, not "
	    "applied\n#\n", version);
	for (i = 0; i < nfixes; i++)
		mg_str_printf(out, "#   %s: %s\n", fixes[i]->id,
		    fixes[i]->title);
	mg_str_puts(out, "#\n# Apply as root with:  patch -p0 -d / < "
	    "THIS-FILE\n# then run, in this order:\n");
	for (i = 0; i < nfixes; i++)
		for (k = 0; k < fixes[i]->npost; k++)
			if (!mg_cmd_seen(fixes, i, k))
				post_line(t, &fixes[i]->post[k], out);
	if (t != NULL)
		mg_backend_reload_words(t, out);
	mg_str_puts(out, "#\n");
	for (i = 0; i < st->nfiles; i++)
		mg_stage_diff(&st->files[i], st->files[i].path[0] == '/' ?
		    st->files[i].path + 1 : st->files[i].path, out);
}
