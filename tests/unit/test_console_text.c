/* test_console_text.c - the console's text helpers: display widths, tails,
 * word wrap and chop to a width, the pager's lines, navigation, styles. */
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/mg_str.h"
#include "../../console/console_int.h"
#include "mg_test.h"

/* Wide (2 columns) and other characters, as UTF-8 */
#define NI "\u65e5"		/* CJK "sun", 2 columns */
#define HON "\u672c"		/* CJK "book", 2 columns */
#define GO "\u8a9e"		/* CJK "word", 2 columns */
#define FW_A "\uff41"		/* fullwidth a, 2 columns */
#define E_ACUTE "\u00e9"	/* precomposed, 1 column */
#define COMBINING "\u0301"	/* combining acute, 0 columns */
#define ELLIPSIS "\u2026"	/* 1 column */

#define MAX_LINES 16

/* utf8_locale - a UTF-8 locale for wcwidth; 0 if the system has none */
static int
utf8_locale(void)
{
	static const char *const names[] = { "C.UTF-8", "C.utf8",
	    "en_US.UTF-8" };
	size_t i;

	for (i = 0; i < MG_NELEM(names); i++)
		if (setlocale(LC_ALL, names[i]) != NULL)
			return (1);
	return (0);
}

/* group_setup - every test but test_c_locale_* runs in UTF-8 */
static int
group_setup(void **state)
{
	(void)state;
	if (!utf8_locale()) {
		(void)fprintf(stderr, "no UTF-8 locale (C.UTF-8) installed\n");
		return (-1);
	}
	return (0);
}

/* page_at - an empty page built for a width */
static struct con_page
page_at(int width)
{
	struct con_page p;

	memset(&p, 0, sizeof(p));
	p.width = width;
	return (p);
}

/* despaced - s without any spaces, into out */
static void
despaced(const char *s, struct mg_str *out)
{
	mg_str_init(out);
	for (; *s != '\0'; s++)
		if (*s != ' ')
			mg_str_putc(out, *s);
}

/* first_char_cols - columns of the first character of s */
static size_t
first_char_cols(const char *s)
{
	char one[8];
	size_t n = 1;

	while (n < sizeof(one) - 1 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n++;
	memcpy(one, s, n);
	one[n] = '\0';
	return (con_cols(one));
}

/*
 * check_lines - what every wrap and chop promises: first line indented by
 * indent, the rest by hang; a line's text fits the room left by its
 * indent (at least one column), unless it is a single character wider
 * than that room, which must go somewhere.
 */
static void
check_lines(const char *name, const struct con_page *p, int indent,
    int hang)
{
	const char *text;
	size_t i, ind, room, cols;

	if (p->nlines == 0)
		fail_msg("%s: no line at all", name);
	for (i = 0; i < p->nlines; i++) {
		ind = (size_t)(i == 0 ? indent : hang);
		text = p->lines[i].text;
		if (strncmp(text, "                ", ind) != 0)
			fail_msg("%s: line %zu \"%s\": not indented by %zu",
			    name, i, text, ind);
		text += ind;
		room = (int)ind < p->width - 1 ? (size_t)p->width - ind : 1;
		cols = con_cols(text);
		if (cols > room && !(cols == first_char_cols(text) &&
		    text[strlen(text) - 1] != ' '))
			fail_msg("%s: line %zu \"%s\": %zu columns, room %zu",
			    name, i, p->lines[i].text, cols, room);
	}
}

/* check_want - a page holds exactly the lines of want (NULL ends it) */
static void
check_want(const char *name, const struct con_page *p,
    const char *const *want)
{
	size_t n;

	for (n = 0; n < MAX_LINES && want[n] != NULL; n++) {
		if (n >= p->nlines)
			fail_msg("%s: %zu lines, want more", name, p->nlines);
		if (strcmp(p->lines[n].text, want[n]) != 0)
			fail_msg("%s: line %zu is \"%s\", want \"%s\"", name,
			    n, p->lines[n].text, want[n]);
	}
	if (p->nlines != n)
		fail_msg("%s: %zu lines, want %zu", name, p->nlines, n);
}

static const struct {
	const char *name, *in;
	size_t want;
} cols_cases[] = {
	{ "empty", "", 0 },
	{ "ascii", "abc", 3 },
	{ "cjk", NI HON GO, 6 },
	{ "fullwidth", FW_A FW_A, 4 },
	{ "mixed", "a" NI "b", 4 },
	{ "precomposed", E_ACUTE, 1 },
	{ "combining", "e" COMBINING, 1 },
	{ "ellipsis", ELLIPSIS, 1 },
	{ "invalid byte", "a\xff", 2 },	/* drawn as '?' */
	{ "truncated sequence", "a\xe6\x97", 3 },
	{ "sanitized escape", "\\x1b]0;t\\x07", 12 },
};

/* test_cols_counts_display_columns - wide 2, combining 0, invalid 1 */
static void
test_cols_counts_display_columns(void **state)
{
	size_t i, got;

	(void)state;
	for (i = 0; i < MG_NELEM(cols_cases); i++) {
		got = con_cols(cols_cases[i].in);
		if (got != cols_cases[i].want)
			fail_msg("%s: %zu columns, want %zu",
			    cols_cases[i].name, got, cols_cases[i].want);
	}
}

static const struct {
	const char *name, *in;
	int max;
	const char *want;
} tail_cases[] = {
	{ "fits whole", "abc", 5, "abc" },
	{ "exact", "abc", 3, "abc" },
	{ "cut", "abcdef", 3, "def" },
	{ "zero", "abc", 0, "" },
	{ "negative", "abc", -1, "" },
	{ "empty", "", 3, "" },
	{ "path", "/tmp/mg-e2e.x/etc/main.cf", 7, "main.cf" },
	{ "cjk odd room", NI HON GO, 3, GO },
	{ "cjk even room", NI HON GO, 4, HON GO },
	{ "cjk room 1", NI HON GO, 1, "" },
	{ "ascii then cjk", "ab" NI, 3, "b" NI },
	{ "combining kept", "xe" COMBINING, 1, "e" COMBINING },
};

/* test_tail_longest_suffix_that_fits - table, then: fits and is longest */
static void
test_tail_longest_suffix_that_fits(void **state)
{
	const char *in, *got;
	size_t i;
	int max;

	(void)state;
	for (i = 0; i < MG_NELEM(tail_cases); i++) {
		in = tail_cases[i].in;
		max = tail_cases[i].max;
		got = con_tail(in, max);
		if (got < in || got > in + strlen(in))
			fail_msg("%s: not a suffix", tail_cases[i].name);
		if (strcmp(got, tail_cases[i].want) != 0)
			fail_msg("%s: \"%s\", want \"%s\"", tail_cases[i].name,
			    got, tail_cases[i].want);
		if (max >= 0 && con_cols(got) > (size_t)max)
			fail_msg("%s: %zu columns > %d", tail_cases[i].name,
			    con_cols(got), max);
	}
}

static const struct {
	const char *name, *in;
	int width, indent, hang;
	const char *want[MAX_LINES];
} wrap_cases[] = {
	{ "two lines", "the quick brown fox", 10, 0, 0,
	    { "the quick", "brown fox", NULL } },
	{ "indent and hang", "aaa bbb ccc ddd", 9, 2, 4,
	    { "  aaa bbb", "    ccc", "    ddd", NULL } },
	{ "exact fit", "abcd efgh", 4, 0, 0, { "abcd", "efgh", NULL } },
	{ "long word cut", "abcdefghij", 4, 0, 0,
	    { "abcd", "efgh", "ij", NULL } },
	{ "long word after a short one", "ab cdefghij", 4, 0, 0,
	    { "ab", "cdef", "ghij", NULL } },
	{ "spaces collapse", "  a   b  ", 10, 0, 0, { "a b", NULL } },
	{ "empty", "", 10, 2, 4, { "  ", NULL } },
	{ "spaces only", "    ", 10, 0, 0, { "", NULL } },
	{ "width 1", "ab c", 1, 0, 0, { "a", "b", "c", NULL } },
	{ "cjk word cut", NI HON GO NI HON, 5, 0, 0,
	    { NI HON, GO NI, HON, NULL } },
	{ "cjk words", NI HON " " GO " " NI, 5, 0, 0,
	    { NI HON, GO " " NI, NULL } },
	{ "cjk wider than width 1", NI HON, 1, 0, 0, { NI, HON, NULL } },
	{ "cjk odd room", "a " NI HON " b", 3, 0, 0,
	    { "a", NI, HON, "b", NULL } },
	{ "combining stays with its letter", "caf" "e" COMBINING " ok", 4,
	    0, 0, { "caf" "e" COMBINING, "ok", NULL } },
	{ "evidence line", "/etc/postfix/main.cf:43: mynetworks entry "
	    "210.140.12.34/8 trusts 16,777,216 public addresses", 40, 2, 4,
	    { "  /etc/postfix/main.cf:43: mynetworks",
	    "    entry 210.140.12.34/8 trusts",
	    "    16,777,216 public addresses", NULL } },
};

/* test_wrap_table - golden word wraps */
static void
test_wrap_table(void **state)
{
	struct con_page p;
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(wrap_cases); i++) {
		p = page_at(wrap_cases[i].width);
		con_page_wrap(&p, CS_NORMAL, wrap_cases[i].in,
		    wrap_cases[i].indent, wrap_cases[i].hang);
		check_want(wrap_cases[i].name, &p, wrap_cases[i].want);
		check_lines(wrap_cases[i].name, &p, wrap_cases[i].indent,
		    wrap_cases[i].hang);
		con_page_free(&p);
	}
}

/* Prose for the properties: every width, indents, nothing lost. */
static const char *const prose[] = {
	"",
	"word",
	"Every client address in mynetworks passes permit_mynetworks and "
	    "may send mail through this server to anywhere.",
	"see https://www.postfix.org/postconf.5.html#smtpd_relay_restrictions"
	    " for the order",
	NI HON GO " " NI HON GO NI HON GO NI " " HON,
	"mixed " NI HON "text" GO " and caf" E_ACUTE " e" COMBINING "x",
	"   lots    of     spaces   ",
	"/tmp/mg-e2e.x/x\\x1b]0;pwned\\x07: No such file or directory",
	FW_A FW_A FW_A FW_A FW_A FW_A FW_A FW_A FW_A,
};


/* cols_of - display columns of s[0..n) */
static size_t
cols_of(const char *s, size_t n)
{
	char *t = mg_xstrndup(s, n);
	size_t cols = con_cols(t);

	free(t);
	return (cols);
}

/* word_kept - w[0..n) is a whole space-separated word of some line */
static int
word_kept(const struct con_page *p, const char *w, size_t n)
{
	const char *s, *e;
	size_t i;

	for (i = 0; i < p->nlines; i++)
		for (s = p->lines[i].text; *s != '\0'; s = e) {
			s += strspn(s, " ");
			e = s + strcspn(s, " ");
			if ((size_t)(e - s) == n && memcmp(s, w, n) == 0)
				return (1);
		}
	return (0);
}

/*
 * check_wrap_props - lines fit (check_lines); nothing is lost or added
 * but spaces; after its indent no line starts or ends with a space; a
 * word that fits in a line is never cut.
 */
static void
check_wrap_props(const char *in, int width, int indent, int hang)
{
	struct con_page p = page_at(width);
	struct mg_str all = MG_STR_INIT, want = MG_STR_INIT, got = MG_STR_INIT;
	const char *w, *e, *text;
	char name[80];
	size_t i, ind;
	int min_room = width - (indent > hang ? indent : hang);

	(void)snprintf(name, sizeof(name), "width %d, indent %d/%d, \"%.24s\"",
	    width, indent, hang, in);
	con_page_wrap(&p, CS_NORMAL, in, indent, hang);
	check_lines(name, &p, indent, hang);
	mg_str_init(&all);
	for (i = 0; i < p.nlines; i++) {
		ind = (size_t)(i == 0 ? indent : hang);
		text = p.lines[i].text + ind;
		if (*text == ' ')
			fail_msg("%s: line %zu starts with a space", name, i);
		if (*text != '\0' && text[strlen(text) - 1] == ' ')
			fail_msg("%s: line %zu ends with a space", name, i);
		mg_str_puts(&all, text);
	}
	despaced(in, &want);
	despaced(mg_str_cstr(&all), &got);
	if (strcmp(mg_str_cstr(&want), mg_str_cstr(&got)) != 0)
		fail_msg("%s: text \"%s\", want \"%s\"", name,
		    mg_str_cstr(&got), mg_str_cstr(&want));
	for (w = in; *w != '\0'; w = e) {
		w += strspn(w, " ");
		e = w + strcspn(w, " ");
		if (e > w && min_room > 0 &&
		    cols_of(w, (size_t)(e - w)) <= (size_t)min_room &&
		    !word_kept(&p, w, (size_t)(e - w)))
			fail_msg("%s: word \"%.*s\" was cut", name,
			    (int)(e - w), w);
	}
	mg_str_free(&all);
	mg_str_free(&want);
	mg_str_free(&got);
	con_page_free(&p);
}

static const int indents[][2] = { { 0, 0 }, { 2, 4 }, { 4, 2 }, { 6, 6 } };

/* test_wrap_fits_and_loses_nothing - every prose, width 1..60, indents */
static void
test_wrap_fits_and_loses_nothing(void **state)
{
	size_t i, k;
	int width;

	(void)state;
	for (i = 0; i < MG_NELEM(prose); i++)
		for (width = 1; width <= 60; width++)
			for (k = 0; k < MG_NELEM(indents); k++)
				check_wrap_props(prose[i], width,
				    indents[k][0], indents[k][1]);
}

static const struct {
	const char *name, *in;
	int width, indent, hang;
	const char *want[MAX_LINES];
} chop_cases[] = {
	{ "diff line", "-a b  c", 6, 2, 3, { "  -a b", "     c", NULL } },
	{ "spaces kept at the cut", "ab  cd", 3, 0, 0,
	    { "ab ", " cd", NULL } },
	{ "exact", "abcdef", 3, 0, 0, { "abc", "def", NULL } },
	{ "empty", "", 10, 2, 3, { "  ", NULL } },
	{ "cjk", NI HON GO, 5, 0, 0, { NI HON, GO, NULL } },
	{ "cjk wider than width 1", NI HON, 1, 0, 0, { NI, HON, NULL } },
	{ "hang beyond the width", "abc", 4, 0, 6,
	    { "abc", NULL } },
	{ "one column left", "abcd", 3, 0, 2,
	    { "abc", "  d", NULL } },
};

/* test_chop_table - golden chops: every byte kept, spaces too */
static void
test_chop_table(void **state)
{
	struct con_page p;
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(chop_cases); i++) {
		p = page_at(chop_cases[i].width);
		con_page_chop(&p, CS_DIFF_ADD, chop_cases[i].in,
		    chop_cases[i].indent, chop_cases[i].hang);
		check_want(chop_cases[i].name, &p, chop_cases[i].want);
		check_lines(chop_cases[i].name, &p, chop_cases[i].indent,
		    chop_cases[i].hang);
		con_page_free(&p);
	}
}

/* check_chop_rejoins - lines fit; without their indent, joined, they are
 * the input byte for byte */
static void
check_chop_rejoins(const char *in, int width, int indent, int hang)
{
	struct con_page p = page_at(width);
	struct mg_str all = MG_STR_INIT;
	char name[80];
	size_t i;

	(void)snprintf(name, sizeof(name), "width %d, indent %d/%d, \"%.24s\"",
	    width, indent, hang, in);
	con_page_chop(&p, CS_NORMAL, in, indent, hang);
	check_lines(name, &p, indent, hang);
	mg_str_init(&all);
	for (i = 0; i < p.nlines; i++)
		mg_str_puts(&all, p.lines[i].text + (i == 0 ? indent : hang));
	if (strcmp(mg_str_cstr(&all), in) != 0)
		fail_msg("%s: \"%s\"", name, mg_str_cstr(&all));
	mg_str_free(&all);
	con_page_free(&p);
}

/* test_chop_rejoins_to_the_input - diff and command lines, every width */
static void
test_chop_rejoins_to_the_input(void **state)
{
	static const char *const in[] = {
		"+mynetworks = 127.0.0.0/8 [::ffff:127.0.0.0]/104 [::1]/128 "
		    "192.168.1.0/24 210.140.12.34/32 218.45.6.7/32",
		"$ postfix -c /etc/postfix reload",
		"  two  spaces  ",
		NI HON "x" GO " " FW_A E_ACUTE "e" COMBINING,
		"",
	};
	size_t i, k;
	int width;

	(void)state;
	for (i = 0; i < MG_NELEM(in); i++)
		for (width = 1; width <= 50; width++)
			for (k = 0; k < MG_NELEM(indents); k++)
				check_chop_rejoins(in[i], width,
				    indents[k][0], indents[k][1]);
}

static const struct {
	const char *name, *in;
	const char *want[MAX_LINES];
} untrusted_cases[] = {
	{ "NULL is one empty line", NULL, { "  ", NULL } },
	{ "empty", "", { "  ", NULL } },
	{ "lines", "line one\nline two", { "  line one", "  line two", NULL } },
	{ "trailing newline", "abc\n", { "  abc", NULL } },
	{ "blank line kept", "a\n\nb", { "  a", "  ", "  b", NULL } },
	{ "osc title", "\x1b]0;pwned\x07", { "  \\x1b]0;pwned\\x07", NULL } },
	{ "csi", "red \x1b[31mX", { "  red \\x1b[31mX", NULL } },
	{ "tab and cr", "a\tb\r", { "  a\\tb\\r", NULL } },
	{ "backslash doubled", "a\\x1b", { "  a\\\\x1b", NULL } },
	{ "bidi override", "a\u202eb", { "  a\\xe2\\x80\\xaeb", NULL } },
	{ "c1 control", "a\xc2\x9b" "b", { "  a\\xc2\\x9bb", NULL } },
	/* escaped, then cut by columns like any long word */
	{ "wrapped after escaping", "x\x01\x02\x03\x04\x05",
	    { "  x\\x01\\x02\\x03\\x04\\", "    x05", NULL } },
};

/* test_untrusted_escapes_and_splits - model text: one paragraph a line,
 * every control byte shown escaped, then wrapped (width 20, 2/4) */
static void
test_untrusted_escapes_and_splits(void **state)
{
	struct con_page p;
	size_t i;

	(void)state;
	for (i = 0; i < MG_NELEM(untrusted_cases); i++) {
		p = page_at(20);
		con_page_untrusted(&p, CS_NORMAL, untrusted_cases[i].in, 2, 4);
		check_want(untrusted_cases[i].name, &p,
		    untrusted_cases[i].want);
		con_page_free(&p);
	}
}

/* test_untrusted_no_control_byte_reaches_a_line - every byte value;
 * alone, 0x80-0xff are invalid UTF-8: escaped too */
static void
test_untrusted_no_control_byte_reaches_a_line(void **state)
{
	struct con_page p = page_at(12);
	char in[256];
	const unsigned char *s;
	size_t i;

	(void)state;
	for (i = 0; i < 255; i++)
		in[i] = (char)(i + 1);
	in[255] = '\0';
	con_page_untrusted(&p, CS_NORMAL, in, 0, 2);
	assert_true(p.nlines > 1);
	for (i = 0; i < p.nlines; i++) {
		for (s = (const unsigned char *)p.lines[i].text; *s != '\0';
		    s++)
			if (*s < 0x20 || *s >= 0x7f)
				fail_msg("line %zu holds byte 0x%02x", i, *s);
		if (con_cols(p.lines[i].text) > 12)
			fail_msg("line %zu wider than 12", i);
	}
	con_page_free(&p);
}

/* test_page_lines_and_reuse - add, lead, clear keeps the buffer, free */
static void
test_page_lines_and_reuse(void **state)
{
	struct con_page p = page_at(40);
	size_t cap;

	(void)state;
	con_page_add(&p, CS_BOLD, "Evidence");
	con_page_add_lead(&p, CS_SEV_CRITICAL, "CRITICAL", CS_DIM,
	    "  area relay");
	assert_int_equal(p.nlines, 2);
	assert_string_equal(p.lines[0].text, "Evidence");
	assert_int_equal(p.lines[0].lead, 0);
	assert_int_equal(p.lines[0].style, CS_BOLD);
	assert_string_equal(p.lines[1].text, "CRITICAL  area relay");
	assert_int_equal(p.lines[1].lead, strlen("CRITICAL"));
	assert_int_equal(p.lines[1].lead_style, CS_SEV_CRITICAL);
	assert_int_equal(p.lines[1].style, CS_DIM);
	cap = p.cap;
	con_page_clear(&p);
	assert_int_equal(p.nlines, 0);
	assert_non_null(p.lines);
	assert_int_equal(p.cap, cap);
	assert_int_equal(p.width, 40);
	con_page_add(&p, CS_NORMAL, "again");
	assert_string_equal(p.lines[0].text, "again");
	con_page_free(&p);
	assert_null(p.lines);
	assert_int_equal(p.nlines, 0);
	assert_int_equal(p.cap, 0);
	con_page_free(&p);		/* twice is fine */
}

static const struct {
	const char *name;
	int ch;
	size_t pos, count, page;
	size_t want;
	int used;
} nav_cases[] = {
	{ "down", KEY_DOWN, 0, 5, 3, 1, 1 },
	{ "j", 'j', 2, 5, 3, 3, 1 },
	{ "down at the last", KEY_DOWN, 4, 5, 3, 4, 1 },
	{ "up", KEY_UP, 3, 5, 3, 2, 1 },
	{ "k at the first", 'k', 0, 5, 3, 0, 1 },
	{ "page down", KEY_NPAGE, 0, 10, 3, 3, 1 },
	{ "space pages down", ' ', 0, 10, 3, 3, 1 },
	{ "page down stops at the last", KEY_NPAGE, 8, 10, 3, 9, 1 },
	{ "page up", KEY_PPAGE, 5, 10, 3, 2, 1 },
	{ "page up stops at the first", KEY_PPAGE, 2, 10, 3, 0, 1 },
	{ "home", KEY_HOME, 7, 10, 3, 0, 1 },
	{ "g", 'g', 7, 10, 3, 0, 1 },
	{ "end", KEY_END, 0, 10, 3, 9, 1 },
	{ "G", 'G', 0, 10, 3, 9, 1 },
	{ "page 0 counts as 1", KEY_NPAGE, 0, 10, 0, 1, 1 },
	{ "empty list: down", KEY_DOWN, 0, 0, 3, 0, 1 },
	{ "empty list: end", KEY_END, 0, 0, 3, 0, 1 },
	{ "empty list: page down", KEY_NPAGE, 0, 0, 3, 0, 1 },
	{ "list shrank: up", KEY_UP, 9, 3, 3, 2, 1 },
	{ "list shrank: down", KEY_DOWN, 9, 3, 3, 2, 1 },
	{ "list shrank: page down", KEY_NPAGE, 9, 3, 3, 2, 1 },
	{ "not a navigation key", 'x', 2, 5, 3, 2, 0 },
	{ "enter is not navigation", '\n', 2, 5, 3, 2, 0 },
};

/* test_nav_keys - the table: new position, key used or not */
static void
test_nav_keys(void **state)
{
	size_t i, pos;
	int used;

	(void)state;
	for (i = 0; i < MG_NELEM(nav_cases); i++) {
		pos = nav_cases[i].pos;
		used = con_nav(nav_cases[i].ch, &pos, nav_cases[i].count,
		    nav_cases[i].page);
		if (pos != nav_cases[i].want || used != nav_cases[i].used)
			fail_msg("%s: pos %zu used %d, want %zu %d",
			    nav_cases[i].name, pos, used, nav_cases[i].want,
			    nav_cases[i].used);
	}
}

/* test_page_key_scrolls_within_bounds - 10 lines in 4 rows: top 0..6 */
static void
test_page_key_scrolls_within_bounds(void **state)
{
	struct con c;
	size_t i;

	(void)state;
	memset(&c, 0, sizeof(c));
	c.page.width = 20;
	for (i = 0; i < 10; i++)
		con_page_add(&c.page, CS_NORMAL, "line");
	c.page.rows = 4;
	assert_true(con_page_key(&c, KEY_END));
	assert_int_equal(c.page.top, 6);
	assert_true(con_page_key(&c, KEY_DOWN));
	assert_int_equal(c.page.top, 6);
	assert_true(con_page_key(&c, 'k'));
	assert_int_equal(c.page.top, 5);
	assert_true(con_page_key(&c, KEY_PPAGE));	/* rows - 1 */
	assert_int_equal(c.page.top, 2);
	assert_true(con_page_key(&c, KEY_NPAGE));
	assert_int_equal(c.page.top, 5);
	assert_true(con_page_key(&c, 'g'));
	assert_int_equal(c.page.top, 0);
	assert_false(con_page_key(&c, 'q'));
	c.page.rows = 20;		/* everything shown: no scrolling */
	assert_true(con_page_key(&c, KEY_END));
	assert_int_equal(c.page.top, 0);
	c.page.rows = 0;		/* not drawn yet: one row */
	assert_true(con_page_key(&c, KEY_END));
	assert_int_equal(c.page.top, 9);
	con_page_free(&c.page);
}

/* test_severity_tags_and_styles - CRIT..INFO; anything else is INFO */
static void
test_severity_tags_and_styles(void **state)
{
	(void)state;
	assert_string_equal(con_sev_tag(MG_SEV_CRITICAL), "CRIT");
	assert_string_equal(con_sev_tag(MG_SEV_HIGH), "HIGH");
	assert_string_equal(con_sev_tag(MG_SEV_MEDIUM), "MED");
	assert_string_equal(con_sev_tag(MG_SEV_LOW), "LOW");
	assert_string_equal(con_sev_tag(MG_SEV_INFO), "INFO");
	assert_string_equal(con_sev_tag(-1), "INFO");
	assert_string_equal(con_sev_tag(99), "INFO");
	assert_int_equal(con_sev_style(MG_SEV_CRITICAL), CS_SEV_CRITICAL);
	assert_int_equal(con_sev_style(MG_SEV_HIGH), CS_SEV_HIGH);
	assert_int_equal(con_sev_style(MG_SEV_MEDIUM), CS_SEV_MEDIUM);
	assert_int_equal(con_sev_style(MG_SEV_LOW), CS_SEV_LOW);
	assert_int_equal(con_sev_style(MG_SEV_INFO), CS_SEV_INFO);
	assert_int_equal(con_sev_style(-1), CS_SEV_INFO);
	assert_int_equal(con_sev_style(99), CS_SEV_INFO);
}

/* test_attrs_keep_severities_apart - with and without colour (NO_COLOR)
 * every severity looks different, and so do removed and added lines */
static void
test_attrs_keep_severities_apart(void **state)
{
	struct con c;
	int color, a, b;

	(void)state;
	memset(&c, 0, sizeof(c));
	for (color = 0; color <= 1; color++) {
		c.color = color;
		for (a = CS_SEV_INFO; a <= CS_SEV_CRITICAL; a++)
			for (b = a + 1; b <= CS_SEV_CRITICAL; b++)
				if (con_attr(&c, (enum con_style)a) ==
				    con_attr(&c, (enum con_style)b))
					fail_msg("color %d: styles %d and %d "
					    "look the same", color, a, b);
		assert_true(con_attr(&c, CS_DIFF_ADD) !=
		    con_attr(&c, CS_DIFF_DEL));
		assert_true(con_attr(&c, CS_DIFF_HUNK) !=
		    con_attr(&c, CS_DIFF_ADD));
		assert_true(con_attr(&c, CS_DIFF_HUNK) !=
		    con_attr(&c, CS_DIFF_DEL));
		assert_true(con_attr(&c, CS_SELECTED) & A_REVERSE);
		assert_true(con_attr(&c, CS_BAR) & A_REVERSE);
		assert_int_equal(con_attr(&c, CS_COUNT), A_NORMAL);
		assert_int_equal(con_attr(&c, (enum con_style)-1), A_NORMAL);
	}
	c.color = 0;
	assert_int_equal(con_attr(&c, CS_SEV_CRITICAL) & A_COLOR, 0);
	assert_int_equal(con_attr(&c, CS_DIFF_ADD) & A_COLOR, 0);
	c.color = 1;
	assert_true(con_attr(&c, CS_SEV_CRITICAL) & A_COLOR);
}

/* back_to_utf8 - teardown of the C locale tests */
static int
back_to_utf8(void **state)
{
	(void)state;
	return (utf8_locale() ? 0 : -1);
}

/* test_c_locale_counts_bytes - without UTF-8 each byte of a multibyte
 * character is one column (drawn '?'); wrapping still loses nothing */
static void
test_c_locale_counts_bytes(void **state)
{
	struct con_page p;
	struct mg_str all = MG_STR_INIT;
	size_t i;

	(void)state;
	assert_non_null(setlocale(LC_ALL, "C"));
	assert_int_equal(con_cols(NI HON), 6);
	assert_int_equal(con_cols(ELLIPSIS), 3);
	assert_string_equal(con_tail("ab" NI, 3), NI);
	p = page_at(4);
	con_page_chop(&p, CS_NORMAL, NI HON GO, 0, 0);
	check_lines("C locale", &p, 0, 0);
	mg_str_init(&all);
	for (i = 0; i < p.nlines; i++)
		mg_str_puts(&all, p.lines[i].text);
	assert_string_equal(mg_str_cstr(&all), NI HON GO);
	mg_str_free(&all);
	con_page_free(&p);
}

/* A curses screen on /dev/null: con_put and the pager, drawn and read
 * back.  Small (4 rows, 10 columns) so that everything clips. */
struct screen {
	FILE *out, *in;
	SCREEN *scr;
};

/* screen_open - setup of the drawing tests; skips without terminfo */
static int
screen_open(void **state)
{
	struct screen *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return (-1);
	s->out = fopen("/dev/null", "w");
	s->in = fopen("/dev/null", "r");
	if (s->out == NULL || s->in == NULL)
		return (-1);
	s->scr = newterm("xterm", s->out, s->in);
	if (s->scr != NULL) {
		(void)set_term(s->scr);
		(void)resize_term(4, 10);
	}
	*state = s;
	return (0);
}

/* screen_close - teardown of the drawing tests */
static int
screen_close(void **state)
{
	struct screen *s = *state;

	if (s->scr != NULL) {
		(void)endwin();
		delscreen(s->scr);
	}
	(void)fclose(s->out);
	(void)fclose(s->in);
	free(s);
	return (0);
}

/* need_screen - skip when there is no xterm terminfo entry */
static void
need_screen(void **state)
{
	struct screen *s = *state;

	if (s->scr == NULL)
		skip();
	(void)erase();
	assert_int_equal(LINES, 4);
	assert_int_equal(COLS, 10);
}

/* cell - the character at y,x: ASCII, ' ', or 0 for a wide character */
static int
cell(int y, int x)
{
	cchar_t cc;
	wchar_t wc[CCHARW_MAX + 1];
	attr_t attrs;
	short pair;

	if (mvin_wch(y, x, &cc) == ERR ||
	    getcchar(&cc, wc, &attrs, &pair, NULL) == ERR)
		return (-1);
	return (wc[0] < 0x80 ? (int)wc[0] : 0);
}

/* row - the ASCII text of row y (wide characters as '#') */
static void
row(int y, char *buf, size_t size)
{
	int x, ch;
	size_t n = 0;

	for (x = 0; x < COLS && n + 1 < size; x++) {
		ch = cell(y, x);
		buf[n++] = ch > 0 ? (char)ch : '#';
	}
	buf[n] = '\0';
}

/* test_put_clips_to_the_columns_given - a wide character that does not
 * fit is not drawn by half; nothing spills to the next row */
static void
test_put_clips_to_the_columns_given(void **state)
{
	struct con c;
	char buf[16];

	need_screen(state);
	memset(&c, 0, sizeof(c));
	assert_int_equal(con_put(&c, 0, 0, 3, CS_NORMAL, "ab" NI), 2);
	row(0, buf, sizeof(buf));
	assert_string_equal(buf, "ab        ");
	assert_int_equal(con_put(&c, 1, 0, 4, CS_NORMAL, "ab" NI "c"), 4);
	assert_int_equal(cell(1, 2), 0);
	assert_int_equal(cell(1, 4), ' ');
	/* max beyond the screen: clipped to the columns left */
	assert_int_equal(con_put(&c, 2, 7, 10, CS_NORMAL, "abcdef"), 3);
	row(2, buf, sizeof(buf));
	assert_string_equal(buf, "       abc");
	row(3, buf, sizeof(buf));
	assert_string_equal(buf, "          ");
	/* a wide character in the last column: not drawn */
	assert_int_equal(con_put(&c, 3, 9, 1, CS_NORMAL, NI), 0);
	assert_int_equal(con_put(&c, 3, 8, 5, CS_NORMAL, "x" NI), 1);
	row(3, buf, sizeof(buf));
	assert_string_equal(buf, "        x ");
	/* outside the screen or no room: nothing */
	assert_int_equal(con_put(&c, -1, 0, 5, CS_NORMAL, "a"), 0);
	assert_int_equal(con_put(&c, 4, 0, 5, CS_NORMAL, "a"), 0);
	assert_int_equal(con_put(&c, 0, 10, 5, CS_NORMAL, "a"), 0);
	assert_int_equal(con_put(&c, 0, -1, 5, CS_NORMAL, "a"), 0);
	assert_int_equal(con_put(&c, 0, 0, 0, CS_NORMAL, "a"), 0);
	/* what the locale cannot print is one column of '?' */
	assert_int_equal(con_put(&c, 3, 0, 5, CS_NORMAL, "a\xff" "b"), 3);
	row(3, buf, sizeof(buf));
	assert_string_equal(buf, "a?b     x ");
}

static int builds;

/* long_lines - a pager screen's build: lines wider than any screen */
static void
long_lines(struct con *c)
{
	builds++;
	con_page_add(&c->page, CS_NORMAL, "0123456789abcdefghij");
	con_page_add_lead(&c->page, CS_BOLD, "LEAD", CS_NORMAL, "restrest");
	con_page_wrap(&c->page, CS_NORMAL, "one two three four", 0, 1);
}

static const struct con_key no_keys[] = { { NULL, NULL, NULL, NULL } };
static const struct con_view long_view = {
	.name = "test",
	.keys = no_keys,
	.build = long_lines,
};

/* test_page_draw_clips_and_rebuilds - each page line on its own row,
 * clipped; a new width rebuilds the lines; the top stays in range */
static void
test_page_draw_clips_and_rebuilds(void **state)
{
	struct con c;
	char buf[16];

	need_screen(state);
	memset(&c, 0, sizeof(c));
	c.view = &long_view;
	builds = 0;
	con_page_draw(&c, 0, 4);
	assert_int_equal(builds, 1);
	assert_int_equal(c.page.width, 10);
	row(0, buf, sizeof(buf));
	assert_string_equal(buf, "0123456789");
	row(1, buf, sizeof(buf));
	assert_string_equal(buf, "LEADrestre");
	row(2, buf, sizeof(buf));
	assert_string_equal(buf, "one two   ");
	row(3, buf, sizeof(buf));
	assert_string_equal(buf, " three    ");
	con_page_draw(&c, 0, 4);		/* same width: no rebuild */
	assert_int_equal(builds, 1);
	c.page.top = 99;
	(void)erase();
	con_page_draw(&c, 0, 4);
	assert_int_equal(c.page.top, c.page.nlines - 4);
	(void)resize_term(4, 6);
	(void)erase();
	con_page_draw(&c, 0, 4);
	assert_int_equal(builds, 2);
	assert_int_equal(c.page.width, 6);
	c.page.top = 0;
	(void)erase();
	con_page_draw(&c, 0, 2);
	row(0, buf, sizeof(buf));
	assert_string_equal(buf, "012345");
	row(1, buf, sizeof(buf));
	assert_string_equal(buf, "LEADre");
	row(2, buf, sizeof(buf));
	assert_string_equal(buf, "      ");
	(void)resize_term(4, 10);
	con_page_free(&c.page);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cols_counts_display_columns),
		cmocka_unit_test(test_tail_longest_suffix_that_fits),
		cmocka_unit_test(test_wrap_table),
		cmocka_unit_test(test_wrap_fits_and_loses_nothing),
		cmocka_unit_test(test_chop_table),
		cmocka_unit_test(test_chop_rejoins_to_the_input),
		cmocka_unit_test(test_untrusted_escapes_and_splits),
		cmocka_unit_test(test_untrusted_no_control_byte_reaches_a_line),
		cmocka_unit_test(test_page_lines_and_reuse),
		cmocka_unit_test(test_nav_keys),
		cmocka_unit_test(test_page_key_scrolls_within_bounds),
		cmocka_unit_test(test_severity_tags_and_styles),
		cmocka_unit_test(test_attrs_keep_severities_apart),
		cmocka_unit_test_teardown(test_c_locale_counts_bytes,
		    back_to_utf8),
		cmocka_unit_test_setup_teardown(
		    test_put_clips_to_the_columns_given, screen_open,
		    screen_close),
		cmocka_unit_test_setup_teardown(
		    test_page_draw_clips_and_rebuilds, screen_open,
		    screen_close),
	};

	return (cmocka_run_group_tests_name("console_text", tests,
	    group_setup, NULL));
}
