/* backend.c - the registry of backends and the one place that calls them. */
#include <stdlib.h>
#include <string.h>

#include "../core/mg_str.h"
#include "backend.h"

const struct mg_backend *const mg_backends[] = {
	&mg_backend_postfix,
	&mg_backend_exim,
	NULL
};

/* mg_backend_mta_name - the name of the backend for mta ("postfix",
 * "exim"); "none" when no backend reads it */
const char *
mg_backend_mta_name(enum mg_mta mta)
{
	size_t i;

	for (i = 0; mg_backends[i] != NULL; i++)
		if (mg_backends[i]->mta == mta)
			return (mg_backends[i]->name);
	return ("none");
}

/* not_supported - the uniform answer for a NULL operation */
static int
not_supported(const struct mg_target *t, const char *what,
    struct mg_err *err)
{
	return (mg_err_set(err, "%s is not supported for %s", what,
	    t->backend != NULL ? t->backend->name : "this MTA"));
}

/* try - detect one backend into a scratch target; keep it on success */
static int
try(const struct mg_backend *be, const struct mg_detect_opts *o,
    struct mg_target *t, struct mg_err *err)
{
	memset(t, 0, sizeof(*t));
	t->mta = be->mta;
	t->backend = be;
	if (be->mta == MG_MTA_POSTFIX)
		t->config_dir = mg_xstrdup(o->postfix_dir);
	else if (be->mta == MG_MTA_EXIM) {
		t->config_file = mg_xstrdup(o->exim_path);
		t->bin = mg_xstrdup(o->exim_bin);
		t->generator = mg_xstrdup(o->exim_generator);
	}
	t->maillog = mg_xstrdup(o->maillog);
	t->note = o->note;
	t->note_arg = o->note_arg;
	t->state_dir = mg_xstrdup(o->state_dir != NULL ? o->state_dir :
	    "/var/lib/mailguard");
	if (be->detect(t, err) < 0) {
		mg_target_free(t);
		return (-1);
	}
	return (0);
}

/*
 * mg_backend_detect - choose the MTA: the one named on the command line,
 * else the first whose own tools answer (Postfix, then Exim).
 */
int
mg_backend_detect(const struct mg_detect_opts *o, struct mg_target *t,
    struct mg_err *err)
{
	struct mg_err first;
	size_t i;

	if (o->postfix_dir != NULL && (o->exim_path != NULL ||
	    o->exim_bin != NULL || o->exim_generator != NULL))
		return (mg_err_set(err, "--postfix and --exim/--exim-bin "
		    "name different MTAs; choose one"));
	if (o->postfix_dir != NULL)
		return (try(&mg_backend_postfix, o, t, err));
	if (o->exim_path != NULL || o->exim_bin != NULL ||
	    o->exim_generator != NULL)
		return (try(&mg_backend_exim, o, t, err));
	mg_err_clear(&first);
	for (i = 0; mg_backends[i] != NULL; i++) {
		if (try(mg_backends[i], o, t, i == 0 ? &first : err) == 0)
			return (0);
	}
	return (mg_err_set(err, "no Postfix or Exim found (%s); "
	    "name one with --postfix DIR or --exim PATH", first.msg));
}

/* mg_backend_load_config - read the live configuration into the model */
int
mg_backend_load_config(struct mg_target *t, struct mg_model *m,
    struct mg_err *err)
{
	if (t->backend == NULL || t->backend->load_config == NULL)
		return (not_supported(t, "reading the configuration", err));
	mg_model_init(m);
	m->mta = t->mta;
	m->version = mg_xstrdup(t->version);
	m->config_dir = mg_xstrdup(t->config_dir);
	m->config_file = mg_xstrdup(t->config_file);
	if (t->backend->load_config(t, m, err) < 0) {
		mg_model_free(m);
		return (-1);
	}
	return (0);
}

/* mg_backend_load_queue - read the live queue into q (caller frees q with
 * mg_queue_free, also after a failure) */
int
mg_backend_load_queue(struct mg_target *t, struct mg_queue *q,
    mg_progress_fn progress, void *arg, struct mg_err *err)
{
	mg_queue_init(q);
	if (t->backend == NULL || t->backend->load_queue == NULL)
		return (not_supported(t, "reading the queue", err));
	return (t->backend->load_queue(t, q, progress, arg, err));
}

/* mg_backend_load_log - the mail log into m->log (left NULL on failure) */
int
mg_backend_load_log(struct mg_target *t, struct mg_model *m,
    struct mg_err *err)
{
	if (t->backend == NULL || t->backend->load_log == NULL)
		return (not_supported(t, "reading the mail log", err));
	return (t->backend->load_log(t, m, err));
}

/* mg_backend_simulate - the MTA's own verdict on a simulated client */
int
mg_backend_simulate(struct mg_target *t, const struct mg_probe *p,
    struct mg_smtp_verdict *v, struct mg_err *err)
{
	memset(v, 0, sizeof(*v));
	v->code = -1;
	if (t->backend == NULL || t->backend->simulate == NULL)
		return (not_supported(t, "simulating a client", err));
	return (t->backend->simulate(t, p, v, err));
}

/* mg_backend_sim_start - what simulated relay tests need; *priv for
 * sim_tests and sim_stop */
int
mg_backend_sim_start(struct mg_target *t, void **priv, struct mg_err *err)
{
	*priv = NULL;
	if (t->backend == NULL || t->backend->sim_tests == NULL)
		return (not_supported(t, "simulating a client", err));
	if (t->backend->sim_start == NULL)
		return (0);
	return (t->backend->sim_start(t, priv, err));
}

/* mg_backend_sim_tests - relay tests as client, nothing received */
int
mg_backend_sim_tests(struct mg_target *t, void *priv, const char *client,
    const struct mg_probe_test *tests, size_t n, struct mg_probe_answer *a,
    struct mg_str *log, struct mg_err *err)
{
	if (t->backend == NULL || t->backend->sim_tests == NULL)
		return (not_supported(t, "simulating a client", err));
	return (t->backend->sim_tests(t, priv, client, tests, n, a, log, err));
}

/* mg_backend_sim_stop - undo sim_start */
void
mg_backend_sim_stop(struct mg_target *t, void *priv)
{
	if (t->backend != NULL && t->backend->sim_stop != NULL)
		t->backend->sim_stop(t, priv);
}

/* mg_backend_show_message - a queued message's headers, from the MTA's
 * own tool; the text is the sender's and must be sanitized to show */
int
mg_backend_show_message(struct mg_target *t, const char *id,
    struct mg_str *out, struct mg_err *err)
{
	const char *p;

	/* A queue ID is letters and digits (Exim's have dashes); anything
	 * else never reaches an argv. */
	for (p = id; *p != '\0'; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= 'a' && *p <= 'z') || *p == '-'))
			break;
	if (*id == '\0' || *p != '\0' || p - id > 64)
		return (mg_err_set(err, "not a queue ID"));
	if (t->backend == NULL || t->backend->show_message == NULL)
		return (not_supported(t, "showing a queued message", err));
	return (t->backend->show_message(t, id, out, err));
}
