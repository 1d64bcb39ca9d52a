/*
 * probe_print.c - a relay probe run (engine/probe_run.c) as the probe
 * command shows it: the listener, one line per client with what relayed,
 * the verdict and the findings; or the same as JSON; and its exit code.
 */
#include <stdio.h>
#include <string.h>

#include "../core/mg_json.h"
#include "../core/mg_sanitize.h"
#include "cmd.h"
#include "probe_print.h"

/* probe_finding - a finding the probe made or added evidence to */
static int
probe_finding(const struct mg_finding *f)
{
	size_t k;

	if (strncmp(f->id, "probe.", 6) == 0)
		return (1);
	for (k = 0; k < f->nevidence; k++)
		if (strncmp(f->evidence[k].text, "relay probe: ", 13) == 0)
			return (1);
	return (0);
}

/* mg_probe_exit_code - 2 open relay, 1 other probe findings, 0 none */
int
mg_probe_exit_code(const struct mg_probe_report *pr, const struct mg_report *r)
{
	size_t i;

	if (pr->open > 0)
		return (MG_EXIT_CRIT);
	for (i = 0; i < r->nfindings; i++)
		if (strncmp(r->findings[i].id, "probe.", 6) == 0 &&
		    r->findings[i].severity > MG_SEV_INFO)
			return (MG_EXIT_WARN);
	return (MG_EXIT_OK);
}

/* yesno - for the listener lines */
static const char *
yesno(int b)
{
	return (b ? "yes" : "no");
}

/* print_entry - "; opened by ENTRY (file:line)" for a grant's test */
static void
print_entry(FILE *fp, const struct mg_probe_test *t)
{
	if (t->entry[0] == '\0')
		return;
	(void)fputs("; opened by ", fp);
	mg_print_sanitized(fp, t->entry);
	if (t->file[0] != '\0' && t->line > 0) {
		(void)fputs(" (", fp);
		mg_print_sanitized(fp, t->file);
		(void)fprintf(fp, ":%u)", t->line);
	}
}

/* mg_probe_print - the run as text: listener, clients, what relayed */
void
mg_probe_print(FILE *fp, const struct mg_probe_report *pr,
    const struct mg_report *r)
{
	const struct mg_probe_result *res;
	const struct mg_probe_listener *l = &pr->l;
	size_t i, k;

	(void)fprintf(fp, "Relay probe of ");
	mg_print_sanitized(fp, pr->plan.name);
	(void)fputs(" (", fp);
	mg_print_sanitized(fp, pr->where);
	(void)fprintf(fp, "): %zu tests per client, asked by ", pr->b.n);
	mg_print_sanitized(fp, pr->how);
	(void)fputs(", never DATA\n\nListener ", fp);
	mg_print_sanitized(fp, pr->where);
	if (pr->have_listener) {
		(void)fprintf(fp, ": %d ", l->banner_code);
		mg_print_sanitized(fp, l->banner);
		(void)fprintf(fp, "\n  TLS: %s%s", l->implicit ? "implicit" :
		    l->starttls ? "STARTTLS offered" : "NO STARTTLS",
		    l->implicit || l->starttls ? (l->tls_ok ? ", works" :
		    ", FAILS: ") : "");
		mg_print_sanitized(fp, l->tls_err);
		(void)fprintf(fp, "; AUTH before TLS: ");
		mg_print_sanitized(fp, l->auth_clear[0] != '\0' ?
		    l->auth_clear : "no");
		(void)fprintf(fp, "; AUTH in TLS: ");
		mg_print_sanitized(fp, l->auth_tls[0] != '\0' ? l->auth_tls :
		    "no");
		(void)fprintf(fp, "\n  VRFY: %d/%d (%s); EXPN: %d (%s); "
		    "XCLIENT offered to us: %s; banner version: %s\n\n",
		    l->vrfy_known, l->vrfy_unknown, l->vrfy_leaks ?
		    "tells users apart" : "tells nothing", l->expn,
		    l->expn_leaks ? "expands" : "tells nothing",
		    yesno(l->xclient), l->version[0] != '\0' ? l->version :
		    "none");
	} else {
		(void)fputs(": not surveyed: ", fp);
		mg_print_sanitized(fp, pr->listener_err);
		(void)fputs("\n\n", fp);
	}
	(void)fprintf(fp, "%-26s %-10s %-7s %s\n", "CLIENT", "STATUS",
	    "RELAYED", "WHY");
	for (i = 0; i < pr->nres; i++) {
		res = &pr->res[i];
		(void)fprintf(fp, "%-26s %-10s %3zu/%-3zu ", res->c.addr[0] !=
		    '\0' ? res->c.addr : "(this host)",
		    mg_probe_status_name(res->status), res->relayed, pr->b.n);
		mg_print_sanitized(fp, res->c.why);
		if (res->c.file != NULL && res->c.line > 0) {
			(void)fputs(" (", fp);
			mg_print_sanitized(fp, res->c.file);
			(void)fprintf(fp, ":%u)", res->c.line);
		}
		if (res->err[0] != '\0') {
			(void)fprintf(fp, "; ");
			mg_print_sanitized(fp, res->err);
		}
		(void)fputc('\n', fp);
	}
	for (i = 0; i < pr->nres; i++) {
		res = &pr->res[i];
		for (k = 0; res->status == MG_PS_OPEN && k < pr->b.n; k++) {
			if (mg_probe_judge(&pr->b, res->a, k) != MG_PV_RELAYED)
				continue;
			(void)fprintf(fp, "  relayed as %s (",
			    res->c.addr[0] != '\0' ? res->c.addr : "this host");
			mg_print_sanitized(fp, pr->b.v[k].name);
			(void)fputs("): ", fp);
			if (pr->b.v[k].helo[0] != '\0') {
				(void)fputs("EHLO ", fp);
				mg_print_sanitized(fp, pr->b.v[k].helo);
				(void)fputs("; ", fp);
			}
			(void)fputs("MAIL FROM:<", fp);
			mg_print_sanitized(fp, pr->b.v[k].sender);
			(void)fprintf(fp, "> RCPT TO:<");
			mg_print_sanitized(fp, pr->b.v[k].rcpt);
			(void)fprintf(fp, "> -> ");
			mg_print_sanitized(fp, res->a[k].text);
			if (mg_probe_opened_by(&pr->b, res, k) != NULL)
				print_entry(fp, &pr->b.v[k]);
			(void)fputc('\n', fp);
		}
	}
	for (i = 0; i < pr->nres; i++) {
		res = &pr->res[i];
		for (k = 0; res->status == MG_PS_TEMPFAIL && k < pr->b.n; k++) {
			if (mg_probe_judge(&pr->b, res->a, k) != MG_PV_TEMPFAIL)
				continue;
			(void)fprintf(fp, "  tempfail as %s: ", res->c.addr);
			mg_print_sanitized(fp, res->a[k].text);
			(void)fprintf(fp, " (%zu of %zu tests)\n",
			    res->tempfailed, pr->b.n);
			break;
		}
	}
	(void)fprintf(fp, "\nVerdict: %s", pr->open > 0 ? "OPEN RELAY" :
	    pr->tempfail > 0 ? "tempfail" : "closed");
	if (pr->open > 0)
		(void)fprintf(fp, " for %zu of %zu clients", pr->open,
		    pr->nres);
	else if (pr->tempfail > 0)
		(void)fprintf(fp, ": %zu of %zu clients are refused for now "
		    "(the server cannot evaluate its configuration for them: "
		    "their mail is deferred, not delivered)", pr->tempfail,
		    pr->nres);
	(void)fprintf(fp, "\n");
	for (i = 0; i < r->nfindings; i++) {
		if (!probe_finding(&r->findings[i]))
			continue;
		(void)fprintf(fp, "%-8s %s  [%s]\n",
		    mg_severity_name(r->findings[i].severity),
		    r->findings[i].title, r->findings[i].id);
	}
}

/* json_listener - the listener object */
static void
json_listener(struct mg_json *j, const struct mg_probe_listener *l)
{
	mg_json_object(j);
	mg_json_kv_string(j, "address", l->peer);
	mg_json_kv_int(j, "banner_code", l->banner_code);
	mg_json_kv_string(j, "banner", l->banner);
	mg_json_kv_string(j, "software", l->software);
	mg_json_kv_string(j, "version", l->version);
	mg_json_key(j, "esmtp");
	mg_json_bool(j, l->esmtp);
	mg_json_key(j, "implicit_tls");
	mg_json_bool(j, l->implicit);
	mg_json_key(j, "starttls");
	mg_json_bool(j, l->starttls);
	mg_json_key(j, "tls_works");
	mg_json_bool(j, l->tls_ok);
	mg_json_kv_string(j, "tls_error", l->tls_err);
	mg_json_kv_string(j, "auth_before_tls", l->auth_clear);
	mg_json_kv_string(j, "auth_in_tls", l->auth_tls);
	mg_json_key(j, "xclient_offered");
	mg_json_bool(j, l->xclient);
	mg_json_kv_int(j, "vrfy_postmaster", l->vrfy_known);
	mg_json_kv_int(j, "vrfy_unknown", l->vrfy_unknown);
	mg_json_kv_int(j, "expn_postmaster", l->expn);
	mg_json_key(j, "vrfy_leaks");
	mg_json_bool(j, l->vrfy_leaks);
	mg_json_key(j, "expn_leaks");
	mg_json_bool(j, l->expn_leaks);
	mg_json_end(j);
}

/* mg_probe_json - the run as a JSON document */
void
mg_probe_json(struct mg_str *out, const struct mg_probe_report *pr,
    const struct mg_report *r)
{
	const struct mg_probe_result *res;
	const struct mg_finding *f;
	struct mg_json j;
	size_t i, k;

	mg_json_init(&j, out, 1);
	mg_json_object(&j);
	mg_json_kv_string(&j, "target", pr->where);
	mg_json_kv_string(&j, "server_name", pr->plan.name);
	mg_json_kv_string(&j, "how", pr->how);
	mg_json_key(&j, "open_relay");
	mg_json_bool(&j, pr->open > 0);
	mg_json_key(&j, "tempfail");
	mg_json_bool(&j, pr->tempfail > 0);
	mg_json_key(&j, "listener");
	if (pr->have_listener)
		json_listener(&j, &pr->l);
	else
		mg_json_null(&j);
	mg_json_kv_string(&j, "listener_error", pr->have_listener ? NULL :
	    pr->listener_err);
	mg_json_key(&j, "tests");
	mg_json_array(&j);
	for (k = 0; k < pr->b.n; k++) {
		mg_json_object(&j);
		mg_json_kv_string(&j, "name", pr->b.v[k].name);
		mg_json_kv_string(&j, "mail_from", pr->b.v[k].sender);
		mg_json_kv_string(&j, "rcpt_to", pr->b.v[k].rcpt);
		mg_json_key(&j, "control");
		mg_json_bool(&j, pr->b.v[k].control);
		if (pr->b.v[k].helo[0] != '\0')
			mg_json_kv_string(&j, "helo", pr->b.v[k].helo);
		if (pr->b.v[k].entry[0] != '\0') {
			mg_json_kv_string(&j, "entry", pr->b.v[k].entry);
			mg_json_kv_string(&j, "file", pr->b.v[k].file[0] !=
			    '\0' ? pr->b.v[k].file : NULL);
			mg_json_kv_int(&j, "line", pr->b.v[k].line);
		}
		mg_json_end(&j);
	}
	mg_json_end(&j);
	mg_json_key(&j, "clients");
	mg_json_array(&j);
	for (i = 0; i < pr->nres; i++) {
		res = &pr->res[i];
		mg_json_object(&j);
		mg_json_kv_string(&j, "client", res->c.addr[0] != '\0' ?
		    res->c.addr : NULL);
		mg_json_kv_string(&j, "why", res->c.why);
		mg_json_kv_string(&j, "file", res->c.file);
		mg_json_kv_int(&j, "line", res->c.line);
		mg_json_key(&j, "trusted");
		mg_json_bool(&j, res->c.trusted);
		mg_json_kv_string(&j, "status", res->status == MG_PS_OPEN ?
		    "open" : res->status == MG_PS_TRUSTED ? "trusted" :
		    res->status == MG_PS_CLOSED ? "closed" : res->status ==
		    MG_PS_TEMPFAIL ? "tempfail" : "error");
		mg_json_kv_string(&j, "error", res->err[0] != '\0' ? res->err :
		    NULL);
		mg_json_key(&j, "answers");
		mg_json_array(&j);
		for (k = 0; k < pr->b.n; k++) {
			mg_json_object(&j);
			mg_json_kv_string(&j, "test", pr->b.v[k].name);
			mg_json_kv_int(&j, "mail", res->a[k].mail);
			mg_json_kv_int(&j, "rcpt", res->a[k].rcpt);
			mg_json_kv_string(&j, "reply", res->a[k].text);
			mg_json_kv_string(&j, "verdict", mg_probe_verdict_name(
			    mg_probe_judge(&pr->b, res->a, k)));
			if (mg_probe_opened_by(&pr->b, res, k) != NULL)
				mg_json_kv_string(&j, "opened_by",
				    pr->b.v[k].entry);
			mg_json_end(&j);
		}
		mg_json_end(&j);
		mg_json_end(&j);
	}
	mg_json_end(&j);
	mg_json_key(&j, "findings");
	mg_json_array(&j);
	for (i = 0; i < r->nfindings; i++) {
		f = &r->findings[i];
		if (!probe_finding(f))
			continue;
		mg_json_object(&j);
		mg_json_kv_string(&j, "id", f->id);
		mg_json_kv_string(&j, "severity",
		    mg_severity_name(f->severity));
		mg_json_kv_string(&j, "title", f->title);
		mg_json_key(&j, "evidence");
		mg_json_array(&j);
		for (k = 0; k < f->nevidence; k++)
			mg_json_string(&j, f->evidence[k].text);
		mg_json_end(&j);
		mg_json_end(&j);
	}
	mg_json_end(&j);
	mg_json_end(&j);
}
