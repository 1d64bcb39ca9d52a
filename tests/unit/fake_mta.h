/*
 * fake_mta.h - a test backend: an MTA whose configuration is one file in
 * a temp directory (DIR/fake.cf, "name = value" lines), which validates,
 * reloads and simulates by counting, so the fix engine can be driven
 * through the backend seam without Postfix or Exim.  Header-only.
 */
#ifndef MG_FAKE_MTA_H
#define MG_FAKE_MTA_H

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../backends/backend.h"
#include "../../backends/change.h"
#include "../../core/mg_file.h"

/* What the fake was asked, and how it should answer. */
struct fake_mta {
	char dir[PATH_MAX];	/* the configuration directory */
	char conf[PATH_MAX + 16];	/* DIR/fake.cf */
	int detected, loaded, validated, reloaded;
	int sim_opened, sim_asked, sim_closed;
	int refuse;		/* validate fails */
	int outputs;		/* "touch FILE" says it writes FILE */
	char staged[256];	/* what validate found on the stage */
};

static struct fake_mta fake;

/* fake_detect - the configuration is DIR/fake.cf */
static int
fake_detect(struct mg_target *t, struct mg_err *err)
{
	(void)err;
	fake.detected++;
	t->config_dir = mg_xstrdup(fake.dir);
	t->config_file = mg_xstrdup(fake.conf);
	t->version = mg_xstrdup("1.0");
	return (0);
}

/* fake_load_config - every "name = value" line a parameter */
static int
fake_load_config(struct mg_target *t, struct mg_model *m,
    struct mg_err *err)
{
	struct mg_str text = MG_STR_INIT;
	struct mg_param *p;
	const char *cur, *eq, *v, *end;
	char *name;
	size_t len;

	fake.loaded++;
	if (mg_file_read(t->config_file, MG_FILE_MAX, &text, NULL, err) < 0)
		return (-1);
	for (cur = mg_str_cstr(&text); *cur != '\0'; cur = end +
	    (*end == '\n')) {
		len = strcspn(cur, "\n");
		end = cur + len;
		if ((eq = memchr(cur, '=', len)) == NULL || eq == cur)
			continue;
		name = mg_xstrndup(cur, (size_t)(eq - cur));
		name[strcspn(name, " ")] = '\0';
		p = mg_model_param_add(m, name);
		free(name);
		for (v = eq + 1; v < end && *v == ' '; v++)
			continue;
		free(p->value);
		p->value = mg_xstrndup(v, (size_t)(end - v));
	}
	mg_str_free(&text);
	return (0);
}

/* fake_validate - the stage written; refused when asked to */
static int
fake_validate(struct mg_target *t, struct mg_change *c, struct mg_err *err)
{
	struct mg_str text = MG_STR_INIT;

	fake.validated++;
	if (mg_change_write(t, c, err) < 0)
		return (-1);
	mg_change_path(t, c, c->paths[0], 0, c->file, sizeof(c->file));
	(void)snprintf(c->conf, sizeof(c->conf), "%s", c->file);
	if (mg_file_read(c->file, MG_FILE_MAX, &text, NULL, err) < 0)
		return (-1);
	(void)snprintf(fake.staged, sizeof(fake.staged), "%s",
	    mg_str_cstr(&text));
	mg_str_free(&text);
	if (fake.refuse)
		return (mg_err_set(err, "fake check refuses %s", c->file));
	mg_str_printf(&c->validation, "fake check %s: ok\n", c->file);
	return (0);
}

/* fake_reload - counted */
static void
fake_reload(struct mg_target *t, struct mg_str *log)
{
	(void)t;
	fake.reloaded++;
	mg_str_printf(log, "fake reload %d\n", fake.reloaded);
}

/* fake_rebuilds - "touch FILE" stands for a table rebuild */
static int
fake_rebuilds(const struct mg_cmd *c)
{
	return (strcmp(c->argv[0], "touch") == 0);
}

/* fake_outputs - the file "touch FILE" writes, when fake.outputs (a
 * table its post-command rebuilds; backed up with the sources) */
static void
fake_outputs(const struct mg_cmd *c, char **v, size_t *n, size_t max)
{
	if (fake.outputs && c->argc == 2 && strcmp(c->argv[0], "touch") ==
	    0 && *n < max)
		v[(*n)++] = mg_xstrdup(c->argv[1]);
}

/* fake_sim_open - nothing to start */
static int
fake_sim_open(struct mg_target *t, const char *conf, void **priv,
    struct mg_str *note, struct mg_err *err)
{
	(void)t;
	(void)conf;
	(void)priv;
	(void)note;
	(void)err;
	fake.sim_opened++;
	return (0);
}

/* fake_sim_ask - every client refused */
static int
fake_sim_ask(struct mg_target *t, void *priv, const struct mg_probe *p,
    struct mg_smtp_verdict *v, struct mg_err *err)
{
	(void)t;
	(void)priv;
	(void)p;
	(void)err;
	fake.sim_asked++;
	v->code = 550;
	(void)snprintf(v->text, sizeof(v->text), "relay denied");
	(void)snprintf(v->how, sizeof(v->how), "fake");
	return (0);
}

/* fake_sim_close - counted */
static void
fake_sim_close(struct mg_target *t, void *priv)
{
	(void)t;
	(void)priv;
	fake.sim_closed++;
}

static const struct mg_backend fake_backend = {
	.name = "fake",
	.mta = MG_MTA_NONE,
	.detect = fake_detect,
	.load_config = fake_load_config,
	.validate = fake_validate,
	.reload = fake_reload,
	.post_rebuilds = fake_rebuilds,
	.post_outputs = fake_outputs,
	.sim_open = fake_sim_open,
	.sim_ask = fake_sim_ask,
	.sim_close = fake_sim_close,
};

#endif
