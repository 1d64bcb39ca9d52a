/* mg_num.c - decimal numbers within bounds, with an error a human reads. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>

#include "mg_num.h"

/* mg_parse_ulong - all of text is a decimal in [min, max] */
int
mg_parse_ulong(const char *text, unsigned long min, unsigned long max,
    unsigned long *out, struct mg_err *err)
{
	unsigned long v;
	char *end;

	if (text == NULL || *text < '0' || *text > '9')
		return (mg_err_set(err, "\"%s\" is not a number",
		    text != NULL ? text : ""));
	errno = 0;
	v = strtoul(text, &end, 10);
	if (*end != '\0')
		return (mg_err_set(err, "\"%s\" is not a number", text));
	if (errno == ERANGE || v < min || v > max)
		return (mg_err_set(err, "%s is out of range (%lu..%lu)", text,
		    min, max));
	*out = v;
	return (0);
}

/* mg_parse_duration - "90s", "30m", "2h", "3d", "1w" (bare = seconds) */
int
mg_parse_duration(const char *text, unsigned long *secs, struct mg_err *err)
{
	unsigned long v, mult = 1;
	char *end;

	if (text == NULL || *text < '0' || *text > '9')
		return (mg_err_set(err, "\"%s\" is not a duration (e.g. 30m, "
		    "2h, 3d)", text != NULL ? text : ""));
	errno = 0;
	v = strtoul(text, &end, 10);
	if (errno == ERANGE)
		return (mg_err_set(err, "%s is too long", text));
	switch (*end) {
	case '\0':
	case 's':
		break;
	case 'm':
		mult = 60;
		break;
	case 'h':
		mult = 3600;
		break;
	case 'd':
		mult = 86400;
		break;
	case 'w':
		mult = 7 * 86400;
		break;
	default:
		return (mg_err_set(err, "\"%s\" is not a duration (e.g. 30m, "
		    "2h, 3d)", text));
	}
	if (*end != '\0' && end[1] != '\0')
		return (mg_err_set(err, "\"%s\" is not a duration (e.g. 30m, "
		    "2h, 3d)", text));
	if (v > ULONG_MAX / mult || v * mult > 10UL * 366 * 86400)
		return (mg_err_set(err, "%s is too long (at most 10 years)",
		    text));
	*secs = v * mult;
	return (0);
}
