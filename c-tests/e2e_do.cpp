// Delivery Optimization end to end against a real nginx, written the way Windows DO clients are
// (winget's downloader is the model): CoCreateInstance -> CreateDownload -> SetProperty of Uri,
// LocalPath, DisplayName, ContentId, ForegroundPriority and CallbackInterface as VARIANTs ->
// Start with zero ranges -> OnStatusChange callbacks -> Finalize (or Abort on error).
// `e2e_do PORT DIR`: nginx serves DIR/www on 127.0.0.1:PORT. A second download of a missing
// file must end Paused with the 404 code and is aborted.
#include <deliveryoptimization.h>
#include <deliveryoptimizationerrors.h>

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

HRESULT set_string(IDODownload *d, DODownloadProperty id, const std::string &value) {
    std::u16string w = wide(value);
    VARIANT v;
    VariantInit(&v);
    V_VT(&v) = VT_BSTR;
    V_BSTR(&v) = SysAllocString(reinterpret_cast<const WCHAR *>(w.c_str()));
    HRESULT hr = d->SetProperty(id, &v);
    VariantClear(&v);
    return hr;
}

HRESULT set_bool(IDODownload *d, DODownloadProperty id, bool value) {
    VARIANT v;
    VariantInit(&v);
    V_VT(&v) = VT_BOOL;
    V_BOOL(&v) = value ? VARIANT_TRUE : VARIANT_FALSE;
    return d->SetProperty(id, &v);
}

HRESULT set_unknown(IDODownload *d, DODownloadProperty id, IUnknown *value) {
    VARIANT v;
    VariantInit(&v);
    V_VT(&v) = VT_UNKNOWN;
    V_UNKNOWN(&v) = value;
    return d->SetProperty(id, &v);  // the VARIANT stays ours and holds no reference of its own
}

class StatusCallback : public IDODownloadStatusCallback {
  public:
    std::atomic<ULONG> refs{1};
    std::mutex lock;
    std::condition_variable cond;
    std::vector<DO_DOWNLOAD_STATUS> seen;
    HRESULT finalize_hr = E_PENDING;
    bool done = false;

    HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void **ppv) override {
        if (ppv == nullptr) return E_POINTER;
        if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_IDODownloadStatusCallback)) {
            *ppv = static_cast<IDODownloadStatusCallback *>(this);
            AddRef();
            return S_OK;
        }
        *ppv = nullptr;
        return E_NOINTERFACE;
    }
    ULONG STDMETHODCALLTYPE AddRef() override { return ++refs; }
    ULONG STDMETHODCALLTYPE Release() override { return --refs; }  // on the stack: counted, not deleted

    HRESULT STDMETHODCALLTYPE OnStatusChange(IDODownload *download, const DO_DOWNLOAD_STATUS *status) override {
        HRESULT fin = E_PENDING;
        if (status->State == DODownloadState_Transferred) fin = download->Finalize();  // calling back in is allowed
        if (status->State == DODownloadState_Paused && status->Error != S_OK) download->Abort();
        std::lock_guard<std::mutex> g(lock);
        seen.push_back(*status);
        if (fin != E_PENDING) finalize_hr = fin;
        if (status->State == DODownloadState_Finalized || status->State == DODownloadState_Aborted) {
            done = true;
            cond.notify_all();
        }
        return S_OK;
    }

    // The library drops its references on its own threads: give it a moment.
    bool wait_refs(ULONG n) {
        for (int i = 0; i < 500 && refs != n; i++) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        return refs == n;
    }

    bool wait_done() {
        std::unique_lock<std::mutex> g(lock);
        return cond.wait_for(g, std::chrono::seconds(60), [&] { return done; });
    }
};

}  // namespace

int main(int argc, char **argv) {
    if (argc != 3 || std::atoi(argv[1]) <= 0) {
        fprintf(stderr, "usage: %s PORT DIR\n", argv[0]);
        return 2;
    }
    const std::string port = argv[1], dir = argv[2], www = dir + "/www";
    const std::string local = dir + "/do-dest/sub/3MiB.bin";  // DO creates missing directories

    IDOManager *mgr = nullptr;
    CHECK_HR(CoCreateInstance(CLSID_DeliveryOptimization, nullptr, CLSCTX_LOCAL_SERVER, IID_IDOManager,
                              reinterpret_cast<void **>(&mgr)),
             S_OK);
    if (!mgr) return check_summary("e2e_do");

    IDODownload *d = nullptr;
    CHECK_HR(mgr->CreateDownload(&d), S_OK);
    if (!d) {
        mgr->Release();
        return check_summary("e2e_do");
    }
    StatusCallback cb;
    CHECK_HR(set_string(d, DODownloadProperty_Uri, "http://127.0.0.1:" + port + "/3MiB.bin"), S_OK);
    CHECK_HR(set_string(d, DODownloadProperty_LocalPath, local), S_OK);
    CHECK_HR(set_string(d, DODownloadProperty_DisplayName, "e2e DO download"), S_OK);
    CHECK_HR(set_string(d, DODownloadProperty_ContentId, "e2e-content-3MiB"), S_OK);
    CHECK_HR(set_bool(d, DODownloadProperty_ForegroundPriority, true), S_OK);
    CHECK_HR(set_unknown(d, DODownloadProperty_CallbackInterface, static_cast<IUnknown *>(&cb)), S_OK);
    CHECK(cb.refs == 2);
    // A property of the wrong type is refused.
    CHECK_HR(set_bool(d, DODownloadProperty_Uri, true), E_INVALIDARG);

    // The Microsoft SDK's first Start: a ranges struct with RangeCount 0 (whole file).
    DO_DOWNLOAD_RANGES_INFO none{};
    none.RangeCount = 0;
    CHECK_HR(d->Start(&none), S_OK);
    CHECK(cb.wait_done());
    {
        std::lock_guard<std::mutex> g(cb.lock);
        CHECK_HR(cb.finalize_hr, S_OK);
        CHECK(!cb.seen.empty() && cb.seen.back().State == DODownloadState_Finalized);
        bool saw_transferred = false;
        for (const auto &s : cb.seen) {
            if (s.State == DODownloadState_Transferred) {
                saw_transferred = true;
                CHECK(s.BytesTotal == (3u << 20) && s.BytesTransferred == (3u << 20));
            }
            CHECK(s.Error == S_OK);
        }
        CHECK(saw_transferred);
    }
    DO_DOWNLOAD_STATUS st{};
    CHECK_HR(d->GetStatus(&st), S_OK);
    CHECK(st.State == DODownloadState_Finalized);
    CHECK(slurp(local) == slurp(www + "/3MiB.bin"));
    CHECK(slurp(local).size() == (3u << 20));

    VARIANT v;
    VariantInit(&v);
    CHECK_HR(d->GetProperty(DODownloadProperty_HttpStatusCode, &v), S_OK);
    CHECK(V_VT(&v) == VT_UI4 && V_UI4(&v) == 200);
    VariantClear(&v);
    CHECK_HR(d->GetProperty(DODownloadProperty_ContentId, &v), S_OK);
    CHECK(V_VT(&v) == VT_BSTR && wide_equals(V_BSTR(&v), "e2e-content-3MiB"));
    VariantClear(&v);
    CHECK_HR(d->GetProperty(DODownloadProperty_SecurityFlags, &v), DO_E_WRITE_ONLY_PROPERTY);
    d->Release();
    CHECK(cb.wait_refs(1));  // the finished download gave its reference back

    // A missing file: the callback sees Paused with the 404 and aborts.
    StatusCallback cb2;
    IDODownload *e = nullptr;
    CHECK_HR(mgr->CreateDownload(&e), S_OK);
    if (e) {
        CHECK_HR(set_string(e, DODownloadProperty_Uri, "http://127.0.0.1:" + port + "/no-such-file"), S_OK);
        CHECK_HR(set_string(e, DODownloadProperty_LocalPath, dir + "/do-dest/missing.bin"), S_OK);
        CHECK_HR(set_unknown(e, DODownloadProperty_CallbackInterface, static_cast<IUnknown *>(&cb2)), S_OK);
        CHECK_HR(e->Start(nullptr), S_OK);
        CHECK(cb2.wait_done());
        {
            std::lock_guard<std::mutex> g(cb2.lock);
            bool saw_404 = false;
            for (const auto &s : cb2.seen)
                saw_404 |= s.State == DODownloadState_Paused && s.Error == BG_E_HTTP_ERROR_404;
            CHECK(saw_404);
        }
        CHECK_HR(e->Finalize(), DO_E_INVALID_STATE);
        CHECK(slurp(dir + "/do-dest/missing.bin").empty());
        e->Release();
    }
    CHECK(cb2.wait_refs(1));
    CHECK(mgr->Release() == 0);
    return check_summary("e2e_do");
}
