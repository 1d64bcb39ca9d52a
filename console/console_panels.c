/*
 * console_panels.c - the panels and their tab line (All, Relay, Aliases,
 * SASL, Queue, Fixes, Journal, Probe; Tab and 1-8 switch), the findings a panel
 * and the / filter show, the Fixes panel (mark, export a dry-run patch)
 * and the Journal panel (every change and purge, its diff or IDs, and
 * rollback).
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
#include "../engine/mg_journal.h"
#include "../core/mg_sanitize.h"
#include "../engine/fix_diff.h"
#include "../engine/fix_stage.h"
#include "../engine/queue_restore.h"
#include "../cli/cmd.h"
#include "console_int.h"

static const char *const panel_names[CON_NPANELS] = { "All", "Relay",
    "Aliases", "SASL", "Queue", "Fixes", "Journal", "Probe" };

/* The finding area each findings panel shows; NULL: every area. */
static const char *const panel_area[CON_NPANELS] = { NULL, "relay",
    "aliases", "sasl", NULL, NULL, NULL, NULL };

static const struct con_key fixes_keys[] = {
	{ "j/k", "move", "Down/j, Up/k, PgDn, PgUp, Home, End",
	    "move over the proposed fixes" },
	{ "Space", "mark", "Space", "mark or unmark the fix for the export" },
	{ "x", "export", "x", "write the marked fixes (all when none is "
	    "marked) as a dry-run patch: nothing is applied" },
	{ "Enter", "finding", "Enter", "the finding that proposes the fix" },
	{ "Tab", "panel", "Tab, Shift-Tab, 1-8", "the next / previous panel; "
	    "a number goes to that panel" },
	{ NULL, NULL, NULL, NULL }
};

static const struct con_key journal_keys[] = {
	{ "j/k", "move", "Down/j, Up/k, PgDn, PgUp, Home, End",
	    "move over the entries" },
	{ "Enter", "show", "Enter, Right/l", "the entry: its diff, proof "
	    "and result, or the queue IDs it acted on" },
	{ "u", "rollback", "u", "roll the entry's change back (asks first)" },
	{ "Tab", "panel", "Tab, Shift-Tab, 1-8", "the next / previous panel" },
	{ "r", "read", "r", "read the journal again" },
	{ NULL, NULL, NULL, NULL }
};

static const struct con_key jentry_keys[] = {
	{ "j/k", "scroll", "Down/j, Up/k, PgDn, PgUp", "scroll" },
	{ "u", "rollback", "u", "roll this change back (asks first)" },
	{ "Esc", "back", "Esc, Backspace, Left/h", "back to the journal" },
	{ NULL, NULL, NULL, NULL }
};

static const struct con_key rollback_keys[] = {
	{ "y", "yes, roll back", "y", "restore the files this entry changed "
	    "and reload" },
	{ "n", "no", "n, Esc, any other key", "leave it" },
	{ NULL, NULL, NULL, NULL }
};

/* ---- the tab line --------------------------------------------------- */

/* con_panel_of - the panel a screen belongs to, or -1 */
int
con_panel_of(const struct con *c)
{
	if (c->view == &con_view_overview)
		return (c->panel <= CON_P_SASL ? c->panel : CON_P_ALL);
	if (c->view == &con_view_queue || c->view == &con_view_qmsg)
		return (CON_P_QUEUE);
	if (c->view == &con_view_fixes)
		return (CON_P_FIXES);
	if (c->view == &con_view_journal || c->view == &con_view_jentry)
		return (CON_P_JOURNAL);
	if (c->view == &con_view_probe || c->view == &con_view_pclient)
		return (CON_P_PROBE);
	return (-1);
}

/* tab_label - panel p's label: "2 Relay 1" (count of its findings or
 * fixes), "5 Queue" */
static void
tab_label(const struct con *c, int p, char *label, size_t size)
{
	const struct mg_report *r = &c->app->report;
	size_t i, n = 0;

	if (p <= CON_P_SASL)
		for (i = 0; i < r->nfindings; i++)
			n += panel_area[p] == NULL || (r->findings[i].area !=
			    NULL && strcmp(r->findings[i].area,
			    panel_area[p]) == 0);
	else if (p == CON_P_FIXES)
		n = r->nfixes;
	if (p <= CON_P_SASL || p == CON_P_FIXES)
		(void)snprintf(label, size, "%d %s %zu", p + 1, panel_names[p],
		    n);
	else
		(void)snprintf(label, size, "%d %s", p + 1, panel_names[p]);
}

/* con_tabs_draw - "1 All 9  2 Relay 2 ..." with the panel shown marked;
 * one blank between tabs instead of two when the line is too narrow */
void
con_tabs_draw(struct con *c, int y)
{
	char label[48];
	int p, x = 0, cur = con_panel_of(c), width = 0, tight;

	for (p = 0; p < CON_NPANELS; p++) {
		tab_label(c, p, label, sizeof(label));
		width += (int)strlen(label) + 2;
	}
	tight = width > COLS;
	con_fill(c, y, 0, COLS, CS_NORMAL);
	for (p = 0; p < CON_NPANELS && x < COLS; p++) {
		tab_label(c, p, label, sizeof(label));
		/* brackets as well as reverse video: seen without colour */
		if (tight && (p > 0 || cur != 0))
			x += con_put(c, y, x, COLS - x, CS_DIM, " ");
		x += con_put(c, y, x, COLS - x, p == cur ? CS_SELECTED :
		    CS_DIM, p == cur ? "[" : tight ? "" : " ");
		x += con_put(c, y, x, COLS - x, p == cur ? CS_SELECTED :
		    CS_NORMAL, label);
		x += con_put(c, y, x, COLS - x, p == cur ? CS_SELECTED :
		    CS_DIM, p == cur ? "]" : tight ? "" : " ");
	}
}

/* con_panel_go - show panel p */
void
con_panel_go(struct con *c, int p)
{
	if (p < 0 || p >= CON_NPANELS)
		return;
	if (p <= CON_P_SASL) {
		c->panel = p;
		con_set_view(c, &con_view_overview);
		c->list_top = 0;
		c->sel = con_visible_first(c);
	} else if (p == CON_P_QUEUE)
		con_queue_open(c);
	else if (p == CON_P_FIXES) {
		con_set_view(c, &con_view_fixes);
	} else if (p == CON_P_JOURNAL) {
		con_set_view(c, &con_view_journal);
		con_journal_read(c);
	} else
		con_set_view(c, &con_view_probe);
}

/* con_panel_key - Tab, Shift-Tab and 1-8 on a panel; 1 if used */
int
con_panel_key(struct con *c, int ch)
{
	int cur = con_panel_of(c);

	if (cur < 0 || (c->view == &con_view_queue && c->qv.confirm) ||
	    c->jv.confirm)
		return (0);
	if (ch == '\t')
		con_panel_go(c, (cur + 1) % CON_NPANELS);
	else if (ch == KEY_BTAB)
		con_panel_go(c, (cur + CON_NPANELS - 1) % CON_NPANELS);
	else if (ch >= '1' && ch < '1' + CON_NPANELS)
		con_panel_go(c, ch - '1');
	else
		return (0);
	return (1);
}

/* ---- which findings a panel shows ----------------------------------- */

/* has_ci - needle in hay, ignoring case */
static int
has_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; hay != NULL && *hay != '\0'; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return (1);
	return (0);
}

/* con_finding_shown - finding i is in the panel and passes the filter */
int
con_finding_shown(const struct con *c, size_t i)
{
	const struct mg_finding *f = &c->app->report.findings[i];
	const char *area = c->panel <= CON_P_SASL ? panel_area[c->panel] :
	    NULL;

	if (area != NULL && (f->area == NULL || strcmp(f->area, area) != 0))
		return (0);
	if (c->filter[0] == '\0')
		return (1);
	return (has_ci(f->title, c->filter) || has_ci(f->area, c->filter) ||
	    has_ci(f->id, c->filter));
}

/* con_visible_first - the first finding shown, or 0 */
size_t
con_visible_first(const struct con *c)
{
	size_t i;

	for (i = 0; i < c->app->report.nfindings; i++)
		if (con_finding_shown(c, i))
			return (i);
	return (0);
}

/* ---- the / filter --------------------------------------------------- */

/* filter_done - the footer editor's text becomes the filter */
static void
filter_done(struct con *c)
{
	if (c->edit.len >= sizeof(c->filter))
		c->edit.len = sizeof(c->filter) - 1;
	memcpy(c->filter, c->edit.buf, c->edit.len);
	c->filter[c->edit.len] = '\0';
	c->sel = con_visible_first(c);
	c->list_top = 0;
	c->fsel = 0;
	con_note(c, c->filter[0] != '\0' ? "filtered: / again changes it, "
	    "an empty filter shows everything" : "filter cleared");
}

/* con_filter_begin - / : edit the filter in the footer */
void
con_filter_begin(struct con *c)
{
	memset(&c->edit, 0, sizeof(c->edit));
	c->edit.len = strlen(c->filter);
	memcpy(c->edit.buf, c->filter, c->edit.len);
	c->edit.cur = c->edit.len;
	(void)snprintf(c->edit.label, sizeof(c->edit.label), "filter: ");
	c->edit.done = filter_done;
	c->edit.active = 1;
}

/* ---- the Fixes panel ------------------------------------------------ */

/* fix_shown - fix i passes the filter */
static int
fix_shown(const struct con *c, size_t i)
{
	const struct mg_fix *x = &c->app->report.fixes[i];

	return (c->filter[0] == '\0' || has_ci(x->id, c->filter) ||
	    has_ci(x->title, c->filter));
}

/* marked - the fix with this id is marked for the export */
static int
marked(const struct con *c, const char *id)
{
	size_t i;

	for (i = 0; i < c->nmarked; i++)
		if (strcmp(c->marked[i], id) == 0)
			return (1);
	return (0);
}

/* toggle_mark - mark or unmark a fix */
static void
toggle_mark(struct con *c, const char *id)
{
	size_t i;

	for (i = 0; i < c->nmarked; i++)
		if (strcmp(c->marked[i], id) == 0) {
			free(c->marked[i]);
			c->marked[i] = c->marked[--c->nmarked];
			return;
		}
	*MG_ARRAY_PUSH(c->marked, c->nmarked, c->marked_cap) =
	    mg_xstrdup(id);
}

/* con_marks_free - forget the marks */
void
con_marks_free(struct con *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nmarked; i++)
		free(c->marked[i]);
	free(c->marked);
	c->marked = NULL;
	c->nmarked = c->marked_cap = 0;
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
	if (c->fsel >= n)
		c->fsel = n - 1;
	if (c->ftop > c->fsel)
		c->ftop = c->fsel;
	if (c->fsel >= c->ftop + (size_t)rows)
		c->ftop = c->fsel - (size_t)rows + 1;
	for (i = 0; i < (size_t)rows && c->ftop + i < n; i++) {
		k = c->ftop + i;
		st = k == c->fsel ? CS_SELECTED : CS_NORMAL;
		if (k == c->fsel)
			con_fill(c, y + 2 + (int)i, 0, COLS, CS_SELECTED);
		mg_str_reset(&s);
		mg_str_printf(&s, "%s[%c] %-35s ", k == c->fsel ? ">" : " ",
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
		if (c->nmarked == 0 || marked(c, r->fixes[i].id))
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
	    c->nmarked > 0 ? "marked fixes" : "all fixes");
	c->edit.done = export_done;
	c->edit.active = 1;
}

/* fixes_key - move, mark, export, open the finding */
static int
fixes_key(struct con *c, int ch)
{
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
	if (n > 0 && c->fsel < n && (ch == ' ' || ch == '\n' || ch == '\r' ||
	    ch == KEY_ENTER)) {
		id = r->fixes[idx[c->fsel]].id;
		if (ch == ' ') {
			toggle_mark(c, id);
			if (c->fsel + 1 < n)
				c->fsel++;
			free(idx);
			return (1);
		}
		for (i = 0; i < r->nfindings; i++)
			for (k = 0; k < r->findings[i].nfix_ids; k++)
				if (strcmp(r->findings[i].fix_ids[k], id) ==
				    0) {
					free(idx);
					c->panel = CON_P_ALL;
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
	return (con_nav(ch, &c->fsel, n, (size_t)c->list_rows));
}

const struct con_view con_view_fixes = {
	.name = "Fixes",
	.keys = fixes_keys,
	.draw = fixes_draw,
	.key = fixes_key,
};

/* ---- the Journal panel ---------------------------------------------- */

/* con_journal_read - the journal's entries, newest first */
void
con_journal_read(struct con *c)
{
	struct con_journal *v = &c->jv;
	struct mg_journal j;
	struct mg_err err;

	mg_jentries_free(v->e, v->n);
	v->e = NULL;
	v->n = 0;
	v->err[0] = '\0';
	if (!c->app->detected) {
		(void)snprintf(v->err, sizeof(v->err), "no MTA found");
		return;
	}
	if (mg_journal_open(&j, c->app->target.state_dir, 0, &err) < 0 ||
	    mg_journal_entries(&j, 0, 0, &v->e, &v->n, &err) < 0) {
		(void)snprintf(v->err, sizeof(v->err), "%s", err.msg);
		if (j.db != NULL)
			mg_journal_close(&j);
		return;
	}
	mg_journal_close(&j);
	if (v->sel >= v->n)
		v->sel = v->n > 0 ? v->n - 1 : 0;
}

/* con_journal_free - the entries held */
void
con_journal_free(struct con *c)
{
	if (c == NULL)
		return;
	mg_jentries_free(c->jv.e, c->jv.n);
	memset(&c->jv, 0, sizeof(c->jv));
}

/* entry_at - the k-th entry shown: newest first */
static const struct mg_jentry *
entry_at(const struct con *c, size_t k)
{
	return (k < c->jv.n ? &c->jv.e[c->jv.n - 1 - k] : NULL);
}

/* rollback_draw - the question, on the footer's line above */
static void
rollback_draw(struct con *c)
{
	const struct mg_jentry *e = entry_at(c, c->jv.sel);
	char q[160];

	if (e != NULL && e->id == c->jv.confirm && mg_queue_restorable(e))
		(void)snprintf(q, sizeof(q), " Roll back journal entry %ld: "
		    "put its mail back in the queue? y: yes  n: no",
		    c->jv.confirm);
	else
		(void)snprintf(q, sizeof(q), " Roll back journal entry %ld: "
		    "restore the files it changed and reload? y: yes  n: no",
		    c->jv.confirm);
	con_fill(c, LINES - 2, 0, COLS, CS_SELECTED);
	(void)con_put(c, LINES - 2, 0, COLS, CS_SELECTED, q);
}

/* journal_draw - "ID  TIME  ACTION  STATE  SUMMARY" */
static void
journal_draw(struct con *c, int y, int rows)
{
	struct con_journal *v = &c->jv;
	const struct mg_jentry *e;
	struct mg_str s = MG_STR_INIT;
	char when[32];
	struct tm tm;
	size_t i, k;
	enum con_style st;

	con_tabs_draw(c, y);
	con_fill(c, y + 1, 0, COLS, CS_COLUMNS);
	(void)con_put(c, y + 1, 0, COLS, CS_COLUMNS,
	    "    ID  TIME            ACTION    STATE        SUMMARY");
	rows -= 2;
	c->list_rows = rows;
	if (v->err[0] != '\0' || v->n == 0) {
		mg_str_puts(&s, v->err[0] != '\0' ? "The journal cannot be "
		    "read: " : "Nothing applied or purged yet.");
		mg_sanitize(&s, v->err, strlen(v->err));
		(void)con_put(c, y + 3, 2, COLS - 2, v->err[0] != '\0' ?
		    CS_ERROR : CS_NORMAL, mg_str_cstr(&s));
		mg_str_free(&s);
		return;
	}
	if (v->sel >= v->n)
		v->sel = v->n - 1;
	if (v->top > v->sel)
		v->top = v->sel;
	if (v->sel >= v->top + (size_t)rows)
		v->top = v->sel - (size_t)rows + 1;
	for (i = 0; i < (size_t)rows && v->top + i < v->n; i++) {
		k = v->top + i;
		e = entry_at(c, k);
		st = k == v->sel ? CS_SELECTED : CS_NORMAL;
		if (k == v->sel)
			con_fill(c, y + 2 + (int)i, 0, COLS, CS_SELECTED);
		when[0] = '\0';
		if (localtime_r(&e->time, &tm) != NULL)
			(void)strftime(when, sizeof(when), "%m-%d %H:%M:%S",
			    &tm);
		mg_str_reset(&s);
		mg_str_printf(&s, "%s%5ld  %-14s  ", k == v->sel ? ">" : " ",
		    e->id, when);
		mg_sanitize(&s, e->action, strlen(e->action));
		while (s.len < 34)
			mg_str_putc(&s, ' ');
		mg_sanitize(&s, e->state, strlen(e->state));
		while (s.len < 47)
			mg_str_putc(&s, ' ');
		mg_sanitize(&s, e->summary != NULL ? e->summary : "",
		    e->summary != NULL ? strlen(e->summary) : 0);
		(void)con_put(c, y + 2 + (int)i, 0, COLS, st,
		    mg_str_cstr(&s));
	}
	mg_str_free(&s);
	if (v->confirm)
		rollback_draw(c);
}

/* rollback_child - "rollback N --yes" in the child; its exit status */
static int
rollback_child(struct con *c, void *arg, FILE *out)
{
	char num[32], a0[] = "rollback", a2[] = "--yes";
	char *argv[4];
	int rc;

	(void)out;
	(void)snprintf(num, sizeof(num), "%ld", *(long *)arg);
	argv[0] = a0;
	argv[1] = num;
	argv[2] = a2;
	argv[3] = NULL;
	optind = 0;
	rc = mg_cmd_rollback(c->app, 3, argv);
	/* stdout is the pipe here; the child leaves with _exit */
	(void)fflush(stdout);
	(void)fflush(stderr);
	return (rc);
}

/* ask_rollback - u: a change with files can be rolled back */
static void
ask_rollback(struct con *c, const struct mg_jentry *e)
{
	char note[200];

	if (e == NULL)
		return;
	if (geteuid() != 0) {
		con_note(c, "read-only: rolling back needs root (sudo)");
		return;
	}
	if (con_job_running(c)) {
		con_note(c, "another action is still running");
		return;
	}
	/* a purge or hold: the CLI's rollback puts the mail back */
	if (e->nfiles == 0 && !mg_queue_restorable(e)) {
		(void)snprintf(note, sizeof(note), "journal entry %ld changed "
		    "no file: nothing to roll back", e->id);
		con_note(c, note);
		return;
	}
	if (strcmp(e->state, "rolled-back") == 0 ||
	    strcmp(e->state, "restored") == 0) {
		con_note(c, "this entry is already rolled back");
		return;
	}
	c->jv.confirm = e->id;
}

/* confirm_key - y rolls back, anything else does not; 1 if asked */
static int
confirm_key(struct con *c, int ch)
{
	char what[64];

	if (!c->jv.confirm)
		return (0);
	if (ch == 'y' || ch == 'Y') {
		c->jv.rollback = c->jv.confirm;
		(void)snprintf(what, sizeof(what), "rollback %ld",
		    c->jv.rollback);
		if (con_job_start(c, CON_JOB_FIX, what, rollback_child,
		    &c->jv.rollback) == 0) {
			con_set_view(c, &con_view_apply);
			c->apply_follow = 1;
		}
	} else
		con_note(c, "not rolled back");
	c->jv.confirm = 0;
	return (1);
}

/* journal_key - move, open, roll back */
static int
journal_key(struct con *c, int ch)
{
	struct con_journal *v = &c->jv;

	if (confirm_key(c, ch))
		return (1);
	if (ch == 'r') {
		con_journal_read(c);
		return (1);
	}
	if (ch == 'u') {
		ask_rollback(c, entry_at(c, v->sel));
		return (1);
	}
	if (con_is_open(ch) && v->sel < v->n) {
		con_set_view(c, &con_view_jentry);
		return (1);
	}
	return (con_nav(ch, &v->sel, v->n, (size_t)c->list_rows));
}

/* journal_keys_now - the question's keys while it is asked */
static const struct con_key *
journal_keys_now(const struct con *c)
{
	return (c->jv.confirm ? rollback_keys : journal_keys);
}

const struct con_view con_view_journal = {
	.name = "Journal",
	.keys = journal_keys,
	.draw = journal_draw,
	.key = journal_key,
	.keys_now = journal_keys_now,
};

/* section - a heading and sanitized text, when there is text */
static void
section(struct con_page *p, const char *title, const char *text, int diff)
{
	const char *line, *nl;
	struct mg_str s = MG_STR_INIT;
	enum con_style st;

	if (text == NULL || *text == '\0')
		return;
	con_page_add(p, CS_NORMAL, "");
	con_page_add(p, CS_COLUMNS, title);
	for (line = text; *line != '\0'; line = nl + (*nl != '\0')) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			nl = line + strlen(line);
		st = CS_NORMAL;
		if (diff && strncmp(line, "@@", 2) == 0)
			st = CS_DIFF_HUNK;
		else if (diff && *line == '+' && strncmp(line, "+++", 3) != 0)
			st = CS_DIFF_ADD;
		else if (diff && *line == '-' && strncmp(line, "---", 3) != 0)
			st = CS_DIFF_DEL;
		mg_str_reset(&s);
		mg_sanitize(&s, line, (size_t)(nl - line));
		con_page_chop(p, st, mg_str_cstr(&s), 2, 4);
	}
	mg_str_free(&s);
}

/* jentry_build - one entry: what, files, diff, proof, result, IDs */
static void
jentry_build(struct con *c)
{
	const struct mg_jentry *e = entry_at(c, c->jv.sel);
	struct con_page *p = &c->page;
	struct mg_str s = MG_STR_INIT;
	struct mg_journal j;
	struct mg_err err;
	char **ids = NULL;
	size_t nids = 0, i;

	if (e == NULL)
		return;
	mg_str_printf(&s, "Journal entry %ld: %s [%s]", e->id, e->action,
	    e->state);
	con_page_untrusted(p, CS_BOLD, mg_str_cstr(&s), 0, 2);
	con_page_untrusted(p, CS_NORMAL, e->summary, 0, 2);
	if (mg_journal_open(&j, c->app->target.state_dir, 0, &err) == 0) {
		if (mg_journal_queue_ids(&j, e->id, &ids, &nids, &err) < 0)
			nids = 0;
		mg_journal_close(&j);
	}
	if (nids > 0) {
		mg_str_reset(&s);
		for (i = 0; i < nids; i++) {
			mg_str_printf(&s, "%s%s", i == 0 ? "" : i % 6 == 0 ?
			    "\n" : " ", ids[i]);
			free(ids[i]);
		}
		free(ids);
		con_page_add(p, CS_NORMAL, "");
		con_page_add(p, CS_COLUMNS, "Queue IDs");
		con_page_untrusted(p, CS_NORMAL, mg_str_cstr(&s), 2, 2);
	}
	mg_str_reset(&s);
	for (i = 0; i < e->nfiles; i++) {
		mg_str_printf(&s, "%s%s", i > 0 ? "\n" : "", e->files[i].path);
	}
	section(p, "Files changed", mg_str_cstr(&s), 0);
	section(p, "Diff", e->diff, 1);
	section(p, "Validation", e->validation, 0);
	section(p, "Proof", e->proof, 0);
	section(p, "Result", e->result, 0);
	mg_str_free(&s);
}

/* jentry_key - scroll, roll back, back to the list */
static int
jentry_key(struct con *c, int ch)
{
	if (confirm_key(c, ch))
		return (1);
	if (ch == 'u') {
		ask_rollback(c, entry_at(c, c->jv.sel));
		return (1);
	}
	if (con_is_back(ch)) {
		con_set_view(c, &con_view_journal);
		return (1);
	}
	return (con_page_key(c, ch));
}

/* jentry_keys_now - the question's keys while it is asked */
static const struct con_key *
jentry_keys_now(const struct con *c)
{
	return (c->jv.confirm ? rollback_keys : jentry_keys);
}

/* jentry_draw - the pager, the question over its last row */
static void
jentry_draw(struct con *c, int y, int rows)
{
	con_page_draw(c, y, rows);
	if (c->jv.confirm)
		rollback_draw(c);
}

const struct con_view con_view_jentry = {
	.name = "Journal entry",
	.keys = jentry_keys,
	.build = jentry_build,
	.draw = jentry_draw,
	.key = jentry_key,
	.keys_now = jentry_keys_now,
};

/* ---- ignored findings (remembered in the journal database) ---------- */

/* con_ignored_free - forget the ignored set */
void
con_ignored_free(struct con *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nignored; i++)
		free(c->ignored[i]);
	free(c->ignored);
	c->ignored = NULL;
	c->nignored = 0;
}

/* con_ignored_read - the ignored set from the state directory; none when
 * there is no journal yet (reading never creates one) or it cannot be
 * read */
void
con_ignored_read(struct con *c)
{
	struct mg_journal j;
	struct mg_err err;
	char path[4200];

	con_ignored_free(c);
	if (!c->app->detected || c->app->target.state_dir == NULL)
		return;
	(void)snprintf(path, sizeof(path), "%s/journal.db",
	    c->app->target.state_dir);
	if (access(path, R_OK | W_OK) < 0)
		return;
	if (mg_journal_open(&j, c->app->target.state_dir, 0, &err) < 0)
		return;
	if (mg_journal_ignored(&j, &c->ignored, &c->nignored, &err) < 0)
		c->nignored = 0;
	mg_journal_close(&j);
}

/* con_is_ignored - the operator chose to ignore this finding */
int
con_is_ignored(const struct con *c, const char *id)
{
	size_t i;

	for (i = 0; id != NULL && i < c->nignored; i++)
		if (strcmp(c->ignored[i], id) == 0)
			return (1);
	return (0);
}

/* con_ignore_toggle - ignore the finding (or stop ignoring it), kept in
 * the state database; 1 if it is ignored now */
int
con_ignore_toggle(struct con *c, const char *id)
{
	struct mg_journal j;
	struct mg_err err;
	char note[200];
	int on = !con_is_ignored(c, id);

	if (geteuid() != 0) {
		con_note(c, "read-only: remembering an ignored finding needs "
		    "root (the state directory is root's)");
		return (!on);
	}
	if (mg_journal_open(&j, c->app->target.state_dir, 0, &err) < 0 ||
	    mg_journal_ignore(&j, id, on, &err) < 0) {
		(void)snprintf(note, sizeof(note), "not remembered: %.150s",
		    err.msg);
		con_note(c, note);
		if (j.db != NULL)
			mg_journal_close(&j);
		return (!on);
	}
	mg_journal_close(&j);
	con_ignored_read(c);
	con_note(c, on ? "ignored (remembered; I again stops ignoring it)" :
	    "no longer ignored");
	return (on);
}
