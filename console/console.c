/*
 * console.c - the interactive console: terminal setup and restore on every
 * exit path, the key loop, header, footer and help overlay.  The panels
 * and their screens are in panel_*.c (their table in console_panels.c),
 * the text primitives in console_text.c, the signal handling in
 * console_signal.c (console_int.h lists every file).
 */
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>		/* mallopt */
#endif

#include "../core/mg_sanitize.h"
#include "../core/mg_str.h"
#include "../core/mg_exit.h"
#include "console.h"
#include "console_int.h"

/* The console could not start (no terminal). */
#define CON_EXIT_NOTTY 1

/* Keys every screen has; the screens list their own. */
static const struct con_key global_keys[] = {
	{ NULL, NULL, "i, F5", "the queue / incident view, from anywhere" },
	{ "?", "help", "?", "this help" },
	{ "q", "quit", "q", "quit" },
	{ NULL, NULL, NULL, NULL }
};

/* view_keys - the keys that work on the screen shown, in its state */
static const struct con_key *
view_keys(const struct con *c)
{
	if (c->view->keys_now != NULL)
		return (c->view->keys_now(c));
	return (c->view->keys);
}

/*
 * count_text - "2 findings: 1 critical, 1 high", or why there are none;
 * short: "1 CRIT, 1 HIGH", for a narrow terminal.
 */
static void
count_text(const struct con *c, struct mg_str *out, int short_form)
{
	const struct mg_report *r = &c->app->report;
	size_t count[MG_SEV_CRITICAL + 1] = { 0 };
	size_t i, nign = 0;
	int sev, first = 1;

	if (!c->app->loaded) {
		mg_str_puts(out, "configuration not read");
		return;
	}
	if (r->nfindings == 0) {
		mg_str_puts(out, "no findings");
		return;
	}
	for (i = 0; i < r->nfindings; i++) {
		if (con_is_ignored(c, r->findings[i].id))
			nign++;
		else if ((unsigned)r->findings[i].severity <= MG_SEV_CRITICAL)
			count[r->findings[i].severity]++;
	}
	if (!short_form)
		mg_str_printf(out, "%zu finding%s: ", r->nfindings,
		    r->nfindings == 1 ? "" : "s");
	for (sev = MG_SEV_CRITICAL; sev >= MG_SEV_INFO; sev--) {
		if (count[sev] == 0)
			continue;
		mg_str_printf(out, "%s%zu %s", first ? "" : ", ", count[sev],
		    short_form ? con_sev_tag(sev) :
		    mg_severity_name((enum mg_severity)sev));
		first = 0;
	}
	if (nign > 0)
		mg_str_printf(out, "%s%zu %s", first ? "" : ", ", nign,
		    short_form ? "IGN" : "ignored");
}

/* listen_scope - "all", "loopback-only", "127.0.0.1" ...: where the MTA
 * takes SMTP connections (the parameter its backend names: Postfix's
 * inet_interfaces, Exim's local_interfaces; unset means every address,
 * and postconf always prints Postfix's) */
static const char *
listen_scope(const struct mg_session *a)
{
	const struct mg_param *p;

	if (!a->loaded || a->target.backend == NULL ||
	    a->target.backend->listen_param == NULL)
		return (NULL);
	p = mg_model_param(&a->model, a->target.backend->listen_param);
	if (p == NULL || p->value == NULL)
		return ("all");
	return (*p->value == '\0' || strcmp(p->value, "<;") == 0 ? "all" :
	    p->value);
}

/* right_text - "queue 220 +5/min  12:03:04": the live queue's size and
 * trend, and (with_time) when it or the configuration was last read */
static void
right_text(const struct con *c, int with_time, int with_rate,
    struct mg_str *out)
{
	time_t when, qwhen;
	struct tm tm;
	char hms[16] = "";
	size_t n;
	long rate;
	int trend;

	n = con_queue_size(c, &rate, &trend, &qwhen);
	when = qwhen > c->loaded_at ? qwhen : c->loaded_at;
	if (c->app->loaded && c->app->queue_pending)
		mg_str_printf(out, "queue: reading%s", c->ellipsis);
	else if (n != (size_t)-1) {
		mg_str_printf(out, "queue %zu", n);
		if (with_rate && trend)
			mg_str_printf(out, " %+ld/min", rate);
	}
	if (with_time && when > 0 && localtime_r(&when, &tm) != NULL &&
	    strftime(hms, sizeof(hms), "%H:%M:%S", &tm) > 0)
		mg_str_printf(out, "%s%s", out->len > 0 ? "  " : "", hms);
}

/* mta_text - "host  postfix 3.7.11 on all  READ-ONLY"; the host and the
 * listening scope only when asked (a narrow window drops them) */
static void
mta_text(const struct con *c, int with_host, int with_scope,
    struct mg_str *out)
{
	const struct mg_session *a = c->app;
	const char *version = NULL, *scope;
	char host[256];

	if (a->loaded)
		version = a->model.version;
	else if (a->detected)
		version = a->target.version;
	if (with_host && gethostname(host, sizeof(host)) == 0) {
		host[sizeof(host) - 1] = '\0';
		host[strcspn(host, ".")] = '\0';
		mg_sanitize(out, host, strlen(host));
		mg_str_puts(out, "  ");
	}
	if (a->loaded || a->detected) {
		mg_str_puts(out, mg_backend_mta_name(a->loaded ? a->model.mta :
		    a->target.mta));
		mg_str_putc(out, ' ');
		mg_sanitize(out, version != NULL ? version : "?",
		    version != NULL ? strlen(version) : 1);
	}
	if (with_scope && (scope = listen_scope(a)) != NULL) {
		mg_str_puts(out, " on ");
		mg_sanitize(out, scope, strlen(scope) > 24 ? 24 :
		    strlen(scope));
	}
	/* Not root: fixes cannot be applied; say so where it is always seen. */
	if (geteuid() != 0)
		mg_str_puts(out, out->len > 0 ? "  READ-ONLY" : "READ-ONLY");
}

/*
 * draw_header - "mailguard-tui  host  <mta> <version> on <scope>
 * <config>  <counts>  queue N +r/min  hh:mm:ss" in reverse video.  When
 * the window is narrow the config path loses its head, then goes; then
 * the time, the scope, the host and the growth rate go, so the counts and
 * the queue size stay.
 */
static void
draw_header(const struct con *c)
{
	const struct mg_session *a = c->app;
	struct mg_str mta = MG_STR_INIT, counts = MG_STR_INIT;
	struct mg_str right = MG_STR_INIT, longc;
	const char *file = NULL;
	char *sfile;
	int x, fixed, room, rw, level, pass, pw;

	if (a->loaded)
		file = mg_model_source(&a->model);
	else if (a->detected)
		file = a->target.config_file;
	sfile = mg_sanitize_dup(file != NULL ? file : "");
	pw = sfile[0] != '\0' ? (int)con_cols(sfile) + 2 : 0;
	if (c->view != NULL)
		count_text(c, &counts, 1);
	/* The whole path if some level fits it, else the most without. */
	for (pass = 0; pass < 2; pass++) {
		for (level = 0; level < 5; level++) {
			mg_str_reset(&mta);
			mg_str_reset(&right);
			mta_text(c, level < 3, level < 2, &mta);
			right_text(c, level < 1, level < 4, &right);
			if (13 + 2 + (int)con_cols(mg_str_cstr(&mta)) + 2 +
			    (pass == 0 ? pw : 0) +
			    (int)con_cols(mg_str_cstr(&counts)) + 2 +
			    (int)con_cols(mg_str_cstr(&right)) + 1 <= COLS)
				break;
		}
		if (level < 5)
			break;
	}
	rw = (int)con_cols(mg_str_cstr(&right));
	/* The long form of the counts when it fits beside the whole path. */
	if (c->view != NULL) {
		mg_str_init(&longc);
		count_text(c, &longc, 0);
		if (13 + 2 + (int)con_cols(mg_str_cstr(&mta)) + 2 + pw +
		    (int)con_cols(mg_str_cstr(&longc)) + 2 + rw + 1 <= COLS) {
			mg_str_reset(&counts);
			mg_str_puts(&counts, mg_str_cstr(&longc));
		}
		mg_str_free(&longc);
	}
	con_fill(c, 0, 0, COLS, CS_BAR);
	x = con_put(c, 0, 0, COLS, CS_BAR_KEY, "mailguard-tui");
	if (mta.len > 0)
		x += con_put(c, 0, x + 2, COLS - x - 2, CS_BAR,
		    mg_str_cstr(&mta)) + 2;
	fixed = (int)con_cols(mg_str_cstr(&counts)) + 4 + (rw > 0 ? rw + 2 :
	    0);
	room = COLS - x - 2 - fixed;
	if (sfile[0] != '\0' && room >= (int)con_cols(sfile)) {
		x += con_put(c, 0, x + 2, room, CS_BAR, sfile) + 2;
	} else if (sfile[0] != '\0' && room >= 8) {
		x += 2;
		x += con_put(c, 0, x, room, CS_BAR, c->ellipsis);
		x += con_put(c, 0, x, room - (int)con_cols(c->ellipsis),
		    CS_BAR, con_tail(sfile, room -
		    (int)con_cols(c->ellipsis)));
	}
	if (counts.len > 0)
		x += con_put(c, 0, x + 2, COLS - x - 2 - (rw > 0 ? rw + 2 :
		    0), CS_BAR_KEY, mg_str_cstr(&counts)) + 2;
	if (rw > 0 && COLS - rw - 1 > x)
		(void)con_put(c, 0, COLS - rw - 1, rw, CS_BAR,
		    mg_str_cstr(&right));
	free(sfile);
	mg_str_free(&mta);
	mg_str_free(&counts);
	mg_str_free(&right);
}

/* footer_keys - "key label" pairs of a table from x on; the new x */
static int
footer_keys(const struct con *c, const struct con_key *k, int x, int end)
{
	for (; k->hkey != NULL; k++) {
		if (k->fkey == NULL)
			continue;
		if (x + (int)con_cols(k->fkey) + (int)con_cols(k->flabel) + 1 >
		    end)
			break;
		x += con_put(c, LINES - 1, x, end - x, CS_BAR_KEY, k->fkey);
		x += con_put(c, LINES - 1, x + 1, end - x - 1, CS_BAR,
		    k->flabel) + 1;
		x += 2;
	}
	return (x);
}

/* footer_width - columns footer_keys needs for a whole table */
static int
footer_width(const struct con_key *k)
{
	int w = 0;

	for (; k->hkey != NULL; k++)
		if (k->fkey != NULL)
			w += (int)con_cols(k->fkey) + (int)con_cols(k->flabel) +
			    3;
	return (w);
}

/* draw_footer - a note, then the keys that work here; where a pager is */
static void
draw_footer(const struct con *c)
{
	const struct con_page *p = &c->page;
	char pos[64];
	int x = 1, end = COLS, gw;

	con_fill(c, LINES - 1, 0, COLS, CS_BAR);
	if (c->help) {
		(void)con_put(c, LINES - 1, 1, COLS - 1, CS_BAR,
		    "any key closes the help");
		return;
	}
	if (c->view->build != NULL && p->nlines > (size_t)p->rows) {
		(void)snprintf(pos, sizeof(pos), " %zu-%zu/%zu ", p->top + 1,
		    p->top + (size_t)p->rows, p->nlines);
		end = COLS - (int)strlen(pos);
		(void)con_put(c, LINES - 1, end, COLS - end, CS_BAR, pos);
	}
	/* Help and quit always fit: the screen's keys get what is left. */
	gw = footer_width(global_keys);
	if (c->msg[0] != '\0')
		x += con_put(c, LINES - 1, x, end - gw - x, CS_BAR_KEY,
		    c->msg) + 2;
	x = footer_keys(c, view_keys(c), x, end - gw);
	(void)footer_keys(c, global_keys, x, end);
}

/*
 * help_build - the help box's lines: each key in the lead (kw columns),
 * its meaning word-wrapped to dw columns beside it.
 */
static void
help_build(const struct con_key *const *tabs, size_t ntabs, int dw,
    struct con_page *hp)
{
	const struct con_key *k;
	struct con_page d;
	size_t t, i;

	for (t = 0; t < ntabs; t++) {
		for (k = tabs[t]; k->hkey != NULL; k++) {
			memset(&d, 0, sizeof(d));
			d.width = dw;
			con_page_wrap(&d, CS_NORMAL, k->hwhat, 0, 0);
			for (i = 0; i < d.nlines; i++)
				con_page_add_lead(hp, CS_BOLD,
				    i == 0 ? k->hkey : "", CS_NORMAL,
				    d.lines[i].text);
			con_page_free(&d);
		}
	}
}

/* help_size - key column, and the box width the longest line needs */
static void
help_size(const struct con *c, const struct con_key *const *tabs,
    size_t ntabs, int *kw, int *w)
{
	const struct con_key *k;
	size_t t;
	int kmax = 0, dmax = 0, n;

	for (t = 0; t < ntabs; t++) {
		for (k = tabs[t]; k->hkey != NULL; k++) {
			if ((n = (int)con_cols(k->hkey)) > kmax)
				kmax = n;
			if ((n = (int)con_cols(k->hwhat)) > dmax)
				dmax = n;
		}
	}
	*kw = kmax + 2;
	/* border, blank, key column, text, blank, border */
	*w = 3 + *kw + dmax + 2;
	n = (int)con_cols(c->view->name) + 13;
	if (*w < n)
		*w = n;
	if (*w > COLS - 4)
		*w = COLS - 4;
	if (*kw > *w / 2)
		*kw = *w / 2;
}

/* help_box - the frame and title of the help box */
static void
help_box(const struct con *c, int y0, int x0, int h, int w)
{
	int i, x;

	for (i = 0; i < h; i++)
		con_fill(c, y0 + i, x0, w, CS_NORMAL);
	(void)mvhline(y0, x0 + 1, ACS_HLINE, w - 2);
	(void)mvhline(y0 + h - 1, x0 + 1, ACS_HLINE, w - 2);
	(void)mvvline(y0 + 1, x0, ACS_VLINE, h - 2);
	(void)mvvline(y0 + 1, x0 + w - 1, ACS_VLINE, h - 2);
	(void)mvaddch(y0, x0, ACS_ULCORNER);
	(void)mvaddch(y0, x0 + w - 1, ACS_URCORNER);
	(void)mvaddch(y0 + h - 1, x0, ACS_LLCORNER);
	(void)mvaddch(y0 + h - 1, x0 + w - 1, ACS_LRCORNER);
	x = con_put(c, y0, x0 + 2, w - 4, CS_BOLD, " Keys: ");
	x += con_put(c, y0, x0 + 2 + x, w - 4 - x, CS_BOLD, c->view->name);
	(void)con_put(c, y0, x0 + 2 + x, w - 4 - x, CS_BOLD, " ");
}

/*
 * draw_help - a box over the screen listing every key that works on it;
 * when the window is too short for all, the last row says so.
 */
static void
draw_help(const struct con *c)
{
	const struct con_key *tabs[2];
	const struct con_line *l;
	struct con_page hp;
	char *lead;
	size_t i, shown;
	int h, w, kw, dw, y0, x0, pad;

	tabs[0] = view_keys(c);
	tabs[1] = global_keys;
	help_size(c, tabs, 2, &kw, &w);
	dw = w - 5 - kw;
	if (w < 10 || dw < 4 || LINES - 2 < 5) {
		con_fill(c, LINES - 1, 0, COLS, CS_BAR);
		(void)con_put(c, LINES - 1, 1, COLS - 1, CS_BAR,
		    "the help needs a larger window; any key closes it");
		return;
	}
	memset(&hp, 0, sizeof(hp));
	help_build(tabs, 2, dw, &hp);
	/* A blank row inside the frame above and below, when there is room. */
	pad = (int)hp.nlines + 4 <= LINES - 2;
	h = (int)hp.nlines + 2 + 2 * pad;
	if (h > LINES - 2)
		h = LINES - 2;
	y0 = 1 + (LINES - 2 - h) / 2;
	x0 = (COLS - w) / 2;
	help_box(c, y0, x0, h, w);
	y0 += 1 + pad;
	shown = (size_t)(h - 2 - 2 * pad);
	if (shown < hp.nlines)
		shown--;	/* room for the "more" line */
	for (i = 0; i < shown; i++) {
		l = &hp.lines[i];
		lead = mg_xstrndup(l->text, l->lead);
		(void)con_put(c, y0 + (int)i, x0 + 3, kw - 1, CS_BOLD, lead);
		free(lead);
		(void)con_put(c, y0 + (int)i, x0 + 3 + kw, dw, CS_NORMAL,
		    l->text + l->lead);
	}
	if (shown < hp.nlines)
		(void)con_put(c, y0 + (int)shown, x0 + 3, w - 5, CS_DIM,
		    "(more: a taller window shows every key)");
	con_page_free(&hp);
}

/* draw - the whole screen */
static void
draw(struct con *c)
{
	(void)erase();
	if (LINES < 4 || COLS < 20) {
		(void)con_put(c, 0, 0, COLS, CS_BOLD, "window too small");
		(void)refresh();
		return;
	}
	draw_header(c);
	if (c->view->draw != NULL)
		c->view->draw(c, 1, LINES - 2);
	else
		con_page_draw(c, 1, LINES - 2);
	draw_footer(c);
	if (c->help)
		draw_help(c);
	if (c->edit.active && !c->help) {
		con_edit_draw(c);
		(void)curs_set(1);
	} else
		(void)curs_set(0);
	(void)refresh();
}

/* draw_loading - header and "Reading configuration…" while we block */
static void
draw_loading(struct con *c)
{
	struct mg_str s = MG_STR_INIT;

	(void)erase();
	if (LINES >= 3) {
		draw_header(c);
		con_fill(c, LINES - 1, 0, COLS, CS_BAR);
	}
	mg_str_printf(&s, "Reading configuration%s", c->ellipsis);
	(void)con_put(c, LINES >= 3 ? 2 : 0, 2, COLS - 2, CS_NORMAL,
	    mg_str_cstr(&s));
	mg_str_free(&s);
	(void)refresh();
}

/* loading_note - what a slow load reads now (the tables being asked),
 * under "Reading configuration"; NULL clears it */
static void
loading_note(void *arg, const char *what)
{
	struct con *c = arg;
	struct mg_str s = MG_STR_INIT;
	int y = LINES >= 3 ? 3 : 1;

	if (y >= LINES)
		return;
	(void)move(y, 0);
	(void)clrtoeol();
	if (what != NULL) {
		mg_sanitize(&s, what, strlen(what));
		(void)con_put(c, y, 2, COLS - 2, CS_NORMAL, mg_str_cstr(&s));
		mg_str_free(&s);
	}
	(void)refresh();
}

/* find_finding - index of the finding with this id, or (size_t)-1 */
static size_t
find_finding(const struct mg_report *r, const char *id)
{
	size_t i;

	for (i = 0; id != NULL && i < r->nfindings; i++)
		if (r->findings[i].id != NULL &&
		    strcmp(r->findings[i].id, id) == 0)
			return (i);
	return ((size_t)-1);
}

/*
 * load - (re)read everything; stay on the same finding and screen when it
 * is still there, else go back to the overview and say why.
 */
static void
load(struct con *c)
{
	const struct con_view *was = c->view;
	struct mg_report *r = &c->app->report;
	size_t top = c->page.top, i;
	char *sel_id = NULL, note[80];

	if (c->app->loaded && c->sel < r->nfindings)
		sel_id = mg_xstrdup(r->findings[c->sel].id);
	draw_loading(c);
	c->loaded_at = time(NULL);
	if (mg_session_load(c->app) < 0) {
		free(sel_id);
		con_set_view(c, &con_view_error);
		if (was == &con_view_error)
			con_note(c, "read again: still not readable");
		else if (was != NULL)
			con_note(c, "read again: no longer readable");
		return;
	}
	con_panels_loaded(c);
	if (c->app->queue_pending)
		con_queue_for_session(c);
	i = find_finding(r, sel_id);
	c->sel = i != (size_t)-1 ? i : 0;
	free(sel_id);
	con_set_view(c, &con_view_overview);
	if (was == &con_view_detail) {
		i = find_finding(r, c->finding_id);
		if (i == (size_t)-1) {
			con_note(c, "that finding is no longer reported");
			return;
		}
		c->finding = c->sel = i;
		con_set_view(c, &con_view_detail);
		c->page.top = top;
	} else if (was == &con_view_notes) {
		con_set_view(c, &con_view_notes);
		c->page.top = top;
	} else if (was == &con_view_queue || was == &con_view_qmsg) {
		con_queue_open(c);
	}
	if (was != NULL) {
		(void)snprintf(note, sizeof(note), "read again: %zu finding%s",
		    r->nfindings, r->nfindings == 1 ? "" : "s");
		con_note(c, note);
	}
}

/*
 * session_queue - the queue the session's checks wait for, once the
 * reader has read it: the findings are made again with it (or with why
 * it is unreadable); the same finding stays selected and shown when it
 * is still reported.  1 if the screen changed.
 */
static int
session_queue(struct con *c)
{
	struct mg_report *r = &c->app->report;
	struct mg_queue q;
	struct mg_err err;
	char *sel_id = NULL;
	size_t i;
	int st;

	if (!c->app->loaded || !c->app->queue_pending)
		return (0);
	/* not under a value being edited (it points into a fix) or while
	 * a job runs (its result reads everything again); the read waits */
	if (c->edit.active || con_job_running(c))
		return (0);
	mg_err_clear(&err);
	if ((st = con_queue_session(c, &q, &err)) == 0)
		return (0);
	if (c->sel < r->nfindings)
		sel_id = mg_xstrdup(r->findings[c->sel].id);
	mg_session_queue(c->app, st > 0 ? &q : NULL, &err);
	if (st > 0)
		mg_queue_free(&q);	/* empty: moved */
	/* queue_loaded moves the read on from the model to the view */
	con_panels_loaded(c);
	i = find_finding(r, sel_id);
	c->sel = i != (size_t)-1 ? i : 0;
	free(sel_id);
	if (c->view == &con_view_detail) {
		i = find_finding(r, c->finding_id);
		if (i == (size_t)-1) {
			con_set_view(c, &con_view_overview);
			con_note(c, "that finding is no longer reported");
			return (1);
		}
		c->finding = c->sel = i;
	}
	c->page.width = 0;	/* rebuild the page with the new findings */
	return (1);
}

/*
 * after_queue_action - a purge, hold or release just ended: the queue and
 * the findings drawn from it changed, so read the queue and everything
 * else again as r does (the header's counts are current at once), and
 * stay on the screen that shows the action's result
 */
static void
after_queue_action(struct con *c)
{
	const struct con_view *was = c->view;
	size_t top = c->page.top;

	con_queue_rescan(c);
	load(c);
	if (was == &con_view_apply && c->view != &con_view_error) {
		con_set_view(c, &con_view_apply);
		c->page.top = top;
	}
}

/* after_apply - the apply view was left and everything read again: in
 * guided hardening, on to the next finding */
static void
after_apply(struct con *c)
{
	if (!c->apply_done)
		return;
	c->apply_done = 0;
	if (c->guided && c->view != &con_view_error)
		(void)con_guided_next(c);
}

/* handle_key - help first, then the keys of every screen, then the screen's */
static void
handle_key(struct con *c, int ch)
{
	if (ch == KEY_RESIZE) {
		/* ncurses has resized stdscr; repaint every cell. */
		(void)clearok(curscr, TRUE);
		return;
	}
	c->msg[0] = '\0';
	if (c->edit.active) {
		con_edit_key(c, ch);
		return;
	}
	if (c->help) {
		c->help = 0;
		return;
	}
	if (con_panel_key(c, ch))
		return;
	switch (ch) {
	case 'q':
		if (con_job_running(c)) {
			con_note(c, c->job.kind == CON_JOB_PROBE ? "the probe "
			    "is still running: c on the Probe panel cancels "
			    "it" : c->job.kind == CON_JOB_QUEUE ? "the queue "
			    "action is still running: wait for its result" :
			    "a fix is being applied: wait for its result (c "
			    "cancels it before the live files are touched)");
			return;
		}
		c->quit = 1;
		return;
	case '?':
		c->help = 1;
		return;
	case 'i':
	case KEY_F(5):
		if (c->view == &con_view_apply && con_job_running(c)) {
			con_note(c, "the output comes first: wait for the "
			    "result");
			return;
		}
		if (c->view != &con_view_queue)
			con_queue_open(c);
		return;
	case 'r':
		if (c->view->own_r)
			break;	/* these read the queue / journal again, or
				 * run the probe */
		if (con_job_running(c)) {
			con_note(c, "a fix is being applied: its result comes "
			    "first (the configuration is read again after)");
			return;
		}
		c->reload = 1;
		return;
	}
	(void)c->view->key(c, ch);
}

/* no_terminal - why the console cannot start; the exit code */
static int
no_terminal(const char *why)
{
	const char *term = getenv("TERM");

	(void)fprintf(stderr, "mailguard-tui: %s", why);
	if (term != NULL) {
		(void)fputs(" (TERM=", stderr);
		mg_print_sanitized(stderr, term);
		(void)fputc(')', stderr);
	}
	(void)fputs("; 'mailguard-tui report' prints the findings as text\n",
	    stderr);
	return (CON_EXIT_NOTTY);
}

/* setup - curses modes the console relies on */
static void
setup(struct con *c)
{
	const char *cs;

	(void)cbreak();
	(void)noecho();
	(void)nonl();
	(void)keypad(stdscr, TRUE);
	(void)curs_set(0);
	/* Esc must feel immediate; escape sequences arrive in one read. */
	(void)set_escdelay(25);
	/* No background work yet: wake up once a second to see signals. */
	timeout(1000);
	con_colors_init(c);
	cs = nl_langinfo(CODESET);
	c->ellipsis = cs != NULL && strcmp(cs, "UTF-8") == 0 ? "\xe2\x80\xa6" :
	    "...";
}

/*
 * Blocks from this size up are mapped on their own and unmapped when
 * freed: the queue view's message arrays (10 MiB a read at 100k) and
 * their growth.  glibc's default threshold starts here too but rises to
 * the size of the largest mapped block freed (up to 32 MiB): after the
 * first read is replaced, every later array comes from the heaps of the
 * reader's threads, whose freed and half-filled pages stay resident
 * next to the new read (measured at 100k: peak RSS 77 MiB on the Exim
 * spool, 63 on the Postfix queue; 55 and 48 with the threshold fixed).
 * A mapped array that grows is moved by mremap, not copied, and the
 * room it keeps for growth is never touched, so never resident.
 */
#define MMAP_THRESHOLD (128 * 1024)

/* memory_setup - the console's large blocks mapped on their own (see
 * MMAP_THRESHOLD); a no-op without glibc */
static void
memory_setup(void)
{
#ifdef __GLIBC__
	(void)mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD);
#endif
}

/*
 * mg_console_run - the interactive console.  Exit code: 0 on q, 3 when
 * quitting without a readable configuration (as "report"), 128+signal
 * when ended by SIGINT, SIGTERM or SIGHUP, 1 without a usable terminal.
 */
int
mg_console_run(struct mg_session *a, int incident)
{
	struct con c;
	struct con_signals ss;
	SCREEN *scr;
	char *cup;
	int ch, dirty = 1, sig, running;

	(void)setlocale(LC_ALL, "");
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return (no_terminal("the console needs a terminal"));
	memory_setup();
	/*
	 * Ours before newterm: ncurses then leaves SIGINT and SIGTERM alone
	 * instead of installing handlers that exit from inside a signal.
	 */
	con_signals_catch(&ss, STDOUT_FILENO);
	/* newterm, unlike initscr, returns NULL instead of exiting. */
	if ((scr = newterm(NULL, stdout, stdin)) == NULL) {
		con_signals_restore(&ss);
		return (no_terminal("cannot use this terminal"));
	}
	(void)set_term(scr);
	/* A terminal that cannot move the cursor (TERM=dumb) shows nothing. */
	cup = tigetstr("cup");
	if (cup == NULL || cup == (char *)-1) {
		(void)endwin();
		delscreen(scr);
		con_signals_restore(&ss);
		return (no_terminal("this terminal cannot address the cursor"));
	}
	con_signals_fatal(&ss);
	memset(&c, 0, sizeof(c));
	c.app = a;
	c.job.fd = -1;
	/* The first frame does not wait for a large queue: the reader's
	 * thread reads it, and its findings follow (con_session_queue). */
	a->defer_queue = 1;
	a->opts.note = loading_note;
	a->opts.note_arg = &c;
	con_panels_init(&c);
	setup(&c);
	load(&c);
	if (incident)
		con_queue_open(&c);
	while (!c.quit && con_signals_caught() == 0) {
		if (dirty)
			draw(&c);
		/* While a fix is applied its output is read between keys;
		 * while the queue is read its result is looked for. */
		timeout(con_job_running(&c) || con_queue_scanning(&c) ? 100 :
		    1000);
		ch = getch();
		running = con_job_running(&c);
		dirty = con_job_poll(&c);
		if (dirty && c.view == &con_view_apply) {
			c.page.width = 0;	/* rebuild; follow the end */
			c.apply_follow = 1;
		}
		if (running && !con_job_running(&c) &&
		    c.job.kind == CON_JOB_QUEUE)
			after_queue_action(&c);
		dirty |= con_panels_tick(&c);
		dirty |= session_queue(&c);
		if (ch == ERR)
			continue;
		dirty = 1;
		handle_key(&c, ch);
		if (c.reload) {
			c.reload = 0;
			load(&c);
			after_apply(&c);
		}
	}
	(void)endwin();
	delscreen(scr);
	con_signals_restore(&ss);
	sig = con_signals_caught();
	con_page_free(&c.page);
	free(c.finding_id);
	con_guided_end(&c);
	con_job_free(&c.job);
	con_panels_free(&c);
	if (sig != 0)
		return (128 + sig);
	return (a->loaded ? MG_EXIT_OK : MG_EXIT_UNREAD);
}
