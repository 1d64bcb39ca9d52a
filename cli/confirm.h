/* confirm.h - the command line's one y/N question on the terminal. */
#ifndef MG_CONFIRM_H
#define MG_CONFIRM_H

int mg_cli_confirm(const char *);

#endif
