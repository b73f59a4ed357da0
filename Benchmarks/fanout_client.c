/*
 * fanout_client: many cheap stream readers for the fan-out benchmark (make bench).
 *
 *   fanout_client HOST PORT PATH CONNECTIONS SECONDS [HEADER]
 *
 * Opens CONNECTIONS sockets to HOST:PORT, sends "GET PATH" on each (plus an optional extra
 * header line), and reads them all from one epoll loop for SECONDS after the last one is
 * connected. PATH may be "@FILE": a file of paths, one per line, taken in turn (each
 * reader its own subscriber, say). Every item a publisher sends carries
 * "sent@<unix nanoseconds>;": the first time a reader sees an item, the delay from that
 * time to now is recorded (a reader that is sent an item again, at least once delivery
 * after a reconnect, counts it once). Prints, on stdout:
 *   connected <n> <milliseconds to connect them all and get their response heads>
 * when all are connected (a driver waits for that line before publishing); at the end,
 *   item <sent ns> <readers> <ns when the last of them got it>
 * per distinct item (so the driver can count deliveries and catch-up times), and
 *   result <connections> <delays> <p50 us> <p99 us> <max us> <user cpu ms> <system cpu ms> <failed> <reconnects> <bytes> <waited us>
 * where <bytes> is what all readers read after they were all connected (the published parts),
 * and <waited us> how long this process, runnable, waited for a core meanwhile (the kernel's
 * run-queue time, /proc/thread-self/schedstat; -1 where the kernel does not keep it).
 * With FANOUT_DELAYS=FILE, every (reader, item) delay is also written there, in
 * microseconds, as native 64-bit integers, so that several processes' delays can be merged.
 * With FANOUT_TIMELINE=FILE, every (reader, item) delivery is written there too, as two
 * native 64-bit integers: the item's send time (ns) and the delay (us).
 * With FANOUT_RECONNECT=1, a reader whose connection ends connects again (every 20 ms
 * while the server refuses) and asks for the same path: a reconnect storm after a restart.
 * Then every reader that ended with fewer items than this process saw also gets a line,
 *   short <reader> <items it had> <the sent ns of each item it missed, comma-separated>
 *     <its connections: connected ns/ended ns/end/status/bytes/items first seen, space-separated>
 * where <end> is eof, open (still open at the end) or an errno name, and <status> the HTTP
 * status of the response head (0 when none came), so that a loss can be traced to a connection.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MARK "sent@"
#define CARRY 40
#define MAX_ITEMS 4096
#define HISTORY 8

/* One connection of a reader, for the report of a reader that ended short. */
struct connection {
    uint64_t connected, ended;
    int end;              /* 0 while open, -1 for end of file, else the errno */
    int status;           /* the response head's status code */
    uint64_t bytes;
    unsigned items;       /* items first seen on this connection */
};

struct reader {
    int fd;
    int headed;           /* the response head has arrived */
    size_t carry_len;     /* bytes kept from the end of the last read */
    char carry[CARRY];
    const char *request;
    uint8_t seen[MAX_ITEMS / 8];  /* items this reader has had */
    unsigned seen_count;
    unsigned connections; /* how many it opened; the first HISTORY are in history */
    struct connection history[HISTORY];
};

static struct connection *current(struct reader *r) {
    return r->connections && r->connections <= HISTORY ? &r->history[r->connections - 1] : NULL;
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint64_t *delays; static size_t delay_count, delay_cap;
static FILE *timeline; /* FANOUT_TIMELINE */
static uint64_t items[MAX_ITEMS], item_last[MAX_ITEMS]; static unsigned item_readers[MAX_ITEMS]; static size_t item_count;

static void record(struct reader *r, uint64_t sent, uint64_t now) {
    size_t index = 0;
    while (index < item_count && items[index] != sent) index++;
    if (index == item_count) {
        if (item_count == MAX_ITEMS) return;
        items[item_count++] = sent;
    }
    if (r->seen[index / 8] & (1u << (index % 8))) return; /* again: at least once */
    r->seen[index / 8] |= (uint8_t)(1u << (index % 8));
    r->seen_count++;
    if (current(r)) current(r)->items++;
    item_readers[index]++;
    item_last[index] = now;
    if (delay_count == delay_cap) {
        delay_cap = delay_cap ? delay_cap * 2 : 1 << 16;
        delays = realloc(delays, delay_cap * sizeof *delays);
        if (!delays) { perror("realloc"); exit(1); }
    }
    delays[delay_count++] = now > sent ? (now - sent) / 1000 : 0;
    if (timeline) {
        uint64_t pair[2] = {sent, delays[delay_count - 1]};
        fwrite(pair, sizeof pair, 1, timeline);
    }
}

/* Scans carry + fresh bytes for markers; keeps the tail as the next carry. */
static void scan(struct reader *r, const char *data, size_t len, uint64_t now) {
    static char joined[CARRY + 65536];
    memcpy(joined, r->carry, r->carry_len);
    memcpy(joined + r->carry_len, data, len);
    size_t total = r->carry_len + len;
    size_t consumed = 0;
    const char *at = joined;
    while ((at = memmem(at, total - (size_t)(at - joined), MARK, sizeof MARK - 1)) != NULL) {
        const char *digits = at + sizeof MARK - 1;
        const char *end = memchr(digits, ';', total - (size_t)(digits - joined));
        if (!end) break; /* the rest comes with the next read */
        record(r, strtoull(digits, NULL, 10), now);
        at = end + 1;
        consumed = (size_t)(at - joined);
    }
    size_t keep = total - consumed;
    if (keep > CARRY) keep = CARRY;
    memmove(r->carry, joined + total - keep, keep);
    r->carry_len = keep;
}

/* The kernel's count of how long this thread has waited for a core while runnable (ns), or
 * -1 where it keeps none (/proc/thread-self/schedstat: time run, time waited, slices). */
static long long run_queue_wait_ns(void) {
    FILE *file = fopen("/proc/thread-self/schedstat", "r");
    if (!file) return -1;
    unsigned long long ran, waited;
    int found = fscanf(file, "%llu %llu", &ran, &waited);
    fclose(file);
    return found == 2 ? (long long)waited : -1;
}

static int compare(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* The `short` lines (see the top of the file). */
static void report_short(struct reader *readers, int count) {
    for (int i = 0; i < count; i++) {
        struct reader *r = &readers[i];
        if (r->seen_count >= item_count) continue;
        printf("short %d %u ", i, r->seen_count);
        const char *comma = "";
        for (size_t index = 0; index < item_count; index++) {
            if (r->seen[index / 8] & (1u << (index % 8))) continue;
            printf("%s%llu", comma, (unsigned long long)items[index]);
            comma = ",";
        }
        for (unsigned c = 0; c < r->connections && c < HISTORY; c++) {
            struct connection *h = &r->history[c];
            const char *end = h->end == 0 ? "open" : h->end == -1 ? "eof" : strerrorname_np(h->end);
            printf(" %llu/%llu/%s/%d/%llu/%u", (unsigned long long)h->connected, (unsigned long long)h->ended,
                   end ? end : "error", h->status, (unsigned long long)h->bytes, h->items);
        }
        printf("\n");
    }
}

static struct sockaddr_in address;
static int epoll_fd;

/* Connects a reader and sends its request; 0 when connected, else the connect error. */
static int open_reader(struct reader *r) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return errno;
    if (connect(fd, (struct sockaddr *)&address, sizeof address) != 0) {
        int error = errno;
        close(fd);
        return error;
    }
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (write(fd, r->request, strlen(r->request)) < 0) { int error = errno; close(fd); return error; }
    fcntl(fd, F_SETFL, O_NONBLOCK);
    r->fd = fd;
    r->headed = 0;
    r->carry_len = 0;
    r->connections++;
    if (current(r)) *current(r) = (struct connection){.connected = now_ns()};
    struct epoll_event event = {.events = EPOLLIN, .data.ptr = r};
    epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event);
    return 0;
}

/* The request lines: one PATH, or every line of the file "@FILE". */
static char **requests_for(const char *path, const char *host, const char *extra, size_t *count) {
    char **list = NULL;
    size_t n = 0, cap = 0;
    FILE *file = path[0] == '@' ? fopen(path + 1, "r") : NULL;
    if (path[0] == '@' && !file) { perror(path + 1); exit(2); }
    char line[2048];
    for (;;) {
        const char *one = path;
        if (file) {
            if (!fgets(line, sizeof line, file)) break;
            line[strcspn(line, "\r\n")] = 0;
            if (!*line) continue;
            one = line;
        }
        if (n == cap) { cap = cap ? cap * 2 : 64; list = realloc(list, cap * sizeof *list); }
        char request[4096];
        snprintf(request, sizeof request, "GET %s HTTP/1.1\r\nHost: %s\r\n%s%s\r\n", one, host, extra, *extra ? "\r\n" : "");
        list[n++] = strdup(request);
        if (!file) break;
    }
    if (file) fclose(file);
    if (!n) { fprintf(stderr, "no paths in %s\n", path); exit(2); }
    *count = n;
    return list;
}

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: %s HOST PORT PATH|@FILE CONNECTIONS SECONDS [HEADER]\n", argv[0]);
        return 2;
    }
    const char *host = argv[1];
    int port = atoi(argv[2]);
    int count = atoi(argv[4]);
    double seconds = atof(argv[5]);
    const char *extra = argc > 6 ? argv[6] : "";
    int reconnect = getenv("FANOUT_RECONNECT") && atoi(getenv("FANOUT_RECONNECT"));
    if (getenv("FANOUT_TIMELINE") && !(timeline = fopen(getenv("FANOUT_TIMELINE"), "wb"))) perror("FANOUT_TIMELINE");
    size_t request_count;
    char **requests = requests_for(argv[3], host, extra, &request_count);

    epoll_fd = epoll_create1(0);
    struct reader *readers = calloc((size_t)count, sizeof *readers);
    address.sin_family = AF_INET;
    address.sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, host, &address.sin_addr);
    uint64_t started = now_ns();
    int failed = 0, reconnects = 0, down = 0;
    for (int i = 0; i < count; i++) {
        readers[i].fd = -1;
        readers[i].request = requests[(size_t)i % request_count];
        if (open_reader(&readers[i]) != 0) failed++;
    }
    static char buffer[65536];
    struct epoll_event events[512];
    int headed = 0, live = count - failed;
    uint64_t bytes = 0;
    uint64_t deadline = 0, next_retry = 0;
    long long waited_before = -1;
    for (;;) {
        uint64_t now = now_ns();
        if (deadline && now >= deadline) break;
        if (!deadline && now - started > 120ull * 1000000000ull) break; /* never connected: give up */
        if (reconnect && down && now >= next_retry) {
            /* Every reader whose connection ended asks again; a refusal means the server is
               not back yet, and the rest wait for the next round. */
            for (int i = 0; i < count && down; i++) {
                if (readers[i].fd >= 0) continue;
                if (open_reader(&readers[i]) != 0) break;
                down--;
                reconnects++;
            }
            next_retry = now + 20000000ull;
        }
        int ready = epoll_wait(epoll_fd, events, 512, reconnect && down ? 20 : 100);
        now = now_ns();
        for (int e = 0; e < ready; e++) {
            struct reader *r = events[e].data.ptr;
            for (;;) {
                ssize_t n = read(r->fd, buffer, sizeof buffer);
                if (n > 0) {
                    if (deadline) bytes += (uint64_t)n;
                    if (current(r)) current(r)->bytes += (uint64_t)n;
                    if (!r->headed && memmem(buffer, (size_t)n, "\r\n\r\n", 4)) {
                        r->headed = 1;
                        if (current(r) && n > 12 && memcmp(buffer, "HTTP/1.", 7) == 0) current(r)->status = atoi(buffer + 9);
                        if (!deadline && ++headed == live) {
                            printf("connected %d %.1f\n", headed, (double)(now - started) / 1e6);
                            fflush(stdout);
                            deadline = now + (uint64_t)(seconds * 1e9);
                            waited_before = run_queue_wait_ns();
                        }
                    }
                    scan(r, buffer, (size_t)n, now);
                    continue;
                }
                if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                    if (current(r)) {
                        current(r)->ended = now_ns();
                        current(r)->end = n == 0 ? -1 : errno;
                    }
                    epoll_ctl(epoll_fd, EPOLL_CTL_DEL, r->fd, NULL);
                    close(r->fd);
                    r->fd = -1;
                    if (reconnect) down++; else failed++;
                }
                break;
            }
        }
    }
    if (!deadline) {
        printf("connected %d %.1f\n", headed, (double)(now_ns() - started) / 1e6);
    }
    long long waited_after = run_queue_wait_ns();
    long long waited_us = waited_before >= 0 && waited_after >= 0 ? (waited_after - waited_before) / 1000 : -1;
    qsort(delays, delay_count, sizeof *delays, compare);
    struct rusage usage;
    getrusage(RUSAGE_SELF, &usage);
    uint64_t p50 = delay_count ? delays[delay_count / 2] : 0;
    uint64_t p99 = delay_count ? delays[(delay_count * 99) / 100] : 0;
    uint64_t max = delay_count ? delays[delay_count - 1] : 0;
    const char *dump = getenv("FANOUT_DELAYS");
    if (dump) {
        FILE *file = fopen(dump, "wb");
        if (!file || fwrite(delays, sizeof *delays, delay_count, file) != delay_count) perror(dump);
        if (file) fclose(file);
    }
    if (timeline) fclose(timeline);
    for (size_t i = 0; i < item_count; i++)
        printf("item %llu %u %llu\n", (unsigned long long)items[i], item_readers[i], (unsigned long long)item_last[i]);
    if (reconnect) report_short(readers, count);
    printf("result %d %zu %llu %llu %llu %ld %ld %d %d %llu %lld\n", count, delay_count, (unsigned long long)p50, (unsigned long long)p99,
           (unsigned long long)max, usage.ru_utime.tv_sec * 1000 + usage.ru_utime.tv_usec / 1000,
           usage.ru_stime.tv_sec * 1000 + usage.ru_stime.tv_usec / 1000, failed + down, reconnects, (unsigned long long)bytes,
           waited_us);
    return 0;
}
