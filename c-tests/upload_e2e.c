/* Uploads that survive a SIGKILL: `upload_e2e SERVER DIR`, where SERVER is the shipped
 * deliveryopt-upload-server. Run under ASan/UBSan/LSan like every C test.
 *   0. A 50 MiB file is made in DIR, and SERVER is started on 127.0.0.1 (a free port), slowed
 *      a little per fragment, answering upload-reply jobs with `wc -c` of the upload.
 *   1. `create`: an upload job and an upload-reply job for the file; once both have sent some
 *      MiB, their GUIDs are written down and the process SIGKILLs itself, references held.
 *   Between the two, the service (in service mode, the default) is SIGKILLed too; in in-process
 *   mode the first process was the engine.
 *   2. `finish`: a new process finds both jobs by GUID; they go on from where the server is,
 *      reach TRANSFERRED, the reply data is "52428800\n", and Complete closes the sessions.
 *   3. The server's two files equal the source, byte for byte. */
#define COBJMACROS
#define _DEFAULT_SOURCE
#include <bits.h>

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "testdata.h"
#include "services.h"

extern char **environ;

#define SIZE (50u * 1024u * 1024u)
#define SEED 77u

/* Byte `i` of the content uploaded (the test server's /gen/ content of SEED). */
static unsigned char upload_byte(uint64_t i) { return gen_byte(SEED, i); }

static IBackgroundCopyManager *manager(void) {
    IBackgroundCopyManager *m = NULL;
    HRESULT hr = CoCreateInstance(&CLSID_BackgroundCopyManager, NULL, CLSCTX_LOCAL_SERVER,
                                  &IID_IBackgroundCopyManager, (void **)&m);
    CHECK_HR(hr, S_OK);
    return m;
}

static UINT64 sent(IBackgroundCopyJob *job) {
    BG_JOB_PROGRESS p;
    memset(&p, 0, sizeof p);
    if (FAILED(IBackgroundCopyJob_GetProgress(job, &p))) return 0;
    return p.BytesTransferred;
}

static void guid_text(const GUID *g, char *out, size_t n) {
    snprintf(out, n, "%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X", (unsigned)g->Data1, g->Data2,
             g->Data3, g->Data4[0], g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4], g->Data4[5],
             g->Data4[6], g->Data4[7]);
}

static int parse_guid(const char *s, GUID *g) {
    unsigned d1, d2, d3, b[8];
    if (sscanf(s, "%8x-%4x-%4x-%2x%2x-%2x%2x%2x%2x%2x%2x", &d1, &d2, &d3, &b[0], &b[1], &b[2], &b[3],
               &b[4], &b[5], &b[6], &b[7]) != 11)
        return 0;
    g->Data1 = d1;
    g->Data2 = (unsigned short)d2;
    g->Data3 = (unsigned short)d3;
    for (int i = 0; i < 8; i++) g->Data4[i] = (unsigned char)b[i];
    return 1;
}

/* Phase 1: both jobs under way, then SIGKILL. */
static int create(const char *port, const char *dir) {
    IBackgroundCopyManager *m = manager();
    IBackgroundCopyJob *jobs[2] = {NULL, NULL};
    const char *paths[2] = {"/up/big.bin", "/reply/big.bin"};
    BG_JOB_TYPE types[2] = {BG_JOB_TYPE_UPLOAD, BG_JOB_TYPE_UPLOAD_REPLY};
    char local[1024], url[256], text[2][64], file[1100];
    WCHAR wl[1024], wu[256];
    GUID ids[2];
    if (!m) return 1;
    snprintf(local, sizeof local, "%s/src.bin", dir);
    to_wide(local, wl, 1024);
    for (int i = 0; i < 2; i++) {
        CHECK_HR(IBackgroundCopyManager_CreateJob(m, i ? u"e2e upload-reply" : u"e2e upload", types[i], &ids[i], &jobs[i]), S_OK);
        if (!jobs[i]) return 1;
        snprintf(url, sizeof url, "http://127.0.0.1:%s%s", port, paths[i]);
        to_wide(url, wu, 256);
        CHECK_HR(IBackgroundCopyJob_AddFile(jobs[i], wu, wl), S_OK);
        CHECK_HR(IBackgroundCopyJob_SetMinimumRetryDelay(jobs[i], 5), S_OK);
        CHECK_HR(IBackgroundCopyJob_Resume(jobs[i]), S_OK);
        guid_text(&ids[i], text[i], sizeof text[i]);
    }
    for (int tries = 0; tries < 6000 && (sent(jobs[0]) < 3u << 20 || sent(jobs[1]) < 3u << 20); tries++)
        usleep(10 * 1000);
    CHECK(sent(jobs[0]) >= 3u << 20 && sent(jobs[0]) < SIZE);
    CHECK(sent(jobs[1]) >= 3u << 20 && sent(jobs[1]) < SIZE);
    snprintf(file, sizeof file, "%s/guids", dir);
    FILE *f = fopen(file, "w");
    if (!f) return 1;
    fprintf(f, "%s\n%s\n", text[0], text[1]);
    fclose(f);
    printf("create: both jobs under way (%llu and %llu bytes sent); killing myself\n",
           (unsigned long long)sent(jobs[0]), (unsigned long long)sent(jobs[1]));
    fflush(stdout);
    if (check_failed) return 1;
    raise(SIGKILL);
    return 1;
}

/* Phase 2: the jobs go on and finish in a new process. */
static int finish(const char *dir) {
    char file[1100], line[2][64];
    IBackgroundCopyManager *m;
    snprintf(file, sizeof file, "%s/guids", dir);
    FILE *f = fopen(file, "r");
    if (!f) return 1;
    int ok = fscanf(f, "%63s %63s", line[0], line[1]) == 2;
    fclose(f);
    if (!ok) return 1;
    m = manager();
    if (!m) return 1;
    for (int i = 0; i < 2; i++) {
        GUID id;
        IBackgroundCopyJob *job = NULL;
        BG_JOB_STATE st = BG_JOB_STATE_QUEUED;
        CHECK(parse_guid(line[i], &id));
        CHECK_HR(IBackgroundCopyManager_GetJob(m, &id, &job), S_OK);
        if (!job) continue;
        for (int tries = 0; tries < 1800; tries++) {
            IBackgroundCopyJob_GetState(job, &st);
            if (st == BG_JOB_STATE_TRANSFERRED || st == BG_JOB_STATE_ERROR) break;
            usleep(100 * 1000);
        }
        CHECK(st == BG_JOB_STATE_TRANSFERRED);
        CHECK(sent(job) == SIZE);
        if (i == 1) {
            IBackgroundCopyJob2 *j2 = NULL;
            BYTE *data = NULL;
            UINT64 len = 0;
            CHECK_HR(IBackgroundCopyJob_QueryInterface(job, &IID_IBackgroundCopyJob2, (void **)&j2), S_OK);
            if (j2) {
                CHECK_HR(IBackgroundCopyJob2_GetReplyData(j2, &data, &len), S_OK);
                CHECK(len == 9 && data && memcmp(data, "52428800\n", 9) == 0);
                CoTaskMemFree(data);
                IBackgroundCopyJob2_Release(j2);
            }
        }
        CHECK_HR(IBackgroundCopyJob_Complete(job), S_OK);
        IBackgroundCopyJob_Release(job);
    }
    IBackgroundCopyManager_Release(m);
    printf("finish: both jobs transferred and completed\n");
    return check_failed ? 1 : 0;
}

static int run_phase(const char *self, const char *phase, const char *port, const char *dir, int *signal) {
    pid_t pid;
    int status = 0;
    char *args[] = {(char *)self, (char *)phase, (char *)port, (char *)dir, NULL};
    if (posix_spawn(&pid, self, NULL, NULL, args, environ) != 0) return -1;
    if (waitpid(pid, &status, 0) != pid) return -1;
    *signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* Byte-compares FILE with the source content. */
static int same_as_source(const char *path) {
    FILE *f = fopen(path, "rb");
    unsigned char buf[65536];
    uint64_t at = 0;
    size_t n;
    if (!f) return 0;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) {
        for (size_t i = 0; i < n; i++, at++)
            if (buf[i] != upload_byte(at)) {
                fclose(f);
                return 0;
            }
    }
    fclose(f);
    return at == SIZE;
}

int main(int argc, char **argv) {
    char path[1100], portfile[1100], root[1100], port[32] = "";
    pid_t server;
    int sig = 0;
    if (argc == 4 && !strcmp(argv[1], "create")) return create(argv[2], argv[3]);
    if (argc == 3 && !strcmp(argv[1], "finish")) return finish(argv[2]);
    if (argc == 4 && !strcmp(argv[1], "finish")) return finish(argv[3]);
    if (argc != 3) {
        fprintf(stderr, "usage: %s SERVER DIR\n", argv[0]);
        return 2;
    }
    /* 0. The source and the server. */
    snprintf(path, sizeof path, "%s/src.bin", argv[2]);
    FILE *f = fopen(path, "wb");
    if (!f) return 2;
    {
        static unsigned char buf[1 << 20];
        for (uint64_t at = 0; at < SIZE; at += sizeof buf) {
            for (size_t i = 0; i < sizeof buf; i++) buf[i] = upload_byte(at + i);
            fwrite(buf, 1, sizeof buf, f);
        }
    }
    fclose(f);
    snprintf(root, sizeof root, "%s/srv", argv[2]);
    snprintf(portfile, sizeof portfile, "%s/port", argv[2]);
    {
        char *args[] = {argv[1], "--root", root, "--listen", "127.0.0.1:0", "--port-file", portfile,
                        "--fragment-delay-ms", "300", "--reply-command", "wc -c", NULL};
        if (posix_spawn(&server, argv[1], NULL, NULL, args, environ) != 0) {
            fprintf(stderr, "cannot start %s\n", argv[1]);
            return 2;
        }
    }
    for (int tries = 0; tries < 1000 && port[0] == 0; tries++) {
        FILE *p = fopen(portfile, "r");
        if (p) {
            if (fscanf(p, "%31s", port) != 1) port[0] = 0;
            fclose(p);
        }
        if (!port[0]) usleep(10 * 1000);
    }
    CHECK(port[0] != 0);
    if (port[0]) {
        /* 1. Started, then killed. */
        CHECK(run_phase(argv[0], "create", port, argv[2], &sig) == -1 && sig == SIGKILL);
        printf("services killed between the phases: %d\n", kill_services());
        /* 2. Finished by another process. */
        CHECK(run_phase(argv[0], "finish", port, argv[2], &sig) == 0);
    }
    kill(server, SIGTERM);
    waitpid(server, NULL, 0);
    /* 3. The server's files. */
    snprintf(path, sizeof path, "%s/srv/up/big.bin", argv[2]);
    CHECK(same_as_source(path));
    snprintf(path, sizeof path, "%s/srv/reply/big.bin", argv[2]);
    CHECK(same_as_source(path));
    return check_summary("upload_e2e");
}
