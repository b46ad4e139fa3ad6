/* Legacy Windows code uses L"..." literals. Built with -fshort-wchar, wchar_t is 16 bits and the
 * header makes WCHAR wchar_t, so these literals are LPCWSTRs as on Windows. */
#include <bits.h>

#include "check.h"

#if __SIZEOF_WCHAR_T__ != 2
#error "build this test with -fshort-wchar"
#endif

int main(void) {
    IBackgroundCopyManager *mgr = NULL;
    IBackgroundCopyJob *job = NULL;
    GUID id;
    LPWSTR name = NULL;
    LPCWSTR literal = L"wide literal job";

    _Static_assert(sizeof(WCHAR) == 2, "WCHAR is 16 bits");
    CHECK_HR(CoCreateInstance(&CLSID_BackgroundCopyManager, NULL, CLSCTX_ALL, &IID_IBackgroundCopyManager,
                              (void **)&mgr),
             S_OK);
    if (!mgr) return check_summary("short_wchar");
    CHECK_HR(mgr->lpVtbl->CreateJob(mgr, literal, BG_JOB_TYPE_DOWNLOAD, &id, &job), S_OK);
    CHECK_HR(job->lpVtbl->SetDescription(job, L"described with L\"\""), S_OK);
    CHECK_HR(job->lpVtbl->GetDisplayName(job, &name), S_OK);
    CHECK(name != NULL && wide_equals(name, "wide literal job"));
    CoTaskMemFree(name);
    CHECK_HR(job->lpVtbl->Cancel(job), S_OK);
    CHECK(job->lpVtbl->Release(job) == 0);
    CHECK(mgr->lpVtbl->Release(mgr) == 0);
    return check_summary("short_wchar");
}
