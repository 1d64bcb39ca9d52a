/* mg_err.c - fill struct mg_err; every setter returns -1 for the caller. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mg_err.h"

/* mg_err_clear - forget a previous error */
void
mg_err_clear(struct mg_err *err)
{
	if (err != NULL)
		err->msg[0] = '\0';
}

/* mg_err_set - format a message; always returns -1 */
int
mg_err_set(struct mg_err *err, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return (-1);
	va_start(ap, fmt);
	(void)vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return (-1);
}

/* mg_err_errno - format a message and append ": strerror(errno)"; returns -1 */
int
mg_err_errno(struct mg_err *err, const char *fmt, ...)
{
	va_list ap;
	int saved = errno;
	size_t len;

	if (err == NULL)
		return (-1);
	va_start(ap, fmt);
	(void)vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	len = strlen(err->msg);
	(void)snprintf(err->msg + len, sizeof(err->msg) - len, ": %s",
	    strerror(saved));
	errno = saved;
	return (-1);
}
