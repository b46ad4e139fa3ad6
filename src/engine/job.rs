//! The job model: properties, files, the state machine's rules, and defaults
//! (`spec/bits-core.md` §4, §10, §11).
//!
//! A job's mutable state sits behind one lock, held only briefly and never while caller code or
//! network I/O runs. A running transfer owns a [`RunControl`]; every update a worker makes is checked
//! against it, so a worker that was suspended, cancelled or pre-empted can no longer change the job.

use std::any::Any;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Instant;

use parking_lot::{Mutex, MutexGuard};

use super::cmdline::NotifyCmdLine;
use super::error::{EngineError, EngineResult};
use super::file::{FileEntry, LocalError, Remote};
use super::http::{FetchError, RedirectPolicy};
use super::store::{FileRecord, JobRecord, ProgressRecord, Store};
use super::time::FileTime;

/// A job's identifier (a random GUID).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct JobId(pub uuid::Uuid);

/// `{GUID}` in upper case, as BITS writes job ids.
impl std::fmt::Display for JobId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{{{}}}", self.0.to_string().to_uppercase())
    }
}

impl JobId {
    pub fn new_random() -> JobId {
        JobId(uuid::Uuid::new_v4())
    }
}

/// BITS job states, with their BG_JOB_STATE numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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

    /// QUEUED, CONNECTING or TRANSFERRING.
    pub fn is_active(self) -> bool {
        matches!(self, JobState::Queued | JobState::Connecting | JobState::Transferring)
    }
}

/// Job priority, FOREGROUND first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ProxySettings {
    pub usage: ProxyUsage,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub list: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bypass: Option<String>,
}

/// The user a job belongs to (a Unix uid).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
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

    /// Makes this thread act as the owner for the file operations that follow, until the guard is
    /// dropped (see [`crate::abi::os::ActingAs`]). Every file the engine opens, creates, renames
    /// or deletes for a job is touched this way, so a root service serving every user (the
    /// system instance) reaches only what the owner may; for a service of one user it changes
    /// nothing. Keep the guard to the file operation: never across an `.await`, a lock another
    /// thread waits for, or a store write.
    pub fn act(self) -> Result<crate::abi::os::ActingAs, super::file::LocalError> {
        crate::abi::os::act_as(self.uid).map_err(|e| super::file::LocalError::from_io(&e))
    }
}

/// Where a failure happened (BG_ERROR_CONTEXT).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ErrorContext {
    None = 0,
    Unknown = 1,
    GeneralQueueManager = 2,
    QueueManagerNotification = 3,
    LocalFile = 4,
    RemoteFile = 5,
    GeneralTransport = 6,
    RemoteApplication = 7,
    ServerCertificateCallback = 8,
}

/// Whom credentials are for (BG_AUTH_TARGET_*).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum AuthTarget {
    Server,
    Proxy,
}

/// How credentials are presented (the BG_AUTH_SCHEME_* values built here).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum AuthScheme {
    Basic,
    Digest,
}

/// A user name and password for one (target, scheme) pair (IBackgroundCopyJob2::SetCredentials).
/// Stored with the job in the owner-only store, as BITS keeps them with the job; `Debug` never
/// shows the password.
#[derive(Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Credential {
    pub target: AuthTarget,
    pub scheme: AuthScheme,
    pub user: String,
    pub password: String,
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credential")
            .field("target", &self.target)
            .field("scheme", &self.scheme)
            .field("user", &self.user)
            .field("password", &"<hidden>")
            .finish()
    }
}

/// The settings of the BITS 2.0-10.3 interfaces (Job3/4/5, HttpOptions), stored with the job.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct JobSettings {
    /// Extra request headers as set (CRLF-separated `Name: value` lines).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_headers: Option<String>,
    /// MakeCustomHeadersWriteOnly was called: GetCustomHeaders refuses.
    #[serde(skip_serializing_if = "super::store::skip::is_false")]
    pub headers_write_only: bool,
    /// BG_SSL_* and BG_HTTP_REDIRECT_POLICY_* bits.
    #[serde(skip_serializing_if = "super::store::skip::is_zero_u32")]
    pub security_flags: u32,
    /// Seconds the job may transfer after a Resume; 0 means no limit.
    #[serde(skip_serializing_if = "JobSettings::default_max_download_time")]
    pub max_download_time: u32,
    #[serde(skip_serializing_if = "super::store::skip::is_zero_u32")]
    pub peer_caching_flags: u32,
    #[serde(skip_serializing_if = "super::store::skip::is_zero_u32")]
    pub file_acl_flags: u32,
    #[serde(skip_serializing_if = "JobSettings::default_cost_flags")]
    pub cost_flags: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notification_clsid: Option<uuid::Uuid>,
    #[serde(skip_serializing_if = "super::store::skip::is_false")]
    pub dynamic_content: bool,
    #[serde(skip_serializing_if = "super::store::skip::is_false")]
    pub high_performance: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_download_size: Option<u64>,
    /// USE_STORED_CREDENTIALS target (only the proxy target is accepted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub use_stored_credentials: Option<i32>,
    #[serde(skip_serializing_if = "JobSettings::default_min_notification_interval")]
    pub min_notification_interval_ms: u32,
    /// Resume was called at least once (some properties freeze then).
    #[serde(skip_serializing_if = "super::store::skip::is_false")]
    pub resumed: bool,
    /// When the MaximumDownloadTime clock started (FILETIME ticks; the last Resume).
    #[serde(skip_serializing_if = "super::store::skip::is_zero_u64")]
    pub download_clock_start: u64,
    /// At most one per (target, scheme) pair.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub credentials: Vec<Credential>,
    /// HttpOptions2::SetHttpMethod; None is GET.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_method: Option<String>,
    /// HttpOptions::SetClientCertificateByID/ByName.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_certificate: Option<super::certs::ClientCertificate>,
    /// Headers sent only to answer a 401 challenge (DO's HttpCustomAuthHeaders).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_headers: Option<String>,
    /// The DO properties of a Delivery Optimization download (None for BITS jobs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub do_props: Option<super::dodl::DoProps>,
    /// An upload job's session with the server and its reply (None for downloads).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upload: Option<super::upload::UploadState>,
    /// The job's bandwidth limit in bytes per second (0: none); a property of ours
    /// (DELIVERYOPT_JOB_PROPERTY_MAX_BYTES_PER_SECOND).
    #[serde(default, skip_serializing_if = "super::store::skip::is_zero_u64")]
    pub max_bytes_per_second: u64,
    /// Most connections one file of the job is fetched over at once (0: the engine's default); a
    /// property of ours (DELIVERYOPT_JOB_PROPERTY_MAX_SEGMENTS).
    #[serde(default, skip_serializing_if = "super::store::skip::is_zero_u32")]
    pub max_segments: u32,
    /// Made through CLSID_DeliveryOptimization's IBackgroundCopyManager: the job and its files
    /// also answer the legacy IDeliveryOptimizationJob/File interfaces.
    #[serde(skip_serializing_if = "super::store::skip::is_false")]
    pub do_legacy: bool,
    /// A certificate validation callback is registered (the callback itself is not stored: a
    /// job loaded in a later process needs it registered again before its HTTPS transfers).
    #[serde(skip_serializing_if = "super::store::skip::is_false")]
    pub cert_validation_required: bool,
    /// Job5 ON_DEMAND_MODE: files are fetched by byte intervals at their own offsets (File6).
    #[serde(skip_serializing_if = "super::store::skip::is_false")]
    pub on_demand: bool,
    /// An on-demand job serves File6::RequestFileRanges requests: once none is left missing it
    /// goes to SUSPENDED (or TRANSFERRED). Without requests it fetches every missing byte.
    #[serde(skip_serializing_if = "super::store::skip::is_false")]
    pub demand_requested: bool,
}

impl JobSettings {
    /// The settings as the engine hands them to a client (`rpc` `settings`, in process and
    /// through the service alike), without what BITS never reads back: the passwords of
    /// SetCredentials and headers made write-only (MakeCustomHeadersWriteOnly); and without the
    /// engine's copy of a DO download's HttpCustomAuthHeaders (its GetProperty answers from the
    /// DO properties). A client is a program, not the engine: through the system instance it
    /// must not read what the job's owner set to be write-only.
    pub fn for_clients(mut self) -> JobSettings {
        for c in &mut self.credentials {
            c.password.clear();
        }
        if self.headers_write_only {
            self.custom_headers = None;
        }
        self.auth_headers = None;
        self
    }

    /// BITS's default MaximumDownloadTime: 90 days.
    const DEFAULT_MAX_DOWNLOAD_TIME: u32 = 7_776_000;
    /// Linux exposes no network cost: every network is treated as unrestricted.
    const DEFAULT_COST_FLAGS: u32 = 0x8000_00FF;
    const DEFAULT_MIN_NOTIFICATION_INTERVAL_MS: u32 = 500;

    fn default_max_download_time(v: &u32) -> bool {
        *v == Self::DEFAULT_MAX_DOWNLOAD_TIME
    }
    fn default_cost_flags(v: &u32) -> bool {
        *v == Self::DEFAULT_COST_FLAGS
    }
    fn default_min_notification_interval(v: &u32) -> bool {
        *v == Self::DEFAULT_MIN_NOTIFICATION_INTERVAL_MS
    }
}

impl Default for JobSettings {
    fn default() -> Self {
        JobSettings {
            custom_headers: None,
            headers_write_only: false,
            security_flags: 0,
            max_download_time: Self::DEFAULT_MAX_DOWNLOAD_TIME,
            peer_caching_flags: 0,
            file_acl_flags: 0,
            cost_flags: Self::DEFAULT_COST_FLAGS,
            notification_clsid: None,
            dynamic_content: false,
            high_performance: false,
            max_download_size: None,
            use_stored_credentials: None,
            min_notification_interval_ms: Self::DEFAULT_MIN_NOTIFICATION_INTERVAL_MS,
            resumed: false,
            download_clock_start: 0,
            credentials: Vec::new(),
            http_method: None,
            client_certificate: None,
            auth_headers: None,
            do_props: None,
            upload: None,
            max_bytes_per_second: 0,
            max_segments: 0,
            do_legacy: false,
            cert_validation_required: false,
            on_demand: false,
            demand_requested: false,
        }
    }
}

/// Parses custom headers: CRLF- (or LF-) separated `Name: value` lines; empty lines are ignored.
pub fn parse_headers(text: &str) -> EngineResult<Vec<(String, String)>> {
    let mut out = Vec::new();
    for line in text.split('\n').map(|l| l.trim_end_matches('\r')).filter(|l| !l.is_empty()) {
        let (name, value) = line.split_once(':').ok_or(EngineError::InvalidArgument("a header line needs a colon"))?;
        let name = name.trim();
        let token = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-.^_`|~".contains(c);
        if name.is_empty() || !name.chars().all(token) {
            return Err(EngineError::InvalidArgument("a header name is not a token"));
        }
        if value.chars().any(|c| c.is_control() && c != '\t') {
            return Err(EngineError::InvalidArgument("a header value holds a control character"));
        }
        out.push((name.to_string(), value.trim().to_string()));
    }
    Ok(out)
}

/// The failure a job in ERROR or TRANSIENT_ERROR carries.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct JobFailure {
    pub context: ErrorContext,
    pub error: FetchError,
    /// Index of the file involved, if any.
    pub file: Option<usize>,
    /// The failure ended the job because NoProgressTimeout ran out while it was being retried.
    #[serde(default)]
    pub timed_out: bool,
}

impl JobFailure {
    /// The context a fetch error belongs to.
    pub fn from_fetch(error: FetchError, file: Option<usize>) -> JobFailure {
        let context = match &error {
            FetchError::Local(_) => ErrorContext::LocalFile,
            FetchError::NameNotResolved(_)
            | FetchError::NoNetwork(_)
            | FetchError::ConnectFailed(_)
            | FetchError::Timeout(_)
            | FetchError::ConnectionClosed(_)
            | FetchError::Tls(_)
            | FetchError::Certificate(..) => ErrorContext::GeneralTransport,
            FetchError::CertCallback(_) | FetchError::CertCallbackRequired => ErrorContext::ServerCertificateCallback,
            FetchError::LocalFileChanged => ErrorContext::LocalFile,
            // The server says where: its application (7) or the file (5, and by default).
            FetchError::Bits { context: 7, .. } => ErrorContext::RemoteApplication,
            FetchError::Bits { context: 4, .. } => ErrorContext::LocalFile,
            _ => ErrorContext::RemoteFile,
        };
        JobFailure { context, error, file, timed_out: false }
    }

    /// True when the failure came from the transfer protocol (GetProtocol answers `http`/`file`).
    pub fn protocol(&self, remote: Option<&Remote>) -> Option<&'static str> {
        match (&self.error, remote) {
            (FetchError::Local(_), Some(Remote::Http(_))) => None,
            (_, Some(Remote::Http(_))) => Some("http"),
            (_, Some(Remote::Local(_))) => Some("file"),
            _ => None,
        }
    }
}

/// A registered notification target: the interface layer's proxy for the caller's callback
/// object. Called on a library thread (a notifier thread, or for JobTransferred/JobError the
/// worker that finished the transfer) with no engine lock held. `Err(hr)` means the caller's
/// method failed (it is called again later for TRANSFERRED/ERROR).
pub trait NotifyTarget: Any + Send + Sync {
    fn as_any(&self) -> &dyn Any;
    fn job_transferred(&self, job: &Arc<Job>) -> Result<(), i32>;
    fn job_error(&self, job: &Arc<Job>, failure: &JobFailure) -> Result<(), i32>;
    fn job_modification(&self, job: &Arc<Job>) -> Result<(), i32>;
    fn file_transferred(&self, job: &Arc<Job>, file: usize) -> Result<(), i32>;
    /// Byte ranges (remote offset, length) of a ranged file finished since the last call.
    fn file_ranges_transferred(&self, _job: &Arc<Job>, _file: usize, _ranges: &[(u64, u64)]) -> Result<(), i32> {
        Ok(())
    }
    /// A DO download's status changed (IDODownloadStatusCallback::OnStatusChange).
    fn do_status(&self, _job: &Arc<Job>, _status: &super::dodl::DoStatus) -> Result<(), i32> {
        Ok(())
    }
}

impl std::fmt::Debug for dyn NotifyTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NotifyTarget")
    }
}

/// Every BG_NOTIFY_* bit this library knows.
pub const NOTIFY_FLAGS_ALL: u32 = 0x3F;

/// Every defined peer caching flag (BG_JOB_ENABLE_PEERCACHING_CLIENT | _SERVER |
/// BG_JOB_DISABLE_BRANCH_CACHE): SetPeerCachingFlags refuses others.
pub const PEER_CACHING_FLAGS_ALL: u32 = 0x7;

/// Every defined file ACL flag (BG_COPY_FILE_OWNER | _GROUP | _DACL | _SACL): SetFileACLFlags
/// refuses others.
pub const FILE_ACL_FLAGS_ALL: u32 = 0xF;
pub const NOTIFY_TRANSFERRED: u32 = 0x1;
pub const NOTIFY_ERROR: u32 = 0x2;
pub const NOTIFY_DISABLE: u32 = 0x4;
pub const NOTIFY_MODIFICATION: u32 = 0x8;
pub const NOTIFY_FILE_TRANSFERRED: u32 = 0x10;
pub const NOTIFY_FILE_RANGES_TRANSFERRED: u32 = 0x20;
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct JobProgress {
    /// `u64::MAX` while some file's size is unknown.
    pub bytes_total: u64,
    pub bytes_transferred: u64,
    pub files_total: u32,
    pub files_transferred: u32,
}

/// Progress of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct FileProgress {
    /// `u64::MAX` while unknown.
    pub bytes_total: u64,
    pub bytes_transferred: u64,
    pub completed: bool,
}

/// Creation, last modification and transfer completion times.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct JobTimes {
    pub created: FileTime,
    pub modified: FileTime,
    /// Zero until the job reaches TRANSFERRED.
    pub transfer_completed: FileTime,
}

/// Why a running transfer should stop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StopReason {
    None = 0,
    /// Suspend, Cancel or Complete: the job's state was already set by the caller.
    Caller = 1,
    /// The scheduler wants the slot back (higher priority or time slice): the job returns to QUEUED.
    Preempt = 2,
}

/// A rate-limited notification of one job: whether a delivery is queued (or waiting for its
/// interval), and when the last one was delivered.
#[derive(Debug, Default, Clone, Copy)]
pub struct Throttle {
    pub pending: bool,
    pub last_sent: Option<Instant>,
}

/// The token of one running transfer of a job.
#[derive(Debug)]
pub struct RunControl {
    stop: AtomicU8,
    pub started: Instant,
    pub priority: Priority,
}

impl RunControl {
    pub(crate) fn new(priority: Priority) -> RunControl {
        RunControl { stop: AtomicU8::new(StopReason::None as u8), started: Instant::now(), priority }
    }

    pub fn stop_requested(&self) -> bool {
        self.stop.load(Ordering::Relaxed) != StopReason::None as u8
    }

    pub fn reason(&self) -> StopReason {
        match self.stop.load(Ordering::Relaxed) {
            1 => StopReason::Caller,
            2 => StopReason::Preempt,
            _ => StopReason::None,
        }
    }

    pub(crate) fn request_stop(&self, why: StopReason) {
        // The first reason wins; a caller's stop overrides a pre-emption.
        let _ = self.stop.compare_exchange(0, why as u8, Ordering::Relaxed, Ordering::Relaxed);
        if why == StopReason::Caller {
            self.stop.store(StopReason::Caller as u8, Ordering::Relaxed);
        }
    }
}

/// Mutable part of a job, behind the job's one lock.
pub(crate) struct Inner {
    pub display_name: String,
    pub description: String,
    pub priority: Priority,
    pub state: JobState,
    pub notify_flags: u32,
    pub notify_target: Option<Arc<dyn NotifyTarget>>,
    /// HttpOptions3::SetServerCertificateValidationInterface (not stored).
    pub cert_validation: Option<Arc<super::tls::CertValidation>>,
    pub min_retry_delay: u32,
    pub no_progress_timeout: u32,
    pub error_count: u32,
    pub proxy: ProxySettings,
    pub owner: Owner,
    pub times: JobTimes,
    pub files: Vec<FileEntry>,
    pub failure: Option<JobFailure>,
    /// The running transfer, if any.
    pub run: Option<Arc<RunControl>>,
    /// When the job last entered QUEUED (fairness: oldest first within a priority).
    pub queued_at: Instant,
    /// Last time bytes arrived (NoProgressTimeout counts from here).
    pub last_progress: Instant,
    /// Bumped at every Resume and retry, so a stale retry timer does nothing.
    pub retry_epoch: u64,
    pub redirect_policy: RedirectPolicy,
    /// Rate limit of JobModification (MINIMUM_NOTIFICATION_INTERVAL_MS).
    pub modification_throttle: Throttle,
    /// Finished ranges (file, remote offset, length) not yet told to a Callback3.
    pub ranges_done: Vec<(usize, u64, u64)>,
    /// Rate limit of FileRangesTransferred (MINIMUM_NOTIFICATION_INTERVAL_MS).
    pub ranges_throttle: Throttle,
    /// Response headers of the last response per file (File5 HTTP_RESPONSE_HEADERS).
    pub response_headers: Vec<String>,
    /// The notify command line (Job2).
    pub notify_cmd: Option<NotifyCmdLine>,
    /// Bumped each time the job reaches TRANSFERRED or ERROR: the event a command line answers.
    pub event_seq: u64,
    /// The last event the command line ran successfully for (stored, so it runs once per event).
    pub cmd_done_seq: u64,
    /// Job3/4/5 and HttpOptions settings.
    pub settings: JobSettings,
    /// Bumped at each Resume and change of MaximumDownloadTime: a stale deadline timer does nothing.
    pub download_epoch: u64,
    /// When this job's MaximumDownloadTime deadline is due, while it is armed (its key in the
    /// engine's deadline table).
    pub deadline_at: Option<Instant>,
    /// The command line is running now.
    pub cmd_running: bool,
    /// Process-only state of a DO download (stream sink, callback bookkeeping).
    pub do_rt: super::dodl::DoRuntime,
    /// A FileTransferred callback failed and is being called again: which file, and the
    /// callbacks that came meanwhile, held so they follow it in order (Callback2 is serialized
    /// per job).
    pub file_cb_hold: Option<(usize, Vec<super::notify::Event>)>,
}

/// One BITS job. Cheap to share (`Arc<Job>`).
pub struct Job {
    id: JobId,
    job_type: JobType,
    inner: Mutex<Inner>,
    /// Where the job records itself (none for an engine without a store).
    store: Option<Arc<Store>>,
    /// Signalled after every status change of a DO download (BlockingMode waits on it).
    changed: parking_lot::Condvar,
    /// Its callbacks' order and exclusion (see `notify`).
    delivery: super::notify::Delivery,
}

impl std::fmt::Debug for Job {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Job").field("id", &self.id).field("state", &self.state()).finish()
    }
}

impl Job {
    pub(crate) fn new(
        id: JobId,
        job_type: JobType,
        display_name: String,
        owner: Owner,
        store: Option<Arc<Store>>,
    ) -> Job {
        let now = FileTime::now();
        Job {
            id,
            job_type,
            store,
            changed: parking_lot::Condvar::new(),
            delivery: Default::default(),
            inner: Mutex::new(Inner {
                display_name,
                description: String::new(),
                priority: Priority::Normal,
                state: JobState::Suspended,
                notify_flags: NOTIFY_FLAGS_DEFAULT,
                notify_target: None,
                cert_validation: None,
                min_retry_delay: DEFAULT_MIN_RETRY_DELAY,
                no_progress_timeout: DEFAULT_NO_PROGRESS_TIMEOUT,
                error_count: 0,
                proxy: ProxySettings { usage: ProxyUsage::Preconfig, list: None, bypass: None },
                owner,
                times: JobTimes { created: now, modified: now, transfer_completed: FileTime(0) },
                files: Vec::new(),
                failure: None,
                run: None,
                queued_at: Instant::now(),
                last_progress: Instant::now(),
                retry_epoch: 0,
                redirect_policy: RedirectPolicy::default(),
                modification_throttle: Throttle::default(),
                ranges_done: Vec::new(),
                ranges_throttle: Throttle::default(),
                response_headers: Vec::new(),
                notify_cmd: None,
                event_seq: 0,
                cmd_done_seq: 0,
                cmd_running: false,
                settings: JobSettings::default(),
                download_epoch: 0,
                deadline_at: None,
                do_rt: super::dodl::DoRuntime::default(),
                file_cb_hold: None,
            }),
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock()
    }

    /// Everything that defines the job, for the store.
    pub(crate) fn record(&self, g: &Inner) -> JobRecord {
        JobRecord {
            id: self.id.0,
            job_type: self.job_type,
            display_name: g.display_name.clone(),
            description: g.description.clone(),
            priority: g.priority,
            state: g.state,
            notify_flags: g.notify_flags,
            min_retry_delay: g.min_retry_delay,
            no_progress_timeout: g.no_progress_timeout,
            error_count: g.error_count,
            proxy: g.proxy.clone(),
            owner: g.owner.uid,
            created: g.times.created.0,
            modified: g.times.modified.0,
            transfer_completed: g.times.transfer_completed.0,
            failure: g.failure.clone(),
            redirect_policy: g.redirect_policy,
            files: g.files.iter().map(FileRecord::of).collect(),
            notify_cmd: g.notify_cmd.clone(),
            event_seq: g.event_seq,
            cmd_done_seq: g.cmd_done_seq,
            settings: g.settings.clone(),
        }
    }

    /// Whether the job's records go to the store: every BITS job, and DO downloads that are
    /// NonVolatile.
    pub(crate) fn durable(g: &Inner) -> bool {
        g.settings.do_props.as_ref().is_none_or(|p| p.non_volatile)
    }

    /// Records the job's current state in the store. Called with the job's lock held, so the
    /// records of one job reach the journal in the order its changes happened.
    pub(crate) fn persist(&self, g: &Inner) {
        if let Some(store) = self.store_for(g) {
            store.put_job(self.record(g));
        }
    }

    /// The store the job's record goes to, if it goes anywhere: not for a job that ended (its
    /// record was deleted) nor for a volatile DO download.
    fn store_for(&self, g: &Inner) -> Option<&Arc<Store>> {
        self.store.as_ref().filter(|_| !g.state.is_final() && Job::durable(g))
    }

    /// As [`Job::persist`], for TRANSFERRED, which the engine reaches by itself: the record goes
    /// out with the next write or flush ([`Store::put_job_deferred`]). A crash before then leaves
    /// the job transferring its last file from its last checkpoint, which ends in TRANSFERRED again.
    pub(crate) fn persist_deferred(&self, g: &Inner) {
        if let Some(store) = self.store_for(g) {
            store.put_job_deferred(self.record(g));
        }
    }

    /// Records one file's progress (a checkpoint), with the job's lock held.
    pub(crate) fn persist_progress(&self, g: &Inner, index: usize) {
        self.put_progress(g, index, false);
    }

    /// As [`Job::persist_progress`], for a file whose transfer ended while the job goes on: the
    /// record goes out with the next write or flush ([`Store::put_progress_deferred`]).
    pub(crate) fn persist_progress_deferred(&self, g: &Inner, index: usize) {
        self.put_progress(g, index, true);
    }

    fn put_progress(&self, g: &Inner, index: usize, deferred: bool) {
        if !Job::durable(g) {
            return;
        }
        if let (Some(store), Some(f)) = (&self.store, g.files.get(index)) {
            let record = ProgressRecord {
                job: self.id.0,
                file: index,
                size: f.size,
                received: f.received,
                validators: f.validators.clone(),
                transferred: f.transferred,
                // An on-demand file's intervals, and a file fetched in pieces (kept as intervals
                // once it has holes; an empty list says it has none again).
                filled: (g.settings.on_demand || f.demand.pieces).then(|| f.demand.filled.clone()),
            };
            if deferred {
                store.put_progress_deferred(record, f.temp.parent());
            } else {
                store.put_progress(record, f.temp.parent());
            }
        }
    }

    /// The store's checkpoint settings (interval, bytes), when there is a store.
    pub(crate) fn checkpoint(&self) -> Option<(std::time::Duration, u64)> {
        self.store.as_ref().map(|s| (s.config().checkpoint_interval, s.config().checkpoint_bytes))
    }

    /// Forgets the job in the store (cancelled or completed).
    pub(crate) fn unpersist(&self) {
        if let Some(store) = &self.store {
            store.delete(self.id);
        }
    }

    /// A job as the store kept it, made ready to continue: a transfer that was under way goes back
    /// to the queue; a file whose temporary file is missing starts over (the transfer makes it), one
    /// that is shorter than its checkpoint continues from its real length. `None` when the record
    /// cannot be used (it is then logged and dropped).
    pub(crate) fn from_record(r: JobRecord, store: Option<Arc<Store>>) -> Option<Job> {
        let mut files = Vec::with_capacity(r.files.len());
        for fr in &r.files {
            let Some(mut f) = fr.entry() else {
                tracing::error!(job = %r.id, "a file's remote name no longer parses: the stored job was dropped");
                return None;
            };
            // (An upload's file is its source, and its progress is the server's: nothing to check.)
            if !f.completed && !f.stream && r.job_type == JobType::Download {
                let _as_owner = Owner { uid: r.owner }.act();
                match std::fs::symlink_metadata(&f.temp) {
                    Ok(m) if m.is_file() && (r.settings.on_demand || !f.demand.filled.is_empty()) => {
                        // The intervals past the file's real end are not there.
                        f.demand.truncate(m.len());
                        f.demand.queue = super::file::subtract(&f.demand.queue, &f.demand.filled);
                        f.received = f.demand.filled_bytes();
                        if f.transferred && !f.size.is_some_and(|s| f.demand.complete(s)) {
                            f.transferred = false;
                        }
                        f.demand.pieces = !r.settings.on_demand;
                    }
                    Ok(m) if m.is_file() => {
                        if m.len() < f.received {
                            f.received = m.len();
                            f.transferred = false;
                        }
                        if f.transferred && f.size.is_some_and(|s| m.len() < s) {
                            f.transferred = false;
                        }
                    }
                    other => {
                        // The temporary file is gone (or was never made: the transfer creates it),
                        // or something else is at its name: start over, under a new name then.
                        // If that fails, the transfer reports the local problem.
                        if other.is_ok() {
                            if let Ok(t) = super::file::choose_temp(&f.local) {
                                f.temp = t;
                            }
                        }
                        f.received = 0;
                        f.validators = None;
                        f.transferred = false;
                        f.demand.filled.clear();
                    }
                }
            }
            files.push(f);
        }
        let mut state = r.state;
        if state.is_final() {
            return None;
        }
        if matches!(state, JobState::Connecting | JobState::Transferring | JobState::TransientError) {
            state = JobState::Queued;
        }
        if state == JobState::Transferred && files.iter().any(|f| !f.transferred) {
            state = JobState::Queued;
        }
        let job = Job::new(JobId(r.id), r.job_type, r.display_name, Owner { uid: r.owner }, store);
        {
            let mut g = job.inner.lock();
            g.description = r.description;
            g.priority = r.priority;
            g.state = state;
            g.notify_flags = r.notify_flags;
            g.min_retry_delay = r.min_retry_delay;
            g.no_progress_timeout = r.no_progress_timeout;
            g.error_count = r.error_count;
            g.proxy = r.proxy;
            g.times = JobTimes {
                created: FileTime(r.created),
                modified: FileTime(r.modified),
                transfer_completed: FileTime(r.transfer_completed),
            };
            g.failure = if state == JobState::Error { r.failure } else { None };
            g.redirect_policy = r.redirect_policy;
            g.notify_cmd = r.notify_cmd;
            g.settings = r.settings;
            g.event_seq = r.event_seq;
            g.cmd_done_seq = r.cmd_done_seq;
            g.files = files;
            g.response_headers = vec![String::new(); g.files.len()];
        }
        Some(job)
    }

    pub fn id(&self) -> JobId {
        self.id
    }

    pub fn job_type(&self) -> JobType {
        self.job_type
    }

    /// A Delivery Optimization download (IDODownload), not a BITS job.
    pub fn is_do(&self) -> bool {
        self.inner.lock().settings.do_props.is_some()
    }

    /// Made through CLSID_DeliveryOptimization's IBackgroundCopyManager (legacy DO job).
    pub fn is_do_legacy(&self) -> bool {
        self.inner.lock().settings.do_legacy
    }

    /// The DO properties (None for a BITS job).
    pub fn do_props(&self) -> Option<super::dodl::DoProps> {
        self.inner.lock().settings.do_props.clone()
    }

    /// Signalled after each status change of a DO download.
    pub(crate) fn changed(&self) -> &parking_lot::Condvar {
        &self.changed
    }

    pub(crate) fn delivery(&self) -> &super::notify::Delivery {
        &self.delivery
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

    /// The failure, only in ERROR or TRANSIENT_ERROR.
    pub fn failure(&self) -> Option<JobFailure> {
        let g = self.inner.lock();
        match g.state {
            JobState::Error | JobState::TransientError => g.failure.clone(),
            _ => None,
        }
    }

    pub fn file_count(&self) -> usize {
        self.inner.lock().files.len()
    }

    /// A copy of file `i`.
    pub fn file(&self, i: usize) -> Option<FileEntry> {
        self.inner.lock().files.get(i).cloned()
    }

    pub fn file_progress(&self, i: usize) -> Option<FileProgress> {
        self.inner.lock().files.get(i).map(|f| FileProgress {
            bytes_total: f.size.unwrap_or(u64::MAX),
            bytes_transferred: f.received,
            completed: f.completed,
        })
    }

    /// Headers of the last HTTP response for file `i` (empty before any response).
    pub fn file_response_headers(&self, i: usize) -> Option<String> {
        self.inner.lock().response_headers.get(i).cloned()
    }

    /// Totals over the job's files (all zero for a job without files).
    pub fn progress(&self) -> JobProgress {
        let g = self.inner.lock();
        let mut p = JobProgress { files_total: g.files.len() as u32, ..JobProgress::default() };
        let mut all_known = true;
        for f in &g.files {
            match f.size {
                Some(s) => p.bytes_total = p.bytes_total.saturating_add(s),
                None => all_known = false,
            }
            p.bytes_transferred += f.received;
            if f.transferred {
                p.files_transferred += 1;
            }
        }
        if !all_known {
            p.bytes_total = u64::MAX;
        }
        p
    }

    /// Like `modify`, for changes the store does not keep (the callback registration): no record is
    /// written.
    pub(crate) fn modify_volatile<R>(&self, f: impl FnOnce(&mut Inner) -> EngineResult<R>) -> EngineResult<R> {
        let mut g = self.inner.lock();
        if g.state.is_final() {
            return Err(EngineError::InvalidState);
        }
        let r = f(&mut g)?;
        g.times.modified = FileTime::now();
        Ok(r)
    }

    /// Runs `f` on the mutable state unless the job is final; records the modification time.
    pub(crate) fn modify<R>(&self, f: impl FnOnce(&mut Inner) -> EngineResult<R>) -> EngineResult<R> {
        let mut g = self.inner.lock();
        if g.state.is_final() {
            return Err(EngineError::InvalidState);
        }
        let r = f(&mut g)?;
        g.times.modified = FileTime::now();
        self.persist(&g);
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

    /// Unknown bits are refused (`Unsupported`), as BITS answers E_NOTIMPL.
    pub fn set_notify_flags(&self, flags: u32) -> EngineResult<()> {
        if flags & !NOTIFY_FLAGS_ALL != 0 {
            return Err(EngineError::Unsupported("unknown BG_NOTIFY flag"));
        }
        // Setting the flags a job already has defines nothing new: no journal record (the
        // modification time goes with the job's next one).
        if self.lock().notify_flags == flags {
            return self.modify_volatile(|_| Ok(()));
        }
        self.modify(|g| {
            g.notify_flags = flags;
            Ok(())
        })
    }

    /// What every request of this job carries.
    pub(crate) fn request_options(g: &Inner) -> super::http::RequestOptions {
        super::http::RequestOptions {
            redirect: g.redirect_policy,
            headers: g.settings.custom_headers.as_deref().and_then(|h| parse_headers(h).ok()).unwrap_or_default(),
            max_size: g.settings.max_download_size,
            credentials: g.settings.credentials.iter().filter(|c| c.target == AuthTarget::Server).cloned().collect(),
            method: g.settings.http_method.clone(),
            dynamic: g.settings.dynamic_content,
            auth_headers: g.settings.auth_headers.as_deref().and_then(|h| parse_headers(h).ok()).unwrap_or_default(),
            client_cert: g.settings.client_certificate.clone(),
            size_hint: g.settings.do_props.as_ref().and_then(|p| p.total_size),
            tls: super::tls::TlsPolicy {
                flags: g.settings.security_flags & super::tls::SSL_FLAGS,
                validation: g.cert_validation.clone(),
                validation_required: g.settings.cert_validation_required,
            },
            proxy: Some(g.proxy.clone()),
            // With Digest credentials too, nothing is sent up front: the challenge picks the scheme.
            proxy_credentials: g
                .settings
                .credentials
                .iter()
                .find(|c| c.target == AuthTarget::Proxy && c.scheme == AuthScheme::Basic)
                .filter(|_| {
                    !g.settings
                        .credentials
                        .iter()
                        .any(|c| c.target == AuthTarget::Proxy && c.scheme == AuthScheme::Digest)
                })
                .cloned(),
            proxy_auth: g.settings.credentials.iter().filter(|c| c.target == AuthTarget::Proxy).cloned().collect(),
            owner: Some(g.owner),
            rate: super::rate::Rate::new(g.settings.max_bytes_per_second),
            foreground: g.priority == Priority::Foreground,
            segments: g.settings.max_segments,
        }
    }

    /// HttpOptions2::SetHttpMethod: "GET" (or None) restores the default; another verb makes the
    /// job FOREGROUND for good, sends that verb without Range or HEAD, and turns transient errors
    /// into ERROR (a retry would start over anyway). Only before the first Resume.
    pub fn set_http_method(&self, method: Option<String>) -> EngineResult<()> {
        self.modify(|g| {
            if g.settings.resumed {
                return Err(EngineError::ReadOnlyAfterResume);
            }
            let method = method.filter(|m| m != "GET");
            // A custom verb excludes dynamic content and on-demand mode, whichever came first.
            if method.is_some() && (g.settings.on_demand || g.settings.dynamic_content) {
                return Err(EngineError::NotSupportedWithCustomMethod);
            }
            g.settings.http_method = method;
            if g.settings.http_method.is_some() {
                g.priority = Priority::Foreground;
            }
            Ok(())
        })
    }

    /// Adds or replaces the credentials for their (target, scheme) pair. A Basic user name with a colon is refused
    /// (RFC 7617: the colon ends the user name), as SetCredentials refuses it.
    pub fn set_credentials(&self, c: Credential) -> EngineResult<()> {
        if c.scheme == AuthScheme::Basic && c.user.contains(':') {
            return Err(EngineError::InvalidArgument("a Basic user name cannot contain a colon"));
        }
        self.update_settings(|s, _, _| {
            s.credentials.retain(|k| (k.target, k.scheme) != (c.target, c.scheme));
            s.credentials.push(c);
            Ok(())
        })
    }

    /// Removes the credentials of a (target, scheme) pair; false if there were none.
    pub fn remove_credentials(&self, target: AuthTarget, scheme: AuthScheme) -> EngineResult<bool> {
        self.update_settings(|s, _, _| {
            let before = s.credentials.len();
            s.credentials.retain(|k| (k.target, k.scheme) != (target, scheme));
            Ok(s.credentials.len() != before)
        })
    }

    /// A copy of the job's settings.
    pub fn settings(&self) -> JobSettings {
        self.inner.lock().settings.clone()
    }

    /// Sets MaximumDownloadTime (0: no limit); the clock keeps running from the last Resume.
    pub fn set_max_download_time(&self, seconds: u32) -> EngineResult<()> {
        self.modify(|g| {
            g.settings.max_download_time = seconds;
            g.download_epoch += 1;
            Ok(())
        })
    }

    /// Changes the settings with `f`, which may refuse given the job's state and its number of
    /// files, and records them.
    pub fn update_settings<R>(
        &self,
        f: impl FnOnce(&mut JobSettings, JobState, usize) -> EngineResult<R>,
    ) -> EngineResult<R> {
        self.modify(|g| {
            let mut s = g.settings.clone();
            let r = f(&mut s, g.state, g.files.len())?;
            g.redirect_policy = RedirectPolicy {
                disallow: s.security_flags & super::http::REDIRECT_POLICY_MASK == super::http::REDIRECT_POLICY_DISALLOW,
                report: s.security_flags & super::http::REDIRECT_POLICY_MASK
                    == super::http::REDIRECT_POLICY_ALLOW_REPORT,
                https_to_http: s.security_flags & super::http::REDIRECT_POLICY_ALLOW_HTTPS_TO_HTTP != 0,
            };
            g.settings = s;
            Ok(r)
        })
    }

    /// The notify command line, if one is set.
    pub fn notify_cmdline(&self) -> Option<NotifyCmdLine> {
        self.inner.lock().notify_cmd.clone()
    }

    /// Sets or (with `None`) removes the notify command line.
    pub fn set_notify_cmdline(&self, cmd: Option<NotifyCmdLine>) -> EngineResult<()> {
        self.modify(|g| {
            g.notify_cmd = cmd;
            Ok(())
        })
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
                return Err(EngineError::InvalidArgument("proxy lists are only used with OVERRIDE"))
            }
            _ => {}
        }
        if s.list.as_deref().is_some_and(|l| l.encode_utf16().count() > MAX_PROXY_LIST) {
            return Err(EngineError::ProxyListTooLarge);
        }
        if s.bypass.as_deref().is_some_and(|l| l.encode_utf16().count() > MAX_PROXY_LIST) {
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
            return Err(EngineError::AccessDenied("TakeOwnership needs administrator rights"));
        }
        self.modify(|g| {
            g.owner = new_owner;
            Ok(())
        })
    }

    /// Temporary files of files not completed, to delete when the job ends.
    pub(crate) fn temp_files(g: &Inner) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = g
            .files
            .iter()
            .filter(|f| !f.completed && !f.stream && !f.temp.as_os_str().is_empty())
            .map(|f| f.temp.clone())
            .collect();
        // An upload-reply job's reply before Complete named it.
        if let Some(t) = g.settings.upload.as_ref().filter(|u| !u.reply_completed).and_then(|u| u.reply_temp.clone()) {
            v.push(t);
        }
        v
    }
}

/// Deletes temporary files of `owner`'s job, as the owner; returns false when some could not be
/// deleted.
pub(crate) fn delete_files(owner: Owner, paths: &[PathBuf]) -> bool {
    let Ok(_as_owner) = owner.act() else { return paths.is_empty() };
    let mut ok = true;
    for p in paths {
        match std::fs::remove_file(p) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(_) => ok = false,
        }
    }
    ok
}

/// Result of Complete or Cancel.
#[derive(Debug, Default)]
pub struct EndResult {
    /// Some files were not transferred (Complete: BG_S_PARTIAL_COMPLETE).
    pub partial: bool,
    /// Some temporary files could not be deleted (BG_S_UNABLE_TO_DELETE_FILES).
    pub undeleted: bool,
    /// The notify target, to release outside every lock.
    pub target: Option<Arc<dyn NotifyTarget>>,
    /// The certificate validation registration, to release outside every lock.
    pub validation: Option<Arc<super::tls::CertValidation>>,
}

impl From<LocalError> for EngineError {
    fn from(e: LocalError) -> EngineError {
        EngineError::Local(e)
    }
}
