/*
 * exim_expand.c - Exim expansion strings (spec "String expansions") read
 * the way Exim reads them: "${" starts an item whose arguments are braced
 * strings, themselves expansions, so braces nest; a backslash escapes the
 * next character; "\N ... \N" is copied literally (nothing inside is an
 * item or a brace).  A lookup's file may hold another lookup
 * ("lsearch{/etc/exim4/virtual/${lookup{$domain}dsearch{/etc/exim4/
 * virtual}}/aliases}"): it ends at the brace that matches, not the first.
 * The evaluator answers the one question the checks ask of an expansion:
 * what does it give a client before STARTTLS, when Exim's TLS variables
 * are empty?  Anything else it depends on leaves the answer unknown.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../core/mg_str.h"
#include "exim_expand.h"

#define MAX_DEPTH 64
#define SCAN_ERR ((size_t)-1)

static size_t item_end(const char *, size_t, size_t, struct mg_exim_item *,
    int);
static size_t scan_nested(const char *, size_t, size_t, int, int, int);

/* literal_end - s[i] starts "\N": the index after the closing "\N" (or
 * len: Exim copies the rest literally) */
static size_t
literal_end(const char *s, size_t len, size_t i)
{
	const char *e;

	if (i + 2 >= len)
		return (len);
	e = memmem(s + i + 2, len - i - 2, "\\N", 2);
	return (e != NULL ? (size_t)(e - s) + 2 : len);
}

/* escape_end - s[i] is a backslash: the index after what it escapes, a
 * "\N...\N" literal or the one character that follows */
static size_t
escape_end(const char *s, size_t len, size_t i)
{
	if (i + 1 < len && s[i + 1] == 'N')
		return (literal_end(s, len, i));
	return (i + 1 < len ? i + 2 : i + 1);
}

/* scan - from i, the end of an expansion string: in an argument the index
 * of its closing brace, else len; SCAN_ERR when unbalanced or nested
 * deeper than MAX_DEPTH */
static size_t
scan(const char *s, size_t len, size_t i, int in_arg, int depth)
{
	return (scan_nested(s, len, i, in_arg, 0, depth));
}

/* scan_nested - scan; with nest, plain braces nest as well: the list of
 * and{{C1}{C2}} and or{...} is read condition by condition, not as one
 * string (spec "Expansion conditions": "and {{<cond1>}{<cond2>}...}") */
static size_t
scan_nested(const char *s, size_t len, size_t i, int in_arg, int nest,
    int depth)
{
	size_t open = 0;

	if (depth > MAX_DEPTH)
		return (SCAN_ERR);
	while (i < len) {
		if (s[i] == '\\') {
			i = escape_end(s, len, i);
			continue;
		}
		if (s[i] == '$' && i + 1 < len && s[i + 1] == '{') {
			i = item_end(s, len, i, NULL, depth + 1);
			if (i == SCAN_ERR)
				return (SCAN_ERR);
			continue;
		}
		if (nest && s[i] == '{')
			open++;
		else if (nest && s[i] == '}' && open > 0)
			open--;
		else if (s[i] == '}' && in_arg)
			return (i);
		i++;
	}
	return (in_arg ? SCAN_ERR : len);
}

/* add_part - a word or argument of an item (the first MG_EXIM_PARTS) */
static void
add_part(struct mg_exim_item *it, int arg, const char *p, size_t len)
{
	if (it == NULL || it->nparts == MG_EXIM_PARTS)
		return;
	it->parts[it->nparts].arg = arg;
	it->parts[it->nparts].p = p;
	it->parts[it->nparts].len = len;
	it->nparts++;
}

/* is_cond_list - the word is a condition whose one argument is a list
 * of braced strings: and{{C1}{C2}}, or{...}, saslauthd{{U}{P}{S}{R}}
 * (negated or not) */
static int
is_cond_list(const char *w, size_t n)
{
	while (n > 0 && *w == '!') {
		w++;
		n--;
	}
	return ((n == 3 && strncmp(w, "and", 3) == 0) || (n == 2 &&
	    strncmp(w, "or", 2) == 0) || (n == 9 && strncmp(w, "saslauthd",
	    9) == 0));
}

/* split_parts - words and braced arguments from j: up to the item's
 * closing brace (in_item: its index), else to len */
static size_t
split_parts(const char *s, size_t len, size_t j, struct mg_exim_item *it,
    int in_item, int depth)
{
	size_t k, w, wlen = 0;
	const char *word = "";

	for (;;) {
		while (j < len && isspace((unsigned char)s[j]))
			j++;
		if (j >= len)
			return (in_item ? SCAN_ERR : len);
		if (s[j] == '}')
			return (in_item ? j : SCAN_ERR);
		if (s[j] == '{') {
			k = scan_nested(s, len, j + 1, 1, is_cond_list(word,
			    wlen), depth);
			if (k == SCAN_ERR)
				return (SCAN_ERR);
			add_part(it, 1, s + j + 1, k - j - 1);
			word = "";
			wlen = 0;
			j = k + 1;
			continue;
		}
		for (w = j; j < len && !isspace((unsigned char)s[j]) &&
		    s[j] != '{' && s[j] != '}'; j++)
			if (s[j] == '\\' && j + 1 < len)
				j++;
		add_part(it, 0, s + w, j - w);
		word = s + w;
		wlen = j - w;
	}
}

/* item_end - the index after the item at s[i] ("${"), its name and parts
 * into it (when not NULL); SCAN_ERR when it does not end */
static size_t
item_end(const char *s, size_t len, size_t i, struct mg_exim_item *it,
    int depth)
{
	size_t j = i + 2, n, k;

	if (depth > MAX_DEPTH)
		return (SCAN_ERR);
	if (it != NULL)
		memset(it, 0, sizeof(*it));
	for (n = j; n < len && (isalnum((unsigned char)s[n]) || s[n] == '_' ||
	    s[n] == '-'); n++)
		;
	if (n == j)
		return (SCAN_ERR);
	if (it != NULL) {
		it->name = s + j;
		it->namelen = n - j;
	}
	if (n < len && s[n] == '}') {
		if (it != NULL) {
			it->var = 1;
			it->len = n + 1 - i;
		}
		return (n + 1);
	}
	if (n < len && s[n] == ':') {
		k = scan(s, len, n + 1, 1, depth);
		if (k == SCAN_ERR)
			return (SCAN_ERR);
		if (it != NULL) {
			it->op = 1;
			add_part(it, 1, s + n + 1, k - n - 1);
			it->len = k + 1 - i;
		}
		return (k + 1);
	}
	k = split_parts(s, len, n, it, 1, depth);
	if (k == SCAN_ERR)
		return (SCAN_ERR);
	if (it != NULL)
		it->len = k + 1 - i;
	return (k + 1);
}

/* mg_exim_item - the item at p ("${..."), within len bytes: -1 when it
 * is not one or does not end */
int
mg_exim_item(const char *p, size_t len, struct mg_exim_item *it)
{
	if (len < 3 || p[0] != '$' || p[1] != '{')
		return (-1);
	return (item_end(p, len, 0, it, 0) == SCAN_ERR ? -1 : 0);
}

/* part_is - the part is the word w */
static int
part_is(const struct mg_exim_part *pt, const char *w)
{
	return (!pt->arg && pt->len == strlen(w) &&
	    strncmp(pt->p, w, pt->len) == 0);
}

/* name_is - the item's name is n */
static int
name_is(const struct mg_exim_item *it, const char *n)
{
	return (it->namelen == strlen(n) && strncmp(it->name, n,
	    it->namelen) == 0);
}

/* trimmed - p..p+len without white space around it */
static void
trimmed(const char **p, size_t *len)
{
	while (*len > 0 && isspace((unsigned char)**p)) {
		(*p)++;
		(*len)--;
	}
	while (*len > 0 && isspace((unsigned char)(*p)[*len - 1]))
		(*len)--;
}

/* vars_of - the variables an expansion names, "$domain $local_part";
 * NULL: none (variables inside \N...\N or escaped are text) */
static char *
vars_of(const char *s, size_t len)
{
	struct mg_str out = MG_STR_INIT, v = MG_STR_INIT;
	size_t i = 0, n;
	int brace;

	while (i < len) {
		if (s[i] == '\\') {
			if (i + 1 < len && s[i + 1] == 'N')
				i = literal_end(s, len, i);
			else
				i += 2;
			continue;
		}
		if (s[i++] != '$')
			continue;
		brace = i < len && s[i] == '{';
		if (brace)
			i++;
		for (n = i; n < len && (isalnum((unsigned char)s[n]) ||
		    s[n] == '_'); n++)
			;
		if (n > i && (!brace || (n < len && s[n] == '}'))) {
			mg_str_reset(&v);
			mg_str_putc(&v, '$');
			mg_str_append(&v, s + i, n - i);
			mg_str_putc(&v, ' ');
			mg_str_putc(&out, ' ');
			if (strstr(mg_str_cstr(&out), mg_str_cstr(&v)) == NULL)
				mg_str_append(&out, mg_str_cstr(&v), v.len - 1);
			else
				out.data[--out.len] = '\0';
		}
		i = n;
	}
	mg_str_free(&v);
	if (out.len == 0) {
		mg_str_free(&out);
		return (NULL);
	}
	/* drop the leading blank */
	memmove(out.data, out.data + 1, out.len);
	out.len--;
	return (mg_str_steal(&out));
}

struct found {
	struct mg_exim_lookup *v;
	size_t n, cap;
};

/* add_lookup - one lookup; optional when guard names its file */
static void
add_lookup(struct found *f, const char *type, size_t tlen,
    const char *file, size_t flen, const char *guard, size_t glen)
{
	struct mg_exim_lookup *l;

	trimmed(&file, &flen);
	trimmed(&type, &tlen);
	if (guard != NULL)
		trimmed(&guard, &glen);
	l = MG_ARRAY_PUSH(f->v, f->n, f->cap);
	l->type = mg_xstrndup(type, tlen);
	l->file = mg_xstrndup(file, flen);
	l->vars = vars_of(file, flen);
	l->optional = guard != NULL && glen == flen &&
	    strncmp(guard, file, flen) == 0;
}

/* type_char - may be part of a lookup type ("partial2-lsearch*@") */
static int
type_char(int c)
{
	return (isalnum(c) || c == '-' || c == '_' || c == '*' || c == '@' ||
	    c == ',' || c == '=');
}

/* base_type - the lookup type without "partialN-", "*", "*@" and
 * ",options": "lsearch" of "partial-lsearch*@,ret=key" */
static size_t
base_type(const char **t)
{
	const char *p = *t;
	size_t n;

	if (strncmp(p, "partial", 7) == 0) {
		p += 7;
		while (isdigit((unsigned char)*p))
			p++;
		if (*p == '-')
			p++;
		else
			p = *t;
	}
	n = strcspn(p, "*,");
	*t = p;
	return (n);
}

/* ends_with - p..p+n ends with s */
static int
ends_with(const char *p, size_t n, const char *s)
{
	size_t k = strlen(s);

	return (n >= k && strncmp(p + n - k, s, k) == 0);
}

/* list_lookup - s[i] is ';' in plain text: "TYPE;FILE", a lookup in a
 * list item (spec "Lookups in lists"); the index after it */
static size_t
list_lookup(const char *s, size_t len, size_t start, size_t i,
    const char *guard, size_t glen, struct found *f)
{
	char type[64];
	const char *t = type;
	size_t b = i, e, n;

	while (b > start && type_char((unsigned char)s[b - 1]))
		b--;
	if (b == i || i - b >= sizeof(type))
		return (i + 1);
	(void)memcpy(type, s + b, i - b);
	type[i - b] = '\0';
	n = base_type(&t);
	if (!ends_with(t, n, "search") && !(n == 3 && strncmp(t, "cdb",
	    3) == 0) && !(n >= 3 && strncmp(t, "dbm", 3) == 0))
		return (i + 1);
	for (e = i + 1; e < len && (s[e] == ' ' || s[e] == '\t'); e++)
		;
	while (e < len && s[e] != ':' && !isspace((unsigned char)s[e])) {
		if (s[e] == '$' && e + 1 < len && s[e + 1] == '{') {
			n = item_end(s, len, e, NULL, 1);
			if (n == SCAN_ERR)
				break;
			e = n;
			continue;
		}
		e++;
	}
	add_lookup(f, s + b, i - b, s + i + 1, e - i - 1, guard, glen);
	return (e);
}

static void walk(const char *, size_t, const char *, size_t, struct found *,
    int);

/* walk_item - the lookups of an item and of its arguments */
static void
walk_item(const struct mg_exim_item *it, const char *guard, size_t glen,
    struct found *f, int depth)
{
	const struct mg_exim_part *pt = it->parts;
	size_t k, yes = it->nparts;

	if (name_is(it, "lookup")) {
		if (it->nparts >= 3 && pt[0].arg && !pt[1].arg && pt[2].arg)
			add_lookup(f, pt[1].p, pt[1].len, pt[2].p, pt[2].len,
			    guard, glen);
		else if (it->nparts >= 2 && !pt[0].arg && pt[1].arg)
			add_lookup(f, pt[0].p, pt[0].len, pt[1].p, pt[1].len,
			    guard, glen);
	}
	/* ${if exists{FILE}{YES}...}: YES reads FILE only if it exists */
	if (name_is(it, "if") && it->nparts >= 3 && part_is(&pt[0], "exists")
	    && pt[1].arg && pt[2].arg)
		yes = 2;
	for (k = 0; k < it->nparts; k++) {
		if (!pt[k].arg)
			continue;
		if (k == yes)
			walk(pt[k].p, pt[k].len, pt[1].p, pt[1].len, f,
			    depth + 1);
		else
			walk(pt[k].p, pt[k].len, guard, glen, f, depth + 1);
	}
}

/* walk - every lookup in an expansion string */
static void
walk(const char *s, size_t len, const char *guard, size_t glen,
    struct found *f, int depth)
{
	struct mg_exim_item it;
	size_t i = 0, start = 0;

	if (depth > MAX_DEPTH)
		return;
	while (i < len) {
		if (s[i] == '\\') {
			i = escape_end(s, len, i);
			start = i;
			continue;
		}
		if (s[i] == '$' && i + 1 < len && s[i + 1] == '{') {
			if (item_end(s, len, i, &it, depth + 1) == SCAN_ERR)
				return;
			walk_item(&it, guard, glen, f, depth);
			i += it.len;
			start = i;
			continue;
		}
		if (s[i] == ';') {
			i = list_lookup(s, len, start, i, guard, glen, f);
			start = i;
			continue;
		}
		i++;
	}
}

/* mg_exim_lookups - the lookups in an expansion, outer before inner, into
 * a new array (free with mg_exim_lookups_free); -1 when its braces do not
 * balance (what was found before is kept) */
int
mg_exim_lookups(const char *text, struct mg_exim_lookup **v, size_t *n)
{
	struct found f = { NULL, 0, 0 };
	size_t len = strlen(text);

	walk(text, len, NULL, 0, &f, 0);
	*v = f.v;
	*n = f.n;
	return (scan(text, len, 0, 0, 0) == SCAN_ERR ? -1 : 0);
}

/* mg_exim_lookups_free - the array and its strings */
void
mg_exim_lookups_free(struct mg_exim_lookup *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(v[i].type);
		free(v[i].file);
		free(v[i].vars);
	}
	free(v);
}

/* mg_exim_lookup_is_lsearch - a linear search of a text file: lsearch,
 * wildlsearch, nwildlsearch, iplsearch, partial or not */
int
mg_exim_lookup_is_lsearch(const struct mg_exim_lookup *l)
{
	const char *t = l->type;
	size_t n = base_type(&t);

	return (ends_with(t, n, "lsearch"));
}

/* mg_exim_lsearch_path - the file of the first lsearch-type lookup in
 * text, when it is a fixed absolute path; else NULL */
char *
mg_exim_lsearch_path(const char *text)
{
	struct mg_exim_lookup *v;
	char *path = NULL;
	size_t n, i;

	(void)mg_exim_lookups(text, &v, &n);
	for (i = 0; i < n; i++) {
		if (!mg_exim_lookup_is_lsearch(&v[i]))
			continue;
		if (v[i].vars == NULL && v[i].file[0] == '/')
			path = mg_xstrdup(v[i].file);
		break;
	}
	mg_exim_lookups_free(v, n);
	return (path);
}

static int has_cond(const char *, size_t, const char *, int);

/* part_names - the word is condition name (negated or not) */
static int
part_names(const struct mg_exim_part *pt, const char *name)
{
	const char *w = pt->p;
	size_t n = pt->len;

	while (n > 0 && *w == '!') {
		w++;
		n--;
	}
	return (!pt->arg && n == strlen(name) && strncmp(w, name, n) == 0);
}

/* cond_parts_have - the parts of a condition (or of an item) use name,
 * directly or in an and{}/or{} list, or in an argument's expansion */
static int
cond_parts_have(const struct mg_exim_item *it, const char *name, int depth)
{
	struct mg_exim_item sub;
	const struct mg_exim_part *pt;
	size_t k, j, e;

	for (k = 0; k < it->nparts; k++) {
		pt = &it->parts[k];
		if (part_names(pt, name))
			return (1);
		if (!pt->arg)
			continue;
		if (k > 0 && (part_names(&it->parts[k - 1], "and") ||
		    part_names(&it->parts[k - 1], "or"))) {
			for (j = 0; j < pt->len; j = e + 1) {
				j += strspn(pt->p + j, " \t\n");
				if (j >= pt->len || pt->p[j] != '{')
					break;
				e = scan_nested(pt->p, pt->len, j + 1, 1, 1,
				    depth);
				if (e == SCAN_ERR)
					break;
				memset(&sub, 0, sizeof(sub));
				if (split_parts(pt->p, e, j + 1, &sub, 0,
				    depth) != SCAN_ERR &&
				    cond_parts_have(&sub, name, depth + 1))
					return (1);
			}
			continue;
		}
		if (has_cond(pt->p, pt->len, name, depth + 1))
			return (1);
	}
	return (0);
}

/* args_have - an argument of an item other than ${if} uses name */
static int
args_have(const struct mg_exim_item *it, const char *name, int depth)
{
	size_t k;

	for (k = 0; k < it->nparts; k++)
		if (it->parts[k].arg && has_cond(it->parts[k].p,
		    it->parts[k].len, name, depth + 1))
			return (1);
	return (0);
}

/* has_cond - an expansion string uses condition name in an ${if} */
static int
has_cond(const char *s, size_t len, const char *name, int depth)
{
	struct mg_exim_item it;
	size_t i = 0;

	if (depth > MAX_DEPTH)
		return (0);
	while (i < len) {
		if (s[i] == '\\') {
			i = escape_end(s, len, i);
			continue;
		}
		if (s[i] == '$' && i + 1 < len && s[i + 1] == '{') {
			if (item_end(s, len, i, &it, depth + 1) == SCAN_ERR)
				return (0);
			if (name_is(&it, "if") ? cond_parts_have(&it, name,
			    depth) : args_have(&it, name, depth))
				return (1);
			i += it.len;
			continue;
		}
		i++;
	}
	return (0);
}

/* mg_exim_uses_condition - does an expansion test condition name
 * ("saslauthd", "pam") in an ${if}, however nested? */
int
mg_exim_uses_condition(const char *text, const char *name)
{
	return (has_cond(text, strlen(text), name, 0));
}

/*
 * The evaluator.  Before STARTTLS Exim's TLS variables are empty (the
 * cipher, protocol, peer DN, SNI) or 0 (bits, certificate verified);
 * spec "Expansion variables".  $tls_cipher and $tls_peerdn are the old
 * names of the _in_ ones.  Everything else is unknown here.
 */
static const struct {
	const char *name, *value;
} tls_vars[] = {
	{ "tls_in_cipher", "" }, { "tls_cipher", "" },
	{ "tls_in_cipher_std", "" }, { "tls_in_protocol", "" },
	{ "tls_in_peerdn", "" }, { "tls_peerdn", "" },
	{ "tls_in_sni", "" }, { "tls_sni", "" },
	{ "tls_in_bits", "0" }, { "tls_bits", "0" },
	{ "tls_in_certificate_verified", "0" },
	{ "tls_certificate_verified", "0" },
};

/* Arguments each condition takes (spec "Expansion conditions"); the
 * ones not listed leave the whole ${if} unknown. */
static const struct {
	const char *name;
	int nargs;
} cond_args[] = {
	{ "eq", 2 }, { "eqi", 2 }, { "=", 2 }, { "==", 2 }, { "<", 2 },
	{ ">", 2 },
	{ "<=", 2 }, { ">=", 2 }, { "gt", 2 }, { "gti", 2 }, { "lt", 2 },
	{ "lti", 2 }, { "ge", 2 }, { "gei", 2 }, { "le", 2 }, { "lei", 2 },
	{ "match", 2 }, { "match_address", 2 }, { "match_domain", 2 },
	{ "match_ip", 2 }, { "match_local_part", 2 }, { "inlist", 2 },
	{ "inlisti", 2 }, { "crypteq", 2 }, { "forall", 2 }, { "forany", 2 },
	{ "exists", 1 }, { "bool", 1 }, { "bool_lax", 1 }, { "isip", 1 },
	{ "isip4", 1 }, { "isip6", 1 }, { "pam", 1 }, { "radius", 1 },
	{ "saslauthd", 1 }, { "ldapauth", 1 }, { "acl", 1 }, { "and", 1 },
	{ "or", 1 }, { "first_delivery", 0 }, { "queue_running", 0 },
};

#define EV_UNKNOWN 0
#define EV_KNOWN 1
#define EV_FAIL 2		/* forced failure ("fail") */

static int eval(const char *, size_t, struct mg_str *, int);

/* What mg_exim_eval_as evaluates for: TLS up (a cipher in the _in_
 * variables) and the port ($received_port, $interface_port); 0: unknown.
 * Set only for the duration of one mg_exim_eval_as call. */
static int ev_tls;
static char ev_port[16];

static const struct {
	const char *name, *value;
} tls_up_vars[] = {
	{ "tls_in_cipher", "TLS1.3:TLS_AES_256_GCM_SHA384:256" },
	{ "tls_cipher", "TLS1.3:TLS_AES_256_GCM_SHA384:256" },
	{ "tls_in_cipher_std", "TLS_AES_256_GCM_SHA384" },
	{ "tls_in_protocol", "TLS1.3" },
	{ "tls_in_bits", "256" }, { "tls_bits", "256" },
};

/* tls_var - the value of a TLS variable before STARTTLS (or, in
 * mg_exim_eval_as, with TLS up and the port known), or NULL */
static const char *
tls_var(const char *name, size_t n)
{
	size_t i;

	if (ev_port[0] != '\0' && ((n == 13 && strncmp(name,
	    "received_port", n) == 0) || (n == 14 && strncmp(name,
	    "interface_port", n) == 0)))
		return (ev_port);
	for (i = 0; ev_tls && i < sizeof(tls_up_vars) /
	    sizeof(tls_up_vars[0]); i++)
		if (strlen(tls_up_vars[i].name) == n &&
		    strncmp(tls_up_vars[i].name, name, n) == 0)
			return (tls_up_vars[i].value);
	for (i = 0; i < sizeof(tls_vars) / sizeof(tls_vars[0]); i++)
		if (strlen(tls_vars[i].name) == n &&
		    strncmp(tls_vars[i].name, name, n) == 0)
			return (tls_vars[i].value);
	return (NULL);
}

/* mg_exim_truth - an expanded condition option's verdict: "", "0",
 * "no" and "false" are false (spec, e.g. server_advertise_condition) */
int
mg_exim_truth(const char *s)
{
	const char *p = s;
	size_t n = strlen(s);

	trimmed(&p, &n);
	return (!(n == 0 || (n == 1 && *p == '0') || (n == 2 &&
	    strncasecmp(p, "no", 2) == 0) || (n == 5 &&
	    strncasecmp(p, "false", 5) == 0)));
}

/* bool_of - bool{}: true, yes or a non-zero number; false, no, 0 or
 * blank; -1 for anything else (an expansion error) */
static int
bool_of(const char *s)
{
	const char *p = s;
	char *end;
	size_t n = strlen(s);
	long v;

	trimmed(&p, &n);
	if (n == 0)
		return (0);
	if ((n == 4 && strncasecmp(p, "true", 4) == 0) ||
	    (n == 3 && strncasecmp(p, "yes", 3) == 0))
		return (1);
	if ((n == 5 && strncasecmp(p, "false", 5) == 0) ||
	    (n == 2 && strncasecmp(p, "no", 2) == 0))
		return (0);
	v = strtol(p, &end, 10);
	if (end == p + n)
		return (v != 0);
	return (-1);
}

static int cond(const struct mg_exim_item *, size_t *, int);

/* cond_list - and{{C1}{C2}...} / or{...}: three-valued */
static int
cond_list(const char *s, size_t len, int is_and, int depth)
{
	struct mg_exim_item sub;
	size_t j = 0, k, idx;
	int r, unknown = 0;

	for (;;) {
		while (j < len && isspace((unsigned char)s[j]))
			j++;
		if (j >= len)
			break;
		if (s[j] != '{')
			return (-1);
		k = scan_nested(s, len, j + 1, 1, 1, depth);
		if (k == SCAN_ERR)
			return (-1);
		memset(&sub, 0, sizeof(sub));
		if (split_parts(s, k, j + 1, &sub, 0, depth) == SCAN_ERR)
			return (-1);
		idx = 0;
		r = cond(&sub, &idx, depth + 1);
		if ((is_and && r == 0) || (!is_and && r == 1))
			return (r);
		if (r < 0)
			unknown = 1;
		j = k + 1;
	}
	return (unknown ? -1 : is_and);
}

/* numeric_op - one of Exim's numeric comparisons ("=" its own equality,
 * "==" the backward compatible one) */
static int
numeric_op(const char *w)
{
	static const char *const ops[] = { "=", "==", "<", "<=", ">", ">=",
	    NULL };
	size_t i;

	for (i = 0; ops[i] != NULL; i++)
		if (strcmp(w, ops[i]) == 0)
			return (1);
	return (0);
}

/* number - a decimal integer, the whole string (spaces around allowed);
 * 0 if it is not one (Exim fails the expansion: not judged here) */
static int
number(const char *s, long *v)
{
	char *end;

	s += strspn(s, " \t");
	if (*s == '\0')
		return (0);
	*v = strtol(s, &end, 10);
	end += strspn(end, " \t");
	return (end != s && *end == '\0');
}

/* compare - numeric comparison op of a and b: 1, 0, or -1 unknown */
static int
compare(const char *op, const char *a, const char *b)
{
	long x, y;

	if (!number(a, &x) || !number(b, &y))
		return (-1);
	if (strcmp(op, "<") == 0)
		return (x < y);
	if (strcmp(op, "<=") == 0)
		return (x <= y);
	if (strcmp(op, ">") == 0)
		return (x > y);
	if (strcmp(op, ">=") == 0)
		return (x >= y);
	return (x == y);
}

/* in_colon_list - inlist/inlisti: is s an item of the colon list?  A list
 * that changes its separator ("<,") or doubles a colon is not judged
 * (-1) */
static int
in_colon_list(const char *s, const char *list, int nocase)
{
	const char *it = list, *end;
	size_t len, n = strlen(s);

	if (list[strspn(list, " \t")] == '<' || strstr(list, "::") != NULL)
		return (-1);
	for (;;) {
		it += strspn(it, " \t");
		end = strchr(it, ':');
		len = end != NULL ? (size_t)(end - it) : strlen(it);
		while (len > 0 && (it[len - 1] == ' ' || it[len - 1] == '\t'))
			len--;
		if (len == n && (nocase ? strncasecmp(it, s, n) :
		    strncmp(it, s, n)) == 0)
			return (1);
		if (end == NULL)
			return (0);
		it = end + 1;
	}
}

/* cond - the condition at it->parts[*idx] before TLS: 1 true, 0 false,
 * -1 unknown; *idx moves past it (-2: not understood, *idx undefined) */
static int
cond(const struct mg_exim_item *it, size_t *idx, int depth)
{
	const struct mg_exim_part *pt;
	struct mg_str a = MG_STR_INIT, b = MG_STR_INIT;
	const char *w, *v;
	size_t n, i, nargs = 0;
	int neg = 0, r = -1, ka, kb;

	if (depth > MAX_DEPTH)
		return (-2);
	for (;;) {
		if (*idx >= it->nparts || it->parts[*idx].arg)
			return (-2);
		pt = &it->parts[*idx];
		for (w = pt->p, n = pt->len; n > 0 && *w == '!'; w++, n--)
			neg = !neg;
		if (n > 0)
			break;
		(*idx)++;
	}
	(*idx)++;
	if (n > 4 && strncmp(w, "def:", 4) == 0) {
		w += 4;
		n -= 4;
		if (n > 0 && *w == '$') {
			w++;
			n--;
		}
		v = tls_var(w, n);
		r = v != NULL ? *v != '\0' : -1;
		return (r >= 0 && neg ? !r : r);
	}
	for (i = 0; i < sizeof(cond_args) / sizeof(cond_args[0]); i++)
		if (strlen(cond_args[i].name) == n &&
		    strncmp(cond_args[i].name, w, n) == 0)
			break;
	if (i == sizeof(cond_args) / sizeof(cond_args[0]))
		return (-2);
	nargs = (size_t)cond_args[i].nargs;
	for (n = 0; n < nargs; n++)
		if (*idx + n >= it->nparts || !it->parts[*idx + n].arg)
			return (-2);
	pt = &it->parts[*idx];
	*idx += nargs;
	w = cond_args[i].name;
	if (strcmp(w, "and") == 0 || strcmp(w, "or") == 0) {
		r = cond_list(pt[0].p, pt[0].len, w[0] == 'a', depth + 1);
	} else if (strcmp(w, "bool") == 0 || strcmp(w, "bool_lax") == 0) {
		if (eval(pt[0].p, pt[0].len, &a, depth + 1) == EV_KNOWN)
			r = bool_of(mg_str_cstr(&a));
	} else if (strcmp(w, "eq") == 0 || strcmp(w, "eqi") == 0 ||
	    numeric_op(w) || strcmp(w, "inlist") == 0 ||
	    strcmp(w, "inlisti") == 0) {
		ka = eval(pt[0].p, pt[0].len, &a, depth + 1);
		kb = eval(pt[1].p, pt[1].len, &b, depth + 1);
		if (ka == EV_KNOWN && kb == EV_KNOWN) {
			if (strcmp(w, "eq") == 0)
				r = strcmp(mg_str_cstr(&a),
				    mg_str_cstr(&b)) == 0;
			else if (strcmp(w, "eqi") == 0)
				r = strcasecmp(mg_str_cstr(&a),
				    mg_str_cstr(&b)) == 0;
			else if (strncmp(w, "inlist", 6) == 0)
				r = in_colon_list(mg_str_cstr(&a),
				    mg_str_cstr(&b), w[6] == 'i');
			else
				r = compare(w, mg_str_cstr(&a),
				    mg_str_cstr(&b));
		}
	}
	mg_str_free(&a);
	mg_str_free(&b);
	return (r >= 0 && neg ? !r : r);
}

/* eval_if - ${if COND {YES}{NO}}: YES defaults to "true", NO to "" */
static int
eval_if(const struct mg_exim_item *it, struct mg_str *out, int depth)
{
	const struct mg_exim_part *yes = NULL, *no = NULL;
	size_t idx = 0;
	int c;

	c = cond(it, &idx, depth);
	if (c == -2)
		return (EV_UNKNOWN);
	if (idx < it->nparts && it->parts[idx].arg)
		yes = &it->parts[idx++];
	if (idx < it->nparts)
		no = &it->parts[idx];
	if (c < 0)
		return (EV_UNKNOWN);
	if (c == 1) {
		if (yes == NULL) {
			mg_str_puts(out, "true");
			return (EV_KNOWN);
		}
		return (eval(yes->p, yes->len, out, depth + 1));
	}
	if (no == NULL)
		return (EV_KNOWN);
	if (!no->arg)
		return (part_is(no, "fail") ? EV_FAIL : EV_UNKNOWN);
	return (eval(no->p, no->len, out, depth + 1));
}

/* eval - the expansion of s..s+len before TLS, appended to out */
static int
eval(const char *s, size_t len, struct mg_str *out, int depth)
{
	struct mg_exim_item it;
	const char *v;
	size_t i = 0, n, e;
	int r;

	if (depth > MAX_DEPTH)
		return (EV_UNKNOWN);
	while (i < len) {
		if (s[i] == '\\') {
			if (i + 1 < len && s[i + 1] == 'N') {
				e = literal_end(s, len, i);
				n = e - i - 2;
				if (e >= i + 4 &&
				    strncmp(s + e - 2, "\\N", 2) == 0)
					n -= 2;
				mg_str_append(out, s + i + 2, n);
				i = e;
				continue;
			}
			if (i + 1 < len)
				mg_str_putc(out, (unsigned char)s[i + 1]);
			i += 2;
			continue;
		}
		if (s[i] != '$') {
			mg_str_putc(out, (unsigned char)s[i++]);
			continue;
		}
		if (i + 1 < len && s[i + 1] == '{') {
			if (item_end(s, len, i, &it, depth + 1) == SCAN_ERR)
				return (EV_UNKNOWN);
			i += it.len;
			if (it.var) {
				if ((v = tls_var(it.name, it.namelen)) == NULL)
					return (EV_UNKNOWN);
				mg_str_puts(out, v);
				continue;
			}
			if (!name_is(&it, "if"))
				return (EV_UNKNOWN);
			if ((r = eval_if(&it, out, depth + 1)) != EV_KNOWN)
				return (r);
			continue;
		}
		for (n = i + 1; n < len && (isalnum((unsigned char)s[n]) ||
		    s[n] == '_'); n++)
			;
		if ((v = tls_var(s + i + 1, n - i - 1)) == NULL)
			return (EV_UNKNOWN);
		mg_str_puts(out, v);
		i = n;
	}
	return (EV_KNOWN);
}

/* mg_exim_eval_notls - what text expands to for a client before
 * STARTTLS: 1 with the value in out (a forced failure is ""), 0 when it
 * depends on something else (out then undefined) */
int
mg_exim_eval_notls(const char *text, struct mg_str *out)
{
	int r;

	mg_str_reset(out);
	r = eval(text, strlen(text), out, 0);
	if (r == EV_FAIL) {
		mg_str_reset(out);
		return (1);
	}
	return (r == EV_KNOWN);
}

/* mg_exim_eval_as - as mg_exim_eval_notls, for a client connected to
 * port (0: unknown) with TLS up (tls) or before STARTTLS (!tls): with
 * TLS the cipher, protocol and bits are set, the peer DN and SNI stay
 * empty (a client without certificate) */
int
mg_exim_eval_as(const char *text, int tls, unsigned port, struct mg_str *out)
{
	int r;

	ev_tls = tls;
	ev_port[0] = '\0';
	if (port != 0)
		(void)snprintf(ev_port, sizeof(ev_port), "%u", port);
	r = mg_exim_eval_notls(text, out);
	ev_tls = 0;
	ev_port[0] = '\0';
	return (r);
}

/* mg_exim_option_value - an option's value as Exim stores it: a value
 * written in double quotes loses them and has its backslash escapes
 * interpreted (spec "Option values": \n, \t, \r, \\, \"; any other
 * escaped character stands for itself).  The caller frees it. */
char *
mg_exim_option_value(const char *raw)
{
	struct mg_str out = MG_STR_INIT;
	size_t n = strlen(raw), i;

	if (n < 2 || raw[0] != '"' || raw[n - 1] != '"')
		return (mg_xstrdup(raw));
	for (i = 1; i + 1 < n; i++) {
		if (raw[i] != '\\' || i + 2 >= n) {
			mg_str_putc(&out, (unsigned char)raw[i]);
			continue;
		}
		i++;
		mg_str_putc(&out, raw[i] == 'n' ? '\n' : raw[i] == 't' ?
		    '\t' : raw[i] == 'r' ? '\r' : (unsigned char)raw[i]);
	}
	return (mg_str_steal(&out));
}

/* mg_exim_exists_list - the file of a list written as Debian writes its
 * optional ones, "${if exists{FILE}{FILE}{}}" (FILE's lines are the list
 * when it exists, else the list is empty), FILE a fixed absolute path;
 * else NULL */
char *
mg_exim_exists_list(const char *text)
{
	struct mg_exim_item it;
	const struct mg_exim_part *pt = it.parts;
	size_t len;

	if (text == NULL)
		return (NULL);
	text += strspn(text, " \t");
	len = strlen(text);
	while (len > 0 && (text[len - 1] == ' ' || text[len - 1] == '\t'))
		len--;
	if (mg_exim_item(text, len, &it) < 0 || it.len != len ||
	    !name_is(&it, "if") || it.nparts != 4 || !part_is(&pt[0],
	    "exists") || !pt[1].arg || !pt[2].arg || !pt[3].arg ||
	    pt[3].len != 0 || pt[1].len == 0 || pt[1].p[0] != '/' ||
	    pt[1].len != pt[2].len || strncmp(pt[1].p, pt[2].p, pt[1].len) !=
	    0 || memchr(pt[1].p, '$', pt[1].len) != NULL)
		return (NULL);
	return (mg_xstrndup(pt[1].p, pt[1].len));
}
