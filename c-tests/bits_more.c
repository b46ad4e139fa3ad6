/* The BITS interfaces no other C test drives, from C: `bits_more PORT DIR` against the loopback
 * test server on 127.0.0.1:PORT (its /gen/<len>/<seed> content).
 *   - IBackgroundCopyJob4: peer caching flags, owner integrity level and elevation state, and a
 *     MaximumDownloadTime that runs out (ERROR with BG_E_MAXDOWNLOAD_TIMEOUT) on a slow server.
 *   - IBackgroundCopyFile3/4/5 of a transferred file: IsDownloadedFromPeer, GetPeerDownloadStats,
 *     the HTTP_RESPONSE_HEADERS property (CoTaskMem string) and its read-only rule.
 *   - IBackgroundCopyCallback3: a C callback object told FileRangesTransferred for a ranged file,
 *     with its own reference count (released to 1 when the job ends).
 *   - IBackgroundCopyJob2: a notify command line that runs when the job is transferred. */
#define COBJMACROS
#define _DEFAULT_SOURCE
#include <bits.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "testdata.h"

static IBackgroundCopyJob *new_job(IBackgroundCopyManager *mgr, const char *name) {
    IBackgroundCopyJob *job = NULL;
    GUID id;
    WCHAR w[64];
    to_wide(name, w, 64);
    CHECK_HR(IBackgroundCopyManager_CreateJob(mgr, w, BG_JOB_TYPE_DOWNLOAD, &id, &job), S_OK);
    return job;
}

static void add(IBackgroundCopyJob *job, const char *port, const char *path, const char *local) {
    char u8[256];
    WCHAR url[256], dest[600];
    snprintf(u8, sizeof u8, "http://127.0.0.1:%s%s", port, path);
    to_wide(u8, url, 256);
    to_wide(local, dest, 600);
    CHECK_HR(IBackgroundCopyJob_AddFile(job, url, dest), S_OK);
}

static IBackgroundCopyFile *first_file(IBackgroundCopyJob *job) {
    IEnumBackgroundCopyFiles *files = NULL;
    IBackgroundCopyFile *f = NULL;
    ULONG got = 0;
    CHECK_HR(IBackgroundCopyJob_EnumFiles(job, &files), S_OK);
    if (files) {
        CHECK_HR(IEnumBackgroundCopyFiles_Next(files, 1, &f, &got), S_OK);
        IEnumBackgroundCopyFiles_Release(files);
    }
    return f;
}

/* ---- a C IBackgroundCopyCallback3 ---- */

typedef struct {
    IBackgroundCopyCallback3 iface;
    atomic_uint refs;
    pthread_mutex_t lock;
    UINT64 ranged_bytes; /* sum of the lengths FileRangesTransferred reported */
    int range_calls, transferred;
} Callback;

static Callback *cb_of(IBackgroundCopyCallback3 *p) { return (Callback *)p; }

static HRESULT STDMETHODCALLTYPE cb_qi(IBackgroundCopyCallback3 *This, REFIID riid, void **ppv) {
    if (!ppv) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IBackgroundCopyCallback) ||
        IsEqualIID(riid, &IID_IBackgroundCopyCallback2) || IsEqualIID(riid, &IID_IBackgroundCopyCallback3)) {
        *ppv = This;
        atomic_fetch_add(&cb_of(This)->refs, 1);
        return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE cb_add_ref(IBackgroundCopyCallback3 *This) {
    return atomic_fetch_add(&cb_of(This)->refs, 1) + 1;
}
static ULONG STDMETHODCALLTYPE cb_release(IBackgroundCopyCallback3 *This) {
    return atomic_fetch_sub(&cb_of(This)->refs, 1) - 1; /* static storage: counted, not freed */
}
static HRESULT STDMETHODCALLTYPE cb_transferred(IBackgroundCopyCallback3 *This, IBackgroundCopyJob *job) {
    HRESULT hr = IBackgroundCopyJob_Complete(job); /* no library lock is held */
    pthread_mutex_lock(&cb_of(This)->lock);
    cb_of(This)->transferred += hr == S_OK;
    pthread_mutex_unlock(&cb_of(This)->lock);
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE cb_error(IBackgroundCopyCallback3 *This, IBackgroundCopyJob *job,
                                          IBackgroundCopyError *err) {
    (void)This;
    (void)err;
    IBackgroundCopyJob_Cancel(job);
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE cb_modification(IBackgroundCopyCallback3 *This, IBackgroundCopyJob *job, DWORD r) {
    (void)This;
    (void)job;
    (void)r;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE cb_file(IBackgroundCopyCallback3 *This, IBackgroundCopyJob *job,
                                         IBackgroundCopyFile *file) {
    (void)This;
    (void)job;
    (void)file;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE cb_ranges(IBackgroundCopyCallback3 *This, IBackgroundCopyJob *job,
                                           IBackgroundCopyFile *file, DWORD n, const BG_FILE_RANGE *ranges) {
    (void)job;
    (void)file;
    pthread_mutex_lock(&cb_of(This)->lock);
    cb_of(This)->range_calls++;
    for (DWORD i = 0; i < n; i++) cb_of(This)->ranged_bytes += ranges[i].Length;
    pthread_mutex_unlock(&cb_of(This)->lock);
    return S_OK;
}
static IBackgroundCopyCallback3Vtbl CB_VTBL = {cb_qi,       cb_add_ref,      cb_release, cb_transferred,
                                               cb_error,    cb_modification, cb_file,    cb_ranges};

int main(int argc, char **argv) {
    IBackgroundCopyManager *mgr = NULL;
    char local[600];
    if (argc != 3) {
        fprintf(stderr, "usage: %s PORT DIR\n", argv[0]);
        return 2;
    }
    const char *port = argv[1], *dir = argv[2];
    CHECK_HR(CoCreateInstance(&CLSID_BackgroundCopyManager, NULL, CLSCTX_LOCAL_SERVER, &IID_IBackgroundCopyManager,
                              (void **)&mgr),
             S_OK);
    if (!mgr) return check_summary("bits_more");

    /* Job4: settings, then a MaximumDownloadTime of 1 s on a server sending 20 KB/s. */
    IBackgroundCopyJob *job = new_job(mgr, "c-job4");
    IBackgroundCopyJob4 *j4 = NULL;
    if (job) CHECK_HR(IBackgroundCopyJob_QueryInterface(job, &IID_IBackgroundCopyJob4, (void **)&j4), S_OK);
    if (j4) {
        DWORD flags = 99;
        ULONG level = 0, secs = 0;
        BOOL elevated = 2;
        CHECK_HR(IBackgroundCopyJob4_SetPeerCachingFlags(j4, BG_JOB_ENABLE_PEERCACHING_CLIENT), S_OK);
        CHECK_HR(IBackgroundCopyJob4_GetPeerCachingFlags(j4, &flags), S_OK);
        CHECK(flags == BG_JOB_ENABLE_PEERCACHING_CLIENT);
        CHECK_HR(IBackgroundCopyJob4_SetPeerCachingFlags(j4, 0x80), E_INVALIDARG);
        CHECK_HR(IBackgroundCopyJob4_GetOwnerIntegrityLevel(j4, &level), S_OK);
        CHECK_HR(IBackgroundCopyJob4_GetOwnerElevationState(j4, &elevated), S_OK);
        /* Root is the administrator: high integrity and elevated; any other user medium. */
        CHECK(geteuid() == 0 ? (level == 0x3000 && elevated == TRUE) : (level == 0x2000 && elevated == FALSE));
        CHECK_HR(IBackgroundCopyJob4_GetMaximumDownloadTime(j4, &secs), S_OK);
        CHECK(secs == 7776000);
        CHECK_HR(IBackgroundCopyJob4_SetMaximumDownloadTime(j4, 1), S_OK);
        snprintf(local, sizeof local, "%s/slow.bin", dir);
        add(job, port, "/gen/2000000/3?trickle_bps=20000", local);
        CHECK_HR(IBackgroundCopyJob_Resume(job), S_OK);
        CHECK(wait_for(job, BG_JOB_STATE_ERROR, BG_JOB_STATE_TRANSFERRED) == BG_JOB_STATE_ERROR);
        IBackgroundCopyError *err = NULL;
        CHECK_HR(IBackgroundCopyJob_GetError(job, &err), S_OK);
        if (err) {
            BG_ERROR_CONTEXT ctx = 0;
            HRESULT code = S_OK;
            CHECK_HR(IBackgroundCopyError_GetError(err, &ctx, &code), S_OK);
            CHECK(code == BG_E_MAXDOWNLOAD_TIMEOUT);
            IBackgroundCopyError_Release(err);
        }
        CHECK_HR(IBackgroundCopyJob_Cancel(job), S_OK);
        IBackgroundCopyJob4_Release(j4);
    }
    if (job) IBackgroundCopyJob_Release(job);

    /* File3/4/5 of a transferred file. */
    job = new_job(mgr, "c-files");
    if (job) {
        snprintf(local, sizeof local, "%s/file.bin", dir);
        add(job, port, "/gen/12345/4", local);
        CHECK_HR(IBackgroundCopyJob_Resume(job), S_OK);
        CHECK(wait_for(job, BG_JOB_STATE_TRANSFERRED, BG_JOB_STATE_ERROR) == BG_JOB_STATE_TRANSFERRED);
        IBackgroundCopyFile *f = first_file(job);
        IBackgroundCopyFile5 *f5 = NULL;
        if (f) CHECK_HR(IBackgroundCopyFile_QueryInterface(f, &IID_IBackgroundCopyFile5, (void **)&f5), S_OK);
        if (f5) {
            BOOL peer = TRUE;
            UINT64 origin = 0, peers = 9;
            BITS_FILE_PROPERTY_VALUE v;
            CHECK_HR(IBackgroundCopyFile5_IsDownloadedFromPeer(f5, &peer), S_OK);
            CHECK(peer == FALSE);
            CHECK_HR(IBackgroundCopyFile5_GetPeerDownloadStats(f5, &origin, &peers), S_OK);
            CHECK(origin == 12345 && peers == 0);
            v.String = NULL;
            CHECK_HR(IBackgroundCopyFile5_GetProperty(f5, BITS_FILE_PROPERTY_ID_HTTP_RESPONSE_HEADERS, &v), S_OK);
            int has_length = 0;
            for (const WCHAR *p = v.String; p && *p; p++) {
                static const char want[] = "Content-Length: 12345";
                size_t k = 0;
                while (want[k] && (p[k] | 0x20) == (want[k] | 0x20)) k++;
                if (!want[k]) has_length = 1;
            }
            CHECK(has_length);
            CoTaskMemFree(v.String);
            CHECK_HR(IBackgroundCopyFile5_SetProperty(f5, BITS_FILE_PROPERTY_ID_HTTP_RESPONSE_HEADERS, v),
                     BG_E_READ_ONLY_PROPERTY);
            IBackgroundCopyFile5_Release(f5);
        }
        if (f) IBackgroundCopyFile_Release(f);
        CHECK_HR(IBackgroundCopyJob_Complete(job), S_OK);
        IBackgroundCopyJob_Release(job);
    }

    /* Callback3: FileRangesTransferred for a ranged file; the callback completes the job. */
    static Callback cb;
    cb.iface.lpVtbl = &CB_VTBL;
    atomic_init(&cb.refs, 1);
    pthread_mutex_init(&cb.lock, NULL);
    job = new_job(mgr, "c-callback3");
    IBackgroundCopyJob3 *j3 = NULL;
    if (job) CHECK_HR(IBackgroundCopyJob_QueryInterface(job, &IID_IBackgroundCopyJob3, (void **)&j3), S_OK);
    if (j3) {
        char u8[256];
        WCHAR url[256], dest[600];
        BG_FILE_RANGE ranges[2] = {{1000, 500}, {50000, 2000}};
        snprintf(u8, sizeof u8, "http://127.0.0.1:%s/gen/100000/5", port);
        snprintf(local, sizeof local, "%s/ranged.bin", dir);
        to_wide(u8, url, 256);
        to_wide(local, dest, 600);
        CHECK_HR(IBackgroundCopyJob3_AddFileWithRanges(j3, url, dest, 2, ranges), S_OK);
        CHECK_HR(IBackgroundCopyJob_SetNotifyFlags(job, BG_NOTIFY_JOB_TRANSFERRED | BG_NOTIFY_JOB_ERROR |
                                                             BG_NOTIFY_FILE_RANGES_TRANSFERRED),
                 S_OK);
        CHECK_HR(IBackgroundCopyJob_SetNotifyInterface(job, (IUnknown *)&cb.iface), S_OK);
        CHECK_HR(IBackgroundCopyJob_Resume(job), S_OK);
        CHECK(wait_for(job, BG_JOB_STATE_ACKNOWLEDGED, BG_JOB_STATE_CANCELLED) == BG_JOB_STATE_ACKNOWLEDGED);
        for (int i = 0; i < 500 && atomic_load(&cb.refs) != 1; i++) usleep(10000);
        pthread_mutex_lock(&cb.lock);
        CHECK(cb.transferred == 1);
        CHECK(cb.range_calls >= 1);
        CHECK(cb.ranged_bytes == 2500);
        pthread_mutex_unlock(&cb.lock);
        CHECK(atomic_load(&cb.refs) == 1); /* the ended job gave its reference back */
        struct stat st;
        CHECK(stat(local, &st) == 0 && st.st_size == 2500);
        IBackgroundCopyJob3_Release(j3);
    }
    if (job) IBackgroundCopyJob_Release(job);

    /* Job2: a notify command line runs when the job is transferred (no callback registered). */
    job = new_job(mgr, "c-cmdline");
    IBackgroundCopyJob2 *j2 = NULL;
    if (job) CHECK_HR(IBackgroundCopyJob_QueryInterface(job, &IID_IBackgroundCopyJob2, (void **)&j2), S_OK);
    if (j2) {
        char marker[600], params[700];
        WCHAR program[64], wparams[700];
        snprintf(marker, sizeof marker, "%s/notified", dir);
        snprintf(params, sizeof params, "touch %s", marker);
        to_wide("/usr/bin/touch", program, 64);
        to_wide(params, wparams, 700);
        snprintf(local, sizeof local, "%s/cmd.bin", dir);
        add(job, port, "/gen/100/6", local);
        CHECK_HR(IBackgroundCopyJob2_SetNotifyCmdLine(j2, program, wparams), S_OK);
        CHECK_HR(IBackgroundCopyJob_SetNotifyFlags(job, BG_NOTIFY_JOB_TRANSFERRED), S_OK);
        CHECK_HR(IBackgroundCopyJob_Resume(job), S_OK);
        CHECK(wait_for(job, BG_JOB_STATE_TRANSFERRED, BG_JOB_STATE_ERROR) == BG_JOB_STATE_TRANSFERRED);
        struct stat st;
        int seen = 0;
        for (int i = 0; i < 1000 && !seen; i++) {
            seen = stat(marker, &st) == 0;
            if (!seen) usleep(10000);
        }
        CHECK(seen);
        CHECK_HR(IBackgroundCopyJob_Complete(job), S_OK);
        IBackgroundCopyJob2_Release(j2);
    }
    if (job) IBackgroundCopyJob_Release(job);

    CHECK(IBackgroundCopyManager_Release(mgr) == 0);
    pthread_mutex_destroy(&cb.lock);
    return check_summary("bits_more");
}
