/*
 * write_floor: the physical floor of a fan-out on this machine (make bench): what the
 * kernel charges a server for one write(2) of SIZE bytes to each of CONNECTIONS loopback
 * TCP sockets, per published message, with nothing else around it.
 *
 *   write_floor CONNECTIONS MESSAGES SIZE
 *
 * A child process connects CONNECTIONS sockets and reads them all from one epoll loop, as
 * the benchmark's readers do. The parent accepts them, then MESSAGES times (100 ms apart, so
 * that the readers are asleep when a message starts, as they are in the benchmark) writes
 * SIZE bytes to every socket, one write each. Prints, on stdout:
 *   floor <writes> <parent cpu ms per message> <parent cpu us per write>
 * where the parent's CPU (user + system) is counted over the writes only.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double cpu_ms(void) {
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    return (double)(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1e3 +
           (double)(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e3;
}

/* The child: CONNECTIONS readers on one epoll loop, reading until the parent closes them. */
static void drain(struct sockaddr_in address, int count) {
    int epoll_fd = epoll_create1(0);
    for (int i = 0; i < count; i++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) { perror("connect"); exit(3); }
        struct epoll_event event = {.events = EPOLLIN, .data.fd = fd};
        epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event);
    }
    static char buffer[65536];
    struct epoll_event events[512];
    int open = count;
    while (open > 0) {
        int ready = epoll_wait(epoll_fd, events, 512, -1);
        for (int e = 0; e < ready; e++) {
            if (read(events[e].data.fd, buffer, sizeof buffer) <= 0) {
                epoll_ctl(epoll_fd, EPOLL_CTL_DEL, events[e].data.fd, NULL);
                close(events[e].data.fd);
                open--;
            }
        }
    }
    exit(0);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: %s CONNECTIONS MESSAGES SIZE\n", argv[0]);
        return 2;
    }
    int count = atoi(argv[1]), messages = atoi(argv[2]), size = atoi(argv[3]);
    if (count <= 0 || messages <= 0 || size <= 0) {
        fprintf(stderr, "CONNECTIONS, MESSAGES and SIZE must be positive\n");
        return 2;
    }
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in address = {.sin_family = AF_INET};
    inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    socklen_t length = sizeof address;
    if (bind(listener, (struct sockaddr *)&address, sizeof address) != 0 || listen(listener, 4096) != 0 ||
        getsockname(listener, (struct sockaddr *)&address, &length) != 0) {
        perror("listen");
        return 1;
    }
    pid_t child = fork();
    if (child == 0) drain(address, count);
    int *sockets = calloc((size_t)count, sizeof *sockets);
    for (int i = 0; i < count; i++) {
        sockets[i] = accept(listener, NULL, NULL);
        if (sockets[i] < 0) { perror("accept"); kill(child, SIGKILL); return 1; }
    }
    char *message = malloc((size_t)size);
    memset(message, 'x', (size_t)size);
    struct timespec pause = {.tv_sec = 0, .tv_nsec = 100000000};
    nanosleep(&pause, NULL);
    double spent = 0;
    for (int m = 0; m < messages; m++) {
        double before = cpu_ms();
        for (int i = 0; i < count; i++) {
            if (write(sockets[i], message, (size_t)size) != size) { perror("write"); kill(child, SIGKILL); return 1; }
        }
        spent += cpu_ms() - before;
        nanosleep(&pause, NULL);
    }
    for (int i = 0; i < count; i++) close(sockets[i]);
    waitpid(child, NULL, 0);
    printf("floor %d %.1f %.2f\n", count * messages, spent / messages, spent * 1000 / ((double)count * messages));
    return 0;
}
