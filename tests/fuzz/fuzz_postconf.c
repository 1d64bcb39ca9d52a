/* fuzz_postconf.c - postconf output and main.cf text through the backend's
 * parsers, the checks and the TLS protocol/cipher list readers: no
 * crash, no overread, no leak. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../backends/postfix/pf_maincf.h"
#include "../../backends/postfix/pf_maps.h"
#include "../../backends/postfix/pf_master.h"
#include "../../backends/postfix/pf_postconf.h"
#include "../../checks/checks.h"
#include "../../core/mg_str.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* LLVMFuzzerTestOneInput - first half postconf output (also as -M/-P
 * output and a map listing), second main.cf (also master.cf and a cidr
 * table's source) */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mg_model m;
	struct mg_report r;
	char *text = mg_xstrndup((const char *)data, size);
	size_t half = strlen(text) / 2;
	char *second = mg_xstrdup(text + half);

	text[half] = '\0';
	mg_model_init(&m);
	m.mta = MG_MTA_POSTFIX;
	m.config_dir = mg_xstrdup("/etc/postfix");
	m.config_file = mg_xstrdup("/etc/postfix/main.cf");
	mg_pf_postconf_parse(&m, text, 1);
	mg_pf_postconf_parse(&m, text, 0);
	mg_srcfile_set_text(mg_model_file_add(&m, "/etc/postfix/main.cf"),
	    second, strlen(second));
	mg_pf_maincf_locate(&m, mg_model_file(&m, "/etc/postfix/main.cf"));
	mg_pf_master_parse(&m, text);
	mg_pf_master_overrides(&m, text, 1);
	mg_pf_master_overrides(&m, text, 0);
	mg_srcfile_set_text(mg_model_file_add(&m, "/etc/postfix/master.cf"),
	    second, strlen(second));
	mg_pf_master_locate(&m, mg_model_file(&m, "/etc/postfix/master.cf"));
	mg_pf_map_parse_listing(mg_model_map_add(&m, "hash:/etc/postfix/x"),
	    text, 0);
	mg_pf_map_parse_listing(mg_model_map_add(&m, "hash:/etc/aliases"),
	    text, 1);
	mg_pf_map_parse_source(mg_model_map_add(&m, "cidr:/etc/postfix/c"),
	    mg_model_file(&m, "/etc/postfix/master.cf"));
	(void)mg_check_pf_tls_old(text);
	(void)mg_check_pf_seclevel(text);
	(void)mg_check_pf_lib_refuses(text, 1);
	mg_report_init(&r);
	mg_checks_run(&m, &r);
	mg_report_free(&r);
	mg_model_free(&m);
	free(text);
	free(second);
	return (0);
}
