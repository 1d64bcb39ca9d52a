/*
 * console_int.h - what the console's files share: its state, the screen
 * (view) and panel interfaces, the job runner, and the text helpers that
 * keep every line inside the width.  Private to console/.
 *
 * The files, and the direction they call in (a file calls only files
 * below it; none calls up):
 *	console.c		the loop (terminal setup and restore, header,
 *				footer, help, reading the configuration)
 *	console_panels.c	the table of panels (handed down in struct
 *				con) and what the loop asks of every panel
 *	panel_*.c		one panel each (panel_findings.c also guided
 *				hardening); a panel calls no other panel but
 *				panel_findings.c (its screens and filter)
 *	console_apply.c		the apply screen, the value editor
 *	console_job.c		the background job runner (the loop makes
 *				the apply screen follow its output)
 *	console_ui.c		what every part uses: showing a screen and a
 *				note, the tab line, switching panels through
 *				the table's rows, a panel's state, the
 *				ignored findings
 *	console_text.c		text layout and the pager
 *	console_signal.c	signals (the loop only)
 *	console_scan.c		the queue reader's thread (panel_queue.c
 *				asks it for reads, console_job.c holds it
 *				still around a fork); calls no other file
 * Where a lower file must reach a higher one it goes through data: apply
 * opens the Queue panel through its row (con_panel_open), not by calling
 * panel_queue.c.  Every file includes this header and none includes
 * another's.
 */
#ifndef MG_CONSOLE_INT_H
#define MG_CONSOLE_INT_H

#include <curses.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "../core/mg_str.h"
#include "../engine/session.h"

struct con_scan;

/* What a piece of text means; con_attr() turns it into curses attributes. */
enum con_style {
	CS_NORMAL = 0,
	CS_BOLD,
	CS_DIM,
	CS_COLUMNS,		/* column headings */
	CS_BAR,			/* header and footer */
	CS_BAR_KEY,		/* a key name in the footer */
	CS_SELECTED,
	CS_ERROR,
	CS_SEV_INFO,		/* CS_SEV_INFO + enum mg_severity */
	CS_SEV_LOW,
	CS_SEV_MEDIUM,
	CS_SEV_HIGH,
	CS_SEV_CRITICAL,
	CS_DIFF_HUNK,		/* "@@ file:line" */
	CS_DIFF_DEL,		/* "-old" */
	CS_DIFF_ADD,		/* "+new" */
	CS_DIFF_CMD,		/* "$ command" */
	CS_COUNT
};

/* One display line: already sanitized; the first "lead" bytes in lead_style. */
struct con_line {
	char *text;
	size_t lead;
	enum con_style lead_style;
	enum con_style style;
};

/* Lines wrapped to a width, and how far they are scrolled. */
struct con_page {
	struct con_line *lines;
	size_t nlines, cap;
	size_t top;		/* first line shown */
	int width;		/* width the lines were built for; 0: rebuild */
	int rows;		/* rows shown at the last draw */
};

/* A key for the footer (fkey/flabel, NULL: not there) and the help. */
struct con_key {
	const char *fkey;
	const char *flabel;
	const char *hkey;
	const char *hwhat;
};

struct con;
struct con_panel;

/*
 * A screen.  A pager screen has build (fill c->page for c->page.width) and
 * no draw; other screens draw their body themselves.  key returns 1 when it
 * used the key.  keys_now, when there, says which keys work in the state
 * the screen is in (the footer and help show only those); else keys.
 */
struct con_view {
	const char *name;
	const struct con_key *keys;	/* ends with a NULL hkey */
	void (*build)(struct con *);
	void (*draw)(struct con *, int, int);
	int (*key)(struct con *, int);
	const struct con_key *(*keys_now)(const struct con *);
	/* r is this screen's own key (reads its data again, runs the
	 * probe), not "read the configuration again" */
	int own_r;
};

/*
 * A panel: one tab under the header.  One file each (panel_NAME.c)
 * defines its screens and its const struct con_panel; one row in
 * con_panels[] (console_panels.c, its declaration beside the table) puts
 * it in the tab order.  That is all adding a panel takes.  A panel draws
 * and takes keys through its screens (view: struct con_view's draw and
 * key; a screen it opens from there is its own business); its state is
 * its own struct, which no other file sees.
 *
 *	name	its tab: "Relay"
 *	area	the finding area a findings panel shows; NULL: every area,
 *		or not a findings panel
 *	view	its screen, shown when the panel is opened
 *	open	what opening it does instead (read the queue, the journal);
 *		NULL: show view
 *	shows	the screen shown is one of this panel's (its tab is marked)
 *	count	the number in its tab ("2 Relay 1"); NULL: no number
 *	modal	it waits for an answer (y/N): Tab and the digits are not
 *		panel keys then; NULL: never
 *	loaded	the configuration was read again; NULL: nothing to do
 *	tick	between keys (every second, more often while a job runs);
 *		1 if the screen must be drawn again; NULL: nothing to do
 *	free	at exit, everything its state holds; NULL: nothing
 *	state_size  the size of its own state (its struct, private to its
 *		file), zeroed at start; con_panel_state finds it.  0: none
 */
struct con_panel {
	const char *name;
	const char *area;
	const struct con_view *view;
	void (*open)(struct con *, const struct con_panel *);
	int (*shows)(const struct con *, const struct con_panel *);
	int (*count)(const struct con *, const struct con_panel *,
	    size_t *);
	int (*modal)(const struct con *);
	void (*loaded)(struct con *);
	int (*tick)(struct con *);
	void (*free)(struct con *);
	size_t state_size;
};

/* The panels in tab order, NULL-terminated (console_panels.c). */
extern const struct con_panel *const con_panels[];

/* What a child process does (console_job.c). */
#define CON_JOB_FIX 1		/* applies fixes */
#define CON_JOB_QUEUE 2		/* purges, holds or releases queued mail */
#define CON_JOB_PROBE 3		/* runs the relay probe */

/*
 * A line a job prints to move the progress bar:
 * "\036progress STEP NSTEPS DONE TOTAL NAME"; not shown as output.
 */
#define CON_PROGRESS "\036progress "

/* A fix being applied, or a queue action, by a child process. */
struct con_job {
	pid_t pid;		/* 0: none started */
	int kind;		/* CON_JOB_FIX, CON_JOB_QUEUE */
	int fd;			/* its output (non-blocking); -1 once read */
	struct mg_str out;	/* everything it printed */
	int ended;
	int status;		/* exit status once ended */
	char *what;		/* "fix postfix.mynetworks.narrow" */
};

/* The footer's line editor for a proposed value. */
struct con_edit {
	int active;
	char buf[1024];
	size_t len, cur;
	char label[80];		/* "mynetworks = " */
	/* Enter hands the text to this; NULL: it is a fix's value */
	void (*done)(struct con *);
};

struct con {
	struct mg_session *app;
	const struct con_view *view;
	int color;		/* colours in use (has_colors, no NO_COLOR) */
	int help;		/* help overlay shown */
	int quit;
	int reload;		/* the key handler asked for a reload */
	time_t loaded_at;	/* the configuration was last read */
	const char *ellipsis;	/* "…" in a UTF-8 locale, else "..." */
	/* overview */
	size_t sel, list_top;
	int list_rows;
	/* detail: the finding shown (index, and id to find it again) */
	size_t finding;
	char *finding_id;
	/* the pager screens' lines (one pager screen is shown at a time) */
	struct con_page page;
	char msg[200];		/* one-shot note in the footer */
	/* applying (console_apply.c) */
	struct con_job job;
	/* the queue reader's thread (panel_queue.c sets it while the
	 * thread may run): held still around a job's fork */
	struct con_scan *reader;
	int apply_follow;	/* the apply view keeps to the end */
	int apply_done;		/* left the apply view: reload, go on */
	struct con_edit edit;
	/* guided hardening: findings applied or skipped in this walk */
	int guided;
	char **guided_done;
	size_t nguided_done, guided_cap;
	const struct con_panel *panel;	/* the findings panel shown;
					 * NULL: All */
	char filter[128];	/* the / filter; "" none */
	unsigned filter_gen;	/* counts the filter's changes */
	/* the table of panels (con_panels, set by con_panels_init) */
	const struct con_panel *const *panels;
	void **pstate;		/* each panel's state, in table order */
	/* the findings ignored (read by the All panel with every load) */
	char **ignored;
	size_t nignored;
};

/* What console_signal.c replaced, to put back. */
#define CON_NEND_SIGNALS 3	/* SIGINT, SIGTERM, SIGHUP */
#define CON_NFATAL_SIGNALS 5	/* SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL */
struct con_signals {
	struct sigaction old[CON_NEND_SIGNALS];
	struct sigaction old_fatal[CON_NFATAL_SIGNALS];
	int fatal_set;
};

/* The screens other files show (a panel's own screens are its own). */
extern const struct con_view con_view_overview;	/* panel_findings.c */
extern const struct con_view con_view_detail;
extern const struct con_view con_view_notes;
extern const struct con_view con_view_error;
extern const struct con_view con_view_apply;	/* console_apply.c */
extern const struct con_view con_view_queue;	/* panel_queue.c */
extern const struct con_view con_view_qmsg;

/* console_ui.c */
void con_set_view(struct con *, const struct con_view *);
void con_note(struct con *, const char *);
int con_panel_of(const struct con *);
void con_tabs_draw(struct con *, int);
void con_panel_go(struct con *, int);
int con_panel_key(struct con *, int);
int con_panel_open(struct con *, const char *);
void *con_panel_state(const struct con *, const struct con_panel *);
int con_is_ignored(const struct con *, const char *);

/* console_job.c */
typedef int (*con_job_fn)(struct con *, void *, FILE *);
int con_job_start(struct con *, int, const char *, con_job_fn, void *);
int con_job_cancelled(void);
int con_job_progress(const struct con_job *, unsigned *, unsigned *,
    size_t *, size_t *, char *, size_t);
void con_job_free(struct con_job *);
int con_job_running(const struct con *);
int con_job_poll(struct con *);
void con_job_cancel(struct con *);

/* console_apply.c */
void con_apply_finding(struct con *);
void con_edit_begin(struct con *);
void con_edit_key(struct con *, int);
void con_edit_draw(const struct con *);

/* console_panels.c */
void con_panels_init(struct con *);
void con_panels_loaded(struct con *);
int con_panels_tick(struct con *);
void con_panels_free(struct con *);

/* panel_findings.c: the findings panels, the filter, ignored findings,
 * guided hardening */
int con_finding_shown(const struct con *, size_t);
size_t con_visible_first(const struct con *);
void con_filter_begin(struct con *);
int con_ignore_toggle(struct con *, const char *);
void con_guided_start(struct con *);
int con_guided_next(struct con *);
void con_guided_mark(struct con *, const char *);
void con_guided_end(struct con *);
void con_guided_count(const struct con *, size_t *, size_t *);

/* panel_queue.c: the incident view is also reached with i and F5 */
void con_queue_open(struct con *);
void con_queue_rescan(struct con *);
size_t con_queue_size(const struct con *, long *, int *, time_t *);
int con_queue_scanning(const struct con *);
void con_queue_for_session(struct con *);
int con_queue_session(struct con *, struct mg_queue *, struct mg_err *);

/* console_signal.c */
void con_signals_catch(struct con_signals *, int);
void con_signals_fatal(struct con_signals *);
int con_signals_caught(void);
void con_signals_restore(const struct con_signals *);

/* console_text.c */
void con_colors_init(struct con *);
attr_t con_attr(const struct con *, enum con_style);
enum con_style con_sev_style(int);
const char *con_sev_tag(int);
size_t con_cols(const char *);
const char *con_tail(const char *, int);
int con_put(const struct con *, int, int, int, enum con_style, const char *);
void con_fill(const struct con *, int, int, int, enum con_style);
int con_nav(int, size_t *, size_t, size_t);
int con_is_back(int);
int con_is_open(int);
int con_has_ci(const char *, const char *);
void con_page_clear(struct con_page *);
void con_page_free(struct con_page *);
void con_page_add(struct con_page *, enum con_style, const char *);
void con_page_add_lead(struct con_page *, enum con_style, const char *,
    enum con_style, const char *);
void con_page_wrap(struct con_page *, enum con_style, const char *, int, int);
void con_page_chop(struct con_page *, enum con_style, const char *, int, int);
void con_page_untrusted(struct con_page *, enum con_style, const char *, int,
    int);
void con_page_draw(struct con *, int, int);
int con_page_key(struct con *, int);

#endif
