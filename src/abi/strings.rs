//! UTF-16 strings at the boundary: reading `LPCWSTR` arguments and allocating `LPWSTR` results.

use super::hresult::*;
use super::memory::co_task_mem_alloc;
use super::types::{HRESULT, LPCWSTR, LPWSTR, WCHAR};

/// Why a string argument was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WideError {
    /// The pointer was NULL.
    Null,
    /// More than the allowed number of UTF-16 units before the terminating NUL.
    TooLong,
    /// Unpaired surrogate: not valid UTF-16.
    Invalid,
}

impl WideError {
    /// The HRESULT most methods document for a bad string: E_INVALIDARG.
    pub fn hresult(self) -> HRESULT {
        E_INVALIDARG
    }
}

/// Reads a NUL-terminated UTF-16 string of at most `max_units` units (the NUL not counted).
///
/// # Safety
/// `p` must be NULL or point to a readable NUL-terminated UTF-16 string, or to at least
/// `max_units + 1` readable units.
pub unsafe fn read_wide(p: LPCWSTR, max_units: usize) -> Result<String, WideError> {
    if p.is_null() {
        return Err(WideError::Null);
    }
    let mut len = 0usize;
    // SAFETY: the caller guarantees the string is readable up to its NUL or `max_units + 1` units;
    // we stop at whichever comes first.
    unsafe {
        while *p.add(len) != 0 {
            if len == max_units {
                return Err(WideError::TooLong);
            }
            len += 1;
        }
    }
    // SAFETY: `len` units starting at `p` were just read successfully.
    let units = unsafe { core::slice::from_raw_parts(p, len) };
    String::from_utf16(units).map_err(|_| WideError::Invalid)
}

/// Like [`read_wide`] but NULL gives `Ok(None)` (for `[in, unique]` parameters).
///
/// # Safety
/// As for [`read_wide`].
pub unsafe fn read_wide_opt(p: LPCWSTR, max_units: usize) -> Result<Option<String>, WideError> {
    if p.is_null() {
        Ok(None)
    } else {
        // SAFETY: forwarded contract.
        unsafe { read_wide(p, max_units).map(Some) }
    }
}

/// Encodes `s` as a NUL-terminated UTF-16 string in `CoTaskMemAlloc` memory; the caller frees it
/// with `CoTaskMemFree`. NULL if memory is exhausted.
pub fn to_cotaskmem_wide(s: &str) -> LPWSTR {
    let units: Vec<WCHAR> = s.encode_utf16().chain(core::iter::once(0)).collect();
    let bytes = units.len() * core::mem::size_of::<WCHAR>();
    let p = co_task_mem_alloc(bytes) as LPWSTR;
    if !p.is_null() {
        // SAFETY: `p` was just allocated with room for `units.len()` units and does not overlap `units`.
        unsafe { core::ptr::copy_nonoverlapping(units.as_ptr(), p, units.len()) };
    }
    p
}

/// Converts a Rust string to a NUL-terminated UTF-16 vector (for tests and callers in Rust).
pub fn wide(s: &str) -> Vec<WCHAR> {
    s.encode_utf16().chain(core::iter::once(0)).collect()
}
