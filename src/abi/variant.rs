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

/// A VARIANT a caller passed in, read into owned values (strings and byte arrays are copied; an
/// interface pointer stays borrowed for the call).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InVariant {
    Empty,
    Str(String),
    /// VT_UI4, VT_UINT, and non-negative VT_I4 / VT_INT.
    U32(u32),
    /// VT_UI8 and non-negative VT_I8.
    U64(u64),
    Bool(bool),
    Bytes(Vec<u8>),
    /// VT_UNKNOWN (possibly NULL), borrowed.
    Unknown(*mut IUnknown),
    /// Any other type.
    Other(VARTYPE),
}

/// Reads a caller's VARIANT. E_POINTER for NULL; E_INVALIDARG for a BSTR that is not valid
/// UTF-16 or a SAFEARRAY that is not one dimension of bytes.
///
/// Safe to call by design, as the helpers of `args`: the pointer comes straight from an exported
/// function whose C contract makes it valid.
#[allow(clippy::not_unsafe_ptr_arg_deref)]
pub fn read_variant(p: *const VARIANT) -> Result<InVariant, HRESULT> {
    if p.is_null() {
        return Err(E_POINTER);
    }
    // SAFETY: the caller's contract: a non-NULL VARIANT pointer is readable and its `vt` says
    // which union member is valid; BSTRs and SAFEARRAYs in it are live for the call.
    unsafe {
        let v = &*p;
        Ok(match v.vt {
            VT_EMPTY => InVariant::Empty,
            VT_BSTR => {
                let b = v.val.bstrVal;
                let n = super::memory::bstr_len(b);
                if b.is_null() || n == 0 {
                    InVariant::Str(String::new())
                } else {
                    let units = core::slice::from_raw_parts(b as *const WCHAR, n);
                    InVariant::Str(String::from_utf16(units).map_err(|_| E_INVALIDARG)?)
                }
            }
            VT_UI4 | VT_UINT => InVariant::U32(v.val.ulVal),
            VT_I4 | VT_INT => match u32::try_from(v.val.lVal) {
                Ok(u) => InVariant::U32(u),
                Err(_) => InVariant::Other(v.vt),
            },
            VT_UI8 => InVariant::U64(v.val.ullVal),
            VT_I8 => match u64::try_from(v.val.llVal) {
                Ok(u) => InVariant::U64(u),
                Err(_) => InVariant::Other(v.vt),
            },
            VT_BOOL => InVariant::Bool(v.val.boolVal != VARIANT_FALSE),
            VT_UNKNOWN => InVariant::Unknown(v.val.punkVal),
            t if t == VT_ARRAY | VT_UI1 => {
                let sa = v.val.parray;
                if sa.is_null() {
                    return Err(E_INVALIDARG);
                }
                let sa = &*sa;
                if sa.cDims != 1 || sa.cbElements != 1 {
                    return Err(E_INVALIDARG);
                }
                let n = sa.rgsabound[0].cElements as usize;
                if n > 0 && sa.pvData.is_null() {
                    return Err(E_INVALIDARG);
                }
                let bytes =
                    if n == 0 { Vec::new() } else { core::slice::from_raw_parts(sa.pvData as *const u8, n).to_vec() };
                InVariant::Bytes(bytes)
            }
            t => InVariant::Other(t),
        })
    }
}

/// A value to return in an `[out] VARIANT *`.
#[derive(Debug)]
pub enum OutVariant {
    Str(String),
    U32(u32),
    U64(u64),
    Bool(bool),
    /// An interface pointer with one reference that passes to the caller.
    Unknown(*mut IUnknown),
}

/// Fills a caller's `[out] VARIANT *` (which should be empty; it is overwritten without being
/// cleared, as COM's out-parameter rule says). E_POINTER for NULL, E_OUTOFMEMORY when a BSTR
/// cannot be allocated. Safe by design, as `read_variant`.
#[allow(clippy::not_unsafe_ptr_arg_deref)]
pub fn write_variant(p: *mut VARIANT, value: OutVariant) -> Result<(), HRESULT> {
    if p.is_null() {
        if let OutVariant::Unknown(u) = value {
            // SAFETY: we own this reference and nobody will receive it.
            unsafe { release_unknown(u) };
        }
        return Err(E_POINTER);
    }
    let mut v = VARIANT::empty();
    match value {
        OutVariant::Str(s) => {
            let b = super::memory::bstr_from_str(&s);
            if b.is_null() {
                return Err(E_OUTOFMEMORY);
            }
            v.vt = VT_BSTR;
            v.val.bstrVal = b;
        }
        OutVariant::U32(u) => {
            v.vt = VT_UI4;
            v.val.ulVal = u;
        }
        OutVariant::U64(u) => {
            v.vt = VT_UI8;
            v.val.ullVal = u;
        }
        OutVariant::Bool(b) => {
            v.vt = VT_BOOL;
            v.val.boolVal = if b { VARIANT_TRUE } else { VARIANT_FALSE };
        }
        OutVariant::Unknown(u) => {
            v.vt = VT_UNKNOWN;
            v.val.punkVal = u;
        }
    }
    // SAFETY: `p` is a caller's writable VARIANT (checked non-NULL).
    unsafe { p.write(v) };
    Ok(())
}
