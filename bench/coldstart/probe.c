/* probe: fork/exec a server, time it to its first 200s, stop it, report its CPU; or load a running one.
 *
 *   probe PORT HEALTH_PATH BODY_FILE AUTH -- CMD ARGS...
 *   probe load PORT BODY_FILE AUTH N      N sequential chat completions on one keep-alive connection; exit 1 on a non-200
 *
 * From fork: polls GET HEALTH_PATH on 127.0.0.1:PORT every 200 us until it answers 200, then sends one
 * POST /v1/chat/completions with BODY_FILE (and "Authorization: Bearer AUTH" unless AUTH is "-") on the same connection.
 * Then SIGTERM, and the child's rusage. Prints one line:
 *   health_ms post_ms cpu_ms maxrss_kb minor_faults
 * Exit 1 when the server exits early, does not answer within 30 s, or the POST is not a 200.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>

static double now_ms(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e3 + t.tv_nsec / 1e6; }

static int dial(int port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET; a.sin_port = htons(port); a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) { close(fd); return -1; }
    return fd;
}

/* Sends a request and reads one response (Content-Length or chunked). Returns the status, or -1. */
static int exchange(int fd, const char *req, size_t len) {
    for (size_t off = 0; off < len;) { ssize_t n = write(fd, req + off, len - off); if (n <= 0) return -1; off += n; }
    static char buf[1 << 16];
    size_t got = 0; long body = -1; char *end = NULL; int chunked = 0;
    for (;;) {
        ssize_t n = read(fd, buf + got, sizeof buf - 1 - got);
        if (n <= 0) return -1;
        got += n; buf[got] = 0;
        if (!end && (end = strstr(buf, "\r\n\r\n"))) {
            *end = 0;
            char *cl = strcasestr(buf, "content-length:");
            chunked = strcasestr(buf, "transfer-encoding: chunked") != NULL;
            body = cl ? atol(cl + 15) : 0;
            *end = '\r';
        }
        if (end && chunked) { if (got >= 5 && !memcmp(buf + got - 5, "0\r\n\r\n", 5)) break; continue; }
        if (end && (size_t)(end + 4 - buf) + body <= got) break;
        if (got >= sizeof buf - 1) got = 0; /* a long body: keep reading, the status line was already seen */
    }
    int status = 0;
    return sscanf(buf, "HTTP/1.%*d %d", &status) == 1 ? status : -1;
}

/* The chat completion request: BODY_FILE's JSON, with a bearer token unless AUTH is "-". */
static int make_post(const char *body_file, const char *key, char **out) {
    static char body[16384], auth[300];
    FILE *f = fopen(body_file, "rb");
    if (!f) { perror(body_file); exit(2); }
    size_t bl = fread(body, 1, sizeof body - 1, f); fclose(f);
    while (bl && (body[bl - 1] == '\n' || body[bl - 1] == '\r')) bl--;
    auth[0] = 0;
    if (strcmp(key, "-")) snprintf(auth, sizeof auth, "Authorization: Bearer %s\r\n", key);
    *out = malloc(bl + 512);
    return sprintf(*out, "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n%sContent-Length: %zu\r\n\r\n%.*s",
                   auth, bl, (int)bl, body);
}

static int load(int argc, char **argv) {
    if (argc < 6) { fprintf(stderr, "usage: probe load PORT BODY_FILE AUTH N\n"); return 2; }
    char *post; int postlen = make_post(argv[3], argv[4], &post);
    long n = atol(argv[5]);
    int fd = dial(atoi(argv[2]));
    if (fd < 0) { perror("connect"); return 1; }
    for (long i = 0; i < n; i++) {
        int s = exchange(fd, post, postlen);
        if (s != 200) { fprintf(stderr, "call %ld answered %d\n", i, s); return 1; }
    }
    close(fd);
    return 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && !strcmp(argv[1], "load")) return load(argc, argv);
    if (argc < 7 || strcmp(argv[5], "--")) { fprintf(stderr, "usage: probe PORT HEALTH_PATH BODY_FILE AUTH -- CMD ARGS...\n"); return 2; }
    int port = atoi(argv[1]);
    char get[512], *post;
    int getlen = snprintf(get, sizeof get, "GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", argv[2]);
    int postlen = make_post(argv[3], argv[4], &post);

    double t0 = now_ms();
    pid_t pid = fork();
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY); dup2(null, 1); dup2(null, 2);
        execvp(argv[6], argv + 6); _exit(127);
    }
    double health = -1, first = -1;
    while (now_ms() < t0 + 30000) {
        int st;
        if (waitpid(pid, &st, WNOHANG) == pid) { fprintf(stderr, "server exited early (status %d)\n", st); return 1; }
        int fd = dial(port);
        if (fd >= 0) {
            if (exchange(fd, get, getlen) == 200) {
                health = now_ms() - t0;
                int s = exchange(fd, post, postlen);
                if (s == 200) first = now_ms() - t0; else fprintf(stderr, "first POST answered %d\n", s);
                close(fd);
                break;
            }
            close(fd);
        }
        usleep(200);
    }
    kill(pid, SIGTERM);
    int st; struct rusage ru;
    wait4(pid, &st, 0, &ru);
    if (health < 0 || first < 0) { fprintf(stderr, "no 200 within 30 s\n"); return 1; }
    double cpu = ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 + ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
    printf("%.1f %.1f %.1f %ld %ld\n", health, first, cpu, ru.ru_maxrss, ru.ru_minflt);
    return 0;
}
