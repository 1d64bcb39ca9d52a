/*
 * pf_fixture.h - build a Postfix model from captured tool output, as the
 * backend does (postconf -n/-x, main.cf, postconf -M/-P, master.cf, map
 * listings), and look at what a check reported.  For unit tests only.
 */
#ifndef MG_PF_FIXTURE_H
#define MG_PF_FIXTURE_H

#include <string.h>

#include "../../backends/postfix/pf_maincf.h"
#include "../../backends/postfix/pf_maps.h"
#include "../../backends/postfix/pf_master.h"
#include "../../backends/postfix/pf_postconf.h"
#include "../../checks/checks.h"
#include "../../core/mg_str.h"

#define PF_MAIN_CF "/etc/postfix/main.cf"
#define PF_MASTER_CF "/etc/postfix/master.cf"

/* pf_build - postconf -n output (also used as -x when x_out is NULL) and
 * main.cf text, located to file:line */
static inline void
pf_build(struct mg_model *m, const char *n_out, const char *x_out,
    const char *main_cf)
{
	mg_model_init(m);
	m->mta = MG_MTA_POSTFIX;
	m->config_dir = mg_xstrdup("/etc/postfix");
	m->config_file = mg_xstrdup(PF_MAIN_CF);
	mg_pf_postconf_parse(m, n_out, 1);
	mg_pf_postconf_parse(m, x_out != NULL ? x_out : n_out, 0);
	mg_srcfile_set_text(mg_model_file_add(m, PF_MAIN_CF), main_cf,
	    strlen(main_cf));
	mg_pf_maincf_locate(m, mg_model_file(m, PF_MAIN_CF));
}

/* pf_params - effective-only values (postconf -x of defaults) */
static inline void
pf_params(struct mg_model *m, const char *x_out)
{
	mg_pf_postconf_parse(m, x_out, 0);
}

/* pf_master - postconf -M and -P output and master.cf text */
static inline void
pf_master(struct mg_model *m, const char *m_out, const char *p_out,
    const char *master_cf)
{
	mg_pf_master_parse(m, m_out);
	mg_pf_master_overrides(m, p_out, 1);
	mg_pf_master_overrides(m, p_out, 0);
	mg_srcfile_set_text(mg_model_file_add(m, PF_MASTER_CF), master_cf,
	    strlen(master_cf));
	mg_pf_master_locate(m, mg_model_file(m, PF_MASTER_CF));
}

/* pf_map - a table as postmap -s lists it; with source text if given */
static inline struct mg_map *
pf_map(struct mg_model *m, const char *ref, const char *listing,
    const char *source_path, const char *source)
{
	struct mg_map *t = mg_model_map_add(m, ref);

	if (source_path != NULL) {
		mg_srcfile_set_text(mg_model_file_add(m, source_path),
		    source, strlen(source));
		t->source = mg_xstrdup(source_path);
	}
	if (listing != NULL)
		mg_pf_map_parse_listing(t, listing, 0);
	else if (source_path != NULL)
		mg_pf_map_parse_source(t, mg_model_file(m, source_path));
	return (t);
}

/* pf_run - one check alone, findings sorted */
static inline void
pf_run(void (*check)(const struct mg_model *, struct mg_report *),
    const struct mg_model *m, struct mg_report *r)
{
	mg_report_init(r);
	check(m, r);
	mg_report_sort(r);
}

/* pf_finding - by id, or NULL */
static inline const struct mg_finding *
pf_finding(const struct mg_report *r, const char *id)
{
	size_t i;

	for (i = 0; i < r->nfindings; i++)
		if (strcmp(r->findings[i].id, id) == 0)
			return (&r->findings[i]);
	return (NULL);
}

/* pf_evidence - the finding's evidence containing text, or NULL */
static inline const struct mg_evidence *
pf_evidence(const struct mg_finding *f, const char *text)
{
	size_t i;

	if (f == NULL)
		return (NULL);
	for (i = 0; i < f->nevidence; i++)
		if (strstr(f->evidence[i].text, text) != NULL)
			return (&f->evidence[i]);
	return (NULL);
}

#endif
