/* mg_str.h - the one string type and the one growable-array idiom. */
#ifndef MG_STR_H
#define MG_STR_H

#include <stdarg.h>
#include <stddef.h>

/* NUL-terminated once initialised; data == NULL only before first use. */
struct mg_str {
	char *data;
	size_t len;
	size_t cap;
};

#define MG_STR_INIT { NULL, 0, 0 }

void mg_str_init(struct mg_str *);
void mg_str_free(struct mg_str *);
void mg_str_reset(struct mg_str *);
void mg_str_append(struct mg_str *, const char *, size_t);
void mg_str_puts(struct mg_str *, const char *);
void mg_str_putc(struct mg_str *, int);
void mg_str_printf(struct mg_str *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
void mg_str_vprintf(struct mg_str *, const char *, va_list)
    __attribute__((format(printf, 2, 0)));
const char *mg_str_cstr(const struct mg_str *);
char *mg_str_steal(struct mg_str *);
void mg_strv_free(char **, size_t);
void mg_strl_free(char **);
int mg_strp_cmp(const void *, const void *);

/*
 * mg_array_grow - make room for "need" elements of "size" bytes in *base,
 * whose capacity is *cap elements.  Aborts on overflow or out of memory, as
 * every allocation in this program does (see mg_xmalloc).
 */
void mg_array_grow(void **, size_t *, size_t, size_t);

#define MG_ARRAY_PUSH(base, count, cap) \
	(mg_array_grow((void **)&(base), &(cap), (count) + 1, \
	    sizeof(*(base))), &(base)[(count)++])

void *mg_xmalloc(size_t);
void *mg_xcalloc(size_t, size_t);
char *mg_xstrdup(const char *);
char *mg_xstrndup(const char *, size_t);

#endif
