/*
 * exim_list.c - Exim's list syntax (spec, "Domain, host, address, and
 * local part lists"): items separated by ':' with white space around them
 * ignored, a doubled separator standing for itself inside an item, and a
 * leading "<" plus punctuation choosing another separator ("<; ::1 ;
 * 127.0.0.1").  An empty item is an item (in a host list it matches local
 * submission, "hosts = :"), but the end of the list is not an item.  This
 * is why "! ::1" in a colon list means the item "! :1": the doubled colon
 * became one literal colon, and the host pattern matches nothing useful.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "../../core/mg_net.h"
#include "../../core/mg_str.h"
#include "exim_list.h"

/* mg_exim_list_init - start reading a list; reads a "<X" separator */
void
mg_exim_list_init(struct mg_exim_list *l, const char *text)
{
	const char *p = text != NULL ? text : "";

	while (isspace((unsigned char)*p))
		p++;
	l->sep = ':';
	if (p[0] == '<' && p[1] != '\0' && ispunct((unsigned char)p[1])) {
		l->sep = p[1];
		p += 2;
	}
	l->cur = p;
}

/* mg_exim_list_next - the next item, undoubled and trimmed, into item;
 * 0 at the end of the list */
int
mg_exim_list_next(struct mg_exim_list *l, struct mg_str *item)
{
	const char *p = l->cur;

	mg_str_reset(item);
	while (isspace((unsigned char)*p))
		p++;
	if (*p == '\0') {
		l->cur = p;
		return (0);
	}
	for (; *p != '\0'; p++) {
		if (*p == l->sep) {
			if (p[1] != l->sep) {
				p++;
				break;
			}
			p++;
		}
		mg_str_putc(item, (unsigned char)*p);
	}
	while (item->len > 0 &&
	    isspace((unsigned char)item->data[item->len - 1]))
		item->data[--item->len] = '\0';
	l->cur = p;
	return (1);
}

/*
 * mg_exim_ipv6_broken - does a host-list item (as read, undoubled) look
 * like an IPv6 address that the list syntax mangled?  "! :1", "fe80:1",
 * "db8:/32": it holds a colon but is no address or network, and it is
 * not a lookup ("net-lsearch;...", "${...}").
 */
int
mg_exim_ipv6_broken(const char *item)
{
	struct mg_net net;
	const char *p = item;

	while (*p == '!' || isspace((unsigned char)*p))
		p++;
	if (strchr(p, ':') == NULL || strchr(p, ';') != NULL ||
	    strchr(p, '$') != NULL || strchr(p, '@') != NULL)
		return (0);
	if (strspn(p, "0123456789abcdefABCDEF:./") != strlen(p))
		return (0);
	return (mg_net_parse(p, &net, NULL) < 0);
}
