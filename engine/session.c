/* session.c - detect the MTA, read its configuration, run the checks. */
#include <sys/stat.h>

#include <errno.h>
#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../checks/checks.h"
#include "../core/mg_dns.h"
#include "../core/mg_file.h"
#include "../core/mg_host.h"
#include "../core/mg_queue.h"
#include "../core/mg_str.h"
#include "session.h"

/* mg_session_init - nothing loaded yet */
void
mg_session_init(struct mg_session *a)
{
	memset(a, 0, sizeof(*a));
	mg_model_init(&a->model);
	mg_report_init(&a->report);
}

/* unread_set - *slot becomes "what: why" (NULL: read) */
static void
unread_set(char **slot, const char *what, const char *why)
{
	struct mg_str s = MG_STR_INIT;

	free(*slot);
	*slot = NULL;
	if (what == NULL)
		return;
	mg_str_printf(&s, "%s: %s", what, why);
	*slot = mg_xstrdup(mg_str_cstr(&s));
	mg_str_free(&s);
}

/* unread_clear - forget what the last load could not read */
static void
unread_clear(struct mg_session *a)
{
	unread_set(&a->host_unread, NULL, NULL);
	unread_set(&a->resolv_unread, NULL, NULL);
	unread_set(&a->log_unread, NULL, NULL);
	unread_set(&a->queue_unread, NULL, NULL);
}

/* load_host - this machine's interfaces and docker context, which weigh
 * private networks the configuration trusts; unread is said, not fatal */
static void
load_host(struct mg_session *a)
{
	struct mg_err err;

	a->model.host = mg_xcalloc(1, sizeof(*a->model.host));
	if (mg_host_read(a->model.host, "/proc", &err) == 0)
		return;
	free(a->model.host);
	a->model.host = NULL;
	unread_set(&a->host_unread, "host interfaces not read", err.msg);
}

/* unread - msg kept for the report's unread list (resolv_unread: one
 * line each, said in order whenever the findings are made) */
static void
unread(struct mg_session *a, const struct mg_str *msg)
{
	struct mg_str s = MG_STR_INIT;

	if (a->resolv_unread != NULL)
		mg_str_printf(&s, "%s\n", a->resolv_unread);
	mg_str_puts(&s, mg_str_cstr(msg));
	free(a->resolv_unread);
	a->resolv_unread = mg_xstrdup(mg_str_cstr(&s));
	mg_str_free(&s);
}

/* The configurations of the local resolvers a resolv.conf naming
 * 127.0.0.1 may mean (their Debian and RHEL places), by kind. */
static const struct {
	const char *kind;
	const char *glob;
} local_confs[] = { { "unbound", "/etc/unbound/unbound.conf" },
	{ "unbound", "/etc/unbound/unbound.conf.d/*.conf" },
	{ "unbound", "/etc/unbound/conf.d/*.conf" },
	{ "dnsmasq", "/etc/dnsmasq.conf" }, { "dnsmasq", "/etc/dnsmasq.d/*" },
	{ "bind9", "/etc/bind/named.conf.options" },
	{ "bind9", "/etc/named.conf" }, { NULL, NULL } };

/* A local resolver's configuration files read, for mg_resolv_judge. */
struct lr_read {
	struct mg_lr_file *f;
	size_t n, cap;
};

/* lr_read_glob - the files path (a glob) names, of kind, read into l;
 * a file that cannot be read is skipped */
static void
lr_read_glob(struct lr_read *l, const char *kind, const char *path)
{
	struct mg_str text = MG_STR_INIT;
	struct mg_lr_file *f;
	struct mg_err err;
	glob_t g;
	size_t i;

	if (glob(path, 0, NULL, &g) != 0)
		return;
	for (i = 0; i < g.gl_pathc; i++) {
		mg_str_init(&text);
		if (mg_file_read(g.gl_pathv[i], 1024 * 1024, &text, NULL,
		    &err) < 0) {
			mg_str_free(&text);
			continue;
		}
		f = MG_ARRAY_PUSH(l->f, l->n, l->cap);
		f->kind = kind;
		f->path = mg_xstrdup(g.gl_pathv[i]);
		f->text = mg_xstrdup(mg_str_cstr(&text));
		mg_str_free(&text);
	}
	globfree(&g);
}

/* lr_read_free - release l's files */
static void
lr_read_free(struct lr_read *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free((char *)l->f[i].path);
		free((char *)l->f[i].text);
	}
	free(l->f);
}

/*
 * local_resolver - r names a resolver on a loopback address (not
 * systemd-resolved's stub): Docker's embedded DNS (127.0.0.11) forwards
 * to the Docker host's resolvers, which cannot be read here - said under
 * unread.  The configuration files of every kind installed (unbound,
 * dnsmasq, bind9; or the --local-resolver-conf FILE) are judged together
 * (mg_resolv_judge): forwarding every name, the forwarders become the
 * stub's upstream servers, judged as the servers asked; resolving by
 * itself, local; forwarding by name only (unbound's forward-host), or
 * kinds that disagree, unknown and said under unread with what each
 * kind says; no configuration read, unknown too - never local.  The
 * files are read only with the host context or --local-resolver-conf.
 */
static void
local_resolver(struct mg_session *a, struct mg_resolv *r, const char *path)
{
	struct lr_read l = { NULL, 0, 0 };
	const struct mg_nameserver *ns;
	struct mg_resolv *fw = NULL;
	struct mg_str s = MG_STR_INIT, why = MG_STR_INIT;
	enum mg_lr_verdict v;
	size_t k, i;

	if ((k = mg_resolv_local(r)) == 0)
		return;
	ns = &r->ns[k - 1];
	if (strcmp(ns->text, MG_RESOLV_DOCKER) != 0 && a->no_host &&
	    a->local_resolver_conf == NULL) {
		mg_str_printf(&s, "resolver upstreams unknown: %s:%u names "
		    "%s, a local resolver; its forwarders are not read "
		    "without the host context (--local-resolver-conf FILE): "
		    "whether it forwards to a public resolver cannot be seen",
		    path, ns->line, ns->text);
		unread(a, &s);
		mg_str_free(&s);
		return;
	}
	if (strcmp(ns->text, MG_RESOLV_DOCKER) == 0) {
		mg_str_printf(&s, "resolver upstreams unknown: %s:%u names "
		    "%s, Docker's embedded DNS: it forwards to the Docker "
		    "host's resolvers (the daemon's \"dns\" setting, else the "
		    "host's resolv.conf), which cannot be read from the "
		    "container - check them on the host", path, ns->line,
		    ns->text);
		unread(a, &s);
		mg_str_free(&s);
		return;
	}
	if (a->local_resolver_conf != NULL)
		lr_read_glob(&l, NULL, a->local_resolver_conf);
	else
		for (i = 0; local_confs[i].glob != NULL; i++)
			lr_read_glob(&l, local_confs[i].kind,
			    local_confs[i].glob);
	v = mg_resolv_judge(l.f, l.n, &fw, &why);
	lr_read_free(&l);
	if (v == MG_LR_FORWARDS) {
		r->stub = k;
		r->stub_name = "a local resolver that forwards every name";
		r->upstream = fw;
		mg_str_free(&why);
		return;
	}
	if (v == MG_LR_LOCAL) {
		mg_str_free(&why);
		return;		/* it resolves by itself: local */
	}
	if (v == MG_LR_UNKNOWN) {
		mg_str_printf(&s, "resolver upstreams unknown: %s:%u names "
		    "%s, a local resolver whose configuration does not tell "
		    "who answers (%s): whether it forwards to a public "
		    "resolver cannot be seen", path, ns->line, ns->text,
		    mg_str_cstr(&why));
		unread(a, &s);
		mg_str_free(&s);
		mg_str_free(&why);
		return;
	}
	mg_str_free(&why);
	mg_str_printf(&s, "resolver upstreams unknown: %s:%u names %s, a "
	    "local resolver whose forwarders could not be read (unbound's "
	    "forward-zone, dnsmasq's server= or its resolv-file, bind9's "
	    "forwarders; --local-resolver-conf FILE): whether it forwards "
	    "to a public resolver cannot be seen", path, ns->line, ns->text);
	unread(a, &s);
	mg_str_free(&s);
}

/*
 * read_resolv - path's nameservers; when one is systemd-resolved's stub
 * (127.0.0.53), its upstream file too (another local resolver: its
 * forwarders, local_resolver) (--resolved-upstream FILE, else
 * /run/systemd/resolve/resolv.conf with the host context): the stub says
 * nothing about who answers.  An upstream file not read leaves the
 * servers asked unknown, said under unread (never taken as local).
 * NULL, said under unread as what, when path is unreadable; the caller
 * frees.
 */
static struct mg_resolv *
read_resolv(struct mg_session *a, const char *path, const char *what)
{
	struct mg_resolv *r = mg_xcalloc(1, sizeof(*r));
	const struct mg_nameserver *stub;
	const char *up = a->resolved_conf;
	struct mg_str s = MG_STR_INIT;
	struct mg_err err;

	if (mg_resolv_read(r, path, &err) < 0) {
		free(r);
		mg_str_printf(&s, "%s not read: %s", what, err.msg);
		unread(a, &s);
		mg_str_free(&s);
		return (NULL);
	}
	if (r->stub == 0) {
		local_resolver(a, r, path);
		return (r);
	}
	stub = &r->ns[r->stub - 1];
	if (up == NULL && a->no_host) {
		mg_str_printf(&s, "resolver upstreams unknown: %s:%u names "
		    "systemd-resolved's stub %s; its upstream servers (%s) "
		    "are not read without the host context "
		    "(--resolved-upstream FILE)", path, stub->line, stub->text,
		    MG_RESOLV_UPSTREAM);
		unread(a, &s);
		mg_str_free(&s);
		return (r);
	}
	r->upstream = mg_xcalloc(1, sizeof(*r->upstream));
	if (mg_resolv_read(r->upstream, up != NULL ? up : MG_RESOLV_UPSTREAM,
	    &err) == 0) {
		r->upstream->asked = 0;	/* resolved asks every server */
		return (r);
	}
	free(r->upstream);
	r->upstream = NULL;
	mg_str_printf(&s, "resolver upstreams unknown: %s:%u names "
	    "systemd-resolved's stub %s, and its upstream servers are not "
	    "read: %s", path, stub->line, stub->text, err.msg);
	unread(a, &s);
	mg_str_free(&s);
	return (r);
}

/* chrooted - a service that runs chrooted (Postfix master.cf "y") */
static int
chrooted(const struct mg_model *m)
{
	size_t i;

	for (i = 0; i < m->nservices; i++)
		if (m->services[i].chroot)
			return (1);
	return (0);
}

/*
 * load_resolv - the nameservers DNSBL queries go through: --resolv-conf
 * FILE, else /etc/resolv.conf with the host context (a copy of someone
 * else's configuration is judged without this host's resolver).  No
 * /etc/resolv.conf at all is glibc's 127.0.0.1: nothing to say.  A
 * Postfix service chrooted in master.cf reads the copy in
 * $queue_directory/etc/resolv.conf (Debian's init script makes it): it is
 * read too, whenever the first one was.
 */
static void
load_resolv(struct mg_session *a)
{
	const char *path = a->resolv_conf, *qd;
	struct mg_str s = MG_STR_INIT;
	struct stat st;

	if (path == NULL && (a->no_host || (stat("/etc/resolv.conf", &st) < 0 &&
	    errno == ENOENT)))
		return;
	a->model.resolv = read_resolv(a, path != NULL ? path :
	    "/etc/resolv.conf", "resolver configuration");
	if (a->model.resolv == NULL || !chrooted(&a->model) ||
	    (qd = mg_model_value(&a->model, "queue_directory")) == NULL ||
	    *qd == '\0')
		return;
	mg_str_printf(&s, "%s/etc/resolv.conf", qd);
	a->model.resolv_chroot = read_resolv(a, mg_str_cstr(&s),
	    "resolver configuration of chrooted services");
	mg_str_free(&s);
}

/* same_text - two optional strings alike (NULL only equals NULL) */
static int
same_text(const char *x, const char *y)
{
	if (x == NULL || y == NULL)
		return (x == y);
	return (strcmp(x, y) == 0);
}

/* dup_text - a copy; NULL stays NULL */
static char *
dup_text(const char *s)
{
	return (s != NULL ? mg_xstrdup(s) : NULL);
}

/* proofs_clear - forget the verdicts of the last configuration */
static void
proofs_clear(struct mg_session *a)
{
	struct mg_proof *x;
	size_t i;

	for (i = 0; i < a->nproofs; i++) {
		x = &a->proofs[i];
		free(x->client);
		free(x->client_name);
		free(x->sender);
		free(x->rcpt);
		free(x->login);
	}
	free(a->proofs);
	a->proofs = NULL;
	a->nproofs = a->proofs_cap = 0;
}

/*
 * verdict - the MTA's answer to probe p: asked once per load of the
 * configuration (the answer depends on the probe and the configuration
 * only), then the same answer again, so that making the findings again
 * (the queue landing in the console) asks nothing.  rc as
 * mg_backend_simulate's: -1 when it could not be asked.
 */
static const struct mg_proof *
verdict(struct mg_session *a, const struct mg_probe *p)
{
	struct mg_proof *x;
	struct mg_err err;
	size_t i;

	for (i = 0; i < a->nproofs; i++) {
		x = &a->proofs[i];
		if (same_text(x->client, p->client) &&
		    same_text(x->client_name, p->client_name) &&
		    same_text(x->sender, p->sender) &&
		    same_text(x->rcpt, p->rcpt) &&
		    same_text(x->login, p->login))
			return (x);
	}
	x = MG_ARRAY_PUSH(a->proofs, a->nproofs, a->proofs_cap);
	memset(x, 0, sizeof(*x));
	x->client = dup_text(p->client);
	x->client_name = dup_text(p->client_name);
	x->sender = dup_text(p->sender);
	x->rcpt = dup_text(p->rcpt);
	x->login = dup_text(p->login);
	a->nsimulated++;
	x->rc = mg_backend_simulate(&a->target, p, &x->v, &err);
	return (x);
}

/*
 * load_mx - the MX hosts of the domains the server receives mail for,
 * and their addresses: the certificate must name those sending MTAs
 * connect to.  Asked within MG_DNS_BUDGET_MS in all through --resolver,
 * else (with the host context only: a configuration from elsewhere has
 * other DNS) the first nameserver of /etc/resolv.conf; nothing with
 * --no-dns.  What DNS did not answer is the check's to say.
 */
static void
load_mx(struct mg_session *a)
{
	struct mg_mail_domains d;
	struct mg_str s = MG_STR_INIT;
	struct mg_err err;

	if (a->no_dns || (a->resolver == NULL && a->no_host))
		return;
	mg_mail_domains(&a->model, &d);
	if (d.n == 0) {
		mg_mail_domains_free(&d);
		return;
	}
	if (a->target.note != NULL) {
		mg_str_printf(&s, "DNS: MX hosts of %zu domain%s", d.n,
		    d.n == 1 ? "" : "s");
		a->target.note(a->target.note_arg, mg_str_cstr(&s));
		mg_str_reset(&s);
	}
	a->model.mx = mg_xcalloc(1, sizeof(*a->model.mx));
	if (mg_dns_mx_lookup(a->model.mx, a->resolver,
	    (const char *const *)d.v, d.n, MG_DNS_BUDGET_MS, &err) < 0) {
		free(a->model.mx);
		a->model.mx = NULL;
		mg_str_printf(&s, "MX not checked: %s", err.msg);
		unread(a, &s);
	}
	if (a->target.note != NULL)
		a->target.note(a->target.note_arg, NULL);
	mg_str_free(&s);
	mg_mail_domains_free(&d);
}

/*
 * prove - the MTA's own verdict on each probe a finding asked for, as
 * evidence ("exim -bh 107.172.77.101: RCPT <postmaster@localhost> -> 250
 * Accepted").  A probe the backend cannot run is left out, not guessed.
 */
static void
prove(struct mg_session *a)
{
	struct mg_finding *f;
	const struct mg_probe *p;
	const struct mg_proof *x;
	const struct mg_smtp_verdict *v;
	size_t i, k;

	for (i = 0; i < a->report.nfindings; i++) {
		f = &a->report.findings[i];
		for (k = 0; k < f->nprobes; k++) {
			p = &f->probes[k];
			if ((x = verdict(a, p))->rc < 0)
				continue;
			v = &x->v;
			mg_finding_evidence(f, NULL, 0, "%s%s%s%s%s%s%s: "
			    "MAIL FROM:<%s> RCPT TO:<%s> -> %d %s%s", v->how,
			    *p->client != '\0' ? " " : "", p->client,
			    p->client_name != NULL ? " named " :
			    "", p->client_name != NULL ? p->client_name : "",
			    p->login != NULL ? " as login " : "",
			    p->login != NULL ? p->login : "", p->sender,
			    p->rcpt, v->code, v->text,
			    v->code >= 200 && v->code < 300 ?
			    (p->hole_if_accepted ? " - accepted: the hole is "
			    "open" : " - accepted") : " - refused");
		}
	}
}

/* unread_tables - every table the backend could not read, and why */
static void
unread_tables(struct mg_session *a)
{
	const struct mg_map *t;
	struct mg_str s = MG_STR_INIT;
	size_t i;

	for (i = 0; i < a->model.nmaps; i++) {
		t = &a->model.maps[i];
		if (t->error == NULL)
			continue;
		mg_str_printf(&s, "table %s not read: %s", t->ref, t->error);
		mg_report_unread(&a->report, mg_str_cstr(&s));
		mg_str_reset(&s);
	}
	mg_str_free(&s);
}

/* unread_say - the lines of what was not read, when there are any */
static void
unread_say(struct mg_session *a, const char *line)
{
	const char *nl;
	char *one;

	while (line != NULL && (nl = strchr(line, '\n')) != NULL) {
		one = mg_xstrndup(line, (size_t)(nl - line));
		mg_report_unread(&a->report, one);
		free(one);
		line = nl + 1;
	}
	if (line != NULL)
		mg_report_unread(&a->report, line);
}

/*
 * findings - the report from the model as loaded: the checks, their
 * proofs and what was not read, in the order "report" has always printed
 * them.  A queue still pending is neither judged nor said to be unread.
 */
static void
findings(struct mg_session *a)
{
	mg_report_free(&a->report);
	mg_report_init(&a->report);
	unread_say(a, a->host_unread);
	unread_say(a, a->resolv_unread);
	mg_checks_run(&a->model, &a->report);
	prove(a);
	if (!a->queue_pending)
		unread_say(a, a->queue_unread);
	unread_say(a, a->log_unread);
	unread_tables(a);
	for (size_t i = 0; i < a->model.nunread; i++)
		mg_report_unread(&a->report, a->model.unread[i]);
}

/*
 * mg_session_load - (re)load everything; -1 with a.err when unreadable.
 * With defer_queue the queue is not read: the findings that need it
 * wait (queue_pending) for mg_session_queue.
 */
int
mg_session_load(struct mg_session *a)
{
	/* the queue's findings count messages: no size is read */
	static const struct mg_qscan_opts no_sizes = { .no_sizes = 1 };
	struct mg_err qerr, lerr;

	mg_report_free(&a->report);
	mg_model_free(&a->model);
	mg_report_init(&a->report);
	unread_clear(a);
	proofs_clear(a);	/* a new configuration: asked again */
	a->nsimulated = 0;
	a->loaded = 0;
	a->queue_pending = 0;
	mg_err_clear(&a->err);
	if (!a->detected) {
		if (mg_backend_detect(&a->opts, &a->target, &a->err) < 0)
			return (-1);
		a->detected = 1;
	}
	if (mg_backend_load_config(&a->target, &a->model, &a->err) < 0)
		return (-1);
	a->model.now = time(NULL);
	/* The queue is evidence, not a precondition: a report on the
	 * configuration is still worth having when the queue is unreadable. */
	if (a->defer_queue)
		a->queue_pending = 1;
	else {
		a->model.queue = mg_xcalloc(1, sizeof(*a->model.queue));
		if (mg_backend_scan_queue(&a->target, a->model.queue,
		    &no_sizes, NULL, NULL, &qerr) < 0) {
			mg_queue_free(a->model.queue);
			free(a->model.queue);
			a->model.queue = NULL;
			unread_set(&a->queue_unread, "queue not read",
			    qerr.msg);
		}
	}
	if (mg_backend_load_log(&a->target, &a->model, &lerr) < 0)
		unread_set(&a->log_unread, "mail log not read", lerr.msg);
	if (!a->no_host)
		load_host(a);
	load_resolv(a);
	load_mx(a);
	findings(a);
	a->loaded = 1;
	return (0);
}

/*
 * mg_session_queue - the queue a deferred load waits for, read by the
 * caller: q (moved into the model; the caller keeps an empty queue), or
 * NULL with why it could not be read.  The findings are made again with
 * it: the checks (pure, cheap) run again, but the MTA is not asked
 * again: the configuration is the load's, so the load's verdicts stand
 * (the console calls this on its interface thread).  Nothing when no
 * queue is pending.
 */
void
mg_session_queue(struct mg_session *a, struct mg_queue *q,
    const struct mg_err *err)
{
	if (!a->loaded || !a->queue_pending)
		return;
	a->queue_pending = 0;
	a->model.now = time(NULL);	/* the queue's ages are as of now */
	if (q != NULL) {
		a->model.queue = mg_xcalloc(1, sizeof(*a->model.queue));
		*a->model.queue = *q;
		mg_queue_init(q);
	} else
		unread_set(&a->queue_unread, "queue not read", err != NULL ?
		    err->msg : "unknown error");
	findings(a);
}

/* mg_session_free - release everything; accepts NULL */
void
mg_session_free(struct mg_session *a)
{
	if (a == NULL)
		return;
	mg_report_free(&a->report);
	mg_model_free(&a->model);
	mg_target_free(&a->target);
	unread_clear(a);
	proofs_clear(a);
	memset(a, 0, sizeof(*a));
}
