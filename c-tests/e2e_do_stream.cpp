// Delivery Optimization into a caller's IStream, with ranges, against a real nginx:
// `e2e_do_stream PORT DIR`. The stream is a C++ IStream whose Write appends to a buffer (DO calls
// nothing else); Start gets three ranges (one to DO_LENGTH_TO_EOF) in BlockingMode, and the
// bytes must arrive in the order of the ranges. A second download whose stream fails Write must
// stop Paused with that HRESULT.
#include <deliveryoptimization.h>
#include <deliveryoptimizationerrors.h>

#include <atomic>
#include <chrono>
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

// winerror.h's STG_E_MEDIUMFULL (a full medium), a typical stream failure.
const HRESULT STG_E_MEDIUMFULL_ = static_cast<HRESULT>(0x80030070u);

class Stream : public IStream {
  public:
    std::atomic<ULONG> refs{1};
    std::mutex lock;
    std::vector<char> data;
    size_t fail_after = SIZE_MAX;

    HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void **ppv) override {
        if (ppv == nullptr) return E_POINTER;
        if (IsEqualIID(riid, IID_IUnknown) || IsEqualIID(riid, IID_ISequentialStream) || IsEqualIID(riid, IID_IStream)) {
            *ppv = static_cast<IStream *>(this);
            AddRef();
            return S_OK;
        }
        *ppv = nullptr;
        return E_NOINTERFACE;
    }
    ULONG STDMETHODCALLTYPE AddRef() override { return ++refs; }
    ULONG STDMETHODCALLTYPE Release() override { return --refs; }  // on the stack: counted, not deleted

    HRESULT STDMETHODCALLTYPE Read(void *, ULONG, ULONG *) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE Write(const void *pv, ULONG cb, ULONG *written) override {
        std::lock_guard<std::mutex> g(lock);
        if (data.size() >= fail_after) return STG_E_MEDIUMFULL_;
        const char *p = static_cast<const char *>(pv);
        data.insert(data.end(), p, p + cb);
        if (written) *written = cb;
        return S_OK;
    }
    HRESULT STDMETHODCALLTYPE Seek(LARGE_INTEGER, DWORD, ULARGE_INTEGER *) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE SetSize(ULARGE_INTEGER) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE CopyTo(IStream *, ULARGE_INTEGER, ULARGE_INTEGER *, ULARGE_INTEGER *) override {
        return E_NOTIMPL;
    }
    HRESULT STDMETHODCALLTYPE Commit(DWORD) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE Revert() override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE LockRegion(ULARGE_INTEGER, ULARGE_INTEGER, DWORD) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE UnlockRegion(ULARGE_INTEGER, ULARGE_INTEGER, DWORD) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE Stat(STATSTG *, DWORD) override { return E_NOTIMPL; }
    HRESULT STDMETHODCALLTYPE Clone(IStream **) override { return E_NOTIMPL; }

    bool wait_refs(ULONG n) {
        for (int i = 0; i < 500 && refs != n; i++) std::this_thread::sleep_for(std::chrono::milliseconds(10));
        return refs == n;
    }
};

HRESULT set_variant(IDODownload *d, DODownloadProperty id, VARIANT v) {
    HRESULT hr = d->SetProperty(id, &v);
    if (V_VT(&v) == VT_BSTR) VariantClear(&v);
    return hr;
}

VARIANT str(const std::string &s) {
    std::u16string w = wide(s);
    VARIANT v;
    VariantInit(&v);
    V_VT(&v) = VT_BSTR;
    V_BSTR(&v) = SysAllocString(reinterpret_cast<const WCHAR *>(w.c_str()));
    return v;
}

VARIANT boolean(bool b) {
    VARIANT v;
    VariantInit(&v);
    V_VT(&v) = VT_BOOL;
    V_BOOL(&v) = b ? VARIANT_TRUE : VARIANT_FALSE;
    return v;
}

VARIANT unknown(IUnknown *p) {
    VARIANT v;
    VariantInit(&v);
    V_VT(&v) = VT_UNKNOWN;
    V_UNKNOWN(&v) = p;
    return v;
}

// DO_DOWNLOAD_RANGES_INFO ends in a flexible array: allocate room for `n` ranges.
struct Ranges3 {
    UINT RangeCount;
    DO_DOWNLOAD_RANGE Ranges[3];
};

}  // namespace

int main(int argc, char **argv) {
    if (argc != 3 || std::atoi(argv[1]) <= 0) {
        fprintf(stderr, "usage: %s PORT DIR\n", argv[0]);
        return 2;
    }
    const std::string port = argv[1], www = std::string(argv[2]) + "/www";
    const std::vector<char> source = slurp(www + "/3MiB.bin");
    CHECK(source.size() == (3u << 20));

    IDOManager *mgr = nullptr;
    CHECK_HR(CoCreateInstance(CLSID_DeliveryOptimization, nullptr, CLSCTX_LOCAL_SERVER, IID_IDOManager,
                              reinterpret_cast<void **>(&mgr)),
             S_OK);
    if (!mgr) return check_summary("e2e_do_stream");

    Stream stream;
    IDODownload *d = nullptr;
    CHECK_HR(mgr->CreateDownload(&d), S_OK);
    if (d) {
        CHECK_HR(set_variant(d, DODownloadProperty_Uri, str("http://127.0.0.1:" + port + "/3MiB.bin")), S_OK);
        CHECK_HR(set_variant(d, DODownloadProperty_StreamInterface, unknown(static_cast<IUnknown *>(&stream))), S_OK);
        CHECK_HR(set_variant(d, DODownloadProperty_LocalPath, str("/tmp/not-used")), DO_E_FILE_DOWNLOADSINK_ALREADY_SET);
        CHECK_HR(set_variant(d, DODownloadProperty_BlockingMode, boolean(true)), S_OK);
        CHECK_HR(d->Start(nullptr), DO_E_DOWNLOAD_RANGES_EXPECTED);
        Ranges3 r{};
        r.RangeCount = 3;
        r.Ranges[0] = {1u << 20, 4096};
        r.Ranges[1] = {0, 1000};
        r.Ranges[2] = {(3u << 20) - 100, DO_LENGTH_TO_EOF};
        CHECK_HR(d->Start(reinterpret_cast<const DO_DOWNLOAD_RANGES_INFO *>(&r)), S_OK);
        DO_DOWNLOAD_STATUS st{};
        CHECK_HR(d->GetStatus(&st), S_OK);
        CHECK(st.State == DODownloadState_Transferred);  // BlockingMode: Start returned when done
        CHECK(st.BytesTransferred == 4096 + 1000 + 100 && st.BytesTotal == st.BytesTransferred);
        CHECK_HR(d->Finalize(), S_OK);
        std::vector<char> expected(source.begin() + (1 << 20), source.begin() + (1 << 20) + 4096);
        expected.insert(expected.end(), source.begin(), source.begin() + 1000);
        expected.insert(expected.end(), source.end() - 100, source.end());
        {
            std::lock_guard<std::mutex> g(stream.lock);
            CHECK(stream.data == expected);
        }
        d->Release();
    }
    CHECK(stream.wait_refs(1));

    // A stream that fails: the download stops Paused with the stream's own HRESULT.
    Stream failing;
    failing.fail_after = 1 << 20;
    IDODownload *e = nullptr;
    CHECK_HR(mgr->CreateDownload(&e), S_OK);
    if (e) {
        CHECK_HR(set_variant(e, DODownloadProperty_Uri, str("http://127.0.0.1:" + port + "/20MiB.bin")), S_OK);
        CHECK_HR(set_variant(e, DODownloadProperty_StreamInterface, unknown(static_cast<IUnknown *>(&failing))), S_OK);
        CHECK_HR(set_variant(e, DODownloadProperty_BlockingMode, boolean(true)), S_OK);
        Ranges3 whole{};
        whole.RangeCount = 1;
        whole.Ranges[0] = {0, DO_LENGTH_TO_EOF};
        CHECK_HR(e->Start(reinterpret_cast<const DO_DOWNLOAD_RANGES_INFO *>(&whole)), STG_E_MEDIUMFULL_);
        DO_DOWNLOAD_STATUS st{};
        CHECK_HR(e->GetStatus(&st), S_OK);
        CHECK(st.State == DODownloadState_Paused && st.Error == STG_E_MEDIUMFULL_);
        CHECK_HR(e->Abort(), S_OK);
        e->Release();
    }
    CHECK(failing.wait_refs(1));
    CHECK(mgr->Release() == 0);
    return check_summary("e2e_do_stream");
}
