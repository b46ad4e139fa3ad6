/* Jobs outlive the process: `persist create DIR` makes a job and exits; `persist finish DIR`, a new
 * process on the same job store, finds it by the saved GUID, resumes and completes it. The source
 * is a local file, so no server is needed. Run under ASan/UBSan/LSan like every C test. */
#define _POSIX_C_SOURCE 200809L
#define COBJMACROS
#include <bits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "testdata.h"

static int create(const char *dir) {
    IBackgroundCopyManager *mgr = NULL;
    IBackgroundCopyJob *job = NULL;
    GUID id;
    char path[4096];
    WCHAR remote[4096], local[4096];
    FILE *f;
    unsigned i;

    snprintf(path, sizeof path, "%s/source.bin", dir);
    f = fopen(path, "wb");
    CHECK(f != NULL);
    if (!f) return check_summary("persist-create");
    for (i = 0; i < 300000; i++) fputc((int)(i * 31 % 251), f);
    fclose(f);

    CHECK_HR(CoCreateInstance(&CLSID_BackgroundCopyManager, NULL, CLSCTX_ALL, &IID_IBackgroundCopyManager,
                              (void **)&mgr),
             S_OK);
    if (!mgr) return check_summary("persist-create");
    CHECK_HR(IBackgroundCopyManager_CreateJob(mgr, u"persisted from C", BG_JOB_TYPE_DOWNLOAD, &id, &job), S_OK);
    snprintf(path, sizeof path, "file://%s/source.bin", dir);
    to_wide(path, remote, 4096);
    snprintf(path, sizeof path, "%s/copy.bin", dir);
    to_wide(path, local, 4096);
    CHECK_HR(IBackgroundCopyJob_AddFile(job, remote, local), S_OK);
    CHECK_HR(IBackgroundCopyJob_SetDescription(job, u"made by the first process"), S_OK);

    snprintf(path, sizeof path, "%s/guid", dir);
    f = fopen(path, "wb");
    CHECK(f != NULL);
    if (f) {
        CHECK(fwrite(&id, sizeof id, 1, f) == 1);
        fclose(f);
    }
    /* Releasing our references does not end the job: it stays in the store, SUSPENDED. */
    CHECK(IBackgroundCopyJob_Release(job) == 0);
    CHECK(IBackgroundCopyManager_Release(mgr) == 0);
    return check_summary("persist-create");
}

static int finish(const char *dir) {
    IBackgroundCopyManager *mgr = NULL;
    IBackgroundCopyJob *job = NULL;
    GUID id;
    char path[4096];
    LPWSTR text = NULL;
    BG_JOB_STATE state = BG_JOB_STATE_QUEUED;
    FILE *f;
    int tries;

    snprintf(path, sizeof path, "%s/guid", dir);
    f = fopen(path, "rb");
    CHECK(f != NULL);
    if (!f) return check_summary("persist-finish");
    CHECK(fread(&id, sizeof id, 1, f) == 1);
    fclose(f);

    CHECK_HR(CoCreateInstance(&CLSID_BackgroundCopyManager, NULL, CLSCTX_ALL, &IID_IBackgroundCopyManager,
                              (void **)&mgr),
             S_OK);
    if (!mgr) return check_summary("persist-finish");
    CHECK_HR(IBackgroundCopyManager_GetJob(mgr, &id, &job), S_OK);
    if (!job) {
        IBackgroundCopyManager_Release(mgr);
        return check_summary("persist-finish");
    }
    CHECK_HR(IBackgroundCopyJob_GetDescription(job, &text), S_OK);
    CHECK(wide_equals(text, "made by the first process"));
    CoTaskMemFree(text);
    CHECK_HR(IBackgroundCopyJob_GetState(job, &state), S_OK);
    CHECK(state == BG_JOB_STATE_SUSPENDED);
    CHECK_HR(IBackgroundCopyJob_Resume(job), S_OK);
    for (tries = 0; tries < 3000; tries++) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        IBackgroundCopyJob_GetState(job, &state);
        if (state == BG_JOB_STATE_TRANSFERRED || state == BG_JOB_STATE_ERROR) break;
        nanosleep(&ts, NULL);
    }
    CHECK(state == BG_JOB_STATE_TRANSFERRED);
    CHECK_HR(IBackgroundCopyJob_Complete(job), S_OK);
    {
        char a[4096], b[4096];
        FILE *fa, *fb;
        int same = 1, ca, cb;
        snprintf(a, sizeof a, "%s/source.bin", dir);
        snprintf(b, sizeof b, "%s/copy.bin", dir);
        fa = fopen(a, "rb");
        fb = fopen(b, "rb");
        CHECK(fa && fb);
        if (fa && fb) {
            do {
                ca = fgetc(fa);
                cb = fgetc(fb);
                if (ca != cb) same = 0;
            } while (ca != EOF && cb != EOF);
            CHECK(same);
        }
        if (fa) fclose(fa);
        if (fb) fclose(fb);
    }
    CHECK(IBackgroundCopyJob_Release(job) == 0);
    CHECK_HR(IBackgroundCopyManager_GetJob(mgr, &id, &job), BG_E_NOT_FOUND);
    CHECK(IBackgroundCopyManager_Release(mgr) == 0);
    return check_summary("persist-finish");
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "create") == 0) return create(argv[2]);
    if (argc == 3 && strcmp(argv[1], "finish") == 0) return finish(argv[2]);
    fprintf(stderr, "usage: persist create|finish DIR\n");
    return 2;
}
