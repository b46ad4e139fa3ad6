/*
 * The C++ view of deliveryopt.h, compiled as C++11 and C++17 with -Wall -Wextra -Wpedantic -Werror,
 * linked to libdeliveryopt.so and run.
 *
 * Checks: a C++ class implementing IBackgroundCopyCallback3 compiles and can be instantiated, and
 * its Itanium vtable is the C vtable (called through IBackgroundCopyCallback3Vtbl it reaches the
 * C++ methods); `p->Method()` on library objects; IID_PPV_ARGS and DELIVERYOPT_UUIDOF; REFIID is a
 * reference and GUIDs compare with ==; u"..." literals are LPCWSTR; VARIANT's union is anonymous;
 * HRESULT constants have type HRESULT.
 */
#include "deliveryopt.h"

#include <cstddef>
#include <cstdio>
#include <type_traits>

static int failures;
#define CHECK(cond)                                                    \
    do {                                                               \
        if (!(cond)) {                                                 \
            printf("  check failed, line %d: %s\n", __LINE__, #cond); \
            failures++;                                                \
        }                                                              \
    } while (0)

static_assert(std::is_same<decltype(BG_E_NOT_FOUND), HRESULT>::value, "HRESULT constants have type HRESULT");
static_assert(std::is_same<REFIID, const IID &>::value, "REFIID is a reference in C++");
static_assert(std::is_same<WCHAR, char16_t>::value || sizeof(wchar_t) == 2, "WCHAR is char16_t");
static_assert(std::is_abstract<IBackgroundCopyJob5>::value, "interfaces are abstract classes");
static_assert(std::is_base_of<IBackgroundCopyJob, IBackgroundCopyJob5>::value, "Job5 derives from Job");
static_assert(std::is_base_of<IUnknown, IDODownload>::value, "IDODownload derives from IUnknown");
static_assert(sizeof(IBackgroundCopyJob) == sizeof(void *), "an interface is one vtable pointer");
static_assert(offsetof(VARIANT, bstrVal) == 8 && sizeof(VARIANT) == 24, "VARIANT layout");

/* A callback object as Windows C++ code writes it. */
class Callback final : public IBackgroundCopyCallback3 {
public:
    ULONG refs = 1;
    int transferred = 0, errors = 0, modified = 0, files = 0, ranges = 0;

    HRESULT STDMETHODCALLTYPE QueryInterface(REFIID riid, void **ppv) override
    {
        if (riid == IID_IUnknown || riid == IID_IBackgroundCopyCallback || IsEqualIID(riid, IID_IBackgroundCopyCallback2) ||
            InlineIsEqualGUID(riid, DELIVERYOPT_UUIDOF(IBackgroundCopyCallback3))) {
            *ppv = static_cast<IBackgroundCopyCallback3 *>(this);
            AddRef();
            return S_OK;
        }
        *ppv = nullptr;
        return E_NOINTERFACE;
    }
    ULONG STDMETHODCALLTYPE AddRef() override { return ++refs; }
    ULONG STDMETHODCALLTYPE Release() override { return --refs; }
    HRESULT STDMETHODCALLTYPE JobTransferred(IBackgroundCopyJob *) override
    {
        transferred++;
        return S_OK;
    }
    HRESULT STDMETHODCALLTYPE JobError(IBackgroundCopyJob *, IBackgroundCopyError *) override
    {
        errors++;
        return S_OK;
    }
    HRESULT STDMETHODCALLTYPE JobModification(IBackgroundCopyJob *, DWORD) override
    {
        modified++;
        return S_OK;
    }
    HRESULT STDMETHODCALLTYPE FileTransferred(IBackgroundCopyJob *, IBackgroundCopyFile *) override
    {
        files++;
        return S_OK;
    }
    HRESULT STDMETHODCALLTYPE FileRangesTransferred(IBackgroundCopyJob *, IBackgroundCopyFile *, DWORD rangeCount,
                                                    const BG_FILE_RANGE *) override
    {
        ranges += static_cast<int>(rangeCount);
        return S_OK;
    }
};

int main()
{
    Callback cb;
    IBackgroundCopyCallback *base = &cb;
    IBackgroundCopyCallback2 *cb2 = nullptr;

    /* C++ calls */
    CHECK(base->JobTransferred(nullptr) == S_OK);
    CHECK(base->QueryInterface(IID_PPV_ARGS(&cb2)) == S_OK && cb2 == &cb);
    CHECK(cb2->FileTransferred(nullptr, nullptr) == S_OK);
    CHECK(cb2->Release() == 1);

    /* The same object through the C vtable: the C++ vtable has the same slots in the same order. */
    IBackgroundCopyCallback3 *as3 = &cb;
    const IBackgroundCopyCallback3Vtbl *vt = *reinterpret_cast<const IBackgroundCopyCallback3Vtbl *const *>(as3);
    BG_FILE_RANGE range = {0, 10};
    CHECK(vt->AddRef(as3) == 2 && vt->Release(as3) == 1);
    CHECK(vt->JobError(as3, nullptr, nullptr) == S_OK);
    CHECK(vt->JobModification(as3, nullptr, 0) == S_OK);
    CHECK(vt->FileRangesTransferred(as3, nullptr, nullptr, 1, &range) == S_OK);
    CHECK(cb.transferred == 1 && cb.errors == 1 && cb.modified == 1 && cb.files == 1 && cb.ranges == 1);

    /* Values */
    HRESULT hr = static_cast<HRESULT>(0x80200001u);
    CHECK(hr == BG_E_NOT_FOUND && FAILED(hr));
    CHECK(HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED) == E_ACCESSDENIED);
    LPCWSTR name = u"job";
    CHECK(name[0] == u'j');
    VARIANT v = {};
    v.vt = VT_BSTR;
    v.bstrVal = nullptr;
    CHECK(V_VT(&v) == VT_BSTR && V_BSTR(&v) == nullptr);

    /* The library's objects, through the C++ view */
    IBackgroundCopyManager *mgr = nullptr;
    hr = CoCreateInstance(CLSID_BackgroundCopyManager, nullptr, CLSCTX_ALL, IID_PPV_ARGS(&mgr));
    CHECK(hr == S_OK && mgr != nullptr);
    if (mgr) {
        IUnknown *unk = nullptr;
        CHECK(mgr->QueryInterface(IID_PPV_ARGS(&unk)) == S_OK && unk != nullptr);
        if (unk) unk->Release();
        IStream *wrong = nullptr; /* no BITS object is a stream */
        CHECK(mgr->QueryInterface(IID_PPV_ARGS(&wrong)) == E_NOINTERFACE && wrong == nullptr);
        mgr->Release();
    }

    if (failures) {
        printf("  %d check(s) failed\n", failures);
        return 1;
    }
    return 0;
}
