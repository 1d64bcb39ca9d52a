/*
 * check_exim_aliases.c - the aliases Exim's redirect routers read (on
 * Debian, system_aliases with /etc/aliases).  RFC 5321 requires a
 * postmaster mailbox; root's mail (cron, logcheck, security updates) must
 * reach a person.  Debian's mail4root router catches root's mail when
 * /etc/aliases has no root entry and files it in /var/mail/mail, which
 * nobody reads.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../backends/exim/exim_expand.h"
#include "../../core/mg_str.h"
#include "../checks.h"

/* has_key - does the lsearch file have an entry for key? */
static int
has_key(const struct mg_srcfile *f, const char *key)
{
	size_t i, n = strlen(key), w;
	const char *l;

	for (i = 0; i < f->nlines; i++) {
		l = f->lines[i];
		if (*l == '#' || *l == ' ' || *l == '\t')
			continue;
		w = strcspn(l, ": \t");
		if (w == n && strncasecmp(l, key, n) == 0)
			return (1);
	}
	return (0);
}

/* last_line - the last line of the file, where new entries go */
static unsigned
last_line(const struct mg_srcfile *f)
{
	return ((unsigned)f->nlines);
}

/* root_catcher - a redirect router for local part root with a fixed
 * destination (Debian's mail4root); its data, or NULL */
static const struct mg_param *
root_catcher(const struct mg_model *m)
{
	const struct mg_rule *r;
	const struct mg_param *lp, *drv;
	size_t i;

	for (i = 0; i < m->nrules; i++) {
		r = &m->rules[i];
		lp = mg_rule_cond(r, "local_parts");
		drv = mg_rule_cond(r, "driver");
		if (strcmp(r->group, "routers") == 0 && lp != NULL &&
		    drv != NULL && strcmp(drv->value, "redirect") == 0 &&
		    strcmp(lp->value, "root") == 0)
			return (mg_rule_cond(r, "data"));
	}
	return (NULL);
}

/* check_file - one alias file */
static void
check_file(const struct mg_model *m, struct mg_report *r,
    const struct mg_rule *router, const struct mg_srcfile *f)
{
	const struct mg_param *catcher = root_catcher(m);
	struct mg_str text = MG_STR_INIT;
	struct mg_finding *fd;
	struct mg_fix *x;
	unsigned last = last_line(f);

	if (!has_key(f, "postmaster")) {
		fd = mg_report_finding(r, "exim.aliases.postmaster",
		    MG_SEV_MEDIUM, "aliases", "No postmaster alias");
		mg_finding_explain(fd, "RFC 5321 requires every mail domain "
		    "to accept mail for postmaster, and other mail servers "
		    "write to it when yours misbehaves. Without an entry it "
		    "goes where a local user named postmaster would get it - "
		    "usually nowhere. The fix sends it to root (whose mail "
		    "must reach a person).");
		mg_finding_evidence(fd, f->path, 0, "%s (read by the %s "
		    "router) has no postmaster entry", f->path, router->verb);
		if (last > 0) {
			mg_str_printf(&text, "%s\npostmaster: root",
			    f->lines[last - 1]);
			x = mg_report_fix(r, "exim.aliases.add-postmaster",
			    "Add postmaster: root to the aliases");
			(void)mg_fix_replace_line(x, f->path, last,
			    f->lines[last - 1], mg_str_cstr(&text));
			mg_finding_add_fix(fd, x->id);
		}
	}
	if (!has_key(f, "root")) {
		fd = mg_report_finding(r, "exim.aliases.root", catcher != NULL ?
		    MG_SEV_LOW : MG_SEV_MEDIUM, "aliases", "root's mail "
		    "reaches no person");
		mg_finding_explain(fd, "cron, logcheck, unattended-upgrades "
		    "and the MTA's own warnings write to root. Without a root "
		    "entry in the aliases that mail is not forwarded to "
		    "anyone who reads it. Add \"root: you@example.com\" (your "
		    "address) to the aliases; on Debian, dpkg-reconfigure "
		    "exim4-config asks for it.");
		mg_finding_evidence(fd, f->path, 0, "%s has no root entry",
		    f->path);
		if (catcher != NULL)
			mg_finding_evidence(fd, catcher->file, catcher->line,
			    "root's mail is filed in %s instead",
			    catcher->value);
	}
	mg_str_free(&text);
}

/* note_dynamic - a router whose alias file is named by the message
 * ($domain, $local_part): which file is read is known only per address,
 * so it is named as not checked rather than as missing */
static void
note_dynamic(struct mg_report *r, const struct mg_rule *router,
    const struct mg_exim_lookup *l)
{
	struct mg_str s = MG_STR_INIT;

	mg_str_printf(&s, "router %s: the alias file %s depends on %s "
	    "(one file per address): not checked", router->verb, l->file,
	    l->vars);
	mg_report_unread(r, mg_str_cstr(&s));
	mg_str_free(&s);
}

/*
 * mg_check_exim_aliases - the alias file of the first redirect router
 * reading a fixed lsearch file that could be read (Debian's
 * system_aliases); routers whose file depends on the address are named
 */
void
mg_check_exim_aliases(const struct mg_model *m, struct mg_report *r)
{
	const struct mg_rule *router;
	const struct mg_param *c;
	const struct mg_srcfile *f;
	struct mg_exim_lookup *l;
	size_t i, k, n;
	int checked = 0;

	for (i = 0; i < m->nrules; i++) {
		router = &m->rules[i];
		if (strcmp(router->group, "routers") != 0 ||
		    (c = mg_rule_cond(router, "driver")) == NULL ||
		    strcmp(c->value, "redirect") != 0 ||
		    (c = mg_rule_cond(router, "data")) == NULL)
			continue;
		(void)mg_exim_lookups(c->value, &l, &n);
		for (k = 0; k < n; k++) {
			if (!mg_exim_lookup_is_lsearch(&l[k]))
				continue;
			if (l[k].vars != NULL) {
				note_dynamic(r, router, &l[k]);
				continue;
			}
			f = mg_model_file(m, l[k].file);
			if (f != NULL && !checked) {
				check_file(m, r, router, f);
				checked = 1;
			}
		}
		mg_exim_lookups_free(l, n);
	}
}
