/*
 * mg_range.c - threshold ranges as the monitoring-plugins development
 * guidelines define them ("Threshold and ranges").
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mg_range.h"

/* parse_end - one end of a range: a finite decimal number, whole string */
static int
parse_end(const char *s, size_t len, double *out)
{
	char buf[MG_RANGE_TEXT_MAX], *end;
	double v;
	size_t i;

	if (len == 0 || len >= sizeof(buf))
		return (-1);
	/* Digits, one sign, a point: strtod alone would also take "inf",
	 * "nan", hex and exponents, and reads the locale's decimal point. */
	for (i = 0; i < len; i++)
		if (strchr("0123456789.+-", s[i]) == NULL)
			return (-1);
	memcpy(buf, s, len);
	buf[len] = '\0';
	errno = 0;
	v = strtod(buf, &end);
	if (errno != 0 || *end != '\0' || end == buf || !isfinite(v))
		return (-1);
	*out = v;
	return (0);
}

/*
 * mg_range_parse - "10" (alert outside 0..10), "10:" (below 10), "~:10"
 * (above 10), "10:20" (outside 10..20), "@10:20" (inside 10..20, ends
 * included).  The guidelines require start <= end.
 */
int
mg_range_parse(const char *s, struct mg_range *r, struct mg_err *err)
{
	const char *p = s, *colon;
	size_t len;

	memset(r, 0, sizeof(*r));
	len = strlen(s);
	if (len == 0 || len >= sizeof(r->text))
		return (mg_err_set(err, "threshold \"%.*s\": expected a range "
		    "such as 10, 10:, ~:10, 10:20 or @10:20",
		    (int)(len > 40 ? 40 : len), s));
	memcpy(r->text, s, len + 1);
	if (*p == '@') {
		r->inside = 1;
		p++;
	}
	colon = strchr(p, ':');
	if (colon == NULL) {
		/* "10": the start is 0. */
		if (parse_end(p, strlen(p), &r->hi) < 0)
			goto bad;
		r->lo = 0;
	} else {
		if (colon - p == 1 && *p == '~')
			r->lo_inf = 1;
		else if (parse_end(p, (size_t)(colon - p), &r->lo) < 0)
			goto bad;
		if (colon[1] == '\0')
			r->hi_inf = 1;
		else if (parse_end(colon + 1, strlen(colon + 1), &r->hi) < 0)
			goto bad;
		if (r->lo_inf && r->hi_inf)
			goto bad;
	}
	if (!r->lo_inf && !r->hi_inf && r->lo > r->hi)
		return (mg_err_set(err, "threshold \"%s\": the start is above "
		    "the end", s));
	return (0);
bad:
	return (mg_err_set(err, "threshold \"%s\": expected a range such as "
	    "10, 10:, ~:10, 10:20 or @10:20", s));
}

/* mg_range_alert - 1 when value should raise the alert this range sets */
int
mg_range_alert(const struct mg_range *r, double value)
{
	int in = 1;

	if (!r->lo_inf && value < r->lo)
		in = 0;
	if (!r->hi_inf && value > r->hi)
		in = 0;
	return (r->inside ? in : !in);
}
