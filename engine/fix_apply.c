/*
 * fix_apply.c - apply staged fixes to the live configuration, as
 * docs/ARCHITECTURE.md describes:
 *
 *   1. validate the new files on a private stage with the MTA itself
 *      (Postfix: postconf -c STAGE -n warnings, postfix -c STAGE check,
 *      postmap on staged tables; Exim: the Debian generator into the
 *      stage, exim -C STAGED -bV);
 *   2. prove it: every probe of the fixed findings asked of the
 *      configuration as it is (before) and of the staged one (exim -bh;
 *      a private Postfix): the hole must be refused after, and what was
 *      accepted before must still be accepted - otherwise the fix is
 *      refused and nothing live is touched (a path refused before and
 *      after is no path this server offers, and is said so);
 *   3. each file to replace read once (under the configuration's lock,
 *      which other mailguard-tui runs honour): those bytes are hashed
 *      against what was staged, backed up (fsync'd) into the journal
 *      entry, and all new files written beside their targets; then,
 *      right before the renames, every file must still be that file
 *      (inode, size, mtime) with those bytes, else nothing is renamed;
 *      the renames follow in quick succession.  What remains: a writer
 *      that ignores the lock and writes between that last check and
 *      our rename (microseconds) is overwritten; its change is not in
 *      the backup either;
 *   4. post-commands (postmap, newaliases, update-exim4.conf, reload);
 *   5. verify on the live instance: reload the model, the fixes must no
 *      longer be proposed and the probes, judged against the answers
 *      before the change, must pass as on the stage.
 *
 * Any failure after step 3 restores the backups, rebuilds what the
 * post-commands derived from them, reloads, and says what happened.
 */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "../core/mg_exec.h"
#include "../core/mg_hash.h"
#include "../core/mg_file.h"
#include "../core/mg_install.h"
#include "../core/mg_lines.h"
#include "../core/mg_reaper.h"
#include "../core/mg_sanitize.h"
#include "fix_apply.h"
#include "fix_hash.h"
#include "fix_lock.h"
#include "fix_restage.h"
#include "fix_judge.h"

#define TOOL_MS 120000
#define STAGE_PREFIX "stage."	/* STATE/stage.PID.START.XXXXXX */

/* What one apply collects as it goes. */
struct run {
	struct mg_session *a;
	const struct mg_fix *const *fixes;
	size_t nfixes;
	const struct mg_stage *st;
	FILE *out;
	char stage[PATH_MAX];	/* private stage directory, "" if none */
	struct mg_reaper reaper;	/* removes the stage if we are killed */
	struct mg_change ch;	/* what the backend validates there, and
				 * the staged configuration it made */
	const struct mg_report *judged;	/* the findings and probes the
					 * proof asks: from the stage */
	struct mg_str proof, log;
	/* the probes of the fixed findings, and what the configuration
	 * answered them before the change (asked once, before the stage) */
	const struct mg_probe **probes;
	struct mg_smtp_verdict *before;
	size_t nprobes;
	int asked_before;
	int said_local;		/* the paths not asked were told */
	/* each staged file as read once before the install: hashed,
	 * backed up and compared again right before the rename */
	struct mg_file_snap *snaps;
};

/* say - a progress line, to the operator and the log */
static void say(struct run *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
say(struct run *r, const char *fmt, ...)
{
	struct mg_str s = MG_STR_INIT;
	va_list ap;

	va_start(ap, fmt);
	mg_str_vprintf(&s, fmt, ap);
	va_end(ap);
	mg_str_printf(&r->log, "%s\n", mg_str_cstr(&s));
	if (r->out != NULL) {
		(void)fprintf(r->out, "  %s\n", mg_str_cstr(&s));
		(void)fflush(r->out);
	}
	mg_str_free(&s);
}

/* run_tool - argv, output merged; 0 if it exited 0 (out holds what it
 * said), -1 otherwise (err says why) */
static int
run_tool(const char *const *argv, struct mg_str *out, struct mg_err *err)
{
	return (mg_exec_tool(argv, NULL, 0, TOOL_MS, out, err));
}

/*
 * sabotage - the proof tests' hook: with MAILGUARD_TEST_SABOTAGE set,
 * the stage gets the file as it was (a fix that changes nothing), so
 * the proof must fail and the apply be refused
 */
static void
sabotage(const struct mg_staged_file *f, struct mg_str *text)
{
	size_t i;

	mg_str_reset(text);
	for (i = 0; i < f->nold; i++)
		mg_str_printf(text, "%s%s", f->old[i], i + 1 < f->nold ||
		    f->final_newline ? "\n" : "");
}

/*
 * validate - the staged files handed to the backend, which validates them
 * with the MTA's own tools on the private stage (and says what it ran in
 * r->ch.validation)
 */
static int
validate(struct run *r, struct mg_err *err)
{
	struct mg_str *texts;
	const char **paths;
	size_t i, n = r->st->nfiles;
	int rc;

	paths = mg_xcalloc(n + 1, sizeof(*paths));
	texts = mg_xcalloc(n + 1, sizeof(*texts));
	for (i = 0; i < n; i++) {
		paths[i] = r->st->files[i].path;
		mg_stage_text(&r->st->files[i], &texts[i]);
		if (getenv("MAILGUARD_TEST_SABOTAGE") != NULL)
			sabotage(&r->st->files[i], &texts[i]);
	}
	r->ch.stage = r->stage;
	r->ch.model_dir = r->a->model.config_dir;
	r->ch.paths = paths;
	r->ch.texts = texts;
	r->ch.nfiles = n;
	r->ch.fixes = r->fixes;
	r->ch.nfixes = r->nfixes;
	rc = mg_backend_validate(&r->a->target, &r->ch, err);
	for (i = 0; i < n; i++)
		mg_str_free(&texts[i]);
	free(texts);
	free(paths);
	r->ch.paths = NULL;
	r->ch.texts = NULL;
	r->ch.nfiles = 0;
	return (rc);
}

/* fixed_by - does the finding name one of the fixes being applied? */
static int
fixed_by(const struct run *r, const struct mg_finding *f)
{
	size_t i, k;

	for (i = 0; i < f->nfix_ids; i++)
		for (k = 0; k < r->nfixes; k++)
			if (strcmp(f->fix_ids[i], r->fixes[k]->id) == 0)
				return (1);
	return (0);
}

/* same - a and b are equal strings, or both NULL */
static int
same(const char *a, const char *b)
{
	return (a == b || (a != NULL && b != NULL && strcmp(a, b) == 0));
}

/* asked_already - two findings of one fix may ask the same session */
static int
asked_already(const struct run *r, const struct mg_probe *p)
{
	const struct mg_probe *q;
	size_t i;

	for (i = 0; i < r->nprobes; i++) {
		q = r->probes[i];
		if (same(q->client, p->client) && same(q->client_name,
		    p->client_name) && same(q->sender, p->sender) &&
		    same(q->rcpt, p->rcpt) && same(q->login, p->login) &&
		    same(q->service, p->service) && q->hole_if_accepted ==
		    p->hole_if_accepted)
			return (1);
	}
	return (0);
}

/* collect - the probes of the findings the fixes address, in order
 * (each session once) */
static void
collect(struct run *r, const struct mg_report *rep)
{
	const struct mg_finding *f;
	size_t i, k, n = 0;

	if (r->probes != NULL)
		return;
	for (i = 0; i < rep->nfindings; i++)
		if (fixed_by(r, &rep->findings[i]))
			n += rep->findings[i].nprobes;
	r->probes = mg_xcalloc(n + 1, sizeof(*r->probes));
	r->before = mg_xcalloc(n + 1, sizeof(*r->before));
	for (i = 0; i < rep->nfindings; i++) {
		f = &rep->findings[i];
		if (!fixed_by(r, f))
			continue;
		for (k = 0; k < f->nprobes; k++)
			if (!asked_already(r, &f->probes[k]))
				r->probes[r->nprobes++] = &f->probes[k];
	}
}

/*
 * ask_all - every probe asked of the MTA of t for the configuration conf
 * (what the backend's validate staged; NULL: t's own), answers into v
 * (code -1 and the reason in text where it could not be asked); -1 with
 * err when the backend could not prepare asking (no private instance)
 */
static int
ask_all(struct run *r, struct mg_target *t, const char *conf,
    const char *where, struct mg_smtp_verdict *v, struct mg_err *err)
{
	struct mg_str note = MG_STR_INIT;
	struct mg_err e2;
	void *sim;
	size_t i;
	int rc;

	rc = mg_backend_sim_open(t, conf, &sim, &note, err);
	if (note.len > 0)
		mg_str_printf(&r->proof, "%s: %s\n", where, mg_str_cstr(&note));
	mg_str_free(&note);
	if (rc < 0)
		return (-1);
	for (i = 0; i < r->nprobes; i++) {
		rc = mg_backend_sim_ask(t, sim, r->probes[i], &v[i], &e2);
		if (rc < 0) {
			v[i].code = -1;
			(void)snprintf(v[i].text, sizeof(v[i].text), "%.250s",
			    e2.msg);
			mg_str_printf(&r->proof, "%s: cannot ask the MTA: %s\n",
			    where, e2.msg);
		}
	}
	mg_backend_sim_close(t, sim);
	return (0);
}

/*
 * ask_before - the answers of the configuration as it is, before the
 * change (the live files: Exim's -C file, Postfix's config directory as a
 * private instance), asked once; without them each probe is judged on
 * its answer after the change alone, and the proof says so
 */
static void
ask_before(struct run *r)
{
	struct mg_err err;
	size_t i;

	if (r->asked_before)
		return;
	r->asked_before = 1;
	if (ask_all(r, &r->a->target, NULL, "before", r->before, &err) == 0)
		return;
	for (i = 0; i < r->nprobes; i++) {
		r->before[i].code = -1;
		(void)snprintf(r->before[i].text, sizeof(r->before[i].text),
		    "%.250s", err.msg);
	}
}

/* before_words - "(before the change: 550 TEXT)" for probe i */
static void
before_words(const struct run *r, size_t i, struct mg_str *s)
{
	const struct mg_smtp_verdict *b = &r->before[i];

	if (b->code < 0)
		mg_str_printf(s, "(before the change: not known: %s)",
		    b->text);
	else
		mg_str_printf(s, "(before the change: %d %s)", b->code,
		    b->text);
}

/* local_paths - once, how mail submitted on this host without SMTP
 * arrives, and why the proof does not ask it */
static void
local_paths(struct run *r, const char *where)
{
	size_t i;
	int clientless = 0;

	if (r->said_local)
		return;
	r->said_local = 1;
	for (i = 0; i < r->nprobes; i++)
		if (*r->probes[i]->client == '\0')
			clientless = 1;
	mg_backend_sim_local(&r->a->target, where, clientless, &r->proof);
}

/*
 * prove - every probe of the findings the fixes address, asked of the
 * MTA of t for the configuration conf (the stage's, as the backend's
 * validate made it; NULL: t's own, the live one), and judged against the
 * answers before the change: a hole must be refused; a legitimate path
 * accepted before must still be accepted (one refused before and after
 * is no path this server offers, and says so).  Every probe is asked and
 * told before the verdict.
 */
static int
prove(struct run *r, const struct mg_report *rep, struct mg_target *t,
    const char *conf, const char *where, struct mg_err *err)
{
	struct mg_smtp_verdict *v;
	const struct mg_probe *p;
	struct mg_str b = MG_STR_INIT;
	struct mg_err e2;
	enum mg_judgement j;
	size_t i, n = 0;
	int rc = 0;

	collect(r, rep);
	if (r->nprobes == 0) {
		mg_str_printf(&r->proof, "%s: no simulated session for these "
		    "fixes (their findings carry no probe)\n", where);
		return (0);
	}
	ask_before(r);
	v = mg_xcalloc(r->nprobes, sizeof(*v));
	if (ask_all(r, t, conf, where, v, &e2) < 0) {
		free(v);
		return (mg_err_set(err, "%s: no proof: %s", where, e2.msg));
	}
	for (i = 0; i < r->nprobes; i++) {
		p = r->probes[i];
		if (v[i].code < 0) {
			/* a private instance answers every session it is
			 * asked, so a failure there leaves the fix
			 * unproven */
			if (mg_backend_sim_private(t) && *p->client != '\0' &&
			    rc == 0)
				rc = mg_err_set(err, "%s: no proof: %s", where,
				    v[i].text);
			continue;
		}
		n++;
		j = mg_judge(p->hole_if_accepted, r->before[i].code,
		    v[i].code);
		mg_str_reset(&b);
		before_words(r, i, &b);
		mg_str_printf(&r->proof, "%s: %s%s%s%s%s: MAIL FROM:<%s> "
		    "RCPT TO:<%s> -> %d %s - %s %s\n", where, v[i].how,
		    *p->client != '\0' ? " " : "", p->client,
		    p->login != NULL ? " as login " : "", p->login != NULL ?
		    p->login : "", p->sender,
		    p->rcpt, v[i].code, v[i].text, mg_judge_words(j),
		    mg_str_cstr(&b));
		if (mg_judge_fails(j) && rc == 0)
			rc = mg_err_set(err, "%s: %s%s%s%s%s%s%s RCPT "
			    "TO:<%s> -> %d %s %s: %s", where, v[i].how,
			    *p->client != '\0' ? " " : "", p->client,
			    p->login != NULL ? " as login " : "",
			    p->login != NULL ? p->login : "",
			    p->login != NULL ? " MAIL FROM:" : "",
			    p->login != NULL ? p->sender : "", p->rcpt,
			    v[i].code, v[i].text,
			    mg_str_cstr(&b), mg_judge_why(j));
	}
	mg_str_free(&b);
	free(v);
	local_paths(r, where);
	if (rc == 0 && n == 0)
		mg_str_printf(&r->proof, "%s: no simulated session answered "
		    "(see above)\n", where);
	return (rc);
}

/*
 * judge_stage - the staged configuration read back by the backend and
 * checked as the live one is (fix_restage.c): an edited value is judged
 * as what will be installed, and the proof asks the probes derived from
 * it.  0 if judged (rs->why non-empty: the hole stays), -1 if the stage
 * cannot be read.
 */
static int
judge_stage(struct run *r, struct mg_restage *rs, struct mg_err *err)
{
	if (mg_fix_restage(r->a, r->fixes, r->nfixes, &r->ch, rs, err) < 0)
		return (-1);
	mg_str_puts(&r->ch.validation, mg_str_cstr(&rs->log));
	r->judged = &rs->probes;
	return (0);
}

/* stage_open - say why the stage keeps the hole (and into err) */
static void
stage_open(struct run *r, const struct mg_restage *rs, struct mg_err *err)
{
	struct mg_str s = MG_STR_INIT;

	mg_str_printf(&s, "stage: %s", mg_str_cstr(&rs->why));
	mg_print_sanitized_lines(r->out, mg_str_cstr(&s));
	mg_str_free(&s);
	if (err != NULL)
		(void)mg_err_set(err, "%s", mg_str_cstr(&rs->why));
}

/* extra_files - files post-commands change, backed up too (copies of
 * the names, caller frees) */
static void
extra_files(const struct mg_target *t, const struct mg_fix *x, char **v,
    size_t *n, size_t max)
{
	size_t i;

	for (i = 0; i < x->npost; i++)
		mg_backend_post_outputs(t, &x->post[i], v, n, max);
}

/*
 * mg_rebuild_wait_ms - how long to wait before rebuilding a table whose
 * newest file was written at mtime (whole seconds), the file system's
 * clock reading now: 0 once now is in a later second; else until the
 * next second begins; 1000 (the most) for a table from the future.
 * Postfix notices a rebuilt table by its mtime in whole seconds
 * (dict_changed_name compares st_mtime with the one it opened), and
 * postmap and postalias rewrite the file in place: a rebuild in the
 * same second as the build the daemons opened leaves them on the old
 * table until they exit (max_idle, max_use), with no reload to tell
 * them - guided hardening applies fixes on one table back to back.
 */
long
mg_rebuild_wait_ms(time_t mtime, const struct timespec *now)
{
	long ms;

	if (now->tv_sec > mtime)
		return (0);
	if (now->tv_sec < mtime)
		return (1000);
	ms = 1000 - now->tv_nsec / 1000000;
	return (ms < 1 ? 1 : ms > 1000 ? 1000 : ms);
}

/* rebuild_later - before post-command c: when a file it rewrites (a
 * table postmap or postalias builds) was written in this very second,
 * wait for the next one (1 s at most; mg_rebuild_wait_ms) */
static void
rebuild_later(struct run *r, const struct mg_cmd *c)
{
	char *v[16];
	struct timespec now, nap;
	struct stat st;
	time_t newest = 0;
	size_t n = 0, i;
	long ms, waited = 0;
	int have = 0;

	mg_backend_post_outputs(&r->a->target, c, v, &n, sizeof(v) /
	    sizeof(v[0]));
	for (i = 0; i < n; i++) {
		if (stat(v[i], &st) == 0 && (!have || st.st_mtime > newest)) {
			newest = st.st_mtime;
			have = 1;
		}
		free(v[i]);
	}
	/* the clock the file system stamps files with: it may lag the
	 * precise one by a tick */
	while (have && waited < 1000) {
		if (clock_gettime(CLOCK_REALTIME_COARSE, &now) < 0 ||
		    (ms = mg_rebuild_wait_ms(newest, &now)) == 0)
			break;
		if (ms > 1000 - waited)
			ms = 1000 - waited;
		if (waited == 0)
			say(r, "waiting for the next second before %s: the "
			    "table was built in this one, and Postfix sees a "
			    "rebuilt table only by a newer mtime", c->argv[0]);
		nap.tv_sec = 0;
		nap.tv_nsec = ms * 1000000L;
		(void)nanosleep(&nap, NULL);
		waited += ms;
	}
}

/* run_post - every post-command of the fixes, in order; each that
 * rewrites a table in a later second than that table was last built */
static int
run_post(struct run *r, struct mg_str *rebuild, struct mg_err *err)
{
	const struct mg_cmd *c;
	struct mg_cmd own;
	struct mg_str out = MG_STR_INIT;
	const char *stopped;
	size_t k, i, w;
	int rc = 0;

	for (k = 0; k < r->nfixes && rc == 0; k++)
		for (i = 0; i < r->fixes[k]->npost && rc == 0; i++) {
			if (mg_cmd_seen(r->fixes, k, i))
				continue;	/* one reload is enough */
			c = &r->fixes[k]->post[i];
			/* the program the backend runs it with (Exim: the
			 * generator the target was read with) */
			own = *c;
			own.argv = mg_xcalloc(c->argc + 1, sizeof(char *));
			memcpy(own.argv, c->argv, c->argc * sizeof(char *));
			own.argv[0] = (char *)mg_backend_post_program(
			    &r->a->target, c);
			c = &own;
			if (mg_backend_post_rebuilds(&r->a->target, c)) {
				for (w = 0; w < c->argc; w++)
					mg_str_printf(rebuild, "%s%s", w > 0 ?
					    "\x1f" : "", c->argv[w]);
				mg_str_putc(rebuild, '\n');
			}
			rebuild_later(r, c);
			mg_str_reset(&out);
			if (run_tool((const char *const *)c->argv, &out,
			    err) < 0) {
				if ((stopped = mg_backend_post_not_running(
				    &r->a->target, c)) != NULL)
					say(r, "%s: %s", c->argv[0], stopped);
				else
					rc = -1;
			} else
				say(r, "ran %s %s", c->argv[0], c->argc > 1 ?
				    c->argv[c->argc - 1] : "");
			free(own.argv);
			mg_fault("post");
		}
	mg_str_free(&out);
	return (rc);
}

/* reload - the backend's reload (Exim: SIGHUP to the daemon; Postfix:
 * none, postfix reload is a post-command), told to the operator as it
 * happens */
static void
reload(struct run *r)
{
	struct mg_str log = MG_STR_INIT;

	mg_backend_reload(&r->a->target, &log);
	if (log.len > 0)
		say(r, "%.*s", (int)strcspn(mg_str_cstr(&log), "\n"),
		    mg_str_cstr(&log));
	mg_str_free(&log);
}

/* mg_fix_rebuild - run the rebuild commands journaled with an entry
 * (after its files were restored); 0 if all succeeded */
int
mg_fix_rebuild(const struct mg_target *t, const char *rebuild,
    struct mg_str *log)
{
	const char *cur = rebuild != NULL ? rebuild : "", *line;
	const char *argv[32];
	struct mg_str out = MG_STR_INIT;
	struct mg_err err;
	struct mg_cmd c;
	char *copy, *p;
	size_t len, n;
	int rc = 0;

	while (mg_line_next(&cur, &line, &len)) {
		copy = mg_xstrndup(line, len);
		for (n = 0, p = copy; p != NULL && n + 1 < 32; n++) {
			argv[n] = p;
			if ((p = strchr(p, '\x1f')) != NULL)
				*p++ = '\0';
		}
		argv[n] = NULL;
		c.argv = (char **)argv;
		c.argc = n;
		mg_str_reset(&out);
		if (run_tool(argv, &out, &err) < 0) {
			if (mg_backend_post_not_running(t, &c) !=
			    NULL)
				mg_str_printf(log, "%s: the server is not "
				    "running; nothing to reload\n", argv[0]);
			else {
				mg_str_printf(log, "FAILED: %s\n", err.msg);
				rc = -1;
			}
		} else
			mg_str_printf(log, "ran %s %s\n", argv[0],
			    n > 1 ? argv[n - 1] : "");
		free(copy);
	}
	mg_str_free(&out);
	return (rc);
}

/*
 * mg_fix_incomplete - tell the operator about every entry an interrupted
 * run left unfinished, and how to finish it: an apply or a rollback of
 * files (the configuration may be partly changed), a purge or a hold
 * (mail may be left on hold or in the quarantine), a rollback putting
 * mail back.  The number of those that left files half changed (an apply
 * refuses to pile a change on them).
 */
/* step_name - a journal step as the tool writes it (lower case, digits,
 * '-'), else "?": the row's text is never printed as it stands */
static const char *
step_name(const char *step)
{
	if (step == NULL || *step == '\0' ||
	    step[strspn(step, "abcdefghijklmnopqrstuvwxyz0123456789-")] !=
	    '\0')
		return ("?");
	return (step);
}

int
mg_fix_incomplete(struct mg_journal *j, FILE *out)
{
	struct mg_jentry *v;
	struct mg_err err;
	const char *step;
	size_t n, i, k;
	int mail;

	if (mg_journal_entries(j, 0, 1, &v, &n, &err) < 0)
		return (0);
	for (i = 0, k = 0; i < n; i++) {
		step = step_name(v[i].step);
		mail = strcmp(v[i].action, "purge") == 0 ||
		    strcmp(v[i].action, "hold") == 0;
		(void)fprintf(out, "mailguard-tui: journal entry %ld (",
		    v[i].id);
		mg_print_sanitized(out, v[i].summary);
		if (strcmp(v[i].state, "rolling-back") == 0 && mail)
			(void)fprintf(out, "): putting its mail back was "
			    "interrupted: some messages may still be on hold "
			    "or in the quarantine. Finish it with: "
			    "mailguard-tui rollback %ld\n", v[i].id);
		else if (strcmp(v[i].state, "rolling-back") == 0)
			(void)fprintf(out, "): its rollback was interrupted "
			    "at step \"%s\": the configuration may be partly "
			    "restored. Finish it with: mailguard-tui rollback "
			    "%ld\n", step, v[i].id);
		else if (mail && strcmp(v[i].action, "purge") == 0)
			(void)fprintf(out, ") was interrupted at step \"%s\": "
			    "its messages may be left on hold (Postfix), "
			    "queued with a copy in the quarantine, or removed "
			    "into it, and it never finished. Finish it with: "
			    "mailguard-tui purge --finish %ld (Exim), or put "
			    "back only what it removed with: mailguard-tui "
			    "rollback %ld\n", step, v[i].id, v[i].id);
		else if (mail)
			(void)fprintf(out, ") was interrupted at step \"%s\": "
			    "its messages may be left on hold (Exim: frozen) "
			    "and it never finished. Put them back with: "
			    "mailguard-tui rollback %ld (then %s again if "
			    "still wanted)\n", step, v[i].id, v[i].action);
		else
			(void)fprintf(out, ") was interrupted at step \"%s\": "
			    "the configuration may be partly changed. Restore "
			    "it with: mailguard-tui rollback %ld\n", step,
			    v[i].id);
		if (!mail)
			k++;
	}
	mg_jentries_free(v, n);
	return ((int)k);
}

/* summary - "fix a, b" */
static void
summary(const struct run *r, struct mg_str *s)
{
	size_t k;

	mg_str_puts(s, "fix ");
	for (k = 0; k < r->nfixes; k++)
		mg_str_printf(s, "%s%s", k > 0 ? ", " : "", r->fixes[k]->id);
}

/* verify - the live instance, re-read: none of the fixes is proposed
 * any more, and the probes answer as they did on the stage */
static int
verify(struct run *r, struct mg_err *err)
{
	struct mg_session b;
	size_t k, done;
	int rc = 0;

	mg_session_init(&b);
	b.opts = r->a->opts;
	if (mg_session_load(&b) < 0) {
		rc = mg_err_set(err, "cannot re-read the live configuration: "
		    "%s", b.err.msg);
		goto out;
	}
	/* the restore tests' hook: the live check fails after the reload */
	if (getenv("MAILGUARD_TEST_FAIL_LIVE") != NULL) {
		rc = mg_err_set(err, "the live check failed (test hook "
		    "MAILGUARD_TEST_FAIL_LIVE)");
		goto out;
	}
	for (k = 0; k < r->nfixes; k++)
		if (mg_fix_restage_needs(&b.model, &b.report,
		    r->fixes[k]->id)) {
			rc = mg_err_set(err, "the live configuration still "
			    "needs fix %s after applying it",
			    r->fixes[k]->id);
			goto out;
		}
	done = r->proof.len;
	if (prove(r, r->judged, &b.target, NULL, "live", err) < 0)
		rc = -1;
	if (r->out != NULL && r->proof.len > done)
		mg_print_sanitized_lines(r->out, r->proof.data + done);
	if (rc == 0)
		say(r, "verified on the live configuration: %zu fix%s no "
		    "longer proposed", r->nfixes, r->nfixes == 1 ? "" : "es");
out:
	mg_session_free(&b);
	return (rc);
}

/*
 * mg_fix_done_words - a finished apply in words, from its log (what
 * the post-commands and the reload said): "reloaded" only when a reload
 * ran; a fix whose post-commands only rebuild a table (postmap, a
 * sasldb edit) needs none, a server that is not running reads the new
 * files when it starts, and without a daemon every Exim process reads
 * its configuration afresh
 */
const char *
mg_fix_done_words(const char *log)
{
	if (strstr(log, "ran postfix reload\n") != NULL ||
	    strstr(log, "/postfix reload\n") != NULL ||
	    strstr(log, "sent SIGHUP") != NULL)
		return ("applied, reloaded and verified");
	if (strstr(log, "no Exim daemon running") != NULL)
		return ("applied and verified; no daemon to reload: the next "
		    "Exim process reads the new configuration");
	if (strstr(log, "not running") != NULL)
		return ("applied and verified; the server is not running: "
		    "it reads the new configuration when it starts");
	return ("applied and verified; no reload was needed: the server "
	    "reads the rebuilt files itself");
}

/*
 * undone - the words for a restore that worked, from what its rebuild
 * and reload said (log, from the restore on): the old configuration
 * reloaded, or never replaced in the running server
 */
static const char *
undone(const char *rebuild, const char *log)
{
	if (strstr(log, "ran postfix reload\n") != NULL ||
	    strstr(log, "/postfix reload\n") != NULL ||
	    strstr(log, "sent SIGHUP") != NULL)
		return ("the old configuration is reloaded: the server runs "
		    "as before this apply");
	if (strstr(log, "not running") != NULL ||
	    strstr(log, "no Exim daemon running") != NULL)
		return ("the server is not running: it reads the old "
		    "configuration, as before this apply, when it starts");
	if (rebuild == NULL || strstr(rebuild, "reload") == NULL)
		return ("the server never read the new files: it runs as "
		    "before this apply");
	return ("the old configuration is in place: the server runs as "
	    "before this apply");
}

/*
 * as_left - restore()'s last check, right before it renames the backups
 * into place: every staged file holds what this apply installed or (not
 * reached) what it read.  0; or -1 with err, the change shown, when
 * another writer (one that ignores our lock) changed it since: putting
 * the backup back would lose that change
 */
static int
as_left(void *arg, struct mg_err *err)
{
	struct run *r = arg;
	struct mg_file_snap now;
	struct mg_str text = MG_STR_INIT, d = MG_STR_INIT;
	char hex[MG_SHA256_HEX];
	const char *path;
	size_t i;
	int ok, rc = 0;

	for (i = 0; rc == 0 && i < r->st->nfiles; i++) {
		path = r->st->files[i].path;
		if (mg_file_snap_take(&now, path, err) < 0) {
			rc = -1;
			break;
		}
		mg_str_free(&text);	/* mg_stage_text starts afresh */
		mg_stage_text(&r->st->files[i], &text);
		if (mg_sha256_hex(text.data != NULL ? text.data : "", text.len,
		    hex, err) < 0)
			rc = -1;
		ok = strcmp(now.sha256, r->snaps[i].sha256) == 0 ||
		    strcmp(now.sha256, hex) == 0;
		if (rc == 0 && !ok && r->out != NULL) {
			mg_str_reset(&d);
			mg_str_puts(&d, "  ");
			mg_str_puts(&d, path);
			mg_str_puts(&d, " changed after this apply installed "
			    "it:\n");
			mg_text_diff("installed", "now", mg_str_cstr(&text),
			    mg_str_cstr(&now.text), &d);
			mg_print_sanitized_lines(r->out, mg_str_cstr(&d));
		}
		if (rc == 0 && !ok)
			rc = mg_err_set(err, "%s changed after this apply "
			    "installed it (shown above; another writer that "
			    "does not take mailguard-tui's lock): the backups "
			    "are not put back over that change", path);
		mg_file_snap_free(&now);
	}
	mg_str_free(&text);
	mg_str_free(&d);
	return (rc);
}

/* restore - put the backups back, rebuild, reload; the result state.
 * err says why it failed; when the restore works, it says what the
 * restore did first, then why */
static enum mg_apply_result
restore(struct run *r, struct mg_journal *j, long id, struct mg_err *err)
{
	struct mg_jentry *v;
	struct mg_err e2;
	char why[MG_ERR_MAX];
	size_t n, from;
	int bad = 0, rc;

	(void)snprintf(why, sizeof(why), "%s", err->msg);
	say(r, "FAILED: %s", why);
	say(r, "restoring the previous files");
	if (mg_journal_entries(j, id, 0, &v, &n, &e2) < 0 || n != 1) {
		say(r, "cannot read journal entry %ld: restore it with "
		    "mailguard-tui rollback %ld", id, id);
		return (MG_APPLY_BROKEN);
	}
	from = r->log.len;
	if ((rc = mg_journal_restore_checked(j, &v[0], as_left, r, &r->log,
	    &e2)) == -2) {
		/* nothing put back: the files stay as they are, the entry
		 * "failed" for the operator (and rollback) to judge */
		say(r, "restore refused: %s", e2.msg);
		(void)mg_err_set(err, "%s; the files are left as they are: "
		    "see mailguard-tui journal, and rollback %ld once they "
		    "are as wanted (it failed because %s)", e2.msg, id, why);
		mg_jentries_free(v, n);
		(void)mg_journal_set(j, id, "state", "failed");
		(void)mg_journal_set(j, id, "result", why);
		return (MG_APPLY_BROKEN);
	}
	if (rc < 0) {
		say(r, "restore failed: %s", e2.msg);
		bad = 1;
	}
	if (mg_fix_rebuild(&r->a->target, v[0].rebuild, &r->log) < 0)
		bad = 1;
	reload(r);
	if (!bad) {
		say(r, "restored the previous files; %s", undone(v[0].rebuild,
		    r->log.data != NULL ? r->log.data + from : ""));
		(void)mg_err_set(err, "restored the previous files; %s (it "
		    "failed because %s)", undone(v[0].rebuild, r->log.data !=
		    NULL ? r->log.data + from : ""), why);
	}
	mg_jentries_free(v, n);
	(void)mg_journal_set(j, id, "state", bad ? "failed" : "restored");
	(void)mg_journal_set(j, id, "result", why);
	return (bad ? MG_APPLY_BROKEN : MG_APPLY_RESTORED);
}

/* cleanup_stage - rm -rf the private stage */
static void
cleanup_stage(struct run *r)
{
	const char *argv[] = { "rm", "-rf", "--", r->stage, NULL };
	struct mg_err err;

	if (r->stage[0] != '\0')
		(void)run_tool(argv, NULL, &err);
	mg_reaper_done(&r->reaper);
	r->stage[0] = '\0';
}

/* record_installed - the bytes installed as path and their SHA-256,
 * journaled for a later rollback to check */
static int
record_installed(struct mg_journal *j, long id, const char *path,
    const struct mg_str *text, struct mg_err *err)
{
	char hex[MG_SHA256_HEX];

	if (mg_sha256_hex(text->data != NULL ? text->data : "", text->len,
	    hex, err) < 0)
		return (-1);
	return (mg_journal_installed(j, id, path, hex, text->data, text->len,
	    err));
}

/*
 * unchanged_since_staged - every staged file read once (r->snaps: the
 * bytes the backup keeps and the rename checks again) still holds the
 * bytes it was staged from; a changed one (an edit, postconf -e, another
 * fix) is shown and refuses the apply unless force.  0 or -1 with err.
 */
static int
unchanged_since_staged(struct run *r, int force, struct mg_err *err)
{
	const struct mg_staged_file *f;
	struct mg_str was = MG_STR_INIT;
	struct mg_file_snap *sn;
	size_t i, k;
	int rc = 0;

	r->snaps = mg_xcalloc(r->st->nfiles + 1, sizeof(*r->snaps));
	for (i = 0; i < r->st->nfiles && rc == 0; i++) {
		f = &r->st->files[i];
		sn = &r->snaps[i];
		if (mg_file_snap_take(sn, f->path, err) < 0) {
			rc = -1;
			break;
		}
		mg_str_reset(&was);
		for (k = 0; k < f->nold; k++)
			mg_str_printf(&was, "%s%s", f->old[k],
			    k + 1 < f->nold || f->final_newline ? "\n" : "");
		if (!mg_file_snap_differs(sn, f->path, f->sha256,
		    mg_str_cstr(&was), r->out))
			continue;
		if (force)
			say(r, "--force: installing over the change to %s",
			    f->path);
		else
			rc = mg_err_set(err, "%s changed since it was read "
			    "(shown above): nothing changed; run the fix again "
			    "to stage it on the file as it is now (--force "
			    "installs over that change, which is then lost)",
			    f->path);
	}
	mg_str_free(&was);
	return (rc);
}

/*
 * still_as_read - right before the renames: every file to replace is
 * still the one read (r->snaps), byte for byte.  0; or -1 with err, the
 * change shown, when another writer got in since the read (it would be
 * overwritten, and it is not in the backup).
 */
static int
still_as_read(struct run *r, struct mg_err *err)
{
	size_t i;
	int c;

	for (i = 0; i < r->st->nfiles; i++) {
		c = mg_file_snap_same(&r->snaps[i], r->st->files[i].path,
		    r->out, err);
		if (c < 0)
			return (-1);
		if (c == 0)
			return (mg_err_set(err, "%s changed while this apply "
			    "was installing it (shown above; another writer "
			    "that does not take mailguard-tui's lock): nothing "
			    "was replaced, and that change is kept; run the "
			    "fix again to stage it on the file as it is now",
			    r->st->files[i].path));
	}
	return (0);
}

/* install - backups of the bytes read, then every new file prepared,
 * checked (still_as_read) and renamed.  0; -1 with err; -2 with err when
 * nothing was replaced because a file changed (nothing to restore: a
 * restore would put the backup over that change) */
static int
install(struct run *r, struct mg_journal *j, long id, struct mg_err *err)
{
	char *extra[32];
	struct mg_install *in;
	struct mg_str text = MG_STR_INIT;
	const struct mg_file_snap *sn;
	size_t i, k, nextra = 0;
	int rc = -1;

	for (k = 0; k < r->nfixes; k++)
		extra_files(&r->a->target, r->fixes[k], extra, &nextra, 32);
	for (i = 0; i < r->st->nfiles; i++) {
		sn = &r->snaps[i];
		if (mg_journal_backup_bytes(j, id, r->st->files[i].path,
		    sn->exists, sn->text.data, sn->text.len, sn->mode, sn->uid,
		    sn->gid, err) < 0)
			goto fail_extra;
	}
	for (i = 0; i < nextra; i++)
		if (mg_journal_backup(j, id, extra[i], err) < 0)
			goto fail_extra;
	for (i = 0; i < nextra; i++)
		free(extra[i]);
	(void)mg_journal_set(j, id, "step", "backed-up");
	say(r, "backed up %zu file%s into %s/backups/%ld",
	    r->st->nfiles + nextra, r->st->nfiles + nextra == 1 ? "" : "s",
	    j->dir, id);
	mg_fault("backup");
	in = mg_xcalloc(r->st->nfiles + 1, sizeof(*in));
	for (i = 0; i < r->st->nfiles; i++) {
		sn = &r->snaps[i];
		if (!sn->exists) {
			(void)mg_err_set(err, "%s: no such file",
			    r->st->files[i].path);
			goto out;
		}
		mg_str_free(&text);	/* mg_stage_text starts afresh */
		mg_stage_text(&r->st->files[i], &text);
		if (mg_install_prepare(&in[i], r->st->files[i].path,
		    text.data != NULL ? text.data : "", text.len,
		    sn->mode, sn->uid, sn->gid, err) < 0)
			goto out;
	}
	mg_fault("prepared");
	if (still_as_read(r, err) < 0) {
		rc = -2;
		goto out;
	}
	(void)mg_journal_set(j, id, "step", "installing");
	for (i = 0; i < r->st->nfiles; i++) {
		if (mg_install_commit(&in[i], err) < 0)
			goto out;
		say(r, "installed %s", r->st->files[i].path);
		mg_str_free(&text);	/* mg_stage_text starts afresh */
		mg_stage_text(&r->st->files[i], &text);
		if (record_installed(j, id, r->st->files[i].path, &text,
		    err) < 0)
			goto out;
		mg_fault("install");
	}
	(void)mg_journal_set(j, id, "step", "installed");
	rc = 0;
out:
	for (i = 0; i < r->st->nfiles; i++)
		mg_install_abort(&in[i]);
	free(in);
	mg_str_free(&text);
	return (rc);
fail_extra:
	for (i = 0; i < nextra; i++)
		free(extra[i]);
	return (-1);
}

/*
 * mg_fix_apply - the whole flow for the staged fixes (diff: their patch,
 * shown and journaled).  The state directory's lock is held throughout.
 */
enum mg_apply_result
mg_fix_apply(struct mg_session *a, const struct mg_fix *const *fixes, size_t n,
    const struct mg_stage *st, const char *diff,
    const struct mg_apply_opts *o, struct mg_err *err)
{
	struct run r;
	struct mg_journal j;
	struct mg_lock lk = { -1 };
	struct mg_restage rs;
	struct mg_str sum = MG_STR_INIT, rebuild = MG_STR_INIT;
	enum mg_apply_result res = MG_APPLY_REFUSED;
	char tmpl[PATH_MAX];
	long id;
	size_t i;
	int rc;

	memset(&r, 0, sizeof(r));
	memset(&rs, 0, sizeof(rs));
	r.reaper.fd = -1;
	r.a = a;
	r.judged = &a->report;
	r.fixes = fixes;
	r.nfixes = n;
	r.st = st;
	r.out = o->out;
	if (mg_journal_open(&j, a->target.state_dir, 1, err) < 0)
		return (MG_APPLY_REFUSED);
	/* the configuration itself, held until verified or restored */
	if (mg_fix_lock(&lk, &a->target, err) < 0) {
		mg_journal_close(&j);
		return (MG_APPLY_REFUSED);
	}
	/* stages of runs killed with their reaper (and the private MTA
	 * that may still run in one; also that of an unfinished entry: its
	 * rollback uses the backups); ours is named with our pid and start
	 * time for the next run to know when it is stale */
	(void)mg_reaper_stale(a->target.state_dir, STAGE_PREFIX);
	if (mg_fix_incomplete(&j, r.out) > 0) {
		(void)mg_err_set(err, "an earlier apply was interrupted; "
		    "roll it back first (see above): nothing changed");
		goto out;
	}
	if (mg_reaper_template(tmpl, sizeof(tmpl), a->target.state_dir,
	    STAGE_PREFIX, err) < 0)
		goto out;
	if (mkdtemp(tmpl) == NULL) {
		(void)mg_err_errno(err, "cannot create a stage in %s",
		    a->target.state_dir);
		goto out;
	}
	/* the stage (and a private MTA started from it) never outlives us,
	 * also if we are killed: the journal's backups, not the stage, are
	 * what a rollback of an interrupted apply uses */
	if (mg_reaper_watch(&r.reaper, tmpl, err) < 0) {
		(void)rmdir(tmpl);
		goto out;
	}
	(void)snprintf(r.stage, sizeof(r.stage), "%s", tmpl);
	if (r.out != NULL)
		(void)fprintf(r.out, "validating on %s\n", r.stage);
	if (validate(&r, err) < 0) {
		(void)fprintf(r.out, "  refused: validation failed\n");
		goto out;
	}
	mg_print_sanitized_lines(r.out, mg_str_cstr(&r.ch.validation));
	if (o->cancelled != NULL && o->cancelled()) {
		res = MG_APPLY_DECLINED;
		(void)fprintf(r.out, "  cancelled after validation: nothing "
		    "changed\n");
		goto out;
	}
	if (judge_stage(&r, &rs, err) < 0) {
		(void)fprintf(r.out, "  refused: the staged configuration "
		    "cannot be judged; the live configuration is untouched\n");
		goto out;
	}
	mg_print_sanitized_lines(r.out, mg_str_cstr(&rs.log));
	if (prove(&r, r.judged, &a->target, r.ch.conf, "stage", err) < 0) {
		mg_print_sanitized_lines(r.out, mg_str_cstr(&r.proof));
		if (rs.why.len > 0)
			stage_open(&r, &rs, NULL);
		(void)fprintf(r.out, "  refused: the proof failed; the live "
		    "configuration is untouched\n");
		goto out;
	}
	mg_print_sanitized_lines(r.out, mg_str_cstr(&r.proof));
	if (rs.why.len > 0) {
		stage_open(&r, &rs, err);
		(void)fprintf(r.out, "  refused: the staged configuration, "
		    "checked as the live one is, keeps the hole; the live "
		    "configuration is untouched\n");
		goto out;
	}
	if (o->cancelled != NULL && o->cancelled()) {
		res = MG_APPLY_DECLINED;
		(void)fprintf(r.out, "  cancelled after the proof: nothing "
		    "changed\n");
		goto out;
	}
	if (!o->yes && (o->confirm == NULL || !o->confirm("Apply these "
	    "changes to the live configuration?"))) {
		res = MG_APPLY_DECLINED;
		goto out;
	}
	if (unchanged_since_staged(&r, o->force, err) < 0) {
		(void)fprintf(r.out, "  refused: a file changed since it was "
		    "staged; the live configuration is untouched\n");
		goto out;
	}
	summary(&r, &sum);
	if ((id = mg_journal_begin(&j, "fix", mg_str_cstr(&sum), diff,
	    err)) < 0)
		goto out;
	(void)mg_journal_set(&j, id, "validation",
	    mg_str_cstr(&r.ch.validation));
	(void)mg_journal_set(&j, id, "proof", mg_str_cstr(&r.proof));
	(void)fprintf(r.out, "applying (journal entry %ld)\n", id);
	if ((rc = install(&r, &j, id, err)) == -2) {
		/* nothing replaced: the backups are not put back over the
		 * change that stopped it */
		(void)mg_journal_set(&j, id, "state", "restored");
		(void)mg_journal_set(&j, id, "result", err->msg);
		res = MG_APPLY_REFUSED;
		goto out;
	} else if (rc < 0) {
		res = restore(&r, &j, id, err);
		goto out;
	}
	if (run_post(&r, &rebuild, err) < 0) {
		(void)mg_journal_set(&j, id, "rebuild", mg_str_cstr(&rebuild));
		res = restore(&r, &j, id, err);
		goto out;
	}
	(void)mg_journal_set(&j, id, "rebuild", mg_str_cstr(&rebuild));
	reload(&r);
	(void)mg_journal_set(&j, id, "step", "reloaded");
	mg_fault("reload");
	if (verify(&r, err) < 0) {
		res = restore(&r, &j, id, err);
		goto out;
	}
	(void)mg_journal_set(&j, id, "proof", mg_str_cstr(&r.proof));
	(void)mg_journal_set(&j, id, "result", mg_str_cstr(&r.log));
	(void)mg_journal_set(&j, id, "step", "verified");
	(void)mg_journal_set(&j, id, "state", "done");
	if (o->done != NULL && o->donesz > 0)
		(void)snprintf(o->done, o->donesz, "%s",
		    mg_fix_done_words(mg_str_cstr(&r.log)));
	res = MG_APPLY_DONE;
out:
	cleanup_stage(&r);
	mg_restage_free(&rs);
	mg_journal_close(&j);
	mg_config_unlock(&lk);
	mg_str_free(&sum);
	mg_str_free(&rebuild);
	mg_str_free(&r.ch.validation);
	mg_str_free(&r.proof);
	mg_str_free(&r.log);
	free(r.probes);
	free(r.before);
	for (i = 0; r.snaps != NULL && i < r.st->nfiles; i++)
		mg_file_snap_free(&r.snaps[i]);
	free(r.snaps);
	return (res);
}
