/* Precise CPU figures for bench/run.sh: GNU time prints CPU in hundredths of a second, too
 * coarse for the small-file cases, where a whole run takes about 0.1 CPU-s.
 *
 *   timed run OUT CMD...   runs CMD (stdin, stdout and stderr inherited), then writes
 *                          "wall user sys maxrss_kib" to OUT: seconds with 6 decimals, from
 *                          wait4's rusage (the command and the children it waited for), peak RSS
 *                          as /usr/bin/time's %M. Exits with CMD's status (128+N for signal N).
 *                          A small C program, like GNU time, so that the peak RSS the child
 *                          inherits before exec is small.
 *   timed cpu PID          prints the CPU seconds PID has used so far: all its threads, also
 *                          those that have ended (the kernel's process CPU clock, nanoseconds;
 *                          /proc/PID/stat counts clock ticks).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double secs(struct timeval tv) { return (double)tv.tv_sec + (double)tv.tv_usec / 1e6; }

static int run(const char *out, char **argv) {
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    pid_t pid = fork();
    if (pid < 0) {
        perror("timed: fork");
        return 127;
    }
    if (pid == 0) {
        execvp(argv[0], argv);
        fprintf(stderr, "timed: %s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    int status = 0;
    struct rusage ru;
    while (wait4(pid, &status, 0, &ru) < 0) {
        if (errno != EINTR) {
            perror("timed: wait4");
            return 127;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
    FILE *f = fopen(out, "w");
    if (!f) {
        fprintf(stderr, "timed: %s: %s\n", out, strerror(errno));
        return 127;
    }
    fprintf(f, "%.6f %.6f %.6f %ld\n", wall, secs(ru.ru_utime), secs(ru.ru_stime), ru.ru_maxrss);
    fclose(f);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return WEXITSTATUS(status);
}

static int cpu(const char *arg) {
    char *end;
    long pid = strtol(arg, &end, 10);
    clockid_t clock;
    struct timespec ts;
    if (*arg == 0 || *end != 0 || pid <= 0 || clock_getcpuclockid((pid_t)pid, &clock) != 0 ||
        clock_gettime(clock, &ts) != 0)
        return 1;
    printf("%.6f\n", (double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
    return 0;
}

int main(int argc, char **argv) {
    if (argc >= 4 && !strcmp(argv[1], "run")) return run(argv[2], argv + 3);
    if (argc == 3 && !strcmp(argv[1], "cpu")) return cpu(argv[2]);
    fprintf(stderr, "usage: timed run OUT CMD... | timed cpu PID\n");
    return 2;
}
