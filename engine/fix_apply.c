/*
 * fix_apply.c - apply staged fixes to the live configuration, as
 * DESIGN.md "Applying a change" describes:
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
 *   3. journal entry and exact backups (fsync'd) before the first live
 *      change; all new files written beside their targets first, then
 *      renamed in quick succession;
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
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../backends/postfix/pf_proof.h"
#include "../core/mg_exec.h"
#include "../core/mg_file.h"
#include "../core/mg_install.h"
#include "../core/mg_lines.h"
#include "../core/mg_sanitize.h"
#include "fix_apply.h"
#include "fix_restage.h"
#include "fix_judge.h"

#define TOOL_MS 120000

/* What one apply collects as it goes. */
struct run {
	struct mg_session *a;
	const struct mg_fix *const *fixes;
	size_t nfixes;
	const struct mg_stage *st;
	FILE *out;
	char stage[PATH_MAX];	/* private stage directory, "" if none */
	char staged_conf[PATH_MAX + 64];	/* Exim: the -C file there */
	char staged_dir[PATH_MAX + 16];	/* Postfix: main.cf, master.cf */
	char staged_src[PATH_MAX + 16];	/* Exim: the staged Debian sources */
	const struct mg_report *judged;	/* the findings and probes the
					 * proof asks: from the stage */
	struct mg_str validation, proof, log;
	/* the probes of the fixed findings, and what the configuration
	 * answered them before the change (asked once, before the stage) */
	const struct mg_probe **probes;
	struct mg_smtp_verdict *before;
	size_t nprobes;
	int asked_before;
	int said_local;		/* the paths not asked were told */
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

/* write_file - a stage file (mode 0600: it may hold secrets) */
static int
write_file(const char *path, const struct mg_str *text, struct mg_err *err)
{
	char dir[PATH_MAX], *slash;

	(void)snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return (mg_err_errno(err, "cannot create %s", dir));
	}
	return (mg_install_file(path, text->data != NULL ? text->data : "",
	    text->len, 0600, geteuid(), getegid(), err));
}

/* under - is path inside dir?  Then *rel is the rest (no leading /) */
static int
under(const char *path, const char *dir, const char **rel)
{
	size_t n;

	if (dir == NULL)
		return (0);
	n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (strncmp(path, dir, n) != 0 || path[n] != '/')
		return (0);
	*rel = path + n + 1;
	return (1);
}

/*
 * source_dir - the configuration directory the fixes edit: the target's
 * (postconf -c DIR, --exim DIR), else for --exim naming Debian's
 * generated file the directory its lines were mapped back to (the
 * model's CONFDIR), whose sources the generator makes it from
 */
static const char *
source_dir(const struct run *r)
{
	if (r->a->target.config_dir != NULL)
		return (r->a->target.config_dir);
	if (r->a->target.mta == MG_MTA_EXIM)
		return (r->a->model.config_dir);
	return (NULL);
}

/* stage_path - where a live file's new version goes in the stage */
static void
stage_path(const struct run *r, const char *live, size_t i, char *buf,
    size_t size)
{
	const char *rel, *base = strrchr(live, '/');

	if (under(live, source_dir(r), &rel))
		(void)snprintf(buf, size, "%s/conf/%s", r->stage, rel);
	else
		(void)snprintf(buf, size, "%s/ext/%zu-%s", r->stage, i,
		    base != NULL ? base + 1 : live);
}

/* copy_tree - cp -a SRC DST (the Exim config directory into the stage) */
static int
copy_tree(const char *src, const char *dst, struct mg_err *err)
{
	const char *argv[] = { "cp", "-a", "--", src, dst, NULL };

	return (run_tool(argv, NULL, err));
}

/* copy_file - one live file into the stage, if it exists */
static int
copy_file(const char *src, const char *dst, struct mg_err *err)
{
	struct mg_str text = MG_STR_INIT;
	int rc;

	if (access(src, F_OK) < 0)
		return (0);
	if (mg_file_read(src, MG_FILE_MAX, &text, NULL, err) < 0)
		return (-1);
	rc = write_file(dst, &text, err);
	mg_str_free(&text);
	return (rc);
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

/* write_staged - every staged file's new text into the stage */
static int
write_staged(struct run *r, struct mg_err *err)
{
	struct mg_str text = MG_STR_INIT;
	char dst[PATH_MAX + 64];
	size_t i;

	for (i = 0; i < r->st->nfiles; i++) {
		stage_path(r, r->st->files[i].path, i, dst, sizeof(dst));
		mg_str_reset(&text);
		mg_stage_text(&r->st->files[i], &text);
		if (getenv("MAILGUARD_TEST_SABOTAGE") != NULL)
			sabotage(&r->st->files[i], &text);
		if (write_file(dst, &text, err) < 0) {
			mg_str_free(&text);
			return (-1);
		}
	}
	mg_str_free(&text);
	return (0);
}

/* new_lines - lines of b that a does not have (warnings the edit
 * introduced), appended to out; their count */
static size_t
new_lines(const char *a, const char *b, struct mg_str *out)
{
	const char *cur = b, *line;
	size_t len, n = 0;
	char *l;

	while (mg_line_next(&cur, &line, &len)) {
		l = mg_xstrndup(line, len);
		if (strstr(a, l) == NULL) {
			mg_str_printf(out, "%s\n", l);
			n++;
		}
		free(l);
	}
	return (n);
}

/* validate_postfix - postconf and postfix check on the stage, postmap on
 * each staged table */
static int
validate_postfix(struct run *r, struct mg_err *err)
{
	const char *dir = r->a->target.config_dir;
	char conf[PATH_MAX + 16], src[2 * PATH_MAX + 128], dst[PATH_MAX + 64];
	const char *pc_live[] = { "postconf", "-c", dir, "-n", NULL };
	const char *pc_stage[] = { "postconf", "-c", conf, "-n", NULL };
	const char *check[] = { "postfix", "-c", conf, "check", NULL };
	const char *pm[6];
	struct mg_str live = MG_STR_INIT, staged = MG_STR_INIT, bad =
	    MG_STR_INIT;
	const struct mg_fix *x;
	const struct mg_cmd *c;
	const char *colon;
	size_t i, k, f;
	int rc = -1;

	(void)snprintf(conf, sizeof(conf), "%s/conf", r->stage);
	(void)snprintf(r->staged_dir, sizeof(r->staged_dir), "%s", conf);
	for (i = 0; i < 2; i++) {
		(void)snprintf(src, sizeof(src), "%s/%s", dir, i == 0 ?
		    "main.cf" : "master.cf");
		(void)snprintf(dst, sizeof(dst), "%s/%s", conf, i == 0 ?
		    "main.cf" : "master.cf");
		if (copy_file(src, dst, err) < 0)
			return (-1);
	}
	if (write_staged(r, err) < 0)
		return (-1);
	if (run_tool(pc_live, &live, err) < 0 ||
	    run_tool(pc_stage, &staged, err) < 0)
		goto out;
	if (new_lines(mg_str_cstr(&live), mg_str_cstr(&staged), &bad) > 0 &&
	    strstr(mg_str_cstr(&bad), "warning:") != NULL) {
		(void)mg_err_set(err, "postconf -c STAGE -n warns about the "
		    "new configuration: %s", mg_str_cstr(&bad));
		goto out;
	}
	mg_str_printf(&r->validation, "postconf -c %s -n: no new "
	    "warnings\n", conf);
	mg_str_reset(&staged);
	if (run_tool(check, &staged, err) < 0)
		goto out;
	mg_str_printf(&r->validation, "postfix -c %s check: ok%s%s\n", conf,
	    staged.len > 0 ? ": " : "", mg_str_cstr(&staged));
	/* each staged table compiles: the fix's own postmap/postalias */
	for (k = 0; k < r->nfixes; k++) {
		x = r->fixes[k];
		for (i = 0; i < x->npost; i++) {
			c = &x->post[i];
			if (c->argc != 4 || (strcmp(c->argv[0], "postmap") !=
			    0 && strcmp(c->argv[0], "postalias") != 0) ||
			    (colon = strchr(c->argv[3], ':')) == NULL)
				continue;
			for (f = 0; f < r->st->nfiles; f++)
				if (strcmp(r->st->files[f].path, colon + 1) ==
				    0)
					break;
			if (f == r->st->nfiles)
				continue;
			stage_path(r, colon + 1, f, dst, sizeof(dst));
			(void)snprintf(src, sizeof(src), "%.*s:%s",
			    (int)(colon - c->argv[3]), c->argv[3], dst);
			pm[0] = c->argv[0];
			pm[1] = "-c";
			pm[2] = conf;
			pm[3] = src;
			pm[4] = NULL;
			mg_str_reset(&staged);
			if (run_tool(pm, &staged, err) < 0)
				goto out;
			if (strstr(mg_str_cstr(&staged), "warning:") != NULL) {
				(void)mg_err_set(err, "%s %s warns: %s",
				    pm[0], src, mg_str_cstr(&staged));
				goto out;
			}
			mg_str_printf(&r->validation, "%s %s: ok\n", pm[0],
			    src);
		}
	}
	rc = 0;
out:
	mg_str_free(&live);
	mg_str_free(&staged);
	mg_str_free(&bad);
	return (rc);
}

/* generator - the update-exim4.conf to use, or NULL */
static const char *
generator(const struct run *r)
{
	const struct mg_fix *x;
	size_t k, i;

	if (r->a->target.generator != NULL)
		return (r->a->target.generator);
	for (k = 0; k < r->nfixes; k++) {
		x = r->fixes[k];
		for (i = 0; i < x->npost; i++)
			if (strcmp(x->post[i].argv[0], "update-exim4.conf") ==
			    0)
				return ("update-exim4.conf");
	}
	return (NULL);
}

/* validate_exim - the edited sources on a stage: Debian's directory is
 * copied and generated there; a plain file is the -C file itself; then
 * exim -C STAGED -bV */
static int
validate_exim(struct run *r, struct mg_err *err)
{
	const struct mg_target *t = &r->a->target;
	char conf[PATH_MAX + 16];
	const char *gen = generator(r), *rel, *src = source_dir(r);
	const char *genv[] = { gen, "--confdir", conf, "--output",
	    r->staged_conf, NULL };
	const char *bv[] = { t->bin, "-C", r->staged_conf, "-bV", NULL };
	struct mg_str out = MG_STR_INIT, text = MG_STR_INIT;
	size_t i;
	int debian = 0, rc = -1;

	(void)snprintf(conf, sizeof(conf), "%s/conf", r->stage);
	for (i = 0; i < r->st->nfiles; i++) {
		if (under(r->st->files[i].path, src, &rel) &&
		    gen != NULL && (t->config_file == NULL ||
		    strcmp(r->st->files[i].path, t->config_file) != 0))
			debian = 1;
		else if (t->config_file == NULL ||
		    strcmp(r->st->files[i].path, t->config_file) != 0)
			return (mg_err_set(err, "%s is neither Exim's "
			    "configuration file nor in a Debian configuration "
			    "directory: its edit cannot be validated, so it "
			    "is not applied", r->st->files[i].path));
	}
	if (debian) {
		(void)snprintf(r->staged_src, sizeof(r->staged_src), "%s",
		    conf);
		if (copy_tree(src, conf, err) < 0)
			return (-1);
		if (write_staged(r, err) < 0)
			return (-1);
		(void)snprintf(r->staged_conf, sizeof(r->staged_conf),
		    "%s/exim4.conf.generated", r->stage);
		if (run_tool(genv, &out, err) < 0)
			goto out;
		mg_str_printf(&r->validation, "%s --confdir %s: generated "
		    "%s\n", gen, conf, r->staged_conf);
	} else {
		(void)snprintf(r->staged_conf, sizeof(r->staged_conf),
		    "%s/exim.conf", r->stage);
		mg_stage_text(&r->st->files[0], &text);
		if (write_file(r->staged_conf, &text, err) < 0)
			goto out;
	}
	mg_str_reset(&out);
	if (run_tool(bv, &out, err) < 0) {
		(void)mg_err_set(err, "exim -C %s -bV rejects the new "
		    "configuration: %s", r->staged_conf, mg_str_cstr(&out));
		goto out;
	}
	mg_str_printf(&r->validation, "exim -C %s -bV: ok\n",
	    r->staged_conf);
	rc = 0;
out:
	mg_str_free(&out);
	mg_str_free(&text);
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
		    same(q->rcpt, p->rcpt) && q->hole_if_accepted ==
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

/* ask_mta - one probe: exim -bh for Exim; for Postfix the private
 * instance pp (started by the caller) */
static int
ask_mta(struct run *r, struct mg_target *t, struct mg_pf_proof *pp,
    const struct mg_probe *p, struct mg_smtp_verdict *v, struct mg_err *err)
{
	if (r->a->target.mta == MG_MTA_POSTFIX)
		return (mg_pf_proof_ask(pp, p, v, err));
	return (mg_backend_simulate(t, p, v, err));
}

/*
 * ask_all - every probe asked of the MTA for the configuration conf
 * (Exim: the file for -C; Postfix: a directory with main.cf and
 * master.cf, run as a private instance; NULL: the live one), answers
 * into v (code -1 and the reason in text where it could not be asked);
 * -1 with err when no private Postfix could be started
 */
static int
ask_all(struct run *r, const char *conf, const char *where,
    struct mg_smtp_verdict *v, struct mg_err *err)
{
	struct mg_target t = r->a->target;
	struct mg_pf_proof pp;
	struct mg_err e2;
	size_t i;
	int postfix = t.mta == MG_MTA_POSTFIX;

	if (conf != NULL && !postfix)
		t.config_file = (char *)conf;
	memset(&pp, 0, sizeof(pp));
	if (postfix) {
		if (mg_pf_proof_start(&pp, conf != NULL ? conf :
		    t.config_dir, err) < 0) {
			mg_str_printf(&r->proof, "%s: cannot start a private "
			    "Postfix to ask: %s\n", where, err->msg);
			return (-1);
		}
		mg_str_printf(&r->proof, "%s: private Postfix from %s on "
		    "127.0.0.1:%d (stands for %s)\n", where, conf != NULL ?
		    conf : t.config_dir, pp.port, pp.service);
	}
	for (i = 0; i < r->nprobes; i++) {
		memset(&v[i], 0, sizeof(v[i]));
		if (postfix && *r->probes[i]->client == '\0') {
			v[i].code = -1;
			(void)snprintf(v[i].text, sizeof(v[i].text), "local "
			    "SMTP without a client address is not asked of "
			    "Postfix");
			continue;
		}
		if (ask_mta(r, &t, &pp, r->probes[i], &v[i], &e2) < 0) {
			v[i].code = -1;
			(void)snprintf(v[i].text, sizeof(v[i].text), "%.250s",
			    e2.msg);
			mg_str_printf(&r->proof, "%s: cannot ask the MTA: %s\n",
			    where, e2.msg);
		}
	}
	if (pp.root[0] != '\0')
		mg_pf_proof_stop(&pp);
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
	if (ask_all(r, NULL, "before", r->before, &err) == 0)
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

	if (r->said_local)
		return;
	r->said_local = 1;
	if (r->a->target.mta == MG_MTA_POSTFIX) {
		mg_str_printf(&r->proof, "%s: mail this host submits with "
		    "sendmail(1) enters through pickup(8), to which "
		    "mynetworks and the smtpd restrictions do not apply: the "
		    "change does not touch that path (not asked)\n", where);
		return;
	}
	mg_str_printf(&r->proof, "%s: mail this host submits with sendmail(8) "
	    "or exim -t (not SMTP) passes acl_not_smtp, not the SMTP ACLs: "
	    "the change does not touch that path unless it edits "
	    "acl_not_smtp (not asked)\n", where);
	for (i = 0; i < r->nprobes; i++)
		if (*r->probes[i]->client == '\0') {
			mg_str_printf(&r->proof, "%s: exim -bs sessions are "
			    "real local SMTP sessions that end before DATA: "
			    "nothing is received, but a refused one is "
			    "logged by Exim like any refusal\n", where);
			break;
		}
}

/*
 * prove - every probe of the findings the fixes address, asked of the
 * MTA for the configuration conf (Exim: the staged file for -C; Postfix:
 * a directory with main.cf and master.cf, run as a private instance; NULL:
 * the live one), and judged against the answers before the change: a hole
 * must be refused; a legitimate path accepted before must still be
 * accepted (one refused before and after is no path this server offers,
 * and says so).  Every probe is asked and told before the verdict.
 */
static int
prove(struct run *r, const struct mg_report *rep, const char *conf,
    const char *where, struct mg_err *err)
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
	if (ask_all(r, conf, where, v, &e2) < 0) {
		free(v);
		return (mg_err_set(err, "%s: no proof: %s", where, e2.msg));
	}
	for (i = 0; i < r->nprobes; i++) {
		p = r->probes[i];
		if (v[i].code < 0) {
			/* Postfix answers every session it is asked, so
			 * a failure there leaves the fix unproven */
			if (r->a->target.mta == MG_MTA_POSTFIX &&
			    *p->client != '\0' && rc == 0)
				rc = mg_err_set(err, "%s: no proof: %s", where,
				    v[i].text);
			continue;
		}
		n++;
		j = mg_judge(p->hole_if_accepted, r->before[i].code,
		    v[i].code);
		mg_str_reset(&b);
		before_words(r, i, &b);
		mg_str_printf(&r->proof, "%s: %s%s%s: MAIL FROM:<%s> "
		    "RCPT TO:<%s> -> %d %s - %s %s\n", where, v[i].how,
		    *p->client != '\0' ? " " : "", p->client, p->sender,
		    p->rcpt, v[i].code, v[i].text, mg_judge_words(j),
		    mg_str_cstr(&b));
		if (mg_judge_fails(j) && rc == 0)
			rc = mg_err_set(err, "%s: %s%s%s RCPT TO:<%s> -> %d "
			    "%s %s: %s", where, v[i].how, *p->client != '\0' ?
			    " " : "", p->client, p->rcpt, v[i].code, v[i].text,
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
	int postfix = r->a->target.mta == MG_MTA_POSTFIX;

	if (mg_fix_restage(r->a, r->fixes, r->nfixes, postfix ?
	    r->staged_dir : r->staged_src[0] != '\0' ? r->staged_src : NULL,
	    r->staged_conf, rs, err) < 0)
		return (-1);
	mg_str_puts(&r->validation, mg_str_cstr(&rs->log));
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

/* is_map_builder - postmap or postalias: their outputs are backed up
 * with the sources, so a restore puts the exact bytes back */
static int
is_map_builder(const struct mg_cmd *c)
{
	const char *b = strrchr(c->argv[0], '/');

	b = b != NULL ? b + 1 : c->argv[0];
	return (strcmp(b, "postmap") == 0 || strcmp(b, "postalias") == 0);
}

/* rebuild_cmd - a post-command that only derives files from others (safe
 * to run again after a restore) and whose outputs are not backed up:
 * newaliases, update-exim4.conf, postfix reload */
static int
rebuild_cmd(const struct mg_cmd *c)
{
	static const char *const names[] = { "newaliases",
	    "update-exim4.conf", NULL };
	const char *b = strrchr(c->argv[0], '/');
	size_t i;

	b = b != NULL ? b + 1 : c->argv[0];
	for (i = 0; names[i] != NULL; i++)
		if (strcmp(b, names[i]) == 0)
			return (1);
	return (strcmp(b, "postfix") == 0 && c->argc > 0 &&
	    strcmp(c->argv[c->argc - 1], "reload") == 0);
}

/* add_extra - one more file to back up (copied) */
static void
add_extra(char **v, size_t *n, size_t max, const char *path,
    const char *suffix)
{
	struct mg_str s = MG_STR_INIT;

	if (*n >= max)
		return;
	mg_str_printf(&s, "%s%s", path, suffix);
	v[(*n)++] = mg_str_steal(&s);
}

/* map_outputs - the files postmap/postalias write for a map argument
 * ("type:path", or a path of default_database_type, hash on Debian) */
static void
map_outputs(const char *arg, char **v, size_t *n, size_t max)
{
	const char *colon = strchr(arg, ':'), *path = arg;
	char type[16] = "hash";

	if (colon != NULL && colon - arg < (ptrdiff_t)sizeof(type) &&
	    colon[1] == '/') {
		(void)snprintf(type, sizeof(type), "%.*s", (int)(colon - arg),
		    arg);
		path = colon + 1;
	}
	if (path[0] != '/')
		return;
	if (strcmp(type, "hash") == 0 || strcmp(type, "btree") == 0)
		add_extra(v, n, max, path, ".db");
	else if (strcmp(type, "lmdb") == 0)
		add_extra(v, n, max, path, ".lmdb");
	else if (strcmp(type, "cdb") == 0)
		add_extra(v, n, max, path, ".cdb");
	else if (strcmp(type, "dbm") == 0 || strcmp(type, "sdbm") == 0) {
		add_extra(v, n, max, path, ".dir");
		add_extra(v, n, max, path, ".pag");
	}
}

/* extra_files - files post-commands change, backed up too (copies of
 * the names, caller frees): the sasldb saslpasswd2 -f edits, the
 * compiled tables postmap/postalias write */
static void
extra_files(const struct mg_fix *x, char **v, size_t *n, size_t max)
{
	size_t i, k;

	for (i = 0; i < x->npost; i++)
		for (k = 1; k < x->post[i].argc; k++) {
			if (strcmp(x->post[i].argv[0], "saslpasswd2") == 0 &&
			    strcmp(x->post[i].argv[k - 1], "-f") == 0)
				add_extra(v, n, max, x->post[i].argv[k], "");
			if (!is_map_builder(&x->post[i]))
				continue;
			if (strcmp(x->post[i].argv[k], "-c") == 0) {
				k++;	/* the config directory */
				continue;
			}
			if (x->post[i].argv[k][0] != '-')
				map_outputs(x->post[i].argv[k], v, n, max);
		}
}

/* not_running - "postfix reload" failed because the instance is
 * stopped (postfix-script says so only in the mail log; "postfix
 * status" tells by its exit code) */
static int
not_running(const struct mg_cmd *c, const char *msg)
{
	const char *b = strrchr(c->argv[0], '/');
	const char *argv[8];
	struct mg_err err;
	size_t i;

	(void)msg;
	b = b != NULL ? b + 1 : c->argv[0];
	if (strcmp(b, "postfix") != 0 || c->argc < 2 || c->argc > 7 ||
	    strcmp(c->argv[c->argc - 1], "reload") != 0)
		return (0);
	for (i = 0; i + 1 < c->argc; i++)
		argv[i] = c->argv[i];
	argv[i++] = "status";
	argv[i] = NULL;
	return (run_tool(argv, NULL, &err) < 0);
}

/* run_post - every post-command of the fixes, in order */
static int
run_post(struct run *r, struct mg_str *rebuild, struct mg_err *err)
{
	const struct mg_cmd *c;
	struct mg_cmd own;
	struct mg_str out = MG_STR_INIT;
	size_t k, i, w;
	int rc = 0;

	for (k = 0; k < r->nfixes && rc == 0; k++)
		for (i = 0; i < r->fixes[k]->npost && rc == 0; i++) {
			if (mg_cmd_seen(r->fixes, k, i))
				continue;	/* one reload is enough */
			c = &r->fixes[k]->post[i];
			/* the generator the target was read with (--exim
			 * DIR --exim-generator) regenerates it too */
			own = *c;
			own.argv = mg_xcalloc(c->argc + 1, sizeof(char *));
			memcpy(own.argv, c->argv, c->argc * sizeof(char *));
			if (strcmp(c->argv[0], "update-exim4.conf") == 0 &&
			    r->a->target.generator != NULL)
				own.argv[0] = r->a->target.generator;
			c = &own;
			if (rebuild_cmd(c)) {
				for (w = 0; w < c->argc; w++)
					mg_str_printf(rebuild, "%s%s", w > 0 ?
					    "\x1f" : "", c->argv[w]);
				mg_str_putc(rebuild, '\n');
			}
			mg_str_reset(&out);
			if (run_tool((const char *const *)c->argv, &out,
			    err) < 0) {
				if (not_running(c, mg_str_cstr(&out)))
					say(r, "%s: Postfix is not running; "
					    "nothing to reload", c->argv[0]);
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

/* mg_fix_exim_pid_file - the Exim daemon's pid file (exim -bP
 * pid_file_path) into buf, "" when not set; -1 if Exim cannot say */
int
mg_fix_exim_pid_file(const struct mg_target *t, char *buf, size_t size,
    struct mg_err *err)
{
	const char *argv[] = { t->bin, "-C", t->config_file, "-bP",
	    "pid_file_path", NULL };
	struct mg_str out = MG_STR_INIT;
	const char *v;

	buf[0] = '\0';
	if (run_tool(argv, &out, err) < 0) {
		mg_str_free(&out);
		return (-1);
	}
	v = strchr(mg_str_cstr(&out), '=');
	v = v != NULL ? v + 1 + strspn(v + 1, " ") : "";
	(void)snprintf(buf, size, "%.*s", (int)strcspn(v, "\n"), v);
	mg_str_free(&out);
	return (0);
}

/* mg_fix_reload_exim - SIGHUP to the Exim daemon (its pid file), if
 * one runs; what happened goes to log */
void
mg_fix_reload_exim(const struct mg_target *t, struct mg_str *log)
{
	struct mg_str pid = MG_STR_INIT;
	struct mg_err err;
	char path[PATH_MAX];
	long n;

	if (mg_fix_exim_pid_file(t, path, sizeof(path), &err) < 0) {
		mg_str_printf(log, "exim reload: cannot read pid_file_path: "
		    "%s\n", err.msg);
		goto out;
	}
	if (path[0] == '\0' || mg_file_read(path, 64, &pid, NULL, &err) < 0 ||
	    (n = strtol(mg_str_cstr(&pid), NULL, 10)) <= 1 ||
	    kill((pid_t)n, 0) < 0) {
		mg_str_printf(log, "no Exim daemon running (pid file %s): the "
		    "new configuration is read by the next Exim process\n",
		    path[0] != '\0' ? path : "not set");
		goto out;
	}
	if (kill((pid_t)n, SIGHUP) < 0)
		mg_str_printf(log, "exim reload: kill -HUP %ld: %s\n", n,
		    strerror(errno));
	else
		mg_str_printf(log, "sent SIGHUP to the Exim daemon (pid "
		    "%ld)\n", n);
out:
	mg_str_free(&pid);
}

/* reload_exim - the same, told to the operator as it happens */
static void
reload_exim(struct run *r)
{
	struct mg_str log = MG_STR_INIT;

	mg_fix_reload_exim(&r->a->target, &log);
	say(r, "%.*s", (int)strcspn(mg_str_cstr(&log), "\n"),
	    mg_str_cstr(&log));
	mg_str_free(&log);
}

/* mg_fix_rebuild - run the rebuild commands journaled with an entry
 * (after its files were restored); 0 if all succeeded */
int
mg_fix_rebuild(const struct mg_session *a, const char *rebuild,
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

	(void)a;
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
			if (not_running(&c, mg_str_cstr(&out)))
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

/* mg_fix_incomplete - tell the operator about entries an interrupted
 * run left "applying"; their number */
int
mg_fix_incomplete(struct mg_journal *j, FILE *out)
{
	struct mg_jentry *v;
	struct mg_err err;
	size_t n, i, k;

	if (mg_journal_entries(j, 0, 1, &v, &n, &err) < 0)
		return (0);
	for (i = 0, k = 0; i < n; i++) {
		if (strcmp(v[i].action, "fix") != 0 &&
		    strcmp(v[i].action, "rollback") != 0)
			continue;	/* a purge changes no file */
		k++;
		(void)fprintf(out, "mailguard-tui: journal entry %ld (%s) was "
		    "interrupted at step \"%s\": the configuration may be "
		    "partly changed. Restore it with: mailguard-tui rollback "
		    "%ld\n", v[i].id, v[i].summary, v[i].step != NULL ?
		    v[i].step : "?", v[i].id);
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
	if (prove(r, r->judged, r->a->target.mta == MG_MTA_EXIM ?
	    b.target.config_file : NULL, "live", err) < 0)
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
	int bad = 0;

	(void)snprintf(why, sizeof(why), "%s", err->msg);
	say(r, "FAILED: %s", why);
	say(r, "restoring the previous files");
	if (mg_journal_entries(j, id, 0, &v, &n, &e2) < 0 || n != 1) {
		say(r, "cannot read journal entry %ld: restore it with "
		    "mailguard-tui rollback %ld", id, id);
		return (MG_APPLY_BROKEN);
	}
	from = r->log.len;
	if (mg_journal_restore(j, &v[0], &r->log, &e2) < 0) {
		say(r, "restore failed: %s", e2.msg);
		bad = 1;
	}
	if (mg_fix_rebuild(r->a, v[0].rebuild, &r->log) < 0)
		bad = 1;
	if (r->a->target.mta == MG_MTA_EXIM)
		reload_exim(r);
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
	r->stage[0] = '\0';
}

/* install - backups, then every new file prepared and renamed */
static int
install(struct run *r, struct mg_journal *j, long id, struct mg_err *err)
{
	char *extra[32];
	struct mg_install *in;
	struct mg_str text = MG_STR_INIT;
	struct stat sb;
	size_t i, k, nextra = 0;
	int rc = -1;

	for (k = 0; k < r->nfixes; k++)
		extra_files(r->fixes[k], extra, &nextra, 32);
	for (i = 0; i < r->st->nfiles; i++)
		if (mg_journal_backup(j, id, r->st->files[i].path, err) < 0)
			goto fail_extra;
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
		if (lstat(r->st->files[i].path, &sb) < 0) {
			(void)mg_err_errno(err, "%s", r->st->files[i].path);
			goto out;
		}
		mg_str_reset(&text);
		mg_stage_text(&r->st->files[i], &text);
		if (mg_install_prepare(&in[i], r->st->files[i].path,
		    text.data != NULL ? text.data : "", text.len,
		    sb.st_mode, sb.st_uid, sb.st_gid, err) < 0)
			goto out;
	}
	mg_fault("prepared");
	(void)mg_journal_set(j, id, "step", "installing");
	for (i = 0; i < r->st->nfiles; i++) {
		if (mg_install_commit(&in[i], err) < 0)
			goto out;
		say(r, "installed %s", r->st->files[i].path);
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
	struct mg_restage rs;
	struct mg_str sum = MG_STR_INIT, rebuild = MG_STR_INIT;
	enum mg_apply_result res = MG_APPLY_REFUSED;
	char tmpl[PATH_MAX];
	long id;

	memset(&r, 0, sizeof(r));
	memset(&rs, 0, sizeof(rs));
	r.a = a;
	r.judged = &a->report;
	r.fixes = fixes;
	r.nfixes = n;
	r.st = st;
	r.out = o->out;
	if (mg_journal_open(&j, a->target.state_dir, 1, err) < 0)
		return (MG_APPLY_REFUSED);
	if (mg_fix_incomplete(&j, stderr) > 0) {
		(void)mg_err_set(err, "an earlier apply was interrupted; "
		    "roll it back first (see above): nothing changed");
		goto out;
	}
	(void)snprintf(tmpl, sizeof(tmpl), "%s/stage.XXXXXX",
	    a->target.state_dir);
	if (mkdtemp(tmpl) == NULL) {
		(void)mg_err_errno(err, "cannot create a stage in %s",
		    a->target.state_dir);
		goto out;
	}
	(void)snprintf(r.stage, sizeof(r.stage), "%s", tmpl);
	if (r.out != NULL)
		(void)fprintf(r.out, "validating on %s\n", r.stage);
	if ((a->target.mta == MG_MTA_POSTFIX ? validate_postfix(&r, err) :
	    validate_exim(&r, err)) < 0) {
		(void)fprintf(r.out, "  refused: validation failed\n");
		goto out;
	}
	mg_print_sanitized_lines(r.out, mg_str_cstr(&r.validation));
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
	if (prove(&r, r.judged, a->target.mta == MG_MTA_EXIM ?
	    r.staged_conf : r.staged_dir, "stage", err) < 0) {
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
	if (o->confirm != NULL && !o->confirm("Apply these changes to the "
	    "live configuration?")) {
		res = MG_APPLY_DECLINED;
		goto out;
	}
	summary(&r, &sum);
	if ((id = mg_journal_begin(&j, "fix", mg_str_cstr(&sum), diff,
	    err)) < 0)
		goto out;
	(void)mg_journal_set(&j, id, "validation", mg_str_cstr(&r.validation));
	(void)mg_journal_set(&j, id, "proof", mg_str_cstr(&r.proof));
	(void)fprintf(r.out, "applying (journal entry %ld)\n", id);
	if (install(&r, &j, id, err) < 0) {
		res = restore(&r, &j, id, err);
		goto out;
	}
	if (run_post(&r, &rebuild, err) < 0) {
		(void)mg_journal_set(&j, id, "rebuild", mg_str_cstr(&rebuild));
		res = restore(&r, &j, id, err);
		goto out;
	}
	(void)mg_journal_set(&j, id, "rebuild", mg_str_cstr(&rebuild));
	if (a->target.mta == MG_MTA_EXIM)
		reload_exim(&r);
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
	res = MG_APPLY_DONE;
out:
	cleanup_stage(&r);
	mg_restage_free(&rs);
	mg_journal_close(&j);
	mg_str_free(&sum);
	mg_str_free(&rebuild);
	mg_str_free(&r.validation);
	mg_str_free(&r.proof);
	mg_str_free(&r.log);
	free(r.probes);
	free(r.before);
	return (res);
}
