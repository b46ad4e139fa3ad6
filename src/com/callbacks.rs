//! Calls into the caller's callback objects (IBackgroundCopyCallback/2/3). The interface pointers
//! passed as arguments are ours and stay alive for the call (the caller of these functions holds a
//! reference); a NULL slot in the caller's vtable is reported as E_NOTIMPL, never called.

use core::ffi::c_void;

use super::foreign::ComPtr;
use crate::abi::bits_types::BG_FILE_RANGE;
use crate::abi::hresult::E_NOTIMPL;
use crate::abi::types::{DWORD, HRESULT};
use crate::abi::vtbl::*;

/// `IBackgroundCopyCallback::JobTransferred`. `cb` must have been obtained for
/// IBackgroundCopyCallback or a derived interface; `job` is one of our job interface pointers.
pub fn job_transferred(cb: &ComPtr, job: *mut c_void) -> HRESULT {
    cb.with_vtbl(|v: &IBackgroundCopyCallbackVtbl, this| match v.JobTransferred {
        // SAFETY: `this` is the callback object's pointer for this vtable; `job` is live.
        Some(f) => unsafe { f(this as *mut IBackgroundCopyCallback, job as *mut IBackgroundCopyJob) },
        None => E_NOTIMPL,
    })
}

/// `IBackgroundCopyCallback::JobError`.
pub fn job_error(cb: &ComPtr, job: *mut c_void, error: *mut c_void) -> HRESULT {
    cb.with_vtbl(|v: &IBackgroundCopyCallbackVtbl, this| match v.JobError {
        // SAFETY: as for `job_transferred`; `error` is one of our live error objects.
        Some(f) => unsafe {
            f(this as *mut IBackgroundCopyCallback, job as *mut IBackgroundCopyJob, error as *mut IBackgroundCopyError)
        },
        None => E_NOTIMPL,
    })
}

/// `IBackgroundCopyCallback::JobModification` (`dwReserved` is 0).
pub fn job_modification(cb: &ComPtr, job: *mut c_void, reserved: DWORD) -> HRESULT {
    cb.with_vtbl(|v: &IBackgroundCopyCallbackVtbl, this| match v.JobModification {
        // SAFETY: as for `job_transferred`.
        Some(f) => unsafe { f(this as *mut IBackgroundCopyCallback, job as *mut IBackgroundCopyJob, reserved) },
        None => E_NOTIMPL,
    })
}

/// `IBackgroundCopyCallback3::FileRangesTransferred`. `cb` must have been obtained for
/// IBackgroundCopyCallback3; `ranges` is borrowed for the call (the callee must not free it).
pub fn file_ranges_transferred(cb: &ComPtr, job: *mut c_void, file: *mut c_void, ranges: &[BG_FILE_RANGE]) -> HRESULT {
    cb.with_vtbl(|v: &IBackgroundCopyCallback3Vtbl, this| match v.FileRangesTransferred {
        // SAFETY: the pointer was obtained for Callback3, whose vtable has slot 7; `job` and `file`
        // are our live objects and `ranges` outlives the call.
        Some(f) => unsafe {
            f(
                this as *mut IBackgroundCopyCallback3,
                job as *mut IBackgroundCopyJob,
                file as *mut IBackgroundCopyFile,
                ranges.len() as DWORD,
                ranges.as_ptr(),
            )
        },
        None => E_NOTIMPL,
    })
}

/// `IBackgroundCopyCallback2::FileTransferred`. `cb` must have been obtained for
/// IBackgroundCopyCallback2 or 3.
pub fn file_transferred(cb: &ComPtr, job: *mut c_void, file: *mut c_void) -> HRESULT {
    cb.with_vtbl(|v: &IBackgroundCopyCallback2Vtbl, this| match v.FileTransferred {
        // SAFETY: the pointer was obtained for Callback2 (or 3), whose vtable has slot 6; `job`
        // and `file` are our live objects.
        Some(f) => unsafe {
            f(this as *mut IBackgroundCopyCallback2, job as *mut IBackgroundCopyJob, file as *mut IBackgroundCopyFile)
        },
        None => E_NOTIMPL,
    })
}

/// `IDODownloadStatusCallback::OnStatusChange`. `cb` must have been obtained for
/// IDODownloadStatusCallback; `download` is one of our live IDODownload pointers and `status` is
/// borrowed for the call.
pub fn do_status_change(
    cb: &ComPtr,
    download: *mut c_void,
    status: &crate::abi::do_types::DO_DOWNLOAD_STATUS,
) -> HRESULT {
    cb.with_vtbl(|v: &IDODownloadStatusCallbackVtbl, this| match v.OnStatusChange {
        // SAFETY: the pointer was obtained for IDODownloadStatusCallback (slot 3); `download` is
        // live and `status` outlives the call.
        Some(f) => unsafe { f(this as *mut IDODownloadStatusCallback, download as *mut IDODownload, status) },
        None => E_NOTIMPL,
    })
}

/// `ISequentialStream::Write` of all of `data`: a short write is continued; the caller's failure
/// HRESULT stops it. `cb` must have been obtained for ISequentialStream or IStream (Write is slot 4
/// of both).
pub fn stream_write(cb: &ComPtr, data: &[u8]) -> HRESULT {
    let mut rest = data;
    while !rest.is_empty() {
        let n = rest.len().min(u32::MAX as usize);
        // A stream that returns S_OK without setting the count is taken to have written it all.
        let mut written: crate::abi::types::ULONG = n as u32;
        let hr = cb.with_vtbl(|v: &ISequentialStreamVtbl, this| match v.Write {
            // SAFETY: slot 4 of ISequentialStream/IStream; `rest` holds `n` readable bytes and
            // `written` is a valid out-pointer for the call.
            Some(f) => unsafe {
                f(this as *mut ISequentialStream, rest.as_ptr() as *const c_void, n as u32, &mut written)
            },
            None => E_NOTIMPL,
        });
        if hr < 0 {
            return hr;
        }
        let w = (written as usize).min(n);
        if w == 0 {
            // A stream that takes nothing would loop forever: STG_E_MEDIUMFULL, as a full disk.
            return 0x8003_0070_u32 as HRESULT;
        }
        rest = &rest[w..];
    }
    0
}

/// `IBackgroundCopyServerCertificateValidationCallback::ValidateServerCertificate`. `cb` must
/// have been obtained for that interface; `job` and `file` are our live objects; `cert` and
/// `store` are borrowed for the call (the callee must not free them).
pub fn validate_server_certificate(
    cb: &ComPtr,
    job: *mut c_void,
    file: *mut c_void,
    cert: &[u8],
    encoding: DWORD,
    store: &[u8],
) -> HRESULT {
    // Certificates and a serialized store of a TLS chain are far below 4 GiB; refuse rather than
    // truncate a length.
    let (Ok(cert_len), Ok(store_len)) = (DWORD::try_from(cert.len()), DWORD::try_from(store.len())) else {
        return crate::abi::hresult::E_INVALIDARG;
    };
    cb.with_vtbl(|v: &IBackgroundCopyServerCertificateValidationCallbackVtbl, this| match v.ValidateServerCertificate {
        // SAFETY: the pointer was obtained for IBackgroundCopyServerCertificateValidationCallback,
        // whose vtable has slot 3; `job` and `file` are our live objects, and both byte slices
        // outlive the call with the lengths passed.
        Some(f) => unsafe {
            f(
                this as *mut IBackgroundCopyServerCertificateValidationCallback,
                job as *mut IBackgroundCopyJob,
                file as *mut IBackgroundCopyFile,
                cert_len,
                cert.as_ptr(),
                encoding,
                store_len,
                store.as_ptr(),
            )
        },
        None => E_NOTIMPL,
    })
}
