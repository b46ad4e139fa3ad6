// End to end against a real nginx, from C++: `e2e_nginx_cpp PORT DIR` (nginx serves DIR/www on
// 127.0.0.1:PORT, as for e2e_nginx.c). One job of every file with a callback class implementing
// IBackgroundCopyCallback2 the way a Windows program does: FileTransferred once per file, in the
// order the files were added, then JobTransferred, which calls Complete. The main thread waits on
// a condition variable (60 s at most), then compares the files byte for byte with their sources.
#include <bits.h>

#include <dirent.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "check.h"
#include "e2e_util.hpp"

namespace {

using e2e::slurp;
using e2e::wide;

const std::vector<std::pair<std::string, unsigned long long>> FILES = {
    {"empty.bin", 0}, {"one.bin", 1}, {"100KiB.bin", 100 << 10}, {"3MiB.bin", 3 << 20}, {"20MiB.bin", 20 << 20},
};

std::string narrow(const WCHAR *w) {
    std::string s;
    for (; w && *w; ++w) s.push_back(*w < 128 ? static_cast<char>(*w) : '?');
    return s;
}

int count_entries(const std::string &dir, const char *prefix) {
    DIR *d = opendir(dir.c_str());
    if (!d) return -1;
    int n = 0;
    while (dirent *e = readdir(d)) {
        std::string name = e->d_name;
        if (name == "." || name == "..") continue;
        if (!prefix || name.rfind(prefix, 0) == 0) n++;
    }
    closedir(d);
    return n;
}

class Callback : public IBackgroundCopyCallback2 {
  public:
    std::atomic<ULONG> refs{1};
    std::mutex lock;
    std::condition_variable cond;
    bool done = false;
    int transferred = 0, errors = 0;
    HRESULT complete_hr = E_PENDING;
    std::vector<std::string> files;  // local names, in FileTransferred order
    std::thread::id caller;

    HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void **ppv) override {
        if (ppv == nullptr) return E_POINTER;
        if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_IBackgroundCopyCallback) ||
            IsEqualIID(riid, IID_IBackgroundCopyCallback2)) {
            *ppv = static_cast<IBackgroundCopyCallback2 *>(this);
            AddRef();
            return S_OK;
        }
        *ppv = nullptr;
        return E_NOINTERFACE;
    }
    ULONG STDMETHODCALLTYPE AddRef() override { return ++refs; }
    // Stack-allocated in this test: the count is watched, the object is not deleted at zero.
    ULONG STDMETHODCALLTYPE Release() override { return --refs; }

    HRESULT STDMETHODCALLTYPE JobTransferred(IBackgroundCopyJob *job) override {
        HRESULT hr = job->Complete();  // no library lock is held: calling back in is allowed
        std::lock_guard<std::mutex> g(lock);
        transferred++;
        complete_hr = hr;
        caller = std::this_thread::get_id();
        done = true;
        cond.notify_all();
        return S_OK;
    }
    HRESULT STDMETHODCALLTYPE JobError(IBackgroundCopyJob *job, IBackgroundCopyError *err) override {
        BG_ERROR_CONTEXT ctx = BG_ERROR_CONTEXT_NONE;
        HRESULT code = S_OK;
        err->GetError(&ctx, &code);
        fprintf(stderr, "JobError: context %d, code 0x%08x\n", static_cast<int>(ctx), static_cast<unsigned>(code));
        job->Cancel();
        std::lock_guard<std::mutex> g(lock);
        errors++;
        done = true;
        cond.notify_all();
        return S_OK;
    }
    HRESULT STDMETHODCALLTYPE JobModification(IBackgroundCopyJob *, DWORD) override { return S_OK; }
    HRESULT STDMETHODCALLTYPE FileTransferred(IBackgroundCopyJob *, IBackgroundCopyFile *file) override {
        LPWSTR name = nullptr;
        std::string local;
        if (file->GetLocalName(&name) == S_OK) local = narrow(name);
        CoTaskMemFree(name);
        std::lock_guard<std::mutex> g(lock);
        files.push_back(local);
        return S_OK;
    }
};

}  // namespace

int main(int argc, char **argv) {
    if (argc != 3 || std::atoi(argv[1]) <= 0) {
        fprintf(stderr, "usage: %s PORT DIR\n", argv[0]);
        return 2;
    }
    const std::string port = argv[1], www = std::string(argv[2]) + "/www";
    std::string dest_template = std::string(argv[2]) + "/dest-cpp-XXXXXX";
    std::vector<char> buf(dest_template.begin(), dest_template.end());
    buf.push_back('\0');
    if (!mkdtemp(buf.data())) {
        perror("mkdtemp");
        return 2;
    }
    const std::string dest = buf.data();

    IBackgroundCopyManager *mgr = nullptr;
    CHECK_HR(CoCreateInstance(CLSID_BackgroundCopyManager, nullptr, CLSCTX_LOCAL_SERVER, IID_IBackgroundCopyManager,
                              reinterpret_cast<void **>(&mgr)),
             S_OK);
    if (!mgr) return check_summary("e2e_nginx_cpp");

    IBackgroundCopyJob *job = nullptr;
    GUID id;
    CHECK_HR(mgr->CreateJob(u"e2e nginx c++", BG_JOB_TYPE_DOWNLOAD, &id, &job), S_OK);
    if (!job) {
        mgr->Release();
        return check_summary("e2e_nginx_cpp");
    }
    LPWSTR display = nullptr;
    CHECK_HR(job->GetDisplayName(&display), S_OK);
    CHECK(wide_equals(display, "e2e nginx c++"));
    CoTaskMemFree(display);
    unsigned long long total = 0;
    for (const auto &f : FILES) {
        std::u16string remote = wide("http://127.0.0.1:" + port + "/" + f.first);
        std::u16string local = wide(dest + "/" + f.first);
        CHECK_HR(job->AddFile(reinterpret_cast<LPCWSTR>(remote.c_str()), reinterpret_cast<LPCWSTR>(local.c_str())),
                 S_OK);
        total += f.second;
    }
    Callback cb;
    CHECK_HR(job->SetNotifyFlags(BG_NOTIFY_JOB_TRANSFERRED | BG_NOTIFY_JOB_ERROR | BG_NOTIFY_FILE_TRANSFERRED), S_OK);
    CHECK_HR(job->SetNotifyInterface(static_cast<IUnknown *>(&cb)), S_OK);
    CHECK(cb.refs == 2);
    CHECK_HR(job->Resume(), S_OK);

    {
        std::unique_lock<std::mutex> g(cb.lock);
        bool finished = cb.cond.wait_for(g, std::chrono::seconds(60), [&] { return cb.done; });
        CHECK(finished);
        if (!finished) {
            g.unlock();
            fprintf(stderr, "no JobTransferred/JobError within 60 s\n");
            job->Cancel();
            g.lock();
        }
        CHECK(cb.transferred == 1);
        CHECK(cb.errors == 0);
        CHECK_HR(cb.complete_hr, S_OK);
        CHECK(cb.caller != std::this_thread::get_id());
        CHECK(cb.files.size() == FILES.size());
        for (size_t i = 0; i < cb.files.size() && i < FILES.size(); i++) CHECK(cb.files[i] == dest + "/" + FILES[i].first);
    }

    BG_JOB_STATE state = BG_JOB_STATE_ERROR;
    CHECK_HR(job->GetState(&state), S_OK);
    CHECK(state == BG_JOB_STATE_ACKNOWLEDGED);
    BG_JOB_PROGRESS p{};
    CHECK_HR(job->GetProgress(&p), S_OK);
    CHECK(p.BytesTotal == total && p.BytesTransferred == total);
    CHECK(p.FilesTotal == FILES.size() && p.FilesTransferred == FILES.size());
    for (const auto &f : FILES) {
        std::vector<char> got = slurp(dest + "/" + f.first);
        CHECK(got.size() == f.second);
        CHECK(got == slurp(www + "/" + f.first));
    }
    CHECK(count_entries(dest, ".BIT") == 0);
    CHECK(count_entries(dest, nullptr) == static_cast<int>(FILES.size()));

    // The job has ended: the library gives back its reference to the callback.
    for (int i = 0; i < 500 && cb.refs != 1; i++) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    CHECK(cb.refs == 1);
    job->Release();
    CHECK(mgr->Release() == 0);
    return check_summary("e2e_nginx_cpp");
}
