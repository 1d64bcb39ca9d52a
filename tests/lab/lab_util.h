/* lab_util.h - helpers for lab tests: temp roots, lab scripts, the binary. */
#ifndef MG_LAB_UTIL_H
#define MG_LAB_UTIL_H

#include "../../core/mg_exec.h"
#include "../../core/mg_str.h"

const char *lab_root(void);
void lab_make_root(const char *);
void lab_cleanup(void);
const char *lab_dir(const char *, const char *);
int lab_run(struct mg_exec_res *, const char *const *);
int lab_capture(const char *const *, struct mg_str *);
int lab_script(const char *, const char *const *);
int lab_jq(const char *, const char *, const char *);
int lab_jq_str(const char *, const char *, struct mg_str *);
int lab_apply_edit(const char *, unsigned, const char *, const char *);
int lab_processes_left(void);
int lab_exim_bin(char *, size_t);
int lab_sink_start(const char *, const char *, const char *);
void lab_sink_stop(int);
size_t lab_sink_count(const char *, const char *);
int lab_sasl_pass(const char *, const char *, char *, size_t);
int lab_pf_rcpt(const char *, const char *, const char *);
int lab_exim_rcpt(const char *, const char *, const char *, const char *,
    const char *);
const char *lab_instance(const char *, const char *, int);
void lab_stop(const char *, const char *);
int lab_port(const char *, const char *, char *, size_t);
int lab_pf_report(const char *, struct mg_str *);
int lab_ex_report(const char *, const char *, struct mg_str *);
void lab_slurp(const char *, struct mg_str *);
int lab_teardown(void **);
int lab_maillog_has(const char *, const char *);
int lab_maillog_count(const char *, const char *);
void lab_fix_field(const char *, const char *, const char *,
    struct mg_str *);
int lab_exim_bh(const char *, const char *, const char *, const char *);
int lab_dns_start(const char *, int *);
void lab_dns_stop(int);

#endif
