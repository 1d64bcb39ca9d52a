/*
 * panel_findings.c - the findings panels (All, Relay, Aliases, SASL: one
 * finding area each): the overview, a finding's detail with its fixes as
 * a diff, the MTA's warnings, the "could not read the configuration"
 * screen, the / filter, the findings the operator ignores, and guided
 * hardening (a walk over the findings' detail screens).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../checks/checks.h"
#include "../core/mg_sanitize.h"
#include "../engine/fix_preview.h"
#include "../engine/mg_journal.h"
#include "console_int.h"

/* Overview columns: marker, severity tag, area, title. */
#define COL_TAG 2
#define COL_AREA 8
#define AREA_COLS 9
#define COL_TITLE (COL_AREA + AREA_COLS + 1)

static const struct con_key overview_keys[] = {
	{ "j/k", "move", "Down/j, Up/k", "next / previous finding" },
	{ NULL, NULL, "PgDn/Space, PgUp", "a page down / up" },
	{ NULL, NULL, "Home/g, End/G", "first / last finding" },
	{ "Enter", "open", "Enter, Right/l",
	    "open the finding: why, evidence, proposed fix" },
	{ "H", "harden", "H, F2", "guided hardening: each finding with a "
	    "fix, worst first: read it, apply, edit the value or skip" },
	{ NULL, NULL, "I", "ignore the finding (remembered in the state "
	    "database; I again stops ignoring it)" },
	{ "w", "warnings", "w", "warnings from the MTA's tools, unread files" },
	{ "/", "filter", "/", "show only findings whose title, area or id "
	    "has this text" },
	{ "Tab", "panel", "Tab, Shift-Tab, 1-9, 0", "the panels: All, Relay, "
	    "Aliases, SASL, TLS, Server, Queue, Fixes, Journal, Probe" },
	{ "r", "reload", "r", "read the configuration again, rerun checks" },
	{ NULL, NULL, NULL, NULL }
};

/* With no findings there is nothing to move over or open. */
static const struct con_key overview_empty_keys[] = {
	{ "w", "warnings", "w", "warnings from the MTA's tools, unread files" },
	{ "r", "reload", "r", "read the configuration again, rerun checks" },
	{ NULL, NULL, NULL, NULL }
};

static const struct con_key pager_keys[] = {
	{ "j/k", "scroll", "Down/j, Up/k", "scroll a line" },
	{ "PgDn/PgUp", "page", "PgDn/Space, PgUp", "scroll a page" },
	{ NULL, NULL, "Home/g, End/G", "top / bottom" },
	{ "Esc", "back", "Esc, Backspace, Left/h", "back to the findings" },
	{ "r", "reload", "r", "read the configuration again, rerun checks" },
	{ NULL, NULL, NULL, NULL }
};

static const struct con_key detail_keys[] = {
	{ "a", "apply", "a", "apply the proposed fix: validated and proven "
	    "on a private copy first, backed up, reloaded, re-checked" },
	{ "e", "edit", "e", "edit the proposed value before applying (Enter "
	    "keeps it, Esc drops the edit)" },
	{ NULL, NULL, "I", "ignore the finding, or stop ignoring it "
	    "(remembered in the state database)" },
	{ "j/k", "scroll", "Down/j, Up/k", "scroll a line" },
	{ NULL, NULL, "PgDn/Space, PgUp", "scroll a page" },
	{ NULL, NULL, "Home/g, End/G", "top / bottom" },
	{ "Esc", "back", "Esc, Backspace, Left/h", "back to the findings" },
	{ "r", "reload", "r", "read the configuration again, rerun checks" },
	{ NULL, NULL, NULL, NULL }
};

static const struct con_key guided_keys[] = {
	{ "a", "apply", "a", "apply the proposed fix: validated and proven "
	    "on a private copy first, backed up, reloaded, re-checked" },
	{ "e", "edit", "e", "edit the proposed value before applying (Enter "
	    "keeps it, Esc drops the edit)" },
	{ "s", "skip", "s, n", "leave this finding as it is, show the next" },
	{ "I", "ignore", "I", "ignore it from now on (remembered in the state "
	    "database), show the next" },
	{ "j/k", "scroll", "Down/j, Up/k, PgDn, PgUp", "scroll" },
	{ "Esc", "stop", "Esc", "stop guided hardening, back to the findings" },
	{ NULL, NULL, NULL, NULL }
};

static const struct con_key error_keys[] = {
	{ "r", "retry", "r", "try to read the configuration again" },
	{ NULL, NULL, "Down/j, Up/k", "scroll, when the text is longer" },
	{ NULL, NULL, NULL, NULL }
};

/* nnotes - warnings from the MTA's tools plus things not read */
static size_t
nnotes(const struct mg_session *a)
{
	return (a->model.nwarnings + a->report.nunread);
}

/* put_untrusted - model text, sanitized, clipped at y,x */
static int
put_untrusted(const struct con *c, int y, int x, int max, enum con_style st,
    const char *text)
{
	char *s = mg_sanitize_dup(text);
	int used;

	used = con_put(c, y, x, max, st, s);
	free(s);
	return (used);
}

/*
 * overview_empty - no findings: say so plainly, and which checks ran, so
 * "nothing found" is not read as "nothing wrong anywhere".
 */
static void
overview_empty(struct con *c, int y, int rows)
{
	enum mg_mta mta = c->app->model.mta;
	const struct mg_check *k;
	struct mg_str s = MG_STR_INIT;
	size_t i, nall, nran = 0, shown = 0;
	int row = y + 1, end = y + rows;

	for (nall = 0; (k = mg_check_at(nall)) != NULL; nall++)
		nran += mg_check_applies(k, mta);
	if (nnotes(c->app) > 0)
		end--;		/* the notes line */
	if (row < end)
		(void)con_put(c, row++, 2, COLS - 2, CS_BOLD,
		    "No findings: nothing this version checks is wrong.");
	row++;
	if (nran == nall)
		mg_str_printf(&s, "Checks that ran (all %zu in this version):",
		    nall);
	else
		mg_str_printf(&s, "Checks that ran (%zu of the %zu in this "
		    "version; the others are for another MTA):", nran, nall);
	if (row < end)
		(void)con_put(c, row++, 2, COLS - 2, CS_NORMAL,
		    mg_str_cstr(&s));
	for (i = 0; (k = mg_check_at(i)) != NULL; i++) {
		if (!mg_check_applies(k, mta))
			continue;
		/* Keep rows for "and N more", a blank and the last line. */
		if (row >= end - 3 && nran - shown > 1)
			break;
		if (row < end) {
			mg_str_reset(&s);
			mg_str_printf(&s, "%-24s %s", k->id, k->area);
			(void)con_put(c, row++, 4, COLS - 4, CS_NORMAL,
			    mg_str_cstr(&s));
		}
		shown++;
	}
	if (shown < nran && row < end) {
		mg_str_reset(&s);
		mg_str_printf(&s, "%s and %zu more", c->ellipsis, nran - shown);
		(void)con_put(c, row++, 4, COLS - 4, CS_NORMAL,
		    mg_str_cstr(&s));
	}
	if (++row < end)
		(void)con_put(c, row, 2, COLS - 2, CS_DIM,
		    "This is not a full audit: anything not listed was not "
		    "looked at.");
	mg_str_free(&s);
}

/* overview_row - one finding on one line */
static void
overview_row(struct con *c, int y, const struct mg_finding *f, int selected)
{
	enum con_style st = selected ? CS_SELECTED : CS_NORMAL;
	int ign = con_is_ignored(c, f->id), x;

	if (ign && !selected)
		st = CS_DIM;
	if (selected) {
		con_fill(c, y, 0, COLS, CS_SELECTED);
		(void)con_put(c, y, 0, 1, CS_SELECTED, ">");
	}
	(void)con_put(c, y, COL_TAG, COL_AREA - COL_TAG - 1, ign ? st :
	    con_sev_style((int)f->severity), con_sev_tag((int)f->severity));
	(void)put_untrusted(c, y, COL_AREA, AREA_COLS - 1, st,
	    f->area != NULL ? f->area : "");
	x = ign ? con_put(c, y, COL_TITLE, COLS - COL_TITLE, st,
	    "(ignored) ") : 0;
	(void)put_untrusted(c, y, COL_TITLE + x, COLS - COL_TITLE - x, st,
	    f->title != NULL ? f->title : "");
}

/* notes_summary - "! 2 warnings from the MTA's tools, 1 not read: press w" */
static void
notes_summary(const struct mg_session *a, struct mg_str *s)
{
	size_t w = a->model.nwarnings, u = a->report.nunread;

	mg_str_puts(s, "! ");
	if (w > 0)
		mg_str_printf(s, "%zu warning%s from the MTA's tools", w,
		    w == 1 ? "" : "s");
	if (u > 0)
		mg_str_printf(s, "%s%zu thing%s not read", w > 0 ? ", " : "",
		    u, u == 1 ? "" : "s");
	mg_str_puts(s, ": press w");
}

/* visible - the findings the panel and filter show, into *idx (caller
 * frees); their number, and where c->sel is among them in *pos */
static size_t
visible(const struct con *c, size_t **idx, size_t *pos)
{
	size_t i, n = 0;

	*idx = mg_xcalloc(c->app->report.nfindings + 1, sizeof(**idx));
	*pos = 0;
	for (i = 0; i < c->app->report.nfindings; i++)
		if (con_finding_shown(c, i)) {
			if (i == c->sel)
				*pos = n;
			(*idx)[n++] = i;
		}
	return (n);
}

/* overview_draw - the tabs, then findings worst first (the report is
 * sorted), one a line, as the panel and the / filter select them */
static void
overview_draw(struct con *c, int y, int rows)
{
	const struct mg_report *r = &c->app->report;
	struct mg_str s = MG_STR_INIT;
	size_t i, n, pos, *idx;
	int list_rows;

	con_tabs_draw(c, y);
	y++;
	rows--;
	list_rows = rows - 1 - (nnotes(c->app) > 0) - (c->filter[0] != '\0');
	if (list_rows < 1)
		list_rows = 1;
	c->list_rows = list_rows;
	if (nnotes(c->app) > 0 && rows > 2) {
		notes_summary(c->app, &s);
		(void)con_put(c, y + rows - 1, 0, COLS, CS_BOLD,
		    mg_str_cstr(&s));
		mg_str_reset(&s);
	}
	if (c->filter[0] != '\0' && rows > 3) {
		mg_str_puts(&s, "filter: ");
		mg_sanitize(&s, c->filter, strlen(c->filter));
		mg_str_puts(&s, "  (/ changes it; an empty one shows all)");
		(void)con_put(c, y + rows - 1 - (nnotes(c->app) > 0), 0, COLS,
		    CS_DIM, mg_str_cstr(&s));
	}
	mg_str_free(&s);
	if (r->nfindings == 0) {
		overview_empty(c, y, rows);
		return;
	}
	n = visible(c, &idx, &pos);
	con_fill(c, y, 0, COLS, CS_COLUMNS);
	(void)con_put(c, y, COL_TAG, COLS - COL_TAG, CS_COLUMNS, "SEV");
	(void)con_put(c, y, COL_AREA, COLS - COL_AREA, CS_COLUMNS, "AREA");
	(void)con_put(c, y, COL_TITLE, COLS - COL_TITLE, CS_COLUMNS, "FINDING");
	if (n == 0) {
		(void)con_put(c, y + 2, 2, COLS - 2, CS_NORMAL,
		    c->filter[0] != '\0' ? "No finding matches the filter." :
		    "No finding in this area.");
		free(idx);
		return;
	}
	c->sel = idx[pos];
	if (c->list_top > pos)
		c->list_top = pos;
	if (pos >= c->list_top + (size_t)list_rows)
		c->list_top = pos - (size_t)list_rows + 1;
	for (i = 0; i < (size_t)list_rows && c->list_top + i < n; i++)
		overview_row(c, y + 1 + (int)i,
		    &r->findings[idx[c->list_top + i]],
		    c->list_top + i == pos);
	free(idx);
}

/* overview_keys_now - moving and opening need a finding */
static const struct con_key *
overview_keys_now(const struct con *c)
{
	return (c->app->report.nfindings == 0 ? overview_empty_keys :
	    overview_keys);
}

/* overview_key - move, open, warnings, filter */
static int
overview_key(struct con *c, int ch)
{
	size_t n, pos, *idx;
	int used;

	if (ch == '/') {
		con_filter_begin(c);
		return (1);
	}
	if (ch == 'w') {
		con_set_view(c, &con_view_notes);
		return (1);
	}
	if (ch == 'H' || ch == KEY_F(2)) {
		con_guided_start(c);
		return (1);
	}
	n = visible(c, &idx, &pos);
	if (ch == 'I') {
		if (n > 0)
			(void)con_ignore_toggle(c,
			    c->app->report.findings[idx[pos]].id);
		free(idx);
		return (1);
	}
	if (con_is_open(ch)) {
		if (n > 0) {
			c->finding = c->sel = idx[pos];
			free(c->finding_id);
			c->finding_id = mg_xstrdup(
			    c->app->report.findings[c->sel].id);
			con_set_view(c, &con_view_detail);
		}
		free(idx);
		return (1);
	}
	used = con_nav(ch, &pos, n, (size_t)c->list_rows);
	if (n > 0)
		c->sel = idx[pos];
	free(idx);
	return (used);
}

const struct con_view con_view_overview = {
	.name = "Findings",
	.keys = overview_keys,
	.draw = overview_draw,
	.key = overview_key,
	.keys_now = overview_keys_now,
};

/* detail_fix - a fix's title and its preview, coloured as a diff */
static void
detail_fix(struct con *c, const char *id)
{
	struct con_page *p = &c->page;
	const struct mg_fix *x = mg_report_find_fix(&c->app->report, id);
	struct mg_str prev = MG_STR_INIT, s = MG_STR_INIT;
	const char *line, *nl;
	enum con_style st;

	mg_str_puts(&s, "Fix: ");
	mg_sanitize(&s, x != NULL && x->title != NULL ? x->title : id,
	    strlen(x != NULL && x->title != NULL ? x->title : id));
	con_page_wrap(p, CS_BOLD, mg_str_cstr(&s), 0, 5);
	mg_str_reset(&s);
	mg_str_puts(&s, "id ");
	mg_sanitize(&s, id, strlen(id));
	if (x == NULL)
		mg_str_puts(&s, " (not in the report: nothing to preview)");
	con_page_chop(p, CS_DIM, mg_str_cstr(&s), 2, 2);
	if (x != NULL) {
		mg_fix_preview(x, &prev);
		/* The preview is raw config text: sanitize each line. */
		for (line = mg_str_cstr(&prev); *line != '\0';
		    line = nl + (*nl != '\0')) {
			nl = strchr(line, '\n');
			if (nl == NULL)
				nl = line + strlen(line);
			if (strncmp(line, "@@", 2) == 0)
				st = CS_DIFF_HUNK;
			else if (*line == '-')
				st = CS_DIFF_DEL;
			else if (*line == '+')
				st = CS_DIFF_ADD;
			else if (*line == '$')
				st = CS_DIFF_CMD;
			else
				st = CS_NORMAL;
			mg_str_reset(&s);
			mg_sanitize(&s, line, (size_t)(nl - line));
			con_page_chop(p, st, mg_str_cstr(&s), 2, 3);
		}
	}
	mg_str_free(&prev);
	mg_str_free(&s);
}

/* detail_build - title, severity, area, id, why, evidence, fixes */
static void
detail_build(struct con *c)
{
	struct con_page *p = &c->page;
	const struct mg_report *r = &c->app->report;
	const struct mg_finding *f;
	const struct mg_evidence *e;
	struct mg_str s = MG_STR_INIT;
	char sev[16];
	size_t i;

	if (c->finding >= r->nfindings) {
		con_page_add(p, CS_BOLD, "This finding is no longer reported.");
		return;
	}
	f = &r->findings[c->finding];
	if (c->guided) {
		size_t done, all;

		con_guided_count(c, &done, &all);
		mg_str_printf(&s, "Guided hardening: finding %zu of %zu with a "
		    "fix. a applies it, e edits the value, s skips, I ignores "
		    "it, Esc stops.", done + 1, all);
		con_page_wrap(p, CS_BAR, mg_str_cstr(&s), 0, 0);
		con_page_add(p, CS_NORMAL, "");
		mg_str_reset(&s);
	}
	(void)snprintf(sev, sizeof(sev), "%s", mg_severity_name(f->severity));
	for (i = 0; sev[i] != '\0'; i++)
		sev[i] = (char)toupper((unsigned char)sev[i]);
	mg_str_puts(&s, "  area ");
	mg_sanitize(&s, f->area != NULL ? f->area : "",
	    f->area != NULL ? strlen(f->area) : 0);
	mg_str_puts(&s, "  id ");
	mg_sanitize(&s, f->id != NULL ? f->id : "",
	    f->id != NULL ? strlen(f->id) : 0);
	con_page_add_lead(p, con_sev_style((int)f->severity), sev, CS_DIM,
	    mg_str_cstr(&s));
	con_page_untrusted(p, CS_BOLD, f->title, 0, 0);
	if (con_is_ignored(c, f->id))
		con_page_wrap(p, CS_DIM, "(ignored: not counted in the header, "
		    "skipped by guided hardening; I stops ignoring it)", 0, 0);
	con_page_add(p, CS_NORMAL, "");
	if (f->explanation != NULL && f->explanation[0] != '\0') {
		con_page_untrusted(p, CS_NORMAL, f->explanation, 2, 2);
		con_page_add(p, CS_NORMAL, "");
	}
	if (f->nevidence > 0)
		con_page_add(p, CS_BOLD, "Evidence");
	for (i = 0; i < f->nevidence; i++) {
		e = &f->evidence[i];
		mg_str_reset(&s);
		if (e->file != NULL) {
			mg_sanitize(&s, e->file, strlen(e->file));
			if (e->line > 0)
				mg_str_printf(&s, ":%u", e->line);
			mg_str_puts(&s, ": ");
		}
		mg_sanitize(&s, e->text != NULL ? e->text : "",
		    e->text != NULL ? strlen(e->text) : 0);
		con_page_wrap(p, CS_NORMAL, mg_str_cstr(&s), 2, 4);
	}
	if (f->nevidence > 0)
		con_page_add(p, CS_NORMAL, "");
	if (f->nfix_ids == 0)
		con_page_add(p, CS_DIM, "No fix is proposed for this finding.");
	for (i = 0; i < f->nfix_ids; i++) {
		if (i > 0)
			con_page_add(p, CS_NORMAL, "");
		detail_fix(c, f->fix_ids[i]);
	}
	mg_str_free(&s);
}

/* pager_key - leave a pager screen, or scroll it */
static int
pager_key(struct con *c, int ch)
{
	if (con_is_back(ch)) {
		con_set_view(c, &con_view_overview);
		return (1);
	}
	return (con_page_key(c, ch));
}

/* detail_key - apply, edit; in guided hardening skip and stop too */
static int
detail_key(struct con *c, int ch)
{
	switch (ch) {
	case 'a':
		if (c->guided && c->finding_id != NULL &&
		    c->finding < c->app->report.nfindings &&
		    c->app->report.findings[c->finding].nfix_ids > 0 &&
		    geteuid() == 0)
			con_guided_mark(c, c->finding_id);
		con_apply_finding(c);
		return (1);
	case 'e':
		con_edit_begin(c);
		return (1);
	case 's':
	case 'n':
		if (!c->guided)
			return (con_page_key(c, ch));
		con_guided_mark(c, c->finding_id);
		(void)con_guided_next(c);
		return (1);
	case 'I':
		if (c->finding_id == NULL)
			return (1);
		if (con_ignore_toggle(c, c->finding_id) && c->guided)
			(void)con_guided_next(c);
		c->page.width = 0;
		return (1);
	}
	if (c->guided && con_is_back(ch)) {
		con_guided_end(c);
		con_set_view(c, &con_view_overview);
		con_note(c, "guided hardening stopped");
		return (1);
	}
	return (pager_key(c, ch));
}

/* detail_keys_now - the guided walk has its own keys */
static const struct con_key *
detail_keys_now(const struct con *c)
{
	return (c->guided ? guided_keys : detail_keys);
}

const struct con_view con_view_detail = {
	.name = "Finding",
	.keys = detail_keys,
	.build = detail_build,
	.key = detail_key,
	.keys_now = detail_keys_now,
};

/* notes_build - what the MTA's tools warned about, what was not read */
static void
notes_build(struct con *c)
{
	const struct mg_session *a = c->app;
	struct con_page *p = &c->page;
	size_t i;

	if (nnotes(a) == 0) {
		con_page_wrap(p, CS_NORMAL, "Nothing to show: the MTA's tools "
		    "printed no warnings and everything was read.", 0, 0);
		return;
	}
	if (a->model.nwarnings > 0)
		con_page_add(p, CS_BOLD, "Warnings from the MTA's tools");
	for (i = 0; i < a->model.nwarnings; i++)
		con_page_untrusted(p, CS_NORMAL, a->model.warnings[i], 2, 4);
	if (a->model.nwarnings > 0 && a->report.nunread > 0)
		con_page_add(p, CS_NORMAL, "");
	if (a->report.nunread > 0)
		con_page_add(p, CS_BOLD, "Not read (checks saw less than "
		    "there is)");
	for (i = 0; i < a->report.nunread; i++)
		con_page_untrusted(p, CS_NORMAL, a->report.unread[i], 2, 4);
}

const struct con_view con_view_notes = {
	.name = "Warnings",
	.keys = pager_keys,
	.build = notes_build,
	.key = pager_key,
};

/* error_build - what could not be read, why, and how to point us at it */
static void
error_build(struct con *c)
{
	struct con_page *p = &c->page;
	const char *why = c->app->err.msg;

	con_page_wrap(p, CS_ERROR, "Could not read the mail server "
	    "configuration.", 0, 0);
	con_page_add(p, CS_NORMAL, "");
	con_page_untrusted(p, CS_BOLD, why[0] != '\0' ? why :
	    "(no reason was given)", 2, 4);
	con_page_add(p, CS_NORMAL, "");
	con_page_wrap(p, CS_NORMAL, "mailguard-tui reads the configuration of "
	    "the Postfix or Exim on this host through the MTA's own tools "
	    "(postconf, exim -bP). To point it at a configuration:", 0, 0);
	con_page_add(p, CS_NORMAL, "");
	con_page_chop(p, CS_BOLD, "sudo mailguard-tui --postfix DIR", 2, 4);
	con_page_wrap(p, CS_NORMAL, "Postfix configuration directory, as "
	    "postconf -c DIR (usually /etc/postfix)", 6, 6);
	con_page_chop(p, CS_BOLD, "sudo mailguard-tui --exim PATH", 2, 4);
	con_page_wrap(p, CS_NORMAL, "Exim configuration file, or a "
	    "Debian-style /etc/exim4 directory; --exim-bin PATH names the "
	    "binary (exim4 on Debian)", 6, 6);
	if (geteuid() != 0) {
		con_page_add(p, CS_NORMAL, "");
		con_page_wrap(p, CS_NORMAL, "You are not root: files only "
		    "root may read cannot be read. Run it with sudo.", 0, 0);
	}
	con_page_add(p, CS_NORMAL, "");
	con_page_wrap(p, CS_NORMAL, "Press r to try again, q to quit.", 0, 0);
}

/* error_key - only scrolling; r and q are handled by the console */
static int
error_key(struct con *c, int ch)
{
	return (con_page_key(c, ch));
}

const struct con_view con_view_error = {
	.name = "Configuration not read",
	.keys = error_keys,
	.build = error_build,
	.key = error_key,
};

/* ---- which findings a panel shows ----------------------------------- */

/* con_finding_shown - finding i is in the panel and passes the filter */
int
con_finding_shown(const struct con *c, size_t i)
{
	const struct mg_finding *f = &c->app->report.findings[i];
	const char *area = c->panel != NULL ? c->panel->area : NULL;

	if (area != NULL && (f->area == NULL || strcmp(f->area, area) != 0))
		return (0);
	if (c->filter[0] == '\0')
		return (1);
	return (con_has_ci(f->title, c->filter) ||
	    con_has_ci(f->area, c->filter) || con_has_ci(f->id, c->filter));
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
	c->filter_gen++;	/* the Fixes panel starts from its top */
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

/* ---- ignored findings (remembered in the journal database) ---------- */

/* ignored_free - forget the ignored set */
static void
ignored_free(struct con *c)
{
	size_t i;

	for (i = 0; i < c->nignored; i++)
		free(c->ignored[i]);
	free(c->ignored);
	c->ignored = NULL;
	c->nignored = 0;
}

/* ignored_read - the ignored set from the state directory; none when
 * there is no journal yet (reading never creates one) or it cannot be
 * read */
static void
ignored_read(struct con *c)
{
	struct mg_journal j;
	struct mg_err err;
	char path[4200];

	ignored_free(c);
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
	ignored_read(c);
	con_note(c, on ? "ignored (remembered; I again stops ignoring it)" :
	    "no longer ignored");
	return (on);
}


/* ---- guided hardening -------------------------------------------------- */

/* handled - was this finding applied or skipped in this walk? */
static int
handled(const struct con *c, const char *id)
{
	size_t i;

	for (i = 0; i < c->nguided_done; i++)
		if (strcmp(c->guided_done[i], id) == 0)
			return (1);
	return (con_is_ignored(c, id));
}

/* con_guided_mark - the finding shown is done with (applied, skipped) */
void
con_guided_mark(struct con *c, const char *id)
{
	if (id != NULL && !handled(c, id))
		*MG_ARRAY_PUSH(c->guided_done, c->nguided_done,
		    c->guided_cap) = mg_xstrdup(id);
}

/* con_guided_next - show the worst finding with a fix not yet handled;
 * back to the overview when none is left.  1 if one is shown. */
int
con_guided_next(struct con *c)
{
	const struct mg_report *r = &c->app->report;
	size_t i;

	for (i = 0; i < r->nfindings; i++)
		if (r->findings[i].nfix_ids > 0 &&
		    !handled(c, r->findings[i].id))
			break;
	if (i == r->nfindings) {
		con_guided_end(c);
		con_set_view(c, &con_view_overview);
		con_note(c, r->nfindings == 0 ? "guided hardening done: no "
		    "findings left" : "guided hardening done: nothing left "
		    "with a fix");
		return (0);
	}
	c->finding = c->sel = i;
	free(c->finding_id);
	c->finding_id = mg_xstrdup(r->findings[i].id);
	con_set_view(c, &con_view_detail);
	return (1);
}

/* con_guided_start - walk the findings with fixes, worst first */
void
con_guided_start(struct con *c)
{
	con_guided_end(c);
	c->guided = 1;
	(void)con_guided_next(c);
}

/* con_guided_end - leave guided hardening, forget the walk */
void
con_guided_end(struct con *c)
{
	size_t i;

	for (i = 0; i < c->nguided_done; i++)
		free(c->guided_done[i]);
	free(c->guided_done);
	c->guided_done = NULL;
	c->nguided_done = c->guided_cap = 0;
	c->guided = 0;
}

/* con_guided_count - findings with fixes: handled so far, and in all */
void
con_guided_count(const struct con *c, size_t *done, size_t *all)
{
	const struct mg_report *r = &c->app->report;
	size_t i;

	*done = c->nguided_done;
	*all = c->nguided_done;
	for (i = 0; i < r->nfindings; i++)
		if (r->findings[i].nfix_ids > 0 &&
		    !handled(c, r->findings[i].id))
			(*all)++;
}

/* ---- the panels ----------------------------------------------------- */

/* findings_open - the overview of this panel's findings, from the first */
static void
findings_open(struct con *c, const struct con_panel *p)
{
	c->panel = p;
	con_set_view(c, &con_view_overview);
	c->list_top = 0;
	c->sel = con_visible_first(c);
}

/* findings_shows - the overview is shown with this panel's findings; the
 * All panel is the one shown before any other was chosen */
static int
findings_shows(const struct con *c, const struct con_panel *p)
{
	if (c->view != &con_view_overview)
		return (0);
	return (c->panel == p || (c->panel == NULL && p->area == NULL));
}

/* findings_count - the findings in the panel's area (every one in All) */
static int
findings_count(const struct con *c, const struct con_panel *p, size_t *n)
{
	const struct mg_report *r = &c->app->report;
	size_t i;

	*n = 0;
	for (i = 0; i < r->nfindings; i++)
		*n += p->area == NULL || (r->findings[i].area != NULL &&
		    strcmp(r->findings[i].area, p->area) == 0);
	return (1);
}

/* The All panel also reads the ignored set (in struct con) with every
 * load. */
const struct con_panel con_panel_all = {
	.name = "All",
	.view = &con_view_overview,
	.open = findings_open,
	.shows = findings_shows,
	.count = findings_count,
	.loaded = ignored_read,
	.free = ignored_free,
};

const struct con_panel con_panel_relay = {
	.name = "Relay",
	.area = "relay",
	.view = &con_view_overview,
	.open = findings_open,
	.shows = findings_shows,
	.count = findings_count,
};

const struct con_panel con_panel_aliases = {
	.name = "Aliases",
	.area = "aliases",
	.view = &con_view_overview,
	.open = findings_open,
	.shows = findings_shows,
	.count = findings_count,
};

const struct con_panel con_panel_sasl = {
	.name = "SASL",
	.area = "sasl",
	.view = &con_view_overview,
	.open = findings_open,
	.shows = findings_shows,
	.count = findings_count,
};

/* TLS: certificates, protocol floors, implicit TLS, outbound TLS */
const struct con_panel con_panel_tls = {
	.name = "TLS",
	.area = "tls",
	.view = &con_view_overview,
	.open = findings_open,
	.shows = findings_shows,
	.count = findings_count,
};

/* Server: smtpd hygiene, versions with known holes, SMTP smuggling,
 * DNS blocklists */
const struct con_panel con_panel_server = {
	.name = "Server",
	.area = "smtpd",
	.view = &con_view_overview,
	.open = findings_open,
	.shows = findings_shows,
	.count = findings_count,
};
