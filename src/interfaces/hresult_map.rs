//! The one place engine errors become HRESULTs (methods with a documented exception map that
//! case themselves before falling back on this).

use crate::abi::hresult::*;
use crate::abi::strings::WideError;
use crate::abi::types::HRESULT;
use crate::engine::EngineError;

/// The documented BITS HRESULT for an engine error.
pub fn map_error(e: &EngineError) -> HRESULT {
    match e {
        EngineError::NotFound => BG_E_NOT_FOUND,
        EngineError::InvalidState => BG_E_INVALID_STATE,
        EngineError::Empty => BG_E_EMPTY,
        EngineError::InvalidArgument(_) => E_INVALIDARG,
        EngineError::Unsupported(_) => E_NOTIMPL,
        EngineError::StringTooLong => BG_E_STRING_TOO_LONG,
        EngineError::TooManyJobsPerUser => BG_E_TOO_MANY_JOBS_PER_USER,
        EngineError::TooManyJobsPerMachine => BG_E_TOO_MANY_JOBS_PER_MACHINE,
        EngineError::TooManyFilesInJob => BG_E_TOO_MANY_FILES_IN_JOB,
        EngineError::AccessDenied(_) => E_ACCESSDENIED,
        EngineError::ProxyListTooLarge => BG_E_PROXY_LIST_TOO_LARGE,
        EngineError::ProxyBypassListTooLarge => BG_E_PROXY_BYPASS_LIST_TOO_LARGE,
        EngineError::NotImplemented(_) => E_NOTIMPL,
    }
}

impl From<EngineError> for HRESULT {
    fn from(e: EngineError) -> HRESULT {
        map_error(&e)
    }
}

impl From<WideError> for HRESULT {
    fn from(e: WideError) -> HRESULT {
        e.hresult()
    }
}
