/*
 * The C view of deliveryopt.h, compiled as C99 and C11 (with and without -fshort-wchar) with
 * -Wall -Wextra -Wpedantic -Werror, then run. It does not need the library: the object is
 * written here in C, and the GUIDs are local copies.
 *
 * Checks: HRESULT constants have type HRESULT and compare equal to a 32-bit value; VARIANT is 24
 * bytes with `vt` at 0 and the value at 8, reachable as `v.bstrVal` (C11) or `v.n1.bstrVal`
 * (C99) and through the V_* accessors; WCHAR strings from u"..." (C11) or L"..." (-fshort-wchar);
 * a COM object made in C, called through `lpVtbl` and through the COBJMACROS, inherited slots
 * included; IsEqualGUID & co. take pointers in C.
 */
#include "deliveryopt.h"

#include <stdio.h>

#if defined(__STDC_VERSION__) && __STDC_VERSION__ >= 201112L
#define C11 1
#else
#define C11 0
#endif
#if defined(__SIZEOF_WCHAR_T__) && __SIZEOF_WCHAR_T__ == 2
#define SHORT_WCHAR 1
#else
#define SHORT_WCHAR 0
#endif

static int failures;
#define CHECK(cond)                                                    \
    do {                                                               \
        if (!(cond)) {                                                 \
            printf("  check failed, line %d: %s\n", __LINE__, #cond); \
            failures++;                                                \
        }                                                              \
    } while (0)

/* C99 has no _Static_assert: a negative array size fails the build instead. */
#define STATIC_CHECK(name, cond) typedef char static_check_##name[(cond) ? 1 : -1]

STATIC_CHECK(hresult_is_32_bit_signed, sizeof(HRESULT) == 4 && (HRESULT)-1 < 0);
STATIC_CHECK(bg_e_not_found_is_negative, BG_E_NOT_FOUND < 0);
STATIC_CHECK(bg_e_not_found_size, sizeof(BG_E_NOT_FOUND) == 4);
STATIC_CHECK(hresult_from_win32_is_constant, HRESULT_FROM_WIN32(5) == E_ACCESSDENIED);
STATIC_CHECK(wchar_is_16_bit, sizeof(WCHAR) == 2);
STATIC_CHECK(dword_is_32_bit, sizeof(DWORD) == 4 && sizeof(ULONG) == 4 && sizeof(BOOL) == 4);
STATIC_CHECK(guid_size, sizeof(GUID) == 16);
STATIC_CHECK(filetime_size, sizeof(FILETIME) == 8);
STATIC_CHECK(variant_size, sizeof(VARIANT) == 24);
STATIC_CHECK(variant_vt_at_0, offsetof(VARIANT, vt) == 0);
STATIC_CHECK(large_integer_size, sizeof(LARGE_INTEGER) == 8 && sizeof(ULARGE_INTEGER) == 8);
STATIC_CHECK(object_is_one_pointer, sizeof(IBackgroundCopyJob) == sizeof(void *));
/* 32-bit flag words stay 32 bits: ~X is 0x7FFFFFFF, not a 64-bit long (0x80000000 is unsigned, as in the SDK). */
STATIC_CHECK(cost_flags_are_32_bit, sizeof(BITS_COST_OPTION_IGNORE_CONGESTION) == 4 &&
                                        ~BITS_COST_OPTION_IGNORE_CONGESTION == 0x7FFFFFFFu);
#if C11
_Static_assert(_Generic(BG_E_NOT_FOUND, HRESULT: 1, default: 0), "BG_E_NOT_FOUND has type HRESULT");
_Static_assert(_Generic(S_OK, HRESULT: 1, default: 0), "S_OK has type HRESULT");
_Static_assert(_Generic(DO_E_JOB_NOT_FOUND, HRESULT: 1, default: 0), "DO_E_* have type HRESULT");
_Static_assert(_Generic(HRESULT_FROM_WIN32(2), HRESULT: 1, default: 0), "HRESULT_FROM_WIN32 gives an HRESULT");
_Static_assert(offsetof(VARIANT, bstrVal) == 8, "anonymous union at offset 8");
_Static_assert(offsetof(VARIANT, ullVal) == 8, "anonymous union at offset 8");
#else
STATIC_CHECK(variant_n1_at_8, offsetof(VARIANT, n1) == 8);
#endif

/* The COBJMACROS exist for inherited slots too, and for the last slot of the longest chain. */
#if !defined(IBackgroundCopyJob5_AddFile) || !defined(IBackgroundCopyJob5_GetProperty) || \
    !defined(IStream_Write) || !defined(IBackgroundCopyCallback3_QueryInterface)
#error "COBJMACROS missing"
#endif

/* Local copies of IIDs, so that this test needs no library. */
static const GUID iid_unknown = {0x00000000, 0x0000, 0x0000, {0xC0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}};
static const GUID iid_callback = {0x97EA99C7, 0x0186, 0x4AD4, {0x8D, 0xF9, 0xC5, 0xB4, 0xE0, 0xED, 0x6B, 0x22}};
static const GUID iid_other = {0x01234567, 0x89AB, 0xCDEF, {0x01, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF}};
static const GUID iid_callback2 = {0x659CDEAC, 0x489E, 0x11D9, {0xA9, 0xCD, 0x00, 0x0D, 0x56, 0x96, 0x52, 0x51}};

/* A callback object written in C: the interface (vtable pointer) first, then the state. */
typedef struct Callback {
    IBackgroundCopyCallback2 iface;
    ULONG refs;
    int transferred, errors, modified, files;
} Callback;

static Callback *impl(IBackgroundCopyCallback2 *This) { return (Callback *)This; }

static HRESULT STDMETHODCALLTYPE cb_QueryInterface(IBackgroundCopyCallback2 *This, REFIID riid, void **ppv)
{
    if (IsEqualIID(riid, &iid_unknown) || IsEqualIID(riid, &iid_callback) || InlineIsEqualGUID(riid, &iid_callback2)) {
        *ppv = This;
        This->lpVtbl->AddRef(This);
        return S_OK;
    }
    *ppv = NULL;
    return E_NOINTERFACE;
}
static ULONG STDMETHODCALLTYPE cb_AddRef(IBackgroundCopyCallback2 *This) { return ++impl(This)->refs; }
static ULONG STDMETHODCALLTYPE cb_Release(IBackgroundCopyCallback2 *This) { return --impl(This)->refs; }
static HRESULT STDMETHODCALLTYPE cb_JobTransferred(IBackgroundCopyCallback2 *This, IBackgroundCopyJob *pJob)
{
    (void)pJob;
    impl(This)->transferred++;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE cb_JobError(IBackgroundCopyCallback2 *This, IBackgroundCopyJob *pJob,
                                             IBackgroundCopyError *pError)
{
    (void)pJob;
    (void)pError;
    impl(This)->errors++;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE cb_JobModification(IBackgroundCopyCallback2 *This, IBackgroundCopyJob *pJob,
                                                    DWORD dwReserved)
{
    (void)pJob;
    impl(This)->modified += (int)dwReserved + 1;
    return S_OK;
}
static HRESULT STDMETHODCALLTYPE cb_FileTransferred(IBackgroundCopyCallback2 *This, IBackgroundCopyJob *pJob,
                                                    IBackgroundCopyFile *pFile)
{
    (void)pJob;
    (void)pFile;
    impl(This)->files++;
    return S_OK;
}

static const IBackgroundCopyCallback2Vtbl callback_vtbl = {
    cb_QueryInterface, cb_AddRef, cb_Release, cb_JobTransferred, cb_JobError, cb_JobModification, cb_FileTransferred,
};

/*
 * Type-checked, never called: the macros and the by-value union argument of Job5::SetProperty.
 * (External linkage, so that the unused function is not a warning.)
 */
HRESULT use_job_macros(IBackgroundCopyJob5 *job, LPCWSTR url, LPCWSTR path);
HRESULT use_job_macros(IBackgroundCopyJob5 *job, LPCWSTR url, LPCWSTR path)
{
    BITS_JOB_PROPERTY_VALUE value;
    BG_JOB_STATE state;
    HRESULT hr = IBackgroundCopyJob5_AddFile(job, url, path);
    if (FAILED(hr)) return hr;
    value.Enable = TRUE;
    hr = IBackgroundCopyJob5_SetProperty(job, BITS_JOB_PROPERTY_DYNAMIC_CONTENT, value);
    if (FAILED(hr)) return hr;
    hr = IBackgroundCopyJob5_GetState(job, &state);
    if (SUCCEEDED(hr) && state == BG_JOB_STATE_TRANSFERRED) hr = IBackgroundCopyJob5_Complete(job);
    return hr;
}

int main(void)
{
    Callback cb;
    IBackgroundCopyCallback2 *p = &cb.iface;
    IUnknown *unk = NULL;
    void *out = NULL;
    HRESULT hr = (HRESULT)0x80200001;
    VARIANT v;
#if C11
    LPCWSTR name = u"job \u00e9";
#elif SHORT_WCHAR
    LPCWSTR name = L"job \u00e9";
#else
    static const WCHAR name_units[] = {'j', 'o', 'b', ' ', 0xE9, 0};
    LPCWSTR name = name_units;
#endif
#if SHORT_WCHAR
    LPCWSTR wide = L"L\"...\" literal";
    CHECK(wide[0] == 'L' && sizeof(wide[0]) == 2);
#endif

    /* HRESULTs */
    CHECK(hr == BG_E_NOT_FOUND);
    CHECK(FAILED(hr) && !SUCCEEDED(hr));
    CHECK(SUCCEEDED(S_FALSE) && S_OK == 0);
    CHECK(HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED) == E_ACCESSDENIED);
    CHECK(HRESULT_FROM_WIN32(ERROR_SUCCESS) == S_OK);
    CHECK(HRESULT_FROM_WIN32(ERROR_NOT_FOUND) == E_NOT_SET);
    CHECK(HRESULT_CODE(E_INVALIDARG) == 0x57 && HRESULT_FACILITY(BG_E_NOT_FOUND) == 0x20);
    switch (hr) {
    case BG_E_NOT_FOUND:
        break;
    default:
        CHECK(!"switch on BG_E_NOT_FOUND");
    }

    /* Strings */
    CHECK(name[0] == 'j' && name[4] == 0xE9 && name[5] == 0);

    /* VARIANT */
    memset(&v, 0, sizeof v);
    V_VT(&v) = VT_BOOL;
    V_BOOL(&v) = VARIANT_TRUE;
    CHECK(v.vt == VT_BOOL && V_BOOL(&v) == -1);
    V_VT(&v) = VT_UI8;
    V_UI8(&v) = 0x0102030405060708ULL;
    CHECK(*(const ULONGLONG *)((const char *)&v + 8) == 0x0102030405060708ULL);
#if C11
    v.vt = VT_UI4;
    v.ulVal = 42;
    CHECK(V_UI4(&v) == 42);
    v.vt = VT_BSTR;
    v.bstrVal = NULL;
    CHECK(V_BSTR(&v) == NULL);
#else
    v.n1.ulVal = 42;
    CHECK(V_UI4(&v) == 42);
#endif

    /* GUIDs: pointers in C */
    CHECK(IsEqualGUID(&iid_callback, &iid_callback));
    CHECK(!IsEqualIID(&iid_callback, &iid_unknown));
    CHECK(IsEqualCLSID(&iid_unknown, &iid_unknown));

    /* A COM object made in C, through lpVtbl and through the macros */
    cb.iface.lpVtbl = &callback_vtbl;
    cb.refs = 1;
    cb.transferred = cb.errors = cb.modified = cb.files = 0;
    CHECK(p->lpVtbl->JobTransferred(p, NULL) == S_OK);
    CHECK(IBackgroundCopyCallback2_JobTransferred(p, NULL) == S_OK);
    CHECK(IBackgroundCopyCallback2_JobError(p, NULL, NULL) == S_OK);
    CHECK(IBackgroundCopyCallback2_JobModification(p, NULL, 0) == S_OK);
    CHECK(IBackgroundCopyCallback2_FileTransferred(p, NULL, NULL) == S_OK);
    CHECK(cb.transferred == 2 && cb.errors == 1 && cb.modified == 1 && cb.files == 1);
    CHECK(IBackgroundCopyCallback2_QueryInterface(p, &iid_unknown, &out) == S_OK && out == p);
    unk = (IUnknown *)out;
    CHECK(IUnknown_Release(unk) == 1);
    CHECK(IBackgroundCopyCallback2_QueryInterface(p, &iid_callback2, &out) == S_OK);
    CHECK(IBackgroundCopyCallback_Release((IBackgroundCopyCallback *)out) == 1);
    CHECK(p->lpVtbl->QueryInterface(p, &iid_other, &out) == E_NOINTERFACE);
    CHECK(out == NULL);
    CHECK(IBackgroundCopyCallback2_AddRef(p) == 2 && IBackgroundCopyCallback2_Release(p) == 1);

    if (failures) {
        printf("  %d check(s) failed\n", failures);
        return 1;
    }
    return 0;
}
