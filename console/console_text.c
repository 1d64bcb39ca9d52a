/*
 * console_text.c - the console's text primitives: styles to attributes,
 * display widths, drawing clipped to a width, word wrap, and the pager that
 * the detail, warnings and error screens scroll.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#include "../core/mg_sanitize.h"
#include "../core/mg_str.h"
#include "console_int.h"

enum {
	PAIR_RED = 1,
	PAIR_MAGENTA,
	PAIR_YELLOW,
	PAIR_CYAN,
	PAIR_GREEN
};

/*
 * Monochrome keeps every severity and diff line distinguishable with
 * attributes alone (NO_COLOR, or a terminal without colours).
 */
static const attr_t mono_attr[CS_COUNT] = {
	[CS_NORMAL] = A_NORMAL,
	[CS_BOLD] = A_BOLD,
	[CS_DIM] = A_DIM,
	[CS_COLUMNS] = A_UNDERLINE,
	[CS_BAR] = A_REVERSE,
	[CS_BAR_KEY] = A_REVERSE | A_BOLD,
	[CS_SELECTED] = A_REVERSE,
	[CS_ERROR] = A_BOLD,
	[CS_SEV_INFO] = A_DIM,
	[CS_SEV_LOW] = A_NORMAL,
	[CS_SEV_MEDIUM] = A_UNDERLINE,
	[CS_SEV_HIGH] = A_BOLD,
	[CS_SEV_CRITICAL] = A_BOLD | A_REVERSE,
	[CS_DIFF_HUNK] = A_UNDERLINE,
	[CS_DIFF_DEL] = A_DIM,
	[CS_DIFF_ADD] = A_BOLD,
	[CS_DIFF_CMD] = A_BOLD
};

static const char *const sev_tag[] = { "INFO", "LOW", "MED", "HIGH", "CRIT" };

/* con_colors_init - colour pairs, unless no colours or NO_COLOR is set */
void
con_colors_init(struct con *c)
{
	const char *nc = getenv("NO_COLOR");
	short bg = -1;

	c->color = 0;
	/* no-color.org: NO_COLOR set to a non-empty value disables colour. */
	if (!has_colors() || (nc != NULL && nc[0] != '\0'))
		return;
	if (start_color() == ERR)
		return;
	if (use_default_colors() == ERR)
		bg = COLOR_BLACK;
	(void)init_pair(PAIR_RED, COLOR_RED, bg);
	(void)init_pair(PAIR_MAGENTA, COLOR_MAGENTA, bg);
	(void)init_pair(PAIR_YELLOW, COLOR_YELLOW, bg);
	(void)init_pair(PAIR_CYAN, COLOR_CYAN, bg);
	(void)init_pair(PAIR_GREEN, COLOR_GREEN, bg);
	c->color = 1;
}

/* con_attr - the curses attributes of a style */
attr_t
con_attr(const struct con *c, enum con_style s)
{
	if ((unsigned)s >= CS_COUNT)
		return (A_NORMAL);
	if (!c->color)
		return (mono_attr[s]);
	switch (s) {
	case CS_ERROR:
	case CS_SEV_CRITICAL:
		return (COLOR_PAIR(PAIR_RED) | A_BOLD);
	case CS_SEV_HIGH:
		return (COLOR_PAIR(PAIR_MAGENTA) | A_BOLD);
	case CS_SEV_MEDIUM:
		return (COLOR_PAIR(PAIR_YELLOW));
	case CS_SEV_LOW:
	case CS_DIFF_HUNK:
		return (COLOR_PAIR(PAIR_CYAN));
	case CS_SEV_INFO:
		return (A_NORMAL);
	case CS_DIFF_DEL:
		return (COLOR_PAIR(PAIR_RED));
	case CS_DIFF_ADD:
		return (COLOR_PAIR(PAIR_GREEN));
	default:
		return (mono_attr[s]);
	}
}

/* con_sev_style - the style of a severity */
enum con_style
con_sev_style(int sev)
{
	if (sev < MG_SEV_INFO || sev > MG_SEV_CRITICAL)
		sev = MG_SEV_INFO;
	return ((enum con_style)(CS_SEV_INFO + sev));
}

/* con_sev_tag - four-letter tag of a severity: CRIT, HIGH, MED, LOW, INFO */
const char *
con_sev_tag(int sev)
{
	if (sev < MG_SEV_INFO || sev > MG_SEV_CRITICAL)
		sev = MG_SEV_INFO;
	return (sev_tag[sev]);
}

/*
 * next_char - bytes and columns of the character at s.  Anything this locale
 * cannot print (text is sanitized UTF-8, but the locale may not be UTF-8)
 * counts as one column and *ok = 0: it is drawn as "?".
 */
static size_t
next_char(const char *s, size_t n, int *cols, int *ok)
{
	mbstate_t ps;
	wchar_t wc;
	size_t len;
	int w;

	memset(&ps, 0, sizeof(ps));
	len = mbrtowc(&wc, s, n, &ps);
	*cols = 1;
	*ok = 0;
	if (len == (size_t)-1 || len == (size_t)-2 || len == 0)
		return (1);
	if ((w = wcwidth(wc)) < 0)
		return (len);
	*cols = w;
	*ok = 1;
	return (len);
}

/* prefix_fit - bytes of s[0..n) that fit in max columns (*used of them) */
static size_t
prefix_fit(const char *s, size_t n, int max, int *used)
{
	size_t off = 0, len;
	int cols, ok;

	*used = 0;
	while (off < n) {
		len = next_char(s + off, n - off, &cols, &ok);
		if (*used + cols > max)
			break;
		*used += cols;
		off += len;
	}
	return (off);
}

/* span_cols - display columns of s[0..n) */
static int
span_cols(const char *s, size_t n)
{
	int used;

	(void)prefix_fit(s, n, 1 << 30, &used);
	return (used);
}

/* con_cols - display columns of a sanitized string */
size_t
con_cols(const char *s)
{
	return ((size_t)span_cols(s, strlen(s)));
}

/* con_tail - longest suffix of sanitized text that fits in max columns */
const char *
con_tail(const char *s, int max)
{
	size_t n = strlen(s), off = 0;
	int total = span_cols(s, n), cols, ok;

	while (off < n && total > max) {
		off += next_char(s + off, n - off, &cols, &ok);
		total -= cols;
	}
	return (s + off);
}

/* con_put - draw sanitized text at y,x in at most max columns; columns used */
int
con_put(const struct con *c, int y, int x, int max, enum con_style st,
    const char *s)
{
	size_t n = strlen(s), len;
	int used = 0, cols, ok;

	if (max <= 0 || y < 0 || y >= LINES || x < 0 || x >= COLS)
		return (0);
	if (max > COLS - x)
		max = COLS - x;
	(void)move(y, x);
	(void)attrset(con_attr(c, st));
	while (n > 0) {
		len = next_char(s, n, &cols, &ok);
		if (used + cols > max)
			break;
		if (ok)
			(void)addnstr(s, (int)len);
		else
			(void)addch('?');
		used += cols;
		s += len;
		n -= len;
	}
	(void)attrset(A_NORMAL);
	return (used);
}

/* con_fill - n blank columns in a style (a bar's background) */
void
con_fill(const struct con *c, int y, int x, int n, enum con_style st)
{
	if (y < 0 || y >= LINES || x < 0 || x >= COLS || n <= 0)
		return;
	if (n > COLS - x)
		n = COLS - x;
	(void)attrset(con_attr(c, st));
	(void)mvhline(y, x, ' ', n);
	(void)attrset(A_NORMAL);
}

/*
 * con_nav - move *pos in [0, count) by a navigation key; page is the rows
 * shown.  Returns 1 when the key was a navigation key.
 */
int
con_nav(int ch, size_t *pos, size_t count, size_t page)
{
	size_t last = count > 0 ? count - 1 : 0;

	if (page < 1)
		page = 1;
	switch (ch) {
	case KEY_UP:
	case 'k':
		if (*pos > 0)
			(*pos)--;
		break;
	case KEY_DOWN:
	case 'j':
		if (*pos < last)
			(*pos)++;
		break;
	case KEY_PPAGE:
		*pos = *pos > page ? *pos - page : 0;
		break;
	case KEY_NPAGE:
	case ' ':
		*pos = last - *pos > page ? *pos + page : last;
		break;
	case KEY_HOME:
	case 'g':
		*pos = 0;
		break;
	case KEY_END:
	case 'G':
		*pos = last;
		break;
	default:
		return (0);
	}
	if (*pos > last)
		*pos = last;
	return (1);
}

/* con_page_clear - forget the lines, keep the buffer */
void
con_page_clear(struct con_page *p)
{
	size_t i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nlines; i++)
		free(p->lines[i].text);
	p->nlines = 0;
}

/* con_page_free - release everything; the page is empty again */
void
con_page_free(struct con_page *p)
{
	if (p == NULL)
		return;
	con_page_clear(p);
	free(p->lines);
	memset(p, 0, sizeof(*p));
}

/* con_page_add_lead - a line whose first part has its own style */
void
con_page_add_lead(struct con_page *p, enum con_style lead_style,
    const char *lead, enum con_style style, const char *rest)
{
	struct con_line *l;
	struct mg_str s = MG_STR_INIT;

	mg_str_puts(&s, lead);
	mg_str_puts(&s, rest);
	l = MG_ARRAY_PUSH(p->lines, p->nlines, p->cap);
	l->lead = strlen(lead);
	l->lead_style = lead_style;
	l->style = style;
	l->text = mg_str_steal(&s);
}

/* con_page_add - one line of sanitized text (drawing clips it) */
void
con_page_add(struct con_page *p, enum con_style style, const char *text)
{
	con_page_add_lead(p, style, "", style, text);
}

/* add_indented - a line: indent blanks, then text[0..n) */
static void
add_indented(struct con_page *p, enum con_style style, int indent,
    const char *text, size_t n)
{
	struct mg_str s = MG_STR_INIT;
	int i;

	mg_str_init(&s);
	for (i = 0; i < indent; i++)
		mg_str_putc(&s, ' ');
	mg_str_append(&s, text, n);
	con_page_add(p, style, mg_str_cstr(&s));
	mg_str_free(&s);
}

/* room - columns left for text after an indent; at least one */
static int
room(const struct con_page *p, int indent)
{
	return (p->width - indent > 1 ? p->width - indent : 1);
}

/*
 * con_page_chop - sanitized text cut into lines of the page width, spaces
 * kept (diff and command lines: every byte matters to a reviewer).  The
 * first line is indented by indent, the rest by hang.
 */
void
con_page_chop(struct con_page *p, enum con_style style, const char *text,
    int indent, int hang)
{
	size_t n = strlen(text), len;
	int used, ok, ind = indent;

	do {
		len = prefix_fit(text, n, room(p, ind), &used);
		if (len == 0 && n > 0)	/* wider than the room: take it */
			len = next_char(text, n, &used, &ok);
		add_indented(p, style, ind, text, len);
		text += len;
		n -= len;
		ind = hang;
	} while (n > 0);
}

/*
 * con_page_wrap - sanitized prose word-wrapped to the page width; a word
 * longer than a line is cut.  The first line is indented by indent, the
 * rest by hang.  Runs of spaces collapse to one.
 */
void
con_page_wrap(struct con_page *p, enum con_style style, const char *text,
    int indent, int hang)
{
	struct mg_str line = MG_STR_INIT;
	const char *w = text, *e;
	size_t wlen, cut;
	int ind = indent, used = 0, wcols, got, ok, lines = 0;

	mg_str_init(&line);
	for (;;) {
		while (*w == ' ')
			w++;
		if (*w == '\0')
			break;
		for (e = w; *e != '\0' && *e != ' '; e++)
			;
		wlen = (size_t)(e - w);
		wcols = span_cols(w, wlen);
		if (used > 0 && used + 1 + wcols > room(p, ind)) {
			add_indented(p, style, ind, line.data, line.len);
			lines++;
			mg_str_reset(&line);
			used = 0;
			ind = hang;
		}
		if (used > 0) {
			mg_str_putc(&line, ' ');
			used++;
		}
		/* A word longer than the room: fill lines with pieces of it. */
		while (used + wcols > room(p, ind)) {
			cut = prefix_fit(w, wlen, room(p, ind) - used, &got);
			if (cut == 0 && used == 0)
				cut = next_char(w, wlen, &got, &ok);
			mg_str_append(&line, w, cut);
			add_indented(p, style, ind, line.data, line.len);
			lines++;
			mg_str_reset(&line);
			used = 0;
			ind = hang;
			w += cut;
			wlen -= cut;
			wcols = span_cols(w, wlen);
		}
		mg_str_append(&line, w, wlen);
		used += wcols;
		w = e;
	}
	if (used > 0 || lines == 0)
		add_indented(p, style, ind, line.data, line.len);
	mg_str_free(&line);
}

/*
 * con_page_untrusted - text from the model (may hold newlines and hostile
 * bytes): each line sanitized, then word-wrapped.
 */
void
con_page_untrusted(struct con_page *p, enum con_style style, const char *text,
    int indent, int hang)
{
	struct mg_str s = MG_STR_INIT;
	const char *nl;

	if (text == NULL)
		text = "";
	do {
		nl = strchr(text, '\n');
		if (nl == NULL)
			nl = text + strlen(text);
		mg_str_reset(&s);
		mg_sanitize(&s, text, (size_t)(nl - text));
		con_page_wrap(p, style, mg_str_cstr(&s), indent, hang);
		text = nl + (*nl != '\0');
	} while (*text != '\0');
	mg_str_free(&s);
}

/* draw_line - one page line at row y, clipped to the width */
static void
draw_line(const struct con *c, int y, const struct con_line *l)
{
	char *lead;
	int used;

	lead = mg_xstrndup(l->text, l->lead);
	used = con_put(c, y, 0, COLS, l->lead_style, lead);
	free(lead);
	(void)con_put(c, y, used, COLS - used, l->style, l->text + l->lead);
}

/* con_page_draw - the pager screen's lines in rows [y, y + rows) */
void
con_page_draw(struct con *c, int y, int rows)
{
	struct con_page *p = &c->page;
	size_t i, max_top;

	if (p->width != COLS) {
		con_page_clear(p);
		p->width = COLS;
		c->view->build(c);
	}
	p->rows = rows;
	max_top = p->nlines > (size_t)rows ? p->nlines - (size_t)rows : 0;
	if (p->top > max_top)
		p->top = max_top;
	for (i = 0; i < (size_t)rows && p->top + i < p->nlines; i++)
		draw_line(c, y + (int)i, &p->lines[p->top + i]);
}

/* con_page_key - scroll keys of a pager screen */
int
con_page_key(struct con *c, int ch)
{
	struct con_page *p = &c->page;
	size_t rows = p->rows > 0 ? (size_t)p->rows : 1;
	size_t max_top = p->nlines > rows ? p->nlines - rows : 0;

	return (con_nav(ch, &p->top, max_top + 1, rows > 1 ? rows - 1 : 1));
}

/* con_is_back - a key that leaves a screen: Esc, Backspace, Left, h */
int
con_is_back(int ch)
{
	return (ch == 27 || ch == KEY_BACKSPACE || ch == 127 || ch == '\b' ||
	    ch == KEY_LEFT || ch == 'h');
}

/* con_is_open - Enter, Right, l */
int
con_is_open(int ch)
{
	return (ch == '\n' || ch == '\r' || ch == KEY_ENTER ||
	    ch == KEY_RIGHT || ch == 'l');
}

/* con_has_ci - needle in hay, ignoring case (the / filter) */
int
con_has_ci(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; hay != NULL && *hay != '\0'; hay++)
		if (strncasecmp(hay, needle, n) == 0)
			return (1);
	return (0);
}
