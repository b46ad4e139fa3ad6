//! The interfaces' view of the engine: a [`Client`] (manager-level calls) and [`JobHandle`]s (one
//! job each), whose every call is one [`rpc`](super::rpc) request over a [`Link`]: answered, or
//! for a call whose answer the client knows, posted (see [`JobHandle::op`]).
//!
//! This is the one place that knows whether the engine is in this process ([`LocalLink`]: the
//! request is handed to `rpc::handle`/`rpc::execute` as it is) or in the `deliveryoptd` service
//! (`remote::RemoteLink`: the request is encoded and sent over a Unix socket). The interface layer
//! holds a `Client` and `JobHandle`s and never learns which.
//!
//! Callback objects of the caller are registered here as *sinks* (a number each); the engine
//! holds a proxy per sink and calls back through [`Client::deliver`].

use std::any::Any;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Weak};

use once_cell::sync::Lazy;
use parking_lot::Mutex;

use super::dodl::DoStatus;
use super::job::{Job, JobFailure, JobId, JobType, Owner};
use super::rpc::{self, Callback, Cx, JobInfo, Op, Out, Peer, Reply, Request};
use super::{Engine, EngineError, EngineResult, StoreError};

/// The caller's IBackgroundCopyCallback / IDODownloadStatusCallback, as the interface layer wraps
/// it. Called on a library thread with no library lock held; `Err(hr)` is the caller's failure.
pub trait NotifySink: Any + Send + Sync {
    fn as_any(&self) -> &dyn Any;
    fn job_transferred(&self, job: &JobHandle) -> Result<(), i32>;
    fn job_error(&self, job: &JobHandle, failure: &JobFailure) -> Result<(), i32>;
    fn job_modification(&self, job: &JobHandle) -> Result<(), i32>;
    fn file_transferred(&self, job: &JobHandle, file: usize) -> Result<(), i32>;
    fn file_ranges_transferred(&self, _job: &JobHandle, _file: usize, _ranges: &[(u64, u64)]) -> Result<(), i32> {
        Ok(())
    }
    fn do_status(&self, _job: &JobHandle, _status: &DoStatus) -> Result<(), i32> {
        Ok(())
    }
}

/// The caller's server-certificate validation callback. `Ok` accepts the certificate.
pub trait CertSink: Send + Sync {
    fn validate(&self, job: &JobHandle, file: usize, leaf: &[u8], chain: &[&[u8]]) -> Result<(), i32>;
}

/// The caller's stream sink (ISequentialStream): the bytes, in order.
pub trait StreamSink: Any + Send + Sync {
    fn as_any(&self) -> &dyn Any;
    fn write(&self, data: &[u8]) -> Result<(), i32>;
}

/// A registered callback object of the caller.
#[derive(Clone)]
pub enum Sink {
    Notify(Arc<dyn NotifySink>),
    Cert(Arc<dyn CertSink>),
    Stream(Arc<dyn StreamSink>),
}

/// How a [`Client`] reaches its engine.
pub trait Link: Send + Sync {
    /// A manager-level call. Jobs in the reply come back as handles.
    fn request(&self, client: &Arc<Client>, req: Request) -> EngineResult<Answer>;
    /// A call on one job.
    fn op(&self, job: &JobHandle, op: Op) -> EngineResult<Out>;
    /// A call on one job whose answer is not waited for (see [`JobHandle::op`]): the engine
    /// gets it in order with this client's other calls. `Err` only when it could not be handed
    /// over; an engine in this process simply makes the call.
    fn post(&self, job: &JobHandle, op: Op) -> EngineResult<()> {
        self.op(job, op).map(drop)
    }
    /// The client dropped its last handle of `id`, which it had been handed `count` times.
    fn release(&self, id: JobId, count: u64);
    /// The engine went away with registrations of this client: get it back (start the service
    /// again) and register them again.
    fn revive(&self) {}
    /// Calls were posted that the engine may not have made yet (see [`Link::post`]).
    fn unsettled(&self) -> bool {
        false
    }
}

/// Which registration of a job a sink is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RegKind {
    /// SetNotifyInterface / DO CallbackInterface.
    Notify,
    /// SetServerCertificateValidationInterface.
    Cert,
}

/// The callback registrations the engine holds for a client, both ways round (a client with
/// thousands of jobs releases a sink per job it ends: a lookup, not a search).
#[derive(Default)]
struct Registrations {
    by_job: HashMap<(JobId, RegKind), u64>,
    by_sink: HashMap<u64, (JobId, RegKind)>,
}

impl Registrations {
    fn set(&mut self, job: JobId, kind: RegKind, sink: Option<u64>) {
        let old = match sink {
            Some(s) => {
                self.by_sink.insert(s, (job, kind));
                self.by_job.insert((job, kind), s)
            }
            None => self.by_job.remove(&(job, kind)),
        };
        if let Some(old) = old.filter(|o| Some(*o) != sink) {
            self.by_sink.remove(&old);
        }
    }

    fn forget_sink(&mut self, sink: u64) {
        if let Some(key) = self.by_sink.remove(&sink) {
            if self.by_job.get(&key) == Some(&sink) {
                self.by_job.remove(&key);
            }
        }
    }
}

/// A reply with its jobs turned into handles.
pub enum Answer {
    Job(JobHandle),
    Jobs(Vec<JobHandle>),
}

/// The interfaces' connection to the engine. One per process ([`Client::global`]); tests may make
/// their own with [`Client::local`].
pub struct Client {
    link: Box<dyn Link>,
    /// Registered sinks, and whether the call registering each is still in progress.
    sinks: Mutex<HashMap<u64, (Sink, bool)>>,
    /// The callback registrations the engine holds for this client, by job: registered again
    /// with a new service when the old one went away.
    regs: Mutex<Registrations>,
    next_sink: AtomicU64,
    /// Live handles of jobs of a remote engine, so a job has one handle at a time (its reference
    /// count is the number of times the engine handed it out).
    handles: Mutex<HashMap<JobId, Weak<HandleInner>>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client").field("sinks", &self.sinks.lock().len()).finish()
    }
}

/// One job, as the interfaces hold it.
#[derive(Clone)]
pub struct JobHandle(Arc<HandleInner>);

struct HandleInner {
    info: JobInfo,
    client: Arc<Client>,
    /// The engine's job, when the engine is in this process.
    local: Option<Arc<Job>>,
    /// How many times a remote engine handed this job to us (released together on drop).
    received: AtomicU64,
    /// A call of this client that ends the job succeeded (`Op::ends_job`), or another client's
    /// did (`ToClient::Ended`): the job is in a final state for good, and
    /// calls that a final job refuses are refused here without asking the engine.
    ended: std::sync::atomic::AtomicBool,
    /// The job has a file (files are never taken out of a job): Resume cannot be refused as
    /// empty.
    has_files: std::sync::atomic::AtomicBool,
}

impl Drop for HandleInner {
    fn drop(&mut self) {
        if self.local.is_some() {
            return;
        }
        {
            let mut handles = self.client.handles.lock();
            if handles.get(&self.info.id).is_some_and(|w| w.strong_count() == 0) {
                handles.remove(&self.info.id);
            }
        }
        self.client.link.release(self.info.id, self.received.load(Ordering::Relaxed));
    }
}

impl std::fmt::Debug for JobHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JobHandle").field("id", &self.0.info.id).finish()
    }
}

impl JobHandle {
    pub fn id(&self) -> JobId {
        self.0.info.id
    }

    pub fn job_type(&self) -> JobType {
        self.0.info.job_type
    }

    /// A Delivery Optimization download.
    pub fn is_do(&self) -> bool {
        self.0.info.is_do
    }

    /// Made through CLSID_DeliveryOptimization's IBackgroundCopyManager.
    pub fn is_do_legacy(&self) -> bool {
        self.0.info.do_legacy
    }

    pub fn client(&self) -> &Arc<Client> {
        &self.0.client
    }

    /// The engine's job, when the engine is in this process (tests look inside it).
    pub fn local_job(&self) -> Option<&Arc<Job>> {
        self.0.local.as_ref()
    }

    /// One call on the job. A call whose answer this client already knows is *posted*: handed
    /// to the engine without waiting for it (through the service, one message and no round
    /// trip). That is Resume of a job with files and SetNotifyFlags with known flags, on a job
    /// this client has not ended: the engine refuses those only for a job that ended, or that
    /// another program ends before the service reads the call, and a call that loses that race
    /// ends up as if it had been made just before the end. The engine gets posted calls in order
    /// with this client's other calls.
    pub(crate) fn op(&self, op: Op) -> EngineResult<Out> {
        if let Some(out) = self.known_answer(&op) {
            self.0.client.link.post(self, op)?;
            return Ok(out);
        }
        let ends = op.ends_job();
        let out = self.0.client.link.op(self, op)?;
        if ends {
            self.0.ended.store(true, Ordering::Relaxed);
        }
        match out {
            Out::add_files((first, end)) if end > first => self.0.has_files.store(true, Ordering::Relaxed),
            Out::file_count(n) if n > 0 => self.0.has_files.store(true, Ordering::Relaxed),
            _ => {}
        }
        Ok(out)
    }

    /// The job is final for good: this client ended it, or heard that another did.
    pub(crate) fn ended(&self) -> bool {
        self.0.ended.load(Ordering::Relaxed)
    }

    /// The answer of `op` when the engine can only give that one (see [`JobHandle::op`]).
    fn known_answer(&self, op: &Op) -> Option<Out> {
        if self.0.ended.load(Ordering::Relaxed) {
            return None;
        }
        match op {
            Op::resume {} if self.0.has_files.load(Ordering::Relaxed) && !self.0.info.do_legacy => {
                Some(Out::resume(()))
            }
            Op::set_notify_flags { flags } if flags & !super::job::NOTIFY_FLAGS_ALL == 0 => {
                Some(Out::set_notify_flags(()))
            }
            _ => None,
        }
    }

    /// Registers (or with `None` removes) the job's notification sink: SetNotifyInterface, or a
    /// DO download's CallbackInterface.
    ///
    /// On a job this client completed or cancelled it is refused (`InvalidState`, as the engine
    /// refuses it) without a call: programs remove their callback before releasing a job they
    /// completed, and through the service that call would be a round trip.
    pub fn set_notify(&self, sink: Option<Arc<dyn NotifySink>>) -> EngineResult<()> {
        if self.0.ended.load(Ordering::Relaxed) {
            return Err(EngineError::InvalidState);
        }
        let client = self.client();
        let id = sink.map(|s| client.register(Sink::Notify(s)));
        // With no sink of this client registered, the call releases none of its objects: it is
        // posted (see `op`). Tracked first, so that the engine's refusal (a release of the sink)
        // finds it.
        if client.tracked(self.id(), RegKind::Notify).is_none() {
            client.track(self.id(), RegKind::Notify, id);
            let r = self.0.client.link.post(self, Op::set_notify_sink { sink: id });
            if r.is_err() {
                client.track(self.id(), RegKind::Notify, None);
            }
            client.settle(id, r.is_ok());
            return r;
        }
        let r = self.set_notify_sink(id);
        client.settle(id, r.is_ok());
        if r.is_ok() {
            client.track(self.id(), RegKind::Notify, id);
        }
        r
    }

    /// The caller's registered notification sink, if this client registered it.
    pub fn notify(&self) -> EngineResult<Option<Arc<dyn NotifySink>>> {
        Ok(self.notify_sink_id()?.and_then(|id| match self.client().sink(id) {
            Some(Sink::Notify(s)) => Some(s),
            _ => None,
        }))
    }

    /// Registers (or removes) the server-certificate validation callback.
    pub fn set_cert(&self, sink: Option<Arc<dyn CertSink>>) -> EngineResult<()> {
        let client = self.client();
        let id = sink.map(|s| client.register(Sink::Cert(s)));
        let r = self.set_cert_sink(id);
        client.settle(id, r.is_ok());
        if r.is_ok() {
            client.track(self.id(), RegKind::Cert, id);
        }
        r
    }

    /// A DO download's stream sink (StreamInterface).
    pub fn set_do_stream(&self, sink: Option<Arc<dyn StreamSink>>) -> EngineResult<Result<(), super::dodl::DoRefusal>> {
        let client = self.client();
        let id = sink.map(|s| client.register(Sink::Stream(s)));
        let r = self.do_set_stream(id);
        client.settle(id, matches!(r, Ok(Ok(()))));
        r
    }

    pub fn do_stream(&self) -> EngineResult<Option<Arc<dyn StreamSink>>> {
        Ok(self.do_stream_id()?.and_then(|id| self.client().stream(id)))
    }

    /// A legacy DO file's stream sink (DownloadSinkInterface).
    pub fn set_file_stream_sink(&self, index: usize, sink: Arc<dyn StreamSink>) -> EngineResult<()> {
        let client = self.client();
        let id = client.register(Sink::Stream(sink));
        let r = self.set_file_stream(index, id);
        client.settle(Some(id), r.is_ok());
        r
    }

    pub fn file_stream_sink(&self, index: usize) -> EngineResult<Option<Arc<dyn StreamSink>>> {
        Ok(self.file_stream_id(index)?.and_then(|id| self.client().stream(id)))
    }
}

impl Client {
    fn with_link(make: impl FnOnce(Weak<Client>) -> Box<dyn Link>) -> Arc<Client> {
        Arc::new_cyclic(|weak| Client {
            link: make(weak.clone()),
            sinks: Mutex::new(HashMap::new()),
            regs: Mutex::new(Registrations::default()),
            next_sink: AtomicU64::new(1),
            handles: Mutex::new(HashMap::new()),
        })
    }

    /// A client of `engine` in this process, acting for `owner`.
    pub fn local(engine: Arc<Engine>, owner: Owner) -> Arc<Client> {
        Client::with_link(|weak| {
            let peer = Arc::new(LocalPeer { client: weak, id: next_peer_id() });
            Box::new(LocalLink { cx: Cx { engine, owner, peer } })
        })
    }

    /// A client whose calls go through `link` (the service's connection).
    pub fn remote(make: impl FnOnce(Weak<Client>) -> Box<dyn Link>) -> Arc<Client> {
        Client::with_link(make)
    }

    /// The handle of a job of a local engine.
    pub(crate) fn local_handle(self: &Arc<Self>, job: Arc<Job>) -> JobHandle {
        JobHandle(Arc::new(HandleInner {
            info: JobInfo::of(&job),
            client: self.clone(),
            local: Some(job),
            received: AtomicU64::new(0),
            ended: Default::default(),
            has_files: Default::default(),
        }))
    }

    /// The handle of a job a remote engine handed out (one more reference to release).
    pub fn remote_handle(self: &Arc<Self>, info: JobInfo) -> JobHandle {
        let mut handles = self.handles.lock();
        if let Some(inner) = handles.get(&info.id).and_then(Weak::upgrade) {
            inner.received.fetch_add(1, Ordering::Relaxed);
            return JobHandle(inner);
        }
        let inner = Arc::new(HandleInner {
            info,
            client: self.clone(),
            local: None,
            received: AtomicU64::new(1),
            ended: Default::default(),
            has_files: Default::default(),
        });
        handles.insert(info.id, Arc::downgrade(&inner));
        JobHandle(inner)
    }

    fn request(self: &Arc<Self>, req: Request) -> EngineResult<Answer> {
        self.link.request(self, req)
    }

    fn one(self: &Arc<Self>, req: Request) -> EngineResult<JobHandle> {
        match self.request(req)? {
            Answer::Job(j) => Ok(j),
            Answer::Jobs(_) => Err(EngineError::Protocol("a list where one job was expected")),
        }
    }

    fn many(self: &Arc<Self>, req: Request) -> EngineResult<Vec<JobHandle>> {
        match self.request(req)? {
            Answer::Jobs(v) => Ok(v),
            Answer::Job(_) => Err(EngineError::Protocol("one job where a list was expected")),
        }
    }

    /// IBackgroundCopyManager::CreateJob (owned by the caller).
    pub fn create_job(self: &Arc<Self>, name: String, job_type: JobType, do_legacy: bool) -> EngineResult<JobHandle> {
        self.one(Request::CreateJob { name, job_type, do_legacy })
    }

    /// IBackgroundCopyManager::GetJob: E_ACCESSDENIED-style refusal for another user's job.
    pub fn get_job(self: &Arc<Self>, id: JobId) -> EngineResult<JobHandle> {
        self.one(Request::GetJob { id })
    }

    /// The caller's jobs, or with `all_users` everyone's (administrators only), oldest first.
    pub fn jobs(self: &Arc<Self>, all_users: bool) -> EngineResult<Vec<JobHandle>> {
        self.many(Request::Jobs { all_users })
    }

    pub fn create_download(self: &Arc<Self>) -> EngineResult<JobHandle> {
        self.one(Request::CreateDownload)
    }

    pub fn downloads(self: &Arc<Self>) -> EngineResult<Vec<JobHandle>> {
        self.many(Request::Downloads)
    }

    /// Keeps `sink` until the engine releases it; returns its number.
    pub fn register(&self, sink: Sink) -> u64 {
        let id = self.next_sink.fetch_add(1, Ordering::Relaxed);
        self.sinks.lock().insert(id, (sink, true));
        id
    }

    /// A registered sink.
    pub fn sink(&self, id: u64) -> Option<Sink> {
        self.sinks.lock().get(&id).map(|(s, _)| s.clone())
    }

    fn stream(&self, id: u64) -> Option<Arc<dyn StreamSink>> {
        match self.sink(id) {
            Some(Sink::Stream(s)) => Some(s),
            _ => None,
        }
    }

    /// Another client ended `job` (see `wire::ToClient::Ended`): this client's handle, if any,
    /// posts no more calls on it. Returns the handle, for the caller to drop where a last
    /// release may make a call (not on the connection's reading turn).
    pub fn job_ended(&self, job: JobId) -> Option<JobHandle> {
        let inner = self.handles.lock().get(&job).and_then(Weak::upgrade)?;
        inner.ended.store(true, Ordering::Relaxed);
        Some(JobHandle(inner))
    }

    /// Drops the sink (the caller's object is released here, outside every lock).
    pub fn release_sink(&self, id: u64) {
        self.regs.lock().forget_sink(id);
        let sink = self.sinks.lock().remove(&id);
        drop(sink);
    }

    fn track(&self, job: JobId, kind: RegKind, sink: Option<u64>) {
        self.regs.lock().set(job, kind, sink);
    }

    /// This client's sink registered on `job` as `kind`, if any.
    fn tracked(&self, job: JobId, kind: RegKind) -> Option<u64> {
        self.regs.lock().by_job.get(&(job, kind)).copied()
    }

    /// The registrations to make again with a new engine: (job, kind, sink).
    pub fn registrations(&self) -> Vec<(JobId, RegKind, u64)> {
        self.regs.lock().by_job.iter().map(|(&(j, k), &s)| (j, k, s)).collect()
    }

    /// Posted calls the engine may not have made yet (see [`Link::unsettled`]).
    pub fn unsettled(&self) -> bool {
        self.link.unsettled()
    }

    /// Gets a lost engine back, with this client's registrations (see [`Link::revive`]).
    pub fn revive(&self) {
        self.link.revive();
    }

    /// The engine that held the sinks is gone (the service's connection broke): drops those that
    /// will not be registered again (stream sinks). A sink whose registering call is still in
    /// progress is kept: that call settles it. Returns whether registrations remain to be made
    /// again.
    pub fn engine_lost(&self) -> bool {
        let kept: std::collections::HashSet<u64> = self.regs.lock().by_sink.keys().copied().collect();
        let gone: Vec<Sink> = {
            let mut sinks = self.sinks.lock();
            let ids: Vec<u64> =
                sinks.iter().filter(|(id, (_, pending))| !pending && !kept.contains(id)).map(|(id, _)| *id).collect();
            ids.into_iter().filter_map(|id| sinks.remove(&id)).map(|(s, _)| s).collect()
        };
        drop(gone);
        !kept.is_empty()
    }

    /// The call registering `id` ended: kept when it succeeded, released when it failed.
    fn settle(&self, id: Option<u64>, ok: bool) {
        let Some(id) = id else { return };
        if ok {
            if let Some(e) = self.sinks.lock().get_mut(&id) {
                e.1 = false;
            }
        } else {
            self.release_sink(id);
        }
    }

    /// Calls sink `id` for the engine. A sink that is gone (released meanwhile) is not called.
    pub fn deliver(&self, id: u64, job: Option<&JobHandle>, cb: Callback) -> Result<(), i32> {
        let Some(sink) = self.sink(id) else { return Ok(()) };
        match (sink, cb, job) {
            (Sink::Notify(s), Callback::JobTransferred, Some(j)) => s.job_transferred(j),
            (Sink::Notify(s), Callback::JobError { failure }, Some(j)) => s.job_error(j, &failure),
            (Sink::Notify(s), Callback::JobModification, Some(j)) => s.job_modification(j),
            (Sink::Notify(s), Callback::FileTransferred { file }, Some(j)) => s.file_transferred(j, file),
            (Sink::Notify(s), Callback::FileRangesTransferred { file, ranges }, Some(j)) => {
                s.file_ranges_transferred(j, file, &ranges)
            }
            (Sink::Notify(s), Callback::DoStatus { status }, Some(j)) => s.do_status(j, &status),
            (Sink::Cert(s), Callback::ValidateCert { file, leaf, chain }, Some(j)) => {
                let chain: Vec<&[u8]> = chain.iter().map(|c| c.as_slice()).collect();
                s.validate(j, file, &leaf, &chain)
            }
            (Sink::Stream(s), Callback::StreamWrite { data }, _) => s.write(&data),
            // A callback of the wrong kind for its sink: refused, as a malformed call would be.
            _ => Err(rpc::DISCONNECTED),
        }
    }
}

static PEER_IDS: AtomicU64 = AtomicU64::new(1);

/// A new number for a [`Peer`].
pub fn next_peer_id() -> u64 {
    PEER_IDS.fetch_add(1, Ordering::Relaxed)
}

/// The engine in this process: calls go straight to `rpc`.
pub struct LocalLink {
    cx: Cx,
}

thread_local! {
    /// Jobs `LocalPeer::job_info` handed out during the current request on this thread.
    static HANDED_OUT: std::cell::RefCell<Vec<Arc<Job>>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl Link for LocalLink {
    fn request(&self, client: &Arc<Client>, req: Request) -> EngineResult<Answer> {
        HANDED_OUT.with(|h| h.borrow_mut().clear());
        let reply = rpc::handle(&self.cx, req);
        let jobs: Vec<Arc<Job>> = HANDED_OUT.with(|h| std::mem::take(&mut *h.borrow_mut()));
        let mut jobs: HashMap<JobId, Arc<Job>> = jobs.into_iter().map(|j| (j.id(), j)).collect();
        let mut handle = |info: JobInfo| -> EngineResult<JobHandle> {
            let job = jobs.remove(&info.id).ok_or(EngineError::Protocol("a job that was not handed out"))?;
            Ok(client.local_handle(job))
        };
        match reply? {
            Reply::Job(info) => Ok(Answer::Job(handle(info)?)),
            Reply::Jobs(v) => Ok(Answer::Jobs(v.into_iter().map(handle).collect::<EngineResult<_>>()?)),
            Reply::Op(_) => Err(EngineError::Protocol("a job reply to a manager call")),
        }
    }

    fn op(&self, job: &JobHandle, op: Op) -> EngineResult<Out> {
        let j = job.local_job().ok_or(EngineError::Protocol("a remote job given to the local engine"))?;
        rpc::execute(&self.cx, j, op)
    }

    fn release(&self, _id: JobId, _count: u64) {}
}

/// The client side of an in-process engine, as the engine's proxies see it.
struct LocalPeer {
    client: Weak<Client>,
    id: u64,
}

impl Peer for LocalPeer {
    fn peer_id(&self) -> u64 {
        self.id
    }

    fn job_info(&self, job: &Arc<Job>) -> JobInfo {
        HANDED_OUT.with(|h| h.borrow_mut().push(job.clone()));
        JobInfo::of(job)
    }

    fn callback(&self, sink: u64, job: Option<&Arc<Job>>, cb: Callback) -> Result<(), i32> {
        let Some(client) = self.client.upgrade() else { return Err(rpc::DISCONNECTED) };
        let handle = job.map(|j| client.local_handle(j.clone()));
        client.deliver(sink, handle.as_ref(), cb)
    }

    fn release_sink(&self, sink: u64) {
        if let Some(client) = self.client.upgrade() {
            client.release_sink(sink);
        }
    }
}

// ---- the process-wide client ----

/// Where this process's engine is: the service (the default) or in the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The user's `deliveryoptd`, started on demand.
    Service,
    /// An engine inside this process (one process per store at a time).
    InProcess,
    /// The system instance (`deliveryoptd --system`): one root service for every user.
    System,
}

impl Mode {
    /// `DELIVERYOPT_ENGINE`: `in-process` (or `inprocess`, `local`), `system`, or `service` (the
    /// default).
    pub fn from_env() -> Mode {
        match std::env::var("DELIVERYOPT_ENGINE").ok().as_deref().map(str::trim) {
            Some("in-process" | "inprocess" | "local") => Mode::InProcess,
            Some("system") => Mode::System,
            _ => Mode::Service,
        }
    }
}

/// Why the process-wide client could not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartError {
    Store(StoreError),
    Service(EngineError),
}

/// What was chosen before the first call: the store directory and the mode.
#[derive(Debug, Default)]
struct Choices {
    state_dir: Option<PathBuf>,
    mode: Option<Mode>,
}

static GLOBAL: Lazy<Mutex<Option<Arc<Client>>>> = Lazy::new(|| Mutex::new(None));
static CHOICES: Lazy<Mutex<Choices>> = Lazy::new(|| Mutex::new(Choices::default()));

/// Refused: the process-wide client already started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlreadyStarted;

impl Client {
    /// The process-wide client, made on first use: a connection to the service (started if none
    /// runs), or with `Mode::InProcess` the process-wide engine. Fails while the service cannot
    /// be started (or, in-process, the store is held by another process); a later call tries
    /// again.
    pub fn global() -> Result<Arc<Client>, StartError> {
        let mut g = GLOBAL.lock();
        if let Some(c) = g.as_ref() {
            return Ok(c.clone());
        }
        super::log::init_library();
        let (dir, mode) = {
            let c = CHOICES.lock();
            (c.state_dir.clone(), c.mode.unwrap_or_else(Mode::from_env))
        };
        let owner = Owner { uid: crate::abi::os::current_uid() };
        let client = match mode {
            Mode::InProcess => {
                if let Some(d) = dir {
                    let _ = Engine::set_state_dir(d);
                }
                Client::local(Engine::global().map_err(StartError::Store)?, owner)
            }
            Mode::Service => {
                let store = super::StoreConfig::from_env(dir).dir;
                super::remote::connect_client(super::remote::Target::for_store(store))?
            }
            Mode::System => super::remote::connect_client(super::remote::Target::system())?,
        };
        tracing::debug!(?mode, "the library's engine is ready");
        *g = Some(client.clone());
        Ok(client)
    }

    /// Chooses the store directory; only before the client starts.
    pub fn set_state_dir(dir: PathBuf) -> Result<(), AlreadyStarted> {
        let g = GLOBAL.lock();
        if g.is_some() {
            return Err(AlreadyStarted);
        }
        CHOICES.lock().state_dir = Some(dir);
        Ok(())
    }

    /// Chooses the mode; only before the client starts.
    pub fn set_mode(mode: Mode) -> Result<(), AlreadyStarted> {
        let g = GLOBAL.lock();
        if g.is_some() {
            return Err(AlreadyStarted);
        }
        CHOICES.lock().mode = Some(mode);
        Ok(())
    }

    /// The mode the process-wide client has (or would start with).
    pub fn mode() -> Mode {
        CHOICES.lock().mode.unwrap_or_else(Mode::from_env)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// /getnotifyinterface's question: a callback any client registered, seen by another.
    #[test]
    fn another_client_sees_that_a_callback_is_registered() {
        struct Quiet;
        impl NotifySink for Quiet {
            fn as_any(&self) -> &dyn Any {
                self
            }
            fn job_transferred(&self, _: &JobHandle) -> Result<(), i32> {
                Ok(())
            }
            fn job_error(&self, _: &JobHandle, _: &JobFailure) -> Result<(), i32> {
                Ok(())
            }
            fn job_modification(&self, _: &JobHandle) -> Result<(), i32> {
                Ok(())
            }
            fn file_transferred(&self, _: &JobHandle, _: usize) -> Result<(), i32> {
                Ok(())
            }
        }
        let engine = Engine::new(super::super::Config::default()).unwrap();
        let me = Owner { uid: crate::abi::os::effective_uid() };
        let (a, b) = (Client::local(engine.clone(), me), Client::local(engine, me));
        let job = a.create_job("registered".into(), JobType::Download, false).unwrap();
        let seen = b.get_job(job.id()).unwrap();
        assert!(!seen.notify_registered().unwrap());
        job.set_notify(Some(Arc::new(Quiet))).unwrap();
        assert!(seen.notify_registered().unwrap(), "b sees a's callback");
        assert!(seen.notify().unwrap().is_none(), "but it is not b's to call");
        job.set_notify(None).unwrap();
        assert!(!seen.notify_registered().unwrap());
        job.cancel().unwrap();
    }

    /// What SetCredentials and MakeCustomHeadersWriteOnly hide stays in the engine: the settings
    /// a client reads have no password and no write-only headers (the engine still has both).
    #[test]
    fn a_client_reads_no_password_and_no_write_only_headers() {
        use super::super::job::{AuthScheme, AuthTarget, Credential};
        use super::super::rpc::SettingsChange;
        let engine = Engine::new(super::super::Config::default()).unwrap();
        let client = Client::local(engine, Owner { uid: crate::abi::os::effective_uid() });
        let job = client.create_job("secrets".into(), JobType::Download, false).unwrap();
        let secret = Credential {
            target: AuthTarget::Server,
            scheme: AuthScheme::Basic,
            user: "u".into(),
            password: "hunter2".into(),
        };
        let colon = Credential { user: "a:b".into(), ..secret.clone() };
        assert!(matches!(job.set_credentials(colon), Err(EngineError::InvalidArgument(_))), "RFC 7617");
        job.set_credentials(secret).unwrap();
        job.change_settings(SettingsChange::CustomHeaders(Some("X-Token: abc".into()))).unwrap();
        assert_eq!(
            job.settings().unwrap().custom_headers.as_deref(),
            Some("X-Token: abc"),
            "readable until made write-only"
        );
        job.change_settings(SettingsChange::HeadersWriteOnly).unwrap();
        let seen = job.settings().unwrap();
        assert_eq!(seen.custom_headers, None);
        assert!(seen.headers_write_only);
        assert_eq!(seen.credentials.len(), 1);
        assert!(seen.credentials[0].password.is_empty());
        assert_eq!(seen.credentials[0].user, "u");
        let kept = job.local_job().unwrap().settings();
        assert_eq!(kept.credentials[0].password, "hunter2");
        assert_eq!(kept.custom_headers.as_deref(), Some("X-Token: abc"));
        job.cancel().unwrap();
    }

    #[test]
    fn registrations_are_found_by_job_and_by_sink() {
        let (a, b) = (JobId::new_random(), JobId::new_random());
        let mut r = Registrations::default();
        r.set(a, RegKind::Notify, Some(1));
        r.set(a, RegKind::Cert, Some(2));
        r.set(b, RegKind::Notify, Some(3));
        // Replacing a registration forgets the old sink.
        r.set(a, RegKind::Notify, Some(4));
        assert_eq!(r.by_job.get(&(a, RegKind::Notify)), Some(&4));
        assert!(!r.by_sink.contains_key(&1));
        // A released sink leaves its job's registration only if it is still that one.
        r.forget_sink(1);
        assert_eq!(r.by_job.get(&(a, RegKind::Notify)), Some(&4));
        r.forget_sink(4);
        assert!(!r.by_job.contains_key(&(a, RegKind::Notify)));
        // Removing (None) forgets the sink too.
        r.set(b, RegKind::Notify, None);
        assert!(!r.by_sink.contains_key(&3));
        assert_eq!(r.by_job.len(), 1);
        assert_eq!(r.by_sink.len(), 1);
        assert_eq!(r.by_sink.get(&2), Some(&(a, RegKind::Cert)));
    }
}
