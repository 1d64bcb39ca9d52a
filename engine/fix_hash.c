/*
 * fix_hash.c - a file mailguard-tui is about to replace (a fix's
 * install, a rollback's restore) must still hold the bytes it had when
 * they were read or written: otherwise someone changed it since (an
 * edit, postconf -e, a later fix), and installing over it would lose
 * that change silently.  The difference is shown, sanitized.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../core/mg_file.h"

#include "../core/mg_sanitize.h"
#include "fix_hash.h"

#define CONTEXT 3
#define DIFF_LINES 200		/* lines of a difference shown at most */

/* A line of a text, not NUL-terminated. */
struct line {
	const char *p;
	size_t len;
};

/* split - the lines of s (without their newlines) */
static struct line *
split(const char *s, size_t *n)
{
	struct line *v = NULL, *l;
	size_t cap = 0;
	const char *e;

	*n = 0;
	while (*s != '\0') {
		e = strchr(s, '\n');
		if (e == NULL)
			e = s + strlen(s);
		l = MG_ARRAY_PUSH(v, *n, cap);
		l->p = s;
		l->len = (size_t)(e - s);
		s = *e == '\n' ? e + 1 : e;
	}
	return (v);
}

/* eq - two lines equal */
static int
eq(const struct line *a, const struct line *b)
{
	return (a->len == b->len && memcmp(a->p, b->p, a->len) == 0);
}

/* put - one line of the diff with its mark, or a note once the diff is
 * too long */
static void
put(struct mg_str *out, char mark, const struct line *l, size_t *shown)
{
	if (++*shown > DIFF_LINES) {
		if (*shown == DIFF_LINES + 1)
			mg_str_puts(out, "... (more lines differ)\n");
		return;
	}
	mg_str_putc(out, mark);
	mg_str_append(out, l->p, l->len);
	mg_str_putc(out, '\n');
}

/*
 * mg_text_diff - a unified diff from text a (labelled la) to text b (lb)
 * into out: the common head and tail trimmed, what differs between them
 * one hunk with CONTEXT lines around it; nothing if they are equal
 */
void
mg_text_diff(const char *la, const char *lb, const char *a, const char *b,
    struct mg_str *out)
{
	struct line *va, *vb;
	size_t na, nb, head = 0, tail = 0, from, ea, eb, i, shown = 0;

	va = split(a != NULL ? a : "", &na);
	vb = split(b != NULL ? b : "", &nb);
	while (head < na && head < nb && eq(&va[head], &vb[head]))
		head++;
	while (tail < na - head && tail < nb - head &&
	    eq(&va[na - 1 - tail], &vb[nb - 1 - tail]))
		tail++;
	if (head == na && head == nb) {
		free(va);
		free(vb);
		return;
	}
	from = head > CONTEXT ? head - CONTEXT : 0;
	ea = na - tail + (tail > CONTEXT ? CONTEXT : tail);
	eb = nb - tail + (tail > CONTEXT ? CONTEXT : tail);
	mg_str_printf(out, "--- %s\n+++ %s\n@@ -%zu,%zu +%zu,%zu @@\n", la,
	    lb, ea > from ? from + 1 : from, ea - from, eb > from ? from + 1 :
	    from, eb - from);
	for (i = from; i < head; i++)
		put(out, ' ', &va[i], &shown);
	for (i = head; i < na - tail; i++)
		put(out, '-', &va[i], &shown);
	for (i = head; i < nb - tail; i++)
		put(out, '+', &vb[i], &shown);
	for (i = na - tail; i < ea; i++)
		put(out, ' ', &va[i], &shown);
	free(va);
	free(vb);
}

/*
 * mg_file_changed - does path still hash to hash (what it held when read
 * or written: was)?  0 unchanged; 1 changed, and out (if not NULL) shown
 * how, sanitized; -1 with err if it cannot be read
 */
int
mg_file_changed(const char *path, const char *hash, const char *was,
    FILE *out, struct mg_err *err)
{
	char now[MG_SHA256_HEX];
	struct mg_str text = MG_STR_INIT, d = MG_STR_INIT;

	if (mg_file_sha256(path, now, &text, err) < 0) {
		mg_str_free(&text);
		return (-1);
	}
	if (strcmp(now, hash) == 0) {
		mg_str_free(&text);
		return (0);
	}
	if (out != NULL) {
		(void)fputs("  ", out);
		mg_print_sanitized(out, path);
		(void)fprintf(out, " changed since (sha256 %.12s, now "
		    "%.12s):\n", hash, now);
		mg_text_diff("then", "now", was, strcmp(now, "absent") == 0 ?
		    "" : mg_str_cstr(&text), &d);
		if (d.len == 0)
			mg_str_puts(&d, "(the lines are the same: the bytes "
			    "differ, e.g. in line endings or NULs)\n");
		mg_print_sanitized_lines(out, mg_str_cstr(&d));
	}
	mg_str_free(&text);
	mg_str_free(&d);
	return (1);
}

/*
 * mg_file_snap_take - read path once, as the file to be replaced: opened
 * without following a symbolic link, a regular file (or none at all), at
 * most MG_FILE_MAX bytes; its identity (device, inode, size, mtime),
 * owner and mode from the same descriptor, and the SHA-256 of the bytes
 * read.  0, or -1 with err (sn then holds nothing to free).
 */
int
mg_file_snap_take(struct mg_file_snap *sn, const char *path,
    struct mg_err *err)
{
	char buf[65536];
	struct stat st;
	ssize_t n;
	int fd, big = 0;

	memset(sn, 0, sizeof(*sn));
	mg_str_init(&sn->text);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY |
	    O_CLOEXEC);
	if (fd < 0 && errno == ENOENT) {
		(void)snprintf(sn->sha256, sizeof(sn->sha256), "absent");
		return (0);
	}
	if (fd < 0) {
		mg_str_free(&sn->text);
		return (mg_err_errno(err, "cannot read %s", path));
	}
	if (fstat(fd, &st) < 0) {
		(void)mg_err_errno(err, "cannot read %s", path);
		(void)close(fd);
		mg_str_free(&sn->text);
		return (-1);
	}
	if (!S_ISREG(st.st_mode)) {
		(void)mg_err_set(err, "%s is not a regular file: not changed",
		    path);
		(void)close(fd);
		mg_str_free(&sn->text);
		return (-1);
	}
	for (;;) {
		n = read(fd, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (sn->text.len + (size_t)n > MG_FILE_MAX) {
			big = 1;
			break;
		}
		mg_str_append(&sn->text, buf, (size_t)n);
	}
	if (n < 0 || big) {
		(void)mg_err_set(err, "cannot read %s: %s", path, big ?
		    "larger than the files mailguard-tui changes" :
		    strerror(errno));
		(void)close(fd);
		mg_str_free(&sn->text);
		return (-1);
	}
	(void)close(fd);
	sn->exists = 1;
	sn->dev = st.st_dev;
	sn->ino = st.st_ino;
	sn->size = st.st_size;
	sn->mtime = st.st_mtim;
	sn->mode = st.st_mode;
	sn->uid = st.st_uid;
	sn->gid = st.st_gid;
	if (mg_sha256_hex(sn->text.data != NULL ? sn->text.data : "",
	    sn->text.len, sn->sha256, err) < 0) {
		mg_str_free(&sn->text);
		return (-1);
	}
	return (0);
}

/*
 * mg_file_snap_same - does path still hold what sn read: the same file
 * (device and inode: not replaced by a rename), size and mtime, and bytes
 * of the same SHA-256 (an edit within the mtime's granularity, or one
 * that kept it, is seen too)?  1 the same; 0 changed, and out (if not
 * NULL) shown how, sanitized; -1 with err if it cannot be told.
 */
int
mg_file_snap_same(const struct mg_file_snap *sn, const char *path,
    FILE *out, struct mg_err *err)
{
	struct mg_file_snap now;
	int same;

	if (mg_file_snap_take(&now, path, err) < 0)
		return (-1);
	same = now.exists == sn->exists && strcmp(now.sha256,
	    sn->sha256) == 0 && (!sn->exists || (now.dev == sn->dev &&
	    now.ino == sn->ino && now.size == sn->size &&
	    now.mtime.tv_sec == sn->mtime.tv_sec &&
	    now.mtime.tv_nsec == sn->mtime.tv_nsec));
	if (!same && out != NULL && strcmp(now.sha256, sn->sha256) == 0) {
		(void)fputs("  ", out);
		mg_print_sanitized(out, path);
		(void)fprintf(out, " was replaced or touched since it was read "
		    "(the same bytes, but %s)\n", now.dev != sn->dev ||
		    now.ino != sn->ino ? "another file" : "a new mtime");
	} else if (!same && out != NULL)
		(void)mg_file_changed(path, sn->sha256, mg_str_cstr(&sn->text),
		    out, err);
	mg_file_snap_free(&now);
	return (same);
}

/*
 * mg_file_snap_differs - do the bytes sn read differ from hash (what the
 * file held when staged or installed: was)?  0 no; 1 yes, and out (if
 * not NULL) shown how, sanitized, from those very bytes
 */
int
mg_file_snap_differs(const struct mg_file_snap *sn, const char *path,
    const char *hash, const char *was, FILE *out)
{
	struct mg_str d = MG_STR_INIT;

	if (strcmp(sn->sha256, hash) == 0)
		return (0);
	if (out == NULL)
		return (1);
	(void)fputs("  ", out);
	mg_print_sanitized(out, path);
	(void)fprintf(out, " changed since (sha256 %.12s, now %.12s):\n", hash,
	    sn->sha256);
	mg_text_diff("then", "now", was, mg_str_cstr(&sn->text), &d);
	if (d.len == 0)
		mg_str_puts(&d, "(the lines are the same: the bytes differ, "
		    "e.g. in line endings or NULs)\n");
	mg_print_sanitized_lines(out, mg_str_cstr(&d));
	mg_str_free(&d);
	return (1);
}

/* mg_file_snap_free - the bytes read; sn may be NULL, zeroed or freed
 * twice */
void
mg_file_snap_free(struct mg_file_snap *sn)
{
	if (sn != NULL)
		mg_str_free(&sn->text);
}
