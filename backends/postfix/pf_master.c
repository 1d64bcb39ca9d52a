/*
 * pf_master.c - master.cf services as Postfix reports them: "postconf -M"
 * prints one line per service (name type private unpriv chroot wakeup
 * maxproc command args), "postconf -P" (raw) and "-Px" (expanded) print
 * each -o override as "service/type/name = value".  master.cf itself is
 * read only to map services and overrides to file:line.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/mg_lines.h"
#include "../../core/mg_str.h"
#include "pf_master.h"
#include "pf_postconf.h"

#define MASTER_FIELDS 8		/* name .. command */

/* next_field - the next whitespace-separated field of [*cur, end) */
static int
next_field(const char **cur, const char *end, const char **f, size_t *len)
{
	const char *p = *cur;

	while (p < end && isspace((unsigned char)*p))
		p++;
	if (p == end)
		return (0);
	*f = p;
	while (p < end && !isspace((unsigned char)*p))
		p++;
	*len = (size_t)(p - *f);
	*cur = p;
	return (1);
}

/* mg_pf_master_parse - the services of "postconf -M" output */
void
mg_pf_master_parse(struct mg_model *m, const char *text)
{
	const char *cur = text, *line, *end, *p, *f[MASTER_FIELDS];
	struct mg_service *s;
	char *name, *type;
	size_t len, flen[MASTER_FIELDS], i;

	while (mg_line_next(&cur, &line, &len)) {
		end = line + len;
		p = line;
		for (i = 0; i < MASTER_FIELDS; i++)
			if (!next_field(&p, end, &f[i], &flen[i]))
				break;
		if (i < MASTER_FIELDS)
			continue;
		name = mg_xstrndup(f[0], flen[0]);
		type = mg_xstrndup(f[1], flen[1]);
		s = mg_model_service_add(m, name, type);
		free(s->command);
		s->command = mg_xstrndup(f[7], flen[7]);
		s->chroot = flen[4] == 1 && f[4][0] == 'y';
		free(name);
		free(type);
	}
}

/*
 * mg_pf_master_overrides - "service/type/name = value" lines; raw says
 * whether they are as written (-P) or expanded (-Px).  An override of a
 * service -M did not list creates it (the command stays unknown).
 */
void
mg_pf_master_overrides(struct mg_model *m, const char *text, int raw)
{
	const char *cur = text, *line, *slash1, *slash2;
	struct mg_service *s;
	struct mg_param *p;
	char *left, *value, *svc, *type;
	size_t len;

	while (mg_line_next(&cur, &line, &len)) {
		if (mg_line_assignment(line, len, &left, &value) < 0)
			continue;
		slash2 = strrchr(left, '/');
		slash1 = slash2 != NULL ? memrchr(left, '/',
		    (size_t)(slash2 - left)) : NULL;
		if (slash1 == NULL || slash1 == left || slash2[1] == '\0') {
			free(left);
			free(value);
			continue;
		}
		svc = mg_xstrndup(left, (size_t)(slash1 - left));
		type = mg_xstrndup(slash1 + 1, (size_t)(slash2 - slash1 - 1));
		s = mg_model_service_add(m, svc, type);
		p = mg_service_override_add(s, slash2 + 1);
		mg_pf_postconf_set(p, raw, value);
		if (p->value == NULL)
			p->value = mg_xstrdup(p->raw);
		free(svc);
		free(type);
		free(left);
	}
}

/* word_in - does line contain word as a whole token (or "word=")? */
static int
word_in(const char *line, const char *word)
{
	size_t n = strlen(word);
	const char *p;

	for (p = strstr(line, word); p != NULL; p = strstr(p + 1, word)) {
		if (p > line && !isspace((unsigned char)p[-1]) &&
		    p[-1] != '{')
			continue;
		if (p[n] == '=' || p[n] == '\0' ||
		    isspace((unsigned char)p[n]))
			return (1);
	}
	return (0);
}

/*
 * locate_overrides - the line of each override in the service's lines.
 * With two -o of one name on an entry, postconf -P and the daemon use the
 * last one: its line is recorded, so a fix edits the line that counts.
 */
static void
locate_overrides(struct mg_service *s, const struct mg_srcfile *f,
    size_t first, size_t last)
{
	struct mg_param *p;
	size_t i, k;

	for (k = 0; k < s->noverrides; k++) {
		p = &s->overrides[k];
		for (i = last + 1; i-- > first;) {
			if (f->lines[i][strspn(f->lines[i], " \t")] == '#' ||
			    !word_in(f->lines[i], p->name))
				continue;
			free(p->file);
			p->file = mg_xstrdup(f->path);
			p->line = p->end_line = (unsigned)i + 1;
			break;
		}
	}
}

/*
 * mg_pf_master_locate - file:line of each service and override.  master.cf
 * syntax is main.cf's: a line starting with white space continues the
 * entry, comments and blank lines do not end it.
 */
void
mg_pf_master_locate(struct mg_model *m, const struct mg_srcfile *f)
{
	struct mg_service *s;
	const char *line, *end, *fn, *ft;
	size_t i, last, nlen, tlen, k;

	for (i = 0; i < f->nlines; i++) {
		line = f->lines[i];
		if (*line == '\0' || *line == '#' ||
		    isspace((unsigned char)*line))
			continue;
		end = line + strlen(line);
		if (!next_field(&line, end, &fn, &nlen) ||
		    !next_field(&line, end, &ft, &tlen))
			continue;
		for (last = i; last + 1 < f->nlines; last++) {
			line = f->lines[last + 1];
			if (*line != '#' && !isspace((unsigned char)*line) &&
			    *line != '\0')
				break;
		}
		for (k = 0; k < m->nservices; k++) {
			s = &m->services[k];
			if (strlen(s->name) != nlen ||
			    strncmp(s->name, fn, nlen) != 0 ||
			    strlen(s->type) != tlen ||
			    strncmp(s->type, ft, tlen) != 0)
				continue;
			free(s->file);
			s->file = mg_xstrdup(f->path);
			s->line = (unsigned)i + 1;
			locate_overrides(s, f, i, last);
		}
		i = last;
	}
}
