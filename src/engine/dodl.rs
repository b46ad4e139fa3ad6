//! Delivery Optimization downloads (`spec/do.md`): a one-file engine job seen with DO's states,
//! properties and rules. Never a second engine: the scheduler, workers, store and notifier are the
//! BITS ones; this module adds what DO defines on top (its state mapping, its property table,
//! Start/Pause/Abort/Finalize rules, status snapshots for IDODownloadStatusCallback, stream sinks).

use std::any::Any;
use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::error::{EngineError, EngineResult};
use super::file::{self, FileRange, Remote};
use super::http::FetchError;
use super::job::{Inner, Job, JobFailure, JobState, JobType, Owner, Priority};
use super::{Engine, NewFile};

/// IDODownload states, with their DODownloadState numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DoState {
    Created = 0,
    Transferring = 1,
    Transferred = 2,
    Finalized = 3,
    Aborted = 4,
    Paused = 5,
}

/// What DO_DOWNLOAD_STATUS's Error and ExtendedError report.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DoError {
    /// A transfer failure: Error is its HRESULT. While the download is still Transferring it is
    /// the last failure of a request being retried; on a Paused download it stopped the download.
    Failed(FetchError),
    /// NoProgressTimeoutSeconds ran out: Error is DO_E_DOWNLOAD_NO_PROGRESS and ExtendedError the
    /// last failure.
    NoProgress(FetchError),
    /// A transient condition DO waits out (no network): the download shows Paused with Error
    /// S_OK and ExtendedError DO_E_BLOCKED_BY_NO_NETWORK, and resumes by itself.
    Blocked(FetchError),
}

/// A snapshot of a download (IDODownload::GetStatus, IDODownloadStatusCallback::OnStatusChange).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DoStatus {
    /// 0 while the size is unknown (TotalSizeBytes, when set, stands in for it).
    pub bytes_total: u64,
    pub bytes_transferred: u64,
    pub state: DoState,
    pub error: Option<DoError>,
}

/// Why a DO call was refused: DO's own codes (the interface maps each to its DO_E_/E_ HRESULT).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DoRefusal {
    UnknownProperty,
    ReadOnly,
    WriteOnly,
    /// Never set and without a value (E_NOT_SET).
    NotSet,
    NoUri,
    SinkUnspecified,
    SinkAlreadySet,
    /// A stream sink needs explicit ranges (the Microsoft SDK always passes them).
    RangesExpected,
    /// New ranges while the download is transferring.
    RangesUnexpected,
    /// IntegrityCheckMandatory without IntegrityCheckInfo.
    IntegrityInfoUnspecified,
    /// IntegrityCheckMandatory with a piece-hash file this library cannot check.
    IntegrityInfoUnavailable,
    /// A malformed URL or one that is not http/https (INET_E_INVALID_URL).
    InvalidUrl,
}

/// The DODownloadProperty ids, by meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DoProp {
    Id,
    Uri,
    ContentId,
    DisplayName,
    LocalPath,
    HttpCustomHeaders,
    CostPolicy,
    SecurityFlags,
    CallbackFreqPercent,
    CallbackFreqSeconds,
    NoProgressTimeoutSeconds,
    ForegroundPriority,
    BlockingMode,
    CallbackInterface,
    StreamInterface,
    SecurityContext,
    NetworkToken,
    CorrelationVector,
    DecryptionInfo,
    IntegrityCheckInfo,
    IntegrityCheckMandatory,
    TotalSizeBytes,
    DisallowOnCellular,
    HttpCustomAuthHeaders,
    HttpAllowSecureToNonSecureRedirect,
    NonVolatile,
    HttpRedirectionTarget,
    HttpResponseHeaders,
    HttpServerIPAddress,
    HttpStatusCode,
}

/// Every property in DODownloadProperty order (its index is the id).
const ALL_PROPS: [DoProp; 30] = [
    DoProp::Id,
    DoProp::Uri,
    DoProp::ContentId,
    DoProp::DisplayName,
    DoProp::LocalPath,
    DoProp::HttpCustomHeaders,
    DoProp::CostPolicy,
    DoProp::SecurityFlags,
    DoProp::CallbackFreqPercent,
    DoProp::CallbackFreqSeconds,
    DoProp::NoProgressTimeoutSeconds,
    DoProp::ForegroundPriority,
    DoProp::BlockingMode,
    DoProp::CallbackInterface,
    DoProp::StreamInterface,
    DoProp::SecurityContext,
    DoProp::NetworkToken,
    DoProp::CorrelationVector,
    DoProp::DecryptionInfo,
    DoProp::IntegrityCheckInfo,
    DoProp::IntegrityCheckMandatory,
    DoProp::TotalSizeBytes,
    DoProp::DisallowOnCellular,
    DoProp::HttpCustomAuthHeaders,
    DoProp::HttpAllowSecureToNonSecureRedirect,
    DoProp::NonVolatile,
    DoProp::HttpRedirectionTarget,
    DoProp::HttpResponseHeaders,
    DoProp::HttpServerIPAddress,
    DoProp::HttpStatusCode,
];

impl DoProp {
    pub fn from_raw(id: i32) -> Option<DoProp> {
        usize::try_from(id).ok().and_then(|i| ALL_PROPS.get(i).copied())
    }

    /// Write-only properties: GetProperty gives DO_E_WRITE_ONLY_PROPERTY.
    pub fn write_only(self) -> bool {
        matches!(
            self,
            DoProp::SecurityFlags
                | DoProp::SecurityContext
                | DoProp::NetworkToken
                | DoProp::DecryptionInfo
                | DoProp::IntegrityCheckInfo
        )
    }

    /// Read-only properties: SetProperty gives DO_E_READ_ONLY_PROPERTY.
    pub fn read_only(self) -> bool {
        matches!(
            self,
            DoProp::Id
                | DoProp::HttpRedirectionTarget
                | DoProp::HttpResponseHeaders
                | DoProp::HttpServerIPAddress
                | DoProp::HttpStatusCode
        )
    }
}

/// A property value, as the VARIANT types of `spec/enums-structs.md` carry it (VT_BSTR, VT_UI4,
/// VT_UI8, VT_BOOL, VT_ARRAY|VT_UI1). Interface values (VT_UNKNOWN) stay in the interface layer.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum DoValue {
    Str(String),
    U32(u32),
    U64(u64),
    Bool(bool),
    Bytes(Vec<u8>),
}

/// The caller's stream sink (DODownloadProperty_StreamInterface): the bytes, in order. `Err(hr)`
/// is the caller's failure, which stops the download (Paused with that error). Called on a worker
/// thread with no engine lock held.
pub trait StreamTarget: Any + Send + Sync {
    fn as_any(&self) -> &dyn Any;
    fn write(&self, data: &[u8]) -> Result<(), i32>;
}

/// The DO properties of a download, stored with the job (when NonVolatile).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct DoProps {
    pub uri: Option<String>,
    pub content_id: Option<String>,
    pub display_name: Option<String>,
    pub local_path: Option<String>,
    pub custom_headers: Option<String>,
    pub cost_policy: u32,
    pub security_flags: Option<u32>,
    pub callback_freq_percent: Option<u32>,
    pub callback_freq_seconds: Option<u32>,
    /// As set; 0 (or unset) means the DO default, [`DEFAULT_NO_PROGRESS_TIMEOUT`].
    pub no_progress_timeout: Option<u32>,
    pub foreground: bool,
    pub blocking: bool,
    /// A stream sink was given (the object itself is not stored).
    pub stream: bool,
    pub security_context: Option<Vec<u8>>,
    pub network_token: Option<bool>,
    pub correlation_vector: Option<String>,
    pub decryption_info: Option<String>,
    pub integrity_check_info: Option<String>,
    pub integrity_check_mandatory: bool,
    pub total_size: Option<u64>,
    pub disallow_on_cellular: bool,
    pub custom_auth_headers: Option<String>,
    pub allow_secure_to_nonsecure: bool,
    pub non_volatile: bool,
    /// Start was called once: the download left Created.
    pub started: bool,
    /// The last response: its URL after redirects (when there were some) and status.
    pub redirection_target: Option<String>,
    pub status_code: Option<u16>,
}

/// Per-download state that lives only in this process: the stream sink and the callback
/// bookkeeping.
#[derive(Default)]
pub struct DoRuntime {
    /// Stream sinks by file index (a DO download's is file 0).
    pub streams: std::collections::HashMap<usize, Arc<dyn StreamTarget>>,
    /// Snapshots waiting for the callback, oldest first, and the callback each goes to.
    pub queue: VecDeque<DoStatus>,
    pub targets: VecDeque<Option<Arc<dyn super::job::NotifyTarget>>>,
    /// State and error of the last snapshot queued (a change is always reported).
    pub last_posted: Option<(DoState, Option<DoError>)>,
    /// When the last snapshot was queued, and the percentage step it reported.
    pub last_posted_at: Option<Instant>,
    pub last_percent_step: u64,
}

impl std::fmt::Debug for DoRuntime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DoRuntime").field("streams", &self.streams.len()).field("queued", &self.queue.len()).finish()
    }
}

/// NoProgressTimeoutSeconds when 0 or never set: 300 s, the value of Microsoft's Linux DO agent
/// (the Windows default is not documented).
pub const DEFAULT_NO_PROGRESS_TIMEOUT: u32 = 300;
/// The smallest NoProgressTimeoutSeconds accepted (the Windows documentation's 60 s), unless
/// `DELIVERYOPT_DO_MIN_NO_PROGRESS_SECONDS` sets another (the stand-in for DO's policy).
pub const MIN_NO_PROGRESS_TIMEOUT: u32 = 60;
/// Longest wait between two attempts of a failing request.
const MAX_RETRY_DELAY_SECS: u64 = 60;

/// The smallest NoProgressTimeoutSeconds accepted now.
pub fn min_no_progress_timeout() -> u32 {
    std::env::var("DELIVERYOPT_DO_MIN_NO_PROGRESS_SECONDS")
        .ok()
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(MIN_NO_PROGRESS_TIMEOUT)
}

/// The DO retry delay after a failed request: it grows with the time the download has gone
/// without progress, from 1 s to a minute.
pub(crate) fn retry_delay(g: &Inner) -> Duration {
    Duration::from_secs((g.last_progress.elapsed().as_secs() / 4).clamp(1, MAX_RETRY_DELAY_SECS))
}

/// The status of a DO download.
pub(crate) fn status_of(g: &Inner) -> DoStatus {
    let props = g.settings.do_props.as_ref();
    let started = props.is_some_and(|p| p.started);
    let failure = g.failure.as_ref().map(|f: &JobFailure| {
        if f.timed_out {
            DoError::NoProgress(f.error.clone())
        } else {
            DoError::Failed(f.error.clone())
        }
    });
    let (state, error) = match g.state {
        JobState::Cancelled => (DoState::Aborted, None),
        JobState::Acknowledged => (DoState::Finalized, None),
        JobState::Transferred => (DoState::Transferred, None),
        JobState::Suspended if !started => (DoState::Created, None),
        JobState::Suspended => (DoState::Paused, None),
        JobState::Error => (DoState::Paused, failure),
        // No network is a condition DO waits out, Paused; any other request failure being
        // retried leaves the download Transferring with the failure in Error.
        JobState::TransientError => match failure {
            Some(DoError::Failed(e @ FetchError::NoNetwork(_))) => (DoState::Paused, Some(DoError::Blocked(e))),
            other => (DoState::Transferring, other),
        },
        JobState::Queued | JobState::Connecting | JobState::Transferring => (DoState::Transferring, None),
    };
    let f = g.files.first();
    let size = f.and_then(|f| f.size).or_else(|| props.and_then(|p| p.total_size));
    DoStatus { bytes_total: size.unwrap_or(0), bytes_transferred: f.map_or(0, |f| f.received), state, error }
}

/// Decides whether a status change is reported now: a new state or error always is; progress is
/// reported every CallbackFreqSeconds (default 1) and each time it crosses a CallbackFreqPercent
/// step. Queues the snapshot and returns true when it is to be delivered.
pub(crate) fn queue_status(g: &mut Inner) -> bool {
    let status = status_of(g);
    let (seconds, percent) = match g.settings.do_props.as_ref() {
        Some(p) => (p.callback_freq_seconds.unwrap_or(1), p.callback_freq_percent.unwrap_or(0)),
        None => return false,
    };
    let rt = &mut g.do_rt;
    let key = (status.state, status.error.clone());
    let step = match (percent, status.bytes_total) {
        (0, _) | (_, 0) => 0,
        (p, total) => (status.bytes_transferred.saturating_mul(100) / total) / u64::from(p),
    };
    let changed = rt.last_posted.as_ref() != Some(&key);
    let progress = !changed
        && status.bytes_transferred > 0
        && rt.queue.back().is_none_or(|q| q.bytes_transferred != status.bytes_transferred)
        && ((seconds > 0 && rt.last_posted_at.is_none_or(|t| t.elapsed() >= Duration::from_secs(u64::from(seconds))))
            || (percent > 0 && step > rt.last_percent_step));
    if !changed && !progress {
        return false;
    }
    rt.last_posted = Some(key);
    rt.last_posted_at = Some(Instant::now());
    rt.last_percent_step = step;
    rt.queue.push_back(status);
    true
}

/// What `Engine::do_start` was given.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum StartRanges {
    /// NULL, or RangeCount 0: the whole file (or, later, "resume").
    None,
    Some(Vec<FileRange>),
}

impl Engine {
    /// IDOManager::CreateDownload: a download in state Created, owned by `owner`. It is not
    /// stored until NonVolatile is set, and the BITS job quotas do not count it.
    pub fn create_download(&self, owner: Owner) -> EngineResult<Arc<Job>> {
        let job = self.new_job(String::new(), JobType::Download, owner, false)?;
        {
            let mut g = job.lock();
            g.settings.do_props = Some(DoProps::default());
            g.no_progress_timeout = DEFAULT_NO_PROGRESS_TIMEOUT;
            // Every DO status change goes through `queue_status`; the BITS flags stay unused.
            g.notify_flags = 0;
            // Created is where a download starts, not a change to report.
            g.do_rt.last_posted = Some((DoState::Created, None));
        }
        Ok(job)
    }

    /// The DO downloads of `owner` (or of everyone), oldest first.
    pub fn downloads(&self, owner: Option<Owner>) -> Vec<Arc<Job>> {
        let mut v = self.all_jobs(owner);
        v.retain(|j| j.is_do());
        v
    }

    /// A DO download's status now.
    pub fn do_status(&self, job: &Job) -> DoStatus {
        status_of(&job.lock())
    }

    /// IDODownload::Start. Created: checks Uri, sink, ranges and integrity settings, then adds the
    /// file and queues it. Paused: resumes (new ranges replace the old ones). Transferred: new
    /// ranges fetch more; none is a no-op. Transferring: a no-op, but new ranges are refused.
    pub fn do_start(self: &Arc<Self>, job: &Arc<Job>, ranges: StartRanges) -> Result<(), DoStartError> {
        if let StartRanges::Some(r) = &ranges {
            file::check_ranges(r).map_err(DoStartError::Engine)?;
        }
        let (state, props) = {
            let g = job.lock();
            (status_of(&g).state, g.settings.do_props.clone().unwrap_or_default())
        };
        match state {
            DoState::Finalized | DoState::Aborted => Err(DoStartError::Engine(EngineError::InvalidState)),
            DoState::Transferring => match ranges {
                StartRanges::None => Ok(()),
                StartRanges::Some(_) => Err(DoStartError::Do(DoRefusal::RangesUnexpected)),
            },
            DoState::Created => {
                let uri = props.uri.clone().ok_or(DoStartError::Do(DoRefusal::NoUri))?;
                if props.local_path.is_none() && !props.stream {
                    return Err(DoStartError::Do(DoRefusal::SinkUnspecified));
                }
                if props.stream && ranges == StartRanges::None {
                    return Err(DoStartError::Do(DoRefusal::RangesExpected));
                }
                if props.integrity_check_mandatory {
                    return Err(DoStartError::Do(if props.integrity_check_info.is_none() {
                        DoRefusal::IntegrityInfoUnspecified
                    } else {
                        DoRefusal::IntegrityInfoUnavailable
                    }));
                }
                let ranges = match ranges {
                    StartRanges::None => None,
                    StartRanges::Some(r) => Some(r),
                };
                if props.stream {
                    self.add_stream_file(job, &uri, ranges).map_err(DoStartError::Engine)?;
                } else {
                    let local = props.local_path.clone().unwrap_or_default();
                    // DO creates missing directories of LocalPath, as the caller.
                    if let Some(dir) = PathBuf::from(&local).parent() {
                        if let Ok(_as_owner) = job.owner().act() {
                            let _ = std::fs::create_dir_all(dir);
                        }
                    }
                    let at_offsets = ranges.is_some();
                    self.add_files(job, &[NewFile { remote: uri, local, ranges }]).map_err(DoStartError::Engine)?;
                    if at_offsets {
                        job.modify_volatile(|g| {
                            if let Some(f) = g.files.first_mut() {
                                f.at_offsets = true;
                            }
                            Ok(())
                        })
                        .map_err(DoStartError::Engine)?;
                    }
                }
                job.modify(|g| {
                    if let Some(p) = g.settings.do_props.as_mut() {
                        p.started = true;
                    }
                    Ok(())
                })
                .map_err(DoStartError::Engine)?;
                self.resume(job).map_err(DoStartError::Engine)
            }
            DoState::Paused | DoState::Transferred => {
                if let StartRanges::Some(r) = ranges {
                    job.modify(|g| {
                        let f = g.files.first_mut().ok_or(EngineError::Empty)?;
                        f.size = file::ranged_size(&r, None);
                        f.ranges = Some(r);
                        f.received = 0;
                        f.transferred = false;
                        f.demand.filled.clear();
                        f.demand.pieces = false;
                        if !f.stream {
                            f.at_offsets = true;
                        }
                        Ok(())
                    })
                    .map_err(DoStartError::Engine)?;
                } else if state == DoState::Transferred {
                    return Ok(());
                }
                self.resume(job).map_err(DoStartError::Engine)
            }
        }
    }

    /// Adds the one file of a stream download: no local file, the bytes go to the stream.
    fn add_stream_file(
        self: &Arc<Self>,
        job: &Arc<Job>,
        uri: &str,
        ranges: Option<Vec<FileRange>>,
    ) -> EngineResult<()> {
        let remote = Remote::parse(uri)?;
        job.modify(|g| {
            g.files.push(file::FileEntry {
                stream: true,
                ..file::FileEntry::new(uri.to_string(), remote, PathBuf::new(), PathBuf::new(), ranges)
            });
            Ok(())
        })
    }

    /// IDODownload::Pause: Transferring → Paused; a no-op in Created, Paused and Transferred.
    pub fn do_pause(self: &Arc<Self>, job: &Arc<Job>) -> EngineResult<()> {
        let running = matches!(
            job.state(),
            JobState::Queued | JobState::Connecting | JobState::Transferring | JobState::TransientError
        );
        match self.do_status(job).state {
            DoState::Finalized | DoState::Aborted => Err(EngineError::InvalidState),
            // Transferring, or Paused waiting for the network (which would resume by itself).
            _ if running => self.suspend(job),
            _ => Ok(()),
        }
    }

    /// IDODownload::Abort: any state but Finalized → Aborted, partial data deleted; a no-op when
    /// already Aborted.
    pub fn do_abort(self: &Arc<Self>, job: &Arc<Job>) -> EngineResult<()> {
        match self.do_status(job).state {
            DoState::Aborted => Ok(()),
            DoState::Finalized => Err(EngineError::InvalidState),
            _ => {
                let end = self.cancel(job)?;
                self.notifier.post_do(job, end.target.clone());
                let stream = std::mem::take(&mut job.lock().do_rt.streams);
                drop((end, stream));
                Ok(())
            }
        }
    }

    /// IDODownload::Finalize: Transferred → Finalized, the file moved to LocalPath; a no-op when
    /// already Finalized.
    pub fn do_finalize(self: &Arc<Self>, job: &Arc<Job>) -> EngineResult<()> {
        match self.do_status(job).state {
            DoState::Finalized => Ok(()),
            DoState::Transferred => {
                let end = self.complete(job)?;
                self.notifier.post_do(job, end.target.clone());
                let stream = std::mem::take(&mut job.lock().do_rt.streams);
                drop((end, stream));
                Ok(())
            }
            _ => Err(EngineError::InvalidState),
        }
    }

    /// BlockingMode: waits until the download is no longer Transferring (Transferred, Paused by
    /// an error or a caller, Aborted or Finalized) and returns that status.
    pub fn do_wait(&self, job: &Arc<Job>) -> DoStatus {
        let mut g = job.lock();
        loop {
            let s = status_of(&g);
            // Waiting for the network is not an end: the download resumes by itself.
            if s.state != DoState::Transferring && !matches!(s.error, Some(DoError::Blocked(_))) {
                return s;
            }
            job.changed().wait(&mut g);
        }
    }

    /// Registers (or with `None` removes) the stream sink. Only in Created; LocalPath already set
    /// gives SinkAlreadySet.
    pub fn do_set_stream(
        &self,
        job: &Arc<Job>,
        stream: Option<Arc<dyn StreamTarget>>,
    ) -> Result<Option<Arc<dyn StreamTarget>>, DoStartError> {
        // The previous sink (if any) comes back to be dropped by the caller, and a refused one is
        // dropped here, both outside the lock: releasing a sink may run the caller's code.
        let mut stream = stream;
        let result = job.modify(|g| {
            let p = g.settings.do_props.as_mut().ok_or(EngineError::InvalidState)?;
            if p.started {
                return Err(EngineError::InvalidState);
            }
            if p.local_path.is_some() && stream.is_some() {
                return Ok(Err(DoRefusal::SinkAlreadySet));
            }
            p.stream = stream.is_some();
            Ok(Ok(match stream.take() {
                Some(s) => g.do_rt.streams.insert(0, s),
                None => g.do_rt.streams.remove(&0),
            }))
        });
        drop(stream);
        result.map_err(DoStartError::Engine)?.map_err(DoStartError::Do)
    }

    /// The stream sink, if one is registered.
    pub fn do_stream(&self, job: &Job) -> Option<Arc<dyn StreamTarget>> {
        job.lock().do_rt.streams.get(&0).cloned()
    }

    /// IDODownload::SetProperty for every property but the two interfaces.
    pub fn do_set(self: &Arc<Self>, job: &Arc<Job>, prop: DoProp, value: DoValue) -> Result<(), DoStartError> {
        use DoProp as P;
        use DoValue as V;
        let refuse = |r| Err(DoStartError::Do(r));
        let bad = || Err(DoStartError::Engine(EngineError::InvalidArgument("bad DO property value")));
        if prop.read_only() {
            return refuse(DoRefusal::ReadOnly);
        }
        let state = self.do_status(job).state;
        if matches!(state, DoState::Finalized | DoState::Aborted) {
            return Err(DoStartError::Engine(EngineError::InvalidState));
        }
        let created = state == DoState::Created;
        let nonempty = |s: &str| !s.is_empty();
        match (prop, value) {
            (P::Uri, V::Str(s)) => {
                if s.is_empty() {
                    return bad();
                }
                match Remote::parse(&s) {
                    Ok(Remote::Http(_)) => {}
                    _ => return refuse(DoRefusal::InvalidUrl),
                }
                match state {
                    DoState::Created => {}
                    DoState::Paused => {
                        let new = s.clone();
                        self.rename_remotes(job, |_, _| Some(new.clone())).map_err(DoStartError::Engine)?;
                    }
                    _ => return Err(DoStartError::Engine(EngineError::InvalidState)),
                }
                self.update_do(job, |p| p.uri = Some(s))
            }
            (P::ContentId, V::Str(s)) if nonempty(&s) => {
                if !created {
                    return Err(DoStartError::Engine(EngineError::InvalidState));
                }
                self.update_do(job, |p| p.content_id = Some(s))
            }
            (P::DisplayName, V::Str(s)) if nonempty(&s) => {
                job.set_display_name(s.clone()).map_err(DoStartError::Engine)?;
                self.update_do(job, |p| p.display_name = Some(s))
            }
            (P::LocalPath, V::Str(s)) if nonempty(&s) => {
                if !created {
                    return Err(DoStartError::Engine(EngineError::InvalidState));
                }
                if job.lock().do_rt.streams.contains_key(&0) {
                    return refuse(DoRefusal::SinkAlreadySet);
                }
                file::check_local_name(&s).map_err(DoStartError::Engine)?;
                self.update_do(job, |p| p.local_path = Some(s))
            }
            (P::HttpCustomHeaders, V::Str(s)) => {
                super::job::parse_headers(&s).map_err(DoStartError::Engine)?;
                self.update_do(job, |p| p.custom_headers = Some(s))
            }
            (P::HttpCustomAuthHeaders, V::Str(s)) => {
                super::job::parse_headers(&s).map_err(DoStartError::Engine)?;
                self.update_do(job, |p| p.custom_auth_headers = Some(s))
            }
            (P::CostPolicy, V::U32(v)) if v <= 5 => self.update_do(job, |p| p.cost_policy = v),
            // WinHTTP's IGNORE_UNKNOWN_CA, _CERT_WRONG_USAGE, _CERT_CN_INVALID, _CERT_DATE_INVALID,
            // and WINHTTP_ENABLE_SSL_REVOCATION.
            (P::SecurityFlags, V::U32(v)) if v & !(0x100 | 0x200 | 0x1000 | 0x2000 | 0x1) == 0 => {
                self.update_do(job, |p| p.security_flags = Some(v))
            }
            (P::CallbackFreqPercent, V::U32(v)) if v <= 100 => {
                self.update_do(job, |p| p.callback_freq_percent = Some(v))
            }
            (P::CallbackFreqSeconds, V::U32(v)) => self.update_do(job, |p| p.callback_freq_seconds = Some(v)),
            (P::NoProgressTimeoutSeconds, V::U32(v)) => {
                if v != 0 && v < min_no_progress_timeout() {
                    return bad();
                }
                self.update_do(job, |p| p.no_progress_timeout = Some(v))
            }
            (P::ForegroundPriority, V::Bool(b)) => {
                let pr = if b { Priority::Foreground } else { Priority::Normal };
                self.set_priority(job, pr).map_err(DoStartError::Engine)?;
                self.update_do(job, |p| p.foreground = b)
            }
            (P::BlockingMode, V::Bool(b)) => self.update_do(job, |p| p.blocking = b),
            (P::SecurityContext, V::Bytes(b)) => self.update_do(job, |p| p.security_context = Some(b)),
            (P::NetworkToken, V::Bool(b)) => self.update_do(job, |p| p.network_token = Some(b)),
            (P::CorrelationVector, V::Str(s)) => self.update_do(job, |p| p.correlation_vector = Some(s)),
            (P::DecryptionInfo, V::Str(s)) => self.update_do(job, |p| p.decryption_info = Some(s)),
            (P::IntegrityCheckInfo, V::Str(s)) if nonempty(&s) => {
                self.update_do(job, |p| p.integrity_check_info = Some(s))
            }
            (P::IntegrityCheckMandatory, V::Bool(b)) => self.update_do(job, |p| p.integrity_check_mandatory = b),
            (P::TotalSizeBytes, V::U64(v)) => self.update_do(job, |p| p.total_size = Some(v)),
            (P::DisallowOnCellular, V::Bool(b)) => self.update_do(job, |p| p.disallow_on_cellular = b),
            (P::HttpAllowSecureToNonSecureRedirect, V::Bool(b)) => {
                self.update_do(job, |p| p.allow_secure_to_nonsecure = b)
            }
            (P::NonVolatile, V::Bool(b)) => {
                self.update_do(job, |p| p.non_volatile = b)?;
                if !b {
                    job.unpersist();
                }
                Ok(())
            }
            (P::CallbackInterface | P::StreamInterface, _) => bad(),
            _ => bad(),
        }
    }

    /// Changes the stored DO properties and applies what they mean for the job's transfers.
    fn update_do(&self, job: &Arc<Job>, f: impl FnOnce(&mut DoProps)) -> Result<(), DoStartError> {
        job.modify(|g| {
            let mut p = g.settings.do_props.clone().unwrap_or_default();
            f(&mut p);
            let mut headers = p.custom_headers.clone().unwrap_or_default();
            if !headers.is_empty() && !headers.ends_with('\n') {
                headers.push_str("\r\n");
            }
            g.settings.custom_headers = (!headers.is_empty()).then_some(headers);
            g.settings.auth_headers = p.custom_auth_headers.clone();
            g.redirect_policy.https_to_http = p.allow_secure_to_nonsecure;
            g.settings.security_flags = winhttp_to_ssl_flags(p.security_flags.unwrap_or(0));
            g.no_progress_timeout = match p.no_progress_timeout {
                Some(v) if v > 0 => v,
                _ => DEFAULT_NO_PROGRESS_TIMEOUT,
            };
            g.settings.do_props = Some(p);
            Ok(())
        })
        .map_err(DoStartError::Engine)
    }

    /// IDODownload::GetProperty for every property but the two interfaces.
    pub fn do_get(&self, job: &Arc<Job>, prop: DoProp) -> Result<DoValue, DoStartError> {
        use DoProp as P;
        use DoValue as V;
        if prop.write_only() {
            return Err(DoStartError::Do(DoRefusal::WriteOnly));
        }
        let g = job.lock();
        let p = g.settings.do_props.clone().unwrap_or_default();
        let not_set = DoStartError::Do(DoRefusal::NotSet);
        let s = |v: Option<String>| v.map(V::Str).ok_or(DoStartError::Do(DoRefusal::NotSet));
        match prop {
            P::Id => Ok(V::Str(format!("{{{}}}", job.id().0.to_string().to_uppercase()))),
            P::Uri => s(p.uri),
            P::ContentId => s(p.content_id),
            P::DisplayName => s(p.display_name),
            P::LocalPath => s(p.local_path),
            P::HttpCustomHeaders => s(p.custom_headers),
            P::HttpCustomAuthHeaders => s(p.custom_auth_headers),
            P::CorrelationVector => s(p.correlation_vector),
            P::CostPolicy => Ok(V::U32(p.cost_policy)),
            P::CallbackFreqPercent => p.callback_freq_percent.map(V::U32).ok_or(not_set.clone()),
            P::CallbackFreqSeconds => Ok(V::U32(p.callback_freq_seconds.unwrap_or(1))),
            P::NoProgressTimeoutSeconds => Ok(V::U32(g.no_progress_timeout)),
            P::ForegroundPriority => Ok(V::Bool(p.foreground)),
            P::BlockingMode => Ok(V::Bool(p.blocking)),
            P::IntegrityCheckMandatory => Ok(V::Bool(p.integrity_check_mandatory)),
            P::TotalSizeBytes => {
                p.total_size.or_else(|| g.files.first().and_then(|f| f.size)).map(V::U64).ok_or(not_set.clone())
            }
            P::DisallowOnCellular => Ok(V::Bool(p.disallow_on_cellular)),
            P::HttpAllowSecureToNonSecureRedirect => Ok(V::Bool(p.allow_secure_to_nonsecure)),
            P::NonVolatile => Ok(V::Bool(p.non_volatile)),
            P::HttpRedirectionTarget => s(p.redirection_target),
            P::HttpResponseHeaders => {
                s(g.response_headers.first().filter(|h| !h.is_empty()).map(|h| format!("{h}\r\n")))
            }
            P::HttpStatusCode => p.status_code.map(|c| V::U32(u32::from(c))).ok_or(not_set.clone()),
            P::HttpServerIPAddress => {
                // The address the last request's host resolves to (literal addresses as they are).
                let target = p.redirection_target.clone().or(p.uri.clone()).filter(|_| p.status_code.is_some());
                drop(g);
                let url = target.and_then(|t| url::Url::parse(&t).ok()).ok_or(not_set.clone())?;
                server_ip(&url).map(V::Str).ok_or(not_set.clone())
            }
            P::SecurityFlags
            | P::SecurityContext
            | P::NetworkToken
            | P::DecryptionInfo
            | P::IntegrityCheckInfo
            | P::CallbackInterface
            | P::StreamInterface => Err(not_set),
        }
    }
}

/// DO's SecurityFlags (WinHTTP SECURITY_FLAG_* and WINHTTP_ENABLE_SSL_REVOCATION) as the BG_SSL_*
/// flags the transfer's certificate checks take.
fn winhttp_to_ssl_flags(f: u32) -> u32 {
    let map = [
        (0x0001, super::tls::SSL_ENABLE_CRL_CHECK),
        (0x1000, super::tls::SSL_IGNORE_CERT_CN_INVALID),
        (0x2000, super::tls::SSL_IGNORE_CERT_DATE_INVALID),
        (0x0100, super::tls::SSL_IGNORE_UNKNOWN_CA),
        (0x0200, super::tls::SSL_IGNORE_CERT_WRONG_USAGE),
    ];
    map.iter().filter(|(w, _)| f & w != 0).fold(0, |acc, (_, b)| acc | b)
}

/// The IP address of a URL's host: a literal as written, else the first address it resolves to.
fn server_ip(url: &url::Url) -> Option<String> {
    use std::net::ToSocketAddrs;
    match url.host()? {
        url::Host::Ipv4(a) => Some(a.to_string()),
        url::Host::Ipv6(a) => Some(a.to_string()),
        url::Host::Domain(d) => {
            (d, url.port_or_known_default()?).to_socket_addrs().ok()?.next().map(|a| a.ip().to_string())
        }
    }
}

/// Why Start or a property call failed: an engine error or a DO refusal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DoStartError {
    Engine(EngineError),
    Do(DoRefusal),
}

impl From<EngineError> for DoStartError {
    fn from(e: EngineError) -> Self {
        DoStartError::Engine(e)
    }
}

/// The IDeliveryOptimizationFile2 properties this library keeps without acting on them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct DoFileProps {
    pub decryption_info: Option<String>,
    pub integrity_check_info: Option<String>,
    pub integrity_check_mandatory: bool,
}

/// A file's legacy DO view (IDeliveryOptimizationFile GetStats).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DoFileStats {
    pub file_id: String,
    pub source_url: String,
    /// `u64::MAX` when unknown.
    pub file_size: u64,
    pub bytes: u64,
    pub transferred: bool,
    pub job_state: JobState,
    pub foreground: bool,
    /// Seconds from the job's creation to its transfer (or until now).
    pub duration_secs: u32,
}

impl Engine {
    /// IDeliveryOptimizationJob::AddFileWithRanges and IDeliveryOptimizationJob2::AddFile: a file
    /// with the caller's id. Without `local` the file waits for its sink (a path or a stream set
    /// through IDeliveryOptimizationFile2); Resume refuses the job until it has one. Ranges land at
    /// their own offsets. Returns the file's index.
    pub fn add_legacy_file(
        self: &Arc<Self>,
        job: &Arc<Job>,
        file_id: String,
        remote: String,
        local: Option<String>,
        ranges: Option<Vec<FileRange>>,
        size_hint: Option<u64>,
    ) -> EngineResult<usize> {
        if let Some(r) = &ranges {
            file::check_ranges(r)?;
        }
        let at_offsets = ranges.is_some();
        let index = match local {
            Some(local) => self.add_files(job, &[NewFile { remote, local, ranges }])?.start,
            None => {
                let parsed = Remote::parse(&remote)?;
                if ranges.is_some() && !matches!(parsed, Remote::Http(_)) {
                    return Err(EngineError::InvalidArgument("ranges need an http or https URL"));
                }
                let i = job.modify(|g| {
                    g.files.push(file::FileEntry::new(remote.clone(), parsed, PathBuf::new(), PathBuf::new(), ranges));
                    if g.state == JobState::Transferred {
                        g.state = JobState::Suspended;
                    }
                    Ok(g.files.len() - 1)
                })?;
                self.notifier.post(job, super::notify::Event::Modification);
                i
            }
        };
        job.modify(|g| {
            let f = g.files.get_mut(index).ok_or(EngineError::NotFound)?;
            f.file_id = Some(file_id);
            f.at_offsets = at_offsets;
            f.size_hint = size_hint;
            Ok(index)
        })
    }

    /// A file's sink can change only before any byte of it arrived.
    fn sink_changeable(g: &Inner, index: usize) -> EngineResult<()> {
        let f = g.files.get(index).ok_or(EngineError::NotFound)?;
        if f.received > 0 || f.transferred || (g.run.is_some() && g.state.is_active()) {
            return Err(EngineError::InvalidState);
        }
        Ok(())
    }

    /// IDeliveryOptimizationFile2 DownloadSinkFilePath: the file's destination (absolute path).
    pub fn set_file_sink_path(&self, job: &Arc<Job>, index: usize, path: &str) -> EngineResult<()> {
        let local = file::check_local_name(path)?;
        Engine::sink_changeable(&job.lock(), index)?;
        let owner = job.owner();
        let as_owner = owner.act()?;
        let temp = file::create_temp(&local);
        drop(as_owner);
        let temp = temp?;
        let changed = job.modify(|g| {
            Engine::sink_changeable(g, index)?;
            let f = &mut g.files[index];
            let old = (!f.stream && !f.temp.as_os_str().is_empty()).then(|| f.temp.clone());
            f.local = local;
            f.temp = temp.clone();
            f.stream = false;
            g.do_rt.streams.remove(&index);
            Ok(old)
        });
        match changed {
            Ok(old) => {
                if let Some(o) = old {
                    super::job::delete_files(job.owner(), &[o]);
                }
                Ok(())
            }
            Err(e) => {
                super::job::delete_files(job.owner(), &[temp]);
                Err(e)
            }
        }
    }

    /// IDeliveryOptimizationFile2 DownloadSinkInterface: the file's bytes go to a stream.
    pub fn set_file_stream(
        &self,
        job: &Arc<Job>,
        index: usize,
        stream: Arc<dyn StreamTarget>,
    ) -> EngineResult<Option<Arc<dyn StreamTarget>>> {
        // A refused sink is dropped after the lock is released (its release runs the caller's code).
        let mut stream = Some(stream);
        let changed = job.modify(|g| {
            Engine::sink_changeable(g, index)?;
            let f = &mut g.files[index];
            let temp = (!f.stream && !f.temp.as_os_str().is_empty()).then(|| std::mem::take(&mut f.temp));
            f.local = PathBuf::new();
            f.stream = true;
            // Streams take ranges in order: back to back.
            f.at_offsets = false;
            Ok((stream.take().and_then(|s| g.do_rt.streams.insert(index, s)), temp))
        });
        drop(stream);
        let (old, temp) = changed?;
        if let Some(t) = temp {
            super::job::delete_files(job.owner(), &[t]);
        }
        Ok(old)
    }

    /// The stream of a legacy DO file, if it has one.
    pub fn file_stream(&self, job: &Job, index: usize) -> Option<Arc<dyn StreamTarget>> {
        job.lock().do_rt.streams.get(&index).cloned()
    }

    /// Changes a legacy DO file's stored properties or size hint.
    pub fn update_file(
        &self,
        job: &Arc<Job>,
        index: usize,
        f: impl FnOnce(&mut file::FileEntry) -> EngineResult<()>,
    ) -> EngineResult<()> {
        job.modify(|g| f(g.files.get_mut(index).ok_or(EngineError::NotFound)?))
    }

    /// IDeliveryOptimizationFile::GetStats.
    pub fn file_stats(&self, job: &Job, index: usize) -> EngineResult<DoFileStats> {
        let g = job.lock();
        let f = g.files.get(index).ok_or(EngineError::NotFound)?;
        let end = if g.times.transfer_completed.0 != 0 { g.times.transfer_completed } else { super::FileTime::now() };
        let duration = end.0.saturating_sub(g.times.created.0) / 10_000_000;
        Ok(DoFileStats {
            file_id: f.file_id.clone().unwrap_or_default(),
            source_url: f.remote_name.clone(),
            file_size: f.size.or(f.size_hint).unwrap_or(u64::MAX),
            bytes: f.received,
            transferred: f.transferred,
            job_state: g.state,
            foreground: g.priority == Priority::Foreground,
            duration_secs: u32::try_from(duration).unwrap_or(u32::MAX),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Config, StoreConfig};

    const ME: Owner = Owner { uid: 1000 };

    fn reopen(cfg: &StoreConfig) -> Arc<Engine> {
        crate::engine::reopen_engine(cfg)
    }

    #[test]
    fn only_non_volatile_downloads_survive_a_restart() {
        let dir = crate::engine::temp_dir("dodl-store");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("files")).unwrap();
        let cfg = StoreConfig {
            dir: dir.join("store"),
            checkpoint_interval: Duration::from_millis(50),
            checkpoint_bytes: 1 << 20,
        };
        let local = dir.join("files/kept").to_str().unwrap().to_string();
        {
            let e = reopen(&cfg);
            let kept = e.create_download(ME).unwrap();
            let gone = e.create_download(ME).unwrap();
            for (j, name) in [(&kept, "kept"), (&gone, "gone")] {
                e.do_set(j, DoProp::Uri, DoValue::Str("http://127.0.0.1:9/x".into())).unwrap();
                e.do_set(j, DoProp::DisplayName, DoValue::Str(name.into())).unwrap();
            }
            e.do_set(&kept, DoProp::LocalPath, DoValue::Str(local.clone())).unwrap();
            e.do_set(&kept, DoProp::NonVolatile, DoValue::Bool(true)).unwrap();
            // Set, then cleared: not stored either.
            e.do_set(&gone, DoProp::NonVolatile, DoValue::Bool(true)).unwrap();
            e.do_set(&gone, DoProp::NonVolatile, DoValue::Bool(false)).unwrap();
            assert_eq!(e.downloads(Some(ME)).len(), 2);
            assert!(e.jobs(Some(ME)).is_empty(), "downloads are not BITS jobs");
            e.flush_store();
        }
        let e = reopen(&cfg);
        let back = e.downloads(Some(ME));
        assert_eq!(back.len(), 1, "only the NonVolatile download came back");
        let j = &back[0];
        assert_eq!(e.do_get(j, DoProp::DisplayName), Ok(DoValue::Str("kept".into())));
        assert_eq!(e.do_get(j, DoProp::LocalPath), Ok(DoValue::Str(local)));
        assert_eq!(e.do_get(j, DoProp::NonVolatile), Ok(DoValue::Bool(true)));
        assert_eq!(e.do_status(j).state, DoState::Created);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn downloads_are_outside_the_bits_job_quotas() {
        use crate::engine::Limits;
        let e = Engine::new(Config {
            limits: Limits { max_jobs_per_user: 2, max_jobs_per_machine: 3, max_files_per_job: 10 },
            ..Config::default()
        })
        .unwrap();
        let downloads: Vec<_> = (0..5).map(|_| e.create_download(ME).unwrap()).collect();
        assert_eq!(e.job_count(ME), 0, "downloads are not BITS jobs");
        e.create_job("a".into(), JobType::Download, ME).unwrap();
        e.create_job("b".into(), JobType::Download, ME).unwrap();
        assert_eq!(e.create_job("c".into(), JobType::Download, ME).unwrap_err(), EngineError::TooManyJobsPerUser);
        // Ending a download leaves the BITS count alone.
        e.do_abort(&downloads[0]).unwrap();
        assert_eq!(e.job_count(ME), 2);
        assert_eq!(e.downloads(Some(ME)).len(), 4);
    }

    #[test]
    fn status_maps_job_states_to_do_states() {
        let e = Engine::new(Config::default()).unwrap();
        let j = e.create_download(ME).unwrap();
        let state = |s: JobState, started: bool| {
            let mut g = j.lock();
            g.state = s;
            g.settings.do_props.as_mut().unwrap().started = started;
            status_of(&g).state
        };
        assert_eq!(state(JobState::Suspended, false), DoState::Created);
        assert_eq!(state(JobState::Suspended, true), DoState::Paused);
        assert_eq!(state(JobState::Queued, true), DoState::Transferring);
        assert_eq!(state(JobState::Connecting, true), DoState::Transferring);
        assert_eq!(state(JobState::TransientError, true), DoState::Transferring);
        assert_eq!(state(JobState::Error, true), DoState::Paused);
        assert_eq!(state(JobState::Transferred, true), DoState::Transferred);
        assert_eq!(state(JobState::Acknowledged, true), DoState::Finalized);
        assert_eq!(state(JobState::Cancelled, true), DoState::Aborted);
        // A retried failure: Transferring with its error, except no network, which DO shows as a
        // Paused download waiting for the condition to clear.
        let retried = |e: FetchError| {
            let mut g = j.lock();
            g.state = JobState::TransientError;
            g.failure = Some(JobFailure::from_fetch(e, Some(0)));
            let s = status_of(&g);
            (s.state, s.error)
        };
        assert_eq!(
            retried(FetchError::Status(503)),
            (DoState::Transferring, Some(DoError::Failed(FetchError::Status(503))))
        );
        let nonet = FetchError::NoNetwork("unreachable".into());
        assert_eq!(retried(nonet.clone()), (DoState::Paused, Some(DoError::Blocked(nonet))));
        let mut g = j.lock();
        g.state = JobState::Suspended;
        g.failure = None;
    }
}
