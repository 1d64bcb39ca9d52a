/*
 * postfix.c - the Postfix backend: detection and configuration through
 * Postfix's own postconf (postconf -c DIR -n for what is set, -x for every
 * effective value with $names expanded).  main.cf itself is read only to
 * map settings to file:line for evidence.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../core/mg_exec.h"
#include "../../core/mg_file.h"
#include "../../core/mg_lines.h"
#include "../../core/mg_maillog.h"
#include "../../core/mg_str.h"
#include "../backend.h"
#include "pf_apply.h"
#include "pf_list.h"
#include "pf_log.h"
#include "pf_maincf.h"
#include "pf_maps.h"
#include "pf_master.h"
#include "pf_postconf.h"
#include "pf_simulate.h"
#include "pf_qaction.h"
#include "pf_queue.h"
#include "pf_sasl.h"

/* Parameters whose lists may name a pattern file ("/path"): loaded so that
 * checks can read the file's entries with their line numbers. */
static const char *const pattern_file_params[] = {
	"mynetworks",
	NULL
};

/* postconf - run postconf [-c DIR] args...; output in res */
static int
postconf(const char *dir, const char *const *args, struct mg_exec_res *res,
    struct mg_err *err)
{
	const char *argv[16];
	size_t n = 0, i;

	argv[n++] = "postconf";
	if (dir != NULL) {
		argv[n++] = "-c";
		argv[n++] = dir;
	}
	for (i = 0; args[i] != NULL && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	return (mg_exec_run(argv, 30000, res, err));
}

/* chomp - strip trailing newlines in place */
static void
chomp(struct mg_str *s)
{
	while (s->len > 0 && (s->data[s->len - 1] == '\n' ||
	    s->data[s->len - 1] == '\r'))
		s->data[--s->len] = '\0';
}

/* tls_run_version - the TLS library Postfix runs with, as postconf -T
 * run-version (Postfix 3.6 and later) prints it: "OpenSSL 3.0.19 27 Jan
 * 2026"; left NULL (not known) where postconf cannot say.  The protocol
 * floor check needs it: what a cipher list's @SECLEVEL refuses depends
 * on the OpenSSL version. */
static void
tls_run_version(struct mg_target *t)
{
	static const char *const args[] = { "-T", "run-version", NULL };
	struct mg_exec_res res;
	struct mg_err err;
	size_t len;

	memset(&res, 0, sizeof(res));
	free(t->tls_library);
	t->tls_library = NULL;
	if (postconf(t->config_dir, args, &res, &err) == 0 &&
	    mg_exec_ok(&res)) {
		len = strcspn(mg_str_cstr(&res.out), "\r\n");
		if (len > 0 && len < 128 && strncmp(mg_str_cstr(&res.out),
		    "OpenSSL ", 8) == 0)
			t->tls_library = mg_xstrndup(mg_str_cstr(&res.out),
			    len);
	}
	mg_exec_res_free(&res);
}

/* postfix_detect - find the config directory and ask Postfix its version */
static int
postfix_detect(struct mg_target *t, struct mg_err *err)
{
	static const char *const dir_args[] = { "-h", "config_directory",
	    NULL };
	static const char *const ver_args[] = { "-h", "mail_version", NULL };
	struct mg_exec_res res;
	struct mg_str path = MG_STR_INIT;
	struct mg_str probe = MG_STR_INIT;
	char bin[PATH_MAX];

	if (mg_exec_find("postconf", bin, sizeof(bin)) < 0)
		return (mg_err_set(err, "Postfix not found: no postconf in %s",
		    MG_EXEC_PATH));
	if (t->config_dir == NULL) {
		if (postconf(NULL, dir_args, &res, err) < 0)
			return (-1);
		chomp(&res.out);
		t->config_dir = mg_str_steal(&res.out);
		mg_exec_res_free(&res);
	}
	mg_str_init(&path);
	mg_str_printf(&path, "%s/main.cf", t->config_dir);
	/* Say plainly if main.cf cannot be read, before postconf does. */
	if (mg_file_read(mg_str_cstr(&path), 1, &probe, NULL, err) < 0) {
		mg_str_free(&path);
		mg_str_free(&probe);
		return (-1);
	}
	mg_str_free(&probe);
	t->config_file = mg_str_steal(&path);
	if (postconf(t->config_dir, ver_args, &res, err) < 0)
		return (-1);
	chomp(&res.out);
	t->version = mg_str_steal(&res.out);
	mg_exec_res_free(&res);
	t->bin = mg_xstrdup(bin);
	tls_run_version(t);
	return (0);
}

/* keep_warnings - postconf's own warnings become model warnings */
static void
keep_warnings(struct mg_model *m, const struct mg_str *errout)
{
	const char *cur = mg_str_cstr(errout), *line;
	char *w;
	size_t len;

	while (mg_line_next(&cur, &line, &len)) {
		if (len == 0)
			continue;
		w = mg_xstrndup(line, len);
		mg_model_warn(m, w);
		free(w);
	}
}

/* load_pattern_files - "/path" elements of list parameters */
static void
load_pattern_files(struct mg_model *m)
{
	const char *cur, *elem, *value;
	struct mg_err err;
	char path[PATH_MAX];
	size_t i, len;

	for (i = 0; pattern_file_params[i] != NULL; i++) {
		value = mg_model_value(m, pattern_file_params[i]);
		if (value == NULL)
			continue;
		for (cur = value; mg_pf_list_next(&cur, &elem, &len);) {
			if (*elem != '/' || len >= sizeof(path))
				continue;
			memcpy(path, elem, len);
			path[len] = '\0';
			if (mg_pf_srcfile(m, path, &err) < 0)
				mg_model_warn(m, err.msg);
		}
	}
}

/* load_services - master.cf services and -o overrides (raw and expanded);
 * a master.cf Postfix cannot read is a warning, not a failure */
static void
load_services(struct mg_target *t, struct mg_model *m)
{
	static const char *const m_args[] = { "-M", NULL };
	static const char *const p_args[] = { "-P", NULL };
	static const char *const px_args[] = { "-P", "-x", NULL };
	struct mg_exec_res res;
	struct mg_str path = MG_STR_INIT;
	struct mg_err err;

	if (postconf(t->config_dir, m_args, &res, &err) < 0) {
		mg_model_warn(m, err.msg);
		return;
	}
	mg_pf_master_parse(m, mg_str_cstr(&res.out));
	mg_exec_res_free(&res);
	if (postconf(t->config_dir, p_args, &res, &err) == 0) {
		mg_pf_master_overrides(m, mg_str_cstr(&res.out), 1);
		mg_exec_res_free(&res);
	}
	if (postconf(t->config_dir, px_args, &res, &err) == 0) {
		mg_pf_master_overrides(m, mg_str_cstr(&res.out), 0);
		mg_exec_res_free(&res);
	}
	mg_str_printf(&path, "%s/master.cf", t->config_dir);
	if (mg_pf_srcfile(m, mg_str_cstr(&path), &err) < 0)
		mg_model_warn(m, err.msg);
	else
		mg_pf_master_locate(m, mg_model_file(m,
		    mg_str_cstr(&path)));
	mg_str_free(&path);
}

/* Longest argv of the question for level-dependent defaults: Postfix 3.x
 * has about a dozen such parameters. */
#define LEVEL_ASK_MAX 24
#define LEVEL_ARGV_MAX (4 + 3 * LEVEL_ASK_MAX)

/*
 * load_defaults - postconf -d: every parameter's default.  Defaults that
 * depend on compatibility_level are resolved at this configuration's
 * level (postconf -d evaluates them at level 0, as if main.cf set none):
 * for a parameter main.cf does not set, its -x value is that default;
 * for one it sets, postconf -x -o name=DEFAULT expands the default
 * expression with main.cf's compatibility_level.  A failure leaves dflt
 * as -d printed it, with a warning.
 */
static void
load_defaults(struct mg_target *t, struct mg_model *m)
{
	static const char *const d_args[] = { "-d", NULL };
	const char *argv[LEVEL_ARGV_MAX + 1];
	struct mg_str *opts;
	struct mg_exec_res res;
	struct mg_err err;
	size_t i, n = 0, k = 0, nask, *idx;

	if (postconf(t->config_dir, d_args, &res, &err) < 0) {
		mg_model_warn(m, err.msg);
		return;
	}
	mg_pf_postconf_defaults(m, mg_str_cstr(&res.out));
	mg_exec_res_free(&res);
	if ((nask = mg_pf_postconf_level_resolve(m)) == 0)
		return;
	if (nask > LEVEL_ASK_MAX)
		nask = LEVEL_ASK_MAX;
	opts = mg_xcalloc(nask, sizeof(*opts));
	idx = mg_xcalloc(nask, sizeof(*idx));
	argv[n++] = "postconf";
	if (t->config_dir != NULL) {
		argv[n++] = "-c";
		argv[n++] = t->config_dir;
	}
	argv[n++] = "-x";
	for (i = 0; i < m->nparams && k < nask; i++) {
		if (!mg_pf_postconf_level_dependent(&m->params[i]) ||
		    m->params[i].raw == NULL)
			continue;
		mg_str_init(&opts[k]);
		mg_str_printf(&opts[k], "%s=%s", m->params[i].name,
		    m->params[i].dflt);
		argv[n++] = "-o";
		argv[n++] = mg_str_cstr(&opts[k]);
		idx[k++] = i;
	}
	for (i = 0; i < k; i++)
		argv[n++] = m->params[idx[i]].name;
	argv[n] = NULL;
	if (mg_exec_run(argv, 30000, &res, &err) < 0)
		mg_model_warn(m, err.msg);
	else {
		mg_pf_postconf_defaults(m, mg_str_cstr(&res.out));
		mg_exec_res_free(&res);
	}
	for (i = 0; i < k; i++)
		mg_str_free(&opts[i]);
	free(opts);
	free(idx);
}

/* The packages that may hold postconf when dpkg cannot say (a Debian
 * tree unpacked elsewhere): their changelog lists backported fixes. */
static const char *const pf_packages[] = { "postfix", NULL };

/* postfix_load_config - explicit and effective parameters, with file:line */
static int
postfix_load_config(struct mg_target *t, struct mg_model *m,
    struct mg_err *err)
{
	static const char *const n_args[] = { "-n", NULL };
	static const char *const x_args[] = { "-x", NULL };
	struct mg_pf_reader rd;
	struct mg_exec_res res;

	/* a private Postfix left by a run killed with its reaper (it
	 * allows XCLIENT from 127.0.0.1) is stopped by the next run that
	 * reads a Postfix, not only by the next proof */
	(void)mg_pf_private_stale();
	if (postconf(t->config_dir, n_args, &res, err) < 0)
		return (-1);
	mg_pf_postconf_parse(m, mg_str_cstr(&res.out), 1);
	keep_warnings(m, &res.err);
	mg_exec_res_free(&res);
	if (postconf(t->config_dir, x_args, &res, err) < 0)
		return (-1);
	mg_pf_postconf_parse(m, mg_str_cstr(&res.out), 0);
	mg_exec_res_free(&res);
	/* An explicit setting postconf does not know has no -x value. */
	for (size_t i = 0; i < m->nparams; i++)
		if (m->params[i].value == NULL)
			m->params[i].value = mg_xstrdup(m->params[i].raw);
	load_defaults(t, m);

	if (mg_pf_srcfile(m, t->config_file, err) < 0)
		return (-1);
	mg_pf_maincf_locate(m, mg_model_file(m, t->config_file));
	load_pattern_files(m);
	load_services(t, m);
	mg_pf_maps_collect(m);
	mg_pf_reader_init(&rd, m, t->config_dir);
	rd.note = t->note;
	rd.note_arg = t->note_arg;
	mg_pf_maps_read(m, &rd);
	mg_pf_maps_ask_aliases(m, &rd);
	mg_pf_reader_free(&rd);
	mg_pf_sasl_load(m);
	mg_model_read_pkg(m, t->bin, pf_packages);
	return (0);
}

/*
 * postfix_load_log - --maillog FILE, else maillog_file (Postfix 3.4+
 * postlogd), else the system log Debian or RHEL's syslog writes mail to;
 * lines of this instance only (its syslog_name)
 */
static int
postfix_load_log(struct mg_target *t, struct mg_model *m, struct mg_err *err)
{
	static const char *const sys[] = { "/var/log/mail.log",
	    "/var/log/maillog", NULL };
	const struct mg_param *p = mg_model_param(m, "maillog_file");
	const struct mg_param *name = mg_model_param(m, "syslog_name");
	const char *path = t->maillog;
	size_t i;

	if (path == NULL && p != NULL && p->value != NULL && *p->value != '\0')
		path = p->value;
	for (i = 0; path == NULL && sys[i] != NULL; i++)
		if (access(sys[i], F_OK) == 0)
			path = sys[i];
	if (path == NULL)
		return (mg_err_set(err, "maillog_file is not set and there is "
		    "no /var/log/mail.log or /var/log/maillog (name one with "
		    "--maillog FILE)"));
	return (mg_model_read_log(m, mg_pf_log_line, name != NULL &&
	    name->value != NULL && *name->value != '\0' ? name->value : NULL,
	    path, err));
}

/* postfix_show_message - postcat [-c DIR] -h -q ID: the headers */
static int
postfix_show_message(struct mg_target *t, const char *id, struct mg_str *out,
    struct mg_err *err)
{
	const char *argv[8];
	size_t n = 0;

	argv[n++] = "postcat";
	if (t->config_dir != NULL) {
		argv[n++] = "-c";
		argv[n++] = t->config_dir;
	}
	argv[n++] = "-h";
	argv[n++] = "-q";
	argv[n++] = id;
	argv[n] = NULL;
	return (mg_exec_tool(argv, NULL, 0, 10000, out, err));
}

const struct mg_backend mg_backend_postfix = {
	.name = "postfix",
	.mta = MG_MTA_POSTFIX,
	.detect = postfix_detect,
	.load_config = postfix_load_config,
	.load_queue = mg_pf_load_queue,
	.queue_stamp = mg_pf_queue_stamp,
	.load_log = postfix_load_log,
	.show_message = postfix_show_message,
	/* Changing the configuration (the fix engine) */
	.validate = mg_pf_validate,
	.post_outputs = mg_pf_post_outputs,
	.post_rebuilds = mg_pf_post_rebuilds,
	.post_seen = mg_pf_post_seen,
	.post_not_running = mg_pf_post_not_running,
	.stage_holds = mg_pf_stage_holds,
	.trust_param = "mynetworks",
	.list_items = mg_pf_list_items,
	.list_head = "",
	.list_sep = " ",
	.sim_open = mg_pf_sim_open,
	.sim_ask = mg_pf_sim_ask,
	.sim_close = mg_pf_sim_close,
	.sim_private = 1,
	.sim_local = mg_pf_sim_local,
	.sim_tests = mg_pf_sim_tests,
	.sim_how = "postfix smtpd (private copy, XCLIENT)",
	.listener = mg_pf_listener,
	.listen_param = "inet_interfaces",
	.queue_act = mg_pf_queue_act,
	.purge = mg_pf_purge,
	.restore = mg_pf_restore,
	.quarantine_msg = mg_pf_quarantine_msg,
	.quarantine_how =
	    "Postfix queue files, exact bytes (read one: postcat FILE).\n"
	    "On the queue's filesystem each is a hard link to the queue\n"
	    "file it was (owner postfix, mode 0700): never release such a\n"
	    "message by hand while it is still queued (postsuper -H), use\n"
	    "mailguard-tui rollback ENTRY, which makes it a copy first.\n"
	    "Put them back: mailguard-tui rollback ENTRY (all of them), or\n"
	    "mailguard-tui restore ENTRY --sasl USER ... (a selection).\n"
	    "By hand: copy FILE into the queue directory's hold/ as owner\n"
	    "mail_owner (postfix), mode 0700; postsuper -s hold renames it\n"
	    "to a new queue ID (its name must match its inode): find it by\n"
	    "inode (ls -i), then postsuper -H NEWID.\n",
	.show_how = "postcat -h",
	.requeued_queue = "maildrop",
};
