/*
 * exim_route.c - exim -bt as the judge of routing.  "exim -d-all+route
 * -bt ADDRESS..." routes each address as a delivery would, without
 * delivering; its debug trace names the router that took each one
 * ("routed by system_aliases router"), its output why an address is
 * undeliverable.  Asked for root@ and postmaster@ every literal local
 * domain and of a domain that is no one's, and for a made-up local part
 * at the first local domain.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../core/mg_lines.h"
#include "../../core/mg_str.h"
#include "exim_list.h"
#include "exim_route.h"

#define ROUTE_DOMS 16

/* literal_domain - a list item that is one domain name (not a pattern,
 * lookup, negation or named list) */
static int
literal_domain(const char *it)
{
	const char *p;

	if (*it == '\0')
		return (0);
	for (p = it; *p != '\0'; p++)
		if (strchr("!*^$;/:+@[] \t\\{}", *p) != NULL)
			return (0);
	return (1);
}

/* add_addr - user@domain to the list, no duplicates */
static void
add_addr(char **v, size_t *n, size_t max, const char *user,
    const char *domain)
{
	struct mg_str s = MG_STR_INIT;
	size_t i;

	if (*n + 1 >= max)
		return;
	mg_str_printf(&s, "%s@%s", user, domain);
	for (i = 0; i < *n; i++)
		if (strcasecmp(v[i], mg_str_cstr(&s)) == 0) {
			mg_str_free(&s);
			return;
		}
	v[(*n)++] = mg_str_steal(&s);
	v[*n] = NULL;
}

/*
 * mg_exim_route_addrs - root@ and postmaster@ each literal item of
 * local_domains ("@" is primary_hostname), then of MG_EXIM_FOREIGN
 * (a DNS router may take a while over it), then MG_EXIM_NOSUCH at the
 * first local domain that is not localhost; NULL-terminated, free
 * with mg_exim_route_addrs_free
 */
char **
mg_exim_route_addrs(const struct mg_model *m)
{
	static const char *const users[] = { "postmaster", "root", NULL };
	const size_t max = 2 * ROUTE_DOMS + 4;
	const char *ld = mg_model_value(m, "+local_domains");
	const char *host = mg_model_value(m, "primary_hostname");
	struct mg_exim_list l;
	struct mg_str it = MG_STR_INIT, first = MG_STR_INIT;
	char **v = mg_xcalloc(max, sizeof(*v));
	size_t n = 0, u, nd = 0;
	const char *d;

	if (ld != NULL) {
		mg_exim_list_init(&l, ld);
		while (nd < ROUTE_DOMS && mg_exim_list_next(&l, &it)) {
			if (it.data == NULL)
				continue;
			d = strcmp(it.data, "@") == 0 ? host : it.data;
			if (d == NULL || !literal_domain(d))
				continue;
			for (u = 0; users[u] != NULL; u++)
				add_addr(v, &n, max, users[u], d);
			if (first.len == 0 && strcasecmp(d, "localhost") != 0 &&
			    strncasecmp(d, "localhost.", 10) != 0)
				mg_str_printf(&first, "%s", d);
			nd++;
		}
		mg_str_free(&it);
	}
	for (u = 0; users[u] != NULL; u++)
		add_addr(v, &n, max, users[u], MG_EXIM_FOREIGN);
	if (first.len > 0)
		add_addr(v, &n, max, MG_EXIM_NOSUCH, mg_str_cstr(&first));
	mg_str_free(&first);
	return (v);
}

/* mg_exim_route_addrs_free - the list and its strings */
void
mg_exim_route_addrs_free(char **v)
{
	mg_strl_free(v);
}

/* undeliverable - why -bt's output says addr cannot be delivered
 * ("ADDR is undeliverable: WHY"), or NULL */
static char *
undeliverable(const char *out, const char *addr)
{
	const char *cur = out, *line;
	size_t len, n = strlen(addr);
	static const char tag[] = " is undeliverable: ";

	while (mg_line_next(&cur, &line, &len))
		if (len > n + sizeof(tag) - 1 && strncasecmp(line, addr, n) ==
		    0 && strncmp(line + n, tag, sizeof(tag) - 1) == 0)
			return (mg_xstrndup(line + n + sizeof(tag) - 1,
			    len - n - (sizeof(tag) - 1)));
	return (NULL);
}

/*
 * route_of - in the trace, the block "routing ADDR" up to the next
 * ">>>>" line: the router that took it ("routed by R router"), 1; no
 * router could ("no more routers", a router's forced failure), 0; the
 * trace ends first (timed out, truncated), -1
 */
static int
route_of(const char *trace, const char *addr, char *router, size_t size)
{
	const char *cur = trace, *line;
	size_t len, n = strlen(addr);
	int in = 0;

	while (mg_line_next(&cur, &line, &len)) {
		if (!in) {
			in = len == 8 + n && strncmp(line, "routing ", 8) ==
			    0 && strncasecmp(line + 8, addr, n) == 0;
			continue;
		}
		if (len >= 4 && strncmp(line, ">>>>", 4) == 0)
			return (0);
		if (len > 17 && strncmp(line, "routed by ", 10) == 0 &&
		    strncmp(line + len - 7, " router", 7) == 0) {
			(void)snprintf(router, size, "%.*s", (int)(len - 17),
			    line + 10);
			return (1);
		}
	}
	return (-1);
}

/*
 * mg_exim_route_parse - answers for addrs from one run: trace is its
 * debug output (stderr), out its result lines.  An address the trace
 * never finished gets no answer: unknown, not "unrouteable".
 */
void
mg_exim_route_parse(struct mg_map *t, const char *const *addrs,
    const char *trace, const char *out)
{
	struct mg_str v = MG_STR_INIT;
	char router[128], *why;
	size_t i;
	int rc;

	for (i = 0; addrs[i] != NULL; i++) {
		rc = route_of(trace, addrs[i], router, sizeof(router));
		if (rc < 0)
			continue;
		mg_str_reset(&v);
		if (rc == 1)
			mg_str_printf(&v, "%s", router);
		else {
			why = undeliverable(out, addrs[i]);
			mg_str_printf(&v, "!%s", why != NULL ? why : "no "
			    "router accepted it");
			free(why);
		}
		(void)mg_map_answer_add(t, addrs[i], mg_str_cstr(&v));
	}
	mg_str_free(&v);
}

/* mg_exim_route - exim -bt's answer for an address (a router's name, or
 * "!" and why it is undeliverable); NULL if it was not asked or not
 * answered */
const char *
mg_exim_route(const struct mg_model *m, const char *addr)
{
	const struct mg_map *t = mg_model_map(m, MG_EXIM_ROUTES);
	const struct mg_map_entry *e;

	if (t == NULL || (e = mg_map_answer(t, addr)) == NULL)
		return (NULL);
	return (e->value);
}
