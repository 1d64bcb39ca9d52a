/* backend.c - the registry of backends and the one place that calls them. */
#include <stdlib.h>
#include <string.h>

#include "../core/mg_num.h"
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
	if (o->backend != NULL)
		return (try(o->backend, o, t, err));
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
	m->tls_library = t->tls_library != NULL ?
	    mg_xstrdup(t->tls_library) : NULL;
	m->config_dir = mg_xstrdup(t->config_dir);
	m->config_file = mg_xstrdup(t->config_file);
	if (t->backend->load_config(t, m, err) < 0) {
		mg_model_free(m);
		return (-1);
	}
	return (0);
}

/* mg_backend_load_queue - read the live queue into q, all of each
 * message (caller frees q with mg_queue_free, also after a failure) */
int
mg_backend_load_queue(struct mg_target *t, struct mg_queue *q,
    mg_progress_fn progress, void *arg, struct mg_err *err)
{
	return (mg_backend_scan_queue(t, q, NULL, progress, arg, err));
}

/* mg_backend_scan_queue - read the live queue into q as opts say (NULL:
 * all of each message); caller frees q with mg_queue_free, also after a
 * failure */
int
mg_backend_scan_queue(struct mg_target *t, struct mg_queue *q,
    const struct mg_qscan_opts *opts, mg_progress_fn progress, void *arg,
    struct mg_err *err)
{
	int rc;

	mg_queue_init(q);
	if (t->backend == NULL || t->backend->load_queue == NULL)
		return (not_supported(t, "reading the queue", err));
	rc = t->backend->load_queue(t, q, opts, progress, arg, err);
	mg_queue_seal(q);	/* the index served the scan alone */
	return (rc);
}

/* mg_backend_queue_stamp - the queue's stamp (struct mg_backend
 * queue_stamp); -1 with "not supported" when the backend has none */
int
mg_backend_queue_stamp(struct mg_target *t, unsigned long long *stamp,
    struct mg_err *err)
{
	if (t->backend == NULL || t->backend->queue_stamp == NULL)
		return (not_supported(t, "a queue stamp", err));
	return (t->backend->queue_stamp(t, stamp, err));
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

/*
 * mg_backend_simulate - the MTA's own verdict on a simulated client of
 * the live configuration, asked once.  A backend whose simulate starts a
 * private instance (seconds, root) is not asked one probe at a time: the
 * proof and the probe open it once for all their sessions.
 */
int
mg_backend_simulate(struct mg_target *t, const struct mg_probe *p,
    struct mg_smtp_verdict *v, struct mg_err *err)
{
	void *priv;
	int rc;

	memset(v, 0, sizeof(*v));
	v->code = -1;
	if (t->backend == NULL || t->backend->sim_ask == NULL)
		return (not_supported(t, "simulating a client", err));
	if (t->backend->sim_private)
		return (mg_err_set(err, "simulating one client of %s starts "
		    "a private instance: only the proof and the probe ask it",
		    t->backend->name));
	if (mg_backend_sim_open(t, NULL, &priv, NULL, err) < 0)
		return (-1);
	rc = mg_backend_sim_ask(t, priv, p, v, err);
	mg_backend_sim_close(t, priv);
	if (rc > 0)		/* not asked: v says why */
		return (mg_err_set(err, "%s", v->text[0] != '\0' ? v->text :
		    "the client was not asked"));
	return (rc != 0 ? -1 : 0);
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

/* Changing the configuration (the fix engine) */

/* mg_backend_for - the backend of an MTA (the registry), or NULL */
const struct mg_backend *
mg_backend_for(enum mg_mta mta)
{
	size_t i;

	for (i = 0; mg_backends[i] != NULL; i++)
		if (mg_backends[i]->mta == mta)
			return (mg_backends[i]);
	return (NULL);
}

/* of - the target's backend, else the one of its MTA (a target built by
 * hand names only the MTA) */
static const struct mg_backend *
of(const struct mg_target *t)
{
	return (t->backend != NULL ? t->backend : mg_backend_for(t->mta));
}

/* mg_backend_validate - the change validated on its stage by the MTA */
int
mg_backend_validate(struct mg_target *t, struct mg_change *c,
    struct mg_err *err)
{
	c->conf[0] = c->dir[0] = c->file[0] = '\0';
	c->generated = 0;
	if (of(t) == NULL || of(t)->validate == NULL)
		return (not_supported(t, "validating a change", err));
	return (of(t)->validate(t, c, err));
}

/* mg_backend_reload - the running server re-reads its configuration
 * (nothing when the fixes' post-commands do it) */
void
mg_backend_reload(struct mg_target *t, struct mg_str *log)
{
	if (of(t) != NULL && of(t)->reload != NULL)
		of(t)->reload(t, log);
}

/* mg_backend_reload_words - the reload, for a patch's header */
void
mg_backend_reload_words(const struct mg_target *t, struct mg_str *out)
{
	if (of(t) != NULL && of(t)->reload_words != NULL)
		of(t)->reload_words(t, out);
}

/* mg_backend_post_program - the program a post-command runs */
const char *
mg_backend_post_program(const struct mg_target *t, const struct mg_cmd *c)
{
	const char *p;

	if (of(t) != NULL && of(t)->post_program != NULL &&
	    (p = of(t)->post_program(t, c)) != NULL)
		return (p);
	return (c->argv[0]);
}

/* mg_backend_post_outputs - files a post-command writes (copies into v,
 * at most max in all; caller frees) */
void
mg_backend_post_outputs(const struct mg_target *t, const struct mg_cmd *c,
    char **v, size_t *n, size_t max)
{
	if (of(t) != NULL && of(t)->post_outputs != NULL)
		of(t)->post_outputs(c, v, n, max);
}

/* mg_backend_post_rebuilds - does the post-command only derive files (in
 * the backend's own fixed shape)?  A target not detected asks every
 * backend, as mg_backend_post_not_running does. */
int
mg_backend_post_rebuilds(const struct mg_target *t, const struct mg_cmd *c)
{
	size_t i;

	if (c->argc == 0 || c->argv == NULL || c->argv[0] == NULL)
		return (0);
	if (of(t) != NULL)
		return (of(t)->post_rebuilds != NULL &&
		    of(t)->post_rebuilds(c));
	for (i = 0; mg_backends[i] != NULL; i++)
		if (mg_backends[i]->post_rebuilds != NULL &&
		    mg_backends[i]->post_rebuilds(c))
			return (1);
	return (0);
}

/* mg_backend_post_seen - does a re-read of the stage see its effect? */
int
mg_backend_post_seen(const struct mg_target *t, const struct mg_cmd *c)
{
	return (of(t) != NULL && of(t)->post_seen != NULL &&
	    of(t)->post_seen(c));
}

/*
 * mg_backend_post_not_running - did it fail only because the server is
 * stopped?  The words saying so, else NULL.  A target not detected (a
 * rollback replays journaled commands without reading the configuration)
 * asks every backend: the command says whose it is.
 */
const char *
mg_backend_post_not_running(const struct mg_target *t,
    const struct mg_cmd *c)
{
	const char *w;
	size_t i;

	if (of(t) != NULL)
		return (of(t)->post_not_running != NULL ?
		    of(t)->post_not_running(c) : NULL);
	for (i = 0; mg_backends[i] != NULL; i++)
		if (mg_backends[i]->post_not_running != NULL &&
		    (w = mg_backends[i]->post_not_running(c)) != NULL)
			return (w);
	return (NULL);
}

/* mg_backend_port_of - a port as MTAs write it: a number, or smtp */
int
mg_backend_port_of(const char *s, size_t len)
{
	char num[8];
	unsigned long p;

	if (len == 4 && strncmp(s, "smtp", 4) == 0)
		return (25);
	if (len == 0 || len >= sizeof(num))
		return (0);
	memcpy(num, s, len);
	num[len] = '\0';
	return (mg_parse_ulong(num, 1, 65535, &p, NULL) < 0 ? 0 : (int)p);
}

/* mg_backend_stage_holds - does the stage hold the live file path? */
int
mg_backend_stage_holds(const struct mg_target *t, const char *path)
{
	if (of(t) == NULL || of(t)->stage_holds == NULL)
		return (1);
	return (of(t)->stage_holds(t, path));
}

/* mg_backend_trust_param - the parameter listing the trusted clients of
 * an MTA's configuration, NULL if none */
const char *
mg_backend_trust_param(enum mg_mta mta)
{
	const struct mg_backend *be = mg_backend_for(mta);

	return (be != NULL ? be->trust_param : NULL);
}

/* mg_backend_list_items - the items of a list value in the MTA's syntax
 * (caller frees with mg_backend_list_free); an empty array if the MTA
 * has none */
char **
mg_backend_list_items(enum mg_mta mta, const char *value)
{
	const struct mg_backend *be = mg_backend_for(mta);

	if (be == NULL || be->list_items == NULL || value == NULL)
		return (mg_xcalloc(1, sizeof(char *)));
	return (be->list_items(value));
}

/* mg_backend_list_free - release list items; accepts NULL */
void
mg_backend_list_free(char **v)
{
	mg_strl_free(v);
}

/* mg_backend_list_start - begin writing a list value into out */
void
mg_backend_list_start(enum mg_mta mta, struct mg_str *out)
{
	const struct mg_backend *be = mg_backend_for(mta);

	if (be != NULL && be->list_head != NULL)
		mg_str_puts(out, be->list_head);
}

/* mg_backend_list_add - one more item of a list value */
void
mg_backend_list_add(enum mg_mta mta, struct mg_str *out, const char *item)
{
	const struct mg_backend *be = mg_backend_for(mta);

	mg_str_printf(out, "%s%s", be != NULL && be->list_sep != NULL ?
	    be->list_sep : " ", item);
}

/* mg_backend_sim_open - prepare asking conf (NULL: the target's own);
 * *priv for sim_ask and sim_close; what was made, or why not, into note
 * (may be NULL) */
int
mg_backend_sim_open(struct mg_target *t, const char *conf, void **priv,
    struct mg_str *note, struct mg_err *err)
{
	struct mg_str scratch = MG_STR_INIT;
	int rc;

	*priv = NULL;
	if (of(t) == NULL || of(t)->sim_ask == NULL)
		return (not_supported(t, "simulating a client", err));
	if (of(t)->sim_open == NULL)
		return (0);
	rc = of(t)->sim_open(t, conf, priv, note != NULL ? note : &scratch,
	    err);
	mg_str_free(&scratch);
	return (rc);
}

/* mg_backend_sim_ask - one probe: 0 answered (v), 1 not asked (v->text
 * says why), -1 failed (err) */
int
mg_backend_sim_ask(struct mg_target *t, void *priv, const struct mg_probe *p,
    struct mg_smtp_verdict *v, struct mg_err *err)
{
	memset(v, 0, sizeof(*v));
	v->code = -1;
	if (of(t) == NULL || of(t)->sim_ask == NULL)
		return (not_supported(t, "simulating a client", err));
	return (of(t)->sim_ask(t, priv, p, v, err));
}

/* mg_backend_sim_close - undo sim_open */
void
mg_backend_sim_close(struct mg_target *t, void *priv)
{
	if (of(t) != NULL && of(t)->sim_close != NULL)
		of(t)->sim_close(t, priv);
}

/* mg_backend_sim_tests - relay tests as client through what sim_open
 * made of the live configuration, nothing received */
int
mg_backend_sim_tests(struct mg_target *t, void *priv, const char *client,
    const struct mg_probe_test *tests, size_t n, struct mg_probe_answer *a,
    struct mg_str *log, struct mg_err *err)
{
	if (of(t) == NULL || of(t)->sim_tests == NULL)
		return (not_supported(t, "simulating a client", err));
	return (of(t)->sim_tests(t, priv, client, tests, n, a, log, err));
}

/* mg_backend_sim_how - how the backend simulates, for reports */
const char *
mg_backend_sim_how(const struct mg_target *t)
{
	if (of(t) == NULL || of(t)->sim_how == NULL)
		return ("simulated");
	return (of(t)->sim_how);
}

/* mg_backend_sim_private - does simulating start a private instance of
 * the MTA (root only; it answers every session asked)? */
int
mg_backend_sim_private(const struct mg_target *t)
{
	return (of(t) != NULL && of(t)->sim_private);
}

/* mg_backend_sim_local - the mail paths simulate does not ask, said */
void
mg_backend_sim_local(const struct mg_target *t, const char *where,
    int clientless, struct mg_str *out)
{
	if (of(t) != NULL && of(t)->sim_local != NULL)
		of(t)->sim_local(where, clientless, out);
}

/* mg_backend_listener - where the MTA of m listens for the world; -1 if
 * the backend cannot say (host and port are left as they were) */
int
mg_backend_listener(const struct mg_target *t, const struct mg_model *m,
    char *host, size_t size, int *port)
{
	if (of(t) == NULL || of(t)->listener == NULL)
		return (-1);
	of(t)->listener(m, host, size, port);
	return (0);
}

/* mg_backend_queue_act - hold, release or requeue exactly ids */
int
mg_backend_queue_act(struct mg_target *t, struct mg_qrun *run,
    enum mg_qaction act, char *const *ids, size_t n, const char *name,
    struct mg_err *err)
{
	if (of(t) == NULL || of(t)->queue_act == NULL)
		return (not_supported(t, "acting on queued mail", err));
	return (of(t)->queue_act(t, run, act, ids, n, name, err));
}

/* mg_backend_purge - hold, quarantine and delete the run's ids */
int
mg_backend_purge(struct mg_target *t, struct mg_qrun *run,
    struct mg_err *err)
{
	if (of(t) == NULL || of(t)->purge == NULL)
		return (not_supported(t, "purging queued mail", err));
	return (of(t)->purge(t, run, err));
}

/* mg_backend_purge_finish - purge the run's ids into the quarantine an
 * interrupted purge left */
int
mg_backend_purge_finish(struct mg_target *t, struct mg_qrun *run,
    struct mg_err *err)
{
	if (of(t) == NULL || of(t)->purge_finish == NULL)
		return (not_supported(t, "finishing an interrupted purge",
		    err));
	return (of(t)->purge_finish(t, run, err));
}

/* mg_backend_can_finish_purge - the MTA can finish an interrupted purge
 * (else it is only rolled back) */
int
mg_backend_can_finish_purge(const struct mg_target *t)
{
	return (of(t) != NULL && of(t)->purge_finish != NULL);
}

/* mg_backend_restore - put back what a purge or hold took out */
int
mg_backend_restore(struct mg_target *t, struct mg_qrestore *r,
    struct mg_err *err)
{
	if (of(t) == NULL || of(t)->restore == NULL)
		return (not_supported(t, "putting mail back", err));
	return (of(t)->restore(t, r, err));
}

/* mg_backend_quarantine_msg - the message of quarantine copy id,
 * appended to q */
int
mg_backend_quarantine_msg(struct mg_target *t, int qfd, const char *id,
    struct mg_queue *q, struct mg_err *err)
{
	if (of(t) == NULL || of(t)->quarantine_msg == NULL)
		return (not_supported(t, "reading a quarantine", err));
	return (of(t)->quarantine_msg(t, qfd, id, q, err));
}

/* mg_backend_quarantine_how - a quarantine's README text ("" if none) */
const char *
mg_backend_quarantine_how(const struct mg_target *t)
{
	if (of(t) == NULL || of(t)->quarantine_how == NULL)
		return ("");
	return (of(t)->quarantine_how);
}

/* mg_backend_show_how - the tool show_message asks ("postcat -h") */
const char *
mg_backend_show_how(const struct mg_target *t)
{
	if (of(t) == NULL || of(t)->show_how == NULL)
		return ("the MTA's own tool");
	return (of(t)->show_how);
}

/* mg_backend_requeued_queue - the queue a requeued message waits in;
 * NULL when the MTA moves it nowhere */
const char *
mg_backend_requeued_queue(const struct mg_target *t)
{
	return (of(t) != NULL ? of(t)->requeued_queue : NULL);
}
