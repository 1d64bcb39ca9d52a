/* test_free_null.c - every *_free, *_clear and *_destroy accepts NULL (as
 * free(3) does), and none declared in a header is left out of this test. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/mg_cert.h"
#include "../../core/mg_dns.h"
#include "../../core/mg_err.h"
#include "../../core/mg_exec.h"
#include "../../core/mg_host.h"
#include "../../core/mg_cve.h"
#include "../../core/mg_maillog.h"
#include "../../core/mg_model.h"
#include "../../core/mg_pkg.h"
#include "../../core/mg_probe.h"
#include "../../core/mg_queue.h"
#include "../../core/mg_resolv.h"
#include "../../core/mg_srcfile.h"
#include "../../core/mg_str.h"
#include "../../backends/backend.h"
#include "../../backends/exim/exim_conf.h"
#include "../../backends/exim/exim_expand.h"
#include "../../backends/exim/exim_route.h"
#include "../../backends/postfix/pf_maps.h"
#include "../../checks/checks.h"
#include "../../engine/fix_hash.h"
#include "../../engine/fix_restage.h"
#include "../../engine/fix_stage.h"
#include "../../engine/mg_journal.h"
#include "../../engine/probe_run.h"
#include "../../engine/session.h"
#include "../../console/console_int.h"
#include "mg_test.h"

/* Each function called with NULL (and a count of 0 where it takes one). */
static void f_cert(void) { mg_cert_free(NULL); }
static void f_err_clear(void) { mg_err_clear(NULL); }
static void f_exec_res(void) { mg_exec_res_free(NULL); }
static void f_host(void) { mg_host_free(NULL); }
static void f_maillog(void) { mg_maillog_free(NULL); }
static void f_resolv(void) { mg_resolv_free(NULL); }
static void f_model(void) { mg_model_free(NULL); }
static void f_model_tables(void) { mg_model_tables_free(NULL); }
static void f_report(void) { mg_report_free(NULL); }
static void f_target(void) { mg_target_free(NULL); }
static void f_battery(void) { mg_probe_battery_free(NULL); }
static void f_plan(void) { mg_probe_plan_free(NULL); }
static void f_arena(void) { mg_arena_free(NULL); }
static void f_qgrouping(void) { mg_qgrouping_free(NULL); }
static void f_queue(void) { mg_queue_free(NULL); }
static void f_str(void) { mg_str_free(NULL); }
static void f_macros(void) { mg_exim_macro_names_free(NULL); }
static void f_lookups(void) { mg_exim_lookups_free(NULL, 0); }
static void f_lookups_n(void) { mg_exim_lookups_free(NULL, 3); }
static void f_addrs(void) { mg_exim_route_addrs_free(NULL); }
static void f_reader(void) { mg_pf_reader_free(NULL); }
static void f_restage(void) { mg_restage_free(NULL); }
static void f_stage(void) { mg_stage_free(NULL); }
static void f_snap(void) { mg_file_snap_free(NULL); }
static void f_jentries(void) { mg_jentries_free(NULL, 0); }
static void f_jentries_n(void) { mg_jentries_free(NULL, 3); }
static void f_jqmsgs(void) { mg_jqmsgs_free(NULL, 0); }
static void f_jqmsgs_n(void) { mg_jqmsgs_free(NULL, 3); }
static void f_probe_report(void) { mg_probe_report_free(NULL); }
static void f_session(void) { mg_session_free(NULL); }
static void f_page_clear(void) { con_page_clear(NULL); }
static void f_page(void) { con_page_free(NULL); }
static void f_strv(void) { mg_strv_free(NULL, 2); }
static void f_strl(void) { mg_strl_free(NULL); }
static void f_params(void) { mg_params_free(NULL, 2); }
static void f_srcfile(void) { mg_srcfile_free(NULL); }
static void f_blist(void) { mg_backend_list_free(NULL); }
static void f_job(void) { con_job_free(NULL); }
static void f_panels(void) { con_panels_free(NULL); }
static void f_cve_table(void) { mg_cve_table_free(NULL); }
static void f_pkg(void) { mg_pkg_free(NULL); }
static void f_mxset(void) { mg_mxset_free(NULL); }
static void f_mail_domains(void) { mg_mail_domains_free(NULL); }

static const struct {
	const char *name;
	void (*call)(void);
} frees[] = {
	{ "mg_cert_free", f_cert },
	{ "mg_err_clear", f_err_clear },
	{ "mg_exec_res_free", f_exec_res },
	{ "mg_host_free", f_host },
	{ "mg_maillog_free", f_maillog },
	{ "mg_resolv_free", f_resolv },
	{ "mg_model_free", f_model },
	{ "mg_model_tables_free", f_model_tables },
	{ "mg_report_free", f_report },
	{ "mg_target_free", f_target },
	{ "mg_probe_battery_free", f_battery },
	{ "mg_probe_plan_free", f_plan },
	{ "mg_arena_free", f_arena },
	{ "mg_qgrouping_free", f_qgrouping },
	{ "mg_queue_free", f_queue },
	{ "mg_str_free", f_str },
	{ "mg_exim_macro_names_free", f_macros },
	{ "mg_exim_lookups_free", f_lookups },
	{ "mg_exim_lookups_free", f_lookups_n },
	{ "mg_exim_route_addrs_free", f_addrs },
	{ "mg_pf_reader_free", f_reader },
	{ "mg_restage_free", f_restage },
	{ "mg_stage_free", f_stage },
	{ "mg_file_snap_free", f_snap },
	{ "mg_jentries_free", f_jentries },
	{ "mg_jentries_free", f_jentries_n },
	{ "mg_jqmsgs_free", f_jqmsgs },
	{ "mg_jqmsgs_free", f_jqmsgs_n },
	{ "mg_probe_report_free", f_probe_report },
	{ "mg_session_free", f_session },
	{ "con_page_clear", f_page_clear },
	{ "con_page_free", f_page },
	{ "mg_strv_free", f_strv },
	{ "mg_strl_free", f_strl },
	{ "mg_params_free", f_params },
	{ "mg_srcfile_free", f_srcfile },
	{ "mg_backend_list_free", f_blist },
	{ "con_job_free", f_job },
	{ "con_panels_free", f_panels },
	{ "mg_cve_table_free", f_cve_table },
	{ "mg_pkg_free", f_pkg },
	{ "mg_mxset_free", f_mxset },
	{ "mg_mail_domains_free", f_mail_domains },
};

/* The folders whose headers declare the library's functions. */
static const char *const dirs[] = { "core", "backends", "backends/postfix",
    "backends/exim", "checks", "checks/postfix", "checks/exim", "engine",
    "cli", "console" };

static void
free_null_each(void **state)
{
	size_t i, called = 0;

	(void)state;
	for (i = 0; i < MG_NELEM(frees); i++) {
		frees[i].call();
		called++;
	}
	assert_int_equal(called, MG_NELEM(frees));
}

/* listed - 1 if the test calls NAME */
static int
listed(const char *name)
{
	size_t i;

	for (i = 0; i < MG_NELEM(frees); i++)
		if (strcmp(frees[i].name, name) == 0)
			return (1);
	return (0);
}

/* release_name - the name a header line declares if it is "void NAME(" and
 * NAME ends in _free, _clear or _destroy; else 0 */
static int
release_name(const char *line, char *name, size_t size)
{
	static const char *const ends[] = { "_free", "_clear", "_destroy" };
	size_t n, i, e;

	if (strncmp(line, "void ", 5) != 0)
		return (0);
	line += 5;
	n = strspn(line, "abcdefghijklmnopqrstuvwxyz0123456789_");
	if (n == 0 || n >= size || line[n] != '(')
		return (0);
	memcpy(name, line, n);
	name[n] = '\0';
	for (i = 0; i < MG_NELEM(ends); i++) {
		e = strlen(ends[i]);
		if (n > e && strcmp(name + n - e, ends[i]) == 0)
			return (1);
	}
	return (0);
}

/* Every release function a header declares is called above: a new one
 * without a NULL test fails here, with its name. */
static void
free_null_complete(void **state)
{
	char path[512], line[512], name[128];
	struct dirent *de;
	size_t i, found = 0, missing = 0;
	DIR *d;
	FILE *fp;

	(void)state;
	for (i = 0; i < MG_NELEM(dirs); i++) {
		if ((d = opendir(dirs[i])) == NULL)
			continue;
		while ((de = readdir(d)) != NULL) {
			size_t len = strlen(de->d_name);

			if (len < 3 || strcmp(de->d_name + len - 2, ".h") != 0)
				continue;
			(void)snprintf(path, sizeof(path), "%s/%s", dirs[i],
			    de->d_name);
			if ((fp = fopen(path, "r")) == NULL)
				continue;
			while (fgets(line, sizeof(line), fp) != NULL) {
				if (!release_name(line, name, sizeof(name)))
					continue;
				found++;
				if (!listed(name)) {
					print_error("%s: %s is not tested "
					    "with NULL\n", path, name);
					missing++;
				}
			}
			(void)fclose(fp);
		}
		(void)closedir(d);
	}
	assert_true(found >= 20);	/* the headers were read */
	assert_int_equal(missing, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(free_null_each),
		cmocka_unit_test(free_null_complete),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
