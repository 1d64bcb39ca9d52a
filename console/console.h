/* console.h - the interactive ncurses console. */
#ifndef MG_CONSOLE_H
#define MG_CONSOLE_H

#include "../engine/session.h"

int mg_console_run(struct mg_session *, int);

#endif
