/*
 * console_apply.c - the apply screen (a fix or a queue action running in
 * the background, its output as it comes) and editing a proposed value
 * first (guided hardening, which walks the findings' detail screens, is
 * in panel_findings.c).
 *
 * The fix engine runs as a console job (console_job.c: fork, no exec: the
 * child has the report, with any value the operator edited).  The engine
 * looks at a cancel only between the steps before the first live change
 * (after validation, after the proof), so a cancel never leaves a
 * half-applied configuration: once it is installing, the apply runs to
 * its end (or its restore).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/mg_sanitize.h"
#include "../engine/fix_apply.h"
#include "../engine/fix_diff.h"
#include "../engine/fix_stage.h"
#include "../core/mg_exit.h"
#include "console_int.h"

static const struct con_key apply_keys_running[] = {
	{ "c", "cancel", "c", "cancel (only before the live files are "
	    "touched: nothing is changed)" },
	{ "j/k", "scroll", "Down/j, Up/k, PgDn, PgUp", "scroll the output" },
	{ NULL, NULL, NULL, NULL }
};

static const struct con_key apply_keys_queue[] = {
	{ "j/k", "scroll", "Down/j, Up/k, PgDn, PgUp", "scroll the output" },
	{ NULL, NULL, NULL, NULL }
};

static const struct con_key apply_keys_done[] = {
	{ "Enter", "continue", "Enter, Esc",
	    "read the configuration again and go on" },
	{ "j/k", "scroll", "Down/j, Up/k, PgDn, PgUp", "scroll the output" },
	{ NULL, NULL, NULL, NULL }
};

/* result_line - the engine's result in words, as "fix" prints it */
static int
result_line(FILE *out, enum mg_apply_result res, const char *done,
    const struct mg_err *err)
{
	switch (res) {
	case MG_APPLY_DONE:
		(void)fprintf(out, "%s (see: the journal)\n", done);
		return (MG_EXIT_OK);
	case MG_APPLY_DECLINED:
		(void)fputs("cancelled: nothing changed\n", out);
		return (MG_EXIT_OK);
	case MG_APPLY_REFUSED:
		(void)fputs("REFUSED, nothing changed: ", out);
		break;
	case MG_APPLY_RESTORED:
		(void)fputs("FAILED after installing, then undone: ", out);
		break;
	default:
		(void)fputs("FAILED AND the restore failed - see the journal "
		    "and restore by hand: ", out);
		break;
	}
	mg_print_sanitized(out, err->msg);
	(void)fputc('\n', out);
	return (MG_EXIT_FAILED);
}

/* What the fix-applying child is given. */
struct fix_job {
	const struct mg_fix **fixes;
	size_t n;
	const struct mg_stage *st;
	const struct mg_str *patch;
};

/* fix_child - the apply, in the child; its exit status */
static int
fix_child(struct con *c, void *arg, FILE *out)
{
	const struct fix_job *fj = arg;
	struct mg_apply_opts o;
	struct mg_err err;
	enum mg_apply_result res;
	char done[256];

	mg_print_sanitized_lines(out, mg_str_cstr(fj->patch));
	memset(&o, 0, sizeof(o));
	o.out = out;
	o.done = done;
	o.donesz = sizeof(done);
	(void)snprintf(done, sizeof(done), "applied and verified");
	o.yes = 1;	/* asked on the Apply screen before the job */
	o.cancelled = con_job_cancelled;
	mg_err_clear(&err);
	res = mg_fix_apply(c->app, (const struct mg_fix *const *)fj->fixes,
	    fj->n, fj->st, mg_str_cstr(fj->patch), &o, &err);
	return (result_line(out, res, done, &err));
}

/* start - stage the fixes, fork the engine; 0 if it runs */
static int
start(struct con *c, const struct mg_fix **fixes, size_t n, const char *what)
{
	struct mg_stage st;
	struct mg_str patch = MG_STR_INIT;
	struct mg_err err;
	struct fix_job fj;
	int rc;

	if (mg_stage_fixes(fixes, n, &st, &err) < 0) {
		con_note(c, "cannot stage the fix (see the finding)");
		return (-1);
	}
	mg_fix_patch(&c->app->target, &st, fixes, n, MG_VERSION, &patch);
	fj.fixes = fixes;
	fj.n = n;
	fj.st = &st;
	fj.patch = &patch;
	rc = con_job_start(c, CON_JOB_FIX, what, fix_child, &fj);
	mg_str_free(&patch);
	mg_stage_free(&st);
	return (rc);
}

/*
 * con_apply_finding - apply the fixes of the finding shown.  Refused, with
 * the reason in the footer, when not root or another apply runs.
 */
void
con_apply_finding(struct con *c)
{
	const struct mg_report *r = &c->app->report;
	const struct mg_finding *f;
	const struct mg_fix **fixes;
	struct mg_str what = MG_STR_INIT;
	size_t i, n = 0;

	if (c->finding >= r->nfindings)
		return;
	f = &r->findings[c->finding];
	if (f->nfix_ids == 0) {
		con_note(c, "no fix is proposed for this finding");
		return;
	}
	if (geteuid() != 0) {
		con_note(c, "read-only: applying needs root (sudo); "
		    "'mailguard-tui fix --export-diff' works without");
		return;
	}
	if (con_job_running(c)) {
		con_note(c, "another apply is still running");
		return;
	}
	fixes = mg_xcalloc(f->nfix_ids, sizeof(*fixes));
	mg_str_puts(&what, "fix");
	for (i = 0; i < f->nfix_ids; i++)
		if ((fixes[n] = mg_report_find_fix(r, f->fix_ids[i])) !=
		    NULL) {
			mg_str_printf(&what, " %s", fixes[n]->id);
			n++;
		}
	if (n > 0 && start(c, fixes, n, mg_str_cstr(&what)) == 0) {
		con_set_view(c, &con_view_apply);
		c->apply_follow = 1;
	}
	free(fixes);
	mg_str_free(&what);
}

/* ended - how a failed apply ended, in words: its result line says;
 * NULL for another job (its status number is shown) */
static const char *
ended(const struct con_job *j)
{
	const char *out = mg_str_cstr(&j->out);

	if (j->kind != CON_JOB_FIX)
		return (NULL);
	if (strstr(out, "\nREFUSED, nothing changed") != NULL)
		return ("refused, nothing changed");
	if (strstr(out, "\nFAILED after installing, then undone") != NULL)
		return ("failed after installing; the old configuration is "
		    "back (see below)");
	if (strstr(out, "\nFAILED AND the restore failed") != NULL)
		return ("FAILED, and the restore failed too (see below)");
	return ("failed (see below)");
}

/* apply_build - what the engine said so far, and how it ended */
static void
apply_build(struct con *c)
{
	const struct con_job *j = &c->job;
	struct con_page *p = &c->page;
	struct mg_str s = MG_STR_INIT;
	const char *line, *nl;

	mg_str_puts(&s, j->what != NULL ? j->what : "apply");
	if (!j->ended)
		mg_str_printf(&s, ": running%s", c->ellipsis);
	else if (j->status == 0)
		mg_str_puts(&s, ": finished");
	else if (ended(j) != NULL)
		mg_str_printf(&s, ": %s", ended(j));
	else
		mg_str_printf(&s, ": ended with status %d", j->status);
	con_page_untrusted(p, j->ended && j->status != 0 ? CS_ERROR : CS_BOLD,
	    mg_str_cstr(&s), 0, 2);
	con_page_add(p, CS_NORMAL, "");
	for (line = mg_str_cstr(&j->out); *line != '\0';
	    line = nl + (*nl != '\0')) {
		enum con_style st = CS_NORMAL;

		nl = strchr(line, '\n');
		if (nl == NULL)
			nl = line + strlen(line);
		if (strncmp(line, CON_PROGRESS, strlen(CON_PROGRESS)) == 0)
			continue;
		mg_str_reset(&s);
		mg_str_append(&s, line, (size_t)(nl - line));
		if (strncmp(line, "@@", 2) == 0)
			st = CS_DIFF_HUNK;
		else if (*line == '+' && strncmp(line, "+++", 3) != 0)
			st = CS_DIFF_ADD;
		else if (*line == '-' && strncmp(line, "---", 3) != 0)
			st = CS_DIFF_DEL;
		else if (strncmp(line, "REFUSED", 7) == 0 ||
		    strncmp(line, "FAILED", 6) == 0 ||
		    strstr(line, "refused") != NULL)
			st = CS_ERROR;
		else if (strncmp(line, "applied, reloaded", 17) == 0)
			st = CS_BOLD;
		con_page_untrusted(p, st, mg_str_cstr(&s), 0, 2);
	}
	if (j->ended) {
		con_page_add(p, CS_NORMAL, "");
		con_page_wrap(p, CS_DIM, j->kind == CON_JOB_QUEUE ? "Press "
		    "Enter to go back to the queue (read again)." : c->guided ?
		    "Press Enter for the next finding." : "Press Enter to read "
		    "the configuration again.", 0, 0);
	}
	mg_str_free(&s);
}

/* progress_bar - "[#####.....]  42%  step 2/4 quarantine 1200/2500" */
static void
progress_bar(struct con *c, int y)
{
	unsigned step, nsteps;
	size_t done, total, filled, i;
	char name[32], tail[96];
	struct mg_str bar = MG_STR_INIT;
	double frac;
	int w;

	if (!con_job_progress(&c->job, &step, &nsteps, &done, &total, name,
	    sizeof(name)) || nsteps == 0 || step == 0)
		return;
	frac = ((double)(step - 1) + (total > 0 ? (double)done /
	    (double)total : 1)) / (double)nsteps;
	if (c->job.ended && c->job.status == 0)
		frac = 1;
	(void)snprintf(tail, sizeof(tail), " %3d%%  step %u/%u %s %zu/%zu",
	    (int)(frac * 100), step, nsteps, name, done, total);
	w = COLS - 2 - (int)strlen(tail) - 2;
	if (w < 10)
		w = 10;
	filled = (size_t)(frac * w);
	mg_str_putc(&bar, '[');
	for (i = 0; i < (size_t)w; i++)
		mg_str_putc(&bar, i < filled ? '#' : '.');
	mg_str_putc(&bar, ']');
	mg_str_puts(&bar, tail);
	(void)con_put(c, y, 1, COLS - 1, CS_BOLD, mg_str_cstr(&bar));
	mg_str_free(&bar);
}

/* apply_draw - the pager, kept at its end while output arrives; a queue
 * action's progress bar above it */
static void
apply_draw(struct con *c, int y, int rows)
{
	if (c->job.kind == CON_JOB_QUEUE && rows > 3) {
		progress_bar(c, y);
		y += 2;
		rows -= 2;
	}
	if (c->page.width != COLS) {
		con_page_clear(&c->page);
		c->page.width = COLS;
		apply_build(c);
	}
	if (c->apply_follow && c->page.nlines > (size_t)rows)
		c->page.top = c->page.nlines - (size_t)rows;
	con_page_draw(c, y, rows);
}

/* apply_key - cancel while running; leave when done */
static int
apply_key(struct con *c, int ch)
{
	if (ch == 'c') {
		if (con_job_running(c))
			con_job_cancel(c);
		return (1);
	}
	if (ch == '\n' || ch == '\r' || ch == KEY_ENTER || ch == 27 ||
	    ch == KEY_BACKSPACE || ch == 127 || ch == KEY_LEFT) {
		if (con_job_running(c)) {
			con_note(c, c->job.kind == CON_JOB_QUEUE ? "still "
			    "working on the queue: wait for the result" :
			    "still applying: wait for the result (c cancels "
			    "before the live files are touched)");
			return (1);
		}
		if (c->job.kind == CON_JOB_QUEUE) {
			/* through the table's row: scans again */
			(void)con_panel_open(c, "Queue");
			return (1);
		}
		c->apply_done = 1;	/* the console reloads, then goes on */
		c->reload = 1;
		return (1);
	}
	c->apply_follow = 0;
	return (con_page_key(c, ch));
}

/* apply_keys_now - cancel only while running */
static const struct con_key *
apply_keys_now(const struct con *c)
{
	if (!con_job_running(c))
		return (apply_keys_done);
	return (c->job.kind == CON_JOB_QUEUE ? apply_keys_queue :
	    apply_keys_running);
}

const struct con_view con_view_apply = {
	.name = "Apply",
	.keys = apply_keys_done,
	.draw = apply_draw,
	.key = apply_key,
	.keys_now = apply_keys_now,
};

/* ---- editing a proposed value ---------------------------------------- */

/* editable - the fix of the finding shown, if it has one single-line
 * edit whose new text the operator may change; else NULL and why */
static struct mg_fix *
editable(struct con *c, const char **why)
{
	struct mg_report *r = &c->app->report;
	const struct mg_finding *f;
	struct mg_fix *x;

	*why = NULL;
	if (c->finding >= r->nfindings)
		return (NULL);
	f = &r->findings[c->finding];
	if (f->nfix_ids != 1 || (x = (struct mg_fix *)mg_report_find_fix(r,
	    f->fix_ids[0])) == NULL) {
		*why = f->nfix_ids == 0 ? "no fix is proposed for this "
		    "finding" : "this finding has several fixes: nothing "
		    "single to edit";
		return (NULL);
	}
	if (x->nedits != 1 || x->edits[0].new_text == NULL ||
	    strchr(x->edits[0].new_text, '\n') != NULL ||
	    strlen(x->edits[0].new_text) >= sizeof(c->edit.buf)) {
		*why = "this fix changes more than one value: export it "
		    "(fix --export-diff) to edit it";
		return (NULL);
	}
	return (x);
}

/* con_edit_begin - open the line editor on the proposed value */
void
con_edit_begin(struct con *c)
{
	const char *why;
	struct mg_fix *x = editable(c, &why);

	if (x == NULL) {
		con_note(c, why != NULL ? why : "nothing to edit");
		return;
	}
	/* The value comes from the configuration: the editor shows it raw,
	 * so only printable ASCII may be edited here. */
	for (why = x->edits[0].new_text; *why != '\0'; why++)
		if (*why < 0x20 || *why > 0x7e) {
			con_note(c, "the value holds characters this editor "
			    "does not show: edit an exported patch instead");
			return;
		}
	memset(&c->edit, 0, sizeof(c->edit));
	c->edit.len = strlen(x->edits[0].new_text);
	memcpy(c->edit.buf, x->edits[0].new_text, c->edit.len);
	c->edit.cur = c->edit.len;
	(void)snprintf(c->edit.label, sizeof(c->edit.label), "%s = ",
	    x->edits[0].param != NULL ? x->edits[0].param : "line");
	c->edit.active = 1;
}

/* finish - the edited value becomes the fix's new text */
static void
finish(struct con *c)
{
	const char *why;
	struct mg_fix *x = editable(c, &why);
	char note[160];

	c->edit.active = 0;
	if (x == NULL)
		return;
	c->edit.buf[c->edit.len] = '\0';
	if (strcmp(x->edits[0].new_text, c->edit.buf) == 0) {
		con_note(c, "value unchanged");
		return;
	}
	/* the engine reads the stage back and derives the proof's probes
	 * from what it trusts (fix_restage.c): nothing to adjust here */
	free(x->edits[0].new_text);
	x->edits[0].new_text = mg_xstrdup(c->edit.buf);
	(void)snprintf(note, sizeof(note), "value edited: the proof judges "
	    "it before anything is applied (a applies)");
	con_note(c, note);
	c->page.width = 0;	/* the diff shows the new value */
}

/* con_edit_key - a key for the line editor */
void
con_edit_key(struct con *c, int ch)
{
	struct con_edit *e = &c->edit;

	switch (ch) {
	case 27:
		e->active = 0;
		con_note(c, e->done != NULL ? "cancelled" : "edit cancelled: "
		    "the proposed value stays");
		return;
	case '\n':
	case '\r':
	case KEY_ENTER:
		if (e->done != NULL) {
			e->active = 0;
			e->done(c);
		} else
			finish(c);
		return;
	case KEY_LEFT:
		if (e->cur > 0)
			e->cur--;
		return;
	case KEY_RIGHT:
		if (e->cur < e->len)
			e->cur++;
		return;
	case KEY_HOME:
	case 1:		/* ^A */
		e->cur = 0;
		return;
	case KEY_END:
	case 5:		/* ^E */
		e->cur = e->len;
		return;
	case 21:	/* ^U: clear */
		e->len = e->cur = 0;
		return;
	case KEY_BACKSPACE:
	case 127:
	case '\b':
		if (e->cur == 0)
			return;
		memmove(e->buf + e->cur - 1, e->buf + e->cur, e->len - e->cur);
		e->cur--;
		e->len--;
		return;
	case KEY_DC:
		if (e->cur == e->len)
			return;
		memmove(e->buf + e->cur, e->buf + e->cur + 1,
		    e->len - e->cur - 1);
		e->len--;
		return;
	}
	/* A configuration value: printable ASCII only. */
	if (ch < 0x20 || ch > 0x7e || e->len + 1 >= sizeof(e->buf))
		return;
	memmove(e->buf + e->cur + 1, e->buf + e->cur, e->len - e->cur);
	e->buf[e->cur++] = (char)ch;
	e->len++;
}

/* con_edit_draw - the editor on the footer line, scrolled to the cursor */
void
con_edit_draw(const struct con *c)
{
	const struct con_edit *e = &c->edit;
	int x, room;
	size_t from = 0;

	con_fill(c, LINES - 1, 0, COLS, CS_NORMAL);
	x = con_put(c, LINES - 1, 0, COLS, CS_BOLD, e->label);
	room = COLS - x - 1;
	if (room < 1)
		return;
	if (e->cur > (size_t)room)
		from = e->cur - (size_t)room;
	(void)mvaddnstr(LINES - 1, x, e->buf + from,
	    (int)((e->len - from) < (size_t)room ? e->len - from :
	    (size_t)room));
	(void)move(LINES - 1, x + (int)(e->cur - from));
}
