/*
 * change.c - the stage a backend validates a change on: the live
 * configuration directory's files go to STAGE/conf/REL, a file elsewhere
 * to STAGE/ext/N-NAME; written as root, mode 0600 (they may hold
 * secrets).
 */
#include <sys/stat.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../core/mg_exec.h"
#include "../core/mg_file.h"
#include "../core/mg_install.h"
#include "change.h"

#define TOOL_MS 120000

/* mg_change_tool - argv, output merged; 0 if it exited 0 (out holds what
 * it said), -1 otherwise (err says why) */
int
mg_change_tool(const char *const *argv, struct mg_str *out,
    struct mg_err *err)
{
	return (mg_exec_tool(argv, NULL, 0, TOOL_MS, out, err));
}

/* mg_change_write_file - a stage file (mode 0600: it may hold secrets),
 * its directory made if missing */
int
mg_change_write_file(const char *path, const struct mg_str *text,
    struct mg_err *err)
{
	char dir[PATH_MAX], *slash;

	(void)snprintf(dir, sizeof(dir), "%s", path);
	if ((slash = strrchr(dir, '/')) != NULL && slash != dir) {
		*slash = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return (mg_err_errno(err, "cannot create %s", dir));
	}
	return (mg_install_file(path, text->data != NULL ? text->data : "",
	    text->len, 0600, geteuid(), getegid(), err));
}

/* mg_change_copy_file - one live file into the stage, if it exists */
int
mg_change_copy_file(const char *src, const char *dst, struct mg_err *err)
{
	struct mg_str text = MG_STR_INIT;
	int rc;

	if (access(src, F_OK) < 0)
		return (0);
	if (mg_file_read(src, MG_FILE_MAX, &text, NULL, err) < 0)
		return (-1);
	rc = mg_change_write_file(dst, &text, err);
	mg_str_free(&text);
	return (rc);
}

/* mg_change_under - is path inside dir?  Then *rel is the rest (no
 * leading /) */
int
mg_change_under(const char *path, const char *dir, const char **rel)
{
	size_t n;

	if (dir == NULL)
		return (0);
	n = strlen(dir);
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (strncmp(path, dir, n) != 0 || path[n] != '/')
		return (0);
	*rel = path + n + 1;
	return (1);
}

/*
 * mg_change_source_dir - the configuration directory the change edits:
 * the target's (postconf -c DIR, --exim DIR), else for --exim naming
 * Debian's generated file the directory its lines were mapped back to
 * (the model's CONFDIR), whose sources the generator makes it from
 */
const char *
mg_change_source_dir(const struct mg_target *t, const struct mg_change *c)
{
	return (t->config_dir != NULL ? t->config_dir : c->model_dir);
}

/* mg_change_path - where the new version of live file i goes in the
 * stage */
void
mg_change_path(const struct mg_target *t, const struct mg_change *c,
    const char *live, size_t i, char *buf, size_t size)
{
	const char *rel, *base = strrchr(live, '/');

	if (mg_change_under(live, mg_change_source_dir(t, c), &rel))
		(void)snprintf(buf, size, "%s/conf/%s", c->stage, rel);
	else
		(void)snprintf(buf, size, "%s/ext/%zu-%s", c->stage, i,
		    base != NULL ? base + 1 : live);
}

/* mg_change_write - every new text of the change into the stage */
int
mg_change_write(const struct mg_target *t, const struct mg_change *c,
    struct mg_err *err)
{
	char dst[PATH_MAX + 64];
	size_t i;

	for (i = 0; i < c->nfiles; i++) {
		mg_change_path(t, c, c->paths[i], i, dst, sizeof(dst));
		if (mg_change_write_file(dst, &c->texts[i], err) < 0)
			return (-1);
	}
	return (0);
}
