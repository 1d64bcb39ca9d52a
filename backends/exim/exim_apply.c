/*
 * exim_apply.c - what the fix engine asks of Exim to change its
 * configuration: validation on a stage (Debian's generator into the
 * stage, exim -C STAGED -bV), the reload (SIGHUP to the daemon), its
 * post-commands, its lists, and where it listens.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "../../core/mg_file.h"
#include "../change.h"
#include "exim_apply.h"
#include "exim_list.h"

/* base - a command's program name without its directory */
static const char *
base(const struct mg_cmd *c)
{
	const char *b = strrchr(c->argv[0], '/');

	return (b != NULL ? b + 1 : c->argv[0]);
}

/* generator - the update-exim4.conf to use, or NULL */
static const char *
generator(const struct mg_target *t, const struct mg_change *c)
{
	const struct mg_fix *x;
	size_t k, i;

	if (t->generator != NULL)
		return (t->generator);
	for (k = 0; k < c->nfixes; k++) {
		x = c->fixes[k];
		for (i = 0; i < x->npost; i++)
			if (strcmp(x->post[i].argv[0], "update-exim4.conf") ==
			    0)
				return ("update-exim4.conf");
	}
	return (NULL);
}

/* copy_tree - cp -a SRC DST (the Exim config directory into the stage) */
static int
copy_tree(const char *src, const char *dst, struct mg_err *err)
{
	const char *argv[] = { "cp", "-a", "--", src, dst, NULL };

	return (mg_change_tool(argv, NULL, err));
}

/* mg_exim_validate - the edited sources on a stage: Debian's directory
 * is copied and generated there; a plain file is the -C file itself;
 * then exim -C STAGED -bV */
int
mg_exim_validate(struct mg_target *t, struct mg_change *c,
    struct mg_err *err)
{
	char conf[PATH_MAX + 16];
	const char *gen = generator(t, c), *rel;
	const char *src = mg_change_source_dir(t, c);
	const char *genv[] = { gen, "--confdir", conf, "--output", c->conf,
	    NULL };
	const char *bv[] = { t->bin, "-C", c->conf, "-bV", NULL };
	struct mg_str out = MG_STR_INIT;
	size_t i;
	int debian = 0, rc = -1;

	(void)snprintf(conf, sizeof(conf), "%s/conf", c->stage);
	for (i = 0; i < c->nfiles; i++) {
		if (mg_change_under(c->paths[i], src, &rel) &&
		    gen != NULL && (t->config_file == NULL ||
		    strcmp(c->paths[i], t->config_file) != 0))
			debian = 1;
		else if (t->config_file == NULL ||
		    strcmp(c->paths[i], t->config_file) != 0)
			return (mg_err_set(err, "%s is neither Exim's "
			    "configuration file nor in a Debian configuration "
			    "directory: its edit cannot be validated, so it "
			    "is not applied", c->paths[i]));
	}
	if (debian) {
		(void)snprintf(c->dir, sizeof(c->dir), "%s", conf);
		if (copy_tree(src, conf, err) < 0)
			return (-1);
		if (mg_change_write(t, c, err) < 0)
			return (-1);
		(void)snprintf(c->conf, sizeof(c->conf),
		    "%s/exim4.conf.generated", c->stage);
		c->generated = 1;
		if (mg_change_tool(genv, &out, err) < 0)
			goto out;
		mg_str_printf(&c->validation, "%s --confdir %s: generated "
		    "%s\n", gen, conf, c->conf);
	} else {
		(void)snprintf(c->conf, sizeof(c->conf), "%s/exim.conf",
		    c->stage);
		if (mg_change_write_file(c->conf, &c->texts[0], err) < 0)
			goto out;
	}
	(void)snprintf(c->file, sizeof(c->file), "%s", c->conf);
	mg_str_reset(&out);
	if (mg_change_tool(bv, &out, err) < 0) {
		(void)mg_err_set(err, "exim -C %s -bV rejects the new "
		    "configuration: %s", c->conf, mg_str_cstr(&out));
		goto out;
	}
	mg_str_printf(&c->validation, "exim -C %s -bV: ok\n", c->conf);
	rc = 0;
out:
	mg_str_free(&out);
	return (rc);
}

/* mg_exim_pid_file - the Exim daemon's pid file (exim -bP
 * pid_file_path) into buf, "" when not set; -1 if Exim cannot say */
int
mg_exim_pid_file(const struct mg_target *t, char *buf, size_t size,
    struct mg_err *err)
{
	const char *argv[] = { t->bin, "-C", t->config_file, "-bP",
	    "pid_file_path", NULL };
	struct mg_str out = MG_STR_INIT;
	const char *v;

	buf[0] = '\0';
	if (mg_change_tool(argv, &out, err) < 0) {
		mg_str_free(&out);
		return (-1);
	}
	v = strchr(mg_str_cstr(&out), '=');
	v = v != NULL ? v + 1 + strspn(v + 1, " ") : "";
	(void)snprintf(buf, size, "%.*s", (int)strcspn(v, "\n"), v);
	mg_str_free(&out);
	return (0);
}

/* mg_exim_reload - SIGHUP to the Exim daemon (its pid file), if one
 * runs; what happened goes to log */
void
mg_exim_reload(struct mg_target *t, struct mg_str *log)
{
	struct mg_str pid = MG_STR_INIT;
	struct mg_err err;
	char path[PATH_MAX];
	long n;

	if (mg_exim_pid_file(t, path, sizeof(path), &err) < 0) {
		mg_str_printf(log, "exim reload: cannot read pid_file_path: "
		    "%s\n", err.msg);
		goto out;
	}
	if (path[0] == '\0' || mg_file_read(path, 64, &pid, NULL, &err) < 0 ||
	    (n = strtol(mg_str_cstr(&pid), NULL, 10)) <= 1 ||
	    kill((pid_t)n, 0) < 0) {
		mg_str_printf(log, "no Exim daemon running (pid file %s): the "
		    "new configuration is read by the next Exim process\n",
		    path[0] != '\0' ? path : "not set");
		goto out;
	}
	if (kill((pid_t)n, SIGHUP) < 0)
		mg_str_printf(log, "exim reload: kill -HUP %ld: %s\n", n,
		    strerror(errno));
	else
		mg_str_printf(log, "sent SIGHUP to the Exim daemon (pid "
		    "%ld)\n", n);
out:
	mg_str_free(&pid);
}

/* mg_exim_reload_words - the reload the apply performs after the
 * post-commands (mg_exim_reload), written as the command an operator can
 * paste */
void
mg_exim_reload_words(const struct mg_target *t, struct mg_str *out)
{
	char pidfile[PATH_MAX];
	struct mg_err err;

	if (mg_exim_pid_file(t, pidfile, sizeof(pidfile), &err) < 0)
		mg_str_printf(out, "#   (reload: the Exim daemon re-reads its "
		    "configuration on SIGHUP; exim -bP pid_file_path failed "
		    "here: %s)\n", err.msg);
	else if (pidfile[0] == '\0')
		mg_str_puts(out, "#   (no reload: pid_file_path is not set, "
		    "so no daemon is signalled; the next Exim process reads "
		    "the new configuration)\n");
	else
		mg_str_printf(out, "#   kill -HUP \"$(cat %s)\"\n#     "
		    "(reload: SIGHUP to the Exim daemon whose pid is in "
		    "pid_file_path; none to signal if no daemon runs)\n",
		    pidfile);
}

/* mg_exim_post_program - Debian's generator is the one the target was
 * read with (--exim DIR --exim-generator), else as the fix says */
const char *
mg_exim_post_program(const struct mg_target *t, const struct mg_cmd *c)
{
	if (t->generator != NULL && strcmp(c->argv[0],
	    "update-exim4.conf") == 0)
		return (t->generator);
	return (c->argv[0]);
}

/* mg_exim_post_rebuilds - a post-command that only derives files from
 * others (run again after a restore), in the one shape the fixes write
 * it: "update-exim4.conf --confdir DIR [--output FILE]", "newaliases".
 * A rollback replays only these from a journal row; the generator runs
 * DIR's update-exim4.conf.conf as shell code, so only on a DIR whose
 * file only root can change (mg_exim_sources_trusted). */
int
mg_exim_post_rebuilds(const struct mg_cmd *c)
{
	struct mg_err err;

	if (c->argc == 1 && strcmp(base(c), "newaliases") == 0)
		return (1);
	return (strcmp(base(c), "update-exim4.conf") == 0 &&
	    (c->argc == 3 || (c->argc == 5 &&
	    strcmp(c->argv[3], "--output") == 0)) &&
	    strcmp(c->argv[1], "--confdir") == 0 &&
	    mg_exim_sources_trusted(c->argv[2], &err) == 0);
}

/* mg_exim_post_seen - the staged model sees the generator's effect: the
 * stage is generated */
int
mg_exim_post_seen(const struct mg_cmd *c)
{
	return (strcmp(base(c), "update-exim4.conf") == 0);
}

/* mg_exim_list_items - an Exim list's items ("<;" changes the
 * separator, doubling escapes it) */
char **
mg_exim_list_items(const char *value)
{
	struct mg_exim_list l;
	struct mg_str it = MG_STR_INIT;
	char **v = NULL;
	size_t n = 0, cap = 0;

	mg_exim_list_init(&l, value);
	while (mg_exim_list_next(&l, &it))
		if (it.data != NULL)
			*MG_ARRAY_PUSH(v, n, cap) = mg_xstrdup(it.data);
	mg_str_free(&it);
	*MG_ARRAY_PUSH(v, n, cap) = NULL;
	return (v);
}

/* mg_exim_sim_local - mail submitted on the host without SMTP, and the
 * local SMTP sessions exim -bs runs */
void
mg_exim_sim_local(const char *where, int clientless, struct mg_str *out)
{
	mg_str_printf(out, "%s: mail this host submits with sendmail(8) "
	    "or exim -t (not SMTP) passes acl_not_smtp, not the SMTP ACLs: "
	    "the change does not touch that path unless it edits "
	    "acl_not_smtp (not asked)\n", where);
	if (clientless)
		mg_str_printf(out, "%s: exim -bs sessions are real local SMTP "
		    "sessions that end before DATA: nothing is received, but a "
		    "refused one is logged by Exim like any refusal\n", where);
}

/* mg_exim_listener - daemon_smtp_ports and local_interfaces */
void
mg_exim_listener(const struct mg_model *m, char *host, size_t size,
    int *port)
{
	const struct mg_param *p;
	const char *v;
	size_t n;

	p = mg_model_param(m, "daemon_smtp_ports");
	if (p != NULL && p->value != NULL) {
		v = p->value + strspn(p->value, " ");
		n = strcspn(v, " :");
		if (mg_backend_port_of(v, n) > 0)
			*port = mg_backend_port_of(v, n);
	}
	p = mg_model_param(m, "local_interfaces");
	if (p != NULL && p->value != NULL) {
		v = p->value;
		if (strncmp(v, "<;", 2) == 0)
			v += 2;
		v += strspn(v, " ");
		n = strcspn(v, " :;");
		if (n > 0 && n < 60 && strncmp(v, "0.0.0.0", n) != 0)
			(void)snprintf(host, size, "%.*s", (int)n, v);
	}
}
