//! The error object: IBackgroundCopyError, a snapshot of a job's failure (it stays valid after the
//! job moves on).
#![allow(non_snake_case)]

use core::ffi::c_void;
use core::mem::offset_of;

use super::file::{FileObject, FACE_FILE};
use super::hresult_map::fetch_error;
use super::manager::describe;
use crate::abi::args::{clear_out, out_ptr};
use crate::abi::bits_types::*;
use crate::abi::guids::*;
use crate::abi::hresult::*;
use crate::abi::types::*;
use crate::abi::vtbl::*;
use crate::com::{self, ComClass, ComObject, ComRef};
use crate::engine::client::JobHandle;
use crate::engine::{FetchError, JobFailure};

pub struct ErrorObject {
    job: JobHandle,
    failure: JobFailure,
}

#[repr(C)]
pub struct ErrorVtables {
    error: *const IBackgroundCopyErrorVtbl,
}

pub const FACE_ERROR: usize = offset_of!(ErrorVtables, error);

impl ComClass for ErrorObject {
    type Vtables = ErrorVtables;
    const VTABLES: ErrorVtables = ErrorVtables { error: &ERROR_VTBL };
    const MAGIC: u64 = 0x6572_725f_6269_7473; // "err_bits"

    fn face_for(&self, iid: &GUID) -> Option<usize> {
        (*iid == IID_IBackgroundCopyError).then_some(FACE_ERROR)
    }
}

impl ErrorObject {
    pub fn create(job: JobHandle, failure: JobFailure) -> ComRef<ErrorObject> {
        ComObject::create(ErrorObject { job, failure })
    }

    /// The HRESULT of the failure.
    pub fn code(&self) -> HRESULT {
        fetch_error(&self.failure.error)
    }
}

fn this<'a>(p: *mut IBackgroundCopyError) -> Result<&'a ErrorObject, HRESULT> {
    let o = ComObject::<ErrorObject>::from_face(p as *mut c_void, FACE_ERROR).map(|o| o.value())?;
    if o.job.is_do_legacy() {
        crate::abi::dialect::use_do_codes();
    }
    Ok(o)
}

type E = IBackgroundCopyError;

static ERROR_VTBL: IBackgroundCopyErrorVtbl = IBackgroundCopyErrorVtbl {
    QueryInterface: Some(com::query_interface::<ErrorObject, FACE_ERROR, E>),
    AddRef: Some(com::add_ref::<ErrorObject, FACE_ERROR, E>),
    Release: Some(com::release::<ErrorObject, FACE_ERROR, E>),
    GetError: Some(GetError),
    GetFile: Some(GetFile),
    GetErrorDescription: Some(GetErrorDescription),
    GetErrorContextDescription: Some(GetErrorContextDescription),
    GetProtocol: Some(GetProtocol),
};

extern "C" fn GetError(This: *mut E, pContext: *mut BG_ERROR_CONTEXT, pCode: *mut HRESULT) -> HRESULT {
    crate::com_call!({
        let o = this(This)?;
        let ctx = out_ptr(pContext, E_INVALIDARG)?;
        let code = out_ptr(pCode, E_INVALIDARG)?;
        ctx.write(o.failure.context as BG_ERROR_CONTEXT);
        code.write(o.code());
        Ok(S_OK)
    })
}

extern "C" fn GetFile(This: *mut E, pVal: *mut *mut IBackgroundCopyFile) -> HRESULT {
    crate::com_call!({
        clear_out(pVal);
        let o = this(This)?;
        let out = out_ptr(pVal, E_INVALIDARG)?;
        let index = o.failure.file.ok_or(BG_E_FILE_NOT_AVAILABLE)?;
        let file = FileObject::create(o.job.clone(), index);
        out.write(file.into_face(FACE_FILE) as *mut IBackgroundCopyFile);
        Ok(S_OK)
    })
}

/// The message for the code, then what went wrong in this instance (the URL and the cause).
extern "C" fn GetErrorDescription(This: *mut E, LanguageId: DWORD, pErrorDescription: *mut LPWSTR) -> HRESULT {
    crate::com_call!({
        clear_out(pErrorDescription);
        let o = this(This)?;
        let out = out_ptr(pErrorDescription, E_INVALIDARG)?;
        let mut text = describe(o.code(), LanguageId)?;
        if let Some(file) = o.failure.file.and_then(|i| o.job.file(i).ok().flatten()) {
            text.push_str(&format!("\r\nFile: {} -> {}", file.remote_name, file.local.display()));
        }
        if let Some(detail) = detail(&o.failure.error) {
            text.push_str(&format!("\r\nDetail: {detail}"));
        }
        out.write_str(&text)?;
        Ok(S_OK)
    })
}

fn detail(e: &FetchError) -> Option<String> {
    match e {
        FetchError::NameNotResolved(d)
        | FetchError::ConnectFailed(d)
        | FetchError::Timeout(d)
        | FetchError::ConnectionClosed(d)
        | FetchError::Tls(d)
        | FetchError::InvalidResponse(d)
        | FetchError::Certificate(_, d) => Some(d.clone()),
        FetchError::Local(crate::engine::LocalError::Other(d)) => Some(d.clone()),
        _ => None,
    }
}

extern "C" fn GetErrorContextDescription(This: *mut E, LanguageId: DWORD, pContextDescription: *mut LPWSTR) -> HRESULT {
    crate::com_call!({
        clear_out(pContextDescription);
        let o = this(This)?;
        let out = out_ptr(pContextDescription, E_INVALIDARG)?;
        let id = crate::abi::messages::context_message_id(o.failure.context as BG_ERROR_CONTEXT).ok_or(E_UNEXPECTED)?;
        let text = describe(id, LanguageId)?;
        out.write_str(&text)?;
        Ok(S_OK)
    })
}

extern "C" fn GetProtocol(This: *mut E, pProtocol: *mut LPWSTR) -> HRESULT {
    crate::com_call!({
        clear_out(pProtocol);
        let o = this(This)?;
        let out = out_ptr(pProtocol, E_INVALIDARG)?;
        let remote = o.failure.file.and_then(|i| o.job.file(i).ok().flatten()).map(|f| f.remote);
        let protocol = o.failure.protocol(remote.as_ref()).ok_or(BG_E_PROTOCOL_NOT_AVAILABLE)?;
        out.write_str(protocol)?;
        Ok(S_OK)
    })
}
