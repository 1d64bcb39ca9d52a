/*
 * pf_listener.c - who can reach each Postfix smtpd service: loopback
 * only (a content filter's return port "127.0.0.1:10025 ... smtpd", or
 * inet_interfaces = loopback-only), private networks only, or the
 * Internet.  master(5): an inet service named "host:port" listens on
 * that address alone; one named by port alone listens on every address
 * of inet_interfaces; a "pass" smtpd gets its clients from postscreen.
 * Severity follows reach: what only this host can use is not what the
 * Internet can.
 */
#include <stdio.h>
#include <string.h>

#include "../../backends/postfix/pf_list.h"
#include "../../core/mg_net.h"
#include "../checks.h"

/* word_reach - one address word: "loopback-only", "localhost", "all",
 * an address ("[::1]" too); a host name we cannot judge is public */
static enum mg_pf_reach
word_reach(const char *elem, size_t len)
{
	struct mg_net net, lo4, lo6;
	struct mg_net_span span;
	char word[128];

	if (len == 0 || len >= sizeof(word))
		return (MG_PF_REACH_PUBLIC);
	memcpy(word, elem, len);
	word[len] = '\0';
	if (len >= 2 && word[0] == '[' && word[len - 1] == ']') {
		memmove(word, word + 1, len - 2);
		word[len - 2] = '\0';
	}
	if (strcmp(word, "loopback-only") == 0 ||
	    strcmp(word, "localhost") == 0)
		return (MG_PF_REACH_LOOPBACK);
	if (mg_net_parse(word, &net, NULL) < 0)
		return (MG_PF_REACH_PUBLIC);	/* "all", a host name */
	(void)mg_net_parse("127.0.0.0/8", &lo4, NULL);
	(void)mg_net_parse("::1", &lo6, NULL);
	if (mg_net_contains(&lo4, &net) || mg_net_contains(&lo6, &net))
		return (MG_PF_REACH_LOOPBACK);
	mg_net_span(&net, &span);
	if (span.public == 0.0 && span.total == 1.0 &&
	    strcmp(word, "0.0.0.0") != 0 && strcmp(word, "::") != 0)
		return (MG_PF_REACH_PRIVATE);
	return (MG_PF_REACH_PUBLIC);
}

/* interfaces_reach - the widest reach of inet_interfaces' addresses
 * (postconf(5): default "all") */
static enum mg_pf_reach
interfaces_reach(const struct mg_model *m)
{
	const char *v = mg_model_value(m, "inet_interfaces"), *cur, *elem;
	enum mg_pf_reach r = MG_PF_REACH_LOOPBACK, w;
	size_t len;
	int any = 0;

	if (v == NULL)
		return (MG_PF_REACH_PUBLIC);
	for (cur = v; mg_pf_list_next(&cur, &elem, &len);) {
		any = 1;
		w = word_reach(elem, len);
		if (w > r)
			r = w;
	}
	return (any ? r : MG_PF_REACH_PUBLIC);
}

/* inet_reach - an inet service: its own address, else inet_interfaces
 * (Postfix's host_port(): "port" and ":port" name no host) */
static enum mg_pf_reach
inet_reach(const struct mg_model *m, const char *name)
{
	const char *colon = strrchr(name, ':');

	if (colon == NULL || colon == name)
		return (interfaces_reach(m));
	return (word_reach(name, (size_t)(colon - name)));
}

/* mg_check_pf_reach - who can connect to a service (NULL: the global
 * settings, as every service that listens on inet_interfaces sees them) */
enum mg_pf_reach
mg_check_pf_reach(const struct mg_model *m, const struct mg_service *s)
{
	size_t i;

	if (s == NULL)
		return (interfaces_reach(m));
	if (strcmp(s->type, "inet") == 0)
		return (inet_reach(m, s->name));
	if (strcmp(s->type, "pass") == 0) {
		for (i = 0; i < m->nservices; i++)
			if (strcmp(m->services[i].type, "inet") == 0 &&
			    m->services[i].command != NULL &&
			    strcmp(m->services[i].command, "postscreen") == 0)
				return (inet_reach(m, m->services[i].name));
		return (interfaces_reach(m));
	}
	return (MG_PF_REACH_LOOPBACK);	/* unix, fifo: this host only */
}

/* mg_check_pf_reach_text - the reach in words, for evidence */
const char *
mg_check_pf_reach_text(enum mg_pf_reach r)
{
	switch (r) {
	case MG_PF_REACH_LOOPBACK:
		return ("reachable from this host only (loopback)");
	case MG_PF_REACH_PRIVATE:
		return ("reachable from private networks only");
	default:
		return ("reachable from the Internet");
	}
}

/* mg_check_pf_reach_severity - a finding's severity where only this host
 * (at most low) or only private networks (one step lower) can connect */
enum mg_severity
mg_check_pf_reach_severity(enum mg_severity sev, enum mg_pf_reach r)
{
	if (r == MG_PF_REACH_LOOPBACK)
		return (sev > MG_SEV_LOW ? MG_SEV_LOW : sev);
	if (r == MG_PF_REACH_PRIVATE && sev > MG_SEV_LOW)
		return ((enum mg_severity)(sev - 1));
	return (sev);
}

/* mg_check_pf_smtps - a service clients expect to speak TLS from the
 * first byte: port 465 (smtps, submissions) or, on another port, Postfix
 * master.cf's own marker -o syslog_name=postfix/smtps (or /submissions) */
int
mg_check_pf_smtps(const struct mg_model *m, const struct mg_service *s)
{
	const char *colon = strrchr(s->name, ':'), *port, *syslog;
	size_t n;

	port = colon != NULL ? colon + 1 : s->name;
	if (strcmp(port, "465") == 0 || strcmp(port, "smtps") == 0 ||
	    strcmp(port, "submissions") == 0)
		return (1);
	syslog = mg_service_override(s, "syslog_name") != NULL ?
	    mg_service_value(m, s, "syslog_name", NULL) : NULL;
	if (syslog == NULL)
		return (0);
	n = strlen(syslog);
	return ((n >= 6 && strcmp(syslog + n - 6, "/smtps") == 0) ||
	    (n >= 12 && strcmp(syslog + n - 12, "/submissions") == 0));
}
