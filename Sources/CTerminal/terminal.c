#include "CTerminal.h"
#include <sys/ioctl.h>
#include <termios.h>

int pushcast_terminal_columns(int descriptor) {
    struct winsize size;
    if (ioctl(descriptor, TIOCGWINSZ, &size) != 0) return 0;
    return size.ws_col;
}

static struct termios saved_settings;
static int settings_saved = 0;

int pushcast_terminal_silence_input(int descriptor) {
    struct termios settings;
    if (tcgetattr(descriptor, &settings) != 0) return -1;
    saved_settings = settings;
    settings_saved = 1;
    settings.c_lflag &= ~(ECHO | ECHOCTL);
    return tcsetattr(descriptor, TCSANOW, &settings);
}

void pushcast_terminal_restore_input(int descriptor) {
    if (settings_saved) tcsetattr(descriptor, TCSANOW, &saved_settings);
}
