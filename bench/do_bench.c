/* do_bench: the benchmark's client of libdeliveryopt, written only against the public BITS API.
 *
 *   do_bench [options] single URL LOCAL   one job with one file
 *   do_bench [options] onejob LIST        one job with every file of LIST (AddFileSet)
 *   do_bench [options] manyjobs LIST      one job per file of LIST, all created, then all resumed
 *   do_bench apirate N URL DIR            API calls per second: N times CreateJob + AddFile(URL,
 *                                         DIR/apirate-i) + Resume + Complete, then GetProgress on
 *                                         one job for as long; prints "sequences_per_s=..
 *                                         getprogress_per_s=.."
 *
 * LIST has one "URL<TAB>ABSOLUTE-LOCAL-PATH" per line.
 *
 * Options:
 *   --poll         wait by polling GetState (every 2 ms) instead of the IBackgroundCopyCallback
 *   --timeout SEC  give up after SEC seconds (default 600): print where every unfinished job is
 *                  and exit 3
 *
 * Each job is Completed (files renamed into place) as soon as it is TRANSFERRED. Exit status:
 * 0 all done, 1 usage or setup, 2 a job failed (JobError / ERROR state / Complete failed),
 * 3 timeout, 4 an API contract was broken (e.g. a callback for an unknown job, a duplicate
 * JobTransferred, a TRANSFERRED job whose callback never came). On stderr, one summary line:
 * "do_bench: jobs=N files=F setup_ms=.. resume_ms=.. transfer_ms=.. total_ms=..". */
#define _GNU_SOURCE
#define COBJMACROS
#include <bits.h>

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---------- small helpers ---------- */

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void die(int code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("do_bench: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(code);
}

/* UTF-8 -> NUL-terminated UTF-16 (malloc'd). Invalid sequences become U+FFFD. */
static WCHAR *utf16(const char *s) {
    size_t n = strlen(s);
    WCHAR *out = malloc((n + 1) * sizeof(WCHAR)); /* never more units than bytes */
    if (!out) die(1, "out of memory");
    size_t o = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        uint32_t c;
        int extra;
        if (p[0] < 0x80) { c = p[0]; extra = 0; }
        else if ((p[0] & 0xE0) == 0xC0) { c = p[0] & 0x1F; extra = 1; }
        else if ((p[0] & 0xF0) == 0xE0) { c = p[0] & 0x0F; extra = 2; }
        else if ((p[0] & 0xF8) == 0xF0) { c = p[0] & 0x07; extra = 3; }
        else { out[o++] = 0xFFFD; p++; continue; }
        int ok = 1;
        for (int i = 1; i <= extra; i++) {
            if ((p[i] & 0xC0) != 0x80) { ok = 0; break; }
            c = (c << 6) | (p[i] & 0x3F);
        }
        if (!ok || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
            out[o++] = 0xFFFD;
            p++;
            continue;
        }
        p += extra + 1;
        if (c >= 0x10000) {
            c -= 0x10000;
            out[o++] = (WCHAR)(0xD800 + (c >> 10));
            out[o++] = (WCHAR)(0xDC00 + (c & 0x3FF));
        } else {
            out[o++] = (WCHAR)c;
        }
    }
    out[o] = 0;
    return out;
}

/* UTF-16 -> ASCII-ish for messages ('?' for anything else). */
static void print_w(FILE *f, LPCWSTR s) {
    for (; s && *s; s++) fputc(*s < 128 ? (char)*s : '?', f);
}

static const char *state_name(BG_JOB_STATE s) {
    static const char *names[] = {"QUEUED",          "CONNECTING",  "TRANSFERRING",
                                  "SUSPENDED",       "ERROR",       "TRANSIENT_ERROR",
                                  "TRANSFERRED",     "ACKNOWLEDGED", "CANCELLED"};
    return (s >= 0 && s <= 8) ? names[s] : "?";
}

/* ---------- the jobs ---------- */

enum { PENDING = 0, SIGNALLED, COMPLETED, FAILED_JOB };

typedef struct {
    IBackgroundCopyJob *job;
    int status;             /* PENDING / SIGNALLED / COMPLETED / FAILED_JOB (under g_lock) */
    double transferred_at;  /* when JobTransferred arrived (under g_lock) */
    double seen_at;         /* callback mode: when a sweep first saw TRANSFERRED (main thread) */
} Slot;

static Slot *g_slots;
static size_t g_nslots;
static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cond;
static size_t *g_queue; /* indices whose JobTransferred arrived, waiting for Complete */
static size_t g_qlen;
static size_t g_errors;
static size_t g_contract; /* API contract violations seen */

/* Job pointer -> slot, an open-addressing table twice the slots' size (a callback's lookup is
 * O(1): a scan of 2,000 slots per callback was about 1 % of (c2)'s CPU, counted against ours).
 * Filled by the main thread before any job is resumed, read-only afterwards. */
static size_t *g_index; /* slot + 1; 0 = empty */
static size_t g_index_size;

static size_t ptr_hash(const void *p) {
    uint64_t x = (uint64_t)(uintptr_t)p;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    return (size_t)x;
}

static void index_slot(size_t i) {
    size_t h = ptr_hash(g_slots[i].job) & (g_index_size - 1);
    while (g_index[h]) h = (h + 1) & (g_index_size - 1);
    g_index[h] = i + 1;
}

static ptrdiff_t find_slot(IBackgroundCopyJob *job) {
    if (!g_index_size) return -1;
    for (size_t h = ptr_hash(job) & (g_index_size - 1); g_index[h]; h = (h + 1) & (g_index_size - 1))
        if (g_slots[g_index[h] - 1].job == job) return (ptrdiff_t)(g_index[h] - 1);
    return -1;
}

static void describe_error(size_t idx, IBackgroundCopyError *err) {
    BG_ERROR_CONTEXT ctx = 0;
    HRESULT code = 0;
    LPWSTR desc = NULL, ctxdesc = NULL;
    HRESULT hr = IBackgroundCopyError_GetError(err, &ctx, &code);
    fprintf(stderr, "do_bench: job #%zu failed: GetError hr=0x%08x context=%d code=0x%08x", idx,
            (unsigned)hr, (int)ctx, (unsigned)code);
    if (SUCCEEDED(IBackgroundCopyError_GetErrorDescription(err, 0x409, &desc))) {
        fputs(" desc=\"", stderr);
        print_w(stderr, desc);
        fputc('"', stderr);
        CoTaskMemFree(desc);
    }
    if (SUCCEEDED(IBackgroundCopyError_GetErrorContextDescription(err, 0x409, &ctxdesc))) {
        fputs(" context=\"", stderr);
        print_w(stderr, ctxdesc);
        fputc('"', stderr);
        CoTaskMemFree(ctxdesc);
    }
    IBackgroundCopyFile *file = NULL;
    if (SUCCEEDED(IBackgroundCopyError_GetFile(err, &file)) && file) {
        LPWSTR remote = NULL;
        if (SUCCEEDED(IBackgroundCopyFile_GetRemoteName(file, &remote))) {
            fputs(" file=", stderr);
            print_w(stderr, remote);
            CoTaskMemFree(remote);
        }
        IBackgroundCopyFile_Release(file);
    }
    fputc('\n', stderr);
}

/* ---------- the callback object ---------- */

typedef struct {
    IBackgroundCopyCallback iface;
    atomic_ulong refs;
} Callback;

static HRESULT STDMETHODCALLTYPE cb_qi(IBackgroundCopyCallback *This, REFIID riid, void **ppv) {
    if (!ppv) return E_POINTER;
    if (IsEqualIID(riid, &IID_IUnknown) || IsEqualIID(riid, &IID_IBackgroundCopyCallback)) {
        *ppv = This;
        This->lpVtbl->AddRef(This);
        return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE cb_addref(IBackgroundCopyCallback *This) {
    return (ULONG)atomic_fetch_add(&((Callback *)This)->refs, 1) + 1;
}

static ULONG STDMETHODCALLTYPE cb_release(IBackgroundCopyCallback *This) {
    /* The object is static: it outlives the library's references. */
    return (ULONG)atomic_fetch_sub(&((Callback *)This)->refs, 1) - 1;
}

static HRESULT STDMETHODCALLTYPE cb_transferred(IBackgroundCopyCallback *This,
                                                IBackgroundCopyJob *job) {
    (void)This;
    pthread_mutex_lock(&g_lock);
    ptrdiff_t i = find_slot(job);
    if (i < 0) {
        fprintf(stderr, "do_bench: CONTRACT: JobTransferred for a job pointer %p we never got\n",
                (void *)job);
        g_contract++;
    } else if (g_slots[i].status != PENDING) {
        fprintf(stderr, "do_bench: CONTRACT: JobTransferred again for job #%zd (status %d)\n", i,
                g_slots[i].status);
        g_contract++;
    } else {
        g_slots[i].status = SIGNALLED;
        g_slots[i].transferred_at = now_ms();
        g_queue[g_qlen++] = (size_t)i;
    }
    pthread_cond_signal(&g_cond);
    pthread_mutex_unlock(&g_lock);
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE cb_error(IBackgroundCopyCallback *This, IBackgroundCopyJob *job,
                                          IBackgroundCopyError *err) {
    (void)This;
    pthread_mutex_lock(&g_lock);
    ptrdiff_t i = find_slot(job);
    if (i >= 0 && g_slots[i].status == PENDING) {
        g_slots[i].status = FAILED_JOB;
        g_errors++;
    } else if (i < 0) {
        g_contract++;
    }
    pthread_mutex_unlock(&g_lock);
    if (err) describe_error(i < 0 ? (size_t)-1 : (size_t)i, err);
    pthread_mutex_lock(&g_lock);
    pthread_cond_signal(&g_cond);
    pthread_mutex_unlock(&g_lock);
    return S_OK;
}

static HRESULT STDMETHODCALLTYPE cb_modification(IBackgroundCopyCallback *This,
                                                 IBackgroundCopyJob *job, DWORD reserved) {
    (void)This;
    (void)job;
    (void)reserved;
    return S_OK;
}

static IBackgroundCopyCallbackVtbl cb_vtbl = {cb_qi,          cb_addref, cb_release,
                                              cb_transferred, cb_error,  cb_modification};
static Callback g_callback = {{&cb_vtbl}, 1};

/* ---------- main ---------- */

typedef struct {
    char *url;
    char *local;
} Item;

static Item *read_list(const char *path, size_t *count) {
    FILE *f = fopen(path, "r");
    if (!f) die(1, "cannot open %s: %s", path, strerror(errno));
    size_t cap = 1024, n = 0;
    Item *items = malloc(cap * sizeof *items);
    char *line = NULL;
    size_t linecap = 0;
    ssize_t len;
    while ((len = getline(&line, &linecap, f)) >= 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = 0;
        if (len == 0) continue;
        char *tab = strchr(line, '\t');
        if (!tab) die(1, "%s: line without a TAB: %s", path, line);
        *tab = 0;
        if (n == cap) items = realloc(items, (cap *= 2) * sizeof *items);
        items[n].url = strdup(line);
        items[n].local = strdup(tab + 1);
        n++;
    }
    free(line);
    fclose(f);
    *count = n;
    return items;
}

static void check(HRESULT hr, const char *what, size_t idx) {
    if (FAILED(hr)) die(2, "%s (job #%zu) failed: hr=0x%08x", what, idx, (unsigned)hr);
}

/* BytesTotal is printed signed: -1 is BG_SIZE_UNKNOWN. */
static void dump_unfinished(const char *why) {
    size_t counts[9] = {0}, shown = 0;
    fprintf(stderr, "do_bench: %s; unfinished jobs:\n", why);
    for (size_t i = 0; i < g_nslots; i++) {
        if (g_slots[i].status == COMPLETED) continue;
        BG_JOB_STATE st = (BG_JOB_STATE)-1;
        BG_JOB_PROGRESS pr;
        memset(&pr, 0, sizeof pr);
        HRESULT h1 = IBackgroundCopyJob_GetState(g_slots[i].job, &st);
        HRESULT h2 = IBackgroundCopyJob_GetProgress(g_slots[i].job, &pr);
        if (st >= 0 && st <= 8) counts[st]++;
        if (shown++ < 10)
            fprintf(stderr,
                    "  job #%zu: our status %d, GetState hr=0x%08x %s, GetProgress hr=0x%08x "
                    "files %u/%u bytes %llu/%lld\n",
                    i, g_slots[i].status, (unsigned)h1, state_name(st), (unsigned)h2,
                    (unsigned)pr.FilesTransferred, (unsigned)pr.FilesTotal,
                    (unsigned long long)pr.BytesTransferred, (long long)pr.BytesTotal);
    }
    fprintf(stderr, "  by state:");
    for (int s = 0; s <= 8; s++)
        if (counts[s]) fprintf(stderr, " %s=%zu", state_name(s), counts[s]);
    fputc('\n', stderr);
}

static int complete_one(size_t i) {
    HRESULT hr = IBackgroundCopyJob_Complete(g_slots[i].job);
    if (hr != S_OK) {
        fprintf(stderr, "do_bench: Complete (job #%zu) returned 0x%08x\n", i, (unsigned)hr);
        return 0;
    }
    return 1;
}

/* API calls per second (no transfer is waited for): the common job sequence, then a getter. */
static int apirate(int n, const char *url, const char *dir) {
    IBackgroundCopyManager *mgr = NULL;
    HRESULT hr = CoCreateInstance(&CLSID_BackgroundCopyManager, NULL, CLSCTX_ALL, &IID_IBackgroundCopyManager,
                                  (void **)&mgr);
    if (FAILED(hr)) die(1, "CoCreateInstance failed: hr=0x%08x", (unsigned)hr);
    WCHAR *u = utf16(url);
    char local[4096];
    double t0 = now_ms();
    for (int i = 0; i < n; i++) {
        GUID id;
        IBackgroundCopyJob *job = NULL;
        check(IBackgroundCopyManager_CreateJob(mgr, u"apirate", BG_JOB_TYPE_DOWNLOAD, &id, &job), "CreateJob", i);
        snprintf(local, sizeof local, "%s/apirate-%d", dir, i);
        WCHAR *l = utf16(local);
        check(IBackgroundCopyJob_AddFile(job, u, l), "AddFile", i);
        free(l);
        check(IBackgroundCopyJob_Resume(job), "Resume", i);
        hr = IBackgroundCopyJob_Complete(job);
        if (FAILED(hr)) check(hr, "Complete", i);
        IBackgroundCopyJob_Release(job);
    }
    double t1 = now_ms();
    GUID id;
    IBackgroundCopyJob *job = NULL;
    check(IBackgroundCopyManager_CreateJob(mgr, u"apirate-progress", BG_JOB_TYPE_DOWNLOAD, &id, &job), "CreateJob", 0);
    long calls = 0;
    double t2 = now_ms();
    do {
        BG_JOB_PROGRESS p;
        for (int k = 0; k < 100; k++, calls++) check(IBackgroundCopyJob_GetProgress(job, &p), "GetProgress", k);
    } while (now_ms() - t2 < (t1 - t0 > 200 ? t1 - t0 : 200));
    double t3 = now_ms();
    check(IBackgroundCopyJob_Cancel(job), "Cancel", 0);
    IBackgroundCopyJob_Release(job);
    IBackgroundCopyManager_Release(mgr);
    free(u);
    fprintf(stderr, "do_bench: mode=apirate sequences=%d sequences_per_s=%.0f getprogress=%ld getprogress_per_s=%.0f\n", n,
            n / ((t1 - t0) / 1e3), calls, calls / ((t3 - t2) / 1e3));
    return 0;
}

int main(int argc, char **argv) {
    int poll_mode = 0;
    double timeout_s = 600;
    int a = 1;
    for (; a < argc && argv[a][0] == '-'; a++) {
        if (!strcmp(argv[a], "--poll")) poll_mode = 1;
        else if (!strcmp(argv[a], "--timeout") && a + 1 < argc) timeout_s = atof(argv[++a]);
        else die(1, "unknown option %s", argv[a]);
    }
    if (argc - a < 2) die(1, "usage: do_bench [--poll] [--timeout SEC] single URL LOCAL | onejob LIST | manyjobs LIST");
    const char *mode = argv[a];
    if (!strcmp(mode, "apirate")) {
        if (argc - a != 4) die(1, "apirate needs N URL DIR");
        return apirate(atoi(argv[a + 1]), argv[a + 2], argv[a + 3]);
    }
    Item *items;
    size_t nitems;
    if (!strcmp(mode, "single")) {
        if (argc - a != 3) die(1, "single needs URL LOCAL");
        items = malloc(sizeof *items);
        items[0].url = argv[a + 1];
        items[0].local = argv[a + 2];
        nitems = 1;
    } else if (!strcmp(mode, "onejob") || !strcmp(mode, "manyjobs")) {
        items = read_list(argv[a + 1], &nitems);
        if (nitems == 0) die(1, "empty list");
    } else {
        die(1, "unknown mode %s", mode);
        return 1;
    }
    int many = !strcmp(mode, "manyjobs");

    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&g_cond, &ca);

    double t0 = now_ms();
    IBackgroundCopyManager *mgr = NULL;
    HRESULT hr = CoCreateInstance(&CLSID_BackgroundCopyManager, NULL, CLSCTX_ALL,
                                  &IID_IBackgroundCopyManager, (void **)&mgr);
    if (FAILED(hr)) die(1, "CoCreateInstance failed: hr=0x%08x", (unsigned)hr);

    g_nslots = many ? nitems : 1;
    g_slots = calloc(g_nslots, sizeof *g_slots);
    g_queue = calloc(g_nslots, sizeof *g_queue);
    for (g_index_size = 16; g_index_size < 2 * g_nslots; g_index_size *= 2) {
    }
    g_index = calloc(g_index_size, sizeof *g_index);
    if (!g_slots || !g_queue || !g_index) die(1, "out of memory");

    for (size_t j = 0; j < g_nslots; j++) {
        GUID id;
        IBackgroundCopyJob *job = NULL;
        hr = IBackgroundCopyManager_CreateJob(mgr, u"do_bench", BG_JOB_TYPE_DOWNLOAD, &id, &job);
        check(hr, "CreateJob", j);
        g_slots[j].job = job;
        index_slot(j);
        check(IBackgroundCopyJob_SetNotifyFlags(job, BG_NOTIFY_JOB_TRANSFERRED | BG_NOTIFY_JOB_ERROR),
              "SetNotifyFlags", j);
        if (!poll_mode)
            check(IBackgroundCopyJob_SetNotifyInterface(job, (IUnknown *)&g_callback.iface),
                  "SetNotifyInterface", j);
        if (many || nitems == 1) {
            size_t k = many ? j : 0;
            WCHAR *u = utf16(items[k].url), *l = utf16(items[k].local);
            check(IBackgroundCopyJob_AddFile(job, u, l), "AddFile", j);
            free(u);
            free(l);
        } else {
            BG_FILE_INFO *set = malloc(nitems * sizeof *set);
            for (size_t k = 0; k < nitems; k++) {
                set[k].RemoteName = utf16(items[k].url);
                set[k].LocalName = utf16(items[k].local);
            }
            check(IBackgroundCopyJob_AddFileSet(job, (ULONG)nitems, set), "AddFileSet", j);
            for (size_t k = 0; k < nitems; k++) {
                free(set[k].RemoteName);
                free(set[k].LocalName);
            }
            free(set);
        }
    }
    double t1 = now_ms();
    for (size_t j = 0; j < g_nslots; j++) check(IBackgroundCopyJob_Resume(g_slots[j].job), "Resume", j);
    double t2 = now_ms();

    size_t done = 0, failed = 0;
    double deadline = t0 + timeout_s * 1e3;
    double last_sweep = now_ms();
    int rc = 0;
    if (poll_mode) {
        while (done + failed < g_nslots) {
            for (size_t j = 0; j < g_nslots; j++) {
                if (g_slots[j].status != PENDING) continue;
                BG_JOB_STATE st;
                check(IBackgroundCopyJob_GetState(g_slots[j].job, &st), "GetState", j);
                if (st == BG_JOB_STATE_TRANSFERRED) {
                    g_slots[j].status = complete_one(j) ? COMPLETED : FAILED_JOB;
                    if (g_slots[j].status == COMPLETED) done++; else failed++;
                } else if (st == BG_JOB_STATE_ERROR || st == BG_JOB_STATE_CANCELLED ||
                           st == BG_JOB_STATE_ACKNOWLEDGED) {
                    IBackgroundCopyError *err = NULL;
                    if (st == BG_JOB_STATE_ERROR &&
                        SUCCEEDED(IBackgroundCopyJob_GetError(g_slots[j].job, &err)) && err) {
                        describe_error(j, err);
                        IBackgroundCopyError_Release(err);
                    } else {
                        fprintf(stderr, "do_bench: job #%zu ended in state %s\n", j, state_name(st));
                    }
                    g_slots[j].status = FAILED_JOB;
                    failed++;
                }
            }
            if (failed) break;
            if (now_ms() > deadline) {
                dump_unfinished("timeout");
                rc = 3;
                break;
            }
            if (done < g_nslots) {
                struct timespec ts = {0, 2 * 1000 * 1000};
                nanosleep(&ts, NULL);
            }
        }
    } else {
        size_t *batch = malloc(g_nslots * sizeof *batch);
        for (;;) {
            pthread_mutex_lock(&g_lock);
            while (g_qlen == 0 && g_errors == 0 && g_contract == 0) {
                struct timespec ts;
                clock_gettime(CLOCK_MONOTONIC, &ts);
                ts.tv_nsec += 500 * 1000 * 1000;
                if (ts.tv_nsec >= 1000000000) { ts.tv_sec++; ts.tv_nsec -= 1000000000; }
                if (pthread_cond_timedwait(&g_cond, &g_lock, &ts) == ETIMEDOUT) break;
            }
            size_t nb = g_qlen;
            memcpy(batch, g_queue, nb * sizeof *batch);
            g_qlen = 0;
            size_t errs = g_errors, contract = g_contract;
            pthread_mutex_unlock(&g_lock);

            for (size_t b = 0; b < nb; b++) {
                int ok = complete_one(batch[b]);
                pthread_mutex_lock(&g_lock);
                g_slots[batch[b]].status = ok ? COMPLETED : FAILED_JOB;
                pthread_mutex_unlock(&g_lock);
                if (ok) done++; else failed++;
            }
            if (errs || failed) { failed += errs; break; }
            if (contract) { rc = 4; break; }
            if (done == g_nslots) break;
            double now = now_ms();
            if (now > deadline) {
                dump_unfinished("timeout");
                rc = 3;
                break;
            }
            /* Every 5 s, look for jobs that are TRANSFERRED but whose callback has not come
             * within 2 s of a sweep that saw them so (a lost notification). */
            if (now - last_sweep > 5000) {
                last_sweep = now;
                for (size_t j = 0; j < g_nslots; j++) {
                    pthread_mutex_lock(&g_lock);
                    int st_ours = g_slots[j].status;
                    pthread_mutex_unlock(&g_lock);
                    if (st_ours != PENDING) continue;
                    BG_JOB_STATE st;
                    if (SUCCEEDED(IBackgroundCopyJob_GetState(g_slots[j].job, &st)) &&
                        st == BG_JOB_STATE_TRANSFERRED) {
                        if (g_slots[j].seen_at == 0) {
                            g_slots[j].seen_at = now; /* first seen; give it 5 s more */
                        } else {
                            fprintf(stderr,
                                    "do_bench: CONTRACT: job #%zu has been TRANSFERRED for >5 s "
                                    "(GetState) but JobTransferred never came\n", j);
                            rc = 4;
                        }
                    }
                }
                if (rc == 4) {
                    dump_unfinished("lost JobTransferred callbacks");
                    break;
                }
            }
        }
        free(batch);
    }
    double t3 = now_ms();
    if (failed && rc == 0) rc = 2;
    if (rc != 0 && rc != 3 && failed) dump_unfinished("failure");

    /* Stop the callbacks before tearing down, cancel what is left, release everything. */
    for (size_t j = 0; j < g_nslots; j++) {
        if (!poll_mode) IBackgroundCopyJob_SetNotifyInterface(g_slots[j].job, NULL);
        pthread_mutex_lock(&g_lock);
        int st = g_slots[j].status;
        pthread_mutex_unlock(&g_lock);
        if (st != COMPLETED) IBackgroundCopyJob_Cancel(g_slots[j].job);
        IBackgroundCopyJob_Release(g_slots[j].job);
    }
    IBackgroundCopyManager_Release(mgr);
    double t4 = now_ms();
    fprintf(stderr,
            "do_bench: mode=%s wait=%s jobs=%zu files=%zu done=%zu failed=%zu setup_ms=%.1f "
            "resume_ms=%.1f transfer_ms=%.1f teardown_ms=%.1f total_ms=%.1f rc=%d\n",
            mode, poll_mode ? "poll" : "callback", g_nslots, nitems, done, failed, t1 - t0, t2 - t1,
            t3 - t2, t4 - t3, t4 - t0, rc);
    return rc;
}
