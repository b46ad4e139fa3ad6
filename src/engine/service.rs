//! The service side: one engine serving the clients that connect to its Unix socket.
//!
//! Each connection is checked with `SO_PEERCRED` (only the service's own user is served, except by
//! the system instance, which serves every user as the owner of their jobs), greeted
//! (`wire`), and then served by a reader thread. The connection is a
//! [`Peer`]: callbacks to the client's sinks go out as frames and the calling engine thread waits
//! for the answer, which keeps the in-process rules (in order per job, one at a time per job).
//! Calls are executed on the reader thread, except the few that wait for a transfer (see
//! [`may_block`]), which run on a pool.
//!
//! When a client goes away its calls in flight are forgotten, the callbacks it registered are
//! dropped from its jobs, and its jobs go on. The service exits by itself when no client is
//! connected and no job needs it for `idle_exit`.

use std::collections::HashMap;
use std::io::{self, Write};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, SyncSender};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use parking_lot::Mutex;

use super::client::next_peer_id;
use super::error::SERVICE_FAILED;
use super::job::{Job, JobId, JobState, Owner};
use super::rpc::{self, Callback, Cx, JobInfo, Op, Peer, Reply, Request, PROTOCOL_VERSION};
use super::wire::{self, Hello, ToClient, ToService, Welcome};
use super::{Engine, EngineError, EngineResult};

/// How the service runs.
#[derive(Debug, Clone)]
pub struct ServiceConfig {
    /// The store the engine has open (clients must name the same one).
    pub store: PathBuf,
    /// Exit after this long with no client and no job that needs the service; `None`: never.
    pub idle_exit: Option<Duration>,
    /// The socket file to remove on exit (None when systemd owns the socket).
    pub socket_file: Option<PathBuf>,
    /// The system instance: a root service serving every user (each client is the owner its
    /// `SO_PEERCRED` uid says, and the engine acts as the owner for a job's files). Otherwise
    /// only clients of the service's own uid are served.
    pub system: bool,
}

/// The running service: its engine and the live connections.
pub struct Service {
    engine: Arc<Engine>,
    config: ServiceConfig,
    uid: u32,
    connections: AtomicUsize,
    last_activity: Mutex<Instant>,
    pool: tokio::runtime::Runtime,
    /// The live connections, for telling them of jobs another ended (`ToClient::Ended`).
    sessions: Mutex<Vec<Weak<Session>>>,
    /// The calls that wait ([`may_block`]) of each user, at most [`BLOCKING_PER_USER`] at once.
    lanes: Arc<Lanes>,
}

/// Calls that wait ([`may_block`]) running at once for one user, of the pool's 256 threads: a
/// user who keeps more waiting (many threads each waiting for a download, or a hostile peer on
/// the system instance) waits for its own turns, not for the other users' threads.
const BLOCKING_PER_USER: usize = 32;

/// A call to run on the pool.
type Task = Box<dyn FnOnce() + Send>;

/// Per-user turns for calls that wait: at most `cap` of a user's run at once, the rest wait in
/// order and run on the thread of the one that ended.
struct Lanes {
    cap: usize,
    lanes: Mutex<HashMap<u32, Lane>>,
}

#[derive(Default)]
struct Lane {
    running: usize,
    waiting: std::collections::VecDeque<Task>,
}

impl Lanes {
    fn new(cap: usize) -> Lanes {
        Lanes { cap, lanes: Mutex::new(HashMap::new()) }
    }

    /// `task` back, to be run now (then [`Lanes::next`]), or `None` when it waits its turn.
    fn admit(&self, uid: u32, task: Task) -> Option<Task> {
        let mut lanes = self.lanes.lock();
        let lane = lanes.entry(uid).or_default();
        if lane.running >= self.cap {
            lane.waiting.push_back(task);
            return None;
        }
        lane.running += 1;
        Some(task)
    }

    /// Runs `task` on `pool` in `uid`'s turn: now, or on the thread of an earlier one of the
    /// user's once it ends.
    fn run(self: &Arc<Self>, pool: &tokio::runtime::Runtime, uid: u32, task: Task) {
        let Some(task) = self.admit(uid, task) else { return };
        let lanes = self.clone();
        pool.spawn_blocking(move || {
            let mut task = task;
            loop {
                // A call that panicked still gives its turn back (else the user's lane would
                // stay taken for good).
                if std::panic::catch_unwind(std::panic::AssertUnwindSafe(task)).is_err() {
                    tracing::error!(uid, "a call that waits panicked");
                }
                match lanes.next(uid) {
                    Some(next) => task = next,
                    None => return,
                }
            }
        });
    }

    /// A task of `uid` ended: the next waiting one, to run on the same thread.
    fn next(&self, uid: u32) -> Option<Task> {
        let mut lanes = self.lanes.lock();
        let lane = lanes.get_mut(&uid)?;
        if let Some(task) = lane.waiting.pop_front() {
            return Some(task);
        }
        lane.running = lane.running.saturating_sub(1);
        if lane.running == 0 {
            lanes.remove(&uid);
        }
        None
    }
}

impl Service {
    pub fn new(engine: Arc<Engine>, config: ServiceConfig) -> io::Result<Arc<Service>> {
        let pool = tokio::runtime::Builder::new_current_thread()
            .max_blocking_threads(256)
            .thread_name("deliveryoptd-call")
            .thread_keep_alive(Duration::from_secs(30))
            .build()?;
        Ok(Arc::new(Service {
            engine,
            config,
            uid: crate::abi::os::effective_uid(),
            connections: AtomicUsize::new(0),
            last_activity: Mutex::new(Instant::now()),
            pool,
            sessions: Mutex::new(Vec::new()),
            lanes: Arc::new(Lanes::new(BLOCKING_PER_USER)),
        }))
    }

    /// Serves `listener` until the idle timeout ends the process.
    pub fn run(self: &Arc<Self>, listener: UnixListener) -> io::Result<()> {
        let me = Arc::downgrade(self);
        let store = store_identity(&self.config.store);
        std::thread::Builder::new().name("deliveryoptd-watch".into()).spawn(move || watch_loop(me, store))?;
        for stream in listener.incoming() {
            let stream = match stream {
                Ok(s) => s,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    tracing::error!("accept failed: {e}");
                    std::thread::sleep(Duration::from_millis(100));
                    continue;
                }
            };
            self.connections.fetch_add(1, Ordering::SeqCst);
            let me = self.clone();
            let spawned = std::thread::Builder::new().name("deliveryoptd-conn".into()).spawn(move || {
                me.serve(stream);
                *me.last_activity.lock() = Instant::now();
                me.connections.fetch_sub(1, Ordering::SeqCst);
            });
            if spawned.is_err() {
                self.connections.fetch_sub(1, Ordering::SeqCst);
            }
        }
        Ok(())
    }

    /// Whether some job still needs the service: it is queued or transferring, or waits to retry.
    fn busy(&self) -> bool {
        self.engine.any_job(|s| s.is_active() || s == JobState::TransientError)
    }

    /// One connection, from greeting to close.
    pub(super) fn serve(self: &Arc<Self>, mut stream: UnixStream) {
        let peer_uid = match rustix::net::sockopt::socket_peercred(&stream) {
            Ok(cred) => cred.uid.as_raw(),
            Err(_) => return,
        };
        // The greeting: a peer that is not a deliveryopt client of our version and store is told
        // why (when it can be) and closed.
        let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
        let theirs = match wire::read_prefix(&mut stream) {
            Ok(v) => v,
            Err(_) => return,
        };
        let mut prefix = Vec::new();
        let _ = wire::write_prefix(&mut prefix);
        if stream.write_all(&prefix).is_err() || theirs != PROTOCOL_VERSION {
            // A client of a newer protocol (the library was upgraded while this service ran)
            // gets the store: this service leaves, and the client starts its own. Only a peer
            // that could stop this service anyway may ask: its own user (root, for the system
            // instance). An older client is only refused.
            if theirs > PROTOCOL_VERSION && peer_uid == self.uid {
                self.hand_over(theirs);
            }
            return;
        }
        let mut buf = Vec::new();
        let hello: Hello = match wire::read_frame(&mut stream, &mut buf) {
            Ok(h) => h,
            Err(_) => return,
        };
        let refusal = if peer_uid != self.uid && !self.config.system {
            Some(format!("this service serves uid {} only", self.uid))
        } else if hello.store.as_ref().is_some_and(|s| *s != self.config.store) {
            Some(format!("this service serves the store {}", self.config.store.display()))
        } else {
            None
        };
        let welcome = match &refusal {
            Some(reason) => Welcome::Refused { reason: reason.clone() },
            None => Welcome::Ok { pid: std::process::id() },
        };
        if let Ok(bytes) = wire::encode(&welcome) {
            let _ = stream.write_all(&bytes);
        }
        if refusal.is_some() {
            return;
        }
        let _ = stream.set_read_timeout(None);
        // A client that stops reading (stopped, or stuck) must not hold the engine threads that
        // call it back or release its sinks: a write that waits this long closes the connection.
        let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
        tracing::debug!(peer_uid, "a client connected");
        let Ok(writer) = stream.try_clone() else { return };
        let session = Arc::new(Session {
            id: next_peer_id(),
            engine: self.engine.clone(),
            owner: Owner { uid: peer_uid },
            writer: Mutex::new(writer),
            pinned: Mutex::new(HashMap::new()),
            calls: Mutex::new(HashMap::new()),
            next_call: AtomicU64::new(1),
            closed: AtomicBool::new(false),
            registered: Mutex::new(HashMap::new()),
            service: Arc::downgrade(self),
        });
        {
            let mut all = self.sessions.lock();
            all.retain(|s| s.strong_count() > 0);
            all.push(Arc::downgrade(&session));
        }
        // Buffered: a frame's length and body (and frames a client sent together) come in one
        // read.
        let mut stream = std::io::BufReader::with_capacity(64 << 10, stream);
        let mut pace = wire::Pace::default();
        loop {
            if stream.buffer().is_empty() {
                pace.wait(stream.get_ref(), || self.engine.transfers_running());
            }
            let msg = match wire::read_frame::<ToService>(&mut stream, &mut buf) {
                Ok(m) => m,
                Err(e) => {
                    if e.kind() == io::ErrorKind::InvalidData {
                        // A frame that does not decode: say so, then close.
                        session.refuse("malformed message; closing the connection");
                    }
                    break;
                }
            };
            pace.arrived();
            *self.last_activity.lock() = Instant::now();
            match msg {
                ToService::Call { id, req } => {
                    if !may_block(&req) {
                        session.answer(id, req);
                    } else {
                        let s = session.clone();
                        self.lanes.run(&self.pool, peer_uid, Box::new(move || s.answer(id, req)));
                    }
                }
                ToService::CallbackDone { id, result } => {
                    if let Some(tx) = session.calls.lock().remove(&id) {
                        let _ = tx.send(result);
                    }
                }
                ToService::Release { job, count } => session.release(job, count),
                ToService::Post { job, op } => {
                    if !op.postable() {
                        // No client of ours posts it: a hostile or broken peer.
                        tracing::info!(peer_uid, call = op.name(), "a call that cannot be posted was posted: closing");
                        session.refuse("this call cannot be posted; closing the connection");
                        break;
                    }
                    session.post(job, op)
                }
            }
        }
        session.close();
        tracing::debug!(peer_uid, "a client left");
    }
}

/// Calls that wait for something outside the engine: they run on the pool, so the connection's
/// reader stays free. Every other call is answered on the reader thread, saving a thread switch
/// per call: the engine never makes a call wait for a callback (no engine lock is held while
/// caller code runs, and only callback delivery takes a job's delivery lock), so a call on the
/// reader cannot wait for a callback answer that only the reader could read.
fn may_block(req: &Request) -> bool {
    matches!(req, Request::Job { op: Op::do_wait {}, .. })
}

/// Which directory the store is (device and inode), to notice it being deleted or replaced.
fn store_identity(dir: &std::path::Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(dir).ok().map(|m| (m.dev(), m.ino()))
}

impl Service {
    /// Leaves for a newer service: a client of a newer protocol starts its own. Transfers stop
    /// where they are and go on in the new service from their last checkpoint, as after a crash;
    /// clients still connected here lose their connection (an older program then gets
    /// `ERROR_REVISION_MISMATCH` from the new service).
    fn hand_over(&self, theirs: u32) -> ! {
        tracing::info!(ours = PROTOCOL_VERSION, theirs, "a client of a newer protocol connected");
        self.exit("handing the store over")
    }

    /// Stops the service at the user's or the system's request (SIGTERM, SIGINT): as
    /// [`Service::exit`], so the socket and pid file go and the store is flushed to disk; transfers
    /// continue from their last checkpoint in the next service, as after a hand-over.
    pub fn stop(&self, reason: &str) -> ! {
        self.exit(reason)
    }

    /// Ends the process: the socket (unless systemd owns it) and pid file go first, so a client
    /// arriving now starts a new service, then the store is flushed.
    fn exit(&self, reason: &str) -> ! {
        if let Some(path) = &self.config.socket_file {
            let _ = std::fs::remove_file(path);
            let _ = std::fs::remove_file(path.with_extension("pid"));
        }
        self.engine.flush_store();
        tracing::info!(pid = std::process::id(), "{reason}: exiting");
        std::process::exit(0);
    }
}

/// Ends the process when it has nothing left to do: idle (no client, no job that needs it) for
/// the configured time, or its store directory was deleted or replaced (its jobs are gone; a
/// later client starts a service on the new one).
fn watch_loop(service: Weak<Service>, store: Option<(u64, u64)>) {
    let idle = service.upgrade().and_then(|s| s.config.idle_exit);
    let tick =
        idle.map_or(Duration::from_secs(1), |i| (i / 4).clamp(Duration::from_millis(100), Duration::from_secs(1)));
    loop {
        std::thread::sleep(tick);
        let Some(s) = service.upgrade() else { return };
        let reason = if store_identity(&s.config.store) != store {
            "the job store was deleted or replaced"
        } else if let Some(idle) = idle {
            if s.connections.load(Ordering::SeqCst) > 0 || s.busy() {
                *s.last_activity.lock() = Instant::now();
                continue;
            }
            if s.last_activity.lock().elapsed() < idle {
                continue;
            }
            // Nobody is connected and no job needs us. A client connecting right now finds the
            // socket gone (or its greeting unanswered) and starts a new service.
            "idle"
        } else {
            continue;
        };
        s.exit(reason);
    }
}

/// One client connection, as the engine sees it.
struct Session {
    id: u64,
    engine: Arc<Engine>,
    owner: Owner,
    writer: Mutex<UnixStream>,
    /// Jobs handed to the client, with how many times: they stay reachable (even once final)
    /// until the client releases them or disconnects.
    pinned: Mutex<HashMap<JobId, (Arc<Job>, u64)>>,
    /// Callbacks waiting for the client's answer.
    calls: Mutex<HashMap<u64, SyncSender<Result<(), i32>>>>,
    next_call: AtomicU64,
    closed: AtomicBool,
    /// Jobs on which the client registered callbacks (dropped when it disconnects).
    registered: Mutex<HashMap<JobId, Weak<Job>>>,
    service: Weak<Service>,
}

thread_local! {
    /// The call this thread is executing (its session's id) and the sinks released meanwhile.
    static CALL_RELEASES: std::cell::RefCell<Option<(u64, Vec<u64>)>> = const { std::cell::RefCell::new(None) };
}

/// A job resolved without having been handed out (the client knew its id from an earlier
/// connection): pinned with this count so stray releases do not unpin it.
const STICKY: u64 = 1 << 40;

impl Session {
    fn send(&self, msg: &ToClient) {
        let Ok(bytes) = wire::encode(msg) else { return };
        let mut w = self.writer.lock();
        if w.write_all(&bytes).is_err() {
            let _ = w.shutdown(std::net::Shutdown::Both);
        }
    }

    /// Tells a peer that broke the protocol why its connection is being closed (a reply to no
    /// call: id 0).
    fn refuse(&self, why: &'static str) {
        self.send(&ToClient::Reply {
            id: 0,
            result: Err(EngineError::Protocol(why)),
            released: Vec::new(),
            spin: false,
        });
    }

    fn cx(self: &Arc<Self>) -> Cx {
        Cx { engine: self.engine.clone(), owner: self.owner, peer: self.clone() }
    }

    /// Executes a call and sends its reply, with the sinks released during it.
    fn answer(self: &Arc<Self>, id: u64, req: Request) {
        CALL_RELEASES.with(|r| *r.borrow_mut() = Some((self.id, Vec::new())));
        let result = self.call_caught(req);
        let released = CALL_RELEASES.with(|r| r.borrow_mut().take()).map(|(_, v)| v).unwrap_or_default();
        self.send(&ToClient::Reply {
            id,
            result,
            released,
            spin: wire::room_to_spin(|| self.engine.transfers_running()),
        });
    }

    /// Executes a posted call: nothing is answered (sinks it releases go out as
    /// `ToClient::ReleaseSink`, as outside a call). The client posts only calls that cannot fail
    /// on a job it holds unless the job ended meanwhile; any failure is logged.
    fn post(self: &Arc<Self>, id: JobId, op: Op) {
        let name = op.name();
        if let Err(e) = self.call_caught(Request::Job { id, op }) {
            tracing::debug!(job = %id, call = name, "a posted call failed: {e}");
        }
    }

    /// [`Session::call`] behind a panic boundary: a call that panics (a bug) is logged and
    /// answered with [`SERVICE_FAILED`], and the connection goes on, as the in-process library
    /// answers E_UNEXPECTED and goes on. Without it the connection's thread would end without
    /// an answer and without closing the socket (callbacks registered on it hold it open), and
    /// the client would wait for its reply for ever.
    fn call_caught(self: &Arc<Self>, req: Request) -> Result<Reply, EngineError> {
        let what = match &req {
            Request::Job { op, .. } => op.name(),
            _ => "a manager call",
        };
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.call(req))) {
            Ok(result) => result,
            Err(payload) => {
                let msg = super::error::panic_message(payload.as_ref());
                tracing::error!(call = what, "internal error while making a call: {msg}");
                Err(EngineError::Protocol(SERVICE_FAILED))
            }
        }
    }

    fn call(self: &Arc<Self>, req: Request) -> Result<Reply, EngineError> {
        #[cfg(test)]
        if matches!(&req, Request::CreateJob { name, .. } if name == tests::PANICS) {
            panic!("the test's panic");
        }
        let cx = self.cx();
        match req {
            Request::Job { id, op } => {
                let job = self.resolve(id)?;
                let ends = op.ends_job();
                let out = rpc::execute(&cx, &job, op)?;
                if ends && job.state().is_final() {
                    self.tell_ended(id);
                }
                Ok(Reply::Op(out))
            }
            other => rpc::handle(&cx, other),
        }
    }

    /// `job` became final by a call of this client: the other clients holding it hear so before
    /// the call is answered (so a program told of it by this one finds the job final: see
    /// `ToClient::Ended`).
    fn tell_ended(&self, job: JobId) {
        let Some(service) = self.service.upgrade() else { return };
        let others: Vec<Arc<Session>> = service.sessions.lock().iter().filter_map(Weak::upgrade).collect();
        for s in others {
            if s.id != self.id && !s.closed.load(Ordering::SeqCst) && s.pinned.lock().contains_key(&job) {
                s.send(&ToClient::Ended { job });
            }
        }
    }

    /// The job `id` for this client: one it was handed, or a live job of its own.
    fn resolve(&self, id: JobId) -> EngineResult<Arc<Job>> {
        if let Some((job, _)) = self.pinned.lock().get(&id) {
            return Ok(job.clone());
        }
        let job = self.engine.find_job(id).ok_or(EngineError::NotFound)?;
        if job.owner() != self.owner && !self.owner.is_admin() {
            return Err(EngineError::NotFound);
        }
        self.pinned.lock().entry(id).or_insert_with(|| (job.clone(), 0)).1 += STICKY;
        Ok(job)
    }

    fn release(&self, id: JobId, count: u64) {
        let mut pinned = self.pinned.lock();
        if let Some(e) = pinned.get_mut(&id) {
            e.1 = e.1.saturating_sub(count);
            if e.1 == 0 {
                let gone = pinned.remove(&id);
                drop(pinned);
                drop(gone);
            }
        }
    }

    /// The client is gone: wake the callbacks waiting for it, drop what it registered, unpin.
    fn close(self: &Arc<Self>) {
        self.closed.store(true, Ordering::SeqCst);
        let _ = self.writer.lock().shutdown(std::net::Shutdown::Both);
        let waiting: Vec<_> = self.calls.lock().drain().collect();
        drop(waiting);
        let jobs: Vec<Arc<Job>> = self.registered.lock().drain().filter_map(|(_, w)| w.upgrade()).collect();
        for job in jobs {
            rpc::drop_registrations(&job, self.as_ref());
        }
        let pinned: Vec<_> = self.pinned.lock().drain().collect();
        drop(pinned);
    }
}

impl Peer for Session {
    fn peer_id(&self) -> u64 {
        self.id
    }

    fn job_info(&self, job: &Arc<Job>) -> JobInfo {
        self.pinned.lock().entry(job.id()).or_insert_with(|| (job.clone(), 0)).1 += 1;
        JobInfo::of(job)
    }

    fn callback(&self, sink: u64, job: Option<&Arc<Job>>, cb: Callback) -> Result<(), i32> {
        if self.closed.load(Ordering::SeqCst) {
            return Err(rpc::DISCONNECTED);
        }
        let id = self.next_call.fetch_add(1, Ordering::Relaxed);
        let (tx, rx) = sync_channel(1);
        self.calls.lock().insert(id, tx);
        let job = job.map(|j| self.job_info(j));
        self.send(&ToClient::Callback { id, sink, job, cb });
        if self.closed.load(Ordering::SeqCst) {
            self.calls.lock().remove(&id);
        }
        rx.recv().unwrap_or(Err(rpc::DISCONNECTED))
    }

    fn release_sink(&self, sink: u64) {
        // Released by a call of this client on this thread: the reply carries it.
        let in_call = CALL_RELEASES.with(|r| match r.borrow_mut().as_mut() {
            Some((peer, list)) if *peer == self.id => {
                list.push(sink);
                true
            }
            _ => false,
        });
        if !in_call && !self.closed.load(Ordering::SeqCst) {
            self.send(&ToClient::ReleaseSink { sink });
        }
    }

    fn registered(&self, job: &Arc<Job>) {
        self.registered.lock().insert(job.id(), Arc::downgrade(job));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    /// A job name that makes the call panic in the service (tests only).
    pub(super) const PANICS: &str = "\u{1}panic in this call";

    /// A call that panics in the service is answered (E_UNEXPECTED on the client's side), and
    /// the connection goes on: the next call is made.
    #[test]
    fn a_call_that_panics_is_answered_and_the_connection_goes_on() {
        use std::io::Write as _;
        let mut config = super::super::Config::from_env(None);
        config.store = None;
        let engine = Engine::new(config).unwrap();
        let service = Service::new(
            engine,
            ServiceConfig { store: "/nonexistent".into(), idle_exit: None, socket_file: None, system: false },
        )
        .unwrap();
        let (mine, theirs) = UnixStream::pair().unwrap();
        let served = {
            let service = service.clone();
            std::thread::spawn(move || service.serve(theirs))
        };
        mine.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
        let (mut w, mut r, mut buf) = (&mine, &mine, Vec::new());
        wire::write_prefix(&mut w).unwrap();
        w.write_all(&wire::encode(&Hello { store: None }).unwrap()).unwrap();
        assert_eq!(wire::read_prefix(&mut r).unwrap(), PROTOCOL_VERSION);
        assert!(matches!(wire::read_frame::<Welcome>(&mut r, &mut buf).unwrap(), Welcome::Ok { .. }));
        let mut create = |id: u64, name: &str| -> Result<Reply, EngineError> {
            let req =
                Request::CreateJob { name: name.into(), job_type: super::super::JobType::Download, do_legacy: false };
            w.write_all(&wire::encode(&ToService::Call { id, req }).unwrap()).unwrap();
            match wire::read_frame::<ToClient>(&mut r, &mut buf).expect("an answer, not a hang") {
                ToClient::Reply { id: got, result, .. } if got == id => result,
                other => panic!("not the reply: {other:?}"),
            }
        };
        let err = create(1, PANICS).expect_err("the panicking call fails");
        assert_eq!(err, EngineError::Protocol(SERVICE_FAILED));
        assert_eq!(crate::interfaces::hresult_map::map_error(&err), crate::abi::hresult::E_UNEXPECTED);
        assert!(matches!(create(2, "next"), Ok(Reply::Job(_))), "the connection goes on");
        mine.shutdown(std::net::Shutdown::Both).unwrap();
        served.join().expect("the connection's thread ends normally");
    }

    #[test]
    fn a_users_waiting_calls_run_at_most_cap_at_once_and_the_rest_in_order() {
        let lanes = Lanes::new(2);
        let ran = Arc::new(Mutex::new(Vec::new()));
        let task = |n: usize| -> Task {
            let ran = ran.clone();
            Box::new(move || ran.lock().push(n))
        };
        // Two of user 7 run at once; the third and fourth wait. Another user is not held up.
        let a = lanes.admit(7, task(1)).expect("first runs");
        let b = lanes.admit(7, task(2)).expect("second runs");
        assert!(lanes.admit(7, task(3)).is_none(), "third waits");
        assert!(lanes.admit(7, task(4)).is_none(), "fourth waits");
        let other = lanes.admit(8, task(80)).expect("another user's runs");
        a();
        // The thread that ran the first takes the waiting ones, in order.
        let next = lanes.next(7).expect("the third");
        next();
        b();
        let next = lanes.next(7).expect("the fourth");
        next();
        assert!(lanes.next(7).is_none());
        assert!(lanes.next(7).is_none(), "the last one out");
        other();
        assert!(lanes.next(8).is_none());
        assert!(lanes.lanes.lock().is_empty(), "no lane is left behind");
        assert_eq!(*ran.lock(), [1, 3, 2, 4, 80]);
        // Room again for user 7.
        assert!(lanes.admit(7, task(5)).is_some());
    }

    #[test]
    fn no_more_than_cap_of_a_users_waiting_calls_run_on_the_pool() {
        let pool = tokio::runtime::Builder::new_current_thread().max_blocking_threads(16).build().unwrap();
        let lanes = Arc::new(Lanes::new(3));
        let now = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let done = Arc::new(AtomicUsize::new(0));
        for _ in 0..12 {
            let (now, most, done) = (now.clone(), most.clone(), done.clone());
            let task: Task = Box::new(move || {
                let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(n, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(20));
                now.fetch_sub(1, Ordering::SeqCst);
                done.fetch_add(1, Ordering::SeqCst);
            });
            lanes.run(&pool, 1, task);
        }
        let t = Instant::now();
        while done.load(Ordering::SeqCst) < 12 {
            assert!(t.elapsed() < Duration::from_secs(10), "the waiting calls did not all run");
            std::thread::sleep(Duration::from_millis(5));
        }
        // (Not `== 3`: on a loaded machine a thread may start after another's 20 ms.)
        assert!(most.load(Ordering::SeqCst) <= 3, "{} ran at once", most.load(Ordering::SeqCst));
    }

    #[test]
    fn a_waiting_call_that_panics_gives_its_turn_back() {
        let pool = tokio::runtime::Builder::new_current_thread().max_blocking_threads(4).build().unwrap();
        let lanes = Arc::new(Lanes::new(1));
        let ran = Arc::new(AtomicUsize::new(0));
        lanes.run(&pool, 1, Box::new(|| panic!("a call that waits, panicking (expected by this test)")));
        let r = ran.clone();
        lanes.run(
            &pool,
            1,
            Box::new(move || {
                r.fetch_add(1, Ordering::SeqCst);
            }),
        );
        let t = Instant::now();
        while ran.load(Ordering::SeqCst) == 0 {
            assert!(t.elapsed() < Duration::from_secs(10), "the call after the panic never ran");
            std::thread::sleep(Duration::from_millis(5));
        }
        while !lanes.lanes.lock().is_empty() {
            assert!(t.elapsed() < Duration::from_secs(10), "the lane was left taken");
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}
