/* console.c - placeholder until the console lands (being written). */
#include <stdio.h>

#include "console.h"

/* mg_console_run - the interactive console */
int
mg_console_run(struct mg_app *a)
{
	(void)a;
	return (1);
}
