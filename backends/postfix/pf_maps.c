/*
 * pf_maps.c - the lookup tables the configuration names (access maps in
 * restrictions, tables in mynetworks, alias and virtual maps).  Postfix
 * lists a table with "postmap -s" (postalias -s for aliases) where its
 * type can be listed; cidr:, regexp: and pcre: tables cannot, and are
 * read from their source text (one "pattern result" per line).  Single
 * keys are asked with "postmap -q -", so the answer is Postfix's own.
 * A source file newer than its compiled table is marked stale.
 *
 * Every lookup is bounded.  A proxy: table is asked through proxymap only
 * while the master runs (postmap retries private/proxymap for a minute
 * and more otherwise); without it, a local inner table is read directly
 * and any other is not read.  A type postconf -m does not list is not
 * read at once, and tables on other servers (SQL, LDAP, tcp:) share a
 * few seconds.  A table not read keeps the reason in its error.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../../core/mg_exec.h"
#include "../../core/mg_file.h"
#include "../../core/mg_lines.h"
#include "../../core/mg_num.h"
#include "../../core/mg_str.h"
#include "pf_list.h"
#include "pf_maps.h"

/* Parameters whose values may name tables. */
static const char *const map_params[] = {
	"mynetworks", "alias_maps", "virtual_alias_maps",
	"virtual_mailbox_maps", "virtual_mailbox_domains",
	"virtual_alias_domains", "local_recipient_maps", "relay_domains",
	"relay_recipient_maps", "smtpd_sender_login_maps",
	"smtpd_client_restrictions",
	"smtpd_helo_restrictions", "smtpd_sender_restrictions",
	"smtpd_relay_restrictions", "smtpd_recipient_restrictions",
	"smtpd_data_restrictions", "smtpd_end_of_data_restrictions",
	"smtp_tls_policy_maps",
	NULL
};

/* Table types, and how each is read. */
enum how {
	HOW_ASK = 0,		/* only key by key (static:, unix:, sql...) */
	HOW_LIST,		/* postmap -s */
	HOW_COMPILED,		/* postmap -s; built from a source file */
	HOW_SOURCE		/* its source text is the table */
};

static const struct {
	const char *type;
	enum how how;
	const char *suffix;	/* compiled file: source + suffix */
} types[] = {
	{ "hash", HOW_COMPILED, ".db" },
	{ "btree", HOW_COMPILED, ".db" },
	{ "lmdb", HOW_COMPILED, ".lmdb" },
	{ "cdb", HOW_COMPILED, ".cdb" },
	{ "dbm", HOW_COMPILED, ".pag" },
	{ "sdbm", HOW_COMPILED, ".pag" },
	{ "texthash", HOW_LIST, NULL },
	{ "inline", HOW_LIST, NULL },
	{ "cidr", HOW_SOURCE, NULL },
	{ "regexp", HOW_SOURCE, NULL },
	{ "pcre", HOW_SOURCE, NULL },
	{ "static", HOW_ASK, NULL },
	{ "unix", HOW_ASK, NULL },
	{ "proxy", HOW_ASK, NULL },
	{ "mysql", HOW_ASK, NULL },
	{ "pgsql", HOW_ASK, NULL },
	{ "sqlite", HOW_ASK, NULL },
	{ "ldap", HOW_ASK, NULL },
	{ "tcp", HOW_ASK, NULL },
	{ "socketmap", HOW_ASK, NULL },
	{ "memcache", HOW_ASK, NULL },
	{ "nis", HOW_ASK, NULL },
	{ "nisplus", HOW_ASK, NULL },
	{ "environ", HOW_ASK, NULL },
	{ "fail", HOW_ASK, NULL },
	{ "randmap", HOW_ASK, NULL },
	{ "pipemap", HOW_ASK, NULL },
	{ "unionmap", HOW_ASK, NULL },
};

/* type_index - index in types[] of the table type ref starts with */
static int
type_index(const char *ref, size_t len)
{
	const char *colon = memchr(ref, ':', len);
	size_t i, n;

	if (colon == NULL)
		return (-1);
	n = (size_t)(colon - ref);
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		if (strlen(types[i].type) == n &&
		    strncmp(types[i].type, ref, n) == 0)
			return ((int)i);
	return (-1);
}

/* mg_pf_map_ref - is the list element a table ("type:name")?  Copies it */
int
mg_pf_map_ref(const char *elem, size_t len, char *out, size_t size)
{
	if (len == 0 || len >= size || type_index(elem, len) < 0)
		return (0);
	memcpy(out, elem, len);
	out[len] = '\0';
	return (1);
}

/* Types whose data is on another server (or may be: unionmap: and
 * pipemap: hold other tables): asked within the network time only. */
static const char *const net_types[] = {
	"mysql", "pgsql", "ldap", "tcp", "socketmap", "memcache", "nis",
	"nisplus", "unionmap", "pipemap", NULL
};

/* type_is - the type of ref (up to its first colon) is name */
static int
type_is(const char *ref, const char *name)
{
	size_t n = strlen(name);

	return (strncmp(ref, name, n) == 0 && ref[n] == ':');
}

/* is_net - ref's type is one of net_types */
static int
is_net(const char *ref)
{
	size_t i;

	for (i = 0; net_types[i] != NULL; i++)
		if (type_is(ref, net_types[i]))
			return (1);
	return (0);
}

/* supported - postconf -m lists ref's type (or the list is not known) */
static int
supported(const struct mg_pf_reader *r, const char *ref)
{
	size_t i;

	if (r->types == NULL)
		return (1);
	for (i = 0; i < r->ntypes; i++)
		if (type_is(ref, r->types[i]))
			return (1);
	return (0);
}

/*
 * mg_pf_map_route - how ref can be read now: *use is the table to give
 * postmap (ref itself, or a proxy: table's inner table); MG_PF_UNREAD
 * with the reason in why.
 */
enum mg_pf_route
mg_pf_map_route(const struct mg_pf_reader *r, const char *ref,
    const char **use, char *why, size_t size)
{
	const char *inner;
	size_t n;

	*use = ref;
	why[0] = '\0';
	for (inner = ref; type_is(inner, "proxy");)
		inner += 6;
	n = strcspn(inner, ":");
	if (!supported(r, ref) || !supported(r, inner)) {
		n = strcspn(supported(r, ref) ? inner : ref, ":");
		(void)snprintf(why, size, "%.*s: " MG_PF_NOT_A_TYPE " "
		    "(postconf -m does not list it; is the postfix-%.*s "
		    "package installed?)", (int)n,
		    supported(r, ref) ? inner : ref, (int)n, supported(r,
		    ref) ? inner : ref);
		return (MG_PF_UNREAD);
	}
	if (inner == ref)
		return (is_net(ref) ? MG_PF_NET : MG_PF_LOCAL);
	/* proxy:TYPE:NAME - proxymap(8) answers only while the master runs
	 * (postfix status: the pid in queue_directory/pid/master.pid). */
	if (r->master)
		return (is_net(inner) ? MG_PF_NET : MG_PF_PROXY);
	if (is_net(inner)) {
		(void)snprintf(why, size, "Postfix is not running, so "
		    "proxymap cannot answer, and %.*s: is not a local file "
		    "to read directly", (int)n, inner);
		return (MG_PF_UNREAD);
	}
	*use = inner;
	return (MG_PF_INNER);
}

/* mg_pf_master_running - is there a live process with the pid
 * queue_dir/pid/master.pid holds?  As postfix-script's status does. */
int
mg_pf_master_running(const char *queue_dir)
{
	struct mg_str path = MG_STR_INIT, text = MG_STR_INIT;
	struct mg_err err;
	unsigned long pid;
	const char *p;
	int running = 0;

	if (queue_dir == NULL || *queue_dir != '/')
		return (0);
	mg_str_printf(&path, "%s/pid/master.pid", queue_dir);
	if (mg_file_read(mg_str_cstr(&path), 64, &text, NULL, &err) == 0 &&
	    text.len > 0) {
		/* "%*lu\n": master writes the pid right-aligned */
		p = mg_str_cstr(&text);
		p += strspn(p, " ");
		text.data[strcspn(text.data, "\n")] = '\0';
		if (mg_parse_ulong(p, 2, INT_MAX, &pid, &err) == 0 &&
		    (kill((pid_t)pid, 0) == 0 || errno == EPERM))
			running = 1;
	}
	mg_str_free(&path);
	mg_str_free(&text);
	return (running);
}

/* mg_pf_reader_types - the table types postconf -m listed, one a line */
void
mg_pf_reader_types(struct mg_pf_reader *r, const char *text)
{
	const char *cur = text, *line;
	size_t len, cap = 0;

	while (mg_line_next(&cur, &line, &len)) {
		while (len > 0 && isspace((unsigned char)line[len - 1]))
			len--;
		if (len == 0)
			continue;
		*MG_ARRAY_PUSH(r->types, r->ntypes, cap) = mg_xstrndup(line,
		    len);
	}
	if (r->types == NULL)
		r->types = mg_xcalloc(1, sizeof(*r->types));
}

static int run_tool(const char *, const char *, const char *, const char *,
    const char *, const char *, int, struct mg_exec_res *, struct mg_err *);

/* mg_pf_reader_init - how tables can be read for the model of dir: is the
 * master running, which table types does postconf -m list */
void
mg_pf_reader_init(struct mg_pf_reader *r, const struct mg_model *m,
    const char *dir)
{
	struct mg_exec_res res;
	struct mg_err err;

	memset(r, 0, sizeof(*r));
	r->dir = dir;
	r->net_ms = MG_PF_NET_MS;
	r->master = mg_pf_master_running(mg_model_value(m,
	    "queue_directory"));
	if (run_tool("postconf", dir, "-m", NULL, NULL, NULL, 5000, &res,
	    &err) == 0) {
		mg_pf_reader_types(r, mg_str_cstr(&res.out));
		mg_exec_res_free(&res);
	}
}

/* mg_pf_reader_free - release; accepts NULL */
void
mg_pf_reader_free(struct mg_pf_reader *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->ntypes; i++)
		free(r->types[i]);
	free(r->types);
	memset(r, 0, sizeof(*r));
}

/* note - tell the operator what is being read */
static void
note(const struct mg_pf_reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
note(const struct mg_pf_reader *r, const char *fmt, ...)
{
	char buf[256];
	va_list ap;

	if (r->note == NULL)
		return;
	va_start(ap, fmt);
	(void)vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	r->note(r->note_arg, buf);
}

/* note_done - reading is over: the operator's line can be cleared */
static void
note_done(const struct mg_pf_reader *r)
{
	if (r->note != NULL)
		r->note(r->note_arg, NULL);
}

/* mg_pf_srcfile - read a configuration file into the model, once */
int
mg_pf_srcfile(struct mg_model *m, const char *path, struct mg_err *err)
{
	return (mg_model_read_file(m, path, err));
}

/* collect_value - the tables one list value names */
static void
collect_value(struct mg_model *m, const char *value)
{
	const char *cur, *elem;
	char ref[PATH_MAX + 64];
	size_t len;

	if (value == NULL)
		return;
	for (cur = value; mg_pf_list_next(&cur, &elem, &len);)
		if (mg_pf_map_ref(elem, len, ref, sizeof(ref)))
			(void)mg_model_map_add(m, ref);
}

/* mg_pf_maps_collect - every table named by the parameters that matter,
 * globally and in any service's overrides */
void
mg_pf_maps_collect(struct mg_model *m)
{
	const struct mg_param *p;
	size_t i, k;

	for (i = 0; map_params[i] != NULL; i++) {
		collect_value(m, mg_model_value(m, map_params[i]));
		for (k = 0; k < m->nservices; k++) {
			p = mg_service_override(&m->services[k],
			    map_params[i]);
			if (p != NULL)
				collect_value(m, p->value);
		}
	}
}

/* first_token_line - the source line whose first token is key (or
 * "key:" for aliases), compared without case as Postfix folds keys */
static unsigned
first_token_line(const struct mg_srcfile *f, const char *key)
{
	const char *line;
	size_t i, n = strlen(key), w;

	if (f == NULL)
		return (0);
	for (i = 0; i < f->nlines; i++) {
		line = f->lines[i];
		if (isspace((unsigned char)*line) || *line == '#')
			continue;
		w = strcspn(line, " \t");
		if (w > 0 && line[w - 1] == ':')
			w--;
		if (w == n && strncasecmp(line, key, n) == 0)
			return ((unsigned)i + 1);
	}
	return (0);
}

/*
 * mg_pf_map_parse_listing - "key<TAB>value" lines of postmap -s, or
 * "key: value" of postalias -s (aliases; Sendmail's "@" and YP_ entries
 * that postalias adds are not aliases and are skipped).
 */
void
mg_pf_map_parse_listing(struct mg_map *t, const char *text, int aliases)
{
	const char *cur = text, *line;
	char *key, *value;
	size_t len, k;

	while (mg_line_next(&cur, &line, &len)) {
		k = 0;
		while (k < len && line[k] != '\t' && line[k] != ' ')
			k++;
		if (k == 0)
			continue;
		key = mg_xstrndup(line, k);
		if (aliases && k > 1 && key[k - 1] == ':')
			key[k - 1] = '\0';
		while (k < len && (line[k] == '\t' || line[k] == ' '))
			k++;
		value = mg_xstrndup(line + k, len - k);
		if (!aliases || (strcmp(key, "@") != 0 &&
		    strncmp(key, "YP_", 3) != 0))
			(void)mg_map_entry_add(t, key, value, 0);
		free(key);
		free(value);
	}
	t->listed = 1;
}

/*
 * mg_pf_map_parse_source - cidr:, regexp:, pcre: tables: each line not
 * blank, comment or continuation is "pattern result".  A regexp pattern
 * runs to its closing delimiter (and flags); if/endif lines are kept as
 * entries so a reader sees them.
 */
void
mg_pf_map_parse_source(struct mg_map *t, const struct mg_srcfile *f)
{
	const char *line, *p;
	char *key, *value;
	size_t i, k;
	char delim;

	for (i = 0; i < f->nlines; i++) {
		line = f->lines[i];
		p = line + strspn(line, " \t");
		if (*p == '\0' || *p == '#' || p != line)
			continue;
		k = 0;
		if (strcmp(t->type, "cidr") != 0 && !type_is(t->name, "cidr") &&
		    (*p == '/' || *p == '!')) {
			if (*p == '!')
				k++;
			delim = p[k];
			for (k++; p[k] != '\0' && p[k] != delim; k++)
				if (p[k] == '\\' && p[k + 1] != '\0')
					k++;
			if (p[k] == delim)
				k++;
		}
		while (p[k] != '\0' && p[k] != ' ' && p[k] != '\t')
			k++;
		key = mg_xstrndup(p, k);
		p += k;
		p += strspn(p, " \t");
		value = mg_xstrdup(p);
		(void)mg_map_entry_add(t, key, value, (unsigned)i + 1);
		free(key);
		free(value);
	}
	t->listed = !f->truncated;
}

/* mg_pf_map_parse_answers - postmap -q - output: "key<TAB>value" for the
 * keys found; every asked key gets an answer (NULL: not found) */
void
mg_pf_map_parse_answers(struct mg_map *t, const char *text,
    const char *const *keys, int aliases)
{
	const char *cur, *line;
	char *value;
	size_t i, len, n, v;

	for (i = 0; keys[i] != NULL; i++) {
		if (mg_map_answer(t, keys[i]) != NULL)
			continue;
		n = strlen(keys[i]);
		value = NULL;
		for (cur = text; value == NULL &&
		    mg_line_next(&cur, &line, &len);) {
			if (len <= n || strncasecmp(line, keys[i], n) != 0)
				continue;
			v = n;
			if (aliases && line[v] == ':')
				v++;
			if (line[v] != '\t' && line[v] != ' ')
				continue;
			v += strspn(line + v, " \t");
			value = mg_xstrndup(line + v, len - v);
		}
		(void)mg_map_answer_add(t, keys[i], value);
		free(value);
	}
}

/* run_tool - postmap/postalias -c DIR args..., stdin from input, killed
 * after ms */
static int
run_tool(const char *tool, const char *dir, const char *a1, const char *a2,
    const char *a3, const char *input, int ms, struct mg_exec_res *res,
    struct mg_err *err)
{
	const char *argv[] = { tool, "-c", dir, a1, a2, a3, NULL };
	struct mg_exec_req req;

	memset(&req, 0, sizeof(req));
	req.argv = argv;
	req.input = input;
	req.input_len = input != NULL ? strlen(input) : 0;
	req.timeout_ms = ms;
	if (mg_exec(&req, res, err) < 0) {
		mg_exec_res_free(res);
		return (-1);
	}
	if (res->timed_out) {
		(void)mg_err_set(err, "%s %s: no answer within %.1f s", tool,
		    a3 != NULL ? a3 : a2 != NULL ? a2 : "", ms / 1000.0);
		mg_exec_res_free(res);
		return (-1);
	}
	/* postmap -q exits 1 when nothing was found: not an error */
	if (!res->exited || res->timed_out || res->exit_code > 1 ||
	    (res->exit_code == 1 && res->err.len > 0)) {
		mg_exec_describe(&req, res, err);
		mg_exec_res_free(res);
		return (-1);
	}
	return (0);
}

/* set_error - the table could not be read, and why */
static void
set_error(struct mg_map *t, const char *msg)
{
	free(t->error);
	t->error = mg_xstrdup(msg);
}

/* check_compiled - the compiled file exists and is not older than its
 * source; a missing source (built elsewhere) is fine */
static void
check_compiled(struct mg_map *t, const char *name, const char *suffix)
{
	struct stat src, db;
	struct mg_str path = MG_STR_INIT;

	mg_str_printf(&path, "%s%s", name, suffix);
	if (stat(name, &src) == 0) {
		t->source = mg_xstrdup(name);
		if (stat(mg_str_cstr(&path), &db) < 0) {
			mg_str_free(&path);
			mg_str_printf(&path, "%s%s missing: the table was "
			    "never built (postmap)", name, suffix);
			set_error(t, mg_str_cstr(&path));
		} else if (src.st_mtim.tv_sec > db.st_mtim.tv_sec ||
		    (src.st_mtim.tv_sec == db.st_mtim.tv_sec &&
		    src.st_mtim.tv_nsec > db.st_mtim.tv_nsec))
			t->stale = 1;
	}
	mg_str_free(&path);
}

/* is_alias_map - does alias_maps name this table? */
static int
is_alias_map(const struct mg_model *m, const char *ref)
{
	const char *cur, *elem, *value = mg_model_value(m, "alias_maps");
	size_t len;

	if (value == NULL)
		return (0);
	for (cur = value; mg_pf_list_next(&cur, &elem, &len);)
		if (len == strlen(ref) && strncmp(elem, ref, len) == 0)
			return (1);
	return (0);
}

/* now_ms - a monotonic clock in milliseconds */
static long
now_ms(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/*
 * route - how t can be read now (mg_pf_map_route); an unreadable table
 * gets its reason as error.  A proxy: table read from its inner table is
 * said once in the warnings, so the operator knows whose answer it is.
 */
static enum mg_pf_route
route(struct mg_model *m, const struct mg_pf_reader *r, struct mg_map *t,
    const char **use)
{
	enum mg_pf_route how;
	struct mg_str s = MG_STR_INIT;
	char why[512];
	size_t i;

	how = mg_pf_map_route(r, t->ref, use, why, sizeof(why));
	if (how == MG_PF_UNREAD && t->error == NULL)
		set_error(t, why);
	if (how != MG_PF_INNER)
		return (how);
	mg_str_printf(&s, "%s: read directly as %s (Postfix is not running, "
	    "so proxymap cannot answer)", t->ref, *use);
	for (i = 0; i < m->nwarnings; i++)
		if (strcmp(m->warnings[i], mg_str_cstr(&s)) == 0)
			break;
	if (i == m->nwarnings)
		mg_model_warn(m, mg_str_cstr(&s));
	mg_str_free(&s);
	return (how);
}

/* read_map - list one table (or read its source), note staleness; a
 * proxy: table whose inner table is local is listed from that */
static void
read_map(struct mg_model *m, struct mg_pf_reader *r, struct mg_map *t)
{
	struct mg_exec_res res;
	struct mg_err err;
	const struct mg_srcfile *f;
	const char *use, *name;
	enum mg_pf_route how;
	int ti, aliases;

	how = route(m, r, t, &use);
	if (how == MG_PF_UNREAD || how == MG_PF_NET)
		return;
	if (how == MG_PF_PROXY)
		use = t->name;	/* listing reads the file, not proxymap */
	ti = type_index(use, strlen(use));
	if (ti < 0 || types[ti].how == HOW_ASK)
		return;
	name = use + strlen(types[ti].type) + 1;
	aliases = is_alias_map(m, t->ref);
	if (types[ti].how == HOW_SOURCE) {
		if (mg_pf_srcfile(m, name, &err) < 0) {
			set_error(t, err.msg);
			return;
		}
		t->source = mg_xstrdup(name);
		mg_pf_map_parse_source(t, mg_model_file(m, name));
		return;
	}
	if (types[ti].how == HOW_COMPILED) {
		check_compiled(t, name, types[ti].suffix);
		if (t->error != NULL)
			return;
	} else if (strcmp(types[ti].type, "texthash") == 0)
		t->source = mg_xstrdup(name);
	if (t->source != NULL && mg_pf_srcfile(m, t->source, &err) < 0)
		mg_model_warn(m, err.msg);
	if (run_tool(aliases ? "postalias" : "postmap", r->dir, "-s", use,
	    NULL, NULL, MG_PF_LOCAL_MS, &res, &err) < 0) {
		set_error(t, err.msg);
		return;
	}
	mg_pf_map_parse_listing(t, mg_str_cstr(&res.out), aliases);
	if (res.truncated)
		t->listed = 0;
	mg_exec_res_free(&res);
	f = t->source != NULL ? mg_model_file(m, t->source) : NULL;
	for (size_t i = 0; i < t->nentries; i++)
		t->entries[i].line = first_token_line(f, t->entries[i].key);
}

/* mg_pf_maps_read - read every collected table */
void
mg_pf_maps_read(struct mg_model *m, struct mg_pf_reader *r)
{
	size_t i;

	for (i = 0; i < m->nmaps; i++) {
		note(r, "reading table %zu/%zu: %s", i + 1, m->nmaps,
		    m->maps[i].ref);
		read_map(m, r, &m->maps[i]);
	}
	note_done(r);
}

/* is_passwd - unix:passwd.byname, directly or through proxymap */
static int
is_passwd(const char *ref)
{
	if (strncmp(ref, "proxy:", 6) == 0)
		ref += 6;
	return (strcmp(ref, "unix:passwd.byname") == 0);
}

/*
 * ask_passwd - the answers of unix:passwd.byname, as dict_unix(3) gives
 * them: getpwnam(3) of the key, on this host (proxymap runs here too);
 * the answer is the passwd line.  An address key is never an account.
 */
static void
ask_passwd(struct mg_map *t, const char *const *keys)
{
	const struct passwd *pw;
	struct mg_str v = MG_STR_INIT;
	size_t i;

	for (i = 0; keys[i] != NULL; i++) {
		if (mg_map_answer(t, keys[i]) != NULL)
			continue;
		pw = strchr(keys[i], '@') == NULL ? getpwnam(keys[i]) : NULL;
		if (pw == NULL) {
			(void)mg_map_answer_add(t, keys[i], NULL);
			continue;
		}
		mg_str_printf(&v, "%s:x:%lu:%lu::%s:%s", pw->pw_name,
		    (unsigned long)pw->pw_uid, (unsigned long)pw->pw_gid,
		    pw->pw_dir, pw->pw_shell);
		(void)mg_map_answer_add(t, keys[i], mg_str_cstr(&v));
		mg_str_reset(&v);
	}
	mg_str_free(&v);
}

/*
 * ask - the answers of one table to keys, through postmap -q -.  A table
 * on another server gets what is left of the network time (a table that
 * failed is not asked again); one that cannot be read now is not asked.
 */
static void
ask(struct mg_model *m, struct mg_pf_reader *r, const char *ref,
    const char *const *keys, int aliases)
{
	struct mg_map *t = mg_model_map_add(m, ref);
	struct mg_str input = MG_STR_INIT;
	struct mg_exec_res res;
	struct mg_err err;
	enum mg_pf_route how;
	const char *use;
	long ms = MG_PF_LOCAL_MS, t0;
	size_t i;

	if (is_passwd(ref)) {
		ask_passwd(t, keys);
		return;
	}
	how = route(m, r, t, &use);
	if (how == MG_PF_UNREAD)
		return;
	if (how == MG_PF_NET) {
		if (t->error != NULL)
			return;
		if (r->net_ms <= 0) {
			mg_str_printf(&input, "not asked: the %.0f s allowed "
			    "for tables on other servers were spent on the "
			    "ones before it", MG_PF_NET_MS / 1000.0);
			set_error(t, mg_str_cstr(&input));
			mg_str_free(&input);
			return;
		}
		ms = r->net_ms < MG_PF_NET_ONE_MS ? r->net_ms :
		    MG_PF_NET_ONE_MS;
	}
	note(r, "asking %s", ref);
	for (i = 0; keys[i] != NULL; i++)
		mg_str_printf(&input, "%s\n", keys[i]);
	t0 = now_ms();
	if (run_tool(aliases ? "postalias" : "postmap", r->dir, "-q", "-",
	    use, mg_str_cstr(&input), (int)ms, &res, &err) < 0) {
		if (how == MG_PF_NET && strstr(err.msg, "no answer") != NULL)
			(void)snprintf(err.msg + strlen(err.msg),
			    sizeof(err.msg) - strlen(err.msg), " (is its "
			    "server reachable from here?)");
		if (t->error == NULL)
			set_error(t, err.msg);
	} else {
		mg_pf_map_parse_answers(t, mg_str_cstr(&res.out), keys,
		    aliases);
		mg_exec_res_free(&res);
	}
	if (how == MG_PF_NET)
		r->net_ms -= now_ms() - t0;
	mg_str_free(&input);
}

/* add_key - append a key to a NULL-terminated, bounded list (no dups) */
static void
add_key(char **keys, size_t *n, size_t max, const char *user,
    const char *domain)
{
	struct mg_str s = MG_STR_INIT;
	size_t i;

	if (*n + 1 >= max)
		return;
	if (domain != NULL)
		mg_str_printf(&s, "%s@%s", user, domain);
	else
		mg_str_printf(&s, "%s", user);
	for (i = 0; i < *n; i++)
		if (strcmp(keys[i], mg_str_cstr(&s)) == 0) {
			mg_str_free(&s);
			return;
		}
	keys[(*n)++] = mg_str_steal(&s);
	keys[*n] = NULL;
}

/* domain_word - could this table key be a domain name?  (Keys of a
 * table used as a domain list; a bare local part has no dot.) */
static int
domain_word(const char *key)
{
	const char *p;

	if (strchr(key, '.') == NULL || *key == '.')
		return (0);
	for (p = key; *p != '\0'; p++)
		if (!isalnum((unsigned char)*p) && *p != '.' && *p != '-')
			return (0);
	return (1);
}

/* add_domain - append one name (no duplicates, case folded as Postfix
 * compares domains); 0 when the list is full */
static int
add_domain(char **doms, size_t *n, size_t max, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (strlen(doms[i]) == len && strncasecmp(doms[i], name,
		    len) == 0)
			return (1);
	if (*n + 1 >= max)
		return (0);
	doms[(*n)++] = mg_xstrndup(name, len);
	doms[*n] = NULL;
	return (1);
}

/*
 * mg_pf_domains - the domains a list parameter names: its literal words,
 * and the domain keys of the tables in it that were listed in full (as
 * virtual_alias_domains = $virtual_alias_maps, Postfix's default: a
 * domain is one when the table has an entry for it).  Appended to doms,
 * NULL-terminated, at most max - 1; the caller frees each string.
 */
size_t
mg_pf_domains(const struct mg_model *m, const char *param, char **doms,
    size_t n, size_t max)
{
	const char *cur, *elem, *value = mg_model_value(m, param);
	const struct mg_map *t;
	char ref[PATH_MAX + 64];
	size_t len, i;

	for (cur = value != NULL ? value : ""; mg_pf_list_next(&cur, &elem,
	    &len);) {
		if (mg_pf_map_ref(elem, len, ref, sizeof(ref))) {
			t = mg_model_map(m, ref);
			for (i = 0; t != NULL && t->listed && i < t->nentries;
			    i++)
				if (domain_word(t->entries[i].key) &&
				    !add_domain(doms, &n, max,
				    t->entries[i].key,
				    strlen(t->entries[i].key)))
					return (n);
			continue;
		}
		if (len >= 256 || memchr(elem, ':', len) != NULL ||
		    *elem == '/')
			continue;
		if (!add_domain(doms, &n, max, elem, len))
			return (n);
	}
	return (n);
}

#define MAX_KEYS 200
#define MAX_DOMS 48

/* ask_param - ask every table of a parameter; alias tables through
 * postalias (their keys are stored differently) */
static void
ask_param(struct mg_model *m, struct mg_pf_reader *r, const char *param,
    const char *const *keys)
{
	const char *cur, *elem, *value = mg_model_value(m, param);
	char ref[PATH_MAX + 64];
	size_t len;

	for (cur = value != NULL ? value : ""; mg_pf_list_next(&cur, &elem,
	    &len);)
		if (mg_pf_map_ref(elem, len, ref, sizeof(ref)))
			ask(m, r, ref, keys, is_alias_map(m, ref));
}

/*
 * mg_pf_maps_ask_aliases - ask every table Postfix would consult for
 * root and postmaster, with the keys it uses (virtual(5), local(8),
 * smtpd's recipient check): alias_maps by local part;
 * virtual_alias_maps, virtual_mailbox_maps and local_recipient_maps by
 * user@domain, the local part (for local domains) and the @domain
 * catch-all, for localhost and every local or virtual domain.
 */
void
mg_pf_maps_ask_aliases(struct mg_model *m, struct mg_pf_reader *r)
{
	static const char *const users[] = { "root", "postmaster", NULL };
	static const char *const aparams[] = { "virtual_alias_maps",
	    "virtual_mailbox_maps", "local_recipient_maps", NULL };
	char *doms[MAX_DOMS], *keys[MAX_KEYS];
	size_t nd = 0, nk = 0, i, u;

	doms[0] = keys[0] = NULL;
	nd = mg_pf_domains(m, "mydestination", doms, nd, MAX_DOMS);
	nd = mg_pf_domains(m, "virtual_mailbox_domains", doms, nd, MAX_DOMS);
	nd = mg_pf_domains(m, "virtual_alias_domains", doms, nd, MAX_DOMS);
	nd = mg_pf_domains(m, "myhostname", doms, nd, MAX_DOMS);
	nd = mg_pf_domains(m, "mydomain", doms, nd, MAX_DOMS);
	(void)add_domain(doms, &nd, MAX_DOMS, "localhost", 9);
	for (u = 0; users[u] != NULL; u++)
		add_key(keys, &nk, MAX_KEYS, users[u], NULL);
	for (i = 0; i < nd; i++) {
		for (u = 0; users[u] != NULL; u++)
			add_key(keys, &nk, MAX_KEYS, users[u], doms[i]);
		add_key(keys, &nk, MAX_KEYS, "", doms[i]);
	}
	ask_param(m, r, "alias_maps", users);
	for (u = 0; aparams[u] != NULL && nk > 0; u++)
		ask_param(m, r, aparams[u], (const char *const *)keys);
	note_done(r);
	for (i = 0; i < nd; i++)
		free(doms[i]);
	for (i = 0; i < nk; i++)
		free(keys[i]);
}
