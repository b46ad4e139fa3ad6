//! The one protocol between the interfaces and the engine.
//!
//! Every call the interface layer makes is a [`Request`] (manager-level) or an [`Op`] on one job,
//! answered by a [`Reply`] or an [`Out`]. The engine side of every call is written once, here
//! ([`handle`] and [`execute`]), and runs the same way whether the caller is in this process (the
//! in-process mode: the request is passed by value, nothing is encoded) or a client of the
//! `deliveryoptd` service (the request arrived over its Unix socket, see `service`). The client
//! side ([`super::client::JobHandle`]'s typed methods) is generated from the same list by
//! `job_ops!`, so the two cannot drift apart.
//!
//! Callbacks go the other way as [`Callback`]s, addressed to a *sink* (a number the client gave
//! when it registered its callback object). The engine keeps a proxy per registration
//! ([`NotifyProxy`], [`CertProxy`], [`StreamProxy`]) that implements the engine's own callback
//! traits and forwards each call to the [`Peer`] it came from. Dropping a proxy (the registration
//! was replaced, removed, or its job ended) tells the peer to release the caller's object.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_bytes::ByteBuf;

use super::cmdline::NotifyCmdLine;
use super::dodl::{
    DoFileStats, DoProp, DoProps, DoRefusal, DoStartError, DoStatus, DoValue, StartRanges, StreamTarget,
};
use super::file::{FileEntry, FileRange};
use super::job::{
    AuthScheme, AuthTarget, Credential, Job, JobFailure, JobId, JobProgress, JobSettings, JobState, JobTimes, JobType,
    NotifyTarget, Owner, Priority, ProxySettings,
};
use super::tls::ServerCertValidator;
use super::{Engine, EngineError, EngineResult, FileProgress, NewFile};

/// Version of the wire protocol. A client and a service of different versions refuse each other
/// at the handshake (`EngineError::ProtocolMismatch`).
pub const PROTOCOL_VERSION: u32 = 4;

/// What a client knows of a job without asking: fixed when the job is created.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobInfo {
    pub id: JobId,
    pub job_type: JobType,
    /// A Delivery Optimization download (IDODownload), not a BITS job.
    pub is_do: bool,
    /// Made through CLSID_DeliveryOptimization's IBackgroundCopyManager.
    pub do_legacy: bool,
}

impl JobInfo {
    pub fn of(job: &Job) -> JobInfo {
        let s = job.lock();
        JobInfo {
            id: job.id(),
            job_type: job.job_type(),
            is_do: s.settings.do_props.is_some(),
            do_legacy: s.settings.do_legacy,
        }
    }
}

/// Calls that are not about one job.
#[derive(Debug, Serialize, Deserialize)]
pub enum Request {
    /// IBackgroundCopyManager::CreateJob (`do_legacy`: through CLSID_DeliveryOptimization).
    CreateJob { name: String, job_type: JobType, do_legacy: bool },
    /// IBackgroundCopyManager::GetJob: the caller's job (any job for an administrator).
    GetJob { id: JobId },
    /// IBackgroundCopyManager::EnumJobs: the caller's jobs, or everyone's (administrators only).
    Jobs { all_users: bool },
    /// IDOManager::CreateDownload.
    CreateDownload,
    /// IDOManager::EnumDownloads (the caller's downloads).
    Downloads,
    /// One call on one job.
    Job { id: JobId, op: Op },
}

/// The answers to [`Request`]s.
// Messages live for one call: boxing the large answers would cost an allocation each time.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Serialize, Deserialize)]
pub enum Reply {
    Job(JobInfo),
    Jobs(Vec<JobInfo>),
    Op(Out),
}

/// Where an SetProperty-style call of the job's settings goes (IBackgroundCopyJob5::SetProperty,
/// HttpOptions, Job3/4 flags): each variant is one check-and-set done under the job's lock.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum SettingsChange {
    /// Job3::SetFileACLFlags (refused once TRANSFERRED).
    FileAclFlags(u32),
    PeerCachingFlags(u32),
    CustomHeaders(Option<String>),
    HeadersWriteOnly,
    SecurityFlags(u32),
    /// The Job5 properties (BITS_JOB_PROPERTY_*), each with its own checks.
    CostFlags(u32),
    NotificationClsid(Option<uuid::Uuid>),
    DynamicContent(bool),
    HighPerformance(bool),
    MaxDownloadSize(u64),
    /// DELIVERYOPT_JOB_PROPERTY_MAX_BYTES_PER_SECOND (0: no limit); from the next transfer.
    MaxBytesPerSecond(u64),
    /// DELIVERYOPT_JOB_PROPERTY_MAX_SEGMENTS (0: the engine's default, 1..=16); from the next
    /// file a transfer starts.
    MaxSegments(u32),
    UseStoredCredentials(i32),
    MinNotificationIntervalMs(u32),
}

/// A change to a legacy DO file (IDeliveryOptimizationFile2::SetProperty).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum FileChange {
    DecryptionInfo(String),
    IntegrityCheckInfo(String),
    IntegrityCheckMandatory(bool),
    SizeHint(u64),
}

/// Result of Complete or Cancel, as the caller sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndCode {
    /// Some files were not transferred (BG_S_PARTIAL_COMPLETE).
    pub partial: bool,
    /// Some temporary files could not be deleted (BG_S_UNABLE_TO_DELETE_FILES).
    pub undeleted: bool,
}

/// The engine side of a call: which engine, on whose behalf, and where callbacks go.
pub struct Cx {
    pub engine: Arc<Engine>,
    /// The calling user (the process's own uid in-process; the peer's uid from SO_PEERCRED in
    /// the service).
    pub owner: Owner,
    pub peer: Arc<dyn Peer>,
}

/// The client side of a [`Cx`]: whoever registered the sinks, seen from the engine.
pub trait Peer: Send + Sync + 'static {
    /// A number unique among the peers of this process (to tell whose a proxy is).
    fn peer_id(&self) -> u64;
    /// Hands `job` to the client: returns what the client will know of it. A remote peer counts
    /// the reference (the job stays reachable for that client until it releases it).
    fn job_info(&self, job: &Arc<Job>) -> JobInfo;
    /// Calls the client's sink and waits for its answer; `Err(hr)` is the callback's failure (or
    /// RPC_E_DISCONNECTED-style failure when the client is gone).
    fn callback(&self, sink: u64, job: Option<&Arc<Job>>, cb: Callback) -> Result<(), i32>;
    /// The engine dropped the registration of `sink`: the client may release its object.
    fn release_sink(&self, sink: u64);
    /// A registration of this peer was made on `job` (the service drops them when the client
    /// disconnects).
    fn registered(&self, _job: &Arc<Job>) {}
}

/// A call from the engine to a client's sink.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub enum Callback {
    JobTransferred,
    JobError { failure: JobFailure },
    JobModification,
    FileTransferred { file: usize },
    FileRangesTransferred { file: usize, ranges: Vec<(u64, u64)> },
    DoStatus { status: DoStatus },
    ValidateCert { file: usize, leaf: ByteBuf, chain: Vec<ByteBuf> },
    StreamWrite { data: ByteBuf },
}

/// The HRESULT a callback "returns" when its client went away (RPC_E_DISCONNECTED).
pub const DISCONNECTED: i32 = 0x8001_0108_u32 as i32;

/// The engine's handle on a client's IBackgroundCopyCallback / IDODownloadStatusCallback.
pub struct NotifyProxy {
    peer: Arc<dyn Peer>,
    sink: u64,
}

impl NotifyProxy {
    /// The sink this proxy stands for, if it belongs to `peer`.
    pub fn sink_of(target: &dyn NotifyTarget, peer: &dyn Peer) -> Option<u64> {
        let p = target.as_any().downcast_ref::<NotifyProxy>()?;
        (p.peer.peer_id() == peer.peer_id()).then_some(p.sink)
    }
}

impl Drop for NotifyProxy {
    fn drop(&mut self) {
        self.peer.release_sink(self.sink);
    }
}

impl NotifyTarget for NotifyProxy {
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn job_transferred(&self, job: &Arc<Job>) -> Result<(), i32> {
        self.peer.callback(self.sink, Some(job), Callback::JobTransferred)
    }
    fn job_error(&self, job: &Arc<Job>, failure: &JobFailure) -> Result<(), i32> {
        self.peer.callback(self.sink, Some(job), Callback::JobError { failure: failure.clone() })
    }
    fn job_modification(&self, job: &Arc<Job>) -> Result<(), i32> {
        self.peer.callback(self.sink, Some(job), Callback::JobModification)
    }
    fn file_transferred(&self, job: &Arc<Job>, file: usize) -> Result<(), i32> {
        self.peer.callback(self.sink, Some(job), Callback::FileTransferred { file })
    }
    fn file_ranges_transferred(&self, job: &Arc<Job>, file: usize, ranges: &[(u64, u64)]) -> Result<(), i32> {
        self.peer.callback(self.sink, Some(job), Callback::FileRangesTransferred { file, ranges: ranges.to_vec() })
    }
    fn do_status(&self, job: &Arc<Job>, status: &DoStatus) -> Result<(), i32> {
        self.peer.callback(self.sink, Some(job), Callback::DoStatus { status: status.clone() })
    }
}

/// The engine's handle on a client's server-certificate validation callback.
pub struct CertProxy {
    peer: Arc<dyn Peer>,
    sink: u64,
}

impl Drop for CertProxy {
    fn drop(&mut self) {
        self.peer.release_sink(self.sink);
    }
}

impl ServerCertValidator for CertProxy {
    fn validate(&self, job: &Arc<Job>, file: usize, leaf: &[u8], chain: &[&[u8]]) -> Result<(), i32> {
        let cb = Callback::ValidateCert {
            file,
            leaf: ByteBuf::from(leaf.to_vec()),
            chain: chain.iter().map(|c| ByteBuf::from(c.to_vec())).collect(),
        };
        self.peer.callback(self.sink, Some(job), cb)
    }
}

/// The engine's handle on a client's stream sink (ISequentialStream).
pub struct StreamProxy {
    peer: Arc<dyn Peer>,
    sink: u64,
}

impl StreamProxy {
    pub fn sink_of(target: &dyn StreamTarget, peer: &dyn Peer) -> Option<u64> {
        let p = target.as_any().downcast_ref::<StreamProxy>()?;
        (p.peer.peer_id() == peer.peer_id()).then_some(p.sink)
    }
}

impl Drop for StreamProxy {
    fn drop(&mut self) {
        self.peer.release_sink(self.sink);
    }
}

impl StreamTarget for StreamProxy {
    fn as_any(&self) -> &dyn std::any::Any {
        self
    }
    fn write(&self, data: &[u8]) -> Result<(), i32> {
        self.peer.callback(self.sink, None, Callback::StreamWrite { data: ByteBuf::from(data.to_vec()) })
    }
}

impl Cx {
    fn notify_proxy(&self, job: &Arc<Job>, sink: Option<u64>) -> Option<Arc<dyn NotifyTarget>> {
        sink.map(|sink| {
            self.peer.registered(job);
            Arc::new(NotifyProxy { peer: self.peer.clone(), sink }) as Arc<dyn NotifyTarget>
        })
    }

    fn stream_proxy(&self, job: &Arc<Job>, sink: u64) -> Arc<dyn StreamTarget> {
        self.peer.registered(job);
        Arc::new(StreamProxy { peer: self.peer.clone(), sink })
    }
}

/// The engine side of a manager-level request. `Request::Job` is the caller's to resolve (see
/// [`execute`]); here it is refused.
pub fn handle(cx: &Cx, req: Request) -> EngineResult<Reply> {
    match req {
        Request::CreateJob { name, job_type, do_legacy } => {
            let job = cx.engine.create_job(name, job_type, cx.owner)?;
            if do_legacy {
                // Cannot fail on a new job; should it, the job is cancelled so nothing is left.
                if let Err(e) = job.update_settings(|s, _, _| {
                    s.do_legacy = true;
                    Ok(())
                }) {
                    let _ = cx.engine.cancel(&job);
                    return Err(e);
                }
            }
            Ok(Reply::Job(cx.peer.job_info(&job)))
        }
        Request::GetJob { id } => {
            let job = cx.engine.get_job(id)?;
            if job.owner() != cx.owner && !cx.owner.is_admin() {
                return Err(EngineError::AccessDenied("the job belongs to another user"));
            }
            Ok(Reply::Job(cx.peer.job_info(&job)))
        }
        Request::Jobs { all_users } => {
            if all_users && !cx.owner.is_admin() {
                return Err(EngineError::AccessDenied("BG_JOB_ENUM_ALL_USERS needs administrator rights"));
            }
            let owner = (!all_users).then_some(cx.owner);
            Ok(Reply::Jobs(cx.engine.jobs(owner).iter().map(|j| cx.peer.job_info(j)).collect()))
        }
        Request::CreateDownload => {
            let job = cx.engine.create_download(cx.owner)?;
            Ok(Reply::Job(cx.peer.job_info(&job)))
        }
        Request::Downloads => {
            Ok(Reply::Jobs(cx.engine.downloads(Some(cx.owner)).iter().map(|j| cx.peer.job_info(j)).collect()))
        }
        Request::Job { .. } => Err(EngineError::Protocol("a job call without its job")),
    }
}

/// Splits a DO call's result into the engine error (outer) and DO's own refusal (inner).
fn do_result<T>(r: Result<T, DoStartError>) -> EngineResult<Result<T, DoRefusal>> {
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(DoStartError::Do(d)) => Ok(Err(d)),
        Err(DoStartError::Engine(e)) => Err(e),
    }
}

fn apply_settings(job: &Job, change: SettingsChange) -> EngineResult<()> {
    use EngineError::InvalidArgument;
    let download = job.job_type() == JobType::Download;
    job.update_settings(|s, state, files| {
        match change {
            SettingsChange::FileAclFlags(f) if f & !super::job::FILE_ACL_FLAGS_ALL != 0 => {
                return Err(InvalidArgument("undefined file ACL flags (O, G, D and S are defined)"))
            }
            SettingsChange::FileAclFlags(f) => {
                if state == JobState::Transferred {
                    return Err(EngineError::InvalidState);
                }
                s.file_acl_flags = f
            }
            SettingsChange::PeerCachingFlags(f) if f & !super::job::PEER_CACHING_FLAGS_ALL != 0 => {
                return Err(InvalidArgument("undefined peer caching flags (1, 2 and 4 are defined)"))
            }
            SettingsChange::PeerCachingFlags(f) => s.peer_caching_flags = f,
            SettingsChange::CustomHeaders(h) => s.custom_headers = h.filter(|t| !t.is_empty()),
            SettingsChange::HeadersWriteOnly => s.headers_write_only = true,
            SettingsChange::SecurityFlags(f) if !super::http::security_flags_valid(f) => {
                return Err(InvalidArgument("undefined security flags or redirect policy"))
            }
            SettingsChange::SecurityFlags(f) => s.security_flags = f,
            SettingsChange::CostFlags(f) => s.cost_flags = f,
            SettingsChange::NotificationClsid(c) => s.notification_clsid = c,
            SettingsChange::DynamicContent(_) | SettingsChange::MaxDownloadSize(_) if !download => {
                return Err(EngineError::Unsupported("download jobs only"))
            }
            SettingsChange::DynamicContent(true) if s.http_method.is_some() => {
                return Err(InvalidArgument("custom method"))
            }
            SettingsChange::DynamicContent(_) if s.resumed => return Err(InvalidArgument("after resume")),
            SettingsChange::DynamicContent(true) if s.on_demand => {
                return Err(InvalidArgument("dynamic content and on-demand mode exclude each other"))
            }
            SettingsChange::DynamicContent(v) => s.dynamic_content = v,
            SettingsChange::HighPerformance(_) if !download => {
                return Err(EngineError::Unsupported("download jobs only"))
            }
            SettingsChange::HighPerformance(_) if files > 0 => return Err(InvalidArgument("after addfile")),
            SettingsChange::HighPerformance(v) => s.high_performance = v,
            SettingsChange::MaxDownloadSize(0) => return Err(InvalidArgument("max size 0")),
            SettingsChange::MaxDownloadSize(_) if s.resumed => return Err(InvalidArgument("after resume")),
            SettingsChange::MaxDownloadSize(n) => s.max_download_size = Some(n),
            SettingsChange::MaxBytesPerSecond(n) => s.max_bytes_per_second = n,
            SettingsChange::MaxSegments(_) if !download => return Err(EngineError::Unsupported("download jobs only")),
            SettingsChange::MaxSegments(n) if n as usize > super::http::MAX_SEGMENTS => {
                return Err(InvalidArgument("segments: 0 to 16"))
            }
            SettingsChange::MaxSegments(n) => s.max_segments = n,
            SettingsChange::UseStoredCredentials(t) => s.use_stored_credentials = Some(t),
            SettingsChange::MinNotificationIntervalMs(ms) => s.min_notification_interval_ms = ms,
        }
        Ok(())
    })
}

fn apply_file_change(engine: &Engine, job: &Arc<Job>, index: usize, change: FileChange) -> EngineResult<()> {
    engine.update_file(job, index, |e| {
        if let FileChange::SizeHint(n) = change {
            e.size_hint = Some(n);
            return Ok(());
        }
        let mut p = e.do_file.clone().unwrap_or_default();
        match change {
            FileChange::DecryptionInfo(s) => p.decryption_info = Some(s),
            FileChange::IntegrityCheckInfo(s) => p.integrity_check_info = Some(s),
            FileChange::IntegrityCheckMandatory(b) => p.integrity_check_mandatory = b,
            FileChange::SizeHint(_) => {}
        }
        e.do_file = Some(p);
        Ok(())
    })
}

/// Defines the job calls: the [`Op`] and [`Out`] enums, the engine side ([`execute`]) and the
/// typed client methods on `JobHandle`, from one list. Each entry is
/// `fn name(args) -> Ret = |cx, job| body;` where `body` is an `EngineResult<Ret>`.
macro_rules! job_ops {
    ($( $(#[$meta:meta])* fn $name:ident ( $($arg:ident : $ty:ty),* ) -> $ret:ty = |$cx:ident, $job:ident| $body:expr ; )*) => {
        /// One call on one job (see `job_ops!` in `engine/rpc.rs` for what each does).
        #[derive(Debug, Serialize, Deserialize)]
        #[allow(non_camel_case_types)]
        pub enum Op { $( $name { $($arg: $ty),* } ),* }

        /// The answer to an [`Op`], of the same name.
        #[derive(Debug, Serialize, Deserialize)]
        #[allow(non_camel_case_types, clippy::large_enum_variant)]
        pub enum Out { $( $name($ret) ),* }

        impl Op {
            /// The call's name, for logs and errors.
            pub fn name(&self) -> &'static str {
                match self { $( Op::$name { .. } => stringify!($name) ),* }
            }

            /// A call that leaves the job final when it succeeds (Complete, Cancel, a DO
            /// download's Abort and Finalize).
            pub fn ends_job(&self) -> bool {
                matches!(self, Op::complete {} | Op::cancel {} | Op::do_abort {} | Op::do_finalize {})
            }

            /// A call a client may post (`ToService::Post`: no reply, made in order with the
            /// client's other calls): only those whose answer the client knows beforehand (see
            /// `JobHandle::known_answer` and `set_notify`). The service refuses any other as a
            /// protocol error: a post runs on the connection's reader, where a call that waits
            /// (a DO download's wait) would hold the connection up.
            pub fn postable(&self) -> bool {
                matches!(self, Op::resume {} | Op::set_notify_flags { .. } | Op::set_notify_sink { .. })
            }
        }

        /// The engine side of a job call, on behalf of `cx`.
        #[allow(unused_variables, clippy::redundant_closure_call)]
        pub fn execute(cx: &Cx, job: &Arc<Job>, op: Op) -> EngineResult<Out> {
            match op {
                $( Op::$name { $($arg),* } => {
                    let $cx = cx;
                    let $job = job;
                    let r: EngineResult<$ret> = $body;
                    r.map(Out::$name)
                } )*
            }
        }

        impl super::client::JobHandle {
            $(
                $(#[$meta])*
                pub fn $name(&self, $($arg: $ty),*) -> EngineResult<$ret> {
                    match self.op(Op::$name { $($arg),* })? {
                        Out::$name(v) => Ok(v),
                        _ => Err(EngineError::Protocol("a reply to another call")),
                    }
                }
            )*
        }
    };
}

job_ops! {
    // ---- reads ----
    fn state() -> JobState = |cx, job| Ok(job.state());
    fn owner() -> Owner = |cx, job| Ok(job.owner());
    fn display_name() -> String = |cx, job| Ok(job.display_name());
    fn description() -> String = |cx, job| Ok(job.description());
    fn priority() -> Priority = |cx, job| Ok(job.priority());
    fn notify_flags() -> u32 = |cx, job| Ok(job.notify_flags());
    fn min_retry_delay() -> u32 = |cx, job| Ok(job.min_retry_delay());
    fn no_progress_timeout() -> u32 = |cx, job| Ok(job.no_progress_timeout());
    fn error_count() -> u32 = |cx, job| Ok(job.error_count());
    fn proxy_settings() -> ProxySettings = |cx, job| Ok(job.proxy_settings());
    fn times() -> JobTimes = |cx, job| Ok(job.times());
    fn failure() -> Option<JobFailure> = |cx, job| Ok(job.failure());
    fn file_count() -> usize = |cx, job| Ok(job.file_count());
    fn file(index: usize) -> Option<FileEntry> = |cx, job| Ok(job.file(index));
    fn file_progress(index: usize) -> Option<FileProgress> = |cx, job| Ok(job.file_progress(index));
    fn file_response_headers(index: usize) -> Option<String> = |cx, job| Ok(job.file_response_headers(index));
    fn progress() -> JobProgress = |cx, job| Ok(job.progress());
    /// The settings as a client may see them: secrets stay in the engine (see
    /// [`JobSettings::for_clients`]).
    fn settings() -> JobSettings = |cx, job| Ok(job.settings().for_clients());
    fn notify_cmdline() -> Option<NotifyCmdLine> = |cx, job| Ok(job.notify_cmdline());
    fn do_props() -> Option<DoProps> = |cx, job| Ok(job.do_props());
    /// GetReplyProgress / GetReplyFileName (upload-reply jobs).
    fn reply_info() -> super::upload::ReplyInfo = |cx, job| Ok(super::upload::reply_info(job));
    /// GetReplyData.
    fn reply_data() -> super::upload::ReplyData = |cx, job| super::upload::reply_data_of(job);
    /// SetReplyFileName.
    fn set_reply_file(name: Option<String>) -> () = |cx, job| super::upload::set_reply_file(job, name);
    /// Whether any program has a callback registered on the job (bitsadmin's
    /// /getnotifyinterface; the callback itself stays its program's).
    fn notify_registered() -> bool = |cx, job| Ok(job.notify_target().is_some());
    /// The caller's own notify sink, if the registered one is its (GetNotifyInterface).
    fn notify_sink_id() -> Option<u64> = |cx, job| {
        Ok(job.notify_target().and_then(|t| NotifyProxy::sink_of(&*t, &*cx.peer)))
    };

    // ---- BITS job calls ----
    fn set_display_name(name: String) -> () = |cx, job| job.set_display_name(name);
    fn set_description(text: String) -> () = |cx, job| job.set_description(text);
    fn set_notify_flags(flags: u32) -> () = |cx, job| job.set_notify_flags(flags);
    fn set_http_method(method: Option<String>) -> () = |cx, job| job.set_http_method(method);
    fn set_credentials(credential: Credential) -> () = |cx, job| job.set_credentials(credential);
    fn remove_credentials(target: AuthTarget, scheme: AuthScheme) -> bool = |cx, job| {
        job.remove_credentials(target, scheme)
    };
    fn set_max_download_time(seconds: u32) -> () = |cx, job| job.set_max_download_time(seconds);
    fn set_min_retry_delay(seconds: u32) -> () = |cx, job| job.set_min_retry_delay(seconds);
    fn set_no_progress_timeout(seconds: u32) -> () = |cx, job| job.set_no_progress_timeout(seconds);
    fn set_proxy_settings(settings: ProxySettings) -> () = |cx, job| job.set_proxy_settings(settings);
    fn set_on_demand(enable: bool) -> () = |cx, job| job.set_on_demand(enable);
    fn change_settings(change: SettingsChange) -> () = |cx, job| apply_settings(job, change);
    /// SetClientCertificateByID/ByName (Some) or RemoveClientCertificate (None): whether one
    /// was set before.
    fn set_client_certificate(cert: Option<super::certs::ClientCertificate>) -> bool = |cx, job| {
        job.update_settings(|s, _, _| Ok(std::mem::replace(&mut s.client_certificate, cert).is_some()))
    };
    /// TakeOwnership: the caller becomes the owner (administrators only).
    fn take_ownership() -> () = |cx, job| cx.engine.take_ownership(job, cx.owner);
    fn set_notify_cmdline(cmd: Option<NotifyCmdLine>) -> () = |cx, job| cx.engine.set_notify_cmdline(job, cmd);
    fn add_files(files: Vec<NewFile>) -> (usize, usize) = |cx, job| {
        cx.engine.add_files(job, &files).map(|r| (r.start, r.end))
    };
    /// File::SetRemoteName.
    fn rename_remote(index: usize, name: String) -> usize = |cx, job| {
        cx.engine.rename_remotes(job, |i, _| (i == index).then(|| name.clone()))
    };
    /// Job4::ReplaceRemotePrefix: how many files changed.
    fn replace_remote_prefix(old: String, new: String) -> usize = |cx, job| {
        cx.engine.rename_remotes(job, |_, f| f.remote_name.strip_prefix(old.as_str()).map(|rest| format!("{new}{rest}")))
    };
    fn set_validation_state(index: usize, valid: bool) -> () = |cx, job| {
        cx.engine.set_validation_state(job, index, valid)
    };
    fn resume() -> () = |cx, job| cx.engine.resume(job);
    fn suspend() -> () = |cx, job| cx.engine.suspend(job);
    fn set_priority(priority: Priority) -> () = |cx, job| cx.engine.set_priority(job, priority);
    fn cancel() -> EndCode = |cx, job| {
        // The ended registrations drop here, outside every engine lock.
        cx.engine.cancel(job).map(|e| EndCode { partial: e.partial, undeleted: e.undeleted })
    };
    fn complete() -> EndCode = |cx, job| {
        cx.engine.complete(job).map(|e| EndCode { partial: e.partial, undeleted: e.undeleted })
    };
    /// SetNotifyInterface / DO CallbackInterface: the caller's sink, or None to remove it.
    fn set_notify_sink(sink: Option<u64>) -> () = |cx, job| {
        let old = cx.engine.set_notify_target(job, cx.notify_proxy(job, sink))?;
        drop(old);
        Ok(())
    };
    /// SetServerCertificateValidationInterface.
    fn set_cert_sink(sink: Option<u64>) -> () = |cx, job| {
        let validator = sink.map(|sink| {
            cx.peer.registered(job);
            Box::new(CertProxy { peer: cx.peer.clone(), sink }) as Box<dyn ServerCertValidator>
        });
        let old = cx.engine.set_cert_validator(job, validator)?;
        drop(old);
        Ok(())
    };
    fn filled_ranges(index: usize) -> Option<Vec<(u64, u64)>> = |cx, job| cx.engine.filled_ranges(job, index);
    fn update_download_position(index: usize, offset: u64) -> () = |cx, job| {
        cx.engine.update_download_position(job, index, offset)
    };
    fn request_file_ranges(index: usize, ranges: Vec<FileRange>) -> () = |cx, job| {
        cx.engine.request_file_ranges(job, index, &ranges)
    };

    // ---- Delivery Optimization ----
    fn do_start(ranges: StartRanges) -> Result<(), DoRefusal> = |cx, job| do_result(cx.engine.do_start(job, ranges));
    fn do_pause() -> () = |cx, job| cx.engine.do_pause(job);
    fn do_abort() -> () = |cx, job| cx.engine.do_abort(job);
    fn do_finalize() -> () = |cx, job| cx.engine.do_finalize(job);
    fn do_status() -> DoStatus = |cx, job| Ok(cx.engine.do_status(job));
    /// Waits until the download leaves Transferring (a blocking Start).
    fn do_wait() -> DoStatus = |cx, job| Ok(cx.engine.do_wait(job));
    fn do_get(prop: DoProp) -> Result<DoValue, DoRefusal> = |cx, job| do_result(cx.engine.do_get(job, prop));
    fn do_set(prop: DoProp, value: DoValue) -> Result<(), DoRefusal> = |cx, job| {
        do_result(cx.engine.do_set(job, prop, value))
    };
    /// StreamInterface: the caller's sink, or None to remove it.
    fn do_set_stream(sink: Option<u64>) -> Result<(), DoRefusal> = |cx, job| {
        let proxy = sink.map(|s| cx.stream_proxy(job, s));
        do_result(cx.engine.do_set_stream(job, proxy).map(drop))
    };
    fn do_stream_id() -> Option<u64> = |cx, job| {
        Ok(cx.engine.do_stream(job).and_then(|t| StreamProxy::sink_of(&*t, &*cx.peer)))
    };
    fn add_legacy_file(
        file_id: String,
        remote: String,
        local: Option<String>,
        ranges: Option<Vec<FileRange>>,
        size_hint: Option<u64>
    ) -> usize = |cx, job| cx.engine.add_legacy_file(job, file_id, remote, local, ranges, size_hint);
    fn set_file_sink_path(index: usize, path: String) -> () = |cx, job| cx.engine.set_file_sink_path(job, index, &path);
    fn set_file_stream(index: usize, sink: u64) -> () = |cx, job| {
        let proxy = cx.stream_proxy(job, sink);
        cx.engine.set_file_stream(job, index, proxy).map(drop)
    };
    fn file_stream_id(index: usize) -> Option<u64> = |cx, job| {
        Ok(cx.engine.file_stream(job, index).and_then(|t| StreamProxy::sink_of(&*t, &*cx.peer)))
    };
    fn change_file(index: usize, change: FileChange) -> () = |cx, job| apply_file_change(&cx.engine, job, index, change);
    fn file_stats(index: usize) -> DoFileStats = |cx, job| cx.engine.file_stats(job, index);
}

/// Drops the registrations `peer` made on `job` (its client went away): the notification sink and
/// stream sinks that are its. Later events of the job go to the notify command line, if any.
pub fn drop_registrations(job: &Arc<Job>, peer: &dyn Peer) {
    let dropped = job.modify_volatile(|g| {
        let mut out: Vec<Box<dyn std::any::Any + Send>> = Vec::new();
        if g.notify_target.as_deref().is_some_and(|t| NotifyProxy::sink_of(t, peer).is_some()) {
            out.push(Box::new(g.notify_target.take()));
        }
        let theirs: Vec<usize> = g
            .do_rt
            .streams
            .iter()
            .filter(|(_, s)| StreamProxy::sink_of(&***s, peer).is_some())
            .map(|(i, _)| *i)
            .collect();
        for i in theirs {
            out.push(Box::new(g.do_rt.streams.remove(&i)));
        }
        Ok(out)
    });
    // Released here, outside the job's lock.
    drop(dropped);
}
