/* Delivery Optimization downloads across processes: `do_persist PORT DIR` runs itself twice on
 * one job store (the test server on 127.0.0.1:PORT serves /gen/<len>/<seed>).
 *   1. `create`: two downloads; "kept" is NonVolatile and is started on a slow URL, so the
 *      process ends in the middle of its transfer; "volatile" is not NonVolatile.
 *   Between the two, the service (when the library runs in service mode, its default) is killed
 *   with SIGKILL: a volatile download does not outlive a restart of the service, a NonVolatile
 *   one does. In in-process mode the first process's exit is that restart.
 *   2. `finish`: a new process finds only "kept" (EnumDownloads by DisplayName), with its
 *      properties; it carries on by itself, reaches Transferred, and Finalize gives the right
 *      bytes at LocalPath.
 * Run under ASan/UBSan/LSan like every C test. */
#define COBJMACROS
#define _DEFAULT_SOURCE
#include <deliveryoptimization.h>

#include <dirent.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "testdata.h"
#include "services.h"

extern char **environ;

#define SIZE 400000u
#define SEED 21u

static HRESULT set_str(IDODownload *d, DODownloadProperty id, const char *value) {
    WCHAR w[1024];
    VARIANT v;
    HRESULT hr;
    to_wide(value, w, 1024);
    VariantInit(&v);
    V_VT(&v) = VT_BSTR;
    V_BSTR(&v) = SysAllocString(w);
    hr = IDODownload_SetProperty(d, id, &v);
    VariantClear(&v);
    return hr;
}

static HRESULT set_bool(IDODownload *d, DODownloadProperty id, int value) {
    VARIANT v;
    VariantInit(&v);
    V_VT(&v) = VT_BOOL;
    V_BOOL(&v) = value ? VARIANT_TRUE : VARIANT_FALSE;
    return IDODownload_SetProperty(d, id, &v);
}

/* The downloads whose DisplayName is `name` (at most 4), each AddRef'd; returns how many. */
static int find(IDOManager *mgr, const char *name, IDODownload **out) {
    WCHAR w[64];
    DO_DOWNLOAD_ENUM_CATEGORY cat;
    IEnumUnknown *e = NULL;
    IUnknown *u = NULL;
    ULONG got = 0;
    int n = 0;
    to_wide(name, w, 64);
    cat.Property = DODownloadProperty_DisplayName;
    cat.Value = w;
    CHECK_HR(IDOManager_EnumDownloads(mgr, &cat, &e), S_OK);
    if (!e) return 0;
    while (n < 4 && IEnumUnknown_Next(e, 1, &u, &got) == S_OK) {
        IDODownload *d = NULL;
        CHECK_HR(IUnknown_QueryInterface(u, &IID_IDODownload, (void **)&d), S_OK);
        IUnknown_Release(u);
        if (d) out[n++] = d;
    }
    IEnumUnknown_Release(e);
    return n;
}

static int create(const char *port, const char *dir) {
    IDOManager *mgr = NULL;
    IDODownload *kept = NULL, *gone = NULL;
    char url[256], local[600];
    DO_DOWNLOAD_STATUS st;
    CHECK_HR(CoCreateInstance(&CLSID_DeliveryOptimization, NULL, CLSCTX_LOCAL_SERVER, &IID_IDOManager, (void **)&mgr),
             S_OK);
    if (!mgr) return check_summary("do_persist-create");
    CHECK_HR(IDOManager_CreateDownload(mgr, &kept), S_OK);
    CHECK_HR(IDOManager_CreateDownload(mgr, &gone), S_OK);
    if (kept && gone) {
        /* About 4 s at 100 KB/s: the process ends long before. */
        snprintf(url, sizeof url, "http://127.0.0.1:%s/gen/%u/%u?trickle_bps=100000", port, SIZE, SEED);
        snprintf(local, sizeof local, "%s/kept.bin", dir);
        CHECK_HR(set_str(kept, DODownloadProperty_Uri, url), S_OK);
        CHECK_HR(set_str(kept, DODownloadProperty_LocalPath, local), S_OK);
        CHECK_HR(set_str(kept, DODownloadProperty_DisplayName, "kept"), S_OK);
        CHECK_HR(set_str(kept, DODownloadProperty_ContentId, "content-kept"), S_OK);
        CHECK_HR(set_bool(kept, DODownloadProperty_NonVolatile, 1), S_OK);
        CHECK_HR(IDODownload_Start(kept, NULL), S_OK);
        snprintf(local, sizeof local, "%s/volatile.bin", dir);
        CHECK_HR(set_str(gone, DODownloadProperty_Uri, url), S_OK);
        CHECK_HR(set_str(gone, DODownloadProperty_LocalPath, local), S_OK);
        CHECK_HR(set_str(gone, DODownloadProperty_DisplayName, "volatile"), S_OK);
        usleep(300 * 1000);
        CHECK_HR(IDODownload_GetStatus(kept, &st), S_OK);
        CHECK(st.State == DODownloadState_Transferring && st.BytesTransferred < SIZE);
    }
    if (kept) IDODownload_Release(kept);
    if (gone) IDODownload_Release(gone);
    IDOManager_Release(mgr);
    /* The process ends here, in the middle of the transfer. */
    return check_summary("do_persist-create");
}

static int finish(const char *dir) {
    IDOManager *mgr = NULL;
    IDODownload *found[4];
    DO_DOWNLOAD_STATUS st;
    VARIANT v;
    char local[600];
    int n, i;
    CHECK_HR(CoCreateInstance(&CLSID_DeliveryOptimization, NULL, CLSCTX_LOCAL_SERVER, &IID_IDOManager, (void **)&mgr),
             S_OK);
    if (!mgr) return check_summary("do_persist-finish");
    n = find(mgr, "volatile", found);
    CHECK(n == 0);
    for (i = 0; i < n; i++) IDODownload_Release(found[i]);
    n = find(mgr, "kept", found);
    CHECK(n == 1);
    if (n == 1) {
        IDODownload *d = found[0];
        VariantInit(&v);
        CHECK_HR(IDODownload_GetProperty(d, DODownloadProperty_ContentId, &v), S_OK);
        CHECK(V_VT(&v) == VT_BSTR && wide_equals(V_BSTR(&v), "content-kept"));
        VariantClear(&v);
        CHECK_HR(IDODownload_GetProperty(d, DODownloadProperty_NonVolatile, &v), S_OK);
        CHECK(V_VT(&v) == VT_BOOL && V_BOOL(&v) == VARIANT_TRUE);
        VariantClear(&v);
        /* It carries on by itself. */
        for (i = 0; i < 3000; i++) {
            CHECK_HR(IDODownload_GetStatus(d, &st), S_OK);
            if (st.State != DODownloadState_Transferring) break;
            usleep(10000);
        }
        CHECK(st.State == DODownloadState_Transferred && st.BytesTransferred == SIZE && st.BytesTotal == SIZE);
        CHECK_HR(IDODownload_Finalize(d), S_OK);
        snprintf(local, sizeof local, "%s/kept.bin", dir);
        {
            FILE *f = fopen(local, "rb");
            int same = f != NULL, c;
            uint64_t k = 0;
            while (f && (c = fgetc(f)) != EOF) {
                if (k >= SIZE || (unsigned char)c != gen_byte(SEED, k)) same = 0;
                k++;
            }
            if (f) fclose(f);
            CHECK(same && k == SIZE);
        }
        IDODownload_Release(d);
    }
    /* Finalized downloads leave the store. */
    n = find(mgr, "kept", found);
    CHECK(n == 0);
    for (i = 0; i < n; i++) IDODownload_Release(found[i]);
    CHECK(IDOManager_Release(mgr) == 0);
    return check_summary("do_persist-finish");
}

/* Runs this program again with `phase`, and waits for it. */
static int run_phase(const char *self, const char *phase, const char *port, const char *dir) {
    pid_t pid;
    int status = 0;
    char *args[5];
    args[0] = (char *)self;
    args[1] = (char *)phase;
    args[2] = (char *)port;
    args[3] = (char *)dir;
    args[4] = NULL;
    if (posix_spawn(&pid, self, NULL, NULL, args, environ) != 0) return 1;
    if (waitpid(pid, &status, 0) != pid) return 1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}

int main(int argc, char **argv) {
    if (argc == 4 && !strcmp(argv[1], "create")) return create(argv[2], argv[3]);
    if (argc == 4 && !strcmp(argv[1], "finish")) return finish(argv[3]);
    if (argc != 3) {
        fprintf(stderr, "usage: %s PORT DIR\n", argv[0]);
        return 2;
    }
    CHECK(run_phase(argv[0], "create", argv[1], argv[2]) == 0);
    printf("services killed between the phases: %d\n", kill_services());
    CHECK(run_phase(argv[0], "finish", argv[1], argv[2]) == 0);
    return check_summary("do_persist");
}
