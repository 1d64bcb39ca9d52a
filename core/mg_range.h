/*
 * mg_range.h - threshold ranges in the monitoring-plugins guidelines'
 * syntax ("10", "10:", "~:10", "10:20", "@10:20").
 */
#ifndef MG_RANGE_H
#define MG_RANGE_H

#include "mg_err.h"

#define MG_RANGE_TEXT_MAX 64

struct mg_range {
	double lo, hi;		/* the range's ends */
	int lo_inf, hi_inf;	/* "~:" (no low end), "N:" (no high end) */
	int inside;		/* "@": alert inside the range, not outside */
	char text[MG_RANGE_TEXT_MAX];	/* as given, for perfdata's warn/crit */
};

int mg_range_parse(const char *, struct mg_range *, struct mg_err *);
int mg_range_alert(const struct mg_range *, double);

#endif
