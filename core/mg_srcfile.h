/* mg_srcfile.h - configuration text kept line by line. */
#ifndef MG_SRCFILE_H
#define MG_SRCFILE_H

#include <stddef.h>

/* A line of configuration text kept for evidence and line lookups. */
struct mg_srcfile {
	char *path;
	char **lines;		/* without newline */
	size_t nlines, cap;
	int truncated;		/* file was larger than we read */
};

void mg_srcfile_free(struct mg_srcfile *);
void mg_srcfile_add_line(struct mg_srcfile *, const char *, size_t);
void mg_srcfile_set_text(struct mg_srcfile *, const char *, size_t);
unsigned mg_srcfile_find_word(const struct mg_srcfile *, unsigned, unsigned,
    const char *);

#endif
