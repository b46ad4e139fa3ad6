/* The deliveryoptd services a C test started, for the tests that SIGKILL them between phases.
 * Needs _DEFAULT_SOURCE (or POSIX 2008) for kill() and usleep(). */
#ifndef DELIVERYOPT_TEST_SERVICES_H
#define DELIVERYOPT_TEST_SERVICES_H

#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* SIGKILLs every service whose pid file is in $DELIVERYOPT_RUNTIME_DIR and waits until it is gone
 * (at most 5 s each). Returns how many it killed. */
static inline int kill_services(void) {
    const char *dir = getenv("DELIVERYOPT_RUNTIME_DIR");
    DIR *d;
    struct dirent *e;
    int killed = 0;
    if (!dir || !(d = opendir(dir))) return 0;
    while ((e = readdir(d)) != NULL) {
        char path[1024];
        FILE *f;
        long pid = 0;
        size_t len = strlen(e->d_name);
        if (len < 5 || strcmp(e->d_name + len - 4, ".pid") != 0) continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        f = fopen(path, "r");
        if (!f) continue;
        if (fscanf(f, "%ld", &pid) != 1) pid = 0;
        fclose(f);
        if (pid > 1 && kill((pid_t)pid, SIGKILL) == 0) {
            for (int tries = 0; tries < 500 && kill((pid_t)pid, 0) == 0; tries++) usleep(10 * 1000);
            killed++;
        }
        unlink(path);
    }
    closedir(d);
    return killed;
}

#endif
