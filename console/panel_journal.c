/*
 * panel_journal.c - the Journal panel: every change and purge, its diff
 * or queue IDs, and rolling a change back.
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
#include "../engine/mg_journal.h"
#include "../engine/fix_diff.h"
#include "../engine/fix_rollback.h"
#include "../engine/queue_restore.h"
#include "../core/mg_exit.h"
#include "console_int.h"

/* The panel's state. */
struct con_journal {
	struct mg_jentry *e;	/* oldest first; shown newest first */
	size_t n;
	size_t sel, top;
	char err[512];
	long confirm;		/* entry waiting for y to roll back */
	long rollback;		/* entry being rolled back (child's arg) */
};

extern const struct con_panel con_panel_journal;

/* jv - the panel's state */
static struct con_journal *
jv(const struct con *c)
{
	return (con_panel_state(c, &con_panel_journal));
}

static const struct con_key journal_keys[] = {
	{ "j/k", "move", "Down/j, Up/k, PgDn, PgUp, Home, End",
	    "move over the entries" },
	{ "Enter", "show", "Enter, Right/l", "the entry: its diff, proof "
	    "and result, or the queue IDs it acted on" },
	{ "u", "rollback", "u", "roll the entry's change back (asks first)" },
	{ "Tab", "panel", "Tab, Shift-Tab, 1-9, 0", "the next / previous "
	    "panel" },
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

static const struct con_view journal_view, jentry_view;

/* journal_read - the journal's entries, newest first */
static void
journal_read(struct con *c)
{
	struct con_journal *v = jv(c);
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

/* journal_free - the entries held */
static void
journal_free(struct con *c)
{
	mg_jentries_free(jv(c)->e, jv(c)->n);
	memset(jv(c), 0, sizeof(struct con_journal));
}

/* entry_at - the k-th entry shown: newest first */
static const struct mg_jentry *
entry_at(const struct con *c, size_t k)
{
	return (k < jv(c)->n ? &jv(c)->e[jv(c)->n - 1 - k] : NULL);
}

/* rollback_draw - the question, on the footer's line above */
static void
rollback_draw(struct con *c)
{
	const struct mg_jentry *e = entry_at(c, jv(c)->sel);
	char q[160];

	if (e != NULL && e->id == jv(c)->confirm && mg_queue_restorable(e))
		(void)snprintf(q, sizeof(q), " Roll back journal entry %ld: "
		    "put its mail back in the queue? y: yes  n: no",
		    jv(c)->confirm);
	else
		(void)snprintf(q, sizeof(q), " Roll back journal entry %ld: "
		    "restore the files it changed and reload? y: yes  n: no",
		    jv(c)->confirm);
	con_fill(c, LINES - 2, 0, COLS, CS_SELECTED);
	(void)con_put(c, LINES - 2, 0, COLS, CS_SELECTED, q);
}

/* journal_draw - "ID  TIME  ACTION  STATE  SUMMARY" */
static void
journal_draw(struct con *c, int y, int rows)
{
	struct con_journal *v = jv(c);
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

/* rollback_child - the engine rolls entry *arg back, in the child (the
 * operator said y to the question above); its exit status, as the
 * command's */
static int
rollback_child(struct con *c, void *arg, FILE *out)
{
	struct mg_rollback_opts o;
	struct mg_err err;
	enum mg_rollback_result res;

	memset(&o, 0, sizeof(o));
	o.out = out;
	o.yes = 1;	/* the operator said y above */
	res = mg_fix_rollback(c->app, c->app->target.state_dir, *(long *)arg,
	    &o, &err);
	if (res == MG_ROLLBACK_DONE)
		return (MG_EXIT_OK);
	if (err.msg[0] != '\0') {
		(void)fputs("mailguard-tui: rollback: ", out);
		mg_print_sanitized(out, err.msg);
		(void)fputc('\n', out);
	}
	return (res == MG_ROLLBACK_NOPERM ? MG_EXIT_NOPERM :
	    res == MG_ROLLBACK_UNREAD ? MG_EXIT_UNREAD : MG_EXIT_FAILED);
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
	/* a purge or hold: the engine's rollback puts the mail back */
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
	jv(c)->confirm = e->id;
}

/* confirm_key - y rolls back, anything else does not; 1 if asked */
static int
confirm_key(struct con *c, int ch)
{
	char what[64];

	if (!jv(c)->confirm)
		return (0);
	if (ch == 'y' || ch == 'Y') {
		jv(c)->rollback = jv(c)->confirm;
		(void)snprintf(what, sizeof(what), "rollback %ld",
		    jv(c)->rollback);
		if (con_job_start(c, CON_JOB_FIX, what, rollback_child,
		    &jv(c)->rollback) == 0) {
			con_set_view(c, &con_view_apply);
			c->apply_follow = 1;
		}
	} else
		con_note(c, "not rolled back");
	jv(c)->confirm = 0;
	return (1);
}

/* journal_key - move, open, roll back */
static int
journal_key(struct con *c, int ch)
{
	struct con_journal *v = jv(c);

	if (confirm_key(c, ch))
		return (1);
	if (ch == 'r') {
		journal_read(c);
		return (1);
	}
	if (ch == 'u') {
		ask_rollback(c, entry_at(c, v->sel));
		return (1);
	}
	if (con_is_open(ch) && v->sel < v->n) {
		con_set_view(c, &jentry_view);
		return (1);
	}
	return (con_nav(ch, &v->sel, v->n, (size_t)c->list_rows));
}

/* journal_keys_now - the question's keys while it is asked */
static const struct con_key *
journal_keys_now(const struct con *c)
{
	return (jv(c)->confirm ? rollback_keys : journal_keys);
}

static const struct con_view journal_view = {
	.name = "Journal",
	.keys = journal_keys,
	.draw = journal_draw,
	.key = journal_key,
	.own_r = 1,
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
	const struct mg_jentry *e = entry_at(c, jv(c)->sel);
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
	/* what a killed run left (or one running now): u finishes it; a
	 * purge is also finished from the command line */
	if (strcmp(e->state, "applying") == 0 && strcmp(e->action,
	    "purge") == 0) {
		mg_str_reset(&s);
		mg_str_printf(&s, "Unfinished: interrupted (unless it runs "
		    "now); u puts back only what it removed, or finish it "
		    "(Exim): mailguard-tui purge --finish %ld", e->id);
		con_page_untrusted(p, CS_BOLD, mg_str_cstr(&s), 0, 2);
	} else if (strcmp(e->state, "applying") == 0 ||
	    strcmp(e->state, "rolling-back") == 0)
		con_page_untrusted(p, CS_BOLD, strcmp(e->state,
		    "rolling-back") == 0 ? "Unfinished: its rollback was "
		    "interrupted (unless one runs now); u finishes it" :
		    "Unfinished: interrupted (unless it runs now); u rolls "
		    "it back - files restored, mail put back", 0, 2);
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
		ask_rollback(c, entry_at(c, jv(c)->sel));
		return (1);
	}
	if (con_is_back(ch)) {
		con_set_view(c, &journal_view);
		return (1);
	}
	return (con_page_key(c, ch));
}

/* jentry_keys_now - the question's keys while it is asked */
static const struct con_key *
jentry_keys_now(const struct con *c)
{
	return (jv(c)->confirm ? rollback_keys : jentry_keys);
}

/* jentry_draw - the pager, the question over its last row */
static void
jentry_draw(struct con *c, int y, int rows)
{
	con_page_draw(c, y, rows);
	if (jv(c)->confirm)
		rollback_draw(c);
}

static const struct con_view jentry_view = {
	.name = "Journal entry",
	.keys = jentry_keys,
	.build = jentry_build,
	.draw = jentry_draw,
	.key = jentry_key,
	.keys_now = jentry_keys_now,
};

/* journal_open - the panel, its entries read now */
static void
journal_open(struct con *c, const struct con_panel *p)
{
	(void)p;
	con_set_view(c, &journal_view);
	journal_read(c);
}

/* journal_shows - the list or one entry is shown */
static int
journal_shows(const struct con *c, const struct con_panel *p)
{
	(void)p;
	return (c->view == &journal_view || c->view == &jentry_view);
}

/* journal_modal - a rollback waits for y */
static int
journal_modal(const struct con *c)
{
	return (jv(c)->confirm != 0);
}

const struct con_panel con_panel_journal = {
	.name = "Journal",
	.view = &journal_view,
	.open = journal_open,
	.shows = journal_shows,
	.modal = journal_modal,
	.free = journal_free,
	.state_size = sizeof(struct con_journal),
};
