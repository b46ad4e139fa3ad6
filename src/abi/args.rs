//! Reading `[in]` and writing `[out]` parameters of the C calls.
//!
//! These helpers are safe to call, but they trust that every raw pointer they receive came
//! straight from a C caller of an exported function or vtable slot, who promises by the API's
//! contract that a non-NULL pointer is valid for the access the parameter describes. They are
//! for the thunks in `src/interfaces` only; the engine never sees a raw pointer.

// These functions take raw pointers from C callers and are safe to call by design: the pointer
// comes straight from an exported function or vtable slot whose C contract makes it valid (the
// rustls-ffi pattern). They are not for use by the engine, which never sees a raw pointer.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

use super::strings::{read_wide, read_wide_opt, to_cotaskmem_wide, WideError};
use super::types::{HRESULT, LPCWSTR, LPWSTR};

/// Checks an `[out]` pointer without writing it, so a call can refuse NULL before doing any work.
pub fn out_ptr<T>(p: *mut T, null_err: HRESULT) -> Result<Out<T>, HRESULT> {
    if p.is_null() {
        Err(null_err)
    } else {
        Ok(Out(p))
    }
}

/// A checked, non-NULL `[out]` pointer.
pub struct Out<T>(*mut T);

impl<T> Out<T> {
    /// Stores the result.
    pub fn write(self, v: T) {
        // SAFETY: non-NULL (checked by `out_ptr`) and writable by the caller's contract.
        unsafe { self.0.write(v) }
    }
}

impl Out<LPWSTR> {
    /// Stores a CoTaskMem copy of `s` (freed by the caller with CoTaskMemFree); E_OUTOFMEMORY if
    /// the allocation fails, leaving the out-value NULL.
    pub fn write_str(self, s: &str) -> Result<(), HRESULT> {
        let p = to_cotaskmem_wide(s);
        self.write(p);
        if p.is_null() {
            Err(super::hresult::E_OUTOFMEMORY)
        } else {
            Ok(())
        }
    }
}

/// Stores NULL in an `[out]` interface (or string) pointer, if the pointer itself is not NULL.
/// Called first by every method with such a parameter, so it is NULL on every failure path.
pub fn clear_out<T>(p: *mut *mut T) {
    if !p.is_null() {
        // SAFETY: non-NULL and writable by the caller's contract.
        unsafe { p.write(core::ptr::null_mut()) }
    }
}

/// Reads a by-pointer `[in]` value (a GUID, a struct).
pub fn read_in<T: Copy>(p: *const T, null_err: HRESULT) -> Result<T, HRESULT> {
    if p.is_null() {
        Err(null_err)
    } else {
        // SAFETY: non-NULL and readable by the caller's contract; `read_unaligned` tolerates a
        // caller's packed data.
        Ok(unsafe { p.read_unaligned() })
    }
}

/// Reads an `[in]` array of `n` elements. NULL with `n == 0` gives an empty slice.
pub fn read_slice<'a, T>(p: *const T, n: usize, null_err: HRESULT) -> Result<&'a [T], HRESULT> {
    if n == 0 {
        return Ok(&[]);
    }
    if p.is_null() {
        return Err(null_err);
    }
    if (p as usize) % core::mem::align_of::<T>() != 0 {
        return Err(super::hresult::E_INVALIDARG);
    }
    // SAFETY: non-NULL, aligned and holding `n` readable elements by the caller's contract; the
    // borrow does not outlive the call.
    Ok(unsafe { core::slice::from_raw_parts(p, n) })
}

/// Reads an `[in]` NUL-terminated UTF-16 string of at most `max_units` units.
pub fn read_str(p: LPCWSTR, max_units: usize) -> Result<String, WideError> {
    // SAFETY: by the caller's contract a non-NULL pointer is a NUL-terminated string.
    unsafe { read_wide(p, max_units) }
}

/// Reads an optional (`[in, unique]`) string: NULL gives `None`.
pub fn read_str_opt(p: LPCWSTR, max_units: usize) -> Result<Option<String>, WideError> {
    // SAFETY: as for `read_str`.
    unsafe { read_wide_opt(p, max_units) }
}

/// Checks an `[out, size_is(n)]` array of pointers before anything is stored in it.
pub fn out_array<T>(p: *mut *mut T, n: usize, null_err: HRESULT) -> Result<OutArray<T>, HRESULT> {
    if n > 0 && p.is_null() {
        return Err(null_err);
    }
    Ok(OutArray { p, n })
}

/// A checked `[out]` array of `n` pointers.
pub struct OutArray<T> {
    p: *mut *mut T,
    n: usize,
}

impl<T> OutArray<T> {
    /// Stores element `i` (ignored when `i` is past the end).
    pub fn set(&self, i: usize, v: *mut T) {
        if i < self.n {
            // SAFETY: `p` holds `n` writable slots by the caller's contract, and `i < n`.
            unsafe { self.p.add(i).write(v) }
        }
    }
}

/// Frees a string already stored in an `[out] LPWSTR *` (when a later step of the same call
/// fails) and sets it back to NULL.
pub fn free_out_str(p: *mut LPWSTR) {
    if p.is_null() {
        return;
    }
    // SAFETY: non-NULL out-pointer from the caller that this call itself filled with a
    // CoTaskMem string (or NULL), so freeing it and clearing it is ours to do.
    unsafe {
        libc::free(p.read() as *mut core::ffi::c_void);
        p.write(core::ptr::null_mut());
    }
}

/// Reads an `[in]` NUL-terminated UTF-8 string of at most `max_bytes` bytes; `None` for NULL, too
/// long, or invalid UTF-8.
pub fn read_utf8(p: *const core::ffi::c_char, max_bytes: usize) -> Option<String> {
    if p.is_null() {
        return None;
    }
    let mut len = 0usize;
    // SAFETY: by the caller's contract a non-NULL pointer is a NUL-terminated string; we stop at the
    // NUL or after `max_bytes + 1` bytes.
    unsafe {
        while *p.add(len) != 0 {
            if len == max_bytes {
                return None;
            }
            len += 1;
        }
        let bytes = core::slice::from_raw_parts(p as *const u8, len);
        core::str::from_utf8(bytes).ok().map(str::to_owned)
    }
}

/// The members of a `BITS_JOB_PROPERTY_VALUE` passed by value, read as plain data (the property
/// id tells which one the caller meant; all are integers or bytes, so reading any is defined).
pub struct JobPropertyValue {
    pub dword: u32,
    pub enable: bool,
    pub uint64: u64,
    pub target: i32,
    pub guid: [u8; 16],
}

/// Reads every member of a job property union.
pub fn job_property(v: super::bits_types::BITS_JOB_PROPERTY_VALUE) -> JobPropertyValue {
    // SAFETY: every member of the union is plain old data covering the first bytes of the same
    // 16 initialised bytes (the union was passed by value), so each read is defined.
    unsafe {
        JobPropertyValue {
            dword: v.Dword,
            enable: v.Enable != 0,
            uint64: v.Uint64,
            target: v.Target,
            guid: v.ClsID.to_bytes_le(),
        }
    }
}

/// The user name and password pointers of a credentials struct (every scheme uses the union's
/// `Basic` member, its only one).
pub fn basic_credentials(c: &super::bits_types::BG_AUTH_CREDENTIALS) -> super::bits_types::BG_BASIC_CREDENTIALS {
    // SAFETY: the union's only member is `Basic`, two plain pointers; reading them is defined
    // whatever the caller stored (they are checked when dereferenced).
    unsafe { c.Credentials.Basic }
}
