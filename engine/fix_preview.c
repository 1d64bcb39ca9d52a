/*
 * fix_preview.c - render a fix (edits + post-commands) as lines a reviewer
 * reads like a diff: "@@ file:line", "-old", "+new", "$ command".  The text
 * is raw (config values are untrusted): callers sanitize before display.
 */
#include <string.h>

#include "fix_preview.h"

/* put_param - "name = value" as main.cf writes it */
static void
put_param(struct mg_str *out, int sign, const char *name, const char *value)
{
	mg_str_printf(out, "%c%s = %s\n", sign, name, value);
}

/* put_lines - every line of text, each with the sign in front */
static void
put_lines(struct mg_str *out, int sign, const char *text)
{
	const char *nl;

	do {
		nl = strchr(text, '\n');
		mg_str_printf(out, "%c%.*s\n", sign, nl != NULL ?
		    (int)(nl - text) : (int)strlen(text), text);
		text = nl != NULL ? nl + 1 : NULL;
	} while (text != NULL);
}

/* mg_fix_preview - append the preview of one fix to out */
void
mg_fix_preview(const struct mg_fix *x, struct mg_str *out)
{
	const struct mg_edit *e;
	size_t i, k;

	if (out->data == NULL)
		mg_str_init(out);
	for (i = 0; i < x->nedits; i++) {
		e = &x->edits[i];
		if (e->line > 0)
			mg_str_printf(out, "@@ %s:%u\n", e->file, e->line);
		else
			mg_str_printf(out, "@@ %s (new setting)\n", e->file);
		if (e->kind == MG_EDIT_SET_PARAM) {
			if (e->old_text != NULL && e->line > 0)
				put_param(out, '-', e->param, e->old_text);
			put_param(out, '+', e->param, e->new_text);
		} else {
			put_lines(out, '-', e->old_text);
			put_lines(out, '+', e->new_text);
		}
	}
	for (i = 0; i < x->npost; i++) {
		mg_str_puts(out, "$");
		for (k = 0; k < x->post[i].argc; k++)
			mg_str_printf(out, " %s", x->post[i].argv[k]);
		mg_str_putc(out, '\n');
	}
}
