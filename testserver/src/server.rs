//! The listener, shared state and the public [`Server`] handle.

use std::collections::HashMap;
use std::io;
use std::net::{Ipv4Addr, Shutdown, TcpListener, TcpStream};
use std::os::unix::fs::FileExt;
use std::os::unix::io::AsRawFd;
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::tls::CertKind;

use rustls::ServerConfig;

use crate::auth::Verifier;
use crate::content::fill_content;
use crate::RequestLog;

/// Most connections served at once; more are accepted and closed at once.
const MAX_CONNECTIONS: usize = 512;

/// Last-Modified of `/gen/` content: Mon, 01 Jan 2024 00:00:00 GMT.
pub(crate) const GEN_MTIME: u64 = 1_704_067_200;

/// How to start a [`Server`].
#[derive(Debug, Clone)]
pub struct Options {
    /// Serve HTTPS (only) with a certificate from a CA made at start-up.
    pub tls: bool,
    /// Port on 127.0.0.1; 0 (the default) picks a free one.
    pub port: u16,
    /// Also serve the files under this directory at their relative paths.
    pub root: Option<PathBuf>,
    /// Where to write the CA PEM when `tls` (default: a temporary directory removed on
    /// stop). A file given here is left in place.
    pub ca_pem_path: Option<PathBuf>,
    /// Close a connection that sends nothing for this long (default 60 s).
    pub idle_timeout: Duration,
    /// Print one line per request on stderr.
    pub log_to_stderr: bool,
    /// With `tls`: require a client certificate signed by the start-up CA (one is made, see
    /// [`Server::client_cert_pem`]).
    pub client_auth: bool,
    /// With `tls`: which server certificate (a good one by default; see [`CertKind`]).
    pub cert: CertKind,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            tls: false,
            port: 0,
            root: None,
            ca_pem_path: None,
            idle_timeout: Duration::from_secs(60),
            log_to_stderr: false,
            client_auth: false,
            cert: CertKind::Good,
        }
    }
}

/// Locks, ignoring poisoning (a panicking connection thread must not wedge the server).
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

pub(crate) fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0)
}

/// Where the bytes of a resource come from.
#[derive(Debug, Clone)]
pub(crate) enum Body {
    Bytes(Arc<Vec<u8>>),
    Gen { seed: u64, len: u64 },
    File { path: PathBuf, len: u64 },
}

/// A representation: bytes plus validators.
#[derive(Debug, Clone)]
pub(crate) struct Resource {
    pub body: Body,
    pub etag: String,
    pub last_modified: u64,
}

impl Resource {
    pub fn len(&self) -> u64 {
        match &self.body {
            Body::Bytes(b) => b.len() as u64,
            Body::Gen { len, .. } | Body::File { len, .. } => *len,
        }
    }

    pub fn gen(seed: u64, len: u64) -> Resource {
        Resource { body: Body::Gen { seed, len }, etag: format!("\"gen-{len}-{seed}\""), last_modified: GEN_MTIME }
    }

    pub fn reader(&self) -> io::Result<BodyReader> {
        Ok(match &self.body {
            Body::Bytes(b) => BodyReader::Bytes(b.clone()),
            Body::Gen { seed, .. } => BodyReader::Gen(*seed),
            Body::File { path, .. } => BodyReader::File(std::fs::File::open(path)?),
        })
    }
}

/// Random access to a body while it is sent.
pub(crate) enum BodyReader {
    Bytes(Arc<Vec<u8>>),
    Gen(u64),
    File(std::fs::File),
}

impl BodyReader {
    pub fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        match self {
            BodyReader::Bytes(b) => {
                let start = offset as usize;
                let src = b
                    .get(start..start + buf.len())
                    .ok_or_else(|| io::Error::new(io::ErrorKind::UnexpectedEof, "short"))?;
                buf.copy_from_slice(src);
                Ok(())
            }
            BodyReader::Gen(seed) => {
                fill_content(*seed, offset, buf);
                Ok(())
            }
            BodyReader::File(f) => f.read_exact_at(buf, offset),
        }
    }
}

/// State shared by the accept thread, the connection threads and [`Server`].
pub(crate) struct Shared {
    pub tls: Option<Arc<ServerConfig>>,
    pub root: Option<PathBuf>,
    pub idle_timeout: Duration,
    pub log_to_stderr: bool,
    files: Mutex<HashMap<String, Arc<Resource>>>,
    /// (last Last-Modified handed out, version counter) for added files.
    clock: Mutex<(u64, u64)>,
    log: Mutex<Vec<RequestLog>>,
    seq: AtomicU64,
    counters: Mutex<HashMap<String, u64>>,
    /// Requests being answered per target (for `max_active`).
    active: Mutex<HashMap<String, u64>>,
    pub stopping: AtomicBool,
    conns: Mutex<HashMap<u64, TcpStream>>,
    workers: Mutex<Vec<JoinHandle<()>>>,
    next_conn: AtomicU64,
    pub verifier: Verifier,
    /// BITS upload sessions and finished uploads (`bits.rs`).
    pub bits: Mutex<crate::bits::BitsState>,
}

/// A request being answered (see [`Shared::enter`]).
pub(crate) struct Active<'a> {
    shared: &'a Shared,
    target: String,
}

impl Drop for Active<'_> {
    fn drop(&mut self) {
        if let Some(n) = lock(&self.shared.active).get_mut(&self.target) {
            *n = n.saturating_sub(1);
        }
    }
}

impl Shared {
    /// Counts a request for `target` and returns the count including it.
    pub fn count(&self, target: &str) -> u64 {
        let mut c = lock(&self.counters);
        let n = c.entry(target.to_string()).or_insert(0);
        *n += 1;
        *n
    }

    /// A request for `target` starts being answered, unless `max` are already: the guard ends it.
    pub fn enter(&self, target: &str, max: u64) -> Option<Active<'_>> {
        let mut a = lock(&self.active);
        let n = a.entry(target.to_string()).or_insert(0);
        if *n >= max {
            return None;
        }
        *n += 1;
        Some(Active { shared: self, target: target.to_string() })
    }

    /// Records a request; returns its `seq`.
    pub fn push_log(&self, mut entry: RequestLog) -> u64 {
        let seq = self.seq.fetch_add(1, Ordering::SeqCst) + 1;
        entry.seq = seq;
        lock(&self.log).push(entry);
        seq
    }

    /// Updates the log entry `seq` if it is still there.
    pub fn update_log(&self, seq: u64, f: impl FnOnce(&mut RequestLog)) {
        let mut log = lock(&self.log);
        if let Some(e) = log.iter_mut().rev().find(|e| e.seq == seq) {
            f(e);
        }
    }

    /// Sleeps `ms` milliseconds in small steps; false if the server is stopping.
    pub fn sleep_ms(&self, ms: u64) -> bool {
        let end = std::time::Instant::now() + Duration::from_millis(ms);
        loop {
            if self.stopping.load(Ordering::SeqCst) {
                return false;
            }
            let now = std::time::Instant::now();
            if now >= end {
                return true;
            }
            std::thread::sleep((end - now).min(Duration::from_millis(20)));
        }
    }

    fn set(&self, path: &str, body: Vec<u8>) {
        let key = normalize(path);
        let hash = fnv(&body);
        let (mtime, version) = {
            let mut c = lock(&self.clock);
            // Distinct, increasing, whole seconds in the past: If-Range / If-Modified-Since
            // by date can tell every version apart.
            c.0 = (now_secs().saturating_sub(3600)).max(c.0 + 1);
            c.1 += 1;
            *c
        };
        let res = Resource {
            body: Body::Bytes(Arc::new(body)),
            etag: format!("\"v{version}-{hash:016x}\""),
            last_modified: mtime,
        };
        lock(&self.files).insert(key, Arc::new(res));
    }

    /// Finds the resource at (%-decoded) `path`.
    pub fn lookup(&self, path: &str) -> Option<Arc<Resource>> {
        if let Some(r) = lock(&self.files).get(path) {
            return Some(r.clone());
        }
        if let Some(rest) = path.strip_prefix("/gen/") {
            let mut it = rest.split('/');
            let len = it.next()?.parse::<u64>().ok()?;
            let seed = it.next()?.parse::<u64>().ok()?;
            return Some(Arc::new(Resource::gen(seed, len)));
        }
        let root = self.root.as_ref()?;
        let rel = Path::new(path.trim_start_matches('/'));
        if rel.as_os_str().is_empty() || !rel.components().all(|c| matches!(c, Component::Normal(_))) {
            return None;
        }
        let full = root.join(rel);
        let md = std::fs::metadata(&full).ok()?;
        if !md.is_file() {
            return None;
        }
        use std::os::unix::fs::MetadataExt;
        let mtime = md.mtime().max(0) as u64;
        Some(Arc::new(Resource {
            body: Body::File { path: full, len: md.len() },
            etag: format!("\"f-{:x}-{:x}-{:x}.{:x}\"", md.ino(), md.len(), mtime, md.mtime_nsec()),
            last_modified: mtime,
        }))
    }
}

fn fnv(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in data {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn normalize(path: &str) -> String {
    if path.starts_with('/') {
        path.to_string()
    } else {
        format!("/{path}")
    }
}

fn random_secret() -> u64 {
    use std::collections::hash_map::RandomState;
    use std::hash::{BuildHasher, Hasher};
    let mut h = RandomState::new().build_hasher();
    h.write_u128(SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0));
    h.write_u32(std::process::id());
    h.finish()
}

static INSTANCE: AtomicU64 = AtomicU64::new(0);

/// A running test server; see the crate docs. Stops on [`Server::stop`] or on drop.
pub struct Server {
    shared: Arc<Shared>,
    port: u16,
    ca_pem: Option<String>,
    client_pem: Option<(String, String)>,
    /// The server certificate (DER) and the CA that signed it.
    leaf: Option<(Vec<u8>, rcgen::CertifiedIssuer<'static, rcgen::KeyPair>)>,
    ca_path: Option<PathBuf>,
    ca_tmpdir: Option<PathBuf>,
    accept: Mutex<Option<JoinHandle<()>>>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server").field("port", &self.port).field("tls", &self.shared.tls.is_some()).finish()
    }
}

impl Server {
    /// Binds 127.0.0.1 and starts serving.
    pub fn start(opts: Options) -> io::Result<Server> {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, opts.port))?;
        let port = listener.local_addr()?.port();
        let (tls, ca_pem, client_pem, leaf) = if opts.tls {
            let t = crate::tls::make(opts.client_auth, opts.cert)?;
            (Some(t.config), Some(t.ca_pem), t.client, Some((t.leaf_der, t.ca)))
        } else {
            (None, None, None, None)
        };
        let mut ca_path = None;
        let mut ca_tmpdir = None;
        if let Some(pem) = &ca_pem {
            let path = match &opts.ca_pem_path {
                Some(p) => p.clone(),
                None => {
                    let dir = std::env::temp_dir().join(format!(
                        "deliveryopt-testserver-{}-{}-{port}",
                        std::process::id(),
                        INSTANCE.fetch_add(1, Ordering::SeqCst)
                    ));
                    std::fs::create_dir_all(&dir)?;
                    ca_tmpdir = Some(dir.clone());
                    dir.join("ca.pem")
                }
            };
            std::fs::write(&path, pem)?;
            ca_path = Some(path);
        }
        let shared = Arc::new(Shared {
            tls,
            root: opts.root.clone(),
            idle_timeout: opts.idle_timeout,
            log_to_stderr: opts.log_to_stderr,
            files: Mutex::new(HashMap::new()),
            clock: Mutex::new((0, 0)),
            log: Mutex::new(Vec::new()),
            seq: AtomicU64::new(0),
            counters: Mutex::new(HashMap::new()),
            active: Mutex::new(HashMap::new()),
            stopping: AtomicBool::new(false),
            conns: Mutex::new(HashMap::new()),
            workers: Mutex::new(Vec::new()),
            next_conn: AtomicU64::new(0),
            verifier: Verifier::new(random_secret()),
            bits: Mutex::new(Default::default()),
        });
        let s2 = shared.clone();
        let accept = std::thread::Builder::new()
            .name(format!("testserver-accept-{port}"))
            .spawn(move || accept_loop(s2, listener))?;
        Ok(Server { shared, port, ca_pem, client_pem, leaf, ca_path, ca_tmpdir, accept: Mutex::new(Some(accept)) })
    }

    /// The port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Whether this server speaks HTTPS.
    pub fn is_tls(&self) -> bool {
        self.shared.tls.is_some()
    }

    /// `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        let scheme = if self.is_tls() { "https" } else { "http" };
        format!("{scheme}://127.0.0.1:{}", self.port)
    }

    /// The URL of `path` (which may carry a query); a missing leading `/` is added.
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url(), normalize(path))
    }

    /// The URL of `path` with host `localhost` (the certificate is valid for both).
    pub fn url_localhost(&self, path: &str) -> String {
        self.url(path).replacen("127.0.0.1", "localhost", 1)
    }

    /// The CA certificate as a PEM file (TLS only).
    pub fn ca_pem_path(&self) -> Option<&Path> {
        self.ca_path.as_deref()
    }

    /// The CA certificate PEM text (TLS only).
    /// With `client_auth`: the client certificate and its private key, both PEM.
    pub fn client_cert_pem(&self) -> Option<(&str, &str)> {
        self.client_pem.as_ref().map(|(c, k)| (c.as_str(), k.as_str()))
    }

    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    /// The server certificate (DER) as sent in the handshake (TLS only).
    pub fn leaf_der(&self) -> Option<&[u8]> {
        self.leaf.as_ref().map(|(d, _)| d.as_slice())
    }

    /// A CRL (PEM) from the server's CA, current for a week, that lists the server certificate
    /// as revoked when `revoke_leaf` (TLS only).
    pub fn crl_pem(&self, revoke_leaf: bool) -> Option<String> {
        self.leaf.as_ref().and_then(|(_, ca)| crate::tls::crl_pem(ca, revoke_leaf).ok())
    }

    /// Serves `body` at `path` (exact match on the %-decoded request path).
    pub fn add_file(&self, path: &str, body: Vec<u8>) {
        self.shared.set(path, body);
    }

    /// Replaces the content at `path`; the ETag and Last-Modified always change.
    pub fn set_file(&self, path: &str, body: Vec<u8>) {
        self.shared.set(path, body);
    }

    /// Stops serving `path` (404 from then on, unless `/gen/` or `--root` has it).
    pub fn remove_file(&self, path: &str) {
        lock(&self.shared.files).remove(&normalize(path));
    }

    /// Every request seen so far, oldest first.
    pub fn requests(&self) -> Vec<RequestLog> {
        lock(&self.shared.log).clone()
    }

    /// The requests whose path is `path`.
    pub fn requests_for(&self, path: &str) -> Vec<RequestLog> {
        lock(&self.shared.log).iter().filter(|r| r.path == path).cloned().collect()
    }

    /// Files uploaded whole with the BITS Upload Protocol (`BITS_POST`), by path.
    pub fn uploads(&self) -> HashMap<String, Vec<u8>> {
        lock(&self.shared.bits).done.clone()
    }

    /// (session id, packet type) of every Close-Session and Cancel-Session received, in order.
    pub fn bits_sessions_ended(&self) -> Vec<(String, String)> {
        lock(&self.shared.bits).ended.clone()
    }

    /// Forgets the request log.
    pub fn clear_requests(&self) {
        lock(&self.shared.log).clear();
    }

    /// Resets the per-target request counters of `fail_count` / `change_after`.
    pub fn reset_counters(&self) {
        lock(&self.shared.counters).clear();
    }

    /// Connections currently open.
    pub fn open_connections(&self) -> usize {
        lock(&self.shared.conns).len()
    }

    /// Stops: closes the listener, shuts every connection down and joins every thread.
    /// Idempotent; also done on drop.
    pub fn stop(&self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        if let Some(h) = lock(&self.accept).take() {
            let _ = h.join();
        }
        for s in lock(&self.shared.conns).values() {
            let _ = s.shutdown(Shutdown::Both);
        }
        let workers = std::mem::take(&mut *lock(&self.shared.workers));
        for w in workers {
            let _ = w.join();
        }
        if let Some(dir) = &self.ca_tmpdir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

fn accept_loop(shared: Arc<Shared>, listener: TcpListener) {
    let fd = listener.as_raw_fd();
    while !shared.stopping.load(Ordering::SeqCst) {
        let mut pfd = libc::pollfd { fd, events: libc::POLLIN, revents: 0 };
        // SAFETY: one valid pollfd for the duration of the call.
        let r = unsafe { libc::poll(&mut pfd, 1, 50) };
        if r <= 0 || shared.stopping.load(Ordering::SeqCst) {
            continue;
        }
        let stream = match listener.accept() {
            Ok((s, _)) => s,
            Err(_) => {
                std::thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        lock(&shared.workers).retain(|h| !h.is_finished());
        let id = shared.next_conn.fetch_add(1, Ordering::SeqCst) + 1;
        {
            let mut conns = lock(&shared.conns);
            if conns.len() >= MAX_CONNECTIONS {
                continue;
            }
            match stream.try_clone() {
                Ok(c) => {
                    conns.insert(id, c);
                }
                Err(_) => continue,
            }
        }
        let s2 = shared.clone();
        let spawned = std::thread::Builder::new().name(format!("testserver-conn-{id}")).spawn(move || {
            crate::conn::serve(&s2, stream, id);
            lock(&s2.conns).remove(&id);
        });
        match spawned {
            Ok(h) => lock(&shared.workers).push(h),
            Err(_) => {
                lock(&shared.conns).remove(&id);
            }
        }
    }
}
