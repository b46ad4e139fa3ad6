//! Engine errors. `src/interfaces/hresult_map.rs` turns each into its documented HRESULT.

use thiserror::Error;

/// Why an engine operation was refused. Crosses the service socket (`super::rpc`), so it is
/// serializable; the `&'static str` details come back interned (see [`static_str`]).
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
    #[error("an upload job takes one file")]
    TooManyFiles,
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
    /// The service could not be reached or started (the message says why).
    #[error("the deliveryopt service could not be started: {0}")]
    ServiceStart(&'static str),
    /// The connection to the service broke during the call: whether it took effect is unknown.
    /// The next call connects again (and starts the service if needed).
    #[error("the connection to the deliveryopt service was lost")]
    ServiceLost,
    /// The service speaks another protocol version (an older or newer library).
    #[error("the deliveryopt service speaks protocol version {0}, this library {1}")]
    ProtocolMismatch(u32, u32),
    /// A message that does not decode, or a reply of the wrong kind.
    #[error("malformed message: {0}")]
    Protocol(&'static str),
}

/// The serialized form of [`EngineError`]: the same variants with owned texts.
mod repr {
    use super::static_str::intern;
    use super::EngineError as E;

    #[derive(serde::Serialize, serde::Deserialize)]
    pub enum ErrorRepr {
        NotFound,
        InvalidState,
        Empty,
        InvalidArgument(String),
        Unsupported(String),
        StringTooLong,
        TooManyJobsPerUser,
        TooManyJobsPerMachine,
        TooManyFilesInJob,
        TooManyFiles,
        AccessDenied(String),
        ProxyListTooLarge,
        ProxyBypassListTooLarge,
        NotImplemented(String),
        Local(crate::engine::file::LocalError),
        Pending,
        InvalidRange,
        OverlappingRanges,
        TooManyRanges,
        ReadOnlyAfterResume,
        PriorityFixed,
        ReadOnlyWhileActive,
        RandomAccessNotSupported,
        NotSupportedWithCustomMethod,
        ServiceStart(String),
        ServiceLost,
        ProtocolMismatch(u32, u32),
        Protocol(String),
    }
    use ErrorRepr as R;

    impl serde::Serialize for E {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            R::from(self.clone()).serialize(s)
        }
    }

    impl<'de> serde::Deserialize<'de> for E {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<E, D::Error> {
            R::deserialize(d).map(E::from)
        }
    }

    impl From<E> for R {
        fn from(e: E) -> R {
            match e {
                E::NotFound => R::NotFound,
                E::InvalidState => R::InvalidState,
                E::Empty => R::Empty,
                E::InvalidArgument(s) => R::InvalidArgument(s.to_string()),
                E::Unsupported(s) => R::Unsupported(s.to_string()),
                E::StringTooLong => R::StringTooLong,
                E::TooManyJobsPerUser => R::TooManyJobsPerUser,
                E::TooManyJobsPerMachine => R::TooManyJobsPerMachine,
                E::TooManyFilesInJob => R::TooManyFilesInJob,
                E::TooManyFiles => R::TooManyFiles,
                E::AccessDenied(s) => R::AccessDenied(s.to_string()),
                E::ProxyListTooLarge => R::ProxyListTooLarge,
                E::ProxyBypassListTooLarge => R::ProxyBypassListTooLarge,
                E::NotImplemented(s) => R::NotImplemented(s.to_string()),
                E::Local(v0) => R::Local(v0),
                E::Pending => R::Pending,
                E::InvalidRange => R::InvalidRange,
                E::OverlappingRanges => R::OverlappingRanges,
                E::TooManyRanges => R::TooManyRanges,
                E::ReadOnlyAfterResume => R::ReadOnlyAfterResume,
                E::PriorityFixed => R::PriorityFixed,
                E::ReadOnlyWhileActive => R::ReadOnlyWhileActive,
                E::RandomAccessNotSupported => R::RandomAccessNotSupported,
                E::NotSupportedWithCustomMethod => R::NotSupportedWithCustomMethod,
                E::ServiceStart(s) => R::ServiceStart(s.to_string()),
                E::ServiceLost => R::ServiceLost,
                E::ProtocolMismatch(v0, v1) => R::ProtocolMismatch(v0, v1),
                E::Protocol(s) => R::Protocol(s.to_string()),
            }
        }
    }

    impl From<R> for E {
        fn from(r: R) -> E {
            match r {
                R::NotFound => E::NotFound,
                R::InvalidState => E::InvalidState,
                R::Empty => E::Empty,
                R::InvalidArgument(s) => E::InvalidArgument(intern(&s)),
                R::Unsupported(s) => E::Unsupported(intern(&s)),
                R::StringTooLong => E::StringTooLong,
                R::TooManyJobsPerUser => E::TooManyJobsPerUser,
                R::TooManyJobsPerMachine => E::TooManyJobsPerMachine,
                R::TooManyFilesInJob => E::TooManyFilesInJob,
                R::TooManyFiles => E::TooManyFiles,
                R::AccessDenied(s) => E::AccessDenied(intern(&s)),
                R::ProxyListTooLarge => E::ProxyListTooLarge,
                R::ProxyBypassListTooLarge => E::ProxyBypassListTooLarge,
                R::NotImplemented(s) => E::NotImplemented(intern(&s)),
                R::Local(v0) => E::Local(v0),
                R::Pending => E::Pending,
                R::InvalidRange => E::InvalidRange,
                R::OverlappingRanges => E::OverlappingRanges,
                R::TooManyRanges => E::TooManyRanges,
                R::ReadOnlyAfterResume => E::ReadOnlyAfterResume,
                R::PriorityFixed => E::PriorityFixed,
                R::ReadOnlyWhileActive => E::ReadOnlyWhileActive,
                R::RandomAccessNotSupported => E::RandomAccessNotSupported,
                R::NotSupportedWithCustomMethod => E::NotSupportedWithCustomMethod,
                R::ServiceStart(s) => E::ServiceStart(intern(&s)),
                R::ServiceLost => E::ServiceLost,
                R::ProtocolMismatch(v0, v1) => E::ProtocolMismatch(v0, v1),
                R::Protocol(s) => E::Protocol(intern(&s)),
            }
        }
    }
}

/// The `&'static str` details of [`EngineError`] read from a peer come back as
/// interned copies. The table is bounded: past 256 distinct texts (only a hostile peer sends
/// that many) a fixed text stands in, so a peer cannot grow this process's memory.
pub mod static_str {
    use std::collections::HashSet;

    use once_cell::sync::Lazy;
    use parking_lot::Mutex;

    static INTERNED: Lazy<Mutex<HashSet<&'static str>>> = Lazy::new(|| Mutex::new(HashSet::new()));
    const MAX_INTERNED: usize = 256;

    /// The interned copy of `text` (the same pointer for the same text).
    pub fn intern(text: &str) -> &'static str {
        let mut set = INTERNED.lock();
        if let Some(s) = set.get(text) {
            return s;
        }
        if set.len() >= MAX_INTERNED || text.len() > 512 {
            return "(detail dropped: too many distinct texts from the service)";
        }
        let s: &'static str = Box::leak(text.to_owned().into_boxed_str());
        set.insert(s);
        s
    }
}

pub type EngineResult<T> = Result<T, EngineError>;

/// The detail of `EngineError::Protocol` the service answers a call with when making it panicked
/// (a bug: the service logs it and goes on serving). Clients give `E_UNEXPECTED` for it, as the
/// in-process library does for a panic caught at the C boundary; a client from before this text
/// gives `RPC_X_BAD_STUB_DATA`.
pub const SERVICE_FAILED: &str = "the service failed while making the call (see its log)";

/// The text a caught panic carries (`panic!`'s message), for the log.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".to_string())
}
