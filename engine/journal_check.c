/*
 * journal_check.c - a journal row is judged before anything acts on it:
 * run as root, the tool restores the files and runs the commands a row
 * names, so a row is obeyed only if it names the server's own
 * configuration and tools (the state directory itself: mg_secure_dir).
 */
#include <sys/stat.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../backends/backend.h"
#include "../core/mg_report.h"
#include "../core/mg_str.h"
#include "journal_check.h"

/* The system's own program directories; a rebuild command's program
 * may also live where the target's tools were found. */
static const char *const sysdirs[] = { "/usr/sbin", "/usr/bin", "/sbin",
	"/bin", NULL };

/* trusted_owner - root, or the user running us */
static int
trusted_owner(uid_t uid)
{
	return (uid == 0 || uid == geteuid());
}

/* inside - is real (resolved) root itself or below it? */
static int
inside(const char *real, const char *root)
{
	size_t n = strlen(root);

	if (strcmp(root, "/") == 0)
		return (1);
	return (strncmp(real, root, n) == 0 && (real[n] == '\0' ||
	    real[n] == '/'));
}

/* in_any - is the resolved path below one of roots (each resolved)? */
static int
in_any(const char *real, const char *const *roots)
{
	char r[PATH_MAX];
	size_t i;

	for (i = 0; roots != NULL && roots[i] != NULL; i++)
		if (realpath(roots[i], r) != NULL && inside(real, r))
			return (1);
	return (0);
}

/* roots_text - the roots for a message */
static void
roots_text(const char *const *roots, struct mg_str *out)
{
	size_t i;

	for (i = 0; roots != NULL && roots[i] != NULL; i++)
		mg_str_printf(out, "%s%s", i > 0 ? ", " : "", roots[i]);
	if (out->len == 0)
		mg_str_puts(out, "(none known)");
}

/* one_of - the file name in resolved directory real is one of files
 * (each compared by its resolved directory and its name) */
static int
one_of(const char *real, const char *name, const char *const *files)
{
	char dir[PATH_MAX], r[PATH_MAX];
	const char *slash;
	size_t i;

	for (i = 0; files != NULL && files[i] != NULL; i++) {
		if (files[i][0] != '/' ||
		    (slash = strrchr(files[i], '/')) == NULL ||
		    strcmp(slash + 1, name) != 0 ||
		    (size_t)(slash - files[i]) >= sizeof(dir))
			continue;
		(void)snprintf(dir, sizeof(dir), "%.*s",
		    (int)(slash - files[i]), files[i]);
		if (realpath(dir[0] != '\0' ? dir : "/", r) != NULL &&
		    strcmp(r, real) == 0)
			return (1);
	}
	return (0);
}

/* path_in_config - path names a file directly in a directory of the
 * configuration tree (resolved), or is one of the exact files the
 * configuration names; the file itself need not exist */
static int
path_in_config(const char *path, const struct mg_jtrust *tr,
    struct mg_err *err)
{
	struct mg_str where = MG_STR_INIT;
	char dir[PATH_MAX], real[PATH_MAX];
	const char *name = strrchr(path, '/');
	int ok;

	if (path[0] != '/' || name == NULL || name[1] == '\0' ||
	    strcmp(name + 1, ".") == 0 || strcmp(name + 1, "..") == 0 ||
	    (size_t)(name - path) >= sizeof(dir))
		return (mg_err_set(err, "names %s, not a file by its full "
		    "path", path));
	(void)snprintf(dir, sizeof(dir), "%.*s", (int)(name - path), path);
	ok = realpath(dir[0] != '\0' ? dir : "/", real) != NULL &&
	    (in_any(real, tr->config) || one_of(real, name + 1, tr->files));
	if (ok)
		return (0);
	roots_text(tr->config, &where);
	(void)mg_err_set(err, "names %s, outside the configuration (%s)",
	    path, mg_str_cstr(&where));
	mg_str_free(&where);
	return (-1);
}

/* backup_ok - the backup is the file mg_journal_backup wrote for this
 * entry: STATE/backups/ID/SEQ, a regular file of ours, one link */
static int
backup_ok(const char *state, long id, const char *backup,
    struct mg_err *err)
{
	char want[PATH_MAX];
	struct stat st;
	size_t n;
	const char *p;

	n = (size_t)snprintf(want, sizeof(want), "%s/backups/%ld/", state,
	    id);
	if (n >= sizeof(want) || strncmp(backup, want, n) != 0 ||
	    backup[n] == '\0')
		return (mg_err_set(err, "its backup %s is not in %s",
		    backup, want));
	for (p = backup + n; *p != '\0'; p++)
		if (*p < '0' || *p > '9')
			return (mg_err_set(err, "its backup %s is not one "
			    "this tool wrote", backup));
	if (lstat(backup, &st) < 0)
		return (mg_err_errno(err, "its backup %s", backup));
	if (!S_ISREG(st.st_mode) || st.st_nlink != 1 ||
	    !trusted_owner(st.st_uid) || (st.st_mode & (S_IWGRP | S_IWOTH)))
		return (mg_err_set(err, "its backup %s is not a private "
		    "regular file of root's (a link, or writable or owned "
		    "by someone else)", backup));
	return (0);
}

/*
 * mg_journal_check_entry - 0 if every file of entry e may be restored
 * as the row says: inside the configuration tree, a backup this tool
 * wrote in state, a mode with no setuid, setgid, sticky or world-write
 * bit; and its rebuild commands pass mg_journal_check_rebuild.  -1 with
 * the first thing wrong.
 */
int
mg_journal_check_entry(const struct mg_target *t, const char *state,
    const struct mg_jtrust *tr, const struct mg_jentry *e,
    struct mg_err *err)
{
	const struct mg_jfile *f;
	struct mg_err why;
	size_t i;

	for (i = 0; i < e->nfiles; i++) {
		f = &e->files[i];
		mg_err_clear(&why);
		if (f->path == NULL)
			(void)mg_err_set(&why, "names no file");
		else if (path_in_config(f->path, tr, &why) < 0)
			;
		else if (f->backup != NULL && (f->mode & ~0777U) != 0)
			(void)mg_err_set(&why, "would install %s with mode "
			    "%04o (setuid, setgid or sticky)", f->path,
			    f->mode);
		else if (f->backup != NULL && (f->mode & 0002) != 0)
			(void)mg_err_set(&why, "would install %s writable by "
			    "everyone (mode %04o)", f->path, f->mode);
		else if (f->backup != NULL && (f->uid < 0 || f->gid < 0 ||
		    f->uid > 0x7fffffffL || f->gid > 0x7fffffffL))
			(void)mg_err_set(&why, "would install %s with owner "
			    "%ld:%ld", f->path, f->uid, f->gid);
		else if (f->backup != NULL && backup_ok(state, e->id,
		    f->backup, &why) < 0)
			;
		else
			continue;
		return (mg_err_set(err, "journal entry %ld is not "
		    "trustworthy: it %s; nothing restored, nothing run",
		    e->id, why.msg));
	}
	if (mg_journal_check_rebuild(t, tr, e->rebuild, &why) < 0)
		return (mg_err_set(err, "journal entry %ld is not "
		    "trustworthy: %s; nothing restored, nothing run", e->id,
		    why.msg));
	return (0);
}

/* program_ok - argv0 is the MTA's own tool: a bare name (found in the
 * system's PATH), or a root-owned file in a system or a target's
 * directory that only root can change */
static int
program_ok(const struct mg_jtrust *tr, const char *argv0,
    struct mg_err *err)
{
	char real[PATH_MAX], *slash;
	struct stat st;
	size_t i;

	if (strchr(argv0, '/') == NULL)
		return (0);
	if (argv0[0] != '/' || realpath(argv0, real) == NULL ||
	    stat(real, &st) < 0 || !S_ISREG(st.st_mode) ||
	    !trusted_owner(st.st_uid) || (st.st_mode & (S_IWGRP | S_IWOTH)))
		return (mg_err_set(err, "rebuild program %s is not a file "
		    "only root can change", argv0));
	if ((slash = strrchr(real, '/')) != NULL)
		*slash = '\0';
	for (i = 0; sysdirs[i] != NULL; i++)
		if (strcmp(real, sysdirs[i]) == 0)
			return (0);
	if (in_any(real, tr->tooldirs)) {
		char r[PATH_MAX];

		for (i = 0; tr->tooldirs[i] != NULL; i++)
			if (realpath(tr->tooldirs[i], r) != NULL &&
			    strcmp(r, real) == 0)
				return (0);
	}
	return (mg_err_set(err, "rebuild program %s is not in a system "
	    "directory nor where the server's tools are", argv0));
}

/* arg_in_config - an argument that names a path names the configuration:
 * a directory of it, or a file in one */
static int
arg_in_config(const struct mg_jtrust *tr, const char *arg)
{
	char real[PATH_MAX];
	struct mg_err e;

	if (strchr(arg, '/') == NULL)
		return (1);
	if (arg[0] != '/')
		return (0);
	if (realpath(arg, real) != NULL && in_any(real, tr->config))
		return (1);
	return (path_in_config(arg, tr, &e) == 0);
}

/*
 * shape_ok - argv is one of the backend's own rebuild or reload commands
 * in the shape its fixes journal (mg_backend_post_rebuilds: "postfix -c
 * DIR reload", "newaliases", "update-exim4.conf --confdir DIR [--output
 * FILE]"), every path in it inside the configuration
 */
static int
shape_ok(const struct mg_target *t, const struct mg_jtrust *tr,
    char **argv, size_t argc)
{
	struct mg_cmd c;
	size_t i;

	c.argv = argv;
	c.argc = argc;
	if (!mg_backend_post_rebuilds(t, &c))
		return (0);
	for (i = 1; i < argc; i++)
		if (!arg_in_config(tr, argv[i]))
			return (0);
	return (1);
}

/*
 * mg_journal_check_rebuild - 0 if every rebuild command (argv words split
 * by \x1f, commands by \n) is one of the MTA's own rebuild or reload
 * commands, in its fixed shape, from a trusted directory; -1 naming the
 * first that is not (nothing is run).
 */
int
mg_journal_check_rebuild(const struct mg_target *t,
    const struct mg_jtrust *tr, const char *rebuild, struct mg_err *err)
{
	const char *cur = rebuild != NULL ? rebuild : "", *nl;
	char *copy, *p, *argv[8];
	size_t len, n;
	int rc = 0;

	while (rc == 0 && *cur != '\0') {
		nl = strchr(cur, '\n');
		len = nl != NULL ? (size_t)(nl - cur) : strlen(cur);
		copy = mg_xstrndup(cur, len);
		cur += len + (nl != NULL);
		if (copy[0] == '\0') {
			free(copy);
			continue;
		}
		for (n = 0, p = copy; p != NULL; n++) {
			if (n == sizeof(argv) / sizeof(argv[0])) {
				n = 0;
				break;
			}
			argv[n] = p;
			if ((p = strchr(p, '\x1f')) != NULL)
				*p++ = '\0';
		}
		if (n == 0 || !shape_ok(t, tr, argv, n)) {
			for (p = copy; *p != '\0'; p++)
				if (*p == '\x1f')
					*p = ' ';
			rc = mg_err_set(err, "its rebuild command \"%s\" is "
			    "not one of the server's own rebuild or reload "
			    "commands", copy);
		} else
			rc = program_ok(tr, argv[0], err);
		free(copy);
	}
	return (rc);
}

/*
 * mg_journal_check_qid - a queue ID a purge or hold row names is one:
 * letters, digits and '-' (Postfix's hex and long IDs, Exim's
 * 1abcDE-000123-AB), at most 64; it becomes a file name in the
 * quarantine and the spool, so nothing else (no '/', no "..") passes
 */
int
mg_journal_check_qid(long entry, const char *id, struct mg_err *err)
{
	size_t n = id != NULL ? strlen(id) : 0;
	size_t ok = id != NULL ? strspn(id, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") : 0;

	if (n > 0 && n <= 64 && ok == n && id[0] != '-')
		return (0);
	return (mg_err_set(err, "journal entry %ld is not trustworthy: it "
	    "names \"%s\" as a queue ID; no mail put back", entry,
	    id != NULL ? id : "(none)"));
}
