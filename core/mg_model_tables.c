/*
 * mg_model_tables.c - the model's tables: services with their overrides,
 * lookup tables, accounts, rules and the SASL setup; constructors,
 * lookups and their part of mg_model_free().  Nothing here reaches the
 * rest of the model (parameters, files: mg_model.c).
 */
#include <stdlib.h>
#include <string.h>

#include "mg_model.h"
#include "mg_str.h"

/* mg_model_service_add - the service name/type, created if new */
struct mg_service *
mg_model_service_add(struct mg_model *m, const char *name, const char *type)
{
	struct mg_service *s;
	size_t i;

	for (i = 0; i < m->nservices; i++)
		if (strcmp(m->services[i].name, name) == 0 &&
		    strcmp(m->services[i].type, type) == 0)
			return (&m->services[i]);
	s = MG_ARRAY_PUSH(m->services, m->nservices, m->services_cap);
	memset(s, 0, sizeof(*s));
	s->name = mg_xstrdup(name);
	s->type = mg_xstrdup(type);
	return (s);
}

/* mg_model_service - the service name/type, or NULL */
const struct mg_service *
mg_model_service(const struct mg_model *m, const char *name,
    const char *type)
{
	size_t i;

	for (i = 0; i < m->nservices; i++)
		if (strcmp(m->services[i].name, name) == 0 &&
		    strcmp(m->services[i].type, type) == 0)
			return (&m->services[i]);
	return (NULL);
}

/* mg_service_override_add - the service's override of a parameter */
struct mg_param *
mg_service_override_add(struct mg_service *s, const char *name)
{
	struct mg_param *p;
	size_t i;

	for (i = 0; i < s->noverrides; i++)
		if (strcmp(s->overrides[i].name, name) == 0)
			return (&s->overrides[i]);
	p = MG_ARRAY_PUSH(s->overrides, s->noverrides, s->overrides_cap);
	memset(p, 0, sizeof(*p));
	p->name = mg_xstrdup(name);
	return (p);
}

/* mg_service_override - the service's override of a parameter, or NULL */
const struct mg_param *
mg_service_override(const struct mg_service *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->noverrides; i++)
		if (strcmp(s->overrides[i].name, name) == 0)
			return (&s->overrides[i]);
	return (NULL);
}

/* mg_model_map_add - the table named by ref ("type:name"), created if new */
struct mg_map *
mg_model_map_add(struct mg_model *m, const char *ref)
{
	struct mg_map *t;
	const char *colon;
	size_t i;

	for (i = 0; i < m->nmaps; i++)
		if (strcmp(m->maps[i].ref, ref) == 0)
			return (&m->maps[i]);
	t = MG_ARRAY_PUSH(m->maps, m->nmaps, m->maps_cap);
	memset(t, 0, sizeof(*t));
	t->ref = mg_xstrdup(ref);
	if ((colon = strchr(ref, ':')) != NULL) {
		t->type = mg_xstrndup(ref, (size_t)(colon - ref));
		t->name = mg_xstrdup(colon + 1);
	} else {
		t->type = mg_xstrdup("");
		t->name = mg_xstrdup(ref);
	}
	return (t);
}

/* mg_model_map - the table named by ref, or NULL */
const struct mg_map *
mg_model_map(const struct mg_model *m, const char *ref)
{
	size_t i;

	for (i = 0; i < m->nmaps; i++)
		if (strcmp(m->maps[i].ref, ref) == 0)
			return (&m->maps[i]);
	return (NULL);
}

/* entry_push - append key -> value (value may be NULL) */
static struct mg_map_entry *
entry_push(struct mg_map_entry **v, size_t *n, size_t *cap, const char *key,
    const char *value, unsigned line)
{
	struct mg_map_entry *e;

	e = MG_ARRAY_PUSH(*v, *n, *cap);
	e->key = mg_xstrdup(key);
	e->value = value != NULL ? mg_xstrdup(value) : NULL;
	e->line = line;
	return (e);
}

/* mg_map_entry_add - one entry of the table's listing */
struct mg_map_entry *
mg_map_entry_add(struct mg_map *t, const char *key, const char *value,
    unsigned line)
{
	return (entry_push(&t->entries, &t->nentries, &t->entries_cap, key,
	    value, line));
}

/* mg_map_answer_add - what the table answered for key (NULL: not found) */
struct mg_map_entry *
mg_map_answer_add(struct mg_map *t, const char *key, const char *value)
{
	return (entry_push(&t->answers, &t->nanswers, &t->answers_cap, key,
	    value, 0));
}

/* mg_map_answer - the answer recorded for key, or NULL if never asked */
const struct mg_map_entry *
mg_map_answer(const struct mg_map *t, const char *key)
{
	size_t i;

	for (i = 0; i < t->nanswers; i++)
		if (strcmp(t->answers[i].key, key) == 0)
			return (&t->answers[i]);
	return (NULL);
}

/* mg_model_user_add - an account that may authenticate */
struct mg_user *
mg_model_user_add(struct mg_model *m, const char *name, const char *realm,
    const char *source)
{
	struct mg_user *u;

	u = MG_ARRAY_PUSH(m->users, m->nusers, m->users_cap);
	memset(u, 0, sizeof(*u));
	u->name = mg_xstrdup(name);
	u->realm = realm != NULL ? mg_xstrdup(realm) : NULL;
	u->source = source != NULL ? mg_xstrdup(source) : NULL;
	u->uid = -1;
	return (u);
}

/* mg_model_rule_add - append a statement to a rule set */
struct mg_rule *
mg_model_rule_add(struct mg_model *m, const char *group, const char *verb)
{
	struct mg_rule *r;

	r = MG_ARRAY_PUSH(m->rules, m->nrules, m->rules_cap);
	memset(r, 0, sizeof(*r));
	r->group = mg_xstrdup(group);
	r->verb = mg_xstrdup(verb);
	return (r);
}

/* mg_rule_cond_add - append a condition or modifier (repeats allowed:
 * an ACL statement may say "control =" twice) */
struct mg_param *
mg_rule_cond_add(struct mg_rule *r, const char *name, const char *value)
{
	struct mg_param *p;

	p = MG_ARRAY_PUSH(r->conds, r->nconds, r->conds_cap);
	memset(p, 0, sizeof(*p));
	p->name = mg_xstrdup(name);
	p->value = mg_xstrdup(value);
	return (p);
}

/* mg_rule_cond - the first condition of that name, or NULL */
const struct mg_param *
mg_rule_cond(const struct mg_rule *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nconds; i++)
		if (strcmp(r->conds[i].name, name) == 0)
			return (&r->conds[i]);
	return (NULL);
}

/* mg_model_user - the account name (in realm, if not NULL), or NULL */
const struct mg_user *
mg_model_user(const struct mg_model *m, const char *name, const char *realm)
{
	size_t i;

	for (i = 0; i < m->nusers; i++)
		if (strcmp(m->users[i].name, name) == 0 && (realm == NULL ||
		    (m->users[i].realm != NULL &&
		    strcmp(m->users[i].realm, realm) == 0)))
			return (&m->users[i]);
	return (NULL);
}

/* mg_model_auth_add - one setting of the SASL setup, where it is written
 * (file NULL, line 0: a default); repeats are kept, in reading order */
struct mg_param *
mg_model_auth_add(struct mg_model *m, const char *name, const char *value,
    const char *file, unsigned line)
{
	struct mg_param *p;

	p = MG_ARRAY_PUSH(m->auth, m->nauth, m->auth_cap);
	memset(p, 0, sizeof(*p));
	p->name = mg_xstrdup(name);
	p->value = mg_xstrdup(value);
	p->file = file != NULL ? mg_xstrdup(file) : NULL;
	p->line = p->end_line = line;
	return (p);
}

/* mg_model_auth - the first SASL setup setting of that name, or NULL */
const struct mg_param *
mg_model_auth(const struct mg_model *m, const char *name)
{
	size_t i;

	for (i = 0; i < m->nauth; i++)
		if (strcmp(m->auth[i].name, name) == 0)
			return (&m->auth[i]);
	return (NULL);
}

/* mg_params_free - parameters (the model's, a service's overrides, a
 * rule's conditions) and their array */
void
mg_params_free(struct mg_param *v, size_t n)
{
	size_t i;

	if (v == NULL)
		return;
	for (i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].value);
		free(v[i].raw);
		free(v[i].dflt);
		free(v[i].file);
	}
	free(v);
}

/* entries_free - map entries and their array */
static void
entries_free(struct mg_map_entry *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].value);
	}
	free(v);
}

/* mg_model_tables_free - services, maps and users of a model */
void
mg_model_tables_free(struct mg_model *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nservices; i++) {
		free(m->services[i].name);
		free(m->services[i].type);
		free(m->services[i].command);
		free(m->services[i].file);
		mg_params_free(m->services[i].overrides,
		    m->services[i].noverrides);
	}
	free(m->services);
	for (i = 0; i < m->nmaps; i++) {
		free(m->maps[i].ref);
		free(m->maps[i].type);
		free(m->maps[i].name);
		free(m->maps[i].source);
		free(m->maps[i].error);
		entries_free(m->maps[i].entries, m->maps[i].nentries);
		entries_free(m->maps[i].answers, m->maps[i].nanswers);
	}
	free(m->maps);
	for (i = 0; i < m->nusers; i++) {
		free(m->users[i].name);
		free(m->users[i].realm);
		free(m->users[i].source);
	}
	free(m->users);
	free(m->users_backend);
	for (i = 0; i < m->nrules; i++) {
		free(m->rules[i].group);
		free(m->rules[i].verb);
		free(m->rules[i].file);
		mg_params_free(m->rules[i].conds, m->rules[i].nconds);
	}
	free(m->rules);
	mg_params_free(m->auth, m->nauth);
}
