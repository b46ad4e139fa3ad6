//! Entry points for the fuzz targets (`fuzz/`, `bench/fuzz.sh`): the parsers that read what
//! others wrote. Not part of the API; each takes arbitrary bytes and must neither panic nor hang.

use std::collections::HashMap;
use std::io::{self, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use serde::Deserialize;

use super::dodl::{DoProp, DoValue};
use super::file::{Remote, Validators};
use super::http::{FetchError, HttpClient, NetConfig, RequestOptions, Sink};
use super::job::JobId;
use super::rpc::{Op, Reply, Request};
use super::service::ServiceConfig;
use super::wire::{Hello, ToClient, ToService, Welcome};
use super::NotifyCmdLine;

/// The job store's journal as the engine reads it at start: every line decoded and applied, and
/// each resulting record turned back into a job (as `Engine::load` does, without a store).
pub fn journal(bytes: &[u8]) {
    let mut latest = HashMap::new();
    let text = String::from_utf8_lossy(bytes);
    for line in text.split('\n').filter(|l| !l.is_empty()) {
        if let Some(entry) = super::store::decode(line) {
            super::store::apply(&mut latest, entry);
        }
        // The same line as a record with a right checksum, so the fuzzer gets past it to the
        // JSON and the records.
        let json = line.split_once(' ').map_or(line, |(_, j)| j);
        let sealed = format!("{:08x} {json}", crc32fast::hash(json.as_bytes()));
        if let Some(entry) = super::store::decode(&sealed) {
            super::store::apply(&mut latest, entry);
        }
    }
    for (_, record) in latest {
        let _ = super::job::Job::from_record(record, None);
    }
}

/// A frame of the service protocol, as the service (ToService) and the client (ToClient) decode
/// it from a socket.
pub fn wire(bytes: &[u8]) {
    let mut buf = Vec::new();
    let mut r = bytes;
    while super::wire::read_frame::<super::wire::ToService>(&mut r, &mut buf).is_ok() {}
    let mut r = bytes;
    while super::wire::read_frame::<super::wire::ToClient>(&mut r, &mut buf).is_ok() {}
    let mut r = bytes;
    let _ = super::wire::read_frame::<super::wire::Hello>(&mut r, &mut buf);
}

/// Texts a caller or a server controls: custom headers (SetCustomHeaders), remote names
/// (AddFile), and a Content-Range.
pub fn texts(bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let _ = super::job::parse_headers(&text);
    let _ = Remote::parse(&text);
    let _ = super::file::check_local_name(&text);
    super::http::fuzz_content_range(&text);
}

/// Collects a response body.
struct Memory {
    data: Vec<u8>,
}

impl Sink for Memory {
    fn restart(&mut self) -> Result<(), FetchError> {
        self.data.clear();
        Ok(())
    }
    fn begin(&mut self, _size: Option<u64>, _v: &Validators) -> Result<(), FetchError> {
        Ok(())
    }
    fn write(&mut self, offset: u64, data: &[u8]) -> Result<(), FetchError> {
        // A server that lies about offsets must not make us allocate without bound.
        let end = offset.saturating_add(data.len() as u64);
        if end > 64 << 20 {
            return Err(FetchError::InvalidResponse("too far".into()));
        }
        if self.data.len() < end as usize {
            self.data.resize(end as usize, 0);
        }
        self.data[offset as usize..end as usize].copy_from_slice(data);
        Ok(())
    }
}

/// An HTTP client for [`http_response`] with short timeouts.
pub fn http_client() -> HttpClient {
    HttpClient::new(&NetConfig {
        connect_timeout: std::time::Duration::from_secs(2),
        read_timeout: std::time::Duration::from_millis(300),
        ..NetConfig::default()
    })
}

/// The whole HTTP response path: `client` fetches `url` (a loopback server the fuzz target runs,
/// answering with the fuzz input), from `offset`, with `known` validators when `resume`. With
/// `piece`, the request of one piece of a segmented download instead: bytes `offset..offset +
/// 1000` with `If-Range` (`fetch_span`, which an on-demand file uses too).
pub fn http_response(client: &HttpClient, url: &str, offset: u64, resume: bool, piece: bool) {
    let Ok(remote) = Remote::parse(url) else { return };
    let known =
        resume.then(|| Validators { etag: Some("\"x\"".into()), last_modified: None, size: Some(offset * 2 + 1) });
    let opts = RequestOptions::default();
    let mut sink = Memory { data: Vec::new() };
    match (&remote, piece) {
        (Remote::Http(u), true) => {
            let _ = client.fetch_span(u, offset, offset + 999, known.as_ref(), &opts, &|| false, &mut sink);
        }
        _ => {
            let _ = client.fetch(&remote, None, offset, known.as_ref(), &opts, &|| false, &mut sink);
        }
    }
}

/// A service for [`service_session`]: the service's connection code and an engine on a store of
/// its own, with a directory for the files the calls name and, when the calling thread could be
/// moved into a network of its own (see [`ServiceBench::new`]), a loopback HTTP server its
/// transfers fetch from.
pub struct ServiceBench {
    engine: Arc<super::Engine>,
    service: Arc<super::service::Service>,
    store: PathBuf,
    /// Every absolute local path a call names is moved under this directory.
    files: PathBuf,
    /// The port of the bench's HTTP server, when transfers may run (the bench is in a network
    /// namespace of its own: nothing but its own loopback can be reached).
    fetch_port: Option<u16>,
}

impl ServiceBench {
    /// An engine with its store in `dir/store`, served by the service code; calls' files go to
    /// `dir/files`. Panics when the store cannot be opened (a fuzzing set-up error).
    ///
    /// First the calling thread is moved into a network namespace whose only interface is its
    /// own loopback (`abi::os::private_loopback_network`; root only). When that works, calls
    /// may start transfers (Resume, a DO download's Start): whatever URL they name, nothing off
    /// this machine, and nothing on it but the bench's own server, can be reached. Create the
    /// bench on the thread that runs the sessions (the threads it starts inherit the namespace).
    /// When it does not work (not root, or a container that forbids it), nothing is fetched.
    pub fn new(dir: &Path) -> ServiceBench {
        // Jobs set to use the system's proxy would send their requests there.
        let proxy_env = ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"]
            .iter()
            .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()));
        let isolated = !proxy_env && crate::abi::os::private_loopback_network().is_ok();
        let store = dir.join("store");
        let files = dir.join("files");
        // What the seeds name: a directory to download into, a file to upload.
        std::fs::create_dir_all(files.join("out")).expect("the fuzzing directory");
        std::fs::write(files.join("out/up.bin"), b"upload me").expect("the fuzzing directory");
        let fetch_port = isolated.then(start_file_server);
        let mut config = super::Config::from_env(Some(store.clone()));
        // Quick to give up on what does not answer (a port nothing listens on fails at once).
        config.net.connect_timeout = Duration::from_secs(2);
        config.net.read_timeout = Duration::from_secs(2);
        let engine = super::Engine::new(config).expect("the fuzzing store");
        let config = ServiceConfig { store: store.clone(), idle_exit: None, socket_file: None, system: false };
        let service = super::service::Service::new(engine.clone(), config).expect("the service's pool");
        ServiceBench { engine, service, store, files, fetch_port }
    }

    /// Whether calls may start transfers (see [`ServiceBench::new`]).
    pub fn fetches(&self) -> bool {
        self.fetch_port.is_some()
    }

    /// Ends every job and download left by a session, so the next starts under no quota.
    fn clear(&self) {
        for job in self.engine.all_jobs(None) {
            if job.is_do() {
                let _ = self.engine.do_abort(&job);
            } else {
                let _ = self.engine.cancel(&job);
            }
        }
    }

    /// `path` under the files directory when it is absolute (`..` taken out); a relative one as
    /// it is (the engine must refuse it).
    fn jail(&self, path: &str) -> String {
        match path.strip_prefix('/') {
            Some(rest) => self.files.join(rest.replace("..", "_")).to_string_lossy().into_owned(),
            None => path.to_owned(),
        }
    }

    /// A remote name as a transfer here may use it. A local source (a path, or a `file:` URL)
    /// moves under the files directory: a hostile name could otherwise copy any file, or
    /// `/dev/zero` without end. An http(s) URL gets a loopback host (an IP literal, so no name is
    /// ever looked up: a resolver reached through a Unix socket would ask the real network) and,
    /// when the bench fetches, its server's port. Anything else stays as it is (the engine
    /// refuses it).
    fn tame_remote(&self, remote: &str) -> String {
        if remote.starts_with('/') {
            return self.jail(remote);
        }
        let Ok(mut url) = url::Url::parse(remote) else { return remote.to_owned() };
        match url.scheme() {
            "file" => {
                let path = url.to_file_path().map(|p| p.to_string_lossy().into_owned()).unwrap_or_default();
                match url::Url::from_file_path(self.jail(&format!("/{path}"))) {
                    Ok(jailed) => jailed.into(),
                    Err(()) => "file:///nonexistent".into(),
                }
            }
            "http" | "https" => {
                if url.host() != Some(url::Host::Ipv6(std::net::Ipv6Addr::LOCALHOST)) {
                    let _ = url.set_host(Some("127.0.0.1"));
                }
                if let Some(port) = self.fetch_port {
                    let _ = url.set_port(Some(port));
                }
                url.into()
            }
            _ => url.into(),
        }
    }
}

/// Starts the bench's HTTP server on 127.0.0.1 and returns its port. Every GET is answered with
/// 4,000 bytes (or the single range asked for, 206), HEAD with the headers alone, a path with
/// "missing" in it with 404, anything else (uploads) with 200 and nothing; connections are kept
/// alive. Runs for the life of the process.
fn start_file_server() -> u16 {
    use std::io::Read;
    use std::net::{TcpListener, TcpStream};
    const BODY: usize = 4000;
    fn answer(mut conn: TcpStream) {
        let _ = conn.set_read_timeout(Some(Duration::from_secs(5)));
        let body: Vec<u8> = (0..BODY).map(|i| (i % 251) as u8).collect();
        let mut got = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            let Some(end) = got.windows(4).position(|w| w == b"\r\n\r\n") else {
                match conn.read(&mut chunk) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => got.extend_from_slice(&chunk[..n]),
                }
                if got.len() > 64 << 10 {
                    return;
                }
                continue;
            };
            let head = String::from_utf8_lossy(&got[..end]).into_owned();
            got.drain(..end + 4);
            let header = |name: &str| {
                head.lines().find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
                })
            };
            // A request body (an upload's fragment) is read and dropped.
            let mut left = header("content-length").and_then(|v| v.parse::<usize>().ok()).unwrap_or(0);
            while left > 0 {
                if !got.is_empty() {
                    let n = left.min(got.len());
                    got.drain(..n);
                    left -= n;
                    continue;
                }
                match conn.read(&mut chunk) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => got.extend_from_slice(&chunk[..n]),
                }
            }
            let mut words = head.split_whitespace();
            let (method, path) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
            let range = header("range").and_then(|r| {
                let (a, b) = r.strip_prefix("bytes=")?.split_once('-')?;
                let a: usize = a.parse().ok()?;
                let b: usize = if b.is_empty() { BODY - 1 } else { b.parse::<usize>().ok()?.min(BODY - 1) };
                (a <= b).then_some((a, b))
            });
            let (status, part) = if path.contains("missing") {
                ("404 Not Found", &body[..0])
            } else if method != "GET" && method != "HEAD" {
                ("200 OK", &body[..0])
            } else if let Some((a, b)) = range {
                ("206 Partial Content", &body[a..=b])
            } else {
                ("200 OK", &body[..])
            };
            let mut out = format!(
                "HTTP/1.1 {status}\r\nContent-Length: {}\r\nAccept-Ranges: bytes\r\nETag: \"bench\"\r\n",
                part.len()
            );
            if let Some((a, b)) = range.filter(|_| status.starts_with("206")) {
                out.push_str(&format!("Content-Range: bytes {a}-{b}/{BODY}\r\n"));
            }
            out.push_str("\r\n");
            let mut bytes = out.into_bytes();
            if method != "HEAD" {
                bytes.extend_from_slice(part);
            }
            if conn.write_all(&bytes).is_err() {
                return;
            }
        }
    }
    let listener = TcpListener::bind("127.0.0.1:0").expect("the bench's HTTP server");
    let port = listener.local_addr().expect("the bench's HTTP server").port();
    std::thread::spawn(move || {
        for conn in listener.incoming().flatten() {
            std::thread::spawn(move || answer(conn));
        }
    });
    port
}

/// What a hostile or broken client can send the service, made safe to run here: local paths
/// move under the bench's files directory, remote names are tamed (`ServiceBench::tame_remote`),
/// a notify command line's program is one that does not exist, and a new remote prefix must be
/// an http(s) one. When the bench may not fetch, calls that start transfers (Resume, a DO
/// download's Start) become a state question and a posted Resume is left out; a DO download's
/// wait always does (it may wait for a paused download for ever). Job ids name the jobs the
/// session was handed (chosen by the id's first byte) unless its second byte is 0xFF (any id,
/// as sent).
fn tame(bench: &ServiceBench, msg: ToService, jobs: &[JobId]) -> Option<ToService> {
    let pick = |id: JobId| -> JobId {
        let b = id.0.as_bytes();
        if jobs.is_empty() || b[1] == 0xFF {
            id
        } else {
            jobs[b[0] as usize % jobs.len()]
        }
    };
    let op = |op: Op| -> Op {
        match op {
            Op::resume {} | Op::do_start { .. } if !bench.fetches() => Op::state {},
            Op::do_wait {} => Op::state {},
            Op::add_files { mut files } => {
                for f in &mut files {
                    f.local = bench.jail(&f.local);
                    f.remote = bench.tame_remote(&f.remote);
                }
                Op::add_files { files }
            }
            Op::add_legacy_file { file_id, remote, local, ranges, size_hint } => Op::add_legacy_file {
                file_id,
                remote: bench.tame_remote(&remote),
                local: local.map(|l| bench.jail(&l)),
                ranges,
                size_hint,
            },
            Op::rename_remote { index, name } => Op::rename_remote { index, name: bench.tame_remote(&name) },
            Op::replace_remote_prefix { old, new } => {
                // The names that come out start with `new`. One of http(s) becomes a loopback
                // URL with its path begun (the rest of a name can then change neither scheme nor
                // host); any other keeps its text only when nothing is fetched (the names are
                // then refused, or a local path, which must not be read).
                let lower = new.to_ascii_lowercase();
                let web = lower.starts_with("http://") || lower.starts_with("https://");
                let new = if web || bench.fetches() {
                    let path: String = new.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
                    format!("http://127.0.0.1:{}/{path}", bench.fetch_port.unwrap_or(1))
                } else {
                    new
                };
                Op::replace_remote_prefix { old, new }
            }
            // A proxy named by the caller would be asked for every request: one on loopback
            // where nothing listens.
            Op::set_proxy_settings { mut settings } if bench.fetches() => {
                if settings.list.is_some() {
                    settings.list = Some("127.0.0.1:1".into());
                }
                Op::set_proxy_settings { settings }
            }
            Op::do_set { prop: DoProp::Uri, value: DoValue::Str(u) } => {
                Op::do_set { prop: DoProp::Uri, value: DoValue::Str(bench.tame_remote(&u)) }
            }
            Op::set_file_sink_path { index, path } => Op::set_file_sink_path { index, path: bench.jail(&path) },
            Op::set_reply_file { name } => Op::set_reply_file { name: name.map(|n| bench.jail(&n)) },
            Op::set_client_certificate { cert } => Op::set_client_certificate {
                cert: cert.map(|mut c| {
                    c.cert_file = bench.jail(&c.cert_file.to_string_lossy()).into();
                    c.key_file = bench.jail(&c.key_file.to_string_lossy()).into();
                    c
                }),
            },
            Op::set_notify_cmdline { cmd } => Op::set_notify_cmdline {
                cmd: cmd.map(|c| NotifyCmdLine { program: "/nonexistent/dopt-fuzz-notify".into(), ..c }),
            },
            Op::do_set { prop: DoProp::LocalPath, value: DoValue::Str(p) } => {
                Op::do_set { prop: DoProp::LocalPath, value: DoValue::Str(bench.jail(&p)) }
            }
            other => other,
        }
    };
    Some(match msg {
        ToService::Call { id, req: Request::Job { id: job, op: o } } => {
            ToService::Call { id, req: Request::Job { id: pick(job), op: op(o) } }
        }
        ToService::Call { id, req: Request::GetJob { id: job } } => {
            ToService::Call { id, req: Request::GetJob { id: pick(job) } }
        }
        ToService::Post { op: Op::resume {}, .. } if !bench.fetches() => return None,
        ToService::Post { job, op: o } => ToService::Post { job: pick(job), op: op(o) },
        ToService::Release { job, count } => ToService::Release { job: pick(job), count },
        other => other,
    })
}

/// One client connection to the service, as a hostile or broken client could make it: `bytes`
/// are MessagePack messages of the protocol (`ToService`, one after another, no frame lengths),
/// each [tamed](tame) and then sent; a call's reply is waited for (the ids of the jobs it hands
/// out are kept for the next calls), a callback is answered when the input says so. Ends when
/// the input does or the service closes the connection; then every job left is cancelled, and
/// its transfer must stop. Panics when the service does not answer a call within `patience` (a
/// hang), when a cancelled transfer still runs after it, or when the connection's thread
/// panicked. Returns what came back.
pub fn service_session(bench: &ServiceBench, bytes: &[u8], patience: Duration) -> SessionReport {
    let report = run_session(bench, bytes, patience);
    bench.clear();
    // Cancelled transfers stop (each within its HTTP timeouts), so the next session starts
    // from a quiet engine.
    let deadline = std::time::Instant::now() + patience;
    while bench.engine.transfers_running() > 0 {
        assert!(std::time::Instant::now() < deadline, "cancelled transfers still run after {patience:?}");
        std::thread::sleep(Duration::from_millis(1));
    }
    report
}

/// [`service_session`] without the cancelling at the end.
fn run_session(bench: &ServiceBench, bytes: &[u8], patience: Duration) -> SessionReport {
    let mut msgs = Vec::new();
    let mut de = rmp_serde::Deserializer::new(bytes);
    while msgs.len() < 256 {
        match ToService::deserialize(&mut de) {
            Ok(m) => msgs.push(m),
            Err(_) => break,
        }
    }
    let (mine, theirs) = UnixStream::pair().expect("a socket pair");
    let service = bench.service.clone();
    let served = std::thread::spawn(move || service.serve(theirs));
    let mut report = SessionReport::default();
    let talk = |report: &mut SessionReport| -> io::Result<()> {
        let mut w = &mine;
        let _ = mine.set_read_timeout(Some(patience));
        super::wire::write_prefix(&mut w)?;
        w.write_all(&super::wire::encode(&Hello { store: Some(bench.store.clone()) })?)?;
        let mut r = &mine;
        super::wire::read_prefix(&mut r)?;
        let mut buf = Vec::new();
        match super::wire::read_frame::<Welcome>(&mut r, &mut buf)? {
            Welcome::Ok { .. } => {}
            Welcome::Refused { reason } => panic!("the service refused its own user: {reason}"),
        }
        let mut jobs: Vec<JobId> = Vec::new();
        let mut callbacks: Vec<u64> = Vec::new();
        let mut next_call = 1u64;
        for msg in msgs {
            let Some(msg) = tame(bench, msg, &jobs) else { continue };
            let msg = match msg {
                // Replies are matched by id: ours, in order.
                ToService::Call { req, .. } => {
                    next_call += 1;
                    ToService::Call { id: next_call, req }
                }
                // An answer to a callback the service sent (chosen by the id), or to none.
                ToService::CallbackDone { id, result } if !callbacks.is_empty() => {
                    let i = id as usize % callbacks.len();
                    ToService::CallbackDone { id: callbacks.swap_remove(i), result }
                }
                other => other,
            };
            let waits = matches!(msg, ToService::Call { .. });
            w.write_all(&super::wire::encode(&msg)?)?;
            if !waits {
                continue;
            }
            loop {
                match super::wire::read_frame::<ToClient>(&mut r, &mut buf) {
                    Ok(ToClient::Reply { id, result, .. }) if id == next_call => {
                        report.answered += 1;
                        match result {
                            Ok(Reply::Job(info)) => {
                                jobs.push(info.id);
                                report.jobs += 1;
                            }
                            Ok(Reply::Jobs(list)) => {
                                jobs.extend(list.iter().map(|i| i.id));
                                report.jobs += list.len();
                            }
                            Ok(Reply::Op(_)) => report.succeeded += 1,
                            Err(super::EngineError::Protocol(why)) if why == super::error::SERVICE_FAILED => {
                                panic!("the service panicked making call {next_call} (its log says where)")
                            }
                            Err(e) => {
                                if std::env::var_os("DOPT_FUZZ_DEBUG").is_some() {
                                    eprintln!("  call {next_call}: {e}");
                                }
                            }
                        }
                        break;
                    }
                    Ok(ToClient::Callback { id, .. }) => callbacks.push(id),
                    Ok(_) => {}
                    Err(e) if matches!(e.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut) => {
                        panic!("the service did not answer a call within {patience:?}")
                    }
                    Err(e) => return Err(e),
                }
            }
        }
        Ok(())
    };
    // An error here is the service closing the connection (a refused message): a fine ending.
    report.closed = talk(&mut report).is_err();
    let _ = mine.shutdown(std::net::Shutdown::Both);
    if let Err(panic) = served.join() {
        std::panic::resume_unwind(panic);
    }
    report
}

/// What a [`service_session`] got back.
#[derive(Debug, Default, Clone, Copy)]
pub struct SessionReport {
    /// Calls answered.
    pub answered: usize,
    /// Job calls answered with success.
    pub succeeded: usize,
    /// Jobs handed out (CreateJob, GetJob, EnumJobs...).
    pub jobs: usize,
    /// The connection ended before the input did (the service closed it, or the socket failed).
    pub closed: bool,
}

/// Starting points for the service fuzz target (`fuzz/seeds/service/`, kept in step by the
/// test `service_seeds_are_current`): what clients of this library send, by kind of program.
/// Job ids are `JobId(nil)` (the first job handed out) unless said otherwise.
pub fn service_seeds() -> Vec<(&'static str, Vec<u8>)> {
    use super::certs::{CertSelector, ClientCertificate, StoreLocation};
    use super::file::FileRange;
    use super::job::{AuthScheme, AuthTarget, Credential, JobType, Priority, ProxySettings, ProxyUsage};
    use super::rpc::{FileChange, SettingsChange};
    use super::NewFile;

    let first = JobId(uuid::Uuid::nil());
    let call = |req: Request| ToService::Call { id: 0, req };
    let job = |op: Op| call(Request::Job { id: first, op });
    let create = |job_type: JobType| call(Request::CreateJob { name: "seed".into(), job_type, do_legacy: false });
    let file = |remote: &str, local: &str| NewFile { remote: remote.into(), local: local.into(), ranges: None };
    let getters = || {
        vec![
            job(Op::state {}),
            job(Op::owner {}),
            job(Op::display_name {}),
            job(Op::description {}),
            job(Op::priority {}),
            job(Op::notify_flags {}),
            job(Op::min_retry_delay {}),
            job(Op::no_progress_timeout {}),
            job(Op::error_count {}),
            job(Op::proxy_settings {}),
            job(Op::times {}),
            job(Op::failure {}),
            job(Op::file_count {}),
            job(Op::file { index: 0 }),
            job(Op::file_progress { index: 0 }),
            job(Op::file_response_headers { index: 0 }),
            job(Op::progress {}),
            job(Op::settings {}),
            job(Op::notify_cmdline {}),
            job(Op::do_props {}),
            job(Op::notify_registered {}),
            job(Op::notify_sink_id {}),
        ]
    };
    let mut seeds: Vec<(&'static str, Vec<ToService>)> = Vec::new();

    let mut download = vec![
        create(JobType::Download),
        job(Op::add_files { files: vec![file("http://127.0.0.1:9/a.bin", "/out/a.bin")] }),
        job(Op::set_display_name { name: "name".into() }),
        job(Op::set_description { text: "text".into() }),
        job(Op::set_notify_sink { sink: Some(7) }),
        ToService::Post { job: first, op: Op::set_notify_flags { flags: 0xB } },
        ToService::Post { job: first, op: Op::resume {} },
    ];
    download.extend(getters());
    download.extend([
        ToService::CallbackDone { id: 0, result: Ok(()) },
        job(Op::suspend {}),
        job(Op::cancel {}),
        ToService::Release { job: first, count: 1 },
    ]);
    seeds.push(("download", download));

    seeds.push((
        "setters",
        vec![
            create(JobType::Download),
            job(Op::add_files {
                files: vec![NewFile {
                    remote: "https://127.0.0.1:9/b".into(),
                    local: "/out/b".into(),
                    ranges: Some(vec![
                        FileRange { offset: 0, length: 10 },
                        FileRange { offset: 100, length: u64::MAX },
                    ]),
                }],
            }),
            job(Op::set_priority { priority: Priority::Foreground }),
            job(Op::set_min_retry_delay { seconds: 60 }),
            job(Op::set_no_progress_timeout { seconds: 600 }),
            job(Op::set_max_download_time { seconds: 3600 }),
            job(Op::set_http_method { method: Some("GET".into()) }),
            job(Op::set_credentials {
                credential: Credential {
                    target: AuthTarget::Server,
                    scheme: AuthScheme::Basic,
                    user: "u".into(),
                    password: "p".into(),
                },
            }),
            job(Op::remove_credentials { target: AuthTarget::Proxy, scheme: AuthScheme::Digest }),
            job(Op::set_proxy_settings {
                settings: ProxySettings {
                    usage: ProxyUsage::Override,
                    list: Some("http://127.0.0.1:3128".into()),
                    bypass: Some("<local>".into()),
                },
            }),
            job(Op::change_settings { change: SettingsChange::FileAclFlags(1) }),
            job(Op::change_settings { change: SettingsChange::PeerCachingFlags(1) }),
            job(Op::change_settings { change: SettingsChange::CustomHeaders(Some("X-A: b\r\n".into())) }),
            job(Op::change_settings { change: SettingsChange::HeadersWriteOnly }),
            job(Op::change_settings { change: SettingsChange::SecurityFlags(0x10) }),
            job(Op::change_settings { change: SettingsChange::CostFlags(0x8000_0000) }),
            job(Op::change_settings { change: SettingsChange::NotificationClsid(Some(uuid::Uuid::nil())) }),
            job(Op::change_settings { change: SettingsChange::DynamicContent(true) }),
            job(Op::change_settings { change: SettingsChange::HighPerformance(true) }),
            job(Op::change_settings { change: SettingsChange::MaxDownloadSize(1 << 20) }),
            job(Op::change_settings { change: SettingsChange::MaxBytesPerSecond(1000) }),
            job(Op::change_settings { change: SettingsChange::MaxSegments(4) }),
            job(Op::change_settings { change: SettingsChange::UseStoredCredentials(1) }),
            job(Op::change_settings { change: SettingsChange::MinNotificationIntervalMs(500) }),
            job(Op::set_client_certificate {
                cert: Some(ClientCertificate {
                    location: StoreLocation::CurrentUser,
                    store_name: "MY".into(),
                    selector: CertSelector::Subject("CN=a".into()),
                    thumbprint: [0; 20],
                    subject: "CN=a".into(),
                    cert_file: "/certs/a.pem".into(),
                    key_file: "/certs/a.key".into(),
                }),
            }),
            job(Op::set_notify_cmdline {
                cmd: Some(NotifyCmdLine { program: "/bin/true".into(), parameters: Some("true x".into()) }),
            }),
            job(Op::rename_remote { index: 0, name: "http://127.0.0.1:9/c".into() }),
            job(Op::replace_remote_prefix { old: "http://127.0.0.1:9".into(), new: "http://[::1]:9".into() }),
            job(Op::set_validation_state { index: 0, valid: false }),
            job(Op::set_on_demand { enable: true }),
            job(Op::request_file_ranges { index: 0, ranges: vec![FileRange { offset: 5, length: 5 }] }),
            job(Op::update_download_position { index: 0, offset: 7 }),
            job(Op::filled_ranges { index: 0 }),
            job(Op::take_ownership {}),
            job(Op::set_cert_sink { sink: Some(9) }),
            job(Op::settings {}),
            job(Op::complete {}),
        ],
    ));

    seeds.push((
        "upload",
        vec![
            create(JobType::UploadReply),
            job(Op::add_files { files: vec![file("http://127.0.0.1:9/up", "/out/up.bin")] }),
            job(Op::set_reply_file { name: Some("/out/reply.bin".into()) }),
            job(Op::reply_info {}),
            job(Op::reply_data {}),
            job(Op::complete {}),
        ],
    ));

    seeds.push((
        "do",
        vec![
            call(Request::CreateDownload),
            job(Op::do_set { prop: DoProp::Uri, value: DoValue::Str("http://127.0.0.1:9/d".into()) }),
            job(Op::do_set { prop: DoProp::LocalPath, value: DoValue::Str("/out/d.bin".into()) }),
            job(Op::do_set { prop: DoProp::CallbackFreqPercent, value: DoValue::U32(10) }),
            job(Op::do_set { prop: DoProp::TotalSizeBytes, value: DoValue::U64(1 << 30) }),
            job(Op::do_set { prop: DoProp::ForegroundPriority, value: DoValue::Bool(true) }),
            job(Op::do_set { prop: DoProp::CallbackInterface, value: DoValue::U64(11) }),
            job(Op::do_set { prop: DoProp::DecryptionInfo, value: DoValue::Bytes(vec![1, 2, 3]) }),
            job(Op::do_set_stream { sink: Some(12) }),
            job(Op::do_stream_id {}),
            job(Op::do_get { prop: DoProp::Id }),
            job(Op::do_get { prop: DoProp::HttpStatusCode }),
            job(Op::do_start { ranges: super::dodl::StartRanges::None }),
            job(Op::do_status {}),
            job(Op::do_pause {}),
            job(Op::do_finalize {}),
            job(Op::do_abort {}),
            call(Request::Downloads),
        ],
    ));

    seeds.push((
        "legacy",
        vec![
            call(Request::CreateJob { name: "legacy".into(), job_type: JobType::Download, do_legacy: true }),
            job(Op::add_legacy_file {
                file_id: "f1".into(),
                remote: "http://127.0.0.1:9/l".into(),
                local: Some("/out/l.bin".into()),
                ranges: Some(vec![FileRange { offset: 0, length: 1 }]),
                size_hint: Some(100),
            }),
            job(Op::set_file_sink_path { index: 0, path: "/out/l2.bin".into() }),
            job(Op::set_file_stream { index: 0, sink: 13 }),
            job(Op::file_stream_id { index: 0 }),
            job(Op::change_file { index: 0, change: FileChange::DecryptionInfo("k".into()) }),
            job(Op::change_file { index: 0, change: FileChange::IntegrityCheckInfo("i".into()) }),
            job(Op::change_file { index: 0, change: FileChange::IntegrityCheckMandatory(true) }),
            job(Op::change_file { index: 0, change: FileChange::SizeHint(5) }),
            job(Op::file_stats { index: 0 }),
            job(Op::cancel {}),
        ],
    ));

    let stranger = JobId(uuid::Uuid::from_bytes([0, 0xFF, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]));
    seeds.push((
        "strangers",
        vec![
            call(Request::Jobs { all_users: true }),
            call(Request::Jobs { all_users: false }),
            call(Request::GetJob { id: stranger }),
            call(Request::Job { id: stranger, op: Op::cancel {} }),
            ToService::Release { job: stranger, count: u64::MAX },
            ToService::CallbackDone { id: 99, result: Err(-1) },
            create(JobType::Download),
            ToService::Release { job: first, count: u64::MAX },
            job(Op::state {}),
            ToService::Post { job: first, op: Op::complete {} },
            job(Op::state {}),
        ],
    ));

    seeds
        .into_iter()
        .map(|(name, msgs)| {
            let mut bytes = Vec::new();
            for m in &msgs {
                rmp_serde::encode::write_named(&mut bytes, m).expect("a seed encodes");
            }
            (name, bytes)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small xorshift generator: the same mutations on every run.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }

    fn seed_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/seeds/service")
    }

    /// The fuzz target's seeds are what [`service_seeds`] makes (after a protocol change:
    /// `DELIVERYOPT_WRITE_SEEDS=1 cargo test service_seeds_are_current` rewrites them).
    #[test]
    fn service_seeds_are_current() {
        let dir = seed_dir();
        if std::env::var_os("DELIVERYOPT_WRITE_SEEDS").is_some() {
            std::fs::create_dir_all(&dir).unwrap();
            for (name, bytes) in service_seeds() {
                std::fs::write(dir.join(name), bytes).unwrap();
            }
        }
        for (name, bytes) in service_seeds() {
            let on_disk = std::fs::read(dir.join(name)).unwrap_or_default();
            assert!(on_disk == bytes, "fuzz/seeds/service/{name} is out of date: see this test's doc");
        }
    }

    /// Where the bench may fetch (root, a network namespace of its own), a job's remote name
    /// of any host is fetched from the bench's server, into the files directory.
    #[test]
    fn the_bench_fetches_from_its_own_server_whatever_host_a_call_names() {
        let dir = std::env::temp_dir().join(format!("dopt-service-fetch-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let bench = ServiceBench::new(&dir);
        if !bench.fetches() {
            eprintln!("not root, or no network namespace here: the bench does not fetch (nothing to test)");
            return;
        }
        let first = JobId(uuid::Uuid::nil());
        let msgs = [
            ToService::Call {
                id: 0,
                req: Request::CreateJob {
                    name: "fetch".into(),
                    job_type: super::super::JobType::Download,
                    do_legacy: false,
                },
            },
            ToService::Call {
                id: 0,
                req: Request::Job {
                    id: first,
                    op: Op::add_files {
                        files: vec![super::super::NewFile {
                            remote: "http://far.away.example:8080/file.bin".into(),
                            local: "/out/fetched.bin".into(),
                            ranges: None,
                        }],
                    },
                },
            },
            ToService::Call { id: 0, req: Request::Job { id: first, op: Op::resume {} } },
        ];
        let mut bytes = Vec::new();
        for m in &msgs {
            rmp_serde::encode::write_named(&mut bytes, m).unwrap();
        }
        let r = run_session(&bench, &bytes, Duration::from_secs(20));
        assert_eq!((r.answered, r.succeeded, r.jobs), (3, 2, 1), "{r:?}");
        let job = bench.engine.all_jobs(None).pop().expect("the job");
        let want = format!("http://127.0.0.1:{}/file.bin", bench.fetch_port.unwrap());
        assert!(matches!(&job.file(0).unwrap().remote, Remote::Http(u) if u.as_str() == want), "{want}");
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while job.state() != super::super::JobState::Transferred {
            assert!(std::time::Instant::now() < deadline, "not transferred: {:?}", job.state());
            std::thread::sleep(Duration::from_millis(5));
        }
        bench.engine.complete(&job).unwrap();
        let got = std::fs::read(bench.files.join("out/fetched.bin")).unwrap();
        assert_eq!(got, (0..4000).map(|i| (i % 251) as u8).collect::<Vec<u8>>());
        drop(bench);
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Hostile clients, at the service's connection code: each seed as it is, then cut short
    /// and with bytes changed at random (a fixed sequence), then three such clients at once,
    /// must get answers or a closed connection, never a panic or a hang; afterwards an ordinary
    /// client is still served.
    #[test]
    fn the_service_survives_what_hostile_clients_send() {
        let dir = std::env::temp_dir().join(format!("dopt-service-fuzz-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let bench = ServiceBench::new(&dir);
        let patience = Duration::from_secs(20);
        let seeds = service_seeds();
        let mutate = |bytes: &[u8], rng: &mut Rng| {
            let mut m = bytes.to_vec();
            for _ in 0..1 + rng.next() % 4 {
                let i = (rng.next() % m.len() as u64) as usize;
                m[i] = rng.next() as u8;
            }
            m
        };
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for (name, bytes) in &seeds {
            // The seeds themselves get their calls answered (the harness is not fooling itself):
            // every one but the last ("strangers" ends by posting a call that cannot be posted).
            let r = service_session(&bench, bytes, patience);
            assert!(r.answered >= 6 && r.closed == (*name == "strangers"), "{name}: {r:?}");
            assert!(r.jobs >= 1 && r.succeeded >= 1, "{name}: {r:?}");
            service_session(&bench, &bytes[..bytes.len() / 2], patience);
            for _ in 0..40 {
                service_session(&bench, &mutate(bytes, &mut rng), patience);
            }
        }
        // Three hostile clients at once, each ending (and cancelling) the others' jobs as well.
        std::thread::scope(|scope| {
            for t in 0..3u64 {
                let (bench, seeds, mutate) = (&bench, &seeds, &mutate);
                scope.spawn(move || {
                    let mut rng = Rng(0x2545_F491_4F6C_DD1D ^ (t + 1));
                    for (_, bytes) in seeds {
                        for _ in 0..8 {
                            service_session(bench, &mutate(bytes, &mut rng), patience);
                        }
                    }
                });
            }
        });
        // Still serving: a job is made and handed out.
        let mut ok = Vec::new();
        rmp_serde::encode::write_named(
            &mut ok,
            &ToService::Call {
                id: 1,
                req: Request::CreateJob {
                    name: "after".into(),
                    job_type: super::super::JobType::Download,
                    do_legacy: false,
                },
            },
        )
        .unwrap();
        let before = bench.engine.all_jobs(None).len();
        assert_eq!(before, 0, "every session's jobs were cancelled");
        let r = service_session(&bench, &ok, patience);
        assert_eq!((r.answered, r.jobs, r.closed), (1, 1, false), "an ordinary client is served");
        drop(bench);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
