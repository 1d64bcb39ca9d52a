/* test_console_panels.c - the console's table of panels: the tab order,
 * each panel's own zeroed state, Tab and the digits, the findings a panel
 * and the / filter show. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../console/console_int.h"
#include "mg_test.h"

/* npanels - the rows of the table */
static size_t
npanels(void)
{
	size_t n = 0;

	while (con_panels[n] != NULL)
		n++;
	return (n);
}

/* test_table_lists_the_tabs_in_order - the tab line and the help name
 * the panels in this order; a digit reaches each (0 the tenth), so at
 * most ten */
static void
test_table_lists_the_tabs_in_order(void **state)
{
	static const struct {
		const char *name;
		const char *area;
	} want[] = {
		{ "All", NULL }, { "Relay", "relay" },
		{ "Aliases", "aliases" }, { "SASL", "sasl" },
		{ "TLS", "tls" }, { "Server", "smtpd" },
		{ "Queue", "queue" }, { "Fixes", NULL }, { "Journal", NULL },
		{ "Probe", NULL },
	};
	size_t i, k;

	(void)state;
	assert_int_equal(npanels(), MG_NELEM(want));
	assert_true(npanels() <= 10);
	for (i = 0; i < MG_NELEM(want); i++) {
		assert_string_equal(con_panels[i]->name, want[i].name);
		if (want[i].area == NULL)
			assert_null(con_panels[i]->area);
		else
			assert_string_equal(con_panels[i]->area, want[i].area);
		/* what the loop calls without asking */
		assert_non_null(con_panels[i]->shows);
		assert_true(con_panels[i]->view != NULL ||
		    con_panels[i]->open != NULL);
		for (k = 0; k < i; k++)
			assert_ptr_not_equal(con_panels[i], con_panels[k]);
	}
}

/* test_state_is_zeroed_and_each_panels_own - con_panels_init gives every
 * panel with a state its own zeroed block; free leaves nothing */
static void
test_state_is_zeroed_and_each_panels_own(void **state)
{
	struct mg_session a;
	struct con c;
	const unsigned char *b;
	void *seen[16];
	size_t i, k, nseen = 0;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&c, 0, sizeof(c));
	c.app = &a;
	c.job.fd = -1;
	con_panels_init(&c);
	assert_non_null(c.pstate);
	for (i = 0; con_panels[i] != NULL; i++) {
		b = con_panel_state(&c, con_panels[i]);
		if (con_panels[i]->state_size == 0) {
			assert_null(b);
			continue;
		}
		assert_non_null(b);
		for (k = 0; k < con_panels[i]->state_size; k++)
			assert_int_equal(b[k], 0);
		for (k = 0; k < nseen; k++)
			assert_ptr_not_equal(seen[k], b);
		assert_true(nseen < MG_NELEM(seen));
		seen[nseen++] = (void *)b;
	}
	/* the queue, the journal, the probe, the fixes (the ignored set is
	 * in struct con, for console_ui.c) */
	assert_int_equal(nseen, 4);
	assert_ptr_equal(c.panels, con_panels);
	con_panels_free(&c);
	assert_null(c.pstate);
	con_panels_free(&c);	/* twice: nothing left to free */
	con_page_free(&c.page);
}

/* test_tab_and_digits_move_over_the_panels - Tab, Shift-Tab and a digit
 * show the panel next, before or named; the findings panels remember
 * which area they show */
static void
test_tab_and_digits_move_over_the_panels(void **state)
{
	struct mg_session a;
	struct con c;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&c, 0, sizeof(c));
	c.app = &a;
	c.job.fd = -1;
	con_panels_init(&c);
	con_set_view(&c, &con_view_overview);
	assert_int_equal(con_panel_of(&c), 0);	/* All before any choice */
	assert_int_equal(con_panel_key(&c, '\t'), 1);
	assert_int_equal(con_panel_of(&c), 1);
	assert_ptr_equal(c.view, &con_view_overview);
	assert_string_equal(c.panel->area, "relay");
	assert_int_equal(con_panel_key(&c, '4'), 1);
	assert_int_equal(con_panel_of(&c), 3);
	assert_string_equal(c.panel->name, "SASL");
	assert_int_equal(con_panel_key(&c, '1'), 1);
	assert_int_equal(con_panel_of(&c), 0);
	assert_null(c.panel->area);
	/* Shift-Tab from the first wraps to the last: the Probe panel */
	assert_int_equal(con_panel_key(&c, KEY_BTAB), 1);
	assert_int_equal(con_panel_of(&c), (int)npanels() - 1);
	assert_ptr_not_equal(c.view, &con_view_overview);
	/* and Tab from the last back to All */
	assert_int_equal(con_panel_key(&c, '\t'), 1);
	assert_int_equal(con_panel_of(&c), 0);
	/* 5 and 6 are the TLS and Server areas, 0 the tenth tab */
	assert_int_equal(con_panel_key(&c, '5'), 1);
	assert_string_equal(c.panel->area, "tls");
	assert_int_equal(con_panel_key(&c, '6'), 1);
	assert_string_equal(c.panel->area, "smtpd");
	assert_int_equal(con_panel_key(&c, '0'), 1);
	assert_int_equal(con_panel_of(&c), 9);
	assert_int_equal(con_panel_key(&c, '1'), 1);
	/* keys that are not panel keys stay the screen's */
	assert_int_equal(con_panel_key(&c, 'x'), 0);
	assert_int_equal(con_panel_of(&c), 0);
	/* a screen that is no panel's (the error screen): no tabs */
	con_set_view(&c, &con_view_error);
	assert_int_equal(con_panel_of(&c), -1);
	assert_int_equal(con_panel_key(&c, '\t'), 0);
	/* by name, through the table's row (as apply opens the Queue) */
	assert_int_equal(con_panel_open(&c, "Aliases"), 1);
	assert_int_equal(con_panel_of(&c), 2);
	assert_string_equal(c.panel->area, "aliases");
	assert_int_equal(con_panel_open(&c, "Nowhere"), 0);
	assert_int_equal(con_panel_of(&c), 2);
	con_panels_free(&c);
	con_page_free(&c.page);
}

/* test_panel_area_and_filter_choose_the_findings - a findings panel shows
 * its area's findings, the / filter those whose title, area or id has
 * the text in any case */
static void
test_panel_area_and_filter_choose_the_findings(void **state)
{
	struct mg_finding f[3];
	struct mg_session a;
	struct con c;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&c, 0, sizeof(c));
	memset(f, 0, sizeof(f));
	f[0].id = (char *)"postfix.mynetworks.wide";
	f[0].area = (char *)"relay";
	f[0].title = (char *)"mynetworks trusts the world";
	f[1].id = (char *)"postfix.aliases.pipe";
	f[1].area = (char *)"aliases";
	f[1].title = (char *)"an alias pipes to a program";
	f[2].id = (char *)"postfix.sasl.plain";
	f[2].area = (char *)"sasl";
	f[2].title = (char *)"PLAIN without TLS";
	a.report.findings = f;
	a.report.nfindings = MG_NELEM(f);
	c.app = &a;
	c.job.fd = -1;
	con_panels_init(&c);
	con_set_view(&c, &con_view_overview);
	assert_true(con_finding_shown(&c, 0));
	assert_true(con_finding_shown(&c, 1));
	assert_true(con_finding_shown(&c, 2));
	assert_int_equal(con_panel_key(&c, '3'), 1);	/* Aliases */
	assert_false(con_finding_shown(&c, 0));
	assert_true(con_finding_shown(&c, 1));
	assert_false(con_finding_shown(&c, 2));
	assert_int_equal(c.sel, 1);	/* its first finding is selected */
	assert_int_equal(con_panel_key(&c, '1'), 1);	/* All */
	(void)snprintf(c.filter, sizeof(c.filter), "%s", "tls");
	assert_false(con_finding_shown(&c, 0));
	assert_false(con_finding_shown(&c, 1));
	assert_true(con_finding_shown(&c, 2));
	assert_int_equal(con_visible_first(&c), 2);
	(void)snprintf(c.filter, sizeof(c.filter), "%s", "RELAY");
	assert_true(con_finding_shown(&c, 0));	/* its area */
	assert_int_equal(con_visible_first(&c), 0);
	con_panels_free(&c);
	con_page_free(&c.page);
}

/* test_ignored_set_is_the_consoles - con_is_ignored answers from the set
 * in struct con (the All panel reads it); at exit the All panel frees it */
static void
test_ignored_set_is_the_consoles(void **state)
{
	struct mg_session a;
	struct con c;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&c, 0, sizeof(c));
	c.app = &a;
	c.job.fd = -1;
	con_panels_init(&c);
	assert_false(con_is_ignored(&c, "postfix.sasl.plain"));
	c.ignored = mg_xcalloc(2, sizeof(*c.ignored));
	c.ignored[0] = mg_xstrdup("postfix.aliases.pipe");
	c.ignored[1] = mg_xstrdup("postfix.sasl.plain");
	c.nignored = 2;
	assert_true(con_is_ignored(&c, "postfix.sasl.plain"));
	assert_true(con_is_ignored(&c, "postfix.aliases.pipe"));
	assert_false(con_is_ignored(&c, "postfix.sasl"));
	assert_false(con_is_ignored(&c, NULL));
	con_panels_free(&c);
	assert_null(c.ignored);
	assert_int_equal(c.nignored, 0);
	con_page_free(&c.page);
}

/* add - one queued message of this SASL user */
static void
add(struct mg_queue *q, const char *id, const char *sasl)
{
	struct mg_qmsg *m = mg_queue_add(q);

	m->id = mg_arena_strndup(&q->arena, id, strlen(id));
	m->queue = "deferred";
	m->sender = "";
	m->sasl_username = mg_arena_strndup(&q->arena, sasl, strlen(sasl));
	m->arrival = 1800000000;
}

/* test_queue_takes_the_sessions_read - the queue read with the
 * configuration becomes the queue view's, moved (the model keeps an
 * empty queue: held once), and the header's size is the view's */
static void
test_queue_takes_the_sessions_read(void **state)
{
	const struct con_panel *qp = NULL;
	struct mg_session a;
	struct con c;
	long rate;
	int trend;
	time_t when;
	size_t i;

	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&c, 0, sizeof(c));
	c.app = &a;
	c.job.fd = -1;
	a.model.now = 1800000100;
	a.model.queue = calloc(1, sizeof(*a.model.queue));
	assert_non_null(a.model.queue);
	mg_queue_init(a.model.queue);
	add(a.model.queue, "3FDD7A747FA", "root");
	add(a.model.queue, "3C20AA7560B", "root");
	add(a.model.queue, "4A11B22C33D", "alice");
	con_panels_init(&c);
	for (i = 0; con_panels[i] != NULL; i++)
		if (strcmp(con_panels[i]->name, "Queue") == 0)
			qp = con_panels[i];
	assert_non_null(qp);
	assert_non_null(qp->loaded);
	/* before: the header's size is the model's */
	assert_int_equal(con_queue_size(&c, &rate, &trend, &when), 3);
	assert_int_equal(when, 0);
	qp->loaded(&c);
	assert_int_equal(a.model.queue->nmsgs, 0);
	assert_null(a.model.queue->msgs);
	assert_int_equal(con_queue_size(&c, &rate, &trend, &when), 3);
	assert_int_equal(when, 1800000100);
	/* a reload: the newer read replaces the view's */
	add(a.model.queue, "5B22C33D44E", "root");
	a.model.now = 1800000200;
	qp->loaded(&c);
	assert_int_equal(con_queue_size(&c, &rate, &trend, &when), 1);
	assert_int_equal(when, 1800000200);
	con_panels_free(&c);
	mg_queue_free(a.model.queue);
	free(a.model.queue);
	con_page_free(&c.page);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_lists_the_tabs_in_order),
		cmocka_unit_test(test_state_is_zeroed_and_each_panels_own),
		cmocka_unit_test(test_tab_and_digits_move_over_the_panels),
		cmocka_unit_test(
		    test_panel_area_and_filter_choose_the_findings),
		cmocka_unit_test(test_ignored_set_is_the_consoles),
		cmocka_unit_test(test_queue_takes_the_sessions_read),
	};

	return (cmocka_run_group_tests_name("console_panels", tests, NULL,
	    NULL));
}
