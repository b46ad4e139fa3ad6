//! Engine errors. `src/interfaces/hresult_map.rs` turns each into its documented HRESULT.

use thiserror::Error;

/// Why an engine operation was refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EngineError {
    #[error("no such job")]
    NotFound,
    #[error("the operation is not allowed in the job's current state")]
    InvalidState,
    #[error("the job has no files")]
    Empty,
    #[error("invalid argument: {0}")]
    InvalidArgument(&'static str),
    #[error("unsupported value: {0}")]
    Unsupported(&'static str),
    #[error("a string is longer than allowed")]
    StringTooLong,
    #[error("the user already has the maximum number of jobs")]
    TooManyJobsPerUser,
    #[error("the machine already has the maximum number of jobs")]
    TooManyJobsPerMachine,
    #[error("the job already has the maximum number of files")]
    TooManyFilesInJob,
    #[error("access denied: {0}")]
    AccessDenied(&'static str),
    #[error("the proxy list is too long")]
    ProxyListTooLarge,
    #[error("the proxy bypass list is too long")]
    ProxyBypassListTooLarge,
    #[error("not implemented yet: {0}")]
    NotImplemented(&'static str),
    #[error("local file problem: {0:?}")]
    Local(super::file::LocalError),
    #[error("the file is not transferred yet")]
    Pending,
    #[error("a byte range is invalid")]
    InvalidRange,
    #[error("byte ranges overlap")]
    OverlappingRanges,
    #[error("too many byte ranges")]
    TooManyRanges,
    #[error("the setting cannot change after the job was resumed")]
    ReadOnlyAfterResume,
    #[error("the priority is fixed by a custom HTTP method")]
    PriorityFixed,
    #[error("the setting can change only while the job is suspended, in error or transferred")]
    ReadOnlyWhileActive,
    #[error("random access needs an on-demand download job and a server with range support")]
    RandomAccessNotSupported,
    #[error("not possible together with a custom HTTP method")]
    NotSupportedWithCustomMethod,
}

pub type EngineResult<T> = Result<T, EngineError>;
