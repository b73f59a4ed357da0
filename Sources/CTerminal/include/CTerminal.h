#ifndef PUSHCAST_CTERMINAL_H
#define PUSHCAST_CTERMINAL_H

/* The width in columns of the terminal on `descriptor`, or 0 if it is not a terminal.
 * (ioctl is variadic, which Swift cannot call.) */
int pushcast_terminal_columns(int descriptor);

#endif
