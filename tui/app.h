/* app.h - what CLI and console share: options, target, model, findings. */
#ifndef MG_APP_H
#define MG_APP_H

#include "../backends/backend.h"
#include "../core/mg_err.h"
#include "../core/mg_model.h"

struct mg_app {
	struct mg_detect_opts opts;
	struct mg_target target;
	struct mg_model model;
	struct mg_report report;
	int detected;		/* target is valid */
	int loaded;		/* model and report are valid */
	int no_host;		/* --no-host-context: judge trusted networks
				 * without this machine's interfaces */
	struct mg_err err;	/* why detection or loading failed */
};

void mg_app_init(struct mg_app *);
int mg_app_load(struct mg_app *);
void mg_app_free(struct mg_app *);

#endif
