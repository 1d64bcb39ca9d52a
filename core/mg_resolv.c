/*
 * mg_resolv.c - resolv.conf's nameservers, and whether each is a public
 * resolver.  Spamhaus answers queries arriving through public or open
 * resolvers (Google, Cloudflare, Quad9, OpenDNS...) with 127.255.255.254
 * instead of a listing ("Using our public mirrors? Check your return
 * codes now", spamhaus.com, and the DNSBL usage terms): a DNSBL asked
 * that way never matches, and the filter is silently off.  Only a
 * resolver on a loopback or private address can be this site's own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mg_file.h"
#include "mg_resolv.h"
#include "mg_str.h"

/* The well-known public resolvers, by name. */
static const struct {
	const char *addr;
	const char *name;
} known[] = {
	{ "8.8.8.8", "Google Public DNS" },
	{ "8.8.4.4", "Google Public DNS" },
	{ "2001:4860:4860::8888", "Google Public DNS" },
	{ "2001:4860:4860::8844", "Google Public DNS" },
	{ "1.1.1.1", "Cloudflare 1.1.1.1" },
	{ "1.0.0.1", "Cloudflare 1.1.1.1" },
	{ "2606:4700:4700::1111", "Cloudflare 1.1.1.1" },
	{ "2606:4700:4700::1001", "Cloudflare 1.1.1.1" },
	{ "9.9.9.9", "Quad9" },
	{ "149.112.112.112", "Quad9" },
	{ "2620:fe::fe", "Quad9" },
	{ "2620:fe::9", "Quad9" },
	{ "208.67.222.222", "OpenDNS" },
	{ "208.67.220.220", "OpenDNS" },
	{ "2620:119:35::35", "OpenDNS" },
	{ "2620:119:53::53", "OpenDNS" },
	{ NULL, NULL }
};

/* mg_resolv_free - release; accepts NULL */
void
mg_resolv_free(struct mg_resolv *r)
{
	size_t i;

	if (r == NULL)
		return;
	free(r->path);
	free(r->byname);
	for (i = 0; i < r->nns; i++)
		free(r->ns[i].text);
	if (r->upstream != NULL) {
		mg_resolv_free(r->upstream);
		free(r->upstream);
	}
	memset(r, 0, sizeof(*r));
}

/*
 * mg_resolv_public - what public resolver addr is: a well-known one's
 * name, "a public address" for any other global address, NULL for a
 * loopback or private (RFC 1918, ULA, link-local...) one
 */
const char *
mg_resolv_public(const struct mg_net *addr)
{
	struct mg_net k;
	size_t i;

	for (i = 0; known[i].addr != NULL; i++)
		if (mg_net_parse(known[i].addr, &k, NULL) == 0 &&
		    k.family == addr->family &&
		    memcmp(k.addr, addr->addr, sizeof(k.addr)) == 0)
			return (known[i].name);
	if (mg_net_loopback(addr) || mg_net_private_kind(addr) != NULL)
		return (NULL);
	return (MG_RESOLV_GLOBAL);
}

/* mg_resolv_asked - nameserver i of r is ever asked (glibc: the first
 * MG_RESOLV_MAXNS lines of a resolv.conf) */
int
mg_resolv_asked(const struct mg_resolv *r, size_t i)
{
	return (i < r->nns && (r->asked == 0 || i < r->asked));
}

/* mg_resolv_npublic - how many of the nameservers ever asked are
 * public, the stub's upstream servers (when read) counted in its place */
size_t
mg_resolv_npublic(const struct mg_resolv *r)
{
	size_t i, n = 0;

	for (i = 0; r != NULL && mg_resolv_asked(r, i); i++) {
		if (r->stub == i + 1)
			n += mg_resolv_npublic(r->upstream);
		else if (r->ns[i].public != NULL)
			n++;
	}
	return (n);
}

/* mg_resolv_first_name - what public resolver the server asked first
 * is (mg_resolv_public; through the stub, its first upstream server);
 * NULL: local, private or unknown */
const char *
mg_resolv_first_name(const struct mg_resolv *r)
{
	if (r == NULL || r->nns == 0)
		return (NULL);
	if (r->stub == 1)
		return (mg_resolv_first_name(r->upstream));
	return (r->ns[0].public);
}

/* mg_resolv_first_public - the server asked first is public: the first
 * nameserver, or when it is the stub, the first of its upstream servers */
int
mg_resolv_first_public(const struct mg_resolv *r)
{
	if (r == NULL || r->nns == 0)
		return (0);
	if (r->stub == 1)
		return (mg_resolv_first_public(r->upstream));
	return (r->ns[0].public != NULL);
}

/* mg_resolv_same - a and b name the same nameservers in the same order
 * (a stale chroot copy of resolv.conf differs) */
int
mg_resolv_same(const struct mg_resolv *a, const struct mg_resolv *b)
{
	size_t i;

	if (a->nns != b->nns)
		return (0);
	for (i = 0; i < a->nns; i++)
		if (a->ns[i].addr.family != b->ns[i].addr.family ||
		    memcmp(a->ns[i].addr.addr, b->ns[i].addr.addr,
		    sizeof(a->ns[i].addr.addr)) != 0)
			return (0);
	return (1);
}

/*
 * mg_resolv_parse - the "nameserver ADDR" lines of text (resolv.conf(5):
 * keyword at the start of a line, "#" or ";" comments); path names it.
 * An address that does not parse (a scope "%eth0" is cut) is skipped.
 * The first nameserver 127.0.0.53 is marked as systemd-resolved's stub;
 * the caller reads its upstream file (MG_RESOLV_UPSTREAM) into upstream.
 */
int
mg_resolv_parse(struct mg_resolv *r, const char *path, const char *text)
{
	const char *p = text, *e, *a;
	struct mg_nameserver *ns;
	char buf[64];
	unsigned line = 0;
	size_t len;

	memset(r, 0, sizeof(*r));
	r->path = mg_xstrdup(path);
	r->asked = MG_RESOLV_MAXNS;
	for (; *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		e = p + strcspn(p, "\n");
		line++;
		if ((size_t)(e - p) < 11 || strncmp(p, "nameserver", 10) != 0 ||
		    (p[10] != ' ' && p[10] != '\t'))
			continue;
		for (a = p + 10; a < e && (*a == ' ' || *a == '\t'); a++)
			;
		len = strcspn(a, " \t\r\n#;%");
		if (len == 0 || len >= sizeof(buf) || r->nns >= MG_RESOLV_MAX)
			continue;
		memcpy(buf, a, len);
		buf[len] = '\0';
		ns = &r->ns[r->nns];
		if (mg_net_parse(buf, &ns->addr, NULL) < 0 ||
		    ns->addr.has_prefix)
			continue;
		ns->text = mg_xstrdup(buf);
		ns->line = line;
		ns->public = mg_resolv_public(&ns->addr);
		r->nns++;
		if (r->stub == 0 && r->nns <= MG_RESOLV_MAXNS &&
		    strcmp(buf, MG_RESOLV_STUB) == 0) {
			r->stub = r->nns;
			r->stub_name = MG_RESOLV_STUB_NAME;
		}
	}
	return (0);
}

/* mg_resolv_read - path (resolv.conf) read and parsed; -1 if unreadable */
int
mg_resolv_read(struct mg_resolv *r, const char *path, struct mg_err *err)
{
	struct mg_str text = MG_STR_INIT;
	int truncated = 0;

	memset(r, 0, sizeof(*r));
	if (mg_file_read(path, 64 * 1024, &text, &truncated, err) < 0) {
		mg_str_free(&text);
		return (-1);
	}
	(void)mg_resolv_parse(r, path, mg_str_cstr(&text));
	mg_str_free(&text);
	return (0);
}

/* mg_resolv_local - 1 + index of the first nameserver on a loopback
 * address (a local resolver: unbound, dnsmasq, bind9, Docker's embedded
 * DNS), not systemd-resolved's stub; 0 if none */
size_t
mg_resolv_local(const struct mg_resolv *r)
{
	size_t i;

	for (i = 0; mg_resolv_asked(r, i); i++)
		if (r->stub != i + 1 && mg_net_loopback(&r->ns[i].addr))
			return (i + 1);
	return (0);
}

/* fw_add - the address at [a, a+n) (its port or TLS name after "@",
 * "#" cut) as a forwarder of r, found at line */
static void
fw_add(struct mg_resolv *r, const char *a, size_t n, unsigned line)
{
	struct mg_nameserver *ns;
	char buf[64];

	n = strcspn(a, "@#") < n ? strcspn(a, "@#") : n;
	if (n == 0 || n >= sizeof(buf) || r->nns >= MG_RESOLV_MAX)
		return;
	memcpy(buf, a, n);
	buf[n] = '\0';
	ns = &r->ns[r->nns];
	if (mg_net_parse(buf, &ns->addr, NULL) < 0 || ns->addr.has_prefix)
		return;
	ns->text = mg_xstrdup(buf);
	ns->line = line;
	ns->public = mg_resolv_public(&ns->addr);
	r->nns++;
}

/* drop_from - forget r's forwarders from index k on */
static void
drop_from(struct mg_resolv *r, size_t k)
{
	while (r->nns > k)
		free(r->ns[--r->nns].text);
}

/* The blocks bind_scan tells apart. */
enum { B_OTHER, B_OPTIONS, B_FWD };

#define BIND_DEPTH 16

/* bind_skip - past the blanks and comments ("#", "//", C's) at p,
 * counting the lines passed in *line */
static const char *
bind_skip(const char *p, unsigned *line)
{
	for (;;) {
		if (*p == '\n')
			(*line)++;
		if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		else if (*p == '#' || (p[0] == '/' && p[1] == '/'))
			p += strcspn(p, "\n");
		else if (p[0] == '/' && p[1] == '*') {
			for (p += 2; *p != '\0' && !(p[0] == '*' &&
			    p[1] == '/'); p++)
				if (*p == '\n')
					(*line)++;
			p += *p != '\0' ? 2 : 0;
		} else
			return (p);
	}
}

/* bind_block - the kind of a block opened by a statement whose first
 * word is first, at depth, inside a block of kind up; root: the
 * statement names zone "." */
static int
bind_block(const char *first, int depth, int up, int root)
{
	if (depth == 0 && (strcmp(first, "options") == 0 ||
	    strcmp(first, "view") == 0))
		return (B_OPTIONS);
	if ((depth == 0 || up == B_OPTIONS) && strcmp(first, "zone") == 0 &&
	    root)
		return (B_OPTIONS);
	if (up == B_OPTIONS && strcmp(first, "forwarders") == 0)
		return (B_FWD);
	return (B_OTHER);
}

/*
 * bind_scan - bind9's configuration text as statements and blocks,
 * whatever its line breaks ("options\n{", one-line "options {
 * forwarders { 1.1.1.1; }; };", CRLF): the addresses of the forwarders
 * blocks that forward every name into r (NULL: none kept) - inside the
 * top-level options block, a view (its clients' every name: whether
 * this host's queries match the view is not judged) or the root zone
 * (zone "." { type forward; forwarders { ... }; }, top-level or in a
 * view); any other zone's forwarders forward that zone only.  1 if text
 * has a top-level options block.
 */
static int
bind_scan(struct mg_resolv *r, const char *text)
{
	const char *p = text;
	char first[16] = "";
	int kind[BIND_DEPTH], depth = 0, options = 0, nword = 0, root = 0;
	unsigned line = 1;
	size_t k;

	for (;;) {
		p = bind_skip(p, &line);
		if (*p == '\0')
			break;
		if (*p == ';') {
			nword = 0;
			root = 0;
			p++;
		} else if (*p == '{') {
			k = depth > 0 && depth <= BIND_DEPTH ?
			    (size_t)kind[depth - 1] : B_OTHER;
			if (depth < BIND_DEPTH)
				kind[depth] = bind_block(nword > 0 ? first :
				    "", depth, (int)k, root);
			if (depth == 0 && nword > 0 &&
			    strcmp(first, "options") == 0)
				options = 1;
			depth++;
			nword = 0;
			root = 0;
			p++;
		} else if (*p == '}') {
			depth -= depth > 0;
			nword = 0;
			root = 0;
			p++;
		} else if (*p == '"') {
			/* the root zone: zone "." */
			if (nword == 1 && strcmp(first, "zone") == 0)
				root = p[1] == '.' && p[2] == '"';
			for (p++; *p != '\0' && *p != '"'; p++)
				if (*p == '\n')
					line++;
			p += *p != '\0';
			nword++;
		} else {
			k = strcspn(p, " \t\r\n;{}\"#");
			if (nword == 0) {
				(void)snprintf(first, sizeof(first), "%.*s",
				    (int)k, p);
				if (r != NULL && depth > 0 &&
				    depth <= BIND_DEPTH &&
				    kind[depth - 1] == B_FWD)
					fw_add(r, p, k, line);
			}
			nword++;
			p += k > 0 ? k : 1;
		}
	}
	return (options);
}

/* zone_end - an unbound forward-zone ends: not ".", its addresses
 * (from index zone on) forget; ".", its first forward-host (host, at
 * line) kept as r->byname */
static void
zone_end(struct mg_resolv *r, int in_fwd, int root, size_t zone,
    const char *host, unsigned line)
{
	if (!in_fwd)
		return;
	if (!root) {
		drop_from(r, zone);
		return;
	}
	if (host[0] != '\0' && r->byname == NULL) {
		r->byname = mg_xstrdup(host);
		r->byname_line = line;
	}
}

/* value_of - the value after "key" and one of seps at p (spaces,
 * quotes around it dropped) into [*v, *v + *n); 0 if p is not key */
static int
value_of(const char *p, const char *e, const char *key, const char *seps,
    const char **v, size_t *n)
{
	size_t k = strlen(key);

	if ((size_t)(e - p) <= k || strncmp(p, key, k) != 0 ||
	    strchr(seps, p[k]) == NULL)
		return (0);
	for (p += k + 1; p < e && (*p == ' ' || *p == '\t' || *p == '"');
	    p++)
		;
	*v = p;
	for (*n = 0; p + *n < e && strchr(" \t\"#;", p[*n]) == NULL; (*n)++)
		;
	/* unbound's ADDR#tls-name, dnsmasq's ADDR#port: fw_add cuts it */
	if (p + *n < e && p[*n] == '#' && *n > 0)
		for (; p + *n < e && strchr(" \t\";", p[*n]) == NULL; (*n)++)
			;
	return (1);
}

/*
 * mg_resolv_recurses - text is the configuration of a resolver that
 * resolves by itself when it forwards nothing: unbound's (a "server:"
 * clause) or bind9's (an "options {" block).  dnsmasq never recurses
 * (without server= lines it asks its resolv-file's servers), and text
 * of no known kind says nothing: 0 for both.  Judged by the text, not
 * the file's name (--local-resolver-conf names any file).
 */
int
mg_resolv_recurses(const char *text)
{
	const char *p = text, *e, *t, *q;

	for (; *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		e = p + strcspn(p, "\n");
		for (t = e; t > p && t[-1] == '\r'; t--)
			;
		while (p < t && (*p == ' ' || *p == '\t'))
			p++;
		if (t - p >= 7 && strncmp(p, "server:", 7) == 0) {
			for (q = p + 7; q < t && (*q == ' ' || *q == '\t');
			    q++)
				;
			if (q == t || *q == '#')
				return (1);
		}
	}
	return (bind_scan(NULL, text));
}

/*
 * mg_resolv_forwarders - the servers a local resolver forwards every
 * name to, from its configuration text (path names it) into r as
 * nameservers: unbound's forward-zone with name "." (forward-addr:
 * ADDR[@port][#name]; a forward-host: NAME, by name, is kept apart in
 * r->byname, not resolved here), dnsmasq's server=ADDR[#port] (not the
 * server=/domain/ ones), bind9's forwarders { ADDR; ... }; inside its
 * options block, a view or the root zone (bind_scan; another zone's
 * forward that zone only).  CRLF
 * line ends are read as LF.  How many addresses; 0: it resolves by
 * itself, forwards only some domains, or forwards by name only.
 */
size_t
mg_resolv_forwarders(struct mg_resolv *r, const char *path, const char *text)
{
	const char *p = text, *e, *t, *v;
	char host[256] = "";
	size_t n, zone = 0;
	unsigned line = 0, host_line = 0;
	int in_fwd = 0, root = 0;

	memset(r, 0, sizeof(*r));
	r->path = mg_xstrdup(path);
	for (; *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		e = p + strcspn(p, "\n");
		for (t = e; t > p && t[-1] == '\r'; t--)
			;
		line++;
		while (p < t && (*p == ' ' || *p == '\t'))
			p++;
		if (p == t || *p == '#' || (t - p > 1 && p[0] == '/' &&
		    p[1] == '/'))
			continue;
		if (value_of(p, t, "server", "=", &v, &n)) {
			if (n > 0 && *v != '/')
				fw_add(r, v, n, line);
			continue;
		}
		if (t - p >= 13 && strncmp(p, "forward-zone:", 13) == 0) {
			zone_end(r, in_fwd, root, zone, host, host_line);
			in_fwd = 1;
			root = 0;
			zone = r->nns;
			host[0] = '\0';
			continue;
		}
		if (t[-1] == ':' && memchr(p, ' ', (size_t)(t - p)) == NULL) {
			zone_end(r, in_fwd, root, zone, host, host_line);
			in_fwd = 0;	/* another clause: server:, ... */
			host[0] = '\0';
			continue;
		}
		if (!in_fwd)
			continue;
		if (value_of(p, t, "name:", " \t", &v, &n))
			root = n == 1 && *v == '.';
		else if (value_of(p, t, "forward-addr:", " \t", &v, &n))
			fw_add(r, v, n, line);
		else if (value_of(p, t, "forward-host:", " \t", &v, &n) &&
		    n > 0 && host[0] == '\0') {
			(void)snprintf(host, sizeof(host), "%.*s", (int)n, v);
			host_line = line;
		}
	}
	zone_end(r, in_fwd, root, zone, host, host_line);
	(void)bind_scan(r, text);
	return (r->nns);
}

/* What the files of one kind say, strongest first. */
enum { K_NONE, K_UNSEEN, K_LOCAL, K_PRIVATE, K_BYNAME, K_PUBLIC };

/* same_kind - a and b name the same kind (NULL: the user's files) */
static int
same_kind(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a == b);
	return (strcmp(a, b) == 0);
}

/* kind_say - what kind k (its verdict v, first file path, forwarders
 * fw) says, for the list of kinds that disagree */
static void
kind_say(struct mg_str *why, const char *kind, int v, const char *path,
    const struct mg_resolv *fw)
{
	const char *k = kind != NULL ? kind : "the resolver";

	if (why->len > 0)
		mg_str_puts(why, "; ");
	if (v == K_LOCAL)
		mg_str_printf(why, "%s resolves by itself (%s)", k, path);
	else if (v == K_PRIVATE)
		mg_str_printf(why, "%s forwards every name to %s (%s:%u)", k,
		    fw->ns[0].text, fw->path, fw->ns[0].line);
	else if (v == K_BYNAME)
		mg_str_printf(why, "%s forwards every name to %s by name "
		    "(%s:%u)", k, fw->byname, fw->path, fw->byname_line);
	else
		mg_str_printf(why, "%s names no forwarder and does not "
		    "resolve by itself (%s)", k, path);
}

/*
 * mg_resolv_judge - a local resolver's configuration files (n of them,
 * grouped by kind in order; those of kind NULL, the user's, are one
 * group) judged together.  A kind's files: forwarders
 * of every name found (mg_resolv_forwarders; the first file with any,
 * or a later one naming a public server),
 * a forward by name (unbound's forward-host: the host is not resolved
 * here, so what it asks is unknown), or resolving by itself
 * (mg_resolv_recurses), else unseen (dnsmasq without server= asks its
 * resolv-file's servers).  A public forwarder of any kind: *fw, its
 * servers asked.  Otherwise all kinds read must agree: local, private
 * forwarders (*fw), or unread; a forward by name, or kinds that
 * disagree (a leftover bind9 named.conf.options beside a dnsmasq
 * forwarding to its resolv-file's servers), is unknown, *why saying
 * what each kind says - never local.  *fw is the caller's to free.
 */
enum mg_lr_verdict
mg_resolv_judge(const struct mg_lr_file *f, size_t n, struct mg_resolv **fw,
    struct mg_str *why)
{
	struct mg_resolv *kfw = NULL, *c, *pub = NULL, *agree = NULL;
	const char *kpath = NULL;
	size_t i;
	int v = K_NONE, first = K_NONE, differ = 0;

	*fw = NULL;
	for (i = 0; i <= n; i++) {
		if (i > 0 && (i == n || !same_kind(f[i].kind,
		    f[i - 1].kind))) {
			/* kind f[i - 1].kind ends: its verdict */
			if (kfw != NULL && mg_resolv_npublic(kfw) > 0)
				v = K_PUBLIC;
			else if (kfw != NULL && kfw->byname != NULL)
				v = K_BYNAME;
			else if (kfw != NULL)
				v = K_PRIVATE;
			else if (v == K_NONE)
				v = K_UNSEEN;
			if (first == K_NONE)
				first = v;
			else if (v != first)
				differ = 1;
			kind_say(why, f[i - 1].kind, v, kpath, kfw);
			if (v == K_PUBLIC && pub == NULL) {
				pub = kfw;
				kfw = NULL;
			} else if (v == K_PRIVATE && agree == NULL) {
				agree = kfw;
				kfw = NULL;
			}
			if (kfw != NULL) {
				mg_resolv_free(kfw);
				free(kfw);
			}
			kfw = NULL;
			kpath = NULL;
			v = K_NONE;
		}
		if (i == n)
			break;
		if (kpath == NULL)
			kpath = f[i].path;
		if (mg_resolv_recurses(f[i].text) && v == K_NONE)
			v = K_LOCAL;
		if (kfw != NULL && mg_resolv_npublic(kfw) > 0)
			continue;
		c = mg_xcalloc(1, sizeof(*c));
		if ((mg_resolv_forwarders(c, f[i].path, f[i].text) > 0 ||
		    c->byname != NULL) && (kfw == NULL ||
		    mg_resolv_npublic(c) > 0)) {
			/* a kind uses every file's forwarders (dnsmasq's
			 * server= lines of dnsmasq.d/ too): a public one in
			 * any of them is asked */
			if (kfw != NULL) {
				mg_resolv_free(kfw);
				free(kfw);
			}
			kfw = c;
			continue;
		}
		mg_resolv_free(c);
		free(c);
	}
	if (pub != NULL || (!differ && first == K_PRIVATE)) {
		*fw = pub != NULL ? pub : agree;
		if (*fw == agree)
			agree = NULL;
		mg_resolv_free(agree);
		free(agree);
		mg_str_reset(why);
		return (MG_LR_FORWARDS);
	}
	mg_resolv_free(agree);
	free(agree);
	if (!differ && (first == K_LOCAL || first == K_NONE ||
	    first == K_UNSEEN)) {
		mg_str_reset(why);
		return (first == K_LOCAL ? MG_LR_LOCAL : MG_LR_UNREAD);
	}
	return (MG_LR_UNKNOWN);
}
