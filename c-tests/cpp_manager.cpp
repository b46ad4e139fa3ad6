// C++ written against the Windows SDK style: p->Method(), REFIID passed by reference, a callback
// class implemented in C++ whose vtable the library calls (QueryInterface/AddRef/Release).
#include <bits.h>
#include <atomic>
#include <vector>

#include "check.h"

namespace {

// A caller-implemented callback object, exactly as a Windows program writes one.
class Callback : public IBackgroundCopyCallback {
  public:
    std::atomic<ULONG> refs{1};
    int transferred = 0;

    HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void **ppv) override {
        if (ppv == nullptr) return E_POINTER;
        if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_IBackgroundCopyCallback)) {
            *ppv = static_cast<IBackgroundCopyCallback *>(this);
            AddRef();
            return S_OK;
        }
        *ppv = nullptr;
        return E_NOINTERFACE;
    }
    ULONG STDMETHODCALLTYPE AddRef() override { return ++refs; }
    ULONG STDMETHODCALLTYPE Release() override { return --refs; }
    HRESULT STDMETHODCALLTYPE JobTransferred(IBackgroundCopyJob *) override {
        transferred++;
        return S_OK;
    }
    HRESULT STDMETHODCALLTYPE JobError(IBackgroundCopyJob *, IBackgroundCopyError *) override { return S_OK; }
    HRESULT STDMETHODCALLTYPE JobModification(IBackgroundCopyJob *, DWORD) override { return S_OK; }
};

}  // namespace

int main() {
    IBackgroundCopyManager *mgr = nullptr;
    CHECK_HR(CoInitializeEx(nullptr, COINIT_APARTMENTTHREADED), S_OK);
    CHECK_HR(CoCreateInstance(CLSID_BackgroundCopyManager10_3, nullptr, CLSCTX_LOCAL_SERVER,
                              IID_IBackgroundCopyManager, reinterpret_cast<void **>(&mgr)),
             S_OK);
    if (mgr == nullptr) return check_summary("cpp_manager");

    std::vector<IBackgroundCopyJob *> jobs;
    std::vector<GUID> ids;
    for (int i = 0; i < 3; i++) {
        IBackgroundCopyJob *job = nullptr;
        GUID id;
        CHECK_HR(mgr->CreateJob(u"cpp-job", BG_JOB_TYPE_DOWNLOAD, &id, &job), S_OK);
        jobs.push_back(job);
        ids.push_back(id);
    }

    for (size_t i = 0; i < jobs.size(); i++) {
        GUID id;
        CHECK_HR(jobs[i]->GetId(&id), S_OK);
        CHECK(IsEqualGUID(id, ids[i]));
        BG_JOB_STATE st;
        CHECK_HR(jobs[i]->GetState(&st), S_OK);
        CHECK(st == BG_JOB_STATE_SUSPENDED);
        LPWSTR name = nullptr;
        CHECK_HR(jobs[i]->GetDisplayName(&name), S_OK);
        CHECK(wide_equals(name, "cpp-job"));
        CoTaskMemFree(name);
        BG_JOB_PROGRESS p;
        CHECK_HR(jobs[i]->GetProgress(&p), S_OK);
        CHECK(p.BytesTotal == 0 && p.FilesTotal == 0);
    }

    // QueryInterface up and down the Job family and to the tear-off, with COM identity.
    IBackgroundCopyJob5 *job5 = nullptr;
    CHECK_HR(jobs[0]->QueryInterface(IID_IBackgroundCopyJob5, reinterpret_cast<void **>(&job5)), S_OK);
    IBackgroundCopyJobHttpOptions *http = nullptr;
    CHECK_HR(job5->QueryInterface(IID_IBackgroundCopyJobHttpOptions, reinterpret_cast<void **>(&http)), S_OK);
    IUnknown *u1 = nullptr, *u2 = nullptr;
    CHECK_HR(jobs[0]->QueryInterface(IID_IUnknown, reinterpret_cast<void **>(&u1)), S_OK);
    CHECK_HR(http->QueryInterface(IID_IUnknown, reinterpret_cast<void **>(&u2)), S_OK);
    CHECK(u1 == u2);
    ULONG secs = 0;
    CHECK_HR(job5->GetNoProgressTimeout(&secs), S_OK);  // a Job slot called through Job5
    CHECK(secs == 1209600);
    u1->Release();
    u2->Release();
    http->Release();
    job5->Release();

    // A C++ callback object: the library keeps exactly one reference while registered.
    Callback cb;
    CHECK_HR(jobs[0]->SetNotifyInterface(&cb), S_OK);
    CHECK(cb.refs == 2);
    IUnknown *got = nullptr;
    CHECK_HR(jobs[0]->GetNotifyInterface(&got), S_OK);
    CHECK(got == static_cast<IUnknown *>(&cb));
    if (got) got->Release();
    CHECK_HR(jobs[0]->SetNotifyFlags(BG_NOTIFY_JOB_TRANSFERRED | BG_NOTIFY_JOB_MODIFICATION), S_OK);

    IEnumBackgroundCopyJobs *e = nullptr;
    CHECK_HR(mgr->EnumJobs(0, &e), S_OK);
    ULONG count = 0;
    CHECK_HR(e->GetCount(&count), S_OK);
    CHECK(count >= 3);
    IEnumBackgroundCopyJobs *c = nullptr;
    CHECK_HR(e->Clone(&c), S_OK);
    CHECK(c->Release() == 0);
    CHECK(e->Release() == 0);

    for (IBackgroundCopyJob *job : jobs) CHECK_HR(job->Cancel(), S_OK);
    CHECK(cb.refs == 1);  // Cancel gave the callback back
    for (IBackgroundCopyJob *job : jobs) CHECK(job->Release() == 0);
    CHECK(mgr->Release() == 0);
    CoUninitialize();
    return check_summary("cpp_manager");
}
