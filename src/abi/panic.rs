//! The panic boundary: no Rust panic may unwind into C.

/// Runs `$body` and turns a panic into `$default` (E_UNEXPECTED for HRESULT methods, 0 for
/// AddRef/Release). Every exported function and every vtable thunk wraps its body in this.
///
/// The body is a block that may `return` only through its value; it runs inside a closure.
#[macro_export]
#[doc(hidden)]
macro_rules! ffi_boundary {
    ($default:expr, $body:block) => {{
        match ::std::panic::catch_unwind(::std::panic::AssertUnwindSafe(|| $body)) {
            Ok(v) => v,
            Err(payload) => {
                $crate::abi::panic::report_panic(payload.as_ref());
                $default
            }
        }
    }};
}

/// Logs a caught panic once per occurrence on standard error; the host program keeps running.
pub fn report_panic(payload: &(dyn std::any::Any + Send)) {
    let msg = crate::engine::error::panic_message(payload);
    crate::engine::log::init_library();
    tracing::error!("internal error caught at the C boundary: {msg}");
}

/// The boundary for HRESULT methods: `$body` is a block evaluating to
/// `Result<HRESULT, HRESULT>` (so `?` works inside it); `Ok(hr)` and `Err(hr)` both return `hr`,
/// and a panic returns `E_UNEXPECTED`. The result is given in the call's error dialect
/// (`abi::dialect`: DO's codes on objects made through CLSID_DeliveryOptimization).
#[macro_export]
#[doc(hidden)]
macro_rules! com_call {
    ($body:block) => {
        $crate::ffi_boundary!($crate::abi::hresult::E_UNEXPECTED, {
            let scope = $crate::abi::dialect::Scope::enter();
            let r: ::core::result::Result<$crate::abi::types::HRESULT, $crate::abi::types::HRESULT> = (|| $body)();
            match r {
                Ok(hr) | Err(hr) => scope.translate(hr),
            }
        })
    };
}
