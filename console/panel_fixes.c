/*
 * panel_fixes.c - the Fixes panel: every proposed fix, marked for an
 * export as a dry-run patch (nothing applied).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "../core/mg_file.h"
#include "../core/mg_sanitize.h"
#include "../engine/fix_diff.h"
#include "../engine/fix_stage.h"
#include "console_int.h"

/* The panel's state. */
struct fixes_state {
	size_t fsel, ftop;	/* the fix selected, the first shown */
	unsigned filter_gen;	/* the / filter fsel was chosen under */
	char **marked;		/* fixes marked for the export */
	size_t nmarked, marked_cap;
};

extern const struct con_panel con_panel_fixes;

/* fx - the panel's state; a new / filter starts it from the top */
static struct fixes_state *
fx(const struct con *c)
{
	struct fixes_state *v = con_panel_state(c, &con_panel_fixes);

	if (v->filter_gen != c->filter_gen) {
		v->filter_gen = c->filter_gen;
		v->fsel = 0;
	}
	return (v);
}

static const struct con_key fixes_keys[] = {
	{ "j/k", "move", "Down/j, Up/k, PgDn, PgUp, Home, End",
	    "move over the proposed fixes" },
	{ "Space", "mark", "Space", "mark or unmark the fix for the export" },
	{ "x", "export", "x", "write the marked fixes (all when none is "
	    "marked) as a dry-run patch: nothing is applied" },
	{ "Enter", "finding", "Enter", "the finding that proposes the fix" },
	{ "Tab", "panel", "Tab, Shift-Tab, 1-9, 0", "the next / previous "
	    "panel; a number goes to that panel" },
	{ NULL, NULL, NULL, NULL }
};

/* fix_shown - fix i passes the filter */
static int
fix_shown(const struct con *c, size_t i)
{
	const struct mg_fix *x = &c->app->report.fixes[i];

	return (c->filter[0] == '\0' || con_has_ci(x->id, c->filter) ||
	    con_has_ci(x->title, c->filter));
}

/* marked - the fix with this id is marked for the export */
static int
marked(const struct con *c, const char *id)
{
	struct fixes_state *v = fx(c);
	size_t i;

	for (i = 0; i < v->nmarked; i++)
		if (strcmp(v->marked[i], id) == 0)
			return (1);
	return (0);
}

/* toggle_mark - mark or unmark a fix */
static void
toggle_mark(struct con *c, const char *id)
{
	struct fixes_state *v = fx(c);
	size_t i;

	for (i = 0; i < v->nmarked; i++)
		if (strcmp(v->marked[i], id) == 0) {
			free(v->marked[i]);
			v->marked[i] = v->marked[--v->nmarked];
			return;
		}
	*MG_ARRAY_PUSH(v->marked, v->nmarked, v->marked_cap) =
	    mg_xstrdup(id);
}

/* marks_free - forget the marks */
static void
marks_free(struct con *c)
{
	struct fixes_state *v = fx(c);
	size_t i;

	for (i = 0; i < v->nmarked; i++)
		free(v->marked[i]);
	free(v->marked);
	v->marked = NULL;
	v->nmarked = v->marked_cap = 0;
}

/* shown_fixes - indexes of the fixes shown, into *idx; their number */
static size_t
shown_fixes(const struct con *c, size_t **idx)
{
	size_t i, n = 0;

	*idx = mg_xcalloc(c->app->report.nfixes + 1, sizeof(**idx));
	for (i = 0; i < c->app->report.nfixes; i++)
		if (fix_shown(c, i))
			(*idx)[n++] = i;
	return (n);
}

/* fixes_draw - "[x] id  title" a line */
static void
fixes_draw(struct con *c, int y, int rows)
{
	struct fixes_state *v = fx(c);
	const struct mg_report *r = &c->app->report;
	struct mg_str s = MG_STR_INIT;
	size_t *idx, n, i, k;
	enum con_style st;

	con_tabs_draw(c, y);
	con_fill(c, y + 1, 0, COLS, CS_COLUMNS);
	(void)con_put(c, y + 1, 1, COLS - 1, CS_COLUMNS,
	    "    FIX                                 WHAT IT DOES");
	n = shown_fixes(c, &idx);
	rows -= 2;
	c->list_rows = rows;
	if (n == 0) {
		(void)con_put(c, y + 3, 2, COLS - 2, CS_NORMAL, r->nfixes == 0 ?
		    "No fix is proposed." : "No fix matches the filter.");
		free(idx);
		return;
	}
	if (v->fsel >= n)
		v->fsel = n - 1;
	if (v->ftop > v->fsel)
		v->ftop = v->fsel;
	if (v->fsel >= v->ftop + (size_t)rows)
		v->ftop = v->fsel - (size_t)rows + 1;
	for (i = 0; i < (size_t)rows && v->ftop + i < n; i++) {
		k = v->ftop + i;
		st = k == v->fsel ? CS_SELECTED : CS_NORMAL;
		if (k == v->fsel)
			con_fill(c, y + 2 + (int)i, 0, COLS, CS_SELECTED);
		mg_str_reset(&s);
		mg_str_printf(&s, "%s[%c] %-35s ", k == v->fsel ? ">" : " ",
		    marked(c, r->fixes[idx[k]].id) ? 'x' : ' ', "");
		(void)con_put(c, y + 2 + (int)i, 0, COLS, st,
		    mg_str_cstr(&s));
		mg_str_reset(&s);
		mg_sanitize(&s, r->fixes[idx[k]].id,
		    strlen(r->fixes[idx[k]].id));
		(void)con_put(c, y + 2 + (int)i, 5, 35, st, mg_str_cstr(&s));
		mg_str_reset(&s);
		mg_sanitize(&s, r->fixes[idx[k]].title != NULL ?
		    r->fixes[idx[k]].title : "", r->fixes[idx[k]].title !=
		    NULL ? strlen(r->fixes[idx[k]].title) : 0);
		(void)con_put(c, y + 2 + (int)i, 41, COLS - 41, st,
		    mg_str_cstr(&s));
	}
	free(idx);
	mg_str_free(&s);
}

/* export_done - write the patch to the path typed in the footer: a new
 * file (never over an existing one, never through a symlink), 0600 -
 * it may quote password files */
static void
export_done(struct con *c)
{
	struct fixes_state *v = fx(c);
	const struct mg_report *r = &c->app->report;
	const struct mg_fix **fixes;
	struct mg_str patch = MG_STR_INIT;
	struct mg_stage st;
	struct mg_err err;
	char note[200];
	size_t i, n = 0;
	int fd;

	c->edit.buf[c->edit.len] = '\0';
	if (c->edit.buf[0] == '\0') {
		con_note(c, "no file named: nothing written");
		return;
	}
	fixes = mg_xcalloc(r->nfixes + 1, sizeof(*fixes));
	for (i = 0; i < r->nfixes; i++)
		if (v->nmarked == 0 || marked(c, r->fixes[i].id))
			fixes[n++] = &r->fixes[i];
	if (n == 0 || mg_stage_fixes(fixes, n, &st, &err) < 0) {
		con_note(c, n == 0 ? "no fix to export" : "cannot stage the "
		    "fixes: see 'mailguard-tui fix --all --dry-run'");
		free(fixes);
		return;
	}
	mg_fix_patch(&c->app->target, &st, fixes, n, MG_VERSION, &patch);
	mg_stage_free(&st);
	free(fixes);
	fd = open(c->edit.buf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600);
	if (fd < 0 || mg_write_all(fd, patch.data, patch.len) < 0 ||
	    fsync(fd) < 0) {
		(void)snprintf(note, sizeof(note), "not written: %s",
		    strerror(errno));
		if (fd >= 0) {
			(void)close(fd);
			(void)unlink(c->edit.buf);
		}
	} else
		(void)snprintf(note, sizeof(note), "patch with %zu fix%s "
		    "written (nothing applied): %.120s", n, n == 1 ? "" :
		    "es", c->edit.buf);
	if (fd >= 0)
		(void)close(fd);
	mg_str_free(&patch);
	con_note(c, note);
}

/* export_begin - x: the file name in the footer, a default filled in */
static void
export_begin(struct con *c)
{
	struct fixes_state *v = fx(c);
	char cwd[512];
	time_t now = time(NULL);
	struct tm tm;
	char stamp[32] = "now";

	if (c->app->report.nfixes == 0) {
		con_note(c, "no fix is proposed: nothing to export");
		return;
	}
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		(void)snprintf(cwd, sizeof(cwd), "/tmp");
	if (localtime_r(&now, &tm) != NULL)
		(void)strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	memset(&c->edit, 0, sizeof(c->edit));
	(void)snprintf(c->edit.buf, sizeof(c->edit.buf),
	    "%s/mailguard-fixes-%s.patch", strcmp(cwd, "/") == 0 ? "" : cwd,
	    stamp);
	c->edit.len = c->edit.cur = strlen(c->edit.buf);
	(void)snprintf(c->edit.label, sizeof(c->edit.label), "%s to: ",
	    v->nmarked > 0 ? "marked fixes" : "all fixes");
	c->edit.done = export_done;
	c->edit.active = 1;
}

/* fixes_key - move, mark, export, open the finding */
static int
fixes_key(struct con *c, int ch)
{
	struct fixes_state *v = fx(c);
	const struct mg_report *r = &c->app->report;
	size_t *idx, n, i, k;
	const char *id;

	if (ch == 'x') {
		export_begin(c);
		return (1);
	}
	if (ch == '/') {
		con_filter_begin(c);
		return (1);
	}
	n = shown_fixes(c, &idx);
	if (n > 0 && v->fsel < n && (ch == ' ' || ch == '\n' || ch == '\r' ||
	    ch == KEY_ENTER)) {
		id = r->fixes[idx[v->fsel]].id;
		if (ch == ' ') {
			toggle_mark(c, id);
			if (v->fsel + 1 < n)
				v->fsel++;
			free(idx);
			return (1);
		}
		for (i = 0; i < r->nfindings; i++)
			for (k = 0; k < r->findings[i].nfix_ids; k++)
				if (strcmp(r->findings[i].fix_ids[k], id) ==
				    0) {
					free(idx);
					c->panel = NULL;
					c->sel = c->finding = i;
					free(c->finding_id);
					c->finding_id = mg_xstrdup(
					    r->findings[i].id);
					con_set_view(c, &con_view_detail);
					return (1);
				}
	}
	free(idx);
	if (ch == ' ')
		return (1);
	return (con_nav(ch, &v->fsel, n, (size_t)c->list_rows));
}

static const struct con_view fixes_view = {
	.name = "Fixes",
	.keys = fixes_keys,
	.draw = fixes_draw,
	.key = fixes_key,
};

/* fixes_shows - the Fixes panel is shown */
static int
fixes_shows(const struct con *c, const struct con_panel *p)
{
	(void)p;
	return (c->view == &fixes_view);
}

/* fixes_count - every proposed fix */
static int
fixes_count(const struct con *c, const struct con_panel *p, size_t *n)
{
	(void)p;
	*n = c->app->report.nfixes;
	return (1);
}

const struct con_panel con_panel_fixes = {
	.name = "Fixes",
	.view = &fixes_view,
	.shows = fixes_shows,
	.count = fixes_count,
	.free = marks_free,
	.state_size = sizeof(struct fixes_state),
};
