/* mg_secure_dir.h - a directory only root (or we) can change, up to /. */
#ifndef MG_SECURE_DIR_H
#define MG_SECURE_DIR_H

#include "mg_err.h"

int mg_secure_dir(const char *, struct mg_err *);
int mg_private_dir(const char *, int, struct mg_err *);

#endif
