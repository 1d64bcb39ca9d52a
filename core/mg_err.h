/* mg_err.h - error reports a human can act on. */
#ifndef MG_ERR_H
#define MG_ERR_H

#define MG_ERR_MAX 512

struct mg_err {
	char msg[MG_ERR_MAX];
};

void mg_err_clear(struct mg_err *);
int mg_err_set(struct mg_err *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
int mg_err_errno(struct mg_err *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

#endif
