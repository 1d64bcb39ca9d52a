/* lab_util.h - helpers for lab tests: temp roots, lab scripts, the binary. */
#ifndef MG_LAB_UTIL_H
#define MG_LAB_UTIL_H

#include "../../core/mg_exec.h"
#include "../../core/mg_str.h"

/*
 * LAB_WAIT_S - the bound of every wait for an MTA's state (a reload taken,
 * a log line written, a queue file moved): waits poll for the state and
 * end as soon as it holds, so the bound costs nothing when all is well;
 * it is sized for a CI machine shared with other builds, where Postfix
 * may take seconds for what takes it milliseconds alone.
 * MG_LAB_WAIT_S in the environment overrides it.
 */
#define LAB_WAIT_S 60

/* Postfix master's children at one moment (lab_pf_mark). */
struct lab_pf_gen {
	long master;
	size_t n;
	long pid[128];
	unsigned long long start[128];
};

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
int lab_applied(const char *);
void lab_fix_field(const char *, const char *, const char *,
    struct mg_str *);
int lab_exim_bh(const char *, const char *, const char *, const char *);
int lab_dns_start(const char *, int *);
void lab_dns_stop(int);
int lab_wait_s(void);
double lab_now(void);
void lab_nap_ms(long);
int lab_maillog_wait(const char *, const char *, int);
long lab_pf_master(const char *);
void lab_pf_mark(const char *, struct lab_pf_gen *);
void lab_pf_reloaded(const char *, const struct lab_pf_gen *);
int lab_gone(long);
void lab_next_second(void);
int lab_pf_tool(const char *, const char *const *, struct mg_str *);
int lab_pf_run(const char *, struct mg_exec_res *, const char *const *);

#endif
