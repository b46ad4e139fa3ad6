/*
 * DELIVERYOPT_NO_COBJMACROS turns the COBJMACROS off (for code that brings its own), unless
 * COBJMACROS is defined too. Compiled with -fsyntax-only, with and without -DCOBJMACROS.
 */
#define DELIVERYOPT_NO_COBJMACROS
#include "deliveryopt.h"

#if defined(COBJMACROS)
#ifndef IBackgroundCopyJob_Resume
#error "COBJMACROS must win over DELIVERYOPT_NO_COBJMACROS"
#endif
#else
#ifdef IBackgroundCopyJob_Resume
#error "DELIVERYOPT_NO_COBJMACROS must remove the macros"
#endif
/* Code bringing its own macro of the same name. */
#define IBackgroundCopyJob_Resume(This) ((This)->lpVtbl->Resume(This))
#endif

HRESULT resume(IBackgroundCopyJob *job);
HRESULT resume(IBackgroundCopyJob *job) { return IBackgroundCopyJob_Resume(job); }
