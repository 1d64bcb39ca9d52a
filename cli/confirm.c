/*
 * confirm.c - the command line's one y/N question, asked on /dev/tty (not
 * stdin, which may be a pipe); the engine gets it as its confirm callback.
 */
#include <stdio.h>

#include "confirm.h"

/* mg_cli_confirm - "QUESTION [y/N] " on the terminal; 1 for a y, 0 for
 * anything else or no terminal */
int
mg_cli_confirm(const char *question)
{
	char line[16];
	FILE *tty = fopen("/dev/tty", "r+");

	if (tty == NULL)
		return (0);
	(void)fprintf(tty, "%s [y/N] ", question);
	(void)fflush(tty);
	if (fgets(line, sizeof(line), tty) == NULL)
		line[0] = '\0';
	(void)fclose(tty);
	return (line[0] == 'y' || line[0] == 'Y');
}
