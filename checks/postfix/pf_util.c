/*
 * pf_util.c - what several Postfix checks ask of the model: is the server
 * reachable from other hosts at all, where a value comes from, and the
 * main.cf and master.cf edits and reload that Postfix fixes are made of.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "../../backends/postfix/pf_list.h"
#include "../../core/mg_str.h"
#include "../checks.h"

/*
 * mg_check_pf_loopback_only - no smtpd listener can be reached from
 * another host: every inet smtpd/postscreen service and every pass
 * service is loopback by mg_check_pf_reach (master(5): "host:port" binds
 * that host whatever inet_interfaces says, a port alone binds
 * inet_interfaces, -o inet_interfaces= moves no listener); without such
 * a service, inet_interfaces names only loopback addresses.
 */
int
mg_check_pf_loopback_only(const struct mg_model *m)
{
	const struct mg_service *s;
	size_t i, n = 0;

	for (i = 0; i < m->nservices; i++) {
		s = &m->services[i];
		if (strcmp(s->type, "pass") != 0 &&
		    (strcmp(s->type, "inet") != 0 || s->command == NULL ||
		    (strcmp(s->command, "smtpd") != 0 &&
		    strcmp(s->command, "postscreen") != 0)))
			continue;
		n++;
		if (mg_check_pf_reach(m, s) != MG_PF_REACH_LOOPBACK)
			return (0);
	}
	return (n > 0 ||
	    mg_check_pf_reach(m, NULL) == MG_PF_REACH_LOOPBACK);
}

/* mg_check_pf_level - the configuration's compatibility_level as
 * Postfix sees it (postconf -x: "0" when main.cf sets none) */
const char *
mg_check_pf_level(const struct mg_model *m)
{
	const char *v = mg_model_value(m, "compatibility_level");

	return (v != NULL && *v != '\0' ? v : "0");
}

/*
 * mg_check_pf_origin - where a parameter's effective value comes from:
 * "main.cf:12" (the file's base name and line), "master.cf:40" for a
 * service's -o, else "default at compatibility_level L" - postconf(5):
 * several defaults change with the level (smtpd_relay_restrictions is
 * empty at level 0), so the level is part of the answer.
 */
void
mg_check_pf_origin(const struct mg_model *m, const struct mg_param *p,
    char *buf, size_t size)
{
	const char *base;

	if (p != NULL && p->file != NULL) {
		base = strrchr(p->file, '/');
		(void)snprintf(buf, size, "%s:%u", base != NULL ? base + 1 :
		    p->file, p->line);
		return;
	}
	(void)snprintf(buf, size, "default at compatibility_level %s",
	    mg_check_pf_level(m));
}

/* braced - the name at "at" is inside a "{ ... }" of line: only blanks
 * between it and a '{' */
static int
braced(const char *line, const char *at)
{
	while (at > line && (at[-1] == ' ' || at[-1] == '\t'))
		at--;
	return (at > line && at[-1] == '{');
}

/* mg_check_pf_edit_override - the service's "-o name=value" line with a
 * new value; 0 if the line does not hold the override as written */
int
mg_check_pf_edit_override(const struct mg_model *m, struct mg_fix *x,
    const struct mg_param *p, const char *value)
{
	const struct mg_srcfile *f = mg_model_file(m, p->file);
	const char *line, *at, *last, *v, *end;
	struct mg_str text = MG_STR_INIT;
	size_t n = strlen(p->name), vlen;

	if (f == NULL || p->line == 0 || p->line > f->nlines)
		return (0);
	line = f->lines[p->line - 1];
	/* the last "name=" on the line: with two -o of one name on it,
	 * postconf -P and smtpd use the last */
	for (last = NULL, at = strstr(line, p->name); at != NULL;
	    at = strstr(at + 1, p->name)) {
		v = at + n + strspn(at + n, " \t");
		if ((at == line || strchr(" \t{", at[-1]) != NULL) &&
		    *v == '=')
			last = at;
	}
	if ((at = last) == NULL)
		return (0);
	v = at + n + strspn(at + n, " \t");
	v++;
	v += strspn(v, " \t");
	if (braced(line, at)) {
		/* master(5), Postfix 3.0: "-o { name = value }" - the value
		 * may hold spaces ("a, b") and ends at the brace */
		if ((end = strchr(v, '}')) == NULL)
			return (0);	/* continues on the next line */
		while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		vlen = (size_t)(end - v);
	} else
		vlen = strcspn(v, " \t}");
	mg_str_init(&text);
	mg_str_append(&text, line, (size_t)(v - line));
	mg_str_puts(&text, value);
	mg_str_puts(&text, v + vlen);
	(void)mg_fix_replace_line(x, p->file, p->line, line,
	    mg_str_cstr(&text));
	mg_str_free(&text);
	return (1);
}

/* mg_check_pf_add_override - "-o name=value" on a new line under the service's
 * master.cf entry (a line that starts with white space continues it);
 * 0 if the entry's line is not known, or if the service already has its
 * own -o name: the new line would come before it, and the last -o is the
 * one smtpd uses */
int
mg_check_pf_add_override(const struct mg_model *m, struct mg_fix *x,
    const struct mg_service *s, const char *name, const char *value)
{
	const struct mg_srcfile *f;
	struct mg_str text = MG_STR_INIT;

	if (s == NULL || mg_service_override(s, name) != NULL ||
	    s->file == NULL || s->line == 0 ||
	    (f = mg_model_file(m, s->file)) == NULL || s->line > f->nlines)
		return (0);
	mg_str_printf(&text, "%s\n  -o %s=%s", f->lines[s->line - 1], name,
	    value);
	(void)mg_fix_replace_line(x, s->file, s->line, f->lines[s->line - 1],
	    mg_str_cstr(&text));
	mg_str_free(&text);
	return (1);
}

/* mg_check_pf_set_global - main.cf: name = value, where it is written
 * now, else as a new setting */
void
mg_check_pf_set_global(const struct mg_model *m, struct mg_fix *x,
    const char *name, const char *value)
{
	const struct mg_param *p = mg_model_param(m, name);

	if (p != NULL && p->file != NULL && p->raw != NULL)
		(void)mg_fix_set_param(x, p->file, p->line, name, p->raw,
		    value);
	else
		(void)mg_fix_set_param(x, m->config_file, 0, name, NULL,
		    value);
}

/* mg_check_pf_reload - "postfix -c DIR reload" as the fix's last
 * post-command, once */
void
mg_check_pf_reload(const struct mg_model *m, struct mg_fix *x)
{
	const char *argv[] = { "postfix", "-c", m->config_dir, "reload",
	    NULL };
	size_t i;

	if (m->config_dir == NULL)
		return;
	for (i = 0; i < x->npost; i++)
		if (x->post[i].argc == 4 &&
		    strcmp(x->post[i].argv[0], "postfix") == 0 &&
		    strcmp(x->post[i].argv[3], "reload") == 0)
			return;
	mg_fix_post(x, argv);
}

/* mg_check_pf_permissive - an access(5) answer that ends the list with
 * accept: OK, all-numeric (pop-before-smtp style) or a permit_
 * restriction */
int
mg_check_pf_permissive(const char *v)
{
	size_t n;

	if (v == NULL)
		return (0);
	v += strspn(v, " \t");
	n = strcspn(v, " \t,");
	if (n == 2 && strncasecmp(v, "OK", 2) == 0)
		return (1);
	if (strncasecmp(v, "permit", 6) == 0)
		return (1);
	return (n > 0 && strspn(v, "0123456789") == n);
}

/* commented_o - "#  -o PARAM=VALUE" (a comment line inside an entry,
 * not "#name type ...", which comments out another entry) */
static int
commented_o(const char *line, const char *param, const char *value)
{
	const char *p = line;
	size_t n = strlen(param), v = strlen(value);

	if (*p++ != '#' || (*p != ' ' && *p != '\t'))
		return (0);
	p += strspn(p, " \t");
	if (strncmp(p, "-o", 2) != 0)
		return (0);
	p += 2 + strspn(p + 2, " \t");
	if (strncmp(p, param, n) != 0)
		return (0);
	p += n + strspn(p + n, " \t");
	if (*p++ != '=')
		return (0);
	p += strspn(p, " \t");
	if (strncasecmp(p, value, v) != 0)
		return (0);
	p += v;
	return (p[strspn(p, " \t")] == '\0');
}

/*
 * mg_check_pf_commented_override - the line (1-based) of service s's
 * commented-out "-o PARAM=VALUE" within its master.cf entry (lines that
 * start with white space continue it; "#  " comment lines do not end
 * it; "#name ..." begins a commented-out entry), as Postfix's master.cf
 * ships the smtps and submission overrides; 0 if there is none
 */
unsigned
mg_check_pf_commented_override(const struct mg_model *m,
    const struct mg_service *s, const char *param, const char *value)
{
	const struct mg_srcfile *f;
	const char *line;
	size_t i;

	if (s->file == NULL || s->line == 0 ||
	    (f = mg_model_file(m, s->file)) == NULL || s->line > f->nlines)
		return (0);
	for (i = s->line; i < f->nlines; i++) {
		line = f->lines[i];
		if (*line != '#' && *line != '\0' &&
		    !isspace((unsigned char)*line))
			break;	/* the next entry */
		if (*line == '#' && line[1] != ' ' && line[1] != '\t' &&
		    line[1] != '\0')
			break;	/* a commented-out entry begins */
		if (commented_o(line, param, value))
			return ((unsigned)i + 1);
	}
	return (0);
}

/* mg_check_pf_has_cert - service s has a server certificate to present */
int
mg_check_pf_has_cert(const struct mg_model *m, const struct mg_service *s)
{
	static const char *const certs[] = { "smtpd_tls_cert_file",
	    "smtpd_tls_eccert_file", "smtpd_tls_dcert_file",
	    "smtpd_tls_chain_files", NULL };
	const char *v;
	size_t i;

	for (i = 0; certs[i] != NULL; i++) {
		v = mg_service_value(m, s, certs[i], NULL);
		if (v != NULL && v[strspn(v, " \t")] != '\0')
			return (1);
	}
	return (0);
}

/* gate_word - does [elem, elem+len) equal w? */
static int
gate_word(const char *elem, size_t len, const char *w)
{
	return (strlen(w) == len && strncasecmp(elem, w, len) == 0);
}

/*
 * list_gate - does a restriction list refuse clients that did not log
 * in?  Yes when it reaches a bare "reject" passing only
 * permit_sasl_authenticated, permit_mynetworks and reject_* restrictions
 * (which refuse more, never accept); any other permit or lookup may
 * accept the client first, and a list that ends without "reject" lets
 * it through (Postfix's "permit" at the end of each list).
 */
static enum mg_pf_gate
list_gate(const char *v)
{
	const char *cur = v, *elem;
	size_t len;
	int mynet = 0;

	if (v == NULL)
		return (MG_PF_GATE_NONE);
	while (mg_pf_list_next(&cur, &elem, &len)) {
		if (gate_word(elem, len, "reject"))
			return (mynet ? MG_PF_GATE_MYNET : MG_PF_GATE_ALL);
		if (gate_word(elem, len, "permit_mynetworks"))
			mynet = 1;
		else if (gate_word(elem, len, "permit_sasl_authenticated") ||
		    gate_word(elem, len, "warn_if_reject"))
			continue;
		else if (len > 7 && strncasecmp(elem, "reject_", 7) == 0 &&
		    !gate_word(elem, len, "reject_unauth_destination") &&
		    !gate_word(elem, len, "defer_unauth_destination"))
			continue;	/* refuses more; takes no table */
		else
			return (MG_PF_GATE_NONE);
	}
	return (MG_PF_GATE_NONE);
}

/* The lists smtpd evaluates at RCPT (smtpd_delay_reject = yes); a
 * "permit" ends one list only, so any one of them can refuse. */
const char *const mg_check_pf_gate_lists[] = { "smtpd_client_restrictions",
	"smtpd_helo_restrictions", "smtpd_sender_restrictions",
	"smtpd_relay_restrictions", "smtpd_recipient_restrictions", NULL };

/* mg_check_pf_gate - the strongest gate of the service's restriction
 * lists against clients that did not log in (NULL: main.cf's); *where:
 * the setting of the list that gates */
enum mg_pf_gate
mg_check_pf_gate(const struct mg_model *m, const struct mg_service *s,
    const struct mg_param **where)
{
	const struct mg_param *p;
	enum mg_pf_gate g, best = MG_PF_GATE_NONE;
	size_t i;

	*where = NULL;
	for (i = 0; mg_check_pf_gate_lists[i] != NULL; i++) {
		g = list_gate(mg_service_value(m, s, mg_check_pf_gate_lists[i],
		    &p));
		if (g > best) {
			best = g;
			*where = p;
		}
	}
	return (best);
}
