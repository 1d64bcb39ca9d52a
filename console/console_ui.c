/*
 * console_ui.c - what every part of the console uses, at the bottom of
 * console/: showing a screen and a note, the panels' tab line, switching
 * panels (by index, key or name: through the table's rows, which the loop
 * hands down in struct con, never calling a panel by its name), a panel's
 * own state, and the ignored findings.  It calls no console file but
 * console_text.c (console_int.h gives the direction).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console_int.h"

/* con_set_view - show another screen, from its top */
void
con_set_view(struct con *c, const struct con_view *v)
{
	c->view = v;
	c->help = 0;
	con_page_clear(&c->page);
	c->page.top = 0;
	c->page.width = 0;
}

/* con_note - a one-line message in the footer until the next key */
void
con_note(struct con *c, const char *msg)
{
	(void)snprintf(c->msg, sizeof(c->msg), "%s", msg);
}

/* npanels - how many tabs */
static int
npanels(const struct con *c)
{
	int n = 0;

	while (c->panels[n] != NULL)
		n++;
	return (n);
}

/* ---- the tab line --------------------------------------------------- */

/* con_panel_of - the panel a screen belongs to (its index), or -1 */
int
con_panel_of(const struct con *c)
{
	int p;

	for (p = 0; c->panels[p] != NULL; p++)
		if (c->panels[p]->shows(c, c->panels[p]))
			return (p);
	return (-1);
}

/* tab_label - panel p's label: "2 Relay 1" (count of its findings or
 * fixes), "5 Queue" */
static void
tab_label(const struct con *c, int p, char *label, size_t size)
{
	const struct con_panel *cp = c->panels[p];
	size_t n;

	if (cp->count != NULL && cp->count(c, cp, &n))
		(void)snprintf(label, size, "%d %s %zu", (p + 1) % 10,
		    cp->name, n);
	else
		(void)snprintf(label, size, "%d %s", (p + 1) % 10, cp->name);
}

/* tab_width - the columns tab p takes: its label with a blank or
 * bracket each side, or (tight) one blank before it and the brackets of
 * the shown panel's */
static int
tab_width(struct con *c, int p, int tight, int cur)
{
	char label[48];

	tab_label(c, p, label, sizeof(label));
	return ((int)strlen(label) + (!tight ? 2 : p == cur ? 3 : 1));
}

/* tabs_first - the first tab drawn: 0 when every tab fits, else the one
 * that lets the shown panel's tab end before the "<" and ">" marks */
static int
tabs_first(struct con *c, int cur, int n)
{
	int p, first = 0, width = 2;	/* "<" and ">" with a blank */

	if (cur < 0)
		return (0);
	for (p = 0; p <= cur && p < n; p++)
		width += tab_width(c, p, 1, cur);
	while (first < cur && width > COLS) {
		width -= tab_width(c, first, 1, cur);
		first++;
	}
	return (first);
}

/* con_tabs_draw - "1 All 9  2 Relay 2 ..." with the panel shown marked;
 * one blank between tabs instead of two when the line is too narrow,
 * and when even that does not fit, the tabs from the one that keeps the
 * shown panel's in view, with "<" and ">" where tabs are left out */
void
con_tabs_draw(struct con *c, int y)
{
	char label[48];
	int p, x = 0, cur = con_panel_of(c), width = 0, tight, n = npanels(c);
	int first;

	for (p = 0; p < n; p++)
		width += tab_width(c, p, 0, cur);
	tight = width > COLS;
	width = 0;
	for (p = 0; p < n; p++)
		width += tab_width(c, p, 1, cur);
	first = width > COLS ? tabs_first(c, cur, n) : 0;
	con_fill(c, y, 0, COLS, CS_NORMAL);
	if (first > 0)
		x += con_put(c, y, x, COLS - x, CS_DIM, "<");
	for (p = first; p < n && x < COLS; p++) {
		tab_label(c, p, label, sizeof(label));
		if (width > COLS && x + tab_width(c, p, 1, cur) > COLS - 1) {
			(void)con_put(c, y, COLS - 1, 1, CS_DIM, ">");
			break;
		}
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
	const struct con_panel *cp;

	if (p < 0 || p >= npanels(c))
		return;
	cp = c->panels[p];
	if (cp->open != NULL)
		cp->open(c, cp);
	else
		con_set_view(c, cp->view);
}

/* waiting - a panel waits for an answer (y/N) */
static int
waiting(const struct con *c)
{
	int p;

	for (p = 0; c->panels[p] != NULL; p++)
		if (c->panels[p]->modal != NULL && c->panels[p]->modal(c))
			return (1);
	return (0);
}

/* con_panel_key - Tab, Shift-Tab and the digits on a panel (1 to 9, 0
 * for the tenth); 1 if used */
int
con_panel_key(struct con *c, int ch)
{
	int cur = con_panel_of(c), n = npanels(c);

	if (cur < 0 || waiting(c))
		return (0);
	if (ch == '\t')
		con_panel_go(c, (cur + 1) % n);
	else if (ch == KEY_BTAB)
		con_panel_go(c, (cur + n - 1) % n);
	else if (ch >= '1' && ch < '1' + n && ch <= '9')
		con_panel_go(c, ch - '1');
	else if (ch == '0' && n >= 10)
		con_panel_go(c, 9);	/* the tenth tab */
	else
		return (0);
	return (1);
}

/* con_panel_open - show the panel of this name (as its tab does); 0 if
 * there is none */
int
con_panel_open(struct con *c, const char *name)
{
	int p;

	for (p = 0; c->panels[p] != NULL; p++) {
		if (strcmp(c->panels[p]->name, name) == 0) {
			con_panel_go(c, p);
			return (1);
		}
	}
	return (0);
}

/* con_panel_state - panel cp's own state (its file's struct) */
void *
con_panel_state(const struct con *c, const struct con_panel *cp)
{
	int p;

	for (p = 0; c->panels[p] != NULL; p++)
		if (c->panels[p] == cp)
			return (c->pstate[p]);
	return (NULL);
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
