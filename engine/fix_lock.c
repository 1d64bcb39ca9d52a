/*
 * fix_lock.c - an apply and a rollback lock the configuration they
 * change (core/mg_lock.c), not only their state directory: two runs
 * with different --state directories would otherwise install over each
 * other, and one's restore erase the other's change.
 */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>

#include "fix_lock.h"

/*
 * mg_fix_lock - lock target t's configuration: Postfix's config
 * directory, a Debian /etc/exim4 directory, or the directory of the
 * Exim file; 0 or -1 with err (who holds it)
 */
int
mg_fix_lock(struct mg_lock *l, const struct mg_target *t, struct mg_err *err)
{
	char tmp[PATH_MAX], dir[PATH_MAX];

	l->fd = -1;
	if (t->config_dir != NULL && *t->config_dir != '\0')
		return (mg_config_lock(l, t->config_dir, err));
	if (t->config_file == NULL)
		return (mg_err_set(err, "no configuration to lock"));
	(void)snprintf(tmp, sizeof(tmp), "%s", t->config_file);
	(void)snprintf(dir, sizeof(dir), "%s", dirname(tmp));
	return (mg_config_lock(l, dir, err));
}
