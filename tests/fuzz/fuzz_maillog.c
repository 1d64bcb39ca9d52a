/* fuzz_maillog.c - bytes as a mail log, line by line through Postfix's
 * and Exim's line parsers (the syslog_name taken from the first line),
 * then the client summary: no crash, no overread, no leak, and every
 * client counted is a host; every login event names a kept login, and
 * the stolen-login check runs on the result.  Seeds:
 * tests/unit/data/maillog. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../backends/exim/exim_log.h"
#include "../../backends/postfix/pf_log.h"
#include "../../checks/checks.h"
#include "../../core/mg_maillog.h"
#include "../../core/mg_str.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* feed - every line of [data, data+size) through fn; the last line needs
 * no newline */
static void
feed(struct mg_maillog *l, mg_maillog_line_fn *fn, const void *arg,
    const char *data, size_t size)
{
	const char *p = data, *end = data + size, *nl;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		mg_maillog_line(l, fn, arg, p, (size_t)(nl - p));
		p = nl + 1;
	}
	mg_maillog_finish(l);
}

/* check - the summary is consistent: hosts only, counts add up */
static void
check(const struct mg_maillog *l)
{
	unsigned long sum = 0;
	size_t i;

	for (i = 0; i < l->nclients; i++) {
		if (l->clients[i].addr.has_prefix || l->clients[i].msgs == 0)
			abort();
		if (i > 0 && l->clients[i - 1].addr.family ==
		    l->clients[i].addr.family && memcmp(l->clients[i -
		    1].addr.addr, l->clients[i].addr.addr,
		    sizeof(l->clients[i].addr.addr)) >= 0)
			abort();
		sum += l->clients[i].msgs;
	}
	if (sum != l->accepted || l->nlogins > MG_MAILLOG_LOGINS_MAX)
		abort();
	/* a login is kept for a message sent or a failed login */
	for (i = 0; i < l->nlogins; i++)
		if (mg_maillog_logins(l, l->logins[i].name) == 0 &&
		    l->logins[i].failed == 0)
			abort();
	for (i = 0; i < l->nauths; i++)
		if (l->auths[i].login >= l->nlogins ||
		    l->auths[i].addr.has_prefix)
			abort();
	/* rates: no peak above the messages counted, names bounded */
	if (l->per_minute.msgs.n > l->per_minute.events ||
	    l->per_hour.msgs.n > l->per_hour.events ||
	    l->per_minute.ncur > MG_MAILLOG_SENDERS_MAX ||
	    strlen(l->per_minute.msgs.who) >= sizeof(l->per_minute.msgs.who) ||
	    (l->per_minute.msgs.n > 0 && l->per_minute.msgs.who[0] == '\0'))
		abort();
}

/* judge - the stolen-login check on the log (the model borrows it) */
static void
judge(struct mg_maillog *l)
{
	struct mg_model m;
	struct mg_report r;

	mg_model_init(&m);
	m.log = l;
	mg_report_init(&r);
	mg_check_log_sasl(&m, &r);
	mg_report_free(&r);
	m.log = NULL;
	mg_model_free(&m);
}

/* LLVMFuzzerTestOneInput - the bytes as a Postfix log (default and a
 * syslog_name of its own) and as an Exim mainlog */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct mg_maillog l;
	const char *nl;
	char *name;

	mg_maillog_init(&l);
	feed(&l, mg_pf_log_line, NULL, s, size);
	check(&l);
	judge(&l);
	mg_maillog_free(&l);

	nl = memchr(s, '\n', size);
	name = mg_xstrndup(s, nl != NULL ? (size_t)(nl - s) : size);
	mg_maillog_init(&l);
	feed(&l, mg_pf_log_line, name, s, size);
	check(&l);
	judge(&l);
	mg_maillog_free(&l);
	free(name);

	mg_maillog_init(&l);
	feed(&l, mg_exim_log_line, NULL, s, size);
	check(&l);
	judge(&l);
	mg_maillog_free(&l);
	return (0);
}
