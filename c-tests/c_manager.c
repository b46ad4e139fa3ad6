/* A C program written the way Windows BITS clients are: CoCreateInstance the manager, create
 * jobs, read them back, enumerate them, and release everything. Uses both the lpVtbl form and the
 * COBJMACROS. Run under ASan/UBSan/LSan: a leaked reference fails the test. */
#define COBJMACROS
#include <bits.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"

#define NJOBS 3

int main(void) {
    IBackgroundCopyManager *mgr = NULL;
    IBackgroundCopyJob *jobs[NJOBS] = {0};
    GUID ids[NJOBS];
    const WCHAR *names[NJOBS] = {u"c-job-0", u"c-job-1", u"c-job-2"};
    const char *ascii_names[NJOBS] = {"c-job-0", "c-job-1", "c-job-2"};
    int i;

    CHECK_HR(CoInitializeEx(NULL, COINIT_MULTITHREADED), S_OK);
    CHECK_HR(CoCreateInstance(&CLSID_BackgroundCopyManager, NULL, CLSCTX_LOCAL_SERVER,
                              &IID_IBackgroundCopyManager, (void **)&mgr),
             S_OK);
    if (mgr == NULL) return check_summary("c_manager");

    for (i = 0; i < NJOBS; i++) {
        CHECK_HR(mgr->lpVtbl->CreateJob(mgr, names[i], BG_JOB_TYPE_DOWNLOAD, &ids[i], &jobs[i]), S_OK);
        CHECK(jobs[i] != NULL);
    }

    /* Read every job back: id, name, type, state, progress, times, owner. */
    for (i = 0; i < NJOBS; i++) {
        IBackgroundCopyJob *job = jobs[i];
        GUID id;
        LPWSTR name = NULL, owner = NULL;
        BG_JOB_TYPE type = (BG_JOB_TYPE)-1;
        BG_JOB_STATE state = (BG_JOB_STATE)-1;
        BG_JOB_PROGRESS progress;
        BG_JOB_TIMES times;
        char expected_owner[64];

        memset(&progress, 0xff, sizeof progress);
        CHECK_HR(IBackgroundCopyJob_GetId(job, &id), S_OK);
        CHECK(IsEqualGUID(&id, &ids[i]));
        CHECK_HR(IBackgroundCopyJob_GetDisplayName(job, &name), S_OK);
        CHECK(wide_equals(name, ascii_names[i]));
        CoTaskMemFree(name);
        CHECK_HR(job->lpVtbl->GetType(job, &type), S_OK);
        CHECK(type == BG_JOB_TYPE_DOWNLOAD);
        CHECK_HR(IBackgroundCopyJob_GetState(job, &state), S_OK);
        CHECK(state == BG_JOB_STATE_SUSPENDED);
        CHECK_HR(IBackgroundCopyJob_GetProgress(job, &progress), S_OK);
        CHECK(progress.BytesTotal == 0 && progress.BytesTransferred == 0);
        CHECK(progress.FilesTotal == 0 && progress.FilesTransferred == 0);
        CHECK_HR(IBackgroundCopyJob_GetTimes(job, &times), S_OK);
        CHECK(times.CreationTime.dwHighDateTime != 0);
        CHECK(times.TransferCompletionTime.dwHighDateTime == 0 &&
              times.TransferCompletionTime.dwLowDateTime == 0);
        CHECK_HR(IBackgroundCopyJob_GetOwner(job, &owner), S_OK);
        snprintf(expected_owner, sizeof expected_owner, "S-1-22-1-%u", (unsigned)getuid());
        CHECK(wide_equals(owner, expected_owner));
        CoTaskMemFree(owner);
    }

    /* Change some properties and read them back. */
    CHECK_HR(IBackgroundCopyJob_SetDescription(jobs[0], u"described"), S_OK);
    {
        LPWSTR d = NULL;
        CHECK_HR(IBackgroundCopyJob_GetDescription(jobs[0], &d), S_OK);
        CHECK(wide_equals(d, "described"));
        CoTaskMemFree(d);
    }
    CHECK_HR(IBackgroundCopyJob_SetPriority(jobs[1], BG_JOB_PRIORITY_FOREGROUND), S_OK);
    {
        BG_JOB_PRIORITY p = BG_JOB_PRIORITY_LOW;
        CHECK_HR(IBackgroundCopyJob_GetPriority(jobs[1], &p), S_OK);
        CHECK(p == BG_JOB_PRIORITY_FOREGROUND);
    }
    CHECK_HR(IBackgroundCopyJob_Resume(jobs[2]), BG_E_EMPTY);

    /* GetJob hands back the same object while it is alive. */
    {
        IBackgroundCopyJob *again = NULL;
        CHECK_HR(IBackgroundCopyManager_GetJob(mgr, &ids[1], &again), S_OK);
        CHECK(again == jobs[1]);
        if (again) IBackgroundCopyJob_Release(again);
    }

    /* Enumerate: every job of ours is there exactly once. */
    {
        IEnumBackgroundCopyJobs *e = NULL;
        ULONG count = 0, fetched = 0, seen_ours = 0;
        IBackgroundCopyJob *batch[8];
        CHECK_HR(IBackgroundCopyManager_EnumJobs(mgr, 0, &e), S_OK);
        CHECK_HR(IEnumBackgroundCopyJobs_GetCount(e, &count), S_OK);
        CHECK(count >= NJOBS);
        for (;;) {
            ULONG k;
            HRESULT hr = IEnumBackgroundCopyJobs_Next(e, 8, batch, &fetched);
            CHECK(hr == S_OK || hr == S_FALSE);
            for (k = 0; k < fetched; k++) {
                GUID id;
                int j;
                CHECK_HR(IBackgroundCopyJob_GetId(batch[k], &id), S_OK);
                for (j = 0; j < NJOBS; j++)
                    if (IsEqualGUID(&id, &ids[j])) seen_ours++;
                IBackgroundCopyJob_Release(batch[k]);
            }
            if (hr == S_FALSE) break;
        }
        CHECK(seen_ours == NJOBS);
        CHECK_HR(IEnumBackgroundCopyJobs_Reset(e), S_OK);
        CHECK_HR(IEnumBackgroundCopyJobs_Skip(e, count + 1), S_FALSE);
        CHECK(IEnumBackgroundCopyJobs_Release(e) == 0);
    }

    /* Error text for a BITS code. */
    {
        LPWSTR text = NULL;
        CHECK_HR(IBackgroundCopyManager_GetErrorDescription(mgr, BG_E_NOT_FOUND, 0x409, &text), S_OK);
        CHECK(text != NULL && text[0] != 0);
        CoTaskMemFree(text);
    }

    /* Finish every job: cancel one, complete one, cancel the last; then release. A fresh job
     * object held only by us returns 0 from Release. */
    CHECK_HR(IBackgroundCopyJob_Cancel(jobs[0]), S_OK);
    CHECK_HR(IBackgroundCopyJob_Cancel(jobs[0]), BG_E_INVALID_STATE);
    CHECK_HR(IBackgroundCopyJob_Complete(jobs[1]), S_OK);
    CHECK_HR(IBackgroundCopyJob_Cancel(jobs[2]), S_OK);
    for (i = 0; i < NJOBS; i++) CHECK(IBackgroundCopyJob_Release(jobs[i]) == 0);
    CHECK(IBackgroundCopyManager_Release(mgr) == 0);
    CoUninitialize();
    return check_summary("c_manager");
}
