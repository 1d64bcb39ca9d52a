/*
 * exim_debian.c - Debian's generated Exim configuration mapped back to the
 * files it is made from.  update-exim4.conf writes no "# line" markers: it
 * writes its warning header ("#########" ... "#########"), then the
 * concatenation of exim4.conf.localmacros and exim4.conf.template
 * (non-split) or, for each of main acl router transport retry rewrite
 * auth, every conf.d/SECTION file in C-locale order (FILE.rul instead of
 * FILE when present) between "### FILE" comment blocks, with an empty
 * line after each file; comments are then removed and runs of empty lines
 * squeezed (unless ue4c_keepcomments), and the debconf macro block
 * (".ifndef MAIN_LOCAL_DOMAINS"... between two "#####" lines and an empty
 * line) is inserted after the "UPEX4CmacrosUPEX4C = 1" line.  Replaying
 * that, while carrying each line's origin, reproduces the file line for
 * line; the replay is checked against the real file, so a hand-edited
 * file is noticed rather than mapped wrongly.
 */
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../core/mg_err.h"
#include "../../core/mg_lines.h"
#include "../../core/mg_secure_dir.h"
#include "../../core/mg_str.h"
#include "exim_debian.h"

#define HASHES "#####################################################"

/* One line of the replay: its text and where it came from. */
struct rline {
	const char *text;
	const char *path;	/* NULL: written by update-exim4.conf */
	unsigned no;
};

struct replay {
	struct rline *v;
	size_t n, cap;
	int keep;		/* comments kept (ue4c_keepcomments) */
	int prev_empty;
	size_t macro_after;	/* index + 1 of the UPEX4C line; 0 none */
	char **marks;		/* texts of the marker lines, owned */
	size_t nmarks, marks_cap;
};

/* emit - one line of the replay, unless removecomments drops it */
static void
emit(struct replay *rp, const char *text, const char *path, unsigned no)
{
	struct rline *l;
	const char *p = text + strspn(text, " \t");

	if (!rp->keep) {
		if (*p == '#')
			return;
		if (*text == '\0' && rp->prev_empty)
			return;
		rp->prev_empty = *text == '\0';
	}
	l = MG_ARRAY_PUSH(rp->v, rp->n, rp->cap);
	l->text = text;
	l->path = path;
	l->no = no;
	if (strncmp(text, "UPEX4CmacrosUPEX4C", 18) == 0)
		rp->macro_after = rp->n;
}

/* mark - a line update-exim4.conf writes itself; the replay owns it */
static const char *
mark(struct replay *rp, const char *pre, const char *arg, const char *post)
{
	struct mg_str s = MG_STR_INIT;

	mg_str_printf(&s, "%s%s%s", pre, arg, post);
	*MG_ARRAY_PUSH(rp->marks, rp->nmarks, rp->marks_cap) =
	    mg_str_steal(&s);
	return (rp->marks[rp->nmarks - 1]);
}

/* emit_file - a source file's lines, each with its origin */
static int
emit_file(struct mg_model *m, struct replay *rp, const char *path)
{
	const struct mg_srcfile *f;
	struct mg_err err;
	size_t i;

	if (mg_model_read_file(m, path, &err) < 0 ||
	    (f = mg_model_file(m, path)) == NULL)
		return (-1);
	for (i = 0; i < f->nlines; i++)
		emit(rp, f->lines[i], f->path, (unsigned)i + 1);
	return (0);
}

/* by_name - C-locale order, as ls in update-exim4.conf's run_parts */
static int
by_name(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* part_name - a conf.d file name run_parts accepts ([[:alnum:]_-]+) */
static int
part_name(const char *n)
{
	return (*n != '\0' && strspn(n, "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == strlen(n));
}

/* section_files - the conf.d/SECTION files in order, NULL-terminated */
static char **
section_files(const char *dir)
{
	DIR *d;
	struct dirent *de;
	char **v = NULL;
	size_t n = 0, cap = 0;

	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL)
			if (part_name(de->d_name))
				*MG_ARRAY_PUSH(v, n, cap) =
				    mg_xstrdup(de->d_name);
		(void)closedir(d);
	}
	if (n > 0)
		qsort(v, n, sizeof(*v), by_name);
	*MG_ARRAY_PUSH(v, n, cap) = NULL;
	return (v);
}

/* replay_split - the conf.d layout */
static int
replay_split(struct mg_model *m, struct replay *rp, const char *confdir)
{
	static const char *const sections[] = { "main", "acl", "router",
	    "transport", "retry", "rewrite", "auth", NULL };
	struct mg_str dir = MG_STR_INIT, path = MG_STR_INIT;
	struct stat st;
	char **files;
	const char *p;
	size_t s, i;
	int rc = 0;

	for (s = 0; sections[s] != NULL && rc == 0; s++) {
		emit(rp, mark(rp, "# begin processing ",
		    sections[s], " #####"), NULL, 0);
		mg_str_reset(&dir);
		mg_str_printf(&dir, "%s/conf.d/%s", confdir, sections[s]);
		files = section_files(mg_str_cstr(&dir));
		for (i = 0; files[i] != NULL && rc == 0; i++) {
			mg_str_reset(&path);
			mg_str_printf(&path, "%s/%s", mg_str_cstr(&dir),
			    files[i]);
			if (stat(mg_str_cstr(&path), &st) < 0 ||
			    !S_ISREG(st.st_mode))
				continue;
			mg_str_puts(&path, ".rul");
			if (stat(mg_str_cstr(&path), &st) < 0)
				path.data[path.len -= 4] = '\0';
			p = mark(rp, "", mg_str_cstr(&path), "");
			emit(rp, HASHES, NULL, 0);
			emit(rp, mark(rp, "### ", p, ""),
			    NULL, 0);
			emit(rp, HASHES, NULL, 0);
			rc = emit_file(m, rp, p);
			emit(rp, "", NULL, 0);
			emit(rp, HASHES, NULL, 0);
			emit(rp, mark(rp, "### end ", p, ""),
			    NULL, 0);
			emit(rp, HASHES, NULL, 0);
		}
		for (i = 0; files[i] != NULL; i++)
			free(files[i]);
		free(files);
		emit(rp, mark(rp, "# end of ", sections[s],
		    "  #####"), NULL, 0);
	}
	mg_str_free(&dir);
	mg_str_free(&path);
	return (rc);
}

/* compare - map the generated file's lines through the replay; 0 when
 * the replay reproduces it */
static int
compare(const struct replay *rp, const struct mg_srcfile *gen,
    struct mg_exim_origin *out)
{
	size_t g = 0, k = 0, hdr = 0, hashes = 0;
	int inmacro = 0;

	/* the warning header: line 1 "#########" to the next one */
	if (gen->nlines > 0 && strcmp(gen->lines[0], "#########") == 0)
		for (hdr = 1; hdr < gen->nlines; hdr++)
			if (strcmp(gen->lines[hdr], "#########") == 0) {
				hdr++;
				break;
			}
	for (g = 0; g < gen->nlines; g++) {
		out[g].path = NULL;
		out[g].line = 0;
		if (g < hdr)
			continue;
		if (inmacro) {
			if (hashes == 2)
				inmacro = 0;
			else if (strncmp(gen->lines[g], "#####", 5) == 0)
				hashes++;
			continue;
		}
		if (k >= rp->n || strcmp(gen->lines[g], rp->v[k].text) != 0)
			return (-1);
		out[g].path = rp->v[k].path;
		out[g].line = rp->v[k].no;
		if (rp->macro_after == k + 1) {
			inmacro = 1;
			hashes = 0;
		}
		k++;
	}
	return (k == rp->n ? 0 : -1);
}

/* read_split - dc_use_split_config from update-exim4.conf.conf */
static int
read_split(struct mg_model *m, const char *confdir)
{
	struct mg_str path = MG_STR_INIT;
	const struct mg_srcfile *f;
	struct mg_err err;
	size_t i;
	int split = 0;

	mg_str_printf(&path, "%s/update-exim4.conf.conf", confdir);
	if (mg_model_read_file(m, mg_str_cstr(&path), &err) == 0 &&
	    (f = mg_model_file(m, mg_str_cstr(&path))) != NULL)
		for (i = 0; i < f->nlines; i++)
			if (strncmp(f->lines[i], "dc_use_split_config=", 20)
			    == 0)
				split = strstr(f->lines[i], "true") != NULL;
	mg_str_free(&path);
	return (split);
}

/*
 * mg_exim_debian_map - origins of the generated file's lines: out has one
 * entry per line of gen (path NULL: written by update-exim4.conf).  -1 if
 * the sources do not reproduce the file (edited by hand, or generated
 * from other sources): then no line is mapped.
 */
int
mg_exim_debian_map(struct mg_model *m, const char *gen_path,
    const char *confdir, struct mg_exim_origin **outp, size_t *np)
{
	struct replay rp;
	struct mg_exim_origin *out;
	struct mg_str path = MG_STR_INIT;
	const struct mg_srcfile *gen;
	struct mg_err err;
	size_t i;
	int keep, split, rc = -1;

	*outp = NULL;
	*np = 0;
	split = read_split(m, confdir);
	for (keep = 0; keep < 2 && rc < 0; keep++) {
		memset(&rp, 0, sizeof(rp));
		rp.keep = keep;
		if (split)
			rc = replay_split(m, &rp, confdir);
		else {
			mg_str_reset(&path);
			mg_str_printf(&path, "%s/exim4.conf.localmacros",
			    confdir);
			(void)emit_file(m, &rp, mg_str_cstr(&path));
			mg_str_reset(&path);
			mg_str_printf(&path, "%s/exim4.conf.template",
			    confdir);
			rc = emit_file(m, &rp, mg_str_cstr(&path));
		}
		if (rc == 0 && mg_model_read_file(m, gen_path, &err) == 0 &&
		    (gen = mg_model_file(m, gen_path)) != NULL) {
			out = mg_xcalloc(gen->nlines + 1, sizeof(*out));
			rc = compare(&rp, gen, out);
			if (rc == 0) {
				*outp = out;
				*np = gen->nlines;
			} else
				free(out);
		} else
			rc = -1;
		for (i = 0; i < rp.nmarks; i++)
			free(rp.marks[i]);
		free(rp.marks);
		free(rp.v);
	}
	mg_str_free(&path);
	return (rc);
}

/* relocate_one - a generated file:line to its source */
static void
relocate_one(char **file, unsigned *line, const char *gen_path,
    const struct mg_exim_origin *o, size_t n)
{
	if (*file == NULL || strcmp(*file, gen_path) != 0 || *line == 0 ||
	    *line > n || o[*line - 1].path == NULL)
		return;
	free(*file);
	*file = mg_xstrdup(o[*line - 1].path);
	*line = o[*line - 1].line;
}

/* mg_exim_debian_relocate - every location in the generated file moves to
 * the template or conf.d line it came from (lines update-exim4.conf wrote
 * itself stay where they are) */
void
mg_exim_debian_relocate(struct mg_model *m, const char *gen_path,
    const struct mg_exim_origin *o, size_t n)
{
	struct mg_param *p;
	struct mg_rule *r;
	size_t i, k;

	for (i = 0; i < m->nparams; i++) {
		p = &m->params[i];
		relocate_one(&p->file, &p->line, gen_path, o, n);
		p->end_line = p->line;
	}
	for (i = 0; i < m->nrules; i++) {
		r = &m->rules[i];
		relocate_one(&r->file, &r->line, gen_path, o, n);
		for (k = 0; k < r->nconds; k++) {
			p = &r->conds[k];
			relocate_one(&p->file, &p->line, gen_path, o, n);
			p->end_line = p->line;
		}
	}
}

/* The conf.d sections update-exim4.conf concatenates (UPEX4C_sections). */
static const char *const sections[] = { "main", "acl", "router",
	"transport", "retry", "rewrite", "auth", NULL };

/*
 * source_trusted - path is a file the generator puts into the
 * configuration root's Exim runs (or sources as shell code): it, after
 * any symbolic link, must be root's (or ours), writable by no one else,
 * in a directory that is so up to / (mg_secure_dir).  0, or -1 naming
 * the file.
 */
static int
source_trusted(const char *dir, const char *path, struct mg_err *err)
{
	char real[PATH_MAX], *slash;
	struct mg_err why;
	struct stat st;

	if (realpath(path, real) == NULL || stat(real, &st) < 0)
		return (mg_err_errno(err, "not running update-exim4.conf on "
		    "%s: %s", dir, path));
	if (!S_ISREG(st.st_mode))
		return (0);	/* not read: run_parts takes files only */
	if ((st.st_uid != 0 && st.st_uid != geteuid()) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
		return (mg_err_set(err, "not running update-exim4.conf on "
		    "%s: %s%s%s belongs to uid %lu with mode %04o, and the "
		    "generator puts it into the configuration root's Exim "
		    "runs - only root may be able to change it (chown root "
		    "%s; chmod go-w %s)", dir, path, strcmp(path, real) != 0 ?
		    " -> " : "", strcmp(path, real) != 0 ? real : "",
		    (unsigned long)st.st_uid, (unsigned)(st.st_mode & 07777),
		    real, real));
	if ((slash = strrchr(real, '/')) != NULL)
		*(slash == real ? slash + 1 : slash) = '\0';
	if (mg_secure_dir(real, &why) < 0)
		return (mg_err_set(err, "not running update-exim4.conf on "
		    "%s: it reads %s into the configuration root's Exim runs, "
		    "but %s", dir, path, why.msg));
	return (0);
}

/* section_trusted - every file of conf.d/SECTION (its name aside: a file
 * the generator skips today is one rename away), and the directory */
static int
section_trusted(const char *dir, const char *sdir, struct mg_err *err)
{
	struct mg_str path = MG_STR_INIT;
	struct mg_err why;
	struct dirent *de;
	DIR *d;
	int rc = 0;

	if (mg_secure_dir(sdir, &why) < 0)
		return (mg_err_set(err, "not running update-exim4.conf on %s: "
		    "it reads the files of %s into the configuration root's "
		    "Exim runs, but %s", dir, sdir, why.msg));
	if ((d = opendir(sdir)) == NULL)
		return (mg_err_errno(err, "not running update-exim4.conf on "
		    "%s: %s", dir, sdir));
	while (rc == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		mg_str_reset(&path);
		mg_str_printf(&path, "%s/%s", sdir, de->d_name);
		rc = source_trusted(dir, mg_str_cstr(&path), err);
	}
	(void)closedir(d);
	mg_str_free(&path);
	return (rc);
}

/*
 * mg_exim_debian_trusted - the files of Debian configuration directory
 * dir that update-exim4.conf reads into the configuration it generates
 * (exim4.conf.localmacros, exim4.conf.template, every file of
 * conf.d/SECTION), each as update-exim4.conf.conf is: root's alone, and
 * so is every directory above it.  A file a local user can change would
 * otherwise be run by root's Exim (${run{...}} in an ACL).  0, or -1
 * naming the first file that is not.
 */
int
mg_exim_debian_trusted(const char *dir, struct mg_err *err)
{
	static const char *const flat[] = { "exim4.conf.localmacros",
		"exim4.conf.template", NULL };
	struct mg_str path = MG_STR_INIT;
	struct stat st;
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && flat[i] != NULL; i++) {
		mg_str_reset(&path);
		mg_str_printf(&path, "%s/%s", dir, flat[i]);
		if (stat(mg_str_cstr(&path), &st) == 0)
			rc = source_trusted(dir, mg_str_cstr(&path), err);
	}
	for (i = 0; rc == 0 && sections[i] != NULL; i++) {
		mg_str_reset(&path);
		mg_str_printf(&path, "%s/conf.d/%s", dir, sections[i]);
		if (stat(mg_str_cstr(&path), &st) == 0 && S_ISDIR(st.st_mode))
			rc = section_trusted(dir, mg_str_cstr(&path), err);
	}
	mg_str_free(&path);
	return (rc);
}
