/*
 * exim.c - the Exim backend: detection through the binary itself
 * (exim -bV), main options through exim -C FILE -bP, ACLs and lists
 * (exim_conf.c), Debian layouts (exim_debian.c), the spool (exim_queue.c)
 * and exim -bh as the oracle for simulated sessions.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../core/mg_exec.h"
#include "../../core/mg_install.h"
#include "../../core/mg_lines.h"
#include "../../core/mg_maillog.h"
#include "../../core/mg_num.h"
#include "../../core/mg_reaper.h"
#include "../../core/mg_secure_dir.h"
#include "../../core/mg_str.h"
#include "../backend.h"
#include "exim_apply.h"
#include "exim_conf.h"
#include "exim_list.h"
#include "exim_log.h"
#include "exim_debian.h"
#include "exim_expand.h"
#include "exim_qaction.h"
#include "exim_queue.h"
#include "exim_route.h"

#define GEN_PARENT "/tmp"
#define GEN_PREFIX "mailguard-exim."

/* exim_argv - "exim [-C FILE]", how every command of this target starts,
 * into argv (room for three); the number of words */
static size_t
exim_argv(const struct mg_target *t, const char **argv)
{
	size_t n = 0;

	argv[n++] = t->bin;
	if (t->config_file != NULL) {
		argv[n++] = "-C";
		argv[n++] = t->config_file;
	}
	return (n);
}

/* exim_run - run the exim binary [-C file] args; output in res */
static int
exim_run(const struct mg_target *t, const char *const *args,
    struct mg_exec_res *res, struct mg_err *err)
{
	const char *argv[16];
	size_t n, i;

	n = exim_argv(t, argv);
	for (i = 0; args[i] != NULL && n < 15; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	return (mg_exec_run(argv, 30000, res, err));
}

/* find_bin - --exim-bin, else exim4 (Debian), else exim */
static int
find_bin(struct mg_target *t, struct mg_err *err)
{
	static const char *const names[] = { "exim4", "exim", NULL };
	char path[PATH_MAX];
	size_t i;

	if (t->bin != NULL) {
		if (mg_exec_find(t->bin, path, sizeof(path)) < 0)
			return (mg_err_set(err, "Exim binary %s not found",
			    t->bin));
		free(t->bin);
		t->bin = mg_xstrdup(path);
		return (0);
	}
	for (i = 0; names[i] != NULL; i++) {
		if (mg_exec_find(names[i], path, sizeof(path)) == 0) {
			t->bin = mg_xstrdup(path);
			return (0);
		}
	}
	return (mg_err_set(err, "Exim not found: no exim4 or exim in %s",
	    MG_EXEC_PATH));
}

/* after - the text after prefix on the first line that starts with it */
static char *
after(const char *text, const char *prefix)
{
	const char *p = text, *nl;
	size_t plen = strlen(prefix);

	while (p != NULL && *p != '\0') {
		nl = strchr(p, '\n');
		if (strncmp(p, prefix, plen) == 0) {
			p += plen;
			return (mg_xstrndup(p, nl != NULL ? (size_t)(nl - p) :
			    strlen(p)));
		}
		p = nl != NULL ? nl + 1 : NULL;
	}
	return (NULL);
}

/* find_generator - --exim-generator, else update-exim4.conf beside the
 * Exim binary (Debian: both in /usr/sbin), else in the system path */
static int
find_generator(struct mg_target *t, struct mg_err *err)
{
	char path[PATH_MAX];
	const char *slash;
	struct stat st;

	if (t->generator != NULL) {
		if (mg_exec_find(t->generator, path, sizeof(path)) < 0)
			return (mg_err_set(err, "%s not found", t->generator));
	} else {
		slash = strrchr(t->bin, '/');
		(void)snprintf(path, sizeof(path), "%.*s/update-exim4.conf",
		    slash != NULL ? (int)(slash - t->bin) : 1,
		    slash != NULL ? t->bin : ".");
		if (stat(path, &st) < 0 &&
		    mg_exec_find("update-exim4.conf", path, sizeof(path)) < 0)
			return (mg_err_set(err, "%s is a Debian-style "
			    "directory, but update-exim4.conf is not found "
			    "(name it with --exim-generator)",
			    t->config_file));
	}
	free(t->generator);
	t->generator = mg_xstrdup(path);
	return (0);
}

/*
 * mg_exim_sources_trusted - update-exim4.conf runs
 * DIR/update-exim4.conf.conf as shell code (". $UPEX4C_confdir/
 * update-exim4.conf.conf"), as root: the file must be root's (or ours)
 * and writable by no one else, in a directory that is so up to /
 * (mg_secure_dir); else a local user who
 * can write it runs commands as root through us.  The same for each file
 * it puts into the generated configuration (mg_exim_debian_trusted).
 */
int
mg_exim_sources_trusted(const char *dir, struct mg_err *err)
{
	char path[PATH_MAX];
	struct mg_err why;
	struct stat st;

	if (mg_secure_dir(dir, &why) < 0)
		return (mg_err_set(err, "not running update-exim4.conf on "
		    "%s: %s", dir, why.msg));
	(void)snprintf(path, sizeof(path), "%s/update-exim4.conf.conf", dir);
	if (stat(path, &st) < 0)
		return (mg_err_errno(err, "%s", path));
	if (!S_ISREG(st.st_mode) || (st.st_uid != 0 &&
	    st.st_uid != geteuid()) || (st.st_mode & (S_IWGRP | S_IWOTH)))
		return (mg_err_set(err, "not running update-exim4.conf: it "
		    "runs %s as shell code, and that file belongs to uid %lu "
		    "with mode %04o - only root may be able to change it "
		    "(chown root %s; chmod go-w %s)", path,
		    (unsigned long)st.st_uid, (unsigned)(st.st_mode & 07777),
		    path, path));
	/* and what it concatenates into the configuration Exim runs */
	return (mg_exim_debian_trusted(dir, err));
}

/*
 * generate - --exim DIR: Debian's update-exim4.conf makes the
 * configuration from DIR into a private temporary file (never over the
 * system's /var/lib/exim4/config.autogenerated); that file is read, and
 * removed with the target.
 */
static int
generate(struct mg_target *t, struct mg_err *err)
{
	char tmpl[PATH_MAX];
	const char *argv[] = { NULL, "--confdir", NULL, "--output", NULL,
	    NULL };
	struct mg_str out = MG_STR_INIT;
	struct mg_exec_req req;
	struct mg_exec_res res;

	if (find_generator(t, err) < 0 || mg_exim_sources_trusted(
	    t->config_file, err) < 0)
		return (-1);
	/* copies of runs killed with their reaper; ours is named with our
	 * pid and start time for the next run to know when it is stale */
	(void)mg_reaper_stale(GEN_PARENT, GEN_PREFIX);
	if (mg_reaper_template(tmpl, sizeof(tmpl), GEN_PARENT, GEN_PREFIX,
	    err) < 0)
		return (-1);
	if (mkdtemp(tmpl) == NULL)
		return (mg_err_errno(err, "mkdtemp %s", tmpl));
	/* never outlives us, also if we are killed */
	t->reaper = mg_xcalloc(1, sizeof(*t->reaper));
	if (mg_reaper_watch(t->reaper, tmpl, err) < 0) {
		free(t->reaper);
		t->reaper = NULL;
		(void)rmdir(tmpl);
		return (-1);
	}
	mg_str_printf(&out, "%s/exim4.conf", tmpl);
	t->generated = mg_xstrdup(mg_str_cstr(&out));
	mg_str_free(&out);
	free(t->config_dir);
	t->config_dir = t->config_file;
	t->config_file = mg_xstrdup(t->generated);
	argv[0] = t->generator;
	argv[2] = t->config_dir;
	argv[4] = t->generated;
	memset(&req, 0, sizeof(req));
	req.argv = argv;
	req.timeout_ms = 60000;
	req.merge_stderr = 1;
	if (mg_exec(&req, &res, err) < 0)
		return (-1);
	if (!mg_exec_ok(&res)) {
		mg_exec_describe(&req, &res, err);
		mg_exec_res_free(&res);
		return (-1);
	}
	mg_exec_res_free(&res);
	mg_fault("exim-generated");
	return (0);
}

/* debian_dir - is dir a Debian configuration directory (its generator's
 * own settings, update-exim4.conf.conf, are there)? */
static int
debian_dir(const char *dir)
{
	char path[PATH_MAX];
	struct stat st;

	if ((size_t)snprintf(path, sizeof(path), "%s/update-exim4.conf.conf",
	    dir) >= sizeof(path))
		return (0);
	return (stat(path, &st) == 0 && S_ISREG(st.st_mode));
}

/*
 * debian_source - --exim FILE names a source of Debian's generated
 * configuration (exim4.conf.template, exim4.conf.localmacros, a conf.d
 * file): Exim never runs that file alone (update-exim4.conf puts the
 * macros and the split files around it), so its directory is read as
 * --exim DIR is, and a fix regenerates from it.  The generated file
 * itself stays a file: it is what Exim runs, mapped back to the sources.
 */
static void
debian_source(struct mg_target *t)
{
	char dir[PATH_MAX];
	const char *base, *confd;
	struct stat st;

	if (t->config_file == NULL || stat(t->config_file, &st) < 0 ||
	    !S_ISREG(st.st_mode) || strlen(t->config_file) >= sizeof(dir))
		return;
	(void)snprintf(dir, sizeof(dir), "%s", t->config_file);
	if ((confd = strstr(dir, "/conf.d/")) != NULL)
		dir[confd - dir] = '\0';
	else if ((base = strrchr(dir, '/')) != NULL && base != dir &&
	    strncmp(base + 1, "exim4.conf.", 11) == 0)
		dir[base - dir] = '\0';
	else
		return;
	if (!debian_dir(dir))
		return;
	free(t->config_file);
	t->config_file = mg_xstrdup(dir);
}

/* absolute - a relative --exim PATH made absolute (links kept): Exim
 * takes a relative ".include" relative to the including file's directory,
 * and the model follows includes, and fixes write files, by full path */
static void
absolute(char **path)
{
	char cwd[PATH_MAX];
	struct mg_str s = MG_STR_INIT;

	if (*path == NULL || (*path)[0] == '/' ||
	    getcwd(cwd, sizeof(cwd)) == NULL)
		return;
	mg_str_printf(&s, "%s/%s", cwd, *path);
	free(*path);
	*path = mg_str_steal(&s);
}

/* last_line - the last line of text that is not empty, or NULL */
static char *
last_line(const char *text)
{
	size_t n = strlen(text), end;

	while (n > 0 && text[n - 1] == '\n')
		n--;
	end = n;
	while (n > 0 && text[n - 1] != '\n')
		n--;
	return (end > n ? mg_xstrndup(text + n, end - n) : NULL);
}

/* tls_library - "GnuTLS" or "OpenSSL" as -bV's "Support for:" line
 * names the library Exim was built with (caller frees); NULL if neither.
 * tls_require_ciphers is a GnuTLS priority string or an OpenSSL cipher
 * list by that build, and openssl_options exists only with OpenSSL. */
static char *
tls_library(const char *out)
{
	static const char *const libs[] = { "GnuTLS", "OpenSSL", NULL };
	const char *line = strstr(out, "\nSupport for:"), *w;
	size_t len, i, n;

	if (line == NULL)
		return (NULL);
	line += strlen("\nSupport for:");
	len = strcspn(line, "\n");
	for (w = line; w < line + len; w += n) {
		w += strspn(w, " \t");
		n = strcspn(w, " \t\n");
		for (i = 0; libs[i] != NULL; i++)
			if (n == strlen(libs[i]) && strncmp(w, libs[i], n) == 0)
				return (mg_xstrdup(libs[i]));
		if (n == 0)
			break;
	}
	return (NULL);
}

/*
 * exim_detect - version, configuration file and spool directory from
 * one process: exim -bV -bP spool_directory config_file (Exim prints
 * -bV's report, then the two options; the version is -bV's, which
 * exim_version in the configuration does not change, as it does -bP
 * exim_version), and the TLS library -bV's "Support for:" names.  The
 * queue's reads and stamps use that spool
 * directory instead of asking again each time.
 */
static int
exim_detect(struct mg_target *t, struct mg_err *err)
{
	static const char *const bv[] = { "-bV", "-bP", "spool_directory",
	    "config_file", NULL };
	struct mg_exec_res res;
	struct stat st;
	const char *out;
	char *v, *sp, *last;

	if (find_bin(t, err) < 0)
		return (-1);
	absolute(&t->config_file);
	debian_source(t);
	if (t->config_file != NULL && stat(t->config_file, &st) == 0 &&
	    S_ISDIR(st.st_mode) && generate(t, err) < 0)
		return (-1);
	if (exim_run(t, bv, &res, err) < 0)
		return (-1);
	out = mg_str_cstr(&res.out);
	v = after(out, "Exim version ");
	if (v == NULL) {
		mg_exec_res_free(&res);
		return (mg_err_set(err, "%s -bV did not print a version",
		    t->bin));
	}
	sp = strchr(v, ' ');
	if (sp != NULL)
		*sp = '\0';
	t->version = v;
	free(t->tls_library);
	t->tls_library = tls_library(out);
	free(t->queue_dir);
	t->queue_dir = after(out, "spool_directory = ");
	if (t->queue_dir != NULL && t->queue_dir[0] != '/') {
		free(t->queue_dir);	/* asked again when the queue is */
		t->queue_dir = NULL;
	}
	/* -bP config_file prints the bare path, after spool_directory */
	last = t->queue_dir != NULL ? last_line(out) : NULL;
	if (t->config_file == NULL && last != NULL && last[0] == '/') {
		t->config_file = last;
		last = NULL;
	}
	free(last);
	if (t->config_file == NULL) {
		t->config_file = after(out, "Configuration file is ");
		if (t->config_file == NULL)
			t->config_file = after(out,
			    "Configuration files are ");
	}
	mg_exec_res_free(&res);
	return (0);
}

/* debian_generated - written by Debian's update-exim4.conf? */
static int
debian_generated(const struct mg_model *m, const char *path)
{
	const struct mg_srcfile *f = mg_model_file(m, path);
	size_t i;

	for (i = 0; f != NULL && i < f->nlines; i++)
		if (strncmp(f->lines[i], "UPEX4CmacrosUPEX4C", 18) == 0)
			return (1);
	return (0);
}

/* map_debian - findings point at the template or conf.d file, not the
 * generated one; if the sources no longer produce it, say so */
static void
map_debian(struct mg_model *m, const char *gen, const char *confdir)
{
	struct mg_exim_origin *o;
	struct mg_str w = MG_STR_INIT;
	size_t n;

	free(m->config_dir);
	m->config_dir = mg_xstrdup(confdir);
	if (mg_exim_debian_map(m, gen, confdir, &o, &n) == 0) {
		mg_exim_debian_relocate(m, gen, o, n);
		free(o);
		return;
	}
	mg_str_printf(&w, "%s is not what update-exim4.conf makes of %s now "
	    "(edited by hand, or the sources changed since it ran): "
	    "findings point at the generated file", gen, confdir);
	mg_model_warn(m, mg_str_cstr(&w));
	mg_str_free(&w);
}

/* auth_file - the fixed lsearch file a server_condition checks, or
 * NULL; *optional when read only ${if exists{FILE}} */
static char *
auth_file(const char *cond, int *optional)
{
	struct mg_exim_lookup *l;
	char *path = NULL;
	size_t i, n;

	*optional = 0;
	(void)mg_exim_lookups(cond, &l, &n);
	for (i = 0; i < n && path == NULL; i++)
		if (mg_exim_lookup_is_lsearch(&l[i]) && l[i].vars == NULL &&
		    l[i].file[0] == '/') {
			path = mg_xstrdup(l[i].file);
			*optional = l[i].optional;
		}
	mg_exim_lookups_free(l, n);
	return (path);
}

/* load_auth_users - accounts the server authenticators check: the
 * "user:password" lines of an lsearch file in server_condition (Debian's
 * exim4/passwd); other backends (saslauthd, PAM, Dovecot) are named */
static void
load_auth_users(struct mg_model *m)
{
	const struct mg_rule *r;
	const struct mg_param *c;
	const struct mg_srcfile *f;
	struct mg_err err;
	struct mg_str src = MG_STR_INIT;
	struct stat st;
	char *path, *user;
	size_t i, k, n;
	int optional;

	for (i = 0; i < m->nrules; i++) {
		r = &m->rules[i];
		if (strcmp(r->group, "authenticators") != 0)
			continue;
		if ((c = mg_rule_cond(r, "driver")) != NULL &&
		    strcmp(c->value, "dovecot") == 0 &&
		    m->users_backend == NULL)
			m->users_backend = mg_xstrdup("dovecot");
		if ((c = mg_rule_cond(r, "server_condition")) == NULL)
			continue;
		if (mg_exim_uses_condition(c->value, "saslauthd") ||
		    mg_exim_uses_condition(c->value, "pam")) {
			if (m->users_backend == NULL)
				m->users_backend = mg_xstrdup(
				    mg_exim_uses_condition(c->value, "pam") ?
				    "pam" : "saslauthd");
			continue;
		}
		if ((path = auth_file(c->value, &optional)) == NULL)
			continue;
		for (k = 0; k < m->nusers; k++)
			if (strcmp(m->users[k].source, path) == 0)
				break;
		/* PLAIN and LOGIN check the same file */
		if (k < m->nusers || (optional && stat(path, &st) < 0)) {
			free(path);
			continue;
		}
		if (mg_model_read_file(m, path, &err) < 0) {
			mg_model_warn(m, err.msg);
			free(path);
			continue;
		}
		if (m->users_backend == NULL) {
			mg_str_reset(&src);
			mg_str_printf(&src, "lsearch %s", path);
			m->users_backend = mg_str_steal(&src);
			m->users_complete = 1;
		}
		f = mg_model_file(m, path);
		for (k = 0; k < f->nlines; k++) {
			n = strcspn(f->lines[k], ":");
			if (n == 0 || f->lines[k][0] == '#' ||
			    f->lines[k][n] != ':')
				continue;
			user = mg_xstrndup(f->lines[k], n);
			(void)mg_model_user_add(m, user, NULL, path);
			free(user);
		}
		free(path);
	}
	mg_str_free(&src);
}

/* read_lookup_file - an lsearch file a router or authenticator reads:
 * a fixed path is read (a warning if it cannot be), an optional one
 * (${if exists{FILE}...}) only if it is there; one whose name depends on
 * the message ($domain) is not read here: the checks name it */
static int
read_lookup_file(struct mg_model *m, const struct mg_exim_lookup *l)
{
	struct mg_err err;
	struct stat st;

	if (l->vars != NULL || l->file[0] != '/')
		return (-1);
	if (l->optional && stat(l->file, &st) < 0)
		return (-1);
	if (mg_model_read_file(m, l->file, &err) < 0) {
		mg_model_warn(m, err.msg);
		return (-1);
	}
	return (0);
}

/* load_alias_files - the lsearch files redirect routers read (Debian's
 * system_aliases: /etc/aliases) */
static void
load_alias_files(struct mg_model *m)
{
	const struct mg_rule *r;
	const struct mg_param *c;
	struct mg_exim_lookup *l;
	size_t i, k, n;

	for (i = 0; i < m->nrules; i++) {
		r = &m->rules[i];
		if (strcmp(r->group, "routers") != 0 ||
		    (c = mg_rule_cond(r, "driver")) == NULL ||
		    strcmp(c->value, "redirect") != 0 ||
		    (c = mg_rule_cond(r, "data")) == NULL)
			continue;
		(void)mg_exim_lookups(c->value, &l, &n);
		for (k = 0; k < n; k++)
			if (mg_exim_lookup_is_lsearch(&l[k]))
				(void)read_lookup_file(m, &l[k]);
		mg_exim_lookups_free(l, n);
	}
}

/* load_acl_lists - the optional recipient lists of the RCPT ACL
 * ("recipients = ${if exists{FILE}{FILE}{}}", Debian's local_rcpt_callout),
 * read when the file is there: the checks see which addresses a statement
 * covers, and its absence */
static void
load_acl_lists(struct mg_model *m)
{
	const char *acl = mg_model_value(m, "acl_smtp_rcpt");
	const struct mg_param *c;
	struct mg_err err;
	struct stat st;
	char *path;
	size_t i;

	for (i = 0; acl != NULL && i < m->nrules; i++) {
		if (strcmp(m->rules[i].group, acl) != 0 ||
		    (c = mg_rule_cond(&m->rules[i], "recipients")) == NULL ||
		    (path = mg_exim_exists_list(c->value)) == NULL)
			continue;
		if (mg_model_file(m, path) == NULL && stat(path, &st) == 0 &&
		    mg_model_read_file(m, path, &err) < 0)
			mg_model_warn(m, err.msg);
		free(path);
	}
}

/* exec_input - run argv with input on its stdin (output up to 4 MiB):
 * what every exim -bh and exim -bs session shares */
static int
exec_input(const char *const *argv, const struct mg_str *input,
    int timeout_ms, struct mg_exec_res *res, struct mg_err *err)
{
	struct mg_exec_req req;

	memset(&req, 0, sizeof(req));
	req.argv = argv;
	req.input = input->data;
	req.input_len = input->len;
	req.timeout_ms = timeout_ms;
	req.out_max = 4 * 1024 * 1024;
	return (mg_exec(&req, res, err));
}

/* bh_exec - exim -C FILE [-oMs NAME] [-oMi IFACE] [-oMaa AUTH -oMai
 * LOGIN] -bh CLIENT fed input: the session Exim would have with that
 * client (its ACLs run; nothing is received or delivered) */
static int
bh_exec(const struct mg_target *t, const char *client, const char *name,
    const char *iface, const char *login, const struct mg_str *input,
    int timeout_ms, struct mg_exec_res *res, struct mg_err *err)
{
	const char *argv[16];
	size_t n = 0;

	if (t->config_file == NULL)
		return (mg_err_set(err, "no configuration file to simulate"));
	argv[n++] = t->bin;
	argv[n++] = "-C";
	argv[n++] = t->config_file;
	if (name != NULL) {
		argv[n++] = "-oMs";
		argv[n++] = name;
	}
	if (iface != NULL) {
		argv[n++] = "-oMi";
		argv[n++] = iface;
	}
	if (login != NULL) {
		/* exim(8): -oMaa names the authenticator ("authenticated =
		 * *" tests it), -oMai sets $authenticated_id, as a real AUTH
		 * would */
		argv[n++] = "-oMaa";
		argv[n++] = "mailguard";
		argv[n++] = "-oMai";
		argv[n++] = login;
	}
	argv[n++] = "-bh";
	argv[n++] = client;
	argv[n] = NULL;
	return (exec_input(argv, input, timeout_ms, res, err));
}

/* ehlo_offers - the EHLO reply of an exim -bh transcript (the 250 lines
 * after the 220 banner): AUTH mechanisms and STARTTLS into e; -1 when
 * EHLO was not answered 250 */
static int
ehlo_offers(const char *out, struct mg_ehlo *e)
{
	struct mg_str auth = MG_STR_INIT;
	const char *cur, *line;
	size_t len;
	int banner = 0, ok = -1;

	for (cur = out; mg_line_next(&cur, &line, &len);) {
		while (len > 0 && (line[len - 1] == '\r' ||
		    line[len - 1] == ' '))
			len--;
		if (len < 3 || line[0] < '2' || line[0] > '5' ||
		    (len > 3 && line[3] != ' ' && line[3] != '-'))
			continue;
		if (!banner) {
			/* the last line of the 220 greeting */
			banner = strncmp(line, "220", 3) == 0 &&
			    (len == 3 || line[3] == ' ');
			continue;
		}
		if (strncmp(line, "250", 3) != 0)
			break;
		ok = 0;
		if (len >= 9 && strncasecmp(line + 4, "AUTH ", 5) == 0)
			mg_str_append(&auth, line + 9, len - 9);
		else if (len == 12 && strncasecmp(line + 4, "STARTTLS", 8) == 0)
			e->starttls = 1;
		if (len == 3 || line[3] == ' ')
			break;
	}
	if (ok == 0) {
		free(e->auth);
		e->auth = mg_str_steal(&auth);
	}
	mg_str_free(&auth);
	return (ok);
}

/* port_number - a daemon_smtp_ports item: a number or one of the
 * service names Exim's own default uses; 0 if neither */
static unsigned
port_number(const char *item)
{
	static const struct {
		const char *name;
		unsigned port;
	} names[] = { { "smtp", 25 }, { "submission", 587 },
		{ "smtps", 465 }, { "submissions", 465 } };
	unsigned long v;
	struct mg_err err;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(item, names[i].name) == 0)
			return (names[i].port);
	if (mg_parse_ulong(item, 1, 65535, &v, &err) < 0)
		return (0);
	return ((unsigned)v);
}

/* port_listed - is the port in a port list (tls_on_connect_ports)? */
static int
port_listed(const char *list, unsigned port)
{
	struct mg_exim_list l;
	struct mg_str it = MG_STR_INIT;
	int found = 0;

	mg_exim_list_init(&l, list);
	while (!found && mg_exim_list_next(&l, &it))
		found = port_number(mg_str_cstr(&it)) == port;
	mg_str_free(&it);
	return (found);
}

/* merge_auth - add the mechanisms one port offers to the union */
static void
merge_auth(struct mg_ehlo *e, const char *mechs, unsigned port,
    int starttls)
{
	struct mg_str u = MG_STR_INIT, w = MG_STR_INIT;
	const char *p = mechs;
	size_t k;

	if (*mechs != '\0' && e->port == 0) {
		e->port = port;
		e->starttls = starttls;
	}
	mg_str_printf(&u, " %s ", e->auth != NULL ? e->auth : "");
	for (;;) {
		p += strspn(p, " ");
		if ((k = strcspn(p, " ")) == 0)
			break;
		mg_str_reset(&w);
		mg_str_printf(&w, " %.*s ", (int)k, p);
		if (strstr(mg_str_cstr(&u), mg_str_cstr(&w)) == NULL)
			mg_str_printf(&u, "%.*s ", (int)k, p);
		p += k;
	}
	free(e->auth);
	p = mg_str_cstr(&u) + strspn(mg_str_cstr(&u), " ");
	k = strlen(p);
	while (k > 0 && p[k - 1] == ' ')
		k--;
	e->auth = mg_xstrndup(p, k);
	mg_str_free(&u);
	mg_str_free(&w);
}

/*
 * ask_ehlo - what Exim offers a client on the Internet after EHLO before
 * STARTTLS, from its own answer (exim -bh): auth_advertise_hosts and
 * each authenticator's server_advertise_condition evaluated by Exim, in
 * whatever spelling they are written.  Asked on each port the daemon
 * listens on (daemon_smtp_ports, at most EHLO_PORTS) that does not start
 * with TLS (tls_on_connect_ports), with -oMi setting $received_port;
 * only when the configuration has server authenticators; a run that
 * times out ends the questions.  Not asked (ehlo.client stays NULL) when
 * Exim answers no EHLO with 250: the checks then read the conditions.
 */
#define EHLO_PORTS 4
static void
ask_ehlo(struct mg_target *t, struct mg_model *m)
{
	static const char client[] = "198.51.100.9";	/* TEST-NET-2 */
	const char *ports = mg_model_value(m, "daemon_smtp_ports");
	const char *tlsc = mg_model_value(m, "tls_on_connect_ports");
	struct mg_str in = MG_STR_INIT, it = MG_STR_INIT;
	struct mg_ehlo one;
	struct mg_exim_list l;
	struct mg_exec_res res;
	struct mg_err err;
	char iface[64];
	size_t i, k, asked = 0;
	unsigned port;

	for (i = 0; i < m->nrules; i++) {
		if (strcmp(m->rules[i].group, "authenticators") != 0)
			continue;
		for (k = 0; k < m->rules[i].nconds; k++)
			if (strncmp(m->rules[i].conds[k].name, "server_",
			    7) == 0)
				break;
		if (k < m->rules[i].nconds)
			break;
	}
	if (i == m->nrules)
		return;
	mg_str_puts(&in, "EHLO " MG_PROBE_HELO "\r\nQUIT\r\n");
	mg_exim_list_init(&l, ports != NULL && *ports != '\0' ? ports :
	    "smtp");
	while (asked < EHLO_PORTS && mg_exim_list_next(&l, &it)) {
		port = port_number(mg_str_cstr(&it));
		if (port == 0 || (tlsc != NULL && port_listed(tlsc, port)))
			continue;
		asked++;
		/* TEST-NET-1 as our own address: only the port matters */
		(void)snprintf(iface, sizeof(iface), "192.0.2.1.%u", port);
		if (bh_exec(t, client, NULL, iface, NULL, &in, 10000, &res,
		    &err) < 0)
			break;
		if (res.timed_out) {
			/* a stall (DNS?) would stall every port alike */
			mg_exec_res_free(&res);
			break;
		}
		memset(&one, 0, sizeof(one));
		if (ehlo_offers(mg_str_cstr(&res.out), &one) == 0) {
			if (m->ehlo.client == NULL)
				m->ehlo.client = mg_xstrdup(client);
			merge_auth(&m->ehlo, one.auth, port, one.starttls);
			if (port == 25 && m->ehlo.auth25 == NULL) {
				m->ehlo.auth25 = mg_xstrdup(one.auth != NULL ?
				    one.auth : "");
				m->ehlo.starttls25 = one.starttls;
			}
			if (m->ehlo.port == 0)
				m->ehlo.starttls = one.starttls;
		}
		free(one.auth);
		mg_exec_res_free(&res);
	}
	mg_str_free(&it);
	mg_str_free(&in);
}

/*
 * ask_routes - exim -bt over root@/postmaster@ the local domains and a
 * domain that is no one's, with the routing trace (-d-all+route) that
 * names each address's router.  One run, bounded to 10 s: a router that
 * asks DNS for the foreign domain must not stall the report; what the
 * run did not finish stays unknown, and a warning says so.
 */
static void
ask_routes(struct mg_target *t, struct mg_model *m)
{
	char **addrs = mg_exim_route_addrs(m);
	const char *argv[48];
	struct mg_exec_req req;
	struct mg_exec_res res;
	struct mg_err err;
	struct mg_str w = MG_STR_INIT;
	size_t n, i;

	n = exim_argv(t, argv);
	argv[n++] = "-d-all+route";
	argv[n++] = "-bt";
	for (i = 0; addrs[i] != NULL && n + 1 < sizeof(argv) /
	    sizeof(argv[0]); i++)
		argv[n++] = addrs[i];
	argv[n] = NULL;
	memset(&req, 0, sizeof(req));
	req.argv = argv;
	req.timeout_ms = 10000;
	req.out_max = 4u << 20;
	if (mg_exec(&req, &res, &err) < 0) {
		mg_str_printf(&w, "exim -bt (routing of root and postmaster) "
		    "not run: %s", err.msg);
		mg_model_warn(m, mg_str_cstr(&w));
	} else {
		if (res.timed_out || res.truncated)
			mg_model_warn(m, "exim -bt (routing of root and "
			    "postmaster) did not finish in 10 s: the routes "
			    "it did not print are unknown");
		mg_exim_route_parse(mg_model_map_add(m, MG_EXIM_ROUTES),
		    (const char *const *)addrs, mg_str_cstr(&res.err),
		    mg_str_cstr(&res.out));
	}
	mg_exec_res_free(&res);
	mg_str_free(&w);
	mg_exim_route_addrs_free(addrs);
}

/* load_rules - ACLs, drivers and named lists as Exim reads them, located
 * in the configuration file */
static int
load_rules(struct mg_target *t, struct mg_model *m, struct mg_err *err)
{
	static const char *const bp[] = { "-bP", "config", NULL };
	static const char *const bm[] = { "-bP", "macros", NULL };
	struct mg_exec_res res;
	char **macros, *confdir;

	if (exim_run(t, bp, &res, err) < 0)
		return (-1);
	mg_exim_conf_parse(m, mg_str_cstr(&res.out));
	mg_exec_res_free(&res);
	if (t->config_file == NULL)
		return (0);
	if (mg_model_read_file(m, t->config_file, err) < 0)
		return (-1);
	if (exim_run(t, bm, &res, err) < 0)
		return (-1);
	macros = mg_exim_macro_names(mg_str_cstr(&res.out));
	confdir = after(mg_str_cstr(&res.out), "CONFDIR=");
	mg_exec_res_free(&res);
	mg_exim_conf_locate(m, mg_model_file(m, t->config_file),
	    (const char *const *)macros);
	mg_exim_macro_names_free(macros);
	if (t->generated != NULL) {
		/* --exim DIR: DIR is the source, whatever CONFDIR says */
		free(confdir);
		confdir = mg_xstrdup(t->config_dir);
		m->config_generated = 1;
	}
	if (confdir != NULL && debian_generated(m, t->config_file))
		map_debian(m, t->config_file, confdir);
	free(confdir);
	load_auth_users(m);
	load_alias_files(m);
	load_acl_lists(m);
	ask_ehlo(t, m);
	ask_routes(t, m);
	return (0);
}

/* The Debian packages that may hold the exim binary when dpkg cannot
 * say (a tree unpacked elsewhere, as the lab's): their changelog lists
 * backported fixes. */
static const char *const exim_packages[] = { "exim4-daemon-heavy",
    "exim4-daemon-light", "exim4-base", NULL };

/* exim_load_config - every main option as "name = value" from -bP;
 * booleans print as "option" or "no_option" */
static int
exim_load_config(struct mg_target *t, struct mg_model *m, struct mg_err *err)
{
	static const char *const bp[] = { "-bP", NULL };
	struct mg_exec_res res;
	const char *cur, *line;
	struct mg_param *p;
	char *name, *value;
	size_t len;

	if (exim_run(t, bp, &res, err) < 0)
		return (-1);
	cur = mg_str_cstr(&res.out);
	while (mg_line_next(&cur, &line, &len)) {
		if (len == 0)
			continue;
		if (mg_line_assignment(line, len, &name, &value) < 0) {
			name = mg_xstrndup(line, len);
			value = mg_xstrdup(strncmp(name, "no_", 3) == 0 ?
			    "false" : "true");
		}
		p = mg_model_param_add(m, strncmp(name, "no_", 3) == 0 &&
		    strcmp(value, "false") == 0 ? name + 3 : name);
		free(p->value);
		p->value = value;
		free(name);
	}
	mg_exec_res_free(&res);
	mg_model_read_pkg(m, t->bin, exim_packages);
	return (load_rules(t, m, err));
}

/*
 * bh_replies - the final replies of an exim -bh transcript, in order,
 * into codes[] and texts (first lines); how many
 */
static size_t
bh_replies(const char *out, int *codes, char (*texts)[160], size_t max)
{
	const char *cur, *line;
	size_t len, n = 0;

	for (cur = out; n < max && mg_line_next(&cur, &line, &len);) {
		if (len < 3 || line[0] < '2' || line[0] > '5' ||
		    line[1] < '0' || line[1] > '9' || line[2] < '0' ||
		    line[2] > '9' || (len > 3 && line[3] != ' '))
			continue;
		while (len > 4 && (line[len - 1] == '\r' ||
		    line[len - 1] == ' '))
			len--;
		codes[n] = (int)strtol(line, NULL, 10);
		(void)snprintf(texts[n], sizeof(texts[n]), "%.*s",
		    (int)(len < 150 ? len : 150), line);
		n++;
	}
	return (n);
}

/* bs_exec - exim -C FILE -bs fed input: local SMTP, the session a
 * program on this host has (no client host: "hosts = :" matches); QUIT
 * comes before DATA, so nothing is received, but Exim logs a refusal in
 * its own log as it would for any local client */
static int
bs_exec(const struct mg_target *t, const struct mg_str *input,
    int timeout_ms, struct mg_exec_res *res, struct mg_err *err)
{
	const char *argv[] = { t->bin, "-C", t->config_file, "-bs", NULL };

	if (t->config_file == NULL)
		return (mg_err_set(err, "no configuration file to simulate"));
	return (exec_input(argv, input, timeout_ms, res, err));
}

/* exim_simulate - exim -bh CLIENT: Exim runs its ACLs for a made-up
 * SMTP session from that address and says what it would answer; nothing
 * is received or delivered.  The fourth final reply (banner, EHLO, MAIL,
 * RCPT) is the recipient's verdict.  A probe without a client ("") is
 * local SMTP: exim -bs, as a program on this host talks to Exim. */
static int
exim_simulate(struct mg_target *t, const struct mg_probe *p,
    struct mg_smtp_verdict *v, struct mg_err *err)
{
	struct mg_exec_res res;
	struct mg_str in = MG_STR_INIT;
	int codes[4], local = p->client[0] == '\0';
	char texts[4][160];
	size_t finals;

	mg_str_printf(&in, "EHLO " MG_PROBE_HELO "\r\n"
	    "MAIL FROM:<%s>\r\nRCPT TO:<%s>\r\nQUIT\r\n", p->sender,
	    p->rcpt);
	if ((local ? bs_exec(t, &in, 30000, &res, err) : bh_exec(t,
	    p->client, p->client_name, NULL, p->login, &in, 30000, &res,
	    err)) < 0) {
		mg_str_free(&in);
		return (-1);
	}
	mg_str_free(&in);
	finals = bh_replies(mg_str_cstr(&res.out), codes, texts, 4);
	if (finals > 0) {
		v->code = codes[finals - 1];
		(void)snprintf(v->text, sizeof(v->text), "%s",
		    strlen(texts[finals - 1]) > 4 ? texts[finals - 1] + 4 : "");
	}
	(void)snprintf(v->how, sizeof(v->how), "%s", local ? "exim -bs "
	    "(local SMTP)" : "exim -bh");
	mg_exec_res_free(&res);
	if (finals == 0)
		return (mg_err_set(err, "exim %s%s printed no SMTP reply",
		    local ? "-bs" : "-bh ", p->client));
	return (0);
}

/* exim_sim_open - asking conf (a staged -C file) instead of the
 * target's own configuration: a copy of the target naming it */
static int
exim_sim_open(struct mg_target *t, const char *conf, void **priv,
    struct mg_str *note, struct mg_err *err)
{
	struct mg_target *c;

	(void)note;
	(void)err;
	if (conf == NULL)
		return (0);
	c = mg_xcalloc(1, sizeof(*c));
	*c = *t;
	c->config_file = (char *)conf;
	*priv = c;
	return (0);
}

/* exim_sim_ask - one probe, exim -bh (or -bs) */
static int
exim_sim_ask(struct mg_target *t, void *priv, const struct mg_probe *p,
    struct mg_smtp_verdict *v, struct mg_err *err)
{
	return (exim_simulate(priv != NULL ? priv : t, p, v, err));
}

/* exim_sim_close - the copy of the target (its strings are not its own) */
static void
exim_sim_close(struct mg_target *t, void *priv)
{
	(void)t;
	free(priv);
}

/* helo_of - the name a test says EHLO with */
static const char *
helo_of(const struct mg_probe_test *t)
{
	return (t->helo[0] != '\0' ? t->helo : MG_PROBE_HELO);
}

/*
 * exim_sim_tests - exim -bh CLIENT fed EHLO and, per test, MAIL, RCPT
 * and RSET (after a new EHLO when the test names another HELO): its
 * replies come in that order (a refused MAIL still gets a 503 for the
 * RCPT).  Exim ends a session after three syntax errors, so the tests it
 * did not answer go to a new -bh run.
 */
static int
exim_sim_tests(struct mg_target *t, void *priv, const char *client,
    const struct mg_probe_test *tests, size_t n, struct mg_probe_answer *a,
    struct mg_str *log, struct mg_err *err)
{
	const char *argv[] = { t->bin, "-C", t->config_file, "-bh", client,
	    NULL };
	struct mg_exec_res res;
	struct mg_str in = MG_STR_INIT;
	int *codes;
	char (*texts)[160];
	const char *cur;
	size_t i = 0, k, got, max = 2 + 4 * n + 2, runs = 0, r;

	(void)priv;
	if (t->config_file == NULL)
		return (mg_err_set(err, "no configuration file to simulate"));
	for (k = 0; k < n; k++) {
		memset(&a[k], 0, sizeof(a[k]));
		a[k].mail = a[k].rcpt = -1;
	}
	codes = mg_xcalloc(max, sizeof(*codes));
	texts = mg_xcalloc(max, sizeof(*texts));
	while (i < n && runs++ < n + 1) {
		mg_str_reset(&in);
		mg_str_puts(&in, "EHLO " MG_PROBE_HELO "\r\n");
		cur = MG_PROBE_HELO;
		for (k = i; k < n; k++) {
			if (strcmp(cur, helo_of(&tests[k])) != 0) {
				cur = helo_of(&tests[k]);
				mg_str_printf(&in, "EHLO %s\r\n", cur);
			}
			mg_str_printf(&in, "MAIL FROM:<%s>\r\nRCPT TO:<%s>\r\n"
			    "RSET\r\n", tests[k].sender, tests[k].rcpt);
		}
		mg_str_puts(&in, "QUIT\r\n");
		if (exec_input(argv, &in, 60000, &res, err) < 0)
			break;
		if (log != NULL) {
			mg_str_printf(log, "-- exim -bh %s\n", client);
			mg_str_append(log, mg_str_cstr(&in), in.len);
			mg_str_append(log, mg_str_cstr(&res.out), res.out.len);
		}
		got = bh_replies(mg_str_cstr(&res.out), codes, texts, max);
		mg_exec_res_free(&res);
		if (got < 2 || codes[0] != 220 || codes[1] != 250) {
			(void)mg_err_set(err, "exim -bh %s: %s", client,
			    got > 0 ? texts[got > 1 && codes[0] == 220 ? 1 :
			    0] : "no SMTP reply");
			break;
		}
		cur = MG_PROBE_HELO;
		for (r = 2; i < n && r + 1 < got; i++, r += 3) {
			if (strcmp(cur, helo_of(&tests[i])) != 0) {
				/* the EHLO naming this test's HELO */
				cur = helo_of(&tests[i]);
				if (codes[r] != 250) {
					a[i].mail = codes[r];
					(void)snprintf(a[i].text,
					    sizeof(a[i].text), "%s", texts[r]);
					i++;
					break;
				}
				if (++r + 1 >= got)
					break;
			}
			a[i].mail = codes[r];
			a[i].rcpt = codes[r] < 400 ? codes[r + 1] : -1;
			(void)snprintf(a[i].text, sizeof(a[i].text), "%s",
			    texts[codes[r] < 400 ? r + 1 : r]);
			if (r + 2 >= got || codes[r + 2] != 250) {
				i++;	/* the session ended after it */
				break;
			}
		}
		if (r == 2 && i < n && got <= 3) {	/* no progress */
			(void)mg_err_set(err, "exim -bh %s ended before "
			    "answering \"MAIL FROM:<%s>\"", client,
			    tests[i].sender);
			break;
		}
	}
	mg_str_free(&in);
	free(codes);
	free(texts);
	for (k = i; k < n; k++)
		(void)snprintf(a[k].err, sizeof(a[k].err), "%.150s", err->msg);
	return (i < n ? -1 : 0);
}

/*
 * exim_load_log - --maillog FILE, else the main log log_file_path names
 * (its first file entry, %s as "main"; empty: spool_directory/log/%slog)
 */
static int
exim_load_log(struct mg_target *t, struct mg_model *m, struct mg_err *err)
{
	const struct mg_param *lp = mg_model_param(m, "log_file_path");
	const struct mg_param *sp = mg_model_param(m, "spool_directory");
	struct mg_str path = MG_STR_INIT;
	const char *v, *end, *pct;
	int rc;

	if (t->maillog != NULL)
		return (mg_model_read_log(m, mg_exim_log_line, NULL,
		    t->maillog, err));
	for (v = lp != NULL && lp->value != NULL ? lp->value : ""; *v != '\0';
	    v = *end != '\0' ? end + 1 : end) {
		end = v + strcspn(v, ":");
		if (*v == '/')
			break;
	}
	if (*v != '/') {
		if (lp != NULL && lp->value != NULL && *lp->value != '\0')
			return (mg_err_set(err, "log_file_path = %s: Exim logs "
			    "to syslog only (name the file with --maillog "
			    "FILE)", lp->value));
		if (sp == NULL || sp->value == NULL || *sp->value != '/')
			return (mg_err_set(err, "neither log_file_path nor "
			    "spool_directory names a directory"));
		mg_str_printf(&path, "%s/log/mainlog", sp->value);
	} else {
		end = v + strcspn(v, ":");
		pct = memmem(v, (size_t)(end - v), "%s", 2);
		if (pct == NULL)
			mg_str_append(&path, v, (size_t)(end - v));
		else {
			mg_str_append(&path, v, (size_t)(pct - v));
			mg_str_puts(&path, "main");
			mg_str_append(&path, pct + 2, (size_t)(end - pct - 2));
		}
	}
	rc = mg_model_read_log(m, mg_exim_log_line, NULL, mg_str_cstr(&path),
	    err);
	mg_str_free(&path);
	return (rc);
}

/* exim_show_message - exim [-C FILE] -Mvh ID: the spool header file */
static int
exim_show_message(struct mg_target *t, const char *id, struct mg_str *out,
    struct mg_err *err)
{
	const char *argv[8];
	size_t n;

	n = exim_argv(t, argv);
	argv[n++] = "-Mvh";
	argv[n++] = id;
	argv[n] = NULL;
	return (mg_exec_tool(argv, NULL, 0, 10000, out, err));
}

/*
 * exim_queue_stamp - the spool's input/ directories' stamp
 * (mg_queue_dirs_stamp): Exim replaces a -H file by rename (spool_write_header
 * writes hdr.PID first) and adds -J journals beside it, so a change of
 * a queued message shows in the directory's mtime
 */
static int
exim_queue_stamp(struct mg_target *t, unsigned long long *stamp,
    struct mg_err *err)
{
	static const char *const input[] = { "input", NULL };
	char *sdir = NULL;
	int rc;

	if (mg_exim_spool_directory(t, &sdir, err) < 0)
		return (-1);
	rc = mg_queue_dirs_stamp(sdir, input, stamp, err);
	free(sdir);
	return (rc);
}

const struct mg_backend mg_backend_exim = {
	.name = "exim",
	.mta = MG_MTA_EXIM,
	.detect = exim_detect,
	.load_config = exim_load_config,
	.load_queue = mg_exim_load_queue,
	.queue_stamp = exim_queue_stamp,
	.load_log = exim_load_log,
	.show_message = exim_show_message,
	/* Changing the configuration (the fix engine) */
	.validate = mg_exim_validate,
	.reload = mg_exim_reload,
	.reload_words = mg_exim_reload_words,
	.post_program = mg_exim_post_program,
	.post_rebuilds = mg_exim_post_rebuilds,
	.post_seen = mg_exim_post_seen,
	.trust_param = "+relay_from_hosts",
	.list_items = mg_exim_list_items,
	.list_head = "<;",
	.list_sep = " ; ",
	.sim_open = exim_sim_open,
	.sim_ask = exim_sim_ask,
	.sim_close = exim_sim_close,
	.sim_local = mg_exim_sim_local,
	.sim_tests = exim_sim_tests,
	.sim_how = "exim -bh",
	.listener = mg_exim_listener,
	.listen_param = "local_interfaces",
	.queue_act = mg_exim_queue_act,
	.purge = mg_exim_purge,
	.purge_finish = mg_exim_purge_finish,
	.restore = mg_exim_restore,
	.quarantine_msg = mg_exim_quarantine_msg,
	.quarantine_how =
	    "Exim spool files (ID-H envelope and headers, ID-D body).\n"
	    "Put them back: mailguard-tui rollback ENTRY (all of them), or\n"
	    "mailguard-tui restore ENTRY --sasl USER ... (a selection).\n"
	    "By hand: copy ID-D, then ID-H, into the spool's input/ (input/X/\n"
	    "with split_spool_directory, X the 6th character of ID) as the\n"
	    "Exim user, mode 0640, then exim -Mt ID (thaw).\n",
	.show_how = "exim -Mvh",
};
