/*
 * console_panels.c - the table of panels (the tabs under the header: All,
 * Relay, Aliases, SASL, TLS, Server, Queue, Fixes, Journal, Probe) and
 * what the loop asks of every panel.  A panel is its file and its row here
 * (console_int.h).  con_panels_init hands the table down in struct con:
 * the tab line and Tab, Shift-Tab and the digits (console_ui.c) read it
 * there.
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
extern const struct con_panel con_panel_tls;
extern const struct con_panel con_panel_server;
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
	&con_panel_tls,
	&con_panel_server,
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

/* ---- what the loop asks of every panel ------------------------------ */

/* con_panels_init - the table in c, every panel's state, zeroed (freed by
 * con_panels_free) */
void
con_panels_init(struct con *c)
{
	int p, n = npanels();

	c->panels = con_panels;
	c->pstate = mg_xcalloc((size_t)n, sizeof(*c->pstate));
	for (p = 0; p < n; p++)
		if (con_panels[p]->state_size > 0)
			c->pstate[p] = mg_xcalloc(1, con_panels[p]->state_size);
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
