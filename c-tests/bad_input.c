/* Bad input to every built method returns the documented HRESULT and changes nothing. */
#define COBJMACROS
#include <bits.h>
#include <stdint.h>

#include "check.h"

static WCHAR long_name[300];

int main(void) {
    IBackgroundCopyManager *mgr = (IBackgroundCopyManager *)(uintptr_t)1;
    IBackgroundCopyJob *job = (IBackgroundCopyJob *)(uintptr_t)1;
    IUnknown *unk = (IUnknown *)(uintptr_t)1;
    GUID id = {0, 0, 0, {0}}, zero = {0, 0, 0, {0}};
    const GUID unknown = {0x12345678, 0x1234, 0x1234, {1, 2, 3, 4, 5, 6, 7, 8}};
    LPWSTR s = (LPWSTR)(uintptr_t)1;
    int i;

    for (i = 0; i < 299; i++) long_name[i] = 'n';
    long_name[299] = 0;

    /* Activation. */
    CHECK_HR(CoCreateInstance(&unknown, NULL, CLSCTX_ALL, &IID_IBackgroundCopyManager, (void **)&mgr),
             REGDB_E_CLASSNOTREG);
    CHECK(mgr == NULL);
    mgr = (IBackgroundCopyManager *)(uintptr_t)1;
    CHECK_HR(CoCreateInstance(&CLSID_BackgroundCopyManager, NULL, CLSCTX_ALL, &unknown, (void **)&mgr),
             E_NOINTERFACE);
    CHECK(mgr == NULL);
    CHECK_HR(CoCreateInstance(&CLSID_BackgroundCopyManager, NULL, CLSCTX_ALL, &IID_IBackgroundCopyManager, NULL),
             E_POINTER);
    CHECK_HR(CoCreateInstance(NULL, NULL, CLSCTX_ALL, &IID_IBackgroundCopyManager, (void **)&mgr), E_INVALIDARG);
    CHECK_HR(CoCreateInstance(&CLSID_BackgroundCopyManager, NULL, CLSCTX_ALL, &IID_IBackgroundCopyManager,
                              (void **)&mgr),
             S_OK);
    if (!mgr) return check_summary("bad_input");

    /* QueryInterface. */
    CHECK_HR(IBackgroundCopyManager_QueryInterface(mgr, &unknown, (void **)&unk), E_NOINTERFACE);
    CHECK(unk == NULL);
    CHECK_HR(IBackgroundCopyManager_QueryInterface(mgr, &IID_IUnknown, NULL), E_POINTER);

    /* CreateJob. */
    CHECK_HR(IBackgroundCopyManager_CreateJob(mgr, NULL, BG_JOB_TYPE_DOWNLOAD, &id, &job), E_INVALIDARG);
    CHECK(job == NULL);
    CHECK_HR(IBackgroundCopyManager_CreateJob(mgr, long_name, BG_JOB_TYPE_DOWNLOAD, &id, &job), E_INVALIDARG);
    CHECK_HR(IBackgroundCopyManager_CreateJob(mgr, u"x", (BG_JOB_TYPE)42, &id, &job), E_INVALIDARG);
    CHECK_HR(IBackgroundCopyManager_CreateJob(mgr, u"x", BG_JOB_TYPE_DOWNLOAD, NULL, &job), E_INVALIDARG);
    CHECK_HR(IBackgroundCopyManager_CreateJob(mgr, u"x", BG_JOB_TYPE_DOWNLOAD, &id, NULL), E_INVALIDARG);
    CHECK(IsEqualGUID(&id, &zero));

    /* GetJob / EnumJobs / GetErrorDescription. */
    CHECK_HR(IBackgroundCopyManager_GetJob(mgr, &unknown, &job), BG_E_NOT_FOUND);
    CHECK(job == NULL);
    CHECK_HR(IBackgroundCopyManager_GetJob(mgr, NULL, &job), E_INVALIDARG);
    CHECK_HR(IBackgroundCopyManager_EnumJobs(mgr, 0x80, (IEnumBackgroundCopyJobs **)&unk), E_INVALIDARG);
    CHECK_HR(IBackgroundCopyManager_EnumJobs(mgr, 0, NULL), E_INVALIDARG);
    CHECK_HR(IBackgroundCopyManager_GetErrorDescription(mgr, BG_E_NOT_FOUND, 0x407, &s),
             HRESULT_FROM_WIN32(ERROR_RESOURCE_LANG_NOT_FOUND));
    CHECK(s == NULL);

    /* Job setters: bad values change nothing. */
    CHECK_HR(IBackgroundCopyManager_CreateJob(mgr, u"bad-input", BG_JOB_TYPE_DOWNLOAD, &id, &job), S_OK);
    CHECK_HR(IBackgroundCopyJob_SetDisplayName(job, NULL), E_INVALIDARG);
    CHECK_HR(IBackgroundCopyJob_SetDisplayName(job, long_name), BG_E_STRING_TOO_LONG);
    CHECK_HR(IBackgroundCopyJob_GetDisplayName(job, &s), S_OK);
    CHECK(wide_equals(s, "bad-input"));
    CoTaskMemFree(s);
    CHECK_HR(IBackgroundCopyJob_SetPriority(job, (BG_JOB_PRIORITY)4), E_NOTIMPL);
    CHECK_HR(IBackgroundCopyJob_SetNotifyFlags(job, 0x100), E_NOTIMPL);
    CHECK_HR(IBackgroundCopyJob_SetProxySettings(job, (BG_JOB_PROXY_USAGE)7, NULL, NULL), E_NOTIMPL);
    CHECK_HR(IBackgroundCopyJob_SetProxySettings(job, BG_JOB_PROXY_USAGE_OVERRIDE, NULL, NULL), E_INVALIDARG);
    CHECK_HR(IBackgroundCopyJob_GetProgress(job, NULL), E_INVALIDARG);
    CHECK_HR(IBackgroundCopyJob_GetState(job, NULL), E_INVALIDARG);
    CHECK_HR(IBackgroundCopyJob_GetOwner(job, NULL), E_INVALIDARG);
    CHECK_HR(IBackgroundCopyJob_GetNotifyInterface(job, NULL), E_INVALIDARG);
    {
        BG_JOB_PRIORITY p;
        ULONG f;
        CHECK_HR(IBackgroundCopyJob_GetPriority(job, &p), S_OK);
        CHECK(p == BG_JOB_PRIORITY_NORMAL);
        CHECK_HR(IBackgroundCopyJob_GetNotifyFlags(job, &f), S_OK);
        CHECK(f == (BG_NOTIFY_JOB_TRANSFERRED | BG_NOTIFY_JOB_ERROR));
    }
    CHECK_HR(IBackgroundCopyJob_Cancel(job), S_OK);
    CHECK(IBackgroundCopyJob_Release(job) == 0);
    CHECK(IBackgroundCopyManager_Release(mgr) == 0);
    return check_summary("bad_input");
}
