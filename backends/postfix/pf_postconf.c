/* pf_postconf.c - parse postconf's "name = value" output into the model. */
#include <stdlib.h>
#include <string.h>

#include "../../core/mg_str.h"
#include "pf_postconf.h"

/*
 * mg_pf_postconf_parse - "name = value" lines from postconf; raw says whether
 * they are explicit (-n) settings or effective (-x) values.
 */
void
mg_pf_postconf_parse(struct mg_model *m, const char *text, int raw)
{
	const char *line, *nl, *eq;
	struct mg_param *p;
	char *name, *value;
	size_t n;

	for (line = text; *line != '\0'; line = nl + (*nl != '\0')) {
		nl = strchr(line, '\n');
		if (nl == NULL)
			nl = line + strlen(line);
		eq = memchr(line, '=', (size_t)(nl - line));
		if (eq == NULL || eq == line)
			continue;
		n = (size_t)(eq - line);
		while (n > 0 && line[n - 1] == ' ')
			n--;
		if (n == 0)
			continue;
		name = mg_xstrndup(line, n);
		eq++;
		if (*eq == ' ')
			eq++;
		value = mg_xstrndup(eq, (size_t)(nl - eq));
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
