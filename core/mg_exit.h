/*
 * mg_exit.h - the exit codes of the command line, which the console's
 * background jobs also return (sysexits where one fits).
 */
#ifndef MG_EXIT_H
#define MG_EXIT_H

/* Exit codes. report: 0 ok/info, 1 warning, 2 critical, 3 could not read,
 * 4 partial (something unread for lack of permission; 2 still wins). */
#define MG_EXIT_OK 0
#define MG_EXIT_WARN 1
#define MG_EXIT_CRIT 2
#define MG_EXIT_UNREAD 3
#define MG_EXIT_PARTIAL 4	/* report: findings may be missing */
#define MG_EXIT_USAGE 64	/* bad command line (sysexits EX_USAGE) */
#define MG_EXIT_FAILED 70	/* an apply failed or was refused (EX_SOFTWARE
				 * is the nearest sysexits code) */
#define MG_EXIT_CANTCREAT 73	/* --export-diff FILE not written: it exists
				 * (without --force) or cannot be created;
				 * report --output FILE not written
				 * (EX_CANTCREAT) */
#define MG_EXIT_NOPERM 77	/* needs root (EX_NOPERM) */

#endif
