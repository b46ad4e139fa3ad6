/* Deliberately leaks one job reference. The test runner expects this program to FAIL with a
 * LeakSanitizer report: that proves the sanitizers are linked and that a leaked COM reference is
 * caught. */
#include <bits.h>

int main(void) {
    IBackgroundCopyManager *mgr = NULL;
    IBackgroundCopyJob *job = NULL;
    GUID id;
    if (CoCreateInstance(&CLSID_BackgroundCopyManager, NULL, CLSCTX_ALL, &IID_IBackgroundCopyManager,
                         (void **)&mgr) != S_OK)
        return 2;
    if (mgr->lpVtbl->CreateJob(mgr, u"leaked", BG_JOB_TYPE_DOWNLOAD, &id, &job) != S_OK) return 2;
    job->lpVtbl->Cancel(job);
    /* job->lpVtbl->Release(job) is missing on purpose. */
    job = NULL;
    mgr->lpVtbl->Release(mgr);
    return 0;
}
