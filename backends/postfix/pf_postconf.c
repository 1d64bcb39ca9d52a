/* pf_postconf.c - parse postconf's "name = value" output into the model. */
#include <stdlib.h>
#include <string.h>

#include "../../core/mg_lines.h"
#include "../../core/mg_str.h"
#include "pf_postconf.h"

/*
 * mg_pf_postconf_set - value (taken over) becomes p's explicit setting (raw,
 * from postconf -n or master.cf) or its effective value (postconf -x)
 */
void
mg_pf_postconf_set(struct mg_param *p, int raw, char *value)
{
	if (raw) {
		free(p->raw);
		p->raw = value;
	} else {
		free(p->value);
		p->value = value;
	}
}

/*
 * mg_pf_postconf_parse - "name = value" lines from postconf; raw says whether
 * they are explicit (-n) settings or effective (-x) values.
 */
void
mg_pf_postconf_parse(struct mg_model *m, const char *text, int raw)
{
	const char *cur = text, *line;
	struct mg_param *p;
	char *name, *value;
	size_t len;

	while (mg_line_next(&cur, &line, &len)) {
		if (mg_line_assignment(line, len, &name, &value) < 0)
			continue;
		p = mg_model_param_add(m, name);
		mg_pf_postconf_set(p, raw, value);
		free(name);
	}
}

/*
 * mg_pf_postconf_defaults - "name = value" lines of postconf -d (or of
 * the level-dependent defaults resolved, see below) become each
 * parameter's dflt.  A parameter postconf -x did not list is not added.
 */
void
mg_pf_postconf_defaults(struct mg_model *m, const char *text)
{
	const char *cur = text, *line;
	struct mg_param *p;
	char *name, *value;
	size_t len;

	while (mg_line_next(&cur, &line, &len)) {
		if (mg_line_assignment(line, len, &name, &value) < 0)
			continue;
		p = (struct mg_param *)mg_model_param(m, name);
		if (p != NULL) {
			free(p->dflt);
			p->dflt = value;
		} else
			free(value);
		free(name);
	}
}

/* mg_pf_postconf_level_dependent - postconf(5) COMPATIBILITY: a default
 * written "${{$compatibility_level} <level {N} ? {old} : {new}}" */
int
mg_pf_postconf_level_dependent(const struct mg_param *p)
{
	return (p->dflt != NULL && strstr(p->dflt, "$compatibility_level") !=
	    NULL);
}

/*
 * mg_pf_postconf_level_resolve - a level-dependent default of a
 * parameter main.cf does not set is its effective (-x) value: Postfix
 * evaluated it at this configuration's level.  The ones main.cf sets
 * are left for the caller to ask postconf (-x -o name=default); returns
 * how many there are.
 */
size_t
mg_pf_postconf_level_resolve(struct mg_model *m)
{
	struct mg_param *p;
	size_t i, left = 0;

	for (i = 0; i < m->nparams; i++) {
		p = &m->params[i];
		if (!mg_pf_postconf_level_dependent(p))
			continue;
		if (p->raw == NULL && p->value != NULL) {
			free(p->dflt);
			p->dflt = mg_xstrdup(p->value);
		} else
			left++;
	}
	return (left);
}
