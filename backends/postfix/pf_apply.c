/*
 * pf_apply.c - what the fix engine asks of Postfix to change its
 * configuration: validation on a stage (postconf -c STAGE -n, postfix -c
 * STAGE check, postmap on each staged table), what its post-commands
 * write and rebuild, its lists, and where it listens.
 */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/mg_lines.h"
#include "../change.h"
#include "pf_apply.h"
#include "pf_list.h"

/*
 * mg_pf_new_warnings - lines of b (postconf on the stage) that a (on the
 * live configuration) does not have: warnings the edit introduced,
 * appended to out; their count.  A line naming the stage's directory is
 * read as naming the live one: "main.cf: unused parameter: x" that the
 * live configuration already draws is not new because the stage's
 * main.cf has another path.
 */
size_t
mg_pf_new_warnings(const char *a, const char *b, const char *stage,
    const char *live, struct mg_str *out)
{
	struct mg_str norm = MG_STR_INIT;
	const char *cur = b, *line, *p, *q;
	size_t len, n = 0, slen = strlen(stage);
	char *l;

	while (mg_line_next(&cur, &line, &len)) {
		l = mg_xstrndup(line, len);
		mg_str_reset(&norm);
		for (p = l; slen > 0 && (q = strstr(p, stage)) != NULL;
		    p = q + slen) {
			mg_str_append(&norm, p, (size_t)(q - p));
			mg_str_puts(&norm, live);
		}
		mg_str_puts(&norm, p);
		if (strstr(a, mg_str_cstr(&norm)) == NULL) {
			mg_str_printf(out, "%s\n", l);
			n++;
		}
		free(l);
	}
	mg_str_free(&norm);
	return (n);
}

/* validate_tables - each staged table compiles: the fix's own
 * postmap/postalias, on the staged source */
static int
validate_tables(struct mg_target *t, struct mg_change *c, const char *conf,
    struct mg_err *err)
{
	char src[2 * PATH_MAX + 128], dst[PATH_MAX + 64];
	const char *pm[6];
	struct mg_str out = MG_STR_INIT;
	const struct mg_fix *x;
	const struct mg_cmd *cmd;
	const char *colon;
	size_t i, k, f;
	int rc = -1;

	for (k = 0; k < c->nfixes; k++) {
		x = c->fixes[k];
		for (i = 0; i < x->npost; i++) {
			cmd = &x->post[i];
			if (cmd->argc != 4 || (strcmp(cmd->argv[0],
			    "postmap") != 0 && strcmp(cmd->argv[0],
			    "postalias") != 0) || (colon =
			    strchr(cmd->argv[3], ':')) == NULL)
				continue;
			for (f = 0; f < c->nfiles; f++)
				if (strcmp(c->paths[f], colon + 1) == 0)
					break;
			if (f == c->nfiles)
				continue;
			mg_change_path(t, c, colon + 1, f, dst, sizeof(dst));
			(void)snprintf(src, sizeof(src), "%.*s:%s",
			    (int)(colon - cmd->argv[3]), cmd->argv[3], dst);
			pm[0] = cmd->argv[0];
			pm[1] = "-c";
			pm[2] = conf;
			pm[3] = src;
			pm[4] = NULL;
			mg_str_reset(&out);
			if (mg_change_tool(pm, &out, err) < 0)
				goto out;
			if (strstr(mg_str_cstr(&out), "warning:") != NULL) {
				(void)mg_err_set(err, "%s %s warns: %s",
				    pm[0], src, mg_str_cstr(&out));
				goto out;
			}
			mg_str_printf(&c->validation, "%s %s: ok\n", pm[0],
			    src);
		}
	}
	rc = 0;
out:
	mg_str_free(&out);
	return (rc);
}

/* mg_pf_validate - postconf and postfix check on the stage, postmap on
 * each staged table */
int
mg_pf_validate(struct mg_target *t, struct mg_change *c, struct mg_err *err)
{
	const char *dir = t->config_dir;
	char conf[PATH_MAX + 16], src[2 * PATH_MAX + 128], dst[PATH_MAX + 64];
	const char *pc_live[] = { "postconf", "-c", dir, "-n", NULL };
	const char *pc_stage[] = { "postconf", "-c", conf, "-n", NULL };
	const char *check[] = { "postfix", "-c", conf, "check", NULL };
	struct mg_str live = MG_STR_INIT, staged = MG_STR_INIT, bad =
	    MG_STR_INIT;
	size_t i;
	int rc = -1;

	(void)snprintf(conf, sizeof(conf), "%s/conf", c->stage);
	(void)snprintf(c->conf, sizeof(c->conf), "%s", conf);
	(void)snprintf(c->dir, sizeof(c->dir), "%s", conf);
	(void)snprintf(c->file, sizeof(c->file), "%s/main.cf", conf);
	for (i = 0; i < 2; i++) {
		(void)snprintf(src, sizeof(src), "%s/%s", dir, i == 0 ?
		    "main.cf" : "master.cf");
		(void)snprintf(dst, sizeof(dst), "%s/%s", conf, i == 0 ?
		    "main.cf" : "master.cf");
		if (mg_change_copy_file(src, dst, err) < 0)
			return (-1);
	}
	if (mg_change_write(t, c, err) < 0)
		return (-1);
	if (mg_change_tool(pc_live, &live, err) < 0 ||
	    mg_change_tool(pc_stage, &staged, err) < 0)
		goto out;
	if (mg_pf_new_warnings(mg_str_cstr(&live), mg_str_cstr(&staged),
	    conf, dir, &bad) > 0 &&
	    strstr(mg_str_cstr(&bad), "warning:") != NULL) {
		(void)mg_err_set(err, "postconf -c STAGE -n warns about the "
		    "new configuration: %s", mg_str_cstr(&bad));
		goto out;
	}
	mg_str_printf(&c->validation, "postconf -c %s -n: no new "
	    "warnings\n", conf);
	mg_str_reset(&staged);
	if (mg_change_tool(check, &staged, err) < 0)
		goto out;
	mg_str_printf(&c->validation, "postfix -c %s check: ok%s%s\n", conf,
	    staged.len > 0 ? ": " : "", mg_str_cstr(&staged));
	rc = validate_tables(t, c, conf, err);
out:
	mg_str_free(&live);
	mg_str_free(&staged);
	mg_str_free(&bad);
	return (rc);
}

/* base - a command's program name without its directory */
static const char *
base(const struct mg_cmd *c)
{
	const char *b = strrchr(c->argv[0], '/');

	return (b != NULL ? b + 1 : c->argv[0]);
}

/* is_reload - postfix [-c DIR] reload */
static int
is_reload(const struct mg_cmd *c)
{
	return (strcmp(base(c), "postfix") == 0 && c->argc > 0 &&
	    strcmp(c->argv[c->argc - 1], "reload") == 0);
}

/* is_map_builder - postmap or postalias: their outputs are backed up
 * with the sources, so a restore puts the exact bytes back */
static int
is_map_builder(const struct mg_cmd *c)
{
	return (strcmp(base(c), "postmap") == 0 ||
	    strcmp(base(c), "postalias") == 0);
}

/* add_extra - one more file to back up (copied) */
static void
add_extra(char **v, size_t *n, size_t max, const char *path,
    const char *suffix)
{
	struct mg_str s = MG_STR_INIT;

	if (*n >= max)
		return;
	mg_str_printf(&s, "%s%s", path, suffix);
	v[(*n)++] = mg_str_steal(&s);
}

/* map_outputs - the files postmap/postalias write for a map argument
 * ("type:path", or a path of default_database_type, hash on Debian) */
static void
map_outputs(const char *arg, char **v, size_t *n, size_t max)
{
	const char *colon = strchr(arg, ':'), *path = arg;
	char type[16] = "hash";

	if (colon != NULL && colon - arg < (ptrdiff_t)sizeof(type) &&
	    colon[1] == '/') {
		(void)snprintf(type, sizeof(type), "%.*s", (int)(colon - arg),
		    arg);
		path = colon + 1;
	}
	if (path[0] != '/')
		return;
	if (strcmp(type, "hash") == 0 || strcmp(type, "btree") == 0)
		add_extra(v, n, max, path, ".db");
	else if (strcmp(type, "lmdb") == 0)
		add_extra(v, n, max, path, ".lmdb");
	else if (strcmp(type, "cdb") == 0)
		add_extra(v, n, max, path, ".cdb");
	else if (strcmp(type, "dbm") == 0 || strcmp(type, "sdbm") == 0) {
		add_extra(v, n, max, path, ".dir");
		add_extra(v, n, max, path, ".pag");
	}
}

/* mg_pf_post_outputs - files a post-command changes: the sasldb
 * saslpasswd2 -f edits, the compiled tables postmap/postalias write */
void
mg_pf_post_outputs(const struct mg_cmd *c, char **v, size_t *n, size_t max)
{
	size_t k;

	for (k = 1; k < c->argc; k++) {
		if (strcmp(c->argv[0], "saslpasswd2") == 0 &&
		    strcmp(c->argv[k - 1], "-f") == 0)
			add_extra(v, n, max, c->argv[k], "");
		if (!is_map_builder(c))
			continue;
		if (strcmp(c->argv[k], "-c") == 0) {
			k++;	/* the config directory */
			continue;
		}
		if (c->argv[k][0] != '-')
			map_outputs(c->argv[k], v, n, max);
	}
}

/* mg_pf_post_rebuilds - a post-command that only derives files from others
 * (safe to run again after a restore) and whose outputs are not backed
 * up, in the one shape the fixes write it: "newaliases", "postfix -c DIR
 * reload".  A rollback replays only these from a journal row. */
int
mg_pf_post_rebuilds(const struct mg_cmd *c)
{
	if (c->argc == 1 && strcmp(base(c), "newaliases") == 0)
		return (1);
	return (c->argc == 4 && is_reload(c) &&
	    strcmp(c->argv[1], "-c") == 0);
}

/* mg_pf_post_not_running - "postfix reload" failed because the instance is
 * stopped (postfix-script says so only in the mail log; "postfix status"
 * tells by its exit code) */
const char *
mg_pf_post_not_running(const struct mg_cmd *c)
{
	const char *argv[8];
	struct mg_err err;
	size_t i;

	if (!is_reload(c) || c->argc < 2 || c->argc > 7)
		return (NULL);
	for (i = 0; i + 1 < c->argc; i++)
		argv[i] = c->argv[i];
	argv[i++] = "status";
	argv[i] = NULL;
	if (mg_change_tool(argv, NULL, &err) == 0)
		return (NULL);
	return ("Postfix is not running; nothing to reload");
}

/* mg_pf_stage_holds - is path the live main.cf or master.cf (the files the
 * stage has), so the staged model sees its edit? */
int
mg_pf_stage_holds(const struct mg_target *t, const char *path)
{
	size_t n = strlen(t->config_dir);

	return (strncmp(path, t->config_dir, n) == 0 && (strcmp(path + n,
	    "/main.cf") == 0 || strcmp(path + n, "/master.cf") == 0));
}

/* mg_pf_list_items - a Postfix list's elements (commas and whitespace) */
char **
mg_pf_list_items(const char *value)
{
	char **v = NULL;
	const char *cur, *elem;
	size_t len, n = 0, cap = 0;

	for (cur = value; mg_pf_list_next(&cur, &elem, &len);)
		if (len > 0)
			*MG_ARRAY_PUSH(v, n, cap) = mg_xstrndup(elem, len);
	*MG_ARRAY_PUSH(v, n, cap) = NULL;
	return (v);
}

/* mg_pf_sim_local - mail submitted on the host with sendmail(1) */
void
mg_pf_sim_local(const char *where, int clientless, struct mg_str *out)
{
	(void)clientless;
	mg_str_printf(out, "%s: mail this host submits with sendmail(1) "
	    "enters through pickup(8), to which mynetworks and the smtpd "
	    "restrictions do not apply: the change does not touch that path "
	    "(not asked)\n", where);
}

/*
 * pf_listener - the first public smtpd (or postscreen) service of
 * master.cf, on its address or inet_interfaces' first
 */
void
mg_pf_listener(const struct mg_model *m, char *host, size_t size, int *port)
{
	const struct mg_param *p;
	const struct mg_service *s;
	const char *name, *colon, *v;
	size_t i, n;
	int pt;

	for (i = 0; i < m->nservices; i++) {
		s = &m->services[i];
		if (s->type == NULL || strcmp(s->type, "inet") != 0 ||
		    s->command == NULL || (strcmp(s->command, "smtpd") != 0 &&
		    strcmp(s->command, "postscreen") != 0))
			continue;
		name = s->name;
		colon = strrchr(name, ':');
		v = colon != NULL ? colon + 1 : name;
		pt = mg_backend_port_of(v, strlen(v));
		if (pt == 0 || pt == 587 || pt == 465)
			continue;
		*port = pt;
		if (colon != NULL && colon > name) {
			(void)snprintf(host, size, "%.*s", (int)(colon - name),
			    name);
			return;
		}
		break;
	}
	p = mg_model_param(m, "inet_interfaces");
	if (p != NULL && p->value != NULL && strcmp(p->value, "all") != 0 &&
	    strcmp(p->value, "loopback-only") != 0) {
		n = strcspn(p->value, " ,");
		if (n > 0 && n < 60)
			(void)snprintf(host, size, "%.*s", (int)n, p->value);
	}
}

/* mg_pf_post_seen - a post-command whose effect the staged model sees:
 * the reload */
int
mg_pf_post_seen(const struct mg_cmd *c)
{
	return (is_reload(c));
}
