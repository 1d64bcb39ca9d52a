/* mg_str.c - dynamic strings, checked allocation and array growth. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mg_str.h"

/* oom - out of memory is not recoverable for a console tool */
static void
oom(void)
{
	static const char msg[] = "mailguard-tui: out of memory\n";

	(void)fwrite(msg, 1, sizeof(msg) - 1, stderr);
	abort();
}

/* mg_xmalloc - malloc that never returns NULL */
void *
mg_xmalloc(size_t n)
{
	void *p = malloc(n == 0 ? 1 : n);

	if (p == NULL)
		oom();
	return (p);
}

/* mg_xcalloc - calloc that never returns NULL */
void *
mg_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n == 0 ? 1 : n, size == 0 ? 1 : size);

	if (p == NULL)
		oom();
	return (p);
}

/* mg_xstrdup - strdup that never returns NULL; NULL in, NULL out */
char *
mg_xstrdup(const char *s)
{
	if (s == NULL)
		return (NULL);
	return (mg_xstrndup(s, strlen(s)));
}

/* mg_xstrndup - copy at most n bytes and terminate */
char *
mg_xstrndup(const char *s, size_t n)
{
	char *p;

	if (n == SIZE_MAX)
		oom();
	p = mg_xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return (p);
}

/* mg_strv_free - n strings and their array; accepts NULL */
void
mg_strv_free(char **v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* mg_strl_free - a NULL-terminated list of strings and its array;
 * accepts NULL */
void
mg_strl_free(char **v)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* mg_strp_cmp - qsort/bsearch order of char * elements (strcmp) */
int
mg_strp_cmp(const void *x, const void *y)
{
	return (strcmp(*(char *const *)x, *(char *const *)y));
}

/* mg_array_grow - ensure capacity for need elements */
void
mg_array_grow(void **base, size_t *cap, size_t need, size_t size)
{
	size_t ncap;
	void *p;

	if (need <= *cap)
		return;
	ncap = *cap < 8 ? 8 : *cap;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2)
			oom();
		ncap *= 2;
	}
	if (size != 0 && ncap > SIZE_MAX / size)
		oom();
	p = realloc(*base, ncap * size);
	if (p == NULL)
		oom();
	*base = p;
	*cap = ncap;
}

/* mg_str_init - empty, terminated string */
void
mg_str_init(struct mg_str *s)
{
	s->data = NULL;
	s->len = 0;
	s->cap = 0;
	mg_str_append(s, "", 0);
}

/* mg_str_free - release storage; accepts NULL */
void
mg_str_free(struct mg_str *s)
{
	if (s == NULL)
		return;
	free(s->data);
	s->data = NULL;
	s->len = 0;
	s->cap = 0;
}

/* mg_str_reset - truncate to empty, keep storage */
void
mg_str_reset(struct mg_str *s)
{
	s->len = 0;
	if (s->data != NULL)
		s->data[0] = '\0';
}

/* mg_str_append - append n bytes */
void
mg_str_append(struct mg_str *s, const char *p, size_t n)
{
	if (n >= SIZE_MAX - s->len - 1)
		oom();
	mg_array_grow((void **)&s->data, &s->cap, s->len + n + 1, 1);
	if (n > 0)
		memcpy(s->data + s->len, p, n);
	s->len += n;
	s->data[s->len] = '\0';
}

/* mg_str_puts - append a C string */
void
mg_str_puts(struct mg_str *s, const char *p)
{
	mg_str_append(s, p, strlen(p));
}

/* mg_str_putc - append one byte */
void
mg_str_putc(struct mg_str *s, int c)
{
	char ch = (char)c;

	mg_str_append(s, &ch, 1);
}

/* mg_str_printf - append formatted text */
void
mg_str_printf(struct mg_str *s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	mg_str_vprintf(s, fmt, ap);
	va_end(ap);
}

/* mg_str_vprintf - append formatted text, va_list form */
void
mg_str_vprintf(struct mg_str *s, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	mg_array_grow((void **)&s->data, &s->cap, s->len + (size_t)n + 1, 1);
	(void)vsnprintf(s->data + s->len, (size_t)n + 1, fmt, ap);
	s->len += (size_t)n;
}

/* mg_str_cstr - never NULL */
const char *
mg_str_cstr(const struct mg_str *s)
{
	return (s->data != NULL ? s->data : "");
}

/* mg_str_steal - hand the buffer to the caller, who frees it */
char *
mg_str_steal(struct mg_str *s)
{
	char *p;

	if (s->data == NULL)
		mg_str_append(s, "", 0);
	p = s->data;
	s->data = NULL;
	s->len = 0;
	s->cap = 0;
	return (p);
}
