//! The client side of the service: finding (and starting) the user's `deliveryoptd`, and the
//! [`RemoteLink`] that carries a [`Client`]'s calls over its Unix socket.
//!
//! Where things are, for a job store `S`:
//! - the runtime directory `R`: `$DELIVERYOPT_RUNTIME_DIR`, else `$XDG_RUNTIME_DIR/deliveryopt`,
//!   else `/tmp/deliveryopt-<uid>`; created mode 0700 and refused unless it is ours and private;
//! - the socket: `R/service.sock` for the user's default store, `R/store-<hash of S>.sock` for any
//!   other (each store has its own service, so a program given its own store directory gets its
//!   own service);
//! - next to the socket: `.lock` (held while a client starts the service), `.log` (the service's
//!   stderr) and `.pid`.
//!
//! A client that finds no service takes the lock, looks again, and if still none starts
//! `deliveryoptd --daemonize` and waits until it listens: two racing clients start one service.
//!
//! The system instance (`deliveryoptd --system`, root, serving every user) listens on
//! `$DELIVERYOPT_SYSTEM_SOCKET`, else `/run/deliveryopt/system.sock`, in a directory that only
//! root may write to; only root clients start it on demand (for the others it is a system unit's
//! job). Either way a client checks the uid of the process that answers (`SO_PEERCRED`): its own
//! for a user's service, root for the system instance.

use std::collections::HashMap;
use std::io::{self, Write};
use std::os::unix::fs::{DirBuilderExt, MetadataExt, PermissionsExt};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::{Duration, Instant};

use once_cell::sync::Lazy;
use parking_lot::{Condvar, Mutex};

use super::client::{Answer, Client, JobHandle, Link, RegKind, StartError};
use super::job::JobId;
use super::rpc::{Op, Out, Reply, Request, PROTOCOL_VERSION};
use super::wire::{self, Hello, ToClient, ToService, Welcome};
use super::{EngineError, EngineResult, StoreError};

/// A service to talk to: its socket and the store it serves.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub socket: PathBuf,
    /// The store the service must have; `None` for the system instance (whichever it has).
    pub store: Option<PathBuf>,
    /// The system instance: served by root, started with `--system`.
    pub system: bool,
}

/// The system instance's socket when `DELIVERYOPT_SYSTEM_SOCKET` does not name another.
pub const SYSTEM_SOCKET: &str = "/run/deliveryopt/system.sock";

/// The system instance's job store when `--state-dir` does not name another.
pub const SYSTEM_STORE: &str = "/var/lib/deliveryopt";

/// The runtime directory (see the module docs).
pub fn runtime_dir() -> PathBuf {
    let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    env("DELIVERYOPT_RUNTIME_DIR")
        .or_else(|| env("XDG_RUNTIME_DIR").map(|d| d.join("deliveryopt")))
        .unwrap_or_else(|| std::env::temp_dir().join(format!("deliveryopt-{}", crate::abi::os::effective_uid())))
}

/// The user's default store, as it is without `DELIVERYOPT_STATE_DIR`.
fn default_store() -> Option<PathBuf> {
    let env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty()).map(PathBuf::from);
    env("XDG_STATE_HOME")
        .map(|d| d.join("deliveryopt"))
        .or_else(|| env("HOME").map(|h| h.join(".local/state/deliveryopt")))
}

impl Target {
    /// The service of `store`, in the runtime directory.
    pub fn for_store(store: PathBuf) -> Target {
        let name = if default_store().as_deref() == Some(store.as_path()) {
            "service.sock".to_string()
        } else {
            use sha1::Digest;
            let digest = sha1::Sha1::digest(store.as_os_str().as_encoded_bytes());
            let hex: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
            format!("store-{hex}.sock")
        };
        Target { socket: socket_path(&runtime_dir(), &name), store: Some(store), system: false }
    }

    /// The system instance: `$DELIVERYOPT_SYSTEM_SOCKET` or [`SYSTEM_SOCKET`].
    pub fn system() -> Target {
        let socket = std::env::var_os("DELIVERYOPT_SYSTEM_SOCKET")
            .filter(|v| !v.is_empty())
            .map_or_else(|| PathBuf::from(SYSTEM_SOCKET), PathBuf::from);
        Target { socket, store: None, system: true }
    }

    /// The uid the service must run as.
    fn service_uid(&self) -> u32 {
        if self.system {
            0
        } else {
            crate::abi::os::effective_uid()
        }
    }

    /// Creates the socket's directory: private to the user (0700), or for the system instance
    /// root's and readable by all (0755).
    pub fn ensure_dir(&self) -> io::Result<()> {
        let dir = self.socket.parent().unwrap_or(Path::new("/"));
        if self.system {
            ensure_system_dir(dir)
        } else {
            ensure_private_dir(dir)
        }
    }

    fn sibling(&self, ext: &str) -> PathBuf {
        self.socket.with_extension(ext)
    }

    /// The lock two starting clients take.
    pub fn lock_path(&self) -> PathBuf {
        self.sibling("lock")
    }

    /// The service's stderr.
    pub fn log_path(&self) -> PathBuf {
        self.sibling("log")
    }

    /// The service's pid, written when it listens.
    pub fn pid_path(&self) -> PathBuf {
        self.sibling("pid")
    }
}

/// Longest socket path (`sun_path` holds 108 bytes with the NUL).
const MAX_SOCKET_PATH: usize = 107;

/// `dir/name`, or, when that is too long for a Unix socket, `name` in `/tmp/deliveryopt-<uid>`
/// (every client with the same environment computes the same place).
fn socket_path(dir: &Path, name: &str) -> PathBuf {
    let p = dir.join(name);
    if p.as_os_str().len() <= MAX_SOCKET_PATH {
        return p;
    }
    PathBuf::from(format!("/tmp/deliveryopt-{}", crate::abi::os::effective_uid())).join(name)
}

/// Creates the runtime directory (0700) and checks that it is ours and private: a directory
/// another user could write to would let them put their own socket in our path.
pub fn ensure_private_dir(dir: &Path) -> io::Result<()> {
    match std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    let md = std::fs::symlink_metadata(dir)?;
    if !md.is_dir() || md.uid() != crate::abi::os::effective_uid() {
        return Err(io::Error::new(io::ErrorKind::PermissionDenied, "the runtime directory is not ours"));
    }
    if md.permissions().mode() & 0o077 != 0 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Creates the system instance's socket directory (0755) and checks that only root may write to
/// it, so no other user can put a socket of their own in its place.
pub fn ensure_system_dir(dir: &Path) -> io::Result<()> {
    match std::fs::DirBuilder::new().recursive(true).mode(0o755).create(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(e),
    }
    let md = std::fs::symlink_metadata(dir)?;
    if !md.is_dir() || md.uid() != 0 || md.permissions().mode() & 0o022 != 0 {
        return Err(io::Error::new(
            io::ErrorKind::PermissionDenied,
            "the system socket's directory must be root's and writable by root only",
        ));
    }
    Ok(())
}

/// Why a handshake did not give a connection.
enum Failed {
    /// No service listens (or it closed before answering): start one.
    NoService,
    /// A service answered and refused: starting another would not help.
    Refused(EngineError),
    /// A service of an older protocol answered (the library was upgraded while it ran): it
    /// hands the store over and leaves, if it knows how (see [`open`]).
    Older(u32),
}

fn handshake(t: &Target) -> Result<UnixStream, Failed> {
    let mut s = UnixStream::connect(&t.socket).map_err(|_| Failed::NoService)?;
    // Whoever listens must be the service's user: ourselves, or root for the system instance.
    match rustix::net::sockopt::socket_peercred(&s) {
        Ok(cred) if cred.uid.as_raw() == t.service_uid() => {}
        Ok(_) => {
            return Err(Failed::Refused(EngineError::ServiceStart(
                "the process on the service's socket runs as another user",
            )))
        }
        Err(_) => return Err(Failed::NoService),
    }
    // A process that takes the connection and never answers (stopped, hung) must not hold the
    // caller for ever.
    s.set_read_timeout(Some(HANDSHAKE_TIMEOUT)).map_err(|_| Failed::NoService)?;
    let hello = wire::encode(&Hello { store: t.store.clone() }).map_err(|_| Failed::NoService)?;
    let mut out = Vec::with_capacity(8 + hello.len());
    wire::write_prefix(&mut out).map_err(|_| Failed::NoService)?;
    out.extend_from_slice(&hello);
    s.write_all(&out).map_err(|_| Failed::NoService)?;
    let theirs = wire::read_prefix(&mut s).map_err(|_| Failed::NoService)?;
    if theirs < PROTOCOL_VERSION {
        return Err(Failed::Older(theirs));
    }
    if theirs != PROTOCOL_VERSION {
        return Err(Failed::Refused(EngineError::ProtocolMismatch(theirs, PROTOCOL_VERSION)));
    }
    match wire::read_frame::<Welcome>(&mut s, &mut Vec::new()) {
        Ok(Welcome::Ok { .. }) => {
            s.set_read_timeout(None).map_err(|_| Failed::NoService)?;
            Ok(s)
        }
        Ok(Welcome::Refused { reason }) => {
            Err(Failed::Refused(EngineError::ServiceStart(super::error::static_str::intern(&reason))))
        }
        Err(_) => Err(Failed::NoService),
    }
}

/// Where `deliveryoptd` is: `$DELIVERYOPT_DAEMON`, else next to this library or program (also
/// in `../libexec`, `../bin`, `../../bin` and the parent directory), else on `$PATH`.
pub fn daemon_program() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("DELIVERYOPT_DAEMON").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let mut bases: Vec<PathBuf> = Vec::new();
    for p in [crate::abi::os::library_path(), std::env::current_exe().ok()].into_iter().flatten() {
        if let Some(d) = p.canonicalize().ok().as_deref().and_then(Path::parent) {
            bases.push(d.to_path_buf());
        }
    }
    for base in &bases {
        // ../../bin: a library in a multiarch directory (lib/x86_64-linux-gnu).
        for rel in [
            "deliveryoptd",
            "../libexec/deliveryoptd",
            "../bin/deliveryoptd",
            "../../bin/deliveryoptd",
            "../deliveryoptd",
        ] {
            let p = base.join(rel);
            if is_executable(&p) {
                return Some(p);
            }
        }
    }
    std::env::var_os("PATH")
        .and_then(|path| std::env::split_paths(&path).map(|d| d.join("deliveryoptd")).find(|p| is_executable(p)))
}

fn is_executable(p: &Path) -> bool {
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Exit codes of `deliveryoptd --daemonize` (the parent reports the child's start).
pub mod exit_code {
    pub const READY: u8 = 0;
    pub const FAILED: u8 = 1;
    pub const USAGE: u8 = 2;
    pub const STORE_LOCKED: u8 = 3;
    pub const STORE_NEWER: u8 = 4;
    pub const STORE_IO: u8 = 5;
    pub const SOCKET: u8 = 6;
}

/// Starts the service of `t` and waits until it listens (or failed).
fn start_service(t: &Target) -> Result<(), StartError> {
    let program = daemon_program().ok_or(StartError::Service(EngineError::ServiceStart(
        "deliveryoptd was not found (set DELIVERYOPT_DAEMON, or install it next to the library)",
    )))?;
    let mut cmd = std::process::Command::new(&program);
    cmd.arg("--daemonize");
    if t.system {
        cmd.arg("--system");
    }
    if let Some(store) = &t.store {
        cmd.arg("--state-dir").arg(store);
    }
    let store = t.store.clone().unwrap_or_else(|| PathBuf::from(SYSTEM_STORE));
    let status = cmd
        .arg("--socket")
        .arg(&t.socket)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .map_err(|_| StartError::Service(EngineError::ServiceStart("deliveryoptd could not be run")))?;
    let code = status.code().unwrap_or(i32::from(exit_code::FAILED));
    match u8::try_from(code).unwrap_or(exit_code::FAILED) {
        exit_code::READY => Ok(()),
        exit_code::STORE_LOCKED => Err(StartError::Store(StoreError::Locked(store))),
        exit_code::STORE_NEWER => Err(StartError::Store(StoreError::NewerFormat { path: store, found: 0 })),
        exit_code::STORE_IO => {
            Err(StartError::Store(StoreError::Io { path: store, reason: "see the service log".into() }))
        }
        _ => Err(StartError::Service(EngineError::ServiceStart("deliveryoptd failed to start (see its log)"))),
    }
}

/// How long a client waits for the service to answer its greeting.
const HANDSHAKE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// How long a client waits for a service of an older protocol to hand its store over.
const HANDOVER_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// The handshake with the service of `t`: `Some` connection, or `None` when no service answers
/// (start one). A service of an older protocol is given [`HANDOVER_WAIT`] to leave (a service
/// greeted by a newer client hands the store over and exits; those from before that rule only
/// refuse it): `None` once it has, else `ERROR_REVISION_MISMATCH`.
fn greet(t: &Target) -> Result<Option<UnixStream>, StartError> {
    let started = std::time::Instant::now();
    loop {
        match handshake(t) {
            Ok(s) => return Ok(Some(s)),
            Err(Failed::NoService) => return Ok(None),
            Err(Failed::Refused(e)) => return Err(StartError::Service(e)),
            Err(Failed::Older(theirs)) if started.elapsed() >= HANDOVER_WAIT => {
                return Err(StartError::Service(EngineError::ProtocolMismatch(theirs, PROTOCOL_VERSION)))
            }
            Err(Failed::Older(_)) => std::thread::sleep(std::time::Duration::from_millis(50)),
        }
    }
}

/// A connection to the service of `t`, starting the service when none answers.
pub fn open(t: &Target) -> Result<UnixStream, StartError> {
    if let Some(s) = greet(t)? {
        return Ok(s);
    }
    if t.system && crate::abi::os::effective_uid() != 0 {
        // Only root may start it; for everyone else it is started by its system unit.
        return Err(StartError::Service(EngineError::ServiceStart(
            "the system service is not running (start deliveryoptd-system.socket, or deliveryoptd --system as root)",
        )));
    }
    t.ensure_dir()
        .map_err(|_| StartError::Service(EngineError::ServiceStart("the runtime directory cannot be used")))?;
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(t.lock_path())
        .map_err(|_| StartError::Service(EngineError::ServiceStart("the start lock cannot be opened")))?;
    rustix::fs::flock(&lock, rustix::fs::FlockOperation::LockExclusive)
        .map_err(|_| StartError::Service(EngineError::ServiceStart("the start lock cannot be taken")))?;
    // A service that is exiting (idle) may still hold the socket for a moment: a few tries.
    let mut last = StartError::Service(EngineError::ServiceStart("the service did not answer"));
    for _ in 0..3 {
        if let Some(s) = greet(t)? {
            return Ok(s);
        }
        if let Err(e) = start_service(t) {
            last = e;
            if matches!(last, StartError::Store(StoreError::Locked(_))) {
                std::thread::sleep(std::time::Duration::from_millis(200));
                continue;
            }
            return Err(last);
        }
        if let Some(s) = greet(t)? {
            return Ok(s);
        }
    }
    Err(last)
}

/// The process-wide client of the service of `t`.
pub fn connect_client(t: Target) -> Result<Arc<Client>, StartError> {
    let stream = open(&t)?;
    let mut first = Some(stream);
    let mut failure = None;
    let client = Client::remote(|weak| {
        let link = RemoteLink { target: t, client: weak, conn: Mutex::new(None), posts: Mutex::default() };
        match link.attach(first.take().expect("one stream")) {
            Ok(conn) => *link.conn.lock() = Some(conn),
            Err(e) => failure = Some(e),
        }
        Box::new(link)
    });
    match failure {
        Some(e) => Err(StartError::Service(e)),
        None => Ok(client),
    }
}

/// Callbacks of the service run on these threads (a callback may call back into the library,
/// whose reply the connection's reader thread must be free to receive).
static CALLBACK_THREADS: Lazy<Option<tokio::runtime::Runtime>> = Lazy::new(|| {
    tokio::runtime::Builder::new_current_thread()
        .max_blocking_threads(64)
        .thread_name("deliveryopt-callback")
        .thread_keep_alive(std::time::Duration::from_secs(10))
        .build()
        .ok()
});

fn on_callback_thread(f: impl FnOnce() + Send + 'static) {
    match CALLBACK_THREADS.as_ref() {
        Some(rt) => {
            rt.spawn_blocking(f);
        }
        // Never inline: the caller may hold the connection's reading turn.
        None => {
            let _ = std::thread::Builder::new().name("deliveryopt-callback".into()).spawn(f);
        }
    }
}

/// One connection to the service.
///
/// Whoever waits for a reply reads the socket itself when nobody else is reading, so a call costs
/// the two thread switches of the round trip and no hand-over from a reader thread. The reader
/// thread waits (in `poll`, without taking the socket) until there is something to read, and
/// reads it only when no call is in progress: it hears the callbacks that come while the program
/// makes no calls. While calls follow each other (less than [`READER_GRACE`] apart) it stays off
/// the socket, so replies do not wake it; a callback then waits at most that long to be read.
struct Conn {
    writer: Mutex<UnixStream>,
    /// The read side; used by whoever has set `State::reading`.
    reader: Mutex<UnixStream>,
    state: Mutex<State>,
    /// Wakes callers waiting for a reply or for their turn to read.
    cv: Condvar,
    /// The reader thread's wait between its looks: apart from `cv`, so that the reads of calls
    /// do not wake it (a thread switch and futex calls per call); woken when the connection closes.
    reader_cv: Condvar,
    next_id: AtomicU64,
    /// Messages written (under `writer`'s lock): the place of each in the connection's order.
    written: AtomicU64,
    /// Which connection of the client this is (see [`Posted`]).
    generation: u64,
    dead: AtomicBool,
    client: Weak<Client>,
    /// How long replies have been taking, by kind of call (moving averages, nanoseconds; see
    /// [`call_kind`]).
    reply_ns: [AtomicU64; KINDS],
    /// The last reply said the service has room for a client that spins.
    may_spin: AtomicBool,
}

/// A reply and the sinks to release before it is returned.
type Answered = (Result<Reply, EngineError>, Vec<u64>);

/// What reading one frame gave: a reply (with its call's id), nothing for the caller (a
/// callback, handed to a callback thread), or `Err` for a broken connection.
type Frame = Result<Option<(u64, Answered)>, ()>;

struct State {
    /// Somebody is reading a frame.
    reading: bool,
    /// Calls waiting for their reply.
    active: usize,
    /// When the last call ended.
    last_call: Instant,
    /// Replies read by somebody else, for their callers.
    replies: HashMap<u64, Answered>,
}

impl Conn {
    /// Writes one message; returns its place in the connection's order.
    fn send(&self, msg: &ToService) -> io::Result<u64> {
        let bytes = wire::encode(msg)?;
        let mut w = self.writer.lock();
        w.write_all(&bytes)?;
        Ok(self.written.fetch_add(1, Ordering::Relaxed) + 1)
    }

    /// Marks the connection dead and shuts its socket (waking whoever waits on it). False when it
    /// already was.
    fn shut(&self) -> bool {
        if self.dead.swap(true, Ordering::SeqCst) {
            return false;
        }
        let _ = self.writer.lock().shutdown(std::net::Shutdown::Both);
        let _g = self.state.lock();
        self.cv.notify_all();
        self.reader_cv.notify_all();
        true
    }

    fn close(&self) {
        if !self.shut() {
            return;
        }
        // The service's registrations died with the connection. Stream sinks are released; the
        // callbacks are registered again with a new service, started now (on a callback thread:
        // a caller's Release may call back in, and a start takes a while).
        if let Some(client) = self.client.upgrade() {
            on_callback_thread(move || {
                // Posts the service may not have made are written again to the new one, too.
                if client.engine_lost() | client.unsettled() {
                    client.revive();
                }
            });
        }
    }

    /// How long a caller spins for its reply before it sleeps: twice the usual reply time, while
    /// replies come within [`wire::spin_budget`] and the service says it has room for spinning
    /// clients (see [`wire::Pace`]); none when they take longer (the service is busy,
    /// and on a small machine the spinning would take the CPU it needs). Replies are still timed
    /// then, so spinning comes back when they are quick again.
    fn spin_for(&self, kind: usize) -> Duration {
        let budget = wire::spin_budget();
        let usual = Duration::from_nanos(self.reply_ns[kind].load(Ordering::Relaxed));
        if usual < budget && self.may_spin.load(Ordering::Relaxed) {
            (usual * 2).min(budget)
        } else {
            Duration::ZERO
        }
    }

    /// Counts one reply's time into the average that [`Conn::spin_for`] uses.
    fn reply_took(&self, kind: usize, took: Duration) {
        let ns = u64::try_from(took.as_nanos()).unwrap_or(u64::MAX).min(1_000_000_000);
        let old = self.reply_ns[kind].load(Ordering::Relaxed);
        self.reply_ns[kind].store(old - old / 8 + ns / 8, Ordering::Relaxed);
    }

    /// Reads one frame and handles it: callbacks go to the callback threads, a reply is returned.
    /// `Err` when the connection is gone.
    /// `spin`: a caller waiting for the reply to a call of this kind spins a moment before it
    /// sleeps in `read` (see [`Conn::spin_for`]); the reader thread never does.
    fn read_one(self: &Arc<Self>, spin: Option<usize>) -> Frame {
        let msg = {
            let mut r = self.reader.lock();
            if let Some(kind) = spin {
                wire::spin_readable(&*r, self.spin_for(kind));
            }
            let mut buf = Vec::new();
            wire::read_frame::<ToClient>(&mut *r, &mut buf).map_err(|_| ())?
        };
        match msg {
            ToClient::Reply { id, result, released, spin } => {
                self.may_spin.store(spin, Ordering::Relaxed);
                return Ok(Some((id, (result, released))));
            }
            ToClient::Callback { id, sink, job, cb } => {
                let Some(client) = self.client.upgrade() else { return Err(()) };
                let conn = self.clone();
                let handle = job.map(|info| client.remote_handle(info));
                on_callback_thread(move || {
                    let result = client.deliver(sink, handle.as_ref(), cb);
                    drop(handle);
                    let _ = conn.send(&ToService::CallbackDone { id, result });
                });
            }
            ToClient::ReleaseSink { sink } => {
                let Some(client) = self.client.upgrade() else { return Err(()) };
                on_callback_thread(move || client.release_sink(sink));
            }
            ToClient::Ended { job } => {
                let Some(client) = self.client.upgrade() else { return Err(()) };
                if let Some(handle) = client.job_ended(job) {
                    on_callback_thread(move || drop(handle));
                }
            }
        }
        Ok(None)
    }

    /// Whether everything the service sent has been read (so a job another program ended is
    /// known as ended here: see `ToClient::Ended`): reads what is waiting when nobody else is
    /// reading. False while another thread reads (what it reads is not known yet).
    fn caught_up(self: &Arc<Self>) -> bool {
        let mut g = self.state.lock();
        loop {
            if g.reading || self.dead.load(Ordering::SeqCst) {
                return false;
            }
            if !wire::readable_now(&*self.reader.lock()) {
                return true;
            }
            (g, _) = self.read_turn(g, None);
        }
    }

    /// Reads (in turn with the others) until the reply to `id` is there.
    fn wait_reply(self: &Arc<Self>, id: u64, kind: usize) -> Answered {
        let mut g = self.state.lock();
        loop {
            if let Some(r) = g.replies.remove(&id) {
                return r;
            }
            if self.dead.load(Ordering::SeqCst) {
                return (Err(EngineError::ServiceLost), Vec::new());
            }
            if g.reading {
                self.cv.wait(&mut g);
                continue;
            }
            let mine;
            (g, mine) = self.read_turn(g, Some((id, kind)));
            if let Some(r) = mine {
                return r;
            }
            // Else another reply, a callback, or a broken connection (seen as `dead` above).
        }
    }

    /// The reader thread: reads what comes while no call is in progress, until the connection
    /// ends.
    fn reader_loop(self: Arc<Self>) {
        // A clone of the socket to wait on, so that waiting never holds `reader`.
        let Ok(watch) = self.reader.lock().try_clone() else { return };
        loop {
            // Off the socket while calls are being made.
            if !self.reader_turn(&mut self.state.lock()) {
                return;
            }
            let mut fds = [rustix::event::PollFd::new(&watch, rustix::event::PollFlags::IN)];
            match rustix::event::poll(&mut fds, None) {
                Ok(_) | Err(rustix::io::Errno::INTR) => {}
                Err(_) => {
                    self.close();
                    return;
                }
            }
            let mut g = self.state.lock();
            // A call that started meanwhile reads for itself (and for us).
            if !self.reader_turn(&mut g) {
                return;
            }
            // What woke us may have been read meanwhile.
            if !wire::readable_now(&watch) {
                continue;
            }
            drop(self.read_turn(g, None));
        }
    }

    /// Reads one frame in the reading role (taken here, under `g`, and given back after), and
    /// wakes whoever waits: somebody may have to read next, or has a reply now. Returns the reply
    /// to `want`; another reply is kept for its caller; a broken connection is closed.
    fn read_turn<'a>(
        self: &'a Arc<Self>,
        mut g: parking_lot::MutexGuard<'a, State>,
        want: Option<(u64, usize)>,
    ) -> (parking_lot::MutexGuard<'a, State>, Option<Answered>) {
        g.reading = true;
        drop(g);
        let got = self.read_one(want.map(|(_, kind)| kind));
        let want = want.map(|(id, _)| id);
        let mut g = self.state.lock();
        g.reading = false;
        self.cv.notify_all();
        match got {
            Ok(Some((rid, answer))) if Some(rid) == want => return (g, Some(answer)),
            Ok(Some((rid, answer))) => {
                g.replies.insert(rid, answer);
            }
            Ok(None) => {}
            Err(()) => {
                drop(g);
                self.close();
                g = self.state.lock();
            }
        }
        (g, None)
    }

    /// Waits until no call is in progress and none has ended for [`READER_GRACE`] (one is likely
    /// to follow a call that just ended). False when the connection is gone.
    fn reader_turn(&self, g: &mut parking_lot::MutexGuard<'_, State>) -> bool {
        loop {
            if self.dead.load(Ordering::SeqCst) {
                return false;
            }
            let idle = g.last_call.elapsed();
            if !g.reading && g.active == 0 && idle >= READER_GRACE {
                return true;
            }
            // Not woken when a call ends (that would cost a thread switch per call): it looks
            // again after the grace period.
            let busy = g.reading || g.active > 0;
            self.reader_cv.wait_for(g, if busy { READER_GRACE } else { READER_GRACE - idle });
        }
    }
}

/// Kinds of call whose reply times are kept apart ([`call_kind`]).
const KINDS: usize = 64;

/// Which reply-time average a call counts in: calls of one name take alike (a Complete that
/// stops a transfer takes far longer than a GetState), so each is timed on its own (names that
/// share a slot share an average, which only makes spinning less exact).
fn call_kind(req: &Request) -> usize {
    let name = match req {
        Request::Job { op, .. } => op.name(),
        Request::CreateJob { .. } => "CreateJob",
        Request::GetJob { .. } => "GetJob",
        Request::Jobs { .. } => "Jobs",
        Request::CreateDownload => "CreateDownload",
        Request::Downloads => "Downloads",
    };
    // FNV-1a over the name.
    let h = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    (h % KINDS as u64) as usize
}

/// How long after the last call the reader thread stays off the socket.
const READER_GRACE: Duration = Duration::from_micros(500);

/// A [`Client`]'s calls, over the service's socket.
pub struct RemoteLink {
    target: Target,
    client: Weak<Client>,
    conn: Mutex<Option<Arc<Conn>>>,
    /// Posted calls the service may not have read yet (see [`Posted`]), oldest first.
    posts: Mutex<std::collections::VecDeque<Posted>>,
}

/// A posted call (`ToService::Post`) that no later reply has confirmed yet. The service handles
/// a connection's messages in order, so the reply to any call written after the post says the
/// post was made. Until then it is kept: should the connection break, it is written again
/// (first thing) on the next one, so a post the program was told had succeeded is not lost
/// with a service that died before reading it. (Registrations are not kept here: they are made
/// again from the client's list.)
struct Posted {
    /// The connection it went out on, and its place there.
    generation: u64,
    seq: u64,
    job: JobId,
    frame: Vec<u8>,
}

/// Posts kept unconfirmed at most: the next post waits for a reply (one round trip).
const MAX_UNCONFIRMED: usize = 1024;

/// Numbers the connections of this process.
static GENERATIONS: AtomicU64 = AtomicU64::new(1);

impl RemoteLink {
    /// Takes a connected stream into use: starts its reader thread.
    fn attach(&self, stream: UnixStream) -> EngineResult<Arc<Conn>> {
        let reader = stream.try_clone().map_err(|_| EngineError::ServiceLost)?;
        let conn = Arc::new(Conn {
            writer: Mutex::new(stream),
            reader: Mutex::new(reader),
            state: Mutex::new(State { reading: false, active: 0, last_call: Instant::now(), replies: HashMap::new() }),
            cv: Condvar::new(),
            reader_cv: Condvar::new(),
            next_id: AtomicU64::new(1),
            written: AtomicU64::new(0),
            generation: GENERATIONS.fetch_add(1, Ordering::Relaxed),
            dead: AtomicBool::new(false),
            client: self.client.clone(),
            reply_ns: std::array::from_fn(|_| AtomicU64::new(0)),
            may_spin: AtomicBool::new(false),
        });
        let c = conn.clone();
        std::thread::Builder::new()
            .name("deliveryopt-client".into())
            .spawn(move || c.reader_loop())
            .map_err(|_| EngineError::ServiceStart("no thread for the connection"))?;
        Ok(conn)
    }

    /// The live connection, or a new one (starting the service if needed). A new connection
    /// that replaces a broken one first gets this client's callback registrations again.
    fn conn(&self) -> EngineResult<Arc<Conn>> {
        let (c, replaced) = {
            let mut g = self.conn.lock();
            if let Some(c) = g.as_ref().filter(|c| !c.dead.load(Ordering::SeqCst)) {
                return Ok(c.clone());
            }
            let stream = open(&self.target).map_err(|e| match e {
                StartError::Service(e) => e,
                StartError::Store(_) => EngineError::ServiceStart("the service could not open the job store"),
            })?;
            let replaced = g.is_some();
            let c = self.attach(stream)?;
            // Posts the old connection may have lost go first, before any other call can. A
            // connection that breaks already here is only shut (no revival from its loss): a
            // service that keeps dying at once is tried again by the next call, not in a loop.
            if let Err(e) = self.write_posts_again(&c) {
                c.shut();
                return Err(e);
            }
            *g = Some(c.clone());
            (c, replaced)
        };
        if replaced {
            self.register_again(&c);
        }
        Ok(c)
    }

    /// Registers the client's callbacks with the service of `conn`. One the new service refuses
    /// (the job ended, or is transferring and refuses a certificate callback) is released.
    fn register_again(&self, conn: &Arc<Conn>) {
        let Some(client) = self.client.upgrade() else { return };
        for (job, kind, sink) in client.registrations() {
            let op = match kind {
                RegKind::Notify => Op::set_notify_sink { sink: Some(sink) },
                RegKind::Cert => Op::set_cert_sink { sink: Some(sink) },
            };
            let ok = matches!(self.call_on(conn, Request::Job { id: job, op }), Ok(Reply::Op(_)));
            if !ok {
                client.release_sink(sink);
            }
        }
    }

    /// One call on `conn` (no retry): for registering again while a call waits for `conn`.
    fn call_on(&self, conn: &Arc<Conn>, req: Request) -> EngineResult<Reply> {
        self.exchange(conn, req).unwrap_or(Err(EngineError::ServiceLost))
    }

    /// Sends `req` on `conn` and waits for its answer; the sinks the call released are released
    /// before it returns. `Err(req)` when the request could not be written (it was not received),
    /// to be sent again: boxing it would cost an allocation per call for a rare path.
    #[allow(clippy::result_large_err)]
    fn exchange(&self, conn: &Arc<Conn>, req: Request) -> Result<EngineResult<Reply>, Request> {
        let id = conn.next_id.fetch_add(1, Ordering::Relaxed);
        conn.state.lock().active += 1;
        let kind = call_kind(&req);
        let msg = ToService::Call { id, req };
        let sent = Instant::now();
        let result = match conn.send(&msg) {
            Ok(seq) => {
                let (result, released) = conn.wait_reply(id, kind);
                conn.reply_took(kind, sent.elapsed());
                if !matches!(result, Err(EngineError::ServiceLost)) {
                    self.confirm(conn.generation, seq);
                }
                // The registrations this call ended are released before it returns (no lock
                // held: the caller's Release may call back in).
                if let Some(client) = self.client.upgrade() {
                    for sink in released {
                        client.release_sink(sink);
                    }
                }
                Ok(result)
            }
            Err(_) => {
                let ToService::Call { req, .. } = msg else { unreachable!() };
                Err(req)
            }
        };
        let mut g = conn.state.lock();
        g.active -= 1;
        g.last_call = Instant::now();
        result
    }

    /// A reply came to the call written at `seq` on connection `generation`: the posts written
    /// before it were made.
    fn confirm(&self, generation: u64, seq: u64) {
        let mut posts = self.posts.lock();
        if !posts.is_empty() {
            posts.retain(|p| p.generation != generation || p.seq > seq);
        }
    }

    /// Writes the unconfirmed posts again, in order, on the new connection `c`.
    fn write_posts_again(&self, c: &Conn) -> EngineResult<()> {
        let mut w = c.writer.lock();
        let mut posts = self.posts.lock();
        for p in posts.iter_mut() {
            w.write_all(&p.frame).map_err(|_| EngineError::ServiceLost)?;
            p.generation = c.generation;
            p.seq = c.written.fetch_add(1, Ordering::Relaxed) + 1;
        }
        Ok(())
    }

    /// Waits until the service has made this client's posted calls on `job` (a round trip), so a
    /// program that lets go of the job and exits loses none of them with a service that dies.
    fn settle_posts(&self, job: JobId) {
        for _ in 0..3 {
            if !self.posts.lock().iter().any(|p| p.job == job) {
                return;
            }
            // Any reply confirms; a broken connection writes them again on the next.
            let _ = self.call(Request::Job { id: job, op: Op::state {} });
        }
    }

    fn call(&self, req: Request) -> EngineResult<Reply> {
        // A request that could not be written whole was not received: it is sent again once, on a
        // new connection. One that was written and got no answer may have taken effect: the
        // caller hears ServiceLost.
        let mut req = req;
        for _ in 0..2 {
            let conn = self.conn()?;
            match self.exchange(&conn, req) {
                Ok(result) => return result,
                Err(back) => {
                    conn.close();
                    req = back;
                }
            }
        }
        Err(EngineError::ServiceLost)
    }
}

impl Link for RemoteLink {
    fn request(&self, client: &Arc<Client>, req: Request) -> EngineResult<Answer> {
        match self.call(req)? {
            Reply::Job(info) => Ok(Answer::Job(client.remote_handle(info))),
            Reply::Jobs(v) => Ok(Answer::Jobs(v.into_iter().map(|i| client.remote_handle(i)).collect())),
            Reply::Op(_) => Err(EngineError::Protocol("a job reply to a manager call")),
        }
    }

    fn op(&self, job: &JobHandle, op: Op) -> EngineResult<Out> {
        match self.call(Request::Job { id: job.id(), op })? {
            Reply::Op(out) => Ok(out),
            _ => Err(EngineError::Protocol("a manager reply to a job call")),
        }
    }

    fn post(&self, job: &JobHandle, op: Op) -> EngineResult<()> {
        debug_assert!(op.postable(), "the service refuses a post of {}", op.name());
        // What the service sent first is read first: a job another program ended is then known
        // here, and the call is made (and refused) instead.
        let first = self.conn()?;
        if !first.caught_up() || job.ended() {
            return self.op(job, op).map(drop);
        }
        // Registrations are made again from the client's list after a reconnection; the rest
        // is kept until confirmed.
        let keep = !matches!(op, Op::set_notify_sink { .. });
        let id = job.id();
        let frame = wire::encode(&ToService::Post { job: id, op }).map_err(|_| EngineError::ServiceLost)?;
        // A post that could not be written whole was not received: written again once, on a
        // new connection (as `call` does).
        let mut conn = first;
        for attempt in 0..2 {
            if attempt > 0 {
                conn = self.conn()?;
            }
            let mut w = conn.writer.lock();
            if w.write_all(&frame).is_ok() {
                let seq = conn.written.fetch_add(1, Ordering::Relaxed) + 1;
                let unconfirmed = if keep {
                    let mut posts = self.posts.lock();
                    posts.push_back(Posted { generation: conn.generation, seq, job: id, frame });
                    posts.len()
                } else {
                    0
                };
                drop(w);
                // A program that only posts (and waits for callbacks) gets its posts confirmed
                // now and then, so the list stays short.
                if unconfirmed >= MAX_UNCONFIRMED {
                    self.settle_posts(id);
                }
                return Ok(());
            }
            drop(w);
            conn.close();
        }
        Err(EngineError::ServiceLost)
    }

    fn release(&self, id: JobId, count: u64) {
        self.settle_posts(id);
        let conn = self.conn.lock().clone();
        if let Some(c) = conn.filter(|c| !c.dead.load(Ordering::SeqCst)) {
            let _ = c.send(&ToService::Release { job: id, count });
        }
    }

    fn unsettled(&self) -> bool {
        !self.posts.lock().is_empty()
    }

    fn revive(&self) {
        if let Err(e) = self.conn() {
            tracing::error!("the service went away and could not be started again: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_socket_path_too_long_for_sun_path_moves_to_tmp() {
        let short = socket_path(Path::new("/run/user/1000/deliveryopt"), "service.sock");
        assert_eq!(short, Path::new("/run/user/1000/deliveryopt/service.sock"));
        let deep = PathBuf::from("/").join("d".repeat(120));
        let moved = socket_path(&deep, "store-0123456789abcdef.sock");
        assert!(moved.starts_with("/tmp"), "{moved:?}");
        assert!(moved.as_os_str().len() <= MAX_SOCKET_PATH);
        assert!(moved.ends_with("store-0123456789abcdef.sock"));
    }
}
