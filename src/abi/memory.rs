//! The COM task allocator and BSTRs, exported under their Windows names.
//!
//! Every string or array the library hands out (`LPWSTR *` out-parameters) is allocated with
//! `CoTaskMemAlloc` and must be freed by the caller with `CoTaskMemFree`. BSTRs (inside VARIANTs)
//! are allocated by `SysAllocString` and freed with `SysFreeString` or `VariantClear`.

#![allow(non_snake_case)]

use core::ffi::c_void;

use super::types::{BSTR, LPCWSTR, UINT, WCHAR};

/// Allocates `n` bytes (at least 1) with the allocator `CoTaskMemFree` releases.
pub fn co_task_mem_alloc(n: usize) -> *mut c_void {
    // SAFETY: malloc is safe to call with any size; a zero request is rounded up so the result is
    // a unique pointer that free() accepts.
    unsafe { libc::malloc(n.max(1)) }
}

/// A CoTaskMem copy of `items` (freed by the caller with `CoTaskMemFree`); None when out of
/// memory.
pub fn co_task_mem_slice<T: Copy>(items: &[T]) -> Option<*mut T> {
    let bytes = core::mem::size_of_val(items);
    let p = co_task_mem_alloc(bytes) as *mut T;
    if p.is_null() {
        return None;
    }
    // SAFETY: `p` is a fresh malloc block of at least `bytes` bytes (malloc's alignment suits
    // every plain type used here), and it cannot overlap `items`.
    unsafe { core::ptr::copy_nonoverlapping(items.as_ptr(), p, items.len()) };
    Some(p)
}

/// Allocates a block of memory for out-parameters (COM task allocator). Returns NULL when out of
/// memory. Free it with `CoTaskMemFree`. Thread-safe.
#[no_mangle]
pub extern "C" fn CoTaskMemAlloc(cb: usize) -> *mut c_void {
    crate::ffi_boundary!(core::ptr::null_mut(), { co_task_mem_alloc(cb) })
}

/// Resizes a block from `CoTaskMemAlloc` (NULL `pv` allocates). Returns NULL on failure, leaving
/// `pv` untouched.
///
/// # Safety
/// `pv` must be NULL or a live block from `CoTaskMemAlloc`/`CoTaskMemRealloc`.
#[no_mangle]
pub unsafe extern "C" fn CoTaskMemRealloc(pv: *mut c_void, cb: usize) -> *mut c_void {
    crate::ffi_boundary!(core::ptr::null_mut(), {
        // SAFETY: the caller guarantees `pv` is NULL or came from this allocator (malloc).
        unsafe { libc::realloc(pv, cb.max(1)) }
    })
}

/// Frees a block from `CoTaskMemAlloc`, including every string and array the library returns.
/// NULL is ignored.
///
/// # Safety
/// `pv` must be NULL or a live block from this allocator, not freed before.
#[no_mangle]
pub unsafe extern "C" fn CoTaskMemFree(pv: *mut c_void) {
    crate::ffi_boundary!((), {
        // SAFETY: the caller guarantees `pv` is NULL or a live malloc'd block.
        unsafe { libc::free(pv) }
    })
}

/// Bytes in front of a BSTR's characters: its byte length as a 32-bit value.
const BSTR_PREFIX: usize = 4;

/// Allocates a BSTR holding `len` units copied from `src` (or zeros when `src` is NULL).
///
/// # Safety
/// `src` must be NULL or point to `len` readable units.
pub unsafe fn alloc_bstr(src: *const WCHAR, len: usize) -> BSTR {
    let Some(bytes) = len.checked_mul(2).filter(|b| *b <= u32::MAX as usize - 8) else {
        return core::ptr::null_mut();
    };
    let base = co_task_mem_alloc(BSTR_PREFIX + bytes + 2) as *mut u8;
    if base.is_null() {
        return core::ptr::null_mut();
    }
    // SAFETY: `base` has room for the prefix, `len` units and the NUL; `src`, when not NULL,
    // holds `len` units (caller contract) and cannot overlap a fresh allocation.
    unsafe {
        (base as *mut u32).write_unaligned(bytes as u32);
        let chars = base.add(BSTR_PREFIX) as *mut WCHAR;
        if src.is_null() {
            core::ptr::write_bytes(chars, 0, len);
        } else {
            core::ptr::copy_nonoverlapping(src, chars, len);
        }
        chars.add(len).write(0);
        chars
    }
}

/// Allocates a BSTR from a Rust string (used when filling VARIANTs).
pub fn bstr_from_str(s: &str) -> BSTR {
    let units: Vec<WCHAR> = s.encode_utf16().collect();
    // SAFETY: `units` holds exactly `units.len()` readable units.
    unsafe { alloc_bstr(units.as_ptr(), units.len()) }
}

/// Length in units of a BSTR (0 for NULL).
///
/// # Safety
/// `b` must be NULL or a live BSTR from `SysAllocString*`.
pub unsafe fn bstr_len(b: BSTR) -> usize {
    if b.is_null() {
        return 0;
    }
    // SAFETY: a BSTR is preceded by its 4-byte length prefix (caller contract).
    unsafe { ((b as *const u8).sub(BSTR_PREFIX) as *const u32).read_unaligned() as usize / 2 }
}

/// Allocates a BSTR copy of a NUL-terminated UTF-16 string. NULL input gives NULL. Free it with
/// `SysFreeString`.
///
/// # Safety
/// `psz` must be NULL or a readable NUL-terminated UTF-16 string.
#[no_mangle]
pub unsafe extern "C" fn SysAllocString(psz: LPCWSTR) -> BSTR {
    crate::ffi_boundary!(core::ptr::null_mut(), {
        if psz.is_null() {
            return core::ptr::null_mut();
        }
        let mut len = 0usize;
        // SAFETY: the caller guarantees a NUL-terminated string.
        unsafe {
            while *psz.add(len) != 0 {
                len += 1;
            }
            alloc_bstr(psz, len)
        }
    })
}

/// Allocates a BSTR of `ui` units copied from `strIn`, or zero-filled when `strIn` is NULL.
///
/// # Safety
/// `strIn` must be NULL or point to at least `ui` readable units.
#[no_mangle]
pub unsafe extern "C" fn SysAllocStringLen(strIn: *const WCHAR, ui: UINT) -> BSTR {
    crate::ffi_boundary!(core::ptr::null_mut(), {
        // SAFETY: forwarded caller contract.
        unsafe { alloc_bstr(strIn, ui as usize) }
    })
}

/// Frees a BSTR. NULL is ignored.
///
/// # Safety
/// `bstrString` must be NULL or a live BSTR from `SysAllocString*`, not freed before.
#[no_mangle]
pub unsafe extern "C" fn SysFreeString(bstrString: BSTR) {
    crate::ffi_boundary!((), {
        if !bstrString.is_null() {
            // SAFETY: the allocation starts at the length prefix (caller contract).
            unsafe { libc::free((bstrString as *mut u8).sub(BSTR_PREFIX) as *mut c_void) }
        }
    })
}

/// Length of a BSTR in characters, not counting the terminator (0 for NULL).
///
/// # Safety
/// `pbstr` must be NULL or a live BSTR.
#[no_mangle]
pub unsafe extern "C" fn SysStringLen(pbstr: BSTR) -> UINT {
    crate::ffi_boundary!(0, {
        // SAFETY: forwarded caller contract.
        unsafe { bstr_len(pbstr) as UINT }
    })
}
