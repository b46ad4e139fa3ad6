//! One file per object family: thin translation of C calls into engine calls.
//!
//! Thunks are literal `extern "C" fn`s with the interface's C names, each wrapped in
//! `com_call!`/`ffi_boundary!`. They use only the safe helpers of `abi::args` and `com`.

/// Defines vtable slots that are not built yet: each returns a fixed HRESULT (E_NOTIMPL, or the
/// documented code for a feature Linux does not have) after setting the listed `[out]` pointers
/// to NULL. README's method table lists every such slot and why.
macro_rules! fixed_slots {
    ($($name:ident ( $($arg:ident : $ty:ty),* ) => $hr:expr $(, clear($($out:ident),+))? ;)+) => {
        $(
            #[allow(non_snake_case)]
            extern "C" fn $name($($arg: $ty),*) -> $crate::abi::types::HRESULT {
                $crate::ffi_boundary!($crate::abi::hresult::E_UNEXPECTED, {
                    $( $( $crate::abi::args::clear_out($out); )+ )?
                    let _ = ($($arg,)*);
                    $hr
                })
            }
        )+
    };
}

pub mod activation;
pub mod callback;
pub mod download;
pub mod enumerator;
pub mod error;
pub mod file;
pub mod hresult_map;
pub mod job;
pub mod legacy_do;
pub mod manager;
