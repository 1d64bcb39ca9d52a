/* mg_json.h - a small streaming JSON writer (valid output, escaped strings). */
#ifndef MG_JSON_H
#define MG_JSON_H

#include <stddef.h>

#include "mg_str.h"

#define MG_JSON_DEPTH 32

struct mg_json {
	struct mg_str *out;
	int depth;
	int count[MG_JSON_DEPTH];	/* values written at each level */
	char closer[MG_JSON_DEPTH];	/* '}' or ']' per level */
	int after_key;
	int pretty;
};

void mg_json_init(struct mg_json *, struct mg_str *, int);
void mg_json_object(struct mg_json *);
void mg_json_array(struct mg_json *);
void mg_json_end(struct mg_json *);
void mg_json_key(struct mg_json *, const char *);
void mg_json_string(struct mg_json *, const char *);
void mg_json_stringn(struct mg_json *, const char *, size_t);
void mg_json_int(struct mg_json *, long long);
void mg_json_uint(struct mg_json *, unsigned long long);
void mg_json_double(struct mg_json *, double);
void mg_json_bool(struct mg_json *, int);
void mg_json_null(struct mg_json *);
void mg_json_kv_string(struct mg_json *, const char *, const char *);
void mg_json_kv_int(struct mg_json *, const char *, long long);

#endif
