/*
 * pf_simulate.c - ask Postfix itself what it would answer a remote client,
 * for a configuration that is not (or not yet) live.  Postfix has no
 * "exim -bh": its verdict comes from a real smtpd.  So a private instance
 * is made from a copy of the configuration's main.cf and master.cf - the
 * restrictions, maps and the -o overrides of each smtpd service as they
 * are - with its own queue, data and log directories under a fresh
 * directory, no chroot, every inet listener removed and, on UNIX-domain
 * sockets in the instance's private/ directory, one smtpd for the public
 * service and one for each other inet smtpd (submission, smtps: a probe
 * names the service whose settings judge it), all plain SMTP; it is
 * started with "postfix -c DIR start", asked (XCLIENT ADDR=client, EHLO,
 * MAIL, RCPT, RSET, QUIT: never DATA, so nothing is ever queued), and
 * stopped.
 * The instance authorizes XCLIENT, so whoever reaches its smtpd can speak
 * as any client: it listens on no network port, and its socket is in
 * queue_directory/private (mode 0700, the mail owner's), where no other
 * local user can connect.  A reaper (core/mg_reaper.c) kills it and
 * removes its directory when we end, also by SIGKILL; directories left
 * by a run whose reaper died too are swept on the next start.
 * The live instance is never touched.
 */
#include <sys/stat.h>
#include <sys/types.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../../core/mg_exec.h"
#include "../../core/mg_file.h"
#include "../../core/mg_install.h"
#include "../../core/mg_lines.h"
#include "../../core/mg_probe.h"
#include "../../core/mg_reaper.h"
#include "../../core/mg_smtp.h"
#include "pf_simulate.h"

#define TOOL_MS 60000
#define START_WAIT_MS 15000
#define ASK_MS 30000
#define PROOF_PARENT "/tmp"
#define PROOF_PREFIX "mailguard-proof."
#define PROOF_SERVICE "mailguard-proof"
/* Transport only, after a listener's own arguments (the last -o wins):
 * the proof speaks plain SMTP on a socket only root reaches, so TLS
 * wrapper mode (smtps), a required STARTTLS (submission's encrypt) and a
 * proxy header are left out, and smtpd_tls_auth_only too: without TLS it
 * leaves SASL inactive, and permit_sasl_authenticated then ignores the
 * XCLIENT LOGIN that stands for a login made over TLS (smtpd_check.c
 * asks smtpd_sasl_is_active).  XCLIENT is ours even where a service
 * sets its own smtpd_authorized_xclient_hosts.  The restrictions stay as
 * they are. */
#define PLAIN_SMTP "-o smtpd_tls_wrappermode=no -o smtpd_tls_auth_only=no " \
	"-o smtpd_tls_security_level=none -o smtpd_upstream_proxy_protocol= " \
	"-o smtpd_authorized_xclient_hosts=127.0.0.1"

/* run - a Postfix tool, output into the private instance's log */
static int
run(struct mg_pf_private *pp, const char *const *argv, const char *input,
    struct mg_err *err)
{
	return (mg_exec_tool(argv, input, input != NULL ? strlen(input) : 0,
	    TOOL_MS, &pp->log, err));
}

/* postconf_out - postconf -c ETC ARGS..., its output in out */
static int
postconf_out(struct mg_pf_private *pp, const char *a1, const char *a2,
    struct mg_str *out, struct mg_err *err)
{
	const char *argv[] = { "postconf", "-c", pp->etc, a1, a2, NULL };

	return (mg_exec_tool(argv, NULL, 0, TOOL_MS, out, err));
}

/* skip_service_n - submission and implicit-TLS listeners (name, len
 * bytes) are not where relay policy for the world is decided */
static int
skip_service_n(const char *name, size_t len)
{
	static const char *const sub[] = { "submission", "smtps",
	    "submissions", "587", "465", NULL };
	const char *svc = name, *p;
	size_t i;

	for (p = name; p < name + len; p++)
		if (*p == ':')
			svc = p + 1;
	for (i = 0; sub[i] != NULL; i++)
		if (strlen(sub[i]) == (size_t)(name + len - svc) &&
		    memcmp(svc, sub[i], strlen(sub[i])) == 0)
			return (1);
	return (0);
}

/* marked_submission - the arguments (len bytes) carry master.cf's own
 * marker of a submission or implicit-TLS service, -o
 * syslog_name=postfix/submission (or /submissions, /smtps), as a service
 * on a port number or an address:port is named */
static int
marked_submission(const char *args, size_t len)
{
	static const char *const marks[] = { "syslog_name=postfix/submission",
	    "syslog_name=postfix/smtps", NULL };
	const char *p, *end = args + len;
	size_t i, n;

	for (i = 0; marks[i] != NULL; i++) {
		n = strlen(marks[i]);
		for (p = args; p + n <= end; p++)
			if (memcmp(p, marks[i], n) == 0 && (p + n == end ||
			    p[n] == ' ' || p[n] == '\t' || p[n] == 's'))
				return (1);
	}
	return (0);
}

/* field - the n-th whitespace-separated field of line (len bytes) */
static int
field(const char *line, size_t len, int n, const char **f, size_t *flen)
{
	const char *p = line, *end = line + len;
	int i;

	for (i = 0;; i++) {
		while (p < end && (*p == ' ' || *p == '\t'))
			p++;
		if (p == end)
			return (-1);
		*f = p;
		while (p < end && *p != ' ' && *p != '\t')
			p++;
		*flen = (size_t)(p - *f);
		if (i == n)
			return (0);
	}
}

/* is_field - field n of line is exactly s */
static int
is_field(const char *line, size_t len, int n, const char *s)
{
	const char *f;
	size_t fl;

	return (field(line, len, n, &f, &fl) == 0 && fl == strlen(s) &&
	    memcmp(f, s, fl) == 0);
}

/* extra - service name (len bytes, type "inet") gets a listener of its
 * own with its arguments (from args, len alen): its -o overrides judge
 * the probes made for it.  Beyond MG_PF_PROOF_SVC_MAX, none: a probe for
 * it is refused, never asked of another service. */
static void
extra(struct mg_pf_private *pp, const char *name, size_t len,
    const char *args, size_t alen, struct mg_str *extras)
{
	struct mg_pf_listener *l;
	char sock[sizeof(l->sock)];
	size_t i = pp->nsvcs;

	if (i >= MG_PF_PROOF_SVC_MAX || len >= 200)
		return;
	l = &pp->svcs[i];
	(void)snprintf(l->service, sizeof(l->service), "%.*s/inet", (int)len,
	    name);
	(void)snprintf(sock, sizeof(sock), "%s/spool/private/%s-%zu",
	    pp->root, PROOF_SERVICE, i + 1);
	memcpy(l->sock, sock, sizeof(l->sock));
	mg_str_printf(extras, "%s-%zu/unix = %s-%zu unix - - n - - smtpd %.*s "
	    "%s\n", PROOF_SERVICE, i + 1, PROOF_SERVICE, i + 1, (int)alen,
	    args, PLAIN_SMTP);
	pp->nsvcs++;
}

/*
 * listeners - from postconf -M: every inet service's name into dels (to
 * remove), the arguments of the public smtpd (or, behind postscreen, of
 * "smtpd pass") into args, and a master.cf entry for each other inet
 * smtpd (submission, smtps, a second port) into extras, one a line
 */
static int
listeners(struct mg_pf_private *pp, struct mg_str *dels, struct mg_str *args,
    struct mg_str *extras, struct mg_err *err)
{
	struct mg_str out = MG_STR_INIT, pass = MG_STR_INIT;
	const char *cur, *line, *f, *a;
	size_t len, fl, al;
	int found = 0, screen = 0;

	if (postconf_out(pp, "-M", NULL, &out, err) < 0) {
		mg_str_free(&out);
		return (-1);
	}
	for (cur = mg_str_cstr(&out); mg_line_next(&cur, &line, &len);) {
		if (field(line, len, 0, &f, &fl) < 0)
			continue;
		if (is_field(line, len, 1, "pass") && is_field(line, len, 7,
		    "smtpd") && pass.len == 0 && fl < 200) {
			(void)snprintf(pp->pass, sizeof(pp->pass),
			    "%.*s/pass", (int)fl, f);
			if (field(line, len, 8, &a, &al) == 0)
				mg_str_append(&pass, a,
				    (size_t)(line + len - a));
		}
		if (!is_field(line, len, 1, "inet"))
			continue;
		mg_str_printf(dels, "%.*s/inet\n", (int)fl, f);
		if (fl >= 200)
			continue;
		/* the arguments, to the end of the line; none: empty */
		if (field(line, len, 8, &a, &al) == 0)
			al = (size_t)(line + len - a);
		else {
			a = line + len;
			al = 0;
		}
		if (found || skip_service_n(f, fl) ||
		    marked_submission(a, al)) {
			if (is_field(line, len, 7, "smtpd"))
				extra(pp, f, fl, a, al, extras);
			continue;
		}
		if (is_field(line, len, 7, "postscreen")) {
			(void)snprintf(pp->service, sizeof(pp->service),
			    "%.*s/inet", (int)fl, f);
			screen = found = 1;
			continue;
		}
		if (!is_field(line, len, 7, "smtpd"))
			continue;
		(void)snprintf(pp->service, sizeof(pp->service), "%.*s/inet",
		    (int)fl, f);
		found = 1;
		mg_str_append(args, a, al);
	}
	if (screen)
		mg_str_append(args, mg_str_cstr(&pass), pass.len);
	else
		pp->pass[0] = '\0';
	mg_str_free(&out);
	mg_str_free(&pass);
	if (!found)
		return (mg_err_set(err, "master.cf has no public smtpd "
		    "service to stand in for"));
	return (0);
}

/* rewrite_master - every inet listener removed, ours added on UNIX
 * sockets (the public smtpd's arguments, and one for each other inet
 * smtpd with its own), no chroot, postlog for maillog_file */
static int
rewrite_master(struct mg_pf_private *pp, struct mg_err *err)
{
	struct mg_str dels = MG_STR_INIT, args = MG_STR_INIT, svc =
	    MG_STR_INIT, out = MG_STR_INIT, extras = MG_STR_INIT;
	const char *cur, *line;
	char name[300];
	size_t len;
	int rc = -1;

	if (listeners(pp, &dels, &args, &extras, err) < 0)
		goto out;
	for (cur = mg_str_cstr(&dels); mg_line_next(&cur, &line, &len);) {
		(void)snprintf(name, sizeof(name), "%.*s", (int)len, line);
		if (postconf_out(pp, "-MX", name, &out, err) < 0)
			goto out;
	}
	/* private (the socket in private/), unprivileged, no chroot */
	mg_str_printf(&svc, "%s/unix = %s unix - - n - - smtpd %s %s",
	    PROOF_SERVICE, PROOF_SERVICE, mg_str_cstr(&args), PLAIN_SMTP);
	if (postconf_out(pp, "-M", mg_str_cstr(&svc), &out, err) < 0)
		goto out;
	for (cur = mg_str_cstr(&extras); mg_line_next(&cur, &line, &len);) {
		mg_str_reset(&svc);
		mg_str_append(&svc, line, len);
		if (postconf_out(pp, "-M", mg_str_cstr(&svc), &out, err) < 0)
			goto out;
	}
	if (postconf_out(pp, "-F", "*/*/chroot = n", &out, err) < 0)
		goto out;
	mg_str_reset(&out);
	if (postconf_out(pp, "-M", "postlog/unix-dgram", &out, err) < 0)
		goto out;
	if (out.len == 0 && postconf_out(pp, "-M", "postlog/unix-dgram = "
	    "postlog unix-dgram n - n - 1 postlogd", &out, err) < 0)
		goto out;
	rc = 0;
out:
	mg_str_free(&dels);
	mg_str_free(&args);
	mg_str_free(&svc);
	mg_str_free(&out);
	mg_str_free(&extras);
	return (rc);
}

/* value_of - the value of "key = value" in postconf output text (the
 * line that starts with key), into buf; 0 if none */
static int
value_of(const char *text, const char *key, char *buf, size_t size)
{
	const char *cur, *line;
	size_t len, klen = strlen(key);

	for (cur = text; mg_line_next(&cur, &line, &len);)
		if (len >= klen + 3 && memcmp(line, key, klen) == 0 &&
		    memcmp(line + klen, " = ", 3) == 0) {
			(void)snprintf(buf, size, "%.*s", (int)(len - klen - 3),
			    line + klen + 3);
			return (1);
		}
	return (0);
}

/*
 * dovecot_paths - each of our listeners that asks Dovecot for SASL over a
 * socket path relative to queue_directory (Debian's "private/auth") gets
 * that path under the live queue_directory: ours is elsewhere, and an
 * smtpd with AUTH on that cannot fetch Dovecot's mechanisms dies ("fatal:
 * no SASL authentication mechanisms") before it answers anyone.
 */
static int
dovecot_paths(struct mg_pf_private *pp, struct mg_err *err)
{
	struct mg_str px = MG_STR_INIT, main_v = MG_STR_INIT, set =
	    MG_STR_INIT, out = MG_STR_INIT;
	char key[320], type[64], path[PATH_MAX], mtype[64], mpath[PATH_MAX];
	char *tail;
	size_t i, room;
	int rc = -1;

	if (postconf_out(pp, "-Px", NULL, &px, err) < 0 ||
	    postconf_out(pp, "-x", NULL, &main_v, err) < 0)
		goto out;
	if (!value_of(mg_str_cstr(&main_v), "smtpd_sasl_type", mtype,
	    sizeof(mtype)))
		mtype[0] = '\0';
	if (!value_of(mg_str_cstr(&main_v), "smtpd_sasl_path", mpath,
	    sizeof(mpath)))
		mpath[0] = '\0';
	for (i = 0; i <= pp->nsvcs; i++) {
		/* "mailguard-proof[-N]/unix/" and the parameter */
		if (i == 0)
			(void)snprintf(key, sizeof(key), "%s/unix/",
			    PROOF_SERVICE);
		else
			(void)snprintf(key, sizeof(key), "%s-%zu/unix/",
			    PROOF_SERVICE, i);
		tail = key + strlen(key);
		room = sizeof(key) - (size_t)(tail - key);
		(void)snprintf(tail, room, "smtpd_sasl_type");
		if (!value_of(mg_str_cstr(&px), key, type, sizeof(type)))
			(void)snprintf(type, sizeof(type), "%s", mtype);
		(void)snprintf(tail, room, "smtpd_sasl_path");
		if (!value_of(mg_str_cstr(&px), key, path, sizeof(path)))
			(void)snprintf(path, sizeof(path), "%s", mpath);
		if (strcmp(type, "dovecot") != 0 || path[0] == '\0' ||
		    path[0] == '/' || strncmp(path, "inet:", 5) == 0)
			continue;
		mg_str_reset(&set);
		mg_str_printf(&set, "%s=%s/%s", key, pp->queue, path);
		if (postconf_out(pp, "-P", mg_str_cstr(&set), &out, err) < 0)
			goto out;
	}
	rc = 0;
out:
	mg_str_free(&px);
	mg_str_free(&main_v);
	mg_str_free(&set);
	mg_str_free(&out);
	return (rc);
}

/* settle - main.cf and master.cf dated 2 s back: Postfix programs poll a
 * main.cf younger than a second until it looks stable */
static void
settle(const struct mg_pf_private *pp)
{
	struct timespec ts[2];
	char path[PATH_MAX + 32];

	(void)clock_gettime(CLOCK_REALTIME, &ts[0]);
	ts[0].tv_sec -= 2;
	ts[1] = ts[0];
	(void)snprintf(path, sizeof(path), "%s/main.cf", pp->etc);
	(void)utimensat(AT_FDCWD, path, ts, 0);
	(void)snprintf(path, sizeof(path), "%s/master.cf", pp->etc);
	(void)utimensat(AT_FDCWD, path, ts, 0);
}

/* write_new - a new file (must not exist) with text, mode 0644 */
static int
write_new(const char *path, const struct mg_str *text, struct mg_err *err)
{
	int fd;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	    0644);
	if (fd < 0)
		return (mg_err_errno(err, "cannot create %s", path));
	if (write(fd, text->data != NULL ? text->data : "", text->len) !=
	    (ssize_t)text->len) {
		(void)close(fd);
		return (mg_err_errno(err, "cannot write %s", path));
	}
	if (close(fd) < 0)
		return (mg_err_errno(err, "cannot write %s", path));
	return (0);
}

/* copy_conf - main.cf and master.cf of conf into the private etc */
static int
copy_conf(struct mg_pf_private *pp, struct mg_err *err)
{
	static const char *const names[] = { "main.cf", "master.cf", NULL };
	char src[PATH_MAX + 16], dst[PATH_MAX + 32];
	struct mg_str text = MG_STR_INIT;
	size_t i;

	for (i = 0; names[i] != NULL; i++) {
		(void)snprintf(src, sizeof(src), "%s/%s", pp->conf, names[i]);
		(void)snprintf(dst, sizeof(dst), "%s/%s", pp->etc, names[i]);
		mg_str_reset(&text);
		if (mg_file_read(src, MG_FILE_MAX, &text, NULL, err) < 0 ||
		    write_new(dst, &text, err) < 0) {
			mg_str_free(&text);
			return (-1);
		}
	}
	mg_str_free(&text);
	return (0);
}

/* private_dirs - spool, data (the mail owner's), log */
static int
private_dirs(struct mg_pf_private *pp, struct mg_err *err)
{
	static const char *const subs[] = { "spool", "data", "log", NULL };
	char path[PATH_MAX + 16];
	struct mg_str owner = MG_STR_INIT;
	struct passwd *pw;
	size_t i;

	for (i = 0; subs[i] != NULL; i++) {
		(void)snprintf(path, sizeof(path), "%s/%s", pp->root, subs[i]);
		if (mkdir(path, 0755) < 0)
			return (mg_err_errno(err, "cannot create %s", path));
	}
	if (postconf_out(pp, "-h", "mail_owner", &owner, err) < 0) {
		mg_str_free(&owner);
		return (-1);
	}
	owner.data[strcspn(owner.data, "\n")] = '\0';
	pw = getpwnam(owner.data);
	(void)snprintf(path, sizeof(path), "%s/data", pp->root);
	if (pw == NULL || chown(path, pw->pw_uid, pw->pw_gid) < 0) {
		(void)mg_err_set(err, "mail_owner %s: no such user, or %s "
		    "cannot be given to it", owner.data, path);
		mg_str_free(&owner);
		return (-1);
	}
	mg_str_reset(&owner);
	/* before private_params moves it: Dovecot's socket is there */
	if (postconf_out(pp, "-xh", "queue_directory", &owner, err) < 0) {
		mg_str_free(&owner);
		return (-1);
	}
	owner.data[strcspn(owner.data, "\n")] = '\0';
	(void)snprintf(pp->queue, sizeof(pp->queue), "%s", owner.data);
	mg_str_free(&owner);
	return (0);
}

/* private_params - the instance's own paths and listener policy */
static int
private_params(struct mg_pf_private *pp, struct mg_err *err)
{
	struct mg_str p[5];
	const char *argv[12];
	size_t i, n = 0;
	int rc;

	for (i = 0; i < 5; i++)
		mg_str_init(&p[i]);
	mg_str_printf(&p[0], "queue_directory = %s/spool", pp->root);
	mg_str_printf(&p[1], "data_directory = %s/data", pp->root);
	mg_str_printf(&p[2], "maillog_file = %s/log/maillog", pp->root);
	mg_str_printf(&p[3], "maillog_file_prefixes = %s", pp->root);
	mg_str_printf(&p[4], "syslog_name = postfix-mailguard-proof");
	argv[n++] = "postconf";
	argv[n++] = "-c";
	argv[n++] = pp->etc;
	argv[n++] = "-e";
	for (i = 0; i < 5; i++)
		argv[n++] = p[i].data;
	argv[n++] = "inet_interfaces = 127.0.0.1";
	argv[n++] = "smtpd_authorized_xclient_hosts = 127.0.0.1";
	argv[n] = NULL;
	rc = run(pp, argv, NULL, err);
	for (i = 0; i < 5; i++)
		mg_str_free(&p[i]);
	if (rc == 0) {
		const char *proto[] = { "postconf", "-c", pp->etc, "-e",
		    "inet_protocols = all", NULL };

		rc = run(pp, proto, NULL, err);
	}
	return (rc);
}

/* listening - the instance answers on its port */
static int
listening(struct mg_pf_private *pp)
{
	struct mg_smtp s;
	struct mg_smtp_reply r;
	struct mg_err err;
	int ok;

	if (mg_smtp_open_unix(&s, pp->sock, 2000, &err) < 0)
		return (0);
	ok = mg_smtp_read(&s, &r, &err) == 0 && r.code == 220;
	(void)mg_smtp_cmd(&s, "QUIT", &r, &err);
	mg_smtp_close(&s);
	return (ok);
}

/* nap - a tenth of a second */
static void
nap(void)
{
	struct timespec ts = { 0, 100000000L };

	(void)nanosleep(&ts, NULL);
}

/* smtpd_fatal - the instance's smtpd refused to run (its log says
 * "fatal:"): err says why, 1; else 0 */
static int
smtpd_fatal(struct mg_pf_private *pp, struct mg_err *err)
{
	char path[PATH_MAX + 32];
	struct mg_str text = MG_STR_INIT;
	struct mg_err e2;
	const char *at;
	int rc = 0;

	(void)snprintf(path, sizeof(path), "%s/log/maillog", pp->root);
	if (mg_file_read(path, 1 << 20, &text, NULL, &e2) == 0 &&
	    (at = strstr(mg_str_cstr(&text), "/smtpd[")) != NULL &&
	    (at = strstr(at, "]: fatal: ")) != NULL) {
		at += 3;
		(void)mg_err_set(err, "its smtpd refuses to run with this "
		    "configuration: %.*s", (int)strcspn(at, "\n"), at);
		rc = 1;
	}
	mg_str_free(&text);
	return (rc);
}

/* ms_now - a monotonic clock in milliseconds */
static long long
ms_now(void)
{
	struct timespec ts;

	(void)clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* mg_pf_private_stale - the private instances (and their directories)
 * of runs that ended without removing them (killed with their reaper):
 * stopped and removed; how many */
size_t
mg_pf_private_stale(void)
{
	return (mg_reaper_stale(PROOF_PARENT, PROOF_PREFIX));
}

/*
 * mg_pf_private_start - a private instance of the configuration in conf
 * (a directory with main.cf and master.cf), listening; 0, or -1 with err
 * (and nothing left running)
 */
int
mg_pf_private_start(struct mg_pf_private *pp, const char *conf,
    struct mg_err *err)
{
	const char *check[] = { "postfix", "-c", pp->etc, "check", NULL };
	const char *start[] = { "postfix", "-c", pp->etc, "start", NULL };
	char tmpl[PATH_MAX];
	long long t0;

	memset(pp, 0, sizeof(*pp));
	mg_str_init(&pp->log);
	pp->reaper.fd = -1;
	(void)snprintf(pp->conf, sizeof(pp->conf), "%s", conf);
	/* instances of runs killed with their reaper */
	(void)mg_pf_private_stale();
	if (mg_reaper_template(tmpl, sizeof(tmpl), PROOF_PARENT,
	    PROOF_PREFIX, err) < 0)
		return (-1);
	if (mkdtemp(tmpl) == NULL)
		return (mg_err_errno(err, "cannot create a directory for "
		    "the private Postfix"));
	(void)snprintf(pp->root, sizeof(pp->root), "%s", tmpl);
	(void)snprintf(pp->etc, sizeof(pp->etc), "%s/etc", pp->root);
	(void)snprintf(pp->sock, sizeof(pp->sock), "%s/spool/private/%s",
	    pp->root, PROOF_SERVICE);
	if (mg_reaper_watch(&pp->reaper, pp->root, err) < 0) {
		(void)rmdir(pp->root);
		pp->root[0] = '\0';
		return (-1);
	}
	/* Postfix daemons (user postfix) reach data_directory by path */
	if (chmod(pp->root, 0755) < 0) {
		(void)mg_err_errno(err, "%s", pp->root);
		goto fail;
	}
	if (mkdir(pp->etc, 0755) < 0 && errno != EEXIST) {
		(void)mg_err_errno(err, "cannot create %s", pp->etc);
		goto fail;
	}
	if (copy_conf(pp, err) < 0 || private_dirs(pp, err) < 0 ||
	    private_params(pp, err) < 0 || rewrite_master(pp, err) < 0 ||
	    dovecot_paths(pp, err) < 0)
		goto fail;
	settle(pp);
	if (run(pp, check, NULL, err) < 0 || run(pp, start, NULL, err) < 0)
		goto fail;
	pp->started = 1;
	/* by the clock: a master whose smtpd dies (a fatal configuration)
	 * accepts connections that nobody answers, each for listening()'s
	 * whole timeout */
	for (t0 = ms_now(); ms_now() - t0 < START_WAIT_MS;) {
		if (listening(pp)) {
			mg_fault("proof-running");
			return (0);
		}
		if (smtpd_fatal(pp, err))
			goto fail;
		nap();
	}
	(void)mg_err_set(err, "the private Postfix did not answer on "
	    "%s within %d s", pp->sock, START_WAIT_MS / 1000);
fail:
	mg_pf_private_stop(pp);
	return (-1);
}

/*
 * mg_pf_private_sock - the socket of the listener that stands for
 * master.cf service ("name/type"; NULL: the public smtpd), or NULL if
 * the instance has none for it
 */
const char *
mg_pf_private_sock(const struct mg_pf_private *pp, const char *service)
{
	size_t i;

	if (service == NULL || strcmp(service, pp->service) == 0 ||
	    (pp->pass[0] != '\0' && strcmp(service, pp->pass) == 0))
		return (pp->sock);
	for (i = 0; i < pp->nsvcs; i++)
		if (strcmp(service, pp->svcs[i].service) == 0)
			return (pp->svcs[i].sock);
	return (NULL);
}

/*
 * mg_pf_private_ask - the RCPT verdict of the private smtpd for probe p,
 * on the listener of its service (p->service; NULL: the public smtpd):
 * one test of the relay probe's session (XCLIENT as p->client and its
 * name, and login, EHLO, MAIL FROM, RCPT TO, RSET, QUIT).  0 with v
 * filled (a MAIL refusal is the verdict too), -1 with err if Postfix
 * could not be asked (or has no listener for that service: never another
 * service's answer).
 */
int
mg_pf_private_ask(struct mg_pf_private *pp, const struct mg_probe *p,
    struct mg_smtp_verdict *v, struct mg_err *err)
{
	struct mg_probe_conn c;
	struct mg_probe_test t;
	struct mg_probe_answer a;
	const char *text, *sock;

	memset(v, 0, sizeof(*v));
	v->code = -1;
	if (p->service != NULL)
		(void)snprintf(v->how, sizeof(v->how), "postfix smtpd of "
		    "%.100s (XCLIENT)", p->service);
	else
		(void)snprintf(v->how, sizeof(v->how),
		    "postfix smtpd (XCLIENT)");
	if ((sock = mg_pf_private_sock(pp, p->service)) == NULL)
		return (mg_err_set(err, "the private Postfix has no listener "
		    "for master.cf service %s (not an inet smtpd, or more than "
		    "%d of them)", p->service, MG_PF_PROOF_SVC_MAX + 1));
	memset(&c, 0, sizeof(c));
	c.host = "localhost";
	c.unix_path = sock;
	c.timeout_ms = ASK_MS;
	c.xclient = p->client;
	c.xclient_name = p->client_name;
	c.xclient_login = p->login;
	memset(&t, 0, sizeof(t));
	if (snprintf(t.sender, sizeof(t.sender), "%s", p->sender) >=
	    (int)sizeof(t.sender) || snprintf(t.rcpt, sizeof(t.rcpt), "%s",
	    p->rcpt) >= (int)sizeof(t.rcpt))
		return (mg_err_set(err, "address too long"));
	if (mg_probe_run(&c, &t, 1, &a, &pp->log, err) < 0)
		return (-1);
	v->code = a.rcpt >= 0 ? a.rcpt : a.mail;
	text = strlen(a.text) > 4 ? a.text + 4 : "";	/* "250 2.1.5 Ok" */
	(void)snprintf(v->text, sizeof(v->text), "%.250s", text);
	return (0);
}

/* master_pid - the private master's pid, or 0 */
static pid_t
master_pid(const struct mg_pf_private *pp)
{
	char path[PATH_MAX + 32];
	struct mg_str s = MG_STR_INIT;
	struct mg_err err;
	long pid;

	(void)snprintf(path, sizeof(path), "%s/spool/pid/master.pid",
	    pp->root);
	if (mg_file_read(path, 64, &s, NULL, &err) < 0) {
		mg_str_free(&s);
		return (0);
	}
	pid = strtol(s.data, NULL, 10);
	mg_str_free(&s);
	return (pid > 1 ? (pid_t)pid : 0);
}

/* mg_pf_private_stop - stop the instance (by its master's pid if "postfix
 * stop" does not) and remove its directory */
void
mg_pf_private_stop(struct mg_pf_private *pp)
{
	const char *stop[] = { "postfix", "-c", pp->etc, "stop", NULL };
	const char *rm[] = { "rm", "-rf", "--", pp->root, NULL };
	struct mg_err err;
	pid_t pid;
	int i;

	if (pp->started) {
		pid = master_pid(pp);
		(void)run(pp, stop, NULL, &err);
		for (i = 0; pid > 0 && i < 100 && kill(pid, 0) == 0; i++)
			nap();
		if (pid > 0 && kill(pid, 0) == 0)
			(void)kill(pid, SIGKILL);
		pp->started = 0;
	}
	if (pp->root[0] != '\0' && strncmp(pp->root, PROOF_PARENT "/"
	    PROOF_PREFIX, strlen(PROOF_PARENT "/" PROOF_PREFIX)) == 0)
		(void)mg_exec_tool(rm, NULL, 0, TOOL_MS, NULL, &err);
	/* and whatever the stop left running or unremoved */
	mg_reaper_done(&pp->reaper);
	pp->root[0] = '\0';
	mg_str_free(&pp->log);
}

/* mg_pf_sim_tests - the tests in one or more sessions with the private
 * smtpd, each saying XCLIENT ADDR=client first */
int
mg_pf_sim_tests(struct mg_target *t, void *priv, const char *client,
    const struct mg_probe_test *tests, size_t n, struct mg_probe_answer *a,
    struct mg_str *log, struct mg_err *err)
{
	struct mg_pf_private *pp = priv;
	struct mg_probe_conn c;

	(void)t;
	memset(&c, 0, sizeof(c));
	c.host = "localhost";
	c.unix_path = pp->sock;
	c.tls = MG_PROBE_PLAIN;
	c.timeout_ms = ASK_MS;
	c.xclient = client;
	return (mg_probe_run(&c, tests, n, a, log, err));
}

/*
 * mg_pf_sim_open - a private instance of conf (a directory with main.cf
 * and master.cf; NULL: the live configuration directory), for the fix
 * engine's proof and the relay probe (mg_pf_sim_tests); note says what
 * was started, or why it could not be
 */
int
mg_pf_sim_open(struct mg_target *t, const char *conf, void **priv,
    struct mg_str *note, struct mg_err *err)
{
	struct mg_pf_private *pp;
	size_t i;

	if (conf == NULL && (conf = t->config_dir) == NULL)
		return (mg_err_set(err, "no Postfix configuration directory"));
	if (geteuid() != 0) {
		(void)mg_err_set(err, "asking Postfix as other clients starts "
		    "a private copy of it, which needs root (sudo); without "
		    "root, --target HOST --client IP asks a listener that "
		    "offers XCLIENT");
		mg_str_printf(note, "cannot start a private Postfix to ask: %s",
		    err->msg);
		return (-1);
	}
	pp = mg_xcalloc(1, sizeof(*pp));
	if (mg_pf_private_start(pp, conf, err) < 0) {
		mg_str_printf(note, "cannot start a private Postfix to ask: %s",
		    err->msg);
		free(pp);
		return (-1);
	}
	mg_str_printf(note, "private Postfix from %s on a socket only root "
	    "reaches (stands for %s", conf, pp->service);
	if (pp->pass[0] != '\0')
		mg_str_printf(note, " with %s's arguments", pp->pass);
	for (i = 0; i < pp->nsvcs; i++)
		mg_str_printf(note, "%s%s", i == 0 ? "; and, each on its own "
		    "socket with its -o overrides: " : ", ",
		    pp->svcs[i].service);
	mg_str_puts(note, "; plain SMTP, TLS settings left out)");
	*priv = pp;
	return (0);
}

/* mg_pf_sim_ask - one probe of the private instance; local SMTP without
 * a client address is not asked (1) */
int
mg_pf_sim_ask(struct mg_target *t, void *priv, const struct mg_probe *p,
    struct mg_smtp_verdict *v, struct mg_err *err)
{
	(void)t;
	if (*p->client == '\0') {
		(void)snprintf(v->text, sizeof(v->text), "local SMTP without "
		    "a client address is not asked of Postfix");
		return (1);
	}
	return (mg_pf_private_ask(priv, p, v, err));
}

/* mg_pf_sim_close - the private instance stopped and removed */
void
mg_pf_sim_close(struct mg_target *t, void *priv)
{
	struct mg_pf_private *pp = priv;

	(void)t;
	if (pp == NULL)
		return;
	if (pp->root[0] != '\0')
		mg_pf_private_stop(pp);
	free(pp);
}
