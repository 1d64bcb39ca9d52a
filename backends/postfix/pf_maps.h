/* pf_maps.h - lookup tables named by the configuration, read via postmap. */
#ifndef MG_PF_MAPS_H
#define MG_PF_MAPS_H

#include "../../core/mg_err.h"
#include "../../core/mg_model.h"

/* A table on another server is given this long, and all of them together
 * MG_PF_NET_MS: a report must not wait on an absent SQL or LDAP server. */
#define MG_PF_NET_ONE_MS 2000
#define MG_PF_NET_MS 3000
/* A table in a file: postmap answers at once, or something is wrong. */
#define MG_PF_LOCAL_MS 10000

/* The reason given for a table whose type postconf -m does not list. */
#define MG_PF_NOT_A_TYPE "is not a table type this Postfix has"

/* How tables can be read now (mg_pf_reader_init); every lookup bounded. */
struct mg_pf_reader {
	const char *dir;		/* postconf/postmap -c DIR */
	int master;			/* the master runs: proxymap answers */
	char **types;			/* postconf -m; NULL: not known */
	size_t ntypes;
	long net_ms;			/* left for tables on other servers */
	void (*note)(void *, const char *);	/* progress; may be NULL */
	void *note_arg;
};

/* How one table is read. */
enum mg_pf_route {
	MG_PF_LOCAL,		/* a file or built in: postmap answers */
	MG_PF_INNER,		/* proxy: without a master: its own table */
	MG_PF_PROXY,		/* proxy: through the running proxymap */
	MG_PF_NET,		/* another server: within MG_PF_NET_MS */
	MG_PF_UNREAD		/* cannot be read now; why says so */
};

int mg_pf_srcfile(struct mg_model *, const char *, struct mg_err *);
int mg_pf_map_ref(const char *, size_t, char *, size_t);
void mg_pf_maps_collect(struct mg_model *);
int mg_pf_master_running(const char *);
void mg_pf_reader_types(struct mg_pf_reader *, const char *);
void mg_pf_reader_init(struct mg_pf_reader *, const struct mg_model *,
    const char *);
void mg_pf_reader_free(struct mg_pf_reader *);
enum mg_pf_route mg_pf_map_route(const struct mg_pf_reader *, const char *,
    const char **, char *, size_t);
void mg_pf_maps_read(struct mg_model *, struct mg_pf_reader *);
void mg_pf_maps_ask_aliases(struct mg_model *, struct mg_pf_reader *);
size_t mg_pf_domains(const struct mg_model *, const char *, char **, size_t,
    size_t);
void mg_pf_map_parse_listing(struct mg_map *, const char *, int);
void mg_pf_map_parse_source(struct mg_map *, const struct mg_srcfile *);
void mg_pf_map_parse_answers(struct mg_map *, const char *,
    const char *const *, int);

#endif
