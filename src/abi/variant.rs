//! `VariantInit` / `VariantClear`, exported under their Windows names.

use super::hresult::*;
use super::memory::SysFreeString;
use super::types::*;
use super::vtbl::IUnknown;

/// Sets `pvarg` to VT_EMPTY without freeing anything it held.
///
/// # Safety
/// `pvarg` must be NULL or point to writable VARIANT memory.
#[no_mangle]
pub unsafe extern "C" fn VariantInit(pvarg: *mut VARIANT) {
    crate::ffi_boundary!((), {
        if !pvarg.is_null() {
            // SAFETY: the caller guarantees `pvarg` is writable VARIANT memory.
            unsafe { pvarg.write(VARIANT::empty()) }
        }
    })
}

/// Frees what a VARIANT owns (a BSTR with `SysFreeString`, an interface with `Release`, a
/// SAFEARRAY of bytes) and sets it to VT_EMPTY. Returns S_OK, or E_INVALIDARG for NULL.
///
/// # Safety
/// `pvarg` must be NULL or a VARIANT initialised by `VariantInit` or filled by this library.
#[no_mangle]
pub unsafe extern "C" fn VariantClear(pvarg: *mut VARIANT) -> HRESULT {
    crate::ffi_boundary!(E_UNEXPECTED, {
        if pvarg.is_null() {
            return E_INVALIDARG;
        }
        // SAFETY: the caller guarantees `pvarg` is a valid VARIANT; the member read matches `vt`.
        unsafe {
            let v = &mut *pvarg;
            if v.vt & VT_BYREF == 0 {
                match v.vt {
                    VT_BSTR => SysFreeString(v.val.bstrVal),
                    VT_UNKNOWN => release_unknown(v.val.punkVal),
                    vt if vt & VT_ARRAY != 0 => destroy_safearray(v.val.parray),
                    _ => {}
                }
            }
            *v = VARIANT::empty();
        }
        S_OK
    })
}

/// Calls `Release` on a caller's (or our) interface pointer, ignoring NULL and NULL slots.
///
/// # Safety
/// `p` must be NULL or a live COM interface pointer.
pub unsafe fn release_unknown(p: *mut IUnknown) {
    if p.is_null() {
        return;
    }
    // SAFETY: a live COM pointer points at a vtable pointer whose slot 2 is Release.
    unsafe {
        if let Some(release) = (*(*p).lpVtbl).Release {
            release(p);
        }
    }
}

/// Allocates a one-dimensional SAFEARRAY of bytes (VT_ARRAY | VT_UI1) holding `data`.
pub fn safearray_from_bytes(data: &[u8]) -> *mut SAFEARRAY {
    let sa = super::memory::co_task_mem_alloc(core::mem::size_of::<SAFEARRAY>()) as *mut SAFEARRAY;
    if sa.is_null() {
        return sa;
    }
    let buf = super::memory::co_task_mem_alloc(data.len());
    if buf.is_null() {
        // SAFETY: `sa` was just allocated by this allocator.
        unsafe { libc::free(sa as *mut core::ffi::c_void) };
        return core::ptr::null_mut();
    }
    // SAFETY: both blocks were just allocated with the sizes written here.
    unsafe {
        core::ptr::copy_nonoverlapping(data.as_ptr(), buf as *mut u8, data.len());
        sa.write(SAFEARRAY {
            cDims: 1,
            fFeatures: 0,
            cbElements: 1,
            cLocks: 0,
            pvData: buf,
            rgsabound: [SAFEARRAYBOUND { cElements: data.len() as ULONG, lLbound: 0 }],
        });
    }
    sa
}

/// Frees a SAFEARRAY made by [`safearray_from_bytes`] (or by a caller with the same layout and
/// the COM task allocator).
///
/// # Safety
/// `sa` must be NULL or such an array.
pub unsafe fn destroy_safearray(sa: *mut SAFEARRAY) {
    if sa.is_null() {
        return;
    }
    // SAFETY: caller contract: both blocks come from the task allocator.
    unsafe {
        libc::free((*sa).pvData);
        libc::free(sa as *mut core::ffi::c_void);
    }
}
