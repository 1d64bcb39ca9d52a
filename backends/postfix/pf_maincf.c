/*
 * pf_maincf.c - find the lines that set each explicit parameter.  The
 * values come from postconf; this only maps them to file:line.  main.cf
 * syntax (postconf(5)): a logical line starts with non-whitespace; a line
 * starting with whitespace continues it; comment and empty lines are
 * skipped and do not end a logical line.  The last setting wins.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/mg_str.h"
#include "pf_maincf.h"

/* blank_or_comment - empty, all white, or first non-white is '#' */
static int
blank_or_comment(const char *line)
{
	line += strspn(line, " \t\r");
	return (*line == '\0' || *line == '#');
}

/* mg_pf_maincf_locate - set file/line/end_line of explicit parameters */
void
mg_pf_maincf_locate(struct mg_model *m, const struct mg_srcfile *f)
{
	struct mg_param *cur = NULL;
	const char *line;
	size_t i, n;
	char name[128];

	for (i = 0; i < f->nlines; i++) {
		line = f->lines[i];
		if (blank_or_comment(line))
			continue;
		if (isspace((unsigned char)line[0])) {
			if (cur != NULL)
				cur->end_line = (unsigned)i + 1;
			continue;
		}
		cur = NULL;
		n = strcspn(line, " \t=");
		if (n == 0 || n >= sizeof(name))
			continue;
		memcpy(name, line, n);
		name[n] = '\0';
		for (size_t k = 0; k < m->nparams; k++) {
			if (m->params[k].raw == NULL ||
			    strcmp(m->params[k].name, name) != 0)
				continue;
			cur = &m->params[k];
			free(cur->file);
			cur->file = mg_xstrdup(f->path);
			cur->line = cur->end_line = (unsigned)i + 1;
			break;
		}
	}
}
