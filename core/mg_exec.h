/* mg_exec.h - run a command with fork/execve and an argv; never a shell. */
#ifndef MG_EXEC_H
#define MG_EXEC_H

#include <stddef.h>

#include "mg_err.h"
#include "mg_str.h"

#define MG_EXEC_OUT_MAX (16u * 1024 * 1024)
#define MG_EXEC_TIMEOUT_MS 60000

struct mg_exec_req {
	const char *const *argv;	/* argv[0] absolute, or a name searched
					 * in MG_EXEC_PATH */
	const char *input;		/* fed on stdin, may be NULL */
	size_t input_len;
	size_t out_max;			/* 0: MG_EXEC_OUT_MAX, per stream */
	int timeout_ms;			/* 0: MG_EXEC_TIMEOUT_MS */
	int merge_stderr;		/* stderr into out */
};

struct mg_exec_res {
	struct mg_str out;
	struct mg_str err;
	int exited;			/* normal exit: exit_code is valid */
	int exit_code;
	int signo;			/* killed by this signal */
	int timed_out;
	int truncated;			/* output beyond out_max was dropped */
};

/* Directories searched for a bare command name, in order. */
#define MG_EXEC_PATH \
    "/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/sbin:/usr/local/bin"

int mg_exec(const struct mg_exec_req *, struct mg_exec_res *, struct mg_err *);
int mg_exec_ok(const struct mg_exec_res *);
int mg_exec_run(const char *const *, int, struct mg_exec_res *,
    struct mg_err *);
void mg_exec_res_free(struct mg_exec_res *);
int mg_exec_tool(const char *const *, const char *, size_t, int,
    struct mg_str *, struct mg_err *);
int mg_exec_find(const char *, char *, size_t);
void mg_exec_describe(const struct mg_exec_req *, const struct mg_exec_res *,
    struct mg_err *);

#endif
