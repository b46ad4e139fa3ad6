/* A server certificate validation callback written in C: `cert_callback PORT DIR` against the
 * test server speaking HTTPS on 127.0.0.1:PORT (its CA in SSL_CERT_FILE). The callback is a
 * heap object with an atomic reference count that frees itself at zero, so a reference the
 * library kept or dropped twice shows up as a leak or a use after free under the sanitizers. It
 * is called with the server's certificate and a serialized store of the chain, accepts one job
 * and refuses another, which then carries its HRESULT in context SERVER_CERTIFICATE_CALLBACK. */
#define COBJMACROS
#define _DEFAULT_SOURCE
#include <bits.h>

#include <stdatomic.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"

#define REFUSED ((HRESULT)0x80040201)

typedef struct Validator {
    IBackgroundCopyServerCertificateValidationCallback iface;
    atomic_ulong refs;
    atomic_int calls;
    atomic_int well_formed; /* calls whose arguments looked right */
    HRESULT verdict;
} Validator;

static atomic_int freed;

static Validator *impl(IBackgroundCopyServerCertificateValidationCallback *p) { return (Validator *)p; }

static HRESULT STDMETHODCALLTYPE v_qi(IBackgroundCopyServerCertificateValidationCallback *This, REFIID riid,
                                     void **ppv) {
    if (memcmp(riid, &IID_IUnknown, sizeof(GUID)) == 0 ||
        memcmp(riid, &IID_IBackgroundCopyServerCertificateValidationCallback, sizeof(GUID)) == 0) {
        atomic_fetch_add(&impl(This)->refs, 1);
        *ppv = This;
        return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
}

static ULONG STDMETHODCALLTYPE v_addref(IBackgroundCopyServerCertificateValidationCallback *This) {
    return (ULONG)(atomic_fetch_add(&impl(This)->refs, 1) + 1);
}

static ULONG STDMETHODCALLTYPE v_release(IBackgroundCopyServerCertificateValidationCallback *This) {
    unsigned long left = atomic_fetch_sub(&impl(This)->refs, 1) - 1;
    if (left == 0) {
        atomic_fetch_add(&freed, 1);
        free(impl(This));
    }
    return (ULONG)left;
}

static HRESULT STDMETHODCALLTYPE v_validate(IBackgroundCopyServerCertificateValidationCallback *This,
                                           IBackgroundCopyJob *job, IBackgroundCopyFile *file, DWORD certLength,
                                           const BYTE *certData, DWORD certEncodingType, DWORD certStoreLength,
                                           const BYTE *certStoreData) {
    Validator *v = impl(This);
    BG_JOB_STATE st;
    LPWSTR local = NULL;
    int ok = 1;
    atomic_fetch_add(&v->calls, 1);
    /* No library lock is held: calling back in works. */
    ok &= IBackgroundCopyJob_GetState(job, &st) == S_OK;
    ok &= IBackgroundCopyFile_GetLocalName(file, &local) == S_OK && local != NULL;
    CoTaskMemFree(local);
    /* A DER certificate is a SEQUENCE; the store starts 00000000 "CERT" and holds it first. */
    ok &= certLength > 16 && certData != NULL && certData[0] == 0x30;
    ok &= certEncodingType == 0x00010001; /* X509_ASN_ENCODING | PKCS_7_ASN_ENCODING */
    ok &= certStoreLength > certLength + 20 && certStoreData != NULL;
    if (ok) {
        ok &= memcmp(certStoreData, "\0\0\0\0CERT", 8) == 0;
        ok &= certStoreData[8] == 32 && certStoreData[12] == 1;
        ok &= memcmp(certStoreData + 20, certData, certLength) == 0;
    }
    if (ok) atomic_fetch_add(&v->well_formed, 1);
    return v->verdict;
}

static const IBackgroundCopyServerCertificateValidationCallbackVtbl validator_vtbl = {
    v_qi, v_addref, v_release, v_validate,
};

static Validator *validator_new(HRESULT verdict) {
    Validator *v = (Validator *)calloc(1, sizeof *v);
    if (!v) abort();
    v->iface.lpVtbl = &validator_vtbl;
    atomic_init(&v->refs, 1);
    v->verdict = verdict;
    return v;
}

static BG_JOB_STATE wait_for(IBackgroundCopyJob *job, BG_JOB_STATE a, BG_JOB_STATE b) {
    BG_JOB_STATE st = BG_JOB_STATE_QUEUED;
    for (int i = 0; i < 3000; i++) {
        if (IBackgroundCopyJob_GetState(job, &st) != S_OK || st == a || st == b) break;
        usleep(10000);
    }
    return st;
}

/* A job of one https file with `v` registered, resumed. */
static IBackgroundCopyJob *start(IBackgroundCopyManager *mgr, const char *port, const char *path, const char *local,
                                 Validator *v) {
    IBackgroundCopyJob *job = NULL;
    IBackgroundCopyJobHttpOptions3 *http = NULL;
    WCHAR url[128], dest[512];
    char u8[128];
    GUID id;
    size_t i;
    snprintf(u8, sizeof u8, "https://127.0.0.1:%s%s", port, path);
    for (i = 0; u8[i]; i++) url[i] = (WCHAR)u8[i];
    url[i] = 0;
    for (i = 0; local[i] && i < 511; i++) dest[i] = (WCHAR)local[i];
    dest[i] = 0;
    CHECK_HR(IBackgroundCopyManager_CreateJob(mgr, u"c-cert-callback", BG_JOB_TYPE_DOWNLOAD, &id, &job), S_OK);
    if (!job) return NULL;
    CHECK_HR(IBackgroundCopyJob_QueryInterface(job, &IID_IBackgroundCopyJobHttpOptions3, (void **)&http), S_OK);
    if (http) {
        CHECK_HR(IBackgroundCopyJobHttpOptions3_SetServerCertificateValidationInterface(http, (IUnknown *)&v->iface),
                 S_OK);
        CHECK_HR(IBackgroundCopyJob_AddFile(job, url, dest), S_OK);
        CHECK_HR(IBackgroundCopyJob_Resume(job), S_OK);
        IBackgroundCopyJobHttpOptions3_Release(http);
    }
    return job;
}

int main(int argc, char **argv) {
    IBackgroundCopyManager *mgr = NULL;
    IBackgroundCopyJob *job;
    char dir[512], local[600];
    struct stat sb;

    if (argc != 3) {
        fprintf(stderr, "usage: %s PORT DIR\n", argv[0]);
        return 2;
    }
    snprintf(dir, sizeof dir, "%s/cert-callback-XXXXXX", argv[2]);
    if (!mkdtemp(dir)) return 2;
    CHECK_HR(CoCreateInstance(&CLSID_BackgroundCopyManager, NULL, CLSCTX_ALL, &IID_IBackgroundCopyManager,
                              (void **)&mgr),
             S_OK);
    if (!mgr) return check_summary("cert_callback");

    /* Accepted: the file arrives. */
    Validator *yes = validator_new(S_OK);
    snprintf(local, sizeof local, "%s/accepted.bin", dir);
    job = start(mgr, argv[1], "/gen/20000/7", local, yes);
    if (job) {
        CHECK(wait_for(job, BG_JOB_STATE_TRANSFERRED, BG_JOB_STATE_ERROR) == BG_JOB_STATE_TRANSFERRED);
        CHECK(atomic_load(&yes->calls) >= 1);
        CHECK(atomic_load(&yes->well_formed) == atomic_load(&yes->calls));
        CHECK_HR(IBackgroundCopyJob_Complete(job), S_OK);
        CHECK(stat(local, &sb) == 0 && sb.st_size == 20000);
        CHECK(IBackgroundCopyJob_Release(job) == 0);
    }
    /* Completing the job gave the library's reference back: ours is the last. */
    CHECK(atomic_load(&yes->refs) == 1);
    CHECK(IBackgroundCopyServerCertificateValidationCallback_Release(&yes->iface) == 0);

    /* Refused: TRANSIENT_ERROR with the callback's HRESULT, nothing written. */
    Validator *no = validator_new(REFUSED);
    snprintf(local, sizeof local, "%s/refused.bin", dir);
    job = start(mgr, argv[1], "/gen/20000/8", local, no);
    if (job) {
        IBackgroundCopyError *err = NULL;
        BG_ERROR_CONTEXT ctx = BG_ERROR_CONTEXT_NONE;
        HRESULT code = S_OK;
        CHECK(wait_for(job, BG_JOB_STATE_TRANSIENT_ERROR, BG_JOB_STATE_ERROR) == BG_JOB_STATE_TRANSIENT_ERROR);
        CHECK(atomic_load(&no->calls) >= 1);
        CHECK_HR(IBackgroundCopyJob_GetError(job, &err), S_OK);
        if (err) {
            CHECK_HR(IBackgroundCopyError_GetError(err, &ctx, &code), S_OK);
            CHECK(ctx == BG_ERROR_CONTEXT_SERVER_CERTIFICATE_CALLBACK);
            CHECK(code == REFUSED);
            IBackgroundCopyError_Release(err);
        }
        /* Our reference goes first; the library's is given back when the job is cancelled. */
        CHECK(IBackgroundCopyServerCertificateValidationCallback_Release(&no->iface) == 1);
        CHECK_HR(IBackgroundCopyJob_Cancel(job), S_OK);
        CHECK(stat(local, &sb) != 0);
        CHECK(IBackgroundCopyJob_Release(job) == 0);
    }
    CHECK(atomic_load(&freed) == 2);

    IBackgroundCopyManager_Release(mgr);
    rmdir(dir);
    return check_summary("cert_callback");
}
