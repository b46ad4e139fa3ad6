/* deliveryopt demo: a BITS client in C.
 *
 * Today (foundation slice) it creates a job, shows its properties, lists the user's jobs and
 * cancels it. Transfers arrive with the transfer engine; until then AddFile reports E_NOTIMPL and
 * the demo says so. */
#define COBJMACROS
#include <bits.h>
#include <stdio.h>

static void print_wide(const char *label, LPCWSTR s) {
    printf("  %-12s ", label);
    for (; s && *s; s++) putchar(*s < 128 ? (char)*s : '?');
    putchar('\n');
}

static const char *state_name(BG_JOB_STATE s) {
    static const char *names[] = {"QUEUED", "CONNECTING", "TRANSFERRING", "SUSPENDED", "ERROR",
                                  "TRANSIENT_ERROR", "TRANSFERRED", "ACKNOWLEDGED", "CANCELLED"};
    return (s >= 0 && s <= 8) ? names[s] : "?";
}

static int fail(const char *what, HRESULT hr) {
    fprintf(stderr, "%s failed: 0x%08x\n", what, (unsigned)hr);
    return 1;
}

int main(void) {
    IBackgroundCopyManager *mgr = NULL;
    IBackgroundCopyJob *job = NULL;
    IEnumBackgroundCopyJobs *jobs = NULL;
    GUID id;
    HRESULT hr;
    LPWSTR text = NULL;
    BG_JOB_STATE state;
    BG_JOB_PROGRESS progress;
    ULONG count = 0;

    hr = CoCreateInstance(&CLSID_BackgroundCopyManager, NULL, CLSCTX_LOCAL_SERVER,
                          &IID_IBackgroundCopyManager, (void **)&mgr);
    if (FAILED(hr)) return fail("CoCreateInstance", hr);

    hr = IBackgroundCopyManager_CreateJob(mgr, u"deliveryopt demo", BG_JOB_TYPE_DOWNLOAD, &id, &job);
    if (FAILED(hr)) return fail("CreateJob", hr);
    printf("created job {%08X-%04X-%04X-...}\n", id.Data1, id.Data2, id.Data3);

    IBackgroundCopyJob_GetDisplayName(job, &text);
    print_wide("name:", text);
    CoTaskMemFree(text);
    IBackgroundCopyJob_GetOwner(job, &text);
    print_wide("owner:", text);
    CoTaskMemFree(text);
    IBackgroundCopyJob_GetState(job, &state);
    printf("  %-12s %s\n", "state:", state_name(state));
    IBackgroundCopyJob_GetProgress(job, &progress);
    printf("  %-12s %u files, %llu bytes\n", "progress:", (unsigned)progress.FilesTotal,
           (unsigned long long)progress.BytesTransferred);

    hr = IBackgroundCopyJob_AddFile(job, u"http://127.0.0.1:8080/file.bin", u"/tmp/deliveryopt-demo.bin");
    if (hr == E_NOTIMPL)
        printf("AddFile: not implemented yet (transfers arrive with the transfer engine)\n");
    else if (FAILED(hr))
        return fail("AddFile", hr);

    IBackgroundCopyManager_EnumJobs(mgr, 0, &jobs);
    IEnumBackgroundCopyJobs_GetCount(jobs, &count);
    printf("this user has %u job(s)\n", (unsigned)count);
    IEnumBackgroundCopyJobs_Release(jobs);

    hr = IBackgroundCopyJob_Cancel(job);
    if (FAILED(hr)) return fail("Cancel", hr);
    IBackgroundCopyJob_GetState(job, &state);
    printf("cancelled: state %s\n", state_name(state));
    IBackgroundCopyJob_Release(job);
    IBackgroundCopyManager_Release(mgr);
    return 0;
}
