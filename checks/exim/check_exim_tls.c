/*
 * check_exim_tls.c - Exim's server certificate: tls_certificate (a colon
 * list: one per key type) expired, expiring within 14 days, or not naming
 * the host Exim announces (smtp_active_hostname, else primary_hostname:
 * the banner's and EHLO's $smtp_active_hostname).  A setting that is an
 * expansion names its file only at connection time: listed under unread.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../core/mg_str.h"
#include "../checks.h"

/* announced - the name in the banner and the EHLO reply; an expansion
 * ($variables) counts as not known */
static const char *
announced(const struct mg_model *m)
{
	const char *v = mg_model_value(m, "smtp_active_hostname");

	if (v != NULL && *v != '\0' && strchr(v, '$') == NULL)
		return (v);
	v = mg_model_value(m, "primary_hostname");
	return (v != NULL && strchr(v, '$') == NULL ? v : NULL);
}

/* mg_check_exim_tls - the certificate Exim presents */
void
mg_check_exim_tls(const struct mg_model *m, struct mg_report *r)
{
	const struct mg_param *p = mg_model_param(m, "tls_certificate");
	const char *adv = mg_model_value(m, "tls_advertise_hosts");
	struct mg_str why = MG_STR_INIT;
	struct mg_cert_use u;
	const char *v, *end;
	char *path;
	size_t len;

	if (p == NULL || p->value == NULL || adv == NULL || *adv == '\0' ||
	    *(p->value + strspn(p->value, " \t")) == '\0')
		return;	/* no TLS offered, or Exim's own self-signed one */
	if (strchr(p->value, '$') != NULL) {
		mg_str_printf(&why, "tls_certificate = %s: an expansion, the "
		    "file is known only at connection time; not read",
		    p->value);
		mg_report_unread(r, mg_str_cstr(&why));
		mg_str_free(&why);
		return;
	}
	memset(&u, 0, sizeof(u));
	u.mta = "exim";
	u.param = "tls_certificate";
	u.file = p->file;
	u.line = p->line;
	u.hosts[0] = announced(m);
	u.nhosts = 1;
	for (v = p->value; *v != '\0'; v = *end == ':' ? end + 1 : end) {
		v += strspn(v, " \t");
		end = v + strcspn(v, ":");
		for (len = (size_t)(end - v); len > 0 &&
		    (v[len - 1] == ' ' || v[len - 1] == '\t'); len--)
			;
		if (len == 0 || (path = strndup(v, len)) == NULL)
			continue;
		u.path = path;
		mg_check_cert(r, &u, time(NULL));
		free(path);
	}
}
