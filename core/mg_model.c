/*
 * mg_model.c - the shared model: the target, the model's life, its
 * parameters (global, and as one service sees them) and the source files
 * read for evidence.  Its tables are mg_model_tables.c's.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mg_dns.h"
#include "mg_file.h"
#include "mg_host.h"
#include "mg_model.h"
#include "mg_pkg.h"
#include "mg_maillog.h"
#include "mg_queue.h"
#include "mg_reaper.h"
#include "mg_str.h"

/* mg_target_free - release the strings; accepts NULL */
void
mg_target_free(struct mg_target *t)
{
	if (t == NULL)
		return;
	free(t->config_dir);
	free(t->config_file);
	free(t->bin);
	free(t->version);
	free(t->tls_library);
	free(t->state_dir);
	free(t->generator);
	free(t->maillog);
	free(t->queue_dir);
	if (t->generated != NULL) {
		char *slash = strrchr(t->generated, '/');

		(void)unlink(t->generated);
		if (slash != NULL) {
			*slash = '\0';
			(void)rmdir(t->generated);
		}
		free(t->generated);
	}
	if (t->reaper != NULL) {
		mg_reaper_done(t->reaper);
		free(t->reaper);
	}
	memset(t, 0, sizeof(*t));
}

/* mg_model_source - what the configuration was read from, for people:
 * the directory when config_file is our generated copy of it */
const char *
mg_model_source(const struct mg_model *m)
{
	if (m->config_generated && m->config_dir != NULL)
		return (m->config_dir);
	return (m->config_file);
}

/* mg_model_init - empty model */
void
mg_model_init(struct mg_model *m)
{
	memset(m, 0, sizeof(*m));
}

/* mg_model_free - release everything; accepts NULL */
void
mg_model_free(struct mg_model *m)
{
	size_t i;

	if (m == NULL)
		return;
	mg_params_free(m->params, m->nparams);
	mg_model_tables_free(m);
	for (i = 0; i < m->nfiles; i++)
		mg_srcfile_free(&m->files[i]);
	free(m->files);
	mg_strv_free(m->warnings, m->nwarnings);
	mg_strv_free(m->unread, m->nunread);
	free(m->ehlo.client);
	free(m->ehlo.auth);
	free(m->ehlo.auth25);
	mg_queue_free(m->queue);
	free(m->queue);
	mg_maillog_free(m->log);
	free(m->log);
	mg_host_free(m->host);
	free(m->host);
	mg_resolv_free(m->resolv);
	free(m->resolv);
	mg_resolv_free(m->resolv_chroot);
	free(m->resolv_chroot);
	mg_mxset_free(m->mx);
	free(m->mx);
	mg_pkg_free(m->pkg);
	free(m->pkg);
	free(m->version);
	free(m->tls_library);
	free(m->config_dir);
	free(m->config_file);
	memset(m, 0, sizeof(*m));
}

/* mg_model_param_add - the parameter "name", created empty if new */
struct mg_param *
mg_model_param_add(struct mg_model *m, const char *name)
{
	struct mg_param *p;
	size_t i;

	for (i = 0; i < m->nparams; i++)
		if (strcmp(m->params[i].name, name) == 0)
			return (&m->params[i]);
	p = MG_ARRAY_PUSH(m->params, m->nparams, m->params_cap);
	memset(p, 0, sizeof(*p));
	p->name = mg_xstrdup(name);
	return (p);
}

/* mg_model_param - look up a parameter; NULL if the MTA did not report it */
const struct mg_param *
mg_model_param(const struct mg_model *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->nparams; i++)
		if (strcmp(m->params[i].name, name) == 0)
			return (&m->params[i]);
	return (NULL);
}

/* mg_model_value - effective value of a parameter, or NULL */
const char *
mg_model_value(const struct mg_model *m, const char *name)
{
	const struct mg_param *p = mg_model_param(m, name);

	return (p != NULL ? p->value : NULL);
}

/*
 * mg_service_value - the value a parameter has in one service: its own
 * override, else the global one.  *where (if not NULL) says which setting
 * that is, for evidence; NULL when neither is known.
 */
const char *
mg_service_value(const struct mg_model *m, const struct mg_service *s,
    const char *name, const struct mg_param **where)
{
	const struct mg_param *p = NULL;

	if (s != NULL)
		p = mg_service_override(s, name);
	if (p == NULL)
		p = mg_model_param(m, name);
	if (where != NULL)
		*where = p;
	return (p != NULL ? p->value : NULL);
}

/* mg_model_file_add - the source file "path", created empty if new */
struct mg_srcfile *
mg_model_file_add(struct mg_model *m, const char *path)
{
	struct mg_srcfile *f;
	size_t i;

	for (i = 0; i < m->nfiles; i++)
		if (strcmp(m->files[i].path, path) == 0)
			return (&m->files[i]);
	f = MG_ARRAY_PUSH(m->files, m->nfiles, m->files_cap);
	memset(f, 0, sizeof(*f));
	f->path = mg_xstrdup(path);
	return (f);
}

/* mg_model_file - a loaded source file, or NULL (also for a value not
 * located in any file: path NULL) */
const struct mg_srcfile *
mg_model_file(const struct mg_model *m, const char *path)
{
	size_t i;

	if (path == NULL)
		return (NULL);
	for (i = 0; i < m->nfiles; i++)
		if (strcmp(m->files[i].path, path) == 0)
			return (&m->files[i]);
	return (NULL);
}

/* mg_model_warn - keep a warning printed by the MTA's tools */
void
mg_model_warn(struct mg_model *m, const char *text)
{
	*MG_ARRAY_PUSH(m->warnings, m->nwarnings, m->warnings_cap) =
	    mg_xstrdup(text);
}

/* mg_model_unread - keep what a backend could not read, and why */
void
mg_model_unread(struct mg_model *m, const char *text)
{
	*MG_ARRAY_PUSH(m->unread, m->nunread, m->unread_cap) =
	    mg_xstrdup(text);
}

/* mg_model_read_file - read a configuration file into the model (bounded,
 * once); evidence and fixes quote its lines */
int
mg_model_read_file(struct mg_model *m, const char *path, struct mg_err *err)
{
	struct mg_str text = MG_STR_INIT;
	struct mg_srcfile *f;
	int truncated;

	if (mg_model_file(m, path) != NULL)
		return (0);
	if (mg_file_read(path, MG_FILE_MAX, &text, &truncated, err) < 0) {
		mg_str_free(&text);
		return (-1);
	}
	f = mg_model_file_add(m, path);
	mg_srcfile_set_text(f, text.data, text.len);
	f->truncated = truncated;
	mg_str_free(&text);
	return (0);
}

/* mg_model_read_log - path read through fn into a new m->log; m->log stays
 * NULL (and -1 with the reason) if it cannot be read */
int
mg_model_read_log(struct mg_model *m, mg_maillog_line_fn *fn, const void *arg,
    const char *path, struct mg_err *err)
{
	struct mg_maillog *l = mg_xcalloc(1, sizeof(*l));

	l->now = m->now;
	if (mg_maillog_read(l, fn, arg, path, 0, err) < 0) {
		mg_maillog_free(l);
		free(l);
		return (-1);
	}
	mg_maillog_free(m->log);
	free(m->log);
	m->log = l;
	return (0);
}

/* mg_model_read_pkg - the package of the MTA's binary and what its
 * changelog fixed (mg_pkg_load) into m->pkg; a changelog that cannot be
 * read is listed under unread */
void
mg_model_read_pkg(struct mg_model *m, const char *bin,
    const char *const *candidates)
{
	struct mg_err err;
	struct mg_str w = MG_STR_INIT;

	mg_pkg_free(m->pkg);
	free(m->pkg);
	m->pkg = mg_xcalloc(1, sizeof(*m->pkg));
	mg_pkg_init(m->pkg);
	mg_err_clear(&err);
	if (mg_pkg_load(bin, candidates, m->pkg, &err) == 0)
		return;
	mg_str_printf(&w, "the package changelog (backported fixes): %s",
	    err.msg);
	mg_model_unread(m, mg_str_cstr(&w));
	mg_str_free(&w);
}
