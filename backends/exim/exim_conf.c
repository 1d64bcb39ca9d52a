/*
 * exim_conf.c - the Exim configuration as Exim itself reads it.  "exim -C
 * FILE -bP config" prints the configuration with macros expanded and
 * .ifdef/.include resolved: main options and named lists first, then each
 * "begin SECTION"; in the acl section "  NAME:" starts an ACL and each
 * statement is its verb followed by one "name = value" line per condition
 * or modifier; routers, transports and authenticators are "  NAME:" with
 * their options.  Macro definitions are printed where they were made
 * (upper-case names) and are skipped.  That gives the semantics; the
 * file:line of each statement is then found in the file Exim reads by
 * matching statements in order (mg_exim_conf_locate).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/mg_err.h"
#include "../../core/mg_lines.h"
#include "../../core/mg_str.h"
#include "exim_conf.h"

static const char *const verbs[] = { "accept", "defer", "deny", "discard",
	"drop", "require", "warn", NULL };
static const char *const list_types[] = { "domainlist", "hostlist",
	"addresslist", "localpartlist", NULL };

/* is_verb - an ACL verb */
static int
is_verb(const char *w, size_t n)
{
	size_t i;

	for (i = 0; verbs[i] != NULL; i++)
		if (strlen(verbs[i]) == n && strncmp(w, verbs[i], n) == 0)
			return (1);
	return (0);
}

/* is_macro - a macro definition: NAME starts with an upper-case letter */
static int
is_macro(const char *p)
{
	return (isupper((unsigned char)*p));
}

/* label - "NAME:" alone on a line; the name's length, else 0 */
static size_t
label(const char *p, size_t len)
{
	size_t n = 0;

	while (n < len && (isalnum((unsigned char)p[n]) || p[n] == '_' ||
	    p[n] == '-' || p[n] == '.'))
		n++;
	if (n == 0 || n >= len || p[n] != ':')
		return (0);
	if (n + 1 + strspn(p + n + 1, " \t") < len)
		return (0);
	return (n);
}

/* add_cond - "name = value" (or a bare "name") to the current rule */
static void
add_cond(struct mg_rule *r, const char *p, size_t len)
{
	char *name, *value;

	if (mg_line_assignment(p, len, &name, &value) < 0) {
		name = mg_xstrndup(p, len);
		value = mg_xstrdup("");
	}
	/* "! verify" is "!verify" */
	if (name[0] == '!' && (name[1] == ' ' || name[1] == '\t'))
		memmove(name + 1, name + 1 + strspn(name + 1, " \t"),
		    strlen(name + 1 + strspn(name + 1, " \t")) + 1);
	(void)mg_rule_cond_add(r, name, value);
	free(name);
	free(value);
}

/* main_line - a main-section line: named list, or explicit option */
static void
main_line(struct mg_model *m, const char *p, size_t len)
{
	struct mg_param *prm;
	char *name, *value, key[256];
	size_t i, n;

	for (i = 0; list_types[i] != NULL; i++) {
		n = strlen(list_types[i]);
		if (len > n && strncmp(p, list_types[i], n) == 0 &&
		    isspace((unsigned char)p[n]))
			break;
	}
	if (list_types[i] != NULL) {
		p += n;
		len -= n;
		while (len > 0 && isspace((unsigned char)*p)) {
			p++;
			len--;
		}
	}
	if (mg_line_assignment(p, len, &name, &value) < 0)
		return;
	if (list_types[i] != NULL)
		(void)snprintf(key, sizeof(key), "+%s", name);
	else
		(void)snprintf(key, sizeof(key), "%s", name);
	prm = mg_model_param_add(m, key);
	free(prm->raw);
	prm->raw = mg_xstrdup(value);
	if (list_types[i] != NULL || prm->value == NULL) {
		free(prm->value);
		prm->value = value;
	} else
		free(value);
	free(name);
}

/* mg_exim_macro_names - the names of "exim -bP macros" output lines
 * ("NAME=value"), NULL-terminated; free with mg_exim_macro_names_free */
char **
mg_exim_macro_names(const char *text)
{
	const char *cur = text, *line;
	char **v = NULL;
	size_t len, n = 0, cap = 0, k;

	while (mg_line_next(&cur, &line, &len)) {
		k = 0;
		while (k < len && line[k] != '=' && line[k] != ' ')
			k++;
		if (k == 0 || k == len)
			continue;
		*MG_ARRAY_PUSH(v, n, cap) = mg_xstrndup(line, k);
	}
	*MG_ARRAY_PUSH(v, n, cap) = NULL;
	return (v);
}

/* mg_exim_macro_names_free - the array and its names */
void
mg_exim_macro_names_free(char **v)
{
	size_t i;

	for (i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* mg_exim_conf_parse - rules and named lists from -bP config output */
void
mg_exim_conf_parse(struct mg_model *m, const char *text)
{
	const char *cur = text, *raw, *p;
	char section[64] = "", group[256] = "", *line = NULL;
	struct mg_rule *r = NULL;
	size_t len, n, w;

	while (mg_line_next(&cur, &raw, &len)) {
		/* NUL-terminated: the scans below must stop at its end */
		free(line);
		line = mg_xstrndup(raw, len);
		p = line;
		while (len > 0 && isspace((unsigned char)*p)) {
			p++;
			len--;
		}
		if (len == 0 || *p == '#')
			continue;
		if (p == line && len > 6 && strncmp(p, "begin ", 6) == 0) {
			(void)snprintf(section, sizeof(section), "%.*s",
			    (int)(len - 6), p + 6);
			group[0] = '\0';
			r = NULL;
			continue;
		}
		if (is_macro(p))
			continue;
		if (section[0] == '\0') {
			main_line(m, p, len);
			continue;
		}
		if ((n = label(p, len)) > 0) {
			(void)snprintf(group, sizeof(group), "%.*s", (int)n,
			    p);
			r = NULL;
			if (strcmp(section, "acl") != 0)
				r = mg_model_rule_add(m, section, group);
			continue;
		}
		if (group[0] == '\0')
			continue;
		w = strcspn(p, " \t=");
		if (strcmp(section, "acl") == 0 && is_verb(p, w) &&
		    (w == len || p[w + strspn(p + w, " \t")] != '=')) {
			char verb[16];

			(void)snprintf(verb, sizeof(verb), "%.*s", (int)w, p);
			r = mg_model_rule_add(m, group, verb);
			p += w;
			len -= w;
			while (len > 0 && isspace((unsigned char)*p)) {
				p++;
				len--;
			}
			if (len > 0)
				add_cond(r, p, len);
			continue;
		}
		if (r != NULL)
			add_cond(r, p, len);
	}
	free(line);
}

/* A source line worth matching: not blank, comment or directive, and
 * not in an .ifdef branch Exim skips. */
struct sline {
	const char *text;	/* leading white space skipped */
	const char *path;	/* the file it is in (.include) */
	unsigned no;
};

struct slines {
	struct sline *v;
	size_t n, cap;
};

#define INCLUDE_DEPTH 8
#define IFDEF_DEPTH 32

/* first_word - length of the first word (up to space, '=' or end) */
static size_t
first_word(const char *p)
{
	return (strcspn(p, " \t="));
}

/* word_is - p starts with word w (then space, '=' or end) */
static int
word_is(const char *p, const char *w)
{
	size_t n = strlen(w);

	return (strncmp(p, w, n) == 0 && (p[n] == '\0' || p[n] == ' ' ||
	    p[n] == '\t' || p[n] == '='));
}

/* defined - is the macro named by the directive's argument defined? */
static int
defined(const char *const *macros, const char *arg)
{
	size_t i, n;

	arg += strspn(arg, " \t");
	n = strcspn(arg, " \t");
	for (i = 0; macros != NULL && macros[i] != NULL; i++)
		if (strlen(macros[i]) == n && strncmp(macros[i], arg, n) == 0)
			return (1);
	return (0);
}

/* include_path - the file an .include names; Exim 4.96 takes a relative
 * name relative to the directory of the file holding the .include */
static void
include_path(const char *from, const char *name, char *buf, size_t size)
{
	const char *slash = strrchr(from, '/');
	size_t nlen = strcspn(name, " \t");
	int n;

	if (*name == '/' || slash == NULL)
		n = snprintf(buf, size, "%.*s", (int)nlen, name);
	else
		n = snprintf(buf, size, "%.*s/%.*s", (int)(slash - from),
		    from, (int)nlen, name);
	if (n < 0 || (size_t)n >= size)
		buf[0] = '\0';
}

/* collect_file - the lines of f Exim reads, following .include and
 * skipping .ifdef/.ifndef branches not taken (spec "Macros in the
 * configuration file": .ifdef NAME, .ifndef, .elifdef, .elifndef, .else,
 * .endif) */
static void
collect_file(struct mg_model *m, const struct mg_srcfile *f,
    const char *const *macros, struct slines *out, int depth)
{
	/* per nesting level: this branch is live; one was taken */
	int live[IFDEF_DEPTH + 1], taken[IFDEF_DEPTH + 1];
	const struct mg_srcfile *inc;
	struct mg_err err;
	struct sline *l;
	const char *p;
	char path[4096];
	size_t i, lvl = 0;

	/* f may move when an included file is added to the model; its
	 * lines and path do not */
	char *const *lines = f->lines;
	const char *fpath = f->path;
	size_t nlines = f->nlines;

	live[0] = 1;
	taken[0] = 1;
	for (i = 0; i < nlines; i++) {
		p = lines[i] + strspn(lines[i], " \t");
		if (word_is(p, ".ifdef") || word_is(p, ".ifndef")) {
			if (lvl == IFDEF_DEPTH)
				continue;
			lvl++;
			live[lvl] = live[lvl - 1] && (defined(macros,
			    p + first_word(p)) == (p[3] == 'd'));
			taken[lvl] = live[lvl];
			continue;
		}
		if (word_is(p, ".elifdef") || word_is(p, ".elifndef")) {
			live[lvl] = lvl > 0 && live[lvl - 1] && !taken[lvl] &&
			    defined(macros, p + first_word(p)) ==
			    (p[5] == 'd');
			taken[lvl] |= live[lvl];
			continue;
		}
		if (word_is(p, ".else")) {
			live[lvl] = lvl > 0 && live[lvl - 1] && !taken[lvl];
			taken[lvl] = 1;
			continue;
		}
		if (word_is(p, ".endif")) {
			if (lvl > 0)
				lvl--;
			continue;
		}
		if (!live[lvl] || *p == '\0' || *p == '#')
			continue;
		if ((word_is(p, ".include") || word_is(p, ".include_if_exists"))
		    && depth < INCLUDE_DEPTH) {
			p += first_word(p);
			p += strspn(p, " \t");
			include_path(fpath, p, path, sizeof(path));
			if (path[0] == '/' &&
			    mg_model_read_file(m, path, &err) == 0 &&
			    (inc = mg_model_file(m, path)) != NULL)
				collect_file(m, inc, macros, out, depth + 1);
			continue;
		}
		if (*p == '.')
			continue;
		l = MG_ARRAY_PUSH(out->v, out->n, out->cap);
		l->text = p;
		l->path = fpath;
		l->no = (unsigned)i + 1;
	}
}

/* cond_at - a condition's name at the start of p; "!verify" may be
 * written "! verify" */
static int
cond_at(const char *p, const char *name)
{
	if (*name == '!' && *p == '!') {
		p++;
		name++;
		while (*p == ' ' || *p == '\t')
			p++;
	}
	return (word_is(p, name));
}

/* is_label_line - "NAME:" alone */
static int
is_label_line(const char *p)
{
	return (label(p, strlen(p)) > 0);
}

/* is_verb_line - an ACL statement starts here */
static int
is_verb_line(const char *p)
{
	size_t w = first_word(p);

	return (is_verb(p, w) && p[w + strspn(p + w, " \t")] != '=');
}

/* statement_end - index after the last line of the statement at i */
static size_t
statement_end(const struct slines *sl, size_t i, int acl)
{
	size_t k;

	for (k = i + 1; k < sl->n; k++) {
		if (is_label_line(sl->v[k].text) ||
		    word_is(sl->v[k].text, "begin"))
			break;
		if (acl && is_verb_line(sl->v[k].text))
			break;
	}
	return (k);
}

/* set_where - file:line of a rule or condition */
static void
set_where(char **file, unsigned *line, const struct sline *l)
{
	free(*file);
	*file = mg_xstrdup(l->path);
	*line = l->no;
}

/* after_verb - the text of line k of a statement at i, past the verb */
static const char *
after_verb(const struct slines *sl, size_t i, size_t k, int acl)
{
	const char *p = sl->v[k].text;

	if (acl && k == i) {
		p += first_word(p);
		p += strspn(p, " \t");
	}
	return (p);
}

/* score - how many of r's conditions the statement at i holds, in order;
 * with set, record their lines */
static size_t
score(struct mg_rule *r, const struct slines *sl, size_t i, size_t end,
    int acl, int set)
{
	size_t c, k, from = i, found = 0;

	for (c = 0; c < r->nconds; c++) {
		for (k = from; k < end; k++)
			if (cond_at(after_verb(sl, i, k, acl),
			    r->conds[c].name))
				break;
		if (k == end)
			continue;
		found++;
		if (set) {
			set_where(&r->conds[c].file, &r->conds[c].line,
			    &sl->v[k]);
			r->conds[c].end_line = r->conds[c].line;
		}
		from = k + 1;
	}
	return (found);
}

/* find_label - the index of "name:" after "begin section", or n */
static size_t
find_label(const struct slines *sl, const char *section, const char *name)
{
	size_t i, len = strlen(name);
	const char *t;
	int in = 0;

	for (i = 0; i < sl->n; i++) {
		t = sl->v[i].text;
		if (word_is(t, "begin")) {
			t += 5;
			t += strspn(t, " \t");
			in = strncmp(t, section, strlen(section)) == 0;
			continue;
		}
		if (in && strncmp(t, name, len) == 0 && t[len] == ':' &&
		    is_label_line(t))
			return (i);
	}
	return (sl->n);
}

/* locate_main - explicit main options and named lists (before the first
 * "begin"; the last setting wins) */
static void
locate_main(struct mg_model *m, const struct slines *sl)
{
	struct mg_param *p;
	const char *t, *name;
	size_t i, k;

	for (k = 0; k < m->nparams; k++) {
		p = &m->params[k];
		if (p->raw == NULL)
			continue;
		name = p->name[0] == '+' ? p->name + 1 : p->name;
		for (i = 0; i < sl->n && !word_is(sl->v[i].text, "begin");
		    i++) {
			t = sl->v[i].text;
			if (p->name[0] == '+') {
				t += first_word(t);
				t += strspn(t, " \t");
			}
			if (word_is(t, name)) {
				set_where(&p->file, &p->line, &sl->v[i]);
				p->end_line = p->line;
			}
		}
	}
}

/* locate_acl_rule - the statement of rule r in its ACL, from *cur on:
 * the first verb line holding all its conditions, else the one holding
 * the most */
static void
locate_acl_rule(struct mg_rule *r, const struct slines *sl, size_t *cur)
{
	size_t i, end, best = sl->n, best_score = 0, sc;

	for (i = *cur; i < sl->n; i++) {
		if (is_label_line(sl->v[i].text) ||
		    word_is(sl->v[i].text, "begin"))
			break;
		if (!word_is(sl->v[i].text, r->verb))
			continue;
		end = statement_end(sl, i, 1);
		sc = score(r, sl, i, end, 1, 0);
		if (best == sl->n || sc > best_score) {
			best = i;
			best_score = sc;
		}
		if (sc == r->nconds)
			break;
	}
	if (best == sl->n)
		return;
	end = statement_end(sl, best, 1);
	set_where(&r->file, &r->line, &sl->v[best]);
	(void)score(r, sl, best, end, 1, 1);
	*cur = end;
}

/*
 * mg_exim_conf_locate - file:line of every rule, condition and explicit
 * option, in f (the file Exim reads) and the files it includes.  macros
 * are the names "exim -bP macros" printed: they decide the .ifdef
 * branches.  ACL statements are matched in order, by verb and conditions.
 */
void
mg_exim_conf_locate(struct mg_model *m, const struct mg_srcfile *f,
    const char *const *macros)
{
	struct slines sl = { NULL, 0, 0 };
	struct mg_rule *r;
	const char *prev = NULL;
	size_t i = 0, k, end;
	int acl;

	collect_file(m, f, macros, &sl, 0);
	locate_main(m, &sl);
	for (k = 0; k < m->nrules; k++) {
		r = &m->rules[k];
		acl = strcmp(r->group, "routers") != 0 &&
		    strcmp(r->group, "transports") != 0 &&
		    strcmp(r->group, "authenticators") != 0;
		if (!acl) {
			i = find_label(&sl, r->group, r->verb);
			if (i == sl.n)
				continue;
			end = statement_end(&sl, i, 0);
			set_where(&r->file, &r->line, &sl.v[i]);
			(void)score(r, &sl, i + 1, end, 0, 1);
			continue;
		}
		if (prev == NULL || strcmp(prev, r->group) != 0) {
			i = find_label(&sl, "acl", r->group);
			i = i < sl.n ? i + 1 : sl.n;
		}
		prev = r->group;
		locate_acl_rule(r, &sl, &i);
	}
	free(sl.v);
}
