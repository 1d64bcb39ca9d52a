/*
 * check_log.c - the decision a too-wide trusted network needs
 * before a change: which hosts was it meant for?  The mail log
 * answers when it shows a few clients inside the network handing over
 * mail without logging in; then the fix keeps exactly those.  With none,
 * or too many to guess from, the safe default is removal, and the
 * evidence says which it was so the operator can edit the value.
 */
#include <string.h>

#include "../core/mg_maillog.h"
#include "../core/mg_str.h"
#include "checks.h"

/*
 * mg_check_log_hosts - the log's clients inside net that the kept part of
 * the configuration does not trust anyway (kept(arg, host) says 1 if it
 * does; NULL: none); up to MG_LOG_KEPT of them into h.  0 if no log.
 */
void
mg_check_log_hosts(const struct mg_model *m, const struct mg_net *net,
    int (*kept)(const void *, const struct mg_net *), const void *arg,
    struct mg_log_hosts *h)
{
	const struct mg_logclient *v[64];
	size_t k, n;

	memset(h, 0, sizeof(*h));
	if (m->log == NULL)
		return;
	n = mg_maillog_within(m->log, net, v, 64);
	for (k = 0; k < n && k < 64; k++) {
		if (kept != NULL && kept(arg, &v[k]->addr))
			continue;
		if (h->nseen < MG_LOG_KEPT)
			h->host[h->nseen] = v[k];
		h->nseen++;
	}
	if (n > 64)
		h->nseen += n - 64;
}

/* mg_check_log_keeps - the network becomes the hosts seen */
int
mg_check_log_keeps(const struct mg_log_hosts *h)
{
	return (h->nseen > 0 && h->nseen <= MG_LOG_KEPT);
}

/*
 * mg_check_log_evidence - what the mail log says about net, and so what
 * the fix does with it, as evidence of f (file:line: where net is written)
 */
void
mg_check_log_evidence(const struct mg_model *m, struct mg_finding *f,
    const struct mg_net *net, const struct mg_log_hosts *h)
{
	struct mg_str s = MG_STR_INIT;
	char nb[128], host[128];
	size_t k;

	mg_net_format(net, 1, nb, sizeof(nb));
	if (m->log == NULL) {
		mg_finding_evidence(f, NULL, 0, "no mail log was read, so no "
		    "client of %s is known to need it: the fix removes it "
		    "(edit the proposed value to keep the hosts you mean)",
		    nb);
		return;
	}
	if (h->nseen == 0) {
		mg_finding_evidence(f, m->log->path, 0, "the mail log shows no "
		    "client in %s sending mail without logging in (%lu lines "
		    "read%s): the fix removes it", nb, m->log->lines,
		    m->log->truncated ? ", the end of the file" : "");
		return;
	}
	if (!mg_check_log_keeps(h)) {
		mg_finding_evidence(f, m->log->path, 0, "the mail log shows "
		    "%zu clients in %s sending mail without logging in - too "
		    "many to guess which were meant: the fix removes it (edit "
		    "the proposed value to keep the hosts you mean)", h->nseen,
		    nb);
		return;
	}
	for (k = 0; k < h->nseen; k++) {
		mg_net_format(&h->host[k]->addr, 0, host, sizeof(host));
		mg_str_printf(&s, "%s%s (%lu message%s)", k > 0 ? ", " : "",
		    host, h->host[k]->msgs, h->host[k]->msgs == 1 ? "" : "s");
	}
	mg_finding_evidence(f, m->log->path, 0, "the mail log shows %zu "
	    "client%s in %s sending mail without logging in: %s; the fix "
	    "keeps %s and drops the rest of the network", h->nseen,
	    h->nseen == 1 ? "" : "s", nb, mg_str_cstr(&s), h->nseen == 1 ?
	    "it" : "them");
	mg_str_free(&s);
}
