//! The one place engine errors become HRESULTs (methods with a documented exception map that
//! case themselves before falling back on this).

use crate::abi::hresult::*;
use crate::abi::strings::WideError;
use crate::abi::types::*;
use crate::engine::tls::CertProblem;
use crate::engine::{EngineError, FetchError, LocalError, StoreError};

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
        EngineError::TooManyFiles => BG_E_TOO_MANY_FILES,
        EngineError::AccessDenied(_) => E_ACCESSDENIED,
        EngineError::ProxyListTooLarge => BG_E_PROXY_LIST_TOO_LARGE,
        EngineError::ProxyBypassListTooLarge => BG_E_PROXY_BYPASS_LIST_TOO_LARGE,
        EngineError::NotImplemented(_) => E_NOTIMPL,
        EngineError::Local(l) => local_error(l),
        EngineError::Pending => E_PENDING,
        EngineError::InvalidRange => BG_E_INVALID_RANGE,
        EngineError::OverlappingRanges => BG_E_OVERLAPPING_RANGES,
        EngineError::TooManyRanges => BG_E_TOO_MANY_RANGES_IN_FILE,
        EngineError::ReadOnlyAfterResume => BG_E_READ_ONLY_PROPERTY_AFTER_RESUME,
        EngineError::PriorityFixed => BG_E_READ_ONLY_PROPERTY,
        EngineError::ReadOnlyWhileActive => BG_E_READ_ONLY_WHEN_JOB_ACTIVE,
        EngineError::RandomAccessNotSupported => BG_E_RANDOM_ACCESS_NOT_SUPPORTED,
        EngineError::NotSupportedWithCustomMethod => BG_E_NOT_SUPPORTED_WITH_CUSTOM_HTTP_METHOD,
        // What COM answers when a local server cannot be started, or went away during a call.
        EngineError::ServiceStart(_) => CO_E_SERVER_EXEC_FAILURE,
        EngineError::ServiceLost => RPC_S_SERVER_UNAVAILABLE,
        EngineError::ProtocolMismatch(..) => hresult_from_win32(ERROR_REVISION_MISMATCH),
        EngineError::Protocol(why) if *why == crate::engine::error::SERVICE_FAILED => E_UNEXPECTED,
        EngineError::Protocol(_) => RPC_X_BAD_STUB_DATA,
    }
}

/// The HRESULT of a local file-system problem.
pub fn local_error(e: &LocalError) -> HRESULT {
    match e {
        LocalError::PathNotFound => hresult_from_win32(ERROR_PATH_NOT_FOUND),
        // Windows answers "access denied" when a file would replace a directory.
        LocalError::AccessDenied | LocalError::IsDirectory => E_ACCESSDENIED,
        LocalError::DiskFull => hresult_from_win32(ERROR_DISK_FULL),
        LocalError::Other(_) => hresult_from_win32(ERROR_WRITE_FAULT),
        // Only legacy DO files can lack a destination.
        LocalError::NoSink => DO_E_FILE_DOWNLOADSINK_UNSPECIFIED,
    }
}

/// The HRESULT a job error reports for a failed transfer.
pub fn fetch_error(e: &FetchError) -> HRESULT {
    match e {
        // 0x80190000 | status: BG_E_HTTP_ERROR_<status> (HTTP_E_STATUS_* in winerror.h).
        FetchError::Status(s) => (0x8019_0000u32 | u32::from(*s)) as HRESULT,
        FetchError::NameNotResolved(_) => hresult_from_win32(ERROR_WINHTTP_NAME_NOT_RESOLVED),
        FetchError::ConnectFailed(_) => hresult_from_win32(ERROR_WINHTTP_CANNOT_CONNECT),
        FetchError::NoNetwork(_) => BG_E_NETWORK_DISCONNECTED,
        FetchError::Timeout(_) => hresult_from_win32(ERROR_WINHTTP_TIMEOUT),
        FetchError::ConnectionClosed(_) => hresult_from_win32(ERROR_WINHTTP_CONNECTION_ERROR),
        FetchError::Tls(_) => hresult_from_win32(ERROR_WINHTTP_SECURE_FAILURE),
        FetchError::InvalidResponse(_) => BG_E_INVALID_SERVER_RESPONSE,
        FetchError::MissingSize => BG_E_MISSING_FILE_SIZE,
        // The BITS documentation names a refused redirect HRESULT_FROM_WIN32(<status>).
        FetchError::RedirectRefused(s) => hresult_from_win32(u32::from(*s)),
        FetchError::TooManyRedirects => hresult_from_win32(ERROR_WINHTTP_REDIRECT_FAILED),
        FetchError::Local(l) => local_error(l),
        FetchError::Stopped => E_ABORT,
        FetchError::MaxDownloadSize(_) => BG_E_MAX_DOWNLOAD_SIZE_LIMIT_REACHED,
        FetchError::MaxDownloadTime => BG_E_MAXDOWNLOAD_TIMEOUT,
        FetchError::ValidationFailed => BG_E_VALIDATION_FAILED,
        FetchError::RangeBeyondEnd => BG_E_INVALID_RANGE,
        FetchError::AclPrivilege => E_ACCESSDENIED,
        FetchError::NoRangeSupport => BG_E_INSUFFICIENT_RANGE_SUPPORT,
        // The caller's own failure, as it returned it.
        FetchError::StreamWrite(hr) => *hr,
        // If-Range's meaning: the remote no longer is the version the stream began with.
        FetchError::ContentChanged => BG_E_HTTP_ERROR_412,
        FetchError::Certificate(p, _) => hresult_from_win32(match p {
            CertProblem::UnknownCa => ERROR_WINHTTP_SECURE_INVALID_CA,
            CertProblem::NameInvalid => ERROR_WINHTTP_SECURE_CERT_CN_INVALID,
            CertProblem::DateInvalid => ERROR_WINHTTP_SECURE_CERT_DATE_INVALID,
            CertProblem::WrongUsage => ERROR_WINHTTP_SECURE_CERT_WRONG_USAGE,
            CertProblem::Revoked => ERROR_WINHTTP_SECURE_CERT_REVOKED,
            CertProblem::RevocationUnknown => ERROR_WINHTTP_SECURE_CERT_REV_FAILED,
            CertProblem::Invalid => ERROR_WINHTTP_SECURE_INVALID_CERT,
        }),
        // The callback's own HRESULT is the job's error, as BITS reports it.
        FetchError::CertCallback(hr) => *hr,
        FetchError::CertCallbackRequired => BG_E_SERVER_CERT_VALIDATION_INTERFACE_REQUIRED,
        // The upload server's own code, as BITS reports it.
        FetchError::Bits { hr, .. } => *hr,
        FetchError::LocalFileChanged => BG_E_LOCAL_FILE_CHANGED,
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

/// Why the engine could not start (CoCreateInstance's error).
/// The HRESULT of a client that could not start (CoCreateInstance's failure).
pub fn start_error(e: &crate::engine::client::StartError) -> HRESULT {
    match e {
        crate::engine::client::StartError::Store(s) => store_error(s),
        crate::engine::client::StartError::Service(e) => map_error(e),
    }
}

pub fn store_error(e: &StoreError) -> HRESULT {
    match e {
        StoreError::Locked(_) => CO_E_SERVER_EXEC_FAILURE,
        StoreError::NewerFormat { .. } => hresult_from_win32(ERROR_REVISION_MISMATCH),
        StoreError::Io { .. } => E_ACCESSDENIED,
    }
}
