/* pf_postconf.c - parse postconf's "name = value" output into the model. */
#include <stdlib.h>

#include "../../core/mg_lines.h"
#include "../../core/mg_str.h"
#include "pf_postconf.h"

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
		if (raw) {
			free(p->raw);
			p->raw = value;
		} else {
			free(p->value);
			p->value = value;
		}
		free(name);
	}
}
