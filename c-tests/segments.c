/* Segmented download from C: `segments PORT DIR` against the loopback test server on
 * 127.0.0.1:PORT. The job property of ours DELIVERYOPT_JOB_PROPERTY_MAX_SEGMENTS through
 * IBackgroundCopyJob5 (default 0, a cap of 4, 17 refused with E_INVALIDARG and nothing changed),
 * then a 12 MiB file fetched in pieces over those connections, suspended halfway and resumed:
 * the progress never goes back, and the file is exact. The expected bytes are the test
 * server's /gen/ content, computed here. */
#define COBJMACROS
#define _DEFAULT_SOURCE
#include <bits.h>
#include <deliveryopt.h>

#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "testdata.h"

#define SIZE (12u << 20)
#define SEED 21u

static UINT64 transferred(IBackgroundCopyJob *job) {
    BG_JOB_PROGRESS p = {0};
    CHECK_HR(IBackgroundCopyJob_GetProgress(job, &p), S_OK);
    return p.BytesTransferred;
}

int main(int argc, char **argv) {
    IBackgroundCopyManager *mgr = NULL;
    IBackgroundCopyJob *job = NULL;
    IBackgroundCopyJob5 *j5 = NULL;
    GUID id;
    WCHAR name[] = {'p', 'i', 'e', 'c', 'e', 's', 0};
    WCHAR url[256], dest[600];
    char buf[600], dir[512];
    BITS_JOB_PROPERTY_VALUE v;

    if (argc != 3) {
        fprintf(stderr, "usage: %s PORT DIR\n", argv[0]);
        return 2;
    }
    snprintf(dir, sizeof dir, "%s/segments-XXXXXX", argv[2]);
    if (!mkdtemp(dir)) return 2;
    CHECK_HR(CoCreateInstance(&CLSID_BackgroundCopyManager, NULL, CLSCTX_ALL, &IID_IBackgroundCopyManager,
                              (void **)&mgr),
             S_OK);
    if (!mgr) return check_summary("segments");
    CHECK_HR(IBackgroundCopyManager_CreateJob(mgr, name, BG_JOB_TYPE_DOWNLOAD, &id, &job), S_OK);
    if (!job) {
        IBackgroundCopyManager_Release(mgr);
        return check_summary("segments");
    }
    CHECK_HR(IBackgroundCopyJob_QueryInterface(job, &IID_IBackgroundCopyJob5, (void **)&j5), S_OK);
    if (j5) {
        v.Uint64 = 0xdead;
        CHECK_HR(IBackgroundCopyJob5_GetProperty(j5, DELIVERYOPT_JOB_PROPERTY_MAX_SEGMENTS, &v), S_OK);
        CHECK(v.Dword == 0);
        v.Dword = 4;
        CHECK_HR(IBackgroundCopyJob5_SetProperty(j5, DELIVERYOPT_JOB_PROPERTY_MAX_SEGMENTS, v), S_OK);
        v.Dword = 17;
        CHECK_HR(IBackgroundCopyJob5_SetProperty(j5, DELIVERYOPT_JOB_PROPERTY_MAX_SEGMENTS, v), E_INVALIDARG);
        CHECK_HR(IBackgroundCopyJob5_GetProperty(j5, DELIVERYOPT_JOB_PROPERTY_MAX_SEGMENTS, &v), S_OK);
        CHECK(v.Dword == 4);
        CHECK_HR(IBackgroundCopyJob5_GetProperty(j5, DELIVERYOPT_JOB_PROPERTY_MAX_SEGMENTS, NULL), E_INVALIDARG);
        IBackgroundCopyJob5_Release(j5);
    }
    /* Trickled per connection so the suspend comes halfway. */
    snprintf(buf, sizeof buf, "http://127.0.0.1:%s/gen/%u/%u?trickle_bps=4000000", argv[1], SIZE, SEED);
    to_wide(buf, url, 256);
    snprintf(buf, sizeof buf, "%s/out.bin", dir);
    to_wide(buf, dest, 600);
    CHECK_HR(IBackgroundCopyJob_AddFile(job, url, dest), S_OK);
    CHECK_HR(IBackgroundCopyJob_Resume(job), S_OK);
    for (int i = 0; i < 3000 && transferred(job) < SIZE / 3; i++) usleep(10000);
    CHECK_HR(IBackgroundCopyJob_Suspend(job), S_OK);
    {
        UINT64 have = transferred(job);
        CHECK(have >= SIZE / 3 && have < SIZE);
        usleep(200000);
        CHECK(transferred(job) == have);
        CHECK_HR(IBackgroundCopyJob_Resume(job), S_OK);
        CHECK(transferred(job) >= have);
    }
    CHECK(wait_for(job, BG_JOB_STATE_TRANSFERRED, BG_JOB_STATE_ERROR) == BG_JOB_STATE_TRANSFERRED);
    CHECK(transferred(job) == SIZE);
    CHECK_HR(IBackgroundCopyJob_Complete(job), S_OK);
    {
        long len = 0;
        unsigned char *data = read_file(buf, &len);
        CHECK(data != NULL && len == (long)SIZE && is_gen_content(SEED, data, 0, SIZE));
        free(data);
        unlink(buf);
    }
    rmdir(dir);
    IBackgroundCopyJob_Release(job);
    IBackgroundCopyManager_Release(mgr);
    return check_summary("segments");
}
