/* BITS 10.1 on-demand (random access) from C: `on_demand PORT DIR` against the loopback test
 * server on 127.0.0.1:PORT. Job5 ON_DEMAND_MODE, File6::RequestFileRanges with overlapping ranges,
 * GetFilledFileRanges (merged, sorted, CoTaskMem), the requested bytes at their own offsets of the
 * temporary file, BG_E_INVALID_RANGE past the end, SUSPENDED when the requests are done, and a
 * Resume without requests that makes the file whole for Complete. A job that is not on demand
 * refuses random access. The expected bytes are the test server's /gen/ content, computed here. */
#define COBJMACROS
#define _DEFAULT_SOURCE
#include <bits.h>

#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "testdata.h"

#define SIZE 300000u
#define SEED 11u

/* Whether `len` bytes of `data` are the content from `offset` on. */
static int is_content(const unsigned char *data, uint64_t offset, uint64_t len) {
    return is_gen_content(SEED, data, offset, len);
}

/* A job of one file at /gen/SIZE/SEED; its File6 in *file. */
static IBackgroundCopyJob *new_job(IBackgroundCopyManager *mgr, const char *port, const char *local, int on_demand,
                                   IBackgroundCopyFile6 **file) {
    IBackgroundCopyJob *job = NULL;
    IBackgroundCopyJob5 *j5 = NULL;
    IEnumBackgroundCopyFiles *files = NULL;
    IBackgroundCopyFile *f = NULL;
    WCHAR url[128], dest[600];
    char u8[128];
    GUID id;
    ULONG got = 0;
    *file = NULL;
    snprintf(u8, sizeof u8, "http://127.0.0.1:%s/gen/%u/%u", port, SIZE, SEED);
    to_wide(u8, url, 128);
    to_wide(local, dest, 600);
    CHECK_HR(IBackgroundCopyManager_CreateJob(mgr, u"c-on-demand", BG_JOB_TYPE_DOWNLOAD, &id, &job), S_OK);
    if (!job) return NULL;
    if (on_demand) {
        BITS_JOB_PROPERTY_VALUE v;
        memset(&v, 0, sizeof v);
        v.Enable = TRUE;
        CHECK_HR(IBackgroundCopyJob_QueryInterface(job, &IID_IBackgroundCopyJob5, (void **)&j5), S_OK);
        if (j5) {
            CHECK_HR(IBackgroundCopyJob5_SetProperty(j5, BITS_JOB_PROPERTY_ON_DEMAND_MODE, v), S_OK);
            v.Enable = FALSE;
            CHECK_HR(IBackgroundCopyJob5_GetProperty(j5, BITS_JOB_PROPERTY_ON_DEMAND_MODE, &v), S_OK);
            CHECK(v.Enable == TRUE);
            IBackgroundCopyJob5_Release(j5);
        }
    }
    CHECK_HR(IBackgroundCopyJob_AddFile(job, url, dest), S_OK);
    CHECK_HR(IBackgroundCopyJob_EnumFiles(job, &files), S_OK);
    if (files) {
        CHECK_HR(IEnumBackgroundCopyFiles_Next(files, 1, &f, &got), S_OK);
        if (f) {
            CHECK_HR(IBackgroundCopyFile_QueryInterface(f, &IID_IBackgroundCopyFile6, (void **)file), S_OK);
            IBackgroundCopyFile_Release(f);
        }
        IEnumBackgroundCopyFiles_Release(files);
    }
    return job;
}

int main(int argc, char **argv) {
    IBackgroundCopyManager *mgr = NULL;
    IBackgroundCopyJob *job;
    IBackgroundCopyFile6 *file = NULL;
    char dir[512], local[600];
    DWORD count = 99;
    BG_FILE_RANGE *filled = NULL;

    if (argc != 3) {
        fprintf(stderr, "usage: %s PORT DIR\n", argv[0]);
        return 2;
    }
    snprintf(dir, sizeof dir, "%s/on-demand-XXXXXX", argv[2]);
    if (!mkdtemp(dir)) return 2;
    CHECK_HR(CoCreateInstance(&CLSID_BackgroundCopyManager, NULL, CLSCTX_ALL, &IID_IBackgroundCopyManager,
                              (void **)&mgr),
             S_OK);
    if (!mgr) return check_summary("on_demand");

    /* Not on demand: random access is refused. */
    snprintf(local, sizeof local, "%s/plain.bin", dir);
    job = new_job(mgr, argv[1], local, 0, &file);
    if (job && file) {
        BG_FILE_RANGE one = {0, 10};
        CHECK_HR(IBackgroundCopyFile6_RequestFileRanges(file, 1, &one), BG_E_RANDOM_ACCESS_NOT_SUPPORTED);
        CHECK_HR(IBackgroundCopyFile6_UpdateDownloadPosition(file, 5), BG_E_RANDOM_ACCESS_NOT_SUPPORTED);
        IBackgroundCopyFile6_Release(file);
        CHECK_HR(IBackgroundCopyJob_Cancel(job), S_OK);
    }
    if (job) IBackgroundCopyJob_Release(job);

    snprintf(local, sizeof local, "%s/media.bin", dir);
    job = new_job(mgr, argv[1], local, 1, &file);
    if (job && file) {
        /* The third overlaps the first: only 3000-3999 is new. */
        BG_FILE_RANGE wanted[3] = {{1000, 2000}, {250000, 1000}, {2500, 1500}};
        BG_FILE_RANGE past = {SIZE - 10, 20};
        LPWSTR temp_w = NULL;
        char temp[600];
        long len = 0;
        unsigned char *data;
        CHECK_HR(IBackgroundCopyFile6_RequestFileRanges(file, 3, wanted), S_OK);
        CHECK_HR(IBackgroundCopyJob_Resume(job), S_OK);
        CHECK(wait_for(job, BG_JOB_STATE_SUSPENDED, BG_JOB_STATE_ERROR) == BG_JOB_STATE_SUSPENDED);

        CHECK_HR(IBackgroundCopyFile6_GetFilledFileRanges(file, &count, &filled), S_OK);
        CHECK(count == 2 && filled != NULL);
        if (count == 2 && filled) {
            CHECK(filled[0].InitialOffset == 1000 && filled[0].Length == 3000);
            CHECK(filled[1].InitialOffset == 250000 && filled[1].Length == 1000);
        }
        CoTaskMemFree(filled);
        filled = NULL;

        /* The bytes sit at their own offsets of the temporary file, which has the remote's size. */
        CHECK_HR(IBackgroundCopyFile6_GetTemporaryName(file, &temp_w), S_OK);
        if (temp_w) {
            size_t i = 0;
            for (; temp_w[i] && i + 1 < sizeof temp; i++) temp[i] = (char)temp_w[i];
            temp[i] = 0;
            CoTaskMemFree(temp_w);
            data = read_file(temp, &len);
            CHECK(data != NULL && len == (long)SIZE);
            if (data && len == (long)SIZE) {
                CHECK(is_content(data + 1000, 1000, 3000));
                CHECK(is_content(data + 250000, 250000, 1000));
                CHECK(data[0] == 0 && data[999] == 0 && data[4000] == 0);
            }
            free(data);
        }

        /* The size is known now: a range past the end is refused. */
        CHECK_HR(IBackgroundCopyFile6_RequestFileRanges(file, 1, &past), BG_E_INVALID_RANGE);
        CHECK_HR(IBackgroundCopyFile6_RequestFileRanges(file, 0, wanted), E_INVALIDARG);

        /* Without requests, Resume fetches the rest (from the position on): the file is whole. */
        CHECK_HR(IBackgroundCopyFile6_UpdateDownloadPosition(file, 100000), S_OK);
        CHECK_HR(IBackgroundCopyJob_Resume(job), S_OK);
        CHECK(wait_for(job, BG_JOB_STATE_TRANSFERRED, BG_JOB_STATE_ERROR) == BG_JOB_STATE_TRANSFERRED);
        CHECK_HR(IBackgroundCopyFile6_GetFilledFileRanges(file, &count, &filled), S_OK);
        CHECK(count == 1 && filled && filled[0].InitialOffset == 0 && filled[0].Length == SIZE);
        CoTaskMemFree(filled);
        IBackgroundCopyFile6_Release(file);
        CHECK_HR(IBackgroundCopyJob_Complete(job), S_OK);
        data = read_file(local, &len);
        CHECK(data != NULL && len == (long)SIZE && is_content(data, 0, SIZE));
        free(data);
        unlink(local);
    }
    if (job) CHECK(IBackgroundCopyJob_Release(job) == 0);

    IBackgroundCopyManager_Release(mgr);
    rmdir(dir);
    return check_summary("on_demand");
}
