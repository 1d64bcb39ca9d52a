/*
 * panel_probe.c - the Probe panel: r runs the relay probe (engine/probe_run.c)
 * in a child process, the table of clients fills when it ends, Enter
 * shows one client's answers test by test.  The child hands the run over
 * as "mgprobe" lines; its findings join the console's (probe.open-relay
 * and the listener's, with evidence on the trusted range's finding) and
 * are added again whenever the configuration is read again.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../checks/checks.h"
#include "../core/mg_sanitize.h"
#include "../core/mg_exit.h"
#include "../engine/probe_run.h"
#include "console_int.h"

/* The panel's state. */
struct con_probe {
	struct mg_probe_report pr;	/* the last run, when have */
	int have;
	int taken;		/* the job's run was read */
	time_t when;
	size_t sel, top;
	char err[300];		/* why the last run failed */
};

extern const struct con_panel con_panel_probe;

/* prs - the panel's state */
static struct con_probe *
prs(const struct con *c)
{
	return (con_panel_state(c, &con_panel_probe));
}

static const struct con_key probe_keys[] = {
	{ "r", "run probe", "r", "run the relay probe: the MTA is asked "
	    "(up to RCPT, never DATA) as clients chosen from the "
	    "configuration; nothing is sent or queued" },
	{ "j/k", "move", "Down/j, Up/k, PgDn, PgUp, Home, End",
	    "move over the clients" },
	{ "Enter", "answers", "Enter, Right/l", "the client's answers, test "
	    "by test" },
	{ "c", "cancel", "c", "stop the probe after the client it is "
	    "asking" },
	{ "Tab", "panel", "Tab, Shift-Tab, 1-9, 0", "the next / previous "
	    "panel" },
	{ NULL, NULL, NULL, NULL }
};

static const struct con_key pclient_keys[] = {
	{ "j/k", "scroll", "Down/j, Up/k, PgDn, PgUp", "scroll" },
	{ "Esc", "back", "Esc, Backspace, Left/h", "back to the clients" },
	{ NULL, NULL, NULL, NULL }
};

static const struct con_view probe_view, pclient_view;

/* probe_cancelled - the child was asked to stop */
static int
probe_cancelled(void)
{
	return (con_job_cancelled());
}

/* progress - the progress bar's line for each client asked */
static void
progress(void *arg, size_t done, size_t total, const char *client)
{
	FILE *out = arg;

	(void)fprintf(out, CON_PROGRESS "1 1 %zu %zu %s\n", done, total,
	    client);
	(void)fflush(out);
}

/* probe_child - the run, in the child; printed as "mgprobe" lines */
static int
probe_child(struct con *c, void *arg, FILE *out)
{
	struct mg_probe_opts o;
	struct mg_probe_report pr;
	struct mg_report scratch;
	struct mg_err err;
	int rc;

	(void)arg;
	memset(&o, 0, sizeof(o));
	o.progress = progress;
	o.progress_arg = out;
	o.cancelled = probe_cancelled;
	mg_report_init(&scratch);
	rc = mg_probe_all(c->app, &o, &pr, &scratch, &err);
	if (rc < 0)
		(void)fprintf(out, "error: %s\n", err.msg);
	mg_probe_dump(out, &pr);
	(void)fflush(out);
	mg_probe_report_free(&pr);
	mg_report_free(&scratch);
	return (rc < 0 ? MG_EXIT_UNREAD : 0);
}

/* probe_merge - the last run's findings into the console's report */
static void
probe_merge(struct con *c)
{
	if (prs(c)->have && c->app->loaded)
		mg_probe_findings(&prs(c)->pr, &c->app->report);
}

/* probe_free - forget the run */
static void
probe_free(struct con *c)
{
	if (prs(c)->have)
		mg_probe_report_free(&prs(c)->pr);
	prs(c)->have = 0;
}

/*
 * probe_tick - take a finished probe job's run; 1 if anything
 * changed
 */
static int
probe_tick(struct con *c)
{
	struct con_probe *v = prs(c);
	const char *e;
	char note[200];

	if (c->job.kind != CON_JOB_PROBE || !c->job.ended || v->taken)
		return (0);
	v->taken = 1;
	probe_free(c);
	v->err[0] = '\0';
	e = strstr(mg_str_cstr(&c->job.out), "error: ");
	if (e != NULL && (e == c->job.out.data || e[-1] == '\n'))
		(void)snprintf(v->err, sizeof(v->err), "%.*s",
		    (int)strcspn(e + 7, "\n"), e + 7);
	if (mg_probe_undump(mg_str_cstr(&c->job.out), &v->pr) < 0 ||
	    v->pr.nres == 0) {
		mg_probe_report_free(&v->pr);
		if (v->err[0] == '\0')
			(void)snprintf(v->err, sizeof(v->err), "the probe "
			    "ended without a result (status %d)",
			    c->job.status);
		con_note(c, "the probe failed");
		return (1);
	}
	v->have = 1;
	v->when = time(NULL);
	v->sel = v->top = 0;
	probe_merge(c);
	(void)snprintf(note, sizeof(note), "probe done: %s", v->pr.open > 0 ?
	    "OPEN RELAY - see the Relay panel" : v->pr.tempfail > 0 ?
	    "no open relay, but TEMPFAIL: clients refused for now" :
	    "no open relay");
	con_note(c, note);
	return (1);
}

/* run - r: start the probe in the background */
static void
run(struct con *c)
{
	if (con_job_running(c)) {
		con_note(c, "another action is still running");
		return;
	}
	if (!c->app->loaded) {
		con_note(c, "the configuration could not be read: use "
		    "mailguard-tui probe --target HOST");
		return;
	}
	if (mg_backend_sim_private(&c->app->target) && geteuid() != 0) {
		con_note(c, "read-only: the Postfix probe starts a private "
		    "Postfix and needs root (sudo)");
		return;
	}
	if (con_job_start(c, CON_JOB_PROBE, "relay probe", probe_child,
	    NULL) == 0) {
		prs(c)->taken = 0;
		con_note(c, "probing: the table fills when it is done");
	}
}

/* status_style - a client's status as a colour */
static enum con_style
status_style(int status)
{
	switch (status) {
	case MG_PS_OPEN:
		return (CS_SEV_CRITICAL);
	case MG_PS_TEMPFAIL:
		return (CS_SEV_HIGH);
	case MG_PS_ERROR:
		return (CS_ERROR);
	case MG_PS_TRUSTED:
		return (CS_DIM);
	default:
		return (CS_NORMAL);
	}
}

/* summary - the verdict and the listener, two or three lines */
static int
summary(struct con *c, int y)
{
	const struct mg_probe_report *pr = &prs(c)->pr;
	const struct mg_probe_listener *l = &pr->l;
	struct mg_str s = MG_STR_INIT;

	if (pr->open > 0)
		mg_str_printf(&s, "OPEN RELAY for %zu of %zu clients",
		    pr->open, pr->nres);
	else if (pr->tempfail > 0)
		mg_str_printf(&s, "Tempfail for %zu of %zu clients: refused "
		    "for now, mail deferred", pr->tempfail, pr->nres);
	else
		mg_str_printf(&s, "Closed: no client outside a narrow "
		    "trusted range relayed");
	mg_str_printf(&s, " (%zu tests each)", pr->b.n);
	(void)con_put(c, y, 1, COLS - 1, pr->open > 0 ? CS_SEV_CRITICAL :
	    pr->tempfail > 0 ? CS_SEV_HIGH : CS_BOLD, mg_str_cstr(&s));
	mg_str_reset(&s);
	if (pr->have_listener) {
		mg_str_printf(&s, "%s: ", pr->where);
		mg_sanitize(&s, l->banner, strlen(l->banner));
		(void)con_put(c, y + 1, 1, COLS - 1, CS_NORMAL,
		    mg_str_cstr(&s));
		mg_str_reset(&s);
		mg_str_printf(&s, "TLS %s; AUTH before TLS %s; VRFY %s; "
		    "version in banner %s", l->implicit ? "implicit" :
		    !l->starttls ? "NOT OFFERED" : l->tls_ok ? "ok" : "FAILS",
		    l->auth_clear[0] != '\0' ? "YES" : "no",
		    l->vrfy_leaks ? "tells users apart" : "tells nothing",
		    l->version[0] != '\0' ? l->version : "no");
		(void)con_put(c, y + 2, 1, COLS - 1, CS_NORMAL,
		    mg_str_cstr(&s));
	} else {
		mg_str_printf(&s, "%s: not surveyed: ", pr->where);
		mg_sanitize(&s, pr->listener_err, strlen(pr->listener_err));
		(void)con_put(c, y + 1, 1, COLS - 1, CS_DIM, mg_str_cstr(&s));
	}
	mg_str_free(&s);
	return (pr->have_listener ? 3 : 2);
}

/* probe_draw - tabs, what the probe is, the table of clients */
static void
probe_draw(struct con *c, int y, int rows)
{
	struct con_probe *v = prs(c);
	const struct mg_probe_result *r;
	struct mg_str s = MG_STR_INIT;
	unsigned step, nsteps;
	size_t done, total, i, k;
	char name[64];
	int used;

	con_tabs_draw(c, y);
	if (c->job.kind == CON_JOB_PROBE && con_job_running(c)) {
		if (con_job_progress(&c->job, &step, &nsteps, &done, &total,
		    name, sizeof(name)))
			mg_str_printf(&s, "Probing... asked as %s (%zu of %zu "
			    "clients)", name, done, total);
		else
			mg_str_puts(&s, "Probing... surveying the listener and "
			    "starting the MTA's simulator");
		(void)con_put(c, y + 2, 1, COLS - 1, CS_BOLD, mg_str_cstr(&s));
		(void)con_put(c, y + 3, 1, COLS - 1, CS_DIM, "c cancels after "
		    "the client being asked");
		mg_str_free(&s);
		return;
	}
	if (v->err[0] != '\0') {
		mg_str_puts(&s, "The probe failed: ");
		mg_sanitize(&s, v->err, strlen(v->err));
		(void)con_put(c, y + 1, 1, COLS - 1, CS_ERROR, mg_str_cstr(&s));
		mg_str_reset(&s);
	}
	if (!v->have) {
		con_page_clear(&c->page);
		c->page.width = COLS;
		con_page_wrap(&c->page, CS_NORMAL, "Press r to run the relay "
		    "probe. It asks the MTA itself whether it would relay - "
		    "every variant of nmap's smtp-open-relay and a forged "
		    "sender in each of your domains, up to RCPT TO and never "
		    "DATA, so nothing is sent or queued - speaking as an "
		    "address inside each trusted network, just outside it, "
		    "and a foreign one (Postfix: a private copy of the live "
		    "smtpd through XCLIENT; Exim: exim -bh). A tester from one "
		    "address can pass while a mistyped network is open.", 1,
		    1);
		for (i = 0; i < c->page.nlines && (int)i + 3 < rows; i++)
			(void)con_put(c, y + 3 + (int)i, 0, COLS, CS_NORMAL,
			    c->page.lines[i].text);
		con_page_clear(&c->page);
		c->page.width = 0;	/* the next pager rebuilds */
		mg_str_free(&s);
		return;
	}
	used = 1 + summary(c, y + 1 + (v->err[0] != '\0'));
	used += v->err[0] != '\0';
	con_fill(c, y + used, 0, COLS, CS_COLUMNS);
	(void)con_put(c, y + used, 0, COLS, CS_COLUMNS, "  CLIENT           "
	    "   STATUS      RELAYED  WHY");
	used++;
	rows -= used;
	c->list_rows = rows;
	if (v->pr.nres == 0) {
		mg_str_free(&s);
		return;
	}
	if (v->sel >= v->pr.nres)
		v->sel = v->pr.nres - 1;
	if (v->top > v->sel)
		v->top = v->sel;
	if (rows > 0 && v->sel >= v->top + (size_t)rows)
		v->top = v->sel - (size_t)rows + 1;
	for (i = 0; (int)i < rows && v->top + i < v->pr.nres; i++) {
		k = v->top + i;
		r = &v->pr.res[k];
		mg_str_reset(&s);
		mg_str_printf(&s, "%s %-18s %-11s %3zu/%-3zu  ", k == v->sel ?
		    ">" : " ", r->c.addr[0] != '\0' ? r->c.addr :
		    "(this host)", mg_probe_status_name(r->status), r->relayed,
		    v->pr.b.n);
		mg_sanitize(&s, r->c.why, strlen(r->c.why));
		if (r->err[0] != '\0') {
			mg_str_puts(&s, "; ");
			mg_sanitize(&s, r->err, strlen(r->err));
		}
		if (k == v->sel)
			con_fill(c, y + used + (int)i, 0, COLS, CS_SELECTED);
		(void)con_put(c, y + used + (int)i, 0, COLS, k == v->sel ?
		    CS_SELECTED : status_style(r->status), mg_str_cstr(&s));
	}
	mg_str_free(&s);
}

/* probe_key - run, move, open, cancel */
static int
probe_key(struct con *c, int ch)
{
	struct con_probe *v = prs(c);

	if (ch == 'r') {
		run(c);
		return (1);
	}
	if (ch == 'c') {
		if (c->job.kind == CON_JOB_PROBE && con_job_running(c)) {
			(void)kill(c->job.pid, SIGTERM);
			con_note(c, "cancelling after the client being asked");
		}
		return (1);
	}
	if (con_is_open(ch) && v->have && v->sel < v->pr.nres) {
		con_set_view(c, &pclient_view);
		return (1);
	}
	return (con_nav(ch, &v->sel, v->have ? v->pr.nres : 0,
	    (size_t)c->list_rows));
}

static const struct con_view probe_view = {
	.name = "Probe",
	.keys = probe_keys,
	.draw = probe_draw,
	.key = probe_key,
	.own_r = 1,
};

/* pclient_build - one client: why it was chosen, each test's answer */
static void
pclient_build(struct con *c)
{
	const struct mg_probe_report *pr = &prs(c)->pr;
	const struct mg_probe_result *r;
	struct con_page *p = &c->page;
	struct mg_str s = MG_STR_INIT;
	enum mg_probe_verdict pv;
	size_t k;

	if (!prs(c)->have || prs(c)->sel >= pr->nres)
		return;
	r = &pr->res[prs(c)->sel];
	mg_str_printf(&s, "As %s: %s, %zu of %zu tests relayed",
	    r->c.addr[0] != '\0' ? r->c.addr : "this host",
	    mg_probe_status_name(r->status), r->relayed, pr->b.n);
	if (r->tempfailed > 0)
		mg_str_printf(&s, ", %zu refused for now (tempfail)",
		    r->tempfailed);
	con_page_untrusted(p, CS_BOLD, mg_str_cstr(&s), 0, 2);
	mg_str_reset(&s);
	mg_str_puts(&s, r->c.why);
	if (r->c.file != NULL && r->c.line > 0)
		mg_str_printf(&s, " (%s:%u)", r->c.file, r->c.line);
	con_page_untrusted(p, CS_NORMAL, mg_str_cstr(&s), 0, 2);
	mg_str_reset(&s);
	mg_str_printf(&s, "asked of %s, up to RCPT TO, never DATA", pr->how);
	con_page_untrusted(p, CS_DIM, mg_str_cstr(&s), 0, 2);
	if (r->err[0] != '\0')
		con_page_untrusted(p, CS_ERROR, r->err, 0, 2);
	con_page_add(p, CS_NORMAL, "");
	for (k = 0; k < pr->b.n; k++) {
		pv = mg_probe_judge(&pr->b, r->a, k);
		mg_str_reset(&s);
		mg_str_printf(&s, "%-20s %s", pr->b.v[k].name,
		    mg_probe_verdict_name(pv));
		con_page_untrusted(p, pv == MG_PV_RELAYED ? CS_SEV_CRITICAL :
		    pv == MG_PV_TEMPFAIL ? CS_SEV_HIGH : CS_COLUMNS,
		    mg_str_cstr(&s), 0, 2);
		mg_str_reset(&s);
		if (pr->b.v[k].helo[0] != '\0')
			mg_str_printf(&s, "EHLO %s; ", pr->b.v[k].helo);
		mg_str_printf(&s, "MAIL FROM:<%s> RCPT TO:<%s> -> %s",
		    pr->b.v[k].sender, pr->b.v[k].rcpt, r->a[k].err[0] !=
		    '\0' ? r->a[k].err : r->a[k].text);
		con_page_untrusted(p, CS_NORMAL, mg_str_cstr(&s), 2, 4);
		if (mg_probe_opened_by(&pr->b, r, k) == NULL)
			continue;
		mg_str_reset(&s);
		mg_str_printf(&s, "opened by %s", pr->b.v[k].entry);
		if (pr->b.v[k].file[0] != '\0' && pr->b.v[k].line > 0)
			mg_str_printf(&s, " (%s:%u)", pr->b.v[k].file,
			    pr->b.v[k].line);
		con_page_untrusted(p, CS_SEV_CRITICAL, mg_str_cstr(&s), 2, 4);
	}
	mg_str_free(&s);
}

/* pclient_key - scroll, back */
static int
pclient_key(struct con *c, int ch)
{
	if (con_is_back(ch)) {
		con_set_view(c, &probe_view);
		return (1);
	}
	return (con_page_key(c, ch));
}

static const struct con_view pclient_view = {
	.name = "Probe client",
	.keys = pclient_keys,
	.build = pclient_build,
	.draw = con_page_draw,
	.key = pclient_key,
};

/* probe_shows - the table or one client is shown */
static int
probe_shows(const struct con *c, const struct con_panel *p)
{
	(void)p;
	return (c->view == &probe_view || c->view == &pclient_view);
}

/* The run's findings are merged again into every load. */
const struct con_panel con_panel_probe = {
	.name = "Probe",
	.view = &probe_view,
	.shows = probe_shows,
	.loaded = probe_merge,
	.tick = probe_tick,
	.free = probe_free,
	.state_size = sizeof(struct con_probe),
};
