//! The job model: properties, the state machine's rules for caller actions, and defaults
//! (`spec/bits-core.md` §4, §10, §11).

use std::any::Any;
use std::sync::Arc;

use parking_lot::Mutex;

use super::error::{EngineError, EngineResult};
use super::time::FileTime;

/// A job's identifier (a random GUID).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct JobId(pub uuid::Uuid);

impl JobId {
    pub fn new_random() -> JobId {
        JobId(uuid::Uuid::new_v4())
    }
}

/// BITS job states, with their BG_JOB_STATE numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobState {
    Queued = 0,
    Connecting = 1,
    Transferring = 2,
    Suspended = 3,
    Error = 4,
    TransientError = 5,
    Transferred = 6,
    Acknowledged = 7,
    Cancelled = 8,
}

impl JobState {
    /// CANCELLED and ACKNOWLEDGED never change again.
    pub fn is_final(self) -> bool {
        matches!(self, JobState::Cancelled | JobState::Acknowledged)
    }
}

/// Job priority, FOREGROUND first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    Foreground = 0,
    High = 1,
    Normal = 2,
    Low = 3,
}

impl Priority {
    pub fn from_raw(v: i32) -> Option<Priority> {
        Some(match v {
            0 => Priority::Foreground,
            1 => Priority::High,
            2 => Priority::Normal,
            3 => Priority::Low,
            _ => return None,
        })
    }
}

/// Kind of job.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobType {
    Download = 0,
    Upload = 1,
    UploadReply = 2,
}

impl JobType {
    pub fn from_raw(v: i32) -> Option<JobType> {
        Some(match v {
            0 => JobType::Download,
            1 => JobType::Upload,
            2 => JobType::UploadReply,
            _ => return None,
        })
    }
}

/// Proxy selection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProxyUsage {
    Preconfig = 0,
    NoProxy = 1,
    Override = 2,
    Autodetect = 3,
}

impl ProxyUsage {
    pub fn from_raw(v: i32) -> Option<ProxyUsage> {
        Some(match v {
            0 => ProxyUsage::Preconfig,
            1 => ProxyUsage::NoProxy,
            2 => ProxyUsage::Override,
            3 => ProxyUsage::Autodetect,
            _ => return None,
        })
    }
}

/// Proxy settings as set by SetProxySettings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProxySettings {
    pub usage: ProxyUsage,
    pub list: Option<String>,
    pub bypass: Option<String>,
}

/// The user a job belongs to (a Unix uid).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Owner {
    pub uid: u32,
}

impl Owner {
    /// Root is the administrator: exempt from quotas, may take ownership.
    pub fn is_admin(self) -> bool {
        self.uid == 0
    }

    /// The owner as a SID string. Unix users map to `S-1-22-1-<uid>`, the convention Samba uses
    /// for Unix accounts.
    pub fn sid(self) -> String {
        format!("S-1-22-1-{}", self.uid)
    }
}

/// Something registered to hear about a job (the interface layer's proxy for the caller's
/// callback object). The engine only stores it and hands it back.
pub trait NotifyTarget: Any + Send + Sync {
    fn as_any(&self) -> &dyn Any;
}

impl std::fmt::Debug for dyn NotifyTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NotifyTarget")
    }
}

/// Every BG_NOTIFY_* bit this library knows.
pub const NOTIFY_FLAGS_ALL: u32 = 0x3F;
/// Default notify flags of a new job: TRANSFERRED | ERROR.
pub const NOTIFY_FLAGS_DEFAULT: u32 = 0x3;
/// Default MinimumRetryDelay (seconds) and its floor.
pub const DEFAULT_MIN_RETRY_DELAY: u32 = 600;
pub const MIN_RETRY_DELAY_FLOOR: u32 = 5;
/// Default NoProgressTimeout: 14 days.
pub const DEFAULT_NO_PROGRESS_TIMEOUT: u32 = 1_209_600;
/// Longest display name and description, in UTF-16 units.
pub const MAX_DISPLAY_NAME: usize = 256;
pub const MAX_DESCRIPTION: usize = 1024;
/// Longest proxy and bypass lists, in UTF-16 units (the SetProxySettings parameter text).
pub const MAX_PROXY_LIST: usize = 4000;

/// Progress totals of a job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct JobProgress {
    /// `u64::MAX` while some file's size is unknown.
    pub bytes_total: u64,
    pub bytes_transferred: u64,
    pub files_total: u32,
    pub files_transferred: u32,
}

/// Creation, last modification and transfer completion times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct JobTimes {
    pub created: FileTime,
    pub modified: FileTime,
    /// Zero until the job reaches TRANSFERRED.
    pub transfer_completed: FileTime,
}

/// Mutable part of a job, behind the job's one lock.
struct Inner {
    display_name: String,
    description: String,
    priority: Priority,
    state: JobState,
    notify_flags: u32,
    notify_target: Option<Arc<dyn NotifyTarget>>,
    min_retry_delay: u32,
    no_progress_timeout: u32,
    error_count: u32,
    proxy: ProxySettings,
    owner: Owner,
    times: JobTimes,
    file_count: u32,
}

/// One BITS job. Cheap to share (`Arc<Job>`); every method takes the job's lock briefly.
pub struct Job {
    id: JobId,
    job_type: JobType,
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job")
            .field("id", &self.id)
            .field("state", &self.state())
            .finish()
    }
}

impl Job {
    pub(crate) fn new(id: JobId, job_type: JobType, display_name: String, owner: Owner) -> Job {
        let now = FileTime::now();
        Job {
            id,
            job_type,
            inner: Mutex::new(Inner {
                display_name,
                description: String::new(),
                priority: Priority::Normal,
                state: JobState::Suspended,
                notify_flags: NOTIFY_FLAGS_DEFAULT,
                notify_target: None,
                min_retry_delay: DEFAULT_MIN_RETRY_DELAY,
                no_progress_timeout: DEFAULT_NO_PROGRESS_TIMEOUT,
                error_count: 0,
                proxy: ProxySettings {
                    usage: ProxyUsage::Preconfig,
                    list: None,
                    bypass: None,
                },
                owner,
                times: JobTimes {
                    created: now,
                    modified: now,
                    transfer_completed: FileTime(0),
                },
                file_count: 0,
            }),
        }
    }

    pub fn id(&self) -> JobId {
        self.id
    }

    pub fn job_type(&self) -> JobType {
        self.job_type
    }

    pub fn state(&self) -> JobState {
        self.inner.lock().state
    }

    pub fn owner(&self) -> Owner {
        self.inner.lock().owner
    }

    pub fn display_name(&self) -> String {
        self.inner.lock().display_name.clone()
    }

    pub fn description(&self) -> String {
        self.inner.lock().description.clone()
    }

    pub fn priority(&self) -> Priority {
        self.inner.lock().priority
    }

    pub fn notify_flags(&self) -> u32 {
        self.inner.lock().notify_flags
    }

    pub fn notify_target(&self) -> Option<Arc<dyn NotifyTarget>> {
        self.inner.lock().notify_target.clone()
    }

    pub fn min_retry_delay(&self) -> u32 {
        self.inner.lock().min_retry_delay
    }

    pub fn no_progress_timeout(&self) -> u32 {
        self.inner.lock().no_progress_timeout
    }

    pub fn error_count(&self) -> u32 {
        self.inner.lock().error_count
    }

    pub fn proxy_settings(&self) -> ProxySettings {
        self.inner.lock().proxy.clone()
    }

    pub fn times(&self) -> JobTimes {
        self.inner.lock().times
    }

    /// Totals over the job's files (all zero for a job without files).
    pub fn progress(&self) -> JobProgress {
        let g = self.inner.lock();
        JobProgress {
            files_total: g.file_count,
            ..JobProgress::default()
        }
    }

    /// Runs `f` on the mutable state unless the job is final; records the modification time.
    fn modify<R>(&self, f: impl FnOnce(&mut Inner) -> EngineResult<R>) -> EngineResult<R> {
        let mut g = self.inner.lock();
        if g.state.is_final() {
            return Err(EngineError::InvalidState);
        }
        let r = f(&mut g)?;
        g.times.modified = FileTime::now();
        Ok(r)
    }

    pub fn set_display_name(&self, name: String) -> EngineResult<()> {
        if name.encode_utf16().count() > MAX_DISPLAY_NAME {
            return Err(EngineError::StringTooLong);
        }
        self.modify(|g| {
            g.display_name = name;
            Ok(())
        })
    }

    pub fn set_description(&self, text: String) -> EngineResult<()> {
        if text.encode_utf16().count() > MAX_DESCRIPTION {
            return Err(EngineError::StringTooLong);
        }
        self.modify(|g| {
            g.description = text;
            Ok(())
        })
    }

    pub fn set_priority(&self, p: Priority) -> EngineResult<()> {
        self.modify(|g| {
            g.priority = p;
            Ok(())
        })
    }

    /// Unknown bits are refused (`Unsupported`), as BITS answers E_NOTIMPL.
    pub fn set_notify_flags(&self, flags: u32) -> EngineResult<()> {
        if flags & !NOTIFY_FLAGS_ALL != 0 {
            return Err(EngineError::Unsupported("unknown BG_NOTIFY flag"));
        }
        self.modify(|g| {
            g.notify_flags = flags;
            Ok(())
        })
    }

    /// Replaces the notify target; returns the previous one so the caller drops it outside the
    /// job's lock (dropping it may call into the caller's code).
    pub fn set_notify_target(
        &self,
        target: Option<Arc<dyn NotifyTarget>>,
    ) -> EngineResult<Option<Arc<dyn NotifyTarget>>> {
        self.modify(|g| Ok(std::mem::replace(&mut g.notify_target, target)))
    }

    /// Values below the 5-second floor are raised to it.
    pub fn set_min_retry_delay(&self, seconds: u32) -> EngineResult<()> {
        self.modify(|g| {
            g.min_retry_delay = seconds.max(MIN_RETRY_DELAY_FLOOR);
            Ok(())
        })
    }

    pub fn set_no_progress_timeout(&self, seconds: u32) -> EngineResult<()> {
        self.modify(|g| {
            g.no_progress_timeout = seconds;
            Ok(())
        })
    }

    /// Lists are used only with OVERRIDE, which requires a proxy list.
    pub fn set_proxy_settings(&self, s: ProxySettings) -> EngineResult<()> {
        match s.usage {
            ProxyUsage::Override if s.list.as_deref().is_none_or(str::is_empty) => {
                return Err(EngineError::InvalidArgument("OVERRIDE needs a proxy list"))
            }
            ProxyUsage::Override => {}
            _ if s.list.is_some() || s.bypass.is_some() => {
                return Err(EngineError::InvalidArgument(
                    "proxy lists are only used with OVERRIDE",
                ))
            }
            _ => {}
        }
        if s.list
            .as_deref()
            .is_some_and(|l| l.encode_utf16().count() > MAX_PROXY_LIST)
        {
            return Err(EngineError::ProxyListTooLarge);
        }
        if s.bypass
            .as_deref()
            .is_some_and(|l| l.encode_utf16().count() > MAX_PROXY_LIST)
        {
            return Err(EngineError::ProxyBypassListTooLarge);
        }
        self.modify(|g| {
            g.proxy = s;
            Ok(())
        })
    }

    /// Makes `new_owner` the owner; only an administrator may.
    pub fn take_ownership(&self, new_owner: Owner) -> EngineResult<()> {
        if !new_owner.is_admin() {
            return Err(EngineError::AccessDenied(
                "TakeOwnership needs administrator rights",
            ));
        }
        self.modify(|g| {
            g.owner = new_owner;
            Ok(())
        })
    }

    /// SUSPENDED → QUEUED (other active states unchanged; ERROR/TRANSIENT_ERROR retried).
    pub(crate) fn resume(&self) -> EngineResult<()> {
        self.modify(|g| {
            if g.file_count == 0 {
                return Err(EngineError::Empty);
            }
            match g.state {
                JobState::Suspended | JobState::Error | JobState::TransientError => {
                    g.state = JobState::Queued
                }
                JobState::Transferred => {}
                _ => {}
            }
            Ok(())
        })
    }

    /// Any non-final state → SUSPENDED.
    pub(crate) fn suspend(&self) -> EngineResult<()> {
        self.modify(|g| {
            g.state = JobState::Suspended;
            Ok(())
        })
    }

    /// Any non-final state → CANCELLED. Returns the notify target so the caller releases it
    /// outside the lock.
    pub(crate) fn cancel(&self) -> EngineResult<Option<Arc<dyn NotifyTarget>>> {
        self.modify(|g| {
            g.state = JobState::Cancelled;
            Ok(g.notify_target.take())
        })
    }

    /// Any non-final state of a download job (only TRANSFERRED for uploads) → ACKNOWLEDGED.
    pub(crate) fn complete(&self) -> EngineResult<Option<Arc<dyn NotifyTarget>>> {
        let job_type = self.job_type;
        self.modify(|g| {
            if job_type != JobType::Download && g.state != JobState::Transferred {
                return Err(EngineError::InvalidState);
            }
            g.state = JobState::Acknowledged;
            Ok(g.notify_target.take())
        })
    }
}
