/* fuzz_exim_conf.c - "exim -bP config" output and configuration source
 * through the Exim parser, the statement locator, the list reader, the
 * expansion scanner and evaluator, and the Exim checks: no crash, no
 * overread, no leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../backends/exim/exim_conf.h"
#include "../../backends/exim/exim_expand.h"
#include "../../backends/exim/exim_list.h"
#include "../../checks/checks.h"
#include "../../core/mg_str.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* LLVMFuzzerTestOneInput - first half -bP config, second the source */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const macros[] = { "A", "_HAVE_TLS", NULL };
	struct mg_model m;
	struct mg_report r;
	struct mg_exim_list l;
	struct mg_str it = MG_STR_INIT;
	struct mg_exim_lookup *lk;
	size_t nlk;
	char *opt;
	char *text = mg_xstrndup((const char *)data, size);
	size_t half = strlen(text) / 2;
	char *second = mg_xstrdup(text + half);

	text[half] = '\0';
	mg_model_init(&m);
	m.mta = MG_MTA_EXIM;
	m.config_file = mg_xstrdup("/fuzz/exim.conf");
	mg_exim_conf_parse(&m, text);
	mg_srcfile_set_text(mg_model_file_add(&m, m.config_file), second,
	    strlen(second));
	mg_exim_conf_locate(&m, mg_model_file(&m, m.config_file), macros);
	mg_exim_list_init(&l, second);
	while (mg_exim_list_next(&l, &it))
		(void)mg_exim_ipv6_broken(mg_str_cstr(&it));
	mg_str_free(&it);
	free(mg_exim_lsearch_path(second));
	(void)mg_exim_lookups(second, &lk, &nlk);
	mg_exim_lookups_free(lk, nlk);
	opt = mg_exim_option_value(second);
	if (mg_exim_eval_notls(opt, &it))
		(void)mg_exim_truth(mg_str_cstr(&it));
	mg_str_free(&it);
	free(opt);
	mg_report_init(&r);
	mg_checks_run(&m, &r);
	mg_report_free(&r);
	mg_model_free(&m);
	free(text);
	free(second);
	return (0);
}
