/*
 * C++ with CINTERFACE defined gets the C view, as with the Windows SDK: `p->lpVtbl->Method(p, ...)`
 * and the COBJMACROS. Compiled with -fsyntax-only (nothing here needs the library).
 */
#define CINTERFACE
#define COBJMACROS
#include "deliveryopt.h"

#include <type_traits>

static_assert(!std::is_polymorphic<IBackgroundCopyJob>::value, "the C view has no C++ vtable");
static_assert(std::is_same<decltype(IBackgroundCopyJob::lpVtbl), const IBackgroundCopyJobVtbl *>::value,
              "the object is a pointer to the C vtable");

HRESULT resume_twice(IBackgroundCopyJob2 *job);
HRESULT resume_twice(IBackgroundCopyJob2 *job)
{
    HRESULT hr = job->lpVtbl->Resume(job);
    if (SUCCEEDED(hr)) hr = IBackgroundCopyJob2_Resume(job);
    IUnknown *unk = nullptr;
    if (SUCCEEDED(hr)) hr = IBackgroundCopyJob2_QueryInterface(job, IID_IUnknown, reinterpret_cast<void **>(&unk));
    if (SUCCEEDED(hr)) IUnknown_Release(unk);
    return hr;
}
