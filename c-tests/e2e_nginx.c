/* End to end against a real nginx: `e2e_nginx PORT DIR`, where nginx serves DIR/www on
 * 127.0.0.1:PORT (scripts/nginx.sh) and DIR/www holds the files named below.
 *
 * Job 1 downloads every file in ONE job with a callback object written in C that calls Complete
 * from inside JobTransferred (on a library thread); the main thread waits for it (60 s at most),
 * then compares each file byte for byte with its source, checks that no .BIT*.tmp file is left,
 * that the job is ACKNOWLEDGED and that the library gave back its reference to the callback.
 * Job 2 asks for a missing file: JobError with BG_ERROR_CONTEXT_REMOTE_FILE and
 * BG_E_HTTP_ERROR_404 over http, Cancel from inside the callback, and no file left behind.
 * Runs under ASan/UBSan/LSan (c-tests/run.sh): a leaked reference fails it. */
#define _GNU_SOURCE
#define COBJMACROS
#include <bits.h>

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "check.h"

#define WAIT_SECONDS 60

static const struct {
    const char *name;
    unsigned long long size;
} FILES[] = {
    {"empty.bin", 0},
    {"one.bin", 1},
    {"100KiB.bin", 100 * 1024},
    {"3MiB.bin", 3 * 1024 * 1024},
    {"20MiB.bin", 20 * 1024 * 1024},
};
#define NFILES ((int)(sizeof FILES / sizeof FILES[0]))

static char www[4096];
static pthread_t main_thread;

/* ASCII/UTF-8 path or URL to UTF-16 (ASCII is all these tests use). */
static WCHAR *wide(const char *s) {
    size_t n = strlen(s), i;
    WCHAR *w = malloc((n + 1) * sizeof *w);
    if (!w) abort();
    for (i = 0; i <= n; i++) w[i] = (WCHAR)(unsigned char)s[i];
    return w;
}

static int wide_ends_with(const WCHAR *w, const char *suffix) {
    size_t n = 0, k = strlen(suffix), i;
    if (!w) return 0;
    while (w[n]) n++;
    if (n < k) return 0;
    for (i = 0; i < k; i++)
        if (w[n - k + i] != (WCHAR)(unsigned char)suffix[i]) return 0;
    return 1;
}

/* Entries of dir whose name starts with prefix (NULL: every entry but . and ..). */
static int count_entries(const char *dir, const char *prefix) {
    DIR *d = opendir(dir);
    struct dirent *e;
    int n = 0;
    if (!d) return -1;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
        if (prefix == NULL || strncmp(e->d_name, prefix, strlen(prefix)) == 0) n++;
    }
    closedir(d);
    return n;
}

/* 1 when the two files have the same bytes. */
static int same_bytes(const char *a, const char *b) {
    static unsigned char ba[1 << 16], bb[1 << 16];
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    int same = fa != NULL && fb != NULL;
    while (same) {
        size_t na = fread(ba, 1, sizeof ba, fa), nb = fread(bb, 1, sizeof bb, fb);
        if (na != nb || memcmp(ba, bb, na) != 0) same = 0;
        if (na == 0) break;
    }
    if (fa) fclose(fa);
    if (fb) fclose(fb);
    return same;
}

/* ---- the callback object ------------------------------------------------------------------ */

typedef struct Callback {
    IBackgroundCopyCallback iface; /* first: the interface pointer is the object */
    atomic_uint refs;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    const char *dest;              /* destination directory (job 1) */
    int done;
    /* JobTransferred */
    int transferred_calls;
    int transferred_on_main_thread;
    BG_JOB_STATE state_in_transferred;
    BG_JOB_PROGRESS progress_in_transferred;
    int final_names_before_complete;
    int temps_before_complete;
    HRESULT complete_hr;
    /* JobError */
    int error_calls;
    HRESULT get_error_hr;
    BG_ERROR_CONTEXT error_context;
    HRESULT error_code;
    int protocol_is_http;
    int error_file_is_ours;
    int has_description;
    BG_JOB_STATE state_in_error;
    HRESULT cancel_hr;
    /* JobModification */
    int modifications;
} Callback;

static Callback *cb_of(IBackgroundCopyCallback *This) { return (Callback *)This; }

static HRESULT STDMETHODCALLTYPE cb_qi(IBackgroundCopyCallback *This, REFIID riid, void **ppv) {
    if (!ppv) return E_POINTER;
    if (IsEqualGUID(riid, &IID_IUnknown) || IsEqualGUID(riid, &IID_IBackgroundCopyCallback)) {
        atomic_fetch_add(&cb_of(This)->refs, 1);
        *ppv = This;
        return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE cb_addref(IBackgroundCopyCallback *This) {
    return atomic_fetch_add(&cb_of(This)->refs, 1) + 1;
}

static ULONG STDMETHODCALLTYPE cb_release(IBackgroundCopyCallback *This) {
    Callback *cb = cb_of(This);
    unsigned left = atomic_fetch_sub(&cb->refs, 1) - 1;
    if (left == 0) {
        pthread_cond_destroy(&cb->cond);
        pthread_mutex_destroy(&cb->lock);
        free(cb);
    }
    return left;
}

static void finish(Callback *cb) {
    pthread_mutex_lock(&cb->lock);
    cb->done = 1;
    pthread_cond_broadcast(&cb->cond);
    pthread_mutex_unlock(&cb->lock);
}

static HRESULT STDMETHODCALLTYPE cb_transferred(IBackgroundCopyCallback *This, IBackgroundCopyJob *job) {
    Callback *cb = cb_of(This);
    BG_JOB_STATE state = (BG_JOB_STATE)-1;
    BG_JOB_PROGRESS progress;
    int i, finals = 0, temps = -1;
    HRESULT hr;
    memset(&progress, 0, sizeof progress);
    IBackgroundCopyJob_GetState(job, &state);
    IBackgroundCopyJob_GetProgress(job, &progress);
    if (cb->dest) {
        for (i = 0; i < NFILES; i++) {
            char path[8192];
            struct stat st;
            snprintf(path, sizeof path, "%s/%s", cb->dest, FILES[i].name);
            if (stat(path, &st) == 0) finals++;
        }
        temps = count_entries(cb->dest, ".BIT");
    }
    hr = IBackgroundCopyJob_Complete(job); /* calling back in: no library lock is held */
    pthread_mutex_lock(&cb->lock);
    cb->transferred_calls++;
    cb->transferred_on_main_thread = pthread_equal(pthread_self(), main_thread);
    cb->state_in_transferred = state;
    cb->progress_in_transferred = progress;
    cb->final_names_before_complete = finals;
    cb->temps_before_complete = temps;
    cb->complete_hr = hr;
    pthread_mutex_unlock(&cb->lock);
    finish(cb);
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE cb_error(IBackgroundCopyCallback *This, IBackgroundCopyJob *job,
                                          IBackgroundCopyError *err) {
    Callback *cb = cb_of(This);
    BG_ERROR_CONTEXT ctx = BG_ERROR_CONTEXT_NONE;
    HRESULT code = S_OK, get_hr;
    LPWSTR proto = NULL, text = NULL, remote = NULL;
    IBackgroundCopyFile *file = NULL;
    BG_JOB_STATE state = (BG_JOB_STATE)-1;
    int is_http = 0, ours = 0, described = 0;

    get_hr = IBackgroundCopyError_GetError(err, &ctx, &code);
    if (IBackgroundCopyError_GetProtocol(err, &proto) == S_OK) {
        is_http = wide_equals(proto, "http");
        if (!is_http) {
            size_t i;
            fprintf(stderr, "GetProtocol gave \"");
            for (i = 0; proto && proto[i]; i++) fputc(proto[i] < 128 ? (char)proto[i] : '?', stderr);
            fprintf(stderr, "\"\n");
        }
        CoTaskMemFree(proto);
    }
    if (IBackgroundCopyError_GetFile(err, &file) == S_OK && file) {
        if (IBackgroundCopyFile_GetRemoteName(file, &remote) == S_OK) ours = wide_ends_with(remote, "/missing-404.bin");
        CoTaskMemFree(remote);
        IBackgroundCopyFile_Release(file);
    }
    if (IBackgroundCopyError_GetErrorDescription(err, 0x409, &text) == S_OK) {
        described = text != NULL && text[0] != 0;
        CoTaskMemFree(text);
    }
    IBackgroundCopyJob_GetState(job, &state);
    pthread_mutex_lock(&cb->lock);
    cb->error_calls++;
    cb->get_error_hr = get_hr;
    cb->error_context = ctx;
    cb->error_code = code;
    cb->protocol_is_http = is_http;
    cb->error_file_is_ours = ours;
    cb->has_description = described;
    cb->state_in_error = state;
    pthread_mutex_unlock(&cb->lock);
    {
        HRESULT hr = IBackgroundCopyJob_Cancel(job);
        pthread_mutex_lock(&cb->lock);
        cb->cancel_hr = hr;
        pthread_mutex_unlock(&cb->lock);
    }
    finish(cb);
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE cb_modification(IBackgroundCopyCallback *This, IBackgroundCopyJob *job,
                                                 DWORD reserved) {
    BG_JOB_PROGRESS p;
    (void)reserved;
    IBackgroundCopyJob_GetProgress(job, &p); /* calling back in from this callback too */
    pthread_mutex_lock(&cb_of(This)->lock);
    cb_of(This)->modifications++;
    pthread_mutex_unlock(&cb_of(This)->lock);
    return S_OK;
}

static const IBackgroundCopyCallbackVtbl CALLBACK_VTBL = {
    cb_qi, cb_addref, cb_release, cb_transferred, cb_error, cb_modification,
};

static Callback *callback_new(const char *dest) {
    Callback *cb = calloc(1, sizeof *cb);
    if (!cb) abort();
    cb->iface.lpVtbl = &CALLBACK_VTBL;
    atomic_init(&cb->refs, 1);
    pthread_mutex_init(&cb->lock, NULL);
    pthread_cond_init(&cb->cond, NULL);
    cb->dest = dest;
    cb->complete_hr = E_PENDING;
    cb->cancel_hr = E_PENDING;
    return cb;
}

/* Waits for JobTransferred/JobError to have run; 0 on time-out. */
static int wait_done(Callback *cb, int seconds) {
    struct timespec until;
    int done;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += seconds;
    pthread_mutex_lock(&cb->lock);
    while (!cb->done)
        if (pthread_cond_timedwait(&cb->cond, &cb->lock, &until) == ETIMEDOUT) break;
    done = cb->done;
    pthread_mutex_unlock(&cb->lock);
    return done;
}

/* Waits (5 s at most) for the callback's count to come back to `want`. */
static int wait_refs(Callback *cb, unsigned want) {
    int i;
    for (i = 0; i < 500 && atomic_load(&cb->refs) != want; i++) usleep(10 * 1000);
    return atomic_load(&cb->refs) == want;
}

static void add_file(IBackgroundCopyJob *job, const char *url, const char *local) {
    WCHAR *r = wide(url), *l = wide(local);
    HRESULT hr = IBackgroundCopyJob_AddFile(job, r, l);
    if (hr != S_OK) fprintf(stderr, "AddFile(%s, %s) = 0x%08x\n", url, local, (unsigned)hr);
    CHECK_HR(hr, S_OK);
    free(r);
    free(l);
}

/* ---- job 1: every file in one job, Complete from JobTransferred ------------------------------ */

static void many_files(IBackgroundCopyManager *mgr, unsigned port, const char *dest) {
    IBackgroundCopyJob *job = NULL;
    Callback *cb = callback_new(dest);
    GUID id;
    BG_JOB_STATE state = (BG_JOB_STATE)-1;
    BG_JOB_PROGRESS p;
    unsigned long long total = 0;
    int i;

    CHECK_HR(IBackgroundCopyManager_CreateJob(mgr, u"e2e nginx", BG_JOB_TYPE_DOWNLOAD, &id, &job), S_OK);
    if (!job) { cb_release(&cb->iface); return; }
    for (i = 0; i < NFILES; i++) {
        char url[256], local[8192];
        snprintf(url, sizeof url, "http://127.0.0.1:%u/%s", port, FILES[i].name);
        snprintf(local, sizeof local, "%s/%s", dest, FILES[i].name);
        add_file(job, url, local);
        total += FILES[i].size;
    }
    CHECK_HR(IBackgroundCopyJob_SetNotifyFlags(job, BG_NOTIFY_JOB_TRANSFERRED | BG_NOTIFY_JOB_ERROR |
                                                        BG_NOTIFY_JOB_MODIFICATION),
             S_OK);
    CHECK_HR(IBackgroundCopyJob_SetNotifyInterface(job, (IUnknown *)&cb->iface), S_OK);
    CHECK(atomic_load(&cb->refs) == 2); /* the job holds one reference */
    CHECK_HR(IBackgroundCopyJob_Resume(job), S_OK);

    if (!wait_done(cb, WAIT_SECONDS)) {
        IBackgroundCopyJob_GetState(job, &state);
        IBackgroundCopyJob_GetProgress(job, &p);
        fprintf(stderr, "job 1: no JobTransferred/JobError within %d s (state %d, %llu/%llu bytes, %lu/%lu files)\n",
                WAIT_SECONDS, (int)state, (unsigned long long)p.BytesTransferred,
                (unsigned long long)p.BytesTotal, (unsigned long)p.FilesTransferred, (unsigned long)p.FilesTotal);
        CHECK(!"JobTransferred came in time");
        IBackgroundCopyJob_Cancel(job);
    }
    pthread_mutex_lock(&cb->lock);
    CHECK(cb->transferred_calls == 1);
    CHECK(cb->error_calls == 0);
    if (cb->error_calls)
        fprintf(stderr, "job 1: JobError context %d code 0x%08x\n", (int)cb->error_context, (unsigned)cb->error_code);
    CHECK(!cb->transferred_on_main_thread);
    CHECK(cb->state_in_transferred == BG_JOB_STATE_TRANSFERRED);
    CHECK(cb->progress_in_transferred.FilesTotal == (ULONG)NFILES);
    CHECK(cb->progress_in_transferred.FilesTransferred == (ULONG)NFILES);
    CHECK(cb->progress_in_transferred.BytesTotal == total);
    CHECK(cb->progress_in_transferred.BytesTransferred == total);
    CHECK(cb->final_names_before_complete == 0); /* nothing under its name before Complete */
    CHECK(cb->temps_before_complete == NFILES);  /* one .BIT*.tmp per file until then */
    CHECK_HR(cb->complete_hr, S_OK);
    pthread_mutex_unlock(&cb->lock);

    CHECK_HR(IBackgroundCopyJob_GetState(job, &state), S_OK);
    CHECK(state == BG_JOB_STATE_ACKNOWLEDGED);
    CHECK_HR(IBackgroundCopyJob_GetProgress(job, &p), S_OK);
    CHECK(p.FilesTransferred == (ULONG)NFILES && p.BytesTransferred == total);

    for (i = 0; i < NFILES; i++) {
        char src[8192], dst[8192];
        struct stat st;
        snprintf(src, sizeof src, "%s/%s", www, FILES[i].name);
        snprintf(dst, sizeof dst, "%s/%s", dest, FILES[i].name);
        CHECK(stat(dst, &st) == 0 && (unsigned long long)st.st_size == FILES[i].size);
        if (!same_bytes(src, dst)) fprintf(stderr, "job 1: %s differs from %s\n", dst, src);
        CHECK(same_bytes(src, dst));
    }
    CHECK(count_entries(dest, ".BIT") == 0); /* no temporary file left */
    CHECK(count_entries(dest, NULL) == NFILES);

    /* The job has ended: the library gives its reference to the callback back. */
    CHECK(wait_refs(cb, 1));
    CHECK(IBackgroundCopyJob_Release(job) == 0); /* the library holds no reference to it any more */
    CHECK(cb_release(&cb->iface) == 0);
}

/* ---- job 2: a 404 -------------------------------------------------------------------------- */

static void not_found(IBackgroundCopyManager *mgr, unsigned port, const char *dest) {
    IBackgroundCopyJob *job = NULL;
    Callback *cb = callback_new(NULL);
    GUID id;
    BG_JOB_STATE state = (BG_JOB_STATE)-1;
    char url[256], local[8192];

    CHECK_HR(IBackgroundCopyManager_CreateJob(mgr, u"e2e nginx 404", BG_JOB_TYPE_DOWNLOAD, &id, &job), S_OK);
    if (!job) { cb_release(&cb->iface); return; }
    snprintf(url, sizeof url, "http://127.0.0.1:%u/missing-404.bin", port);
    snprintf(local, sizeof local, "%s/missing.bin", dest);
    add_file(job, url, local);
    CHECK_HR(IBackgroundCopyJob_SetNotifyFlags(job, BG_NOTIFY_JOB_TRANSFERRED | BG_NOTIFY_JOB_ERROR), S_OK);
    CHECK_HR(IBackgroundCopyJob_SetNotifyInterface(job, (IUnknown *)&cb->iface), S_OK);
    CHECK_HR(IBackgroundCopyJob_Resume(job), S_OK);

    if (!wait_done(cb, WAIT_SECONDS)) {
        IBackgroundCopyJob_GetState(job, &state);
        fprintf(stderr, "job 2: no JobError within %d s (state %d)\n", WAIT_SECONDS, (int)state);
        CHECK(!"JobError came in time");
        IBackgroundCopyJob_Cancel(job);
    }
    pthread_mutex_lock(&cb->lock);
    CHECK(cb->error_calls == 1);
    CHECK(cb->transferred_calls == 0);
    CHECK_HR(cb->get_error_hr, S_OK);
    CHECK(cb->error_context == BG_ERROR_CONTEXT_REMOTE_FILE);
    CHECK_HR(cb->error_code, BG_E_HTTP_ERROR_404);
    CHECK(cb->protocol_is_http);
    CHECK(cb->error_file_is_ours);
    CHECK(cb->has_description);
    CHECK(cb->state_in_error == BG_JOB_STATE_ERROR);
    CHECK_HR(cb->cancel_hr, S_OK);
    pthread_mutex_unlock(&cb->lock);

    CHECK_HR(IBackgroundCopyJob_GetState(job, &state), S_OK);
    CHECK(state == BG_JOB_STATE_CANCELLED);
    CHECK(count_entries(dest, NULL) == 0); /* Cancel leaves nothing: no file, no .BIT*.tmp */
    CHECK(wait_refs(cb, 1));
    CHECK(IBackgroundCopyJob_Release(job) == 0); /* the library holds no reference to it any more */
    CHECK(cb_release(&cb->iface) == 0);
}

int main(int argc, char **argv) {
    IBackgroundCopyManager *mgr = NULL;
    char dest1[4096], dest2[4096];
    unsigned port;
    int i;

    if (argc != 3 || (port = (unsigned)strtoul(argv[1], NULL, 10)) == 0 || port > 65535) {
        fprintf(stderr, "usage: %s PORT DIR   (nginx serves DIR/www on 127.0.0.1:PORT)\n", argv[0]);
        return 2;
    }
    main_thread = pthread_self();
    snprintf(www, sizeof www, "%s/www", argv[2]);
    for (i = 0; i < NFILES; i++) {
        char src[8192];
        struct stat st;
        snprintf(src, sizeof src, "%s/%s", www, FILES[i].name);
        if (stat(src, &st) != 0 || (unsigned long long)st.st_size != FILES[i].size) {
            fprintf(stderr, "%s: missing or not %llu bytes\n", src, FILES[i].size);
            return 2;
        }
    }
    snprintf(dest1, sizeof dest1, "%s/dest-XXXXXX", argv[2]);
    snprintf(dest2, sizeof dest2, "%s/dest404-XXXXXX", argv[2]);
    if (!mkdtemp(dest1) || !mkdtemp(dest2)) {
        perror("mkdtemp");
        return 2;
    }

    CHECK_HR(CoCreateInstance(&CLSID_BackgroundCopyManager, NULL, CLSCTX_LOCAL_SERVER,
                              &IID_IBackgroundCopyManager, (void **)&mgr),
             S_OK);
    if (!mgr) return check_summary("e2e_nginx");
    many_files(mgr, port, dest1);
    not_found(mgr, port, dest2);
    CHECK(IBackgroundCopyManager_Release(mgr) == 0);
    return check_summary("e2e_nginx");
}
