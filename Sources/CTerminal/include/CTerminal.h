#ifndef PUSHCAST_CTERMINAL_H
#define PUSHCAST_CTERMINAL_H

/* The width in columns of the terminal on `descriptor`, or 0 if it is not a terminal.
 * (ioctl is variadic, which Swift cannot call.) */
int pushcast_terminal_columns(int descriptor);

/* Stops the terminal on `descriptor` echoing what is typed (a Ctrl-C would leave "^C" on
 * the ticker's line); returns -1 if it is not a terminal. Undone by the next call. */
int pushcast_terminal_silence_input(int descriptor);
void pushcast_terminal_restore_input(int descriptor);

#endif
