//! COM activation exported under the Windows names: CoInitialize(Ex), CoUninitialize,
//! CoCreateInstance.
//!
//! The "server" is this library, in process. Apartments do not exist here: every object is
//! free-threaded, so the threading model given to CoInitializeEx is accepted and ignored, and
//! CoCreateInstance works whether or not the thread called CoInitialize (Windows would return
//! CO_E_NOTINITIALIZED).
#![allow(non_snake_case)]

use core::cell::Cell;
use core::ffi::c_void;

use super::manager::{ManagerFlavor, ManagerObject};
use crate::abi::args::{clear_out, read_in};
use crate::abi::guids::*;
use crate::abi::hresult::*;
use crate::abi::types::{
    DELIVERYOPT_ENGINE_IN_PROCESS, DELIVERYOPT_ENGINE_SERVICE, DELIVERYOPT_ENGINE_SYSTEM, DWORD, GUID, HRESULT,
    REFCLSID, REFIID,
};
use crate::abi::vtbl::IUnknown;

thread_local! {
    static INIT_COUNT: Cell<u32> = const { Cell::new(0) };
}

/// Initialises COM on this thread. Returns S_OK the first time and S_FALSE when already
/// initialised (each success needs one CoUninitialize). `pvReserved` must be NULL.
#[no_mangle]
pub extern "C" fn CoInitialize(pvReserved: *mut c_void) -> HRESULT {
    CoInitializeEx(pvReserved, 0)
}

/// Initialises COM on this thread with a threading model (COINIT_*), which is accepted and
/// ignored: every object of this library is free-threaded. S_OK the first time, S_FALSE after;
/// E_INVALIDARG if `pvReserved` is not NULL.
#[no_mangle]
pub extern "C" fn CoInitializeEx(pvReserved: *mut c_void, dwCoInit: DWORD) -> HRESULT {
    crate::ffi_boundary!(E_UNEXPECTED, {
        let _ = dwCoInit;
        if !pvReserved.is_null() {
            return E_INVALIDARG;
        }
        INIT_COUNT.with(|c| {
            let n = c.get();
            c.set(n.saturating_add(1));
            if n == 0 {
                S_OK
            } else {
                S_FALSE
            }
        })
    })
}

/// Balances one successful CoInitialize(Ex) on this thread. Objects stay valid: the engine keeps
/// running until the process exits.
#[no_mangle]
pub extern "C" fn CoUninitialize() {
    crate::ffi_boundary!((), {
        INIT_COUNT.with(|c| c.set(c.get().saturating_sub(1)));
    })
}

/// Creates an object of class `rclsid` and returns its `riid` interface in `*ppv`.
///
/// - Every `CLSID_BackgroundCopyManager*` (1.0 to 10.3) gives the BITS manager.
/// - `CLSID_DeliveryOptimization` gives the Delivery Optimization manager: IDOManager (its
///   default interface) and the legacy BITS-style IBackgroundCopyManager, on one object.
///
/// The first successful call in a process connects to the user's `deliveryoptd` service, which
/// owns the job store, and starts it when none runs (see `deliveryopt_set_engine_mode` for the
/// in-process engine and `deliveryopt_set_state_dir` for the store).
///
/// Errors: E_POINTER (`ppv` NULL), E_INVALIDARG (`rclsid` or `riid` NULL), CLASS_E_NOAGGREGATION
/// (`pUnkOuter` not NULL), REGDB_E_CLASSNOTREG (unknown class), E_NOINTERFACE (the object does not
/// have `riid`), CO_E_SERVER_EXEC_FAILURE (the service could not be started or is not running,
/// or in-process mode: another process holds the job store; a later call tries again),
/// HRESULT_FROM_WIN32(ERROR_REVISION_MISMATCH) (a service of another protocol version, or a
/// store written by a newer version), E_ACCESSDENIED (the store directory cannot be created or
/// used). `*ppv` is NULL on every failure. `dwClsContext` is ignored. Thread-safe; no
/// CoInitialize needed.
#[no_mangle]
pub extern "C" fn CoCreateInstance(
    rclsid: REFCLSID,
    pUnkOuter: *mut IUnknown,
    dwClsContext: DWORD,
    riid: REFIID,
    ppv: *mut *mut c_void,
) -> HRESULT {
    crate::com_call!({
        let _ = dwClsContext;
        if ppv.is_null() {
            return Err(E_POINTER);
        }
        clear_out(ppv);
        let clsid: GUID = read_in(rclsid, E_INVALIDARG)?;
        let iid: GUID = read_in(riid, E_INVALIDARG)?;
        if !pUnkOuter.is_null() {
            return Err(CLASS_E_NOAGGREGATION);
        }
        let flavor = class_flavor(&clsid).ok_or(REGDB_E_CLASSNOTREG)?;
        let manager = ManagerObject::create(flavor)?;
        Ok(manager.object().query_interface(&iid, ppv))
    })
}

/// Which manager a class id names, if any.
pub fn class_flavor(clsid: &GUID) -> Option<ManagerFlavor> {
    const BITS: [&GUID; 10] = [
        &CLSID_BackgroundCopyManager,
        &CLSID_BackgroundCopyManager1_5,
        &CLSID_BackgroundCopyManager2_0,
        &CLSID_BackgroundCopyManager2_5,
        &CLSID_BackgroundCopyManager3_0,
        &CLSID_BackgroundCopyManager4_0,
        &CLSID_BackgroundCopyManager5_0,
        &CLSID_BackgroundCopyManager10_1,
        &CLSID_BackgroundCopyManager10_2,
        &CLSID_BackgroundCopyManager10_3,
    ];
    if BITS.iter().any(|c| **c == *clsid) {
        Some(ManagerFlavor::Bits)
    } else if *clsid == CLSID_DeliveryOptimization {
        Some(ManagerFlavor::DeliveryOptimization)
    } else {
        None
    }
}

/// Chooses the directory of this process's job store. Call it before the first CoCreateInstance;
/// afterwards it fails with HRESULT_FROM_WIN32(ERROR_ALREADY_INITIALIZED) and changes nothing.
///
/// In service mode (the default) the process then uses that store's own service (started on
/// demand like the user's default one), so programs that name the same directory share its jobs
/// and programs that name different ones do not. `path` is an absolute, NUL-terminated UTF-8
/// path; the directory is created (mode 0700) by whoever opens the store first. Without this call the store is `$DELIVERYOPT_STATE_DIR`, else
/// `$XDG_STATE_HOME/deliveryopt`, else `~/.local/state/deliveryopt`. E_INVALIDARG for NULL, a
/// relative path or invalid UTF-8. Thread-safe.
#[no_mangle]
pub extern "C" fn deliveryopt_set_state_dir(path: *const core::ffi::c_char) -> HRESULT {
    crate::com_call!({
        let p = crate::abi::args::read_utf8(path, 4096).ok_or(E_INVALIDARG)?;
        let dir = std::path::PathBuf::from(p);
        if !dir.is_absolute() {
            return Err(E_INVALIDARG);
        }
        crate::engine::client::Client::set_state_dir(dir)
            .map_err(|_| crate::abi::types::hresult_from_win32(crate::abi::types::ERROR_ALREADY_INITIALIZED))?;
        Ok(S_OK)
    })
}

/// Chooses where this process's engine runs: `DELIVERYOPT_ENGINE_SERVICE` (the user's service,
/// the default), `DELIVERYOPT_ENGINE_IN_PROCESS` or `DELIVERYOPT_ENGINE_SYSTEM` (the machine's
/// system instance). Without this call the environment variable `DELIVERYOPT_ENGINE` decides
/// (`service`, `in-process` or `system`). Call it before the first
/// CoCreateInstance; afterwards it fails with HRESULT_FROM_WIN32(ERROR_ALREADY_INITIALIZED) and
/// changes nothing. E_INVALIDARG for any other value. Thread-safe.
///
/// In service mode the first CoCreateInstance connects to the service of the job store (see
/// `deliveryopt_set_state_dir`) and starts it when none runs; it fails with
/// CO_E_SERVER_EXEC_FAILURE when the service cannot be started. A call that finds the service
/// gone during the call fails with RPC_S_SERVER_UNAVAILABLE (it may or may not have taken
/// effect); the next call starts the service again. In system mode only a root process starts
/// the system instance; for other users CoCreateInstance fails with CO_E_SERVER_EXEC_FAILURE
/// while it is not running (its systemd unit, `deliveryoptd-system.socket`, starts it on demand).
#[no_mangle]
pub extern "C" fn deliveryopt_set_engine_mode(mode: DWORD) -> HRESULT {
    crate::com_call!({
        use crate::engine::client::{Client, Mode};
        let mode = match mode {
            DELIVERYOPT_ENGINE_SERVICE => Mode::Service,
            DELIVERYOPT_ENGINE_IN_PROCESS => Mode::InProcess,
            DELIVERYOPT_ENGINE_SYSTEM => Mode::System,
            _ => return Err(E_INVALIDARG),
        };
        Client::set_mode(mode)
            .map_err(|_| crate::abi::types::hresult_from_win32(crate::abi::types::ERROR_ALREADY_INITIALIZED))?;
        Ok(S_OK)
    })
}
