/* Upload jobs from C against the test server's BITS side and its faults: `upload_faults PORT DIR`.
 *   1. An upload-reply job whose first fragment the server drops midway (keeping 1,000 of its
 *      bytes): the job goes on from what the server acknowledges, and the reply (/gen/300/4242)
 *      arrives in memory and, at Complete, in its file.
 *   2. A server that refuses the session with BG_E_TOO_LARGE in context REMOTE_APPLICATION: the
 *      job's error says exactly that.
 *   3. The rules of AddFile for uploads: one file (BG_E_TOO_MANY_FILES), http(s) only.
 * Run under ASan/UBSan/LSan like every C test. */
#define COBJMACROS
#define _DEFAULT_SOURCE
#include <bits.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "testdata.h"

static BG_JOB_STATE wait_end(IBackgroundCopyJob *job, int seconds) {
    BG_JOB_STATE st = BG_JOB_STATE_QUEUED;
    for (int i = 0; i < seconds * 20; i++) {
        IBackgroundCopyJob_GetState(job, &st);
        if (st == BG_JOB_STATE_TRANSFERRED || st == BG_JOB_STATE_ERROR) break;
        usleep(50 * 1000);
    }
    return st;
}

static IBackgroundCopyJob *upload_job(IBackgroundCopyManager *m, BG_JOB_TYPE type, const char *url,
                                      const char *file) {
    IBackgroundCopyJob *job = NULL;
    GUID id;
    WCHAR wu[512], wf[512];
    CHECK_HR(IBackgroundCopyManager_CreateJob(m, u"c upload", type, &id, &job), S_OK);
    if (!job) return NULL;
    to_wide(url, wu, 512);
    to_wide(file, wf, 512);
    CHECK_HR(IBackgroundCopyJob_AddFile(job, wu, wf), S_OK);
    CHECK_HR(IBackgroundCopyJob_SetMinimumRetryDelay(job, 5), S_OK);
    return job;
}

int main(int argc, char **argv) {
    char src[600], url[512], reply[600];
    IBackgroundCopyManager *m = NULL;
    if (argc != 3) {
        fprintf(stderr, "usage: %s PORT DIR\n", argv[0]);
        return 2;
    }
    snprintf(src, sizeof src, "%s/src.bin", argv[2]);
    FILE *f = fopen(src, "wb");
    if (!f) return 2;
    for (int i = 0; i < 600000; i++) fputc((i * 7 + 3) & 0xFF, f);
    fclose(f);
    CHECK_HR(CoCreateInstance(&CLSID_BackgroundCopyManager, NULL, CLSCTX_LOCAL_SERVER, &IID_IBackgroundCopyManager,
                              (void **)&m),
             S_OK);
    if (!m) return check_summary("upload_faults");

    /* 1. A dropped fragment, then the reply. */
    snprintf(url, sizeof url, "http://127.0.0.1:%s/up/c.bin?bits_drop_after=1000&bits_reply_len=300", argv[1]);
    IBackgroundCopyJob *job = upload_job(m, BG_JOB_TYPE_UPLOAD_REPLY, url, src);
    if (job) {
        IBackgroundCopyJob2 *j2 = NULL;
        WCHAR wr[600];
        snprintf(reply, sizeof reply, "%s/reply.bin", argv[2]);
        to_wide(reply, wr, 600);
        CHECK_HR(IBackgroundCopyJob_QueryInterface(job, &IID_IBackgroundCopyJob2, (void **)&j2), S_OK);
        if (j2) CHECK_HR(IBackgroundCopyJob2_SetReplyFileName(j2, wr), S_OK);
        CHECK_HR(IBackgroundCopyJob_Resume(job), S_OK);
        CHECK(wait_end(job, 60) == BG_JOB_STATE_TRANSFERRED);
        ULONG errors = 0;
        CHECK_HR(IBackgroundCopyJob_GetErrorCount(job, &errors), S_OK);
        CHECK(errors >= 1);
        BG_JOB_PROGRESS p;
        CHECK_HR(IBackgroundCopyJob_GetProgress(job, &p), S_OK);
        CHECK(p.BytesTransferred == 600000 && p.FilesTransferred == 1);
        if (j2) {
            BYTE *data = NULL;
            UINT64 len = 0;
            BG_JOB_REPLY_PROGRESS rp;
            CHECK_HR(IBackgroundCopyJob2_GetReplyData(j2, &data, &len), S_OK);
            CHECK(len == 300 && data != NULL);
            CoTaskMemFree(data);
            CHECK_HR(IBackgroundCopyJob2_GetReplyProgress(j2, &rp), S_OK);
            CHECK(rp.BytesTotal == 300 && rp.BytesTransferred == 300);
            IBackgroundCopyJob2_Release(j2);
        }
        CHECK_HR(IBackgroundCopyJob_Complete(job), S_OK);
        CHECK(access(reply, F_OK) == 0);
        IBackgroundCopyJob_Release(job);
    }

    /* 2. A refusal with its code and context. */
    snprintf(url, sizeof url, "http://127.0.0.1:%s/up/refused.bin?bits_error=0x80200020&bits_context=7", argv[1]);
    job = upload_job(m, BG_JOB_TYPE_UPLOAD, url, src);
    if (job) {
        IBackgroundCopyError *err = NULL;
        CHECK_HR(IBackgroundCopyJob_Resume(job), S_OK);
        CHECK(wait_end(job, 30) == BG_JOB_STATE_ERROR);
        CHECK_HR(IBackgroundCopyJob_GetError(job, &err), S_OK);
        if (err) {
            BG_ERROR_CONTEXT ctx = BG_ERROR_CONTEXT_NONE;
            HRESULT code = S_OK;
            CHECK_HR(IBackgroundCopyError_GetError(err, &ctx, &code), S_OK);
            CHECK(ctx == BG_ERROR_CONTEXT_REMOTE_APPLICATION);
            CHECK(code == BG_E_TOO_LARGE);
            IBackgroundCopyError_Release(err);
        }
        CHECK_HR(IBackgroundCopyJob_Cancel(job), S_OK);
        IBackgroundCopyJob_Release(job);
    }

    /* 3. AddFile's rules for uploads. */
    snprintf(url, sizeof url, "http://127.0.0.1:%s/up/one.bin", argv[1]);
    job = upload_job(m, BG_JOB_TYPE_UPLOAD, url, src);
    if (job) {
        WCHAR wu[512], wf[600], wfile[700];
        char file_url[700];
        to_wide(url, wu, 512);
        to_wide(src, wf, 600);
        CHECK_HR(IBackgroundCopyJob_AddFile(job, wu, wf), BG_E_TOO_MANY_FILES);
        IBackgroundCopyJob_Cancel(job);
        IBackgroundCopyJob_Release(job);
        job = NULL;
        GUID id;
        CHECK_HR(IBackgroundCopyManager_CreateJob(m, u"c upload 2", BG_JOB_TYPE_UPLOAD, &id, &job), S_OK);
        snprintf(file_url, sizeof file_url, "file://%s", src);
        to_wide(file_url, wfile, 700);
        if (job) {
            CHECK_HR(IBackgroundCopyJob_AddFile(job, wfile, wf), E_INVALIDARG);
            IBackgroundCopyJob_Cancel(job);
            IBackgroundCopyJob_Release(job);
        }
    }
    IBackgroundCopyManager_Release(m);
    return check_summary("upload_faults");
}
