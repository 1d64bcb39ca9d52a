/*
 * pf_sasl.c - who can log in to Postfix's smtpd with SASL, and how.  smtpd
 * hands AUTH to Cyrus SASL or to Dovecot (smtpd_sasl_type, per service with
 * -o).  Cyrus reads <smtpd_sasl_path>.conf, the first found in
 * cyrus_sasl_config_path (Debian's Postfix, when that is empty:
 * $config_directory/sasl, then /usr/lib/sasl2), and checks passwords in a
 * sasldb (listed here with "sasldblistusers2 -f") or asks saslauthd, which
 * on Debian asks PAM: every system account with a password.  For Dovecot
 * its passdb decides ("doveconf -n", where Dovecot is installed; Debian's
 * default is PAM).  Nothing here fails the report: what cannot be read
 * becomes a model warning, and users_complete stays 0.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../../core/mg_exec.h"
#include "../../core/mg_file.h"
#include "../../core/mg_lines.h"
#include "../../core/mg_num.h"
#include "../../core/mg_str.h"
#include "pf_maps.h"
#include "pf_sasl.h"

#define SASLDB_DEFAULT "/etc/sasldb2"	/* Cyrus's sasldb_path default */
#define SASLAUTHD_DEFAULTS "/etc/default/saslauthd"
#define PASSWD_FILE "/etc/passwd"
#define BACKENDS_MAX 4
#define TOOL_TIMEOUT_MS 30000

/* smtpd.conf options that say who can log in (Cyrus "Options" doc).
 * Others (sql_passwd, ldapdb_pw...) may hold secrets: never copied. */
static const char *const conf_keys[] = {
	"pwcheck_method", "auxprop_plugin", "sasldb_path", "mech_list",
	"saslauthd_path", NULL
};

/* One SASL setup a service uses, as that service sees the parameters. */
struct backend {
	const char *type;	/* smtpd_sasl_type: "cyrus", "dovecot" */
	const char *path;	/* smtpd_sasl_path */
	const char *confpath;	/* cyrus_sasl_config_path */
};

/* What the walk over the backends found. */
struct found {
	struct mg_str desc;	/* users_backend: "; " between backends */
	int complete;		/* every backend listed its accounts */
	int system;		/* some backend checks system accounts */
	const char *passwd;	/* /etc/passwd text, or NULL if unread */
};

/* yes - a Postfix boolean that is on (mail_conf_bool: yes/no, any case) */
static int
yes(const char *v)
{
	return (v != NULL && strcasecmp(v, "yes") == 0);
}

/* str_or - s, or def when s is NULL or empty */
static const char *
str_or(const char *s, const char *def)
{
	return (s != NULL && *s != '\0' ? s : def);
}

/* same - two strings equal, NULL equal to NULL */
static int
same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == b);
	return (strcmp(a, b) == 0);
}

/* add_backend - the setup of service s (NULL: the global one), once */
static void
add_backend(const struct mg_model *m, const struct mg_service *s,
    struct backend *b, size_t *n)
{
	struct backend nb;
	size_t i;

	nb.type = str_or(mg_service_value(m, s, "smtpd_sasl_type", NULL),
	    "cyrus");
	nb.path = str_or(mg_service_value(m, s, "smtpd_sasl_path", NULL),
	    "smtpd");
	nb.confpath = mg_service_value(m, s, "cyrus_sasl_config_path",
	    NULL);
	for (i = 0; i < *n; i++)
		if (same(b[i].type, nb.type) && same(b[i].path, nb.path) &&
		    same(b[i].confpath, nb.confpath))
			return;
	if (*n < BACKENDS_MAX)
		b[(*n)++] = nb;
}

/* collect_backends - the setups of every smtpd service that offers AUTH;
 * without master.cf, the global settings */
static void
collect_backends(const struct mg_model *m, struct backend *b, size_t *n)
{
	const struct mg_service *s;
	size_t i;

	*n = 0;
	for (i = 0; i < m->nservices; i++) {
		s = &m->services[i];
		if (s->command == NULL || strcmp(s->command, "smtpd") != 0)
			continue;
		if (yes(mg_service_value(m, s, "smtpd_sasl_auth_enable",
		    NULL)))
			add_backend(m, s, b, n);
	}
	if (m->nservices == 0 &&
	    yes(mg_model_value(m, "smtpd_sasl_auth_enable")))
		add_backend(m, NULL, b, n);
}

static void describe(struct found *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
static void warnf(struct mg_model *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

/* describe - append one backend's description */
static void
describe(struct found *fd, const char *fmt, ...)
{
	va_list ap;

	if (fd->desc.len > 0)
		mg_str_puts(&fd->desc, "; ");
	va_start(ap, fmt);
	mg_str_vprintf(&fd->desc, fmt, ap);
	va_end(ap);
}

/* warnf - a model warning, formatted */
static void
warnf(struct mg_model *m, const char *fmt, ...)
{
	struct mg_str s = MG_STR_INIT;
	va_list ap;

	mg_str_init(&s);
	va_start(ap, fmt);
	mg_str_vprintf(&s, fmt, ap);
	va_end(ap);
	mg_model_warn(m, mg_str_cstr(&s));
	mg_str_free(&s);
}

/*
 * mg_pf_sasl_conf_parse - the options of a Cyrus smtpd.conf that say who
 * can log in, with their lines, as the library reads the file: "option:
 * value", option letters folded to lower case, blank and "#" lines
 * skipped.  A line of another form makes Cyrus refuse the whole file
 * (SASL_CONFIGERR; smtpd then cannot offer AUTH): -1 and a warning.
 */
int
mg_pf_sasl_conf_parse(struct mg_model *m, const struct mg_srcfile *f)
{
	const char *p, *key, *val;
	char name[64], *value;
	size_t i, k, klen, vlen;

	for (i = 0; i < f->nlines; i++) {
		p = f->lines[i];
		p += strspn(p, " \t\r");
		if (*p == '\0' || *p == '#')
			continue;
		key = p;
		while (isalnum((unsigned char)*p) || *p == '-' || *p == '_')
			p++;
		klen = (size_t)(p - key);
		/* a line of the key alone ends at p: nothing past it */
		val = *p != '\0' ? p + 1 : p;
		val += strspn(val, " \t");
		vlen = strlen(val);
		while (vlen > 0 && isspace((unsigned char)val[vlen - 1]))
			vlen--;
		if (*p != ':' || vlen == 0 || klen == 0) {
			warnf(m, "%s:%zu: not \"option: value\"; Cyrus SASL "
			    "rejects the whole file and smtpd cannot offer "
			    "AUTH", f->path, i + 1);
			return (-1);
		}
		if (klen >= sizeof(name))
			continue;
		for (k = 0; k < klen; k++)
			name[k] = (char)tolower((unsigned char)key[k]);
		name[klen] = '\0';
		for (k = 0; conf_keys[k] != NULL; k++)
			if (strcmp(name, conf_keys[k]) == 0)
				break;
		if (conf_keys[k] == NULL)
			continue;
		value = mg_xstrndup(val, vlen);
		(void)mg_model_auth_add(m, name, value, f->path,
		    (unsigned)i + 1);
		free(value);
	}
	return (0);
}

/* conf_value - the option as the file read last sets it (Cyrus takes an
 * option's first line), or NULL */
static const struct mg_param *
conf_value(const struct mg_model *m, size_t from, const char *name)
{
	size_t i;

	for (i = from; i < m->nauth; i++)
		if (strcmp(m->auth[i].name, name) == 0)
			return (&m->auth[i]);
	return (NULL);
}

/* has_other - does a space-separated list hold a word other than word? */
static int
has_other(const char *list, const char *word)
{
	const char *p = list;
	size_t n = strlen(word), w;

	while (*p != '\0') {
		p += strspn(p, " \t,");
		w = strcspn(p, " \t,");
		if (w > 0 && (w != n || strncasecmp(p, word, n) != 0))
			return (1);
		p += w;
	}
	return (0);
}

/* mg_pf_sasl_has_word - does a list separated by spaces or commas (a
 * mech_list, MECHANISMS, smtpd_sasl_security_options) hold word, in any
 * case? */
int
mg_pf_sasl_has_word(const char *list, const char *word)
{
	const char *p = list;
	size_t n = strlen(word), w;

	while (p != NULL && *p != '\0') {
		p += strspn(p, " \t,");
		w = strcspn(p, " \t,");
		if (w == n && strncasecmp(p, word, n) == 0)
			return (1);
		p += w;
	}
	return (0);
}

/*
 * mg_pf_sasldb_parse - sasldblistusers2 output: "user@realm: property",
 * one line per stored secret.  The realm is what follows the last "@"
 * (saslpasswd2 itself splits user@realm there); each account once.
 * Returns the number of accounts added.
 */
size_t
mg_pf_sasldb_parse(struct mg_model *m, const char *text, const char *source)
{
	const char *cur = text, *line, *colon, *at;
	char *who, *name, *realm;
	size_t len, n = 0, k;

	while (mg_line_next(&cur, &line, &len)) {
		colon = NULL;
		for (k = len; k > 1; k--)
			if (line[k - 2] == ':' && line[k - 1] == ' ') {
				colon = line + k - 2;
				break;
			}
		if (colon == NULL || colon == line)
			continue;
		who = mg_xstrndup(line, (size_t)(colon - line));
		at = strrchr(who, '@');
		if (at != NULL && at != who && at[1] != '\0') {
			name = mg_xstrndup(who, (size_t)(at - who));
			realm = mg_xstrdup(at + 1);
		} else {
			name = mg_xstrdup(who);
			realm = NULL;
		}
		for (k = 0; k < m->nusers; k++)
			if (strcmp(m->users[k].name, name) == 0 &&
			    same(m->users[k].realm, realm) &&
			    same(m->users[k].source, source))
				break;
		if (k == m->nusers) {
			(void)mg_model_user_add(m, name, realm, source);
			n++;
		}
		free(who);
		free(name);
		free(realm);
	}
	return (n);
}

/* login_shell - a shell someone can log in with ("" is /bin/sh) */
static int
login_shell(const char *shell, size_t len)
{
	static const char *const no[] = { "nologin", "false", "sync",
	    "shutdown", "halt", NULL };
	const char *base = shell;
	size_t i, k, blen;

	for (k = 0; k < len; k++)
		if (shell[k] == '/')
			base = shell + k + 1;
	blen = len - (size_t)(base - shell);
	for (i = 0; no[i] != NULL; i++)
		if (strlen(no[i]) == blen && strncmp(base, no[i], blen) == 0)
			return (0);
	return (1);
}

/*
 * mg_pf_sasl_passwd - passwd(5) text: each account already in the model
 * gets the uid of the host account of the same name; with add_login, the
 * accounts that have a login shell are added (source MG_PF_SASL_SYSTEM):
 * through PAM or shadow, each of them with a password can log in.
 */
void
mg_pf_sasl_passwd(struct mg_model *m, const char *text, int add_login)
{
	const char *cur = text, *line, *f[7];
	char *name, *num;
	unsigned long uid;
	size_t len, flen[7], n, i, k, nusers = m->nusers;
	struct mg_user *u;

	while (mg_line_next(&cur, &line, &len)) {
		for (n = 0, i = 0; n < 7 && i <= len; n++) {
			f[n] = line + i;
			for (k = i; k < len && line[k] != ':'; k++)
				;
			flen[n] = k - i;
			i = k + 1;
		}
		if (n < 7 || flen[0] == 0 || *line == '#' || *line == '+' ||
		    *line == '-')
			continue;
		num = mg_xstrndup(f[2], flen[2]);
		if (mg_parse_ulong(num, 0, 0x7fffffffUL, &uid, NULL) < 0) {
			free(num);
			continue;
		}
		free(num);
		name = mg_xstrndup(f[0], flen[0]);
		for (k = 0; k < nusers; k++)
			if (strcmp(m->users[k].name, name) == 0)
				m->users[k].uid = (long)uid;
		if (add_login && login_shell(f[6], flen[6])) {
			u = mg_model_user_add(m, name, NULL,
			    MG_PF_SASL_SYSTEM);
			u->uid = (long)uid;
		}
		free(name);
	}
}

/*
 * mg_pf_saslauthd_parse - MECHANISMS in Debian's /etc/default/saslauthd,
 * a shell fragment: the last assignment wins, quotes are dropped.  The
 * setting goes into the model with its line; NULL if none.
 */
const struct mg_param *
mg_pf_saslauthd_parse(struct mg_model *m, const struct mg_srcfile *f)
{
	const char *p;
	char *value;
	size_t i, found = 0, vlen;

	for (i = 0; i < f->nlines; i++) {
		p = f->lines[i] + strspn(f->lines[i], " \t");
		if (strncmp(p, "export ", 7) == 0)
			p += 7 + strspn(p + 7, " \t");
		if (strncmp(p, "MECHANISMS=", 11) == 0)
			found = i + 1;
	}
	if (found == 0)
		return (NULL);
	p = f->lines[found - 1];
	p = strstr(p, "MECHANISMS=") + 11;
	if (*p == '"' || *p == '\'') {
		vlen = strcspn(p + 1, *p == '"' ? "\"" : "'");
		p++;
	} else
		vlen = strcspn(p, " \t#;");
	value = mg_xstrndup(p, vlen);
	(void)mg_model_auth_add(m, "MECHANISMS", value, f->path,
	    (unsigned)found);
	free(value);
	return (&m->auth[m->nauth - 1]);
}

/*
 * mg_pf_doveconf_parse - the passdb sections of "doveconf -n": each adds
 * a "passdb" setting (its driver; Dovecot 2.4 may name it in the section
 * header, "passdb pam {") and, if given, "passdb_args".  Returns how many.
 */
size_t
mg_pf_doveconf_parse(struct mg_model *m, const char *text)
{
	const char *cur = text, *line, *p;
	char *left, *value, *driver = NULL, *args = NULL, *t;
	size_t len, n = 0, tl;
	int depth = 0, in = 0;

	while (mg_line_next(&cur, &line, &len)) {
		t = mg_xstrndup(line, len);
		p = t + strspn(t, " \t");
		tl = strlen(p);
		while (tl > 0 && isspace((unsigned char)p[tl - 1]))
			tl--;
		if (tl > 0 && p[tl - 1] == '{') {
			if (depth == 0 && strncmp(p, "passdb", 6) == 0 &&
			    (p[6] == ' ' || p[6] == '{')) {
				in = 1;
				left = mg_xstrndup(p + 6, tl - 7);
				value = left + strspn(left, " \t");
				value[strcspn(value, " \t")] = '\0';
				driver = *value != '\0' ? mg_xstrdup(value) :
				    NULL;
				free(left);
			}
			depth++;
		} else if (tl > 0 && *p == '}') {
			if (--depth == 0 && in) {
				(void)mg_model_auth_add(m, "passdb",
				    str_or(driver, "(unknown)"), NULL, 0);
				if (args != NULL)
					(void)mg_model_auth_add(m,
					    "passdb_args", args, NULL, 0);
				n++;
				in = 0;
				free(driver);
				free(args);
				driver = args = NULL;
			}
			if (depth < 0)
				depth = 0;
		} else if (in && depth == 1 &&
		    mg_line_assignment(p, tl, &left, &value) == 0) {
			left[strcspn(left, " \t")] = '\0';
			if (strcmp(left, "driver") == 0) {
				free(driver);
				driver = value;
				value = NULL;
			} else if (strcmp(left, "args") == 0) {
				free(args);
				args = value;
				value = NULL;
			}
			free(left);
			free(value);
		}
		free(t);
	}
	free(driver);
	free(args);
	return (n);
}

/* list_sasldb - the accounts of one sasldb, via sasldblistusers2 -f;
 * 0 if it was listed completely */
static int
list_sasldb(struct mg_model *m, const char *db)
{
	const char *argv[] = { "sasldblistusers2", "-f", db, NULL };
	struct mg_exec_req req;
	struct mg_exec_res res;
	struct mg_str src = MG_STR_INIT;
	struct mg_err err;
	struct stat st;
	char bin[PATH_MAX];
	int rc = 0;

	if (stat(db, &st) < 0) {
		/* Cyrus then refuses every password: nobody logs in. */
		warnf(m, "sasldb %s: %s (no account can log in through it)",
		    db, strerror(errno));
		return (errno == ENOENT ? 0 : -1);
	}
	/* sasldblistusers2 says only "listusers failed" (and exits 0) */
	if (faccessat(AT_FDCWD, db, R_OK, AT_EACCESS) < 0) {
		mg_str_printf(&src, "sasldb %s not read: %s", db,
		    strerror(errno));
		mg_model_unread(m, mg_str_cstr(&src));
		mg_str_free(&src);
		return (-1);
	}
	if (mg_exec_find("sasldblistusers2", bin, sizeof(bin)) < 0) {
		warnf(m, "sasldb %s not listed: sasldblistusers2 is not "
		    "installed (Debian package sasl2-bin)", db);
		return (-1);
	}
	memset(&req, 0, sizeof(req));
	req.argv = argv;
	req.timeout_ms = TOOL_TIMEOUT_MS;
	if (mg_exec(&req, &res, &err) < 0) {
		mg_model_warn(m, err.msg);
		return (-1);
	}
	/* It exits 0 even when it fails ("listusers failed" on stderr). */
	if (!mg_exec_ok(&res) || res.err.len > 0 || res.truncated) {
		mg_exec_describe(&req, &res, &err);
		mg_model_warn(m, err.msg);
		rc = -1;
	}
	mg_str_printf(&src, "sasldb %s", db);
	(void)mg_pf_sasldb_parse(m, mg_str_cstr(&res.out), mg_str_cstr(&src));
	mg_str_free(&src);
	mg_exec_res_free(&res);
	return (rc);
}

/* find_conf - the <app>.conf Cyrus reads: the first that exists in the
 * colon-separated directory list; 0 if none */
static int
find_conf(const char *dirs, const char *app, char *out, size_t size)
{
	const char *p = dirs;
	struct stat st;
	size_t n;
	int w;

	while (*p != '\0') {
		n = strcspn(p, ":");
		if (n > 0) {
			w = snprintf(out, size, "%.*s/%s.conf", (int)n, p, app);
			if (w > 0 && (size_t)w < size && stat(out, &st) == 0)
				return (1);
		}
		p += n + (p[n] == ':');
	}
	return (0);
}

/* load_saslauthd - pwcheck_method saslauthd: its MECHANISMS decide;
 * Debian's default (and most setups) is PAM: the system accounts */
static void
load_saslauthd(struct mg_model *m, struct found *fd, const char *conf)
{
	const struct mg_param *mech = NULL;
	struct mg_err err;
	const char *mv;

	if (mg_pf_srcfile(m, SASLAUTHD_DEFAULTS, &err) < 0)
		mg_model_warn(m, err.msg);
	else
		mech = mg_pf_saslauthd_parse(m, mg_model_file(m,
		    SASLAUTHD_DEFAULTS));
	mv = mech != NULL ? mech->value : "pam";
	describe(fd, mech != NULL ? "cyrus saslauthd (MECHANISMS %s)%s" :
	    "cyrus saslauthd (MECHANISMS not read: Debian's default %s)%s",
	    mv, conf);
	fd->complete = 0;
	if (mg_pf_sasl_has_word(mv, "pam") ||
	    mg_pf_sasl_has_word(mv, "shadow") ||
	    mg_pf_sasl_has_word(mv, "getpwent"))
		fd->system = 1;
	else if (mg_pf_sasl_has_word(mv, "sasldb"))
		(void)list_sasldb(m, SASLDB_DEFAULT);
}

/* load_cyrus - smtpd.conf, then what its pwcheck_method names */
static void
load_cyrus(struct mg_model *m, const struct backend *b, struct found *fd)
{
	struct mg_str dirs = MG_STR_INIT, conf = MG_STR_INIT;
	const struct mg_param *pw, *ap, *db;
	struct mg_err err;
	char path[PATH_MAX];
	const char *methods, *plugins;
	size_t first = m->nauth;

	/* Debian's Postfix searches $config_directory/sasl, then
	 * /usr/lib/sasl2, when cyrus_sasl_config_path is empty (found in
	 * the lab; upstream leaves it to libsasl2's own path). */
	if (b->confpath != NULL && *b->confpath != '\0')
		mg_str_puts(&dirs, b->confpath);
	else
		mg_str_printf(&dirs, "%s/sasl:/usr/lib/sasl2",
		    str_or(m->config_dir, "/etc/postfix"));
	if (find_conf(mg_str_cstr(&dirs), b->path, path, sizeof(path))) {
		if (mg_pf_srcfile(m, path, &err) < 0) {
			mg_model_warn(m, err.msg);
			describe(fd, "cyrus (%s unreadable)", path);
			fd->complete = 0;
			goto out;
		}
		mg_str_printf(&conf, ", %s", path);
		if (mg_pf_sasl_conf_parse(m, mg_model_file(m, path)) < 0) {
			describe(fd, "cyrus (%s is invalid: no AUTH)", path);
			goto out;
		}
	} else
		mg_str_printf(&conf, ", no %s.conf in %s: Cyrus defaults",
		    b->path, mg_str_cstr(&dirs));
	pw = conf_value(m, first, "pwcheck_method");
	ap = conf_value(m, first, "auxprop_plugin");
	db = conf_value(m, first, "sasldb_path");
	methods = pw != NULL ? pw->value : "auxprop";
	plugins = ap != NULL ? ap->value : "sasldb";
	if (mg_pf_sasl_has_word(methods, "auxprop")) {
		/* Without auxprop_plugin Cyrus tries every auxprop plugin
		 * installed: on Debian, libsasl2-modules-db's sasldb. */
		if (mg_pf_sasl_has_word(plugins, "sasldb")) {
			if (db == NULL)
				(void)mg_model_auth_add(m, "sasldb_path",
				    SASLDB_DEFAULT, NULL, 0);
			describe(fd, "cyrus sasldb %s%s", db != NULL ?
			    db->value : SASLDB_DEFAULT, mg_str_cstr(&conf));
			if (list_sasldb(m, db != NULL ? db->value :
			    SASLDB_DEFAULT) < 0)
				fd->complete = 0;
		}
		if (has_other(plugins, "sasldb")) {
			/* sql, ldapdb: their accounts are not listed */
			describe(fd, "cyrus auxprop %s%s", plugins,
			    mg_str_cstr(&conf));
			fd->complete = 0;
		}
	}
	if (mg_pf_sasl_has_word(methods, "saslauthd"))
		load_saslauthd(m, fd, mg_str_cstr(&conf));
	if (!mg_pf_sasl_has_word(methods, "auxprop") &&
	    !mg_pf_sasl_has_word(methods, "saslauthd")) {
		describe(fd, "cyrus pwcheck_method %s%s", methods,
		    mg_str_cstr(&conf));
		fd->complete = 0;
	}
out:
	mg_str_free(&conf);
	mg_str_free(&dirs);
}

/* load_passwd_file - Dovecot passwd-file: "user:password:..." lines;
 * 1 if the file was read */
static int
load_passwd_file(struct mg_model *m, const char *args)
{
	const struct mg_srcfile *f;
	struct mg_str src = MG_STR_INIT;
	struct mg_err err;
	const char *p, *path = NULL;
	char *user;
	size_t i, n;

	/* args: options (scheme=..., username_format=...) then the path */
	for (p = args; p != NULL && *p != '\0'; p += strcspn(p, " \t")) {
		p += strspn(p, " \t");
		if (*p == '/')
			path = p;
	}
	if (path == NULL || strchr(path, '%') != NULL ||
	    mg_pf_srcfile(m, path, &err) < 0) {
		if (path != NULL && strchr(path, '%') == NULL)
			mg_model_warn(m, err.msg);
		return (0);
	}
	f = mg_model_file(m, path);
	mg_str_printf(&src, "passwd-file %s", path);
	for (i = 0; i < f->nlines; i++) {
		n = strcspn(f->lines[i], ":");
		if (n == 0 || f->lines[i][0] == '#' || f->lines[i][n] != ':')
			continue;
		user = mg_xstrndup(f->lines[i], n);
		(void)mg_model_user_add(m, user, NULL, mg_str_cstr(&src));
		free(user);
	}
	mg_str_free(&src);
	return (1);
}

/* load_dovecot - Dovecot's auth socket: its passdb decides */
static void
load_dovecot(struct mg_model *m, const struct backend *b, struct found *fd)
{
	const char *argv[] = { "doveconf", "-n", NULL };
	struct mg_exec_res res;
	struct mg_err err;
	char bin[PATH_MAX];
	size_t i, first = m->nauth, npassdb = 0, nread = 0;

	/* Dovecot asks its passdbs in order; only a passwd-file can be
	 * listed, so only passwd-files alone make the list complete. */
	if (mg_exec_find("doveconf", bin, sizeof(bin)) < 0) {
		fd->complete = 0;
		describe(fd, "dovecot (smtpd_sasl_path %s): passdb unknown, "
		    "doveconf is not installed", b->path);
		return;
	}
	if (mg_exec_run(argv, TOOL_TIMEOUT_MS, &res, &err) < 0) {
		fd->complete = 0;
		mg_model_warn(m, err.msg);
		describe(fd, "dovecot (smtpd_sasl_path %s): passdb unknown, "
		    "doveconf failed", b->path);
		return;
	}
	(void)mg_pf_doveconf_parse(m, mg_str_cstr(&res.out));
	mg_exec_res_free(&res);
	describe(fd, "dovecot (smtpd_sasl_path %s): passdb", b->path);
	if (first == m->nauth)
		mg_str_puts(&fd->desc, " unknown");
	for (i = first; i < m->nauth; i++) {
		if (strcmp(m->auth[i].name, "passdb") != 0)
			continue;
		npassdb++;
		mg_str_printf(&fd->desc, " %s", m->auth[i].value);
		if (strcmp(m->auth[i].value, "pam") == 0 ||
		    strcmp(m->auth[i].value, "passwd") == 0 ||
		    strcmp(m->auth[i].value, "shadow") == 0 ||
		    strcmp(m->auth[i].value, "bsdauth") == 0)
			fd->system = 1;
		else if (strcmp(m->auth[i].value, "passwd-file") == 0)
			nread += (size_t)load_passwd_file(m, i + 1 <
			    m->nauth && strcmp(m->auth[i + 1].name,
			    "passdb_args") == 0 ? m->auth[i + 1].value : NULL);
	}
	if (npassdb == 0 || nread < npassdb)
		fd->complete = 0;
}

/*
 * mg_pf_sasl_load - the SASL setup of every smtpd service that offers
 * AUTH (smtpd_sasl_auth_enable, globally or by -o), and the accounts it
 * lets in.  users_backend stays NULL when no service offers AUTH.
 */
void
mg_pf_sasl_load(struct mg_model *m)
{
	struct backend b[BACKENDS_MAX];
	struct found fd;
	struct mg_str passwd = MG_STR_INIT;
	struct mg_err err;
	size_t i, n;
	int passwd_ok;

	collect_backends(m, b, &n);
	if (n == 0)
		return;
	memset(&fd, 0, sizeof(fd));
	mg_str_init(&fd.desc);
	fd.complete = 1;
	for (i = 0; i < n; i++) {
		if (strcmp(b[i].type, "cyrus") == 0)
			load_cyrus(m, &b[i], &fd);
		else if (strcmp(b[i].type, "dovecot") == 0)
			load_dovecot(m, &b[i], &fd);
		else {
			describe(&fd, "smtpd_sasl_type %s", b[i].type);
			fd.complete = 0;
		}
	}
	passwd_ok = mg_file_read(PASSWD_FILE, MG_FILE_MAX, &passwd, NULL,
	    &err) == 0;
	if (!passwd_ok)
		mg_model_warn(m, err.msg);
	else
		mg_pf_sasl_passwd(m, mg_str_cstr(&passwd), fd.system);
	if (fd.system) {
		mg_str_puts(&fd.desc, ": every system account with a "
		    "password can log in");
		fd.complete = 0;
	}
	free(m->users_backend);
	m->users_backend = mg_str_steal(&fd.desc);
	m->users_complete = fd.complete;
	mg_str_free(&passwd);
}
