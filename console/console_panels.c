/*
 * console_panels.c - the table of panels (the tabs under the header: All,
 * Relay, Aliases, SASL, Queue, Fixes, Journal, Probe; Tab, Shift-Tab and
 * the digits switch), their tab line, and what the loop asks of every
 * panel.  A panel is its file and its row here (console_int.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console_int.h"

/* The panels, each defined in its panel_*.c. */
extern const struct con_panel con_panel_all;
extern const struct con_panel con_panel_relay;
extern const struct con_panel con_panel_aliases;
extern const struct con_panel con_panel_sasl;
extern const struct con_panel con_panel_queue;
extern const struct con_panel con_panel_fixes;
extern const struct con_panel con_panel_journal;
extern const struct con_panel con_panel_probe;

/* The tab order. */
const struct con_panel *const con_panels[] = {
	&con_panel_all,
	&con_panel_relay,
	&con_panel_aliases,
	&con_panel_sasl,
	&con_panel_queue,
	&con_panel_fixes,
	&con_panel_journal,
	&con_panel_probe,
	NULL
};

/* npanels - how many tabs */
static int
npanels(void)
{
	int n = 0;

	while (con_panels[n] != NULL)
		n++;
	return (n);
}

/* ---- the tab line --------------------------------------------------- */

/* con_panel_of - the panel a screen belongs to (its index), or -1 */
int
con_panel_of(const struct con *c)
{
	int p;

	for (p = 0; con_panels[p] != NULL; p++)
		if (con_panels[p]->shows(c, con_panels[p]))
			return (p);
	return (-1);
}

/* tab_label - panel p's label: "2 Relay 1" (count of its findings or
 * fixes), "5 Queue" */
static void
tab_label(const struct con *c, int p, char *label, size_t size)
{
	const struct con_panel *cp = con_panels[p];
	size_t n;

	if (cp->count != NULL && cp->count(c, cp, &n))
		(void)snprintf(label, size, "%d %s %zu", p + 1, cp->name, n);
	else
		(void)snprintf(label, size, "%d %s", p + 1, cp->name);
}

/* con_tabs_draw - "1 All 9  2 Relay 2 ..." with the panel shown marked;
 * one blank between tabs instead of two when the line is too narrow */
void
con_tabs_draw(struct con *c, int y)
{
	char label[48];
	int p, x = 0, cur = con_panel_of(c), width = 0, tight, n = npanels();

	for (p = 0; p < n; p++) {
		tab_label(c, p, label, sizeof(label));
		width += (int)strlen(label) + 2;
	}
	tight = width > COLS;
	con_fill(c, y, 0, COLS, CS_NORMAL);
	for (p = 0; p < n && x < COLS; p++) {
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
	const struct con_panel *cp;

	if (p < 0 || p >= npanels())
		return;
	cp = con_panels[p];
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

	for (p = 0; con_panels[p] != NULL; p++)
		if (con_panels[p]->modal != NULL && con_panels[p]->modal(c))
			return (1);
	return (0);
}

/* con_panel_key - Tab, Shift-Tab and the digits on a panel; 1 if used */
int
con_panel_key(struct con *c, int ch)
{
	int cur = con_panel_of(c), n = npanels();

	if (cur < 0 || waiting(c))
		return (0);
	if (ch == '\t')
		con_panel_go(c, (cur + 1) % n);
	else if (ch == KEY_BTAB)
		con_panel_go(c, (cur + n - 1) % n);
	else if (ch >= '1' && ch < '1' + n && ch <= '9')
		con_panel_go(c, ch - '1');
	else
		return (0);
	return (1);
}

/* ---- what the loop asks of every panel ------------------------------ */

/* con_panels_init - every panel's state, zeroed (freed by
 * con_panels_free) */
void
con_panels_init(struct con *c)
{
	int p, n = npanels();

	c->pstate = mg_xcalloc((size_t)n, sizeof(*c->pstate));
	for (p = 0; p < n; p++)
		if (con_panels[p]->state_size > 0)
			c->pstate[p] = mg_xcalloc(1, con_panels[p]->state_size);
}

/* con_panel_state - panel cp's own state (its file's struct) */
void *
con_panel_state(const struct con *c, const struct con_panel *cp)
{
	int p;

	for (p = 0; con_panels[p] != NULL; p++)
		if (con_panels[p] == cp)
			return (c->pstate[p]);
	return (NULL);
}

/* con_panels_loaded - the configuration was read again */
void
con_panels_loaded(struct con *c)
{
	int p;

	for (p = 0; con_panels[p] != NULL; p++)
		if (con_panels[p]->loaded != NULL)
			con_panels[p]->loaded(c);
}

/* con_panels_tick - the panels' periodic work; 1 if the screen changed */
int
con_panels_tick(struct con *c)
{
	int p, dirty = 0;

	for (p = 0; con_panels[p] != NULL; p++)
		if (con_panels[p]->tick != NULL)
			dirty |= con_panels[p]->tick(c);
	return (dirty);
}

/* con_panels_free - at exit: what every panel holds */
void
con_panels_free(struct con *c)
{
	int p;

	if (c == NULL || c->pstate == NULL)
		return;
	for (p = 0; con_panels[p] != NULL; p++) {
		if (con_panels[p]->free != NULL)
			con_panels[p]->free(c);
		free(c->pstate[p]);
	}
	free(c->pstate);
	c->pstate = NULL;
}
