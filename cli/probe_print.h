/* probe_print.h - a relay probe run as the probe command shows it: text,
 * JSON, exit code. */
#ifndef MG_PROBE_PRINT_H
#define MG_PROBE_PRINT_H

#include <stdio.h>

#include "../engine/probe_run.h"

int mg_probe_exit_code(const struct mg_probe_report *,
    const struct mg_report *);
void mg_probe_print(FILE *, const struct mg_probe_report *,
    const struct mg_report *);
void mg_probe_json(struct mg_str *, const struct mg_probe_report *,
    const struct mg_report *);

#endif
